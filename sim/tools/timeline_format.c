/* A JSONL event as one line of the text timeline's notation: segments as
 * tcpdump prints them (relative sequence numbers the way print-tcp.c makes
 * them, like sim/trace/trace_text.c), other events as the text timeline's
 * annotation lines. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/segment.h"
#include "tcpsim/timeline.h"

/* One conversation in collating order (addresses and ports as text, which
 * collate the same way for one 4-tuple in both directions), with the bases
 * of the sequence numbers and of the acks travelling in that order. */
struct rel_entry {
    char *lo, *hi; /* "10.0.0.1:40000", "10.0.0.2:80" */
    uint32_t seq, ack;
    uint32_t isn_lo, isn_hi; /* each direction's ISN, from its SYN */
    bool has_lo, has_hi;
    bool used_rel; /* seq/ack set (tcpdump's table holds this conversation) */
};

struct tl_rel {
    struct rel_entry *table; /* open addressing, power-of-two capacity */
    size_t cap, count;
};

struct tl_rel *tl_rel_new(void) { return calloc(1, sizeof(struct tl_rel)); }

void tl_rel_free(struct tl_rel *rel)
{
    if (!rel)
        return;
    for (size_t i = 0; i < rel->cap; i++)
        free(rel->table[i].lo);
    free(rel->table);
    free(rel);
}

static size_t rel_hash(const char *a, const char *b)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (const char *p = a; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    h = (h ^ '>') * 1099511628211u;
    for (const char *p = b; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    return (size_t)h;
}

static struct rel_entry *rel_slot(struct rel_entry *table, size_t cap, const char *lo,
                                  const char *hi)
{
    size_t i = rel_hash(lo, hi) & (cap - 1);
    while (table[i].lo && (strcmp(table[i].lo, lo) || strcmp(table[i].hi, hi)))
        i = (i + 1) & (cap - 1);
    return &table[i];
}

static bool rel_grow(struct tl_rel *rel)
{
    size_t cap = rel->cap ? rel->cap * 2 : 256;
    struct rel_entry *table = calloc(cap, sizeof *table);
    if (!table)
        return false;
    for (size_t i = 0; i < rel->cap; i++)
        if (rel->table[i].lo)
            *rel_slot(table, cap, rel->table[i].lo, rel->table[i].hi) = rel->table[i];
    free(rel->table);
    rel->table = table;
    rel->cap = cap;
    return true;
}

/* The entry of the conversation between `lo` and `hi`, created if absent;
 * NULL when out of memory. */
static struct rel_entry *rel_entry_get(struct tl_rel *rel, const char *lo, const char *hi)
{
    if ((rel->count + 1) * 2 > rel->cap && !rel_grow(rel))
        return NULL;
    struct rel_entry *slot = rel_slot(rel->table, rel->cap, lo, hi);
    if (!slot->lo) {
        size_t n_lo = strlen(lo) + 1, n_hi = strlen(hi) + 1;
        slot->lo = malloc(n_lo + n_hi);
        if (!slot->lo)
            return NULL;
        memcpy(slot->lo, lo, n_lo);
        slot->hi = slot->lo + n_lo;
        memcpy(slot->hi, hi, n_hi);
        slot->used_rel = false;
        rel->count++;
    }
    return slot;
}

static uint32_t to_u32(const char *s) { return s ? (uint32_t)strtoull(s, NULL, 10) : 0; }

bool tl_rel_seg(struct tl_rel *rel, const struct tl_event *e, uint32_t *seq, uint32_t *ack,
                bool *absolute)
{
    if (strcmp(e->ev, "seg") != 0)
        return false;
    const char *src = tl_get(e, "src"), *dst = tl_get(e, "dst");
    int flags = segment_parse_flags(tl_get(e, "flags") ? tl_get(e, "flags") : "");
    *seq = to_u32(tl_get(e, "seq"));
    *ack = to_u32(tl_get(e, "ack"));
    *absolute = true;
    if (!rel || !src || !dst || flags < 0 || !(flags & TCP_ACK))
        return true;
    bool rev = strcmp(src, dst) > 0;
    struct rel_entry *slot = rel_entry_get(rel, rev ? dst : src, rev ? src : dst);
    if (!slot)
        return true; /* out of memory: absolute numbers are still right */
    if (!slot->used_rel || (flags & TCP_SYN)) {
        slot->used_rel = true;
        slot->seq = rev ? *ack - 1 : *seq;
        slot->ack = rev ? *seq : *ack - 1;
        return true;
    }
    *seq -= rev ? slot->ack : slot->seq;
    *ack -= rev ? slot->seq : slot->ack;
    *absolute = false;
    return true;
}

bool tl_rel_isn(struct tl_rel *rel, const struct tl_event *e, uint32_t *seq, uint32_t *ack)
{
    const char *src = tl_get(e, "src"), *dst = tl_get(e, "dst");
    int flags = segment_parse_flags(tl_get(e, "flags") ? tl_get(e, "flags") : "");
    *seq = to_u32(tl_get(e, "seq"));
    *ack = to_u32(tl_get(e, "ack"));
    if (strcmp(e->ev, "seg") != 0 || !rel || !src || !dst || flags < 0)
        return false;
    bool rev = strcmp(src, dst) > 0;
    struct rel_entry *slot = rel_entry_get(rel, rev ? dst : src, rev ? src : dst);
    if (!slot)
        return false;
    uint32_t *isn_src = rev ? &slot->isn_hi : &slot->isn_lo;
    uint32_t *isn_dst = rev ? &slot->isn_lo : &slot->isn_hi;
    bool *has_src = rev ? &slot->has_hi : &slot->has_lo;
    bool *has_dst = rev ? &slot->has_lo : &slot->has_hi;
    if (flags & TCP_SYN) {
        *isn_src = *seq;
        *has_src = true;
    }
    if (!*has_src || ((flags & TCP_ACK) && !*has_dst))
        return false;
    *seq -= *isn_src;
    *ack = flags & TCP_ACK ? *ack - *isn_dst : 0;
    return true;
}

/* "10.0.0.1:40000" as tcpdump writes it: "10.0.0.1.40000". */
static void dotted(const char *addr, char *out, size_t size)
{
    snprintf(out, size, "%s", addr ? addr : "?");
    char *colon = strrchr(out, ':');
    if (colon)
        *colon = '.';
}

static size_t fmt_seg(const struct tl_event *e, struct tl_rel *rel, char *out, size_t size)
{
    uint32_t seq, ack;
    bool absolute;
    tl_rel_seg(rel, e, &seq, &ack, &absolute);
    char src[64], dst[64], flags[8] = "?";
    dotted(tl_get(e, "src"), src, sizeof src);
    dotted(tl_get(e, "dst"), dst, sizeof dst);
    int bits = segment_parse_flags(tl_get(e, "flags") ? tl_get(e, "flags") : "");
    if (bits >= 0)
        segment_flags_tcpdump((uint8_t)bits, flags);
    uint32_t len = to_u32(tl_get(e, "len"));
    const char *dir = tl_get(e, "dir"), *why = tl_get(e, "why");
    size_t n = 0;
#define PUT(...)                                                                                   \
    do {                                                                                           \
        if (n < size)                                                                              \
            n += (size_t)snprintf(out + n, size - n, __VA_ARGS__);                                 \
    } while (0)
    if (dir && strcmp(dir, "drop") == 0)
        PUT("DROP(%s) ", why ? why : "?");
    else
        PUT("%s ", dir ? dir : "?");
    PUT("IP %s > %s: Flags [%s]", src, dst, flags);
    if (len || (bits > 0 && (bits & (TCP_SYN | TCP_FIN | TCP_RST)))) {
        PUT(", seq %" PRIu32, seq);
        if (len)
            PUT(":%" PRIu32, (uint32_t)(seq + len));
    }
    if (bits > 0 && (bits & TCP_ACK))
        PUT(", ack %" PRIu32, ack);
    PUT(", win %s", tl_get(e, "win") ? tl_get(e, "win") : "?");
    if (tl_get(e, "opts"))
        PUT(", options [%s]", tl_get(e, "opts"));
    PUT(", length %" PRIu32, len);
    if (tl_get(e, "rexmit"))
        PUT(" [%s]", tl_get(e, "rexmit"));
#undef PUT
    return n;
}

void tl_format(const struct tl_event *e, struct tl_rel *rel, char *out, size_t size)
{
    if (!size)
        return;
    int64_t t = e->t < 0 ? -e->t : e->t;
    size_t n = (size_t)snprintf(out, size, "%s%3" PRId64 ".%06" PRId64 " %s", e->t < 0 ? "-" : "",
                                t / 1000000000, t % 1000000000 / 1000,
                                tl_get(e, "host") ? tl_get(e, "host") : "?");
    const char *conn = tl_get(e, "conn");
    if (n < size && conn && strcmp(conn, "0") != 0)
        n += (size_t)snprintf(out + n, size - n, "#%s", conn);
    if (n >= size)
        return;
    out += n, size -= n;
    const char *ev = e->ev;
#define G(k) (tl_get(e, k) ? tl_get(e, k) : "?")
    if (strcmp(ev, "seg") == 0) {
        snprintf(out, size, " ");
        fmt_seg(e, rel, out + 1, size - 1);
    } else if (strcmp(ev, "state") == 0) {
        snprintf(out, size, " state %s -> %s", G("from"), G("to"));
    } else if (strcmp(ev, "app") == 0) {
        const char *value = tl_get(e, "value");
        snprintf(out, size, " %s() = %s", G("call"),
                 value && strcmp(G("ret"), "0") == 0 ? value : G("ret"));
    } else if (strcmp(ev, "timer") == 0) {
        const char *action = G("action"), *expires = tl_get(e, "expires");
        char when[48] = "";
        if (expires) {
            long long x = strtoll(expires, NULL, 10);
            snprintf(when, sizeof when, " expires %lld.%06lld", x / 1000000000,
                     x % 1000000000 / 1000);
        }
        snprintf(out, size, " timer %s %s%s", G("timer"),
                 strcmp(action, "fire") == 0     ? "fired"
                 : strcmp(action, "cancel") == 0 ? "cancelled"
                                                 : action,
                 when);
    } else if (strcmp(ev, "cc") == 0) {
        double srtt = strtod(G("srtt"), NULL) / 1e6, rto = strtod(G("rto"), NULL) / 1e6;
        snprintf(out, size, " cwnd %s ssthresh %s flight %s srtt %.1fms rto %.1fms", G("cwnd"),
                 G("ssthresh"), G("flight"), srtt, rto);
    } else if (strcmp(ev, "note") == 0) {
        snprintf(out, size, " note %s", G("text"));
    } else {
        snprintf(out, size, " %s", ev);
    }
#undef G
}
