/* tcpsim explore FILE.yaml --faults K --first N: every way to drop up to K
 * of the first N segments (sim/check/explore.c); each violation written as
 * the scenario plus the drop rules that reproduce it, fewest faults first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "soak_cli.h"
#include "tcpsim/explore.h"

#define EXIT_FAILED 1
#define EXIT_BAD_INPUT 2

static const char explore_usage[] =
    "usage: tcpsim explore FILE.yaml [--faults K] [--first N] [--out DIR] [--clean]\n"
    "                      [--max-write M] [--budget SECONDS] [--events N] [--quiet]\n"
    "  drops every set of up to K (default 2) of the first N (default 20) segments the\n"
    "  hosts send, runs each to the end and checks the invariants; writes each violation\n"
    "  (at most M, default 20, fewest faults first) to DIR as a scenario whose drop rules\n"
    "  reproduce it. --clean holds every run to the clean invariants (all octets\n"
    "  delivered, both ends CLOSED); by default only when the fault-free run keeps them.\n";

struct found {
    struct explore_fault faults[EXPLORE_MAX_FAULTS];
    size_t count;
    struct checked_run run;
};

struct found_list {
    struct found *v;
    size_t count, cap;
    bool oom;
};

static void on_found(void *ctx, const struct explore_fault *faults, size_t count,
                     const struct checked_run *run)
{
    struct found_list *l = ctx;
    if (l->count == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        struct found *grown = realloc(l->v, cap * sizeof *grown);
        if (!grown) {
            l->oom = true;
            return;
        }
        l->v = grown;
        l->cap = cap;
    }
    struct found *f = &l->v[l->count++];
    if (count)
        memcpy(f->faults, faults, count * sizeof *faults);
    f->count = count;
    f->run = *run;
}

/* Fewest faults first, then earliest. */
static int by_size(const void *a, const void *b)
{
    const struct found *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? -1 : 1;
    for (size_t i = 0; i < x->count; i++)
        if (x->faults[i].t != y->faults[i].t)
            return x->faults[i].t < y->faults[i].t ? -1 : 1;
    return 0;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = 2 * (len + n + 1);
            char *grown = realloc(buf, cap);
            if (!grown) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (!buf && !(buf = calloc(1, 1)))
        return NULL;
    buf[len] = '\0';
    return buf;
}

/* The scenario text with `rules` (lines "- drop: ...") first under its
 * top-level faults: (made when it has none). */
static void write_with_rules(FILE *out, const char *text, const char *rules)
{
    const char *at = NULL;
    for (const char *line = text; line && *line;) {
        if (strncmp(line, "faults:", 7) == 0) {
            at = line;
            break;
        }
        const char *nl = strchr(line, '\n');
        line = nl ? nl + 1 : NULL;
    }
    if (!at) {
        fputs(text, out);
        if (text[0] && text[strlen(text) - 1] != '\n')
            fputc('\n', out);
        fputs("faults:\n", out);
        for (const char *r = rules; *r;) {
            const char *nl = strchr(r, '\n');
            fprintf(out, "  %.*s\n", (int)(nl ? nl - r : (long)strlen(r)), r);
            r = nl ? nl + 1 : r + strlen(r);
        }
        return;
    }
    const char *eol = strchr(at, '\n');
    const char *next = eol ? eol + 1 : at + strlen(at);
    /* The indentation of the first list item below faults:. */
    const char *p = next;
    while (*p == '\n' || *p == '#') {
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p + strlen(p);
    }
    int indent = 0;
    while (p[indent] == ' ')
        indent++;
    if (p[indent] != '-')
        indent = 2;
    fwrite(text, 1, (size_t)(next - text), out);
    if (!eol)
        fputc('\n', out);
    for (const char *r = rules; *r;) {
        const char *nl = strchr(r, '\n');
        fprintf(out, "%*s%.*s\n", indent, "", (int)(nl ? nl - r : (long)strlen(r)), r);
        r = nl ? nl + 1 : r + strlen(r);
    }
    fputs(next, out);
}

static int parse_uint(const char *text, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!text || text[0] < '0' || text[0] > '9')
        return -1;
    *out = strtoull(text, &end, 10);
    return errno || *end ? -1 : 0;
}

static int explore_bad(const char *what, const char *arg)
{
    fprintf(stderr, "tcpsim explore: %s%s%s\n%s", what, arg ? " " : "", arg ? arg : "",
            explore_usage);
    return EXIT_BAD_INPUT;
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

int explore_cli_main(int argc, char **argv)
{
    const char *file = NULL, *out = NULL;
    unsigned long long k = 2, first = 20, max_write = 20, events = 1000000, budget = 0;
    bool clean = false, quiet = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long long *num = !strcmp(arg, "--faults")      ? &k
                                  : !strcmp(arg, "--first")     ? &first
                                  : !strcmp(arg, "--max-write") ? &max_write
                                  : !strcmp(arg, "--events")    ? &events
                                  : !strcmp(arg, "--budget")    ? &budget
                                                                : NULL;
        if (num) {
            if (parse_uint(val, num) < 0)
                return explore_bad("needs a number:", arg);
            i++;
        } else if (!strcmp(arg, "--out")) {
            if (!val)
                return explore_bad("needs a folder:", arg);
            out = val;
            i++;
        } else if (!strcmp(arg, "--clean")) {
            clean = true;
        } else if (!strcmp(arg, "--quiet") || !strcmp(arg, "-q")) {
            quiet = true;
        } else if (arg[0] == '-' && arg[1]) {
            return explore_bad("unknown option", arg);
        } else if (!file) {
            file = arg;
        } else {
            return explore_bad("unexpected argument", arg);
        }
    }
    if (!file)
        return explore_bad("missing scenario file", NULL);
    if (k > EXPLORE_MAX_FAULTS)
        return explore_bad("--faults is at most 8", NULL);
    struct scenario sc;
    char error[SCENARIO_ERROR_MAX];
    if (scenario_load(file, NULL, 0, &sc, error, sizeof error) != 0) {
        fprintf(stderr, "%s\n", error);
        return EXIT_BAD_INPUT;
    }
    if (out && mkdir(out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "tcpsim explore: cannot create %s: %s\n", out, strerror(errno));
        scenario_free(&sc);
        return EXIT_BAD_INPUT;
    }
    struct explore_options o = {.faults = (unsigned)k,
                                .first = (unsigned)first,
                                .run = {.inv = {.clean = clean}, .event_limit = events},
                                .auto_clean = !clean,
                                .budget_s = (double)budget};
    struct found_list found = {0};
    struct explore_stats st;
    int err = explore_run(&sc, &o, on_found, &found, &st);
    if (err || found.oom) {
        fprintf(stderr, "tcpsim explore: %s\n",
                sc.host_count != 2 ? "needs two hosts" : "out of memory");
        scenario_free(&sc);
        free(found.v);
        return EXIT_FAILED;
    }
    if (found.count)
        qsort(found.v, found.count, sizeof *found.v, by_size);
    char *text = out ? read_text(file) : NULL;
    for (size_t i = 0; i < found.count; i++) {
        const struct found *f = &found.v[i];
        char rules[4096];
        explore_rules_yaml(&sc, f->faults, f->count, rules, sizeof rules);
        if (!quiet || i < 5) {
            printf("%zu fault%s:", f->count, f->count == 1 ? "" : "s");
            for (size_t j = 0; j < f->count; j++)
                printf(" drop %s's segment %u;", sc.hosts[f->faults[j].host].name,
                       f->faults[j].nth);
            for (size_t j = 0; j < f->run.count; j++)
                printf("%s %s: %s", j ? ";" : "", inv_kind_name(f->run.v[j].kind),
                       f->run.v[j].detail);
            printf("\n");
        }
        if (!text || i >= max_write)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%.*s-explore-%zu.yaml", out,
                 (int)(strlen(base_name(file)) - (strstr(base_name(file), ".y") ? 5 : 0)),
                 base_name(file), i + 1);
        FILE *w = fopen(path, "w");
        if (!w) {
            fprintf(stderr, "tcpsim explore: cannot write %s: %s\n", path, strerror(errno));
            continue;
        }
        fprintf(w, "# tcpsim explore %s --faults %llu --first %llu: %s: %s\n", file, k, first,
                inv_kind_name(f->run.v[0].kind), f->run.v[0].detail);
        fprintf(w, "# check it: tcpsim explore %s --faults 0%s\n", path,
                st.base_clean ? " --clean" : "");
        write_with_rules(w, text, rules);
        if (fclose(w) != 0)
            fprintf(stderr, "tcpsim explore: cannot write %s\n", path);
    }
    if (quiet && found.count > 5)
        printf("... and %zu more\n", found.count - 5);
    printf("explore %s: K=%llu N=%llu: %llu runs in %.2f s (%.0f runs/s), %llu broke an "
           "invariant%s%s\n",
           file, k, first, (unsigned long long)st.runs, st.seconds,
           st.seconds > 0 ? (double)st.runs / st.seconds : 0.0, (unsigned long long)st.violating,
           st.base_clean ? " (clean: every octet delivered)" : "",
           st.out_of_time ? " [budget ran out: search incomplete]" : "");
    free(text);
    free(found.v);
    scenario_free(&sc);
    if (fflush(stdout) != 0)
        return EXIT_BAD_INPUT;
    return found.count ? EXIT_FAILED : 0;
}
