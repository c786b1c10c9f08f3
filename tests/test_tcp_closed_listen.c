/* RFC 9293 3.10.1-3.10.7.2: a segment for no connection (CLOSED) and the
 * LISTEN state; checklist sections 1 and 2 (R-CLOSED-*, R-LISTEN-*). */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

/* A port nobody listens on. */
static void h_closed_port(struct harness *h)
{
    h->lport = 81;
    h->rport = 50000;
}

/* ---- CLOSED ------------------------------------------------------------ */

/* R-CLOSED-01 */
static void test_closed_listen_enters_listen_silently(void **state)
{
    struct harness *h = *state;
    h_listen(h);
    assert_int_equal(host_count_in_state(h->local, TCP_LISTEN), 1);
    h_expect_none(h);
}

/* R-CLOSED-02 */
static void test_closed_connect_sends_syn_with_iss_and_enters_syn_sent(void **state)
{
    struct harness *h = *state;
    h_syn_sent(h);
    assert_int_equal(h->segs[0].flags, TCP_SYN);
    assert_int_equal(h->segs[0].len, 0);
    /* SND.UNA = ISS, SND.NXT = ISS+1: an ACK of ISS+1 is acceptable. */
    h_inject(h, H_SA, H_IRS, h->iss + 1, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
}

/* R-CLOSED-10 */
static void test_closed_rst_draws_no_reply(void **state)
{
    struct harness *h = *state;
    h_closed_port(h);
    h_inject(h, H_R, 100, 0, 0, H_WIN);
    h_inject(h, H_RA, 100, 200, 0, H_WIN);
    h_expect_none(h);
}

/* R-CLOSED-11 */
static void test_closed_syn_draws_rst_ack_seq_zero_ack_seg_seq_plus_one(void **state)
{
    struct harness *h = *state;
    h_closed_port(h);
    h_inject(h, H_S, 100, 0, 0, H_WIN);
    h_expect(h, H_RA, 0, 101);
}

/* R-CLOSED-11: SEG.LEN counts the FIN as well as the text. */
static void test_closed_fin_with_text_draws_rst_ack_covering_fin(void **state)
{
    struct harness *h = *state;
    h_closed_port(h);
    h_inject(h, TCP_FIN | TCP_PSH, 100, 0, 10, H_WIN);
    h_expect(h, H_RA, 0, 111);
}

/* R-CLOSED-12, R-CLOSED-13, R-PATH-06 */
static void test_closed_ack_draws_rst_from_seg_ack_without_ack_bit(void **state)
{
    struct harness *h = *state;
    h_closed_port(h);
    h_inject(h, H_PA, 100, 777, 10, H_WIN);
    const struct tcp_segment *rst = h_expect(h, H_R, 777, 0);
    assert_int_equal(rst->len, 0);
    h_expect_none(h);
}

/* R-CLOSED-05, R-CLOSED-06: calls on a connection that no longer exists. */
static void test_closed_socket_send_and_recv_fail(void **state)
{
    struct harness *h = *state;
    h_syn_sent(h);
    h_inject(h, H_RA, 0, h->iss + 1, 0, 0);
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(sock_send(h->sock, 10), TS_EPIPE);
    uint64_t got;
    bool eof;
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), TS_ENOTCONN);
    h_expect_none(h);
}

/* ---- LISTEN ------------------------------------------------------------ */

/* R-CLOSED-07, R-CLOSED-08, R-CLOSED-09: on a connection that no longer
 * exists STATUS reports CLOSED, and CLOSE or ABORT send nothing (sockets
 * API: the descriptor is simply released). */
static void test_closed_status_close_and_abort_send_nothing(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_R, H_IRS + 1, 0, 0, 0);
    assert_non_null(h->sock);
    assert_int_equal(sock_state(h->sock), TCP_CLOSED);
    assert_int_equal(sock_close(h->sock), TS_OK);
    assert_null(h->sock); /* released */
    h_expect_none(h);
    h_consume_all(h);
    struct tcb *other;
    assert_int_equal(sock_connect(h->local, H_PEER_ADDR, H_SERVER_PORT, 0, &other), TS_OK);
    h_consume_all(h);
    h->sock = other;
    h->lport = other->local_port;
    h_inject(h, H_RA, 0, other->snd_nxt, 0, 0); /* refused: CLOSED */
    assert_int_equal(sock_state(other), TCP_CLOSED);
    assert_int_equal(sock_abort(other), TS_OK);
    assert_null(h->sock);
    h_expect_none(h);
}

/* R-CLOSED-04: OPEN without resources ("insufficient resources"): with
 * every ephemeral port toward the remote socket in use, connect() fails
 * EADDRNOTAVAIL (as Linux does), creates no TCB and sends nothing. */
static void test_closed_open_without_free_port_fails_insufficient_resources(void **state)
{
    struct harness *h = *state;
    h->local->params.port_range_lo = 40000;
    h->local->params.port_range_hi = 40000;
    struct tcb *first, *second;
    assert_int_equal(sock_connect(h->local, H_PEER_ADDR, H_SERVER_PORT, 0, &first), TS_OK);
    h_consume_all(h);
    assert_int_equal(sock_connect(h->local, H_PEER_ADDR, H_SERVER_PORT, 0, &second),
                     TS_EADDRNOTAVAIL);
    assert_null(second);
    h_expect_none(h);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_SENT), 1);
}

/* R-LISTEN-08 */
static void test_listen_status_reports_listen(void **state)
{
    struct harness *h = *state;
    h_listen(h);
    assert_int_equal(sock_state(h->sock), TCP_LISTEN);
    assert_string_equal(tcp_state_name(sock_state(h->sock)), "LISTEN");
}

/* R-LISTEN-09 */
static void test_listen_rst_is_ignored(void **state)
{
    struct harness *h = *state;
    h_listen(h);
    h_inject(h, H_R, 100, 0, 0, H_WIN);
    h_inject(h, H_RA, 100, 1, 0, H_WIN);
    h_inject(h, TCP_RST | TCP_SYN, 100, 0, 0, H_WIN);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_LISTEN);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 0);
}

/* R-LISTEN-10 */
static void test_listen_ack_draws_rst_from_seg_ack(void **state)
{
    struct harness *h = *state;
    h_listen(h);
    h_inject(h, H_A, 100, 4242, 0, H_WIN);
    h_expect(h, H_R, 4242, 0);
    assert_int_equal(h_state(h), TCP_LISTEN);
}

/* R-LISTEN-10, R-PATH-07: a SYN,ACK is answered the same way. */
static void test_listen_syn_ack_draws_rst_from_seg_ack(void **state)
{
    struct harness *h = *state;
    h_listen(h);
    h_inject(h, H_SA, 100, 4242, 0, H_WIN);
    h_expect(h, H_R, 4242, 0);
    h_expect_none(h);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 0);
}

/* R-LISTEN-12 */
static void test_listen_syn_sends_syn_ack_and_child_enters_syn_recv(void **state)
{
    struct harness *h = *state;
    h_syn_recv_passive(h);
    assert_true(h->sock != h->listener);
    assert_int_equal(sock_state(h->listener), TCP_LISTEN);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 1);
    assert_int_equal(h->accepted_count, 0);
}

/* R-LISTEN-12: without TFO the SYN,ACK acknowledges only the SYN. */
static void test_listen_syn_with_text_acks_only_the_syn(void **state)
{
    struct harness *h = *state;
    h_listen(h);
    h_inject(h, H_S, H_IRS, 0, 20, H_WIN);
    const struct tcp_segment *sa = h_expect(h, H_SA, h->segs[0].seq, H_IRS + 1);
    assert_int_equal(sa->len, 0);
}

/* RFC 7323 2.2: a SYN,ACK may carry Window Scale only if the SYN did; with
 * it, both directions scale. */
static void test_listen_syn_ack_offers_window_scale_only_if_syn_did(void **state)
{
    struct harness *h = *state;
    h->local->params.window_scaling = true;
    h_listen(h);
    struct tcp_segment syn = h_seg(h, H_S, H_IRS, 0, 0, H_WIN);
    syn.opts = TCP_OPT_MSS;
    syn.mss = 1460;
    h_inject_seg(h, &syn);
    const struct tcp_segment *sa = h_expect(h, H_SA, h->segs[h->cursor].seq, H_IRS + 1);
    assert_false(sa->opts & TCP_OPT_WSCALE);

    h->rport++;
    syn = h_seg(h, H_S, H_IRS, 0, 0, H_WIN);
    syn.opts = TCP_OPT_MSS | TCP_OPT_WSCALE;
    syn.mss = 1460;
    syn.wscale = 7;
    h_inject_seg(h, &syn);
    sa = h_expect(h, H_SA, h->segs[h->cursor].seq, H_IRS + 1);
    assert_true(sa->opts & TCP_OPT_WSCALE);
}

/* Linux sk_clone_lock: a child starts with its listener's socket options. */
static void test_listen_child_inherits_listener_socket_options(void **state)
{
    struct harness *h = *state;
    h_listen(h);
    sock_set_bufs(h->listener, 4096, 8192);
    sock_set_user_timeout(h->listener, SIM_S(7));
    sock_set_keepalive_params(h->listener, SIM_S(10), SIM_S(5), 3);
    h_inject(h, H_S, H_IRS, 0, 0, H_WIN);
    struct tcb *child = host_find_conn(h->local, H_SERVER_PORT, H_PEER_ADDR, h->rport);
    assert_non_null(child);
    assert_int_equal(child->rcvbuf, h->listener->rcvbuf);
    assert_int_equal(child->sndbuf, 8192);
    assert_int_equal(child->user_timeout, SIM_S(7));
    assert_int_equal(child->ka_time, SIM_S(10));
    assert_int_equal(child->ka_intvl, SIM_S(5));
    assert_int_equal(child->ka_probes_max, 3);
}

/* R-LISTEN-12 (Linux column): SYN+FIN is silently dropped. */
static void test_listen_syn_fin_dropped_on_linux(void **state)
{
    struct harness *h = *state;
    h_listen(h);
    h_inject(h, TCP_SYN | TCP_FIN, H_IRS, 0, 0, H_WIN);
    h_expect_none(h);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 0);
}

/* R-LISTEN-13, R-LISTEN-14 */
static void test_listen_segment_without_syn_ack_rst_is_dropped(void **state)
{
    struct harness *h = *state;
    h_listen(h);
    h_inject(h, TCP_PSH, 100, 0, 10, H_WIN);
    h_inject(h, TCP_FIN, 100, 0, 0, H_WIN);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_LISTEN);
}

/* R-LISTEN-04, R-LISTEN-05 */
static void test_listen_send_and_recv_fail(void **state)
{
    struct harness *h = *state;
    h_listen(h);
    assert_int_equal(sock_send(h->sock, 10), TS_ENOTCONN);
    uint64_t got;
    bool eof;
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), TS_ENOTCONN);
    h_expect_none(h);
}

/* R-LISTEN-06: CLOSE deletes the TCB; the port then answers like CLOSED. */
static void test_listen_close_deletes_tcb_and_port_then_resets(void **state)
{
    struct harness *h = *state;
    h_listen(h);
    assert_int_equal(sock_close(h->sock), TS_OK);
    assert_null(h->listener);
    assert_int_equal(host_count_in_state(h->local, TCP_LISTEN), 0);
    h_expect_none(h);
    h_inject(h, H_S, 100, 0, 0, H_WIN);
    h_expect(h, H_RA, 0, 101);
}

/* The peer's ACK that completes the handshake of the embryonic child of
 * h_syn_recv_passive(), delivered without running the engine: the child is
 * ESTABLISHED but the deferred accept has not reached the application. */
static void h_established_unaccepted(struct harness *h)
{
    h_syn_recv_passive(h);
    struct tcp_segment ack = h_seg(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
    host_input(h->local, &ack);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    assert_int_equal(h->accepted_count, 0);
}

/* R-LISTEN-06 (Linux column): CLOSE of the listener aborts a child that
 * completed the handshake but was not accepted: Linux with
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>, the RFC profile (no children in
 * RFC 9293: the LISTEN TCB is deleted) silently. The application never
 * hears of the child; the peer's next segment finds no TCB and draws
 * <SEQ=SEG.ACK><CTL=RST>. */
static void test_listen_close_aborts_unaccepted_child_rst_on_linux(void **state)
{
    struct harness *h = *state;
    h_established_unaccepted(h);
    assert_int_equal(sock_close(h->listener), TS_OK);
    if (h_linux(h))
        h_expect(h, H_RA, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    h_run_for(h, SIM_S(10));
    h_expect_none(h);
    assert_null(h->sock);
    assert_int_equal(h->accepted_count, 0);
    assert_int_equal(host_count_in_state(h->local, TCP_ESTABLISHED), 0);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 10, H_WIN);
    h_expect(h, H_R, h->iss + 1, 0);
}

/* R-LISTEN-06: an embryonic (SYN-RECEIVED) child dies with its listener
 * without a RST (Linux: the request sock is dropped) and its SYN,ACK is not
 * retransmitted; the peer's ACK then draws <SEQ=SEG.ACK><CTL=RST>. */
static void test_listen_close_drops_embryonic_child_silently(void **state)
{
    struct harness *h = *state;
    h_syn_recv_passive(h);
    assert_int_equal(sock_close(h->listener), TS_OK);
    h_expect_none(h);
    assert_null(h->sock);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 0);
    h_run_for(h, SIM_S(10));
    h_expect_none(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
    h_expect(h, H_R, h->iss + 1, 0);
    assert_int_equal(h->accepted_count, 0);
}

/* R-LISTEN-07 */
static void test_listen_abort_sends_nothing(void **state)
{
    struct harness *h = *state;
    h_listen(h);
    assert_int_equal(sock_abort(h->sock), TS_OK);
    assert_null(h->listener);
    h_expect_none(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_closed_listen_enters_listen_silently),
        H_TEST_BOTH(test_closed_connect_sends_syn_with_iss_and_enters_syn_sent),
        H_TEST_BOTH(test_closed_rst_draws_no_reply),
        H_TEST_BOTH(test_closed_syn_draws_rst_ack_seq_zero_ack_seg_seq_plus_one),
        H_TEST_BOTH(test_closed_fin_with_text_draws_rst_ack_covering_fin),
        H_TEST_BOTH(test_closed_ack_draws_rst_from_seg_ack_without_ack_bit),
        H_TEST_BOTH(test_closed_socket_send_and_recv_fail),
        H_TEST_BOTH(test_closed_status_close_and_abort_send_nothing),
        H_TEST_BOTH(test_closed_open_without_free_port_fails_insufficient_resources),
        H_TEST_BOTH(test_listen_status_reports_listen),
        H_TEST_BOTH(test_listen_rst_is_ignored),
        H_TEST_BOTH(test_listen_ack_draws_rst_from_seg_ack),
        H_TEST_BOTH(test_listen_syn_ack_draws_rst_from_seg_ack),
        H_TEST_BOTH(test_listen_syn_sends_syn_ack_and_child_enters_syn_recv),
        H_TEST_BOTH(test_listen_syn_with_text_acks_only_the_syn),
        H_TEST_BOTH(test_listen_syn_ack_offers_window_scale_only_if_syn_did),
        H_TEST_BOTH(test_listen_child_inherits_listener_socket_options),
        H_TEST_LINUX(test_listen_syn_fin_dropped_on_linux),
        H_TEST_BOTH(test_listen_segment_without_syn_ack_rst_is_dropped),
        H_TEST_BOTH(test_listen_send_and_recv_fail),
        H_TEST_BOTH(test_listen_close_deletes_tcb_and_port_then_resets),
        H_TEST_BOTH(test_listen_close_aborts_unaccepted_child_rst_on_linux),
        H_TEST_BOTH(test_listen_close_drops_embryonic_child_silently),
        H_TEST_BOTH(test_listen_abort_sends_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
