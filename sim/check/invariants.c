/* The invariant checker: a trace sink that follows every connection's
 * states and segments, and end-of-run checks over the runner's byte
 * counts (see tcpsim/invariants.h for the list). */
#include "tcpsim/invariants.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"

static const char *const kind_names[INV_KIND_COUNT] = {
    [INV_NO_END] = "no-end",
    [INV_TRANSITION] = "transition",
    [INV_SEG_FROM_CLOSED] = "segment-from-closed",
    [INV_STUCK] = "stuck",
    [INV_STREAM] = "stream-order",
    [INV_DELIVERY] = "delivery",
    [INV_NOT_CLOSED] = "not-closed",
    [INV_NO_TIME_WAIT] = "no-time-wait",
    [INV_PINGPONG] = "ack-pingpong",
    [INV_NONDETERMINISTIC] = "nondeterministic",
};

const char *inv_kind_name(enum inv_kind kind)
{
    return (unsigned)kind < INV_KIND_COUNT ? kind_names[kind] : "?";
}

#define S(x) (1u << TCP_##x)
/* RFC 9293 3.3.2 Figure 5, plus what its event processing (3.10) allows
 * beyond the figure: any synchronized state to CLOSED on RST, ABORT or a
 * user timeout; SYN-RECEIVED to CLOSE-WAIT on a FIN (3.10.7.4, eighth
 * check) and back to LISTEN on a RST (3.10.7.4, fourth check); LISTEN to
 * SYN-SENT on a SEND. Linux adds nothing outside this set: its syncookie
 * children are traced LISTEN -> SYN_RECV -> ESTABLISHED, its orphaned
 * FIN-WAIT-2 timeout (tcp_fin_timeout) ends in CLOSED. */
static const uint32_t allowed[TCP_STATE_COUNT] = {
    [TCP_CLOSED] = S(LISTEN) | S(SYN_SENT) | S(SYN_RECV),
    [TCP_LISTEN] = S(SYN_RECV) | S(SYN_SENT) | S(CLOSED),
    [TCP_SYN_SENT] = S(SYN_RECV) | S(ESTABLISHED) | S(CLOSED),
    [TCP_SYN_RECV] = S(ESTABLISHED) | S(FIN_WAIT1) | S(CLOSE_WAIT) | S(LISTEN) | S(CLOSED),
    [TCP_ESTABLISHED] = S(FIN_WAIT1) | S(CLOSE_WAIT) | S(CLOSED),
    [TCP_CLOSE_WAIT] = S(LAST_ACK) | S(CLOSED),
    [TCP_FIN_WAIT1] = S(FIN_WAIT2) | S(CLOSING) | S(TIME_WAIT) | S(CLOSED),
    [TCP_CLOSING] = S(TIME_WAIT) | S(CLOSED),
    [TCP_LAST_ACK] = S(CLOSED),
    [TCP_FIN_WAIT2] = S(TIME_WAIT) | S(CLOSED),
    [TCP_TIME_WAIT] = S(CLOSED),
};
/* States a connection may not rest in once nothing is pending: each owes
 * a retransmission, a timeout or an answer. */
static const uint32_t owing =
    S(SYN_SENT) | S(SYN_RECV) | S(FIN_WAIT1) | S(CLOSING) | S(LAST_ACK) | S(TIME_WAIT);
#undef S

struct conn {
    uint64_t key;       /* host << 32 | id; 0 = empty slot */
    uint8_t seen_state; /* the last state the timeline showed (not a TCB's own) */
    bool state_known;
    bool closed_by_app;   /* close() returned 0: a FIN is owed */
    bool app_error;       /* an application call on it returned an error */
    bool let_go_unsynced; /* close() before the handshake finished: the app let go */
    bool fin_wait1;       /* went through FIN_WAIT1 (the active closer) */
    bool time_wait;
    uint8_t last_from; /* the last transition, for "TIME_WAIT then CLOSED" */
    sim_time_t closed_at;
    uint64_t tuple; /* its 4-tuple's key, once a segment showed it */
};

/* A pure-ACK echo chain on one 4-tuple (side 0/1 by address and port). */
struct echo {
    uint64_t tuple;                   /* 0 = empty */
    sim_time_t pure_rx_at[2];         /* when this side last received a pure ACK (+1) */
    bool rx_was_echo[2];              /* ... and it was the other side's last echo */
    bool has_echo[2];                 /* this side has sent an echo since the last reset */
    tcp_seq echo_seq[2], echo_ack[2]; /* this side's last echo */
    uint32_t run;
    bool reported;
};

struct inv_checker {
    struct inv_options opt;
    const char *names[2];
    struct conn *conns;
    size_t conn_cap, conn_count;
    struct echo *echoes;
    size_t echo_cap, echo_count;
    struct inv_violation first[INV_KIND_COUNT];
    bool seen[INV_KIND_COUNT];
    struct inv_violation compact[INV_KIND_COUNT]; /* inv_violations() */
    size_t total;
    sim_time_t last_t; /* the last event's time: end-of-run violations are dated there */
    bool reset_sent;
    bool script_missed; /* a scripted call found no socket (EBADF): the script did not run as meant
                         */
};

void inv_add(struct inv_checker *c, enum inv_kind kind, sim_time_t t, const char *detail)
{
    c->total++;
    if (c->seen[kind])
        return;
    c->seen[kind] = true;
    c->first[kind].kind = kind;
    c->first[kind].t = t;
    snprintf(c->first[kind].detail, sizeof c->first[kind].detail, "%s", detail);
}

static void violation(struct inv_checker *c, enum inv_kind kind, sim_time_t t, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void violation(struct inv_checker *c, enum inv_kind kind, sim_time_t t, const char *fmt, ...)
{
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    inv_add(c, kind, t, text);
}

/* ------------------------------------------------------- small hash maps */

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

/* Open addressing on a power-of-two table; `key` 0 marks a free slot. */
#define FIND_OR_ADD(type, table, cap, count, k)                                                    \
    do {                                                                                           \
        if (2 * (count + 1) > cap) {                                                               \
            size_t ncap = cap ? 2 * cap : 64;                                                      \
            type *n = calloc(ncap, sizeof *n);                                                     \
            if (!n)                                                                                \
                return NULL;                                                                       \
            for (size_t i = 0; i < cap; i++)                                                       \
                if (table[i].KEYF) {                                                               \
                    size_t j = mix(table[i].KEYF) & (ncap - 1);                                    \
                    while (n[j].KEYF)                                                              \
                        j = (j + 1) & (ncap - 1);                                                  \
                    n[j] = table[i];                                                               \
                }                                                                                  \
            free(table);                                                                           \
            table = n;                                                                             \
            cap = ncap;                                                                            \
        }                                                                                          \
        size_t j = mix(k) & (cap - 1);                                                             \
        while (table[j].KEYF && table[j].KEYF != (k))                                              \
            j = (j + 1) & (cap - 1);                                                               \
        if (!table[j].KEYF) {                                                                      \
            table[j].KEYF = (k);                                                                   \
            count++;                                                                               \
        }                                                                                          \
        return &table[j];                                                                          \
    } while (0)

#define KEYF key
static struct conn *conn_get(struct inv_checker *c, uint64_t key)
{
    FIND_OR_ADD(struct conn, c->conns, c->conn_cap, c->conn_count, key);
}
#undef KEYF
#define KEYF tuple
static struct echo *echo_get(struct inv_checker *c, uint64_t tuple)
{
    FIND_OR_ADD(struct echo, c->echoes, c->echo_cap, c->echo_count, tuple);
}
#undef KEYF

static int host_index(const struct inv_checker *c, const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < 2; i++)
        if (c->names[i] == name || (c->names[i] && strcmp(c->names[i], name) == 0))
            return i;
    return -1;
}

static uint64_t conn_key(int host, uint32_t id) { return ((uint64_t)(host + 1) << 32) | id; }

/* Both directions of a connection share one key; `side` says which end
 * the segment's source is (by address, then port). */
static uint64_t tuple_key(const struct tcp_segment *s, int *side)
{
    uint64_t a = (uint64_t)s->src_addr << 16 | s->src_port;
    uint64_t b = (uint64_t)s->dst_addr << 16 | s->dst_port;
    *side = a > b;
    uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
    return mix(lo * 0x9e3779b97f4a7c15ull ^ hi) | 1;
}

/* --------------------------------------------------------------- events */

static void on_state(struct inv_checker *c, const struct trace_event *ev, int host)
{
    struct conn *k = conn_get(c, conn_key(host, ev->conn));
    if (!k)
        return;
    enum tcp_state from = ev->u.state.from, to = ev->u.state.to;
    if (k->state_known && k->seen_state != from)
        violation(c, INV_TRANSITION, ev->t, "%s#%u: %s -> %s but it was in %s", ev->host, ev->conn,
                  tcp_state_name(from), tcp_state_name(to),
                  tcp_state_name((enum tcp_state)k->seen_state));
    if (!(allowed[from] & (1u << to)))
        violation(c, INV_TRANSITION, ev->t, "%s#%u: %s -> %s is not in RFC 9293's diagram",
                  ev->host, ev->conn, tcp_state_name(from), tcp_state_name(to));
    k->seen_state = (uint8_t)to;
    k->state_known = true;
    k->last_from = (uint8_t)from;
    if (to == TCP_FIN_WAIT1)
        k->fin_wait1 = true;
    if (to == TCP_TIME_WAIT)
        k->time_wait = true;
    if (to == TCP_CLOSED)
        k->closed_at = ev->t;
}

static bool pure_ack(const struct tcp_segment *s) { return s->flags == TCP_ACK && s->len == 0; }

static void on_seg(struct inv_checker *c, const struct trace_event *ev, int host)
{
    const struct tcp_segment *s = ev->u.seg.seg;
    if (!s || ev->u.seg.dir == TRACE_DROP)
        return;
    int side;
    uint64_t tuple = tuple_key(s, &side);
    struct conn *k = ev->conn ? conn_get(c, conn_key(host, ev->conn)) : NULL;
    if (k)
        k->tuple = tuple;
    if (ev->u.seg.dir == TRACE_TX && (s->flags & TCP_RST))
        c->reset_sent = true;
    if (ev->u.seg.dir == TRACE_TX && k && k->state_known && k->seen_state == TCP_CLOSED &&
        ev->t > k->closed_at)
        violation(c, INV_SEG_FROM_CLOSED, ev->t,
                  "%s#%u sent a segment (flags 0x%02x) %lld ns "
                  "after it was CLOSED",
                  ev->host, ev->conn, s->flags, (long long)(ev->t - k->closed_at));
    struct echo *e = echo_get(c, tuple);
    if (!e)
        return;
    if (!pure_ack(s)) {
        e->run = 0;
        e->has_echo[0] = e->has_echo[1] = false;
        return;
    }
    if (ev->u.seg.dir == TRACE_RX) {
        /* `side` is the sender's; the receiver is the other one. */
        e->pure_rx_at[!side] = ev->t + 1; /* +1: 0 means never */
        e->rx_was_echo[!side] =
            e->has_echo[side] && s->seq == e->echo_seq[side] && s->ack == e->echo_ack[side];
        return;
    }
    /* A pure ACK sent at the instant a pure ACK arrived is an echo. Echoes
     * that answer the other side's echoes, again and again, are a
     * ping-pong (RFC 9293 3.10.7.4 answers an unacceptable segment with an
     * ACK: two sides that find each other's ACKs unacceptable never stop).
     * An echo of anything else (an old ACK overtaken by data, a keep-alive
     * probe) starts a new count. */
    if (e->pure_rx_at[side] != ev->t + 1)
        return;
    e->run = e->rx_was_echo[side] ? e->run + 1 : 1;
    e->has_echo[side] = true;
    e->echo_seq[side] = s->seq;
    e->echo_ack[side] = s->ack;
    uint32_t limit = c->opt.pingpong_limit ? c->opt.pingpong_limit : 8;
    if (e->run >= limit && !e->reported) {
        e->reported = true;
        violation(c, INV_PINGPONG, ev->t,
                  "%s#%u: %u pure ACKs in a row, each answering the other side's at once", ev->host,
                  ev->conn, e->run);
    }
}

static void on_timer(struct inv_checker *c, const struct trace_event *ev, int host)
{
    if (ev->u.timer.action != TRACE_TIMER_FIRE || !ev->conn)
        return;
    struct conn *k = conn_get(c, conn_key(host, ev->conn));
    if (!k || !k->tuple)
        return;
    struct echo *e = echo_get(c, k->tuple);
    if (e) { /* a timer's segment starts a new exchange */
        e->run = 0;
        e->has_echo[0] = e->has_echo[1] = false;
    }
}

static void on_app(struct inv_checker *c, const struct trace_event *ev, int host)
{
    int ret = ev->u.app.ret;
    if (ret == TS_EBADF)
        c->script_missed = true;
    if (!ev->conn)
        return;
    struct conn *k = conn_get(c, conn_key(host, ev->conn));
    if (!k)
        return;
    if (ret != TS_OK && ret != TS_EAGAIN)
        k->app_error = true;
    if (ret == TS_OK && strcmp(ev->u.app.call, "close") == 0) {
        k->closed_by_app = true;
        /* CLOSE in SYN-SENT deletes the TCB (RFC 9293 3.10.4); the data the
         * application queued goes with the socket it gave up, as on Linux
         * (tcp_close: SYN_SENT -> CLOSE, write queue purged). */
        if (k->state_known && k->seen_state == TCP_SYN_SENT)
            k->let_go_unsynced = true;
    }
}

static void inv_emit(void *ctx, const struct trace_event *ev)
{
    struct inv_checker *c = ctx;
    int host = host_index(c, ev->host);
    c->last_t = ev->t;
    if (host < 0)
        return;
    switch (ev->kind) {
    case TRACE_STATE: on_state(c, ev, host); break;
    case TRACE_SEG: on_seg(c, ev, host); break;
    case TRACE_TIMER: on_timer(c, ev, host); break;
    case TRACE_APP: on_app(c, ev, host); break;
    default: break;
    }
}

struct trace_sink inv_sink(struct inv_checker *c)
{
    return (struct trace_sink){.emit = inv_emit, .finish = NULL, .ctx = c};
}

struct inv_checker *inv_new(const struct inv_options *options, const char *const host_names[2])
{
    struct inv_checker *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->opt = *options;
    c->names[0] = host_names[0];
    c->names[1] = host_names[1];
    return c;
}

/* ------------------------------------------------------------ at the end */

static const struct conn *conn_find(const struct inv_checker *c, int host, uint32_t id)
{
    if (!c->conn_cap)
        return NULL;
    uint64_t key = conn_key(host, id);
    size_t j = mix(key) & (c->conn_cap - 1);
    while (c->conns[j].key && c->conns[j].key != key)
        j = (j + 1) & (c->conn_cap - 1);
    return c->conns[j].key ? &c->conns[j] : NULL;
}

static void check_stuck(struct inv_checker *c, sim_time_t end)
{
    for (size_t i = 0; i < c->conn_cap; i++) {
        const struct conn *k = &c->conns[i];
        if (!k->key || !k->state_known)
            continue;
        int host = (int)(k->key >> 32) - 1;
        uint32_t id = (uint32_t)k->key;
        if (owing & (1u << k->seen_state))
            violation(c, INV_STUCK, end, "%s#%u rests in %s with nothing pending", c->names[host],
                      id, tcp_state_name((enum tcp_state)k->seen_state));
        else if (k->closed_by_app &&
                 (k->seen_state == TCP_ESTABLISHED || k->seen_state == TCP_CLOSE_WAIT))
            violation(c, INV_STUCK, end,
                      "%s#%u: the application closed it, yet it rests in %s with nothing "
                      "pending (its FIN was never sent)",
                      c->names[host], id, tcp_state_name((enum tcp_state)k->seen_state));
    }
}

/* A clean run: every octet one side wrote arrived at the other, and both
 * ends are CLOSED, the active closer by way of TIME_WAIT. */
static void check_clean(struct inv_checker *c, const struct runner *r, sim_time_t end)
{
    size_t n;
    const struct runner_conn *rc = runner_conns(r, &n);
    size_t pairs = 0;
    for (size_t i = 0; i < n; i++) {
        const struct runner_conn *a = &rc[i];
        const struct runner_conn *b = NULL;
        for (size_t j = 0; j < n && !b; j++)
            if (rc[j].host != a->host && rc[j].local_port == a->remote_port &&
                rc[j].remote_port == a->local_port)
                b = &rc[j];
        const char *an = c->names[a->host];
        if (!b) {
            /* Closed before the handshake finished: fine when the
             * application closed it (it let go of its data) or was told
             * (RFC 9293 3.10.4: queued SENDs get "error: closing"), not
             * when accepted octets vanished unreported. */
            const struct conn *k = conn_find(c, a->host, a->id);
            if (a->written && !(k && (k->app_error || k->let_go_unsynced)))
                violation(c, INV_DELIVERY, end,
                          "%s#%u: send() accepted %llu octets, but no connection ever carried "
                          "them",
                          an, a->id, (unsigned long long)a->written);
            continue;
        }
        pairs++;
        if (a->written != b->received)
            violation(c, INV_DELIVERY, end, "%s#%u wrote %llu octets, %s#%u received %llu", an,
                      a->id, (unsigned long long)a->written, c->names[b->host], b->id,
                      (unsigned long long)b->received);
        const struct conn *k = conn_find(c, a->host, a->id);
        if (!k || !k->state_known || k->seen_state != TCP_CLOSED)
            violation(c, INV_NOT_CLOSED, end, "%s#%u ends in %s, not CLOSED", an, a->id,
                      k && k->state_known ? tcp_state_name((enum tcp_state)k->seen_state) : "?");
        else if (k->fin_wait1 && (!k->time_wait || k->last_from != TCP_TIME_WAIT))
            violation(c, INV_NO_TIME_WAIT, end,
                      "%s#%u closed first (FIN_WAIT1) but reached CLOSED from %s", an, a->id,
                      tcp_state_name((enum tcp_state)k->last_from));
    }
    (void)pairs;
}

size_t inv_finish(struct inv_checker *c, const struct runner *r)
{
    sim_time_t end = c->last_t;
    enum runner_cut cut = runner_cut(r);
    if (cut == RUNNER_CUT_EVENT_LIMIT)
        violation(c, INV_NO_END, end, "the run was cut by the event cap");
    else if (cut == RUNNER_CUT_TIME_CAP && c->opt.strict_end)
        violation(c, INV_NO_END, end, "events still pending after " RUNNER_TIME_CAP_TEXT);
    size_t n;
    const struct runner_conn *rc = runner_conns(r, &n);
    for (size_t i = 0; i < n; i++)
        if (rc[i].bad)
            violation(c, INV_STREAM, end, "%s#%u: %llu octets out of stream order",
                      c->names[rc[i].host], rc[i].id, (unsigned long long)rc[i].bad);
    const struct engine *e = &runner_net((struct runner *)r)->engine;
    bool idle = cut == RUNNER_CUT_NONE && engine_next_time(e) == SIM_TIME_NEVER;
    if (idle)
        check_stuck(c, end);
    if (c->opt.clean && cut == RUNNER_CUT_NONE &&
        !(c->opt.reset_waives_clean && (c->reset_sent || c->script_missed)))
        check_clean(c, r, end);
    return c->total;
}

size_t inv_violations(struct inv_checker *c, const struct inv_violation **out)
{
    size_t n = 0;
    for (int k = 0; k < INV_KIND_COUNT; k++)
        if (c->seen[k])
            c->compact[n++] = c->first[k];
    *out = c->compact;
    return n;
}

void inv_free(struct inv_checker *c)
{
    if (!c)
        return;
    free(c->conns);
    free(c->echoes);
    free(c);
}
