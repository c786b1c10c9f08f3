#include "steady_stop.h"

#include <stddef.h>

#include "runner_internal.h"
#include "tcpsim/errors.h"
#include "tcpsim/socket.h"

struct idle_count {
    uint32_t keepalive_idle; /* idle connections whose keep-alive timer is set */
    bool other;              /* some socket is doing something else */
};

static void count_socket(void *ctx, const struct tcb *tcb)
{
    struct idle_count *c = ctx;
    struct sock_info info;
    sock_get_info(tcb, &info);
    if (info.state == TCP_LISTEN || info.state == TCP_CLOSED)
        return;
    /* Idle: nothing to send or resend, no probe unanswered. The engine count
     * in probe_fire tells whether some other timer (delayed ACK...) waits. */
    if (info.send_q != 0 || (info.timer != SOCK_TIMER_OFF && info.timer != SOCK_TIMER_KEEPALIVE) ||
        (info.timer == SOCK_TIMER_KEEPALIVE && info.timer_count != 0))
        c->other = true;
    else if (info.timer == SOCK_TIMER_KEEPALIVE)
        c->keepalive_idle++;
}

static bool steps_left(const struct runner *r)
{
    for (size_t i = 0; i < r->scenario->step_count; i++)
        if (sim_timer_armed(&r->steps[i].timer))
            return true;
    return false;
}

static void probe_fire(struct engine *e, struct sim_timer *timer)
{
    struct steady_stop *s = container_of(timer, struct steady_stop, probe);
    struct runner *r = s->runner;
    if (steps_left(r))
        return;
    struct idle_count c = {0, false};
    for (int h = 0; h < 2; h++)
        host_for_each_socket(r->net.hosts[h], count_socket, &c);
    /* While this callback runs the engine still counts the probe itself. */
    if (c.other || c.keepalive_idle == 0 || e->count != c.keepalive_idle + 1 ||
        s->keepalive_fires < c.keepalive_idle)
        return;
    struct trace_event ev = {.t = e->now, .kind = TRACE_NOTE, .host = r->net.hosts[0]->name};
    ev.u.note.text = "run ends: no stop: given and nothing is left but keep-alive probes the "
                     "peer answers, which would repeat for ever (give stop: to run longer)";
    tracer_emit(&r->net.tracer, &ev);
    s->stopped = true;
    engine_stop(e);
}

static void watch_keepalive(void *ctx, const struct trace_event *ev)
{
    struct steady_stop *s = ctx;
    if (ev->kind != TRACE_TIMER || ev->u.timer.timer != TRACE_TIMER_KEEPALIVE)
        return;
    if (ev->u.timer.action == TRACE_TIMER_FIRE)
        s->keepalive_fires++;
    else if (ev->u.timer.action == TRACE_TIMER_SET && s->keepalive_fires > 0 &&
             !sim_timer_armed(&s->probe))
        engine_arm(&s->runner->net.engine, &s->probe, ev->t);
}

/* Random loss or duplication, a drop rule or a middlebox that forgets idle
 * connections may still change the future. */
static bool run_may_repeat(const struct scenario *sc)
{
    if (sc->stop != SIM_TIME_NEVER || sc->fault_count > 0 || sc->middlebox.idle_timeout > 0)
        return false;
    for (int d = 0; d < 2; d++)
        if (sc->link[d].loss_ppm || sc->link[d].dup_ppm)
            return false;
    return true;
}

int steady_stop_setup(struct steady_stop *s, struct runner *r)
{
    s->runner = r;
    s->keepalive_fires = 0;
    s->stopped = false;
    s->enabled = run_may_repeat(r->scenario);
    if (!s->enabled)
        return TS_OK;
    if (engine_timer_add(&r->net.engine, &s->probe, probe_fire) != 0)
        return TS_ENOMEM;
    struct trace_sink sink = {watch_keepalive, NULL, s};
    if (tracer_add(&r->net.tracer, sink) != 0) {
        engine_timer_del(&r->net.engine, &s->probe);
        s->enabled = false;
        return TS_ENOMEM;
    }
    return TS_OK;
}

void steady_stop_teardown(struct steady_stop *s)
{
    if (s->enabled)
        engine_timer_del(&s->runner->net.engine, &s->probe);
    s->enabled = false;
}
