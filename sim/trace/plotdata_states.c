/* states.dat: one bar per connection, one row per state interval. */
#include <inttypes.h>
#include <stdlib.h>

#include "plotdata_internal.h"
#include "tcpsim/errors.h"

int pd_conn_index(const struct pd_conns *c, uint8_t host, uint32_t conn)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->items[i].host == host && c->items[i].conn == conn)
            return (int)i;
    return -1;
}

int pd_collect_conns(const struct trace_plotdata *pd, struct pd_conns *c)
{
    c->items = calloc(pd->states_count + 1, sizeof *c->items);
    c->count = 0;
    if (!c->items)
        return TS_ENOMEM;
    for (uint8_t h = 0; h < 2; h++)
        for (size_t i = 0; i < pd->states_count; i++) {
            const struct pd_state *st = &pd->states[i];
            if (st->host == h && pd_conn_index(c, h, st->conn) < 0) {
                c->items[c->count].host = h;
                c->items[c->count++].conn = st->conn;
            }
        }
    return 0;
}

void pd_write_states(const struct trace_plotdata *pd, const struct pd_conns *c, sim_time_t end,
                     sim_time_t to)
{
    FILE *out = pd->files.states;
    fputs("# row t_from t_to state_index state label\n", out);
    for (size_t i = 0; i < pd->states_count; i++) {
        const struct pd_state *st = &pd->states[i];
        if (st->to == TCP_CLOSED)
            continue;
        sim_time_t until = end;
        for (size_t j = i + 1; j < pd->states_count; j++)
            if (pd->states[j].host == st->host && pd->states[j].conn == st->conn) {
                until = pd->states[j].t;
                break;
            }
        sim_time_t a = st->t > pd->opt.from ? st->t : pd->opt.from;
        sim_time_t b = until < to ? until : to;
        if (b < a)
            continue;
        char label[96];
        snprintf(label, sizeof label, "%s #%" PRIu32, pd->opt.host_name[st->host], st->conn);
        fprintf(out, "%d %.9f %.9f %d %s ", pd_conn_index(c, st->host, st->conn), pd_sec(a),
                pd_sec(b), st->to, tcp_state_name((enum tcp_state)st->to));
        pd_quote(out, label);
        putc('\n', out);
    }
    fprintf(out, "-1 -1e9 -1e9 0 pad \"\"\n");
}
