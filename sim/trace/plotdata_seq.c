/* seq.dat: the sequence/time graph of the main sender (Stevens/tcptrace
 * style): its segments, and the ACKs and window edges it received. */
#include <inttypes.h>

#include "plotdata_internal.h"

/* Stevens/tcptrace style: the sender's segments at their send times, and
 * the ACKs (with the right edge of the offered window) as it receives them. */
void pd_write_seq(const struct trace_plotdata *pd, const struct pd_flow *f, struct pd_range *range,
                  size_t *n_ack)
{
    FILE *out = pd->files.seq;
    const struct pd_flow *r =
        f ? pd_find_flow(pd, f->dst_addr, f->dst_port, f->src_addr, f->src_port) : NULL;
    fputs("# sender's segments: tag t seq end ack win rexmit dropped\npad -1e9 0 0 0 0 0 0\n", out);
    for (size_t i = 0; f && i < pd->segs_count; i++) {
        const struct pd_seg *g = &pd->segs[i];
        if (g->dup || !pd_seg_in_flow(g, f, false) || !pd_in_window(pd, g->t_send))
            continue;
        uint32_t seq = pd_rel(f, g->seq);
        uint32_t seg_len = g->len + !!(g->flags & TCP_SYN) + !!(g->flags & TCP_FIN);
        bool dropped = g->end == PD_LOST || g->end == PD_CRASH_TX || g->end == PD_CRASH_RX;
        uint32_t ack = (g->flags & TCP_ACK) ? pd_rel(r, g->ack) : 0;
        fprintf(out, "s %.9f %" PRIu32 " %" PRIu32 " %" PRIu32 " %u %d %d\n", pd_sec(g->t_send),
                seq, seq + seg_len, ack, (unsigned)g->win, g->rexmit != 0, dropped);
        pd_range_add(range, g->t_send, seq + seg_len);
    }
    fputs("\n\n# ACKs the sender received: tag t ack window_right_edge\npad -1e9 0 0\n", out);
    /* RFC 7323 2.3: the window field is scaled only when both SYNs carried
     * the option, and never in a SYN. */
    unsigned shift = f && r && f->has_wscale && r->has_wscale ? r->wscale : 0;
    for (size_t i = 0; f && i < pd->segs_count; i++) {
        const struct pd_seg *g = &pd->segs[i];
        if (g->end != PD_ARRIVED || !(g->flags & TCP_ACK) || !pd_seg_in_flow(g, f, true) ||
            !pd_in_window(pd, g->t_end))
            continue;
        uint32_t ack = pd_rel(f, g->ack);
        uint64_t win = (uint64_t)g->win << ((g->flags & TCP_SYN) ? 0 : shift);
        fprintf(out, "a %.9f %" PRIu32 " %" PRIu64 "\n", pd_sec(g->t_end), ack, ack + win);
        ++*n_ack;
        pd_range_add(range, g->t_end, 0);
    }
}
