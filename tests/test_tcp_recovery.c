/* Loss recovery: what counts as a duplicate ACK (RFC 5681 2), NewReno's
 * phases (RFC 5681 3.1-3.2, RFC 6582 3.2), the RTO's loss window (RFC 5681
 * 3.1, RFC 6298 5), SACK blocks from the receiver (RFC 2018 4), the
 * sender's scoreboard (RFC 6675), and, over whole lossy transfers, that
 * every segment carries the bytes its sequence number names. */
#include "cmocka_wrap.h"
#include "tcp_harness.h"
#include "tcpsim/tcp_host.h"

#include <stdlib.h>
#include <string.h>

#define MSS 1000u

/* ESTABLISHED (active) with a peer whose SYN,ACK offers MSS 1000 and, if
 * `sack`, SACK-permitted; our initial window is 10 segments. NewReno in
 * both profiles: these tests check its arithmetic (CUBIC's is in
 * test_tcp_cubic.c). */
static void h_established_mss(struct harness *h, bool sack)
{
    h->local->params.congestion_control = TCP_CC_NEWRENO;
    h->local->params.sack = sack;
    h->local->params.initial_cwnd_segments = 10;
    h_syn_sent(h);
    struct tcp_segment sa = h_seg(h, H_SA, H_IRS, h->iss + 1, 0, H_WIN);
    sa.opts |= TCP_OPT_MSS | (sack ? TCP_OPT_SACK_PERM : 0);
    sa.mss = MSS;
    h_inject_seg(h, &sa);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(h->sock->mss, MSS);
    assert_int_equal(h->sock->sack_ok, sack);
}

/* Sends n full segments; returns the first data sequence number. */
static tcp_seq send_segments(struct harness *h, uint32_t n)
{
    tcp_seq first = h->iss + 1;
    assert_int_equal(sock_send(h->sock, (uint64_t)n * MSS), TS_OK);
    assert_int_equal(h_pending(h), n);
    h_consume_all(h);
    return first;
}

static void ack(struct harness *h, tcp_seq a, uint16_t win)
{
    h_inject(h, H_A, H_IRS + 1, a, 0, win);
}

/* An ACK of `a` carrying SACK blocks (pairs of start, end). */
static void ack_sack(struct harness *h, tcp_seq a, const tcp_seq *blocks, uint8_t n)
{
    struct tcp_segment s = h_seg(h, H_A, H_IRS + 1, a, 0, H_WIN);
    s.opts |= TCP_OPT_SACK;
    s.nsack = n;
    for (uint8_t i = 0; i < n; i++) {
        s.sack[i].start = blocks[2 * i];
        s.sack[i].end = blocks[2 * i + 1];
    }
    h_inject_seg(h, &s);
}

static const struct tcp_segment *expect_rexmit(struct harness *h, tcp_seq seq, uint32_t why)
{
    assert_true(h_pending(h) > 0);
    const struct tcp_segment *s = &h->segs[h->cursor++];
    assert_int_equal(s->seq, seq);
    assert_int_equal(s->len, MSS);
    assert_int_equal(s->retransmit, why);
    return s;
}

/* ---- duplicate ACKs (RFC 5681 2) ------------------------------------------ */

static void test_third_duplicate_ack_triggers_fast_retransmit(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, false);
    tcp_seq i = send_segments(h, 8);
    ack(h, i, H_WIN);
    ack(h, i, H_WIN);
    h_expect_none(h);
    assert_int_equal(h->sock->dupacks, 2);
    ack(h, i, H_WIN);
    expect_rexmit(h, i, SEG_REXMIT_FAST);
    assert_true(h->sock->in_recovery);
}

static void test_ack_carrying_data_is_not_a_duplicate(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, false);
    tcp_seq i = send_segments(h, 8);
    ack(h, i, H_WIN);
    ack(h, i, H_WIN);
    h_inject(h, H_PA, H_IRS + 1, i, 10, H_WIN); /* (b): carries data */
    assert_int_equal(h->sock->dupacks, 2);
    assert_false(h->sock->in_recovery);
}

static void test_ack_changing_the_window_is_not_a_duplicate(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, false);
    tcp_seq i = send_segments(h, 8);
    ack(h, i, H_WIN);
    ack(h, i, H_WIN);
    ack(h, i, H_WIN - 1); /* (e): a window update */
    assert_int_equal(h->sock->dupacks, 2);
    h_expect_none(h);
    ack(h, i, H_WIN - 1); /* same window as the last one: counts */
    expect_rexmit(h, i, SEG_REXMIT_FAST);
}

static void test_ack_with_nothing_outstanding_is_not_a_duplicate(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, false);
    tcp_seq i = send_segments(h, 2);
    ack(h, i + 2 * MSS, H_WIN);
    for (int k = 0; k < 3; k++)
        ack(h, i + 2 * MSS, H_WIN); /* (a): no outstanding data */
    assert_int_equal(h->sock->dupacks, 0);
    h_expect_none(h);
}

/* ---- NewReno (RFC 5681, RFC 6582) ------------------------------------------ */

static void test_slow_start_until_ssthresh_then_congestion_avoidance(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, false);
    struct tcb *t = h->sock;
    t->cwnd = 3 * MSS; /* the arithmetic alone: RFC 5681 3.1 */
    t->ssthresh = 5 * MSS;
    tcp_cc_on_ack(t, MSS);
    assert_int_equal(t->cwnd, 4 * MSS); /* slow start: +1 SMSS per ACK */
    tcp_cc_on_ack(t, MSS);
    assert_int_equal(t->cwnd, 5 * MSS); /* reached ssthresh: CA from here */
    for (int k = 0; k < 4; k++)
        tcp_cc_on_ack(t, MSS);
    assert_int_equal(t->cwnd, 5 * MSS); /* +1 SMSS per cwnd of data */
    tcp_cc_on_ack(t, MSS);
    assert_int_equal(t->cwnd, 6 * MSS);
}

static void test_fast_retransmit_sets_ssthresh_to_half_the_flight(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, false);
    tcp_seq i = send_segments(h, 8);
    for (int k = 0; k < 3; k++)
        ack(h, i, H_WIN);
    expect_rexmit(h, i, SEG_REXMIT_FAST);
    assert_int_equal(h->sock->ssthresh, 4 * MSS);              /* FlightSize / 2 */
    assert_int_equal(h->sock->cwnd, 4 * MSS + 3 * MSS);        /* + 3*SMSS */
    assert_int_equal(h->sock->recover, i + 8 * MSS);            /* RFC 6582 recover */
    ack(h, i, H_WIN);
    assert_int_equal(h->sock->cwnd, 8 * MSS); /* inflated per further dup ACK */
}

static void test_fast_retransmit_ssthresh_is_at_least_two_segments(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, false);
    tcp_seq i = send_segments(h, 3);
    for (int k = 0; k < 3; k++)
        ack(h, i, H_WIN);
    expect_rexmit(h, i, SEG_REXMIT_FAST);
    assert_int_equal(h->sock->ssthresh, 2 * MSS); /* max(1500, 2*SMSS) */
}

static void test_partial_ack_retransmits_next_hole_and_deflates(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, false);
    tcp_seq i = send_segments(h, 8);
    for (int k = 0; k < 3; k++)
        ack(h, i, H_WIN);
    expect_rexmit(h, i, SEG_REXMIT_FAST);
    ack(h, i + 2 * MSS, H_WIN); /* partial: below recover */
    expect_rexmit(h, i + 2 * MSS, SEG_REXMIT_FAST);
    assert_true(h->sock->in_recovery);
    /* RFC 6582 3.2 (5): cwnd - acked + SMSS */
    assert_int_equal(h->sock->cwnd, 7 * MSS - 2 * MSS + MSS);
}

static void test_full_ack_ends_recovery_with_deflated_cwnd(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, false);
    tcp_seq i = send_segments(h, 8);
    for (int k = 0; k < 3; k++)
        ack(h, i, H_WIN);
    expect_rexmit(h, i, SEG_REXMIT_FAST);
    ack(h, i + 8 * MSS, H_WIN); /* covers recover */
    assert_false(h->sock->in_recovery);
    /* min(ssthresh, max(FlightSize, SMSS) + SMSS) with nothing in flight */
    assert_int_equal(h->sock->cwnd, 2 * MSS);
    assert_int_equal(h->sock->ssthresh, 4 * MSS);
}

static void test_rto_collapses_cwnd_to_the_loss_window(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, false);
    tcp_seq i = send_segments(h, 8);
    assert_true(h_run_until_tx(h, h_now(h) + SIM_S(10)) > 0);
    expect_rexmit(h, i, SEG_REXMIT_RTO);
    h_expect_none(h);                              /* one segment only */
    assert_int_equal(h->sock->cwnd, MSS);          /* RFC 5681 3.1 loss window */
    assert_int_equal(h->sock->ssthresh, 4 * MSS);  /* (4) */
    ack(h, i + MSS, H_WIN);                        /* go back N from there */
    assert_int_equal(h->sock->cwnd, 2 * MSS);
    assert_int_equal(h_pending(h), 2);
    assert_int_equal(h->segs[h->cursor].seq, i + MSS);
    assert_int_equal(h->segs[h->cursor + 1].seq, i + 2 * MSS);
}

/* ---- SACK blocks (RFC 2018) ----------------------------------------------- */

static void data(struct harness *h, uint32_t rel, uint32_t len)
{
    h_inject(h, H_A, H_IRS + 1 + rel, h->iss + 1, len, H_WIN);
}

static void expect_blocks(struct harness *h, tcp_seq ackno, const uint32_t *rel, uint8_t n)
{
    const struct tcp_segment *a = h_expect(h, H_A, h->iss + 1, ackno);
    assert_int_equal(a->nsack, n);
    assert_int_equal(!!(a->opts & TCP_OPT_SACK), n > 0);
    for (uint8_t k = 0; k < n; k++) {
        assert_int_equal(a->sack[k].start, H_IRS + 1 + rel[2 * k]);
        assert_int_equal(a->sack[k].end, H_IRS + 1 + rel[2 * k + 1]);
    }
}

static void test_sack_blocks_list_the_most_recent_first(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, true);
    data(h, 1000, 1000);
    expect_blocks(h, H_IRS + 1, (const uint32_t[]){1000, 2000}, 1);
    data(h, 3000, 1000);
    expect_blocks(h, H_IRS + 1, (const uint32_t[]){3000, 4000, 1000, 2000}, 2);
    data(h, 2000, 1000); /* joins both: one block, reported first */
    expect_blocks(h, H_IRS + 1, (const uint32_t[]){1000, 4000}, 1);
    data(h, 5000, 1000);
    expect_blocks(h, H_IRS + 1, (const uint32_t[]){5000, 6000, 1000, 4000}, 2);
    data(h, 1000, 1000); /* a duplicate refreshes its block's place */
    if (h->local->params.dsack) /* RFC 2883 4: the duplicate, then its block */
        expect_blocks(h, H_IRS + 1, (const uint32_t[]){1000, 2000, 1000, 4000, 5000, 6000}, 3);
    else
        expect_blocks(h, H_IRS + 1, (const uint32_t[]){1000, 4000, 5000, 6000}, 2);
    data(h, 0, 1000); /* fills the hole: only what is still out of order */
    expect_blocks(h, H_IRS + 4001, (const uint32_t[]){5000, 6000}, 1);
}

static void test_sack_carries_four_blocks_or_three_beside_timestamps(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, true);
    for (uint32_t k = 1; k <= 5; k++)
        data(h, 2000 * k, 1000);
    h->cursor = h->nsegs - 1;
    expect_blocks(h, H_IRS + 1,
                  (const uint32_t[]){10000, 11000, 8000, 9000, 6000, 7000, 4000, 5000}, 4);
    h->sock->ts_ok = true; /* as if both SYNs had carried timestamps */
    data(h, 12000, 1000);
    expect_blocks(h, H_IRS + 1, (const uint32_t[]){12000, 13000, 10000, 11000, 8000, 9000},
                  3);
}

static void test_no_sack_blocks_unless_negotiated(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, false);
    data(h, 1000, 1000);
    expect_blocks(h, H_IRS + 1, NULL, 0);
}

/* ---- the scoreboard (RFC 6675) --------------------------------------------- */

static void test_sack_recovery_retransmits_only_the_holes(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, true);
    tcp_seq i = send_segments(h, 10);
    ack_sack(h, i, (const tcp_seq[]){i + MSS, i + 2 * MSS}, 1);
    ack_sack(h, i, (const tcp_seq[]){i + MSS, i + 3 * MSS}, 1);
    h_expect_none(h);
    ack_sack(h, i, (const tcp_seq[]){i + MSS, i + 4 * MSS}, 1);
    expect_rexmit(h, i, SEG_REXMIT_FAST); /* the hole, and nothing SACKed */
    h_expect_none(h);
    assert_true(h->sock->in_recovery);
    assert_int_equal(h->sock->cwnd, 5 * MSS); /* RFC 6675: cwnd = ssthresh */
    /* A second hole at 4000..5000, with 5 segments SACKed above it. */
    ack_sack(h, i, (const tcp_seq[]){i + 5 * MSS, i + 10 * MSS, i + MSS, i + 4 * MSS}, 2);
    expect_rexmit(h, i + 4 * MSS, SEG_REXMIT_FAST);
    h_expect_none(h); /* every other octet is SACKed or already resent */
    ack(h, i + 10 * MSS, H_WIN);
    assert_false(h->sock->in_recovery);
    assert_null(h->sock->sb); /* freed when recovery ends */
}

static void test_rto_keeps_sacked_data_and_skips_it_going_back_n(void **state)
{
    struct harness *h = *state;
    h_established_mss(h, true);
    tcp_seq i = send_segments(h, 10);
    /* Two segments SACKed: not enough to call anything lost. */
    ack_sack(h, i, (const tcp_seq[]){i + 8 * MSS, i + 10 * MSS}, 1);
    h_expect_none(h);
    assert_true(h_run_until_tx(h, h_now(h) + SIM_S(10)) > 0);
    expect_rexmit(h, i, SEG_REXMIT_RTO);
    h_expect_none(h);
    for (tcp_seq a = i + MSS; seq_le(a, i + 8 * MSS); a += MSS)
        ack(h, a, H_WIN);
    /* Everything unSACKed went again; the SACKed 8000..10000 never did. */
    for (size_t k = 0; k < h->nsegs; k++) {
        const struct tcp_segment *s = &h->segs[k];
        if (s->retransmit)
            assert_true(seq_lt(s->seq, i + 8 * MSS));
    }
    ack(h, i + 10 * MSS, H_WIN);
    assert_null(h->sock->sb);
}

/* ---- whole transfers over a lossy link ------------------------------------- */

struct mapping_check {
    tcp_seq isn[2]; /* by host index: the SYN's sequence number */
    uint64_t data_segs, rexmits, bad, with_sack;
    const char *names[2];
};

static void check_mapping(void *ctx, const struct trace_event *ev)
{
    struct mapping_check *c = ctx;
    if (ev->kind != TRACE_SEG || ev->u.seg.dir != TRACE_TX)
        return;
    const struct tcp_segment *s = ev->u.seg.seg;
    int host = ev->host == c->names[0] ? 0 : 1;
    c->with_sack += !!(s->opts & TCP_OPT_SACK);
    if (s->flags & TCP_SYN) {
        c->isn[host] = s->seq;
        return;
    }
    if (s->len == 0)
        return;
    c->data_segs++;
    c->rexmits += s->retransmit == SEG_REXMIT_RTO || s->retransmit == SEG_REXMIT_FAST;
    /* The stream's first octet has sequence number ISN + 1. */
    if (s->data_off != (uint32_t)(s->seq - c->isn[host] - 1))
        c->bad++;
}

struct reader_tally {
    uint64_t got; /* octets the application read */
    uint64_t bad; /* octets the receiver found at the wrong stream offset */
};

static void reader(void *ctx, struct tcb *tcb)
{
    struct reader_tally *r = ctx;
    uint64_t got;
    bool eof;
    while (sock_recv(tcb, 0, &got, &eof) == TS_OK && !eof && got > 0)
        r->got += got;
    if (eof) {
        r->bad += tcb->rcv_bad;
        sock_close(tcb);
    }
}

/* `bytes` from client to server over `loss_ppm`, the client closing after
 * them: every data segment's stream offset must match its sequence number,
 * and the server must read every octet in order. */
static void lossy_transfer(enum tcp_profile profile, bool sack, uint32_t loss_ppm,
                           uint32_t rcvbuf, uint64_t bytes, uint64_t seed)
{
    struct tcp_params p;
    tcp_params_defaults(&p, profile);
    p.sack = sack;
    p.rcvbuf = rcvbuf; /* small buffers: window changes and zero windows */
    struct link_params lp = {.delay = SIM_MS(10), .rate_bps = 10000000, .loss_ppm = loss_ppm,
                             .loss_data_only = true};
    struct net net;
    assert_int_equal(net_init(&net, seed, &tcp_proto_ops), TS_OK);
    net_add_host(&net, 0, "client", H_LOCAL_ADDR, &p);
    net_add_host(&net, 1, "server", H_PEER_ADDR, &p);
    net_connect_hosts(&net, &lp, &lp);
    struct mapping_check c = {.names = {net.hosts[0]->name, net.hosts[1]->name}};
    tracer_add(&net.tracer, (struct trace_sink){.emit = check_mapping, .ctx = &c});
    struct reader_tally r = {0};
    struct app_ops ops = {.readable = reader, .ctx = &r};
    net.hosts[0]->app = ops;
    net.hosts[1]->app = ops;
    struct tcb *l, *cl;
    assert_int_equal(sock_listen(net.hosts[1], 80, 0, &l), TS_OK);
    assert_int_equal(sock_connect(net.hosts[0], H_PEER_ADDR, 80, 0, &cl), TS_OK);
    engine_run(&net.engine, SIM_MS(500));
    assert_int_equal(sock_send(cl, bytes), TS_OK);
    assert_int_equal(sock_close(cl), TS_OK);
    engine_run(&net.engine, SIM_S(600));
    assert_int_equal(c.with_sack > 0, sack); /* blocks flow only when negotiated */
    assert_true(c.data_segs > bytes / 1460);
    assert_true(c.rexmits > 0); /* the loss did bite */
    assert_int_equal(c.bad, 0); /* every data_off matches its seq */
    assert_int_equal(r.bad, 0);
    assert_int_equal(r.got, bytes); /* all of it, in order, then EOF */
    net_free(&net);
}

static void test_lossy_transfer_segments_carry_the_bytes_of_their_seq(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        lossy_transfer(TCP_PROFILE_LINUX, true, 30000, 131072, 600000, seed);
        lossy_transfer(TCP_PROFILE_LINUX, false, 30000, 131072, 600000, seed);
        lossy_transfer(TCP_PROFILE_RFC9293, false, 30000, 65535, 300000, seed);
        lossy_transfer(TCP_PROFILE_RFC9293, true, 50000, 8000, 200000, seed);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_RFC(test_third_duplicate_ack_triggers_fast_retransmit),
        H_TEST_RFC(test_ack_carrying_data_is_not_a_duplicate),
        H_TEST_RFC(test_ack_changing_the_window_is_not_a_duplicate),
        H_TEST_RFC(test_ack_with_nothing_outstanding_is_not_a_duplicate),
        H_TEST_RFC(test_slow_start_until_ssthresh_then_congestion_avoidance),
        H_TEST_BOTH(test_fast_retransmit_sets_ssthresh_to_half_the_flight),
        H_TEST_RFC(test_fast_retransmit_ssthresh_is_at_least_two_segments),
        H_TEST_BOTH(test_partial_ack_retransmits_next_hole_and_deflates),
        H_TEST_BOTH(test_full_ack_ends_recovery_with_deflated_cwnd),
        H_TEST_BOTH(test_rto_collapses_cwnd_to_the_loss_window),
        H_TEST_LINUX(test_sack_blocks_list_the_most_recent_first),
        H_TEST_LINUX(test_sack_carries_four_blocks_or_three_beside_timestamps),
        H_TEST_LINUX(test_no_sack_blocks_unless_negotiated),
        H_TEST_LINUX(test_sack_recovery_retransmits_only_the_holes),
        H_TEST_LINUX(test_rto_keeps_sacked_data_and_skips_it_going_back_n),
        cmocka_unit_test(test_lossy_transfer_segments_carry_the_bytes_of_their_seq),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
