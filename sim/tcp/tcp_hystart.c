/* HyStart, the slow start exit of Linux's CUBIC (Ha & Rhee, "Taming the
 * elephants: New TCP slow start", Computer Networks 2011; Linux
 * net/ipv4/tcp_cubic.c hystart_update, on by default: hystart = 1,
 * hystart_detect = HYSTART_ACK_TRAIN | HYSTART_DELAY). It ends slow start
 * before the first loss by setting ssthresh = cwnd when either
 *  - ACK train: one round's ACKs keep arriving close together (each within
 *    hystart_ack_delta_us = 2 ms of the last) for longer than half the
 *    minimum RTT since the round began: the window already fills the pipe;
 *  - delay increase: the round's minimum RTT, once 8 samples are in,
 *    exceeds delay_min + clamp(delay_min / 8, 4 ms, 16 ms): a queue builds.
 * Neither looks while cwnd < hystart_low_window (16 segments). A round
 * (bictcp_hystart_reset) ends when SND.UNA passes the highest sequence sent
 * at its start.
 *
 * This is not RFC 9406 HyStart++ (which RFC 9438 4.10 suggests): Linux does
 * not implement it, and it differs (Conservative Slow Start, other bounds).
 *
 * RTT samples: Linux times every ACK from its skbs' send stamps (µs).
 * tcpsim keeps no per-segment send times, so tcp_cc.c takes each ACK's RTT
 * from its TSecr on the 1 ms timestamp clock (RFC 7323 4.1); without
 * timestamps there are no samples and slow start stays plain. */
#include "tcp_internal.h"

#define HYSTART_LOW_WINDOW 16          /* hystart_low_window, segments */
#define HYSTART_ACK_DELTA SIM_US(2000) /* hystart_ack_delta_us */
#define HYSTART_MIN_SAMPLES 8
#define HYSTART_DELAY_MIN SIM_MS(4)
#define HYSTART_DELAY_MAX SIM_MS(16)
#define HYSTART_GSO_MAX 65536 /* sk_gso_max_size (GSO_LEGACY_MAX_SIZE) */

/* Linux bictcp_hystart_reset: a new round starts now. Linux's snd_nxt is
 * the highest sequence sent, tcpsim's SND.MAX (SND.NXT rewinds on an RTO). */
void tcp_hystart_reset(struct tcb *tcb)
{
    struct tcp_hystart *hy = &tcb->cubic.hy;
    hy->round_start = hy->last_ack = tcp_now(tcb);
    hy->end_seq = tcb->snd_max;
    hy->curr_rtt = SIM_TIME_MAX;
    hy->sample_cnt = 0;
}

/* Linux hystart_ack_delay: a TSO/GRO cushion, 4 * gso_max_size at the
 * pacing rate, at most 1 ms. Linux always computes the pacing rate, in slow
 * start 2 * cwnd / SRTT (tcp_pacing_ss_ratio = 200). */
static sim_time_t hystart_ack_delay(const struct tcb *tcb)
{
    if (tcb->srtt <= 0 || tcb->cwnd == 0)
        return 0;
    sim_time_t d = (sim_time_t)(4 * HYSTART_GSO_MAX / 2) * tcb->srtt / (sim_time_t)tcb->cwnd;
    return d < SIM_MS(1) ? d : SIM_MS(1);
}

static void hystart_exit(struct tcb *tcb)
{
    tcb->cubic.hy.found = true;
    tcb->ssthresh = tcb->cwnd;
}

/* Linux hystart_update, for one RTT sample in slow start. */
static void hystart_update(struct tcb *tcb, sim_time_t rtt)
{
    struct tcp_hystart *hy = &tcb->cubic.hy;
    if (seq_gt(tcb->snd_una, hy->end_seq))
        tcp_hystart_reset(tcb);
    if (tcb->cwnd < HYSTART_LOW_WINDOW * tcb->mss)
        return;

    /* HYSTART_ACK_TRAIN: a gap over 2 ms breaks the train for the rest of
     * the round (last_ack stays behind). Without an fq qdisc
     * (SK_PACING_NONE) the threshold is halved. */
    sim_time_t now = tcp_now(tcb);
    if (now - hy->last_ack <= HYSTART_ACK_DELTA) {
        hy->last_ack = now;
        sim_time_t threshold = (hy->delay_min + hystart_ack_delay(tcb)) / 2;
        if (now - hy->round_start > threshold)
            hystart_exit(tcb);
    }

    /* HYSTART_DELAY: the first 8 samples only feed curr_rtt; from the 9th
     * on, the round's minimum is compared with delay_min + delay_min/8
     * clamped to [4 ms, 16 ms]. */
    if (hy->curr_rtt > rtt)
        hy->curr_rtt = rtt;
    if (hy->sample_cnt < HYSTART_MIN_SAMPLES) {
        hy->sample_cnt++;
        return;
    }
    sim_time_t thresh = hy->delay_min / 8;
    if (thresh < HYSTART_DELAY_MIN)
        thresh = HYSTART_DELAY_MIN;
    if (thresh > HYSTART_DELAY_MAX)
        thresh = HYSTART_DELAY_MAX;
    if (hy->curr_rtt > hy->delay_min + thresh)
        hystart_exit(tcb);
}

/* Linux cubictcp_acked: every ACK's sample keeps delay_min; in slow start,
 * until the exit is found, it also feeds hystart_update. */
void tcp_hystart_acked(struct tcb *tcb, sim_time_t rtt)
{
    struct tcp_cubic *cu = &tcb->cubic;
    if (rtt < 0)
        return;
    /* Samples within 1 s of a congestion avoidance epoch's start (just
     * after a recovery) are discarded. */
    if (cu->epoch_start >= 0 && tcp_now(tcb) - cu->epoch_start < SIM_S(1))
        return;
    if (rtt == 0)
        rtt = 1;
    if (cu->hy.delay_min == 0 || cu->hy.delay_min > rtt)
        cu->hy.delay_min = rtt;
    if (!cu->hy.found && tcb->cwnd < tcb->ssthresh && tcb_params(tcb)->hystart)
        hystart_update(tcb, rtt);
}
