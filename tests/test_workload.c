/* Workloads (scenario `workloads:`, sim/run/workload.c): the loader's fields and
 * errors, and the applications' behaviour measured by per-state socket
 * counts and the workload totals: who closes first, keep-alive limits,
 * CLOSE_WAIT leaks, process exit, the connect schedule. */
#include "cmocka_wrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/runner_internal.h"
#include "tcp/tcp_internal.h"
#include "tcpsim/errors.h"
#include "tcpsim/runner.h"
#include "tcpsim/scenario.h"
#include "run/workload.h"

#define HEAD                                                                                      \
    "profile: linux\n"                                                                           \
    "link: {delay: 10ms}\n"                                                                      \
    "hosts:\n"                                                                                   \
    "  client: {addr: 10.0.0.1}\n"                                                               \
    "  server: {addr: 10.0.0.2}\n"

struct world {
    struct scenario sc;
    struct runner *r;
    char err[SCENARIO_ERROR_MAX];
};

static int load_text(struct scenario *sc, const char *yaml, char *err, size_t size)
{
    char path[] = "/tmp/test_workload_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(yaml);
    assert_int_equal(write(fd, yaml, len), (ssize_t)len);
    close(fd);
    int rc = scenario_load(path, NULL, 0, sc, err, size);
    unlink(path);
    return rc;
}

static struct world *world_new(const char *workloads)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml, HEAD "workloads:\n%s", workloads);
    struct world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    if (load_text(&w->sc, yaml, w->err, sizeof w->err) != 0)
        fail_msg("%s", w->err);
    assert_int_equal(runner_create(&w->sc, &w->r), TS_OK);
    return w;
}

static void world_free(struct world *w)
{
    runner_free(w->r);
    scenario_free(&w->sc);
    free(w);
}

static void run_to(struct world *w, sim_time_t t) { engine_run(&w->r->net.engine, t); }

static uint32_t count(struct world *w, int host, enum tcp_state s)
{
    return host_count_in_state(w->r->net.hosts[host], s);
}

static const struct workload_stats *stats(struct world *w, size_t i)
{
    return workload_stats(w->r->workloads, i);
}

enum { CLIENT, SERVER };

/* ---- loader ---- */

static void test_workload_loader_reads_every_field(void **state)
{
    (void)state;
    struct world *w = world_new(
        "  - {name: web, client: client, server: server:8080, count: 7, rate: 500/s,\n"
        "     start: 2s, request: 300, response: 4000, requests: 5, think: 10ms,\n"
        "     close: both, max_requests: 100, idle_timeout: 15s, server_never_closes: true,\n"
        "     keepalive: true, client_exit: 20s, server_exit: 30s}\n");
    const struct scenario_workload *c = &w->sc.workloads[0];
    assert_int_equal(w->sc.workload_count, 1);
    assert_string_equal(c->name, "web");
    assert_int_equal(c->client, 0);
    assert_int_equal(c->server, 1);
    assert_int_equal(c->port, 8080);
    assert_int_equal(c->count, 7);
    assert_int_equal(c->interval, SIM_MS(2));
    assert_int_equal(c->start, SIM_S(2));
    assert_int_equal(c->request, 300);
    assert_int_equal(c->response, 4000);
    assert_int_equal(c->requests, 5);
    assert_int_equal(c->think, SIM_MS(10));
    assert_int_equal(c->close, WL_CLOSE_BOTH);
    assert_int_equal(c->max_requests, 100);
    assert_int_equal(c->idle_timeout, SIM_S(15));
    assert_true(c->server_never_closes);
    assert_true(c->keepalive);
    assert_int_equal(c->client_exit, SIM_S(20));
    assert_int_equal(c->server_exit, SIM_S(30));
    world_free(w);
}

static void test_workload_defaults_are_one_short_request_closed_by_the_client(void **state)
{
    (void)state;
    struct world *w = world_new("  - {client: client, server: server:80}\n");
    const struct scenario_workload *c = &w->sc.workloads[0];
    assert_string_equal(c->name, "workload1");
    assert_int_equal(c->count, 1);
    assert_int_equal(c->requests, 1);
    assert_int_equal(c->request, 100);
    assert_int_equal(c->response, 100);
    assert_int_equal(c->close, WL_CLOSE_CLIENT);
    assert_int_equal(c->client_exit, SIM_TIME_NEVER);
    world_free(w);
}

static void expect_load_error(const char *workloads, const char *msg)
{
    char yaml[2048], err[SCENARIO_ERROR_MAX];
    struct scenario sc;
    snprintf(yaml, sizeof yaml, HEAD "workloads:\n%s", workloads);
    assert_int_equal(load_text(&sc, yaml, err, sizeof err), -1);
    if (!strstr(err, msg))
        fail_msg("error '%s' lacks '%s'", err, msg);
}

static void test_workload_loader_rejects_bad_values_with_their_position(void **state)
{
    (void)state;
    expect_load_error("  - {client: client, server: server:80, count: 5, interval: 1ms, rate: 1/s}\n",
                      ":7:72: give 'interval' or 'rate', not both");
    expect_load_error("  - {client: client, server: server:80, count: 0}\n",
                      ":7:48: 'count' must be between 1 and 10000000, got 0");
    expect_load_error("  - {client: server, server: server:80}\n", "a host cannot connect to itself");
    expect_load_error("  - {client: client, server: server:80, colse: client}\n",
                      "unknown key 'colse' in workload; did you mean 'close'?");
    expect_load_error("  - {client: client, server: server:80}\n"
                      "  - {client: client, server: server:80}\n",
                      "already serves server:80");
    expect_load_error("  - {client: client, server: server:80, request: 0}\n",
                      "'request' must be between 1 and");
}

/* ---- behaviour ---- */

/* Connection k opens at start + k*interval. */
static void test_workload_opens_connections_at_start_plus_k_intervals(void **state)
{
    (void)state;
    struct world *w = world_new(
        "  - {client: client, server: server:80, count: 5, interval: 100ms, start: 1s}\n");
    run_to(w, SIM_MS(999));
    assert_int_equal(stats(w, 0)->opened, 0);
    run_to(w, SIM_MS(1000));
    assert_int_equal(stats(w, 0)->opened, 1);
    run_to(w, SIM_MS(1350));
    assert_int_equal(stats(w, 0)->opened, 4);
    run_to(w, SIM_S(3));
    assert_int_equal(stats(w, 0)->opened, 5);
    assert_int_equal(stats(w, 0)->completed, 5);
    world_free(w);
}

static void test_workload_client_closing_first_leaves_time_wait_on_the_client(void **state)
{
    (void)state;
    struct world *w =
        world_new("  - {client: client, server: server:80, count: 50, interval: 1ms}\n");
    run_to(w, SIM_S(2));
    assert_int_equal(count(w, CLIENT, TCP_TIME_WAIT), 50);
    assert_int_equal(count(w, SERVER, TCP_TIME_WAIT), 0);
    assert_int_equal(count(w, SERVER, TCP_ESTABLISHED), 0);
    world_free(w);
}

static void test_workload_server_closing_first_leaves_time_wait_on_the_server(void **state)
{
    (void)state;
    struct world *w = world_new(
        "  - {client: client, server: server:80, count: 50, interval: 1ms, close: server,\n"
        "     requests: 3}\n");
    run_to(w, SIM_S(2));
    assert_int_equal(count(w, SERVER, TCP_TIME_WAIT), 50);
    assert_int_equal(count(w, CLIENT, TCP_TIME_WAIT), 0);
    assert_int_equal(stats(w, 0)->served, 150);
    world_free(w);
}

/* Apache MaxKeepAliveRequests: the server ends a connection after N. */
static void test_workload_max_requests_closes_after_n_responses(void **state)
{
    (void)state;
    struct world *w = world_new(
        "  - {client: client, server: server:80, count: 4, interval: 1ms, requests: 10,\n"
        "     close: none, max_requests: 3}\n");
    run_to(w, SIM_S(5));
    assert_int_equal(stats(w, 0)->served, 12);
    assert_int_equal(stats(w, 0)->completed, 12);
    assert_int_equal(count(w, SERVER, TCP_TIME_WAIT), 4);
    world_free(w);
}

/* Apache KeepAliveTimeout: an idle persistent connection is closed by the
 * server after idle_timeout. */
static void test_workload_idle_timeout_closes_idle_connections(void **state)
{
    (void)state;
    struct world *w = world_new(
        "  - {client: client, server: server:80, count: 3, interval: 1ms, close: none,\n"
        "     idle_timeout: 5s}\n");
    run_to(w, SIM_S(4));
    assert_int_equal(count(w, SERVER, TCP_ESTABLISHED), 3);
    run_to(w, SIM_S(6));
    assert_int_equal(count(w, SERVER, TCP_ESTABLISHED), 0);
    assert_int_equal(count(w, SERVER, TCP_TIME_WAIT), 3);
    world_free(w);
}

static void test_workload_server_that_never_closes_leaks_close_wait(void **state)
{
    (void)state;
    struct world *w = world_new(
        "  - {client: client, server: server:80, count: 20, interval: 1ms,\n"
        "     server_never_closes: true}\n");
    run_to(w, SIM_S(30));
    assert_int_equal(count(w, SERVER, TCP_CLOSE_WAIT), 20);
    assert_int_equal(count(w, CLIENT, TCP_FIN_WAIT2), 20);
    world_free(w);
}

/* A process exit closes every socket it holds and stops the connects. */
static void test_workload_client_exit_closes_every_socket_and_stops_connecting(void **state)
{
    (void)state;
    struct world *w = world_new(
        "  - {client: client, server: server:80, count: 100, interval: 10ms, close: none,\n"
        "     client_exit: 505ms}\n");
    run_to(w, SIM_MS(504));
    assert_int_equal(count(w, CLIENT, TCP_ESTABLISHED), 49);
    run_to(w, SIM_S(3));
    assert_int_equal(stats(w, 0)->opened, 51);
    assert_int_equal(count(w, CLIENT, TCP_ESTABLISHED), 0);
    /* Two were still in SYN_SENT (deleted, no segment); two more had a
     * response in flight, which arrived after close(): RST, no TIME_WAIT. */
    assert_int_equal(count(w, CLIENT, TCP_TIME_WAIT), 47);
    world_free(w);
}

static void test_workload_server_exit_closes_listener_and_connections(void **state)
{
    (void)state;
    struct world *w = world_new(
        "  - {client: client, server: server:80, count: 10, interval: 1ms, close: none,\n"
        "     server_exit: 1s}\n");
    run_to(w, SIM_S(2));
    assert_null(host_find_listener(w->r->net.hosts[SERVER], 80));
    assert_int_equal(count(w, SERVER, TCP_TIME_WAIT), 10);
    assert_int_equal(count(w, CLIENT, TCP_ESTABLISHED), 0);
    world_free(w);
}

/* connect() failures are counted and the population goes on. */
static void test_workload_counts_eaddrnotavail_when_ports_run_out(void **state)
{
    (void)state;
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "profile: linux\nlink: {delay: 10ms}\nhosts:\n"
             "  client: {addr: 10.0.0.1, tcp: {port_range_lo: 40000, port_range_hi: 40009}}\n"
             "  server: {addr: 10.0.0.2}\n"
             "workloads:\n  - {client: client, server: server:80, count: 25, interval: 10ms}\n");
    struct world w = {0};
    assert_int_equal(load_text(&w.sc, yaml, w.err, sizeof w.err), 0);
    assert_int_equal(runner_create(&w.sc, &w.r), TS_OK);
    engine_run(&w.r->net.engine, SIM_S(5));
    assert_int_equal(stats(&w, 0)->opened, 10);
    assert_int_equal(stats(&w, 0)->connect_errors, 15);
    runner_free(w.r);
    scenario_free(&w.sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workload_loader_reads_every_field),
        cmocka_unit_test(test_workload_defaults_are_one_short_request_closed_by_the_client),
        cmocka_unit_test(test_workload_loader_rejects_bad_values_with_their_position),
        cmocka_unit_test(test_workload_opens_connections_at_start_plus_k_intervals),
        cmocka_unit_test(test_workload_client_closing_first_leaves_time_wait_on_the_client),
        cmocka_unit_test(test_workload_server_closing_first_leaves_time_wait_on_the_server),
        cmocka_unit_test(test_workload_max_requests_closes_after_n_responses),
        cmocka_unit_test(test_workload_idle_timeout_closes_idle_connections),
        cmocka_unit_test(test_workload_server_that_never_closes_leaks_close_wait),
        cmocka_unit_test(test_workload_client_exit_closes_every_socket_and_stops_connecting),
        cmocka_unit_test(test_workload_server_exit_closes_listener_and_connections),
        cmocka_unit_test(test_workload_counts_eaddrnotavail_when_ports_run_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
