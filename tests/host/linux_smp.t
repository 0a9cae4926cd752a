#!/usr/bin/env bash
# lwvmm run --kernel --cpus 2 (lab tier; ACPI tables, lwvmm/linux_acpi.c):
# Linux brings up both vCPUs, /init lists 2 processors, and the status it
# writes from its second CPU ends the run. Its own
# file, so that its retries (below) have the lab's job time to themselves.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "no usable /dev/kvm"
KERNEL=$ROOT/build/lab/guest-vmlinuz
INITRD=$ROOT/build/lab/linux-initrd.cpio
flavour=$("$LWVMM" info | sed -n 's/^flavour: //p')
[ "$flavour" = SVM ] || [ "$flavour" = VMX ] ||
	skip_all "Linux guests need VMX or SVM, this host's KVM is $flavour (tests/host/linux_guest.t checks the refusal)"
[ -r "$KERNEL" ] && [ -r "$INITRD" ] || skip_all "no guest kernel or initrd in build/lab (tests/lab/prepare)"
plan 4

# boot2 APPEND [ARGS...]: a 2-vCPU boot. In the lab (QEMU TCG, nested SVM)
# 2-vCPU guests hang early in about 1 boot of 4, QEMU's own -smp 2 guests as
# well (docs/host-notes.md): one vCPU halted with interrupts off in the
# paravirtual spinlock wait (native_halt) and never woken, the other idle or
# waiting on it: a lost wake-up in the nested lab. There lwvmm is pinned to one
# lab CPU, which makes it rarer, and a boot that hangs (124; a good one takes
# 5-11 s) is tried again, up to 4 times, each hang reported with where the
# vCPUs stood.
boot2() {
	local append=$1 pin=() try
	shift
	[ -n "${LWVMM_LAB:-}" ] && pin=(taskset -c 0)
	for try in 1 2 3 4; do
		run_cmd "${pin[@]}" "$LWVMM" run --kernel "$KERNEL" --initrd "$INITRD" --cpus 2 --timeout 25 \
			--append "$append" "$@"
		[ "$RC" = 124 ] || return 0
		diag "2-vCPU boot, try $try: hung ($(grep -o 'vCPU [0-9] was at .*' <<<"$ERR" | tr '\n' ';'))"
	done
}

boot2 "quiet lwvmm.status=cpus lwvmm.oncpu=1" --stats-json "$TMP/s2.json"
is "$RC" 2 "--cpus 2: /init counted 2 processors and wrote 2 to the exit port"
like "$OUT" "lwvmm-linux-init: 2 processors in /proc/cpuinfo" "the guest lists 2 processors"
like "$OUT" "lwvmm-linux-init: on CPU 1" "and wrote the status from CPU 1"
is "$(jq -r '[.vcpus, .ended_by] | @text' "$TMP/s2.json" 2>/dev/null)" '[2,"exit-port"]' \
	"--stats-json: 2 vCPUs, the run ended by the exit port (the other vCPU's thread joined)"
# Not here: a reboot from the second CPU of a 2-vCPU guest. In the full lab run it
# hung in every try in 2 fresh-clone CI runs of 4 (8 of 32 boots alone; docs/host-notes.md);
# `lwvmm run --kernel ... --cpus 2 --append "quiet lwvmm.reboot lwvmm.oncpu=1"` by hand.
exit $TAP_FAILED
