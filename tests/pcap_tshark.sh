#!/usr/bin/env bash
# Every shipped scenario's pcap, read by tshark: no malformed packets, no bad
# IP or TCP checksums, one frame per "tx" segment event of the JSONL, and the
# same flags, seq and ack in the same order.
set -u
tcpsim=${TCPSIM:-./tcpsim}
if ! command -v tshark >/dev/null 2>&1; then
    echo "SKIP: tshark not installed"
    exit 0
fi
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
failed=0; checked=0
# tshark's own notice about running as root is not a complaint about the file.
noise() { grep -v -e 'Running as user "root"' -e '^ *$' "$1" || true; }
fail() { echo "FAIL tests/pcap_tshark.sh: $*"; failed=$((failed + 1)); }
for yaml in scenarios/*.yaml; do
    [ -e "$yaml" ] || continue
    name=$(basename "$yaml" .yaml)
    pcap="$dir/$name.pcap"; jsonl="$dir/$name.jsonl"
    "$tcpsim" run "$yaml" --pcap "$pcap" --format jsonl > "$jsonl" 2> "$dir/err" ||
        { fail "$name: run failed: $(head -3 "$dir/err")"; continue; }
    # Expert info: malformed packets and checksum errors (tshark marks both).
    bad=$(tshark -r "$pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
          -Y '_ws.malformed || _ws.expert.severity == error || tcp.checksum.status == 0 || ip.checksum.status == 0' \
          2>"$dir/terr" | wc -l)
    complaint=$(noise "$dir/terr")
    [ -n "$complaint" ] && { fail "$name: tshark complained: $(echo "$complaint" | head -3)"; continue; }
    [ "$bad" -eq 0 ] || { fail "$name: $bad malformed packets or checksum errors"; continue; }
    tshark -r "$pcap" -T fields -E separator=' ' -e tcp.flags -e tcp.seq_raw -e tcp.ack_raw \
        > "$dir/frames" 2>"$dir/terr"
    complaint=$(noise "$dir/terr")
    [ -n "$complaint" ] && { fail "$name: tshark complained: $(echo "$complaint" | head -3)"; continue; }
    # Expected: tx events in order, as "FLAGS SEQ ACK" with flags as a number
    # and ACK "-" unless the A bit is set (tshark prints ack_raw regardless).
    # awk, not a shell loop: scenarios with workloads have 10^4..10^5 segments.
    sed -n '/"ev":"seg","dir":"tx"/p' "$jsonl" |
        sed 's/.*"flags":"\([A-Z]*\)","seq":\([0-9]*\),"ack":\([0-9]*\).*/\1 \2 \3/' |
        awk '{ v = 0
               if (index($1, "F")) v += 1;  if (index($1, "S")) v += 2
               if (index($1, "R")) v += 4;  if (index($1, "P")) v += 8
               if (index($1, "A")) v += 16; if (index($1, "U")) v += 32
               print v, $2, (index($1, "A") ? $3 : "-") }' > "$dir/want2"
    awk 'function hex(s,   i, n) { n = 0; s = tolower(substr(s, 3))
                                    for (i = 1; i <= length(s); i++)
                                        n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
                                    return n }
         { f = hex($1); print f, $2, (int(f / 16) % 2 ? $3 : "-") }' "$dir/frames" > "$dir/got"
    [ -s "$dir/want2" ] || { fail "$name: no tx segments in the JSONL"; continue; }
    nw=$(wc -l < "$dir/want2"); ng=$(wc -l < "$dir/got")
    if [ "$nw" -ne "$ng" ]; then
        fail "$name: $ng frames in the pcap, $nw tx segments in the JSONL"
    elif ! diff -q "$dir/want2" "$dir/got" >/dev/null; then
        fail "$name: flags/seq/ack differ: $(diff "$dir/want2" "$dir/got" | head -4 | tr '\n' ' ')"
    fi
    checked=$((checked + 1))
done
echo "tests/pcap_tshark.sh: $checked scenarios checked, $failed failed"
[ $failed -eq 0 ]
