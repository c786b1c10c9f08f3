/* The `workloads:` section: client populations that open connections at a
 * rate, exchange requests and responses, and close in a chosen order (the
 * runner plays them with sim/run/workload.c). Every value is checked here with
 * a file:line:col message.
 *
 *   workloads:
 *     - name: web                # default: workload1, workload2, ...
 *       client: client           # the host that connects
 *       server: server:80        # the host and port it connects to
 *       count: 5000              # connections to open
 *       interval: 1ms            # between connects; or rate: 1000/s (also /min)
 *       start: 0s                # first connect; the server listens then
 *       request: 100             # octets per request (default 100)
 *       response: 100            # octets per response (default 100)
 *       requests: 1              # per connection (default 1; 0: connect only)
 *       think: 0s                # client pause between requests
 *       close: client            # who closes first: client|server|both|none
 *       max_requests: 100        # server keep-alive limit (0: none)
 *       idle_timeout: 15s        # server keep-alive timeout (0: none)
 *       server_never_closes: false  # the server app leaks (CLOSE_WAIT)
 *       keepalive: false         # SO_KEEPALIVE on both sides
 *       client_exit: 10s         # the client process exits (its sockets close)
 *       server_exit: 20s         # the server process exits */
#include "scenario_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const scn_wl_keys[] = {
    "name",      "client",      "server",       "count",        "interval",
    "rate",      "start",       "request",      "response",     "requests",
    "think",     "close",       "max_requests", "idle_timeout", "server_never_closes",
    "keepalive", "client_exit", "server_exit"};
#define SCN_WL_KEYS (sizeof scn_wl_keys / sizeof scn_wl_keys[0])

static const char *const scn_close_names[] = {"client", "server", "both", "none"}; /* wl_close */

#define SCN_WL_COUNT_MAX 10000000u

static int scn_wl_host(struct scn_ctx *ctx, const struct ynode *v, const char *key, int *index)
{
    if (v->kind != YNODE_SCALAR)
        return scn_error(ctx, v, "expected a host name for '%s'", key);
    return scn_host_ref(ctx, v, SCN_WHOLE, v->text, index);
}

/* server: HOST:PORT */
static int scn_wl_server(struct scn_ctx *ctx, const struct ynode *v, struct scenario_workload *w)
{
    char name[128];
    uint64_t port;
    if (v->kind != YNODE_SCALAR || strlen(v->text) >= sizeof name)
        return scn_error(ctx, v, "expected HOST:PORT like server:80 for 'server'");
    strcpy(name, v->text);
    char *colon = strrchr(name, ':');
    if (!colon || scn_parse_uint(colon + 1, &port) != SCN_PARSE_OK || port < 1 || port > 65535)
        return scn_error(ctx, v, "expected HOST:PORT like server:80 for 'server', got '%.80s'",
                         v->text);
    *colon = '\0';
    w->port = (uint16_t)port;
    return scn_host_ref(ctx, v, SCN_WHOLE, name, &w->server);
}

/* rate: N/s or N/min -> the interval between connects. */
static int scn_wl_rate(struct scn_ctx *ctx, const struct ynode *v, sim_time_t *interval)
{
    uint64_t n;
    char num[32];
    const char *slash = v->kind == YNODE_SCALAR ? strchr(v->text, '/') : NULL;
    if (!slash || (size_t)(slash - v->text) >= sizeof num)
        return scn_error(ctx, v, "expected a rate like 1000/s or 60/min for 'rate'");
    memcpy(num, v->text, (size_t)(slash - v->text));
    num[slash - v->text] = '\0';
    sim_time_t per;
    if (!strcmp(slash + 1, "s"))
        per = SIM_S(1);
    else if (!strcmp(slash + 1, "min"))
        per = SIM_S(60);
    else
        return scn_error(ctx, v, "expected a rate like 1000/s or 60/min for 'rate', got '%.80s'",
                         v->text);
    if (scn_parse_uint(num, &n) != SCN_PARSE_OK || n < 1 || n > 1000000000u)
        return scn_error(ctx, v, "'rate' must be between 1 and 1000000000 per unit, got '%.80s'",
                         v->text);
    *interval = per / (sim_time_t)n;
    return 0;
}

static int scn_wl_close(struct scn_ctx *ctx, const struct ynode *v, enum wl_close *out)
{
    for (size_t i = 0; v->kind == YNODE_SCALAR && i < 4; i++) {
        if (!strcmp(v->text, scn_close_names[i])) {
            *out = (enum wl_close)i;
            return 0;
        }
    }
    return scn_unknown(ctx, v, SCN_WHOLE, "value", "'close'",
                       v->kind == YNODE_SCALAR ? v->text : "", scn_close_names, 4);
}

static int scn_wl_times(struct scn_ctx *ctx, const struct ynode *m, struct scenario_workload *w)
{
    const struct ynode *v, *iv = ydoc_get(m, "interval"), *rate = ydoc_get(m, "rate");
    if (iv && rate)
        return scn_error(ctx, rate, "give 'interval' or 'rate', not both");
    if (iv && scn_get_duration(ctx, iv, "interval", &w->interval) < 0)
        return -1;
    if (rate && scn_wl_rate(ctx, rate, &w->interval) < 0)
        return -1;
    if (!iv && !rate && w->count > 1)
        return scn_error(ctx, m, "a workload of %u connections needs 'interval' or 'rate'",
                         (unsigned)w->count);
    if ((v = ydoc_get(m, "start")) && scn_get_duration(ctx, v, "start", &w->start) < 0)
        return -1;
    if ((v = ydoc_get(m, "think")) && scn_get_duration(ctx, v, "think", &w->think) < 0)
        return -1;
    if ((v = ydoc_get(m, "idle_timeout")) &&
        scn_get_duration(ctx, v, "idle_timeout", &w->idle_timeout) < 0)
        return -1;
    if ((v = ydoc_get(m, "client_exit")) &&
        scn_get_duration(ctx, v, "client_exit", &w->client_exit) < 0)
        return -1;
    if ((v = ydoc_get(m, "server_exit")) &&
        scn_get_duration(ctx, v, "server_exit", &w->server_exit) < 0)
        return -1;
    return 0;
}

static int scn_wl_sizes(struct scn_ctx *ctx, const struct ynode *m, struct scenario_workload *w)
{
    const struct ynode *v;
    if ((v = ydoc_get(m, "request")) &&
        scn_get_uint(ctx, v, "request", 1, 1u << 30, &w->request) < 0)
        return -1;
    if ((v = ydoc_get(m, "response")) &&
        scn_get_uint(ctx, v, "response", 1, 1u << 30, &w->response) < 0)
        return -1;
    if ((v = ydoc_get(m, "requests")) &&
        scn_get_u32(ctx, v, "requests", 0, UINT32_MAX, &w->requests) < 0)
        return -1;
    if ((v = ydoc_get(m, "max_requests")) &&
        scn_get_u32(ctx, v, "max_requests", 0, UINT32_MAX, &w->max_requests) < 0)
        return -1;
    if ((v = ydoc_get(m, "close")) && scn_wl_close(ctx, v, &w->close) < 0)
        return -1;
    if ((v = ydoc_get(m, "server_never_closes")) &&
        scn_get_bool(ctx, v, "server_never_closes", &w->server_never_closes) < 0)
        return -1;
    if ((v = ydoc_get(m, "keepalive")) && scn_get_bool(ctx, v, "keepalive", &w->keepalive) < 0)
        return -1;
    return 0;
}

static int scn_load_workload(struct scn_ctx *ctx, const struct ynode *m, size_t index,
                             struct scenario_workload *w)
{
    const struct ynode *v;
    char name[32];
    if (m->kind != YNODE_MAP)
        return scn_error(ctx, m,
                         "a workload is a mapping like {client: client, server: server:80, "
                         "count: 1000, interval: 1ms}");
    if (scn_check_keys(ctx, m, scn_wl_keys, SCN_WL_KEYS, "workload") < 0)
        return -1;
    w->pos = (struct src_pos){m->line, m->col};
    w->count = 1;
    w->request = 100;
    w->response = 100;
    w->requests = 1;
    w->close = WL_CLOSE_CLIENT;
    w->client_exit = SIM_TIME_NEVER;
    w->server_exit = SIM_TIME_NEVER;
    snprintf(name, sizeof name, "workload%zu", index + 1);
    if ((v = ydoc_get(m, "name"))) {
        if (scn_get_string(ctx, v, "name", &w->name) < 0)
            return -1;
        if (!scn_valid_name(w->name))
            return scn_error(ctx, v,
                             "workload name '%.80s' may only contain letters, digits, "
                             "'-' and '_'",
                             w->name);
    } else if (!(w->name = strdup(name))) {
        return scn_error(ctx, m, "out of memory");
    }
    if (!(v = ydoc_get(m, "client")))
        return scn_error(ctx, m, "workload needs 'client' (the host that connects)");
    if (scn_wl_host(ctx, v, "client", &w->client) < 0)
        return -1;
    if (!(v = ydoc_get(m, "server")))
        return scn_error(ctx, m, "workload needs 'server', e.g. server: server:80");
    if (scn_wl_server(ctx, v, w) < 0)
        return -1;
    if (w->server == w->client)
        return scn_error(ctx, v, "a host cannot connect to itself");
    if ((v = ydoc_get(m, "count")) &&
        scn_get_u32(ctx, v, "count", 1, SCN_WL_COUNT_MAX, &w->count) < 0)
        return -1;
    return scn_wl_times(ctx, m, w) < 0 || scn_wl_sizes(ctx, m, w) < 0 ? -1 : 0;
}

int scn_load_workloads(struct scn_ctx *ctx, const struct ynode *root)
{
    struct scenario *sc = ctx->sc;
    const struct ynode *list = ydoc_get(root, "workloads");

    if (!list || ydoc_is_null(list))
        return 0;
    if (scn_want_seq(ctx, list, "workloads") < 0)
        return -1;
    sc->workloads = calloc(list->count ? list->count : 1, sizeof *sc->workloads);
    if (!sc->workloads)
        return scn_error(ctx, list, "out of memory");
    for (size_t i = 0; i < list->count; i++) {
        struct scenario_workload *w = &sc->workloads[i];
        sc->workload_count = i + 1;
        if (scn_load_workload(ctx, list->kids[i], i, w) < 0)
            return -1;
        /* One server application per port: it owns the listener. */
        for (size_t j = 0; j < i; j++) {
            const struct scenario_workload *o = &sc->workloads[j];
            if (o->server == w->server && o->port == w->port)
                return scn_error(ctx, ydoc_get(list->kids[i], "server"),
                                 "workload '%s' already serves %s:%u; give each workload its "
                                 "own port",
                                 o->name, sc->hosts[w->server].name, (unsigned)w->port);
            if (!strcmp(o->name, w->name))
                return scn_error(ctx, list->kids[i], "two workloads are named '%s'", w->name);
        }
    }
    return 0;
}
