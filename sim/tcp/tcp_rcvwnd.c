/* The receive window as Linux 6.18 chooses it (rcv_window: linux; with
 * rcv_window: rfc9293 tcp_rcv_window in tcp_output.c decides). Read, in the
 * kernel: tcp_select_initial_window, tcp_select_window and
 * __tcp_select_window (net/ipv4/tcp_output.c), tcp_init_buffer_space,
 * tcp_grow_window and tcp_rcv_space_adjust (net/ipv4/tcp_input.c),
 * tcp_cleanup_rbuf (net/ipv4/tcp.c).
 *
 * Model: tcb->rcvbuf is sk_rcvbuf. Linux turns buffer space into window
 * with tp->scaling_ratio (skb->len / skb->truesize, in 1/256); the simulator
 * has no skbs, so the ratio stays at its default, TCP_DEFAULT_SCALING_RATIO
 * = 128 (50%), and every segment is taken to cost twice its length of
 * buffer. The window then grows in three steps: rcv_ssthresh starts at the
 * initial window and grows by 2 * advmss per in-order segment
 * (tcp_grow_window), bounded by window_clamp and the free space; receive
 * buffer autotuning (tcp_rcv_space_adjust) raises sk_rcvbuf and
 * window_clamp as the application reads more per RTT. */
#include "tcp_internal.h"

#define RCVWND_SCALING_RATIO 128   /* Linux TCP_DEFAULT_SCALING_RATIO, of 256 */
#define RCVWND_TS_OVERHEAD 12      /* Linux TCPOLEN_TSTAMP_ALIGNED */
#define RCVWND_GROW_MIN_LEN 128    /* Linux tcp_event_data_recv: smaller segments never grow it */
#define RCVWND_NET_RMEM_MAX 212992 /* Linux net.core.rmem_max: SO_RCVBUF's cap */

/* Linux tcp_win_from_space: the window a buffer of `space` bytes holds. */
static uint64_t win_from_space(uint64_t space) { return (space * RCVWND_SCALING_RATIO) >> 8; }

/* Linux tcp_full_space: the window the whole buffer holds. */
static uint64_t full_space(const struct tcb *tcb) { return win_from_space(tcb->rcvbuf); }

/* Linux tcp_space: the window the free buffer holds; queued data costs
 * twice its length (its skb truesize at the default ratio). */
static int64_t free_space(const struct tcb *tcb)
{
    int64_t left = (int64_t)tcb->rcvbuf - 2 * (int64_t)tcb->rcv_queued;
    return left > 0 ? (int64_t)win_from_space((uint64_t)left) : 0;
}

/* Linux tp->advmss: our MSS less the timestamp option. Only the active
 * side takes it off (tcp_rcv_synsent_state_process); a passive child keeps
 * the route's advmss (tcp_v4_syn_recv_sock). */
static uint32_t advmss(const struct tcb *tcb)
{
    uint32_t mss = tcb_params(tcb)->mss;
    return (tcb->ts_ok && !tcb->passive) ? mss - RCVWND_TS_OVERHEAD : mss;
}

static uint32_t receive_window(const struct tcb *tcb)
{
    return seq_gt(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt : 0;
}

static uint64_t align_up(uint64_t v, uint8_t shift)
{
    uint64_t unit = (uint64_t)1 << shift;
    return (v + unit - 1) & ~(unit - 1);
}

/* Linux tcp_select_initial_window: the buffer's window, rounded down to a
 * multiple of the MSS the peer will send, at most 65535 (the SYN's window
 * is never scaled, RFC 7323 2.2). */
uint32_t tcp_rcvwnd_initial(uint32_t rcvbuf, uint32_t mss)
{
    uint64_t space = win_from_space(rcvbuf);
    if (mss > 0 && space > mss)
        space -= space % mss;
    return (uint32_t)(space < 65535 ? space : 65535);
}

/* Linux tcp_select_initial_window: the shift is chosen for the largest
 * buffer the socket may reach (tcp_rmem[2], net.core.rmem_max), not for
 * the one it has: ilog2(space) - 15, at most 14 (RFC 7323 2.3). */
uint8_t tcp_rcvwnd_wscale(const struct tcp_params *p, uint32_t rcvbuf)
{
    uint64_t space = win_from_space(rcvbuf);
    if (space < p->rcvbuf_max)
        space = p->rcvbuf_max;
    if (space < RCVWND_NET_RMEM_MAX)
        space = RCVWND_NET_RMEM_MAX;
    int log2 = 0;
    while ((space >> (log2 + 1)) != 0)
        log2++;
    int shift = log2 - 15;
    return (uint8_t)(shift < 0 ? 0 : shift > 14 ? 14 : shift);
}

/* The window of our SYN or SYN,ACK, chosen once: rcv_wnd and rcv_ssthresh
 * start at it (tcp_connect_init, tcp_openreq_init_rwin). A SYN,ACK counts
 * the peer's MSS less the timestamp option it will carry. */
uint32_t tcp_rcvwnd_syn(struct tcb *tcb, bool synack)
{
    if (tcb->window_clamp == 0) {
        uint32_t mss = tcb_params(tcb)->mss;
        if (synack && tcb->ts_ok)
            mss -= RCVWND_TS_OVERHEAD;
        tcb->rcv_ssthresh = tcp_rcvwnd_initial(tcb->rcvbuf, mss);
        uint64_t clamp = (uint64_t)65535 << tcb->rcv_wscale;
        tcb->window_clamp = (uint32_t)(clamp < UINT32_MAX ? clamp : UINT32_MAX);
        tcb->rcvq_time = tcp_now(tcb);
    }
    return tcb->rcv_ssthresh;
}

/* Linux tcp_init_buffer_space, on entering ESTABLISHED: window_clamp
 * becomes the buffer's window less one segment (tcp_app_win = 31 keeps
 * maxwin >> 31 = 0 for the application, then one advmss is reserved), and
 * rcv_ssthresh is held under it. */
void tcp_rcvwnd_established(struct tcb *tcb)
{
    uint32_t adv = advmss(tcb);
    uint64_t maxwin = full_space(tcb);
    uint64_t clamp = tcb->window_clamp ? tcb->window_clamp : (uint64_t)65535 << tcb->rcv_wscale;
    if (clamp >= maxwin)
        clamp = maxwin;
    if (clamp > 2 * (uint64_t)adv && clamp + adv > maxwin)
        clamp = maxwin - adv > 2 * (uint64_t)adv ? maxwin - adv : 2 * (uint64_t)adv;
    tcb->window_clamp = (uint32_t)clamp;
    if (tcb->rcv_ssthresh > tcb->window_clamp)
        tcb->rcv_ssthresh = tcb->window_clamp;
    /* tcp_rcv_space_adjust's first yardstick: ten segments per RTT */
    uint32_t space = tcb->rcv_ssthresh < 10 * adv ? tcb->rcv_ssthresh : 10 * adv;
    tcb->rcvq_space = space;
    tcb->rcvq_seq = tcb->rcv_read;
    tcb->rcvq_time = tcp_now(tcb);
}

/* Linux tcp_grow_window, from tcp_event_data_recv for an in-order segment
 * of at least 128 octets: rcv_ssthresh grows by max(2 * advmss, 2 * len)
 * (the segment fits its truesize at the default ratio), up to window_clamp
 * and the free space. Growing also asks for an immediate ACK
 * (icsk_ack.quick |= 1). */
void tcp_rcvwnd_grow(struct tcb *tcb, uint32_t len)
{
    if (len < RCVWND_GROW_MIN_LEN)
        return;
    int64_t limit = free_space(tcb);
    if ((int64_t)tcb->window_clamp < limit)
        limit = tcb->window_clamp;
    int64_t room = limit - (int64_t)tcb->rcv_ssthresh;
    if (room <= 0)
        return;
    int64_t incr = 2 * (int64_t)advmss(tcb);
    if (incr < 2 * (int64_t)len)
        incr = 2 * (int64_t)len;
    tcb->rcv_ssthresh += (uint32_t)(incr < room ? incr : room);
    tcb->quickacks |= 1;
}

/* Linux __tcp_select_window: the free space, bounded by rcv_ssthresh; with
 * scaling rounded up to a multiple of 1 << rcv_wscale (so a small window is
 * not scaled away), without it rounded down to a multiple of the MSS (kept
 * as it is while within one MSS of the free space). Little free space (under
 * half the buffer's window and under 1/16 of it or one MSS) means zero. */
static uint32_t select_raw(const struct tcb *tcb)
{
    uint8_t ws = tcb->rcv_wscale;
    int64_t mss = tcb->mss;
    int64_t free = free_space(tcb);
    int64_t allowed = (int64_t)full_space(tcb);
    int64_t full = tcb->window_clamp < allowed ? tcb->window_clamp : allowed;
    if (mss > full) {
        mss = full;
        if (mss <= 0)
            return 0;
    }
    if (free < full / 2) {
        free &= ~(((int64_t)1 << ws) - 1);
        if (free < (allowed >> 4) || free < mss)
            return 0;
    }
    if (free > (int64_t)tcb->rcv_ssthresh)
        free = tcb->rcv_ssthresh;
    if (ws)
        return (uint32_t)align_up((uint64_t)free, ws);
    int64_t window = receive_window(tcb);
    if (window <= free - mss || window > free)
        window = free - free % mss;
    else if (mss == full && free > window + full / 2)
        window = free;
    return (uint32_t)window;
}

/* Linux tcp_select_window: never shrink the offered window (the right edge
 * stays; tcp_shrink_window = 0), rounding the current one up to the scale. */
uint32_t tcp_rcvwnd_select(const struct tcb *tcb)
{
    uint64_t new_win = select_raw(tcb);
    uint32_t cur = receive_window(tcb);
    if (new_win < cur)
        new_win = align_up(cur, tcb->rcv_wscale);
    return (uint32_t)(new_win < UINT32_MAX ? new_win : UINT32_MAX);
}

/* Linux tcp_cleanup_rbuf: after a read, ACK at once when the window we
 * offer is at most half of window_clamp and the read at least doubles it. */
bool tcp_rcvwnd_update_due(const struct tcb *tcb)
{
    uint32_t now = receive_window(tcb);
    if ((uint64_t)2 * now > tcb->window_clamp)
        return false;
    uint32_t new_win = select_raw(tcb);
    return new_win > 0 && new_win >= (uint64_t)2 * now;
}

/* Linux tcp_rcv_space_adjust, after the application read: once per RTT
 * (the receiver's estimate; here SRTT), if the application read more than
 * in the last one, the buffer grows to hold twice that plus 16 segments,
 * more when the rate is rising, up to tcp_rmem[2] (`rcvbuf_max`), and
 * window_clamp follows. Not after SO_RCVBUF (SOCK_RCVBUF_LOCK). */
void tcp_rcvwnd_space_adjust(struct tcb *tcb)
{
    const struct tcp_params *p = tcb_params(tcb);
    sim_time_t now = tcp_now(tcb);
    if (tcb->srtt == 0 || now - tcb->rcvq_time < tcb->srtt || tcb->rcvq_space == 0)
        return;
    uint64_t copied = tcb->rcv_read - tcb->rcvq_seq;
    if (copied > tcb->rcvq_space) {
        if (!tcb->rcvbuf_locked) {
            uint64_t rcvwin = 2 * copied + 16 * (uint64_t)advmss(tcb);
            uint64_t grow = rcvwin * (copied - tcb->rcvq_space) / tcb->rcvq_space;
            rcvwin += 2 * grow;
            uint64_t rcvbuf = (rcvwin << 8) / RCVWND_SCALING_RATIO; /* tcp_space_from_win */
            if (rcvbuf > p->rcvbuf_max)
                rcvbuf = p->rcvbuf_max;
            if (rcvbuf > tcb->rcvbuf) {
                tcb->rcvbuf = (uint32_t)rcvbuf;
                tcb->window_clamp = (uint32_t)win_from_space(rcvbuf);
            }
        }
        tcb->rcvq_space = (uint32_t)(copied < UINT32_MAX ? copied : UINT32_MAX);
    }
    tcb->rcvq_seq = tcb->rcv_read;
    tcb->rcvq_time = now;
}

/* Linux sock_setsockopt(SO_RCVBUF): the value, capped at net.core.rmem_max,
 * is doubled for the skb overhead (so the window is about what was asked),
 * and autotuning stops (SOCK_RCVBUF_LOCK). */
void tcp_rcvwnd_set_rcvbuf(struct tcb *tcb, uint32_t bytes)
{
    uint32_t val = bytes < RCVWND_NET_RMEM_MAX ? bytes : RCVWND_NET_RMEM_MAX;
    tcb->rcvbuf = 2 * val;
    tcb->rcvbuf_locked = true;
}
