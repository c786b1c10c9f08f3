/* One direction of the wire: a segment handed to link_send passes, in order,
 * the partition check, the scripted drop rules, random loss and the queue
 * limit, then is copied into an in-flight node whose embedded timer delivers
 * it after serialisation, propagation delay and jitter.
 *
 * Serialisation is a FIFO: a segment leaves the wire at
 * depart = max(now, busy_until) + (len + 40) * 8 / rate. While it waits or is
 * being serialised it counts in `queued`; its timer first fires at `depart`
 * (leaving the queue) and is re-armed for the delivery time, so `queued` is
 * exact at every instant at the cost of one extra event per rated segment.
 * queue_limit bounds `queued`, which includes the segment on the wire, so a
 * limit of 1 means "no waiting room".
 *
 * Nodes come from a free list refilled LINK_BLOCK_NODES at a time, so the
 * steady state allocates nothing per segment. link_free cancels every node's
 * timer, so it must run before engine_free. */
#include "tcpsim/link.h"

#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"

#define LINK_BLOCK_NODES 256u
/* IPv4 (20) + TCP (20) header octets that serialise with every segment. */
#define LINK_HEADER_BYTES 40u
#define LINK_NS_PER_S 1000000000u

struct link_flight {
    struct tcp_segment seg;
    struct sim_timer timer;
    struct link *link;
    sim_time_t deliver_at;
    bool in_queue;            /* waiting for or being serialised: next firing is departure */
    bool counted;             /* in_queue and counted in link->queued (duplicates are not) */
    struct link_flight *next; /* free list */
};

static void link_flight_fire(struct engine *engine, struct sim_timer *timer);

void link_init(struct link *link, struct engine *engine, const struct link_params *params,
               uint64_t seed, uint32_t index, link_deliver_fn deliver, link_drop_fn drop, void *ctx)
{
    uint64_t base = 16u * (uint64_t)index;

    memset(link, 0, sizeof(*link));
    link->engine = engine;
    link->params = *params;
    rng_seed(&link->loss_rng, seed, RNG_STREAM_LINK_LOSS + base);
    rng_seed(&link->jitter_rng, seed, RNG_STREAM_LINK_JITTER + base);
    rng_seed(&link->dup_rng, seed, RNG_STREAM_LINK_DUP + base);
    link->deliver = deliver;
    link->drop = drop;
    link->ctx = ctx;
}

/* Segments still in flight are discarded: their timers are cancelled so the
 * engine keeps no pointer into the freed blocks. */
void link_free(struct link *link)
{
    for (uint32_t b = 0; b < link->block_count; b++) {
        struct link_flight *nodes = link->blocks[b];
        for (uint32_t i = 0; i < LINK_BLOCK_NODES; i++)
            engine_cancel(link->engine, &nodes[i].timer);
        engine_release(link->engine, LINK_BLOCK_NODES);
        free(nodes);
    }
    free(link->blocks);
    free(link->rules);
    free(link->downs);
    link->blocks = NULL;
    link->block_count = 0;
    link->free_list = NULL;
    link->rules = NULL;
    link->rule_count = 0;
    link->downs = NULL;
    link->down_count = 0;
    link->queued = 0;
}

int link_add_rule(struct link *link, const struct link_drop_rule *rule)
{
    struct link_drop_rule *rules =
        realloc(link->rules, ((size_t)link->rule_count + 1) * sizeof(*rules));
    if (rules == NULL)
        return TS_ENOMEM;
    link->rules = rules;
    rules[link->rule_count] = *rule;
    rules[link->rule_count].matched = 0; /* state starts fresh */
    link->rule_count++;
    return TS_OK;
}

int link_add_down(struct link *link, sim_time_t from, sim_time_t to)
{
    struct link_down *downs = realloc(link->downs, ((size_t)link->down_count + 1) * sizeof(*downs));
    if (downs == NULL)
        return TS_ENOMEM;
    link->downs = downs;
    downs[link->down_count].from = from;
    downs[link->down_count].to = to;
    link->down_count++;
    return TS_OK;
}

bool link_is_down(const struct link *link, sim_time_t t)
{
    for (uint32_t i = 0; i < link->down_count; i++) {
        if (t >= link->downs[i].from && t < link->downs[i].to)
            return true;
    }
    return false;
}

/* Refills the free list with one more block of nodes. */
static int link_grow_pool(struct link *link)
{
    struct link_flight **blocks =
        realloc(link->blocks, ((size_t)link->block_count + 1) * sizeof(*blocks));
    if (blocks == NULL)
        return TS_ENOMEM;
    link->blocks = blocks;

    struct link_flight *nodes = calloc(LINK_BLOCK_NODES, sizeof(*nodes));
    if (nodes == NULL)
        return TS_ENOMEM;
    /* Each node's timer gets its heap slot with the node. */
    if (engine_reserve(link->engine, LINK_BLOCK_NODES) != TS_OK) {
        free(nodes);
        return TS_ENOMEM;
    }
    blocks[link->block_count++] = nodes;
    for (uint32_t i = LINK_BLOCK_NODES; i-- > 0;) {
        sim_timer_init(&nodes[i].timer, link_flight_fire);
        nodes[i].link = link;
        nodes[i].next = link->free_list;
        link->free_list = &nodes[i];
    }
    return TS_OK;
}

static struct link_flight *link_take(struct link *link)
{
    if (link->free_list == NULL && link_grow_pool(link) != TS_OK)
        return NULL;
    struct link_flight *f = link->free_list;
    link->free_list = f->next;
    f->next = NULL;
    return f;
}

static void link_give_back(struct link *link, struct link_flight *f)
{
    f->next = link->free_list;
    link->free_list = f;
}

static void link_report_drop(struct link *link, const struct tcp_segment *seg, enum drop_reason why)
{
    link->sent++;
    link->dropped++;
    if (link->drop != NULL)
        link->drop(link->ctx, seg, why);
}

/* Scripted rules, in order; the first rule that drops a segment hides it
 * from the rules after it (they never see it, so do not count it). */
static bool link_rules_drop(struct link *link, const struct tcp_segment *seg, sim_time_t now)
{
    for (uint32_t i = 0; i < link->rule_count; i++) {
        struct link_drop_rule *r = &link->rules[i];
        if ((seg->flags & r->flags_mask) != r->flags_set)
            continue;
        if (now < r->from || now >= r->to || seg->len < r->min_len)
            continue;
        r->matched++;
        if (r->nth == 0)
            return true;
        uint64_t count = r->count == 0 ? 1 : r->count;
        if (r->matched >= r->nth && (uint64_t)r->matched - r->nth < count)
            return true;
    }
    return false;
}

/* floor(bits * 1e9 / rate) without overflow: bits < 2^36, so
 * bits * 1953125 (= 1e9 / 2^9) fits in 64 bits; the remaining factor 2^9 is
 * applied by nine steps of long division that never overflow either. */
static sim_time_t link_tx_time(uint64_t bits, uint64_t rate_bps)
{
    uint64_t x = bits * (LINK_NS_PER_S >> 9);
    uint64_t q = x / rate_bps;
    uint64_t r = x % rate_bps;

    for (int i = 0; i < 9; i++) {
        q <<= 1;
        if (r >= rate_bps - r) {
            r -= rate_bps - r;
            q++;
        } else {
            r += r;
        }
    }
    return q > (uint64_t)SIM_TIME_MAX / 4 ? SIM_TIME_MAX / 4 : (sim_time_t)q;
}

static void link_deliver_now(struct link *link, struct link_flight *f)
{
    struct tcp_segment copy = f->seg;

    /* Back to the free list first: the callback may send on this link. */
    link_give_back(link, f);
    link->delivered++;
    if (link->deliver != NULL)
        link->deliver(link->ctx, &copy);
}

/* First firing of a queued node is its departure; the next is delivery. */
static void link_flight_fire(struct engine *engine, struct sim_timer *timer)
{
    struct link_flight *f = container_of(timer, struct link_flight, timer);
    struct link *link = f->link;

    if (f->in_queue) {
        f->in_queue = false;
        if (f->counted) {
            f->counted = false;
            link->queued--;
        }
        if (f->deliver_at > engine->now) {
            engine_arm(engine, timer, f->deliver_at);
            return;
        }
    }
    link_deliver_now(link, f);
}

/* Arms a node: at its departure if it has to wait for the wire, else
 * directly at its delivery time. */
static void link_launch(struct link *link, struct link_flight *f, const struct tcp_segment *seg,
                        sim_time_t depart, sim_time_t deliver_at, bool counted)
{
    sim_time_t now = engine_now(link->engine);

    f->seg = *seg;
    f->deliver_at = deliver_at;
    f->in_queue = depart > now;
    engine_arm(link->engine, &f->timer, f->in_queue ? depart : deliver_at);
    f->counted = f->in_queue && counted;
    if (f->counted)
        link->queued++;
    /* An uncounted node (a duplicate) still fires at departure, so that it
     * is re-armed right after its original and delivered just after it. */
}

int link_send(struct link *link, const struct tcp_segment *seg)
{
    const struct link_params *p = &link->params;
    sim_time_t now = engine_now(link->engine);

    if (link_is_down(link, now)) {
        link_report_drop(link, seg, DROP_PARTITION);
        return TS_OK;
    }
    if (link_rules_drop(link, seg, now)) {
        link_report_drop(link, seg, DROP_RULE);
        return TS_OK;
    }
    /* Draw only when loss applies, so other settings keep their draws. */
    if (p->loss_ppm > 0 && !(p->loss_data_only && seg->len == 0) &&
        rng_chance_ppm(&link->loss_rng, p->loss_ppm)) {
        link_report_drop(link, seg, DROP_LOSS);
        return TS_OK;
    }
    if (p->rate_bps > 0 && p->queue_limit > 0 && link->queued >= p->queue_limit) {
        link_report_drop(link, seg, DROP_QUEUE);
        return TS_OK;
    }

    struct link_flight *f = link_take(link);
    if (f == NULL)
        return TS_ENOMEM;

    sim_time_t depart = now;
    if (p->rate_bps > 0) {
        uint64_t bits = ((uint64_t)seg->len + LINK_HEADER_BYTES) * 8u;
        depart =
            (link->busy_until > now ? link->busy_until : now) + link_tx_time(bits, p->rate_bps);
    }
    sim_time_t deliver_at = depart + p->delay;
    if (p->jitter > 0)
        deliver_at += (sim_time_t)rng_below(&link->jitter_rng, (uint64_t)p->jitter + 1);

    link_launch(link, f, seg, depart, deliver_at, true);
    if (depart > link->busy_until)
        link->busy_until = depart;
    link->sent++;

    if (p->dup_ppm > 0 && rng_chance_ppm(&link->dup_rng, p->dup_ppm)) {
        struct link_flight *d = link_take(link);
        if (d == NULL)
            return TS_ENOMEM; /* the original is on its way; the copy is lost */
        link_launch(link, d, seg, depart, deliver_at, false);
    }
    return TS_OK;
}
