/* --set KEY=VALUE: each override is merged into the YAML tree before any
 * section is read, as a scalar written at its dotted path
 * ("link.loss=2%" becomes link: {loss: 2%}). The nodes it makes remember the
 * override, so an error in one reads "--set link.loss=200%: loss over 100%".
 *
 * Command-line values beat the file: `tcp.F` also lands in every host's
 * tcp: map and `link.K` in every link.directions entry, so they win over the
 * file's more specific settings, as someone typing --set would expect. */
#include "scenario_internal.h"

#include <stdio.h>
#include <string.h>

#define SCN_PATH_MAX 8

/* An error about the override as a whole (no node of its own yet). */
static int scn_set_error(struct scn_ctx *ctx, const char *ov, const char *msg, const char *arg)
{
    struct ynode at = {.kind = YNODE_SCALAR, .text = "", .origin = ov};
    return scn_error(ctx, &at, msg, arg);
}

/* Writes `value` at segs[0..n) under `map`, making mappings on the way.
 * Takes ownership of `value`. */
static int scn_set_path(struct scn_ctx *ctx, struct ynode *map, char **segs, size_t n,
                        struct ynode *value, const char *ov)
{
    struct ynode *cur = map;
    for (size_t i = 0; i + 1 < n; i++) {
        struct ynode *next = ydoc_get(cur, segs[i]);
        if (!next || ydoc_is_null(next)) {
            struct ynode *key = ydoc_new(YNODE_SCALAR, segs[i], ov);
            next = ydoc_new(YNODE_MAP, "", ov);
            if (!key || !next || ydoc_set(cur, key, next) < 0) {
                ydoc_free(value);
                return scn_set_error(ctx, ov, "%s", "out of memory");
            }
        } else if (next->kind != YNODE_MAP) {
            ydoc_free(value);
            return scn_set_error(ctx, ov, "'%s' is not a mapping in the file", segs[i]);
        }
        cur = next;
    }
    struct ynode *key = ydoc_new(YNODE_SCALAR, segs[n - 1], ov);
    if (!key || ydoc_set(cur, key, value) < 0)
        return scn_set_error(ctx, ov, "%s", "out of memory");
    return 0;
}

/* Writes a copy of `value` at p0.p1.p2.last. */
static int scn_set_also(struct scn_ctx *ctx, struct ynode *root, const char *p0, const char *p1,
                        const char *p2, const char *last, const struct ynode *value, const char *ov)
{
    char *segs[4] = {(char *)p0, (char *)p1, (char *)p2, (char *)last};
    struct ynode *copy = ydoc_copy(value);
    if (!copy)
        return scn_set_error(ctx, ov, "%s", "out of memory");
    return scn_set_path(ctx, root, segs, 4, copy, ov);
}

static int scn_check_host(struct scn_ctx *ctx, const struct ynode *root, const char *name,
                          const char *ov)
{
    const struct ynode *hosts = ydoc_get(root, "hosts");
    const char *names[8];
    char list[256], msg[512];
    size_t n = 0;

    if (!hosts || hosts->kind != YNODE_MAP)
        return 0; /* reported when hosts: is read */
    for (size_t i = 0; i < ydoc_pairs(hosts) && n < 8; i++)
        names[n++] = ydoc_key(hosts, i)->text;
    if (ydoc_get(hosts, name))
        return 0;
    scn_join(list, sizeof list, names, n);
    const char *near = scn_nearest(name, names, n);
    snprintf(msg, sizeof msg, "unknown host '%.80s'; hosts are: %s%s%s%s", name, list,
             near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    return scn_set_error(ctx, ov, "%s", msg);
}

/* The more specific places a broad override must also reach. */
static int scn_spread(struct scn_ctx *ctx, struct ynode *root, char **segs, size_t n,
                      const struct ynode *value, const char *ov)
{
    if (n == 2 && !strcmp(segs[0], "tcp")) {
        const struct ynode *hosts = ydoc_get(root, "hosts");
        for (size_t i = 0; hosts && hosts->kind == YNODE_MAP && i < ydoc_pairs(hosts); i++)
            if (scn_set_also(ctx, root, "hosts", ydoc_key(hosts, i)->text, "tcp", segs[1], value,
                             ov) < 0)
                return -1;
    }
    if (n == 2 && !strcmp(segs[0], "link") && strcmp(segs[1], "directions") != 0) {
        const struct ynode *dirs = ydoc_get(ydoc_get(root, "link"), "directions");
        for (size_t i = 0; dirs && dirs->kind == YNODE_MAP && i < ydoc_pairs(dirs); i++)
            if (scn_set_also(ctx, root, "link", "directions", ydoc_key(dirs, i)->text, segs[1],
                             value, ov) < 0)
                return -1;
    }
    return 0;
}

static int scn_override(struct scn_ctx *ctx, struct ynode *root, const char *ov)
{
    char path[256];
    char *segs[SCN_PATH_MAX];
    size_t n = 0;
    const char *eq = strchr(ov, '=');

    if (!eq || eq == ov)
        return scn_set_error(ctx, ov, "%s", "expected KEY=VALUE, like link.loss=1%");
    if ((size_t)(eq - ov) >= sizeof path)
        return scn_set_error(ctx, ov, "%s", "key too long");
    memcpy(path, ov, (size_t)(eq - ov));
    path[eq - ov] = '\0';
    for (char *p = path; n < SCN_PATH_MAX;) {
        segs[n++] = p;
        char *dot = strchr(p, '.');
        if (!dot)
            break;
        *dot = '\0';
        p = dot + 1;
    }
    for (size_t i = 0; i < n; i++)
        if (!*segs[i])
            return scn_set_error(ctx, ov, "%s", "empty name in the dotted key");
    if (n == SCN_PATH_MAX)
        return scn_set_error(ctx, ov, "%s", "key nested too deeply");
    if (!strcmp(segs[0], "hosts")) {
        if (n < 3)
            return scn_set_error(ctx, ov, "%s",
                                 "name a host setting, like hosts.client.tcp.keepalive=true");
        if (scn_check_host(ctx, root, segs[1], ov) < 0)
            return -1;
    }
    struct ynode *value = ydoc_new(YNODE_SCALAR, eq + 1, ov);
    if (!value)
        return scn_set_error(ctx, ov, "%s", "out of memory");
    if (scn_spread(ctx, root, segs, n, value, ov) < 0) {
        ydoc_free(value);
        return -1;
    }
    return scn_set_path(ctx, root, segs, n, value, ov);
}

int scn_apply_overrides(struct scn_ctx *ctx, struct ynode *root, const char *const *overrides,
                        size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (scn_override(ctx, root, overrides[i]) < 0)
            return -1;
    return 0;
}
