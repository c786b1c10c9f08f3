#!/usr/bin/env bash
# The README against the tool: every option `tcpsim --help` lists is
# documented, every scenario in scenarios/ is in the "Scenarios shipped"
# table, and the timeline printed under "What a run looks like" is what
# `tcpsim run scenarios/handshake-and-close.yaml` prints.
set -u
tcpsim=${TCPSIM:-./tcpsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$2"; then echo "  ok   $1"; else echo "  FAIL $1"; fail=1; fi; }

missing=""
for opt in $("$tcpsim" --help | grep -oE '(^|[[ |])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[[ |]//' | sort -u); do
    grep -qE -- "(^|[^a-zA-Z-])$opt([^a-zA-Z-]|$)" README.md || missing="$missing $opt"
done
check "every option in --help is in README.md${missing:+ (missing:$missing)}" '[ -z "$missing" ]'

missing=""
for yaml in scenarios/*.yaml; do
    name=$(basename "$yaml" .yaml)
    grep -qE "^\| $name \|" README.md || missing="$missing $name"
done
check "every scenario is in the README table${missing:+ (missing:$missing)}" '[ -z "$missing" ]'

awk '/^`.\/tcpsim run scenarios\/handshake-and-close.yaml`:/ {f = 1; next}
     f && /^```$/ {if (++fence == 2) exit; next}
     f && fence == 1' README.md > "$tmp/readme.txt"
"$tcpsim" run scenarios/handshake-and-close.yaml > "$tmp/run.txt"
check "the README's handshake-and-close timeline is what run prints" \
    '[ -s "$tmp/readme.txt" ] && cmp -s "$tmp/readme.txt" "$tmp/run.txt"'
exit $fail
