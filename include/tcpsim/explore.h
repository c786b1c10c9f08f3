/* Exhaustive search for stuck states (tcpsim explore): every way to drop
 * up to K of the first N segments a scenario's hosts hand to the wire, each
 * run to completion under the invariant checker.
 *
 * A fault is "the Nth segment host H hands to the link": a drop rule
 * {from: H, flags: "*", nth: N} placed before the scenario's own faults
 * reproduces it. Runs are deterministic, so the run with faults F + {f}
 * is identical to the run with F up to f: the search only picks the next
 * fault among the segments after the previous one. */
#ifndef TCPSIM_EXPLORE_H
#define TCPSIM_EXPLORE_H

#include <stddef.h>
#include <stdint.h>

#include "tcpsim/invariants.h"
#include "tcpsim/scenario.h"

#define EXPLORE_MAX_FAULTS 8

struct explore_fault {
    int host;      /* the sender's host index */
    uint32_t nth;  /* its Nth segment handed to the link (1-based) */
    sim_time_t t;  /* when it was sent (for people) */
    uint8_t flags; /* what it was (for people) */
    uint32_t len;
};

struct explore_options {
    unsigned faults; /* K */
    unsigned first;  /* N */
    struct checked_run_options run;
    /* The clean invariants (every octet delivered, both ends CLOSED) hold
     * for faulted runs whenever the fault-free run keeps them. */
    bool auto_clean;
    double budget_s; /* stop after this much CPU time; 0 = none */
};

/* Called for each faulted run that breaks an invariant (and for the
 * fault-free run, with count 0, when it does). */
typedef void (*explore_found_fn)(void *ctx, const struct explore_fault *faults, size_t count,
                                 const struct checked_run *run);

struct explore_stats {
    uint64_t runs;
    uint64_t violating;
    bool base_clean;  /* the fault-free run kept the clean invariants */
    bool out_of_time; /* the budget ran out before the search finished */
    double seconds;   /* CPU time */
};

/* Returns 0 or an enum ts_err. */
int explore_run(const struct scenario *scenario, const struct explore_options *options,
                explore_found_fn found, void *ctx, struct explore_stats *stats);

/* Drop rules for `faults` in the order that reproduces them (later nth
 * first within a host: a rule hides what it drops from the rules after
 * it), as YAML flow mappings, one per line, each ending in '\n'. */
void explore_rules_yaml(const struct scenario *scenario, const struct explore_fault *faults,
                        size_t count, char *out, size_t size);

#endif
