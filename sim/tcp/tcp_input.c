/* SEGMENT ARRIVES (RFC 9293 3.10.7): one function per unsynchronized state
 * (LISTEN, SYN-SENT), then the synchronized states through the RFC's steps
 * in order — sequence check, RST, SYN, ACK, text, FIN — each a small
 * function that returns whether processing continues. */
#include <stdlib.h>
#include <string.h>

#include "tcp_internal.h"
#include "tcpsim/errors.h"

static bool linux_rcv_window(const struct tcb *tcb)
{
    return tcb_params(tcb)->rcv_window == TCP_RCV_WINDOW_LINUX;
}

/* RFC 7323 2.3 window scale: our shift is the smallest that lets the
 * receive buffer fit in 16 bits (Linux: the shift for its maximum buffer,
 * tcp_rmem[2], 7 by default; tcp_rcvwnd.c). */
uint8_t tcp_choose_wscale(const struct tcp_params *p, uint32_t rcvbuf)
{
    if (p->rcv_window == TCP_RCV_WINDOW_LINUX)
        return tcp_rcvwnd_wscale(p, rcvbuf);
    uint8_t shift = 0;
    while (shift < 14 && ((uint64_t)rcvbuf >> shift) > 65535)
        shift++;
    return shift;
}

/* Options of the peer's SYN (or SYN,ACK): MSS (RFC 9293 3.7.1; 536 when
 * absent), window scale and timestamps only when both sides offer them. */
static void take_syn_options(struct tcb *tcb, const struct tcp_segment *seg)
{
    const struct tcp_params *p = tcb_params(tcb);
    uint32_t peer_mss = (seg->opts & TCP_OPT_MSS) ? seg->mss : 536;
    tcb->mss = peer_mss < p->mss ? peer_mss : p->mss;
    if (tcb->mss < 64)
        tcb->mss = 64;
    tcb->ws_ok = p->window_scaling && (seg->opts & TCP_OPT_WSCALE);
    if (tcb->ws_ok) {
        tcb->snd_wscale = seg->wscale > 14 ? 14 : seg->wscale; /* RFC 7323 2.3 */
        tcb->rcv_wscale = tcp_choose_wscale(p, tcb->rcvbuf);
    } else {
        tcb->snd_wscale = 0;
        tcb->rcv_wscale = 0;
    }
    tcb->ts_ok = p->timestamps && (seg->opts & TCP_OPT_TS);
    if (tcb->ts_ok)
        tcb->ts_recent = seg->tsval;
    tcb->sack_ok = p->sack && (seg->opts & TCP_OPT_SACK_PERM);
}

static void send_rst_for(struct host *host, const struct tcp_segment *seg)
{
    tcp_reply_rst(host, seg);
}

/* ------------------------------------------------------------------ LISTEN */

/* A new embryonic connection, born from its listener in LISTEN. */
static struct tcb *spawn_child(struct tcb *listener, const struct tcp_segment *seg, tcp_seq iss)
{
    struct host *host = listener->host;
    struct tcb *child = tcb_new(host);
    if (!child)
        return NULL;
    child->parent = listener;
    child->passive = true; /* MUST-11: remember the passive origin */
    child->local_port = listener->local_port;
    child->remote_addr = seg->src_addr;
    child->remote_port = seg->src_port;
    child->keepalive_on = listener->keepalive_on;
    child->reuseaddr = listener->reuseaddr;
    child->linger_on = listener->linger_on;
    child->linger_time = listener->linger_time;
    child->nodelay = listener->nodelay;
    /* Linux sk_clone_lock: the child starts with the listener's socket
     * options (buffers, TCP_USER_TIMEOUT, keep-alive timing). */
    child->rcvbuf = listener->rcvbuf;
    child->rcvbuf_locked = listener->rcvbuf_locked;
    child->sndbuf = listener->sndbuf;
    child->user_timeout = listener->user_timeout;
    child->ka_time = listener->ka_time;
    child->ka_intvl = listener->ka_intvl;
    child->ka_probes_max = listener->ka_probes_max;
    tcp_set_state_untraced(child, TCP_LISTEN, TCP_STATE_COUNTED);
    if (host_insert_conn(host, child) != 0) {
        tcp_set_state_untraced(child, TCP_CLOSED, TCP_STATE_COUNTED);
        tcb_free(child);
        return NULL;
    }
    child->iss = iss;
    child->snd_una = iss;
    child->snd_nxt = iss;
    child->snd_max = iss;
    child->irs = seg->seq;
    child->rcv_nxt = seg->seq + 1;
    child->rcv_adv = child->rcv_nxt;
    take_syn_options(child, seg);
    child->snd_wnd = seg->win; /* unscaled in a SYN (RFC 7323 2.2) */
    child->snd_wl1 = seg->seq;
    child->snd_wl2 = seg->ack;
    child->max_snd_wnd = child->snd_wnd;
    child->last_rcv_time = tcp_now(child);
    listener->syn_queue++;
    listener->syn_young++;
    return child;
}

/* A SYN cookie SYN,ACK (RFC 4987 3.6, Linux tcp_conn_request with
 * want_cookie): <SEQ=cookie><ACK=SEG.SEQ+1><CTL=SYN,ACK>, MSS only, and
 * nothing remembered. */
static void send_cookie_synack(struct tcb *listener, const struct tcp_segment *syn)
{
    const struct tcp_params *p = tcb_params(listener);
    struct tcp_segment sa;
    uint32_t peer_mss;
    memset(&sa, 0, sizeof sa);
    sa.src_addr = syn->dst_addr;
    sa.dst_addr = syn->src_addr;
    sa.src_port = syn->dst_port;
    sa.dst_port = syn->src_port;
    sa.seq = tcp_cookie_isn(listener->host, syn, &peer_mss);
    sa.ack = syn->seq + 1;
    sa.flags = TCP_SYN | TCP_ACK;
    sa.opts = TCP_OPT_MSS;
    sa.mss = (uint16_t)p->mss;
    sa.win = (uint16_t)(p->rcvbuf > 65535 ? 65535 : p->rcvbuf);
    if (p->rcv_window == TCP_RCV_WINDOW_LINUX) /* tcp_openreq_init_rwin */
        sa.win = (uint16_t)tcp_rcvwnd_initial(p->rcvbuf, p->mss);
    listener->cookie_sent = true; /* Linux tcp_synq_overflow */
    listener->last_cookie_at = tcp_now(listener);
    host_output(listener->host, &sa, listener->id);
}

/* RFC 9293 3.10.7.2 (third): accept a SYN, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>,
 * within the listen queues' limits (tcp_listen.c). */
void tcp_listen_accept_syn(struct tcb *listener, const struct tcp_segment *seg, tcp_seq iss,
                           bool tw_reuse)
{
    switch (tcp_listen_admit(listener, seg, tw_reuse)) {
    case LISTEN_DROP: return;
    case LISTEN_COOKIE: send_cookie_synack(listener, seg); return;
    case LISTEN_QUEUE: break;
    }
    struct tcb *child = spawn_child(listener, seg, iss);
    if (!child)
        return;
    tcp_set_state(child, TCP_SYN_RECV);
    tcp_send_syn(child, SEG_FIRST);
    tcp_arm_rexmit(child);
}

/* Linux cookie_v4_check: an ACK to a listener that returns one of our
 * cookies becomes a child at once, through SYN_RECV to ESTABLISHED in the
 * same instant, with the options the cookie kept (the MSS). Returns whether
 * the segment was taken; if not, the listener resets it. */
static bool listen_cookie_ack(struct tcb *listener, const struct tcp_segment *seg)
{
    /* Linux tcp_synq_no_recent_overflow: ACKs are only checked as cookies
     * within TCP_SYNCOOKIE_VALID (2 min) of the last cookie sent. */
    if (!listener->cookie_sent || tcp_now(listener) - listener->last_cookie_at > SIM_S(120))
        return false;
    uint32_t mss = tcp_cookie_check(listener->host, seg);
    if (mss == 0)
        return false;
    if (tcp_listen_acceptq_full(listener)) {
        host_trace_drop(listener->host, seg, listener->id, DROP_ACCEPT_QUEUE_FULL);
        return true;
    }
    struct tcp_segment syn = *seg; /* the SYN the cookie stands for */
    syn.seq = seg->seq - 1;
    syn.ack = 0;
    syn.flags = TCP_SYN;
    syn.len = 0;
    syn.opts = TCP_OPT_MSS;
    syn.mss = (uint16_t)mss;
    struct tcb *child = spawn_child(listener, &syn, seg->ack - 1);
    if (!child)
        return true;
    const struct tcp_params *p = tcb_params(listener);
    child->snd_nxt = child->iss + 1; /* the cookie SYN,ACK was sent */
    child->snd_max = child->iss + 1;
    child->rcv_adv = child->rcv_nxt + (p->rcvbuf > 65535 ? 65535 : p->rcvbuf);
    if (p->rcv_window == TCP_RCV_WINDOW_LINUX) /* the window the cookie SYN,ACK offered */
        child->rcv_adv = child->rcv_nxt + tcp_rcvwnd_syn(child, true);
    tcp_trace_note(child, "valid SYN cookie: connection made from the ACK alone");
    tcp_set_state(child, TCP_SYN_RECV);
    tcp_input(child, seg);
    return true;
}

void tcp_input_listen(struct tcb *listener, const struct tcp_segment *seg)
{
    if (seg->flags & TCP_RST)
        return; /* first: an incoming RST is ignored */
    if (seg->flags & TCP_ACK) {
        if (!(seg->flags & TCP_SYN) && tcb_params(listener)->syncookies &&
            listen_cookie_ack(listener, seg))
            return;
        send_rst_for(listener->host, seg); /* second: <SEQ=SEG.ACK><CTL=RST> */
        return;
    }
    if (!(seg->flags & TCP_SYN))
        return; /* fourth: anything else is dropped */
    /* Linux drops SYN+FIN silently; the RFC would queue the FIN. */
    if ((seg->flags & TCP_FIN) && tcb_params(listener)->synfin_to_listener_dropped)
        return;
    tcp_listen_accept_syn(listener, seg, tcp_new_isn(listener->host), false);
}

/* -------------------------------------------------------------- SYN-SENT */

/* The end of the handshake, however it ended (the peer's SYN,ACK in
 * SYN-SENT, the ACK of our SYN,ACK in SYN-RECEIVED): written once. */
static void handshake_done(struct tcb *tcb, enum tcp_state from)
{
    tcp_set_state(tcb, TCP_ESTABLISHED);
    if (from == TCP_SYN_SENT)
        tcp_stop_rexmit(tcb); /* our SYN is ACKed (SYN-RECEIVED: ack_update stops it) */
    tcb->retransmits = 0;
    /* RFC 6298 (5.7): after a SYN timeout, data starts with RTO >= 3 s. */
    if (tcb->syn_timed_out && tcb->rto < SIM_S(3))
        tcb->rto = SIM_S(3);
    tcp_cc_init(tcb);
    if (linux_rcv_window(tcb))
        tcp_rcvwnd_established(tcb);
    if (tcb->wr_shut)                      /* (only ever set by then in SYN-RECEIVED) */
        tcp_set_state(tcb, TCP_FIN_WAIT1); /* R-SYNRCVD-05: the queued CLOSE */
    tcp_arm_keepalive(tcb);
    if (!tcb->passive)
        tcp_notify_connected(tcb, TS_OK);
}

/* RFC 6298 Karn: a sample only from a segment sent once. */
static void maybe_sample_rtt(struct tcb *tcb, tcp_seq ack)
{
    if (tcb->rtt_timing && seq_gt(ack, tcb->rtt_seq)) {
        tcb->rtt_timing = false;
        tcp_rtt_sample(tcb, tcp_now(tcb) - tcb->rtt_start);
    }
}

static void input_syn_sent(struct tcb *tcb, const struct tcp_segment *seg)
{
    bool ack_ok = false;
    if (seg->flags & TCP_ACK) {
        /* first: SEG.ACK =< ISS or SEG.ACK > SND.NXT is unacceptable */
        if (seq_le(seg->ack, tcb->iss) || seq_gt(seg->ack, tcb->snd_max)) {
            if (!(seg->flags & TCP_RST)) {
                send_rst_for(tcb->host, seg);
                /* Linux re-arms the SYN timer almost at once (R-SYNSENT-07). */
                if (tcb_params(tcb)->syn_sent_bad_ack_resends_syn)
                    tcp_arm_syn_retry(tcb, SIM_MS(2));
            }
            return;
        }
        ack_ok = seq_lt(tcb->snd_una, seg->ack) && seq_le(seg->ack, tcb->snd_max);
    }
    if (seg->flags & TCP_RST) {
        /* second: RST with an acceptable ACK refuses the connection. */
        if (ack_ok)
            tcp_drop(tcb, TS_ECONNREFUSED);
        return;
    }
    if (!(seg->flags & TCP_SYN))
        return; /* fifth: neither SYN nor RST */

    /* fourth: SYN */
    tcb->irs = seg->seq;
    tcb->rcv_nxt = seg->seq + 1;
    tcb->rcv_adv = tcb->rcv_nxt;
    if (linux_rcv_window(tcb)) /* Linux: rcv_wnd from tcp_connect_init, now at RCV.NXT */
        tcb->rcv_adv += tcb->rcv_ssthresh;
    take_syn_options(tcb, seg);
    tcb->last_rcv_time = tcp_now(tcb);
    if (ack_ok) {
        tcb->snd_una = seg->ack;
        tcb->syn_acked = true;
        maybe_sample_rtt(tcb, seg->ack);
        tcb->snd_wnd = seg->win; /* SYN windows are never scaled */
        tcb->max_snd_wnd = tcb->snd_wnd;
        tcb->snd_wl1 = seg->seq;
        tcb->snd_wl2 = seg->ack;
        handshake_done(tcb, TCP_SYN_SENT);
        tcp_send_ack(tcb); /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
        tcp_output(tcb);
        return;
    }
    /* Simultaneous open (Figure 7): SYN-RECEIVED, send SYN,ACK. */
    tcb->snd_wnd = seg->win;
    tcb->snd_wl1 = seg->seq;
    tcb->snd_wl2 = seg->ack;
    tcp_set_state(tcb, TCP_SYN_RECV);
    tcp_send_syn(tcb, SEG_FIRST);
    tcp_arm_rexmit(tcb);
}

/* ------------------------------------------------- synchronized states */

enum verdict { GO_ON, DONE };

static uint32_t rcv_wnd(const struct tcb *tcb)
{
    return seq_gt(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt : 0;
}

/* Whether a rate-limited ACK may leave now; if so the stamp moves. Linux
 * keeps one stamp per socket (tp->last_oow_ack_time) for both challenge
 * ACKs and out-of-window ACK-replies (__tcp_oow_rate_limited). */
static bool ack_rate_allows(struct tcb *tcb, sim_time_t interval)
{
    sim_time_t now = tcp_now(tcb);
    if (interval && now - tcb->last_challenge_ack < interval)
        return false;
    tcb->last_challenge_ack = now;
    return true;
}

/* RFC 5961 7 / Linux tcp_invalid_ratelimit: at most one challenge ACK per
 * interval per socket. */
static void send_challenge_ack(struct tcb *tcb)
{
    if (ack_rate_allows(tcb, tcb_params(tcb)->challenge_ack_interval))
        tcp_send_ack(tcb);
}

/* R-SEQ-05 ACK-reply to an unacceptable segment. Linux tcp_oow_rate_limited:
 * one carrying data or a FIN (SEG.LEN > 0, no SYN) is always answered, as
 * it cannot be part of an ACK loop; a pure ACK or a SYN at most once per
 * oow_ack_interval (tcp_invalid_ratelimit). */
static void send_oow_ack(struct tcb *tcb, const struct tcp_segment *seg)
{
    if ((segment_seq_len(seg) > 0 && !(seg->flags & TCP_SYN)) ||
        ack_rate_allows(tcb, tcb_params(tcb)->oow_ack_interval))
        tcp_send_ack(tcb);
}

/* RFC 9293 3.10.7.4 Table 6: the four cases of segment acceptability.
 * A zero-length segment may also sit at the window's right edge: a peer
 * that sent the whole window, all of it lost, sends its ACKs with SEQ =
 * the highest sequence sent, RCV.NXT + RCV.WND, and they must be read
 * ("special allowance should be made to accept valid ACKs"; BSD's todrop
 * and Linux's tcp_sequence both take seq <= RCV.NXT + RCV.WND). */
bool tcp_seq_acceptable(tcp_seq nxt, uint32_t wnd, const struct tcp_segment *seg,
                        bool fin_at_zero_window)
{
    uint32_t len = segment_seq_len(seg);
    if (len == 0) {
        if (wnd == 0)
            return seg->seq == nxt;
        return seq_le(nxt, seg->seq) && seq_le(seg->seq, nxt + wnd);
    }
    if (wnd == 0) {
        /* Linux accepts an in-order FIN at zero window (R-SEQ-03). */
        return fin_at_zero_window && seg->len == 0 && (seg->flags & TCP_FIN) && seg->seq == nxt;
    }
    tcp_seq last = seg->seq + len - 1;
    return (seq_le(nxt, seg->seq) && seq_lt(seg->seq, nxt + wnd)) ||
           (seq_le(nxt, last) && seq_lt(last, nxt + wnd));
}

/* Linux tcp_sequence (6.x): an acceptable segment that ends past the right
 * edge of the receive window is taken only while the receive queue is
 * empty (then whole: step 7 does not trim it); otherwise it is dropped
 * whole and answered with an ACK (`. 1:1(0) ack 4001 win 5000`), where
 * RFC 9293 3.10.7.4 trims it to the window (R-SEQ-06). */
static bool past_right_edge_dropped(const struct tcb *tcb, const struct tcp_segment *seg)
{
    uint32_t wnd = rcv_wnd(tcb);
    if (!tcb_params(tcb)->window_edge_drop || wnd == 0)
        return false;
    tcp_seq end = seg->seq + segment_seq_len(seg);
    return seq_gt(end, tcb->rcv_nxt + wnd) && tcb->rcv_queued > 0;
}

static enum verdict step1_sequence(struct tcb *tcb, const struct tcp_segment *seg)
{
    const struct tcp_params *p = tcb_params(tcb);
    if (tcp_seq_acceptable(tcb->rcv_nxt, rcv_wnd(tcb), seg, p->fin_at_zero_window) &&
        !past_right_edge_dropped(tcb, seg))
        return GO_ON;
    if (tcb->state == TCP_SYN_RECV && tcb->passive && p->syn_recv_dup_syn_resends_synack &&
        (seg->flags & TCP_SYN) && !(seg->flags & TCP_ACK) && seg->seq == tcb->irs) {
        /* Linux: a duplicate of the original SYN re-sends the SYN,ACK. */
        tcp_send_syn(tcb, SEG_REXMIT_RTO);
        return DONE;
    }
    if (tcb->state == TCP_SYN_RECV && !tcb->passive && p->syn_recv_simopen_synack_completes &&
        (seg->flags & (TCP_SYN | TCP_ACK | TCP_RST)) == (TCP_SYN | TCP_ACK) &&
        seg->seq == tcb->irs && seg->ack == tcb->snd_max && seg->len == 0) {
        /* R-SYNRCVD-15 (Linux): the peer's SYN,ACK in a simultaneous open
         * (RFC 9293 Figure 7) is ACKed and, in the fifth step, completes it;
         * its SYN is a duplicate: `sack 0:1` (tcp_send_dupack). */
        tcp_sack_note_dsack(tcb, seg->seq, seg->seq + 1);
        tcp_send_ack(tcb);
        return GO_ON;
    }
    if (!(seg->flags & TCP_RST)) {
        /* RFC 2883 (Linux tcp_send_dupack): data or a FIN below RCV.NXT is a
         * duplicate: reported with a D-SACK block, and ACKs go at once. A
         * SYN draws a plain (challenge) ACK (tcp_validate_incoming). */
        uint32_t len = segment_seq_len(seg);
        if (len > 0 && !(seg->flags & TCP_SYN) && seq_lt(seg->seq, tcb->rcv_nxt)) {
            tcp_sack_note_dsack(tcb, seg->seq, seq_min(seg->seq + len, tcb->rcv_nxt));
            tcp_delack_enter_quickack(tcb);
        }
        send_oow_ack(tcb, seg); /* R-SEQ-05: ACK-reply, then drop */
    }
    return DONE;
}

static int reset_error(const struct tcb *tcb)
{
    const struct tcp_params *p = tcb_params(tcb);
    if (tcb->state == TCP_SYN_RECV) /* R-SYNRCVD-12 */
        return p->syn_recv_rst_econnreset ? TS_ECONNRESET : TS_ECONNREFUSED;
    if (tcb->state == TCP_CLOSE_WAIT && p->close_wait_rst_epipe)
        return TS_EPIPE; /* R-CW-07 */
    return TS_ECONNRESET;
}

/* RFC 9293 3.10.7.4 second check (RFC 5961 3.2). */
static enum verdict step2_rst(struct tcb *tcb, const struct tcp_segment *seg)
{
    if (!(seg->flags & TCP_RST))
        return GO_ON;
    const struct tcp_params *p = tcb_params(tcb);
    if (seg->seq != tcb->rcv_nxt && p->challenge_ack) {
        send_challenge_ack(tcb); /* in window but not exact */
        return DONE;
    }
    switch (tcb->state) {
    case TCP_SYN_RECV:
        if (tcb->passive) {
            /* Passive origin: back to LISTEN, the user is not told. */
            tcp_return_to_listen(tcb);
        } else {
            tcp_drop(tcb, reset_error(tcb));
        }
        return DONE;
    case TCP_CLOSING:
    case TCP_LAST_ACK: tcp_close_tcb(tcb); return DONE;
    default: tcp_drop(tcb, reset_error(tcb)); return DONE;
    }
}

/* Fourth check: a SYN in a synchronized state (RFC 5961 4.2). */
static enum verdict step4_syn(struct tcb *tcb, const struct tcp_segment *seg)
{
    if (!(seg->flags & TCP_SYN))
        return GO_ON;
    if (tcb->state == TCP_SYN_RECV && tcb->passive) {
        /* Passive: return to LISTEN. Linux also sends an RFC 793 reset. */
        if (tcb_params(tcb)->syn_recv_syn_sends_rst) {
            struct tcp_segment rst;
            memset(&rst, 0, sizeof rst);
            rst.src_addr = seg->src_addr;
            rst.dst_addr = seg->dst_addr;
            rst.src_port = seg->src_port;
            rst.dst_port = seg->dst_port;
            rst.seq = seg->seq;
            rst.flags = TCP_SYN;
            send_rst_for(tcb->host, &rst);
        }
        tcp_return_to_listen(tcb);
        return DONE;
    }
    if (tcb->state == TCP_SYN_RECV && !tcb->passive && (seg->flags & TCP_ACK) &&
        seg->seq + 1 == tcb->rcv_nxt && seg->ack == tcb->snd_max) {
        return GO_ON; /* Linux: the peer's SYN,ACK completes the simultaneous open */
    }
    if (tcb_params(tcb)->challenge_ack) {
        send_challenge_ack(tcb);
        return DONE;
    }
    /* RFC 793: an in-window SYN is an error: reset and abort. */
    tcp_send_rst(tcb);
    tcp_drop(tcb, TS_ECONNRESET);
    return DONE;
}

static bool our_fin_acked(const struct tcb *tcb)
{
    return tcb->fin_sent && tcb->snd_una == tcb->snd_max && tcb->snd_una == tcb->snd_nxt &&
           tcb->snd_una_off == tcb->snd_written;
}

/* Accounts newly acknowledged octets: data, then our FIN. */
static void advance_snd_una(struct tcb *tcb, tcp_seq ack)
{
    uint32_t acked = ack - tcb->snd_una;
    if (!tcb->syn_acked && acked > 0) {
        acked--; /* the first acknowledged sequence number was our SYN */
        tcb->syn_acked = true;
    }
    uint64_t data_left = tcb->snd_written - tcb->snd_una_off;
    uint32_t data_acked = acked;
    if (data_acked > data_left)
        data_acked = (uint32_t)data_left; /* the rest is our FIN */
    tcb->snd_una_off += data_acked;
    tcb->snd_una = ack;
    if (seq_lt(tcb->snd_nxt, tcb->snd_una))
        tcb->snd_nxt = tcb->snd_una;
}

/* RFC 9293 3.10.7.4 (fifth), ESTABLISHED: SND.WL1/SND.WL2 rule. Returns
 * whether the window was updated. */
static bool update_send_window(struct tcb *tcb, const struct tcp_segment *seg)
{
    if (!(seq_lt(tcb->snd_wl1, seg->seq) ||
          (tcb->snd_wl1 == seg->seq && seq_le(tcb->snd_wl2, seg->ack))))
        return false;
    uint32_t old = tcb->snd_wnd;
    tcb->snd_wnd = (uint32_t)seg->win << tcb->snd_wscale;
    tcb->snd_wl1 = seg->seq;
    tcb->snd_wl2 = seg->ack;
    if (tcb->snd_wnd > tcb->max_snd_wnd)
        tcb->max_snd_wnd = tcb->snd_wnd;
    tcp_persist_on_ack(tcb, old); /* R-ZWP-06: re-opened, stop probing */
    return true;
}

/* SND.UNA advances; returns the data octets newly acknowledged. */
static uint32_t on_new_ack(struct tcb *tcb, const struct tcp_segment *seg)
{
    uint64_t data_before = tcb->snd_una_off;
    maybe_sample_rtt(tcb, seg->ack);
    advance_snd_una(tcb, seg->ack);
    uint32_t acked = (uint32_t)(tcb->snd_una_off - data_before); /* data octets only */
    tcb->retransmits = 0;
    tcb->dupacks = 0;
    if (acked > 0) {
        tcp_cc_pkts_acked(tcb, seg); /* Linux: pkts_acked before cong_avoid */
        tcp_cc_on_ack(tcb, acked);
    }
    if (tcb->snd_una == tcb->snd_max)
        tcp_stop_rexmit(tcb); /* RFC 6298 (5.2) */
    else if (!tcb->in_recovery)
        tcp_arm_rexmit(tcb); /* (5.3) */
    return acked;
}

static bool is_dup_ack(const struct tcb *tcb, const struct tcp_segment *seg)
{
    /* RFC 5681 2: same ACK, no data, no SYN/FIN, same window, data outstanding.
     * An ACK that only reports a duplicate (D-SACK) is not one (Linux
     * FLAG_DSACKING_ACK in tcp_ack). */
    tcp_seq ds, de;
    if (tcb->sack_ok && tcb_params(tcb)->dsack && tcp_sack_dsack_of(seg, &ds, &de) &&
        seg->nsack == 1)
        return false;
    return seg->ack == tcb->snd_una && seg->len == 0 && !(seg->flags & (TCP_SYN | TCP_FIN)) &&
           ((uint32_t)seg->win << tcb->snd_wscale) == tcb->snd_wnd &&
           tcb->snd_una != tcb->snd_max &&
           tcb->rtx_mode != TCP_RTX_PROBE0; /* BSD: not while probing a zero window */
}

/* What an acceptable ACK did, as Linux's tcp_ack returns FLAG_* bits:
 * computed once by ack_update, read by the steps after it. */
enum ack_flag {
    ACK_SND_UNA_ADVANCED = 1u << 0, /* SND.UNA moved (FLAG_SND_UNA_ADVANCED) */
    ACK_DATA_ACKED = 1u << 1,       /* new data octets acknowledged (FLAG_DATA_ACKED) */
    ACK_DUP = 1u << 2,              /* a duplicate ACK by RFC 5681 2 */
    ACK_WIN_UPDATE = 1u << 3,       /* SND.WND updated (FLAG_WIN_UPDATE) */
    ACK_FIN_ACKED = 1u << 4,        /* all we sent is acknowledged, our FIN included */
};

/* SYN-RECEIVED: the ACK of our SYN,ACK completes the handshake (RFC 9293
 * 3.10.7.4 fifth); a passive child moves to its listener's accept queue. */
static enum verdict syn_recv_ack(struct tcb *tcb, const struct tcp_segment *seg)
{
    if (!(seq_lt(tcb->snd_una, seg->ack) && seq_le(seg->ack, tcb->snd_max))) {
        send_rst_for(tcb->host, seg); /* R-SYNRCVD-18 */
        return DONE;
    }
    if (tcb->passive && tcb->parent) {
        if (tcp_listen_acceptq_full(tcb->parent)) {
            tcp_listen_overflow(tcb, seg); /* Linux tcp_check_req */
            return DONE;
        }
        tcp_listen_child_established(tcb); /* counts it out of SYN_RECV */
    } else if (tcb->passive) {
        tcb->accepted = true;
        tcp_notify_accepted(tcb);
    }
    tcb->snd_wnd = (uint32_t)seg->win << tcb->snd_wscale;
    tcb->max_snd_wnd = tcb->snd_wnd;
    tcb->snd_wl1 = seg->seq;
    tcb->snd_wl2 = seg->ack;
    handshake_done(tcb, TCP_SYN_RECV);
    return GO_ON; /* continue as ESTABLISHED: the same ACK also acknowledges our SYN */
}

/* RFC 5961 5.2: acceptable only in [SND.UNA - MAX.SND.WND, SND.NXT]. */
static bool ack_in_window(const struct tcb *tcb, const struct tcp_segment *seg)
{
    return !seq_gt(seg->ack, tcb->snd_max) &&
           !seq_lt(seg->ack, tcb->snd_una - (tcb->max_snd_wnd ? tcb->max_snd_wnd : 1));
}

/* An acceptable ACK updates the sender (RFC 9293 3.10.7.4 fifth,
 * ESTABLISHED; RFC 5681, 6675, 8985) and says what it did. */
static unsigned ack_update(struct tcb *tcb, const struct tcp_segment *seg)
{
    unsigned flags = 0;
    if (tcb->sb || (seg->opts & TCP_OPT_SACK))
        tcp_sack_on_ack(tcb, seg); /* RFC 6675 5: scoreboard first */
    bool rack_lost = tcb->tlp_active && tcp_rack_after_probe(tcb); /* RFC 8985 6.2 */
    if (tcb->tlp_active)
        tcp_tlp_on_ack(tcb, seg); /* RFC 8985 7.4, before the timer is re-armed */
    if (seq_gt(seg->ack, tcb->snd_una)) {
        flags |= ACK_SND_UNA_ADVANCED;
        if (on_new_ack(tcb, seg) > 0)
            flags |= ACK_DATA_ACKED;
        if (rack_lost && !tcb->in_recovery)
            tcp_cc_on_dupack(tcb); /* the loss RACK found starts fast recovery */
    } else if (is_dup_ack(tcb, seg)) {
        flags |= ACK_DUP;
        if (tcb->dupacks < 255)
            tcb->dupacks++;
        tcp_cc_on_dupack(tcb);
    }
    if (tcb->rtx_mode == TCP_RTX_LOSS_PROBE)
        tcp_tlp_recheck(tcb); /* left the Open state: the RTO, not a probe */
    if (update_send_window(tcb, seg))
        flags |= ACK_WIN_UPDATE;
    if (our_fin_acked(tcb))
        flags |= ACK_FIN_ACKED;
    return flags;
}

/* FIN-WAIT-1 whose FIN is acknowledged: FIN-WAIT-2, or (note 2 of Figure 5)
 * TIME-WAIT in the eighth step when a FIN rides on this ACK. */
static void fin_wait1_fin_acked(struct tcb *tcb, const struct tcp_segment *seg)
{
    tcp_stop_rexmit(tcb);
    if (tcb->close_pending) {
        tcb->close_pending = false;
        tcp_stop_linger(tcb);
        tcp_notify_close_done(tcb, TS_OK);
    }
    if ((seg->flags & TCP_FIN) && seq_le(seg->seq, tcb->rcv_nxt))
        return;
    tcp_set_state(tcb, TCP_FIN_WAIT2);
    if (tcb->orphan && tcb_params(tcb)->fin_timeout)
        tcp_arm_aux(tcb, AUX_FINWAIT2, tcb_params(tcb)->fin_timeout);
}

/* The fifth step's per-state end (RFC 9293 3.10.7.4): our FIN acknowledged
 * in FIN-WAIT-1, CLOSING or LAST-ACK. */
static enum verdict ack_closing_states(struct tcb *tcb, const struct tcp_segment *seg,
                                       unsigned flags)
{
    bool fin_acked = flags & ACK_FIN_ACKED;
    switch (tcb->state) {
    case TCP_FIN_WAIT1:
        if (fin_acked)
            fin_wait1_fin_acked(tcb, seg);
        return GO_ON;
    case TCP_CLOSING:
        /* "otherwise ignore the segment" (3.10.7.4, fifth), after the
         * ESTABLISHED processing above. A CLOSE with data still queued
         * entered FIN-WAIT-1 with the FIN behind that data (3.10.4), so
         * CLOSING may still hold unsent data and an unsent FIN: what this
         * ACK freed must go out, or nothing ever will. */
        if (fin_acked)
            tcp_enter_time_wait(tcb);
        else
            tcp_output(tcb);
        return DONE;
    case TCP_LAST_ACK:
        if (!fin_acked)
            return GO_ON;
        if (tcb->close_pending) {
            tcb->close_pending = false;
            tcp_notify_close_done(tcb, TS_OK);
        }
        tcp_close_tcb(tcb);
        return DONE;
    default: return GO_ON;
    }
}

/* Fifth check: the ACK field. `*flags` gets what the ACK did. */
static enum verdict step5_ack(struct tcb *tcb, const struct tcp_segment *seg, unsigned *flags)
{
    if (!(seg->flags & TCP_ACK))
        return DONE; /* R-SYNC-06 */
    if (tcb->state == TCP_SYN_RECV && syn_recv_ack(tcb, seg) == DONE)
        return DONE;
    if (!ack_in_window(tcb, seg)) {
        tcp_send_ack(tcb);
        return DONE;
    }
    *flags = ack_update(tcb, seg);
    return ack_closing_states(tcb, seg, *flags);
}

/* Out-of-order segment kept for later (RFC 9293 3.10.7.4, SHLD-31). Ranges
 * that touch merge, so the queue holds one range per hole and each range
 * is one SACK block; its stamp says how recently it grew (RFC 2018 4). */
static void hold_out_of_order(struct tcb *tcb, const struct tcp_segment *seg)
{
    /* RFC 2883 (Linux tcp_data_queue_ofo): what is already held is a
     * duplicate; the first overlap is reported. */
    for (uint8_t i = 0; i < tcb->ooo_count; i++) {
        tcp_seq s = seq_max(seg->seq, tcb->ooo[i].start);
        tcp_seq e = seq_min(seg->seq + seg->len, tcb->ooo[i].end);
        if (seq_lt(s, e)) {
            tcp_sack_note_dsack(tcb, s, e);
            break;
        }
    }
    if (!tcb->ooo) {
        tcb->ooo = calloc(TCB_MAX_OOO, sizeof *tcb->ooo);
        if (!tcb->ooo)
            return;
    }
    struct ooo_range n = {.start = seg->seq,
                          .end = seg->seq + seg->len + !!(seg->flags & TCP_FIN),
                          .data_off = seg->data_off,
                          .fin = seg->flags & TCP_FIN};
    for (uint8_t i = 0; i < tcb->ooo_count;) {
        struct ooo_range *r = &tcb->ooo[i];
        if (seq_gt(r->start, n.end) || seq_lt(r->end, n.start)) {
            i++;
            continue;
        }
        if (seq_lt(r->start, n.start)) {
            n.start = r->start;
            n.data_off = r->data_off;
        }
        n.end = seq_max(n.end, r->end);
        n.fin |= r->fin;
        *r = tcb->ooo[--tcb->ooo_count]; /* absorbed; look at the moved one */
    }
    if (tcb->ooo_count == TCB_MAX_OOO)
        return;
    n.stamp = ++tcb->ooo_stamp;
    tcb->ooo[tcb->ooo_count++] = n;
}

static void accept_in_order(struct tcb *tcb, tcp_seq start, uint32_t len, uint64_t data_off)
{
    /* start <= RCV.NXT < start+len: take the new part. */
    uint32_t skip = tcb->rcv_nxt - start;
    uint32_t n = len - skip;
    if (data_off + skip != tcb->rcv_off)
        tcb->rcv_bad += n; /* the bytes are not the stream's: a model bug */
    tcb->rcv_nxt += n;
    tcb->rcv_off += n;
    tcb->rcv_total += n;
    if (!tcb->rd_shut || tcb_params(tcb)->shut_rd_keeps_data)
        tcb->rcv_queued += n; /* BSD discards after SHUT_RD; Linux queues */
}

/* Pulls held segments that became in-order; returns whether a FIN was reached. */
static bool drain_out_of_order(struct tcb *tcb)
{
    bool progress = true, fin = false;
    while (progress && tcb->ooo_count) {
        progress = false;
        for (uint8_t i = 0; i < tcb->ooo_count; i++) {
            struct ooo_range r = tcb->ooo[i];
            uint32_t dlen = (r.end - r.start) - (r.fin ? 1 : 0);
            bool usable = seq_le(r.start, tcb->rcv_nxt) && seq_gt(r.end, tcb->rcv_nxt);
            bool stale = seq_le(r.end, tcb->rcv_nxt);
            if (usable) {
                if (seq_gt(r.start + dlen, tcb->rcv_nxt))
                    accept_in_order(tcb, r.start, dlen, r.data_off);
                if (r.fin && r.start + dlen == tcb->rcv_nxt)
                    fin = true;
            }
            if (usable || stale) {
                tcb->ooo[i] = tcb->ooo[--tcb->ooo_count];
                progress = true;
                break;
            }
        }
    }
    return fin;
}

/* Seventh: segment text; eighth: FIN. Returns DONE if the TCB is gone. */
static enum verdict step7_text_and_fin(struct tcb *tcb, const struct tcp_segment *seg,
                                       unsigned ack_flags)
{
    enum tcp_state s = tcb->state;
    bool takes_text = s == TCP_ESTABLISHED || s == TCP_FIN_WAIT1 || s == TCP_FIN_WAIT2;
    bool fin_here = false;
    uint32_t fin_data = 0; /* new octets that came with the FIN */
    /* All of the text already received: an acceptable segment of that
     * kind carries a FIN at RCV.NXT (a data+FIN resent after its data
     * arrived); the first check trims the text and leaves the FIN. */
    bool old_text = seg->len > 0 && seq_le(seg->seq + seg->len, tcb->rcv_nxt);
    if (seg->len > 0 && takes_text && !old_text) {
        /* Linux: the receive half is shut (close(), or SHUT_RD in
         * FIN_WAIT1/2: RCV_SHUTDOWN in tcp_rcv_state_process). */
        bool rcv_shut = tcb->orphan || (tcb->rd_shut && s != TCP_ESTABLISHED &&
                                        tcb_params(tcb)->shut_rd_keeps_data);
        if (rcv_shut && tcb_params(tcb)->rst_on_close_unread &&
            seq_gt(seg->seq + seg->len, tcb->rcv_nxt)) {
            /* New data for a socket nobody will read: half-duplex close,
             * RFC 1122 4.2.2.13, RFC 9293 3.6.1 MAY-1 / SHLD-3 (an old
             * duplicate is only ACKed). Linux (orphan_rst_reply) answers
             * as to a segment without a connection: R with SEQ=SEG.ACK. */
            if (tcb_params(tcb)->orphan_rst_reply)
                tcp_reply_rst(tcb->host, seg);
            else
                tcp_send_rst(tcb);
            tcp_drop(tcb, TS_ECONNRESET);
            return DONE;
        }
        if (seq_le(seg->seq, tcb->rcv_nxt)) {
            if (seq_lt(seg->seq, tcb->rcv_nxt)) /* partly old: RFC 2883 */
                tcp_sack_note_dsack(tcb, seg->seq, tcb->rcv_nxt);
            if (seq_gt(seg->seq + seg->len, tcb->rcv_nxt)) {
                uint32_t room = rcv_wnd(tcb);
                uint32_t len = seg->len;
                uint32_t over = (seg->seq + len) - (tcb->rcv_nxt + room);
                if (seq_gt(seg->seq + len, tcb->rcv_nxt + room) &&
                    !tcb_params(tcb)->window_edge_drop)
                    len -= over; /* trim to the window (Linux: taken whole, step 1) */
                bool had_ooo = tcb->ooo_count > 0;
                accept_in_order(tcb, seg->seq, len, seg->data_off);
                fin_here = (seg->flags & TCP_FIN) && len == seg->len;
                fin_here |= drain_out_of_order(tcb);
                tcp_notify_readable(tcb);
                /* RFC 9293 3.8.6.3, tcp_delack.c; RFC 5681 4.2: at once
                 * when out-of-order data is held or a gap was filled. */
                if (!fin_here)
                    tcp_delack_on_data(tcb, len, had_ooo || tcb->ooo_count > 0);
                else
                    fin_data = len;
            }
        } else {
            hold_out_of_order(tcb, seg);
            tcp_send_ack(tcb); /* MAY-13: immediate (duplicate) ACK */
            return GO_ON;
        }
    } else if (seg->flags & TCP_FIN) {
        /* 3.10.7.4 eighth: the FIN at RCV.NXT, after the first check
         * trimmed any old text (or a state that takes no text ignored it) */
        if (seg->seq + seg->len == tcb->rcv_nxt || seg->seq == tcb->rcv_nxt)
            fin_here = true;
        else if (seq_gt(seg->seq, tcb->rcv_nxt) && takes_text) {
            hold_out_of_order(tcb, seg);
            tcp_send_ack(tcb);
        }
    }
    if (!fin_here)
        return GO_ON;

    /* Eighth: FIN. RCV.NXT advances over it; it is ACKed at once. */
    if (s == TCP_CLOSE_WAIT || s == TCP_CLOSING || s == TCP_LAST_ACK) {
        tcp_send_ack(tcb); /* retransmitted FIN: ACK, remain */
        return GO_ON;
    }
    tcb->rcv_nxt += 1;
    tcb->fin_rcvd = true;
    tcp_notify_readable(tcb);
    switch (s) {
    case TCP_SYN_RECV:
    case TCP_ESTABLISHED:
        tcp_delack_on_fin(tcb, fin_data); /* may wait: tcp_delack.c */
        tcp_set_state(tcb, TCP_CLOSE_WAIT);
        return GO_ON;
    case TCP_FIN_WAIT1:
        tcp_send_ack(tcb);
        if (ack_flags & ACK_FIN_ACKED) {
            tcp_enter_time_wait(tcb); /* Figure 5 note 2 */
        } else {
            tcp_set_state(tcb, TCP_CLOSING);
            /* Data or our FIN may still wait behind a CLOSE (3.10.4); the
             * ACK riding on this FIN may be the last to open the window. */
            tcp_output(tcb);
        }
        break;
    case TCP_FIN_WAIT2:
        tcp_send_ack(tcb);
        tcp_enter_time_wait(tcb);
        break;
    default: break;
    }
    return DONE;
}

static void input_synchronized(struct tcb *tcb, const struct tcp_segment *seg)
{
    struct tcp_segment ack_only;
    if (rcv_wnd(tcb) == 0 && seg->len > 0 && seg->seq == tcb->rcv_nxt &&
        (seg->flags & (TCP_ACK | TCP_SYN | TCP_RST)) == TCP_ACK) {
        /* RFC 9293 3.10.7.4 (R-SEQ-03): at zero window no text is
         * acceptable, but a valid ACK must still be processed: answer the
         * text with an ACK-reply and go on with the ACK fields alone. */
        tcp_send_ack(tcb);
        ack_only = *seg;
        ack_only.len = 0;
        ack_only.flags &= (uint8_t) ~(TCP_FIN | TCP_PSH);
        seg = &ack_only;
    }
    if (step1_sequence(tcb, seg) == DONE)
        return;
    if (step2_rst(tcb, seg) == DONE)
        return;
    if (step4_syn(tcb, seg) == DONE)
        return;
    /* Timestamps: TS.Recent follows the segment that advances RCV.NXT's
     * left edge (RFC 7323 4.3). */
    if (tcb->ts_ok && (seg->opts & TCP_OPT_TS) && seq_le(seg->seq, tcb->rcv_nxt))
        tcb->ts_recent = seg->tsval;
    tcb->last_rcv_time = tcp_now(tcb);
    tcb->ka_probes = 0;
    unsigned ack_flags = 0;
    if (step5_ack(tcb, seg, &ack_flags) == DONE)
        return;
    if (step7_text_and_fin(tcb, seg, ack_flags) == DONE)
        return;
    tcp_output(tcb);
}

void tcp_input(struct tcb *tcb, const struct tcp_segment *seg)
{
    switch (tcb->state) {
    case TCP_LISTEN: tcp_input_listen(tcb, seg); break;
    case TCP_SYN_SENT: input_syn_sent(tcb, seg); break;
    case TCP_CLOSED: send_rst_for(tcb->host, seg); break;
    default: input_synchronized(tcb, seg); break;
    }
}
