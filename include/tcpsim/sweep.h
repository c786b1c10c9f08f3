/* Parameter sweeps: a grid of --set values (the cross product of axes) and
 * one summary per run, written as a CSV row. */
#ifndef TCPSIM_SWEEP_H
#define TCPSIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SWEEP_MAX_AXES 16
#define SWEEP_MAX_RUNS 1000000u

struct sweep_axis {
    char *key;     /* "link.loss" */
    char **values; /* "0%", "1%", ... (a range A..B expanded) */
    size_t count;
};

struct sweep_grid {
    struct sweep_axis axes[SWEEP_MAX_AXES];
    size_t axis_count;
    size_t runs; /* product of the counts */
};

/* Adds an axis from "key=v1,v2,..." or "key=A..B" (integers). Returns 0, or
 * -1 with the reason in `error`. */
int sweep_grid_add(struct sweep_grid *grid, const char *spec, char *error, size_t error_size);
/* Run `index`'s overrides "key=value" into `sets` (room for axis_count),
 * each in `buf` (caller's, 4096 bytes per axis). The last axis varies
 * fastest. */
void sweep_grid_sets(const struct sweep_grid *grid, size_t index, char (*buf)[4096],
                     const char **sets);
void sweep_grid_free(struct sweep_grid *grid);

/* What one run did, in figures. */
struct run_summary {
    double completion_s; /* virtual time of the last application or state event */
    double goodput_bps;  /* octets the applications read, per second of that time */
    uint64_t delivered;  /* octets the applications read */
    uint64_t segments;   /* segments transmitted */
    uint64_t rexmit_rto, rexmit_fast, rexmit_tlp, probes;
    uint64_t timeouts;      /* retransmission timer firings */
    uint64_t drops;         /* segments the network dropped */
    char final_states[256]; /* "CLOSED:2 LISTEN:1": final state of every connection */
    size_t expect_passed, expect_total;
    bool cut;
};

/* Loads `file` with `overrides`, runs it and sums it up. Returns 0, or -1
 * with the loader's message in `error`. */
int run_summary_collect(const char *file, const char *const *overrides, size_t override_count,
                        struct run_summary *out, char *error, size_t error_size);

/* The CSV: a header naming the grid's keys, then one row per run. Values
 * are quoted when they need to be. */
void sweep_csv_header(FILE *out, const struct sweep_grid *grid);
void sweep_csv_row(FILE *out, const struct sweep_grid *grid, size_t index,
                   const struct run_summary *s);

#endif
