/* Test harness for the TCP state machine: a real local host, a scripted peer
 * that is the test, a capture of every transmitted segment, app_ops that
 * record notifications, and fixture constructors for every RFC 9293 state.
 * See tcp_harness.h. */
#include "tcp_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmocka_wrap.h"
#include "tcpsim/tcp_host.h"

/* ---- plumbing ------------------------------------------------------------ */

static void h_emit(void *ctx, const struct trace_event *ev)
{
    struct harness *h = ctx;
    if (ev->kind != TRACE_SEG || ev->u.seg.dir != TRACE_TX || ev->host != h->local->name)
        return;
    if (h->nsegs >= H_MAX_SEGS) {
        print_error("harness: more than %d segments captured\n", H_MAX_SEGS);
        return;
    }
    h->segs[h->nsegs] = *ev->u.seg.seg;
    h->seg_time[h->nsegs] = ev->t;
    h->nsegs++;
}

/* The peer's end of the wire is the test: nothing is ever delivered. */
static void h_deliver_nothing(void *ctx, const struct tcp_segment *seg)
{
    (void)ctx;
    (void)seg;
}

static void h_drop_nothing(void *ctx, const struct tcp_segment *seg, enum drop_reason why)
{
    (void)ctx;
    (void)seg;
    (void)why;
}

static void h_on_connected(void *ctx, struct tcb *tcb, int err)
{
    struct harness *h = ctx;
    (void)tcb;
    h->connected_count++;
    h->connected_err = err;
}

static void h_on_accepted(void *ctx, struct tcb *listener, struct tcb *child)
{
    struct harness *h = ctx;
    (void)listener;
    h->accepted_count++;
    h->accepted_child = child;
}

static void h_on_readable(void *ctx, struct tcb *tcb)
{
    struct harness *h = ctx;
    (void)tcb;
    h->readable_count++;
}

static void h_on_failed(void *ctx, struct tcb *tcb, int err)
{
    struct harness *h = ctx;
    (void)tcb;
    h->failed_count++;
    h->failed_err = err;
}

static void h_on_close_done(void *ctx, struct tcb *tcb, int err)
{
    struct harness *h = ctx;
    (void)tcb;
    h->close_done_count++;
    h->close_done_err = err;
}

static void h_on_released(void *ctx, struct tcb *tcb)
{
    struct harness *h = ctx;
    h->released_count++;
    if (tcb == h->sock)
        h->sock = NULL;
    if (tcb == h->listener)
        h->listener = NULL;
    if (tcb == h->accepted_child)
        h->accepted_child = NULL;
}

struct harness *h_new(enum tcp_profile profile)
{
    struct harness *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->profile = profile;
    h->irs = H_IRS;
    struct tcp_params p;
    tcp_params_defaults(&p, profile);
    /* The rules are checked at exact times; the tests of timer granularity
     * (test_tcp_jiffies.c) ask for jiffies or the wheel themselves. */
    p.timer_granularity = TCP_TIMER_EXACT;
    if (net_init(&h->net, 1, &tcp_proto_ops) != TS_OK || net_add_host(&h->net, 0, "local", H_LOCAL_ADDR, &p) ||
        net_add_host(&h->net, 1, "peer", H_PEER_ADDR, &p)) {
        h_free(h);
        return NULL;
    }
    h->local = h->net.hosts[0];
    h->peer = h->net.hosts[1];
    struct link_params lp;
    memset(&lp, 0, sizeof lp);
    link_init(&h->net.links[0], &h->net.engine, &lp, 1, 0, h_deliver_nothing, h_drop_nothing, h);
    link_init(&h->net.links[1], &h->net.engine, &lp, 1, 1, h_deliver_nothing, h_drop_nothing, h);
    tracer_add(&h->net.tracer, (struct trace_sink){.emit = h_emit, .ctx = h});
    h->local->app = (struct app_ops){.connected = h_on_connected,
                                     .accepted = h_on_accepted,
                                     .readable = h_on_readable,
                                     .failed = h_on_failed,
                                     .close_done = h_on_close_done,
                                     .released = h_on_released,
                                     .ctx = h};
    return h;
}

void h_free(struct harness *h)
{
    if (!h)
        return;
    net_free(&h->net);
    free(h);
}

int h_setup(void **state)
{
    enum tcp_profile profile = (enum tcp_profile)((uintptr_t)*state - 1);
    struct harness *h = h_new(profile);
    if (!h)
        return -1;
    *state = h;
    return 0;
}

int h_teardown(void **state)
{
    h_free(*state);
    return 0;
}

/* ---- time ---------------------------------------------------------------- */

sim_time_t h_now(const struct harness *h) { return engine_now(&h->net.engine); }

void h_run_until(struct harness *h, sim_time_t t) { engine_run(&h->net.engine, t); }

void h_run_for(struct harness *h, sim_time_t dt) { h_run_until(h, h_now(h) + dt); }

sim_time_t h_run_until_tx(struct harness *h, sim_time_t limit)
{
    size_t before = h->nsegs;
    for (;;) {
        sim_time_t next = engine_next_time(&h->net.engine);
        if (next == SIM_TIME_NEVER || next > limit) {
            h_run_until(h, limit);
            break;
        }
        h_run_until(h, next);
        if (h->nsegs > before)
            break;
    }
    return h->nsegs > before ? h->seg_time[before] : -1;
}

/* ---- the peer ------------------------------------------------------------ */

struct tcp_segment h_seg(const struct harness *h, uint8_t flags, tcp_seq seq, tcp_seq ack,
                         uint32_t len, uint16_t win)
{
    struct tcp_segment s;
    memset(&s, 0, sizeof s);
    s.src_addr = H_PEER_ADDR;
    s.dst_addr = H_LOCAL_ADDR;
    s.src_port = h->rport;
    s.dst_port = h->lport;
    s.seq = seq;
    s.ack = ack;
    s.len = len;
    s.win = win;
    s.flags = flags;
    /* The peer's byte stream starts after its SYN, like ours. */
    s.data_off = (uint32_t)(seq - (h->irs + 1));
    if (h->peer_sack && (flags & TCP_SYN))
        s.opts |= TCP_OPT_SACK_PERM;
    if (h->peer_ts) {
        s.opts |= TCP_OPT_TS;
        s.tsval = h->peer_tsval;
    }
    return s;
}

void h_inject_seg(struct harness *h, const struct tcp_segment *seg)
{
    host_input(h->local, seg);
    h_run_until(h, h_now(h)); /* deferred app callbacks due now */
}

void h_inject(struct harness *h, uint8_t flags, tcp_seq seq, tcp_seq ack, uint32_t len,
              uint16_t win)
{
    struct tcp_segment s = h_seg(h, flags, seq, ack, len, win);
    h_inject_seg(h, &s);
}

/* ---- captured segments --------------------------------------------------- */

static void h_flags_text(uint8_t flags, char out[8]) { segment_flags_tcpdump(flags, out); }

const struct tcp_segment *h_expect_at(struct harness *h, uint8_t flags, tcp_seq seq,
                                      tcp_seq ack, const char *file, int line)
{
    if (h->cursor >= h->nsegs) {
        char want[8];
        h_flags_text(flags, want);
        print_error("expected [%s] seq %u ack %u, but nothing more was sent\n", want, seq, ack);
        _fail(file, line);
    }
    const struct tcp_segment *s = &h->segs[h->cursor++];
    if (s->flags != flags || s->seq != seq || ((flags & TCP_ACK) && s->ack != ack)) {
        char want[8], got[8];
        h_flags_text(flags, want);
        h_flags_text(s->flags, got);
        print_error("expected [%s] seq %u ack %u, got [%s] seq %u ack %u len %u\n", want, seq,
                    ack, got, s->seq, s->ack, s->len);
        _fail(file, line);
    }
    return s;
}

void h_expect_none_at(struct harness *h, const char *file, int line)
{
    if (h->cursor < h->nsegs) {
        const struct tcp_segment *s = &h->segs[h->cursor];
        char got[8];
        h_flags_text(s->flags, got);
        print_error("expected silence, got [%s] seq %u ack %u len %u (%zu unconsumed)\n", got,
                    s->seq, s->ack, s->len, h->nsegs - h->cursor);
        _fail(file, line);
    }
}

sim_time_t h_last_time(const struct harness *h)
{
    return h->cursor ? h->seg_time[h->cursor - 1] : -1;
}

const struct tcp_segment *h_last(const struct harness *h)
{
    return h->nsegs ? &h->segs[h->nsegs - 1] : NULL;
}

size_t h_pending(const struct harness *h) { return h->nsegs - h->cursor; }

void h_consume_all(struct harness *h) { h->cursor = h->nsegs; }

enum tcp_state h_state(const struct harness *h)
{
    return h->sock ? sock_state(h->sock) : TCP_CLOSED;
}

/* ---- fixtures ------------------------------------------------------------ */

void h_listen(struct harness *h)
{
    h->lport = H_SERVER_PORT;
    h->rport = 50000;
    assert_int_equal(sock_listen(h->local, H_SERVER_PORT, 0, &h->listener), TS_OK);
    h->sock = h->listener;
    assert_int_equal(h_state(h), TCP_LISTEN);
}

void h_syn_sent(struct harness *h)
{
    h->lport = H_CLIENT_PORT;
    h->rport = H_SERVER_PORT;
    assert_int_equal(sock_connect(h->local, H_PEER_ADDR, H_SERVER_PORT, H_CLIENT_PORT, &h->sock),
                     TS_OK);
    assert_int_equal(h_pending(h), 1);
    h->iss = h->segs[h->cursor].seq;
    h_expect(h, H_S, h->iss, 0);
    assert_int_equal(h_state(h), TCP_SYN_SENT);
}

void h_syn_recv_passive(struct harness *h)
{
    h_listen(h);
    h_inject(h, H_S, H_IRS, 0, 0, H_WIN);
    assert_int_equal(h_pending(h), 1);
    h->iss = h->segs[h->cursor].seq;
    h_expect(h, H_SA, h->iss, H_IRS + 1);
    h->sock = host_find_conn(h->local, h->lport, H_PEER_ADDR, h->rport);
    assert_non_null(h->sock);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
}

void h_syn_recv_active(struct harness *h)
{
    h_syn_sent(h);
    h_inject(h, H_S, H_IRS, 0, 0, H_WIN);
    h_expect(h, H_SA, h->iss, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
}

void h_established(struct harness *h)
{
    if (h->passive) {
        h_syn_recv_passive(h);
        h_run_for(h, h->rtt);
        h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
        assert_int_equal(h->accepted_count, 1);
        assert_ptr_equal(h->accepted_child, h->sock);
    } else {
        h_syn_sent(h);
        h_run_for(h, h->rtt);
        h_inject(h, H_SA, H_IRS, h->iss + 1, 0, H_WIN);
        h_expect(h, H_A, h->iss + 1, H_IRS + 1);
        assert_int_equal(h->connected_count, 1);
        assert_int_equal(h->connected_err, TS_OK);
    }
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
}

void h_fin_wait1(struct harness *h)
{
    h_established(h);
    assert_int_equal(sock_shutdown(h->sock, 2), TS_OK);
    h_expect(h, H_FA, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_FIN_WAIT1);
}

void h_fin_wait2(struct harness *h)
{
    h_fin_wait1(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 2, 0, H_WIN);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_FIN_WAIT2);
}

void h_close_wait(struct harness *h)
{
    h_established(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 1, 0, H_WIN);
    assert_int_equal(h_state(h), TCP_CLOSE_WAIT);
    /* The ACK of the FIN may be delayed (RFC 1122 4.2.3.2). */
    h_run_for(h, h->local->params.delack_time);
    h_expect(h, H_A, h->iss + 1, H_IRS + 2);
    h_expect_none(h);
}

void h_closing(struct harness *h)
{
    h_fin_wait1(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 1, 0, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_CLOSING);
}

void h_last_ack(struct harness *h)
{
    h_close_wait(h);
    assert_int_equal(sock_shutdown(h->sock, 2), TS_OK);
    h_expect(h, H_FA, h->iss + 1, H_IRS + 2);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_LAST_ACK);
}

void h_time_wait(struct harness *h)
{
    h_fin_wait2(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 2, 0, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
}
