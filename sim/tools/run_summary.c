/* One run summed up for a sweep: a trace sink counts segments by kind,
 * retransmission timeouts, drops and each connection's last state; the
 * runner gives the octets delivered and the expectations. */
#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"
#include "tcpsim/runner.h"
#include "tcpsim/scenario.h"
#include "tcpsim/sweep.h"

#define SUMMARY_HOSTS 2

struct summary_sink {
    struct run_summary *s;
    const char *hosts[SUMMARY_HOSTS]; /* name pointers, as the trace gives them */
    signed char *last[SUMMARY_HOSTS]; /* last state per conn id, -1 = none */
    size_t cap[SUMMARY_HOSTS];
    sim_time_t last_data; /* last data segment received */
    bool failed;
};

static int host_slot(struct summary_sink *k, const char *host)
{
    for (int i = 0; i < SUMMARY_HOSTS; i++) {
        if (k->hosts[i] == host)
            return i;
        if (!k->hosts[i]) {
            k->hosts[i] = host;
            return i;
        }
    }
    return -1;
}

static void note_state(struct summary_sink *k, const struct trace_event *ev)
{
    int h = host_slot(k, ev->host);
    if (h < 0)
        return;
    if (ev->conn >= k->cap[h]) {
        size_t cap = k->cap[h] ? k->cap[h] : 64;
        while (cap <= ev->conn)
            cap *= 2;
        signed char *grown = realloc(k->last[h], cap);
        if (!grown) {
            k->failed = true;
            return;
        }
        memset(grown + k->cap[h], -1, cap - k->cap[h]);
        k->last[h] = grown;
        k->cap[h] = cap;
    }
    k->last[h][ev->conn] = (signed char)ev->u.state.to;
}

static void summary_emit(void *ctx, const struct trace_event *ev)
{
    struct summary_sink *k = ctx;
    struct run_summary *s = k->s;
    switch (ev->kind) {
    case TRACE_SEG: {
        const struct tcp_segment *seg = ev->u.seg.seg;
        if (!seg)
            return;
        if (ev->u.seg.dir == TRACE_DROP) {
            s->drops++;
        } else if (ev->u.seg.dir == TRACE_RX) {
            if (seg->len)
                k->last_data = ev->t;
        } else {
            s->segments++;
            switch (seg->retransmit) {
            case SEG_REXMIT_RTO: s->rexmit_rto++; break;
            case SEG_REXMIT_FAST: s->rexmit_fast++; break;
            case SEG_REXMIT_TLP: s->rexmit_tlp++; break;
            case SEG_PROBE_KEEPALIVE:
            case SEG_PROBE_ZERO_WINDOW: s->probes++; break;
            default: break;
            }
        }
        return;
    }
    case TRACE_TIMER:
        if (ev->u.timer.timer == TRACE_TIMER_REXMIT && ev->u.timer.action == TRACE_TIMER_FIRE)
            s->timeouts++;
        return;
    case TRACE_STATE: note_state(k, ev); return;
    default: return;
    }
}

/* "CLOSED:2 LISTEN:1", states in their enum order. */
static void final_states(const struct summary_sink *k, char *out, size_t size)
{
    unsigned long n[TCP_STATE_COUNT] = {0};
    for (int h = 0; h < SUMMARY_HOSTS; h++)
        for (size_t c = 0; c < k->cap[h]; c++)
            if (k->last[h][c] >= 0 && k->last[h][c] < TCP_STATE_COUNT)
                n[(int)k->last[h][c]]++;
    size_t used = 0;
    out[0] = '\0';
    for (int st = 0; st < TCP_STATE_COUNT && used < size; st++)
        if (n[st])
            used += (size_t)snprintf(out + used, size - used, "%s%s:%lu", used ? " " : "",
                                     tcp_state_name((enum tcp_state)st), n[st]);
}

int run_summary_collect(const char *file, const char *const *overrides, size_t override_count,
                        struct run_summary *out, char *error, size_t error_size)
{
    memset(out, 0, sizeof *out);
    struct scenario sc;
    if (scenario_load(file, overrides, override_count, &sc, error, error_size) != 0)
        return -1;
    struct runner *runner;
    struct summary_sink k = {.s = out};
    struct expect_result *results = calloc(sc.expect_count + 1, sizeof *results);
    if (!results || runner_create(&sc, &runner) != TS_OK) {
        snprintf(error, error_size, "%s: out of memory", file);
        free(results);
        scenario_free(&sc);
        return -1;
    }
    struct trace_sink sink = {summary_emit, NULL, &k};
    tracer_add(&runner_net(runner)->tracer, sink);
    runner_run(runner);
    out->cut = runner_cut(runner) == RUNNER_CUT_EVENT_LIMIT;
    out->expect_total = sc.expect_count;
    out->expect_passed = sc.expect_count - runner_check(runner, results);
    size_t n;
    const struct runner_conn *conns = runner_conns(runner, &n);
    for (size_t i = 0; i < n; i++)
        out->delivered += conns[i].received;
    out->completion_s = (double)k.last_data / 1e9;
    out->goodput_bps = k.last_data > 0 ? (double)out->delivered * 8 / out->completion_s : 0;
    final_states(&k, out->final_states, sizeof out->final_states);
    for (int h = 0; h < SUMMARY_HOSTS; h++)
        free(k.last[h]);
    free(results);
    runner_free(runner);
    scenario_free(&sc);
    return 0;
}
