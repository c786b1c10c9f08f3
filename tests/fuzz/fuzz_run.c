/* libFuzzer target: load and run, with an event cap, then evaluate the
 * expectations. A scenario that loads must run to the cap or its end
 * without crashing, leaking or tripping a sanitizer. Inputs that ask for
 * more than a fuzzer can afford per input (huge workloads or floods) are
 * skipped: they are valid, only slow. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/out_file.h"
#include "tcpsim/runner.h"
#include "tcpsim/scenario.h"
#include "tcpsim/trace_sinks.h"

#define FUZZ_EVENT_LIMIT 20000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int affordable(const struct scenario *sc)
{
    uint64_t conns = 0;
    for (size_t i = 0; i < sc->workload_count; i++)
        conns += sc->workloads[i].count;
    for (size_t i = 0; i < sc->step_count; i++)
        if (sc->steps[i].call == STEP_FLOOD)
            conns += sc->steps[i].flood_count;
    return conns <= 2000;
}

/* The output paths, fed the fuzzed scenario: its name becomes a file stem
 * that stays inside --out, and the text and CSV sinks pass no control
 * character (JSONL validity is checked by tests/test_hostile_strings.c). */
static void check_output_name(const struct scenario *sc)
{
    char stem[OUT_NAME_MAX + 1];
    out_safe_name(sc->name, stem, sizeof stem);
    if (!stem[0] || stem[0] == '.' || strchr(stem, '/') || strstr(stem, ".."))
        abort();
}

static void check_no_control(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)buf[i] < 0x20 && buf[i] != '\n') || buf[i] == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scenario sc;
    char error[SCENARIO_ERROR_MAX];
    if (scenario_load_text("fuzz.yaml", (const char *)data, size, NULL, 0, &sc, error,
                           sizeof error) != 0)
        return 0;
    check_output_name(&sc);
    struct runner *r;
    if (affordable(&sc) && runner_create(&sc, &r) == 0) {
        runner_set_event_limit(r, FUZZ_EVENT_LIMIT);
        char *text_buf = NULL, *csv_buf = NULL;
        size_t text_len = 0, csv_len = 0;
        FILE *text_f = open_memstream(&text_buf, &text_len);
        FILE *csv_f = open_memstream(&csv_buf, &csv_len);
        struct trace_text_options topt = {0};
        struct trace_text *text = text_f ? trace_text_new(text_f, &topt) : NULL;
        struct trace_csv *csv = csv_f ? trace_csv_new(csv_f) : NULL;
        if (text)
            tracer_add(&runner_net(r)->tracer, trace_text_sink(text));
        if (csv)
            tracer_add(&runner_net(r)->tracer, trace_csv_sink(csv));
        runner_run(r);
        trace_text_free(text);
        trace_csv_free(csv);
        if (text_f)
            fclose(text_f);
        if (csv_f)
            fclose(csv_f);
        check_no_control(text_buf, text_buf ? text_len : 0);
        free(text_buf);
        free(csv_buf);
        struct expect_result *res = calloc(sc.expect_count + 1, sizeof *res);
        if (res)
            runner_check(r, res);
        free(res);
        runner_free(r);
    }
    scenario_free(&sc);
    return 0;
}
