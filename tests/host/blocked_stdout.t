#!/usr/bin/env bash
# A stdout that takes nothing (a FIFO held open and full, never read) does not
# hold lwvmm: --timeout and SIGTERM still end the run with 124 or 130 and a
# message (issue 10, defect 4: the console write retried forever); a closed
# one costs the output, not the run. Each run has a safety kill at 30 s so
# that a hang fails the test (137) instead of hanging prove.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
plan 11

mkfifo "$TMP/fifo"
exec 3<>"$TMP/fifo"   # a reader that never reads
# Fill the pipe: a writer that blocks once it is full, stopped after 2 s
# (busybox's dd, in the lab, has no oflag=nonblock).
timeout 2 cat /dev/zero >"$TMP/fifo"

timeout -s KILL 30 "$LWVMM" run --timeout 1 --workload cpu -- --size 64 >"$TMP/fifo" 2>"$TMP/err"
is "$?" 124 "output blocked after the guest's exit: --timeout ends the run, status 124"
like "$(cat "$TMP/err")" 'timeout after 1 s while the guest.s output waited' "the timeout and the blocked output are named"

timeout -s KILL 30 "$LWVMM" run --timeout 1 --cpus 2 --workload cpu -- --size 64 >"$TMP/fifo" 2>"$TMP/err"
is "$?" 124 "2 vCPUs: status 124"
like "$(cat "$TMP/err")" 'timeout after 1 s' "2 vCPUs: the timeout is named"

# SIGTERM at any moment of such a run ends it; timeout(1) passes it on.
timeout -s KILL 30 "$LWVMM" run --workload cpu -- --size 64 >"$TMP/fifo" 2>"$TMP/err" &
pid=$!
sleep 1
kill -TERM "$pid"
wait "$pid"
is "$?" 130 "output blocked: SIGTERM ends the run, status 130"
like "$(cat "$TMP/err")" 'interrupted by Terminated' "SIGTERM is named"

# A reader that is only slow loses nothing: the result line arrives.
"$LWVMM" run --workload cpu -- --size 64 2>"$TMP/err" | { sleep 1; cat; } >"$TMP/out"
is "${PIPESTATUS[0]}" 0 "a slow reader: status 0"
like "$(cat "$TMP/out")" '^result workload=cpu ok=1' "a slow reader gets the result line"
exec 3>&-

# A stdout whose reader is gone (lwvmm ... | true): the output is lost, not
# the run (it died of SIGPIPE, status 141, without its statistics).
"$LWVMM" run --stats-json "$TMP/s.json" --workload cpu -- --size 64 2>"$TMP/err" | true
is "${PIPESTATUS[0]}" 0 "a closed stdout: the run ends with the workload's status"
like "$(cat "$TMP/err")" 'standard output was closed' "the closed stdout is named once"
is "$(jq .exit_status "$TMP/s.json" 2>/dev/null)" 0 "the statistics are written"
