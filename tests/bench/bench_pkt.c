/* Scripts per second: every .pkt of a folder (default scenarios/pkt) parsed
 * and played repeatedly, no trace sinks. The target is under 5 ms of wall
 * time per typical script.
 *   build/bench/bench_pkt [DIR] [ROUNDS] */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tcpsim/pkt.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "scenarios/pkt";
    int rounds = argc > 2 ? atoi(argv[2]) : 200;
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "bench_pkt: cannot open %s\n", dir);
        return 1;
    }
    char *bufs[256];
    size_t lens[256];
    char names[256][512];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 256) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".pkt") != 0)
            continue;
        snprintf(names[n], sizeof names[n], "%s/%s", dir, de->d_name);
        if ((bufs[n] = slurp(names[n], &lens[n])))
            n++;
    }
    closedir(d);
    double t0 = now_s(), worst = 0;
    long runs = 0, passed = 0;
    static char report[8192];
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < n; i++) {
            double s0 = now_s();
            struct pkt_script *script;
            char err[256];
            if (pkt_parse(names[i], bufs[i], lens[i], &script, err, sizeof err) == PKT_PASS) {
                struct pkt_config cfg = {.tolerance_us = -1};
                struct pkt_run *run;
                if (pkt_run_create(script, &cfg, &run) == 0) {
                    passed += pkt_run_exec(run, report, sizeof report) == PKT_PASS;
                    pkt_run_free(run);
                }
                pkt_script_free(script);
            }
            double dt = now_s() - s0;
            if (dt > worst)
                worst = dt;
            runs++;
        }
    }
    double wall = now_s() - t0;
    printf("pkt scripts (%s, %d files x %d rounds): %ld runs in %.3f s = %.0f scripts/s, "
           "%.3f ms mean, %.3f ms worst, %ld passed\n",
           dir, n, rounds, runs, wall, runs / wall, wall / runs * 1e3, worst * 1e3, passed);
    for (int i = 0; i < n; i++)
        free(bufs[i]);
    return 0;
}
