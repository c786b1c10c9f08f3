/* Unit tests of the plot-data sink: hand-made events (a handshake whose
 * SYN-ACK is lost once, state changes, a cc sample) and the rows the data
 * files hold for them. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmocka_wrap.h"
#include "tcpsim/trace_sinks.h"

#define CLIENT_ADDR 0x0a000001u /* 10.0.0.1 */
#define SERVER_ADDR 0x0a000002u /* 10.0.0.2 */
#define CLIENT_ISN 1000u
#define SERVER_ISN 5000u

enum { F_LADDER, F_STATES, F_SEQ, F_CC, F_COUNTS, F_META, F_COUNT };

struct world {
    FILE *f[F_COUNT];
    char *buf[F_COUNT];
    size_t len[F_COUNT];
    struct trace_plotdata *pd;
    struct trace_sink sink;
};

static void world_open(struct world *w)
{
    memset(w, 0, sizeof *w);
    for (int i = 0; i < F_COUNT; i++) {
        w->f[i] = open_memstream(&w->buf[i], &w->len[i]);
        assert_non_null(w->f[i]);
    }
    struct trace_plotdata_files files = {w->f[F_LADDER], w->f[F_STATES], w->f[F_SEQ],
                                         w->f[F_CC],     w->f[F_COUNTS], w->f[F_META]};
    struct trace_plotdata_options o = {.scenario = "unit", .host_name = {"client", "server"},
                                       .host_addr = {CLIENT_ADDR, SERVER_ADDR},
                                       .delay_hint = SIM_MS(10), .to = SIM_TIME_NEVER};
    w->pd = trace_plotdata_new(&files, &o);
    assert_non_null(w->pd);
    w->sink = trace_plotdata_sink(w->pd);
}

static void world_finish(struct world *w, sim_time_t end)
{
    assert_int_equal(trace_plotdata_write(w->pd, end), 0);
    for (int i = 0; i < F_COUNT; i++)
        fclose(w->f[i]);
    trace_plotdata_free(w->pd);
}

static void world_free(struct world *w)
{
    for (int i = 0; i < F_COUNT; i++)
        free(w->buf[i]);
}

static struct tcp_segment seg(bool from_client, uint8_t flags, tcp_seq seq, tcp_seq ack,
                              uint32_t len)
{
    struct tcp_segment s = {.src_addr = from_client ? CLIENT_ADDR : SERVER_ADDR,
                            .dst_addr = from_client ? SERVER_ADDR : CLIENT_ADDR,
                            .src_port = from_client ? 40000 : 80,
                            .dst_port = from_client ? 80 : 40000,
                            .seq = seq, .ack = ack, .len = len, .win = 65535, .flags = flags,
                            .src_conn = from_client ? 1 : 2};
    return s;
}

static void emit_seg(struct world *w, sim_time_t t, enum trace_seg_dir dir, const char *host,
                     const struct tcp_segment *s, enum drop_reason why)
{
    struct trace_event ev = {.t = t, .kind = TRACE_SEG, .host = host, .conn = s->src_conn};
    ev.u.seg.dir = dir;
    ev.u.seg.seg = s;
    ev.u.seg.why = why;
    w->sink.emit(w->sink.ctx, &ev);
}

static void emit_state(struct world *w, sim_time_t t, const char *host, uint32_t conn,
                       enum tcp_state from, enum tcp_state to)
{
    struct trace_event ev = {.t = t, .kind = TRACE_STATE, .host = host, .conn = conn};
    ev.u.state.from = from;
    ev.u.state.to = to;
    w->sink.emit(w->sink.ctx, &ev);
}

/* SYN at 0.1 s; the first SYN-ACK is lost, the second (a retransmission at
 * 1.11 s) arrives; the ACK completes the handshake. */
static void play_handshake_with_lost_synack(struct world *w)
{
    struct tcp_segment syn = seg(true, TCP_SYN, CLIENT_ISN, 0, 0);
    struct tcp_segment synack = seg(false, TCP_SYN | TCP_ACK, SERVER_ISN, CLIENT_ISN + 1, 0);
    struct tcp_segment synack2 = synack;
    synack2.retransmit = 1;
    struct tcp_segment ack = seg(true, TCP_ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 0);
    emit_state(w, 0, "server", 1, TCP_CLOSED, TCP_LISTEN);
    emit_state(w, SIM_MS(100), "client", 1, TCP_CLOSED, TCP_SYN_SENT);
    emit_seg(w, SIM_MS(100), TRACE_TX, "client", &syn, DROP_NONE);
    emit_seg(w, SIM_MS(110), TRACE_RX, "server", &syn, DROP_NONE);
    emit_state(w, SIM_MS(110), "server", 2, TCP_LISTEN, TCP_SYN_RECV);
    emit_seg(w, SIM_MS(110), TRACE_TX, "server", &synack, DROP_NONE);
    emit_seg(w, SIM_MS(110), TRACE_DROP, "server", &synack, DROP_LOSS);
    emit_seg(w, SIM_MS(1110), TRACE_TX, "server", &synack2, DROP_NONE);
    emit_seg(w, SIM_MS(1120), TRACE_RX, "client", &synack2, DROP_NONE);
    emit_state(w, SIM_MS(1120), "client", 1, TCP_SYN_SENT, TCP_ESTABLISHED);
    emit_seg(w, SIM_MS(1120), TRACE_TX, "client", &ack, DROP_NONE);
    emit_seg(w, SIM_MS(1130), TRACE_RX, "server", &ack, DROP_NONE);
    emit_state(w, SIM_MS(1130), "server", 2, TCP_SYN_RECV, TCP_ESTABLISHED);
}

/* The n-th line of `text` that starts with `prefix` (0-based), or NULL. */
static char *nth_line(const char *text, const char *prefix, int n, char *out, size_t size)
{
    size_t plen = strlen(prefix);
    for (const char *p = text; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len >= plen && strncmp(p, prefix, plen) == 0 && n-- == 0) {
            snprintf(out, size, "%.*s", (int)len, p);
            return out;
        }
        p = eol ? eol + 1 : NULL;
    }
    return NULL;
}

static int count_lines(const char *text, const char *prefix)
{
    char line[512];
    int n = 0;
    while (nth_line(text, prefix, n, line, sizeof line))
        n++;
    return n;
}

/* ------------------------------------------------------------- tests */

static void ladder_has_one_row_per_transmitted_segment_with_textbook_labels(void **state)
{
    (void)state;
    struct world w;
    world_open(&w);
    play_handshake_with_lost_synack(&w);
    world_finish(&w, SIM_S(2));
    const char *ladder = w.buf[F_LADDER];
    char line[512];
    assert_int_equal(count_lines(ladder, "seg "), 4);
    /* tag t_send t_end y_send y_end x_from x_end dropped rexmit label ... end */
    assert_non_null(nth_line(ladder, "seg ", 0, line, sizeof line));
    assert_non_null(strstr(line, "seg 0.100000000 0.110000000 "));
    assert_non_null(strstr(line, " 0.000 1.000 0 0 \"SYN seq=0\""));
    assert_true(line[strlen(line) - 1] == '0'); /* arrived */
    world_free(&w);
}

static void ladder_draws_a_lost_segment_to_mid_link_and_marks_the_retransmission(void **state)
{
    (void)state;
    struct world w;
    world_open(&w);
    play_handshake_with_lost_synack(&w);
    world_finish(&w, SIM_S(2));
    const char *ladder = w.buf[F_LADDER];
    char line[512];
    assert_non_null(nth_line(ladder, "seg ", 1, line, sizeof line));
    /* From the server (x 1) to the middle (x 0.5), dropped, not a rexmit, end 1 = lost. */
    assert_non_null(strstr(line, " 1.000 0.500 1 0 \"SYN-ACK seq=0 ack=1\""));
    assert_true(line[strlen(line) - 1] == '1');
    assert_non_null(nth_line(ladder, "seg ", 2, line, sizeof line));
    assert_non_null(strstr(line, "seg 1.110000000 1.120000000 "));
    assert_non_null(strstr(line, " 1.000 0.000 0 1 \"SYN-ACK seq=0 ack=1 (rexmit)\""));
    assert_non_null(nth_line(ladder, "seg ", 3, line, sizeof line));
    assert_non_null(strstr(line, "\"ACK ack=1\""));
    world_free(&w);
}

/* The label says why a segment was sent again: a teacher tells a fast
 * retransmit and a tail loss probe from a timeout at a glance. */
static void ladder_names_the_kind_of_retransmission(void **state)
{
    (void)state;
    struct world w;
    world_open(&w);
    struct tcp_segment fast = seg(true, TCP_ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 100);
    fast.retransmit = SEG_REXMIT_FAST;
    struct tcp_segment tlp = seg(true, TCP_ACK, CLIENT_ISN + 101, SERVER_ISN + 1, 100);
    tlp.retransmit = SEG_REXMIT_TLP;
    emit_seg(&w, SIM_MS(100), TRACE_TX, "client", &fast, DROP_NONE);
    emit_seg(&w, SIM_MS(110), TRACE_RX, "server", &fast, DROP_NONE);
    emit_seg(&w, SIM_MS(200), TRACE_TX, "client", &tlp, DROP_NONE);
    emit_seg(&w, SIM_MS(210), TRACE_RX, "server", &tlp, DROP_NONE);
    world_finish(&w, SIM_S(1));
    char line[512];
    assert_non_null(nth_line(w.buf[F_LADDER], "seg ", 0, line, sizeof line));
    assert_non_null(strstr(line, "(fast rexmit)\""));
    assert_non_null(nth_line(w.buf[F_LADDER], "seg ", 1, line, sizeof line));
    assert_non_null(strstr(line, "(tail loss probe)\""));
    world_free(&w);
}

static void ladder_labels_each_state_change_on_its_side(void **state)
{
    (void)state;
    struct world w;
    world_open(&w);
    play_handshake_with_lost_synack(&w);
    world_finish(&w, SIM_S(2));
    const char *ladder = w.buf[F_LADDER];
    char line[512];
    assert_int_equal(count_lines(ladder, "state "), 5);
    assert_non_null(nth_line(ladder, "state 0 ", 1, line, sizeof line));
    assert_non_null(strstr(line, " 1.120000000 \"ESTABLISHED\" 1"));
    assert_non_null(nth_line(ladder, "state 1 ", 1, line, sizeof line));
    /* The 1 s wait for the retransmission is drawn as a break, and the state
     * that lasts across it is labelled with its length and bracketed. */
    assert_non_null(strstr(line, " 0.110000000 \"SYN_RECV 1.02 s\" 2"));
    assert_non_null(strstr(ladder, "\"995 ms later\""));
    assert_int_equal(count_lines(ladder, "break "), 2); /* and the quiet first 100 ms */
    assert_int_equal(count_lines(ladder, "bracket 1 "), 1); /* server SYN_RECV */
    assert_int_equal(count_lines(ladder, "bracket 0 "), 1); /* client SYN_SENT */
    world_free(&w);
}

static void states_file_holds_one_interval_per_state_until_the_end(void **state)
{
    (void)state;
    struct world w;
    world_open(&w);
    play_handshake_with_lost_synack(&w);
    world_finish(&w, SIM_S(2));
    const char *states = w.buf[F_STATES];
    /* row t_from t_to state_index state label; rows: hosts[0]'s connections first. */
    assert_non_null(strstr(states, "\n0 0.100000000 1.120000000 2 SYN_SENT \"client #1\"\n"));
    assert_non_null(strstr(states, "\n0 1.120000000 1.130000000 4 ESTABLISHED \"client #1\"\n"));
    assert_non_null(strstr(states, "\n2 0.110000000 1.130000000 3 SYN_RECV \"server #2\"\n"));
    assert_non_null(strstr(states, "\n1 0.000000000 1.130000000 1 LISTEN \"server #1\"\n"));
    world_free(&w);
}

static void counts_file_tracks_connections_per_state_per_host(void **state)
{
    (void)state;
    struct world w;
    world_open(&w);
    play_handshake_with_lost_synack(&w);
    world_finish(&w, SIM_S(2));
    const char *counts = w.buf[F_COUNTS];
    /* Columns LISTEN SYN_SENT SYN_RECV ESTABLISHED CLOSE_WAIT FIN_WAIT1 CLOSING LAST_ACK
     * FIN_WAIT2 TIME_WAIT. The server at 1.13 s: one listener, one established. */
    assert_non_null(strstr(counts, "n 1.130000000 1 0 0 1 0 0 0 0 0 0\n"));
    /* The server at 0.11 s: the embryonic connection in SYN_RECV. */
    assert_non_null(strstr(counts, "n 0.110000000 1 0 1 0 0 0 0 0 0 0\n"));
    world_free(&w);
}

static void seq_file_shows_the_main_senders_segments_relative_to_its_isn(void **state)
{
    (void)state;
    struct world w;
    world_open(&w);
    struct tcp_segment syn = seg(true, TCP_SYN, CLIENT_ISN, 0, 0);
    struct tcp_segment synack = seg(false, TCP_SYN | TCP_ACK, SERVER_ISN, CLIENT_ISN + 1, 0);
    struct tcp_segment data = seg(true, TCP_ACK | TCP_PSH, CLIENT_ISN + 1, SERVER_ISN + 1, 100);
    struct tcp_segment ack = seg(false, TCP_ACK, SERVER_ISN + 1, CLIENT_ISN + 101, 0);
    emit_seg(&w, SIM_MS(0), TRACE_TX, "client", &syn, DROP_NONE);
    emit_seg(&w, SIM_MS(10), TRACE_RX, "server", &syn, DROP_NONE);
    emit_seg(&w, SIM_MS(10), TRACE_TX, "server", &synack, DROP_NONE);
    emit_seg(&w, SIM_MS(20), TRACE_RX, "client", &synack, DROP_NONE);
    emit_seg(&w, SIM_MS(20), TRACE_TX, "client", &data, DROP_NONE);
    emit_seg(&w, SIM_MS(30), TRACE_RX, "server", &data, DROP_NONE);
    emit_seg(&w, SIM_MS(30), TRACE_TX, "server", &ack, DROP_NONE);
    emit_seg(&w, SIM_MS(40), TRACE_RX, "client", &ack, DROP_NONE);
    world_finish(&w, SIM_S(1));
    const char *seq = w.buf[F_SEQ];
    /* s t seq end ack win rexmit dropped; a t ack window_right_edge */
    assert_non_null(strstr(seq, "\ns 0.000000000 0 1 0 65535 0 0\n"));
    assert_non_null(strstr(seq, "\ns 0.020000000 1 101 1 65535 0 0\n"));
    assert_non_null(strstr(seq, "\na 0.040000000 101 65636\n"));
    assert_non_null(strstr(w.buf[F_META], "seq_title = 'client 10.0.0.1:40000 > 10.0.0.2:80'"));
    world_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ladder_has_one_row_per_transmitted_segment_with_textbook_labels),
        cmocka_unit_test(ladder_draws_a_lost_segment_to_mid_link_and_marks_the_retransmission),
        cmocka_unit_test(ladder_names_the_kind_of_retransmission),
        cmocka_unit_test(ladder_labels_each_state_change_on_its_side),
        cmocka_unit_test(states_file_holds_one_interval_per_state_until_the_end),
        cmocka_unit_test(counts_file_tracks_connections_per_state_per_host),
        cmocka_unit_test(seq_file_shows_the_main_senders_segments_relative_to_its_isn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
