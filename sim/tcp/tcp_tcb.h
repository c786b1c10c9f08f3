/* The transmission control block (RFC 9293 3.3.1, variables named as there)
 * and its life cycle (tcp_tcb.c): creation, the state's one writer, tracing,
 * deferred notifications to the application, and its place in the host's
 * table (tcp_host.c). */
#ifndef TCPSIM_TCP_TCB_H
#define TCPSIM_TCP_TCB_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp_cc.h"
#include "tcp_timer.h"
#include "tcpsim/engine.h"
#include "tcpsim/host.h"
#include "tcpsim/segment.h"
#include "tcpsim/tcp_params.h"
#include "tcpsim/tcp_state.h"
#include "tcpsim/trace.h"

struct tcp_scoreboard;
struct tcp_tw;

/* Application callbacks are deferred to their own event (as ns-3 does), so
 * an application reacting to one never runs inside segment processing. */
enum tcb_notify {
    NOTIFY_CONNECTED = 1,
    NOTIFY_ACCEPTED = 2,
    NOTIFY_READABLE = 4,
    NOTIFY_FAILED = 8,
    NOTIFY_CLOSE_DONE = 16,
};

/* One out-of-order range held for reassembly (RFC 9293 3.10.7.4 SHLD-31). */
struct ooo_range {
    tcp_seq start;
    tcp_seq end;       /* exclusive; includes the FIN when fin is set */
    uint64_t data_off; /* sender's stream offset of `start` */
    uint32_t stamp;    /* arrival order of its newest segment (SACK block order) */
    bool fin;
};
#define TCB_MAX_OOO 16

/* rtx_mode: enum tcp_rtx_mode, aux: enum tcb_aux_timer (tcp_timer.h). */
struct tcb {
    struct host *host;
    struct tcb *parent;   /* listener that created this child (until accepted) */
    struct tcb *all_prev; /* every TCB of the host, for teardown */
    struct tcb *all_next;
    void *user; /* the application's pointer */
    uint32_t id;
    enum tcp_state state; /* written only by tcp_set_state (tcp_tcb.c) */
    uint32_t remote_addr;
    uint16_t local_port;
    uint16_t remote_port;

    /* Flags, one bit each, grouped by concern (anonymous, so they read as
     * tcb->orphan; C11 6.7.2.1). */
    struct {                      /* the socket: what the application asked for and awaits */
        bool orphan : 1;          /* the application closed it; no one reads */
        bool accepted : 1;        /* handed to the application */
        bool rd_shut : 1;         /* shutdown(SHUT_RD) */
        bool wr_shut : 1;         /* CLOSE/shutdown(SHUT_WR) asked: FIN follows the data */
        bool connect_pending : 1; /* app waits in connect() */
        bool close_pending : 1;   /* app waits in close() (SO_LINGER N) */
        bool linger_on : 1;
        bool keepalive_on : 1;
        bool nodelay : 1;
        bool reuseaddr : 1;     /* SO_REUSEADDR (inherited by accepted children) */
        bool rcvbuf_locked : 1; /* SO_RCVBUF was set: no autotuning */
        bool no_accept : 1;     /* listener: the application does not call accept() */
    };
    struct {                    /* the connection: how it opened, what was negotiated, FINs */
        bool passive : 1;       /* opened from LISTEN (RFC 9293 3.10.7.4, MUST-11) */
        bool dest_counted : 1;  /* counted in its host's host_dest (ports in use) */
        bool syn_acked : 1;     /* our SYN is acknowledged: SND.UNA is past ISS */
        bool syn_timed_out : 1; /* RFC 6298 (5.7) */
        bool ts_ok : 1;         /* both sides sent the timestamps option */
        bool ws_ok : 1;         /* both sides sent the window scale option */
        bool sack_ok : 1;
        bool fin_sent : 1; /* our FIN has been sent at least once */
        bool fin_rcvd : 1; /* peer's FIN processed (EOF after queued data) */
    };
    struct {                  /* the sender: RTT timing, recovery, probes, timeouts */
        bool rtt_timing : 1;  /* an RTT sample is being taken (Karn) */
        bool in_recovery : 1; /* NewReno fast recovery (RFC 6582) */
        bool tlp_active : 1;  /* a tail loss probe is outstanding (Linux tlp_high_seq != 0) */
        bool tlp_retrans : 1; /* ... and it resent the last segment */
        bool persisting : 1;  /* the persist timer has fired since the window closed */
        bool r1_noted : 1;    /* R1 (RFC 9293 3.8.3) reported for the current segment */
    };
    struct {                      /* the receiver (tcp_delack.c) and the listener (tcp_listen.c) */
        bool pingpong : 1;        /* Linux interactive mode: ACKs wait for a reply */
        bool delack_started : 1;  /* data has been received (quick-ack initialised) */
        bool synflood_warned : 1; /* "Possible SYN flooding" logged once */
        bool cookie_sent : 1;     /* a SYN cookie went out, at last_cookie_at */
        bool dsack_pending : 1;   /* the next ACK reports [dsack_start, dsack_end) (RFC 2883) */
    };
    uint8_t snd_wscale; /* shift applied to windows we receive */
    uint8_t rcv_wscale; /* shift applied to windows we send */
    uint8_t aux;        /* enum tcb_aux_timer */
    uint8_t rtx_mode;   /* enum tcp_rtx_mode: what rtx_timer times (tcp_timer.c) */
    uint8_t dupacks;
    uint8_t ka_probes;      /* keep-alive probes sent without an answer */
    uint8_t probes_out;     /* zero-window probes sent without an ACK since */
    uint8_t quickacks;      /* Linux quick-ack mode: ACKs still sent at once */
    uint8_t syncnt;         /* TCP_SYNCNT; 0 = tcp_syn_retries */
    uint8_t notify_pending; /* enum tcb_notify bits */
    uint8_t ooo_count;      /* out-of-order ranges held in `ooo` */
    int so_error;           /* pending error for the application (enum ts_err) */

    /* Send sequence space, RFC 9293 3.3.1 */
    tcp_seq iss;
    tcp_seq snd_una;
    tcp_seq snd_nxt;
    tcp_seq snd_max; /* highest sequence sent (SND.NXT before a rewind) */
    tcp_seq snd_wl1;
    tcp_seq snd_wl2;
    uint32_t snd_wnd;
    uint32_t max_snd_wnd;
    uint32_t sndbuf;
    uint64_t snd_una_off; /* stream offset of the first unacknowledged data octet */
    uint64_t snd_written; /* octets the application has written in total */

    /* Receive sequence space */
    tcp_seq irs;
    tcp_seq rcv_nxt;
    tcp_seq rcv_adv;           /* right edge we advertised: never moves left */
    uint32_t rcv_unacked;      /* in-order octets received since our last ACK */
    uint64_t rcv_off;          /* stream offset expected at RCV.NXT */
    uint64_t rcv_queued;       /* in-order octets not yet read */
    uint64_t rcv_total;        /* in-order octets received */
    uint64_t rcv_bad;          /* octets whose offset did not match (must stay 0) */
    sim_time_t last_data_rcvd; /* Linux icsk_ack.lrcvtime */
    sim_time_t ato;            /* Linux icsk_ack.ato: the delayed-ACK timeout (delack_ato) */
    tcp_seq dsack_start;       /* RFC 2883 duplicate range to report (dsack_pending) */
    tcp_seq dsack_end;
    uint32_t rcvbuf;
    uint32_t ts_recent;
    /* Linux receive window (tcp_rcvwnd.c, rcv_window: linux only) */
    uint32_t rcv_ssthresh; /* the window may not grow past this (tcp_grow_window) */
    uint32_t window_clamp; /* nor past this (tcp_init_buffer_space); 0 = no SYN yet */
    uint32_t rcv_mss;      /* the peer's segment size as seen (icsk_ack.rcv_mss); 0 = none yet */
    uint32_t rcvq_space;   /* octets read in the last RTT (tcp_rcv_space_adjust) */
    uint64_t rcvq_seq;     /* rcv_read when that RTT started */
    sim_time_t rcvq_time;
    uint64_t rcv_read; /* octets the application has read (copied_seq) */

    /* Peer's MSS and ours: effective send MSS */
    uint32_t mss;

    /* Retransmission timer, RFC 6298 */
    sim_time_t srtt;   /* 0 = no sample yet */
    sim_time_t rttvar; /* RFC 6298 RTTVAR (Linux: mdev_us / 4) */
    sim_time_t rto;
    /* Linux tcp_rtt_estimator (rto_min_floors_rttvar): rttvar_us, the
     * variance term of the RTO, never below rto_min; mdev_max_us, this
     * round trip's largest mdev; var_seq, SND.NXT when that round began. */
    uint32_t lx_rttvar_us;
    uint32_t lx_mdev_max_us;
    tcp_seq lx_var_seq;
    sim_time_t rtt_start;
    tcp_seq rtt_seq;
    uint32_t retransmits;       /* consecutive timeouts of the current segment */
    sim_time_t first_rexmit_at; /* for TCP_USER_TIMEOUT */
    sim_time_t persist_since;   /* first persist expiry (Linux icsk_probes_tstamp) */
    sim_time_t last_challenge_ack;

    /* Tail loss probe, RFC 8985 7 (tcp_tlp.c) */
    sim_time_t tlp_rto_due; /* the RTO's deadline while rtx_timer holds the PTO */
    tcp_seq tlp_high_seq;   /* TLP.end_seq: SND.NXT when the probe went */

    /* Congestion control, RFC 5681 / RFC 6582 */
    uint32_t cwnd;
    uint32_t ssthresh;
    tcp_seq recover;
    uint32_t bytes_acked;        /* congestion-avoidance accumulator */
    const struct tcp_cc_ops *cc; /* newreno or cubic, from tcp_params */
    struct tcp_cubic cubic;
    uint64_t cc_traced; /* hash of the values in the last cc event (0 = none) */

    /* Options per socket */
    sim_time_t linger_time;
    sim_time_t ka_time;
    sim_time_t ka_intvl;
    uint32_t ka_probes_max;
    sim_time_t user_timeout;
    sim_time_t last_rcv_time; /* keep-alive idle reference */

    /* Timers, embedded: arming never allocates */
    struct sim_timer rtx_timer; /* retransmission, SYN, persist, TLP: see rtx_mode */
    struct sim_timer delack_timer;
    struct sim_timer aux_timer;    /* keepalive / fin-wait-2 / time-wait */
    struct sim_timer linger_timer; /* SO_LINGER close deadline */
    struct sim_timer notify_timer; /* defers application callbacks */
#define TCB_TIMER_COUNT 5          /* the timers above: heap slots reserved by tcb_new */
    int notify_err;

    /* Reassembly */
    struct ooo_range *ooo;
    uint32_t ooo_stamp; /* last stamp given to an out-of-order arrival */

    /* SACK scoreboard (RFC 6675), allocated at the first SACK block and
     * freed once nothing above SND.UNA is SACKed and recovery is over. */
    struct tcp_scoreboard *sb;

    /* TIME_WAIT: the compact record that took over the connection while the
     * application still holds this socket (a "husk": no timers, not in the
     * demultiplexing table). */
    struct tcp_tw *tw;

    /* Listener (tcp_listen.c) */
    uint32_t backlog;          /* listen() backlog; 0 = somaxconn */
    uint32_t syn_queue;        /* children in SYN_RECV */
    uint32_t syn_young;        /* ... of which never retransmitted their SYN,ACK */
    uint32_t accept_queue;     /* established children not yet accepted */
    sim_time_t last_cookie_at; /* Linux tcp_synq_overflow's timestamp */
};

/* Stream offset of the data octet at sequence number `seq` (our SYN, while
 * unacknowledged, occupies the sequence number before the first octet). */
static inline uint64_t tcb_seq_to_off(const struct tcb *tcb, tcp_seq seq)
{
    return tcb->snd_una_off + (uint32_t)(seq - tcb->snd_una) - (tcb->syn_acked ? 0 : 1);
}

/* tcp_tcb.c */
struct tcb *tcb_new(struct host *host);
void tcb_free(struct tcb *tcb);
/* The one place a state is written: checks the transition against RFC 9293
 * Figure 5 (debug builds abort on an impossible one), updates the host's
 * per-state counts and emits the trace event. */
void tcp_set_state(struct tcb *tcb, enum tcp_state to);
/* The untraced changes, each where the connection goes on elsewhere: a
 * child born from its listener (LISTEN, counted), an embryonic child
 * vanishing (CLOSED, counted), a TCB whose TIME_WAIT record took over
 * (CLOSED, HANDOVER: the count passes to the record). */
enum tcp_state_how { TCP_STATE_TRACED, TCP_STATE_COUNTED, TCP_STATE_HANDOVER };
void tcp_set_state_untraced(struct tcb *tcb, enum tcp_state to, enum tcp_state_how how);
bool tcp_transition_allowed(enum tcp_state from, enum tcp_state to);
/* Enters CLOSED and releases the TCB (after telling the application). */
void tcp_close_tcb(struct tcb *tcb);
/* A passive SYN-RECEIVED connection goes back to LISTEN (RFC 9293 Figure 5
 * note 1): traced as SYN_RECV -> LISTEN, then the embryonic TCB vanishes
 * (its listener, which never left LISTEN, carries on). */
void tcp_return_to_listen(struct tcb *tcb);
/* Reports `err` to the application and deletes the TCB. */
void tcp_drop(struct tcb *tcb, int err);
sim_time_t tcp_now(const struct tcb *tcb);
const struct tcp_params *tcb_params(const struct tcb *tcb);
void tcp_trace_timer(struct tcb *tcb, enum trace_timer_kind timer, enum trace_timer_action action,
                     sim_time_t expires);
void tcp_trace_note(struct tcb *tcb, const char *text);
/* The same events for a connection known by host and id only (TIME_WAIT). */
void tcp_trace_conn_timer(struct host *host, uint32_t conn, enum trace_timer_kind timer,
                          enum trace_timer_action action, sim_time_t expires);
void tcp_trace_conn_note(struct host *host, uint32_t conn, const char *text);
void tcp_trace_conn_state(struct host *host, uint32_t conn, enum tcp_state from, enum tcp_state to);
void tcp_trace_app(struct tcb *tcb, const char *call, int ret, int64_t value);
void tcp_trace_cc(struct tcb *tcb);
tcp_seq tcp_new_isn(struct host *host);

/* Application notification helpers (tcp_tcb.c) */
void tcp_notify_connected(struct tcb *tcb, int err);
void tcp_notify_readable(struct tcb *tcb);
void tcp_notify_failed(struct tcb *tcb, int err);
void tcp_notify_accepted(struct tcb *child);
void tcp_notify_close_done(struct tcb *tcb, int err);

/* tcp_host.c: a socket enters and leaves its host's demultiplexing table
 * (sim/net/host.c) under its 4-tuple. */
int host_insert_conn(struct host *host, struct tcb *tcb);
int host_insert_tw(struct host *host, struct tcp_tw *tw);
void host_remove_tw(struct host *host, struct tcp_tw *tw);
void host_remove_conn(struct host *host, struct tcb *tcb);
/* An active connection's port joins its destination's count. */
void tcp_count_port(struct host *host, struct tcb *tcb);
/* bind() conflict for a listener on `port` (Linux inet_csk_bind_conflict). */
bool host_port_in_use(struct host *host, uint16_t port, bool reuseaddr);

#endif
