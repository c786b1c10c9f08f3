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

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_ack_after_rto_carries_highest_seq_sent),
        H_TEST_BOTH(test_rst_after_rto_carries_highest_seq_sent),
        H_TEST_BOTH(test_ack_at_right_window_edge_is_acceptable_and_processed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
