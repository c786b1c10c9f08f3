/* NewReno congestion control: RFC 5681 (slow start, congestion avoidance,
 * fast retransmit) with RFC 6582's fast-recovery modification. */
#include "tcp_internal.h"

static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* RFC 5681 3.1: IW; Linux uses 10 segments (RFC 6928). ssthresh starts
 * "arbitrarily high". */
void tcp_cc_init(struct tcb *tcb)
{
    uint32_t iw = tcb_params(tcb)->initial_cwnd_segments;
    tcb->cwnd = (iw ? iw : 3) * tcb->mss;
    tcb->ssthresh = UINT32_MAX / 2;
    tcb->dupacks = 0;
    tcb->in_recovery = false;
    tcb->recover = tcb->iss;
    tcp_trace_cc(tcb);
}

/* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2*SMSS). */
static uint32_t half_flight(const struct tcb *tcb)
{
    return max_u32(tcp_flight_size(tcb) / 2, 2 * tcb->mss);
}

void tcp_cc_on_ack(struct tcb *tcb, uint32_t acked)
{
    if (tcb->in_recovery) {
        if (seq_ge(tcb->snd_una, tcb->recover)) {
            /* RFC 6582 3.2 (3): full ACK ends recovery; deflate the window. */
            tcb->in_recovery = false;
            uint32_t flight = tcp_flight_size(tcb);
            tcb->cwnd = flight + tcb->mss < tcb->ssthresh ? flight + tcb->mss : tcb->ssthresh;
        } else {
            /* (4) partial ACK: retransmit the next hole, deflate by the
             * amount acked, add back one SMSS. */
            tcp_retransmit_first(tcb, SEG_REXMIT_FAST);
            tcb->cwnd = tcb->cwnd > acked ? tcb->cwnd - acked : 0;
            tcb->cwnd += tcb->mss;
            tcp_arm_rexmit(tcb);
        }
        tcp_trace_cc(tcb);
        return;
    }
    if (tcb->cwnd < tcb->ssthresh) {
        /* Slow start (RFC 5681 3.1, with ABC's limit of one SMSS per ACK). */
        tcb->cwnd += acked < tcb->mss ? acked : tcb->mss;
    } else {
        /* Congestion avoidance: one SMSS per cwnd of acknowledged data. */
        tcb->bytes_acked += acked;
        if (tcb->bytes_acked >= tcb->cwnd) {
            tcb->bytes_acked -= tcb->cwnd;
            tcb->cwnd += tcb->mss;
        }
    }
    tcp_trace_cc(tcb);
}

/* RFC 5681 3.2 / RFC 6582 3.2: the third duplicate ACK starts fast
 * retransmit unless we are still recovering from the same loss. */
void tcp_cc_on_dupack(struct tcb *tcb)
{
    if (tcb->in_recovery) {
        tcb->cwnd += tcb->mss; /* (5) inflate for each further dup ACK */
        tcp_trace_cc(tcb);
        return;
    }
    if (tcb->dupacks != 3)
        return;
    if (seq_lt(tcb->snd_una, tcb->recover) && seq_gt(tcb->recover, tcb->iss))
        return; /* RFC 6582 3.2 (1): no new recovery inside the old one */
    tcb->ssthresh = half_flight(tcb);
    tcb->recover = tcb->snd_max;
    tcb->in_recovery = true;
    tcp_retransmit_first(tcb, SEG_REXMIT_FAST);
    tcb->cwnd = tcb->ssthresh + 3 * tcb->mss;
    tcp_arm_rexmit(tcb);
    tcp_trace_cc(tcb);
}

/* RFC 5681 (4) and 3.1: on RTO, ssthresh = max(FlightSize/2, 2*SMSS) and
 * cwnd = one segment (the loss window). */
void tcp_cc_on_timeout(struct tcb *tcb)
{
    if (tcb->retransmits <= 1)
        tcb->ssthresh = half_flight(tcb);
    tcb->cwnd = tcb->mss;
    tcb->bytes_acked = 0;
    tcb->in_recovery = false;
    tcb->recover = tcb->snd_max;
    tcb->dupacks = 0;
    tcp_trace_cc(tcb);
}
