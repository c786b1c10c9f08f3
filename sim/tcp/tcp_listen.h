/* Passive opens: the listener's SYN and accept queues (tcp_listen.c) and
 * SYN cookies (tcp_syncookie.c). */
#ifndef TCPSIM_TCP_LISTEN_H
#define TCPSIM_TCP_LISTEN_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpsim/segment.h"
#include "tcpsim/tcp_state.h"

struct host;
struct tcb;

/* RFC 9293 3.10.7.2 (third): a SYN accepted by a listener, ISS chosen, within
 * the listen queues' limits; a SYN reopening a TIME_WAIT 4-tuple (tw_reuse)
 * skips the SYN-queue limits, as in Linux. */
void tcp_listen_accept_syn(struct tcb *listener, const struct tcp_segment *seg, tcp_seq iss,
                           bool tw_reuse);

/* tcp_listen.c: the SYN queue and the accept queue (Linux tcp_conn_request,
 * tcp_check_req, inet_csk_listen_stop) */
enum listen_verdict { LISTEN_QUEUE, LISTEN_COOKIE, LISTEN_DROP };
/* What to do with a SYN arriving at `listener` (traces the drop, and the
 * one-time SYN-flood note). `tw_reuse`: it reopens a TIME_WAIT 4-tuple,
 * which Linux takes without the SYN-queue limits. */
enum listen_verdict tcp_listen_admit(struct tcb *listener, const struct tcp_segment *syn,
                                     bool tw_reuse);
/* The accept queue has no room (Linux sk_acceptq_is_full). */
bool tcp_listen_acceptq_full(const struct tcb *listener);
/* The final ACK of a passive open met a full accept queue: drop it (the
 * child stays in SYN_RECV) or, with abort_on_overflow, reset. */
void tcp_listen_overflow(struct tcb *child, const struct tcp_segment *seg);
/* A passive child reached ESTABLISHED: into the accept queue, or straight to
 * an application that accepts. */
void tcp_listen_child_established(struct tcb *child);
/* A child leaves its listener's queues (closed, reset, timed out). */
void tcp_listen_unlink_child(struct tcb *child, enum tcp_state was);
/* The SYN,ACK retransmissions a passive child gets (Linux reqsk_timer_handler
 * prunes old requests when the queue is half full of them). */
uint32_t tcp_listen_synack_retries(const struct tcb *child);
void tcp_listen_set_accepting(struct tcb *listener, bool on);

/* tcp_syncookie.c: RFC 4987 3.6 SYN cookies (Linux syncookies.c) */
/* The ISN of a cookie SYN,ACK answering `syn`; *mss gets the MSS it encodes. */
tcp_seq tcp_cookie_isn(const struct host *host, const struct tcp_segment *syn, uint32_t *mss);
/* The MSS encoded in the cookie that `ack` returns (SEG.ACK - 1), or 0 when
 * the cookie is not one of ours or is too old. */
uint32_t tcp_cookie_check(const struct host *host, const struct tcp_segment *ack);

#endif
