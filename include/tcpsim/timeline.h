/* A timeline read back as data: the JSONL events of a run (ARCHITECTURE.md
 * contract), from a file or from running a scenario, so that two of them can
 * be compared (timeline_diff) or tallied (coverage). A JSONL file is
 * untrusted input: the reader reports file:line:col and never crashes. */
#ifndef TCPSIM_TIMELINE_H
#define TCPSIM_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpsim/time.h"

struct tl_field {
    const char *key;
    const char *val; /* strings unescaped; numbers and literals as written */
    bool is_string;
};

struct tl_event {
    sim_time_t t;
    const char *ev; /* "seg", "state", "timer", "app", "cc", "note" */
    size_t line;    /* in the JSONL (1-based), 0 when from a run */
    struct tl_field *fields;
    size_t count;
    char *buf; /* owns the keys and values */
};

struct timeline {
    char *name; /* where it came from, for messages */
    struct tl_event *events;
    size_t count, cap;
    bool cut; /* from a run the event limit cut */
};

/* Reads a JSONL timeline. Returns 0, or -1 with "name:line:col: what was
 * expected" in `error` (bad input, or out of memory). */
int timeline_read(FILE *in, const char *name, struct timeline *out, char *error, size_t error_size);
/* Loads the scenario `file` with `overrides` (as --set gives them), runs it
 * and keeps its timeline. Returns 0, or -1 with the loader's message. */
int timeline_run(const char *file, const char *const *overrides, size_t override_count,
                 struct timeline *out, char *error, size_t error_size);
void timeline_free(struct timeline *tl);
/* Keeps only the events whose "ev" is in the comma-separated `kinds`
 * ("seg,state"). Returns 0, or -1 when a kind is not one of seg, state,
 * timer, app, cc, note. */
int timeline_keep(struct timeline *tl, const char *kinds);
/* Checks a kinds list for timeline_keep: 0 when every kind is known. */
int timeline_kinds_valid(const char *kinds);

/* The value of `key` in `e`, or NULL. */
const char *tl_get(const struct tl_event *e, const char *key);

/* tcpdump's relative sequence numbers (print-tcp.c, as the text timeline
 * prints them), tracked over a timeline in order. */
struct tl_rel;
struct tl_rel *tl_rel_new(void);
void tl_rel_free(struct tl_rel *rel);
/* Updates the table with segment `e` and gives the seq/ack tcpdump would
 * print; *absolute is true when they are the raw numbers (a SYN, or the
 * first segment of a conversation). Returns false for a non-segment. */
bool tl_rel_seg(struct tl_rel *rel, const struct tl_event *e, uint32_t *seq, uint32_t *ack,
                bool *absolute);

/* Sequence and ack numbers of segment `e` relative to the ISNs of their
 * directions (learnt from the SYNs seen so far; ack 0 without ACK). Returns
 * false when an ISN is unknown (the raw numbers are left in *seq, *ack).
 * Keep one tl_rel for this and another for tl_rel_seg. */
bool tl_rel_isn(struct tl_rel *rel, const struct tl_event *e, uint32_t *seq, uint32_t *ack);

/* One line for `e` in the text timeline's notation (segments as tcpdump
 * prints them, with the host and direction in front); seq/ack from
 * tl_rel_seg when `rel` is given. */
void tl_format(const struct tl_event *e, struct tl_rel *rel, char *out, size_t size);

/* What counts as a difference. */
struct tl_diff_options {
    bool ignore_isn;                /* compare sequence numbers relative to the ISNs */
    bool ignore_window;             /* leave "win" out */
    sim_time_t time_tolerance;      /* times within this count as equal */
    const char *const *ignore_keys; /* further fields to leave out */
    size_t ignore_count;
};

struct tl_diff_result {
    bool same;
    size_t index;   /* of the first differing event (== count when one ended) */
    char what[512]; /* the fields that differ: "win: 65535 vs 29200" */
};

/* Walks both timelines in step and stops at the first event that differs
 * under `options`. Returns 0, or -1 when out of memory. */
int timeline_diff(const struct timeline *a, const struct timeline *b,
                  const struct tl_diff_options *options, struct tl_diff_result *result);

#endif
