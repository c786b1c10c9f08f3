#!/usr/bin/env bash
# Runs every kind of test and prints one closing line "tests: N passed, M failed".
#   1. each cmocka unit-test binary given on the command line
#   2. `tcpsim check scenarios/` (every shipped scenario's expectations)
#   3. tests/bad/*.yaml: each must make `tcpsim validate` exit 2 with the
#      message in the matching .expect file (a substring of stderr)
#      tests/bad/*.pkt: the same for packetdrill scripts
#   4. tests/*.sh: end-to-end checks of the command line (determinism, ...)
set -u
# Nothing may depend on the caller's locale (sorting, number formats).
export LC_ALL=C
builddir=$1; shift
tcpsim="$builddir/tcpsim"
passed=0; failed=0; failures=()

for bin in "$@"; do
    out=$("$bin" 2>&1); rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    if [ $rc -ne 0 ]; then
        printf '%s\n' "$out" | grep -E '^\[  (FAILED|  ERROR) |ERROR|Sanitizer|runtime error' | head -20
        [ -z "$f" ] && failed=$((failed + 1))
        failures+=("$(basename "$bin")")
    fi
    echo "unit $(basename "$bin"): ${p:-0} passed, ${f:-0} failed"
done

echo "== scenarios: tcpsim check scenarios/"
if "$tcpsim" check scenarios/; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); failures+=("scenarios")
fi

echo "== bad inputs: tests/bad/"
for yaml in tests/bad/*.yaml; do
    [ -e "$yaml" ] || continue
    want=$(head -n 1 "${yaml%.yaml}.expect" 2>/dev/null)
    err=$("$tcpsim" validate "$yaml" 2>&1 >/dev/null); rc=$?
    if [ $rc -eq 2 ] && [ -n "$want" ] && [[ "$err" == *"$want"* ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); failures+=("$yaml")
        echo "FAIL $yaml: exit $rc, wanted exit 2 and: $want"
        printf '%s\n' "$err" | head -5 | sed 's/^/    /'
    fi
done

for pkt in tests/bad/*.pkt; do
    [ -e "$pkt" ] || continue
    want=$(head -n 1 "${pkt%.pkt}.expect" 2>/dev/null)
    err=$("$tcpsim" validate "$pkt" 2>&1 >/dev/null); rc=$?
    if [ $rc -eq 2 ] && [ -n "$want" ] && [[ "$err" == *"$want"* ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); failures+=("$pkt")
        echo "FAIL $pkt: exit $rc, wanted exit 2 and: $want"
        printf '%s\n' "$err" | head -5 | sed 's/^/    /'
    fi
done

for t in tests/*.sh; do
    [ -e "$t" ] || continue
    echo "== $t"
    if TCPSIM="$tcpsim" bash "$t"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); failures+=("$t")
    fi
done

[ ${#failures[@]} -gt 0 ] && echo "failing: ${failures[*]}"
echo "tests: $passed passed, $failed failed"
[ $failed -eq 0 ]
