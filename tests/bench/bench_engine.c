/* Engine benchmarks: the hold model (each fired event re-arms itself a
 * random delay later) with 1,000 and 1,000,000 pending events, and a
 * re-arm-heavy run like TCBs moving their retransmission timers on ACKs. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tcpsim/engine.h"
#include "tcpsim/rng.h"

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct holder {
    struct sim_timer timer;
    struct rng *rng;
};

struct hold_world {
    struct rng rng;
    uint64_t budget;
};

static struct hold_world *world_of_hold;

static void hold_fire(struct engine *engine, struct sim_timer *timer)
{
    struct holder *h = container_of(timer, struct holder, timer);
    engine_arm(engine, timer, engine->now + 1 + (sim_time_t)rng_below(h->rng, SIM_MS(10)));
    if (engine->fired >= world_of_hold->budget)
        engine_stop(engine);
}

static void bench_hold(uint32_t pending, uint64_t events)
{
    struct engine e;
    struct hold_world w = {.budget = events};
    world_of_hold = &w;
    rng_seed(&w.rng, 1, 1);
    engine_init(&e);
    struct holder *hs = calloc(pending, sizeof *hs);
    for (uint32_t i = 0; i < pending; i++) {
        hs[i].rng = &w.rng;
        sim_timer_init(&hs[i].timer, hold_fire);
        engine_arm(&e, &hs[i].timer, (sim_time_t)rng_below(&w.rng, SIM_MS(10)));
    }
    double t0 = wall_seconds();
    engine_run(&e, SIM_TIME_MAX);
    double dt = wall_seconds() - t0;
    printf("engine hold %7u pending: %llu events in %.3f s = %.2f M events/s\n", pending,
           (unsigned long long)e.fired, dt, (double)e.fired / dt / 1e6);
    engine_free(&e);
    free(hs);
}

struct rearm_world {
    struct holder *timers;
    uint32_t count;
    struct rng rng;
    uint64_t rearms, budget;
};
static struct rearm_world *world_of_rearm;

static void rearm_fire(struct engine *engine, struct sim_timer *timer)
{
    struct rearm_world *w = world_of_rearm;
    for (int k = 0; k < 4; k++) {
        struct holder *other = &w->timers[rng_below(&w->rng, w->count)];
        engine_arm(engine, &other->timer, engine->now + SIM_MS(200) +
                                              (sim_time_t)rng_below(&w->rng, SIM_MS(10)));
        w->rearms++;
    }
    engine_arm(engine, timer, engine->now + SIM_MS(1) + (sim_time_t)rng_below(&w->rng, 1000));
    if (engine->fired >= w->budget)
        engine_stop(engine);
}

static void bench_rearm(uint32_t count, uint64_t events)
{
    struct engine e;
    struct rearm_world w = {.count = count, .budget = events};
    world_of_rearm = &w;
    rng_seed(&w.rng, 1, 2);
    engine_init(&e);
    w.timers = calloc(count, sizeof *w.timers);
    for (uint32_t i = 0; i < count; i++) {
        sim_timer_init(&w.timers[i].timer, rearm_fire);
        engine_arm(&e, &w.timers[i].timer, (sim_time_t)rng_below(&w.rng, SIM_MS(10)));
    }
    double t0 = wall_seconds();
    engine_run(&e, SIM_TIME_MAX);
    double dt = wall_seconds() - t0;
    printf("engine re-arm %u timers: %llu events + %llu re-arms in %.3f s = %.2f M events/s, "
           "%.2f M re-arms/s\n",
           count, (unsigned long long)e.fired, (unsigned long long)w.rearms, dt,
           (double)e.fired / dt / 1e6, (double)w.rearms / dt / 1e6);
    engine_free(&e);
    free(w.timers);
}

int main(void)
{
    bench_hold(1000, 10000000);
    bench_hold(1000000, 5000000);
    bench_rearm(10000, 2000000);
    return 0;
}
