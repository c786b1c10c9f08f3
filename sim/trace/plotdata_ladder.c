/* ladder.dat: the textbook ladder diagram. Time runs downward in display
 * units: segments as arrows between the two host axes, state names along the
 * axes, quiet stretches drawn as marked breaks, time labels on the left. */
#include <inttypes.h>
#include <stdlib.h>

#include "plotdata_internal.h"
#include "tcpsim/errors.h"

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
    bool probe = g->rexmit == SEG_PROBE_KEEPALIVE || g->rexmit == SEG_PROBE_ZERO_WINDOW;
    if (g->rexmit && (size_t)n < size)
        n += snprintf(out + n, size - (size_t)n, "%s",
                      probe                          ? " (probe)"
                      : g->rexmit == SEG_REXMIT_TLP  ? " (tail loss probe)"
                      : g->rexmit == SEG_REXMIT_FAST ? " (fast rexmit)"
                                                     : " (rexmit)");
    if (g->dup && (size_t)n < size)
        snprintf(out + n, size - (size_t)n, " (dup)");
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
                pd_sec(g->end == PD_IN_FLIGHT ? g->t_send : g->t_end), g->y_send, g->y_end, x0, x1,
                dropped, g->rexmit != 0);
        pd_quote(out, label);
        /* end as documented in the header: arrived first */
        static const int end_code[] = {[PD_ARRIVED] = 0,
                                       [PD_LOST] = 1,
                                       [PD_CRASH_TX] = 2,
                                       [PD_CRASH_RX] = 3,
                                       [PD_IN_FLIGHT] = 4};
        fprintf(out, " %.3f %.3f %d\n", x0 + f * (x1 - x0), g->y_send + f * (g->y_end - g->y_send),
                end_code[g->end]);
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
        fprintf(out, "time %.3f \"%.*f s\"\n", last_y, l->points[i].t % SIM_MS(1) == 0 ? 3 : 6, s);
    }
    fprintf(out, "pad %.1f \"\"\n\n\n", PD_OFFSCREEN);
}

int pd_write_ladder(struct trace_plotdata *pd, sim_time_t end, struct pd_ladder *l)
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
