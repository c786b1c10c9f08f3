/* `tcpsim run --netstat T / --ss T ...`: the command-line half of the
 * netstat/ss views (see views_cli.c). */
#ifndef TCPSIM_VIEWS_CLI_H
#define TCPSIM_VIEWS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "tcpsim/net.h"
#include "tcpsim/netstat.h"
#include "tcpsim/probe.h"

#define VIEWS_CLI_MAX 64
#define VIEWS_CLI_DEFAULT_ROWS 1000

struct views_cli_req {
    sim_time_t at, every;
    const char *option, *value; /* as given, for the repeat-limit message */
    uint32_t shown;
    enum netstat_view view;
    struct views_cli *owner;
};

struct views_cli {
    struct views_cli_req reqs[VIEWS_CLI_MAX];
    size_t count;
    bool summary;
    size_t max_rows;
    const char *out_path;
    FILE *out;
    struct net *net;
    struct probe_set *probes;
};

void views_cli_init(struct views_cli *v);
/* One command-line option: returns the number of argv entries it used (1 or
 * 2), 0 when `arg` is not a view option, -1 on a bad value (message printed). */
int views_cli_option(struct views_cli *v, const char *arg, const char *val);
/* Schedules the views on the run's engine; `stdout_busy` when the timeline
 * goes to stdout in a machine format (then --views FILE is required).
 * Returns 0, or -1 with a message printed. */
int views_cli_start(struct views_cli *v, struct net *net, bool stdout_busy);
/* Cancels pending views and closes --views FILE; before the run is freed.
 * 0, or -1 when writing the file failed (message printed). */
int views_cli_finish(struct views_cli *v);

#endif
