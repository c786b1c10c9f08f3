#!/usr/bin/env bash
# make install / uninstall lay out and remove exactly the installed files;
# the installed binary finds its gnuplot scripts from any folder; the man
# pages render without warnings and cover every --help option and every TCP
# parameter; bash completion completes subcommands and --set keys.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
ok() { echo "  ok   $*"; }
bad() { echo "FAIL tests/install.sh: $*"; fail=1; }

if ! make -s -C "$root" install DESTDIR="$work/stage" PREFIX=/usr > "$work/log" 2>&1; then
    bad "make install failed"; sed 's/^/    /' "$work/log" | tail -5; exit 1
fi
stage=$work/stage
for f in usr/bin/tcpsim usr/share/man/man1/tcpsim.1 usr/share/man/man5/tcpsim-scenario.5 \
         usr/share/bash-completion/completions/tcpsim usr/share/tcpsim/plots/ladder.gp \
         usr/share/doc/tcpsim/examples/handshake-and-close.yaml; do
    [ -f "$stage/$f" ] || bad "make install did not write /$f"
done
[ -x "$stage/usr/bin/tcpsim" ] || bad "installed tcpsim is not executable"
n_gp=$(ls "$root"/plots/*.gp | wc -l)
[ "$(ls "$stage"/usr/share/tcpsim/plots/*.gp | wc -l)" -eq "$n_gp" ] || bad "not every plots/*.gp installed"
[ $fail -eq 0 ] && ok "make install DESTDIR=... PREFIX=/usr lays out binary, scripts, man pages, completion, examples"

"$stage/usr/bin/tcpsim" --version | grep -qE '^tcpsim [0-9.]+ \(git [0-9a-f]+|unknown\)' \
    && ok "--version names the version and git revision" || bad "--version: $("$stage/usr/bin/tcpsim" --version)"

# From another folder, no --scripts, no TCPSIM_PLOTS_DIR: the installed scripts.
mkdir -p "$work/elsewhere"
if command -v gnuplot > /dev/null; then
    (cd "$work/elsewhere" && env -u TCPSIM_PLOTS_DIR "$stage/usr/bin/tcpsim" plot \
        "$stage/usr/share/doc/tcpsim/examples/handshake-and-close.yaml" --out pics --format png \
        > "$work/plot.log" 2>&1) || bad "installed plot failed: $(tail -3 "$work/plot.log")"
    [ -s "$work/elsewhere/pics/ladder.png" ] && ok "the installed tcpsim plots from another folder with no option" \
        || bad "installed plot drew no ladder.png"
else
    echo "  skip installed plot: gnuplot not installed"
fi

# Man pages: render cleanly, cover --help and the parameter table.
man1=$stage/usr/share/man/man1/tcpsim.1 man5=$stage/usr/share/man/man5/tcpsim-scenario.5
if command -v groff > /dev/null; then
    for m in "$man1" "$man5"; do
        w=$(groff -ww -man -Tutf8 "$m" 2>&1 > /dev/null)
        [ -z "$w" ] || bad "groff warns on $(basename "$m"): $w"
    done
    [ $fail -eq 0 ] && ok "groff -ww renders both man pages without warnings"
else
    echo "  skip man rendering: groff not installed"
fi
missing=""
for opt in $("${TCPSIM:-$root/build/test/tcpsim}" --help 2>/dev/null | grep -oE -- '(^|[][ |])--?[a-zA-Z][a-zA-Z_-]*' | sed 's/^[][ |]*//' | sort -u); do
    grep -qF -- "$(printf '%s' "$opt" | sed 's/-/\\-/g')" "$man1" || missing="$missing $opt"
done
[ -z "$missing" ] && ok "every option of --help is in tcpsim(1)" || bad "not in tcpsim(1):$missing"
missing=""
for p in $(awk -f "$root/scripts/set-keys.awk" "$root/README.md"); do
    name=${p#tcp.}
    grep -qF -- ".B $(printf '%s' "$name" | sed 's/-/\\-/g')" "$man5" || missing="$missing $name"
done
[ -z "$missing" ] && ok "every TCP parameter is in tcpsim-scenario(5)" || bad "not in tcpsim-scenario(5):$missing"

# Completion, without the bash-completion package.
comp=$stage/usr/share/bash-completion/completions/tcpsim
complete_words() { # words... -> COMPREPLY
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tcpsim; echo "${COMPREPLY[*]}"' \
        _ "$comp" "$@"
}
[ "$(complete_words tcpsim ru)" = "run" ] && ok "tcpsim ru<TAB> completes run" || bad "ru<TAB>: '$(complete_words tcpsim ru)'"
got=$(complete_words tcpsim run x.yaml --set link.lo)
[ "$got" = "link.loss= link.loss_data_only=" ] && ok "--set link.lo<TAB> completes link.loss=, link.loss_data_only=" \
    || bad "--set link.lo<TAB>: '$got'"
got=$(complete_words tcpsim run x.yaml --set tcp.tw_re)
[ "$got" = "tcp.tw_reuse=" ] && ok "--set tcp.tw_re<TAB> completes from the parameter table" || bad "tcp.tw_re<TAB>: '$got'"
[ "$(complete_words tcpsim run x.yaml --format j)" = "jsonl" ] || bad "--format j<TAB>"

make -s -C "$root" uninstall DESTDIR="$stage" PREFIX=/usr > /dev/null 2>&1
left=$(find "$stage" -type f)
[ -z "$left" ] && ok "make uninstall removes every installed file" || bad "left after uninstall: $left"
exit $fail
