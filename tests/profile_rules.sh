#!/usr/bin/env bash
# The TCP code never tests the profile: each way Linux differs from the RFCs
# is a named tcp_params field (README "Where Linux differs"), and only
# sim/core/tcp_params.c knows which profile sets which value. Fails when a
# profile test (TCP_PROFILE_*, ->profile, .profile, is_linux()) appears in
# sim/net/, sim/tcp/ or sim/sock/; a planted one shows the check can fail. Every
# parameter the README's "Where Linux differs" table names is in its TCP
# parameters table and is taken by --set tcp.NAME=<its rfc9293 default>.
set -u
cd "$(dirname "$0")/.." || exit 1
tcpsim=${TCPSIM:-./tcpsim}
pattern='TCP_PROFILE_[A-Z0-9_]+|(->|\.)profile\b|\b[a-z_]*is_linux[a-z_]*\s*\('

# Prints file:line of every profile test in the given folders.
profile_tests() { grep -rnE "$pattern" --include='*.c' --include='*.h' "$@"; }

fail=0
if found=$(profile_tests sim/net sim/tcp sim/sock); then
    echo "FAIL tests/profile_rules.sh: the TCP code tests the profile; make it a tcp_params field:"
    printf '%s\n' "$found" | sed 's/^/    /'
    fail=1
else
    echo "ok   no profile tests in sim/net/, sim/tcp/ or sim/sock/"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tcp"
printf '%s\n' 'if (tcb_params(tcb)->profile == TCP_PROFILE_LINUX)' > "$tmp/tcp/planted.c"
printf '%s\n' 'static bool delack_is_linux(const struct tcb *tcb) { return 0; }' > "$tmp/tcp/planted2.h"
if [ "$(profile_tests "$tmp/tcp" | wc -l)" -eq 2 ]; then
    echo "ok   a planted profile test is caught"
else
    echo "FAIL tests/profile_rules.sh: a planted profile test was not caught"
    fail=1
fi

# The parameter column (2nd) of "Where Linux differs", and the TCP
# parameters table's rows: `name` | rfc9293 | linux | ...
rules=$(awk '/^### Where Linux differs/ {f = 1; next} f && /^#/ {exit}
             f && /^\| [^-]/ && !/^\| behaviour/' README.md |
        awk -F'|' '{print $3}' | grep -oE '`[a-z0-9_]+`' | tr -d '`' | sort -u)
missing=""; refused=""
for name in $rules; do
    row=$(grep -E "^\| \`$name\` \|" README.md | head -1)
    if [ -z "$row" ]; then
        missing="$missing $name"
        continue
    fi
    value=$(printf '%s\n' "$row" | awk -F'|' '{gsub(/ /, "", $3); print $3}')
    "$tcpsim" validate scenarios/handshake-and-close.yaml --set "tcp.$name=$value" >/dev/null 2>&1 ||
        refused="$refused $name=$value"
done
if [ -z "$rules" ]; then
    echo "FAIL tests/profile_rules.sh: no parameters found in the README's Where Linux differs table"
    fail=1
elif [ -n "$missing$refused" ]; then
    echo "FAIL tests/profile_rules.sh: README rules not in the TCP parameters table:${missing:- none};" \
        "refused by --set:${refused:- none}"
    fail=1
else
    echo "ok   $(printf '%s\n' $rules | wc -l) rules of Where Linux differs documented and settable with --set"
fi
exit $fail
