/* Engine speed: events per wall-clock second for the classic hold model
 * (every fired timer re-arms itself after a random exponential delay, so the
 * number pending stays constant) at 1,000 and 1,000,000 pending, and for a
 * re-arm-heavy load (every fire also re-arms 4 other random timers, as a TCB
 * restarts its retransmit timer on every ACK). Built -O2 by `make bench`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tcpsim/engine.h"
#include "tcpsim/errors.h"
#include "tcpsim/rng.h"

#define BENCH_EXP_BITS 12
#define BENCH_EXP_SIZE (1u << BENCH_EXP_BITS)
#define BENCH_MEAN_DELAY SIM_MS(1)

struct bench {
    struct engine engine;
    struct rng rng;
    sim_time_t exp_delay[BENCH_EXP_SIZE]; /* exponential quantiles: no log() per event */
    uint64_t target;                      /* stop once this many events have fired */
    int rearm_others;                     /* timers re-armed besides the fired one */
    struct bench_timer *timers;
    uint32_t ntimers;
};

struct bench_timer {
    struct sim_timer timer;
    struct bench *bench;
};

static sim_time_t bench_delay(struct bench *b)
{
    return b->exp_delay[rng_next(&b->rng) >> (64 - BENCH_EXP_BITS)];
}

static void bench_fire(struct engine *engine, struct sim_timer *timer)
{
    struct bench *b = container_of(timer, struct bench_timer, timer)->bench;

    if (engine->fired >= b->target) {
        engine_stop(engine);
        return;
    }
    engine_arm_after(engine, timer, bench_delay(b));
    for (int i = 0; i < b->rearm_others; i++) {
        struct bench_timer *other = &b->timers[rng_below(&b->rng, b->ntimers)];
        engine_arm_after(engine, &other->timer, bench_delay(b));
    }
}

static double bench_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Arms `ntimers` timers, runs `events` events and prints the rate. Setup and
 * the initial arming are not timed. Returns 0, or 1 on allocation failure. */
static int bench_run(const char *label, uint32_t ntimers, uint64_t events, int rearm_others)
{
    struct bench *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return 1;
    b->timers = calloc(ntimers, sizeof(*b->timers));
    if (b->timers == NULL || engine_init(&b->engine) != TS_OK) {
        free(b->timers);
        free(b);
        return 1;
    }
    rng_seed(&b->rng, 1, RNG_STREAM_WORKLOAD);
    for (uint32_t i = 0; i < BENCH_EXP_SIZE; i++) {
        double u = (i + 0.5) / BENCH_EXP_SIZE;
        b->exp_delay[i] = (sim_time_t)(-log(u) * (double)BENCH_MEAN_DELAY) + 1;
    }
    b->ntimers = ntimers;
    b->rearm_others = rearm_others;
    int err = engine_reserve(&b->engine, ntimers);
    for (uint32_t i = 0; i < ntimers && err == TS_OK; i++) {
        b->timers[i].bench = b;
        sim_timer_init(&b->timers[i].timer, bench_fire);
        engine_arm(&b->engine, &b->timers[i].timer, bench_delay(b));
    }
    if (err == TS_OK) {
        b->target = events;
        double t0 = bench_seconds();
        uint64_t ran = engine_run(&b->engine, SIM_TIME_MAX);
        double dt = bench_seconds() - t0;
        printf("engine %s: %llu events in %.2f s = %.1f M events/s\n", label,
               (unsigned long long)ran, dt, (double)ran / dt / 1e6);
        if (rearm_others > 0)
            printf("engine %s: %.1f M timer ops/s (each event = 1 fire + %d re-arms + 1 self re-arm)\n",
                   label, (double)ran * (rearm_others + 2) / dt / 1e6, rearm_others);
    }
    engine_free(&b->engine);
    free(b->timers);
    free(b);
    return err == TS_OK ? 0 : 1;
}

int main(void)
{
    int rc = 0;
    rc |= bench_run("hold 1000 pending", 1000, 10000000, 0);
    rc |= bench_run("hold 1000000 pending", 1000000, 5000000, 0);
    rc |= bench_run("re-arm x4, 10000 timers", 10000, 2000000, 4);
    if (rc != 0)
        fprintf(stderr, "bench_engine: out of memory\n");
    return rc;
}
