/* The check report and its CI formats. JUnit XML follows the structure the
 * common JUnit schema (Jenkins junit-4.xsd, which GitLab and GitHub readers
 * accept) requires: <testsuites> of <testsuite name tests failures errors>
 * of <testcase name classname>, each with <failure>/<error> children. */
#include "tcpsim/check_report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

struct check_case *check_report_add(struct check_report *report, const char *file, const char *name,
                                    const char *description, enum check_status status,
                                    size_t expect_count, const char *message)
{
    if (report->count == report->cap) {
        size_t cap = report->cap ? report->cap * 2 : 16;
        struct check_case *grown = realloc(report->cases, cap * sizeof *grown);
        if (!grown)
            return NULL;
        report->cases = grown;
        report->cap = cap;
    }
    struct check_case *c = &report->cases[report->count];
    memset(c, 0, sizeof *c);
    c->file = dup_or_null(file);
    c->name = dup_or_null(name ? name : file);
    c->description = dup_or_null(description);
    c->message = dup_or_null(message);
    c->status = status;
    c->expect_count = expect_count;
    if (!c->file || !c->name || (description && !c->description) || (message && !c->message)) {
        free(c->file);
        free(c->name);
        free(c->description);
        free(c->message);
        return NULL;
    }
    report->count++;
    return c;
}

int check_case_add_failure(struct check_case *c, int line, int col, const char *text,
                           const char *detail)
{
    struct check_failure *grown =
        realloc(c->failures, (c->failure_count + 1) * sizeof *c->failures);
    if (!grown)
        return -1;
    c->failures = grown;
    struct check_failure *f = &c->failures[c->failure_count];
    f->line = line;
    f->col = col;
    f->text = dup_or_null(text ? text : "");
    f->detail = dup_or_null(detail ? detail : "");
    if (!f->text || !f->detail) {
        free(f->text);
        free(f->detail);
        return -1;
    }
    c->failure_count++;
    return 0;
}

void check_report_free(struct check_report *report)
{
    for (size_t i = 0; i < report->count; i++) {
        struct check_case *c = &report->cases[i];
        for (size_t j = 0; j < c->failure_count; j++) {
            free(c->failures[j].text);
            free(c->failures[j].detail);
        }
        free(c->failures);
        free(c->file);
        free(c->name);
        free(c->description);
        free(c->message);
    }
    free(report->cases);
    memset(report, 0, sizeof *report);
}

/* ------------------------------------------------------------ escaping */

/* Decodes one UTF-8 sequence at `s` (RFC 3629: shortest form, no
 * surrogates, at most U+10FFFF). Returns its length and the code point, or
 * 0 when the bytes there are not valid UTF-8. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, min = 0x80, *cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, min = 0x800, *cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, min = 0x10000, *cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

/* XML 1.0 section 2.2 Char production, less DEL and the C1 controls that
 * section 2.2 discourages (and XML 1.1 forbids raw). */
static int xml_char_allowed(uint32_t cp)
{
    if (cp >= 0x7F && cp <= 0x9F)
        return 0;
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

void xml_put_escaped(FILE *out, const char *s, int attr)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        uint32_t cp;
        size_t len = utf8_decode(p, &cp);
        if (len == 0 || !xml_char_allowed(cp)) {
            fputs("\xEF\xBF\xBD", out); /* U+FFFD REPLACEMENT CHARACTER */
            p += len ? len : 1;
            continue;
        }
        switch (cp) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs(attr ? "&quot;" : "\"", out); break;
        case '\'': fputs(attr ? "&apos;" : "'", out); break;
        /* Attribute values normalise white space; keep it as references. */
        case '\n': fputs(attr ? "&#10;" : "\n", out); break;
        case '\r': fputs("&#13;", out); break;
        case '\t': fputs(attr ? "&#9;" : "\t", out); break;
        default: fwrite(p, 1, len, out);
        }
        p += len;
    }
}

/* ------------------------------------------------------------ JUnit XML */

static void junit_failure(FILE *out, const struct check_case *c, const struct check_failure *f)
{
    fputs("      <failure type=\"expectation\" message=\"", out);
    xml_put_escaped(out, f->detail, 1);
    fputs("\">", out);
    xml_put_escaped(out, c->file, 0);
    if (f->line > 0)
        fprintf(out, ":%d", f->line);
    if (f->line > 0 && f->col > 0)
        fprintf(out, ":%d", f->col);
    fputs(": expectation failed: ", out);
    xml_put_escaped(out, f->text, 0);
    fputs("\n", out);
    xml_put_escaped(out, f->detail, 0);
    fputs("</failure>\n", out);
}

static void junit_case(FILE *out, const struct check_case *c)
{
    fputs("    <testcase name=\"", out);
    xml_put_escaped(out, c->name, 1);
    fputs("\" classname=\"", out);
    xml_put_escaped(out, c->file, 1);
    fprintf(out, "\" assertions=\"%zu\" time=\"0\">\n", c->expect_count);
    if (c->status == CHECK_BAD_INPUT || c->status == CHECK_CUT) {
        fprintf(out, "      <error type=\"%s\" message=\"",
                c->status == CHECK_CUT ? "cut" : "bad-input");
        xml_put_escaped(out, c->status == CHECK_CUT ? "the run was cut" : "bad input", 1);
        fputs("\">", out);
        xml_put_escaped(out, c->message, 0);
        fputs("</error>\n", out);
    }
    for (size_t i = 0; i < c->failure_count; i++)
        junit_failure(out, c, &c->failures[i]);
    if (c->description) {
        fputs("      <system-out>", out);
        xml_put_escaped(out, c->description, 0);
        fputs("</system-out>\n", out);
    }
    fputs("    </testcase>\n", out);
}

int check_report_junit(FILE *out, const struct check_report *report, const char *suite)
{
    size_t failures = 0, errors = 0;
    for (size_t i = 0; i < report->count; i++) {
        const struct check_case *c = &report->cases[i];
        if (c->status == CHECK_BAD_INPUT || c->status == CHECK_CUT)
            errors++;
        else if (c->status == CHECK_FAIL)
            failures++;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", out);
    xml_put_escaped(out, suite, 1);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"0\">\n", report->count,
            failures, errors);
    fputs("  <testsuite name=\"", out);
    xml_put_escaped(out, suite, 1);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\" time=\"0\">\n",
            report->count, failures, errors);
    for (size_t i = 0; i < report->count; i++)
        junit_case(out, &report->cases[i]);
    fputs("  </testsuite>\n</testsuites>\n", out);
    return ferror(out) ? -1 : 0;
}

/* ------------------------------------------------------------ TAP 13 */

/* A TAP description: one line, no '#' (it would start a directive). */
static void tap_put_description(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '#')
            fputs("\\#", out);
        else if (*p == '\\')
            fputs("\\\\", out);
        else if (*p < 0x20 || *p == 0x7F)
            fputc('?', out);
        else
            fputc(*p, out);
    }
}

/* A YAML double-quoted scalar: every byte that could end or bend it
 * escaped; bytes above 0x7F as \xNN so invalid UTF-8 cannot break it. */
static void tap_put_yaml_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p < 0x20 || *p >= 0x7F)
            fprintf(out, "\\x%02x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void tap_case(FILE *out, size_t n, const struct check_case *c)
{
    fprintf(out, "%s %zu - ", c->status == CHECK_PASS ? "ok" : "not ok", n);
    tap_put_description(out, c->file);
    fputc('\n', out);
    if (c->status == CHECK_PASS)
        return;
    static const char *const why[] = {"pass", "expectations failed", "the run was cut",
                                      "bad input"};
    fputs("  ---\n  message: ", out);
    tap_put_yaml_string(out, why[c->status]);
    fputs("\n  name: ", out);
    tap_put_yaml_string(out, c->name);
    fputc('\n', out);
    if (c->message) {
        fputs("  error: ", out);
        tap_put_yaml_string(out, c->message);
        fputc('\n', out);
    }
    if (c->failure_count) {
        fputs("  failures:\n", out);
        for (size_t i = 0; i < c->failure_count; i++) {
            const struct check_failure *f = &c->failures[i];
            fputs("    - at: ", out);
            char pos[32] = "";
            if (f->line > 0 && f->col > 0)
                snprintf(pos, sizeof pos, ":%d:%d", f->line, f->col);
            else if (f->line > 0)
                snprintf(pos, sizeof pos, ":%d", f->line);
            size_t n_file = strlen(c->file);
            char *at = malloc(n_file + sizeof pos);
            if (at) {
                memcpy(at, c->file, n_file);
                memcpy(at + n_file, pos, strlen(pos) + 1);
            }
            tap_put_yaml_string(out, at ? at : pos);
            free(at);
            fputs("\n      expectation: ", out);
            tap_put_yaml_string(out, f->text);
            fputs("\n      got: ", out);
            tap_put_yaml_string(out, f->detail);
            fputc('\n', out);
        }
    }
    fputs("  ...\n", out);
}

int check_report_tap(FILE *out, const struct check_report *report)
{
    fprintf(out, "TAP version 13\n1..%zu\n", report->count);
    for (size_t i = 0; i < report->count; i++)
        tap_case(out, i + 1, &report->cases[i]);
    return ferror(out) ? -1 : 0;
}
