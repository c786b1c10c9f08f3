/* Expectations (expect.c): a trace sink that records what the scenario's
 * `expect:` lines need, probes that sample socket counts at their instants,
 * and the check of each line once the run is over. It sees the run only
 * through the world (struct net), the scenario and the socket names: the
 * runner owns a struct expect and calls in; expect.c never calls back. */
#ifndef TCPSIM_EXPECT_H
#define TCPSIM_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sock_names.h"
#include "tcpsim/net.h"
#include "tcpsim/runner.h"
#include "tcpsim/scenario.h"

/* One recorded state or app event, kept only when some expectation needs
 * per-connection history. */
struct rec_event {
    sim_time_t t;
    uint32_t conn;
    uint8_t host;
    uint8_t kind; /* TRACE_STATE or TRACE_APP */
    uint8_t from, to;
    int16_t ret;
    int64_t value;    /* the count a successful app call returned */
    const char *call; /* static string from the model */
};

struct count_probe {
    struct sim_timer timer;
    struct expect *x;
    size_t expect_index;
    int64_t value;
    bool taken;
};

struct expect {
    const struct scenario *scenario;
    struct net *net;
    const struct sock_names *names;
    struct count_probe *probes;
    bool record; /* keep per-connection history (some line needs it) */
    struct rec_event *events;
    size_t event_count, event_cap;
    uint64_t *seg_counts; /* per expectation (EXPECT_SEG_COUNT, EXPECT_CALL_COUNT) */
    /* The expectations each event kind can count, so an event visits only
     * those: by_kind[0, seg_n) are the segment counts, by_kind[seg_n,
     * seg_n + call_n) the call counts (indices into the scenario's list). */
    uint32_t *by_kind;
    size_t seg_n, call_n;
};

/* Arms the probes and adds the recording sink to net's tracer, if some
 * expectation needs events (none does: no sink, nothing paid per event). */
int expect_setup(struct expect *x, const struct scenario *sc, struct net *net,
                 const struct sock_names *names);
void expect_teardown(struct expect *x);
/* Fills results[i] for each expectation of a run that ended at `end`;
 * returns how many failed. */
size_t expect_results(const struct expect *x, sim_time_t end, struct expect_result *results);

#endif
