/* Runs a generated scenario through the loader and the checker, and
 * shrinks one that breaks an invariant to the fewest lines that still
 * break it (one line at a time, repeated until a pass removes nothing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"
#include "tcpsim/invariants.h"
#include "tcpsim/scengen.h"

int gen_scenario_check(const struct gen_scenario *g, const struct checked_run_options *o,
                       struct checked_run *out, char *error, size_t error_size)
{
    char *yaml = gen_scenario_yaml(g, NULL);
    if (!yaml)
        return TS_ENOMEM;
    char name[64];
    snprintf(name, sizeof name, "soak-%llu.yaml", (unsigned long long)g->seed);
    struct scenario sc;
    int rc = scenario_load_text(name, yaml, strlen(yaml), NULL, 0, &sc, error, error_size);
    free(yaml);
    if (rc != 0)
        return 2;
    struct checked_run_options opt = *o;
    opt.inv.clean = g->clean;
    opt.inv.strict_end = g->clean; /* a messy one may keep an idle connection's keep-alive */
    rc = checked_run(&sc, &opt, out);
    scenario_free(&sc);
    return rc;
}

size_t gen_scenario_shrink(struct gen_scenario *g, enum inv_kind kind,
                           const struct checked_run_options *o)
{
    size_t runs = 0;
    struct checked_run_options opt = *o;
    opt.twice = kind == INV_NONDETERMINISTIC;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = g->count; i-- > 0;) { /* steps first: they matter least */
            struct gen_line *l = &g->lines[i];
            if (l->fixed || !l->on)
                continue;
            l->on = false;
            struct checked_run run;
            char error[SCENARIO_ERROR_MAX];
            runs++;
            if (gen_scenario_check(g, &opt, &run, error, sizeof error) == 0 &&
                checked_run_has(&run, kind))
                changed = true;
            else
                l->on = true;
        }
    }
    return runs;
}
