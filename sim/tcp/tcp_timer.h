/* The TCB's timers and what they time (tcp_timer.c, their one owner), with
 * the timeouts' arithmetic and handlers: RFC 6298 (tcp_rto.c), the persist
 * timer (tcp_persist.c) and the delayed ACK (tcp_delack.c). */
#ifndef TCPSIM_TCP_TIMER_H
#define TCPSIM_TCP_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpsim/tcp_params.h"
#include "tcpsim/time.h"

struct tcb;

/* What the multi-purpose timer is doing (only one of these at a time;
 * TIME_WAIT's 2MSL runs on struct tcp_tw). */
enum tcb_aux_timer {
    AUX_NONE,
    AUX_KEEPALIVE, /* RFC 1122 4.2.3.6 idle/probe interval */
    AUX_FINWAIT2,  /* Linux tcp_fin_timeout for orphaned FIN_WAIT2 */
};

/* What rtx_timer is timing (Linux icsk_pending): one timer with one owner,
 * tcp_timer.c, which arms it with a mode and, when it fires, switches on it
 * (Linux tcp_write_timer_handler). */
enum tcp_rtx_mode {
    TCP_RTX_RETRANS,    /* ICSK_TIME_RETRANS: SYN, SYN,ACK, data, FIN (RFC 6298); or unarmed */
    TCP_RTX_PROBE0,     /* ICSK_TIME_PROBE0: the persist timer (tcp_persist.c) */
    TCP_RTX_LOSS_PROBE, /* ICSK_TIME_LOSS_PROBE: the tail loss probe's PTO (tcp_tlp.c) */
};

/* tcp_timer.c: the only code that arms or stops the TCB's timers. */
void tcp_timers_init(struct tcb *tcb);
void tcp_timers_cancel_all(struct tcb *tcb);
/* (Re)start at the current RTO, or the tail loss probe's PTO in its place
 * when that applies (tcp_tlp.c; Linux tcp_set_xmit_timer). */
void tcp_arm_rexmit(struct tcb *tcb);
void tcp_arm_rto(struct tcb *tcb);                         /* the RTO itself, never a probe */
void tcp_arm_rto_after(struct tcb *tcb, sim_time_t delay); /* ... due `delay` from now */
/* rtx_timer as the persist timer, `after` from now (tcp_persist.c). */
void tcp_arm_probe0(struct tcb *tcb, sim_time_t after);
/* rtx_timer as the PTO due at `when`, in place of an RTO due at `rto_due`. */
void tcp_arm_loss_probe(struct tcb *tcb, sim_time_t when, sim_time_t rto_due);
/* Linux re-arms the SYN timer `after` a bad ACK in SYN-SENT (R-SYNSENT-07). */
void tcp_arm_syn_retry(struct tcb *tcb, sim_time_t after);
void tcp_stop_rexmit(struct tcb *tcb);
void tcp_arm_linger(struct tcb *tcb); /* SO_LINGER {on, N}: close() waits linger_time */
void tcp_stop_linger(struct tcb *tcb);
void tcp_arm_delack(struct tcb *tcb);
void tcp_arm_delack_at(struct tcb *tcb, sim_time_t when); /* (re)arm for an absolute time */
void tcp_stop_delack(struct tcb *tcb);
void tcp_arm_aux(struct tcb *tcb, enum tcb_aux_timer kind, sim_time_t after);
void tcp_stop_aux(struct tcb *tcb);
void tcp_arm_keepalive(struct tcb *tcb); /* idle timer if SO_KEEPALIVE */
void tcp_enter_time_wait(struct tcb *tcb);

/* tcp_persist.c */
sim_time_t tcp_persist_interval(const struct tcp_params *params, sim_time_t rto, uint32_t backoff);
void tcp_arm_persist(struct tcb *tcb);
void tcp_persist_timeout(struct tcb *tcb);
/* Every acceptable ACK that may update the window (old_wnd: SND.WND before). */
void tcp_persist_on_ack(struct tcb *tcb, uint32_t old_wnd);

/* tcp_delack.c: when received data is acknowledged */
bool tcp_delack_enough_unacked(const struct tcb *tcb);
void tcp_delack_on_data(struct tcb *tcb, uint32_t len, bool immediate);
/* A FIN that moves us to CLOSE_WAIT, after `len` octets of new data in the
 * same segment: its ACK may wait (Linux tcp_fin). */
void tcp_delack_on_fin(struct tcb *tcb, uint32_t len);
/* Duplicate or out-of-window data: ACK at once from now on (Linux
 * tcp_enter_quickack_mode). */
void tcp_delack_enter_quickack(struct tcb *tcb);
void tcp_delack_on_ack_sent(struct tcb *tcb);
void tcp_delack_on_data_sent(struct tcb *tcb);
void tcp_delack_timeout(struct tcb *tcb);

/* tcp_jiffies.c: timer granularity (exact, jiffies or Linux's timer wheel) */
sim_time_t tcp_jiffies_round_up(const struct tcp_params *p, sim_time_t t);
sim_time_t tcp_jiffy(const struct tcp_params *p); /* one tick (1 ms when exact) */
/* When a timer armed at `now` for `delay` fires under the profile's granularity
 * (tcp_timer.c rounds every arm of the TCB's timers but the linger timer so). */
sim_time_t tcp_timer_expiry(const struct tcp_params *p, sim_time_t now, sim_time_t delay);

/* tcp_rto.c: RFC 6298 arithmetic, pure */
void tcp_rtt_sample(struct tcb *tcb, sim_time_t r);
sim_time_t tcp_rto_backoff(sim_time_t rto, uint32_t shifts, sim_time_t max);
/* The delay before SYN retransmission number `n` (1-based) (syn_linear_timeouts). */
sim_time_t tcp_syn_rto(const struct tcp_params *params, sim_time_t rto, uint32_t n);

#endif
