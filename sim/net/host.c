/* A host: demultiplexing by 4-tuple (open-addressing hash, O(1)), listeners,
 * ephemeral ports, segment input/output, crash and reboot. */
#include <stdlib.h>
#include <string.h>

#include "tcp/tcp_internal.h"
#include "tcpsim/errors.h"

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

const struct tcp_tw *host_slot_tw(const struct conn_slot *slot)
{
    return slot_is_tw(slot) ? slot_obj(slot) : NULL;
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

int host_insert_conn(struct host *host, struct tcb *tcb)
{
    return table_insert(&host->conns,
                        tuple_key(tcb->local_port, tcb->remote_addr, tcb->remote_port),
                        (uintptr_t)tcb);
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
void host_count_port(struct host *host, struct tcb *tcb)
{
    const struct tcp_params *p = &host->params;
    if (tcb->local_port < p->port_range_lo || tcb->local_port > p->port_range_hi)
        return;
    struct host_dest *d = dest_find(host, tcb->remote_addr, tcb->remote_port);
    if (!d) {
        struct host_dest *grown = realloc(host->dests, (host->dest_count + 1) * sizeof *grown);
        if (!grown)
            return; /* uncounted: only the shortcut is lost */
        host->dests = grown;
        d = &host->dests[host->dest_count++];
        *d = (struct host_dest){.addr = tcb->remote_addr, .port = tcb->remote_port};
    }
    d->used[(tcb->local_port - p->port_range_lo) & 1]++;
    tcb->dest_counted = true;
}

void host_uncount_port(struct host *host, uint32_t raddr, uint16_t rport, uint16_t lport)
{
    struct host_dest *d = dest_find(host, raddr, rport);
    if (d)
        d->used[(lport - host->params.port_range_lo) & 1]--;
}

void host_remove_conn(struct host *host, struct tcb *tcb)
{
    if (tcb->dest_counted) {
        tcb->dest_counted = false;
        host_uncount_port(host, tcb->remote_addr, tcb->remote_port, tcb->local_port);
    }
    table_remove(&host->conns, tuple_key(tcb->local_port, tcb->remote_addr, tcb->remote_port),
                 (uintptr_t)tcb);
}

int host_insert_tw(struct host *host, struct tcp_tw *tw)
{
    return table_insert(&host->conns, tuple_key(tw->local_port, tw->remote_addr, tw->remote_port),
                        (uintptr_t)tw | REF_TW_BIT);
}

void host_remove_tw(struct host *host, struct tcp_tw *tw)
{
    if (tw->dest_counted) {
        tw->dest_counted = false;
        host_uncount_port(host, tw->remote_addr, tw->remote_port, tw->local_port);
    }
    table_remove(&host->conns, tuple_key(tw->local_port, tw->remote_addr, tw->remote_port),
                 (uintptr_t)tw | REF_TW_BIT);
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
        if (host->listeners[i]->local_port == port)
            return host->listeners[i];
    return NULL;
}

int host_add_listener(struct host *host, struct tcb *tcb)
{
    struct tcb **grown = realloc(host->listeners, (host->listener_count + 1) * sizeof *grown);
    if (!grown)
        return TS_ENOMEM;
    host->listeners = grown;
    host->listeners[host->listener_count++] = tcb;
    return TS_OK;
}

void host_remove_listener(struct host *host, struct tcb *tcb)
{
    for (uint32_t i = 0; i < host->listener_count; i++) {
        if (host->listeners[i] == tcb) {
            host->listeners[i] = host->listeners[--host->listener_count];
            return;
        }
    }
}

/* Linux tcp_twsk_unique with tcp_tw_reuse: a TIME_WAIT 4-tuple may be taken
 * over by a new outgoing connection when it used timestamps (the peer's
 * PAWS check, RFC 7323 5, then tells the two incarnations apart) and
 * TS.Recent was last updated in an earlier whole second
 * (time_after32(ktime_get_seconds(), tw_ts_recent_stamp)). */
static bool tw_reusable(const struct tcp_tw *tw, sim_time_t now)
{
    return tw->ts_ok && now / SIM_S(1) > tw->ts_recent_stamp / SIM_S(1);
}

/* Is `candidate` usable toward raddr:rport? Ends a reusable TIME_WAIT on
 * the way (its 4-tuple goes to the new connection). */
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
    struct tcp_tw *tw = slot_obj(s);
    if (!host->params.tw_reuse || !tw_reusable(tw, host->net->engine.now))
        return false;
    /* Linux: write_seq = tw_snd_nxt + 65535 + 2, above the old sequence space. */
    pick->iss = tw->snd_nxt + 65537;
    pick->iss_set = true;
    tcp_trace_conn_note(host, tw->id, "TIME_WAIT reused by connect() (tcp_tw_reuse)");
    tcp_tw_close(tw);
    return true;
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

/* Linux inet_csk_bind_conflict (relax = true, as bind() uses it): binding
 * `port` conflicts with every other socket bound to it unless both set
 * SO_REUSEADDR and that socket is not listening. Connections accepted from
 * a listener, and their TIME_WAIT, stay bound to its port. O(sockets): it
 * runs once per listen(), never per segment. */
bool host_port_in_use(struct host *host, uint16_t port, bool reuseaddr)
{
    if (host_find_listener(host, port))
        return true;
    for (const struct tcb *t = host->all; t; t = t->all_next)
        if (t->state != TCP_CLOSED && !t->tw && t->local_port == port &&
            !(reuseaddr && t->reuseaddr))
            return true;
    for (uint32_t i = 0; i < host->conns.capacity; i++) {
        const struct conn_slot *s = &host->conns.slots[i];
        if (!slot_is_tw(s))
            continue;
        const struct tcp_tw *tw = slot_obj(s);
        if (tw->local_port == port && !(reuseaddr && tw->reuseaddr))
            return true;
    }
    return false;
}

static void trace_segment(struct host *host, enum trace_seg_dir dir, const struct tcp_segment *seg,
                          uint32_t conn, const char *why)
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
        trace_segment(host, TRACE_DROP, seg, conn, "crashed");
        return;
    }
    trace_segment(host, TRACE_TX, seg, conn, NULL);
    link_send(&host->net->links[host->index], seg);
}

void host_trace_drop(struct host *host, const struct tcp_segment *seg, uint32_t conn,
                     const char *why)
{
    trace_segment(host, TRACE_DROP, seg, conn, why);
}

void host_input(struct host *host, const struct tcp_segment *seg)
{
    if (host->crashed) {
        trace_segment(host, TRACE_DROP, seg, 0, "crashed");
        return;
    }
    if (seg->dst_addr != host->addr) {
        /* Not for us (a reply to a forged source address): IP discards it. */
        trace_segment(host, TRACE_DROP, seg, 0, "no such host");
        return;
    }
    const struct conn_slot *s =
        table_find(&host->conns, tuple_key(seg->dst_port, seg->src_addr, seg->src_port));
    if (s && slot_is_tw(s)) {
        struct tcp_tw *tw = slot_obj(s);
        trace_segment(host, TRACE_RX, seg, tw->id, NULL);
        tcp_tw_input(tw, seg);
        return;
    }
    struct tcb *tcb = s ? slot_obj(s) : host_find_listener(host, seg->dst_port);
    trace_segment(host, TRACE_RX, seg, tcb ? tcb->id : 0, NULL);
    if (!tcb) {
        tcp_reply_rst(host, seg); /* RFC 9293 3.10.7.1: no TCB */
        return;
    }
    tcp_input(tcb, seg);
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

/* Forget every socket without a word on the wire (the memory of a crashed
 * machine is gone); the application's handles become CLOSED sockets. */
static void forget(struct tcb *tcb)
{
    tcb->orphan = true;
    tcb->parent = NULL;
    tcp_close_tcb(tcb);
}

void host_reboot(struct host *host)
{
    struct tcb_table *table = &host->conns;
    for (uint32_t i = 0; i < table->capacity; i++) {
        struct conn_slot *s = &table->slots[i];
        if (slot_is_tw(s))
            tcp_tw_close(slot_obj(s));
        else if (slot_live(s))
            forget(slot_obj(s));
    }
    while (host->listener_count)
        forget(host->listeners[0]);
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
    for (uint32_t i = 0; i < host->conns.capacity; i++)
        if (slot_is_tw(&host->conns.slots[i]))
            tcp_tw_free(slot_obj(&host->conns.slots[i]));
    engine_timer_del(&host->net->engine, &host->tw_timer);
    while (host->all)
        tcb_free(host->all);
    free(host->conns.slots);
    free(host->listeners);
    free(host->dests);
    host->dests = NULL;
    host->dest_count = 0;
    memset(&host->conns, 0, sizeof host->conns);
    host->listeners = NULL;
    host->listener_count = 0;
}
