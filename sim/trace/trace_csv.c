/* CSV timeline sink: a header line, then one row per event in the fixed
 * columns of ARCHITECTURE.md; cells that do not apply stay empty. Cells are
 * quoted per RFC 4180 only when they hold a comma, quote or line break; a
 * cell a spreadsheet would take for a formula is quoted and starts with '. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"
#include "tcpsim/trace_sinks.h"

/* The column order, one list for the header and the rows. */
// clang-format off
#define CSV_COLUMNS(X)                                                                             \
    X(T_NS, "t_ns") X(EV, "ev") X(HOST, "host") X(CONN, "conn") X(DIR, "dir") X(SRC, "src")        \
    X(DST, "dst") X(FLAGS, "flags") X(SEQ, "seq") X(ACK, "ack") X(LEN, "len") X(WIN, "win")        \
    X(WHY, "why") X(FROM, "from") X(TO, "to") X(TIMER, "timer") X(ACTION, "action")                \
    X(CALL, "call") X(RET, "ret") X(CWND, "cwnd") X(SSTHRESH, "ssthresh") X(SRTT_NS, "srtt_ns")    \
    X(RTO_NS, "rto_ns") X(TEXT, "text")
// clang-format on

enum csv_column {
#define CSV_ENUM(id, name) CSV_##id,
    CSV_COLUMNS(CSV_ENUM)
#undef CSV_ENUM
        CSV_NCOLUMNS
};

static const char *const csv_column_names[] = {
#define CSV_NAME(id, name) name,
    CSV_COLUMNS(CSV_NAME)
#undef CSV_NAME
};

/* Longest number cell: an int64 in decimal. Strings point elsewhere. */
#define CSV_NUM_SIZE 24

struct trace_csv {
    FILE *out;
};

/* One row under construction: each cell NULL (empty) or a string. */
struct csv_row {
    const char *cell[CSV_NCOLUMNS];
    char num[CSV_NCOLUMNS][CSV_NUM_SIZE];
};

static void csv_num(struct csv_row *row, enum csv_column col, int64_t v)
{
    snprintf(row->num[col], CSV_NUM_SIZE, "%" PRId64, v);
    row->cell[col] = row->num[col];
}

/* A cell a spreadsheet would evaluate as a formula (OWASP "CSV injection"):
 * one starting with '=', '+', '-', '@', tab or CR that is not a plain
 * number (a negative return value stays a number). */
static bool csv_is_formula(const char *s)
{
    if (!strchr("=+-@\t\r", s[0]) || s[0] == '\0')
        return false;
    const char *p = s + (s[0] == '-' || s[0] == '+');
    if (!*p)
        return true;
    for (; *p; p++)
        if ((*p < '0' || *p > '9') && *p != '.')
            return true;
    return false;
}

static void csv_write_cell(FILE *out, const char *s)
{
    if (!s)
        return;
    bool formula = csv_is_formula(s);
    if (!formula && !strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    putc('"', out);
    if (formula)
        putc('\'', out); /* shown as text, never evaluated */
    for (; *s; s++) {
        if (*s == '"')
            putc('"', out); /* RFC 4180 2.7: a quote inside is doubled */
        putc(*s, out);
    }
    putc('"', out);
}

static void csv_write_row(FILE *out, const char *const *cells)
{
    for (int i = 0; i < CSV_NCOLUMNS; i++) {
        if (i)
            putc(',', out);
        csv_write_cell(out, cells[i]);
    }
    putc('\n', out);
}

static void csv_seg(struct csv_row *row, const struct trace_event *ev, char *src, char *dst,
                    char *flags)
{
    const struct tcp_segment *seg = ev->u.seg.seg;
    char addr[16];
    row->cell[CSV_EV] = "seg";
    row->cell[CSV_DIR] = trace_seg_dir_name(ev->u.seg.dir);
    trace_format_addr(seg->src_addr, addr);
    snprintf(src, 24, "%s:%u", addr, (unsigned)seg->src_port);
    trace_format_addr(seg->dst_addr, addr);
    snprintf(dst, 24, "%s:%u", addr, (unsigned)seg->dst_port);
    segment_flag_letters(seg->flags, flags);
    row->cell[CSV_SRC] = src;
    row->cell[CSV_DST] = dst;
    row->cell[CSV_FLAGS] = flags;
    csv_num(row, CSV_SEQ, seg->seq);
    csv_num(row, CSV_ACK, seg->ack);
    csv_num(row, CSV_LEN, seg->len);
    csv_num(row, CSV_WIN, seg->win);
    if (ev->u.seg.dir == TRACE_DROP)
        row->cell[CSV_WHY] =
            drop_reason_name(ev->u.seg.why) ? drop_reason_name(ev->u.seg.why) : "unknown";
}

static void csv_emit(void *ctx, const struct trace_event *ev)
{
    struct trace_csv *csv = ctx;
    struct csv_row row = {0};
    char src[24], dst[24], flags[7];

    csv_num(&row, CSV_T_NS, ev->t);
    row.cell[CSV_HOST] = ev->host;
    csv_num(&row, CSV_CONN, ev->conn);
    switch (ev->kind) {
    case TRACE_SEG: csv_seg(&row, ev, src, dst, flags); break;
    case TRACE_STATE:
        row.cell[CSV_EV] = "state";
        row.cell[CSV_FROM] = tcp_state_name(ev->u.state.from);
        row.cell[CSV_TO] = tcp_state_name(ev->u.state.to);
        break;
    case TRACE_TIMER:
        row.cell[CSV_EV] = "timer";
        row.cell[CSV_TIMER] = trace_timer_name(ev->u.timer.timer);
        row.cell[CSV_ACTION] = trace_timer_action_name(ev->u.timer.action);
        break;
    case TRACE_APP:
        row.cell[CSV_EV] = "app";
        row.cell[CSV_CALL] = ev->u.app.call;
        row.cell[CSV_RET] = ts_err_name(ev->u.app.ret); /* "0" for success */
        break;
    case TRACE_CC:
        row.cell[CSV_EV] = "cc";
        csv_num(&row, CSV_CWND, ev->u.cc.cwnd);
        csv_num(&row, CSV_SSTHRESH, ev->u.cc.ssthresh);
        csv_num(&row, CSV_SRTT_NS, ev->u.cc.srtt);
        csv_num(&row, CSV_RTO_NS, ev->u.cc.rto);
        break;
    case TRACE_NOTE:
        row.cell[CSV_EV] = "note";
        row.cell[CSV_TEXT] = ev->u.note.text;
        break;
    }
    csv_write_row(csv->out, row.cell);
}

static void csv_finish(void *ctx) { fflush(((struct trace_csv *)ctx)->out); }

struct trace_csv *trace_csv_new(FILE *out)
{
    struct trace_csv *csv = malloc(sizeof *csv);
    if (!csv)
        return NULL;
    csv->out = out;
    csv_write_row(out, csv_column_names); /* even an empty run has its header */
    return csv;
}

struct trace_sink trace_csv_sink(struct trace_csv *csv)
{
    return (struct trace_sink){.emit = csv_emit, .finish = csv_finish, .ctx = csv};
}

void trace_csv_free(struct trace_csv *csv) { free(csv); }
