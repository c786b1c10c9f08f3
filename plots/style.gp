# Shared by every plot script (after meta.gp and W, H in pixels): defines
# the state colours and opens the output in the asked format.

# Netstat names in enum tcp_state order, and one colour each.
array SN[11] = ["CLOSED", "LISTEN", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "CLOSE_WAIT", \
                "FIN_WAIT1", "CLOSING", "LAST_ACK", "FIN_WAIT2", "TIME_WAIT"]
array SC[11] = [0x999999, 0x7f7f7f, 0xf2b134, 0xe8743b, 0x2e9e48, 0x9b59b6, \
                0x3a7dd8, 0xd62728, 0xc2185b, 0x17a2b8, 0x8c564b]

font_main = "Sans,15"
if (fmt eq 'svg') {
    set terminal svg size W, H dynamic noenhanced font font_main background rgb "white"
} else {
    if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
        set terminal pngcairo size W, H noenhanced font font_main background rgb "white"
    } else {
        set terminal png size W, H noenhanced font "Sans,13" background rgb "white"
    }
}
set output out
set encoding utf8
