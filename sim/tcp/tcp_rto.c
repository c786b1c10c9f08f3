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

static int64_t max_i64(int64_t a, int64_t b) { return a > b ? a : b; }

/* Linux tcp_rtt_estimator + __tcp_set_rto, in microseconds as there: mdev
 * is 4*RTTVAR, and rttvar_us, the RTO's variance term, is the largest mdev
 * of the last round trip but never less than tcp_rto_min; it decays by a
 * quarter per round trip towards it. RTO = SRTT + rttvar_us, rounded up to
 * a jiffy (usecs_to_jiffies). After one 20 ms sample: 20 + max(40, 200) =
 * 220 ms, where RFC 6298 (2.4) gives max(20 + 40, 200) = 200 ms. */
static void rtt_sample_linux(struct tcb *tcb, sim_time_t r)
{
    const struct tcp_params *p = tcb_params(tcb);
    int64_t rto_min_us = p->rto_min / 1000;
    int64_t m = r / 1000;
    int64_t srtt8 = tcb->srtt * 8 / 1000; /* srtt_us, 8 times the SRTT */
    int64_t mdev = tcb->rttvar / 250;     /* mdev_us, 4 times the RTTVAR */
    if (tcb->srtt != 0) {
        m -= srtt8 >> 3;
        srtt8 += m;
        if (m < 0) {
            m = -m - (mdev >> 2);
            if (m > 0)
                m >>= 3; /* a falling RTT moves mdev 8 times less */
        } else {
            m -= mdev >> 2;
        }
        mdev += m;
        if (mdev > (int64_t)tcb->lx_mdev_max_us) {
            tcb->lx_mdev_max_us = (uint32_t)mdev;
            if (tcb->lx_mdev_max_us > tcb->lx_rttvar_us)
                tcb->lx_rttvar_us = tcb->lx_mdev_max_us;
        }
        if (seq_gt(tcb->snd_una, tcb->lx_var_seq)) { /* a round trip is over */
            if (tcb->lx_mdev_max_us < tcb->lx_rttvar_us)
                tcb->lx_rttvar_us -= (tcb->lx_rttvar_us - tcb->lx_mdev_max_us) >> 2;
            tcb->lx_var_seq = tcb->snd_nxt;
            tcb->lx_mdev_max_us = (uint32_t)rto_min_us;
        }
    } else {
        srtt8 = m << 3;
        mdev = m << 1; /* RTO = 3 RTT */
        tcb->lx_rttvar_us = (uint32_t)max_i64(mdev, rto_min_us);
        tcb->lx_mdev_max_us = tcb->lx_rttvar_us;
        tcb->lx_var_seq = tcb->snd_nxt;
    }
    srtt8 = max_i64(srtt8, 1);
    tcb->srtt = srtt8 * 125; /* ns: srtt_us / 8 * 1000 */
    tcb->rttvar = max_i64(mdev, 0) * 250;
    sim_time_t rto = SIM_US((srtt8 >> 3) + (int64_t)tcb->lx_rttvar_us);
    rto = tcp_jiffies_round_up(p, rto);
    if (rto < p->clock_granularity)
        rto = p->clock_granularity;                 /* at least one tick */
    tcb->rto = rto > p->rto_max ? p->rto_max : rto; /* tcp_bound_rto */
}

/* (2.2) first sample: SRTT = R, RTTVAR = R/2.
 * (2.3) later: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'|, then SRTT = 7/8 SRTT + 1/8 R'.
 * RTO = SRTT + max(G, K*RTTVAR) with K = 4 (section 4: if K*RTTVAR is 0, G). */
void tcp_rtt_sample(struct tcb *tcb, sim_time_t r)
{
    const struct tcp_params *p = tcb_params(tcb);
    if (r < 0)
        r = 0;
    if (p->rto_min_floors_rttvar) {
        rtt_sample_linux(tcb, r);
        return;
    }
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
