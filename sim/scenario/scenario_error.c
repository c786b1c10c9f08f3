/* Error messages of the scenario loader: "file:line:col: message", then the
 * source line and a caret under the column, as compilers print them; and the
 * "did you mean" suggestions for misspelt keys, calls, hosts and states. */
#include "scenario_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define SCN_QUOTE_MAX 200 /* longest source line quoted under a message */

/* The 1-based `line` of the source, without its newline; length in *len. */
static const char *scn_source_line(const struct scn_ctx *ctx, int line, size_t *len)
{
    const char *p = ctx->src, *end = ctx->src + ctx->src_len;
    if (!p)
        return NULL;
    for (int l = 1; l < line; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        p = nl + 1;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (n > 0 && p[n - 1] == '\r')
        n--;
    *len = n;
    return p;
}

/* Code points in the first `bytes` bytes of s (columns count characters). */
static int scn_chars(const char *s, size_t bytes)
{
    int n = 0;
    for (size_t i = 0; i < bytes && s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* The source line, then a caret under `col`, copying tabs so it lines up. */
static void scn_quote(const struct scn_ctx *ctx, int line, int col, char *out, size_t size)
{
    size_t len, used = 0;
    const char *src = scn_source_line(ctx, line, &len);
    if (!src || len > SCN_QUOTE_MAX || size < 4)
        return;
    used += (size_t)snprintf(out, size, "\n%.*s\n", (int)len, src);
    for (int c = 1, i = 0; c < col && used + 2 < size; c++) {
        char pad = (size_t)i < len && src[i] == '\t' ? '\t' : ' ';
        out[used++] = pad;
        /* step over one whole character of the source line */
        if ((size_t)i < len)
            for (i++; (size_t)i < len && ((unsigned char)src[i] & 0xC0) == 0x80; i++)
                ;
    }
    if (used + 2 <= size) {
        out[used++] = '^';
        out[used] = '\0';
    }
}

int scn_error_at(struct scn_ctx *ctx, const struct ynode *node, size_t byte_offset, const char *fmt,
                 ...)
{
    char msg[SCENARIO_ERROR_MAX];
    char quote[SCN_QUOTE_MAX * 2 + 16] = "";
    va_list ap;

    if (!ctx->error || ctx->error_size == 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    if (node && node->origin) {
        snprintf(ctx->error, ctx->error_size, "--set %s: %s", node->origin, msg);
    } else if (!node || node->line == 0) {
        snprintf(ctx->error, ctx->error_size, "%s: %s", ctx->file, msg);
    } else {
        int col = node->col;
        if (byte_offset != SCN_WHOLE)
            col += scn_chars(node->text, byte_offset) + (node->quoted ? 1 : 0); /* the quote */
        scn_quote(ctx, node->line, col, quote, sizeof quote);
        snprintf(ctx->error, ctx->error_size, "%s:%d:%d: %s%s", ctx->file, node->line, col, msg,
                 quote);
    }
    return -1;
}

/* Optimal string alignment distance (Levenshtein plus adjacent swaps),
 * ignoring case: "dalay" -> "delay" is 1, "dealy" -> "delay" is 1. */
static size_t scn_distance(const char *a, const char *b)
{
    enum { MAXLEN = 40 };
    size_t la = strlen(a), lb = strlen(b);
    size_t d[MAXLEN + 1][MAXLEN + 1];

    if (la > MAXLEN || lb > MAXLEN)
        return (size_t)-1;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t cost = ca != cb;
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

/* Same letters in another order ("mls" and "msl"), ignoring case. */
static bool scn_anagram(const char *a, const char *b)
{
    int count[256] = {0};
    if (strlen(a) != strlen(b))
        return false;
    for (; *a; a++, b++) {
        count[tolower((unsigned char)*a)]++;
        count[tolower((unsigned char)*b)]--;
    }
    for (int i = 0; i < 256; i++)
        if (count[i])
            return false;
    return true;
}

const char *scn_nearest(const char *word, const char *const *cands, size_t n)
{
    /* Two edits for real words; one for very short ones, where two edits
     * turn anything into anything. */
    size_t limit = strlen(word) <= 3 ? 1 : 2;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        size_t dist = scn_distance(word, cands[i]);
        bool better = dist < best_d || (dist == best_d && best && !scn_anagram(word, best) &&
                                        scn_anagram(word, cands[i]));
        if (better && dist < strlen(cands[i])) {
            best = cands[i];
            best_d = dist;
        }
    }
    return best;
}

void scn_join(char *out, size_t size, const char *const *cands, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf(out + used, size - used, "%s%s", i ? ", " : "", cands[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int scn_unknown(struct scn_ctx *ctx, const struct ynode *node, size_t byte_offset, const char *what,
                const char *where, const char *word, const char *const *cands, size_t n)
{
    char in[128] = "", list[512];
    const char *near = scn_nearest(word, cands, n);

    if (where)
        snprintf(in, sizeof in, " in %s", where);
    if (near)
        return scn_error_at(ctx, node, byte_offset, "unknown %s '%.80s'%s; did you mean '%s'?",
                            what, word, in, near);
    scn_join(list, sizeof list, cands, n);
    return scn_error_at(ctx, node, byte_offset, "unknown %s '%.80s'%s; valid %ss are: %s", what,
                        word, in, what, list);
}

int scn_check_keys(struct scn_ctx *ctx, const struct ynode *map, const char *const *keys, size_t n,
                   const char *where)
{
    for (size_t i = 0; i < ydoc_pairs(map); i++) {
        const struct ynode *key = ydoc_key(map, i);
        size_t k = 0;
        while (k < n && strcmp(key->text, keys[k]) != 0)
            k++;
        if (k == n)
            return scn_unknown(ctx, key, SCN_WHOLE, "key", where, key->text, keys, n);
    }
    return 0;
}
