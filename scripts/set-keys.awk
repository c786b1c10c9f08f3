# The --set keys of tcpsim's bash completion: tcp.NAME for every row of the
# README's "TCP parameters" table (one source, checked against the code).
/^## TCP parameters/ { on = 1; next }
/^## / { on = 0 }
on && /^\| `/ {
    split($0, cell, "|")
    name = cell[2]; gsub(/[` ]/, "", name)
    if (name != "profile") print "tcp." name
}
