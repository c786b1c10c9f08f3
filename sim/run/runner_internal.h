/* The runner's own state (runner.c): the applications, the schedule, the
 * socket names and the expectations it owns (expect.h). */
#ifndef TCPSIM_RUNNER_INTERNAL_H
#define TCPSIM_RUNNER_INTERNAL_H

#include "app_tag.h"
#include "expect.h"
#include "sock_names.h"
#include "steady_stop.h"
#include "tcpsim/runner.h"

struct tcb;

/* What steps set for one socket's application (setsockopt autoread /
 * read_rate; an accepted connection inherits its listener's). Sockets
 * without one follow their host's `app:`. tcb->user points here. */
struct app_sock {
    struct app_tag tag;     /* APP_SCRIPTED; first member (app_tag.h) */
    struct sim_timer timer; /* the paced reader's next read */
    struct runner *runner;
    struct tcb *tcb; /* NULL once the socket is released */
    size_t name;     /* 1 + its entry in runner.names (a socket gets one name, when
                      * made), so releasing it clears that entry; 0 = none */
    bool autoread;
    bool recv_waiting;     /* a blocking recv step waits for data, EOF or an error */
    uint64_t recv_max;     /* ... for at most this many octets (0 = all) */
    uint32_t read_rate;    /* bytes/s; 0 = everything at once */
    struct app_sock *next; /* every one the runner made, for freeing */
};

struct step_timer {
    struct sim_timer timer;
    struct runner *runner;
    size_t index;
};

struct runner {
    const struct scenario *scenario;
    enum runner_cut cut; /* why the run ended early, if it did */
    struct net net;
    struct sock_names names;
    struct step_timer *steps;
    struct workloads *workloads; /* NULL when the scenario has none */
    struct expect expect;
    struct steady_stop steady; /* ends a no-stop: run that would only repeat */
    struct app_sock *app_socks;
    uint32_t accepted_count[2];
    struct flood *floods; /* `flood` steps started so far */
    sim_time_t end;
    uint64_t stream_errors;
    uint64_t event_limit;          /* 0 = RUNNER_EVENT_LIMIT */
    bool (*keep_going)(void *ctx); /* runner_set_keep_going; NULL: never asked */
    void *keep_going_ctx;
    struct runner_conn *conns; /* runner_conns() */
    size_t conn_count, conn_cap;
    bool finished; /* runner_run returned: open sockets are recorded */
};

#endif
