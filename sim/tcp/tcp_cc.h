/* Congestion control (RFC 5681, RFC 6582, RFC 9438): the algorithm table
 * (Linux struct tcp_congestion_ops), CUBIC's and HyStart's state kept in the
 * TCB, and the functions of tcp_cc.c, tcp_cubic.c and tcp_hystart.c. */
#ifndef TCPSIM_TCP_CC_H
#define TCPSIM_TCP_CC_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpsim/segment.h"
#include "tcpsim/tcp_params.h"
#include "tcpsim/time.h"

struct tcb;

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

#endif
