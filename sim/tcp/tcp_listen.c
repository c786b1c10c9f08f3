/* A listener's two queues, as Linux 6.18 keeps them (there is no RFC for
 * this: RFC 9293 leaves resource limits to the implementation).
 *
 * SYN queue: children in SYN_RECV (Linux request socks). A new SYN finds it
 *   full when it holds more than the accept-queue cap (Linux
 *   inet_csk_reqsk_queue_is_full, ">" since 6.13); then, with tcp_syncookies,
 *   the listener answers with a SYN cookie and keeps nothing (tcp_syncookie.c),
 *   else the SYN is dropped. tcp_syncookies = 2 sends cookies always.
 *   Without cookies, once fewer than a quarter of tcp_max_syn_backlog slots
 *   are left, SYNs from peers not "proven" (Linux tcp_peer_is_proven: the
 *   route cache remembers an RTT; this model has no such cache, so no peer
 *   is) are dropped too.
 * Accept queue: children that reached ESTABLISHED and wait for accept(). Its
 *   cap is min(listen backlog, somaxconn) and it is full above that
 *   (sk_acceptq_is_full: backlog N holds N+1). When full, new SYNs are
 *   dropped (tcp_conn_request), and the final ACK of a handshake is dropped
 *   (tcp_check_req: the child stays in SYN_RECV, its SYN,ACK timer goes on,
 *   and the client's next ACK tries again) or answered with RST when
 *   tcp_abort_on_overflow is set.
 * An application that accepts (the default) takes each child at once, so the
 * accept queue only fills behind a listener whose application does not. */
#include <stdio.h>

#include "tcp_internal.h"

/* Linux sk_max_ack_backlog: listen()'s backlog capped by somaxconn
 * (__sys_listen); a backlog of 0 here means "somaxconn". */
static uint32_t listen_cap(const struct tcb *listener)
{
    uint32_t somaxconn = tcb_params(listener)->somaxconn;
    uint32_t backlog = listener->backlog;
    return (backlog == 0 || backlog > somaxconn) ? somaxconn : backlog;
}

static bool synq_full(const struct tcb *listener)
{
    return listener->syn_queue > listen_cap(listener);
}

bool tcp_listen_acceptq_full(const struct tcb *listener)
{
    return listener->accept_queue > listen_cap(listener);
}

/* Linux tcp_syn_flood_action: the kernel log line, once per listener, never
 * with tcp_syncookies = 2 (cookies are then the normal way). */
static void synflood_note(struct tcb *listener, bool cookies)
{
    if (listener->synflood_warned || tcb_params(listener)->syncookies == 2)
        return;
    listener->synflood_warned = true;
    char text[128];
    snprintf(text, sizeof text,
             "TCP: request_sock_TCP: Possible SYN flooding on port 0.0.0.0:%u. %s.",
             (unsigned)listener->local_port, cookies ? "Sending cookies" : "Dropping request");
    tcp_trace_note(listener, text);
}

/* Linux tcp_conn_request, in its order. */
enum listen_verdict tcp_listen_admit(struct tcb *listener, const struct tcp_segment *syn,
                                     bool tw_reuse)
{
    const struct tcp_params *p = tcb_params(listener);
    bool cookie = false;
    if (!tw_reuse && (p->syncookies == 2 || synq_full(listener))) {
        synflood_note(listener, p->syncookies != 0);
        if (!p->syncookies) {
            host_trace_drop(listener->host, syn, listener->id, DROP_SYN_QUEUE_FULL);
            return LISTEN_DROP;
        }
        cookie = true;
    }
    if (tcp_listen_acceptq_full(listener)) {
        host_trace_drop(listener->host, syn, listener->id, DROP_ACCEPT_QUEUE_FULL);
        return LISTEN_DROP;
    }
    /* "Without syncookies last quarter of backlog is filled with
     * destinations, proven to be alive." */
    int64_t left = (int64_t)p->max_syn_backlog - listener->syn_queue;
    if (!cookie && !tw_reuse && !p->syncookies && left < (int64_t)(p->max_syn_backlog >> 2)) {
        host_trace_drop(listener->host, syn, listener->id, DROP_MAX_SYN_BACKLOG);
        return LISTEN_DROP;
    }
    return cookie ? LISTEN_COOKIE : LISTEN_QUEUE;
}

void tcp_listen_overflow(struct tcb *child, const struct tcp_segment *seg)
{
    host_trace_drop(child->host, seg, child->id, DROP_ACCEPT_QUEUE_FULL);
    if (!tcb_params(child)->abort_on_overflow)
        return; /* Linux: inet_rsk(req)->acked = 1; the SYN,ACK timer goes on */
    /* tcp_abort_on_overflow: "embryonic_reset", <SEQ=SEG.ACK><CTL=RST>. */
    tcp_trace_note(child, "accept queue full and tcp_abort_on_overflow: reset");
    tcp_reply_rst(child->host, seg);
    tcp_return_to_listen(child);
}

void tcp_listen_child_established(struct tcb *child)
{
    struct tcb *listener = child->parent;
    tcp_listen_unlink_child(child, TCP_SYN_RECV);
    if (listener && listener->no_accept) {
        listener->accept_queue++;
        return;
    }
    child->accepted = true;
    tcp_notify_accepted(child);
}

void tcp_listen_unlink_child(struct tcb *child, enum tcp_state was)
{
    struct tcb *listener = child->parent;
    if (!listener || child->accepted)
        return;
    if (was == TCP_SYN_RECV) {
        if (listener->syn_queue)
            listener->syn_queue--;
        if (child->retransmits == 0 && listener->syn_young)
            listener->syn_young--;
    } else if (listener->accept_queue) {
        listener->accept_queue--;
    }
}

/* Linux reqsk_timer_handler: "we reserve half of room for young embrions;
 * and abort old ones without pity, if old ones are about to clog our
 * table": when the queue is more than half full, each halving of the young
 * share costs old requests one retry, down to 2. */
uint32_t tcp_listen_synack_retries(const struct tcb *child)
{
    uint32_t retries = tcb_params(child)->synack_retries;
    const struct tcb *listener = child->parent;
    if (!listener)
        return retries;
    uint64_t qlen = listener->syn_queue;
    uint32_t cap = listen_cap(listener);
    if (qlen * 2 > (cap > 8 ? cap : 8)) {
        uint64_t young = (uint64_t)listener->syn_young * 2;
        while (retries > 2 && qlen >= young) {
            retries--;
            young <<= 1;
        }
    }
    return retries;
}

/* The application starts (or stops) calling accept(). Starting drains the
 * queue at once, oldest connection first (creation order: host->all is
 * newest first, so walk it from its tail). */
void tcp_listen_set_accepting(struct tcb *listener, bool on)
{
    listener->no_accept = !on;
    if (!on || listener->accept_queue == 0)
        return;
    struct tcb *t = listener->host->all;
    while (t && t->all_next)
        t = t->all_next;
    for (struct tcb *prev; t; t = prev) {
        prev = t->all_prev;
        if (t->parent == listener && !t->accepted && t->state != TCP_SYN_RECV) {
            tcp_listen_unlink_child(t, t->state);
            t->accepted = true;
            tcp_notify_accepted(t);
        }
    }
}
