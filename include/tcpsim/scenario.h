/* A scenario: what the network does and what the applications do, as loaded
 * from YAML (scenario_load). Everything here is plain data; the runner turns
 * it into an engine, hosts and links. Times are absolute virtual times. */
#ifndef TCPSIM_SCENARIO_H
#define TCPSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpsim/link.h"
#include "tcpsim/middlebox.h"
#include "tcpsim/segment.h"
#include "tcpsim/tcp_params.h"
#include "tcpsim/trace.h"

/* Where in the YAML file something was written (1-based, for people). */
struct src_pos {
    int line;
    int col;
};

struct scenario_host {
    char *name;            /* "client" */
    uint32_t addr;         /* IPv4, host order */
    struct tcp_params tcp; /* scenario tcp: + profile, then this host's tcp: overrides */
    bool autoread;         /* app reads everything as it arrives (default true) */
    bool close_on_eof;     /* app closes its socket when a read returns EOF (default false) */
    uint32_t read_rate;    /* autoread pace, bytes/s; 0 = reads everything at once */
    struct src_pos pos;
};

enum step_call {
    STEP_LISTEN,
    STEP_CONNECT,
    STEP_SEND,
    STEP_RECV,
    STEP_SHUTDOWN,
    STEP_CLOSE,
    STEP_ABORT,
    STEP_SETSOCKOPT,
    STEP_CRASH,      /* host stops sending/receiving (silently) */
    STEP_REBOOT,     /* crashed host comes back with no connections */
    STEP_INJECT,     /* a forged segment on a socket's 4-tuple (blind attacker) */
    STEP_FLOOD,      /* spoofed SYNs that never complete (SYN flood) */
    STEP_GETSOCKOPT, /* getsockopt(SO_ERROR): reads and clears the pending error */
    STEP_DESTROY,    /* `ss -K` (SOCK_DESTROY): the socket is aborted from outside */
};

enum shutdown_how { SHUT_HOW_RD = 1, SHUT_HOW_WR = 2, SHUT_HOW_RDWR = 3 };

/* Socket options a step may set; only the fields in `set_mask` apply. */
enum sockopt_bit {
    SOCKOPT_LINGER = 1 << 0,
    SOCKOPT_KEEPALIVE = 1 << 1,
    SOCKOPT_KEEPIDLE = 1 << 2,
    SOCKOPT_KEEPINTVL = 1 << 3,
    SOCKOPT_KEEPCNT = 1 << 4,
    SOCKOPT_NODELAY = 1 << 5,
    SOCKOPT_USER_TIMEOUT = 1 << 6,
    SOCKOPT_AUTOREAD = 1 << 7,
    SOCKOPT_RCVBUF = 1 << 8,
    SOCKOPT_SNDBUF = 1 << 9,
    SOCKOPT_ACCEPT = 1 << 10,    /* listener: the application calls accept() */
    SOCKOPT_READ_RATE = 1 << 11, /* not a real socket option: the app's read pace */
    SOCKOPT_REUSEADDR = 1 << 12,
    SOCKOPT_SYNCNT = 1 << 13, /* TCP_SYNCNT: this socket's SYN retransmissions */
};

struct sockopts {
    uint32_t set_mask;
    bool linger_on;
    sim_time_t linger; /* SO_LINGER l_linger */
    bool keepalive;
    sim_time_t keepidle, keepintvl;
    uint32_t keepcnt;
    bool nodelay;
    sim_time_t user_timeout;
    bool autoread;
    uint32_t rcvbuf, sndbuf;
    bool accept;
    uint32_t read_rate; /* bytes/s; 0 = unpaced */
    bool reuseaddr;
    uint32_t syncnt;
};

struct scenario_step {
    sim_time_t at;
    int host; /* index into scenario.hosts */
    enum step_call call;
    char *sock;          /* socket name ("conn" by default; "listener" for listen) */
    uint16_t port;       /* listen: local port; connect: remote port */
    uint16_t local_port; /* connect: 0 = ephemeral */
    int peer;            /* connect: remote host index */
    uint64_t bytes;      /* send / recv: octets (recv 0 = everything available) */
    bool wait;           /* recv: blocking, waits for data, EOF or an error */
    char *text;          /* send: literal octets (bytes = their count), or NULL */
    enum shutdown_how how;
    uint32_t backlog;               /* listen backlog (0 = somaxconn) */
    struct sockopts opts;           /* setsockopt, or options applied at connect/listen */
    uint8_t inject_flags;           /* inject: control bits of the forged segment */
    int64_t seq_offset;             /* inject: SEG.SEQ = the socket's SND.NXT + seq_offset */
    int64_t ack_offset;             /* inject: SEG.ACK = the socket's RCV.NXT + ack_offset */
    int32_t inject_win;             /* inject: the window field; -1 = 1024 */
    struct tcp_segment inject_opts; /* inject: options (opts, mss, wscale, TS, SACK
                                     * blocks as offsets from SEG.ACK) */
    uint32_t flood_count;           /* flood: SYNs to send */
    sim_time_t flood_interval;      /* flood: time between them */
    uint32_t spoof_addr;            /* flood: forged source address; 0 = random per SYN */
    struct src_pos pos;
};

/* A workload: a population of client connections to one server port,
 * played by application logic on top of the socket API (sim/run/workload.c).
 * Who closes first decides where TIME_WAIT accumulates. */
enum wl_close {
    WL_CLOSE_CLIENT, /* the client closes after its last response */
    WL_CLOSE_SERVER, /* the server closes after the last response */
    WL_CLOSE_BOTH,   /* both at once: FINs cross (CLOSING) */
    WL_CLOSE_NONE,   /* nobody: connections stay open (keep-alive limits aside) */
};

struct scenario_workload {
    char *name;
    int client, server;  /* host indexes */
    uint16_t port;       /* the server application listens here at `start` */
    uint32_t count;      /* connections the client opens */
    sim_time_t start;    /* first connect (the server listens then) */
    sim_time_t interval; /* between connects (from interval: or rate:) */
    uint64_t request;    /* octets per request */
    uint64_t response;   /* octets per response */
    uint32_t requests;   /* requests per connection (0: connect only) */
    sim_time_t think;    /* client pause between a response and its next request */
    enum wl_close close;
    uint32_t
        max_requests; /* server: close after N responses (MaxKeepAliveRequests); 0 = no limit */
    sim_time_t idle_timeout;  /* server: close after this idle (KeepAliveTimeout); 0 = never */
    bool server_never_closes; /* the server application leaks its sockets (CLOSE_WAIT) */
    bool keepalive;           /* both applications set SO_KEEPALIVE */
    sim_time_t client_exit;   /* the client process exits: its sockets close; NEVER = no */
    sim_time_t server_exit;   /* the server process exits: listener and sockets close */
    struct src_pos pos;
};

/* A scripted fault on one direction (from host index -> the other host). */
enum fault_kind { FAULT_DROP, FAULT_PARTITION };
struct scenario_fault {
    enum fault_kind kind;
    int from_host;              /* -1 = both directions */
    struct link_drop_rule rule; /* FAULT_DROP */
    sim_time_t from, to;        /* FAULT_PARTITION */
    struct src_pos pos;
};

enum expect_kind {
    EXPECT_STATES,      /* HOST[.SOCK] states S1 S2 ... */
    EXPECT_STATE_AT,    /* HOST[.SOCK] state at T is S */
    EXPECT_FINAL_STATE, /* HOST[.SOCK] final state is S */
    EXPECT_RETURNS,     /* HOST[.SOCK] CALL returns RET */
    EXPECT_TIME_IN,     /* HOST[.SOCK] in S for OP DURATION */
    EXPECT_SEG_COUNT,   /* count HOST DIR FLAGS OP N [from T] [to T] */
    EXPECT_SOCKETS_IN,  /* HOST sockets in S at T OP N */
    EXPECT_CALL_COUNT,  /* count HOST CALL returns RET OP N [from T] [to T] */
};

enum expect_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

/* SEG_COUNT "rexmit" filter: which retransmissions count. */
enum expect_rexmit {
    EXPECT_REXMIT_NONE,
    EXPECT_REXMIT_RTO,
    EXPECT_REXMIT_FAST,
    EXPECT_REXMIT_ANY,
    EXPECT_REXMIT_TLP,
};

struct expectation {
    enum expect_kind kind;
    char *text; /* the line as written, for messages */
    struct src_pos pos;
    int host;               /* host index */
    char *sock;             /* socket name; NULL with conn_id set or for host-wide kinds */
    uint32_t conn_id;       /* HOST#ID form; 0 = by name */
    enum tcp_state *states; /* EXPECT_STATES */
    size_t state_count;
    enum tcp_state state;   /* STATE_AT, FINAL_STATE, TIME_IN, SOCKETS_IN */
    sim_time_t at;          /* STATE_AT, SOCKETS_IN */
    char *call;             /* RETURNS, CALL_COUNT: "connect", "send", "recv", "close", ... */
    int ret;                /* RETURNS, CALL_COUNT: enum ts_err */
    int64_t ret_value;      /* RETURNS, CALL_COUNT: the count a successful call returned; -1: any */
    enum trace_seg_dir dir; /* SEG_COUNT */
    uint8_t flags_set;      /* SEG_COUNT: flags that must be set */
    uint8_t flags_mask;     /* SEG_COUNT: flags that are compared (exact: all six) */
    enum expect_op op;      /* SEG_COUNT, TIME_IN, SOCKETS_IN */
    int64_t value;          /* count, or duration in ns for TIME_IN */
    sim_time_t from, to;    /* SEG_COUNT window; to = SIM_TIME_NEVER when open */
    uint8_t rexmit;         /* SEG_COUNT: enum expect_rexmit filter */
};

struct scenario {
    char *file; /* path it was loaded from */
    char *name;
    char *description;
    uint64_t seed;
    sim_time_t stop; /* SIM_TIME_NEVER: run until nothing is pending */
    enum tcp_profile profile;
    struct link_params link[2];        /* [0]: hosts[0] -> hosts[1]; [1]: reverse */
    struct middlebox_params middlebox; /* idle_timeout 0: none */
    struct scenario_host *hosts;
    size_t host_count;           /* exactly 2 for now */
    struct scenario_step *steps; /* sorted by time, stable */
    size_t step_count;
    struct scenario_fault *faults;
    size_t fault_count;
    struct scenario_workload *workloads;
    size_t workload_count;
    struct expectation *expects;
    size_t expect_count;
};

/* Maximum length of an error message from the loader (with source line). */
#define SCENARIO_ERROR_MAX 1024

/* Loads and validates `path`. `overrides` are "key=value" strings (from
 * --set) applied after the file, each named by its dotted path
 * ("link.loss", "tcp.msl", "seed", "hosts.client.tcp.keepalive").
 * On failure returns -1 and writes "file:line:col: message" (plus the source
 * line and a caret) into `error`; on success returns 0. Never exits. */
int scenario_load(const char *path, const char *const *overrides, size_t override_count,
                  struct scenario *out, char *error, size_t error_size);
/* The same from text in memory (a generated scenario, a fuzzer's input);
 * `path` names it in messages and is the default name. */
int scenario_load_text(const char *path, const char *text, size_t len, const char *const *overrides,
                       size_t override_count, struct scenario *out, char *error, size_t error_size);
void scenario_free(struct scenario *scenario);

/* Parsers shared by the loader and --set; return 0 or -1. */
int scenario_parse_duration(const char *text, sim_time_t *out);  /* "200ms" "1.5s" "4min" "0" */
int scenario_parse_percent_ppm(const char *text, uint32_t *out); /* "1%" "0.5%" */
int scenario_parse_rate_bps(const char *text, uint64_t *out);    /* "100Mbit" "10Mbps" "1Gbit" */
int scenario_parse_addr(const char *text, uint32_t *out);        /* "10.0.0.1" */

int scenario_host_index(const struct scenario *scenario, const char *name); /* -1 if none */
const char *scenario_step_call_name(enum step_call call); /* "listen", ... as steps write it */

#endif
