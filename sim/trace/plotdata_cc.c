/* cc.dat: congestion-control samples (cwnd, ssthresh, flight, srtt, rto),
 * one block per host+conn. */
#include <inttypes.h>

#include "plotdata_internal.h"

/* One block per host+conn that reported cc samples; returns the block to
 * draw (the main sender's, else the one with most samples) or -1, with its
 * time span and row count in *range. */
int pd_write_cc(const struct trace_plotdata *pd, const struct pd_flow *f, struct pd_range *range)
{
    FILE *out = pd->files.cc;
    int chosen = -1, block = 0;
    bool chosen_is_sender = false;
    for (size_t i = 0; i < pd->ccs_count; i++) {
        const struct pd_cc *c = &pd->ccs[i];
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = pd->ccs[j].host != c->host || pd->ccs[j].conn != c->conn;
        if (!first)
            continue;
        fprintf(out, "# %s #%" PRIu32 ": tag t cwnd ssthresh flight srtt_ms rto_ms\n",
                pd->opt.host_name[c->host], c->conn);
        fputs("pad -1e9 0 0 0 0 0\n", out);
        size_t n = 0;
        struct pd_range here = {0};
        for (size_t j = i; j < pd->ccs_count; j++) {
            const struct pd_cc *d = &pd->ccs[j];
            if (d->host != c->host || d->conn != c->conn || !pd_in_window(pd, d->t))
                continue;
            fprintf(out, "c %.9f %" PRIu32 " ", pd_sec(d->t), d->cwnd);
            if (d->ssthresh >= 0x7fffffffu)
                fputs("NaN", out); /* "infinite": not drawn */
            else
                fprintf(out, "%" PRIu32, d->ssthresh);
            fprintf(out, " %" PRIu32 " %.6f %.6f\n", d->flight, (double)d->srtt / 1e6,
                    (double)d->rto / 1e6);
            n++;
            pd_range_add(&here, d->t, 0);
        }
        fputs("\n\n", out);
        bool sender = f && c->host == f->from && c->conn == f->conn;
        if (n && !chosen_is_sender && (sender || chosen < 0 || n > range->rows)) {
            chosen = block;
            chosen_is_sender = sender;
            *range = here;
        }
        block++;
    }
    if (block == 0)
        fputs("# no cc samples\npad -1e9 0 0 0 0 0\n", out);
    return chosen;
}
