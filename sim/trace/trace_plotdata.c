/* Plot-data sink: records segments, state changes and congestion-control
 * samples during the run; trace_plotdata_write then has the plotdata_*.c
 * files write the whitespace-separated files that the gnuplot scripts in
 * plots/ draw (ladder, state bars, sequence/time, cc, state counts) and
 * meta.gp. Presentation only: the model never reads anything back from here.
 *
 * A segment's arrival is the rx event of the same segment at the other host,
 * matched by addresses, ports, seq, ack, flags and length in FIFO order; a
 * link drop is reported at the sender right after its tx. */
#include <stdlib.h>
#include <string.h>

#include "plotdata_internal.h"
#include "tcpsim/errors.h"

/* Grows a vector by one zeroed element; NULL when out of memory. */
static void *pd_push(void **items, size_t *count, size_t *cap, size_t size)
{
    if (*count == *cap) {
        size_t n = *cap ? *cap * 2 : 64;
        void *grown = realloc(*items, n * size);
        if (!grown)
            return NULL;
        *items = grown;
        *cap = n;
    }
    void *slot = (char *)*items + (*count)++ * size;
    memset(slot, 0, size);
    return slot;
}
#define PD_PUSH(pd, name)                                                                          \
    pd_push((void **)&(pd)->name, &(pd)->name##_count, &(pd)->name##_cap, sizeof *(pd)->name)

static int pd_host_of_addr(const struct trace_plotdata *pd, uint32_t addr)
{
    return pd->opt.host_addr[1] == addr ? 1 : 0;
}

static int pd_host_of_name(const struct trace_plotdata *pd, const char *name)
{
    return name && pd->opt.host_name[1] && strcmp(name, pd->opt.host_name[1]) == 0 ? 1 : 0;
}

static struct pd_flow *pd_flow(struct trace_plotdata *pd, const struct tcp_segment *s)
{
    for (size_t i = pd->flows_count; i-- > 0;) {
        struct pd_flow *f = &pd->flows[i];
        if (f->src_addr == s->src_addr && f->dst_addr == s->dst_addr &&
            f->src_port == s->src_port && f->dst_port == s->dst_port)
            return f;
    }
    struct pd_flow *f = PD_PUSH(pd, flows);
    if (f) {
        f->src_addr = s->src_addr;
        f->dst_addr = s->dst_addr;
        f->src_port = s->src_port;
        f->dst_port = s->dst_port;
        f->from = (uint8_t)pd_host_of_addr(pd, s->src_addr);
    }
    return f;
}

static bool pd_same(const struct pd_seg *a, const struct tcp_segment *s)
{
    return a->src_addr == s->src_addr && a->dst_addr == s->dst_addr && a->src_port == s->src_port &&
           a->dst_port == s->dst_port && a->seq == s->seq && a->ack == s->ack &&
           a->flags == s->flags && a->len == s->len;
}

static struct pd_seg *pd_new_seg(struct trace_plotdata *pd, const struct trace_event *ev)
{
    const struct tcp_segment *s = ev->u.seg.seg;
    struct pd_seg *g = PD_PUSH(pd, segs);
    if (!g)
        return NULL;
    g->t_send = g->t_end = ev->t;
    g->ord_send = g->ord_end = pd->ord;
    g->src_addr = s->src_addr;
    g->dst_addr = s->dst_addr;
    g->src_port = s->src_port;
    g->dst_port = s->dst_port;
    g->seq = s->seq;
    g->ack = s->ack;
    g->len = s->len;
    g->win = s->win;
    g->flags = s->flags;
    g->opts = s->opts;
    g->wscale = s->wscale;
    g->rexmit = s->retransmit;
    g->from = (uint8_t)pd_host_of_addr(pd, s->src_addr);
    g->conn = s->src_conn;
    struct pd_flow *f = pd_flow(pd, s);
    if (!f)
        return g;
    if ((s->flags & TCP_SYN) && !f->has_isn) {
        f->has_isn = true;
        f->isn = s->seq;
        f->has_wscale = s->opts & TCP_OPT_WSCALE;
        f->wscale = s->wscale;
    }
    f->conn = s->src_conn;
    f->bytes += s->len;
    return g;
}

/* The oldest segment still in flight that looks like `s`. */
static struct pd_seg *pd_match(struct trace_plotdata *pd, const struct tcp_segment *s)
{
    while (pd->first_open < pd->segs_count && pd->segs[pd->first_open].end != PD_IN_FLIGHT)
        pd->first_open++;
    for (size_t i = pd->first_open; i < pd->segs_count; i++)
        if (pd->segs[i].end == PD_IN_FLIGHT && pd_same(&pd->segs[i], s))
            return &pd->segs[i];
    return NULL;
}

/* An rx with no segment in flight: the link duplicated one. Drawn from the
 * latest matching send. */
static struct pd_seg *pd_duplicate(struct trace_plotdata *pd, const struct trace_event *ev)
{
    sim_time_t sent = ev->t;
    for (size_t i = pd->segs_count; i-- > 0;)
        if (pd_same(&pd->segs[i], ev->u.seg.seg)) {
            sent = pd->segs[i].t_send;
            break;
        }
    struct pd_seg *g = pd_new_seg(pd, ev);
    if (g) {
        g->t_send = sent;
        g->dup = 1;
    }
    return g;
}

static void pd_seg_event(struct trace_plotdata *pd, const struct trace_event *ev)
{
    const struct tcp_segment *s = ev->u.seg.seg;
    int sender = pd_host_of_addr(pd, s->src_addr);
    struct pd_seg *g = NULL;
    uint8_t end = PD_ARRIVED;
    switch (ev->u.seg.dir) {
    case TRACE_TX:
        if (!pd_new_seg(pd, ev))
            pd->oom = true;
        return;
    case TRACE_RX:
        g = pd_match(pd, s);
        if (!g && !(g = pd_duplicate(pd, ev))) {
            pd->oom = true;
            return;
        }
        break;
    case TRACE_DROP:
        if (pd_host_of_name(pd, ev->host) != sender) {
            end = PD_CRASH_RX;
            g = pd_match(pd, s);
        } else if (ev->u.seg.why == DROP_CRASHED) {
            end = PD_CRASH_TX;
            g = pd_new_seg(pd, ev);
        } else {
            end = PD_LOST;
            g = pd_match(pd, s);
        }
        if (!g)
            return; /* a drop of something never sent: nothing to draw */
        break;
    }
    g->end = end;
    g->t_end = ev->t;
    g->ord_end = pd->ord;
}

static void pd_emit(void *ctx, const struct trace_event *ev)
{
    struct trace_plotdata *pd = ctx;
    pd->ord++;
    pd->last_t = ev->t;
    if (ev->kind == TRACE_SEG) {
        pd_seg_event(pd, ev);
    } else if (ev->kind == TRACE_STATE) {
        struct pd_state *st = PD_PUSH(pd, states);
        if (!st) {
            pd->oom = true;
            return;
        }
        *st = (struct pd_state){.t = ev->t,
                                .ord = pd->ord,
                                .host = (uint8_t)pd_host_of_name(pd, ev->host),
                                .from = (uint8_t)ev->u.state.from,
                                .to = (uint8_t)ev->u.state.to,
                                .conn = ev->conn};
    } else if (ev->kind == TRACE_CC) {
        struct pd_cc *c = PD_PUSH(pd, ccs);
        if (!c) {
            pd->oom = true;
            return;
        }
        *c = (struct pd_cc){.t = ev->t,
                            .host = (uint8_t)pd_host_of_name(pd, ev->host),
                            .conn = ev->conn,
                            .cwnd = ev->u.cc.cwnd,
                            .ssthresh = ev->u.cc.ssthresh,
                            .flight = ev->u.cc.flight,
                            .srtt = ev->u.cc.srtt,
                            .rto = ev->u.cc.rto};
    }
}

int trace_plotdata_write(struct trace_plotdata *pd, sim_time_t end)
{
    if (pd->oom)
        return TS_ENOMEM;
    /* A run without a stop time ends at a safety cap: draw to the last event. */
    if (end > pd->last_t)
        end = pd->last_t;
    struct pd_ladder ladder = {0};
    struct pd_conns conns = {0};
    struct pd_summary m = {.ladder = &ladder, .cc_index = -1};
    m.to = pd->opt.to < end ? pd->opt.to : end;
    int rc = pd_write_ladder(pd, end, &ladder);
    if (!rc)
        rc = pd_collect_conns(pd, &conns);
    if (!rc) {
        m.state_rows = conns.count;
        for (size_t i = 0; i < pd->states_count; i++)
            if (pd->states[i].t <= m.to)
                m.states_present[pd->states[i].to] = pd->states[i].to != TCP_CLOSED;
        m.flow = pd_main_flow(pd);
        if (pd->files.states)
            pd_write_states(pd, &conns, end, m.to);
        if (pd->files.counts)
            pd_write_counts(pd, &conns, m.to, m.counts_present);
        if (pd->files.seq)
            pd_write_seq(pd, m.flow, &m.seq, &m.seq_ack);
        if (pd->files.cc)
            m.cc_index = pd_write_cc(pd, m.flow, &m.cc);
        if (pd->files.meta)
            pd_write_meta(pd, &m);
    }
    free(ladder.points);
    free(ladder.breaks);
    free(conns.items);
    return rc;
}

struct trace_plotdata *trace_plotdata_new(const struct trace_plotdata_files *files,
                                          const struct trace_plotdata_options *options)
{
    struct trace_plotdata *pd = calloc(1, sizeof *pd);
    if (!pd)
        return NULL;
    pd->files = *files;
    pd->opt = *options;
    if (pd->opt.to <= 0)
        pd->opt.to = SIM_TIME_NEVER;
    return pd;
}

struct trace_sink trace_plotdata_sink(struct trace_plotdata *pd)
{
    return (struct trace_sink){.emit = pd_emit, .finish = NULL, .ctx = pd};
}

void trace_plotdata_free(struct trace_plotdata *pd)
{
    if (!pd)
        return;
    free(pd->segs);
    free(pd->states);
    free(pd->ccs);
    free(pd->flows);
    free(pd);
}
