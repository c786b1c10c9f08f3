#!/usr/bin/env bash
# tcpsim coverage: every arc of RFC 9293 Figure 5 that the socket API can
# reach is exercised by scenarios/ (exit 0); a lone scenario leaves arcs
# never exercised (exit 1, listed); CSV output; bad input exits 2.
set -u
tcpsim=${TCPSIM:-./tcpsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$2"; then echo "  ok   $1"; else echo "  FAIL $1"; fail=1; fi; }

"$tcpsim" coverage scenarios/ --csv "$tmp/all.csv" > "$tmp/all.txt"
rc=$?
check "scenarios/ exercises every reachable arc of Figure 5 (exit 0)" \
    '[ $rc -eq 0 ] && grep -q "^RFC 9293 Figure 5: 19 of 20 transitions exercised" "$tmp/all.txt" && ! grep -q "NEVER" "$tmp/all.txt"'
check "SEND in LISTEN is reported as not reachable through the socket API" \
    'grep -q "^not reachable: LISTEN -> SYN_SENT (SEND)" "$tmp/all.txt"'
check "an arc names the scenarios that took it" \
    'grep -q "^  SYN_RECV    -> FIN_WAIT1   CLOSE  *1  simultaneous-open-close$" "$tmp/all.txt"'
check "the state x event matrix is printed" 'grep -q "^state x event" "$tmp/all.txt" && grep -q "^  TIME_WAIT  " "$tmp/all.txt"'
check "the CSV has its header and the figure's arcs with counts" \
    'head -1 "$tmp/all.csv" | grep -qx "from,to,event,in_figure,count,scenarios" && grep -q "^FIN_WAIT2,TIME_WAIT,\"rcv FIN\",1,[0-9]*,\".*handshake-and-close" "$tmp/all.csv"'
if [ -d scenarios/pkt ]; then
    check "packetdrill scripts count too" 'grep -q "handshake-active" "$tmp/all.csv"'
fi
"$tcpsim" coverage scenarios/handshake-and-close.yaml > "$tmp/one.txt"
rc=$?
check "one scenario: exit 1 and the arcs it never took are listed" \
    '[ $rc -eq 1 ] && grep -q "^never exercised:" "$tmp/one.txt" && grep -q "^  SYN_SENT -> SYN_RECV (rcv SYN)$" "$tmp/one.txt"'
"$tcpsim" coverage scenarios/handshake-and-close.yaml --format csv > "$tmp/one.csv"
check "--format csv on stdout, the unseen arcs with count 0" \
    'grep -q "^SYN_SENT,SYN_RECV,\"rcv SYN\",1,0,\"\"$" "$tmp/one.csv"'
mkdir "$tmp/h"
cp scenarios/handshake-and-close.yaml "$tmp/h/=HYPERLINK(\"x\").yaml"
"$tcpsim" coverage "$tmp/h" --format csv > "$tmp/h.csv"
check "a file name cannot become a spreadsheet formula or break a CSV field" \
    'grep -q ",\"'"'"'=HYPERLINK(\"\"x\"\")\"$" "$tmp/h.csv" && [ "$(awk -F"\"" "{ if (NF % 2 == 0) bad = 1 } END { print bad + 0 }" "$tmp/h.csv")" -eq 0 ]'
"$tcpsim" coverage tests/bad/unknown-key.yaml > /dev/null 2>&1
check "a bad scenario: exit 2" '[ $? -eq 2 ]'
for args in "coverage" "coverage --bogus scenarios" "coverage scenarios --format xml" \
    "coverage $tmp/none" "coverage README.md" "coverage scenarios --csv $tmp/no/dir.csv"; do
    "$tcpsim" $args > /dev/null 2> "$tmp/args.err"
    rc=$?
    check "tcpsim $args: exit 2 with a message" '[ $rc -eq 2 ] && [ -s "$tmp/args.err" ]'
done
exit $fail
