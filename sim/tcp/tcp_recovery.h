/* Loss recovery beyond the RTO: the SACK scoreboard (RFC 2018, RFC 6675;
 * tcp_sack.c) and the tail loss probe (RFC 8985 7; tcp_tlp.c). */
#ifndef TCPSIM_TCP_RECOVERY_H
#define TCPSIM_TCP_RECOVERY_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpsim/segment.h"
#include "tcpsim/time.h"

struct tcb;

/* tcp_sack.c: RFC 2018 blocks from the receiver's out-of-order queue and
 * the sender's RFC 6675 scoreboard. */
#define TCP_DUPTHRESH 3 /* RFC 5681 2 / RFC 6675 2: DupThresh */
#define TCP_SB_MAX 16   /* SACKed ranges the sender remembers above SND.UNA */
struct tcp_scoreboard {
    struct tcp_sack_block blk[TCP_SB_MAX]; /* sorted by start, disjoint */
    uint8_t n;
    bool rto_lost;         /* after an RTO all unSACKed data below `recover` is lost */
    tcp_seq high_rxt;      /* RFC 6675 HighRxt: highest octet retransmitted, +1 */
    bool rack_set;         /* RACK (RFC 8985 6.2) marked data lost: ... */
    tcp_seq rack_lost_end; /* ... every unSACKed octet below this */
};
/* SACK blocks for an outgoing ACK: a pending D-SACK first, then the
 * out-of-order ranges, newest first (RFC 2018 4, RFC 2883 4). */
void tcp_sack_add_blocks(struct tcb *tcb, struct tcp_segment *seg);
/* The ACK's first SACK block is a D-SACK (RFC 2883 4.1: below the
 * cumulative ACK, or inside the second block): *s, *e get it. */
bool tcp_sack_dsack_of(const struct tcp_segment *seg, tcp_seq *s, tcp_seq *e);
/* A duplicate [start, end) arrived: the next ACK reports it (RFC 2883). */
void tcp_sack_note_dsack(struct tcb *tcb, tcp_seq start, tcp_seq end);
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
/* After the scoreboard took an ACK during a probe episode: RACK marks what
 * was sent before the delivered probe as lost (RFC 8985 6.2). */
bool tcp_rack_after_probe(struct tcb *tcb);

#endif
