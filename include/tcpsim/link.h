/* One direction of the wire between two hosts: propagation delay, uniform
 * jitter, serialisation at a rate with a bounded FIFO queue, Bernoulli loss,
 * duplication, scripted drop rules and down intervals (partitions).
 *
 * The link copies each segment into an in-flight node that embeds its
 * delivery timer; nodes are recycled through a free list, so the steady state
 * allocates nothing per segment. Every drop is reported with its reason. */
#ifndef TCPSIM_LINK_H
#define TCPSIM_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpsim/drop_reasons.h"
#include "tcpsim/engine.h"
#include "tcpsim/rng.h"
#include "tcpsim/segment.h"

struct link_params {
    sim_time_t delay;     /* one-way propagation delay */
    sim_time_t jitter;    /* extra delay drawn uniformly from [0, jitter] */
    uint32_t loss_ppm;    /* Bernoulli loss, parts per million (1% = 10000) */
    uint32_t dup_ppm;     /* duplication probability, parts per million */
    uint64_t rate_bps;    /* serialisation rate; 0 = infinite */
    uint32_t queue_limit; /* max segments waiting for serialisation; 0 = unlimited */
    bool loss_data_only;  /* random loss hits only segments carrying payload */
};

/* A scripted drop: "the 3rd segment with flags SA in this direction between
 * t=1s and t=2s". A segment matches when (flags & mask) == flags_set, its
 * time is in [from, to) and, if min_len > 0, it carries >= min_len octets. */
struct link_drop_rule {
    uint8_t flags_set;
    uint8_t flags_mask; /* 0 = any flags */
    uint32_t nth;       /* drop only the nth match (1-based); 0 = every match */
    uint32_t count;     /* with nth: drop this many consecutive matches from nth (default 1) */
    uint32_t min_len;
    sim_time_t from;
    sim_time_t to;    /* SIM_TIME_NEVER = open-ended */
    uint32_t matched; /* state: matches seen so far */
};

struct link_down {
    sim_time_t from;
    sim_time_t to;
};

/* Why the link dropped a segment: DROP_LOSS, DROP_RULE, DROP_QUEUE or
 * DROP_PARTITION (drop_reasons.h). */

typedef void (*link_deliver_fn)(void *ctx, const struct tcp_segment *seg);
typedef void (*link_drop_fn)(void *ctx, const struct tcp_segment *seg, enum drop_reason why);

struct link_flight; /* private: an in-flight segment and its delivery timer */

struct link {
    struct engine *engine;
    struct link_params params;
    struct rng loss_rng;
    struct rng jitter_rng;
    struct rng dup_rng;
    struct link_drop_rule *rules;
    uint32_t rule_count;
    struct link_down *downs;
    uint32_t down_count;
    sim_time_t busy_until; /* serialisation: when the wire is free again */
    uint32_t queued;       /* segments accepted but not yet serialised */
    struct link_flight *free_list;
    struct link_flight **blocks; /* allocation blocks, freed by link_free */
    uint32_t block_count;
    link_deliver_fn deliver;
    link_drop_fn drop;
    void *ctx;
    uint64_t sent, delivered, dropped;
};

/* `index` selects this link's RNG streams (0 = A->B, 1 = B->A, ...). */
void link_init(struct link *link, struct engine *engine, const struct link_params *params,
               uint64_t seed, uint32_t index, link_deliver_fn deliver, link_drop_fn drop,
               void *ctx);
void link_free(struct link *link);
int link_add_rule(struct link *link, const struct link_drop_rule *rule);
int link_add_down(struct link *link, sim_time_t from, sim_time_t to);
/* Hands a segment to the wire at engine time now. Returns 0, or TS_ENOMEM. */
int link_send(struct link *link, const struct tcp_segment *seg);
bool link_is_down(const struct link *link, sim_time_t t);

#endif
