/* Literal payload bytes. Payload octets are normally generated from their
 * stream offset (segment_payload_byte), so counted bytes cost nothing. When a
 * scenario sends text (`call: send, text: "GET / ..."`), the text is recorded
 * here as a chunk of the sending connection's stream, by (address, connection
 * id, stream offset). Segments keep naming their bytes by src_addr, src_conn
 * and data_off, never by pointer; the pcap and timeline sinks look the bytes
 * up here. One store per run (struct net owns it). */
#ifndef TCPSIM_PAYLOAD_H
#define TCPSIM_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpsim/segment.h"

struct payload_chunk {
    uint32_t addr; /* sending host */
    uint32_t conn; /* sending connection id (unique within its host) */
    uint64_t off;  /* stream offset of bytes[0] */
    uint32_t len;
    uint8_t *bytes;
};

struct payload_store {
    struct payload_chunk *chunks;
    size_t count, cap;
};

void payload_store_init(struct payload_store *store);
void payload_store_free(struct payload_store *store);
/* Records `len` literal octets at stream offset `off` of (addr, conn).
 * Returns 0 or TS_ENOMEM. */
int payload_store_add(struct payload_store *store, uint32_t addr, uint32_t conn, uint64_t off,
                      const uint8_t *bytes, uint32_t len);
/* Forgets the chunk added last (a send that failed). */
void payload_store_pop(struct payload_store *store);
/* Writes the segment's payload octets into out[0..seg->len): literal where a
 * chunk covers them, the generated pattern elsewhere. `store` may be NULL.
 * Returns whether any octet was literal. */
bool payload_fill(const struct payload_store *store, const struct tcp_segment *seg, uint8_t *out);
/* C-style escaped excerpt of the first octets of `bytes` ("GET / HTTP/1.0\r\n"),
 * at most `max` of them, then "..." if there were more. `out` needs 4*max+4. */
void payload_escape(const uint8_t *bytes, size_t len, size_t max, char *out);
/* Whether any of the segment's payload octets is literal. */
bool payload_is_literal(const struct payload_store *store, const struct tcp_segment *seg);

#endif
