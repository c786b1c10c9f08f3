/* A host, below TCP: demultiplexing by 4-tuple (open-addressing hash, O(1))
 * and listeners by port, ephemeral ports, segment output and the IP-level
 * checks of input, crash and reboot. Sockets are opaque here; whatever must
 * call into TCP goes through net->proto (sim/tcp/tcp_host.c). */
#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"
#include "tcpsim/host.h"

#define REF_EMPTY ((uintptr_t)0)
#define REF_TOMB ((uintptr_t)1)
#define REF_TW_BIT ((uintptr_t)1)

static uint64_t tuple_key(uint16_t lport, uint32_t raddr, uint16_t rport)
{
    return ((uint64_t)raddr << 32) | ((uint64_t)rport << 16) | lport;
}

static uint32_t key_hash(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return (uint32_t)k;
}

static bool slot_live(const struct conn_slot *s) { return s->ref > REF_TOMB; }
static bool slot_is_tw(const struct conn_slot *s) { return slot_live(s) && (s->ref & REF_TW_BIT); }
static void *slot_obj(const struct conn_slot *s) { return (void *)(s->ref & ~REF_TW_BIT); }

struct tcp_tw *host_slot_tw(const struct conn_slot *slot)
{
    return slot_is_tw(slot) ? slot_obj(slot) : NULL;
}

struct tcb *host_slot_conn(const struct conn_slot *slot)
{
    return slot_live(slot) && !slot_is_tw(slot) ? slot_obj(slot) : NULL;
}

static int table_resize(struct tcb_table *table, uint32_t capacity)
{
    struct conn_slot *slots = calloc(capacity, sizeof *slots);
    if (!slots)
        return TS_ENOMEM;
    for (uint32_t i = 0; i < table->capacity; i++) {
        const struct conn_slot *s = &table->slots[i];
        if (!slot_live(s))
            continue;
        uint32_t j = key_hash(s->key) & (capacity - 1);
        while (slots[j].ref != REF_EMPTY)
            j = (j + 1) & (capacity - 1);
        slots[j] = *s;
    }
    free(table->slots);
    table->slots = slots;
    table->capacity = capacity;
    table->tombs = 0;
    return TS_OK;
}

static int table_insert(struct tcb_table *table, uint64_t key, uintptr_t ref)
{
    if ((table->used + table->tombs + 1) * 4 >= table->capacity * 3) {
        uint32_t cap = table->capacity ? table->capacity : 64;
        while ((table->used + 1) * 2 >= cap)
            cap *= 2;
        if (table_resize(table, cap) != TS_OK)
            return TS_ENOMEM;
    }
    uint32_t mask = table->capacity - 1;
    uint32_t j = key_hash(key) & mask;
    while (slot_live(&table->slots[j]))
        j = (j + 1) & mask;
    if (table->slots[j].ref == REF_TOMB)
        table->tombs--;
    table->slots[j] = (struct conn_slot){.key = key, .ref = ref};
    table->used++;
    return TS_OK;
}

static struct conn_slot *table_find(const struct tcb_table *table, uint64_t key)
{
    if (!table->capacity)
        return NULL;
    uint32_t mask = table->capacity - 1;
    uint32_t j = key_hash(key) & mask;
    while (table->slots[j].ref != REF_EMPTY) {
        if (table->slots[j].key == key && slot_live(&table->slots[j]))
            return &table->slots[j];
        j = (j + 1) & mask;
    }
    return NULL;
}

static void table_remove(struct tcb_table *table, uint64_t key, uintptr_t ref)
{
    struct conn_slot *s = table_find(table, key);
    if (!s || s->ref != ref)
        return;
    s->ref = REF_TOMB;
    table->used--;
    table->tombs++;
}

int host_demux_insert(struct host *host, uint16_t lport, uint32_t raddr, uint16_t rport, void *sock,
                      bool tw)
{
    return table_insert(&host->conns, tuple_key(lport, raddr, rport),
                        (uintptr_t)sock | (tw ? REF_TW_BIT : 0));
}

void host_demux_remove(struct host *host, uint16_t lport, uint32_t raddr, uint16_t rport,
                       const void *sock, bool tw)
{
    table_remove(&host->conns, tuple_key(lport, raddr, rport),
                 (uintptr_t)sock | (tw ? REF_TW_BIT : 0));
}

static struct host_dest *dest_find(struct host *host, uint32_t raddr, uint16_t rport)
{
    for (uint32_t i = 0; i < host->dest_count; i++)
        if (host->dests[i].addr == raddr && host->dests[i].port == rport)
            return &host->dests[i];
    return NULL;
}

/* Counts an active connection whose local port lies in the ephemeral range
 * (listeners and passive connections are not counted: the counts may fall
 * short of the truth, never exceed it, so a skip they allow is safe). */
bool host_count_port(struct host *host, uint16_t lport, uint32_t raddr, uint16_t rport)
{
    const struct tcp_params *p = &host->params;
    if (lport < p->port_range_lo || lport > p->port_range_hi)
        return false;
    struct host_dest *d = dest_find(host, raddr, rport);
    if (!d) {
        struct host_dest *grown = realloc(host->dests, (host->dest_count + 1) * sizeof *grown);
        if (!grown)
            return false; /* uncounted: only the shortcut is lost */
        host->dests = grown;
        d = &host->dests[host->dest_count++];
        *d = (struct host_dest){.addr = raddr, .port = rport};
    }
    d->used[(lport - p->port_range_lo) & 1]++;
    return true;
}

void host_uncount_port(struct host *host, uint32_t raddr, uint16_t rport, uint16_t lport)
{
    struct host_dest *d = dest_find(host, raddr, rport);
    if (d)
        d->used[(lport - host->params.port_range_lo) & 1]--;
}

const struct conn_slot *host_demux_find(struct host *host, uint16_t lport, uint32_t raddr,
                                        uint16_t rport)
{
    return table_find(&host->conns, tuple_key(lport, raddr, rport));
}

struct tcb *host_find_conn(struct host *host, uint16_t lport, uint32_t raddr, uint16_t rport)
{
    const struct conn_slot *s = table_find(&host->conns, tuple_key(lport, raddr, rport));
    return s && !slot_is_tw(s) ? slot_obj(s) : NULL;
}

struct tcp_tw *host_find_tw(struct host *host, uint16_t lport, uint32_t raddr, uint16_t rport)
{
    const struct conn_slot *s = table_find(&host->conns, tuple_key(lport, raddr, rport));
    return s && slot_is_tw(s) ? slot_obj(s) : NULL;
}

bool host_tuple_in_use(struct host *host, uint16_t lport, uint32_t raddr, uint16_t rport)
{
    return table_find(&host->conns, tuple_key(lport, raddr, rport)) != NULL;
}

struct tcb *host_find_listener(struct host *host, uint16_t port)
{
    for (uint32_t i = 0; i < host->listener_count; i++)
        if (host->listeners[i].port == port)
            return host->listeners[i].tcb;
    return NULL;
}

int host_add_listener(struct host *host, uint16_t port, struct tcb *tcb)
{
    struct host_listener *grown =
        realloc(host->listeners, (host->listener_count + 1) * sizeof *grown);
    if (!grown)
        return TS_ENOMEM;
    host->listeners = grown;
    host->listeners[host->listener_count++] = (struct host_listener){port, tcb};
    return TS_OK;
}

void host_remove_listener(struct host *host, const struct tcb *tcb)
{
    for (uint32_t i = 0; i < host->listener_count; i++) {
        if (host->listeners[i].tcb == tcb) {
            host->listeners[i] = host->listeners[--host->listener_count];
            return;
        }
    }
}

/* Is `candidate` usable toward raddr:rport? A TIME_WAIT holding the 4-tuple
 * is the transport's to give up (tcp_tw_reuse). */
static bool port_usable(struct host *host, uint16_t candidate, uint32_t raddr, uint16_t rport,
                        struct host_port_pick *pick)
{
    if (host_find_listener(host, candidate))
        return false;
    const struct conn_slot *s = table_find(&host->conns, tuple_key(candidate, raddr, rport));
    if (!s)
        return true;
    if (!slot_is_tw(s))
        return false;
    return host->net->proto->tw_reuse(host, slot_obj(s), pick);
}

/* Linux __inet_hash_connect: start at a per-host offset into
 * ip_local_port_range, try the ports of one parity first (connect() gets
 * even offsets, leaving odd ones to bind(0); Linux 4.2+), then the other
 * parity, and take the first port whose 4-tuple toward this destination
 * is free (TIME_WAIT holds it too, unless tcp_tw_reuse may take it). The
 * cursor moves past the port taken, so successive connects walk the range
 * (Linux's table_perturb). EADDRNOTAVAIL when no port is usable: like
 * Linux, a failing connect() costs a scan of the whole range. */
int host_pick_port(struct host *host, uint32_t raddr, uint16_t rport, struct host_port_pick *pick)
{
    const struct tcp_params *p = &host->params;
    uint32_t lo = p->port_range_lo, hi = p->port_range_hi;
    pick->iss_set = false;
    if (lo == 0 || hi < lo || hi > 65535)
        return TS_EINVAL;
    uint32_t span = hi - lo + 1;
    uint32_t offset = (host->next_port % span) & ~1u;
    /* With an even span a pass visits exactly the ports of one parity: skip
     * it when they are all held (the simulator's shortcut; Linux scans). */
    const struct host_dest *d = span % 2 == 0 ? dest_find(host, raddr, rport) : NULL;
    for (uint32_t parity = 0; parity < 2 && parity < span; parity++) {
        if (d && !p->tw_reuse && d->used[parity] >= span / 2)
            continue;
        for (uint32_t i = parity; i < span; i += 2) {
            uint32_t rel = (offset + i) % span;
            uint16_t candidate = (uint16_t)(lo + rel);
            if (port_usable(host, candidate, raddr, rport, pick)) {
                host->next_port = (offset + i + 2) % span;
                pick->port = candidate;
                return TS_OK;
            }
        }
    }
    return TS_EADDRNOTAVAIL;
}

void host_trace_seg(struct host *host, enum trace_seg_dir dir, const struct tcp_segment *seg,
                    uint32_t conn, enum drop_reason why)
{
    const struct tracer *tracer = &host->net->tracer;
    if (!tracer_active(tracer))
        return;
    struct trace_event ev = {
        .t = host->net->engine.now, .kind = TRACE_SEG, .host = host->name, .conn = conn};
    ev.u.seg.dir = dir;
    ev.u.seg.seg = seg;
    ev.u.seg.why = why;
    ev.u.seg.payload = &host->net->payload;
    tracer_emit(tracer, &ev);
}

void host_output(struct host *host, struct tcp_segment *seg, uint32_t conn)
{
    seg->src_conn = conn;
    if (host->crashed) {
        host_trace_seg(host, TRACE_DROP, seg, conn, DROP_CRASHED);
        return;
    }
    host_trace_seg(host, TRACE_TX, seg, conn, DROP_NONE);
    link_send(&host->net->links[host->index], seg);
}

void host_trace_drop(struct host *host, const struct tcp_segment *seg, uint32_t conn,
                     enum drop_reason why)
{
    host_trace_seg(host, TRACE_DROP, seg, conn, why);
}

void host_input(struct host *host, const struct tcp_segment *seg)
{
    if (host->crashed) {
        host_trace_seg(host, TRACE_DROP, seg, 0, DROP_CRASHED);
        return;
    }
    if (seg->dst_addr != host->addr) {
        /* Not for us (a reply to a forged source address): IP discards it. */
        host_trace_seg(host, TRACE_DROP, seg, 0, DROP_NO_SUCH_HOST);
        return;
    }
    host->net->proto->input(host, seg);
}

void host_crash(struct host *host)
{
    host->crashed = true;
    if (tracer_active(&host->net->tracer)) {
        struct trace_event ev = {
            .t = host->net->engine.now, .kind = TRACE_NOTE, .host = host->name};
        ev.u.note.text = "host crashed: it neither sends nor receives";
        tracer_emit(&host->net->tracer, &ev);
    }
}

void host_reboot(struct host *host)
{
    host->net->proto->forget_all(host);
    host->crashed = false;
    if (tracer_active(&host->net->tracer)) {
        struct trace_event ev = {
            .t = host->net->engine.now, .kind = TRACE_NOTE, .host = host->name};
        ev.u.note.text = "host rebooted: all connections forgotten";
        tracer_emit(&host->net->tracer, &ev);
    }
}

uint32_t host_count_in_state(const struct host *host, enum tcp_state state)
{
    return host->state_count[state];
}

void host_destroy_all(struct host *host)
{
    host->net->proto->destroy_all(host);
    free(host->conns.slots);
    free(host->listeners);
    free(host->dests);
    host->dests = NULL;
    host->dest_count = 0;
    memset(&host->conns, 0, sizeof host->conns);
    host->listeners = NULL;
    host->listener_count = 0;
}
