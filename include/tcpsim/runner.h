/* The runner turns a scenario into a run: it builds the world, schedules the
 * scripted application steps and faults, plays the applications (accepting,
 * reading, closing on EOF), runs the engine, and checks the expectations. */
#ifndef TCPSIM_RUNNER_H
#define TCPSIM_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

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

/* Octets delivered out of stream order on any connection (must be 0). */
uint64_t runner_stream_errors(const struct runner *runner);

void runner_free(struct runner *runner);

#endif
