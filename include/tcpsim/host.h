/* A simulated host: an address, its TCP parameters, its sockets (listeners and
 * connections, found by 4-tuple in O(1)), ephemeral ports, and crash/reboot.
 * A segment that matches no socket is answered per RFC 9293 3.10.7.1. */
#ifndef TCPSIM_HOST_H
#define TCPSIM_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpsim/net.h"
#include "tcpsim/rng.h"
#include "tcpsim/segment.h"
#include "tcpsim/tcp_params.h"
#include "tcpsim/tcp_state.h"

/* Open-addressing hash of TCBs keyed by 4-tuple (local port, remote addr and
 * port; the local address is the host's). Deleted slots are tombstones
 * cleaned on resize. */
struct tcb_table {
    struct tcb **slots;
    uint32_t capacity; /* power of two */
    uint32_t used;     /* live entries */
    uint32_t tombs;
};

/* Ephemeral ports in use toward one destination, by parity of their offset
 * in ip_local_port_range: lets connect() skip a parity pass (or fail) at
 * once when every port it would visit is taken. */
struct host_dest {
    uint32_t addr;
    uint16_t port;
    uint32_t used[2];
};

struct host {
    struct net *net;
    int index;
    char *name;
    uint32_t addr;
    struct tcp_params params;
    struct app_ops app;
    bool crashed;
    struct rng isn_rng;
    struct tcb_table conns;      /* synchronized and embryonic connections */
    struct tcb *all;             /* every TCB, including CLOSED ones the app holds */
    struct tcb **listeners;      /* few: a plain array */
    uint32_t listener_count;
    uint32_t next_conn_id;
    uint32_t next_port;          /* ephemeral port cursor */
    uint32_t state_count[TCP_STATE_COUNT]; /* sockets per state (netstat view) */
    uint64_t tw_overflow;        /* TIME_WAIT sockets destroyed at tcp_max_tw_buckets */
    struct host_dest *dests;     /* few (one per server port used): a plain array */
    uint32_t dest_count;
};

/* Segment plumbing, used by the TCP code and the net. */
void host_output(struct host *host, struct tcp_segment *seg, uint32_t conn);
void host_input(struct host *host, const struct tcp_segment *seg);

/* Crash: the host silently stops sending and receiving; its sockets stay as
 * they were (timers still fire but nothing leaves). Reboot: every socket is
 * forgotten (no RST sent), the host answers again. */
void host_crash(struct host *host);
void host_reboot(struct host *host);

/* Demultiplexing (exposed for tests). */
struct tcb *host_find_conn(struct host *host, uint16_t local_port, uint32_t remote_addr,
                           uint16_t remote_port);
struct tcb *host_find_listener(struct host *host, uint16_t port);

uint32_t host_count_in_state(const struct host *host, enum tcp_state state);

#endif
