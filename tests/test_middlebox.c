/* Unit tests of the stateful middlebox (sim/net/middlebox.c): what it
 * remembers, when it forgets, and the RST it answers with. */
#include "cmocka_wrap.h"

#include <string.h>

#include "tcpsim/middlebox.h"

static struct tcp_segment seg_between(uint32_t from, uint16_t sport, uint32_t to, uint16_t dport,
                                      uint8_t flags)
{
    struct tcp_segment s;
    memset(&s, 0, sizeof s);
    s.src_addr = from;
    s.src_port = sport;
    s.dst_addr = to;
    s.dst_port = dport;
    s.flags = flags;
    return s;
}

#define CLIENT 0x0A000001u
#define SERVER 0x0A000002u

static struct middlebox box(enum middlebox_expired expired)
{
    struct middlebox mb;
    struct middlebox_params p = {SIM_S(300), expired};
    middlebox_init(&mb, &p);
    return mb;
}

static void test_middlebox_passes_a_connection_it_saw_open(void **state)
{
    (void)state;
    struct middlebox mb = box(MIDDLEBOX_EXPIRED_DROP);
    struct tcp_segment syn = seg_between(CLIENT, 40000, SERVER, 80, TCP_SYN);
    struct tcp_segment synack = seg_between(SERVER, 80, CLIENT, 40000, TCP_SYN | TCP_ACK);
    struct tcp_segment ack = seg_between(CLIENT, 40000, SERVER, 80, TCP_ACK);
    assert_int_equal(middlebox_pass(&mb, &syn, 0), MIDDLEBOX_PASS);
    assert_int_equal(middlebox_pass(&mb, &synack, SIM_MS(10)), MIDDLEBOX_PASS);
    assert_int_equal(middlebox_pass(&mb, &ack, SIM_MS(20)), MIDDLEBOX_PASS);
    middlebox_free(&mb);
}

static void test_middlebox_drops_a_connection_it_never_saw_open(void **state)
{
    (void)state;
    struct middlebox mb = box(MIDDLEBOX_EXPIRED_DROP);
    struct tcp_segment ack = seg_between(CLIENT, 40000, SERVER, 80, TCP_ACK);
    assert_int_equal(middlebox_pass(&mb, &ack, 0), MIDDLEBOX_DROP);
    middlebox_free(&mb);
}

static void test_middlebox_forgets_after_idle_timeout_either_direction_refreshes(void **state)
{
    (void)state;
    struct middlebox mb = box(MIDDLEBOX_EXPIRED_DROP);
    struct tcp_segment syn = seg_between(CLIENT, 40000, SERVER, 80, TCP_SYN);
    struct tcp_segment from_server = seg_between(SERVER, 80, CLIENT, 40000, TCP_ACK);
    struct tcp_segment from_client = seg_between(CLIENT, 40000, SERVER, 80, TCP_ACK);
    assert_int_equal(middlebox_pass(&mb, &syn, 0), MIDDLEBOX_PASS);
    /* Traffic in the other direction keeps the one entry alive. */
    assert_int_equal(middlebox_pass(&mb, &from_server, SIM_S(299)), MIDDLEBOX_PASS);
    assert_int_equal(middlebox_pass(&mb, &from_client, SIM_S(598)), MIDDLEBOX_PASS);
    /* Exactly idle_timeout of silence: forgotten, and it stays forgotten. */
    assert_int_equal(middlebox_pass(&mb, &from_server, SIM_S(898)), MIDDLEBOX_DROP);
    assert_int_equal(middlebox_pass(&mb, &from_client, SIM_S(899)), MIDDLEBOX_DROP);
    middlebox_free(&mb);
}

static void test_middlebox_syn_reopens_a_forgotten_tuple(void **state)
{
    (void)state;
    struct middlebox mb = box(MIDDLEBOX_EXPIRED_DROP);
    struct tcp_segment syn = seg_between(CLIENT, 40000, SERVER, 80, TCP_SYN);
    struct tcp_segment ack = seg_between(CLIENT, 40000, SERVER, 80, TCP_ACK);
    middlebox_pass(&mb, &syn, 0);
    assert_int_equal(middlebox_pass(&mb, &ack, SIM_S(400)), MIDDLEBOX_DROP);
    assert_int_equal(middlebox_pass(&mb, &syn, SIM_S(401)), MIDDLEBOX_PASS);
    assert_int_equal(middlebox_pass(&mb, &ack, SIM_S(402)), MIDDLEBOX_PASS);
    middlebox_free(&mb);
}

static void test_middlebox_keeps_many_connections_apart(void **state)
{
    (void)state;
    struct middlebox mb = box(MIDDLEBOX_EXPIRED_DROP);
    for (uint16_t p = 1; p <= 1000; p++) {
        struct tcp_segment syn = seg_between(CLIENT, p, SERVER, 80, TCP_SYN);
        assert_int_equal(middlebox_pass(&mb, &syn, SIM_S(p)), MIDDLEBOX_PASS);
    }
    /* At 400 s the connections opened before 100 s are forgotten, the rest not. */
    for (uint16_t p = 1; p <= 1000; p++) {
        struct tcp_segment ack = seg_between(SERVER, 80, CLIENT, p, TCP_ACK);
        assert_int_equal(middlebox_pass(&mb, &ack, SIM_S(400)),
                         p <= 100 ? MIDDLEBOX_DROP : MIDDLEBOX_PASS);
    }
    middlebox_free(&mb);
}

static void test_middlebox_rejecting_answers_with_rst_seq_seg_ack(void **state)
{
    (void)state;
    struct middlebox mb = box(MIDDLEBOX_EXPIRED_RST);
    struct tcp_segment ack = seg_between(CLIENT, 40000, SERVER, 80, TCP_ACK);
    ack.seq = 1000;
    ack.ack = 5000;
    assert_int_equal(middlebox_pass(&mb, &ack, 0), MIDDLEBOX_REJECT);
    struct tcp_segment rst;
    middlebox_reset_for(&ack, &rst);
    assert_int_equal(rst.src_addr, SERVER);
    assert_int_equal(rst.dst_addr, CLIENT);
    assert_int_equal(rst.src_port, 80);
    assert_int_equal(rst.dst_port, 40000);
    assert_int_equal(rst.flags, TCP_RST);
    assert_int_equal(rst.seq, 5000);
    /* Without ACK: RST,ACK acknowledging the segment (RFC 9293 3.10.7.1). */
    struct tcp_segment fin = seg_between(CLIENT, 40000, SERVER, 80, TCP_FIN);
    fin.seq = 7;
    fin.len = 10;
    middlebox_reset_for(&fin, &rst);
    assert_int_equal(rst.flags, TCP_RST | TCP_ACK);
    assert_int_equal(rst.seq, 0);
    assert_int_equal(rst.ack, 18);
    /* An RST of a forgotten connection is never answered. */
    struct tcp_segment reset = seg_between(CLIENT, 40000, SERVER, 80, TCP_RST);
    assert_int_equal(middlebox_pass(&mb, &reset, 0), MIDDLEBOX_DROP);
    middlebox_free(&mb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_middlebox_passes_a_connection_it_saw_open),
        cmocka_unit_test(test_middlebox_drops_a_connection_it_never_saw_open),
        cmocka_unit_test(test_middlebox_forgets_after_idle_timeout_either_direction_refreshes),
        cmocka_unit_test(test_middlebox_syn_reopens_a_forgotten_tuple),
        cmocka_unit_test(test_middlebox_keeps_many_connections_apart),
        cmocka_unit_test(test_middlebox_rejecting_answers_with_rst_seq_seg_ack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
