/* Expectations: a trace sink records what the `expect:` lines need (segment
 * counts always; per-connection state and call history only when a line asks
 * for it), timers sample per-state socket counts at their instants, and
 * runner_check compares each line with what happened. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "tcpsim/errors.h"
#include "tcpsim/host.h"

static int host_of(const struct expect *x, const char *name)
{
    for (int i = 0; i < 2; i++)
        if (x->net->hosts[i] && x->net->hosts[i]->name == name)
            return i;
    return -1;
}

static bool flags_match(const struct expectation *e, uint8_t flags)
{
    return (flags & e->flags_mask) == e->flags_set;
}

static void record(struct expect *x, const struct trace_event *ev, int host)
{
    if (x->event_count == x->event_cap) {
        size_t cap = x->event_cap ? x->event_cap * 2 : 256;
        struct rec_event *grown = realloc(x->events, cap * sizeof *grown);
        if (!grown)
            return;
        x->events = grown;
        x->event_cap = cap;
    }
    struct rec_event *rec = &x->events[x->event_count++];
    memset(rec, 0, sizeof *rec);
    rec->t = ev->t;
    rec->conn = ev->conn;
    rec->host = (uint8_t)host;
    rec->kind = (uint8_t)ev->kind;
    if (ev->kind == TRACE_STATE) {
        rec->from = (uint8_t)ev->u.state.from;
        rec->to = (uint8_t)ev->u.state.to;
    } else {
        rec->call = ev->u.app.call;
        rec->ret = (int16_t)ev->u.app.ret;
        rec->value = ev->u.app.value;
    }
}

/* The "rexmit" filter of a count: RTO or fast retransmissions (fast covers
 * every loss-recovery retransmission), tail loss probes, or any of them. */
static bool rexmit_match(const struct expectation *e, const struct tcp_segment *seg)
{
    switch (e->rexmit) {
    case EXPECT_REXMIT_RTO: return seg->retransmit == SEG_REXMIT_RTO;
    case EXPECT_REXMIT_FAST: return seg->retransmit == SEG_REXMIT_FAST;
    case EXPECT_REXMIT_TLP: return seg->retransmit == SEG_REXMIT_TLP;
    case EXPECT_REXMIT_ANY:
        return seg->retransmit == SEG_REXMIT_RTO || seg->retransmit == SEG_REXMIT_FAST ||
               seg->retransmit == SEG_REXMIT_TLP;
    default: return true;
    }
}

static void expect_emit(void *ctx, const struct trace_event *ev)
{
    struct expect *x = ctx;
    if (ev->kind != TRACE_SEG && ev->kind != TRACE_APP && ev->kind != TRACE_STATE)
        return;
    int host = host_of(x, ev->host);
    if (host < 0)
        return;
    const struct expectation *expects = x->scenario->expects;
    if (ev->kind == TRACE_SEG) {
        for (size_t k = 0; k < x->seg_n; k++) {
            uint32_t i = x->by_kind[k];
            const struct expectation *e = &expects[i];
            if (e->host != host || e->dir != ev->u.seg.dir)
                continue;
            if (ev->t < e->from || (e->to != SIM_TIME_NEVER && ev->t >= e->to))
                continue;
            if (flags_match(e, ev->u.seg.seg->flags) && rexmit_match(e, ev->u.seg.seg))
                x->seg_counts[i]++;
        }
        return;
    }
    if (ev->kind == TRACE_APP) {
        for (size_t k = x->seg_n; k < x->seg_n + x->call_n; k++) {
            uint32_t i = x->by_kind[k];
            const struct expectation *e = &expects[i];
            if (e->host == host && e->ret == ev->u.app.ret &&
                (e->ret_value < 0 || e->ret_value == ev->u.app.value) && ev->t >= e->from &&
                (e->to == SIM_TIME_NEVER || ev->t < e->to) && strcmp(e->call, ev->u.app.call) == 0)
                x->seg_counts[i]++;
        }
    }
    if (x->record)
        record(x, ev, host);
}

static void probe_fire(struct engine *engine, struct sim_timer *timer)
{
    struct count_probe *p = container_of(timer, struct count_probe, timer);
    /* Sample after everything else due at this instant, like "state at". */
    if (engine_next_time(engine) == engine->now && p->value++ < 10000) {
        engine_arm(engine, timer, engine->now);
        return;
    }
    const struct expectation *e = &p->x->scenario->expects[p->expect_index];
    p->value = host_count_in_state(p->x->net->hosts[e->host], e->state);
    p->taken = true;
}

int expect_setup(struct expect *x, const struct scenario *sc, struct net *net,
                 const struct sock_names *names)
{
    x->scenario = sc;
    x->net = net;
    x->names = names;
    size_t n = sc->expect_count ? sc->expect_count : 1;
    x->seg_counts = calloc(n, sizeof *x->seg_counts);
    x->probes = calloc(n, sizeof *x->probes);
    x->by_kind = calloc(n, sizeof *x->by_kind);
    if (!x->seg_counts || !x->probes || !x->by_kind)
        return TS_ENOMEM;
    x->seg_n = x->call_n = 0;
    for (size_t i = 0; i < sc->expect_count; i++)
        if (sc->expects[i].kind == EXPECT_SEG_COUNT)
            x->by_kind[x->seg_n++] = (uint32_t)i;
    for (size_t i = 0; i < sc->expect_count; i++)
        if (sc->expects[i].kind == EXPECT_CALL_COUNT)
            x->by_kind[x->seg_n + x->call_n++] = (uint32_t)i;
    for (size_t i = 0; i < sc->expect_count; i++) {
        const struct expectation *e = &sc->expects[i];
        if (e->kind == EXPECT_SOCKETS_IN) {
            struct count_probe *p = &x->probes[i];
            p->expect_index = i;
            if (engine_timer_add(&x->net->engine, &p->timer, probe_fire) != TS_OK)
                return TS_ENOMEM;
            p->x = x; /* owns a reserved slot from here (expect_teardown) */
            engine_arm(&x->net->engine, &p->timer, e->at);
        } else if (e->kind != EXPECT_SEG_COUNT && e->kind != EXPECT_CALL_COUNT) {
            x->record = true;
        }
    }
    if (x->seg_n == 0 && x->call_n == 0 && !x->record)
        return TS_OK; /* only probes (or nothing): no event is looked at */
    struct trace_sink sink = {expect_emit, NULL, x};
    return tracer_add(&x->net->tracer, sink) == 0 ? TS_OK : TS_ENOMEM;
}

void expect_teardown(struct expect *x)
{
    if (x->probes)
        for (size_t i = 0; i < x->scenario->expect_count; i++)
            if (x->probes[i].x)
                engine_timer_del(&x->net->engine, &x->probes[i].timer);
    free(x->probes);
    free(x->seg_counts);
    free(x->by_kind);
    free(x->events);
}

/* ------------------------------------------------------------ evaluation */

static bool compare(enum expect_op op, int64_t got, int64_t want)
{
    switch (op) {
    case OP_EQ: return got == want;
    case OP_NE: return got != want;
    case OP_LT: return got < want;
    case OP_LE: return got <= want;
    case OP_GT: return got > want;
    case OP_GE: return got >= want;
    }
    return false;
}

static const char *op_text(enum expect_op op)
{
    static const char *const names[] = {"==", "!=", "<", "<=", ">", ">="};
    return names[op];
}

/* A call's result as the timeline prints it: the count, or the errno name. */
static void ret_text(int ret, int64_t value, char *out, size_t size)
{
    if (ret == 0 && value >= 0)
        snprintf(out, size, "%" PRId64, value);
    else
        snprintf(out, size, "%s", ts_err_name(ret));
}

static void format_time(sim_time_t t, char *out, size_t size)
{
    if (t % SIM_S(1) == 0)
        snprintf(out, size, "%llds", (long long)(t / SIM_S(1)));
    else if (t % SIM_MS(1) == 0)
        snprintf(out, size, "%lldms", (long long)(t / SIM_MS(1)));
    else
        snprintf(out, size, "%.6fs", (double)t / 1e9);
}

static bool resolve(const struct expect *x, const struct expectation *e, uint32_t *conn,
                    char *detail, size_t size)
{
    if (e->conn_id) {
        *conn = e->conn_id;
        return true;
    }
    const char *name = e->sock ? e->sock : "conn";
    const struct sock_name *slot = sock_names_find(x->names, e->host, name);
    if (!slot) {
        snprintf(detail, size, "no socket named '%s' on %s", name,
                 x->scenario->hosts[e->host].name);
        return false;
    }
    *conn = slot->first_conn;
    return true;
}

static bool is_mine(const struct rec_event *ev, int host, uint32_t conn, uint8_t kind)
{
    return ev->host == host && ev->conn == conn && ev->kind == kind;
}

static bool check_states(const struct expect *x, const struct expectation *e, uint32_t conn,
                         char *detail, size_t size)
{
    char seen[200] = "";
    size_t len = 0, n = 0;
    bool ok = true;
    for (size_t i = 0; i < x->event_count; i++) {
        const struct rec_event *ev = &x->events[i];
        if (!is_mine(ev, e->host, conn, TRACE_STATE))
            continue;
        if (n == 0) {
            ok &= e->state_count > 0 && e->states[0] == ev->from;
            len += (size_t)snprintf(seen + len, len < sizeof seen ? sizeof seen - len : 0, "%s",
                                    tcp_state_name(ev->from));
            n++;
        }
        ok &= n < e->state_count && e->states[n] == ev->to;
        if (len < sizeof seen)
            len += (size_t)snprintf(seen + len, sizeof seen - len, " %s", tcp_state_name(ev->to));
        n++;
    }
    ok &= n == e->state_count;
    snprintf(detail, size, "%s%s", ok ? "" : "got ", n ? seen : "no state changes");
    return ok;
}

static enum tcp_state state_at(const struct expect *x, int host, uint32_t conn, sim_time_t t,
                               bool *any)
{
    enum tcp_state s = TCP_CLOSED;
    *any = false;
    for (size_t i = 0; i < x->event_count; i++) {
        const struct rec_event *ev = &x->events[i];
        if (!is_mine(ev, host, conn, TRACE_STATE))
            continue;
        if (ev->t > t)
            break;
        s = (enum tcp_state)ev->to;
        *any = true;
    }
    return s;
}

static sim_time_t time_in(const struct expect *x, const struct expectation *e, uint32_t conn,
                          sim_time_t end)
{
    sim_time_t total = 0, since = -1;
    for (size_t i = 0; i < x->event_count; i++) {
        const struct rec_event *ev = &x->events[i];
        if (!is_mine(ev, e->host, conn, TRACE_STATE))
            continue;
        if (ev->to == e->state && since < 0)
            since = ev->t;
        else if (ev->from == e->state && since >= 0) {
            total += ev->t - since;
            since = -1;
        }
    }
    if (since >= 0)
        total += end - since;
    return total;
}

static bool check_one(const struct expect *x, sim_time_t end, size_t index, char *detail,
                      size_t size)
{
    const struct expectation *e = &x->scenario->expects[index];
    char a[32], b[32];
    uint32_t conn = 0;
    detail[0] = '\0';
    switch (e->kind) {
    case EXPECT_SEG_COUNT: {
        int64_t got = (int64_t)x->seg_counts[index];
        snprintf(detail, size, "expected count %s %lld, got %lld", op_text(e->op),
                 (long long)e->value, (long long)got);
        return compare(e->op, got, e->value);
    }
    case EXPECT_CALL_COUNT: {
        int64_t got = (int64_t)x->seg_counts[index];
        snprintf(detail, size, "expected %s() = %s %s %lld times, got %lld", e->call,
                 ts_err_name(e->ret), op_text(e->op), (long long)e->value, (long long)got);
        return compare(e->op, got, e->value);
    }
    case EXPECT_SOCKETS_IN: {
        const struct count_probe *p = &x->probes[index];
        if (!p->taken) {
            format_time(e->at, a, sizeof a);
            snprintf(detail, size, "the run ended before %s", a);
            return false;
        }
        snprintf(detail, size, "expected %s %lld sockets in %s, got %lld", op_text(e->op),
                 (long long)e->value, tcp_state_name(e->state), (long long)p->value);
        return compare(e->op, p->value, e->value);
    }
    default: break;
    }
    if (!resolve(x, e, &conn, detail, size))
        return false;
    bool any;
    switch (e->kind) {
    case EXPECT_STATES: return check_states(x, e, conn, detail, size);
    case EXPECT_STATE_AT: {
        enum tcp_state s = state_at(x, e->host, conn, e->at, &any);
        format_time(e->at, a, sizeof a);
        snprintf(detail, size, "expected %s at %s, got %s", tcp_state_name(e->state), a,
                 tcp_state_name(s));
        return s == e->state;
    }
    case EXPECT_FINAL_STATE: {
        enum tcp_state s = state_at(x, e->host, conn, SIM_TIME_MAX, &any);
        snprintf(detail, size, "expected final state %s, got %s", tcp_state_name(e->state),
                 tcp_state_name(s));
        return s == e->state;
    }
    case EXPECT_TIME_IN: {
        sim_time_t got = time_in(x, e, conn, end);
        format_time(e->value, a, sizeof a);
        format_time(got, b, sizeof b);
        snprintf(detail, size, "expected time in %s %s %s, got %s", tcp_state_name(e->state),
                 op_text(e->op), a, b);
        return compare(e->op, got, e->value);
    }
    case EXPECT_RETURNS:
        for (size_t i = 0; i < x->event_count; i++) {
            const struct rec_event *ev = &x->events[i];
            if (is_mine(ev, e->host, conn, TRACE_APP) && strcmp(ev->call, e->call) == 0) {
                ret_text(e->ret, e->ret_value, a, sizeof a);
                ret_text(ev->ret, ev->ret == 0 ? ev->value : -1, b, sizeof b);
                snprintf(detail, size, "expected %s() = %s, got %s", e->call, a, b);
                return ev->ret == e->ret && (e->ret_value < 0 || ev->value == e->ret_value);
            }
        }
        ret_text(e->ret, e->ret_value, a, sizeof a);
        snprintf(detail, size, "expected %s() = %s, but %s() never returned", e->call, a, e->call);
        return false;
    default: return false;
    }
}

size_t expect_results(const struct expect *x, sim_time_t end, struct expect_result *results)
{
    size_t failed = 0;
    for (size_t i = 0; i < x->scenario->expect_count; i++) {
        results[i].expect = &x->scenario->expects[i];
        results[i].pass = check_one(x, end, i, results[i].detail, sizeof results[i].detail);
        failed += !results[i].pass;
    }
    return failed;
}
