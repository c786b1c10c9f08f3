/* Untrusted text (a scenario a student handed in) fed to every writer that
 * embeds text: the same table of hostile strings goes through the JSONL,
 * CSV, text and gnuplot writers and the output-file namer, and each output
 * is checked for the one property that keeps it harmless: valid JSON, no
 * formula a spreadsheet evaluates, no control character reaching a
 * terminal, no line break ending a gnuplot string, no path leaving --out. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmocka_wrap.h"

#include "capture.h"
#include "cli/out_file.h"
#include "tcpsim/trace.h"
#include "tcpsim/trace_sinks.h"
#include "trace/plotdata_internal.h"

static const char *const hostile[] = {
    "../../../../../../tmp/escaped",
    "/etc/passwd",
    "..",
    ".hidden",
    "<script>alert(1)</script>",
    "=HYPERLINK(\"http://x\",\"y\")",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "line\nbreak",
    "x\n!touch /tmp/pwned\nprint system(\"id\")",
    "'quote' and \"double\" and `id` and @macro",
    "\x1b[31mred\x1b[0m\x07",
    "invalid utf-8 \xff\xfe \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 end",
    "truncated \xe2\x82",
    "valid \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
    "comma,\"quote\",\r\nCRLF",
    "",
};
#define HOSTILE_COUNT (sizeof hostile / sizeof hostile[0])

/* ---- tiny JSON validator (RFC 8259), enough for one JSONL line --------- */

static bool json_value(const char **p);

static void json_ws(const char **p)
{
    while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
        (*p)++;
}

/* Length of the well-formed UTF-8 character at s, or 0. */
static int utf8_len(const unsigned char *s)
{
    int n = s[0] < 0x80 ? 1 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
    if (n == 1)
        return 1;
    if (s[0] < 0xC2 || s[0] > 0xF4)
        return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
        return 0;
    return n;
}

static bool json_string(const char **p)
{
    if (**p != '"')
        return false;
    for ((*p)++; **p != '"'; ) {
        unsigned char c = (unsigned char)**p;
        if (c < 0x20)
            return false; /* raw control character */
        if (c == '\\') {
            (*p)++;
            if (**p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", (*p)[i]) || !(*p)[i])
                        return false;
                *p += 5;
            } else if (**p && strchr("\"\\/bfnrt", **p)) {
                (*p)++;
            } else {
                return false;
            }
            continue;
        }
        int n = utf8_len((const unsigned char *)*p);
        if (n == 0)
            return false;
        *p += n;
    }
    (*p)++;
    return true;
}

static bool json_number(const char **p)
{
    const char *start = *p;
    if (**p == '-')
        (*p)++;
    while ((**p >= '0' && **p <= '9') || **p == '.' || **p == 'e' || **p == 'E' || **p == '+' ||
           **p == '-')
        (*p)++;
    return *p > start;
}

static bool json_value(const char **p)
{
    json_ws(p);
    if (**p == '"')
        return json_string(p);
    if (**p == '{' || **p == '[') {
        char close = **p == '{' ? '}' : ']';
        bool object = close == '}';
        (*p)++;
        json_ws(p);
        if (**p == close) {
            (*p)++;
            return true;
        }
        for (;;) {
            if (object) {
                json_ws(p);
                if (!json_string(p))
                    return false;
                json_ws(p);
                if (*(*p)++ != ':')
                    return false;
            }
            if (!json_value(p))
                return false;
            json_ws(p);
            if (**p == ',') {
                (*p)++;
                continue;
            }
            if (**p != close)
                return false;
            (*p)++;
            return true;
        }
    }
    for (const char *lit = "true\0false\0null\0"; *lit; lit += strlen(lit) + 1)
        if (strncmp(*p, lit, strlen(lit)) == 0) {
            *p += strlen(lit);
            return true;
        }
    return json_number(p);
}

static void assert_jsonl_valid(const char *out)
{
    for (const char *line = out; *line;) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        char *copy = strndup(line, (size_t)(end - line));
        const char *p = copy;
        bool ok = json_value(&p);
        json_ws(&p);
        if (!ok || *p)
            fail_msg("not valid JSON: %s", copy);
        free(copy);
        line = end + 1;
    }
}

/* ---- events carrying the hostile text ---------------------------------- */

static void emit_all(struct trace_sink sink, const char *text)
{
    struct trace_event note = {.t = 1000, .kind = TRACE_NOTE, .host = "client", .conn = 1};
    note.u.note.text = text;
    sink.emit(sink.ctx, &note);
    struct trace_event global = {.t = 2000, .kind = TRACE_NOTE};
    global.u.note.text = text;
    sink.emit(sink.ctx, &global);
    struct trace_event app = {.t = 3000, .kind = TRACE_APP, .host = "client", .conn = 1};
    app.u.app.call = text;
    sink.emit(sink.ctx, &app);
    if (sink.finish)
        sink.finish(sink.ctx);
}

static void test_jsonl_is_valid_json_for_any_bytes(void **state)
{
    (void)state;
    for (size_t i = 0; i < HOSTILE_COUNT; i++) {
        struct capture c;
        capture_open(&c);
        struct trace_jsonl *j = trace_jsonl_new(c.f);
        emit_all(trace_jsonl_sink(j), hostile[i]);
        trace_jsonl_free(j);
        assert_jsonl_valid(capture_text(&c));
        free(c.buf);
    }
}

/* Splits one CSV record (RFC 4180) and checks no cell would be evaluated:
 * a cell starting with = + - @ tab or CR is either a number or quoted and
 * led by '. Returns the position after the record. */
static const char *assert_csv_record_inert(const char *p)
{
    for (;;) {
        char cell[512];
        size_t n = 0;
        if (*p == '"') {
            for (p++; !(p[0] == '"' && p[1] != '"'); p++) {
                assert_true(*p != '\0');
                if (p[0] == '"')
                    p++;
                if (n + 1 < sizeof cell)
                    cell[n++] = *p;
            }
            p++;
        } else {
            for (; *p && *p != ',' && *p != '\n'; p++)
                if (n + 1 < sizeof cell)
                    cell[n++] = *p;
        }
        cell[n] = '\0';
        if (n && strchr("=+-@\t\r", cell[0])) {
            char *end;
            (void)strtod(cell, &end);
            if (*end != '\0')
                fail_msg("CSV cell a spreadsheet would evaluate: %s", cell);
        }
        if (*p == ',') {
            p++;
            continue;
        }
        assert_int_equal(*p, '\n');
        return p + 1;
    }
}

static void test_csv_leaves_no_formula_to_evaluate(void **state)
{
    (void)state;
    for (size_t i = 0; i < HOSTILE_COUNT; i++) {
        struct capture c;
        capture_open(&c);
        struct trace_csv *csv = trace_csv_new(c.f);
        emit_all(trace_csv_sink(csv), hostile[i]);
        trace_csv_free(csv);
        const char *p = capture_text(&c);
        while (*p)
            p = assert_csv_record_inert(p);
        free(c.buf);
    }
}

static void test_csv_keeps_negative_numbers_as_numbers(void **state)
{
    (void)state;
    struct capture c;
    capture_open(&c);
    struct trace_csv *csv = trace_csv_new(c.f);
    emit_all(trace_csv_sink(csv), "-12");
    trace_csv_free(csv);
    const char *out = capture_text(&c);
    assert_non_null(strstr(out, ",-12"));
    assert_null(strstr(out, "'-12"));
    free(c.buf);
}

static void assert_no_control_bytes(const char *out, const char *what)
{
    for (const unsigned char *p = (const unsigned char *)out; *p; p++)
        if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
            fail_msg("%s holds control byte 0x%02x", what, *p);
}

static void test_text_timeline_passes_no_control_character(void **state)
{
    (void)state;
    for (size_t i = 0; i < HOSTILE_COUNT; i++) {
        struct capture c;
        capture_open(&c);
        struct trace_text_options opt = {0};
        struct trace_text *t = trace_text_new(c.f, &opt);
        emit_all(trace_text_sink(t), hostile[i]);
        trace_text_free(t);
        const char *out = capture_text(&c);
        assert_no_control_bytes(out, "text timeline");
        free(c.buf);
    }
}

static void test_gnuplot_strings_stay_one_line(void **state)
{
    (void)state;
    for (size_t i = 0; i < HOSTILE_COUNT; i++) {
        for (int single = 0; single < 2; single++) {
            struct capture c;
            capture_open(&c);
            (single ? pd_squote : pd_quote)(c.f, hostile[i]);
            const char *out = capture_text(&c);
            assert_no_control_bytes(out, "gnuplot string");
            assert_null(strchr(out, '\n'));
            if (single) { /* only '' inside: the string ends where we end it */
                size_t n = strlen(out);
                assert_true(n >= 2 && out[0] == '\'' && out[n - 1] == '\'');
                for (size_t k = 1; k + 1 < n; k++)
                    if (out[k] == '\'')
                        assert_int_equal(out[++k], '\'');
            }
            free(c.buf);
        }
    }
}

static void test_output_name_never_leaves_the_folder(void **state)
{
    (void)state;
    for (size_t i = 0; i < HOSTILE_COUNT; i++) {
        char stem[OUT_NAME_MAX + 1];
        out_safe_name(hostile[i], stem, sizeof stem);
        assert_true(stem[0] != '\0' && stem[0] != '.');
        assert_null(strchr(stem, '/'));
        assert_null(strstr(stem, ".."));
        assert_true(strlen(stem) <= OUT_NAME_MAX);
        for (const char *p = stem; *p; p++)
            assert_non_null(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789-_.",
                                   *p));
    }
}

static void test_output_name_keeps_a_safe_name(void **state)
{
    (void)state;
    char stem[OUT_NAME_MAX + 1];
    assert_false(out_safe_name("handshake-and-close", stem, sizeof stem));
    assert_string_equal(stem, "handshake-and-close");
    assert_true(out_safe_name("a/b", stem, sizeof stem));
    assert_string_equal(stem, "a_b");
    char longname[300];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_true(out_safe_name(longname, stem, sizeof stem));
    assert_int_equal(strlen(stem), OUT_NAME_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonl_is_valid_json_for_any_bytes),
        cmocka_unit_test(test_csv_leaves_no_formula_to_evaluate),
        cmocka_unit_test(test_csv_keeps_negative_numbers_as_numbers),
        cmocka_unit_test(test_text_timeline_passes_no_control_character),
        cmocka_unit_test(test_gnuplot_strings_stay_one_line),
        cmocka_unit_test(test_output_name_never_leaves_the_folder),
        cmocka_unit_test(test_output_name_keeps_a_safe_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
