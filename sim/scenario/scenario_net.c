/* The network half of a scenario: `tcp:` overrides (any tcp_params field by
 * its C name), `hosts:` and `link:` with its per-direction overrides.
 * Keys are looked up in tables, so an unknown key is rejected by
 * construction and the table doubles as the list of suggestions. */
#include "scenario_internal.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tcp: ---- */

enum scn_field_type {
    SCN_U32,
    SCN_BOOL,
    SCN_DURATION,
    SCN_COOKIES,
    SCN_CC,
    SCN_GRAN,
    SCN_RCV_WINDOW
};

struct scn_tcp_field {
    const char *name;
    enum scn_field_type type;
    size_t offset;
    uint32_t min, max; /* SCN_U32; SCN_DURATION: min 1 = must be above 0 */
    const char *why;   /* SCN_DURATION with min 1: the rule, for the error */
};

#define SCN_U32(f, lo, hi)                                                                         \
    {                                                                                              \
#f, SCN_U32, offsetof(struct tcp_params, f), lo, hi, NULL                                  \
    }
#define SCN_BOOL(f)                                                                                \
    {                                                                                              \
#f, SCN_BOOL, offsetof(struct tcp_params, f), 0, 0, NULL                                   \
    }
#define SCN_DUR(f)                                                                                 \
    {                                                                                              \
#f, SCN_DURATION, offsetof(struct tcp_params, f), 0, 0, NULL                               \
    }

/* A duration that must be above 0: a zero RTO would retransmit at the same
 * instant over and over. */
#define SCN_DUR_POSITIVE(f, why)                                                                   \
    {                                                                                              \
#f, SCN_DURATION, offsetof(struct tcp_params, f), 1, 0, why                                \
    }

static const struct scn_tcp_field scn_tcp_fields[] = {
    SCN_U32(mss, 64, 65535),
    SCN_U32(sndbuf, 1, UINT32_MAX),
    SCN_U32(rcvbuf, 1, UINT32_MAX),
    SCN_U32(rcvbuf_max, 1, UINT32_MAX),
    SCN_BOOL(window_scaling),
    SCN_BOOL(timestamps),
    SCN_BOOL(sack),
    SCN_BOOL(dsack),
    SCN_BOOL(nodelay),
    SCN_DUR_POSITIVE(rto_initial, "RFC 6298 (2.1) sets the RTO to 1 s before any RTT sample"),
    SCN_DUR_POSITIVE(rto_min, "RFC 6298 (2.4) rounds the RTO up to a minimum (1 s; Linux 200 ms)"),
    SCN_DUR_POSITIVE(rto_max, "RFC 6298 (2.5) caps the RTO at no less than 60 s"),
    SCN_DUR(clock_granularity),
    SCN_BOOL(tlp),
    SCN_BOOL(rack),
    SCN_BOOL(rto_min_floors_rttvar),
    {"timer_granularity", SCN_GRAN, offsetof(struct tcp_params, timer_granularity), 0, 0, NULL},
    SCN_U32(hz, 100, 1000),
    SCN_U32(jiffies_phase, 0, UINT32_MAX),
    SCN_U32(syn_retries, 0, 255),
    SCN_U32(syn_linear_timeouts, 0, 255),
    SCN_U32(synack_retries, 0, 255),
    SCN_U32(retries1, 0, 255),
    SCN_U32(retries2, 0, 255),
    SCN_U32(orphan_retries, 0, 255),
    SCN_DUR(user_timeout),
    SCN_DUR(msl),
    SCN_DUR(time_wait),
    SCN_DUR(fin_timeout),
    SCN_BOOL(rst_on_close_unread),
    SCN_BOOL(rfc1337),
    SCN_BOOL(challenge_ack),
    SCN_DUR(challenge_ack_interval),
    SCN_DUR(oow_ack_interval),
    SCN_BOOL(keepalive),
    SCN_DUR(keepalive_time),
    SCN_DUR(keepalive_intvl),
    SCN_U32(keepalive_probes, 1, 255),
    SCN_BOOL(delayed_ack),
    SCN_DUR(delack_time),
    SCN_U32(quickacks, 0, 255),
    SCN_U32(initial_cwnd_segments, 1, 1000),
    {"congestion_control", SCN_CC, offsetof(struct tcp_params, congestion_control), 0, 0, NULL},
    SCN_BOOL(hystart),
    SCN_DUR(persist_min),
    SCN_DUR(persist_max),
    SCN_BOOL(tw_reuse),
    SCN_U32(max_tw_buckets, 0, UINT32_MAX),
    SCN_U32(port_range_lo, 1, 65535),
    SCN_U32(port_range_hi, 1, 65535),
    SCN_U32(somaxconn, 1, UINT32_MAX),
    SCN_U32(max_syn_backlog, 1, UINT32_MAX),
    {"syncookies", SCN_COOKIES, offsetof(struct tcp_params, syncookies), 0, 2, NULL},
    SCN_BOOL(abort_on_overflow),
    /* Where Linux differs: one rule each (README "Where Linux differs"). */
    {"rcv_window", SCN_RCV_WINDOW, offsetof(struct tcp_params, rcv_window), 0, 0, NULL},
    SCN_BOOL(rst_ack_on_abort),
    SCN_BOOL(orphan_rst_reply),
    SCN_BOOL(rst_window),
    SCN_BOOL(shut_rd_keeps_data),
    SCN_BOOL(tw_ack_all),
    SCN_BOOL(tlp_in_syn_recv),
    SCN_BOOL(delack_ato),
    SCN_BOOL(syn_recv_rst_econnreset),
    SCN_BOOL(close_wait_rst_epipe),
    SCN_BOOL(time_wait_rst_challenge_ack),
    SCN_BOOL(time_wait_old_syn_acked),
    SCN_BOOL(syn_recv_dup_syn_resends_synack),
    SCN_BOOL(syn_recv_syn_sends_rst),
    SCN_BOOL(syn_recv_simopen_synack_completes),
    SCN_BOOL(synfin_to_listener_dropped),
    SCN_BOOL(fin_at_zero_window),
    SCN_BOOL(window_edge_drop),
    SCN_BOOL(persist_probe_zero_length),
    SCN_BOOL(persist_rearm_on_ack),
    SCN_BOOL(persist_timeout_from_first_probe),
    SCN_BOOL(delack_one_mss),
    SCN_BOOL(delack_pingpong),
    SCN_BOOL(keepalive_rst_on_timeout),
    SCN_BOOL(syn_sent_bad_ack_resends_syn),
    SCN_BOOL(linger_expiry_ewouldblock),
    SCN_BOOL(retries_time_based),
    SCN_BOOL(syn_r1_on_second_timeout),
    SCN_BOOL(syn_recv_close_fin_wait1),
    SCN_BOOL(listen_close_resets_children),
    SCN_BOOL(syn_sent_close_econnreset),
};
#define SCN_TCP_FIELD_COUNT (sizeof scn_tcp_fields / sizeof scn_tcp_fields[0])

/* Linux tcp_syncookies: 0, 1 (on overflow) or 2 (always); false/true for 0/1. */
static int scn_get_cookies(struct scn_ctx *ctx, const struct ynode *v, const char *key,
                           uint8_t *out)
{
    bool b;
    uint64_t n;
    if (v->kind == YNODE_SCALAR && scn_parse_bool(v->text, &b) == SCN_PARSE_OK) {
        *out = b;
        return 0;
    }
    if (v->kind == YNODE_SCALAR && scn_parse_uint(v->text, &n) == SCN_PARSE_OK && n <= 2) {
        *out = (uint8_t)n;
        return 0;
    }
    return scn_error(ctx, v,
                     "expected 0, 1 (on SYN-queue overflow), 2 (always), true or false "
                     "for '%s', got '%.80s'",
                     key, v->kind == YNODE_SCALAR ? v->text : "a collection");
}

/* newreno | cubic (Linux tcp_congestion_control; "reno" is taken for newreno). */
static int scn_get_cc(struct scn_ctx *ctx, const struct ynode *v, const char *key, uint8_t *out)
{
    static const char *const algos[] = {"newreno", "cubic"};
    int a = v->kind == YNODE_SCALAR ? tcp_cc_algo_from_name(v->text) : -1;
    if (a < 0)
        return scn_unknown(ctx, v, SCN_WHOLE, "congestion control algorithm", key,
                           v->kind == YNODE_SCALAR ? v->text : "a collection", algos, 2);
    *out = (uint8_t)a;
    return 0;
}

/* exact | jiffies | wheel (sim/tcp/tcp_jiffies.c). */
static int scn_get_gran(struct scn_ctx *ctx, const struct ynode *v, const char *key, uint8_t *out)
{
    static const char *const grans[] = {"exact", "jiffies", "wheel"};
    int g = v->kind == YNODE_SCALAR ? tcp_timer_gran_from_name(v->text) : -1;
    if (g < 0)
        return scn_unknown(ctx, v, SCN_WHOLE, "timer granularity", key,
                           v->kind == YNODE_SCALAR ? v->text : "a collection", grans, 3);
    *out = (uint8_t)g;
    return 0;
}

/* rfc9293 | linux: which receive-window model (tcp_params.h). */
static int scn_get_rcv_window(struct scn_ctx *ctx, const struct ynode *v, const char *key,
                              uint8_t *out)
{
    static const char *const models[] = {"rfc9293", "linux"};
    int m = v->kind == YNODE_SCALAR ? tcp_rcv_window_model_from_name(v->text) : -1;
    if (m < 0)
        return scn_unknown(ctx, v, SCN_WHOLE, "receive-window model", key,
                           v->kind == YNODE_SCALAR ? v->text : "a collection", models, 2);
    *out = (uint8_t)m;
    return 0;
}

static int scn_tcp_field(struct scn_ctx *ctx, const struct scn_tcp_field *f,
                         const struct ynode *value, struct tcp_params *params)
{
    char *base = (char *)params + f->offset;
    switch (f->type) {
    case SCN_U32: return scn_get_u32(ctx, value, f->name, f->min, f->max, (uint32_t *)(void *)base);
    case SCN_BOOL: return scn_get_bool(ctx, value, f->name, (bool *)(void *)base);
    case SCN_DURATION:
        if (scn_get_duration(ctx, value, f->name, (sim_time_t *)(void *)base) < 0)
            return -1;
        if (f->min && *(sim_time_t *)(void *)base <= 0)
            return scn_error(ctx, value, "'%s' must be above 0: %s", f->name, f->why);
        return 0;
    case SCN_COOKIES: return scn_get_cookies(ctx, value, f->name, (uint8_t *)base);
    case SCN_CC: return scn_get_cc(ctx, value, f->name, (uint8_t *)base);
    case SCN_GRAN: return scn_get_gran(ctx, value, f->name, (uint8_t *)base);
    case SCN_RCV_WINDOW: return scn_get_rcv_window(ctx, value, f->name, (uint8_t *)base);
    }
    return -1;
}

int scn_load_tcp(struct scn_ctx *ctx, const struct ynode *map, const char *where,
                 struct tcp_params *params)
{
    const char *names[SCN_TCP_FIELD_COUNT];

    if (!map || ydoc_is_null(map))
        return 0;
    if (scn_want_map(ctx, map, "tcp") < 0)
        return -1;
    for (size_t i = 0; i < SCN_TCP_FIELD_COUNT; i++)
        names[i] = scn_tcp_fields[i].name;
    for (size_t i = 0; i < ydoc_pairs(map); i++) {
        const struct ynode *key = ydoc_key(map, i);
        size_t f = 0;
        while (f < SCN_TCP_FIELD_COUNT && strcmp(key->text, names[f]) != 0)
            f++;
        if (f == SCN_TCP_FIELD_COUNT)
            return scn_unknown(ctx, key, SCN_WHOLE, "key", where, key->text, names,
                               SCN_TCP_FIELD_COUNT);
        if (scn_tcp_field(ctx, &scn_tcp_fields[f], ydoc_value(map, i), params) < 0)
            return -1;
    }
    return 0;
}

/* ---- hosts: ---- */

static const char *const scn_host_keys[] = {"addr", "tcp", "app"};
static const char *const scn_app_keys[] = {"autoread", "close_on_eof", "read_rate"};

static int scn_load_app(struct scn_ctx *ctx, const struct ynode *app, struct scenario_host *host)
{
    const struct ynode *v;
    if (!app || ydoc_is_null(app))
        return 0;
    if (scn_want_map(ctx, app, "app") < 0 || scn_check_keys(ctx, app, scn_app_keys, 3, "app") < 0)
        return -1;
    if ((v = ydoc_get(app, "autoread")) && scn_get_bool(ctx, v, "autoread", &host->autoread) < 0)
        return -1;
    v = ydoc_get(app, "close_on_eof");
    if (v && scn_get_bool(ctx, v, "close_on_eof", &host->close_on_eof) < 0)
        return -1;
    v = ydoc_get(app, "read_rate");
    if (v && scn_get_u32(ctx, v, "read_rate", 0, UINT32_MAX, &host->read_rate) < 0)
        return -1;
    return 0;
}

static int scn_load_host(struct scn_ctx *ctx, const struct ynode *root, const struct ynode *key,
                         const struct ynode *spec, struct scenario_host *host)
{
    char where[128];
    const struct ynode *addr = NULL;

    tcp_params_defaults(&host->tcp, ctx->sc->profile);
    if (scn_load_tcp(ctx, ydoc_get(root, "tcp"), "tcp", &host->tcp) < 0)
        return -1;
    if (!ydoc_is_null(spec)) {
        snprintf(where, sizeof where, "hosts.%s", key->text);
        if (scn_want_map(ctx, spec, key->text) < 0 ||
            scn_check_keys(ctx, spec, scn_host_keys, 3, where) < 0)
            return -1;
        addr = ydoc_get(spec, "addr");
        if (addr && scn_get_addr(ctx, addr, "addr", &host->addr) < 0)
            return -1;
        snprintf(where, sizeof where, "hosts.%s.tcp", key->text);
        if (scn_load_tcp(ctx, ydoc_get(spec, "tcp"), where, &host->tcp) < 0 ||
            scn_load_app(ctx, ydoc_get(spec, "app"), host) < 0)
            return -1;
    }
    if (host->tcp.port_range_lo > host->tcp.port_range_hi)
        return scn_error(ctx, key, "host '%s': port_range_lo %u is above port_range_hi %u",
                         host->name, (unsigned)host->tcp.port_range_lo,
                         (unsigned)host->tcp.port_range_hi);
    if (host->tcp.rto_min > host->tcp.rto_max)
        return scn_error(ctx, key, "host '%s': rto_min is above rto_max", host->name);
    return 0;
}

int scn_load_hosts(struct scn_ctx *ctx, const struct ynode *root)
{
    struct scenario *sc = ctx->sc;
    const struct ynode *hosts = ydoc_get(root, "hosts");
    const struct ynode *addr_at[2] = {NULL, NULL};

    if (!hosts)
        return scn_error(ctx, root, "scenario needs 'hosts'");
    if (scn_want_map(ctx, hosts, "hosts") < 0)
        return -1;
    if (ydoc_pairs(hosts) != 2)
        return scn_error(ctx, ydoc_pairs(hosts) > 2 ? ydoc_key(hosts, 2) : hosts,
                         "expected exactly two hosts, found %zu", ydoc_pairs(hosts));
    sc->hosts = calloc(2, sizeof *sc->hosts);
    if (!sc->hosts)
        return scn_error(ctx, hosts, "out of memory");
    sc->host_count = 2;
    /* Names first: a host's settings may not refer to the other, but later
     * sections do, and errors there list both names. */
    for (size_t i = 0; i < 2; i++) {
        const struct ynode *key = ydoc_key(hosts, i);
        struct scenario_host *host = &sc->hosts[i];
        if (!scn_valid_name(key->text))
            return scn_error(ctx, key,
                             "host name '%.80s' may only contain letters, digits, '-' and '_'",
                             key->text);
        if (strcmp(key->text, "count") == 0) /* would read as a count expectation */
            return scn_error(ctx, key, "'count' cannot be a host name");
        if (scn_get_string(ctx, key, "host name", &host->name) < 0)
            return -1;
        host->pos = (struct src_pos){key->line, key->col};
        host->addr = 0x0A000001u + (uint32_t)i; /* 10.0.0.1, 10.0.0.2 unless given */
        host->autoread = true;
        host->close_on_eof = false;
    }
    for (size_t i = 0; i < 2; i++) {
        const struct ynode *spec = ydoc_value(hosts, i);
        if (scn_load_host(ctx, root, ydoc_key(hosts, i), spec, &sc->hosts[i]) < 0)
            return -1;
        addr_at[i] = spec->kind == YNODE_MAP ? ydoc_get(spec, "addr") : NULL;
    }
    if (sc->hosts[0].addr == sc->hosts[1].addr) {
        char text[16];
        uint32_t a = sc->hosts[1].addr;
        snprintf(text, sizeof text, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
                 a & 255);
        return scn_error(ctx, addr_at[1] ? addr_at[1] : ydoc_key(hosts, 1),
                         "host '%s' has the same address as '%s': %s", sc->hosts[1].name,
                         sc->hosts[0].name, text);
    }
    return 0;
}

/* ---- link: ---- */

static const char *const scn_link_keys[] = {"delay", "jitter", "loss",           "dup",
                                            "rate",  "queue",  "loss_data_only", "directions"};
#define SCN_LINK_KEYS 7 /* without "directions", which only the top level has */

static int scn_link_key(struct scn_ctx *ctx, const char *name, const struct ynode *v,
                        struct link_params *p)
{
    if (!strcmp(name, "delay"))
        return scn_get_duration(ctx, v, name, &p->delay);
    if (!strcmp(name, "jitter"))
        return scn_get_duration(ctx, v, name, &p->jitter);
    if (!strcmp(name, "loss"))
        return scn_get_percent(ctx, v, name, &p->loss_ppm);
    if (!strcmp(name, "dup"))
        return scn_get_percent(ctx, v, name, &p->dup_ppm);
    if (!strcmp(name, "rate"))
        return scn_get_rate(ctx, v, name, &p->rate_bps);
    if (!strcmp(name, "queue"))
        return scn_get_u32(ctx, v, name, 0, UINT32_MAX, &p->queue_limit);
    if (!strcmp(name, "loss_data_only"))
        return scn_get_bool(ctx, v, name, &p->loss_data_only);
    return 0; /* "directions": read by the caller */
}

static int scn_link_map(struct scn_ctx *ctx, const struct ynode *map, size_t nkeys,
                        const char *where, struct link_params *p)
{
    if (scn_want_map(ctx, map, where) < 0 ||
        scn_check_keys(ctx, map, scn_link_keys, nkeys, where) < 0)
        return -1;
    for (size_t i = 0; i < ydoc_pairs(map); i++)
        if (scn_link_key(ctx, ydoc_key(map, i)->text, ydoc_value(map, i), p) < 0)
            return -1;
    return 0;
}

int scn_load_link(struct scn_ctx *ctx, const struct ynode *root)
{
    struct scenario *sc = ctx->sc;
    const struct ynode *link = ydoc_get(root, "link");
    struct link_params both = {0};
    bool seen[2] = {false, false};

    if (link && !ydoc_is_null(link) &&
        scn_link_map(ctx, link, SCN_LINK_KEYS + 1, "link", &both) < 0)
        return -1;
    sc->link[0] = both;
    sc->link[1] = both;
    const struct ynode *dirs =
        link && link->kind == YNODE_MAP ? ydoc_get(link, "directions") : NULL;
    if (!dirs || ydoc_is_null(dirs))
        return 0;
    if (scn_want_map(ctx, dirs, "directions") < 0)
        return -1;
    for (size_t i = 0; i < ydoc_pairs(dirs); i++) {
        const struct ynode *key = ydoc_key(dirs, i);
        char where[160];
        int from, to;
        if (scn_direction(ctx, key, &from, &to) < 0)
            return -1;
        if (seen[from])
            return scn_error(ctx, key, "direction '%s' is given twice", key->text);
        seen[from] = true;
        snprintf(where, sizeof where, "link.directions.%.100s", key->text);
        /* link[0] carries hosts[0] -> hosts[1]. */
        if (scn_link_map(ctx, ydoc_value(dirs, i), SCN_LINK_KEYS, where, &sc->link[from]) < 0)
            return -1;
    }
    return 0;
}

/* ---- middlebox: ---- */

static const char *const scn_middlebox_keys[] = {"idle_timeout", "expired"};

int scn_load_middlebox(struct scn_ctx *ctx, const struct ynode *root)
{
    struct middlebox_params *p = &ctx->sc->middlebox;
    const struct ynode *mb = ydoc_get(root, "middlebox");
    p->idle_timeout = 0;
    p->expired = MIDDLEBOX_EXPIRED_DROP;
    if (!mb || ydoc_is_null(mb))
        return 0;
    if (scn_want_map(ctx, mb, "middlebox") < 0 ||
        scn_check_keys(ctx, mb, scn_middlebox_keys, 2, "middlebox") < 0)
        return -1;
    const struct ynode *v = ydoc_get(mb, "idle_timeout");
    if (!v)
        return scn_error(ctx, mb,
                         "middlebox needs idle_timeout: (how long it remembers an idle "
                         "connection, e.g. 5min)");
    if (scn_get_duration(ctx, v, "idle_timeout", &p->idle_timeout) < 0)
        return -1;
    if (p->idle_timeout <= 0)
        return scn_error(ctx, v, "idle_timeout must be longer than 0");
    if ((v = ydoc_get(mb, "expired"))) {
        static const char *const actions[] = {"drop", "rst"};
        if (v->kind == YNODE_SCALAR && !strcmp(v->text, "drop"))
            p->expired = MIDDLEBOX_EXPIRED_DROP;
        else if (v->kind == YNODE_SCALAR && !strcmp(v->text, "rst"))
            p->expired = MIDDLEBOX_EXPIRED_RST;
        else
            return scn_unknown(ctx, v, SCN_WHOLE, "action", "middlebox.expired", v->text, actions,
                               2);
    }
    return 0;
}
