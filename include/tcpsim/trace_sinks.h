/* The concrete timeline sinks: tcpdump-style text, JSONL, CSV and pcap.
 * Each is created over a FILE the caller owns, and exposed as a trace_sink. */
#ifndef TCPSIM_TRACE_SINKS_H
#define TCPSIM_TRACE_SINKS_H

#include <stdbool.h>
#include <stdio.h>

#include "tcpsim/trace.h"

struct trace_text_options {
    bool absolute_seq; /* tcpdump -S: print absolute sequence numbers */
    bool quiet;        /* segments only: no state/timer/app/cc lines */
    bool explain;      /* one plain sentence per event, for students */
};

struct trace_text;
struct trace_text *trace_text_new(FILE *out, const struct trace_text_options *options);
struct trace_sink trace_text_sink(struct trace_text *text);
void trace_text_free(struct trace_text *text);

struct trace_jsonl;
struct trace_jsonl *trace_jsonl_new(FILE *out);
struct trace_sink trace_jsonl_sink(struct trace_jsonl *jsonl);
void trace_jsonl_free(struct trace_jsonl *jsonl);

struct trace_csv;
struct trace_csv *trace_csv_new(FILE *out);
struct trace_sink trace_csv_sink(struct trace_csv *csv);
void trace_csv_free(struct trace_csv *csv);

/* Capture point: the named host's view (its tx and rx), or NULL for the wire
 * (every transmitted segment, including ones the link then drops). */
struct trace_pcap;
struct trace_pcap *trace_pcap_new(FILE *out, const char *capture_host);
struct trace_sink trace_pcap_sink(struct trace_pcap *pcap);
void trace_pcap_free(struct trace_pcap *pcap);

/* Gnuplot data for `tcpsim plot` (the scripts in plots/ read it): a ladder diagram,
 * state bars, sequence/time, congestion control and state counts. Events are
 * kept in memory; trace_plotdata_write lays them out and writes the files
 * once the run is over. Every FILE is the caller's. */
struct trace_plotdata_files {
    FILE *ladder; /* ladder.dat: segments, state labels, breaks, axis pieces */
    FILE *states; /* states.dat: [t_from, t_to, state] per host+conn */
    FILE *seq;    /* seq.dat: the main sender's segments and the acks it got */
    FILE *cc;     /* cc.dat: cwnd, ssthresh, srtt, rto per host+conn */
    FILE *counts; /* counts.dat: connections per state over time, per host */
    FILE *meta;   /* meta.gp: gnuplot variables describing the files */
};
struct trace_plotdata_options {
    const char *scenario;     /* name, for titles */
    const char *host_name[2]; /* hosts[0] is drawn on the left */
    uint32_t host_addr[2];
    sim_time_t delay_hint;      /* one-way delay to assume when none was seen */
    sim_time_t from, to;        /* window; to = SIM_TIME_NEVER for all */
    bool window_set;            /* from/to were given: no default ladder cut */
    size_t ladder_max_segments; /* default ladder cut (0 = no cut) */
};
struct trace_plotdata;
struct trace_plotdata *trace_plotdata_new(const struct trace_plotdata_files *files,
                                          const struct trace_plotdata_options *options);
struct trace_sink trace_plotdata_sink(struct trace_plotdata *pd);
/* Writes every file; `end` is when the run stopped (open intervals end
 * there). Returns 0, or TS_ENOMEM if an event could not be recorded. */
int trace_plotdata_write(struct trace_plotdata *pd, sim_time_t end);
void trace_plotdata_free(struct trace_plotdata *pd);

#endif
