# Stevens/tcptrace time-sequence graph of the connection that carried the
# most data: a bar per segment (seq .. seq+len) at its send time, the ACKs
# the sender received and the right edge of the offered window.
# seq.dat block 0: tag t seq end ack win rexmit dropped; block 1: tag t ack edge.
if (!exists("datadir")) datadir = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = datadir.'/seqtime.'.fmt
load datadir.'/meta.gp'
i = strlen(ARG0)
while (i > 0 && ARG0[i:i] ne '/') { i = i - 1 }
scriptdir = i > 0 ? ARG0[1:i] : './'

W = 1200
H = 800
load scriptdir.'style.gp'
set title scenario.": sequence / time (".seq_title.")" font "Sans Bold,17"
set xlabel "time (s)"
set ylabel "relative sequence number (bytes)"
set grid lc rgb "#dddddd"
set key top left font "Sans,13" box opaque
if (n_seq_tx == 0) {
    set xrange [0:1]; set yrange [0:1]
    set label 1 "no segments" at 0.5, 0.5 center font "Sans,20"
    plot NaN notitle
} else {
    pad = (seq_t1 - seq_t0) * 0.03 + 1e-3
    set xrange [seq_t0 - pad : seq_t1 + pad]
    set yrange [0 : (seq_ymax > 0 ? seq_ymax : 1) * 1.12]
    f = datadir.'/seq.dat'
    plot \
      f index 1 using 2:4 with steps lw 2 lc rgb "#e0a000" title "window right edge", \
      f index 1 using 2:3 with steps lw 2.5 lc rgb "#2e9e48" title "ACK received", \
      f index 0 using 2:($7 == 0 && $8 == 0 ? $3 : NaN):(0):($4 - $3) with vectors nohead lw 3 lc rgb "#1f4e9c" title "segment sent", \
      f index 0 using 2:($7 == 1 && $8 == 0 ? $3 : NaN):(0):($4 - $3) with vectors nohead lw 3 lc rgb "#c62828" title "retransmission", \
      f index 0 using 2:($8 == 1 ? ($3 + $4) / 2 : NaN) with points pt 2 ps 2.5 lw 3 lc rgb "#c62828" title "dropped"
}
