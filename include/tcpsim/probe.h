/* Probes: call a function at virtual instants, after every other event due
 * at that instant (as the "sockets in S at T" expectations sample), so what
 * it observes is the settled state at T and the run stays deterministic.
 * One engine timer serves the whole set. */
#ifndef TCPSIM_PROBE_H
#define TCPSIM_PROBE_H

#include "tcpsim/engine.h"

typedef void (*probe_fn)(void *ctx, sim_time_t now);

struct probe_set;
struct probe_set *probe_set_new(struct engine *engine);
/* Calls fn at `at`, then (every > 0) each `every` after it for as long as
 * other events are pending, at most PROBE_REPEAT_MAX times (a tiny `every`
 * must not make a run endless). Like any event, a probe past the last event
 * of a run without `stop:` extends the run to it. Returns 0 or TS_ENOMEM. */
#define PROBE_REPEAT_MAX 10000
int probe_set_add(struct probe_set *set, sim_time_t at, sim_time_t every, probe_fn fn, void *ctx);
/* Cancels what is still pending; call before the engine is freed. */
void probe_set_free(struct probe_set *set);

#endif
