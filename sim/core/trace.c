/* The tracer: fans each timeline event out to its sinks; plus what the sinks
 * share: names for timers, timer actions and segment directions, addresses,
 * and the TCP options as wire bytes and as tcpdump prints them. */
#include "tcpsim/trace.h"

#include <stdio.h>
#include <string.h>

int tracer_add(struct tracer *tracer, struct trace_sink sink)
{
    if (tracer->count >= TRACE_MAX_SINKS)
        return -1;
    tracer->sinks[tracer->count++] = sink;
    return 0;
}

void tracer_emit(const struct tracer *tracer, const struct trace_event *ev)
{
    for (int i = 0; i < tracer->count; i++)
        tracer->sinks[i].emit(tracer->sinks[i].ctx, ev);
}

void tracer_finish(const struct tracer *tracer)
{
    for (int i = 0; i < tracer->count; i++)
        if (tracer->sinks[i].finish)
            tracer->sinks[i].finish(tracer->sinks[i].ctx);
}

const char *trace_timer_name(enum trace_timer_kind timer)
{
    switch (timer) {
    case TRACE_TIMER_REXMIT: return "rexmit";
    case TRACE_TIMER_PERSIST: return "persist";
    case TRACE_TIMER_KEEPALIVE: return "keepalive";
    case TRACE_TIMER_TIMEWAIT: return "timewait";
    case TRACE_TIMER_FINWAIT2: return "finwait2";
    case TRACE_TIMER_DELACK: return "delack";
    case TRACE_TIMER_LINGER: return "linger";
    case TRACE_TIMER_TLP: return "tlp";
    }
    return "?";
}

const char *trace_timer_action_name(enum trace_timer_action a)
{
    switch (a) {
    case TRACE_TIMER_SET: return "set";
    case TRACE_TIMER_FIRE: return "fire";
    case TRACE_TIMER_CANCEL: return "cancel";
    }
    return "?";
}

const char *trace_seg_dir_name(enum trace_seg_dir dir)
{
    switch (dir) {
    case TRACE_TX: return "tx";
    case TRACE_RX: return "rx";
    case TRACE_DROP: return "drop";
    }
    return "?";
}

void trace_format_addr(uint32_t addr, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", (unsigned)(addr >> 24) & 0xff, (unsigned)(addr >> 16) & 0xff,
             (unsigned)(addr >> 8) & 0xff, (unsigned)addr & 0xff);
}

/* TCP option kinds (RFC 9293 3.2, RFC 7323, RFC 2018). */
enum {
    TRACE_OPT_NOP = 1,
    TRACE_OPT_MSS = 2,
    TRACE_OPT_WSCALE = 3,
    TRACE_OPT_SACK_PERM = 4,
    TRACE_OPT_SACK = 5,
    TRACE_OPT_TS = 8,
};

static size_t trace_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
    return 4;
}

size_t trace_tcp_options_encode(const struct tcp_segment *seg, uint8_t out[TRACE_TCP_OPTIONS_MAX])
{
    size_t n = 0;
    if (seg->opts & TCP_OPT_MSS)
        n += trace_put32(out + n, (uint32_t)TRACE_OPT_MSS << 24 | 4u << 16 | seg->mss);
    if (seg->opts & TCP_OPT_TS) {
        /* Linux packs SACK-permitted into the two bytes NOPs would pad. */
        if (seg->opts & TCP_OPT_SACK_PERM)
            n += trace_put32(out + n, (uint32_t)TRACE_OPT_SACK_PERM << 24 | 2u << 16 |
                                          (uint32_t)TRACE_OPT_TS << 8 | 10u);
        else
            n += trace_put32(out + n, (uint32_t)TRACE_OPT_NOP << 24 | TRACE_OPT_NOP << 16 |
                                          (uint32_t)TRACE_OPT_TS << 8 | 10u);
        n += trace_put32(out + n, seg->tsval);
        n += trace_put32(out + n, seg->tsecr);
    } else if (seg->opts & TCP_OPT_SACK_PERM) {
        n += trace_put32(out + n, (uint32_t)TRACE_OPT_NOP << 24 | TRACE_OPT_NOP << 16 |
                                      (uint32_t)TRACE_OPT_SACK_PERM << 8 | 2u);
    }
    if (seg->opts & TCP_OPT_WSCALE)
        n += trace_put32(out + n, (uint32_t)TRACE_OPT_NOP << 24 | TRACE_OPT_WSCALE << 16 | 3u << 8 |
                                      seg->wscale);
    if ((seg->opts & TCP_OPT_SACK) && seg->nsack) {
        /* Linux tcp_options_write: NOP,NOP,SACK,len then the blocks; only
         * as many as fit in what is left of the 40 octets. */
        size_t fit = (TRACE_TCP_OPTIONS_MAX - n - 4) / 8;
        size_t nb = seg->nsack < fit ? seg->nsack : fit;
        n += trace_put32(out + n, (uint32_t)TRACE_OPT_NOP << 24 | TRACE_OPT_NOP << 16 |
                                      (uint32_t)TRACE_OPT_SACK << 8 | (uint32_t)(2 + 8 * nb));
        for (size_t i = 0; i < nb; i++) {
            n += trace_put32(out + n, seg->sack[i].start);
            n += trace_put32(out + n, seg->sack[i].end);
        }
    }
    return n;
}

static uint32_t trace_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void trace_format_options(const struct tcp_segment *seg, bool with_nop, char *out, size_t size)
{
    trace_format_options_rel(seg, with_nop, 0, out, size);
}

/* tcpdump's "sack N {s:e}...": blocks relative to `sack_base`. */
static void trace_format_sack(const uint8_t *opt, tcp_seq sack_base, char *item, size_t size)
{
    size_t nb = (size_t)(opt[1] - 2) / 8, used;
    int w = snprintf(item, size, "sack %zu ", nb);
    used = w > 0 ? (size_t)w : 0;
    for (size_t b = 0; b < nb && used < size; b++) {
        w = snprintf(item + used, size - used, "{%u:%u}",
                     (unsigned)(trace_get32(opt + 2 + 8 * b) - sack_base),
                     (unsigned)(trace_get32(opt + 6 + 8 * b) - sack_base));
        used += w > 0 ? (size_t)w : 0;
    }
}

void trace_format_options_rel(const struct tcp_segment *seg, bool with_nop, tcp_seq sack_base,
                              char *out, size_t size)
{
    uint8_t opt[TRACE_TCP_OPTIONS_MAX];
    size_t len = trace_tcp_options_encode(seg, opt), used = 0;
    if (size == 0)
        return;
    out[0] = '\0';
    /* Walk the bytes as tcpdump does, so the two can never disagree. */
    for (size_t i = 0; i < len;) {
        char item[112];
        size_t step = opt[i] == TRACE_OPT_NOP ? 1 : opt[i + 1];
        switch (opt[i]) {
        case TRACE_OPT_NOP: snprintf(item, sizeof item, "nop"); break;
        case TRACE_OPT_MSS:
            snprintf(item, sizeof item, "mss %u", (unsigned)(opt[i + 2] << 8 | opt[i + 3]));
            break;
        case TRACE_OPT_WSCALE: snprintf(item, sizeof item, "wscale %u", opt[i + 2]); break;
        case TRACE_OPT_SACK_PERM: snprintf(item, sizeof item, "sackOK"); break;
        case TRACE_OPT_SACK: trace_format_sack(opt + i, sack_base, item, sizeof item); break;
        case TRACE_OPT_TS:
            snprintf(item, sizeof item, "TS val %u ecr %u", (unsigned)trace_get32(opt + i + 2),
                     (unsigned)trace_get32(opt + i + 6));
            break;
        default: snprintf(item, sizeof item, "unknown-%u", opt[i]); break;
        }
        i += step ? step : 1;
        if (!with_nop && strcmp(item, "nop") == 0)
            continue;
        int w = snprintf(out + used, size - used, "%s%s", used ? "," : "", item);
        if (w < 0 || (size_t)w >= size - used)
            return; /* truncated: out stays terminated */
        used += (size_t)w;
    }
}
