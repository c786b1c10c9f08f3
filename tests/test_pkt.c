/* The packetdrill front end (sim/pkt): parsing with file:line:col errors,
 * the scripted peer's matching rules (packetdrill's relative sequence
 * numbers, GSO merging, `win` and option checks, timing tolerance), the
 * socket calls and the sysctl mapping, and the parser's fuzz entry point. */
#include "cmocka_wrap.h"

#include <stdio.h>
#include <string.h>

#include "tcpsim/pkt.h"

#define SERVER                                                                                     \
    "`../common/defaults.sh`\n"                                                                    \
    "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"                                                \
    "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"                                     \
    "+0 bind(3, ..., ...) = 0\n"                                                                   \
    "+0 listen(3, 1) = 0\n"                                                                        \
    "+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>\n"                             \
    "+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>\n"                                \
    "+.1 < . 1:1(0) ack 1 win 257\n"                                                               \
    "+0 accept(3, ..., ...) = 4\n"

/* Parses and plays `text`; returns the exit status and leaves the report. */
static int play(const char *text, char *report, size_t len)
{
    struct pkt_script *s;
    char err[256];
    int rc = pkt_parse("t.pkt", text, strlen(text), &s, err, sizeof err);
    if (rc != PKT_PASS) {
        snprintf(report, len, "%s", err);
        return rc;
    }
    struct pkt_config cfg = {.tolerance_us = -1};
    struct pkt_run *run;
    assert_int_equal(pkt_run_create(s, &cfg, &run), 0);
    rc = pkt_run_exec(run, report, len);
    pkt_run_free(run);
    pkt_script_free(s);
    return rc;
}

static void test_pkt_parse_error_names_line_and_column(void **state)
{
    (void)state;
    char report[512];
    assert_int_equal(play("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < SX 0:0(0) win 1\n",
                          report, sizeof report),
                     PKT_BAD);
    assert_non_null(strstr(report, "t.pkt:2:6: expected TCP flags"));
}

static void test_pkt_first_event_must_be_at_time_zero(void **state)
{
    (void)state;
    char report[512];
    assert_int_equal(play("+1 close(3) = 0\n", report, sizeof report), PKT_BAD);
    assert_non_null(strstr(report, "t.pkt:1:1: the first event should be at time 0"));
}

static void test_pkt_sequence_numbers_are_relative_to_the_endpoint_isn(void **state)
{
    (void)state;
    char report[1024];
    assert_int_equal(play(SERVER "+0 write(4, ..., 1000) = 1000\n+0 > P. 1:1001(1000) ack 1\n",
                          report, sizeof report),
                     PKT_PASS);
}

static void test_pkt_outbound_segments_merge_like_gso(void **state)
{
    (void)state;
    char report[1024];
    /* MSS 1000: 3000 octets leave as three segments, one script line. */
    assert_int_equal(play(SERVER "+0 write(4, ..., 3000) = 3000\n+0 > P. 1:3001(3000) ack 1\n",
                          report, sizeof report),
                     PKT_PASS);
}

static void test_pkt_wrong_window_fails_naming_the_line(void **state)
{
    (void)state;
    char report[1024];
    assert_int_equal(
        play(SERVER "+0 write(4, ..., 100) = 100\n+0 > P. 1:101(100) ack 1 win 9\n", report,
             sizeof report),
        PKT_FAIL);
    assert_non_null(strstr(report, "t.pkt:11: live packet field tcp_window: expected: 9"));
    assert_non_null(strstr(report, "actual packet:"));
}

static void test_pkt_late_packet_is_a_timing_error_beyond_tolerance(void **state)
{
    (void)state;
    char report[1024];
    /* The ACK of the first data is sent at once (quick-ack); the script
     * wants it 50 ms later, beyond the 4 ms default tolerance. */
    assert_int_equal(play(SERVER "+0 < . 1:101(100) ack 1 win 257\n+.05 > . 1:1(0) ack 101\n",
                          report, sizeof report),
                     PKT_FAIL);
    assert_non_null(strstr(report, "timing error"));
}

static void test_pkt_blocking_accept_returns_when_the_handshake_completes(void **state)
{
    (void)state;
    char report[1024];
    const char *text = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                       "+0 bind(3, ..., ...) = 0\n"
                       "+0 listen(3, 1) = 0\n"
                       "+0...0.2 accept(3, ..., ...) = 4\n"
                       "+.1 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>\n"
                       "+0 > S. 0:0(0) ack 1 <...>\n"
                       "+.1 < . 1:1(0) ack 1 win 257\n";
    assert_int_equal(play(text, report, sizeof report), PKT_PASS);
    /* ... and a script saying it returns at 0.3 s fails. */
    char late[1024];
    snprintf(late, sizeof late, "%s", text);
    memcpy(strstr(late, "0.2"), "0.3", 3);
    assert_int_equal(play(late, report, sizeof report), PKT_FAIL);
    assert_non_null(strstr(report, "expected system call return at 0.300000 sec"));
}

static void test_pkt_errno_is_compared(void **state)
{
    (void)state;
    char report[1024];
    const char *text = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                       "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
                       "+0 connect(3, ..., ...) = -1 EALREADY (wrong on purpose)\n";
    assert_int_equal(play(text, report, sizeof report), PKT_FAIL);
    assert_non_null(strstr(report, "expected errno EALREADY but got EINPROGRESS"));
}

static void test_pkt_sysctl_sets_tcp_parameters(void **state)
{
    (void)state;
    char report[1024];
    /* tcp_window_scaling=0: the SYN,ACK carries no window scale. */
    const char *text = "0 `sysctl -q net.ipv4.tcp_window_scaling=0`\n"
                       "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                       "+0 bind(3, ..., ...) = 0\n"
                       "+0 listen(3, 1) = 0\n"
                       "+0 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>\n"
                       "+0 > S. 0:0(0) ack 1 <mss 1460>\n"
                       "+0 `ethtool -K tun0 tso off`\n";
    assert_int_equal(play(text, report, sizeof report), PKT_PASS);
    assert_non_null(strstr(report, "shell command skipped: ethtool"));
}

static void test_pkt_tcp_info_assert_checks_modelled_fields(void **state)
{
    (void)state;
    char report[1024];
    assert_int_equal(play(SERVER "+0 %{ assert tcpi_snd_cwnd == 10 }%\n", report, sizeof report),
                     PKT_PASS);
    assert_int_equal(play(SERVER "+0 %{ assert tcpi_snd_cwnd == 9 }%\n", report, sizeof report),
                     PKT_FAIL);
    assert_non_null(strstr(report, "assertion failed: tcpi_snd_cwnd == 9 (it is 10)"));
}

/* The fuzz entry point: any buffer parses or is refused, never crashes. */
static void test_pkt_parse_survives_arbitrary_bytes(void **state)
{
    (void)state;
    uint32_t x = 12345;
    char buf[256];
    for (int round = 0; round < 3000; round++) {
        size_t len = 0;
        const char *pieces[] = {"0 ", "+.1 ", "< ", "> ", "S. ", "0:0(0) ", "ack 1 ", "win 9 ",
                                "<mss 1,sack 1:2,TS val 1 ecr 2>", "socket(", "...", ")", " = ",
                                "-1 ", "EAGAIN ", "(x)", "{", "}", "[", "]", "\n", "`a`",
                                "%{ x }%", "/*", "*/", "//", "\"", "~", "*", "0x", "\x01"};
        int n = (int)(x % 12);
        for (int i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            const char *p = pieces[(x >> 8) % (sizeof pieces / sizeof pieces[0])];
            size_t l = strlen(p);
            if (len + l >= sizeof buf)
                break;
            memcpy(buf + len, p, l);
            len += l;
        }
        x = x * 1103515245u + 12345u;
        struct pkt_script *s = NULL;
        char err[256];
        int rc = pkt_parse("f.pkt", buf, len, &s, err, sizeof err);
        assert_true(rc == PKT_PASS || rc == PKT_BAD);
        pkt_script_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pkt_parse_error_names_line_and_column),
        cmocka_unit_test(test_pkt_first_event_must_be_at_time_zero),
        cmocka_unit_test(test_pkt_sequence_numbers_are_relative_to_the_endpoint_isn),
        cmocka_unit_test(test_pkt_outbound_segments_merge_like_gso),
        cmocka_unit_test(test_pkt_wrong_window_fails_naming_the_line),
        cmocka_unit_test(test_pkt_late_packet_is_a_timing_error_beyond_tolerance),
        cmocka_unit_test(test_pkt_blocking_accept_returns_when_the_handshake_completes),
        cmocka_unit_test(test_pkt_errno_is_compared),
        cmocka_unit_test(test_pkt_sysctl_sets_tcp_parameters),
        cmocka_unit_test(test_pkt_tcp_info_assert_checks_modelled_fields),
        cmocka_unit_test(test_pkt_parse_survives_arbitrary_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
