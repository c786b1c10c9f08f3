/* The discrete-event engine: a virtual clock and a priority queue of timers.
 *
 * A timer is embedded in its owner (a TCB, an in-flight segment, a scripted
 * step). The owner reserves the timer's heap slot when it is created
 * (engine_timer_add, or engine_reserve for a block of timers), the one step
 * that may fail; arming then never allocates and cannot fail (as libuv's
 * uv_timer_start never allocates). Timers due at
 * the same instant fire in the order they were armed (an arm counter breaks
 * ties), which makes every run deterministic. Arm, re-arm and cancel are
 * O(log n); a cancelled timer leaves nothing behind in the queue. */
#ifndef TCPSIM_ENGINE_H
#define TCPSIM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpsim/time.h"

struct engine;
struct sim_timer;

/* Called when the timer fires; the timer is already disarmed, so the callback
 * may re-arm it. Find the owner with container_of(timer, type, member). */
typedef void (*sim_timer_fn)(struct engine *engine, struct sim_timer *timer);

struct sim_timer {
    sim_time_t when; /* due time, valid while armed */
    uint64_t order;  /* arm counter: breaks ties between equal `when` */
    sim_timer_fn fire;
    uint32_t slot; /* 1-based heap position; 0 = not armed */
};

/* A heap entry carries its timer's sort key, so ordering the heap reads only
 * the heap array, never the owners' memory (a cache miss per level once a
 * million timers are pending). */
struct engine_slot {
    sim_time_t when;
    uint64_t order;
    struct sim_timer *timer;
};

struct engine {
    sim_time_t now;
    struct engine_slot *heap; /* heap[0] unused; 1-based 4-ary heap */
    uint32_t count;
    uint32_t capacity;
    uint32_t reserved; /* slots promised to registered timers: count <= reserved <= capacity */
    uint64_t next_order;
    uint64_t fired;      /* events executed so far (for benchmarks) */
    uint64_t fire_limit; /* engine_run stops once `fired` reaches it; 0 = no limit */
    bool stopping;
    /* While a callback runs, heap[1] still holds the fired timer's entry, a
     * hole: the first timer armed by the callback fills it and sifts down
     * once (the hold model's schedule-one-pop-one in one pass); if none is,
     * the run pops the hole after the callback. */
    bool hole;
};

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

void sim_timer_init(struct sim_timer *timer, sim_timer_fn fire);
static inline bool sim_timer_armed(const struct sim_timer *timer) { return timer->slot != 0; }

/* 0 on success, TS_ENOMEM if the queue cannot grow. */
int engine_init(struct engine *engine);
void engine_free(struct engine *engine);

/* Reserves heap slots for `n` more timers (0 or TS_ENOMEM); an owner of
 * timers calls it once when it is created, engine_release(n) when freed. */
int engine_reserve(struct engine *engine, uint32_t n);
void engine_release(struct engine *engine, uint32_t n);
/* sim_timer_init plus a slot reserved for it (0 or TS_ENOMEM); _del cancels
 * the timer and gives the slot back. */
int engine_timer_add(struct engine *engine, struct sim_timer *timer, sim_timer_fn fire);
void engine_timer_del(struct engine *engine, struct sim_timer *timer);

/* Arms (or re-arms) `timer` to fire at absolute time `when` (clamped to now).
 * Re-arming counts as a new arm for tie-breaking. Cannot fail: the timer's
 * slot was reserved beforehand (debug builds assert it). */
void engine_arm(struct engine *engine, struct sim_timer *timer, sim_time_t when);
static inline void engine_arm_after(struct engine *engine, struct sim_timer *timer,
                                    sim_time_t delay)
{
    engine_arm(engine, timer, engine->now + delay);
}
/* Disarms `timer`; harmless when it is not armed. */
void engine_cancel(struct engine *engine, struct sim_timer *timer);

/* Runs events in time order while the next one is due at or before `until`
 * (SIM_TIME_MAX: until nothing is pending) and engine_stop was not called.
 * Afterwards now = max(now, min(until, time of last event)) — when `until` is
 * finite and reached, now == until. Returns the number of events run. */
uint64_t engine_run(struct engine *engine, sim_time_t until);
void engine_stop(struct engine *engine);
static inline sim_time_t engine_now(const struct engine *engine) { return engine->now; }
/* Time of the earliest pending event, or SIM_TIME_NEVER. */
sim_time_t engine_next_time(const struct engine *engine);

#endif
