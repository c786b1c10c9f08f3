/* One scenario run under the invariant checker, optionally twice to hold it
 * to "same seed, same bytes" (the JSONL timelines are hashed and compared). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"
#include "tcpsim/invariants.h"
#include "tcpsim/trace_sinks.h"

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
    return h;
}

/* Runs `sc` once; the checker and the JSONL hash are optional. */
static int one_run(const struct scenario *sc, const struct checked_run_options *o,
                   struct inv_checker *checker, struct trace_sink *extra, uint64_t *hash,
                   uint64_t *events, enum runner_cut *cut)
{
    struct runner *r;
    int err = runner_create(sc, &r);
    if (err)
        return err;
    runner_set_event_limit(r, o->event_limit);
    struct tracer *tracer = &runner_net(r)->tracer;
    if (checker)
        tracer_add(tracer, inv_sink(checker));
    if (extra)
        tracer_add(tracer, *extra);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = NULL;
    struct trace_jsonl *jsonl = NULL;
    if (hash) {
        if (!(f = open_memstream(&buf, &len)) || !(jsonl = trace_jsonl_new(f))) {
            if (f)
                fclose(f);
            free(buf);
            runner_free(r);
            return TS_ENOMEM;
        }
        tracer_add(tracer, trace_jsonl_sink(jsonl));
    }
    runner_run(r);
    *events = runner_net(r)->engine.fired;
    *cut = runner_cut(r);
    if (checker)
        inv_finish(checker, r);
    runner_free(r);
    if (hash) {
        trace_jsonl_free(jsonl);
        fclose(f);
        *hash = fnv1a(buf, len);
        free(buf);
    }
    return TS_OK;
}

int checked_run(const struct scenario *sc, const struct checked_run_options *o,
                struct checked_run *out)
{
    memset(out, 0, sizeof *out);
    const char *names[2] = {sc->host_count > 0 ? sc->hosts[0].name : NULL,
                            sc->host_count > 1 ? sc->hosts[1].name : NULL};
    struct inv_checker *c = inv_new(&o->inv, names);
    if (!c)
        return TS_ENOMEM;
    uint64_t h1 = 0, h2 = 0, events2;
    enum runner_cut cut2;
    int err = one_run(sc, o, c, o->extra, o->twice ? &h1 : NULL, &out->events, &out->cut);
    if (!err && o->twice && !(err = one_run(sc, o, NULL, NULL, &h2, &events2, &cut2)) && h1 != h2) {
        char detail[120];
        snprintf(detail, sizeof detail,
                 "two runs of the same scenario and seed wrote different JSONL (%llu and %llu "
                 "events)",
                 (unsigned long long)out->events, (unsigned long long)events2);
        inv_add(c, INV_NONDETERMINISTIC, 0, detail);
    }
    out->jsonl_hash = h1;
    if (!err) {
        const struct inv_violation *v;
        out->count = inv_violations(c, &v);
        memcpy(out->v, v, out->count * sizeof *v);
    }
    inv_free(c);
    return err;
}

bool checked_run_has(const struct checked_run *run, enum inv_kind kind)
{
    for (size_t i = 0; i < run->count; i++)
        if (run->v[i].kind == kind)
            return true;
    return false;
}
