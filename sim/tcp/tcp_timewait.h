/* TIME_WAIT's compact record and its life (tcp_timewait.c). */
#ifndef TCPSIM_TCP_TIMEWAIT_H
#define TCPSIM_TCP_TIMEWAIT_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpsim/segment.h"
#include "tcpsim/time.h"

struct host;
struct tcb;

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

/* tcp_timewait.c */
int tcp_tw_queue_init(struct host *host); /* 0 or TS_ENOMEM */
void tcp_tw_enter(struct tcb *tcb);       /* the TCB, already in TIME_WAIT, moves out */
void tcp_tw_input(struct tcp_tw *tw, const struct tcp_segment *seg);
void tcp_tw_close(struct tcp_tw *tw);       /* TIME_WAIT -> CLOSED, record freed */
void tcp_tw_free(struct tcp_tw *tw);        /* host teardown only: frees, silent */
void tcp_tw_discard(struct tcp_tw *tw);     /* leaves the table, silent; husk stays */
void tcp_tw_release_husk(struct tcb *husk); /* the application closed its socket */

#endif
