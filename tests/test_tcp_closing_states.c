/* RFC 9293 3.10 in FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING and
 * LAST-ACK; checklist sections 8-12 (R-FW1-*, R-FW2-*, R-CW-*,
 * R-CLOSING-*, R-LASTACK-*). */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

/* RTO after the fixtures' zero-RTT handshake: the profile's floor. */
static sim_time_t h_rto(const struct harness *h) { return h->local->params.rto_min; }

/* OPEN on the 4-tuple in use is refused ("connection already exists"),
 * sends nothing, and STATUS reports `want` (R-*-01 and R-*-STATUS rows). */
static void h_expect_open_refused_and_status(struct harness *h, enum tcp_state want)
{
    struct tcb *again;
    assert_int_equal(sock_connect(h->local, H_PEER_ADDR, H_SERVER_PORT, H_CLIENT_PORT, &again),
                     TS_EADDRNOTAVAIL);
    h_expect_none(h);
    assert_int_equal(sock_state(h->sock), want);
    assert_string_equal(tcp_state_name(sock_state(h->sock)), tcp_state_name(want));
}

/* ---- FIN-WAIT-1 ---------------------------------------------------------- */

/* R-FW1-02, R-FW2-01 */
static void test_fin_wait1_send_fails_closing(void **state)
{
    struct harness *h = *state;
    h_fin_wait1(h);
    assert_int_equal(sock_send(h->sock, 10), TS_EPIPE);
    h_expect_none(h);
}

/* R-FW1-01, R-FW1-06 */
static void test_fin_wait1_open_refused_and_status_reports_fin_wait1(void **state)
{
    struct harness *h = *state;
    h_fin_wait1(h);
    h_expect_open_refused_and_status(h, TCP_FIN_WAIT1);
}

/* R-FW1-04: CLOSE again never sends a second FIN. */
static void test_fin_wait1_close_again_sends_no_second_fin(void **state)
{
    struct harness *h = *state;
    h_fin_wait1(h);
    assert_int_equal(sock_shutdown(h->sock, 2), TS_OK);
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_FIN_WAIT1);
}

/* R-FW1-05 */
static void test_fin_wait1_abort_sends_rst_from_snd_nxt(void **state)
{
    struct harness *h = *state;
    h_fin_wait1(h);
    assert_int_equal(sock_abort(h->sock), TS_OK);
    h_expect(h, h_linux(h) ? H_RA : H_R, h->iss + 2, H_IRS + 1);
    h_expect_none(h);
    assert_null(h->sock);
}

/* R-FW1-07 */
static void test_fin_wait1_rst_resets_connection(void **state)
{
    struct harness *h = *state;
    h_fin_wait1(h);
    h_inject(h, H_R, H_IRS + 1, 0, 0, 0);
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_err, TS_ECONNRESET);
    h_expect_none(h);
}

/* R-FW1-08 */
static void test_fin_wait1_ack_of_fin_enters_fin_wait2(void **state)
{
    struct harness *h = *state;
    h_fin_wait2(h);
    h_run_for(h, SIM_S(10));
    h_expect_none(h); /* FIN acknowledged: no retransmission */
}

/* R-FW1-09 */
static void test_fin_wait1_ack_not_covering_fin_stays(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    assert_int_equal(sock_shutdown(h->sock, 2), TS_OK);
    h_expect(h, H_PA, h->iss + 1, H_IRS + 1);
    h_expect(h, H_FA, h->iss + 101, H_IRS + 1);
    h_inject(h, H_A, H_IRS + 1, h->iss + 101, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_FIN_WAIT1);
    h_inject(h, H_A, H_IRS + 1, h->iss + 102, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_FIN_WAIT2);
}

/* R-FW1-10 (Linux column, MAY-1/SHLD-3): text for an orphan draws a RST. */
static void test_fin_wait1_orphan_text_draws_rst(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_expect(h, H_FA, h->iss + 1, H_IRS + 1);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 10, H_WIN);
    const struct tcp_segment *r = h_last(h);
    assert_true(r->flags & TCP_RST);
    assert_null(h->sock);
}

/* R-FW1-11, R-PATH-10: FIN+ACK of our FIN: straight to TIME-WAIT. */
static void test_fin_wait1_fin_ack_enters_time_wait(void **state)
{
    struct harness *h = *state;
    h_fin_wait1(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 2, 0, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
}

/* R-FW1-12, R-PATH-09 */
static void test_fin_wait1_fin_without_ack_of_fin_enters_closing(void **state)
{
    struct harness *h = *state;
    h_closing(h);
    assert_int_equal(h->segs[h->cursor - 1].flags, H_A); /* a pure ACK */
}

/* R-FW1-13: FIN with a stale ACK field after our FIN was acked. */
static void test_fin_wait2_fin_with_stale_ack_enters_time_wait(void **state)
{
    struct harness *h = *state;
    h_fin_wait2(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 1, 0, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
}

/* R-FW1-14, R-TMO-02 */
static void test_fin_wait1_rto_retransmits_fin(void **state)
{
    struct harness *h = *state;
    h_fin_wait1(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(10)), h_rto(h));
    h_expect(h, H_FA, h->iss + 1, H_IRS + 1);
    assert_int_equal(h_run_until_tx(h, SIM_S(10)), 3 * h_rto(h));
    h_expect(h, H_FA, h->iss + 1, H_IRS + 1);
}

/* ---- FIN-WAIT-2 ---------------------------------------------------------- */

/* R-FW2-07: FIN: ACK it, enter TIME-WAIT and start its timer (2 MSL;
 * Linux 60 s), the retransmission timer stopped. */
static void test_fin_wait2_fin_is_acked_and_starts_time_wait(void **state)
{
    struct harness *h = *state;
    h_fin_wait2(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 2, 0, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
    sim_time_t t0 = h_now(h), tw = tcp_params_time_wait(&h->local->params);
    h_run_until(h, t0 + tw - 1);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
    h_run_until(h, t0 + tw);
    assert_int_equal(h_state(h), TCP_CLOSED);
}

/* R-FW2-02, R-FW2-06 */
static void test_fin_wait2_text_is_delivered(void **state)
{
    struct harness *h = *state;
    h_fin_wait2(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 2, 30, H_WIN);
    assert_int_equal(sock_recv_queue(h->sock), 30);
    assert_int_equal(sock_send(h->sock, 1), TS_EPIPE);
}

/* R-FW2-03 */
static void test_fin_wait2_abort_sends_rst(void **state)
{
    struct harness *h = *state;
    h_fin_wait2(h);
    assert_int_equal(sock_abort(h->sock), TS_OK);
    h_expect(h, h_linux(h) ? H_RA : H_R, h->iss + 2, H_IRS + 1);
    h_expect_none(h);
}

/* R-FW2-04 */
static void test_fin_wait2_rst_resets_connection(void **state)
{
    struct harness *h = *state;
    h_fin_wait2(h);
    h_inject(h, H_R, H_IRS + 1, 0, 0, 0);
    assert_int_equal(h_state(h), TCP_CLOSED);
    uint64_t got;
    bool eof;
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), TS_ECONNRESET);
}

/* R-FW2-05 */
static void test_fin_wait2_ack_keeps_state(void **state)
{
    struct harness *h = *state;
    h_fin_wait2(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 2, 0, H_WIN);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_FIN_WAIT2);
}

/* R-FW2-06 (Linux column): text for an orphan draws a RST. */
static void test_fin_wait2_orphan_text_draws_rst(void **state)
{
    struct harness *h = *state;
    h_fin_wait2(h);
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 2, 10, H_WIN);
    assert_true(h_last(h)->flags & TCP_RST);
    assert_null(h->sock);
}

/* R-FW2-08: Linux discards an orphaned FIN-WAIT-2 after tcp_fin_timeout
 * (60 s), later segments then draw RST-from-ACK; the RFC has no such timer. */
static void test_fin_wait2_orphan_timeout_linux_60s_rfc_never(void **state)
{
    struct harness *h = *state;
    h_fin_wait2(h);
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_run_until(h, SIM_S(59));
    assert_int_equal(host_count_in_state(h->local, TCP_FIN_WAIT2), 1);
    h_run_until(h, SIM_S(3600));
    h_expect_none(h);
    if (h_linux(h)) {
        assert_int_equal(host_count_in_state(h->local, TCP_FIN_WAIT2), 0);
        h_inject(h, H_A, H_IRS + 1, h->iss + 2, 0, H_WIN);
        h_expect(h, H_R, h->iss + 2, 0);
    } else {
        assert_int_equal(host_count_in_state(h->local, TCP_FIN_WAIT2), 1);
        h_inject(h, H_FA, H_IRS + 1, h->iss + 2, 0, H_WIN);
        h_expect(h, H_A, h->iss + 2, H_IRS + 2);
        assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 1);
    }
}

/* ---- CLOSE-WAIT ---------------------------------------------------------- */

/* R-CW-01, R-CW-06 */
static void test_close_wait_open_refused_and_status_reports_close_wait(void **state)
{
    struct harness *h = *state;
    h_close_wait(h);
    h_expect_open_refused_and_status(h, TCP_CLOSE_WAIT);
}

/* R-CW-02 */
static void test_close_wait_send_still_transmits(void **state)
{
    struct harness *h = *state;
    h_close_wait(h);
    assert_int_equal(sock_send(h->sock, 70), TS_OK);
    const struct tcp_segment *d = h_expect(h, H_PA, h->iss + 1, H_IRS + 2);
    assert_int_equal(d->len, 70);
}

/* R-CW-03 */
static void test_close_wait_recv_returns_eof(void **state)
{
    struct harness *h = *state;
    h_close_wait(h);
    uint64_t got;
    bool eof;
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), TS_OK);
    assert_int_equal(got, 0);
    assert_true(eof);
}

/* R-CW-04, R-TW-12: the passive closer goes LAST-ACK, never TIME-WAIT. */
static void test_close_wait_close_sends_fin_and_enters_last_ack(void **state)
{
    struct harness *h = *state;
    h_last_ack(h);
    h_inject(h, H_A, H_IRS + 2, h->iss + 2, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
}

/* R-CW-05 */
static void test_close_wait_abort_sends_rst(void **state)
{
    struct harness *h = *state;
    h_close_wait(h);
    assert_int_equal(sock_abort(h->sock), TS_OK);
    h_expect(h, h_linux(h) ? H_RA : H_R, h->iss + 1, H_IRS + 2);
    h_expect_none(h);
}

/* R-CW-07: RFC "connection reset"; Linux reports EPIPE. */
static void test_close_wait_rst_resets_connection(void **state)
{
    struct harness *h = *state;
    h_close_wait(h);
    h_inject(h, H_R, H_IRS + 2, 0, 0, 0);
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_err, h_linux(h) ? TS_EPIPE : TS_ECONNRESET);
}

/* R-CW-08 */
static void test_close_wait_ack_processed_as_established(void **state)
{
    struct harness *h = *state;
    h_close_wait(h);
    assert_int_equal(sock_send(h->sock, 70), TS_OK);
    h_consume_all(h);
    h_inject(h, H_A, H_IRS + 2, h->iss + 71, 0, H_WIN);
    assert_int_equal(sock_send_queue(h->sock), 0);
    assert_int_equal(h_state(h), TCP_CLOSE_WAIT);
}

/* R-CW-09 */
static void test_close_wait_text_is_ignored(void **state)
{
    struct harness *h = *state;
    h_close_wait(h);
    h_inject(h, H_PA, H_IRS + 2, h->iss + 1, 10, H_WIN);
    assert_int_equal(sock_recv_queue(h->sock), 0);
    assert_int_equal(h_state(h), TCP_CLOSE_WAIT);
}

/* R-CW-10 */
static void test_close_wait_retransmitted_fin_is_acked(void **state)
{
    struct harness *h = *state;
    h_close_wait(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 1, 0, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 2);
    assert_int_equal(h_state(h), TCP_CLOSE_WAIT);
}

/* ---- CLOSING ------------------------------------------------------------- */

/* R-CLOSING-01, R-CLOSING-04 */
static void test_closing_open_refused_and_status_reports_closing(void **state)
{
    struct harness *h = *state;
    h_closing(h);
    h_expect_open_refused_and_status(h, TCP_CLOSING);
}

/* R-CLOSING-02 */
static void test_closing_send_fails(void **state)
{
    struct harness *h = *state;
    h_closing(h);
    assert_int_equal(sock_send(h->sock, 1), TS_EPIPE);
    h_expect_none(h);
}

/* R-CLOSING-03 */
static void test_closing_abort_sends_no_rst(void **state)
{
    struct harness *h = *state;
    h_closing(h);
    assert_int_equal(sock_abort(h->sock), TS_OK);
    assert_null(h->sock);
    h_expect_none(h);
}

/* R-CLOSING-05 */
static void test_closing_rst_deletes_tcb(void **state)
{
    struct harness *h = *state;
    h_closing(h);
    h_inject(h, H_R, H_IRS + 2, 0, 0, 0);
    assert_int_equal(h_state(h), TCP_CLOSED);
    h_expect_none(h);
}

/* R-CLOSING-06, R-PATH-09 */
static void test_closing_ack_of_fin_enters_time_wait(void **state)
{
    struct harness *h = *state;
    h_closing(h);
    h_inject(h, H_A, H_IRS + 2, h->iss + 1, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_CLOSING); /* not our FIN: ignored */
    h_inject(h, H_A, H_IRS + 2, h->iss + 2, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
    h_expect_none(h);
}

/* R-CLOSING-07 */
static void test_closing_text_is_ignored(void **state)
{
    struct harness *h = *state;
    h_closing(h);
    h_inject(h, H_PA, H_IRS + 2, h->iss + 1, 10, H_WIN);
    assert_int_equal(sock_recv_queue(h->sock), 0);
    assert_int_equal(h_state(h), TCP_CLOSING);
}

/* R-CLOSING-08 */
static void test_closing_retransmitted_fin_is_acked(void **state)
{
    struct harness *h = *state;
    h_closing(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 1, 0, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    assert_int_equal(h_state(h), TCP_CLOSING);
}

/* R-CLOSING-09 */
static void test_closing_rto_retransmits_fin(void **state)
{
    struct harness *h = *state;
    h_closing(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(10)), h_rto(h));
    h_expect(h, H_FA, h->iss + 1, H_IRS + 2);
}

/* ---- LAST-ACK ------------------------------------------------------------ */

/* R-LASTACK-01, R-LASTACK-04 */
static void test_last_ack_open_refused_and_status_reports_last_ack(void **state)
{
    struct harness *h = *state;
    h_last_ack(h);
    h_expect_open_refused_and_status(h, TCP_LAST_ACK);
}

/* R-LASTACK-02 */
static void test_last_ack_send_fails(void **state)
{
    struct harness *h = *state;
    h_last_ack(h);
    assert_int_equal(sock_send(h->sock, 1), TS_EPIPE);
    h_expect_none(h);
}

/* R-LASTACK-03 */
static void test_last_ack_abort_sends_no_rst(void **state)
{
    struct harness *h = *state;
    h_last_ack(h);
    assert_int_equal(sock_abort(h->sock), TS_OK);
    assert_null(h->sock);
    h_expect_none(h);
}

/* R-LASTACK-05 */
static void test_last_ack_rst_deletes_tcb(void **state)
{
    struct harness *h = *state;
    h_last_ack(h);
    h_inject(h, H_R, H_IRS + 2, 0, 0, 0);
    assert_int_equal(h_state(h), TCP_CLOSED);
    h_expect_none(h);
}

/* R-LASTACK-06, R-PATH-08: ACK of FIN deletes the TCB; a later segment
 * finds none and draws RST-from-ACK. */
static void test_last_ack_ack_of_fin_closes_then_rst_for_later_segments(void **state)
{
    struct harness *h = *state;
    h_last_ack(h);
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_inject(h, H_A, H_IRS + 2, h->iss + 2, 0, H_WIN);
    assert_null(h->sock);
    h_expect_none(h);
    h_inject(h, H_A, H_IRS + 2, h->iss + 2, 0, H_WIN);
    h_expect(h, H_R, h->iss + 2, 0);
}

/* R-LASTACK-07 */
static void test_last_ack_retransmitted_fin_is_acked(void **state)
{
    struct harness *h = *state;
    h_last_ack(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 1, 0, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    assert_int_equal(h_state(h), TCP_LAST_ACK);
}

/* R-LASTACK-08 */
static void test_last_ack_text_is_ignored(void **state)
{
    struct harness *h = *state;
    h_last_ack(h);
    h_inject(h, H_PA, H_IRS + 2, h->iss + 1, 10, H_WIN);
    assert_int_equal(sock_recv_queue(h->sock), 0);
    assert_int_equal(h_state(h), TCP_LAST_ACK);
}

/* R-LASTACK-09: FIN retransmitted after one RTO (Linux: 200 ms floor),
 * then with backoff. */
static void test_last_ack_rto_retransmits_fin_with_backoff(void **state)
{
    struct harness *h = *state;
    h_last_ack(h);
    sim_time_t t0 = h_now(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(10)), t0 + h_rto(h));
    h_expect(h, H_FA, h->iss + 1, H_IRS + 2);
    assert_int_equal(h_run_until_tx(h, SIM_S(10)), t0 + 3 * h_rto(h));
    h_expect(h, H_FA, h->iss + 1, H_IRS + 2);
}

/* R-LASTACK-10: unanswered, the FIN is eventually given up (R2). */
static void test_last_ack_gives_up_after_r2(void **state)
{
    struct harness *h = *state;
    h_last_ack(h);
    h_run_until(h, SIM_S(2000));
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_err, TS_ETIMEDOUT);
    assert_true(h_pending(h) >= 3);
}

/* Linux (orphan_rst_reply): new data for an orphan is answered as a segment
 * for no connection, `R 1:1(0)`: SEQ = SEG.ACK, no ACK flag
 * (tcp_rcv_state_process returns 1, tcp_v4_send_reset); the RFC profile
 * sends the connection's <SEQ=SND.NXT><CTL=RST>. */
static void test_data_after_close_draws_rst_from_seg_ack_linux(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_expect(h, H_FA, h->iss + 1, H_IRS + 1);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 10, H_WIN);
    h_expect(h, H_R, h_linux(h) ? h->iss + 1 : h->iss + 2, 0);
    h_expect_none(h);
    assert_null(h->sock);
}

/* RFC 1122 4.2.2.13 "new data is received after CLOSE": an old duplicate
 * for an orphan is ACKed, not reset (Linux: after(end_seq, rcv_nxt)). */
static void test_old_data_after_close_is_acked_not_reset(void **state)
{
    struct harness *h = *state;
    uint64_t got;
    bool eof;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 10, H_WIN);
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), TS_OK);
    assert_int_equal(got, 10);
    h_run_for(h, SIM_S(1));
    h_consume_all(h);
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_expect(h, H_FA, h->iss + 1, H_IRS + 11);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 10, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 11);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_FIN_WAIT1);
}

/* Linux (rst_window): the RST,ACK of an abort carries the current receive
 * window (tcp_send_active_reset through tcp_transmit_skb), not 0. */
static void test_abort_rst_carries_current_window_linux(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_abort(h->sock), TS_OK);
    const struct tcp_segment *r = h_expect(h, h_linux(h) ? H_RA : H_R, h->iss + 1, H_IRS + 1);
    if (h_linux(h))
        assert_true(r->win > 0);
    else
        assert_int_equal(r->win, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_fin_wait1_send_fails_closing),
        H_TEST_BOTH(test_fin_wait1_open_refused_and_status_reports_fin_wait1),
        H_TEST_BOTH(test_fin_wait1_close_again_sends_no_second_fin),
        H_TEST_BOTH(test_fin_wait1_abort_sends_rst_from_snd_nxt),
        H_TEST_BOTH(test_fin_wait1_rst_resets_connection),
        H_TEST_BOTH(test_fin_wait1_ack_of_fin_enters_fin_wait2),
        H_TEST_BOTH(test_fin_wait1_ack_not_covering_fin_stays),
        H_TEST_BOTH(test_fin_wait1_orphan_text_draws_rst),
        H_TEST_BOTH(test_data_after_close_draws_rst_from_seg_ack_linux),
        H_TEST_BOTH(test_old_data_after_close_is_acked_not_reset),
        H_TEST_BOTH(test_abort_rst_carries_current_window_linux),
        H_TEST_BOTH(test_fin_wait1_fin_ack_enters_time_wait),
        H_TEST_BOTH(test_fin_wait1_fin_without_ack_of_fin_enters_closing),
        H_TEST_BOTH(test_fin_wait2_fin_with_stale_ack_enters_time_wait),
        H_TEST_BOTH(test_fin_wait1_rto_retransmits_fin),
        H_TEST_BOTH(test_fin_wait2_text_is_delivered),
        H_TEST_BOTH(test_fin_wait2_fin_is_acked_and_starts_time_wait),
        H_TEST_BOTH(test_fin_wait2_abort_sends_rst),
        H_TEST_BOTH(test_fin_wait2_rst_resets_connection),
        H_TEST_BOTH(test_fin_wait2_ack_keeps_state),
        H_TEST_BOTH(test_fin_wait2_orphan_text_draws_rst),
        H_TEST_BOTH(test_fin_wait2_orphan_timeout_linux_60s_rfc_never),
        H_TEST_BOTH(test_close_wait_open_refused_and_status_reports_close_wait),
        H_TEST_BOTH(test_closing_open_refused_and_status_reports_closing),
        H_TEST_BOTH(test_last_ack_open_refused_and_status_reports_last_ack),
        H_TEST_BOTH(test_close_wait_send_still_transmits),
        H_TEST_BOTH(test_close_wait_recv_returns_eof),
        H_TEST_BOTH(test_close_wait_close_sends_fin_and_enters_last_ack),
        H_TEST_BOTH(test_close_wait_abort_sends_rst),
        H_TEST_BOTH(test_close_wait_rst_resets_connection),
        H_TEST_BOTH(test_close_wait_ack_processed_as_established),
        H_TEST_BOTH(test_close_wait_text_is_ignored),
        H_TEST_BOTH(test_close_wait_retransmitted_fin_is_acked),
        H_TEST_BOTH(test_closing_send_fails),
        H_TEST_BOTH(test_closing_abort_sends_no_rst),
        H_TEST_BOTH(test_closing_rst_deletes_tcb),
        H_TEST_BOTH(test_closing_ack_of_fin_enters_time_wait),
        H_TEST_BOTH(test_closing_text_is_ignored),
        H_TEST_BOTH(test_closing_retransmitted_fin_is_acked),
        H_TEST_BOTH(test_closing_rto_retransmits_fin),
        H_TEST_BOTH(test_last_ack_send_fails),
        H_TEST_BOTH(test_last_ack_abort_sends_no_rst),
        H_TEST_BOTH(test_last_ack_rst_deletes_tcb),
        H_TEST_BOTH(test_last_ack_ack_of_fin_closes_then_rst_for_later_segments),
        H_TEST_BOTH(test_last_ack_retransmitted_fin_is_acked),
        H_TEST_BOTH(test_last_ack_text_is_ignored),
        H_TEST_BOTH(test_last_ack_rto_retransmits_fin_with_backoff),
        H_TEST_BOTH(test_last_ack_gives_up_after_r2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
