/* The defaults of the two TCP profiles: "rfc9293", the values the RFCs give
 * (or the conservative end of the range they allow), and "linux", Linux 6.18
 * with its default sysctls. Each value cites where it comes from. */
#include "tcpsim/tcp_params.h"

#include <string.h>

static void tcp_params_rfc9293(struct tcp_params *p)
{
    p->mss = 1460;             /* RFC 9293 3.7.1: MTU 1500 - 40 octets of IP and TCP header */
    p->sndbuf = 65536;         /* no RFC value; one unscaled window's worth */
    p->rcvbuf = 65535;         /* RFC 9293 3.1: largest window without RFC 7323 scaling */
    p->rcvbuf_max = 65535;     /* no autotuning in the RFCs: unused by this profile */
    p->window_scaling = false; /* RFC 7323 2: optional, off unless configured */
    p->timestamps = false;     /* RFC 7323 3: optional */
    p->sack = false;           /* RFC 2018: optional */
    p->dsack = false;          /* RFC 2883: an extension RFC 9293 does not ask for */
    p->nodelay = false;        /* RFC 9293 3.7.4 (SHLD-7): Nagle on by default */

    p->rto_initial = SIM_S(1);              /* RFC 6298 (2.1): initial RTO 1 s */
    p->rto_min = SIM_S(1);                  /* RFC 6298 (2.4): RTO rounded up to 1 s */
    p->rto_max = SIM_S(60);                 /* RFC 6298 (2.5): a maximum of at least 60 s */
    p->clock_granularity = SIM_MS(1);       /* RFC 6298 (2.2)-(2.3): G, a 1 ms clock */
    p->tlp = false;                         /* RFC 8985 7: a SHOULD of RACK-TLP, not of RFC 9293 */
    p->rack = false;                        /* RFC 8985 6: not part of RFC 9293 / RFC 6675 */
    p->rto_min_floors_rttvar = false;       /* RFC 6298 (2.4): RTO = max(SRTT + 4*RTTVAR, 1 s) */
    p->timer_granularity = TCP_TIMER_EXACT; /* timers expire when the RFC says */
    p->hz = 1000;
    p->jiffies_phase = 0;

    /* RFC 9293 3.8.3 (MUST-23): a SYN's R2 at least 3 min. With RTOs of
     * 1, 2, 4, ... capped at 60 s, 7 retransmissions give up after 183 s. */
    p->syn_retries = 7;
    p->syn_linear_timeouts = 0; /* RFC: exponential backoff from the first (RFC 6298 5.5) */
    p->synack_retries = 5;      /* no RFC value; the Linux one */
    p->retries1 = 3;            /* RFC 9293 3.8.3 (SHLD-10): R1 at least 3 retransmissions */
    p->retries2 = 15;           /* RFC 9293 3.8.3 (SHLD-10): R2 at least 100 s; 15 is far past */
    p->orphan_retries = 8;      /* no RFC value; what Linux uses for its 0 */
    /* RFC 9293 3.9.1.1 (R-TMO-04): data not delivered within the OPEN's
     * timeout aborts the connection; "the present global default is five
     * minutes". */
    p->user_timeout = SIM_S(300);

    p->msl = SIM_S(120);           /* RFC 9293 3.4.2: MSL is 2 minutes */
    p->time_wait = 0;              /* RFC 9293 3.3.2/3.6: TIME-WAIT lasts 2 MSL */
    p->fin_timeout = 0;            /* RFC 9293: FIN-WAIT-2 has no timer; waits forever */
    p->rst_on_close_unread = true; /* RFC 9293 3.6.1 (MAY-1, SHLD-2), RFC 2525 2.17 */
    p->rfc1337 = false;            /* RFC 1337 F1 fix: not part of RFC 9293 */

    p->challenge_ack = true;       /* RFC 5961 3.2/4.2, as RFC 9293 3.10.7.4 advises */
    p->challenge_ack_interval = 0; /* RFC 5961 7: rate limit left to the implementer */
    p->oow_ack_interval = 0;       /* 3.10.7.4 (R-SEQ-05): every unacceptable segment ACKed */

    p->keepalive = false;            /* RFC 9293 3.8.4 (MUST-25): off by default */
    p->keepalive_time = SIM_S(7200); /* RFC 9293 3.8.4 (MUST-27): at least two hours */
    p->keepalive_intvl = SIM_S(75);  /* no RFC value; the BSD/Linux 75 s */
    p->keepalive_probes = 9;         /* no RFC value; the BSD/Linux 9 */

    p->delayed_ack = true;        /* RFC 9293 3.8.6.3 (SHLD-18): SHOULD delay ACKs */
    p->delack_time = SIM_MS(200); /* RFC 9293 3.8.6.3 (MUST-40): under 0.5 s; 200 ms typical */
    p->quickacks = 0;             /* no quick-ack mode in the RFCs */

    /* RFC 5681 3.1: IW = min(4*SMSS, max(2*SMSS, 4380)) = 4380 for SMSS 1460,
     * i.e. 3 segments. */
    p->initial_cwnd_segments = 3;
    p->congestion_control = TCP_CC_NEWRENO; /* RFC 5681 with RFC 6582 */
    p->hystart = false;                     /* RFC 9438 4.10: optional (and HyStart++) */
    p->persist_min = SIM_S(1);  /* RFC 9293 3.8.6.1: probe after one RTO (initial 1 s) */
    p->persist_max = SIM_S(60); /* same cap as the RTO (RFC 6298 (2.5)) */

    p->tw_reuse = false;
    p->max_tw_buckets = 0; /* unlimited */
    /* Same as Linux so ephemeral ports agree between profiles (RFC 6056
     * allows any range; RFC 6335 8.1.2 suggests 49152-65535). */
    p->port_range_lo = 32768;
    p->port_range_hi = 60999;

    p->somaxconn = 4096;
    p->max_syn_backlog = 4096;
    p->syncookies = 0; /* RFC 4987 3.6: a mitigation, not protocol */
    p->abort_on_overflow = false;
}

/* The RFC side of each rule where Linux differs (README "Where Linux
 * differs"); checklist IDs from rfc9293-checklist.md. */
static void tcp_rules_rfc9293(struct tcp_params *p)
{
    p->rcv_window = TCP_RCV_WINDOW_RFC9293;       /* RFC 9293 3.8.6.2.2 SWS avoidance */
    p->rst_ack_on_abort = false;                  /* RFC 9293 3.10.5: <SEQ=SND.NXT><CTL=RST> */
    p->syn_recv_rst_econnreset = false;           /* 3.10.7.4 (R-SYNRCVD-12): "refused" */
    p->close_wait_rst_epipe = false;              /* 3.10.7.4: "connection reset" (R-CW-07) */
    p->time_wait_rst_challenge_ack = true;        /* RFC 5961 3.2 in every synchronized state */
    p->time_wait_old_syn_acked = false;           /* RFC 6191 2 A.4/B.3 (R-6191-05): dropped */
    p->syn_recv_dup_syn_resends_synack = false;   /* 3.10.7.4 first check: ACK-reply (R-SEQ-05) */
    p->syn_recv_syn_sends_rst = false;            /* 3.10.7.4 fourth check: back to LISTEN */
    p->syn_recv_simopen_synack_completes = false; /* an old SEQ: unacceptable, ACK-reply */
    p->synfin_to_listener_dropped = false;        /* 3.10.7.2: SYN processed, FIN queued */
    p->fin_at_zero_window = false;                /* 3.10.7.4 Table 6 (R-SEQ-03) */
    p->window_edge_drop = false;                  /* 3.10.7.4: trim to the window (R-SEQ-06) */
    p->persist_probe_zero_length = false;         /* 3.8.6.1: one octet of new data */
    p->persist_rearm_on_ack = false;              /* RFC 6298 backoff from the probe */
    p->persist_timeout_from_first_probe = false;  /* RFC 1122 4.2.2.17: never while answered */
    p->delack_one_mss = false;                    /* 3.8.6.3 (SHLD-19): every 2nd segment */
    p->delack_pingpong = false;                   /* no interactive mode in the RFCs */
    p->keepalive_rst_on_timeout = false;          /* RFC 1122 4.2.3.6: just drop */
    p->syn_sent_bad_ack_resends_syn = false;      /* 3.10.7.3: RST, then the SYN timer */
    p->linger_expiry_ewouldblock = true;          /* BSD (4.4BSD soclose): EWOULDBLOCK */
    p->retries_time_based = false;                /* 3.8.3: R1/R2 count retransmissions */
    p->syn_r1_on_second_timeout = false;          /* 3.8.3 (b): R1 for SYNs as for data */
    p->syn_recv_close_fin_wait1 = false;          /* 3.10.4 (R-SYNRCVD-05): wait for ESTAB */
    p->listen_close_resets_children = false;      /* R-LISTEN-06: deleted silently */
    p->orphan_rst_reply = false;   /* 3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST> (RFC 1122 4.2.2.13) */
    p->rst_window = false;         /* 3.10.5: a RST's window means nothing; 0 */
    p->shut_rd_keeps_data = false; /* no SHUT_RD in RFC 9293: the BSD one (sorflush) */
    p->tw_ack_all = false;         /* 3.10.7.4: text in TIME-WAIT ignored, FIN re-ACKed */
    p->tlp_in_syn_recv = false;    /* 3.10.4: SYN-RECEIVED's timer resends the SYN,ACK only */
    p->delack_ato = false;         /* RFC 1122 4.2.3.2: one delay, delack_time (< 0.5 s) */
    p->syn_sent_close_econnreset = false; /* 3.10.4 (R-SYNSENT-04): "error: closing" */
}

static void tcp_params_linux(struct tcp_params *p)
{
    p->mss = 1460;            /* Ethernet MTU 1500 */
    p->sndbuf = 262144;       /* tcp_wmem starts at 16384 and autotunes; a settled value */
    p->rcvbuf = 131072;       /* tcp_rmem[1] 131072: half of it is window (scaling_ratio) */
    p->rcvbuf_max = 6291456;  /* tcp_rmem[2] 6 MB: autotuning's ceiling */
    p->window_scaling = true; /* tcp_window_scaling = 1 */
    p->timestamps = true;     /* tcp_timestamps = 1 */
    p->sack = true;           /* tcp_sack = 1 */
    p->dsack = true;          /* tcp_dsack = 1 */
    p->nodelay = false;       /* Nagle on unless TCP_NODELAY */

    p->rto_initial = SIM_S(1);        /* TCP_TIMEOUT_INIT (RFC 6298) */
    p->rto_min = SIM_MS(200);         /* TCP_RTO_MIN */
    p->rto_max = SIM_S(120);          /* TCP_RTO_MAX */
    p->clock_granularity = SIM_MS(1); /* one jiffy at HZ=1000 */
    p->tlp = true;                    /* tcp_early_retrans = 3: TLP on (RFC 8985 7) */
    p->rack = true;                   /* tcp_recovery = 1: RACK loss detection */
    p->rto_min_floors_rttvar = true;  /* tcp_rtt_estimator: rttvar >= tcp_rto_min */
    /* Timers on jiffies and the timer wheel (kernel/time/timer.c) at HZ=250,
     * the common distribution kernel; the phase puts the wheel's bucket
     * edges where the recorded captures had them (README, timer granularity). */
    p->timer_granularity = TCP_TIMER_WHEEL;
    p->hz = 250;
    p->jiffies_phase = 267;

    p->syn_retries = 6;         /* tcp_syn_retries */
    p->syn_linear_timeouts = 4; /* tcp_syn_linear_timeouts */
    p->synack_retries = 5;      /* tcp_synack_retries */
    p->retries1 = 3;            /* tcp_retries1 */
    p->retries2 = 15;           /* tcp_retries2 */
    p->orphan_retries = 0;      /* tcp_orphan_retries (0 means 8) */
    p->user_timeout = 0;        /* TCP_USER_TIMEOUT unset: R2 (retries2) alone governs */

    p->msl = SIM_S(30);            /* no MSL knob; half of TCP_TIMEWAIT_LEN */
    p->time_wait = SIM_S(60);      /* TCP_TIMEWAIT_LEN, fixed */
    p->fin_timeout = SIM_S(60);    /* tcp_fin_timeout (TCP_FIN_TIMEOUT) */
    p->rst_on_close_unread = true; /* tcp_close(): unread data -> RST */
    p->rfc1337 = false;            /* tcp_rfc1337 = 0 */

    p->challenge_ack = true;                 /* RFC 5961, always on */
    p->challenge_ack_interval = SIM_MS(500); /* tcp_invalid_ratelimit */
    p->oow_ack_interval = SIM_MS(500);       /* tcp_oow_rate_limited: tcp_invalid_ratelimit */

    p->keepalive = false;            /* SO_KEEPALIVE off */
    p->keepalive_time = SIM_S(7200); /* tcp_keepalive_time */
    p->keepalive_intvl = SIM_S(75);  /* tcp_keepalive_intvl */
    p->keepalive_probes = 9;         /* tcp_keepalive_probes */

    p->delayed_ack = true;
    p->delack_time = SIM_MS(40); /* TCP_DELACK_MIN */
    p->quickacks = 16;           /* TCP_MAX_QUICKACKS */

    p->initial_cwnd_segments = 10;        /* TCP_INIT_CWND (RFC 6928) */
    p->congestion_control = TCP_CC_CUBIC; /* tcp_congestion_control = cubic (since 2.6.19) */
    p->hystart = true;                    /* tcp_cubic module parameter hystart = 1 */
    p->persist_min = SIM_MS(200);         /* TCP_RTO_MIN */
    p->persist_max = SIM_S(120);          /* TCP_RTO_MAX */

    p->tw_reuse = false;        /* tcp_tw_reuse = 2 (loopback only): off here */
    p->max_tw_buckets = 262144; /* tcp_max_tw_buckets */
    p->port_range_lo = 32768;   /* ip_local_port_range */
    p->port_range_hi = 60999;

    p->somaxconn = 4096;          /* net.core.somaxconn */
    p->max_syn_backlog = 1024;    /* tcp_max_syn_backlog (memory-scaled, at least 128) */
    p->syncookies = 1;            /* tcp_syncookies = 1: only when the queue overflows */
    p->abort_on_overflow = false; /* tcp_abort_on_overflow = 0 */
}

/* Linux 6.18's side of each rule, with the function that does it. */
static void tcp_rules_linux(struct tcp_params *p)
{
    p->rcv_window = TCP_RCV_WINDOW_LINUX;        /* tcp_select_window, tcp_rcv_space_adjust */
    p->rst_ack_on_abort = true;                  /* tcp_send_active_reset: RST,ACK */
    p->syn_recv_rst_econnreset = true;           /* tcp_reset: ECONNRESET unless SYN_SENT */
    p->close_wait_rst_epipe = true;              /* tcp_reset: EPIPE in CLOSE_WAIT */
    p->time_wait_rst_challenge_ack = false;      /* tcp_timewait_state_process: no challenge */
    p->time_wait_old_syn_acked = true;           /* tcp_timewait_state_process: TCP_TW_ACK */
    p->syn_recv_dup_syn_resends_synack = true;   /* tcp_check_req: inet_rtx_syn_ack */
    p->syn_recv_syn_sends_rst = true;            /* tcp_check_req: RFC 793 reset, RST,ACK */
    p->syn_recv_simopen_synack_completes = true; /* tcp_rcv_state_process (R-SYNRCVD-15) */
    p->synfin_to_listener_dropped = true;        /* tcp_rcv_state_process: SYN+FIN discarded */
    p->fin_at_zero_window = true;                /* tcp_sequence accepts it (R-SEQ-03) */
    /* tcp_sequence (6.x): a segment ending past the right edge is dropped
     * whole and ACKed, unless the receive queue is empty: then accepted
     * whole (tcp_data_queue), however far past the window it ends */
    p->window_edge_drop = true;
    p->persist_probe_zero_length = true;        /* tcp_xmit_probe_skb: SND.UNA - 1 */
    p->persist_rearm_on_ack = true;             /* tcp_ack_probe */
    p->persist_timeout_from_first_probe = true; /* tcp_probe_timer: icsk_probes_tstamp */
    p->delack_one_mss = true;                   /* __tcp_ack_snd_check: > rcv_mss */
    p->delack_pingpong = true;                  /* tcp_event_data_sent: inet_csk_enter_pingpong */
    p->keepalive_rst_on_timeout = true;         /* tcp_keepalive_timer: tcp_send_active_reset */
    p->syn_sent_bad_ack_resends_syn = true;     /* tcp_rcv_synsent_state_process (R-SYNSENT-07) */
    p->linger_expiry_ewouldblock = false;       /* tcp_close: returns 0, the socket orphaned */
    p->retries_time_based = true;               /* tcp_write_timeout: retransmits_timed_out */
    p->syn_r1_on_second_timeout = true;         /* tcp_write_timeout: SYN_SENT advice */
    p->syn_recv_close_fin_wait1 = true;         /* tcp_close_state: FIN_WAIT1 at once */
    p->listen_close_resets_children = true;     /* inet_csk_listen_stop: RST,ACK */
    p->orphan_rst_reply = true;   /* tcp_rcv_state_process returns 1: tcp_v4_send_reset */
    p->rst_window = true;         /* tcp_send_active_reset goes through tcp_transmit_skb */
    p->shut_rd_keeps_data = true; /* tcp_shutdown: RCV_SHUTDOWN only; tcp_recvmsg returns 0 */
    p->tw_ack_all = true;         /* tcp_timewait_state_process: TCP_TW_ACK, reschedule */
    p->tlp_in_syn_recv = true;    /* tcp_schedule_loss_probe tests no state */
    p->delack_ato = true;         /* tcp_event_data_recv, tcp_send_delayed_ack, tcp_delack_timer */
    p->syn_sent_close_econnreset = true; /* inet_shutdown -> tcp_disconnect: sk_err */
}

void tcp_params_defaults(struct tcp_params *params, enum tcp_profile profile)
{
    memset(params, 0, sizeof *params);
    params->profile = profile;
    if (profile == TCP_PROFILE_LINUX) {
        tcp_params_linux(params);
        tcp_rules_linux(params);
    } else {
        tcp_params_rfc9293(params);
        tcp_rules_rfc9293(params);
    }
}

const char *tcp_profile_name(enum tcp_profile profile)
{
    return profile == TCP_PROFILE_LINUX ? "linux" : "rfc9293";
}

int tcp_profile_from_name(const char *name)
{
    if (strcmp(name, "rfc9293") == 0 || strcmp(name, "rfc") == 0)
        return TCP_PROFILE_RFC9293;
    if (strcmp(name, "linux") == 0)
        return TCP_PROFILE_LINUX;
    return -1;
}

sim_time_t tcp_params_time_wait(const struct tcp_params *params)
{
    return params->time_wait ? params->time_wait : 2 * params->msl;
}

const char *tcp_cc_algo_name(enum tcp_cc_algo algo)
{
    return algo == TCP_CC_CUBIC ? "cubic" : "newreno";
}

int tcp_cc_algo_from_name(const char *name)
{
    if (strcmp(name, "newreno") == 0 || strcmp(name, "reno") == 0)
        return TCP_CC_NEWRENO;
    if (strcmp(name, "cubic") == 0)
        return TCP_CC_CUBIC;
    return -1;
}

static const char *const timer_gran_names[] = {"exact", "jiffies", "wheel"};

const char *tcp_timer_gran_name(enum tcp_timer_gran gran)
{
    return (unsigned)gran < 3 ? timer_gran_names[gran] : "exact";
}

int tcp_timer_gran_from_name(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, timer_gran_names[i]) == 0)
            return i;
    return -1;
}

const char *tcp_rcv_window_model_name(enum tcp_rcv_window_model model)
{
    return model == TCP_RCV_WINDOW_LINUX ? "linux" : "rfc9293";
}

int tcp_rcv_window_model_from_name(const char *name)
{
    if (strcmp(name, "rfc9293") == 0)
        return TCP_RCV_WINDOW_RFC9293;
    if (strcmp(name, "linux") == 0)
        return TCP_RCV_WINDOW_LINUX;
    return -1;
}
