/* The TCB's timers (RFC 9293 3.8, 3.10.8; RFC 6298 5; RFC 1122 4.2.3.6).
 *
 * rtx_timer    one timer, three uses, as Linux's icsk_retransmit_timer: its
 *              mode (enum tcp_rtx_mode, set with every arm) says whether it
 *              retransmits SYN, SYN,ACK, data and FIN, probes a zero window
 *              (tcp_persist.c) or sends a tail loss probe (tcp_tlp.c), and
 *              rtx_fire switches on it (tcp_write_timer_handler).
 * delack_timer delayed acknowledgement (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2).
 * aux_timer    whichever of keep-alive and the FIN_WAIT2 timeout applies in
 *              the current state (TIME_WAIT's 2MSL runs on its compact record,
 *              tcp_timewait.c).
 * linger_timer the deadline of a close() blocked by SO_LINGER {on, N}.
 * Only this file arms and stops them. Every arm of rtx_timer, aux_timer and
 * linger_timer is traced (delack_timer's arms never were: timelines stay as
 * they were). */
#include "tcp_internal.h"
#include "tcpsim/errors.h"

static struct engine *engine_of(struct tcb *tcb) { return &tcb->host->net->engine; }

/* Arms one of the TCB's timers `delay` from now, rounded to the profile's
 * timer granularity (tcp_jiffies.c). */
static void timer_arm_after(struct tcb *tcb, struct sim_timer *timer, sim_time_t delay)
{
    engine_arm(engine_of(tcb), timer, tcp_timer_expiry(tcb_params(tcb), tcp_now(tcb), delay));
}

static void rtx_fire(struct engine *engine, struct sim_timer *timer);
static void delack_fire(struct engine *engine, struct sim_timer *timer);
static void aux_fire(struct engine *engine, struct sim_timer *timer);
static void linger_fire(struct engine *engine, struct sim_timer *timer);

void tcp_timers_init(struct tcb *tcb)
{
    sim_timer_init(&tcb->rtx_timer, rtx_fire);
    sim_timer_init(&tcb->delack_timer, delack_fire);
    sim_timer_init(&tcb->aux_timer, aux_fire);
    sim_timer_init(&tcb->linger_timer, linger_fire);
}

void tcp_timers_cancel_all(struct tcb *tcb)
{
    struct engine *e = engine_of(tcb);
    engine_cancel(e, &tcb->rtx_timer);
    engine_cancel(e, &tcb->delack_timer);
    engine_cancel(e, &tcb->aux_timer);
    engine_cancel(e, &tcb->linger_timer);
    tcb->aux = AUX_NONE;
}

static enum trace_timer_kind aux_trace_kind(enum tcb_aux_timer aux)
{
    switch (aux) {
    case AUX_FINWAIT2: return TRACE_TIMER_FINWAIT2;
    default: return TRACE_TIMER_KEEPALIVE;
    }
}

static enum trace_timer_kind rtx_trace_kind(enum tcp_rtx_mode mode)
{
    switch (mode) {
    case TCP_RTX_PROBE0: return TRACE_TIMER_PERSIST;
    case TCP_RTX_LOSS_PROBE: return TRACE_TIMER_TLP;
    default: return TRACE_TIMER_REXMIT;
    }
}

/* The one place rtx_timer is armed: what it times goes with the deadline. */
static void rtx_arm(struct tcb *tcb, enum tcp_rtx_mode mode, sim_time_t when)
{
    tcb->rtx_mode = (uint8_t)mode;
    engine_arm(engine_of(tcb), &tcb->rtx_timer, when);
    tcp_trace_timer(tcb, rtx_trace_kind(mode), TRACE_TIMER_SET, tcb->rtx_timer.when);
}

static void rtx_arm_after(struct tcb *tcb, enum tcp_rtx_mode mode, sim_time_t delay)
{
    rtx_arm(tcb, mode, tcp_timer_expiry(tcb_params(tcb), tcp_now(tcb), delay));
}

/* TCP_USER_TIMEOUT (RFC 5482 3; RFC 9293 3.8.3): once retransmitting,
 * the timer never runs past the user timeout, so the connection drops at
 * that moment, not at the next backed-off RTO (Linux
 * tcp_clamp_rto_to_user_timeout: remaining = user_timeout - (now -
 * retrans_stamp), in whole jiffies; one jiffy once it has passed). The
 * clock starts at first_rexmit_at (rtx_fire, tcp_tlp.c). */
static sim_time_t rexmit_clamp(struct tcb *tcb, sim_time_t t)
{
    if (!tcb->user_timeout || tcb->retransmits == 0)
        return t;
    sim_time_t left = tcb->first_rexmit_at + tcb->user_timeout - tcp_now(tcb);
    if (left <= 0)
        return tcp_jiffy(tcb_params(tcb)); /* Linux: "fire ASAP" */
    return left < t ? left : t;
}

/* RFC 6298 (5.1)/(5.3): (re)start the timer so it expires after RTO. */
void tcp_arm_rto(struct tcb *tcb)
{
    rtx_arm_after(tcb, TCP_RTX_RETRANS, rexmit_clamp(tcb, tcb->rto));
}

/* The same, except that a tail loss probe may take the RTO's place (RFC 8985
 * 7.2; Linux tcp_set_xmit_timer: tcp_schedule_loss_probe, else the RTO). */
void tcp_arm_rexmit(struct tcb *tcb)
{
    if (tcp_tlp_schedule(tcb, tcp_now(tcb) + rexmit_clamp(tcb, tcb->rto)))
        return;
    tcp_arm_rto(tcb);
}

/* The RTO due `delay` from now (a tail loss probe gave its deadline back). */
void tcp_arm_rto_after(struct tcb *tcb, sim_time_t delay)
{
    rtx_arm_after(tcb, TCP_RTX_RETRANS, delay);
}

/* The persist timer (tcp_persist.c) and the tail loss probe's PTO
 * (tcp_tlp.c, `when` already rounded) on the same timer. */
void tcp_arm_probe0(struct tcb *tcb, sim_time_t after)
{
    rtx_arm_after(tcb, TCP_RTX_PROBE0, after);
}

void tcp_arm_loss_probe(struct tcb *tcb, sim_time_t when, sim_time_t rto_due)
{
    tcb->tlp_rto_due = rto_due;
    rtx_arm(tcb, TCP_RTX_LOSS_PROBE, when);
}

/* R-SYNSENT-07 (Linux): the SYN again soon after a bad ACK in SYN-SENT. */
void tcp_arm_syn_retry(struct tcb *tcb, sim_time_t after)
{
    rtx_arm_after(tcb, TCP_RTX_RETRANS, after);
}

/* RFC 6298 (5.2): stop the timer when all outstanding data is acknowledged.
 * Its meaning (probe or persist) ends with it: a stale mark would make the
 * next flight's tcp_arm_rexmit skip the PTO (tcp_tlp.c). */
void tcp_stop_rexmit(struct tcb *tcb)
{
    if (!sim_timer_armed(&tcb->rtx_timer))
        return;
    engine_cancel(engine_of(tcb), &tcb->rtx_timer);
    tcp_trace_timer(tcb, rtx_trace_kind(tcb->rtx_mode), TRACE_TIMER_CANCEL, 0);
    tcb->rtx_mode = TCP_RTX_RETRANS;
}

void tcp_arm_linger(struct tcb *tcb)
{
    engine_arm_after(engine_of(tcb), &tcb->linger_timer, tcb->linger_time);
    tcp_trace_timer(tcb, TRACE_TIMER_LINGER, TRACE_TIMER_SET, tcb->linger_timer.when);
}

/* Untraced, as it always was (timelines stay as they were). */
void tcp_stop_linger(struct tcb *tcb) { engine_cancel(engine_of(tcb), &tcb->linger_timer); }

void tcp_arm_delack(struct tcb *tcb)
{
    if (sim_timer_armed(&tcb->delack_timer))
        return;
    timer_arm_after(tcb, &tcb->delack_timer, tcb_params(tcb)->delack_time);
}

void tcp_arm_delack_at(struct tcb *tcb, sim_time_t when)
{
    engine_arm(engine_of(tcb), &tcb->delack_timer, when);
}

void tcp_stop_delack(struct tcb *tcb) { engine_cancel(engine_of(tcb), &tcb->delack_timer); }

void tcp_arm_aux(struct tcb *tcb, enum tcb_aux_timer kind, sim_time_t after)
{
    tcb->aux = (uint8_t)kind;
    timer_arm_after(tcb, &tcb->aux_timer, after);
    tcp_trace_timer(tcb, aux_trace_kind(kind), TRACE_TIMER_SET, tcb->aux_timer.when);
}

void tcp_stop_aux(struct tcb *tcb)
{
    if (sim_timer_armed(&tcb->aux_timer)) {
        engine_cancel(engine_of(tcb), &tcb->aux_timer);
        tcp_trace_timer(tcb, aux_trace_kind(tcb->aux), TRACE_TIMER_CANCEL, 0);
    }
    tcb->aux = AUX_NONE;
}

/* RFC 1122 4.2.3.6: the first probe after keepalive_time of silence. */
void tcp_arm_keepalive(struct tcb *tcb)
{
    if (!tcb->keepalive_on)
        return;
    if (tcb->state != TCP_ESTABLISHED && tcb->state != TCP_CLOSE_WAIT)
        return;
    tcp_arm_aux(tcb, AUX_KEEPALIVE, tcb->ka_time);
}

/* RFC 9293 3.10.7.4 (eighth): enter TIME-WAIT, start the time-wait timer,
 * turn off the other timers. Linux fixes the length at 60 s; the RFC uses
 * 2*MSL. max_tw_buckets: beyond it Linux destroys the socket at once. */
void tcp_enter_time_wait(struct tcb *tcb)
{
    const struct tcp_params *p = tcb_params(tcb);
    tcp_stop_rexmit(tcb);
    tcp_stop_delack(tcb);
    tcp_stop_linger(tcb);
    if (tcb->aux != AUX_NONE)
        tcp_stop_aux(tcb);
    if (p->max_tw_buckets && tcb->host->state_count[TCP_TIME_WAIT] >= p->max_tw_buckets) {
        tcb->host->tw_overflow++;
        tcp_trace_note(tcb, "TCP: time wait bucket table overflow");
        tcp_close_tcb(tcb);
        return;
    }
    tcp_set_state(tcb, TCP_TIME_WAIT);
    tcp_tw_enter(tcb); /* the 2MSL timer runs on the compact record */
}

/* Linux retransmits_timed_out(): `limit` retransmissions measured as the
 * time the backed-off RTOs from a 200 ms base would take, not as a count. */
static bool linux_retries_timed_out(struct tcb *tcb, uint32_t limit)
{
    const struct tcp_params *p = tcb_params(tcb);
    /* Linux: timeout = ((2 << min(limit, thresh)) - 1) * rto_base
     *                  + max(0, limit - thresh) * rto_max,
     * thresh = ilog2(rto_max / rto_base), counted from the first retransmission. */
    sim_time_t base = SIM_MS(200);
    uint32_t thresh = 0;
    while ((base << (thresh + 1)) <= p->rto_max)
        thresh++;
    sim_time_t timeout;
    if (limit <= thresh)
        timeout = ((SIM_NS(2) << limit) - 1) * base;
    else
        timeout = ((SIM_NS(2) << thresh) - 1) * base + (sim_time_t)(limit - thresh) * p->rto_max;
    return tcp_now(tcb) - tcb->first_rexmit_at >= timeout;
}

/* RFC 9293 3.8.3: R2 for data (retries2, or orphan_retries for an orphan);
 * Linux measures it in time (tcp_write_timeout with tcp_retries2). */
static bool data_retries_exhausted(struct tcb *tcb)
{
    const struct tcp_params *p = tcb_params(tcb);
    uint32_t limit = p->retries2;
    if (tcb->orphan)
        limit = p->orphan_retries ? p->orphan_retries : 8;
    if (!p->retries_time_based)
        return tcb->retransmits >= limit; /* `limit` retransmissions, then R2 */
    return linux_retries_timed_out(tcb, limit);
}

/* RFC 9293 3.8.3 (b), R-FAIL-01: once the same segment has been
 * retransmitted R1 times (retries1) without an answer, pass negative advice
 * to IP for dead-gateway diagnosis, for SYNs as for data; noted once per
 * segment, at the timeout that finds R1 reached. Linux tcp_write_timeout:
 * data: __dst_negative_advice() once retransmits_timed_out(tcp_retries1)
 * (3 s from a 200 ms base for 3; retries_time_based); SYN-SENT: at every
 * timeout after the first retransmission, whatever tcp_retries1 says. A
 * SYN-RECEIVED child is a request sock there, whose SYN,ACK timer gives no
 * advice (both: syn_r1_on_second_timeout). */
static void r1_check(struct tcb *tcb, bool syn)
{
    const struct tcp_params *p = tcb_params(tcb);
    bool reached;
    const char *text = "R1 reached: dead gateway diagnosis (RFC 9293 3.8.3)";
    if (tcb->r1_noted)
        return;
    if (syn && p->syn_r1_on_second_timeout) {
        reached = !tcb->passive && tcb->retransmits > 0;
        text = "SYN retransmission timed out: dst negative advice (tcp_write_timeout)";
    } else if (!syn && p->retries_time_based) {
        reached = tcb->retransmits > 0 && linux_retries_timed_out(tcb, p->retries1);
        text = "tcp_retries1 reached: dst negative advice (tcp_write_timeout)";
    } else {
        reached = tcb->retransmits >= p->retries1;
    }
    if (!reached)
        return;
    tcb->r1_noted = true;
    tcp_trace_note(tcb, text);
}

static bool user_timeout_expired(struct tcb *tcb)
{
    return tcb->user_timeout > 0 && tcb->retransmits > 0 &&
           tcp_now(tcb) - tcb->first_rexmit_at >= tcb->user_timeout;
}

static void syn_timeout(struct tcb *tcb)
{
    const struct tcp_params *p = tcb_params(tcb);
    bool passive_child = tcb->state == TCP_SYN_RECV && tcb->passive;
    uint32_t syn_retries = tcb->syncnt ? tcb->syncnt : p->syn_retries; /* TCP_SYNCNT */
    uint32_t limit = passive_child ? tcp_listen_synack_retries(tcb) : syn_retries;
    /* Linux tcp_write_timeout: the linear retries come on top of syn_retries. */
    if (tcb->state == TCP_SYN_SENT)
        limit += p->syn_linear_timeouts;
    r1_check(tcb, true);
    if (tcb->retransmits >= limit || user_timeout_expired(tcb)) {
        /* RFC 9293 3.8.3 (MUST-23): give up the open attempt. A passive
         * embryonic connection is dropped without telling anyone. */
        tcp_drop(tcb, TS_ETIMEDOUT);
        return;
    }
    if (passive_child && tcb->retransmits == 0 && tcb->parent && tcb->parent->syn_young)
        tcb->parent->syn_young--; /* no longer a young request */
    tcb->retransmits++;
    tcb->syn_timed_out = true;
    tcb->rtt_timing = false; /* Karn: no sample from a retransmitted SYN */
    /* RFC 6298 (5.5) backoff; Linux's linear timeouts apply to SYN-SENT
     * only (tcp_retransmit_timer), a SYN,ACK always backs off. */
    if (tcb->state == TCP_SYN_SENT)
        tcb->rto = tcp_syn_rto(p, tcb->rto, tcb->retransmits);
    else
        tcb->rto = tcp_rto_backoff(tcb->rto, 1, p->rto_max);
    tcp_send_syn(tcb, SEG_REXMIT_RTO);
    tcp_arm_rexmit(tcb);
}

/* RFC 6298 (5.4)-(5.6) and RFC 9293 3.10.8 RETRANSMISSION TIMEOUT (Linux
 * tcp_retransmit_timer). */
static void retransmit_timeout(struct tcb *tcb)
{
    /* Our SYN unacknowledged, even after a CLOSE in SYN-RECEIVED moved us to
     * FIN-WAIT-1: the SYN,ACK is what must go again (RFC 9293 3.10.4). */
    if (tcb->retransmits == 0)
        tcb->r1_noted = false; /* a new segment's first timeout */
    if (tcb->state == TCP_SYN_SENT || tcb->state == TCP_SYN_RECV || !tcb->syn_acked) {
        if (tcb->retransmits == 0)
            tcb->first_rexmit_at = tcp_now(tcb);
        syn_timeout(tcb);
        return;
    }
    /* The user timeout and retries2 clocks start at the last transmission
     * of the head segment before this first RTO retransmission (Linux
     * retrans_stamp / the head skb's timestamp): the send that armed this
     * RTO, unless a tail loss probe resent the head (it set the clock). */
    if (tcb->retransmits == 0 && !(tcb->tlp_active && tcb->tlp_retrans))
        tcb->first_rexmit_at = tcp_now(tcb) - tcb->rto;
    r1_check(tcb, false);
    if (data_retries_exhausted(tcb) || user_timeout_expired(tcb)) {
        /* Linux sends no RST here (tcp_write_err); neither does the RFC. */
        tcp_drop(tcb, TS_ETIMEDOUT);
        return;
    }
    tcb->retransmits++;
    tcb->tlp_active = false; /* Linux tcp_enter_loss: the RTO ends a TLP episode */
    tcb->rto = tcp_rto_backoff(tcb->rto, 1, tcb_params(tcb)->rto_max); /* (5.5) */
    tcp_cc_on_timeout(tcb);
    tcp_retransmit_first(tcb, SEG_REXMIT_RTO); /* (5.4) */
    tcp_arm_rexmit(tcb);                       /* (5.6) */
}

/* Linux tcp_write_timer_handler: the mode is read and cleared, then the
 * handler for what the timer was timing runs (and may re-arm it). */
static void rtx_fire(struct engine *engine, struct sim_timer *timer)
{
    (void)engine;
    struct tcb *tcb = container_of(timer, struct tcb, rtx_timer);
    enum tcp_rtx_mode mode = (enum tcp_rtx_mode)tcb->rtx_mode;
    tcp_trace_timer(tcb, rtx_trace_kind(mode), TRACE_TIMER_FIRE, 0);
    tcb->rtx_mode = TCP_RTX_RETRANS;
    switch (mode) {
    case TCP_RTX_PROBE0: tcp_persist_timeout(tcb); break;
    case TCP_RTX_LOSS_PROBE: tcp_tlp_fire(tcb); break;
    case TCP_RTX_RETRANS: retransmit_timeout(tcb); break;
    }
}

static void delack_fire(struct engine *engine, struct sim_timer *timer)
{
    (void)engine;
    struct tcb *tcb = container_of(timer, struct tcb, delack_timer);
    tcp_trace_timer(tcb, TRACE_TIMER_DELACK, TRACE_TIMER_FIRE, 0);
    tcp_delack_timeout(tcb);
}

/* RFC 1122 4.2.3.6 / RFC 9293 3.8.4: probe only an idle connection with no
 * data outstanding (MUST-26); any segment from the peer resets the count
 * (input clears ka_probes and stamps last_rcv_time); after ka_probes_max
 * unanswered probes the connection is dead (MUST-29: never after one). */
static void keepalive_timeout(struct tcb *tcb)
{
    sim_time_t now = tcp_now(tcb);
    sim_time_t idle = now - tcb->last_rcv_time;
    if (tcb->snd_una != tcb->snd_max || tcb->snd_written > tcb->snd_una_off) {
        tcp_arm_aux(tcb, AUX_KEEPALIVE, tcb->ka_time);
        return;
    }
    if (tcb->ka_probes == 0 && idle < tcb->ka_time) {
        tcp_arm_aux(tcb, AUX_KEEPALIVE, tcb->ka_time - idle);
        return;
    }
    if (tcb->ka_probes >= tcb->ka_probes_max) {
        /* Linux sends RST,ACK when it gives up (tcp_keepalive_timer). */
        if (tcb_params(tcb)->keepalive_rst_on_timeout)
            tcp_send_rst(tcb);
        tcp_drop(tcb, TS_ETIMEDOUT);
        return;
    }
    tcp_send_keepalive(tcb);
    tcb->ka_probes++;
    tcp_arm_aux(tcb, AUX_KEEPALIVE, tcb->ka_intvl);
}

static void aux_fire(struct engine *engine, struct sim_timer *timer)
{
    (void)engine;
    struct tcb *tcb = container_of(timer, struct tcb, aux_timer);
    enum tcb_aux_timer kind = (enum tcb_aux_timer)tcb->aux;
    tcp_trace_timer(tcb, aux_trace_kind(kind), TRACE_TIMER_FIRE, 0);
    tcb->aux = AUX_NONE;
    switch (kind) {
    case AUX_KEEPALIVE: keepalive_timeout(tcb); break;
    case AUX_FINWAIT2: /* Linux: the orphaned FIN_WAIT2 is simply discarded */
        tcp_close_tcb(tcb);
        break;
    default: break;
    }
}

/* SO_LINGER {on, N}: close() returns after N even if the FIN is unacked.
 * Linux's close() then returns 0 and the socket finishes as an orphan; the
 * BSD lineage returns EWOULDBLOCK (linger_expiry_ewouldblock). */
static void linger_fire(struct engine *engine, struct sim_timer *timer)
{
    (void)engine;
    struct tcb *tcb = container_of(timer, struct tcb, linger_timer);
    tcp_trace_timer(tcb, TRACE_TIMER_LINGER, TRACE_TIMER_FIRE, 0);
    if (!tcb->close_pending)
        return;
    tcb->close_pending = false;
    tcp_notify_close_done(tcb, tcb_params(tcb)->linger_expiry_ewouldblock ? TS_EAGAIN : TS_OK);
}
