/* The tcpsim command line: run, check, validate, plot. The only file that
 * prints, reads the environment or exits. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "build_info.h"
#include "cmd_coverage.h"
#include "cmd_diff.h"
#include "cmd_sweep.h"
#include "out_file.h"
#include "plot_cli.h"
#include "soak_cli.h"
#include "tcpsim/check_report.h"
#include "tcpsim/errors.h"
#include "tcpsim/pkt.h"
#include "tcpsim/runner.h"
#include "tcpsim/scenario.h"
#include "tcpsim/trace_sinks.h"
#include "views_cli.h"

#define EXIT_FAILED 1
#define EXIT_BAD_INPUT 2
#define MAX_SETS 64

/* --set KEY=VALUE and --seed N, in command-line order (a later one wins). */
struct overrides {
    const char *sets[MAX_SETS + 1];
    size_t count;
    char seed_set[64];   /* "seed=N" from --seed, kept here so sets[] may point at it */
    uint64_t max_events; /* --max-events: 0 = RUNNER_EVENT_LIMIT */
    double max_wall;     /* --max-wall SECONDS of wall-clock time per run: 0 = none */
};

/* --max-events N / --max-wall SECONDS (run and check: CI tightens them for
 * folders it did not write): 0 or the exit code of a usage error. */
static int bad_usage(const char *fmt, const char *arg);
static int add_limit(struct overrides *o, const char *opt, const char *val)
{
    char *end;
    errno = 0;
    if (strcmp(opt, "--max-events") == 0) {
        unsigned long long n = strtoull(val, &end, 10);
        if (errno || end == val || *end || val[0] == '-' || n == 0)
            return bad_usage("--max-events takes a positive whole number, not '%s'", val);
        o->max_events = n;
    } else {
        double w = strtod(val, &end);
        if (errno || end == val || *end || !(w > 0) || w > 1e9)
            return bad_usage("--max-wall takes a positive number of seconds, not '%s'", val);
        o->max_wall = w;
    }
    return 0;
}

/* The wall-clock deadline of one run (--max-wall): the runner asks between
 * slices of events; the clock is read here, never in the simulator. */
struct wall_deadline {
    struct timespec start;
    double seconds;
};

static bool wall_keep_going(void *ctx)
{
    const struct wall_deadline *d = ctx;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double used =
        (double)(now.tv_sec - d->start.tv_sec) + (double)(now.tv_nsec - d->start.tv_nsec) / 1e9;
    return used < d->seconds;
}

static void apply_limits(struct runner *runner, const struct overrides *o, struct wall_deadline *d)
{
    if (o->max_events)
        runner_set_event_limit(runner, o->max_events);
    if (o->max_wall > 0) {
        clock_gettime(CLOCK_MONOTONIC, &d->start);
        d->seconds = o->max_wall;
        runner_set_keep_going(runner, wall_keep_going, d);
    }
}

struct run_args {
    const char *file;
    const char *format;
    const char *out_dir;
    const char *pcap;
    const char *pcap_at;
    struct overrides over;
    struct trace_text_options text;
    struct views_cli views;
};

static void print_usage(FILE *out);

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "tcpsim: ");
    fprintf(stderr, fmt, arg);
    putc('\n', stderr);
    print_usage(stderr);
    return EXIT_BAD_INPUT;
}

/* Records --set VALUE or --seed VALUE: 0 or the exit code of a usage error. */
static int add_override(struct overrides *o, const char *opt, const char *val)
{
    if (o->count >= MAX_SETS)
        return bad_usage("too many --set/--seed options%s", "");
    if (strcmp(opt, "--seed") == 0) {
        snprintf(o->seed_set, sizeof o->seed_set, "seed=%s", val);
        o->sets[o->count++] = o->seed_set;
    } else {
        o->sets[o->count++] = val;
    }
    return 0;
}

/* Takes --set/--seed at argv[*i] (and its value): 1 when it did, 0 when the
 * argument is something else, or the exit code of a usage error. */
static int parse_override(int argc, char **argv, int *i, struct overrides *o, int *rc)
{
    const char *arg = argv[*i];
    bool limit = strcmp(arg, "--max-events") == 0 || strcmp(arg, "--max-wall") == 0;
    if (strcmp(arg, "--seed") != 0 && strcmp(arg, "--set") != 0 && !limit)
        return 0;
    if (*i + 1 >= argc) {
        *rc = bad_usage("%s needs a value", arg);
        return 1;
    }
    *rc = limit ? add_limit(o, arg, argv[*i + 1]) : add_override(o, arg, argv[*i + 1]);
    ++*i;
    return 1;
}

/* ------------------------------------------------------- run's options */

/* One option of `run`, one row each: its spelling, whether it takes a value,
 * what it does (one handler signature: 0 or an exit code), and its piece of
 * the usage text (`break_before` starts a new usage line). getopt_long's
 * table and the usage synopsis are both made from these rows. */
struct run_option {
    const char *name; /* "--format" */
    char short_name;  /* 'S', or 0 */
    bool has_arg;
    int (*apply)(struct run_args *a, const char *name, const char *val);
    const char *synopsis; /* "[--format text|jsonl|csv]"; NULL: not shown */
    bool break_before;
};

static int opt_format(struct run_args *a, const char *name, const char *val)
{
    (void)name;
    a->format = val;
    return 0;
}
static int opt_out(struct run_args *a, const char *name, const char *val)
{
    (void)name;
    a->out_dir = val;
    return 0;
}
static int opt_pcap(struct run_args *a, const char *name, const char *val)
{
    (void)name;
    a->pcap = val;
    return 0;
}
static int opt_pcap_at(struct run_args *a, const char *name, const char *val)
{
    (void)name;
    a->pcap_at = val;
    return 0;
}
static int opt_override(struct run_args *a, const char *name, const char *val)
{
    return add_override(&a->over, name, val);
}
static int opt_limit(struct run_args *a, const char *name, const char *val)
{
    return add_limit(&a->over, name, val);
}
static int opt_absolute(struct run_args *a, const char *name, const char *val)
{
    (void)name;
    (void)val;
    a->text.absolute_seq = true;
    return 0;
}
static int opt_quiet(struct run_args *a, const char *name, const char *val)
{
    (void)name;
    (void)val;
    a->text.quiet = true;
    return 0;
}
static int opt_explain(struct run_args *a, const char *name, const char *val)
{
    (void)name;
    (void)val;
    a->text.explain = true;
    return 0;
}
/* The netstat/ss views (views_cli.c says what was wrong). */
static int opt_view(struct run_args *a, const char *name, const char *val)
{
    if (views_cli_option(&a->views, name, val) >= 0)
        return 0;
    print_usage(stderr);
    return EXIT_BAD_INPUT;
}

static const struct run_option run_options[] = {
    {"--format", 0, true, opt_format, "[--format text|jsonl|csv]", false},
    {"--out", 0, true, opt_out, "[--out DIR]", false},
    {"--pcap", 0, true, opt_pcap, "[--pcap FILE]", false},
    {"--pcap-at", 0, true, opt_pcap_at, "[--pcap-at HOST|wire]", true},
    {"--seed", 0, true, opt_override, "[--seed N]", false},
    {"--set", 0, true, opt_override, "[--set KEY=VALUE]...", false},
    {"--max-events", 0, true, opt_limit, "[--max-events N]", true},
    {"--max-wall", 0, true, opt_limit, "[--max-wall SECONDS]", false},
    {"--absolute", 'S', false, opt_absolute, "[-S|--absolute]", true},
    {"--quiet", 'q', false, opt_quiet, "[--quiet]", false},
    {"--explain", 0, false, opt_explain, "[--explain]", false},
    {"--netstat", 0, true, opt_view, "[--netstat T]...", true},
    {"--ss", 0, true, opt_view, "[--ss T]...", false},
    {"--netstat-every", 0, true, opt_view, "[--netstat-every DUR]", false},
    {"--ss-every", 0, true, opt_view, "[--ss-every DUR]", false},
    {"--netstat-summary", 0, false, opt_view, "[--netstat-summary]", true},
    {"--netstat-rows", 0, true, opt_view, "[--netstat-rows N]", false},
    {"--views", 0, true, opt_view, "[--views FILE]", false},
};
#define RUN_OPTION_COUNT (sizeof run_options / sizeof run_options[0])

/* "  tcpsim run FILE.yaml [--format ...] ..." from the rows. */
static void print_run_synopsis(FILE *out)
{
    fputs("  tcpsim run FILE.yaml", out);
    for (size_t i = 0; i < RUN_OPTION_COUNT; i++) {
        if (!run_options[i].synopsis)
            continue;
        fputs(run_options[i].break_before ? "\n             " : " ", out);
        fputs(run_options[i].synopsis, out);
    }
    putc('\n', out);
}

static const struct run_option *run_option_by_short(int c)
{
    for (size_t i = 0; i < RUN_OPTION_COUNT; i++)
        if (run_options[i].short_name && run_options[i].short_name == c)
            return &run_options[i];
    return NULL;
}

static int parse_run_args(int argc, char **argv, struct run_args *a)
{
    memset(a, 0, sizeof *a);
    a->format = "text";
    views_cli_init(&a->views);
    struct option longopts[RUN_OPTION_COUNT + 1];
    char shortopts[2 * RUN_OPTION_COUNT + 2] = ":"; /* ':' reports a missing value */
    size_t ns = 1;
    for (size_t i = 0; i < RUN_OPTION_COUNT; i++) {
        const struct run_option *o = &run_options[i];
        longopts[i] =
            (struct option){o->name + 2, o->has_arg ? required_argument : no_argument, NULL, 0};
        if (o->short_name) {
            shortopts[ns++] = o->short_name;
            if (o->has_arg)
                shortopts[ns++] = ':';
        }
    }
    longopts[RUN_OPTION_COUNT] = (struct option){0};
    shortopts[ns] = '\0';
    /* argv[-1] is the command name: getopt skips its argv[0]. */
    int gargc = argc + 1;
    char **gargv = argv - 1;
    opterr = 0;
    optind = 0; /* GNU: start over (tests may parse several command lines) */
    int c, index;
    while ((c = getopt_long(gargc, gargv, shortopts, longopts, &index)) != -1) {
        const struct run_option *o;
        if (c == ':') { /* the views word it their own way (views_cli.c) */
            for (size_t i = 0; i < RUN_OPTION_COUNT; i++)
                if (run_options[i].apply == opt_view &&
                    strcmp(run_options[i].name, gargv[optind - 1]) == 0)
                    return opt_view(a, run_options[i].name, NULL);
            return bad_usage("%s needs a value", gargv[optind - 1]);
        }
        if (c == '?')
            return bad_usage("unknown option '%s'", gargv[optind - 1]);
        o = c == 0 ? &run_options[index] : run_option_by_short(c);
        int rc = o ? o->apply(a, o->name, optarg) : EXIT_BAD_INPUT;
        if (rc)
            return rc;
    }
    for (int i = optind; i < gargc; i++) {
        if (a->file)
            return bad_usage("unexpected argument '%s'", gargv[i]);
        a->file = gargv[i];
    }
    if (!a->file)
        return bad_usage("missing scenario file%s", "");
    if (strcmp(a->format, "text") && strcmp(a->format, "jsonl") && strcmp(a->format, "csv"))
        return bad_usage("--format must be text, jsonl or csv, not '%s'", a->format);
    return 0;
}

static int load(const char *file, const struct overrides *o, struct scenario *sc)
{
    char error[SCENARIO_ERROR_MAX];
    if (scenario_load(file, o->sets, o->count, sc, error, sizeof error) != 0) {
        out_message(stderr, error);
        return EXIT_BAD_INPUT;
    }
    return 0;
}

/* The sinks of one run, owned here so they can be freed in one place. */
struct sinks {
    struct trace_text *text;
    struct trace_jsonl *jsonl;
    struct trace_csv *csv;
    struct trace_pcap *pcap;
    FILE *files[4];
    char paths[4][4096];
    int file_count;
};

/* DIR/STEM EXT (the stem already made safe: out_file.h), or the path the
 * user gave (dir NULL: --pcap FILE). */
static FILE *open_out(struct sinks *s, const char *dir, const char *stem, const char *ext)
{
    char path[4096];
    bool binary = ext && strcmp(ext, ".pcap") == 0;
    FILE *f;
    if (dir) {
        f = out_open(dir, stem, ext, binary, path, sizeof path);
    } else {
        snprintf(path, sizeof path, "%s", stem);
        f = fopen(path, binary ? "wb" : "w");
    }
    if (!f) {
        fprintf(stderr, "tcpsim: cannot write %s: %s\n", path, strerror(errno));
        return NULL;
    }
    snprintf(s->paths[s->file_count], sizeof s->paths[0], "%s", path);
    s->files[s->file_count++] = f;
    return f;
}

/* The stem of the --out files: the scenario's name, made a safe file name
 * (it is untrusted text); says so when it had to change it. */
static void out_stem(const char *name, char *stem, size_t size)
{
    if (!out_safe_name(name, stem, size))
        return;
    fputs("tcpsim: note: the scenario name '", stderr);
    out_quote(stderr, name ? name : "");
    fprintf(stderr, "' is not a safe file name; the files are named %s.*\n", stem);
}

/* Closes `f` (flushes stdout); a write that failed on the way (disk full,
 * /dev/full) must not pass silently: EXIT_BAD_INPUT and the reason. */
static int close_out(FILE *f, const char *path)
{
    int failed = ferror(f);
    int err = 0;
    if ((f == stdout ? fflush(f) : fclose(f)) != 0) {
        failed = 1;
        err = errno;
    }
    if (!failed)
        return 0;
    fprintf(stderr, "tcpsim: error writing %s%s%s\n", path, err ? ": " : "",
            err ? strerror(err) : "");
    if (f == stdout)
        clearerr(stdout); /* reported once; main's final check finds it clean */
    return EXIT_BAD_INPUT;
}

static int sinks_free(struct sinks *s)
{
    trace_text_free(s->text);
    trace_jsonl_free(s->jsonl);
    trace_csv_free(s->csv);
    trace_pcap_free(s->pcap);
    int rc = 0;
    for (int i = 0; i < s->file_count; i++)
        if (close_out(s->files[i], s->paths[i]))
            rc = EXIT_BAD_INPUT;
    if (close_out(stdout, "standard output"))
        rc = EXIT_BAD_INPUT;
    return rc;
}

static int add_sinks(struct sinks *s, struct tracer *tracer, const struct run_args *a,
                     const char *scenario_name)
{
    FILE *f;
    char name[OUT_NAME_MAX + 1];
    if (a->out_dir)
        out_stem(scenario_name, name, sizeof name);
    if (a->out_dir) {
        if (mkdir(a->out_dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "tcpsim: cannot create %s: %s\n", a->out_dir, strerror(errno));
            return EXIT_BAD_INPUT;
        }
        if (!(f = open_out(s, a->out_dir, name, ".txt")))
            return EXIT_BAD_INPUT;
        s->text = trace_text_new(f, &a->text);
        tracer_add(tracer, trace_text_sink(s->text));
        if (!(f = open_out(s, a->out_dir, name, ".jsonl")))
            return EXIT_BAD_INPUT;
        s->jsonl = trace_jsonl_new(f);
        tracer_add(tracer, trace_jsonl_sink(s->jsonl));
        if (!(f = open_out(s, a->out_dir, name, ".csv")))
            return EXIT_BAD_INPUT;
        s->csv = trace_csv_new(f);
        tracer_add(tracer, trace_csv_sink(s->csv));
    } else if (strcmp(a->format, "jsonl") == 0) {
        s->jsonl = trace_jsonl_new(stdout);
        tracer_add(tracer, trace_jsonl_sink(s->jsonl));
    } else if (strcmp(a->format, "csv") == 0) {
        s->csv = trace_csv_new(stdout);
        tracer_add(tracer, trace_csv_sink(s->csv));
    } else {
        s->text = trace_text_new(stdout, &a->text);
        tracer_add(tracer, trace_text_sink(s->text));
    }
    if (a->pcap || a->out_dir) {
        f = a->pcap ? open_out(s, NULL, a->pcap, ".pcap") : open_out(s, a->out_dir, name, ".pcap");
        if (!f)
            return EXIT_BAD_INPUT;
        const char *at = a->pcap_at && strcmp(a->pcap_at, "wire") != 0 ? a->pcap_at : NULL;
        s->pcap = trace_pcap_new(f, at);
        tracer_add(tracer, trace_pcap_sink(s->pcap));
    }
    return 0;
}

/* Says why a run ended early, if it did; returns 1 when the run is unusable
 * (cut by the event limit), 0 otherwise (the time cap is only a warning). */
static int report_cut(struct runner *runner, const struct scenario *sc, FILE *out)
{
    sim_time_t end = runner_end_time(runner);
    switch (runner_cut(runner)) {
    case RUNNER_CUT_NONE: break;
    case RUNNER_CUT_TIME_CAP:
        fprintf(out,
                "%s: warning: no 'stop:' and events still pending after " RUNNER_TIME_CAP_TEXT
                " of virtual time; the run ends there (give 'stop:' to choose)\n",
                sc->file);
        break;
    case RUNNER_CUT_EVENT_LIMIT:
        fprintf(out,
                "%s: run cut at %lld.%06llds of virtual time by the event limit; give a "
                "shorter 'stop:', fewer connections or longer intervals\n",
                sc->file, (long long)(end / SIM_S(1)), (long long)(end % SIM_S(1) / SIM_US(1)));
        return 1;
    case RUNNER_CUT_WALL_LIMIT:
        fprintf(out, "%s: run cut at %lld.%06llds of virtual time by --max-wall\n", sc->file,
                (long long)(end / SIM_S(1)), (long long)(end % SIM_S(1) / SIM_US(1)));
        return 1;
    }
    return 0;
}

/* Prints failed expectations as file:line:col lines; returns how many failed. */
static size_t report_expectations(struct runner *runner, const struct scenario *sc, FILE *out,
                                  bool verbose, struct check_case *record)
{
    struct expect_result *results =
        calloc(sc->expect_count ? sc->expect_count : 1, sizeof *results);
    if (!results)
        return 1;
    size_t failed = runner_check(runner, results);
    for (size_t i = 0; i < sc->expect_count; i++) {
        const struct expectation *e = results[i].expect;
        if (!results[i].pass) {
            fprintf(out, "%s:%d:%d: expectation failed: %s\n    %s\n", sc->file, e->pos.line,
                    e->pos.col, e->text, results[i].detail);
            if (record)
                check_case_add_failure(record, e->pos.line, e->pos.col, e->text, results[i].detail);
        } else if (verbose)
            fprintf(out, "  ok   %s\n", e->text);
    }
    uint64_t bad = runner_stream_errors(runner);
    if (bad) {
        fprintf(out, "%s: %llu octets were delivered out of stream order\n", sc->file,
                (unsigned long long)bad);
        if (record)
            check_case_add_failure(record, 0, 0, "every octet delivered in stream order",
                                   "octets were delivered out of stream order");
        failed++;
    }
    free(results);
    return failed;
}

static bool has_suffix(const char *s, const char *suffix);

/* packetdrill's own command-line options, accepted for a .pkt:
 * --tolerance_usecs=N is used, the addresses and the IP version are
 * packetdrill's defaults already, the rest are reported and ignored.
 * Removes them from argv; returns the new argc or -1 on a bad value. */
static int take_pkt_options(int argc, char **argv, struct pkt_config *cfg)
{
    int n = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--tolerance_usecs=", 18) == 0) {
            char *end;
            long long v = strtoll(a + 18, &end, 10);
            if (*end || v < 0 || end == a + 18) {
                fprintf(stderr, "tcpsim: --tolerance_usecs needs a number of microseconds\n");
                return -1;
            }
            cfg->tolerance_us = v;
        } else if (strncmp(a, "--", 2) == 0 && strchr(a, '=') && strncmp(a, "--set", 5) != 0 &&
                   strncmp(a, "--seed", 6) != 0) {
            const char *known[] = {
                "--ip_version=",        "--local_ip=", "--remote_ip=", "--gateway_ip=",
                "--netmask_ip=",        "--mtu=",      "--bind_port=", "--connect_port=",
                "--tolerance_percent=", "--speed=",    "--non_fatal="};
            bool ok = false;
            for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
                ok = ok || strncmp(a, known[k], strlen(known[k])) == 0;
            if (!ok)
                fprintf(stderr, "tcpsim: note: packetdrill option %s ignored\n", a);
        } else if (strcmp(a, "-D") == 0 && i + 1 < argc) {
            i++; /* -D NAME=VALUE: script symbols, unused */
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0 ||
                   strcmp(a, "--debug") == 0) {
            /* the timeline is already printed */
        } else if (strcmp(a, "--strict_segments") == 0) {
            cfg->strict_segments = true;
        } else if (strcmp(a, "--dry_run") == 0) {
            cfg->dry_run = true;
        } else {
            argv[n++] = argv[i];
        }
    }
    return n;
}

static int cmd_run_pkt(const struct run_args *a, const struct pkt_config *cfg)
{
    struct pkt_script *script;
    char err[512];
    if (pkt_load(a->file, &script, err, sizeof err) != PKT_PASS) {
        fprintf(stderr, "%s\n", err);
        return EXIT_BAD_INPUT;
    }
    if (cfg->dry_run) {
        pkt_script_free(script);
        return 0;
    }
    struct pkt_run *run;
    int made = pkt_run_create(script, cfg, &run);
    if (made != TS_OK) {
        fprintf(stderr, "tcpsim: %s\n",
                made == TS_EINVAL ? "unknown profile (linux or rfc9293)" : "out of memory");
        pkt_script_free(script);
        return made == TS_EINVAL ? EXIT_BAD_INPUT : EXIT_FAILED;
    }
    const char *base = strrchr(a->file, '/') ? strrchr(a->file, '/') + 1 : a->file;
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(strlen(base) > 4 ? strlen(base) - 4 : strlen(base)),
             base);
    struct sinks sinks = {0};
    int rc = add_sinks(&sinks, &pkt_run_net(run)->tracer, a, name);
    if (!rc) {
        char report[8192];
        rc = pkt_run_exec(run, report, sizeof report);
        fflush(stdout);
        fputs(report, stderr);
    }
    pkt_run_free(run);
    int wrc = sinks_free(&sinks);
    pkt_script_free(script);
    return rc ? rc : wrc;
}

static int cmd_run(int argc, char **argv)
{
    struct run_args a;
    struct pkt_config pcfg = {.tolerance_us = -1};
    bool pkt = false;
    for (int i = 0; i < argc; i++)
        pkt = pkt || has_suffix(argv[i], ".pkt");
    if (pkt && (argc = take_pkt_options(argc, argv, &pcfg)) < 0)
        return EXIT_BAD_INPUT;
    int rc = parse_run_args(argc, argv, &a);
    if (rc)
        return rc;
    if (pkt_file_is_script(a.file)) {
        for (size_t i = 0; i < a.over.count; i++) {
            if (strncmp(a.over.sets[i], "seed=", 5) == 0)
                pcfg.seed = strtoull(a.over.sets[i] + 5, NULL, 10);
            else if (strncmp(a.over.sets[i], "profile=", 8) == 0)
                pcfg.profile = a.over.sets[i] + 8;
        }
        return cmd_run_pkt(&a, &pcfg);
    }
    struct scenario sc;
    if ((rc = load(a.file, &a.over, &sc)))
        return rc;
    if (a.pcap_at && strcmp(a.pcap_at, "wire") != 0 && scenario_host_index(&sc, a.pcap_at) < 0) {
        /* Otherwise the capture would be silently empty. */
        fprintf(stderr, "tcpsim: --pcap-at '%s': no such host in %s (give a host name or wire)\n",
                a.pcap_at, a.file);
        scenario_free(&sc);
        return EXIT_BAD_INPUT;
    }
    struct runner *runner;
    if (runner_create(&sc, &runner) != TS_OK) {
        fprintf(stderr, "tcpsim: out of memory\n");
        scenario_free(&sc);
        return EXIT_FAILED;
    }
    struct sinks sinks = {0};
    rc = add_sinks(&sinks, &runner_net(runner)->tracer, &a, sc.name);
    bool stdout_busy = !a.out_dir && strcmp(a.format, "text") != 0;
    if (!rc && views_cli_start(&a.views, runner_net(runner), stdout_busy) != 0)
        rc = EXIT_BAD_INPUT;
    struct wall_deadline deadline;
    apply_limits(runner, &a.over, &deadline);
    if (!rc) {
        runner_run(runner);
        if (report_cut(runner, &sc, stderr))
            rc = EXIT_FAILED;
        size_t failed = report_expectations(runner, &sc, stderr, false, NULL);
        if (failed)
            fprintf(stderr, "%s: %zu of %zu expectations failed\n", sc.file, failed,
                    sc.expect_count);
    }
    if (views_cli_finish(&a.views) && !rc)
        rc = EXIT_BAD_INPUT;
    runner_free(runner);
    int wrc = sinks_free(&sinks);
    scenario_free(&sc);
    return rc ? rc : wrc;
}

struct check_totals {
    int scenarios, failed, bad;
    FILE *out;                  /* the PASS/FAIL lines: stdout, or stderr under --tap */
    struct check_report report; /* for --junit and --tap */
};

static bool has_suffix(const char *s, const char *suffix)
{
    if (!s)
        return false;
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void check_pkt(const char *file, struct check_totals *t)
{
    struct pkt_script *script;
    char err[512];
    t->scenarios++;
    if (pkt_load(file, &script, err, sizeof err) != PKT_PASS) {
        fprintf(t->out, "%s\nBAD  %s\n", err, file);
        check_report_add(&t->report, file, NULL, NULL, CHECK_BAD_INPUT, 0, err);
        t->bad++;
        return;
    }
    struct pkt_config cfg = {.tolerance_us = -1};
    struct pkt_run *run;
    if (pkt_run_create(script, &cfg, &run) != TS_OK) {
        fprintf(stderr, "tcpsim: out of memory\n");
        check_report_add(&t->report, file, NULL, NULL, CHECK_CUT, 0, "out of memory");
        t->failed++;
        pkt_script_free(script);
        return;
    }
    char report[8192];
    int rc = pkt_run_exec(run, report, sizeof report);
    size_t events = pkt_script_events(script);
    if (rc == PKT_PASS) {
        fprintf(t->out, "PASS %s (%zu script events)\n", file, events);
        check_report_add(&t->report, file, NULL, NULL, CHECK_PASS, events, NULL);
    } else {
        fputs(report, t->out);
        fprintf(t->out, "FAIL %s\n", file);
        /* The script's mismatch report names its line and expected vs actual. */
        struct check_case *c =
            check_report_add(&t->report, file, NULL, NULL, CHECK_FAIL, events, NULL);
        int line = 0; /* the report starts "file:line: ..." */
        size_t n = strlen(file);
        if (strncmp(report, file, n) == 0 && report[n] == ':')
            line = atoi(report + n + 1);
        if (c)
            check_case_add_failure(c, line, 0, "the script plays as written", report);
        t->failed++;
    }
    pkt_run_free(run);
    pkt_script_free(script);
}

static void check_file(const char *file, const struct overrides *o, struct check_totals *t)
{
    struct scenario sc;
    char error[SCENARIO_ERROR_MAX];
    if (pkt_file_is_script(file)) {
        check_pkt(file, t);
        return;
    }
    t->scenarios++;
    if (scenario_load(file, o->sets, o->count, &sc, error, sizeof error) != 0) {
        out_message(stderr, error);
        check_report_add(&t->report, file, NULL, NULL, CHECK_BAD_INPUT, 0, error);
        t->bad++;
        return;
    }
    struct runner *runner;
    if (runner_create(&sc, &runner) != TS_OK) {
        fprintf(stderr, "tcpsim: out of memory\n");
        check_report_add(&t->report, file, sc.name, sc.description, CHECK_CUT, sc.expect_count,
                         "out of memory");
        t->failed++;
        scenario_free(&sc);
        return;
    }
    struct wall_deadline deadline;
    apply_limits(runner, o, &deadline);
    runner_run(runner);
    size_t cut = report_cut(runner, &sc, t->out);
    struct check_case *record =
        check_report_add(&t->report, file, sc.name, sc.description, CHECK_PASS, sc.expect_count,
                         cut ? "the run was cut by the event limit before its stop time" : NULL);
    size_t failed = report_expectations(runner, &sc, t->out, false, record);
    if (cut) {
        fprintf(t->out, "FAIL %s (the run was cut; %zu of %zu expectations failed)\n", file, failed,
                sc.expect_count);
        t->failed++;
    } else if (failed) {
        fprintf(t->out, "FAIL %s (%zu of %zu expectations failed)\n", file, failed,
                sc.expect_count);
        t->failed++;
    } else {
        fprintf(t->out, "PASS %s (%zu expectations)\n", file, sc.expect_count);
    }
    if (record)
        record->status = cut ? CHECK_CUT : failed ? CHECK_FAIL : CHECK_PASS;
    runner_free(runner);
    scenario_free(&sc);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.yaml in `dir`, in name order, so output is stable. */
static void check_dir(const char *dir, const struct overrides *o, struct check_totals *t)
{
    DIR *d = opendir(dir);
    if (!d) {
        char why[512];
        snprintf(why, sizeof why, "tcpsim: cannot open %s: %s", dir, strerror(errno));
        fprintf(stderr, "%s\n", why);
        check_report_add(&t->report, dir, NULL, NULL, CHECK_BAD_INPUT, 0, why);
        t->bad++;
        return;
    }
    char **names = NULL;
    size_t count = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        bool sub = false;
        if (de->d_name[0] != '.') { /* folders such as scenarios/pkt/ are checked too */
            char path[4096];
            struct stat st;
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            sub = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
        }
        if (!sub && !has_suffix(de->d_name, ".yaml") && !has_suffix(de->d_name, ".yml") &&
            !has_suffix(de->d_name, ".pkt"))
            continue;
        char **grown = realloc(names, (count + 1) * sizeof *names);
        if (!grown)
            break;
        names = grown;
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        names[count] = malloc(len);
        if (!names[count])
            break;
        bool slash = dir[0] && dir[strlen(dir) - 1] == '/';
        snprintf(names[count++], len, "%s%s%s", dir, slash ? "" : "/", de->d_name);
    }
    closedir(d);
    qsort(names, count, sizeof *names, compare_names);
    for (size_t i = 0; i < count; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode))
            check_dir(names[i], o, t);
        else
            check_file(names[i], o, t);
        free(names[i]);
    }
    free(names);
}

/* Splits check/validate arguments into --set/--seed overrides (applied to
 * every file) and the files, moved to the front of argv; returns how many
 * files, or -(exit code) on a usage error. */
static int split_files(int argc, char **argv, struct overrides *o)
{
    int files = 0;
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        int rc = 0;
        if (parse_override(argc, argv, &i, o, &rc)) {
            if (rc)
                return -rc;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return -bad_usage("unknown option '%s'", argv[i]);
        } else {
            argv[files++] = argv[i];
        }
    }
    return files;
}

/* Takes check's own options out of argv (--junit FILE, --tap) and returns
 * the new argc, or -(exit code) on a usage error. */
static int take_report_options(int argc, char **argv, const char **junit, bool *tap)
{
    int kept = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--junit") == 0) {
            if (i + 1 >= argc)
                return -bad_usage("%s needs a file name", argv[i]);
            *junit = argv[++i];
        } else if (strcmp(argv[i], "--tap") == 0) {
            *tap = true;
        } else {
            argv[kept++] = argv[i];
        }
    }
    return kept;
}

static int write_junit(const char *path, const struct check_report *report)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "tcpsim: cannot write %s: %s\n", path, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    check_report_junit(f, report, "tcpsim check");
    return close_out(f, path);
}

static int cmd_check(int argc, char **argv)
{
    const char *junit = NULL;
    bool tap = false;
    argc = take_report_options(argc, argv, &junit, &tap);
    if (argc < 0)
        return -argc;
    struct overrides o;
    int files = split_files(argc, argv, &o);
    if (files < 0)
        return -files;
    if (files == 0)
        return bad_usage("check needs scenario files or folders%s", "");
    struct check_totals t = {0};
    t.out = tap ? stderr : stdout;
    for (int i = 0; i < files; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            check_dir(argv[i], &o, &t);
        else
            check_file(argv[i], &o, &t);
    }
    fprintf(t.out, "check: %d scenarios, %d passed, %d failed, %d bad input\n", t.scenarios,
            t.scenarios - t.failed - t.bad, t.failed, t.bad);
    int rc = 0;
    if (t.report.count < (size_t)t.scenarios && (junit || tap)) {
        fprintf(stderr, "tcpsim: out of memory for the report\n");
        rc = EXIT_FAILED;
    }
    if (tap)
        check_report_tap(stdout, &t.report);
    if (junit && write_junit(junit, &t.report))
        rc = EXIT_BAD_INPUT;
    check_report_free(&t.report);
    if (t.bad || close_out(stdout, "standard output") || rc == EXIT_BAD_INPUT)
        return EXIT_BAD_INPUT;
    return t.failed || rc ? EXIT_FAILED : 0;
}

static int cmd_validate(int argc, char **argv)
{
    struct overrides o;
    int files = split_files(argc, argv, &o);
    if (files < 0)
        return -files;
    if (files != 1)
        return bad_usage("validate takes one scenario file%s", "");
    if (pkt_file_is_script(argv[0])) {
        struct pkt_script *script;
        char err[512];
        if (pkt_load(argv[0], &script, err, sizeof err) != PKT_PASS) {
            fprintf(stderr, "%s\n", err);
            return EXIT_BAD_INPUT;
        }
        printf("%s: ok (%zu script events)\n", argv[0], pkt_script_events(script));
        pkt_script_free(script);
        return 0;
    }
    struct scenario sc;
    int rc = load(argv[0], &o, &sc);
    if (rc)
        return rc;
    printf("%s: ok (%zu steps, %zu expectations)\n", argv[0], sc.step_count, sc.expect_count);
    scenario_free(&sc);
    return 0;
}

/* ------------------------------------------------------- the commands */

static int run_main(const char *argv0, int argc, char **argv)
{
    (void)argv0;
    return cmd_run(argc, argv);
}
static int check_main(const char *argv0, int argc, char **argv)
{
    (void)argv0;
    return cmd_check(argc, argv);
}
static int validate_main(const char *argv0, int argc, char **argv)
{
    (void)argv0;
    return cmd_validate(argc, argv);
}
static int diff_main(const char *argv0, int argc, char **argv)
{
    (void)argv0;
    return cmd_diff_main(argc, argv);
}
static int coverage_main(const char *argv0, int argc, char **argv)
{
    (void)argv0;
    return cmd_coverage_main(argc, argv);
}
static int soak_main(const char *argv0, int argc, char **argv)
{
    (void)argv0;
    return soak_cli_main(argc, argv);
}
static int explore_main(const char *argv0, int argc, char **argv)
{
    (void)argv0;
    return explore_cli_main(argc, argv);
}

/* Every subcommand, one row each (packetdrill's system_call_table): its
 * name, its handler (one signature), and its lines of the usage text after
 * "  tcpsim " (NULL: made from run_options). A name may have several rows
 * (run: .yaml and .pkt); the first one's handler runs. A new subcommand is
 * one row here. */
static const struct command {
    const char *name;
    int (*main)(const char *argv0, int argc, char **argv);
    const char *usage;
} commands[] = {
    {"run", run_main, NULL},
    {"run", run_main,
     "run FILE.pkt [--tolerance_usecs=N] [--format ...] [--out DIR] [--pcap FILE]\n"
     "                                  play a packetdrill script against the linux profile:\n"
     "                                  exit 0 when it passes, 1 on a mismatch, 2 if malformed\n"},
    {"check", check_main,
     "check FILE.yaml|FILE.pkt|DIR... [--seed N] [--set KEY=VALUE]...\n"
     "             [--junit FILE] [--tap] [--max-events N] [--max-wall SECONDS]\n"
     "                                  exit 0 when every expectation holds,\n"
     "                                  1 when one fails, 2 on bad input;\n"
     "                                  --junit writes JUnit XML, --tap prints TAP 13\n"},
    {"validate", validate_main,
     "validate FILE.yaml [--seed N] [--set KEY=VALUE]...\n"
     "                                  check a scenario file without running it\n"},
    {"plot", plot_cli_main,
     "plot FILE.yaml --out DIR [--from T] [--to T] [--seed N] [--set KEY=VALUE]...\n"
     "             [--format png,svg] [--data-only] [--scripts DIR]\n"
     "                                  write gnuplot data and pictures\n"},
    {"diff", diff_main, "diff A.jsonl|A.yaml B.jsonl|B.yaml [--set KEY=VALUE]... [--seed N]\n"},
    {"diff", diff_main,
     "diff FILE.yaml [--set KEY=VALUE]... --vs KEY=VALUE...\n"
     "             [--ignore-isn] [--ignore-window] [--time-tolerance DUR] [--ignore KEY]...\n"
     "             [--events seg,state,...] [--context N] [--width N]\n"
     "                                  first event where two timelines differ;\n"
     "                                  exit 0 same, 1 different, 2 bad input\n"},
    {"coverage", coverage_main,
     "coverage DIR|FILE... [--csv FILE] [--format text|csv]\n"
     "                                  RFC 9293 transitions the scenarios and .pkt scripts\n"
     "                                  exercise; exit 1 when one of Figure 5 never is\n"},
    {"sweep", cmd_sweep_main,
     "sweep FILE.yaml --grid KEY=V1,V2,...|KEY=A..B... --out DIR [--jobs N]\n"
     "             [--set KEY=VALUE]... [--emit parallel|slurm] [--task I]\n"},
    {"sweep", cmd_sweep_main,
     "sweep --collect DIR\n"
     "                                  one CSV row per run of the grid (DIR/sweep.csv)\n"},
    {"soak", soak_main,
     "soak [--count N] [--from SEED] [--out DIR] [--known FILE] [--events N]\n"
     "                                  random scenarios under the invariant checker\n"},
    {"explore", explore_main,
     "explore FILE.yaml [--faults K] [--first N] [--out DIR] [--clean]\n"
     "                                  every way to drop up to K of the first N segments\n"},
};

static void print_usage(FILE *out)
{
    fputs("usage:\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (commands[i].usage) {
            fputs("  tcpsim ", out);
            fputs(commands[i].usage, out);
        } else {
            print_run_synopsis(out);
        }
    }
    fputs("  tcpsim --help | --version\n"
          "\n"
          "--set overrides any scenario value by its dotted path (check: in every\n"
          "file), e.g.\n"
          "  --set link.loss=5%  --set tcp.msl=30s  --set seed=7  --set "
          "hosts.client.tcp.keepalive=true\n",
          out);
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2)
        return bad_usage("missing command%s", "");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        printf("tcpsim %s: a discrete-event TCP simulator\n\n", build_version());
        print_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("tcpsim %s (git %s)\n", build_version(), build_revision());
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].main(argv[0], argc - 2, argv + 2);
    return bad_usage("unknown command '%s'", cmd);
}

/* Whatever the command, output that could not be written (a full disk,
 * > /dev/full, a closed pipe) is an error: exit 2 with the reason, never 0. */
int main(int argc, char **argv)
{
    int rc = dispatch(argc, argv);
    int out = close_out(stdout, "standard output");
    return rc ? rc : out;
}
