#!/usr/bin/env bash
# lwvmm run --kernel with files that cannot boot: each gives one clear message
# and exit 64 before any guest runs (a truncated bzImage, one whose boot
# protocol is too old for the 64-bit entry, an initrd too large for --mem);
# an initrd that fits but leaves too little RAM to unpack it gets a warning.
# Linux guests need VMX or SVM: in the lab only (linux_guest.t checks the
# refusal on PVM hosts).
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "no usable /dev/kvm"
KERNEL=$ROOT/build/lab/guest-vmlinuz
flavour=$("$LWVMM" info | sed -n 's/^flavour: //p')
[ "$flavour" = SVM ] || [ "$flavour" = VMX ] || skip_all "Linux guests need VMX or SVM; this host's KVM is $flavour (the lab runs this)"
[ -r "$KERNEL" ] || skip_all "no guest kernel in build/lab (tests/lab/prepare)"
plan 9

one_error() { # one_error REGEX NAME: status 64 and exactly one line on stderr
	is "$RC" 64 "$2: exit 64"
	like "$ERR" "$1" "$2: the reason"
}

head -c "$(( $(stat -c %s "$KERNEL") - 4096 ))" "$KERNEL" >"$TMP/short"
run_vm run --kernel "$TMP/short" --timeout 60
one_error '^lwvmm: --kernel .*: the bzImage is truncated' "a bzImage missing its last 4 KiB"
is "$(wc -l <<<"$ERR")" 1 "a truncated bzImage: one line"

cp "$KERNEL" "$TMP/old"
printf '\x0b\x02' | dd of="$TMP/old" bs=1 seek=$((0x206)) conv=notrunc status=none   # protocol 2.11
run_vm run --kernel "$TMP/old" --timeout 60
one_error 'boot protocol 2.11 is too old' "boot protocol 2.11"

truncate -s 96M "$TMP/big.initrd"
run_vm run --kernel "$KERNEL" --initrd "$TMP/big.initrd" --mem 64M --timeout 60
one_error 'initrd .* does not fit .*give more --mem' "a 96 MiB initrd in 64 MiB of RAM"
is "$(wc -l <<<"$ERR")" 1 "an initrd too large: one line"
# one that fits but leaves too little to unpack it: a warning (linux_vm.c)
truncate -s 48M "$TMP/large.initrd"
run_vm run --kernel "$KERNEL" --initrd "$TMP/large.initrd" --mem 128M --timeout 60 --append quiet
like "$ERR" "lwvmm: warning: the initrd \(48 MiB\) is over a third of --mem \(128 MiB\).*give more --mem" \
	"a 48 MiB initrd in 128 MiB: a warning that unpacking it needs more"
exit $TAP_FAILED
