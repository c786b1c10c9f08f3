# One coloured bar per connection over time, a colour per TCP state.
# states.dat: row t_from t_to state_index state label.
if (!exists("datadir")) datadir = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = datadir.'/states.'.fmt
load datadir.'/meta.gp'
i = strlen(ARG0)
while (i > 0 && ARG0[i:i] ne '/') { i = i - 1 }
scriptdir = i > 0 ? ARG0[1:i] : './'

W = 1200
H = int(260 + n_state_rows * 55)
H = H > 5000 ? 5000 : H
load scriptdir.'style.gp'
set title scenario.": connection states over time" font "Sans Bold,18"
set xlabel "time (s)"
set xrange [t_from:t_to]
set yrange [(n_state_rows > 0 ? n_state_rows : 1) - 0.5 : -0.5]
set ytics nomirror scale 0
set xtics nomirror
set grid xtics lc rgb "#dddddd"
set border 1
set key outside bottom center horizontal maxcols 6 samplen 1.5 font "Sans,13"
set style fill solid 0.9 noborder
f = datadir.'/states.dat'
plot f using (($2 + $3) / 2):1:(($3 - $2) / 2):(0.38):(SC[int($4) + 1]):ytic(6) \
       with boxxyerror lc rgb variable notitle, \
     for [s = 2:11] keyentry with boxes lc rgb SC[s] \
       title (word(state_present, s) eq "1" ? SN[s] : "")
