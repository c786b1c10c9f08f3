/* pcap sink: a classic libpcap file (microsecond timestamps, LINKTYPE_RAW) of
 * the segments seen at one capture point, each rebuilt as a real IPv4 + TCP
 * packet with options, payload and correct checksums, so Wireshark and tshark
 * open it without warnings. File header and record headers are written
 * little-endian explicitly (readers accept either order; the bytes stay the
 * same on every machine); packets are in network byte order. */
#include <stdlib.h>
#include <string.h>

#include "tcpsim/trace_sinks.h"

#define PCAP_MAGIC 0xa1b2c3d4u /* microsecond timestamps */
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4
#define PCAP_SNAPLEN 65535u
#define PCAP_LINKTYPE_RAW 101u /* the packet starts at the IP header */

#define PCAP_IP_HEADER 20
#define PCAP_TCP_HEADER 20
#define PCAP_IP_MAX 65535u /* RFC 791: Total Length is 16 bits */
#define PCAP_TTL 64
#define PCAP_PROTO_TCP 6
#define PCAP_IP_DF 0x4000

struct trace_pcap {
    FILE *out;
    char *capture_host; /* NULL = the wire */
    uint16_t ip_id;     /* incremented per packet, as a host's IP id would be */
    uint8_t packet[PCAP_IP_MAX];
};

static void pcap_le32(FILE *out, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    fwrite(b, 1, sizeof b, out);
}

static void pcap_le16(FILE *out, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    fwrite(b, 1, sizeof b, out);
}

static void pcap_be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static void pcap_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* RFC 1071 one's-complement sum of 16-bit big-endian words, not yet folded. */
static uint32_t pcap_sum(uint32_t sum, const uint8_t *p, size_t len)
{
    for (; len >= 2; p += 2, len -= 2)
        sum += (uint32_t)p[0] << 8 | p[1];
    if (len)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

static uint16_t pcap_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Builds the packet into pcap->packet; returns its length. */
static size_t pcap_build(struct trace_pcap *pcap, const struct tcp_segment *seg)
{
    uint8_t *ip = pcap->packet, *tcp = ip + PCAP_IP_HEADER;
    uint8_t opt[TRACE_TCP_OPTIONS_MAX];
    size_t optlen = trace_tcp_options_encode(seg, opt);
    size_t hdr = PCAP_IP_HEADER + PCAP_TCP_HEADER + optlen;
    size_t payload = seg->len;
    if (payload > PCAP_IP_MAX - hdr) /* cannot happen with a sane MSS */
        payload = PCAP_IP_MAX - hdr;
    size_t tcplen = PCAP_TCP_HEADER + optlen + payload;

    /* RFC 791 3.1 header, no options. */
    ip[0] = 0x45;
    ip[1] = 0;
    pcap_be16(ip + 2, (uint32_t)(hdr + payload));
    pcap_be16(ip + 4, pcap->ip_id++);
    pcap_be16(ip + 6, PCAP_IP_DF);
    ip[8] = PCAP_TTL;
    ip[9] = PCAP_PROTO_TCP;
    pcap_be16(ip + 10, 0);
    pcap_be32(ip + 12, seg->src_addr);
    pcap_be32(ip + 16, seg->dst_addr);
    pcap_be16(ip + 10, pcap_fold(pcap_sum(0, ip, PCAP_IP_HEADER)));

    /* RFC 9293 3.1 header. */
    pcap_be16(tcp + 0, seg->src_port);
    pcap_be16(tcp + 2, seg->dst_port);
    pcap_be32(tcp + 4, seg->seq);
    pcap_be32(tcp + 8, seg->ack);
    tcp[12] = (uint8_t)(((PCAP_TCP_HEADER + optlen) / 4) << 4);
    tcp[13] = seg->flags;
    pcap_be16(tcp + 14, seg->win);
    pcap_be16(tcp + 16, 0);
    pcap_be16(tcp + 18, seg->urg_ptr);
    memcpy(tcp + PCAP_TCP_HEADER, opt, optlen);
    uint8_t *data = tcp + PCAP_TCP_HEADER + optlen;
    for (size_t i = 0; i < payload; i++)
        data[i] = segment_payload_byte(seg->data_off + i);

    /* RFC 9293 3.1: the checksum covers a pseudo header of the addresses,
     * protocol and TCP length, then the header and the data. */
    uint8_t pseudo[12];
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = PCAP_PROTO_TCP;
    pcap_be16(pseudo + 10, (uint32_t)tcplen);
    pcap_be16(tcp + 16, pcap_fold(pcap_sum(pcap_sum(0, pseudo, sizeof pseudo), tcp, tcplen)));
    return hdr + payload;
}

static bool pcap_captures(const struct trace_pcap *pcap, const struct trace_event *ev)
{
    if (ev->kind != TRACE_SEG || !ev->u.seg.seg)
        return false;
    if (!pcap->capture_host) /* the wire: each segment once, as it leaves */
        return ev->u.seg.dir == TRACE_TX;
    return ev->u.seg.dir != TRACE_DROP && ev->host &&
           strcmp(ev->host, pcap->capture_host) == 0;
}

static void pcap_emit(void *ctx, const struct trace_event *ev)
{
    struct trace_pcap *pcap = ctx;
    if (!pcap_captures(pcap, ev))
        return;
    size_t len = pcap_build(pcap, ev->u.seg.seg);
    sim_time_t t = ev->t < 0 ? 0 : ev->t;
    pcap_le32(pcap->out, (uint32_t)(t / SIM_S(1)));
    pcap_le32(pcap->out, (uint32_t)(t % SIM_S(1) / SIM_US(1)));
    pcap_le32(pcap->out, (uint32_t)len); /* captured */
    pcap_le32(pcap->out, (uint32_t)len); /* on the wire */
    fwrite(pcap->packet, 1, len, pcap->out);
}

static void pcap_finish(void *ctx)
{
    fflush(((struct trace_pcap *)ctx)->out);
}

struct trace_pcap *trace_pcap_new(FILE *out, const char *capture_host)
{
    struct trace_pcap *pcap = malloc(sizeof *pcap);
    if (!pcap)
        return NULL;
    pcap->out = out;
    pcap->ip_id = 0;
    pcap->capture_host = NULL;
    if (capture_host) {
        pcap->capture_host = strdup(capture_host);
        if (!pcap->capture_host) {
            free(pcap);
            return NULL;
        }
    }
    /* The global header (pcap-savefile(5)). */
    pcap_le32(out, PCAP_MAGIC);
    pcap_le16(out, PCAP_VERSION_MAJOR);
    pcap_le16(out, PCAP_VERSION_MINOR);
    pcap_le32(out, 0); /* thiszone: timestamps are already UTC */
    pcap_le32(out, 0); /* sigfigs */
    pcap_le32(out, PCAP_SNAPLEN);
    pcap_le32(out, PCAP_LINKTYPE_RAW);
    return pcap;
}

struct trace_sink trace_pcap_sink(struct trace_pcap *pcap)
{
    return (struct trace_sink){.emit = pcap_emit, .finish = pcap_finish, .ctx = pcap};
}

void trace_pcap_free(struct trace_pcap *pcap)
{
    if (!pcap)
        return;
    free(pcap->capture_host);
    free(pcap);
}
