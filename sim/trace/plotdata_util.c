/* Small helpers the plot-data writers share: the time window, flows and
 * relative sequence numbers, durations for people, gnuplot string quoting. */
#include <stdio.h>
#include <string.h>

#include "plotdata_internal.h"

bool pd_in_window(const struct trace_plotdata *pd, sim_time_t t)
{
    return t >= pd->opt.from && t <= pd->opt.to;
}

const struct pd_flow *pd_find_flow(const struct trace_plotdata *pd, uint32_t src_addr,
                                   uint16_t src_port, uint32_t dst_addr, uint16_t dst_port)
{
    for (size_t i = 0; i < pd->flows_count; i++) {
        const struct pd_flow *f = &pd->flows[i];
        if (f->src_addr == src_addr && f->src_port == src_port && f->dst_addr == dst_addr &&
            f->dst_port == dst_port)
            return f;
    }
    return NULL;
}

const struct pd_flow *pd_seg_flow(const struct trace_plotdata *pd, const struct pd_seg *g,
                                  bool reverse)
{
    return reverse ? pd_find_flow(pd, g->dst_addr, g->dst_port, g->src_addr, g->src_port)
                   : pd_find_flow(pd, g->src_addr, g->src_port, g->dst_addr, g->dst_port);
}

uint32_t pd_rel(const struct pd_flow *f, tcp_seq v)
{
    return f && f->has_isn ? (uint32_t)(v - f->isn) : v;
}

void pd_duration(sim_time_t d, char *out, size_t size)
{
    double s = pd_sec(d);
    if (s < 1.0)
        snprintf(out, size, "%.4g ms", s * 1e3);
    else if (s < 120.0)
        snprintf(out, size, "%.4g s", s);
    else
        snprintf(out, size, "%.4g min", s / 60.0);
}

/* A control character (a line break above all) would end the string and
 * start a new gnuplot command: shown as a space instead. */
static int pd_printable(char c) { return (unsigned char)c < 0x20 || c == 0x7f ? ' ' : c; }

/* Writes `s` as a gnuplot double-quoted string (data files only: gnuplot
 * runs `backquotes` inside double quotes on a command line). */
void pd_quote(FILE *out, const char *s)
{
    putc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putc('\\', out);
        putc(pd_printable(*s), out);
    }
    putc('"', out);
}

/* Writes `s` as a gnuplot single-quoted string (no escapes but '' for ',
 * no substitution of backquotes or macros): the one safe form for untrusted
 * text in a script. */
void pd_squote(FILE *out, const char *s)
{
    putc('\'', out);
    for (; *s; s++) {
        if (*s == '\'')
            putc('\'', out);
        putc(pd_printable(*s), out);
    }
    putc('\'', out);
}

const struct pd_flow *pd_main_flow(const struct trace_plotdata *pd)
{
    const struct pd_flow *best = NULL;
    for (size_t i = 0; i < pd->flows_count; i++)
        if (!best || pd->flows[i].bytes > best->bytes)
            best = &pd->flows[i];
    return best;
}

bool pd_seg_in_flow(const struct pd_seg *g, const struct pd_flow *f, bool reverse)
{
    if (reverse)
        return g->src_addr == f->dst_addr && g->src_port == f->dst_port &&
               g->dst_addr == f->src_addr && g->dst_port == f->src_port;
    return g->src_addr == f->src_addr && g->src_port == f->src_port && g->dst_addr == f->dst_addr &&
           g->dst_port == f->dst_port;
}

void pd_range_add(struct pd_range *r, sim_time_t t, uint64_t y)
{
    if (!r->rows || t < r->t0)
        r->t0 = t;
    if (!r->rows || t > r->t1)
        r->t1 = t;
    if (y > r->ymax)
        r->ymax = y;
    r->rows++;
}
