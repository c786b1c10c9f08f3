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

#endif
