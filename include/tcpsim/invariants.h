/* Invariants every run must keep, whatever the scenario and the faults:
 * checked over the timeline (a trace sink sees exactly the events the JSONL
 * timeline records) and, at the end, over the runner's per-connection byte
 * counts. Used by `tcpsim soak` (random scenarios) and `tcpsim explore`
 * (every way to drop up to K of the first N segments). */
#ifndef TCPSIM_INVARIANTS_H
#define TCPSIM_INVARIANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpsim/runner.h"
#include "tcpsim/trace.h"

enum inv_kind {
    INV_NO_END,           /* the run was cut (event cap, or time cap with strict_end) */
    INV_TRANSITION,       /* a state change RFC 9293's diagram (or a named Linux rule) lacks */
    INV_SEG_FROM_CLOSED,  /* a segment left a socket that was already CLOSED */
    INV_STUCK,            /* nothing pending, yet a connection waits in a state that owes
                             something (SYN_SENT, FIN_WAIT1, CLOSING, ...) */
    INV_STREAM,           /* octets delivered out of stream order */
    INV_DELIVERY,         /* clean run: octets written != octets received by the peer */
    INV_NOT_CLOSED,       /* clean run: a side did not end CLOSED (or never connected) */
    INV_NO_TIME_WAIT,     /* clean run: the active closer skipped TIME_WAIT */
    INV_PINGPONG,         /* pure ACKs answered by pure ACKs at once, again and again */
    INV_NONDETERMINISTIC, /* same scenario and seed, different timeline bytes */
    INV_KIND_COUNT
};

const char *inv_kind_name(enum inv_kind kind); /* "stuck", "transition", ... */

struct inv_options {
    /* Both applications close normally (shutdown or close after their
     * sends, reading everything) over a network that eventually delivers:
     * every octet written arrives exactly once, both sides end CLOSED. */
    bool clean;
    /* ... unless a RST was sent: an application that closes before it has
     * read everything resets a connection whose data comes late (Linux
     * tcp_rcv_state_process, RFC 2525 2.17), which a fault can cause. */
    bool reset_waives_clean;
    /* A run cut by the time cap (events still pending after 30 days) is a
     * violation: generated scenarios always wind down. */
    bool strict_end;
    /* Pure-ACK echoes in a row that count as a ping-pong; 0 = 8. */
    uint32_t pingpong_limit;
};

struct inv_violation {
    enum inv_kind kind;
    sim_time_t t;
    char detail[200];
};

struct inv_checker;

/* `host_names` are the scenario's two host names, in index order. */
struct inv_checker *inv_new(const struct inv_options *options, const char *const host_names[2]);
struct trace_sink inv_sink(struct inv_checker *checker);
/* The end-of-run checks (after runner_run). Returns the violations found
 * in all (one record per kind is kept: the first). */
size_t inv_finish(struct inv_checker *checker, const struct runner *runner);
/* Records a violation found outside the checker (non-determinism). */
void inv_add(struct inv_checker *checker, enum inv_kind kind, sim_time_t t, const char *detail);
/* The first violation of each kind seen, in kind order. */
size_t inv_violations(struct inv_checker *checker, const struct inv_violation **out);
void inv_free(struct inv_checker *checker);

/* One run of a scenario under the checker (sim/check/checked_run.c). */
struct checked_run_options {
    struct inv_options inv;
    uint64_t event_limit;     /* per run; 0 = the runner's */
    bool twice;               /* run again and compare the JSONL bytes (same seed, same bytes) */
    struct trace_sink *extra; /* another sink on the first run (explore's recorder), or NULL */
};
struct checked_run {
    size_t count; /* violation kinds seen, in `v` */
    struct inv_violation v[INV_KIND_COUNT];
    uint64_t events;     /* engine events the (first) run executed */
    enum runner_cut cut; /* whether and why the (first) run was cut */
    uint64_t jsonl_hash; /* FNV-1a of its JSONL timeline, when `twice` */
};
/* Returns 0, or an enum ts_err (out of memory). */
int checked_run(const struct scenario *scenario, const struct checked_run_options *options,
                struct checked_run *out);
/* Whether `run` shows a violation of `kind`. */
bool checked_run_has(const struct checked_run *run, enum inv_kind kind);

#endif
