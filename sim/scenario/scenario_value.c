/* Typed reads of YAML nodes for the scenario loader: each turns a node into a
 * C value or writes the message that says what was expected, at the node. */
#include "scenario_internal.h"

#include <stdlib.h>
#include <string.h>

#define SCN_DURATION_HELP "expected a duration like 200ms, 2s, 1.5s or 4min"

static const char *scn_kind_name(const struct ynode *node)
{
    return node->kind == YNODE_MAP ? "a mapping" : "a list";
}

/* Non-scalars get "expected X for 'key', got a mapping". */
static int scn_want_scalar(struct scn_ctx *ctx, const struct ynode *node, const char *what,
                           const char *key)
{
    if (node->kind == YNODE_SCALAR)
        return 0;
    return scn_error(ctx, node, "expected %s for '%s', got %s", what, key, scn_kind_name(node));
}

int scn_want_map(struct scn_ctx *ctx, const struct ynode *node, const char *key)
{
    if (node->kind == YNODE_MAP)
        return 0;
    return scn_error(ctx, node, "expected a mapping for '%s'", key);
}

int scn_want_seq(struct scn_ctx *ctx, const struct ynode *node, const char *key)
{
    if (node->kind == YNODE_SEQ)
        return 0;
    return scn_error(ctx, node, "expected a list for '%s'", key);
}

int scn_get_string(struct scn_ctx *ctx, const struct ynode *node, const char *key, char **out)
{
    if (scn_want_scalar(ctx, node, "text", key) < 0)
        return -1;
    if (ydoc_is_null(node))
        return scn_error(ctx, node, "'%s' needs a value", key);
    char *copy = strdup(node->text);
    if (!copy)
        return scn_error(ctx, node, "out of memory");
    free(*out);
    *out = copy;
    return 0;
}

int scn_get_bool(struct scn_ctx *ctx, const struct ynode *node, const char *key, bool *out)
{
    if (scn_want_scalar(ctx, node, "true or false", key) < 0)
        return -1;
    if (scn_parse_bool(node->text, out) != SCN_PARSE_OK)
        return scn_error(ctx, node, "expected true or false for '%s', got '%.80s'", key,
                         node->text);
    return 0;
}

int scn_get_uint(struct scn_ctx *ctx, const struct ynode *node, const char *key, uint64_t min,
                 uint64_t max, uint64_t *out)
{
    uint64_t v;
    if (scn_want_scalar(ctx, node, "an integer", key) < 0)
        return -1;
    enum scn_parse rc = scn_parse_uint(node->text, &v);
    if (rc == SCN_PARSE_BAD)
        return scn_error(ctx, node, "expected an integer for '%s', got '%.80s'", key, node->text);
    if (rc != SCN_PARSE_OK || v < min || v > max)
        return scn_error(ctx, node, "'%s' must be between %llu and %llu, got %.80s", key,
                         (unsigned long long)min, (unsigned long long)max, node->text);
    *out = v;
    return 0;
}

int scn_get_u32(struct scn_ctx *ctx, const struct ynode *node, const char *key, uint32_t min,
                uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (scn_get_uint(ctx, node, key, min, max, &v) < 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int scn_get_duration(struct scn_ctx *ctx, const struct ynode *node, const char *key,
                     sim_time_t *out)
{
    if (scn_want_scalar(ctx, node, "a duration", key) < 0)
        return -1;
    switch (scn_parse_duration(node->text, out)) {
    case SCN_PARSE_OK: return 0;
    case SCN_PARSE_NEGATIVE:
        return scn_error(ctx, node, "negative duration '%.80s' for '%s'", node->text, key);
    case SCN_PARSE_RANGE:
        return scn_error(ctx, node, "duration '%.80s' for '%s' is too long (at most %s)",
                         node->text, key, SCN_DURATION_MAX_TEXT);
    case SCN_PARSE_BAD: break;
    }
    return scn_error(ctx, node, SCN_DURATION_HELP ", got '%.80s'", node->text);
}

int scn_get_percent(struct scn_ctx *ctx, const struct ynode *node, const char *key, uint32_t *ppm)
{
    if (scn_want_scalar(ctx, node, "a percentage", key) < 0)
        return -1;
    switch (scn_parse_percent(node->text, ppm)) {
    case SCN_PARSE_OK: return 0;
    case SCN_PARSE_NEGATIVE:
        return scn_error(ctx, node, "negative percentage '%.80s' for '%s'", node->text, key);
    case SCN_PARSE_RANGE: return scn_error(ctx, node, "%s over 100%%: '%.80s'", key, node->text);
    case SCN_PARSE_BAD: break;
    }
    return scn_error(ctx, node, "expected a percentage like 1%% or 0.5%% for '%s', got '%.80s'",
                     key, node->text);
}

int scn_get_rate(struct scn_ctx *ctx, const struct ynode *node, const char *key, uint64_t *bps)
{
    if (scn_want_scalar(ctx, node, "a rate", key) < 0)
        return -1;
    switch (scn_parse_rate(node->text, bps)) {
    case SCN_PARSE_OK: return 0;
    case SCN_PARSE_NEGATIVE:
        return scn_error(ctx, node, "negative rate '%.80s' for '%s'", node->text, key);
    case SCN_PARSE_RANGE:
        return scn_error(ctx, node, "rate '%.80s' for '%s' is too large", node->text, key);
    case SCN_PARSE_BAD: break;
    }
    return scn_error(ctx, node,
                     "expected a rate like 100Mbit, 10Mbps or 1Gbit for '%s', got '%.80s'", key,
                     node->text);
}

int scn_get_addr(struct scn_ctx *ctx, const struct ynode *node, const char *key, uint32_t *out)
{
    if (scn_want_scalar(ctx, node, "an IPv4 address", key) < 0)
        return -1;
    if (scenario_parse_addr(node->text, out) < 0)
        return scn_error(ctx, node, "expected an IPv4 address like 10.0.0.1 for '%s', got '%.80s'",
                         key, node->text);
    return 0;
}

/* A query of the loaded scenario, here beside the one reader of host names
 * (the loader, scenario_load.c, calls into this file, never the reverse). */
int scenario_host_index(const struct scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->host_count; i++)
        if (sc->hosts[i].name && strcmp(sc->hosts[i].name, name) == 0)
            return (int)i;
    return -1;
}

int scn_host_ref(struct scn_ctx *ctx, const struct ynode *node, size_t byte_offset,
                 const char *name, int *index)
{
    const struct scenario *sc = ctx->sc;
    const char *names[8];
    char list[256];
    size_t n = sc->host_count < 8 ? sc->host_count : 8;

    *index = scenario_host_index(sc, name);
    if (*index >= 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        names[i] = sc->hosts[i].name;
    scn_join(list, sizeof list, names, n);
    const char *near = scn_nearest(name, names, n);
    if (near)
        return scn_error_at(ctx, node, byte_offset,
                            "unknown host '%.80s'; hosts are: %s; did you mean '%s'?", name, list,
                            near);
    return scn_error_at(ctx, node, byte_offset, "unknown host '%.80s'; hosts are: %s", name, list);
}

int scn_direction(struct scn_ctx *ctx, const struct ynode *node, int *from, int *to)
{
    char buf[128];
    const char *arrow = strstr(node->text, "->");

    if (node->kind != YNODE_SCALAR || !arrow || strlen(node->text) >= sizeof buf)
        return scn_error(ctx, node, "expected a direction like client->server, got '%.80s'",
                         node->kind == YNODE_SCALAR ? node->text : "a mapping or list");
    /* Split at the arrow and trim the spaces people put around it. */
    size_t a_len = (size_t)(arrow - node->text);
    memcpy(buf, node->text, a_len);
    buf[a_len] = '\0';
    while (a_len > 0 && buf[a_len - 1] == ' ')
        buf[--a_len] = '\0';
    const char *b_name = arrow + 2;
    size_t b_off = (size_t)(b_name - node->text);
    while (*b_name == ' ') {
        b_name++;
        b_off++;
    }
    if (scn_host_ref(ctx, node, SCN_WHOLE, buf, from) < 0 ||
        scn_host_ref(ctx, node, b_off, b_name, to) < 0)
        return -1;
    if (*from == *to)
        return scn_error(ctx, node, "a direction needs two different hosts, got '%.80s'",
                         node->text);
    return 0;
}

/* Names appear in expectations as HOST.SOCK, HOST#ID and in A->B. */
bool scn_valid_name(const char *name)
{
    if (!*name)
        return false;
    for (const char *p = name; *p; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9') || *p == '_' || (*p == '-' && p != name);
        if (!ok)
            return false;
    }
    return true;
}

int scn_flags(struct scn_ctx *ctx, const struct ynode *node, size_t byte_offset, const char *text,
              uint8_t *set, uint8_t *mask)
{
    char letters[16];
    size_t len = strlen(text);
    bool at_least = len > 0 && text[len - 1] == '*';

    if (strcmp(text, "*") == 0) {
        *set = 0;
        *mask = 0;
        return 0;
    }
    if (at_least)
        len--;
    int bits = -1;
    if (len > 0 && len < sizeof letters) {
        memcpy(letters, text, len);
        letters[len] = '\0';
        bits = segment_parse_flags(letters);
    }
    if (bits < 0)
        return scn_error_at(ctx, node, byte_offset,
                            "bad flags '%.40s': use letters S F R P A U, '*' for any, "
                            "or 'SA*' for at least S and A",
                            text);
    *set = (uint8_t)bits;
    *mask = at_least ? (uint8_t)bits : SCN_ALL_FLAGS;
    return 0;
}
