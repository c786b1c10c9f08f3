/* Tail loss probe (RFC 8985 7) in the linux profile, as Linux's
 * tcp_schedule_loss_probe / tcp_send_loss_probe / tcp_process_tlp_ack:
 * the probe timeout, what the probe sends, one probe per tail, the end of
 * the episode, and no probe in the rfc9293 profile. */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

#define MSS 1000u

/* ESTABLISHED (active), SACK negotiated, MSS 1000, NewReno, IW 10, one RTT
 * sample of `rtt` from the handshake (SRTT = rtt, RTO = 3*rtt or 200 ms). */
static void established(struct harness *h, sim_time_t rtt)
{
    h->local->params.congestion_control = TCP_CC_NEWRENO;
    h->local->params.sack = true;
    h->local->params.initial_cwnd_segments = 10;
    h_syn_sent(h);
    h_run_for(h, rtt);
    struct tcp_segment sa = h_seg(h, H_SA, H_IRS, h->iss + 1, 0, H_WIN);
    sa.opts |= TCP_OPT_MSS | TCP_OPT_SACK_PERM;
    sa.mss = MSS;
    h_inject_seg(h, &sa);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_true(h->sock->sack_ok);
    assert_true(h->sock->srtt >= rtt);
}

/* Writes n*MSS octets; returns the first data sequence number. */
static tcp_seq send_segments(struct harness *h, uint32_t n)
{
    assert_int_equal(sock_send(h->sock, (uint64_t)n * MSS), TS_OK);
    h_consume_all(h);
    return h->iss + 1;
}

static void ack(struct harness *h, tcp_seq a) { h_inject(h, H_A, H_IRS + 1, a, 0, H_WIN); }

static void ack_win(struct harness *h, tcp_seq a, uint16_t win)
{
    h_inject(h, H_A, H_IRS + 1, a, 0, win);
}

/* The next captured segment: its sequence number and why it was sent. */
static const struct tcp_segment *next_seg(struct harness *h, tcp_seq seq, uint32_t why)
{
    assert_true(h_pending(h) > 0);
    const struct tcp_segment *s = &h->segs[h->cursor++];
    assert_int_equal(s->seq, seq);
    assert_int_equal(s->retransmit, why);
    return s;
}

static sim_time_t ms_up(sim_time_t t) { return (t + SIM_MS(1) - 1) / SIM_MS(1) * SIM_MS(1); }

static void test_pto_is_twice_srtt_with_several_segments_out_rfc8985_7_2(void **state)
{
    struct harness *h = *state;
    established(h, SIM_MS(50));
    sim_time_t srtt = h->sock->srtt;
    tcp_seq first = send_segments(h, 4);
    sim_time_t sent = h_now(h);
    assert_int_equal(h->sock->rtx_mode, TCP_RTX_LOSS_PROBE);
    /* 2*SRTT + TCP_TIMEOUT_MIN (2 ms), in 1 ms ticks */
    assert_int_equal(h->sock->rtx_timer.when, sent + ms_up(2 * srtt + SIM_MS(2)));
    sim_time_t t = h_run_until_tx(h, sent + SIM_S(1));
    assert_int_equal(t, sent + ms_up(2 * srtt + SIM_MS(2)));
    next_seg(h, first + 3 * MSS, SEG_REXMIT_TLP);
}

static void test_pto_adds_delayed_ack_allowance_with_one_segment_out_rfc8985_7_2(void **state)
{
    struct harness *h = *state;
    /* SRTT 300 ms: RTO = 3*SRTT = 900 ms, later than 2*SRTT + 200 ms */
    established(h, SIM_MS(300));
    sim_time_t srtt = h->sock->srtt;
    send_segments(h, 1);
    sim_time_t sent = h_now(h);
    assert_int_equal(h->sock->rtx_mode, TCP_RTX_LOSS_PROBE);
    /* Linux: 2*SRTT + tcp_rto_min (the peer may hold its ACK) */
    sim_time_t pto = ms_up(2 * srtt + h->local->params.rto_min);
    assert_true(sent + pto < sent + h->sock->rto);
    assert_int_equal(h->sock->rtx_timer.when, sent + pto);
}

static void test_pto_is_never_later_than_the_rto_rfc8985_7_2(void **state)
{
    struct harness *h = *state;
    /* SRTT 20 ms: RTO 200 ms (tcp_rto_min) < 2*SRTT + 200 ms */
    established(h, SIM_MS(20));
    tcp_seq first = send_segments(h, 1);
    sim_time_t sent = h_now(h);
    sim_time_t rto = h->sock->rto;
    assert_true(ms_up(2 * h->sock->srtt + h->local->params.rto_min) > rto);
    assert_int_equal(h->sock->rtx_mode, TCP_RTX_LOSS_PROBE);
    assert_int_equal(h->sock->rtx_timer.when, sent + rto);
    /* what fires at the RTO's deadline is the probe, then a full RTO */
    assert_int_equal(h_run_until_tx(h, sent + SIM_S(1)), sent + rto);
    next_seg(h, first, SEG_REXMIT_TLP);
    assert_int_not_equal(h->sock->rtx_mode, TCP_RTX_LOSS_PROBE);
    assert_int_equal(h->sock->rtx_timer.when, sent + 2 * rto);
}

static void test_probe_sends_new_data_when_the_window_allows_rfc8985_7_3(void **state)
{
    struct harness *h = *state;
    established(h, SIM_MS(50));
    /* 12 segments written, the initial cwnd lets 10 go */
    assert_int_equal(sock_send(h->sock, 12 * MSS), TS_OK);
    assert_int_equal(h_pending(h), 10);
    h_consume_all(h);
    tcp_seq first = h->iss + 1;
    sim_time_t t = h_run_until_tx(h, h_now(h) + SIM_S(1));
    assert_true(t > 0);
    /* the 11th segment, past the full congestion window, as new data */
    next_seg(h, first + 10 * MSS, SEG_FIRST);
    assert_int_equal(h_pending(h), 0);
    assert_true(h->sock->tlp_active);
    assert_false(h->sock->tlp_retrans);
}

static void test_probe_resends_the_last_segment_without_new_data_rfc8985_7_3(void **state)
{
    struct harness *h = *state;
    established(h, SIM_MS(50));
    tcp_seq first = send_segments(h, 4);
    ack(h, first + MSS); /* the first segment arrives; three still out */
    assert_true(h_run_until_tx(h, h_now(h) + SIM_S(1)) > 0);
    const struct tcp_segment *s = next_seg(h, first + 3 * MSS, SEG_REXMIT_TLP);
    assert_int_equal(s->len, MSS);
    assert_int_equal(h_pending(h), 0);
    assert_true(h->sock->tlp_retrans);
    assert_int_equal(h->sock->tlp_high_seq, first + 4 * MSS);
}

static void test_only_one_probe_per_tail_then_the_rto_rfc8985_7_3(void **state)
{
    struct harness *h = *state;
    established(h, SIM_MS(50));
    tcp_seq first = send_segments(h, 4);
    sim_time_t probe = h_run_until_tx(h, h_now(h) + SIM_S(1));
    next_seg(h, first + 3 * MSS, SEG_REXMIT_TLP);
    /* the RTO runs now, a full RTO from the probe */
    assert_int_not_equal(h->sock->rtx_mode, TCP_RTX_LOSS_PROBE);
    assert_int_equal(h->sock->rtx_timer.when, probe + h->sock->rto);
    /* new data while the probe is out arms no second probe */
    assert_int_equal(sock_send(h->sock, MSS), TS_OK);
    h_consume_all(h);
    assert_int_not_equal(h->sock->rtx_mode, TCP_RTX_LOSS_PROBE);
    sim_time_t rto = h->sock->rto;
    sim_time_t t = h_run_until_tx(h, h_now(h) + SIM_S(5));
    assert_int_equal(t, probe + rto);
    next_seg(h, first, SEG_REXMIT_RTO);
    assert_false(h->sock->tlp_active); /* the RTO ends the episode */
}

static void test_ack_beyond_the_probe_reduces_cwnd_once_rfc8985_7_4(void **state)
{
    struct harness *h = *state;
    established(h, SIM_MS(50));
    tcp_seq first = send_segments(h, 4);
    ack(h, first + 3 * MSS); /* the last segment is lost */
    h_run_until_tx(h, h_now(h) + SIM_S(1));
    next_seg(h, first + 3 * MSS, SEG_REXMIT_TLP);
    uint32_t cwnd = h->sock->cwnd;
    /* the probe's ACK cannot tell which copy arrived: no verdict yet */
    ack(h, first + 4 * MSS);
    assert_true(h->sock->tlp_active);
    assert_true(h->sock->cwnd >= cwnd);
    assert_int_equal(sock_send(h->sock, MSS), TS_OK);
    h_consume_all(h);
    cwnd = h->sock->cwnd;
    ack(h, first + 5 * MSS); /* beyond TLP.end_seq: the probe repaired a loss */
    assert_false(h->sock->tlp_active);
    assert_true(h->sock->cwnd < cwnd);
    assert_int_equal(h->sock->ssthresh, 2 * MSS); /* NewReno: max(FlightSize/2, 2*SMSS) */
}

static void test_duplicate_ack_at_the_probe_ends_the_episode_without_loss_rfc8985_7_4(void **state)
{
    struct harness *h = *state;
    established(h, SIM_MS(50));
    tcp_seq first = send_segments(h, 4);
    ack(h, first + 3 * MSS);
    h_run_until_tx(h, h_now(h) + SIM_S(1));
    next_seg(h, first + 3 * MSS, SEG_REXMIT_TLP);
    ack(h, first + 4 * MSS); /* the original's ACK ... */
    assert_true(h->sock->tlp_active);
    assert_int_equal(sock_send(h->sock, MSS), TS_OK);
    h_consume_all(h);
    ack(h, first + 4 * MSS); /* ... and the probe's: a pure duplicate */
    assert_false(h->sock->tlp_active);
    uint32_t ssthresh = h->sock->ssthresh;
    ack(h, first + 5 * MSS);
    assert_int_equal(h->sock->ssthresh, ssthresh); /* no loss, no reduction */
}

static void test_no_probe_in_fast_recovery_rfc8985_7_2(void **state)
{
    struct harness *h = *state;
    established(h, SIM_MS(50));
    tcp_seq first = send_segments(h, 8);
    struct tcp_segment d = h_seg(h, H_A, H_IRS + 1, first, 0, H_WIN);
    d.opts |= TCP_OPT_SACK;
    d.nsack = 1;
    for (uint32_t k = 2; k <= 4; k++) {
        d.sack[0].start = first + MSS;
        d.sack[0].end = first + k * MSS;
        h_inject_seg(h, &d);
    }
    assert_true(h->sock->in_recovery);
    assert_int_not_equal(h->sock->rtx_mode, TCP_RTX_LOSS_PROBE);
}

static void test_rfc9293_profile_sends_no_probe(void **state)
{
    struct harness *h = *state;
    assert_false(h->local->params.tlp);
    established(h, SIM_MS(50));
    tcp_seq first = send_segments(h, 4);
    assert_int_not_equal(h->sock->rtx_mode, TCP_RTX_LOSS_PROBE);
    sim_time_t sent = h_now(h);
    sim_time_t rto = h->sock->rto;
    sim_time_t t = h_run_until_tx(h, sent + SIM_S(5));
    assert_int_equal(t, sent + rto);
    next_seg(h, first, SEG_REXMIT_RTO);
}

static void test_tlp_false_in_the_linux_profile_sends_no_probe(void **state)
{
    struct harness *h = *state;
    h->local->params.tlp = false;
    established(h, SIM_MS(50));
    tcp_seq first = send_segments(h, 4);
    assert_int_not_equal(h->sock->rtx_mode, TCP_RTX_LOSS_PROBE);
    h_run_until_tx(h, h_now(h) + SIM_S(5));
    next_seg(h, first, SEG_REXMIT_RTO);
}

/* rtx_timer is shared with the persist timer: once an ACK that takes the
 * RFC probe's octet (and re-opens the window) has stopped the timer, the
 * persist episode is over, and the next flight gets its probe again (a
 * stale persist mark made tlp_may_schedule refuse, so a one-segment flight
 * got only the RTO). */
static void test_probe_after_a_persist_episode_ended_by_the_probe_octet_ack(void **state)
{
    struct harness *h = *state;
    h->local->params.tlp = true;
    established(h, SIM_MS(50));
    ack_win(h, h->iss + 1, 0); /* zero window */
    assert_int_equal(sock_send(h->sock, 1), TS_OK);
    h_run_until_tx(h, h_now(h) + SIM_S(10));
    const struct tcp_segment *probe = next_seg(h, h->iss + 1, SEG_PROBE_ZERO_WINDOW);
    assert_int_equal(probe->len, 1);
    ack(h, h->iss + 2); /* took the octet, window open again */
    assert_false(sim_timer_armed(&h->sock->rtx_timer));
    assert_int_not_equal(h->sock->rtx_mode, TCP_RTX_PROBE0);
    assert_false(h->sock->persisting);
    h_consume_all(h);
    assert_int_equal(sock_send(h->sock, MSS), TS_OK);
    assert_int_equal(h->sock->rtx_mode, TCP_RTX_LOSS_PROBE);
    sim_time_t sent = h_now(h);
    h_consume_all(h);
    h_run_until_tx(h, sent + SIM_S(10));
    next_seg(h, h->iss + 2, SEG_REXMIT_TLP);
}

/* Linux: TCP_USER_TIMEOUT counts from the last transmission of the head
 * segment before the first RTO retransmission; a probe that resent the
 * head (one segment out) is that transmission. Recorded on Linux 6.18:
 * send at 500 ms, probe at 916 ms, user timeout 3000 ms: still alive at
 * 3.5 s (3000 ms after the send), ETIMEDOUT only after 3916 ms. */
static void test_user_timeout_counts_from_probe_that_resent_head_linux(void **state)
{
    struct harness *h = *state;
    established(h, SIM_MS(138));
    sock_set_user_timeout(h->sock, SIM_MS(3000));
    tcp_seq first = send_segments(h, 1);
    sim_time_t sent = h_now(h);
    sim_time_t probe = h_run_until_tx(h, sent + SIM_S(2));
    next_seg(h, first, SEG_REXMIT_TLP);
    assert_int_equal(probe - sent, SIM_MS(414)); /* the RTO's deadline, 3*138 ms */
    h_run_until(h, sent + SIM_MS(3000) + SIM_MS(1));
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    h_run_until(h, probe + SIM_MS(3000) - 1);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    h_run_until(h, probe + SIM_MS(3000));
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_err, TS_ETIMEDOUT);
}

/* RFC 8985 6.2 (Linux tcp_recovery = 1): the probe's ACK SACKs the last
 * segment; the three sent before it, a PTO earlier and still missing, are
 * lost, and fast recovery resends the first of them at once instead of
 * waiting for the RTO. With rack off nothing is sent until the RTO. */
static void test_rack_marks_segments_before_delivered_probe_lost_rfc8985_6_2(void **state)
{
    struct harness *h = *state;
    established(h, SIM_MS(50));
    tcp_seq first = send_segments(h, 4);
    h_run_until_tx(h, h_now(h) + SIM_S(1));
    next_seg(h, first + 3 * MSS, SEG_REXMIT_TLP);
    struct tcp_segment d = h_seg(h, H_A, H_IRS + 1, first, 0, H_WIN);
    d.opts |= TCP_OPT_SACK;
    d.nsack = 1;
    d.sack[0].start = first + 3 * MSS;
    d.sack[0].end = first + 4 * MSS;
    h_inject_seg(h, &d);
    assert_true(h->sock->in_recovery);
    assert_true(h_pending(h) > 0);
    next_seg(h, first, SEG_REXMIT_FAST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_LINUX(test_pto_is_twice_srtt_with_several_segments_out_rfc8985_7_2),
        H_TEST_LINUX(test_pto_adds_delayed_ack_allowance_with_one_segment_out_rfc8985_7_2),
        H_TEST_LINUX(test_pto_is_never_later_than_the_rto_rfc8985_7_2),
        H_TEST_LINUX(test_probe_sends_new_data_when_the_window_allows_rfc8985_7_3),
        H_TEST_LINUX(test_probe_resends_the_last_segment_without_new_data_rfc8985_7_3),
        H_TEST_LINUX(test_only_one_probe_per_tail_then_the_rto_rfc8985_7_3),
        H_TEST_LINUX(test_ack_beyond_the_probe_reduces_cwnd_once_rfc8985_7_4),
        H_TEST_LINUX(test_duplicate_ack_at_the_probe_ends_the_episode_without_loss_rfc8985_7_4),
        H_TEST_LINUX(test_no_probe_in_fast_recovery_rfc8985_7_2),
        H_TEST_RFC(test_rfc9293_profile_sends_no_probe),
        H_TEST_RFC(test_probe_after_a_persist_episode_ended_by_the_probe_octet_ack),
        H_TEST_LINUX(test_tlp_false_in_the_linux_profile_sends_no_probe),
        H_TEST_LINUX(test_user_timeout_counts_from_probe_that_resent_head_linux),
        H_TEST_LINUX(test_rack_marks_segments_before_delivered_probe_lost_rfc8985_6_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
