/* Tail loss probe (RFC 8985 section 7) as Linux 6.18 does it with its default
 * tcp_early_retrans = 3: when the tail of a flight is lost no duplicate ACKs
 * come, so instead of waiting for the RTO the sender probes after a probe
 * timeout (PTO) of about two round trips, and the probe's ACK repairs or
 * reveals the loss. The PTO runs on the rexmit timer in the RTO's place, as
 * Linux's ICSK_TIME_LOSS_PROBE shares icsk_retransmit_timer (mode
 * TCP_RTX_LOSS_PROBE; tcp_timer.c arms it and dispatches its expiry here).
 *
 * Mirrors tcp_schedule_loss_probe (when and how long), tcp_send_loss_probe
 * (what to send) and tcp_process_tlp_ack (the episode's end), and RACK's
 * verdict on the probe's ACK (RFC 8985 6.2, `rack`): when the probe is
 * delivered, everything sent before it and still missing is lost, so the
 * losses it reveals are repaired by fast recovery, not the RTO. RACK's
 * per-segment timestamps and reordering window are not kept: the rule is
 * applied only to the probe, which went at least a PTO (2*SRTT) after
 * everything before it, far more than RACK's reo_wnd (min_RTT/4). "Both
 * the original and the probe arrived" is seen from a D-SACK (`dsack`) or
 * a pure duplicate ACK. */
#include "tcp_internal.h"

#define TLP_TIMEOUT_MIN SIM_MS(2) /* Linux TCP_TIMEOUT_MIN_US: timer slack */
#define TLP_TIMEOUT_INIT SIM_S(1) /* Linux TCP_TIMEOUT_INIT: PTO without an RTT sample */

static bool tlp_can_send(enum tcp_state s)
{
    return s == TCP_ESTABLISHED || s == TCP_CLOSE_WAIT || s == TCP_FIN_WAIT1 || s == TCP_CLOSING ||
           s == TCP_LAST_ACK;
}

/* Linux tcp_schedule_loss_probe: tcp_early_retrans 3 or 4, packets in
 * flight, SACK negotiated, and the congestion state Open (or CWR): not in
 * fast recovery, not in Loss after an RTO (until SND.UNA passes `recover`),
 * not in Disorder (duplicate ACKs or SACKed data). RFC 8985 7.2 asks the
 * same: no probe during recovery. One probe per tail: while one is
 * outstanding Linux still arms the PTO, but its expiry only re-arms the RTO
 * at the same deadline, so the RTO is armed at once here. */
static bool tlp_may_schedule(const struct tcb *tcb)
{
    const struct tcp_params *p = tcb_params(tcb);
    if (!p->tlp || !tcb->sack_ok)
        return false;
    /* Our SYN still unacknowledged: only a full socket closed in SYN_RECV
     * after a simultaneous open has a FIN (or data) out, and Linux's
     * tcp_schedule_loss_probe looks at no state (tlp_in_syn_recv): the
     * probe resends the FIN before the RTO resends the SYN,ACK. */
    if (!tcb->syn_acked && (!p->tlp_in_syn_recv || tcb->passive))
        return false;
    if (!tlp_can_send(tcb->state) || tcb->snd_una == tcb->snd_max)
        return false;
    if (tcb->in_recovery || tcb->retransmits > 0 || tcb->dupacks > 0 ||
        tcb->rtx_mode == TCP_RTX_PROBE0)
        return false;
    if (seq_lt(tcb->snd_una, tcb->recover))
        return false;
    if (tcb->sb && (tcb->sb->n > 0 || tcb->sb->rto_lost))
        return false;
    return !tcb->tlp_active;
}

/* One segment in flight (Linux packets_out == 1): the peer may be holding
 * its ACK for the delayed-ACK timer. Segment boundaries are not kept: at
 * most one MSS of data (plus our FIN) outstanding counts as one. */
static bool tlp_one_segment_out(const struct tcb *tcb)
{
    uint32_t flight = tcp_flight_size(tcb);
    if (tcb->fin_sent && flight > 0)
        flight--; /* the FIN rides on the last segment */
    return flight <= tcb->mss;
}

/* RFC 8985 7.2 / Linux tcp_schedule_loss_probe: PTO = 2*SRTT, plus
 * tcp_rto_min when one segment is out (the peer's delayed ACK; RFC 8985
 * suggests 1.5*SRTT + WCDelAckT instead), else plus TCP_TIMEOUT_MIN; without
 * an RTT sample, TCP_TIMEOUT_INIT. Rounded up to the clock granularity, as
 * usecs_to_jiffies rounds up to a jiffy. */
sim_time_t tcp_tlp_pto(const struct tcb *tcb)
{
    const struct tcp_params *p = tcb_params(tcb);
    if (tcb->srtt == 0)
        return TLP_TIMEOUT_INIT;
    sim_time_t pto = 2 * tcb->srtt + (tlp_one_segment_out(tcb) ? p->rto_min : TLP_TIMEOUT_MIN);
    if (p->timer_granularity != TCP_TIMER_EXACT)
        return tcp_jiffies_round_up(p, pto);
    sim_time_t g = p->clock_granularity;
    if (g > 0 && pto % g)
        pto += g - pto % g;
    return pto;
}

/* Linux: "If the RTO formula yields an earlier time, then use that time":
 * the PTO is cut to the RTO's deadline, and what fires then is still the
 * probe (the RTO is re-armed after it). */
bool tcp_tlp_schedule(struct tcb *tcb, sim_time_t rto_due)
{
    if (!tlp_may_schedule(tcb))
        return false;
    sim_time_t now = tcp_now(tcb);
    sim_time_t delay = tcp_tlp_pto(tcb);
    if (rto_due > now && rto_due - now < delay)
        delay = rto_due - now;
    sim_time_t when = tcp_timer_expiry(tcb_params(tcb), now, delay);
    if (tcb->rtx_mode == TCP_RTX_LOSS_PROBE && sim_timer_armed(&tcb->rtx_timer) &&
        tcb->rtx_timer.when == when && tcb->tlp_rto_due == rto_due)
        return true; /* the rest of a burst: the probe is already due then */
    tcp_arm_loss_probe(tcb, when, rto_due);
    return true;
}

/* An ACK brought duplicate ACKs or SACK blocks (Linux: Disorder, or
 * recovery) while the PTO runs. Linux's RACK then re-arms the timer for its
 * own loss detection; without RACK here, the RTO takes its deadline back, as
 * it would have had without the probe. */
void tcp_tlp_recheck(struct tcb *tcb)
{
    if (tcb->rtx_mode != TCP_RTX_LOSS_PROBE || !sim_timer_armed(&tcb->rtx_timer) ||
        tlp_may_schedule(tcb))
        return;
    sim_time_t left = tcb->tlp_rto_due - tcp_now(tcb);
    tcp_arm_rto_after(tcb, left > 0 ? left : 0);
}

/* Linux tcp_write_xmit ends with tcp_schedule_loss_probe(sk, false): new
 * data restarts the PTO from now, never past the RTO already running. */
void tcp_tlp_on_send(struct tcb *tcb)
{
    sim_time_t rto_due =
        tcb->rtx_mode == TCP_RTX_LOSS_PROBE ? tcb->tlp_rto_due : tcb->rtx_timer.when;
    tcp_tlp_schedule(tcb, rto_due);
}

/* Linux tcp_send_loss_probe, new data: the first unsent segment if the
 * peer's window takes it whole (tcp_snd_wnd_test), sent past the congestion
 * window (tcp_write_xmit with push_one = 2), Nagle and sender SWS off. */
static bool tlp_send_new_data(struct tcb *tcb)
{
    uint64_t nxt_off = tcb_seq_to_off(tcb, tcb->snd_nxt);
    uint64_t unsent = tcb->snd_written > nxt_off ? tcb->snd_written - nxt_off : 0;
    bool fin_waits = tcb->wr_shut && !tcb->fin_sent;
    if (unsent == 0 && !fin_waits)
        return false;
    uint32_t len = unsent < tcb->mss ? (uint32_t)unsent : tcb->mss;
    if (seq_gt(tcb->snd_nxt + len, tcb->snd_una + tcb->snd_wnd))
        return false;
    uint32_t cwnd = tcb->cwnd;
    uint32_t room = tcp_pipe(tcb) + tcb->mss;
    if (tcb->cwnd < room)
        tcb->cwnd = room;
    bool sent = tcp_output_forced(tcb);
    tcb->cwnd = cwnd;
    return sent;
}

/* RFC 8985 7.3 / Linux tcp_send_loss_probe: new data if there is any and
 * the peer's window allows, else the last segment again; then the RTO
 * restarts from now (Linux clears icsk_pending so tcp_rearm_rto uses a full
 * RTO). TLP.end_seq is SND.NXT after the probe. */
void tcp_tlp_fire(struct tcb *tcb)
{
    if (tcb->snd_una == tcb->snd_max || !tlp_can_send(tcb->state))
        return;
    if (tcb->tlp_active) {
        /* At most one probe per tail. No PTO is scheduled while a probe is
         * out, so this is a safety net: the RTO, so nothing can stall. */
        tcp_arm_rto(tcb);
        return;
    }
    tcb->tlp_active = true; /* first, so the probe's own send arms the RTO */
    tcb->tlp_retrans = false;
    if (tlp_send_new_data(tcb)) {
        tcp_trace_note(tcb, "tail loss probe: new data (RFC 8985 7.3, tcp_send_loss_probe)");
    } else {
        tcb->tlp_retrans = true;
        /* TCP_USER_TIMEOUT and tcp_retries2 count from the last transmission
         * of the head segment before the first RTO retransmission (Linux
         * retrans_stamp, falling back to the head's skb timestamp): this
         * probe when it resent the head (one segment out), else the head's
         * original send, which armed the RTO now due (recorded on Linux 6.18:
         * send at 500 ms, probe at 916 ms, user timeout 3000 ms -> 3920 ms). */
        bool resends_head = tlp_one_segment_out(tcb);
        tcb->first_rexmit_at = resends_head ? tcp_now(tcb) : tcb->tlp_rto_due - tcb->rto;
        tcp_retransmit_last(tcb, SEG_REXMIT_TLP);
    }
    tcb->tlp_high_seq = tcb->snd_nxt;
    if (!sim_timer_armed(&tcb->rtx_timer)) /* the probe's send armed it */
        tcp_arm_rto(tcb);
}

/* Linux tcp_process_tlp_ack with tcp_init_cwnd_reduction and
 * tcp_end_cwnd_reduction: the probe repaired a real loss, so the congestion
 * window is reduced once, as for any loss (RFC 8985 7.4.2), straight to
 * ssthresh. */
static void tlp_loss_repaired(struct tcb *tcb)
{
    tcb->ssthresh = tcb->cc->ssthresh(tcb);
    tcb->cwnd = tcb->ssthresh;
    tcb->bytes_acked = 0;
    tcp_trace_note(tcb, "tail loss probe repaired a loss: cwnd reduced (RFC 8985 7.4.2, "
                        "tcp_process_tlp_ack)");
    tcp_trace_cc(tcb);
}

/* RFC 8985 7.4 / Linux tcp_process_tlp_ack, for an ACK at or above
 * TLP.end_seq: a probe of new data needs no verdict; an ACK beyond
 * TLP.end_seq means the probe filled a hole (a loss); a pure duplicate ACK
 * at it means the original and the probe both arrived (no loss). An ACK of
 * exactly TLP.end_seq that moves SND.UNA cannot tell which copy arrived, so
 * the episode goes on. A D-SACK of the probe (`dsack`) says the original
 * arrived: no loss (Linux FLAG_DSACK_TLP). */
void tcp_tlp_on_ack(struct tcb *tcb, const struct tcp_segment *seg)
{
    if (seq_lt(seg->ack, tcb->tlp_high_seq))
        return;
    if (!tcb->tlp_retrans) {
        tcb->tlp_active = false;
        return;
    }
    tcp_seq ds, de;
    if (tcb_params(tcb)->dsack && tcp_sack_dsack_of(seg, &ds, &de) &&
        seq_ge(de, tcb->tlp_high_seq) && seq_lt(ds, tcb->tlp_high_seq)) {
        /* Linux FLAG_DSACK_TLP: the probe's copy was a duplicate, so the
         * original arrived: no loss, no cwnd reduction. */
        tcb->tlp_active = false;
        tcp_trace_note(tcb, "tail loss probe was a duplicate (D-SACK): no loss");
        return;
    }
    if (seq_gt(seg->ack, tcb->tlp_high_seq)) {
        tcb->tlp_active = false;
        tlp_loss_repaired(tcb);
        return;
    }
    bool advanced = seq_gt(seg->ack, tcb->snd_una);
    bool win_update = ((uint32_t)seg->win << tcb->snd_wscale) != tcb->snd_wnd;
    bool sacks = (seg->opts & TCP_OPT_SACK) && seg->nsack > 0;
    if (!advanced && seg->len == 0 && !win_update && !sacks)
        tcb->tlp_active = false;
}

/* RFC 8985 6.2 (Linux tcp_rack_detect_loss, tcp_recovery = 1): a segment
 * is lost once a segment sent after it has been delivered and more than
 * RTT + reo_wnd has passed since it was sent. The probe was sent a PTO
 * after anything before it, so when the ACK shows the probe's last octet
 * (TLP.end_seq) SACKed, every unSACKed octet below the SACKed run that
 * holds it is lost. Returns true when that marked something new. */
bool tcp_rack_after_probe(struct tcb *tcb)
{
    struct tcp_scoreboard *sb = tcb->sb;
    if (!tcb_params(tcb)->rack || !sb || sb->n == 0)
        return false;
    const struct tcp_sack_block *top = &sb->blk[sb->n - 1];
    if (seq_lt(top->end, tcb->tlp_high_seq) || !seq_gt(top->start, tcb->snd_una))
        return false;
    if (sb->rack_set && !seq_gt(top->start, sb->rack_lost_end))
        return false;
    sb->rack_set = true;
    sb->rack_lost_end = top->start;
    tcp_trace_note(tcb, "RACK: the probe was delivered; what was sent before it and is "
                        "missing is lost (RFC 8985 6.2, tcp_rack_detect_loss)");
    return true;
}
