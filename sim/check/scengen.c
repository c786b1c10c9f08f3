/* The random scenario generator (tcpsim/scengen.h). Everything is drawn
 * from one RNG stream of the seed, in a fixed order, so a seed names its
 * scenario for good. A "clean" scenario keeps its promise: both
 * applications close normally (shutdown after their sends, or close when
 * the peer sends nothing) and every fault ends (drop rules name the Nth
 * match, partitions last at most 10 s, random loss at most 3%). */
#include "tcpsim/scengen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/rng.h"

#define GEN_RNG_STREAM 0x5ca1ab1e

static int add(struct gen_scenario *g, enum gen_section sec, bool fixed, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int add(struct gen_scenario *g, enum gen_section sec, bool fixed, const char *fmt, ...)
{
    if (g->count == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 32;
        struct gen_line *grown = realloc(g->lines, cap * sizeof *grown);
        if (!grown) {
            g->oom = true;
            return -1;
        }
        g->lines = grown;
        g->cap = cap;
    }
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    struct gen_line *l = &g->lines[g->count];
    l->text = strdup(text);
    l->section = (uint8_t)sec;
    l->fixed = fixed;
    l->on = true;
    if (!l->text) {
        g->oom = true;
        return -1;
    }
    g->count++;
    return 0;
}

static uint64_t below(struct rng *r, uint64_t n) { return n ? rng_below(r, n) : 0; }
static bool chance(struct rng *r, unsigned percent) { return below(r, 100) < percent; }
static uint64_t between(struct rng *r, uint64_t lo, uint64_t hi)
{
    return lo + below(r, hi - lo + 1);
}

/* A step time in milliseconds, written as YAML wants it. */
#define MS "%llums"
#define U(x) ((unsigned long long)(x))

static const char *const hosts[2] = {"client", "server"};

/* Octets for one send: mostly small, sometimes a bulk transfer. */
static uint64_t send_size(struct rng *r)
{
    switch (below(r, 4)) {
    case 0: return between(r, 1, 100);
    case 1: return between(r, 100, 3000);
    case 2: return between(r, 3000, 20000);
    default: return between(r, 20000, 120000);
    }
}

static void gen_tcp(struct gen_scenario *g, struct rng *r, bool linux_profile)
{
    if (chance(r, 50))
        add(g, GEN_TCP, false, "msl: %llus", U(between(r, 1, 30)));
    if (chance(r, 40))
        add(g, GEN_TCP, false, "delayed_ack: %s", chance(r, 50) ? "true" : "false");
    if (chance(r, 30))
        add(g, GEN_TCP, false, "sack: %s", chance(r, 50) ? "true" : "false");
    if (chance(r, 30))
        add(g, GEN_TCP, false, "timestamps: %s", chance(r, 50) ? "true" : "false");
    if (chance(r, 20))
        add(g, GEN_TCP, false, "window_scaling: %s", chance(r, 50) ? "true" : "false");
    if (chance(r, 20))
        add(g, GEN_TCP, false, "nodelay: true");
    if (chance(r, 20))
        add(g, GEN_TCP, false, "mss: %llu", U(between(r, 88, 1460)));
    if (chance(r, 15))
        add(g, GEN_TCP, false, "rcvbuf: %llu", U(between(r, 2000, 65535)));
    if (chance(r, 15))
        add(g, GEN_TCP, false, "initial_cwnd_segments: %llu", U(between(r, 1, 10)));
    if (chance(r, 20))
        add(g, GEN_TCP, false, "congestion_control: %s", chance(r, 50) ? "cubic" : "newreno");
    if (chance(r, 20))
        add(g, GEN_TCP, false, "tlp: %s", chance(r, 50) ? "true" : "false");
    /* An orphan's FIN_WAIT2 timeout (Linux) may end a clean close whose
     * peer FIN is late: only messy scenarios shorten it. */
    if (linux_profile && !g->clean && chance(r, 15))
        add(g, GEN_TCP, false, "fin_timeout: %llus", U(between(r, 1, 60)));
}

static void link_params(struct rng *r, bool clean, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
#define PUT(...) n += (size_t)snprintf(out + n, n < size ? size - n : 0, __VA_ARGS__)
    if (chance(r, 80))
        PUT("%sdelay: %llums", n ? ", " : "", U(between(r, 0, 100)));
    if (chance(r, 25))
        PUT("%sjitter: %llums", n ? ", " : "", U(between(r, 1, 30)));
    if (chance(r, 35))
        PUT("%sloss: %llu.%llu%%", n ? ", " : "", U(below(r, clean ? 3 : 8)), U(between(r, 1, 9)));
    if (chance(r, 20))
        PUT("%sdup: %llu.%llu%%", n ? ", " : "", U(below(r, 5)), U(between(r, 1, 9)));
    if (chance(r, 25)) {
        PUT("%srate: %lluMbit", n ? ", " : "", U(between(r, 1, 100)));
        if (chance(r, 50))
            PUT(", queue: %llu", U(between(r, 2, 60)));
    }
    if (chance(r, 10))
        PUT("%sloss_data_only: true", n ? ", " : "");
#undef PUT
}

static void gen_link(struct gen_scenario *g, struct rng *r, bool clean)
{
    char p[200];
    link_params(r, clean, p, sizeof p);
    /* One line per key, so each can be switched off alone. */
    for (char *s = p, *comma; *s; s = comma ? comma + 2 : s + strlen(s)) {
        comma = strstr(s, ", ");
        if (comma)
            *comma = '\0';
        add(g, GEN_LINK, false, "%s", s);
        if (!comma)
            break;
    }
    if (chance(r, 15)) {
        char d[200];
        link_params(r, clean, d, sizeof d);
        int from = (int)below(r, 2);
        if (d[0])
            add(g, GEN_LINK, false, "directions: {%s->%s: {%s}}", hosts[from], hosts[!from], d);
    }
}

static const char *const drop_flags[] = {"S", "SA", "A", "FA", "F*", "A*", "PA", "*", "R*", "FPA"};

static void gen_faults(struct gen_scenario *g, struct rng *r, bool clean)
{
    unsigned drops = (unsigned)below(r, 4);
    for (unsigned i = 0; i < drops; i++) {
        char text[200];
        size_t n = (size_t)snprintf(text, sizeof text, "drop: {");
        if (chance(r, 70))
            n += (size_t)snprintf(text + n, sizeof text - n, "from: %s, ", hosts[below(r, 2)]);
        n += (size_t)snprintf(text + n, sizeof text - n, "flags: \"%s\"",
                              drop_flags[below(r, sizeof drop_flags / sizeof drop_flags[0])]);
        if (clean || chance(r, 80)) {
            n += (size_t)snprintf(text + n, sizeof text - n, ", nth: %llu", U(between(r, 1, 6)));
            if (chance(r, 30))
                n += (size_t)snprintf(text + n, sizeof text - n, ", count: %llu",
                                      U(between(r, 1, 3)));
        }
        if (chance(r, 30))
            n +=
                (size_t)snprintf(text + n, sizeof text - n, ", after: " MS, U(between(r, 0, 4000)));
        if (chance(r, 10))
            n += (size_t)snprintf(text + n, sizeof text - n, ", min_len: 1");
        snprintf(text + n, sizeof text - n, "}");
        add(g, GEN_FAULTS, false, "%s", text);
    }
    if (chance(r, 20)) {
        uint64_t from = between(r, 100, 5000);
        uint64_t len = clean ? between(r, 10, 10000) : between(r, 10, 60000);
        int dir = (int)below(r, 3);
        if (dir < 2)
            add(g, GEN_FAULTS, false, "partition: {from: " MS ", to: " MS ", direction: %s->%s}",
                U(from), U(from + len), hosts[dir], hosts[!dir]);
        else
            add(g, GEN_FAULTS, false, "partition: {from: " MS ", to: " MS "}", U(from),
                U(from + len));
    }
}

/* One application step, kept in time order by the caller. */
struct step {
    uint64_t at; /* ms */
    bool fixed;
    /* A connect with every socket option is ~185 characters: 160 cut it
     * mid-flow-map (soak seed 500617 did not load). add() copies up to 255. */
    char text[256];
};

static int by_time(const void *a, const void *b)
{
    const struct step *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

#define MAX_STEPS 24

static void put(struct step *s, size_t *n, uint64_t at, bool fixed, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void put(struct step *s, size_t *n, uint64_t at, bool fixed, const char *fmt, ...)
{
    if (*n >= MAX_STEPS)
        return;
    s[*n].at = at;
    s[*n].fixed = fixed;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s[*n].text, sizeof s[*n].text, fmt, ap);
    va_end(ap);
    (*n)++;
}

static void socket_options(struct rng *r, bool clean, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    if (chance(r, 15)) {
        uint64_t idle = clean ? between(r, 30, 120) : between(r, 1, 20);
        n += (size_t)snprintf(out + n, size - n,
                              ", keepalive: true, keepidle: %llus, keepintvl: %llus, keepcnt: %llu",
                              U(idle), U(between(r, 1, 5)), U(between(r, 1, 5)));
    }
    if (!clean && chance(r, 10))
        n += (size_t)snprintf(out + n, size - n, ", user_timeout: %llus", U(between(r, 1, 30)));
    if (chance(r, 10))
        n += (size_t)snprintf(out + n, size - n, ", nodelay: true");
    if (chance(r, 10))
        snprintf(out + n, size - n, ", read_rate: %llu", U(between(r, 2000, 200000)));
}

/* How one side ends: clean ones shut down writing after their last send
 * (or close, when the peer sends nothing); others do anything. */
static void side_end(struct rng *r, struct step *s, size_t *n, int h, bool clean, uint64_t last,
                     bool peer_sends)
{
    uint64_t at = last + between(r, 0, 1500);
    if (clean) {
        if (!peer_sends && chance(r, 50))
            put(s, n, at, true, "{at: " MS ", host: %s, call: close}", U(at), hosts[h]);
        else
            put(s, n, at, true, "{at: " MS ", host: %s, call: shutdown, how: wr}", U(at), hosts[h]);
        return;
    }
    switch (below(r, 7)) {
    case 0: return; /* never closes */
    case 1:
        put(s, n, at, false, "{at: " MS ", host: %s, call: shutdown, how: %s}", U(at), hosts[h],
            chance(r, 70)   ? "wr"
            : chance(r, 50) ? "rd"
                            : "rdwr");
        if (chance(r, 50)) {
            at += between(r, 0, 3000);
            put(s, n, at, false, "{at: " MS ", host: %s, call: close}", U(at), hosts[h]);
        }
        return;
    case 2: put(s, n, at, false, "{at: " MS ", host: %s, call: abort}", U(at), hosts[h]); return;
    case 3:
        put(s, n, at, false, "{at: " MS ", host: %s, call: setsockopt, linger: %s}", U(at),
            hosts[h], chance(r, 50) ? "0" : "1s");
        put(s, n, at, false, "{at: " MS ", host: %s, call: close}", U(at), hosts[h]);
        return;
    default: put(s, n, at, false, "{at: " MS ", host: %s, call: close}", U(at), hosts[h]); return;
    }
}

static void gen_steps(struct gen_scenario *g, struct rng *r, bool clean)
{
    struct step s[MAX_STEPS];
    size_t n = 0;
    char opts[2][160];
    socket_options(r, clean, opts[0], sizeof opts[0]);
    socket_options(r, clean, opts[1], sizeof opts[1]);
    uint64_t connect_at = between(r, 0, 300);
    put(s, &n, 0, true, "{at: 0ms, host: server, call: listen, port: 80%s}", opts[1]);
    put(s, &n, connect_at, true, "{at: " MS ", host: client, call: connect, to: server:80%s}",
        U(connect_at), opts[0]);
    unsigned sends[2] = {(unsigned)below(r, 4), (unsigned)below(r, 4)};
    uint64_t last[2] = {connect_at, connect_at};
    for (int h = 0; h < 2; h++)
        for (unsigned i = 0; i < sends[h]; i++) {
            uint64_t at = between(r, connect_at, connect_at + 3000);
            put(s, &n, at, false, "{at: " MS ", host: %s, call: send, bytes: %llu}", U(at),
                hosts[h], U(send_size(r)));
            if (at > last[h])
                last[h] = at;
        }
    for (int h = 0; h < 2; h++)
        side_end(r, s, &n, h, clean, last[h], sends[!h] > 0);
    if (!clean && chance(r, 5)) {
        int h = (int)below(r, 2);
        uint64_t at = between(r, 200, 5000);
        put(s, &n, at, false, "{at: " MS ", host: %s, call: crash}", U(at), hosts[h]);
        if (chance(r, 70)) {
            at += between(r, 10, 20000);
            put(s, &n, at, false, "{at: " MS ", host: %s, call: reboot}", U(at), hosts[h]);
        }
    }
    qsort(s, n, sizeof s[0], by_time);
    for (size_t i = 0; i < n; i++)
        add(g, GEN_STEPS, s[i].fixed, "%s", s[i].text);
}

int gen_scenario_make(uint64_t seed, struct gen_scenario *g)
{
    memset(g, 0, sizeof *g);
    g->seed = seed;
    struct rng r;
    rng_seed(&r, seed, GEN_RNG_STREAM);
    g->clean = chance(&r, 60);
    bool linux_profile = chance(&r, 50);
    add(g, GEN_TOP, true, "name: soak-%llu", U(seed));
    add(g, GEN_TOP, true, "seed: %llu", U(rng_next(&r) % 1000000));
    add(g, GEN_TOP, true, "profile: %s", linux_profile ? "linux" : "rfc9293");
    /* A messy scenario may leave an idle connection probing with keep-alive
     * for ever: it stops after an hour (stuck states still show: the run
     * idles before then). */
    if (!g->clean)
        add(g, GEN_TOP, true, "stop: 1h");
    gen_tcp(g, &r, linux_profile);
    gen_link(g, &r, g->clean);
    for (int h = 0; h < 2; h++) {
        bool eof = g->clean || chance(&r, 50);
        add(g, GEN_HOSTS, true, "%s: {addr: 10.0.0.%d%s}", hosts[h], h + 1,
            eof ? ", app: {close_on_eof: true}" : "");
    }
    gen_faults(g, &r, g->clean);
    gen_steps(g, &r, g->clean);
    return g->oom ? -1 : 0;
}

static const char *const headers[GEN_SECTION_COUNT] = {[GEN_TCP] = "tcp:",
                                                       [GEN_LINK] = "link:",
                                                       [GEN_HOSTS] = "hosts:",
                                                       [GEN_FAULTS] = "faults:",
                                                       [GEN_STEPS] = "steps:"};

char *gen_scenario_yaml(const struct gen_scenario *g, const char *comment)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    for (const char *c = comment; c && *c;) {
        const char *nl = strchr(c, '\n');
        int n = nl ? (int)(nl - c) : (int)strlen(c);
        fprintf(f, "# %.*s\n", n, c);
        c += n + (nl != NULL);
    }
    for (int sec = 0; sec < GEN_SECTION_COUNT; sec++) {
        bool header = false;
        for (size_t i = 0; i < g->count; i++) {
            const struct gen_line *l = &g->lines[i];
            if (l->section != sec || !l->on)
                continue;
            if (headers[sec] && !header) {
                fprintf(f, "%s\n", headers[sec]);
                header = true;
            }
            const char *indent = sec == GEN_TOP ? "" : sec >= GEN_FAULTS ? "  - " : "  ";
            fprintf(f, "%s%s\n", indent, l->text);
        }
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

size_t gen_scenario_optional(const struct gen_scenario *g)
{
    size_t n = 0;
    for (size_t i = 0; i < g->count; i++)
        n += !g->lines[i].fixed && g->lines[i].on;
    return n;
}

void gen_scenario_free(struct gen_scenario *g)
{
    for (size_t i = 0; i < g->count; i++)
        free(g->lines[i].text);
    free(g->lines);
    memset(g, 0, sizeof *g);
}
