/* The persist timer: probing a window that is zero, or too small to send
 * into (RFC 9293 3.8.6.1 and the override timeout of 3.8.6.2.1; Linux
 * tcp_probe_timer, tcp_send_probe0, tcp_write_wakeup, tcp_ack_probe).
 *
 * It shares rtx_timer with retransmission (never both at once: the timer's
 * mode is TCP_RTX_PROBE0, tcp_timer.c arms it and dispatches) and uses
 * `retransmits` as its backoff count (Linux icsk_backoff). A peer that
 * answers the probes keeps the connection open for ever (RFC 9293 3.8.6.1,
 * MUST-36): only unanswered probes count towards giving up, and each ACK
 * clears them (Linux icsk_probes_out). */
#include "tcp_internal.h"
#include "tcpsim/errors.h"

/* RFC 9293 3.8.6.1 (SHLD-29, SHLD-30): the first probe after one RTO, then
 * exponentially further apart. Linux tcp_probe0_when: max(RTO, TCP_RTO_MIN)
 * shifted by the backoff, capped at TCP_RTO_MAX; persist_min/persist_max
 * are those bounds here (BSD clamps the same way to TCPTV_PERSMIN/MAX). */
sim_time_t tcp_persist_interval(const struct tcp_params *p, sim_time_t rto, uint32_t backoff)
{
    sim_time_t base = rto < p->persist_min ? p->persist_min : rto;
    return tcp_rto_backoff(base, backoff, p->persist_max);
}

/* Linux tcp_clamp_probe0_to_user_timeout: never probe past TCP_USER_TIMEOUT. */
static sim_time_t persist_clamp(struct tcb *tcb, sim_time_t t)
{
    if (!tcb->user_timeout || !tcb->persisting)
        return t;
    sim_time_t left = tcb->persist_since + tcb->user_timeout - tcp_now(tcb);
    sim_time_t min = 2 * tcp_jiffy(tcb_params(tcb)); /* TCP_TIMEOUT_MIN: 2 jiffies */
    if (left < min)
        left = min;
    return left < t ? left : t;
}

void tcp_arm_persist(struct tcb *tcb)
{
    sim_time_t t = tcp_persist_interval(tcb_params(tcb), tcb->rto, tcb->retransmits);
    tcp_arm_probe0(tcb, persist_clamp(tcb, t));
}

static void persist_reset(struct tcb *tcb)
{
    tcb->retransmits = 0;
    tcb->probes_out = 0;
    tcb->persisting = false;
}

/* Unanswered probes before giving up: R2 (Linux tcp_retries2 in
 * tcp_probe_timer; tcp_orphan_retries once nobody holds the socket). */
static uint32_t persist_probe_limit(const struct tcb *tcb)
{
    const struct tcp_params *p = tcb_params(tcb);
    if (tcb->orphan)
        return p->orphan_retries ? p->orphan_retries : 8;
    return p->retries2;
}

void tcp_persist_timeout(struct tcb *tcb)
{
    sim_time_t now = tcp_now(tcb);
    if (!tcb->persisting) {
        tcb->persisting = true;
        tcb->persist_since = now; /* Linux icsk_probes_tstamp */
    } else if (tcb->user_timeout && now - tcb->persist_since >= tcb->user_timeout) {
        tcp_drop(tcb, TS_ETIMEDOUT); /* Linux: TCP_USER_TIMEOUT bounds probing too */
        return;
    }
    if (tcb->probes_out >= persist_probe_limit(tcb)) {
        tcp_drop(tcb, TS_ETIMEDOUT); /* nobody answers: the peer is gone */
        return;
    }
    uint32_t wnd = tcb->snd_wnd < tcb->cwnd ? tcb->snd_wnd : tcb->cwnd;
    if (wnd > tcp_flight_size(tcb)) {
        /* A window too small for the sender's SWS rule: send what fits
         * (RFC 9293 3.8.6.2.1 override timeout; Linux tcp_write_wakeup).
         * The retransmission timer takes over. */
        persist_reset(tcb); /* (rtx_fire already cleared the timer's mode) */
        if (tcp_output_forced(tcb))
            return;
    }
    tcp_send_zero_window_probe(tcb);
    if (tcb->probes_out < UINT8_MAX)
        tcb->probes_out++;
    if (tcb->retransmits < 30)
        tcb->retransmits++; /* Linux tcp_send_probe0: icsk_backoff++ */
    tcp_arm_persist(tcb);
}

void tcp_persist_on_ack(struct tcb *tcb, uint32_t old_wnd)
{
    tcb->probes_out = 0; /* the peer is alive (Linux tcp_ack) */
    /* RFC 1122 4.2.2.17: the sender MUST NOT close the connection while the
     * receiver answers its probes, so the user timeout counts from the last
     * answer. Linux counts it from the first probe (icsk_probes_tstamp in
     * tcp_probe_timer), and so drops even an answering peer. */
    if (tcb->persisting && !tcb_params(tcb)->persist_timeout_from_first_probe)
        tcb->persist_since = tcp_now(tcb);
    bool probing = tcb->rtx_mode == TCP_RTX_PROBE0 && sim_timer_armed(&tcb->rtx_timer);
    if (old_wnd == 0 && tcb->snd_wnd > 0 && (probing || tcb->persisting)) {
        /* The window re-opened: the episode ends (Linux tcp_ack_probe
         * clears icsk_backoff and icsk_probes_tstamp), even when this ACK
         * took an RFC probe's octet and so already stopped the timer.
         * Output resumes, starting with the octet an RFC probe carried if
         * it was not accepted. */
        if (!probing) {
            tcb->persisting = false; /* the timer is not ours any more */
            return;
        }
        tcp_stop_rexmit(tcb);
        if (tcb->snd_nxt == tcb->snd_una)
            tcb->snd_max = tcb->snd_nxt;
        persist_reset(tcb);
        return;
    }
    if (!probing)
        return;
    if (tcb->snd_wnd == 0 && tcb_params(tcb)->persist_rearm_on_ack) {
        /* Linux tcp_ack_probe: still closed, next probe one backed-off
         * interval after this ACK (not after the probe). */
        tcp_arm_persist(tcb);
    }
}
