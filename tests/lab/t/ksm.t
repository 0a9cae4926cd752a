#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions below run through check()
# Inside the lab: KSM can be switched on, and then merges identical pages.
set -euo pipefail
. "$(dirname "$0")/tap.sh"
ksm=/sys/kernel/mm/ksm

switch_on() {
	echo 1000 >"$ksm/pages_to_scan"
	echo 20 >"$ksm/sleep_millisecs"
	echo 1 >"$ksm/run"
	[ "$(cat "$ksm/run")" = 1 ]
}

echo "1..4"
check "$ksm exists" test -d "$ksm"
check "KSM switches on (run = 1)" switch_on
check "ksmd is running" bash -c 'grep -qx ksmd /proc/[0-9]*/comm'
check "identical mergeable pages get merged" ksm_probe 120
done_testing
