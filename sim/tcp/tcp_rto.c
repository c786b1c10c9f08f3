/* RFC 6298 retransmission-timer arithmetic, kept free of side effects other
 * than the TCB's own RTT variables so it can be tested against worked numbers. */
#include "tcp_internal.h"

static sim_time_t clamp_rto(const struct tcp_params *p, sim_time_t rto)
{
    if (rto < p->rto_min) /* (2.4); Linux: tcp_rto_min 200 ms */
        rto = p->rto_min;
    if (rto > p->rto_max) /* (2.5) */
        rto = p->rto_max;
    return rto;
}

static sim_time_t abs_time(sim_time_t x) { return x < 0 ? -x : x; }

/* (2.2) first sample: SRTT = R, RTTVAR = R/2.
 * (2.3) later: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'|, then SRTT = 7/8 SRTT + 1/8 R'.
 * RTO = SRTT + max(G, K*RTTVAR) with K = 4 (section 4: if K*RTTVAR is 0, G). */
void tcp_rtt_sample(struct tcb *tcb, sim_time_t r)
{
    const struct tcp_params *p = tcb_params(tcb);
    if (r < 0)
        r = 0;
    if (tcb->srtt == 0) {
        tcb->srtt = r > 0 ? r : 1;
        tcb->rttvar = r / 2;
    } else {
        tcb->rttvar = (3 * tcb->rttvar + abs_time(tcb->srtt - r)) / 4;
        tcb->srtt = (7 * tcb->srtt + r) / 8;
    }
    sim_time_t var = 4 * tcb->rttvar;
    if (var < p->clock_granularity)
        var = p->clock_granularity;
    tcb->rto = clamp_rto(p, tcb->srtt + var);
}

/* (5.5): RTO doubles on each expiry, up to the maximum. */
sim_time_t tcp_rto_backoff(sim_time_t rto, uint32_t shifts, sim_time_t max)
{
    while (shifts-- > 0) {
        if (rto >= max / 2)
            return max;
        rto *= 2;
    }
    return rto > max ? max : rto;
}

/* The RTO to use before SYN retransmission `n` (1-based). RFC 6298: double
 * every time. Linux 6.5+: the first tcp_syn_linear_timeouts retransmissions
 * keep the initial 1 s, then doubling resumes (SYNs at 0,1,2,3,4,5,7,11,...). */
sim_time_t tcp_syn_rto(const struct tcp_params *p, sim_time_t rto, uint32_t n)
{
    if (n <= p->syn_linear_timeouts)
        return p->rto_initial;
    return tcp_rto_backoff(rto, 1, p->rto_max);
}
