#!/usr/bin/env bash
# check --junit FILE and --tap: one test case per scenario, failures with
# expected vs actual and file:line, bad input and cut runs reported as such,
# and well-formed XML in the JUnit schema's structure whatever bytes a
# scenario's name or description holds (checked by tests/xmlwf.c, built by
# make test, and by xmllint when it is installed).
set -u
tcpsim=${TCPSIM:-./tcpsim}
xmlwf=${XMLWF:-$(dirname "$tcpsim")/xmlwf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$2"; then echo "  ok   $1"; else echo "  FAIL $1"; fail=1; fi; }
[ -x "$xmlwf" ] || { echo "  FAIL no $xmlwf (make build/test/xmlwf)"; exit 1; }
if command -v xmllint > /dev/null; then
    lint() { xmllint --noout "$1" 2> /dev/null; }
else
    echo "  note: xmllint not installed; only tests/xmlwf.c checks the XML"
    lint() { true; }
fi
valid() { "$xmlwf" --junit "$1" && lint "$1"; }

mkdir "$tmp/s"
cp scenarios/handshake-and-close.yaml scenarios/half-close.yaml "$tmp/s/"
sed 's/client in TIME_WAIT for == 60s/client in TIME_WAIT for == 59s/' \
    scenarios/handshake-and-close.yaml > "$tmp/s/wrong.yaml"
# Hostile text: markup, quotes, control characters (YAML escapes), a
# U+FFFE noncharacter, and a bad file whose quoted source line is not UTF-8.
{
    printf 'name: "a<b>&c\\"d'"'"'e\\x01\\x1b[31m]]>\\uFFFE"\n'
    printf 'description: "</testcase><x y=\\"1\\">&amp;\\t\\x7f\\x0c"\n'
    sed -n '/^seed:/,$p' "$tmp/s/wrong.yaml"
} > "$tmp/s/hostile.yaml"
printf 'name: x\nbogus_key_\xff\xfe<&: 1\n' > "$tmp/s/zbad.yaml"

fffd=$'\xef\xbf\xbd'
"$tcpsim" check "$tmp/s" --junit "$tmp/r.xml" > "$tmp/out.txt" 2> "$tmp/err.txt"
rc=$?
check "check --junit keeps its exit code (2: a bad file among them)" '[ $rc -eq 2 ]'
check "the text report still goes to stdout" 'grep -q "^check: 5 scenarios, 2 passed, 2 failed, 1 bad input" "$tmp/out.txt"'
check "the JUnit XML is well-formed and has the schema's structure" 'valid "$tmp/r.xml"'
check "one testcase per scenario" '[ "$(grep -c "<testcase " "$tmp/r.xml")" -eq 5 ]'
check "suite counts: 5 tests, 2 failures, 1 error" \
    'grep -q "<testsuite name=\"tcpsim check\" tests=\"5\" failures=\"2\" errors=\"1\"" "$tmp/r.xml"'
check "a failed expectation is a failure with file:line and expected vs actual" \
    'grep -q "<failure type=\"expectation\" message=\"expected time in TIME_WAIT == 59s, got 60s\">$tmp/s/wrong.yaml:[0-9]*:[0-9]*: expectation failed: client in TIME_WAIT for == 59s" "$tmp/r.xml"'
check "bad input is an error naming the file and what was wrong" \
    'grep -q "<error type=\"bad-input\"" "$tmp/r.xml" && grep -q "zbad.yaml:2:" "$tmp/r.xml"'
check "markup in a scenario name is escaped" \
    'grep -q "name=\"a&lt;b&gt;&amp;c&quot;d&apos;e" "$tmp/r.xml" && ! grep -q "<x y=" "$tmp/r.xml"'
check "control characters and invalid UTF-8 become U+FFFD" \
    '! LC_ALL=C grep -q "[[:cntrl:]]" <(tr -d "\n\t" < "$tmp/r.xml") && grep -q "e$fffd$fffd\[31m" "$tmp/r.xml"'

"$tcpsim" check "$tmp/s" --tap > "$tmp/tap.txt" 2> "$tmp/tap.err"
rc=$?
check "--tap: TAP 13 on stdout, one point per scenario, same exit code" \
    '[ $rc -eq 2 ] && head -2 "$tmp/tap.txt" | tr "\n" " " | grep -qx "TAP version 13 1..5 " && [ "$(grep -cE "^(not )?ok [0-9]+ - " "$tmp/tap.txt")" -eq 5 ]'
check "--tap: the text report moves to stderr" 'grep -q "^check: 5 scenarios" "$tmp/tap.err" && ! grep -q "^PASS" "$tmp/tap.txt"'
check "--tap: a failure's YAML block has file:line, expectation and what happened" \
    'grep -q "^    - at: \"$tmp/s/wrong.yaml:[0-9]*:[0-9]*\"" "$tmp/tap.txt" && grep -q "^      got: \"expected time in TIME_WAIT == 59s, got 60s\"" "$tmp/tap.txt"'
check "--tap: no raw control or non-ASCII bytes leak into the stream" \
    '! LC_ALL=C grep -q "[^[:print:]]" "$tmp/tap.txt"'
check "--tap: bad input is a failed point with the loader's error" \
    'grep -q "^not ok 5 - $tmp/s/zbad.yaml" "$tmp/tap.txt" && grep -q "message: \"bad input\"" "$tmp/tap.txt"'

"$tcpsim" check scenarios/half-close.yaml --junit "$tmp/ok.xml" --tap > "$tmp/ok.tap" 2> /dev/null
check "all passing: exit 0, errors and failures 0, ok in TAP" \
    '[ $? -eq 0 ] && valid "$tmp/ok.xml" && grep -q "failures=\"0\" errors=\"0\"" "$tmp/ok.xml" && grep -qx "ok 1 - scenarios/half-close.yaml" "$tmp/ok.tap"'
"$tcpsim" check scenarios/half-close.yaml --junit "$tmp/no/such/dir.xml" > /dev/null 2> "$tmp/w.err"
check "--junit into a missing folder exits 2 and names it" '[ $? -eq 2 ] && grep -q "cannot write $tmp/no/such/dir.xml" "$tmp/w.err"'
"$tcpsim" check scenarios/half-close.yaml --junit /dev/full > /dev/null 2> "$tmp/w.err"
check "--junit /dev/full exits 2" '[ $? -eq 2 ] && grep -q "error writing /dev/full" "$tmp/w.err"'
"$tcpsim" check scenarios/half-close.yaml --junit > /dev/null 2>&1
check "--junit without a file exits 2" '[ $? -eq 2 ]'

if [ -f scenarios/pkt/handshake-active.pkt ]; then
    mkdir "$tmp/pkt"
    cp scenarios/pkt/handshake-active.pkt "$tmp/pkt/"
    sed 's/wscale 8>/wscale 9>/' scenarios/pkt/handshake-active.pkt > "$tmp/pkt/wrong.pkt"
    "$tcpsim" check "$tmp/pkt" --junit "$tmp/pkt.xml" --tap > "$tmp/pkt.tap" 2> /dev/null
    check "packetdrill scripts: one testcase each, a mismatch a failure naming the script line" \
        '[ $? -eq 1 ] && valid "$tmp/pkt.xml" && grep -q "tests=\"2\" failures=\"1\"" "$tmp/pkt.xml" && grep -q "$tmp/pkt/wrong.pkt:9: expectation failed" "$tmp/pkt.xml" && grep -q "at: \"$tmp/pkt/wrong.pkt:9\"" "$tmp/pkt.tap"'
fi

# The checker itself catches what it should (so a pass above means something).
printf '<testsuites><testsuite name="x" tests="2"><testcase name="a" classname="c"/></testsuite></testsuites>' > "$tmp/p1.xml"
printf '<testsuites><testsuite name="x" tests="1"><testcase name="a&b" classname="c"/></testsuite></testsuites>' > "$tmp/p2.xml"
printf '<testsuites><testsuite name="x" tests="1"><testcase classname="c"/></testsuite></testsuites>' > "$tmp/p3.xml"
printf '<testsuites><testsuite name="x\x01" tests="0"></testsuite></testsuites>' > "$tmp/p4.xml"
printf '<testsuites><testsuite name="\xff" tests="0"></testsuite></testsuites>' > "$tmp/p5.xml"
printf '<testsuites><testsuite name="x" tests="0"></testsuites></testsuite>' > "$tmp/p6.xml"
for p in p1 p2 p3 p4 p5 p6; do
    check "xmlwf rejects planted defect $p" '! "$xmlwf" --junit "$tmp/$p.xml" 2> /dev/null'
done
exit $fail
