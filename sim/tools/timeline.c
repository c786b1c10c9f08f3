/* Reading a JSONL timeline back (RFC 8259 JSON, one flat object per line,
 * as sim/trace/trace_jsonl.c writes it), and getting one from a run. */
#include "tcpsim/timeline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"
#include "tcpsim/runner.h"
#include "tcpsim/scenario.h"
#include "tcpsim/trace_sinks.h"

struct line_parser {
    const char *s; /* the line */
    size_t i;
    char *w; /* where the next unescaped key or value goes */
    const char *error;
};

static void skip_ws(struct line_parser *p)
{
    while (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\r')
        p->i++;
}

static int hex4(const char *s, uint32_t *out)
{
    *out = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (v < 0)
            return -1;
        *out = *out << 4 | (uint32_t)v;
    }
    return 0;
}

static void put_utf8(struct line_parser *p, uint32_t cp)
{
    if (cp < 0x80) {
        *p->w++ = (char)cp;
    } else if (cp < 0x800) {
        *p->w++ = (char)(0xC0 | cp >> 6);
        *p->w++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *p->w++ = (char)(0xE0 | cp >> 12);
        *p->w++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *p->w++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *p->w++ = (char)(0xF0 | cp >> 18);
        *p->w++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *p->w++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *p->w++ = (char)(0x80 | (cp & 0x3F));
    }
}

/* A JSON string at p->i (RFC 8259 section 7), unescaped into p->w. The
 * unescaped form is never longer than the escaped one, so it fits. */
static const char *read_string(struct line_parser *p)
{
    if (p->s[p->i] != '"') {
        p->error = "expected a string in double quotes";
        return NULL;
    }
    p->i++;
    char *start = p->w;
    for (;;) {
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"')
            break;
        if (c == '\0' || (c == '\n' && p->s[p->i + 1] == '\0')) {
            p->error = "string not closed before the end of the line";
            return NULL;
        }
        if (c < 0x20) {
            p->error = "control character in a string (JSON needs it escaped)";
            return NULL;
        }
        if (c != '\\') {
            *p->w++ = (char)c;
            p->i++;
            continue;
        }
        char e = p->s[++p->i];
        const char *plain = strchr("\"\\/bfnrt", e);
        if (e && plain) {
            static const char out[] = "\"\\/\b\f\n\r\t";
            *p->w++ = out[plain - "\"\\/bfnrt"];
            p->i++;
            continue;
        }
        uint32_t cp, lo;
        if (e != 'u' || hex4(p->s + p->i + 1, &cp) != 0) {
            p->error = "bad escape in a string";
            return NULL;
        }
        p->i += 5;
        if (cp >= 0xD800 && cp <= 0xDBFF) { /* a surrogate pair */
            if (p->s[p->i] != '\\' || p->s[p->i + 1] != 'u' || hex4(p->s + p->i + 2, &lo) != 0 ||
                lo < 0xDC00 || lo > 0xDFFF) {
                p->error = "lone UTF-16 surrogate in a string";
                return NULL;
            }
            p->i += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if ((cp >= 0xDC00 && cp <= 0xDFFF) || cp == 0) {
            p->error = cp ? "lone UTF-16 surrogate in a string" : "\\u0000 in a string";
            return NULL;
        }
        put_utf8(p, cp);
    }
    p->i++;
    *p->w++ = '\0';
    return start;
}

/* A number or true/false/null, copied as written. */
static const char *read_literal(struct line_parser *p)
{
    const char *s = p->s + p->i;
    size_t n = 0;
    if (strncmp(s, "true", 4) == 0 || strncmp(s, "null", 4) == 0)
        n = 4;
    else if (strncmp(s, "false", 5) == 0)
        n = 5;
    else
        while (s[n] && strchr("0123456789+-.eE", s[n]))
            n++;
    if (n == 0) {
        p->error = s[0] == '{' || s[0] == '['
                       ? "nested objects and arrays are not part of a timeline"
                       : "expected a value (string, number, true, false or null)";
        return NULL;
    }
    char *start = p->w;
    memcpy(p->w, s, n);
    p->w += n;
    *p->w++ = '\0';
    p->i += n;
    return start;
}

static int parse_int64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

/* Parses one line into `e` (which takes `buf`, a buffer as long as the line). */
static int parse_line(const char *line, char *buf, struct tl_event *e, struct line_parser *p)
{
    memset(p, 0, sizeof *p);
    p->s = line;
    p->w = buf;
    size_t cap = 0;
    skip_ws(p);
    if (p->s[p->i] != '{') {
        p->error = "expected '{' (one JSON object per line)";
        return -1;
    }
    p->i++;
    skip_ws(p);
    while (p->s[p->i] != '}') {
        if (e->count) {
            if (p->s[p->i] != ',') {
                p->error = "expected ',' or '}'";
                return -1;
            }
            p->i++;
            skip_ws(p);
        }
        const char *key = read_string(p);
        if (!key)
            return -1;
        skip_ws(p);
        if (p->s[p->i] != ':') {
            p->error = "expected ':' after a key";
            return -1;
        }
        p->i++;
        skip_ws(p);
        bool is_string = p->s[p->i] == '"';
        const char *val = is_string ? read_string(p) : read_literal(p);
        if (!val)
            return -1;
        skip_ws(p);
        if (e->count == cap) {
            cap = cap ? cap * 2 : 16;
            struct tl_field *grown = realloc(e->fields, cap * sizeof *grown);
            if (!grown) {
                p->error = "out of memory";
                return -1;
            }
            e->fields = grown;
        }
        e->fields[e->count++] = (struct tl_field){key, val, is_string};
    }
    p->i++;
    skip_ws(p);
    if (p->s[p->i] != '\0' && p->s[p->i] != '\n') {
        p->error = "text after the object (one object per line)";
        return -1;
    }
    const char *t = NULL;
    for (size_t k = 0; k < e->count; k++) {
        if (strcmp(e->fields[k].key, "t") == 0 && !e->fields[k].is_string)
            t = e->fields[k].val;
        if (strcmp(e->fields[k].key, "ev") == 0 && e->fields[k].is_string)
            e->ev = e->fields[k].val;
    }
    p->i = 0;
    if (!t || parse_int64(t, &e->t) != 0) {
        p->error = "every event needs \"t\", an integer (virtual time in ns)";
        return -1;
    }
    if (!e->ev) {
        p->error = "every event needs \"ev\" (seg, state, timer, app, cc, note)";
        return -1;
    }
    return 0;
}

static int add_event(struct timeline *tl, const struct tl_event *e)
{
    if (tl->count == tl->cap) {
        size_t cap = tl->cap ? tl->cap * 2 : 1024;
        struct tl_event *grown = realloc(tl->events, cap * sizeof *grown);
        if (!grown)
            return -1;
        tl->events = grown;
        tl->cap = cap;
    }
    tl->events[tl->count++] = *e;
    return 0;
}

int timeline_read(FILE *in, const char *name, struct timeline *out, char *error, size_t error_size)
{
    memset(out, 0, sizeof *out);
    out->name = strdup(name);
    char *line = NULL;
    size_t line_cap = 0, lineno = 0;
    ssize_t len;
    int rc = out->name ? 0 : -1;
    if (rc)
        snprintf(error, error_size, "%s: out of memory", name);
    while (!rc && (len = getline(&line, &line_cap, in)) >= 0) {
        lineno++;
        if (strlen(line) != (size_t)len) {
            snprintf(error, error_size, "%s:%zu:%zu: NUL byte in the line", name, lineno,
                     strlen(line) + 1);
            rc = -1;
            break;
        }
        if (strspn(line, " \t\r\n") == (size_t)len)
            continue; /* blank lines are allowed */
        struct tl_event e = {0};
        struct line_parser p = {0};
        e.line = lineno;
        e.buf = malloc((size_t)len + 1);
        if (!e.buf || parse_line(line, e.buf, &e, &p) != 0 || add_event(out, &e) != 0) {
            snprintf(error, error_size, "%s:%zu:%zu: %s", name, lineno, p.i + 1,
                     e.buf && p.error ? p.error : "out of memory");
            free(e.buf);
            free(e.fields);
            rc = -1;
        }
    }
    if (!rc && ferror(in)) {
        snprintf(error, error_size, "%s: read error: %s", name, strerror(errno));
        rc = -1;
    }
    free(line);
    if (rc)
        timeline_free(out);
    return rc;
}

int timeline_run(const char *file, const char *const *overrides, size_t override_count,
                 struct timeline *out, char *error, size_t error_size)
{
    memset(out, 0, sizeof *out);
    struct scenario sc;
    if (scenario_load(file, overrides, override_count, &sc, error, error_size) != 0)
        return -1;
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    struct runner *runner = NULL;
    struct trace_jsonl *jsonl = mem ? trace_jsonl_new(mem) : NULL;
    int rc = -1;
    if (jsonl && runner_create(&sc, &runner) == TS_OK &&
        tracer_add(&runner_net(runner)->tracer, trace_jsonl_sink(jsonl)) == 0) {
        runner_run(runner);
        out->cut = runner_cut(runner) == RUNNER_CUT_EVENT_LIMIT;
        rc = 0;
    }
    if (runner)
        runner_free(runner);
    trace_jsonl_free(jsonl);
    if (mem && fclose(mem) != 0)
        rc = -1;
    if (rc) {
        snprintf(error, error_size, "%s: out of memory", file);
    } else if (size == 0) { /* nothing happened at all */
        out->name = strdup(file);
        rc = out->name ? 0 : -1;
    } else {
        FILE *in = fmemopen(buf, size, "r");
        bool cut = out->cut;
        rc = in ? timeline_read(in, file, out, error, error_size) : -1;
        out->cut = cut;
        if (in)
            fclose(in);
        for (size_t i = 0; !rc && i < out->count; i++)
            out->events[i].line = 0;
    }
    free(buf);
    scenario_free(&sc);
    return rc;
}

void timeline_free(struct timeline *tl)
{
    for (size_t i = 0; i < tl->count; i++) {
        free(tl->events[i].buf);
        free(tl->events[i].fields);
    }
    free(tl->events);
    free(tl->name);
    memset(tl, 0, sizeof *tl);
}

static bool kind_listed(const char *kinds, const char *kind, size_t len)
{
    for (const char *p = kinds; *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && strncmp(p, kind, len) == 0)
            return true;
        p += n + (p[n] == ',');
    }
    return false;
}

int timeline_kinds_valid(const char *kinds)
{
    static const char known[] = "seg,state,timer,app,cc,note";
    if (!*kinds)
        return -1;
    for (const char *p = kinds; *p;) {
        size_t n = strcspn(p, ",");
        if (n == 0 || !kind_listed(known, p, n))
            return -1;
        p += n + (p[n] == ',');
    }
    return 0;
}

int timeline_keep(struct timeline *tl, const char *kinds)
{
    if (timeline_kinds_valid(kinds) != 0)
        return -1;
    size_t kept = 0;
    for (size_t i = 0; i < tl->count; i++) {
        struct tl_event *e = &tl->events[i];
        if (kind_listed(kinds, e->ev, strlen(e->ev))) {
            tl->events[kept++] = *e;
        } else {
            free(e->buf);
            free(e->fields);
        }
    }
    tl->count = kept;
    return 0;
}

const char *tl_get(const struct tl_event *e, const char *key)
{
    for (size_t i = 0; i < e->count; i++)
        if (strcmp(e->fields[i].key, key) == 0)
            return e->fields[i].val;
    return NULL;
}
