/* Selective acknowledgment. Receiver: RFC 2018 SACK blocks built from the
 * out-of-order queue, the block holding the newest segment first (section
 * 4). Sender: the RFC 6675 scoreboard of SACKed ranges above SND.UNA, with
 * IsLost(), Pipe and NextSeg() at octet granularity. The scoreboard is
 * allocated when the first SACK block arrives (a loss or reordering) and
 * freed when nothing above SND.UNA is SACKed and recovery is over, so an
 * idle or loss-free connection carries only a NULL pointer. */
#include <stdlib.h>
#include <string.h>

#include "tcp_internal.h"

/* ---- receiver ----------------------------------------------------------- */

/* RFC 2018 4: the first block holds the most recently received segment;
 * the others repeat the most recently reported blocks. Each out-of-order
 * range carries the stamp of its newest arrival, so "most recent first" is
 * "highest stamp first". 3 blocks fit beside timestamps, else 4 (RFC 2018 3). */
/* RFC 2883 4 (Linux tcp_dsack_set, tcp_dsack_extend): a duplicate that
 * arrived is reported once, as the first block of the next ACK; a second
 * duplicate touching the first widens it. Only with SACK and `dsack`. */
void tcp_sack_note_dsack(struct tcb *tcb, tcp_seq start, tcp_seq end)
{
    if (!tcb->sack_ok || !tcb_params(tcb)->dsack || !seq_lt(start, end))
        return;
    if (tcb->dsack_pending && seq_le(start, tcb->dsack_end) && seq_ge(end, tcb->dsack_start)) {
        tcb->dsack_start = seq_min(start, tcb->dsack_start);
        tcb->dsack_end = seq_max(end, tcb->dsack_end);
        return;
    }
    tcb->dsack_pending = true;
    tcb->dsack_start = start;
    tcb->dsack_end = end;
}

bool tcp_sack_dsack_of(const struct tcp_segment *seg, tcp_seq *s, tcp_seq *e)
{
    if (!(seg->opts & TCP_OPT_SACK) || seg->nsack == 0)
        return false;
    const struct tcp_sack_block *b = seg->sack;
    bool below = seq_le(b[0].end, seg->ack);
    bool inside = seg->nsack > 1 && seq_ge(b[0].start, b[1].start) && seq_le(b[0].end, b[1].end);
    if (!below && !inside)
        return false;
    *s = b[0].start;
    *e = b[0].end;
    return true;
}

void tcp_sack_add_blocks(struct tcb *tcb, struct tcp_segment *seg)
{
    bool dsack = tcb->dsack_pending && tcb->sack_ok;
    tcb->dsack_pending = false; /* reported once (RFC 2883 4) */
    if (!tcb->sack_ok || (tcb->ooo_count == 0 && !dsack))
        return;
    unsigned max = (seg->opts & TCP_OPT_TS) ? 3 : TCP_MAX_SACK_BLOCKS;
    uint32_t below = UINT32_MAX;
    uint8_t n = 0;
    if (dsack) {
        seg->sack[n].start = tcb->dsack_start;
        seg->sack[n].end = tcb->dsack_end;
        n++;
    }
    while (n < max) {
        int best = -1;
        for (int i = 0; i < tcb->ooo_count; i++) {
            uint32_t st = tcb->ooo[i].stamp;
            if (st < below && (best < 0 || st > tcb->ooo[best].stamp))
                best = i;
        }
        if (best < 0)
            break;
        below = tcb->ooo[best].stamp;
        seg->sack[n].start = tcb->ooo[best].start;
        seg->sack[n].end = tcb->ooo[best].end;
        n++;
    }
    seg->nsack = n;
    seg->opts |= TCP_OPT_SACK;
}

/* ---- sender scoreboard --------------------------------------------------- */

void tcp_sack_free(struct tcb *tcb)
{
    free(tcb->sb);
    tcb->sb = NULL;
}

/* Adds [s, e) and keeps the blocks sorted and merged. When full, the
 * highest block is forgotten: less information, never wrong information. */
static void sb_insert(struct tcp_scoreboard *sb, tcp_seq s, tcp_seq e)
{
    struct tcp_sack_block out[TCP_SB_MAX + 1];
    uint8_t n = 0, i = 0;
    while (i < sb->n && seq_lt(sb->blk[i].end, s))
        out[n++] = sb->blk[i++]; /* entirely below, not adjacent */
    while (i < sb->n && seq_le(sb->blk[i].start, e)) {
        s = seq_min(s, sb->blk[i].start); /* overlapping or adjacent: absorb */
        e = seq_max(e, sb->blk[i].end);
        i++;
    }
    out[n].start = s;
    out[n].end = e;
    n++;
    while (i < sb->n)
        out[n++] = sb->blk[i++];
    if (n > TCP_SB_MAX)
        n = TCP_SB_MAX;
    memcpy(sb->blk, out, n * sizeof *out);
    sb->n = n;
}

/* Drops what the cumulative ACK `una` covers. */
static void sb_prune(struct tcp_scoreboard *sb, tcp_seq una)
{
    uint8_t k = 0;
    while (k < sb->n && seq_le(sb->blk[k].end, una))
        k++;
    for (uint8_t i = k; i < sb->n; i++)
        sb->blk[i - k] = sb->blk[i];
    sb->n = (uint8_t)(sb->n - k);
    if (sb->n && seq_lt(sb->blk[0].start, una))
        sb->blk[0].start = una;
}

/* RFC 6675 5 (and RFC 2018 8): record the blocks of an acceptable ACK.
 * Blocks at or below the cumulative ACK (D-SACK, RFC 2883) or beyond
 * anything sent are ignored. */
void tcp_sack_on_ack(struct tcb *tcb, const struct tcp_segment *seg)
{
    tcp_seq una = seq_gt(seg->ack, tcb->snd_una) ? seg->ack : tcb->snd_una;
    if ((seg->opts & TCP_OPT_SACK) && seg->nsack) {
        for (uint8_t b = 0; b < seg->nsack && b < TCP_MAX_SACK_BLOCKS; b++) {
            tcp_seq s = seg->sack[b].start, e = seg->sack[b].end;
            if (!seq_lt(s, e) || seq_le(e, una) || seq_gt(e, tcb->snd_max))
                continue;
            if (!tcb->sb) {
                tcb->sb = calloc(1, sizeof *tcb->sb);
                if (!tcb->sb)
                    return; /* no scoreboard: NewReno still recovers */
                tcb->sb->high_rxt = una;
            }
            sb_insert(tcb->sb, seq_max(s, una), e);
        }
    }
    struct tcp_scoreboard *sb = tcb->sb;
    if (!sb)
        return;
    sb_prune(sb, una);
    if (seq_lt(sb->high_rxt, una))
        sb->high_rxt = una;
    if (sb->rto_lost && seq_ge(una, tcb->recover))
        sb->rto_lost = false; /* Linux: CA_Loss ends at high_seq */
    if (sb->n == 0 && !sb->rto_lost && !tcb->in_recovery)
        tcp_sack_free(tcb);
}

uint32_t tcp_sack_sacked_bytes(const struct tcb *tcb)
{
    uint32_t sum = 0;
    if (tcb->sb)
        for (uint8_t i = 0; i < tcb->sb->n; i++)
            sum += tcb->sb->blk[i].end - tcb->sb->blk[i].start;
    return sum;
}

/* SACKed octets in [a, b). */
static uint32_t sacked_between(const struct tcp_scoreboard *sb, tcp_seq a, tcp_seq b)
{
    uint32_t sum = 0;
    for (uint8_t i = 0; i < sb->n; i++) {
        tcp_seq s = seq_max(sb->blk[i].start, a), e = seq_min(sb->blk[i].end, b);
        if (seq_lt(s, e))
            sum += e - s;
    }
    return sum;
}

/* Every unSACKed octet below the returned sequence number is lost by
 * RFC 6675 IsLost(): DupThresh discontiguous SACKed blocks above it, or more
 * than (DupThresh - 1) * SMSS SACKed octets above it. After an RTO, all
 * unSACKed data sent before it is lost (Linux tcp_timeout_mark_lost). */
static tcp_seq lost_end(const struct tcb *tcb)
{
    const struct tcp_scoreboard *sb = tcb->sb;
    tcp_seq end = tcb->snd_una;
    uint32_t bytes = 0, blocks = 0;
    for (int i = sb->n - 1; i >= 0; i--) {
        bytes += sb->blk[i].end - sb->blk[i].start;
        blocks++;
        if (blocks >= TCP_DUPTHRESH || bytes > (TCP_DUPTHRESH - 1) * tcb->mss) {
            end = sb->blk[i].start;
            break;
        }
    }
    if (sb->rto_lost && seq_gt(tcb->recover, end))
        end = tcb->recover;
    if (sb->rack_set && seq_gt(sb->rack_lost_end, end))
        end = sb->rack_lost_end; /* RFC 8985 6.2 (tcp_tlp.c) */
    if (tcb->in_recovery && sb->n) {
        /* In recovery, a hole at SND.UNA with SACKed data above it is lost
         * (on a link that keeps order it cannot be anything else), so a
         * partial ACK retransmits the next hole at once, as RFC 6582 3.2
         * (5) does without SACK, instead of waiting for DupThresh more
         * segments. Without a block above, the data is still in flight. */
        tcp_seq head = seq_min(tcb->snd_una + tcb->mss, sb->blk[0].start);
        if (seq_gt(head, end))
            end = head;
    }
    return end;
}

bool tcp_sack_is_lost(const struct tcb *tcb, tcp_seq seq)
{
    if (!tcb->sb)
        return false;
    for (uint8_t i = 0; i < tcb->sb->n; i++)
        if (seq_le(tcb->sb->blk[i].start, seq) && seq_lt(seq, tcb->sb->blk[i].end))
            return false; /* SACKed */
    return seq_lt(seq, lost_end(tcb));
}

/* RFC 6675 SetPipe(), by octets: every unSACKed octet not lost is in the
 * network once, and once more if it was retransmitted (below HighRxt; after
 * an RTO the go-back-N pointer SND.NXT plays HighRxt). Outside recovery the
 * plain FlightSize applies. */
uint32_t tcp_pipe(const struct tcb *tcb)
{
    const struct tcp_scoreboard *sb = tcb->sb;
    if (!sb || (!tcb->in_recovery && !sb->rto_lost))
        return tcp_flight_size(tcb);
    tcp_seq una = tcb->snd_una;
    tcp_seq lost = seq_max(lost_end(tcb), una);
    tcp_seq rxt = sb->rto_lost ? tcb->snd_nxt : sb->high_rxt;
    rxt = seq_max(rxt, una);
    uint32_t out = (tcb->snd_max - una) - sacked_between(sb, una, tcb->snd_max);
    uint32_t lost_bytes = (lost - una) - sacked_between(sb, una, lost);
    uint32_t rxt_bytes = (rxt - una) - sacked_between(sb, una, rxt);
    return out - lost_bytes + rxt_bytes;
}

tcp_seq tcp_sack_skip(const struct tcb *tcb, tcp_seq seq)
{
    if (!tcb->sb)
        return seq;
    for (uint8_t i = 0; i < tcb->sb->n; i++)
        if (seq_le(tcb->sb->blk[i].start, seq) && seq_lt(seq, tcb->sb->blk[i].end))
            return tcb->sb->blk[i].end; /* merged blocks: the end is unSACKed */
    return seq;
}

tcp_seq tcp_sack_next_start(const struct tcb *tcb, tcp_seq seq, tcp_seq limit)
{
    if (!tcb->sb)
        return limit;
    for (uint8_t i = 0; i < tcb->sb->n; i++)
        if (seq_gt(tcb->sb->blk[i].start, seq))
            return seq_min(tcb->sb->blk[i].start, limit); /* sorted: the first above */
    return limit;
}

/* RFC 6675 NextSeg() rule (1): the first unSACKed octet S2 above HighRxt
 * with IsLost(S2) (which implies S2 is below the highest SACKed octet);
 * the hole runs to the next SACKed block or the end of the lost region. */
bool tcp_sack_next_hole(const struct tcb *tcb, tcp_seq *start, tcp_seq *end)
{
    const struct tcp_scoreboard *sb = tcb->sb;
    if (!sb)
        return false;
    tcp_seq s = tcp_sack_skip(tcb, seq_max(sb->high_rxt, tcb->snd_una));
    tcp_seq lost = lost_end(tcb);
    if (!seq_lt(s, lost))
        return false;
    *start = s;
    *end = tcp_sack_next_start(tcb, s, lost);
    return true;
}
