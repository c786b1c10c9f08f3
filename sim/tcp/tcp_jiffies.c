/* When a TCP timer really expires (tcp_params.timer_granularity).
 *
 * exact    the RFCs' idealised timer: now + delay, to the nanosecond.
 * jiffies  Linux keeps TCP timeouts in jiffies (1/HZ s): a delay is rounded
 *          up to whole ticks (usecs_to_jiffies) and the timer fires on a tick.
 * wheel    as jiffies, and the expiry is then put in a bucket of Linux's
 *          timer wheel (kernel/time/timer.c: LVL_CLK_SHIFT 3, LVL_BITS 6).
 *          A delay of under 63 ticks sits in level 0 and fires on the tick
 *          after its expiry (calc_index's +1: never early even when armed at
 *          the end of a tick); level n (delays up to 63 << 3n ticks) has
 *          buckets 8^n ticks wide, and the expiry is rounded up to the
 *          bucket's edge. At HZ=250: 4 ms steps below 0.25 s, 32 ms to 2 s,
 *          256 ms to 16 s, 2.048 s to 131 s. Bucket edges are absolute tick
 *          counts, so the rounding depends on when a timer is armed; the
 *          tick count at time 0 is jiffies_phase. The level 0 and level n
 *          rules are the ones the recorded Linux 6.18 captures show (issue
 *          12: RTOs of exactly 416 ms apart, a 22-tick user-timeout clamp
 *          firing 23 ticks later). */
#include "tcp_internal.h"

#define WHEEL_LVL_CLK_SHIFT 3 /* each level's buckets are 8 times wider */
#define WHEEL_LVL_SIZE 64     /* LVL_BITS 6 */
#define WHEEL_LEVELS 9        /* LVL_DEPTH for HZ > 100 */

static sim_time_t tick_len(const struct tcp_params *p)
{
    uint32_t hz = p->hz ? p->hz : 1000;
    return SIM_S(1) / hz;
}

/* Linux usecs_to_jiffies / msecs_to_jiffies: round up to whole ticks. */
sim_time_t tcp_jiffies_round_up(const struct tcp_params *p, sim_time_t t)
{
    if (p->timer_granularity == TCP_TIMER_EXACT || t <= 0)
        return t;
    sim_time_t j = tick_len(p);
    return (t + j - 1) / j * j;
}

/* Linux's "fire as soon as possible": one jiffy (1 ms for exact timers). */
sim_time_t tcp_jiffy(const struct tcp_params *p)
{
    return p->timer_granularity == TCP_TIMER_EXACT ? SIM_MS(1) : tick_len(p);
}

/* The level a delay of `d` ticks lands in: LVL_START(n) = 63 << 3(n-1). */
static uint64_t wheel_granularity(uint64_t d)
{
    uint64_t gran = 1;
    for (int lvl = 1; lvl < WHEEL_LEVELS; lvl++) {
        uint64_t start = (uint64_t)(WHEEL_LVL_SIZE - 1) << ((lvl - 1) * WHEEL_LVL_CLK_SHIFT);
        if (d < start)
            break;
        gran <<= WHEEL_LVL_CLK_SHIFT;
    }
    return gran;
}

sim_time_t tcp_timer_expiry(const struct tcp_params *p, sim_time_t now, sim_time_t delay)
{
    if (delay < 0)
        delay = 0;
    if (p->timer_granularity == TCP_TIMER_EXACT)
        return now + delay;
    sim_time_t j = tick_len(p);
    uint64_t ticks = (uint64_t)((delay + j - 1) / j);
    uint64_t jiffies = (uint64_t)(now / j) + p->jiffies_phase;
    uint64_t expires = jiffies + ticks;
    uint64_t fire = expires;
    if (p->timer_granularity == TCP_TIMER_WHEEL) {
        uint64_t gran = wheel_granularity(ticks);
        fire = gran == 1 ? expires + 1 : (expires + gran - 1) / gran * gran;
    }
    sim_time_t when = (sim_time_t)(fire - p->jiffies_phase) * j;
    return when > now ? when : now;
}
