#!/usr/bin/env bash
# Mutation fuzzing of the scenario loader and runner. Every scenarios/*.yaml
# and tests/bad/*.yaml is mutated deterministically (fixed seed, own LCG, so
# the same mutants on every machine): lines deleted, duplicated, swapped or
# re-indented, values replaced by odd tokens, the file truncated, a NUL
# inserted, values nested deeply. Each mutant goes through `validate` and
# `run --quiet` under `timeout`; a sanitizer report, a signal, a hang, an exit
# code other than 0/1/2, or exit 2 without FILE:LINE:COL on stderr fails.
#   FUZZ_N=3000 FUZZ_SEED=7 FUZZ_KEEP=dir tests/fuzz_scenarios.sh   (local hunt)
# make test runs a small fixed number (FUZZ_N default) to stay near 20 s.
set -u
tcpsim=$(realpath "${TCPSIM:-./tcpsim}")
n=${FUZZ_N:-120}
seed=${FUZZ_SEED:-20240601}
keep=${FUZZ_KEEP:-}
limit=${FUZZ_TIMEOUT:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

# Deterministic 31-bit LCG; rnd N sets r to a number in [0, N).
state=$seed
rnd() { state=$(((state * 1103515245 + 12345) % 2147483648)); r=$(((state >> 8) % $1)); }

big=$(printf 'x%.0s' $(seq 1 3000))
deep_seq=$(printf '[%.0s' $(seq 1 5000))$(printf ']%.0s' $(seq 1 5000))
deep_map=$(printf '{a: %.0s' $(seq 1 3000))1$(printf '}%.0s' $(seq 1 3000))
tokens=(-1 0 1 1e99 18446744073709551616 9223372036854775807 -9223372036854775808
    '""' abc '[]' '{}' '~' null 1ms 99999h 1e12 0.5 -0 nan .inf 1e-9s 0s 0ms
    99999999999999999999s 9223372036ms 2562047h 1000% 100% -5% 4294967296
    65536 '"10.0.0.1:99999"' server:0 server:65536 'client:80' true yes
    '&a x' '*a' '!!binary aGk=' '"\u00e9\u2603"' 'é☃日本' $'\t' $'a\tb' "$big"
    '"' "'" '- x' ': :' '#' '@' '`' '|' '>' 1e12ms 1e300s 0.000000001ns 1ns
    -1s 1h 100000000 100000001 2147483648 '[1, 2]' '{x: 1}' "$deep_seq")
keys=(at host call port count interval bytes to stop seed delay loss rate
    backlog as sock every until duration size mss rwnd spoof from)

# mutate SRC DST: one to three mutations of SRC's lines (or bytes) into DST.
mutate() {
    local src=$1 dst=$2 k m i j n_lines line pos
    local -a L
    mapfile -t L < "$src"
    rnd 3; k=$((r + 1))
    local bytewise=
    for ((; k > 0; k--)); do
        n_lines=${#L[@]}
        [ "$n_lines" -eq 0 ] && L=("x: 1") && n_lines=1
        rnd 12; m=$r
        rnd "$n_lines"; i=$r
        rnd "$n_lines"; j=$r
        case $m in
        0) L=("${L[@]:0:i}" "${L[@]:i+1}") ;;
        1) L=("${L[@]:0:i+1}" "${L[@]:i}") ;;
        2) line=${L[i]}; L[i]=${L[j]}; L[j]=$line ;;
        3) rnd 4
           case $r in
           0) L[i]=" ${L[i]}" ;; 1) L[i]=${L[i]# } ;;
           2) L[i]=$'\t'"${L[i]}" ;; 3) L[i]="    ${L[i]}" ;;
           esac ;;
        4|5|6|7)
           # Replace the value after one ": " of the line (flow or block).
           line=${L[i]}
           local -a cols=() rest=$line off=0
           while [[ $rest == *": "* ]]; do
               pos=${rest%%": "*}; off=$((off + ${#pos} + 2))
               cols+=("$off"); rest=${line:off}
           done
           rnd ${#tokens[@]}; local tok=${tokens[r]}
           if [ ${#cols[@]} -eq 0 ]; then
               L[i]="$line $tok"
           else
               rnd ${#cols[@]}; off=${cols[r]}
               rest=${line:off}
               local tail=${rest#*[,\}]}
               [ "$tail" = "$rest" ] && tail= || tail=${rest:${#rest}-${#tail}-1:1}$tail
               L[i]="${line:0:off}$tok$tail"
           fi ;;
        8) rnd ${#keys[@]}; local key=${keys[r]}; rnd ${#tokens[@]}
           L=("${L[@]:0:i}" "  - {$key: ${tokens[r]}}" "${L[@]:i}") ;;
        9) rnd 2
           [ $r -eq 0 ] && L[i]="${L[i]%%:*}: $deep_seq" || L[i]="${L[i]%%:*}: $deep_map" ;;
        10|11) bytewise=$m ;;
        esac
    done
    printf '%s\n' "${L[@]}" > "$dst"
    if [ -n "$bytewise" ]; then
        local size
        size=$(wc -c < "$dst"); rnd $((size + 1)); pos=$r
        if [ "$bytewise" = 10 ]; then
            head -c "$pos" "$dst" > "$dst.t"
        else
            { head -c "$pos" "$dst"; printf '\0'; tail -c +$((pos + 1)) "$dst"; } > "$dst.t"
        fi
        mv "$dst.t" "$dst"
    fi
}

# judge WHAT RC ERRFILE MUTANT: prints why the result is a failure, if it is.
judge() {
    local what=$1 rc=$2 err=$3 mut=$4
    if grep -qE 'Sanitizer|runtime error|LeakSanitizer' "$err"; then
        echo "$what: sanitizer report: $(grep -m1 -E 'ERROR|runtime error' "$err")"
    elif [ "$rc" -eq 124 ]; then
        echo "$what: hang (timeout ${limit}s)"
    elif [ "$rc" -ge 128 ]; then
        echo "$what: killed by signal $((rc - 128))"
    elif [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 2 ]; then
        echo "$what: exit $rc"
    elif [ "$rc" -eq 2 ] && ! grep -qE "$(basename "$mut"):[0-9]+:[0-9]+: " "$err"; then
        echo "$what: exit 2 without file:line:col: $(head -c 200 "$err" | head -1)"
    fi
}

srcs=(scenarios/*.yaml tests/bad/*.yaml)
bad=0
start=$SECONDS
for ((t = 0; t < n; t++)); do
    rnd ${#srcs[@]}; src=${srcs[r]}
    mut=$tmp/m$t.yaml
    mutate "$src" "$mut"
    why=
    timeout "$limit" "$tcpsim" validate "$mut" > /dev/null 2> "$tmp/err"
    rc=$?
    why=$(judge validate $rc "$tmp/err" "$mut")
    if [ -z "$why" ]; then
        (cd "$tmp" && timeout "$limit" "$tcpsim" run --quiet "$mut" > /dev/null 2> "$tmp/err")
        rc=$?
        why=$(judge run $rc "$tmp/err" "$mut")
    fi
    if [ -n "$why" ]; then
        bad=$((bad + 1))
        echo "  FAIL mutant $t of $src: $why"
        [ -n "$keep" ] && mkdir -p "$keep" && cp "$mut" "$keep/m$t.yaml" && cp "$tmp/err" "$keep/m$t.err"
    fi
    rm -f "$mut"
done
if [ $bad -eq 0 ]; then
    echo "  ok   $n scenario mutants (seed $seed): no crash, hang or unlocated error ($((SECONDS - start))s)"
else
    echo "  FAIL $bad of $n scenario mutants (seed $seed)"
fi
[ $bad -eq 0 ]
