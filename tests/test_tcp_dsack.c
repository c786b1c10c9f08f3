/* RFC 2883 D-SACK (Linux tcp_dsack = 1): the receiver reports duplicates
 * as the first SACK block of its ACK; the sender reads them (a D-SACK-only
 * ACK is no duplicate ACK; a D-SACK of a tail loss probe means no loss). */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

/* The ACK `a` carries exactly the D-SACK [s, e) first (linux), or no SACK
 * at all (rfc9293: sack and dsack off). */
static void h_assert_dsack(const struct harness *h, const struct tcp_segment *a, tcp_seq s,
                           tcp_seq e)
{
    if (!h_linux(h)) {
        assert_int_equal(a->nsack, 0);
        return;
    }
    assert_true(a->opts & TCP_OPT_SACK);
    assert_true(a->nsack >= 1);
    assert_int_equal(a->sack[0].start, s);
    assert_int_equal(a->sack[0].end, e);
}

/* A duplicate data segment is ACKed with a SACK block covering it,
 * `sack 1:101` (tcp_send_dupack / tcp_data_queue: tcp_dsack_set). */
static void test_duplicate_data_is_acked_with_dsack_linux(void **state)
{
    struct harness *h = *state;
    h->peer_sack = true;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 100, H_WIN);
    h_run_for(h, SIM_S(1));
    h_consume_all(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 100, H_WIN);
    const struct tcp_segment *a = h_expect(h, H_A, h->iss + 1, H_IRS + 101);
    h_assert_dsack(h, a, H_IRS + 1, H_IRS + 101);
    h_expect_none(h);
    /* reported once: the next ACK has no D-SACK */
    h_inject(h, H_PA, H_IRS + 101, h->iss + 1, 100, H_WIN);
    h_run_for(h, SIM_S(1));
    a = h_expect(h, H_A, h->iss + 1, H_IRS + 201);
    assert_int_equal(a->nsack, 0);
}

/* A retransmitted FIN in CLOSE_WAIT: `sack 1:2`. */
static void test_retransmitted_fin_is_acked_with_dsack_linux(void **state)
{
    struct harness *h = *state;
    h->peer_sack = true;
    h_close_wait(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 1, 0, H_WIN);
    const struct tcp_segment *a = h_expect(h, H_A, h->iss + 1, H_IRS + 2);
    h_assert_dsack(h, a, H_IRS + 1, H_IRS + 2);
}

/* The ACK completing a simultaneous open reports the peer's SYN,ACK's SYN
 * as a duplicate: `sack 0:1`. */
static void test_simultaneous_open_ack_dsacks_the_syn_linux(void **state)
{
    struct harness *h = *state;
    h->peer_sack = true;
    h_syn_recv_active(h);
    h_inject(h, H_SA, H_IRS, h->iss + 1, 0, H_WIN);
    if (!h_linux(h))
        return; /* R-SYNRCVD-15: the RFC profile answers differently */
    const struct tcp_segment *a = h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_assert_dsack(h, a, H_IRS, H_IRS + 1);
}

/* Linux FLAG_DSACKING_ACK: ACKs that only report a duplicate are not
 * duplicate ACKs, so three of them start no fast retransmit. */
static void test_dsack_only_acks_are_not_duplicate_acks_linux(void **state)
{
    struct harness *h = *state;
    h->peer_sack = true;
    h_established(h);
    assert_int_equal(sock_send(h->sock, 5 * 1460), TS_OK);
    h_consume_all(h);
    for (int i = 0; i < 3; i++) {
        struct tcp_segment a = h_seg(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
        a.opts |= TCP_OPT_SACK;
        a.nsack = 1;
        a.sack[0].start = h->iss;
        a.sack[0].end = h->iss + 1;
        h_inject_seg(h, &a);
    }
    if (h_linux(h))
        assert_int_equal(h_pending(h), 0);
    else
        assert_true(h_pending(h) > 0); /* rfc9293 (no dsack): fast retransmit */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_duplicate_data_is_acked_with_dsack_linux),
        H_TEST_BOTH(test_retransmitted_fin_is_acked_with_dsack_linux),
        H_TEST_BOTH(test_simultaneous_open_ack_dsacks_the_syn_linux),
        H_TEST_BOTH(test_dsack_only_acks_are_not_duplicate_acks_linux),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
