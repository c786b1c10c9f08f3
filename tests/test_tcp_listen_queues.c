/* A listener's SYN queue and accept queue, SYN cookies and the accept-queue
 * overflow (Linux 6.18: tcp_conn_request, tcp_check_req, syncookies.c,
 * reqsk_timer_handler). Each peer is a different source port of the
 * harness's peer address. */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

/* Listens on port 80 with `backlog` (0 = somaxconn) and the cookie mode. */
static struct tcb *listen_with(struct harness *h, uint32_t backlog, uint8_t syncookies)
{
    h->local->params.syncookies = syncookies;
    h->lport = H_SERVER_PORT;
    assert_int_equal(sock_listen(h->local, H_SERVER_PORT, backlog, &h->listener), TS_OK);
    return h->listener;
}

static struct tcp_segment from_port(struct harness *h, uint16_t port, uint8_t flags, tcp_seq seq,
                                    tcp_seq ack)
{
    h->rport = port;
    return h_seg(h, flags, seq, ack, 0, H_WIN);
}

/* A SYN from `port`; returns the ISS of the SYN,ACK it drew, or fails the
 * test when none was sent. */
static tcp_seq syn_from(struct harness *h, uint16_t port)
{
    struct tcp_segment s = from_port(h, port, H_S, H_IRS, 0);
    s.opts = TCP_OPT_MSS;
    s.mss = 1460;
    h_inject_seg(h, &s);
    assert_true(h_pending(h) > 0);
    tcp_seq iss = h->segs[h->cursor].seq;
    h_expect(h, H_SA, iss, H_IRS + 1);
    return iss;
}

static void syn_dropped_from(struct harness *h, uint16_t port)
{
    struct tcp_segment s = from_port(h, port, H_S, H_IRS, 0);
    h_inject_seg(h, &s);
    h_expect_none(h);
}

static void ack_from(struct harness *h, uint16_t port, tcp_seq iss)
{
    struct tcp_segment a = from_port(h, port, H_A, H_IRS + 1, iss + 1);
    h_inject_seg(h, &a);
}

static struct tcb *child_of(struct harness *h, uint16_t port)
{
    return host_find_conn(h->local, H_SERVER_PORT, H_PEER_ADDR, port);
}

/* ---- the SYN queue ---------------------------------------------------------------------- */

/* Linux inet_csk_reqsk_queue_is_full: more than min(backlog, somaxconn)
 * requests; without cookies the next SYN is dropped, unanswered. */
static void test_syn_dropped_when_syn_queue_full_without_cookies(void **state)
{
    struct harness *h = *state;
    struct tcb *l = listen_with(h, 2, 0);
    for (uint16_t p = 50000; p < 50003; p++)
        syn_from(h, p);
    assert_int_equal(l->syn_queue, 3);
    syn_dropped_from(h, 50003);
    assert_null(child_of(h, 50003));
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 3);
}

/* Linux tcp_conn_request: without cookies, the last quarter of
 * tcp_max_syn_backlog is kept for proven peers (none here). */
static void test_max_syn_backlog_keeps_last_quarter_without_cookies(void **state)
{
    struct harness *h = *state;
    h->local->params.max_syn_backlog = 8;
    struct tcb *l = listen_with(h, 100, 0);
    for (uint16_t p = 50000; p < 50007; p++)
        syn_from(h, p);
    assert_int_equal(l->syn_queue, 7); /* 8 - 7 < 8 / 4 from here */
    syn_dropped_from(h, 50007);
}

/* RFC 4987 3.6: with cookies the SYN is answered but nothing is kept. */
static void test_syn_cookie_synack_keeps_no_state(void **state)
{
    struct harness *h = *state;
    struct tcb *l = listen_with(h, 1, 1);
    syn_from(h, 50000);
    syn_from(h, 50001);
    size_t tcbs = h->local->conns.used;
    syn_from(h, 50002);
    const struct tcp_segment *sa = &h->segs[h->cursor - 1];
    assert_int_equal(sa->opts, TCP_OPT_MSS); /* nothing else survives a cookie */
    assert_null(child_of(h, 50002));
    assert_int_equal(h->local->conns.used, tcbs);
    assert_int_equal(l->syn_queue, 2);
}

/* tcp_syncookies = 2: every SYN gets a cookie, even with room. */
static void test_syncookies_2_answers_every_syn_with_a_cookie(void **state)
{
    struct harness *h = *state;
    struct tcb *l = listen_with(h, 0, 2);
    syn_from(h, 50000);
    assert_null(child_of(h, 50000));
    assert_int_equal(l->syn_queue, 0);
}

/* Linux cookie_v4_check: the ACK that returns a valid cookie (SEG.ACK - 1)
 * creates the connection, ESTABLISHED, with the MSS the cookie kept. */
static void test_valid_cookie_ack_creates_established_child(void **state)
{
    struct harness *h = *state;
    listen_with(h, 0, 2);
    tcp_seq cookie = syn_from(h, 50000);
    h_run_for(h, SIM_MS(30));
    ack_from(h, 50000, cookie);
    struct tcb *c = child_of(h, 50000);
    assert_non_null(c);
    assert_int_equal(sock_state(c), TCP_ESTABLISHED);
    assert_int_equal(c->mss, 1460);
    assert_int_equal(c->snd_una, cookie + 1);
    assert_false(c->ts_ok || c->sack_ok || c->snd_wscale);
    assert_int_equal(h->accepted_count, 1);
    h_expect_none(h);
}

/* An ACK to a listener that is not one of its cookies: RST (Linux: the
 * cookie check fails and LISTEN answers any ACK with <SEQ=SEG.ACK><CTL=RST>). */
static void test_invalid_cookie_ack_gets_rst(void **state)
{
    struct harness *h = *state;
    listen_with(h, 0, 2);
    tcp_seq cookie = syn_from(h, 50000);
    ack_from(h, 50000, cookie + 1);
    h_expect(h, H_R, cookie + 2, 0);
    h_expect_none(h);
    assert_null(child_of(h, 50000));
}

/* Linux MAX_SYNCOOKIE_AGE: a cookie lives for its minute and the next. */
static void test_cookie_older_than_two_minutes_gets_rst(void **state)
{
    struct harness *h = *state;
    listen_with(h, 0, 2);
    tcp_seq cookie = syn_from(h, 50000);
    h_run_for(h, SIM_S(121));
    ack_from(h, 50000, cookie);
    h_expect(h, H_R, cookie + 1, 0);
    assert_null(child_of(h, 50000));
}

/* Linux tcp_synq_no_recent_overflow: with tcp_syncookies = 1 a listener
 * that has sent no cookie in the last 2 minutes does not take an ACK as a
 * cookie, even one that would validate: RST. */
static void test_cookie_ack_without_recent_overflow_gets_rst(void **state)
{
    struct harness *h = *state;
    listen_with(h, 0, 1);
    struct tcp_segment syn = from_port(h, 50000, H_S, H_IRS, 0);
    syn.opts = TCP_OPT_MSS;
    syn.mss = 1460;
    uint32_t mss;
    tcp_seq cookie = tcp_cookie_isn(h->local, &syn, &mss); /* never sent */
    ack_from(h, 50000, cookie);
    h_expect(h, H_R, cookie + 1, 0);
    h_expect_none(h);
    assert_null(child_of(h, 50000));
}

/* ---- the accept queue ------------------------------------------------------------------- */

/* Builds a full accept queue behind a listener whose application does not
 * accept (cap 1: the queue holds 2) and one more child in SYN_RECV whose
 * final ACK has not arrived yet; returns that child's ISS. */
static tcp_seq fill_accept_queue(struct harness *h, struct tcb *l)
{
    sock_set_accepting(l, false);
    tcp_seq a = syn_from(h, 50000), b = syn_from(h, 50001);
    ack_from(h, 50000, a);
    tcp_seq c = syn_from(h, 50002);
    ack_from(h, 50001, b);
    assert_int_equal(l->accept_queue, 2);
    assert_int_equal(h->accepted_count, 0);
    return c;
}

/* Linux tcp_check_req: a full accept queue drops the final ACK; the child
 * stays in SYN_RECV and its SYN,ACK is retransmitted on its timer. */
static void test_final_ack_dropped_when_accept_queue_full(void **state)
{
    struct harness *h = *state;
    struct tcb *l = listen_with(h, 1, 1);
    tcp_seq c = fill_accept_queue(h, l);
    sim_time_t t0 = h_now(h);
    ack_from(h, 50002, c);
    h_expect_none(h);
    assert_int_equal(sock_state(child_of(h, 50002)), TCP_SYN_RECV);
    assert_int_equal(h_run_until_tx(h, t0 + SIM_S(5)), t0 + SIM_S(1));
    h_expect(h, H_SA, c, H_IRS + 1);
    ack_from(h, 50002, c); /* the client's answer to it: dropped again */
    assert_int_equal(sock_state(child_of(h, 50002)), TCP_SYN_RECV);
}

/* tcp_abort_on_overflow: the final ACK is answered <SEQ=SEG.ACK><CTL=RST>
 * and the request is gone. */
static void test_abort_on_overflow_resets_final_ack_on_full_accept_queue(void **state)
{
    struct harness *h = *state;
    h->local->params.abort_on_overflow = true;
    struct tcb *l = listen_with(h, 1, 1);
    tcp_seq c = fill_accept_queue(h, l);
    ack_from(h, 50002, c);
    h_expect(h, H_R, c + 1, 0);
    h_expect_none(h);
    assert_null(child_of(h, 50002));
    assert_int_equal(l->syn_queue, 0);
}

/* Linux tcp_conn_request: sk_acceptq_is_full drops new SYNs, cookies or not. */
static void test_syn_dropped_when_accept_queue_full(void **state)
{
    struct harness *h = *state;
    struct tcb *l = listen_with(h, 1, 1);
    sock_set_accepting(l, false);
    tcp_seq a = syn_from(h, 50000), b = syn_from(h, 50001);
    ack_from(h, 50000, a);
    ack_from(h, 50001, b);
    assert_int_equal(l->syn_queue, 0);
    syn_dropped_from(h, 50002);
}

/* accept() again: the waiting connections are handed over, oldest first. */
static void test_accepting_again_takes_the_whole_accept_queue(void **state)
{
    struct harness *h = *state;
    struct tcb *l = listen_with(h, 1, 1);
    fill_accept_queue(h, l);
    sock_set_accepting(l, true);
    h_run_for(h, 0);
    assert_int_equal(h->accepted_count, 2);
    assert_ptr_equal(h->accepted_child, child_of(h, 50001));
    assert_int_equal(l->accept_queue, 0);
}

/* A connection waiting in the accept queue that the peer resets leaves it. */
static void test_reset_child_leaves_accept_queue(void **state)
{
    struct harness *h = *state;
    struct tcb *l = listen_with(h, 1, 1);
    fill_accept_queue(h, l);
    struct tcp_segment r = from_port(h, 50000, H_R, H_IRS + 1, 0);
    h_inject_seg(h, &r);
    assert_null(child_of(h, 50000));
    assert_int_equal(l->accept_queue, 1);
}

/* ---- SYN,ACK retries -------------------------------------------------------------------- */

/* tcp_synack_retries: the SYN,ACK goes out 1 + N times, then the request
 * is dropped without a word. */
static void test_synack_retries_exhaust_then_child_removed(void **state)
{
    struct harness *h = *state;
    struct tcb *l = listen_with(h, 0, 1);
    tcp_seq iss = syn_from(h, 50000);
    h_run_for(h, SIM_S(200));
    uint32_t n = h->local->params.synack_retries;
    for (uint32_t i = 0; i < n; i++)
        h_expect(h, H_SA, iss, H_IRS + 1);
    h_expect_none(h);
    assert_null(child_of(h, 50000));
    assert_int_equal(l->syn_queue, 0);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 0);
}

/* Linux reqsk_timer_handler: with the queue more than half full of old
 * requests, they get 2 SYN,ACK retries, not 5; pruning stops once the
 * queue is down to half. */
static void test_old_requests_pruned_after_two_retries_when_queue_over_half_full(void **state)
{
    struct harness *h = *state;
    struct tcb *l = listen_with(h, 8, 0);
    for (uint16_t p = 50000; p < 50009; p++)
        syn_from(h, p);
    h_run_for(h, SIM_S(6));
    assert_int_equal(l->syn_queue, 9);
    assert_int_equal(l->syn_young, 0);
    h_run_for(h, SIM_S(2)); /* the third timeout, at 7 s */
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 4);
    assert_int_equal(l->syn_queue, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_syn_dropped_when_syn_queue_full_without_cookies),
        H_TEST_LINUX(test_max_syn_backlog_keeps_last_quarter_without_cookies),
        H_TEST_BOTH(test_syn_cookie_synack_keeps_no_state),
        H_TEST_LINUX(test_syncookies_2_answers_every_syn_with_a_cookie),
        H_TEST_BOTH(test_valid_cookie_ack_creates_established_child),
        H_TEST_LINUX(test_invalid_cookie_ack_gets_rst),
        H_TEST_LINUX(test_cookie_older_than_two_minutes_gets_rst),
        H_TEST_LINUX(test_cookie_ack_without_recent_overflow_gets_rst),
        H_TEST_BOTH(test_final_ack_dropped_when_accept_queue_full),
        H_TEST_LINUX(test_abort_on_overflow_resets_final_ack_on_full_accept_queue),
        H_TEST_LINUX(test_syn_dropped_when_accept_queue_full),
        H_TEST_LINUX(test_accepting_again_takes_the_whole_accept_queue),
        H_TEST_LINUX(test_reset_child_leaves_accept_queue),
        H_TEST_BOTH(test_synack_retries_exhaust_then_child_removed),
        H_TEST_LINUX(test_old_requests_pruned_after_two_retries_when_queue_over_half_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
