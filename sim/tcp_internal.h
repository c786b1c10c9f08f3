/* The transmission control block and the functions the tcp_*.c files share.
 * Read RFC 9293 section 3.3.1 for the variables (named as there), RFC 6298 for
 * the retransmission timer and RFC 5681/6582 for congestion control. */
#ifndef TCPSIM_TCP_INTERNAL_H
#define TCPSIM_TCP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpsim/engine.h"
#include "tcpsim/host.h"
#include "tcpsim/segment.h"
#include "tcpsim/tcp_params.h"
#include "tcpsim/tcp_state.h"
#include "tcpsim/trace.h"

/* What the multi-purpose timer is doing (only one of these at a time). */
enum tcb_aux_timer {
    AUX_NONE,
    AUX_KEEPALIVE, /* RFC 1122 4.2.3.6 idle/probe interval */
    AUX_FINWAIT2,  /* Linux tcp_fin_timeout for orphaned FIN_WAIT2 */
    AUX_TIMEWAIT,  /* 2MSL, RFC 9293 3.10.8 */
};

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
    bool fin;
};
#define TCB_MAX_OOO 16

struct tcb {
    struct host *host;
    struct tcb *parent;    /* listener that created this child (until accepted) */
    struct tcb *all_prev;  /* every TCB of the host, for teardown */
    struct tcb *all_next;
    void *user;            /* the application's pointer */
    uint32_t id;
    uint32_t remote_addr;
    uint16_t local_port;
    uint16_t remote_port;
    uint8_t state;         /* enum tcp_state; written only by tcp_set_state */

    /* flags */
    bool passive;          /* opened from LISTEN (RFC 9293 3.10.7.4, MUST-11) */
    bool orphan;           /* the application closed it; no one reads */
    bool rd_shut;          /* shutdown(SHUT_RD) */
    bool wr_shut;          /* CLOSE/shutdown(SHUT_WR) asked: FIN follows the data */
    bool fin_sent;         /* our FIN has been sent at least once */
    bool fin_rcvd;         /* peer's FIN processed (EOF after queued data) */
    bool accepted;         /* handed to the application */
    bool connect_pending;  /* app waits in connect() */
    bool close_pending;    /* app waits in close() (SO_LINGER N) */
    bool linger_on;
    bool keepalive_on;
    bool nodelay;
    bool reuseaddr;        /* SO_REUSEADDR (inherited by accepted children) */
    bool dest_counted;     /* counted in its host's host_dest (ports in use) */
    bool ts_ok;            /* both sides sent the timestamps option */
    bool sack_ok;
    bool rtt_timing;       /* an RTT sample is being taken (Karn) */
    bool in_recovery;      /* NewReno fast recovery (RFC 6582) */
    bool syn_timed_out;    /* RFC 6298 (5.7) */
    bool syn_acked;        /* our SYN is acknowledged: SND.UNA is past ISS */
    uint8_t snd_wscale;    /* shift applied to windows we receive */
    uint8_t rcv_wscale;    /* shift applied to windows we send */
    uint8_t aux;           /* enum tcb_aux_timer */
    uint8_t dupacks;
    uint8_t ka_probes;     /* keep-alive probes sent without an answer */
    uint8_t unacked_segs;  /* in-order segments received since our last ACK */
    int so_error;          /* pending error for the application (enum ts_err) */

    /* Send sequence space, RFC 9293 3.3.1 */
    tcp_seq iss;
    tcp_seq snd_una;
    tcp_seq snd_nxt;
    tcp_seq snd_max;       /* highest sequence sent (SND.NXT before a rewind) */
    tcp_seq snd_wl1;
    tcp_seq snd_wl2;
    uint32_t snd_wnd;
    uint32_t max_snd_wnd;
    uint64_t snd_una_off;  /* stream offset of the first unacknowledged data octet */
    uint64_t snd_written;  /* octets the application has written in total */
    uint32_t sndbuf;

    /* Receive sequence space */
    tcp_seq irs;
    tcp_seq rcv_nxt;
    tcp_seq rcv_adv;       /* right edge we advertised: never moves left */
    uint64_t rcv_off;      /* stream offset expected at RCV.NXT */
    uint64_t rcv_queued;   /* in-order octets not yet read */
    uint64_t rcv_total;    /* in-order octets received */
    uint64_t rcv_bad;      /* octets whose offset did not match (must stay 0) */
    uint32_t rcvbuf;
    uint32_t ts_recent;

    /* Peer's MSS and ours: effective send MSS */
    uint32_t mss;

    /* Retransmission timer, RFC 6298 */
    sim_time_t srtt;       /* 0 = no sample yet */
    sim_time_t rttvar;
    sim_time_t rto;
    sim_time_t rtt_start;
    tcp_seq rtt_seq;
    uint32_t retransmits;  /* consecutive timeouts of the current segment */
    sim_time_t first_rexmit_at; /* for TCP_USER_TIMEOUT */
    sim_time_t last_challenge_ack;

    /* Congestion control, RFC 5681 / RFC 6582 */
    uint32_t cwnd;
    uint32_t ssthresh;
    tcp_seq recover;
    uint32_t bytes_acked;  /* congestion-avoidance accumulator */

    /* Options per socket */
    sim_time_t linger_time;
    sim_time_t ka_time;
    sim_time_t ka_intvl;
    uint32_t ka_probes_max;
    sim_time_t user_timeout;
    sim_time_t last_rcv_time; /* keep-alive idle reference */

    /* Timers, embedded: arming never allocates */
    struct sim_timer rtx_timer;    /* retransmission, SYN, persist */
    struct sim_timer delack_timer;
    struct sim_timer aux_timer;    /* keepalive / fin-wait-2 / time-wait */
    struct sim_timer linger_timer; /* SO_LINGER close deadline */
    struct sim_timer notify_timer; /* defers application callbacks */
    bool rtx_is_persist;
    uint8_t notify_pending;        /* enum tcb_notify bits */
    int notify_err;

    /* Reassembly */
    struct ooo_range *ooo;
    uint8_t ooo_count;

    /* Listener */
    uint32_t backlog;
    uint32_t syn_queue;    /* children in SYN_RECV */
    uint32_t accept_queue; /* established children not yet accepted */
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
void tcp_trace_timer(struct tcb *tcb, enum trace_timer_kind timer,
                     enum trace_timer_action action, sim_time_t expires);
void tcp_trace_note(struct tcb *tcb, const char *text);
void tcp_trace_app(struct tcb *tcb, const char *call, int ret, int64_t value);
void tcp_trace_cc(struct tcb *tcb);
tcp_seq tcp_new_isn(struct host *host);

/* tcp_output.c */
void tcp_output(struct tcb *tcb);            /* send what windows allow */
void tcp_send_ack(struct tcb *tcb);          /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
void tcp_send_syn(struct tcb *tcb, uint32_t rexmit); /* SYN or SYN,ACK by state */
void tcp_send_rst(struct tcb *tcb);          /* <SEQ=SND.NXT><CTL=RST(,ACK)> for ABORT */
void tcp_send_keepalive(struct tcb *tcb);
void tcp_send_zero_window_probe(struct tcb *tcb);
void tcp_retransmit_first(struct tcb *tcb, uint32_t why);
uint32_t tcp_rcv_window(const struct tcb *tcb); /* what we may advertise, octets */
uint32_t tcp_flight_size(const struct tcb *tcb);
/* Reply to a segment without a matching TCB, RFC 9293 3.10.7.1. */
void tcp_reply_rst(struct host *host, const struct tcp_segment *seg);

/* tcp_input.c */
void tcp_input(struct tcb *tcb, const struct tcp_segment *seg);
void tcp_input_listen(struct tcb *listener, const struct tcp_segment *seg);

/* tcp_timer.c */
void tcp_timers_init(struct tcb *tcb);
void tcp_timers_cancel_all(struct tcb *tcb);
void tcp_arm_rexmit(struct tcb *tcb);        /* (re)start at the current RTO */
void tcp_stop_rexmit(struct tcb *tcb);
void tcp_arm_delack(struct tcb *tcb);
void tcp_stop_delack(struct tcb *tcb);
void tcp_arm_aux(struct tcb *tcb, enum tcb_aux_timer kind, sim_time_t after);
void tcp_stop_aux(struct tcb *tcb);
void tcp_arm_keepalive(struct tcb *tcb);     /* idle timer if SO_KEEPALIVE */
void tcp_enter_time_wait(struct tcb *tcb);
void tcp_arm_persist(struct tcb *tcb);

/* tcp_rto.c: RFC 6298 arithmetic, pure */
void tcp_rtt_sample(struct tcb *tcb, sim_time_t r);
sim_time_t tcp_rto_backoff(sim_time_t rto, uint32_t shifts, sim_time_t max);
/* The delay before SYN retransmission number `n` (1-based) under the profile. */
sim_time_t tcp_syn_rto(const struct tcp_params *params, sim_time_t rto, uint32_t n);

/* tcp_cc.c: NewReno */
void tcp_cc_init(struct tcb *tcb);
void tcp_cc_on_ack(struct tcb *tcb, uint32_t acked);
void tcp_cc_on_dupack(struct tcb *tcb);
void tcp_cc_on_timeout(struct tcb *tcb);

/* Application notification helpers (tcp_tcb.c) */
void tcp_notify_connected(struct tcb *tcb, int err);
void tcp_notify_readable(struct tcb *tcb);
void tcp_notify_failed(struct tcb *tcb, int err);
void tcp_notify_accepted(struct tcb *child);
void tcp_notify_close_done(struct tcb *tcb, int err);

/* host.c, for the TCP code */
int host_insert_conn(struct host *host, struct tcb *tcb);
void host_remove_conn(struct host *host, struct tcb *tcb);
void host_remove_listener(struct host *host, struct tcb *tcb);
int host_add_listener(struct host *host, struct tcb *tcb);
void host_destroy_all(struct host *host);
/* An ephemeral port for connect(); iss_set when it took over a TIME_WAIT
 * 4-tuple (tcp_tw_reuse) and the new ISS must be `iss`. */
struct host_port_pick {
    uint16_t port;
    bool iss_set;
    tcp_seq iss;
};
int host_pick_port(struct host *host, uint32_t remote_addr, uint16_t remote_port,
                   struct host_port_pick *pick);
/* An active connection's port joins / leaves its destination's count. */
void host_count_port(struct host *host, struct tcb *tcb);
/* bind() conflict for a listener on `port` (Linux inet_csk_bind_conflict). */
bool host_port_in_use(struct host *host, uint16_t port, bool reuseaddr);

#endif
