#!/usr/bin/env bash
# Every shipped scenario's pcap, read by tshark: no malformed packets, no bad
# IP or TCP checksums, no overlap complaints, every payload octet equal to the
# stream pattern at its sequence number (so a retransmission carries exactly
# the bytes of the original), one frame per "tx" segment event of the JSONL,
# and the same flags, seq and ack in the same order.
#
# The HTTP dissector is off: our payload is the synthetic alphabet, not HTTP,
# and HTTP's desegmentation of a "request line" that never ends reports any
# retransmission crossing its finished reassembly as "New fragment overlaps
# old data (retransmission?)" even when the bytes are identical (a Wireshark
# false alarm; the payload check below is the real test).
set -u
tcpsim=${TCPSIM:-./tcpsim}
if ! command -v tshark >/dev/null 2>&1; then
    echo "SKIP: tshark not installed"
    exit 0
fi
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
ts_opts="--disable-protocol http"
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
    bad=$(tshark -r "$pcap" $ts_opts -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
          -Y '_ws.malformed || _ws.expert.severity == error || tcp.checksum.status == 0 || ip.checksum.status == 0' \
          2>"$dir/terr" | wc -l)
    complaint=$(noise "$dir/terr")
    [ -n "$complaint" ] && { fail "$name: tshark complained: $(echo "$complaint" | head -3)"; continue; }
    [ "$bad" -eq 0 ] || { fail "$name: $bad malformed packets or checksum errors"; continue; }
    overlaps=$(tshark -r "$pcap" $ts_opts -Y 'tcp.segment.overlap.conflict || _ws.expert.message contains "overlap"' \
               2>/dev/null | wc -l)
    [ "$overlaps" -eq 0 ] || { fail "$name: $overlaps frames with overlap expert info"; continue; }
    # Payload octet at relative sequence number s (data offset s-1) is
    # 'a' + (s-1) % 26 (segment_payload_byte); hex of a-z repeated. A
    # scenario that sends literal text instead must at least resend, for
    # every sequence number, the octet it sent first.
    if grep -q 'text:' "$yaml"; then
        tshark -r "$pcap" $ts_opts -T fields -e frame.number -e tcp.srcport -e tcp.seq \
            -e tcp.payload -Y 'tcp.len > 0' 2>/dev/null | awk '
            {
                n = length($4) / 2
                for (i = 0; i < n; i++) {
                    k = $2 ":" ($3 + i); b = substr($4, 2 * i + 1, 2)
                    if ((k in seen) && seen[k] != b) { print $1; exit }
                    seen[k] = b
                }
            }' > "$dir/payload"
    else
        tshark -r "$pcap" $ts_opts -T fields -e frame.number -e tcp.seq -e tcp.payload \
            -Y 'tcp.len > 0' 2>/dev/null | awk '
            BEGIN { for (i = 0; i < 26; i++) abc = abc sprintf("%02x", 97 + i) }
            {
                want = ""; off = ($2 - 1) % 26; n = length($3) / 2
                while (length(want) < 2 * (n + off)) want = want abc
                if (substr(want, 2 * off + 1, 2 * n) != $3) { print $1; exit }
            }' > "$dir/payload"
    fi
    [ -s "$dir/payload" ] && { fail "$name: frame $(cat "$dir/payload") payload differs from the stream at its seq"; continue; }
    tshark -r "$pcap" $ts_opts -T fields -E separator=' ' -e tcp.flags -e tcp.seq_raw -e tcp.ack_raw \
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
    # Zero-window probes: the ones we mark (JSONL "rexmit":"zwp") are the
    # ones tshark's analysis finds. RFC-style probes (one octet of new data)
    # are tcp.analysis.zero_window_probe; Linux's zero-length probes at
    # SND.UNA-1 look like keep-alives to Wireshark.
    zwp() { sed -n "/\"dir\":\"tx\".*\"len\":$1,.*\"rexmit\":\"zwp\"/p" "$jsonl" |
                sed 's/.*"seq":\([0-9]*\).*/\1/'; }
    zwp 1 > "$dir/zwp_want"
    tshark -r "$pcap" -Y tcp.analysis.zero_window_probe -T fields -e tcp.seq_raw \
        > "$dir/zwp_got" 2>/dev/null
    diff -q "$dir/zwp_want" "$dir/zwp_got" >/dev/null ||
        fail "$name: zero-window probes differ from tshark's: $(diff "$dir/zwp_want" "$dir/zwp_got" | head -4 | tr '\n' ' ')"
    zwp 0 > "$dir/zwp0_want"
    if [ -s "$dir/zwp0_want" ]; then
        tshark -r "$pcap" -Y 'tcp.analysis.keep_alive && tcp.len == 0' -T fields -e tcp.seq_raw \
            > "$dir/ka_got" 2>/dev/null
        grep -qvxFf "$dir/ka_got" "$dir/zwp0_want" &&
            fail "$name: a zero-length probe that tshark does not see as SND.UNA-1"
    fi
    # Tail loss probes: a segment we mark "rexmit":"tlp" resends data
    # already sent, so tshark must flag it as a retransmission.
    sed -n '/"dir":"tx".*"rexmit":"tlp"/p' "$jsonl" | sed 's/.*"seq":\([0-9]*\).*/\1/' > "$dir/tlp_want"
    if [ -s "$dir/tlp_want" ]; then
        tshark -r "$pcap" $ts_opts -T fields -e tcp.seq_raw \
            -Y 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission' \
            > "$dir/rexmit_got" 2>/dev/null
        grep -qvxFf "$dir/rexmit_got" "$dir/tlp_want" &&
            fail "$name: a tail loss probe that tshark does not flag as a retransmission"
    fi
    checked=$((checked + 1))
done
echo "tests/pcap_tshark.sh: $checked scenarios checked, $failed failed"
[ $failed -eq 0 ]
