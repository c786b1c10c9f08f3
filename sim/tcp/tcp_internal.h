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

/* What the multi-purpose timer is doing (only one of these at a time;
 * TIME_WAIT's 2MSL runs on struct tcp_tw). */
enum tcb_aux_timer {
    AUX_NONE,
    AUX_KEEPALIVE, /* RFC 1122 4.2.3.6 idle/probe interval */
    AUX_FINWAIT2,  /* Linux tcp_fin_timeout for orphaned FIN_WAIT2 */
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
    uint32_t stamp;    /* arrival order of its newest segment (SACK block order) */
    bool fin;
};
#define TCB_MAX_OOO 16

/* A congestion control algorithm (Linux struct tcp_congestion_ops): the
 * loss recovery machinery of tcp_cc.c (fast retransmit, RFC 6582/6675
 * recovery, the RTO's loss window, slow start) is shared and asks the
 * algorithm only what differs. One const table per algorithm. */
struct tcp_cc_ops {
    const char *name;
    void (*init)(struct tcb *tcb); /* connection established */
    /* A congestion event (fast retransmit, first RTO): returns the new
     * ssthresh, cwnd still holding its value from before the loss. */
    uint32_t (*ssthresh)(struct tcb *tcb);
    /* New data ACKed outside recovery with cwnd >= ssthresh. */
    void (*cong_avoid)(struct tcb *tcb, uint32_t acked);
    void (*on_timeout)(struct tcb *tcb); /* after the RTO set cwnd to 1 SMSS */
    /* New data ACKed, before the growth above (Linux pkts_acked): `rtt`
     * is this ACK's RTT sample, or -1 when it has none. */
    void (*pkts_acked)(struct tcb *tcb, sim_time_t rtt);
};

/* Linux CUBIC's HyStart (struct bictcp's round and delay fields; Ha & Rhee
 * 2011), sim/tcp/tcp_hystart.c. Times in ns. */
struct tcp_hystart {
    sim_time_t round_start; /* when this round began */
    sim_time_t last_ack;    /* last ACK of the current close ACK train */
    sim_time_t curr_rtt;    /* minimum RTT of this round's first samples */
    sim_time_t delay_min;   /* minimum RTT seen (0 = none yet) */
    tcp_seq end_seq;        /* the round ends when SND.UNA passes this */
    uint8_t sample_cnt;     /* samples taken this round (up to 8) */
    bool found;             /* slow start exit point found */
};

/* CUBIC's state (RFC 9438 4.1 names). Windows in octets, times in ns. */
struct tcp_cubic {
    sim_time_t epoch_start; /* t_epoch: start of this CA stage; -1 = none yet */
    uint32_t k_ms;          /* K, milliseconds */
    uint32_t w_max;         /* W_max, octets */
    uint32_t cwnd_prior;    /* cwnd before the last reduction (4.3 alpha) */
    uint32_t w_est_frac;    /* W_est's fraction of an octet, in 1/1024 */
    uint32_t w_est;         /* W_est, octets */
    struct tcp_hystart hy;
};

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

    /* flags */
    bool passive;         /* opened from LISTEN (RFC 9293 3.10.7.4, MUST-11) */
    bool orphan;          /* the application closed it; no one reads */
    bool rd_shut;         /* shutdown(SHUT_RD) */
    bool wr_shut;         /* CLOSE/shutdown(SHUT_WR) asked: FIN follows the data */
    bool fin_sent;        /* our FIN has been sent at least once */
    bool fin_rcvd;        /* peer's FIN processed (EOF after queued data) */
    bool accepted;        /* handed to the application */
    bool connect_pending; /* app waits in connect() */
    bool close_pending;   /* app waits in close() (SO_LINGER N) */
    bool linger_on;
    bool keepalive_on;
    bool nodelay;
    bool reuseaddr;    /* SO_REUSEADDR (inherited by accepted children) */
    bool dest_counted; /* counted in its host's host_dest (ports in use) */
    bool ts_ok;        /* both sides sent the timestamps option */
    bool ws_ok;        /* both sides sent the window scale option */
    bool sack_ok;
    bool rtt_timing;    /* an RTT sample is being taken (Karn) */
    bool in_recovery;   /* NewReno fast recovery (RFC 6582) */
    bool syn_timed_out; /* RFC 6298 (5.7) */
    bool syn_acked;     /* our SYN is acknowledged: SND.UNA is past ISS */
    uint8_t snd_wscale; /* shift applied to windows we receive */
    uint8_t rcv_wscale; /* shift applied to windows we send */
    uint8_t aux;        /* enum tcb_aux_timer */
    uint8_t dupacks;
    uint8_t ka_probes;   /* keep-alive probes sent without an answer */
    uint8_t probes_out;  /* zero-window probes sent without an ACK since */
    uint8_t quickacks;   /* Linux quick-ack mode: ACKs still sent at once */
    bool pingpong;       /* Linux interactive mode: ACKs wait for a reply */
    bool delack_started; /* data has been received (quick-ack initialised) */
    bool persisting;     /* the persist timer has fired since the window closed */
    int so_error;        /* pending error for the application (enum ts_err) */

    /* Send sequence space, RFC 9293 3.3.1 */
    tcp_seq iss;
    tcp_seq snd_una;
    tcp_seq snd_nxt;
    tcp_seq snd_max; /* highest sequence sent (SND.NXT before a rewind) */
    tcp_seq snd_wl1;
    tcp_seq snd_wl2;
    uint32_t snd_wnd;
    uint32_t max_snd_wnd;
    uint64_t snd_una_off; /* stream offset of the first unacknowledged data octet */
    uint64_t snd_written; /* octets the application has written in total */
    uint32_t sndbuf;

    /* Receive sequence space */
    tcp_seq irs;
    tcp_seq rcv_nxt;
    tcp_seq rcv_adv;      /* right edge we advertised: never moves left */
    uint64_t rcv_off;     /* stream offset expected at RCV.NXT */
    uint64_t rcv_queued;  /* in-order octets not yet read */
    uint64_t rcv_total;   /* in-order octets received */
    uint64_t rcv_bad;     /* octets whose offset did not match (must stay 0) */
    uint32_t rcv_unacked; /* in-order octets received since our last ACK */
    sim_time_t last_data_rcvd;
    uint32_t rcvbuf;
    uint32_t ts_recent;
    /* Linux receive window (tcp_rcvwnd.c, rcv_window: linux only) */
    uint32_t rcv_ssthresh; /* the window may not grow past this (tcp_grow_window) */
    uint32_t window_clamp; /* nor past this (tcp_init_buffer_space); 0 = no SYN yet */
    uint32_t rcvq_space;   /* octets read in the last RTT (tcp_rcv_space_adjust) */
    uint64_t rcvq_seq;     /* rcv_read when that RTT started */
    sim_time_t rcvq_time;
    uint64_t rcv_read;  /* octets the application has read (copied_seq) */
    bool rcvbuf_locked; /* SO_RCVBUF was set: no autotuning */

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
    bool tlp_active;        /* a probe is outstanding (Linux tlp_high_seq != 0) */
    bool tlp_retrans;       /* ... and it resent the last segment */

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
    struct sim_timer rtx_timer; /* retransmission, SYN, persist */
    struct sim_timer delack_timer;
    struct sim_timer aux_timer;    /* keepalive / fin-wait-2 / time-wait */
    struct sim_timer linger_timer; /* SO_LINGER close deadline */
    struct sim_timer notify_timer; /* defers application callbacks */
#define TCB_TIMER_COUNT 5          /* the timers above: heap slots reserved by tcb_new */
    bool rtx_is_persist;
    bool rtx_is_tlp;        /* rtx_timer is the probe timeout (tcp_tlp.c) */
    bool r1_noted;          /* R1 (RFC 9293 3.8.3) reported for the current segment */
    uint8_t notify_pending; /* enum tcb_notify bits */
    int notify_err;

    /* Reassembly */
    struct ooo_range *ooo;
    uint8_t ooo_count;
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
    bool no_accept;            /* the application does not call accept() */
    bool synflood_warned;      /* "Possible SYN flooding" logged once */
    bool cookie_sent;          /* a SYN cookie went out, at last_cookie_at */
    sim_time_t last_cookie_at; /* Linux tcp_synq_overflow's timestamp */
};

/* TIME_WAIT as Linux keeps it (inet_timewait_sock): on entering TIME_WAIT
 * the connection moves into this record of what RFC 9293 3.10.7.4 still
 * needs (the sequence numbers to re-ACK a FIN, TS.Recent for RFC 6191 reuse),
 * and the TCB is freed, so tens of thousands of TIME_WAIT sockets cost about
 * 150 bytes each. */
struct tcp_tw {
    struct tcp_tw *q_prev; /* the host's expiry queue (host->tw_head) */
    struct tcp_tw *q_next;
    sim_time_t expires; /* 2MSL (RFC 9293 3.10.8 TIME-WAIT TIMEOUT) */
    struct host *host;
    struct tcb *husk; /* the application's socket, if it still holds one */
    sim_time_t last_challenge_ack;
    uint32_t id;
    uint32_t remote_addr;
    uint16_t local_port;
    uint16_t remote_port;
    tcp_seq snd_nxt;
    tcp_seq rcv_nxt;
    uint32_t rcv_wnd;     /* receive window (octets) at entry, re-advertised */
    uint32_t max_snd_wnd; /* RFC 5961 5.2 ACK acceptability */
    uint32_t ts_recent;
    sim_time_t ts_recent_stamp; /* when TS.Recent was last updated (tcp_tw_reuse) */
    uint8_t rcv_wscale;
    bool ts_ok;
    bool reuseaddr;    /* SO_REUSEADDR: no bind conflict with a new listener */
    bool dest_counted; /* counted in its destination's ports in use */
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

/* tcp_output.c */
void tcp_output(struct tcb *tcb);                    /* send what windows allow */
tcp_seq tcp_ctl_seq(const struct tcb *tcb);          /* SEQ of a segment without data */
void tcp_send_ack(struct tcb *tcb);                  /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
void tcp_send_syn(struct tcb *tcb, uint32_t rexmit); /* SYN or SYN,ACK by state */
void tcp_send_rst(struct tcb *tcb);                  /* <SEQ=SND.NXT><CTL=RST(,ACK)> for ABORT */
void tcp_send_keepalive(struct tcb *tcb);
void tcp_send_zero_window_probe(struct tcb *tcb);
bool tcp_sws_send_ok(uint32_t len, uint64_t unsent, uint32_t mss, uint32_t max_snd_wnd);
bool tcp_nagle_holds(const struct tcb *tcb, uint32_t len, uint32_t flight, bool fin);
/* One segment of what the window allows, past sender SWS and Nagle. */
bool tcp_output_forced(struct tcb *tcb);
void tcp_retransmit_first(struct tcb *tcb, uint32_t why);
/* Resends the highest segment sent (RFC 8985 7.3), with our FIN if it is last. */
void tcp_retransmit_last(struct tcb *tcb, uint32_t why);
/* RFC 6675 4.2 loss recovery transmissions: holes, then new data, while
 * cwnd - pipe >= 1 SMSS; `force` sends the first hole regardless (4.3). */
void tcp_sack_recovery_output(struct tcb *tcb, bool force);
/* Octets in the network by RFC 6675's pipe (FlightSize without SACKs). */
uint32_t tcp_pipe(const struct tcb *tcb);
uint32_t tcp_rcv_window(const struct tcb *tcb); /* what we may advertise, octets */
uint32_t tcp_flight_size(const struct tcb *tcb);
/* Reply to a segment without a matching TCB, RFC 9293 3.10.7.1. */
void tcp_reply_rst(struct host *host, const struct tcp_segment *seg);
/* RFC 7323 3 TSval toward `remote_addr` at `now`. */
uint32_t tcp_tsval(const struct host *host, uint32_t remote_addr, sim_time_t now);

/* tcp_input.c */
void tcp_input(struct tcb *tcb, const struct tcp_segment *seg);
void tcp_input_listen(struct tcb *listener, const struct tcp_segment *seg);
/* RFC 9293 3.10.7.2 (third): a SYN accepted by a listener, ISS chosen, within
 * the listen queues' limits; a SYN reopening a TIME_WAIT 4-tuple (tw_reuse)
 * skips the SYN-queue limits, as in Linux. */
void tcp_listen_accept_syn(struct tcb *listener, const struct tcp_segment *seg, tcp_seq iss,
                           bool tw_reuse);
/* RFC 7323 2.3: the window scale we offer for a receive buffer. */
uint8_t tcp_choose_wscale(const struct tcp_params *p, uint32_t rcvbuf);
/* RFC 9293 3.10.7.4 Table 6 for a receive window `wnd` at RCV.NXT `nxt`. */
bool tcp_seq_acceptable(tcp_seq nxt, uint32_t wnd, const struct tcp_segment *seg,
                        bool fin_at_zero_window);

/* tcp_listen.c: the SYN queue and the accept queue (Linux tcp_conn_request,
 * tcp_check_req, inet_csk_listen_stop) */
enum listen_verdict { LISTEN_QUEUE, LISTEN_COOKIE, LISTEN_DROP };
/* What to do with a SYN arriving at `listener` (traces the drop, and the
 * one-time SYN-flood note). `tw_reuse`: it reopens a TIME_WAIT 4-tuple,
 * which Linux takes without the SYN-queue limits. */
enum listen_verdict tcp_listen_admit(struct tcb *listener, const struct tcp_segment *syn,
                                     bool tw_reuse);
/* The accept queue has no room (Linux sk_acceptq_is_full). */
bool tcp_listen_acceptq_full(const struct tcb *listener);
/* The final ACK of a passive open met a full accept queue: drop it (the
 * child stays in SYN_RECV) or, with abort_on_overflow, reset. */
void tcp_listen_overflow(struct tcb *child, const struct tcp_segment *seg);
/* A passive child reached ESTABLISHED: into the accept queue, or straight to
 * an application that accepts. */
void tcp_listen_child_established(struct tcb *child);
/* A child leaves its listener's queues (closed, reset, timed out). */
void tcp_listen_unlink_child(struct tcb *child, enum tcp_state was);
/* The SYN,ACK retransmissions a passive child gets (Linux reqsk_timer_handler
 * prunes old requests when the queue is half full of them). */
uint32_t tcp_listen_synack_retries(const struct tcb *child);
void tcp_listen_set_accepting(struct tcb *listener, bool on);

/* tcp_syncookie.c: RFC 4987 3.6 SYN cookies (Linux syncookies.c) */
/* The ISN of a cookie SYN,ACK answering `syn`; *mss gets the MSS it encodes. */
tcp_seq tcp_cookie_isn(const struct host *host, const struct tcp_segment *syn, uint32_t *mss);
/* The MSS encoded in the cookie that `ack` returns (SEG.ACK - 1), or 0 when
 * the cookie is not one of ours or is too old. */
uint32_t tcp_cookie_check(const struct host *host, const struct tcp_segment *ack);

/* tcp_timer.c */
void tcp_timers_init(struct tcb *tcb);
void tcp_timers_cancel_all(struct tcb *tcb);
/* (Re)start at the current RTO, or the tail loss probe's PTO in its place
 * when that applies (tcp_tlp.c; Linux tcp_set_xmit_timer). */
void tcp_arm_rexmit(struct tcb *tcb);
void tcp_arm_rto(struct tcb *tcb); /* the RTO itself, never a probe */
void tcp_stop_rexmit(struct tcb *tcb);
void tcp_arm_delack(struct tcb *tcb);
void tcp_stop_delack(struct tcb *tcb);
void tcp_arm_aux(struct tcb *tcb, enum tcb_aux_timer kind, sim_time_t after);
void tcp_stop_aux(struct tcb *tcb);
void tcp_arm_keepalive(struct tcb *tcb); /* idle timer if SO_KEEPALIVE */
void tcp_enter_time_wait(struct tcb *tcb);

/* tcp_timewait.c */
int tcp_tw_queue_init(struct host *host); /* 0 or TS_ENOMEM */
void tcp_tw_enter(struct tcb *tcb);       /* the TCB, already in TIME_WAIT, moves out */
void tcp_tw_input(struct tcp_tw *tw, const struct tcp_segment *seg);
void tcp_tw_close(struct tcp_tw *tw);       /* TIME_WAIT -> CLOSED, record freed */
void tcp_tw_free(struct tcp_tw *tw);        /* host teardown only: frees, silent */
void tcp_tw_discard(struct tcp_tw *tw);     /* leaves the table, silent; husk stays */
void tcp_tw_release_husk(struct tcb *husk); /* the application closed its socket */

/* tcp_tlp.c: RFC 8985 7 tail loss probe (Linux tcp_schedule_loss_probe,
 * tcp_send_loss_probe, tcp_process_tlp_ack) */
sim_time_t tcp_tlp_pto(const struct tcb *tcb);
/* Arms the PTO instead of an RTO due at `rto_due` if a probe applies now. */
bool tcp_tlp_schedule(struct tcb *tcb, sim_time_t rto_due);
void tcp_tlp_on_send(struct tcb *tcb); /* new data went out: restart the PTO */
void tcp_tlp_fire(struct tcb *tcb);
/* An acceptable ACK, before SND.UNA moves: may end the probe's episode. */
void tcp_tlp_on_ack(struct tcb *tcb, const struct tcp_segment *seg);
/* After an ACK left the PTO running: back to the RTO if no probe applies. */
void tcp_tlp_recheck(struct tcb *tcb);

/* tcp_persist.c */
sim_time_t tcp_persist_interval(const struct tcp_params *params, sim_time_t rto, uint32_t backoff);
void tcp_arm_persist(struct tcb *tcb);
void tcp_persist_timeout(struct tcb *tcb);
/* Every acceptable ACK that may update the window (old_wnd: SND.WND before). */
void tcp_persist_on_ack(struct tcb *tcb, uint32_t old_wnd);

/* tcp_rcvwnd.c: the receive window as Linux chooses it (rcv_window: linux) */
uint32_t tcp_rcvwnd_initial(uint32_t rcvbuf, uint32_t mss); /* tcp_select_initial_window */
uint8_t tcp_rcvwnd_wscale(const struct tcp_params *p, uint32_t rcvbuf);
uint32_t tcp_rcvwnd_syn(struct tcb *tcb, bool synack); /* our SYN's window; sets rcv_ssthresh */
void tcp_rcvwnd_established(struct tcb *tcb);          /* tcp_init_buffer_space */
void tcp_rcvwnd_grow(struct tcb *tcb, uint32_t len);   /* tcp_grow_window */
uint32_t tcp_rcvwnd_select(const struct tcb *tcb);     /* tcp_select_window, octets */
bool tcp_rcvwnd_update_due(const struct tcb *tcb);     /* tcp_cleanup_rbuf's window update */
void tcp_rcvwnd_space_adjust(struct tcb *tcb);         /* tcp_rcv_space_adjust */
void tcp_rcvwnd_set_rcvbuf(struct tcb *tcb, uint32_t bytes); /* SO_RCVBUF */

/* tcp_delack.c: when received data is acknowledged */
bool tcp_delack_enough_unacked(const struct tcb *tcb);
void tcp_delack_on_data(struct tcb *tcb, uint32_t len, bool immediate);
void tcp_delack_on_ack_sent(struct tcb *tcb);
void tcp_delack_on_data_sent(struct tcb *tcb);
void tcp_delack_timeout(struct tcb *tcb);

/* tcp_jiffies.c: timer granularity (exact, jiffies or Linux's timer wheel) */
sim_time_t tcp_jiffies_round_up(const struct tcp_params *p, sim_time_t t);
sim_time_t tcp_jiffy(const struct tcp_params *p); /* one tick (1 ms when exact) */
/* When a timer armed at `now` for `delay` fires under the profile's granularity. */
sim_time_t tcp_timer_expiry(const struct tcp_params *p, sim_time_t now, sim_time_t delay);
/* tcp_timer.c: arm one of the TCB's timers `delay` from now, rounded as above. */
void tcp_timer_arm_after(struct tcb *tcb, struct sim_timer *timer, sim_time_t delay);

/* tcp_rto.c: RFC 6298 arithmetic, pure */
void tcp_rtt_sample(struct tcb *tcb, sim_time_t r);
sim_time_t tcp_rto_backoff(sim_time_t rto, uint32_t shifts, sim_time_t max);
/* The delay before SYN retransmission number `n` (1-based) (syn_linear_timeouts). */
sim_time_t tcp_syn_rto(const struct tcp_params *params, sim_time_t rto, uint32_t n);

/* tcp_sack.c: RFC 2018 blocks from the receiver's out-of-order queue and
 * the sender's RFC 6675 scoreboard. */
#define TCP_DUPTHRESH 3 /* RFC 5681 2 / RFC 6675 2: DupThresh */
#define TCP_SB_MAX 16   /* SACKed ranges the sender remembers above SND.UNA */
struct tcp_scoreboard {
    struct tcp_sack_block blk[TCP_SB_MAX]; /* sorted by start, disjoint */
    uint8_t n;
    bool rto_lost;    /* after an RTO all unSACKed data below `recover` is lost */
    tcp_seq high_rxt; /* RFC 6675 HighRxt: highest octet retransmitted, +1 */
};
void tcp_sack_add_blocks(const struct tcb *tcb, struct tcp_segment *seg);
void tcp_sack_on_ack(struct tcb *tcb, const struct tcp_segment *seg);
void tcp_sack_free(struct tcb *tcb);
bool tcp_sack_is_lost(const struct tcb *tcb, tcp_seq seq);
uint32_t tcp_sack_pipe(const struct tcb *tcb);
/* End of the SACKed block holding `seq` (seq itself when none does), and
 * the start of the next block above `seq` (limit when none). */
tcp_seq tcp_sack_skip(const struct tcb *tcb, tcp_seq seq);
tcp_seq tcp_sack_next_start(const struct tcb *tcb, tcp_seq seq, tcp_seq limit);
/* RFC 6675 NextSeg (1): first lost, unSACKed octet above HighRxt; false if none. */
bool tcp_sack_next_hole(const struct tcb *tcb, tcp_seq *start, tcp_seq *end);
uint32_t tcp_sack_sacked_bytes(const struct tcb *tcb);

/* tcp_cc.c: NewReno */
void tcp_cc_init(struct tcb *tcb);
void tcp_cc_on_ack(struct tcb *tcb, uint32_t acked);
void tcp_cc_on_dupack(struct tcb *tcb);
void tcp_cc_on_timeout(struct tcb *tcb);
void tcp_cc_pkts_acked(struct tcb *tcb, const struct tcp_segment *seg);
const struct tcp_cc_ops *tcp_cc_ops_for(enum tcp_cc_algo algo);
extern const struct tcp_cc_ops tcp_cc_newreno;
/* tcp_cubic.c (RFC 9438) */
extern const struct tcp_cc_ops tcp_cc_cubic;
uint32_t tcp_cubic_k_ms(uint32_t w_max, uint32_t cwnd_epoch, uint32_t mss);
uint32_t tcp_cubic_window(const struct tcb *tcb, sim_time_t t);
/* tcp_hystart.c: Linux CUBIC's HyStart */
void tcp_hystart_reset(struct tcb *tcb);
void tcp_hystart_acked(struct tcb *tcb, sim_time_t rtt);

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
