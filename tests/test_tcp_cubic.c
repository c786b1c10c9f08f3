/* CUBIC congestion control (RFC 9438): K, the cubic curve after a loss
 * through W_max (4.2, 4.4, 4.5), the Reno-friendly region (4.3), the 0.7
 * decrease (4.6), fast convergence (4.7) and the RTO (4.8). The arithmetic
 * tests call the cc hooks on an established TCB with a synthetic ACK clock
 * (one ACK per SMSS, a window's worth per RTT); loss and RTO tests use real
 * segments. Also: the timeline's cc events appear only on a change. */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

#define MSS 1000u

/* ESTABLISHED (active), MSS 1000, no SACK, initial window 10 segments,
 * with the algorithm `algo`. */
static struct tcb *established(struct harness *h, enum tcp_cc_algo algo)
{
    h->local->params.congestion_control = algo;
    h->local->params.sack = false;
    h->local->params.initial_cwnd_segments = 10;
    h_syn_sent(h);
    struct tcp_segment sa = h_seg(h, H_SA, H_IRS, h->iss + 1, 0, H_WIN);
    sa.opts |= TCP_OPT_MSS;
    sa.mss = MSS;
    h_inject_seg(h, &sa);
    h_consume_all(h);
    assert_int_equal(h->sock->mss, MSS);
    return h->sock;
}

/* A loss at cwnd = w segments (the 4.6 hook), then, as after recovery,
 * cwnd = ssthresh and congestion avoidance from the next ACK. */
static void loss_at(struct tcb *t, uint32_t w)
{
    t->cwnd = w * MSS;
    t->ssthresh = t->cc->ssthresh(t);
    t->cwnd = t->ssthresh;
    t->in_recovery = false;
}

/* Congestion avoidance under an ACK clock: each RTT, one ACK per SMSS of
 * cwnd, spread evenly, until `until` (absolute). */
static void ack_clock(struct harness *h, sim_time_t rtt, sim_time_t until)
{
    struct tcb *t = h->sock;
    t->srtt = rtt;
    while (h_now(h) < until) {
        sim_time_t start = h_now(h);
        uint32_t n = t->cwnd / MSS;
        for (uint32_t i = 0; i < n; i++) {
            h_run_until(h, start + rtt * i / n);
            tcp_cc_on_ack(t, MSS);
        }
        h_run_until(h, start + rtt);
    }
}

static void test_linux_profile_uses_cubic_and_rfc_profile_newreno(void **state)
{
    struct harness *h = *state;
    h_established(h);
    /* Linux: net.ipv4.tcp_congestion_control = cubic; RFC: RFC 5681/6582 */
    assert_ptr_equal(h->sock->cc, h_linux(h) ? &tcp_cc_cubic : &tcp_cc_newreno);
}

static void test_k_is_cube_root_of_w_max_minus_cwnd_epoch_over_c_rfc9438_4_2(void **state)
{
    (void)state;
    /* W_max 100, cwnd_epoch 70 segments: K = cbrt(30 / 0.4) = cbrt(75) = 4.2171 s */
    assert_int_equal(tcp_cubic_k_ms(100 * MSS, 70 * MSS, MSS), 4217);
    /* W_max 1000 segments after the 0.7 decrease: cbrt(750) = 9.0856 s */
    assert_int_equal(tcp_cubic_k_ms(1000 * 1448, 700 * 1448, 1448), 9085);
    /* a stage that starts at or above W_max has K = 0 */
    assert_int_equal(tcp_cubic_k_ms(70 * MSS, 70 * MSS, MSS), 0);
}

static void test_cwnd_after_loss_climbs_back_to_w_max_at_t_equals_k_rfc9438_4_2(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, TCP_CC_CUBIC);
    loss_at(t, 100);
    assert_int_equal(t->cwnd, 70 * MSS);
    sim_time_t t0 = h_now(h);
    ack_clock(h, SIM_MS(100), t0 + SIM_MS(100));
    assert_int_equal(t->cubic.epoch_start, t0);
    assert_int_equal(t->cubic.k_ms, 4217);
    assert_int_equal(tcp_cubic_window(t, SIM_MS(4217)), 100 * MSS); /* W_cubic(K) = W_max */
    ack_clock(h, SIM_MS(100), t0 + SIM_MS(4217));
    /* the per-ACK approximation of W_cubic(t + RTT) lands within a segment */
    assert_in_range(t->cwnd, 99 * MSS, 101 * MSS);
}

static void test_growth_is_concave_below_w_max_then_convex_above_rfc9438_4_4_4_5(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, TCP_CC_CUBIC);
    loss_at(t, 100);
    sim_time_t t0 = h_now(h), rtt = SIM_MS(100);
    ack_clock(h, rtt, t0 + SIM_S(1));
    uint32_t at1 = t->cwnd; /* W(1 s) = 100 - 0.4 * 3.217^3 = 86.7 */
    assert_in_range(at1, 85 * MSS, 89 * MSS);
    ack_clock(h, rtt, t0 + SIM_MS(3217));
    uint32_t before_k = t->cwnd;
    ack_clock(h, rtt, t0 + SIM_MS(4217));
    uint32_t at_k = t->cwnd;
    ack_clock(h, rtt, t0 + SIM_MS(5217));
    uint32_t after1 = t->cwnd;
    ack_clock(h, rtt, t0 + SIM_MS(6217));
    uint32_t after2 = t->cwnd;
    /* concave: fast far below W_max, a plateau near it */
    assert_true(at1 - 70 * MSS > 10 * (at_k - before_k));
    assert_true(at_k - before_k <= 2 * MSS);
    /* convex: past W_max the growth speeds up again (0.4 then 2.8 segments) */
    assert_true(after2 > 100 * MSS);
    assert_true(after2 - after1 > after1 - at_k);
}

static void test_fast_retransmit_multiplies_cwnd_by_beta_0_7_rfc9438_4_6(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, TCP_CC_CUBIC);
    tcp_seq first = h->iss + 1;
    assert_int_equal(sock_send(t, 10 * MSS), TS_OK);
    assert_int_equal(h_pending(h), 10);
    h_consume_all(h);
    for (int i = 0; i < 3; i++)
        h_inject(h, H_A, H_IRS + 1, first, 0, H_WIN);
    h_expect(h, H_A, first, H_IRS + 1); /* the fast retransmission */
    assert_int_equal(t->ssthresh, 7 * MSS);         /* 10 * 0.7, not NewReno's 5 */
    assert_int_equal(t->cwnd, 7 * MSS + 3 * MSS);   /* RFC 6582 3.2 (3) inflation */
    assert_int_equal(t->cubic.w_max, 10 * MSS);     /* W_max = cwnd before the loss */
    assert_int_equal(t->cubic.cwnd_prior, 10 * MSS);
}

static void test_fast_convergence_lowers_w_max_when_below_the_last_rfc9438_4_7(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, TCP_CC_CUBIC);
    loss_at(t, 100);
    assert_int_equal(t->cubic.w_max, 100 * MSS);
    loss_at(t, 90); /* lost again before regaining W_max: another flow joined */
    assert_int_equal(t->cubic.w_max, 90 * MSS * 17 / 20); /* cwnd * (1 + 0.7) / 2 */
    assert_int_equal(t->ssthresh, 63 * MSS);
    loss_at(t, 110); /* above W_max: W_max = cwnd */
    assert_int_equal(t->cubic.w_max, 110 * MSS);
}

static void test_reno_friendly_region_takes_over_at_small_rtt_times_w_rfc9438_4_3(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, TCP_CC_CUBIC);
    loss_at(t, 10); /* K = cbrt(3 / 0.4) = 1.957 s = ~2000 RTTs of 1 ms */
    sim_time_t t0 = h_now(h);
    ack_clock(h, SIM_MS(1), t0 + SIM_MS(100));
    sim_time_t t_now = h_now(h) - t->cubic.epoch_start;
    uint32_t w_cubic = tcp_cubic_window(t, t_now);
    assert_true(w_cubic < 10 * MSS);            /* the cubic is still concave below W_max */
    assert_true(t->cubic.w_est > 50 * MSS);     /* Reno's one segment per RTT grew far */
    assert_int_equal(t->cwnd, t->cubic.w_est - t->cubic.w_est % MSS); /* cwnd = W_est */
}

static void test_reno_estimate_grows_by_alpha_until_cwnd_prior_rfc9438_4_3(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, TCP_CC_CUBIC);
    loss_at(t, 100); /* cwnd_prior = 100 segments, W_est starts at 70 */
    sim_time_t t0 = h_now(h);
    ack_clock(h, SIM_MS(100), t0 + SIM_S(1));
    /* 10 RTTs of alpha_cubic = 3 * 0.3 / 1.7 = 0.529 segments each: 75.3 */
    assert_in_range(t->cubic.w_est, 75 * MSS, 76 * MSS);
}

static void test_rto_collapses_cwnd_and_restarts_the_cubic_with_k_zero_rfc9438_4_8(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, TCP_CC_CUBIC);
    tcp_seq first = h->iss + 1;
    assert_int_equal(sock_send(t, 10 * MSS), TS_OK);
    h_consume_all(h);
    assert_true(h_run_until_tx(h, h_now(h) + SIM_S(5)) > 0);
    h_expect(h, H_A, first, H_IRS + 1); /* the RTO retransmission */
    assert_int_equal(t->cwnd, MSS);          /* RFC 5681 3.1 loss window */
    assert_int_equal(t->ssthresh, 7 * MSS);  /* 4.8: the 4.6 decrease */
    assert_int_equal(t->cubic.epoch_start, -1);
    /* the first congestion avoidance stage after it: K = 0, W_max = cwnd */
    t->cwnd = t->ssthresh;
    tcp_cc_on_ack(t, MSS);
    assert_int_equal(t->cubic.k_ms, 0);
    assert_int_equal(t->cubic.w_max, 7 * MSS);
    assert_int_equal(t->cubic.w_est, 7 * MSS + MSS * MSS / (7 * MSS) * 9 / 17);
}

static void test_target_is_capped_at_1_5_cwnd_far_above_w_max_rfc9438_4_2(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, TCP_CC_CUBIC);
    loss_at(t, 10);
    t->srtt = SIM_MS(100);
    tcp_cc_on_ack(t, MSS); /* the stage begins: W_max 10, K = 1.957 s */
    uint32_t before = t->cwnd;
    h_run_until(h, h_now(h) + SIM_S(30)); /* W_cubic(30 s) = 10 + 0.4 * 28^3 */
    t->bytes_acked = 0;
    tcp_cc_on_ack(t, 10 * MSS);
    /* target = 1.5 cwnd: one SMSS per 2 SMSS ACKed, 10 ACKed give 5 */
    assert_int_equal(t->cwnd, before + 5 * MSS);
}

static void count_cc(void *ctx, const struct trace_event *ev)
{
    if (ev->kind == TRACE_CC)
        ++*(int *)ctx;
}

static void test_cc_event_only_when_cwnd_ssthresh_flight_or_srtt_changed(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, TCP_CC_NEWRENO);
    int n = 0;
    tracer_add(&h->net.tracer, (struct trace_sink){count_cc, NULL, &n});
    tcp_trace_cc(t);
    tcp_trace_cc(t);
    assert_int_equal(n, 0); /* the values were reported at establishment */
    t->cwnd += MSS;
    tcp_trace_cc(t);
    tcp_trace_cc(t);
    assert_int_equal(n, 1);
    t->srtt += SIM_MS(1);
    tcp_trace_cc(t);
    assert_int_equal(n, 2);
    t->ssthresh = 4 * MSS;
    tcp_trace_cc(t);
    assert_int_equal(n, 3);
    /* congestion avoidance: of a window's ACKs only the last moves cwnd */
    t->ssthresh = 2 * MSS;
    t->bytes_acked = 0;
    tcp_trace_cc(t);
    assert_int_equal(n, 4);
    uint32_t w = t->cwnd / MSS;
    for (uint32_t i = 0; i < w; i++)
        tcp_cc_on_ack(t, MSS);
    assert_int_equal(n, 5);
}

static void test_newreno_chosen_explicitly_halves_even_in_the_linux_profile(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, TCP_CC_NEWRENO);
    assert_ptr_equal(t->cc, &tcp_cc_newreno);
    assert_int_equal(sock_send(t, 10 * MSS), TS_OK);
    h_consume_all(h);
    for (int i = 0; i < 3; i++)
        h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
    assert_int_equal(t->ssthresh, 5 * MSS); /* RFC 5681 (4) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_linux_profile_uses_cubic_and_rfc_profile_newreno),
        cmocka_unit_test(test_k_is_cube_root_of_w_max_minus_cwnd_epoch_over_c_rfc9438_4_2),
        H_TEST_LINUX(test_cwnd_after_loss_climbs_back_to_w_max_at_t_equals_k_rfc9438_4_2),
        H_TEST_LINUX(test_growth_is_concave_below_w_max_then_convex_above_rfc9438_4_4_4_5),
        H_TEST_BOTH(test_fast_retransmit_multiplies_cwnd_by_beta_0_7_rfc9438_4_6),
        H_TEST_LINUX(test_fast_convergence_lowers_w_max_when_below_the_last_rfc9438_4_7),
        H_TEST_LINUX(test_reno_friendly_region_takes_over_at_small_rtt_times_w_rfc9438_4_3),
        H_TEST_LINUX(test_reno_estimate_grows_by_alpha_until_cwnd_prior_rfc9438_4_3),
        H_TEST_BOTH(test_rto_collapses_cwnd_and_restarts_the_cubic_with_k_zero_rfc9438_4_8),
        H_TEST_LINUX(test_target_is_capped_at_1_5_cwnd_far_above_w_max_rfc9438_4_2),
        H_TEST_RFC(test_cc_event_only_when_cwnd_ssthresh_flight_or_srtt_changed),
        H_TEST_LINUX(test_newreno_chosen_explicitly_halves_even_in_the_linux_profile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
