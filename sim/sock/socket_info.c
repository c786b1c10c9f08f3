/* Read-only views of sockets for netstat/ss-style listings: a snapshot of
 * one socket's queues and timer, and of every socket of a host (TCBs and
 * compact TIME_WAIT records alike). */
#include <stdlib.h>

#include "tcp/tcp_internal.h"
#include "tcpsim/errors.h"
#include "tcpsim/socket.h"

/* Linux: write_seq - snd_una (get_tcp4_sock), so an unacknowledged SYN or
 * FIN counts one octet: netstat shows Send-Q 1 in SYN_SENT and FIN_WAIT1. */
static uint64_t info_send_q(const struct tcb *tcb)
{
    uint64_t q = tcb->snd_written - tcb->snd_una_off;
    enum tcp_state s = tcb->state;
    if (s == TCP_SYN_SENT)
        q++;
    if (tcb->fin_sent && (s == TCP_FIN_WAIT1 || s == TCP_CLOSING || s == TCP_LAST_ACK))
        q++;
    return q;
}

/* Linux: inet_sk_diag_fill picks the retransmission timer (1, "on"), else
 * the zero-window probe (4, "persist"), else sk_timer (2, "keepalive");
 * TIME_WAIT sockets report their timer as 3. An orphaned FIN_WAIT2 with
 * tcp_fin_timeout <= 60 s is a timewait socket in Linux (tcp_close ->
 * tcp_time_wait), so its timer is shown as "timewait" too. */
static void info_timer(const struct tcb *tcb, struct sock_info *out)
{
    sim_time_t now = tcp_now(tcb);
    if (tcb->tw) { /* TIME_WAIT: the timer runs on the record */
        out->timer = SOCK_TIMER_TIMEWAIT;
        out->timer_left = tcb->tw->expires - now;
    } else if (sim_timer_armed(&tcb->rtx_timer)) {
        out->timer = tcb->rtx_mode == TCP_RTX_PROBE0 ? SOCK_TIMER_PERSIST : SOCK_TIMER_ON;
        out->timer_left = tcb->rtx_timer.when - now;
        out->timer_count = tcb->retransmits;
    } else if (sim_timer_armed(&tcb->aux_timer)) {
        out->timer_left = tcb->aux_timer.when - now;
        if (tcb->aux == AUX_KEEPALIVE) {
            out->timer = SOCK_TIMER_KEEPALIVE;
            out->timer_count = tcb->ka_probes;
        } else {
            out->timer = SOCK_TIMER_TIMEWAIT;
        }
    }
}

void sock_get_info(const struct tcb *tcb, struct sock_info *out)
{
    *out = (struct sock_info){.state = tcb->state,
                              .id = tcb->id,
                              .local_addr = tcb->host->addr,
                              .local_port = tcb->local_port,
                              .remote_addr = tcb->remote_addr,
                              .remote_port = tcb->remote_port};
    if (tcb->state == TCP_LISTEN) {
        /* Linux: a listener's rx_queue is its accept backlog (sk_ack_backlog). */
        out->recv_q = tcb->accept_queue;
        out->backlog = tcb->backlog ? tcb->backlog : tcb_params(tcb)->somaxconn;
        out->local_addr = 0; /* listen() binds INADDR_ANY */
        out->remote_addr = 0;
        out->remote_port = 0;
    } else {
        out->recv_q = tcb->rcv_queued;
        out->send_q = info_send_q(tcb);
    }
    info_timer(tcb, out);
}

/* Linux: a timewait socket has empty queues and its timer "timewait". */
static void tw_get_info(const struct tcp_tw *tw, struct sock_info *out)
{
    *out = (struct sock_info){.state = TCP_TIME_WAIT,
                              .id = tw->id,
                              .local_addr = tw->host->addr,
                              .local_port = tw->local_port,
                              .remote_addr = tw->remote_addr,
                              .remote_port = tw->remote_port,
                              .timer = SOCK_TIMER_TIMEWAIT,
                              .timer_left = tw->expires - tw->host->net->engine.now};
}

static int info_order(const void *a, const void *b)
{
    const struct sock_info *x = a, *y = b;
    bool lx = x->state == TCP_LISTEN, ly = y->state == TCP_LISTEN;
    if (lx != ly)
        return lx ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

struct info_rows {
    struct sock_info *v;
    size_t n, cap;
};

static struct sock_info *info_push(struct info_rows *r)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        struct sock_info *grown = realloc(r->v, cap * sizeof *grown);
        if (!grown)
            return NULL;
        r->v = grown;
        r->cap = cap;
    }
    return &r->v[r->n++];
}

int host_socket_infos(const struct host *host, struct sock_info **rows, size_t *count)
{
    struct info_rows r = {0};
    for (const struct tcb *t = host->all; t; t = t->all_next) {
        if (t->state == TCP_CLOSED)
            continue;
        struct sock_info *row = info_push(&r);
        if (!row)
            goto oom;
        sock_get_info(t, row);
    }
    for (uint32_t i = 0; i < host->conns.capacity; i++) {
        const struct tcp_tw *tw = host_slot_tw(&host->conns.slots[i]);
        if (!tw || tw->husk) /* a husk was listed with the TCBs */
            continue;
        struct sock_info *row = info_push(&r);
        if (!row)
            goto oom;
        tw_get_info(tw, row);
    }
    if (r.n)
        qsort(r.v, r.n, sizeof *r.v, info_order);
    *rows = r.v;
    *count = r.n;
    return TS_OK;
oom:
    free(r.v);
    return TS_ENOMEM;
}

void sock_get_wire(const struct tcb *tcb, struct sock_wire *out)
{
    *out = (struct sock_wire){.local_addr = tcb->host->addr,
                              .remote_addr = tcb->remote_addr,
                              .local_port = tcb->local_port,
                              .remote_port = tcb->remote_port,
                              .snd_nxt = tcb->snd_nxt,
                              .rcv_nxt = tcb->rcv_nxt};
}

void sock_get_tcp_info(const struct tcb *tcb, struct sock_tcp_info *out)
{
    *out = (struct sock_tcp_info){.state = tcb->state,
                                  .rcvbuf = tcb->rcvbuf,
                                  .sndbuf = tcb->sndbuf,
                                  .mss = tcb->mss,
                                  .ts_ok = tcb->ts_ok,
                                  .rd_shut = tcb->rd_shut,
                                  .wr_shut = tcb->wr_shut,
                                  .fin_rcvd = tcb->fin_rcvd,
                                  .snd_wscale = tcb->snd_wscale,
                                  .rcv_wscale = tcb->rcv_wscale,
                                  .cwnd = tcb->cwnd,
                                  .ssthresh = tcb->ssthresh,
                                  .rto = tcb->rto,
                                  .srtt = tcb->srtt,
                                  .rttvar = tcb->rttvar,
                                  .retransmits = tcb->retransmits,
                                  .so_error = tcb->so_error};
}

int sock_take_error(struct tcb *tcb)
{
    int err = tcb->so_error;
    tcb->so_error = 0;
    return err;
}

uint64_t host_stream_errors(const struct host *host)
{
    uint64_t n = 0;
    for (const struct tcb *t = host->all; t; t = t->all_next)
        n += t->rcv_bad;
    return n;
}

bool sock_get_streams(const struct tcb *tcb, struct sock_streams *out)
{
    if (tcb->state == TCP_LISTEN ||
        (tcb->snd_written == 0 && tcb->rcv_total == 0 && !tcb->syn_acked))
        return false;
    *out = (struct sock_streams){.host = tcb->host->index,
                                 .id = tcb->id,
                                 .local_port = tcb->local_port,
                                 .remote_port = tcb->remote_port,
                                 .written = tcb->snd_written,
                                 .received = tcb->rcv_total,
                                 .bad = tcb->rcv_bad};
    return true;
}

void host_for_each_socket(const struct host *host, void (*fn)(void *ctx, const struct tcb *tcb),
                          void *ctx)
{
    for (const struct tcb *t = host->all; t; t = t->all_next)
        fn(ctx, t);
}
