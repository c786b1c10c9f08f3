/* Test harness for the TCP state machine (RFC 9293 3.10): one real host
 * ("local", 10.0.0.1) under test and a scripted peer ("peer", 10.0.0.2)
 * whose side of the wire is the test itself. The link delivers nothing;
 * every segment the local host transmits is captured from the timeline, and
 * the test injects the peer's segments with h_inject() at the current
 * virtual time. Fixture constructors (h_listen() ... h_time_wait()) bring the
 * socket under test into each state by driving the real code with injected
 * segments, never by writing TCB fields.
 *
 * Sequence numbers: the peer's ISN is H_IRS; our ISS is read from the SYN we
 * sent (h->iss). After a fixture, the captured segments are consumed, so the
 * next h_expect() sees the reaction to the test's own stimulus. */
#ifndef TCPSIM_TCP_HARNESS_H
#define TCPSIM_TCP_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp/tcp_internal.h"
#include "tcpsim/errors.h"
#include "tcpsim/net.h"
#include "tcpsim/socket.h"

#define H_LOCAL_ADDR 0x0a000001u /* 10.0.0.1 */
#define H_PEER_ADDR 0x0a000002u  /* 10.0.0.2 */
#define H_IRS 5000u              /* the peer's initial sequence number */
#define H_WIN 65535u             /* the peer's advertised window */
#define H_SERVER_PORT 80
#define H_CLIENT_PORT 40000
#define H_MAX_SEGS 1024

/* Flags shorthands as tcpdump would print them. */
#define H_S TCP_SYN
#define H_SA (TCP_SYN | TCP_ACK)
#define H_A TCP_ACK
#define H_FA (TCP_FIN | TCP_ACK)
#define H_R TCP_RST
#define H_RA (TCP_RST | TCP_ACK)
#define H_PA (TCP_PSH | TCP_ACK)

struct harness {
    struct net net;
    struct host *local;
    struct host *peer;
    enum tcp_profile profile;

    /* The socket under test (NULL once its TCB was released) and, for
     * passive fixtures, its listener. */
    struct tcb *sock;
    struct tcb *listener;
    bool passive;      /* set before a fixture: build it from a passive open */
    sim_time_t rtt;    /* fixtures wait this long before the peer's answers */
    bool peer_ts;      /* the peer's segments carry RFC 7323 timestamps */
    bool peer_sack;    /* the peer's SYN and SYN,ACK offer SACK (RFC 2018) */
    uint32_t peer_tsval; /* ... with this TSval */
    tcp_seq iss;       /* our ISS, from the captured SYN or SYN,ACK */
    tcp_seq irs;       /* the peer's ISS */
    uint16_t lport;    /* local port of the socket under test */
    uint16_t rport;    /* the peer's port */

    /* Segments the local host transmitted, in order, with their times. */
    struct tcp_segment segs[H_MAX_SEGS];
    sim_time_t seg_time[H_MAX_SEGS];
    size_t nsegs;
    size_t cursor;     /* next segment h_expect() looks at */

    /* Application notifications (app_ops). */
    int connected_count;
    int connected_err;
    int accepted_count;
    struct tcb *accepted_child;
    int readable_count;
    int failed_count;
    int failed_err;
    int close_done_count;
    int close_done_err;
    int released_count;
};

/* cmocka glue: a test registered with H_TEST_RFC/H_TEST_LINUX gets a fresh
 * harness of that profile as *state. */
int h_setup(void **state);
int h_teardown(void **state);
#define H_PROFILE_STATE(p) ((void *)(uintptr_t)((p) + 1))
#define H_TEST_RFC(f) \
    {#f " [rfc9293]", f, h_setup, h_teardown, H_PROFILE_STATE(TCP_PROFILE_RFC9293)}
#define H_TEST_LINUX(f) \
    {#f " [linux]", f, h_setup, h_teardown, H_PROFILE_STATE(TCP_PROFILE_LINUX)}
#define H_TEST_BOTH(f) H_TEST_RFC(f), H_TEST_LINUX(f)

/* Building and freeing a harness outside cmocka's setup. */
struct harness *h_new(enum tcp_profile profile);
void h_free(struct harness *h);
static inline bool h_linux(const struct harness *h) { return h->profile == TCP_PROFILE_LINUX; }

/* Time. */
sim_time_t h_now(const struct harness *h);
void h_run_until(struct harness *h, sim_time_t t);
void h_run_for(struct harness *h, sim_time_t dt);
/* Runs until the local host transmits a segment or `limit` (absolute) is
 * reached; returns the time of that segment, or -1 if none was sent. */
sim_time_t h_run_until_tx(struct harness *h, sim_time_t limit);

/* The peer's segments, delivered to the local host at the current time
 * (deferred application callbacks due now run before it returns). */
struct tcp_segment h_seg(const struct harness *h, uint8_t flags, tcp_seq seq, tcp_seq ack,
                         uint32_t len, uint16_t win);
void h_inject_seg(struct harness *h, const struct tcp_segment *seg);
void h_inject(struct harness *h, uint8_t flags, tcp_seq seq, tcp_seq ack, uint32_t len,
              uint16_t win);

/* Captured segments. h_expect checks the next unconsumed one: flags exactly,
 * SEG.SEQ, and SEG.ACK when ACK is among the expected flags. */
const struct tcp_segment *h_expect_at(struct harness *h, uint8_t flags, tcp_seq seq,
                                      tcp_seq ack, const char *file, int line);
#define h_expect(h, flags, seq, ack) h_expect_at(h, flags, seq, ack, __FILE__, __LINE__)
void h_expect_none_at(struct harness *h, const char *file, int line);
#define h_expect_none(h) h_expect_none_at(h, __FILE__, __LINE__)
/* Time at which the segment h_expect() just returned was sent. */
sim_time_t h_last_time(const struct harness *h);
const struct tcp_segment *h_last(const struct harness *h); /* last captured, or NULL */
size_t h_pending(const struct harness *h);                 /* unconsumed segments */
void h_consume_all(struct harness *h);

enum tcp_state h_state(const struct harness *h); /* CLOSED once released */

/* Fixtures. Each leaves h->sock in the named state with everything it sent
 * consumed. Active by default; set h->passive first for the passive side
 * (h_established() and everything built on it). */
void h_listen(struct harness *h);
void h_syn_sent(struct harness *h);
void h_syn_recv_passive(struct harness *h);
void h_syn_recv_active(struct harness *h); /* simultaneous open */
void h_established(struct harness *h);
void h_fin_wait1(struct harness *h);       /* shutdown(SHUT_WR): the app still holds it */
void h_fin_wait2(struct harness *h);
void h_close_wait(struct harness *h);
void h_closing(struct harness *h);
void h_last_ack(struct harness *h);
void h_time_wait(struct harness *h);

#endif
