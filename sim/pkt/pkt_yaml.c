/* The scripted peer in YAML, for people who never wrote packetdrill: a
 * scenario whose `peer:` list says, step by step, what the peer sends
 * (`send:`), what the endpoint must send back (`expect:`), and what the
 * endpoint's application calls (`app:`, in packetdrill's call syntax):
 *
 *   name: rst-challenge
 *   defaults: packetdrill          # the kernel selftests' defaults.sh
 *   peer:
 *     - {at: 0, app: "socket(..., SOCK_STREAM, IPPROTO_TCP) = 3"}
 *     - {at: +0, send: {flags: S, seq: 0, win: 65535, options: "mss 1460, wscale 7"}}
 *     - {at: +0, expect: {flags: SA, seq: 0, ack: 1, options: any}}
 *
 * Each step becomes one packetdrill line, so both forms share one parser
 * and one run; errors and failures name the step's YAML line and column. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_internal.h"
#include "scenario/yaml_doc.h"

struct yb {
    char *text;
    size_t len, cap;
    bool oom;
};

static void yb_add(struct yb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void yb_add(struct yb *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n =
            vsnprintf(b->text ? b->text + b->len : NULL, b->text ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if (b->text && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 1024) + (size_t)n;
        char *t = realloc(b->text, cap);
        if (!t) {
            b->oom = true;
            return;
        }
        b->text = t;
        b->cap = cap;
    }
}

static int y_error(const char *file, const struct ynode *n, char *err, size_t errlen,
                   const char *msg, const char *arg)
{
    char m[256];
    snprintf(m, sizeof m, msg, arg);
    snprintf(err, errlen, "%s:%d:%d: %s", file, n ? n->line : 1, n ? n->col : 1, m);
    return PKT_BAD;
}

static const char *scalar(const struct ynode *n)
{
    return n && n->kind == YNODE_SCALAR ? n->text : NULL;
}

/* at: 0, 0.1, +0.1, 100ms, +2s, * -> packetdrill seconds. */
static bool at_text(const char *t, char *out, size_t len)
{
    if (strcmp(t, "*") == 0) {
        snprintf(out, len, "*");
        return true;
    }
    bool rel = t[0] == '+';
    char *end;
    double v = strtod(rel ? t + 1 : t, &end);
    if (end == (rel ? t + 1 : t) || v < 0)
        return false;
    if (strcmp(end, "ms") == 0)
        v /= 1e3;
    else if (strcmp(end, "us") == 0)
        v /= 1e6;
    else if (*end && strcmp(end, "s") != 0)
        return false;
    snprintf(out, len, "%s%.6f", rel ? "+" : "", v);
    return true;
}

/* flags: SA, S., FA, PA, R, A, ., - */
static bool flags_text(const char *t, char *out)
{
    size_t n = 0;
    bool ack = false;
    if (strcmp(t, "-") == 0 || strcmp(t, "none") == 0) {
        strcpy(out, "-");
        return true;
    }
    for (const char *c = t; *c; c++) {
        if (*c == 'A' || *c == '.')
            ack = true;
        else if (strchr("SFRPUEW", *c) && n < 7)
            out[n++] = *c;
        else
            return false;
    }
    if (ack)
        out[n++] = '.';
    out[n] = '\0';
    return n > 0;
}

static int packet_line(const char *file, const struct ynode *spec, bool inbound, struct yb *b,
                       char *err, size_t errlen)
{
    static const char *const keys[] = {"flags", "seq", "len", "ack", "win", "urg", "options"};
    if (!spec || spec->kind != YNODE_MAP)
        return y_error(file, spec, err, errlen, "expected {flags: ..., seq: ...} for '%s'",
                       inbound ? "send" : "expect");
    for (size_t i = 0; i < ydoc_pairs(spec); i++) {
        const char *k = ydoc_key(spec, i)->text;
        bool known = false;
        for (size_t j = 0; j < sizeof keys / sizeof keys[0]; j++)
            known = known || strcmp(k, keys[j]) == 0;
        if (!known)
            return y_error(file, ydoc_key(spec, i), err, errlen,
                           "unknown key '%s' (flags, seq, len, ack, win, urg, options)", k);
    }
    char flags[12];
    const char *f = scalar(ydoc_get(spec, "flags"));
    if (!f || !flags_text(f, flags))
        return y_error(file, ydoc_get(spec, "flags") ? ydoc_get(spec, "flags") : spec, err, errlen,
                       "expected flag letters from S F R P A U (e.g. SA, PA, A) for "
                       "'flags'%s",
                       "");
    unsigned long long seq = 0, len = 0;
    const char *v;
    if ((v = scalar(ydoc_get(spec, "seq"))))
        seq = strtoull(v, NULL, 10);
    if ((v = scalar(ydoc_get(spec, "len"))))
        len = strtoull(v, NULL, 10);
    yb_add(b, "%c %s %llu:%llu(%llu)", inbound ? '<' : '>', flags, seq, seq + len, len);
    if ((v = scalar(ydoc_get(spec, "ack"))))
        yb_add(b, " ack %s", v);
    if ((v = scalar(ydoc_get(spec, "win"))))
        yb_add(b, " win %s", v);
    if ((v = scalar(ydoc_get(spec, "urg"))))
        yb_add(b, " urg %s", v);
    const struct ynode *o = ydoc_get(spec, "options");
    if (o && o->kind == YNODE_SEQ) {
        yb_add(b, " <");
        for (size_t i = 0; i < o->count; i++)
            yb_add(b, "%s%s", i ? "," : "", scalar(o->kids[i]) ? o->kids[i]->text : "?");
        yb_add(b, ">");
    } else if ((v = scalar(o))) {
        yb_add(b, strcmp(v, "any") == 0 ? " <...>" : " <%s>", v);
    }
    return PKT_PASS;
}

static int step_line(const char *file, const struct ynode *st, struct yb *b, char *err,
                     size_t errlen)
{
    if (st->kind != YNODE_MAP)
        return y_error(file, st, err, errlen, "expected a step like {at: 0, send: {...}}%s", "");
    const char *at = scalar(ydoc_get(st, "at"));
    char when[64];
    if (!at || !at_text(at, when, sizeof when))
        return y_error(file, ydoc_get(st, "at") ? ydoc_get(st, "at") : st, err, errlen,
                       "expected a time for 'at' (0.1, +0.1, 100ms, +2s or *)%s", "");
    const char *kinds[] = {"send", "expect", "app", "shell", "code"};
    const struct ynode *what = NULL;
    size_t kind = 0;
    for (size_t i = 0; i < ydoc_pairs(st); i++) {
        const char *k = ydoc_key(st, i)->text;
        if (strcmp(k, "at") == 0)
            continue;
        bool known = false;
        for (size_t j = 0; j < 5; j++)
            if (strcmp(k, kinds[j]) == 0) {
                known = true;
                if (what)
                    return y_error(file, ydoc_key(st, i), err, errlen,
                                   "one of send, expect, app, shell or code per step, not also "
                                   "'%s'",
                                   k);
                what = ydoc_value(st, i);
                kind = j;
            }
        if (!known)
            return y_error(file, ydoc_key(st, i), err, errlen,
                           "unknown key '%s' (at, send, expect, app, shell, code)", k);
    }
    if (!what)
        return y_error(file, st, err, errlen, "a step needs send, expect, app, shell or code%s",
                       "");
    yb_add(b, "%s ", when);
    if (kind <= 1)
        return packet_line(file, what, kind == 0, b, err, errlen);
    const char *t = scalar(what);
    if (!t)
        return y_error(file, what, err, errlen, "expected text for '%s'", kinds[kind]);
    if (kind == 2)
        yb_add(b, "%s", t);
    else if (kind == 3)
        yb_add(b, "`%s`", t);
    else
        yb_add(b, "%%{ %s }%%", t);
    return PKT_PASS;
}

bool pkt_yaml_is_script(const char *buf, size_t len)
{
    struct ynode *root = NULL;
    struct ydoc_error e;
    if (ydoc_parse(buf, len, &root, &e) != 0 || !root)
        return false;
    bool yes = root->kind == YNODE_MAP && ydoc_get(root, "peer") != NULL;
    ydoc_free(root);
    return yes;
}

int pkt_parse_yaml(const char *file, const char *buf, size_t len, struct pkt_script **out,
                   char *err, size_t errlen)
{
    *out = NULL;
    struct ynode *root = NULL;
    struct ydoc_error e;
    if (ydoc_parse(buf, len, &root, &e) != 0) {
        snprintf(err, errlen, "%s:%d:%d: %s", file, e.line, e.col, e.msg);
        return PKT_BAD;
    }
    int rc = PKT_PASS;
    struct yb b = {0};
    const struct ynode **where = NULL;
    size_t nsteps = 0;
    const struct ynode *peer = root && root->kind == YNODE_MAP ? ydoc_get(root, "peer") : NULL;
    if (!peer || peer->kind != YNODE_SEQ || peer->count == 0) {
        rc = y_error(file, peer ? peer : root, err, errlen,
                     "expected a list of steps under 'peer:'%s", "");
        goto out;
    }
    static const char *const top[] = {
        "name", "description", "profile", "seed", "tolerance_usecs", "defaults", "peer"};
    for (size_t i = 0; i < ydoc_pairs(root); i++) {
        const char *k = ydoc_key(root, i)->text;
        bool known = false;
        for (size_t j = 0; j < sizeof top / sizeof top[0]; j++)
            known = known || strcmp(k, top[j]) == 0;
        if (!known) {
            rc = y_error(file, ydoc_key(root, i), err, errlen,
                         "unknown key '%s' in a peer scenario (name, description, profile, "
                         "seed, tolerance_usecs, defaults, peer)",
                         k);
            goto out;
        }
    }
    const char *v;
    if ((v = scalar(ydoc_get(root, "tolerance_usecs"))))
        yb_add(&b, "--tolerance_usecs=%s\n", v);
    else
        yb_add(&b, "\n");
    if ((v = scalar(ydoc_get(root, "defaults")))) {
        if (strcmp(v, "packetdrill") != 0 && strcmp(v, "none") != 0) {
            rc = y_error(file, ydoc_get(root, "defaults"), err, errlen,
                         "expected 'packetdrill' (defaults.sh) or 'none' for 'defaults', got "
                         "'%.60s'",
                         v);
            goto out;
        }
        yb_add(&b, strcmp(v, "packetdrill") == 0 ? "`defaults.sh`\n" : "\n");
    } else {
        yb_add(&b, "\n");
    }
    where = calloc(peer->count, sizeof *where);
    if (!where) {
        rc = y_error(file, root, err, errlen, "out of memory%s", "");
        goto out;
    }
    /* Line 3 + i of the generated script is step i. */
    for (size_t i = 0; i < peer->count; i++) {
        where[nsteps++] = peer->kids[i];
        if ((rc = step_line(file, peer->kids[i], &b, err, errlen)))
            goto out;
        yb_add(&b, "\n");
    }
    if (b.oom) {
        rc = y_error(file, root, err, errlen, "out of memory%s", "");
        goto out;
    }
    char perr[512];
    rc = pkt_parse(file, b.text, b.len, out, perr, sizeof perr);
    if (rc != PKT_PASS) {
        /* "file:LINE:COL: msg": point at the step instead. */
        int line = 0, col = 0;
        const char *msg = perr + strlen(file);
        if (sscanf(msg, ":%d:%d:", &line, &col) == 2) {
            msg = strchr(msg + 1, ':');
            msg = msg ? strchr(msg + 1, ':') : NULL;
        }
        size_t step = line >= 3 ? (size_t)line - 3 : 0;
        const struct ynode *n = step < nsteps ? where[step] : peer;
        snprintf(err, errlen, "%s:%d:%d: in this peer step%s", file, n->line, n->col,
                 msg ? msg : perr);
        goto out;
    }
    struct pkt_script *s = *out;
    for (size_t i = 0; i < s->count; i++) {
        size_t step = s->events[i].line >= 3 ? (size_t)s->events[i].line - 3 : 0;
        if (step < nsteps) {
            s->events[i].line = where[step]->line;
            s->events[i].col = where[step]->col;
        }
    }
    if ((v = scalar(ydoc_get(root, "profile"))))
        s->profile = strdup(v);
    if ((v = scalar(ydoc_get(root, "seed"))))
        s->seed = strtoull(v, NULL, 10);
out:
    free(where);
    free(b.text);
    ydoc_free(root);
    return rc;
}
