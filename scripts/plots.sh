#!/usr/bin/env bash
# `make plots`: renders every scenario in scenarios/ into plots/out/<name>/
# (data files, PNG and SVG); with --readme (make plots does so) also the
# pictures the README shows into plots/readme/ (tracked files): the ladder
# of handshake-and-close and the congestion-control plot of a bulk/loss
# scenario when one exists (else a sequence/time plot). make demo leaves
# plots/readme/ alone, so it never dirties the working tree.
# Needs ./tcpsim (make tcpsim) and gnuplot; TCPSIM overrides the binary.
set -u
# Nothing may depend on the caller's locale (sorting, number formats).
export LC_ALL=C
readme=0
[ "${1:-}" = --readme ] && readme=1
cd "$(dirname "$0")/.."
tcpsim=${TCPSIM:-./tcpsim}
outdir=plots/out
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "plots: gnuplot is not installed; skipping the pictures (apt-get install gnuplot)"
    exit 0
fi
mkdir -p "$outdir"
failed=0; count=0
for yaml in scenarios/*.yaml; do
    [ -e "$yaml" ] || continue
    name=$(basename "$yaml" .yaml)
    if "$tcpsim" plot "$yaml" --out "$outdir/$name" --scripts plots; then
        count=$((count + 1))
    else
        echo "plots: FAILED $yaml"; failed=$((failed + 1))
    fi
done
echo "plots: $count scenarios rendered into $outdir/<name>/{ladder,states,seqtime,cc,counts}.{png,svg}"
if [ $readme -eq 0 ]; then
    [ $failed -eq 0 ]
    exit
fi

# README pictures (replacing the ones an earlier run chose): a ladder and, when a scenario moves real data under
# loss, its congestion window (the first scenario whose name says so).
mkdir -p plots/readme
rm -f plots/readme/cc-*.png plots/readme/seqtime-*.png
if [ -d "$outdir/handshake-and-close" ]; then
    cp "$outdir/handshake-and-close/ladder.png" plots/readme/ladder-handshake-and-close.png
fi
bulk=""
for yaml in scenarios/*.yaml; do
    name=$(basename "$yaml" .yaml)
    case "$name" in *bulk*|*loss*|*cwnd*|*congestion*|*slow-start*|*fast-re*)
        if grep -q '^n_cc = [1-9]' "$outdir/$name/meta.gp" 2>/dev/null &&
           ! grep -q '^n_cc = 1$' "$outdir/$name/meta.gp"; then bulk=$name; break; fi ;;
    esac
done
if [ -n "$bulk" ]; then
    cp "$outdir/$bulk/cc.png" "plots/readme/cc-$bulk.png"
    echo "plots: README pictures: ladder of handshake-and-close, cc of $bulk"
else
    # Whatever scenario sent the most data segments: its sequence/time plot.
    best=""; most=0
    for meta in "$outdir"/*/meta.gp; do
        [ -e "$meta" ] || continue
        n=$(sed -n "s/^seq_ymax = //p" "$meta")
        if [ "${n:-0}" -gt "$most" ]; then most=$n; best=$(basename "$(dirname "$meta")"); fi
    done
    if [ -n "$best" ]; then
        cp "$outdir/$best/seqtime.png" "plots/readme/seqtime-$best.png"
        echo "plots: README pictures: ladder of handshake-and-close, seq/time of $best"
    fi
fi
echo "plots: README pictures in plots/readme/"
[ $failed -eq 0 ]
