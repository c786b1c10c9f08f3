/* The socket names a scenario uses, per host (runner_names.c): the runner
 * binds them as steps make sockets; the expectations look them up. */
#ifndef TCPSIM_SOCK_NAMES_H
#define TCPSIM_SOCK_NAMES_H

#include <stddef.h>
#include <stdint.h>

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

/* runner_names.c */
struct sock_name *sock_names_find(const struct sock_names *names, int host, const char *name);
struct sock_name *sock_names_add(struct sock_names *names, int host, const char *name);
void sock_names_free(struct sock_names *names);

#endif
