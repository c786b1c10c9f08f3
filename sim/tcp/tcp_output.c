/* Building and sending segments: SYN and SYN,ACK with options, data and FIN
 * under the send and congestion windows, ACKs, RSTs and probes. */
#include <string.h>

#include "tcp_internal.h"

static void seg_init(const struct tcb *tcb, struct tcp_segment *seg)
{
    memset(seg, 0, sizeof *seg);
    seg->src_addr = tcb->host->addr;
    seg->dst_addr = tcb->remote_addr;
    seg->src_port = tcb->local_port;
    seg->dst_port = tcb->remote_port;
    seg->src_conn = tcb->id;
}

/* RFC 7323 3: TSval from a 1 ms clock. Linux offsets it per address pair
 * (secure_tcp_ts_off), so successive connections between two hosts see
 * increasing values, which RFC 6191 TIME-WAIT reuse relies on. */
uint32_t tcp_tsval(const struct host *host, uint32_t remote_addr, sim_time_t now)
{
    uint32_t pair_offset = (host->addr * 2654435761u) ^ (remote_addr * 40503u);
    return (uint32_t)(now / SIM_MS(1)) + pair_offset;
}

/* TSecr echoes TS.Recent. */
static void add_timestamps(const struct tcb *tcb, struct tcp_segment *seg)
{
    if (!tcb->ts_ok && !(seg->flags & TCP_SYN))
        return;
    seg->opts |= TCP_OPT_TS;
    seg->tsval = tcp_tsval(tcb->host, tcb->remote_addr, tcp_now(tcb));
    seg->tsecr = (seg->flags & TCP_ACK) ? tcb->ts_recent : 0;
}

/* Free receive space, with receiver-side silly-window avoidance (RFC 9293
 * 3.8.6.2.2): the right edge only moves by at least min(RCV.BUFF/2, MSS),
 * and it never moves left (3.8.6). rcv_window linux: tcp_rcvwnd.c. */
uint32_t tcp_rcv_window(const struct tcb *tcb)
{
    if (tcb_params(tcb)->rcv_window == TCP_RCV_WINDOW_LINUX)
        return tcp_rcvwnd_select(tcb);
    uint64_t free_space = tcb->rcvbuf > tcb->rcv_queued ? tcb->rcvbuf - tcb->rcv_queued : 0;
    tcp_seq edge = tcb->rcv_nxt + (uint32_t)free_space;
    tcp_seq adv = tcb->rcv_adv;
    uint32_t step = tcb->rcvbuf / 2 < tcb->mss ? tcb->rcvbuf / 2 : tcb->mss;
    if (seq_ge(edge, adv + step) || seq_lt(adv, tcb->rcv_nxt))
        adv = edge;
    if (seq_lt(adv, tcb->rcv_nxt))
        return 0;
    return adv - tcb->rcv_nxt;
}

/* Linux (tcp_rcvwnd.c): a SYN carries the initial window unscaled; later
 * segments the tcp_select_window one, which becomes the new right edge. */
static uint16_t window_field_linux(struct tcb *tcb, bool syn)
{
    if (syn) {
        uint32_t wnd = tcp_rcvwnd_syn(tcb, tcb->state != TCP_SYN_SENT);
        if (tcb->state != TCP_SYN_SENT && seq_gt(tcb->rcv_nxt + wnd, tcb->rcv_adv))
            tcb->rcv_adv = tcb->rcv_nxt + wnd;
        return (uint16_t)wnd;
    }
    uint64_t wnd = tcp_rcvwnd_select(tcb);
    if (wnd > (uint64_t)65535 << tcb->rcv_wscale)
        wnd = (uint64_t)65535 << tcb->rcv_wscale; /* what the field can say */
    tcb->rcv_adv = tcb->rcv_nxt + (uint32_t)wnd;
    return (uint16_t)(wnd >> tcb->rcv_wscale);
}

static uint16_t window_field(struct tcb *tcb, bool syn)
{
    if (tcb_params(tcb)->rcv_window == TCP_RCV_WINDOW_LINUX)
        return window_field_linux(tcb, syn);
    uint32_t wnd = tcp_rcv_window(tcb);
    tcp_seq edge = tcb->rcv_nxt + wnd;
    if (seq_gt(edge, tcb->rcv_adv))
        tcb->rcv_adv = edge;
    /* RFC 7323 2.2: the window in a SYN is never scaled. */
    uint32_t field = syn ? wnd : wnd >> tcb->rcv_wscale;
    return (uint16_t)(field > 65535 ? 65535 : field);
}

static void transmit(struct tcb *tcb, struct tcp_segment *seg)
{
    if (seg->flags & TCP_ACK)
        tcp_delack_on_ack_sent(tcb);
    if (seg->len > 0 && seg->retransmit == SEG_FIRST)
        tcp_delack_on_data_sent(tcb);
    host_output(tcb->host, seg, tcb->id);
}

uint32_t tcp_flight_size(const struct tcb *tcb) { return tcb->snd_nxt - tcb->snd_una; }

/* SYN in SYN_SENT, SYN,ACK in SYN_RECV, with <SEQ=ISS> (RFC 9293 3.10.7.2,
 * 3.10.7.3) and the options we offer. A SYN,ACK only echoes options the
 * peer's SYN carried (RFC 7323 1.3, 2.2). */
void tcp_send_syn(struct tcb *tcb, uint32_t rexmit)
{
    const struct tcp_params *p = tcb_params(tcb);
    struct tcp_segment seg;
    seg_init(tcb, &seg);
    bool synack = tcb->state != TCP_SYN_SENT; /* SYN-RECEIVED, or closed from it */
    seg.seq = tcb->iss;
    seg.flags = TCP_SYN;
    if (synack) {
        seg.flags |= TCP_ACK;
        seg.ack = tcb->rcv_nxt;
    }
    seg.opts = TCP_OPT_MSS;
    seg.mss = (uint16_t)p->mss;
    /* RFC 7323 2.2: a SYN,ACK carries the option only if the SYN did. */
    if (p->window_scaling && (!synack || tcb->ws_ok)) {
        seg.opts |= TCP_OPT_WSCALE;
        seg.wscale = tcb->rcv_wscale;
    }
    if (p->sack && (!synack || tcb->sack_ok))
        seg.opts |= TCP_OPT_SACK_PERM;
    if (p->timestamps && (!synack || tcb->ts_ok))
        add_timestamps(tcb, &seg);
    seg.win = window_field(tcb, true);
    seg.retransmit = rexmit;
    if (seq_lt(tcb->snd_nxt, tcb->iss + 1))
        tcb->snd_nxt = tcb->iss + 1;
    tcb->snd_max = seq_max(tcb->snd_max, tcb->iss + 1);
    if (!rexmit && !tcb->rtt_timing) {
        tcb->rtt_timing = true;
        tcb->rtt_seq = tcb->iss;
        tcb->rtt_start = tcp_now(tcb);
    }
    transmit(tcb, &seg);
}

/* SEQ of a segment without data: the highest sequence number sent
 * (RFC 9293's SND.NXT, BSD's snd_max), not SND.NXT after a go-back-N
 * rewind. The peer's RCV.NXT may already be past the rewound SND.NXT; a
 * segment below it is unacceptable (3.10.7.4, first check) and is answered
 * with an ACK and dropped, ACK field unread: two rewound peers then trade
 * ACKs for ever. While a zero-window probe octet is out, BSD uses SND.NXT
 * (the probe octet may be beyond the peer's window). */
tcp_seq tcp_ctl_seq(const struct tcb *tcb)
{
    return tcb->rtx_mode == TCP_RTX_PROBE0 ? tcb->snd_nxt : tcb->snd_max;
}

/* ACK-reply of RFC 9293: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, SEQ as above. */
void tcp_send_ack(struct tcb *tcb)
{
    struct tcp_segment seg;
    seg_init(tcb, &seg);
    seg.seq = tcp_ctl_seq(tcb);
    seg.ack = tcb->rcv_nxt;
    seg.flags = TCP_ACK;
    add_timestamps(tcb, &seg);
    tcp_sack_add_blocks(tcb, &seg);
    seg.win = window_field(tcb, false);
    transmit(tcb, &seg);
}

/* ABORT's <SEQ=SND.NXT><CTL=RST> (RFC 9293 3.10.5), SEQ the highest sent
 * (tcp_ctl_seq: a RST below the peer's RCV.NXT is out of window and
 * ignored). Linux also sets ACK with ACK=RCV.NXT (tcp_send_active_reset). */
void tcp_send_rst(struct tcb *tcb)
{
    struct tcp_segment seg;
    seg_init(tcb, &seg);
    seg.seq = tcp_ctl_seq(tcb);
    seg.flags = TCP_RST;
    if (tcb_params(tcb)->rst_ack_on_abort) {
        seg.flags |= TCP_ACK;
        seg.ack = tcb->rcv_nxt;
    }
    if (tcb_params(tcb)->rst_window) { /* Linux: a RST,ACK like any other segment */
        add_timestamps(tcb, &seg);
        seg.win = window_field(tcb, false);
    }
    transmit(tcb, &seg);
}

/* RFC 1122 4.2.3.6 / RFC 9293 3.8.4 (SHLD-12): SEG.SEQ = SND.NXT - 1, no
 * data; SND.NXT the highest sent (tcp_ctl_seq). */
void tcp_send_keepalive(struct tcb *tcb)
{
    struct tcp_segment seg;
    seg_init(tcb, &seg);
    seg.seq = tcb->snd_max - 1;
    seg.ack = tcb->rcv_nxt;
    seg.flags = TCP_ACK;
    add_timestamps(tcb, &seg);
    seg.win = window_field(tcb, false);
    seg.retransmit = SEG_PROBE_KEEPALIVE;
    transmit(tcb, &seg);
}

/* RFC 9293 3.8.6.1: a zero-window probe carries one octet of new data; as
 * in BSD's persist case it extends SND.MAX, not SND.NXT, so the ACK of that
 * octet is acceptable and the next segment starts at it again. Linux probes
 * with a zero-length segment at SND.UNA - 1 instead (tcp_xmit_probe_skb). */
void tcp_send_zero_window_probe(struct tcb *tcb)
{
    struct tcp_segment seg;
    seg_init(tcb, &seg);
    seg.ack = tcb->rcv_nxt;
    seg.flags = TCP_ACK;
    seg.retransmit = SEG_PROBE_ZERO_WINDOW;
    if (tcb_params(tcb)->persist_probe_zero_length ||
        tcb->snd_written <= tcb_seq_to_off(tcb, tcb->snd_nxt)) {
        seg.seq = tcb->snd_una - 1;
    } else {
        seg.seq = tcb->snd_nxt;
        seg.len = 1;
        seg.data_off = tcb_seq_to_off(tcb, tcb->snd_nxt);
        tcb->snd_max = seq_max(tcb->snd_max, tcb->snd_nxt + 1);
    }
    add_timestamps(tcb, &seg);
    seg.win = window_field(tcb, false);
    transmit(tcb, &seg);
}

/* Sequence number of our FIN (valid once the application closed writing). */
static tcp_seq fin_seq(const struct tcb *tcb)
{
    return tcb->snd_una + (uint32_t)(tcb->snd_written - tcb->snd_una_off) +
           (tcb->syn_acked ? 0 : 1);
}

/* RFC 9293 3.8.6.2.1 (SHLD-38): send when a full segment can go, or all
 * that is queued can go (D <= U), or at least Fs = 1/2 of the largest
 * window the peer ever offered (so a peer whose window never reaches one
 * MSS still gets data); otherwise wait for the window to open (the persist
 * timer is the override timeout). */
bool tcp_sws_send_ok(uint32_t len, uint64_t unsent, uint32_t mss, uint32_t max_snd_wnd)
{
    if (len == 0)
        return true;
    return len >= mss || len >= unsent || (max_snd_wnd > 0 && len >= max_snd_wnd / 2);
}

/* Nagle, RFC 9293 3.7.4 (SHLD-7) / RFC 1122 4.2.3.4: while data is
 * unacknowledged, hold a segment smaller than the MSS until the ACK comes
 * or a full segment accumulates; TCP_NODELAY turns it off. A FIN is never
 * held. */
bool tcp_nagle_holds(const struct tcb *tcb, uint32_t len, uint32_t flight, bool fin)
{
    return !tcb->nodelay && len < tcb->mss && flight > 0 && !fin;
}

static bool can_send_data(enum tcp_state s)
{
    return s == TCP_ESTABLISHED || s == TCP_CLOSE_WAIT || s == TCP_FIN_WAIT1 || s == TCP_CLOSING ||
           s == TCP_LAST_ACK;
}

/* Builds and sends data (and/or FIN) starting at `seq`, which may be below
 * SND.NXT for a retransmission: the payload's stream offset always comes
 * from the sequence number, so a resent octet is the octet first sent. */
static void emit_data(struct tcb *tcb, tcp_seq seq, uint32_t len, bool fin, uint32_t why)
{
    struct tcp_segment seg;
    seg_init(tcb, &seg);
    uint64_t off = tcb_seq_to_off(tcb, seq);
    seg.seq = seq;
    seg.ack = tcb->rcv_nxt;
    seg.len = len;
    seg.data_off = off;
    seg.flags = TCP_ACK;
    if (len > 0 && off + len == tcb->snd_written)
        seg.flags |= TCP_PSH;
    if (fin)
        seg.flags |= TCP_FIN;
    seg.retransmit = why;
    add_timestamps(tcb, &seg);
    tcp_sack_add_blocks(tcb, &seg);
    seg.win = window_field(tcb, false);
    if (fin)
        tcb->fin_sent = true;
    if (seq_gt(seq + len + (fin ? 1 : 0), tcb->snd_max))
        tcb->snd_max = seq + len + (fin ? 1 : 0);
    if (why == SEG_FIRST && !tcb->rtt_timing) {
        tcb->rtt_timing = true;
        tcb->rtt_seq = seq;
        tcb->rtt_start = tcp_now(tcb);
    }
    transmit(tcb, &seg);
    if (!sim_timer_armed(&tcb->rtx_timer) || tcb->rtx_mode == TCP_RTX_PROBE0)
        tcp_arm_rexmit(tcb);
    else if (why == SEG_FIRST)
        tcp_tlp_on_send(tcb); /* Linux tcp_write_xmit: tcp_schedule_loss_probe */
}

/* Sends one segment starting at SND.NXT if the windows, Nagle (RFC 9293
 * 3.7.4) and the sender's silly-window rule (3.8.6.2.1) allow (`force`:
 * the windows only); returns whether it sent. The congestion window limits the pipe (RFC 6675:
 * equal to FlightSize unless SACK recovery is on); the peer's window limits the right edge. Going
 * back N after an RTO skips what the peer SACKed. */
static bool send_one(struct tcb *tcb, uint32_t rexmit_why, bool force)
{
    if (tcb->sb && seq_lt(tcb->snd_nxt, tcb->snd_max))
        tcb->snd_nxt = tcp_sack_skip(tcb, tcb->snd_nxt);
    uint64_t nxt_off = tcb_seq_to_off(tcb, tcb->snd_nxt);
    if (tcb->fin_sent && seq_gt(tcb->snd_nxt, fin_seq(tcb)))
        return false; /* everything including FIN is out */
    uint64_t unsent = tcb->snd_written > nxt_off ? tcb->snd_written - nxt_off : 0;
    uint32_t flight = tcp_flight_size(tcb);
    uint32_t pipe = tcp_pipe(tcb);
    uint32_t wnd_room = tcb->snd_wnd > flight ? tcb->snd_wnd - flight : 0;
    uint32_t cwnd_room = tcb->cwnd > pipe ? tcb->cwnd - pipe : 0;
    uint32_t usable = wnd_room < cwnd_room ? wnd_room : cwnd_room;
    uint32_t len = tcb->mss;
    if (unsent < len)
        len = (uint32_t)unsent;
    if (usable < len)
        len = usable;
    bool retransmission = seq_lt(tcb->snd_nxt, tcb->snd_max);
    /* A resend stops at the next SACKed block; the FIN goes only if it
     * lies before that block. */
    uint32_t room = UINT32_MAX;
    tcp_seq next_sacked = tcp_sack_next_start(tcb, tcb->snd_nxt, tcb->snd_max);
    if (retransmission && next_sacked != tcb->snd_max)
        room = next_sacked - tcb->snd_nxt;
    if (len > room)
        len = room;
    bool fin = tcb->wr_shut && nxt_off + len == tcb->snd_written && len < room;
    if (len == 0 && !fin)
        return false;
    if (len == 0 && fin && usable == 0 && tcb->snd_wnd == 0 && unsent > 0)
        return false;
    if (!retransmission && !force && !tcp_sws_send_ok(len, unsent, tcb->mss, tcb->max_snd_wnd))
        return false; /* SWS: wait for a useful amount while more is queued */
    if (!retransmission && !force && tcp_nagle_holds(tcb, len, flight, fin))
        return false; /* Nagle: one small segment in flight at a time */

    tcp_seq seq = tcb->snd_nxt;
    tcb->snd_nxt += len + (fin ? 1 : 0);
    emit_data(tcb, seq, len, fin, retransmission ? rexmit_why : SEG_FIRST);
    return true;
}

/* RFC 6675 4.2 (4.3)-(4.4) and 5 (C): while cwnd - pipe >= 1 SMSS send
 * NextSeg(): a lost hole above HighRxt, else new data. */
void tcp_sack_recovery_output(struct tcb *tcb, bool force)
{
    for (;;) {
        if (!force && tcp_pipe(tcb) + tcb->mss > tcb->cwnd)
            return;
        tcp_seq s, e;
        if (tcb->sb && tcp_sack_next_hole(tcb, &s, &e)) {
            uint32_t len = e - s;
            bool fin = false;
            if (tcb->fin_sent && seq_lt(fin_seq(tcb), e)) {
                len = fin_seq(tcb) - s; /* the hole ends with our FIN */
                fin = true;
            }
            if (len > tcb->mss) {
                len = tcb->mss;
                fin = false;
            }
            tcb->rtt_timing = false; /* Karn (RFC 6298 3) */
            emit_data(tcb, s, len, fin, SEG_REXMIT_FAST);
            tcb->sb->high_rxt = s + len + (fin ? 1 : 0);
        } else if (!send_one(tcb, SEG_REXMIT_FAST, false)) {
            return;
        }
        force = false;
    }
}

void tcp_output(struct tcb *tcb)
{
    if (!can_send_data(tcb->state))
        return;
    if (tcb->sb && tcb->in_recovery)
        tcp_sack_recovery_output(tcb, false);
    else
        while (send_one(tcb, SEG_REXMIT_RTO, false))
            ;
    /* Data waits with nothing in flight and no timer running: the window
     * is zero or too small to use. Probe it (RFC 9293 3.8.6.1, and the
     * override timeout of 3.8.6.2.1; Linux tcp_check_probe_timer). */
    bool waiting = tcb->snd_written > tcb_seq_to_off(tcb, tcb->snd_nxt);
    if (waiting && tcb->snd_una == tcb->snd_max && !sim_timer_armed(&tcb->rtx_timer))
        tcp_arm_persist(tcb);
}

bool tcp_output_forced(struct tcb *tcb)
{
    return can_send_data(tcb->state) && send_one(tcb, SEG_REXMIT_RTO, true);
}

/* Go back to SND.UNA and send one segment (RTO: cwnd is one segment now;
 * fast retransmit without SACK: exactly the first unacknowledged segment). */
void tcp_retransmit_first(struct tcb *tcb, uint32_t why)
{
    tcb->rtt_timing = false; /* Karn (RFC 6298 3): no sample from it */
    tcp_seq saved = tcb->snd_nxt;
    tcb->snd_nxt = tcb->snd_una;
    uint32_t cwnd = tcb->cwnd, wnd = tcb->snd_wnd;
    tcb->cwnd = tcp_pipe(tcb) + tcb->mss; /* room for exactly one segment */
    if (tcb->snd_wnd < tcb->mss)
        tcb->snd_wnd = tcb->mss; /* a retransmission is not held by the window */
    send_one(tcb, why, false);
    tcb->cwnd = cwnd;
    tcb->snd_wnd = wnd;
    if (why == SEG_REXMIT_FAST && seq_gt(saved, tcb->snd_nxt))
        tcb->snd_nxt = saved; /* fast retransmit resends one hole only */
}

/* RFC 8985 7.3: the probe resends the last segment sent; Linux
 * tcp_send_loss_probe takes the last skb of the retransmission queue (its
 * last MSS if it is larger). Segment boundaries are not kept: counting MSS
 * from SND.UNA finds the last one, since only the last segment of a flight
 * is normally short. */
void tcp_retransmit_last(struct tcb *tcb, uint32_t why)
{
    bool fin = tcb->fin_sent && tcb->snd_max == fin_seq(tcb) + 1;
    uint32_t data = tcb->snd_max - tcb->snd_una - (fin ? 1 : 0) - (tcb->syn_acked ? 0 : 1);
    uint32_t len = data ? (data - 1) % tcb->mss + 1 : 0;
    tcp_seq seq = tcb->snd_max - (fin ? 1 : 0) - len;
    if (len == 0 && !fin)
        return;
    if (tcb->rtt_timing && seq_ge(tcb->rtt_seq, seq))
        tcb->rtt_timing = false; /* Karn (RFC 6298 3) */
    emit_data(tcb, seq, len, fin, why);
}

/* RFC 9293 3.10.7.1: a segment for no connection. If it has ACK,
 * <SEQ=SEG.ACK><CTL=RST>; else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 * A RST is never answered. */
void tcp_reply_rst(struct host *host, const struct tcp_segment *in)
{
    if (in->flags & TCP_RST)
        return;
    struct tcp_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.src_addr = in->dst_addr;
    seg.dst_addr = in->src_addr;
    seg.src_port = in->dst_port;
    seg.dst_port = in->src_port;
    if (in->flags & TCP_ACK) {
        seg.seq = in->ack;
        seg.flags = TCP_RST;
    } else {
        seg.seq = 0;
        seg.ack = in->seq + segment_seq_len(in);
        seg.flags = TCP_RST | TCP_ACK;
    }
    host_output(host, &seg, 0);
}
