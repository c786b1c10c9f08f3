/* The scenario's socket names ("conn", "listener", `as:` names), per host:
 * an array in binding order plus an open-addressing hash index on
 * (host, name), so each step finds its socket in O(1) however many names the
 * scenario binds (a linear search made 60,000-step scenarios quadratic).
 * Names are never removed: a name keeps its first socket for expectations. */
#include <stdlib.h>
#include <string.h>

#include "sock_names.h"

#define SOCK_NAMES_MIN_INDEX 64 /* slots; always a power of two, at most half full */

/* FNV-1a over the host and the name: cheap, and the same on every run. */
static uint64_t sock_names_hash(int host, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)(unsigned)host;
    h *= 0x100000001b3ull;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ull;
    }
    return h;
}

/* The index slot holding (host, name), or the empty slot where it would go. */
static size_t sock_names_probe(const struct sock_names *n, int host, const char *name)
{
    size_t mask = n->index_cap - 1;
    for (size_t i = (size_t)sock_names_hash(host, name) & mask;; i = (i + 1) & mask) {
        uint32_t at = n->index[i];
        if (at == 0)
            return i;
        const struct sock_name *s = &n->v[at - 1];
        if (s->host == host && strcmp(s->name, name) == 0)
            return i;
    }
}

struct sock_name *sock_names_find(const struct sock_names *n, int host, const char *name)
{
    if (n->index_cap == 0)
        return NULL;
    uint32_t at = n->index[sock_names_probe(n, host, name)];
    return at ? &n->v[at - 1] : NULL;
}

static int sock_names_reindex(struct sock_names *n, size_t cap)
{
    uint32_t *index = calloc(cap, sizeof *index);
    if (!index)
        return -1;
    free(n->index);
    n->index = index;
    n->index_cap = cap;
    for (size_t i = 0; i < n->count; i++)
        n->index[sock_names_probe(n, n->v[i].host, n->v[i].name)] = (uint32_t)(i + 1);
    return 0;
}

struct sock_name *sock_names_add(struct sock_names *n, int host, const char *name)
{
    if (n->count >= UINT32_MAX - 1)
        return NULL;
    if (n->count == n->cap) {
        size_t cap = n->cap ? 2 * n->cap : 16;
        struct sock_name *grown = realloc(n->v, cap * sizeof *grown);
        if (!grown)
            return NULL;
        n->v = grown;
        n->cap = cap;
    }
    if (2 * (n->count + 1) > n->index_cap &&
        sock_names_reindex(n, n->index_cap ? 2 * n->index_cap : SOCK_NAMES_MIN_INDEX))
        return NULL;
    char *copy = strdup(name);
    if (!copy)
        return NULL;
    struct sock_name *s = &n->v[n->count];
    memset(s, 0, sizeof *s);
    s->host = host;
    s->name = copy;
    n->index[sock_names_probe(n, host, name)] = (uint32_t)(++n->count);
    return s;
}

void sock_names_free(struct sock_names *n)
{
    for (size_t i = 0; i < n->count; i++)
        free(n->v[i].name);
    free(n->v);
    free(n->index);
    memset(n, 0, sizeof *n);
}
