# The textbook ladder (time-sequence) diagram: two vertical time axes, time
# running downward, each segment an arrow slanted by its delay; drops end in
# an X midway; state names where they change; quiet stretches are dotted,
# not to scale ("59.99 s later"). Blocks of ladder.dat: 0 segments,
# 1 states, 2 breaks, 3 axis pieces, 4 time labels, 5 brackets.
if (!exists("datadir")) datadir = '.'
if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = datadir.'/ladder.'.fmt
load datadir.'/meta.gp'
i = strlen(ARG0)
while (i > 0 && ARG0[i:i] ne '/') { i = i - 1 }
scriptdir = i > 0 ? ARG0[1:i] : './'

W = 1300
H = int(230 + (ladder_ymax + 8) * 16)
H = H < 600 ? 600 : (H > 16000 ? 16000 : H)
load scriptdir.'style.gp'

f = datadir.'/ladder.dat'
blue = 0x1f4e9c; red = 0xc62828; grey = 0x666666; green = 0x1b7a34

unset border; unset xtics; unset ytics; unset key
set lmargin 1; set rmargin 1; set tmargin 5; set bmargin 2
set xrange [-0.66:1.5]
set yrange [ladder_ymax + 3 : -5]
set title scenario font "Sans Bold,20"
set label 1 host_a."\n".addr_a at 0, -3.2 center font "Sans Bold,17"
set label 2 host_b."\n".addr_b at 1, -3.2 center font "Sans Bold,17"
set label 3 "time" at -0.36, -3.2 right font "Sans,13" tc rgb grey
if (ladder_note ne '') {
    set label 4 ladder_note at 0.5, ladder_ymax + 2.2 center font "Sans Italic,13" tc rgb grey
}
set style textbox opaque noborder margins 3, 1
set style arrow 1 head filled size screen 0.013, 20 lw 2.5 lc rgb blue
set style arrow 2 head filled size screen 0.013, 20 lw 2.5 lc rgb red
set style arrow 3 nohead lw 2.5 lc rgb red dt 2
set style arrow 4 nohead lw 2.5 lc rgb grey dt 3

plot \
  f index 3 using (0):($4 == 0 ? $2 : NaN):(0):($3 - $2) with vectors nohead lw 4 lc rgb "#222222", \
  f index 3 using (1):($4 == 0 ? $2 : NaN):(0):($3 - $2) with vectors nohead lw 4 lc rgb "#222222", \
  f index 3 using (0):($4 == 1 ? $2 : NaN):(0):($3 - $2) with vectors nohead lw 2 dt 3 lc rgb "#aaaaaa", \
  f index 3 using (1):($4 == 1 ? $2 : NaN):(0):($3 - $2) with vectors nohead lw 2 dt 3 lc rgb "#aaaaaa", \
  f index 5 using ($2 == 0 ? -0.025 : 1.025):3:(0):($4 - $3) with vectors nohead lw 7 lc rgb "#b7dfc0", \
  f index 2 using (0.5):4:5 with labels center font "Sans Italic,13" tc rgb grey, \
  f index 0 using 6:($8 == 0 && $9 == 0 && $13 == 0 ? $4 : NaN):($7 - $6):($5 - $4) with vectors arrowstyle 1, \
  f index 0 using 6:($8 == 0 && $9 == 1 && $13 == 0 ? $4 : NaN):($7 - $6):($5 - $4) with vectors arrowstyle 2, \
  f index 0 using 6:($8 == 1 ? $4 : NaN):($7 - $6):($5 - $4) with vectors arrowstyle 3, \
  f index 0 using 6:($13 == 4 ? $4 : NaN):($7 - $6):($5 - $4) with vectors arrowstyle 4, \
  f index 0 using 7:($8 == 1 ? $5 : NaN) with points pt 2 ps 3.5 lw 4 lc rgb red, \
  f index 0 using 11:($9 == 0 && $8 == 0 ? $12 : NaN):10 with labels boxed center font "Sans,13" tc rgb blue, \
  f index 0 using 11:($9 == 1 || $8 == 1 ? $12 : NaN):10 with labels boxed center font "Sans,13" tc rgb red, \
  f index 1 using (-0.045):($2 == 0 ? $3 : NaN):5 with labels right font "Sans Bold,13" tc rgb green, \
  f index 1 using (1.045):($2 == 1 ? $3 : NaN):5 with labels left font "Sans Bold,13" tc rgb green, \
  f index 4 using (-0.36):2:3 with labels right font "Sans,12" tc rgb grey
