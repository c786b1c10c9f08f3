/* The socket-like API the scripted applications use. It mirrors BSD sockets
 * so students recognise it; each call maps onto an RFC 9293 3.10 user call
 * (OPEN, SEND, RECEIVE, CLOSE, ABORT, STATUS) and returns 0 or an errno-style
 * enum ts_err. Calls never block: a call that would block in a real program
 * (connect, close with SO_LINGER) completes later through app_ops. */
#ifndef TCPSIM_SOCKET_H
#define TCPSIM_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpsim/host.h"

struct tcb;

/* OPEN passive (RFC 9293 3.10.1). */
int sock_listen(struct host *host, uint16_t port, uint32_t backlog, struct tcb **out);
/* The same with SO_REUSEADDR set before bind(): EADDRINUSE unless every
 * socket still bound to `port` (connections, TIME_WAIT) set it too and
 * none of them listens (Linux inet_csk_bind_conflict). */
int sock_listen_reuse(struct host *host, uint16_t port, uint32_t backlog, bool reuseaddr,
                      struct tcb **out);
/* OPEN active: sends the SYN. local_port 0 picks an ephemeral port
 * (EADDRNOTAVAIL when none is free toward the destination; with
 * tcp_tw_reuse a TIME_WAIT 4-tuple may be taken over). Returns 0 (pending: app_ops.connected
 * follows) or an error. */
int sock_connect(struct host *host, uint32_t remote_addr, uint16_t remote_port, uint16_t local_port,
                 struct tcb **out);
/* SEND of `bytes` counted octets. Returns 0 when queued, else an error. */
int sock_send(struct tcb *tcb, uint64_t bytes);
/* SEND of literal octets: like sock_send(tcb, len), and the pcap and the
 * timeline show these bytes instead of the generated pattern. */
int sock_send_text(struct tcb *tcb, const uint8_t *bytes, uint32_t len);
/* RECEIVE up to `max` octets (0 = all available). Returns 0 with *got set
 * (*got == 0 with *eof true at end of stream), TS_EAGAIN when nothing is there
 * yet, or an error such as ECONNRESET. */
int sock_recv(struct tcb *tcb, uint64_t max, uint64_t *got, bool *eof);
/* shutdown(): how = 1 RD, 2 WR, 3 RDWR. */
int sock_shutdown(struct tcb *tcb, int how);
/* CLOSE: the application lets go of the socket (it becomes an orphan that
 * finishes the close on its own). With SO_LINGER {on, 0} this is ABORT.
 * With SO_LINGER {on, N>0} close "blocks": returns TS_EINPROGRESS and
 * app_ops.close_done follows when the FIN is acknowledged or N expires. */
int sock_close(struct tcb *tcb);
/* ABORT (RFC 9293 3.10.5): RST when synchronized, TCB deleted. */
int sock_abort(struct tcb *tcb);

/* `ss -K`: the socket is destroyed from outside; the application sees
 * ECONNABORTED. */
int sock_destroy(struct tcb *tcb);
/* getsockopt(SO_ERROR): returns the pending error (0 if none) and clears it. */
int sock_so_error(struct tcb *tcb);
void sock_set_syncnt(struct tcb *tcb, uint32_t count); /* TCP_SYNCNT, 1-127 */

struct sock_linger {
    bool on;
    sim_time_t time;
};
void sock_set_linger(struct tcb *tcb, struct sock_linger linger);
void sock_set_keepalive(struct tcb *tcb, bool on);
void sock_set_keepalive_params(struct tcb *tcb, sim_time_t idle, sim_time_t intvl, uint32_t count);
/* On a listener: whether the application calls accept(). Off, established
 * connections wait in the accept queue (which can overflow); turning it on
 * accepts every waiting one at once, oldest first. Default on. */
void sock_set_accepting(struct tcb *tcb, bool on);
/* accept() for an application that calls it one at a time: with accepting
 * off, takes the oldest connection out of the listener's accept queue.
 * Returns 0 with *child set, or TS_EAGAIN when the queue is empty. */
int sock_accept(struct tcb *listener, struct tcb **child);
void sock_set_nodelay(struct tcb *tcb, bool on);
void sock_set_reuseaddr(struct tcb *tcb, bool on); /* SO_REUSEADDR */
void sock_set_user_timeout(struct tcb *tcb, sim_time_t timeout);
void sock_set_bufs(struct tcb *tcb, uint32_t rcvbuf, uint32_t sndbuf);

/* STATUS (RFC 9293 3.10.6) and introspection. */
enum tcp_state sock_state(const struct tcb *tcb);
uint32_t sock_id(const struct tcb *tcb);
struct host *sock_host(const struct tcb *tcb);
/* Octets received in order and not yet read (netstat Recv-Q). */
uint64_t sock_recv_queue(const struct tcb *tcb);
/* Octets written and not yet acknowledged (netstat Send-Q). */
uint64_t sock_send_queue(const struct tcb *tcb);
/* A read-only snapshot of a socket, what netstat -nato and ss -tano show
 * (sim/sock/socket_info.c). The timer is the one Linux reports through
 * inet_diag / /proc/net/tcp: retransmission ("on") or zero-window probe
 * ("persist") first, else keep-alive or TIME_WAIT; the delayed-ACK timer is
 * never shown. */
enum sock_timer {
    SOCK_TIMER_OFF,
    SOCK_TIMER_ON,
    SOCK_TIMER_KEEPALIVE,
    SOCK_TIMER_TIMEWAIT,
    SOCK_TIMER_PERSIST
};
struct sock_info {
    enum tcp_state state;
    uint32_t id;
    uint32_t local_addr, remote_addr; /* remote 0 for a listener */
    uint16_t local_port, remote_port;
    uint64_t recv_q;  /* unread octets; a listener: connections awaiting accept */
    uint64_t send_q;  /* unacknowledged octets, SYN and FIN counting one each */
    uint32_t backlog; /* a listener's accept-queue limit (ss Send-Q) */
    enum sock_timer timer;
    sim_time_t timer_left; /* until the timer fires, when one is set */
    uint32_t timer_count;  /* retransmissions or probes sent so far */
};
void sock_get_info(const struct tcb *tcb, struct sock_info *out);
/* A snapshot of every socket of the host that is not CLOSED (TIME_WAIT
 * records included), listeners first, then connections in creation order,
 * as netstat lists them. *rows is malloc'd (the caller frees it); returns
 * 0 or TS_ENOMEM. */
int host_socket_infos(const struct host *host, struct sock_info **rows, size_t *count);

/* What a blind attacker who knows the connection would put in a forged
 * segment (RFC 5961 1; the `inject` step): the 4-tuple as the socket holds
 * it and the next sequence numbers it sends and expects. */
struct sock_wire {
    uint32_t local_addr, remote_addr;
    uint16_t local_port, remote_port;
    tcp_seq snd_nxt, rcv_nxt;
};
void sock_get_wire(const struct tcb *tcb, struct sock_wire *out);

/* What an application can learn of a TCP socket through getsockopt
 * (SO_RCVBUF, SO_SNDBUF, TCP_MAXSEG, TCP_INFO) and poll(): the packetdrill
 * front end's view (sim/pkt/). Times in nanoseconds, windows in octets. */
struct sock_tcp_info {
    enum tcp_state state;
    uint32_t rcvbuf, sndbuf;
    uint32_t mss; /* effective send MSS (options not subtracted) */
    bool ts_ok, rd_shut, wr_shut, fin_rcvd;
    uint8_t snd_wscale, rcv_wscale;
    uint32_t cwnd, ssthresh;
    sim_time_t rto, srtt, rttvar;
    uint32_t retransmits;
    int so_error; /* pending error (enum ts_err), not cleared */
};
void sock_get_tcp_info(const struct tcb *tcb, struct sock_tcp_info *out);
/* getsockopt(SO_ERROR): the pending error, cleared. */
int sock_take_error(struct tcb *tcb);
/* Bytes that reached the applications of `host` out of stream order (always
 * 0 unless the model is broken; runner_stream_errors). */
uint64_t host_stream_errors(const struct host *host);

/* What a socket's two byte streams came to (the invariant checker's
 * "every byte delivered once, in order"). */
struct sock_streams {
    int host;    /* host index */
    uint32_t id; /* connection id */
    uint16_t local_port, remote_port;
    uint64_t written;  /* octets the application's send() calls accepted */
    uint64_t received; /* in-order octets received (read or not) */
    uint64_t bad;      /* octets whose stream offset did not match */
};
/* Fills *out; false for a listener or a socket that never carried anything
 * (no data either way and no handshake). */
bool sock_get_streams(const struct tcb *tcb, struct sock_streams *out);
/* Calls fn for every socket the host still holds (TIME_WAIT records
 * excepted: their streams were recorded when the application let go). */
void host_for_each_socket(const struct host *host, void (*fn)(void *ctx, const struct tcb *tcb),
                          void *ctx);

/* Opaque pointer the application may hang on a socket. */
void sock_set_user(struct tcb *tcb, void *user);
void *sock_user(const struct tcb *tcb);

#endif
