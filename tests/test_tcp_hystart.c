/* HyStart, Linux CUBIC's slow start exit (Ha & Rhee 2011; Linux
 * net/ipv4/tcp_cubic.c hystart_update, bictcp_hystart_reset,
 * cubictcp_acked). Not RFC 9406 HyStart++, which Linux does not implement.
 * The rule tests feed RTT samples to the pkts_acked hook on an established
 * TCB with a fixed cwnd at chosen times (as tcp_input.c would per ACK of new
 * data) and move SND.UNA past the round's end_seq to start a round; one test
 * takes the samples from real ACKs' TSecr. */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

#define MSS 1000u
#define BIG_SSTHRESH (UINT32_MAX / 2)

/* ESTABLISHED (active), MSS 1000, no SACK, CUBIC, the peer using
 * timestamps, cwnd fixed at `segs` segments and still in slow start. */
static struct tcb *established(struct harness *h, uint32_t segs)
{
    h->local->params.congestion_control = TCP_CC_CUBIC;
    h->local->params.sack = false;
    h->peer_ts = true;
    h->peer_tsval = 1;
    h_syn_sent(h);
    struct tcp_segment sa = h_seg(h, H_SA, H_IRS, h->iss + 1, 0, H_WIN);
    sa.opts |= TCP_OPT_MSS;
    sa.mss = MSS;
    h_inject_seg(h, &sa);
    h_consume_all(h);
    struct tcb *t = h->sock;
    assert_int_equal(t->mss, MSS);
    assert_ptr_equal(t->cc, &tcp_cc_cubic);
    t->cwnd = segs * MSS;
    assert_int_equal(t->ssthresh, BIG_SSTHRESH);
    return t;
}

/* The next ACK passes the current round's end_seq (a window later). */
static void next_round(struct tcb *t)
{
    t->snd_una = t->cubic.hy.end_seq + 1;
    t->snd_nxt = t->snd_max = t->snd_una + t->cwnd;
}

/* n ACKs `gap` apart starting `gap` from now, each with RTT sample `rtt`. */
static void acks(struct harness *h, int n, sim_time_t gap, sim_time_t rtt)
{
    for (int i = 0; i < n; i++) {
        h_run_for(h, gap);
        h->sock->cc->pkts_acked(h->sock, rtt);
    }
}

static bool exited(const struct tcb *t)
{
    return t->ssthresh == t->cwnd && t->cubic.hy.found;
}

/* A first round at RTT `base` (ACKs 5 ms apart: no train) sets delay_min;
 * the next round's ACKs carry `later`. Returns whether HyStart exited. */
static bool delay_case(struct harness *h, sim_time_t base, sim_time_t later, int later_acks)
{
    struct tcb *t = h->sock;
    t->ssthresh = BIG_SSTHRESH;
    t->cubic.hy = (struct tcp_hystart){0};
    tcp_hystart_reset(t);
    acks(h, 9, SIM_MS(5), base);
    assert_int_equal(t->cubic.hy.delay_min, base);
    assert_false(t->cubic.hy.found);
    next_round(t);
    acks(h, later_acks, SIM_MS(5), later);
    return exited(t);
}

static void test_delay_increase_exits_slow_start_with_ssthresh_eq_cwnd_hystart_delay(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, 20);
    /* delay_min 100 ms: threshold 100/8 = 12.5 ms. The first 8 samples of
     * the round (HYSTART_MIN_SAMPLES) only feed curr_rtt... */
    assert_false(delay_case(h, SIM_MS(100), SIM_MS(113), 8));
    assert_int_equal(t->cubic.hy.sample_cnt, 8);
    assert_int_equal(t->cubic.hy.curr_rtt, SIM_MS(113));
    /* ... the 9th decides: 113 > 100 + 12.5 */
    acks(h, 1, SIM_MS(5), SIM_MS(113));
    assert_true(exited(t));
    assert_int_equal(t->ssthresh, 20 * MSS);
    /* slow start is over: the next ACK grows cwnd by congestion avoidance */
    tcp_cc_on_ack(t, MSS);
    assert_true(t->cwnd < 21 * MSS);
}

static void test_delay_threshold_is_delay_min_over_8_clamped_to_4_and_16_ms(void **state)
{
    struct harness *h = *state;
    (void)established(h, 20);
    assert_false(delay_case(h, SIM_MS(100), SIM_MS(112), 20)); /* 12 <= 12.5 */
    assert_true(delay_case(h, SIM_MS(100), SIM_MS(113), 9));
    assert_false(delay_case(h, SIM_MS(10), SIM_MS(14), 20)); /* 10/8 -> 4 ms floor */
    assert_true(delay_case(h, SIM_MS(10), SIM_MS(15), 9));
    assert_false(delay_case(h, SIM_MS(200), SIM_MS(216), 20)); /* 25 -> 16 ms cap */
    assert_true(delay_case(h, SIM_MS(200), SIM_MS(217), 9));
}

static void test_no_exit_below_hystart_low_window_of_16_segments(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, 15);
    assert_false(delay_case(h, SIM_MS(100), SIM_MS(150), 30)); /* delay test idle */
    t->srtt = SIM_MS(100);
    next_round(t);
    acks(h, 100, SIM_MS(1), SIM_MS(100)); /* a 100 ms ACK train: idle too */
    assert_false(t->cubic.hy.found);
    assert_int_equal(t->ssthresh, BIG_SSTHRESH);
    t->cwnd = 16 * MSS; /* at hystart_low_window both look */
    assert_true(delay_case(h, SIM_MS(100), SIM_MS(150), 9));
}

static void test_ack_train_exits_after_half_of_delay_min_plus_ack_delay(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, 20);
    acks(h, 9, SIM_MS(5), SIM_MS(40)); /* delay_min 40 ms */
    /* hystart_ack_delay: min(1 ms, 4 * 64 KB at 2 * cwnd / SRTT) = 1 ms;
     * threshold (40 + 1) / 2 = 20.5 ms, halved as Linux does without fq */
    t->srtt = SIM_MS(40);
    next_round(t);
    acks(h, 1, SIM_MS(1), SIM_MS(40)); /* this ACK starts the round */
    sim_time_t start = t->cubic.hy.round_start;
    assert_int_equal(start, h_now(h));
    acks(h, 20, SIM_MS(2), SIM_MS(40)); /* 2 ms apart: hystart_ack_delta_us */
    assert_int_equal(h_now(h) - start, SIM_MS(40));
    assert_true(exited(t));
    /* the same at 20 ms into the train: not yet */
    delay_case(h, SIM_MS(40), SIM_MS(40), 1);
    acks(h, 20, SIM_MS(1), SIM_MS(40));
    assert_int_equal(h_now(h) - t->cubic.hy.round_start, SIM_MS(20));
    assert_false(t->cubic.hy.found);
    acks(h, 1, SIM_US(500), SIM_MS(40)); /* 20.5 ms: not over it */
    assert_false(t->cubic.hy.found);
    acks(h, 1, SIM_US(500), SIM_MS(40)); /* 21 ms > 20.5 ms */
    assert_true(exited(t));
}

static void test_ack_train_broken_by_a_gap_over_2_ms_until_the_next_round(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, 20);
    acks(h, 9, SIM_MS(5), SIM_MS(40));
    t->srtt = SIM_MS(40);
    next_round(t);
    acks(h, 10, SIM_MS(1), SIM_MS(40));
    acks(h, 1, SIM_US(2001), SIM_MS(40));  /* the train breaks */
    acks(h, 40, SIM_MS(1), SIM_MS(40));    /* close again, but last_ack stays behind */
    assert_false(t->cubic.hy.found);
    next_round(t); /* bictcp_hystart_reset: last_ack = now */
    acks(h, 30, SIM_MS(1), SIM_MS(40));
    assert_true(exited(t));
}

static void test_round_restarts_when_snd_una_passes_end_seq_bictcp_hystart_reset(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, 20);
    struct tcp_hystart *hy = &t->cubic.hy;
    assert_int_equal(hy->end_seq, t->snd_max); /* cubictcp_init starts round 1 */
    acks(h, 5, SIM_MS(5), SIM_MS(60));
    assert_int_equal(hy->sample_cnt, 5);
    t->snd_una = hy->end_seq; /* reaching end_seq is not passing it */
    t->snd_nxt = t->snd_max = t->snd_una + t->cwnd;
    acks(h, 1, SIM_MS(5), SIM_MS(70));
    assert_int_equal(hy->sample_cnt, 6);
    assert_int_equal(hy->curr_rtt, SIM_MS(60));
    t->snd_una = hy->end_seq + 1;
    acks(h, 1, SIM_MS(5), SIM_MS(70));
    assert_int_equal(hy->round_start, h_now(h));
    assert_int_equal(hy->last_ack, h_now(h));
    assert_int_equal(hy->end_seq, t->snd_max); /* the highest sequence sent */
    assert_int_equal(hy->sample_cnt, 1);       /* this sample, in a fresh round */
    assert_int_equal(hy->curr_rtt, SIM_MS(70));
    assert_int_equal(hy->delay_min, SIM_MS(60)); /* delay_min lives on */
}

static void test_hystart_false_keeps_plain_slow_start(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, 20);
    h->local->params.hystart = false;
    assert_false(delay_case(h, SIM_MS(100), SIM_MS(150), 30));
    t->srtt = SIM_MS(100);
    next_round(t);
    acks(h, 100, SIM_MS(1), SIM_MS(100));
    assert_int_equal(t->ssthresh, BIG_SSTHRESH);
    tcp_cc_on_ack(t, MSS);
    assert_int_equal(t->cwnd, 21 * MSS); /* still one SMSS per ACK */
}

static void test_hystart_defaults_on_in_linux_off_in_rfc9293_profile(void **state)
{
    struct harness *h = *state;
    assert_int_equal(h->local->params.hystart, h_linux(h));
}

static void test_rto_forgets_delay_min_and_the_exit_cubictcp_state_loss(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, 20);
    assert_true(delay_case(h, SIM_MS(100), SIM_MS(150), 9));
    next_round(t);
    tcp_cc_on_timeout(t);
    assert_false(t->cubic.hy.found);
    assert_int_equal(t->cubic.hy.delay_min, 0);
    assert_int_equal(t->cubic.hy.end_seq, t->snd_max);
    assert_int_equal(t->cubic.hy.round_start, h_now(h));
}

static void test_samples_within_1_s_of_a_cubic_epoch_are_discarded(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, 20);
    acks(h, 1, SIM_MS(5), SIM_MS(100));
    t->cubic.epoch_start = h_now(h); /* congestion avoidance just began */
    acks(h, 1, SIM_MS(999), SIM_MS(50));
    assert_int_equal(t->cubic.hy.delay_min, SIM_MS(100));
    acks(h, 1, SIM_MS(1), SIM_MS(50));
    assert_int_equal(t->cubic.hy.delay_min, SIM_MS(50));
}

/* Real segments: the RTT of each ACK of new data is the age of the TSval it
 * echoes (1 ms clock); an ACK without timestamps gives none. */
static void test_each_acks_rtt_sample_is_the_age_of_its_tsecr(void **state)
{
    struct harness *h = *state;
    struct tcb *t = established(h, 10);
    assert_true(t->ts_ok);
    tcp_seq first = h->iss + 1;
    assert_int_equal(sock_send(t, 4 * MSS), TS_OK);
    assert_int_equal(h_pending(h), 4);
    assert_int_equal(h->segs[h->cursor].seq, first);
    uint32_t ts1 = h->segs[h->cursor].tsval;
    h_consume_all(h);
    h_run_for(h, SIM_MS(37));
    struct tcp_segment ack = h_seg(h, H_A, H_IRS + 1, first + MSS, 0, H_WIN);
    ack.tsecr = ts1;
    h_inject_seg(h, &ack);
    assert_int_equal(t->cubic.hy.delay_min, SIM_MS(37));
    h_run_for(h, SIM_MS(10));
    ack = h_seg(h, H_A, H_IRS + 1, first + 2 * MSS, 0, H_WIN);
    ack.opts &= (uint8_t)~TCP_OPT_TS; /* no sample: delay_min stays */
    h_inject_seg(h, &ack);
    assert_int_equal(t->snd_una, first + 2 * MSS);
    assert_int_equal(t->cubic.hy.delay_min, SIM_MS(37));
    ack = h_seg(h, H_A, H_IRS + 1, first + 3 * MSS, 0, H_WIN);
    ack.tsecr = ts1; /* now 47 ms old */
    h_inject_seg(h, &ack);
    assert_int_equal(t->cubic.hy.sample_cnt, 0); /* cwnd < 16: only delay_min */
    assert_int_equal(t->cubic.hy.delay_min, SIM_MS(37));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_LINUX(test_delay_increase_exits_slow_start_with_ssthresh_eq_cwnd_hystart_delay),
        H_TEST_LINUX(test_delay_threshold_is_delay_min_over_8_clamped_to_4_and_16_ms),
        H_TEST_LINUX(test_no_exit_below_hystart_low_window_of_16_segments),
        H_TEST_LINUX(test_ack_train_exits_after_half_of_delay_min_plus_ack_delay),
        H_TEST_LINUX(test_ack_train_broken_by_a_gap_over_2_ms_until_the_next_round),
        H_TEST_LINUX(test_round_restarts_when_snd_una_passes_end_seq_bictcp_hystart_reset),
        H_TEST_LINUX(test_hystart_false_keeps_plain_slow_start),
        H_TEST_BOTH(test_hystart_defaults_on_in_linux_off_in_rfc9293_profile),
        H_TEST_LINUX(test_rto_forgets_delay_min_and_the_exit_cubictcp_state_loss),
        H_TEST_LINUX(test_samples_within_1_s_of_a_cubic_epoch_are_discarded),
        H_TEST_LINUX(test_each_acks_rtt_sample_is_the_age_of_its_tsecr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
