#!/usr/bin/env bash
# The monitor's confinement (lwvmm/seccomp.c): every device kind runs under
# the filters; the kernel shows each thread's filters, no_new_privs and no
# capabilities; a forbidden call (LWVMM_SECCOMP_SELFTEST, the debugging hook)
# ends lwvmm with status 70 and one message naming the thread kind and the
# call; --no-seccomp turns the filters off and --stats says which is in force.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
NET=0 AS_ROOT=0
[ "$(id -u)" -eq 0 ] && AS_ROOT=1
[ $AS_ROOT = 1 ] && [ -c /dev/net/tun ] && NET=1
plan $((30 + 5 * NET + AS_ROOT))

dd if=/dev/zero of="$TMP/disk.img" bs=1M count=4 status=none
IO=(--disk "$TMP/disk.img" --workload io -- --rw write --bs 64k --qd 4 --mib 1 --verify 1)

# Each device kind under the filters: the console, block rings, block
# trap-and-emulate, and the network device where a tap can be made.
run_vm run --stats --stats-json "$TMP/s.json" --workload cpu -- --size 64
is "$RC" 0 "console only: exits 0 under the filters"
like "$ERR" 'seccomp: vcpu [0-9]+ calls, backend [0-9]+, main [0-9]+ \(base [0-9]+\); no_new_privs; capabilities ' \
	"--stats says which filters are in force"
jq -e '.seccomp.enabled and .seccomp.calls.vcpu > 0 and .seccomp.calls.backend > 0 and
	.seccomp.calls.main > 0 and .seccomp.no_new_privs' "$TMP/s.json" >/dev/null
ok $? "--stats-json too"
if [ "$(id -u)" -eq 0 ]; then
	like "$ERR" 'capabilities dropped$' "as root, the capabilities are dropped"
else
	like "$ERR" 'capabilities none held$' "not root: no capabilities to drop"
fi
# The lists nest as the threads are created: a back end's filter is inside
# its vCPU's, each inside the base filter.
jq -e '.seccomp.calls | .backend < .vcpu and .vcpu < .base and .main < .base' "$TMP/s.json" >/dev/null
ok $? "each kind's list is narrower than the base filter, a back end's than its vCPU's"

run_vm run --stats-json "$TMP/s.json" "${IO[@]}" --mode ring
is "$RC/$(field ok)" 0/1 "block rings: the io workload verifies under the filters"
run_vm run --stats-json "$TMP/s.json" "${IO[@]}" --fsync 4 --mode mmio
is "$RC/$(field ok)" 0/1 "block trap-and-emulate with flushes, under the filters"
if [ $NET = 1 ]; then
	run_vm run --net tap --stats-json "$TMP/s.json" --workload selftest -- --mode net-arp
	is "$RC" 0 "network device: the ARP exchange runs under the filters"
	jq -e '.seccomp.enabled' "$TMP/s.json" >/dev/null
	ok $? "and they were in force"
fi

# What the kernel says of each thread while the guest floods its block ring
# (main, a vCPU, the block back end): filters stacked as designed, no
# capabilities, no_new_privs.
"$LWVMM" run --timeout 20 --disk "$TMP/disk.img" --workload selftest -- --mode ring-flood \
	>/dev/null 2>"$TMP/flood.err" &
pid=$!
threads() { # one line per lwvmm thread (not KVM's own): tid filters no_new_privs CapEff CapBnd
	local t
	for t in /proc/"$pid"/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = lwvmm ] || continue
		awk -v tid="${t##*/}" '/^Seccomp_filters:/ { f = $2 } /^NoNewPrivs:/ { n = $2 }
			/^CapEff:/ { e = $2 } /^CapBnd:/ { b = $2 } END { print tid, f, n, e, b }' "$t/status"
	done
}
for _ in $(seq 100); do [ "$(threads | wc -l)" -ge 3 ] && break; sleep 0.05; done
T=$(threads)
kill -INT "$pid"
wait "$pid"
is "$?" 130 "the flooding run ends at SIGINT (so the filters allow the way out)"
diag "$T"
is "$(awk -v p="$pid" '$1 == p { print $2 }' <<<"$T")" 2 "main thread: the base filter and its own"
is "$(awk -v p="$pid" '$1 != p && $2 == 2' <<<"$T" | wc -l)" 1 "the vCPU thread: the base filter and its own"
is "$(awk '$2 == 3' <<<"$T" | wc -l)" 1 "the back-end thread: its own inside its vCPU's inside the base"
is "$(awk '$3 != 1' <<<"$T" | wc -l)" 0 "every thread has no_new_privs"
is "$(awk '$4 != "0000000000000000"' <<<"$T" | wc -l)" 0 "no thread has an effective capability"
if [ "$(id -u)" -eq 0 ]; then
	is "$(awk '$5 != "0000000000000000"' <<<"$T" | wc -l)" 0 "as root, the bounding set is empty too"
else
	ok 0 "not root: the bounding set is not ours to empty # SKIP not root"
fi

# A forbidden call: each kind makes one that another kind may make.
forbidden() { # forbidden KIND LABEL CALL ARGS...
	local kind=$1 label=$2 call=$3
	shift 3
	LWVMM_SECCOMP_SELFTEST=$kind run_vm run --cpus 2 "$@"
	is "$RC" 70 "$kind: a forbidden call ends lwvmm with status 70"
	like "$ERR" "^lwvmm: seccomp: $label made the system call $call \\(number [0-9]+\\), which its filter forbids; lwvmm stops \\(exit 70\\)$" \
		"$kind: one message naming the thread kind and the call ($call)"
	is "$(grep -c '' <<<"$ERR")" 1 "$kind: that message is all lwvmm says"
}
forbidden main 'the main thread' ioctl "${IO[@]}"
forbidden vcpu 'a vCPU thread' openat "${IO[@]}"
forbidden backend 'a back-end thread' ioctl "${IO[@]}"
if [ $NET = 1 ]; then
	forbidden backend 'a back-end thread' ioctl --net tap --workload selftest -- --mode net-arp
fi

# The same calls without the filters do no harm: the filters are what ended
# those runs. --stats says the filters are off.
for kind in main vcpu backend; do
	LWVMM_SECCOMP_SELFTEST=$kind run_vm run --no-seccomp "${IO[@]}"
	is "$RC/$(field ok)" 0/1 "--no-seccomp: the $kind thread's call is made and the run completes"
done
run_vm run --no-seccomp --stats --stats-json "$TMP/s.json" --workload cpu -- --size 64
like "$ERR" 'seccomp: off \(--no-seccomp\); no_new_privs; capabilities ' "--stats says the filters are off"
jq -e '.seccomp.enabled == false and .seccomp.no_new_privs' "$TMP/s.json" >/dev/null
ok $? "--stats-json too"

# Root without capabilities may not create files in another user's directory:
# the --stats-json file is created before they are dropped.
if [ $AS_ROOT = 1 ]; then
	mkdir "$TMP/theirs" && chown nobody "$TMP/theirs" && chmod 755 "$TMP/theirs"
	run_vm run --stats-json "$TMP/theirs/s.json" --workload cpu -- --size 64
	jq -e '.seccomp.capabilities == "dropped"' "$TMP/theirs/s.json" >/dev/null
	ok $? "as root, --stats-json writes into a directory root may write only with CAP_DAC_OVERRIDE"
fi

LWVMM_SECCOMP_SELFTEST=kernel run_vm run --workload cpu
is "$RC" 64 "LWVMM_SECCOMP_SELFTEST with an unknown kind is refused"
like "$ERR" "LWVMM_SECCOMP_SELFTEST='kernel': give main, vcpu, backend, policy or linux" "and the message names the kinds"

exit $TAP_FAILED
