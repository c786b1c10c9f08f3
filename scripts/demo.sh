#!/usr/bin/env bash
# `make demo`: a guided tour for a class. Runs the teaching scenarios
# (handshake-and-close first), prints the handshake-and-close timeline with
# one plain sentence per event, checks every scenario's expectations, and
# renders the pictures into plots/out/ (skipped when gnuplot is missing).
set -u
# Nothing may depend on the caller's locale (sorting, number formats).
export LC_ALL=C
cd "$(dirname "$0")/.."
tcpsim=${TCPSIM:-./tcpsim}
[ -x "$tcpsim" ] || { echo "demo: $tcpsim not built (make tcpsim)"; exit 1; }

first=scenarios/handshake-and-close.yaml
echo "== the scenarios"
for yaml in "$first" scenarios/*.yaml; do
    [ -e "$yaml" ] || continue
    [ "$yaml" = "$first" ] && [ -n "${seen_first:-}" ] && continue
    [ "$yaml" = "$first" ] && seen_first=1
    desc=$(sed -n 's/^description: *//p' "$yaml" | sed 's/^>-\{0,1\} *$//')
    [ -z "$desc" ] && desc=$(awk '/^description:/{f=1;next} f&&/^[^ ]/{exit} f{sub(/^ +/,"");printf "%s ",$0}' "$yaml")
    # One line, cut at a word.
    desc=$(printf '%s\n' "$desc" | awk '{
        s = $0; sub(/ +$/, "", s)
        if (length(s) > 88) { s = substr(s, 1, 86); sub(/ [^ ]*$/, "", s); s = s "..." }
        print s }')
    printf '  %-28s %s\n' "$(basename "$yaml" .yaml)" "$desc"
done

echo
echo "== $first, explained (tcpsim run $first --explain)"
"$tcpsim" run "$first" --explain

echo
echo "== every scenario's expectations (tcpsim check scenarios/)"
"$tcpsim" check scenarios/
check_rc=$?

echo
echo "== pictures"
if command -v gnuplot >/dev/null 2>&1; then
    TCPSIM="$tcpsim" scripts/plots.sh | tail -3
    echo "demo: open plots/out/handshake-and-close/ladder.png (or .svg) to see the ladder;"
    echo "      every scenario has ladder, states, seqtime, cc and counts pictures in plots/out/<name>/"
else
    echo "demo: gnuplot is not installed: skipping the pictures (apt-get install gnuplot)"
fi
echo
echo "next: ./tcpsim run scenarios/NAME.yaml --explain     any scenario above, explained"
echo "      ./tcpsim run scenarios/NAME.yaml --netstat 1s  what netstat -nat shows at 1 s"
echo "      ./tcpsim plot scenarios/NAME.yaml --out DIR    its pictures"
exit $check_rc
