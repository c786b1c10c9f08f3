/* TCP benchmarks: (A) short connections, (B) a bulk transfer with loss,
 * (C) many idle connections. Prints figures; never fails on speed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "tcp/tcp_internal.h"
#include "tcpsim/errors.h"
#include "tcpsim/net.h"
#include "tcpsim/socket.h"
#include "tcpsim/tcp_params.h"
#include "tcpsim/tcp_host.h"

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

struct counter {
    uint64_t segments;
    uint64_t retransmissions; /* data or FIN sent again (RTO or fast) */
};

static void count_seg(void *ctx, const struct trace_event *ev)
{
    if (ev->kind != TRACE_SEG || ev->u.seg.dir != TRACE_TX)
        return;
    struct counter *c = ctx;
    c->segments++;
    uint32_t why = ev->u.seg.seg->retransmit;
    if (why == SEG_REXMIT_RTO || why == SEG_REXMIT_FAST)
        c->retransmissions++;
}

static void make_world(struct net *net, const struct tcp_params *p, const struct link_params *lp,
                       struct counter *c)
{
    net_init(net, 1, &tcp_proto_ops);
    net_add_host(net, 0, "client", 0x0a000001, p);
    net_add_host(net, 1, "server", 0x0a000002, p);
    net_connect_hosts(net, lp, lp);
    tracer_add(&net->tracer, (struct trace_sink){count_seg, NULL, c});
}

/* ---- applications: read everything; client closes after its reply; the
 * server answers `reply` octets once it has `request` and closes on EOF. */
struct app {
    uint64_t request, reply, done;
};

static void on_connected(void *ctx, struct tcb *tcb, int err)
{
    struct app *app = ctx;
    if (err == TS_OK && app->request)
        sock_send(tcb, app->request);
}

static void on_readable(void *ctx, struct tcb *tcb)
{
    struct app *app = ctx;
    uint64_t got;
    bool eof;
    while (sock_recv(tcb, 0, &got, &eof) == TS_OK) {
        if (eof) {
            sock_close(tcb);
            return;
        }
        if (got == 0)
            break;
        tcb->user = (void *)((uintptr_t)tcb->user + got);
    }
    uintptr_t total = (uintptr_t)tcb->user;
    if (tcb->passive && app->reply && total == app->request) {
        sock_send(tcb, app->reply);
    } else if (!tcb->passive && app->reply && total == app->reply) {
        app->done++;
        sock_close(tcb);
    }
}

static void on_failed(void *ctx, struct tcb *tcb, int err)
{
    (void)ctx;
    (void)err;
    sock_close(tcb);
}

struct opener {
    struct sim_timer timer;
    struct net *net;
    uint64_t left;
    sim_time_t every;
    uint64_t failed;
};

static void open_next(struct engine *engine, struct sim_timer *timer)
{
    struct opener *o = container_of(timer, struct opener, timer);
    struct tcb *tcb;
    uint16_t port = (uint16_t)(80 + o->left % 4);
    if (sock_connect(o->net->hosts[0], o->net->hosts[1]->addr, port, 0, &tcb) != TS_OK)
        o->failed++;
    if (--o->left)
        engine_arm(engine, timer, engine->now + o->every);
}

static void bench_short(uint64_t n)
{
    struct tcp_params p;
    tcp_params_defaults(&p, TCP_PROFILE_LINUX);
    p.port_range_lo = 1024;
    p.port_range_hi = 65535;
    p.max_tw_buckets = 0;
    struct link_params lp = {.delay = SIM_MS(10), .rate_bps = 100000000};
    struct net net;
    struct counter c = {0};
    struct app app = {.request = 100, .reply = 100};
    make_world(&net, &p, &lp, &c);
    struct app_ops ops = {.connected = on_connected, .readable = on_readable,
                          .failed = on_failed, .ctx = &app};
    net.hosts[0]->app = ops;
    net.hosts[1]->app = ops;
    struct tcb *l;
    for (uint16_t port = 80; port < 84; port++)
        sock_listen(net.hosts[1], port, 0, &l);
    struct opener o = {.net = &net, .left = n, .every = SIM_MS(1)};
    engine_timer_add(&net.engine, &o.timer, open_next);
    engine_arm(&net.engine, &o.timer, 0);
    long rss0 = peak_rss_kb();
    double t0 = wall_seconds();
    engine_run(&net.engine, SIM_TIME_MAX);
    double dt = wall_seconds() - t0;
    printf("(A) short connections %7llu: %.3f s wall, %.2f M events/s, %.0f conn/s, "
           "%llu segments, %.1f events/conn, %.2f events/segment, %llu completed, "
           "%llu connect failures, peak RSS +%ld KB\n",
           (unsigned long long)n, dt, (double)net.engine.fired / dt / 1e6, (double)n / dt,
           (unsigned long long)c.segments, (double)net.engine.fired / (double)n,
           c.segments ? (double)net.engine.fired / (double)c.segments : 0.0, (unsigned long long)app.done,
           (unsigned long long)o.failed, peak_rss_kb() - rss0);
    net_free(&net);
}

static void bench_bulk(uint64_t bytes)
{
    struct tcp_params p;
    tcp_params_defaults(&p, TCP_PROFILE_LINUX);
    p.mss = 1448;
    p.congestion_control = TCP_CC_NEWRENO; /* (B) is specified as NewReno */
    struct link_params lp = {.delay = SIM_MS(20), .rate_bps = 10000000, .loss_ppm = 10000,
                             .loss_data_only = true};
    struct net net;
    struct counter c = {0};
    struct app app = {0};
    make_world(&net, &p, &lp, &c);
    struct app_ops ops = {.connected = on_connected, .readable = on_readable,
                          .failed = on_failed, .ctx = &app};
    net.hosts[0]->app = ops;
    net.hosts[1]->app = ops;
    struct tcb *l, *cl;
    sock_listen(net.hosts[1], 80, 0, &l);
    app.request = bytes;
    sock_connect(net.hosts[0], net.hosts[1]->addr, 80, 0, &cl);
    double t0 = wall_seconds();
    engine_run(&net.engine, SIM_TIME_MAX);
    double dt = wall_seconds() - t0;
    uint64_t delivered = 0, bad = 0;
    for (struct tcb *t = net.hosts[1]->all; t; t = t->all_next) {
        delivered += t->rcv_total;
        bad += t->rcv_bad;
    }
    printf("(B) bulk %llu MB, 10 Mbit/s, 20 ms, 1%% loss: %.3f s wall, %llu segments "
           "(%llu retransmissions), %.2f events/segment, %.2f M segments/s, %.2f M events/s, virtual %.1f s, delivered %llu bytes in "
           "order (%llu out of order)\n",
           (unsigned long long)(bytes >> 20), dt, (unsigned long long)c.segments,
           (unsigned long long)c.retransmissions,
           c.segments ? (double)net.engine.fired / (double)c.segments : 0.0, (double)c.segments / dt / 1e6, (double)net.engine.fired / dt / 1e6,
           (double)net.engine.now / 1e9, (unsigned long long)delivered,
           (unsigned long long)bad);
    net_free(&net);
}

/* n connections from host 0 to host 1, 60,000 per server port (one
 * 4-tuple space each), opened in batches of 10,000 with 5 ms between. */
static void open_many(struct net *net, uint64_t n)
{
    struct tcb *l;
    uint16_t ports = (uint16_t)(n / 60000 + 1);
    for (uint16_t i = 0; i < ports; i++)
        sock_listen(net->hosts[1], (uint16_t)(80 + i), 0, &l);
    for (uint64_t i = 0; i < n; i++) {
        struct tcb *t;
        sock_connect(net->hosts[0], net->hosts[1]->addr, (uint16_t)(80 + i / 60000), 0, &t);
        if (i % 10000 == 9999)
            engine_run(&net->engine, net->engine.now + SIM_MS(5));
    }
}

static void bench_idle(uint64_t n)
{
    struct tcp_params p;
    tcp_params_defaults(&p, TCP_PROFILE_LINUX);
    p.port_range_lo = 1024;
    p.port_range_hi = 65535;
    p.keepalive = true;
    struct link_params lp = {.delay = SIM_MS(1)};
    struct net net;
    struct counter c = {0};
    struct app app = {0};
    make_world(&net, &p, &lp, &c);
    struct app_ops ops = {.readable = on_readable, .ctx = &app};
    net.hosts[0]->app = ops;
    net.hosts[1]->app = ops;
    long rss0 = peak_rss_kb();
    double t0 = wall_seconds();
    open_many(&net, n);
    engine_run(&net.engine, net.engine.now + SIM_S(60));
    double dt = wall_seconds() - t0;
    uint32_t est = net.hosts[0]->state_count[TCP_ESTABLISHED] +
                   net.hosts[1]->state_count[TCP_ESTABLISHED];
    long rss = peak_rss_kb() - rss0;
    printf("(C) %llu idle connections, keepalive on, 60 s virtual: %.3f s wall, %u endpoints "
           "ESTABLISHED, %.1f events/conn, peak RSS +%ld KB = %.0f bytes per endpoint "
           "(sizeof struct tcb = %zu)\n",
           (unsigned long long)n, dt, est, n ? (double)net.engine.fired / (double)n : 0.0, rss, est ? (double)rss * 1024 / est : 0.0,
           sizeof(struct tcb));
    net_free(&net);
}

static void close_at_once(void *ctx, struct tcb *tcb, int err)
{
    (void)ctx;
    if (err == TS_OK)
        sock_close(tcb);
}

/* (D) what a TIME_WAIT endpoint costs: n connections opened and closed by
 * the client at once, measured while all of them sit in TIME_WAIT. */
static void bench_time_wait(uint64_t n)
{
    struct tcp_params p;
    tcp_params_defaults(&p, TCP_PROFILE_LINUX);
    p.port_range_lo = 1024;
    p.port_range_hi = 65535;
    p.max_tw_buckets = 0;
    p.max_syn_backlog = p.somaxconn = 1u << 20; /* not a listen-queue test */
    struct link_params lp = {.delay = SIM_MS(1)};
    struct net net;
    struct counter c = {0};
    struct app app = {0};
    make_world(&net, &p, &lp, &c);
    net.hosts[0]->app = (struct app_ops){.connected = close_at_once, .ctx = &app};
    net.hosts[1]->app = (struct app_ops){.readable = on_readable, .ctx = &app};
    long rss0 = peak_rss_kb();
    double t0 = wall_seconds();
    open_many(&net, n);
    engine_run(&net.engine, net.engine.now + SIM_S(10));
    double dt = wall_seconds() - t0;
    uint32_t tw = net.hosts[0]->state_count[TCP_TIME_WAIT];
    long rss = peak_rss_kb() - rss0;
    printf("(D) %llu connections closed by the client: %.3f s wall, %u in TIME_WAIT, peak RSS "
           "+%ld KB = %.0f bytes per TIME_WAIT endpoint (peak includes the live TCBs "
           "before each close; sizeof struct tcp_tw = %zu)\n",
           (unsigned long long)n, dt, tw, rss, tw ? (double)rss * 1024 / tw : 0.0,
           sizeof(struct tcp_tw));
    net_free(&net);
}

/* Memory figures need a clean peak RSS: run the bench in a child. */
static void in_child(void (*bench)(uint64_t), uint64_t n)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        bench(n);
        fflush(stdout);
        _exit(0);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
    else
        bench(n);
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--short") == 0) {
        bench_short(strtoull(argv[2], NULL, 10)); /* one (A) run, for profiling */
        return 0;
    }
    bool full = argc > 1 && strcmp(argv[1], "--full") == 0;
    bench_short(1000);
    bench_short(10000);
    bench_short(100000);
    if (full)
        bench_short(1000000);
    bench_bulk(100ull << 20);
    in_child(bench_idle, full ? 1000000 : 200000);
    in_child(bench_time_wait, full ? 1000000 : 200000);
    return 0;
}
