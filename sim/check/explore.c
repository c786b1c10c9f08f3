/* The exhaustive fault search (tcpsim/explore.h): depth-first over fault
 * sets, each run from the start (runs are deterministic and short), with a
 * recorder sink that lists the segments each run hands to the wire. */
#include "tcpsim/explore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcpsim/errors.h"

/* One segment handed to the link, in the order of the whole run. */
struct sent {
    struct explore_fault f;
};

struct recorder {
    const char *names[2];
    unsigned first;
    struct sent *v;
    size_t count;
    uint32_t per_host[2]; /* segments each host's link has seen so far */
    int last_host;        /* the host of the last listed segment, -1 = none */
};

static void rec_emit(void *ctx, const struct trace_event *ev)
{
    struct recorder *r = ctx;
    if (ev->kind != TRACE_SEG || !ev->u.seg.seg || !ev->host)
        return;
    int h = strcmp(ev->host, r->names[0]) == 0 ? 0 : strcmp(ev->host, r->names[1]) == 0 ? 1 : -1;
    if (h < 0)
        return;
    if (ev->u.seg.dir == TRACE_TX) {
        r->per_host[h]++;
        r->last_host = -1;
        if (r->count < r->first) {
            const struct tcp_segment *s = ev->u.seg.seg;
            r->v[r->count++].f = (struct explore_fault){h, r->per_host[h], ev->t, s->flags, s->len};
            r->last_host = h;
        }
    } else if (ev->u.seg.dir == TRACE_DROP && ev->u.seg.why == DROP_PARTITION) {
        /* Dropped by a partition before any rule saw it: rules do not
         * count it, and dropping it again would change nothing. */
        r->per_host[h]--;
        if (r->last_host == h) {
            r->count--;
            r->last_host = -1;
        }
    }
}

struct search {
    const struct scenario *base;
    struct scenario sc; /* base with the current faults in front of its own */
    const struct explore_options *o;
    struct checked_run_options run;
    explore_found_fn found;
    void *ctx;
    struct explore_stats *st;
    struct explore_fault faults[EXPLORE_MAX_FAULTS];
    clock_t start;
};

static int by_nth_desc(const void *a, const void *b)
{
    const struct explore_fault *x = a, *y = b;
    if (x->host != y->host)
        return x->host - y->host;
    return x->nth < y->nth ? 1 : x->nth > y->nth ? -1 : 0;
}

/* Fills s->sc.faults with the drop rules for faults[0..n), then the base's. */
static void place_faults(struct search *s, size_t n)
{
    struct explore_fault sorted[EXPLORE_MAX_FAULTS];
    if (n) {
        memcpy(sorted, s->faults, n * sizeof sorted[0]);
        qsort(sorted, n, sizeof sorted[0], by_nth_desc);
    }
    for (size_t i = 0; i < n; i++) {
        struct scenario_fault *f = &s->sc.faults[i];
        memset(f, 0, sizeof *f);
        f->kind = FAULT_DROP;
        f->from_host = sorted[i].host;
        f->rule.nth = sorted[i].nth;
        f->rule.count = 1;
        f->rule.to = SIM_TIME_NEVER;
    }
    if (s->base->fault_count)
        memcpy(s->sc.faults + n, s->base->faults, s->base->fault_count * sizeof *s->sc.faults);
    s->sc.fault_count = n + s->base->fault_count;
}

static int visit(struct search *s, size_t n, size_t after)
{
    struct recorder rec = {.names = {s->base->hosts[0].name, s->base->hosts[1].name},
                           .first = s->o->first,
                           .last_host = -1};
    rec.v = calloc(s->o->first ? s->o->first : 1, sizeof *rec.v);
    if (!rec.v)
        return TS_ENOMEM;
    struct trace_sink sink = {.emit = rec_emit, .ctx = &rec};
    place_faults(s, n);
    struct checked_run_options opt = s->run;
    opt.extra = &sink;
    struct checked_run result;
    int err = checked_run(&s->sc, &opt, &result);
    s->st->runs++;
    if (!err && result.count) {
        s->st->violating++;
        if (s->found)
            s->found(s->ctx, s->faults, n, &result);
    }
    if (err || n >= s->o->faults) {
        free(rec.v);
        return err;
    }
    for (size_t i = after; i < rec.count && !err; i++) {
        if (s->o->budget_s > 0 && (double)(clock() - s->start) / CLOCKS_PER_SEC > s->o->budget_s) {
            s->st->out_of_time = true;
            break;
        }
        s->faults[n] = rec.v[i].f;
        err = visit(s, n + 1, i + 1);
    }
    free(rec.v);
    return err;
}

int explore_run(const struct scenario *sc, const struct explore_options *o, explore_found_fn found,
                void *ctx, struct explore_stats *st)
{
    memset(st, 0, sizeof *st);
    if (sc->host_count != 2 || o->faults > EXPLORE_MAX_FAULTS)
        return TS_EINVAL;
    struct search s = {.base = sc,
                       .sc = *sc,
                       .o = o,
                       .run = o->run,
                       .found = found,
                       .ctx = ctx,
                       .st = st,
                       .start = clock()};
    s.sc.faults = calloc(sc->fault_count + o->faults + 1, sizeof *s.sc.faults);
    if (!s.sc.faults)
        return TS_ENOMEM;
    /* The fault-free run decides what faulted runs are held to: ending
     * (when it ends), and the clean invariants (when it keeps them). */
    struct checked_run probe;
    struct checked_run_options po = s.run;
    po.inv.clean = true;
    po.inv.reset_waives_clean = false;
    po.twice = false;
    place_faults(&s, 0);
    int err = checked_run(&s.sc, &po, &probe);
    st->runs++;
    st->base_clean = s.run.inv.clean || (!err && probe.count == 0);
    if (o->auto_clean) {
        s.run.inv.clean = st->base_clean;
        s.run.inv.reset_waives_clean = true;
    }
    s.run.inv.strict_end = !err && probe.cut == RUNNER_CUT_NONE;
    if (!err)
        err = visit(&s, 0, 0);
    st->seconds = (double)(clock() - s.start) / CLOCKS_PER_SEC;
    free(s.sc.faults);
    return err;
}

void explore_rules_yaml(const struct scenario *sc, const struct explore_fault *faults, size_t count,
                        char *out, size_t size)
{
    struct explore_fault sorted[EXPLORE_MAX_FAULTS];
    if (count > EXPLORE_MAX_FAULTS)
        count = EXPLORE_MAX_FAULTS;
    if (count) {
        memcpy(sorted, faults, count * sizeof sorted[0]);
        qsort(sorted, count, sizeof sorted[0], by_nth_desc);
    }
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < count && n < size; i++) {
        char flags[7];
        segment_flag_letters(sorted[i].flags, flags);
        sim_time_t t = sorted[i].t;
        n += (size_t)snprintf(out + n, size - n,
                              "- drop: {from: %s, flags: \"*\", nth: %u}  # explore: its segment "
                              "%u (%s, %u octets, sent at %lld.%06llds)\n",
                              sc->hosts[sorted[i].host].name, sorted[i].nth, sorted[i].nth,
                              flags[0] ? flags : "no flags", sorted[i].len,
                              (long long)(t / 1000000000),
                              (unsigned long long)(t % 1000000000 / 1000));
    }
}
