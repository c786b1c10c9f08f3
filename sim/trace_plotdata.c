/* Plot-data sink: records segments, state changes and congestion-control
 * samples, then writes the whitespace-separated files that the gnuplot
 * scripts in plots/ draw (ladder, state bars, sequence/time, cc, state
 * counts) plus meta.gp, a few gnuplot variables describing them. Presentation only: the model never
 * reads anything back from here.
 *
 * A segment's arrival is the rx event of the same segment at the other host,
 * matched by addresses, ports, seq, ack, flags and length in FIFO order; a
 * link drop is reported at the sender right after its tx. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"
#include "tcpsim/trace_sinks.h"

/* How a recorded segment ended. */
enum pd_end {
    PD_IN_FLIGHT,  /* still on the wire when the run stopped */
    PD_ARRIVED,    /* rx at the other host */
    PD_LOST,       /* dropped by the link (loss, rule, queue, partition) */
    PD_CRASH_TX,   /* never sent: the sender was down */
    PD_CRASH_RX,   /* reached a receiver that was down */
};

struct pd_seg {
    sim_time_t t_send, t_end;
    uint64_t ord_send, ord_end; /* emission order, to break time ties */
    uint32_t src_addr, dst_addr;
    uint16_t src_port, dst_port;
    tcp_seq seq, ack;
    uint32_t len;
    uint16_t win;
    uint8_t flags, from, end, dup;
    uint8_t opts, wscale;
    uint32_t rexmit, conn;
    double y_send, y_end; /* ladder layout, display units */
};

struct pd_state {
    sim_time_t t;
    uint64_t ord;
    uint8_t host, from, to;
    uint32_t conn;
    double y;
};

struct pd_cc {
    sim_time_t t;
    uint8_t host;
    uint32_t conn, cwnd, ssthresh, flight;
    sim_time_t srtt, rto;
};

/* One direction of one connection, for relative sequence numbers. */
struct pd_flow {
    uint32_t src_addr, dst_addr;
    uint16_t src_port, dst_port;
    tcp_seq isn;
    bool has_isn, has_wscale;
    uint8_t wscale, from;
    uint32_t conn;
    uint64_t bytes;
};

#define PD_VEC(type, name) \
    type *name;            \
    size_t name##_count, name##_cap

struct trace_plotdata {
    struct trace_plotdata_files files;
    struct trace_plotdata_options opt;
    PD_VEC(struct pd_seg, segs);
    PD_VEC(struct pd_state, states);
    PD_VEC(struct pd_cc, ccs);
    PD_VEC(struct pd_flow, flows);
    size_t first_open; /* no segment before this index is in flight */
    uint64_t ord;
    sim_time_t last_t; /* time of the latest event */
    bool oom;
};

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
#define PD_PUSH(pd, name) \
    pd_push((void **)&(pd)->name, &(pd)->name##_count, &(pd)->name##_cap, sizeof *(pd)->name)

static double pd_sec(sim_time_t t) { return (double)t / 1e9; }

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
    return a->src_addr == s->src_addr && a->dst_addr == s->dst_addr &&
           a->src_port == s->src_port && a->dst_port == s->dst_port && a->seq == s->seq &&
           a->ack == s->ack && a->flags == s->flags && a->len == s->len;
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
        } else if (ev->u.seg.why && strcmp(ev->u.seg.why, "crashed") == 0) {
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
        *st = (struct pd_state){.t = ev->t, .ord = pd->ord,
                                .host = (uint8_t)pd_host_of_name(pd, ev->host),
                                .from = (uint8_t)ev->u.state.from, .to = (uint8_t)ev->u.state.to,
                                .conn = ev->conn};
    } else if (ev->kind == TRACE_CC) {
        struct pd_cc *c = PD_PUSH(pd, ccs);
        if (!c) {
            pd->oom = true;
            return;
        }
        *c = (struct pd_cc){.t = ev->t, .host = (uint8_t)pd_host_of_name(pd, ev->host),
                            .conn = ev->conn, .cwnd = ev->u.cc.cwnd,
                            .ssthresh = ev->u.cc.ssthresh, .flight = ev->u.cc.flight,
                            .srtt = ev->u.cc.srtt, .rto = ev->u.cc.rto};
    }
}

/* ------------------------------------------------------------ helpers */

static bool pd_in_window(const struct trace_plotdata *pd, sim_time_t t)
{
    return t >= pd->opt.from && t <= pd->opt.to;
}

static const struct pd_flow *pd_find_flow(const struct trace_plotdata *pd, uint32_t src_addr,
                                          uint16_t src_port, uint32_t dst_addr,
                                          uint16_t dst_port)
{
    for (size_t i = 0; i < pd->flows_count; i++) {
        const struct pd_flow *f = &pd->flows[i];
        if (f->src_addr == src_addr && f->src_port == src_port && f->dst_addr == dst_addr &&
            f->dst_port == dst_port)
            return f;
    }
    return NULL;
}

static const struct pd_flow *pd_seg_flow(const struct trace_plotdata *pd, const struct pd_seg *g,
                                         bool reverse)
{
    return reverse ? pd_find_flow(pd, g->dst_addr, g->dst_port, g->src_addr, g->src_port)
                   : pd_find_flow(pd, g->src_addr, g->src_port, g->dst_addr, g->dst_port);
}

/* Sequence number relative to the flow's ISN (0 = the SYN), as tcpdump does. */
static uint32_t pd_rel(const struct pd_flow *f, tcp_seq v)
{
    return f && f->has_isn ? (uint32_t)(v - f->isn) : v;
}

/* The textbook label: "SYN seq=0", "SYN-ACK seq=0 ack=1", "ACK ack=1",
 * "seq=1 len=100", "FIN seq=101", "RST seq=5". */
static void pd_label(const struct trace_plotdata *pd, const struct pd_seg *g, char *out,
                     size_t size)
{
    const struct pd_flow *f = pd_seg_flow(pd, g, false), *r = pd_seg_flow(pd, g, true);
    uint32_t seq = pd_rel(f, g->seq), ack = pd_rel(r, g->ack);
    bool a = g->flags & TCP_ACK;
    int n;
    if (g->flags & TCP_RST)
        n = snprintf(out, size, "RST%s seq=%" PRIu32, a ? "-ACK" : "", seq);
    else if (g->flags & TCP_SYN)
        n = a ? snprintf(out, size, "SYN-ACK seq=%" PRIu32 " ack=%" PRIu32, seq, ack)
              : snprintf(out, size, "SYN seq=%" PRIu32, seq);
    else if (g->flags & TCP_FIN)
        n = g->len ? snprintf(out, size, "FIN seq=%" PRIu32 " len=%" PRIu32, seq, g->len)
                   : snprintf(out, size, "FIN seq=%" PRIu32, seq);
    else if (g->len)
        n = snprintf(out, size, "seq=%" PRIu32 " len=%" PRIu32, seq, g->len);
    else
        n = snprintf(out, size, "ACK ack=%" PRIu32, ack);
    if (n < 0 || (size_t)n >= size)
        return;
    if (g->win == 0 && !(g->flags & TCP_RST))
        n += snprintf(out + n, size - (size_t)n, " win=0");
    if (g->rexmit && (size_t)n < size)
        n += snprintf(out + n, size - (size_t)n, g->rexmit >= 3 ? " (probe)" : " (rexmit)");
    if (g->dup && (size_t)n < size)
        snprintf(out + n, size - (size_t)n, " (dup)");
}

/* "120 ms", "1.5 s", "60 s": a duration for people. */
static void pd_duration(sim_time_t d, char *out, size_t size)
{
    double s = pd_sec(d);
    if (s < 1.0)
        snprintf(out, size, "%.4g ms", s * 1e3);
    else if (s < 120.0)
        snprintf(out, size, "%.4g s", s);
    else
        snprintf(out, size, "%.4g min", s / 60.0);
}

/* Writes `s` as a gnuplot double-quoted string. */
static void pd_quote(FILE *out, const char *s)
{
    putc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putc('\\', out);
        putc(*s, out);
    }
    putc('"', out);
}

/* Writes `s` as a gnuplot single-quoted string (no escapes but '' for '). */
static void pd_squote(FILE *out, const char *s)
{
    putc('\'', out);
    for (; *s; s++) {
        if (*s == '\'')
            putc('\'', out);
        putc(*s, out);
    }
    putc('\'', out);
}


/* ------------------------------------------------------------- ladder */

/* Display units: a typical one-way delay is PD_DELAY_UNITS tall; events at
 * the same instant are PD_MIN_STEP apart so their arrows and labels do not
 * overlap; a quiet stretch longer than PD_BREAK_UNITS is drawn as a break
 * PD_BREAK_STEP tall instead of to scale. */
#define PD_DELAY_UNITS 4.0
#define PD_MIN_STEP 1.0
#define PD_BREAK_UNITS 16.0
#define PD_BREAK_STEP 4.0
#define PD_OFFSCREEN -1000.0 /* pad rows: gnuplot warns about empty blocks */

struct pd_point {
    sim_time_t t;
    uint64_t ord;
    double *y;
    bool virtual_end; /* where a line that did not arrive stops: no time label */
};

struct pd_break {
    double y_a, y_b;
    sim_time_t t_a, t_b;
};

struct pd_ladder {
    struct pd_point *points;
    size_t count;
    struct pd_break *breaks;
    size_t break_count;
    size_t seg_first, seg_last; /* segments [first, last) are drawn */
    sim_time_t to;
    double ymax;
    sim_time_t delay;
};

static int pd_point_cmp(const void *a, const void *b)
{
    const struct pd_point *p = a, *q = b;
    if (p->t != q->t)
        return p->t < q->t ? -1 : 1;
    return p->ord < q->ord ? -1 : p->ord > q->ord;
}

static int pd_time_cmp(const void *a, const void *b)
{
    sim_time_t x = *(const sim_time_t *)a, y = *(const sim_time_t *)b;
    return x < y ? -1 : x > y;
}

/* The median one-way delay of delivered segments: the ladder's unit. */
static sim_time_t pd_typical_delay(const struct trace_plotdata *pd)
{
    sim_time_t *d = malloc((pd->segs_count + 1) * sizeof *d);
    size_t n = 0;
    for (size_t i = 0; d && i < pd->segs_count; i++)
        if (pd->segs[i].end == PD_ARRIVED && !pd->segs[i].dup)
            d[n++] = pd->segs[i].t_end - pd->segs[i].t_send;
    sim_time_t delay = pd->opt.delay_hint;
    if (n) {
        qsort(d, n, sizeof *d, pd_time_cmp);
        delay = d[n / 2];
    }
    free(d);
    return delay > 0 ? delay : SIM_MS(10);
}

/* Where a segment's line ends when it did not arrive. */
static sim_time_t pd_virtual_end(const struct pd_seg *g, sim_time_t delay)
{
    switch (g->end) {
    case PD_LOST: return g->t_send + delay / 2;
    case PD_CRASH_TX: return g->t_send + delay / 4;
    case PD_IN_FLIGHT: return g->t_send + delay;
    default: return g->t_end;
    }
}

static int pd_ladder_points(struct trace_plotdata *pd, struct pd_ladder *l)
{
    size_t cap = 2 * (l->seg_last - l->seg_first) + pd->states_count + 1;
    l->points = malloc(cap * sizeof *l->points);
    l->breaks = malloc(cap * sizeof *l->breaks);
    if (!l->points || !l->breaks)
        return TS_ENOMEM;
    for (size_t i = l->seg_first; i < l->seg_last; i++) {
        struct pd_seg *g = &pd->segs[i];
        l->points[l->count++] = (struct pd_point){g->t_send, g->ord_send, &g->y_send, false};
        l->points[l->count++] = (struct pd_point){pd_virtual_end(g, l->delay), g->ord_end,
                                                  &g->y_end, pd_virtual_end(g, 0) != g->t_end};
    }
    for (size_t i = 0; i < pd->states_count; i++) {
        struct pd_state *st = &pd->states[i];
        st->y = PD_OFFSCREEN;
        if (st->t >= pd->opt.from && st->t <= l->to)
            l->points[l->count++] = (struct pd_point){st->t, st->ord, &st->y, false};
    }
    qsort(l->points, l->count, sizeof *l->points, pd_point_cmp);
    return 0;
}

/* Time runs downward: each point one step below the previous one, the step
 * proportional to the time between them, clamped, long gaps made breaks. */
static void pd_ladder_layout(struct pd_ladder *l)
{
    double per_ns = PD_DELAY_UNITS / (double)l->delay, y = 0;
    for (size_t i = 0; i < l->count; i++) {
        if (i > 0) {
            sim_time_t dt = l->points[i].t - l->points[i - 1].t;
            double u = (double)dt * per_ns;
            if (u > PD_BREAK_UNITS) {
                l->breaks[l->break_count++] =
                    (struct pd_break){y, y + PD_BREAK_STEP, l->points[i - 1].t, l->points[i].t};
                y += PD_BREAK_STEP;
            } else {
                y += u > PD_MIN_STEP ? u : PD_MIN_STEP;
            }
        }
        *l->points[i].y = y;
    }
    l->ymax = y;
}

static bool pd_spans_break(const struct pd_ladder *l, double y_a, double y_b)
{
    for (size_t i = 0; i < l->break_count; i++)
        if (l->breaks[i].y_a >= y_a && l->breaks[i].y_b <= y_b)
            return true;
    return false;
}

static void pd_write_ladder_segs(const struct trace_plotdata *pd, const struct pd_ladder *l,
                                 FILE *out)
{
    fputs("# segments: tag t_send t_end y_send y_end x_from x_end dropped rexmit label"
          " label_x label_y end(0 arrived,1 lost,2 sender down,3 receiver down,4 in flight)\n",
          out);
    for (size_t i = l->seg_first; i < l->seg_last; i++) {
        const struct pd_seg *g = &pd->segs[i];
        double x0 = g->from, x1 = 1.0 - g->from, f = 0.3;
        if (g->end == PD_LOST || g->end == PD_IN_FLIGHT) {
            x1 = 0.5;
            f = 0.5;
        } else if (g->end == PD_CRASH_TX) {
            x1 = g->from ? 0.85 : 0.15;
            f = 1.0;
        }
        char label[96];
        pd_label(pd, g, label, sizeof label);
        bool dropped = g->end == PD_LOST || g->end == PD_CRASH_TX || g->end == PD_CRASH_RX;
        fprintf(out, "seg %.9f %.9f %.3f %.3f %.3f %.3f %d %d ", pd_sec(g->t_send),
                pd_sec(g->end == PD_IN_FLIGHT ? g->t_send : g->t_end), g->y_send, g->y_end, x0,
                x1, dropped, g->rexmit != 0);
        pd_quote(out, label);
        /* end as documented in the header: arrived first */
        static const int end_code[] = {[PD_ARRIVED] = 0, [PD_LOST] = 1, [PD_CRASH_TX] = 2,
                                       [PD_CRASH_RX] = 3, [PD_IN_FLIGHT] = 4};
        fprintf(out, " %.3f %.3f %d\n", x0 + f * (x1 - x0),
                g->y_send + f * (g->y_end - g->y_send), end_code[g->end]);
    }
    fprintf(out, "pad 0 0 %.1f %.1f 0 0 0 0 \"\" 0 %.1f 0\n\n\n", PD_OFFSCREEN, PD_OFFSCREEN,
            PD_OFFSCREEN);
}

/* State names along each axis where they change; a state that lasts across a
 * break gets its duration ("TIME_WAIT 60 s") and a bracket (block 5). */
static void pd_write_ladder_states(const struct trace_plotdata *pd, const struct pd_ladder *l,
                                   sim_time_t end, FILE *out, FILE *brackets)
{
    fputs("# states: tag side y t name conn\n", out);
    for (size_t i = 0; i < pd->states_count; i++) {
        const struct pd_state *st = &pd->states[i];
        if (st->y == PD_OFFSCREEN)
            continue;
        sim_time_t until = end;
        double y_until = l->ymax;
        for (size_t j = i + 1; j < pd->states_count; j++)
            if (pd->states[j].host == st->host && pd->states[j].conn == st->conn) {
                until = pd->states[j].t;
                y_until = pd->states[j].y == PD_OFFSCREEN ? l->ymax : pd->states[j].y;
                break;
            }
        char name[64];
        snprintf(name, sizeof name, "%s", tcp_state_name((enum tcp_state)st->to));
        bool long_state = (until - st->t) * 5 > l->to - pd->opt.from;
        if (st->to != TCP_CLOSED && st->to != TCP_LISTEN && long_state &&
            pd_spans_break(l, st->y, y_until)) {
            char d[32];
            pd_duration(until - st->t, d, sizeof d);
            snprintf(name, sizeof name, "%s %s", tcp_state_name((enum tcp_state)st->to), d);
            fprintf(brackets, "bracket %d %.3f %.3f\n", st->host, st->y, y_until);
        }
        fprintf(out, "state %d %.3f %.9f ", st->host, st->y, pd_sec(st->t));
        pd_quote(out, name);
        fprintf(out, " %" PRIu32 "\n", st->conn);
    }
    fprintf(out, "pad 0 %.1f 0 \"\" 0\n\n\n", PD_OFFSCREEN);
}

static void pd_write_ladder_breaks(const struct pd_ladder *l, FILE *out)
{
    fputs("# breaks (quiet stretches not to scale): tag y_from y_to y_mid text\n", out);
    for (size_t i = 0; i < l->break_count; i++) {
        const struct pd_break *b = &l->breaks[i];
        char d[32], text[64];
        pd_duration(b->t_b - b->t_a, d, sizeof d);
        snprintf(text, sizeof text, "%s later", d);
        fprintf(out, "break %.3f %.3f %.3f ", b->y_a, b->y_b, (b->y_a + b->y_b) / 2);
        pd_quote(out, text);
        putc('\n', out);
    }
    fprintf(out, "pad %.1f %.1f %.1f \"\"\n\n\n", PD_OFFSCREEN, PD_OFFSCREEN, PD_OFFSCREEN);
    /* The two time axes: solid, dotted across each break. */
    fputs("# axis pieces: tag y_from y_to dotted\n", out);
    double y = -1.5;
    for (size_t i = 0; i < l->break_count; i++) {
        fprintf(out, "axis %.3f %.3f 0\n", y, l->breaks[i].y_a);
        fprintf(out, "axis %.3f %.3f 1\n", l->breaks[i].y_a, l->breaks[i].y_b);
        y = l->breaks[i].y_b;
    }
    fprintf(out, "axis %.3f %.3f 0\n\n\n", y, l->ymax + 1.5);
}

/* One time label per distinct instant, left of the left axis. */
static void pd_write_ladder_times(const struct pd_ladder *l, FILE *out)
{
    fputs("# time labels: tag y text\n", out);
    double last_y = -100;
    for (size_t i = 0; i < l->count; i++) {
        if ((i > 0 && l->points[i].t == l->points[i - 1].t) || l->points[i].virtual_end)
            continue;
        if (*l->points[i].y - last_y < 0.9)
            continue; /* would overprint the previous label */
        last_y = *l->points[i].y;
        double s = pd_sec(l->points[i].t);
        fprintf(out, "time %.3f \"%.*f s\"\n", last_y,
                l->points[i].t % SIM_MS(1) == 0 ? 3 : 6, s);
    }
    fprintf(out, "pad %.1f \"\"\n\n\n", PD_OFFSCREEN);
}

static int pd_write_ladder(struct trace_plotdata *pd, sim_time_t end, struct pd_ladder *l)
{
    FILE *out = pd->files.ladder;
    l->delay = pd_typical_delay(pd);
    l->to = pd->opt.to < end ? pd->opt.to : end;
    while (l->seg_first < pd->segs_count && pd->segs[l->seg_first].t_send < pd->opt.from)
        l->seg_first++;
    l->seg_last = l->seg_first;
    while (l->seg_last < pd->segs_count && pd->segs[l->seg_last].t_send <= l->to)
        l->seg_last++;
    size_t max = pd->opt.ladder_max_segments;
    if (!pd->opt.window_set && max && l->seg_last - l->seg_first > max) {
        l->seg_last = l->seg_first + max;
        l->to = pd->segs[l->seg_last - 1].t_send;
    }
    if (pd_ladder_points(pd, l))
        return TS_ENOMEM;
    pd_ladder_layout(l);
    if (!out)
        return 0;
    char *bracket_buf = NULL;
    size_t bracket_len = 0;
    FILE *brackets = open_memstream(&bracket_buf, &bracket_len);
    if (!brackets)
        return TS_ENOMEM;
    fprintf(out, "# ladder of %s: time runs downward in display units (not to scale)\n",
            pd->opt.scenario ? pd->opt.scenario : "");
    pd_write_ladder_segs(pd, l, out);
    pd_write_ladder_states(pd, l, end, out, brackets);
    pd_write_ladder_breaks(l, out);
    pd_write_ladder_times(l, out);
    fclose(brackets);
    fputs("# brackets (states across a break): tag side y_from y_to\n", out);
    fwrite(bracket_buf ? bracket_buf : "", 1, bracket_len, out);
    fprintf(out, "pad 0 %.1f %.1f\n", PD_OFFSCREEN, PD_OFFSCREEN);
    free(bracket_buf);
    return 0;
}

/* ------------------------------------------------- states and counts */

/* Connections in the order they are drawn: hosts[0]'s first, each host's
 * in order of first appearance. */
struct pd_conns {
    struct {
        uint8_t host;
        uint32_t conn;
        uint8_t state;
        bool seen;
    } *items;
    size_t count;
};

static int pd_conn_index(const struct pd_conns *c, uint8_t host, uint32_t conn)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->items[i].host == host && c->items[i].conn == conn)
            return (int)i;
    return -1;
}

static int pd_collect_conns(const struct trace_plotdata *pd, struct pd_conns *c)
{
    c->items = calloc(pd->states_count + 1, sizeof *c->items);
    c->count = 0;
    if (!c->items)
        return TS_ENOMEM;
    for (uint8_t h = 0; h < 2; h++)
        for (size_t i = 0; i < pd->states_count; i++) {
            const struct pd_state *st = &pd->states[i];
            if (st->host == h && pd_conn_index(c, h, st->conn) < 0) {
                c->items[c->count].host = h;
                c->items[c->count++].conn = st->conn;
            }
        }
    return 0;
}

static void pd_write_states(const struct trace_plotdata *pd, const struct pd_conns *c,
                            sim_time_t end, sim_time_t to)
{
    FILE *out = pd->files.states;
    fputs("# row t_from t_to state_index state label\n", out);
    for (size_t i = 0; i < pd->states_count; i++) {
        const struct pd_state *st = &pd->states[i];
        if (st->to == TCP_CLOSED)
            continue;
        sim_time_t until = end;
        for (size_t j = i + 1; j < pd->states_count; j++)
            if (pd->states[j].host == st->host && pd->states[j].conn == st->conn) {
                until = pd->states[j].t;
                break;
            }
        sim_time_t a = st->t > pd->opt.from ? st->t : pd->opt.from;
        sim_time_t b = until < to ? until : to;
        if (b < a)
            continue;
        char label[96];
        snprintf(label, sizeof label, "%s #%" PRIu32, pd->opt.host_name[st->host], st->conn);
        fprintf(out, "%d %.9f %.9f %d %s ", pd_conn_index(c, st->host, st->conn), pd_sec(a),
                pd_sec(b), st->to, tcp_state_name((enum tcp_state)st->to));
        pd_quote(out, label);
        putc('\n', out);
    }
    fprintf(out, "-1 -1e9 -1e9 0 pad \"\"\n");
}

/* Connections per state over time, one block per host, one column per state
 * (LISTEN .. TIME_WAIT; a CLOSED connection is gone). */
static void pd_write_counts(const struct trace_plotdata *pd, struct pd_conns *c, sim_time_t to,
                            bool present[TCP_STATE_COUNT])
{
    FILE *out = pd->files.counts;
    for (uint8_t h = 0; h < 2; h++) {
        uint32_t n[TCP_STATE_COUNT] = {0};
        for (size_t i = 0; i < c->count; i++)
            c->items[i].seen = false;
        fprintf(out, "# %s: t", pd->opt.host_name[h]);
        for (int s = 1; s < TCP_STATE_COUNT; s++)
            fprintf(out, " %s", tcp_state_name((enum tcp_state)s));
        fprintf(out, "\npad -1e9");
        for (int s = 1; s < TCP_STATE_COUNT; s++)
            fputs(" 0", out);
        putc('\n', out);
        bool started = false;
        for (size_t i = 0; i <= pd->states_count; i++) {
            const struct pd_state *st = i < pd->states_count ? &pd->states[i] : NULL;
            sim_time_t t = st ? st->t : to;
            if (st && st->host != h)
                continue;
            if (t > to) {
                st = NULL;
                t = to;
            }
            if (!started && t >= pd->opt.from) {
                /* The counts as they stood when the window opened. */
                fprintf(out, "n %.9f", pd_sec(pd->opt.from));
                for (int s = 1; s < TCP_STATE_COUNT; s++)
                    fprintf(out, " %" PRIu32, n[s]);
                putc('\n', out);
                started = true;
            }
            if (st) {
                int k = pd_conn_index(c, h, st->conn);
                if (k >= 0 && c->items[k].seen && n[c->items[k].state])
                    n[c->items[k].state]--;
                if (k >= 0) {
                    c->items[k].seen = true;
                    c->items[k].state = st->to;
                }
                n[st->to]++;
            }
            if (t >= pd->opt.from) {
                fprintf(out, "n %.9f", pd_sec(t));
                for (int s = 1; s < TCP_STATE_COUNT; s++) {
                    fprintf(out, " %" PRIu32, n[s]);
                    present[s] = present[s] || n[s];
                }
                putc('\n', out);
            }
            if (!st)
                break;
        }
        fputs("\n\n", out);
    }
}

/* ---------------------------------------------------- seq/time and cc */

/* The flow that carried the most payload (ties: the first), or NULL. */
static const struct pd_flow *pd_main_flow(const struct trace_plotdata *pd)
{
    const struct pd_flow *best = NULL;
    for (size_t i = 0; i < pd->flows_count; i++)
        if (!best || pd->flows[i].bytes > best->bytes)
            best = &pd->flows[i];
    return best;
}

static bool pd_seg_in_flow(const struct pd_seg *g, const struct pd_flow *f, bool reverse)
{
    if (reverse)
        return g->src_addr == f->dst_addr && g->src_port == f->dst_port &&
               g->dst_addr == f->src_addr && g->dst_port == f->src_port;
    return g->src_addr == f->src_addr && g->src_port == f->src_port &&
           g->dst_addr == f->dst_addr && g->dst_port == f->dst_port;
}

/* Stevens/tcptrace style: the sender's segments at their send times, and
 * the ACKs (with the right edge of the offered window) as it receives them. */
struct pd_range {
    size_t rows;
    sim_time_t t0, t1;
    uint64_t ymax;
};

static void pd_range_add(struct pd_range *r, sim_time_t t, uint64_t y)
{
    if (!r->rows || t < r->t0)
        r->t0 = t;
    if (!r->rows || t > r->t1)
        r->t1 = t;
    if (y > r->ymax)
        r->ymax = y;
    r->rows++;
}

static void pd_write_seq(const struct trace_plotdata *pd, const struct pd_flow *f,
                         struct pd_range *range, size_t *n_ack)
{
    FILE *out = pd->files.seq;
    const struct pd_flow *r = f ? pd_find_flow(pd, f->dst_addr, f->dst_port, f->src_addr,
                                               f->src_port)
                                : NULL;
    fputs("# sender's segments: tag t seq end ack win rexmit dropped\npad -1e9 0 0 0 0 0 0\n",
          out);
    for (size_t i = 0; f && i < pd->segs_count; i++) {
        const struct pd_seg *g = &pd->segs[i];
        if (g->dup || !pd_seg_in_flow(g, f, false) || !pd_in_window(pd, g->t_send))
            continue;
        uint32_t seq = pd_rel(f, g->seq);
        uint32_t seg_len = g->len + !!(g->flags & TCP_SYN) + !!(g->flags & TCP_FIN);
        bool dropped = g->end == PD_LOST || g->end == PD_CRASH_TX || g->end == PD_CRASH_RX;
        uint32_t ack = (g->flags & TCP_ACK) ? pd_rel(r, g->ack) : 0;
        fprintf(out, "s %.9f %" PRIu32 " %" PRIu32 " %" PRIu32 " %u %d %d\n", pd_sec(g->t_send),
                seq, seq + seg_len, ack, (unsigned)g->win, g->rexmit != 0, dropped);
        pd_range_add(range, g->t_send, seq + seg_len);
    }
    fputs("\n\n# ACKs the sender received: tag t ack window_right_edge\npad -1e9 0 0\n", out);
    /* RFC 7323 2.3: the window field is scaled only when both SYNs carried
     * the option, and never in a SYN. */
    unsigned shift = f && r && f->has_wscale && r->has_wscale ? r->wscale : 0;
    for (size_t i = 0; f && i < pd->segs_count; i++) {
        const struct pd_seg *g = &pd->segs[i];
        if (g->end != PD_ARRIVED || !(g->flags & TCP_ACK) || !pd_seg_in_flow(g, f, true) ||
            !pd_in_window(pd, g->t_end))
            continue;
        uint32_t ack = pd_rel(f, g->ack);
        uint64_t win = (uint64_t)g->win << ((g->flags & TCP_SYN) ? 0 : shift);
        fprintf(out, "a %.9f %" PRIu32 " %" PRIu64 "\n", pd_sec(g->t_end), ack, ack + win);
        ++*n_ack;
        pd_range_add(range, g->t_end, 0);
    }
}

/* One block per host+conn that reported cc samples; returns the block to
 * draw (the main sender's, else the one with most samples) or -1, and its
 * row count in *rows. */
static int pd_write_cc(const struct trace_plotdata *pd, const struct pd_flow *f,
                       struct pd_range *range)
{
    FILE *out = pd->files.cc;
    int chosen = -1, block = 0;
    bool chosen_is_sender = false;
    for (size_t i = 0; i < pd->ccs_count; i++) {
        const struct pd_cc *c = &pd->ccs[i];
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = pd->ccs[j].host != c->host || pd->ccs[j].conn != c->conn;
        if (!first)
            continue;
        fprintf(out, "# %s #%" PRIu32 ": tag t cwnd ssthresh flight srtt_ms rto_ms\n",
                pd->opt.host_name[c->host], c->conn);
        fputs("pad -1e9 0 0 0 0 0\n", out);
        size_t n = 0;
        struct pd_range here = {0};
        for (size_t j = i; j < pd->ccs_count; j++) {
            const struct pd_cc *d = &pd->ccs[j];
            if (d->host != c->host || d->conn != c->conn || !pd_in_window(pd, d->t))
                continue;
            fprintf(out, "c %.9f %" PRIu32 " ", pd_sec(d->t), d->cwnd);
            if (d->ssthresh >= 0x7fffffffu)
                fputs("NaN", out); /* "infinite": not drawn */
            else
                fprintf(out, "%" PRIu32, d->ssthresh);
            fprintf(out, " %" PRIu32 " %.6f %.6f\n", d->flight, (double)d->srtt / 1e6,
                    (double)d->rto / 1e6);
            n++;
            pd_range_add(&here, d->t, 0);
        }
        fputs("\n\n", out);
        bool sender = f && c->host == f->from && c->conn == f->conn;
        if (n && !chosen_is_sender && (sender || chosen < 0 || n > range->rows)) {
            chosen = block;
            chosen_is_sender = sender;
            *range = here;
        }
        block++;
    }
    if (block == 0)
        fputs("# no cc samples\npad -1e9 0 0 0 0 0\n", out);
    return chosen;
}

/* ---------------------------------------------------------- meta, API */

static void pd_meta_flags(FILE *out, const char *name, const bool flags[TCP_STATE_COUNT])
{
    fprintf(out, "%s = \"", name);
    for (int s = 0; s < TCP_STATE_COUNT; s++)
        fprintf(out, "%s%d", s ? " " : "", flags[s]);
    fputs("\"\n", out);
}

static void pd_meta_string(FILE *out, const char *name, const char *value)
{
    fprintf(out, "%s = ", name);
    pd_squote(out, value ? value : "");
    putc('\n', out);
}

struct pd_summary {
    const struct pd_ladder *ladder;
    size_t state_rows, seq_ack;
    struct pd_range seq, cc;
    int cc_index;
    bool states_present[TCP_STATE_COUNT], counts_present[TCP_STATE_COUNT];
    const struct pd_flow *flow;
    sim_time_t to;
};

static void pd_write_meta(const struct trace_plotdata *pd, const struct pd_summary *m)
{
    FILE *out = pd->files.meta;
    char a[16], b[16], text[160];
    fputs("# written by tcpsim plot: what the .dat files beside it hold\n", out);
    pd_meta_string(out, "scenario", pd->opt.scenario);
    pd_meta_string(out, "host_a", pd->opt.host_name[0]);
    pd_meta_string(out, "host_b", pd->opt.host_name[1]);
    trace_format_addr(pd->opt.host_addr[0], a);
    trace_format_addr(pd->opt.host_addr[1], b);
    pd_meta_string(out, "addr_a", a);
    pd_meta_string(out, "addr_b", b);
    fprintf(out, "t_from = %.9f\nt_to = %.9f\n", pd_sec(pd->opt.from), pd_sec(m->to));
    const struct pd_ladder *l = m->ladder;
    fprintf(out, "ladder_ymax = %.3f\nladder_segments = %zu\nladder_total = %zu\n", l->ymax,
            l->seg_last - l->seg_first, pd->segs_count);
    text[0] = '\0';
    if (l->seg_last - l->seg_first < pd->segs_count && !pd->opt.window_set)
        snprintf(text, sizeof text, "first %zu of %zu segments: zoom with --from/--to",
                 l->seg_last - l->seg_first, pd->segs_count);
    pd_meta_string(out, "ladder_note", text);
    pd_duration(l->delay, text, sizeof text);
    pd_meta_string(out, "ladder_delay", text);
    fprintf(out, "n_state_rows = %zu\n", m->state_rows);
    pd_meta_flags(out, "state_present", m->states_present);
    pd_meta_flags(out, "count_present", m->counts_present);
    text[0] = '\0';
    if (m->flow) {
        trace_format_addr(m->flow->src_addr, a);
        trace_format_addr(m->flow->dst_addr, b);
        snprintf(text, sizeof text, "%s %s:%u > %s:%u", pd->opt.host_name[m->flow->from], a,
                 (unsigned)m->flow->src_port, b, (unsigned)m->flow->dst_port);
    }
    pd_meta_string(out, "seq_title", text);
    fprintf(out, "n_seq_tx = %zu\nn_seq_ack = %zu\n", m->seq.rows - m->seq_ack, m->seq_ack);
    fprintf(out, "seq_t0 = %.9f\nseq_t1 = %.9f\nseq_ymax = %" PRIu64 "\n", pd_sec(m->seq.t0),
            pd_sec(m->seq.t1), m->seq.ymax);
    fprintf(out, "cc_index = %d\nn_cc = %zu\ncc_t0 = %.9f\ncc_t1 = %.9f\n", m->cc_index,
            m->cc.rows, pd_sec(m->cc.t0), pd_sec(m->cc.t1));
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
