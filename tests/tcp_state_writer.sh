#!/usr/bin/env bash
# Issue 16 item 6: tcp_set_state (tcp_tcb.c) is the only writer of a TCB's
# state, so every change is checked against RFC 9293 Figure 5, counted per
# state and traced (or, for a hand-over, deliberately not). This fails when
# any other line in sim/ stores to `->state`, and shows that a planted
# store is caught.
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
check() { if eval "$2"; then echo "  ok   $1"; else echo "  FAIL $1"; fail=1; fi; }

# Stores to a `state` member through a pointer: =, +=, -=, ++, -- (not ==).
stores() { grep -rnE -- '->state[[:space:]]*([-+]?=[^=]|\+\+|--)' "$@" 2>/dev/null; }
# The single allowed store, in tcp_tcb.c's state_write.
allowed='^sim/tcp/tcp_tcb.c:[0-9]+:    tcb->state = to;$'

found=$(stores sim | grep -vE "$allowed")
check "no store to ->state outside tcp_set_state${found:+ (found: $found)}" '[ -z "$found" ]'
check "tcp_tcb.c still has its one store" '[ "$(stores sim/tcp/tcp_tcb.c | wc -l)" -eq 1 ]'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/sim/tcp"
printf 'void f(struct tcb *child)\n{\n    child->state = TCP_LISTEN;\n}\n' > "$tmp/sim/tcp/planted.c"
planted=$(cd "$tmp" && stores sim | grep -vE "$allowed")
check "a planted store is caught" '[ -n "$planted" ]'
exit $fail
