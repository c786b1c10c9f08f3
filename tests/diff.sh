#!/usr/bin/env bash
# tcpsim diff: exit 0 same, 1 different (stopping at the first differing
# event, with file line, fields and both sides), 2 bad input; the options
# that say what counts (--ignore-isn, --ignore-window, --time-tolerance,
# --ignore, --events); the profile form.
set -u
tcpsim=${TCPSIM:-./tcpsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$2"; then echo "  ok   $1"; else echo "  FAIL $1"; fail=1; fi; }
hc=scenarios/handshake-and-close.yaml

"$tcpsim" run $hc --format jsonl > "$tmp/golden.jsonl"
"$tcpsim" diff "$tmp/golden.jsonl" $hc > "$tmp/same.out"
check "a golden JSONL against a fresh run of the same scenario: exit 0, same" \
    '[ $? -eq 0 ] && grep -qx "same: $(wc -l < "$tmp/golden.jsonl") events" "$tmp/same.out"'
n=$(grep -n '"flags":"PA"' "$tmp/golden.jsonl" | head -1 | cut -d: -f1)
sed "${n}s/\"win\":65535/\"win\":29200/" "$tmp/golden.jsonl" > "$tmp/win.jsonl"
"$tcpsim" diff "$tmp/win.jsonl" $hc > "$tmp/win.out"
rc=$?
check "a changed window: exit 1, names the event, its line and the field" \
    '[ $rc -eq 1 ] && grep -q "^first difference at event $n ($tmp/win.jsonl line $n): win: 29200 vs 65535$" "$tmp/win.out"'
check "the differing pair is shown side by side in tcpdump notation after common context" \
    'grep -q "^!.*IP 10.0.0.1.40000 > 10.0.0.2.80: Flags \[P\.\], .*win 29200.* | .*win 65535" "$tmp/win.out" && [ "$(grep -v "|" "$tmp/win.out" | grep -c "^    ")" -eq 3 ]'
"$tcpsim" diff "$tmp/win.jsonl" $hc --ignore-window > /dev/null
check "--ignore-window: the same" '[ $? -eq 0 ]'
"$tcpsim" diff "$tmp/win.jsonl" $hc --ignore win > /dev/null
check "--ignore KEY: the same" '[ $? -eq 0 ]'
"$tcpsim" diff $hc --set seed=1 --vs seed=2 > "$tmp/seed.out"
rc=$?
"$tcpsim" diff $hc --set seed=1 --vs seed=2 --ignore-isn > /dev/null
check "another seed changes the ISNs (exit 1); --ignore-isn compares relative numbers (exit 0)" \
    '[ $rc -eq 1 ] && grep -q "first difference at event 4: seq:" "$tmp/seed.out" && [ $? -eq 0 ]'
awk '{ match($0, /"t":[0-9]+/); t = substr($0, RSTART + 4, RLENGTH - 4) + 500;
       printf "%s%.0f%s\n", substr($0, 1, RSTART + 3), t, substr($0, RSTART + RLENGTH) }' "$tmp/golden.jsonl" > "$tmp/late.jsonl"
"$tcpsim" diff "$tmp/late.jsonl" "$tmp/golden.jsonl" > /dev/null
rc=$?
"$tcpsim" diff "$tmp/late.jsonl" "$tmp/golden.jsonl" --time-tolerance 1us > /dev/null
check "times 500ns apart differ (exit 1) unless within --time-tolerance 1us (exit 0)" '[ $rc -eq 1 ] && [ $? -eq 0 ]'
head -30 "$tmp/golden.jsonl" > "$tmp/short.jsonl"
"$tcpsim" diff "$tmp/short.jsonl" $hc > "$tmp/short.out"
check "a timeline that stops early: exit 1, says which ends" \
    '[ $? -eq 1 ] && grep -q "$tmp/short.jsonl ends after 30 events" "$tmp/short.out" && grep -q "(end of timeline)" "$tmp/short.out"'
"$tcpsim" diff scenarios/syn-lost.yaml --set profile=rfc9293 --vs profile=linux \
    --ignore-isn --ignore-window --ignore opts --events seg,state,app --time-tolerance 20ms > "$tmp/prof.out"
check "the profile form finds where Linux departs (RST vs RST-ACK on abort)" \
    '[ $? -eq 1 ] && grep -q "^first difference at event 18: flags: R vs RA" "$tmp/prof.out" && grep -q "^+++ scenarios/syn-lost.yaml --set profile=rfc9293 --vs profile=linux$" "$tmp/prof.out"'
"$tcpsim" diff $hc --vs tcp.rto_min=1s --events seg,state > /dev/null
check "--vs a parameter that changes nothing here: exit 0" '[ $? -eq 0 ]'
# Bad input: exit 2, file:line:col and what was expected.
sed '7s/.*/{"t":5,"ev":"seg",/' "$tmp/golden.jsonl" > "$tmp/bad.jsonl"
"$tcpsim" diff "$tmp/bad.jsonl" $hc > /dev/null 2> "$tmp/bad.err"
check "a broken JSONL line: exit 2 naming file:line:col" '[ $? -eq 2 ] && grep -q "^$tmp/bad.jsonl:7:[0-9]*: expected a string" "$tmp/bad.err"'
printf '{"t":1}\n' > "$tmp/noev.jsonl"
"$tcpsim" diff "$tmp/noev.jsonl" "$tmp/noev.jsonl" > /dev/null 2> "$tmp/noev.err"
check "an event without ev: exit 2" '[ $? -eq 2 ] && grep -q "noev.jsonl:1:1: every event needs \"ev\"" "$tmp/noev.err"'
printf '{"t":1,"ev":"note","host":"a\\u001b[2J\\u0007b","text":"x\\ty"}\n' > "$tmp/ctl.jsonl"
printf '{"t":1,"ev":"note","host":"a","text":"x"}\n' > "$tmp/plain.jsonl"
"$tcpsim" diff "$tmp/ctl.jsonl" "$tmp/plain.jsonl" > "$tmp/ctl.out"
check "control characters from a JSONL never reach the terminal" \
    '[ $? -eq 1 ] && ! LC_ALL=C grep -q "[[:cntrl:]]" <(tr -d "\n" < "$tmp/ctl.out")'
printf '\xff\xfe{"t":1}\n' > "$tmp/bin.jsonl"
"$tcpsim" diff "$tmp/bin.jsonl" $hc > /dev/null 2>&1
check "binary garbage: exit 2" '[ $? -eq 2 ]'
for args in "diff" "diff $hc" "diff $tmp/golden.jsonl --vs profile=linux" "diff $hc --vs" \
    "diff $hc $hc --bogus" "diff $hc --vs profile=bsd" "diff $hc --vs x=1 --time-tolerance soon" \
    "diff $hc --vs x=1 --events seg,frob" "diff $hc $hc $hc" "diff $tmp/missing.jsonl $hc"; do
    "$tcpsim" $args > /dev/null 2> "$tmp/args.err"
    rc=$?
    check "tcpsim $args: exit 2 with a message" '[ $rc -eq 2 ] && [ -s "$tmp/args.err" ] && ! grep -q Sanitizer "$tmp/args.err"'
done
exit $fail
