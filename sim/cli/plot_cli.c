/* `tcpsim plot FILE.yaml --out DIR`: runs the scenario with the plot-data
 * sink, writes its data files into DIR, then renders each picture by running
 * the external gnuplot program on the scripts in plots/. Part of the command
 * line (it prints, reads the environment and starts programs); the model
 * never calls it. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build_info.h"
#include "out_file.h"
#include "plot_cli.h"
#include "tcpsim/errors.h"
#include "tcpsim/pkt.h"
#include "tcpsim/runner.h"
#include "tcpsim/scenario.h"
#include "tcpsim/trace_sinks.h"

#define PLOT_EXIT_FAILED 1
#define PLOT_EXIT_BAD_INPUT 2
#define PLOT_MAX_SETS 64
#define PLOT_LADDER_MAX_SEGMENTS 60

static const char *const plot_scripts[] = {"ladder", "states", "seqtime", "cc", "counts"};

struct plot_args {
    const char *file, *out_dir, *scripts, *formats;
    const char *sets[PLOT_MAX_SETS];
    size_t set_count;
    sim_time_t from, to;
    bool window_set, data_only;
    char seed_set[64];
};

static int plot_usage(const char *what, const char *arg)
{
    fprintf(stderr,
            "tcpsim plot: %s%s\n"
            "usage: tcpsim plot FILE.yaml --out DIR [--from T] [--to T] [--seed N]\n"
            "                  [--set KEY=VALUE]... [--format png,svg] [--data-only]\n"
            "                  [--scripts DIR]\n",
            what, arg);
    return PLOT_EXIT_BAD_INPUT;
}

/* --format: png and/or svg, comma-separated. */
static bool plot_formats_ok(const char *formats)
{
    if (!*formats)
        return false;
    for (const char *fmt = formats; *fmt;) {
        size_t n = strcspn(fmt, ",");
        if (!((n == 3 && !strncmp(fmt, "png", 3)) || (n == 3 && !strncmp(fmt, "svg", 3))))
            return false;
        fmt += n + (fmt[n] == ',');
    }
    return true;
}

static int plot_parse(int argc, char **argv, struct plot_args *a)
{
    memset(a, 0, sizeof *a);
    a->to = SIM_TIME_NEVER;
    a->formats = "png,svg";
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = !strcmp(arg, "--out") || !strcmp(arg, "--from") || !strcmp(arg, "--to") ||
                     !strcmp(arg, "--set") || !strcmp(arg, "--seed") || !strcmp(arg, "--format") ||
                     !strcmp(arg, "--scripts");
        if (takes && !val)
            return plot_usage("missing value for ", arg);
        if (takes)
            i++;
        if (!strcmp(arg, "--out")) {
            a->out_dir = val;
        } else if (!strcmp(arg, "--from") || !strcmp(arg, "--to")) {
            sim_time_t *t = arg[2] == 'f' ? &a->from : &a->to;
            if (scenario_parse_duration(val, t) != 0)
                return plot_usage("not a time (e.g. 1.5s, 200ms): ", val);
            a->window_set = true;
        } else if (!strcmp(arg, "--set") || !strcmp(arg, "--seed")) {
            if (a->set_count >= PLOT_MAX_SETS)
                return plot_usage("too many --set options", "");
            if (arg[2] == 's' && arg[3] == 'e' && arg[4] == 'e') {
                snprintf(a->seed_set, sizeof a->seed_set, "seed=%s", val);
                val = a->seed_set;
            }
            a->sets[a->set_count++] = val;
        } else if (!strcmp(arg, "--format")) {
            a->formats = val;
        } else if (!strcmp(arg, "--scripts")) {
            a->scripts = val;
        } else if (!strcmp(arg, "--data-only")) {
            a->data_only = true;
        } else if (arg[0] == '-' && arg[1]) {
            return plot_usage("unknown option ", arg);
        } else if (!a->file) {
            a->file = arg;
        } else {
            return plot_usage("unexpected argument ", arg);
        }
    }
    if (!a->file)
        return plot_usage("missing scenario file", "");
    if (!a->out_dir)
        return plot_usage("--out DIR is required", "");
    if (a->to <= a->from)
        return plot_usage("--to must be later than --from", "");
    /* Checked before the run, so a typo is not lost when gnuplot is missing. */
    if (!plot_formats_ok(a->formats))
        return plot_usage("--format takes png and/or svg (png,svg), not ", a->formats);
    return 0;
}

static bool plot_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Where the gnuplot scripts are: --scripts, $TCPSIM_PLOTS_DIR, plots/ beside
 * the binary (a build tree), the installed share/tcpsim/plots, or plots/ in
 * the current directory. */
static void plot_scripts_dir(const struct plot_args *a, const char *argv0, char *out, size_t size)
{
    const char *env = getenv("TCPSIM_PLOTS_DIR");
    char probe[4096];
    if (a->scripts) {
        snprintf(out, size, "%s", a->scripts);
        return;
    }
    if (env && *env) {
        snprintf(out, size, "%s", env);
        return;
    }
    const char *slash = strrchr(argv0, '/');
    if (slash) {
        snprintf(out, size, "%.*s/plots", (int)(slash - argv0), argv0);
        int n = snprintf(probe, sizeof probe, "%s/ladder.gp", out);
        if (n > 0 && (size_t)n < sizeof probe && plot_is_file(probe))
            return;
    }
    if (build_plots_dir(out, size) == 0) /* installed: ../share/tcpsim/plots */
        return;
    snprintf(out, size, "plots");
}

/* Runs argv[] and waits; stdout goes to /dev/null when `quiet`. Returns the
 * exit status, or 127 when the program could not be started. */
static int plot_spawn(char *const argv[], bool quiet)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return 127;
    if (pid == 0) {
        if (quiet && !freopen("/dev/null", "w", stdout))
            _exit(127);
        /* The scripts are UTF-8 (set encoding utf8); under the C locale
         * gnuplot warns "iconv failed to convert degree sign" on every
         * picture. C.UTF-8 is in every glibc since 2.35 (Debian 12). */
        setenv("LC_ALL", "C.UTF-8", 1);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 127;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Appends `prefix` and then `s` as a gnuplot single-quoted string to `out`;
 * false (out unchanged past its old end) when it would not fit. */
static bool plot_squote(char *out, size_t size, const char *prefix, const char *s)
{
    size_t n = strlen(out), need = n + strlen(prefix) + 3; /* quotes and NUL */
    for (const char *c = s; *c; c++)
        need += *c == '\'' ? 2 : 1;
    if (need > size)
        return false;
    n += (size_t)sprintf(out + n, "%s'", prefix);
    for (; *s; s++) {
        if (*s == '\'')
            out[n++] = '\'';
        out[n++] = *s;
    }
    out[n++] = '\'';
    out[n] = '\0';
    return true;
}

static int plot_render(const char *scripts, const char *dir, const char *name, const char *fmt)
{
    char script[4096], out[4096], expr[8192] = "datadir=";
    int n = snprintf(script, sizeof script, "%s/%s.gp", scripts, name);
    int m = snprintf(out, sizeof out, "%s/%s.%s", dir, name, fmt);
    if (n < 0 || (size_t)n >= sizeof script || m < 0 || (size_t)m >= sizeof out)
        return 1;
    if (!plot_squote(expr, sizeof expr, "", dir) ||
        !plot_squote(expr, sizeof expr, "; out=", out) ||
        !plot_squote(expr, sizeof expr, "; fmt=", fmt)) {
        fprintf(stderr, "tcpsim plot: output path too long: %s\n", dir);
        return 1;
    }
    char *argv[] = {"gnuplot", "-e", expr, script, NULL};
    int rc = plot_spawn(argv, false);
    if (rc != 0)
        fprintf(stderr, "tcpsim plot: gnuplot failed on %s (exit %d)\n", script, rc);
    return rc;
}

static FILE *plot_open(const char *dir, const char *stem, const char *ext)
{
    char path[4096];
    FILE *f = out_open(dir, stem, ext, false, path, sizeof path);
    if (!f)
        fprintf(stderr, "tcpsim plot: cannot write %s: %s\n", path, strerror(errno));
    return f;
}

/* The files of one plot: five .dat files, meta.gp and the JSONL timeline
 * (named after the scenario, made a safe file name). */
struct plot_files {
    FILE *f[6];
    FILE *jsonl;
};

/* Opens them all in a->out_dir; 0, or -1 (said why) with the opened ones
 * left for plot_files_close. */
static int plot_files_open(const struct plot_args *a, const char *name, struct plot_files *pf)
{
    static const char *const ext[6] = {".dat", ".dat", ".dat", ".dat", ".dat", ".gp"};
    static const char *const base[6] = {"ladder", "states", "seq", "cc", "counts", "meta"};
    memset(pf, 0, sizeof *pf);
    for (int i = 0; i < 6; i++)
        if (!(pf->f[i] = plot_open(a->out_dir, base[i], ext[i])))
            return -1;
    char stem[OUT_NAME_MAX + 1];
    if (out_safe_name(name, stem, sizeof stem)) {
        fputs("tcpsim plot: note: the scenario name '", stderr);
        out_quote(stderr, name ? name : "");
        fprintf(stderr, "' is not a safe file name; the timeline is %s.jsonl\n", stem);
    }
    return (pf->jsonl = plot_open(a->out_dir, stem, ".jsonl")) ? 0 : -1;
}

/* Closes them; a write that failed on the way turns rc into
 * PLOT_EXIT_BAD_INPUT, as `run` does for an output it cannot write. */
static int plot_files_close(const struct plot_args *a, struct plot_files *pf, int rc)
{
    bool write_error = false;
    for (int i = 0; i < 6; i++)
        if (pf->f[i] && (ferror(pf->f[i]) | fclose(pf->f[i])) != 0)
            write_error = true;
    if (pf->jsonl && (ferror(pf->jsonl) | fclose(pf->jsonl)) != 0)
        write_error = true;
    if (!write_error)
        return rc;
    fprintf(stderr, "tcpsim plot: error writing the data files in %s: %s\n", a->out_dir,
            strerror(errno));
    return PLOT_EXIT_BAD_INPUT;
}

/* Runs the scenario with the plot-data and JSONL sinks; 0 when the files
 * were written. */
static int plot_run(const struct plot_args *a, const struct scenario *sc)
{
    struct plot_files pf;
    int rc = PLOT_EXIT_BAD_INPUT;
    struct runner *runner = NULL;
    struct trace_plotdata *pd = NULL;
    struct trace_jsonl *jsonl = NULL;
    if (plot_files_open(a, sc->name, &pf) != 0)
        goto out;
    rc = PLOT_EXIT_FAILED;
    FILE *const *f = pf.f;
    FILE *jsonl_file = pf.jsonl;
    struct trace_plotdata_files files = {f[0], f[1], f[2], f[3], f[4], f[5]};
    struct trace_plotdata_options opt = {
        .scenario = sc->name,
        .host_name = {sc->hosts[0].name, sc->hosts[1].name},
        .host_addr = {sc->hosts[0].addr, sc->hosts[1].addr},
        .delay_hint = sc->link[0].delay,
        .from = a->from,
        .to = a->to,
        .window_set = a->window_set,
        .ladder_max_segments = PLOT_LADDER_MAX_SEGMENTS,
    };
    if (runner_create(sc, &runner) != TS_OK || !(pd = trace_plotdata_new(&files, &opt)) ||
        !(jsonl = trace_jsonl_new(jsonl_file))) {
        fprintf(stderr, "tcpsim plot: out of memory\n");
        goto out;
    }
    tracer_add(&runner_net(runner)->tracer, trace_plotdata_sink(pd));
    tracer_add(&runner_net(runner)->tracer, trace_jsonl_sink(jsonl));
    runner_run(runner);
    if (runner_cut(runner) == RUNNER_CUT_EVENT_LIMIT)
        fprintf(stderr, "tcpsim plot: the run was cut by the event limit\n");
    if (trace_plotdata_write(pd, runner_end_time(runner)) != TS_OK)
        fprintf(stderr, "tcpsim plot: out of memory writing the data files\n");
    else
        rc = 0;
out:
    runner_free(runner);
    trace_plotdata_free(pd);
    trace_jsonl_free(jsonl);
    return plot_files_close(a, &pf, rc);
}

/* The same data for a packetdrill script (or a YAML peer: scenario): the
 * endpoint is "local", the scripted peer "remote"; the script's verdict is
 * reported, the data files are written either way. */
static int plot_run_pkt(const struct plot_args *a, const struct pkt_script *script,
                        const char *name)
{
    struct plot_files pf;
    int rc = PLOT_EXIT_BAD_INPUT;
    struct pkt_run *run = NULL;
    struct trace_plotdata *pd = NULL;
    struct trace_jsonl *jsonl = NULL;
    if (plot_files_open(a, name, &pf) != 0)
        goto out;
    rc = PLOT_EXIT_FAILED;
    FILE *const *f = pf.f;
    FILE *jsonl_file = pf.jsonl;
    struct trace_plotdata_files files = {f[0], f[1], f[2], f[3], f[4], f[5]};
    struct trace_plotdata_options opt = {
        .scenario = name,
        .host_name = {"local", "remote"},
        .host_addr = {0xC0A80001u, 0xC0000201u}, /* packetdrill's 192.168.0.1, 192.0.2.1 */
        .from = a->from,
        .to = a->to,
        .window_set = a->window_set,
        .ladder_max_segments = PLOT_LADDER_MAX_SEGMENTS,
    };
    struct pkt_config cfg = {.tolerance_us = -1};
    if (pkt_run_create(script, &cfg, &run) != TS_OK || !(pd = trace_plotdata_new(&files, &opt)) ||
        !(jsonl = trace_jsonl_new(jsonl_file))) {
        fprintf(stderr, "tcpsim plot: cannot start the script (out of memory or bad profile)\n");
        goto out;
    }
    tracer_add(&pkt_run_net(run)->tracer, trace_plotdata_sink(pd));
    tracer_add(&pkt_run_net(run)->tracer, trace_jsonl_sink(jsonl));
    char report[8192];
    if (pkt_run_exec(run, report, sizeof report) != PKT_PASS)
        fprintf(stderr, "%s", report);
    if (trace_plotdata_write(pd, pkt_run_net(run)->engine.now) != TS_OK)
        fprintf(stderr, "tcpsim plot: out of memory writing the data files\n");
    else
        rc = 0;
out:
    pkt_run_free(run);
    trace_plotdata_free(pd);
    trace_jsonl_free(jsonl);
    return plot_files_close(a, &pf, rc);
}

static int plot_pictures(const struct plot_args *a, const char *argv0)
{
    char scripts[4096];
    plot_scripts_dir(a, argv0, scripts, sizeof scripts);
    char *version[] = {"gnuplot", "--version", NULL};
    if (plot_spawn(version, true) != 0) {
        fprintf(stderr, "tcpsim plot: gnuplot is not installed: wrote the data files only\n");
        return 0;
    }
    int failed = 0;
    for (size_t i = 0; i < sizeof plot_scripts / sizeof *plot_scripts; i++) {
        for (const char *fmt = a->formats; *fmt;) {
            size_t n = strcspn(fmt, ",");
            char one[16]; /* "png" or "svg": plot_parse checked */
            snprintf(one, sizeof one, "%.*s", (int)(n < 15 ? n : 15), fmt);
            failed += plot_render(scripts, a->out_dir, plot_scripts[i], one) != 0;
            fmt += n + (fmt[n] == ',');
        }
    }
    return failed ? PLOT_EXIT_FAILED : 0;
}

int plot_cli_main(const char *argv0, int argc, char **argv)
{
    struct plot_args a;
    int rc = plot_parse(argc, argv, &a);
    if (rc)
        return rc;
    if (pkt_file_is_script(a.file)) {
        struct pkt_script *script;
        char err[512];
        if (pkt_load(a.file, &script, err, sizeof err) != PKT_PASS) {
            fprintf(stderr, "%s\n", err);
            return PLOT_EXIT_BAD_INPUT;
        }
        if (mkdir(a.out_dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "tcpsim plot: cannot create %s: %s\n", a.out_dir, strerror(errno));
            pkt_script_free(script);
            return PLOT_EXIT_BAD_INPUT;
        }
        const char *base = strrchr(a.file, '/') ? strrchr(a.file, '/') + 1 : a.file;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(base, "."), base);
        rc = plot_run_pkt(&a, script, name);
        pkt_script_free(script);
        if (rc == 0 && !a.data_only)
            rc = plot_pictures(&a, argv0);
        return rc;
    }
    struct scenario sc;
    char error[SCENARIO_ERROR_MAX];
    if (scenario_load(a.file, a.sets, a.set_count, &sc, error, sizeof error) != 0) {
        out_message(stderr, error);
        return PLOT_EXIT_BAD_INPUT;
    }
    if (mkdir(a.out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "tcpsim plot: cannot create %s: %s\n", a.out_dir, strerror(errno));
        scenario_free(&sc);
        return PLOT_EXIT_BAD_INPUT;
    }
    rc = plot_run(&a, &sc);
    scenario_free(&sc);
    if (rc == 0 && !a.data_only)
        rc = plot_pictures(&a, argv0);
    return rc;
}
