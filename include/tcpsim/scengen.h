/* Random but valid scenarios for `tcpsim soak`: one seed gives one
 * scenario, as YAML lines that can be switched off one by one (so a
 * violation shrinks to a minimal scenario that still shows it). Both
 * profiles; random delay, jitter, loss, duplication, rate, queue, drop
 * rules and partitions; random connect/send/shutdown/close/abort/linger/
 * keep-alive steps. */
#ifndef TCPSIM_SCENGEN_H
#define TCPSIM_SCENGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gen_section {
    GEN_TOP,   /* name:, seed:, profile: */
    GEN_TCP,   /* lines under tcp: */
    GEN_LINK,  /* lines under link: */
    GEN_HOSTS, /* lines under hosts: */
    GEN_FAULTS,
    GEN_STEPS,
    GEN_SECTION_COUNT
};

struct gen_line {
    char *text; /* without indentation or newline */
    uint8_t section;
    bool fixed; /* the scenario needs it (hosts, listen, connect, the closes of a clean one) */
    bool on;
};

struct gen_scenario {
    uint64_t seed;
    bool clean; /* both applications close normally; the network eventually delivers */
    bool oom;   /* a line could not be stored */
    struct gen_line *lines;
    size_t count, cap;
};

/* Makes scenario `seed`. Returns 0, or -1 when out of memory. */
int gen_scenario_make(uint64_t seed, struct gen_scenario *out);
/* The scenario as YAML (malloc'd, NUL-terminated), each line of `comment`
 * written first as a "# " comment; NULL when out of memory. */
char *gen_scenario_yaml(const struct gen_scenario *g, const char *comment);
/* Lines that may be switched off (not fixed, still on). */
size_t gen_scenario_optional(const struct gen_scenario *g);
void gen_scenario_free(struct gen_scenario *g);

struct checked_run;
struct checked_run_options;
enum inv_kind;
/* Loads the scenario as YAML and runs it under the checker. Returns 0, 2
 * when the YAML does not load (a generator bug: `error` says why), or an
 * enum ts_err. */
int gen_scenario_check(const struct gen_scenario *g, const struct checked_run_options *options,
                       struct checked_run *out, char *error, size_t error_size);
/* Switches off every optional line whose absence keeps a violation of
 * `kind`, until none can go: a minimal scenario that still shows it.
 * Returns the runs it took. */
size_t gen_scenario_shrink(struct gen_scenario *g, enum inv_kind kind,
                           const struct checked_run_options *options);

#endif
