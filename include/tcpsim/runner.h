/* The runner turns a scenario into a run: it builds the world, schedules the
 * scripted application steps and faults, plays the applications (accepting,
 * reading, closing on EOF), runs the engine, and checks the expectations. */
#ifndef TCPSIM_RUNNER_H
#define TCPSIM_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpsim/net.h"
#include "tcpsim/scenario.h"

struct runner;

/* Builds the world for `scenario` (which must outlive the runner). Add trace
 * sinks to runner_net(r)->tracer before runner_run. Returns 0 or an error. */
int runner_create(const struct scenario *scenario, struct runner **out);
struct net *runner_net(struct runner *runner);
/* Runs to the scenario's stop time (or until nothing is pending, with a
 * safety cap). Returns 0 or an error. */
int runner_run(struct runner *runner);
/* A run is cut short, so that no scenario runs (nearly) forever, when it has
 * no `stop:` and still has events pending at RUNNER_TIME_CAP of virtual
 * time, or when it has executed RUNNER_EVENT_LIMIT events. */
#define RUNNER_TIME_CAP SIM_S(30 * 24 * 3600)
#define RUNNER_TIME_CAP_TEXT "30 days"
#define RUNNER_EVENT_LIMIT 1000000000u
enum runner_cut {
    RUNNER_CUT_NONE,
    RUNNER_CUT_TIME_CAP,
    RUNNER_CUT_EVENT_LIMIT,
    RUNNER_CUT_WALL_LIMIT /* the caller's keep_going said stop (tcpsim --max-wall) */
};
enum runner_cut runner_cut(const struct runner *runner);
/* Virtual time the run ended at. */
sim_time_t runner_end_time(const struct runner *runner);

struct expect_result {
    const struct expectation *expect;
    bool pass;
    char detail[256]; /* "expected X, got Y" when it fails; what was seen otherwise */
};
/* Evaluates every expectation; `results` has room for scenario->expect_count.
 * Returns the number that failed. */
size_t runner_check(struct runner *runner, struct expect_result *results);

/* What each connection's byte streams came to, recorded when its socket
 * is released (or, for sockets still open, when the run ends): the
 * invariant checker (sim/check/) compares what one side's application
 * wrote with what the other side received. */
struct runner_conn {
    int host;    /* host index */
    uint32_t id; /* connection id (the timeline's "conn") */
    uint16_t local_port, remote_port;
    uint64_t written;  /* octets the application's send() calls accepted */
    uint64_t received; /* in-order octets received (read or not) */
    uint64_t bad;      /* octets whose stream offset did not match */
};
/* The records so far, in release order; valid until runner_free. */
const struct runner_conn *runner_conns(const struct runner *runner, size_t *count);
/* Replaces RUNNER_EVENT_LIMIT for this run (0 = the default). A soak or an
 * exhaustive search caps each run far lower, so a storm ends quickly. */
void runner_set_event_limit(struct runner *runner, uint64_t limit);
/* Asked every RUNNER_WALL_SLICE events whether to go on (the command line's
 * --max-wall reads a clock there; the runner itself never does, so a run
 * that is not cut is the same run). false cuts the run: RUNNER_CUT_WALL_LIMIT. */
#define RUNNER_WALL_SLICE 65536u
void runner_set_keep_going(struct runner *runner, bool (*keep_going)(void *ctx), void *ctx);

/* Octets delivered out of stream order on any connection (must be 0). */
uint64_t runner_stream_errors(const struct runner *runner);

void runner_free(struct runner *runner);

#endif
