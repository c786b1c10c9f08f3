/* Each way Linux differs from the RFCs is one tcp_params field (README
 * "Where Linux differs"). For every such rule, one table row: its field,
 * the value each profile gives it, and a probe that drives the real code
 * and checks which side of the rule is in force. Each row runs four times:
 * both profiles as they are, and both with that one field flipped, which
 * must switch that one behaviour to the other profile's. */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

#include <stdio.h>
#include <string.h>

/* The probes: `linux_rule` says which side of the rule must be seen. */
typedef void (*rule_probe)(struct harness *h, bool linux_rule);

struct rule {
    const char *param;     /* the tcp: key, also the field's name */
    const char *behaviour; /* what flipping it switches */
    size_t offset;         /* of a one-byte field (bool or enum in uint8_t) */
    uint8_t rfc, lnx;      /* each profile's default */
    rule_probe probe;
};

_Static_assert(sizeof(bool) == 1, "rules are one-byte fields");

/* ---- helpers --------------------------------------------------------------- */

/* A window of 1000 octets under either receive-window model (Linux counts
 * half of the buffer as window), filled by the peer: RCV.WND = 0. */
static void h_established_zero_window(struct harness *h)
{
    h->local->params.rcvbuf = h->local->params.rcv_window == TCP_RCV_WINDOW_LINUX ? 2000 : 1000;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 1000, H_WIN);
    h_run_for(h, SIM_S(1));
    const struct tcp_segment *a = h_expect(h, H_A, h->iss + 1, H_IRS + 1001);
    assert_int_equal(a->win, 0);
    h_expect_none(h);
}

/* The peer's window closed with 100 octets queued to send. */
static void h_zero_window_with_data(struct harness *h)
{
    h_established(h);
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, 0);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_expect_none(h);
}

/* A RST the connection sends itself: its form is rst_ack_on_abort's. */
static void h_expect_our_rst(struct harness *h, tcp_seq seq, tcp_seq ack)
{
    if (h->local->params.rst_ack_on_abort)
        h_expect(h, H_RA, seq, ack);
    else
        h_expect(h, H_R, seq, 0);
}

struct notes {
    size_t count;
    size_t segs; /* segments the local host had sent at the first note */
    const char *text;
    struct harness *h;
};

static void note_sink(void *ctx, const struct trace_event *ev)
{
    struct notes *n = ctx;
    if (ev->kind != TRACE_NOTE)
        return;
    if (n->count++ == 0) {
        n->segs = n->h->nsegs;
        n->text = ev->u.note.text;
    }
}

/* ---- resets and the errors they report ------------------------------------ */

static void probe_rcv_window(struct harness *h, bool linux_rule)
{
    h->local->params.rcvbuf = 131072; /* the same buffer either way */
    h_syn_sent(h);
    /* Linux tcp_select_initial_window: half of it, rounded down to the MSS;
     * RFC 9293: the whole buffer, as much as an unscaled SYN can say. */
    assert_int_equal(h->segs[0].win, linux_rule ? 64240 : 65535);
}

static void probe_rst_ack_on_abort(struct harness *h, bool linux_rule)
{
    h_established(h);
    assert_int_equal(sock_abort(h->sock), TS_OK);
    if (linux_rule)
        h_expect(h, H_RA, h->iss + 1, H_IRS + 1);
    else
        h_expect(h, H_R, h->iss + 1, 0);
    h_expect_none(h);
}

static void probe_syn_recv_rst_econnreset(struct harness *h, bool linux_rule)
{
    h_syn_recv_active(h);
    h_inject(h, H_R, H_IRS + 1, 0, 0, 0);
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->connected_err, linux_rule ? TS_ECONNRESET : TS_ECONNREFUSED);
}

static void probe_close_wait_rst_epipe(struct harness *h, bool linux_rule)
{
    h_close_wait(h);
    h_inject(h, H_R, H_IRS + 2, 0, 0, 0);
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_err, linux_rule ? TS_EPIPE : TS_ECONNRESET);
}

static void probe_keepalive_rst_on_timeout(struct harness *h, bool linux_rule)
{
    h->local->params.keepalive_time = SIM_S(10);
    h->local->params.keepalive_intvl = SIM_S(1);
    h->local->params.keepalive_probes = 2;
    h_established(h);
    sock_set_keepalive(h->sock, true);
    h_run_until(h, SIM_S(20));
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_err, TS_ETIMEDOUT);
    h_expect(h, H_A, h->iss, H_IRS + 1);
    h_expect(h, H_A, h->iss, H_IRS + 1);
    if (linux_rule)
        h_expect_our_rst(h, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
}

static void probe_listen_close_resets_children(struct harness *h, bool linux_rule)
{
    h_syn_recv_passive(h);
    /* handshaken, not accepted: host_input runs no deferred accept */
    struct tcp_segment ack = h_seg(h, H_A, H_IRS + 1, h->iss + 1, 0, H_WIN);
    host_input(h->local, &ack);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
    assert_int_equal(sock_close(h->listener), TS_OK);
    if (linux_rule)
        h_expect_our_rst(h, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(host_count_in_state(h->local, TCP_ESTABLISHED), 0);
}

static void probe_linger_expiry_ewouldblock(struct harness *h, bool linux_rule)
{
    h_established(h);
    sock_set_linger(h->sock, (struct sock_linger){.on = true, .time = SIM_S(2)});
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    assert_int_equal(sock_close(h->sock), TS_EINPROGRESS);
    h_run_for(h, SIM_MS(2500)); /* nothing answered: the linger time runs out */
    assert_int_equal(h->close_done_count, 1);
    assert_int_equal(h->close_done_err, linux_rule ? TS_OK : TS_EAGAIN);
}

/* ---- SYNs ------------------------------------------------------------------ */

static void probe_synfin_to_listener_dropped(struct harness *h, bool linux_rule)
{
    h_listen(h);
    h_inject(h, TCP_SYN | TCP_FIN, H_IRS, 0, 0, H_WIN);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), linux_rule ? 0 : 1);
    if (!linux_rule)
        h_expect(h, H_SA, h->segs[h->cursor].seq, H_IRS + 1);
    h_expect_none(h);
}

static void probe_syn_recv_dup_syn_resends_synack(struct harness *h, bool linux_rule)
{
    h_syn_recv_passive(h);
    h_inject(h, H_S, H_IRS, 0, 0, H_WIN);
    if (linux_rule)
        h_expect(h, H_SA, h->iss, H_IRS + 1);
    else
        h_expect(h, H_A, h->iss + 1, H_IRS + 1); /* R-SEQ-05 ACK-reply */
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_SYN_RECV);
}

static void probe_syn_recv_syn_sends_rst(struct harness *h, bool linux_rule)
{
    h_syn_recv_passive(h);
    h_inject(h, H_S, H_IRS + 10, 0, 0, H_WIN);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_RECV), 0);
    if (linux_rule)
        h_expect(h, H_RA, 0, H_IRS + 11);
    h_expect_none(h);
}

static void probe_syn_recv_simopen_synack_completes(struct harness *h, bool linux_rule)
{
    h_syn_recv_active(h);
    h_inject(h, H_SA, H_IRS, h->iss + 1, 0, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(h_state(h), linux_rule ? TCP_ESTABLISHED : TCP_SYN_RECV);
}

static void probe_syn_sent_bad_ack_resends_syn(struct harness *h, bool linux_rule)
{
    h_syn_sent(h);
    h_inject(h, H_SA, H_IRS, h->iss + 5, 0, H_WIN);
    h_expect(h, H_R, h->iss + 5, 0);
    sim_time_t t = h_run_until_tx(h, SIM_S(5));
    h_expect(h, H_S, h->iss, 0);
    if (linux_rule)
        assert_true(t <= SIM_MS(10));
    else
        assert_int_equal(t, h->local->params.rto_initial);
}

static void probe_syn_recv_close_fin_wait1(struct harness *h, bool linux_rule)
{
    h_syn_recv_active(h);
    assert_int_equal(sock_send(h->sock, 50), TS_OK);
    assert_int_equal(sock_shutdown(h->sock, 2), TS_OK);
    if (linux_rule) {
        assert_int_equal(h_state(h), TCP_FIN_WAIT1);
        const struct tcp_segment *d = h_expect(h, H_PA | TCP_FIN, h->iss + 1, H_IRS + 1);
        assert_int_equal(d->len, 50);
    } else {
        assert_int_equal(h_state(h), TCP_SYN_RECV); /* the CLOSE waits for ESTABLISHED */
    }
    h_expect_none(h);
}

static void probe_syn_r1_on_second_timeout(struct harness *h, bool linux_rule)
{
    struct notes n = {.h = h};
    assert_int_equal(tracer_add(&h->net.tracer, (struct trace_sink){.emit = note_sink, .ctx = &n}),
                     0);
    h_syn_sent(h);
    h_run_until(h, SIM_S(100));
    assert_int_equal(n.count, 1);
    /* Linux: at the timeout after the first retransmission; RFC: after
     * retries1 (3) retransmissions. */
    assert_int_equal(n.segs, linux_rule ? 2 : 4);
}

/* ---- TIME_WAIT and the sequence check -------------------------------------- */

static void probe_time_wait_rst_challenge_ack(struct harness *h, bool linux_rule)
{
    h_time_wait(h);
    h_inject(h, H_R, H_IRS + 20, 0, 0, 0);
    if (!linux_rule)
        h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_TIME_WAIT);
}

static void probe_time_wait_old_syn_acked(struct harness *h, bool linux_rule)
{
    h->passive = true;
    h_time_wait(h);
    h_inject(h, H_S, H_IRS - 1000, 0, 0, H_WIN);
    if (linux_rule)
        h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_expect_none(h);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 1);
}

static void probe_fin_at_zero_window(struct harness *h, bool linux_rule)
{
    h_established_zero_window(h);
    h_inject(h, H_FA, H_IRS + 1001, h->iss + 1, 0, H_WIN);
    if (linux_rule) {
        assert_int_equal(h_state(h), TCP_CLOSE_WAIT);
    } else {
        h_expect(h, H_A, h->iss + 1, H_IRS + 1001); /* not acceptable: ACK-reply */
        assert_int_equal(h_state(h), TCP_ESTABLISHED);
    }
}

/* ---- zero-window probes ---------------------------------------------------- */

static void probe_persist_probe_zero_length(struct harness *h, bool linux_rule)
{
    h_zero_window_with_data(h);
    h_run_until_tx(h, SIM_S(100));
    const struct tcp_segment *p;
    if (linux_rule)
        p = h_expect(h, H_A, h->iss, H_IRS + 1);
    else
        p = h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    assert_int_equal(p->len, linux_rule ? 0 : 1);
    assert_int_equal(p->retransmit, SEG_PROBE_ZERO_WINDOW);
}

static void probe_persist_rearm_on_ack(struct harness *h, bool linux_rule)
{
    h_zero_window_with_data(h);
    sim_time_t t0 = h_now(h);
    sim_time_t first = h_run_until_tx(h, SIM_S(100));
    h_consume_all(h);
    h_run_for(h, SIM_MS(50));
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, 0); /* answered: still closed */
    sim_time_t second = h_run_until_tx(h, SIM_S(100));
    /* The next, backed-off interval counts from the ACK (Linux
     * tcp_ack_probe) or from the probe. */
    assert_int_equal(second - first, 2 * (first - t0) + (linux_rule ? SIM_MS(50) : 0));
}

static void probe_persist_timeout_from_first_probe(struct harness *h, bool linux_rule)
{
    h_zero_window_with_data(h);
    sock_set_user_timeout(h->sock, SIM_S(5));
    sim_time_t first = h_run_until_tx(h, SIM_S(100));
    sim_time_t end = first + SIM_S(5) + SIM_MS(500); /* past the first probe's deadline */
    do {
        h_consume_all(h);
        h_inject(h, H_A, H_IRS + 1, h->iss + 1, 0, 0); /* every probe answered at once */
    } while (h_state(h) != TCP_CLOSED && h_run_until_tx(h, end) >= 0);
    h_run_until(h, end);
    if (linux_rule) {
        assert_int_equal(h_state(h), TCP_CLOSED);
        assert_int_equal(h->failed_err, TS_ETIMEDOUT);
    } else {
        assert_int_equal(h_state(h), TCP_ESTABLISHED); /* RFC 1122 4.2.2.17 */
    }
}

/* ---- delayed ACKs and retries --------------------------------------------- */

static void probe_delack_one_mss(struct harness *h, bool linux_rule)
{
    /* Neither quick-acks nor window growth may send the ACK instead. */
    h->local->params.quickacks = 0;
    h->local->params.rcv_window = TCP_RCV_WINDOW_RFC9293;
    h_established(h);
    uint32_t mss = h->local->params.mss;
    h_inject(h, H_A, H_IRS + 1, h->iss + 1, mss, H_WIN);
    h_expect_none(h);
    h_inject(h, H_A, H_IRS + 1 + mss, h->iss + 1, 1, H_WIN); /* mss + 1 unacked */
    if (linux_rule)
        h_expect(h, H_A, h->iss + 1, H_IRS + 2 + mss);
    h_expect_none(h);
}

static void probe_delack_pingpong(struct harness *h, bool linux_rule)
{
    h->local->params.quickacks = 16;
    h->local->params.rcv_window = TCP_RCV_WINDOW_RFC9293;
    h_established(h);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 100, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 101); /* quick-ack */
    h_run_for(h, SIM_MS(5));
    assert_int_equal(sock_send(h->sock, 50), TS_OK); /* a quick reply */
    h_expect(h, H_PA, h->iss + 1, H_IRS + 101);
    h_inject(h, H_PA, H_IRS + 101, h->iss + 51, 100, H_WIN);
    if (!linux_rule)
        h_expect(h, H_A, h->iss + 51, H_IRS + 201); /* still quick-acked */
    h_expect_none(h);
}

static void probe_retries_time_based(struct harness *h, bool linux_rule)
{
    /* An RTO of 1 s, so 3 retransmissions (count) and 3 s of Linux's
     * 200 ms-based backoff (time) end at different moments. */
    h->local->params.rto_min = SIM_S(1);
    h->local->params.retries2 = 3;
    h_established(h);
    sock_set_user_timeout(h->sock, 0);
    sim_time_t t0 = h_now(h);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    h_run_until(h, t0 + SIM_S(100));
    assert_int_equal(h_state(h), TCP_CLOSED);
    assert_int_equal(h->failed_err, TS_ETIMEDOUT);
    /* the original and its retransmissions at 1 s (and 3 s, 7 s) */
    assert_int_equal(h_pending(h), linux_rule ? 2 : 4);
}

static void probe_syn_sent_close_econnreset(struct harness *h, bool linux_rule)
{
    h_syn_sent(h);
    assert_int_equal(sock_send(h->sock, 100), TS_OK);
    assert_int_equal(sock_shutdown(h->sock, 2), TS_OK);
    h_run_for(h, 0);
    assert_int_equal(h->connected_err, linux_rule ? TS_ECONNRESET : TS_EPIPE);
}

/* ---- issue 12: close, SHUT_RD and TIME_WAIT as Linux 6.18 answers ------------ */

static void probe_orphan_rst_reply(struct harness *h, bool linux_rule)
{
    h_established(h);
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_expect(h, H_FA, h->iss + 1, H_IRS + 1);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 10, H_WIN);
    if (linux_rule)
        h_expect(h, H_R, h->iss + 1, 0);
    else
        h_expect_our_rst(h, h->iss + 2, H_IRS + 1);
    h_expect_none(h);
}

static void probe_rst_window(struct harness *h, bool linux_rule)
{
    h->peer_ts = true;
    h->peer_tsval = 1000;
    h_established(h);
    assert_int_equal(sock_abort(h->sock), TS_OK);
    h_expect_our_rst(h, h->iss + 1, H_IRS + 1);
    const struct tcp_segment *r = h_last(h);
    assert_int_equal(r->win > 0, linux_rule);
    assert_int_equal((r->opts & TCP_OPT_TS) != 0, linux_rule && h->local->params.timestamps);
}

static void probe_shut_rd_keeps_data(struct harness *h, bool linux_rule)
{
    uint64_t got;
    bool eof;
    h_established(h);
    assert_int_equal(sock_shutdown(h->sock, 1), TS_OK);
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, 100, H_WIN);
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), linux_rule ? TS_OK : TS_EAGAIN);
    assert_int_equal(got, linux_rule ? 100 : 0);
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), linux_rule ? TS_OK : TS_EAGAIN);
    assert_int_equal(eof, linux_rule);
}

static void probe_tw_ack_all(struct harness *h, bool linux_rule)
{
    h_time_wait(h);
    h_inject(h, H_PA, H_IRS + 2, h->iss + 2, 100, H_WIN);
    if (linux_rule)
        h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_expect_none(h);
}

static void probe_tlp_in_syn_recv(struct harness *h, bool linux_rule)
{
    h->local->params.tlp = true;
    h->local->params.sack = true;
    h->peer_sack = true;
    h_syn_sent(h);
    h_inject(h, H_S, H_IRS, 0, 0, H_WIN);
    h_expect(h, H_SA, h->iss, H_IRS + 1);
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_expect(h, H_FA, h->iss + 1, H_IRS + 1);
    h_run_until_tx(h, h_now(h) + SIM_S(5));
    if (linux_rule)
        h_expect(h, H_FA, h->iss + 1, H_IRS + 1); /* the probe */
    else
        h_expect(h, H_SA, h->iss, H_IRS + 1);
}

static void probe_delack_ato(struct harness *h, bool linux_rule)
{
    h->passive = true;
    h_established(h);
    sim_time_t t0 = h_now(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 1, 0, H_WIN);
    h_run_until_tx(h, t0 + SIM_S(1));
    h_expect(h, H_A, h->iss + 1, H_IRS + 2);
    const struct tcp_params *p = &h->local->params;
    sim_time_t want = linux_rule ? tcp_jiffy(p) : p->delack_time;
    assert_int_equal(h_last_time(h), tcp_timer_expiry(p, t0, want));
}

/* ---- the table -------------------------------------------------------------- */

#define RULE(field, what, probe_fn)                                                                \
    {                                                                                              \
#field, what, offsetof(struct tcp_params, field), 0, 0, probe_fn                           \
    }

static struct rule rules[] = {
    RULE(rcv_window, "the SYN offers half the buffer, rounded to the MSS", probe_rcv_window),
    RULE(rst_ack_on_abort, "ABORT sends RST,ACK", probe_rst_ack_on_abort),
    RULE(syn_recv_rst_econnreset, "RST in SYN_RECV reports ECONNRESET",
         probe_syn_recv_rst_econnreset),
    RULE(close_wait_rst_epipe, "RST in CLOSE_WAIT reports EPIPE", probe_close_wait_rst_epipe),
    RULE(time_wait_rst_challenge_ack, "inexact RST in TIME_WAIT draws a challenge ACK",
         probe_time_wait_rst_challenge_ack),
    RULE(time_wait_old_syn_acked, "an old SYN in TIME_WAIT is ACKed",
         probe_time_wait_old_syn_acked),
    RULE(syn_recv_dup_syn_resends_synack, "a duplicate SYN in SYN_RECV re-sends the SYN,ACK",
         probe_syn_recv_dup_syn_resends_synack),
    RULE(syn_recv_syn_sends_rst, "a new SYN in SYN_RECV also draws RST,ACK",
         probe_syn_recv_syn_sends_rst),
    RULE(syn_recv_simopen_synack_completes, "the peer's SYN,ACK completes a simultaneous open",
         probe_syn_recv_simopen_synack_completes),
    RULE(synfin_to_listener_dropped, "SYN+FIN to a listener is dropped",
         probe_synfin_to_listener_dropped),
    RULE(fin_at_zero_window, "an in-order FIN is accepted at zero window",
         probe_fin_at_zero_window),
    RULE(persist_probe_zero_length, "the zero-window probe is empty at SND.UNA-1",
         probe_persist_probe_zero_length),
    RULE(persist_rearm_on_ack, "an answered probe re-arms the persist timer from the ACK",
         probe_persist_rearm_on_ack),
    RULE(persist_timeout_from_first_probe, "the user timeout ends answered probing",
         probe_persist_timeout_from_first_probe),
    RULE(delack_one_mss, "more than one MSS unacked is ACKed at once", probe_delack_one_mss),
    RULE(delack_pingpong, "a quick reply makes the next ACK wait", probe_delack_pingpong),
    RULE(keepalive_rst_on_timeout, "keep-alive gives up with RST,ACK",
         probe_keepalive_rst_on_timeout),
    RULE(syn_sent_bad_ack_resends_syn, "an unacceptable ACK in SYN_SENT re-sends the SYN soon",
         probe_syn_sent_bad_ack_resends_syn),
    RULE(linger_expiry_ewouldblock, "SO_LINGER expiry fails close() with EWOULDBLOCK",
         probe_linger_expiry_ewouldblock),
    RULE(retries_time_based, "retries2 is a time, not a count", probe_retries_time_based),
    RULE(syn_r1_on_second_timeout, "a SYN's R1 note comes at its second timeout",
         probe_syn_r1_on_second_timeout),
    RULE(syn_recv_close_fin_wait1, "CLOSE in SYN_RECV with data queued sends data and FIN",
         probe_syn_recv_close_fin_wait1),
    RULE(listen_close_resets_children, "closing a listener resets handshaken children",
         probe_listen_close_resets_children),
    RULE(orphan_rst_reply, "new data after close() draws R with SEQ = SEG.ACK",
         probe_orphan_rst_reply),
    RULE(rst_window, "our RST carries the receive window and timestamps", probe_rst_window),
    RULE(shut_rd_keeps_data, "after SHUT_RD read() returns 0 and later data is readable",
         probe_shut_rd_keeps_data),
    RULE(tw_ack_all, "data in TIME_WAIT draws an ACK", probe_tw_ack_all),
    RULE(delack_ato, "the ACK of a FIN without prior data leaves after one tick",
         probe_delack_ato),
    RULE(tlp_in_syn_recv, "a FIN sent in SYN_RECV gets a tail loss probe", probe_tlp_in_syn_recv),
    RULE(syn_sent_close_econnreset, "CLOSE in SYN_SENT fails the connect with ECONNRESET",
         probe_syn_sent_close_econnreset),
};
#define RULE_COUNT (sizeof rules / sizeof rules[0])

static uint8_t rule_get(const struct tcp_params *p, const struct rule *r)
{
    uint8_t v;
    memcpy(&v, (const char *)p + r->offset, 1);
    return v;
}

static void rule_set(struct tcp_params *p, const struct rule *r, uint8_t v)
{
    memcpy((char *)p + r->offset, &v, 1);
}

/* Both profiles as they are, and each with this one rule flipped. */
static void test_rule(void **state)
{
    const struct rule *r = *state;
    static const enum tcp_profile profiles[] = {TCP_PROFILE_RFC9293, TCP_PROFILE_LINUX};
    for (size_t i = 0; i < 2; i++) {
        for (int flip = 0; flip < 2; flip++) {
            struct harness *h = h_new(profiles[i]);
            bool linux_rule = (profiles[i] == TCP_PROFILE_LINUX) != flip;
            if (flip)
                rule_set(&h->local->params, r, linux_rule ? r->lnx : r->rfc);
            r->probe(h, linux_rule);
            h_free(h);
        }
    }
}

/* The two profiles differ in every rule, and the table knows each value. */
static void test_profiles_differ_in_every_rule(void **state)
{
    (void)state;
    struct tcp_params rfc, lin;
    tcp_params_defaults(&rfc, TCP_PROFILE_RFC9293);
    tcp_params_defaults(&lin, TCP_PROFILE_LINUX);
    for (size_t i = 0; i < RULE_COUNT; i++)
        assert_int_not_equal(rule_get(&rfc, &rules[i]), rule_get(&lin, &rules[i]));
}

int main(void)
{
    struct CMUnitTest tests[RULE_COUNT + 1];
    static char names[RULE_COUNT][160];
    struct tcp_params rfc, lin;
    tcp_params_defaults(&rfc, TCP_PROFILE_RFC9293);
    tcp_params_defaults(&lin, TCP_PROFILE_LINUX);
    tests[0] = (struct CMUnitTest){"test_profiles_differ_in_every_rule",
                                   test_profiles_differ_in_every_rule, NULL, NULL, NULL};
    for (size_t i = 0; i < RULE_COUNT; i++) {
        struct rule *r = &rules[i];
        r->rfc = rule_get(&rfc, r);
        r->lnx = rule_get(&lin, r);
        snprintf(names[i], sizeof names[i], "test_flipping_%s_alone: %s", r->param, r->behaviour);
        tests[i + 1] = (struct CMUnitTest){names[i], test_rule, NULL, NULL, r};
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
