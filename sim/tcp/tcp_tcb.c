/* TCB life cycle: creation, the one function that writes the state (and
 * traces it), deletion, and the deferred notifications to the application. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_internal.h"
#include "tcpsim/errors.h"

sim_time_t tcp_now(const struct tcb *tcb) { return tcb->host->net->engine.now; }
const struct tcp_params *tcb_params(const struct tcb *tcb) { return &tcb->host->params; }

static void notify_fire(struct engine *engine, struct sim_timer *timer);

struct tcb *tcb_new(struct host *host)
{
    struct tcb *tcb = calloc(1, sizeof *tcb);
    if (!tcb)
        return NULL;
    /* The TCB's timers get their heap slots now, so arming them never fails. */
    if (engine_reserve(&host->net->engine, TCB_TIMER_COUNT) != TS_OK) {
        free(tcb);
        return NULL;
    }
    const struct tcp_params *p = &host->params;
    tcb->host = host;
    tcb->id = ++host->next_conn_id;
    /* state: TCP_CLOSED (0) from calloc; tcp_set_state writes it from now on */
    tcb->rto = p->rto_initial;
    tcb->mss = 536; /* RFC 9293 3.7.1: default send MSS without the option */
    tcb->rcvbuf = p->rcvbuf;
    tcb->sndbuf = p->sndbuf;
    tcb->nodelay = p->nodelay;
    tcb->keepalive_on = p->keepalive;
    tcb->ka_time = p->keepalive_time;
    tcb->ka_intvl = p->keepalive_intvl;
    tcb->ka_probes_max = p->keepalive_probes;
    tcb->user_timeout = p->user_timeout;
    tcb->cwnd = (p->initial_cwnd_segments ? p->initial_cwnd_segments : 3) * p->mss;
    tcb->ssthresh = UINT32_MAX / 2;
    tcb->cc = tcp_cc_ops_for((enum tcp_cc_algo)p->congestion_control);
    tcb->cubic.epoch_start = -1;
    tcb->last_challenge_ack = -SIM_S(3600);
    tcp_timers_init(tcb);
    sim_timer_init(&tcb->notify_timer, notify_fire);
    tcb->all_next = host->all;
    if (host->all)
        host->all->all_prev = tcb;
    host->all = tcb;
    return tcb;
}

void tcb_free(struct tcb *tcb)
{
    tcp_timers_cancel_all(tcb);
    engine_cancel(&tcb->host->net->engine, &tcb->notify_timer);
    engine_release(&tcb->host->net->engine, TCB_TIMER_COUNT);
    if (tcb->all_prev)
        tcb->all_prev->all_next = tcb->all_next;
    else
        tcb->host->all = tcb->all_next;
    if (tcb->all_next)
        tcb->all_next->all_prev = tcb->all_prev;
    free(tcb->ooo);
    free(tcb->sb);
    free(tcb);
}

/* RFC 9293 Figure 5, plus the arcs every stack has: an active open from a
 * listening socket, a reset from any state, the Linux passive child that is
 * born from its listener (LISTEN -> SYN_RECV). */
bool tcp_transition_allowed(enum tcp_state from, enum tcp_state to)
{
    if (to == TCP_CLOSED)
        return from != TCP_CLOSED;
    switch (from) {
    case TCP_CLOSED: return to == TCP_LISTEN || to == TCP_SYN_SENT;
    case TCP_LISTEN: return to == TCP_SYN_RECV || to == TCP_SYN_SENT;
    case TCP_SYN_SENT: return to == TCP_SYN_RECV || to == TCP_ESTABLISHED;
    case TCP_SYN_RECV: return to == TCP_ESTABLISHED || to == TCP_FIN_WAIT1 || to == TCP_LISTEN;
    case TCP_ESTABLISHED: return to == TCP_FIN_WAIT1 || to == TCP_CLOSE_WAIT;
    case TCP_FIN_WAIT1: return to == TCP_FIN_WAIT2 || to == TCP_CLOSING || to == TCP_TIME_WAIT;
    case TCP_FIN_WAIT2: return to == TCP_TIME_WAIT;
    case TCP_CLOSE_WAIT: return to == TCP_LAST_ACK;
    case TCP_CLOSING: return to == TCP_TIME_WAIT;
    case TCP_LAST_ACK: return false;
    case TCP_TIME_WAIT: return false;
    default: return false;
    }
}

/* The one store to tcb->state. `how` says whether the host's per-state
 * counts follow (they do unless a TIME_WAIT record takes the count over) and
 * whether the change is traced. */
static void state_write(struct tcb *tcb, enum tcp_state to, enum tcp_state_how how)
{
    enum tcp_state from = tcb->state;
    if (from == to)
        return;
    struct host *host = tcb->host;
    if (how != TCP_STATE_HANDOVER) {
        if (from != TCP_CLOSED)
            host->state_count[from]--;
        if (to != TCP_CLOSED)
            host->state_count[to]++;
    }
    tcb->state = to;
    if (how == TCP_STATE_TRACED)
        tcp_trace_conn_state(host, tcb->id, from, to);
}

void tcp_set_state(struct tcb *tcb, enum tcp_state to)
{
    assert((tcb->state == to || tcp_transition_allowed(tcb->state, to)) &&
           "transition not in RFC 9293 Figure 5");
    state_write(tcb, to, TCP_STATE_TRACED);
}

void tcp_set_state_untraced(struct tcb *tcb, enum tcp_state to, enum tcp_state_how how)
{
    assert(how != TCP_STATE_TRACED);
    state_write(tcb, to, how);
}

/* Leaves the tables and stops every timer; the memory goes when the
 * application has let go too (orphan), else at its close(). */
void tcp_close_tcb(struct tcb *tcb)
{
    struct host *host = tcb->host;
    enum tcp_state was = tcb->state;
    if (tcb->state == TCP_LISTEN)
        host_remove_listener(host, tcb);
    else
        host_remove_conn(host, tcb);
    tcp_set_state(tcb, TCP_CLOSED);
    tcp_timers_cancel_all(tcb);
    if (tcb->parent) {
        tcp_listen_unlink_child(tcb, was);
        tcb->parent = NULL;
        tcb->orphan = !tcb->accepted;
    }
    if (tcb->orphan) {
        if (host->app.released)
            host->app.released(host->app.ctx, tcb);
        tcb_free(tcb);
    }
}

void tcp_return_to_listen(struct tcb *tcb)
{
    struct host *host = tcb->host;
    tcp_set_state(tcb, TCP_LISTEN);
    host_remove_conn(host, tcb);
    /* not traced: it never existed for the user */
    tcp_set_state_untraced(tcb, TCP_CLOSED, TCP_STATE_COUNTED);
    tcp_listen_unlink_child(tcb, TCP_SYN_RECV);
    if (host->app.released)
        host->app.released(host->app.ctx, tcb);
    tcb_free(tcb);
}

void tcp_drop(struct tcb *tcb, int err)
{
    tcp_notify_failed(tcb, err);
    tcp_close_tcb(tcb);
}

/* True when an application holds this socket and should hear about it. */
static bool app_holds(const struct tcb *tcb)
{
    return !tcb->orphan && (tcb->parent == NULL || tcb->accepted);
}

static void notify_post(struct tcb *tcb, uint8_t what)
{
    tcb->notify_pending |= what;
    if (!sim_timer_armed(&tcb->notify_timer))
        engine_arm(&tcb->host->net->engine, &tcb->notify_timer, tcp_now(tcb));
}

void tcp_notify_connected(struct tcb *tcb, int err)
{
    if (!tcb->connect_pending)
        return;
    tcb->connect_pending = false;
    tcb->notify_err = err;
    notify_post(tcb, NOTIFY_CONNECTED);
}

void tcp_notify_accepted(struct tcb *child) { notify_post(child, NOTIFY_ACCEPTED); }

void tcp_notify_readable(struct tcb *tcb)
{
    if (app_holds(tcb))
        notify_post(tcb, NOTIFY_READABLE);
}

void tcp_notify_failed(struct tcb *tcb, int err)
{
    if (tcb->connect_pending) {
        tcp_notify_connected(tcb, err);
        return;
    }
    if (tcb->close_pending) {
        tcb->close_pending = false;
        tcp_notify_close_done(tcb, err);
    }
    if (!app_holds(tcb))
        return;
    tcb->so_error = err;
    notify_post(tcb, NOTIFY_FAILED);
}

void tcp_notify_close_done(struct tcb *tcb, int err)
{
    tcb->notify_err = err;
    notify_post(tcb, NOTIFY_CLOSE_DONE);
}

/* Delivers one pending notification per event, highest priority first; the
 * rest are re-posted before the callback runs, because the callback may close
 * (and so free) the socket. */
static void notify_fire(struct engine *engine, struct sim_timer *timer)
{
    struct tcb *tcb = container_of(timer, struct tcb, notify_timer);
    const struct app_ops *app = &tcb->host->app;
    static const uint8_t order[] = {NOTIFY_CONNECTED, NOTIFY_ACCEPTED, NOTIFY_READABLE,
                                    NOTIFY_FAILED, NOTIFY_CLOSE_DONE};
    uint8_t what = 0;
    for (size_t i = 0; i < sizeof order; i++) {
        if (tcb->notify_pending & order[i]) {
            what = order[i];
            break;
        }
    }
    tcb->notify_pending &= (uint8_t)~what;
    if (tcb->notify_pending)
        engine_arm(engine, &tcb->notify_timer, engine->now);

    switch (what) {
    case NOTIFY_CONNECTED:
        tcp_trace_app(tcb, "connect", tcb->notify_err, 0);
        if (app->connected)
            app->connected(app->ctx, tcb, tcb->notify_err);
        break;
    case NOTIFY_ACCEPTED: {
        struct tcb *listener = tcb->parent;
        tcb->parent = NULL; /* already out of the listener's queues */
        tcp_trace_app(tcb, "accept", TS_OK, 0);
        if (app->accepted)
            app->accepted(app->ctx, listener, tcb);
        break;
    }
    case NOTIFY_READABLE:
        if (app->readable)
            app->readable(app->ctx, tcb);
        break;
    case NOTIFY_FAILED:
        if (app->failed)
            app->failed(app->ctx, tcb, tcb->so_error);
        break;
    case NOTIFY_CLOSE_DONE:
        tcp_trace_app(tcb, "close", tcb->notify_err, 0);
        if (app->close_done)
            app->close_done(app->ctx, tcb, tcb->notify_err);
        break;
    default: break;
    }
}

static void trace_common(struct host *host, uint32_t conn, struct trace_event *ev,
                         enum trace_kind kind)
{
    memset(ev, 0, sizeof *ev);
    ev->t = host->net->engine.now;
    ev->kind = kind;
    ev->host = host->name;
    ev->conn = conn;
}

static void emit_timer(struct host *host, uint32_t conn, enum trace_timer_kind timer,
                       enum trace_timer_action action, sim_time_t expires, uint32_t backoff)
{
    if (!tracer_active(&host->net->tracer))
        return;
    struct trace_event ev;
    trace_common(host, conn, &ev, TRACE_TIMER);
    ev.u.timer.timer = timer;
    ev.u.timer.action = action;
    ev.u.timer.expires = expires;
    ev.u.timer.backoff = backoff;
    tracer_emit(&host->net->tracer, &ev);
}

void tcp_trace_timer(struct tcb *tcb, enum trace_timer_kind timer, enum trace_timer_action action,
                     sim_time_t expires)
{
    emit_timer(tcb->host, tcb->id, timer, action, expires, tcb->retransmits);
}

void tcp_trace_conn_timer(struct host *host, uint32_t conn, enum trace_timer_kind timer,
                          enum trace_timer_action action, sim_time_t expires)
{
    emit_timer(host, conn, timer, action, expires, 0);
}

void tcp_trace_conn_note(struct host *host, uint32_t conn, const char *text)
{
    if (!tracer_active(&host->net->tracer))
        return;
    struct trace_event ev;
    trace_common(host, conn, &ev, TRACE_NOTE);
    ev.u.note.text = text;
    tracer_emit(&host->net->tracer, &ev);
}

void tcp_trace_note(struct tcb *tcb, const char *text)
{
    tcp_trace_conn_note(tcb->host, tcb->id, text);
}

void tcp_trace_conn_state(struct host *host, uint32_t conn, enum tcp_state from, enum tcp_state to)
{
    if (!tracer_active(&host->net->tracer))
        return;
    struct trace_event ev;
    trace_common(host, conn, &ev, TRACE_STATE);
    ev.u.state.from = from;
    ev.u.state.to = to;
    tracer_emit(&host->net->tracer, &ev);
}

void tcp_trace_app(struct tcb *tcb, const char *call, int ret, int64_t value)
{
    if (!tracer_active(&tcb->host->net->tracer))
        return;
    struct trace_event ev;
    trace_common(tcb->host, tcb->id, &ev, TRACE_APP);
    ev.u.app.call = call;
    ev.u.app.ret = ret;
    ev.u.app.value = value;
    tracer_emit(&tcb->host->net->tracer, &ev);
}

/* A 64-bit mix (splitmix64's finaliser) of what a cc event reports. */
static uint64_t cc_hash(uint32_t cwnd, uint32_t ssthresh, uint32_t flight, sim_time_t srtt,
                        sim_time_t rto)
{
    uint64_t h = ((uint64_t)cwnd << 32 | ssthresh) ^ ((uint64_t)flight * 0x9e3779b97f4a7c15ull);
    h ^= (uint64_t)srtt * 0xbf58476d1ce4e5b9ull;
    h ^= (uint64_t)rto * 0x94d049bb133111ebull;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h | 1; /* 0 means "nothing emitted yet" */
}

/* A cc event only when cwnd, ssthresh, flight size, SRTT (or the RTO it
 * shows) changed since this connection's last one: a bulk transfer in
 * congestion avoidance would otherwise repeat itself on every ACK. A hash
 * instead of the five values keeps the TCB small; the price, a change
 * hidden when two successive tuples share a 63-bit hash, is negligible
 * (and deterministic). */
void tcp_trace_cc(struct tcb *tcb)
{
    if (!tracer_active(&tcb->host->net->tracer))
        return;
    uint32_t flight = tcp_flight_size(tcb);
    uint64_t h = cc_hash(tcb->cwnd, tcb->ssthresh, flight, tcb->srtt, tcb->rto);
    if (h == tcb->cc_traced)
        return;
    tcb->cc_traced = h;
    struct trace_event ev;
    trace_common(tcb->host, tcb->id, &ev, TRACE_CC);
    ev.u.cc.cwnd = tcb->cwnd;
    ev.u.cc.ssthresh = tcb->ssthresh;
    ev.u.cc.flight = flight;
    ev.u.cc.srtt = tcb->srtt;
    ev.u.cc.rto = tcb->rto;
    tracer_emit(&tcb->host->net->tracer, &ev);
}

/* RFC 9293 3.4.1 asks for a clock-driven ISN made unpredictable (RFC 6528);
 * a seeded per-host stream gives the unpredictability and keeps runs
 * reproducible. */
tcp_seq tcp_new_isn(struct host *host) { return (tcp_seq)rng_next(&host->isn_rng); }
