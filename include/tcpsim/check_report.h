/* What `tcpsim check` found, scenario by scenario, and the CI report formats
 * written from it: JUnit XML (GitLab, GitHub, Jenkins) and TAP 13. Every
 * string in a report may come from a scenario file (untrusted): the writers
 * escape it so the output stays well-formed whatever bytes it holds. */
#ifndef TCPSIM_CHECK_REPORT_H
#define TCPSIM_CHECK_REPORT_H

#include <stddef.h>
#include <stdio.h>

enum check_status {
    CHECK_PASS,      /* every expectation held */
    CHECK_FAIL,      /* at least one expectation failed */
    CHECK_CUT,       /* the run was cut (event limit): its results are unusable */
    CHECK_BAD_INPUT, /* the file could not be loaded */
};

struct check_failure {
    int line, col; /* of the expect: line in the scenario file */
    char *text;    /* the expectation as written */
    char *detail;  /* "expected X, got Y" */
};

struct check_case {
    char *file;
    char *name;        /* the scenario's name (the file when it did not load) */
    char *description; /* may be NULL */
    enum check_status status;
    size_t expect_count;
    char *message; /* bad input: the loader's error; cut: why; else NULL */
    struct check_failure *failures;
    size_t failure_count;
};

struct check_report {
    struct check_case *cases;
    size_t count, cap;
};

/* Adds a case (strings copied; description and message may be NULL).
 * Returns it, or NULL when out of memory. */
struct check_case *check_report_add(struct check_report *report, const char *file, const char *name,
                                    const char *description, enum check_status status,
                                    size_t expect_count, const char *message);
/* Adds a failed expectation to `c`. Returns 0, or -1 when out of memory. */
int check_case_add_failure(struct check_case *c, int line, int col, const char *text,
                           const char *detail);
void check_report_free(struct check_report *report);

/* Writes the report as JUnit XML (one <testsuite> named `suite`, one
 * <testcase> per scenario, one <failure> per failed expectation, an <error>
 * for a cut run or bad input). Returns 0, or -1 when a write failed. */
int check_report_junit(FILE *out, const struct check_report *report, const char *suite);
/* Writes the report as TAP version 13 (one test point per scenario, a YAML
 * block with the failures). Returns 0, or -1 when a write failed. */
int check_report_tap(FILE *out, const struct check_report *report);

/* Writes `s` as XML character data (attr: inside a double-quoted attribute):
 * markup characters as entities; bytes that are not valid UTF-8 and code
 * points XML 1.0 does not allow (control characters, U+FFFE/F) as U+FFFD. */
void xml_put_escaped(FILE *out, const char *s, int attr);

#endif
