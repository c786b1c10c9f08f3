/* The world of one run: engine, tracer, two hosts, two link directions.
 * Links deliver into host_input; link drops become timeline events. The
 * transport (TCP) comes in as net->proto: nothing here names it. */
#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"
#include "tcpsim/host.h"

int net_init(struct net *net, uint64_t seed, const struct net_proto_ops *proto)
{
    memset(net, 0, sizeof *net);
    net->seed = seed;
    net->proto = proto;
    tracer_init(&net->tracer);
    payload_store_init(&net->payload);
    return engine_init(&net->engine);
}

int net_add_host(struct net *net, int index, const char *name, uint32_t addr,
                 const struct tcp_params *params)
{
    struct host *host = calloc(1, sizeof *host);
    if (!host)
        return TS_ENOMEM;
    host->name = strdup(name);
    if (!host->name) {
        free(host);
        return TS_ENOMEM;
    }
    host->net = net;
    host->index = index;
    host->addr = addr;
    host->params = *params;
    rng_seed(&host->isn_rng, net->seed, RNG_STREAM_ISN + (uint64_t)index);
    struct rng port_rng;
    rng_seed(&port_rng, net->seed, RNG_STREAM_PORT + (uint64_t)index);
    uint32_t span = params->port_range_hi >= params->port_range_lo
                        ? params->port_range_hi - params->port_range_lo + 1
                        : 1;
    host->next_port = (uint32_t)rng_below(&port_rng, span);
    if (net->proto->host_init(host) != TS_OK) {
        free(host->name);
        free(host);
        return TS_ENOMEM;
    }
    net->hosts[index] = host;
    return TS_OK;
}

static void deliver_to(void *ctx, const struct tcp_segment *seg)
{
    host_input((struct host *)ctx, seg);
}

static void link_dropped(void *ctx, const struct tcp_segment *seg, enum drop_reason why)
{
    struct host *sender = ctx;
    const struct tracer *tracer = &sender->net->tracer;
    if (!tracer_active(tracer))
        return;
    struct trace_event ev = {.t = sender->net->engine.now,
                             .kind = TRACE_SEG,
                             .host = sender->name,
                             .conn = seg->src_conn};
    ev.u.seg.dir = TRACE_DROP;
    ev.u.seg.seg = seg;
    ev.u.seg.why = why;
    ev.u.seg.payload = &sender->net->payload;
    tracer_emit(tracer, &ev);
}

/* A segment reaching hosts[to] passes the middlebox first, if there is one;
 * a rejecting middlebox sends its RST back over the other direction. */
static void deliver_through(struct net *net, int to, const struct tcp_segment *seg)
{
    if (middlebox_active(&net->middlebox) && seg->src_conn != MIDDLEBOX_SRC_CONN) {
        enum middlebox_verdict v = middlebox_pass(&net->middlebox, seg, net->engine.now);
        if (v != MIDDLEBOX_PASS) {
            link_dropped(net->hosts[1 - to], seg, DROP_MIDDLEBOX);
            if (v == MIDDLEBOX_REJECT) {
                struct tcp_segment rst;
                middlebox_reset_for(seg, &rst);
                rst.src_conn = MIDDLEBOX_SRC_CONN;
                if (tracer_active(&net->tracer)) {
                    struct trace_event ev = {
                        .t = net->engine.now, .kind = TRACE_NOTE, .host = net->hosts[to]->name};
                    ev.u.note.text = "the middlebox answers the forgotten connection's segment "
                                     "with an RST in this host's name";
                    tracer_emit(&net->tracer, &ev);
                }
                link_send(&net->links[to], &rst);
            }
            return;
        }
    }
    deliver_to(net->hosts[to], seg);
}

/* Each link's drop context is its sender; its delivery context the receiver.
 * link_init takes one ctx, so the drop callback finds the sender through
 * the receiver's peer. */
static void deliver_a(void *ctx, const struct tcp_segment *seg) { deliver_through(ctx, 1, seg); }
static void deliver_b(void *ctx, const struct tcp_segment *seg) { deliver_through(ctx, 0, seg); }
static void drop_a(void *ctx, const struct tcp_segment *seg, enum drop_reason why)
{
    struct net *net = ctx;
    link_dropped(net->hosts[0], seg, why);
}
static void drop_b(void *ctx, const struct tcp_segment *seg, enum drop_reason why)
{
    struct net *net = ctx;
    link_dropped(net->hosts[1], seg, why);
}

void net_connect_hosts(struct net *net, const struct link_params *a_to_b,
                       const struct link_params *b_to_a)
{
    link_init(&net->links[0], &net->engine, a_to_b, net->seed, 0, deliver_a, drop_a, net);
    link_init(&net->links[1], &net->engine, b_to_a, net->seed, 1, deliver_b, drop_b, net);
}

void net_set_middlebox(struct net *net, const struct middlebox_params *params)
{
    middlebox_free(&net->middlebox);
    middlebox_init(&net->middlebox, params);
}

struct host *net_host_by_addr(struct net *net, uint32_t addr)
{
    for (int i = 0; i < 2; i++)
        if (net->hosts[i] && net->hosts[i]->addr == addr)
            return net->hosts[i];
    return NULL;
}

void net_free(struct net *net)
{
    /* Links first: they cancel their timers in the live engine. */
    link_free(&net->links[0]);
    link_free(&net->links[1]);
    for (int i = 0; i < 2; i++) {
        struct host *host = net->hosts[i];
        if (!host)
            continue;
        host_destroy_all(host);
        free(host->name);
        free(host);
        net->hosts[i] = NULL;
    }
    engine_free(&net->engine);
    middlebox_free(&net->middlebox);
    payload_store_free(&net->payload);
}
