/* packetdrill scripts in virtual time. A script drives one tcpsim host (the
 * endpoint under test, 192.168.0.1, profile linux unless told otherwise)
 * through its socket calls, injects the script's inbound (`<`) segments from
 * a scripted peer (192.0.2.1) that has no TCP of its own and never answers
 * by itself, and checks every outbound (`>`) segment the endpoint sends
 * against the script, as packetdrill does on a tun device in real time. */
#ifndef TCPSIM_PKT_H
#define TCPSIM_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpsim/net.h"

#define PKT_PASS 0
#define PKT_FAIL 1 /* the endpoint did not do what the script says */
#define PKT_BAD 2  /* the script is malformed */

struct pkt_script;

/* Parses a script held in memory (`name` is used in messages). Returns
 * PKT_PASS, or PKT_BAD with "name:line:col: what was expected" in err.
 * Safe on any input (the fuzz entry point). */
int pkt_parse(const char *name, const char *buf, size_t len, struct pkt_script **out, char *err,
              size_t errlen);
/* Reads and parses a file: a .pkt script, or a YAML scenario with a
 * `peer:` list (sim/pkt/pkt_yaml.c). */
int pkt_load(const char *path, struct pkt_script **out, char *err, size_t errlen);
/* A .pkt file, or a YAML file whose top level has `peer:`. */
bool pkt_file_is_script(const char *path);
void pkt_script_free(struct pkt_script *script);
size_t pkt_script_events(const struct pkt_script *script);

struct pkt_config {
    int64_t tolerance_us; /* < 0: the script's --tolerance_usecs, else 4000 */
    const char *profile;  /* NULL: "linux" */
    uint64_t seed;
    bool strict_segments; /* packetdrill --strict_segments: no merging */
    bool dry_run;         /* packetdrill --dry_run: parse only */
};

struct pkt_run;
/* Builds the world for `script` (which must outlive the run). Add trace
 * sinks to pkt_run_net(r)->tracer before pkt_run_exec. */
int pkt_run_create(const struct pkt_script *script, const struct pkt_config *cfg,
                   struct pkt_run **out);
struct net *pkt_run_net(struct pkt_run *run);
/* Plays the script. Returns PKT_PASS, PKT_FAIL or PKT_BAD; `report` gets
 * what went wrong (the script line, expected and actual packets as
 * tcpdump-style lines) and the notes (skipped shell commands, unchecked
 * tcp_info fields). */
int pkt_run_exec(struct pkt_run *run, char *report, size_t reportlen);
void pkt_run_free(struct pkt_run *run);

#endif
