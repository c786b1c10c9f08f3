/* Unit tests for sim/tools/check_report.c: the JUnit and TAP writers count
 * and label cases right (pass, failed expectations, cut run, bad input) and
 * escape untrusted text so the output stays well-formed. */
#include "cmocka_wrap.h"

#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "tcpsim/check_report.h"

static void fill(struct check_report *r)
{
    memset(r, 0, sizeof *r);
    assert_non_null(check_report_add(r, "a.yaml", "a", NULL, CHECK_PASS, 3, NULL));
    struct check_case *c = check_report_add(r, "b.yaml", "b", "desc", CHECK_FAIL, 2, NULL);
    assert_non_null(c);
    assert_int_equal(check_case_add_failure(c, 7, 5, "count client tx S == 2", "expected 2, got 1"),
                     0);
    assert_non_null(check_report_add(r, "c.yaml", "c", NULL, CHECK_CUT, 1, "cut at 9s"));
    assert_non_null(check_report_add(r, "d.yaml", NULL, NULL, CHECK_BAD_INPUT, 0, "d.yaml:1:1: x"));
}

static void test_junit_counts_failures_and_errors_per_testsuite(void **state)
{
    (void)state;
    struct check_report r;
    fill(&r);
    struct capture cap;
    capture_open(&cap);
    assert_int_equal(check_report_junit(cap.f, &r, "suite"), 0);
    const char *xml = capture_text(&cap);
    assert_non_null(strstr(xml, "<testsuite name=\"suite\" tests=\"4\" failures=\"1\" errors=\"2\""));
    assert_non_null(strstr(xml, "message=\"expected 2, got 1\">b.yaml:7:5: expectation failed: "
                                "count client tx S == 2\nexpected 2, got 1</failure>"));
    assert_non_null(strstr(xml, "<error type=\"cut\" message=\"the run was cut\">cut at 9s</error>"));
    assert_non_null(strstr(xml, "<testcase name=\"d.yaml\" classname=\"d.yaml\""));
    assert_non_null(strstr(xml, "<error type=\"bad-input\""));
    free(cap.buf);
    check_report_free(&r);
}

static void test_tap13_has_plan_and_yaml_block_for_each_failure(void **state)
{
    (void)state;
    struct check_report r;
    fill(&r);
    struct capture cap;
    capture_open(&cap);
    assert_int_equal(check_report_tap(cap.f, &r), 0);
    const char *tap = capture_text(&cap);
    assert_non_null(strstr(tap, "TAP version 13\n1..4\nok 1 - a.yaml\nnot ok 2 - b.yaml\n  ---\n"));
    assert_non_null(strstr(tap, "    - at: \"b.yaml:7:5\"\n      expectation: \"count client tx "
                                "S == 2\"\n      got: \"expected 2, got 1\"\n  ...\n"));
    assert_non_null(strstr(tap, "not ok 3 - c.yaml\n  ---\n  message: \"the run was cut\""));
    assert_non_null(strstr(tap, "not ok 4 - d.yaml\n  ---\n  message: \"bad input\""));
    free(cap.buf);
    check_report_free(&r);
}

static void test_xml_escape_replaces_invalid_utf8_and_control_characters(void **state)
{
    (void)state;
    struct capture cap;
    capture_open(&cap);
    /* markup, a control character, a lone continuation byte, an overlong
     * '/', a UTF-16 surrogate, U+FFFE, DEL and a valid two-byte letter */
    xml_put_escaped(cap.f, "<&\"'>\x01\x80\xC0\xAF\xED\xA0\x80\xEF\xBF\xBE\x7F\xC3\xA9\n", 1);
    const char *out = capture_text(&cap);
    assert_string_equal(out, "&lt;&amp;&quot;&apos;&gt;"
                             "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                             "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xC3\xA9&#10;");
    free(cap.buf);
}

static void test_tap_description_cannot_start_a_directive_or_a_new_line(void **state)
{
    (void)state;
    struct check_report r = {0};
    assert_non_null(check_report_add(&r, "x # SKIP\nok 9", "n\"\xff", NULL, CHECK_FAIL, 0, NULL));
    struct capture cap;
    capture_open(&cap);
    check_report_tap(cap.f, &r);
    const char *tap = capture_text(&cap);
    assert_non_null(strstr(tap, "not ok 1 - x \\# SKIP?ok 9\n"));
    assert_non_null(strstr(tap, "  name: \"n\\\"\\xff\"\n"));
    free(cap.buf);
    check_report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_junit_counts_failures_and_errors_per_testsuite),
        cmocka_unit_test(test_tap13_has_plan_and_yaml_block_for_each_failure),
        cmocka_unit_test(test_xml_escape_replaces_invalid_utf8_and_control_characters),
        cmocka_unit_test(test_tap_description_cannot_start_a_directive_or_a_new_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
