/* Text timeline sink: one tcpdump-style line per segment on the wire, so
 * students see what they would see in `tcpdump -n`, plus (unless quiet) short
 * annotation lines for states, timers, socket calls, congestion control and
 * notes, and (with explain) one plain-English sentence under each event.
 *
 * Segments are printed once, when sent; a receiver's copy would repeat the
 * line. A drop repeats it behind "DROP(why)". Sequence numbers are relative
 * the way tcpdump makes them (print-tcp.c): only segments with ACK set are
 * looked up, by the 4-tuple in one collating order shared by both
 * directions; a SYN, or the first segment of an unknown conversation, records
 * the bases and is printed absolute. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"
#include "tcpsim/trace_sinks.h"

/* tcpdump's tcp_seq_hash entry: a conversation in collating order, with the
 * base of the sequence numbers (seq) and of the acks (ack) of segments
 * travelling in that order. */
struct text_isn {
    uint32_t src_addr, dst_addr;
    uint16_t src_port, dst_port;
    tcp_seq seq, ack;
    bool used;
};

struct trace_text {
    FILE *out;
    struct trace_text_options opt;
    /* Open addressing with linear probing, capacity a power of two, kept at
     * most half full; entries are never removed (as in tcpdump: a new SYN on
     * the same 4-tuple simply re-bases it). */
    struct text_isn *isn;
    size_t isn_cap;
    size_t isn_count;
};

#define TEXT_ISN_INITIAL_CAP 1024u
#define TEXT_EXPLAIN_INDENT "             "
#define TEXT_PAYLOAD_EXCERPT 48 /* octets of literal payload shown */

/* ---- the ISN table ---------------------------------------------------- */

static size_t text_isn_hash(const struct text_isn *k)
{
    /* splitmix64's finaliser over the 4-tuple: cheap and well mixed. */
    uint64_t x = (uint64_t)k->src_addr << 32 | k->dst_addr;
    x ^= ((uint64_t)k->src_port << 16 | k->dst_port) * 0x9e3779b97f4a7c15u;
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    x ^= x >> 31;
    return (size_t)x;
}

static bool text_isn_same(const struct text_isn *a, const struct text_isn *b)
{
    return a->src_addr == b->src_addr && a->dst_addr == b->dst_addr && a->src_port == b->src_port &&
           a->dst_port == b->dst_port;
}

static struct text_isn *text_isn_slot(struct text_isn *table, size_t cap,
                                      const struct text_isn *key)
{
    size_t i = text_isn_hash(key) & (cap - 1);
    while (table[i].used && !text_isn_same(&table[i], key))
        i = (i + 1) & (cap - 1);
    return &table[i];
}

static bool text_isn_grow(struct trace_text *text)
{
    size_t cap = text->isn_cap ? text->isn_cap * 2 : TEXT_ISN_INITIAL_CAP;
    struct text_isn *table = calloc(cap, sizeof *table);
    if (!table)
        return false;
    for (size_t i = 0; i < text->isn_cap; i++)
        if (text->isn[i].used)
            *text_isn_slot(table, cap, &text->isn[i]) = text->isn[i];
    free(text->isn);
    text->isn = table;
    text->isn_cap = cap;
    return true;
}

/* The entry for `key`, inserted unused if absent; NULL when out of memory. */
static struct text_isn *text_isn_lookup(struct trace_text *text, const struct text_isn *key)
{
    if ((text->isn_count + 1) * 2 > text->isn_cap && !text_isn_grow(text))
        return NULL;
    return text_isn_slot(text->isn, text->isn_cap, key);
}

/* Sets *seq and *ack to the numbers tcpdump would print for `seg`. */
static void text_shown_seq(struct trace_text *text, const struct tcp_segment *seg, tcp_seq *seq,
                           tcp_seq *ack)
{
    *seq = seg->seq;
    *ack = seg->ack;
    if (text->opt.absolute_seq || !(seg->flags & TCP_ACK))
        return;
    bool rev = seg->src_port > seg->dst_port ||
               (seg->src_port == seg->dst_port && seg->src_addr > seg->dst_addr);
    struct text_isn key = {0};
    key.src_addr = rev ? seg->dst_addr : seg->src_addr;
    key.dst_addr = rev ? seg->src_addr : seg->dst_addr;
    key.src_port = rev ? seg->dst_port : seg->src_port;
    key.dst_port = rev ? seg->src_port : seg->dst_port;
    struct text_isn *e = text_isn_lookup(text, &key);
    if (!e)
        return; /* out of memory: absolute numbers are still correct */
    if (!e->used || (seg->flags & TCP_SYN)) {
        if (!e->used)
            text->isn_count++;
        *e = key;
        e->used = true;
        e->seq = rev ? seg->ack - 1 : seg->seq;
        e->ack = rev ? seg->seq : seg->ack - 1;
        return;
    }
    *seq -= rev ? e->ack : e->seq;
    *ack -= rev ? e->seq : e->ack;
}

/* ---- line pieces ------------------------------------------------------ */

/* Seconds since the start, microsecond precision: "  0.100000". */
static void text_time(char out[32], sim_time_t t)
{
    const char *sign = t < 0 ? "-" : "";
    uint64_t abs_t = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
    snprintf(out, 32, "%s%3" PRIu64 ".%06" PRIu64, sign, abs_t / 1000000000u,
             abs_t % 1000000000u / 1000u);
}

/* Starts an annotation line: time and "host#conn ". */
static void text_begin(struct trace_text *text, const struct trace_event *ev)
{
    char when[32];
    text_time(when, ev->t);
    fprintf(text->out, "%s %s", when, ev->host ? ev->host : "?");
    if (ev->conn)
        fprintf(text->out, "#%" PRIu32, ev->conn);
    putc(' ', text->out);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
text_explain(struct trace_text *text, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(TEXT_EXPLAIN_INDENT, text->out);
    vfprintf(text->out, fmt, ap);
    putc('\n', text->out);
    va_end(ap);
}

static const char *text_host(const struct trace_event *ev)
{
    return ev->host ? ev->host : "the host";
}

/* ---- segments --------------------------------------------------------- */

static const char *text_rexmit_note(uint32_t why)
{
    switch (why) {
    case SEG_REXMIT_RTO: return "retransmission: rto";
    case SEG_REXMIT_FAST: return "retransmission: fast";
    case SEG_PROBE_KEEPALIVE: return "probe: keepalive";
    case SEG_PROBE_ZERO_WINDOW: return "probe: zero window";
    case SEG_REXMIT_TLP: return "retransmission: tlp";
    default: return "retransmission";
    }
}

static const char *text_drop_reason(const char *why)
{
    if (!why)
        return "this segment was dropped";
    if (strcmp(why, "loss") == 0)
        return "the network lost this segment";
    if (strcmp(why, "rule") == 0)
        return "a scripted fault dropped this segment";
    if (strcmp(why, "queue") == 0)
        return "the link's queue was full, so this segment was dropped (tail drop)";
    if (strcmp(why, "partition") == 0)
        return "the network is partitioned: this segment cannot reach the other host";
    if (strcmp(why, "crashed") == 0)
        return "the receiving host is down, so nobody takes this segment";
    if (strcmp(why, "SYN queue full") == 0)
        return "the listener's SYN queue is full and SYN cookies are off: the SYN is dropped";
    if (strcmp(why, "max_syn_backlog") == 0)
        return "without SYN cookies Linux keeps the last quarter of tcp_max_syn_backlog for "
               "peers it knows: this SYN is dropped";
    if (strcmp(why, "accept queue full") == 0)
        return "the accept queue is full (the application is not calling accept() fast "
               "enough): Linux drops this segment and the peer must retry";
    if (strcmp(why, "no such host") == 0)
        return "no host has this destination address (it was forged): the segment is "
               "discarded";
    return "this segment was dropped";
}

static void text_explain_seg(struct trace_text *text, const struct trace_event *ev, tcp_seq seq,
                             tcp_seq ack)
{
    const struct tcp_segment *seg = ev->u.seg.seg;
    const char *h = text_host(ev);
    if (ev->u.seg.dir == TRACE_DROP) {
        text_explain(text, "%s", text_drop_reason(ev->u.seg.why));
        return;
    }
    switch (seg->retransmit) {
    case SEG_FIRST: break;
    case SEG_REXMIT_RTO:
        text_explain(text,
                     "%s's retransmission timer expired with no ACK, so it sends this "
                     "segment again",
                     h);
        return;
    case SEG_REXMIT_FAST:
        text_explain(text,
                     "%s got three duplicate ACKs, a sign this segment was lost, and "
                     "resends it without waiting for the timer (fast retransmit)",
                     h);
        return;
    case SEG_PROBE_KEEPALIVE:
        text_explain(text,
                     "%s has heard nothing for a long time and sends a keepalive probe "
                     "to check that the peer is still there",
                     h);
        return;
    case SEG_PROBE_ZERO_WINDOW:
        text_explain(text,
                     "the peer's receive window is zero: %s sends a probe to learn "
                     "when it opens again",
                     h);
        return;
    case SEG_REXMIT_TLP:
        text_explain(text,
                     "no ACK for the tail of the flight within about two round trips: "
                     "%s resends its last segment as a tail loss probe (RFC 8985 7), "
                     "so the ACK it draws can repair the loss before the RTO",
                     h);
        return;
    default: text_explain(text, "%s sends this segment again", h); return;
    }
    if (seg->flags & TCP_RST)
        text_explain(text,
                     "%s resets the connection: RST aborts it at once, without the "
                     "orderly FIN exchange",
                     h);
    else if ((seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
        text_explain(text,
                     "%s asks to open a connection: SYN with its initial sequence "
                     "number",
                     h);
    else if (seg->flags & TCP_SYN)
        text_explain(text,
                     "%s accepts: its SYN-ACK acknowledges the peer's SYN and carries "
                     "its own initial sequence number",
                     h);
    else if ((seg->flags & TCP_FIN) && seg->len)
        text_explain(text,
                     "%s sends its last %" PRIu32 " bytes with a FIN: it has no more "
                     "data to send",
                     h, seg->len);
    else if (seg->flags & TCP_FIN)
        text_explain(text,
                     "%s has no more data to send: its FIN closes its direction of the "
                     "connection (it can still receive)",
                     h);
    else if (seg->len)
        text_explain(text,
                     "%s sends %" PRIu32 " bytes of data, sequence numbers %" PRIu32 " to %" PRIu32,
                     h, seg->len, seq, seq + seg->len - 1);
    else if ((seg->flags & TCP_ACK) && seg->win == 0)
        text_explain(text,
                     "%s acknowledges and advertises a zero window: its receive buffer "
                     "is full, so the peer must stop sending",
                     h);
    else if (seg->flags & TCP_ACK)
        text_explain(text,
                     "%s acknowledges everything the peer sent before sequence number "
                     "%" PRIu32,
                     h, ack);
    else
        text_explain(text, "%s sends an empty segment", h);
}

/* A segment carrying text a scenario sent: an annotation line with the start
 * of it, escaped (the tcpdump line above stays exactly tcpdump's). */
static void text_payload(struct trace_text *text, const struct trace_event *ev)
{
    const struct tcp_segment *seg = ev->u.seg.seg;
    if (!payload_is_literal(ev->u.seg.payload, seg))
        return;
    struct tcp_segment head = *seg;
    if (head.len > TEXT_PAYLOAD_EXCERPT)
        head.len = TEXT_PAYLOAD_EXCERPT;
    uint8_t bytes[TEXT_PAYLOAD_EXCERPT];
    char shown[4 * TEXT_PAYLOAD_EXCERPT + 4];
    payload_fill(ev->u.seg.payload, &head, bytes);
    payload_escape(bytes, seg->len, TEXT_PAYLOAD_EXCERPT, shown);
    text_begin(text, ev);
    fprintf(text->out, "payload \"%s\"\n", shown);
}

static void text_seg(struct trace_text *text, const struct trace_event *ev)
{
    const struct tcp_segment *seg = ev->u.seg.seg;
    char when[32], src[16], dst[16], flags[8], opts[256];
    tcp_seq seq, ack;

    /* A receiver's copy repeats the sender's line: not printed. */
    if (!seg || ev->u.seg.dir == TRACE_RX)
        return;
    text_shown_seq(text, seg, &seq, &ack);
    text_time(when, ev->t);
    trace_format_addr(seg->src_addr, src);
    trace_format_addr(seg->dst_addr, dst);
    segment_flags_tcpdump(seg->flags, flags);

    FILE *out = text->out;
    fputs(when, out);
    if (ev->u.seg.dir == TRACE_DROP)
        fprintf(out, " DROP(%s)", ev->u.seg.why ? ev->u.seg.why : "?");
    fprintf(out, " IP %s.%u > %s.%u: Flags [%s]", src, (unsigned)seg->src_port, dst,
            (unsigned)seg->dst_port, flags);
    /* tcpdump prints seq only when the segment occupies sequence space or
     * resets: a pure ACK shows just its ack. */
    if (seg->len || (seg->flags & (TCP_SYN | TCP_FIN | TCP_RST))) {
        fprintf(out, ", seq %" PRIu32, seq);
        if (seg->len)
            fprintf(out, ":%" PRIu32, (tcp_seq)(seq + seg->len));
    }
    if (seg->flags & TCP_ACK)
        fprintf(out, ", ack %" PRIu32, ack);
    fprintf(out, ", win %u", (unsigned)seg->win);
    if (seg->flags & TCP_URG)
        fprintf(out, ", urg %u", (unsigned)seg->urg_ptr);
    if (seg->opts) {
        trace_format_options_rel(seg, true, (tcp_seq)(seg->ack - ack), opts, sizeof opts);
        fprintf(out, ", options [%s]", opts);
    }
    fprintf(out, ", length %" PRIu32, seg->len);
    if (seg->retransmit != SEG_FIRST)
        fprintf(out, " [%s]", text_rexmit_note(seg->retransmit));
    putc('\n', out);
    if (!text->opt.quiet)
        text_payload(text, ev);
    if (text->opt.explain)
        text_explain_seg(text, ev, seq, ack);
}

/* ---- states ----------------------------------------------------------- */

static void text_explain_state(struct trace_text *text, const struct trace_event *ev)
{
    const char *h = text_host(ev);
    enum tcp_state from = ev->u.state.from;
    switch (ev->u.state.to) {
    case TCP_CLOSED:
        if (from == TCP_TIME_WAIT)
            text_explain(text,
                         "2MSL has passed: %s forgets the connection and its port can be "
                         "used again",
                         h);
        else if (from == TCP_LAST_ACK)
            text_explain(text, "%s's FIN was acknowledged: the connection is fully closed", h);
        else if (from == TCP_SYN_SENT)
            text_explain(text,
                         "%s's attempt to open the connection ended without a "
                         "connection",
                         h);
        else
            text_explain(text, "%s's connection is closed and its state released", h);
        break;
    case TCP_LISTEN:
        text_explain(text, "%s waits for connection requests (a passive open)", h);
        break;
    case TCP_SYN_SENT:
        text_explain(text, "%s has sent a SYN and waits for the peer's SYN-ACK", h);
        break;
    case TCP_SYN_RECV:
        if (from == TCP_SYN_SENT)
            text_explain(text,
                         "both sides sent a SYN at once (simultaneous open): %s waits "
                         "for the ACK of its own SYN",
                         h);
        else
            text_explain(text,
                         "%s received a SYN and answered with a SYN-ACK; it waits for "
                         "the final ACK of the three-way handshake",
                         h);
        break;
    case TCP_ESTABLISHED:
        if (from == TCP_SYN_SENT)
            text_explain(text,
                         "%s received the SYN-ACK and acknowledges it: the connection is "
                         "open and data can flow",
                         h);
        else if (from == TCP_SYN_RECV)
            text_explain(text,
                         "%s received the last ACK of the three-way handshake: the "
                         "connection is open",
                         h);
        else
            text_explain(text, "%s's connection is open: data can flow both ways", h);
        break;
    case TCP_CLOSE_WAIT:
        text_explain(text,
                     "%s received the peer's FIN: the peer will send no more data, and "
                     "%s's application should close its side too",
                     h, h);
        break;
    case TCP_FIN_WAIT1:
        text_explain(text, "%s has sent its FIN and waits for it to be acknowledged", h);
        break;
    case TCP_CLOSING:
        text_explain(text,
                     "both sides sent a FIN at the same time: %s waits for the ACK of "
                     "its own FIN",
                     h);
        break;
    case TCP_LAST_ACK:
        text_explain(text, "%s has sent its FIN after the peer's and waits for the last ACK", h);
        break;
    case TCP_FIN_WAIT2:
        text_explain(text, "%s's FIN was acknowledged: it waits for the peer to close its side", h);
        break;
    case TCP_TIME_WAIT:
        text_explain(text,
                     "%s waits 2MSL so that late segments of this connection die out "
                     "before the port is reused",
                     h);
        break;
    case TCP_STATE_COUNT: break;
    }
}

static void text_state(struct trace_text *text, const struct trace_event *ev)
{
    text_begin(text, ev);
    fprintf(text->out, "state %s -> %s\n", tcp_state_name(ev->u.state.from),
            tcp_state_name(ev->u.state.to));
    if (text->opt.explain)
        text_explain_state(text, ev);
}

/* ---- timers ----------------------------------------------------------- */

static void text_explain_fire(struct trace_text *text, const struct trace_event *ev)
{
    const char *h = text_host(ev);
    switch (ev->u.timer.timer) {
    case TRACE_TIMER_REXMIT:
        text_explain(text,
                     "no ACK came before the retransmission timeout: %s resends the "
                     "oldest unacknowledged segment and doubles its timeout "
                     "(RFC 6298 5.5)",
                     h);
        break;
    case TRACE_TIMER_PERSIST:
        text_explain(text,
                     "the peer's window is still zero: %s probes it, so a lost window "
                     "update cannot stall the connection forever",
                     h);
        break;
    case TRACE_TIMER_KEEPALIVE:
        text_explain(text,
                     "the connection has been idle for the keepalive time: %s checks "
                     "whether the peer is still there",
                     h);
        break;
    case TRACE_TIMER_TIMEWAIT:
        text_explain(text, "2MSL has passed: %s's TIME_WAIT connection can be removed", h);
        break;
    case TRACE_TIMER_FINWAIT2:
        text_explain(text,
                     "the peer did not close its side in time: %s stops waiting in "
                     "FIN_WAIT2",
                     h);
        break;
    case TRACE_TIMER_DELACK:
        text_explain(text,
                     "the delayed-ACK timer expired: %s sends the ACK it was holding "
                     "back",
                     h);
        break;
    case TRACE_TIMER_LINGER:
        text_explain(text,
                     "the linger time ran out: %s stops waiting for its data to be "
                     "acknowledged",
                     h);
        break;
    case TRACE_TIMER_TLP:
        text_explain(text,
                     "the probe timeout (about two round trips) passed with data "
                     "unacknowledged: %s sends a tail loss probe (RFC 8985 7.3)",
                     h);
        break;
    }
}

static void text_timer(struct trace_text *text, const struct trace_event *ev)
{
    const char *name = trace_timer_name(ev->u.timer.timer);
    char when[32];
    /* Arming and disarming happen on almost every segment: too noisy
     * except for students who asked for everything. */
    if (ev->u.timer.action != TRACE_TIMER_FIRE && !text->opt.explain)
        return;
    text_begin(text, ev);
    switch (ev->u.timer.action) {
    case TRACE_TIMER_SET:
        text_time(when, ev->u.timer.expires);
        fprintf(text->out, "timer %s set, expires %s", name, when + strspn(when, " "));
        break;
    case TRACE_TIMER_FIRE: fprintf(text->out, "timer %s fired", name); break;
    case TRACE_TIMER_CANCEL: fprintf(text->out, "timer %s cancelled", name); break;
    }
    if (ev->u.timer.backoff > 0)
        fprintf(text->out, " (backoff %" PRIu32 ")", ev->u.timer.backoff);
    putc('\n', text->out);
    if (!text->opt.explain)
        return;
    if (ev->u.timer.action == TRACE_TIMER_FIRE)
        text_explain_fire(text, ev);
    else if (ev->u.timer.action == TRACE_TIMER_SET)
        text_explain(text,
                     "%s starts its %s timer: it fires then unless it is cancelled "
                     "first",
                     text_host(ev), name);
    else
        text_explain(text, "%s stops its %s timer: what it was waiting for has happened",
                     text_host(ev), name);
}

/* ---- socket calls ----------------------------------------------------- */

static const char *text_err_why(int err)
{
    switch (err) {
    case TS_ECONNREFUSED: return "the peer answered with RST: nothing listens on that port";
    case TS_ECONNRESET: return "the peer reset the connection with RST";
    case TS_ETIMEDOUT: return "the peer never answered and TCP gave up retransmitting";
    case TS_EPIPE: return "the connection is already closed for sending";
    case TS_EINPROGRESS: return "the handshake has started and finishes later";
    default: return ts_err_message(err);
    }
}

/* Text that did not come from this file's own format strings: a control
 * character in it (an ESC that would drive the terminal, a line break that
 * would forge a line) is shown as \xNN. */
static void text_put_escaped(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\x%02x", *p);
        else
            putc(*p, out);
    }
}

static void text_app(struct trace_text *text, const struct trace_event *ev)
{
    const char *call = ev->u.app.call ? ev->u.app.call : "?";
    text_begin(text, ev);
    text_put_escaped(text->out, call);
    if (ev->u.app.ret == TS_OK)
        fprintf(text->out, "() = %" PRId64 "\n", ev->u.app.value);
    else
        fprintf(text->out, "() = %s\n", ts_err_name(ev->u.app.ret));
    if (!text->opt.explain)
        return;
    const char *h = text_host(ev);
    if (ev->u.app.ret != TS_OK)
        text_explain(text, "the application on %s called %s() and got %s: %s", h, call,
                     ts_err_name(ev->u.app.ret), text_err_why(ev->u.app.ret));
    else if (ev->u.app.value == 0 && strcmp(call, "recv") == 0)
        text_explain(text,
                     "recv() returned 0 on %s: the peer closed its side, so this is the "
                     "end of the data",
                     h);
    else if (ev->u.app.value != 0)
        text_explain(text, "the application on %s called %s(), which handled %" PRId64 " bytes", h,
                     call, ev->u.app.value);
    else
        text_explain(text, "the application on %s called %s(), which succeeded", h, call);
}

/* ---- congestion control ----------------------------------------------- */

/* "20.0ms", or "150us" below a millisecond. */
static void text_duration(char out[32], sim_time_t ns)
{
    if (ns < 0)
        snprintf(out, 32, "-");
    else if (ns < SIM_MS(1))
        snprintf(out, 32, "%" PRId64 "us", (ns + 500) / 1000);
    else
        snprintf(out, 32, "%" PRId64 ".%" PRId64 "ms", (ns + 50000) / 1000000,
                 (ns + 50000) / 100000 % 10);
}

static void text_cc(struct trace_text *text, const struct trace_event *ev)
{
    char srtt[32], rto[32];
    text_duration(srtt, ev->u.cc.srtt);
    text_duration(rto, ev->u.cc.rto);
    text_begin(text, ev);
    fprintf(text->out, "cwnd %" PRIu32 " ssthresh ", ev->u.cc.cwnd);
    if (ev->u.cc.ssthresh == UINT32_MAX)
        fputs("inf", text->out); /* not yet set: RFC 5681 3.1 "arbitrarily high" */
    else
        fprintf(text->out, "%" PRIu32, ev->u.cc.ssthresh);
    fprintf(text->out, " flight %" PRIu32 " srtt %s rto %s\n", ev->u.cc.flight, srtt, rto);
    if (!text->opt.explain)
        return;
    if (ev->u.cc.cwnd < ev->u.cc.ssthresh)
        text_explain(text,
                     "%s may have cwnd bytes unacknowledged; cwnd is below ssthresh, so "
                     "it is in slow start and cwnd grows by about a segment per ACK",
                     text_host(ev));
    else
        text_explain(text,
                     "%s may have cwnd bytes unacknowledged; cwnd has reached ssthresh, "
                     "so it is in congestion avoidance and cwnd grows by about a "
                     "segment per round trip",
                     text_host(ev));
}

/* ---- the sink --------------------------------------------------------- */

static void text_emit(void *ctx, const struct trace_event *ev)
{
    struct trace_text *text = ctx;
    char when[32];
    if (ev->kind == TRACE_SEG) {
        text_seg(text, ev);
        return;
    }
    if (text->opt.quiet)
        return;
    switch (ev->kind) {
    case TRACE_SEG: break;
    case TRACE_STATE: text_state(text, ev); break;
    case TRACE_TIMER: text_timer(text, ev); break;
    case TRACE_APP: text_app(text, ev); break;
    case TRACE_CC: text_cc(text, ev); break;
    case TRACE_NOTE:
        if (ev->host) {
            text_begin(text, ev); /* whose note: "server#3 -- ..." */
            fputs("-- ", text->out);
        } else {
            text_time(when, ev->t);
            fprintf(text->out, "%s -- ", when);
        }
        text_put_escaped(text->out, ev->u.note.text ? ev->u.note.text : "");
        putc('\n', text->out);
        break;
    }
}

static void text_finish(void *ctx) { fflush(((struct trace_text *)ctx)->out); }

struct trace_text *trace_text_new(FILE *out, const struct trace_text_options *options)
{
    struct trace_text *text = calloc(1, sizeof *text);
    if (!text)
        return NULL;
    text->out = out;
    if (options)
        text->opt = *options;
    return text;
}

struct trace_sink trace_text_sink(struct trace_text *text)
{
    return (struct trace_sink){.emit = text_emit, .finish = text_finish, .ctx = text};
}

void trace_text_free(struct trace_text *text)
{
    if (!text)
        return;
    free(text->isn);
    free(text);
}
