#!/usr/bin/env bash
# vmbench's exit statuses (bench/vmbench/README.md, "Exit statuses"): 0 every
# measured run passed, 1 some measured runs failed, 69 nothing ran, 64 usage;
# and `vmbench report` on empty, unreadable and partial results.
# Native runs only, so that it needs neither /dev/kvm nor root.
. "$(dirname "$0")/tap.sh"
VMBENCH=$ROOT/build/bin/vmbench
[ -x "$VMBENCH" ] || skip_all "vmbench is not built"
plan 25

cd "$TMP" || exit 1
# A suite of two native cells, one of whose parameters the workload rejects.
cat >bad.json <<'J'
{ "name": "bad", "reps": 2, "warmup": 0, "timeout_s": 30, "envs": ["native"],
  "cells": [ { "workload": "cpu", "params": ["--size", "64"], "cpus": 1 },
             { "workload": "cpu", "params": ["--size", "-5"], "cpus": 1 } ] }
J
run_cmd "$VMBENCH" run --suite smoke --workloads cpu --envs native --out runs/ok
is "$RC" 0 "every measured run passed: exit 0"
run_cmd "$VMBENCH" run --suite "$TMP/bad.json" --out runs/bad
is "$RC" 1 "some measured runs failed: exit 1"
like "$ERR" "2 measured runs failed" "and it says how many"
is "$OUT" "runs/bad" "it still prints the run directory"

run_cmd "$VMBENCH" run --suite smoke --envs container-cr --out runs/none
is "$RC" 69 "nothing ran (the suite has no container-cr cell): exit 69"
like "$ERR" "suite smoke has no cell in container-cr \(its cells run in: native, vm, container\)" \
	"it names the environment the suite lacks and the ones it has"
ok "$([ ! -e runs/none ]; echo $?)" "and leaves no empty run directory"
run_cmd "$VMBENCH" run --suite smoke --envs native,container-cr --workloads cpu --out runs/some
like "$RC $ERR" "^0 .*suite smoke has no cell in container-cr" \
	"an environment the suite lacks beside one it has: a warning, the others run"

run_cmd "$VMBENCH" run --suite smoke --workloads cpu --envs native --out runs/ok
like "$RC|$ERR" "^64\|vmbench: runs/ok already holds a run's results" "--out DIR that holds results is refused: 64"
is "$(jq -s length runs/ok/results.jsonl)" 1 "and the results there are kept"
run_cmd "$VMBENCH" report --format csv runs/ok
is "$RC $OUT" "0 runs/ok/summary.csv" "report --format csv writes DIR/summary.csv and prints its path"
like "$(head -2 runs/ok/summary.csv | tr '\n' '|')" "^workload,params,cpus,env,n_ok,.*\|cpu,--size 64,1,native,1,0," \
	"a header, then a row per cell and environment"
run_cmd "$VMBENCH" report --format json runs/ok
is "$(jq -r '.rows[0].env' runs/ok/summary.json)" native "report --format json: the same rows"
run_cmd "$VMBENCH" run --suite smoke --bogus
is "$RC" 64 "a bad option: exit 64"
run_cmd "$VMBENCH" run --suite nosuch
is "$RC" 64 "an unknown suite: exit 64"
run_cmd "$VMBENCH" run --suite smoke --envs nosuch
is "$RC" 64 "an unknown environment: exit 64"
run_cmd "$VMBENCH" run --suite smoke --envs vm-linux
like "$RC|$ERR" "^69\|vmbench: suite smoke has no cell in vm-linux" "vm-linux, which smoke does not name: nothing runs (69)"
run_cmd "$VMBENCH" frobnicate
is "$RC" 64 "an unknown command: exit 64"

# vmbench report: empty or unreadable results are an error; a stopped run says it is partial
mkdir -p empty && : >empty/results.jsonl
run_cmd "$VMBENCH" report empty
like "$RC $ERR" "^65 vmbench: empty/results.jsonl holds no runs" "report on an empty results.jsonl: one message, exit 65"
is "$(wc -l <"$TMP/err")" 1 "and only one line"
mkdir -p corrupt && printf 'garbage\n{"a":1}\n' >corrupt/results.jsonl
run_cmd "$VMBENCH" report corrupt
like "$RC $ERR" "^65 .*none of the 2 lines" "report on an unreadable results.jsonl: exit 65"
cat >long.json <<'J'
{ "name": "long", "reps": 30, "warmup": 0, "timeout_s": 30, "envs": ["native"],
  "cells": [ { "workload": "noise", "params": ["--ms", "200"], "cpus": 1 },
             { "workload": "cpu", "params": ["--size", "64"], "cpus": 1 } ] }
J
"$VMBENCH" run --suite "$TMP/long.json" --out runs/long >/dev/null 2>"$TMP/err" &
pid=$!
for _ in $(seq 100); do [ -s runs/long/results.jsonl ] && break; sleep 0.1; done
kill -INT $pid
wait $pid
is "$?" 130 "Ctrl-C stops the run: exit 130"
report=$("$VMBENCH" report runs/long 2>"$TMP/err")
like "$(cat "$TMP/err")" "vmbench: also runs/long/report.html" "report names the HTML too (on stderr; stdout keeps report.md's path)"
text=$(cat "$report" 2>/dev/null)
like "$text" "Partial run:\*\* [0-9]+ of 60 planned runs" "the report of a stopped run says it is partial"
like "$text" "no runs: \`cpu --size 64\` \(cpus 1\) in native" "and names the cell with no runs"
exit $TAP_FAILED
