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

void tcp_delack_on_data(struct tcb *tcb, uint32_t len, bool immediate)
{
    const struct tcp_params *p = tcb_params(tcb);
    tcb->rcv_unacked += len;
    tcb->last_data_rcvd = tcp_now(tcb);
    if (!tcb->delack_started) {
        /* The first data: initialise quick-ack (Linux tcp_event_data_recv). */
        tcb->delack_started = true;
        uint32_t quick = tcb->rcvbuf / (2 * p->mss);
        if (quick < 2)
            quick = 2;
        tcb->quickacks = (uint8_t)(quick < p->quickacks ? quick : p->quickacks);
    }
    if (p->rcv_window == TCP_RCV_WINDOW_LINUX)
        tcp_rcvwnd_grow(tcb, len); /* tcp_event_data_recv: may ask for a quick ACK */
    bool quick = tcb->quickacks > 0 && !tcb->pingpong;
    if (immediate || !p->delayed_ack || quick || tcp_delack_enough_unacked(tcb))
        tcp_send_ack(tcb);
    else
        tcp_arm_delack(tcb);
}

void tcp_delack_on_ack_sent(struct tcb *tcb)
{
    if (tcb->rcv_unacked > 0 && tcb->quickacks > 0)
        tcb->quickacks--; /* Linux tcp_dec_quickack_mode */
    tcb->rcv_unacked = 0;
    tcp_stop_delack(tcb);
}

void tcp_delack_on_data_sent(struct tcb *tcb)
{
    /* Linux tcp_event_data_sent: a reply within the ACK delay of the data
     * it answers makes the connection interactive. */
    if (tcb_params(tcb)->delack_pingpong && tcb->delack_started &&
        tcp_now(tcb) - tcb->last_data_rcvd < tcb_params(tcb)->delack_time)
        tcb->pingpong = true;
}

void tcp_delack_timeout(struct tcb *tcb)
{
    tcb->pingpong = false; /* Linux: a missed delayed ACK ends ping-pong */
    tcp_send_ack(tcb);
}
