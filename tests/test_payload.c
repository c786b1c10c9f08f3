/* The literal-payload store: chunks recorded by (host, connection, stream
 * offset) override the generated pattern exactly where they lie. */
#include "cmocka_wrap.h"

#include <string.h>

#include "tcpsim/payload.h"

#define ADDR 0x0a000001u

static struct tcp_segment seg_at(uint32_t conn, uint64_t off, uint32_t len)
{
    struct tcp_segment s = {0};
    s.src_addr = ADDR;
    s.src_conn = conn;
    s.data_off = off;
    s.len = len;
    return s;
}

static void empty_store_gives_the_generated_pattern(void **state)
{
    (void)state;
    struct payload_store store;
    payload_store_init(&store);
    struct tcp_segment s = seg_at(1, 25, 3);
    uint8_t out[3];
    assert_false(payload_fill(&store, &s, out));
    assert_memory_equal(out, "zab", 3);
    assert_false(payload_fill(NULL, &s, out));
    payload_store_free(&store);
}

static void chunk_overrides_only_the_octets_it_covers(void **state)
{
    (void)state;
    struct payload_store store;
    payload_store_init(&store);
    assert_int_equal(payload_store_add(&store, ADDR, 1, 2, (const uint8_t *)"XYZ", 3), 0);
    struct tcp_segment s = seg_at(1, 0, 6); /* offsets 0..5: a b X Y Z f */
    uint8_t out[6];
    assert_true(payload_fill(&store, &s, out));
    assert_memory_equal(out, "abXYZf", 6);
    struct tcp_segment tail = seg_at(1, 3, 1); /* a segment starting inside the chunk */
    assert_true(payload_fill(&store, &tail, out));
    assert_int_equal(out[0], 'Y');
    payload_store_free(&store);
}

static void chunk_belongs_to_one_connection_of_one_host(void **state)
{
    (void)state;
    struct payload_store store;
    payload_store_init(&store);
    payload_store_add(&store, ADDR, 1, 0, (const uint8_t *)"GET", 3);
    struct tcp_segment other_conn = seg_at(2, 0, 3), other_host = seg_at(1, 0, 3);
    other_host.src_addr = ADDR + 1;
    struct tcp_segment mine = seg_at(1, 0, 3), after = seg_at(1, 3, 3);
    assert_false(payload_is_literal(&store, &other_conn));
    assert_false(payload_is_literal(&store, &other_host));
    assert_false(payload_is_literal(&store, &after));
    assert_true(payload_is_literal(&store, &mine));
    payload_store_pop(&store);
    assert_false(payload_is_literal(&store, &mine));
    payload_store_free(&store);
}

static void escape_shows_crlf_quotes_and_binary_and_truncates(void **state)
{
    (void)state;
    char out[4 * 8 + 4];
    payload_escape((const uint8_t *)"GET /\r\n", 7, 8, out);
    assert_string_equal(out, "GET /\\r\\n");
    payload_escape((const uint8_t *)"\"\\\x01", 3, 8, out);
    assert_string_equal(out, "\\\"\\\\\\x01");
    payload_escape((const uint8_t *)"0123456789", 10, 4, out);
    assert_string_equal(out, "0123...");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_store_gives_the_generated_pattern),
        cmocka_unit_test(chunk_overrides_only_the_octets_it_covers),
        cmocka_unit_test(chunk_belongs_to_one_connection_of_one_host),
        cmocka_unit_test(escape_shows_crlf_quotes_and_binary_and_truncates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
