#!/usr/bin/env bash
# ctrun ends when it is told to (baselines/containers/ctrun_run.c): SIGTERM
# during a run, SIGTERM while the runtime itself hangs (stopped with SIGSTOP),
# and an open-files limit too small for the runtime. Each run is guarded with
# `timeout 60` (a hang shows as 124, not as a wait forever); afterwards no
# container, cgroup, netns, veth, bundle or runtime of that ctrun is left.
. "$(dirname "$0")/tap.sh"
require_ctrun
plan 12
export CTRUN_CACHE=$TMP/cache

# wait_running PID: until the container of ctrun PID runs (at most 10 s).
wait_running() {
	for _ in $(seq 100); do
		runc state "vmb-$1" 2>/dev/null | jq -e '.status == "running"' >/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# child NAME PARENT: the pid of PARENT's child NAME, once it has started (at most 5 s).
child() {
	local c
	for _ in $(seq 50); do
		c=$(pgrep -P "$2" -x "$1") && { echo "$c"; return; }
		sleep 0.1
	done
}

# everything_left PID: leftovers plus any process still naming the container.
everything_left() {
	echo "$(leftovers "$1")$(pgrep -f "vmb-$1( |$)" | tr '\n' ' ')"
}

# A first run builds the root file system, so the runs below start quickly.
"$CTRUN" run -- true >/dev/null 2>&1

# SIGTERM during a run with its own network.
timeout 60 "$CTRUN" run --net -- sleep 30 >/dev/null 2>"$TMP/err" &
guard=$!
pid=$(child ctrun $guard)
wait_running "$pid"
ok $? "the container runs"
kill -TERM "$pid"
wait $guard
is "$?" 143 "SIGTERM ends the run with 128+15"
is "$(everything_left "$pid")" "" "nothing is left after SIGTERM"

# SIGTERM while the runtime hangs: ctrun kills the container and the runtime.
timeout 60 "$CTRUN" run --net -- sleep 30 >/dev/null 2>"$TMP/err" &
guard=$!
pid=$(child ctrun $guard)
wait_running "$pid"
runtime=$(child runc "$pid")
ok $((${#runtime} == 0)) "the runtime runs in the foreground (pid $runtime)"
kill -STOP "$runtime"
kill -TERM "$pid"
wait $guard
is "$?" 143 "with the runtime stopped, SIGTERM still ends the run with 143"
like "$(cat "$TMP/err")" "has not ended the container; killing its processes and runc" "it says why it kills the runtime"
is "$(everything_left "$pid")" "" "nothing is left of the hung runtime's run"
kill -0 "$runtime" 2>/dev/null
ok $((!$?)) "the stopped runtime is gone"

# Ctrl-C while ctrun prepares the root file system: the group's SIGINT also
# kills its ldd helper (here one that takes its time), and the stop is the
# cause that ctrun gives, not "ldd failed" (found by the soak).
mkdir -p "$TMP/slowbin"
printf '#!/bin/sh\nsleep 3\nexec /usr/bin/ldd "$@"\n' >"$TMP/slowbin/ldd"
chmod +x "$TMP/slowbin/ldd"
PATH="$TMP/slowbin:$PATH" setsid timeout 60 "$CTRUN" run -- true >/dev/null 2>"$TMP/err" &
guard=$!
sleep 1
kill -INT -- -"$guard"
wait $guard
is "$?" 130 "SIGINT to the group during start-up ends ctrun with 130"
grep -q "cannot build the root file system" "$TMP/err"
is "$?" 1 "the stop, not the killed ldd, is named"

# Too few open files: runc would hang (20) or fail (below 4096); one message instead.
(ulimit -n 20; exec timeout 60 "$CTRUN" run --net -- true) >/dev/null 2>"$TMP/err"
is "$?" 71 "an open-files limit of 20 is a resource error (71), not a hang"
like "$(cat "$TMP/err")" "^ctrun: too few open files allowed: the hard limit is 20 .*ulimit -n 4096" "one clear message"
exit $TAP_FAILED
