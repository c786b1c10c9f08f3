# How many connections each host has in each state over time (what netstat
# would count), one panel per host. counts.dat: a block per host, columns
# tag t then LISTEN .. TIME_WAIT.
if (!exists("datadir")) datadir = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = datadir.'/counts.'.fmt
load datadir.'/meta.gp'
i = strlen(ARG0)
while (i > 0 && ARG0[i:i] ne '/') { i = i - 1 }
scriptdir = i > 0 ? ARG0[1:i] : './'

W = 1200
H = 900
load scriptdir.'style.gp'
f = datadir.'/counts.dat'
set xrange [t_from:t_to]
set yrange [0:*]
set ytics 1
set grid lc rgb "#dddddd"
set key outside right top font "Sans,13"
set multiplot layout 2, 1 title scenario.": connections per state" font "Sans Bold,18"
set title host_a font "Sans Bold,15"
set ylabel "connections"
set format x ""
plot for [s = 2:11] f index 0 using 2:(word(count_present, s) eq "1" ? column(s + 1) : NaN) \
       with steps lw 3 lc rgb SC[s] title (word(count_present, s) eq "1" ? SN[s] : "")
set title host_b font "Sans Bold,15"
set format x "%g"
set xlabel "time (s)"
plot for [s = 2:11] f index 1 using 2:(word(count_present, s) eq "1" ? column(s + 1) : NaN) \
       with steps lw 3 lc rgb SC[s] title (word(count_present, s) eq "1" ? SN[s] : "")
unset multiplot
