#!/bin/bash
# A fresh machine has no locale set: with `env -i PATH=/usr/bin:/bin`,
# tcpsim's pictures must come out with nothing on stderr (gnuplot used to
# warn "iconv failed to convert degree sign" on every one), tests/plots.sh
# must pass, and the timeline must be the same bytes whatever the locale.
cd "$(dirname "$0")/.." || exit 1
tcpsim=$(realpath "${TCPSIM:-./tcpsim}")
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL tests/no_locale.sh: $*"; exit 1; }
bare() { env -i PATH=/usr/bin:/bin "$@"; }

for s in handshake-and-close bulk-transfer; do
    bare "$tcpsim" run "scenarios/$s.yaml" --format jsonl > "$dir/$s.bare.jsonl" 2> "$dir/err" ||
        fail "run $s under env -i"
    bare LC_ALL=de_DE.UTF-8 LANG=fr_FR.UTF-8 "$tcpsim" run "scenarios/$s.yaml" --format jsonl \
        > "$dir/$s.de.jsonl" 2>/dev/null || fail "run $s under a foreign locale"
    "$tcpsim" run "scenarios/$s.yaml" --format jsonl > "$dir/$s.jsonl" || fail "run $s"
    cmp -s "$dir/$s.bare.jsonl" "$dir/$s.jsonl" || fail "$s: the timeline depends on the locale"
    cmp -s "$dir/$s.de.jsonl" "$dir/$s.jsonl" || fail "$s: the timeline depends on the locale"
done
if command -v gnuplot >/dev/null 2>&1; then
    for s in handshake-and-close bulk-transfer; do
        bare "$tcpsim" plot "scenarios/$s.yaml" --out "$dir/p-$s" > /dev/null 2> "$dir/err" ||
            fail "plot $s under env -i: $(head -3 "$dir/err")"
        [ -s "$dir/err" ] && fail "plot $s under env -i wrote to stderr: $(head -3 "$dir/err")"
        [ -s "$dir/p-$s/ladder.png" ] || fail "plot $s under env -i: no ladder.png"
    done
    bare TCPSIM="$tcpsim" bash tests/plots.sh > "$dir/out" 2>&1 ||
        fail "tests/plots.sh under env -i: $(tail -3 "$dir/out")"
fi
echo "ok tests/no_locale.sh: same timelines under env -i and a foreign locale; pictures without warnings"
