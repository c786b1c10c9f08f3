#!/usr/bin/env bash
# Arrows one way: every `#include "..."` in sim/ and include/tcpsim/ names a
# header of the including file's own layer or of a lower one, and a private
# header (sim/<folder>/*.h) only from its own folder or a listed friend.
# Fails naming file:line. Then checks itself: a copy of the tree with a
# planted back-arrow must fail.
#   bash tests/layering.sh            check the tree (and self-test)
#   bash tests/layering.sh --root DIR check the tree under DIR only
set -u
cd "$(dirname "$0")/.."
export LC_ALL=C

# ---------------------------------------------------------------- the rules
# The layer order, lowest first, written once. A new folder is one word here.
LAYERS="core net tcp sock trace scenario pkt run check tools cli"

# Public headers with no sim/<folder>/<name>.c of the same name: their layer.
# (A header with one takes its implementation's folder.)
PUBLIC_TABLE="
time.h core
segment.h core
trace.h core
tcp_state.h core
tcp_params.h core
errors.h core
trace_sinks.h trace
scenario.h scenario
pkt.h pkt
runner.h run
sweep.h tools
"

# Private headers another folder may include: "includer owner". The socket
# layer is the socket half of TCP (Linux's inet_connection_sock / tcp.c);
# the packetdrill front end reads YAML peer: scenarios with the scenario
# layer's YAML reader (yaml_doc.h); it reads sockets through tcpsim/socket.h.
FRIENDS="
sock tcp
pkt scenario
"

# ------------------------------------------------------------------ the check
layer_rank() { # folder -> rank (1 = lowest), or nothing
    local i=1 l
    for l in $LAYERS; do
        [ "$l" = "$1" ] && { echo $i; return; }
        i=$((i + 1))
    done
}

public_layer() { # root, header basename -> folder, or nothing
    local root=$1 h=$2 c
    c=$(printf '%s\n' "$PUBLIC_TABLE" | awk -v h="$h" '$1 == h { print $2 }')
    if [ -n "$c" ]; then echo "$c"; return; fi
    for c in "$root"/sim/*/"${h%.h}.c"; do
        [ -e "$c" ] && { basename "$(dirname "$c")"; return; }
    done
}

is_friend() { printf '%s\n' "$FRIENDS" | grep -qx "$1 $2"; }

# check ROOT: prints each violation as file:line: message; returns 1 if any.
check() {
    local root=$1 bad=0 file folder rank line inc target tfolder trank
    while IFS= read -r file; do
        local rel=${file#"$root"/}
        case $rel in
        include/tcpsim/*)
            folder=$(public_layer "$root" "$(basename "$rel")")
            if [ -z "$folder" ]; then
                echo "$rel:1: public header has no layer: add it to PUBLIC_TABLE in tests/layering.sh"
                bad=1
                continue
            fi ;;
        sim/*/*) folder=${rel#sim/}; folder=${folder%%/*} ;;
        *) continue ;;
        esac
        rank=$(layer_rank "$folder")
        if [ -z "$rank" ]; then
            echo "$rel:1: folder sim/$folder/ is not in the layer order (LAYERS in tests/layering.sh)"
            bad=1
            continue
        fi
        while IFS=: read -r line inc; do
            target=$(printf '%s' "$inc" | sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]*)".*/\1/')
            case $target in
            tcpsim/*)
                tfolder=$(public_layer "$root" "${target#tcpsim/}")
                if [ -z "$tfolder" ]; then
                    echo "$rel:$line: \"$target\" has no layer: add it to PUBLIC_TABLE in tests/layering.sh"
                    bad=1
                    continue
                fi ;;
            */*)
                tfolder=${target%%/*}
                if [ "$tfolder" != "$folder" ] && ! is_friend "$folder" "$tfolder"; then
                    echo "$rel:$line: \"$target\" is private to sim/$tfolder/ (a $folder file goes through a public header)"
                    bad=1
                    continue
                fi ;;
            *)
                if [ "${rel#include/}" != "$rel" ]; then
                    echo "$rel:$line: a public header includes \"$target\": name it tcpsim/..."
                    bad=1
                fi
                continue ;;
            esac
            trank=$(layer_rank "$tfolder")
            if [ -z "$trank" ]; then
                echo "$rel:$line: \"$target\": sim/$tfolder/ is not in the layer order"
                bad=1
            elif [ "$trank" -gt "$rank" ]; then
                echo "$rel:$line: $folder includes \"$target\" of the higher layer $tfolder ($LAYERS)"
                bad=1
            fi
        done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file")
    done < <(find "$root/sim" "$root/include/tcpsim" -name '*.[ch]' | sort)
    return $bad
}

if [ "${1:-}" = "--root" ]; then
    check "$2"
    exit $?
fi

fail=0
if clean=$(check .); then
    echo "  ok   every include names its own layer or a lower one ($LAYERS)"
else
    printf '%s\n' "$clean"
    echo "  FAIL includes against the layer order"
    fail=1
fi

# Self-test: plant back-arrows in a copy; each must be caught at its line.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r sim include "$tmp"/
printf '#include "tcpsim/socket.h"\n' >> "$tmp/sim/net/link.c"
printf '#include "tcp/tcp_internal.h"\n' >> "$tmp/sim/run/flood.c"
printf '#include "tcpsim/runner.h"\n' >> "$tmp/include/tcpsim/engine.h"
out=$(check "$tmp")
caught=0
for want in "sim/net/link.c:$(wc -l < "$tmp/sim/net/link.c"): net includes \"tcpsim/socket.h\" of the higher layer sock" \
            "sim/run/flood.c:$(wc -l < "$tmp/sim/run/flood.c"): \"tcp/tcp_internal.h\" is private" \
            "include/tcpsim/engine.h:$(wc -l < "$tmp/include/tcpsim/engine.h"): core includes \"tcpsim/runner.h\""; do
    printf '%s\n' "$out" | grep -qF "$want" && caught=$((caught + 1))
done
extra=$(( $(printf '%s\n' "$out" | grep -c .) - $(printf '%s\n' "$clean" | grep -c .) ))
if [ $caught -eq 3 ] && [ $extra -eq 3 ]; then
    echo "  ok   planted back-arrows are caught at file:line"
else
    printf 'self-test output:\n%s\n' "$out"
    echo "  FAIL planted back-arrows not caught (3 expected)"
    fail=1
fi
exit $fail
