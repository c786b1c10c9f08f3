#!/usr/bin/env bash
# tcpsim sweep: the cross product in parallel processes, one CSV row per run
# in run order whatever --jobs is; --task runs one point; --emit parallel
# writes a GNU parallel job list (run for real when parallel is installed,
# else each line through bash) whose collected CSV equals the local one;
# --emit slurm writes an sbatch array script (syntax, and one array task
# with SLURM_ARRAY_TASK_ID set); bad input exits 2.
set -u
tcpsim=${TCPSIM:-./tcpsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$2"; then echo "  ok   $1"; else echo "  FAIL $1"; fail=1; fi; }
sc=scenarios/handshake-and-close.yaml
grid=(--grid link.loss=0%,5% --grid seed=1..4)

"$tcpsim" sweep $sc "${grid[@]}" --jobs 3 --out "$tmp/j3" > "$tmp/j3.out"
rc=$?
"$tcpsim" sweep $sc "${grid[@]}" --jobs 1 --out "$tmp/j1" > /dev/null
check "8 runs: a header and 8 rows in run order; exit 1 (loss breaks some expectations)" \
    '[ $rc -eq 1 ] && [ "$(wc -l < "$tmp/j3/sweep.csv")" -eq 9 ] && [ "$(cut -d, -f1 "$tmp/j3/sweep.csv" | tail -8 | tr "\n" " ")" = "0 1 2 3 4 5 6 7 " ]'
check "the header names the grid keys and the figures" \
    'head -1 "$tmp/j3/sweep.csv" | grep -q "^run,link.loss,seed,completion_s,goodput_bps,delivered,segments,rexmit_rto,rexmit_fast,rexmit_tlp,probes,timeouts,drops,final_states,expect_passed,expect_total,cut$"'
check "--jobs 3 and --jobs 1 give byte-identical CSVs" 'cmp -s "$tmp/j1/sweep.csv" "$tmp/j3/sweep.csv"'
check "a lossless run passes all 13 expectations and ends CLOSED:2 LISTEN:1" \
    'grep -q "^0,0%,1,0.310000,[0-9]*,100,9,0,0,0,0,0,0,CLOSED:2 LISTEN:1,13,13,0$" "$tmp/j3/sweep.csv"'
check "the summary line counts runs and failures" 'grep -q "8 runs, [1-8] with failed expectations, 0 missing" "$tmp/j3.out"'
"$tcpsim" sweep $sc --grid seed=1..2 --out "$tmp/ok" > /dev/null
check "every run passing: exit 0" '[ $? -eq 0 ]'

"$tcpsim" sweep $sc "${grid[@]}" --out "$tmp/p" --emit parallel > "$tmp/p.out"
check "--emit parallel writes one job per run and says how to run it" \
    '[ "$(wc -l < "$tmp/p/jobs.txt")" -eq 8 ] && grep -q "parallel < $tmp/p/jobs.txt" "$tmp/p.out" && [ ! -e "$tmp/p/sweep.csv" ]'
if command -v parallel > /dev/null; then
    parallel --will-cite -j 2 < "$tmp/p/jobs.txt"
    how="GNU parallel"
else
    echo "  note: GNU parallel not installed (apt-get install parallel); running its job list with bash"
    while IFS= read -r job; do bash -c "$job" || exit 1; done < "$tmp/p/jobs.txt"
    how="bash"
fi
"$tcpsim" sweep --collect "$tmp/p" > /dev/null
check "the job list run by $how, collected, equals the local CSV" 'cmp -s "$tmp/p/sweep.csv" "$tmp/j1/sweep.csv"'

"$tcpsim" sweep $sc "${grid[@]}" --out "$tmp/s" --emit slurm > /dev/null
check "--emit slurm: a bash script with an 8-task array" \
    'bash -n "$tmp/s/sweep.sbatch" && grep -qx "#SBATCH --array=0-7" "$tmp/s/sweep.sbatch"'
SLURM_ARRAY_TASK_ID=5 bash "$tmp/s/sweep.sbatch"
check "one array task (SLURM_ARRAY_TASK_ID=5) writes run 5's row, as the local run" \
    '[ "$(cat "$tmp/s/rows/0000005.csv")" = "$(sed -n 7p "$tmp/j1/sweep.csv")" ] && [ "$(ls "$tmp/s/rows" | wc -l)" -eq 1 ]'
"$tcpsim" sweep --collect "$tmp/s" > /dev/null 2> "$tmp/s.err"
check "collect with runs missing: exit 2 naming them" '[ $? -eq 2 ] && grep -q "run 0 has no row" "$tmp/s.err"'
( unset SLURM_ARRAY_TASK_ID; bash "$tmp/s/sweep.sbatch" ) > /dev/null 2>&1
check "the script refuses to run without SLURM_ARRAY_TASK_ID" '[ $? -ne 0 ]'

"$tcpsim" sweep $sc --grid link.loss=200% --out "$tmp/bad" > /dev/null 2> "$tmp/bad.err"
check "a bad grid value: exit 2 with the loader's message" '[ $? -eq 2 ] && grep -q "100%" "$tmp/bad.err"'
for args in "sweep" "sweep $sc --out $tmp/x" "sweep $sc --grid seed --out $tmp/x" \
    "sweep $sc --grid seed=5..1 --out $tmp/x" "sweep $sc --grid seed=1..3" \
    "sweep $sc --grid seed=1,,2 --out $tmp/x" "sweep $sc --grid seed=1..2 --jobs 0 --out $tmp/x" \
    "sweep $sc --grid seed=1..2 --emit make --out $tmp/x" "sweep --collect $tmp/nothing" \
    "sweep $sc --grid seed=1..2 --task 2 --out $tmp/x" "sweep $sc --grid seed=1..2 --bogus"; do
    "$tcpsim" $args > /dev/null 2> "$tmp/args.err"
    rc=$?
    check "tcpsim $args: exit 2 with a message" '[ $rc -eq 2 ] && [ -s "$tmp/args.err" ]'
done
exit $fail
