/* The --explain sentences (trace_explain.c): each writes one indented line
 * of plain English about `ev` to `out`, under the timeline line trace_text.c
 * printed for it. Private to sim/trace/. */
#ifndef TCPSIM_TRACE_EXPLAIN_H
#define TCPSIM_TRACE_EXPLAIN_H

#include <stdio.h>

#include "tcpsim/trace.h"

/* seq and ack as the timeline shows them (relative, like tcpdump). */
void explain_seg(FILE *out, const struct trace_event *ev, tcp_seq seq, tcp_seq ack);
void explain_state(FILE *out, const struct trace_event *ev);
void explain_timer(FILE *out, const struct trace_event *ev);
void explain_app(FILE *out, const struct trace_event *ev);
void explain_cc(FILE *out, const struct trace_event *ev);

#endif
