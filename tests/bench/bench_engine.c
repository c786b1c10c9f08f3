/* Engine speed: events per wall-clock second for the classic hold model
 * (every fired timer re-arms itself after a random exponential delay, so the
 * number pending stays constant) at 1,000 and 1,000,000 pending, and for a
 * re-arm-heavy load (every fire also re-arms 4 other random timers, as a TCB
 * restarts its retransmit timer on every ACK). Built -O2 by `make bench`.
 *
 * Next to each hold run, the same hold loop on a bare binary heap of
 * (when, order) keys (schedule one, pop one: no owners, no callbacks, no
 * cancel) with the same delays: the limit on this machine in this run, so
 * the printed ratio engine/bare compares across machines and loads. Times
 * are process CPU seconds, so being descheduled on a shared machine does not
 * count (caches shared with other work still do). */
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
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: a loaded machine deschedules us */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the bare binary heap: 16-byte keys in a 1-based array. */
struct bare_key {
    sim_time_t when;
    uint64_t order;
};

static inline int bare_before(struct bare_key a, struct bare_key b)
{
    return a.when != b.when ? a.when < b.when : a.order < b.order;
}

static void bare_push(struct bare_key *h, uint32_t *n, struct bare_key k)
{
    uint32_t i = ++*n;
    while (i > 1 && bare_before(k, h[i / 2])) {
        h[i] = h[i / 2];
        i /= 2;
    }
    h[i] = k;
}

static struct bare_key bare_pop(struct bare_key *h, uint32_t *n)
{
    struct bare_key top = h[1], last = h[*n];
    uint32_t m = --*n, i = 1;
    for (;;) {
        uint32_t c = 2 * i;
        if (c > m)
            break;
        if (c + 1 <= m && bare_before(h[c + 1], h[c]))
            c++;
        if (!bare_before(h[c], last))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = last;
    return top;
}

static void bench_init_delays(struct bench *b)
{
    rng_seed(&b->rng, 1, RNG_STREAM_WORKLOAD);
    for (uint32_t i = 0; i < BENCH_EXP_SIZE; i++) {
        double u = (i + 0.5) / BENCH_EXP_SIZE;
        b->exp_delay[i] = (sim_time_t)(-log(u) * (double)BENCH_MEAN_DELAY) + 1;
    }
}

/* The hold loop on the bare heap; returns events per second (0 on ENOMEM). */
static double bare_run(uint32_t npending, uint64_t events)
{
    struct bench *b = calloc(1, sizeof(*b));
    struct bare_key *h = malloc(((size_t)npending + 1) * sizeof(*h));
    double rate = 0;
    if (b != NULL && h != NULL) {
        bench_init_delays(b);
        uint32_t n = 0;
        uint64_t order = 0;
        for (uint32_t i = 0; i < npending; i++)
            bare_push(h, &n, (struct bare_key){bench_delay(b), order++});
        double t0 = bench_seconds();
        for (uint64_t e = 0; e < events; e++) {
            struct bare_key k = bare_pop(h, &n);
            bare_push(h, &n, (struct bare_key){k.when + bench_delay(b), order++});
        }
        double dt = bench_seconds() - t0;
        rate = (double)events / dt;
        printf("bare binary heap hold %u pending: %llu events in %.2f CPU s = %.2f M events/s\n",
               npending, (unsigned long long)events, dt, rate / 1e6);
    }
    free(h);
    free(b);
    return rate;
}

/* Arms `ntimers` timers, runs `events` events and prints the rate. Setup and
 * the initial arming are not timed. Returns the rate (0 on allocation failure). */
static double bench_run(const char *label, uint32_t ntimers, uint64_t events, int rearm_others)
{
    double rate = 0;
    struct bench *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return 0;
    b->timers = calloc(ntimers, sizeof(*b->timers));
    if (b->timers == NULL || engine_init(&b->engine) != TS_OK) {
        free(b->timers);
        free(b);
        return 0;
    }
    bench_init_delays(b);
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
        rate = (double)ran / dt;
        printf("engine %s: %llu events in %.2f CPU s = %.2f M events/s\n", label,
               (unsigned long long)ran, dt, (double)ran / dt / 1e6);
        if (rearm_others > 0)
            printf("engine %s: %.1f M timer ops/s (each event = 1 fire + %d re-arms + 1 self re-arm)\n",
                   label, (double)ran * (rearm_others + 2) / dt / 1e6, rearm_others);
    }
    engine_free(&b->engine);
    free(b->timers);
    free(b);
    return rate;
}

/* Engine and bare heap alternately, `rounds` times each; prints the ratio of
 * the best engine rate to the best bare rate (the best of a few rounds is
 * what a loaded, shared machine lets each reach). */
static int bench_ratio(uint32_t npending, uint64_t events, int rounds)
{
    char label[64];
    double best_engine = 0, best_bare = 0;
    snprintf(label, sizeof(label), "hold %u pending", npending);
    for (int r = 0; r < rounds; r++) {
        double e = bench_run(label, npending, events, 0);
        double b = bare_run(npending, events);
        if (e == 0 || b == 0)
            return 1;
        best_engine = e > best_engine ? e : best_engine;
        best_bare = b > best_bare ? b : best_bare;
    }
    printf("engine/bare heap at %u pending: %.2fx (best of %d: %.2f vs %.2f M events/s)\n",
           npending, best_engine / best_bare, rounds, best_engine / 1e6, best_bare / 1e6);
    return 0;
}

int main(void)
{
    int rc = 0;
    rc |= bench_ratio(1000, 4000000, 3);
    rc |= bench_ratio(1000000, 1000000, 3);
    rc |= bench_run("re-arm x4, 10000 timers", 10000, 2000000, 4) == 0;
    if (rc != 0)
        fprintf(stderr, "bench_engine: out of memory\n");
    return rc;
}
