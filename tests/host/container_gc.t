#!/usr/bin/env bash
# What a SIGKILLed ctrun leaves, and who sweeps it: a root file system build
# (CACHE/rootfs-HASH.tmp-PID) goes at the next ctrun run or `ctrun gc`; a
# running container's container, cgroups, netns, veth and bundle at the next
# run or `ctrun gc`.
. "$(dirname "$0")/tap.sh"
require_ctrun
plan 7
export CTRUN_CACHE=$TMP/cache

# killed_build: a ctrun SIGKILLed while it builds the root file system into a
# fresh cache; 0 when it was caught in the build (its .tmp-PID is left).
killed_build() {
	local pid
	for _ in 1 2 3 4 5; do
		rm -rf "$CTRUN_CACHE"
		"$CTRUN" run -- true >/dev/null 2>&1 &
		pid=$!
		for _ in $(seq 500); do
			compgen -G "$CTRUN_CACHE/rootfs-*.tmp-$pid" >/dev/null && break
			sleep 0.01
		done
		kill -KILL $pid 2>/dev/null
		wait $pid 2>/dev/null
		compgen -G "$CTRUN_CACHE/rootfs-*.tmp-$pid" >/dev/null && return 0
	done
	return 1   # the build always ended before we saw it
}

killed_build
ok $? "a ctrun SIGKILLed in its first build leaves rootfs-HASH.tmp-PID"
"$CTRUN" gc >"$TMP/out" 2>&1
is "$(compgen -G "$CTRUN_CACHE/*.tmp-*")" "" "ctrun gc removes it"
like "$(cat "$TMP/out")" "removed 1 unfinished root file system builds" "and says so"

killed_build
ok $? "another one, killed in its build"
"$CTRUN" run -- true >/dev/null 2>&1
is "$(compgen -G "$CTRUN_CACHE/*.tmp-*")" "" "the next ctrun run removes it"

# A ctrun SIGKILLed while its container runs with its own network.
"$CTRUN" run --net -- sleep 30 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do runc list -q 2>/dev/null | grep -qx "vmb-$pid" && break; sleep 0.1; done
kill -KILL $pid
wait $pid 2>/dev/null
isnt_empty=$(leftovers "$pid")
ok $((${#isnt_empty} == 0)) "a SIGKILLed ctrun leaves its container and network ($isnt_empty)"
"$CTRUN" gc >/dev/null 2>&1
is "$(leftovers "$pid")" "" "ctrun gc removes the container, cgroups, netns, veth and bundle"
exit $TAP_FAILED
