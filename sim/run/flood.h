/* A SYN flood (RFC 4987 2): a host sends SYNs from forged source addresses
 * at a steady interval and never completes a handshake. The SYN,ACKs go to
 * addresses nobody has, so the receiving host discards them ("no such
 * host"). Used by the runner for the `flood` step. */
#ifndef TCPSIM_FLOOD_H
#define TCPSIM_FLOOD_H

#include <stdint.h>

#include "tcpsim/engine.h"
#include "tcpsim/rng.h"

struct host;

struct flood {
    struct sim_timer timer;
    struct host *from;
    uint32_t dst_addr;
    uint16_t dst_port;
    uint32_t left; /* SYNs still to send */
    sim_time_t interval;
    uint32_t spoof_addr; /* 0: a random forged address per SYN */
    struct rng rng;      /* its own stream: floods never shift other draws */
    struct flood *next;  /* the runner's list */
};

/* Starts sending now. `stream` picks the RNG stream. Returns NULL on ENOMEM. */
struct flood *flood_start(struct host *from, uint32_t dst_addr, uint16_t dst_port, uint32_t count,
                          sim_time_t interval, uint32_t spoof_addr, uint64_t stream);
/* Stops and frees a list of floods. */
void flood_free_all(struct flood *head);

#endif
