/* Unit tests for sim/core/engine.c: time order, tie order, re-arm, cancel,
 * callbacks that touch timers, run limits, stop, and a randomized comparison
 * against a sorted-array reference queue. */
#include "cmocka_wrap.h"

#include <stdlib.h>
#include <string.h>

#include "tcpsim/engine.h"
#include "tcpsim/errors.h"
#include "tcpsim/rng.h"

/* ---- fixture: a handful of labelled timers that log when they fire ---- */

#define LOG_MAX 64

struct log_timer {
    struct sim_timer timer;
    int id;
    struct fixture *fx;
};

struct fixture {
    struct engine engine;
    struct log_timer t[8];
    int ids[LOG_MAX];
    sim_time_t times[LOG_MAX];
    int n;
    /* per-test behaviour of the callback */
    int periodic_id;       /* re-arms itself every `period` up to `periodic_left` times */
    sim_time_t period;
    int periodic_left;
    int cancel_on_fire_id; /* when this fires, cancel `cancel_target` */
    int cancel_target;
    int stop_on_fire_id;   /* when this fires, engine_stop */
    sim_time_t next_seen[LOG_MAX]; /* engine_next_time inside each callback */
};

static void log_fire(struct engine *engine, struct sim_timer *timer)
{
    struct log_timer *lt = container_of(timer, struct log_timer, timer);
    struct fixture *fx = lt->fx;

    assert_false(sim_timer_armed(timer));
    assert_true(fx->n < LOG_MAX);
    fx->ids[fx->n] = lt->id;
    fx->times[fx->n] = engine_now(engine);
    fx->next_seen[fx->n] = engine_next_time(engine);
    fx->n++;
    if (lt->id == fx->periodic_id && fx->periodic_left > 0) {
        fx->periodic_left--;
        engine_arm_after(engine, timer, fx->period);
    }
    if (lt->id == fx->cancel_on_fire_id)
        engine_cancel(engine, &fx->t[fx->cancel_target].timer);
    if (lt->id == fx->stop_on_fire_id)
        engine_stop(engine);
}

static int fx_setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    assert_non_null(fx);
    assert_int_equal(engine_init(&fx->engine), TS_OK);
    assert_int_equal(engine_reserve(&fx->engine, 8), TS_OK);
    for (int i = 0; i < 8; i++) {
        sim_timer_init(&fx->t[i].timer, log_fire);
        fx->t[i].id = i;
        fx->t[i].fx = fx;
    }
    fx->periodic_id = -1;
    fx->cancel_on_fire_id = -1;
    fx->stop_on_fire_id = -1;
    *state = fx;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fixture *fx = *state;
    engine_free(&fx->engine);
    free(fx);
    return 0;
}

static void arm(struct fixture *fx, int id, sim_time_t when)
{
    engine_arm(&fx->engine, &fx->t[id].timer, when);
}

static void assert_fired(const struct fixture *fx, const int *ids, int n)
{
    assert_int_equal(fx->n, n);
    for (int i = 0; i < n; i++)
        assert_int_equal(fx->ids[i], ids[i]);
}

/* ---- ordering ---- */

/* A self-re-arming timer with no end must not run forever: fire_limit stops
 * the run, the clock stays at the last event, and the timer stays pending. */
static void test_fire_limit_stops_a_never_ending_run(void **state)
{
    struct fixture *fx = *state;
    fx->periodic_id = 0;
    fx->period = SIM_NS(1);
    fx->periodic_left = 1000;
    fx->engine.fire_limit = 5;
    arm(fx, 0, SIM_NS(10));
    assert_int_equal(engine_run(&fx->engine, SIM_TIME_MAX), 5);
    assert_int_equal(fx->engine.fired, 5);
    assert_int_equal(engine_now(&fx->engine), SIM_NS(14));
    assert_true(sim_timer_armed(&fx->t[0].timer));
}

static void test_timers_fire_in_time_order(void **state)
{
    struct fixture *fx = *state;
    arm(fx, 0, SIM_MS(30));
    arm(fx, 1, SIM_MS(10));
    arm(fx, 2, SIM_MS(20));
    assert_int_equal(engine_next_time(&fx->engine), SIM_MS(10));
    assert_int_equal(engine_run(&fx->engine, SIM_TIME_MAX), 3);
    static const int want[] = {1, 2, 0};
    assert_fired(fx, want, 3);
    assert_int_equal(fx->times[0], SIM_MS(10));
    assert_int_equal(fx->times[1], SIM_MS(20));
    assert_int_equal(fx->times[2], SIM_MS(30));
    /* until = MAX leaves the clock at the last event */
    assert_int_equal(engine_now(&fx->engine), SIM_MS(30));
    assert_int_equal(fx->engine.fired, 3);
    assert_int_equal(engine_next_time(&fx->engine), SIM_TIME_NEVER);
}

/* Inside a callback the fired timer is gone from the queue (its entry waits
 * at the root until an arm fills it or the callback returns): the next time
 * is the earliest of the others, or never. */
static void test_next_time_inside_a_callback_skips_the_fired_timer(void **state)
{
    struct fixture *fx = *state;
    arm(fx, 0, SIM_MS(10));
    arm(fx, 1, SIM_MS(10));
    arm(fx, 2, SIM_MS(20));
    fx->periodic_id = 2;
    fx->period = SIM_MS(5);
    fx->periodic_left = 1;
    assert_int_equal(engine_run(&fx->engine, SIM_TIME_MAX), 4);
    static const int want[] = {0, 1, 2, 2};
    assert_fired(fx, want, 4);
    assert_int_equal(fx->next_seen[0], SIM_MS(10)); /* timer 1, same instant */
    assert_int_equal(fx->next_seen[1], SIM_MS(20));
    assert_int_equal(fx->next_seen[2], SIM_TIME_NEVER); /* logged before its re-arm */
    assert_int_equal(fx->next_seen[3], SIM_TIME_NEVER);
    assert_int_equal(fx->times[3], SIM_MS(25));
}

static void test_equal_times_fire_in_arm_order(void **state)
{
    struct fixture *fx = *state;
    static const int arm_seq[] = {5, 2, 7, 0, 3, 1, 6, 4};
    for (int i = 0; i < 8; i++)
        arm(fx, arm_seq[i], SIM_MS(5));
    engine_run(&fx->engine, SIM_TIME_MAX);
    assert_fired(fx, arm_seq, 8);
}

static void test_arm_in_past_clamps_to_now(void **state)
{
    struct fixture *fx = *state;
    engine_run(&fx->engine, SIM_MS(100));
    assert_int_equal(engine_now(&fx->engine), SIM_MS(100));
    arm(fx, 0, SIM_MS(40));
    assert_int_equal(fx->t[0].timer.when, SIM_MS(100));
    engine_run(&fx->engine, SIM_TIME_MAX);
    assert_int_equal(fx->n, 1);
    assert_int_equal(fx->times[0], SIM_MS(100));
}

/* ---- re-arm ---- */

static void test_rearm_moves_timer_earlier(void **state)
{
    struct fixture *fx = *state;
    arm(fx, 0, SIM_MS(10));
    arm(fx, 1, SIM_MS(50));
    arm(fx, 1, SIM_MS(5));
    assert_int_equal(fx->engine.count, 2);
    engine_run(&fx->engine, SIM_TIME_MAX);
    static const int want[] = {1, 0};
    assert_fired(fx, want, 2);
    assert_int_equal(fx->times[0], SIM_MS(5));
}

static void test_rearm_moves_timer_later(void **state)
{
    struct fixture *fx = *state;
    arm(fx, 0, SIM_MS(10));
    arm(fx, 1, SIM_MS(20));
    arm(fx, 0, SIM_MS(30));
    assert_int_equal(fx->engine.count, 2);
    engine_run(&fx->engine, SIM_TIME_MAX);
    static const int want[] = {1, 0};
    assert_fired(fx, want, 2);
    assert_int_equal(fx->times[1], SIM_MS(30));
}

static void test_rearm_at_same_time_goes_behind_ties(void **state)
{
    struct fixture *fx = *state;
    arm(fx, 0, SIM_MS(10));
    arm(fx, 1, SIM_MS(10));
    arm(fx, 2, SIM_MS(10));
    arm(fx, 0, SIM_MS(10)); /* a new arm: now last among the ties */
    engine_run(&fx->engine, SIM_TIME_MAX);
    static const int want[] = {1, 2, 0};
    assert_fired(fx, want, 3);
}

/* ---- cancel ---- */

static void test_cancel_removes_timer(void **state)
{
    struct fixture *fx = *state;
    arm(fx, 0, SIM_MS(10));
    arm(fx, 1, SIM_MS(20));
    arm(fx, 2, SIM_MS(30));
    engine_cancel(&fx->engine, &fx->t[1].timer);
    assert_false(sim_timer_armed(&fx->t[1].timer));
    assert_int_equal(fx->engine.count, 2);
    engine_run(&fx->engine, SIM_TIME_MAX);
    static const int want[] = {0, 2};
    assert_fired(fx, want, 2);
}

static void test_cancel_of_unarmed_timer_is_harmless(void **state)
{
    struct fixture *fx = *state;
    engine_cancel(&fx->engine, &fx->t[3].timer); /* never armed */
    arm(fx, 0, SIM_MS(10));
    engine_cancel(&fx->engine, &fx->t[0].timer);
    engine_cancel(&fx->engine, &fx->t[0].timer); /* twice */
    assert_int_equal(fx->engine.count, 0);
    assert_int_equal(engine_run(&fx->engine, SIM_TIME_MAX), 0);
    assert_int_equal(fx->n, 0);
}

static void test_cancelled_timer_can_be_armed_again(void **state)
{
    struct fixture *fx = *state;
    arm(fx, 0, SIM_MS(10));
    engine_cancel(&fx->engine, &fx->t[0].timer);
    arm(fx, 0, SIM_MS(15));
    engine_run(&fx->engine, SIM_TIME_MAX);
    assert_int_equal(fx->n, 1);
    assert_int_equal(fx->times[0], SIM_MS(15));
}

/* ---- callbacks ---- */

static void test_callback_may_rearm_itself_periodically(void **state)
{
    struct fixture *fx = *state;
    fx->periodic_id = 0;
    fx->period = SIM_MS(7);
    fx->periodic_left = 4;
    arm(fx, 0, SIM_MS(7));
    assert_int_equal(engine_run(&fx->engine, SIM_TIME_MAX), 5);
    assert_int_equal(fx->n, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(fx->ids[i], 0);
        assert_int_equal(fx->times[i], SIM_MS(7) * (i + 1));
    }
    assert_false(sim_timer_armed(&fx->t[0].timer));
}

static void test_callback_may_cancel_another_pending_timer(void **state)
{
    struct fixture *fx = *state;
    fx->cancel_on_fire_id = 0;
    fx->cancel_target = 2;
    arm(fx, 0, SIM_MS(10));
    arm(fx, 1, SIM_MS(10));
    arm(fx, 2, SIM_MS(10)); /* same instant: due, but cancelled before it runs */
    arm(fx, 3, SIM_MS(20));
    engine_run(&fx->engine, SIM_TIME_MAX);
    static const int want[] = {0, 1, 3};
    assert_fired(fx, want, 3);
    assert_false(sim_timer_armed(&fx->t[2].timer));
}

/* ---- run limits and stop ---- */

static void test_run_until_stops_at_until_and_sets_now(void **state)
{
    struct fixture *fx = *state;
    arm(fx, 0, SIM_MS(10));
    arm(fx, 1, SIM_MS(20));
    arm(fx, 2, SIM_MS(30));
    assert_int_equal(engine_run(&fx->engine, SIM_MS(20)), 2); /* at or before until */
    assert_int_equal(engine_now(&fx->engine), SIM_MS(20));
    assert_int_equal(engine_run(&fx->engine, SIM_MS(25)), 0);
    assert_int_equal(engine_now(&fx->engine), SIM_MS(25));
    assert_true(sim_timer_armed(&fx->t[2].timer));
    assert_int_equal(engine_run(&fx->engine, SIM_MS(100)), 1);
    assert_int_equal(engine_now(&fx->engine), SIM_MS(100)); /* queue empty: advance */
    static const int want[] = {0, 1, 2};
    assert_fired(fx, want, 3);
}

static void test_run_until_earlier_than_now_never_moves_clock_back(void **state)
{
    struct fixture *fx = *state;
    engine_run(&fx->engine, SIM_MS(50));
    assert_int_equal(engine_run(&fx->engine, SIM_MS(10)), 0);
    assert_int_equal(engine_now(&fx->engine), SIM_MS(50));
}

static void test_stop_ends_run_after_current_event(void **state)
{
    struct fixture *fx = *state;
    fx->stop_on_fire_id = 1;
    arm(fx, 0, SIM_MS(10));
    arm(fx, 1, SIM_MS(20));
    arm(fx, 2, SIM_MS(20));
    arm(fx, 3, SIM_MS(40));
    assert_int_equal(engine_run(&fx->engine, SIM_MS(100)), 2);
    assert_int_equal(engine_now(&fx->engine), SIM_MS(20)); /* not advanced to until */
    assert_true(sim_timer_armed(&fx->t[2].timer));
    /* the next run starts afresh and finishes the queue */
    fx->stop_on_fire_id = -1;
    assert_int_equal(engine_run(&fx->engine, SIM_MS(100)), 2);
    assert_int_equal(engine_now(&fx->engine), SIM_MS(100));
    static const int want[] = {0, 1, 2, 3};
    assert_fired(fx, want, 4);
}

static void test_stop_before_run_is_forgotten(void **state)
{
    struct fixture *fx = *state;
    arm(fx, 0, SIM_MS(10));
    engine_stop(&fx->engine);
    assert_int_equal(engine_run(&fx->engine, SIM_TIME_MAX), 1);
}

/* ---- reservation: arming cannot fail ---- */

#define RS_TIMERS 1000 /* well past the initial heap capacity */

struct counted_timer {
    struct sim_timer timer;
    int *fired;
};

static void counted_fire(struct engine *engine, struct sim_timer *timer)
{
    (void)engine;
    (*container_of(timer, struct counted_timer, timer)->fired)++;
}

/* The slots are taken when the owners register their timers; arming them
 * afterwards allocates nothing (the heap does not move) and every armed
 * timer fires. */
static void test_arm_after_reserve_never_allocates_and_always_fires(void **state)
{
    (void)state;
    struct engine engine;
    struct counted_timer *t = calloc(RS_TIMERS, sizeof *t);
    int fired = 0;
    assert_non_null(t);
    assert_int_equal(engine_init(&engine), TS_OK);
    for (int i = 0; i < RS_TIMERS; i++) {
        t[i].fired = &fired;
        assert_int_equal(engine_timer_add(&engine, &t[i].timer, counted_fire), TS_OK);
    }
    assert_true(engine.capacity >= RS_TIMERS);
    struct engine_slot *heap = engine.heap;
    for (int i = 0; i < RS_TIMERS; i++)
        engine_arm(&engine, &t[i].timer, SIM_MS(RS_TIMERS - i));
    assert_ptr_equal(engine.heap, heap);
    assert_int_equal(engine.count, RS_TIMERS);
    assert_int_equal(engine_run(&engine, SIM_TIME_MAX), RS_TIMERS);
    assert_int_equal(fired, RS_TIMERS);
    for (int i = 0; i < RS_TIMERS; i++)
        engine_timer_del(&engine, &t[i].timer);
    assert_int_equal(engine.reserved, 0);
    engine_free(&engine);
    free(t);
}

/* Released slots are reused: an owner created and freed over and over (a
 * TCB per connection) does not grow the heap. */
static void test_released_slots_are_reused(void **state)
{
    (void)state;
    struct engine engine;
    struct counted_timer t = {.fired = NULL};
    int fired = 0;
    t.fired = &fired;
    assert_int_equal(engine_init(&engine), TS_OK);
    uint32_t capacity = engine.capacity;
    for (int i = 0; i < 10 * RS_TIMERS; i++) {
        assert_int_equal(engine_timer_add(&engine, &t.timer, counted_fire), TS_OK);
        engine_arm(&engine, &t.timer, engine_now(&engine) + 1);
        if (i % 2)
            engine_run(&engine, SIM_TIME_MAX);
        engine_timer_del(&engine, &t.timer);
    }
    assert_int_equal(engine.capacity, capacity);
    assert_int_equal(engine.reserved, 0);
    assert_int_equal(engine.count, 0);
    assert_int_equal(fired, 5 * RS_TIMERS);
    engine_free(&engine);
}

/* ---- randomized comparison with a reference model ---- */

/* The same random driver acts on two queues through this small interface:
 * the engine, and a sorted array that is obviously correct. */
#define RT_TIMERS 3000
#define RT_STEPS 20000

struct rt_ops {
    void (*arm)(void *q, int id, sim_time_t when);
    void (*cancel)(void *q, int id);
    bool (*armed)(void *q, int id);
    sim_time_t (*now)(void *q);
    void (*stop)(void *q);
};

struct rt_driver {
    const struct rt_ops *ops;
    void *q;
    struct rng rng;
    int *log; /* id of each timer fired, in order */
    sim_time_t *log_t; /* virtual time of each fire */
    size_t n, cap;
};

static void rt_log(struct rt_driver *d, int id, sim_time_t t)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 1024;
        d->log = realloc(d->log, d->cap * sizeof(*d->log));
        d->log_t = realloc(d->log_t, d->cap * sizeof(*d->log_t));
        assert_non_null(d->log);
        assert_non_null(d->log_t);
    }
    d->log[d->n] = id;
    d->log_t[d->n] = t;
    d->n++;
}

/* Small time spread so many timers tie; some arms are in the past (clamped). */
static sim_time_t rt_when(struct rt_driver *d)
{
    return d->ops->now(d->q) + (sim_time_t)rng_below(&d->rng, 200) - 20;
}

static void rt_on_fire(struct rt_driver *d, int id)
{
    rt_log(d, id, d->ops->now(d->q));
    uint64_t r = rng_below(&d->rng, 100);
    if (r < 40)
        d->ops->arm(d->q, id, rt_when(d)); /* periodic: re-arm itself */
    if (r >= 30 && r < 70) {
        int other = (int)rng_below(&d->rng, RT_TIMERS);
        d->ops->arm(d->q, other, rt_when(d));
    }
    if (r >= 60 && r < 85)
        d->ops->cancel(d->q, (int)rng_below(&d->rng, RT_TIMERS));
    if (r == 99)
        d->ops->stop(d->q);
}

/* engine side */
struct rt_engine {
    struct engine engine;
    struct rt_timer {
        struct sim_timer timer;
        int id;
        struct rt_driver *d;
    } t[RT_TIMERS];
};

static void rte_fire(struct engine *engine, struct sim_timer *timer)
{
    (void)engine;
    struct rt_timer *rt = container_of(timer, struct rt_timer, timer);
    rt_on_fire(rt->d, rt->id);
}
static void rte_arm(void *q, int id, sim_time_t when)
{
    struct rt_engine *e = q;
    engine_arm(&e->engine, &e->t[id].timer, when);
}
static void rte_cancel(void *q, int id)
{
    struct rt_engine *e = q;
    engine_cancel(&e->engine, &e->t[id].timer);
}
static bool rte_armed(void *q, int id)
{
    struct rt_engine *e = q;
    return sim_timer_armed(&e->t[id].timer);
}
static sim_time_t rte_now(void *q)
{
    struct rt_engine *e = q;
    return engine_now(&e->engine);
}
static void rte_stop(void *q)
{
    struct rt_engine *e = q;
    engine_stop(&e->engine);
}
static const struct rt_ops rte_ops = {rte_arm, rte_cancel, rte_armed, rte_now, rte_stop};

/* reference side: entries kept sorted by (when, order), earliest first */
struct rt_entry {
    sim_time_t when;
    uint64_t order;
    int id;
};
struct rt_ref {
    struct rt_entry e[RT_TIMERS];
    int n;
    uint64_t next_order;
    sim_time_t now;
    bool stopping;
};

static int rtr_find(const struct rt_ref *r, int id)
{
    for (int i = 0; i < r->n; i++)
        if (r->e[i].id == id)
            return i;
    return -1;
}
static void rtr_cancel(void *q, int id)
{
    struct rt_ref *r = q;
    int i = rtr_find(r, id);
    if (i < 0)
        return;
    memmove(&r->e[i], &r->e[i + 1], (size_t)(r->n - i - 1) * sizeof(r->e[0]));
    r->n--;
}
static void rtr_arm(void *q, int id, sim_time_t when)
{
    struct rt_ref *r = q;
    rtr_cancel(q, id);
    if (when < r->now)
        when = r->now;
    /* insert after every entry with when <= new when: new order is largest */
    int i = r->n;
    while (i > 0 && r->e[i - 1].when > when)
        i--;
    memmove(&r->e[i + 1], &r->e[i], (size_t)(r->n - i) * sizeof(r->e[0]));
    r->e[i] = (struct rt_entry){when, r->next_order++, id};
    r->n++;
}
static bool rtr_armed(void *q, int id)
{
    return rtr_find(q, id) >= 0;
}
static sim_time_t rtr_now(void *q)
{
    return ((struct rt_ref *)q)->now;
}
static void rtr_stop(void *q)
{
    ((struct rt_ref *)q)->stopping = true;
}
static const struct rt_ops rtr_ops = {rtr_arm, rtr_cancel, rtr_armed, rtr_now, rtr_stop};

static uint64_t rtr_run(struct rt_driver *d, sim_time_t until)
{
    struct rt_ref *r = d->q;
    uint64_t ran = 0;
    r->stopping = false;
    while (!r->stopping && r->n > 0 && r->e[0].when <= until) {
        struct rt_entry first = r->e[0];
        rtr_cancel(r, first.id);
        r->now = first.when;
        ran++;
        rt_on_fire(d, first.id);
    }
    if (!r->stopping && until != SIM_TIME_MAX && r->now < until)
        r->now = until;
    return ran;
}

static uint64_t rte_run(struct rt_driver *d, sim_time_t until)
{
    struct rt_engine *e = d->q;
    return engine_run(&e->engine, until);
}

/* Every heap slot points back at a timer that knows its slot; nothing else
 * is armed, so cancelled timers left no garbage. */
static void rte_check_slots(const struct rt_engine *e)
{
    uint32_t armed = 0;
    for (int i = 0; i < RT_TIMERS; i++) {
        uint32_t s = e->t[i].timer.slot;
        if (s == 0)
            continue;
        armed++;
        assert_true(s <= e->engine.count);
        assert_ptr_equal(e->engine.heap[s].timer, &e->t[i].timer);
        assert_int_equal(e->engine.heap[s].when, e->t[i].timer.when);
        assert_int_equal(e->engine.heap[s].order, e->t[i].timer.order);
    }
    assert_int_equal(armed, e->engine.count);
}

/* The outer script: external arms/cancels between bounded runs, then drain. */
static void rt_script(struct rt_driver *d, uint64_t (*run)(struct rt_driver *, sim_time_t),
                      void (*check)(struct rt_driver *))
{
    for (int step = 0; step < RT_STEPS; step++) {
        int ops = (int)rng_below(&d->rng, 8);
        for (int k = 0; k < ops; k++) {
            int id = (int)rng_below(&d->rng, RT_TIMERS);
            if (rng_below(&d->rng, 4) == 0)
                d->ops->cancel(d->q, id);
            else
                d->ops->arm(d->q, id, rt_when(d) + 100);
        }
        run(d, d->ops->now(d->q) + (sim_time_t)rng_below(&d->rng, 60));
        if (check != NULL)
            check(d);
    }
    /* drain; a stop inside a callback ends a run early, so run until empty */
    for (;;) {
        bool any = false;
        for (int i = 0; i < RT_TIMERS && !any; i++)
            any = d->ops->armed(d->q, i);
        if (!any)
            break;
        assert_true(run(d, SIM_TIME_MAX) > 0); /* progress, or the test would hang */
    }
}

static void rte_check(struct rt_driver *d)
{
    rte_check_slots(d->q);
}

struct rt_fixture {
    struct rt_engine e;
    struct rt_ref r;
    struct rt_driver de, dr;
};

static int rt_setup(void **state)
{
    struct rt_fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    assert_int_equal(engine_init(&f->e.engine), TS_OK);
    assert_int_equal(engine_reserve(&f->e.engine, RT_TIMERS), TS_OK);
    f->de = (struct rt_driver){.ops = &rte_ops, .q = &f->e};
    f->dr = (struct rt_driver){.ops = &rtr_ops, .q = &f->r};
    for (int i = 0; i < RT_TIMERS; i++) {
        sim_timer_init(&f->e.t[i].timer, rte_fire);
        f->e.t[i].id = i;
        f->e.t[i].d = &f->de;
    }
    *state = f;
    return 0;
}

static int rt_teardown(void **state)
{
    struct rt_fixture *f = *state;
    engine_free(&f->e.engine);
    free(f->de.log);
    free(f->de.log_t);
    free(f->dr.log);
    free(f->dr.log_t);
    free(f);
    return 0;
}

static void test_random_ops_match_sorted_array_reference(void **state)
{
    struct rt_fixture *f = *state;
    struct rt_driver *de = &f->de, *dr = &f->dr;
    rng_seed(&de->rng, 12345, 7);
    rng_seed(&dr->rng, 12345, 7);

    /* start with every timer armed so the heap is large from the start */
    for (int i = 0; i < RT_TIMERS; i++) {
        rte_arm(&f->e, i, (sim_time_t)(i * 7919 % 1000));
        rtr_arm(&f->r, i, (sim_time_t)(i * 7919 % 1000));
    }

    rt_script(de, rte_run, rte_check);
    rt_script(dr, rtr_run, NULL);

    assert_true(de->n > 100000); /* the comparison covered real work */
    assert_int_equal(de->n, dr->n);
    for (size_t i = 0; i < de->n; i++) {
        if (de->log[i] != dr->log[i] || de->log_t[i] != dr->log_t[i])
            fail_msg("fire %zu: engine timer %d at %lld, reference timer %d at %lld", i,
                     de->log[i], (long long)de->log_t[i], dr->log[i], (long long)dr->log_t[i]);
    }
    assert_int_equal(engine_now(&f->e.engine), f->r.now);
    assert_int_equal(f->e.engine.count, 0);
    assert_int_equal(f->e.engine.fired, de->n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define FX_TEST(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
        FX_TEST(test_timers_fire_in_time_order),
        FX_TEST(test_fire_limit_stops_a_never_ending_run),
        FX_TEST(test_next_time_inside_a_callback_skips_the_fired_timer),
        FX_TEST(test_equal_times_fire_in_arm_order),
        FX_TEST(test_arm_in_past_clamps_to_now),
        FX_TEST(test_rearm_moves_timer_earlier),
        FX_TEST(test_rearm_moves_timer_later),
        FX_TEST(test_rearm_at_same_time_goes_behind_ties),
        FX_TEST(test_cancel_removes_timer),
        FX_TEST(test_cancel_of_unarmed_timer_is_harmless),
        FX_TEST(test_cancelled_timer_can_be_armed_again),
        FX_TEST(test_callback_may_rearm_itself_periodically),
        FX_TEST(test_callback_may_cancel_another_pending_timer),
        FX_TEST(test_run_until_stops_at_until_and_sets_now),
        FX_TEST(test_run_until_earlier_than_now_never_moves_clock_back),
        FX_TEST(test_stop_ends_run_after_current_event),
        FX_TEST(test_stop_before_run_is_forgotten),
        cmocka_unit_test(test_arm_after_reserve_never_allocates_and_always_fires),
        cmocka_unit_test(test_released_slots_are_reused),
        cmocka_unit_test_setup_teardown(test_random_ops_match_sorted_array_reference,
                                        rt_setup, rt_teardown),
#undef FX_TEST
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
