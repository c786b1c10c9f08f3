/* The `expect:` block: one line of text per expectation, read word by word.
 *
 *   SUBJ states S1 S2 ...              every state the socket passed through
 *   SUBJ state at TIME is S            its state at an instant
 *   SUBJ final state is S
 *   SUBJ CALL returns RET              RET: 0 (succeeded), a count N > 0 (succeeded
 *                                      returning N, as the timeline's `send() = N`)
 *                                      or an errno name (ETIMEDOUT);
 *                                      for getsockopt (SO_ERROR), the error read
 *   SUBJ in S for OP DURATION          total time spent in S
 *   HOST sockets in S at TIME OP N     sockets of a host in S at an instant
 *   count HOST DIR FLAGS [rexmit rto|fast|tlp|any] OP N [from TIME] [to TIME]
 *   count HOST CALL returns RET OP N [from TIME] [to TIME]   calls that returned RET
 *
 * SUBJ is HOST (its socket "conn"), HOST.SOCK or HOST#ID (connection id).
 * OP is one of == != < <= > >=; DIR is tx, rx or drop; FLAGS as in faults
 * ("SA" exactly, "R*" at least R, "*" any); "rexmit" counts only segments
 * sent again for that reason. Errors point at the word. */
#include "scenario_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"

#define SCN_LINE_MAX 512
#define SCN_TOKENS_MAX 48

struct scn_line {
    struct scn_ctx *ctx;
    const struct ynode *node;
    char buf[SCN_LINE_MAX];
    const char *tok[SCN_TOKENS_MAX];
    size_t off[SCN_TOKENS_MAX]; /* byte offset of each word in the text */
    size_t n, i;
    size_t end; /* offset just past the last word */
};

static const char *const scn_ops[] = {"==", "!=", "<", "<=", ">", ">="}; /* enum expect_op */
static const char *const scn_dirs[] = {"tx", "rx", "drop"};              /* enum trace_seg_dir */
static const char *const scn_ret_calls[] = {"listen",     "connect",   "accept", "send",
                                            "recv",       "shutdown",  "close",  "abort",
                                            "setsockopt", "getsockopt"};
#define SCN_RET_CALLS (sizeof scn_ret_calls / sizeof scn_ret_calls[0])

static const char *scn_peek(const struct scn_line *l) { return l->i < l->n ? l->tok[l->i] : NULL; }
static size_t scn_here(const struct scn_line *l) { return l->i < l->n ? l->off[l->i] : l->end; }

/* "cannot read expectation: expected WHAT after AFTER, got 'WORD'". */
static int scn_expected(struct scn_line *l, const char *what, const char *after)
{
    const char *got = scn_peek(l);
    if (got)
        return scn_error_at(l->ctx, l->node, scn_here(l),
                            "cannot read expectation: expected %s after %s, got '%.40s'", what,
                            after, got);
    return scn_error_at(l->ctx, l->node, scn_here(l),
                        "cannot read expectation: expected %s after %s, got the end of the line",
                        what, after);
}

static int scn_word(struct scn_line *l, const char *word, const char *after)
{
    char what[32];
    const char *t = scn_peek(l);
    if (t && strcmp(t, word) == 0) {
        l->i++;
        return 0;
    }
    snprintf(what, sizeof what, "'%s'", word);
    return scn_expected(l, what, after);
}

static int scn_state(struct scn_line *l, const char *after, enum tcp_state *out)
{
    const char *names[TCP_STATE_COUNT];
    const char *t = scn_peek(l);
    if (!t)
        return scn_expected(l, "a state name", after);
    int s = tcp_state_from_name(t);
    if (s < 0) {
        for (int i = 0; i < TCP_STATE_COUNT; i++)
            names[i] = tcp_state_name((enum tcp_state)i);
        return scn_unknown(l->ctx, l->node, scn_here(l), "state", NULL, t, names, TCP_STATE_COUNT);
    }
    *out = (enum tcp_state)s;
    l->i++;
    return 0;
}

static int scn_time(struct scn_line *l, const char *after, sim_time_t *out)
{
    const char *t = scn_peek(l);
    if (!t)
        return scn_expected(l, "a time", after);
    enum scn_parse rc = scn_parse_duration(t, out);
    if (rc == SCN_PARSE_NEGATIVE)
        return scn_error_at(l->ctx, l->node, scn_here(l), "negative duration '%.40s'", t);
    if (rc != SCN_PARSE_OK)
        return scn_error_at(l->ctx, l->node, scn_here(l),
                            "expected a duration like 200ms, 2s, 1.5s or 4min, got '%.40s'", t);
    l->i++;
    return 0;
}

static int scn_op(struct scn_line *l, const char *after, enum expect_op *out)
{
    const char *t = scn_peek(l);
    for (size_t i = 0; t && i < 6; i++) {
        if (strcmp(t, scn_ops[i]) == 0) {
            *out = (enum expect_op)i;
            l->i++;
            return 0;
        }
    }
    return scn_expected(l, "a comparison (== != < <= > >=)", after);
}

static int scn_count(struct scn_line *l, int64_t *out)
{
    uint64_t v;
    const char *t = scn_peek(l);
    if (!t || scn_parse_uint(t, &v) != SCN_PARSE_OK || v > INT64_MAX)
        return scn_expected(l, "a number", "the comparison");
    *out = (int64_t)v;
    l->i++;
    return 0;
}

/* HOST, HOST.SOCK or HOST#ID. */
static int scn_subject(struct scn_line *l, struct expectation *e)
{
    char name[SCN_LINE_MAX];
    const char *t = scn_peek(l);
    size_t at = scn_here(l);
    size_t cut = strcspn(t, ".#");

    memcpy(name, t, cut);
    name[cut] = '\0';
    if (scn_host_ref(l->ctx, l->node, at, name, &e->host) < 0)
        return -1;
    if (t[cut] == '#') {
        uint64_t id;
        if (scn_parse_uint(t + cut + 1, &id) != SCN_PARSE_OK || id < 1 || id > UINT32_MAX)
            return scn_error_at(l->ctx, l->node, at + cut + 1,
                                "cannot read expectation: expected a connection number after "
                                "'#', got '%.40s'",
                                t + cut + 1);
        e->conn_id = (uint32_t)id;
    } else {
        const char *sock = t[cut] == '.' ? t + cut + 1 : "conn";
        if (!scn_valid_name(sock))
            return scn_error_at(l->ctx, l->node, at + cut + 1,
                                "cannot read expectation: bad socket name '%.40s'", sock);
        e->sock = strdup(sock);
        if (!e->sock)
            return scn_error(l->ctx, l->node, "out of memory");
    }
    l->i++;
    return 0;
}

static int scn_states(struct scn_line *l, struct expectation *e)
{
    size_t n = l->n - l->i;
    if (n == 0)
        return scn_expected(l, "state names", "'states'");
    e->states = calloc(n, sizeof *e->states);
    if (!e->states)
        return scn_error(l->ctx, l->node, "out of memory");
    while (scn_peek(l))
        if (scn_state(l, "'states'", &e->states[e->state_count++]) < 0)
            return -1;
    return 0;
}

static int scn_window(struct scn_line *l, struct expectation *e);
static int scn_returns(struct scn_line *l, struct expectation *e);

/* count HOST CALL returns RET OP N [from TIME] [to TIME] */
static int scn_call_count(struct scn_line *l, struct expectation *e)
{
    if (scn_returns(l, e) < 0)
        return -1;
    e->kind = EXPECT_CALL_COUNT;
    if (scn_op(l, "the return value", &e->op) < 0 || scn_count(l, &e->value) < 0)
        return -1;
    return scn_window(l, e);
}

/* count HOST DIR FLAGS [rexmit rto|fast|tlp|any] OP N [from TIME] [to TIME] */
static int scn_seg_count(struct scn_line *l, struct expectation *e)
{
    const char *t;
    e->kind = EXPECT_SEG_COUNT;
    if (!scn_peek(l))
        return scn_expected(l, "a host", "'count'");
    size_t at = scn_here(l);
    if (scn_subject(l, e) < 0)
        return -1;
    if (e->conn_id || strcmp(e->sock, "conn") != 0 || strpbrk(l->tok[l->i - 1], ".#"))
        return scn_error_at(l->ctx, l->node, at,
                            "cannot read expectation: 'count' takes a host name, not a socket");
    free(e->sock);
    e->sock = NULL;
    t = scn_peek(l);
    if (t && l->i + 1 < l->n && !strcmp(l->tok[l->i + 1], "returns"))
        return scn_call_count(l, e);
    size_t d = 0;
    while (t && d < 3 && strcmp(t, scn_dirs[d]) != 0)
        d++;
    if (!t || d == 3)
        return scn_expected(l, "tx, rx, drop or CALL returns", "the host");
    e->dir = (enum trace_seg_dir)d;
    l->i++;
    if (!(t = scn_peek(l)))
        return scn_expected(l, "flags like SA, R* or *", "the direction");
    if (scn_flags(l->ctx, l->node, scn_here(l), t, &e->flags_set, &e->flags_mask) < 0)
        return -1;
    l->i++;
    if ((t = scn_peek(l)) && strcmp(t, "rexmit") == 0) {
        l->i++;
        t = scn_peek(l);
        if (t && strcmp(t, "rto") == 0)
            e->rexmit = EXPECT_REXMIT_RTO;
        else if (t && strcmp(t, "fast") == 0)
            e->rexmit = EXPECT_REXMIT_FAST;
        else if (t && strcmp(t, "tlp") == 0)
            e->rexmit = EXPECT_REXMIT_TLP;
        else if (t && strcmp(t, "any") == 0)
            e->rexmit = EXPECT_REXMIT_ANY;
        else
            return scn_expected(l, "rto, fast, tlp or any", "'rexmit'");
        l->i++;
    }
    if (scn_op(l, "the flags", &e->op) < 0 || scn_count(l, &e->value) < 0)
        return -1;
    return scn_window(l, e);
}

static int scn_window(struct scn_line *l, struct expectation *e)
{
    const char *t;
    if ((t = scn_peek(l)) && strcmp(t, "from") == 0) {
        l->i++;
        if (scn_time(l, "'from'", &e->from) < 0)
            return -1;
    }
    if ((t = scn_peek(l)) && strcmp(t, "to") == 0) {
        l->i++;
        if (scn_time(l, "'to'", &e->to) < 0)
            return -1;
    }
    return 0;
}

static int scn_returns(struct scn_line *l, struct expectation *e)
{
    const char *names[TS_ERR_COUNT];
    const char *call = scn_peek(l);
    size_t c = 0;
    while (c < SCN_RET_CALLS && strcmp(call, scn_ret_calls[c]) != 0)
        c++;
    if (c == SCN_RET_CALLS)
        return scn_unknown(l->ctx, l->node, scn_here(l), "call", NULL, call, scn_ret_calls,
                           SCN_RET_CALLS);
    e->kind = EXPECT_RETURNS;
    e->call = strdup(call);
    if (!e->call)
        return scn_error(l->ctx, l->node, "out of memory");
    l->i += 2; /* CALL returns */
    const char *ret = scn_peek(l);
    if (!ret)
        return scn_expected(l, "0, a count or an errno name", "'returns'");
    e->ret_value = -1;
    if (ret[0] >= '1' && ret[0] <= '9') {
        /* A count, as the timeline prints `send() = 1000`. */
        char *end;
        long long n = strtoll(ret, &end, 10);
        if (*end != '\0' || n <= 0 || n > INT64_MAX / 2)
            return scn_expected(l, "0, a count or an errno name", "'returns'");
        e->ret = 0;
        e->ret_value = n;
        l->i++;
        return 0;
    }
    e->ret = ts_err_from_name(ret);
    if (e->ret < 0) {
        for (int i = 0; i < TS_ERR_COUNT; i++)
            names[i] = ts_err_name(i);
        return scn_unknown(l->ctx, l->node, scn_here(l), "return value", NULL, ret, names,
                           TS_ERR_COUNT);
    }
    l->i++;
    return 0;
}

/* Everything after the subject. */
static int scn_predicate(struct scn_line *l, struct expectation *e)
{
    const char *t = scn_peek(l);
    if (t && !strcmp(t, "states")) {
        e->kind = EXPECT_STATES;
        l->i++;
        return scn_states(l, e);
    }
    if (t && !strcmp(t, "state")) {
        e->kind = EXPECT_STATE_AT;
        l->i++;
        return scn_word(l, "at", "'state'") < 0 || scn_time(l, "'state at'", &e->at) < 0 ||
                       scn_word(l, "is", "state at TIME") < 0 || scn_state(l, "'is'", &e->state) < 0
                   ? -1
                   : 0;
    }
    if (t && !strcmp(t, "final")) {
        e->kind = EXPECT_FINAL_STATE;
        l->i++;
        return scn_word(l, "state", "'final'") < 0 || scn_word(l, "is", "'final state'") < 0 ||
                       scn_state(l, "'is'", &e->state) < 0
                   ? -1
                   : 0;
    }
    if (t && !strcmp(t, "in")) {
        e->kind = EXPECT_TIME_IN;
        l->i++;
        return scn_state(l, "'in'", &e->state) < 0 || scn_word(l, "for", "in STATE") < 0 ||
                       scn_op(l, "'for'", &e->op) < 0 ||
                       scn_time(l, "the comparison", &e->value) < 0
                   ? -1
                   : 0;
    }
    if (t && !strcmp(t, "sockets")) {
        e->kind = EXPECT_SOCKETS_IN;
        if (e->conn_id || strcmp(e->sock, "conn") != 0 || strpbrk(l->tok[l->i - 1], ".#"))
            return scn_error_at(l->ctx, l->node, l->off[l->i - 1],
                                "cannot read expectation: 'sockets in' takes a host name, not a "
                                "socket");
        free(e->sock);
        e->sock = NULL;
        l->i++;
        return scn_word(l, "in", "'sockets'") < 0 || scn_state(l, "'in'", &e->state) < 0 ||
                       scn_word(l, "at", "sockets in STATE") < 0 ||
                       scn_time(l, "'at'", &e->at) < 0 || scn_op(l, "the time", &e->op) < 0 ||
                       scn_count(l, &e->value) < 0
                   ? -1
                   : 0;
    }
    if (t && l->i + 1 < l->n && !strcmp(l->tok[l->i + 1], "returns"))
        return scn_returns(l, e);
    return scn_expected(l, "states, state at, final state, in, sockets in or CALL returns",
                        "the subject");
}

static int scn_tokenize(struct scn_line *l)
{
    const char *text = l->node->text;
    size_t len = strlen(text);
    if (len >= SCN_LINE_MAX)
        return scn_error(l->ctx, l->node, "expectation too long (over %d characters)",
                         SCN_LINE_MAX - 1);
    memcpy(l->buf, text, len + 1);
    for (size_t p = 0; p < len;) {
        while (p < len && (l->buf[p] == ' ' || l->buf[p] == '\t' || l->buf[p] == '\n'))
            l->buf[p++] = '\0';
        if (p == len)
            break;
        if (l->n == SCN_TOKENS_MAX)
            return scn_error(l->ctx, l->node, "expectation has too many words");
        l->off[l->n] = p;
        l->tok[l->n++] = &l->buf[p];
        while (p < len && l->buf[p] != ' ' && l->buf[p] != '\t' && l->buf[p] != '\n')
            p++;
        l->end = p;
    }
    return 0;
}

static int scn_load_expect(struct scn_ctx *ctx, const struct ynode *node, struct expectation *e)
{
    struct scn_line l = {.ctx = ctx, .node = node};

    e->pos = (struct src_pos){node->line, node->col};
    e->from = 0;
    e->to = SIM_TIME_NEVER;
    if (node->kind != YNODE_SCALAR)
        return scn_error(ctx, node,
                         "an expectation is one line of text, like "
                         "'client final state is CLOSED' (is there a ': ' in it?)");
    e->text = strdup(node->text);
    if (!e->text)
        return scn_error(ctx, node, "out of memory");
    if (scn_tokenize(&l) < 0)
        return -1;
    if (l.n == 0)
        return scn_error(ctx, node, "cannot read expectation: it is empty");
    if (!strcmp(l.tok[0], "count")) {
        l.i = 1;
        if (scn_seg_count(&l, e) < 0)
            return -1;
    } else if (scn_subject(&l, e) < 0 || scn_predicate(&l, e) < 0) {
        return -1;
    }
    if (scn_peek(&l))
        return scn_error_at(ctx, node, scn_here(&l),
                            "cannot read expectation: unexpected '%.40s' at the end", scn_peek(&l));
    return 0;
}

int scn_load_expects(struct scn_ctx *ctx, const struct ynode *root)
{
    struct scenario *sc = ctx->sc;
    const struct ynode *list = ydoc_get(root, "expect");

    if (!list || ydoc_is_null(list))
        return 0;
    if (scn_want_seq(ctx, list, "expect") < 0)
        return -1;
    sc->expects = calloc(list->count ? list->count : 1, sizeof *sc->expects);
    if (!sc->expects)
        return scn_error(ctx, list, "out of memory");
    for (size_t i = 0; i < list->count; i++) {
        sc->expect_count = i + 1; /* so scenario_free sees a half-read one */
        if (scn_load_expect(ctx, list->kids[i], &sc->expects[i]) < 0)
            return -1;
    }
    return 0;
}
