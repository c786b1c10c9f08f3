/* The `flood` step: spoofed SYNs at a fixed interval (see flood.h). Like a
 * plain `hping3 -S --rand-source`, each SYN carries no options, a random
 * sequence number and a random source port; random sources are drawn from
 * 198.18.0.0/15 (RFC 2544 benchmarking addresses), never a host's own. */
#include <stdlib.h>
#include <string.h>

#include "flood.h"
#include "tcpsim/errors.h"
#include "tcpsim/host.h"

#define FLOOD_NET 0xc6120000u /* 198.18.0.0 */
#define FLOOD_SPAN (1u << 17) /* /15 */

static uint32_t flood_source(struct flood *f)
{
    if (f->spoof_addr)
        return f->spoof_addr;
    const struct net *net = f->from->net;
    for (;;) {
        uint32_t a = FLOOD_NET + (uint32_t)rng_below(&f->rng, FLOOD_SPAN);
        if (a != net->hosts[0]->addr && a != net->hosts[1]->addr)
            return a;
    }
}

static void flood_fire(struct engine *engine, struct sim_timer *timer)
{
    struct flood *f = container_of(timer, struct flood, timer);
    struct tcp_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.src_addr = flood_source(f);
    seg.dst_addr = f->dst_addr;
    seg.src_port = (uint16_t)(1024 + rng_below(&f->rng, 65536 - 1024));
    seg.dst_port = f->dst_port;
    seg.seq = (tcp_seq)rng_next(&f->rng);
    seg.flags = TCP_SYN;
    seg.win = 1024;
    host_output(f->from, &seg, 0);
    if (--f->left > 0)
        engine_arm(engine, &f->timer, engine->now + f->interval);
}

struct flood *flood_start(struct host *from, uint32_t dst_addr, uint16_t dst_port, uint32_t count,
                          sim_time_t interval, uint32_t spoof_addr, uint64_t stream)
{
    struct flood *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->from = from;
    f->dst_addr = dst_addr;
    f->dst_port = dst_port;
    f->left = count;
    f->interval = interval;
    f->spoof_addr = spoof_addr;
    rng_seed(&f->rng, from->net->seed, stream);
    struct engine *engine = &from->net->engine;
    if (engine_timer_add(engine, &f->timer, flood_fire) != TS_OK) {
        free(f);
        return NULL;
    }
    if (count > 0)
        engine_arm(engine, &f->timer, engine->now);
    return f;
}

void flood_free_all(struct flood *head)
{
    while (head) {
        struct flood *next = head->next;
        engine_timer_del(&head->from->net->engine, &head->timer);
        free(head);
        head = next;
    }
}
