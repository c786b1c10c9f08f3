/* Socket-level calls the Linux recordings needed (issue 12 item 11):
 * `ss -K` (SOCK_DESTROY), getsockopt(SO_ERROR) and TCP_SYNCNT. */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

/* Linux tcp_abort(sk, ECONNABORTED), what `ss -K` does: a RST from a
 * synchronized state (tcp_need_reset), the connection is done, and the
 * application that still holds the socket sees ECONNABORTED. */
static void test_ss_kill_sends_rst_and_app_sees_econnaborted(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_destroy(h->sock), TS_OK);
    const struct tcp_segment *rst = h_last(h);
    assert_true(rst->flags & TCP_RST);
    assert_int_equal(h_state(h), TCP_CLOSED);
    h_run_for(h, SIM_MS(1));
    assert_int_equal(h->failed_err, TS_ECONNABORTED);
    uint64_t got;
    bool eof;
    assert_int_equal(sock_recv(h->sock, 0, &got, &eof), TS_ECONNABORTED);
}

/* getsockopt(SO_ERROR) reads the pending error and clears it (Linux
 * sock_error); 0 while nothing failed. */
static void test_so_error_reads_pending_error_once(void **state)
{
    struct harness *h = *state;
    h_established(h);
    assert_int_equal(sock_so_error(h->sock), 0);
    sock_destroy(h->sock);
    h_run_for(h, SIM_MS(1));
    assert_int_equal(sock_so_error(h->sock), TS_ECONNABORTED);
    assert_int_equal(sock_so_error(h->sock), 0);
}

/* TCP_SYNCNT replaces tcp_syn_retries for one socket; Linux still adds
 * tcp_syn_linear_timeouts (tcp_write_timeout): with 1, SYNs at 0-5 s (1 s
 * apart) and ETIMEDOUT 2 s later, at 7 s, where the default gives up at
 * 131 s. */
static void test_tcp_syncnt_overrides_syn_retries_linux(void **state)
{
    struct harness *h = *state;
    h_syn_sent(h);
    sim_time_t t0 = h->seg_time[0];
    sock_set_syncnt(h->sock, 1);
    h_run_until(h, t0 + SIM_S(7) - 1);
    assert_int_equal(h_state(h), TCP_SYN_SENT);
    h_run_until(h, t0 + SIM_S(7) + SIM_MS(1));
    assert_int_equal(h->connected_err, TS_ETIMEDOUT);
    size_t syns = 0;
    for (size_t i = 0; i < h->nsegs; i++)
        syns += h->segs[i].flags == TCP_SYN;
    assert_int_equal(syns, 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_ss_kill_sends_rst_and_app_sees_econnaborted),
        H_TEST_BOTH(test_so_error_reads_pending_error_once),
        H_TEST_LINUX(test_tcp_syncnt_overrides_syn_retries_linux),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
