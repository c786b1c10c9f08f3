#!/usr/bin/env bash
# End-to-end checks of the command line contract: determinism, exit codes,
# failure messages, --set, --help/--version. Run by scripts/run-tests.sh with
# TCPSIM pointing at the binary.
set -u
tcpsim=${TCPSIM:-./tcpsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$2"; then echo "  ok   $1"; else echo "  FAIL $1"; fail=1; fi; }

# Same scenario + same seed = byte-identical output; another seed with loss differs.
"$tcpsim" run scenarios/handshake-and-close.yaml --format jsonl --set link.loss=20% > "$tmp/a.jsonl"
"$tcpsim" run scenarios/handshake-and-close.yaml --format jsonl --set link.loss=20% > "$tmp/b.jsonl"
"$tcpsim" run scenarios/handshake-and-close.yaml --format jsonl --set link.loss=20% --seed 2 > "$tmp/c.jsonl"
check "same seed gives byte-identical JSONL" 'cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl"'
check "a different seed with loss gives a different JSONL" '! cmp -s "$tmp/a.jsonl" "$tmp/c.jsonl"'
check "every JSONL line has integer t and ev" \
    '! grep -vE "^\{\"t\":[0-9]+,\"ev\":\"(seg|state|timer|app|cc|note)\"" "$tmp/a.jsonl" | grep -q .'
"$tcpsim" run scenarios/handshake-and-close.yaml --format csv > "$tmp/a.csv"
check "CSV starts with its header" 'head -1 "$tmp/a.csv" | grep -q "^t_ns,ev,host,conn"'

# check: 0 when all hold, 1 when one fails (with expected vs actual), 2 on bad input.
"$tcpsim" check scenarios/handshake-and-close.yaml > /dev/null
check "check exits 0 when every expectation holds" '[ $? -eq 0 ]'
sed 's/client in TIME_WAIT for == 60s/client in TIME_WAIT for == 59s/' \
    scenarios/handshake-and-close.yaml > "$tmp/wrong.yaml"
"$tcpsim" check "$tmp/wrong.yaml" > "$tmp/wrong.out" 2>&1
rc=$?
check "check exits 1 when an expectation fails" '[ $rc -eq 1 ]'
check "the failure names the line and expected vs actual" \
    'grep -q "wrong.yaml:[0-9]*:[0-9]*: expectation failed: client in TIME_WAIT for == 59s" "$tmp/wrong.out" && grep -q "expected time in TIME_WAIT == 59s, got 60s" "$tmp/wrong.out"'
# `send returns N` states the count the timeline prints as `send() = N`.
sed 's/server send returns 1000/server send returns 999/' scenarios/half-close.yaml > "$tmp/count.yaml"
"$tcpsim" check "$tmp/count.yaml" > "$tmp/count.out" 2>&1
rc=$?
check "send returns N fails on another count, naming both" \
    '[ $rc -eq 1 ] && grep -q "expected send() = 999, got 1000" "$tmp/count.out"'
sed 's/server send returns 1000/server send returns 10x/' scenarios/half-close.yaml > "$tmp/count2.yaml"
"$tcpsim" check "$tmp/count2.yaml" > "$tmp/count2.out" 2>&1
rc=$?
check "send returns with a malformed count exits 2 at its column" \
    '[ $rc -eq 2 ] && grep -q "count2.yaml:[0-9]*:[0-9]*:.*0, a count or an errno name" "$tmp/count2.out"'
# Without stop:, a run whose future is only answered keep-alive probes ends
# after one probe round, with a note; with random loss it may still change,
# so it goes on to the cap.
sed '/^stop:/d' scenarios/keepalive-alive.yaml > "$tmp/ka.yaml"
"$tcpsim" run "$tmp/ka.yaml" > "$tmp/ka.out" 2> "$tmp/ka.err"
check "no stop: with only answered keep-alive probes left ends after one round, saying so" \
    'tail -1 "$tmp/ka.out" | grep -q "^ 70.612000 .*run ends: no stop: given" && ! grep -q "30 days" "$tmp/ka.err" && grep -c "probe: keepalive" "$tmp/ka.out" | grep -qx 1'
"$tcpsim" run "$tmp/ka.yaml" --set link.loss=1% --max-events 100000 > "$tmp/kl.out" 2> "$tmp/kl.err"
check "no stop: with random loss does not stop at the first quiet round" \
    '! grep -q "run ends: no stop" "$tmp/kl.out"'
# A middlebox that answers with an RST kills the idle connection at the first
# keep-alive probe after its idle timeout: ECONNRESET, not ETIMEDOUT.
"$tcpsim" run scenarios/nat-idle-timeout.yaml --set middlebox.expired=rst --format jsonl > "$tmp/nat.jsonl" 2> /dev/null
check "a rejecting middlebox resets the forgotten connection at the first probe" \
    'grep -q "\"call\":\"recv\",\"ret\":\"ECONNRESET\"" "$tmp/nat.jsonl" && [ "$(grep -c "\"why\":\"middlebox\"" "$tmp/nat.jsonl")" -eq 1 ]'
"$tcpsim" run scenarios/nat-idle-timeout.yaml --set middlebox.expired=bounce > /dev/null 2> "$tmp/nat.err"
check "a bad middlebox action exits 2 naming the choices" \
    '[ $? -eq 2 ] && grep -q "valid actions are: drop, rst" "$tmp/nat.err"'
"$tcpsim" check tests/bad/unknown-key.yaml > /dev/null 2>&1
check "check exits 2 on bad input" '[ $? -eq 2 ]'
"$tcpsim" run scenarios/handshake-and-close.yaml --set link.loss=200% > /dev/null 2> "$tmp/set.err"
rc=$?
check "--set with a bad value exits 2 and says why" '[ $rc -eq 2 ] && grep -q "100%" "$tmp/set.err"'
"$tcpsim" run scenarios/handshake-and-close.yaml --set tcp.msl=10s --format jsonl > "$tmp/msl.jsonl"
check "--set tcp.msl changes TIME_WAIT to 2*MSL" \
    'grep "\"timer\":\"timewait\",\"action\":\"set\"" "$tmp/msl.jsonl" | grep -q "\"expires\":"'
# check and validate take --set/--seed like run, applied to every file.
mkdir "$tmp/two"
cp scenarios/handshake-and-close.yaml scenarios/half-close.yaml "$tmp/two/"
"$tcpsim" check "$tmp/two" --set tcp.msl=10s > "$tmp/check-set.out" 2>&1
rc=$?
check "check --set changes what the run does (expected vs actual)" \
    '[ $rc -eq 1 ] && grep -q "expected time in TIME_WAIT == 60s, got 20s" "$tmp/check-set.out"'
"$tcpsim" check "$tmp/two" --set link.delay=2s > "$tmp/check-set2.out" 2>&1
check "check --set applies to every file of a folder" \
    'grep -q "^check: 2 scenarios, 0 passed, 2 failed" "$tmp/check-set2.out"'
"$tcpsim" check --set tcp.msl=30s --seed 9 "$tmp/two/half-close.yaml" > /dev/null
check "check --set/--seed before the files; a matching value still passes" '[ $? -eq 0 ]'
"$tcpsim" check "$tmp/two" --set link.loss=200% > /dev/null 2> "$tmp/check-bad.err"
rc=$?
check "check --set with a bad value exits 2 and says why" '[ $rc -eq 2 ] && grep -q "100%" "$tmp/check-bad.err"'
"$tcpsim" validate scenarios/half-close.yaml --seed 3 --set tcp.msl=10s > /dev/null
check "validate accepts --set and --seed" '[ $? -eq 0 ]'
"$tcpsim" validate scenarios/half-close.yaml --set tcp.msll=10s > /dev/null 2>&1
check "validate --set with an unknown key exits 2" '[ $? -eq 2 ]'
"$tcpsim" check scenarios/half-close.yaml --pcap x.pcap > /dev/null 2>&1
check "check rejects run-only options (exit 2)" '[ $? -eq 2 ]'
# netstat/ss views: taken at the instant, both hosts, the timeline otherwise unchanged.
"$tcpsim" run scenarios/handshake-and-close.yaml --netstat 1.5s --ss 1.5s > "$tmp/views.txt"
check "--netstat shows the client's TIME_WAIT row as netstat -nat prints it" \
    'grep -qx "tcp        0      0 10.0.0.1:40000          10.0.0.2:80             TIME_WAIT  " "$tmp/views.txt"'
check "--netstat shows the listener and the per-state counts" \
    'grep -qx "tcp        0      0 0.0.0.0:80              0.0.0.0:\*               LISTEN     " "$tmp/views.txt" && grep -qx "      1 TIME_WAIT" "$tmp/views.txt"'
check "--ss shows the TIME_WAIT timer as ss -tano does" \
    'grep -q "^TIME-WAIT .*10.0.0.2:80 *timer:(timewait,59sec,0)$" "$tmp/views.txt"'
"$tcpsim" run scenarios/handshake-and-close.yaml > "$tmp/plain.txt"
"$tcpsim" run scenarios/handshake-and-close.yaml --netstat 1.5s --ss 0.6s --views "$tmp/side.txt" > "$tmp/with.txt"
check "views (here to --views FILE) leave the timeline byte-identical" \
    'cmp -s "$tmp/with.txt" "$tmp/plain.txt" && [ "$(grep -c "^---" "$tmp/side.txt")" -eq 4 ]'
"$tcpsim" run scenarios/handshake-and-close.yaml --netstat-every 20s --netstat-summary --quiet > "$tmp/every.txt"
check "--netstat-every repeats the view and --netstat-summary prints counts only" \
    '[ "$(grep -c "^--- client at" "$tmp/every.txt")" -ge 3 ] && ! grep -q "^tcp " "$tmp/every.txt" && grep -q "      1 TIME_WAIT" "$tmp/every.txt"'
"$tcpsim" run scenarios/handshake-and-close.yaml --format jsonl --netstat 1s > /dev/null 2> "$tmp/views.err"
check "views next to JSONL on stdout need --views FILE (exit 2)" '[ $? -eq 2 ] && grep -q -- "--views FILE" "$tmp/views.err"'
"$tcpsim" run scenarios/handshake-and-close.yaml --format jsonl --netstat 1s --views "$tmp/v.txt" > "$tmp/v.jsonl"
check "--views FILE keeps the JSONL clean" '! grep -v "^{" "$tmp/v.jsonl" | grep -q . && grep -q "^Proto" "$tmp/v.txt"'
"$tcpsim" run scenarios/handshake-and-close.yaml --netstat soon > /dev/null 2> "$tmp/soon.err"
check "--netstat with a bad time exits 2 with one message naming the value" \
    '[ $? -eq 2 ] && [ "$(grep -c "^tcpsim:" "$tmp/soon.err")" -eq 1 ] && grep -q "not .soon." "$tmp/soon.err"'
timeout 20 "$tcpsim" run scenarios/handshake-and-close.yaml --netstat-every 1ns --quiet \
    --views "$tmp/tiny.txt" > /dev/null 2> "$tmp/tiny.err"
rc=$?
check "--netstat-every 1ns stops after 10000 views and says so (no hang)" \
    '[ $rc -eq 0 ] && [ "$(grep -c "^--- client" "$tmp/tiny.txt")" -eq 10000 ] && grep -q "stopped after 10000 views" "$tmp/tiny.err"'
sed '/^stop:/d' scenarios/keepalive-alive.yaml > "$tmp/nostop.yaml"
timeout 20 "$tcpsim" run "$tmp/nostop.yaml" --quiet --set link.loss=0.1% > "$tmp/nostop.out" 2> "$tmp/nostop.err"
rc=$?
check "no stop:, keep-alive forever on a lossy link: the run ends at 30 days and says so" \
    '[ $rc -eq 0 ] && grep -q "no .stop:. and events still pending after 30 days" "$tmp/nostop.err" && tail -1 "$tmp/nostop.out" | grep -q "^259[0-9]\{4\}\."'
"$tcpsim" run scenarios/handshake-and-close.yaml --pcap "$tmp/x.pcap" --pcap-at nobody > /dev/null 2> "$tmp/at.err"
check "--pcap-at an unknown host exits 2 (not an empty capture)" '[ $? -eq 2 ] && grep -q "no such host" "$tmp/at.err"'
# Every run option of --help does what it says (each would fail if it were ignored).
"$tcpsim" run scenarios/handshake-and-close.yaml -S > "$tmp/abs.txt"
"$tcpsim" run scenarios/handshake-and-close.yaml --absolute > "$tmp/abs2.txt"
check "-S/--absolute print absolute sequence numbers (relative by default)" \
    'grep -q "Flags \[\.\], ack 1918413245," "$tmp/abs.txt" && cmp -s "$tmp/abs.txt" "$tmp/abs2.txt" && grep -q "Flags \[\.\], ack 1," "$tmp/plain.txt" && ! grep -q "ack 1918413245" "$tmp/plain.txt"'
"$tcpsim" run scenarios/handshake-and-close.yaml --explain > "$tmp/explain.txt"
check "--explain adds sentences (and timer lines), every plain line still there" \
    'grep -q "^             client asks to open a connection: SYN" "$tmp/explain.txt" && ! grep -q "asks to open" "$tmp/plain.txt" && ! diff <(grep -v "^             " "$tmp/explain.txt") "$tmp/plain.txt" | grep -q "^>"'
"$tcpsim" run scenarios/handshake-and-close.yaml -q > "$tmp/q.txt"
"$tcpsim" run scenarios/handshake-and-close.yaml --quiet > "$tmp/quiet.txt"
check "-q/--quiet leave out state and call lines, keep the segments" \
    'cmp -s "$tmp/q.txt" "$tmp/quiet.txt" && ! grep -q " state \| listen() " "$tmp/q.txt" && [ "$(grep -c " IP " "$tmp/q.txt")" -eq "$(grep -c " IP " "$tmp/plain.txt")" ]'
"$tcpsim" run scenarios/handshake-and-close.yaml --ss-every 20s --quiet > "$tmp/ss-every.txt"
check "--ss-every repeats the ss view" \
    '[ "$(grep -c "^--- client at" "$tmp/ss-every.txt")" -ge 3 ] && grep -q "^\$ ss -tano" "$tmp/ss-every.txt" && ! grep -q "^\$ netstat" "$tmp/ss-every.txt"'
"$tcpsim" run scenarios/handshake-and-close.yaml --quiet --netstat 0.5s --netstat-rows 1 > "$tmp/rows.txt"
check "--netstat-rows 1 lists one socket per host and says how many it left out" \
    '[ "$(grep -c "^tcp " "$tmp/rows.txt")" -eq 2 ] && grep -qx "(1 more sockets not listed)" "$tmp/rows.txt"'
"$tcpsim" run scenarios/data-loss-rto.yaml --format jsonl --pcap "$tmp/wire.pcap" > "$tmp/loss.jsonl"
"$tcpsim" run scenarios/data-loss-rto.yaml --pcap "$tmp/srv.pcap" --pcap-at server > /dev/null
"$tcpsim" run scenarios/data-loss-rto.yaml --pcap "$tmp/cli.pcap" --pcap-at client > /dev/null
"$tcpsim" run scenarios/data-loss-rto.yaml --pcap "$tmp/wire2.pcap" --pcap-at wire > /dev/null
# Packets in a classic little-endian pcap: walk the 16-octet record headers.
pcap_count() {
    local f=$1 off=24 n=0 size len
    size=$(wc -c < "$f")
    while [ "$off" -lt "$size" ]; do
        len=$(od -An -tu4 -j $((off + 8)) -N4 "$f" | tr -d " ")
        off=$((off + 16 + len)); n=$((n + 1))
    done
    echo "$n"
}
drops=$(grep -c '"dir":"drop"' "$tmp/loss.jsonl")
check "--pcap-at HOST sees what reached that host (the wire copy has the dropped one too)" \
    '[ "$drops" -ge 1 ] && [ "$(pcap_count "$tmp/srv.pcap")" -eq $(( $(pcap_count "$tmp/wire.pcap") - drops )) ] && [ "$(pcap_count "$tmp/cli.pcap")" -eq "$(pcap_count "$tmp/wire.pcap")" ] && cmp -s "$tmp/wire.pcap" "$tmp/wire2.pcap"'
# Output that cannot be written is an error, not a silent loss.
"$tcpsim" run scenarios/handshake-and-close.yaml > /dev/full 2> "$tmp/full.err"
check "run > /dev/full exits 2 and says so" '[ $? -eq 2 ] && grep -q "error writing standard output" "$tmp/full.err"'
"$tcpsim" run scenarios/handshake-and-close.yaml --pcap /dev/full > /dev/null 2> "$tmp/full.err"
check "--pcap /dev/full exits 2 and names it" '[ $? -eq 2 ] && grep -q "error writing /dev/full" "$tmp/full.err"'
"$tcpsim" run scenarios/handshake-and-close.yaml --netstat 1s --views /dev/full > /dev/null 2> "$tmp/full.err"
check "--views /dev/full exits 2 and names it" '[ $? -eq 2 ] && grep -q "error writing /dev/full" "$tmp/full.err"'
"$tcpsim" check scenarios/handshake-and-close.yaml > /dev/full 2> "$tmp/full.err"
check "check > /dev/full exits 2" '[ $? -eq 2 ] && grep -q "error writing standard output" "$tmp/full.err"'
# ... for every command that writes to standard output.
for args in "--help" "--version" "validate scenarios/handshake-and-close.yaml" \
    "run scenarios/handshake-and-close.yaml --format jsonl" "check scenarios/"; do
    "$tcpsim" $args > /dev/full 2> "$tmp/full.err"
    check "$args > /dev/full exits 2 and says so, once" \
        '[ $? -eq 2 ] && [ "$(grep -c "error writing standard output" "$tmp/full.err")" -eq 1 ]'
done
# A scenario path that is not a regular file (a FIFO would block the
# read for ever) is refused at once, alone or inside a folder.
mkdir -p "$tmp/fifo"
if mkfifo "$tmp/fifo/pipe.yaml" 2>/dev/null; then
    timeout 10 "$tcpsim" validate "$tmp/fifo/pipe.yaml" > /dev/null 2> "$tmp/fifo.err"
    check "validate of a FIFO exits 2 at once and says so" \
        '[ $? -eq 2 ] && grep -q "pipe.yaml: not a regular file (a FIFO)" "$tmp/fifo.err"'
    cp scenarios/half-close.yaml "$tmp/fifo/"
    timeout 10 "$tcpsim" check "$tmp/fifo" > "$tmp/fifo.out" 2> "$tmp/fifo.err"
    check "check DIR with a FIFO checks the rest and counts the FIFO as bad input" \
        '[ $? -eq 2 ] && grep -q "1 passed, 0 failed, 1 bad input" "$tmp/fifo.out" && grep -q "not a regular file" "$tmp/fifo.err"'
fi
"$tcpsim" run scenarios/handshake-and-close.yaml --pcap "$tmp/no/such/dir.pcap" > /dev/null 2> "$tmp/bad.err"
check "--pcap in a missing folder exits 2 and names it" '[ $? -eq 2 ] && grep -q "cannot write $tmp/no/such/dir.pcap" "$tmp/bad.err"'
"$tcpsim" run scenarios/handshake-and-close.yaml --out /dev/full > /dev/null 2> "$tmp/bad.err"
check "--out on a non-folder exits 2" '[ $? -eq 2 ] && grep -q "cannot write" "$tmp/bad.err"'
"$tcpsim" validate "$tmp" > /dev/null 2> "$tmp/bad.err"
check "validate of a folder exits 2 and says so" '[ $? -eq 2 ] && grep -q "Is a directory" "$tmp/bad.err"'
"$tcpsim" validate "$tmp/missing.yaml" > /dev/null 2>&1
check "validate of a missing file exits 2" '[ $? -eq 2 ]'
for args in "run" "run scenarios/half-close.yaml --format" "run scenarios/half-close.yaml --bogus" \
    "run scenarios/half-close.yaml --set" "run scenarios/half-close.yaml --seed abc" \
    "run scenarios/half-close.yaml --netstat-rows -1" "plot scenarios/half-close.yaml" \
    "validate" "check"; do
    "$tcpsim" $args > /dev/null 2> "$tmp/args.err"
    rc=$?
    check "tcpsim $args: exit 2 with a message" '[ $rc -eq 2 ] && [ -s "$tmp/args.err" ] && ! grep -q Sanitizer "$tmp/args.err"'
done
"$tcpsim" --version | grep -q "^tcpsim "
check "--version" '[ $? -eq 0 ]'
"$tcpsim" --help | grep -q "tcpsim check"
check "--help" '[ $? -eq 0 ]'
"$tcpsim" frobnicate > /dev/null 2>&1
check "an unknown command exits 2" '[ $? -eq 2 ]'
# A data file that cannot be written whole (file size limit) is an error.
mkdir -p "$tmp/pfull"
(trap '' XFSZ; ulimit -f 4; "$tcpsim" plot scenarios/bulk-transfer.yaml --out "$tmp/pfull" \
    --data-only > /dev/null 2> "$tmp/pfull.err")
rc=$?
check "plot exits 2 when its data files cannot be written" \
    '[ $rc -eq 2 ] && grep -q "error writing" "$tmp/pfull.err"'
# A plot directory whose quoted name does not fit gnuplot's -e buffer is
# refused, not overflowed (quotes double when quoted).
q=$(printf "'%.0s" $(seq 1 200)); deep="$tmp/q"
for _ in $(seq 1 12); do deep="$deep/$q"; done
if mkdir -p "$deep" 2>/dev/null && command -v gnuplot >/dev/null; then
    "$tcpsim" plot scenarios/half-close.yaml --out "$deep" > /dev/null 2> "$tmp/deep.err"
    rc=$?
    check "plot into a very long quoted path fails cleanly" \
        '[ $rc -ne 0 ] && grep -q "too long" "$tmp/deep.err" && ! grep -q Sanitizer "$tmp/deep.err"'
fi
exit $fail
