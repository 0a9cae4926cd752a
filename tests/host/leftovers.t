#!/usr/bin/env bash
# Nothing is left when native `workload io`, vmbench-tool or vmbench is
# stopped: SIGINT/SIGTERM kill and reap fio (stress-ng) and remove their
# files, with exit 128+N; what a SIGKILL leaves (files named after the
# owner's pid, a run directory's disk images) the next run sweeps, and
# `vmbench gc` sweeps all of it. Temporary files go to a TMPDIR of the test's
# own, so other runs on the host do not count.
. "$(dirname "$0")/tap.sh"
command -v fio >/dev/null || skip_all "fio is not installed (make deps)"
VMBENCH=$ROOT/build/bin/vmbench
TOOL=$ROOT/build/bin/vmbench-tool
[ -x "$VMBENCH" ] && [ -x "$TOOL" ] || skip_all "vmbench or vmbench-tool is not built"
plan 30
export TMPDIR=$TMP/tmp
mkdir -p "$TMPDIR"
dd if=/dev/zero of="$TMP/disk.img" bs=1M count=16 status=none

# wait_for GLOB: until a path matches it (at most 10 s); 0 when one did.
wait_for() {
	for _ in $(seq 200); do
		compgen -G "$1" >/dev/null && return 0
		sleep 0.05
	done
	return 1
}
# gone PATTERN: 0 once no process's command line matches (at most 5 s).
gone() {
	for _ in $(seq 100); do
		pgrep -f -- "$1" >/dev/null || return 0
		sleep 0.05
	done
	return 1
}
# finish PID: its exit status, once it ends; one still running 30 s later is
# SIGKILLed (137), so a run that ignores the signal fails rather than hangs.
finish() {
	for _ in $(seq 600); do
		case $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) in
		R|S|D) sleep 0.05 ;;
		*) break ;;   # a zombie, or gone
		esac
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1"
}
# files GLOB: what matches, or nothing.
files() { compgen -G "$1" | tr '\n' ' '; }
# A long native io run (stopped long before its end); not a function, so
# that $! is the workload itself. Background commands of a script start
# with SIGINT ignored: `env --default-signal` gives them what a terminal's
# foreground job has.
run=(env --default-signal=INT,TERM,HUP)
slow_io=("${run[@]}" "$WORKLOAD" io --file "$TMP/disk.img" --rw randread --bs 4k --qd 1 --mib 100000 --direct 0)

# workload io: SIGINT and SIGTERM.
for sig in INT TERM; do
	"${slow_io[@]}" >/dev/null 2>"$TMP/err" &
	pid=$!
	wait_for "$TMPDIR/lwvmm-fio-$pid-*"
	ok $? "SIG$sig: workload io names fio's output after its pid"
	kill -$sig $pid
	finish $pid
	is "$?" "$([ $sig = INT ] && echo 130 || echo 143)" "SIG$sig: workload io exits 128+N"
	is "$(files "$TMPDIR/lwvmm-fio-*")" "" "SIG$sig: fio's output is removed"
	gone "$TMPDIR/lwvmm-fio-$pid-"
	ok $? "SIG$sig: fio is gone"
done

# workload io: SIGKILL leaves the output; fio dies with it; the next run sweeps it.
"${slow_io[@]}" >/dev/null 2>&1 &
pid=$!
wait_for "$TMPDIR/lwvmm-fio-$pid-*"
kill -KILL $pid
wait $pid 2>/dev/null
gone "$TMPDIR/lwvmm-fio-$pid-"
ok $? "SIGKILL: fio (its job a thread) dies with the workload"
ok "$(compgen -G "$TMPDIR/lwvmm-fio-$pid-*" >/dev/null; echo $?)" "SIGKILL: the output of the dead workload is left"
OUT=$("$WORKLOAD" io --file "$TMP/disk.img" --rw read --bs 64k --qd 1 --mib 1 --direct 0)
is "$(field ok)" 1 "the next workload io runs"
is "$(files "$TMPDIR/lwvmm-fio-*")" "" "and sweeps the dead one's output"

# vmbench-tool: SIGINT during fio, SIGTERM during stress-ng.
"${run[@]}" "$TOOL" fio --threads 2 --seconds 60 --size-mib 8 >/dev/null 2>&1 &
pid=$!
wait_for "$TMPDIR/vmbench-tool-$pid-*/data"
kill -INT $pid
finish $pid
is "$?" 130 "vmbench-tool fio: SIGINT exits 130"
is "$(files "$TMPDIR/vmbench-tool-*")" "" "vmbench-tool fio: its scratch directory and fio's file are removed"
gone "$TMPDIR/vmbench-tool-$pid-"
ok $? "vmbench-tool fio: fio is gone"
"${run[@]}" "$TOOL" stress-ng --stressor cpu --threads 1 --seconds 60 >/dev/null 2>&1 &
pid=$!
wait_for "$TMPDIR/vmbench-tool-$pid-*"
sleep 0.5   # stress-ng has started
kill -TERM $pid
finish $pid
is "$?" 143 "vmbench-tool stress-ng: SIGTERM exits 143"
gone "$TMPDIR/vmbench-tool-$pid-"
ok $? "vmbench-tool stress-ng: stress-ng is gone"
is "$(files "$TMPDIR/vmbench-tool-*")" "" "vmbench-tool stress-ng: nothing left in TMPDIR"

# vmbench-tool: SIGKILL leaves its directory; the next run sweeps it.
"${run[@]}" "$TOOL" fio --threads 1 --seconds 60 --size-mib 8 >/dev/null 2>&1 &
pid=$!
wait_for "$TMPDIR/vmbench-tool-$pid-*/data"
kill -KILL $pid
wait $pid 2>/dev/null
gone "$TMPDIR/vmbench-tool-$pid-"
ok $? "SIGKILL: vmbench-tool's fio dies with it"
"$TOOL" stress-ng --stressor cpu --threads 1 --seconds 1 >/dev/null 2>&1
is "$(files "$TMPDIR/vmbench-tool-*")" "" "the next vmbench-tool sweeps the dead one's directory"

# vmbench with a native io cell that runs long.
cat >"$TMP/slowio.json" <<'EOF'
{ "name": "slowio", "reps": 1, "warmup": 0, "timeout_s": 120, "envs": ["native"],
  "cells": [ { "workload": "io", "params": ["--rw", "randread", "--bs", "4k", "--qd", "1",
               "--mib", "100000"], "cpus": 1, "mem": "256M", "disk": "16M" } ] }
EOF
cat >"$TMP/tiny.json" <<'EOF'
{ "name": "tiny", "reps": 1, "warmup": 0, "timeout_s": 60, "envs": ["native"],
  "cells": [ { "workload": "cpu", "params": ["--size", "16"], "cpus": 1, "mem": "256M" } ] }
EOF
"${run[@]}" "$VMBENCH" run --suite "$TMP/slowio.json" --out "$TMP/runs/a" >/dev/null 2>"$TMP/err" &
pid=$!
wait_for "$TMPDIR/lwvmm-fio-*"
kill -INT $pid    # what a Ctrl-C does: vmbench's runs have their own process group
finish $pid
is "$?" 130 "vmbench: SIGINT in a native io cell exits 130"
is "$(files "$TMPDIR/lwvmm-fio-*")$(files "$TMP/runs/a/disk-*")$(files "$TMP/runs/a/.vmbench-owner*")" "" \
	"vmbench: no fio output, disk image or claim is left"

"$VMBENCH" run --suite "$TMP/slowio.json" --out "$TMP/runs/b" >/dev/null 2>"$TMP/err" &
pid=$!
wait_for "$TMPDIR/lwvmm-fio-*"
kill -KILL $pid
wait $pid 2>/dev/null
gone "$TMPDIR/lwvmm-fio-"
ok $? "SIGKILL: vmbench's workload ends with it"
is "$(files "$TMPDIR/lwvmm-fio-*")" "" "SIGKILL: the workload still removes fio's output"
ok "$(compgen -G "$TMP/runs/b/disk-*.img" >/dev/null; echo $?)" "SIGKILL: the run's disk image is left"
"$VMBENCH" run --suite "$TMP/tiny.json" --out "$TMP/runs/c" >/dev/null 2>"$TMP/err"
is "$?" 0 "the next vmbench run runs"
is "$(files "$TMP/runs/b/disk-*")$(files "$TMP/runs/b/.vmbench-owner*")" "" "and sweeps the dead run's disk image and claim"

"$VMBENCH" run --suite "$TMP/slowio.json" --out "$TMP/runs/d" >/dev/null 2>"$TMP/err" &
pid=$!
wait_for "$TMPDIR/lwvmm-fio-*"
kill -KILL $pid
wait $pid 2>/dev/null
gone "$TMPDIR/lwvmm-fio-"
"$VMBENCH" gc "$TMP/runs" >"$TMP/out" 2>&1
is "$(files "$TMP/runs/d/disk-*")" "" "vmbench gc DIR sweeps a dead run's disk image"
like "$(cat "$TMP/out")" "disk images of dead runs: 1 removed" "and says so"

"$VMBENCH" run --suite "$TMP/slowio.json" --out "$TMP/runs/e" >/dev/null 2>"$TMP/err" &
pid=$!
wait_for "$TMPDIR/lwvmm-fio-*"
kill -KILL $pid
wait $pid 2>/dev/null
gone "$TMPDIR/lwvmm-fio-"
"$VMBENCH" report "$TMP/runs/e" >/dev/null 2>&1
is "$(files "$TMP/runs/e/disk-*")$(files "$TMP/runs/e/.vmbench-owner*")" "" "vmbench report DIR sweeps a dead run's disk image in DIR"
exit $TAP_FAILED
