#!/bin/bash
# Replays the libFuzzer seed corpus and every past crash through both fuzz
# targets (the loader; load-and-run with an event cap), built by gcc with
# ASan+UBSan and a replay main (tests/fuzz/replay.c): no clang needed.
cd "$(dirname "$0")/.." || exit 1
dir=$(dirname "${TCPSIM:-build/test/tcpsim}")
fail=0
for t in load run; do
    bin=$dir/replay_$t
    if [ ! -x "$bin" ]; then
        echo "SKIP tests/fuzz_replay.sh: $bin not built (make test builds it)"
        exit 0
    fi
    if ! out=$("$bin" "tests/fuzz/corpus/$t" tests/fuzz/crashes 2>&1); then
        echo "FAIL replay_$t:"; printf '%s\n' "$out" | grep -E 'ERROR|SUMMARY|runtime error|replay' | head -10
        fail=1
    else
        printf '%s\n' "$out" | tail -1
    fi
done
[ $fail -eq 0 ] && echo "ok tests/fuzz_replay.sh"
exit $fail
