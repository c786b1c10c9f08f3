/* The --explain prose of the text timeline: one plain-English sentence
 * under each event, for students reading a run (trace_text.c calls these
 * when explain is on). Kept apart from the timeline's format so the wording
 * can change without touching it; drop-reason sentences come from the one
 * list in tcpsim/drop_reasons.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "tcpsim/errors.h"
#include "trace_explain.h"

#define EXPLAIN_INDENT "             "

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
explain_line(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(EXPLAIN_INDENT, out);
    vfprintf(out, fmt, ap);
    putc('\n', out);
    va_end(ap);
}

static const char *explain_host(const struct trace_event *ev)
{
    return ev->host ? ev->host : "the host";
}

/* ---- segments --------------------------------------------------------- */

void explain_seg(FILE *out, const struct trace_event *ev, tcp_seq seq, tcp_seq ack)
{
    const struct tcp_segment *seg = ev->u.seg.seg;
    const char *h = explain_host(ev);
    if (ev->u.seg.dir == TRACE_DROP) {
        explain_line(out, "%s", drop_reason_sentence(ev->u.seg.why));
        return;
    }
    switch (seg->retransmit) {
    case SEG_FIRST: break;
    case SEG_REXMIT_RTO:
        explain_line(out,
                     "%s's retransmission timer expired with no ACK, so it sends this "
                     "segment again",
                     h);
        return;
    case SEG_REXMIT_FAST:
        explain_line(out,
                     "%s got three duplicate ACKs, a sign this segment was lost, and "
                     "resends it without waiting for the timer (fast retransmit)",
                     h);
        return;
    case SEG_PROBE_KEEPALIVE:
        explain_line(out,
                     "%s has heard nothing for a long time and sends a keepalive probe "
                     "to check that the peer is still there",
                     h);
        return;
    case SEG_PROBE_ZERO_WINDOW:
        explain_line(out,
                     "the peer's receive window is zero: %s sends a probe to learn "
                     "when it opens again",
                     h);
        return;
    case SEG_REXMIT_TLP:
        explain_line(out,
                     "no ACK for the tail of the flight within about two round trips: "
                     "%s resends its last segment as a tail loss probe (RFC 8985 7), "
                     "so the ACK it draws can repair the loss before the RTO",
                     h);
        return;
    default: explain_line(out, "%s sends this segment again", h); return;
    }
    if (seg->flags & TCP_RST)
        explain_line(out,
                     "%s resets the connection: RST aborts it at once, without the "
                     "orderly FIN exchange",
                     h);
    else if ((seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
        explain_line(out,
                     "%s asks to open a connection: SYN with its initial sequence "
                     "number",
                     h);
    else if (seg->flags & TCP_SYN)
        explain_line(out,
                     "%s accepts: its SYN-ACK acknowledges the peer's SYN and carries "
                     "its own initial sequence number",
                     h);
    else if ((seg->flags & TCP_FIN) && seg->len)
        explain_line(out,
                     "%s sends its last %" PRIu32 " bytes with a FIN: it has no more "
                     "data to send",
                     h, seg->len);
    else if (seg->flags & TCP_FIN)
        explain_line(out,
                     "%s has no more data to send: its FIN closes its direction of the "
                     "connection (it can still receive)",
                     h);
    else if (seg->len)
        explain_line(out,
                     "%s sends %" PRIu32 " bytes of data, sequence numbers %" PRIu32 " to %" PRIu32,
                     h, seg->len, seq, seq + seg->len - 1);
    else if ((seg->flags & TCP_ACK) && seg->win == 0)
        explain_line(out,
                     "%s acknowledges and advertises a zero window: its receive buffer "
                     "is full, so the peer must stop sending",
                     h);
    else if (seg->flags & TCP_ACK)
        explain_line(out,
                     "%s acknowledges everything the peer sent before sequence number "
                     "%" PRIu32,
                     h, ack);
    else
        explain_line(out, "%s sends an empty segment", h);
}

/* ---- states ----------------------------------------------------------- */

void explain_state(FILE *out, const struct trace_event *ev)
{
    const char *h = explain_host(ev);
    enum tcp_state from = ev->u.state.from;
    switch (ev->u.state.to) {
    case TCP_CLOSED:
        if (from == TCP_TIME_WAIT)
            explain_line(out,
                         "2MSL has passed: %s forgets the connection and its port can be "
                         "used again",
                         h);
        else if (from == TCP_LAST_ACK)
            explain_line(out, "%s's FIN was acknowledged: the connection is fully closed", h);
        else if (from == TCP_SYN_SENT)
            explain_line(out,
                         "%s's attempt to open the connection ended without a "
                         "connection",
                         h);
        else
            explain_line(out, "%s's connection is closed and its state released", h);
        break;
    case TCP_LISTEN:
        explain_line(out, "%s waits for connection requests (a passive open)", h);
        break;
    case TCP_SYN_SENT:
        explain_line(out, "%s has sent a SYN and waits for the peer's SYN-ACK", h);
        break;
    case TCP_SYN_RECV:
        if (from == TCP_SYN_SENT)
            explain_line(out,
                         "both sides sent a SYN at once (simultaneous open): %s waits "
                         "for the ACK of its own SYN",
                         h);
        else
            explain_line(out,
                         "%s received a SYN and answered with a SYN-ACK; it waits for "
                         "the final ACK of the three-way handshake",
                         h);
        break;
    case TCP_ESTABLISHED:
        if (from == TCP_SYN_SENT)
            explain_line(out,
                         "%s received the SYN-ACK and acknowledges it: the connection is "
                         "open and data can flow",
                         h);
        else if (from == TCP_SYN_RECV)
            explain_line(out,
                         "%s received the last ACK of the three-way handshake: the "
                         "connection is open",
                         h);
        else
            explain_line(out, "%s's connection is open: data can flow both ways", h);
        break;
    case TCP_CLOSE_WAIT:
        explain_line(out,
                     "%s received the peer's FIN: the peer will send no more data, and "
                     "%s's application should close its side too",
                     h, h);
        break;
    case TCP_FIN_WAIT1:
        explain_line(out, "%s has sent its FIN and waits for it to be acknowledged", h);
        break;
    case TCP_CLOSING:
        explain_line(out,
                     "both sides sent a FIN at the same time: %s waits for the ACK of "
                     "its own FIN",
                     h);
        break;
    case TCP_LAST_ACK:
        explain_line(out, "%s has sent its FIN after the peer's and waits for the last ACK", h);
        break;
    case TCP_FIN_WAIT2:
        explain_line(out, "%s's FIN was acknowledged: it waits for the peer to close its side", h);
        break;
    case TCP_TIME_WAIT:
        explain_line(out,
                     "%s waits 2MSL so that late segments of this connection die out "
                     "before the port is reused",
                     h);
        break;
    case TCP_STATE_COUNT: break;
    }
}

/* ---- timers ----------------------------------------------------------- */

static void explain_fire(FILE *out, const struct trace_event *ev)
{
    const char *h = explain_host(ev);
    switch (ev->u.timer.timer) {
    case TRACE_TIMER_REXMIT:
        explain_line(out,
                     "no ACK came before the retransmission timeout: %s resends the "
                     "oldest unacknowledged segment and doubles its timeout "
                     "(RFC 6298 5.5)",
                     h);
        break;
    case TRACE_TIMER_PERSIST:
        explain_line(out,
                     "the peer's window is still zero: %s probes it, so a lost window "
                     "update cannot stall the connection forever",
                     h);
        break;
    case TRACE_TIMER_KEEPALIVE:
        explain_line(out,
                     "the connection has been idle for the keepalive time: %s checks "
                     "whether the peer is still there",
                     h);
        break;
    case TRACE_TIMER_TIMEWAIT:
        explain_line(out, "2MSL has passed: %s's TIME_WAIT connection can be removed", h);
        break;
    case TRACE_TIMER_FINWAIT2:
        explain_line(out,
                     "the peer did not close its side in time: %s stops waiting in "
                     "FIN_WAIT2",
                     h);
        break;
    case TRACE_TIMER_DELACK:
        explain_line(out,
                     "the delayed-ACK timer expired: %s sends the ACK it was holding "
                     "back",
                     h);
        break;
    case TRACE_TIMER_LINGER:
        explain_line(out,
                     "the linger time ran out: %s stops waiting for its data to be "
                     "acknowledged",
                     h);
        break;
    case TRACE_TIMER_TLP:
        explain_line(out,
                     "the probe timeout (about two round trips) passed with data "
                     "unacknowledged: %s sends a tail loss probe (RFC 8985 7.3)",
                     h);
        break;
    }
}

void explain_timer(FILE *out, const struct trace_event *ev)
{
    const char *name = trace_timer_name(ev->u.timer.timer);
    if (ev->u.timer.action == TRACE_TIMER_FIRE)
        explain_fire(out, ev);
    else if (ev->u.timer.action == TRACE_TIMER_SET)
        explain_line(out,
                     "%s starts its %s timer: it fires then unless it is cancelled "
                     "first",
                     explain_host(ev), name);
    else
        explain_line(out, "%s stops its %s timer: what it was waiting for has happened",
                     explain_host(ev), name);
}

/* ---- socket calls ----------------------------------------------------- */

static const char *explain_err_why(int err)
{
    switch (err) {
    case TS_ECONNREFUSED: return "the peer answered with RST: nothing listens on that port";
    case TS_ECONNRESET: return "the peer reset the connection with RST";
    case TS_ETIMEDOUT: return "the peer never answered and TCP gave up retransmitting";
    case TS_EPIPE: return "the connection is already closed for sending";
    case TS_EINPROGRESS: return "the handshake has started and finishes later";
    default: return ts_err_message(err);
    }
}

void explain_app(FILE *out, const struct trace_event *ev)
{
    const char *call = ev->u.app.call ? ev->u.app.call : "?";
    const char *h = explain_host(ev);
    if (ev->u.app.ret != TS_OK)
        explain_line(out, "the application on %s called %s() and got %s: %s", h, call,
                     ts_err_name(ev->u.app.ret), explain_err_why(ev->u.app.ret));
    else if (ev->u.app.value == 0 && strcmp(call, "recv") == 0)
        explain_line(out,
                     "recv() returned 0 on %s: the peer closed its side, so this is the "
                     "end of the data",
                     h);
    else if (ev->u.app.value != 0)
        explain_line(out, "the application on %s called %s(), which handled %" PRId64 " bytes", h,
                     call, ev->u.app.value);
    else
        explain_line(out, "the application on %s called %s(), which succeeded", h, call);
}

/* ---- congestion control ----------------------------------------------- */

void explain_cc(FILE *out, const struct trace_event *ev)
{
    if (ev->u.cc.cwnd < ev->u.cc.ssthresh)
        explain_line(out,
                     "%s may have cwnd bytes unacknowledged; cwnd is below ssthresh, so "
                     "it is in slow start and cwnd grows by about a segment per ACK",
                     explain_host(ev));
    else
        explain_line(out,
                     "%s may have cwnd bytes unacknowledged; cwnd has reached ssthresh, "
                     "so it is in congestion avoidance and cwnd grows by about a "
                     "segment per round trip",
                     explain_host(ev));
}
