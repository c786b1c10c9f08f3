#!/usr/bin/env bash
# Issue 16 item 9: sim/tcp's private headers are split by concern and each
# stands alone: including any one of them first compiles (so a file can
# include just what it needs, and tcp_internal.h stays a plain umbrella).
set -u
cd "$(dirname "$0")/.." || exit 1
cc=${CC:-cc}
fail=0
for h in sim/tcp/*.h; do
    if out=$(printf '#include "tcp/%s"\n' "$(basename "$h")" |
        "$cc" -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Iinclude -Isim \
            -x c -fsyntax-only - 2>&1); then
        echo "  ok   $h compiles alone"
    else
        echo "  FAIL $h compiles alone"
        printf '%s\n' "$out" | head -5 | sed 's/^/    /'
        fail=1
    fi
done
exit $fail
