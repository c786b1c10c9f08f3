/* The runner: builds the world from a scenario, schedules the scripted steps,
 * and plays the applications: auto-accept, auto-read (optional), close on
 * EOF (optional). */
#include <stdlib.h>
#include <string.h>

#include "flood.h"
#include "runner_internal.h"
#include "tcpsim/errors.h"
#include "tcpsim/socket.h"
#include "tcpsim/tcp_host.h"
#include "workload.h"

static struct sock_name *name_slot(struct runner *r, int host, const char *name)
{
    return sock_names_find(&r->names, host, name);
}

static struct app_sock *app_sock_get(struct runner *r, struct tcb *tcb);

/* Binds `name` to a socket (or to conn 0 for a call that failed at once).
 * The socket's app record remembers the entry, so its release is O(1). */
static void bind_name(struct runner *r, int host, const char *name, struct tcb *tcb)
{
    struct sock_name *slot = name_slot(r, host, name);
    if (!slot) {
        slot = sock_names_add(&r->names, host, name);
        if (!slot)
            return;
        slot->first_conn = tcb ? sock_id(tcb) : 0;
    }
    struct app_sock *a = tcb ? app_sock_get(r, tcb) : NULL;
    slot->latest = a ? tcb : NULL; /* (no record, no way to clear it on release) */
    if (a)
        a->name = (size_t)(slot - r->names.v) + 1;
}

static struct tcb *named_socket(struct runner *r, int host, const char *name)
{
    struct sock_name *slot = name_slot(r, host, name ? name : "conn");
    return slot ? slot->latest : NULL;
}

static void trace_app_call(struct runner *r, int host, uint32_t conn, const char *call, int ret,
                           int64_t value)
{
    if (!tracer_active(&r->net.tracer))
        return;
    struct trace_event ev = {
        .t = r->net.engine.now, .kind = TRACE_APP, .host = r->net.hosts[host]->name, .conn = conn};
    ev.u.app.call = call;
    ev.u.app.ret = ret;
    ev.u.app.value = value;
    tracer_emit(&r->net.tracer, &ev);
}

/* ---------------------------------------------------------- applications */

/* The paced reader reads a tenth of a second's worth at a time. */
#define APP_READS_PER_S 10

/* The scripted app's record on a socket, or NULL (none yet, or a workload's). */
static struct app_sock *app_of(struct tcb *tcb)
{
    struct app_tag *tag = sock_user(tcb);
    return tag && tag->kind == APP_SCRIPTED ? (struct app_sock *)tag : NULL;
}

static void app_read(struct runner *r, struct tcb *tcb);

static void app_sock_fire(struct engine *engine, struct sim_timer *timer)
{
    (void)engine;
    struct app_sock *a = container_of(timer, struct app_sock, timer);
    if (a->tcb)
        app_read(a->runner, a->tcb);
}

/* The socket's own settings, made from its host's on first use. */
static struct app_sock *app_sock_get(struct runner *r, struct tcb *tcb)
{
    if (app_of(tcb))
        return app_of(tcb);
    struct app_sock *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    const struct scenario_host *h = &r->scenario->hosts[sock_host(tcb)->index];
    a->tag.kind = APP_SCRIPTED;
    if (engine_timer_add(&r->net.engine, &a->timer, app_sock_fire) != TS_OK) {
        free(a);
        return NULL;
    }
    a->runner = r;
    a->tcb = tcb;
    a->autoread = h->autoread;
    a->read_rate = h->read_rate;
    a->next = r->app_socks;
    r->app_socks = a;
    sock_set_user(tcb, a);
    return a;
}

static void read_all(struct runner *r, struct tcb *tcb)
{
    int host = sock_host(tcb)->index;
    uint64_t got;
    bool eof;
    int err;
    do
        err = sock_recv(tcb, 0, &got, &eof);
    while (err == TS_OK && got > 0);
    if (err == TS_EAGAIN)
        return;
    trace_app_call(r, host, sock_id(tcb), "recv", err, 0);
    if (err == TS_OK && eof && r->scenario->hosts[host].close_on_eof)
        sock_close(tcb);
}

/* The automatic reader: everything at once, or read_rate bytes/s in reads
 * of a tenth of a second's worth, sleeping as long as each read "took". A
 * reader slower than the sender fills the receive buffer, and the window
 * closes (RFC 9293 3.8.6). */
static void app_read(struct runner *r, struct tcb *tcb)
{
    const struct scenario_host *h = &r->scenario->hosts[sock_host(tcb)->index];
    struct app_sock *a = app_of(tcb);
    bool autoread = a ? a->autoread : h->autoread;
    uint32_t rate = a ? a->read_rate : h->read_rate;
    if (!autoread)
        return;
    if (rate == 0 || sock_recv_queue(tcb) == 0) {
        read_all(r, tcb); /* nothing to pace: EOF and errors are seen at once */
        return;
    }
    if (!a && !(a = app_sock_get(r, tcb)))
        return;
    if (sim_timer_armed(&a->timer))
        return; /* still "busy" with the previous read */
    uint64_t chunk = rate / APP_READS_PER_S ? rate / APP_READS_PER_S : 1, got;
    bool eof;
    if (sock_recv(tcb, chunk, &got, &eof) != TS_OK || got == 0)
        return;
    engine_arm_after(&r->net.engine, &a->timer, (sim_time_t)(got * SIM_S(1) / rate));
}

/* Workload sockets are played by workload.c; the rest are scripted. */
static void app_connected(void *ctx, struct tcb *tcb, int err)
{
    (void)ctx;
    workload_connected(tcb, err); /* the model traces connect() itself */
}

static void app_accepted(void *ctx, struct tcb *listener, struct tcb *child)
{
    struct runner *r = ctx;
    int host = sock_host(child)->index;
    if (workload_accepted(listener, child))
        return;
    /* The first accepted connection is "conn"; later ones "conn2", "conn3"... */
    uint32_t n = ++r->accepted_count[host];
    char name[32];
    if (n == 1)
        snprintf(name, sizeof name, "conn");
    else
        snprintf(name, sizeof name, "conn%u", n);
    if (!name_slot(r, host, name) || n > 1)
        bind_name(r, host, name, child);
    struct app_sock *from = app_of(listener), *a;
    if (from && (a = app_sock_get(r, child))) {
        a->autoread = from->autoread;
        a->read_rate = from->read_rate;
    }
    app_read(r, child);
}

/* A blocking recv step returns once there is data, EOF or an error. */
static bool try_recv(struct runner *r, struct tcb *tcb, uint64_t max)
{
    uint64_t got;
    bool eof;
    int err = sock_recv(tcb, max, &got, &eof);
    if (err == TS_EAGAIN)
        return false;
    trace_app_call(r, sock_host(tcb)->index, sock_id(tcb), "recv", err, (int64_t)got);
    return true;
}

static bool finish_blocked_recv(struct runner *r, struct tcb *tcb)
{
    struct app_sock *a = app_of(tcb);
    if (!a || !a->recv_waiting || !try_recv(r, tcb, a->recv_max))
        return false;
    a->recv_waiting = false;
    return true;
}

static void app_readable(void *ctx, struct tcb *tcb)
{
    if (workload_readable(tcb))
        return;
    finish_blocked_recv(ctx, tcb);
    app_read(ctx, tcb);
}

static void app_failed(void *ctx, struct tcb *tcb, int err)
{
    if (workload_failed(tcb, err))
        return;
    if (!finish_blocked_recv(ctx, tcb)) /* the error is reported once */
        app_read(ctx, tcb);
}

static void app_close_done(void *ctx, struct tcb *tcb, int err)
{
    (void)ctx;
    (void)tcb;
    (void)err;
}

/* Keeps what the socket's two byte streams came to (runner_conns). */
static void record_conn(struct runner *r, const struct tcb *tcb)
{
    struct sock_streams st;
    if (!sock_get_streams(tcb, &st))
        return; /* listeners and sockets that never carried anything */
    if (r->conn_count == r->conn_cap) {
        size_t cap = r->conn_cap ? 2 * r->conn_cap : 16;
        struct runner_conn *grown = realloc(r->conns, cap * sizeof *grown);
        if (!grown)
            return;
        r->conns = grown;
        r->conn_cap = cap;
    }
    r->conns[r->conn_count++] = (struct runner_conn){.host = st.host,
                                                     .id = st.id,
                                                     .local_port = st.local_port,
                                                     .remote_port = st.remote_port,
                                                     .written = st.written,
                                                     .received = st.received,
                                                     .bad = st.bad};
}

static void record_conn_cb(void *ctx, const struct tcb *tcb) { record_conn(ctx, tcb); }

static void app_released(void *ctx, struct tcb *tcb)
{
    struct runner *r = ctx;
    if (!r->finished)
        record_conn(r, tcb);
    if (workload_released(tcb))
        return;
    struct app_sock *a = app_of(tcb);
    if (a) {
        if (a->name && r->names.v[a->name - 1].latest == tcb)
            r->names.v[a->name - 1].latest = NULL;
        engine_cancel(&r->net.engine, &a->timer);
        a->tcb = NULL;
    }
}

/* ------------------------------------------------------------ the steps */

static void apply_sockopts(struct runner *r, struct tcb *tcb, const struct sockopts *o)
{
    if (o->set_mask & SOCKOPT_LINGER)
        sock_set_linger(tcb, (struct sock_linger){o->linger_on, o->linger});
    if (o->set_mask & SOCKOPT_KEEPIDLE)
        sock_set_keepalive_params(tcb, o->keepidle, 0, 0);
    if (o->set_mask & SOCKOPT_KEEPINTVL)
        sock_set_keepalive_params(tcb, 0, o->keepintvl, 0);
    if (o->set_mask & SOCKOPT_KEEPCNT)
        sock_set_keepalive_params(tcb, 0, 0, o->keepcnt);
    if (o->set_mask & SOCKOPT_KEEPALIVE)
        sock_set_keepalive(tcb, o->keepalive);
    if (o->set_mask & SOCKOPT_NODELAY)
        sock_set_nodelay(tcb, o->nodelay);
    if (o->set_mask & SOCKOPT_USER_TIMEOUT)
        sock_set_user_timeout(tcb, o->user_timeout);
    if (o->set_mask & (SOCKOPT_RCVBUF | SOCKOPT_SNDBUF))
        sock_set_bufs(tcb, o->rcvbuf, o->sndbuf);
    if (o->set_mask & SOCKOPT_ACCEPT)
        sock_set_accepting(tcb, o->accept);
    struct app_sock *a;
    if ((o->set_mask & (SOCKOPT_AUTOREAD | SOCKOPT_READ_RATE)) && (a = app_sock_get(r, tcb))) {
        if (o->set_mask & SOCKOPT_AUTOREAD)
            a->autoread = o->autoread;
        if (o->set_mask & SOCKOPT_READ_RATE)
            a->read_rate = o->read_rate;
        if (sock_state(tcb) != TCP_LISTEN)
            app_read(r, tcb); /* a reader that resumes reads what waited */
    }
    if (o->set_mask & SOCKOPT_REUSEADDR)
        sock_set_reuseaddr(tcb, o->reuseaddr);
    if (o->set_mask & SOCKOPT_SYNCNT)
        sock_set_syncnt(tcb, o->syncnt);
}

/* A forged segment on the socket's 4-tuple, as a blind attacker that knows
 * the addresses and ports (RFC 5961 1) would send it: it leaves through the
 * host's interface but the TCB does not know about it. */
static void inject(struct tcb *tcb, const struct scenario_step *st)
{
    struct sock_wire w;
    sock_get_wire(tcb, &w);
    struct tcp_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.src_addr = w.local_addr;
    seg.dst_addr = w.remote_addr;
    seg.src_port = w.local_port;
    seg.dst_port = w.remote_port;
    seg.seq = w.snd_nxt + (uint32_t)st->seq_offset;
    seg.flags = st->inject_flags;
    if (seg.flags & TCP_ACK)
        seg.ack = w.rcv_nxt + (uint32_t)st->ack_offset;
    seg.len = (uint32_t)st->bytes;
    seg.win = st->inject_win >= 0 ? (uint16_t)st->inject_win : 1024;
    const struct tcp_segment *o = &st->inject_opts;
    seg.opts = o->opts;
    seg.mss = o->mss;
    seg.wscale = o->wscale;
    seg.tsval = o->tsval;
    seg.tsecr = o->tsecr;
    seg.nsack = o->nsack;
    for (int i = 0; i < o->nsack; i++) {
        seg.sack[i].start = seg.ack + o->sack[i].start;
        seg.sack[i].end = seg.ack + o->sack[i].end;
    }
    host_output(sock_host(tcb), &seg, 0);
}

/* One scripted step, as its handler sees it: the runner, the step, the host
 * it runs on, the socket name it uses, and (for the steps that act on an
 * existing socket) that socket. */
struct step_call_ctx {
    struct runner *r;
    const struct scenario_step *st;
    struct host *host;
    const char *sock;
    struct tcb *tcb; /* the named socket (step_kinds[].on_socket), else NULL */
};

/* After listen() or connect(): the name goes to the new socket (or to no
 * socket, with the failed call on the timeline). */
static void step_opened(struct step_call_ctx *c, const char *call, int err, struct tcb *tcb)
{
    if (tcb) {
        apply_sockopts(c->r, tcb, &c->st->opts);
        bind_name(c->r, c->st->host, c->sock, tcb);
    } else {
        bind_name(c->r, c->st->host, c->sock, NULL);
        trace_app_call(c->r, c->st->host, 0, call, err, 0);
    }
}

static void step_listen(struct step_call_ctx *c)
{
    const struct scenario_step *st = c->st;
    struct tcb *tcb = NULL;
    /* SO_REUSEADDR is set before bind(), so it decides the bind. */
    bool reuse = (st->opts.set_mask & SOCKOPT_REUSEADDR) && st->opts.reuseaddr;
    int err = sock_listen_reuse(c->host, st->port, st->backlog, reuse, &tcb);
    step_opened(c, "listen", err, tcb);
}

static void step_connect(struct step_call_ctx *c)
{
    const struct scenario_step *st = c->st;
    struct tcb *tcb = NULL;
    uint32_t addr = c->r->net.hosts[st->peer]->addr;
    int err = sock_connect(c->host, addr, st->port, st->local_port, &tcb);
    step_opened(c, "connect", err, tcb);
}

static void step_crash(struct step_call_ctx *c) { host_crash(c->host); }
static void step_reboot(struct step_call_ctx *c) { host_reboot(c->host); }

static void step_flood(struct step_call_ctx *c)
{
    struct runner *r = c->r;
    const struct scenario_step *st = c->st;
    size_t index = (size_t)(st - r->scenario->steps);
    struct flood *f = flood_start(c->host, r->net.hosts[st->peer]->addr, st->port, st->flood_count,
                                  st->flood_interval, st->spoof_addr, RNG_STREAM_FLOOD + index);
    if (f) {
        f->next = r->floods;
        r->floods = f;
    } else {
        trace_app_call(r, st->host, 0, "flood", TS_ENOMEM, 0); /* not silently */
    }
}

static void step_send(struct step_call_ctx *c)
{
    if (c->st->text)
        sock_send_text(c->tcb, (const uint8_t *)c->st->text, (uint32_t)c->st->bytes);
    else
        sock_send(c->tcb, c->st->bytes);
}

/* recv: non-blocking (EAGAIN when nothing is there), or with `wait: true`
 * blocking until data, EOF or an error (app_readable / app_failed finish it). */
static void step_recv(struct step_call_ctx *c)
{
    struct app_sock *a;
    if (!c->st->wait) {
        uint64_t got;
        bool eof;
        int err = sock_recv(c->tcb, c->st->bytes, &got, &eof);
        trace_app_call(c->r, c->st->host, sock_id(c->tcb), "recv", err, (int64_t)got);
        return;
    }
    if (try_recv(c->r, c->tcb, c->st->bytes))
        return;
    if (!(a = app_sock_get(c->r, c->tcb))) {
        trace_app_call(c->r, c->st->host, sock_id(c->tcb), "recv", TS_ENOMEM, 0);
        return;
    }
    a->recv_waiting = true;
    a->recv_max = c->st->bytes;
}

/* getsockopt(SO_ERROR): traced with the error it read (and cleared). */
static void step_getsockopt(struct step_call_ctx *c)
{
    trace_app_call(c->r, c->st->host, sock_id(c->tcb), "getsockopt", sock_so_error(c->tcb), 0);
}

/* `ss -K` from outside the application (sock_destroy). */
static void step_destroy(struct step_call_ctx *c)
{
    int err = sock_destroy(c->tcb);
    if (err)
        trace_app_call(c->r, c->st->host, sock_id(c->tcb), "destroy", err, 0);
}

static void step_shutdown(struct step_call_ctx *c) { sock_shutdown(c->tcb, (int)c->st->how); }
static void step_close(struct step_call_ctx *c) { sock_close(c->tcb); }
static void step_abort(struct step_call_ctx *c) { sock_abort(c->tcb); }
static void step_setsockopt(struct step_call_ctx *c) { apply_sockopts(c->r, c->tcb, &c->st->opts); }
static void step_inject(struct step_call_ctx *c) { inject(c->tcb, c->st); }

/* Every step kind, one row each (packetdrill's system_call_table): its
 * handler, and whether it acts on a socket the scenario named earlier (a
 * missing one is EBADF on the timeline, as a call on a closed fd). */
static const struct step_kind {
    void (*run)(struct step_call_ctx *c);
    bool on_socket;
} step_kinds[] = {
    [STEP_LISTEN] = {step_listen, false},
    [STEP_CONNECT] = {step_connect, false},
    [STEP_SEND] = {step_send, true},
    [STEP_RECV] = {step_recv, true},
    [STEP_SHUTDOWN] = {step_shutdown, true},
    [STEP_CLOSE] = {step_close, true},
    [STEP_ABORT] = {step_abort, true},
    [STEP_SETSOCKOPT] = {step_setsockopt, true},
    [STEP_CRASH] = {step_crash, false},
    [STEP_REBOOT] = {step_reboot, false},
    [STEP_INJECT] = {step_inject, true},
    [STEP_FLOOD] = {step_flood, false},
    [STEP_GETSOCKOPT] = {step_getsockopt, true},
    [STEP_DESTROY] = {step_destroy, true},
};

static void run_step(struct runner *r, const struct scenario_step *st)
{
    if ((size_t)st->call >= sizeof step_kinds / sizeof step_kinds[0] || !step_kinds[st->call].run)
        return;
    const struct step_kind *kind = &step_kinds[st->call];
    struct step_call_ctx c = {.r = r, .st = st, .host = r->net.hosts[st->host]};
    c.sock = st->sock ? st->sock : (st->call == STEP_LISTEN ? "listener" : "conn");
    if (kind->on_socket) {
        c.tcb = named_socket(r, st->host, c.sock);
        if (!c.tcb) {
            trace_app_call(r, st->host, 0, scenario_step_call_name(st->call), TS_EBADF, 0);
            return;
        }
    }
    kind->run(&c);
}

static void step_fire(struct engine *engine, struct sim_timer *timer)
{
    (void)engine;
    struct step_timer *s = container_of(timer, struct step_timer, timer);
    run_step(s->runner, &s->runner->scenario->steps[s->index]);
}

/* ------------------------------------------------------------ the world */

static int add_faults(struct runner *r)
{
    const struct scenario *sc = r->scenario;
    for (size_t i = 0; i < sc->fault_count; i++) {
        const struct scenario_fault *f = &sc->faults[i];
        for (int dir = 0; dir < 2; dir++) {
            if (f->from_host >= 0 && f->from_host != dir)
                continue;
            int err = f->kind == FAULT_DROP ? link_add_rule(&r->net.links[dir], &f->rule)
                                            : link_add_down(&r->net.links[dir], f->from, f->to);
            if (err)
                return err;
        }
    }
    return TS_OK;
}

int runner_create(const struct scenario *sc, struct runner **out)
{
    *out = NULL;
    struct runner *r = calloc(1, sizeof *r);
    if (!r)
        return TS_ENOMEM;
    r->scenario = sc;
    int err = net_init(&r->net, sc->seed, &tcp_proto_ops);
    for (size_t i = 0; !err && i < sc->host_count && i < 2; i++)
        err =
            net_add_host(&r->net, (int)i, sc->hosts[i].name, sc->hosts[i].addr, &sc->hosts[i].tcp);
    if (err) {
        runner_free(r);
        return err;
    }
    net_connect_hosts(&r->net, &sc->link[0], &sc->link[1]);
    net_set_middlebox(&r->net, &sc->middlebox);
    struct app_ops ops = {
        app_connected, app_accepted, app_readable, app_failed, app_close_done, app_released, r};
    for (int i = 0; i < 2; i++)
        r->net.hosts[i]->app = ops;
    err = add_faults(r);
    if (!err) {
        /* runner_free releases the steps' heap slots only with r->steps. */
        r->steps = calloc(sc->step_count ? sc->step_count : 1, sizeof *r->steps);
        err = r->steps ? engine_reserve(&r->net.engine, (uint32_t)sc->step_count) : TS_ENOMEM;
        if (err) {
            free(r->steps);
            r->steps = NULL;
        }
    }
    if (err) {
        runner_free(r);
        return err;
    }
    for (size_t i = 0; i < sc->step_count; i++) {
        r->steps[i].runner = r;
        r->steps[i].index = i;
        sim_timer_init(&r->steps[i].timer, step_fire);
        engine_arm(&r->net.engine, &r->steps[i].timer, sc->steps[i].at);
    }
    err = workloads_create(&r->net, sc, &r->workloads);
    if (!err)
        err = expect_setup(&r->expect, sc, &r->net, &r->names);
    if (!err)
        err = steady_stop_setup(&r->steady, r);
    if (err) {
        runner_free(r);
        return err;
    }
    *out = r;
    return TS_OK;
}

struct net *runner_net(struct runner *r) { return &r->net; }

int runner_run(struct runner *r)
{
    sim_time_t stop = r->scenario->stop;
    if (stop == SIM_TIME_NEVER)
        stop = RUNNER_TIME_CAP; /* keep-alive, say, never idles */
    struct engine *e = &r->net.engine;
    uint64_t end_limit = e->fired + (r->event_limit ? r->event_limit : RUNNER_EVENT_LIMIT);
    /* In slices when someone asks between them whether to go on; the
     * events and their order are the same either way. */
    for (;;) {
        uint64_t slice = r->keep_going ? RUNNER_WALL_SLICE : end_limit - e->fired;
        e->fire_limit = end_limit - e->fired > slice ? e->fired + slice : end_limit;
        engine_run(e, stop);
        if (e->fired < e->fire_limit)
            break; /* done: nothing left before `stop`, or stopped */
        if (e->fired >= end_limit) {
            r->cut = RUNNER_CUT_EVENT_LIMIT;
            break;
        }
        if (!r->keep_going(r->keep_going_ctx)) {
            r->cut = RUNNER_CUT_WALL_LIMIT;
            break;
        }
    }
    r->end = e->now;
    if (r->cut == RUNNER_CUT_NONE && r->scenario->stop == SIM_TIME_NEVER && !r->steady.stopped &&
        engine_next_time(&r->net.engine) != SIM_TIME_NEVER)
        r->cut = RUNNER_CUT_TIME_CAP;
    if (r->scenario->stop == SIM_TIME_NEVER && engine_next_time(&r->net.engine) == SIM_TIME_NEVER)
        r->end = r->net.engine.now;
    for (int h = 0; h < 2; h++)
        r->stream_errors += host_stream_errors(r->net.hosts[h]);
    for (int h = 0; h < 2; h++)
        host_for_each_socket(r->net.hosts[h], record_conn_cb, r);
    r->finished = true;
    tracer_finish(&r->net.tracer);
    return TS_OK;
}

sim_time_t runner_end_time(const struct runner *r) { return r->end; }
enum runner_cut runner_cut(const struct runner *r) { return r->cut; }
uint64_t runner_stream_errors(const struct runner *r) { return r->stream_errors; }

size_t runner_check(struct runner *r, struct expect_result *results)
{
    return expect_results(&r->expect, r->end, results);
}

const struct runner_conn *runner_conns(const struct runner *r, size_t *count)
{
    *count = r->conn_count;
    return r->conns;
}

void runner_set_event_limit(struct runner *r, uint64_t limit) { r->event_limit = limit; }

void runner_set_keep_going(struct runner *r, bool (*keep_going)(void *ctx), void *ctx)
{
    r->keep_going = keep_going;
    r->keep_going_ctx = ctx;
}

void runner_free(struct runner *r)
{
    if (!r)
        return;
    if (r->steps) {
        for (size_t i = 0; i < r->scenario->step_count; i++)
            engine_cancel(&r->net.engine, &r->steps[i].timer);
        engine_release(&r->net.engine, (uint32_t)r->scenario->step_count);
    }
    expect_teardown(&r->expect);
    steady_stop_teardown(&r->steady);
    flood_free_all(r->floods);
    for (struct app_sock *a = r->app_socks; a; a = a->next)
        engine_timer_del(&r->net.engine, &a->timer);
    workloads_free(r->workloads);
    net_free(&r->net);
    for (struct app_sock *a = r->app_socks, *next; a; a = next) {
        next = a->next;
        free(a);
    }
    sock_names_free(&r->names);
    free(r->steps);
    free(r->conns);
    free(r);
}
