/* Unit tests for sim/check/: the invariant checker (each rule fires on a
 * hand-made timeline that breaks it, and stays quiet on a clean run), the
 * random scenario generator (deterministic, always loadable) and the
 * exhaustive fault search. */
#include "cmocka_wrap.h"

#include <stdlib.h>
#include <string.h>

#include "tcpsim/explore.h"
#include "tcpsim/invariants.h"
#include "tcpsim/scengen.h"

static const char *const names[2] = {"client", "server"};

static const char handshake_yaml[] = "name: t\n"
                                     "link: {delay: 10ms}\n"
                                     "hosts:\n"
                                     "  client: {addr: 10.0.0.1}\n"
                                     "  server: {addr: 10.0.0.2}\n"
                                     "steps:\n"
                                     "  - {at: 0s, host: server, call: listen, port: 80}\n"
                                     "  - {at: 100ms, host: client, call: connect, to: server:80}\n"
                                     "  - {at: 300ms, host: client, call: send, bytes: 3000}\n"
                                     "  - {at: 5s, host: client, call: close}\n"
                                     "  - {at: 6s, host: server, call: close}\n";

static void load(const char *yaml, struct scenario *sc)
{
    char error[SCENARIO_ERROR_MAX];
    int rc = scenario_load_text("t.yaml", yaml, strlen(yaml), NULL, 0, sc, error, sizeof error);
    if (rc != 0)
        fail_msg("%s", error);
}

/* A finished, idle run to hand to inv_finish with a hand-made timeline. */
struct idle_run {
    struct scenario sc;
    struct runner *r;
};

static void idle_run_make(struct idle_run *ir)
{
    load("hosts: {client: {addr: 10.0.0.1}, server: {addr: 10.0.0.2}}\n", &ir->sc);
    assert_int_equal(runner_create(&ir->sc, &ir->r), 0);
    runner_run(ir->r);
}

static void idle_run_free(struct idle_run *ir)
{
    runner_free(ir->r);
    scenario_free(&ir->sc);
}

static void emit_state(struct inv_checker *c, sim_time_t t, const char *host, uint32_t conn,
                       enum tcp_state from, enum tcp_state to)
{
    struct trace_event ev = {.t = t, .kind = TRACE_STATE, .host = host, .conn = conn};
    ev.u.state.from = from;
    ev.u.state.to = to;
    struct trace_sink s = inv_sink(c);
    s.emit(s.ctx, &ev);
}

static void emit_seg(struct inv_checker *c, sim_time_t t, const char *host, uint32_t conn,
                     enum trace_seg_dir dir, const struct tcp_segment *seg)
{
    struct trace_event ev = {.t = t, .kind = TRACE_SEG, .host = host, .conn = conn};
    ev.u.seg.dir = dir;
    ev.u.seg.seg = seg;
    struct trace_sink s = inv_sink(c);
    s.emit(s.ctx, &ev);
}

static bool has(struct inv_checker *c, enum inv_kind kind)
{
    const struct inv_violation *v;
    size_t n = inv_violations(c, &v);
    for (size_t i = 0; i < n; i++)
        if (v[i].kind == kind)
            return true;
    return false;
}

static void test_clean_close_keeps_every_invariant(void **state)
{
    (void)state;
    struct scenario sc;
    load(handshake_yaml, &sc);
    struct checked_run_options o = {.inv = {.clean = true, .strict_end = true}, .twice = true};
    struct checked_run run;
    assert_int_equal(checked_run(&sc, &o, &run), 0);
    for (size_t i = 0; i < run.count; i++)
        print_message("unexpected: %s: %s\n", inv_kind_name(run.v[i].kind), run.v[i].detail);
    assert_int_equal(run.count, 0);
    scenario_free(&sc);
}

static void test_transition_outside_rfc9293_diagram_is_flagged(void **state)
{
    (void)state;
    struct inv_checker *c = inv_new(&(struct inv_options){0}, names);
    emit_state(c, 1, "client", 1, TCP_CLOSED, TCP_SYN_SENT);
    emit_state(c, 2, "client", 1, TCP_SYN_SENT, TCP_ESTABLISHED);
    assert_false(has(c, INV_TRANSITION));
    emit_state(c, 3, "client", 1, TCP_ESTABLISHED, TCP_LAST_ACK); /* skips CLOSE_WAIT */
    assert_true(has(c, INV_TRANSITION));
    inv_free(c);
}

static void test_transition_from_a_state_it_was_not_in_is_flagged(void **state)
{
    (void)state;
    struct inv_checker *c = inv_new(&(struct inv_options){0}, names);
    emit_state(c, 1, "client", 1, TCP_CLOSED, TCP_SYN_SENT);
    emit_state(c, 2, "client", 1, TCP_ESTABLISHED, TCP_FIN_WAIT1);
    assert_true(has(c, INV_TRANSITION));
    inv_free(c);
}

static void test_segment_from_closed_socket_is_flagged(void **state)
{
    (void)state;
    struct inv_checker *c = inv_new(&(struct inv_options){0}, names);
    struct tcp_segment rst = {.src_port = 1, .dst_port = 2, .flags = TCP_RST};
    emit_state(c, 1, "client", 1, TCP_ESTABLISHED, TCP_CLOSED);
    emit_seg(c, 1, "client", 1, TRACE_TX, &rst); /* the abort's RST, same instant: fine */
    assert_false(has(c, INV_SEG_FROM_CLOSED));
    emit_seg(c, 5, "client", 1, TRACE_TX, &rst);
    assert_true(has(c, INV_SEG_FROM_CLOSED));
    inv_free(c);
}

static void test_pure_ack_pingpong_is_flagged(void **state)
{
    (void)state;
    struct inv_checker *c = inv_new(&(struct inv_options){0}, names);
    struct tcp_segment c2s = {.src_addr = 1, .dst_addr = 2, .src_port = 40000, .dst_port = 80,
                              .flags = TCP_ACK};
    struct tcp_segment s2c = {.src_addr = 2, .dst_addr = 1, .src_port = 80, .dst_port = 40000,
                              .flags = TCP_ACK};
    /* Each side answers the other's pure ACK with a pure ACK at once. */
    for (sim_time_t t = 10; t < 200; t += 20) {
        emit_seg(c, t, "server", 2, TRACE_RX, &c2s);
        emit_seg(c, t, "server", 2, TRACE_TX, &s2c);
        emit_seg(c, t + 10, "client", 1, TRACE_RX, &s2c);
        emit_seg(c, t + 10, "client", 1, TRACE_TX, &c2s);
    }
    assert_true(has(c, INV_PINGPONG));
    inv_free(c);
}

static void test_one_ack_answering_an_ack_is_no_pingpong(void **state)
{
    (void)state;
    struct inv_checker *c = inv_new(&(struct inv_options){0}, names);
    struct tcp_segment c2s = {.src_addr = 1, .dst_addr = 2, .src_port = 40000, .dst_port = 80,
                              .flags = TCP_ACK};
    struct tcp_segment s2c = {.src_addr = 2, .dst_addr = 1, .src_port = 80, .dst_port = 40000,
                              .flags = TCP_ACK};
    /* Keep-alive: a probe, its answer, silence; many times over. */
    for (sim_time_t t = 10; t < 2000; t += 100) {
        emit_seg(c, t, "client", 1, TRACE_TX, &c2s);
        emit_seg(c, t + 10, "server", 2, TRACE_RX, &c2s);
        emit_seg(c, t + 10, "server", 2, TRACE_TX, &s2c);
        emit_seg(c, t + 20, "client", 1, TRACE_RX, &s2c);
    }
    assert_false(has(c, INV_PINGPONG));
    inv_free(c);
}

static void test_old_acks_each_answered_once_are_no_pingpong(void **state)
{
    (void)state;
    struct inv_checker *c = inv_new(&(struct inv_options){0}, names);
    struct tcp_segment c2s = {.src_addr = 1, .dst_addr = 2, .src_port = 40000, .dst_port = 80,
                              .flags = TCP_ACK, .seq = 500, .ack = 900};
    struct tcp_segment s2c = {.src_addr = 2, .dst_addr = 1, .src_port = 80, .dst_port = 40000,
                              .flags = TCP_ACK, .seq = 900, .ack = 700};
    /* The client echoes once; then reordering hands the server ten old
     * ACKs (below RCV.NXT), each answered once and never answered back. */
    emit_seg(c, 5, "client", 1, TRACE_RX, &s2c);
    emit_seg(c, 5, "client", 1, TRACE_TX, &c2s);
    for (sim_time_t t = 10; t < 200; t += 10) {
        struct tcp_segment old = c2s;
        old.seq = 400;
        old.ack = (uint32_t)(800 + t);
        emit_seg(c, t, "server", 2, TRACE_RX, &old);
        emit_seg(c, t, "server", 2, TRACE_TX, &s2c);
    }
    assert_false(has(c, INV_PINGPONG));
    inv_free(c);
}

static void test_closing_with_nothing_pending_is_stuck(void **state)
{
    (void)state;
    struct idle_run ir;
    idle_run_make(&ir);
    struct inv_checker *c = inv_new(&(struct inv_options){0}, names);
    emit_state(c, 1, "client", 1, TCP_FIN_WAIT1, TCP_CLOSING);
    emit_state(c, 1, "server", 1, TCP_FIN_WAIT1, TCP_FIN_WAIT2);
    inv_finish(c, ir.r);
    assert_true(has(c, INV_STUCK));
    inv_free(c);
    idle_run_free(&ir);
}

static void test_close_never_sending_fin_is_stuck(void **state)
{
    (void)state;
    struct idle_run ir;
    idle_run_make(&ir);
    struct inv_checker *c = inv_new(&(struct inv_options){0}, names);
    emit_state(c, 1, "client", 1, TCP_SYN_SENT, TCP_ESTABLISHED);
    struct trace_event ev = {.t = 2, .kind = TRACE_APP, .host = "client", .conn = 1};
    ev.u.app.call = "close";
    struct trace_sink s = inv_sink(c);
    s.emit(s.ctx, &ev);
    inv_finish(c, ir.r);
    assert_true(has(c, INV_STUCK));
    inv_free(c);
    idle_run_free(&ir);
}

static void test_generator_is_deterministic_and_always_loads(void **state)
{
    (void)state;
    struct checked_run_options o = {.event_limit = 200000};
    /* Seeds 1..40, then 500617: a connect carrying every socket option. */
    for (uint64_t seed = 1; seed <= 41; seed++) {
        if (seed == 41)
            seed = 500617;
        struct gen_scenario a, b;
        assert_int_equal(gen_scenario_make(seed, &a), 0);
        assert_int_equal(gen_scenario_make(seed, &b), 0);
        char *ya = gen_scenario_yaml(&a, "c"), *yb = gen_scenario_yaml(&b, "c");
        assert_string_equal(ya, yb);
        struct checked_run run;
        char error[SCENARIO_ERROR_MAX];
        int rc = gen_scenario_check(&a, &o, &run, error, sizeof error);
        if (rc)
            fail_msg("seed %llu: %s\n%s", (unsigned long long)seed, error, ya);
        free(ya);
        free(yb);
        gen_scenario_free(&a);
        gen_scenario_free(&b);
    }
}

static void test_generator_makes_both_profiles_and_both_kinds(void **state)
{
    (void)state;
    int linux_profile = 0, clean = 0, n = 200;
    for (int seed = 1; seed <= n; seed++) {
        struct gen_scenario g;
        assert_int_equal(gen_scenario_make((uint64_t)seed, &g), 0);
        char *y = gen_scenario_yaml(&g, NULL);
        linux_profile += strstr(y, "profile: linux") != NULL;
        clean += g.clean;
        free(y);
        gen_scenario_free(&g);
    }
    assert_true(linux_profile > n / 4 && linux_profile < 3 * n / 4);
    assert_true(clean > n / 4 && clean < 3 * n / 4);
}

static void count_found(void *ctx, const struct explore_fault *f, size_t n,
                        const struct checked_run *run)
{
    (void)f;
    (void)n;
    (void)run;
    (*(int *)ctx)++;
}

static void test_explore_tries_every_pair_of_drops_among_the_first_n(void **state)
{
    (void)state;
    struct scenario sc;
    load(handshake_yaml, &sc);
    struct explore_options o = {.faults = 2, .first = 4, .auto_clean = true};
    struct explore_stats st;
    int found = 0;
    assert_int_equal(explore_run(&sc, &o, count_found, &found, &st), 0);
    /* The probe, the fault-free run, 4 single drops and C(4,2) = 6 pairs. */
    assert_int_equal(st.runs, 1 + 1 + 4 + 6);
    assert_true(st.base_clean);
    scenario_free(&sc);
}

static void test_explore_rule_text_reproduces_the_drop(void **state)
{
    (void)state;
    struct scenario sc;
    load(handshake_yaml, &sc);
    struct explore_fault f[2] = {{.host = 0, .nth = 2, .flags = TCP_ACK},
                                 {.host = 0, .nth = 5, .flags = TCP_ACK | TCP_FIN}};
    char text[1024];
    explore_rules_yaml(&sc, f, 2, text, sizeof text);
    /* The later one first: a rule hides what it drops from the rules after it. */
    const char *a = strstr(text, "nth: 5"), *b = strstr(text, "nth: 2");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b);
    assert_non_null(strstr(text, "from: client"));
    scenario_free(&sc);
}

/* A soak reproduction, run as the soak runs a clean scenario. */
static void clean_run_passes(const char *yaml)
{
    struct scenario sc;
    load(yaml, &sc);
    struct checked_run_options o = {.inv = {.clean = true, .strict_end = true}, .twice = true};
    struct checked_run run;
    assert_int_equal(checked_run(&sc, &o, &run), 0);
    for (size_t i = 0; i < run.count; i++)
        print_message("unexpected: %s: %s\n", inv_kind_name(run.v[i].kind), run.v[i].detail);
    assert_int_equal(run.count, 0);
    scenario_free(&sc);
}

/* Soak seed 212150: drops after a partition leave the orphaned client's
 * backed-off retransmissions unanswered; it gives up (Linux
 * tcp_orphan_retries, RFC 9293 3.8.3 R2) in CLOSING with 3 octets unACKed
 * and the server, never told, stays in FIN_WAIT2: real TCP, no fault. */
static const char orphan_timeout_yaml[] =
    "name: soak-212150\n"
    "seed: 828299\n"
    "profile: linux\n"
    "hosts:\n"
    "  client: {addr: 10.0.0.1, app: {close_on_eof: true}}\n"
    "  server: {addr: 10.0.0.2, app: {close_on_eof: true}}\n"
    "faults:\n"
    "  - drop: {flags: \"A*\", nth: 5, count: 2}\n"
    "  - partition: {from: 1208ms, to: 7733ms}\n"
    "steps:\n"
    "  - {at: 0ms, host: server, call: listen, port: 80}\n"
    "  - {at: 143ms, host: client, call: connect, to: server:80}\n"
    "  - {at: 1043ms, host: client, call: send, bytes: 2741}\n"
    "  - {at: 1275ms, host: server, call: send, bytes: 17}\n"
    "  - {at: 1951ms, host: client, call: send, bytes: 1463}\n"
    "  - {at: 2113ms, host: server, call: shutdown, how: wr}\n"
    "  - {at: 2804ms, host: client, call: shutdown, how: wr}\n";

static void test_clean_run_side_that_times_out_waives_delivery_and_close(void **state)
{
    (void)state;
    clean_run_passes(orphan_timeout_yaml);
}

/* Soak seed 47138: in a simultaneous close the server's last ACK is lost;
 * its TIME-WAIT (2*MSL = 12 s) ends before the client's backed-off FIN
 * retransmission (16 s), which draws a RST (RFC 9293 3.10.7.1); CLOSING
 * then goes to CLOSED (3.10.7.4): no TIME-WAIT owed. */
static const char closing_rst_yaml[] =
    "name: soak-47138\n"
    "seed: 729373\n"
    "profile: rfc9293\n"
    "tcp:\n"
    "  msl: 6s\n"
    "link:\n"
    "  delay: 6ms\n"
    "hosts:\n"
    "  client: {addr: 10.0.0.1, app: {close_on_eof: true}}\n"
    "  server: {addr: 10.0.0.2, app: {close_on_eof: true}}\n"
    "faults:\n"
    "  - drop: {from: server, flags: \"A*\", nth: 5, count: 1, after: 2029ms}\n"
    "  - partition: {from: 646ms, to: 8891ms}\n"
    "steps:\n"
    "  - {at: 0ms, host: server, call: listen, port: 80}\n"
    "  - {at: 240ms, host: client, call: connect, to: server:80, read_rate: 42537}\n"
    "  - {at: 1622ms, host: client, call: send, bytes: 4346}\n"
    "  - {at: 2554ms, host: client, call: shutdown, how: wr}\n"
    "  - {at: 2631ms, host: server, call: send, bytes: 3081}\n"
    "  - {at: 4111ms, host: server, call: shutdown, how: wr}\n";

static void test_clean_run_rst_in_closing_after_peer_time_wait_is_no_fault(void **state)
{
    (void)state;
    clean_run_passes(closing_rst_yaml);
}

/* Soak seed 206289 (linux, rcvbuf 5121): the RTO resend of a 1448-octet
 * segment filled the MSS past the 1448-octet window; the receiver then
 * held its window at 0 for good. Delivers and closes now. */
static const char rexmit_window_yaml[] =
    "name: soak-206289\n"
    "seed: 741932\n"
    "profile: linux\n"
    "tcp:\n"
    "  window_scaling: false\n"
    "  rcvbuf: 5121\n"
    "hosts:\n"
    "  client: {addr: 10.0.0.1, app: {close_on_eof: true}}\n"
    "  server: {addr: 10.0.0.2, app: {close_on_eof: true}}\n"
    "faults:\n"
    "  - drop: {flags: \"*\", nth: 2, after: 2361ms}\n"
    "  - drop: {from: client, flags: \"*\", nth: 4, after: 169ms}\n"
    "steps:\n"
    "  - {at: 0ms, host: server, call: listen, port: 80, keepalive: true, keepidle: 39s, keepintvl: 1s, keepcnt: 3}\n"
    "  - {at: 294ms, host: client, call: connect, to: server:80, read_rate: 135083}\n"
    "  - {at: 2464ms, host: server, call: send, bytes: 784}\n"
    "  - {at: 3270ms, host: client, call: send, bytes: 5437}\n"
    "  - {at: 3404ms, host: server, call: shutdown, how: wr}\n"
    "  - {at: 4498ms, host: client, call: shutdown, how: wr}\n";

static void test_clean_run_rto_resend_within_small_window_delivers(void **state)
{
    (void)state;
    clean_run_passes(rexmit_window_yaml);
}

/* Soak seed 41170 (linux, rcvbuf 2980): after the application read the
 * first 1448 octets the window stayed 0 (rounded by the 1460 send MSS, not
 * the 1448 segments that arrive: Linux icsk_ack.rcv_mss); the orphaned
 * sender probed for 30 days. Delivers and closes now. */
static const char rcv_mss_yaml[] =
    "name: soak-41170\n"
    "seed: 84903\n"
    "profile: linux\n"
    "tcp:\n"
    "  window_scaling: false\n"
    "  rcvbuf: 2980\n"
    "hosts:\n"
    "  client: {addr: 10.0.0.1, app: {close_on_eof: true}}\n"
    "  server: {addr: 10.0.0.2, app: {close_on_eof: true}}\n"
    "steps:\n"
    "  - {at: 0ms, host: server, call: listen, port: 80}\n"
    "  - {at: 54ms, host: client, call: connect, to: server:80, keepalive: true, keepidle: 72s, keepintvl: 4s, keepcnt: 2}\n"
    "  - {at: 55ms, host: client, call: send, bytes: 87066}\n"
    "  - {at: 1383ms, host: client, call: shutdown, how: wr}\n"
    "  - {at: 3147ms, host: server, call: shutdown, how: wr}\n";

static void test_clean_run_small_rcvbuf_window_reopens_after_read(void **state)
{
    (void)state;
    clean_run_passes(rcv_mss_yaml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_close_keeps_every_invariant),
        cmocka_unit_test(test_transition_outside_rfc9293_diagram_is_flagged),
        cmocka_unit_test(test_transition_from_a_state_it_was_not_in_is_flagged),
        cmocka_unit_test(test_segment_from_closed_socket_is_flagged),
        cmocka_unit_test(test_pure_ack_pingpong_is_flagged),
        cmocka_unit_test(test_one_ack_answering_an_ack_is_no_pingpong),
        cmocka_unit_test(test_old_acks_each_answered_once_are_no_pingpong),
        cmocka_unit_test(test_closing_with_nothing_pending_is_stuck),
        cmocka_unit_test(test_close_never_sending_fin_is_stuck),
        cmocka_unit_test(test_generator_is_deterministic_and_always_loads),
        cmocka_unit_test(test_generator_makes_both_profiles_and_both_kinds),
        cmocka_unit_test(test_explore_tries_every_pair_of_drops_among_the_first_n),
        cmocka_unit_test(test_explore_rule_text_reproduces_the_drop),
        cmocka_unit_test(test_clean_run_side_that_times_out_waives_delivery_and_close),
        cmocka_unit_test(test_clean_run_rst_in_closing_after_peer_time_wait_is_no_fault),
        cmocka_unit_test(test_clean_run_rto_resend_within_small_window_delivers),
        cmocka_unit_test(test_clean_run_small_rcvbuf_window_reopens_after_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
