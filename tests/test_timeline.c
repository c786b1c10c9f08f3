/* Unit tests for sim/tools/timeline*.c: the JSONL reader (escapes, errors
 * with line and column), tcpdump notation, and the first-divergence rules. */
#include "cmocka_wrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/timeline.h"

static int read_text(const char *text, struct timeline *tl, char *err, size_t size)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(f);
    int rc = timeline_read(f, "x.jsonl", tl, err, size);
    fclose(f);
    return rc;
}

static void test_jsonl_reader_unescapes_strings_and_keeps_numbers_as_written(void **state)
{
    (void)state;
    struct timeline tl;
    char err[256];
    assert_int_equal(read_text("{\"t\":5,\"ev\":\"note\",\"text\":\"a\\\"\\u00e9\\ud83d\\ude00\"}\n\n"
                               " {\"t\" : -1 , \"ev\":\"cc\",\"cwnd\":4380}\n",
                               &tl, err, sizeof err),
                     0);
    assert_int_equal(tl.count, 2);
    assert_string_equal(tl_get(&tl.events[0], "text"), "a\"\xC3\xA9\xF0\x9F\x98\x80");
    assert_int_equal(tl.events[1].t, -1);
    assert_int_equal(tl.events[1].line, 3);
    assert_string_equal(tl_get(&tl.events[1], "cwnd"), "4380");
    timeline_free(&tl);
}

static void test_jsonl_reader_names_line_and_column_of_bad_input(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"{\"t\":1,\"ev\":\"seg\"}\n{\"t\":2,\"ev\":\"seg\",}\n", "x.jsonl:2:19: expected a string"},
        {"{\"t\":1,\"ev\":\"seg\",\"x\":[1]}\n", "x.jsonl:1:23: nested objects"},
        {"{\"t\":\"1\",\"ev\":\"seg\"}\n", "x.jsonl:1:1: every event needs \"t\""},
        {"{\"t\":1,\"ev\":\"seg\"} x\n", "x.jsonl:1:20: text after the object"},
        {"{\"t\":1,\"ev\":\"a\\ud800\"}\n", "x.jsonl:1:"},
        {"{\"t\":1,\"ev\":\"a\\u0000\"}\n", "\\u0000 in a string"},
        {"{\"t\":1,\"ev\":\"a\n", "string not closed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct timeline tl;
        char err[256] = "";
        assert_int_equal(read_text(cases[i].text, &tl, err, sizeof err), -1);
        if (!strstr(err, cases[i].want))
            fail_msg("case %zu: got '%s', wanted '%s'", i, err, cases[i].want);
    }
}

static const char seg_syn[] = "{\"t\":0,\"ev\":\"seg\",\"dir\":\"tx\",\"host\":\"c\",\"conn\":1,"
                              "\"src\":\"10.0.0.1:4\",\"dst\":\"10.0.0.2:80\",\"flags\":\"S\","
                              "\"seq\":%u,\"ack\":0,\"len\":0,\"win\":100}\n";
static const char seg_synack[] = "{\"t\":1,\"ev\":\"seg\",\"dir\":\"tx\",\"host\":\"s\",\"conn\":1,"
                                 "\"src\":\"10.0.0.2:80\",\"dst\":\"10.0.0.1:4\",\"flags\":\"SA\","
                                 "\"seq\":%u,\"ack\":%u,\"len\":0,\"win\":100}\n";
static const char seg_data[] = "{\"t\":2,\"ev\":\"seg\",\"dir\":\"tx\",\"host\":\"c\",\"conn\":1,"
                               "\"src\":\"10.0.0.1:4\",\"dst\":\"10.0.0.2:80\",\"flags\":\"PA\","
                               "\"seq\":%u,\"ack\":%u,\"len\":10,\"win\":%u}\n";

static void handshake(struct timeline *tl, unsigned isn_c, unsigned isn_s, unsigned win,
                      unsigned shift)
{
    char text[2048], *p = text;
    p += sprintf(p, seg_syn, isn_c);
    p += sprintf(p, seg_synack, isn_s, isn_c + 1);
    sprintf(p, seg_data, isn_c + 1 + shift, isn_s + 1, win);
    char err[256];
    assert_int_equal(read_text(text, tl, err, sizeof err), 0);
}

static void test_diff_ignore_isn_compares_sequence_numbers_relative_to_each_isn(void **state)
{
    (void)state;
    struct timeline a, b, c;
    handshake(&a, 1000, 5000, 100, 0);
    handshake(&b, 7, 900000, 100, 0);
    handshake(&c, 7, 900000, 100, 1);
    struct tl_diff_options o = {0};
    struct tl_diff_result r;
    assert_int_equal(timeline_diff(&a, &b, &o, &r), 0);
    assert_false(r.same);
    assert_int_equal(r.index, 0);
    o.ignore_isn = true;
    assert_int_equal(timeline_diff(&a, &b, &o, &r), 0);
    assert_true(r.same);
    assert_int_equal(timeline_diff(&a, &c, &o, &r), 0);
    assert_false(r.same);
    assert_int_equal(r.index, 2);
    assert_string_equal(r.what, "seq (relative): 1 vs 2");
    timeline_free(&a);
    timeline_free(&b);
    timeline_free(&c);
}

static void test_diff_ignore_window_and_format_in_tcpdump_notation(void **state)
{
    (void)state;
    struct timeline a, b;
    handshake(&a, 1000, 5000, 100, 0);
    handshake(&b, 1000, 5000, 200, 0);
    struct tl_diff_options o = {0};
    struct tl_diff_result r;
    timeline_diff(&a, &b, &o, &r);
    assert_string_equal(r.what, "win: 100 vs 200");
    o.ignore_window = true;
    timeline_diff(&a, &b, &o, &r);
    assert_true(r.same);
    struct tl_rel *rel = tl_rel_new();
    char line[256];
    tl_format(&a.events[0], rel, line, sizeof line);
    assert_string_equal(line, "  0.000000 c#1 tx IP 10.0.0.1.4 > 10.0.0.2.80: Flags [S], seq 1000, "
                              "win 100, length 0");
    tl_format(&a.events[1], rel, line, sizeof line);
    tl_format(&a.events[2], rel, line, sizeof line);
    assert_string_equal(line, "  0.000000 c#1 tx IP 10.0.0.1.4 > 10.0.0.2.80: Flags [P.], seq "
                              "1:11, ack 1, win 100, length 10");
    tl_rel_free(rel);
    timeline_free(&a);
    timeline_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonl_reader_unescapes_strings_and_keeps_numbers_as_written),
        cmocka_unit_test(test_jsonl_reader_names_line_and_column_of_bad_input),
        cmocka_unit_test(test_diff_ignore_isn_compares_sequence_numbers_relative_to_each_isn),
        cmocka_unit_test(test_diff_ignore_window_and_format_in_tcpdump_notation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
