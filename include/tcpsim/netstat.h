/* What `netstat -nat` and `ss -tano` would print on a simulated host: the
 * socket rows, the per-state counts of
 *   netstat -nat | awk '{print $6}' | LC_ALL=C sort | uniq -c
 * and ss's timer column. The formatter writes to a FILE the caller owns;
 * the command line decides when (a probe at a virtual instant) and where. */
#ifndef TCPSIM_NETSTAT_H
#define TCPSIM_NETSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tcpsim/host.h"
#include "tcpsim/socket.h"

enum netstat_view {
    NETSTAT_VIEW_NETSTAT, /* netstat -nat, then the per-state counts */
    NETSTAT_VIEW_SS,      /* ss -tano */
};

struct netstat_options {
    enum netstat_view view;
    bool summary;    /* netstat: the per-state counts only, no rows */
    size_t max_rows; /* list at most this many sockets (0 = all); counts cover all */
};

/* "52sec", "1min59sec", "200ms", "9.501sec": a remaining time as iproute2's
 * ss prints it (misc/ss.c print_ms_timer, iproute2 >= 6.11). */
void netstat_format_ss_timer(sim_time_t left, char *out, size_t size);
/* "ESTABLISHED" / "ESTAB", "FIN_WAIT1" / "FIN-WAIT-1", ... */
const char *netstat_state_name(enum tcp_state state, enum netstat_view view);

/* Writes the view of `rows` (in the order given; netstat lists listeners
 * first, as Linux's /proc/net/tcp does) to `out`. */
void netstat_write_rows(FILE *out, const struct sock_info *rows, size_t count,
                        const struct netstat_options *options);
/* Collects the host's sockets (listeners first, then by creation; CLOSED
 * ones are not listed, as Linux lists only hashed sockets) and writes the
 * view. Returns 0 or TS_ENOMEM. */
int netstat_write_host(FILE *out, const struct host *host, const struct netstat_options *options);

#endif
