/* libFuzzer target: load and run, with an event cap, then evaluate the
 * expectations. A scenario that loads must run to the cap or its end
 * without crashing, leaking or tripping a sanitizer. Inputs that ask for
 * more than a fuzzer can afford per input (huge workloads or floods) are
 * skipped: they are valid, only slow. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "tcpsim/runner.h"
#include "tcpsim/scenario.h"

#define FUZZ_EVENT_LIMIT 20000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int affordable(const struct scenario *sc)
{
    uint64_t conns = 0;
    for (size_t i = 0; i < sc->workload_count; i++)
        conns += sc->workloads[i].count;
    for (size_t i = 0; i < sc->step_count; i++)
        if (sc->steps[i].call == STEP_FLOOD)
            conns += sc->steps[i].flood_count;
    return conns <= 2000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scenario sc;
    char error[SCENARIO_ERROR_MAX];
    if (scenario_load_text("fuzz.yaml", (const char *)data, size, NULL, 0, &sc, error,
                           sizeof error) != 0)
        return 0;
    struct runner *r;
    if (affordable(&sc) && runner_create(&sc, &r) == 0) {
        runner_set_event_limit(r, FUZZ_EVENT_LIMIT);
        runner_run(r);
        struct expect_result *res = calloc(sc.expect_count + 1, sizeof *res);
        if (res)
            runner_check(r, res);
        free(res);
        runner_free(r);
    }
    scenario_free(&sc);
    return 0;
}
