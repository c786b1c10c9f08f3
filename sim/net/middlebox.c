/* The middlebox's connection table: an open-addressing hash of 4-tuples
 * (both directions of a connection share one entry) with the time each was
 * last seen. Expiry is read lazily when the next segment arrives, so an idle
 * connection costs no event, and entries are never removed: a forgotten
 * connection's entry is reused when a SYN reopens the 4-tuple. */
#include "tcpsim/middlebox.h"

#include <stdlib.h>
#include <string.h>

struct middlebox_flow {
    uint32_t addr_lo, addr_hi;
    uint16_t port_lo, port_hi;
    bool used, open;
    sim_time_t last_seen;
};

void middlebox_init(struct middlebox *mb, const struct middlebox_params *params)
{
    memset(mb, 0, sizeof *mb);
    mb->params = *params;
}

void middlebox_free(struct middlebox *mb)
{
    free(mb->flows);
    mb->flows = NULL;
    mb->size = mb->used = 0;
}

/* The key is the same for both directions: the lower endpoint first. */
static void flow_key(const struct tcp_segment *seg, struct middlebox_flow *key)
{
    uint64_t a = (uint64_t)seg->src_addr << 16 | seg->src_port;
    uint64_t b = (uint64_t)seg->dst_addr << 16 | seg->dst_port;
    uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
    key->addr_lo = (uint32_t)(lo >> 16);
    key->port_lo = (uint16_t)lo;
    key->addr_hi = (uint32_t)(hi >> 16);
    key->port_hi = (uint16_t)hi;
}

static size_t flow_hash(const struct middlebox_flow *k)
{
    uint64_t h = ((uint64_t)k->addr_lo << 32 | k->addr_hi) * 0x9E3779B97F4A7C15u;
    h ^= ((uint64_t)k->port_lo << 16 | k->port_hi) * 0xC2B2AE3D27D4EB4Fu;
    return (size_t)(h ^ (h >> 29));
}

static bool flow_same(const struct middlebox_flow *a, const struct middlebox_flow *b)
{
    return a->addr_lo == b->addr_lo && a->addr_hi == b->addr_hi && a->port_lo == b->port_lo &&
           a->port_hi == b->port_hi;
}

static struct middlebox_flow *flow_slot(struct middlebox_flow *flows, size_t size,
                                        const struct middlebox_flow *key)
{
    size_t i = flow_hash(key) & (size - 1);
    while (flows[i].used && !flow_same(&flows[i], key))
        i = (i + 1) & (size - 1);
    return &flows[i];
}

static int flows_grow(struct middlebox *mb)
{
    size_t size = mb->size ? mb->size * 2 : 64;
    struct middlebox_flow *flows = calloc(size, sizeof *flows);
    if (!flows)
        return -1;
    for (size_t i = 0; i < mb->size; i++)
        if (mb->flows[i].used)
            *flow_slot(flows, size, &mb->flows[i]) = mb->flows[i];
    free(mb->flows);
    mb->flows = flows;
    mb->size = size;
    return 0;
}

enum middlebox_verdict middlebox_pass(struct middlebox *mb, const struct tcp_segment *seg,
                                      sim_time_t now)
{
    struct middlebox_flow key;
    memset(&key, 0, sizeof key);
    flow_key(seg, &key);
    if (2 * (mb->used + 1) > mb->size && flows_grow(mb) != 0)
        return MIDDLEBOX_DROP;
    struct middlebox_flow *f = flow_slot(mb->flows, mb->size, &key);
    bool alive = f->used && f->open && now - f->last_seen < mb->params.idle_timeout;
    if ((seg->flags & TCP_SYN) && !(seg->flags & TCP_ACK)) {
        if (!f->used) {
            *f = key;
            f->used = true;
            mb->used++;
        }
        f->open = true; /* a SYN opens the connection, or a new one on the tuple */
        alive = true;
    }
    if (!alive) {
        if (f->used)
            f->open = false; /* forgotten: only a SYN brings it back */
        return mb->params.expired == MIDDLEBOX_EXPIRED_RST && !(seg->flags & TCP_RST)
                   ? MIDDLEBOX_REJECT
                   : MIDDLEBOX_DROP;
    }
    f->last_seen = now;
    return MIDDLEBOX_PASS;
}

void middlebox_reset_for(const struct tcp_segment *seg, struct tcp_segment *rst)
{
    memset(rst, 0, sizeof *rst);
    rst->src_addr = seg->dst_addr;
    rst->dst_addr = seg->src_addr;
    rst->src_port = seg->dst_port;
    rst->dst_port = seg->src_port;
    if (seg->flags & TCP_ACK) {
        rst->seq = seg->ack;
        rst->flags = TCP_RST;
    } else {
        rst->ack = seg->seq + seg->len + !!(seg->flags & TCP_SYN) + !!(seg->flags & TCP_FIN);
        rst->flags = TCP_RST | TCP_ACK;
    }
}
