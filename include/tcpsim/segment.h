/* A TCP segment as a value: the header fields the model uses, the options it
 * negotiates, and the payload as a counted length plus the stream offset its
 * bytes come from (payload bytes are generated from that offset, see
 * segment_payload_byte, so segments never carry pointers and the link copies
 * them freely). */
#ifndef TCPSIM_SEGMENT_H
#define TCPSIM_SEGMENT_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t tcp_seq;

/* RFC 9293 3.4: sequence numbers compare modulo 2^32, never with a bare <. */
static inline bool seq_lt(tcp_seq a, tcp_seq b) { return (int32_t)(a - b) < 0; }
static inline bool seq_le(tcp_seq a, tcp_seq b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(tcp_seq a, tcp_seq b) { return (int32_t)(a - b) > 0; }
static inline bool seq_ge(tcp_seq a, tcp_seq b) { return (int32_t)(a - b) >= 0; }
static inline tcp_seq seq_max(tcp_seq a, tcp_seq b) { return seq_gt(a, b) ? a : b; }
static inline tcp_seq seq_min(tcp_seq a, tcp_seq b) { return seq_lt(a, b) ? a : b; }

/* Control bits as on the wire (RFC 9293 3.1). */
enum tcp_flag {
    TCP_FIN = 0x01,
    TCP_SYN = 0x02,
    TCP_RST = 0x04,
    TCP_PSH = 0x08,
    TCP_ACK = 0x10,
    TCP_URG = 0x20,
};

/* Which options a segment carries. */
enum tcp_opt {
    TCP_OPT_MSS = 0x01,
    TCP_OPT_WSCALE = 0x02,
    TCP_OPT_SACK_PERM = 0x04,
    TCP_OPT_TS = 0x08,
    TCP_OPT_SACK = 0x10, /* SACK blocks (RFC 2018 3), `nsack` of them */
};

/* RFC 2018 3: at most 4 blocks fit in 40 octets of options, 3 beside the
 * timestamps option. */
#define TCP_MAX_SACK_BLOCKS 4
struct tcp_sack_block {
    tcp_seq start; /* first sequence number of the block */
    tcp_seq end;   /* sequence number just past it */
};

struct tcp_segment {
    uint32_t src_addr; /* IPv4, host byte order */
    uint32_t dst_addr;
    uint16_t src_port;
    uint16_t dst_port;
    tcp_seq seq;
    tcp_seq ack;
    uint32_t len;   /* payload octets (SYN and FIN not counted) */
    uint16_t win;   /* window field as on the wire (after scaling down) */
    uint8_t flags;  /* enum tcp_flag bits */
    uint8_t opts;   /* enum tcp_opt bits */
    uint16_t mss;   /* valid with TCP_OPT_MSS */
    uint8_t wscale; /* valid with TCP_OPT_WSCALE */
    uint8_t nsack;  /* SACK blocks in `sack`, with TCP_OPT_SACK */
    uint16_t urg_ptr;
    uint32_t tsval; /* valid with TCP_OPT_TS */
    uint32_t tsecr;
    uint64_t data_off;   /* offset in the sender's byte stream of the first payload octet */
    uint32_t src_conn;   /* sender's connection id, for the timeline only */
    uint32_t retransmit; /* 0 = first transmission; else why (enum seg_rexmit) */
    struct tcp_sack_block sack[TCP_MAX_SACK_BLOCKS]; /* most recent first */
};

/* Why a segment was sent again (carried for the timeline; not on the wire). */
enum seg_rexmit {
    SEG_FIRST = 0,
    SEG_REXMIT_RTO = 1,
    SEG_REXMIT_FAST = 2,
    SEG_PROBE_KEEPALIVE = 3,
    SEG_PROBE_ZERO_WINDOW = 4,
    SEG_REXMIT_TLP = 5, /* RFC 8985 7.3 tail loss probe resending the last segment */
};

/* SEG.LEN of RFC 9293: payload plus one for each of SYN and FIN. */
static inline uint32_t segment_seq_len(const struct tcp_segment *seg)
{
    return seg->len + !!(seg->flags & TCP_SYN) + !!(seg->flags & TCP_FIN);
}

/* Octet at `offset` of every simulated byte stream: printable and easy to
 * check, so a receiver can verify in-order delivery without storing data. */
static inline uint8_t segment_payload_byte(uint64_t offset) { return (uint8_t)('a' + offset % 26); }

/* Flags as letters in the fixed order S F R P A U (the JSONL contract),
 * e.g. "SA", "FA", "R"; "" for none. `out` needs 7 bytes. */
void segment_flag_letters(uint8_t flags, char out[7]);
/* Flags as tcpdump prints them inside [..], in its order F S R P . U:
 * "S", "S.", "F.", "FP.", "R", "P.", "."; "none" when no bit is set.
 * `out` needs 8 bytes. */
void segment_flags_tcpdump(uint8_t flags, char out[8]);
/* Parses letters (any order, from S F R P A U, "." = A) into flag bits.
 * Returns -1 on an unknown letter. */
int segment_parse_flags(const char *text);

#endif
