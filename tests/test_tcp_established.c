/* RFC 9293 3.10.7.4 in ESTABLISHED: the sequence check (Table 6), the rules
 * common to the synchronized states (RST, SYN, ACK checks with RFC 5961),
 * text and FIN, and the user calls; checklist sections 5-7 (R-SEQ-*,
 * R-SYNC-*, R-ESTAB-*, R-5961-*). */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

static uint64_t h_read_all(struct harness *h, bool *eof)
{
    uint64_t got = 0;
    int err = sock_recv(h->sock, 0, &got, eof);
    assert_int_equal(err, TS_OK);
    return got;
}

/* A receive buffer whose window is 1000 octets: Linux counts half of
 * sk_rcvbuf as window (tcp_win_from_space, the default scaling_ratio). */
static void h_set_window_1000(struct harness *h)
{
    h->local->params.rcvbuf = h_linux(h) ? 2000 : 1000;
}

/* ESTABLISHED with a 1000-octet receive window that the peer has filled:
 * RCV.WND = 0, RCV.NXT = IRS+1001. */
static void h_established_zero_window(struct harness *h)
{
    h_set_window_1000(h);
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 1000, H_WIN);
    h_run_for(h, SIM_S(1));
    const struct tcp_segment *a = h_expect(h, H_A, h->iss + 1, H_IRS + 1001);
    assert_int_equal(a->win, 0);
    h_expect_none(h);
}

/* ---- sequence check (Table 6) ------------------------------------------ */

/* R-SEQ-01 */
static void test_established_zero_window_accepts_only_empty_segment_at_rcv_nxt(void **state)
{
    struct harness *h = *state;
    h_established_zero_window(h);
    h_inject(h, H_A, H_IRS + 1001, h->iss + 1, 0, H_WIN);
    h_expect_none(h);
    h_inject(h, H_A, H_IRS + 1002, h->iss + 1, 0, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1001);
}

/* R-SEQ-03, R-ZWP-05: text at zero window is not acceptable (ACK-reply with
 * window 0), but its valid ACK is still processed. */
static void test_established_zero_window_text_refused_but_ack_processed(void **state)
{
    struct harness *h = *state;
    h_established_zero_window(h);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_expect(h, H_PA, h->iss + 1, H_IRS + 1001);
    h_inject(h, H_PA, H_IRS + 1001, h->iss + 101, 10, H_WIN);
    const struct tcp_segment *a = h_expect(h, H_A, h->iss + 101, H_IRS + 1001);
    assert_int_equal(a->win, 0);
    assert_int_equal(sock_recv_queue(h->sock), 1000);
    assert_int_equal(sock_send_queue(h->sock), 0);
}

/* R-SEQ-02, R-SEQ-05 */
static void test_established_empty_segment_outside_window_draws_ack_reply(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_A, H_IRS + 1 + 200000, h->iss + 1, 0, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_inject(h, H_A, H_IRS, h->iss + 1, 0, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
}

/* R-SEQ-04: a segment whose first octets are old delivers the new ones. */
static void test_established_overlapping_segment_delivers_new_part(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 20, H_WIN);
    h_inject(h, H_PA, H_IRS + 11, h->iss + 1, 20, H_WIN);
    assert_int_equal(sock_recv_queue(h->sock), 30);
    assert_int_equal(h->sock->rcv_bad, 0);
}

/* R-SEQ-04, R-SEQ-06: text beyond the right edge is trimmed, the part
 * inside the window kept. */
static void test_established_text_past_window_is_trimmed(void **state)
{
    struct harness *h = *state;
    h_set_window_1000(h);
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 1400, H_WIN);
    assert_int_equal(sock_recv_queue(h->sock), 1000);
    h_run_for(h, SIM_S(1));
    h_expect(h, H_A, h->iss + 1, H_IRS + 1001);
}

/* Linux tcp_sequence/tcp_data_queue: with the receive queue empty, an
 * in-sequence segment larger than the window is taken whole. */
static void test_window_edge_in_sequence_taken_whole_when_queue_empty_linux(void **state)
{
    struct harness *h = *state;
    h_set_window_1000(h);
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 1400, H_WIN);
    assert_int_equal(sock_recv_queue(h->sock), 1400);
    h_run_for(h, SIM_S(1));
    h_expect(h, H_A, h->iss + 1, H_IRS + 1401);
}

/* Linux tcp_sequence: with data waiting in the receive queue, a segment
 * ending past the right edge is dropped whole and answered with an ACK of
 * RCV.NXT (`. 1:1(0) ack 401 win ...`); RFC 9293 would keep the part
 * inside the window. */
static void test_window_edge_crossing_segment_dropped_whole_and_acked_linux(void **state)
{
    struct harness *h = *state;
    h_set_window_1000(h);
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 400, H_WIN);
    h_run_for(h, SIM_S(1));
    h_consume_all(h);
    assert_int_equal(sock_recv_queue(h->sock), 400);
    h_inject(h, H_PA, H_IRS + 401, h->iss + 1, 1000, H_WIN); /* window: 600 left */
    assert_int_equal(sock_recv_queue(h->sock), 400);
    h_expect(h, H_A, h->iss + 1, H_IRS + 401);
}

/* R-SEQ-05: duplicate text is answered at once; a bad RST is not. */
static void test_established_duplicate_text_acked_at_once_bad_rst_silent(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 10, H_WIN);
    h_run_for(h, SIM_S(1));
    h_consume_all(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 10, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 11);
    h_inject(h, H_R, H_IRS + 1, 0, 0, 0);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
}

/* R-SEQ-06, R-ESTAB-15: out-of-order text is held and ACKed at once; the
 * gap filled, everything is delivered. */
static void test_established_out_of_order_text_held_until_gap_filled(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 11, h->iss + 1, 10, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    assert_int_equal(sock_recv_queue(h->sock), 0);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 10, H_WIN);
    assert_int_equal(sock_recv_queue(h->sock), 20);
    h_run_for(h, SIM_S(1));
    h_expect(h, H_A, h->iss + 1, H_IRS + 21);
    assert_int_equal(h->sock->rcv_bad, 0);
}

/* R-SEQ-07: one segment's ACK waits for the delayed-ACK timer; a second
 * full segment is ACKed at once (Linux's quick-ack start is off here; it
 * has its own tests in test_tcp_flow.c). */
static void test_established_acks_are_delayed_and_aggregated(void **state)
{
    struct harness *h = *state;
    sim_time_t delack = h->local->params.delack_time;
    h->local->params.quickacks = 0;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 1460, H_WIN);
    h_expect_none(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(1)), delack);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1461);
    h_inject(h, H_A, H_IRS + 1461, h->iss + 1, 1460, H_WIN);
    h_expect_none(h);
    h_inject(h, H_PA, H_IRS + 2921, h->iss + 1, 1460, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 4381);
    h_expect_none(h);
}

/* ---- RST, SYN and ACK checks (synchronized states) --------------------- */

/* R-SYNC-01, R-5961-01 */
static void test_established_rst_outside_window_is_dropped(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_R, H_IRS + 1 + 200000, 0, 0, 0);
    h_inject(h, H_R, H_IRS - 5, 0, 0, 0);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
}

/* R-SYNC-02, R-ESTAB-08, R-5961-02, R-PATH-15: reset reported once, then
 * writes fail with EPIPE. */
static void test_established_rst_at_rcv_nxt_resets_connection(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_R, H_IRS + 1, 0, 0, 0);
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_count, 1);
    assert_int_equal(h->failed_err, TS_ECONNRESET);
    uint64_t got;
    bool eof;
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), TS_ECONNRESET);
    assert_int_equal(sock_send(h->sock, 1), TS_EPIPE);
    h_expect_none(h);
}

/* R-SYNC-03, R-5961-03 */
static void test_established_rst_in_window_not_exact_draws_challenge_ack(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_R, H_IRS + 100, 0, 0, 0);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
}

/* R-SYNC-04, R-5961-06: Linux sends at most one challenge ACK per 500 ms
 * per socket; the RFC profile does not throttle. */
static void test_established_challenge_acks_are_rate_limited_on_linux(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_R, H_IRS + 100, 0, 0, 0);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_run_for(h, SIM_MS(100));
    h_inject(h, H_R, H_IRS + 200, 0, 0, 0);
    if (!h_linux(h))
        h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    h_run_for(h, SIM_MS(500));
    h_inject(h, H_R, H_IRS + 300, 0, 0, 0);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
}

/* R-SYNC-05, R-5961-04, R-PATH-05: a SYN, in or out of window. */
static void test_established_syn_draws_challenge_ack(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_S, H_IRS + 100, 0, 0, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_run_for(h, SIM_S(1));
    h_inject(h, H_S, H_IRS - 1000, 0, 0, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
}

/* R-SYNC-06 */
static void test_established_segment_without_ack_is_dropped(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, TCP_PSH, H_IRS + 1, 0, 10, H_WIN);
    h_inject(h, TCP_FIN, H_IRS + 1, 0, 0, H_WIN);
    assert_int_equal(sock_recv_queue(h->sock), 0);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    h_run_for(h, SIM_S(1));
    h_expect_none(h);
}

/* R-SYNC-07, R-5961-05: an ACK older than SND.UNA - MAX.SND.WND. */
static void test_established_too_old_ack_is_discarded_and_acked(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1 - 70000, 10, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    assert_int_equal(sock_recv_queue(h->sock), 0);
}

/* R-ESTAB-11, R-SYNC-07: SEG.ACK > SND.NXT: ACK-reply, its FIN ignored. */
static void test_established_ack_beyond_snd_nxt_draws_ack_and_fin_ignored(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 50, 0, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
}

/* ---- user calls ---------------------------------------------------------- */

/* R-ESTAB-01 */
static void test_established_open_again_fails(void **state)
{
    struct harness *h = *state;
    h_established(h);
    struct tcb *again;
    assert_int_not_equal(sock_connect(h->local, H_PEER_ADDR, H_SERVER_PORT, H_CLIENT_PORT, &again),
                         TS_OK);
    h_expect_none(h);
}

/* R-ESTAB-02 */
static void test_established_send_transmits_with_ack_of_rcv_nxt(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_send(h->sock, 300), TS_OK);
    const struct tcp_segment *d = h_expect(h, H_PA, h->iss + 1, H_IRS + 1);
    assert_int_equal(d->len, 300);
}

/* R-ESTAB-03, R-ESTAB-14 */
static void test_established_text_in_sequence_is_delivered(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 123, H_WIN);
    assert_true(h->readable_count >= 1);
    bool eof;
    assert_int_equal(h_read_all(h, &eof), 123);
    assert_false(eof);
    assert_int_equal(h->sock->rcv_bad, 0);
}

/* R-ESTAB-04, R-PATH-08 */
static void test_established_close_sends_fin_and_enters_fin_wait1(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_expect(h, H_FA, h->iss + 1, H_IRS + 1);
    assert_int_equal(h_state(h), TCP_FIN_WAIT1);
}

/* R-ESTAB-04 (SHLD-3, MAY-1): CLOSE with unread data sends RST, not FIN. */
static void test_established_close_with_unread_data_sends_rst(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 10, H_WIN);
    h_run_for(h, SIM_S(1));
    h_consume_all(h);
    struct tcb *tcb = h->sock;
    assert_int_equal(sock_close(tcb), TS_OK);
    if (h_linux(h))
        h_expect(h, H_RA, h->iss + 1, H_IRS + 11);
    else
        h_expect(h, H_R, h->iss + 1, 0);
    h_expect_none(h);
    assert_null(h->sock); /* released: no TIME-WAIT */
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
}

/* R-ESTAB-05, R-FW1-03, R-FW1-10, R-PATH-13: after shutdown(SHUT_WR) the
 * connection still receives. */
static void test_established_half_close_sends_fin_and_keeps_receiving(void **state)
{
    struct harness *h = *state;
    h_fin_wait1(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 40, H_WIN);
    assert_int_equal(sock_recv_queue(h->sock), 40);
    assert_int_equal(h_state(h), TCP_FIN_WAIT1);
}

/* R-ESTAB-06, R-TW-13 (Linux column) */
static void test_established_abort_sends_rst_and_no_time_wait(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_abort(h->sock), TS_OK);
    if (h_linux(h))
        h_expect(h, H_RA, h->iss + 1, H_IRS + 1);
    else
        h_expect(h, H_R, h->iss + 1, 0);
    h_expect_none(h);
    assert_null(h->sock);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
}

/* R-ESTAB-06 through SO_LINGER {on, 0} + close(). */
static void test_established_linger_zero_close_sends_rst_and_no_time_wait(void **state)
{
    struct harness *h = *state;
    h_established(h);
    sock_set_linger(h->sock, (struct sock_linger){.on = true, .time = 0});
    assert_int_equal(sock_close(h->sock), TS_OK);
    const struct tcp_segment *r = h_expect(h, h_linux(h) ? H_RA : H_R, h->iss + 1, H_IRS + 1);
    assert_int_equal(r->flags & TCP_FIN, 0);
    h_expect_none(h);
    assert_null(h->sock);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
    h_run_for(h, SIM_S(300));
    h_expect_none(h);
}

/* R-ESTAB-07 */
static void test_established_status_reports_established(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_string_equal(tcp_state_name(sock_state(h->sock)), "ESTABLISHED");
}

/* R-ESTAB-09, R-RTO-09 (5.2): an ACK of everything empties the send queue
 * and stops the retransmission timer. */
static void test_established_ack_of_data_advances_snd_una(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_consume_all(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 51, 0, H_WIN);
    assert_int_equal(sock_send_queue(h->sock), 50);
    h_inject(h, H_A, H_IRS + 1, h->iss + 101, 0, H_WIN);
    assert_int_equal(sock_send_queue(h->sock), 0);
    h_run_for(h, SIM_S(10));
    h_expect_none(h);
}

/* R-ESTAB-10 */
static void test_established_duplicate_ack_is_ignored(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_consume_all(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
    h_expect_none(h);
    assert_int_equal(sock_send_queue(h->sock), 100);
}

/* R-ESTAB-12: the send window follows only segments newer by (WL1, WL2). */
static void test_established_window_update_ignores_older_segment(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_consume_all(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 101, 0, 0); /* WL2 = ISS+101, window 0 */
    h_inject(h, H_A, H_IRS + 1, h->iss + 51, 0, H_WIN); /* older: SEG.ACK < WL2 */
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_expect_none(h); /* the window is still 0 */
    h_inject(h, H_A, H_IRS + 1, h->iss + 101, 0, H_WIN);
    const struct tcp_segment *d = h_expect(h, H_PA, h->iss + 101, H_IRS + 1);
    assert_int_equal(d->len, 100);
}

/* R-ESTAB-16, R-PATH-15: FIN: CLOSE-WAIT, ACK, EOF after the data. */
static void test_established_fin_enters_close_wait_acks_and_signals_eof(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, TCP_FIN | TCP_PSH | TCP_ACK, H_IRS + 1, h->iss + 1, 5, H_WIN);
    assert_int_equal(h_state(h), TCP_CLOSE_WAIT);
    h_run_for(h, SIM_S(1));
    h_expect(h, H_A, h->iss + 1, H_IRS + 7);
    bool eof;
    assert_int_equal(h_read_all(h, &eof), 5);
    assert_false(eof);
    assert_int_equal(h_read_all(h, &eof), 0);
    assert_true(eof);
}

/* R-ESTAB-16: an out-of-order FIN is held until the gap is filled. */
static void test_established_out_of_order_fin_waits_for_gap(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_FA, H_IRS + 11, h->iss + 1, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 10, H_WIN);
    assert_int_equal(h_state(h), TCP_CLOSE_WAIT);
    h_run_for(h, SIM_S(1));
    h_expect(h, H_A, h->iss + 1, H_IRS + 12);
}

/* Linux (shut_rd_keeps_data): after shutdown(SHUT_RD), read() returns
 * 0 at once and data arriving later is still queued and readable; nothing
 * changes on the wire. BSD (rfc9293 profile): read() fails EAGAIN and the
 * data is ACKed and discarded. */
static void test_shut_rd_read_returns_eof_and_later_data_is_queued_linux(void **state)
{
    struct harness *h = *state;
    uint64_t got;
    bool eof;
    h_established(h);
    assert_int_equal(sock_shutdown(h->sock, 1), TS_OK);
    h_expect_none(h);
    int ret = sock_recv(h->sock, 0, &got, &eof);
    if (h_linux(h)) {
        assert_int_equal(ret, TS_OK);
        assert_true(eof);
    } else {
        assert_int_equal(ret, TS_EAGAIN);
    }
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 100, H_WIN);
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), h_linux(h) ? TS_OK : TS_EAGAIN);
    assert_int_equal(got, h_linux(h) ? 100 : 0);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
}

/* Linux: RCV_SHUTDOWN in FIN_WAIT1/2 (SHUT_RD, then SHUT_WR): new data is
 * lost, so it is answered as after close(), R with SEQ = SEG.ACK. */
static void test_shut_rd_then_new_data_in_fin_wait_draws_rst_linux(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_shutdown(h->sock, 3), TS_OK);
    h_expect(h, H_FA, h->iss + 1, H_IRS + 1);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 100, H_WIN);
    if (h_linux(h)) {
        h_expect(h, H_R, h->iss + 1, 0);
        assert_int_equal(h_state(h), TCP_CLOSED);
        assert_int_equal(h->failed_err, TS_ECONNRESET);
    } else {
        assert_int_equal(h_state(h), TCP_FIN_WAIT1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_established_zero_window_accepts_only_empty_segment_at_rcv_nxt),
        H_TEST_BOTH(test_established_zero_window_text_refused_but_ack_processed),
        H_TEST_BOTH(test_established_empty_segment_outside_window_draws_ack_reply),
        H_TEST_BOTH(test_established_overlapping_segment_delivers_new_part),
        H_TEST_RFC(test_established_text_past_window_is_trimmed),
        H_TEST_LINUX(test_window_edge_in_sequence_taken_whole_when_queue_empty_linux),
        H_TEST_LINUX(test_window_edge_crossing_segment_dropped_whole_and_acked_linux),
        H_TEST_BOTH(test_established_duplicate_text_acked_at_once_bad_rst_silent),
        H_TEST_BOTH(test_established_out_of_order_text_held_until_gap_filled),
        H_TEST_BOTH(test_established_acks_are_delayed_and_aggregated),
        H_TEST_BOTH(test_established_rst_outside_window_is_dropped),
        H_TEST_BOTH(test_established_rst_at_rcv_nxt_resets_connection),
        H_TEST_BOTH(test_established_rst_in_window_not_exact_draws_challenge_ack),
        H_TEST_BOTH(test_established_challenge_acks_are_rate_limited_on_linux),
        H_TEST_BOTH(test_established_syn_draws_challenge_ack),
        H_TEST_BOTH(test_established_segment_without_ack_is_dropped),
        H_TEST_BOTH(test_established_too_old_ack_is_discarded_and_acked),
        H_TEST_BOTH(test_established_ack_beyond_snd_nxt_draws_ack_and_fin_ignored),
        H_TEST_BOTH(test_established_open_again_fails),
        H_TEST_BOTH(test_established_send_transmits_with_ack_of_rcv_nxt),
        H_TEST_BOTH(test_established_text_in_sequence_is_delivered),
        H_TEST_BOTH(test_established_close_sends_fin_and_enters_fin_wait1),
        H_TEST_BOTH(test_established_close_with_unread_data_sends_rst),
        H_TEST_BOTH(test_established_half_close_sends_fin_and_keeps_receiving),
        H_TEST_BOTH(test_established_abort_sends_rst_and_no_time_wait),
        H_TEST_BOTH(test_established_linger_zero_close_sends_rst_and_no_time_wait),
        H_TEST_BOTH(test_established_status_reports_established),
        H_TEST_BOTH(test_established_ack_of_data_advances_snd_una),
        H_TEST_BOTH(test_established_duplicate_ack_is_ignored),
        H_TEST_BOTH(test_established_window_update_ignores_older_segment),
        H_TEST_BOTH(test_established_fin_enters_close_wait_acks_and_signals_eof),
        H_TEST_BOTH(test_established_out_of_order_fin_waits_for_gap),
        H_TEST_BOTH(test_shut_rd_read_returns_eof_and_later_data_is_queued_linux),
        H_TEST_BOTH(test_shut_rd_then_new_data_in_fin_wait_draws_rst_linux),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
