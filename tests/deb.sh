#!/usr/bin/env bash
# The Debian package: builds from debian/ (in a throw-away copy), installs into
# a throw-away root (dpkg --root; never the machine's own /usr), runs an
# example and a plot from another folder, purges cleanly; lintian reports no
# error when it is installed. Skipped, and said so, without dpkg-dev and
# debhelper (apt-get install dpkg-dev debhelper).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
for tool in dpkg-buildpackage dh dpkg; do
    if ! command -v "$tool" > /dev/null; then
        echo "  skip tests/deb.sh: $tool not installed (apt-get install dpkg-dev debhelper)"
        exit 0
    fi
done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
ok() { echo "  ok   $*"; }
bad() { echo "FAIL tests/deb.sh: $*"; fail=1; }

if ! "$root/scripts/build-deb.sh" "$work/out" > "$work/build.log" 2>&1; then
    bad "the package does not build:"; tail -15 "$work/build.log" | sed 's/^/    /'; exit 1
fi
deb=$(ls "$work"/out/tcpsim_*.deb | head -1)
ok "dpkg-buildpackage -us -uc -b builds $(basename "$deb")"
contents=$(dpkg-deb -c "$deb")
grep -q './usr/bin/tcpsim$' <<< "$contents" || bad "no /usr/bin/tcpsim in the package"
grep -q './usr/share/tcpsim/plots/ladder.gp$' <<< "$contents" || bad "no plots in the package"

# A throw-away root with an empty dpkg database; dependencies are the host's.
r=$work/root
mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$r/var/lib/dpkg/triggers"
touch "$r/var/lib/dpkg/status" "$r/var/lib/dpkg/available"
# dpkg wants ldconfig and start-stop-daemon on PATH (in /sbin, /usr/sbin),
# which a minimal environment (env -i PATH=/usr/bin:/bin) leaves out.
dp() { PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" dpkg --root="$r" --force-depends --force-not-root --force-script-chrootless \
            --log=/dev/null "$@"; }
if ! dp -i "$deb" > "$work/install.log" 2>&1; then
    bad "dpkg -i into a throw-away root failed:"; tail -5 "$work/install.log" | sed 's/^/    /'
    exit 1
fi
ok "installs into a throw-away root"
mkdir -p "$work/elsewhere"
(cd "$work/elsewhere" && "$r/usr/bin/tcpsim" run "$r/usr/share/doc/tcpsim/examples/handshake-and-close.yaml" \
    | grep -q 'state CLOSED -> LISTEN') && ok "the installed tcpsim runs an installed example" \
    || bad "the installed tcpsim did not run the example"
if command -v gnuplot > /dev/null; then
    (cd "$work/elsewhere" && env -u TCPSIM_PLOTS_DIR "$r/usr/bin/tcpsim" plot \
        "$r/usr/share/doc/tcpsim/examples/handshake-and-close.yaml" --out pics --format png > /dev/null 2>&1)
    [ -s "$work/elsewhere/pics/ladder.png" ] && ok "the installed tcpsim plots from another folder" \
        || bad "the installed tcpsim did not plot"
fi
dp --purge tcpsim > "$work/purge.log" 2>&1 || bad "dpkg --purge failed: $(tail -3 "$work/purge.log")"
left=$(find "$r" -type f ! -path "$r/var/lib/dpkg/*")
[ -z "$left" ] && ok "purges cleanly: no file left" || bad "left after purge: $left"
if command -v lintian > /dev/null; then
    errors=$(lintian --no-tag-display-limit "$deb" 2>&1 | grep '^E:')
    [ -z "$errors" ] && ok "lintian reports no error" || bad "lintian: $errors"
else
    echo "  skip lintian: not installed"
fi
exit $fail
