/* The discrete-event engine: a virtual clock and a d-ary min-heap of timers
 * embedded in their owners, keyed by (when, order).
 *
 * `order` is a per-engine arm counter, so timers due at the same instant fire
 * in the order they were (re-)armed and every run is deterministic. Each timer
 * remembers its heap position in `slot` (1-based, 0 = unarmed), so re-arm and
 * cancel find it in O(1) and restore the heap in O(log n): a re-armed timer is
 * moved in place and a cancelled one is removed, leaving no garbage behind.
 *
 * The heap is an array of (when, order, timer) entries: the sort key sits
 * in the array, so sifting reads only the array and never the owners (a
 * 720-byte TCB each: a cache miss per level once a million timers are
 * pending); a move writes the moved timer's `slot`, a store that does not
 * hold up the walk. Shape: a 4-ary heap. A fired timer's entry stays at the
 * root while its callback runs (engine->hole); the first arm in the callback
 * takes its place and sifts down once, so the common schedule-one-pop-one
 * step is one pass instead of a pop and a push; otherwise the hole is popped
 * afterwards with Floyd's method. `make bench` runs the hold model beside a
 * bare binary heap of 16-byte keys and prints the ratio (CPU time, on the
 * loaded 2-core development machine: 1.1-1.2x at 1k pending and 1.1-1.3x
 * at 1M, where keys read through the owners and pop-then-push gave 0.8x
 * and 0.5x). -DENGINE_HEAP_ARITY=2 or 8
 * builds the other shapes for comparison. */
#include "tcpsim/engine.h"

#include <assert.h>
#include <stdlib.h>

#include "tcpsim/errors.h"

#ifndef ENGINE_HEAP_ARITY
#define ENGINE_HEAP_ARITY 4
#endif

#define ENGINE_INITIAL_CAPACITY 64u

/* 1-based d-ary heap: children of i are D*(i-1)+2 .. D*(i-1)+D+1. */
static inline uint32_t heap_parent(uint32_t i) { return (i - 2) / ENGINE_HEAP_ARITY + 1; }

static inline uint32_t heap_first_child(uint32_t i) { return ENGINE_HEAP_ARITY * (i - 1) + 2; }

/* Strict (when, order) comparison; orders are unique, so keys never tie. */
static inline bool slot_before(const struct engine_slot *a, const struct engine_slot *b)
{
    if (a->when != b->when)
        return a->when < b->when;
    return a->order < b->order;
}

/* Stores entry `e` at slot i and tells its timer where it is: the one write
 * into the owner's memory a move costs (a store, which does not hold up the
 * walk down the heap as a load would). */
static inline void heap_place(struct engine_slot *heap, uint32_t i, struct engine_slot e)
{
    heap[i] = e;
    e.timer->slot = i;
}

/* Moves the entry at slot i towards the root while it is earlier than its
 * parent, shifting parents down into the hole instead of swapping. */
static void heap_sift_up(struct engine *engine, uint32_t i)
{
    struct engine_slot *heap = engine->heap;
    struct engine_slot e = heap[i];

    while (i > 1) {
        uint32_t p = heap_parent(i);
        if (!slot_before(&e, &heap[p]))
            break;
        heap_place(heap, i, heap[p]);
        i = p;
    }
    heap_place(heap, i, e);
}

/* The earliest of the children of i (there is at least one, c <= n). */
static inline uint32_t heap_best_child(const struct engine_slot *heap, uint32_t c, uint32_t n)
{
    uint32_t last = c + ENGINE_HEAP_ARITY - 1;
    if (last > n)
        last = n;
    uint32_t best = c;
    for (uint32_t k = c + 1; k <= last; k++) {
        if (slot_before(&heap[k], &heap[best]))
            best = k;
    }
    return best;
}

/* Moves the entry at slot i towards the leaves while a child is earlier. */
static void heap_sift_down(struct engine *engine, uint32_t i)
{
    struct engine_slot *heap = engine->heap;
    struct engine_slot e = heap[i];
    uint32_t n = engine->count;

    for (;;) {
        uint32_t c = heap_first_child(i);
        if (c > n)
            break;
        uint32_t best = heap_best_child(heap, c, n);
        if (!slot_before(&heap[best], &e))
            break;
        heap_place(heap, i, heap[best]);
        i = best;
    }
    heap_place(heap, i, e);
}

/* Restores the heap after the key at slot i changed in either direction. */
static void heap_fix(struct engine *engine, uint32_t i)
{
    if (i > 1 && slot_before(&engine->heap[i], &engine->heap[heap_parent(i)]))
        heap_sift_up(engine, i);
    else
        heap_sift_down(engine, i);
}

/* Doubles the heap until it holds `need` timers. */
static int heap_grow(struct engine *engine, uint32_t need)
{
    uint32_t capacity = engine->capacity ? engine->capacity : ENGINE_INITIAL_CAPACITY;
    while (capacity < need) {
        if (capacity > UINT32_MAX / 2 - 1)
            return TS_ENOMEM;
        capacity *= 2;
    }
    if (capacity == engine->capacity)
        return TS_OK;
    /* +1: heap[0] is unused so that slot 0 can mean "not armed". */
    struct engine_slot *heap = realloc(engine->heap, ((size_t)capacity + 1) * sizeof(*heap));
    if (heap == NULL)
        return TS_ENOMEM;
    engine->heap = heap;
    engine->capacity = capacity;
    return TS_OK;
}

/* Unlinks the timer at slot i: the last leaf fills the hole and is fixed. */
static void heap_remove(struct engine *engine, uint32_t i)
{
    struct engine_slot *heap = engine->heap;
    struct sim_timer *t = heap[i].timer;
    uint32_t n = engine->count--;

    t->slot = 0;
    if (i != n) {
        heap_place(heap, i, heap[n]);
        heap_fix(engine, i);
    }
}

/* Fills the hole at the root (its timer already disarmed, perhaps freed)
 * with the last leaf. The hole is walked down to a leaf along the earliest
 * children, then the last leaf is sifted up from there (Floyd): the last leaf
 * almost always belongs near the bottom, so this skips the comparison with
 * it at every level that a plain sift-down would make. */
static void heap_pop_hole(struct engine *engine)
{
    struct engine_slot *heap = engine->heap;
    struct engine_slot last = heap[engine->count];
    uint32_t n = --engine->count;
    uint32_t i = 1;

    if (n == 0)
        return;
    for (;;) {
        uint32_t c = heap_first_child(i);
        if (c > n)
            break;
        uint32_t best = heap_best_child(heap, c, n);
        heap_place(heap, i, heap[best]);
        i = best;
    }
    heap[i] = last;
    heap_sift_up(engine, i);
}

void sim_timer_init(struct sim_timer *timer, sim_timer_fn fire)
{
    timer->when = 0;
    timer->order = 0;
    timer->fire = fire;
    timer->slot = 0;
}

int engine_init(struct engine *engine)
{
    engine->now = 0;
    engine->count = 0;
    engine->capacity = ENGINE_INITIAL_CAPACITY;
    engine->reserved = 0;
    engine->next_order = 0;
    engine->fired = 0;
    engine->fire_limit = 0;
    engine->stopping = false;
    engine->hole = false;
    engine->heap = malloc(((size_t)ENGINE_INITIAL_CAPACITY + 1) * sizeof(*engine->heap));
    if (engine->heap == NULL) {
        engine->capacity = 0;
        return TS_ENOMEM;
    }
    return TS_OK;
}

/* Frees the queue only: timers belong to their owners. Any timer still armed
 * keeps a stale slot, so owners must not touch them through this engine. */
void engine_free(struct engine *engine)
{
    free(engine->heap);
    engine->heap = NULL;
    engine->count = 0;
    engine->capacity = 0;
}

int engine_reserve(struct engine *engine, uint32_t n)
{
    if (n > UINT32_MAX - engine->reserved)
        return TS_ENOMEM;
    int err = heap_grow(engine, engine->reserved + n);
    if (err == TS_OK)
        engine->reserved += n;
    return err;
}

void engine_release(struct engine *engine, uint32_t n)
{
    assert(n <= engine->reserved && "releasing slots that were never reserved");
    engine->reserved = n <= engine->reserved ? engine->reserved - n : 0;
}

int engine_timer_add(struct engine *engine, struct sim_timer *timer, sim_timer_fn fire)
{
    sim_timer_init(timer, fire);
    return engine_reserve(engine, 1);
}

void engine_timer_del(struct engine *engine, struct sim_timer *timer)
{
    engine_cancel(engine, timer);
    engine_release(engine, 1);
}

void engine_arm(struct engine *engine, struct sim_timer *timer, sim_time_t when)
{
    if (when < engine->now)
        when = engine->now;
    uint64_t order = engine->next_order++;
    timer->when = when;
    timer->order = order;

    if (timer->slot != 0) {
        /* Re-arm in place. The new order is larger than every other, so the
         * key moves up only if `when` moved earlier. */
        uint32_t i = timer->slot;
        assert(i <= engine->count && engine->heap[i].timer == timer);
        sim_time_t old_when = engine->heap[i].when;
        engine->heap[i].when = when;
        engine->heap[i].order = order;
        if (when < old_when)
            heap_sift_up(engine, i);
        else
            heap_sift_down(engine, i);
        return;
    }

    if (engine->hole) {
        /* A callback arms: its timer takes the fired one's place at the
         * root. The hole's key is below every other (it was the minimum and
         * every new key is later in (when, order)), so nothing above has
         * moved past it meanwhile. */
        engine->hole = false;
        engine->heap[1] = (struct engine_slot){when, order, timer};
        heap_sift_down(engine, 1);
        return;
    }
    /* Every armable timer reserved its slot when its owner was created, so
     * count < reserved <= capacity: nothing to allocate, nothing to fail. */
    assert(engine->count < engine->reserved && "timer armed without a reserved slot");
    if (engine->count == engine->capacity && heap_grow(engine, engine->count + 1) != TS_OK)
        abort(); /* unreachable while every owner reserves; never fire silently late */
    engine->count++;
    engine->heap[engine->count] = (struct engine_slot){when, order, timer};
    heap_sift_up(engine, engine->count);
}

void engine_cancel(struct engine *engine, struct sim_timer *timer)
{
    if (timer->slot == 0)
        return;
    assert(timer->slot <= engine->count && engine->heap[timer->slot].timer == timer);
    heap_remove(engine, timer->slot);
}

uint64_t engine_run(struct engine *engine, sim_time_t until)
{
    uint64_t ran = 0;

    assert(!engine->hole && "engine_run called from a timer callback");
    engine->stopping = false;
    while (!engine->stopping && engine->count > 0) {
        sim_time_t when = engine->heap[1].when;
        struct sim_timer *t = engine->heap[1].timer;
        if (when > until)
            break;
        if (engine->fire_limit && engine->fired >= engine->fire_limit) {
            engine->stopping = true; /* the caller's budget is spent */
            break;
        }
        /* Disarm before the callback so it may re-arm this or any timer;
         * its entry stays at the root as the hole until something fills it
         * (an arm) or the callback returns (the hole is popped). While the
         * hole is there, a re-arm or cancel sifts below it: its key is the
         * smallest in the heap. */
        t->slot = 0;
        engine->hole = true;
        engine->now = when;
        engine->fired++;
        ran++;
        t->fire(engine, t);
        if (engine->hole) {
            engine->hole = false;
            heap_pop_hole(engine);
        }
    }
    /* A stopped run leaves the clock at the last event: the caller stopped
     * the world there, and time up to `until` has not been simulated. */
    if (!engine->stopping && until != SIM_TIME_MAX && engine->now < until)
        engine->now = until;
    return ran;
}

void engine_stop(struct engine *engine) { engine->stopping = true; }

sim_time_t engine_next_time(const struct engine *engine)
{
    if (!engine->hole)
        return engine->count == 0 ? SIM_TIME_NEVER : engine->heap[1].when;
    /* Inside a callback: the earliest below the hole, one of its children. */
    if (engine->count < 2)
        return SIM_TIME_NEVER;
    return engine->heap[heap_best_child(engine->heap, 2, engine->count)].when;
}
