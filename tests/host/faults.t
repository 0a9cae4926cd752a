#!/usr/bin/env bash
# A misbehaving guest ends its run with a message naming the exit reason,
# the vCPU and the guest RIP, and status 70; a hung guest is ended by the
# timeout or by Ctrl-C; nothing is left behind.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
plan 18

fault() { # fault MODE REGEX
	run_vm run --cpus 2 --workload selftest -- --mode "$1"
	is "$RC" 70 "$1: guest fault status"
	like "$ERR" "guest fault on vCPU 0 at RIP 0x[0-9a-f]+ \\(exit reason [A-Z_]+\\): .*$2" "$1: message"
}
fault null 'triple fault'
fault ud2 'triple fault'
fault badcall 'unknown hypercall number 9999'
fault badbuf 'console write buffer .* outside guest RAM'
fault badrelease 'release of .*monitor'
fault badblock 'hypercall block at .* is not vCPU 0.s own block'
fault mmio 'neither RAM nor a doorbell'

run_vm run --timeout 0.3 --cpus 2 --workload selftest -- --mode hang
is "$RC" 124 "a hung guest ends at the timeout"
like "$ERR" 'timeout' "the timeout is named"

# The run carries a marker in its command line (selftest ignores the pair), so
# that anything it left behind (a process or thread of that run not reaped
# with it) can be found by name after wait has reaped lwvmm itself.
marker="faults-t-$$-$RANDOM"
"$LWVMM" run --cpus 2 --workload selftest -- --mode hang --marker "$marker" >/dev/null 2>"$TMP/int" &
pid=$!
sleep 0.3
kill -INT "$pid"
wait "$pid"
is "$?" 130 "SIGINT ends the run with status 130"
left=$(pgrep -af -- "$marker")
is "$left" "" "no lwvmm process outlives SIGINT"
