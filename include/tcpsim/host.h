/* A simulated host, the layer below TCP (sim/net/host.c): an address, its
 * TCP parameters, the demultiplexing of segments to sockets (connections by
 * 4-tuple in O(1), listeners by port), ephemeral ports, crash and reboot.
 * It holds sockets as opaque pointers and calls up into TCP only through
 * the transport's ops (struct net_proto_ops in net.h; Linux's inet_protos):
 * segment input, RST for what matches nothing and the freeing of sockets
 * live in sim/tcp/tcp_host.c. */
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
struct tcp_tw;

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

/* A listening socket and the port it listens on (kept here, so the lookup
 * never touches the TCB). */
struct host_listener {
    uint16_t port;
    struct tcb *tcb;
};

/* An ephemeral port for connect(); iss_set when it took over a TIME_WAIT
 * 4-tuple (tcp_tw_reuse) and the new ISS must be `iss`. */
struct host_port_pick {
    uint16_t port;
    bool iss_set;
    tcp_seq iss;
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
    struct tcb_table conns;          /* connections, embryonic to TIME_WAIT */
    struct tcb *all;                 /* every TCB, including CLOSED ones the app holds */
    struct host_listener *listeners; /* few: a plain array */
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

/* Segment plumbing, used by the TCP code and the net. host_input drops what
 * a crashed host or a wrong address receives and hands the rest to the
 * transport (net_proto_ops.input). */
void host_output(struct host *host, struct tcp_segment *seg, uint32_t conn);
void host_input(struct host *host, const struct tcp_segment *seg);
/* A segment on the host's timeline: received (TRACE_RX) or discarded
 * (TRACE_DROP, `why` names the drop reason). */
void host_trace_seg(struct host *host, enum trace_seg_dir dir, const struct tcp_segment *seg,
                    uint32_t conn, enum drop_reason why);
void host_trace_drop(struct host *host, const struct tcp_segment *seg, uint32_t conn,
                     enum drop_reason why);

/* Crash: the host silently stops sending and receiving; its sockets stay as
 * they were (timers still fire but nothing leaves). Reboot: every socket is
 * forgotten (no RST sent), the host answers again. */
void host_crash(struct host *host);
void host_reboot(struct host *host);

/* Demultiplexing. The table holds each connection (or TIME_WAIT record,
 * tw true) under its 4-tuple; the transport inserts and removes them. */
int host_demux_insert(struct host *host, uint16_t local_port, uint32_t remote_addr,
                      uint16_t remote_port, void *sock, bool tw);
void host_demux_remove(struct host *host, uint16_t local_port, uint32_t remote_addr,
                       uint16_t remote_port, const void *sock, bool tw);
/* The slot holding this 4-tuple, or NULL. */
const struct conn_slot *host_demux_find(struct host *host, uint16_t local_port,
                                        uint32_t remote_addr, uint16_t remote_port);
/* What the slot holds: a connection, a TIME_WAIT record, or NULL. */
struct tcb *host_slot_conn(const struct conn_slot *slot);
struct tcp_tw *host_slot_tw(const struct conn_slot *slot);
int host_add_listener(struct host *host, uint16_t port, struct tcb *tcb);
void host_remove_listener(struct host *host, const struct tcb *tcb);
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

/* Ephemeral ports (Linux __inet_hash_connect): a local port toward
 * remote_addr:remote_port, or TS_EADDRNOTAVAIL. */
int host_pick_port(struct host *host, uint32_t remote_addr, uint16_t remote_port,
                   struct host_port_pick *pick);
/* An active connection's local port joins (true when counted) / leaves its
 * destination's count of ports in use. */
bool host_count_port(struct host *host, uint16_t local_port, uint32_t remote_addr,
                     uint16_t remote_port);
void host_uncount_port(struct host *host, uint32_t remote_addr, uint16_t remote_port,
                       uint16_t local_port);

uint32_t host_count_in_state(const struct host *host, enum tcp_state state);

/* Teardown (net_free): the transport frees the sockets, then the tables go. */
void host_destroy_all(struct host *host);

#endif
