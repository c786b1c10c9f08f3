/* Segments in and out: RFC 9293 3.10.7 segment arrival (tcp_input.c), what
 * is sent and when (tcp_output.c), and the receive window Linux chooses
 * (tcp_rcvwnd.c). */
#ifndef TCPSIM_TCP_IO_H
#define TCPSIM_TCP_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpsim/segment.h"
#include "tcpsim/tcp_params.h"
#include "tcpsim/time.h"

struct host;
struct tcb;

/* tcp_input.c */
void tcp_input(struct tcb *tcb, const struct tcp_segment *seg);
void tcp_input_listen(struct tcb *listener, const struct tcp_segment *seg);
/* RFC 7323 2.3: the window scale we offer for a receive buffer. */
uint8_t tcp_choose_wscale(const struct tcp_params *p, uint32_t rcvbuf);
/* RFC 9293 3.10.7.4 Table 6 for a receive window `wnd` at RCV.NXT `nxt`. */
bool tcp_seq_acceptable(tcp_seq nxt, uint32_t wnd, const struct tcp_segment *seg,
                        bool fin_at_zero_window);

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

#endif
