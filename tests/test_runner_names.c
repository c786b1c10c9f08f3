/* Unit tests of the runner's socket-name table (runner_names.c): names are
 * per host, a name keeps its entry once bound, and lookups stay correct
 * (and cheap: the hash index is never more than half full) through growth
 * to 100,000 names, as in scenarios with tens of thousands of named steps. */
#include "cmocka_wrap.h"

#include <stdio.h>
#include <string.h>

#include "run/sock_names.h"

static void test_names_are_per_host(void **state)
{
    (void)state;
    struct sock_names n = {0};
    assert_null(sock_names_find(&n, 0, "conn"));
    struct sock_name *c0 = sock_names_add(&n, 0, "conn");
    assert_non_null(c0);
    c0->first_conn = 7;
    struct sock_name *c1 = sock_names_add(&n, 1, "conn");
    assert_non_null(c1);
    c1->first_conn = 9;
    assert_int_equal(sock_names_find(&n, 0, "conn")->first_conn, 7);
    assert_int_equal(sock_names_find(&n, 1, "conn")->first_conn, 9);
    assert_null(sock_names_find(&n, 0, "con"));
    assert_null(sock_names_find(&n, 0, "conn2"));
    sock_names_free(&n);
    assert_int_equal(n.count, 0);
}

static void test_names_survive_growth_to_100k_in_binding_order(void **state)
{
    (void)state;
    enum { N = 100000 };
    struct sock_names n = {0};
    char name[32];
    for (uint32_t i = 0; i < N; i++) {
        snprintf(name, sizeof name, "c%u", i);
        struct sock_name *s = sock_names_add(&n, (int)(i & 1), name);
        assert_non_null(s);
        s->first_conn = i + 1;
    }
    assert_int_equal(n.count, N);
    assert_true(n.index_cap >= 2 * n.count); /* short probe runs: O(1) lookups */
    for (uint32_t i = 0; i < N; i++) {
        snprintf(name, sizeof name, "c%u", i);
        const struct sock_name *s = sock_names_find(&n, (int)(i & 1), name);
        assert_non_null(s);
        assert_int_equal(s->first_conn, i + 1);
        assert_ptr_equal(s, &n.v[i]); /* the array keeps binding order */
        assert_null(sock_names_find(&n, (int)!(i & 1), name));
    }
    sock_names_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_are_per_host),
        cmocka_unit_test(test_names_survive_growth_to_100k_in_binding_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
