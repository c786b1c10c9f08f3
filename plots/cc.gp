# Congestion control of the main sender: cwnd, ssthresh and bytes in flight
# (top), smoothed RTT and retransmission timeout (bottom), from TRACE_CC.
# cc.dat block cc_index: tag t cwnd ssthresh flight srtt_ms rto_ms.
if (!exists("datadir")) datadir = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = datadir.'/cc.'.fmt
load datadir.'/meta.gp'
i = strlen(ARG0)
while (i > 0 && ARG0[i:i] ne '/') { i = i - 1 }
scriptdir = i > 0 ? ARG0[1:i] : './'

W = 1200
H = 900
load scriptdir.'style.gp'
if (cc_index < 0) {
    unset border; unset tics; set xrange [0:1]; set yrange [0:1]
    set title scenario.": congestion control" font "Sans Bold,18"
    set label 1 "no congestion-control samples in this run" at 0.5, 0.5 center font "Sans,20"
    plot NaN notitle
} else {
    f = datadir.'/cc.dat'
    pad = (cc_t1 - cc_t0) * 0.03 + 1e-3
    set xrange [cc_t0 - pad : cc_t1 + pad]
    set grid lc rgb "#dddddd"
    set key top left font "Sans,13" box opaque
    set multiplot layout 2, 1 title scenario.": congestion control (".seq_title.")" font "Sans Bold,17"
    set ylabel "bytes"
    set format x ""
    set yrange [0:*]
    plot f index cc_index using 2:3 with steps lw 3 lc rgb "#1f4e9c" title "cwnd", \
         f index cc_index using 2:4 with steps lw 2.5 dt 2 lc rgb "#c62828" title "ssthresh", \
         f index cc_index using 2:5 with steps lw 2 lc rgb "#2e9e48" title "in flight"
    set format x "%g"
    set xlabel "time (s)"
    set ylabel "ms"
    plot f index cc_index using 2:6 with steps lw 3 lc rgb "#8c564b" title "smoothed RTT", \
         f index cc_index using 2:7 with steps lw 2.5 lc rgb "#9b59b6" title "RTO"
    unset multiplot
}
