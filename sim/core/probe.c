/* Probe set: user-requested observations at virtual instants (netstat/ss
 * views), driven by one engine timer armed at the earliest pending probe. */
#include <stdlib.h>

#include "tcpsim/errors.h"
#include "tcpsim/probe.h"

/* Other events due at the same instant run first; this bounds the waiting
 * when something keeps scheduling work at that instant. */
#define PROBE_SETTLE_MAX 10000

struct probe {
    sim_time_t due; /* SIM_TIME_NEVER once done */
    sim_time_t every;
    uint32_t fired;
    probe_fn fn;
    void *ctx;
};

struct probe_set {
    struct sim_timer timer;
    struct engine *engine;
    struct probe *probes;
    size_t count;
    uint32_t settle;
};

static void probe_arm(struct probe_set *set)
{
    sim_time_t next = SIM_TIME_NEVER;
    for (size_t i = 0; i < set->count; i++)
        if (set->probes[i].due < next)
            next = set->probes[i].due;
    if (next == SIM_TIME_NEVER)
        engine_cancel(set->engine, &set->timer);
    else
        engine_arm(set->engine, &set->timer, next);
}

static void probe_fire(struct engine *engine, struct sim_timer *timer)
{
    struct probe_set *set = container_of(timer, struct probe_set, timer);
    sim_time_t now = engine_now(engine);
    if (engine_next_time(engine) == now && set->settle++ < PROBE_SETTLE_MAX) {
        engine_arm(engine, timer, now);
        return;
    }
    set->settle = 0;
    /* Decided before the callbacks: is anything but the probes still to come? */
    bool more = engine_next_time(engine) != SIM_TIME_NEVER;
    for (size_t i = 0; i < set->count; i++) {
        struct probe *p = &set->probes[i];
        if (p->due > now)
            continue;
        p->fn(p->ctx, now);
        p->fired++;
        bool again = p->every > 0 && more && p->fired < PROBE_REPEAT_MAX;
        p->due = again ? now + p->every : SIM_TIME_NEVER;
    }
    probe_arm(set);
}

struct probe_set *probe_set_new(struct engine *engine)
{
    struct probe_set *set = calloc(1, sizeof *set);
    if (!set)
        return NULL;
    set->engine = engine;
    if (engine_timer_add(engine, &set->timer, probe_fire) != TS_OK) {
        free(set);
        return NULL;
    }
    return set;
}

int probe_set_add(struct probe_set *set, sim_time_t at, sim_time_t every, probe_fn fn, void *ctx)
{
    struct probe *grown = realloc(set->probes, (set->count + 1) * sizeof *grown);
    if (!grown)
        return TS_ENOMEM;
    set->probes = grown;
    set->probes[set->count++] = (struct probe){at, every, 0, fn, ctx};
    probe_arm(set);
    return TS_OK;
}

void probe_set_free(struct probe_set *set)
{
    if (!set)
        return;
    engine_timer_del(set->engine, &set->timer);
    free(set->probes);
    free(set);
}
