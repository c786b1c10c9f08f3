/* Every tunable of the TCP model, with the defaults of two profiles:
 * "rfc9293" (the RFCs' values) and "linux" (Linux 6.18 with default sysctls).
 * A scenario picks a profile and may override any single field. */
#ifndef TCPSIM_TCP_PARAMS_H
#define TCPSIM_TCP_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpsim/time.h"

enum tcp_profile { TCP_PROFILE_RFC9293, TCP_PROFILE_LINUX };

/* Congestion control algorithm of a connection (sim/tcp_cc.c, tcp_cubic.c). */
enum tcp_cc_algo { TCP_CC_NEWRENO, TCP_CC_CUBIC };

/* How timer expiries are rounded (sim/tcp/tcp_jiffies.c). exact: to the
 * nanosecond; jiffies: delays rounded up to whole ticks of 1/hz s and fired
 * on a tick; wheel: as Linux's timer wheel (kernel/time/timer.c), whose
 * outer levels round long timeouts up to 8, 64, 512, ... ticks. */
enum tcp_timer_gran { TCP_TIMER_EXACT, TCP_TIMER_JIFFIES, TCP_TIMER_WHEEL };

/* How the receiver chooses its window: RFC 9293 3.8.6.2.2 (window = free
 * buffer, opened in steps of min(buffer/2, MSS)) or Linux 6.18's
 * (sim/tcp/tcp_rcvwnd.c: half the buffer, rcv_ssthresh, autotuning). */
enum tcp_rcv_window_model { TCP_RCV_WINDOW_RFC9293, TCP_RCV_WINDOW_LINUX };

struct tcp_params {
    /* Only which defaults were taken (tcp_params.c): the TCP code never
     * tests it. Each way Linux differs from the RFCs is a field below. */
    enum tcp_profile profile;

    /* Segmentation and buffers */
    uint32_t mss;        /* our MSS option (RFC 9293 3.7.1); default 1460 */
    uint32_t sndbuf;     /* send buffer, bytes */
    uint32_t rcvbuf;     /* receive buffer, bytes (advertised window source) */
    uint32_t rcvbuf_max; /* Linux tcp_rmem[2]: autotuning's ceiling (linux profile) */
    bool window_scaling; /* RFC 7323 window scale option */
    bool timestamps;     /* RFC 7323 timestamps option */
    bool sack;           /* SACK-permitted option (RFC 2018) */
    bool dsack;          /* RFC 2883 D-SACK with SACK: report duplicates (Linux tcp_dsack) */
    bool nodelay;        /* TCP_NODELAY: Nagle off */

    /* Retransmission timer, RFC 6298 */
    sim_time_t rto_initial;       /* (2.1) 1 s */
    sim_time_t rto_min;           /* (2.4) 1 s; Linux 200 ms */
    sim_time_t rto_max;           /* (2.5) >= 60 s; Linux 120 s */
    sim_time_t clock_granularity; /* G in (2.2)/(2.3) */
    bool tlp;                     /* RFC 8985 7 tail loss probe (Linux tcp_early_retrans=3) */
    bool rack;                    /* RFC 8985 6 loss detection after a probe (tcp_recovery=1) */
    /* Linux tcp_rtt_estimator/__tcp_set_rto: the variance term is floored at
     * rto_min, RTO = SRTT + max(4*RTTVAR, rto_min), where RFC 6298 (2.4)
     * floors the sum: RTO = max(SRTT + 4*RTTVAR, rto_min). */
    bool rto_min_floors_rttvar;
    uint8_t timer_granularity; /* enum tcp_timer_gran */
    uint32_t hz;               /* ticks per second for jiffies/wheel (Linux CONFIG_HZ) */
    uint32_t jiffies_phase;    /* the tick count at time 0 (wheel buckets are absolute) */

    /* Retry limits (RFC 9293 3.8.3 R1/R2; Linux sysctls) */
    uint32_t syn_retries;         /* SYN retransmissions before ETIMEDOUT */
    uint32_t syn_linear_timeouts; /* Linux: first N SYN retransmissions 1 s apart */
    uint32_t synack_retries;
    uint32_t retries1;
    uint32_t retries2;       /* data retransmissions before ETIMEDOUT */
    uint32_t orphan_retries; /* for orphaned sockets (Linux: 0 means 8) */
    sim_time_t user_timeout; /* TCP_USER_TIMEOUT; 0 = off */

    /* Closing */
    sim_time_t msl;           /* maximum segment lifetime; RFC 2 min */
    sim_time_t time_wait;     /* TIME_WAIT length; 0 = 2*MSL; Linux fixed 60 s */
    sim_time_t fin_timeout;   /* orphaned FIN_WAIT2 lifetime; 0 = forever (RFC) */
    bool rst_on_close_unread; /* close() with unread data sends RST (RFC 2525, Linux) */
    bool rfc1337;             /* ignore RST in TIME_WAIT (RFC 1337 F1) */

    /* RFC 5961 */
    bool challenge_ack;                /* challenge ACKs for in-window RST/SYN */
    sim_time_t challenge_ack_interval; /* per-socket rate limit; Linux 500 ms */
    /* ACK-reply to an unacceptable pure ACK or SYN (RFC 9293 3.10.7.4 first
     * check): at most one per interval, 0 = always (Linux tcp_oow_rate_limited) */
    sim_time_t oow_ack_interval;

    /* Keep-alive (RFC 1122 4.2.3.6, RFC 9293 3.8.4) */
    bool keepalive;             /* SO_KEEPALIVE default: off (MUST-25) */
    sim_time_t keepalive_time;  /* idle time before the first probe: 7200 s */
    sim_time_t keepalive_intvl; /* between probes: 75 s */
    uint32_t keepalive_probes;  /* unanswered probes before drop: 9 */

    /* ACK behaviour */
    bool delayed_ack;
    sim_time_t delack_time; /* Linux ~40 ms min; RFC <= 500 ms (typ. 200) */
    uint32_t quickacks;     /* Linux TCP_MAX_QUICKACKS: first ACKs not delayed; 0 = off */

    /* Congestion control */
    uint32_t initial_cwnd_segments; /* RFC 5681 3.1 / RFC 6928; Linux 10 */
    uint8_t congestion_control;     /* enum tcp_cc_algo; Linux tcp_congestion_control */
    bool hystart;                   /* cubic only: Linux HyStart slow start exit */
    sim_time_t persist_min;         /* first zero-window probe (one RTO) */
    sim_time_t persist_max;

    /* TIME_WAIT and ports (Linux) */
    bool tw_reuse;
    uint32_t max_tw_buckets; /* 0 = unlimited */
    uint32_t port_range_lo;  /* ip_local_port_range */
    uint32_t port_range_hi;

    /* Listen queues (Linux; both profiles use the same rules) */
    uint32_t somaxconn;       /* accept-queue cap: min(listen backlog, somaxconn) */
    uint32_t max_syn_backlog; /* without cookies, the last quarter is refused */
    uint8_t syncookies;       /* 0 off, 1 when the SYN queue overflows, 2 always */
    bool abort_on_overflow;   /* full accept queue: RST the final ACK */

    /* Where Linux differs from the RFCs: one rule each, named for what
     * `true` does (README "Where Linux differs"; each profile's value and
     * its source in tcp_params.c). The TCP code reads these, never
     * `profile` (tests/profile_rules.sh). */
    uint8_t rcv_window;                     /* enum tcp_rcv_window_model */
    bool rst_ack_on_abort;                  /* our RST is RST,ACK (tcp_send_active_reset) */
    bool syn_recv_rst_econnreset;           /* RST in SYN_RECV: ECONNRESET, not ECONNREFUSED */
    bool close_wait_rst_epipe;              /* RST in CLOSE_WAIT: EPIPE, not ECONNRESET */
    bool time_wait_rst_challenge_ack;       /* inexact in-window RST in TIME_WAIT: challenge ACK */
    bool time_wait_old_syn_acked;           /* old SYN in TIME_WAIT: ACKed, not dropped */
    bool syn_recv_dup_syn_resends_synack;   /* duplicate SYN in SYN_RECV: SYN,ACK again */
    bool syn_recv_syn_sends_rst;            /* new SYN in SYN_RECV: also RST (passive) */
    bool syn_recv_simopen_synack_completes; /* peer's SYN,ACK in simultaneous open: ACKed */
    bool synfin_to_listener_dropped;        /* SYN+FIN to a listener is dropped */
    bool fin_at_zero_window;                /* in-order FIN acceptable at zero window */
    bool window_edge_drop;          /* past the right edge: whole or dropped (tcp_sequence) */
    bool persist_probe_zero_length; /* zero-window probe: no data, SEQ = SND.UNA-1 */
    bool persist_rearm_on_ack;      /* answered probe: next one counted from the ACK */
    bool persist_timeout_from_first_probe; /* user timeout counts from the first probe */
    bool delack_one_mss;                   /* ACK at once when > 1 MSS unacked (not 2) */
    bool delack_pingpong;                  /* interactive mode delays ACKs for the reply */
    bool keepalive_rst_on_timeout;         /* keep-alive gives up with a RST */
    bool syn_sent_bad_ack_resends_syn;     /* unacceptable ACK in SYN_SENT: SYN again soon */
    bool linger_expiry_ewouldblock;        /* SO_LINGER expiry: close() fails EWOULDBLOCK */
    bool retries_time_based;               /* retries1/retries2 as time (retransmits_timed_out) */
    bool syn_r1_on_second_timeout;         /* SYN's R1 note at its 2nd timeout; SYN,ACK none */
    bool syn_recv_close_fin_wait1;         /* CLOSE in SYN_RECV with data: FIN_WAIT1 at once */
    bool listen_close_resets_children;     /* closed listener resets handshaken children */
    bool orphan_rst_reply;   /* new data after close(): <SEQ=SEG.ACK><CTL=RST>, as to no TCB */
    bool rst_window;         /* our RST carries the receive window and timestamps */
    bool shut_rd_keeps_data; /* SHUT_RD: read() = 0, later data queued (not BSD's discard) */
    bool tw_ack_all;         /* TIME_WAIT ACKs all but a bare ACK at RCV.NXT, restarts */
    bool tlp_in_syn_recv;    /* a FIN or data sent before our SYN is ACKed gets a TLP */
    bool delack_ato;         /* delayed-ACK timeout adapts (icsk_ack.ato), not delack_time */
    bool syn_sent_close_econnreset; /* CLOSE in SYN_SENT fails connect/sends: ECONNRESET */
};

void tcp_params_defaults(struct tcp_params *params, enum tcp_profile profile);
const char *tcp_profile_name(enum tcp_profile profile);
int tcp_profile_from_name(const char *name); /* -1 if unknown */
const char *tcp_cc_algo_name(enum tcp_cc_algo algo);
int tcp_cc_algo_from_name(const char *name); /* -1 if unknown */
const char *tcp_timer_gran_name(enum tcp_timer_gran gran);
int tcp_timer_gran_from_name(const char *name); /* -1 if unknown */
const char *tcp_rcv_window_model_name(enum tcp_rcv_window_model model);
int tcp_rcv_window_model_from_name(const char *name); /* -1 if unknown */
/* 2*MSL unless the profile fixes the TIME_WAIT length. */
sim_time_t tcp_params_time_wait(const struct tcp_params *params);

#endif
