/* When received data and FINs are acknowledged: RFC 1122 4.2.3.2, RFC 9293
 * 3.8.6.3, RFC 5681 4.2, and Linux's adaptive delayed-ACK timeout
 * (delack_ato: icsk_ack.ato in tcp_event_data_recv, tcp_send_delayed_ack,
 * tcp_delack_timer_handler). */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

/* When a timer of one tick armed at `t0` fires (tcp_jiffies.c). */
static sim_time_t h_one_tick_after(const struct harness *h, sim_time_t t0)
{
    return tcp_timer_expiry(&h->local->params, t0, tcp_jiffy(&h->local->params));
}

/* When a timer of `d` armed at `t0` fires. */
static sim_time_t h_after(const struct harness *h, sim_time_t t0, sim_time_t d)
{
    return tcp_timer_expiry(&h->local->params, t0, d);
}

/* Linux: `ato` is 0 until data arrives, and tcp_fin enters ping-pong mode,
 * so the ACK of a FIN on a connection that received no data leaves at the
 * next tick (a recorded server: 3.9-6.2 ms at HZ=250); the RFC profile waits
 * the whole delayed-ACK time. */
static void test_fin_ack_without_data_leaves_after_one_tick_linux(void **state)
{
    struct harness *h = *state;
    h->passive = true;
    h_established(h);
    sim_time_t t0 = h_now(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 1, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_CLOSE_WAIT);
    h_expect_none(h);
    h_run_until_tx(h, t0 + SIM_S(1));
    h_expect(h, H_A, h->iss + 1, H_IRS + 2);
    sim_time_t want = h_linux(h) ? h_one_tick_after(h, t0) : t0 + h->local->params.delack_time;
    assert_int_equal(h_last_time(h), want);
    if (h_linux(h))
        assert_true(h_last_time(h) - t0 <= 2 * tcp_jiffy(&h->local->params));
}

/* Linux: after data, `ato` is TCP_ATO_MIN (40 ms): the ACK of a later FIN
 * waits that long (ping-pong, no quick-ack). */
static void test_fin_ack_after_data_waits_ato_linux(void **state)
{
    struct harness *h = *state;
    h->passive = true;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 100, H_WIN);
    h_run_for(h, SIM_S(1));
    h_consume_all(h);
    sim_time_t t0 = h_now(h);
    h_inject(h, H_FA, H_IRS + 101, h->iss + 1, 0, H_WIN);
    h_run_until_tx(h, t0 + SIM_S(1));
    h_expect(h, H_A, h->iss + 1, H_IRS + 102);
    assert_int_equal(h_last_time(h), h_after(h, t0, h->local->params.delack_time));
}

/* RFC 5681 4.2 (SHOULD), Linux tcp_data_queue (ICSK_ACK_NOW when the
 * out-of-order queue empties): a segment that fills the gap is ACKed at
 * once, in both profiles, with no quick-ack to hide it. */
static void test_gap_filling_segment_is_acked_at_once(void **state)
{
    struct harness *h = *state;
    h->local->params.quickacks = 0;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 101, h->iss + 1, 100, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1); /* out of order: duplicate ACK at once */
    h_run_for(h, SIM_MS(5));
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 100, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 201);
    assert_int_equal(h_last_time(h), h_now(h));
}

/* Linux tcp_delack_timer_handler: a delayed ACK that fires outside
 * ping-pong mode doubles `ato` (capped by the RTO), and the next delayed
 * ACK waits the longer time while the smoothed RTT allows it. */
static void test_delack_timer_fire_doubles_ato_linux(void **state)
{
    struct harness *h = *state;
    h->local->params.quickacks = 0;
    h->rtt = SIM_MS(300); /* srtt 300 ms: max_ato is the RTT */
    h->passive = true;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 100, H_WIN);
    sim_time_t t0 = h_now(h);
    h_run_until_tx(h, t0 + SIM_S(1));
    h_expect(h, H_A, h->iss + 1, H_IRS + 101);
    assert_int_equal(h_last_time(h), h_after(h, t0, SIM_MS(40)));
    h_run_for(h, SIM_MS(60)); /* the next data 100 ms after: m = 100 ms > ato */
    sim_time_t t1 = h_now(h);
    h_inject(h, H_PA, H_IRS + 101, h->iss + 1, 100, H_WIN);
    h_run_until_tx(h, t1 + SIM_S(1));
    h_expect(h, H_A, h->iss + 1, H_IRS + 201);
    assert_int_equal(h_last_time(h), h_after(h, t1, SIM_MS(80)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_fin_ack_without_data_leaves_after_one_tick_linux),
        H_TEST_LINUX(test_fin_ack_after_data_waits_ato_linux),
        H_TEST_BOTH(test_gap_filling_segment_is_acked_at_once),
        H_TEST_LINUX(test_delack_timer_fire_doubles_ato_linux),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
