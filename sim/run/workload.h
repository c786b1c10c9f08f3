/* Workload applications (scenario `workloads:`): a client population that
 * opens connections at an interval and a server that answers, both written
 * against the socket API. The runner forwards its app_ops callbacks here
 * first; a socket belongs to a workload when its user pointer's app_tag
 * (app_tag.h) is one of the APP_WL_* kinds. */
#ifndef TCPSIM_WORKLOAD_H
#define TCPSIM_WORKLOAD_H

#include <stdbool.h>

#include "tcpsim/net.h"
#include "tcpsim/scenario.h"

struct workloads;

/* Schedules every workload of `sc` in `net` (listen, connects, exits).
 * *out is NULL when the scenario has none. Returns 0 or TS_ENOMEM. */
int workloads_create(struct net *net, const struct scenario *sc, struct workloads **out);
void workloads_free(struct workloads *w);

/* Each returns true when the socket (or listener) is a workload's and the
 * event was handled. */
bool workload_connected(struct tcb *tcb, int err);
bool workload_accepted(struct tcb *listener, struct tcb *child);
bool workload_readable(struct tcb *tcb);
bool workload_failed(struct tcb *tcb, int err);
bool workload_released(struct tcb *tcb);

/* Totals per workload (for tests and summaries). */
struct workload_stats {
    uint64_t opened;         /* connect() calls that returned 0 */
    uint64_t connect_errors; /* connect() failures (at once or later) */
    uint64_t completed;      /* responses the clients received in full */
    uint64_t served;         /* responses the server sent */
};
const struct workload_stats *workload_stats(const struct workloads *w, size_t index);

#endif
