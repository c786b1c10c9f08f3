#!/usr/bin/env bash
# Builds the .deb from debian/ in a throw-away copy of the tree (dpkg-buildpackage
# writes into debian/ and into the parent folder), so the working tree stays
# clean; the package is copied to the folder given (default build/deb).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "$root" && mkdir -p "${1:-build/deb}" && cd "${1:-build/deb}" && pwd)
for tool in dpkg-buildpackage dh; do
    if ! command -v "$tool" > /dev/null; then
        echo "make deb needs dpkg-dev and debhelper: apt-get install dpkg-dev debhelper" >&2
        exit 2
    fi
done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/tcpsim"
# The tracked files as they are now (uncommitted edits included), plus .git
# for the revision that --version prints.
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - .git) \
    | tar -xf - -C "$work/tcpsim"
(cd "$work/tcpsim" && dpkg-buildpackage -us -uc -b > "$work/build.log" 2>&1) || {
    tail -30 "$work/build.log" >&2; exit 1; }
cp "$work"/*.deb "$out/"
ls "$out"/*.deb
