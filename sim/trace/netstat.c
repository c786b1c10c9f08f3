/* netstat -nat and ss -tano, as Linux's tools print them, for one simulated
 * host: rows from sock_get_info, the per-state counts of the classic
 * `netstat -nat | awk '{print $6}' | sort | uniq -c`, and ss's timer column.
 * Formats into the caller's FILE; never decides when or where to print. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tcpsim/errors.h"
#include "tcpsim/netstat.h"
#include "tcpsim/trace.h"

/* ss spells states its own way (misc/ss.c sstate_name); CLOSED is "UNCONN". */
static const char *const ss_names[TCP_STATE_COUNT] = {
    [TCP_CLOSED] = "UNCONN",        [TCP_LISTEN] = "LISTEN",       [TCP_SYN_SENT] = "SYN-SENT",
    [TCP_SYN_RECV] = "SYN-RECV",    [TCP_ESTABLISHED] = "ESTAB",   [TCP_CLOSE_WAIT] = "CLOSE-WAIT",
    [TCP_FIN_WAIT1] = "FIN-WAIT-1", [TCP_CLOSING] = "CLOSING",     [TCP_LAST_ACK] = "LAST-ACK",
    [TCP_FIN_WAIT2] = "FIN-WAIT-2", [TCP_TIME_WAIT] = "TIME-WAIT",
};

const char *netstat_state_name(enum tcp_state state, enum netstat_view view)
{
    if (view == NETSTAT_VIEW_SS)
        return state < TCP_STATE_COUNT ? ss_names[state] : "UNKNOWN";
    /* net-tools netstat prints CLOSED as "CLOSE" (tcp_state[] in netstat.c). */
    return state == TCP_CLOSED ? "CLOSE" : tcp_state_name(state);
}

/* iproute2 misc/ss.c print_ms_timer: minutes drop the milliseconds and,
 * from 10 min, the seconds; from 10 s the milliseconds go; a fraction of a
 * second is written "9.501sec" (iproute2 >= 6.11; older versions printed
 * "9.501ms"). Linux reports whole milliseconds (jiffies_delta_to_msecs). */
void netstat_format_ss_timer(sim_time_t left, char *out, size_t size)
{
    long long ms_total = left > 0 ? (long long)(left / SIM_MS(1)) : 0;
    long long secs = ms_total / 1000, minutes = secs / 60, msecs = ms_total % 1000;
    size_t n = 0;
    secs %= 60;
    out[0] = '\0';
    if (minutes) {
        msecs = 0;
        n += (size_t)snprintf(out, size, "%lldmin", minutes);
        if (minutes > 9)
            secs = 0;
    }
    if (secs && n < size) {
        if (secs > 9)
            msecs = 0;
        n += (size_t)snprintf(out + n, size - n, "%lld%s", secs, msecs ? "." : "sec");
    }
    if (msecs && n < size)
        snprintf(out + n, size - n, "%03lld%s", msecs, secs ? "sec" : "ms");
}

static void format_endpoint(uint32_t addr, uint16_t port, bool any_port, char *out, size_t size)
{
    char a[16];
    trace_format_addr(addr, a);
    if (any_port)
        snprintf(out, size, "%s:*", a);
    else
        snprintf(out, size, "%s:%u", a, (unsigned)port);
}

static size_t rows_to_list(size_t count, const struct netstat_options *o)
{
    return o->max_rows && count > o->max_rows ? o->max_rows : count;
}

static void write_not_listed(FILE *out, size_t count, size_t listed)
{
    if (listed < count)
        fprintf(out, "(%zu more sockets not listed)\n", count - listed);
}

/* ------------------------------------------------------------ netstat */

struct count_word {
    const char *word;
    size_t count;
};

static int count_word_cmp(const void *a, const void *b)
{
    return strcmp(((const struct count_word *)a)->word, ((const struct count_word *)b)->word);
}

/* awk '{print $6}' sees "established)" in netstat's first header line and
 * "Foreign" in the second, then each row's state; sort (C locale) orders
 * them bytewise and uniq -c prints "%7d %s". */
static void write_counts(FILE *out, const struct sock_info *rows, size_t count)
{
    size_t per_state[TCP_STATE_COUNT] = {0};
    for (size_t i = 0; i < count; i++)
        per_state[rows[i].state]++;
    struct count_word words[TCP_STATE_COUNT + 2];
    size_t n = 0;
    words[n++] = (struct count_word){"established)", 1};
    words[n++] = (struct count_word){"Foreign", 1};
    for (int s = 0; s < TCP_STATE_COUNT; s++)
        if (per_state[s])
            words[n++] = (struct count_word){
                netstat_state_name((enum tcp_state)s, NETSTAT_VIEW_NETSTAT), per_state[s]};
    qsort(words, n, sizeof *words, count_word_cmp);
    fputs("$ netstat -nat | awk '{print $6}' | LC_ALL=C sort | uniq -c\n", out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%7zu %s\n", words[i].count, words[i].word);
}

/* net-tools netstat.c tcp_do_one: "%-4s  %6ld %6ld %-*s %-*s %-11s", the
 * address columns at least 23 wide; the header keeps its trailing blanks. */
static void write_netstat(FILE *out, const struct sock_info *rows, size_t count,
                          const struct netstat_options *o)
{
    if (!o->summary) {
        fputs("$ netstat -nat\n"
              "Active Internet connections (servers and established)\n"
              "Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n",
              out);
        size_t listed = rows_to_list(count, o);
        for (size_t i = 0; i < listed; i++) {
            const struct sock_info *r = &rows[i];
            char local[32], remote[32];
            bool listen = r->state == TCP_LISTEN;
            format_endpoint(r->local_addr, r->local_port, false, local, sizeof local);
            format_endpoint(r->remote_addr, r->remote_port, listen, remote, sizeof remote);
            fprintf(out, "%-4s  %6" PRIu64 " %6" PRIu64 " %-23s %-23s %-11s\n", "tcp", r->recv_q,
                    r->send_q, local, remote, netstat_state_name(r->state, NETSTAT_VIEW_NETSTAT));
        }
        write_not_listed(out, count, listed);
    }
    write_counts(out, rows, count);
}

/* ----------------------------------------------------------------- ss */

static const char *const ss_timer_names[] = {"off", "on", "keepalive", "timewait", "persist"};

struct ss_widths {
    int state, recv_q, send_q, laddr, lport, paddr, pport;
};

static int max_int(int a, int b) { return a > b ? a : b; }

/* Splits "10.0.0.1:80" at its colon: ss aligns addresses right and ports
 * left around it, each column as wide as its widest cell. */
static void ss_cells(const struct sock_info *r, char addr[2][16], char port[2][8])
{
    trace_format_addr(r->local_addr, addr[0]);
    trace_format_addr(r->remote_addr, addr[1]);
    snprintf(port[0], 8, "%u", (unsigned)r->local_port);
    if (r->state == TCP_LISTEN)
        snprintf(port[1], 8, "*");
    else
        snprintf(port[1], 8, "%u", (unsigned)r->remote_port);
}

static uint64_t ss_send_q(const struct sock_info *r)
{
    return r->state == TCP_LISTEN ? r->backlog : r->send_q; /* ss: a listener's backlog */
}

static struct ss_widths ss_measure(const struct sock_info *rows, size_t listed)
{
    struct ss_widths w = {5, 6, 6, 13, 4, 12, 4}; /* "State", "Recv-Q", ..., "Peer Address" */
    for (size_t i = 0; i < listed; i++) {
        char addr[2][16], port[2][8], q[24];
        ss_cells(&rows[i], addr, port);
        w.state = max_int(w.state, (int)strlen(netstat_state_name(rows[i].state, NETSTAT_VIEW_SS)));
        w.recv_q = max_int(w.recv_q, snprintf(q, sizeof q, "%" PRIu64, rows[i].recv_q));
        w.send_q = max_int(w.send_q, snprintf(q, sizeof q, "%" PRIu64, ss_send_q(&rows[i])));
        w.laddr = max_int(w.laddr, (int)strlen(addr[0]));
        w.lport = max_int(w.lport, (int)strlen(port[0]));
        w.paddr = max_int(w.paddr, (int)strlen(addr[1]));
        w.pport = max_int(w.pport, (int)strlen(port[1]));
    }
    return w;
}

/* Prints `line` without trailing blanks. */
static void put_trimmed(FILE *out, char *line)
{
    size_t n = strlen(line);
    while (n > 0 && line[n - 1] == ' ')
        line[--n] = '\0';
    fputs(line, out);
    putc('\n', out);
}

static void write_ss(FILE *out, const struct sock_info *rows, size_t count,
                     const struct netstat_options *o)
{
    size_t listed = rows_to_list(count, o);
    struct ss_widths w = ss_measure(rows, listed);
    char line[512];
    fputs("$ ss -tano\n", out);
    snprintf(line, sizeof line, "%-*s %-*s %-*s %*s:%-*s %*s:%-*s Process", w.state, "State",
             w.recv_q, "Recv-Q", w.send_q, "Send-Q", w.laddr, "Local Address", w.lport, "Port",
             w.paddr, "Peer Address", w.pport, "Port");
    put_trimmed(out, line);
    for (size_t i = 0; i < listed; i++) {
        const struct sock_info *r = &rows[i];
        char addr[2][16], port[2][8], timer[96] = "";
        ss_cells(r, addr, port);
        if (r->timer != SOCK_TIMER_OFF) {
            char left[48];
            netstat_format_ss_timer(r->timer_left, left, sizeof left);
            snprintf(timer, sizeof timer, "timer:(%s,%s,%" PRIu32 ")", ss_timer_names[r->timer],
                     left, r->timer_count);
        }
        snprintf(line, sizeof line, "%-*s %-*" PRIu64 " %-*" PRIu64 " %*s:%-*s %*s:%-*s %s",
                 w.state, netstat_state_name(r->state, NETSTAT_VIEW_SS), w.recv_q, r->recv_q,
                 w.send_q, ss_send_q(r), w.laddr, addr[0], w.lport, port[0], w.paddr, addr[1],
                 w.pport, port[1], timer);
        put_trimmed(out, line);
    }
    write_not_listed(out, count, listed);
}

/* --------------------------------------------------------------- API */

void netstat_write_rows(FILE *out, const struct sock_info *rows, size_t count,
                        const struct netstat_options *options)
{
    if (options->view == NETSTAT_VIEW_SS)
        write_ss(out, rows, count, options);
    else
        write_netstat(out, rows, count, options);
}

int netstat_write_host(FILE *out, const struct host *host, const struct netstat_options *options)
{
    struct sock_info *rows;
    size_t count;
    int err = host_socket_infos(host, &rows, &count);
    if (err)
        return err;
    netstat_write_rows(out, rows, count, options);
    free(rows);
    return TS_OK;
}
