#!/usr/bin/env bash
# lwvmm exits with the workload's status; --stats and --stats-json report
# exits by reason and the time in guest and monitor.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
plan 16

for s in 0 1 7 63; do
	run_vm run --workload selftest -- --mode exit --status "$s"
	is "$RC" "$s" "guest exit status $s propagates"
done

run_vm run --stats --workload cpu -- --size 64
is "$RC" 0 "--stats run exits 0"
like "$ERR" 'exit reason +count +monitor time' "--stats prints the exit table"
like "$ERR" 'MMIO +[0-9]+' "--stats counts MMIO (doorbell) exits"
like "$ERR" 'in guest [0-9.]+ s, in monitor [0-9.]+ s' "--stats prints guest and monitor time"
like "$ERR" 'device_attach +1' "--stats counts hypercalls by number"
like "$ERR" 'console: [0-9]+ bytes in [0-9]+ slots, 0 kicks' "console output went through its ring without a single kick"
like "$ERR" 'lwvmm stats: (PVM|VMX|SVM)' "--stats names the virtualization flavour"

run_vm run --stats-json "$TMP/s.json" --workload hypercall -- --iters 100
# 100 single null calls plus 3 batches of 32: every call of a batch counts, the batch exits once.
jq -e '.exits.MMIO >= 103 and .hypercalls.null == 196 and .hypercall_exits < 110 and .guest_s > 0 and .startup_ms > 0' "$TMP/s.json" >/dev/null
ok $? "--stats-json holds exits, hypercalls (batched ones too), times"
jq -e '.monitor_rss_kib > 0 and .peak_rss_kib >= .guest_touched_kib' "$TMP/s.json" >/dev/null
ok $? "--stats-json holds the monitor's memory"
jq -e '(.kvm | type) == "object" and (.devices | length) >= 1' "$TMP/s.json" >/dev/null
ok $? "--stats-json holds the devices and KVM's in-kernel counters"

run_vm info
like "$OUT" '^flavour: (PVM|VMX|SVM)' "lwvmm info names the flavour"
want=${LWVMM_EXPECT_FLAVOUR:-}
if [ -z "$want" ]; then
	if [ -d /sys/module/kvm_pvm ]; then want=PVM
	elif grep -qw svm /proc/cpuinfo; then want=SVM
	elif grep -qw vmx /proc/cpuinfo; then want=VMX
	fi
fi
like "$OUT" "^flavour: $want" "the flavour is the host's ($want)"
