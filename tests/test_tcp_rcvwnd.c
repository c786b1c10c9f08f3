/* The receive window of the linux profile (sim/tcp/tcp_rcvwnd.c), checked
 * against what tcpdump shows Linux 6.x sending with default sysctls, and the
 * rfc9293 profile's window left as it was. */
#include "cmocka_wrap.h"
#include "tcp_harness.h"

/* The peer offers what Linux offers: MSS 1460, wscale 7, timestamps. */
static void h_peer_options(struct harness *h, struct tcp_segment *s)
{
    s->opts |= TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_TS;
    s->mss = 1460;
    s->wscale = 7;
    h->peer_ts = true;
    h->peer_tsval = 1000;
    s->tsval = h->peer_tsval;
}

/* Active open to ESTABLISHED with a peer that has all the options. */
static void h_established_with_options(struct harness *h)
{
    h_syn_sent(h);
    h_run_for(h, h->rtt);
    struct tcp_segment sa = h_seg(h, H_SA, H_IRS, h->iss + 1, 0, 65160);
    h_peer_options(h, &sa);
    h_inject_seg(h, &sa);
    h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    assert_int_equal(h_state(h), TCP_ESTABLISHED);
}

/* Linux tcp_select_initial_window: half of tcp_rmem[1] (131072) is window,
 * rounded down to our MSS: 44 * 1460 = 64240, with wscale 7 for tcp_rmem[2]. */
static void test_linux_syn_window_is_buffer_window_rounded_to_mss_tcp_select_initial_window(
    void **state)
{
    struct harness *h = *state;
    h_syn_sent(h);
    const struct tcp_segment *syn = &h->segs[0];
    assert_int_equal(syn->win, 64240);
    assert_true(syn->opts & TCP_OPT_WSCALE);
    assert_int_equal(syn->wscale, 7);
}

/* Linux tcp_openreq_init_rwin: the SYN,ACK rounds to the MSS less the
 * 12-octet timestamp option: 45 * 1448 = 65160. */
static void test_linux_synack_window_rounds_to_mss_less_timestamps_tcp_openreq_init_rwin(
    void **state)
{
    struct harness *h = *state;
    h_listen(h);
    struct tcp_segment syn = h_seg(h, H_S, H_IRS, 0, 0, 64240);
    h_peer_options(h, &syn);
    h_inject_seg(h, &syn);
    const struct tcp_segment *sa = h_expect(h, H_SA, h->segs[h->cursor].seq, H_IRS + 1);
    assert_int_equal(sa->win, 65160);
}

/* Linux tcp_init_buffer_space + tcp_select_window: rcv_ssthresh is held
 * under window_clamp (65536 less one advmss), but the offered 64240 never
 * shrinks: rounded up to 1 << 7 it is 64256, field 502. */
static void test_linux_first_ack_advertises_502_tcp_select_window(void **state)
{
    struct harness *h = *state;
    h_established_with_options(h);
    assert_int_equal(h_last(h)->win, 502);
    assert_int_equal(h->sock->window_clamp, 65536 - 1448);
    assert_int_equal(h->sock->rcv_ssthresh, 65536 - 1448);
}

/* Linux tcp_grow_window: each in-order full segment raises rcv_ssthresh by
 * 2 * advmss until window_clamp, and the advertised window follows it. */
static void test_linux_rcv_ssthresh_grows_with_in_order_data_up_to_the_buffer_tcp_grow_window(
    void **state)
{
    struct harness *h = *state;
    h->local->params.rcvbuf = 200000; /* window 100000: room to grow */
    h_established_with_options(h);
    uint32_t clamp = h->sock->window_clamp;
    assert_int_equal(clamp, 100000 - 1448);
    /* 100000 rounds to 68 * 1460, over 65535: the SYN's 16 bits cap it */
    assert_int_equal(h->sock->rcv_ssthresh, 65535);
    uint16_t last_win = h_last(h)->win;
    tcp_seq seq = H_IRS + 1;
    for (int i = 0; i < 20; i++) {
        uint32_t before = h->sock->rcv_ssthresh;
        h_inject(h, H_PA, seq, h->iss + 1, 1448, 65535);
        seq += 1448;
        uint64_t got;
        bool eof;
        assert_int_equal(sock_recv(h->sock, 0, &got, &eof), TS_OK);
        uint32_t want = before + 2 * 1448 < clamp ? before + 2 * 1448 : clamp;
        assert_int_equal(h->sock->rcv_ssthresh, want);
        h_run_for(h, SIM_MS(1));
        const struct tcp_segment *a = h_last(h);
        assert_true(a->win >= last_win); /* never shrinks */
        last_win = a->win;
    }
    assert_int_equal(h->sock->rcv_ssthresh, clamp);
    /* the window field: clamp rounded up to 128, no further */
    h_inject(h, H_PA, seq, h->iss + 1, 1448, 65535);
    h_run_for(h, SIM_S(1));
    assert_int_equal(h_last(h)->win, (clamp + 127) / 128);
}

/* Linux tcp_cleanup_rbuf: a read that leaves less than an MSS of window
 * sends nothing (__tcp_select_window says zero); the read that frees more
 * than half the buffer's window sends the update at once. */
static void test_linux_read_sends_window_update_once_window_reopens_tcp_cleanup_rbuf(
    void **state)
{
    struct harness *h = *state;
    h->local->params.rcvbuf = 8000; /* window 4000 */
    h_established_with_options(h);
    uint32_t wnd = h->sock->rcv_adv - h->sock->rcv_nxt;
    h_inject(h, H_PA, H_IRS + 1, h->iss + 1, wnd, 65535);
    h_run_for(h, SIM_S(1));
    assert_int_equal(h_last(h)->win, 0);
    h_consume_all(h);
    uint64_t got;
    bool eof;
    assert_int_equal(sock_recv(h->sock, 100, &got, &eof), TS_OK);
    h_expect_none(h);
    assert_int_equal(sock_recv(h->sock, 1000, &got, &eof), TS_OK);
    const struct tcp_segment *a = h_expect(h, H_A, h->iss + 1, H_IRS + 1 + wnd);
    assert_true(a->win > 0);
}

/* The rfc9293 profile keeps RFC 9293's window: the whole buffer, 65535,
 * in the SYN and after the handshake. */
static void test_rfc9293_window_is_the_whole_buffer_unchanged(void **state)
{
    struct harness *h = *state;
    h_syn_sent(h);
    assert_int_equal(h->segs[0].win, 65535);
    h_run_for(h, h->rtt);
    h_inject(h, H_SA, H_IRS, h->iss + 1, 0, 65535);
    const struct tcp_segment *a = h_expect(h, H_A, h->iss + 1, H_IRS + 1);
    assert_int_equal(a->win, 65535);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        H_TEST_LINUX(
            test_linux_syn_window_is_buffer_window_rounded_to_mss_tcp_select_initial_window),
        H_TEST_LINUX(
            test_linux_synack_window_rounds_to_mss_less_timestamps_tcp_openreq_init_rwin),
        H_TEST_LINUX(test_linux_first_ack_advertises_502_tcp_select_window),
        H_TEST_LINUX(
            test_linux_rcv_ssthresh_grows_with_in_order_data_up_to_the_buffer_tcp_grow_window),
        H_TEST_LINUX(test_linux_read_sends_window_update_once_window_reopens_tcp_cleanup_rbuf),
        H_TEST_RFC(test_rfc9293_window_is_the_whole_buffer_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
