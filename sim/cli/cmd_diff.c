/* tcpsim diff A B | FILE.yaml --vs KEY=VALUE: compares two timelines (JSONL
 * files or fresh runs of scenarios) and stops at the first event where they
 * differ, with a few events of common context and the two sides next to each
 * other in the text timeline's notation. Exit 0 same, 1 different, 2 bad
 * input. */
#include "cmd_diff.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/scenario.h"
#include "tcpsim/timeline.h"

#define DIFF_MAX_SETS 64
#define DIFF_MAX_IGNORE 32
#define LINE_MAX_LEN 1024

struct diff_args {
    const char *inputs[2];
    int input_count;
    const char *sets[DIFF_MAX_SETS + 1]; /* both sides */
    size_t set_count;
    const char *vs[DIFF_MAX_SETS + 1]; /* the right side only, after sets */
    size_t vs_count;
    char seed[64];
    const char *ignore[DIFF_MAX_IGNORE];
    const char *events; /* kinds compared; NULL = all */
    struct tl_diff_options opt;
    size_t context;
    size_t width;
};

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "tcpsim diff: %s%s%s\n", what, arg ? " " : "", arg ? arg : "");
    fputs("usage: tcpsim diff A.jsonl|A.yaml B.jsonl|B.yaml [options]\n"
          "       tcpsim diff FILE.yaml [--set KEY=VALUE]... --vs KEY=VALUE... [options]\n"
          "(tcpsim --help lists the options)\n",
          stderr);
    return 2;
}

static bool is_yaml(const char *path)
{
    size_t n = strlen(path);
    return (n >= 5 && strcmp(path + n - 5, ".yaml") == 0) ||
           (n >= 4 && strcmp(path + n - 4, ".yml") == 0);
}

static int parse_count(const char *text, size_t max, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || v > max)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_args(int argc, char **argv, struct diff_args *a)
{
    memset(a, 0, sizeof *a);
    a->context = 3;
    a->width = 200;
    a->opt.ignore_keys = a->ignore;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = !strcmp(arg, "--set") || !strcmp(arg, "--vs") || !strcmp(arg, "--seed") ||
                     !strcmp(arg, "--ignore") || !strcmp(arg, "--time-tolerance") ||
                     !strcmp(arg, "--context") || !strcmp(arg, "--width") ||
                     !strcmp(arg, "--events");
        if (takes && !val)
            return usage_error("a value is missing after", arg);
        if (takes)
            i++;
        if (!strcmp(arg, "--set") || !strcmp(arg, "--seed")) {
            if (a->set_count >= DIFF_MAX_SETS)
                return usage_error("too many --set options", NULL);
            if (!strcmp(arg, "--seed")) {
                snprintf(a->seed, sizeof a->seed, "seed=%s", val);
                val = a->seed;
            }
            a->sets[a->set_count++] = val;
        } else if (!strcmp(arg, "--vs")) {
            if (a->vs_count >= DIFF_MAX_SETS)
                return usage_error("too many --vs options", NULL);
            a->vs[a->vs_count++] = val;
        } else if (!strcmp(arg, "--ignore")) {
            if (a->opt.ignore_count >= DIFF_MAX_IGNORE)
                return usage_error("too many --ignore options", NULL);
            a->ignore[a->opt.ignore_count++] = val;
        } else if (!strcmp(arg, "--time-tolerance")) {
            if (scenario_parse_duration(val, &a->opt.time_tolerance) != 0 ||
                a->opt.time_tolerance < 0)
                return usage_error("--time-tolerance needs a duration (e.g. 1ms), not", val);
        } else if (!strcmp(arg, "--context")) {
            if (parse_count(val, 1000, &a->context) != 0)
                return usage_error("--context needs a count of events (0..1000), not", val);
        } else if (!strcmp(arg, "--width")) {
            if (parse_count(val, 10000, &a->width) != 0 || a->width < 40)
                return usage_error("--width needs a number of columns (40..10000), not", val);
        } else if (!strcmp(arg, "--events")) {
            if (timeline_kinds_valid(val) != 0)
                return usage_error("--events needs kinds from seg,state,timer,app,cc,note, not",
                                   val);
            a->events = val;
        } else if (!strcmp(arg, "--ignore-isn")) {
            a->opt.ignore_isn = true;
        } else if (!strcmp(arg, "--ignore-window")) {
            a->opt.ignore_window = true;
        } else if (arg[0] == '-' && arg[1]) {
            return usage_error("unknown option", arg);
        } else if (a->input_count < 2) {
            a->inputs[a->input_count++] = arg;
        } else {
            return usage_error("more than two timelines:", arg);
        }
    }
    if (a->input_count == 0)
        return usage_error("needs two timelines, or a scenario and --vs", NULL);
    if (a->input_count == 1 && (!a->vs_count || !is_yaml(a->inputs[0])))
        return usage_error("one input must be a scenario compared with itself under --vs", NULL);
    return 0;
}

/* Side `right` of the comparison: a JSONL file as it is, a scenario run with
 * --set (and --vs on the right). */
static int load_side(const struct diff_args *a, bool right, struct timeline *tl)
{
    const char *input = a->inputs[right && a->input_count == 2 ? 1 : 0];
    char error[SCENARIO_ERROR_MAX];
    int rc;
    if (is_yaml(input)) {
        const char *sets[2 * DIFF_MAX_SETS + 1];
        size_t n = 0;
        for (size_t i = 0; i < a->set_count; i++)
            sets[n++] = a->sets[i];
        for (size_t i = 0; right && i < a->vs_count; i++)
            sets[n++] = a->vs[i];
        rc = timeline_run(input, sets, n, tl, error, sizeof error);
    } else {
        FILE *f = fopen(input, "r");
        if (!f) {
            fprintf(stderr, "tcpsim diff: cannot read %s: %s\n", input, strerror(errno));
            return 2;
        }
        rc = timeline_read(f, input, tl, error, sizeof error);
        fclose(f);
    }
    if (rc != 0) {
        fprintf(stderr, "%s\n", error);
        return 2;
    }
    if (a->events)
        timeline_keep(tl, a->events);
    if (tl->cut)
        fprintf(stderr, "tcpsim diff: warning: the run of %s was cut by the event limit\n", input);
    return 0;
}

/* How a side is named in the output: the input, and what was set on it. */
static void side_label(const struct diff_args *a, bool right, char *out, size_t size)
{
    const char *input = a->inputs[right && a->input_count == 2 ? 1 : 0];
    size_t n = (size_t)snprintf(out, size, "%s", input);
    for (size_t i = 0; is_yaml(input) && i < a->set_count && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, " --set %s", a->sets[i]);
    for (size_t i = 0; is_yaml(input) && right && i < a->vs_count && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, " --vs %s", a->vs[i]);
}

/* The text of event `i` of `tl` (its relative numbers need every segment
 * before it: `rel` is advanced from `*done` up to i). Control characters a
 * JSONL file may carry are shown as '?'. */
static void event_text(const struct timeline *tl, struct tl_rel *rel, size_t *done, size_t i,
                       char *out, size_t size)
{
    uint32_t s, k;
    bool abs;
    for (; *done < i; (*done)++)
        tl_rel_seg(rel, &tl->events[*done], &s, &k, &abs);
    tl_format(&tl->events[i], rel, out, size);
    (*done)++;
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = '?';
}

/* Control characters a JSONL file may carry are shown as '?'. */
static void put_safe(const char *s)
{
    for (; *s; s++)
        putchar((unsigned char)*s < 0x20 || *s == 0x7F ? '?' : *s);
}

/* Two columns of `w` bytes each, the longer texts wrapped. */
static void side_by_side(char mark, const char *left, const char *right, size_t w)
{
    size_t nl = strlen(left), nr = strlen(right), off = 0;
    do {
        size_t l = nl > off ? nl - off : 0, r = nr > off ? nr - off : 0;
        l = l > w ? w : l;
        r = r > w ? w : r;
        printf("%c %-*.*s | %.*s\n", off ? ' ' : mark, (int)w, (int)l, left + (nl > off ? off : nl),
               (int)r, right + (nr > off ? off : nr));
        off += w;
    } while (off < nl || off < nr);
}

static void report(const struct diff_args *a, const struct timeline *ta, const struct timeline *tb,
                   const struct tl_diff_result *r)
{
    char la[LINE_MAX_LEN], lb[LINE_MAX_LEN];
    side_label(a, false, la, sizeof la);
    side_label(a, true, lb, sizeof lb);
    fputs("--- ", stdout);
    put_safe(la);
    fputs("\n+++ ", stdout);
    put_safe(lb);
    putchar('\n');
    if (r->same) {
        printf("same: %zu events\n", ta->count);
        return;
    }
    struct tl_rel *ra = tl_rel_new(), *rb = tl_rel_new();
    size_t da = 0, db = 0;
    size_t from = r->index > a->context ? r->index - a->context : 0;
    printf("first difference at event %zu", r->index + 1);
    for (int side = 0; side < 2; side++) {
        const struct timeline *tl = side ? tb : ta;
        if (r->index < tl->count && tl->events[r->index].line) {
            fputs(" (", stdout);
            put_safe(tl->name);
            printf(" line %zu)", tl->events[r->index].line);
        }
    }
    fputs(": ", stdout);
    put_safe(r->what);
    putchar('\n');
    if (from < r->index)
        printf("%zu events in common before it; the last %zu:\n", r->index, r->index - from);
    for (size_t i = from; i < r->index; i++) {
        event_text(ta, ra, &da, i, la, sizeof la);
        event_text(tb, rb, &db, i, lb, sizeof lb); /* keeps rb in step */
        printf("  %s\n", la);
    }
    size_t w = (a->width - 5) / 2;
    for (size_t k = 0; k <= a->context; k++) {
        size_t i = r->index + k;
        if (i >= ta->count && i >= tb->count)
            break;
        if (i < ta->count)
            event_text(ta, ra, &da, i, la, sizeof la);
        else
            snprintf(la, sizeof la, "%s", k ? "" : "(end of timeline)");
        if (i < tb->count)
            event_text(tb, rb, &db, i, lb, sizeof lb);
        else
            snprintf(lb, sizeof lb, "%s", k ? "" : "(end of timeline)");
        side_by_side(k ? ' ' : '!', la, lb, w);
    }
    tl_rel_free(ra);
    tl_rel_free(rb);
}

int cmd_diff_main(int argc, char **argv)
{
    struct diff_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc;
    struct timeline ta, tb;
    if ((rc = load_side(&a, false, &ta)) != 0)
        return rc;
    if ((rc = load_side(&a, true, &tb)) != 0) {
        timeline_free(&ta);
        return rc;
    }
    struct tl_diff_result r;
    if (timeline_diff(&ta, &tb, &a.opt, &r) != 0) {
        fprintf(stderr, "tcpsim diff: out of memory\n");
        rc = 2;
    } else {
        report(&a, &ta, &tb, &r);
        rc = r.same ? 0 : 1;
    }
    timeline_free(&ta);
    timeline_free(&tb);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "tcpsim: error writing standard output\n");
        return 2;
    }
    return rc;
}
