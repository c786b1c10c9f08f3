/* The packetdrill lexer: the whole buffer becomes an array of tokens with
 * their line and column. Whitespace, `//` and C comments separate tokens;
 * numbers follow packetdrill's lexer (an integer, 0x hex, a float with a
 * fraction, "..." before a digit stays an ellipsis: `+0...0.2`). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_internal.h"

struct lx {
    const char *p, *end;
    int line, col;
    struct pk_lexer_out *out;
    size_t cap;
    char *err;
    size_t errlen;
};

static void adv(struct lx *l, size_t n)
{
    while (n-- && l->p < l->end) {
        if (*l->p == '\n') {
            l->line++;
            l->col = 1;
        } else {
            l->col++;
        }
        l->p++;
    }
}

static int lx_error(struct lx *l, int line, int col, const char *msg)
{
    snprintf(l->err, l->errlen, "%d:%d: %s", line, col, msg);
    return -1;
}

static struct pk_token *push(struct lx *l)
{
    if (l->out->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        struct pk_token *t = realloc(l->out->toks, cap * sizeof *t);
        if (!t)
            return NULL;
        l->out->toks = t;
        l->cap = cap;
    }
    struct pk_token *t = &l->out->toks[l->out->count++];
    memset(t, 0, sizeof *t);
    t->line = l->line;
    t->col = l->col;
    t->text = l->p;
    return t;
}

static bool starts(const struct lx *l, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(l->end - l->p) >= n && memcmp(l->p, s, n) == 0;
}

/* Skips whitespace and comments; returns -1 on an unterminated comment. */
static int skip_space(struct lx *l, bool *skipped)
{
    for (;;) {
        if (l->p < l->end && isspace((unsigned char)*l->p)) {
            adv(l, 1);
            *skipped = true;
        } else if (starts(l, "//")) {
            while (l->p < l->end && *l->p != '\n')
                adv(l, 1);
            *skipped = true;
        } else if (starts(l, "/*")) {
            int line = l->line, col = l->col;
            adv(l, 2);
            while (l->p < l->end && !starts(l, "*/"))
                adv(l, 1);
            if (l->p >= l->end)
                return lx_error(l, line, col, "unterminated /* comment");
            adv(l, 2);
            *skipped = true;
        } else {
            return 0;
        }
    }
}

/* A quoted run up to `close` (backslash escapes the next character). */
static int quoted(struct lx *l, struct pk_token *t, enum pk_tok kind, const char *close,
                  const char *what)
{
    size_t open = kind == PK_CODE ? 2 : 1;
    size_t cl = strlen(close);
    adv(l, open);
    t->kind = kind;
    t->text = l->p;
    while (l->p < l->end && !starts(l, close)) {
        if (*l->p == '\\' && kind != PK_CODE && l->p + 1 < l->end)
            adv(l, 1);
        adv(l, 1);
    }
    if (l->p >= l->end) {
        char msg[64];
        snprintf(msg, sizeof msg, "unterminated %s", what);
        return lx_error(l, t->line, t->col, msg);
    }
    t->len = (size_t)(l->p - t->text);
    adv(l, cl);
    return 0;
}

static int number(struct lx *l, struct pk_token *t)
{
    const char *s = l->p;
    const char *q = s;
    if (*q == '-')
        q++;
    if (q[0] == '0' && q + 1 < l->end && (q[1] == 'x' || q[1] == 'X') && q + 2 < l->end &&
        isxdigit((unsigned char)q[2])) {
        q += 2;
        uint64_t v = 0;
        while (q < l->end && isxdigit((unsigned char)*q)) {
            int d = isdigit((unsigned char)*q) ? *q - '0' : (tolower((unsigned char)*q) - 'a' + 10);
            v = v * 16 + (uint64_t)d;
            q++;
        }
        t->kind = PK_INT;
        t->ival = (int64_t)v;
        if (*s == '-')
            t->ival = -t->ival;
    } else {
        while (q < l->end && isdigit((unsigned char)*q))
            q++;
        bool is_float = q + 1 < l->end && *q == '.' && isdigit((unsigned char)q[1]);
        if (is_float) {
            q++;
            while (q < l->end && isdigit((unsigned char)*q))
                q++;
        }
        char buf[64];
        size_t n = (size_t)(q - s);
        if (n >= sizeof buf)
            return lx_error(l, t->line, t->col, "number too long");
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (is_float) {
            t->kind = PK_FLOAT;
            t->fval = strtod(buf, NULL);
        } else {
            t->kind = PK_INT;
            t->ival = strtoll(buf, NULL, 10);
        }
    }
    /* A number glued to letters is a word (e.g. 2nd): keep packetdrill's view
     * that words are [A-Za-z0-9_]+ only when it starts with a letter. */
    t->len = (size_t)(q - s);
    adv(l, t->len);
    return 0;
}

/* Length of a dotted-quad IPv4 address at p, or 0. */
static size_t ipv4_len(const char *p, const char *end)
{
    const char *q = p;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (q >= end || *q != '.')
                return 0;
            q++;
        }
        const char *d = q;
        while (q < end && isdigit((unsigned char)*q))
            q++;
        if (q == d || q - d > 3)
            return 0;
    }
    return (size_t)(q - p);
}

int pk_lex(const char *buf, size_t len, struct pk_lexer_out *out, char *err, size_t errlen)
{
    struct lx l = {
        .p = buf, .end = buf + len, .line = 1, .col = 1, .out = out, .err = err, .errlen = errlen};
    out->toks = NULL;
    out->count = 0;
    for (;;) {
        bool skipped = false;
        if (skip_space(&l, &skipped))
            return -1;
        struct pk_token *t = push(&l);
        if (!t)
            return lx_error(&l, l.line, l.col, "out of memory");
        t->space_before = skipped;
        if (l.p >= l.end) {
            t->kind = PK_EOF;
            return 0;
        }
        unsigned char c = (unsigned char)*l.p;
        if (c == '\0')
            return lx_error(&l, l.line, l.col, "unexpected NUL byte");
        if (c == '"') {
            if (quoted(&l, t, PK_STRING, "\"", "string"))
                return -1;
        } else if (c == '`') {
            if (quoted(&l, t, PK_BACKQ, "`", "`command`"))
                return -1;
        } else if (starts(&l, "%{")) {
            if (quoted(&l, t, PK_CODE, "}%", "%{ code }%"))
                return -1;
        } else if (starts(&l, "...")) {
            t->kind = PK_ELLIPSIS;
            t->len = 3;
            adv(&l, 3);
        } else if (starts(&l, "--") && l.p + 2 < l.end && isalpha((unsigned char)l.p[2])) {
            adv(&l, 2);
            t->kind = PK_OPTION;
            t->text = l.p;
            while (l.p < l.end && (isalnum((unsigned char)*l.p) || *l.p == '_'))
                adv(&l, 1);
            t->len = (size_t)(l.p - t->text);
        } else if (isdigit(c) && ipv4_len(l.p, l.end)) { /* 192.0.2.1 */
            t->kind = PK_WORD;
            t->len = ipv4_len(l.p, l.end);
            adv(&l, t->len);
        } else if (isdigit(c) || (c == '.' && l.p + 1 < l.end && isdigit((unsigned char)l.p[1])) ||
                   (c == '-' && l.p + 1 < l.end && isdigit((unsigned char)l.p[1]))) {
            if (number(&l, t))
                return -1;
            /* 0x2a or 12ab: a run of word characters continues a word */
            if (l.p < l.end && (isalpha((unsigned char)*l.p) || *l.p == '_') && t->kind == PK_INT &&
                t->text[0] != '-') {
                while (l.p < l.end && (isalnum((unsigned char)*l.p) || *l.p == '_'))
                    adv(&l, 1);
                t->kind = PK_WORD;
                t->len = (size_t)(l.p - t->text);
            }
        } else if (isalpha(c) || c == '_') {
            t->kind = PK_WORD;
            while (l.p < l.end && (isalnum((unsigned char)*l.p) || *l.p == '_'))
                adv(&l, 1);
            t->len = (size_t)(l.p - t->text);
        } else if (strchr("<>:()[]{},=|+*~.-!;&/", (int)c)) {
            t->kind = PK_PUNCT;
            t->punct = (char)c;
            t->len = 1;
            adv(&l, 1);
        } else {
            char msg[64];
            if (isprint(c))
                snprintf(msg, sizeof msg, "unexpected character '%c'", c);
            else
                snprintf(msg, sizeof msg, "unexpected byte 0x%02x", c);
            return lx_error(&l, l.line, l.col, msg);
        }
    }
}
