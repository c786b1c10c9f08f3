/* A stateful middlebox on the link (a NAT, a firewall, a load balancer): it
 * remembers each connection it saw open and forgets one that stays idle for
 * `idle_timeout` (Linux conntrack's established timeout, a NAT's mapping
 * timeout, F5's idle timeout). A segment of a forgotten connection, other
 * than a SYN, is discarded silently or answered with an RST, as a firewall
 * that rejects with tcp-reset does. This is the classic production story:
 * the middlebox forgets after minutes while keep-alive waits two hours. */
#ifndef TCPSIM_MIDDLEBOX_H
#define TCPSIM_MIDDLEBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpsim/engine.h"
#include "tcpsim/segment.h"

enum middlebox_expired {
    MIDDLEBOX_EXPIRED_DROP, /* discard silently */
    MIDDLEBOX_EXPIRED_RST   /* discard and answer the sender with an RST */
};

struct middlebox_params {
    sim_time_t idle_timeout; /* 0: no middlebox */
    enum middlebox_expired expired;
};

struct middlebox_flow; /* private: one remembered connection */

struct middlebox {
    struct middlebox_params params;
    struct middlebox_flow *flows; /* open addressing, power-of-two size */
    size_t size, used;
};

/* src_conn of a segment the middlebox sends itself: it passes its own box. */
#define MIDDLEBOX_SRC_CONN UINT32_MAX

enum middlebox_verdict { MIDDLEBOX_PASS, MIDDLEBOX_DROP, MIDDLEBOX_REJECT };

void middlebox_init(struct middlebox *mb, const struct middlebox_params *params);
void middlebox_free(struct middlebox *mb);
static inline bool middlebox_active(const struct middlebox *mb)
{
    return mb->params.idle_timeout > 0;
}
/* What the middlebox does with `seg` at `now`: a SYN opens (or reopens) its
 * connection, any segment of a remembered connection refreshes it; one of a
 * connection never seen open or idle for idle_timeout or longer is
 * dropped or rejected. MIDDLEBOX_DROP too when the table cannot grow. */
enum middlebox_verdict middlebox_pass(struct middlebox *mb, const struct tcp_segment *seg,
                                      sim_time_t now);
/* The RST a rejecting middlebox sends back for `seg`, from its destination
 * (Linux's nf_reject / RFC 9293 3.10.7.1 for a closed port): SEQ = SEG.ACK
 * when the segment has ACK, else SEQ 0 with ACK = SEG.SEQ + SEG.LEN. */
void middlebox_reset_for(const struct tcp_segment *seg, struct tcp_segment *rst);

#endif
