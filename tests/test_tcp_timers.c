/* Timers: RFC 6298 retransmission timer (worked numbers, Karn, backoff and
 * its caps), R1/R2 and the user timeout (RFC 9293 3.8.3, 3.10.8),
 * keep-alive (RFC 9293 3.8.4 / RFC 1122 4.2.3.6), zero-window probing
 * (RFC 9293 3.8.6.1) and the Figure 5 transition table; checklist sections
 * 14-16 and 19 (R-RTO-*, R-TMO-*, R-FAIL-*, R-KA-*, R-ZWP-*). */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

#include <string.h>

/* ---- RFC 6298 arithmetic ------------------------------------------------- */

/* R-RTO-02, R-RTO-03, R-RTO-04: R = 100 ms then R' = 200 ms.
 * (2.2) SRTT = 100, RTTVAR = 50, RTO = 100 + 4*50 = 300 ms;
 * (2.3) RTTVAR = 3/4*50 + 1/4*|100-200| = 62.5 (with the old SRTT),
 *       SRTT = 7/8*100 + 1/8*200 = 112.5, RTO = 112.5 + 4*62.5 = 362.5 ms;
 * (2.4) the RFC profile rounds both up to 1 s, Linux keeps them (floor 200 ms). */
static void test_rto_worked_example_first_and_second_sample(void **state)
{
    struct harness *h = *state;
    struct tcb *tcb = tcb_new(h->local);
    assert_non_null(tcb);
    assert_int_equal(tcb->rto, SIM_S(1)); /* R-RTO-01: (2.1) before any sample */
    tcp_rtt_sample(tcb, SIM_MS(100));
    assert_int_equal(tcb->srtt, SIM_MS(100));
    assert_int_equal(tcb->rttvar, SIM_MS(50));
    assert_int_equal(tcb->rto, h_linux(h) ? SIM_MS(300) : SIM_S(1));
    tcp_rtt_sample(tcb, SIM_MS(200));
    assert_int_equal(tcb->rttvar, SIM_US(62500));
    assert_int_equal(tcb->srtt, SIM_US(112500));
    assert_int_equal(tcb->rto, h_linux(h) ? SIM_US(362500) : SIM_S(1));
}

/* R-RTO-07: if K*RTTVAR is below the clock granularity G, G is used. */
static void test_rto_uses_granularity_when_k_rttvar_rounds_to_zero(void **state)
{
    struct harness *h = *state;
    h->local->params.rto_min = 0;
    struct tcb *tcb = tcb_new(h->local);
    tcp_rtt_sample(tcb, SIM_NS(2)); /* SRTT 2 ns, RTTVAR 1 ns: 4*RTTVAR < G */
    /* Linux keeps microseconds: SRTT 1/8 us, no variance, one tick. */
    sim_time_t g = h->local->params.clock_granularity;
    assert_int_equal(tcb->rto, h_linux(h) ? g : SIM_NS(2) + g);
}

/* Linux tcp_rtt_estimator/__tcp_set_rto: RTO = SRTT + max(4*RTTVAR,
 * tcp_rto_min): one 20 ms sample gives 220 ms (RFC 6298 (2.4) with a 200 ms
 * floor: max(20 + 40, 200) = 200 ms); rto_min_floors_rttvar off gives that. */
static void test_rto_linux_is_srtt_plus_rto_min_after_20ms_sample(void **state)
{
    struct harness *h = *state;
    struct tcb *tcb = tcb_new(h->local);
    tcp_rtt_sample(tcb, SIM_MS(20));
    assert_int_equal(tcb->rto, SIM_MS(220));
    h->local->params.rto_min_floors_rttvar = false;
    struct tcb *rfc = tcb_new(h->local);
    tcp_rtt_sample(rfc, SIM_MS(20));
    assert_int_equal(rfc->rto, SIM_MS(200));
}

/* On a veth (RTT 30 us) Linux at HZ=250 shows rto 204 ms: 200.03 ms rounded
 * up to a jiffy (usecs_to_jiffies). The variance term decays towards
 * tcp_rto_min but never below it, however steady the samples. */
static void test_rto_linux_veth_30us_is_204ms_at_hz250(void **state)
{
    struct harness *h = *state;
    h->local->params.timer_granularity = TCP_TIMER_JIFFIES;
    h->local->params.hz = 250;
    struct tcb *tcb = tcb_new(h->local);
    for (int i = 0; i < 50; i++) {
        tcb->snd_una += 1000; /* each sample ends a round trip */
        tcb->snd_nxt = tcb->snd_una + 1000;
        tcp_rtt_sample(tcb, SIM_US(30));
        assert_int_equal(tcb->rto, SIM_MS(204));
    }
}

/* R-RTO-05: the RTO is capped (RFC profile 60 s, Linux 120 s). */
static void test_rto_is_capped_at_maximum(void **state)
{
    struct harness *h = *state;
    struct tcb *tcb = tcb_new(h->local);
    tcp_rtt_sample(tcb, SIM_S(100));
    assert_int_equal(tcb->rto, h_linux(h) ? SIM_S(120) : SIM_S(60));
}

/* R-RTO-10 (5.5): doubling, capped. */
static void test_rto_backoff_doubles_and_caps(void **state)
{
    (void)state;
    assert_int_equal(tcp_rto_backoff(SIM_S(1), 3, SIM_S(60)), SIM_S(8));
    assert_int_equal(tcp_rto_backoff(SIM_S(40), 1, SIM_S(60)), SIM_S(60));
    assert_int_equal(tcp_rto_backoff(SIM_S(1), 10, SIM_S(60)), SIM_S(60));
    assert_int_equal(tcp_rto_backoff(SIM_MS(200), 9, SIM_S(120)), SIM_MS(102400));
    assert_int_equal(tcp_rto_backoff(SIM_MS(200), 10, SIM_S(120)), SIM_S(120));
    assert_int_equal(tcp_rto_backoff(SIM_S(30), 0, SIM_S(60)), SIM_S(30));
}

/* ---- the retransmission timer on the wire -------------------------------- */

/* R-RTO-09 (5.1), R-RTO-10 (5.4)-(5.6), R-RTO-08, R-ESTAB-17, R-TMO-02: the
 * earliest unacknowledged segment is resent after RTO, 2 RTO, 4 RTO, and
 * nothing is sent in between (no retransmission sooner than one RTO). */
static void test_rto_retransmits_first_unacked_segment_with_backoff(void **state)
{
    struct harness *h = *state;
    h_established(h);
    sim_time_t rto = h->local->params.rto_min, t0 = h_now(h);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_expect(h, H_PA, h->iss + 1, H_IRS + 1);
    static const int mult[] = {1, 3, 7};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(h_run_until_tx(h, SIM_S(100)), t0 + mult[i] * rto);
        const struct tcp_segment *d = h_expect(h, H_PA, h->iss + 1, H_IRS + 1);
        assert_int_equal(d->len, 100);
        assert_int_equal(d->retransmit, SEG_REXMIT_RTO);
    }
}

/* R-RTO-09 (5.3): an ACK of new data restarts the timer. */
static void test_rto_restarts_on_ack_of_new_data(void **state)
{
    struct harness *h = *state;
    h->local->params.nodelay = true;
    h_established(h);
    sim_time_t rto = h->local->params.rto_min;
    assert_int_equal(sock_send(h->sock, 200), TS_OK);
    h_consume_all(h);
    h_run_for(h, rto / 2);
    h_inject(h, H_A, H_IRS + 1, h->iss + 101, 0, H_WIN); /* partial ACK */
    sim_time_t t_ack = h_now(h);
    sim_time_t t = h_run_until_tx(h, SIM_S(100));
    assert_true(t >= t_ack + rto); /* not at the original deadline */
    h_expect(h, H_PA, h->iss + 101, H_IRS + 1);
}

/* R-RTO-06 (Karn), R-RTO-12: no sample from a retransmitted segment, and the
 * backed-off RTO stays for the next new segment. */
static void test_rto_karn_no_sample_from_retransmission_and_backoff_kept(void **state)
{
    struct harness *h = *state;
    h_established(h);
    sim_time_t rto = h->local->params.rto_min;
    sim_time_t srtt = h->sock->srtt;
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_consume_all(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(100)), rto); /* retransmitted */
    h_consume_all(h);
    h_run_for(h, SIM_MS(50));
    h_inject(h, H_A, H_IRS + 1, h->iss + 101, 0, H_WIN);
    assert_int_equal(h->sock->srtt, srtt);
    sim_time_t t1 = h_now(h);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_consume_all(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(100)), t1 + 2 * rto);
}

/* R-RTO-11 (5.7): the SYN timed out, so data starts with RTO = 3 s. */
static void test_rto_after_syn_timeout_data_rto_is_3s(void **state)
{
    struct harness *h = *state;
    h_syn_sent(h);
    h_run_until_tx(h, SIM_S(2)); /* SYN retransmitted at 1 s */
    h_consume_all(h);
    h_run_until(h, SIM_MS(1500));
    h_inject(h, H_SA, H_IRS, h->iss + 1, 0, H_WIN);
    h_consume_all(h);
    assert_int_equal(sock_send(h->sock, 10), TS_OK);
    h_consume_all(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(20)), SIM_MS(1500) + SIM_S(3));
}

/* R-FAIL-02, R-ESTAB-20: R2 for data. Linux: tcp_retries2 = 15 as time,
 * 15 retransmissions from a 200 ms RTO, ETIMEDOUT 924.6 s after the send;
 * RFC profile: 15 retransmissions (1, 2, 4, ... capped at 60 s), ETIMEDOUT
 * at the next expiry, 663 s (R2 >= 100 s). No RST either way. R2 alone:
 * the RFC profile's 5-minute user timeout (R-TMO-04) is turned off. */
static void test_r2_data_retransmissions_then_etimedout(void **state)
{
    struct harness *h = *state;
    h_established(h);
    sock_set_user_timeout(h->sock, 0);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_consume_all(h);
    sim_time_t give_up = h_linux(h) ? SIM_MS(924600) : SIM_S(663);
    h_run_until(h, give_up - 1);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    assert_int_equal(h_pending(h), 15);
    h_run_until(h, give_up);
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_err, TS_ETIMEDOUT);
    assert_int_equal(h_pending(h), 15);
}

/* ---- R-FAIL-01: R1, negative advice to IP (RFC 9293 3.8.3 (b)) ---- */

#define R1_MAX_NOTES 8
struct r1_notes {
    struct harness *h;
    size_t count;
    sim_time_t t[R1_MAX_NOTES];
    size_t segs[R1_MAX_NOTES]; /* segments the local host had sent by then */
    const char *text[R1_MAX_NOTES];
};

static void r1_note_sink(void *ctx, const struct trace_event *ev)
{
    struct r1_notes *n = ctx;
    if (ev->kind != TRACE_NOTE || n->count >= R1_MAX_NOTES)
        return;
    n->t[n->count] = ev->t;
    n->segs[n->count] = n->h->nsegs;
    n->text[n->count++] = ev->u.note.text;
}

static void r1_watch(struct harness *h, struct r1_notes *n)
{
    memset(n, 0, sizeof *n);
    n->h = h;
    assert_int_equal(tracer_add(&h->net.tracer, (struct trace_sink){.emit = r1_note_sink, .ctx = n}),
                     0);
}

/* R1 = tcp_retries1 = 3: the timeout that finds the third retransmission
 * unanswered too reports dead-gateway diagnosis, once, before the fourth
 * retransmission (Linux: 3 s of modelled backoff, here the 4th timeout as
 * well). A new segment lost the same way reports it again. */
static void test_r1_after_three_retransmissions_advises_ip_once_per_segment(void **state)
{
    struct harness *h = *state;
    struct r1_notes n;
    h_established(h);
    sock_set_user_timeout(h->sock, 0);
    r1_watch(h, &n);
    size_t base = h->nsegs;
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_run_until(h, h_now(h) + SIM_S(100)); /* 1 + 6 or more transmissions, unanswered */
    assert_true(h->nsegs - base >= 7);
    assert_int_equal(n.count, 1);
    assert_int_equal(n.segs[0] - base, 4); /* the original and three retransmissions */
    assert_int_equal(n.t[0], h->seg_time[base + 4]); /* the 4th timeout's */
    assert_non_null(strstr(n.text[0], h_linux(h) ? "tcp_retries1" : "RFC 9293 3.8.3"));

    /* Everything acknowledged; the next segment gets its own R1 (on Linux
     * sooner: its RTO is still backed off, and R1 is a time there). */
    h_inject(h, H_A, H_IRS + 1, h->iss + 101, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    base = h->nsegs;
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_run_until(h, h_now(h) + SIM_S(400));
    assert_int_equal(n.count, 2);
    if (h_linux(h))
        assert_true(n.segs[1] - base >= 2); /* never before a retransmission */
    else
        assert_int_equal(n.segs[1] - base, 4);
}

/* retries1 is the threshold: R1 = 5 waits for five unanswered
 * retransmissions (Linux: 12.6 s of modelled backoff, the 6th timeout). */
static void test_r1_threshold_is_retries1(void **state)
{
    struct harness *h = *state;
    struct r1_notes n;
    h_established(h);
    sock_set_user_timeout(h->sock, 0);
    h->local->params.retries1 = 5;
    r1_watch(h, &n);
    size_t base = h->nsegs;
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_run_until(h, h_now(h) + SIM_S(200));
    assert_int_equal(n.count, 1);
    assert_int_equal(n.segs[0] - base, 6);
}

/* R1 holds for SYNs too ("the same segment", 3.8.3 (f): the values may
 * differ). RFC profile: retries1 SYN retransmissions; Linux: SYN-SENT gets
 * negative advice from the first timeout after a retransmission
 * (tcp_write_timeout), whatever tcp_retries1 is. */
static void test_r1_syn_retransmissions_advise_ip_once(void **state)
{
    struct harness *h = *state;
    struct r1_notes n;
    r1_watch(h, &n);
    h_syn_sent(h);
    size_t base = h->nsegs - 1; /* the SYN the fixture consumed */
    h_run_until(h, SIM_S(100));
    assert_int_equal(n.count, 1);
    assert_int_equal(n.segs[0] - base, h_linux(h) ? 2 : 4);
    assert_non_null(strstr(n.text[0], h_linux(h) ? "dst negative advice" : "RFC 9293 3.8.3"));
}

/* Linux: a passive SYN_RECV is a request sock; its SYN,ACK timer gives no
 * negative advice. The RFC profile reports R1 for the SYN,ACK as well. */
static void test_r1_synack_retransmissions_only_rfc_advises_ip(void **state)
{
    struct harness *h = *state;
    struct r1_notes n;
    r1_watch(h, &n);
    h_syn_recv_passive(h);
    h_run_until(h, SIM_S(200));
    assert_int_equal(n.count, h_linux(h) ? 0 : 1);
}

/* R-TMO-01, R-ESTAB-18: TCP_USER_TIMEOUT 3 s, counted from the first
 * transmission of the unacknowledged data; no RST. */
static void test_user_timeout_aborts_without_rst(void **state)
{
    struct harness *h = *state;
    h_established(h);
    sock_set_user_timeout(h->sock, SIM_S(3));
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_run_until(h, SIM_S(3) - 1);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    h_run_until(h, SIM_S(3));
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_err, TS_ETIMEDOUT);
    assert_int_equal(h_last(h)->flags & TCP_RST, 0);
}

/* R-TMO-04 (RFC 9293 3.9.1.1): without a timeout in the OPEN call, data
 * not delivered within "the present global default" of five minutes aborts
 * the connection (the timer clamped to the deadline, 300 s after the first
 * transmission, before R2's 663 s). Linux has no default
 * (TCP_USER_TIMEOUT = 0): only tcp_retries2 ends it, at 924.6 s. */
static void test_user_timeout_default_is_five_minutes_rfc_none_on_linux(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_run_until(h, SIM_S(300) - 1);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    h_run_until(h, SIM_S(300));
    if (h_linux(h)) {
        assert_int_equal(h_state(h), TCP_ESTABLISHED);
        h_run_until(h, SIM_MS(924600));
    }
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_err, TS_ETIMEDOUT);
    assert_int_equal(h_last(h)->flags & TCP_RST, 0);
}

/* R-FW1-15: an orphan in FIN-WAIT-1 with a user timeout: the FIN is
 * retransmitted, then the TCB deleted; a later segment draws a RST. */
static void test_user_timeout_deletes_orphan_in_fin_wait1(void **state)
{
    struct harness *h = *state;
    h_established(h);
    sock_set_user_timeout(h->sock, SIM_S(3));
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_expect(h, H_FA, h->iss + 1, H_IRS + 1);
    h_run_until(h, SIM_S(4));
    assert_true(h_pending(h) >= 1);
    assert_int_equal(h_last(h)->flags, H_FA);
    assert_int_equal(host_count_in_state(h->local, TCP_FIN_WAIT1), 0);
    h_consume_all(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 2, 0, H_WIN);
    h_expect(h, H_R, h->iss + 2, 0);
}

/* ---- keep-alive ---------------------------------------------------------- */

/* R-KA-01 (MUST-25): off by default. */
static void test_keepalive_off_by_default(void **state)
{
    struct harness *h = *state;
    h_established(h);
    h_run_for(h, SIM_S(3 * 3600));
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
}

/* R-KA-02, R-KA-03, R-KA-04, R-ESTAB-19: after 2 h idle, a probe <SEQ=SND.NXT-1>
 * without data. */
static void test_keepalive_probe_after_idle_with_seq_snd_nxt_minus_one(void **state)
{
    struct harness *h = *state;
    h_established(h);
    sock_set_keepalive(h->sock, true);
    assert_int_equal(h_run_until_tx(h, SIM_S(10000)), SIM_S(7200));
    const struct tcp_segment *p = h_expect(h, H_A, h->iss, H_IRS + 1);
    assert_int_equal(p->len, 0);
}

/* R-KA-02 (MUST-26): no keep-alive probe while sent data is outstanding,
 * however long the peer is silent; once everything is acknowledged the idle
 * interval starts from that ACK and the probe follows it. */
static void test_keepalive_no_probe_while_data_outstanding(void **state)
{
    struct harness *h = *state;
    h_established(h);
    sock_set_keepalive_params(h->sock, SIM_S(10), SIM_S(5), 3);
    sock_set_keepalive(h->sock, true);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_run_until(h, SIM_S(100)); /* ten idle intervals of retransmissions */
    assert_true(h_pending(h) >= 5);
    while (h_pending(h) > 0) {
        const struct tcp_segment *s = h_expect(h, H_PA, h->iss + 1, H_IRS + 1);
        assert_int_not_equal(s->retransmit, SEG_PROBE_KEEPALIVE);
    }
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    h_inject(h, H_A, H_IRS + 1, h->iss + 101, 0, H_WIN);
    sim_time_t t_ack = h_now(h);
    assert_int_equal(h_run_until_tx(h, SIM_S(200)), t_ack + SIM_S(10));
    const struct tcp_segment *p = h_expect(h, H_A, h->iss + 100, H_IRS + 1);
    assert_int_equal(p->retransmit, SEG_PROBE_KEEPALIVE);
}

/* R-KA-05 (MUST-29): dead only after keepalive_probes (9) unanswered probes,
 * 75 s apart; Linux then sends RST,ACK; ETIMEDOUT. */
static void test_keepalive_nine_unanswered_probes_then_etimedout(void **state)
{
    struct harness *h = *state;
    h_established(h);
    sock_set_keepalive(h->sock, true);
    for (int i = 0; i < 9; i++) {
        assert_int_equal(h_run_until_tx(h, SIM_S(10000)), SIM_S(7200 + 75 * i));
        h_expect(h, H_A, h->iss, H_IRS + 1);
        assert_int_equal(h_state(h), TCP_ESTABLISHED);
    }
    h_run_until(h, SIM_S(7200 + 75 * 9));
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_err, TS_ETIMEDOUT);
    if (h_linux(h))
        h_expect(h, H_RA, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
}

/* R-KA-06: an answer to a probe restarts the idle interval. */
static void test_keepalive_answer_restarts_idle_interval(void **state)
{
    struct harness *h = *state;
    h_established(h);
    sock_set_keepalive(h->sock, true);
    h_run_until_tx(h, SIM_S(10000));
    h_consume_all(h);
    h_run_for(h, SIM_S(1));
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
    assert_int_equal(h_run_until_tx(h, SIM_S(20000)), SIM_S(7201 + 7200));
    h_expect(h, H_A, h->iss, H_IRS + 1);
}

/* ---- zero-window probing ------------------------------------------------- */

static void h_zero_window_with_data(struct harness *h)
{
    h_established(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, 0);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_expect_none(h);
}

/* R-ZWP-01, R-ZWP-02, R-ZWP-03: first probe after one RTO, then backoff;
 * RFC: one octet of new data; Linux: zero-length, SEQ = SND.UNA-1. */
static void test_zero_window_probes_after_rto_with_backoff(void **state)
{
    struct harness *h = *state;
    h_zero_window_with_data(h);
    sim_time_t rto = h->local->params.rto_min, t0 = h_now(h);
    static const int mult[] = {1, 3, 7};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(h_run_until_tx(h, SIM_S(100)), t0 + mult[i] * rto);
        const struct tcp_segment *p;
        if (h_linux(h)) {
            p = h_expect(h, H_A, h->iss, H_IRS + 1);
            assert_int_equal(p->len, 0);
        } else {
            p = h_expect(h, H_A, h->iss + 1, H_IRS + 1);
            assert_int_equal(p->len, 1);
        }
        assert_int_equal(p->retransmit, SEG_PROBE_ZERO_WINDOW);
        h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, 0); /* still closed */
    }
}

/* R-ZWP-04 (MUST-37): while probes are answered the connection stays. */
static void test_zero_window_answered_probes_keep_connection_open(void **state)
{
    struct harness *h = *state;
    h_zero_window_with_data(h);
    while (h_now(h) < SIM_S(3000)) {
        if (h_run_until_tx(h, SIM_S(3000)) < 0)
            break;
        h_consume_all(h);
        h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, 0);
    }
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
}

/* R-ZWP-06: the window re-opens, the sender resumes. */
static void test_zero_window_reopened_resumes_sending(void **state)
{
    struct harness *h = *state;
    h_zero_window_with_data(h);
    h_run_until_tx(h, SIM_S(100));
    h_consume_all(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
    const struct tcp_segment *d = h_last(h);
    assert_non_null(d);
    assert_int_equal(d->seq + d->len, h->iss + 101);
}

/* ---- Figure 5 ----------------------------------------------------------- */

/* tcp_set_state refuses what Figure 5 does not draw. */
static void test_transition_table_allows_figure5_arcs_and_refuses_others(void **state)
{
    (void)state;
    static const enum tcp_state arcs[][2] = {
        {TCP_CLOSED, TCP_LISTEN},         {TCP_CLOSED, TCP_SYN_SENT},
        {TCP_LISTEN, TCP_SYN_RECV},       {TCP_LISTEN, TCP_SYN_SENT},
        {TCP_SYN_SENT, TCP_SYN_RECV},     {TCP_SYN_SENT, TCP_ESTABLISHED},
        {TCP_SYN_RECV, TCP_ESTABLISHED},  {TCP_SYN_RECV, TCP_FIN_WAIT1},
        {TCP_SYN_RECV, TCP_LISTEN},       {TCP_ESTABLISHED, TCP_FIN_WAIT1},
        {TCP_ESTABLISHED, TCP_CLOSE_WAIT}, {TCP_FIN_WAIT1, TCP_FIN_WAIT2},
        {TCP_FIN_WAIT1, TCP_CLOSING},     {TCP_FIN_WAIT1, TCP_TIME_WAIT},
        {TCP_FIN_WAIT2, TCP_TIME_WAIT},   {TCP_CLOSE_WAIT, TCP_LAST_ACK},
        {TCP_CLOSING, TCP_TIME_WAIT},     {TCP_LAST_ACK, TCP_CLOSED},
        {TCP_TIME_WAIT, TCP_CLOSED},      {TCP_ESTABLISHED, TCP_CLOSED},
    };
    for (size_t i = 0; i < sizeof arcs / sizeof arcs[0]; i++)
        assert_true(tcp_transition_allowed(arcs[i][0], arcs[i][1]));
    static const enum tcp_state bad[][2] = {
        {TCP_CLOSED, TCP_ESTABLISHED},    {TCP_LISTEN, TCP_ESTABLISHED},
        {TCP_TIME_WAIT, TCP_ESTABLISHED}, {TCP_TIME_WAIT, TCP_SYN_RECV},
        {TCP_CLOSE_WAIT, TCP_FIN_WAIT1},  {TCP_FIN_WAIT2, TCP_CLOSING},
        {TCP_LAST_ACK, TCP_TIME_WAIT},    {TCP_CLOSING, TCP_FIN_WAIT2},
        {TCP_ESTABLISHED, TCP_SYN_SENT},  {TCP_CLOSED, TCP_CLOSED},
        {TCP_SYN_SENT, TCP_FIN_WAIT1},    {TCP_ESTABLISHED, TCP_TIME_WAIT},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(tcp_transition_allowed(bad[i][0], bad[i][1]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_rto_worked_example_first_and_second_sample),
        H_TEST_BOTH(test_rto_uses_granularity_when_k_rttvar_rounds_to_zero),
        H_TEST_BOTH(test_rto_is_capped_at_maximum),
        H_TEST_LINUX(test_rto_linux_is_srtt_plus_rto_min_after_20ms_sample),
        H_TEST_LINUX(test_rto_linux_veth_30us_is_204ms_at_hz250),
        H_TEST_RFC(test_rto_backoff_doubles_and_caps),
        H_TEST_BOTH(test_rto_retransmits_first_unacked_segment_with_backoff),
        H_TEST_BOTH(test_rto_restarts_on_ack_of_new_data),
        H_TEST_BOTH(test_rto_karn_no_sample_from_retransmission_and_backoff_kept),
        H_TEST_BOTH(test_rto_after_syn_timeout_data_rto_is_3s),
        H_TEST_BOTH(test_r2_data_retransmissions_then_etimedout),
        H_TEST_BOTH(test_r1_after_three_retransmissions_advises_ip_once_per_segment),
        H_TEST_BOTH(test_r1_threshold_is_retries1),
        H_TEST_BOTH(test_r1_syn_retransmissions_advise_ip_once),
        H_TEST_BOTH(test_r1_synack_retransmissions_only_rfc_advises_ip),
        H_TEST_BOTH(test_user_timeout_aborts_without_rst),
        H_TEST_BOTH(test_user_timeout_default_is_five_minutes_rfc_none_on_linux),
        H_TEST_BOTH(test_user_timeout_deletes_orphan_in_fin_wait1),
        H_TEST_BOTH(test_keepalive_off_by_default),
        H_TEST_BOTH(test_keepalive_probe_after_idle_with_seq_snd_nxt_minus_one),
        H_TEST_BOTH(test_keepalive_no_probe_while_data_outstanding),
        H_TEST_BOTH(test_keepalive_nine_unanswered_probes_then_etimedout),
        H_TEST_BOTH(test_keepalive_answer_restarts_idle_interval),
        H_TEST_BOTH(test_zero_window_probes_after_rto_with_backoff),
        H_TEST_BOTH(test_zero_window_answered_probes_keep_connection_open),
        H_TEST_BOTH(test_zero_window_reopened_resumes_sending),
        H_TEST_RFC(test_transition_table_allows_figure5_arcs_and_refuses_others),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
