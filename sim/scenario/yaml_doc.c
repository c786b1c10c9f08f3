/* YAML -> struct ynode tree, from libyaml's event API (see yaml_doc.h).
 * libyaml marks are 0-based; every position stored here is 1-based. */
#include "yaml_doc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#define YDOC_MAX_DEPTH 64 /* nesting deeper than this is a mistake, not a scenario */

struct ynode *ydoc_new(enum ynode_kind kind, const char *text, const char *origin)
{
    struct ynode *node = calloc(1, sizeof *node);
    if (!node)
        return NULL;
    node->kind = kind;
    node->text = strdup(text ? text : "");
    if (!node->text) {
        free(node);
        return NULL;
    }
    node->plain = true;
    node->origin = origin;
    return node;
}

void ydoc_free(struct ynode *node)
{
    if (!node)
        return;
    for (size_t i = 0; i < node->count; i++)
        ydoc_free(node->kids[i]);
    free(node->kids);
    free(node->text);
    free(node);
}

int ydoc_append(struct ynode *parent, struct ynode *child)
{
    if (parent->count == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 8;
        struct ynode **kids = realloc(parent->kids, cap * sizeof *kids);
        if (!kids)
            return -1;
        parent->kids = kids;
        parent->cap = cap;
    }
    parent->kids[parent->count++] = child;
    return 0;
}

struct ynode *ydoc_copy(const struct ynode *node)
{
    struct ynode *copy = ydoc_new(node->kind, node->text, node->origin);
    if (!copy)
        return NULL;
    copy->line = node->line;
    copy->col = node->col;
    copy->plain = node->plain;
    copy->quoted = node->quoted;
    for (size_t i = 0; i < node->count; i++) {
        struct ynode *kid = ydoc_copy(node->kids[i]);
        if (!kid || ydoc_append(copy, kid) < 0) {
            ydoc_free(kid);
            ydoc_free(copy);
            return NULL;
        }
    }
    return copy;
}

struct ynode *ydoc_get(const struct ynode *map, const char *key)
{
    if (!map || map->kind != YNODE_MAP)
        return NULL;
    for (size_t i = 0; i < ydoc_pairs(map); i++)
        if (strcmp(ydoc_key(map, i)->text, key) == 0)
            return ydoc_value(map, i);
    return NULL;
}

int ydoc_set(struct ynode *map, struct ynode *key, struct ynode *value)
{
    for (size_t i = 0; i < ydoc_pairs(map); i++) {
        if (strcmp(ydoc_key(map, i)->text, key->text) == 0) {
            ydoc_free(map->kids[2 * i + 1]);
            map->kids[2 * i + 1] = value;
            ydoc_free(key);
            return 0;
        }
    }
    if (ydoc_append(map, key) < 0) {
        ydoc_free(key);
        ydoc_free(value);
        return -1;
    }
    if (ydoc_append(map, value) < 0) {
        map->count--; /* take the key back out: the map must hold pairs */
        ydoc_free(key);
        ydoc_free(value);
        return -1;
    }
    return 0;
}

bool ydoc_is_null(const struct ynode *node)
{
    if (!node || node->kind != YNODE_SCALAR || !node->plain)
        return false;
    const char *t = node->text;
    return !*t || !strcmp(t, "~") || !strcmp(t, "null") || !strcmp(t, "Null") || !strcmp(t, "NULL");
}

/* ---- building the tree from events ---- */

/* Every key seen so far, by (map, text): the duplicate check is one hash
 * probe per key, so a map of n keys is read in O(n), not O(n^2). */
struct ydoc_key_slot {
    const struct ynode *map; /* NULL: the slot is free */
    const struct ynode *key;
    size_t hash;
};

struct ydoc_keyset {
    struct ydoc_key_slot *slots;
    size_t cap; /* a power of two, or 0 */
    size_t used;
};

struct ydoc_builder {
    const char *text;
    size_t len;
    struct ynode *root;
    struct ynode *stack[YDOC_MAX_DEPTH];
    int depth;
    int documents;
    size_t nodes; /* made so far, bounded by YDOC_MAX_NODES */
    struct ydoc_keyset keys;
    struct ydoc_error *err;
};

static size_t ydoc_key_hash(const struct ynode *map, const char *text)
{
    uint64_t h = 14695981039346656037u ^ (uint64_t)(uintptr_t)map; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return (size_t)(h ^ (h >> 29));
}

static struct ydoc_key_slot *ydoc_key_find(const struct ydoc_keyset *ks, const struct ynode *map,
                                           const char *text, size_t hash)
{
    size_t mask = ks->cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        struct ydoc_key_slot *s = &ks->slots[i];
        if (!s->map || (s->map == map && s->hash == hash && strcmp(s->key->text, text) == 0))
            return s;
    }
}

static int ydoc_key_grow(struct ydoc_keyset *ks)
{
    size_t cap = ks->cap ? ks->cap * 2 : 64;
    struct ydoc_keyset bigger = {calloc(cap, sizeof *bigger.slots), cap, ks->used};
    if (!bigger.slots)
        return -1;
    for (size_t i = 0; i < ks->cap; i++)
        if (ks->slots[i].map)
            *ydoc_key_find(&bigger, ks->slots[i].map, ks->slots[i].key->text, ks->slots[i].hash) =
                ks->slots[i];
    free(ks->slots);
    *ks = bigger;
    return 0;
}

/* Records `key` of `map`; returns the earlier key of the same text, or NULL
 * (and sets *oom when the set could not grow). */
static const struct ynode *ydoc_key_add(struct ydoc_keyset *ks, const struct ynode *map,
                                        const struct ynode *key, bool *oom)
{
    if ((ks->used + 1) * 2 > ks->cap && ydoc_key_grow(ks) < 0) {
        *oom = true;
        return NULL;
    }
    size_t hash = ydoc_key_hash(map, key->text);
    struct ydoc_key_slot *s = ydoc_key_find(ks, map, key->text, hash);
    if (s->map)
        return s->key;
    *s = (struct ydoc_key_slot){map, key, hash};
    ks->used++;
    return NULL;
}

static int ydoc_fail(struct ydoc_builder *b, yaml_mark_t mark, const char *msg)
{
    b->err->line = (int)mark.line + 1;
    b->err->col = (int)mark.column + 1;
    snprintf(b->err->msg, sizeof b->err->msg, "%s", msg);
    return -1;
}

/* Where the 0-based `line` starts in the text, or NULL past the end. */
static const char *ydoc_line_start(const char *text, size_t len, size_t line)
{
    const char *p = text, *end = text + len;
    for (size_t l = 0; l < line; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        p = nl + 1;
    }
    return p;
}

/* libyaml reports a tab in indentation as "found character that cannot start
 * any token"; people deserve a plainer hint. Returns the 1-based column of a
 * tab in the line's leading whitespace, or 0. */
static int ydoc_indent_tab(const char *text, size_t len, size_t line)
{
    const char *p = ydoc_line_start(text, len, line), *end = text + len;
    if (!p)
        return 0;
    for (int col = 1; p < end && (*p == ' ' || *p == '\t'); p++, col++)
        if (*p == '\t')
            return col;
    return 0;
}

static int ydoc_parser_error(struct ydoc_builder *b, const yaml_parser_t *parser)
{
    char msg[sizeof b->err->msg];
    yaml_mark_t mark = parser->problem_mark;
    const char *problem = parser->problem ? parser->problem : "unknown problem";

    if (parser->error == YAML_MEMORY_ERROR)
        return ydoc_fail(b, mark, "out of memory");
    if (parser->error == YAML_READER_ERROR) {
        /* The reader reports a byte offset, not a mark. */
        size_t off = parser->problem_offset < b->len ? parser->problem_offset : b->len;
        mark.line = 0;
        mark.column = 0;
        for (size_t i = 0; i < off; i++) {
            if (b->text[i] == '\n') {
                mark.line++;
                mark.column = 0;
            } else if (((unsigned char)b->text[i] & 0xC0) != 0x80) {
                mark.column++;
            }
        }
        snprintf(msg, sizeof msg, "YAML syntax error: %s", problem);
        return ydoc_fail(b, mark, msg);
    }
    int tab = ydoc_indent_tab(b->text, b->len, mark.line);
    if (tab > 0) {
        mark.column = (size_t)tab - 1;
        return ydoc_fail(b, mark, "tabs are not allowed for indentation; use spaces");
    }
    if (parser->context)
        snprintf(msg, sizeof msg, "YAML syntax error: %s (%s)", problem, parser->context);
    else
        snprintf(msg, sizeof msg, "YAML syntax error: %s", problem);
    return ydoc_fail(b, mark, msg);
}

/* Attaches a new node to the open collection (or makes it the root). */
static int ydoc_attach(struct ydoc_builder *b, struct ynode *node, yaml_mark_t mark)
{
    if (++b->nodes > YDOC_MAX_NODES) {
        ydoc_free(node);
        return ydoc_fail(b, mark,
                         "too many YAML nodes (a scenario holds at most " YDOC_MAX_NODES_TEXT
                         " keys, values and items; use workloads: for large client populations)");
    }
    if (b->depth == 0) {
        b->root = node;
        return 0;
    }
    struct ynode *parent = b->stack[b->depth - 1];
    if (parent->kind == YNODE_MAP && parent->count % 2 == 0) {
        /* Key position. */
        if (node->kind != YNODE_SCALAR) {
            ydoc_free(node);
            return ydoc_fail(b, mark, "a mapping key must be a plain name, not a list or mapping");
        }
        bool oom = false;
        const struct ynode *prev = ydoc_key_add(&b->keys, parent, node, &oom);
        if (oom) {
            ydoc_free(node);
            return ydoc_fail(b, mark, "out of memory");
        }
        if (prev) {
            char msg[sizeof b->err->msg];
            snprintf(msg, sizeof msg, "duplicate key '%.100s' (first at line %d)", node->text,
                     prev->line);
            ydoc_free(node);
            return ydoc_fail(b, mark, msg);
        }
    }
    if (ydoc_append(parent, node) < 0) {
        ydoc_free(node);
        return ydoc_fail(b, mark, "out of memory");
    }
    return 0;
}

static int ydoc_open(struct ydoc_builder *b, enum ynode_kind kind, yaml_mark_t mark)
{
    if (b->depth == YDOC_MAX_DEPTH)
        return ydoc_fail(b, mark, "nesting too deep");
    struct ynode *node = ydoc_new(kind, "", NULL);
    if (!node)
        return ydoc_fail(b, mark, "out of memory");
    node->line = (int)mark.line + 1;
    node->col = (int)mark.column + 1;
    node->plain = false;
    if (ydoc_attach(b, node, mark) < 0)
        return -1;
    b->stack[b->depth++] = node;
    return 0;
}

static int ydoc_scalar(struct ydoc_builder *b, const yaml_event_t *ev)
{
    struct ynode *node = ydoc_new(YNODE_SCALAR, "", NULL);
    char *text = malloc(ev->data.scalar.length + 1);
    if (!node || !text) {
        ydoc_free(node);
        free(text);
        return ydoc_fail(b, ev->start_mark, "out of memory");
    }
    memcpy(text, ev->data.scalar.value, ev->data.scalar.length);
    text[ev->data.scalar.length] = '\0';
    free(node->text);
    node->text = text;
    node->line = (int)ev->start_mark.line + 1;
    node->col = (int)ev->start_mark.column + 1;
    node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    node->quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                   ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    return ydoc_attach(b, node, ev->start_mark);
}

/* Handles one event; returns 1 at the end of the stream, 0 to go on, -1 on error. */
static int ydoc_event(struct ydoc_builder *b, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_STREAM_END_EVENT: return 1;
    case YAML_DOCUMENT_START_EVENT:
        if (++b->documents > 1)
            return ydoc_fail(b, ev->start_mark,
                             "only one YAML document per file (remove this '---')");
        return 0;
    case YAML_ALIAS_EVENT:
        return ydoc_fail(b, ev->start_mark,
                         "aliases (*name) are not supported; write the value out");
    case YAML_SCALAR_EVENT: return ydoc_scalar(b, ev);
    case YAML_SEQUENCE_START_EVENT: return ydoc_open(b, YNODE_SEQ, ev->start_mark);
    case YAML_MAPPING_START_EVENT: return ydoc_open(b, YNODE_MAP, ev->start_mark);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: b->depth--; return 0;
    default: return 0;
    }
}

int ydoc_parse(const char *text, size_t len, struct ynode **root, struct ydoc_error *err)
{
    struct ydoc_builder b = {.text = text, .len = len, .err = err};
    yaml_parser_t parser;
    int rc = 0;

    *root = NULL;
    if (!yaml_parser_initialize(&parser)) {
        err->line = err->col = 1;
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    while (rc == 0) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = ydoc_parser_error(&b, &parser);
            break;
        }
        rc = ydoc_event(&b, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    free(b.keys.slots);
    if (rc < 0) {
        ydoc_free(b.root);
        return -1;
    }
    *root = b.root;
    return 0;
}
