#!/usr/bin/env bash
# Every bad input gives one clear message and a non-zero status.
. "$(dirname "$0")/tap.sh"
[ -x "$LWVMM" ] || skip_all "lwvmm is not built ($LWVMM)"
plan 25

bad() { # bad STATUS REGEX ARGS...
	local want=$1 re=$2
	shift 2
	run_vm "$@"
	is "$RC" "$want" "lwvmm $*: status $want"
	like "$ERR" "$re" "lwvmm $*: message"
}
bad 64 "unknown workload 'nope'; known: cpu mem" run --workload nope
bad 64 "unknown or incomplete option '--bogus'" run --bogus --workload cpu
bad 64 "--cpus '0'" run --cpus 0 --workload cpu
bad 64 "--cpus 'x'" run --cpus x --workload cpu
bad 64 "--mem 'lots'" run --mem lots --workload cpu
bad 64 "--mem '3M': give a multiple of 2M" run --mem 3M --workload cpu
bad 64 "--workload NAME is required" run
bad 64 "unknown command 'fly'" fly
bad 71 "more than the host can give" run --mem 120G --workload cpu

# The rest needs a VM to start (or, for the permission case, a /dev/kvm to be
# refused): on a host without one each is skipped, said as such.
skip_n() {
	local i
	for ((i = 0; i < $1; i++)); do
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N # SKIP $2"
	done
}
# More vCPUs than usable CPUs runs (KVM time-shares them) but says so.
run_vm_pinned() { ERR=$(taskset -c 0 "$LWVMM" "$@" 2>&1 >/dev/null); RC=$?; }
if kvm_usable; then
	run_vm_pinned run --cpus 2 --workload cpu -- --size 16
	is "$RC" 0 "2 vCPUs pinned to one CPU: the run succeeds"
	like "$ERR" "warning: 2 vCPUs on 1 usable host CPU: they take turns" "2 vCPUs on one CPU: the warning"
	run_vm_pinned run --cpus 1 --workload cpu -- --size 16
	is "$ERR" "" "1 vCPU on one CPU: no warning"
else
	skip_n 3 "/dev/kvm is missing or not usable here"
fi

if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
	unshare -m sh -c "mount -t tmpfs none /dev && exec '$LWVMM' run --workload cpu" >/dev/null 2>"$TMP/err"
	is "$?" 69 "no /dev/kvm: status 69"
	like "$(cat "$TMP/err")" '/dev/kvm does not exist' "no /dev/kvm: message"
	if [ -c /dev/kvm ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$LWVMM" run --workload cpu >/dev/null 2>"$TMP/err"
		is "$?" 69 "no permission on /dev/kvm: status 69"
		like "$(cat "$TMP/err")" 'cannot open /dev/kvm: Permission denied' "no permission: message"
	else
		skip_n 2 "this host has no /dev/kvm to be refused"
	fi
else
	skip_n 4 "needs root and unshare to hide /dev/kvm"
fi
