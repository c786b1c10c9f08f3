/* The netstat/ss views of `tcpsim run`: parses --netstat T, --ss T,
 * --netstat-every DUR, --ss-every DUR, --netstat-summary, --netstat-rows N
 * and --views FILE, schedules a probe at each instant, and prints the view
 * of both hosts there. Part of the command line (it prints and opens
 * files); the formatting itself is sim/trace/netstat.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/host.h"
#include "tcpsim/scenario.h"
#include "views_cli.h"

void views_cli_init(struct views_cli *v)
{
    memset(v, 0, sizeof *v);
    v->max_rows = VIEWS_CLI_DEFAULT_ROWS;
}

static int views_bad(const char *what, const char *arg)
{
    fprintf(stderr, "tcpsim: %s '%s'\n", what, arg);
    return -1;
}

int views_cli_option(struct views_cli *v, const char *arg, const char *val)
{
    if (strcmp(arg, "--netstat-summary") == 0) {
        v->summary = true;
        return 1;
    }
    bool at = !strcmp(arg, "--netstat") || !strcmp(arg, "--ss");
    bool every = !strcmp(arg, "--netstat-every") || !strcmp(arg, "--ss-every");
    bool rows = !strcmp(arg, "--netstat-rows"), file = !strcmp(arg, "--views");
    if (!at && !every && !rows && !file)
        return 0;
    if (!val)
        return views_bad("a value is needed after", arg);
    if (file) {
        v->out_path = val;
        return 2;
    }
    if (rows) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(val, &end, 10);
        if (errno || end == val || *end || val[0] == '-')
            return views_bad("--netstat-rows takes a count (0 = all), not", val);
        v->max_rows = (size_t)n;
        return 2;
    }
    sim_time_t t;
    if (scenario_parse_duration(val, &t) != 0 || t < 0 || (every && t == 0))
        return views_bad(every ? "expected an interval such as 10s, not"
                               : "expected a time such as 1.5s, not",
                         val);
    if (v->count == VIEWS_CLI_MAX)
        return views_bad("too many views; at most 64 of", arg);
    struct views_cli_req *r = &v->reqs[v->count++];
    r->at = t;
    r->every = every ? t : 0; /* every DUR: at DUR, 2*DUR, ... */
    r->option = arg;
    r->value = val;
    r->shown = 0;
    r->view = strncmp(arg, "--ss", 4) == 0 ? NETSTAT_VIEW_SS : NETSTAT_VIEW_NETSTAT;
    r->owner = v;
    return 2;
}

/* One view of both hosts, captioned with the timeline's time format. */
static void views_show(void *ctx, sim_time_t now)
{
    struct views_cli_req *r = ctx;
    struct views_cli *v = r->owner;
    struct netstat_options o = {r->view, v->summary, v->max_rows};
    for (int h = 0; h < 2; h++) {
        const struct host *host = v->net->hosts[h];
        if (!host)
            continue;
        fprintf(v->out, "--- %s at %lld.%06lld%s ---\n", host->name, (long long)(now / SIM_S(1)),
                (long long)(now % SIM_S(1) / SIM_US(1)), host->crashed ? " (crashed)" : "");
        if (netstat_write_host(v->out, host, &o) != 0)
            fputs("(out of memory)\n", v->out);
    }
    if (r->every > 0 && ++r->shown == PROBE_REPEAT_MAX)
        fprintf(stderr, "tcpsim: %s %s: stopped after %u views (the limit)\n", r->option, r->value,
                (unsigned)PROBE_REPEAT_MAX);
}

int views_cli_start(struct views_cli *v, struct net *net, bool stdout_busy)
{
    if (!v->count)
        return 0;
    if (!v->out_path && stdout_busy) {
        fprintf(stderr, "tcpsim: the views would mix with the timeline on stdout; "
                        "add --views FILE (or --format text)\n");
        return -1;
    }
    v->net = net;
    v->out = stdout;
    if (v->out_path && !(v->out = fopen(v->out_path, "w"))) {
        fprintf(stderr, "tcpsim: cannot write %s: %s\n", v->out_path, strerror(errno));
        return -1;
    }
    v->probes = probe_set_new(&net->engine);
    int err = v->probes ? 0 : -1;
    for (size_t i = 0; !err && i < v->count; i++)
        err = probe_set_add(v->probes, v->reqs[i].at, v->reqs[i].every, views_show, &v->reqs[i]);
    if (err) {
        fprintf(stderr, "tcpsim: out of memory\n");
        return -1;
    }
    return 0;
}

int views_cli_finish(struct views_cli *v)
{
    probe_set_free(v->probes);
    v->probes = NULL;
    int failed = 0;
    if (v->out && v->out != stdout) {
        failed = ferror(v->out);
        int err = 0;
        if (fclose(v->out) != 0) {
            failed = 1;
            err = errno;
        }
        if (failed)
            fprintf(stderr, "tcpsim: error writing %s%s%s\n", v->out_path, err ? ": " : "",
                    err ? strerror(err) : "");
    }
    v->out = NULL;
    return failed ? -1 : 0;
}
