#!/usr/bin/env bash
# End-to-end checks of packetdrill scripts under `tcpsim run FILE.pkt`:
# exit 0 when the endpoint does what the script says, 1 with the script
# line and both packets when it does not, 2 with file:line:col when the
# script is malformed; output deterministic; pcap written; `check` mixes
# .pkt and .yaml; and a mutation fuzz of the .pkt parser and runner (no
# crash, hang or sanitizer report, exit code 0/1/2 only).
set -u
tcpsim=${TCPSIM:-./tcpsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$2"; then echo "  ok   $1"; else echo "  FAIL $1"; fail=1; fi; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

ok=scenarios/pkt/handshake-passive.pkt
"$tcpsim" run "$ok" > "$tmp/a.txt" 2>&1
check "a passing script exits 0" '[ $? -eq 0 ]'
"$tcpsim" run "$ok" --format jsonl > "$tmp/a.jsonl"
"$tcpsim" run "$ok" --format jsonl > "$tmp/b.jsonl"
check "same script gives byte-identical JSONL" 'cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl"'
check "the scripted peer's segments are on the timeline" \
    'grep -q "\"host\":\"remote\"" "$tmp/a.jsonl"'
"$tcpsim" run "$ok" --pcap "$tmp/a.pcap" > /dev/null
check "a pcap is written" '[ -s "$tmp/a.pcap" ]'

sed 's/wscale 8>/wscale 6>/' "$ok" > "$tmp/wrong.pkt"
"$tcpsim" run "$tmp/wrong.pkt" > /dev/null 2> "$tmp/wrong.err"
rc=$?
check "a wrong expectation exits 1" '[ $rc -eq 1 ]'
check "the failure names the script line" 'grep -q "wrong.pkt:14: bad value in outbound TCP option wscale" "$tmp/wrong.err"'
check "the failure shows the script and actual packets" \
    'grep -q "^script packet: .*wscale 6>" "$tmp/wrong.err" && grep -q "^actual packet: .*wscale 8>" "$tmp/wrong.err"'

printf '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bogus bogus\n' > "$tmp/bad.pkt"
"$tcpsim" run "$tmp/bad.pkt" > /dev/null 2> "$tmp/bad.err"
rc=$?
check "a malformed script exits 2" '[ $rc -eq 2 ]'
check "with file:line:col" 'grep -q "bad.pkt:2:10: expected" "$tmp/bad.err"'

"$tcpsim" run "$ok" --tolerance_usecs=10000 > /dev/null 2>&1
check "--tolerance_usecs=N is accepted" '[ $? -eq 0 ]'

mkdir -p "$tmp/mixed/sub"
cp "$ok" "$tmp/mixed/sub/"
cp scenarios/handshake-and-close.yaml "$tmp/mixed/"
"$tcpsim" check "$tmp/mixed" > "$tmp/mixed.out" 2>&1
rc=$?
check "check runs .yaml and .pkt in folders and subfolders" \
    '[ $rc -eq 0 ] && grep -q "check: 2 scenarios, 2 passed" "$tmp/mixed.out"'
"$tcpsim" check "$tmp/wrong.pkt" > /dev/null 2>&1
check "check exits 1 for a failing script" '[ $? -eq 1 ]'

"$tcpsim" plot "$ok" --out "$tmp/plot" --data-only > /dev/null 2>&1
check "plot takes a .pkt (ladder data with both sides)" \
    '[ $? -eq 0 ] && grep -q "SYN-ACK" "$tmp/plot/ladder.dat" && grep -q "remote" "$tmp/plot/meta.gp"'

# The same peer in YAML: a peer: section runs as a script; failures and
# errors name the step's YAML line.
y=scenarios/pkt/peer-rst-challenge.yaml
"$tcpsim" run "$y" > /dev/null 2>&1
check "a YAML peer: scenario passes" '[ $? -eq 0 ]'
sed 's/expect: {flags: A, seq: 1, ack: 1}/expect: {flags: A, seq: 1, ack: 2}/' "$y" > "$tmp/w.yaml"
"$tcpsim" run "$tmp/w.yaml" > /dev/null 2> "$tmp/w.err"
rc=$?
check "a wrong YAML expect: exits 1 naming its line" \
    '[ $rc -eq 1 ] && grep -q "w.yaml:18: live packet field tcp_ack_seq" "$tmp/w.err"'
sed 's/win: 257}/win: 257, bogus: 1}/' "$y" > "$tmp/b.yaml"
"$tcpsim" run "$tmp/b.yaml" > /dev/null 2> "$tmp/b.err"
rc=$?
check "a bad YAML step exits 2 with line:col" \
    '[ $rc -eq 2 ] && grep -q "b.yaml:15:61: unknown key .bogus." "$tmp/b.err"'

# Mutation fuzz: lines deleted, duplicated, swapped, truncated, odd tokens.
state=${FUZZ_SEED:-20241202}
rnd() { state=$(((state * 1103515245 + 12345) % 2147483648)); r=$(((state >> 8) % $1)); }
tokens=('<' '>' '...' '+' '-1' '4294967296' '99999999999999999999' '<...>' '%{' '}%' '`'
    '"' '/*' 'S.' 'ack' 'win' '<mss' 'sack 1:2 3:4 5:6 7:8 9:10' '(' ')' '[' ']' '{' '}'
    'TS val' '~' '*' '0x' '...0.1' '1e9' $'\t' 'é')
srcs=(scenarios/pkt/*.pkt tests/bad/*.pkt)
bad=0
for ((i = 0; i < ${FUZZ_N:-60}; i++)); do
    rnd ${#srcs[@]}; src=${srcs[r]}
    mapfile -t L < "$src"
    n=${#L[@]}; [ "$n" -eq 0 ] && continue
    rnd 5; m=$r; rnd "$n"; a=$r; rnd "$n"; b=$r; rnd ${#tokens[@]}; tok=${tokens[r]}
    case $m in
    0) L=("${L[@]:0:a}" "${L[@]:a+1}") ;;
    1) L=("${L[@]:0:a+1}" "${L[@]:a}") ;;
    2) line=${L[a]}; L[a]=${L[b]}; L[b]=$line ;;
    3) L[a]="${L[a]:0:$(( ${#L[a]} / 2 ))}$tok${L[a]:$(( ${#L[a]} / 2 ))}" ;;
    4) L=("${L[@]:0:a}") ;;
    esac
    printf '%s\n' "${L[@]}" > "$tmp/m.pkt"
    timeout 10 "$tcpsim" run "$tmp/m.pkt" > /dev/null 2> "$tmp/m.err"
    rc=$?
    if [ $rc -gt 2 ] || grep -q "Sanitizer\|runtime error" "$tmp/m.err"; then
        bad=1; cp "$tmp/m.pkt" "$tmp/crash-$i.pkt"; echo "    mutant $i of $src: exit $rc"
        head -5 "$tmp/m.err" | sed 's/^/      /'
    elif [ $rc -eq 2 ] && ! grep -q "m.pkt:[0-9]*:[0-9]*: " "$tmp/m.err"; then
        bad=1; echo "    mutant $i of $src: exit 2 without file:line:col"; head -3 "$tmp/m.err"
    fi
done
check "mutated scripts never crash, hang or exit 2 without file:line:col" '[ $bad -eq 0 ]'
exit $fail
