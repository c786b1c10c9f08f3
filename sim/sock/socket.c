/* The BSD-like socket calls, each mapped onto RFC 9293 3.10's user calls
 * (OPEN 3.10.1, SEND 3.10.2, RECEIVE 3.10.3, CLOSE 3.10.4, ABORT 3.10.5,
 * STATUS 3.10.6) with the RFC's result in every state as an errno name. */
#include "tcpsim/socket.h"
#include "tcp/tcp_internal.h"
#include "tcpsim/errors.h"

static bool linux_rcv_window(const struct tcb *tcb)
{
    return tcb_params(tcb)->rcv_window == TCP_RCV_WINDOW_LINUX;
}

static int traced(struct tcb *tcb, const char *call, int ret, int64_t value)
{
    tcp_trace_app(tcb, call, ret, value);
    return ret;
}

int sock_listen(struct host *host, uint16_t port, uint32_t backlog, struct tcb **out)
{
    return sock_listen_reuse(host, port, backlog, false, out);
}

int sock_listen_reuse(struct host *host, uint16_t port, uint32_t backlog, bool reuseaddr,
                      struct tcb **out)
{
    *out = NULL;
    if (host_port_in_use(host, port, reuseaddr))
        return TS_EADDRINUSE; /* bind(): Linux inet_csk_bind_conflict */
    struct tcb *tcb = tcb_new(host);
    if (!tcb)
        return TS_ENOMEM;
    tcb->local_port = port;
    tcb->reuseaddr = reuseaddr;
    tcb->backlog = backlog;
    if (host_add_listener(host, tcb->local_port, tcb) != TS_OK) {
        tcb_free(tcb);
        return TS_ENOMEM;
    }
    tcp_set_state(tcb, TCP_LISTEN); /* R-CLOSED-01 */
    *out = tcb;
    return traced(tcb, "listen", TS_OK, 0);
}

int sock_connect(struct host *host, uint32_t raddr, uint16_t rport, uint16_t lport,
                 struct tcb **out)
{
    *out = NULL;
    struct host_port_pick pick = {0};
    if (lport == 0) {
        int err = host_pick_port(host, raddr, rport, &pick);
        if (err)
            return err; /* EADDRNOTAVAIL: every port toward raddr:rport is held */
        lport = pick.port;
    } else if (host_tuple_in_use(host, lport, raddr, rport)) {
        return TS_EADDRNOTAVAIL; /* R-TW-01: the 4-tuple is still in use */
    }
    struct tcb *tcb = tcb_new(host);
    if (!tcb)
        return TS_ENOMEM;
    tcb->local_port = lport;
    tcb->remote_addr = raddr;
    tcb->remote_port = rport;
    if (host_insert_conn(host, tcb) != TS_OK) {
        tcb_free(tcb);
        return TS_ENOMEM;
    }
    tcp_count_port(host, tcb);
    /* R-CLOSED-02: pick ISS, send <SEQ=ISS><CTL=SYN>, SND.UNA=ISS, SND.NXT=ISS+1. */
    tcb->iss = pick.iss_set ? pick.iss : tcp_new_isn(host);
    tcb->snd_una = tcb->iss;
    tcb->snd_nxt = tcb->iss;
    tcb->snd_max = tcb->iss;
    tcb->connect_pending = true;
    tcb->last_rcv_time = tcp_now(tcb);
    const struct tcp_params *p = tcb_params(tcb);
    if (p->window_scaling)
        tcb->rcv_wscale = tcp_choose_wscale(p, tcb->rcvbuf);
    tcp_set_state(tcb, TCP_SYN_SENT);
    tcp_send_syn(tcb, SEG_FIRST);
    tcp_arm_rexmit(tcb);
    *out = tcb;
    return TS_OK;
}

/* The error a call on a dead connection reports: the pending one once,
 * then EPIPE for writes / ENOTCONN for the rest (R-ESTAB-08). */
static int dead_error(struct tcb *tcb, bool write)
{
    int err = tcb->so_error;
    if (err) {
        tcb->so_error = 0;
        return err;
    }
    return write ? TS_EPIPE : TS_ENOTCONN;
}

int sock_send(struct tcb *tcb, uint64_t bytes)
{
    int ret;
    switch (tcb->state) {
    case TCP_CLOSED:
        ret = dead_error(tcb, true); /* R-CLOSED-05 */
        break;
    case TCP_LISTEN:
        ret = TS_ENOTCONN; /* R-LISTEN-04 */
        break;
    case TCP_SYN_SENT:
    case TCP_SYN_RECV: /* R-SYNSENT-02 / R-SYNRCVD-02: queue until ESTABLISHED */
        ret = tcb->wr_shut ? TS_EPIPE : TS_OK;
        if (!ret)
            tcb->snd_written += bytes;
        break;
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT: /* R-ESTAB-02, R-CW-02 */
        if (tcb->wr_shut) {
            ret = TS_EPIPE;
            break;
        }
        tcb->snd_written += bytes;
        tcp_output(tcb);
        ret = TS_OK;
        break;
    default: /* FIN_WAIT1/2, CLOSING, LAST_ACK, TIME_WAIT: "connection closing" */
        ret = TS_EPIPE;
        break;
    }
    return traced(tcb, "send", ret, ret == TS_OK ? (int64_t)bytes : 0);
}

int sock_send_text(struct tcb *tcb, const uint8_t *bytes, uint32_t len)
{
    /* Recorded before sock_send, which may transmit at once. */
    struct payload_store *store = &tcb->host->net->payload;
    int err = payload_store_add(store, tcb->host->addr, tcb->id, tcb->snd_written, bytes, len);
    if (err)
        return traced(tcb, "send", err, 0);
    int ret = sock_send(tcb, len);
    if (ret != TS_OK)
        payload_store_pop(store);
    return ret;
}

/* After the application reads, the window may open: tell the peer when the
 * right edge moves by a useful amount (window update, RFC 9293 3.8.6.2.2). */
static void maybe_window_update(struct tcb *tcb, uint64_t was_queued)
{
    if (!tcp_state_synchronized(tcb->state) || tcb->fin_rcvd)
        return;
    if (linux_rcv_window(tcb)) {
        if (was_queued > 0 && tcp_rcvwnd_update_due(tcb)) /* tcp_cleanup_rbuf */
            tcp_send_ack(tcb);
        return;
    }
    uint32_t advertised = seq_gt(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt : 0;
    uint32_t now_free = tcp_rcv_window(tcb);
    if (was_queued > 0 && now_free > advertised &&
        (advertised == 0 || now_free - advertised >= 2 * tcb->mss))
        tcp_send_ack(tcb);
}

int sock_recv(struct tcb *tcb, uint64_t max, uint64_t *got, bool *eof)
{
    *got = 0;
    *eof = false;
    if (tcb->state == TCP_LISTEN)
        return TS_ENOTCONN;
    if (tcb->rcv_queued > 0) {
        uint64_t n = (max == 0 || max > tcb->rcv_queued) ? tcb->rcv_queued : max;
        uint64_t was = tcb->rcv_queued;
        tcb->rcv_queued -= n;
        *got = n;
        if (linux_rcv_window(tcb)) { /* tcp_recvmsg: autotuning, then tcp_cleanup_rbuf */
            tcb->rcv_read += n;
            tcp_rcvwnd_space_adjust(tcb);
        }
        maybe_window_update(tcb, was);
        return TS_OK;
    }
    if (tcb->fin_rcvd || (tcb->rd_shut && tcb_params(tcb)->shut_rd_keeps_data)) {
        *eof = true; /* R-CW-03: read() = 0; Linux: also after SHUT_RD */
        return TS_OK;
    }
    if (tcb->state == TCP_CLOSED)
        return dead_error(tcb, false);
    return TS_EAGAIN;
}

/* CLOSE of the sending half (RFC 9293 3.10.4): queue a FIN behind the data. */
static void close_write_half(struct tcb *tcb)
{
    if (tcb->state == TCP_SYN_RECV && !tcb_params(tcb)->syn_recv_close_fin_wait1 &&
        tcb->snd_written > tcb->snd_una_off) {
        /* R-SYNRCVD-05, RFC 9293 3.10.4: SENDs are pending, so the CLOSE
         * is queued until ESTABLISHED (tcp_input then enters FIN-WAIT-1).
         * Linux's tcp_close_state() moves to FIN-WAIT-1 at once and
         * tcp_write_xmit() pushes the data and FIN (below). */
        tcb->wr_shut = true;
        return;
    }
    switch (tcb->state) {
    case TCP_SYN_RECV: /* R-SYNRCVD-04: FIN at once, SYN,ACK still retransmitted */
    case TCP_ESTABLISHED:
        tcb->wr_shut = true;
        tcp_set_state(tcb, TCP_FIN_WAIT1);
        if (tcb->aux == AUX_KEEPALIVE)
            tcp_stop_aux(tcb);
        tcp_output(tcb);
        break;
    case TCP_CLOSE_WAIT: /* R-CW-04 */
        tcb->wr_shut = true;
        tcp_set_state(tcb, TCP_LAST_ACK);
        if (tcb->aux == AUX_KEEPALIVE)
            tcp_stop_aux(tcb);
        tcp_output(tcb);
        break;
    default: break;
    }
}

int sock_shutdown(struct tcb *tcb, int how)
{
    if (tcb->state == TCP_CLOSED || tcb->state == TCP_LISTEN)
        return traced(tcb, "shutdown", TS_ENOTCONN, 0);
    if (how & 1) {
        tcb->rd_shut = true;
        if (!tcb_params(tcb)->shut_rd_keeps_data)
            tcb->rcv_queued = 0; /* BSD sorflush */
    }
    if (how & 2) {
        if (tcb->state == TCP_SYN_SENT) {
            /* R-SYNSENT-04 (RFC 9293 3.10.4): delete the TCB, send nothing,
             * and answer the pending OPEN and queued SENDs "error: closing"
             * (EPIPE, as SEND in a closing state); they must not vanish
             * unreported. Linux inet_shutdown -> tcp_disconnect: sk_err =
             * ECONNRESET, the write queue purged. */
            tcp_notify_failed(tcb, tcb_params(tcb)->syn_sent_close_econnreset ? TS_ECONNRESET
                                                                              : TS_EPIPE);
            tcp_close_tcb(tcb);
            return traced(tcb, "shutdown", TS_OK, 0);
        }
        close_write_half(tcb);
    }
    return traced(tcb, "shutdown", TS_OK, 0);
}

/* Does ABORT send a RST here? (R-*-ABORT rows; Linux tcp_need_reset) */
static bool abort_sends_rst(enum tcp_state s)
{
    return s == TCP_SYN_RECV || s == TCP_ESTABLISHED || s == TCP_FIN_WAIT1 || s == TCP_FIN_WAIT2 ||
           s == TCP_CLOSE_WAIT;
}

static void abort_connection(struct tcb *tcb)
{
    if (tcb->tw)
        tcp_tw_discard(tcb->tw); /* ABORT in TIME-WAIT: the record goes too */
    if (abort_sends_rst(tcb->state))
        tcp_send_rst(tcb); /* <SEQ=SND.NXT><CTL=RST> */
    tcb->so_error = 0;
    tcb->connect_pending = false;
    tcp_close_tcb(tcb); /* no TIME_WAIT for the aborting side (Linux) */
}

/* R-LISTEN-06: closing a listener deletes the children the application
 * has not accepted yet. Linux (inet_csk_listen_stop) resets those that
 * completed the handshake, with RST,ACK; embryonic SYN-RECEIVED ones are
 * request socks outside the accept queue, dropped without a word
 * (reqsk_timer_handler, tcp_v4_rcv: listener no longer in LISTEN). */
static void close_listener(struct tcb *listener)
{
    struct host *host = listener->host;
    for (struct tcb *t = host->all, *next; t; t = next) {
        next = t->all_next;
        if (t->parent == listener && t->state != TCP_CLOSED) {
            if (tcb_params(listener)->listen_close_resets_children && t->state != TCP_SYN_RECV)
                tcp_send_rst(t);
            /* Still parented: its deferred accept never reached the
             * application, so nobody holds it and it is freed now. */
            t->accepted = false;
            t->orphan = true;
            tcp_close_tcb(t);
        }
    }
    tcp_close_tcb(listener);
}

int sock_close(struct tcb *tcb)
{
    if (tcb->orphan)
        return TS_EBADF;
    int ret = TS_OK;
    tcb->connect_pending = false;
    tcb->orphan = true; /* from now on nobody reads: the socket finishes alone */
    enum tcp_state s = tcb->state;
    if (s == TCP_CLOSED) {
        tcp_trace_app(tcb, "close", TS_OK, 0);
        tcp_close_tcb(tcb); /* frees it */
        return TS_OK;
    }
    tcp_trace_app(tcb, "close", TS_OK, 0);
    if (tcb->tw) {
        tcp_tw_release_husk(tcb); /* TIME_WAIT goes on in the compact record */
        return TS_OK;
    }
    if (s == TCP_LISTEN) {
        close_listener(tcb);
        return TS_OK;
    }
    if (s == TCP_SYN_SENT) {
        tcp_close_tcb(tcb); /* R-SYNSENT-04: no segment */
        return TS_OK;
    }
    if (tcb->linger_on && tcb->linger_time == 0) {
        abort_connection(tcb); /* SO_LINGER {on, 0}: RST, no TIME_WAIT */
        return TS_OK;
    }
    if (tcb->rcv_queued > 0 && tcb_params(tcb)->rst_on_close_unread && abort_sends_rst(s)) {
        /* RFC 9293 3.6.1 / RFC 2525: unread data is lost, say so with RST. */
        tcp_trace_note(tcb, "close() with unread data: RST instead of FIN");
        abort_connection(tcb);
        return TS_OK;
    }
    close_write_half(tcb);
    if (tcb->state == TCP_FIN_WAIT2 && tcb_params(tcb)->fin_timeout)
        tcp_arm_aux(tcb, AUX_FINWAIT2, tcb_params(tcb)->fin_timeout);
    if (tcb->linger_on && tcp_state_fin_sent(tcb->state) && tcb->state != TCP_TIME_WAIT &&
        tcb->state != TCP_FIN_WAIT2) {
        tcb->close_pending = true;
        tcp_arm_linger(tcb);
        ret = TS_EINPROGRESS;
    }
    return ret;
}

int sock_abort(struct tcb *tcb)
{
    tcp_trace_app(tcb, "abort", TS_OK, 0);
    tcb->orphan = true;
    if (tcb->state == TCP_LISTEN) {
        close_listener(tcb);
        return TS_OK;
    }
    if (tcb->state == TCP_CLOSED) {
        tcp_close_tcb(tcb);
        return TS_OK;
    }
    abort_connection(tcb);
    return TS_OK;
}

/* `ss -K` (SOCK_DESTROY, Linux tcp_abort(sk, ECONNABORTED)): a RST where
 * tcp_need_reset says so, the connection is done, and the application,
 * which still holds the socket, sees ECONNABORTED on its next call (or
 * from a pending connect()). A TIME_WAIT record is simply dropped. */
int sock_destroy(struct tcb *tcb)
{
    tcp_trace_note(tcb, "destroyed from outside: ss -K (tcp_abort)");
    if (tcb->state == TCP_LISTEN)
        return TS_EINVAL; /* listeners are not modelled here */
    if (tcb->tw) {
        tcp_tw_discard(tcb->tw);
        return TS_OK;
    }
    if (tcb->state == TCP_CLOSED)
        return TS_OK;
    if (abort_sends_rst(tcb->state))
        tcp_send_rst(tcb);
    tcp_drop(tcb, TS_ECONNABORTED);
    return TS_OK;
}

/* getsockopt(SO_ERROR): the pending error, cleared by reading it (sock_error). */
int sock_so_error(struct tcb *tcb)
{
    int err = tcb->so_error;
    tcb->so_error = 0;
    return err;
}

/* TCP_SYNCNT: SYN retransmissions for this socket instead of tcp_syn_retries. */
void sock_set_syncnt(struct tcb *tcb, uint32_t count)
{
    tcb->syncnt = (uint8_t)(count > 127 ? 127 : count);
}

void sock_set_linger(struct tcb *tcb, struct sock_linger linger)
{
    tcb->linger_on = linger.on;
    tcb->linger_time = linger.time;
}

void sock_set_keepalive(struct tcb *tcb, bool on)
{
    bool was = tcb->keepalive_on;
    tcb->keepalive_on = on;
    if (on && !was && tcb->aux == AUX_NONE)
        tcp_arm_keepalive(tcb);
    if (!on && tcb->aux == AUX_KEEPALIVE)
        tcp_stop_aux(tcb);
}

void sock_set_keepalive_params(struct tcb *tcb, sim_time_t idle, sim_time_t intvl, uint32_t count)
{
    if (idle > 0) {
        tcb->ka_time = idle;
        /* TCP_KEEPIDLE on a socket whose keep-alive timer runs restarts it
         * for the new idle time, less the silence so far (Linux
         * tcp_sock_set_keepidle_locked). */
        if (tcb->aux == AUX_KEEPALIVE && tcb->ka_probes == 0) {
            sim_time_t elapsed = tcp_now(tcb) - tcb->last_rcv_time;
            tcp_arm_aux(tcb, AUX_KEEPALIVE, idle > elapsed ? idle - elapsed : 0);
        }
    }
    if (intvl > 0)
        tcb->ka_intvl = intvl;
    if (count > 0)
        tcb->ka_probes_max = count;
}

void sock_set_accepting(struct tcb *tcb, bool on)
{
    if (tcb->state == TCP_LISTEN)
        tcp_listen_set_accepting(tcb, on);
}

int sock_accept(struct tcb *listener, struct tcb **child)
{
    *child = NULL;
    if (listener->state != TCP_LISTEN)
        return TS_EINVAL;
    /* Oldest first: host->all is newest first, so take the last match. */
    struct tcb *found = NULL;
    for (struct tcb *t = listener->host->all; t; t = t->all_next)
        if (t->parent == listener && !t->accepted && t->state != TCP_SYN_RECV)
            found = t;
    if (!found)
        return TS_EAGAIN;
    tcp_listen_unlink_child(found, found->state);
    found->accepted = true;
    found->parent = NULL;
    tcp_trace_app(found, "accept", TS_OK, 0);
    *child = found;
    return TS_OK;
}

void sock_set_nodelay(struct tcb *tcb, bool on) { tcb->nodelay = on; }
void sock_set_reuseaddr(struct tcb *tcb, bool on)
{
    tcb->reuseaddr = on;
    if (tcb->tw)
        tcb->tw->reuseaddr = on; /* TIME_WAIT holds the port on the record */
}
void sock_set_user_timeout(struct tcb *tcb, sim_time_t timeout) { tcb->user_timeout = timeout; }

void sock_set_bufs(struct tcb *tcb, uint32_t rcvbuf, uint32_t sndbuf)
{
    if (rcvbuf && linux_rcv_window(tcb))
        tcp_rcvwnd_set_rcvbuf(tcb, rcvbuf);
    else if (rcvbuf)
        tcb->rcvbuf = rcvbuf;
    if (sndbuf)
        tcb->sndbuf = sndbuf;
}

enum tcp_state sock_state(const struct tcb *tcb) { return tcb->state; }
uint32_t sock_id(const struct tcb *tcb) { return tcb->id; }
struct host *sock_host(const struct tcb *tcb) { return tcb->host; }
uint64_t sock_recv_queue(const struct tcb *tcb) { return tcb->rcv_queued; }
uint64_t sock_send_queue(const struct tcb *tcb) { return tcb->snd_written - tcb->snd_una_off; }
void sock_set_user(struct tcb *tcb, void *user) { tcb->user = user; }
void *sock_user(const struct tcb *tcb) { return tcb->user; }
