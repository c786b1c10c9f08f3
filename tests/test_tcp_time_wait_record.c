/* TIME-WAIT on the compact record (sim/tcp/tcp_timewait.c): once the
 * application has closed its socket, the TCB is freed and a small record
 * carries RFC 9293's TIME-WAIT duties on, as Linux's inet_timewait_sock
 * does. These tests close the socket first, then check the duties. */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

#include <stdlib.h>

static sim_time_t tw_len(const struct harness *h)
{
    return tcp_params_time_wait(&h->local->params);
}

/* TIME-WAIT with the application's socket closed: only the record is left. */
static void h_orphan_time_wait(struct harness *h)
{
    h_time_wait(h);
    assert_int_equal(sock_close(h->sock), TS_OK);
    assert_null(h->sock); /* released: the TCB is gone */
    assert_non_null(host_find_tw(h->local, h->lport, H_PEER_ADDR, h->rport));
    assert_null(host_find_conn(h->local, h->lport, H_PEER_ADDR, h->rport));
}

static void test_time_wait_record_is_small(void **state)
{
    (void)state;
    /* The budget a TIME_WAIT endpoint may cost (issue 6: < 300 bytes with
     * its table slot and allocator overhead). */
    assert_true(sizeof(struct tcp_tw) <= 128);
    assert_true(sizeof(struct tcp_tw) < sizeof(struct tcb) / 3);
}

static void test_time_wait_closed_socket_still_counts_as_time_wait(void **state)
{
    struct harness *h = *state;
    h_orphan_time_wait(h);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 1);
    assert_true(host_tuple_in_use(h->local, h->lport, H_PEER_ADDR, h->rport));
    struct tcb *again;
    assert_int_equal(sock_connect(h->local, H_PEER_ADDR, h->rport, h->lport, &again),
                     TS_EADDRNOTAVAIL); /* R-TW-01 on the record */
}

/* R-TW-09 on the record. */
static void test_time_wait_record_acks_retransmitted_fin_and_restarts_2msl(void **state)
{
    struct harness *h = *state;
    h_orphan_time_wait(h);
    h_run_for(h, tw_len(h) / 2);
    sim_time_t t1 = h_now(h);
    h_inject(h, H_FA, H_IRS + 1, h->iss + 2, 0, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_expect_none(h);
    h_run_until(h, t1 + tw_len(h) - 1);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 1);
    h_run_until(h, t1 + tw_len(h));
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
}

/* R-TW-11 on the record: 2MSL later the 4-tuple is free. */
static void test_time_wait_record_expires_after_2msl(void **state)
{
    struct harness *h = *state;
    sim_time_t t0;
    h_time_wait(h);
    t0 = h_now(h);
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_run_until(h, t0 + tw_len(h) - 1);
    assert_non_null(host_find_tw(h->local, h->lport, H_PEER_ADDR, h->rport));
    h_run_until(h, t0 + tw_len(h));
    assert_null(host_find_tw(h->local, h->lport, H_PEER_ADDR, h->rport));
    assert_false(host_tuple_in_use(h->local, h->lport, H_PEER_ADDR, h->rport));
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
    h_expect_none(h);
}

/* R-TW-07 on the record: an acceptable RST ends TIME-WAIT (no RFC 1337). */
static void test_time_wait_record_rst_deletes_it(void **state)
{
    struct harness *h = *state;
    h_orphan_time_wait(h);
    h_inject(h, H_R, H_IRS + 2, 0, 0, 0);
    h_expect_none(h);
    assert_null(host_find_tw(h->local, h->lport, H_PEER_ADDR, h->rport));
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
}

/* R-TW-05 on the record: a segment outside the window draws an ACK. */
static void test_time_wait_record_unacceptable_segment_draws_ack(void **state)
{
    struct harness *h = *state;
    h_orphan_time_wait(h);
    h_inject(h, H_PA, H_IRS + 2 + 10 * H_WIN, h->iss + 2, 10, H_WIN);
    h_expect(h, H_A, h->iss + 2, H_IRS + 2);
    h_expect_none(h);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 1);
}

/* R-TW-03: ABORT of a socket in TIME-WAIT deletes the record too, silently. */
static void test_time_wait_abort_removes_record_without_segment(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    assert_non_null(host_find_tw(h->local, h->lport, H_PEER_ADDR, h->rport));
    assert_int_equal(sock_abort(h->sock), TS_OK);
    h_expect_none(h);
    assert_null(host_find_tw(h->local, h->lport, H_PEER_ADDR, h->rport));
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
    h_run_for(h, tw_len(h) + SIM_S(1));
    h_expect_none(h);
}

/* netstat/ss list a closed socket's TIME_WAIT from its record. */
static void test_time_wait_record_is_listed_with_its_timer(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    uint32_t id = sock_id(h->sock);
    sim_time_t t0 = h_now(h);
    assert_int_equal(sock_close(h->sock), TS_OK);
    h_run_until(h, t0 + SIM_S(8));
    struct sock_info *rows;
    size_t n;
    assert_int_equal(host_socket_infos(h->local, &rows, &n), TS_OK);
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].state != TCP_TIME_WAIT)
            continue;
        found++;
        assert_int_equal(rows[i].id, id);
        assert_int_equal(rows[i].remote_port, h->rport);
        assert_int_equal(rows[i].timer, SOCK_TIMER_TIMEWAIT);
        assert_int_equal(rows[i].timer_left, tw_len(h) - SIM_S(8));
    }
    free(rows);
    assert_int_equal(found, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_wait_record_is_small),
        H_TEST_BOTH(test_time_wait_closed_socket_still_counts_as_time_wait),
        H_TEST_BOTH(test_time_wait_record_acks_retransmitted_fin_and_restarts_2msl),
        H_TEST_BOTH(test_time_wait_record_expires_after_2msl),
        H_TEST_BOTH(test_time_wait_record_rst_deletes_it),
        H_TEST_BOTH(test_time_wait_record_unacceptable_segment_draws_ack),
        H_TEST_BOTH(test_time_wait_abort_removes_record_without_segment),
        H_TEST_BOTH(test_time_wait_record_is_listed_with_its_timer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
