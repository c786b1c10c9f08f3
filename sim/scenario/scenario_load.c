/* Loads a scenario file (YAML, via libyaml) into struct scenario.
 *
 * The whole document is read into a node tree first (yaml_doc.c), --set
 * overrides are merged into that tree (scenario_override.c), then the
 * sections are applied in a fixed order whatever order the file wrote them
 * in: name, description, seed, stop, profile; hosts (each host's TCP
 * parameters = profile defaults, then top-level tcp:, then the host's own
 * tcp:); link; faults; steps; workloads; expect. Every error is "file:line:col: message"
 * followed by the source line and a caret; nothing is printed here.
 *
 * The format, by example (every key but hosts is optional):
 *
 *   name: handshake-and-close    # default: the file name without .yaml
 *   description: >
 *     A paragraph for students.
 *   seed: 42                     # default 1
 *   stop: 5min                   # default: run until nothing is pending
 *   profile: linux               # rfc9293 (default; also "rfc") | linux
 *   tcp:                         # any tcp_params field by its C name:
 *     msl: 30s                   #   mss, msl, time_wait, syn_retries, rto_min,
 *                                #   keepalive, keepalive_time, delayed_ack, ...
 *                                #   booleans true/false, durations, integers
 *   link:                        # both directions; default: an ideal wire
 *     delay: 10ms                # one-way propagation delay
 *     jitter: 0                  # extra delay, uniform in [0, jitter]
 *     loss: 1%                   # random loss, 0..100%, e.g. 0.5%
 *     dup: 0%                    # duplication
 *     rate: 100Mbit              # bit/s: bit kbit Mbit Gbit (or bps kbps Mbps Gbps); 0 = infinite
 *     queue: 100                 # segments waiting for the wire; 0 = unlimited
 *     loss_data_only: false      # random loss hits only segments with payload
 *     directions:                # per-direction overrides, "A->B" by host name
 *       client->server: {loss: 5%}
 *   hosts:                       # exactly two, in order (the first is index 0)
 *     client: {addr: 10.0.0.1}   # addr default: 10.0.0.1, 10.0.0.2
 *     server:
 *       addr: 10.0.0.2
 *       tcp: {keepalive: true}   # this host's overrides on top of profile + tcp:
 *       app: {autoread: true, close_on_eof: false}   # these are the defaults
 *         # read_rate: bytes/s the application reads at (0 = at once)
 *   faults:
 *     - drop: {from: server, flags: SA, nth: 1}
 *         # from: HOST (default: both directions); flags: "SA" exactly S and A,
 *         # "SA*" at least S and A, "*" any; nth: the Nth match only (default:
 *         # every match); count: N consecutive matches from nth; after:/before:
 *         # a time window; min_len: only segments with at least N payload octets
 *     - partition: {from: 5s, to: 10s}
 *         # to: optional (forever); direction: client->server for one way only
 *   steps:                       # in time order; `at` may not go backwards
 *     - {at: 0s, host: server, call: listen, port: 80}       # as: NAME (default
 *                                #   "listener"), backlog: N (0 = somaxconn)
 *     - {at: 100ms, host: client, call: connect, to: server:80}
 *         # or to: server with port: 80; local_port: N; as: NAME (default "conn")
 *     - {at: 1s, host: client, call: send, bytes: 1000}    # sock: NAME (default
 *                                #   "conn") on every per-socket call
 *     - {at: 1s, host: client, call: recv, bytes: 100}     # bytes optional (0 = all)
 *     - {at: 2s, host: client, call: shutdown, how: wr}    # rd | wr | rdwr
 *     - {at: 2s, host: client, call: close}
 *     - {at: 2s, host: client, call: abort}
 *     - {at: 0s, host: client, call: setsockopt, linger: 0}
 *         # linger: off | DURATION; keepalive: bool; keepidle, keepintvl:
 *         # durations; keepcnt: int; nodelay: bool; user_timeout: duration;
 *         # autoread: bool; rcvbuf, sndbuf: bytes; read_rate: bytes/s the
 *         # application reads at (0 = at once). listen and connect accept
 *         # the same keys, applied to the new socket.
 *     - {at: 3s, host: server, call: crash}                # and call: reboot
 *   expect:
 *     - client states CLOSED SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSED
 *     - client state at 1.5s is TIME_WAIT
 *     - server final state is CLOSED
 *     - client connect returns ETIMEDOUT      # 0 or an errno name
 *     - client in TIME_WAIT for == 4min       # == != < <= > >=
 *     - count client tx S == 4                # tx | rx | drop; flags as in faults;
 *                                             #   optional "from 1s" "to 2s"
 *     - server sockets in TIME_WAIT at 30s >= 25000
 *     - count client connect returns EADDRNOTAVAIL >= 1   # calls that returned RET
 *   workloads:                   # client populations (scenario_workloads.c)
 *     - {client: client, server: server:80, count: 5000, interval: 1ms}
 *
 * A subject is HOST (its socket "conn"), HOST.SOCK or HOST#ID (connection
 * id). State names are netstat's (SYN_SENT) or the RFC's (SYN-SENT).
 * Durations: an integer or decimal with a unit ns us ms s min h ("0" alone
 * is allowed). Percentages: "1%", "0.5%".
 *
 * --set KEY=VALUE overrides (applied after the file, values read as YAML
 * scalars): seed, stop, profile, name, description, link.KEY (both
 * directions), link.directions.A->B.KEY, tcp.FIELD (every host),
 * hosts.NAME.tcp.FIELD, hosts.NAME.addr, hosts.NAME.app.KEY. A --set
 * profile re-derives the defaults under the file's tcp: settings. */
#include "scenario_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCN_FILE_MAX (16u << 20) /* a scenario is text; refuse anything huge */

static const char *const scn_root_keys[] = {
    "name",  "description", "seed",  "stop",   "profile",   "tcp",      "link",
    "hosts", "faults",      "steps", "expect", "workloads", "middlebox"};
#define SCN_ROOT_KEYS (sizeof scn_root_keys / sizeof scn_root_keys[0])

static const char *scn_file_kind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a file";
}

/* Opens the scenario for reading, regular files only: reading a FIFO or a
 * terminal would block for ever (O_NONBLOCK keeps even the open from
 * waiting for a FIFO's writer; regular files ignore it). */
static FILE *scn_open_regular(struct scn_ctx *ctx)
{
    int fd = open(ctx->file, O_RDONLY | O_NONBLOCK);
    struct stat st;
    if (fd < 0) {
        scn_error(ctx, NULL, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        scn_error(ctx, NULL, "cannot open: %s", strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            scn_error(ctx, NULL, "cannot read: %s", strerror(EISDIR));
        else
            scn_error(ctx, NULL, "not a regular file (%s)", scn_file_kind(st.st_mode));
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        scn_error(ctx, NULL, "cannot open: %s", strerror(errno));
        close(fd);
    }
    return f;
}

static int scn_read_file(struct scn_ctx *ctx, char **text, size_t *len)
{
    FILE *f = scn_open_regular(ctx);
    size_t cap = 4096, used = 0;
    char *buf = NULL;

    if (!f)
        return -1;
    for (;;) {
        char *grown = realloc(buf, cap + 1);
        if (!grown) {
            free(buf);
            fclose(f);
            return scn_error(ctx, NULL, "out of memory");
        }
        buf = grown;
        used += fread(buf + used, 1, cap - used, f);
        if (used < cap)
            break;
        if (cap >= SCN_FILE_MAX) {
            free(buf);
            fclose(f);
            return scn_error(ctx, NULL, "file too large for a scenario");
        }
        cap *= 2;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return scn_error(ctx, NULL, "cannot read: %s", strerror(errno));
    }
    buf[used] = '\0';
    *text = buf;
    *len = used;
    return 0;
}

/* The file's name without directories or .yaml/.yml. */
static char *scn_default_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".yaml") == 0)
        len -= 5;
    else if (len > 4 && strcmp(base + len - 4, ".yml") == 0)
        len -= 4;
    return strndup(base, len);
}

static int scn_load_top(struct scn_ctx *ctx, const struct ynode *root)
{
    struct scenario *sc = ctx->sc;
    const struct ynode *v;

    if ((v = ydoc_get(root, "name")) && scn_get_string(ctx, v, "name", &sc->name) < 0)
        return -1;
    if (!sc->name && !(sc->name = scn_default_name(ctx->file)))
        return scn_error(ctx, root, "out of memory");
    if ((v = ydoc_get(root, "description"))) {
        if (scn_get_string(ctx, v, "description", &sc->description) < 0)
            return -1;
        size_t len = strlen(sc->description); /* folded scalars end in a newline */
        while (len > 0 && (sc->description[len - 1] == '\n' || sc->description[len - 1] == ' '))
            sc->description[--len] = '\0';
    }
    sc->seed = 1;
    if ((v = ydoc_get(root, "seed")) && scn_get_uint(ctx, v, "seed", 0, UINT64_MAX, &sc->seed) < 0)
        return -1;
    sc->stop = SIM_TIME_NEVER;
    if ((v = ydoc_get(root, "stop")) && scn_get_duration(ctx, v, "stop", &sc->stop) < 0)
        return -1;
    sc->profile = TCP_PROFILE_RFC9293;
    if ((v = ydoc_get(root, "profile"))) {
        static const char *const profiles[] = {"rfc9293", "linux"};
        int p = v->kind == YNODE_SCALAR ? tcp_profile_from_name(v->text) : -1;
        if (p < 0)
            return scn_unknown(ctx, v, SCN_WHOLE, "profile", NULL, v->text, profiles, 2);
        sc->profile = (enum tcp_profile)p;
    }
    return 0;
}

static int scn_load_tree(struct scn_ctx *ctx, struct ynode *root, const char *const *overrides,
                         size_t count)
{
    if (root->kind != YNODE_MAP)
        return scn_error(ctx, root, "a scenario is a mapping of keys like name:, hosts:, steps:");
    if (scn_apply_overrides(ctx, root, overrides, count) < 0 ||
        scn_check_keys(ctx, root, scn_root_keys, SCN_ROOT_KEYS, "scenario") < 0)
        return -1;
    if (scn_load_top(ctx, root) < 0 || scn_load_hosts(ctx, root) < 0 ||
        scn_load_link(ctx, root) < 0 || scn_load_middlebox(ctx, root) < 0 ||
        scn_load_faults(ctx, root) < 0 || scn_load_steps(ctx, root) < 0 ||
        scn_load_workloads(ctx, root) < 0 || scn_load_expects(ctx, root) < 0)
        return -1;
    return 0;
}

/* Parses `text` (NUL-terminated, `len` octets) as the scenario file `path`. */
static int scn_load_buffer(struct scn_ctx *ctx, const char *path, const char *text, size_t len,
                           const char *const *overrides, size_t override_count)
{
    struct scenario *out = ctx->sc;
    struct ydoc_error yerr;
    struct ynode *root = NULL;
    int rc = -1;

    ctx->src = text;
    ctx->src_len = len;
    if (!(out->file = strdup(path))) {
        scn_error(ctx, NULL, "out of memory");
        goto done;
    }
    if (ydoc_parse(text, len, &root, &yerr) < 0) {
        struct ynode at = {.text = "", .line = yerr.line, .col = yerr.col};
        scn_error(ctx, &at, "%s", yerr.msg);
        goto done;
    }
    if (!root || ydoc_is_null(root)) {
        struct ynode at = {.text = "", .line = 1, .col = 1};
        scn_error(ctx, &at, "empty file: a scenario needs at least 'hosts:'");
        goto done;
    }
    rc = scn_load_tree(ctx, root, overrides, override_count);
done:
    ydoc_free(root);
    return rc;
}

int scenario_load(const char *path, const char *const *overrides, size_t override_count,
                  struct scenario *out, char *error, size_t error_size)
{
    struct scn_ctx ctx = {.file = path, .error = error, .error_size = error_size, .sc = out};
    char *text = NULL;
    size_t len = 0;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (error && error_size)
        error[0] = '\0';
    if (scn_read_file(&ctx, &text, &len) == 0)
        rc = scn_load_buffer(&ctx, path, text, len, overrides, override_count);
    free(text);
    if (rc < 0)
        scenario_free(out);
    return rc;
}

int scenario_load_text(const char *path, const char *text, size_t len, const char *const *overrides,
                       size_t override_count, struct scenario *out, char *error, size_t error_size)
{
    struct scn_ctx ctx = {.file = path, .error = error, .error_size = error_size, .sc = out};
    memset(out, 0, sizeof *out);
    if (error && error_size)
        error[0] = '\0';
    if (len > SCN_FILE_MAX) {
        scn_error(&ctx, NULL, "file too large for a scenario");
        return -1;
    }
    /* libyaml and the error printer want a terminated copy. */
    char *copy = malloc(len + 1);
    if (!copy) {
        scn_error(&ctx, NULL, "out of memory");
        return -1;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    int rc = scn_load_buffer(&ctx, path, copy, len, overrides, override_count);
    free(copy);
    if (rc < 0)
        scenario_free(out);
    return rc;
}

void scenario_free(struct scenario *sc)
{
    if (!sc)
        return;
    free(sc->file);
    free(sc->name);
    free(sc->description);
    for (size_t i = 0; i < sc->host_count; i++)
        free(sc->hosts[i].name);
    free(sc->hosts);
    for (size_t i = 0; i < sc->step_count; i++) {
        free(sc->steps[i].sock);
        free(sc->steps[i].text);
    }
    free(sc->steps);
    free(sc->faults);
    for (size_t i = 0; i < sc->workload_count; i++)
        free(sc->workloads[i].name);
    free(sc->workloads);
    for (size_t i = 0; i < sc->expect_count; i++) {
        free(sc->expects[i].text);
        free(sc->expects[i].sock);
        free(sc->expects[i].states);
        free(sc->expects[i].call);
    }
    free(sc->expects);
    memset(sc, 0, sizeof *sc);
}
