/* The TIME_WAIT expiry queue (sim/tcp/tcp_timewait.c): every record of a host
 * waits in one queue in expiry order under a single engine timer, and each
 * still expires exactly 2MSL after it was (re)armed. */
#include "cmocka_wrap.h"

#include <stdlib.h>

#include "tcp/tcp_internal.h"
#include "tcpsim/errors.h"
#include "tcpsim/net.h"
#include "tcpsim/socket.h"
#include "tcpsim/tcp_host.h"

#define N_CONNS 200

struct world {
    struct net net;
    int closed;
};

static void close_at_once(void *ctx, struct tcb *tcb, int err)
{
    struct world *w = ctx;
    if (err == TS_OK && sock_close(tcb) == TS_OK)
        w->closed++;
}

static void close_on_eof(void *ctx, struct tcb *tcb)
{
    (void)ctx;
    uint64_t got;
    bool eof;
    while (sock_recv(tcb, 0, &got, &eof) == TS_OK && !eof && got)
        ;
    if (eof)
        sock_close(tcb);
}

/* N_CONNS connections, one every 10 ms, each closed by the client at once:
 * N_CONNS TIME_WAIT records on the client, entered 10 ms apart. */
static struct world *world_new(void)
{
    struct world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    struct tcp_params p;
    tcp_params_defaults(&p, TCP_PROFILE_LINUX);
    p.timer_granularity = TCP_TIMER_EXACT; /* each record's own 2MSL, to the ns */
    struct link_params lp = {.delay = SIM_MS(1)};
    assert_int_equal(net_init(&w->net, 7, &tcp_proto_ops), TS_OK);
    assert_int_equal(net_add_host(&w->net, 0, "client", 0x0a000001, &p), TS_OK);
    assert_int_equal(net_add_host(&w->net, 1, "server", 0x0a000002, &p), TS_OK);
    net_connect_hosts(&w->net, &lp, &lp);
    w->net.hosts[0]->app = (struct app_ops){.connected = close_at_once, .ctx = w};
    w->net.hosts[1]->app = (struct app_ops){.readable = close_on_eof, .ctx = w};
    struct tcb *l;
    assert_int_equal(sock_listen(w->net.hosts[1], 80, 0, &l), TS_OK);
    for (int i = 0; i < N_CONNS; i++) {
        struct tcb *t;
        assert_int_equal(sock_connect(w->net.hosts[0], 0x0a000002, 80, 0, &t), TS_OK);
        engine_run(&w->net.engine, w->net.engine.now + SIM_MS(10));
    }
    engine_run(&w->net.engine, w->net.engine.now + SIM_MS(100));
    return w;
}

static void world_free(struct world *w)
{
    net_free(&w->net);
    free(w);
}

static void test_time_wait_records_share_one_engine_timer(void **state)
{
    (void)state;
    struct world *w = world_new();
    assert_int_equal(w->closed, N_CONNS);
    assert_int_equal(host_count_in_state(w->net.hosts[0], TCP_TIME_WAIT), N_CONNS);
    /* The engine holds the queue's one timer, not one per record. */
    assert_true(w->net.engine.count < 10);
    world_free(w);
}

/* RFC 9293 3.10.8 on the queue: each record still ends 2MSL (Linux: 60 s)
 * after it entered TIME_WAIT, in the order they entered. */
static void test_time_wait_queue_expires_each_record_after_its_own_2msl(void **state)
{
    (void)state;
    struct world *w = world_new();
    struct host *client = w->net.hosts[0];
    sim_time_t first = client->tw_head->expires;
    assert_true(client->tw_tail->expires - first >= SIM_MS(10) * (N_CONNS - 1));
    for (const struct tcp_tw *tw = client->tw_head; tw && tw->q_next; tw = tw->q_next)
        assert_true(tw->expires <= tw->q_next->expires);
    engine_run(&w->net.engine, first - 1);
    assert_int_equal(host_count_in_state(client, TCP_TIME_WAIT), N_CONNS);
    engine_run(&w->net.engine, first);
    assert_int_equal(host_count_in_state(client, TCP_TIME_WAIT), N_CONNS - 1);
    engine_run(&w->net.engine, first + SIM_MS(10) * (N_CONNS / 2) - 1);
    assert_int_equal(host_count_in_state(client, TCP_TIME_WAIT), N_CONNS - N_CONNS / 2);
    engine_run(&w->net.engine, first + SIM_S(10));
    assert_int_equal(host_count_in_state(client, TCP_TIME_WAIT), 0);
    assert_null(client->tw_head);
    assert_false(sim_timer_armed(&client->tw_timer));
    world_free(w);
}

/* A record whose 2MSL restarts (R-TW-09) moves behind every other. */
static void test_time_wait_restart_moves_record_to_the_queue_tail(void **state)
{
    (void)state;
    struct world *w = world_new();
    struct host *client = w->net.hosts[0];
    struct tcp_tw *oldest = client->tw_head;
    /* The server retransmits its FIN: the client re-ACKs and restarts. */
    struct tcp_segment fin = {.src_addr = 0x0a000002, .dst_addr = 0x0a000001,
                              .src_port = 80, .dst_port = oldest->local_port,
                              .seq = oldest->rcv_nxt - 1, .ack = oldest->snd_nxt,
                              .flags = TCP_FIN | TCP_ACK, .win = 1000};
    host_input(client, &fin);
    assert_ptr_equal(client->tw_tail, oldest);
    assert_int_equal(oldest->expires, w->net.engine.now + SIM_S(60));
    assert_ptr_not_equal(client->tw_head, oldest);
    world_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_wait_records_share_one_engine_timer),
        cmocka_unit_test(test_time_wait_queue_expires_each_record_after_its_own_2msl),
        cmocka_unit_test(test_time_wait_restart_moves_record_to_the_queue_tail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
