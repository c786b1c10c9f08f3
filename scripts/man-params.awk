# Turns the README's "TCP parameters" table into man(7) paragraphs, so the
# parameter list of tcpsim-scenario(5) has one source: the README table
# (itself checked against the code by tests/profile_rules.sh).
function roff(t) {
    gsub(/\\/, "\\e", t)
    gsub(/-/, "\\-", t)
    while (match(t, /`[^`]*`/))
        t = substr(t, 1, RSTART - 1) "\\fB" substr(t, RSTART + 1, RLENGTH - 2) "\\fR" substr(t, RSTART + RLENGTH)
    if (t ~ /^[.']/) t = "\\&" t
    return t
}
/^## TCP parameters/ { on = 1; next }
/^## / { on = 0 }
on && /^\| `/ {
    n = split($0, cell, "|")
    name = cell[2]; gsub(/[` ]/, "", name)
    what = cell[5]
    for (i = 6; i < n; i++) what = what "|" cell[i]
    sub(/^ +/, "", what); sub(/ +$/, "", what)
    rfc = cell[3]; sub(/^ +/, "", rfc); sub(/ +$/, "", rfc)
    lin = cell[4]; sub(/^ +/, "", lin); sub(/ +$/, "", lin)
    gsub(/-/, "\\-", name)
    printf ".TP\n.B %s\n%s\n(rfc9293: %s; linux: %s)\n", name, roff(what), roff(rfc), roff(lin)
}
