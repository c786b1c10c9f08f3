/* Flow control and the application side of the sender and receiver: the
 * persist timer (RFC 9293 3.8.6.1), silly-window avoidance on both sides
 * (3.8.6.2), delayed ACKs and Linux's quick-ack / ping-pong modes (3.8.6.3,
 * RFC 1122 4.2.3.2), Nagle and TCP_NODELAY (3.7.4) and TCP_USER_TIMEOUT
 * (RFC 5482, 3.8.3). */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

/* ---- persist timer ------------------------------------------------------ */

/* RFC 9293 3.8.6.1 (SHLD-29/30): one RTO, then doubling; never below
 * persist_min, never above persist_max (Linux tcp_probe0_when). */
static void test_persist_interval_doubles_from_rto_and_is_capped(void **state)
{
    (void)state;
    struct tcp_params p;
    tcp_params_defaults(&p, TCP_PROFILE_RFC9293);
    assert_int_equal(tcp_persist_interval(&p, SIM_S(1), 0), SIM_S(1));
    assert_int_equal(tcp_persist_interval(&p, SIM_S(1), 1), SIM_S(2));
    assert_int_equal(tcp_persist_interval(&p, SIM_S(1), 5), SIM_S(32));
    assert_int_equal(tcp_persist_interval(&p, SIM_S(1), 6), SIM_S(60)); /* cap */
    assert_int_equal(tcp_persist_interval(&p, SIM_S(1), 30), SIM_S(60));
    assert_int_equal(tcp_persist_interval(&p, SIM_MS(10), 0), SIM_S(1)); /* floor */
    tcp_params_defaults(&p, TCP_PROFILE_LINUX);
    assert_int_equal(tcp_persist_interval(&p, SIM_MS(50), 0), SIM_MS(200));
    assert_int_equal(tcp_persist_interval(&p, SIM_MS(300), 2), SIM_MS(1200));
    assert_int_equal(tcp_persist_interval(&p, SIM_MS(300), 12), SIM_S(120));
}

static void h_zero_window_with_data(struct harness *h)
{
    h_established(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, 0);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_expect_none(h);
}

/* RFC 9293 3.8.6.1: probing only stops a connection whose peer no longer
 * answers: after retries2 unanswered probes (Linux tcp_probe_timer). */
static void test_zero_window_unanswered_probes_give_up_after_retries2(void **state)
{
    struct harness *h = *state;
    h->local->params.retries2 = 3;
    h_zero_window_with_data(h);
    h_run_until(h, SIM_S(1000));
    assert_int_equal(h_pending(h), 3);
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_err, TS_ETIMEDOUT);
}

/* The RFC probe's octet extends SND.MAX (BSD's persist case), so a peer
 * that accepts it is understood and the rest follows that octet. */
static void test_rfc_probe_octet_accepted_by_peer_is_not_sent_twice(void **state)
{
    struct harness *h = *state;
    h_zero_window_with_data(h);
    h_run_until_tx(h, SIM_S(100));
    const struct tcp_segment *p = h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    assert_int_equal(p->len, 1);
    h_inject(h, H_A, H_IRS + 1, h->iss + 2, 0, H_WIN); /* took the octet, opened */
    const struct tcp_segment *d = h_expect(h, H_PA, h->iss + 2, H_IRS + 1);
    assert_int_equal(d->len, 99);
}

/* Linux tcp_ack_probe: a probe answered with a zero window re-arms the
 * timer from the answer, at the current backoff. */
static void test_linux_answered_probe_rearms_from_the_ack(void **state)
{
    struct harness *h = *state;
    h_zero_window_with_data(h);
    sim_time_t first = h_run_until_tx(h, SIM_S(100));
    h_consume_all(h);
    h_run_for(h, SIM_MS(50));
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, 0);
    sim_time_t second = h_run_until_tx(h, SIM_S(100));
    sim_time_t base = h->local->params.persist_min;
    assert_int_equal(second, first + SIM_MS(50) + 2 * base);
}

/* ---- silly window syndrome ---------------------------------------------- */

/* RFC 9293 3.8.6.2.2 (MUST-39): the receiver opens its window only by at
 * least min(RCV.BUFF/2, MSS); a smaller read sends no window update. */
static void test_receiver_does_not_advertise_a_small_window_increase(void **state)
{
    struct harness *h = *state;
    h->local->params.rcvbuf = 4000;
    h_established(h);
    uint32_t mss = h->sock->mss; /* the step: min(RCV.BUFF/2, MSS) */
    assert_true(mss < 2000);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 4000, H_WIN);
    h_run_for(h, SIM_S(1));
    const struct tcp_segment *a = h_last(h);
    assert_int_equal(a->win, 0);
    h_consume_all(h);
    uint64_t got;
    bool eof;
    assert_int_equal(sock_recv(h->sock, mss - 1, &got, &eof), TS_OK);
    h_expect_none(h); /* one octet short of the step: still zero */
    assert_int_equal(tcp_rcv_window(h->sock), 0);
    assert_int_equal(sock_recv(h->sock, 1, &got, &eof), TS_OK);
    a = h_expect(h, H_A, h->iss + 1, H_IRS + 4001);
    assert_int_equal(a->win, mss);
}

/* RFC 9293 3.8.6.2.1 (SHLD-38): a usable window smaller than a segment,
 * with more queued, is not used at once; the persist timer (the override
 * timeout) sends what fits later. */
static void test_sender_waits_on_a_small_window_then_fills_it_on_timeout(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, 500);
    assert_int_equal(sock_send(h->sock, 3000), TS_OK);
    h_expect_none(h);
    assert_true(h_run_until_tx(h, SIM_S(100)) > 0);
    const struct tcp_segment *d = h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    assert_int_equal(d->len, 500);
    assert_int_equal(d->retransmit, SEG_FIRST);
}

/* The SWS send test: a full segment, everything queued, or half the
 * peer's largest window (Fs = 1/2). */
static void test_sender_sws_rule_full_segment_all_queued_or_half_max_window(void **state)
{
    (void)state;
    assert_true(tcp_sws_send_ok(1460, 5000, 1460, 65535));
    assert_true(tcp_sws_send_ok(100, 100, 1460, 65535));
    assert_false(tcp_sws_send_ok(600, 5000, 1460, 65535));
    assert_true(tcp_sws_send_ok(600, 5000, 1460, 1000));
    assert_false(tcp_sws_send_ok(400, 5000, 1460, 1000));
}

/* ---- Nagle --------------------------------------------------------------- */

/* RFC 9293 3.7.4 (SHLD-7): a small write waits while data is unacknowledged. */
static void test_nagle_holds_small_write_while_data_is_unacknowledged(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_expect(h, H_PA, h->iss + 1, H_IRS + 1); /* nothing in flight: goes */
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_expect_none(h);
    h_run_for(h, SIM_MS(10));
    h_expect_none(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 101, 0, H_WIN);
    const struct tcp_segment *d = h_expect(h, H_PA, h->iss + 101, H_IRS + 1);
    assert_int_equal(d->len, 100);
}

/* TCP_NODELAY: small writes go at once. */
static void test_nodelay_sends_small_writes_at_once(void **state)
{
    struct harness *h = *state;
    h_established(h);
    sock_set_nodelay(h->sock, true);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_expect(h, H_PA, h->iss + 1, H_IRS + 1);
    h_expect(h, H_PA, h->iss + 101, H_IRS + 1);
}

/* ---- delayed ACK --------------------------------------------------------- */

/* RFC 9293 3.8.6.3 (MUST-40): one small segment is ACKed after the delay,
 * not at once (the rfc9293 profile has no quick-ack mode). */
static void test_single_segment_ack_is_delayed_by_delack_time(void **state)
{
    struct harness *h = *state;
    h_established(h);
    sim_time_t t0 = h_now(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 100, H_WIN);
    h_expect_none(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(10)), t0 + SIM_MS(200));
    h_expect(h, H_A, h->iss + 1, H_IRS + 101);
}

/* RFC 9293 3.8.6.3 (SHLD-19): the second full-sized segment is ACKed at once. */
static void test_second_full_sized_segment_is_acked_at_once(void **state)
{
    struct harness *h = *state;
    h_established(h);
    uint32_t mss = h->local->params.mss; /* full-sized: what we announced */
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, mss, H_WIN);
    h_expect_none(h);
    h_inject(h, H_A, H_IRS + 1 + mss, h->iss + 1, mss - 1, H_WIN);
    h_expect_none(h); /* not quite two full-sized segments */
    h_inject(h, H_A, H_IRS + 2 * mss, h->iss + 1, 1, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1 + 2 * mss);
}

/* Linux quick-ack: the first 16 data segments are ACKed at once, then the
 * normal delay applies (TCP_MAX_QUICKACKS). */
static void test_linux_quickack_acks_the_first_segments_at_once(void **state)
{
    struct harness *h = *state;
    h_established(h);
    tcp_seq seq = H_IRS + 1;
    for (int i = 0; i < 16; i++, seq += 100) {
        h_inject(h, H_PA, seq, h->iss + 1, 100, H_WIN);
        h_expect(h, H_A, h->iss + 1, seq + 100);
    }
    h_inject(h, H_PA, seq, h->iss + 1, 100, H_WIN);
    h_expect_none(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(10)) - h_now(h) + SIM_MS(40), SIM_MS(40));
}

/* Linux ping-pong: an application that replies within the delayed-ACK time
 * makes the connection interactive; the next request's ACK is delayed
 * (to ride on the reply) even though quick-acks remain. */
static void test_linux_pingpong_delays_ack_after_a_quick_reply(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 100, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 101); /* quick-ack */
    h_run_for(h, SIM_MS(5));
    assert_int_equal(sock_send(h->sock, 50), TS_OK); /* the reply */
    h_expect(h, H_PA, h->iss + 1, H_IRS + 101);
    h_inject(h, H_PA, H_IRS + 101, h->iss + 51, 100, H_WIN);
    h_expect_none(h);
    sim_time_t t = h_now(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(10)), t + SIM_MS(40));
}

/* ---- TCP_USER_TIMEOUT ---------------------------------------------------- */

/* RFC 5482 / Linux tcp_clamp_rto_to_user_timeout: the connection drops when
 * the user timeout expires, not at the next backed-off RTO after it. */
static void test_user_timeout_drops_at_the_deadline_not_the_next_rto(void **state)
{
    struct harness *h = *state;
    h_established(h);
    sock_set_user_timeout(h->sock, SIM_S(5));
    sim_time_t t0 = h_now(h);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_run_until(h, t0 + SIM_S(5) - 1);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    h_run_until(h, t0 + SIM_S(5));
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_err, TS_ETIMEDOUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_persist_interval_doubles_from_rto_and_is_capped),
        H_TEST_BOTH(test_zero_window_unanswered_probes_give_up_after_retries2),
        H_TEST_RFC(test_rfc_probe_octet_accepted_by_peer_is_not_sent_twice),
        H_TEST_LINUX(test_linux_answered_probe_rearms_from_the_ack),
        /* Linux's rule (tcp_cleanup_rbuf) is in test_tcp_rcvwnd.c */
        H_TEST_RFC(test_receiver_does_not_advertise_a_small_window_increase),
        H_TEST_BOTH(test_sender_waits_on_a_small_window_then_fills_it_on_timeout),
        cmocka_unit_test(test_sender_sws_rule_full_segment_all_queued_or_half_max_window),
        H_TEST_BOTH(test_nagle_holds_small_write_while_data_is_unacknowledged),
        H_TEST_BOTH(test_nodelay_sends_small_writes_at_once),
        H_TEST_RFC(test_single_segment_ack_is_delayed_by_delack_time),
        H_TEST_RFC(test_second_full_sized_segment_is_acked_at_once),
        H_TEST_LINUX(test_linux_quickack_acks_the_first_segments_at_once),
        H_TEST_LINUX(test_linux_pingpong_delays_ack_after_a_quick_reply),
        H_TEST_BOTH(test_user_timeout_drops_at_the_deadline_not_the_next_rto),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
