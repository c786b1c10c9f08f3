#!/usr/bin/env bash
# The YAML loader's bounds: a map of 40,000 keys is read in linear time
# (the duplicate-key check used to compare each key with every earlier
# one: 4.9 s for this map, hours for 16 MB), and a huge document is refused
# with a clear error once it passes 1,000,000 nodes, before its tree can
# grow to hundreds of MB (a 16 MB flow list took 870 MB to reject).
set -u
tcpsim=${TCPSIM:-./tcpsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# validate FILE WANT WHAT [SECONDS]: exit 2 in time (10 s) with WANT on stderr.
expect_refused() {
    local file=$1 want=$2 what=$3 secs=${4:-10} rc
    timeout "$secs" "$tcpsim" validate "$file" > /dev/null 2> "$tmp/err"; rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$want" "$tmp/err"; then
        echo "  ok   $what"
    else
        echo "  FAIL $what: exit $rc (124 = timeout), wanted exit 2 and: $want"
        head -c 300 "$tmp/err" | sed 's/^/    /'; fail=1
    fi
}

{
    printf 'hosts:\n  client: {addr: 10.0.0.1}\n  server: {addr: 10.0.0.2}\ntcp:\n'
    awk 'BEGIN { for (i = 0; i < 40000; i++) printf "  key%d: %d\n", i, i }'
    printf '  key5: 1\n'
} > "$tmp/keys.yaml"
expect_refused "$tmp/keys.yaml" "keys.yaml:40005:3: duplicate key 'key5' (first at line 10)" \
    "40,000-key map with a duplicate at the end: read in under 10 s"

# Refused at the 1,000,001st node whatever follows it (the tree never holds
# more); 30 s because building 1,000,000 nodes under ASan on a busy machine
# takes several seconds.
awk 'BEGIN { printf "steps: ["; for (i = 0; i < 8000000; i++) printf "a,"; print "a]" }' \
    > "$tmp/nodes.yaml"
expect_refused "$tmp/nodes.yaml" "nodes.yaml:1:2000003: too many YAML nodes" \
    "16 MB list of 8,000,001 items refused at the 1,000,001st node" 30

head -c $((17 << 20)) /dev/zero | tr '\0' '#' > "$tmp/huge.yaml"
expect_refused "$tmp/huge.yaml" "file too large for a scenario" "17 MB file refused"
exit $fail
