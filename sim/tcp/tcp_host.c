/* TCP's half of a host, the part that calls into TCP (Linux tcp_ipv4.c):
 * segment input dispatch after demultiplexing, RST for segments that match
 * nothing, TIME_WAIT reuse by connect(), the bind() conflict check, and
 * forgetting or freeing every socket on reboot and teardown. The table and
 * the port choice themselves are below, in sim/net/host.c. */
#include <stdlib.h>

#include "tcp_internal.h"
#include "tcpsim/tcp_host.h"

int host_insert_conn(struct host *host, struct tcb *tcb)
{
    return host_demux_insert(host, tcb->local_port, tcb->remote_addr, tcb->remote_port, tcb, false);
}

void host_remove_conn(struct host *host, struct tcb *tcb)
{
    if (tcb->dest_counted) {
        tcb->dest_counted = false;
        host_uncount_port(host, tcb->remote_addr, tcb->remote_port, tcb->local_port);
    }
    host_demux_remove(host, tcb->local_port, tcb->remote_addr, tcb->remote_port, tcb, false);
}

int host_insert_tw(struct host *host, struct tcp_tw *tw)
{
    return host_demux_insert(host, tw->local_port, tw->remote_addr, tw->remote_port, tw, true);
}

void host_remove_tw(struct host *host, struct tcp_tw *tw)
{
    if (tw->dest_counted) {
        tw->dest_counted = false;
        host_uncount_port(host, tw->remote_addr, tw->remote_port, tw->local_port);
    }
    host_demux_remove(host, tw->local_port, tw->remote_addr, tw->remote_port, tw, true);
}

void tcp_count_port(struct host *host, struct tcb *tcb)
{
    if (host_count_port(host, tcb->local_port, tcb->remote_addr, tcb->remote_port))
        tcb->dest_counted = true;
}

/* Linux inet_csk_bind_conflict (relax = true, as bind() uses it): binding
 * `port` conflicts with every other socket bound to it unless both set
 * SO_REUSEADDR and that socket is not listening. Connections accepted from
 * a listener, and their TIME_WAIT, stay bound to its port. O(sockets): it
 * runs once per listen(), never per segment. */
bool host_port_in_use(struct host *host, uint16_t port, bool reuseaddr)
{
    if (host_find_listener(host, port))
        return true;
    for (const struct tcb *t = host->all; t; t = t->all_next)
        if (t->state != TCP_CLOSED && !t->tw && t->local_port == port &&
            !(reuseaddr && t->reuseaddr))
            return true;
    for (uint32_t i = 0; i < host->conns.capacity; i++) {
        const struct tcp_tw *tw = host_slot_tw(&host->conns.slots[i]);
        if (tw && tw->local_port == port && !(reuseaddr && tw->reuseaddr))
            return true;
    }
    return false;
}

/* Linux tcp_v4_rcv: a TIME_WAIT record, else a connection, else a listener
 * on the port takes the segment; nothing does: RST (RFC 9293 3.10.7.1). */
static void tcp_host_input(struct host *host, const struct tcp_segment *seg)
{
    const struct conn_slot *s = host_demux_find(host, seg->dst_port, seg->src_addr, seg->src_port);
    struct tcp_tw *tw = s ? host_slot_tw(s) : NULL;
    if (tw) {
        host_trace_seg(host, TRACE_RX, seg, tw->id, DROP_NONE);
        tcp_tw_input(tw, seg);
        return;
    }
    struct tcb *tcb = s ? host_slot_conn(s) : host_find_listener(host, seg->dst_port);
    host_trace_seg(host, TRACE_RX, seg, tcb ? tcb->id : 0, DROP_NONE);
    if (!tcb) {
        tcp_reply_rst(host, seg); /* RFC 9293 3.10.7.1: no TCB */
        return;
    }
    tcp_input(tcb, seg);
}

/* Linux tcp_twsk_unique with tcp_tw_reuse: a TIME_WAIT 4-tuple may be taken
 * over by a new outgoing connection when it used timestamps (the peer's
 * PAWS check, RFC 7323 5, then tells the two incarnations apart) and
 * TS.Recent was last updated in an earlier whole second
 * (time_after32(ktime_get_seconds(), tw_ts_recent_stamp)). */
static bool tw_reusable(const struct tcp_tw *tw, sim_time_t now)
{
    return tw->ts_ok && now / SIM_S(1) > tw->ts_recent_stamp / SIM_S(1);
}

static bool tcp_host_tw_reuse(struct host *host, struct tcp_tw *tw, struct host_port_pick *pick)
{
    if (!host->params.tw_reuse || !tw_reusable(tw, host->net->engine.now))
        return false;
    /* Linux: write_seq = tw_snd_nxt + 65535 + 2, above the old sequence space. */
    pick->iss = tw->snd_nxt + 65537;
    pick->iss_set = true;
    tcp_trace_conn_note(host, tw->id, "TIME_WAIT reused by connect() (tcp_tw_reuse)");
    tcp_tw_close(tw);
    return true;
}

/* Forget every socket without a word on the wire (the memory of a crashed
 * machine is gone); the application's handles become CLOSED sockets. */
static void forget(struct tcb *tcb)
{
    tcb->orphan = true;
    tcb->parent = NULL;
    tcp_close_tcb(tcb);
}

static void tcp_host_forget_all(struct host *host)
{
    struct tcb_table *table = &host->conns;
    for (uint32_t i = 0; i < table->capacity; i++) {
        struct conn_slot *s = &table->slots[i];
        struct tcp_tw *tw = host_slot_tw(s);
        struct tcb *tcb = host_slot_conn(s);
        if (tw)
            tcp_tw_close(tw);
        else if (tcb)
            forget(tcb);
    }
    while (host->listener_count)
        forget(host->listeners[0].tcb);
}

static void tcp_host_destroy_all(struct host *host)
{
    for (uint32_t i = 0; i < host->conns.capacity; i++) {
        struct tcp_tw *tw = host_slot_tw(&host->conns.slots[i]);
        if (tw)
            tcp_tw_free(tw);
    }
    engine_timer_del(&host->net->engine, &host->tw_timer);
    while (host->all)
        tcb_free(host->all);
}

const struct net_proto_ops tcp_proto_ops = {
    .host_init = tcp_tw_queue_init,
    .input = tcp_host_input,
    .tw_reuse = tcp_host_tw_reuse,
    .forget_all = tcp_host_forget_all,
    .destroy_all = tcp_host_destroy_all,
};
