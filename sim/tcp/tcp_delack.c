/* When to acknowledge received data (RFC 1122 4.2.3.2, RFC 9293 3.8.6.3):
 * a delayed ACK goes at the latest delack_time (< 0.5 s, MUST-40) after the
 * data, and at once when two full-sized segments' worth is unacknowledged
 * (SHLD-19). Linux adds two modes (tcp_input.c __tcp_ack_snd_check,
 * inet_connection_sock.h):
 *   quick-ack   the first segments of a connection are ACKed at once so the
 *               sender's slow start is not held back (tcp_incr_quickack: up
 *               to TCP_MAX_QUICKACKS = 16, rcv_wnd / (2 * MSS), at least 2);
 *   ping-pong   once the application answers within the delayed-ACK time of
 *               receiving (tcp_event_data_sent), the connection is
 *               interactive: ACKs wait to ride on the reply, quick-acks are
 *               off; a delayed-ACK timer that fires leaves the mode
 *               (tcp_delack_timer_handler). */
#include "tcp_internal.h"

/* RFC 9293 3.8.6.3 (SHLD-19): an ACK for at least every second full-sized
 * segment; full-sized is the MSS we announced, the largest the peer sends.
 * Linux: as soon as more than one full segment is unacknowledged
 * (rcv_nxt - rcv_wup > rcv_mss). */
bool tcp_delack_enough_unacked(const struct tcb *tcb)
{
    uint32_t rcv_mss = tcb_params(tcb)->mss;
    if (tcb_params(tcb)->delack_one_mss)
        return tcb->rcv_unacked > rcv_mss;
    return tcb->rcv_unacked >= 2 * rcv_mss;
}

/* Linux TCP_DELACK_MAX (HZ/5) and the HZ/2 bound of tcp_send_delayed_ack;
 * TCP_ATO_MIN = TCP_DELACK_MIN = HZ/25 is delack_time. */
#define DELACK_MAX SIM_MS(200)
#define DELACK_SLOW_MAX SIM_MS(500)

/* Linux tcp_incr_quickack: up to `max` ACKs at once, rcv_wnd / (2 * MSS),
 * at least 2; never lowers a count already there. */
static void incr_quickack(struct tcb *tcb, uint32_t max)
{
    const struct tcp_params *p = tcb_params(tcb);
    uint32_t quick = tcb->rcvbuf / (2 * p->mss);
    if (quick < 2)
        quick = 2;
    if (quick > max)
        quick = max;
    if (quick > 255)
        quick = 255;
    if (quick > tcb->quickacks)
        tcb->quickacks = (uint8_t)quick;
}

void tcp_delack_enter_quickack(struct tcb *tcb)
{
    const struct tcp_params *p = tcb_params(tcb);
    if (!p->delack_ato)
        return;
    incr_quickack(tcb, p->quickacks); /* tcp_enter_quickack_mode */
    tcb->pingpong = false;
    tcb->ato = p->delack_time;
}

/* Linux tcp_event_data_recv: `ato` follows the inter-arrival time of data
 * (half the old value plus the new gap, capped by the RTO); the first data
 * starts it at TCP_ATO_MIN with quick-ack on, and a gap longer than the RTO
 * (the sender restarting after idle) turns quick-ack on again. */
static void ato_on_data(struct tcb *tcb, sim_time_t now)
{
    const struct tcp_params *p = tcb_params(tcb);
    sim_time_t ato_min = p->delack_time;
    sim_time_t m = now - tcb->last_data_rcvd;
    if (!tcb->delack_started) {
        incr_quickack(tcb, p->quickacks);
        tcb->ato = ato_min;
    } else if (m <= ato_min / 2) {
        tcb->ato = tcb->ato / 2 + ato_min / 2;
    } else if (m < tcb->ato) {
        tcb->ato = tcb->ato / 2 + m;
        if (tcb->ato > tcb->rto)
            tcb->ato = tcb->rto;
    } else if (m > tcb->rto) {
        incr_quickack(tcb, p->quickacks);
    }
}

/* Linux tcp_send_delayed_ack: the delay is `ato`, bounded when it exceeds
 * TCP_ATO_MIN (by 200 ms in ping-pong mode, else 500 ms, and by the smoothed
 * RTT if known, at least 40 ms), and never over TCP_DELACK_MAX. A timer
 * already running keeps the earlier deadline; if it is due within ato/4 the
 * ACK goes now. `ato` is 0 until data arrives, so the ACK of a FIN on a
 * connection that received no data leaves at the next tick. */
static void send_delayed_ack(struct tcb *tcb)
{
    const struct tcp_params *p = tcb_params(tcb);
    sim_time_t ato = tcb->ato;
    sim_time_t now = tcp_now(tcb);
    if (ato > p->delack_time) {
        sim_time_t max_ato = tcb->pingpong ? DELACK_MAX : DELACK_SLOW_MAX;
        if (tcb->srtt) {
            sim_time_t rtt = tcb->srtt > p->delack_time ? tcb->srtt : p->delack_time;
            if (rtt < max_ato)
                max_ato = rtt;
        }
        if (ato > max_ato)
            ato = max_ato;
    }
    if (ato > DELACK_MAX)
        ato = DELACK_MAX;
    /* A zero `ato` still waits for the timer to run: one tick (recorded
     * at HZ=250: 3.9-6.2 ms), then the timer granularity (tcp_jiffies.c). */
    sim_time_t when = tcp_timer_expiry(p, now, ato > 0 ? ato : tcp_jiffy(p));
    if (sim_timer_armed(&tcb->delack_timer)) {
        if (tcb->delack_timer.when <= now + ato / 4) {
            tcp_send_ack(tcb);
            return;
        }
        if (when >= tcb->delack_timer.when)
            return;
    }
    tcp_arm_delack_at(tcb, when);
}

static void schedule_ack(struct tcb *tcb)
{
    if (tcb_params(tcb)->delack_ato)
        send_delayed_ack(tcb);
    else
        tcp_arm_delack(tcb);
}

/* New in-order data (Linux tcp_event_data_recv, then __tcp_ack_snd_check).
 * `immediate`: out-of-order data is queued or a gap was just filled
 * (RFC 5681 4.2: ACK at once). */
static void note_data(struct tcb *tcb, uint32_t len)
{
    const struct tcp_params *p = tcb_params(tcb);
    sim_time_t now = tcp_now(tcb);
    tcb->rcv_unacked += len;
    if (p->delack_ato) {
        ato_on_data(tcb, now);
    } else if (!tcb->delack_started) {
        /* The first data: initialise quick-ack (Linux tcp_event_data_recv). */
        incr_quickack(tcb, p->quickacks);
    }
    tcb->delack_started = true;
    tcb->last_data_rcvd = now;
    if (p->rcv_window == TCP_RCV_WINDOW_LINUX)
        tcp_rcvwnd_grow(tcb, len); /* tcp_event_data_recv: may ask for a quick ACK */
}

void tcp_delack_on_data(struct tcb *tcb, uint32_t len, bool immediate)
{
    const struct tcp_params *p = tcb_params(tcb);
    note_data(tcb, len);
    bool quick = tcb->quickacks > 0 && !tcb->pingpong;
    if (immediate || !p->delayed_ack || quick || tcp_delack_enough_unacked(tcb))
        tcp_send_ack(tcb);
    else
        schedule_ack(tcb);
}

/* The ACK of a FIN that moves us to CLOSE_WAIT may be delayed (RFC 1122
 * 4.2.3.2), so an application that closes at once sends one FIN,ACK: the
 * three-segment close of most captures. Linux tcp_fin enters ping-pong
 * mode, so no quick-ack: the ACK waits `ato`, near zero on a connection
 * that never received data. */
void tcp_delack_on_fin(struct tcb *tcb, uint32_t len)
{
    const struct tcp_params *p = tcb_params(tcb);
    if (len > 0 && p->delack_ato)
        note_data(tcb, len); /* tcp_data_queue: tcp_event_data_recv before tcp_fin */
    if (!p->delayed_ack) {
        tcp_send_ack(tcb);
        return;
    }
    if (p->delack_ato && p->delack_pingpong)
        tcb->pingpong = true;
    if (p->delack_ato && tcp_delack_enough_unacked(tcb))
        tcp_send_ack(tcb);
    else
        schedule_ack(tcb);
}

void tcp_delack_on_ack_sent(struct tcb *tcb)
{
    if (tcb->rcv_unacked > 0 && tcb->quickacks > 0) {
        tcb->quickacks--; /* Linux tcp_dec_quickack_mode */
        if (tcb->quickacks == 0 && tcb_params(tcb)->delack_ato)
            tcb->ato = tcb_params(tcb)->delack_time; /* leaving quick-ack deflates ATO */
    }
    tcb->rcv_unacked = 0;
    tcp_stop_delack(tcb);
}

void tcp_delack_on_data_sent(struct tcb *tcb)
{
    /* Linux tcp_event_data_sent: a reply within `ato` (delack_time without
     * delack_ato) of the data it answers makes the connection interactive. */
    const struct tcp_params *p = tcb_params(tcb);
    sim_time_t window = p->delack_ato ? tcb->ato : p->delack_time;
    if (p->delack_pingpong && tcb->delack_started && tcp_now(tcb) - tcb->last_data_rcvd < window)
        tcb->pingpong = true;
}

/* Linux tcp_delack_timer_handler: a delayed ACK that had to fire means the
 * delay was too short (not interactive): `ato` doubles up to the RTO; in
 * ping-pong mode the reply did not come, so the mode ends and `ato` deflates
 * to TCP_ATO_MIN. */
void tcp_delack_timeout(struct tcb *tcb)
{
    const struct tcp_params *p = tcb_params(tcb);
    if (p->delack_ato) {
        if (!tcb->pingpong) {
            tcb->ato = 2 * tcb->ato < tcb->rto ? 2 * tcb->ato : tcb->rto;
        } else {
            tcb->ato = p->delack_time;
        }
    }
    tcb->pingpong = false; /* Linux: a missed delayed ACK ends ping-pong */
    tcp_send_ack(tcb);
}
