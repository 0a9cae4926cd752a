#!/usr/bin/env bash
# A run ended during start-up ends as any other: status 124 and the timeout's
# message, never a death by SIGUSR1 (issue 10, defect 3: vCPU threads were
# kicked before they had installed their handler; exit 138, no message).
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
N=10
plan $((2 * N + 3))

for i in $(seq $N); do
	run_vm run --timeout 1e-9 --workload cpu
	is "$RC" 124 "run $i, timeout before the first guest instruction: status 124"
	like "$ERR" 'timeout: the guest ran for more than' "run $i: the timeout is named"
done

# With 2 vCPUs the kick reaches a second thread that may not have started.
run_vm run --timeout 1e-9 --cpus 2 --workload cpu
is "$RC" 124 "2 vCPUs, timeout at start-up: status 124"
like "$ERR" 'timeout: the guest ran for more than' "2 vCPUs: the timeout is named"

# SIGTERM in the first milliseconds (SIGINT would be ignored: a background
# job of a script inherits SIG_IGN for it): 130 once lwvmm waits for it, 143
# if it lands before (a plain death by SIGTERM), never 138 (SIGUSR1).
# Each signal waits for the exec: one that lands while bash is still between
# fork and exec is caught by bash's own handler and lost (status 0).
exe=$(readlink -f "$LWVMM")
bad=""
for i in $(seq $N); do
	"$LWVMM" run --cpus 2 --workload cpu -- --size 3000 >/dev/null 2>&1 &
	pid=$!
	while [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" != "$exe" ] && kill -0 "$pid" 2>/dev/null; do :; done
	[ $((i % 2)) = 0 ] && sleep 0.00$i
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	[ "$rc" = 130 ] || [ "$rc" = 143 ] || bad+="run $i: $rc "
done
is "$bad" "" "SIGTERM at start-up, $N runs: status 130 (or 143 before lwvmm's main) each time"
