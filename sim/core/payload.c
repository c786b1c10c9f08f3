/* The literal-payload store (see include/tcpsim/payload.h). Lookups scan the
 * chunk list: scenarios that send text send a few requests, not millions, and
 * the empty store (every counted-bytes run) answers at once. */
#include "tcpsim/payload.h"

#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"

void payload_store_init(struct payload_store *store) { memset(store, 0, sizeof *store); }

void payload_store_free(struct payload_store *store)
{
    for (size_t i = 0; i < store->count; i++)
        free(store->chunks[i].bytes);
    free(store->chunks);
    payload_store_init(store);
}

int payload_store_add(struct payload_store *store, uint32_t addr, uint32_t conn, uint64_t off,
                      const uint8_t *bytes, uint32_t len)
{
    if (len == 0)
        return TS_OK;
    if (store->count == store->cap) {
        size_t cap = store->cap ? 2 * store->cap : 8;
        struct payload_chunk *grown = realloc(store->chunks, cap * sizeof *grown);
        if (!grown)
            return TS_ENOMEM;
        store->chunks = grown;
        store->cap = cap;
    }
    uint8_t *copy = malloc(len);
    if (!copy)
        return TS_ENOMEM;
    memcpy(copy, bytes, len);
    store->chunks[store->count++] =
        (struct payload_chunk){.addr = addr, .conn = conn, .off = off, .len = len, .bytes = copy};
    return TS_OK;
}

void payload_store_pop(struct payload_store *store)
{
    if (store->count > 0)
        free(store->chunks[--store->count].bytes);
}

/* Overlap of chunk `c` with the segment's octets, as [lo, hi) stream offsets. */
static bool payload_overlap(const struct payload_chunk *c, const struct tcp_segment *seg,
                            uint64_t *lo, uint64_t *hi)
{
    if (c->addr != seg->src_addr || c->conn != seg->src_conn || seg->len == 0)
        return false;
    uint64_t a = seg->data_off > c->off ? seg->data_off : c->off;
    uint64_t seg_end = seg->data_off + seg->len, chunk_end = c->off + c->len;
    uint64_t b = seg_end < chunk_end ? seg_end : chunk_end;
    if (a >= b)
        return false;
    *lo = a;
    *hi = b;
    return true;
}

bool payload_fill(const struct payload_store *store, const struct tcp_segment *seg, uint8_t *out)
{
    for (uint32_t i = 0; i < seg->len; i++)
        out[i] = segment_payload_byte(seg->data_off + i);
    bool literal = false;
    for (size_t i = 0; store && i < store->count; i++) {
        const struct payload_chunk *c = &store->chunks[i];
        uint64_t lo, hi;
        if (!payload_overlap(c, seg, &lo, &hi))
            continue;
        memcpy(out + (lo - seg->data_off), c->bytes + (lo - c->off), (size_t)(hi - lo));
        literal = true;
    }
    return literal;
}

bool payload_is_literal(const struct payload_store *store, const struct tcp_segment *seg)
{
    for (size_t i = 0; store && i < store->count; i++) {
        uint64_t lo, hi;
        if (payload_overlap(&store->chunks[i], seg, &lo, &hi))
            return true;
    }
    return false;
}

void payload_escape(const uint8_t *bytes, size_t len, size_t max, char *out)
{
    static const char hex[] = "0123456789abcdef";
    char *p = out;
    for (size_t i = 0; i < len && i < max; i++) {
        uint8_t c = bytes[i];
        const char *esc = c == '\r'   ? "\\r"
                          : c == '\n' ? "\\n"
                          : c == '\t' ? "\\t"
                          : c == '"'  ? "\\\""
                          : c == '\\' ? "\\\\"
                                      : NULL;
        if (esc) {
            *p++ = esc[0];
            *p++ = esc[1];
        } else if (c >= 0x20 && c < 0x7f) {
            *p++ = (char)c;
        } else {
            *p++ = '\\', *p++ = 'x', *p++ = hex[c >> 4], *p++ = hex[c & 15];
        }
    }
    if (len > max)
        *p++ = '.', *p++ = '.', *p++ = '.';
    *p = '\0';
}
