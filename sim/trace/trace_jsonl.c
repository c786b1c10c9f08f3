/* JSONL timeline sink: one JSON object per event, keys in the fixed order of
 * the contract in ARCHITECTURE.md, extra keys only after the contract's. */
#include <inttypes.h>
#include <stdlib.h>

#include "tcpsim/errors.h"
#include "tcpsim/trace_sinks.h"

struct trace_jsonl {
    FILE *out;
};

/* Writes `s` as a JSON string (RFC 8259 section 7), or null for NULL. */
/* Length of the well-formed UTF-8 sequence at p (RFC 3629 4: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static int jsonl_utf8_len(const unsigned char *p)
{
    int n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
    if (p[0] < 0xC2 || p[0] > 0xF4)
        return 0;
    for (int i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) ||
        (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F))
        return 0;
    return n;
}

/* A JSON string (RFC 8259 7) for any bytes: controls escaped, and a byte
 * that is not part of well-formed UTF-8 written as U+FFFD, so every line
 * stays valid JSON. */
static void jsonl_string(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    putc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (*p < 0x20) {
                fprintf(out, "\\u%04x", *p);
            } else if (*p < 0x80) {
                putc(*p, out);
            } else {
                int n = jsonl_utf8_len(p);
                if (n == 0) {
                    fputs("\\ufffd", out);
                } else {
                    fwrite(p, 1, (size_t)n, out);
                    p += n - 1;
                }
            }
        }
    }
    putc('"', out);
}

/* The key, as a string member: ,"key":"value" */
static void jsonl_key_string(FILE *out, const char *key, const char *value)
{
    fprintf(out, ",\"%s\":", key);
    jsonl_string(out, value);
}

static const char *jsonl_rexmit_name(uint32_t why)
{
    switch (why) {
    case SEG_REXMIT_RTO: return "rto";
    case SEG_REXMIT_FAST: return "fast";
    case SEG_PROBE_KEEPALIVE: return "keepalive";
    case SEG_PROBE_ZERO_WINDOW: return "zwp";
    case SEG_REXMIT_TLP: return "tlp";
    default: return "other";
    }
}

static void jsonl_seg(FILE *out, const struct trace_event *ev)
{
    const struct tcp_segment *seg = ev->u.seg.seg;
    char src[16], dst[16], flags[7], opts[256];
    trace_format_addr(seg->src_addr, src);
    trace_format_addr(seg->dst_addr, dst);
    segment_flag_letters(seg->flags, flags);
    fprintf(out, ",\"dir\":\"%s\",\"host\":", trace_seg_dir_name(ev->u.seg.dir));
    jsonl_string(out, ev->host);
    fprintf(out,
            ",\"conn\":%" PRIu32 ",\"src\":\"%s:%u\",\"dst\":\"%s:%u\",\"flags\":\"%s\""
            ",\"seq\":%" PRIu32 ",\"ack\":%" PRIu32 ",\"len\":%" PRIu32 ",\"win\":%u",
            ev->conn, src, (unsigned)seg->src_port, dst, (unsigned)seg->dst_port, flags, seg->seq,
            seg->ack, seg->len, (unsigned)seg->win);
    if (ev->u.seg.dir == TRACE_DROP)
        jsonl_key_string(out, "why",
                         drop_reason_name(ev->u.seg.why) ? drop_reason_name(ev->u.seg.why)
                                                         : "unknown");
    if (seg->retransmit != SEG_FIRST)
        jsonl_key_string(out, "rexmit", jsonl_rexmit_name(seg->retransmit));
    if (seg->opts) {
        trace_format_options(seg, false, opts, sizeof opts);
        jsonl_key_string(out, "opts", opts);
    }
}

/* "host" and "conn", common to every non-segment event. */
static void jsonl_owner(FILE *out, const struct trace_event *ev)
{
    fputs(",\"host\":", out);
    jsonl_string(out, ev->host);
    fprintf(out, ",\"conn\":%" PRIu32, ev->conn);
}

static void jsonl_emit(void *ctx, const struct trace_event *ev)
{
    FILE *out = ((struct trace_jsonl *)ctx)->out;
    fprintf(out, "{\"t\":%" PRId64, (int64_t)ev->t);
    switch (ev->kind) {
    case TRACE_SEG:
        fputs(",\"ev\":\"seg\"", out);
        jsonl_seg(out, ev);
        break;
    case TRACE_STATE:
        fputs(",\"ev\":\"state\"", out);
        jsonl_owner(out, ev);
        fprintf(out, ",\"from\":\"%s\",\"to\":\"%s\"", tcp_state_name(ev->u.state.from),
                tcp_state_name(ev->u.state.to));
        break;
    case TRACE_TIMER:
        fputs(",\"ev\":\"timer\"", out);
        jsonl_owner(out, ev);
        fprintf(out, ",\"timer\":\"%s\",\"action\":\"%s\"", trace_timer_name(ev->u.timer.timer),
                trace_timer_action_name(ev->u.timer.action));
        if (ev->u.timer.action == TRACE_TIMER_SET)
            fprintf(out, ",\"expires\":%" PRId64, (int64_t)ev->u.timer.expires);
        if (ev->u.timer.backoff > 0)
            fprintf(out, ",\"backoff\":%" PRIu32, ev->u.timer.backoff);
        break;
    case TRACE_APP:
        fputs(",\"ev\":\"app\"", out);
        jsonl_owner(out, ev);
        jsonl_key_string(out, "call", ev->u.app.call);
        /* The contract: integer 0 for success, else the error's name. */
        if (ev->u.app.ret == TS_OK)
            fputs(",\"ret\":0", out);
        else
            jsonl_key_string(out, "ret", ts_err_name(ev->u.app.ret));
        if (ev->u.app.value != 0)
            fprintf(out, ",\"value\":%" PRId64, ev->u.app.value);
        break;
    case TRACE_CC:
        fputs(",\"ev\":\"cc\"", out);
        jsonl_owner(out, ev);
        fprintf(out,
                ",\"cwnd\":%" PRIu32 ",\"ssthresh\":%" PRIu32 ",\"flight\":%" PRIu32
                ",\"srtt\":%" PRId64 ",\"rto\":%" PRId64,
                ev->u.cc.cwnd, ev->u.cc.ssthresh, ev->u.cc.flight, (int64_t)ev->u.cc.srtt,
                (int64_t)ev->u.cc.rto);
        break;
    case TRACE_NOTE:
        fputs(",\"ev\":\"note\"", out);
        jsonl_owner(out, ev);
        jsonl_key_string(out, "text", ev->u.note.text ? ev->u.note.text : "");
        break;
    }
    fputs("}\n", out);
}

static void jsonl_finish(void *ctx) { fflush(((struct trace_jsonl *)ctx)->out); }

struct trace_jsonl *trace_jsonl_new(FILE *out)
{
    struct trace_jsonl *jsonl = malloc(sizeof *jsonl);
    if (jsonl)
        jsonl->out = out;
    return jsonl;
}

struct trace_sink trace_jsonl_sink(struct trace_jsonl *jsonl)
{
    return (struct trace_sink){.emit = jsonl_emit, .finish = jsonl_finish, .ctx = jsonl};
}

void trace_jsonl_free(struct trace_jsonl *jsonl) { free(jsonl); }
