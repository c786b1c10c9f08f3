/* A run without `stop:` would otherwise go on for ever once nothing is left
 * but keep-alive probes that the peer answers (every 2 hours, for 30 days of
 * virtual time and gigabytes of timeline). steady_stop ends such a run at the
 * first instant the future can only repeat: every step has fired, the links
 * lose and duplicate nothing and no drop rule is left, and the only pending
 * events are the keep-alive timers of idle connections whose last probe was
 * answered, after at least one probe round. The timeline says so in a note. */
#ifndef TCPSIM_STEADY_STOP_H
#define TCPSIM_STEADY_STOP_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpsim/engine.h"

struct runner;

struct steady_stop {
    struct sim_timer probe; /* armed when a keep-alive timer is re-armed */
    struct runner *runner;
    uint64_t keepalive_fires;
    bool enabled; /* the scenario has no stop: and the run may repeat */
    bool stopped; /* the run ended here */
};

/* Watches the run when the scenario has no `stop:` (0 or TS_ENOMEM). */
int steady_stop_setup(struct steady_stop *s, struct runner *r);
void steady_stop_teardown(struct steady_stop *s);

#endif
