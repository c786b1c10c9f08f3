#!/usr/bin/env bash
# Issue 16 item 3: one owner per timer. Only sim/tcp/tcp_timer.c arms or
# cancels a TCB's protocol timers (rtx, delack, aux, linger) and writes what
# rtx_timer is timing (rtx_mode); everyone else asks it. This fails on any
# other engine_arm/engine_cancel of those timers or store to rtx_mode, and
# shows that a planted one is caught.
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
check() { if eval "$2"; then echo "  ok   $1"; else echo "  FAIL $1"; fail=1; fi; }

timers='(rtx|delack|aux|linger)_timer'
uses() {
    grep -rnE -- "(engine_(arm|arm_after|cancel)|timer_arm_after)\([^;]*&[a-z_]+->$timers|->rtx_mode[[:space:]]*=[^=]" "$@" \
        2>/dev/null | grep -v '^sim/tcp/tcp_timer.c:'
}

found=$(uses sim)
check "only tcp_timer.c arms, cancels or sets the mode of the TCB's timers${found:+ (found: $found)}" \
    '[ -z "$found" ]'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/sim/sock"
printf 'void f(struct tcb *tcb)\n{\n    engine_arm_after(e, &tcb->linger_timer, 5);\n}\n' \
    > "$tmp/sim/sock/planted.c"
printf 'void g(struct tcb *tcb)\n{\n    tcb->rtx_mode = TCP_RTX_PROBE0;\n}\n' > "$tmp/sim/sock/planted2.c"
planted=$(cd "$tmp" && uses sim | wc -l)
check "planted arms and mode stores are caught" '[ "$planted" -eq 2 ]'
exit $fail
