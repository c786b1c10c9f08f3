/* First divergence of two timelines: both are walked in step and the first
 * pair of events that differs, under the options, is reported with the
 * fields that differ. Sequence numbers are compared relative to each side's
 * ISNs with ignore_isn (tl_rel_isn), when both sides' ISNs are known. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/timeline.h"

static bool ignored(const struct tl_diff_options *o, const char *key)
{
    if (strcmp(key, "t") == 0)
        return true; /* compared on its own, with the tolerance */
    if (o->ignore_window && strcmp(key, "win") == 0)
        return true;
    for (size_t i = 0; i < o->ignore_count; i++)
        if (strcmp(o->ignore_keys[i], key) == 0)
            return true;
    return false;
}

static void add_what(char *what, size_t size, const char *key, const char *a, const char *b)
{
    size_t n = strlen(what);
    if (n + 4 >= size)
        return;
    snprintf(what + n, size - n, "%s%s: %s vs %s", n ? ", " : "", key, a ? a : "(none)",
             b ? b : "(none)");
}

/* Compares one pair; fills `what` and returns true when they differ. */
static bool differ(const struct tl_event *a, const struct tl_event *b, struct tl_rel *ra,
                   struct tl_rel *rb, const struct tl_diff_options *o, char *what, size_t size)
{
    what[0] = '\0';
    int64_t dt = a->t > b->t ? a->t - b->t : b->t - a->t;
    if (dt > o->time_tolerance) {
        char ta[32], tb[32];
        snprintf(ta, sizeof ta, "%" PRId64, (int64_t)a->t);
        snprintf(tb, sizeof tb, "%" PRId64, (int64_t)b->t);
        add_what(what, size, "t", ta, tb);
    }
    uint32_t sa = 0, aa = 0, sb = 0, ab = 0;
    if (strcmp(a->ev, b->ev) != 0) { /* different kinds: their fields say nothing more */
        tl_rel_isn(ra, a, &sa, &aa);
        tl_rel_isn(rb, b, &sb, &ab);
        add_what(what, size, "ev", a->ev, b->ev);
        return true;
    }
    bool known = tl_rel_isn(ra, a, &sa, &aa);
    known &= tl_rel_isn(rb, b, &sb, &ab);
    bool relative = o->ignore_isn && known;
    /* Keys of a, then keys only b has. */
    for (int side = 0; side < 2; side++) {
        const struct tl_event *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->count; i++) {
            const char *key = x->fields[i].key;
            if (ignored(o, key))
                continue;
            if (relative && (strcmp(key, "seq") == 0 || strcmp(key, "ack") == 0))
                continue;
            const char *other = tl_get(y, key);
            if (side && other)
                continue; /* compared in the first pass */
            if (!other || strcmp(x->fields[i].val, other) != 0)
                add_what(what, size, key, side ? other : x->fields[i].val,
                         side ? x->fields[i].val : other);
        }
    }
    if (relative) {
        char xa[16], xb[16];
        if (sa != sb) {
            snprintf(xa, sizeof xa, "%" PRIu32, sa);
            snprintf(xb, sizeof xb, "%" PRIu32, sb);
            add_what(what, size, "seq (relative)", xa, xb);
        }
        if (aa != ab) {
            snprintf(xa, sizeof xa, "%" PRIu32, aa);
            snprintf(xb, sizeof xb, "%" PRIu32, ab);
            add_what(what, size, "ack (relative)", xa, xb);
        }
    }
    return what[0] != '\0';
}

int timeline_diff(const struct timeline *a, const struct timeline *b,
                  const struct tl_diff_options *o, struct tl_diff_result *r)
{
    memset(r, 0, sizeof *r);
    struct tl_rel *ra = tl_rel_new(), *rb = tl_rel_new();
    if (!ra || !rb) {
        tl_rel_free(ra);
        tl_rel_free(rb);
        return -1;
    }
    size_t n = a->count < b->count ? a->count : b->count, i;
    for (i = 0; i < n; i++)
        if (differ(&a->events[i], &b->events[i], ra, rb, o, r->what, sizeof r->what))
            break;
    r->index = i;
    r->same = i == n && a->count == b->count;
    if (i == n && !r->same)
        snprintf(r->what, sizeof r->what, "%s ends after %zu events, %s goes on to %zu",
                 a->count < b->count ? a->name : b->name, n,
                 a->count < b->count ? b->name : a->name,
                 a->count < b->count ? b->count : a->count);
    tl_rel_free(ra);
    tl_rel_free(rb);
    return 0;
}
