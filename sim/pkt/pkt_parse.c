/* The packetdrill parser: tokens -> struct pkt_script (a list of events).
 * The grammar is packetdrill's (gtests/net/packetdrill/parser.y) for TCP over
 * IPv4: `--option=value` lines, an optional init `command`, then events, each
 * a time and one of a packet (`<`/`>`), a system call, a `command` or a
 * %{ code }% block. Errors name file:line:col and what was expected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pkt_internal.h"
#include "tcpsim/errors.h"

struct ps {
    const char *file;
    const struct pk_token *t;
    size_t n, i;
    char *err;
    size_t errlen;
    bool failed;
    int depth;
};

static const struct pk_token *cur(struct ps *p) { return &p->t[p->i]; }
static const struct pk_token *peek(struct ps *p, size_t k)
{
    size_t j = p->i + k;
    return &p->t[j < p->n ? j : p->n - 1];
}

static void describe(const struct pk_token *t, char *out, size_t len)
{
    switch (t->kind) {
    case PK_EOF: snprintf(out, len, "end of file"); break;
    case PK_PUNCT: snprintf(out, len, "'%c'", t->punct); break;
    case PK_ELLIPSIS: snprintf(out, len, "'...'"); break;
    case PK_STRING: snprintf(out, len, "a string"); break;
    case PK_BACKQ: snprintf(out, len, "a `command`"); break;
    case PK_CODE: snprintf(out, len, "a %%{ code }%% block"); break;
    default: snprintf(out, len, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->text); break;
    }
}

static bool fail_at(struct ps *p, const struct pk_token *t, const char *expected)
{
    if (p->failed)
        return false;
    char found[64];
    describe(t, found, sizeof found);
    snprintf(p->err, p->errlen, "%s:%d:%d: expected %s, found %s", p->file, t->line, t->col,
             expected, found);
    p->failed = true;
    return false;
}

static bool fail_msg(struct ps *p, const struct pk_token *t, const char *msg)
{
    if (p->failed)
        return false;
    snprintf(p->err, p->errlen, "%s:%d:%d: %s", p->file, t->line, t->col, msg);
    p->failed = true;
    return false;
}

static bool is_punct(const struct pk_token *t, char c)
{
    return t->kind == PK_PUNCT && t->punct == c;
}
static bool is_word(const struct pk_token *t, const char *w)
{
    return t->kind == PK_WORD && t->len == strlen(w) && memcmp(t->text, w, t->len) == 0;
}

static bool expect_punct(struct ps *p, char c)
{
    if (!is_punct(cur(p), c)) {
        char what[8];
        snprintf(what, sizeof what, "'%c'", c);
        return fail_at(p, cur(p), what);
    }
    p->i++;
    return true;
}

static bool expect_uint(struct ps *p, const char *what, uint32_t *out)
{
    const struct pk_token *t = cur(p);
    if (t->kind != PK_INT || t->ival < 0 || t->ival > UINT32_MAX)
        return fail_at(p, t, what);
    *out = (uint32_t)t->ival;
    p->i++;
    return true;
}

static char *dup_text(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* ------------------------------------------------------------------ times */

static bool parse_time_value(struct ps *p, int64_t *us)
{
    const struct pk_token *t = cur(p);
    if (t->kind == PK_INT) {
        if (t->ival < 0 || t->ival > 1000000000)
            return fail_msg(p, t, "time out of range (0 to 1e9 seconds)");
        *us = t->ival * 1000000;
    } else if (t->kind == PK_FLOAT) {
        if (t->fval < 0 || t->fval > 1e9)
            return fail_msg(p, t, "time out of range (0 to 1e9 seconds)");
        *us = (int64_t)(t->fval * 1e6 + 0.5);
    } else {
        return fail_at(p, t, "a time in seconds");
    }
    p->i++;
    return true;
}

static bool parse_event_time(struct ps *p, struct pk_event *ev)
{
    const struct pk_token *t = cur(p);
    ev->line = t->line;
    ev->col = t->col;
    if (is_punct(t, '*')) {
        p->i++;
        ev->tkind = PT_ANY;
        return true;
    }
    bool rel = false;
    if (is_punct(t, '+')) {
        rel = true;
        p->i++;
    }
    if (!parse_time_value(p, &ev->t_us))
        return false;
    ev->tkind = rel ? PT_REL : PT_ABS;
    if (is_punct(cur(p), '~')) {
        p->i++;
        if (rel && !expect_punct(p, '+'))
            return false;
        if (!parse_time_value(p, &ev->t_end_us))
            return false;
        ev->tkind = rel ? PT_REL_RANGE : PT_ABS_RANGE;
        if (ev->t_end_us < ev->t_us)
            return fail_msg(p, t, "time range ends before it starts");
    }
    return true;
}

/* ---------------------------------------------------------------- packets */

static bool parse_flags(struct ps *p, struct pk_packet *pk)
{
    const struct pk_token *t = cur(p);
    if (is_punct(t, '-')) {
        p->i++;
        return true;
    }
    if (is_punct(t, '.')) {
        pk->flags = TCP_ACK;
        p->i++;
        return true;
    }
    if (t->kind != PK_WORD)
        return fail_at(p, t, "TCP flags (S, F, R, P, ., U, E, W or -)");
    for (size_t k = 0; k < t->len; k++) {
        switch (t->text[k]) {
        case 'S': pk->flags |= TCP_SYN; break;
        case 'F': pk->flags |= TCP_FIN; break;
        case 'R': pk->flags |= TCP_RST; break;
        case 'P': pk->flags |= TCP_PSH; break;
        case 'U': pk->flags |= TCP_URG; break;
        case 'E': pk->ece = true; break;
        case 'W': pk->cwr = true; break;
        default: return fail_at(p, t, "TCP flags (S, F, R, P, ., U, E, W or -)");
        }
    }
    p->i++;
    if (is_punct(cur(p), '.') && !cur(p)->space_before) {
        pk->flags |= TCP_ACK;
        p->i++;
    }
    return true;
}

static bool parse_option(struct ps *p, struct pk_opt *o)
{
    const struct pk_token *t = cur(p);
    memset(o, 0, sizeof *o);
    if (t->kind != PK_WORD)
        return fail_at(p, t,
                       "a TCP option (nop, eol, mss N, wscale N, sackOK, sack L:R, TS val "
                       "N ecr N)");
    p->i++;
    if (is_word(t, "nop")) {
        o->kind = PO_NOP;
    } else if (is_word(t, "eol")) {
        o->kind = PO_EOL;
    } else if (is_word(t, "mss")) {
        o->kind = PO_MSS;
        if (!expect_uint(p, "an MSS value", &o->a))
            return false;
        if (o->a > 65535)
            return fail_msg(p, t, "mss must be at most 65535");
    } else if (is_word(t, "wscale")) {
        o->kind = PO_WSCALE;
        if (!expect_uint(p, "a window scale shift", &o->a))
            return false;
        if (o->a > 255)
            return fail_msg(p, t, "wscale must be at most 255");
    } else if (is_word(t, "sackOK")) {
        o->kind = PO_SACKOK;
    } else if (is_word(t, "sack")) {
        o->kind = PO_SACK;
        while (cur(p)->kind == PK_INT) {
            if (o->nsack >= TCP_MAX_SACK_BLOCKS)
                return fail_msg(p, cur(p), "at most 4 SACK blocks fit in a segment");
            if (!expect_uint(p, "a SACK block start", &o->sack[o->nsack][0]) ||
                !expect_punct(p, ':') || !expect_uint(p, "a SACK block end", &o->sack[o->nsack][1]))
                return false;
            o->nsack++;
        }
        if (o->nsack == 0)
            return fail_at(p, cur(p), "a SACK block (left:right)");
    } else if (is_word(t, "TS")) {
        o->kind = PO_TS;
        if (!is_word(cur(p), "val"))
            return fail_at(p, cur(p), "'val' after TS");
        p->i++;
        if (!expect_uint(p, "a TS val", &o->a))
            return false;
        if (!is_word(cur(p), "ecr"))
            return fail_at(p, cur(p), "'ecr' after the TS val");
        p->i++;
        if (!expect_uint(p, "a TS ecr", &o->b))
            return false;
    } else if (is_word(t, "FO") || is_word(t, "FOEXP") || is_word(t, "md5") || is_word(t, "ECN")) {
        o->kind = PO_OTHER;
        snprintf(o->name, sizeof o->name, "%.*s", (int)t->len, t->text);
        while (cur(p)->kind == PK_WORD || cur(p)->kind == PK_INT)
            p->i++; /* cookie / key / counters: not modelled */
    } else {
        return fail_at(p, t,
                       "a TCP option (nop, eol, mss N, wscale N, sackOK, sack L:R, TS val "
                       "N ecr N)");
    }
    return true;
}

static bool parse_options(struct ps *p, struct pk_packet *pk)
{
    if (!is_punct(cur(p), '<'))
        return true;
    p->i++;
    if (cur(p)->kind == PK_ELLIPSIS) {
        p->i++;
        pk->opts_any = true;
        return expect_punct(p, '>');
    }
    for (;;) {
        if (pk->nopts >= PK_MAX_OPTS)
            return fail_msg(p, cur(p), "too many TCP options");
        if (!parse_option(p, &pk->opts[pk->nopts++]))
            return false;
        if (is_punct(cur(p), ','))
            p->i++;
        else
            break;
    }
    return expect_punct(p, '>');
}

static bool parse_packet(struct ps *p, struct pk_event *ev)
{
    struct pk_packet *pk = &ev->pkt;
    const struct pk_token *dir = cur(p);
    ev->kind = PK_EV_PACKET;
    pk->inbound = is_punct(dir, '<');
    pk->win = -1;
    p->i++;
    /* Optional port info: `< 8080>40000 S ...` is rare; accept INT '>' INT. */
    if (cur(p)->kind == PK_INT && is_punct(peek(p, 1), '>') && peek(p, 2)->kind == PK_INT) {
        uint32_t a, b;
        if (!expect_uint(p, "a port", &a) || !expect_punct(p, '>') || !expect_uint(p, "a port", &b))
            return false;
        if (a > 65535 || b > 65535)
            return fail_msg(p, cur(p), "port out of range");
        pk->sport = (uint16_t)a;
        pk->dport = (uint16_t)b;
    }
    /* Optional IP info: (tos 0x..), [ect0], [noecn], (ttl N), ... */
    if (is_punct(cur(p), '(') || is_punct(cur(p), '[')) {
        char close = is_punct(cur(p), '(') ? ')' : ']';
        p->i++;
        const struct pk_token *w = cur(p);
        pk->ecn_codepoint =
            is_word(w, "ect0") || is_word(w, "ect1") || is_word(w, "ce") || is_word(w, "ect01");
        while (!is_punct(cur(p), close)) {
            if (cur(p)->kind == PK_EOF || is_punct(cur(p), '<') || is_punct(cur(p), '>'))
                return fail_at(p, cur(p),
                               close == ')' ? "')' closing the IP info"
                                            : "']' closing the IP info");
            p->i++;
        }
        p->i++;
    }
    const struct pk_token *ft = cur(p);
    if (ft->kind == PK_WORD && (is_word(ft, "udp") || is_word(ft, "icmp")))
        return fail_msg(p, ft, "only TCP packets are supported (not udp or icmp)");
    if (!parse_flags(p, pk))
        return false;
    if (!expect_uint(p, "a sequence range start:end(length)", &pk->seq) || !expect_punct(p, ':') ||
        !expect_uint(p, "a sequence range end", &pk->seq_end) || !expect_punct(p, '(') ||
        !expect_uint(p, "a payload length", &pk->len) || !expect_punct(p, ')'))
        return false;
    if (pk->seq_end - pk->seq != pk->len)
        return fail_msg(p, ft, "the sequence range does not match the payload length");
    if (pk->len > 1000000)
        return fail_msg(p, ft, "payload longer than 1000000 octets");
    for (;;) {
        const struct pk_token *t = cur(p);
        if (is_word(t, "ack")) {
            p->i++;
            if (!expect_uint(p, "an ACK number", &pk->ack))
                return false;
            pk->has_ack = true;
        } else if (is_word(t, "win")) {
            p->i++;
            uint32_t w;
            if (!expect_uint(p, "a window", &w))
                return false;
            if (w > 65535)
                return fail_msg(p, t, "win must be at most 65535");
            pk->win = w;
        } else if (is_word(t, "urg")) {
            p->i++;
            if (!expect_uint(p, "an urgent pointer", &pk->urg))
                return false;
        } else {
            break;
        }
    }
    if (pk->inbound && pk->win < 0) /* packetdrill tcp_packet.c */
        return fail_msg(p, dir, "inbound packets need a window (win N)");
    return parse_options(p, pk);
}

/* ------------------------------------------------------------ expressions */

static void expr_free(struct pk_expr *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->count; i++)
        expr_free(e->items[i]);
    free(e->items);
    free(e->word);
    free(e);
}

static struct pk_expr *expr_new(struct ps *p, enum pk_expr_kind kind, const struct pk_token *t)
{
    struct pk_expr *e = calloc(1, sizeof *e);
    if (!e) {
        fail_msg(p, t, "out of memory");
        return NULL;
    }
    e->kind = kind;
    e->line = t->line;
    e->col = t->col;
    return e;
}

static bool expr_add(struct ps *p, struct pk_expr *e, struct pk_expr *item)
{
    struct pk_expr **items = realloc(e->items, (e->count + 1) * sizeof *items);
    if (!items) {
        expr_free(item);
        return fail_msg(p, cur(p), "out of memory");
    }
    e->items = items;
    e->items[e->count++] = item;
    return true;
}

static struct pk_expr *parse_expr(struct ps *p);

/* Items up to `close`, separated by commas. */
static bool parse_items(struct ps *p, struct pk_expr *e, char close)
{
    if (is_punct(cur(p), close)) {
        p->i++;
        return true;
    }
    for (;;) {
        struct pk_expr *item = parse_expr(p);
        if (!item || !expr_add(p, e, item))
            return false;
        if (is_punct(cur(p), ',')) {
            p->i++;
            continue;
        }
        return expect_punct(p, close);
    }
}

static struct pk_expr *parse_primary(struct ps *p)
{
    const struct pk_token *t = cur(p);
    struct pk_expr *e = NULL;
    if (t->kind == PK_ELLIPSIS) {
        p->i++;
        return expr_new(p, PE_ELLIPSIS, t);
    }
    if (t->kind == PK_INT) {
        p->i++;
        if ((e = expr_new(p, PE_INT, t)))
            e->ival = t->ival;
        return e;
    }
    if (t->kind == PK_STRING) {
        p->i++;
        if (!(e = expr_new(p, PE_STRING, t)))
            return NULL;
        e->word = dup_text(t->text, t->len);
        while (cur(p)->kind == PK_STRING) /* "a" "b": concatenation */
            p->i++;
        if (cur(p)->kind == PK_ELLIPSIS) /* "abc"... */
            p->i++;
        return e;
    }
    if (is_punct(t, '[') || is_punct(t, '{')) {
        p->i++;
        if (!(e = expr_new(p, is_punct(t, '[') ? PE_LIST : PE_STRUCT, t)))
            return NULL;
        if (!parse_items(p, e, is_punct(t, '[') ? ']' : '}')) {
            expr_free(e);
            return NULL;
        }
        return e;
    }
    if (t->kind == PK_WORD) {
        p->i++;
        if (is_punct(cur(p), '(')) { /* htons(8080), inet_addr("..."), msg_name(...) */
            p->i++;
            if (!(e = expr_new(p, PE_CALL, t)))
                return NULL;
            e->word = dup_text(t->text, t->len);
            if (!parse_items(p, e, ')')) {
                expr_free(e);
                return NULL;
            }
        } else {
            if (!(e = expr_new(p, PE_WORD, t)))
                return NULL;
            e->word = dup_text(t->text, t->len);
        }
        if (is_punct(cur(p), '=')) { /* name=value, f(x)=value */
            p->i++;
            struct pk_expr *a = expr_new(p, PE_ASSIGN, t);
            struct pk_expr *v = a ? parse_expr(p) : NULL;
            if (!a || !v) {
                expr_free(a);
                expr_free(e);
                return NULL;
            }
            a->word = e->kind == PE_WORD ? e->word : dup_text(t->text, t->len);
            if (e->kind == PE_WORD)
                e->word = NULL;
            expr_free(e);
            if (!expr_add(p, a, v)) {
                expr_free(a);
                return NULL;
            }
            return a;
        }
        return e;
    }
    fail_at(p, t, "an expression (a number, word, \"string\", [list], {struct} or ...)");
    return NULL;
}

static struct pk_expr *parse_expr(struct ps *p)
{
    if (++p->depth > 32) {
        fail_msg(p, cur(p), "expression nested too deeply");
        return NULL;
    }
    struct pk_expr *e = parse_primary(p);
    while (e && is_punct(cur(p), '|')) {
        const struct pk_token *t = cur(p);
        p->i++;
        struct pk_expr *rhs = parse_primary(p);
        struct pk_expr *o = rhs ? expr_new(p, PE_OR, t) : NULL;
        if (!o) {
            expr_free(rhs);
            expr_free(e);
            e = NULL;
            break;
        }
        if (!expr_add(p, o, e) || !expr_add(p, o, rhs)) {
            expr_free(o);
            e = NULL;
            break;
        }
        e = o;
    }
    p->depth--;
    return e;
}

/* -------------------------------------------------------------- syscalls */

static bool parse_syscall(struct ps *p, struct pk_event *ev)
{
    struct pk_syscall *c = &ev->call;
    ev->kind = PK_EV_SYSCALL;
    if (cur(p)->kind == PK_ELLIPSIS) {
        p->i++;
        c->blocking = true;
        if (!parse_time_value(p, &c->end_us))
            return false;
    }
    const struct pk_token *name = cur(p);
    if (name->kind != PK_WORD)
        return fail_at(p, name, "a packet ('<' or '>'), a system call, a `command` or %{ code }%");
    p->i++;
    c->name = dup_text(name->text, name->len);
    if (!c->name)
        return fail_msg(p, name, "out of memory");
    if (!expect_punct(p, '('))
        return false;
    struct pk_expr holder = {.kind = PE_LIST};
    bool ok = parse_items(p, &holder, ')');
    c->args = holder.items;
    c->nargs = holder.count;
    if (!ok)
        return false;
    if (!is_punct(cur(p), '='))
        return fail_at(p, cur(p), "'=' and the expected return value");
    p->i++;
    c->result = parse_expr(p);
    if (!c->result)
        return false;
    /* Optional errno name and a (note) in parentheses. */
    if (cur(p)->kind == PK_WORD) { /* no event starts with a word */
        const struct pk_token *t = cur(p);
        c->err = dup_text(t->text, t->len);
        p->i++;
    }
    if (is_punct(cur(p), '(')) {
        int depth = 0;
        do {
            if (cur(p)->kind == PK_EOF)
                return fail_at(p, cur(p), "')' closing the note");
            if (is_punct(cur(p), '('))
                depth++;
            else if (is_punct(cur(p), ')'))
                depth--;
            p->i++;
        } while (depth > 0);
    }
    return true;
}

/* ------------------------------------------------------------------ script */

static bool add_event(struct ps *p, struct pkt_script *s, struct pk_event **out)
{
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        struct pk_event *ev = realloc(s->events, cap * sizeof *ev);
        if (!ev)
            return fail_msg(p, cur(p), "out of memory");
        s->events = ev;
        s->cap = cap;
    }
    *out = &s->events[s->count++];
    memset(*out, 0, sizeof **out);
    return true;
}

static bool parse_option_line(struct ps *p, struct pkt_script *s)
{
    const struct pk_token *t = cur(p);
    p->i++;
    const char *name = t->text;
    size_t n = t->len;
    if (n == strlen("strict_segments") && memcmp(name, "strict_segments", n) == 0)
        s->strict_segments = true;
    if (!is_punct(cur(p), '=') || cur(p)->line != t->line)
        return true; /* a flag option */
    p->i++;
    const struct pk_token *v = cur(p);
    if (v->kind == PK_EOF || v->line != t->line)
        return fail_at(p, v, "an option value");
    /* The value is the rest of the line (an address, a word, NAME=VALUE). */
    while (cur(p)->kind != PK_EOF && cur(p)->line == t->line)
        p->i++;
    if (n == strlen("tolerance_usecs") && memcmp(name, "tolerance_usecs", n) == 0) {
        if (v->kind != PK_INT || v->ival < 0)
            return fail_at(p, v, "a number of microseconds");
        s->tolerance_us = v->ival;
    }
    return true;
}

static bool parse_script(struct ps *p, struct pkt_script *s)
{
    while (cur(p)->kind == PK_OPTION)
        if (!parse_option_line(p, s))
            return false;
    if (cur(p)->kind == PK_BACKQ) {
        s->init_command = dup_text(cur(p)->text, cur(p)->len);
        p->i++;
    }
    while (cur(p)->kind != PK_EOF) {
        const struct pk_token *t = cur(p);
        if (t->kind == PK_BACKQ && peek(p, 1)->kind == PK_EOF && s->count > 0) {
            s->cleanup_command = dup_text(t->text, t->len);
            p->i++;
            break;
        }
        if (t->kind == PK_OPTION)
            return fail_msg(p, t, "options (--name=value) go before the first event");
        struct pk_event *ev;
        if (!add_event(p, s, &ev) || !parse_event_time(p, ev))
            return false;
        t = cur(p);
        if (is_punct(t, '<') || is_punct(t, '>')) {
            if (!parse_packet(p, ev))
                return false;
        } else if (t->kind == PK_BACKQ) {
            ev->kind = PK_EV_COMMAND;
            ev->text = dup_text(t->text, t->len);
            p->i++;
        } else if (t->kind == PK_CODE) {
            ev->kind = PK_EV_CODE;
            ev->text = dup_text(t->text, t->len);
            p->i++;
        } else if (!parse_syscall(p, ev)) {
            return false;
        }
        if ((ev->kind == PK_EV_COMMAND || ev->kind == PK_EV_CODE) && !ev->text)
            return fail_msg(p, t, "out of memory");
    }
    if (s->count == 0)
        return fail_msg(p, cur(p), "the script has no events");
    if ((s->events[0].tkind != PT_ABS && s->events[0].tkind != PT_REL) || s->events[0].t_us != 0) {
        const struct pk_event *e0 = &s->events[0];
        snprintf(p->err, p->errlen, "%s:%d:%d: the first event should be at time 0", p->file,
                 e0->line, e0->col);
        p->failed = true;
        return false;
    }
    return true;
}

void pkt_script_free(struct pkt_script *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++) {
        struct pk_event *ev = &s->events[i];
        free(ev->text);
        free(ev->call.name);
        free(ev->call.err);
        for (size_t k = 0; k < ev->call.nargs; k++)
            expr_free(ev->call.args[k]);
        free(ev->call.args);
        expr_free(ev->call.result);
    }
    free(s->events);
    free(s->init_command);
    free(s->cleanup_command);
    free(s->profile);
    free(s->file);
    free(s);
}

size_t pkt_script_events(const struct pkt_script *s) { return s ? s->count : 0; }

int pkt_parse(const char *name, const char *buf, size_t len, struct pkt_script **out, char *err,
              size_t errlen)
{
    *out = NULL;
    struct pk_lexer_out lx;
    char lerr[200];
    if (pk_lex(buf, len, &lx, lerr, sizeof lerr) != 0) {
        snprintf(err, errlen, "%s:%s", name, lerr);
        free(lx.toks);
        return PKT_BAD;
    }
    struct pkt_script *s = calloc(1, sizeof *s);
    if (!s || !(s->file = strdup(name))) {
        free(s);
        free(lx.toks);
        snprintf(err, errlen, "%s: out of memory", name);
        return PKT_BAD;
    }
    s->tolerance_us = -1;
    struct ps p = {.file = name, .t = lx.toks, .n = lx.count, .err = err, .errlen = errlen};
    bool ok = parse_script(&p, s);
    free(lx.toks);
    if (!ok) {
        pkt_script_free(s);
        return PKT_BAD;
    }
    *out = s;
    return PKT_PASS;
}

/* Only regular files are read: opening a FIFO would wait for a writer. */
static bool regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int pkt_load(const char *path, struct pkt_script **out, char *err, size_t errlen)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        return PKT_BAD;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, ts_err_message(TS_ENOENT));
        return PKT_BAD;
    }
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len < cap)
            break;
        if (cap >= (size_t)64 << 20) {
            fclose(f);
            free(buf);
            snprintf(err, errlen, "%s: file larger than 64 MiB", path);
            return PKT_BAD;
        }
        char *grown = realloc(buf, cap * 2);
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    fclose(f);
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", path);
        return PKT_BAD;
    }
    size_t n = strlen(path);
    bool yaml = (n > 5 && strcmp(path + n - 5, ".yaml") == 0) ||
                (n > 4 && strcmp(path + n - 4, ".yml") == 0);
    int rc = yaml ? pkt_parse_yaml(path, buf, len, out, err, errlen)
                  : pkt_parse(path, buf, len, out, err, errlen);
    free(buf);
    return rc;
}

bool pkt_file_is_script(const char *path)
{
    size_t n = strlen(path);
    if (n > 4 && strcmp(path + n - 4, ".pkt") == 0)
        return true;
    bool yaml = (n > 5 && strcmp(path + n - 5, ".yaml") == 0) ||
                (n > 4 && strcmp(path + n - 4, ".yml") == 0);
    FILE *f = yaml && regular_file(path) ? fopen(path, "rb") : NULL;
    if (!f)
        return false;
    char *buf = malloc((size_t)1 << 20);
    size_t len = buf ? fread(buf, 1, ((size_t)1 << 20) - 1, f) : 0;
    fclose(f);
    /* Cheap test first: a top-level "peer:" key at the start of a line. */
    bool maybe = false;
    for (size_t i = 0; buf && i + 5 <= len && !maybe; i++)
        maybe = (i == 0 || buf[i - 1] == '\n') && memcmp(buf + i, "peer:", 5) == 0;
    bool yes = maybe && pkt_yaml_is_script(buf, len);
    free(buf);
    return yes;
}
