/* The sweep grid and its CSV. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/sweep.h"

static int add_value(struct sweep_axis *axis, const char *text, size_t len)
{
    char **grown = realloc(axis->values, (axis->count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    axis->values = grown;
    if (!(axis->values[axis->count] = strndup(text, len)))
        return -1;
    axis->count++;
    return 0;
}

/* "A..B" with integers A <= B: every integer in between. */
static int parse_range(const char *text, long long *a, long long *b)
{
    char *end;
    errno = 0;
    *a = strtoll(text, &end, 10);
    if (end == text || strncmp(end, "..", 2) != 0)
        return 0;
    const char *second = end + 2;
    *b = strtoll(second, &end, 10);
    if (end == second || *end || errno)
        return -1;
    return *a <= *b ? 1 : -1;
}

int sweep_grid_add(struct sweep_grid *grid, const char *spec, char *error, size_t error_size)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || !eq[1]) {
        snprintf(error, error_size, "--grid '%s': expected KEY=V1,V2,... or KEY=A..B", spec);
        return -1;
    }
    if (grid->axis_count == SWEEP_MAX_AXES) {
        snprintf(error, error_size, "more than %d --grid axes", SWEEP_MAX_AXES);
        return -1;
    }
    struct sweep_axis *axis = &grid->axes[grid->axis_count];
    memset(axis, 0, sizeof *axis);
    if (!(axis->key = strndup(spec, (size_t)(eq - spec))))
        goto oom;
    long long a, b;
    int range = parse_range(eq + 1, &a, &b);
    if (range < 0) {
        snprintf(error, error_size, "--grid '%s': a range is A..B with integers A <= B", spec);
        goto fail;
    }
    if (range > 0) {
        if (b - a >= (long long)SWEEP_MAX_RUNS) {
            snprintf(error, error_size, "--grid '%s': more than %u values", spec, SWEEP_MAX_RUNS);
            goto fail;
        }
        for (long long v = a; v <= b; v++) {
            char num[32];
            int n = snprintf(num, sizeof num, "%lld", v);
            if (add_value(axis, num, (size_t)n) != 0)
                goto oom;
        }
    } else {
        for (const char *p = eq + 1;;) {
            size_t n = strcspn(p, ",");
            if (n == 0) {
                snprintf(error, error_size, "--grid '%s': an empty value", spec);
                goto fail;
            }
            if (add_value(axis, p, n) != 0)
                goto oom;
            if (!p[n])
                break;
            p += n + 1;
        }
    }
    size_t runs = grid->axis_count ? grid->runs : 1;
    if (runs * axis->count > SWEEP_MAX_RUNS) {
        snprintf(error, error_size, "the grid has more than %u runs", SWEEP_MAX_RUNS);
        goto fail;
    }
    grid->runs = runs * axis->count;
    grid->axis_count++;
    return 0;
oom:
    snprintf(error, error_size, "out of memory");
fail:
    for (size_t i = 0; i < axis->count; i++)
        free(axis->values[i]);
    free(axis->values);
    free(axis->key);
    return -1;
}

void sweep_grid_sets(const struct sweep_grid *grid, size_t index, char (*buf)[4096],
                     const char **sets)
{
    for (size_t k = grid->axis_count; k-- > 0;) {
        const struct sweep_axis *axis = &grid->axes[k];
        snprintf(buf[k], 4096, "%s=%s", axis->key, axis->values[index % axis->count]);
        sets[k] = buf[k];
        index /= axis->count;
    }
}

void sweep_grid_free(struct sweep_grid *grid)
{
    for (size_t k = 0; k < grid->axis_count; k++) {
        for (size_t i = 0; i < grid->axes[k].count; i++)
            free(grid->axes[k].values[i]);
        free(grid->axes[k].values);
        free(grid->axes[k].key);
    }
    memset(grid, 0, sizeof *grid);
}

/* A CSV field, quoted when it holds a comma, quote or line break; a leading
 * = + - @ gets a quote mark so spreadsheets do not run it. */
static void csv_put(FILE *out, const char *s)
{
    bool formula = s[0] && strchr("=+@", s[0]);
    if (!strpbrk(s, ",\"\r\n") && !formula) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    if (formula)
        fputc('\'', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void sweep_csv_header(FILE *out, const struct sweep_grid *grid)
{
    fputs("run", out);
    for (size_t k = 0; k < grid->axis_count; k++) {
        fputc(',', out);
        csv_put(out, grid->axes[k].key);
    }
    fputs(",completion_s,goodput_bps,delivered,segments,rexmit_rto,rexmit_fast,rexmit_tlp,"
          "probes,timeouts,drops,final_states,expect_passed,expect_total,cut\n",
          out);
}

void sweep_csv_row(FILE *out, const struct sweep_grid *grid, size_t index,
                   const struct run_summary *s)
{
    fprintf(out, "%zu", index);
    size_t rest = index;
    const char *vals[SWEEP_MAX_AXES];
    for (size_t k = grid->axis_count; k-- > 0;) {
        vals[k] = grid->axes[k].values[rest % grid->axes[k].count];
        rest /= grid->axes[k].count;
    }
    for (size_t k = 0; k < grid->axis_count; k++) {
        fputc(',', out);
        csv_put(out, vals[k]);
    }
    fprintf(out,
            ",%.6f,%.0f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
            ",%" PRIu64 ",%" PRIu64 ",",
            s->completion_s, s->goodput_bps, s->delivered, s->segments, s->rexmit_rto,
            s->rexmit_fast, s->rexmit_tlp, s->probes, s->timeouts, s->drops);
    csv_put(out, s->final_states);
    fprintf(out, ",%zu,%zu,%d\n", s->expect_passed, s->expect_total, s->cut);
}
