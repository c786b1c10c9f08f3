/* Playing a packetdrill script in virtual time. The loop is packetdrill's
 * (run.c): events in script order, relative times anchored to when the
 * previous event finished (consecutive inbound packets to each other), a
 * blocking call (`+0...0.2 accept(...)`) running "in another thread" while
 * later events go on, timing checked against --tolerance_usecs or 12.5% of
 * the gap to the previous event, whichever is larger. Where packetdrill
 * waits for the wall clock, this runs the engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_run.h"
#include "tcpsim/errors.h"
#include "tcpsim/tcp_host.h"
#include "tcpsim/tcp_params.h"

#define PK_WAIT (-1)
#define PK_DEFAULT_TOLERANCE_US 4000 /* packetdrill config.c */

void pk_note(struct pkt_run *r, const char *fmt, ...)
{
    if (r->rlen >= r->reportlen || !r->report)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->report + r->rlen, r->reportlen - r->rlen, fmt, ap);
    va_end(ap);
    if (n > 0)
        r->rlen += (size_t)n;
    if (r->rlen >= r->reportlen)
        r->rlen = r->reportlen - 1;
    if (r->rlen + 1 < r->reportlen) {
        r->report[r->rlen++] = '\n';
        r->report[r->rlen] = '\0';
    }
}

int pk_fail(struct pkt_run *r, const struct pk_event *ev, const char *fmt, ...)
{
    if (r->status != PKT_PASS)
        return r->status;
    r->status = PKT_FAIL;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ev)
        pk_note(r, "%s:%d: %s", r->script->file, ev->line, msg);
    else
        pk_note(r, "%s: %s", r->script->file, msg);
    return PKT_FAIL;
}

int64_t pk_tolerance(const struct pkt_run *r, int64_t script_us, int64_t last_us)
{
    int64_t tol = r->tol_us;
    int64_t dyn = (script_us - last_us) / 8; /* tolerance_percent 12.5 */
    return dyn > tol ? dyn : tol;
}

static void check_blocked(struct pkt_run *r)
{
    if (!r->blk || r->status != PKT_PASS)
        return;
    const struct pk_event *ev = r->blk;
    int rc = pk_syscall(r, ev, true);
    if (rc == PK_WAIT)
        return;
    r->blk = NULL;
    if (rc != PKT_PASS)
        return;
    int64_t now = pk_now_us(r);
    int64_t tol = pk_tolerance(r, r->blk_end_us, r->blk_start_us);
    if (now < r->blk_end_us - tol || now > r->blk_end_us + tol)
        pk_fail(r, ev,
                "timing error: expected system call return at %.6f sec but happened at %.6f "
                "sec; tolerance %.6f sec",
                r->blk_end_us / 1e6, now / 1e6, tol / 1e6);
}

static void wake_fire(struct engine *engine, struct sim_timer *timer)
{
    (void)engine;
    (void)timer; /* the step that ran it retries the waiting call */
}

void pk_wake_at(struct pkt_run *r, int64_t t_us)
{
    if (!sim_timer_armed(&r->wake) || r->wake.when != t_us * 1000)
        engine_arm(&r->net.engine, &r->wake, t_us * 1000);
}

bool pk_step(struct pkt_run *r, int64_t limit_us)
{
    sim_time_t next = engine_next_time(&r->net.engine);
    if (next == SIM_TIME_NEVER || next > limit_us * 1000)
        return false;
    engine_run(&r->net.engine, next);
    check_blocked(r);
    return true;
}

void pk_advance(struct pkt_run *r, int64_t until_us)
{
    while (r->status == PKT_PASS && pk_step(r, until_us))
        ;
    if (r->net.engine.now < until_us * 1000)
        engine_run(&r->net.engine, until_us * 1000);
}

/* packetdrill check_event_time: the event happens when its time comes, or
 * at once if that time has passed (then it may be late). */
static int check_start(struct pkt_run *r, const struct pk_event *ev, int64_t t, int64_t t_end,
                       const char *what)
{
    if (ev->tkind == PT_ANY)
        return PKT_PASS;
    int64_t now = pk_now_us(r);
    int64_t tol = pk_tolerance(r, t, r->last_ev_us);
    int64_t hi = (ev->tkind == PT_ABS_RANGE || ev->tkind == PT_REL_RANGE) ? t_end : t;
    if (now > hi + tol)
        return pk_fail(r, ev,
                       "timing error: expected %s at %.6f sec but happened at %.6f sec; "
                       "tolerance %.6f sec",
                       what, t / 1e6, now / 1e6, tol / 1e6);
    return PKT_PASS;
}

static void await_blocked(struct pkt_run *r, const struct pk_event *ev)
{
    /* packetdrill await_idle_thread: a later call waits (up to 1 s) for the
     * blocking one to return. */
    int64_t limit = pk_now_us(r) + 1000000;
    while (r->blk && r->status == PKT_PASS && pk_step(r, limit))
        ;
    if (r->blk && r->status == PKT_PASS)
        pk_fail(r, ev,
                "runtime error in %s call: blocking system call while another blocking system "
                "call is already in progress (line %d)",
                ev->call.name, r->blk->line);
}

static int run_syscall(struct pkt_run *r, const struct pk_event *ev, int64_t t, int64_t end)
{
    if (r->blk)
        await_blocked(r, ev);
    if (r->status != PKT_PASS)
        return r->status;
    pk_advance(r, t);
    if (check_start(r, ev, t, t, "system call start"))
        return PKT_FAIL;
    int rc = pk_syscall(r, ev, false);
    if (rc == PK_WAIT && ev->call.blocking) {
        r->blk = ev;
        r->blk_start_us = t;
        r->blk_end_us = end;
        return PKT_PASS;
    }
    if (rc == PK_WAIT) {
        /* Not marked as blocking, yet it blocks: like packetdrill, the script
         * stalls until the call returns (a timer may complete it). */
        int64_t limit = pk_now_us(r) + (int64_t)3600 * 1000000;
        while (rc == PK_WAIT && r->status == PKT_PASS) {
            if (!pk_step(r, limit))
                return pk_fail(r, ev, "%s() blocks forever (nothing left to happen)",
                               ev->call.name);
            rc = pk_syscall(r, ev, true);
        }
        return rc;
    }
    if (rc == PKT_PASS && ev->call.blocking) {
        int64_t now = pk_now_us(r);
        int64_t tol = pk_tolerance(r, end, t);
        if (now < end - tol || now > end + tol)
            return pk_fail(r, ev,
                           "timing error: expected system call return at %.6f sec but happened "
                           "at %.6f sec; tolerance %.6f sec",
                           end / 1e6, now / 1e6, tol / 1e6);
    }
    return rc;
}

static bool inbound_packet(const struct pk_event *ev)
{
    return ev && ev->kind == PK_EV_PACKET && ev->pkt.inbound;
}

static int run_event(struct pkt_run *r, const struct pk_event *ev)
{
    int64_t offset = 0;
    if (ev->tkind == PT_REL || ev->tkind == PT_REL_RANGE || ev->tkind == PT_ANY)
        offset = (inbound_packet(r->last_ev) && inbound_packet(ev)) ? r->last_ev_us : pk_now_us(r);
    int64_t t = ev->t_us + offset;
    int64_t t_end = ev->tkind == PT_REL_RANGE ? ev->t_end_us + offset : ev->t_end_us;
    int64_t call_end = ev->call.end_us + (ev->tkind == PT_REL ? offset : 0);
    if (ev->tkind == PT_ABS && r->last_ev && r->last_ev->tkind == PT_ABS &&
        ev->t_us < r->last_ev->t_us)
        return pk_fail(r, ev, "time goes backward in script from %.6f to %.6f sec",
                       r->last_ev->t_us / 1e6, ev->t_us / 1e6);
    int rc = PKT_PASS;
    switch (ev->kind) {
    case PK_EV_PACKET:
        if (ev->pkt.inbound) {
            pk_advance(r, t);
            if (!(rc = check_start(r, ev, t, t_end, "inbound packet")))
                rc = pk_inbound(r, ev);
        } else {
            rc = pk_outbound(r, ev, t, t_end);
        }
        break;
    case PK_EV_SYSCALL: rc = run_syscall(r, ev, t, call_end); break;
    case PK_EV_COMMAND:
        pk_advance(r, t);
        rc = pk_command(r, ev, ev->text);
        break;
    case PK_EV_CODE:
        pk_advance(r, t);
        rc = pk_code(r, ev);
        break;
    }
    r->last_ev = ev;
    r->last_ev_us = ev->tkind == PT_ANY ? pk_now_us(r) : t;
    return rc != PKT_PASS ? rc : r->status;
}

/* The link from the endpoint: every segment it sends waits here to be
 * matched by a `>` line. */
static void endpoint_sent(void *ctx, const struct tcp_segment *seg)
{
    struct pkt_run *r = ctx;
    if (tracer_active(&r->net.tracer)) { /* the peer receives it (ladders end their arrows) */
        struct trace_event ev = {.t = r->net.engine.now, .kind = TRACE_SEG, .host = "remote"};
        ev.u.seg.dir = TRACE_RX;
        ev.u.seg.seg = seg;
        ev.u.seg.payload = &r->net.payload;
        tracer_emit(&r->net.tracer, &ev);
    }
    if (r->qlen == r->qcap) {
        size_t cap = r->qcap ? r->qcap * 2 : 64;
        struct pk_sent *q = malloc(cap * sizeof *q);
        if (!q) {
            r->oom = true;
            return;
        }
        for (size_t i = 0; i < r->qlen; i++)
            q[i] = r->q[(r->qhead + i) % r->qcap];
        free(r->q);
        r->q = q;
        r->qhead = 0;
        r->qcap = cap;
    }
    if (seg->opts & TCP_OPT_TS) {
        r->live_ts_seen = true;
        r->last_live_tsval = seg->tsval;
    }
    struct pk_sent *s = &r->q[(r->qhead + r->qlen++) % r->qcap];
    s->seg = *seg;
    s->t = r->net.engine.now;
}

static void endpoint_dropped(void *ctx, const struct tcp_segment *seg, enum drop_reason why)
{
    (void)ctx;
    (void)seg;
    (void)why; /* a zero-delay lossless link drops nothing */
}

static void peer_sent(void *ctx, const struct tcp_segment *seg)
{
    struct pkt_run *r = ctx;
    host_input(r->host, seg);
}

int pkt_run_create(const struct pkt_script *script, const struct pkt_config *cfg,
                   struct pkt_run **out)
{
    *out = NULL;
    struct pkt_run *r = calloc(1, sizeof *r);
    if (!r)
        return TS_ENOMEM;
    r->script = script;
    if (cfg)
        r->cfg = *cfg;
    else
        r->cfg.tolerance_us = -1;
    r->tol_us = r->cfg.tolerance_us >= 0    ? r->cfg.tolerance_us
                : script->tolerance_us >= 0 ? script->tolerance_us
                                            : PK_DEFAULT_TOLERANCE_US;
    struct tcp_params params;
    if (!r->cfg.seed)
        r->cfg.seed = script->seed;
    const char *pname = r->cfg.profile    ? r->cfg.profile
                        : script->profile ? script->profile
                                          : "linux";
    int profile = tcp_profile_from_name(pname);
    if (profile < 0) {
        free(r);
        return TS_EINVAL;
    }
    tcp_params_defaults(&params, (enum tcp_profile)profile);
    if (net_init(&r->net, r->cfg.seed, &tcp_proto_ops) != TS_OK) {
        free(r);
        return TS_ENOMEM;
    }
    if (net_add_host(&r->net, 0, "local", PK_LOCAL_ADDR, &params) != TS_OK) {
        net_free(&r->net);
        free(r);
        return TS_ENOMEM;
    }
    r->host = r->net.hosts[0];
    struct link_params wire = {0}; /* tun: no delay, no loss */
    link_init(&r->net.links[0], &r->net.engine, &wire, r->cfg.seed, 0, endpoint_sent,
              endpoint_dropped, r);
    link_init(&r->net.links[1], &r->net.engine, &wire, r->cfg.seed, 1, peer_sent, endpoint_dropped,
              r);
    pk_app_ops(r);
    sim_timer_init(&r->wake, wake_fire);
    r->status = PKT_PASS;
    *out = r;
    return TS_OK;
}

struct net *pkt_run_net(struct pkt_run *r) { return &r->net; }

int pkt_run_exec(struct pkt_run *r, char *report, size_t reportlen)
{
    r->report = report;
    r->reportlen = reportlen;
    r->rlen = 0;
    if (report && reportlen)
        report[0] = '\0';
    const struct pkt_script *s = r->script;
    if (s->init_command && pk_command(r, NULL, s->init_command) != PKT_PASS)
        return r->status;
    for (size_t i = 0; i < s->count && r->status == PKT_PASS; i++) {
        run_event(r, &s->events[i]);
        if (r->oom)
            return pk_fail(r, &s->events[i], "out of memory");
    }
    if (r->status == PKT_PASS && r->blk) {
        const struct pk_event *ev = r->blk;
        int64_t limit = (r->blk_end_us > pk_now_us(r) ? r->blk_end_us : pk_now_us(r)) + 1000000;
        while (r->blk && r->status == PKT_PASS && pk_step(r, limit))
            ;
        if (r->blk && r->status == PKT_PASS)
            pk_fail(r, ev, "runtime error: exiting while a blocking system call is in progress");
    }
    if (r->status == PKT_PASS && s->cleanup_command)
        pk_command(r, NULL, s->cleanup_command);
    tracer_finish(&r->net.tracer);
    return r->status;
}

void pkt_run_free(struct pkt_run *r)
{
    if (!r)
        return;
    engine_cancel(&r->net.engine, &r->wake);
    net_free(&r->net);
    free(r->q);
    free(r);
}
