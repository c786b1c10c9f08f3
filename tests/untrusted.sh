#!/usr/bin/env bash
# Untrusted scenario files stay harmless (a student's or contributor's file):
# hostile names write nothing outside the folder given to --out (run, plot),
# a name cannot inject gnuplot commands, and a loader error quoting hostile
# text passes no control character to the terminal.
set -u
tcpsim=$(cd "$(dirname "${TCPSIM:-./tcpsim}")" && pwd)/$(basename "${TCPSIM:-./tcpsim}")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
OLDPWD_SCENARIOS=$(cd "$(dirname "$0")/../scenarios" && pwd)
cd "$work" || exit 1
fail=0
bad() { echo "FAIL tests/untrusted.sh: $*"; fail=1; }

mkdir -p run/here
names=('../../../../../../../../../../'"$work"'/escaped'
       '/'"$work"'/absolute'
       '..'
       'x\n!touch '"$work"'/PWNED_SHELL\nprint system(\"touch '"$work"'/PWNED_SYSTEM\")'
       '\u001b[31mred'
       '')
i=0
for name in "${names[@]}"; do
    i=$((i + 1))
    cat > "s$i.yaml" <<EOY
name: "$name"
hosts: {client: {addr: 10.0.0.1}, server: {addr: 10.0.0.2}}
steps:
  - {at: 0s, host: server, call: listen, port: 80}
  - {at: 0.1s, host: client, call: connect, to: server, port: 80}
EOY
    (cd run/here && "$tcpsim" run "../../s$i.yaml" --out "out$i" > /dev/null 2> "err$i") \
        || bad "run s$i.yaml failed: $(cat run/here/err$i)"
    (cd run/here && "$tcpsim" plot "../../s$i.yaml" --out "plot$i" > /dev/null 2>> "err$i")
    n=$(find "run/here/out$i" -type f | wc -l)
    [ "$n" -eq 4 ] || bad "run --out out$i holds $n files, not 4"
    if LC_ALL=C grep -q $'\x1b' "run/here/err$i"; then bad "an ESC reached stderr for s$i.yaml"; fi
done
# Everything written lies under run/here (the folders given to --out).
stray=$(find . -path ./run/here -prune -o -type f ! -name 's*.yaml' -print)
[ -z "$stray" ] || bad "files outside --out: $stray"
[ ! -e PWNED_SHELL ] && [ ! -e PWNED_SYSTEM ] || bad "a scenario name ran a command through gnuplot"
grep -q "is not a safe file name" run/here/err1 || bad "no note that the name was changed"

# Bounded: CI tightens the limits for folders it did not write.
sc=$OLDPWD_SCENARIOS
"$tcpsim" run "$sc/keepalive-timeout.yaml" --max-events 10 > /dev/null 2> lim.err
rc=$?
[ $rc -eq 1 ] && grep -q "cut at .* by the event limit" lim.err || bad "--max-events 10: exit $rc, $(head -1 lim.err)"
"$tcpsim" check "$sc/time-wait-accumulation.yaml" "$sc/handshake-and-close.yaml" --max-wall 0.001 > lim.out 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "by --max-wall" lim.out && grep -q "PASS .*handshake-and-close" lim.out \
    || bad "check --max-wall: exit $rc; the cut run must be reported and the next file checked"
for v in 0 -3 x 1e99; do
    "$tcpsim" run "$sc/handshake-and-close.yaml" --max-wall "$v" > /dev/null 2>&1
    [ $? -eq 2 ] || bad "--max-wall $v is not refused with exit 2"
done
"$tcpsim" check "$sc/handshake-and-close.yaml" --max-events 0 > /dev/null 2>&1
[ $? -eq 2 ] || bad "--max-events 0 is not refused with exit 2"

if [ $fail -eq 0 ]; then
    echo "  ok   ${#names[@]} hostile scenario names: nothing outside --out, no command run, no ESC on stderr"
    echo "  ok   --max-events and --max-wall cut a run (exit 1, said so); check goes on; bad values exit 2"
fi
exit $fail
