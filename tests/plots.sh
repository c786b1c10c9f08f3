#!/usr/bin/env bash
# `tcpsim plot` end to end: the data files hold the rows the timeline implies
# (one ladder row per transmitted segment, state labels, intervals), and with
# gnuplot installed every picture exists as a valid PNG and SVG, with nothing
# on stderr (no gnuplot warnings).
set -u
tcpsim=${TCPSIM:-./tcpsim}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
scenario=scenarios/handshake-and-close.yaml
fail() { echo "FAIL tests/plots.sh: $*"; exit 1; }

"$tcpsim" run "$scenario" --format jsonl > "$dir/run.jsonl" || fail "run failed"
tx=$(grep -c '"ev":"seg","dir":"tx"' "$dir/run.jsonl")
states=$(grep -c '"ev":"state"' "$dir/run.jsonl")
[ "$tx" -gt 0 ] || fail "no tx segments in the JSONL"

"$tcpsim" plot "$scenario" --out "$dir/p" --data-only 2> "$dir/err" || fail "plot --data-only failed: $(cat "$dir/err")"
for f in ladder.dat states.dat seq.dat cc.dat counts.dat meta.gp; do
    [ -s "$dir/p/$f" ] || fail "$f missing or empty"
done
rows=$(grep -c '^seg ' "$dir/p/ladder.dat")
[ "$rows" -eq "$tx" ] || fail "ladder.dat has $rows segment rows, the JSONL $tx tx segments"
labels=$(grep -c '^state ' "$dir/p/ladder.dat")
[ "$labels" -eq "$states" ] || fail "ladder.dat has $labels state labels, the JSONL $states state events"
grep -q '^seg .*"SYN seq=0"' "$dir/p/ladder.dat" || fail "no 'SYN seq=0' label in ladder.dat"
grep -q '"SYN-ACK seq=0 ack=1"' "$dir/p/ladder.dat" || fail "no SYN-ACK label in ladder.dat"
# Every segment of this lossless run arrived: none dropped, none in flight.
awk '$1 == "seg" && ($8 != 0 || $NF != 0) { bad = 1 } END { exit bad }' "$dir/p/ladder.dat" ||
    fail "a segment is drawn as dropped or in flight"
# The 60 s of TIME_WAIT is a break, not to scale, and labelled with its length.
grep -q '^state 0 .*"TIME_WAIT 60 s"' "$dir/p/ladder.dat" || fail "no 'TIME_WAIT 60 s' bracket label"
grep -q '^break .*"59.99 s later"' "$dir/p/ladder.dat" || fail "the TIME_WAIT stretch is not a break"
# states.dat: the client's TIME_WAIT interval lasts 60 s.
awk '$5 == "TIME_WAIT" { d = $3 - $2; if (d > 59.999 && d < 60.001) ok = 1 } END { exit !ok }' \
    "$dir/p/states.dat" || fail "states.dat has no 60 s TIME_WAIT interval"
# A window: --to 0.2s keeps only the handshake.
"$tcpsim" plot "$scenario" --out "$dir/w" --to 0.2s --data-only || fail "plot --to failed"
[ "$(grep -c '^seg ' "$dir/w/ladder.dat")" -eq 3 ] || fail "--to 0.2s should keep the 3 handshake segments"
# A bad --format is refused before the run, even when no picture is drawn.
"$tcpsim" plot "$scenario" --out "$dir/g" --format gif --data-only 2> "$dir/err"
[ $? -eq 2 ] && grep -q "png and/or svg" "$dir/err" && [ ! -e "$dir/g" ] || fail "plot --format gif should exit 2 before running"
# --from 0.2s leaves them out.
"$tcpsim" plot "$scenario" --out "$dir/f" --from 0.2s --data-only || fail "plot --from failed"
[ "$(grep -c '^seg ' "$dir/f/ladder.dat")" -eq $((tx - 3)) ] || fail "--from 0.2s should drop the 3 handshake segments"

if ! command -v gnuplot >/dev/null 2>&1; then
    echo "SKIP: gnuplot not installed (data files checked)"
    exit 0
fi
"$tcpsim" plot "$scenario" --out "$dir/p" 2> "$dir/err" || fail "plot failed: $(cat "$dir/err")"
[ -s "$dir/err" ] && fail "plot wrote to stderr: $(head -5 "$dir/err")"
for name in ladder states seqtime cc counts; do
    png="$dir/p/$name.png"; svg="$dir/p/$name.svg"
    [ -s "$png" ] || fail "$name.png missing or empty"
    [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] ||
        fail "$name.png is not a PNG"
    [ -s "$svg" ] && grep -q '<svg' "$svg" || fail "$name.svg is not an SVG"
done
# --format svg draws SVG only; --scripts is where the .gp files are read.
"$tcpsim" plot "$scenario" --out "$dir/s" --format svg --scripts plots 2> "$dir/err" || fail "plot --format svg --scripts plots failed"
[ -s "$dir/s/ladder.svg" ] && ! ls "$dir/s"/*.png > /dev/null 2>&1 || fail "--format svg should write SVG and no PNG"
"$tcpsim" plot "$scenario" --out "$dir/n" --scripts "$dir/nowhere" > /dev/null 2> "$dir/err" &&
    fail "plot --scripts with no scripts there should fail"
grep -q "gnuplot failed on $dir/nowhere/ladder.gp" "$dir/err" || fail "--scripts DIR is not where the scripts were looked for"
echo "ok tests/plots.sh: $rows segments, $labels state labels, 5 PNG + 5 SVG"
