#!/usr/bin/env bash
# make bench: a 200-run sweep grid with 1 and with 2 processes; prints the
# wall times and the speed-up (issue 14: at least 1.8x on 2 cores).
set -u
tcpsim=${1:-./tcpsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grid=(--grid link.delay=10ms,50ms --grid seed=1..100)
sc=scenarios/random-loss.yaml
now() { date +%s.%N; }
t0=$(now); "$tcpsim" sweep $sc "${grid[@]}" --jobs 1 --out "$tmp/j1" > /dev/null; t1=$(now)
"$tcpsim" sweep $sc "${grid[@]}" --jobs 2 --out "$tmp/j2" > /dev/null; t2=$(now)
cmp -s "$tmp/j1/sweep.csv" "$tmp/j2/sweep.csv" || { echo "sweep bench: CSVs differ"; exit 1; }
awk -v a="$t0" -v b="$t1" -v c="$t2" -v cores="$(nproc)" 'BEGIN {
    printf "sweep: 200 runs of random-loss: 1 job %.2f s, 2 jobs %.2f s, speed-up %.2fx (%d cores)\n",
           b - a, c - b, (b - a) / (c - b), cores }'
