/* Workload applications: the client population and the server of each
 * `workloads:` entry, written against the socket API like a load generator
 * and an HTTP/1.1 server would be.
 *
 * Client: opens connection k at start + k*interval, sends a request, reads
 * the response, repeats `requests` times (pausing `think` between them),
 * then closes first if `close` says so; it closes on EOF in any case.
 * Server: listens at `start`, answers every complete request with a
 * response, closes after the last request when it closes first, after
 * max_requests (Apache MaxKeepAliveRequests) or idle_timeout
 * (KeepAliveTimeout), and on EOF -- unless it never closes (CLOSE_WAIT
 * leak). client_exit / server_exit: the process exits and the kernel closes
 * its sockets.
 *
 * Scale: per-connection state is one fixed-size record from a slab pool
 * with a free list, found from the socket's user pointer; live records are
 * on an intrusive list per side, walked only when a process exits. No
 * event costs more than O(1) in the number of connections. */
#include "workload.h"

#include <stdlib.h>
#include <string.h>

#include "app_tag.h"
#include "tcpsim/errors.h"
#include "tcpsim/socket.h"

#define WL_CLIENT APP_WL_CLIENT
#define WL_SERVER APP_WL_SERVER
#define WL_LISTENER APP_WL_LISTENER
#define WL_CLOSED APP_WL_CLOSED

struct wl_app;

struct wl_conn {
    struct app_tag ref; /* WL_CLIENT or WL_SERVER; first member */
    uint32_t done;      /* client: responses received; server: sent */
    uint64_t got;       /* octets of the message being received */
    struct tcb *tcb;
    struct wl_app *app;
    struct wl_conn *prev, *next; /* the side's live list; `next` links the free list */
    struct sim_timer timer;      /* client: think time; server: keep-alive idle timeout */
};

struct wl_app {
    struct app_tag ref; /* WL_LISTENER: the listener's user pointer */
    const struct scenario_workload *cfg;
    struct workloads *all;
    struct host *client, *server;
    struct tcb *listener;
    struct sim_timer listen_timer, open_timer, client_exit_timer, server_exit_timer;
#define WL_APP_TIMERS 4                /* the four above, reserved per application */
    uint32_t attempts;                 /* connects tried so far */
    struct wl_conn *clients, *servers; /* live connections of each side */
    struct workload_stats stats;
};

#define WL_SLAB 1024
struct wl_slab {
    struct wl_slab *next;
    struct wl_conn conns[WL_SLAB];
};

struct workloads {
    struct net *net;
    struct wl_app *apps;
    size_t count;
    struct app_tag closed; /* user pointer of sockets a workload let go of */
    struct wl_conn *free_list;
    struct wl_slab *slabs;
};

static struct engine *engine_of(const struct wl_app *app) { return &app->all->net->engine; }

static void conn_timer_fire(struct engine *engine, struct sim_timer *timer);

/* ------------------------------------------------------------ records */

static struct wl_conn **live_list(struct wl_app *app, enum app_tag_kind kind)
{
    return kind == WL_CLIENT ? &app->clients : &app->servers;
}

static struct wl_conn *conn_new(struct wl_app *app, enum app_tag_kind kind, struct tcb *tcb)
{
    struct workloads *all = app->all;
    if (!all->free_list) {
        struct wl_slab *slab = malloc(sizeof *slab);
        if (!slab)
            return NULL;
        /* Heap slots for the records' timers come with the slab. */
        if (engine_reserve(engine_of(app), WL_SLAB) != TS_OK) {
            free(slab);
            return NULL;
        }
        slab->next = all->slabs;
        all->slabs = slab;
        for (size_t i = WL_SLAB; i-- > 0;) {
            slab->conns[i].next = all->free_list;
            all->free_list = &slab->conns[i];
        }
    }
    struct wl_conn *c = all->free_list;
    all->free_list = c->next;
    memset(c, 0, sizeof *c);
    c->ref.kind = (uint8_t)kind;
    c->tcb = tcb;
    c->app = app;
    sim_timer_init(&c->timer, conn_timer_fire);
    struct wl_conn **head = live_list(app, kind);
    c->next = *head;
    if (*head)
        (*head)->prev = c;
    *head = c;
    sock_set_user(tcb, &c->ref);
    return c;
}

static void conn_free(struct wl_conn *c)
{
    struct wl_app *app = c->app;
    engine_cancel(engine_of(app), &c->timer);
    if (c->prev)
        c->prev->next = c->next;
    else
        *live_list(app, (enum app_tag_kind)c->ref.kind) = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->ref.kind = 0;
    c->next = app->all->free_list;
    app->all->free_list = c;
}

/* The application closes its socket and forgets it; the TCB finishes the
 * close on its own (FIN, or RST with unread data: sock_close decides). */
static void conn_close(struct wl_conn *c)
{
    struct tcb *tcb = c->tcb;
    sock_set_user(tcb, &c->app->all->closed);
    conn_free(c);
    sock_close(tcb);
}

static struct app_tag *ref_of(const struct tcb *tcb)
{
    const struct app_tag *tag = sock_user(tcb);
    if (!tag || tag->kind == APP_SCRIPTED)
        return NULL; /* the runner's scripted socket */
    return sock_user(tcb);
}

static struct wl_conn *conn_of(const struct tcb *tcb)
{
    struct app_tag *ref = ref_of(tcb);
    return ref && (ref->kind == WL_CLIENT || ref->kind == WL_SERVER) ? (struct wl_conn *)ref : NULL;
}

static void trace_failed_call(struct wl_app *app, struct host *host, const char *call, int err)
{
    struct net *net = app->all->net;
    if (!tracer_active(&net->tracer))
        return;
    struct trace_event ev = {.t = net->engine.now, .kind = TRACE_APP, .host = host->name};
    ev.u.app.call = call;
    ev.u.app.ret = err;
    tracer_emit(&net->tracer, &ev);
}

/* ------------------------------------------------------------ the client */

static void client_request(struct wl_conn *c)
{
    if (c->done < c->app->cfg->requests)
        sock_send(c->tcb, c->app->cfg->request);
}

static void open_fire(struct engine *engine, struct sim_timer *timer)
{
    struct wl_app *app = container_of(timer, struct wl_app, open_timer);
    const struct scenario_workload *cfg = app->cfg;
    /* Connection k opens at start + k*interval exactly (no drift). */
    if (++app->attempts < cfg->count)
        engine_arm(engine, timer, cfg->start + (sim_time_t)app->attempts * cfg->interval);
    if (app->client->crashed) /* a machine that is off runs no program */
        return;
    struct tcb *tcb;
    int err = sock_connect(app->client, app->server->addr, cfg->port, 0, &tcb);
    if (err) {
        app->stats.connect_errors++;
        trace_failed_call(app, app->client, "connect", err); /* e.g. EADDRNOTAVAIL */
        return;
    }
    app->stats.opened++;
    if (!conn_new(app, WL_CLIENT, tcb)) {
        sock_abort(tcb);
        return;
    }
    if (cfg->keepalive)
        sock_set_keepalive(tcb, true);
}

static void client_connected(struct wl_conn *c, int err)
{
    if (err) {
        c->app->stats.connect_errors++;
        conn_close(c);
        return;
    }
    client_request(c);
}

/* Reads what is there; returns false when the connection is over for the
 * application (EOF or an error), true otherwise. */
static bool read_in(struct wl_conn *c, bool *eof)
{
    uint64_t got;
    int err;
    *eof = false;
    while ((err = sock_recv(c->tcb, 0, &got, eof)) == TS_OK && !*eof && got > 0)
        c->got += got;
    return err == TS_OK || err == TS_EAGAIN;
}

static void client_readable(struct wl_conn *c)
{
    const struct scenario_workload *cfg = c->app->cfg;
    bool eof, finished = false;
    bool alive = read_in(c, &eof);
    while (c->got >= cfg->response && c->done < cfg->requests) {
        c->got -= cfg->response;
        c->done++;
        c->app->stats.completed++;
        finished = true;
    }
    if (!alive || eof) {
        conn_close(c); /* the server closed (or the connection died): close too */
        return;
    }
    if (!finished)
        return;
    if (c->done >= cfg->requests) {
        if (cfg->close == WL_CLOSE_CLIENT || cfg->close == WL_CLOSE_BOTH)
            conn_close(c);
        return;
    }
    if (cfg->think > 0)
        engine_arm_after(engine_of(c->app), &c->timer, cfg->think);
    else
        client_request(c);
}

/* ------------------------------------------------------------ the server */

static void listen_fire(struct engine *engine, struct sim_timer *timer)
{
    (void)engine;
    struct wl_app *app = container_of(timer, struct wl_app, listen_timer);
    struct tcb *l;
    int err = sock_listen(app->server, app->cfg->port, 0, &l);
    if (err) {
        trace_failed_call(app, app->server, "listen", err);
        return;
    }
    sock_set_user(l, &app->ref);
    if (app->cfg->keepalive)
        sock_set_keepalive(l, true); /* children inherit it */
    app->listener = l;
}

static void server_arm_idle(struct wl_conn *c)
{
    const struct scenario_workload *cfg = c->app->cfg;
    if (cfg->idle_timeout > 0 && !cfg->server_never_closes)
        engine_arm_after(engine_of(c->app), &c->timer, cfg->idle_timeout);
}

static void server_accepted(struct wl_app *app, struct tcb *child)
{
    struct wl_conn *c = conn_new(app, WL_SERVER, child);
    if (!c) {
        sock_abort(child);
        return;
    }
    server_arm_idle(c);
}

/* Does the server close after the response it just sent? */
static bool server_done(const struct wl_conn *c)
{
    const struct scenario_workload *cfg = c->app->cfg;
    bool last = cfg->requests > 0 && c->done >= cfg->requests &&
                (cfg->close == WL_CLOSE_SERVER || cfg->close == WL_CLOSE_BOTH);
    bool limit = cfg->max_requests > 0 && c->done >= cfg->max_requests;
    return last || limit;
}

static void server_readable(struct wl_conn *c)
{
    const struct scenario_workload *cfg = c->app->cfg;
    bool eof;
    if (!read_in(c, &eof)) {
        conn_close(c);
        return;
    }
    while (c->got >= cfg->request) {
        c->got -= cfg->request;
        sock_send(c->tcb, cfg->response);
        c->done++;
        c->app->stats.served++;
    }
    if (cfg->server_never_closes)
        return; /* it read the EOF and went on: CLOSE_WAIT for ever */
    if (eof || server_done(c)) {
        conn_close(c);
        return;
    }
    server_arm_idle(c);
}

/* ------------------------------------------------------------ timers */

static void conn_timer_fire(struct engine *engine, struct sim_timer *timer)
{
    (void)engine;
    struct wl_conn *c = container_of(timer, struct wl_conn, timer);
    if (c->ref.kind == WL_CLIENT) {
        if (!c->app->client->crashed)
            client_request(c); /* think time over */
        return;
    }
    if (!c->app->server->crashed)
        conn_close(c); /* KeepAliveTimeout: the server closes first */
}

static void client_exit_fire(struct engine *engine, struct sim_timer *timer)
{
    struct wl_app *app = container_of(timer, struct wl_app, client_exit_timer);
    engine_cancel(engine, &app->open_timer);
    while (app->clients)
        conn_close(app->clients);
}

static void server_exit_fire(struct engine *engine, struct sim_timer *timer)
{
    struct wl_app *app = container_of(timer, struct wl_app, server_exit_timer);
    engine_cancel(engine, &app->listen_timer);
    if (app->listener) {
        struct tcb *l = app->listener;
        app->listener = NULL;
        sock_set_user(l, &app->all->closed);
        sock_close(l);
    }
    while (app->servers)
        conn_close(app->servers);
}

/* ------------------------------------------------------------ runner hooks */

/* Each decides ownership before acting: the action may free the TCB. */
bool workload_connected(struct tcb *tcb, int err)
{
    bool mine = ref_of(tcb) != NULL;
    struct wl_conn *c = conn_of(tcb);
    if (c && c->ref.kind == WL_CLIENT)
        client_connected(c, err);
    return mine;
}

bool workload_accepted(struct tcb *listener, struct tcb *child)
{
    struct app_tag *ref = listener ? ref_of(listener) : NULL;
    if (!ref)
        return false;
    if (ref->kind == WL_LISTENER)
        server_accepted((struct wl_app *)(void *)ref, child);
    else
        sock_close(child); /* the server process is gone */
    return true;
}

bool workload_readable(struct tcb *tcb)
{
    bool mine = ref_of(tcb) != NULL;
    struct wl_conn *c = conn_of(tcb);
    if (c && c->ref.kind == WL_CLIENT)
        client_readable(c);
    else if (c)
        server_readable(c);
    return mine;
}

bool workload_failed(struct tcb *tcb, int err)
{
    (void)err;
    bool mine = ref_of(tcb) != NULL;
    struct wl_conn *c = conn_of(tcb);
    if (c)
        conn_close(c);
    return mine;
}

bool workload_released(struct tcb *tcb)
{
    struct app_tag *ref = ref_of(tcb);
    if (!ref)
        return false;
    if (ref->kind == WL_CLIENT || ref->kind == WL_SERVER)
        conn_free((struct wl_conn *)ref); /* the host forgot it (reboot) */
    else if (ref->kind == WL_LISTENER)
        ((struct wl_app *)(void *)ref)->listener = NULL;
    return true;
}

/* ------------------------------------------------------------ set-up */

static struct host *host_at(struct net *net, int index) { return net->hosts[index]; }

int workloads_create(struct net *net, const struct scenario *sc, struct workloads **out)
{
    *out = NULL;
    if (sc->workload_count == 0)
        return TS_OK;
    struct workloads *w = calloc(1, sizeof *w);
    if (!w)
        return TS_ENOMEM;
    w->apps = calloc(sc->workload_count, sizeof *w->apps);
    if (!w->apps) {
        free(w);
        return TS_ENOMEM;
    }
    w->net = net;
    w->count = sc->workload_count;
    w->closed.kind = WL_CLOSED;
    for (size_t i = 0; i < w->count; i++) {
        struct wl_app *app = &w->apps[i];
        const struct scenario_workload *cfg = &sc->workloads[i];
        app->ref.kind = WL_LISTENER;
        app->cfg = cfg;
        app->all = w;
        app->client = host_at(net, cfg->client);
        app->server = host_at(net, cfg->server);
        sim_timer_init(&app->listen_timer, listen_fire);
        sim_timer_init(&app->open_timer, open_fire);
        sim_timer_init(&app->client_exit_timer, client_exit_fire);
        sim_timer_init(&app->server_exit_timer, server_exit_fire);
        if (engine_reserve(&net->engine, WL_APP_TIMERS) != TS_OK) {
            w->count = i;
            workloads_free(w);
            return TS_ENOMEM;
        }
        /* Armed in this order, so at equal times: listen, connect, exits. */
        engine_arm(&net->engine, &app->listen_timer, cfg->start);
        engine_arm(&net->engine, &app->open_timer, cfg->start);
        if (cfg->client_exit != SIM_TIME_NEVER)
            engine_arm(&net->engine, &app->client_exit_timer, cfg->client_exit);
        if (cfg->server_exit != SIM_TIME_NEVER)
            engine_arm(&net->engine, &app->server_exit_timer, cfg->server_exit);
    }
    *out = w;
    return TS_OK;
}

void workloads_free(struct workloads *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->count; i++) {
        struct wl_app *app = &w->apps[i];
        struct engine *e = &w->net->engine;
        engine_cancel(e, &app->listen_timer);
        engine_cancel(e, &app->open_timer);
        engine_cancel(e, &app->client_exit_timer);
        engine_cancel(e, &app->server_exit_timer);
        engine_release(e, WL_APP_TIMERS);
        for (int side = 0; side < 2; side++)
            for (struct wl_conn *c = side ? app->servers : app->clients; c; c = c->next) {
                engine_cancel(e, &c->timer);
                sock_set_user(c->tcb, NULL); /* the TCBs outlive us until net_free */
            }
    }
    while (w->slabs) {
        struct wl_slab *next = w->slabs->next;
        engine_release(&w->net->engine, WL_SLAB);
        free(w->slabs);
        w->slabs = next;
    }
    free(w->apps);
    free(w);
}

const struct workload_stats *workload_stats(const struct workloads *w, size_t index)
{
    return w && index < w->count ? &w->apps[index].stats : NULL;
}
