/* Transition coverage over many runs. The event of a transition is what
 * happened on the same host at the same instant just before it: a segment
 * received (its control bits), an application call, or a timer firing. */
#include "tcpsim/coverage.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/segment.h"

/* RFC 9293 3.3.2, Figure 5 (the arcs the figure draws). */
const struct coverage_arc coverage_figure5[] = {
    {TCP_CLOSED, TCP_LISTEN, "passive OPEN", NULL},
    {TCP_CLOSED, TCP_SYN_SENT, "active OPEN", NULL},
    {TCP_LISTEN, TCP_SYN_RECV, "rcv SYN", NULL},
    {TCP_LISTEN, TCP_SYN_SENT, "SEND",
     "a listener's remote socket is unspecified: SEND is an error (3.10.2, R-LISTEN-04), "
     "as send() on a listening socket is in BSD and Linux"},
    {TCP_LISTEN, TCP_CLOSED, "CLOSE", NULL},
    {TCP_SYN_RECV, TCP_LISTEN, "rcv RST", NULL},
    {TCP_SYN_RECV, TCP_ESTABLISHED, "rcv ACK of SYN", NULL},
    {TCP_SYN_RECV, TCP_FIN_WAIT1, "CLOSE", NULL},
    {TCP_SYN_SENT, TCP_SYN_RECV, "rcv SYN", NULL},
    {TCP_SYN_SENT, TCP_ESTABLISHED, "rcv SYN,ACK", NULL},
    {TCP_SYN_SENT, TCP_CLOSED, "CLOSE", NULL},
    {TCP_ESTABLISHED, TCP_FIN_WAIT1, "CLOSE", NULL},
    {TCP_ESTABLISHED, TCP_CLOSE_WAIT, "rcv FIN", NULL},
    {TCP_FIN_WAIT1, TCP_FIN_WAIT2, "rcv ACK of FIN", NULL},
    {TCP_FIN_WAIT1, TCP_CLOSING, "rcv FIN", NULL},
    {TCP_FIN_WAIT2, TCP_TIME_WAIT, "rcv FIN", NULL},
    {TCP_CLOSING, TCP_TIME_WAIT, "rcv ACK of FIN", NULL},
    {TCP_CLOSE_WAIT, TCP_LAST_ACK, "CLOSE", NULL},
    {TCP_LAST_ACK, TCP_CLOSED, "rcv ACK of FIN", NULL},
    {TCP_TIME_WAIT, TCP_CLOSED, "timeout=2MSL", NULL},
};
const size_t coverage_figure5_count = sizeof coverage_figure5 / sizeof coverage_figure5[0];

#define MAX_EVENTS 64 /* distinct event labels */
#define EVENT_LEN 32

/* One (from, to, event) cell: how often, and in which runs. */
struct cell {
    unsigned long count;
    size_t *runs; /* indexes into labels, ascending, no repeats */
    size_t run_count;
};

struct coverage {
    char **labels; /* one per run */
    size_t label_count;
    char events[MAX_EVENTS][EVENT_LEN];
    size_t event_count;
    struct cell cells[TCP_STATE_COUNT][TCP_STATE_COUNT][MAX_EVENTS];
    /* What last happened on each host (by name pointer) at `cause_t`. */
    const char *cause_host;
    sim_time_t cause_t;
    char cause[EVENT_LEN];
    bool failed; /* out of memory on the way */
};

struct coverage *coverage_new(void) { return calloc(1, sizeof(struct coverage)); }

void coverage_free(struct coverage *cov)
{
    if (!cov)
        return;
    for (size_t i = 0; i < cov->label_count; i++)
        free(cov->labels[i]);
    free(cov->labels);
    for (int f = 0; f < TCP_STATE_COUNT; f++)
        for (int t = 0; t < TCP_STATE_COUNT; t++)
            for (size_t e = 0; e < MAX_EVENTS; e++)
                free(cov->cells[f][t][e].runs);
    free(cov);
}

int coverage_begin(struct coverage *cov, const char *label)
{
    char **grown = realloc(cov->labels, (cov->label_count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    cov->labels = grown;
    if (!(cov->labels[cov->label_count] = strdup(label)))
        return -1;
    cov->label_count++;
    cov->cause_host = NULL;
    return 0;
}

static size_t event_index(struct coverage *cov, const char *name)
{
    for (size_t i = 0; i < cov->event_count; i++)
        if (strcmp(cov->events[i], name) == 0)
            return i;
    if (cov->event_count == MAX_EVENTS)
        return MAX_EVENTS - 1; /* the last slot collects the rest */
    snprintf(cov->events[cov->event_count], EVENT_LEN, "%s", name);
    return cov->event_count++;
}

/* A received segment's event as Figure 5 names it. */
static void seg_event(uint8_t flags, char *out)
{
    if (flags & TCP_RST)
        strcpy(out, "rcv RST");
    else if ((flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
        strcpy(out, "rcv SYN,ACK");
    else if (flags & TCP_SYN)
        strcpy(out, "rcv SYN");
    else if (flags & TCP_FIN)
        strcpy(out, "rcv FIN");
    else
        strcpy(out, "rcv ACK");
}

static void set_cause(struct coverage *cov, const struct trace_event *ev, const char *what)
{
    cov->cause_host = ev->host;
    cov->cause_t = ev->t;
    snprintf(cov->cause, sizeof cov->cause, "%s", what);
}

static void credit(struct coverage *cov, enum tcp_state from, enum tcp_state to, const char *event)
{
    struct cell *c = &cov->cells[from][to][event_index(cov, event)];
    c->count++;
    size_t run = cov->label_count ? cov->label_count - 1 : 0;
    if (c->run_count && c->runs[c->run_count - 1] == run)
        return;
    size_t *grown = realloc(c->runs, (c->run_count + 1) * sizeof *grown);
    if (!grown) {
        cov->failed = true;
        return;
    }
    c->runs = grown;
    c->runs[c->run_count++] = run;
}

static void coverage_emit(void *ctx, const struct trace_event *ev)
{
    struct coverage *cov = ctx;
    char what[EVENT_LEN];
    switch (ev->kind) {
    case TRACE_SEG:
        if (ev->u.seg.dir == TRACE_RX && ev->u.seg.seg) {
            seg_event(ev->u.seg.seg->flags, what);
            set_cause(cov, ev, what);
        }
        return;
    case TRACE_APP:
        snprintf(what, sizeof what, "%s()", ev->u.app.call ? ev->u.app.call : "?");
        set_cause(cov, ev, what);
        return;
    case TRACE_TIMER:
        if (ev->u.timer.action == TRACE_TIMER_FIRE) {
            snprintf(what, sizeof what, "timeout %s", trace_timer_name(ev->u.timer.timer));
            set_cause(cov, ev, what);
        }
        return;
    case TRACE_STATE: {
        bool known = cov->cause_host && ev->host && cov->cause_t == ev->t &&
                     strcmp(cov->cause_host, ev->host) == 0;
        const char *cause = known ? cov->cause : "other";
        /* listen() and connect() are traced when they return, after the
         * state they cause; nothing else leaves CLOSED for these states. */
        if (!known && ev->u.state.from == TCP_CLOSED && ev->u.state.to == TCP_LISTEN)
            cause = "listen()";
        if (!known && ev->u.state.from == TCP_CLOSED && ev->u.state.to == TCP_SYN_SENT)
            cause = "connect()";
        if (ev->u.state.from < TCP_STATE_COUNT && ev->u.state.to < TCP_STATE_COUNT)
            credit(cov, ev->u.state.from, ev->u.state.to, cause);
        return;
    }
    default: return;
    }
}

struct trace_sink coverage_sink(struct coverage *cov)
{
    struct trace_sink sink = {coverage_emit, NULL, cov};
    return sink;
}

/* Does the figure's label `arc` match the event seen? The figure says
 * "CLOSE" for close(), shutdown() and abort() alike, "rcv ACK of SYN/FIN" for
 * any received ACK, "passive/active OPEN" for listen()/connect(). */
static bool arc_matches(const struct coverage_arc *arc, const char *event)
{
    const char *f = arc->event;
    if (strcmp(f, "passive OPEN") == 0)
        return strcmp(event, "listen()") == 0;
    if (strcmp(f, "active OPEN") == 0 || strcmp(f, "SEND") == 0)
        return strcmp(event, "connect()") == 0 || strcmp(event, "send()") == 0;
    if (strcmp(f, "CLOSE") == 0)
        return strcmp(event, "close()") == 0 || strcmp(event, "shutdown()") == 0;
    if (strncmp(f, "rcv ACK of", 10) == 0)
        return strcmp(event, "rcv ACK") == 0 || strcmp(event, "rcv FIN") == 0;
    if (strcmp(f, "timeout=2MSL") == 0)
        return strcmp(event, "timeout timewait") == 0;
    return strcmp(f, event) == 0;
}

/* Count and runs of an arc of the figure, over the events that match it. */
static unsigned long arc_count(const struct coverage *cov, const struct coverage_arc *arc,
                               bool *any_run)
{
    unsigned long n = 0;
    for (size_t e = 0; e < cov->event_count; e++)
        if (arc_matches(arc, cov->events[e]))
            n += cov->cells[arc->from][arc->to][e].count;
    if (any_run)
        *any_run = n > 0;
    return n;
}

static bool in_figure(const struct coverage *cov, int from, int to, size_t e)
{
    for (size_t i = 0; i < coverage_figure5_count; i++) {
        const struct coverage_arc *a = &coverage_figure5[i];
        if ((int)a->from == from && (int)a->to == to && arc_matches(a, cov->events[e]))
            return true;
    }
    return false;
}

size_t coverage_missing(const struct coverage *cov)
{
    size_t missing = 0;
    for (size_t i = 0; i < coverage_figure5_count; i++)
        missing +=
            !coverage_figure5[i].unreachable && arc_count(cov, &coverage_figure5[i], NULL) == 0;
    return missing;
}

/* The runs that exercised an arc, as "a, b, c (+N more)". */
static void put_runs(FILE *out, const struct coverage *cov, const struct coverage_arc *arc,
                     size_t max)
{
    size_t shown = 0, more = 0;
    bool *seen = calloc(cov->label_count + 1, sizeof *seen);
    if (!seen)
        return;
    for (size_t e = 0; e < cov->event_count; e++) {
        if (!arc_matches(arc, cov->events[e]))
            continue;
        const struct cell *c = &cov->cells[arc->from][arc->to][e];
        for (size_t r = 0; r < c->run_count; r++) {
            if (seen[c->runs[r]])
                continue;
            seen[c->runs[r]] = true;
            if (shown < max)
                fprintf(out, "%s%s", shown++ ? ", " : "", cov->labels[c->runs[r]]);
            else
                more++;
        }
    }
    if (more)
        fprintf(out, " (+%zu more)", more);
    free(seen);
}

void coverage_write_text(FILE *out, const struct coverage *cov)
{
    size_t missing = coverage_missing(cov), unreachable = 0, seen = 0;
    for (size_t i = 0; i < coverage_figure5_count; i++) {
        unreachable += coverage_figure5[i].unreachable != NULL;
        seen += arc_count(cov, &coverage_figure5[i], NULL) > 0;
    }
    fprintf(out,
            "RFC 9293 Figure 5: %zu of %zu transitions exercised by %zu runs (%zu not reachable "
            "through the socket API)\n\n",
            seen, coverage_figure5_count, cov->label_count, unreachable);
    for (size_t i = 0; i < coverage_figure5_count; i++) {
        const struct coverage_arc *a = &coverage_figure5[i];
        unsigned long n = arc_count(cov, a, NULL);
        fprintf(out, "  %-11s -> %-11s %-15s %8lu  ", tcp_state_name(a->from),
                tcp_state_name(a->to), a->event, n);
        if (n)
            put_runs(out, cov, a, 3);
        else
            fputs(a->unreachable ? "not reachable (below)" : "NEVER", out);
        fputc('\n', out);
    }
    for (size_t i = 0; i < coverage_figure5_count; i++)
        if (coverage_figure5[i].unreachable && !arc_count(cov, &coverage_figure5[i], NULL))
            fprintf(out, "\nnot reachable: %s -> %s (%s): %s\n",
                    tcp_state_name(coverage_figure5[i].from),
                    tcp_state_name(coverage_figure5[i].to), coverage_figure5[i].event,
                    coverage_figure5[i].unreachable);
    if (missing) {
        fputs("\nnever exercised:\n", out);
        for (size_t i = 0; i < coverage_figure5_count; i++)
            if (!coverage_figure5[i].unreachable && !arc_count(cov, &coverage_figure5[i], NULL))
                fprintf(out, "  %s -> %s (%s)\n", tcp_state_name(coverage_figure5[i].from),
                        tcp_state_name(coverage_figure5[i].to), coverage_figure5[i].event);
    }
    fputs("\ntransitions outside Figure 5 (RST, timeouts, aborts, Linux shortcuts):\n", out);
    for (int f = 0; f < TCP_STATE_COUNT; f++)
        for (int t = 0; t < TCP_STATE_COUNT; t++)
            for (size_t e = 0; e < cov->event_count; e++) {
                const struct cell *c = &cov->cells[f][t][e];
                if (c->count && !in_figure(cov, f, t, e))
                    fprintf(out, "  %-11s -> %-11s %-18s %8lu  %s%s\n", tcp_state_name(f),
                            tcp_state_name(t), cov->events[e], c->count, cov->labels[c->runs[0]],
                            c->run_count > 1 ? ", ..." : "");
            }
    /* The state x event matrix: transitions out of each state, per event. */
    fputs("\nstate x event (transitions out of each state):\n", out);
    fprintf(out, "  %-11s", "");
    for (size_t e = 0; e < cov->event_count; e++)
        fprintf(out, " %*.*s", 9, 9, cov->events[e]);
    fputc('\n', out);
    for (int f = 0; f < TCP_STATE_COUNT; f++) {
        fprintf(out, "  %-11s", tcp_state_name(f));
        for (size_t e = 0; e < cov->event_count; e++) {
            unsigned long n = 0;
            for (int t = 0; t < TCP_STATE_COUNT; t++)
                n += cov->cells[f][t][e].count;
            if (n)
                fprintf(out, " %9lu", n);
            else
                fprintf(out, " %9s", ".");
        }
        fputc('\n', out);
    }
    if (cov->failed)
        fputs("(out of memory on the way: some scenario lists are short)\n", out);
}

/* A CSV field, always quoted; a leading = + - @ is defused with a quote
 * mark so a spreadsheet does not take it as a formula. */
static void csv_field(FILE *out, const char *s)
{
    fputc('"', out);
    if (strchr("=+-@", s[0]) && s[0])
        fputc('\'', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc((unsigned char)*s < 0x20 ? ' ' : *s, out);
    }
    fputc('"', out);
}

void coverage_write_csv(FILE *out, const struct coverage *cov)
{
    fputs("from,to,event,in_figure,count,scenarios\n", out);
    for (size_t i = 0; i < coverage_figure5_count; i++) { /* the figure's unseen arcs */
        const struct coverage_arc *a = &coverage_figure5[i];
        if (arc_count(cov, a, NULL))
            continue;
        fprintf(out, "%s,%s,", tcp_state_name(a->from), tcp_state_name(a->to));
        csv_field(out, a->event);
        fputs(",1,0,\"\"\n", out);
    }
    for (int f = 0; f < TCP_STATE_COUNT; f++)
        for (int t = 0; t < TCP_STATE_COUNT; t++)
            for (size_t e = 0; e < cov->event_count; e++) {
                const struct cell *c = &cov->cells[f][t][e];
                if (!c->count)
                    continue;
                fprintf(out, "%s,%s,", tcp_state_name(f), tcp_state_name(t));
                csv_field(out, cov->events[e]);
                fprintf(out, ",%d,%lu,\"", in_figure(cov, f, t, e), c->count);
                if (strchr("=+-@", cov->labels[c->runs[0]][0]) && cov->labels[c->runs[0]][0])
                    fputc('\'', out); /* not a spreadsheet formula */
                for (size_t r = 0; r < c->run_count; r++) {
                    const char *l = cov->labels[c->runs[r]];
                    if (r)
                        fputc(';', out);
                    for (; *l; l++)
                        if (*l == '"')
                            fputs("\"\"", out);
                        else
                            fputc((unsigned char)*l < 0x20 ? ' ' : *l, out);
                }
                fputs("\"\n", out);
            }
}
