/* Seeded pseudo-random streams: xoshiro256** (Blackman & Vigna, 2018),
 * its 256-bit state filled by splitmix64 from a start value that mixes the run
 * seed with the consumer's stream id. Every algorithm here is exact integer
 * arithmetic, so a (seed, stream) pair draws the same numbers on every
 * platform and compiler. */
#include "tcpsim/rng.h"

#define RNG_PPM_ONE 1000000u

/* splitmix64's output function: a bijection on 64-bit values with good
 * avalanche, so distinct inputs give distinct, unrelated-looking outputs. */
static uint64_t rng_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rng_splitmix64(uint64_t *state)
{
    *state += 0x9e3779b97f4a7c15ull;
    return rng_mix64(*state);
}

static inline uint64_t rng_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* The start value is mix(seed) XOR mix(stream + k): for a fixed seed, distinct
 * streams give distinct starts (mix is a bijection), and likewise for a fixed
 * stream and distinct seeds. The offset keeps stream 0 from being mix(0) = 0.
 * Four consecutive splitmix64 outputs are distinct, so at most one state word
 * is zero and the all-zero state xoshiro must avoid cannot occur. */
void rng_seed(struct rng *rng, uint64_t seed, uint64_t stream)
{
    uint64_t sm = rng_mix64(seed) ^ rng_mix64(stream + 0x6a09e667f3bcc909ull);

    for (int i = 0; i < 4; i++)
        rng->s[i] = rng_splitmix64(&sm);
}

uint64_t rng_next(struct rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

/* Full 128-bit product of two 64-bit values, split into high and low words.
 * The portable path gives the same answer as __int128, only slower. */
static inline uint64_t rng_mul128(uint64_t a, uint64_t b, uint64_t *lo)
{
#ifdef __SIZEOF_INT128__
    unsigned __int128 p = (unsigned __int128)a * b;
    *lo = (uint64_t)p;
    return (uint64_t)(p >> 64);
#else
    uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
    uint64_t b_lo = b & 0xffffffffu, b_hi = b >> 32;
    uint64_t ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    *lo = (mid << 32) | (ll & 0xffffffffu);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

/* Lemire's nearly-divisionless method ("Fast Random Integer Generation in an
 * Interval", 2019): the high word of x * bound is uniform in [0, bound) once
 * the few x whose low word falls below 2^64 mod bound are rejected.
 * bound == 0 (outside the contract) returns 0. */
uint64_t rng_below(struct rng *rng, uint64_t bound)
{
    uint64_t lo;
    uint64_t hi = rng_mul128(rng_next(rng), bound, &lo);

    if (lo < bound) {
        uint64_t threshold = (0 - bound) % bound; /* 2^64 mod bound */
        while (lo < threshold)
            hi = rng_mul128(rng_next(rng), bound, &lo);
    }
    return hi;
}

/* The certain cases draw nothing, so they cost nothing on a hot path. */
bool rng_chance_ppm(struct rng *rng, uint32_t ppm)
{
    if (ppm == 0)
        return false;
    if (ppm >= RNG_PPM_ONE)
        return true;
    return rng_below(rng, RNG_PPM_ONE) < ppm;
}
