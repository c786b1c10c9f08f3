#!/usr/bin/env bash
# Every shipped scenario's JSONL and text timeline, hashed, must equal the
# hashes in tests/golden/timelines.sha256: a refactor that claims "no
# behaviour change" is held to it byte for byte. A change that means to alter
# behaviour regenerates the file and says so in its commit:
#   TCPSIM=./tcpsim bash tests/golden.sh --update
set -u
cd "$(dirname "$0")/.."
tcpsim=${TCPSIM:-./tcpsim}
golden=tests/golden/timelines.sha256
export LC_ALL=C
actual=$(mktemp); trap 'rm -f "$actual"' EXIT
for f in scenarios/*.yaml scenarios/*/*.yaml; do
    [ -e "$f" ] || continue
    for fmt in jsonl text; do
        h=$("$tcpsim" run "$f" --format "$fmt" 2>/dev/null | sha256sum | cut -d' ' -f1)
        printf '%s  %s %s\n' "$h" "$f" "$fmt"
    done
done > "$actual"
if [ "${1:-}" = "--update" ]; then
    cp "$actual" "$golden"; echo "wrote $golden ($(wc -l < "$golden") timelines)"; exit 0
fi
if diff -u "$golden" "$actual" > /dev/null; then
    echo "  ok   $(wc -l < "$actual") timelines byte-identical to $golden"
else
    echo "FAIL timelines differ from $golden (a behaviour change? regenerate with --update and say why):"
    diff "$golden" "$actual" | grep '^[<>]' | head -20
    exit 1
fi
