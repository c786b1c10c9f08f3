/* CUBIC congestion control, RFC 9438 (Linux tcp_cubic.c, its default): the
 * window after a loss follows W_cubic(t) = C*(t-K)^3 + W_max, concave up to
 * the W_max of the last loss and convex beyond it, never slower than the
 * Reno estimate W_est. Slow start and loss recovery are tcp_cc.c's; its exit
 * before a loss is Linux's HyStart (tcp_hystart.c), not RFC 9406 HyStart++
 * (optional in RFC 9438 4.10, absent from Linux).
 *
 * Integer arithmetic, so every run computes the same bits: windows in
 * octets (the RFC's segments times SMSS), t and K in milliseconds inside the
 * cubic (the RFC's seconds), C = 4/10, beta_cubic = 7/10. */
#include "tcp_internal.h"

#define CUBIC_C_NUM 4 /* RFC 9438 4.2: C = 0.4 */
#define CUBIC_C_DEN 10
#define CUBIC_BETA_NUM 7 /* RFC 9438 4.6: beta_cubic = 0.7 */
#define CUBIC_BETA_DEN 10
/* RFC 9438 4.3: alpha_cubic = 3 * (1 - beta) / (1 + beta) = 0.9/1.7 = 9/17. */
#define CUBIC_ALPHA_NUM 9
#define CUBIC_ALPHA_DEN 17
#define CUBIC_FRAC 1024u          /* W_est keeps 1/1024 octet */
#define CUBIC_MAX_T_MS (1u << 20) /* |t - K| saturates at ~17 min: no overflow */
#define CUBIC_MAX_WND (UINT32_MAX / 2)

/* Floor of the cube root (Newton's method would do; 22 bisection steps are
 * enough for any 64-bit argument's 2.6e6 root and easier to trust). */
static uint64_t cubic_cbrt(uint64_t x)
{
    uint64_t lo = 0, hi = 2642246; /* 2642245^3 < 2^64 <= 2642246^3 */
    while (lo < hi) {
        uint64_t mid = (lo + hi + 1) / 2;
        if (mid * mid * mid <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* RFC 9438 4.2 (Figure 2): K = cubic_root((W_max - cwnd_epoch) / C) seconds,
 * windows in segments. In ms and octets: cbrt((W_max - cwnd_epoch) * 1e9 /
 * (C * SMSS)); 0 when cwnd_epoch has already reached W_max. */
uint32_t tcp_cubic_k_ms(uint32_t w_max, uint32_t cwnd_epoch, uint32_t mss)
{
    if (w_max <= cwnd_epoch || mss == 0)
        return 0;
    uint64_t diff = w_max - cwnd_epoch; /* < 2^32; * 2.5e9 < 2^64 */
    return (uint32_t)cubic_cbrt(diff * (1000000000ull * CUBIC_C_DEN / CUBIC_C_NUM) / mss);
}

/* RFC 9438 4.2 (Figure 1): W_cubic(t) = C*(t-K)^3 + W_max in octets, t in
 * ns since the epoch began. (t-K)^3 in ms^3 is 1e9 times the s^3 the RFC
 * uses; C*(t-K)^3 is computed in thousandths of a segment first. */
uint32_t tcp_cubic_window(const struct tcb *tcb, sim_time_t t)
{
    const struct tcp_cubic *cu = &tcb->cubic;
    int64_t d = t / SIM_MS(1) - (int64_t)cu->k_ms;
    uint64_t ad = (uint64_t)(d < 0 ? -d : d);
    if (ad > CUBIC_MAX_T_MS)
        ad = CUBIC_MAX_T_MS;
    uint64_t milli_segs = ad * ad * ad * CUBIC_C_NUM / (CUBIC_C_DEN * 1000000ull);
    uint64_t octets = milli_segs * tcb->mss / 1000;
    if (d < 0)
        return octets >= cu->w_max ? 0 : cu->w_max - (uint32_t)octets;
    octets += cu->w_max;
    return octets > CUBIC_MAX_WND ? CUBIC_MAX_WND : (uint32_t)octets;
}

/* Linux cubictcp_init: the first HyStart round starts now. */
static void cubic_init(struct tcb *tcb)
{
    tcb->cubic = (struct tcp_cubic){.epoch_start = -1};
    tcp_hystart_reset(tcb);
}

/* RFC 9438 4.6 multiplicative decrease and 4.7 fast convergence (Linux
 * bictcp_recalc_ssthresh): a flow whose window stopped short of the last
 * W_max releases bandwidth by remembering a lower one. cwnd here is the
 * window before the loss, as Linux uses (the RFC writes flight_size and
 * allows cwnd). */
static uint32_t cubic_ssthresh(struct tcb *tcb)
{
    struct tcp_cubic *cu = &tcb->cubic;
    uint32_t cwnd = tcb->cwnd;
    if (cwnd < cu->w_max) /* 4.7: W_max = cwnd * (1 + beta) / 2 */
        cu->w_max =
            (uint32_t)((uint64_t)cwnd * (CUBIC_BETA_DEN + CUBIC_BETA_NUM) / (2 * CUBIC_BETA_DEN));
    else
        cu->w_max = cwnd;
    cu->cwnd_prior = cwnd;
    cu->epoch_start = -1; /* the next congestion avoidance stage starts anew */
    uint32_t ss = (uint32_t)((uint64_t)cwnd * CUBIC_BETA_NUM / CUBIC_BETA_DEN);
    return ss > 2 * tcb->mss ? ss : 2 * tcb->mss; /* 4.6: at least 2 SMSS */
}

/* RFC 9438 4.2: a congestion avoidance stage begins: t_epoch, cwnd_epoch and
 * K; 4.3: W_est starts at cwnd_epoch; 4.8 (after an RTO, W_max is unset):
 * K = 0 and W_max = cwnd_epoch, as for any stage entered at or above W_max. */
static void cubic_begin_epoch(struct tcb *tcb)
{
    struct tcp_cubic *cu = &tcb->cubic;
    cu->epoch_start = tcp_now(tcb);
    if (cu->w_max <= tcb->cwnd)
        cu->w_max = tcb->cwnd;
    cu->k_ms = tcp_cubic_k_ms(cu->w_max, tcb->cwnd, tcb->mss);
    cu->w_est = tcb->cwnd;
    cu->w_est_frac = 0;
    tcb->bytes_acked = 0;
}

/* RFC 9438 4.3: W_est += alpha_cubic * segments_acked / cwnd, with alpha = 1
 * once W_est has reached cwnd_prior. In octets: alpha * acked * SMSS / cwnd. */
static void cubic_grow_w_est(struct tcb *tcb, uint32_t acked)
{
    struct tcp_cubic *cu = &tcb->cubic;
    bool reno = cu->w_est >= cu->cwnd_prior;
    uint64_t num = (uint64_t)acked * tcb->mss * CUBIC_FRAC * (reno ? 1 : CUBIC_ALPHA_NUM);
    uint64_t den = (uint64_t)tcb->cwnd * (reno ? 1 : CUBIC_ALPHA_DEN);
    uint64_t frac = cu->w_est_frac + num / den;
    uint64_t w = cu->w_est + frac / CUBIC_FRAC;
    cu->w_est = w > CUBIC_MAX_WND ? CUBIC_MAX_WND : (uint32_t)w;
    cu->w_est_frac = (uint32_t)(frac % CUBIC_FRAC);
}

/* RFC 9438 4.2-4.5, per ACK in congestion avoidance. */
static void cubic_cong_avoid(struct tcb *tcb, uint32_t acked)
{
    struct tcp_cubic *cu = &tcb->cubic;
    if (cu->epoch_start < 0)
        cubic_begin_epoch(tcb);
    cubic_grow_w_est(tcb, acked);
    sim_time_t t = tcp_now(tcb) - cu->epoch_start;
    uint32_t mss = tcb->mss;
    if (tcp_cubic_window(tcb, t) < cu->w_est) {
        /* 4.3 Reno-friendly region: cwnd = W_est (in whole segments, as
         * Linux grows it). */
        uint32_t w = cu->w_est - cu->w_est % mss;
        if (w > tcb->cwnd)
            tcb->cwnd = w;
        return;
    }
    /* 4.4 concave / 4.5 convex: target = W_cubic(t + RTT), held within
     * [cwnd, 1.5 cwnd]; cwnd += (target - cwnd) / cwnd segments per segment
     * ACKed, i.e. one SMSS per cwnd * SMSS / (target - cwnd) octets ACKed. */
    uint64_t target = tcp_cubic_window(tcb, t + tcb->srtt);
    uint64_t cwnd = tcb->cwnd;
    if (target > cwnd + cwnd / 2)
        target = cwnd + cwnd / 2;
    /* target == cwnd: Linux's "100 * cwnd" ACKed segments per SMSS. */
    uint64_t need = target > cwnd ? cwnd * mss / (target - cwnd) : 100 * cwnd;
    if (need < mss)
        need = mss;
    tcb->bytes_acked += acked;
    while (tcb->bytes_acked >= need && tcb->cwnd < CUBIC_MAX_WND) {
        tcb->bytes_acked -= (uint32_t)need;
        tcb->cwnd += mss;
    }
}

/* RFC 9438 4.8: the RTO already took ssthresh (4.6) and set cwnd to 1 SMSS;
 * the first congestion avoidance stage after it runs with K = 0 and W_max =
 * cwnd at its start (cubic_begin_epoch with W_max unset). */
static void cubic_on_timeout(struct tcb *tcb)
{
    tcb->cubic.epoch_start = -1;
    tcb->cubic.w_max = 0;
    /* Linux cubictcp_state(TCP_CA_Loss): bictcp_reset forgets delay_min
     * and the found exit, then a new HyStart round starts. */
    tcb->cubic.hy = (struct tcp_hystart){0};
    tcp_hystart_reset(tcb);
}

const struct tcp_cc_ops tcp_cc_cubic = {
    .name = "cubic",
    .init = cubic_init,
    .ssthresh = cubic_ssthresh,
    .cong_avoid = cubic_cong_avoid,
    .on_timeout = cubic_on_timeout,
    .pkts_acked = tcp_hystart_acked,
};
