#!/bin/sh
# Installs what tcpsim needs on Debian when it is missing: a C compiler with
# the C library headers (gcc, libc6-dev), make, pkg-config, libyaml and
# cmocka (found through pkg-config) and gnuplot. As root it runs apt-get;
# with sudo it uses sudo; otherwise it prints the one command to run and
# fails. `install-deps.sh fuzz` (make fuzz) checks for clang (libFuzzer)
# instead: make test never needs it.
set -u
LC_ALL=C
export LC_ALL
missing=""
want() { missing="$missing $1"; }

# Can the C compiler build and link a program against the C library?
cc_works() {
    cc=${CC:-cc}
    command -v "$cc" >/dev/null 2>&1 || return 1
    dir=$(mktemp -d 2>/dev/null) || return 1
    printf '#include <stdio.h>\nint main(void) { return puts("") < 0; }\n' > "$dir/t.c"
    "$cc" -o "$dir/t" "$dir/t.c" >/dev/null 2>&1
    ok=$?
    rm -rf "$dir"
    return $ok
}

if [ "${1:-}" = fuzz ]; then
    command -v clang >/dev/null 2>&1 || want clang
else
    if ! cc_works; then
        command -v gcc >/dev/null 2>&1 || want gcc
        want libc6-dev
    fi
    command -v make >/dev/null 2>&1 || want make
    if command -v pkg-config >/dev/null 2>&1; then
        pkg-config --exists yaml-0.1 || want libyaml-dev
        pkg-config --exists cmocka || want libcmocka-dev
    else
        want pkg-config
        want libyaml-dev
        want libcmocka-dev
    fi
    command -v gnuplot >/dev/null 2>&1 || want gnuplot-nox
fi
[ -z "$missing" ] && exit 0
pkgs=${missing# }

echo "tcpsim: installing missing dependencies: $pkgs"
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
else
    echo "tcpsim: cannot install packages without root. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y $pkgs" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "tcpsim: no apt-get here; install $pkgs (or your system's names for them), then retry" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # the package list is meant to split
$sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends $pkgs >/dev/null || {
    echo "tcpsim: apt-get failed. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y $pkgs" >&2
    exit 1
}
if [ "${1:-}" != fuzz ] && ! cc_works; then
    echo "tcpsim: ${CC:-cc} still cannot build a C program; install gcc and libc6-dev" >&2
    exit 1
fi
