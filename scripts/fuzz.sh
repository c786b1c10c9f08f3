#!/usr/bin/env bash
# `make fuzz`: runs each libFuzzer target (build/fuzz/fuzz_NAME) for SECONDS
# with the scenario dictionary, starting from tests/fuzz/corpus/NAME and
# keeping what it finds in out/fuzz/NAME; a crash, leak or timeout is
# written to out/fuzz/ and stops with exit 1.
#   scripts/fuzz.sh SECONDS build/fuzz/fuzz_load build/fuzz/fuzz_run
set -u
cd "$(dirname "$0")/.." || exit 1
seconds=${1:-120}; shift
rc=0
for bin in "$@"; do
    name=${bin##*/fuzz_}
    mkdir -p "out/fuzz/$name"
    echo "== fuzz $name for $seconds s (corpus tests/fuzz/corpus/$name, new inputs in out/fuzz/$name)"
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -dict=tests/fuzz/scenario.dict -artifact_prefix="out/fuzz/$name-" -print_final_stats=1 \
        "out/fuzz/$name" "tests/fuzz/corpus/$name" 2>&1 |
        grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' 
    [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
done
[ $rc -eq 0 ] && echo "fuzz: no crash, leak or timeout" || echo "fuzz: FOUND SOMETHING: see out/fuzz/"
exit $rc
