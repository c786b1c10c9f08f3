#!/bin/sh
# Installs what tcpsim needs on Debian when it is missing: libyaml and cmocka
# (found through pkg-config) and gnuplot. As root it runs apt-get; with sudo it
# uses sudo; otherwise it prints the one command to run and fails.
set -u
pkgs="libyaml-dev libcmocka-dev gnuplot-nox pkg-config"
missing=0
command -v pkg-config >/dev/null 2>&1 || missing=1
if [ $missing -eq 0 ]; then
    pkg-config --exists yaml-0.1 || missing=1
    pkg-config --exists cmocka || missing=1
fi
command -v gnuplot >/dev/null 2>&1 || missing=1
[ $missing -eq 0 ] && exit 0

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
    echo "tcpsim: no apt-get here; install libyaml, cmocka, gnuplot and pkg-config, then retry" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq && $sudo apt-get install -y -qq $pkgs >/dev/null || {
    echo "tcpsim: apt-get failed. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y $pkgs" >&2
    exit 1
}
