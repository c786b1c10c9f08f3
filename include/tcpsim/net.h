/* The simulated world of one run: the engine, the timeline, two hosts and the
 * two directions of the link between them. Nothing here is global: a test may
 * build several worlds side by side. */
#ifndef TCPSIM_NET_H
#define TCPSIM_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpsim/engine.h"
#include "tcpsim/link.h"
#include "tcpsim/middlebox.h"
#include "tcpsim/payload.h"
#include "tcpsim/tcp_params.h"
#include "tcpsim/trace.h"

struct host;
struct host_port_pick;
struct tcb;
struct tcp_tw;

/* The transport above the hosts (TCP: tcp_proto_ops, sim/tcp/tcp_host.c),
 * as Linux registers a protocol handler with IP: the net layer calls up
 * through these and never names TCP code. */
struct net_proto_ops {
    /* A host was created: set up the transport's per-host state. */
    int (*host_init)(struct host *host); /* TS_OK or TS_ENOMEM */
    /* A segment addressed to an up host (Linux tcp_v4_rcv). */
    void (*input)(struct host *host, const struct tcp_segment *seg);
    /* connect() found `tw` on a candidate 4-tuple: may it take it over
     * (tcp_tw_reuse)? If so it ends the record and sets pick->iss. */
    bool (*tw_reuse)(struct host *host, struct tcp_tw *tw, struct host_port_pick *pick);
    /* Reboot: forget every socket without a word on the wire. */
    void (*forget_all)(struct host *host);
    /* Teardown: free every socket silently. */
    void (*destroy_all)(struct host *host);
};

/* How a host tells its application that something happened on a socket.
 * The runner (or a test) installs these; all may be NULL. They are called
 * from inside segment processing, after the TCB is consistent. */
struct app_ops {
    /* An active open finished: err 0 (ESTABLISHED) or ECONNREFUSED/ETIMEDOUT/... */
    void (*connected)(void *ctx, struct tcb *tcb, int err);
    /* A passive open finished: `child` reached ESTABLISHED on `listener`. */
    void (*accepted)(void *ctx, struct tcb *listener, struct tcb *child);
    /* New in-order data or the peer's FIN is ready for recv(). */
    void (*readable)(void *ctx, struct tcb *tcb);
    /* The connection died (reset, timeout): err is what the next call returns. */
    void (*failed)(void *ctx, struct tcb *tcb, int err);
    /* A blocking close (SO_LINGER with a timeout) returned. */
    void (*close_done)(void *ctx, struct tcb *tcb, int err);
    /* The TCB is about to be freed (socket fully gone): drop references. */
    void (*released)(void *ctx, struct tcb *tcb);
    void *ctx;
};

struct net {
    struct engine engine;
    struct tracer tracer;
    struct host *hosts[2];
    struct link links[2];       /* links[i] carries segments sent by hosts[i] */
    struct middlebox middlebox; /* on the link; inactive unless net_set_middlebox */
    uint64_t seed;
    struct payload_store payload; /* literal bytes scenarios sent as text */
    const struct net_proto_ops *proto;
};

/* `proto` is the transport the hosts deliver to (&tcp_proto_ops, tcp.h). */
int net_init(struct net *net, uint64_t seed, const struct net_proto_ops *proto);
/* Creates host `index` (0 or 1). Returns 0 or TS_ENOMEM. */
int net_add_host(struct net *net, int index, const char *name, uint32_t addr,
                 const struct tcp_params *params);
/* Sets up links[0] (hosts[0] -> hosts[1]) and links[1]; call after both hosts. */
void net_connect_hosts(struct net *net, const struct link_params *a_to_b,
                       const struct link_params *b_to_a);
/* Puts a stateful middlebox on the link (before any segment is sent). */
void net_set_middlebox(struct net *net, const struct middlebox_params *params);
void net_free(struct net *net);

struct host *net_host_by_addr(struct net *net, uint32_t addr);

#endif
