/* A simulated host: an address, its TCP parameters, its sockets (listeners and
 * connections, found by 4-tuple in O(1)), ephemeral ports, and crash/reboot.
 * A segment that matches no socket is answered per RFC 9293 3.10.7.1. */
#ifndef TCPSIM_HOST_H
#define TCPSIM_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpsim/net.h"
#include "tcpsim/rng.h"
#include "tcpsim/segment.h"
#include "tcpsim/tcp_params.h"
#include "tcpsim/tcp_state.h"

struct tcb;

/* Open-addressing hash keyed by 4-tuple (local port, remote addr and port;
 * the local address is the host's). A slot holds its key inline, so a probe
 * never touches the TCB's memory, and either a TCB or a compact TIME_WAIT
 * record (struct tcp_tw, tagged in the pointer's low bit: both are malloc'd,
 * so that bit is free). Deleted slots are tombstones cleaned on resize. */
struct conn_slot {
    uint64_t key;  /* remote address, remote port, local port */
    uintptr_t ref; /* 0 empty, 1 tombstone, else pointer | 1 for a TIME_WAIT record */
};

struct tcb_table {
    struct conn_slot *slots;
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
    struct tcb_table conns; /* connections, embryonic to TIME_WAIT */
    struct tcb *all;        /* every TCB, including CLOSED ones the app holds */
    struct tcb **listeners; /* few: a plain array */
    uint32_t listener_count;
    uint32_t next_conn_id;
    uint32_t next_port;                    /* ephemeral port cursor */
    uint32_t state_count[TCP_STATE_COUNT]; /* sockets per state (netstat view) */
    uint64_t tw_overflow;                  /* TIME_WAIT sockets destroyed at tcp_max_tw_buckets */
    /* TIME_WAIT records in expiry order (they all last the same 2MSL, so a
     * new one goes at the tail) and the one engine timer for the head: a
     * host with 60,000 TIME_WAIT sockets keeps 1 timer in the engine, not
     * 60,000 (sim/tcp/tcp_timewait.c). */
    struct tcp_tw *tw_head;
    struct tcp_tw *tw_tail;
    struct sim_timer tw_timer;
    struct host_dest *dests; /* few (one per server port used): a plain array */
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
/* The compact record of an orphaned TIME_WAIT connection (tcp_internal.h). */
struct tcp_tw;
struct tcp_tw *host_find_tw(struct host *host, uint16_t local_port, uint32_t remote_addr,
                            uint16_t remote_port);
/* True when a connection (TIME_WAIT included) holds this 4-tuple. */
bool host_tuple_in_use(struct host *host, uint16_t local_port, uint32_t remote_addr,
                       uint16_t remote_port);

uint32_t host_count_in_state(const struct host *host, enum tcp_state state);

/* A snapshot of every socket of the host that is not CLOSED (TIME_WAIT
 * records included), listeners first, then connections in creation order,
 * as netstat lists them. *rows is malloc'd (the caller frees it); returns
 * 0 or TS_ENOMEM. */
struct sock_info;
int host_socket_infos(const struct host *host, struct sock_info **rows, size_t *count);

#endif
