/* Text timeline sink: one tcpdump-style line per segment on the wire, so
 * students see what they would see in `tcpdump -n`, plus (unless quiet) short
 * annotation lines for states, timers, socket calls, congestion control and
 * notes, and (with explain) one plain-English sentence under each event
 * (written by trace_explain.c).
 *
 * Segments are printed once, when sent; a receiver's copy would repeat the
 * line. A drop repeats it behind "DROP(why)". Sequence numbers are relative
 * the way tcpdump makes them (print-tcp.c): only segments with ACK set are
 * looked up, by the 4-tuple in one collating order shared by both
 * directions; a SYN, or the first segment of an unknown conversation, records
 * the bases and is printed absolute. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"
#include "tcpsim/trace_sinks.h"
#include "trace_explain.h"

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
        fprintf(out, " DROP(%s)",
                drop_reason_name(ev->u.seg.why) ? drop_reason_name(ev->u.seg.why) : "?");
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
        explain_seg(text->out, ev, seq, ack);
}

/* ---- states ----------------------------------------------------------- */

static void text_state(struct trace_text *text, const struct trace_event *ev)
{
    text_begin(text, ev);
    fprintf(text->out, "state %s -> %s\n", tcp_state_name(ev->u.state.from),
            tcp_state_name(ev->u.state.to));
    if (text->opt.explain)
        explain_state(text->out, ev);
}

/* ---- timers ----------------------------------------------------------- */

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
    if (text->opt.explain)
        explain_timer(text->out, ev);
}

/* ---- socket calls ----------------------------------------------------- */

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
    if (text->opt.explain)
        explain_app(text->out, ev);
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
    if (text->opt.explain)
        explain_cc(text->out, ev);
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
