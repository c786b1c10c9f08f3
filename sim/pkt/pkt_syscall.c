/* The script's system calls on tcpsim's socket API (include/tcpsim/socket.h):
 * file descriptors numbered as the kernel does (the lowest free one, from 3),
 * blocking by default (O_NONBLOCK through fcntl), results and errno compared
 * with the script's `= value [ERRNO (note)]`. A call that would block
 * returns PK_WAIT; the runner tries it again as the engine runs. */
#include <stdio.h>
#include <string.h>

#include "pkt_run.h"
#include "tcpsim/errors.h"
#include "tcpsim/socket.h"

#define PK_WAIT (-1)
#define PK_O_RDWR 0x2
#define PK_O_NONBLOCK 0x800 /* Linux asm-generic/fcntl.h */

struct pk_fd *pk_fd_of_tcb(struct pkt_run *r, const struct tcb *tcb)
{
    for (int i = 0; i < PK_MAX_FDS; i++)
        if (r->fds[i].used && r->fds[i].tcb == tcb)
            return &r->fds[i];
    return NULL;
}

static void on_connected(void *ctx, struct tcb *tcb, int err)
{
    struct pk_fd *f = pk_fd_of_tcb(ctx, tcb);
    if (f) {
        f->connect_done = true;
        f->connect_err = err;
    }
}

static void on_close_done(void *ctx, struct tcb *tcb, int err)
{
    (void)err;
    struct pk_fd *f = pk_fd_of_tcb(ctx, tcb);
    if (f)
        f->close_done = true;
}

static void on_released(void *ctx, struct tcb *tcb)
{
    struct pkt_run *r = ctx;
    for (int i = 0; i < PK_MAX_FDS; i++) {
        if (r->fds[i].used && r->fds[i].tcb == tcb) {
            r->fds[i].tcb = NULL;
            r->fds[i].close_done = true;
        }
    }
}

void pk_app_ops(struct pkt_run *r)
{
    struct app_ops ops = {
        .connected = on_connected, .close_done = on_close_done, .released = on_released, .ctx = r};
    r->host->app = ops;
}

/* ------------------------------------------------------------ arguments */

static const struct pk_expr *arg(const struct pk_event *ev, size_t i)
{
    return i < ev->call.nargs ? ev->call.args[i] : NULL;
}

static bool is_word(const struct pk_expr *e, const char *w)
{
    return e && e->kind == PE_WORD && strcmp(e->word, w) == 0;
}

/* An integer argument, also [N] (packetdrill's int pointer). */
static bool int_arg(const struct pk_expr *e, int64_t *v)
{
    if (e && e->kind == PE_LIST && e->count == 1)
        e = e->items[0];
    if (!e || e->kind != PE_INT)
        return false;
    *v = e->ival;
    return true;
}

/* Does an OR of words (O_RDWR|O_NONBLOCK) name `w`? */
static bool has_word(const struct pk_expr *e, const char *w)
{
    if (!e)
        return false;
    if (e->kind == PE_OR)
        return has_word(e->items[0], w) || has_word(e->items[1], w);
    return is_word(e, w);
}

static struct pk_fd *fd_arg(struct pkt_run *r, const struct pk_event *ev, int *fdnum)
{
    int64_t fd;
    if (!int_arg(arg(ev, 0), &fd) || fd < 3 || fd >= 3 + PK_MAX_FDS)
        return NULL;
    *fdnum = (int)fd;
    struct pk_fd *f = &r->fds[fd - 3];
    return f->used && !f->closed_by_app ? f : NULL;
}

/* sin_port=htons(N) inside a sockaddr, else 0. */
static uint16_t sockaddr_port(const struct pk_expr *e)
{
    if (!e || e->kind != PE_STRUCT)
        return 0;
    for (size_t i = 0; i < e->count; i++) {
        const struct pk_expr *it = e->items[i];
        if (it->kind == PE_ASSIGN && strcmp(it->word, "sin_port") == 0 && it->count == 1) {
            const struct pk_expr *v = it->items[0];
            if (v->kind == PE_CALL && v->count == 1 && v->items[0]->kind == PE_INT)
                return (uint16_t)v->items[0]->ival;
            if (v->kind == PE_INT)
                return (uint16_t)v->ival;
        }
    }
    return 0;
}

/* --------------------------------------------------------------- results */

static int check(struct pkt_run *r, const struct pk_event *ev, int64_t ret, int err)
{
    const struct pk_expr *want = ev->call.result;
    if (want->kind == PE_ELLIPSIS)
        return PKT_PASS;
    int64_t w;
    if (!int_arg(want, &w))
        return pk_fail(r, ev, "%s(): cannot read the expected result", ev->call.name);
    if (ret != w) {
        if (ret < 0)
            return pk_fail(r, ev, "%s(): expected result %lld but got %lld with errno %s (%s)",
                           ev->call.name, (long long)w, (long long)ret, ts_err_name(err),
                           ts_err_message(err));
        return pk_fail(r, ev, "%s(): expected result %lld but got %lld", ev->call.name,
                       (long long)w, (long long)ret);
    }
    if (ret < 0 && ev->call.err) {
        const char *got = ts_err_name(err);
        const char *e = ev->call.err;
        bool same =
            strcmp(e, got) == 0 || (strcmp(e, "EWOULDBLOCK") == 0 && strcmp(got, "EAGAIN") == 0);
        if (!same)
            return pk_fail(r, ev, "%s(): expected errno %s but got %s (%s)", ev->call.name, e, got,
                           ts_err_message(err));
    }
    return PKT_PASS;
}

static int ret_err(struct pkt_run *r, const struct pk_event *ev, int err, int64_t ok_value)
{
    return err ? check(r, ev, -1, err) : check(r, ev, ok_value, 0);
}

static int unsupported(struct pkt_run *r, const struct pk_event *ev, const char *what)
{
    return pk_fail(r, ev, "%s: not supported by tcpsim's scripted peer", what);
}

/* ----------------------------------------------------------------- calls */

/* packetdrill maps the script's descriptor numbers to live ones, so the
 * number the script expects is the one it gets when free. */
static int lowest_free_fd(struct pkt_run *r, const struct pk_event *ev)
{
    int64_t want;
    if (int_arg(ev->call.result, &want) && want >= 3 && want < 3 + PK_MAX_FDS &&
        !r->fds[want - 3].used)
        return (int)want - 3;
    for (int i = 0; i < PK_MAX_FDS; i++)
        if (!r->fds[i].used)
            return i;
    return -1;
}

static int sys_socket(struct pkt_run *r, const struct pk_event *ev)
{
    if (!is_word(arg(ev, 1), "SOCK_STREAM") && arg(ev, 1) && arg(ev, 1)->kind != PE_ELLIPSIS)
        return unsupported(r, ev, "a socket that is not SOCK_STREAM");
    int i = lowest_free_fd(r, ev);
    if (i < 0)
        return pk_fail(r, ev, "too many open sockets");
    struct pk_fd *f = &r->fds[i];
    memset(f, 0, sizeof *f);
    f->used = true;
    f->ka_idle_s = f->ka_intvl_s = f->ka_cnt = -1;
    f->user_timeout_ms = -1;
    return check(r, ev, i + 3, 0);
}

/* Options set before listen()/connect() reach the new TCB. */
static void apply_opts(struct pk_fd *f)
{
    struct tcb *t = f->tcb;
    if (!t)
        return;
    if (f->rcvbuf || f->sndbuf)
        sock_set_bufs(t, f->rcvbuf, f->sndbuf);
    if (f->nodelay)
        sock_set_nodelay(t, true);
    if (f->reuseaddr)
        sock_set_reuseaddr(t, true);
    if (f->keepalive)
        sock_set_keepalive(t, true);
    sock_set_keepalive_params(t, f->ka_idle_s > 0 ? SIM_S(f->ka_idle_s) : 0,
                              f->ka_intvl_s > 0 ? SIM_S(f->ka_intvl_s) : 0,
                              f->ka_cnt > 0 ? (uint32_t)f->ka_cnt : 0);
    if (f->user_timeout_ms >= 0)
        sock_set_user_timeout(t, SIM_MS(f->user_timeout_ms));
    if (f->linger_on)
        sock_set_linger(t, (struct sock_linger){.on = true, .time = SIM_S(f->linger_s)});
}

static int sys_bind(struct pkt_run *r, const struct pk_event *ev, struct pk_fd *f)
{
    uint16_t port = sockaddr_port(arg(ev, 1));
    f->port = port ? port : PK_PORT;
    return check(r, ev, 0, 0);
}

static int sys_listen(struct pkt_run *r, const struct pk_event *ev, struct pk_fd *f)
{
    int64_t backlog = 0;
    int_arg(arg(ev, 1), &backlog);
    if (f->listening && f->tcb)
        return check(r, ev, 0, 0);
    struct tcb *t;
    int err = sock_listen_reuse(r->host, f->port ? f->port : PK_PORT,
                                (uint32_t)(backlog < 0 ? 0 : backlog), f->reuseaddr, &t);
    if (err)
        return ret_err(r, ev, err, 0);
    f->tcb = t;
    f->listening = true;
    sock_set_accepting(t, false);
    apply_opts(f);
    return check(r, ev, 0, 0);
}

static int sys_accept(struct pkt_run *r, const struct pk_event *ev, struct pk_fd *f)
{
    if (!f->listening || !f->tcb)
        return ret_err(r, ev, TS_EINVAL, 0);
    struct tcb *child;
    int err = sock_accept(f->tcb, &child);
    if (err == TS_EAGAIN && !f->nonblock)
        return PK_WAIT;
    if (err)
        return ret_err(r, ev, err, 0);
    int i = lowest_free_fd(r, ev);
    if (i < 0)
        return pk_fail(r, ev, "too many open sockets");
    struct pk_fd *n = &r->fds[i];
    memset(n, 0, sizeof *n);
    n->used = true;
    n->tcb = child;
    n->port = f->port;
    n->ka_idle_s = n->ka_intvl_s = n->ka_cnt = -1;
    n->user_timeout_ms = -1;
    return check(r, ev, i + 3, 0);
}

static int sys_connect(struct pkt_run *r, const struct pk_event *ev, struct pk_fd *f, bool resume)
{
    if (resume) {
        if (!f->connect_done)
            return PK_WAIT;
        return ret_err(r, ev, f->connect_err, 0);
    }
    if (f->tcb) {
        if (sock_state(f->tcb) == TCP_SYN_SENT)
            return ret_err(r, ev, TS_EALREADY, 0);
        if (f->connect_done && f->connect_err == 0 && !f->listening) {
            return ret_err(r, ev, TS_EISCONN, 0);
        }
        if (f->connect_done && f->connect_err) {
            int err = f->connect_err;
            f->connect_err = 0;
            return ret_err(r, ev, err, 0);
        }
        return ret_err(r, ev, TS_EISCONN, 0);
    }
    /* The SYN leaves inside sock_connect: buffer sizes set before connect()
     * must shape its window and scale, so they go in as the host's for that
     * moment. */
    struct tcp_params saved = r->host->params;
    if (f->rcvbuf)
        r->host->params.rcvbuf = f->rcvbuf;
    if (f->sndbuf)
        r->host->params.sndbuf = f->sndbuf;
    struct tcb *t;
    int err = sock_connect(r->host, PK_REMOTE_ADDR, PK_PORT, f->port, &t);
    r->host->params = saved;
    if (err)
        return ret_err(r, ev, err, 0);
    f->tcb = t;
    apply_opts(f);
    memset(&r->conn, 0, sizeof r->conn); /* the next inbound packets answer this SYN */
    if (f->nonblock)
        return ret_err(r, ev, TS_EINPROGRESS, 0);
    if (f->connect_done)
        return ret_err(r, ev, f->connect_err, 0);
    return PK_WAIT;
}

/* The byte count of an iovec list [{..., N}, ...] or of a msghdr's
 * msg_iov(k)=[...]; -1 when there is none. */
static int64_t iov_bytes(const struct pk_expr *e)
{
    if (!e)
        return -1;
    if (e->kind == PE_ASSIGN && e->count == 1)
        return strncmp(e->word, "msg_iov", 7) == 0 ? iov_bytes(e->items[0]) : -1;
    if (e->kind == PE_LIST) {
        int64_t sum = 0;
        for (size_t i = 0; i < e->count; i++) {
            const struct pk_expr *v = e->items[i];
            if (v->kind == PE_STRUCT && v->count && v->items[v->count - 1]->kind == PE_INT)
                sum += v->items[v->count - 1]->ival;
        }
        return sum;
    }
    if (e->kind == PE_STRUCT) {
        for (size_t i = 0; i < e->count; i++) {
            int64_t n = iov_bytes(e->items[i]);
            if (n >= 0 && e->items[i]->kind == PE_ASSIGN)
                return n;
        }
    }
    return -1;
}

static int sys_write(struct pkt_run *r, const struct pk_event *ev, struct pk_fd *f)
{
    int64_t n = 0;
    const struct pk_expr *len = arg(ev, 2);
    bool msg = strcmp(ev->call.name, "sendmsg") == 0;
    if (msg || strcmp(ev->call.name, "writev") == 0) {
        n = iov_bytes(arg(ev, 1));
        if (n < 0)
            return pk_fail(r, ev, "%s(): cannot read the byte count", ev->call.name);
        len = NULL;
    }
    if (len && len->kind == PE_STRUCT) /* writev-style {..., N} */
        len = len->count ? len->items[len->count - 1] : NULL;
    if (len && (!int_arg(len, &n) || n < 0)) {
        const struct pk_expr *buf = arg(ev, 1);
        if (buf && buf->kind == PE_STRING)
            n = (int64_t)strlen(buf->word);
        else
            return pk_fail(r, ev, "%s(): cannot read the byte count", ev->call.name);
    }
    if (!f->tcb)
        return ret_err(r, ev, TS_EPIPE, 0);
    if (sock_state(f->tcb) == TCP_SYN_SENT && !f->nonblock && n > 0)
        return PK_WAIT; /* sk_stream_wait_connect */
    if (sock_state(f->tcb) == TCP_SYN_SENT && f->nonblock)
        return ret_err(r, ev, TS_EAGAIN, 0);
    int err = n ? sock_send(f->tcb, (uint64_t)n) : 0;
    return ret_err(r, ev, err, n);
}

static int sys_read(struct pkt_run *r, const struct pk_event *ev, struct pk_fd *f)
{
    int64_t n = 0;
    if (strcmp(ev->call.name, "recvmsg") == 0 || strcmp(ev->call.name, "readv") == 0)
        n = iov_bytes(arg(ev, 1));
    else if (!int_arg(arg(ev, 2), &n))
        n = -1;
    if (n < 0)
        return pk_fail(r, ev, "%s(): cannot read the byte count", ev->call.name);
    if (!f->tcb)
        return ret_err(r, ev, TS_ENOTCONN, 0);
    if (n == 0)
        return check(r, ev, 0, 0);
    if (sock_state(f->tcb) == TCP_SYN_SENT)
        return f->nonblock ? ret_err(r, ev, TS_EAGAIN, 0) : PK_WAIT;
    uint64_t got;
    bool eof;
    int err = sock_recv(f->tcb, (uint64_t)n, &got, &eof);
    if (err == TS_EAGAIN && !f->nonblock)
        return PK_WAIT;
    return ret_err(r, ev, err, (int64_t)got);
}

static int sys_close(struct pkt_run *r, const struct pk_event *ev, struct pk_fd *f, bool resume)
{
    if (resume) {
        if (!f->close_done)
            return PK_WAIT;
        memset(f, 0, sizeof *f);
        return check(r, ev, 0, 0);
    }
    if (!f->tcb) {
        memset(f, 0, sizeof *f);
        return check(r, ev, 0, 0);
    }
    struct tcb *t = f->tcb;
    f->closed_by_app = true;
    int err = sock_close(t);
    if (err == TS_EINPROGRESS && !f->close_done && !f->nonblock && f->tcb)
        return PK_WAIT; /* SO_LINGER: close() waits for the FIN's ACK */
    memset(f, 0, sizeof *f);
    return check(r, ev, 0, 0);
}

static int sys_shutdown(struct pkt_run *r, const struct pk_event *ev, struct pk_fd *f)
{
    const struct pk_expr *how = arg(ev, 1);
    int h = is_word(how, "SHUT_RD")     ? 1
            : is_word(how, "SHUT_WR")   ? 2
            : is_word(how, "SHUT_RDWR") ? 3
                                        : 0;
    int64_t v;
    if (!h && int_arg(how, &v) && v >= 0 && v <= 2)
        h = (int)v + 1;
    if (!h)
        return pk_fail(r, ev, "shutdown(): expected SHUT_RD, SHUT_WR or SHUT_RDWR");
    if (!f->tcb)
        return ret_err(r, ev, TS_ENOTCONN, 0);
    return ret_err(r, ev, sock_shutdown(f->tcb, h), 0);
}

static int sys_setsockopt(struct pkt_run *r, const struct pk_event *ev, struct pk_fd *f)
{
    const struct pk_expr *name = arg(ev, 2), *val = arg(ev, 3);
    const char *opt = name && name->kind == PE_WORD ? name->word : "?";
    int64_t v = 0;
    struct tcb *t = f->tcb;
    if (strcmp(opt, "SO_LINGER") == 0) {
        int64_t on = 0, secs = 0;
        if (val && val->kind == PE_STRUCT) {
            for (size_t i = 0; i < val->count; i++) {
                const struct pk_expr *it = val->items[i];
                if (it->kind == PE_ASSIGN && it->count == 1 && it->items[0]->kind == PE_INT) {
                    if (strcmp(it->word, "onoff") == 0 || strcmp(it->word, "l_onoff") == 0)
                        on = it->items[0]->ival;
                    else
                        secs = it->items[0]->ival;
                }
            }
        }
        f->linger_on = on != 0;
        f->linger_s = secs;
        if (t)
            sock_set_linger(t, (struct sock_linger){.on = on != 0, .time = SIM_S(secs)});
        return check(r, ev, 0, 0);
    }
    if (!int_arg(val, &v)) {
        pk_note(r, "%s:%d: note: setsockopt %s value not read", r->script->file, ev->line, opt);
        return check(r, ev, 0, 0);
    }
    if (strcmp(opt, "SO_REUSEADDR") == 0) {
        f->reuseaddr = v != 0;
        if (t)
            sock_set_reuseaddr(t, v != 0);
    } else if (strcmp(opt, "SO_KEEPALIVE") == 0) {
        f->keepalive = v != 0;
        if (t)
            sock_set_keepalive(t, v != 0);
    } else if (strcmp(opt, "SO_RCVBUF") == 0 || strcmp(opt, "SO_SNDBUF") == 0) {
        /* sock_setsockopt: the kernel doubles the value for its overhead */
        uint32_t b = (uint32_t)(v * 2 > 0x7fffffff ? 0x7fffffff : v * 2);
        bool rcv = opt[3] == 'R';
        if (rcv)
            f->rcvbuf = b < 2304 ? 2304 : b; /* SOCK_MIN_RCVBUF */
        else
            f->sndbuf = b < 4608 ? 4608 : b; /* SOCK_MIN_SNDBUF */
        if (t)
            sock_set_bufs(t, rcv ? f->rcvbuf : 0, rcv ? 0 : f->sndbuf);
    } else if (strcmp(opt, "TCP_NODELAY") == 0) {
        f->nodelay = v != 0;
        if (t)
            sock_set_nodelay(t, v != 0);
    } else if (strcmp(opt, "TCP_KEEPIDLE") == 0 || strcmp(opt, "TCP_KEEPINTVL") == 0 ||
               strcmp(opt, "TCP_KEEPCNT") == 0) {
        if (v < 1)
            return ret_err(r, ev, TS_EINVAL, 0);
        bool idle = strcmp(opt, "TCP_KEEPIDLE") == 0, intvl = strcmp(opt, "TCP_KEEPINTVL") == 0;
        if (idle)
            f->ka_idle_s = v;
        else if (intvl)
            f->ka_intvl_s = v;
        else
            f->ka_cnt = v;
        if (t)
            sock_set_keepalive_params(t, idle ? SIM_S(v) : 0, intvl ? SIM_S(v) : 0,
                                      !idle && !intvl ? (uint32_t)v : 0);
    } else if (strcmp(opt, "TCP_USER_TIMEOUT") == 0) {
        if (v < 0)
            return ret_err(r, ev, TS_EINVAL, 0);
        f->user_timeout_ms = v;
        if (t)
            sock_set_user_timeout(t, SIM_MS(v));
    } else {
        pk_note(r, "%s:%d: note: setsockopt %s is accepted but not modelled", r->script->file,
                ev->line, opt);
    }
    return check(r, ev, 0, 0);
}

static int sys_getsockopt(struct pkt_run *r, const struct pk_event *ev, struct pk_fd *f)
{
    const struct pk_expr *name = arg(ev, 2), *val = arg(ev, 3);
    const char *opt = name && name->kind == PE_WORD ? name->word : "?";
    struct tcb *t = f->tcb;
    struct sock_tcp_info ti = {0};
    if (t)
        sock_get_tcp_info(t, &ti);
    int64_t got;
    const char *got_name = NULL;
    if (strcmp(opt, "SO_ERROR") == 0) {
        int e = t ? sock_take_error(t) : 0;
        got = e;
        got_name = e ? ts_err_name(e) : NULL;
    } else if (strcmp(opt, "SO_RCVBUF") == 0) {
        got = t ? ti.rcvbuf : f->rcvbuf ? f->rcvbuf : r->host->params.rcvbuf;
    } else if (strcmp(opt, "SO_SNDBUF") == 0) {
        got = t ? ti.sndbuf : f->sndbuf ? f->sndbuf : r->host->params.sndbuf;
    } else if (strcmp(opt, "TCP_MAXSEG") == 0) {
        got = t && tcp_state_synchronized(ti.state) ? ti.mss - (ti.ts_ok ? 12 : 0) : 536;
    } else if (strcmp(opt, "TCP_NODELAY") == 0) {
        got = f->nodelay;
    } else if (strcmp(opt, "SO_KEEPALIVE") == 0) {
        got = f->keepalive;
    } else if (strcmp(opt, "SO_REUSEADDR") == 0) {
        got = f->reuseaddr;
    } else if (strcmp(opt, "TCP_USER_TIMEOUT") == 0) {
        got = f->user_timeout_ms < 0 ? 0 : f->user_timeout_ms;
    } else {
        pk_note(r, "%s:%d: note: getsockopt %s is not modelled; value not checked", r->script->file,
                ev->line, opt);
        return check(r, ev, 0, 0);
    }
    const struct pk_expr *w = val && val->kind == PE_LIST && val->count == 1 ? val->items[0] : val;
    if (w && w->kind == PE_WORD) {
        if (!got_name || strcmp(got_name, w->word) != 0)
            return pk_fail(r, ev, "getsockopt %s: expected %s but got %s", opt, w->word,
                           got_name ? got_name : "0");
    } else if (w && w->kind == PE_INT && w->ival != got) {
        return pk_fail(r, ev, "getsockopt %s: expected %lld but got %lld", opt, (long long)w->ival,
                       (long long)got);
    }
    return check(r, ev, 0, 0);
}

static int sys_fcntl(struct pkt_run *r, const struct pk_event *ev, struct pk_fd *f)
{
    const struct pk_expr *cmd = arg(ev, 1);
    if (is_word(cmd, "F_GETFL"))
        return check(r, ev, PK_O_RDWR | (f->nonblock ? PK_O_NONBLOCK : 0), 0);
    if (is_word(cmd, "F_SETFL")) {
        const struct pk_expr *flags = arg(ev, 2);
        int64_t v;
        f->nonblock = has_word(flags, "O_NONBLOCK") || (int_arg(flags, &v) && (v & PK_O_NONBLOCK));
        return check(r, ev, 0, 0);
    }
    return unsupported(r, ev, "this fcntl command");
}

static int sys_ioctl(struct pkt_run *r, const struct pk_event *ev, struct pk_fd *f)
{
    const struct pk_expr *req = arg(ev, 1);
    int64_t got;
    if (is_word(req, "SIOCINQ") || is_word(req, "FIONREAD"))
        got = f->tcb ? (int64_t)sock_recv_queue(f->tcb) : 0;
    else if (is_word(req, "SIOCOUTQ") || is_word(req, "TIOCOUTQ"))
        got = f->tcb ? (int64_t)sock_send_queue(f->tcb) : 0;
    else
        return unsupported(r, ev, "this ioctl");
    int64_t want;
    if (int_arg(arg(ev, 2), &want) && want != got)
        return pk_fail(r, ev, "ioctl(): expected %lld but got %lld", (long long)want,
                       (long long)got);
    return check(r, ev, 0, 0);
}

/* ----------------------------------------------------------------- poll */

#define PK_POLLIN 0x1
#define PK_POLLPRI 0x2
#define PK_POLLOUT 0x4
#define PK_POLLERR 0x8
#define PK_POLLHUP 0x10
#define PK_POLLNVAL 0x20
#define PK_POLLRDNORM 0x40
#define PK_POLLWRNORM 0x100
#define PK_POLLRDHUP 0x2000

static bool poll_value(const struct pk_expr *e, int64_t *v)
{
    static const struct {
        const char *name;
        int64_t bit;
    } names[] = {
        {"POLLIN", PK_POLLIN},         {"POLLPRI", PK_POLLPRI},       {"POLLOUT", PK_POLLOUT},
        {"POLLERR", PK_POLLERR},       {"POLLHUP", PK_POLLHUP},       {"POLLNVAL", PK_POLLNVAL},
        {"POLLRDNORM", PK_POLLRDNORM}, {"POLLWRNORM", PK_POLLWRNORM}, {"POLLRDHUP", PK_POLLRDHUP}};
    if (!e)
        return false;
    if (e->kind == PE_INT) {
        *v = e->ival;
        return true;
    }
    if (e->kind == PE_OR) {
        int64_t a, b;
        if (!poll_value(e->items[0], &a) || !poll_value(e->items[1], &b))
            return false;
        *v = a | b;
        return true;
    }
    if (e->kind == PE_WORD)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcmp(e->word, names[i].name) == 0) {
                *v = names[i].bit;
                return true;
            }
    return false;
}

static const struct pk_expr *field(const struct pk_expr *st, const char *name)
{
    for (size_t i = 0; st && i < st->count; i++)
        if (st->items[i]->kind == PE_ASSIGN && strcmp(st->items[i]->word, name) == 0 &&
            st->items[i]->count == 1)
            return st->items[i]->items[0];
    return NULL;
}

/* Linux tcp_poll's mask for a socket. */
static int64_t poll_mask(struct pkt_run *r, const struct pk_fd *f)
{
    (void)r;
    if (!f->tcb)
        return PK_POLLHUP | PK_POLLIN | PK_POLLRDNORM | PK_POLLRDHUP | PK_POLLOUT | PK_POLLWRNORM;
    struct sock_tcp_info t;
    sock_get_tcp_info(f->tcb, &t);
    if (t.state == TCP_LISTEN) {
        struct sock_info info;
        sock_get_info(f->tcb, &info); /* a listener's recv_q: connections awaiting accept */
        return info.recv_q ? PK_POLLIN | PK_POLLRDNORM : 0;
    }
    int64_t mask = 0;
    bool closed = t.state == TCP_CLOSED;
    bool rcv_shut = t.fin_rcvd || t.rd_shut || closed;
    bool snd_shut = t.wr_shut || closed;
    if ((rcv_shut && snd_shut) || closed)
        mask |= PK_POLLHUP;
    if (rcv_shut)
        mask |= PK_POLLIN | PK_POLLRDNORM | PK_POLLRDHUP;
    if (t.state != TCP_SYN_SENT && t.state != TCP_SYN_RECV) {
        if (sock_recv_queue(f->tcb) > 0)
            mask |= PK_POLLIN | PK_POLLRDNORM;
        /* sk_stream_is_writeable: free space at least a third of the buffer */
        uint64_t queued = sock_send_queue(f->tcb);
        if (snd_shut || queued * 3 < (uint64_t)t.sndbuf * 2)
            mask |= PK_POLLOUT | PK_POLLWRNORM;
    }
    if (t.so_error)
        mask |= PK_POLLERR;
    return mask;
}

static int sys_poll(struct pkt_run *r, const struct pk_event *ev, bool resume)
{
    const struct pk_expr *list = arg(ev, 0);
    int64_t timeout_ms = -1;
    int_arg(arg(ev, 2), &timeout_ms);
    if (!list || list->kind != PE_LIST)
        return pk_fail(r, ev, "poll(): expected a list of {fd=..., events=...}");
    int ready = 0;
    int64_t got[16] = {0};
    for (size_t i = 0; i < list->count && i < 16; i++) {
        const struct pk_expr *pfd = list->items[i];
        int64_t fd, events = 0;
        if (!int_arg(field(pfd, "fd"), &fd) || !poll_value(field(pfd, "events"), &events))
            return pk_fail(r, ev, "poll(): cannot read fd and events of entry %zu", i + 1);
        const struct pk_fd *f =
            fd >= 3 && fd < 3 + PK_MAX_FDS && r->fds[fd - 3].used ? &r->fds[fd - 3] : NULL;
        got[i] = f ? poll_mask(r, f) & (events | PK_POLLERR | PK_POLLHUP) : PK_POLLNVAL;
        ready += got[i] != 0;
    }
    if (!ready) {
        if (!resume)
            r->poll_deadline_us = timeout_ms < 0 ? -1 : pk_now_us(r) + timeout_ms * 1000;
        if (timeout_ms != 0 && (r->poll_deadline_us < 0 || pk_now_us(r) < r->poll_deadline_us)) {
            if (r->poll_deadline_us >= 0)
                pk_wake_at(r, r->poll_deadline_us);
            return PK_WAIT;
        }
    }
    for (size_t i = 0; i < list->count && i < 16; i++) {
        int64_t want;
        const struct pk_expr *rev = field(list->items[i], "revents");
        if (rev && poll_value(rev, &want) && want != got[i])
            return pk_fail(r, ev, "poll(): entry %zu: expected revents 0x%llx but got 0x%llx",
                           i + 1, (long long)want, (long long)got[i]);
    }
    return check(r, ev, ready, 0);
}

int pk_syscall(struct pkt_run *r, const struct pk_event *ev, bool resume)
{
    const char *n = ev->call.name;
    if (strcmp(n, "socket") == 0)
        return sys_socket(r, ev);
    if (strcmp(n, "poll") == 0)
        return sys_poll(r, ev, resume);
    int fd = -1;
    struct pk_fd *f = fd_arg(r, ev, &fd);
    if (resume && !f && strcmp(n, "close") == 0) {
        int64_t v;
        if (int_arg(arg(ev, 0), &v) && v >= 3 && v < 3 + PK_MAX_FDS)
            f = &r->fds[v - 3];
    }
    if (!f) {
        if (strcmp(n, "close") == 0 || strcmp(n, "read") == 0 || strcmp(n, "write") == 0 ||
            strcmp(n, "bind") == 0 || strcmp(n, "listen") == 0 || strcmp(n, "accept") == 0 ||
            strcmp(n, "connect") == 0 || strcmp(n, "send") == 0 || strcmp(n, "recv") == 0 ||
            strcmp(n, "shutdown") == 0 || strcmp(n, "setsockopt") == 0 ||
            strcmp(n, "getsockopt") == 0 || strcmp(n, "fcntl") == 0)
            return check(r, ev, -1, TS_EBADF);
        return unsupported(r, ev, n);
    }
    if (strcmp(n, "bind") == 0)
        return sys_bind(r, ev, f);
    if (strcmp(n, "listen") == 0)
        return sys_listen(r, ev, f);
    if (strcmp(n, "accept") == 0 || strcmp(n, "accept4") == 0)
        return sys_accept(r, ev, f);
    if (strcmp(n, "connect") == 0)
        return sys_connect(r, ev, f, resume);
    if (strcmp(n, "write") == 0 || strcmp(n, "send") == 0 || strcmp(n, "sendto") == 0 ||
        strcmp(n, "writev") == 0 || strcmp(n, "sendmsg") == 0)
        return sys_write(r, ev, f);
    if (strcmp(n, "read") == 0 || strcmp(n, "recv") == 0 || strcmp(n, "recvfrom") == 0 ||
        strcmp(n, "recvmsg") == 0 || strcmp(n, "readv") == 0)
        return sys_read(r, ev, f);
    if (strcmp(n, "close") == 0)
        return sys_close(r, ev, f, resume);
    if (strcmp(n, "shutdown") == 0)
        return sys_shutdown(r, ev, f);
    if (strcmp(n, "setsockopt") == 0)
        return sys_setsockopt(r, ev, f);
    if (strcmp(n, "getsockopt") == 0)
        return sys_getsockopt(r, ev, f);
    if (strcmp(n, "fcntl") == 0)
        return sys_fcntl(r, ev, f);
    if (strcmp(n, "ioctl") == 0)
        return sys_ioctl(r, ev, f);
    return unsupported(r, ev, n);
}
