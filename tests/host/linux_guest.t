#!/usr/bin/env bash
# lwvmm run --kernel: an unmodified Linux kernel as the guest (lwvmm/linux_vm.c).
# Where the host's KVM is PVM (these development hosts) it is refused at once
# with the reason; in the lab (SVM) Debian's cloud kernel boots with a one-file
# initramfs (tests/lab/linux_init.c) to /init and back out, and the status /init
# writes to lwvmm's exit port becomes lwvmm's. 2 vCPUs: tests/host/linux_smp.t.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "no usable /dev/kvm"
KERNEL=$ROOT/build/lab/guest-vmlinuz
INITRD=$ROOT/build/lab/linux-initrd.cpio
flavour=$("$LWVMM" info | sed -n 's/^flavour: //p')

if [ "$flavour" != SVM ] && [ "$flavour" != VMX ]; then
	plan 5
	run_vm run --kernel "$LWVMM"
	is "$RC" 69 "--kernel on a $flavour host: exit 69"
	like "$ERR" "^lwvmm: --kernel: Linux guests need VMX or SVM; this host's KVM is $flavour" \
		"with the reason in one line"
	run_vm run --kernel "$TMP/none"
	is "$RC" 64 "a --kernel that does not exist is a usage error, checked first"
	run_vm run --kernel "$LWVMM" --cpus 2
	is "$RC" 69 "--kernel --cpus 2 on a $flavour host: refused for the same reason (69)"
	run_vm run --append quiet
	is "$RC" 64 "--append without --kernel: exit 64"
	exit $TAP_FAILED
fi

[ -r "$KERNEL" ] && [ -r "$INITRD" ] || skip_all "no guest kernel or initrd in build/lab (tests/lab/prepare)"
plan 16
run_vm run --kernel "$KERNEL" --initrd "$INITRD" --mem 256M --timeout 200 --stats-json "$TMP/s.json" \
	--append lwvmm.status=7
is "$RC" 7 "the status /init writes to port 0x501 is lwvmm's exit status"
like "$OUT" "lwvmm-linux-init: up, pid 1, kernel command line: .*lwvmm.status=7" \
	"the kernel booted to /init, which wrote to the serial console"
like "$OUT" "Linux version [0-9]" "the kernel's own messages came out of the 8250 console"
is "$(jq -r '.guest, .ended_by, .exit_status' "$TMP/s.json" | tr '\n' ' ')" "linux exit-port 7 " \
	"--stats-json: a Linux guest, ended through the exit port with 7"
# RAM: anonymous (huge pages where the host allows), the guest's pages counted by
# mincore, lwvmm's own memory the rest of its RSS (the issue's bound: 4 MiB)
is "$(jq -r '[.mem_backing, (.guest_rss_kib > 16384), (.own_rss_kib > 0 and .own_rss_kib < 4096)] | @text' \
	"$TMP/s.json")" '["anon",true,true]' \
	"guest RAM anonymous by default; resident guest RAM and lwvmm's own memory told apart ($(jq -c '[.guest_rss_kib, .own_rss_kib]' "$TMP/s.json"))"
# lwvmm/i8042.c: without a controller that answers, the driver's probe polls the
# status port some 10,000 times (an exit each) and logs "Can't read CTR"
i8042_log=$(grep -o 'i8042: .*' <<<"$OUT" | tr -d '\r' | tr '\n' ';')
ok "$(grep -q "Can't read CTR\|No controller found\|Keylock active" <<<"$OUT"; [ $? = 1 ]; echo $?)" \
	"the kernel's i8042 driver found the keyboard controller at once ($i8042_log)"
# x86_setup_xcr0: KVM's XCR0 and CPUID's XSAVE size agree from the start (see x86.h)
ok "$(grep -q "XSAVE consistency problem" <<<"$OUT"; [ $? = 1 ]; echo $?)" \
	"no XSAVE consistency warning at boot ($(grep -o 'x86/fpu: Enabled.*' <<<"$OUT" | tr -d '\r'))"
like "$OUT" "lwvmm-linux-init: 1 processors in /proc/cpuinfo" "one vCPU: the guest lists one processor"
# seccomp.c: the whole run, boot to exit port, under the Linux path's one filter
is "$(jq -r '[.seccomp.enabled, (.seccomp.calls.linux > 20), .seccomp.no_new_privs] | @text' "$TMP/s.json")" \
	'[true,true,true]' "the run was confined: a seccomp filter ($(jq -c .seccomp.calls "$TMP/s.json")), no_new_privs"
# (status 5 if the call went through: the guest would boot and write it)
LWVMM_SECCOMP_SELFTEST=linux run_vm run --kernel "$KERNEL" --initrd "$INITRD" --timeout 60 \
	--append "quiet lwvmm.status=5"
is "$RC" 70 "a call outside the filter (LWVMM_SECCOMP_SELFTEST=linux: a socket) ends the run with 70"
like "$ERR" "seccomp: a thread of a Linux guest's monitor made the system call socket" "naming the call"
# (quiet: the kernel's log is most of the exits, and the lab's TCG makes each one slow)
run_vm run --kernel "$KERNEL" --initrd "$INITRD" --timeout 200 --append "quiet lwvmm.reboot"
is "$RC" 70 "a reboot without a status written ends the run with 70"
like "$ERR" "reset itself \\(reboot\\) without writing its exit status" "and says so"
run_vm run --kernel "$KERNEL" --initrd "$INITRD" --timeout 15 --append "quiet lwvmm.hang"
is "$RC" 124 "--timeout ends a guest that never ends (124)"
run_vm run --kernel "$LWVMM" --timeout 60
is "$RC" 64 "a file that is not a bzImage: exit 64"
like "$ERR" "not a bzImage" "with the reason"
exit $TAP_FAILED
