/* Read-only views of sockets for netstat/ss-style listings: iteration over
 * a host's sockets and a snapshot of one socket's queues and timer. */
#include "tcp_internal.h"
#include "tcpsim/socket.h"

const struct tcb *host_socket_first(const struct host *host) { return host->all; }
const struct tcb *host_socket_next(const struct tcb *tcb) { return tcb->all_next; }

/* Linux: write_seq - snd_una (get_tcp4_sock), so an unacknowledged SYN or
 * FIN counts one octet: netstat shows Send-Q 1 in SYN_SENT and FIN_WAIT1. */
static uint64_t info_send_q(const struct tcb *tcb)
{
    uint64_t q = tcb->snd_written - tcb->snd_una_off;
    enum tcp_state s = (enum tcp_state)tcb->state;
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
    if (sim_timer_armed(&tcb->rtx_timer)) {
        out->timer = tcb->rtx_is_persist ? SOCK_TIMER_PERSIST : SOCK_TIMER_ON;
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
    *out = (struct sock_info){.state = (enum tcp_state)tcb->state, .id = tcb->id,
                              .local_addr = tcb->host->addr, .local_port = tcb->local_port,
                              .remote_addr = tcb->remote_addr, .remote_port = tcb->remote_port};
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
