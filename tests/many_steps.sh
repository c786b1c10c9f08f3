#!/usr/bin/env bash
# Scale check: a scenario of 60,001 named steps (20,000 connections, each
# with its own `as:` name, a send and a close on it) must run in seconds.
# Socket-name lookup used to be linear, which made such runs quadratic
# (~55 s under the sanitizers); the limit below leaves ~10x headroom.
set -u
tcpsim=${TCPSIM:-./tcpsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=20000
awk -v n=$n 'BEGIN {
    print "name: many-named-steps\nlink: {delay: 1ms}"
    print "hosts:\n  client: {addr: 10.0.0.1}\n  server: {addr: 10.0.0.2, app: {close_on_eof: true}}"
    print "steps:\n  - {at: 0s, host: server, call: listen, port: 80, backlog: 65535}"
    for (t = 0; t < 2 * n + 100; t++) {
        if (t % 2 == 0 && t / 2 < n)
            printf "  - {at: %dms, host: client, call: connect, to: server:80, as: c%d}\n", t, t / 2
        if (t >= 50 && t % 2 == 0 && (t - 50) / 2 < n)
            printf "  - {at: %dms, host: client, call: send, bytes: 100, sock: c%d}\n", t, (t - 50) / 2
        if (t >= 100 && t % 2 == 0 && (t - 100) / 2 < n)
            printf "  - {at: %dms, host: client, call: close, sock: c%d}\n", t, (t - 100) / 2
    }
    print "expect:"
    printf "  - count client tx S == %d\n", n
    printf "  - count client tx P* == %d\n", n
    printf "  - client.c%d states CLOSED SYN_SENT ESTABLISHED FIN_WAIT1 TIME_WAIT CLOSED\n", n - 1
    print "  - server.conn20000 final state is CLOSED"
}' > "$tmp/many.yaml"
[ "$(grep -c 'call:' "$tmp/many.yaml")" -eq $((3 * n + 1)) ] || { echo "  FAIL generator"; exit 1; }
if timeout 20 "$tcpsim" check "$tmp/many.yaml" > "$tmp/out" 2>&1; then
    echo "  ok   60,001 named steps run in under 20 s"
else
    echo "  FAIL 60,001 named steps (timeout or failed expectation):"; tail -5 "$tmp/out"; exit 1
fi
