/* Ports and TIME_WAIT as resources (Linux profile): ephemeral ports from
 * ip_local_port_range, EADDRNOTAVAIL when they run out toward one
 * destination, tcp_tw_reuse, tcp_max_tw_buckets, and SO_REUSEADDR for a
 * listener that restarts while its old connections sit in TIME_WAIT. */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

static void set_range(struct harness *h, uint32_t lo, uint32_t hi)
{
    h->local->params.port_range_lo = lo;
    h->local->params.port_range_hi = hi;
    h->local->next_port = 0;
}

static uint16_t connect_port(struct harness *h, uint16_t rport, int *err)
{
    struct tcb *t = NULL;
    *err = sock_connect(h->local, H_PEER_ADDR, rport, 0, &t);
    return t ? t->local_port : 0;
}

/* Linux __inet_hash_connect (4.2+): connect() tries ports of one parity
 * first, then the other. */
static void test_ephemeral_ports_even_offsets_first_then_odd(void **state)
{
    struct harness *h = *state;
    set_range(h, 40000, 40005);
    static const uint16_t want[] = {40000, 40002, 40004, 40001, 40003, 40005};
    for (size_t i = 0; i < 6; i++) {
        int err;
        assert_int_equal(connect_port(h, 80, &err), want[i]);
        assert_int_equal(err, TS_OK);
    }
}

/* Every port toward one destination held: EADDRNOTAVAIL, nothing sent;
 * another destination port still has the whole range. */
static void test_connect_fails_eaddrnotavail_when_every_port_toward_destination_is_held(
    void **state)
{
    struct harness *h = *state;
    set_range(h, 40000, 40003);
    int err;
    for (int i = 0; i < 4; i++) {
        connect_port(h, 80, &err);
        assert_int_equal(err, TS_OK);
    }
    h_consume_all(h);
    assert_int_equal(connect_port(h, 80, &err), 0);
    assert_int_equal(err, TS_EADDRNOTAVAIL);
    h_expect_none(h);
    assert_int_not_equal(connect_port(h, 81, &err), 0);
    assert_int_equal(err, TS_OK);
}

/* The per-destination count that lets connect() skip a full parity must
 * drop when a connection goes: the freed port is found again. */
static void test_port_freed_by_abort_is_picked_again_when_the_range_was_full(void **state)
{
    struct harness *h = *state;
    set_range(h, 40000, 40003);
    struct tcb *t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(sock_connect(h->local, H_PEER_ADDR, 80, 0, &t[i]), TS_OK);
    int err;
    connect_port(h, 80, &err);
    assert_int_equal(err, TS_EADDRNOTAVAIL);
    uint16_t freed = t[2]->local_port;
    sock_abort(t[2]);
    assert_int_equal(connect_port(h, 80, &err), freed);
    assert_int_equal(err, TS_OK);
}

/* A TIME_WAIT socket holds its 4-tuple (and so its port) until it expires. */
static void test_time_wait_holds_its_port_until_it_expires(void **state)
{
    struct harness *h = *state;
    h_time_wait(h);
    set_range(h, H_CLIENT_PORT, H_CLIENT_PORT);
    int err;
    connect_port(h, H_SERVER_PORT, &err);
    assert_int_equal(err, TS_EADDRNOTAVAIL);
    h_run_for(h, tcp_params_time_wait(&h->local->params) + SIM_MS(1));
    assert_int_equal(connect_port(h, H_SERVER_PORT, &err), H_CLIENT_PORT);
    assert_int_equal(err, TS_OK);
}

/* Linux tcp_twsk_unique: with tcp_tw_reuse and timestamps, a TIME_WAIT
 * 4-tuple is taken over once TS.Recent is from an earlier second; the new
 * ISS is the old SND.NXT + 65537 and the TIME_WAIT socket is gone. */
static void test_tw_reuse_takes_time_wait_tuple_in_a_later_second_with_timestamps(void **state)
{
    struct harness *h = *state;
    h->local->params.tw_reuse = true;
    h->peer_ts = true;
    h->peer_tsval = 100;
    h_time_wait(h);
    tcp_seq old_nxt = h->iss + 2;
    set_range(h, H_CLIENT_PORT, H_CLIENT_PORT);
    int err;
    connect_port(h, H_SERVER_PORT, &err);
    assert_int_equal(err, TS_EADDRNOTAVAIL); /* same second: not yet */
    h_run_for(h, SIM_S(1));
    assert_int_equal(connect_port(h, H_SERVER_PORT, &err), H_CLIENT_PORT);
    assert_int_equal(err, TS_OK);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 0);
    assert_int_equal(host_count_in_state(h->local, TCP_SYN_SENT), 1);
    h_expect(h, H_S, old_nxt + 65537, 0);
}

/* Without timestamps nothing tells the incarnations apart: no reuse. */
static void test_tw_reuse_refuses_time_wait_without_timestamps(void **state)
{
    struct harness *h = *state;
    h->local->params.tw_reuse = true;
    h_time_wait(h);
    set_range(h, H_CLIENT_PORT, H_CLIENT_PORT);
    h_run_for(h, SIM_S(5));
    int err;
    connect_port(h, H_SERVER_PORT, &err);
    assert_int_equal(err, TS_EADDRNOTAVAIL);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 1);
}

/* tcp_tw_reuse off (the default): TIME_WAIT keeps its port. */
static void test_time_wait_port_not_reused_when_tw_reuse_is_off(void **state)
{
    struct harness *h = *state;
    h->peer_ts = true;
    h->peer_tsval = 100;
    h_time_wait(h);
    set_range(h, H_CLIENT_PORT, H_CLIENT_PORT);
    h_run_for(h, SIM_S(5));
    int err;
    connect_port(h, H_SERVER_PORT, &err);
    assert_int_equal(err, TS_EADDRNOTAVAIL);
}

/* Linux tcp_time_wait: beyond tcp_max_tw_buckets the socket that would
 * enter TIME_WAIT is destroyed at once (and the overflow is counted). */
static void test_max_tw_buckets_destroys_new_time_wait_at_once(void **state)
{
    struct harness *h = *state;
    h->local->params.max_tw_buckets = 1;
    h_time_wait(h); /* the first fits */
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 1);
    struct harness *h2 = h; /* a second connection from another port */
    struct tcb *t;
    assert_int_equal(sock_connect(h2->local, H_PEER_ADDR, H_SERVER_PORT, 40001, &t), TS_OK);
    const struct tcp_segment *syn = h_expect(h, H_S, t->iss, 0);
    struct tcp_segment sa = h_seg(h, H_SA, H_IRS, syn->seq + 1, 0, H_WIN);
    sa.dst_port = 40001;
    h_inject_seg(h, &sa);
    h_consume_all(h);
    assert_int_equal(sock_close(t), TS_OK);                 /* FIN_WAIT1 */
    struct tcp_segment fa = h_seg(h, H_FA, H_IRS + 1, syn->seq + 2, 0, H_WIN);
    fa.dst_port = 40001;
    h_inject_seg(h, &fa); /* ACK of our FIN and the peer's FIN: TIME_WAIT, or not */
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 1);
    assert_int_equal(host_count_in_state(h->local, TCP_FIN_WAIT1), 0);
    assert_null(host_find_conn(h->local, 40001, H_PEER_ADDR, H_SERVER_PORT));
    assert_int_equal(h->local->tw_overflow, 1);
}

/* A server restarts: its old connection is in TIME_WAIT on port 80. */
static void server_time_wait_without_listener(struct harness *h)
{
    h->passive = true;
    h_time_wait(h);
    assert_int_equal(sock_close(h->listener), TS_OK);
    assert_null(host_find_listener(h->local, H_SERVER_PORT));
}

/* Linux inet_csk_bind_conflict: without SO_REUSEADDR on both sockets the
 * TIME_WAIT connection keeps port 80 bound. */
static void test_listen_fails_eaddrinuse_while_time_wait_holds_the_port(void **state)
{
    struct harness *h = *state;
    server_time_wait_without_listener(h);
    struct tcb *l;
    assert_int_equal(sock_listen(h->local, H_SERVER_PORT, 0, &l), TS_EADDRINUSE);
    assert_null(l);
    /* SO_REUSEADDR on the new socket alone is not enough. */
    assert_int_equal(sock_listen_reuse(h->local, H_SERVER_PORT, 0, true, &l), TS_EADDRINUSE);
}

static void test_listen_with_reuseaddr_binds_over_time_wait(void **state)
{
    struct harness *h = *state;
    server_time_wait_without_listener(h);
    sock_set_reuseaddr(h->sock, true); /* as if the old listener had set it */
    struct tcb *l;
    assert_int_equal(sock_listen_reuse(h->local, H_SERVER_PORT, 0, true, &l), TS_OK);
    assert_non_null(l);
    assert_int_equal(host_count_in_state(h->local, TCP_TIME_WAIT), 1);
}

/* SO_REUSEADDR never lets two listeners share a port. */
static void test_reuseaddr_does_not_bind_over_a_listener(void **state)
{
    struct harness *h = *state;
    struct tcb *a, *b;
    assert_int_equal(sock_listen_reuse(h->local, H_SERVER_PORT, 0, true, &a), TS_OK);
    assert_int_equal(sock_listen_reuse(h->local, H_SERVER_PORT, 0, true, &b), TS_EADDRINUSE);
}

/* Accepted children inherit SO_REUSEADDR from their listener. */
static void test_accepted_child_inherits_reuseaddr(void **state)
{
    struct harness *h = *state;
    h_listen(h);
    sock_set_reuseaddr(h->listener, true);
    h_inject(h, H_S, H_IRS, 0, 0, H_WIN);
    struct tcb *child = host_find_conn(h->local, H_SERVER_PORT, H_PEER_ADDR, h->rport);
    assert_non_null(child);
    assert_true(child->reuseaddr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_LINUX(test_ephemeral_ports_even_offsets_first_then_odd),
        H_TEST_LINUX(test_connect_fails_eaddrnotavail_when_every_port_toward_destination_is_held),
        H_TEST_LINUX(test_port_freed_by_abort_is_picked_again_when_the_range_was_full),
        H_TEST_LINUX(test_time_wait_holds_its_port_until_it_expires),
        H_TEST_LINUX(test_tw_reuse_takes_time_wait_tuple_in_a_later_second_with_timestamps),
        H_TEST_LINUX(test_tw_reuse_refuses_time_wait_without_timestamps),
        H_TEST_LINUX(test_time_wait_port_not_reused_when_tw_reuse_is_off),
        H_TEST_LINUX(test_max_tw_buckets_destroys_new_time_wait_at_once),
        H_TEST_BOTH(test_listen_fails_eaddrinuse_while_time_wait_holds_the_port),
        H_TEST_BOTH(test_listen_with_reuseaddr_binds_over_time_wait),
        H_TEST_BOTH(test_reuseaddr_does_not_bind_over_a_listener),
        H_TEST_BOTH(test_accepted_child_inherits_reuseaddr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
