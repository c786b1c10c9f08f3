/* RFC 5961 as RFC 9293 3.10.7.4 incorporates it, checked in every
 * synchronized state but TIME-WAIT (see test_tcp_time_wait.c): RST outside
 * the window dropped, inexact RST and any SYN answered with a challenge ACK,
 * too-old ACKs discarded and ACKed; checklist sections 6 and 17 (R-SYNC-*,
 * R-5961-*). R-5961-07 (SYN-SENT RST vs RCV.NXT) is n/a: RCV.NXT is not
 * defined yet in SYN-SENT and Linux checks only the ACK field. */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

struct sync_fixture {
    const char *name;
    void (*build)(struct harness *h);
    enum tcp_state state;
    uint32_t snd_nxt; /* SND.NXT - ISS */
    uint32_t rcv_nxt; /* RCV.NXT - IRS */
};

static const struct sync_fixture fixtures[] = {
    {"ESTABLISHED", h_established, TCP_ESTABLISHED, 1, 1},
    {"FIN_WAIT1", h_fin_wait1, TCP_FIN_WAIT1, 2, 1},
    {"FIN_WAIT2", h_fin_wait2, TCP_FIN_WAIT2, 2, 1},
    {"CLOSE_WAIT", h_close_wait, TCP_CLOSE_WAIT, 1, 2},
    {"CLOSING", h_closing, TCP_CLOSING, 2, 2},
    {"LAST_ACK", h_last_ack, TCP_LAST_ACK, 2, 2},
};
#define N_FIXTURES (sizeof fixtures / sizeof fixtures[0])

/* Each rule runs in a fresh harness per state. */
typedef void (*sync_check)(struct harness *h, const struct sync_fixture *f);

static void for_each_state(void **state, sync_check check)
{
    enum tcp_profile profile = ((struct harness *)*state)->profile;
    for (size_t i = 0; i < N_FIXTURES; i++) {
        struct harness *h = h_new(profile);
        assert_non_null(h);
        fixtures[i].build(h);
        check(h, &fixtures[i]);
        h_free(h);
    }
}

static void check_rst_outside_window(struct harness *h, const struct sync_fixture *f)
{
    h_inject(h, H_R, H_IRS + f->rcv_nxt + 300000, 0, 0, 0);
    h_expect_none(h);
    assert_int_equal(h_state(h), f->state);
}

/* R-SYNC-01, R-5961-01 */
static void test_sync_states_rst_outside_window_is_dropped(void **state)
{
    for_each_state(state, check_rst_outside_window);
}

static void check_rst_inexact(struct harness *h, const struct sync_fixture *f)
{
    h_inject(h, H_R, H_IRS + f->rcv_nxt + 10, 0, 0, 0);
    h_expect(h, H_A, h->iss + f->snd_nxt, H_IRS + f->rcv_nxt);
    h_expect_none(h);
    assert_int_equal(h_state(h), f->state);
}

/* R-SYNC-03, R-5961-03 */
static void test_sync_states_inexact_rst_draws_challenge_ack(void **state)
{
    for_each_state(state, check_rst_inexact);
}

static void check_rst_exact(struct harness *h, const struct sync_fixture *f)
{
    h_inject(h, H_R, H_IRS + f->rcv_nxt, 0, 0, 0);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_CLOSED);
}

/* R-SYNC-02, R-5961-02, R-PATH-14 */
static void test_sync_states_exact_rst_closes(void **state)
{
    for_each_state(state, check_rst_exact);
}

static void check_syn(struct harness *h, const struct sync_fixture *f)
{
    h_inject(h, H_S, H_IRS + f->rcv_nxt + 10, 0, 0, H_WIN);
    h_expect(h, H_A, h->iss + f->snd_nxt, H_IRS + f->rcv_nxt);
    h_expect_none(h);
    assert_int_equal(h_state(h), f->state);
}

/* R-SYNC-05, R-5961-04 */
static void test_sync_states_syn_draws_challenge_ack(void **state)
{
    for_each_state(state, check_syn);
}

static void check_old_ack(struct harness *h, const struct sync_fixture *f)
{
    h_inject(h, H_A, H_IRS + f->rcv_nxt, h->iss - 100000, 0, H_WIN);
    h_expect(h, H_A, h->iss + f->snd_nxt, H_IRS + f->rcv_nxt);
    h_expect_none(h);
    assert_int_equal(h_state(h), f->state);
}

/* R-SYNC-07, R-5961-05 */
static void test_sync_states_ack_below_window_is_discarded_and_acked(void **state)
{
    for_each_state(state, check_old_ack);
}

/* Linux tcp_oow_rate_limited (tcp_invalid_ratelimit 500 ms): an
 * unacceptable pure ACK draws at most one ACK-reply per 500 ms per socket;
 * one carrying data is always answered. RFC 9293: every one (R-SEQ-05). */
static void test_oow_pure_ack_reply_rate_limited_data_not_linux(void **state)
{
    struct harness *h = *state;
    bool limited = h->profile == TCP_PROFILE_LINUX; /* oow_ack_interval 500 ms */
    h_established(h);
    tcp_seq old = H_IRS + 1 - 20000; /* below RCV.NXT: unacceptable */
    h_inject(h, H_A, old, h->iss + 1, 0, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_inject(h, H_A, old, h->iss + 1, 0, H_WIN);
    if (!limited)
        h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    h_inject(h, H_A, old, h->iss + 1, 100, H_WIN); /* data: not limited */
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    h_run_for(h, SIM_MS(501));
    h_inject(h, H_A, old, h->iss + 1, 0, H_WIN);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    h_expect_none(h);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_BOTH(test_sync_states_rst_outside_window_is_dropped),
        H_TEST_BOTH(test_sync_states_inexact_rst_draws_challenge_ack),
        H_TEST_BOTH(test_sync_states_exact_rst_closes),
        H_TEST_BOTH(test_sync_states_syn_draws_challenge_ack),
        H_TEST_BOTH(test_sync_states_ack_below_window_is_discarded_and_acked),
        H_TEST_BOTH(test_oow_pure_ack_reply_rate_limited_data_not_linux),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
