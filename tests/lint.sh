#!/bin/bash
# Style and static analysis: clang-format (.clang-format) and cppcheck over
# sim/ and include/, as `make lint`. Skipped, and said so, when the tools
# are not installed (they are not needed to build or test tcpsim).
cd "$(dirname "$0")/.." || exit 1
missing=""
command -v clang-format >/dev/null || missing="$missing clang-format"
command -v cppcheck >/dev/null || missing="$missing cppcheck"
if [ -n "$missing" ]; then
    echo "SKIP tests/lint.sh: not installed:$missing (apt-get install clang-format cppcheck)"
    exit 0
fi
if ! out=$(make -s lint 2>&1); then
    echo "FAIL tests/lint.sh: make lint (run make format to apply the style)"
    printf '%s\n' "$out" | grep -E "error|warning" | head -10
    exit 1
fi
echo "ok tests/lint.sh: clang-format and cppcheck clean"
