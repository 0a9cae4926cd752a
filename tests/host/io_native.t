#!/usr/bin/env bash
# The io workload natively (fio): fio counts its runtime in milliseconds, so a
# short run's score is quantized; the result line says what the timer's
# resolution was, and the report flags a figure below it.
. "$(dirname "$0")/tap.sh"
[ -x "$WORKLOAD" ] || skip_all "workload is not built"
command -v fio >/dev/null || skip_all "fio is not installed (make deps)"
plan 4

truncate -s 16M "$TMP/f.img"
run_cmd "$WORKLOAD" io --rw randread --bs 4k --qd 8 --mib 4 --file "$TMP/f.img" --direct 0
is "$RC" 0 "native io runs fio"
like "$(field time_res_s)" "^0\.0010*$" "the result line gives fio's timer resolution (1 ms)"
time_s=$(field time_s)
ok "$([ -n "$time_s" ]; echo $?)" "and the time it measured ($time_s s)"
run_cmd "$WORKLOAD" io --rw read --bs 1M --qd 4 --mib 4 --file "$TMP/f.img" --direct 0
like "$(field time_res_s)" "^0\.0010*$" "for every pattern"
exit $TAP_FAILED
