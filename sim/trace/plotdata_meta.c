/* meta.gp: the gnuplot variables that tell the scripts in plots/ what the
 * data files beside it hold (names, ranges, row counts, notes). */
#include <inttypes.h>

#include "plotdata_internal.h"

static void pd_meta_flags(FILE *out, const char *name, const bool flags[TCP_STATE_COUNT])
{
    fprintf(out, "%s = \"", name);
    for (int s = 0; s < TCP_STATE_COUNT; s++)
        fprintf(out, "%s%d", s ? " " : "", flags[s]);
    fputs("\"\n", out);
}

static void pd_meta_string(FILE *out, const char *name, const char *value)
{
    fprintf(out, "%s = ", name);
    pd_squote(out, value ? value : "");
    putc('\n', out);
}

void pd_write_meta(const struct trace_plotdata *pd, const struct pd_summary *m)
{
    FILE *out = pd->files.meta;
    char a[16], b[16], text[160];
    fputs("# written by tcpsim plot: what the .dat files beside it hold\n", out);
    pd_meta_string(out, "scenario", pd->opt.scenario);
    pd_meta_string(out, "host_a", pd->opt.host_name[0]);
    pd_meta_string(out, "host_b", pd->opt.host_name[1]);
    trace_format_addr(pd->opt.host_addr[0], a);
    trace_format_addr(pd->opt.host_addr[1], b);
    pd_meta_string(out, "addr_a", a);
    pd_meta_string(out, "addr_b", b);
    fprintf(out, "t_from = %.9f\nt_to = %.9f\n", pd_sec(pd->opt.from), pd_sec(m->to));
    const struct pd_ladder *l = m->ladder;
    fprintf(out, "ladder_ymax = %.3f\nladder_segments = %zu\nladder_total = %zu\n", l->ymax,
            l->seg_last - l->seg_first, pd->segs_count);
    text[0] = '\0';
    if (l->seg_last - l->seg_first < pd->segs_count && !pd->opt.window_set)
        snprintf(text, sizeof text, "first %zu of %zu segments: zoom with --from/--to",
                 l->seg_last - l->seg_first, pd->segs_count);
    pd_meta_string(out, "ladder_note", text);
    pd_duration(l->delay, text, sizeof text);
    pd_meta_string(out, "ladder_delay", text);
    fprintf(out, "n_state_rows = %zu\n", m->state_rows);
    pd_meta_flags(out, "state_present", m->states_present);
    pd_meta_flags(out, "count_present", m->counts_present);
    text[0] = '\0';
    if (m->flow) {
        trace_format_addr(m->flow->src_addr, a);
        trace_format_addr(m->flow->dst_addr, b);
        snprintf(text, sizeof text, "%s %s:%u > %s:%u", pd->opt.host_name[m->flow->from], a,
                 (unsigned)m->flow->src_port, b, (unsigned)m->flow->dst_port);
    }
    pd_meta_string(out, "seq_title", text);
    fprintf(out, "n_seq_tx = %zu\nn_seq_ack = %zu\n", m->seq.rows - m->seq_ack, m->seq_ack);
    fprintf(out, "seq_t0 = %.9f\nseq_t1 = %.9f\nseq_ymax = %" PRIu64 "\n", pd_sec(m->seq.t0),
            pd_sec(m->seq.t1), m->seq.ymax);
    fprintf(out, "cc_index = %d\nn_cc = %zu\ncc_t0 = %.9f\ncc_t1 = %.9f\n", m->cc_index, m->cc.rows,
            pd_sec(m->cc.t0), pd_sec(m->cc.t1));
}
