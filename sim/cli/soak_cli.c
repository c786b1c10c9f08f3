/* tcpsim soak: random scenarios (sim/check/scengen.c) run under the
 * invariant checker; each violation shrunk to a minimal ready-to-run
 * scenario in --out DIR. Seeds listed in --known FILE are expected to fail
 * (open bugs): they are reported, but only other failures fail the soak. */
#include "soak_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tcpsim/invariants.h"
#include "tcpsim/scengen.h"

#define EXIT_FAILED 1
#define EXIT_BAD_INPUT 2
#define SOAK_EVENT_LIMIT 1000000u

static const char soak_usage[] =
    "usage: tcpsim soak [--count N] [--from SEED] [--out DIR] [--known FILE] [--events N]\n"
    "                   [--seed-list SEED,...] [--quiet]\n"
    "  runs N random scenarios (seeds SEED, SEED+1, ...) under the invariant checker;\n"
    "  every violation is shrunk to a minimal scenario written to DIR/KIND-SEED.yaml.\n"
    "  Seeds in FILE (one per line, '#' comments) are known to fail: only others fail\n"
    "  the soak (exit 1).\n";

struct soak_args {
    unsigned long long count, from, events;
    const char *out, *known, *list;
    bool quiet;
};

static int soak_bad(const char *what, const char *arg)
{
    fprintf(stderr, "tcpsim soak: %s%s%s\n%s", what, arg ? " " : "", arg ? arg : "", soak_usage);
    return EXIT_BAD_INPUT;
}

static int parse_number(const char *text, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!text || text[0] < '0' || text[0] > '9')
        return -1;
    *out = strtoull(text, &end, 10);
    return errno || *end ? -1 : 0;
}

static int soak_parse(int argc, char **argv, struct soak_args *a)
{
    memset(a, 0, sizeof *a);
    a->count = 1000;
    a->from = 1;
    a->events = SOAK_EVENT_LIMIT;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(arg, "--quiet") || !strcmp(arg, "-q")) {
            a->quiet = true;
            continue;
        }
        if (!val)
            return soak_bad(arg[0] == '-' ? "missing value after" : "unexpected argument", arg);
        i++;
        if (!strcmp(arg, "--count") || !strcmp(arg, "--from") || !strcmp(arg, "--events")) {
            unsigned long long *dst = !strcmp(arg, "--count")  ? &a->count
                                      : !strcmp(arg, "--from") ? &a->from
                                                               : &a->events;
            if (parse_number(val, dst) < 0)
                return soak_bad("not a number:", val);
        } else if (!strcmp(arg, "--out")) {
            a->out = val;
        } else if (!strcmp(arg, "--known")) {
            a->known = val;
        } else if (!strcmp(arg, "--seed-list")) {
            a->list = val;
        } else {
            return soak_bad("unknown option", arg);
        }
    }
    return 0;
}

/* The known-failing seeds, sorted; NULL with *n = 0 when none. */
static int read_known(const char *path, unsigned long long **seeds, size_t *n)
{
    *seeds = NULL;
    *n = 0;
    if (!path)
        return 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "tcpsim soak: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    char line[512];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long long s;
        char *end;
        if (line[0] < '0' || line[0] > '9')
            continue;
        s = strtoull(line, &end, 10);
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            unsigned long long *grown = realloc(*seeds, cap * sizeof *grown);
            if (!grown) {
                fclose(f);
                return -1;
            }
            *seeds = grown;
        }
        (*seeds)[(*n)++] = s;
    }
    fclose(f);
    return 0;
}

static bool is_known(const unsigned long long *seeds, size_t n, unsigned long long seed)
{
    for (size_t i = 0; i < n; i++)
        if (seeds[i] == seed)
            return true;
    return false;
}

/* Shrinks the scenario for its first violation and writes it. */
static void write_repro(const char *dir, struct gen_scenario *g, const struct checked_run *run,
                        const struct checked_run_options *opt)
{
    enum inv_kind kind = run->v[0].kind;
    size_t before = gen_scenario_optional(g);
    size_t runs = gen_scenario_shrink(g, kind, opt);
    struct checked_run after;
    char error[SCENARIO_ERROR_MAX];
    const struct inv_violation *v = &run->v[0];
    if (gen_scenario_check(g, opt, &after, error, sizeof error) == 0)
        for (size_t i = 0; i < after.count; i++)
            if (after.v[i].kind == kind)
                v = &after.v[i];
    char path[4096], comment[10240];
    snprintf(path, sizeof path, "%s/%s-%llu.yaml", dir, inv_kind_name(kind),
             (unsigned long long)g->seed);
    snprintf(comment, sizeof comment,
             "tcpsim soak, seed %llu (%s scenario), shrunk from %zu to %zu optional lines in "
             "%zu runs.\n"
             "Invariant broken: %s at %lld.%09llds: %s\n"
             "See it:   tcpsim run %s\n"
             "Check it: tcpsim explore %s --faults 0%s",
             (unsigned long long)g->seed, g->clean ? "clean" : "messy", before,
             gen_scenario_optional(g), runs, inv_kind_name(kind), (long long)(v->t / 1000000000),
             (unsigned long long)(v->t % 1000000000), v->detail, path, path,
             g->clean ? " --clean" : "");
    char *yaml = gen_scenario_yaml(g, comment);
    FILE *f = yaml ? fopen(path, "w") : NULL;
    if (!f || fputs(yaml, f) == EOF || fclose(f) != 0)
        fprintf(stderr, "tcpsim soak: cannot write %s: %s\n", path, strerror(errno));
    free(yaml);
}

int soak_cli_main(int argc, char **argv)
{
    struct soak_args a;
    int rc = soak_parse(argc, argv, &a);
    if (rc)
        return rc;
    unsigned long long *known;
    size_t known_n;
    if (read_known(a.known, &known, &known_n) < 0)
        return EXIT_BAD_INPUT;
    if (a.out && mkdir(a.out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "tcpsim soak: cannot create %s: %s\n", a.out, strerror(errno));
        free(known);
        return EXIT_BAD_INPUT;
    }
    struct checked_run_options opt = {.event_limit = a.events, .twice = true};
    size_t per_kind[INV_KIND_COUNT] = {0};
    size_t scenarios = 0, clean = 0, failed = 0, unexpected = 0, fixed = 0;
    uint64_t events = 0;
    clock_t start = clock();
    const char *list = a.list;
    for (unsigned long long i = 0; list ? *list != '\0' : i < a.count; i++) {
        unsigned long long seed = a.from + i;
        if (list) {
            char *end;
            seed = strtoull(list, &end, 10);
            if (end == list)
                return soak_bad("bad --seed-list at", list);
            list = *end == ',' ? end + 1 : end;
        }
        struct gen_scenario g;
        if (gen_scenario_make(seed, &g) != 0) {
            fprintf(stderr, "tcpsim soak: out of memory\n");
            free(known);
            return EXIT_FAILED;
        }
        struct checked_run run;
        char error[SCENARIO_ERROR_MAX];
        int err = gen_scenario_check(&g, &opt, &run, error, sizeof error);
        scenarios++;
        clean += g.clean;
        bool expected = is_known(known, known_n, seed);
        if (err) {
            printf("seed %llu: generated scenario does not load: %s\n", seed,
                   err == 2 ? error : "out of memory");
            failed++;
            unexpected += !expected;
        } else if (run.count) {
            failed++;
            unexpected += !expected;
            for (size_t k = 0; k < run.count; k++) {
                per_kind[run.v[k].kind]++;
                if (!a.quiet || !expected)
                    printf("seed %llu%s: %s: %s\n", seed, expected ? " (known)" : "",
                           inv_kind_name(run.v[k].kind), run.v[k].detail);
            }
            if (a.out)
                write_repro(a.out, &g, &run, &opt);
        } else if (expected) {
            fixed++;
            printf("seed %llu: listed in %s but passes now (remove it)\n", seed, a.known);
        }
        events += run.events;
        gen_scenario_free(&g);
    }
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    printf("soak: %zu scenarios (%zu clean, %zu messy), %zu broke an invariant (%zu not known, "
           "%zu known ones pass), %.0f scenarios/s, %llu events\n",
           scenarios, clean, scenarios - clean, failed, unexpected, fixed,
           secs > 0 ? (double)scenarios / secs : 0.0, (unsigned long long)events);
    for (int k = 0; k < INV_KIND_COUNT; k++)
        if (per_kind[k])
            printf("  %-20s %zu\n", inv_kind_name((enum inv_kind)k), per_kind[k]);
    free(known);
    if (fflush(stdout) != 0)
        return EXIT_BAD_INPUT;
    return unexpected ? EXIT_FAILED : 0;
}
