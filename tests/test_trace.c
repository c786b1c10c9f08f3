/* Unit tests of the timeline: the tracer fan-out, flag and state names, and
 * each sink (JSONL, CSV, tcpdump-style text, pcap) fed hand-made events and
 * checked byte for byte. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmocka_wrap.h"

#include "capture.h"
#include "tcpsim/errors.h"
#include "tcpsim/trace.h"
#include "tcpsim/trace_sinks.h"

#define CLIENT_ADDR 0x0a000001u /* 10.0.0.1 */
#define SERVER_ADDR 0x0a000002u /* 10.0.0.2 */
#define CLIENT_ISN 1000u
#define SERVER_ISN 5000u

/* ---- fixtures --------------------------------------------------------- */

static struct tcp_segment seg_make(bool from_client, uint8_t flags, tcp_seq seq, tcp_seq ack,
                                   uint32_t len, uint16_t win)
{
    struct tcp_segment s = {0};
    s.src_addr = from_client ? CLIENT_ADDR : SERVER_ADDR;
    s.dst_addr = from_client ? SERVER_ADDR : CLIENT_ADDR;
    s.src_port = from_client ? 40000 : 80;
    s.dst_port = from_client ? 80 : 40000;
    s.flags = flags;
    s.seq = seq;
    s.ack = ack;
    s.len = len;
    s.win = win;
    return s;
}

static struct trace_event ev_seg(sim_time_t t, enum trace_seg_dir dir, const char *host,
                                 const struct tcp_segment *seg)
{
    struct trace_event ev = {.t = t, .kind = TRACE_SEG, .host = host, .conn = 1};
    ev.u.seg.dir = dir;
    ev.u.seg.seg = seg;
    return ev;
}

static struct trace_event ev_state(sim_time_t t, enum tcp_state from, enum tcp_state to)
{
    struct trace_event ev = {.t = t, .kind = TRACE_STATE, .host = "client", .conn = 1};
    ev.u.state.from = from;
    ev.u.state.to = to;
    return ev;
}

static struct trace_event ev_timer(sim_time_t t, enum trace_timer_kind timer,
                                   enum trace_timer_action action, sim_time_t expires,
                                   uint32_t backoff)
{
    struct trace_event ev = {.t = t, .kind = TRACE_TIMER, .host = "client", .conn = 1};
    ev.u.timer.timer = timer;
    ev.u.timer.action = action;
    ev.u.timer.expires = expires;
    ev.u.timer.backoff = backoff;
    return ev;
}

static struct trace_event ev_app(sim_time_t t, const char *call, int ret, int64_t value)
{
    struct trace_event ev = {.t = t, .kind = TRACE_APP, .host = "client", .conn = 1};
    ev.u.app.call = call;
    ev.u.app.ret = ret;
    ev.u.app.value = value;
    return ev;
}

static struct trace_event ev_cc(sim_time_t t)
{
    struct trace_event ev = {.t = t, .kind = TRACE_CC, .host = "client", .conn = 1};
    ev.u.cc.cwnd = 14600;
    ev.u.cc.ssthresh = 65535;
    ev.u.cc.flight = 2920;
    ev.u.cc.srtt = SIM_MS(20);
    ev.u.cc.rto = SIM_MS(220);
    return ev;
}

static struct trace_event ev_note(sim_time_t t, const char *host, const char *text)
{
    struct trace_event ev = {.t = t, .kind = TRACE_NOTE, .host = host, .conn = 0};
    ev.u.note.text = text;
    return ev;
}

/* The handshake, a data exchange and a close, as the wire sees it. */
enum { CONV_LEN = 6 };
static void conversation(struct tcp_segment segs[CONV_LEN])
{
    segs[0] = seg_make(true, TCP_SYN, CLIENT_ISN, 0, 0, 65535);
    segs[0].opts = TCP_OPT_MSS | TCP_OPT_WSCALE;
    segs[0].mss = 1460;
    segs[0].wscale = 7;
    segs[1] = seg_make(false, TCP_SYN | TCP_ACK, SERVER_ISN, CLIENT_ISN + 1, 0, 65535);
    segs[1].opts = TCP_OPT_MSS | TCP_OPT_WSCALE;
    segs[1].mss = 1460;
    segs[1].wscale = 7;
    segs[2] = seg_make(true, TCP_ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 0, 512);
    segs[3] = seg_make(true, TCP_PSH | TCP_ACK, CLIENT_ISN + 1, SERVER_ISN + 1, 7, 512);
    segs[4] = seg_make(false, TCP_ACK, SERVER_ISN + 1, CLIENT_ISN + 8, 0, 509);
    segs[5] = seg_make(true, TCP_FIN | TCP_ACK, CLIENT_ISN + 8, SERVER_ISN + 1, 0, 512);
}

static const char *const conversation_relative[CONV_LEN] = {
    "  0.100000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 65535, "
    "options [mss 1460,nop,wscale 7], length 0\n",
    "  0.150000 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 65535, "
    "options [mss 1460,nop,wscale 7], length 0\n",
    "  0.200000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [.], ack 1, win 512, length 0\n",
    "  0.250000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1:8, ack 1, win 512, "
    "length 7\n",
    "  0.300000 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [.], ack 8, win 509, length 0\n",
    "  0.350000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [F.], seq 8, ack 1, win 512, "
    "length 0\n",
};

static sim_time_t conversation_time(int i)
{
    return SIM_MS(100) + i * SIM_MS(50);
}

static const char *conversation_host(int i)
{
    return i == 1 || i == 4 ? "server" : "client";
}

/* ---- flags and states ------------------------------------------------- */

static void flag_letters_follow_the_fixed_order_SFRPAU(void **state)
{
    (void)state;
    char out[7];
    segment_flag_letters(TCP_ACK | TCP_SYN, out);
    assert_string_equal(out, "SA");
    segment_flag_letters(TCP_ACK | TCP_FIN, out);
    assert_string_equal(out, "FA");
    segment_flag_letters(TCP_ACK | TCP_RST, out);
    assert_string_equal(out, "RA");
    segment_flag_letters(TCP_ACK | TCP_PSH, out);
    assert_string_equal(out, "PA");
    segment_flag_letters(0x3f, out);
    assert_string_equal(out, "SFRPAU");
    segment_flag_letters(0, out);
    assert_string_equal(out, "");
}

static void tcpdump_flags_use_dot_for_ack_in_tcpdump_order(void **state)
{
    (void)state;
    char out[8];
    segment_flags_tcpdump(TCP_SYN, out);
    assert_string_equal(out, "S");
    segment_flags_tcpdump(TCP_SYN | TCP_ACK, out);
    assert_string_equal(out, "S.");
    segment_flags_tcpdump(TCP_FIN | TCP_PSH | TCP_ACK, out);
    assert_string_equal(out, "FP.");
    segment_flags_tcpdump(TCP_RST, out);
    assert_string_equal(out, "R");
    segment_flags_tcpdump(TCP_ACK, out);
    assert_string_equal(out, ".");
    segment_flags_tcpdump(0x3f, out);
    assert_string_equal(out, "FSRP.U");
    segment_flags_tcpdump(0, out);
    assert_string_equal(out, "none");
}

static void parse_flags_accepts_any_order_case_and_dot(void **state)
{
    (void)state;
    assert_int_equal(segment_parse_flags("SA"), TCP_SYN | TCP_ACK);
    assert_int_equal(segment_parse_flags("AS"), TCP_SYN | TCP_ACK);
    assert_int_equal(segment_parse_flags("S."), TCP_SYN | TCP_ACK);
    assert_int_equal(segment_parse_flags("."), TCP_ACK);
    assert_int_equal(segment_parse_flags("fpa"), TCP_FIN | TCP_PSH | TCP_ACK);
    assert_int_equal(segment_parse_flags("RU"), TCP_RST | TCP_URG);
    assert_int_equal(segment_parse_flags(""), 0);
    assert_int_equal(segment_parse_flags("SX"), -1);
}

static void state_names_are_netstat_names(void **state)
{
    (void)state;
    assert_string_equal(tcp_state_name(TCP_SYN_RECV), "SYN_RECV");
    assert_string_equal(tcp_state_name(TCP_FIN_WAIT1), "FIN_WAIT1");
    assert_string_equal(tcp_state_name(TCP_TIME_WAIT), "TIME_WAIT");
    assert_string_equal(tcp_state_name(TCP_STATE_COUNT), "?");
    for (int s = 0; s < TCP_STATE_COUNT; s++)
        assert_int_equal(tcp_state_from_name(tcp_state_name((enum tcp_state)s)), s);
}

static void state_from_name_accepts_rfc_and_bsd_spellings(void **state)
{
    (void)state;
    assert_int_equal(tcp_state_from_name("SYN-RECEIVED"), TCP_SYN_RECV);
    assert_int_equal(tcp_state_from_name("SYN_RCVD"), TCP_SYN_RECV);
    assert_int_equal(tcp_state_from_name("FIN-WAIT-1"), TCP_FIN_WAIT1);
    assert_int_equal(tcp_state_from_name("fin-wait-2"), TCP_FIN_WAIT2);
    assert_int_equal(tcp_state_from_name("TIME-WAIT"), TCP_TIME_WAIT);
    assert_int_equal(tcp_state_from_name("Established"), TCP_ESTABLISHED);
    assert_int_equal(tcp_state_from_name("SYN-SENT"), TCP_SYN_SENT);
    assert_int_equal(tcp_state_from_name("ESTABLISHED2"), -1);
    assert_int_equal(tcp_state_from_name("-"), -1);
    assert_int_equal(tcp_state_from_name(""), -1);
}

/* ---- the tracer ------------------------------------------------------- */

struct recorder {
    int emits;
    int finishes;
    int *order;
    int id;
};

static void recorder_emit(void *ctx, const struct trace_event *ev)
{
    struct recorder *r = ctx;
    (void)ev;
    r->emits++;
    r->id = ++*r->order;
}

static void recorder_finish(void *ctx)
{
    ((struct recorder *)ctx)->finishes++;
}

static void tracer_emits_to_every_sink_in_order_and_refuses_a_ninth(void **state)
{
    (void)state;
    struct tracer tracer;
    struct recorder rec[TRACE_MAX_SINKS + 1];
    int order = 0;
    tracer_init(&tracer);
    assert_false(tracer_active(&tracer));
    for (int i = 0; i <= TRACE_MAX_SINKS; i++) {
        rec[i] = (struct recorder){.order = &order};
        struct trace_sink sink = {.emit = recorder_emit,
                                  .finish = i % 2 ? recorder_finish : NULL,
                                  .ctx = &rec[i]};
        assert_int_equal(tracer_add(&tracer, sink), i < TRACE_MAX_SINKS ? 0 : -1);
    }
    assert_true(tracer_active(&tracer));
    struct trace_event ev = ev_note(0, "client", "x");
    tracer_emit(&tracer, &ev);
    tracer_finish(&tracer);
    for (int i = 0; i < TRACE_MAX_SINKS; i++) {
        assert_int_equal(rec[i].emits, 1);
        assert_int_equal(rec[i].id, i + 1);
        assert_int_equal(rec[i].finishes, i % 2);
    }
    assert_int_equal(rec[TRACE_MAX_SINKS].emits, 0);
}

static void names_of_timers_actions_and_directions(void **state)
{
    (void)state;
    assert_string_equal(trace_timer_name(TRACE_TIMER_REXMIT), "rexmit");
    assert_string_equal(trace_timer_name(TRACE_TIMER_TIMEWAIT), "timewait");
    assert_string_equal(trace_timer_name(TRACE_TIMER_FINWAIT2), "finwait2");
    assert_string_equal(trace_timer_name(TRACE_TIMER_DELACK), "delack");
    assert_string_equal(trace_timer_action_name(TRACE_TIMER_CANCEL), "cancel");
    assert_string_equal(trace_seg_dir_name(TRACE_DROP), "drop");
    char addr[16];
    trace_format_addr(0xc0a8ff01u, addr);
    assert_string_equal(addr, "192.168.255.1");
    trace_format_addr(0xffffffffu, addr);
    assert_string_equal(addr, "255.255.255.255");
}

/* ---- JSONL ------------------------------------------------------------ */

static char *jsonl_of(const struct trace_event *evs, int n)
{
    struct capture c;
    capture_open(&c);
    struct trace_jsonl *j = trace_jsonl_new(c.f);
    assert_non_null(j);
    struct trace_sink sink = trace_jsonl_sink(j);
    for (int i = 0; i < n; i++)
        sink.emit(sink.ctx, &evs[i]);
    sink.finish(sink.ctx);
    trace_jsonl_free(j);
    return (char *)capture_text(&c);
}

static void jsonl_segment_has_contract_keys_in_order(void **state)
{
    (void)state;
    struct tcp_segment s = seg_make(false, TCP_SYN | TCP_ACK, 4000000000u, 1001, 0, 65535);
    struct trace_event ev = ev_seg(SIM_MS(150), TRACE_TX, "server", &s);
    char *out = jsonl_of(&ev, 1);
    assert_string_equal(out, "{\"t\":150000000,\"ev\":\"seg\",\"dir\":\"tx\",\"host\":\"server\","
                             "\"conn\":1,\"src\":\"10.0.0.2:80\",\"dst\":\"10.0.0.1:40000\","
                             "\"flags\":\"SA\",\"seq\":4000000000,\"ack\":1001,\"len\":0,"
                             "\"win\":65535}\n");
    free(out);
}

static void jsonl_drop_adds_why_then_extras_after_win(void **state)
{
    (void)state;
    struct tcp_segment s = seg_make(true, TCP_SYN, 1000, 0, 0, 65535);
    s.opts = TCP_OPT_MSS | TCP_OPT_WSCALE;
    s.mss = 1460;
    s.wscale = 7;
    s.retransmit = SEG_REXMIT_RTO;
    struct trace_event ev = ev_seg(SIM_S(1), TRACE_DROP, "client", &s);
    ev.u.seg.why = DROP_LOSS;
    char *out = jsonl_of(&ev, 1);
    assert_string_equal(out, "{\"t\":1000000000,\"ev\":\"seg\",\"dir\":\"drop\",\"host\":\"client\","
                             "\"conn\":1,\"src\":\"10.0.0.1:40000\",\"dst\":\"10.0.0.2:80\","
                             "\"flags\":\"S\",\"seq\":1000,\"ack\":0,\"len\":0,\"win\":65535,"
                             "\"why\":\"loss\",\"rexmit\":\"rto\",\"opts\":\"mss 1460,wscale 7\"}\n");
    free(out);
}

static void jsonl_state_timer_cc_lines_are_exact(void **state)
{
    (void)state;
    struct trace_event evs[] = {
        ev_state(5, TCP_SYN_SENT, TCP_ESTABLISHED),
        ev_timer(6, TRACE_TIMER_REXMIT, TRACE_TIMER_SET, SIM_S(3), 2),
        ev_timer(7, TRACE_TIMER_DELACK, TRACE_TIMER_FIRE, 0, 0),
        ev_cc(8),
    };
    char *out = jsonl_of(evs, 4);
    assert_string_equal(
        out, "{\"t\":5,\"ev\":\"state\",\"host\":\"client\",\"conn\":1,\"from\":\"SYN_SENT\","
             "\"to\":\"ESTABLISHED\"}\n"
             "{\"t\":6,\"ev\":\"timer\",\"host\":\"client\",\"conn\":1,\"timer\":\"rexmit\","
             "\"action\":\"set\",\"expires\":3000000000,\"backoff\":2}\n"
             "{\"t\":7,\"ev\":\"timer\",\"host\":\"client\",\"conn\":1,\"timer\":\"delack\","
             "\"action\":\"fire\"}\n"
             "{\"t\":8,\"ev\":\"cc\",\"host\":\"client\",\"conn\":1,\"cwnd\":14600,"
             "\"ssthresh\":65535,\"flight\":2920,\"srtt\":20000000,\"rto\":220000000}\n");
    free(out);
}

static void jsonl_app_ret_is_integer_zero_or_error_name(void **state)
{
    (void)state;
    struct trace_event evs[] = {
        ev_app(0, "connect", TS_OK, 0),
        ev_app(1, "recv", TS_ECONNRESET, 0),
        ev_app(2, "send", TS_OK, 1460),
    };
    char *out = jsonl_of(evs, 3);
    assert_string_equal(out, "{\"t\":0,\"ev\":\"app\",\"host\":\"client\",\"conn\":1,"
                             "\"call\":\"connect\",\"ret\":0}\n"
                             "{\"t\":1,\"ev\":\"app\",\"host\":\"client\",\"conn\":1,"
                             "\"call\":\"recv\",\"ret\":\"ECONNRESET\"}\n"
                             "{\"t\":2,\"ev\":\"app\",\"host\":\"client\",\"conn\":1,"
                             "\"call\":\"send\",\"ret\":0,\"value\":1460}\n");
    free(out);
}

static void jsonl_note_text_is_escaped(void **state)
{
    (void)state;
    struct trace_event ev = ev_note(9, "server", "say \"hi\"\\\n\tnow\x01");
    char *out = jsonl_of(&ev, 1);
    assert_string_equal(out, "{\"t\":9,\"ev\":\"note\",\"host\":\"server\",\"conn\":0,"
                             "\"text\":\"say \\\"hi\\\"\\\\\\n\\tnow\\u0001\"}\n");
    free(out);
}

/* ---- CSV -------------------------------------------------------------- */

static char *csv_of(const struct trace_event *evs, int n)
{
    struct capture c;
    capture_open(&c);
    struct trace_csv *csv = trace_csv_new(c.f);
    assert_non_null(csv);
    struct trace_sink sink = trace_csv_sink(csv);
    for (int i = 0; i < n; i++)
        sink.emit(sink.ctx, &evs[i]);
    sink.finish(sink.ctx);
    trace_csv_free(csv);
    return (char *)capture_text(&c);
}

#define CSV_HEADER                                                                      \
    "t_ns,ev,host,conn,dir,src,dst,flags,seq,ack,len,win,why,from,to,timer,action,call," \
    "ret,cwnd,ssthresh,srtt_ns,rto_ns,text\n"

static void csv_has_header_then_one_row_per_event_in_fixed_columns(void **state)
{
    (void)state;
    struct tcp_segment s = seg_make(true, TCP_PSH | TCP_ACK, 1001, 5001, 7, 512);
    struct trace_event evs[] = {
        ev_seg(SIM_MS(250), TRACE_DROP, "client", &s),
        ev_state(3, TCP_ESTABLISHED, TCP_FIN_WAIT1),
        ev_timer(4, TRACE_TIMER_REXMIT, TRACE_TIMER_FIRE, 0, 1),
        ev_app(5, "connect", TS_ECONNREFUSED, 0),
        ev_cc(6),
    };
    evs[0].u.seg.why = DROP_QUEUE;
    char *out = csv_of(evs, 5);
    assert_string_equal(out, CSV_HEADER
                        "250000000,seg,client,1,drop,10.0.0.1:40000,10.0.0.2:80,PA,1001,5001,7,"
                        "512,queue,,,,,,,,,,,\n"
                        "3,state,client,1,,,,,,,,,,ESTABLISHED,FIN_WAIT1,,,,,,,,,\n"
                        "4,timer,client,1,,,,,,,,,,,,rexmit,fire,,,,,,,\n"
                        "5,app,client,1,,,,,,,,,,,,,,connect,ECONNREFUSED,,,,,\n"
                        "6,cc,client,1,,,,,,,,,,,,,,,,14600,65535,20000000,220000000,\n");
    free(out);
}

static void csv_quotes_cells_with_commas_quotes_and_newlines(void **state)
{
    (void)state;
    struct trace_event evs[] = {
        ev_note(1, "server", "crashed, \"hard\""),
        ev_note(2, "server", "two\nlines"),
        ev_note(3, "server", "plain"),
    };
    char *out = csv_of(evs, 3);
    assert_string_equal(out, CSV_HEADER
                        "1,note,server,0,,,,,,,,,,,,,,,,,,,,\"crashed, \"\"hard\"\"\"\n"
                        "2,note,server,0,,,,,,,,,,,,,,,,,,,,\"two\nlines\"\n"
                        "3,note,server,0,,,,,,,,,,,,,,,,,,,,plain\n");
    free(out);
}

static void csv_of_an_empty_run_is_the_header(void **state)
{
    (void)state;
    char *out = csv_of(NULL, 0);
    assert_string_equal(out, CSV_HEADER);
    free(out);
}

/* ---- text ------------------------------------------------------------- */

static char *text_of(const struct trace_text_options *opt, const struct trace_event *evs, int n)
{
    struct capture c;
    capture_open(&c);
    struct trace_text *t = trace_text_new(c.f, opt);
    assert_non_null(t);
    struct trace_sink sink = trace_text_sink(t);
    for (int i = 0; i < n; i++)
        sink.emit(sink.ctx, &evs[i]);
    sink.finish(sink.ctx);
    trace_text_free(t);
    return (char *)capture_text(&c);
}

static void text_prints_tcpdump_lines_with_relative_sequence_numbers(void **state)
{
    (void)state;
    struct tcp_segment segs[CONV_LEN];
    struct trace_event evs[CONV_LEN];
    conversation(segs);
    for (int i = 0; i < CONV_LEN; i++)
        evs[i] = ev_seg(conversation_time(i), TRACE_TX, conversation_host(i), &segs[i]);
    struct trace_text_options opt = {0};
    char *out = text_of(&opt, evs, CONV_LEN);
    char want[2048] = "";
    for (int i = 0; i < CONV_LEN; i++)
        strcat(want, conversation_relative[i]);
    assert_string_equal(out, want);
    free(out);
}

static void text_prints_absolute_sequence_numbers_on_request(void **state)
{
    (void)state;
    struct tcp_segment segs[CONV_LEN];
    struct trace_event evs[CONV_LEN];
    conversation(segs);
    for (int i = 0; i < CONV_LEN; i++)
        evs[i] = ev_seg(conversation_time(i), TRACE_TX, conversation_host(i), &segs[i]);
    struct trace_text_options opt = {.absolute_seq = true};
    char *out = text_of(&opt, evs + 2, 4);
    assert_string_equal(
        out,
        "  0.200000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [.], ack 5001, win 512, length 0\n"
        "  0.250000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1001:1008, ack 5001, "
        "win 512, length 7\n"
        "  0.300000 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [.], ack 1008, win 509, length 0\n"
        "  0.350000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [F.], seq 1008, ack 5001, win 512, "
        "length 0\n");
    free(out);
}

static void text_rst_without_ack_is_absolute_and_rst_ack_relative(void **state)
{
    (void)state;
    struct tcp_segment segs[CONV_LEN];
    conversation(segs);
    struct tcp_segment rst = seg_make(false, TCP_RST, SERVER_ISN + 1, 0, 0, 0);
    struct tcp_segment rst_ack = seg_make(false, TCP_RST | TCP_ACK, SERVER_ISN + 1,
                                          CLIENT_ISN + 9, 0, 0);
    struct trace_event evs[] = {
        ev_seg(SIM_MS(100), TRACE_TX, "client", &segs[0]),
        ev_seg(SIM_MS(150), TRACE_TX, "server", &segs[1]),
        ev_seg(SIM_MS(200), TRACE_TX, "server", &rst),
        ev_seg(SIM_MS(210), TRACE_TX, "server", &rst_ack),
    };
    struct trace_text_options opt = {0};
    char *out = text_of(&opt, evs, 4);
    const char *tail = strstr(out, "  0.200000");
    assert_non_null(tail);
    assert_string_equal(
        tail, "  0.200000 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [R], seq 5001, win 0, length 0\n"
              "  0.210000 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [R.], seq 1, ack 9, win 0, "
              "length 0\n");
    free(out);
}

static void text_refusing_rst_ack_to_a_syn_prints_seq_0_and_absolute_ack(void **state)
{
    (void)state;
    /* tcpdump: the first ACK-bearing segment of a conversation records the
     * bases and prints absolute numbers. */
    struct tcp_segment syn = seg_make(true, TCP_SYN, CLIENT_ISN, 0, 0, 65535);
    struct tcp_segment rst = seg_make(false, TCP_RST | TCP_ACK, 0, CLIENT_ISN + 1, 0, 0);
    struct trace_event evs[] = {ev_seg(0, TRACE_TX, "client", &syn),
                                ev_seg(SIM_US(30), TRACE_TX, "server", &rst)};
    struct trace_text_options opt = {0};
    char *out = text_of(&opt, evs, 2);
    assert_string_equal(
        out, "  0.000000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 65535, "
             "length 0\n"
             "  0.000030 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [R.], seq 0, ack 1001, win 0, "
             "length 0\n");
    free(out);
}

static void text_prints_tx_once_skips_rx_and_prefixes_drops(void **state)
{
    (void)state;
    struct tcp_segment segs[CONV_LEN];
    conversation(segs);
    segs[3].retransmit = SEG_REXMIT_RTO;
    struct trace_event evs[] = {
        ev_seg(SIM_MS(100), TRACE_TX, "client", &segs[0]),
        ev_seg(SIM_MS(110), TRACE_RX, "server", &segs[0]),
        ev_seg(SIM_MS(150), TRACE_TX, "server", &segs[1]),
        ev_seg(SIM_MS(200), TRACE_TX, "client", &segs[2]),
        ev_seg(SIM_MS(250), TRACE_TX, "client", &segs[3]),
        ev_seg(SIM_MS(300), TRACE_DROP, "client", &segs[3]),
    };
    evs[5].u.seg.why = DROP_LOSS;
    struct trace_text_options opt = {.quiet = true};
    char *out = text_of(&opt, evs, 6);
    const char *tail = strstr(out, "  0.250000");
    assert_non_null(tail);
    assert_string_equal(tail, "  0.250000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1:8, "
                              "ack 1, win 512, length 7 [retransmission: rto]\n"
                              "  0.300000 DROP(loss) IP 10.0.0.1.40000 > 10.0.0.2.80: "
                              "Flags [P.], seq 1:8, ack 1, win 512, length 7 "
                              "[retransmission: rto]\n");
    assert_null(strstr(out, "0.110000"));
    free(out);
}

static void text_prints_full_linux_syn_options_as_tcpdump_does(void **state)
{
    (void)state;
    struct tcp_segment syn = seg_make(true, TCP_SYN, CLIENT_ISN, 0, 0, 64240);
    syn.opts = TCP_OPT_MSS | TCP_OPT_SACK_PERM | TCP_OPT_TS | TCP_OPT_WSCALE;
    syn.mss = 1460;
    syn.wscale = 7;
    syn.tsval = 255474104;
    struct tcp_segment ack = seg_make(true, TCP_ACK, CLIENT_ISN + 1, 1, 0, 502);
    ack.opts = TCP_OPT_TS;
    ack.tsval = 7;
    ack.tsecr = 8;
    struct trace_event evs[] = {ev_seg(0, TRACE_TX, "client", &syn),
                                ev_seg(0, TRACE_TX, "client", &ack)};
    struct trace_text_options opt = {.absolute_seq = true};
    char *out = text_of(&opt, evs, 2);
    assert_string_equal(out,
                        "  0.000000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, "
                        "win 64240, options [mss 1460,sackOK,TS val 255474104 ecr 0,nop,"
                        "wscale 7], length 0\n"
                        "  0.000000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [.], ack 1, win 502, "
                        "options [nop,nop,TS val 7 ecr 8], length 0\n");
    free(out);
}

/* tcpdump prints SACK blocks relative to the acknowledged direction's ISN. */
static void text_prints_sack_blocks_relative_like_tcpdump(void **state)
{
    (void)state;
    struct tcp_segment syn = seg_make(true, TCP_SYN, CLIENT_ISN, 0, 0, 65535);
    struct tcp_segment synack = seg_make(false, TCP_SYN | TCP_ACK, SERVER_ISN, CLIENT_ISN + 1,
                                         0, 65535);
    struct tcp_segment ack = seg_make(false, TCP_ACK, SERVER_ISN + 1, CLIENT_ISN + 1, 0, 1024);
    ack.opts = TCP_OPT_TS | TCP_OPT_SACK;
    ack.tsval = 7;
    ack.tsecr = 8;
    ack.nsack = 2;
    ack.sack[0] = (struct tcp_sack_block){CLIENT_ISN + 4345, CLIENT_ISN + 5793};
    ack.sack[1] = (struct tcp_sack_block){CLIENT_ISN + 1449, CLIENT_ISN + 2897};
    struct trace_event evs[] = {ev_seg(0, TRACE_TX, "client", &syn),
                                ev_seg(0, TRACE_TX, "server", &synack),
                                ev_seg(0, TRACE_TX, "server", &ack)};
    struct trace_text_options opt = {0};
    char *out = text_of(&opt, evs, 3);
    const char *line = strrchr(out, '\n');
    while (line > out && line[-1] != '\n')
        line--;
    assert_string_equal(line, "  0.000000 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [.], ack 1, "
                              "win 1024, options [nop,nop,TS val 7 ecr 8,nop,nop,"
                              "sack 2 {4345:5793}{1449:2897}], length 0\n");
    free(out);
}

static void text_annotates_states_fires_calls_cc_and_notes_unless_quiet(void **state)
{
    (void)state;
    struct trace_event evs[] = {
        ev_app(0, "connect", TS_OK, 0),
        ev_state(SIM_MS(100), TCP_CLOSED, TCP_SYN_SENT),
        ev_timer(SIM_MS(100), TRACE_TIMER_REXMIT, TRACE_TIMER_SET, SIM_MS(1100), 0),
        ev_timer(SIM_MS(1100), TRACE_TIMER_REXMIT, TRACE_TIMER_FIRE, 0, 1),
        ev_timer(SIM_MS(1200), TRACE_TIMER_REXMIT, TRACE_TIMER_CANCEL, 0, 0),
        ev_app(SIM_MS(1300), "recv", TS_ECONNRESET, 0),
        ev_cc(SIM_MS(1400)),
        ev_note(SIM_MS(1500), "server", "server crashed"),
    };
    struct trace_text_options opt = {0};
    char *out = text_of(&opt, evs, 8);
    assert_string_equal(out, "  0.000000 client#1 connect() = 0\n"
                             "  0.100000 client#1 state CLOSED -> SYN_SENT\n"
                             "  1.100000 client#1 timer rexmit fired (backoff 1)\n"
                             "  1.300000 client#1 recv() = ECONNRESET\n"
                             "  1.400000 client#1 cwnd 14600 ssthresh 65535 flight 2920 "
                             "srtt 20.0ms rto 220.0ms\n"
                             "  1.500000 server -- server crashed\n");
    free(out);
    opt.quiet = true;
    out = text_of(&opt, evs, 8);
    assert_string_equal(out, "");
    free(out);
}

static void text_explain_adds_a_sentence_under_each_event(void **state)
{
    (void)state;
    struct tcp_segment segs[CONV_LEN];
    conversation(segs);
    struct trace_event evs[] = {
        ev_seg(SIM_MS(100), TRACE_TX, "client", &segs[0]),
        ev_timer(SIM_MS(100), TRACE_TIMER_REXMIT, TRACE_TIMER_SET, SIM_MS(1100), 0),
        ev_seg(SIM_MS(300), TRACE_DROP, "client", &segs[0]),
        ev_state(SIM_S(2), TCP_FIN_WAIT2, TCP_TIME_WAIT),
    };
    evs[2].u.seg.why = DROP_LOSS;
    struct trace_text_options opt = {.explain = true};
    char *out = text_of(&opt, evs, 4);
    assert_string_equal(
        out,
        "  0.100000 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 65535, options "
        "[mss 1460,nop,wscale 7], length 0\n"
        "             client asks to open a connection: SYN with its initial sequence number\n"
        "  0.100000 client#1 timer rexmit set, expires 1.100000\n"
        "             client starts its rexmit timer: it fires then unless it is cancelled "
        "first\n"
        "  0.300000 DROP(loss) IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 65535, "
        "options [mss 1460,nop,wscale 7], length 0\n"
        "             the network lost this segment\n"
        "  2.000000 client#1 state FIN_WAIT2 -> TIME_WAIT\n"
        "             client waits 2MSL so that late segments of this connection die out "
        "before the port is reused\n");
    free(out);
}

static void text_explain_covers_every_state_and_every_timer_fire(void **state)
{
    (void)state;
    struct trace_text_options opt = {.explain = true};
    for (int s = 0; s < TCP_STATE_COUNT; s++) {
        struct trace_event ev = ev_state(0, TCP_ESTABLISHED, (enum tcp_state)s);
        char *out = text_of(&opt, &ev, 1);
        /* two lines: the event and its sentence */
        const char *nl = strchr(out, '\n');
        assert_non_null(nl);
        assert_true(strncmp(nl + 1, "             ", 13) == 0);
        assert_true(strlen(nl + 1) > 30);
        free(out);
    }
    for (int t = TRACE_TIMER_REXMIT; t <= TRACE_TIMER_TLP; t++) {
        struct trace_event ev =
            ev_timer(0, (enum trace_timer_kind)t, TRACE_TIMER_FIRE, 0, 0);
        char *out = text_of(&opt, &ev, 1);
        const char *nl = strchr(out, '\n');
        assert_non_null(nl);
        assert_true(strlen(nl + 1) > 30);
        free(out);
    }
    /* and each kind of segment */
    struct tcp_segment segs[CONV_LEN + 1];
    conversation(segs);
    segs[CONV_LEN] = seg_make(false, TCP_RST | TCP_ACK, SERVER_ISN + 1, CLIENT_ISN + 9, 0, 0);
    const char *want[CONV_LEN + 1] = {"SYN with its initial", "SYN-ACK acknowledges",
                                      "acknowledges everything", "sends 7 bytes of data",
                                      "before sequence number 1008", "FIN closes its direction",
                                      "RST aborts"};
    for (int i = 0; i <= CONV_LEN; i++) {
        struct trace_event ev = ev_seg(0, TRACE_TX, "client", &segs[i]);
        char *out = text_of(&opt, &ev, 1);
        if (!strstr(out, want[i]))
            fail_msg("segment %d: no \"%s\" in:\n%s", i, want[i], out);
        free(out);
    }
}

static void text_relative_numbers_survive_table_growth(void **state)
{
    (void)state;
    /* Enough conversations to grow the ISN table several times. */
    enum { N = 5000 };
    struct capture c;
    capture_open(&c);
    struct trace_text_options opt = {0};
    struct trace_text *t = trace_text_new(c.f, &opt);
    struct trace_sink sink = trace_text_sink(t);
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < N; i++) {
            struct tcp_segment s;
            if (pass == 0)
                s = seg_make(false, TCP_SYN | TCP_ACK, 7 * i, 3 * i + 1, 0, 100);
            else
                s = seg_make(true, TCP_ACK, 3 * i + 1, 7 * i + 1, 0, 100);
            s.src_port = (uint16_t)(pass ? 1024 + i : 80);
            s.dst_port = (uint16_t)(pass ? 80 : 1024 + i);
            struct trace_event ev = ev_seg(0, TRACE_TX, "x", &s);
            sink.emit(sink.ctx, &ev);
        }
    }
    trace_text_free(t);
    const char *out = capture_text(&c);
    size_t acks = 0;
    for (const char *p = out; (p = strstr(p, "Flags [.], ack 1, win")); p++)
        acks++;
    assert_int_equal(acks, N);
    free(c.buf);
}

/* ---- pcap ------------------------------------------------------------- */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RFC 1071: a correct checksum makes the folded sum 0xffff. */
static uint16_t ones_sum(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (len % 2)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

struct pcap_capture {
    char *buf;
    size_t len;
};

static struct pcap_capture pcap_of(const char *host, const struct trace_event *evs, int n)
{
    struct capture c;
    capture_open(&c);
    struct trace_pcap *p = trace_pcap_new(c.f, host);
    assert_non_null(p);
    struct trace_sink sink = trace_pcap_sink(p);
    for (int i = 0; i < n; i++)
        sink.emit(sink.ctx, &evs[i]);
    sink.finish(sink.ctx);
    trace_pcap_free(p);
    fclose(c.f);
    return (struct pcap_capture){c.buf, c.len};
}

/* Number of records after the 24-byte header; asserts they tile the file. */
static int pcap_records(const struct pcap_capture *cap, const uint8_t **rec, int max)
{
    const uint8_t *p = (const uint8_t *)cap->buf + 24, *end = (const uint8_t *)cap->buf + cap->len;
    int n = 0;
    while (p < end) {
        assert_true(p + 16 <= end);
        if (n < max)
            rec[n] = p;
        n++;
        p += 16 + le32(p + 8);
    }
    assert_ptr_equal(p, end);
    return n;
}

static void pcap_global_header_is_classic_microsecond_raw_ip(void **state)
{
    (void)state;
    struct pcap_capture cap = pcap_of(NULL, NULL, 0);
    static const uint8_t want[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
                                     0,    0,    0,    0,    0xff, 0xff, 0, 0, 101, 0, 0, 0};
    assert_int_equal(cap.len, 24);
    assert_memory_equal(cap.buf, want, 24);
    free(cap.buf);
}

static void pcap_record_has_valid_ip_and_tcp_checksums_and_payload(void **state)
{
    (void)state;
    struct tcp_segment data = seg_make(true, TCP_PSH | TCP_ACK, 1001, 5001, 7, 512);
    data.data_off = 25; /* 'z', then wrapping to 'a'... */
    struct trace_event ev = ev_seg(SIM_S(3) + SIM_US(250) + 999, TRACE_TX, "client", &data);
    struct pcap_capture cap = pcap_of(NULL, &ev, 1);
    const uint8_t *rec[1];
    assert_int_equal(pcap_records(&cap, rec, 1), 1);
    const uint8_t *r = rec[0], *ip = r + 16, *tcp = ip + 20;
    assert_int_equal(le32(r), 3);       /* seconds */
    assert_int_equal(le32(r + 4), 250); /* microseconds, truncated */
    assert_int_equal(le32(r + 8), 20 + 20 + 7);
    assert_int_equal(le32(r + 12), 20 + 20 + 7);
    assert_int_equal(ip[0], 0x45);
    assert_int_equal(be16(ip + 2), 47);
    assert_int_equal(be16(ip + 6), 0x4000); /* DF */
    assert_int_equal(ip[8], 64);
    assert_int_equal(ip[9], 6);
    assert_int_equal(be32(ip + 12), CLIENT_ADDR);
    assert_int_equal(be32(ip + 16), SERVER_ADDR);
    assert_int_equal(ones_sum(0, ip, 20), 0xffff);
    assert_int_equal(be16(tcp), 40000);
    assert_int_equal(be16(tcp + 2), 80);
    assert_int_equal(be32(tcp + 4), 1001);
    assert_int_equal(be32(tcp + 8), 5001);
    assert_int_equal(tcp[12], 5 << 4);
    assert_int_equal(tcp[13], TCP_PSH | TCP_ACK);
    assert_int_equal(be16(tcp + 14), 512);
    assert_memory_equal(tcp + 20, "zabcdef", 7);
    uint8_t pseudo[12] = {10, 0, 0, 1, 10, 0, 0, 2, 0, 6, 0, 27};
    assert_int_equal(ones_sum(ones_sum(0, pseudo, 12), tcp, 27), 0xffff);
    free(cap.buf);
}

static void pcap_writes_literal_text_where_the_scenario_sent_some(void **state)
{
    (void)state;
    struct payload_store store;
    payload_store_init(&store);
    assert_int_equal(payload_store_add(&store, CLIENT_ADDR, 1, 0, (const uint8_t *)"GET /\r\n", 7), 0);
    struct tcp_segment data = seg_make(true, TCP_PSH | TCP_ACK, 1001, 5001, 9, 512);
    data.src_conn = 1;
    struct trace_event ev = ev_seg(SIM_S(1), TRACE_TX, "client", &data);
    ev.u.seg.payload = &store;
    struct pcap_capture cap = pcap_of(NULL, &ev, 1);
    const uint8_t *rec[1];
    assert_int_equal(pcap_records(&cap, rec, 1), 1);
    const uint8_t *tcp = rec[0] + 16 + 20;
    assert_memory_equal(tcp + 20, "GET /\r\nhi", 9); /* then the pattern at offsets 7, 8 */
    uint8_t pseudo[12] = {10, 0, 0, 1, 10, 0, 0, 2, 0, 6, 0, 29};
    assert_int_equal(ones_sum(ones_sum(0, pseudo, 12), tcp, 29), 0xffff);
    free(cap.buf);

    struct trace_text_options opt = {0};
    char *out = text_of(&opt, &ev, 1);
    assert_non_null(strstr(out, "length 9\n  1.000000 client#1 payload \"GET /\\r\\nhi\"\n"));
    free(out);
    opt.quiet = true;
    out = text_of(&opt, &ev, 1);
    assert_null(strstr(out, "payload"));
    free(out);
    payload_store_free(&store);
}

static void pcap_encodes_mss_and_wscale_with_nop_padding(void **state)
{
    (void)state;
    struct tcp_segment syn = seg_make(true, TCP_SYN, CLIENT_ISN, 0, 0, 65535);
    syn.opts = TCP_OPT_MSS | TCP_OPT_WSCALE;
    syn.mss = 1460;
    syn.wscale = 7;
    struct trace_event ev = ev_seg(0, TRACE_TX, "client", &syn);
    struct pcap_capture cap = pcap_of(NULL, &ev, 1);
    const uint8_t *rec[1];
    assert_int_equal(pcap_records(&cap, rec, 1), 1);
    const uint8_t *ip = rec[0] + 16, *tcp = ip + 20;
    assert_int_equal(be16(ip + 2), 48);
    assert_int_equal(tcp[12], 7 << 4);
    static const uint8_t want[8] = {2, 4, 0x05, 0xb4, 1, 3, 3, 7};
    assert_memory_equal(tcp + 20, want, 8);
    uint8_t pseudo[12] = {10, 0, 0, 1, 10, 0, 0, 2, 0, 6, 0, 28};
    assert_int_equal(ones_sum(ones_sum(0, pseudo, 12), tcp, 28), 0xffff);
    free(cap.buf);
}

static void pcap_encodes_linux_syn_layout_with_sack_and_timestamps(void **state)
{
    (void)state;
    struct tcp_segment syn = seg_make(true, TCP_SYN, CLIENT_ISN, 0, 0, 65535);
    syn.opts = TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_PERM | TCP_OPT_TS;
    syn.mss = 1460;
    syn.wscale = 7;
    syn.tsval = 0x01020304;
    struct tcp_segment sack_only = syn;
    sack_only.opts = TCP_OPT_SACK_PERM;
    struct trace_event evs[] = {ev_seg(0, TRACE_TX, "client", &syn),
                                ev_seg(1, TRACE_TX, "client", &sack_only)};
    struct pcap_capture cap = pcap_of(NULL, evs, 2);
    const uint8_t *rec[2];
    assert_int_equal(pcap_records(&cap, rec, 2), 2);
    static const uint8_t full[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2,
                                     3, 4, 0,    0,    0, 0, 1, 3,  3, 7};
    assert_int_equal(rec[0][16 + 20 + 12], 10 << 4);
    assert_memory_equal(rec[0] + 16 + 40, full, 20);
    static const uint8_t sack[4] = {1, 1, 4, 2};
    assert_int_equal(rec[1][16 + 20 + 12], 6 << 4);
    assert_memory_equal(rec[1] + 16 + 40, sack, 4);
    free(cap.buf);
}

/* Linux tcp_options_write: NOP,NOP,TS then NOP,NOP,SACK(5),len,blocks. */
static void pcap_encodes_sack_blocks_after_timestamps(void **state)
{
    (void)state;
    struct tcp_segment ack = seg_make(false, TCP_ACK, SERVER_ISN + 1, CLIENT_ISN + 1, 0, 1024);
    ack.opts = TCP_OPT_TS | TCP_OPT_SACK;
    ack.nsack = 1;
    ack.sack[0] = (struct tcp_sack_block){0x01020304, 0x05060708};
    struct trace_event evs[] = {ev_seg(0, TRACE_TX, "server", &ack)};
    struct pcap_capture cap = pcap_of(NULL, evs, 1);
    const uint8_t *rec[1];
    assert_int_equal(pcap_records(&cap, rec, 1), 1);
    assert_int_equal(rec[0][16 + 20 + 12], (20 + 12 + 12) / 4 << 4);
    static const uint8_t want[12] = {1, 1, 5, 10, 1, 2, 3, 4, 5, 6, 7, 8};
    assert_memory_equal(rec[0] + 16 + 20 + 20 + 12, want, 12);
    free(cap.buf);
}

static void pcap_wire_captures_every_tx_and_host_captures_its_tx_and_rx(void **state)
{
    (void)state;
    struct tcp_segment segs[CONV_LEN];
    conversation(segs);
    struct trace_event evs[] = {
        ev_seg(1, TRACE_TX, "client", &segs[0]),   /* lost on the way */
        ev_seg(2, TRACE_DROP, "client", &segs[0]),
        ev_seg(3, TRACE_TX, "client", &segs[0]),
        ev_seg(4, TRACE_RX, "server", &segs[0]),
        ev_seg(5, TRACE_TX, "server", &segs[1]),
        ev_seg(6, TRACE_RX, "client", &segs[1]),
        ev_note(7, "server", "not a segment"),
    };
    const uint8_t *rec[8];
    struct pcap_capture wire = pcap_of(NULL, evs, 7);
    assert_int_equal(pcap_records(&wire, rec, 8), 3);
    free(wire.buf);
    struct pcap_capture server = pcap_of("server", evs, 7);
    assert_int_equal(pcap_records(&server, rec, 8), 2);
    assert_int_equal(be16(rec[0] + 16 + 20 + 2), 80);    /* rx: the SYN to port 80 */
    assert_int_equal(be16(rec[1] + 16 + 20), 80);        /* tx: the SYN-ACK from 80 */
    assert_int_equal(be16(rec[1] + 16 + 4), 1);          /* IP id increments */
    free(server.buf);
}

/* With tshark installed, the whole conversation must dissect cleanly. */
static void pcap_opens_in_tshark_without_warnings(void **state)
{
    (void)state;
    if (system("command -v tshark >/dev/null 2>&1") != 0)
        skip();
    struct tcp_segment segs[CONV_LEN];
    struct trace_event evs[CONV_LEN];
    conversation(segs);
    segs[0].opts |= TCP_OPT_SACK_PERM | TCP_OPT_TS;
    segs[0].tsval = 100;
    segs[1].opts |= TCP_OPT_SACK_PERM | TCP_OPT_TS;
    segs[1].tsval = 200;
    segs[1].tsecr = 100;
    segs[3].data_off = 0;
    for (int i = 0; i < CONV_LEN; i++)
        evs[i] = ev_seg(conversation_time(i), TRACE_TX, conversation_host(i), &segs[i]);
    char path[] = "/tmp/test_trace_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    struct trace_pcap *p = trace_pcap_new(f, NULL);
    struct trace_sink sink = trace_pcap_sink(p);
    for (int i = 0; i < CONV_LEN; i++)
        sink.emit(sink.ctx, &evs[i]);
    sink.finish(sink.ctx);
    trace_pcap_free(p);
    fclose(f);

    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "tshark -n -r %s -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -V 2>&1",
             path);
    FILE *pipe = popen(cmd, "r");
    assert_non_null(pipe);
    char line[1024];
    int frames = 0;
    bool bad = false;
    while (fgets(line, sizeof line, pipe)) {
        if (strncmp(line, "Frame ", 6) == 0)
            frames++;
        if (strstr(line, "Malformed") || strstr(line, "[Bad") || strstr(line, "incorrect") ||
            strstr(line, "Bad checksum") || strstr(line, "Expert Info (Warning") ||
            strstr(line, "Expert Info (Error")) {
            fprintf(stderr, "tshark: %s", line);
            bad = true;
        }
    }
    int rc = pclose(pipe);
    unlink(path);
    assert_int_equal(rc, 0);
    assert_int_equal(frames, CONV_LEN);
    assert_false(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flag_letters_follow_the_fixed_order_SFRPAU),
        cmocka_unit_test(tcpdump_flags_use_dot_for_ack_in_tcpdump_order),
        cmocka_unit_test(parse_flags_accepts_any_order_case_and_dot),
        cmocka_unit_test(state_names_are_netstat_names),
        cmocka_unit_test(state_from_name_accepts_rfc_and_bsd_spellings),
        cmocka_unit_test(tracer_emits_to_every_sink_in_order_and_refuses_a_ninth),
        cmocka_unit_test(names_of_timers_actions_and_directions),
        cmocka_unit_test(jsonl_segment_has_contract_keys_in_order),
        cmocka_unit_test(jsonl_drop_adds_why_then_extras_after_win),
        cmocka_unit_test(jsonl_state_timer_cc_lines_are_exact),
        cmocka_unit_test(jsonl_app_ret_is_integer_zero_or_error_name),
        cmocka_unit_test(jsonl_note_text_is_escaped),
        cmocka_unit_test(csv_has_header_then_one_row_per_event_in_fixed_columns),
        cmocka_unit_test(csv_quotes_cells_with_commas_quotes_and_newlines),
        cmocka_unit_test(csv_of_an_empty_run_is_the_header),
        cmocka_unit_test(text_prints_tcpdump_lines_with_relative_sequence_numbers),
        cmocka_unit_test(text_prints_absolute_sequence_numbers_on_request),
        cmocka_unit_test(text_rst_without_ack_is_absolute_and_rst_ack_relative),
        cmocka_unit_test(text_refusing_rst_ack_to_a_syn_prints_seq_0_and_absolute_ack),
        cmocka_unit_test(text_prints_tx_once_skips_rx_and_prefixes_drops),
        cmocka_unit_test(text_prints_full_linux_syn_options_as_tcpdump_does),
        cmocka_unit_test(text_annotates_states_fires_calls_cc_and_notes_unless_quiet),
        cmocka_unit_test(text_explain_adds_a_sentence_under_each_event),
        cmocka_unit_test(text_explain_covers_every_state_and_every_timer_fire),
        cmocka_unit_test(text_relative_numbers_survive_table_growth),
        cmocka_unit_test(pcap_global_header_is_classic_microsecond_raw_ip),
        cmocka_unit_test(pcap_record_has_valid_ip_and_tcp_checksums_and_payload),
        cmocka_unit_test(pcap_writes_literal_text_where_the_scenario_sent_some),
        cmocka_unit_test(pcap_encodes_mss_and_wscale_with_nop_padding),
        cmocka_unit_test(pcap_encodes_linux_syn_layout_with_sack_and_timestamps),
        cmocka_unit_test(pcap_encodes_sack_blocks_after_timestamps),
        cmocka_unit_test(text_prints_sack_blocks_relative_like_tcpdump),
        cmocka_unit_test(pcap_wire_captures_every_tx_and_host_captures_its_tx_and_rx),
        cmocka_unit_test(pcap_opens_in_tshark_without_warnings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
