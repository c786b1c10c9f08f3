/* TIME-WAIT (RFC 9293 3.10.7.4 for the TIME-WAIT state, 3.10.8 TIME-WAIT
 * TIMEOUT; RFC 1337; RFC 5961; RFC 6191) on a compact record.
 *
 * Entering TIME_WAIT, a connection leaves its TCB for a struct tcp_tw that
 * keeps only what the state still needs, as Linux's inet_timewait_sock does:
 * a busy client holds tens of thousands of these for a minute each, so
 * their size is what TIME_WAIT costs. If the application still holds the
 * socket (it shut down writing but never closed), the TCB stays as a "husk"
 * that reports TIME_WAIT and then CLOSED, without timers or a table entry.
 *
 * State accounting: a TIME_WAIT connection is counted once, by the husk
 * while there is one (tcp_set_state), else by the record.
 *
 * Timing: every record of a host lasts the same 2MSL, so the records wait
 * in one queue in expiry order and only its head has an engine timer (as
 * Linux's timewait "death row" did). Arming, restarting and ending a
 * record are O(1), and the engine's heap stays the size of the live
 * connections' timers. */
#include <stdlib.h>

#include "tcp_internal.h"
#include "tcpsim/errors.h"

static void tw_queue_fire(struct engine *engine, struct sim_timer *timer);
static void tw_end(struct tcp_tw *tw, int err);

int tcp_tw_queue_init(struct host *host)
{
    return engine_timer_add(&host->net->engine, &host->tw_timer, tw_queue_fire);
}

/* The host's timer follows the head of its queue. */
static void tw_queue_rearm(struct host *host)
{
    struct engine *engine = &host->net->engine;
    if (!host->tw_head)
        engine_cancel(engine, &host->tw_timer);
    else if (!sim_timer_armed(&host->tw_timer) || host->tw_timer.when != host->tw_head->expires)
        engine_arm(engine, &host->tw_timer, host->tw_head->expires);
}

static void tw_queue_unlink(struct tcp_tw *tw)
{
    struct host *host = tw->host;
    bool was_head = host->tw_head == tw;
    if (tw->q_prev)
        tw->q_prev->q_next = tw->q_next;
    else if (was_head)
        host->tw_head = tw->q_next;
    else
        return; /* not queued */
    if (tw->q_next)
        tw->q_next->q_prev = tw->q_prev;
    else
        host->tw_tail = tw->q_prev;
    tw->q_prev = tw->q_next = NULL;
    if (was_head)
        tw_queue_rearm(host);
}

/* Inserts by expiry: at the tail unless the 2MSL length changed mid-run. */
static void tw_queue_insert(struct tcp_tw *tw)
{
    struct host *host = tw->host;
    struct tcp_tw *after = host->tw_tail;
    while (after && after->expires > tw->expires)
        after = after->q_prev;
    tw->q_prev = after;
    tw->q_next = after ? after->q_next : host->tw_head;
    if (tw->q_next)
        tw->q_next->q_prev = tw;
    else
        host->tw_tail = tw;
    if (after)
        after->q_next = tw;
    else
        host->tw_head = tw;
    if (host->tw_head == tw)
        tw_queue_rearm(host);
}

/* RFC 9293 3.10.8: TIME-WAIT TIMEOUT deletes the TCB; every record due now
 * ends, oldest first. */
static void tw_queue_fire(struct engine *engine, struct sim_timer *timer)
{
    struct host *host = container_of(timer, struct host, tw_timer);
    struct tcp_tw *tw;
    while ((tw = host->tw_head) && tw->expires <= engine->now) {
        tcp_trace_conn_timer(host, tw->id, TRACE_TIMER_TIMEWAIT, TRACE_TIMER_FIRE, 0);
        tw_end(tw, TS_OK);
    }
    tw_queue_rearm(host);
}

static sim_time_t tw_now(const struct tcp_tw *tw) { return tw->host->net->engine.now; }

static void tw_arm(struct tcp_tw *tw)
{
    tw_queue_unlink(tw);
    /* Linux inet_twsk_schedule: a timer-wheel timer (tcp_jiffies.c) */
    tw->expires =
        tcp_timer_expiry(&tw->host->params, tw_now(tw), tcp_params_time_wait(&tw->host->params));
    tw_queue_insert(tw);
    tcp_trace_conn_timer(tw->host, tw->id, TRACE_TIMER_TIMEWAIT, TRACE_TIMER_SET, tw->expires);
}

void tcp_tw_enter(struct tcb *tcb)
{
    struct host *host = tcb->host;
    struct tcp_tw *tw = calloc(1, sizeof *tw);
    if (!tw) {
        tcp_close_tcb(tcb); /* out of memory: TIME_WAIT is skipped, as Linux does */
        return;
    }
    tw->host = host;
    tw->id = tcb->id;
    tw->remote_addr = tcb->remote_addr;
    tw->local_port = tcb->local_port;
    tw->remote_port = tcb->remote_port;
    tw->snd_nxt = tcb->snd_max; /* our FIN was acknowledged: all that was sent */
    tw->rcv_nxt = tcb->rcv_nxt;
    uint32_t advertised = seq_gt(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt : 0;
    uint32_t free_now = tcp_rcv_window(tcb);
    tw->rcv_wnd = free_now > advertised ? free_now : advertised;
    tw->rcv_wscale = tcb->rcv_wscale;
    tw->max_snd_wnd = tcb->max_snd_wnd;
    tw->ts_ok = tcb->ts_ok;
    tw->ts_recent = tcb->ts_recent;
    tw->last_challenge_ack = tcb->last_challenge_ack;
    tw->ts_recent_stamp = tcb->last_rcv_time;
    tw->reuseaddr = tcb->reuseaddr;
    tw->dest_counted = tcb->dest_counted; /* the record keeps the port */
    tcb->dest_counted = false;

    tcp_timers_cancel_all(tcb);
    host_remove_conn(host, tcb);
    if (host_insert_tw(host, tw) != TS_OK) {
        tcb->dest_counted = tw->dest_counted; /* closing the TCB uncounts it */
        free(tw);
        tcp_close_tcb(tcb); /* (it left the table: closing it removes nothing more) */
        return;
    }
    tw_arm(tw);
    if (tcb->orphan) {
        /* silently: the record carries the connection on */
        tcp_set_state_untraced(tcb, TCP_CLOSED, TCP_STATE_HANDOVER);
        if (host->app.released)
            host->app.released(host->app.ctx, tcb);
        tcb_free(tcb);
    } else {
        tw->husk = tcb;
        tcb->tw = tw;
    }
}

/* Frees the record; the caller has done the accounting. */
static void tw_destroy(struct tcp_tw *tw)
{
    tw_queue_unlink(tw);
    host_remove_tw(tw->host, tw);
    if (tw->husk)
        tw->husk->tw = NULL;
    free(tw);
}

/* TIME_WAIT -> CLOSED, telling the application (with `err`) if it still
 * holds the socket. */
static void tw_end(struct tcp_tw *tw, int err)
{
    struct tcb *husk = tw->husk;
    struct host *host = tw->host;
    uint32_t id = tw->id;
    tw_destroy(tw);
    if (husk) {
        if (err)
            tcp_drop(husk, err);
        else
            tcp_close_tcb(husk);
        return;
    }
    host->state_count[TCP_TIME_WAIT]--;
    tcp_trace_conn_state(host, id, TCP_TIME_WAIT, TCP_CLOSED);
}

void tcp_tw_close(struct tcp_tw *tw) { tw_end(tw, TS_OK); }

void tcp_tw_discard(struct tcp_tw *tw) { tw_destroy(tw); }

void tcp_tw_free(struct tcp_tw *tw)
{
    /* Teardown frees every record of the host: the queue goes as a whole. */
    tw->host->tw_head = tw->host->tw_tail = NULL;
    if (tw->husk)
        tw->husk->tw = NULL;
    free(tw);
}

void tcp_tw_release_husk(struct tcb *husk)
{
    struct tcp_tw *tw = husk->tw;
    tw->husk = NULL;
    husk->tw = NULL;
    tcp_set_state_untraced(husk, TCP_CLOSED,
                           TCP_STATE_HANDOVER); /* the count passes to the record */
    if (husk->host->app.released)
        husk->host->app.released(husk->host->app.ctx, husk);
    tcb_free(husk);
}

static void tw_send(struct tcp_tw *tw, uint8_t flags)
{
    struct tcp_segment seg = {0};
    seg.src_addr = tw->host->addr;
    seg.dst_addr = tw->remote_addr;
    seg.src_port = tw->local_port;
    seg.dst_port = tw->remote_port;
    seg.seq = tw->snd_nxt;
    seg.flags = flags;
    if (flags & TCP_ACK)
        seg.ack = tw->rcv_nxt;
    if (flags == TCP_ACK) {
        uint32_t field = tw->rcv_wnd >> tw->rcv_wscale;
        seg.win = (uint16_t)(field > 65535 ? 65535 : field);
        if (tw->ts_ok) {
            seg.opts |= TCP_OPT_TS;
            seg.tsval = tcp_tsval(tw->host, tw->remote_addr, tw_now(tw));
            seg.tsecr = tw->ts_recent;
        }
    }
    host_output(tw->host, &seg, tw->id);
}

/* RFC 5961 7 / Linux tcp_invalid_ratelimit. */
static void tw_challenge_ack(struct tcp_tw *tw)
{
    sim_time_t interval = tw->host->params.challenge_ack_interval;
    if (interval && tw_now(tw) - tw->last_challenge_ack < interval)
        return;
    tw->last_challenge_ack = tw_now(tw);
    tw_send(tw, TCP_ACK);
}

/* R-TW-09: a retransmitted FIN is ACKed and restarts the 2MSL timer. */
static void tw_reack_fin(struct tcp_tw *tw)
{
    tw_send(tw, TCP_ACK);
    tcp_trace_conn_timer(tw->host, tw->id, TRACE_TIMER_TIMEWAIT, TRACE_TIMER_CANCEL, 0);
    tw_arm(tw);
}

/* A new SYN for the 4-tuple (R-TW-08, RFC 6191): a new incarnation is
 * allowed when its timestamp or sequence number is larger than anything the
 * old connection used; the new ISS is SND.NXT + 65537 (as Linux does, and
 * satisfying RFC 9293 3.6.1 MAY-2). Otherwise the SYN draws an ACK (Linux;
 * RFC 9293's challenge ACK is the same segment). */
static void tw_syn(struct tcp_tw *tw, const struct tcp_segment *seg)
{
    /* RFC 6191 2: "if TCP Timestamps would be enabled for the new
     * incarnation", i.e. the SYN offers them and so do we. */
    bool ts_new = tw->host->params.timestamps && (seg->opts & TCP_OPT_TS);
    bool seq_newer = seq_gt(seg->seq, tw->rcv_nxt);
    bool newer;
    if (tw->ts_ok && ts_new) /* A.1 newer TSval; A.2 equal TSval, higher SEQ */
        newer = seq_gt(seg->tsval, tw->ts_recent) || (seg->tsval == tw->ts_recent && seq_newer);
    else if (ts_new)
        newer = true; /* B.1 */
    else
        newer = seq_newer; /* A.3 / B.2 */
    struct host *host = tw->host;
    struct tcb *listener = host_find_listener(host, tw->local_port);
    if (!newer && !tw->host->params.time_wait_old_syn_acked)
        return; /* R-6191-05, RFC 6191 2 A.4/B.3: silently drop, stay */
    if (!newer || !listener) {
        tw_send(tw, TCP_ACK); /* Linux answers (TCP_TW_ACK); RFC 5961 challenge ACK */
        return;
    }
    tcp_seq iss = tw->snd_nxt + 65537;
    tcp_trace_conn_note(host, tw->id, "TIME_WAIT reused by a new SYN");
    tw_end(tw, TS_OK);
    tcp_listen_accept_syn(listener, seg, iss, true);
}

/* RFC 7323 5.3 PAWS as Linux applies it in TIME_WAIT (tcp_paws_reject):
 * a TSval older than TS.Recent, unless a RST comes when TS.Recent is over
 * 60 s old (TCP_PAWS_MSL). */
static bool tw_paws_reject(const struct tcp_tw *tw, const struct tcp_segment *seg)
{
    if (!tw->ts_ok || !(seg->opts & TCP_OPT_TS) || (int32_t)(tw->ts_recent - seg->tsval) <= 0)
        return false;
    return !((seg->flags & TCP_RST) && tw_now(tw) - tw->ts_recent_stamp >= SIM_S(60));
}

/* Linux tcp_oow_rate_limited: a segment that carries data or a FIN is
 * always answered; a pure ACK or a SYN at most once per
 * tcp_invalid_ratelimit (shared with the challenge ACK's stamp). */
static void tw_oow_ack(struct tcp_tw *tw, const struct tcp_segment *seg)
{
    if (segment_seq_len(seg) > 0 && !(seg->flags & TCP_SYN))
        tw_send(tw, TCP_ACK);
    else
        tw_challenge_ack(tw);
}

/* Linux tcp_timewait_state_process, real TIME_WAIT substate (tw_ack_all):
 * only a bare ACK (or an exact RST) at RCV.NXT is taken silently, and it
 * restarts the timer (a RST ends TIME_WAIT unless rfc1337); everything else
 * but a RST is ACKed (TCP_TW_ACK), restarting the timer if it carries ACK or
 * failed PAWS. A new SYN was handled before (tw_syn). */
static void tw_input_ack_all(struct tcp_tw *tw, const struct tcp_segment *seg)
{
    uint8_t f = seg->flags;
    bool paws_reject = tw_paws_reject(tw, seg);
    if (!paws_reject && seg->seq == tw->rcv_nxt && (segment_seq_len(seg) == 0 || (f & TCP_RST))) {
        if (f & TCP_RST) {
            if (!tw->host->params.rfc1337) {
                tw_end(tw, TS_OK);
                return;
            }
        } else {
            tcp_trace_conn_timer(tw->host, tw->id, TRACE_TIMER_TIMEWAIT, TRACE_TIMER_CANCEL, 0);
            tw_arm(tw);
        }
        if (tw->ts_ok && (seg->opts & TCP_OPT_TS)) {
            tw->ts_recent = seg->tsval;
            tw->ts_recent_stamp = tw_now(tw);
        }
        return;
    }
    if (f & TCP_RST) {
        /* Linux sends no challenge ACK here; the RFC 5961 rule may ask one. */
        if (tw->host->params.time_wait_rst_challenge_ack && tw->host->params.challenge_ack &&
            tcp_seq_acceptable(tw->rcv_nxt, tw->rcv_wnd, seg, false))
            tw_challenge_ack(tw);
        return;
    }
    if (paws_reject || (f & TCP_ACK)) {
        tcp_trace_conn_timer(tw->host, tw->id, TRACE_TIMER_TIMEWAIT, TRACE_TIMER_CANCEL, 0);
        tw_arm(tw);
    }
    tw_oow_ack(tw, seg);
}

/* RFC 9293 3.10.7.4, every check as it applies in TIME-WAIT. */
void tcp_tw_input(struct tcp_tw *tw, const struct tcp_segment *seg)
{
    const struct tcp_params *p = &tw->host->params;
    uint8_t f = seg->flags;
    if ((f & TCP_SYN) && !(f & (TCP_ACK | TCP_RST))) {
        tw_syn(tw, seg);
        return;
    }
    if (p->tw_ack_all) {
        tw_input_ack_all(tw, seg);
        return;
    }
    /* First: sequence number. */
    if (!tcp_seq_acceptable(tw->rcv_nxt, tw->rcv_wnd, seg, p->fin_at_zero_window)) {
        if ((f & TCP_FIN) && !(f & TCP_RST) && seg->seq + segment_seq_len(seg) == tw->rcv_nxt)
            tw_reack_fin(tw);
        else if (!(f & TCP_RST))
            tw_send(tw, TCP_ACK); /* R-SEQ-05: ACK-reply, then drop */
        return;
    }
    /* Second: RST (RFC 5961 3.2; Linux sends no challenge ACK here). */
    if (f & TCP_RST) {
        if (seg->seq != tw->rcv_nxt && p->challenge_ack) {
            if (p->time_wait_rst_challenge_ack)
                tw_challenge_ack(tw);
            return;
        }
        if (p->rfc1337)
            return; /* RFC 1337 F1: ignore RST in TIME-WAIT */
        tw_end(tw, TS_OK);
        return;
    }
    /* Fourth: SYN (RFC 5961 4.2, or RFC 793's reset). */
    if (f & TCP_SYN) {
        if (p->challenge_ack) {
            tw_challenge_ack(tw);
            return;
        }
        tw_send(tw, p->rst_ack_on_abort ? TCP_RST | TCP_ACK : TCP_RST);
        tw_end(tw, TS_ECONNRESET);
        return;
    }
    if (tw->ts_ok && (seg->opts & TCP_OPT_TS) && seq_le(seg->seq, tw->rcv_nxt)) {
        tw->ts_recent = seg->tsval; /* RFC 7323 4.3 */
        tw->ts_recent_stamp = tw_now(tw);
    }
    /* Fifth: ACK; RFC 5961 5.2 acceptability. */
    if (!(f & TCP_ACK))
        return;
    uint32_t wnd = tw->max_snd_wnd ? tw->max_snd_wnd : 1;
    if (seq_gt(seg->ack, tw->snd_nxt) || seq_lt(seg->ack, tw->snd_nxt - wnd)) {
        tw_send(tw, TCP_ACK);
        return;
    }
    /* Eighth: a FIN at RCV.NXT is ACKed and restarts 2MSL. */
    if ((f & TCP_FIN) && seg->seq == tw->rcv_nxt)
        tw_reack_fin(tw);
}
