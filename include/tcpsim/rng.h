/* Seeded pseudo-random streams (xoshiro256** seeded through splitmix64).
 * Each consumer owns its own stream, derived from (seed, stream id), so adding
 * a consumer never changes the draws another one sees. Never rand(). */
#ifndef TCPSIM_RNG_H
#define TCPSIM_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
    uint64_t s[4];
};

/* Well-known stream ids; new consumers take new ids, never reuse one. */
enum rng_stream {
    RNG_STREAM_LINK_LOSS = 1,   /* + 16 * link index */
    RNG_STREAM_LINK_JITTER = 2, /* + 16 * link index */
    RNG_STREAM_LINK_DUP = 3,    /* + 16 * link index */
    RNG_STREAM_ISN = 4096,      /* + host index */
    RNG_STREAM_PORT = 8192,     /* + host index */
    RNG_STREAM_WORKLOAD = 12288,
    RNG_STREAM_FLOOD = 16384, /* + step index */
};

void rng_seed(struct rng *rng, uint64_t seed, uint64_t stream);
uint64_t rng_next(struct rng *rng);
/* Uniform in [0, bound), bound > 0, without modulo bias. */
uint64_t rng_below(struct rng *rng, uint64_t bound);
/* True with probability ppm / 1,000,000. */
bool rng_chance_ppm(struct rng *rng, uint32_t ppm);

#endif
