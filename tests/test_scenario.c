/* Tests of the scenario loader: the scalar parsers, every field of a complete
 * scenario landing in struct scenario, the order profile -> tcp: -> host
 * tcp: -> --set, and the exact wording and position of each error. Also
 * loads the bad-input corpus tests/bad/ when run from the repository top. */
#include "cmocka_wrap.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario/scenario_internal.h"
#include "tcpsim/errors.h"
#include "tcpsim/runner.h"
#include "tcpsim/scenario.h"
#include "tcpsim/tcp_params.h"

/* ---- helpers ---- */

struct loaded {
    char path[64];
    struct scenario sc;
    char err[SCENARIO_ERROR_MAX];
    int rc;
};

static void write_file(char *path, const char *text)
{
    strcpy(path, "/tmp/test_scenario_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

/* Loads `yaml` (with --set `sets`) from a temporary file. */
static void load_with(struct loaded *l, const char *yaml, const char *const *sets, size_t n)
{
    write_file(l->path, yaml);
    l->rc = scenario_load(l->path, sets, n, &l->sc, l->err, sizeof l->err);
    unlink(l->path);
}

static void load(struct loaded *l, const char *yaml)
{
    load_with(l, yaml, NULL, 0);
}

/* Asserts the load failed and the first line of the error is
 * "<path>:<where_msg>" (where_msg = "L:C: message"), or exactly `where_msg`
 * when it starts with "--set". */
static void assert_first_line(const struct loaded *l, const char *where_msg)
{
    char want[SCENARIO_ERROR_MAX], got[SCENARIO_ERROR_MAX];
    assert_int_equal(l->rc, -1);
    if (strncmp(where_msg, "--set", 5) == 0)
        snprintf(want, sizeof want, "%s", where_msg);
    else
        snprintf(want, sizeof want, "%s:%s", l->path, where_msg);
    snprintf(got, sizeof got, "%s", l->err);
    got[strcspn(got, "\n")] = '\0';
    assert_string_equal(got, want);
}

static void expect_error(const char *yaml, const char *where_msg)
{
    struct loaded l;
    load(&l, yaml);
    assert_first_line(&l, where_msg);
}

static void expect_set_error(const char *yaml, const char *set, const char *msg)
{
    struct loaded l;
    const char *sets[] = {set};
    load_with(&l, yaml, sets, 1);
    assert_first_line(&l, msg);
}

#define HOSTS "hosts:\n  client: {addr: 10.0.0.1}\n  server: {addr: 10.0.0.2}\n"

/* ---- scalar parsers ---- */

static void test_duration_accepts_integers_decimals_and_every_unit(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        sim_time_t ns;
    } ok[] = {
        {"0", 0},
        {"7ns", 7},
        {"3us", SIM_US(3)},
        {"200ms", SIM_MS(200)},
        {"2s", SIM_S(2)},
        {"1.5s", SIM_MS(1500)},
        {"1.1s", SIM_MS(1100)},
        {"0.5ms", SIM_US(500)},
        {"4min", SIM_S(240)},
        {"2h", SIM_S(7200)},
        {"1.25h", SIM_S(4500)},
        {"0s", 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        sim_time_t t = -1;
        assert_int_equal(scenario_parse_duration(ok[i].text, &t), 0);
        assert_int_equal(t, ok[i].ns);
    }
}

static void test_duration_rejects_missing_units_signs_and_junk(void **state)
{
    (void)state;
    static const char *const bad[] = {"fast",  "200",          "1.5",  "-5ms", "+5ms", "1.s",
                                      ".5s",   "1 s",          "",     "5m",   "5sec", "1.5.0s",
                                      "0.1ns", "99999999999h", "1e3ms"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sim_time_t t = 123;
        assert_int_equal(scenario_parse_duration(bad[i], &t), -1);
        assert_int_equal(t, 123);
    }
}

static void test_duration_tells_negative_from_malformed(void **state)
{
    (void)state;
    sim_time_t t;
    assert_int_equal(scn_parse_duration("-5ms", &t), SCN_PARSE_NEGATIVE);
    assert_int_equal(scn_parse_duration("-fast", &t), SCN_PARSE_BAD);
    assert_int_equal(scn_parse_duration("99999999999h", &t), SCN_PARSE_RANGE);
}

static void test_percent_is_parts_per_million_up_to_100(void **state)
{
    (void)state;
    uint32_t ppm = 7;
    assert_int_equal(scenario_parse_percent_ppm("1%", &ppm), 0);
    assert_int_equal(ppm, 10000);
    assert_int_equal(scenario_parse_percent_ppm("0.5%", &ppm), 0);
    assert_int_equal(ppm, 5000);
    assert_int_equal(scenario_parse_percent_ppm("0.0001%", &ppm), 0);
    assert_int_equal(ppm, 1);
    assert_int_equal(scenario_parse_percent_ppm("100%", &ppm), 0);
    assert_int_equal(ppm, 1000000);
    assert_int_equal(scenario_parse_percent_ppm("0", &ppm), 0);
    assert_int_equal(ppm, 0);
    assert_int_equal(scn_parse_percent("150%", &ppm), SCN_PARSE_RANGE);
    assert_int_equal(scn_parse_percent("100.0001%", &ppm), SCN_PARSE_RANGE);
    assert_int_equal(scn_parse_percent("-1%", &ppm), SCN_PARSE_NEGATIVE);
    assert_int_equal(scenario_parse_percent_ppm("1", &ppm), -1);
    assert_int_equal(scenario_parse_percent_ppm("0.00001%", &ppm), -1);
    assert_int_equal(scenario_parse_percent_ppm("x%", &ppm), -1);
    assert_int_equal(scenario_parse_percent_ppm("1%%", &ppm), -1);
}

static void test_rate_takes_bit_and_bps_units_in_any_case(void **state)
{
    (void)state;
    uint64_t bps = 7;
    assert_int_equal(scenario_parse_rate_bps("100Mbit", &bps), 0);
    assert_int_equal(bps, 100000000);
    assert_int_equal(scenario_parse_rate_bps("10Mbps", &bps), 0);
    assert_int_equal(bps, 10000000);
    assert_int_equal(scenario_parse_rate_bps("1Gbit", &bps), 0);
    assert_int_equal(bps, 1000000000);
    assert_int_equal(scenario_parse_rate_bps("1.5kbit", &bps), 0);
    assert_int_equal(bps, 1500);
    assert_int_equal(scenario_parse_rate_bps("64bps", &bps), 0);
    assert_int_equal(bps, 64);
    assert_int_equal(scenario_parse_rate_bps("2mbit", &bps), 0);
    assert_int_equal(bps, 2000000);
    assert_int_equal(scenario_parse_rate_bps("0", &bps), 0);
    assert_int_equal(bps, 0);
    assert_int_equal(scenario_parse_rate_bps("100", &bps), -1);
    assert_int_equal(scenario_parse_rate_bps("100MB", &bps), -1);
    assert_int_equal(scenario_parse_rate_bps("-1Mbit", &bps), -1);
    assert_int_equal(scenario_parse_rate_bps("0.5bit", &bps), -1);
}

static void test_addr_is_a_dotted_quad_in_host_order(void **state)
{
    (void)state;
    uint32_t a = 0;
    assert_int_equal(scenario_parse_addr("10.0.0.1", &a), 0);
    assert_int_equal(a, 0x0A000001u);
    assert_int_equal(scenario_parse_addr("255.255.255.255", &a), 0);
    assert_int_equal(a, 0xFFFFFFFFu);
    static const char *const bad[] = {"10.0.0",   "10.0.0.256", "10.0.0.1.2", "a.b.c.d",
                                      "10..0.1",  "1234.0.0.1", "",           "10.0.0.1 ",
                                      "-1.0.0.1", "10.0.0.1/24"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(scenario_parse_addr(bad[i], &a), -1);
}

static void test_uint_and_bool_parsers_are_strict(void **state)
{
    (void)state;
    uint64_t v;
    bool b;
    assert_int_equal(scn_parse_uint("18446744073709551615", &v), SCN_PARSE_OK);
    assert_true(v == UINT64_MAX);
    assert_int_equal(scn_parse_uint("18446744073709551616", &v), SCN_PARSE_RANGE);
    assert_int_equal(scn_parse_uint("-1", &v), SCN_PARSE_NEGATIVE);
    assert_int_equal(scn_parse_uint("1k", &v), SCN_PARSE_BAD);
    assert_int_equal(scn_parse_bool("true", &b), SCN_PARSE_OK);
    assert_true(b);
    assert_int_equal(scn_parse_bool("False", &b), SCN_PARSE_OK);
    assert_false(b);
    assert_int_equal(scn_parse_bool("yes", &b), SCN_PARSE_BAD);
}

/* ---- tcp_params ---- */

static void test_rfc9293_profile_has_the_rfc_values(void **state)
{
    (void)state;
    struct tcp_params p;
    tcp_params_defaults(&p, TCP_PROFILE_RFC9293);
    assert_int_equal(p.profile, TCP_PROFILE_RFC9293);
    assert_int_equal(p.mss, 1460);
    assert_int_equal(p.rto_initial, SIM_S(1));
    assert_int_equal(p.rto_min, SIM_S(1));
    assert_int_equal(p.rto_max, SIM_S(60));
    assert_int_equal(p.msl, SIM_S(120));
    assert_int_equal(tcp_params_time_wait(&p), SIM_S(240));
    assert_int_equal(p.syn_retries, 7);
    assert_int_equal(p.initial_cwnd_segments, 3);
    assert_int_equal(p.keepalive_time, SIM_S(7200));
    assert_false(p.keepalive);
    assert_false(p.window_scaling);
    assert_true(p.rst_on_close_unread);
    assert_int_equal(p.fin_timeout, 0);
    assert_int_equal(p.delack_time, SIM_MS(200));
}

static void test_linux_profile_has_the_default_sysctls(void **state)
{
    (void)state;
    struct tcp_params p;
    tcp_params_defaults(&p, TCP_PROFILE_LINUX);
    assert_int_equal(p.profile, TCP_PROFILE_LINUX);
    assert_int_equal(p.rto_min, SIM_MS(200));
    assert_int_equal(p.rto_max, SIM_S(120));
    assert_int_equal(tcp_params_time_wait(&p), SIM_S(60));
    assert_int_equal(p.syn_retries, 6);
    assert_int_equal(p.syn_linear_timeouts, 4);
    assert_int_equal(p.initial_cwnd_segments, 10);
    assert_int_equal(p.delack_time, SIM_MS(40));
    assert_int_equal(p.fin_timeout, SIM_S(60));
    assert_int_equal(p.challenge_ack_interval, SIM_MS(500));
    assert_int_equal(p.max_syn_backlog, 1024);
    assert_true(p.window_scaling && p.timestamps && p.sack && p.syncookies);
}

static void test_time_wait_is_two_msl_unless_fixed(void **state)
{
    (void)state;
    struct tcp_params p;
    tcp_params_defaults(&p, TCP_PROFILE_RFC9293);
    p.msl = SIM_S(30);
    assert_int_equal(tcp_params_time_wait(&p), SIM_S(60));
    p.time_wait = SIM_S(5);
    assert_int_equal(tcp_params_time_wait(&p), SIM_S(5));
}

static void test_profile_names_round_trip_and_rfc_is_an_alias(void **state)
{
    (void)state;
    assert_string_equal(tcp_profile_name(TCP_PROFILE_RFC9293), "rfc9293");
    assert_string_equal(tcp_profile_name(TCP_PROFILE_LINUX), "linux");
    assert_int_equal(tcp_profile_from_name("rfc9293"), TCP_PROFILE_RFC9293);
    assert_int_equal(tcp_profile_from_name("rfc"), TCP_PROFILE_RFC9293);
    assert_int_equal(tcp_profile_from_name("linux"), TCP_PROFILE_LINUX);
    assert_int_equal(tcp_profile_from_name("bsd"), -1);
}

/* ---- a complete scenario ---- */

static const char full_yaml[] =
    "name: handshake-and-close\n"
    "description: >\n"
    "  A paragraph for students.\n"
    "seed: 42\n"
    "stop: 5min\n"
    "tcp:\n"
    "  msl: 30s\n"
    "  syn_retries: 2\n"
    "profile: linux\n" /* after tcp: on purpose: the profile still comes first */
    "link:\n"
    "  delay: 10ms\n"
    "  jitter: 1ms\n"
    "  loss: 1%\n"
    "  dup: 0.5%\n"
    "  rate: 100Mbit\n"
    "  queue: 100\n"
    "  loss_data_only: true\n"
    "  directions:\n"
    "    server->client: {loss: 5%, delay: 20ms}\n"
    "hosts:\n"
    "  client: {addr: 10.0.0.1}\n"
    "  server:\n"
    "    addr: 10.0.0.2\n"
    "    tcp: {keepalive: true, keepalive_time: 10s, syn_retries: 3}\n"
    "    app: {autoread: false, close_on_eof: true}\n"
    "faults:\n"
    "  - drop: {from: server, flags: SA, nth: 1}\n"
    "  - drop: {flags: 'R*', count: 2, after: 1s, before: 2s, min_len: 10}\n"
    "  - partition: {from: 5s, to: 10s, direction: client->server}\n"
    "  - partition: {from: 20s}\n"
    "steps:\n"
    "  - {at: 0s, host: server, call: listen, port: 80, backlog: 5}\n"
    "  - {at: 100ms, host: client, call: connect, to: server:80, local_port: 40000, nodelay: "
    "true}\n"
    "  - {at: 1s, host: client, call: send, bytes: 1000}\n"
    "  - {at: 1s, host: server, call: recv, bytes: 100}\n"
    "  - {at: 2s, host: client, call: shutdown, how: wr}\n"
    "  - {at: 2s, host: client, call: setsockopt, linger: 0, keepcnt: 4, keepidle: 1s}\n"
    "  - {at: 2s, host: client, call: close}\n"
    "  - {at: 2500ms, host: server, call: close, sock: listener}\n"
    "  - {at: 3s, host: server, call: crash}\n"
    "  - {at: 4s, host: server, call: reboot}\n"
    "  - {at: 5s, host: client, call: connect, to: server, port: 81, as: second}\n"
    "  - {at: 6s, host: client, call: abort, sock: second}\n"
    "expect:\n"
    "  - client states CLOSED SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSED\n"
    "  - client state at 1.5s is TIME_WAIT\n"
    "  - server.listener final state is CLOSED\n"
    "  - client.second connect returns ECONNREFUSED\n"
    "  - client in TIME-WAIT for == 4min\n"
    "  - count client tx S == 4\n"
    "  - count server drop R* >= 1 from 1s to 2s\n"
    "  - server sockets in TIME_WAIT at 30s >= 25000\n"
    "  - client#2 connect returns 0\n";

static void test_complete_scenario_top_level_and_link(void **state)
{
    (void)state;
    struct loaded l;
    load(&l, full_yaml);
    assert_int_equal(l.rc, 0);
    struct scenario *sc = &l.sc;
    assert_string_equal(sc->file, l.path);
    assert_string_equal(sc->name, "handshake-and-close");
    assert_string_equal(sc->description, "A paragraph for students.");
    assert_int_equal(sc->seed, 42);
    assert_int_equal(sc->stop, SIM_S(300));
    assert_int_equal(sc->profile, TCP_PROFILE_LINUX);
    /* link[0] is client -> server: only the common settings */
    assert_int_equal(sc->link[0].delay, SIM_MS(10));
    assert_int_equal(sc->link[0].jitter, SIM_MS(1));
    assert_int_equal(sc->link[0].loss_ppm, 10000);
    assert_int_equal(sc->link[0].dup_ppm, 5000);
    assert_int_equal(sc->link[0].rate_bps, 100000000);
    assert_int_equal(sc->link[0].queue_limit, 100);
    assert_true(sc->link[0].loss_data_only);
    /* link[1] is server -> client: its direction overrides on top */
    assert_int_equal(sc->link[1].loss_ppm, 50000);
    assert_int_equal(sc->link[1].delay, SIM_MS(20));
    assert_int_equal(sc->link[1].rate_bps, 100000000);
    scenario_free(sc);
}

static void test_complete_scenario_hosts_get_profile_then_tcp_then_host_tcp(void **state)
{
    (void)state;
    struct loaded l;
    load(&l, full_yaml);
    assert_int_equal(l.rc, 0);
    struct scenario *sc = &l.sc;
    assert_int_equal(sc->host_count, 2);
    const struct scenario_host *c = &sc->hosts[0], *s = &sc->hosts[1];
    assert_string_equal(c->name, "client");
    assert_string_equal(s->name, "server");
    assert_int_equal(c->addr, 0x0A000001u);
    assert_int_equal(s->addr, 0x0A000002u);
    assert_int_equal(c->pos.line, 21);
    assert_int_equal(c->pos.col, 3);
    /* linux profile, although profile: is written after tcp: */
    assert_int_equal(c->tcp.profile, TCP_PROFILE_LINUX);
    assert_int_equal(c->tcp.rto_min, SIM_MS(200));
    assert_int_equal(c->tcp.msl, SIM_S(30)); /* top-level tcp: */
    assert_int_equal(c->tcp.syn_retries, 2); /* top-level tcp: */
    assert_false(c->tcp.keepalive);
    assert_int_equal(s->tcp.msl, SIM_S(30));
    assert_int_equal(s->tcp.syn_retries, 3); /* the host's own tcp: wins */
    assert_true(s->tcp.keepalive);
    assert_int_equal(s->tcp.keepalive_time, SIM_S(10));
    assert_true(c->autoread);
    assert_false(c->close_on_eof);
    assert_false(s->autoread);
    assert_true(s->close_on_eof);
    assert_int_equal(scenario_host_index(sc, "server"), 1);
    assert_int_equal(scenario_host_index(sc, "nobody"), -1);
    scenario_free(sc);
}

static void test_complete_scenario_faults(void **state)
{
    (void)state;
    struct loaded l;
    load(&l, full_yaml);
    assert_int_equal(l.rc, 0);
    struct scenario *sc = &l.sc;
    assert_int_equal(sc->fault_count, 4);
    const struct scenario_fault *f = sc->faults;
    assert_int_equal(f[0].kind, FAULT_DROP);
    assert_int_equal(f[0].from_host, 1);
    assert_int_equal(f[0].rule.flags_set, TCP_SYN | TCP_ACK);
    assert_int_equal(f[0].rule.flags_mask, 0x3F); /* exact */
    assert_int_equal(f[0].rule.nth, 1);
    assert_int_equal(f[0].rule.count, 1);
    assert_int_equal(f[0].rule.from, 0);
    assert_true(f[0].rule.to == SIM_TIME_NEVER);
    assert_int_equal(f[0].pos.line, 27);
    assert_int_equal(f[1].from_host, -1);
    assert_int_equal(f[1].rule.flags_set, TCP_RST);
    assert_int_equal(f[1].rule.flags_mask, TCP_RST); /* at least R */
    assert_int_equal(f[1].rule.nth, 1);              /* count alone: from the first */
    assert_int_equal(f[1].rule.count, 2);
    assert_int_equal(f[1].rule.from, SIM_S(1));
    assert_int_equal(f[1].rule.to, SIM_S(2));
    assert_int_equal(f[1].rule.min_len, 10);
    assert_int_equal(f[2].kind, FAULT_PARTITION);
    assert_int_equal(f[2].from_host, 0);
    assert_int_equal(f[2].from, SIM_S(5));
    assert_int_equal(f[2].to, SIM_S(10));
    assert_int_equal(f[3].from_host, -1);
    assert_true(f[3].to == SIM_TIME_NEVER);
    scenario_free(sc);
}

static void test_complete_scenario_steps(void **state)
{
    (void)state;
    struct loaded l;
    load(&l, full_yaml);
    assert_int_equal(l.rc, 0);
    struct scenario *sc = &l.sc;
    const struct scenario_step *st = sc->steps;
    assert_int_equal(sc->step_count, 12);
    assert_int_equal(st[0].call, STEP_LISTEN);
    assert_int_equal(st[0].host, 1);
    assert_int_equal(st[0].port, 80);
    assert_int_equal(st[0].backlog, 5);
    assert_string_equal(st[0].sock, "listener");
    assert_int_equal(st[0].pos.line, 32);
    assert_int_equal(st[1].call, STEP_CONNECT);
    assert_int_equal(st[1].at, SIM_MS(100));
    assert_int_equal(st[1].host, 0);
    assert_int_equal(st[1].peer, 1);
    assert_int_equal(st[1].port, 80);
    assert_int_equal(st[1].local_port, 40000);
    assert_string_equal(st[1].sock, "conn");
    assert_int_equal(st[1].opts.set_mask, SOCKOPT_NODELAY);
    assert_true(st[1].opts.nodelay);
    assert_int_equal(st[2].call, STEP_SEND);
    assert_int_equal(st[2].bytes, 1000);
    assert_int_equal(st[3].call, STEP_RECV);
    assert_int_equal(st[3].bytes, 100);
    assert_int_equal(st[4].how, SHUT_HOW_WR);
    assert_int_equal(st[5].call, STEP_SETSOCKOPT);
    assert_int_equal(st[5].opts.set_mask, SOCKOPT_LINGER | SOCKOPT_KEEPCNT | SOCKOPT_KEEPIDLE);
    assert_true(st[5].opts.linger_on);
    assert_int_equal(st[5].opts.linger, 0);
    assert_int_equal(st[5].opts.keepcnt, 4);
    assert_int_equal(st[5].opts.keepidle, SIM_S(1));
    assert_int_equal(st[6].call, STEP_CLOSE);
    assert_string_equal(st[7].sock, "listener");
    assert_int_equal(st[7].at, SIM_MS(2500));
    assert_int_equal(st[8].call, STEP_CRASH);
    assert_null(st[8].sock);
    assert_int_equal(st[9].call, STEP_REBOOT);
    assert_int_equal(st[10].port, 81);
    assert_string_equal(st[10].sock, "second");
    assert_int_equal(st[11].call, STEP_ABORT);
    assert_string_equal(st[11].sock, "second");
    scenario_free(sc);
}

static void test_complete_scenario_expectations(void **state)
{
    (void)state;
    struct loaded l;
    load(&l, full_yaml);
    assert_int_equal(l.rc, 0);
    struct scenario *sc = &l.sc;
    const struct expectation *e = sc->expects;
    assert_int_equal(sc->expect_count, 9);
    assert_int_equal(e[0].kind, EXPECT_STATES);
    assert_int_equal(e[0].host, 0);
    assert_string_equal(e[0].sock, "conn");
    assert_int_equal(e[0].state_count, 7);
    assert_int_equal(e[0].states[0], TCP_CLOSED);
    assert_int_equal(e[0].states[5], TCP_TIME_WAIT);
    assert_string_equal(e[0].text, "client states CLOSED SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 "
                                   "TIME_WAIT CLOSED");
    assert_int_equal(e[0].pos.line, 45);
    assert_int_equal(e[0].pos.col, 5);
    assert_int_equal(e[1].kind, EXPECT_STATE_AT);
    assert_int_equal(e[1].at, SIM_MS(1500));
    assert_int_equal(e[1].state, TCP_TIME_WAIT);
    assert_int_equal(e[2].kind, EXPECT_FINAL_STATE);
    assert_int_equal(e[2].host, 1);
    assert_string_equal(e[2].sock, "listener");
    assert_int_equal(e[2].state, TCP_CLOSED);
    assert_int_equal(e[3].kind, EXPECT_RETURNS);
    assert_string_equal(e[3].call, "connect");
    assert_string_equal(e[3].sock, "second");
    assert_int_equal(e[3].ret, TS_ECONNREFUSED);
    assert_int_equal(e[4].kind, EXPECT_TIME_IN);
    assert_int_equal(e[4].state, TCP_TIME_WAIT); /* RFC spelling accepted */
    assert_int_equal(e[4].op, OP_EQ);
    assert_int_equal(e[4].value, SIM_S(240));
    assert_int_equal(e[5].kind, EXPECT_SEG_COUNT);
    assert_null(e[5].sock);
    assert_int_equal(e[5].dir, TRACE_TX);
    assert_int_equal(e[5].flags_set, TCP_SYN);
    assert_int_equal(e[5].flags_mask, 0x3F);
    assert_int_equal(e[5].value, 4);
    assert_int_equal(e[5].from, 0);
    assert_true(e[5].to == SIM_TIME_NEVER);
    assert_int_equal(e[6].dir, TRACE_DROP);
    assert_int_equal(e[6].flags_mask, TCP_RST);
    assert_int_equal(e[6].op, OP_GE);
    assert_int_equal(e[6].from, SIM_S(1));
    assert_int_equal(e[6].to, SIM_S(2));
    assert_int_equal(e[7].kind, EXPECT_SOCKETS_IN);
    assert_null(e[7].sock);
    assert_int_equal(e[7].host, 1);
    assert_int_equal(e[7].at, SIM_S(30));
    assert_int_equal(e[7].value, 25000);
    assert_int_equal(e[8].conn_id, 2);
    assert_null(e[8].sock);
    assert_int_equal(e[8].ret, TS_OK);
    scenario_free(sc);
}

static void test_minimal_scenario_gets_defaults(void **state)
{
    (void)state;
    struct loaded l;
    load(&l, "hosts:\n  a:\n  b:\n");
    assert_int_equal(l.rc, 0);
    struct scenario *sc = &l.sc;
    assert_string_equal(sc->name, l.path + strlen("/tmp/"));
    assert_null(sc->description);
    assert_int_equal(sc->seed, 1);
    assert_true(sc->stop == SIM_TIME_NEVER);
    assert_int_equal(sc->profile, TCP_PROFILE_RFC9293);
    assert_int_equal(sc->hosts[0].addr, 0x0A000001u);
    assert_int_equal(sc->hosts[1].addr, 0x0A000002u);
    assert_true(sc->hosts[0].autoread);
    assert_int_equal(sc->hosts[1].tcp.msl, SIM_S(120));
    assert_int_equal(sc->link[0].delay, 0);
    assert_int_equal(sc->link[1].loss_ppm, 0);
    assert_int_equal(sc->step_count + sc->fault_count + sc->expect_count, 0);
    scenario_free(sc);
}

static void test_steps_at_the_same_time_keep_file_order(void **state)
{
    (void)state;
    struct loaded l;
    load(&l, HOSTS "steps:\n"
                   "  - {at: 1s, host: client, call: close}\n"
                   "  - {at: 1s, host: server, call: abort}\n"
                   "  - {at: 1s, host: client, call: crash}\n");
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.sc.steps[0].call, STEP_CLOSE);
    assert_int_equal(l.sc.steps[1].call, STEP_ABORT);
    assert_int_equal(l.sc.steps[2].call, STEP_CRASH);
    scenario_free(&l.sc);
}

static void test_linger_off_clears_linger(void **state)
{
    (void)state;
    struct loaded l;
    load(&l, HOSTS "steps:\n  - {at: 0s, host: client, call: setsockopt, linger: off}\n");
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.sc.steps[0].opts.set_mask, SOCKOPT_LINGER);
    assert_false(l.sc.steps[0].opts.linger_on);
    scenario_free(&l.sc);
}

/* ---- --set ---- */

#define SET_YAML                                                                                   \
    "tcp: {msl: 10s}\n"                                                                            \
    "link:\n"                                                                                      \
    "  loss: 1%\n"                                                                                 \
    "  directions:\n"                                                                              \
    "    client->server: {loss: 5%}\n"                                                             \
    "hosts:\n"                                                                                     \
    "  client:\n"                                                                                  \
    "  server: {tcp: {msl: 20s}}\n"
static const char set_yaml[] = SET_YAML;

static void test_set_overrides_beat_the_file_at_every_level(void **state)
{
    (void)state;
    struct loaded l;
    const char *sets[] = {"seed=7",
                          "stop=1min",
                          "name=from-cli",
                          "link.loss=2%",
                          "link.directions.server->client.delay=3ms",
                          "tcp.msl=1s",
                          "hosts.server.tcp.keepalive=true",
                          "hosts.client.addr=192.168.1.1"};
    load_with(&l, set_yaml, sets, sizeof sets / sizeof sets[0]);
    assert_int_equal(l.rc, 0);
    struct scenario *sc = &l.sc;
    assert_int_equal(sc->seed, 7);
    assert_int_equal(sc->stop, SIM_S(60));
    assert_string_equal(sc->name, "from-cli");
    assert_int_equal(sc->link[0].loss_ppm, 20000); /* beats the file's direction entry */
    assert_int_equal(sc->link[1].loss_ppm, 20000);
    assert_int_equal(sc->link[1].delay, SIM_MS(3));
    assert_int_equal(sc->link[0].delay, 0);
    assert_int_equal(sc->hosts[0].tcp.msl, SIM_S(1));
    assert_int_equal(sc->hosts[1].tcp.msl, SIM_S(1)); /* beats the file's host tcp: */
    assert_true(sc->hosts[1].tcp.keepalive);
    assert_false(sc->hosts[0].tcp.keepalive);
    assert_int_equal(sc->hosts[0].addr, 0xC0A80101u);
    scenario_free(sc);
}

/* A profile is a set of defaults: one named rule (README "Where Linux
 * differs") is switched by the file's tcp: map or by --set, the others keep
 * the profile's values. */
static void test_profile_rules_switch_one_at_a_time_from_tcp_and_set(void **state)
{
    (void)state;
    struct loaded l;
    const char *sets[] = {"tcp.rcv_window=rfc9293", "hosts.client.tcp.delack_pingpong=false"};
    load_with(&l,
              "profile: linux\n"
              "tcp: {rst_ack_on_abort: false}\n"
              "hosts:\n"
              "  client:\n"
              "  server:\n",
              sets, 2);
    assert_int_equal(l.rc, 0);
    for (size_t i = 0; i < 2; i++) {
        const struct tcp_params *p = &l.sc.hosts[i].tcp;
        assert_false(p->rst_ack_on_abort);
        assert_int_equal(p->rcv_window, TCP_RCV_WINDOW_RFC9293);
        assert_int_equal(p->delack_pingpong, i == 1); /* only the client's switched */
        assert_true(p->close_wait_rst_epipe && p->persist_probe_zero_length); /* linux's */
        assert_false(p->linger_expiry_ewouldblock);
    }
    scenario_free(&l.sc);
}

static void test_set_profile_rederives_defaults_under_the_file_tcp(void **state)
{
    (void)state;
    struct loaded l;
    const char *sets[] = {"profile=linux"};
    load_with(&l, "profile: rfc9293\n" SET_YAML, sets, 1);
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.sc.profile, TCP_PROFILE_LINUX);
    assert_int_equal(l.sc.hosts[0].tcp.rto_min, SIM_MS(200)); /* linux default */
    assert_int_equal(l.sc.hosts[0].tcp.msl, SIM_S(10));       /* file tcp: still applies */
    assert_int_equal(l.sc.hosts[1].tcp.msl, SIM_S(20));
    scenario_free(&l.sc);
}

static void test_set_errors_name_the_override(void **state)
{
    (void)state;
    expect_set_error(set_yaml, "link.loss=200%", "--set link.loss=200%: loss over 100%: '200%'");
    expect_set_error(set_yaml, "tcp.mls=1s",
                     "--set tcp.mls=1s: unknown key 'mls' in tcp; did you mean 'msl'?");
    expect_set_error(set_yaml, "hosts.sever.tcp.msl=1s",
                     "--set hosts.sever.tcp.msl=1s: unknown host 'sever'; hosts are: client, "
                     "server; did you mean 'server'?");
    expect_set_error(set_yaml, "seed", "--set seed: expected KEY=VALUE, like link.loss=1%");
    expect_set_error(set_yaml, "stop=soon",
                     "--set stop=soon: expected a duration like 200ms, 2s, 1.5s or 4min, got "
                     "'soon'");
    expect_set_error(set_yaml, "link.directions.client->nowhere.loss=1%",
                     "--set link.directions.client->nowhere.loss=1%: unknown host 'nowhere'; "
                     "hosts are: client, server");
}

/* ---- errors: exact first line, file:line:col ---- */

static void test_error_yaml_syntax_reports_libyaml_problem_and_context(void **state)
{
    (void)state;
    expect_error("hosts:\n  client: {addr: 10.0.0.1\n  server: {addr: 10.0.0.2}\n",
                 "3:9: YAML syntax error: did not find expected ',' or '}' (while parsing a flow "
                 "mapping)");
}

static void test_error_tab_indentation_gets_its_own_hint(void **state)
{
    (void)state;
    expect_error(HOSTS "link:\n\tdelay: 10ms\n",
                 "5:1: tabs are not allowed for indentation; use spaces");
}

static void test_error_quotes_the_line_and_puts_a_caret_under_the_column(void **state)
{
    (void)state;
    struct loaded l;
    load(&l, HOSTS "link:\n  delay: fast\n");
    assert_int_equal(l.rc, -1);
    const char *nl = strchr(l.err, '\n');
    assert_non_null(nl);
    assert_string_equal(nl, "\n  delay: fast\n         ^");
}

static void test_error_unknown_key_suggests_the_nearest(void **state)
{
    (void)state;
    expect_error(HOSTS "link:\n  dalay: 10ms\n",
                 "5:3: unknown key 'dalay' in link; did you mean 'delay'?");
    expect_error(HOSTS "link:\n  dealy: 10ms\n",
                 "5:3: unknown key 'dealy' in link; did you mean 'delay'?");
}

static void test_error_unknown_key_far_from_all_lists_the_keys(void **state)
{
    (void)state;
    expect_error(HOSTS "link:\n  bandwidth: 10ms\n",
                 "5:3: unknown key 'bandwidth' in link; valid keys are: delay, jitter, loss, "
                 "dup, rate, queue, loss_data_only, directions");
}

static void test_error_unknown_key_in_a_step_names_the_call(void **state)
{
    (void)state;
    expect_error(HOSTS "steps:\n  - {at: 0s, host: server, call: listen, prot: 80}\n",
                 "5:42: unknown key 'prot' in listen step; did you mean 'port'?");
}

static void test_error_wrong_types(void **state)
{
    (void)state;
    expect_error(HOSTS "link: 10ms\n", "4:7: expected a mapping for 'link'");
    expect_error(HOSTS "link: {delay: fast}\n",
                 "4:15: expected a duration like 200ms, 2s, 1.5s or 4min, got 'fast'");
    expect_error(HOSTS "tcp: {rto_min: 200}\n",
                 "4:16: expected a duration like 200ms, 2s, 1.5s or 4min, got '200'");
    expect_error("seed: x\n" HOSTS, "1:7: expected an integer for 'seed', got 'x'");
    expect_error(HOSTS "tcp:\n  keepalive: yes please\n",
                 "5:14: expected true or false for 'keepalive', got 'yes please'");
    expect_error(HOSTS "steps: {at: 0s}\n", "4:8: expected a list for 'steps'");
    expect_error("hosts:\n  client: {addr: 10.0.0}\n  server:\n",
                 "2:18: expected an IPv4 address like 10.0.0.1 for 'addr', got '10.0.0'");
    expect_error(HOSTS "link: {rate: fast}\n",
                 "4:14: expected a rate like 100Mbit, 10Mbps or 1Gbit for 'rate', got 'fast'");
}

static void test_error_unknown_host_lists_hosts_and_suggests(void **state)
{
    (void)state;
    expect_error(HOSTS "steps:\n  - {at: 0s, host: sever, call: listen, port: 80}\n",
                 "5:20: unknown host 'sever'; hosts are: client, server; did you mean 'server'?");
    expect_error(HOSTS "steps:\n  - {at: 0s, host: db, call: listen, port: 80}\n",
                 "5:20: unknown host 'db'; hosts are: client, server");
}

static void test_error_time_going_backwards(void **state)
{
    (void)state;
    expect_error(HOSTS "steps:\n"
                       "  - {at: 2s, host: client, call: close}\n"
                       "  - {at: 1s, host: client, call: close}\n",
                 "6:10: time goes backwards: 1s is before the previous step at 2s");
}

static void test_error_negative_delay_and_loss_over_100(void **state)
{
    (void)state;
    expect_error(HOSTS "link:\n  delay: -5ms\n", "5:10: negative duration '-5ms' for 'delay'");
    expect_error(HOSTS "link:\n  loss: 150%\n", "5:9: loss over 100%: '150%'");
    expect_error(HOSTS "link:\n  dup: -1%\n", "5:8: negative percentage '-1%' for 'dup'");
}

static void test_error_numbers_are_bounds_checked(void **state)
{
    (void)state;
    expect_error(HOSTS "steps:\n  - {at: 0s, host: server, call: listen, port: 70000}\n",
                 "5:48: 'port' must be between 1 and 65535, got 70000");
    expect_error(HOSTS "tcp: {mss: 0}\n", "4:12: 'mss' must be between 64 and 65535, got 0");
}

static void test_error_expectation_unknown_state_and_errno(void **state)
{
    (void)state;
    expect_error(HOSTS "expect:\n  - client final state is ESTABLISH\n",
                 "5:27: unknown state 'ESTABLISH'; did you mean 'ESTABLISHED'?");
    expect_error(HOSTS "expect:\n  - client connect returns ECONREFUSED\n",
                 "5:28: unknown return value 'ECONREFUSED'; did you mean 'ECONNREFUSED'?");
}

static void test_error_expectation_grammar_points_at_the_word(void **state)
{
    (void)state;
    expect_error(HOSTS "expect:\n  - client state at 1.5s TIME_WAIT\n",
                 "5:26: cannot read expectation: expected 'is' after state at TIME, got "
                 "'TIME_WAIT'");
    expect_error(HOSTS "expect:\n  - client final state\n",
                 "5:23: cannot read expectation: expected 'is' after 'final state', got the end "
                 "of the line");
    expect_error(HOSTS "expect:\n  - client in TIME_WAIT for = 4min\n",
                 "5:29: cannot read expectation: expected a comparison (== != < <= > >=) after "
                 "'for', got '='");
    expect_error(HOSTS "expect:\n  - count client tx S == 4 later\n",
                 "5:28: cannot read expectation: unexpected 'later' at the end");
    expect_error(HOSTS "expect:\n  - 'client.x sockets in LISTEN at 1s == 1'\n",
                 "5:6: cannot read expectation: 'sockets in' takes a host name, not a socket");
    expect_error(HOSTS "expect:\n  - count client tx SX == 1\n",
                 "5:21: bad flags 'SX': use letters S F R P A U, '*' for any, or 'SA*' for at "
                 "least S and A");
}

static void test_error_missing_required_keys(void **state)
{
    (void)state;
    expect_error(HOSTS "steps:\n  - {at: 0s, call: listen, port: 80}\n", "5:5: step needs 'host'");
    expect_error("name: x\nseed: 1\n", "1:1: scenario needs 'hosts'");
    expect_error(HOSTS "steps:\n  - {at: 0s, host: server, call: listen}\n",
                 "5:5: listen needs 'port'");
    expect_error(HOSTS "steps:\n  - {at: 0s, host: client, call: connect, to: server}\n",
                 "5:47: connect needs a port: write 'to: server:80' or add 'port: 80'");
}

static void test_error_duplicate_key(void **state)
{
    (void)state;
    expect_error(HOSTS "link:\n  delay: 1ms\n  delay: 2ms\n",
                 "6:3: duplicate key 'delay' (first at line 5)");
}

static void test_error_hosts_must_be_exactly_two_with_distinct_addresses(void **state)
{
    (void)state;
    expect_error("hosts:\n  a:\n  b:\n  c:\n", "4:3: expected exactly two hosts, found 3");
    expect_error("hosts:\n  a:\n", "2:3: expected exactly two hosts, found 1");
    expect_error("hosts:\n  a: {addr: 10.0.0.5}\n  b: {addr: 10.0.0.5}\n",
                 "3:13: host 'b' has the same address as 'a': 10.0.0.5");
}

static void test_error_empty_file(void **state)
{
    (void)state;
    expect_error("", "1:1: empty file: a scenario needs at least 'hosts:'");
    expect_error("# only a comment\n", "1:1: empty file: a scenario needs at least 'hosts:'");
}

static void test_error_aliases_and_second_documents_are_rejected(void **state)
{
    (void)state;
    expect_error("hosts:\n  a: &x {addr: 10.0.0.1}\n  b: *x\n",
                 "3:6: aliases (*name) are not supported; write the value out");
    expect_error(HOSTS "---\n" HOSTS, "4:1: only one YAML document per file (remove this '---')");
}

/* RFC 6298 (2.1), (2.4), (2.5): the RTO, its floor and its cap are above
 * 0 (a zero RTO retransmits at the same instant over and over). */
static void test_rto_initial_min_and_max_must_be_above_zero(void **state)
{
    (void)state;
    expect_error("tcp: {rto_initial: 0s}\n" HOSTS,
                 "1:20: 'rto_initial' must be above 0: RFC 6298 (2.1) sets the RTO to 1 s before "
                 "any RTT sample");
    expect_error("tcp: {rto_min: 0ms}\n" HOSTS,
                 "1:16: 'rto_min' must be above 0: RFC 6298 (2.4) rounds the RTO up to a minimum "
                 "(1 s; Linux 200 ms)");
    expect_set_error(HOSTS, "tcp.rto_max=0s",
                     "--set tcp.rto_max=0s: 'rto_max' must be above 0: RFC 6298 (2.5) caps the RTO "
                     "at no less than 60 s");
}

/* A scenario path is a regular file: a FIFO (which would block the
 * read for ever) or any other non-regular file is refused. */
static void test_scenario_path_must_be_a_regular_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_scenario_fifo_XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/pipe.yaml", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    struct scenario sc;
    char err[SCENARIO_ERROR_MAX], want[128];
    assert_int_equal(scenario_load(path, NULL, 0, &sc, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: not a regular file (a FIFO)", path);
    assert_string_equal(err, want);
    scenario_free(&sc);
    unlink(path);
    rmdir(dir);
}

static void test_error_unknown_call_and_fault(void **state)
{
    (void)state;
    expect_error(HOSTS "steps:\n  - {at: 0s, host: client, call: conect}\n",
                 "5:34: unknown call 'conect'; did you mean 'connect'?");
    expect_error(HOSTS "faults:\n  - dorp: {from: server}\n",
                 "5:5: unknown fault 'dorp'; did you mean 'drop'?");
}

static void test_error_unreadable_file_has_no_position(void **state)
{
    (void)state;
    struct scenario sc;
    char err[SCENARIO_ERROR_MAX];
    assert_int_equal(scenario_load("/nonexistent/x.yaml", NULL, 0, &sc, err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent/x.yaml: cannot open: No such file or directory");
    assert_null(sc.hosts); /* left empty: scenario_free is safe */
    scenario_free(&sc);
}

/* ---- the bad-input corpus ---- */

static void test_bad_corpus_each_file_fails_with_its_expected_message(void **state)
{
    (void)state;
    glob_t g;
    if (glob("tests/bad/*.yaml", 0, NULL, &g) != 0)
        skip(); /* not run from the repository top */
    assert_true(g.gl_pathc >= 12);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char expect_path[512], want[SCENARIO_ERROR_MAX] = "", err[SCENARIO_ERROR_MAX];
        struct scenario sc;
        snprintf(expect_path, sizeof expect_path, "%.*s.expect", (int)(strlen(g.gl_pathv[i]) - 5),
                 g.gl_pathv[i]);
        FILE *f = fopen(expect_path, "r");
        assert_non_null(f);
        assert_non_null(fgets(want, sizeof want, f));
        fclose(f);
        want[strcspn(want, "\n")] = '\0';
        assert_int_equal(scenario_load(g.gl_pathv[i], NULL, 0, &sc, err, sizeof err), -1);
        if (!strstr(err, want))
            fail_msg("%s: got \"%s\", want \"%s\"", g.gl_pathv[i], err, want);
    }
    globfree(&g);
}

/* The flood step and the listen option `accept`; syncookies takes 0/1/2 or
 * a boolean. */
static void test_flood_step_accept_option_and_syncookies_modes(void **state)
{
    (void)state;
    struct loaded l;
    load(&l, "hosts:\n"
             "  client: {addr: 10.0.0.1}\n"
             "  server: {addr: 10.0.0.2, tcp: {syncookies: 2}}\n"
             "tcp: {syncookies: false}\n"
             "steps:\n"
             "  - {at: 0s, host: server, call: listen, port: 80, accept: false}\n"
             "  - {at: 1s, host: client, call: flood, to: server:80, count: 7, interval: 2ms,"
             " spoof: 192.0.2.9}\n"
             "  - {at: 2s, host: client, call: flood, to: server, port: 81}\n");
    assert_int_equal(l.rc, 0);
    const struct scenario_step *st = l.sc.steps;
    assert_true(st[0].opts.set_mask & SOCKOPT_ACCEPT);
    assert_false(st[0].opts.accept);
    assert_int_equal(st[1].call, STEP_FLOOD);
    assert_int_equal(st[1].peer, 1);
    assert_int_equal(st[1].port, 80);
    assert_int_equal(st[1].flood_count, 7);
    assert_int_equal(st[1].flood_interval, SIM_MS(2));
    assert_int_equal(st[1].spoof_addr, 0xc0000209u);
    assert_int_equal(st[2].port, 81);
    assert_int_equal(st[2].flood_count, 100); /* defaults: 100 SYNs, 1 ms apart, random */
    assert_int_equal(st[2].flood_interval, SIM_MS(1));
    assert_int_equal(st[2].spoof_addr, 0);
    assert_int_equal(l.sc.hosts[0].tcp.syncookies, 0);
    assert_int_equal(l.sc.hosts[1].tcp.syncookies, 2);
    scenario_free(&l.sc);
}

/* A call on a socket name nothing was bound to is traced as that call
 * returning EBADF; the name is the loader's own (scenario_step_call_name). */
static void test_call_on_unbound_socket_returns_ebadf_under_its_own_name(void **state)
{
    (void)state;
    struct loaded l;
    load(&l, "hosts:\n"
             "  client: {addr: 10.0.0.1}\n"
             "  server: {addr: 10.0.0.2}\n"
             "steps:\n"
             "  - {at: 1s, host: client, call: send, sock: nosuch, bytes: 1}\n"
             "  - {at: 1s, host: client, call: setsockopt, sock: nosuch, nodelay: true}\n"
             "  - {at: 2s, host: client, call: shutdown, sock: nosuch, how: wr}\n"
             "expect:\n"
             "  - count client send returns EBADF == 1\n"
             "  - count client setsockopt returns EBADF == 1\n"
             "  - count client shutdown returns EBADF == 1 from 2s\n"
             "  - count client recv returns EBADF == 0\n");
    assert_int_equal(l.rc, 0);
    struct runner *r;
    assert_int_equal(runner_create(&l.sc, &r), TS_OK);
    runner_run(r);
    struct expect_result results[4];
    assert_int_equal(runner_check(r, results), 0);
    runner_free(r);
    scenario_free(&l.sc);
    assert_string_equal(scenario_step_call_name(STEP_LISTEN), "listen");
    assert_string_equal(scenario_step_call_name(STEP_INJECT), "inject");
    assert_string_equal(scenario_step_call_name(STEP_FLOOD), "flood");
    assert_string_equal(scenario_step_call_name(STEP_DESTROY), "destroy");
    assert_string_equal(scenario_step_call_name((enum step_call)(STEP_DESTROY + 1)), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_accepts_integers_decimals_and_every_unit),
        cmocka_unit_test(test_duration_rejects_missing_units_signs_and_junk),
        cmocka_unit_test(test_duration_tells_negative_from_malformed),
        cmocka_unit_test(test_percent_is_parts_per_million_up_to_100),
        cmocka_unit_test(test_rate_takes_bit_and_bps_units_in_any_case),
        cmocka_unit_test(test_addr_is_a_dotted_quad_in_host_order),
        cmocka_unit_test(test_uint_and_bool_parsers_are_strict),
        cmocka_unit_test(test_rfc9293_profile_has_the_rfc_values),
        cmocka_unit_test(test_linux_profile_has_the_default_sysctls),
        cmocka_unit_test(test_time_wait_is_two_msl_unless_fixed),
        cmocka_unit_test(test_profile_names_round_trip_and_rfc_is_an_alias),
        cmocka_unit_test(test_complete_scenario_top_level_and_link),
        cmocka_unit_test(test_complete_scenario_hosts_get_profile_then_tcp_then_host_tcp),
        cmocka_unit_test(test_complete_scenario_faults),
        cmocka_unit_test(test_complete_scenario_steps),
        cmocka_unit_test(test_complete_scenario_expectations),
        cmocka_unit_test(test_minimal_scenario_gets_defaults),
        cmocka_unit_test(test_steps_at_the_same_time_keep_file_order),
        cmocka_unit_test(test_linger_off_clears_linger),
        cmocka_unit_test(test_set_overrides_beat_the_file_at_every_level),
        cmocka_unit_test(test_profile_rules_switch_one_at_a_time_from_tcp_and_set),
        cmocka_unit_test(test_set_profile_rederives_defaults_under_the_file_tcp),
        cmocka_unit_test(test_set_errors_name_the_override),
        cmocka_unit_test(test_error_yaml_syntax_reports_libyaml_problem_and_context),
        cmocka_unit_test(test_error_tab_indentation_gets_its_own_hint),
        cmocka_unit_test(test_error_quotes_the_line_and_puts_a_caret_under_the_column),
        cmocka_unit_test(test_error_unknown_key_suggests_the_nearest),
        cmocka_unit_test(test_error_unknown_key_far_from_all_lists_the_keys),
        cmocka_unit_test(test_error_unknown_key_in_a_step_names_the_call),
        cmocka_unit_test(test_error_wrong_types),
        cmocka_unit_test(test_error_unknown_host_lists_hosts_and_suggests),
        cmocka_unit_test(test_error_time_going_backwards),
        cmocka_unit_test(test_error_negative_delay_and_loss_over_100),
        cmocka_unit_test(test_error_numbers_are_bounds_checked),
        cmocka_unit_test(test_error_expectation_unknown_state_and_errno),
        cmocka_unit_test(test_error_expectation_grammar_points_at_the_word),
        cmocka_unit_test(test_error_missing_required_keys),
        cmocka_unit_test(test_error_duplicate_key),
        cmocka_unit_test(test_error_hosts_must_be_exactly_two_with_distinct_addresses),
        cmocka_unit_test(test_error_empty_file),
        cmocka_unit_test(test_error_aliases_and_second_documents_are_rejected),
        cmocka_unit_test(test_rto_initial_min_and_max_must_be_above_zero),
        cmocka_unit_test(test_scenario_path_must_be_a_regular_file),
        cmocka_unit_test(test_error_unknown_call_and_fault),
        cmocka_unit_test(test_error_unreadable_file_has_no_position),
        cmocka_unit_test(test_bad_corpus_each_file_fails_with_its_expected_message),
        cmocka_unit_test(test_flood_step_accept_option_and_syncookies_modes),
        cmocka_unit_test(test_call_on_unbound_socket_returns_ebadf_under_its_own_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
