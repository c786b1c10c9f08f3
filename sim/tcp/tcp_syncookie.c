/* SYN cookies (RFC 4987 3.6, D. J. Bernstein's scheme as Linux's
 * net/ipv4/syncookies.c uses it): a listener under a SYN flood answers with a
 * SYN,ACK whose ISN encodes everything it needs later, and keeps no state.
 * The returning ACK (SEG.ACK - 1 is the cookie) is checked and, when valid,
 * turned into an ESTABLISHED child (tcp_input.c).
 *
 *   cookie = H(key, 4-tuple) + peer ISN + (count << 24)
 *            + ((H(key, 4-tuple, count) + mss index) mod 2^24)
 *
 * `count` is a clock in minutes (Linux tcp_cookie_time); a cookie is good for
 * the minute it was made and the next (MAX_SYNCOOKIE_AGE 2). The key comes
 * from the run's seed and the host, so runs stay reproducible and nothing is
 * global. The hash is a keyed 64-bit mix, not SipHash: nobody in a simulated
 * run tries to forge cookies by cryptanalysis.
 *
 * What a cookie cannot carry is lost: only the MSS (as an index into a table
 * of four) survives. Linux hides window scale and SACK-permitted in the low
 * bits of the TSval when timestamps are on; this model does not, so a cookie
 * SYN,ACK offers only MSS and the connection runs without window scaling,
 * SACK or timestamps. */
#include "tcp_internal.h"

#define COOKIE_BITS 24
#define COOKIE_MASK ((1u << COOKIE_BITS) - 1)
#define COOKIE_MINUTE SIM_S(60)
#define COOKIE_MAX_AGE 2 /* Linux MAX_SYNCOOKIE_AGE, in minutes */

/* Linux msstab[] (syncookies.c): the MSS values a cookie can name. */
static const uint32_t cookie_mss_table[] = {536, 1300, 1440, 1460};
#define COOKIE_MSS_COUNT (sizeof cookie_mss_table / sizeof cookie_mss_table[0])

static uint64_t cookie_mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ULL;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dULL;
    x ^= x >> 33;
    return x;
}

/* The host's secret: derived from the run's seed and the host, never stored. */
static uint64_t cookie_key(const struct host *host)
{
    return cookie_mix(host->net->seed ^ 0x53594e434f4f4b49ULL /* "SYNCOOKI" */) +
           (uint64_t)host->index * 0x9e3779b97f4a7c15ULL;
}

/* H(key, peer addr/port, our addr/port, count, which): two independent
 * hashes (which = 0, 1) as RFC 4987 3.6 and Linux cookie_hash use. */
static uint32_t cookie_hash(const struct host *host, const struct tcp_segment *from_peer,
                            uint32_t count, uint32_t which)
{
    uint64_t k = cookie_key(host) + which;
    uint64_t h = cookie_mix(k ^ (((uint64_t)from_peer->src_addr << 32) | from_peer->dst_addr));
    h = cookie_mix(h ^ (((uint64_t)from_peer->src_port << 16) | from_peer->dst_port) ^
                   ((uint64_t)count << 32));
    return (uint32_t)(h >> 32);
}

static uint32_t cookie_count(const struct host *host)
{
    return (uint32_t)(host->net->engine.now / COOKIE_MINUTE);
}

tcp_seq tcp_cookie_isn(const struct host *host, const struct tcp_segment *syn, uint32_t *mss)
{
    /* The peer's MSS (RFC 9293 3.7.1: 536 without the option), capped by
     * ours, rounded down to a table entry (Linux __cookie_v4_init_sequence). */
    uint32_t want = (syn->opts & TCP_OPT_MSS) ? syn->mss : 536;
    if (want > host->params.mss)
        want = host->params.mss;
    uint32_t idx = COOKIE_MSS_COUNT - 1;
    while (idx > 0 && want < cookie_mss_table[idx])
        idx--;
    *mss = cookie_mss_table[idx];
    uint32_t count = cookie_count(host);
    return cookie_hash(host, syn, 0, 0) + syn->seq + (count << COOKIE_BITS) +
           ((cookie_hash(host, syn, count, 1) + idx) & COOKIE_MASK);
}

uint32_t tcp_cookie_check(const struct host *host, const struct tcp_segment *ack)
{
    /* The ACK acknowledges cookie + 1 and carries the peer's ISN + 1. */
    uint32_t cookie = ack->ack - 1 - cookie_hash(host, ack, 0, 0) - (ack->seq - 1);
    uint32_t now = cookie_count(host);
    uint32_t age = (now - (cookie >> COOKIE_BITS)) & (UINT32_MAX >> COOKIE_BITS);
    if (age >= COOKIE_MAX_AGE)
        return 0;
    uint32_t idx = (cookie - cookie_hash(host, ack, now - age, 1)) & COOKIE_MASK;
    return idx < COOKIE_MSS_COUNT ? cookie_mss_table[idx] : 0;
}
