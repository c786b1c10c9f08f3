/* RFC 9293 3.10.7.4 in SYN-RECEIVED, for both origins (passive: from
 * LISTEN; active: simultaneous open); checklist section 4 (R-SYNRCVD-*). */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

/* R-SYNRCVD-02 */
static void test_syn_recv_send_is_queued_until_established(void **state)
{
    struct harness *h = *state;
    h_syn_recv_active(h);
    assert_int_equal(sock_send(h->sock, 50), TS_OK);
    h_expect_none(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    const struct tcp_segment *d = h_expect(h, H_PA, h->iss + 1, H_IRS + 1);
    assert_int_equal(d->len, 50);
}

/* R-SYNRCVD-04: CLOSE sends a FIN at once; the SYN,ACK is still
 * retransmitted until it is acknowledged. */
static void test_syn_recv_close_sends_fin_and_keeps_retransmitting_syn_ack(void **state)
{
    struct harness *h = *state;
    h_syn_recv_active(h);
    assert_int_equal(sock_shutdown(h->sock, 2), TS_OK);
    assert_int_equal(h_state(h), TCP_FIN_WAIT1);
    h_expect(h, H_FA, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(5)), SIM_S(1));
    h_expect(h, H_SA, h->iss, H_IRS + 1);
}

/* R-SYNRCVD-01: OPEN on the 4-tuple of a SYN-RECEIVED connection is refused
 * ("connection already exists"), for both origins. */
static void test_syn_recv_open_on_same_tuple_fails(void **state)
{
    struct harness *h = *state;
    struct tcb *again;
    h_syn_recv_active(h);
    assert_int_equal(sock_connect(h->local, H_PEER_ADDR, H_SERVER_PORT, H_CLIENT_PORT, &again),
                     TS_EADDRNOTAVAIL);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
}

static void test_syn_recv_passive_open_on_same_tuple_fails(void **state)
{
    struct harness *h = *state;
    struct tcb *again;
    h_syn_recv_passive(h);
    assert_int_equal(sock_connect(h->local, H_PEER_ADDR, h->rport, h->lport, &again),
                     TS_EADDRNOTAVAIL);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
}

/* R-SYNRCVD-03: RECEIVE is queued (pending, nothing sent) and satisfied by
 * the text that arrives with the ACK that completes the open. */
static void test_syn_recv_receive_is_pending_until_text_arrives(void **state)
{
    struct harness *h = *state;
    uint64_t got;
    bool eof;
    h_syn_recv_active(h);
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), TS_EAGAIN);
    assert_int_equal(got, 0);
    assert_false(eof);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 30, H_WIN);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    assert_true(h->readable_count > 0);
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), TS_OK);
    assert_int_equal(got, 30);
}

/* R-SYNRCVD-05, RFC 9293 3.10.4: CLOSE with SENDs pending is queued until
 * ESTABLISHED: nothing but the SYN,ACK is sent while our SYN is
 * unacknowledged, a further SEND is refused ("connection closing"), and
 * the ACK of our SYN releases the data with the FIN. */
static void test_syn_recv_close_with_pending_send_is_queued_until_established(void **state)
{
    struct harness *h = *state;
    h_syn_recv_active(h);
    assert_int_equal(sock_send(h->sock, 50), TS_OK);
    assert_int_equal(sock_shutdown(h->sock, 2), TS_OK);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
    assert_int_equal(sock_send(h->sock, 10), TS_EPIPE);
    h_expect_none(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(5)), SIM_S(1));
    h_expect(h, H_SA, h->iss, H_IRS + 1);
    h_expect_none(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_FIN_WAIT1);
    const struct tcp_segment *d = h_expect(h, H_PA | TCP_FIN, h->iss + 1, H_IRS + 1);
    assert_int_equal(d->len, 50);
    h_expect_none(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 52, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_FIN_WAIT2);
}

/* R-SYNRCVD-05 (Linux source: tcp_close_state() takes SYN-RECEIVED to
 * FIN-WAIT-1 at once, and tcp_send_fin() -> tcp_write_xmit() pushes queued
 * data and the FIN without waiting for the ACK of the SYN, as for the bare
 * FIN of R-SYNRCVD-04); the SYN,ACK is still what the timer retransmits. */
static void test_syn_recv_linux_close_with_pending_send_sends_data_and_fin_at_once(void **state)
{
    struct harness *h = *state;
    h_syn_recv_active(h);
    assert_int_equal(sock_send(h->sock, 50), TS_OK);
    assert_int_equal(sock_shutdown(h->sock, 2), TS_OK);
    assert_int_equal(h_state(h), TCP_FIN_WAIT1);
    const struct tcp_segment *d = h_expect(h, H_PA | TCP_FIN, h->iss + 1, H_IRS + 1);
    assert_int_equal(d->len, 50);
    h_expect_none(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(5)), SIM_S(1));
    h_expect(h, H_SA, h->iss, H_IRS + 1);
    h_inject(h, H_A, H_IRS + 1, h->iss + 52, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_FIN_WAIT2);
}

/* R-SYNRCVD-06 */
static void test_syn_recv_abort_sends_rst_from_snd_nxt(void **state)
{
    struct harness *h = *state;
    h_syn_recv_active(h);
    assert_int_equal(sock_abort(h->sock), TS_OK);
    if (h_linux(h))
        h_expect(h, H_RA, h->iss + 1, H_IRS + 1);
    else
        h_expect(h, H_R, h->iss + 1, 0);
    h_expect_none(h);
}

/* R-SYNRCVD-07 */
static void test_syn_recv_status_reports_syn_recv(void **state)
{
    struct harness *h = *state;
    h_syn_recv_passive(h);
    assert_int_equal(sock_state(h->sock), TCP_SYN_RECV);
}

/* R-SYNRCVD-08 */
static void test_syn_recv_unacceptable_seq_draws_ack_reply(void **state)
{
    struct harness *h = *state;
    h_syn_recv_passive(h);
    h_inject(h, H_PA, H_IRS + 1 + 1000000, h->iss + 1, 10, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
}

/* R-SYNRCVD-09 */
static void test_syn_recv_rst_outside_window_is_dropped(void **state)
{
    struct harness *h = *state;
    h_syn_recv_passive(h);
    h_inject(h, H_R, H_IRS + 1 + 1000000, 0, 0, 0);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
}

/* R-SYNRCVD-10 */
static void test_syn_recv_rst_in_window_not_exact_draws_challenge_ack(void **state)
{
    struct harness *h = *state;
    h_syn_recv_passive(h);
    h_inject(h, H_R, H_IRS + 10, 0, 0, 0);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_ESTABLISHED); /* the connection survives */
}

/* R-SYNRCVD-11, R-PATH-11, R-PATH-04 (the peer's side of Figure 8):
 * passive origin returns to LISTEN, untold, and takes the next SYN. */
static void test_syn_recv_passive_rst_returns_to_listen(void **state)
{
    struct harness *h = *state;
    h_syn_recv_passive(h);
    h_inject(h, H_R, H_IRS + 1, 0, 0, 0);
    assert_null(h->sock);
    assert_int_equal(sock_state(h->listener), TCP_LISTEN);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 0);
    assert_int_equal(h->failed_count + h->accepted_count, 0);
    h_expect_none(h);
    /* The listener takes the next SYN from the same port. */
    h_inject(h, H_S, H_IRS + 100, 0, 0, H_WIN);
    assert_int_equal(h_pending(h), 1);
    assert_int_equal(h->segs[h->cursor].flags, H_SA);
    assert_int_equal(h->segs[h->cursor].ack, H_IRS + 101);
}

/* R-SYNRCVD-12: active origin: "connection refused" (Linux: ECONNRESET). */
static void test_syn_recv_active_rst_refuses_connection(void **state)
{
    struct harness *h = *state;
    h_syn_recv_active(h);
    h_inject(h, H_R, H_IRS + 1, 0, 0, 0);
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->connected_count, 1);
    assert_int_equal(h->connected_err, h_linux(h) ? TS_ECONNRESET : TS_ECONNREFUSED);
    h_expect_none(h);
}

/* R-SYNRCVD-14: a SYN (new ISN, in window) sends a passive SYN-RECEIVED
 * back to LISTEN; Linux also answers <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>. */
static void test_syn_recv_passive_new_syn_returns_to_listen(void **state)
{
    struct harness *h = *state;
    h_syn_recv_passive(h);
    h_inject(h, H_S, H_IRS + 10, 0, 0, H_WIN);
    assert_null(h->sock);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 0);
    if (h_linux(h))
        h_expect(h, H_RA, 0, H_IRS + 11);
    h_expect_none(h);
}

/* R-SYNRCVD-14 (Linux column): an exact duplicate of the first SYN is a
 * retransmission: the SYN,ACK is sent again and the state kept. */
static void test_syn_recv_linux_duplicate_syn_resends_syn_ack(void **state)
{
    struct harness *h = *state;
    h_syn_recv_passive(h);
    h_inject(h, H_S, H_IRS, 0, 0, H_WIN);
    h_expect(h, H_SA, h->iss, H_IRS + 1);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
}

/* R-SYNRCVD-15: active origin, a SYN in window draws a challenge ACK. */
static void test_syn_recv_active_syn_draws_challenge_ack(void **state)
{
    struct harness *h = *state;
    h_syn_recv_active(h);
    h_inject(h, H_S, H_IRS + 10, 0, 0, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
}

/* R-SYNRCVD-15 (Linux column), R-PATH-03: the peer's own SYN,ACK completes
 * a simultaneous open and is answered with an ACK. */
static void test_syn_recv_linux_peer_syn_ack_completes_simultaneous_open(void **state)
{
    struct harness *h = *state;
    h_syn_recv_active(h);
    h_inject(h, H_SA, H_IRS, h->iss + 1, 0, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    assert_int_equal(h->connected_err, TS_OK);
}

/* R-SEQ-09 (RFC 9293 Appendix A.2): in a simultaneous open the peer's
 * SYN,ACK carries SEG.SEQ = IRS, below RCV.NXT, so strict Table 6
 * validation finds it unacceptable: ACK-reply, and its ACK field (which
 * acknowledges our SYN) is not processed. The open still completes, one
 * exchange later, on the peer's ACK-reply to our SYN,ACK. Linux widens the
 * rule and lets that SYN,ACK complete the open at once. */
static void test_syn_recv_simultaneous_open_strict_seq_check_costs_one_exchange(void **state)
{
    struct harness *h = *state;
    h_syn_recv_active(h);
    h_inject(h, H_SA, H_IRS, h->iss + 1, 0, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    if (h_linux(h)) {
        assert_int_equal(h_state(h), TCP_ESTABLISHED);
        return;
    }
    assert_int_equal(h_state(h), TCP_SYN_RECV);
    assert_int_equal(h->connected_count, 0);
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    assert_int_equal(h->connected_count, 1);
    assert_int_equal(h->connected_err, TS_OK);
    h_expect_none(h);
}

/* R-SYNRCVD-16 */
static void test_syn_recv_segment_without_ack_is_dropped(void **state)
{
    struct harness *h = *state;
    h_syn_recv_passive(h);
    h_inject(h, TCP_PSH, H_IRS + 1, 0, 10, H_WIN);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
}

/* R-SYNRCVD-17, R-PATH-02: passive open completes. */
static void test_syn_recv_passive_acceptable_ack_establishes_and_accepts(void **state)
{
    struct harness *h = *state;
    h->passive = true;
    h_established(h);
    assert_int_equal(h->accepted_count, 1);
    h_run_for(h, SIM_S(5));
    h_expect_none(h); /* SYN,ACK acknowledged: not retransmitted */
}

/* R-SYNRCVD-17, R-PATH-03 (RFC Figure 7): active origin completes. */
static void test_syn_recv_active_acceptable_ack_completes_open(void **state)
{
    struct harness *h = *state;
    h_syn_recv_active(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    assert_int_equal(h->connected_count, 1);
    assert_int_equal(h->connected_err, TS_OK);
    h_expect_none(h);
}

/* R-SYNRCVD-18 */
static void test_syn_recv_unacceptable_ack_draws_rst_from_seg_ack(void **state)
{
    struct harness *h = *state;
    h_syn_recv_passive(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 5, 0, H_WIN);
    h_expect(h, H_R, h->iss + 5, 0);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
}

/* R-SYNRCVD-19 */
static void test_syn_recv_fin_after_ack_enters_close_wait(void **state)
{
    struct harness *h = *state;
    h->passive = true;
    h_syn_recv_passive(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 1, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_CLOSE_WAIT);
    h_run_for(h, SIM_S(1));
    h_expect(h, H_A, h->iss + 1, H_IRS + 2);
    uint64_t got;
    bool eof;
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), TS_OK);
    assert_true(eof);
}

/* R-SYNRCVD-20, R-RTO-01: SYN,ACK retransmitted at 1 s, then with
 * exponential backoff (Linux too: the linear SYN timeouts are for SYN-SENT
 * only); after synack_retries the embryonic connection is dropped. */
static void test_syn_recv_syn_ack_retransmitted_with_backoff(void **state)
{
    struct harness *h = *state;
    static const int at[] = {1, 3, 7, 15, 31};
    h_syn_recv_passive(h);
    assert_int_equal(h->local->params.synack_retries, 5);
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        assert_int_equal(h_run_until_tx(h, SIM_S(100)), SIM_S(at[i]));
        h_expect(h, H_SA, h->iss, H_IRS + 1);
    }
    assert_int_equal(h_run_until_tx(h, SIM_S(100)), -1);
    assert_null(h->sock);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 0);
    assert_int_equal(h->failed_count, 0);
}

/* R-SYNRCVD-21 (active origin): the SYN,ACK of a simultaneous open is
 * retransmitted syn_retries times (RFC profile 7, 183 s with R2 >= 3 min,
 * MUST-23; Linux tcp_syn_retries 6), then the open is aborted: CLOSED,
 * ETIMEDOUT for the application, no RST on the wire. */
static void test_syn_recv_active_gives_up_after_syn_retries(void **state)
{
    struct harness *h = *state;
    h_syn_recv_active(h);
    uint32_t retries = h->local->params.syn_retries;
    for (uint32_t i = 0; i < retries; i++) {
        assert_true(h_run_until_tx(h, SIM_S(300)) > 0);
        h_expect(h, H_SA, h->iss, H_IRS + 1);
        assert_int_equal(h_state(h), TCP_SYN_RECV);
    }
    h_run_until(h, SIM_S(300));
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->connected_count, 1);
    assert_int_equal(h->connected_err, TS_ETIMEDOUT);
}

/* Linux (tlp_in_syn_recv): close() in SYN_RECV after a simultaneous open
 * sends `F. 1:1(0) ack 1` at once; tcp_schedule_loss_probe, which tests no
 * state, arms a probe at min(TCP_TIMEOUT_INIT, the SYN,ACK's RTO): the FIN
 * is resent 1 s after the SYN,ACK (0.9 s after the close), and the SYN,ACK
 * a full RTO after the probe. The RFC profile resends the SYN,ACK only. */
static void test_syn_recv_close_fin_is_probed_before_synack_rexmit_linux(void **state)
{
    struct harness *h = *state;
    h->peer_sack = true;
    h_syn_sent(h);
    h_inject(h, H_S, H_IRS, 0, 0, H_WIN);
    h_expect(h, H_SA, h->iss, H_IRS + 1);
    sim_time_t t_sa = h_last_time(h);
    h_run_for(h, SIM_MS(100));
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_expect(h, H_FA, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    h_run_until_tx(h, t_sa + SIM_S(5));
    if (h_linux(h)) {
        const struct tcp_segment *f = h_expect(h, H_FA, h->iss + 1, H_IRS + 1);
        assert_int_equal(f->retransmit, SEG_REXMIT_TLP);
        assert_int_equal(h_last_time(h), t_sa + SIM_S(1));
        h_run_until_tx(h, t_sa + SIM_S(5));
        h_expect(h, H_SA, h->iss, H_IRS + 1);
        assert_int_equal(h_last_time(h), t_sa + SIM_S(2));
    } else {
        h_expect(h, H_SA, h->iss, H_IRS + 1);
        assert_int_equal(h_last_time(h), t_sa + SIM_S(1));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_syn_recv_close_fin_is_probed_before_synack_rexmit_linux),
        H_TEST_BOTH(test_syn_recv_send_is_queued_until_established),
        H_TEST_BOTH(test_syn_recv_close_sends_fin_and_keeps_retransmitting_syn_ack),
        H_TEST_BOTH(test_syn_recv_open_on_same_tuple_fails),
        H_TEST_BOTH(test_syn_recv_passive_open_on_same_tuple_fails),
        H_TEST_BOTH(test_syn_recv_receive_is_pending_until_text_arrives),
        H_TEST_RFC(test_syn_recv_close_with_pending_send_is_queued_until_established),
        H_TEST_LINUX(test_syn_recv_linux_close_with_pending_send_sends_data_and_fin_at_once),
        H_TEST_BOTH(test_syn_recv_abort_sends_rst_from_snd_nxt),
        H_TEST_BOTH(test_syn_recv_status_reports_syn_recv),
        H_TEST_BOTH(test_syn_recv_unacceptable_seq_draws_ack_reply),
        H_TEST_BOTH(test_syn_recv_rst_outside_window_is_dropped),
        H_TEST_BOTH(test_syn_recv_rst_in_window_not_exact_draws_challenge_ack),
        H_TEST_BOTH(test_syn_recv_passive_rst_returns_to_listen),
        H_TEST_BOTH(test_syn_recv_active_rst_refuses_connection),
        H_TEST_BOTH(test_syn_recv_passive_new_syn_returns_to_listen),
        H_TEST_LINUX(test_syn_recv_linux_duplicate_syn_resends_syn_ack),
        H_TEST_RFC(test_syn_recv_active_syn_draws_challenge_ack),
        H_TEST_LINUX(test_syn_recv_linux_peer_syn_ack_completes_simultaneous_open),
        H_TEST_BOTH(test_syn_recv_simultaneous_open_strict_seq_check_costs_one_exchange),
        H_TEST_BOTH(test_syn_recv_segment_without_ack_is_dropped),
        H_TEST_BOTH(test_syn_recv_passive_acceptable_ack_establishes_and_accepts),
        H_TEST_BOTH(test_syn_recv_active_acceptable_ack_completes_open),
        H_TEST_BOTH(test_syn_recv_unacceptable_ack_draws_rst_from_seg_ack),
        H_TEST_BOTH(test_syn_recv_fin_after_ack_enters_close_wait),
        H_TEST_BOTH(test_syn_recv_syn_ack_retransmitted_with_backoff),
        H_TEST_BOTH(test_syn_recv_active_gives_up_after_syn_retries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
