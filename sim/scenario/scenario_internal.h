/* Shared between the scenario loader's files (scenario_*.c): the loading
 * context, error reporting with file:line:col, and typed reads of YAML nodes.
 * Not a public interface. */
#ifndef TCPSIM_SCENARIO_INTERNAL_H
#define TCPSIM_SCENARIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpsim/scenario.h"
#include "yaml_doc.h"

/* One load in progress. */
struct scn_ctx {
    const char *file; /* path, as given, for messages */
    const char *src;  /* the file's bytes, for quoting the bad line */
    size_t src_len;
    char *error; /* caller's buffer */
    size_t error_size;
    struct scenario *sc;
};

#define SCN_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Writes "file:line:col: message", the source line and a caret (or, for a
 * node made from --set, "--set KEY=VALUE: message") and returns -1.
 * `byte_offset` moves the caret right within a scalar (expectations point
 * at the word at fault); SCN_WHOLE points at the node itself. `node` may be
 * NULL for an error about the whole file. */
int scn_error_at(struct scn_ctx *ctx, const struct ynode *node, size_t byte_offset, const char *fmt,
                 ...) SCN_PRINTF(4, 5);
#define SCN_WHOLE ((size_t)-1) /* byte_offset: point at the node itself */
#define scn_error(ctx, node, ...) scn_error_at((ctx), (node), SCN_WHOLE, __VA_ARGS__)

/* The candidate nearest to `word` by edit distance, if it is close enough to
 * be a plausible typo; else NULL. */
const char *scn_nearest(const char *word, const char *const *cands, size_t n);
/* "a, b, c" into out. */
void scn_join(char *out, size_t size, const char *const *cands, size_t n);
/* "unknown WHAT 'word' in WHERE; did you mean 'x'?" or "...; valid WHATs are: ..." */
int scn_unknown(struct scn_ctx *ctx, const struct ynode *node, size_t byte_offset, const char *what,
                const char *where, const char *word, const char *const *cands, size_t n);
/* Rejects any key of `map` not in `keys` (the unknown-key message). */
int scn_check_keys(struct scn_ctx *ctx, const struct ynode *map, const char *const *keys, size_t n,
                   const char *where);

/* Typed reads: each returns 0, or -1 with the error written. `key` names the
 * value in messages. */
int scn_want_map(struct scn_ctx *ctx, const struct ynode *node, const char *key);
int scn_want_seq(struct scn_ctx *ctx, const struct ynode *node, const char *key);
int scn_get_string(struct scn_ctx *ctx, const struct ynode *node, const char *key, char **out);
int scn_get_bool(struct scn_ctx *ctx, const struct ynode *node, const char *key, bool *out);
int scn_get_uint(struct scn_ctx *ctx, const struct ynode *node, const char *key, uint64_t min,
                 uint64_t max, uint64_t *out);
int scn_get_u32(struct scn_ctx *ctx, const struct ynode *node, const char *key, uint32_t min,
                uint32_t max, uint32_t *out);
int scn_get_duration(struct scn_ctx *ctx, const struct ynode *node, const char *key,
                     sim_time_t *out);
int scn_get_percent(struct scn_ctx *ctx, const struct ynode *node, const char *key, uint32_t *ppm);
int scn_get_rate(struct scn_ctx *ctx, const struct ynode *node, const char *key, uint64_t *bps);
int scn_get_addr(struct scn_ctx *ctx, const struct ynode *node, const char *key, uint32_t *out);
/* A host name written in a scalar (or part of one, at `byte_offset`). */
int scn_host_ref(struct scn_ctx *ctx, const struct ynode *node, size_t byte_offset,
                 const char *name, int *index);
/* Host and socket names: letters, digits, '_' and (not first) '-'. */
bool scn_valid_name(const char *name);
/* Segment flags: "SA" exactly S and A; "SA*" at least S and A; "*" any. */
#define SCN_ALL_FLAGS 0x3F
int scn_flags(struct scn_ctx *ctx, const struct ynode *node, size_t byte_offset, const char *text,
              uint8_t *set, uint8_t *mask);
/* "A->B" -> (index of A, index of B). */
int scn_direction(struct scn_ctx *ctx, const struct ynode *node, int *from, int *to);

/* Results of the scalar parsers in scenario_parse.c. */
enum scn_parse {
    SCN_PARSE_OK,
    SCN_PARSE_BAD,      /* not the expected form */
    SCN_PARSE_NEGATIVE, /* a minus sign */
    SCN_PARSE_RANGE,    /* too large (or a percentage over 100%) */
};
/* The longest duration a scenario may give (about 11 years): times are int64
 * nanoseconds, and the simulator adds a few durations together (a stop time,
 * a link delay, a timer), which must not overflow. */
#define SCN_DURATION_MAX SIM_S(100000LL * 3600)
#define SCN_DURATION_MAX_TEXT "100000h"
enum scn_parse scn_parse_duration(const char *text, sim_time_t *out);
enum scn_parse scn_parse_percent(const char *text, uint32_t *ppm);
enum scn_parse scn_parse_rate(const char *text, uint64_t *bps);
enum scn_parse scn_parse_uint(const char *text, uint64_t *out);
enum scn_parse scn_parse_bool(const char *text, bool *out);

/* The sections, in the order scenario_load applies them. */
int scn_load_tcp(struct scn_ctx *ctx, const struct ynode *map, const char *where,
                 struct tcp_params *params);
int scn_load_hosts(struct scn_ctx *ctx, const struct ynode *root);
int scn_load_link(struct scn_ctx *ctx, const struct ynode *root);
int scn_load_middlebox(struct scn_ctx *ctx, const struct ynode *root);
int scn_load_faults(struct scn_ctx *ctx, const struct ynode *root);
int scn_load_steps(struct scn_ctx *ctx, const struct ynode *root);
int scn_load_workloads(struct scn_ctx *ctx, const struct ynode *root);
int scn_load_expects(struct scn_ctx *ctx, const struct ynode *root);
/* Merges --set KEY=VALUE strings into the tree before any section is read. */
int scn_apply_overrides(struct scn_ctx *ctx, struct ynode *root, const char *const *overrides,
                        size_t count);

#endif
