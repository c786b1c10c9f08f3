/* Transition coverage: which arcs of the RFC 9293 state diagram (3.3.2,
 * Figure 5) a set of runs exercised, by which event (the segment received,
 * the application call or the timer that fired at that instant on that
 * host), how often and in which scenarios; and the arcs never exercised. */
#ifndef TCPSIM_COVERAGE_H
#define TCPSIM_COVERAGE_H

#include <stddef.h>
#include <stdio.h>

#include "tcpsim/tcp_state.h"
#include "tcpsim/trace.h"

/* One arc of Figure 5. */
struct coverage_arc {
    enum tcp_state from, to;
    const char *event;       /* as the figure labels it: "rcv SYN", "CLOSE", ... */
    const char *unreachable; /* why no socket API run can take it, or NULL */
};
extern const struct coverage_arc coverage_figure5[];
extern const size_t coverage_figure5_count;

struct coverage;
struct coverage *coverage_new(void);
void coverage_free(struct coverage *cov);
/* Starts the next run; its transitions are credited to `label` (copied).
 * Returns 0, or -1 when out of memory. */
int coverage_begin(struct coverage *cov, const char *label);
/* The sink to add to the run's tracer (after coverage_begin). */
struct trace_sink coverage_sink(struct coverage *cov);
/* Figure 5 arcs never exercised so far (those the socket API cannot reach
 * left out). */
size_t coverage_missing(const struct coverage *cov);

/* The report: the Figure 5 arcs (count, scenarios), the arcs never
 * exercised, every other transition seen, and the state x event matrix. */
void coverage_write_text(FILE *out, const struct coverage *cov);
/* One CSV row per (from, to, event) seen or in the figure:
 * from,to,event,in_figure,count,scenarios. Fields always quoted. */
void coverage_write_csv(FILE *out, const struct coverage *cov);

#endif
