/* Unit tests of the link (sim/net/link.c) driven by the real engine: delay,
 * jitter, serialisation and the queue limit, random loss, scripted rules,
 * partitions, duplication, seeding and teardown with segments in flight. */
#include "cmocka_wrap.h"

#include <stdlib.h>
#include <string.h>

#include "tcpsim/engine.h"
#include "tcpsim/errors.h"
#include "tcpsim/link.h"

#define CAP_MAX 4096

struct cap_rec {
    sim_time_t t;
    uint32_t seq;
    enum drop_reason why;
};

/* Records what comes out of the link, with the engine time it happened. */
struct capture {
    struct engine *engine;
    struct cap_rec got[CAP_MAX];
    uint32_t n_got;
    struct cap_rec lost[CAP_MAX];
    uint32_t n_lost;
    uint64_t total_got;
    uint64_t total_lost;
    uint64_t lost_by[DROP_PARTITION + 1];
    struct tcp_segment last; /* the last segment delivered */
};

struct fixture {
    struct engine engine;
    struct link link;
    struct capture cap;
};

static void cap_deliver(void *ctx, const struct tcp_segment *seg)
{
    struct capture *c = ctx;

    if (c->n_got < CAP_MAX)
        c->got[c->n_got++] = (struct cap_rec){engine_now(c->engine), seg->seq, 0};
    c->total_got++;
    c->last = *seg;
}

static void cap_drop(void *ctx, const struct tcp_segment *seg, enum drop_reason why)
{
    struct capture *c = ctx;

    if (c->n_lost < CAP_MAX)
        c->lost[c->n_lost++] = (struct cap_rec){engine_now(c->engine), seg->seq, why};
    c->total_lost++;
    c->lost_by[why]++;
}

static struct fixture *fixture_new(const struct link_params *p, uint64_t seed, uint32_t index)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    assert_int_equal(engine_init(&f->engine), TS_OK);
    f->cap.engine = &f->engine;
    link_init(&f->link, &f->engine, p, seed, index, cap_deliver, cap_drop, &f->cap);
    return f;
}

static void fixture_free(struct fixture *f)
{
    link_free(&f->link);
    engine_free(&f->engine);
    free(f);
}

static struct tcp_segment seg_make(uint32_t seq, uint8_t flags, uint32_t len)
{
    struct tcp_segment s;

    memset(&s, 0, sizeof(s));
    s.src_addr = 0x0a000001;
    s.dst_addr = 0x0a000002;
    s.src_port = 40000;
    s.dst_port = 80;
    s.seq = seq;
    s.flags = flags;
    s.len = len;
    return s;
}

static void send_seg(struct fixture *f, uint32_t seq, uint8_t flags, uint32_t len)
{
    struct tcp_segment s = seg_make(seq, flags, len);

    assert_int_equal(link_send(&f->link, &s), TS_OK);
}

/* Sends a data segment at absolute time t (advancing the engine to t). */
static void send_at(struct fixture *f, sim_time_t t, uint32_t seq, uint8_t flags, uint32_t len)
{
    engine_run(&f->engine, t);
    assert_int_equal(engine_now(&f->engine), t);
    send_seg(f, seq, flags, len);
}

static void test_delivery_takes_exactly_the_delay(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(10)};
    struct fixture *f = fixture_new(&p, 1, 0);

    send_at(f, 0, 1, TCP_ACK, 100);
    send_at(f, SIM_MS(5), 2, TCP_ACK, 100);
    engine_run(&f->engine, SIM_MS(10) - 1);
    assert_int_equal(f->cap.n_got, 0);
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.n_got, 2);
    assert_int_equal(f->cap.got[0].t, SIM_MS(10));
    assert_int_equal(f->cap.got[0].seq, 1);
    assert_int_equal(f->cap.got[1].t, SIM_MS(15));
    assert_int_equal(f->cap.got[1].seq, 2);
    assert_int_equal(f->link.sent, 2);
    assert_int_equal(f->link.delivered, 2);
    assert_int_equal(f->link.dropped, 0);
    fixture_free(f);
}

static void test_delivered_segment_is_an_exact_copy(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(1)};
    struct fixture *f = fixture_new(&p, 1, 0);
    struct tcp_segment s = seg_make(77, TCP_SYN | TCP_ACK, 0);
    struct tcp_segment sent;

    s.opts = TCP_OPT_MSS | TCP_OPT_TS;
    s.mss = 1460;
    s.tsval = 12345;
    s.data_off = 99;
    sent = s;
    assert_int_equal(link_send(&f->link, &s), TS_OK);
    memset(&s, 0xa5, sizeof(s)); /* the link copied it; clobbering ours changes nothing */
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.n_got, 1);
    assert_memory_equal(&f->cap.last, &sent, sizeof(sent));
    fixture_free(f);
}

static void test_jitter_keeps_delivery_within_delay_plus_jitter(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(10), .jitter = SIM_MS(2)};
    struct fixture *f = fixture_new(&p, 7, 0);
    sim_time_t lo = SIM_TIME_MAX, hi = 0;

    for (uint32_t i = 0; i < 4000; i++)
        send_seg(f, i, TCP_ACK, 100);
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.n_got, 4000);
    for (uint32_t i = 0; i < f->cap.n_got; i++) {
        sim_time_t t = f->cap.got[i].t;
        assert_true(t >= SIM_MS(10) && t <= SIM_MS(12));
        lo = t < lo ? t : lo;
        hi = t > hi ? t : hi;
        if (i > 0)
            assert_true(t >= f->cap.got[i - 1].t); /* engine time never goes back */
    }
    /* The draws really spread over the interval. */
    assert_true(lo < SIM_MS(10) + SIM_US(100));
    assert_true(hi > SIM_MS(12) - SIM_US(100));
    fixture_free(f);
}

static void test_jitter_bound_is_inclusive(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(1), .jitter = SIM_NS(3)};
    struct fixture *f = fixture_new(&p, 11, 0);
    uint32_t seen[4] = {0};

    for (uint32_t i = 0; i < 1000; i++)
        send_seg(f, i, TCP_ACK, 0);
    engine_run(&f->engine, SIM_TIME_MAX);
    for (uint32_t i = 0; i < f->cap.n_got; i++) {
        sim_time_t extra = f->cap.got[i].t - SIM_MS(1);
        assert_in_range(extra, 0, 3);
        seen[extra]++;
    }
    for (uint32_t v = 0; v < 4; v++)
        assert_true(seen[v] > 0);
    fixture_free(f);
}

static void test_streams_are_not_drawn_when_their_feature_is_off(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(1), .rate_bps = 1000000};
    struct fixture *f = fixture_new(&p, 8, 2);
    struct rng loss, jitter, dup;

    rng_seed(&loss, 8, RNG_STREAM_LINK_LOSS + 32);
    rng_seed(&jitter, 8, RNG_STREAM_LINK_JITTER + 32);
    rng_seed(&dup, 8, RNG_STREAM_LINK_DUP + 32);
    assert_memory_equal(&f->link.loss_rng, &loss, sizeof(loss));
    for (uint32_t i = 0; i < 100; i++)
        send_seg(f, i, TCP_ACK, 100);
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.n_got, 100);
    assert_memory_equal(&f->link.loss_rng, &loss, sizeof(loss));
    assert_memory_equal(&f->link.jitter_rng, &jitter, sizeof(jitter));
    assert_memory_equal(&f->link.dup_rng, &dup, sizeof(dup));
    fixture_free(f);
}

static void test_rate_spaces_back_to_back_segments_by_transmission_time(void **state)
{
    (void)state;
    /* (1460 + 40) * 8 bits at 1 Mbit/s = 12 ms on the wire. */
    struct link_params p = {.delay = SIM_MS(1), .rate_bps = 1000000};
    struct fixture *f = fixture_new(&p, 1, 0);

    for (uint32_t i = 0; i < 3; i++)
        send_seg(f, i, TCP_ACK, 1460);
    assert_int_equal(f->link.queued, 3);
    assert_int_equal(f->link.busy_until, SIM_MS(36));
    engine_run(&f->engine, SIM_MS(12));
    assert_int_equal(f->link.queued, 2);
    engine_run(&f->engine, SIM_MS(36));
    assert_int_equal(f->link.queued, 0);
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.n_got, 3);
    assert_int_equal(f->cap.got[0].t, SIM_MS(13));
    assert_int_equal(f->cap.got[1].t, SIM_MS(25));
    assert_int_equal(f->cap.got[2].t, SIM_MS(37));
    /* An idle wire starts serialising at once. */
    sim_time_t t0 = SIM_MS(100);
    send_at(f, t0, 9, TCP_ACK, 0); /* 40 octets = 320 us */
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.got[3].t, t0 + SIM_US(320) + SIM_MS(1));
    fixture_free(f);
}

static void test_queue_limit_drops_excess_with_reason_queue(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(1), .rate_bps = 1000000, .queue_limit = 2};
    struct fixture *f = fixture_new(&p, 1, 0);

    for (uint32_t i = 0; i < 5; i++)
        send_seg(f, i, TCP_ACK, 1460);
    assert_int_equal(f->cap.n_lost, 3);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(f->cap.lost[i].why, DROP_QUEUE);
        assert_int_equal(f->cap.lost[i].seq, 2 + i);
    }
    /* Once the first has left the wire there is room for one more. */
    send_at(f, SIM_MS(12), 5, TCP_ACK, 1460);
    send_seg(f, 6, TCP_ACK, 1460);
    assert_int_equal(f->cap.n_lost, 4);
    assert_int_equal(f->cap.lost[3].seq, 6);
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.n_got, 3);
    assert_int_equal(f->cap.got[2].seq, 5);
    assert_int_equal(f->cap.got[2].t, SIM_MS(37));
    assert_int_equal(f->link.queued, 0);
    assert_int_equal(f->link.dropped, 4);
    fixture_free(f);
}

static void test_queue_limit_ignored_without_rate(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(1), .queue_limit = 1};
    struct fixture *f = fixture_new(&p, 1, 0);

    for (uint32_t i = 0; i < 10; i++)
        send_seg(f, i, TCP_ACK, 1460);
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.n_got, 10);
    assert_int_equal(f->cap.n_lost, 0);
    fixture_free(f);
}

static void test_loss_ten_percent_lands_near_ten_percent(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_US(1), .loss_ppm = 100000};
    struct fixture *f = fixture_new(&p, 12345, 0);

    for (uint32_t i = 0; i < 100000; i++)
        send_seg(f, i, TCP_ACK, 100);
    engine_run(&f->engine, SIM_TIME_MAX);
    /* Binomial(100000, 0.1): sd ~ 95; allow five of them. */
    assert_in_range(f->cap.total_lost, 9525, 10475);
    assert_int_equal(f->cap.lost_by[DROP_LOSS], f->cap.total_lost);
    assert_int_equal(f->cap.total_got + f->cap.total_lost, 100000);
    fixture_free(f);
}

static void test_loss_zero_never_drops_and_full_loss_always_drops(void **state)
{
    (void)state;
    struct link_params none = {.delay = SIM_US(1)};
    struct link_params all = {.delay = SIM_US(1), .loss_ppm = 1000000};
    struct fixture *a = fixture_new(&none, 3, 0);
    struct fixture *b = fixture_new(&all, 3, 0);

    for (uint32_t i = 0; i < 10000; i++) {
        send_seg(a, i, TCP_ACK, i % 3 == 0 ? 0 : 500);
        send_seg(b, i, TCP_ACK, i % 3 == 0 ? 0 : 500);
    }
    engine_run(&a->engine, SIM_TIME_MAX);
    engine_run(&b->engine, SIM_TIME_MAX);
    assert_int_equal(a->cap.total_got, 10000);
    assert_int_equal(a->cap.total_lost, 0);
    assert_int_equal(b->cap.total_got, 0);
    assert_int_equal(b->cap.lost_by[DROP_LOSS], 10000);
    fixture_free(a);
    fixture_free(b);
}

static void test_loss_data_only_spares_pure_acks(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_US(1), .loss_ppm = 1000000, .loss_data_only = true};
    struct fixture *f = fixture_new(&p, 3, 0);

    send_seg(f, 1, TCP_ACK, 0);
    send_seg(f, 2, TCP_ACK | TCP_PSH, 100);
    send_seg(f, 3, TCP_ACK, 0);
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.n_got, 2);
    assert_int_equal(f->cap.got[0].seq, 1);
    assert_int_equal(f->cap.got[1].seq, 3);
    assert_int_equal(f->cap.n_lost, 1);
    assert_int_equal(f->cap.lost[0].seq, 2);
    assert_int_equal(f->cap.lost[0].why, DROP_LOSS);
    fixture_free(f);
}

/* Mix of segments; seq = position, so drops are easy to name. */
static const uint8_t rule_mix[] = {
    TCP_SYN, TCP_SYN | TCP_ACK, TCP_ACK, TCP_PSH | TCP_ACK, TCP_ACK,
    TCP_PSH | TCP_ACK, TCP_ACK, TCP_PSH | TCP_ACK, TCP_PSH | TCP_ACK, TCP_FIN | TCP_ACK,
};

static void send_rule_mix(struct fixture *f)
{
    for (uint32_t i = 0; i < sizeof(rule_mix); i++)
        send_seg(f, i, rule_mix[i], (rule_mix[i] & TCP_PSH) ? 100 : 0);
    engine_run(&f->engine, SIM_TIME_MAX);
}

static void test_rule_nth_3_drops_only_the_third_match(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(1)};
    struct fixture *f = fixture_new(&p, 1, 0);
    struct link_drop_rule r = {
        .flags_set = TCP_PSH | TCP_ACK,
        .flags_mask = TCP_SYN | TCP_FIN | TCP_RST | TCP_PSH | TCP_ACK,
        .nth = 3,
        .to = SIM_TIME_NEVER,
        .matched = 42, /* stale state is reset on add */
    };

    assert_int_equal(link_add_rule(&f->link, &r), TS_OK);
    send_rule_mix(f);
    /* PA segments are at positions 3, 5, 7, 8: the third is 7. */
    assert_int_equal(f->cap.n_lost, 1);
    assert_int_equal(f->cap.lost[0].seq, 7);
    assert_int_equal(f->cap.lost[0].why, DROP_RULE);
    assert_int_equal(f->cap.n_got, sizeof(rule_mix) - 1);
    assert_int_equal(f->link.rules[0].matched, 4);
    fixture_free(f);
}

static void test_rule_count_2_drops_two_consecutive_matches(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(1)};
    struct fixture *f = fixture_new(&p, 1, 0);
    /* Any segment with ACK set (mask ACK only): positions 1..9. */
    struct link_drop_rule r = {
        .flags_set = TCP_ACK, .flags_mask = TCP_ACK, .nth = 2, .count = 2,
        .to = SIM_TIME_NEVER,
    };

    assert_int_equal(link_add_rule(&f->link, &r), TS_OK);
    send_rule_mix(f);
    assert_int_equal(f->cap.n_lost, 2);
    assert_int_equal(f->cap.lost[0].seq, 2);
    assert_int_equal(f->cap.lost[1].seq, 3);
    fixture_free(f);
}

static void test_rule_nth_0_drops_every_match_with_min_len(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(1)};
    struct fixture *f = fixture_new(&p, 1, 0);
    struct link_drop_rule r = {.min_len = 1, .to = SIM_TIME_NEVER}; /* any flags */

    assert_int_equal(link_add_rule(&f->link, &r), TS_OK);
    send_rule_mix(f);
    /* Exactly the four segments that carry data. */
    assert_int_equal(f->cap.n_lost, 4);
    assert_int_equal(f->cap.lost[0].seq, 3);
    assert_int_equal(f->cap.lost[3].seq, 8);
    assert_int_equal(f->cap.n_got, sizeof(rule_mix) - 4);
    fixture_free(f);
}

static void test_rule_time_window_is_half_open(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(1)};
    struct fixture *f = fixture_new(&p, 1, 0);
    struct link_drop_rule r = {.from = SIM_S(1), .to = SIM_S(2)};

    assert_int_equal(link_add_rule(&f->link, &r), TS_OK);
    send_at(f, SIM_S(1) - 1, 1, TCP_ACK, 0);
    send_at(f, SIM_S(1), 2, TCP_ACK, 0);
    send_at(f, SIM_S(2) - 1, 3, TCP_ACK, 0);
    send_at(f, SIM_S(2), 4, TCP_ACK, 0);
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.n_lost, 2);
    assert_int_equal(f->cap.lost[0].seq, 2);
    assert_int_equal(f->cap.lost[1].seq, 3);
    assert_int_equal(f->cap.n_got, 2);
    assert_int_equal(f->link.rules[0].matched, 2); /* outside the window: not a match */
    fixture_free(f);
}

static void test_rule_nth_counts_only_matches_inside_window(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(1)};
    struct fixture *f = fixture_new(&p, 1, 0);
    struct link_drop_rule r = {.nth = 2, .from = SIM_S(1), .to = SIM_TIME_NEVER};

    assert_int_equal(link_add_rule(&f->link, &r), TS_OK);
    for (uint32_t i = 0; i < 5; i++)
        send_at(f, SIM_MS(500) * i, i, TCP_ACK, 0); /* 0, .5, 1, 1.5, 2 s */
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.n_lost, 1);
    assert_int_equal(f->cap.lost[0].seq, 3);
    fixture_free(f);
}

static void test_partition_drops_inside_interval_only(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(1)};
    struct fixture *f = fixture_new(&p, 1, 0);

    assert_int_equal(link_add_down(&f->link, SIM_S(1), SIM_S(2)), TS_OK);
    assert_int_equal(link_add_down(&f->link, SIM_S(5), SIM_S(6)), TS_OK);
    assert_false(link_is_down(&f->link, SIM_S(1) - 1));
    assert_true(link_is_down(&f->link, SIM_S(1)));
    assert_true(link_is_down(&f->link, SIM_S(2) - 1));
    assert_false(link_is_down(&f->link, SIM_S(2)));
    assert_true(link_is_down(&f->link, SIM_S(5)));

    send_at(f, SIM_S(1) - 1, 1, TCP_ACK, 0);
    send_at(f, SIM_S(1), 2, TCP_ACK, 0);
    send_at(f, SIM_S(2) - 1, 3, TCP_ACK, 0);
    send_at(f, SIM_S(2), 4, TCP_ACK, 0);
    send_at(f, SIM_S(5) + 7, 5, TCP_ACK, 0);
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.n_lost, 3);
    assert_int_equal(f->cap.lost[0].seq, 2);
    assert_int_equal(f->cap.lost[1].seq, 3);
    assert_int_equal(f->cap.lost[2].seq, 5);
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(f->cap.lost[i].why, DROP_PARTITION);
    assert_int_equal(f->cap.n_got, 2);
    fixture_free(f);
}

static void test_partition_comes_before_rules(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(1)};
    struct fixture *f = fixture_new(&p, 1, 0);
    struct link_drop_rule r = {.to = SIM_TIME_NEVER};

    assert_int_equal(link_add_rule(&f->link, &r), TS_OK);
    assert_int_equal(link_add_down(&f->link, 0, SIM_S(1)), TS_OK);
    send_seg(f, 1, TCP_ACK, 0);
    assert_int_equal(f->cap.lost[0].why, DROP_PARTITION);
    assert_int_equal(f->link.rules[0].matched, 0);
    fixture_free(f);
}

/* Sends n segments and records which were dropped. */
static void drop_pattern(uint64_t seed, uint32_t index, bool *dropped, uint32_t n)
{
    struct link_params p = {.delay = SIM_US(1), .loss_ppm = 300000};
    struct fixture *f = fixture_new(&p, seed, index);

    for (uint32_t i = 0; i < n; i++)
        send_seg(f, i, TCP_ACK, 100);
    memset(dropped, 0, n * sizeof(*dropped));
    for (uint32_t i = 0; i < f->cap.n_lost; i++)
        dropped[f->cap.lost[i].seq] = true;
    fixture_free(f);
}

static void test_same_seed_same_drops_and_other_seed_or_index_differs(void **state)
{
    (void)state;
    enum { N = 1000 };
    static bool a[N], b[N], c[N], d[N];

    drop_pattern(42, 0, a, N);
    drop_pattern(42, 0, b, N);
    drop_pattern(43, 0, c, N);
    drop_pattern(42, 1, d, N);
    assert_memory_equal(a, b, sizeof(a));
    assert_memory_not_equal(a, c, sizeof(a));
    assert_memory_not_equal(a, d, sizeof(a));
}

/* Delivery delay of each delivered segment, keyed by seq. */
static void jitter_draws(uint32_t loss_ppm, sim_time_t *delay_of, bool *got, uint32_t n)
{
    struct link_params p = {.jitter = SIM_MS(1), .loss_ppm = loss_ppm, .dup_ppm = 0};
    struct fixture *f = fixture_new(&p, 99, 0);

    for (uint32_t i = 0; i < n; i++)
        send_seg(f, i, TCP_ACK, 100);
    engine_run(&f->engine, SIM_TIME_MAX);
    memset(got, 0, n * sizeof(*got));
    for (uint32_t i = 0; i < f->cap.n_got; i++) {
        delay_of[f->cap.got[i].seq] = f->cap.got[i].t;
        got[f->cap.got[i].seq] = true;
    }
    fixture_free(f);
}

static void test_enabling_loss_leaves_jitter_stream_untouched(void **state)
{
    (void)state;
    enum { N = 500 };
    static sim_time_t base[N], lossy[N];
    static bool got_base[N], got_lossy[N];

    jitter_draws(0, base, got_base, N);
    jitter_draws(500000, lossy, got_lossy, N);
    /* The k-th delivered segment of the lossy run draws the k-th jitter
     * value of the loss-free run: loss has its own stream. */
    uint32_t k = 0, survivors = 0;
    for (uint32_t i = 0; i < N; i++) {
        if (!got_lossy[i])
            continue;
        assert_true(got_base[k]);
        assert_int_equal(lossy[i], base[k]);
        k++;
        survivors++;
    }
    assert_in_range(survivors, 150, 350);
}

static void test_duplication_delivers_second_copy_right_after_first(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(2), .rate_bps = 1000000, .dup_ppm = 1000000,
                            .queue_limit = 3};
    struct fixture *f = fixture_new(&p, 5, 0);

    for (uint32_t i = 0; i < 3; i++)
        send_seg(f, i, TCP_ACK, 1460);
    assert_int_equal(f->link.queued, 3); /* copies take no queue room */
    send_seg(f, 3, TCP_ACK, 1460);
    assert_int_equal(f->cap.n_lost, 1);
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.n_got, 6);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(f->cap.got[2 * i].seq, i);
        assert_int_equal(f->cap.got[2 * i + 1].seq, i);
        assert_int_equal(f->cap.got[2 * i].t, SIM_MS(12) * (i + 1) + SIM_MS(2));
        assert_int_equal(f->cap.got[2 * i + 1].t, f->cap.got[2 * i].t);
    }
    assert_int_equal(f->link.queued, 0);
    assert_int_equal(f->link.delivered, 6);
    fixture_free(f);
}

static void test_steady_state_reuses_nodes_without_new_blocks(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(10)};
    struct fixture *f = fixture_new(&p, 1, 0);

    for (uint32_t i = 0; i < 20000; i++)
        send_at(f, SIM_MS(1) * i, i, TCP_ACK, 100); /* ~10 in flight at once */
    engine_run(&f->engine, SIM_TIME_MAX);
    assert_int_equal(f->cap.total_got, 20000);
    assert_int_equal(f->link.block_count, 1);
    fixture_free(f);
}

static void test_link_free_with_segments_in_flight_disarms_their_timers(void **state)
{
    (void)state;
    struct link_params p = {.delay = SIM_MS(10), .rate_bps = 10000000, .dup_ppm = 200000};
    struct fixture *f = fixture_new(&p, 1, 0);
    struct sim_timer other;
    struct link_drop_rule r = {.nth = 5, .to = SIM_TIME_NEVER};

    assert_int_equal(engine_timer_add(&f->engine, &other, NULL), TS_OK);
    engine_arm(&f->engine, &other, SIM_S(100));
    assert_int_equal(link_add_rule(&f->link, &r), TS_OK);
    assert_int_equal(link_add_down(&f->link, SIM_S(50), SIM_S(51)), TS_OK);
    uint32_t before = f->engine.count;
    for (uint32_t i = 0; i < 600; i++) /* more than one block */
        send_seg(f, i, TCP_ACK, 1000);
    engine_run(&f->engine, SIM_MS(5)); /* some departed, some delivered */
    assert_true(f->link.block_count >= 2);
    assert_true(f->engine.count > before);
    link_free(&f->link);
    assert_int_equal(f->engine.count, before);
    assert_true(sim_timer_armed(&other));
    assert_null(f->link.blocks);
    engine_timer_del(&f->engine, &other);
    engine_free(&f->engine);
    free(f);
}

static void test_drop_reason_names_match_timeline_contract(void **state)
{
    (void)state;
    assert_string_equal(drop_reason_name(DROP_LOSS), "loss");
    assert_string_equal(drop_reason_name(DROP_RULE), "rule");
    assert_string_equal(drop_reason_name(DROP_QUEUE), "queue");
    assert_string_equal(drop_reason_name(DROP_PARTITION), "partition");
    /* The host's and the listen queues' reasons (ARCHITECTURE.md, added since). */
    assert_string_equal(drop_reason_name(DROP_CRASHED), "crashed");
    assert_string_equal(drop_reason_name(DROP_NO_SUCH_HOST), "no such host");
    assert_string_equal(drop_reason_name(DROP_SYN_QUEUE_FULL), "SYN queue full");
    assert_string_equal(drop_reason_name(DROP_MAX_SYN_BACKLOG), "max_syn_backlog");
    assert_string_equal(drop_reason_name(DROP_ACCEPT_QUEUE_FULL), "accept queue full");
    assert_null(drop_reason_name(DROP_NONE));
    /* Every reason has its own sentence; none falls back to the generic one. */
    for (int r = DROP_NONE + 1; r < DROP_REASON_COUNT; r++)
        assert_string_not_equal(drop_reason_sentence((enum drop_reason)r),
                                drop_reason_sentence(DROP_NONE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delivery_takes_exactly_the_delay),
        cmocka_unit_test(test_delivered_segment_is_an_exact_copy),
        cmocka_unit_test(test_jitter_keeps_delivery_within_delay_plus_jitter),
        cmocka_unit_test(test_jitter_bound_is_inclusive),
        cmocka_unit_test(test_streams_are_not_drawn_when_their_feature_is_off),
        cmocka_unit_test(test_rate_spaces_back_to_back_segments_by_transmission_time),
        cmocka_unit_test(test_queue_limit_drops_excess_with_reason_queue),
        cmocka_unit_test(test_queue_limit_ignored_without_rate),
        cmocka_unit_test(test_loss_ten_percent_lands_near_ten_percent),
        cmocka_unit_test(test_loss_zero_never_drops_and_full_loss_always_drops),
        cmocka_unit_test(test_loss_data_only_spares_pure_acks),
        cmocka_unit_test(test_rule_nth_3_drops_only_the_third_match),
        cmocka_unit_test(test_rule_count_2_drops_two_consecutive_matches),
        cmocka_unit_test(test_rule_nth_0_drops_every_match_with_min_len),
        cmocka_unit_test(test_rule_time_window_is_half_open),
        cmocka_unit_test(test_rule_nth_counts_only_matches_inside_window),
        cmocka_unit_test(test_partition_drops_inside_interval_only),
        cmocka_unit_test(test_partition_comes_before_rules),
        cmocka_unit_test(test_same_seed_same_drops_and_other_seed_or_index_differs),
        cmocka_unit_test(test_enabling_loss_leaves_jitter_stream_untouched),
        cmocka_unit_test(test_duplication_delivers_second_copy_right_after_first),
        cmocka_unit_test(test_steady_state_reuses_nodes_without_new_blocks),
        cmocka_unit_test(test_link_free_with_segments_in_flight_disarms_their_timers),
        cmocka_unit_test(test_drop_reason_names_match_timeline_contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
