/* Backtick shell lines and %{ }% code blocks. Nothing is executed: a sysctl
 * of net.ipv4.tcp_* (or net.core.somaxconn) sets the matching TCP parameter
 * of the endpoint, the customary defaults.sh applies the values the Linux
 * kernel selftests' tools/testing/selftests/net/packetdrill/defaults.sh
 * sets, and anything else is reported as skipped with its line. In code
 * blocks, `assert tcpi_X <op> N` is checked for the tcp_info fields tcpsim
 * models; other statements are reported as not checked. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_run.h"
#include "tcpsim/socket.h"

/* The values defaults.sh sets that tcpsim models; the rest (frto, dsack,
 * fack, reordering, tso_win_divisor, ecn, pacing ratios, notsent_lowat,
 * fastopen) are Linux's defaults or not modelled. */
void pk_apply_defaults(struct tcp_params *p)
{
    p->rcvbuf = 540000;       /* tcp_rmem = "4096 540000 15728640" */
    p->rcvbuf_max = 15728640; /* (so SYNs offer wscale 8) */
    p->sndbuf = 262144;       /* tcp_wmem = "4096 262144 4194304" */
    p->timestamps = true;     /* tcp_timestamps=1 */
    p->syn_retries = 5;       /* tcp_syn_retries=5 */
    p->synack_retries = 5;    /* tcp_synack_retries=5 */
    p->sack = true;           /* tcp_sack=1 */
    p->congestion_control = TCP_CC_CUBIC;
    p->tlp = true;     /* tcp_early_retrans=4 */
    p->syncookies = 1; /* tcp_syncookies=1 */
}

static bool parse_u(const char *v, uint64_t *out)
{
    char *end;
    unsigned long long x = strtoull(v, &end, 0);
    if (end == v)
        return false;
    *out = x;
    return true;
}

/* Returns true when `name` is modelled (and was set). */
static bool set_sysctl(struct tcp_params *p, const char *name, const char *val)
{
    uint64_t v = 0;
    bool num = parse_u(val, &v);
    if (strncmp(name, "net.ipv4.", 9) == 0)
        name += 9;
    else if (strcmp(name, "net.core.somaxconn") == 0) {
        if (num)
            p->somaxconn = (uint32_t)v;
        return num;
    } else {
        return false;
    }
    if (strcmp(name, "tcp_rmem") == 0 || strcmp(name, "tcp_wmem") == 0) {
        unsigned long long a, b, c;
        if (sscanf(val, "%llu %llu %llu", &a, &b, &c) != 3)
            return false;
        if (name[4] == 'r') {
            p->rcvbuf = (uint32_t)b;
            p->rcvbuf_max = (uint32_t)c;
        } else {
            p->sndbuf = (uint32_t)b;
        }
        return true;
    }
    if (strcmp(name, "ip_local_port_range") == 0) {
        unsigned a, b;
        if (sscanf(val, "%u %u", &a, &b) != 2)
            return false;
        p->port_range_lo = a;
        p->port_range_hi = b;
        return true;
    }
    if (strcmp(name, "tcp_congestion_control") == 0) {
        int cc = tcp_cc_algo_from_name(val);
        if (cc < 0)
            return false;
        p->congestion_control = (uint8_t)cc;
        return true;
    }
    if (!num)
        return false;
    static const struct {
        const char *name;
        size_t off;
        char kind; /* b bool, u uint32, 8 uint8, s seconds */
    } map[] = {
        {"tcp_timestamps", offsetof(struct tcp_params, timestamps), 'b'},
        {"tcp_sack", offsetof(struct tcp_params, sack), 'b'},
        {"tcp_window_scaling", offsetof(struct tcp_params, window_scaling), 'b'},
        {"tcp_syn_retries", offsetof(struct tcp_params, syn_retries), 'u'},
        {"tcp_synack_retries", offsetof(struct tcp_params, synack_retries), 'u'},
        {"tcp_retries1", offsetof(struct tcp_params, retries1), 'u'},
        {"tcp_retries2", offsetof(struct tcp_params, retries2), 'u'},
        {"tcp_orphan_retries", offsetof(struct tcp_params, orphan_retries), 'u'},
        {"tcp_fin_timeout", offsetof(struct tcp_params, fin_timeout), 's'},
        {"tcp_keepalive_time", offsetof(struct tcp_params, keepalive_time), 's'},
        {"tcp_keepalive_intvl", offsetof(struct tcp_params, keepalive_intvl), 's'},
        {"tcp_keepalive_probes", offsetof(struct tcp_params, keepalive_probes), 'u'},
        {"tcp_rfc1337", offsetof(struct tcp_params, rfc1337), 'b'},
        {"tcp_tw_reuse", offsetof(struct tcp_params, tw_reuse), 'b'},
        {"tcp_max_tw_buckets", offsetof(struct tcp_params, max_tw_buckets), 'u'},
        {"tcp_max_syn_backlog", offsetof(struct tcp_params, max_syn_backlog), 'u'},
        {"tcp_syncookies", offsetof(struct tcp_params, syncookies), '8'},
        {"tcp_abort_on_overflow", offsetof(struct tcp_params, abort_on_overflow), 'b'},
        {"tcp_syn_linear_timeouts", offsetof(struct tcp_params, syn_linear_timeouts), 'u'},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(name, map[i].name) != 0)
            continue;
        char *field = (char *)p + map[i].off;
        switch (map[i].kind) {
        case 'b': *(bool *)field = v != 0; break;
        case 'u': *(uint32_t *)field = (uint32_t)v; break;
        case '8': *(uint8_t *)field = (uint8_t)v; break;
        case 's': *(sim_time_t *)field = SIM_S((int64_t)v); break;
        }
        return true;
    }
    if (strcmp(name, "tcp_early_retrans") == 0) {
        p->tlp = v >= 3; /* 3 and 4 enable TLP */
        return true;
    }
    return false;
}

/* Settings whose value is Linux's default or which tcpsim does not model
 * in a way a script could see differently: accepted quietly. */
static bool harmless(const char *name)
{
    static const char *const names[] = {
        "net.ipv4.tcp_frto",
        "net.ipv4.tcp_dsack",
        "net.ipv4.tcp_fack",
        "net.ipv4.tcp_reordering",
        "net.ipv4.tcp_recovery",
        "net.ipv4.tcp_tso_win_divisor",
        "net.ipv4.tcp_ecn",
        "net.ipv4.tcp_pacing_ss_ratio",
        "net.ipv4.tcp_pacing_ca_ratio",
        "net.ipv4.tcp_notsent_lowat",
        "net.ipv4.tcp_fastopen",
        "net.ipv4.tcp_fastopen_key",
        "net.ipv4.tcp_min_tso_segs",
        "net.ipv4.tcp_slow_start_after_idle",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

static void sysctl_assign(struct pkt_run *r, const struct pk_event *ev, char *name, char *val)
{
    /* /proc/sys/net/ipv4/tcp_x -> net.ipv4.tcp_x */
    if (strncmp(name, "/proc/sys/", 10) == 0) {
        name += 10;
        for (char *c = name; *c; c++)
            if (*c == '/')
                *c = '.';
    }
    size_t n = strlen(val);
    if (n >= 2 && (val[0] == '"' || val[0] == '\'') && val[n - 1] == val[0]) {
        val[n - 1] = '\0';
        val++;
    }
    if (set_sysctl(&r->host->params, name, val) || harmless(name))
        return;
    pk_note(r, "%s:%d: note: sysctl %s=%s is not modelled (skipped)", r->script->file,
            ev ? ev->line : 1, name, val);
}

/* Splits `cmd` into words, keeping quoted runs ("4096 540000 6291456"). */
static int split_words(char *cmd, char **words, int max)
{
    int n = 0;
    char *p = cmd;
    while (*p && n < max) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        words[n++] = p;
        char quote = 0;
        while (*p && (quote || !isspace((unsigned char)*p))) {
            if (*p == '"' || *p == '\'')
                quote = quote == *p ? 0 : quote ? quote : *p;
            p++;
        }
        if (*p)
            *p++ = '\0';
    }
    return n;
}

static void one_command(struct pkt_run *r, const struct pk_event *ev, char *cmd)
{
    char *words[32];
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", cmd);
    int n = split_words(cmd, words, 32);
    if (n == 0)
        return;
    if (strstr(copy, "defaults.sh")) {
        pk_apply_defaults(&r->host->params);
        return;
    }
    const char *prog = strrchr(words[0], '/') ? strrchr(words[0], '/') + 1 : words[0];
    if (strcmp(prog, "sysctl") == 0 || strcmp(prog, "set_sysctls.py") == 0) {
        for (int i = 1; i < n; i++) {
            if (words[i][0] == '-' || words[i][0] == '>' || isdigit((unsigned char)words[i][0]))
                continue;
            char *eq = strchr(words[i], '=');
            if (!eq)
                continue;
            *eq = '\0';
            sysctl_assign(r, ev, words[i], eq + 1);
        }
        return;
    }
    if (strcmp(prog, "echo") == 0 && n >= 4 && strcmp(words[n - 2], ">") == 0) {
        char val[256] = "";
        for (int i = 1; i < n - 2; i++) {
            strncat(val, words[i], sizeof val - strlen(val) - 2);
            if (i < n - 3)
                strcat(val, " ");
        }
        sysctl_assign(r, ev, words[n - 1], val);
        return;
    }
    if (strstr(copy, "sysctl_restore") || strcmp(prog, "tc") == 0 || strcmp(prog, "ip") == 0)
        return; /* restoring settings or the tun qdisc: nothing to do here */
    pk_note(r, "%s:%d: note: shell command skipped: %s", r->script->file, ev ? ev->line : 1, copy);
}

int pk_command(struct pkt_run *r, const struct pk_event *ev, const char *text)
{
    size_t len = strlen(text);
    char *buf = malloc(len + 1);
    if (!buf)
        return pk_fail(r, ev, "out of memory");
    memcpy(buf, text, len + 1);
    char *line = buf;
    while (line && *line) {
        char *next = strpbrk(line, "\n;");
        if (next)
            *next++ = '\0';
        /* "a && b" runs both */
        for (char *amp; (amp = strstr(line, "&&"));) {
            *amp = '\0';
            one_command(r, ev, line);
            line = amp + 2;
        }
        one_command(r, ev, line);
        line = next;
    }
    free(buf);
    return r->status;
}

/* ------------------------------------------------------------- tcp_info */

static struct tcb *info_socket(struct pkt_run *r)
{
    for (int i = PK_MAX_FDS - 1; i >= 0; i--)
        if (r->fds[i].used && r->fds[i].tcb && !r->fds[i].listening)
            return r->fds[i].tcb;
    return NULL;
}

/* Linux tcp_info values tcpsim models; false for the others. */
static bool tcpi_field(const struct tcb *tcb, const char *name, int64_t *v)
{
    struct sock_tcp_info t;
    sock_get_tcp_info(tcb, &t);
    uint32_t mss = t.mss ? t.mss : 536;
    if (strcmp(name, "tcpi_state") == 0) {
        static const int linux_state[] = {
            [TCP_CLOSED] = 7,      [TCP_LISTEN] = 10,   [TCP_SYN_SENT] = 2,  [TCP_SYN_RECV] = 3,
            [TCP_ESTABLISHED] = 1, [TCP_FIN_WAIT1] = 4, [TCP_FIN_WAIT2] = 5, [TCP_CLOSE_WAIT] = 8,
            [TCP_CLOSING] = 11,    [TCP_LAST_ACK] = 9,  [TCP_TIME_WAIT] = 6};
        *v = linux_state[t.state];
    } else if (strcmp(name, "tcpi_snd_cwnd") == 0) {
        *v = t.cwnd / mss;
    } else if (strcmp(name, "tcpi_snd_ssthresh") == 0) {
        *v = t.ssthresh >= 0x7fffffff / 2 ? 0x7fffffff : t.ssthresh / mss;
    } else if (strcmp(name, "tcpi_rto") == 0) {
        *v = t.rto / 1000;
    } else if (strcmp(name, "tcpi_rtt") == 0) {
        *v = t.srtt / 1000;
    } else if (strcmp(name, "tcpi_rttvar") == 0) {
        *v = t.rttvar / 1000;
    } else if (strcmp(name, "tcpi_snd_mss") == 0) {
        *v = mss;
    } else if (strcmp(name, "tcpi_retransmits") == 0) {
        *v = t.retransmits;
    } else if (strcmp(name, "tcpi_snd_wscale") == 0) {
        *v = t.snd_wscale;
    } else if (strcmp(name, "tcpi_rcv_wscale") == 0) {
        *v = t.rcv_wscale;
    } else {
        return false;
    }
    return true;
}

static bool compare(int64_t a, const char *op, int64_t b)
{
    if (strcmp(op, "==") == 0)
        return a == b;
    if (strcmp(op, "!=") == 0)
        return a != b;
    if (strcmp(op, "<=") == 0)
        return a <= b;
    if (strcmp(op, ">=") == 0)
        return a >= b;
    if (strcmp(op, "<") == 0)
        return a < b;
    return a > b;
}

int pk_code(struct pkt_run *r, const struct pk_event *ev)
{
    const char *p = ev->text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)(n < 255 ? n : 255), p);
        p += n + (eol ? 1 : 0);
        char name[64], op[4];
        long long want;
        if (sscanf(line, " assert %63[a-z_] %3[=!<>] %lld", name, op, &want) != 3) {
            char *s = line;
            while (isspace((unsigned char)*s))
                s++;
            if (*s && *s != '#')
                pk_note(r, "%s:%d: note: code not checked: %s", r->script->file, ev->line, s);
            continue;
        }
        struct tcb *t = info_socket(r);
        int64_t got;
        if (!t || !tcpi_field(t, name, &got)) {
            pk_note(r, "%s:%d: note: %s is not modelled; not checked", r->script->file, ev->line,
                    name);
            continue;
        }
        if (!compare(got, op, want))
            return pk_fail(r, ev, "assertion failed: %s %s %lld (it is %lld)", name, op, want,
                           (long long)got);
    }
    return PKT_PASS;
}
