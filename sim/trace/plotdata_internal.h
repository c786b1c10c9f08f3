/* Shared by the plot-data files (trace_plotdata.c records the run;
 * plotdata_*.c each write one kind of data file): the recorded events, the
 * ladder layout the meta file reports, and small formatting helpers. */
#ifndef TCPSIM_PLOTDATA_INTERNAL_H
#define TCPSIM_PLOTDATA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpsim/trace_sinks.h"

/* How a recorded segment ended. */
enum pd_end {
    PD_IN_FLIGHT, /* still on the wire when the run stopped */
    PD_ARRIVED,   /* rx at the other host */
    PD_LOST,      /* dropped by the link (loss, rule, queue, partition) */
    PD_CRASH_TX,  /* never sent: the sender was down */
    PD_CRASH_RX,  /* reached a receiver that was down */
};

struct pd_seg {
    sim_time_t t_send, t_end;
    uint64_t ord_send, ord_end; /* emission order, to break time ties */
    uint32_t src_addr, dst_addr;
    uint16_t src_port, dst_port;
    tcp_seq seq, ack;
    uint32_t len;
    uint16_t win;
    uint8_t flags, from, end, dup;
    uint8_t opts, wscale;
    uint32_t rexmit, conn;
    double y_send, y_end; /* ladder layout, display units */
};

struct pd_state {
    sim_time_t t;
    uint64_t ord;
    uint8_t host, from, to;
    uint32_t conn;
    double y;
};

struct pd_cc {
    sim_time_t t;
    uint8_t host;
    uint32_t conn, cwnd, ssthresh, flight;
    sim_time_t srtt, rto;
};

/* One direction of one connection, for relative sequence numbers. */
struct pd_flow {
    uint32_t src_addr, dst_addr;
    uint16_t src_port, dst_port;
    tcp_seq isn;
    bool has_isn, has_wscale;
    uint8_t wscale, from;
    uint32_t conn;
    uint64_t bytes;
};

#define PD_VEC(type, name)                                                                         \
    type *name;                                                                                    \
    size_t name##_count, name##_cap

struct trace_plotdata {
    struct trace_plotdata_files files;
    struct trace_plotdata_options opt;
    PD_VEC(struct pd_seg, segs);
    PD_VEC(struct pd_state, states);
    PD_VEC(struct pd_cc, ccs);
    PD_VEC(struct pd_flow, flows);
    size_t first_open; /* no segment before this index is in flight */
    uint64_t ord;
    sim_time_t last_t; /* time of the latest event */
    bool oom;
};

static inline double pd_sec(sim_time_t t) { return (double)t / 1e9; }

/* plotdata_util.c */
bool pd_in_window(const struct trace_plotdata *pd, sim_time_t t);
const struct pd_flow *pd_find_flow(const struct trace_plotdata *pd, uint32_t src_addr,
                                   uint16_t src_port, uint32_t dst_addr, uint16_t dst_port);
const struct pd_flow *pd_seg_flow(const struct trace_plotdata *pd, const struct pd_seg *g,
                                  bool reverse);
/* Sequence number relative to the flow's ISN (0 = the SYN), as tcpdump does. */
uint32_t pd_rel(const struct pd_flow *f, tcp_seq v);
/* "120 ms", "1.5 s", "60 s": a duration for people. */
void pd_duration(sim_time_t d, char *out, size_t size);
void pd_quote(FILE *out, const char *s);  /* gnuplot "..." string */
void pd_squote(FILE *out, const char *s); /* gnuplot '...' string */
/* The flow that carried the most payload (ties: the first), or NULL. */
const struct pd_flow *pd_main_flow(const struct trace_plotdata *pd);
bool pd_seg_in_flow(const struct pd_seg *g, const struct pd_flow *f, bool reverse);

/* Time span and row count of what a file holds (for meta.gp). */
struct pd_range {
    size_t rows;
    sim_time_t t0, t1;
    uint64_t ymax;
};
void pd_range_add(struct pd_range *r, sim_time_t t, uint64_t y);

/* plotdata_ladder.c */
struct pd_point {
    sim_time_t t;
    uint64_t ord;
    double *y;
    bool virtual_end; /* where a line that did not arrive stops: no time label */
};

struct pd_break {
    double y_a, y_b;
    sim_time_t t_a, t_b;
};

struct pd_ladder {
    struct pd_point *points;
    size_t count;
    struct pd_break *breaks;
    size_t break_count;
    size_t seg_first, seg_last; /* segments [first, last) are drawn */
    sim_time_t to;
    double ymax;
    sim_time_t delay;
};

/* Lays out and writes ladder.dat (when its FILE is set); `l` keeps the
 * layout for meta.gp. Returns 0 or TS_ENOMEM. */
int pd_write_ladder(struct trace_plotdata *pd, sim_time_t end, struct pd_ladder *l);

/* plotdata_states.c */
/* Connections in the order they are drawn: hosts[0]'s first, each host's
 * in order of first appearance. */
struct pd_conns {
    struct {
        uint8_t host;
        uint32_t conn;
        uint8_t state;
        bool seen;
    } * items;
    size_t count;
};

int pd_conn_index(const struct pd_conns *c, uint8_t host, uint32_t conn);
int pd_collect_conns(const struct trace_plotdata *pd, struct pd_conns *c);
void pd_write_states(const struct trace_plotdata *pd, const struct pd_conns *c, sim_time_t end,
                     sim_time_t to);

/* plotdata_counts.c */
void pd_write_counts(const struct trace_plotdata *pd, struct pd_conns *c, sim_time_t to,
                     bool present[TCP_STATE_COUNT]);

/* plotdata_seq.c */
void pd_write_seq(const struct trace_plotdata *pd, const struct pd_flow *f, struct pd_range *range,
                  size_t *n_ack);

/* plotdata_cc.c */
int pd_write_cc(const struct trace_plotdata *pd, const struct pd_flow *f, struct pd_range *range);

/* plotdata_meta.c */
struct pd_summary {
    const struct pd_ladder *ladder;
    size_t state_rows, seq_ack;
    struct pd_range seq, cc;
    int cc_index;
    bool states_present[TCP_STATE_COUNT], counts_present[TCP_STATE_COUNT];
    const struct pd_flow *flow;
    sim_time_t to;
};
void pd_write_meta(const struct trace_plotdata *pd, const struct pd_summary *m);

#endif
