/* Why a segment was dropped: one list of (id, the JSONL "why" string, the
 * sentence --explain prints), as errors.h does for error codes and Linux's
 * dropreason-core.h for skb drop reasons. Emitters (link, host, listen
 * queues) pass the id; the sinks look up the string and the sentence, so a
 * typo cannot become a wrong sentence silently. The strings are part of the
 * JSONL contract (ARCHITECTURE.md): extend by adding rows, never rename. */
#ifndef TCPSIM_DROP_REASONS_H
#define TCPSIM_DROP_REASONS_H

#define DROP_REASON_LIST(X)                                                                        \
    /* The link (sim/net/link.c). */                                                               \
    X(LOSS, "loss", "the network lost this segment")                                               \
    X(RULE, "rule", "a scripted fault dropped this segment")                                       \
    X(QUEUE, "queue", "the link's queue was full, so this segment was dropped (tail drop)")        \
    X(PARTITION, "partition",                                                                      \
      "the network is partitioned: this segment cannot reach the other host")                      \
    /* A middlebox on the link (sim/net/middlebox.c). */                                           \
    X(MIDDLEBOX, "middlebox",                                                                      \
      "a middlebox (NAT, firewall, load balancer) forgot this idle connection, so it discards "    \
      "the segment")                                                                               \
    /* The host (sim/net/host.c). */                                                               \
    X(CRASHED, "crashed", "the receiving host is down, so nobody takes this segment")              \
    X(NO_SUCH_HOST, "no such host",                                                                \
      "no host has this destination address (it was forged): the segment is discarded")            \
    /* Listen queues (sim/tcp/tcp_listen.c, tcp_input.c). */                                       \
    X(SYN_QUEUE_FULL, "SYN queue full",                                                            \
      "the listener's SYN queue is full and SYN cookies are off: the SYN is dropped")              \
    X(MAX_SYN_BACKLOG, "max_syn_backlog",                                                          \
      "without SYN cookies Linux keeps the last quarter of tcp_max_syn_backlog for peers it "      \
      "knows: this SYN is dropped")                                                                \
    X(ACCEPT_QUEUE_FULL, "accept queue full",                                                      \
      "the accept queue is full (the application is not calling accept() fast enough): Linux "     \
      "drops this segment and the peer must retry")

enum drop_reason {
    DROP_NONE, /* not a drop (or a drop that names no reason) */
#define DROP_REASON_ENUM(id, name, sentence) DROP_##id,
    DROP_REASON_LIST(DROP_REASON_ENUM)
#undef DROP_REASON_ENUM
        DROP_REASON_COUNT
};

/* The JSONL "why" string ("loss", "SYN queue full"...); NULL for DROP_NONE
 * or an id out of range. */
const char *drop_reason_name(enum drop_reason why);
/* The plain-English sentence --explain prints under a drop; a generic one
 * for DROP_NONE. */
const char *drop_reason_sentence(enum drop_reason why);

#endif
