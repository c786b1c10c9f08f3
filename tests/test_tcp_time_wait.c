/* RFC 9293 3.10 in TIME-WAIT, with RFC 1337 (TIME-WAIT assassination) and
 * RFC 6191 (reuse of TIME-WAIT by a new SYN); checklist sections 13 and 18
 * (R-TW-*, R-1337-*, R-6191-*). */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

static sim_time_t h_tw_len(const struct harness *h)
{
    return tcp_params_time_wait(&h->local->params);
}

/* TIME-WAIT on the server side (it closed first), so a listener is there
 * for a new SYN on the same 4-tuple. */
static void h_server_time_wait(struct harness *h)
{
    h->passive = true;
    h_time_wait(h);
    assert_non_null(h->listener);
}

/* The new incarnation's SYN,ACK: ISS = old SND.NXT + 65537 (RFC 9293 3.6.1
 * MAY-2 asks only for an ISS above the old sequence space; Linux's choice). */
static void h_expect_reuse(struct harness *h, tcp_seq syn_seq)
{
    h_expect(h, H_SA, h->iss + 2 + 65537, syn_seq + 1);
    h_expect_none(h);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 1);
}

static void h_expect_still_time_wait(struct harness *h)
{
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 1);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 0);
}

/* R-TW-01 */
static void test_time_wait_connect_on_same_tuple_fails(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    struct tcb *again;
    assert_int_equal(sock_connect(h->local, H_PEER_ADDR, H_SERVER_PORT, H_CLIENT_PORT, &again),
                     TS_EADDRNOTAVAIL);
    h_expect_none(h);
}

/* R-TW-02, R-TW-04 */
static void test_time_wait_send_fails_and_status_reports_time_wait(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    assert_int_equal(sock_send(h->sock, 1), TS_EPIPE);
    assert_string_equal(tcp_state_name(sock_state(h->sock)), "TIME_WAIT");
}

/* R-TW-02: RECEIVE and CLOSE in TIME-WAIT change nothing. RECEIVE reports
 * "connection closing" as the sockets API does (end of stream, as R-CW-03);
 * CLOSE sends no segment (no second FIN), keeps TIME-WAIT and its 2MSL
 * timer, and the TCB goes when that timer expires. */
static void test_time_wait_receive_and_close_change_nothing(void **state)
{
    struct harness *h = *state;
    uint64_t got;
    bool eof;
    h_time_wait(h);
    sim_time_t t0 = h_now(h);
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), TS_OK);
    assert_int_equal(got, 0);
    assert_true(eof);
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_expect_none(h);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 1);
    h_run_until(h, t0 + h_tw_len(h) - 1);
    h_expect_none(h);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 1);
    h_run_until(h, t0 + h_tw_len(h));
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
    assert_null(h->sock);
    assert_int_equal(h->failed_count, 0);
}

/* R-TW-03 */
static void test_time_wait_abort_deletes_tcb_without_rst(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    assert_int_equal(sock_abort(h->sock), TS_OK);
    assert_null(h->sock);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
    h_expect_none(h);
}

/* R-TW-05 */
static void test_time_wait_unacceptable_segment_draws_ack_reply(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    h_inject(h, H_PA, H_IRS + 1 + 300000, h->iss + 2, 10, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
}

/* R-TW-06: RFC 9293 (and Linux's default tcp_rfc1337 = 0): an acceptable
 * RST ends TIME-WAIT early (the assassination of RFC 1337). */
static void test_time_wait_rst_deletes_tcb(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    h_inject(h, H_R, H_IRS + 2, 0, 0, 0);
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
    h_expect_none(h);
}

/* R-TW-07, R-1337-02: with the RFC 1337 F1 fix the RST is ignored and
 * TIME-WAIT lasts its full length. */
static void test_time_wait_rfc1337_ignores_rst_for_full_2msl(void **state)
{
    struct harness *h = *state;
    h->local->params.rfc1337 = true;
    h_time_wait(h);
    sim_time_t t0 = h_now(h);
    h_inject(h, H_R, H_IRS + 2, 0, 0, 0);
    h_expect_none(h);
    h_run_until(h, t0 + h_tw_len(h) - 1);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
    h_run_until(h, t0 + h_tw_len(h));
    assert_int_equal(h_state(h), TCP_CLOSED);
}

/* R-TW-07 (Linux column), R-SYNC-03: an in-window RST that is not exact is
 * silently ignored by Linux in TIME-WAIT; RFC 5961 asks for a challenge ACK. */
static void test_time_wait_inexact_rst_challenge_ack_rfc_silent_linux(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    h_inject(h, H_R, H_IRS + 20, 0, 0, 0);
    if (!h_linux(h))
        h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
}

/* R-TW-08, R-6191-03, R-6191-06: a SYN with a higher sequence number (no
 * timestamps) opens a new incarnation, whose ISS is above the old sequence
 * space (MAY-2). */
static void test_time_wait_syn_with_higher_seq_reuses_tuple(void **state)
{
    struct harness *h = *state;
    h_server_time_wait(h);
    h_inject(h, H_S, H_IRS + 1000, 0, 0, H_WIN);
    h_expect_reuse(h, H_IRS + 1000);
}

/* R-TW-08, R-6191-05: an older SYN does not reopen the 4-tuple and
 * TIME-WAIT stays; RFC 6191 2 (A.4) drops it silently, Linux answers it
 * with an ACK (tcp_timewait_state_process: TCP_TW_ACK). */
static void test_time_wait_old_syn_is_dropped_rfc_acked_linux_and_keeps_time_wait(void **state)
{
    struct harness *h = *state;
    h_server_time_wait(h);
    h_inject(h, H_S, H_IRS - 1000, 0, 0, H_WIN);
    if (h_linux(h))
        h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_expect_none(h);
    h_expect_still_time_wait(h);
}

/* R-6191-01, R-SEQ-08: timestamps on both incarnations, a newer TSval wins
 * even with a lower sequence number (the SYN bypasses the sequence check). */
static void test_time_wait_syn_with_newer_timestamp_reuses_tuple(void **state)
{
    struct harness *h = *state;
    h->peer_ts = true;
    h->peer_tsval = 1000;
    h_server_time_wait(h);
    h->peer_tsval = 2000;
    h_inject(h, H_S, H_IRS - 1000, 0, 0, H_WIN);
    h_expect_reuse(h, H_IRS - 1000);
}

/* R-6191-02: equal TSval and a higher sequence number is accepted. */
static void test_time_wait_syn_with_equal_timestamp_and_higher_seq_reuses_tuple(void **state)
{
    struct harness *h = *state;
    h->peer_ts = true;
    h->peer_tsval = 1000;
    h_server_time_wait(h);
    h_inject(h, H_S, H_IRS + 1000, 0, 0, H_WIN);
    h_expect_reuse(h, H_IRS + 1000);
}

/* R-6191-05 (A.4): an older TSval is refused even with a higher sequence. */
static void test_time_wait_syn_with_older_timestamp_is_refused(void **state)
{
    struct harness *h = *state;
    h->peer_ts = true;
    h->peer_tsval = 1000;
    h_server_time_wait(h);
    h->peer_tsval = 500;
    h_inject(h, H_S, H_IRS + 1000, 0, 0, H_WIN);
    h_expect_still_time_wait(h);
}

/* R-6191-03 (A.3): old incarnation with timestamps, new SYN without, higher
 * sequence number: accepted. */
static void test_time_wait_syn_without_timestamp_higher_seq_reuses_tuple(void **state)
{
    struct harness *h = *state;
    h->peer_ts = true;
    h->peer_tsval = 1000;
    h_server_time_wait(h);
    h->peer_ts = false;
    h_inject(h, H_S, H_IRS + 1000, 0, 0, H_WIN);
    h_expect_reuse(h, H_IRS + 1000);
}

/* R-6191-04 (B.1): old incarnation without timestamps, a SYN with them is
 * accepted whatever its sequence number, if timestamps would be enabled for
 * the new incarnation: on Linux, not with the RFC profile's defaults (then
 * B.2 applies: the lower sequence number is refused). */
static void test_time_wait_syn_with_timestamp_after_none_reuses_if_ts_enabled(void **state)
{
    struct harness *h = *state;
    h_server_time_wait(h);
    h->peer_ts = true;
    h->peer_tsval = 1000;
    h_inject(h, H_S, H_IRS - 1000, 0, 0, H_WIN);
    if (h_linux(h)) {
        h_expect_reuse(h, H_IRS - 1000);
    } else {
        h_expect_still_time_wait(h);
    }
}

/* R-TW-09, R-PATH-12: a retransmitted FIN is ACKed and restarts 2MSL. */
static void test_time_wait_retransmitted_fin_is_acked_and_restarts_2msl(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    sim_time_t half = h_tw_len(h) / 2;
    h_run_for(h, half);
    sim_time_t t1 = h_now(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 2, 0, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_run_until(h, t1 + h_tw_len(h) - 1);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
    h_run_until(h, t1 + h_tw_len(h));
    assert_int_equal(h_state(h), TCP_CLOSED);
    h_expect_none(h);
}

/* R-TW-10 */
static void test_time_wait_in_window_ack_is_ignored(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    h_inject(h, H_A, H_IRS + 2, h->iss + 2, 0, H_WIN);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
}

/* R-TW-11, R-TMO-03, R-PATH-08: 2 MSL = 240 s (RFC); Linux fixes 60 s. */
static void test_time_wait_timeout_deletes_tcb(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    sim_time_t t0 = h_now(h);
    assert_int_equal(h_tw_len(h), h_linux(h) ? SIM_S(60) : SIM_S(240));
    h_run_until(h, t0 + h_tw_len(h) - 1);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
    h_run_until(h, t0 + h_tw_len(h));
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
    h_expect_none(h);
    /* The 4-tuple is free again. */
    struct tcb *again;
    assert_int_equal(sock_connect(h->local, H_PEER_ADDR, H_SERVER_PORT, H_CLIENT_PORT, &again),
                     TS_OK);
}

/* Linux tcp_timewait_state_process (tw_ack_all): in-window data in
 * TIME_WAIT draws an ACK of the current RCV.NXT (TCP_TW_ACK), `. 2:2(0) ack
 * 2` in the capture; RFC 9293 3.10.7.4 ignores the text silently. */
static void test_time_wait_acks_in_window_data_linux(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    h_inject(h, H_PA, H_IRS + 2, h->iss + 2, 100, H_WIN);
    if (h_linux(h))
        h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
}

/* Linux: a bare ACK at RCV.NXT is silent but restarts the TIME_WAIT timer
 * (inet_twsk_reschedule); RFC 9293 restarts it only for a FIN. */
static void test_time_wait_bare_ack_restarts_timer_linux(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    h_run_for(h, h_tw_len(h) / 2);
    sim_time_t t1 = h_now(h);
    h_inject(h, H_A, H_IRS + 2, h->iss + 2, 0, H_WIN);
    h_expect_none(h);
    h_run_until(h, t1 + h_tw_len(h) - 1);
    assert_int_equal(h_state(h), h_linux(h) ? TCP_TIME_WAIT : TCP_CLOSED);
}

/* Linux tcp_oow_rate_limited: an old pure ACK in TIME_WAIT is answered at
 * most once per tcp_invalid_ratelimit (500 ms); data always is. */
static void test_time_wait_old_acks_answered_once_per_ratelimit_linux(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 2, 0, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_run_for(h, SIM_MS(100));
    h_inject(h, H_A, H_IRS + 1, h->iss + 2, 0, H_WIN);
    h_expect_none(h);
    h_inject(h, H_PA, H_IRS + 2, h->iss + 2, 10, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_expect_none(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_time_wait_connect_on_same_tuple_fails),
        H_TEST_BOTH(test_time_wait_send_fails_and_status_reports_time_wait),
        H_TEST_BOTH(test_time_wait_receive_and_close_change_nothing),
        H_TEST_BOTH(test_time_wait_abort_deletes_tcb_without_rst),
        H_TEST_BOTH(test_time_wait_unacceptable_segment_draws_ack_reply),
        H_TEST_BOTH(test_time_wait_rst_deletes_tcb),
        H_TEST_BOTH(test_time_wait_rfc1337_ignores_rst_for_full_2msl),
        H_TEST_BOTH(test_time_wait_inexact_rst_challenge_ack_rfc_silent_linux),
        H_TEST_BOTH(test_time_wait_syn_with_higher_seq_reuses_tuple),
        H_TEST_BOTH(test_time_wait_old_syn_is_dropped_rfc_acked_linux_and_keeps_time_wait),
        H_TEST_LINUX(test_time_wait_syn_with_newer_timestamp_reuses_tuple),
        H_TEST_LINUX(test_time_wait_syn_with_equal_timestamp_and_higher_seq_reuses_tuple),
        H_TEST_LINUX(test_time_wait_syn_with_older_timestamp_is_refused),
        H_TEST_LINUX(test_time_wait_syn_without_timestamp_higher_seq_reuses_tuple),
        H_TEST_BOTH(test_time_wait_syn_with_timestamp_after_none_reuses_if_ts_enabled),
        H_TEST_BOTH(test_time_wait_retransmitted_fin_is_acked_and_restarts_2msl),
        H_TEST_BOTH(test_time_wait_in_window_ack_is_ignored),
        H_TEST_BOTH(test_time_wait_timeout_deletes_tcb),
        H_TEST_BOTH(test_time_wait_acks_in_window_data_linux),
        H_TEST_BOTH(test_time_wait_bare_ack_restarts_timer_linux),
        H_TEST_LINUX(test_time_wait_old_acks_answered_once_per_ratelimit_linux),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
