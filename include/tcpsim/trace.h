/* The timeline: every observable thing the model does is an event handed to
 * a list of sinks (text, JSONL, CSV, pcap, expectations, counters). The model
 * never formats text itself; sinks know nothing the model needs. */
#ifndef TCPSIM_TRACE_H
#define TCPSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpsim/drop_reasons.h"
#include "tcpsim/payload.h"
#include "tcpsim/segment.h"
#include "tcpsim/tcp_state.h"
#include "tcpsim/time.h"

enum trace_kind {
    TRACE_SEG,   /* a segment sent, received or dropped */
    TRACE_STATE, /* a connection changed state */
    TRACE_TIMER, /* a timer was set, fired or cancelled */
    TRACE_APP,   /* an application call and its result */
    TRACE_CC,    /* congestion-control / RTT variables changed */
    TRACE_NOTE,  /* free-form annotation (e.g. "host crashed") */
};

enum trace_seg_dir { TRACE_TX, TRACE_RX, TRACE_DROP };

enum trace_timer_kind {
    TRACE_TIMER_REXMIT,
    TRACE_TIMER_PERSIST,
    TRACE_TIMER_KEEPALIVE,
    TRACE_TIMER_TIMEWAIT,
    TRACE_TIMER_FINWAIT2,
    TRACE_TIMER_DELACK,
    TRACE_TIMER_LINGER,
    TRACE_TIMER_TLP, /* RFC 8985 7.2 probe timeout (PTO), on the rexmit timer */
};
enum trace_timer_action { TRACE_TIMER_SET, TRACE_TIMER_FIRE, TRACE_TIMER_CANCEL };

struct trace_event {
    sim_time_t t;
    enum trace_kind kind;
    const char *host; /* host name, e.g. "client" */
    uint32_t conn;    /* connection id, unique within a host (0 = none) */
    union {
        struct {
            enum trace_seg_dir dir;
            const struct tcp_segment *seg;
            enum drop_reason why;                /* for drops (drop_reasons.h) */
            const struct payload_store *payload; /* literal bytes (NULL: generated only) */
        } seg;
        struct {
            enum tcp_state from;
            enum tcp_state to;
        } state;
        struct {
            enum trace_timer_kind timer;
            enum trace_timer_action action;
            sim_time_t expires; /* absolute, for "set" */
            uint32_t backoff;   /* retransmission count so far */
        } timer;
        struct {
            const char *call; /* "connect", "listen", "send", "recv", "close", ... */
            int ret;          /* enum ts_err; TS_OK = 0 */
            int64_t value;    /* bytes for send/recv, else 0 */
        } app;
        struct {
            uint32_t cwnd;     /* bytes */
            uint32_t ssthresh; /* bytes */
            uint32_t flight;   /* bytes in flight */
            sim_time_t srtt;
            sim_time_t rto;
        } cc;
        struct {
            const char *text;
        } note;
    } u;
};

struct trace_sink {
    void (*emit)(void *ctx, const struct trace_event *ev);
    void (*finish)(void *ctx); /* flush at the end of a run; may be NULL */
    void *ctx;
};

#define TRACE_MAX_SINKS 8

struct tracer {
    struct trace_sink sinks[TRACE_MAX_SINKS];
    int count;
};

static inline void tracer_init(struct tracer *tracer) { tracer->count = 0; }
/* Returns 0, or -1 when the sink list is full. */
int tracer_add(struct tracer *tracer, struct trace_sink sink);
void tracer_emit(const struct tracer *tracer, const struct trace_event *ev);
void tracer_finish(const struct tracer *tracer);
static inline int tracer_active(const struct tracer *tracer) { return tracer->count > 0; }

const char *trace_timer_name(enum trace_timer_kind timer);      /* "rexmit", ... */
const char *trace_timer_action_name(enum trace_timer_action a); /* "set", ... */
const char *trace_seg_dir_name(enum trace_seg_dir dir);         /* "tx", "rx", "drop" */

/* Formats an IPv4 address as dotted quad; `out` needs 16 bytes. */
void trace_format_addr(uint32_t addr, char out[16]);

/* The segment's options as the bytes on the wire, in Linux's layouts
 * (tcp_options_write: MSS; SACK-permitted packed with timestamps, else
 * NOP,NOP-padded; NOP,window scale), padded to 4 bytes. Returns the length
 * (0..TRACE_TCP_OPTIONS_MAX). Used by the pcap and text sinks so the text
 * timeline prints exactly what tcpdump would print from the pcap. */
#define TRACE_TCP_OPTIONS_MAX 40
size_t trace_tcp_options_encode(const struct tcp_segment *seg, uint8_t out[TRACE_TCP_OPTIONS_MAX]);
/* The options as tcpdump lists them inside "options [..]", e.g.
 * "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7"; with_nop false leaves the
 * NOP padding out ("mss 1460,wscale 7"). Empty when there are none. */
void trace_format_options(const struct tcp_segment *seg, bool with_nop, char *out, size_t size);
/* The same with SACK block edges printed relative to `sack_base` (tcpdump
 * prints them relative to the ISN of the acknowledged direction):
 * "nop,nop,TS val 1 ecr 2,nop,nop,sack 1 {1449:2897}". */
void trace_format_options_rel(const struct tcp_segment *seg, bool with_nop, tcp_seq sack_base,
                              char *out, size_t size);

#endif
