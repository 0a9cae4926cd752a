#!/usr/bin/env bash
# ctrun checkpoint and vmbench's container-cr: where `criu check` passes (the
# lab), a running container is checkpointed with CRIU, restored and runs to
# its end with its own check; where it fails (these PVM hosts), the run is
# refused with CRIU's reason and vmbench records the cell as unavailable.
# Nothing outlives either.
. "$(dirname "$0")/tap.sh"
require_ctrun vmbench
export CTRUN_CACHE=$TMP/cache

# bundles: how many ctrun bundle directories (of any run) exist.
bundles() { ls -d "${TMPDIR:-/tmp}"/vmbench-ct-* 2>/dev/null | wc -l; }
stat_of() { jq -r ".$1" "$TMP/s.json" 2>/dev/null; }
positive() { awk -v x="$1" 'BEGIN { exit !(x + 0 > 0) }'; }

# A suite of one long mem cell in container-cr (the lab's TCG is ~20x slower).
if [ -n "$LWVMM_LAB" ]; then MIB=24 NTIMES=150 AFTER=1500; else MIB=48 NTIMES=1000 AFTER=500; fi
cat >"$TMP/cr.json" <<JSON
{ "name": "cr-test", "reps": 1, "warmup": 0, "timeout_s": 300, "envs": ["container-cr"],
  "cells": [ { "workload": "mem", "params": ["--mib", "$MIB", "--ntimes", "$NTIMES"], "cpus": 1, "mem": "256M" } ] }
JSON

info=$("$CTRUN" info 2>&1)
if ! grep -q "^checkpoint: available" <<<"$info"; then
	plan 7
	why=$(sed -n 's/^checkpoint: unavailable: //p' <<<"$info")
	like "$why" "criu (check failed|is not installed)" "ctrun info says why checkpoint/restore is unavailable"
	run_ct checkpoint --stats-json "$TMP/s.json" -- workload cpu --size 32
	is "$RC" 69 "ctrun checkpoint: exit 69 where CRIU does not work"
	like "$ERR" "^ctrun: checkpoint/restore unavailable: criu" "with CRIU's reason in one line"
	is "$(bundles)" 0 "and no bundle is made"
	"$VMBENCH" run --suite "$TMP/cr.json" --out "$TMP/runs" >/dev/null 2>"$TMP/err"
	is "$?" 69 "vmbench runs a container-cr suite, and nothing could run: exit 69"
	rec=$(head -1 "$TMP/runs/results.jsonl")
	is "$(jq -r .unavailable <<<"$rec")" true "the cell is recorded as unavailable"
	like "$(jq -r .error <<<"$rec")" "criu" "with CRIU's reason, and no figure"
	exit $TAP_FAILED
fi

plan 31
# A real checkpoint and restore in the middle of the mem workload.
run_ct checkpoint --after "$AFTER" --cpus 1 --mem 256M --stats-json "$TMP/s.json" -- \
	workload mem --mib "$MIB" --ntimes "$NTIMES"
is "$RC" 0 "ctrun checkpoint: the restored workload ends with status 0"
like "$OUT" "^result workload=mem ok=1 " "its result line (after the restore) passes its own check"
like "$ERR" "checkpointed in [0-9.]+ ms, image [0-9.]+ MiB; restoring" "progress is shown"
positive "$(stat_of checkpoint_ms)"; ok $? "checkpoint_ms is recorded"
positive "$(stat_of restore_ms)"; ok $? "restore_ms is recorded"
awk -v p="$(stat_of pages_mib)" -v m="$MIB" 'BEGIN { exit !(p >= m) }'
ok $? "the image holds the workload's arrays ($MIB MiB; pages_mib $(stat_of pages_mib))"
awk -v i="$(stat_of image_mib)" -v p="$(stat_of pages_mib)" 'BEGIN { exit !(i >= p) }'
ok $? "image_mib counts the pages and the rest"
is "$(stat_of after_ms)" "$AFTER" "after_ms is recorded"
is "$(stat_of started)" true "the start stamp came"
is "$(leftovers "$(last_pid)")" "" "nothing is left: container, cgroup, bundle and image"

# The program's output from before and after, and its exit status.
run_ct checkpoint --after 300 --stats-json "$TMP/s.json" -- sh -c 'echo before; sleep 3; echo after; exit 3'
is "$RC" 3 "the restored program's exit status passes through"
is "$(tr '\n' ' ' <<<"$OUT")" "before after " "its output before and after the checkpoint arrives"
is "$(leftovers "$(last_pid)")" "" "nothing is left after a failing program"

# Failures: the program ends first, CRIU cannot dump it, --net.
run_ct checkpoint --after 5000 --stats-json "$TMP/s.json" -- true
is "$RC" 70 "a program that ends before the checkpoint: exit 70"
like "$ERR" "ended \\(exit 0\\) before the checkpoint was due \\(--after 5000 ms\\)" "with one clear message"
is "$(leftovers "$(last_pid)")" "" "nothing is left after it"
run_ct checkpoint --after 1500 --timeout 120 --stats-json "$TMP/s.json" -- fio --name=ring \
	--ioengine=io_uring --rw=randread --size=1M --filename=/tmp/f --time_based --runtime=60 --output=/dev/null
is "$RC" 70 "a program CRIU cannot dump (an io_uring instance): exit 70"
like "$ERR" "^ctrun: runc checkpoint failed \(exit [0-9]+\): Error .*io_uring" "with CRIU's first error from its log"
is "$(leftovers "$(last_pid)")" "" "nothing is left after a failed checkpoint"
run_ct checkpoint --net -- true
is "$RC" 64 "--net is refused (exit 64)"
run_ct checkpoint --timeout 3 --after 300 --stats-json "$TMP/s.json" -- sleep 60
is "$RC" 124 "--timeout covers the restored run (exit 124)"
is "$(leftovers "$(last_pid)")" "" "nothing is left after the timeout"

# SIGINT while the restored program runs.
"$CTRUN" checkpoint --after 300 -- sleep 60 >/dev/null 2>"$TMP/err" &
pid=$!
for _ in $(seq 600); do grep -q restoring "$TMP/err" && runc list -q 2>/dev/null | grep -qx "vmb-$pid" && break; sleep 0.1; done
sleep 1
kill -INT $pid
wait $pid
is "$?" 130 "SIGINT after the restore ends the run with 130"
is "$(leftovers "$pid")" "" "nothing is left after SIGINT"

# SIGINT while CRIU restores (just after "restoring"): the stop waits for the
# restore, so that CRIU does not finish it on its own after the run.
"$CTRUN" checkpoint --after 300 --mem 256M -- workload mem --mib 96 --ntimes 1000 \
	>/dev/null 2>"$TMP/err" &
pid=$!
for _ in $(seq 1200); do grep -q restoring "$TMP/err" && break; kill -0 $pid 2>/dev/null || break; sleep 0.05; done
kill -INT $pid
wait $pid
is "$?" 130 "SIGINT during the restore ends the run with 130"
sleep 2  # a CRIU left on its own would have restored the program by now
is "$(leftovers "$pid")$(grep -slx criu /proc/[0-9]*/comm)" "" "nothing is left after SIGINT during the restore, no CRIU either"

# vmbench's container-cr environment, end to end, and its report.
"$VMBENCH" run --suite "$TMP/cr.json" --out "$TMP/runs" >/dev/null 2>"$TMP/err"
is "$?" 0 "vmbench runs a container-cr suite"
rec=$(head -1 "$TMP/runs/results.jsonl")
is "$(jq -r '.env, .ok' <<<"$rec" | tr '\n' ' ')" "container-cr true " "its run passes the workload's check"
positive "$(jq -r .monitor.checkpoint_ms <<<"$rec")"; ok $? "the record carries checkpoint_ms"
"$VMBENCH" report "$TMP/runs" >/dev/null 2>&1
like "$(cat "$TMP/runs/report.md")" "Figures from \`container-cr\`.*checkpoint_ms [0-9.]+, restore_ms [0-9.]+, image_mib [0-9.]+" \
	"the report shows checkpoint, restore and image size"
is "$(bundles)" 0 "no bundle is left by vmbench"
exit $TAP_FAILED
