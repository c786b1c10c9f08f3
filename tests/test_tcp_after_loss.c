/* Rules that only show after a lost segment: what SEQ a segment without
 * data carries once go-back-N has rewound SND.NXT (RFC 9293 3.10.7.4,
 * BSD snd_max), the acceptability of such a segment at the receiver, and
 * the other state-machine paths random loss found stuck (issue 10). */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

/* Sends two full segments and lets the retransmission timer fire once:
 * SND.NXT is rewound to SND.UNA, the highest sequence sent is iss+1+2*MSS. */
static uint32_t h_send_two_and_time_out(struct harness *h)
{
    h_established(h);
    uint32_t mss = h->sock->mss;
    assert_int_equal(sock_send(h->sock, 2 * mss), TS_OK);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect(h, H_PA, h->iss + 1 + mss, H_IRS + 1);
    assert_true(h_run_until_tx(h, SIM_S(10)) > 0);
    const struct tcp_segment *r = h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    assert_int_equal(r->retransmit, SEG_REXMIT_RTO);
    h_expect_none(h);
    return 2 * mss;
}

/* RFC 9293 3.10.7.4 / BSD tcp_output: an ACK-reply after an RTO carries
 * SEQ = the highest sequence sent, not the rewound SND.NXT; below the
 * peer's RCV.NXT it would be unacceptable and draw another ACK-reply. */
static void test_ack_after_rto_carries_highest_seq_sent(void **state)
{
    struct harness *h = *state;
    uint32_t sent = h_send_two_and_time_out(h);
    h_inject(h, H_A, H_IRS + 1 + 10 * H_WIN, h->iss + 1, 0, H_WIN); /* out of window */
    h_expect(h, H_A, h->iss + 1 + sent, H_IRS + 1);
    h_expect_none(h);
}

/* RFC 9293 3.10.5 ABORT after an RTO: the RST carries the highest sequence
 * sent, inside the peer's window (RFC 5961 3.2), not the rewound SND.NXT. */
static void test_rst_after_rto_carries_highest_seq_sent(void **state)
{
    struct harness *h = *state;
    uint32_t sent = h_send_two_and_time_out(h);
    assert_int_equal(sock_abort(h->sock), TS_OK);
    h_expect(h, h_linux(h) ? H_RA : H_R, h->iss + 1 + sent, H_IRS + 1);
    h_expect_none(h);
}

/* RFC 9293 3.10.7.4 Table 6 with the allowance for valid ACKs (BSD
 * todrop, Linux tcp_sequence): a zero-length segment whose SEQ is the
 * window's right edge (the peer sent the whole window and all of it was
 * lost) is acceptable, and its ACK field is processed. */
static void test_ack_at_right_window_edge_is_acceptable_and_processed(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_expect(h, H_PA, h->iss + 1, H_IRS + 1);
    uint32_t wnd = h->sock->rcv_adv - h->sock->rcv_nxt;
    assert_true(wnd > 0);
    h_inject(h, H_A, H_IRS + 1 + wnd, h->iss + 101, 0, H_WIN);
    h_expect_none(h); /* no ACK-reply: it was acceptable */
    assert_int_equal(h->sock->snd_una, h->iss + 101);
    h_run_for(h, SIM_S(10));
    h_expect_none(h); /* the data was acknowledged: no retransmission */
}

/* The peer ACKs everything sent, once per round, until our FIN has gone
 * and is acknowledged; returns the rounds it took, or -1 if output stopped
 * with data or the FIN still unsent. */
static int h_ack_everything_until_fin_acked(struct harness *h, tcp_seq peer_nxt)
{
    for (int round = 1; round < 200; round++) {
        bool fin = false;
        if (h_pending(h) == 0)
            return -1;
        while (h_pending(h) > 0)
            fin |= (h->segs[h->cursor++].flags & TCP_FIN) != 0;
        h_inject(h, H_A, peer_nxt, h->sock->snd_max, 0, H_WIN);
        if (fin)
            return round;
    }
    return -1;
}

/* Sends 20 segments' worth and shuts down writing: FIN-WAIT-1 at once,
 * the FIN queued behind the data the congestion window holds back
 * (RFC 9293 3.10.4 CLOSE: "queue this until all preceding SENDs have been
 * segmentized"). */
static void h_fin_wait1_with_queued_data(struct harness *h)
{
    h_established(h);
    assert_int_equal(sock_send(h->sock, 20 * h->sock->mss), TS_OK);
    assert_int_equal(sock_shutdown(h->sock, 2), TS_OK);
    assert_int_equal(h_state(h), TCP_FIN_WAIT1);
    assert_false(h->sock->fin_sent);
}

/* RFC 9293 3.10.7.4 fifth check in CLOSING: the ESTABLISHED processing
 * first, so an ACK that opens the window sends the queued data and then
 * the FIN, whose ACK enters TIME-WAIT. */
static void test_closing_with_queued_data_acks_trigger_output_until_fin(void **state)
{
    struct harness *h = *state;
    h_fin_wait1_with_queued_data(h);
    size_t before = h_pending(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 1, 0, H_WIN); /* the peer's FIN, ACKs nothing */
    assert_int_equal(h_state(h), TCP_CLOSING);
    assert_true(h_pending(h) > before); /* its ACK */
    assert_true(h_ack_everything_until_fin_acked(h, H_IRS + 2) > 0);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
}

/* The same when the peer's FIN itself acknowledges everything in flight:
 * that ACK must send the next data at once (nothing else is left in
 * flight to bring another ACK, and the retransmission timer stopped). */
static void test_fin_wait1_fin_acking_all_in_flight_sends_queued_data(void **state)
{
    struct harness *h = *state;
    h_fin_wait1_with_queued_data(h);
    h_consume_all(h);
    h_inject(h, H_FA, H_IRS + 1, h->sock->snd_max, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_CLOSING);
    assert_true(h_pending(h) > 1); /* the ACK of the FIN and new data */
    assert_true(h_ack_everything_until_fin_acked(h, H_IRS + 2) > 0);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
}

/* The same in LAST-ACK: CLOSE in CLOSE-WAIT with data still queued. */
static void test_last_ack_with_queued_data_acks_trigger_output_until_fin(void **state)
{
    struct harness *h = *state;
    h_close_wait(h);
    assert_int_equal(sock_send(h->sock, 20 * h->sock->mss), TS_OK);
    assert_int_equal(sock_shutdown(h->sock, 2), TS_OK);
    assert_int_equal(h_state(h), TCP_LAST_ACK);
    assert_false(h->sock->fin_sent);
    assert_true(h_ack_everything_until_fin_acked(h, H_IRS + 2) > 0);
    assert_int_equal(h_state(h), TCP_CLOSED);
}

/* The same in FIN-WAIT-1: the FIN follows the data, its ACK enters
 * FIN-WAIT-2. */
static void test_fin_wait1_with_queued_data_acks_trigger_output_until_fin(void **state)
{
    struct harness *h = *state;
    h_fin_wait1_with_queued_data(h);
    assert_true(h_ack_everything_until_fin_acked(h, H_IRS + 1) > 0);
    assert_int_equal(h_state(h), TCP_FIN_WAIT2);
}

/* RFC 6298 (5.1) in CLOSING: a lost segment of the queued data is still
 * retransmitted when the timer expires. */
static void test_closing_with_queued_data_keeps_retransmission_timer(void **state)
{
    struct harness *h = *state;
    h_fin_wait1_with_queued_data(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 1, 0, H_WIN);
    h_consume_all(h);
    h_inject(h, H_A, H_IRS + 2, h->iss + 1 + h->sock->mss, 0, H_WIN); /* 1 segment ACKed */
    assert_true(h_pending(h) > 0); /* new data went out */
    h_consume_all(h);
    tcp_seq una = h->sock->snd_una;
    assert_true(h_run_until_tx(h, SIM_S(100)) > 0);
    const struct tcp_segment *r = &h->segs[h->cursor];
    assert_int_equal(r->seq, una);
    assert_int_equal(r->retransmit, SEG_REXMIT_RTO);
}

/* RFC 9293 3.10.7.4: a data+FIN segment resent after its data arrived
 * (SEG.SEQ + text length == RCV.NXT, the FIN at RCV.NXT) is acceptable;
 * the first check trims the old text, the eighth step takes the FIN. */
static void test_fin_resent_with_old_data_is_processed(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 10, H_WIN);
    h_consume_all(h);
    h_inject(h, H_FA | TCP_PSH, H_IRS + 1, h->iss + 1, 10, H_WIN);
    assert_int_equal(h_state(h), TCP_CLOSE_WAIT);
    h_run_for(h, SIM_S(1)); /* the ACK of a FIN may be delayed */
    h_expect(h, H_A, h->iss + 1, H_IRS + 12);
    h_expect_none(h);
}

/* The same in FIN-WAIT-2: the resent FIN completes the close. */
static void test_fin_resent_with_old_data_in_fin_wait2_enters_time_wait(void **state)
{
    struct harness *h = *state;
    h_fin_wait2(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 2, 10, H_WIN);
    h_run_for(h, SIM_S(1));
    h_consume_all(h);
    h_inject(h, H_FA | TCP_PSH, H_IRS + 1, h->iss + 2, 10, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 12);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_ack_after_rto_carries_highest_seq_sent),
        H_TEST_BOTH(test_rst_after_rto_carries_highest_seq_sent),
        H_TEST_BOTH(test_ack_at_right_window_edge_is_acceptable_and_processed),
        H_TEST_BOTH(test_closing_with_queued_data_acks_trigger_output_until_fin),
        H_TEST_BOTH(test_fin_wait1_fin_acking_all_in_flight_sends_queued_data),
        H_TEST_BOTH(test_last_ack_with_queued_data_acks_trigger_output_until_fin),
        H_TEST_BOTH(test_fin_wait1_with_queued_data_acks_trigger_output_until_fin),
        H_TEST_BOTH(test_closing_with_queued_data_keeps_retransmission_timer),
        H_TEST_BOTH(test_fin_resent_with_old_data_is_processed),
        H_TEST_BOTH(test_fin_resent_with_old_data_in_fin_wait2_enters_time_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
