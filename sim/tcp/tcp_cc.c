/* Congestion control shared by the algorithms: RFC 5681 (slow start, fast
 * retransmit, the RTO's loss window) with RFC 6582's NewReno fast recovery
 * (RFC 6675's with SACK), and the NewReno algorithm itself (ssthresh =
 * FlightSize/2, one SMSS per RTT). What an algorithm changes (ssthresh on
 * loss, growth in congestion avoidance) goes through tcb->cc, a const
 * struct tcp_cc_ops; CUBIC's is in tcp_cubic.c. */
#include "tcp_internal.h"

static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

const struct tcp_cc_ops *tcp_cc_ops_for(enum tcp_cc_algo algo)
{
    return algo == TCP_CC_CUBIC ? &tcp_cc_cubic : &tcp_cc_newreno;
}

/* RFC 5681 3.1: IW; Linux uses 10 segments (RFC 6928). ssthresh starts
 * "arbitrarily high". */
void tcp_cc_init(struct tcb *tcb)
{
    uint32_t iw = tcb_params(tcb)->initial_cwnd_segments;
    tcb->cc = tcp_cc_ops_for((enum tcp_cc_algo)tcb_params(tcb)->congestion_control);
    tcb->cwnd = (iw ? iw : 3) * tcb->mss;
    tcb->ssthresh = UINT32_MAX / 2;
    tcb->dupacks = 0;
    tcb->in_recovery = false;
    tcb->recover = tcb->iss;
    tcb->bytes_acked = 0;
    tcb->cc->init(tcb);
    tcp_trace_cc(tcb);
}

/* ---- NewReno ---- */

static void newreno_init(struct tcb *tcb) { (void)tcb; }

/* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2*SMSS). */
static uint32_t newreno_ssthresh(struct tcb *tcb)
{
    return max_u32(tcp_flight_size(tcb) / 2, 2 * tcb->mss);
}

/* RFC 5681 3.1 congestion avoidance: one SMSS per cwnd of acknowledged data. */
static void newreno_cong_avoid(struct tcb *tcb, uint32_t acked)
{
    tcb->bytes_acked += acked;
    if (tcb->bytes_acked >= tcb->cwnd) {
        tcb->bytes_acked -= tcb->cwnd;
        tcb->cwnd += tcb->mss;
    }
}

static void newreno_on_timeout(struct tcb *tcb) { (void)tcb; }

static void newreno_pkts_acked(struct tcb *tcb, sim_time_t rtt)
{
    (void)tcb;
    (void)rtt;
}

const struct tcp_cc_ops tcp_cc_newreno = {
    .name = "newreno",
    .init = newreno_init,
    .ssthresh = newreno_ssthresh,
    .cong_avoid = newreno_cong_avoid,
    .on_timeout = newreno_on_timeout,
    .pkts_acked = newreno_pkts_acked,
};

/* Linux tcp_clean_rtx_queue -> pkts_acked: new data ACKed, with this ACK's
 * RTT. Linux times each skb; tcpsim has no per-segment send times, so the
 * sample is the age of the TSval echoed in TSecr (RFC 7323 4.1: the 1 ms
 * timestamp clock); -1 without timestamps. */
void tcp_cc_pkts_acked(struct tcb *tcb, const struct tcp_segment *seg)
{
    sim_time_t rtt = -1;
    if (tcb->ts_ok && (seg->opts & TCP_OPT_TS) && seg->tsecr != 0) {
        uint32_t now_ts = tcp_tsval(tcb->host, tcb->remote_addr, tcp_now(tcb));
        int32_t ms = (int32_t)(now_ts - seg->tsecr);
        if (ms >= 0)
            rtt = SIM_MS(ms);
    }
    tcb->cc->pkts_acked(tcb, rtt);
}

/* ---- loss recovery, shared ---- */

/* RFC 6582 3.2 (3) full ACK ends recovery, option (1): cwnd =
 * min(ssthresh, max(FlightSize, SMSS) + SMSS), so no burst follows. */
static void exit_recovery(struct tcb *tcb)
{
    tcb->in_recovery = false;
    uint32_t deflated = max_u32(tcp_flight_size(tcb), tcb->mss) + tcb->mss;
    tcb->cwnd = deflated < tcb->ssthresh ? deflated : tcb->ssthresh;
    tcb->bytes_acked = 0;
    if (tcb->sb && tcb->sb->n == 0 && !tcb->sb->rto_lost)
        tcp_sack_free(tcb);
}

void tcp_cc_on_ack(struct tcb *tcb, uint32_t acked)
{
    if (tcb->in_recovery) {
        if (seq_ge(tcb->snd_una, tcb->recover)) {
            exit_recovery(tcb);
        } else if (tcb->sb) {
            /* RFC 6675 5 (C): a partial ACK leaves cwnd alone; pipe fell,
             * so tcp_output sends the next hole. Restart the timer. */
            tcp_arm_rexmit(tcb);
        } else {
            /* RFC 6582 3.2 (5) partial ACK: retransmit the first
             * unacknowledged segment, deflate cwnd by the amount acked and
             * add back one SMSS if that was at least one SMSS. */
            tcp_retransmit_first(tcb, SEG_REXMIT_FAST);
            tcb->cwnd = tcb->cwnd > acked ? tcb->cwnd - acked : 0;
            if (acked >= tcb->mss)
                tcb->cwnd += tcb->mss;
            if (tcb->cwnd < tcb->mss)
                tcb->cwnd = tcb->mss;
            tcp_arm_rexmit(tcb);
        }
        tcp_trace_cc(tcb);
        return;
    }
    if (tcb->cwnd < tcb->ssthresh) {
        /* Slow start (RFC 5681 3.1, with ABC's limit of one SMSS per ACK;
         * RFC 9438 4.10: CUBIC too; its exit before a loss is HyStart,
         * tcp_hystart.c, via pkts_acked). */
        tcb->cwnd += acked < tcb->mss ? acked : tcb->mss;
    } else {
        tcb->cc->cong_avoid(tcb, acked);
    }
    tcp_trace_cc(tcb);
}

/* RFC 5681 3.2 / RFC 6582 3.2: the third duplicate ACK starts fast
 * retransmit unless we are still recovering from the same loss. With SACK,
 * RFC 6675 5 (a) also starts it as soon as IsLost(HighACK + 1). */
void tcp_cc_on_dupack(struct tcb *tcb)
{
    if (tcb->in_recovery) {
        if (!tcb->sb) {
            tcb->cwnd += tcb->mss; /* RFC 6582 3.2 (4): inflate per dup ACK */
            tcp_trace_cc(tcb);
        } /* RFC 6675: no inflation; the SACK info shrank pipe instead */
        return;
    }
    bool lost = tcb->sb && tcp_sack_is_lost(tcb, tcb->snd_una);
    if (tcb->dupacks < TCP_DUPTHRESH && !lost)
        return;
    if (seq_lt(tcb->snd_una, tcb->recover) && seq_gt(tcb->recover, tcb->iss))
        return; /* RFC 6582 3.2 (2): no new recovery inside the old one */
    tcb->ssthresh = tcb->cc->ssthresh(tcb); /* RFC 5681 (4), RFC 9438 4.6 */
    tcb->recover = tcb->snd_max;
    tcb->in_recovery = true;
    tcb->bytes_acked = 0;
    if (tcb->sb) {
        /* RFC 6675 4.2: cwnd = ssthresh, retransmit the first lost
         * segment, then send while cwnd - pipe >= 1 SMSS. */
        tcb->cwnd = tcb->ssthresh;
        /* HighRxt stays: holes already resent in an earlier recovery are
         * not sent again (Linux: an skb keeps its retransmitted mark). */
        tcp_sack_recovery_output(tcb, true);
    } else {
        /* RFC 6582 3.2 (3): retransmit, cwnd = ssthresh + 3*SMSS. */
        tcp_retransmit_first(tcb, SEG_REXMIT_FAST);
        tcb->cwnd = tcb->ssthresh + 3 * tcb->mss;
    }
    tcp_arm_rexmit(tcb);
    tcp_trace_cc(tcb);
}

/* RFC 5681 (4) and 3.1: on RTO, ssthresh = max(FlightSize/2, 2*SMSS) (CUBIC:
 * RFC 9438 4.8, its 4.6 decrease) and cwnd = one segment (the loss window). SACKed data stays
 * SACKed and all the rest is lost (Linux tcp_timeout_mark_lost; RFC 6675 5.1 allows keeping the
 * scoreboard), so going back N skips what the peer holds. */
void tcp_cc_on_timeout(struct tcb *tcb)
{
    if (tcb->retransmits <= 1)
        tcb->ssthresh = tcb->cc->ssthresh(tcb);
    tcb->cwnd = tcb->mss;
    tcb->bytes_acked = 0;
    tcb->in_recovery = false;
    tcb->recover = tcb->snd_max;
    tcb->dupacks = 0;
    if (tcb->sb)
        tcb->sb->rto_lost = true;
    tcb->cc->on_timeout(tcb);
    tcp_trace_cc(tcb);
}
