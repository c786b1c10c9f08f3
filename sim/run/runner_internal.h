/* Shared by runner.c (the applications and the schedule) and expect.c (the
 * recording of events and the evaluation of `expect:` lines). */
#ifndef TCPSIM_RUNNER_INTERNAL_H
#define TCPSIM_RUNNER_INTERNAL_H

#include "app_tag.h"
#include "tcpsim/runner.h"

struct tcb;

/* A socket name the scenario used ("conn", "listener", an `as:` name):
 * the first socket bound to it (for expectations) and the latest one (for
 * the calls of later steps). */
struct sock_name {
    int host;
    char *name;
    uint32_t first_conn;
    struct tcb *latest;
};

/* Every name bound so far, found by (host, name) in O(1) (runner_names.c). */
struct sock_names {
    struct sock_name *v; /* in binding order; pointers die at the next add */
    size_t count, cap;
    uint32_t *index; /* open addressing: 1 + position in v, 0 = empty */
    size_t index_cap;
};

/* One recorded state or app event, kept only when some expectation needs
 * per-connection history. */
struct rec_event {
    sim_time_t t;
    uint32_t conn;
    uint8_t host;
    uint8_t kind; /* TRACE_STATE or TRACE_APP */
    uint8_t from, to;
    int16_t ret;
    const char *call; /* static string from the model */
};

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

struct count_probe {
    struct sim_timer timer;
    struct runner *runner;
    size_t expect_index;
    int64_t value;
    bool taken;
};

struct runner {
    const struct scenario *scenario;
    enum runner_cut cut; /* why the run ended early, if it did */
    struct net net;
    struct sock_names names;
    struct step_timer *steps;
    struct workloads *workloads; /* NULL when the scenario has none */
    struct count_probe *probes;
    struct app_sock *app_socks;
    bool record;
    struct rec_event *events;
    size_t event_count, event_cap;
    uint64_t *seg_counts; /* per expectation (EXPECT_SEG_COUNT, EXPECT_CALL_COUNT) */
    uint32_t accepted_count[2];
    struct flood *floods; /* `flood` steps started so far */
    sim_time_t end;
    uint64_t stream_errors;
};

/* runner_names.c */
struct sock_name *sock_names_find(const struct sock_names *names, int host, const char *name);
struct sock_name *sock_names_add(struct sock_names *names, int host, const char *name);
void sock_names_free(struct sock_names *names);

/* expect.c */
int expect_setup(struct runner *runner);
void expect_teardown(struct runner *runner);
const struct sock_name *runner_find_name(const struct runner *runner, int host, const char *name);

#endif
