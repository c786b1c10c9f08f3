/* tcpsim sweep FILE.yaml --grid KEY=V1,V2|A..B... [--set KEY=VALUE]...
 *              --out DIR [--jobs N] [--emit parallel|slurm] [--task I]
 * tcpsim sweep --collect DIR
 * Each run of the cross product is one `tcpsim sweep ... --task I` process
 * (fork/exec of this binary, or a line of a GNU parallel job list, or one
 * task of a Slurm array) writing DIR/rows/I.csv; --collect (done at once
 * for local runs) merges them in run order into DIR/sweep.csv. Output file
 * names come from the command line and run numbers only. Exit 0 when every
 * run's expectations held, 1 when one did not (or was cut), 2 on bad input
 * or missing runs. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cmd_sweep.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcpsim/scenario.h"
#include "tcpsim/sweep.h"

#define SWEEP_MAX_SETS 64
#define PATH_LEN 4096

struct sweep_args {
    const char *file, *out, *emit, *collect;
    const char *grids[SWEEP_MAX_AXES];
    size_t grid_count;
    const char *sets[SWEEP_MAX_SETS];
    size_t set_count;
    long jobs;
    long task; /* -1: not a task */
    struct sweep_grid grid;
};

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "tcpsim sweep: %s%s%s\n", what, arg ? " " : "", arg ? arg : "");
    fputs("usage: tcpsim sweep FILE.yaml --grid KEY=V1,V2,...|KEY=A..B... --out DIR [--jobs N]\n"
          "                    [--set KEY=VALUE]... [--emit parallel|slurm]\n"
          "       tcpsim sweep --collect DIR\n",
          stderr);
    return 2;
}

static int parse_long(const char *text, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, struct sweep_args *a)
{
    memset(a, 0, sizeof *a);
    a->jobs = 1;
    a->task = -1;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = !strcmp(arg, "--grid") || !strcmp(arg, "--set") || !strcmp(arg, "--out") ||
                     !strcmp(arg, "--jobs") || !strcmp(arg, "--emit") || !strcmp(arg, "--task") ||
                     !strcmp(arg, "--collect");
        if (takes && !val)
            return usage_error("a value is missing after", arg);
        if (takes)
            i++;
        if (!strcmp(arg, "--grid")) {
            if (a->grid_count == SWEEP_MAX_AXES)
                return usage_error("too many --grid axes", NULL);
            a->grids[a->grid_count++] = val;
        } else if (!strcmp(arg, "--set")) {
            if (a->set_count == SWEEP_MAX_SETS)
                return usage_error("too many --set options", NULL);
            a->sets[a->set_count++] = val;
        } else if (!strcmp(arg, "--out")) {
            a->out = val;
        } else if (!strcmp(arg, "--collect")) {
            a->collect = val;
        } else if (!strcmp(arg, "--emit")) {
            if (strcmp(val, "parallel") && strcmp(val, "slurm"))
                return usage_error("--emit takes parallel or slurm, not", val);
            a->emit = val;
        } else if (!strcmp(arg, "--jobs")) {
            if (parse_long(val, 1, 1024, &a->jobs) != 0)
                return usage_error("--jobs needs a number of processes (1..1024), not", val);
        } else if (!strcmp(arg, "--task")) {
            if (parse_long(val, 0, SWEEP_MAX_RUNS - 1, &a->task) != 0)
                return usage_error("--task needs a run number, not", val);
        } else if (arg[0] == '-' && arg[1]) {
            return usage_error("unknown option", arg);
        } else if (!a->file) {
            a->file = arg;
        } else {
            return usage_error("unexpected argument", arg);
        }
    }
    if (a->collect)
        return a->file || a->grid_count ? usage_error("--collect takes only a folder", NULL) : 0;
    if (!a->file)
        return usage_error("needs a scenario file", NULL);
    if (!a->grid_count)
        return usage_error("needs at least one --grid KEY=VALUES", NULL);
    if (!a->out)
        return usage_error("needs --out DIR", NULL);
    char error[256];
    for (size_t k = 0; k < a->grid_count; k++)
        if (sweep_grid_add(&a->grid, a->grids[k], error, sizeof error) != 0) {
            sweep_grid_free(&a->grid);
            return usage_error(error, NULL);
        }
    if (a->task >= 0 && (size_t)a->task >= a->grid.runs) {
        sweep_grid_free(&a->grid);
        return usage_error("--task is past the last run of the grid", NULL);
    }
    return 0;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "tcpsim: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Writes `text` to DIR/name through a temporary file and rename, so a
 * reader never sees half a file. */
static int write_file(const char *dir, const char *name, const char *text)
{
    char path[PATH_LEN], tmp[PATH_LEN];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.%ld", dir, name, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "tcpsim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Runs one point of the grid and writes its row. */
static int run_task(const struct sweep_args *a, size_t index)
{
    char buf[SWEEP_MAX_AXES][4096];
    const char *sets[SWEEP_MAX_SETS + SWEEP_MAX_AXES];
    for (size_t i = 0; i < a->set_count; i++)
        sets[i] = a->sets[i];
    sweep_grid_sets(&a->grid, index, buf, sets + a->set_count);
    struct run_summary s;
    char error[SCENARIO_ERROR_MAX];
    if (run_summary_collect(a->file, sets, a->set_count + a->grid.axis_count, &s, error,
                            sizeof error) != 0) {
        fprintf(stderr, "%s\n", error);
        return 2;
    }
    char *row = NULL, rows[PATH_LEN], name[32];
    size_t len = 0;
    FILE *mem = open_memstream(&row, &len);
    if (!mem)
        return 2;
    sweep_csv_row(mem, &a->grid, index, &s);
    fclose(mem);
    snprintf(rows, sizeof rows, "%s/rows", a->out);
    snprintf(name, sizeof name, "%07zu.csv", index);
    int rc = make_dir(a->out) || make_dir(rows) || write_file(rows, name, row) ? 2 : 0;
    free(row);
    return rc;
}

/* The header and the run count, so --collect needs only the folder. */
static int write_plan(const struct sweep_args *a)
{
    char *text = NULL, rows[PATH_LEN];
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return -1;
    sweep_csv_header(mem, &a->grid);
    fclose(mem);
    char runs[32];
    snprintf(runs, sizeof runs, "%zu\n", a->grid.runs);
    snprintf(rows, sizeof rows, "%s/rows", a->out);
    int rc = make_dir(a->out) || make_dir(rows) || write_file(a->out, "header.csv", text) ||
                     write_file(a->out, "runs", runs)
                 ? -1
                 : 0;
    free(text);
    return rc;
}

/* The path of this binary, for the children and the job lists. */
static void self_path(const char *argv0, char *out, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", out, size - 1);
    if (n > 0) {
        out[n] = '\0';
        return;
    }
    if (!realpath(argv0, out))
        snprintf(out, size, "%s", argv0);
}

/* The arguments of task `index`, for exec or a job line. */
static size_t task_argv(const struct sweep_args *a, const char *self, const char *file,
                        const char *out, char *index, const char **av)
{
    size_t n = 0;
    av[n++] = self;
    av[n++] = "sweep";
    av[n++] = file;
    for (size_t k = 0; k < a->grid_count; k++)
        av[n++] = "--grid", av[n++] = a->grids[k];
    for (size_t k = 0; k < a->set_count; k++)
        av[n++] = "--set", av[n++] = a->sets[k];
    av[n++] = "--out";
    av[n++] = out;
    av[n++] = "--task";
    av[n++] = index;
    av[n] = NULL;
    return n;
}

#define TASK_ARGV_MAX (10 + 2 * (SWEEP_MAX_AXES + SWEEP_MAX_SETS))

static int run_local(const struct sweep_args *a, const char *self)
{
    size_t next = 0, running = 0;
    int failed = 0;
    while (next < a->grid.runs || running) {
        while (running < (size_t)a->jobs && next < a->grid.runs) {
            char index[32];
            snprintf(index, sizeof index, "%zu", next);
            const char *av[TASK_ARGV_MAX];
            task_argv(a, self, a->file, a->out, index, av);
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) {
                fprintf(stderr, "tcpsim: fork: %s\n", strerror(errno));
                failed = 1;
                next = a->grid.runs;
                break;
            }
            if (pid == 0) {
                execv(self, (char *const *)av);
                fprintf(stderr, "tcpsim: cannot run %s: %s\n", self, strerror(errno));
                _exit(2);
            }
            next++;
            running++;
        }
        int status;
        if (running && wait(&status) > 0) {
            running--;
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                failed = 1;
        } else if (running) {
            break;
        }
    }
    return failed;
}

/* Shell single quotes: ' becomes '\''. */
static void put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

static int emit(const struct sweep_args *a, const char *self)
{
    char file[PATH_LEN], out[PATH_LEN], path[PATH_LEN];
    if (!realpath(a->file, file) || !realpath(a->out, out)) {
        fprintf(stderr, "tcpsim: cannot resolve %s: %s\n", a->file, strerror(errno));
        return 2;
    }
    bool slurm = !strcmp(a->emit, "slurm");
    snprintf(path, sizeof path, "%s/%s", a->out, slurm ? "sweep.sbatch" : "jobs.txt");
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "tcpsim: cannot write %s: %s\n", path, strerror(errno));
        return 2;
    }
    const char *av[TASK_ARGV_MAX];
    if (slurm) {
        fprintf(f,
                "#!/bin/bash\n# tcpsim sweep: one array task per run; then\n"
                "#   tcpsim sweep --collect DIR\n#SBATCH --job-name=tcpsim-sweep\n"
                "#SBATCH --array=0-%zu\n#SBATCH --ntasks=1\nset -eu\n"
                ": \"${SLURM_ARRAY_TASK_ID:?set by sbatch --array}\"\nexec",
                a->grid.runs - 1);
        size_t n = task_argv(a, self, file, out, "X", av);
        for (size_t i = 0; i + 1 < n; i++) {
            fputc(' ', f);
            put_quoted(f, av[i]);
        }
        fputs(" \"$SLURM_ARRAY_TASK_ID\"\n", f);
    } else {
        for (size_t r = 0; r < a->grid.runs; r++) {
            char index[32];
            snprintf(index, sizeof index, "%zu", r);
            size_t n = task_argv(a, self, file, out, index, av);
            for (size_t i = 0; i < n; i++) {
                if (i)
                    fputc(' ', f);
                put_quoted(f, av[i]);
            }
            fputc('\n', f);
        }
    }
    if ((ferror(f) | fclose(f)) != 0) {
        fprintf(stderr, "tcpsim: error writing %s\n", path);
        return 2;
    }
    if (slurm)
        printf("wrote %s (%zu array tasks): sbatch it, then tcpsim sweep --collect %s\n", path,
               a->grid.runs, a->out);
    else
        printf("wrote %s (%zu jobs): parallel < %s (add --sshlogin for more hosts), then "
               "tcpsim sweep --collect %s\n",
               path, a->grid.runs, path, a->out);
    return 0;
}

/* Does a row say its run failed (expectations or cut)? Its last three
 * fields are expect_passed,expect_total,cut. */
static bool row_failed(const char *row)
{
    const char *c3 = strrchr(row, ',');
    if (!c3)
        return true;
    const char *c2 = c3 - 1;
    while (c2 > row && *c2 != ',')
        c2--;
    const char *c1 = c2 - 1;
    while (c1 > row && *c1 != ',')
        c1--;
    return atol(c1 + 1) != atol(c2 + 1) || atol(c3 + 1) != 0;
}

static int collect(const char *dir)
{
    char path[PATH_LEN], line[65536];
    snprintf(path, sizeof path, "%s/runs", dir);
    FILE *f = fopen(path, "r");
    long runs = -1;
    if (!f || !fgets(line, sizeof line, f) ||
        parse_long(strtok(line, "\n") ? line : "", 1, SWEEP_MAX_RUNS, &runs) != 0) {
        fprintf(stderr, "tcpsim sweep: %s is not a sweep folder (no readable %s)\n", dir, path);
        if (f)
            fclose(f);
        return 2;
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/header.csv", dir);
    FILE *header = fopen(path, "r");
    snprintf(path, sizeof path, "%s/.sweep.csv.%ld", dir, (long)getpid());
    FILE *out = fopen(path, "w");
    if (!header || !out || !fgets(line, sizeof line, header)) {
        fprintf(stderr, "tcpsim sweep: cannot read %s/header.csv or write %s\n", dir, path);
        if (header)
            fclose(header);
        if (out)
            fclose(out);
        return 2;
    }
    fclose(header);
    fputs(line, out);
    long missing = 0, failed = 0;
    for (long r = 0; r < runs; r++) {
        char row[PATH_LEN];
        snprintf(row, sizeof row, "%s/rows/%07ld.csv", dir, r);
        FILE *rf = fopen(row, "r");
        if (!rf || !fgets(line, sizeof line, rf)) {
            if (missing++ < 5)
                fprintf(stderr, "tcpsim sweep: run %ld has no row (%s)\n", r, row);
        } else {
            fputs(line, out);
            failed += row_failed(line);
        }
        if (rf)
            fclose(rf);
    }
    char final[PATH_LEN];
    snprintf(final, sizeof final, "%s/sweep.csv", dir);
    if ((ferror(out) | fclose(out)) != 0 || rename(path, final) != 0) {
        fprintf(stderr, "tcpsim: error writing %s\n", final);
        return 2;
    }
    printf("%s: %ld runs, %ld with failed expectations, %ld missing\n", final, runs, failed,
           missing);
    return missing ? 2 : failed ? 1 : 0;
}

int cmd_sweep_main(const char *argv0, int argc, char **argv)
{
    struct sweep_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc;
    if (a.collect)
        return collect(a.collect);
    if (a.task >= 0) {
        rc = run_task(&a, (size_t)a.task);
    } else if (write_plan(&a) != 0) {
        rc = 2;
    } else {
        char self[PATH_LEN];
        self_path(argv0, self, sizeof self);
        if (a.emit)
            rc = emit(&a, self);
        else if (run_local(&a, self) != 0)
            rc = (collect(a.out), 2); /* a run failed to start or load: bad input */
        else
            rc = collect(a.out);
    }
    sweep_grid_free(&a.grid);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "tcpsim: error writing standard output\n");
        return 2;
    }
    return rc;
}
