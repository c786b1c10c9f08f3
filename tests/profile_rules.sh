#!/usr/bin/env bash
# The TCP code never tests the profile: each way Linux differs from the RFCs
# is a named tcp_params field (README "Where Linux differs"), and only
# sim/core/tcp_params.c knows which profile sets which value. Fails when a
# profile test (TCP_PROFILE_*, ->profile, .profile, is_linux()) appears in
# sim/tcp/ or sim/sock/; a planted one shows the check can fail.
set -u
cd "$(dirname "$0")/.." || exit 1
pattern='TCP_PROFILE_[A-Z0-9_]+|(->|\.)profile\b|\b[a-z_]*is_linux[a-z_]*\s*\('

# Prints file:line of every profile test in the given folders.
profile_tests() { grep -rnE "$pattern" --include='*.c' --include='*.h' "$@"; }

fail=0
if found=$(profile_tests sim/tcp sim/sock); then
    echo "FAIL tests/profile_rules.sh: the TCP code tests the profile; make it a tcp_params field:"
    printf '%s\n' "$found" | sed 's/^/    /'
    fail=1
else
    echo "ok   no profile tests in sim/tcp/ or sim/sock/"
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
exit $fail
