/* The scripted peer's state while a script runs (private to sim/pkt). */
#ifndef TCPSIM_PKT_RUN_H
#define TCPSIM_PKT_RUN_H

#include <stdarg.h>

#include "pkt_internal.h"
#include "tcpsim/host.h"
#include "tcpsim/net.h"

/* packetdrill's addresses (config.c, ksft_runner.sh): the kernel under test
 * is 192.168.0.1, the scripted remote 192.0.2.1; bind() and connect() use
 * port 8080. */
#define PK_LOCAL_ADDR 0xC0A80001u  /* 192.168.0.1 */
#define PK_REMOTE_ADDR 0xC0000201u /* 192.0.2.1 */
#define PK_PORT 8080
#define PK_REMOTE_EPHEMERAL 40001 /* the peer's port toward a listener */
#define PK_MAX_FDS 64
#define PK_TS_MAP 64

struct tcb;

struct pk_fd {
    bool used;
    bool listening;
    bool nonblock;
    bool reuseaddr;
    bool closed_by_app;
    uint16_t port; /* bound port (0: none) */
    struct tcb *tcb;
    /* options set before the TCB exists (applied when it is made) */
    uint32_t rcvbuf, sndbuf;
    bool nodelay, keepalive;
    int64_t ka_idle_s, ka_intvl_s, ka_cnt;
    int64_t user_timeout_ms;
    bool linger_on;
    int64_t linger_s;
    /* completion of calls that wait */
    bool connect_done;
    int connect_err;
    bool close_done;
};

/* What the script's view of the one connection needs: the endpoint's ISN as
 * sent and as the script numbers it (packetdrill's relative numbering),
 * and the script->actual TS val map for inbound TS ecr. */
struct pk_conn {
    uint16_t lport, rport;
    bool known;
    bool have_isn;
    uint32_t live_isn, script_isn;
    uint32_t ts_script[PK_TS_MAP], ts_live[PK_TS_MAP];
    int ts_n;
    bool ts_first;
    uint32_t ts_first_script, ts_first_live;
};

struct pk_sent {
    struct tcp_segment seg;
    sim_time_t t;
};

struct pkt_run {
    const struct pkt_script *script;
    struct pkt_config cfg;
    struct net net;
    struct host *host;
    int64_t tol_us;
    /* segments the endpoint sent, not yet matched */
    struct pk_sent *q;
    size_t qhead, qlen, qcap;
    bool live_ts_seen;
    uint32_t last_live_tsval; /* the endpoint's latest TS val on the wire */
    struct pk_fd fds[PK_MAX_FDS];
    struct pk_conn conn;
    /* the blocking call in progress (packetdrill's syscall thread) */
    const struct pk_event *blk;
    int64_t blk_start_us, blk_end_us;
    int64_t poll_deadline_us; /* a waiting poll()'s timeout, -1: none */
    struct sim_timer wake;    /* wakes the waiting call at its timeout */
    /* timing */
    const struct pk_event *last_ev;
    int64_t last_ev_us; /* the last event's script time after adjustment */
    int64_t script_start_us;
    /* the result */
    int status;
    char *report;
    size_t reportlen, rlen;
    bool oom;
};

static inline int64_t pk_now_us(const struct pkt_run *r) { return r->net.engine.now / 1000; }

/* pkt_run.c */
void pk_note(struct pkt_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records the first failure at `ev` (file:line: message); returns PKT_FAIL. */
int pk_fail(struct pkt_run *r, const struct pk_event *ev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Runs the engine to `until_us`, completing the blocking call on the way. */
void pk_advance(struct pkt_run *r, int64_t until_us);
/* Runs the engine's next instant (if any before `limit_us`); false when idle. */
bool pk_step(struct pkt_run *r, int64_t limit_us);
int64_t pk_tolerance(const struct pkt_run *r, int64_t script_us, int64_t last_us);
/* Makes the engine stop at `t_us`, so a waiting call can time out. */
void pk_wake_at(struct pkt_run *r, int64_t t_us);

/* pkt_match.c */
int pk_inbound(struct pkt_run *r, const struct pk_event *ev);
int pk_outbound(struct pkt_run *r, const struct pk_event *ev, int64_t t_us, int64_t t_end_us);
/* tcpdump-style line of a script packet, or of an actual segment in script numbering. */
void pk_format_script(const struct pk_packet *pk, char *out, size_t len);

/* pkt_syscall.c */
/* Runs the call; returns PKT_PASS, PKT_FAIL, or -1 when it must wait. */
int pk_syscall(struct pkt_run *r, const struct pk_event *ev, bool may_block);
void pk_app_ops(struct pkt_run *r);
struct pk_fd *pk_fd_of_tcb(struct pkt_run *r, const struct tcb *tcb);

/* pkt_shell.c */
int pk_command(struct pkt_run *r, const struct pk_event *ev, const char *text);
int pk_code(struct pkt_run *r, const struct pk_event *ev);
void pk_apply_defaults(struct tcp_params *p);

#endif
