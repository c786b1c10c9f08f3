/* What happens in a scenario: `steps:` (the applications' socket calls, at
 * absolute times, in order) and `faults:` (scripted drops and partitions). */
#include "scenario_internal.h"
#include "tcpsim/segment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- steps: ---- */

#define SCN_CALL_KEYS 7
struct scn_call {
    const char *keys[SCN_CALL_KEYS]; /* keys of this call besides at, host, call */
    bool sockopts;                   /* also accepts socket option keys */
    const char *sock;                /* default socket name; NULL: the call has none */
    const char *sock_key;            /* the key that names the socket */
};

/* Indexed by enum step_call. */
static const char *const scn_call_names[] = {
    "listen",     "connect", "send",   "recv",   "shutdown", "close",      "abort",
    "setsockopt", "crash",   "reboot", "inject", "flood",    "getsockopt", "destroy"};
static const struct scn_call scn_calls[] = {
    [STEP_LISTEN] = {{"port", "as", "backlog"}, true, "listener", "as"},
    [STEP_CONNECT] = {{"to", "port", "local_port", "as"}, true, "conn", "as"},
    [STEP_SEND] = {{"sock", "bytes", "text"}, false, "conn", "sock"},
    [STEP_RECV] = {{"sock", "bytes", "wait"}, false, "conn", "sock"},
    [STEP_SHUTDOWN] = {{"sock", "how"}, false, "conn", "sock"},
    [STEP_CLOSE] = {{"sock"}, false, "conn", "sock"},
    [STEP_ABORT] = {{"sock"}, false, "conn", "sock"},
    [STEP_SETSOCKOPT] = {{"sock"}, true, "conn", "sock"},
    [STEP_CRASH] = {{NULL}, false, NULL, NULL},
    [STEP_REBOOT] = {{NULL}, false, NULL, NULL},
    [STEP_INJECT] = {{"sock", "flags", "seq_offset", "bytes", "ack_offset", "win", "options"},
                     false,
                     "conn",
                     "sock"},
    [STEP_FLOOD] = {{"to", "port", "count", "interval", "spoof"}, false, NULL, NULL},
    [STEP_GETSOCKOPT] = {{"sock", "opt"}, false, "conn", "sock"},
    [STEP_DESTROY] = {{"sock"}, false, "conn", "sock"},
};
#define SCN_CALL_COUNT (sizeof scn_call_names / sizeof scn_call_names[0])

const char *scenario_step_call_name(enum step_call call)
{
    return (size_t)call < SCN_CALL_COUNT ? scn_call_names[call] : "?";
}

static const char *const scn_sockopt_keys[] = {
    "linger",   "keepalive", "keepidle", "keepintvl", "keepcnt",   "nodelay",   "user_timeout",
    "autoread", "rcvbuf",    "sndbuf",   "accept",    "read_rate", "reuseaddr", "syncnt"};
#define SCN_SOCKOPT_COUNT (sizeof scn_sockopt_keys / sizeof scn_sockopt_keys[0])

/* Reads socket option `i` of scn_sockopt_keys into `o`. Bit i is SOCKOPT_*. */
static int scn_sockopt(struct scn_ctx *ctx, size_t i, const struct ynode *v, struct sockopts *o)
{
    const char *name = scn_sockopt_keys[i];
    int rc = 0;
    o->set_mask |= 1u << i;
    switch (1u << i) {
    case SOCKOPT_LINGER:
        o->linger_on = !(v->kind == YNODE_SCALAR && strcmp(v->text, "off") == 0);
        if (o->linger_on)
            rc = scn_get_duration(ctx, v, name, &o->linger);
        break;
    case SOCKOPT_KEEPALIVE: rc = scn_get_bool(ctx, v, name, &o->keepalive); break;
    case SOCKOPT_KEEPIDLE: rc = scn_get_duration(ctx, v, name, &o->keepidle); break;
    case SOCKOPT_KEEPINTVL: rc = scn_get_duration(ctx, v, name, &o->keepintvl); break;
    case SOCKOPT_KEEPCNT: rc = scn_get_u32(ctx, v, name, 1, 255, &o->keepcnt); break;
    case SOCKOPT_NODELAY: rc = scn_get_bool(ctx, v, name, &o->nodelay); break;
    case SOCKOPT_USER_TIMEOUT: rc = scn_get_duration(ctx, v, name, &o->user_timeout); break;
    case SOCKOPT_AUTOREAD: rc = scn_get_bool(ctx, v, name, &o->autoread); break;
    case SOCKOPT_RCVBUF: rc = scn_get_u32(ctx, v, name, 1, UINT32_MAX, &o->rcvbuf); break;
    case SOCKOPT_SNDBUF: rc = scn_get_u32(ctx, v, name, 1, UINT32_MAX, &o->sndbuf); break;
    case SOCKOPT_ACCEPT: rc = scn_get_bool(ctx, v, name, &o->accept); break;
    case SOCKOPT_READ_RATE: rc = scn_get_u32(ctx, v, name, 0, UINT32_MAX, &o->read_rate); break;
    case SOCKOPT_REUSEADDR: rc = scn_get_bool(ctx, v, name, &o->reuseaddr); break;
    case SOCKOPT_SYNCNT:
        rc = scn_get_u32(ctx, v, name, 1, 127, &o->syncnt);
        break; /* MAX_TCP_SYNCNT */
    default: break;
    }
    return rc;
}

static int scn_step_keys(struct scn_ctx *ctx, const struct ynode *step, enum step_call call)
{
    const char *keys[3 + SCN_CALL_KEYS + SCN_SOCKOPT_COUNT] = {"at", "host", "call"};
    size_t n = 3;
    char where[32];

    for (size_t i = 0; i < SCN_CALL_KEYS && scn_calls[call].keys[i]; i++)
        keys[n++] = scn_calls[call].keys[i];
    for (size_t i = 0; scn_calls[call].sockopts && i < SCN_SOCKOPT_COUNT; i++)
        keys[n++] = scn_sockopt_keys[i];
    snprintf(where, sizeof where, "%s step", scn_call_names[call]);
    return scn_check_keys(ctx, step, keys, n, where);
}

static int scn_port(struct scn_ctx *ctx, const struct ynode *v, const char *key, uint16_t *port)
{
    uint32_t p;
    if (scn_get_u32(ctx, v, key, 1, 65535, &p) < 0)
        return -1;
    *port = (uint16_t)p;
    return 0;
}

/* connect's `to: server:80` (or `to: server` with `port: 80`). */
static int scn_connect_to(struct scn_ctx *ctx, const struct ynode *stepnode,
                          struct scenario_step *st)
{
    const struct ynode *to = ydoc_get(stepnode, "to"), *port = ydoc_get(stepnode, "port");
    char name[128];
    uint64_t p = 0;

    const char *call = scn_call_names[st->call];
    if (!to)
        return scn_error(ctx, stepnode, "%s needs 'to'", call);
    if (to->kind != YNODE_SCALAR || strlen(to->text) >= sizeof name)
        return scn_error(ctx, to, "expected HOST:PORT like server:80 for 'to'");
    strcpy(name, to->text);
    char *colon = strrchr(name, ':');
    if (colon) {
        *colon = '\0';
        if (scn_parse_uint(colon + 1, &p) != SCN_PARSE_OK || p < 1 || p > 65535)
            return scn_error(ctx, to, "expected HOST:PORT like server:80 for 'to', got '%.80s'",
                             to->text);
        if (port)
            return scn_error(ctx, port, "the port is already given in 'to: %.80s'", to->text);
        st->port = (uint16_t)p;
    } else if (!port) {
        return scn_error(ctx, to, "%s needs a port: write 'to: %.80s:80' or add 'port: 80'", call,
                         to->text);
    } else if (scn_port(ctx, port, "port", &st->port) < 0) {
        return -1;
    }
    if (scn_host_ref(ctx, to, SCN_WHOLE, name, &st->peer) < 0)
        return -1;
    if (st->peer == st->host)
        return scn_error(ctx, to, "a host cannot %s itself", call);
    return 0;
}

/* flood: to (HOST:PORT), count (default 100), interval (default 1ms),
 * spoof (random, the default, or one forged IPv4 address). */
static int scn_flood_args(struct scn_ctx *ctx, const struct ynode *node, struct scenario_step *st)
{
    const struct ynode *v;
    if (scn_connect_to(ctx, node, st) < 0)
        return -1;
    st->flood_count = 100;
    st->flood_interval = SIM_MS(1);
    if ((v = ydoc_get(node, "count")) &&
        scn_get_u32(ctx, v, "count", 1, 100000000, &st->flood_count) < 0)
        return -1;
    if ((v = ydoc_get(node, "interval"))) {
        if (scn_get_duration(ctx, v, "interval", &st->flood_interval) < 0)
            return -1;
        if (st->flood_interval <= 0)
            return scn_error(ctx, v, "'interval' must be longer than 0");
    }
    if ((v = ydoc_get(node, "spoof")) &&
        !(v->kind == YNODE_SCALAR && strcmp(v->text, "random") == 0)) {
        if (v->kind != YNODE_SCALAR || scenario_parse_addr(v->text, &st->spoof_addr) < 0 ||
            st->spoof_addr == 0)
            return scn_error(ctx, v,
                             "expected 'random' or an IPv4 address like 192.0.2.1 for 'spoof', "
                             "got '%.80s'",
                             v->kind == YNODE_SCALAR ? v->text : "a collection");
    }
    return 0;
}

/* One option of an injected segment, in packetdrill's words: "mss 1460",
 * "wscale 7", "sackOK", "TS val 100 ecr 0", "sack 0:1000 2000:3000" (SACK
 * blocks as offsets from SEG.ACK), "nop". */
static int scn_inject_option(struct scn_ctx *ctx, const struct ynode *v, struct tcp_segment *o)
{
    const char *t = v->kind == YNODE_SCALAR ? v->text : "";
    unsigned a, b;
    int n = 0;
    if (sscanf(t, "mss %u%n", &a, &n) == 1 && t[n] == '\0' && a <= 65535) {
        o->opts |= TCP_OPT_MSS;
        o->mss = (uint16_t)a;
    } else if (sscanf(t, "wscale %u%n", &a, &n) == 1 && t[n] == '\0' && a <= 255) {
        o->opts |= TCP_OPT_WSCALE;
        o->wscale = (uint8_t)a;
    } else if (strcmp(t, "sackOK") == 0) {
        o->opts |= TCP_OPT_SACK_PERM;
    } else if (strcmp(t, "nop") == 0) {
        /* layout is not modelled: options go out in Linux's order */
    } else if (sscanf(t, "TS val %u ecr %u%n", &a, &b, &n) == 2 && t[n] == '\0') {
        o->opts |= TCP_OPT_TS;
        o->tsval = a;
        o->tsecr = b;
    } else if (strncmp(t, "sack ", 5) == 0) {
        const char *p = t + 5;
        o->nsack = 0;
        while (*p) {
            if (o->nsack >= TCP_MAX_SACK_BLOCKS || sscanf(p, " %u:%u%n", &a, &b, &n) != 2)
                return scn_error(
                    ctx, v, "expected up to 4 SACK blocks like 'sack 1000:2000', got '%.80s'", t);
            o->sack[o->nsack].start = a;
            o->sack[o->nsack++].end = b;
            p += n;
            while (*p == ' ')
                p++;
        }
        if (!o->nsack)
            return scn_error(ctx, v, "expected SACK blocks after 'sack', got '%.80s'", t);
        o->opts |= TCP_OPT_SACK;
    } else {
        return scn_error(ctx, v,
                         "expected an option like 'mss 1460', 'wscale 7', 'sackOK', 'TS val 1 "
                         "ecr 0', 'sack 0:1000' or 'nop', got '%.80s'",
                         t);
    }
    return 0;
}

/* options: a list, or one string with commas ("mss 1460, sackOK"). */
static int scn_inject_options(struct scn_ctx *ctx, const struct ynode *v, struct tcp_segment *o)
{
    if (v->kind == YNODE_SEQ) {
        for (size_t i = 0; i < v->count; i++)
            if (scn_inject_option(ctx, v->kids[i], o))
                return -1;
        return 0;
    }
    if (v->kind != YNODE_SCALAR)
        return scn_error(ctx, v, "expected a list of options for 'options'%s", "");
    char buf[256];
    snprintf(buf, sizeof buf, "%s", v->text);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        while (*tok == ' ')
            tok++;
        size_t n = strlen(tok);
        while (n && tok[n - 1] == ' ')
            tok[--n] = '\0';
        struct ynode item = *v;
        item.text = tok;
        if (scn_inject_option(ctx, &item, o))
            return -1;
    }
    return 0;
}

/* inject: flags (letters, required), seq_offset (signed integer, default 0),
 * bytes (payload length, default 0), ack_offset (from RCV.NXT), win, options. */
static int scn_inject_args(struct scn_ctx *ctx, const struct ynode *node, struct scenario_step *st)
{
    const struct ynode *v = ydoc_get(node, "flags");
    if (!v || v->kind != YNODE_SCALAR)
        return scn_error(ctx, v ? v : node, "inject needs 'flags', e.g. flags: R");
    int flags = segment_parse_flags(v->text);
    if (flags < 0)
        return scn_error(ctx, v, "expected flag letters from S F R P A U for 'flags', got '%.80s'",
                         v->text);
    st->inject_flags = (uint8_t)flags;
    if ((v = ydoc_get(node, "seq_offset"))) {
        char *end = NULL;
        long long off = v->kind == YNODE_SCALAR ? strtoll(v->text, &end, 10) : 0;
        if (!end || *end != '\0' || end == v->text || off < -2147483647LL || off > 2147483647LL)
            return scn_error(ctx, v, "expected an integer for 'seq_offset', got '%.80s'",
                             v->kind == YNODE_SCALAR ? v->text : "a collection");
        st->seq_offset = off;
    }
    if ((v = ydoc_get(node, "ack_offset"))) {
        char *end = NULL;
        long long off = v->kind == YNODE_SCALAR ? strtoll(v->text, &end, 10) : 0;
        if (!end || *end != '\0' || end == v->text || off < -2147483647LL || off > 2147483647LL)
            return scn_error(ctx, v, "expected an integer for 'ack_offset', got '%.80s'",
                             v->kind == YNODE_SCALAR ? v->text : "a collection");
        st->ack_offset = off;
    }
    st->inject_win = -1;
    if ((v = ydoc_get(node, "win"))) {
        uint64_t w;
        if (scn_get_uint(ctx, v, "win", 0, 65535, &w))
            return -1;
        st->inject_win = (int32_t)w;
    }
    if ((v = ydoc_get(node, "options")) && scn_inject_options(ctx, v, &st->inject_opts))
        return -1;
    v = ydoc_get(node, "bytes");
    return v ? scn_get_uint(ctx, v, "bytes", 0, 65535, &st->bytes) : 0;
}

/* send: `bytes: N` counted octets, or `text: "GET / HTTP/1.0\r\n\r\n"` literal
 * ones (YAML double quotes give the escapes), not both. */
static int scn_send_args(struct scn_ctx *ctx, const struct ynode *node, struct scenario_step *st)
{
    const struct ynode *bytes = ydoc_get(node, "bytes"), *text = ydoc_get(node, "text");
    if (bytes && text)
        return scn_error(ctx, text, "send takes 'bytes' or 'text', not both");
    if (bytes)
        return scn_get_uint(ctx, bytes, "bytes", 1, UINT64_MAX, &st->bytes);
    if (!text)
        return scn_error(ctx, node, "send needs 'bytes' (a count) or 'text' (literal data)");
    if (scn_get_string(ctx, text, "text", &st->text) < 0)
        return -1;
    st->bytes = strlen(st->text);
    if (st->bytes == 0 || st->bytes > UINT32_MAX)
        return scn_error(ctx, text, "'text' needs at least one character");
    return 0;
}

static int scn_step_args(struct scn_ctx *ctx, const struct ynode *node, struct scenario_step *st)
{
    const struct ynode *v;
    switch (st->call) {
    case STEP_LISTEN:
        if (!(v = ydoc_get(node, "port")))
            return scn_error(ctx, node, "listen needs 'port'");
        if (scn_port(ctx, v, "port", &st->port) < 0)
            return -1;
        v = ydoc_get(node, "backlog");
        return v ? scn_get_u32(ctx, v, "backlog", 0, UINT32_MAX, &st->backlog) : 0;
    case STEP_CONNECT:
        if (scn_connect_to(ctx, node, st) < 0)
            return -1;
        v = ydoc_get(node, "local_port");
        return v ? scn_port(ctx, v, "local_port", &st->local_port) : 0;
    case STEP_SEND: return scn_send_args(ctx, node, st);
    case STEP_RECV:
        if ((v = ydoc_get(node, "wait")) && scn_get_bool(ctx, v, "wait", &st->wait) < 0)
            return -1;
        v = ydoc_get(node, "bytes");
        return v ? scn_get_uint(ctx, v, "bytes", 0, UINT64_MAX, &st->bytes) : 0;
    case STEP_GETSOCKOPT: /* SO_ERROR is the one option read back */
        v = ydoc_get(node, "opt");
        if (!v || v->kind != YNODE_SCALAR ||
            (strcmp(v->text, "SO_ERROR") != 0 && strcmp(v->text, "so_error") != 0))
            return scn_error(ctx, v ? v : node, "getsockopt needs 'opt: SO_ERROR'%s%.80s%s",
                             v && v->kind == YNODE_SCALAR ? ", got '" : "",
                             v && v->kind == YNODE_SCALAR ? v->text : "",
                             v && v->kind == YNODE_SCALAR ? "'" : "");
        return 0;
    case STEP_SHUTDOWN:
        if (!(v = ydoc_get(node, "how")))
            return scn_error(ctx, node, "shutdown needs 'how' (rd, wr or rdwr)");
        if (v->kind == YNODE_SCALAR && !strcmp(v->text, "rd"))
            st->how = SHUT_HOW_RD;
        else if (v->kind == YNODE_SCALAR && !strcmp(v->text, "wr"))
            st->how = SHUT_HOW_WR;
        else if (v->kind == YNODE_SCALAR && !strcmp(v->text, "rdwr"))
            st->how = SHUT_HOW_RDWR;
        else
            return scn_error(ctx, v, "expected rd, wr or rdwr for 'how', got '%.80s'", v->text);
        return 0;
    case STEP_INJECT: return scn_inject_args(ctx, node, st);
    case STEP_FLOOD: return scn_flood_args(ctx, node, st);
    default: return 0;
    }
}

static int scn_step_sock(struct scn_ctx *ctx, const struct ynode *node, struct scenario_step *st)
{
    const struct scn_call *c = &scn_calls[st->call];
    const struct ynode *v;
    if (!c->sock)
        return 0;
    if ((v = ydoc_get(node, c->sock_key))) {
        if (scn_get_string(ctx, v, c->sock_key, &st->sock) < 0)
            return -1;
        if (!scn_valid_name(st->sock))
            return scn_error(ctx, v,
                             "socket name '%.80s' may only contain letters, digits, '-' and '_'",
                             st->sock);
        return 0;
    }
    st->sock = strdup(c->sock);
    return st->sock ? 0 : scn_error(ctx, node, "out of memory");
}

static int scn_step_opts(struct scn_ctx *ctx, const struct ynode *node, struct scenario_step *st)
{
    if (!scn_calls[st->call].sockopts)
        return 0;
    for (size_t i = 0; i < SCN_SOCKOPT_COUNT; i++) {
        const struct ynode *v = ydoc_get(node, scn_sockopt_keys[i]);
        if (v && scn_sockopt(ctx, i, v, &st->opts) < 0)
            return -1;
    }
    if (st->call == STEP_SETSOCKOPT && st->opts.set_mask == 0) {
        char list[256];
        scn_join(list, sizeof list, scn_sockopt_keys, SCN_SOCKOPT_COUNT);
        return scn_error(ctx, node, "setsockopt needs at least one option: %s", list);
    }
    return 0;
}

static int scn_load_step(struct scn_ctx *ctx, const struct ynode *node, struct scenario_step *st)
{
    const struct ynode *at, *host, *call;
    st->peer = -1;
    if (node->kind != YNODE_MAP)
        return scn_error(ctx, node,
                         "a step is a mapping like {at: 0s, host: server, call: listen, port: 80}");
    st->pos = (struct src_pos){node->line, node->col};
    if (!(at = ydoc_get(node, "at")))
        return scn_error(ctx, node, "step needs 'at'");
    if (!(host = ydoc_get(node, "host")))
        return scn_error(ctx, node, "step needs 'host'");
    if (!(call = ydoc_get(node, "call")))
        return scn_error(ctx, node, "step needs 'call'");
    size_t c = 0;
    while (call->kind == YNODE_SCALAR && c < SCN_CALL_COUNT &&
           strcmp(call->text, scn_call_names[c]))
        c++;
    if (call->kind != YNODE_SCALAR || c == SCN_CALL_COUNT)
        return scn_unknown(ctx, call, SCN_WHOLE, "call", NULL, call->text, scn_call_names,
                           SCN_CALL_COUNT);
    st->call = (enum step_call)c;
    if (scn_step_keys(ctx, node, st->call) < 0 || scn_get_duration(ctx, at, "at", &st->at) < 0)
        return -1;
    if (host->kind != YNODE_SCALAR)
        return scn_error(ctx, host, "expected a host name for 'host'");
    if (scn_host_ref(ctx, host, SCN_WHOLE, host->text, &st->host) < 0)
        return -1;
    return scn_step_args(ctx, node, st) < 0 || scn_step_sock(ctx, node, st) < 0 ||
                   scn_step_opts(ctx, node, st) < 0
               ? -1
               : 0;
}

int scn_load_steps(struct scn_ctx *ctx, const struct ynode *root)
{
    struct scenario *sc = ctx->sc;
    const struct ynode *steps = ydoc_get(root, "steps"), *prev_at = NULL;

    if (!steps || ydoc_is_null(steps))
        return 0;
    if (scn_want_seq(ctx, steps, "steps") < 0)
        return -1;
    sc->steps = calloc(steps->count ? steps->count : 1, sizeof *sc->steps);
    if (!sc->steps)
        return scn_error(ctx, steps, "out of memory");
    for (size_t i = 0; i < steps->count; i++) {
        struct scenario_step *st = &sc->steps[i];
        sc->step_count = i + 1; /* so scenario_free sees what this step allocated */
        if (scn_load_step(ctx, steps->kids[i], st) < 0)
            return -1;
        /* Steps are written in time order; keeping that rule means the list
         * already is the stable sort the runner wants. */
        const struct ynode *at = ydoc_get(steps->kids[i], "at");
        if (i > 0 && st->at < sc->steps[i - 1].at)
            return scn_error(ctx, at, "time goes backwards: %s is before the previous step at %s",
                             at->text, prev_at->text);
        prev_at = at;
    }
    return 0;
}

/* ---- faults: ---- */

static const char *const scn_fault_names[] = {"drop", "partition"};
static const char *const scn_drop_keys[] = {"from",  "flags",  "nth",    "count",
                                            "after", "before", "min_len"};
static const char *const scn_partition_keys[] = {"from", "to", "direction"};

static int scn_load_drop(struct scn_ctx *ctx, const struct ynode *m, struct scenario_fault *f)
{
    struct link_drop_rule *r = &f->rule;
    const struct ynode *v;

    if (scn_want_map(ctx, m, "drop") < 0 ||
        scn_check_keys(ctx, m, scn_drop_keys, 7, "drop fault") < 0)
        return -1;
    r->to = SIM_TIME_NEVER;
    if ((v = ydoc_get(m, "from"))) {
        if (v->kind != YNODE_SCALAR)
            return scn_error(ctx, v, "expected a host name for 'from'");
        if (scn_host_ref(ctx, v, SCN_WHOLE, v->text, &f->from_host) < 0)
            return -1;
    }
    if ((v = ydoc_get(m, "flags"))) {
        if (v->kind != YNODE_SCALAR)
            return scn_error(ctx, v, "expected flags like SA for 'flags'");
        if (scn_flags(ctx, v, 0, v->text, &r->flags_set, &r->flags_mask) < 0)
            return -1;
    }
    if ((v = ydoc_get(m, "nth")) && scn_get_u32(ctx, v, "nth", 1, UINT32_MAX, &r->nth) < 0)
        return -1;
    if ((v = ydoc_get(m, "count")) && scn_get_u32(ctx, v, "count", 1, UINT32_MAX, &r->count) < 0)
        return -1;
    if (r->count > 0 && r->nth == 0)
        r->nth = 1; /* "count: 3" alone: the first three matches */
    if (r->nth > 0 && r->count == 0)
        r->count = 1;
    if ((v = ydoc_get(m, "min_len")) &&
        scn_get_u32(ctx, v, "min_len", 0, UINT32_MAX, &r->min_len) < 0)
        return -1;
    if ((v = ydoc_get(m, "after")) && scn_get_duration(ctx, v, "after", &r->from) < 0)
        return -1;
    if ((v = ydoc_get(m, "before"))) {
        if (scn_get_duration(ctx, v, "before", &r->to) < 0)
            return -1;
        if (r->to <= r->from)
            return scn_error(ctx, v, "'before' must be later than 'after'");
    }
    return 0;
}

static int scn_load_partition(struct scn_ctx *ctx, const struct ynode *m, struct scenario_fault *f)
{
    const struct ynode *v;
    int to_host;

    if (scn_want_map(ctx, m, "partition") < 0 ||
        scn_check_keys(ctx, m, scn_partition_keys, 3, "partition fault") < 0)
        return -1;
    f->to = SIM_TIME_NEVER;
    if ((v = ydoc_get(m, "from")) && scn_get_duration(ctx, v, "from", &f->from) < 0)
        return -1;
    if ((v = ydoc_get(m, "to"))) {
        if (scn_get_duration(ctx, v, "to", &f->to) < 0)
            return -1;
        if (f->to <= f->from)
            return scn_error(ctx, v, "the partition ends before it starts");
    }
    if ((v = ydoc_get(m, "direction")) && scn_direction(ctx, v, &f->from_host, &to_host) < 0)
        return -1;
    return 0;
}

int scn_load_faults(struct scn_ctx *ctx, const struct ynode *root)
{
    struct scenario *sc = ctx->sc;
    const struct ynode *faults = ydoc_get(root, "faults");

    if (!faults || ydoc_is_null(faults))
        return 0;
    if (scn_want_seq(ctx, faults, "faults") < 0)
        return -1;
    sc->faults = calloc(faults->count ? faults->count : 1, sizeof *sc->faults);
    if (!sc->faults)
        return scn_error(ctx, faults, "out of memory");
    for (size_t i = 0; i < faults->count; i++) {
        const struct ynode *item = faults->kids[i];
        struct scenario_fault *f = &sc->faults[i];
        sc->fault_count = i + 1;
        if (item->kind != YNODE_MAP || ydoc_pairs(item) != 1)
            return scn_error(ctx, item, "a fault is a mapping with one key, 'drop' or 'partition'");
        const struct ynode *key = ydoc_key(item, 0);
        f->from_host = -1;
        f->pos = (struct src_pos){item->line, item->col};
        if (!strcmp(key->text, "drop")) {
            f->kind = FAULT_DROP;
            if (scn_load_drop(ctx, ydoc_value(item, 0), f) < 0)
                return -1;
        } else if (!strcmp(key->text, "partition")) {
            f->kind = FAULT_PARTITION;
            if (scn_load_partition(ctx, ydoc_value(item, 0), f) < 0)
                return -1;
        } else {
            return scn_unknown(ctx, key, SCN_WHOLE, "fault", NULL, key->text, scn_fault_names, 2);
        }
    }
    return 0;
}
