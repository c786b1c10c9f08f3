/* counts.dat: connections per state over time, one block per host. */
#include <inttypes.h>

#include "plotdata_internal.h"

/* Connections per state over time, one block per host, one column per state
 * (LISTEN .. TIME_WAIT; a CLOSED connection is gone). */
void pd_write_counts(const struct trace_plotdata *pd, struct pd_conns *c, sim_time_t to,
                     bool present[TCP_STATE_COUNT])
{
    FILE *out = pd->files.counts;
    for (uint8_t h = 0; h < 2; h++) {
        uint32_t n[TCP_STATE_COUNT] = {0};
        for (size_t i = 0; i < c->count; i++)
            c->items[i].seen = false;
        fprintf(out, "# %s: t", pd->opt.host_name[h]);
        for (int s = 1; s < TCP_STATE_COUNT; s++)
            fprintf(out, " %s", tcp_state_name((enum tcp_state)s));
        fprintf(out, "\npad -1e9");
        for (int s = 1; s < TCP_STATE_COUNT; s++)
            fputs(" 0", out);
        putc('\n', out);
        bool started = false;
        for (size_t i = 0; i <= pd->states_count; i++) {
            const struct pd_state *st = i < pd->states_count ? &pd->states[i] : NULL;
            sim_time_t t = st ? st->t : to;
            if (st && st->host != h)
                continue;
            if (t > to) {
                st = NULL;
                t = to;
            }
            if (!started && t >= pd->opt.from) {
                /* The counts as they stood when the window opened. */
                fprintf(out, "n %.9f", pd_sec(pd->opt.from));
                for (int s = 1; s < TCP_STATE_COUNT; s++)
                    fprintf(out, " %" PRIu32, n[s]);
                putc('\n', out);
                started = true;
            }
            if (st) {
                int k = pd_conn_index(c, h, st->conn);
                if (k >= 0 && c->items[k].seen && n[c->items[k].state])
                    n[c->items[k].state]--;
                if (k >= 0) {
                    c->items[k].seen = true;
                    c->items[k].state = st->to;
                }
                n[st->to]++;
            }
            if (t >= pd->opt.from) {
                fprintf(out, "n %.9f", pd_sec(t));
                for (int s = 1; s < TCP_STATE_COUNT; s++) {
                    fprintf(out, " %" PRIu32, n[s]);
                    present[s] = present[s] || n[s];
                }
                putc('\n', out);
            }
            if (!st)
                break;
        }
        fputs("\n\n", out);
    }
}
