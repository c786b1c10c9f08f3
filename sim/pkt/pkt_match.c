/* The scripted peer's packets. Inbound (`<`) lines become segments from
 * 192.0.2.1 injected into the endpoint; outbound (`>`) lines are matched
 * against what the endpoint sent, as packetdrill's run_packet.c does:
 * sequence numbers relative to the endpoint's ISN (the script's own are
 * literal), consecutive segments merged until the script's payload length
 * is reached (a TSO/GSO burst is one line), every header field and option
 * compared (TS val and ecr excepted), `win` only when given, `<...>` for any
 * options, and the time within the tolerance. */
#include <stdio.h>
#include <string.h>

#include "pkt_run.h"
#include "tcpsim/socket.h"

/* ------------------------------------------------------------- formatting */

static size_t fmt_flags(uint8_t flags, bool ece, bool cwr, char *out)
{
    size_t n = 0;
    if (flags & TCP_SYN)
        out[n++] = 'S';
    if (flags & TCP_FIN)
        out[n++] = 'F';
    if (flags & TCP_RST)
        out[n++] = 'R';
    if (flags & TCP_PSH)
        out[n++] = 'P';
    if (flags & TCP_URG)
        out[n++] = 'U';
    if (ece)
        out[n++] = 'E';
    if (cwr)
        out[n++] = 'W';
    if (flags & TCP_ACK)
        out[n++] = '.';
    if (n == 0)
        out[n++] = '-';
    out[n] = '\0';
    return n;
}

static void fmt_opts(const struct pk_opt *o, int n, char *out, size_t len)
{
    size_t w = 0;
    w += (size_t)snprintf(out + w, len - w, " <");
    for (int i = 0; i < n && w < len; i++) {
        const struct pk_opt *x = &o[i];
        const char *sep = i ? "," : "";
        switch (x->kind) {
        case PO_NOP: w += (size_t)snprintf(out + w, len - w, "%snop", sep); break;
        case PO_EOL: w += (size_t)snprintf(out + w, len - w, "%seol", sep); break;
        case PO_MSS: w += (size_t)snprintf(out + w, len - w, "%smss %u", sep, x->a); break;
        case PO_WSCALE: w += (size_t)snprintf(out + w, len - w, "%swscale %u", sep, x->a); break;
        case PO_SACKOK: w += (size_t)snprintf(out + w, len - w, "%ssackOK", sep); break;
        case PO_TS:
            w += (size_t)snprintf(out + w, len - w, "%sTS val %u ecr %u", sep, x->a, x->b);
            break;
        case PO_SACK:
            w += (size_t)snprintf(out + w, len - w, "%ssack", sep);
            for (int k = 0; k < x->nsack && w < len; k++)
                w += (size_t)snprintf(out + w, len - w, " %u:%u", x->sack[k][0], x->sack[k][1]);
            break;
        case PO_OTHER: w += (size_t)snprintf(out + w, len - w, "%s%s", sep, x->name); break;
        }
    }
    if (w < len)
        snprintf(out + w, len - w, ">");
}

void pk_format_script(const struct pk_packet *pk, char *out, size_t len)
{
    char flags[12];
    fmt_flags(pk->flags, pk->ece, pk->cwr, flags);
    size_t w = (size_t)snprintf(out, len, "%s %u:%u(%u)", flags, pk->seq, pk->seq_end, pk->len);
    if (w < len && (pk->flags & TCP_ACK))
        w += (size_t)snprintf(out + w, len - w, " ack %u", pk->ack);
    if (w < len && pk->win >= 0)
        w += (size_t)snprintf(out + w, len - w, " win %lld", (long long)pk->win);
    if (w < len && pk->urg)
        w += (size_t)snprintf(out + w, len - w, " urg %u", pk->urg);
    if (w < len && pk->opts_any)
        snprintf(out + w, len - w, " <...>");
    else if (w < len && pk->nopts)
        fmt_opts(pk->opts, pk->nopts, out + w, len - w);
}

/* ------------------------------------------------------------ connection */

static uint32_t ack_offset(const struct pk_conn *c)
{
    return c->have_isn ? c->live_isn - c->script_isn : 0;
}

/* The 4-tuple inbound packets use: the connection seen so far, else the
 * socket that connect()ed, else the listener (from a fresh peer port). */
static void pick_tuple(struct pkt_run *r)
{
    struct pk_conn *c = &r->conn;
    if (c->known)
        return;
    uint16_t listen_port = 0;
    for (int i = 0; i < PK_MAX_FDS; i++) {
        const struct pk_fd *f = &r->fds[i];
        if (!f->used || !f->tcb)
            continue;
        struct sock_wire w;
        sock_get_wire(f->tcb, &w);
        if (f->listening) {
            if (!listen_port)
                listen_port = w.local_port;
        } else if (w.remote_port) {
            c->lport = w.local_port;
            c->rport = w.remote_port;
            c->known = true;
            return;
        }
    }
    c->lport = listen_port ? listen_port : PK_PORT;
    c->rport = PK_REMOTE_EPHEMERAL;
    c->known = true;
}

/* The script's TS ecr names one of the endpoint's TS vals as the script
 * wrote it: the same value, else offset from the first one seen (packetdrill
 * tcp_ts_ecr_scaled), else (no TS line matched yet, e.g. after <...>) the
 * latest value the endpoint sent, so its RTT samples stay sane. */
static uint32_t map_ecr(const struct pkt_run *r, uint32_t script_ecr)
{
    const struct pk_conn *c = &r->conn;
    for (int i = c->ts_n - 1; i >= 0; i--)
        if (c->ts_script[i] == script_ecr)
            return c->ts_live[i];
    if (c->ts_first)
        return script_ecr - c->ts_first_script + c->ts_first_live;
    if (r->live_ts_seen && script_ecr != 0)
        return r->last_live_tsval;
    return script_ecr;
}

static void trace_peer(struct pkt_run *r, const struct tcp_segment *seg)
{
    if (!tracer_active(&r->net.tracer))
        return;
    struct trace_event ev = {.t = r->net.engine.now, .kind = TRACE_SEG, .host = "remote"};
    ev.u.seg.dir = TRACE_TX;
    ev.u.seg.seg = seg;
    ev.u.seg.payload = &r->net.payload;
    tracer_emit(&r->net.tracer, &ev);
}

int pk_inbound(struct pkt_run *r, const struct pk_event *ev)
{
    const struct pk_packet *pk = &ev->pkt;
    pick_tuple(r);
    struct pk_conn *c = &r->conn;
    struct tcp_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.src_addr = PK_REMOTE_ADDR;
    seg.dst_addr = PK_LOCAL_ADDR;
    seg.src_port = pk->sport ? pk->sport : c->rport;
    seg.dst_port = pk->dport ? pk->dport : c->lport;
    seg.seq = pk->seq;
    seg.flags = pk->flags;
    seg.ack = (pk->flags & TCP_ACK) ? pk->ack + ack_offset(c) : pk->ack;
    seg.len = pk->len;
    seg.win = (uint16_t)(pk->win < 0 ? 0 : pk->win);
    seg.urg_ptr = (uint16_t)pk->urg;
    seg.data_off = pk->seq; /* the peer's stream offset is only for the timeline */
    for (int i = 0; i < pk->nopts; i++) {
        const struct pk_opt *o = &pk->opts[i];
        switch (o->kind) {
        case PO_MSS:
            seg.opts |= TCP_OPT_MSS;
            seg.mss = (uint16_t)o->a;
            break;
        case PO_WSCALE:
            seg.opts |= TCP_OPT_WSCALE;
            seg.wscale = (uint8_t)o->a;
            break;
        case PO_SACKOK: seg.opts |= TCP_OPT_SACK_PERM; break;
        case PO_TS:
            seg.opts |= TCP_OPT_TS;
            seg.tsval = o->a;
            seg.tsecr = (pk->flags & TCP_ACK) ? map_ecr(r, o->b) : o->b;
            break;
        case PO_SACK:
            seg.opts |= TCP_OPT_SACK;
            seg.nsack = o->nsack;
            for (int k = 0; k < o->nsack; k++) {
                seg.sack[k].start = o->sack[k][0] + ack_offset(c);
                seg.sack[k].end = o->sack[k][1] + ack_offset(c);
            }
            break;
        default: break;
        }
    }
    trace_peer(r, &seg);
    link_send(&r->net.links[1], &seg);
    pk_advance(r, pk_now_us(r)); /* delivered and processed at this instant */
    return r->status;
}

/* ------------------------------------------------------------- outbound */

/* The options of an actual segment in the order Linux writes them
 * (tcp_options_write): MSS; sackOK+TS or NOP,NOP,TS; NOP,NOP,sackOK without
 * TS; NOP,wscale; NOP,NOP,SACK blocks. */
static int actual_opts(const struct tcp_segment *s, uint32_t sack_off, struct pk_opt *o)
{
    int n = 0;
    memset(o, 0, sizeof *o * PK_MAX_OPTS);
    if (s->opts & TCP_OPT_MSS) {
        o[n].kind = PO_MSS;
        o[n++].a = s->mss;
    }
    if (s->opts & TCP_OPT_TS) {
        if (s->opts & TCP_OPT_SACK_PERM) {
            o[n++].kind = PO_SACKOK;
        } else {
            o[n++].kind = PO_NOP;
            o[n++].kind = PO_NOP;
        }
        o[n].kind = PO_TS;
        o[n].a = s->tsval;
        o[n++].b = s->tsecr;
    } else if (s->opts & TCP_OPT_SACK_PERM) {
        o[n++].kind = PO_NOP;
        o[n++].kind = PO_NOP;
        o[n++].kind = PO_SACKOK;
    }
    if (s->opts & TCP_OPT_WSCALE) {
        o[n++].kind = PO_NOP;
        o[n].kind = PO_WSCALE;
        o[n++].a = s->wscale;
    }
    if ((s->opts & TCP_OPT_SACK) && s->nsack) {
        o[n++].kind = PO_NOP;
        o[n++].kind = PO_NOP;
        o[n].kind = PO_SACK;
        o[n].nsack = s->nsack;
        for (int k = 0; k < s->nsack && k < TCP_MAX_SACK_BLOCKS; k++) {
            o[n].sack[k][0] = s->sack[k].start - sack_off;
            o[n].sack[k][1] = s->sack[k].end - sack_off;
        }
        n++;
    }
    return n;
}

/* The actual segment as a script packet (script numbering). */
static void to_script(const struct pkt_run *r, const struct tcp_segment *s, uint32_t len,
                      struct pk_packet *a)
{
    memset(a, 0, sizeof *a);
    const struct pk_conn *c = &r->conn;
    a->flags = s->flags;
    a->seq = s->seq - (c->have_isn ? c->live_isn - c->script_isn : 0);
    a->len = len;
    a->seq_end = a->seq + len;
    a->ack = s->ack;
    a->win = s->win;
    a->urg = s->urg_ptr;
    a->nopts = actual_opts(s, 0, a->opts);
}

static const char *opt_name(enum pk_opt_kind k)
{
    static const char *const names[] = {"nop", "eol", "mss", "wscale", "sackOK", "sack", "TS", "?"};
    return names[k];
}

/* Returns NULL when the options agree, else what differs. */
static const char *compare_opts(const struct pk_packet *want, const struct pk_packet *got,
                                char *buf, size_t len)
{
    if (want->opts_any)
        return NULL;
    for (int i = 0; i < want->nopts || i < got->nopts; i++) {
        if (i >= want->nopts || i >= got->nopts || want->opts[i].kind != got->opts[i].kind)
            return "bad outbound TCP options";
        const struct pk_opt *w = &want->opts[i], *g = &got->opts[i];
        bool same = true;
        switch (w->kind) {
        case PO_MSS:
        case PO_WSCALE: same = w->a == g->a; break;
        case PO_SACK:
            same = w->nsack == g->nsack;
            for (int k = 0; same && k < w->nsack; k++)
                same = w->sack[k][0] == g->sack[k][0] && w->sack[k][1] == g->sack[k][1];
            break;
        case PO_OTHER: same = false; break;
        default: break; /* NOP, EOL; TS val/ecr are not checked (tcp_ts_tick_usecs=0) */
        }
        if (!same) {
            snprintf(buf, len, "bad value in outbound TCP option %s", opt_name(w->kind));
            return buf;
        }
    }
    return NULL;
}

static bool pop_sent(struct pkt_run *r, int64_t deadline_us, struct pk_sent *out)
{
    while (r->qlen == 0 && r->status == PKT_PASS)
        if (!pk_step(r, deadline_us))
            return false;
    if (r->qlen == 0)
        return false;
    *out = r->q[r->qhead];
    r->qhead = (r->qhead + 1) % r->qcap;
    r->qlen--;
    return true;
}

static int mismatch(struct pkt_run *r, const struct pk_event *ev, const char *what,
                    const struct pk_packet *got, int64_t t_us, int64_t got_us)
{
    char want_s[512], got_s[512];
    pk_format_script(&ev->pkt, want_s, sizeof want_s);
    pk_fail(r, ev, "%s", what);
    pk_note(r, "script packet: %10.6f %s", t_us / 1e6, want_s);
    if (got) {
        pk_format_script(got, got_s, sizeof got_s);
        pk_note(r, "actual packet: %10.6f %s", got_us / 1e6, got_s);
    }
    return PKT_FAIL;
}

static void learn_isn(struct pkt_run *r, const struct pk_packet *want, const struct tcp_segment *s)
{
    struct pk_conn *c = &r->conn;
    bool fresh = (s->flags & TCP_SYN) && (!c->have_isn || c->live_isn != s->seq);
    if (fresh && (want->flags & TCP_SYN || !c->have_isn)) {
        /* A new connection: its own ISN, its own TS val mapping. */
        memset(c, 0, sizeof *c);
        c->have_isn = true;
        c->live_isn = s->seq;
        c->script_isn = (want->flags & TCP_SYN) ? want->seq : 0;
    }
    if (!c->known || (s->flags & TCP_SYN)) {
        c->known = true;
        c->lport = s->src_port;
        c->rport = s->dst_port;
    }
}

static void learn_ts(struct pkt_run *r, const struct pk_packet *want, const struct tcp_segment *s)
{
    if (!(s->opts & TCP_OPT_TS) || want->opts_any)
        return;
    for (int i = 0; i < want->nopts; i++) {
        if (want->opts[i].kind != PO_TS)
            continue;
        struct pk_conn *c = &r->conn;
        if (!c->ts_first) {
            c->ts_first = true;
            c->ts_first_script = want->opts[i].a;
            c->ts_first_live = s->tsval;
        }
        int k = c->ts_n < PK_TS_MAP ? c->ts_n++ : (int)(want->opts[i].a % PK_TS_MAP);
        c->ts_script[k] = want->opts[i].a;
        c->ts_live[k] = s->tsval;
    }
}

int pk_outbound(struct pkt_run *r, const struct pk_event *ev, int64_t t, int64_t t_end)
{
    const struct pk_packet *want = &ev->pkt;
    bool ranged = ev->tkind == PT_ABS_RANGE || ev->tkind == PT_REL_RANGE;
    int64_t hi = ranged ? t_end : t;
    int64_t now = pk_now_us(r);
    int64_t deadline = ev->tkind == PT_ANY ? now + (int64_t)3600 * 1000000
                                           : (hi > now ? hi : now) + 2000000; /* sniff timeout */
    struct pk_sent first, last;
    if (!pop_sent(r, deadline, &first)) {
        if (r->status != PKT_PASS)
            return r->status;
        return mismatch(r, ev, "timed out waiting for an outbound packet", NULL, t, 0);
    }
    learn_isn(r, want, &first.seg);
    last = first;
    uint32_t total = first.seg.len;
    /* packetdrill merges consecutive segments (TSO/GSO) up to the script's
     * length; each must follow the previous one. */
    while (total < want->len && !r->script->strict_segments && !r->cfg.strict_segments) {
        struct pk_sent next;
        if (!pop_sent(r, deadline, &next))
            break;
        if (next.seg.seq != last.seg.seq + last.seg.len || next.seg.src_port != last.seg.src_port ||
            (next.seg.flags & (TCP_SYN | TCP_RST)) != (last.seg.flags & (TCP_SYN | TCP_RST))) {
            /* Not a continuation: it is the next line's packet; what was
             * merged so far is compared (and found short). */
            r->qhead = (r->qhead + r->qcap - 1) % r->qcap;
            r->qlen++;
            break;
        }
        total += next.seg.len;
        last = next;
    }
    if (r->status != PKT_PASS)
        return r->status;
    struct tcp_segment merged = last.seg;
    merged.seq = first.seg.seq;
    struct pk_packet got;
    to_script(r, &merged, total, &got);
    int64_t got_us = last.t / 1000;
    char buf[128];
    if (total != want->len) {
        snprintf(buf, sizeof buf, "live packet payload: expected %u bytes vs actual %u bytes",
                 want->len, total);
        return mismatch(r, ev, buf, &got, t, got_us);
    }
    static const struct {
        uint8_t bit;
        const char *name;
    } fields[] = {{TCP_FIN, "tcp_fin"}, {TCP_SYN, "tcp_syn"}, {TCP_RST, "tcp_rst"},
                  {TCP_PSH, "tcp_psh"}, {TCP_ACK, "tcp_ack"}, {TCP_URG, "tcp_urg"}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if ((want->flags & fields[i].bit) != (got.flags & fields[i].bit)) {
            snprintf(buf, sizeof buf, "live packet field %s: expected: %d vs actual: %d",
                     fields[i].name, !!(want->flags & fields[i].bit),
                     !!(got.flags & fields[i].bit));
            return mismatch(r, ev, buf, &got, t, got_us);
        }
    }
    if (want->ecn_codepoint)
        return mismatch(r, ev, "the IP ECN field is not modelled (only not-ECT is sent)", &got, t,
                        got_us);
    if (want->ece || want->cwr) {
        snprintf(buf, sizeof buf, "live packet field %s: expected: 1 vs actual: 0",
                 want->ece ? "tcp_ece" : "tcp_cwr");
        return mismatch(r, ev, buf, &got, t, got_us);
    }
    if (want->seq != got.seq) {
        snprintf(buf, sizeof buf, "live packet field tcp_seq: expected: %u vs actual: %u",
                 want->seq, got.seq);
        return mismatch(r, ev, buf, &got, t, got_us);
    }
    if ((want->flags & TCP_ACK) && want->ack != got.ack) {
        snprintf(buf, sizeof buf, "live packet field tcp_ack_seq: expected: %u vs actual: %u",
                 want->ack, got.ack);
        return mismatch(r, ev, buf, &got, t, got_us);
    }
    if (want->win >= 0 && want->win != got.win) {
        snprintf(buf, sizeof buf, "live packet field tcp_window: expected: %lld vs actual: %lld",
                 (long long)want->win, (long long)got.win);
        return mismatch(r, ev, buf, &got, t, got_us);
    }
    if (want->urg != got.urg) {
        snprintf(buf, sizeof buf, "live packet field tcp_urg_ptr: expected: %u vs actual: %u",
                 want->urg, got.urg);
        return mismatch(r, ev, buf, &got, t, got_us);
    }
    const char *bad = compare_opts(want, &got, buf, sizeof buf);
    if (bad)
        return mismatch(r, ev, bad, &got, t, got_us);
    learn_ts(r, want, &merged);
    if (ev->tkind != PT_ANY) {
        int64_t tol = pk_tolerance(r, t, r->last_ev_us);
        if (got_us < t - tol || got_us > hi + tol) {
            if (ranged)
                snprintf(buf, sizeof buf,
                         "timing error: expected outbound packet in time range %.6f~%.6f sec "
                         "but happened at %.6f sec",
                         t / 1e6, t_end / 1e6, got_us / 1e6);
            else
                snprintf(buf, sizeof buf,
                         "timing error: expected outbound packet at %.6f sec but happened at "
                         "%.6f sec; tolerance %.6f sec",
                         t / 1e6, got_us / 1e6, tol / 1e6);
            return mismatch(r, ev, buf, &got, t, got_us);
        }
    }
    return PKT_PASS;
}
