/* A small XML 1.0 well-formedness checker (no DTDs) with an optional check
 * of the structure the common JUnit schema (Jenkins junit-4.xsd) requires,
 * so the JUnit test runs on a bare Debian without xmllint.
 *   xmlwf FILE           exit 0 when FILE is well-formed, else 1 with why
 *   xmlwf --junit FILE   and testsuites/testsuite/testcase as the schema says */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64
#define MAX_ATTRS 32
#define NAME_MAX_LEN 128

struct elem {
    char name[NAME_MAX_LEN];
    long testcases, with_failure, with_error, failures_attr, errors_attr, tests_attr;
    int has_failure, has_error;
};

struct parser {
    const unsigned char *s;
    size_t n, i;
    long line;
    int junit;
    struct elem stack[MAX_DEPTH];
    int depth, roots;
};

static int fail(struct parser *p, const char *why)
{
    fprintf(stderr, "xmlwf: line %ld: %s\n", p->line, why);
    exit(1);
}

/* One UTF-8 character that XML 1.0 allows (2.2 Char); returns it. */
static uint32_t next_char(struct parser *p)
{
    const unsigned char *s = p->s + p->i;
    size_t left = p->n - p->i, len;
    uint32_t cp, min;
    if (s[0] < 0x80)
        len = 1, cp = s[0], min = 0;
    else if ((s[0] & 0xE0) == 0xC0)
        len = 2, cp = s[0] & 0x1F, min = 0x80;
    else if ((s[0] & 0xF0) == 0xE0)
        len = 3, cp = s[0] & 0x0F, min = 0x800;
    else if ((s[0] & 0xF8) == 0xF0)
        len = 4, cp = s[0] & 0x07, min = 0x10000;
    else
        fail(p, "invalid UTF-8 lead byte");
    if (len > left)
        fail(p, "truncated UTF-8 sequence");
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            fail(p, "invalid UTF-8 continuation byte");
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        fail(p, "overlong or out-of-range UTF-8");
    if (!(cp == 9 || cp == 10 || cp == 13 || (cp >= 0x20 && cp <= 0xD7FF) ||
          (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000))
        fail(p, "character not allowed in XML 1.0");
    if (cp == '\n')
        p->line++;
    p->i += len;
    return cp;
}

static int at(struct parser *p, const char *lit)
{
    size_t n = strlen(lit);
    return p->n - p->i >= n && memcmp(p->s + p->i, lit, n) == 0;
}

static void skip_space(struct parser *p)
{
    while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]))
        next_char(p);
}

static int name_char(unsigned char c, int first)
{
    return c >= 0x80 || c == '_' || c == ':' || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || (!first && (c == '-' || c == '.' || (c >= '0' && c <= '9')));
}

static void read_name(struct parser *p, char *out)
{
    size_t k = 0;
    if (p->i >= p->n || !name_char(p->s[p->i], 1))
        fail(p, "expected a name");
    while (p->i < p->n && name_char(p->s[p->i], 0)) {
        if (k + 1 >= NAME_MAX_LEN)
            fail(p, "name too long");
        out[k++] = (char)p->s[p->i];
        next_char(p);
    }
    out[k] = '\0';
}

/* &name; or &#N; / &#xN; (4.1); the referenced character must be allowed. */
static void reference(struct parser *p)
{
    p->i++; /* & */
    if (at(p, "#")) {
        p->i++;
        int hex = at(p, "x");
        p->i += hex;
        char *end;
        unsigned long cp = strtoul((const char *)p->s + p->i, &end, hex ? 16 : 10);
        if (end == (const char *)p->s + p->i || *end != ';')
            fail(p, "bad character reference");
        p->i = (size_t)(end - (const char *)p->s) + 1;
        if (!(cp == 9 || cp == 10 || cp == 13 || (cp >= 0x20 && cp <= 0xD7FF) ||
              (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF)))
            fail(p, "character reference to a character XML does not allow");
        return;
    }
    static const char *const known[] = {"lt;", "gt;", "amp;", "quot;", "apos;"};
    for (size_t k = 0; k < 5; k++)
        if (at(p, known[k])) {
            p->i += strlen(known[k]);
            return;
        }
    fail(p, "undefined entity (only the five predefined ones exist without a DTD)");
}

static long attr_long(const char *v, struct parser *p, const char *what)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (!*v || *end || x < 0)
        fail(p, what);
    return x;
}

/* JUnit structure: which element may sit in which, required attributes. */
static void junit_open(struct parser *p, struct elem *e, char (*names)[NAME_MAX_LEN],
                       char (*values)[256], int count)
{
    const char *parent = p->depth > 0 ? p->stack[p->depth - 1].name : "";
    const char *need[3] = {NULL, NULL, NULL};
    if (strcmp(e->name, "testsuites") == 0) {
        if (p->depth)
            fail(p, "junit: testsuites must be the root");
    } else if (strcmp(e->name, "testsuite") == 0) {
        if (p->depth && strcmp(parent, "testsuites"))
            fail(p, "junit: testsuite outside testsuites");
        need[0] = "name", need[1] = "tests";
    } else if (strcmp(e->name, "testcase") == 0) {
        if (strcmp(parent, "testsuite"))
            fail(p, "junit: testcase outside testsuite");
        need[0] = "name", need[1] = "classname";
        p->stack[p->depth - 1].testcases++;
    } else if (!strcmp(e->name, "failure") || !strcmp(e->name, "error") ||
               !strcmp(e->name, "skipped")) {
        if (strcmp(parent, "testcase"))
            fail(p, "junit: failure/error/skipped outside testcase");
        if (!strcmp(e->name, "failure"))
            p->stack[p->depth - 1].has_failure = 1;
        if (!strcmp(e->name, "error"))
            p->stack[p->depth - 1].has_error = 1;
    } else if (!strcmp(e->name, "system-out") || !strcmp(e->name, "system-err") ||
               !strcmp(e->name, "properties")) {
        if (strcmp(parent, "testcase") && strcmp(parent, "testsuite"))
            fail(p, "junit: system-out/err or properties misplaced");
    } else if (!strcmp(e->name, "property")) {
        if (strcmp(parent, "properties"))
            fail(p, "junit: property outside properties");
    } else {
        fail(p, "junit: element the schema does not have");
    }
    e->tests_attr = e->failures_attr = e->errors_attr = -1;
    for (int k = 0; k < 3 && need[k]; k++) {
        int found = 0;
        for (int a = 0; a < count; a++)
            found |= strcmp(names[a], need[k]) == 0;
        if (!found)
            fail(p, "junit: a required attribute is missing");
    }
    for (int a = 0; a < count; a++) {
        if (strcmp(e->name, "testsuite") && strcmp(e->name, "testsuites"))
            break;
        if (!strcmp(names[a], "tests"))
            e->tests_attr = attr_long(values[a], p, "junit: tests is not a count");
        else if (!strcmp(names[a], "failures"))
            e->failures_attr = attr_long(values[a], p, "junit: failures is not a count");
        else if (!strcmp(names[a], "errors"))
            e->errors_attr = attr_long(values[a], p, "junit: errors is not a count");
    }
}

static void junit_close(struct parser *p, struct elem *e)
{
    if (!strcmp(e->name, "testcase")) {
        struct elem *suite = &p->stack[p->depth - 1];
        suite->with_failure += e->has_failure && !e->has_error;
        suite->with_error += e->has_error;
    } else if (!strcmp(e->name, "testsuite")) {
        if (e->tests_attr != e->testcases)
            fail(p, "junit: testsuite tests= does not count its testcases");
        if (e->failures_attr >= 0 && e->failures_attr != e->with_failure)
            fail(p, "junit: testsuite failures= does not count its failed testcases");
        if (e->errors_attr >= 0 && e->errors_attr != e->with_error)
            fail(p, "junit: testsuite errors= does not count its testcases in error");
    }
}

static void start_tag(struct parser *p)
{
    p->i++; /* < */
    if (p->depth >= MAX_DEPTH)
        fail(p, "nesting too deep");
    if (p->depth == 0 && p->roots++)
        fail(p, "more than one root element");
    struct elem *e = &p->stack[p->depth];
    memset(e, 0, sizeof *e);
    read_name(p, e->name);
    char names[MAX_ATTRS][NAME_MAX_LEN];
    char values[MAX_ATTRS][256];
    int count = 0;
    for (;;) {
        size_t before = p->i;
        skip_space(p);
        if (at(p, "/>") || at(p, ">"))
            break;
        if (p->i == before)
            fail(p, "attributes must be separated by white space");
        if (count == MAX_ATTRS)
            fail(p, "too many attributes");
        read_name(p, names[count]);
        for (int a = 0; a < count; a++)
            if (!strcmp(names[a], names[count]))
                fail(p, "attribute given twice");
        skip_space(p);
        if (!at(p, "="))
            fail(p, "expected = after an attribute name");
        p->i++;
        skip_space(p);
        if (p->i >= p->n || (p->s[p->i] != '"' && p->s[p->i] != '\''))
            fail(p, "attribute value not quoted");
        unsigned char q = p->s[p->i++];
        size_t k = 0, start = p->i;
        while (p->i < p->n && p->s[p->i] != q) {
            if (p->s[p->i] == '<')
                fail(p, "< in an attribute value");
            if (p->s[p->i] == '&')
                reference(p);
            else
                next_char(p);
        }
        if (p->i >= p->n)
            fail(p, "unterminated attribute value");
        for (size_t j = start; j < p->i && k + 1 < sizeof values[0]; j++)
            values[count][k++] = (char)p->s[j];
        values[count][k] = '\0';
        p->i++;
        count++;
    }
    if (p->junit)
        junit_open(p, e, names, values, count);
    if (at(p, "/>")) {
        p->i += 2;
        if (p->junit)
            junit_close(p, e);
        return;
    }
    p->i++;
    p->depth++;
}

static void end_tag(struct parser *p)
{
    p->i += 2; /* </ */
    char name[NAME_MAX_LEN];
    read_name(p, name);
    skip_space(p);
    if (!at(p, ">"))
        fail(p, "expected > to end a closing tag");
    p->i++;
    if (p->depth == 0 || strcmp(p->stack[p->depth - 1].name, name))
        fail(p, "closing tag does not match the open element");
    p->depth--;
    if (p->junit)
        junit_close(p, &p->stack[p->depth]);
}

static void skip_until(struct parser *p, const char *end, const char *what)
{
    while (p->i < p->n && !at(p, end))
        next_char(p);
    if (p->i >= p->n)
        fail(p, what);
    p->i += strlen(end);
}

int main(int argc, char **argv)
{
    struct parser p = {0};
    p.line = 1;
    if (argc == 3 && !strcmp(argv[1], "--junit"))
        p.junit = 1, argv++;
    else if (argc != 2)
        return fprintf(stderr, "usage: xmlwf [--junit] FILE\n"), 2;
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return perror(argv[1]), 2;
    static unsigned char buf[1 << 24];
    p.n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    p.s = buf;
    if (at(&p, "<?xml")) /* the declaration, taken as is */
        skip_until(&p, "?>", "unterminated XML declaration");
    while (p.i < p.n) {
        if (at(&p, "<!--")) {
            p.i += 4;
            skip_until(&p, "--", "unterminated comment");
            if (!at(&p, ">"))
                fail(&p, "-- inside a comment");
            p.i++;
        } else if (at(&p, "<![CDATA[")) {
            if (!p.depth)
                fail(&p, "CDATA outside the root element");
            skip_until(&p, "]]>", "unterminated CDATA section");
        } else if (at(&p, "<!") || at(&p, "<?")) {
            fail(&p, "DOCTYPE or processing instruction (not used here)");
        } else if (at(&p, "</")) {
            end_tag(&p);
        } else if (at(&p, "<")) {
            start_tag(&p);
        } else if (at(&p, "&")) {
            if (!p.depth)
                fail(&p, "reference outside the root element");
            reference(&p);
        } else if (at(&p, "]]>")) {
            fail(&p, "]]> in character data");
        } else {
            uint32_t c = next_char(&p);
            if (!p.depth && !(c == ' ' || c == '\t' || c == '\r' || c == '\n'))
                fail(&p, "text outside the root element");
        }
    }
    if (p.depth)
        fail(&p, "element not closed at the end of the file");
    if (!p.roots)
        fail(&p, "no root element");
    if (p.junit && strcmp(p.stack[0].name, "testsuites") && strcmp(p.stack[0].name, "testsuite"))
        fail(&p, "junit: the root is neither testsuites nor testsuite");
    return 0;
}
