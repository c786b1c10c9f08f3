/* tcpsim coverage DIR|FILE... [--csv FILE] [--format text|csv]: runs every
 * scenario (*.yaml) and packetdrill script (*.pkt) given or found in the
 * folders (and their subfolders), and reports which transitions of the RFC
 * 9293 state diagram they exercised. Exit 0 when every arc of Figure 5 was
 * exercised, 1 when some never were, 2 on bad input. */
#include "cmd_coverage.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tcpsim/coverage.h"
#include "tcpsim/errors.h"
#include "tcpsim/pkt.h"
#include "tcpsim/runner.h"
#include "tcpsim/scenario.h"

#define MAX_DEPTH 8

struct cov_run {
    struct coverage *cov;
    int files, bad;
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The run's label: the file name without folder or extension, control
 * characters shown as '?' (names come from folder listings). */
static int begin(struct cov_run *c, const char *file)
{
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    char label[256];
    snprintf(label, sizeof label, "%s", base);
    char *dot = strrchr(label, '.');
    if (dot && dot != label)
        *dot = '\0';
    for (char *p = label; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = '?';
    return coverage_begin(c->cov, label);
}

static void run_yaml(struct cov_run *c, const char *file)
{
    struct scenario sc;
    char error[SCENARIO_ERROR_MAX];
    if (scenario_load(file, NULL, 0, &sc, error, sizeof error) != 0) {
        fprintf(stderr, "%s\n", error);
        c->bad++;
        return;
    }
    struct runner *runner;
    if (begin(c, file) != 0 || runner_create(&sc, &runner) != TS_OK) {
        fprintf(stderr, "tcpsim: out of memory\n");
        c->bad++;
        scenario_free(&sc);
        return;
    }
    tracer_add(&runner_net(runner)->tracer, coverage_sink(c->cov));
    runner_run(runner);
    runner_free(runner);
    scenario_free(&sc);
}

static void run_pkt(struct cov_run *c, const char *file)
{
    struct pkt_script *script;
    char err[512];
    if (pkt_load(file, &script, err, sizeof err) != PKT_PASS) {
        fprintf(stderr, "%s\n", err);
        c->bad++;
        return;
    }
    struct pkt_config cfg = {.tolerance_us = -1};
    struct pkt_run *run;
    if (begin(c, file) != 0 || pkt_run_create(script, &cfg, &run) != TS_OK) {
        fprintf(stderr, "tcpsim: out of memory\n");
        c->bad++;
        pkt_script_free(script);
        return;
    }
    tracer_add(&pkt_run_net(run)->tracer, coverage_sink(c->cov));
    char report[4096];
    pkt_run_exec(run, report, sizeof report); /* a mismatch still covers what ran */
    pkt_run_free(run);
    pkt_script_free(script);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(struct cov_run *c, const char *path, int depth, bool named);

/* Every entry of `dir` in name order (stable output), subfolders too. */
static void run_dir(struct cov_run *c, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "tcpsim: cannot open %s: %s\n", dir, strerror(errno));
        c->bad++;
        return;
    }
    char **names = NULL;
    size_t count = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char **grown = realloc(names, (count + 1) * sizeof *names);
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        char *name = grown ? malloc(len) : NULL;
        if (!name) {
            names = grown ? grown : names;
            c->bad++;
            break;
        }
        names = grown;
        snprintf(name, len, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", de->d_name);
        names[count++] = name;
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof *names, compare_names);
    for (size_t i = 0; i < count; i++) {
        run_path(c, names[i], depth + 1, false);
        free(names[i]);
    }
    free(names);
}

static void run_path(struct cov_run *c, const char *path, int depth, bool named)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "tcpsim: cannot read %s: %s\n", path, strerror(errno));
        c->bad++;
    } else if (S_ISDIR(st.st_mode)) {
        if (depth < MAX_DEPTH)
            run_dir(c, path, depth);
    } else if (pkt_file_is_script(path)) { /* .pkt, or YAML with defaults: packetdrill */
        c->files++;
        run_pkt(c, path);
    } else if (ends_with(path, ".yaml") || ends_with(path, ".yml")) {
        c->files++;
        run_yaml(c, path);
    } else if (named) {
        fprintf(stderr, "tcpsim coverage: %s is neither a scenario (.yaml) nor a script (.pkt)\n",
                path);
        c->bad++;
    }
}

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "tcpsim coverage: %s%s%s\n", what, arg ? " " : "", arg ? arg : "");
    fputs("usage: tcpsim coverage DIR|FILE... [--csv FILE] [--format text|csv]\n", stderr);
    return 2;
}

int cmd_coverage_main(int argc, char **argv)
{
    const char *csv = NULL, *format = "text";
    int paths = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--csv") || !strcmp(argv[i], "--format")) {
            if (i + 1 >= argc)
                return usage_error("a value is missing after", argv[i]);
            *(!strcmp(argv[i], "--csv") ? &csv : &format) = argv[i + 1];
            i++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown option", argv[i]);
        } else {
            argv[paths++] = argv[i];
        }
    }
    if (strcmp(format, "text") && strcmp(format, "csv"))
        return usage_error("--format must be text or csv, not", format);
    if (!paths)
        return usage_error("needs folders or files of scenarios", NULL);
    struct cov_run c = {coverage_new(), 0, 0};
    if (!c.cov)
        return usage_error("out of memory", NULL);
    for (int i = 0; i < paths; i++)
        run_path(&c, argv[i], 0, true);
    if (!strcmp(format, "csv"))
        coverage_write_csv(stdout, c.cov);
    else
        coverage_write_text(stdout, c.cov);
    int rc = coverage_missing(c.cov) ? 1 : 0;
    if (csv) {
        FILE *f = fopen(csv, "w");
        if (!f) {
            fprintf(stderr, "tcpsim: cannot write %s: %s\n", csv, strerror(errno));
            rc = 2;
        } else {
            coverage_write_csv(f, c.cov);
            if ((ferror(f) | fclose(f)) != 0) {
                fprintf(stderr, "tcpsim: error writing %s\n", csv);
                rc = 2;
            }
        }
    }
    if (c.bad || c.files == 0) {
        if (!c.files)
            fprintf(stderr, "tcpsim coverage: no scenarios or scripts found\n");
        rc = 2;
    }
    coverage_free(c.cov);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "tcpsim: error writing standard output\n");
        return 2;
    }
    return rc;
}
