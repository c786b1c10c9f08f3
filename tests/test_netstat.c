/* Unit tests of the netstat/ss views: ss's timer wording, netstat -nat rows
 * and header byte for byte, the `awk '{print $6}' | sort | uniq -c` counts,
 * ss rows with their timer column, row limits and summaries, and the probe
 * that takes a view of a real run at a settled instant. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmocka_wrap.h"

#include "capture.h"
#include "tcpsim/engine.h"
#include "tcpsim/netstat.h"
#include "tcpsim/probe.h"

#define CLIENT 0x0a000001u /* 10.0.0.1 */
#define SERVER 0x0a000002u /* 10.0.0.2 */

static struct sock_info listener(void)
{
    return (struct sock_info){.state = TCP_LISTEN, .id = 1, .local_port = 80, .backlog = 4096};
}

static struct sock_info conn(enum tcp_state state, uint16_t lport)
{
    return (struct sock_info){.state = state, .id = 2, .local_addr = CLIENT, .local_port = lport,
                              .remote_addr = SERVER, .remote_port = 80};
}

static char *render(const struct sock_info *rows, size_t n, struct netstat_options o)
{
    struct capture c;
    capture_open(&c);
    netstat_write_rows(c.f, rows, n, &o);
    capture_text(&c);
    return c.buf;
}

static void check_timer(sim_time_t left, const char *want)
{
    char out[48];
    netstat_format_ss_timer(left, out, sizeof out);
    assert_string_equal(out, want);
}

/* ------------------------------------------------------------- tests */

static void ss_timer_prints_whole_seconds_from_ten_seconds(void **state)
{
    (void)state;
    check_timer(SIM_MS(52400), "52sec");
    check_timer(SIM_S(10), "10sec");
}

static void ss_timer_prints_minutes_and_seconds_without_milliseconds(void **state)
{
    (void)state;
    check_timer(SIM_MS(119500), "1min59sec");
    check_timer(SIM_S(60), "1min");
    check_timer(SIM_S(61), "1min1sec");
    check_timer(SIM_S(7199), "119min"); /* from 10 min the seconds go too */
}

static void ss_timer_prints_fractions_below_ten_seconds(void **state)
{
    (void)state;
    check_timer(SIM_MS(9501), "9.501sec");
    check_timer(SIM_MS(1050), "1.050sec");
    check_timer(SIM_MS(200), "200ms");
    check_timer(SIM_US(200999), "200ms"); /* whole milliseconds, truncated */
    check_timer(SIM_S(3), "3sec");
}

static void netstat_row_matches_net_tools_layout(void **state)
{
    (void)state;
    struct sock_info rows[] = {listener(), conn(TCP_TIME_WAIT, 40000)};
    char *text = render(rows, 2, (struct netstat_options){NETSTAT_VIEW_NETSTAT, false, 0});
    const char *want =
        "$ netstat -nat\n"
        "Active Internet connections (servers and established)\n"
        "Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n"
        "tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN     \n"
        "tcp        0      0 10.0.0.1:40000          10.0.0.2:80             TIME_WAIT  \n";
    assert_memory_equal(text, want, strlen(want));
    free(text);
}

static void netstat_shows_queues_and_close_state_names(void **state)
{
    (void)state;
    struct sock_info r = conn(TCP_SYN_SENT, 40001);
    r.send_q = 1;
    r.recv_q = 123456;
    char *text = render(&r, 1, (struct netstat_options){NETSTAT_VIEW_NETSTAT, false, 0});
    assert_non_null(strstr(text, "tcp   123456      1 10.0.0.1:40001          10.0.0.2:80"
                                 "             SYN_SENT   \n"));
    free(text);
    assert_string_equal(netstat_state_name(TCP_CLOSED, NETSTAT_VIEW_NETSTAT), "CLOSE");
    assert_string_equal(netstat_state_name(TCP_FIN_WAIT1, NETSTAT_VIEW_NETSTAT), "FIN_WAIT1");
    assert_string_equal(netstat_state_name(TCP_FIN_WAIT1, NETSTAT_VIEW_SS), "FIN-WAIT-1");
    assert_string_equal(netstat_state_name(TCP_ESTABLISHED, NETSTAT_VIEW_SS), "ESTAB");
}

/* What `netstat -nat | awk '{print $6}' | LC_ALL=C sort | uniq -c` prints,
 * header words included, in byte order. */
static void netstat_counts_are_sorted_as_sort_and_uniq_print_them(void **state)
{
    (void)state;
    struct sock_info rows[] = {listener(), conn(TCP_TIME_WAIT, 40000), conn(TCP_ESTABLISHED, 40001),
                               conn(TCP_TIME_WAIT, 40002), conn(TCP_CLOSE_WAIT, 40003)};
    char *text = render(rows, 5, (struct netstat_options){NETSTAT_VIEW_NETSTAT, true, 0});
    assert_string_equal(text, "$ netstat -nat | awk '{print $6}' | LC_ALL=C sort | uniq -c\n"
                              "      1 CLOSE_WAIT\n"
                              "      1 ESTABLISHED\n"
                              "      1 Foreign\n"
                              "      1 LISTEN\n"
                              "      2 TIME_WAIT\n"
                              "      1 established)\n");
    free(text);
}

static void netstat_row_limit_lists_the_first_rows_and_counts_all(void **state)
{
    (void)state;
    struct sock_info rows[4];
    for (int i = 0; i < 4; i++)
        rows[i] = conn(TCP_TIME_WAIT, (uint16_t)(40000 + i));
    char *text = render(rows, 4, (struct netstat_options){NETSTAT_VIEW_NETSTAT, false, 2});
    assert_non_null(strstr(text, "10.0.0.1:40001"));
    assert_null(strstr(text, "10.0.0.1:40002"));
    assert_non_null(strstr(text, "(2 more sockets not listed)\n"));
    assert_non_null(strstr(text, "      4 TIME_WAIT\n"));
    free(text);
}

static void ss_rows_align_addresses_and_print_timers(void **state)
{
    (void)state;
    struct sock_info rows[] = {listener(), conn(TCP_ESTABLISHED, 40000),
                               conn(TCP_TIME_WAIT, 40001), conn(TCP_ESTABLISHED, 40002),
                               conn(TCP_ESTABLISHED, 40003)};
    rows[1].timer = SOCK_TIMER_KEEPALIVE;
    rows[1].timer_left = SIM_MS(119000);
    rows[2].timer = SOCK_TIMER_TIMEWAIT;
    rows[2].timer_left = SIM_S(52);
    rows[3].timer = SOCK_TIMER_ON;
    rows[3].timer_left = SIM_MS(200);
    rows[3].timer_count = 3;
    rows[3].send_q = 1000;
    rows[4].timer = SOCK_TIMER_PERSIST;
    rows[4].timer_left = SIM_MS(1500);
    char *text = render(rows, 5, (struct netstat_options){NETSTAT_VIEW_SS, false, 0});
    assert_string_equal(
        text,
        "$ ss -tano\n"
        "State     Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n"
        "LISTEN    0      4096         0.0.0.0:80         0.0.0.0:*\n"
        "ESTAB     0      0           10.0.0.1:40000     10.0.0.2:80   timer:(keepalive,1min59sec,0)\n"
        "TIME-WAIT 0      0           10.0.0.1:40001     10.0.0.2:80   timer:(timewait,52sec,0)\n"
        "ESTAB     0      1000        10.0.0.1:40002     10.0.0.2:80   timer:(on,200ms,3)\n"
        "ESTAB     0      0           10.0.0.1:40003     10.0.0.2:80   timer:(persist,1.500sec,0)\n");
    free(text);
}

/* ---- probes ----------------------------------------------------------- */

struct probe_log {
    struct engine *engine;
    int fired_at_3s; /* events at 3 s that ran before the probe */
    int event_count;
    sim_time_t seen[8];
    int seen_count;
};

struct plain_event {
    struct sim_timer timer;
    struct probe_log *log;
};

static void plain_fire(struct engine *engine, struct sim_timer *timer)
{
    (void)engine;
    struct plain_event *e = container_of(timer, struct plain_event, timer);
    e->log->event_count++;
}

static void log_probe(void *ctx, sim_time_t now)
{
    struct probe_log *log = ctx;
    log->fired_at_3s = log->event_count;
    if (log->seen_count < 8)
        log->seen[log->seen_count++] = now;
}

static void probe_runs_after_every_event_due_at_its_instant(void **state)
{
    (void)state;
    struct engine engine;
    assert_int_equal(engine_init(&engine), 0);
    struct probe_log log = {.engine = &engine};
    struct probe_set *set = probe_set_new(&engine);
    assert_non_null(set);
    /* The probe is armed before the events due at the same instant. */
    assert_int_equal(probe_set_add(set, SIM_S(3), 0, log_probe, &log), 0);
    struct plain_event ev[2] = {{.log = &log}, {.log = &log}};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(engine_timer_add(&engine, &ev[i].timer, plain_fire), 0);
        engine_arm(&engine, &ev[i].timer, SIM_S(3));
    }
    engine_run(&engine, SIM_TIME_MAX);
    assert_int_equal(log.seen_count, 1);
    assert_int_equal(log.seen[0], SIM_S(3));
    assert_int_equal(log.fired_at_3s, 2);
    probe_set_free(set);
    engine_free(&engine);
}

static void periodic_probe_stops_when_nothing_else_is_pending(void **state)
{
    (void)state;
    struct engine engine;
    assert_int_equal(engine_init(&engine), 0);
    struct probe_log log = {.engine = &engine};
    struct probe_set *set = probe_set_new(&engine);
    assert_int_equal(probe_set_add(set, SIM_S(1), SIM_S(1), log_probe, &log), 0);
    struct plain_event ev = {.log = &log};
    assert_int_equal(engine_timer_add(&engine, &ev.timer, plain_fire), 0);
    engine_arm(&engine, &ev.timer, SIM_MS(2500));
    engine_run(&engine, SIM_TIME_MAX);
    /* 1 s and 2 s see the 2.5 s event pending; 3 s is the last view. */
    assert_int_equal(log.seen_count, 3);
    assert_int_equal(log.seen[2], SIM_S(3));
    probe_set_free(set);
    engine_free(&engine);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ss_timer_prints_whole_seconds_from_ten_seconds),
        cmocka_unit_test(ss_timer_prints_minutes_and_seconds_without_milliseconds),
        cmocka_unit_test(ss_timer_prints_fractions_below_ten_seconds),
        cmocka_unit_test(netstat_row_matches_net_tools_layout),
        cmocka_unit_test(netstat_shows_queues_and_close_state_names),
        cmocka_unit_test(netstat_counts_are_sorted_as_sort_and_uniq_print_them),
        cmocka_unit_test(netstat_row_limit_lists_the_first_rows_and_counts_all),
        cmocka_unit_test(ss_rows_align_addresses_and_print_timers),
        cmocka_unit_test(probe_runs_after_every_event_due_at_its_instant),
        cmocka_unit_test(periodic_probe_stops_when_nothing_else_is_pending),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
