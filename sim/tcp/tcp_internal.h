/* What the tcp_*.c files share, one header per concern:
 *   tcp_tcb.h        the TCB (RFC 9293 3.3.1) and its life cycle, tracing,
 *                    notifications, its place in the host's table
 *   tcp_timer.h      the timers and their one owner; RTO, persist, delayed ACK
 *   tcp_cc.h         congestion control: NewReno, CUBIC, HyStart
 *   tcp_recovery.h   SACK scoreboard, tail loss probe
 *   tcp_listen.h     listen queues, SYN cookies
 *   tcp_timewait.h   the TIME_WAIT record
 *   tcp_io.h         segment input, output, the receive window
 * A file may include just the ones it needs; this umbrella includes all. */
#ifndef TCPSIM_TCP_INTERNAL_H
#define TCPSIM_TCP_INTERNAL_H

#include "tcp_cc.h"
#include "tcp_io.h"
#include "tcp_listen.h"
#include "tcp_recovery.h"
#include "tcp_tcb.h"
#include "tcp_timer.h"
#include "tcp_timewait.h"

#endif
