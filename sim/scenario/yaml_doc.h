/* A small YAML node tree with source positions, built from libyaml's event
 * stream. The scenario loader reads the whole document into this tree first,
 * so it can apply keys in a fixed order whatever order the file wrote them in,
 * and so every error can point at the line and column of the node at fault.
 *
 * Only what scenarios need: scalars, mappings with scalar keys (duplicates
 * rejected), sequences. Anchors are ignored; aliases are rejected. */
#ifndef TCPSIM_YAML_DOC_H
#define TCPSIM_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

/* A document of more nodes is refused as it is read: memory stays bounded
 * (about 120 bytes a node) whatever the file holds. */
#define YDOC_MAX_NODES 1000000
#define YDOC_MAX_NODES_TEXT "1,000,000"

enum ynode_kind { YNODE_SCALAR, YNODE_MAP, YNODE_SEQ };

struct ynode {
    enum ynode_kind kind;
    int line, col;       /* 1-based position in the file; 0 for synthetic nodes */
    bool plain;          /* scalar written without quotes or block indicators */
    bool quoted;         /* scalar written as '...' or "..." */
    char *text;          /* scalar value, NUL-terminated ("" for other kinds) */
    struct ynode **kids; /* map: key, value, key, value, ...; seq: the items */
    size_t count;        /* entries used in kids (a map holds count / 2 pairs) */
    size_t cap;
    const char *origin; /* NULL: from the file; else the --set text that made it */
};

struct ydoc_error {
    int line, col; /* 1-based */
    char msg[256];
};

/* Parses `len` bytes of `text` (need not be NUL-terminated). On success
 * returns 0 and sets *root (NULL when the stream holds no document). On
 * failure returns -1 and fills `err`; nothing is left allocated. */
int ydoc_parse(const char *text, size_t len, struct ynode **root, struct ydoc_error *err);

/* A node made by the program rather than read from the file. NULL on ENOMEM. */
struct ynode *ydoc_new(enum ynode_kind kind, const char *text, const char *origin);
struct ynode *ydoc_copy(const struct ynode *node);
void ydoc_free(struct ynode *node);

/* Appends to a map (key then value) or a sequence; takes ownership. */
int ydoc_append(struct ynode *parent, struct ynode *child);

/* Map access: the value for `key`, or NULL. */
struct ynode *ydoc_get(const struct ynode *map, const char *key);
static inline size_t ydoc_pairs(const struct ynode *map) { return map->count / 2; }
static inline struct ynode *ydoc_key(const struct ynode *map, size_t i) { return map->kids[2 * i]; }
static inline struct ynode *ydoc_value(const struct ynode *map, size_t i)
{
    return map->kids[2 * i + 1];
}

/* Replaces the value of `key` in `map` (freeing the old one) or appends the
 * pair; takes ownership of both nodes. */
int ydoc_set(struct ynode *map, struct ynode *key, struct ynode *value);

/* A plain empty scalar, "~" or "null": the key was written with no value. */
bool ydoc_is_null(const struct ynode *node);

#endif
