#!/usr/bin/env bash
# build/bin/guestimg (bench/guestimg/): the Linux guest's initramfs for a
# kernel. On any host: its usage errors and missing inputs, and the image it
# builds for a made-up kernel (a bzImage header and a modules directory with
# modules.dep): the programs, /init, the modules in dependency order, cached by
# its inputs. Where the KVM is VMX or SVM (the lab), the image it builds for the
# lab's kernel boots under lwvmm: /init runs the command file, whose workload's
# result line and exit status come out of lwvmm.
. "$(dirname "$0")/tap.sh"
GUESTIMG=$ROOT/build/bin/guestimg
[ -x "$GUESTIMG" ] || skip_all "guestimg is not built"
command -v busybox >/dev/null || skip_all "busybox is not installed"
export GUESTIMG_CACHE=$TMP/cache
REL=9.9.9-guestimg-test

# A made-up bzImage: the "HdrS" boot header, the version string at 0x300.
fake_kernel() {
	head -c 1024 /dev/zero >"$1"
	printf 'HdrS' | dd of="$1" bs=1 seek=$((0x202)) conv=notrunc status=none
	printf '\x00\x01' | dd of="$1" bs=1 seek=$((0x20e)) conv=notrunc status=none
	printf '%s (test@example) #1 SMP\0' "$REL" | dd of="$1" bs=1 seek=$((0x300)) conv=notrunc status=none
}
fake_kernel "$TMP/vmlinuz"
MODS=$TMP/root/lib/modules/$REL
mkdir -p "$MODS/kernel/drivers/virtio" "$MODS/kernel/drivers/net" "$TMP/root/boot"
for m in virtio virtio_ring virtio_pci virtio_net virtio-console; do
	echo "module $m" >"$MODS/kernel/drivers/virtio/$m.ko"
done
cat >"$MODS/modules.dep" <<DEP
kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio.ko:
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
kernel/drivers/virtio/virtio_net.ko: kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
kernel/drivers/virtio/virtio-console.ko: kernel/drivers/virtio/virtio.ko
DEP
echo "kernel/drivers/block/virtio_blk.ko" >"$MODS/modules.builtin"
echo "CONFIG_RD_GZIP=y" >"$TMP/root/boot/config-$REL"

KERNEL=$ROOT/build/lab/guest-vmlinuz
BOOT=0
if kvm_usable && [ -r "$KERNEL" ]; then
	flavour=$("$LWVMM" info | sed -n 's/^flavour: //p')
	[ "$flavour" = SVM ] || [ "$flavour" = VMX ] && BOOT=1
fi
plan $((20 + BOOT * 4))
run_cmd "$GUESTIMG"
is "$RC|$ERR" "64|guestimg: --kernel BZIMAGE is required" "no --kernel: 64 with the reason"
run_cmd "$GUESTIMG" --kernel "$TMP/none"
like "$RC|$ERR" "^64\|guestimg: --kernel: .*/none: No such file" "a kernel that is not there: 64"
run_cmd "$GUESTIMG" --kernel "$GUESTIMG"
like "$RC|$ERR" "^64\|.*is not a bzImage" "a file that is not a bzImage: 64"
run_cmd "$GUESTIMG" --kernel "$TMP/vmlinuz" --modules "$TMP/nomods"
like "$RC|$ERR" "^69\|guestimg: no modules directory .*/nomods for kernel $REL$" \
	"a modules directory that is not there: 69, naming the kernel's release"
run_cmd "$GUESTIMG" --kernel "$TMP/vmlinuz"
like "$RC|$ERR" "^69\|guestimg: no modules directory /lib/modules/$REL .*--modules" \
	"the default one (/lib/modules/RELEASE) missing: 69, and how to give one"
mkdir -p "$TMP/empty" && : >"$TMP/empty/modules.dep"
run_cmd "$GUESTIMG" --kernel "$TMP/vmlinuz" --modules "$TMP/empty"
like "$RC|$ERR" "^69\|guestimg: kernel .* has no module virtio_pci \(neither built in nor in modules.dep\)" \
	"a kernel without virtio_pci: 69"
mkdir -p "$TMP/bin" && ln -s "$(command -v busybox)" "$TMP/bin/busybox"
for t in ldd gzip; do ln -s "$(command -v $t)" "$TMP/bin/$t"; done
run_cmd env PATH="$TMP/bin" "$GUESTIMG" --kernel "$TMP/vmlinuz" --modules "$MODS"
like "$RC|$ERR" "^69\|guestimg: fio is not installed" "a host program that is missing: 69, named"
run_cmd "$GUESTIMG" --kernel "$TMP/vmlinuz" --modules "$MODS" --programs workload,nosuch
like "$RC|$ERR" "^64\|guestimg: --programs: no program \"nosuch\"" "an unknown --programs name: 64"
run_cmd "$GUESTIMG" --kernel "$TMP/vmlinuz" --modules "$MODS" --compress lz4
is "$RC" 64 "an unknown --compress: 64"

printf 'workload cpu --size 16\nexit 3\n' >"$TMP/cmd"
run_cmd "$GUESTIMG" --kernel "$TMP/vmlinuz" --modules "$MODS" --programs workload --command "$TMP/cmd"
IMG=$OUT
like "$RC|$IMG" "^0\|$TMP/cache/initrd-$REL-[0-9a-f]{16}\.cpio\.gz$" \
	"an image for the kernel's release, gzip'ed as its config allows"
list=$(zcat "$IMG" | busybox cpio -t 2>/dev/null)
like "$list" "^init$" "it has /init"
ok "$(grep -qx bin/workload <<<"$list" && grep -qx bin/busybox <<<"$list" && grep -qx bin/sh <<<"$list"; echo $?)" \
	"the workload and busybox with its applets"
ok "$(grep -qx bin/fio <<<"$list"; [ $? = 1 ]; echo $?)" "and no program --programs left out"
libs_ok=0
for lib in $(ldd "$ROOT/build/bin/workload" | grep -o '/[^ ]*'); do
	grep -qx "${lib#/}" <<<"$list" || { libs_ok=1; diag "missing $lib"; }
done
ok $libs_ok "every library ldd names for the workload"
order=$(zcat "$IMG" | (cd "$TMP" && busybox cpio -i --to-stdout etc/guest-modules 2>/dev/null))
is "$(echo $order)" "/lib/modules/$REL/kernel/drivers/virtio/virtio_ring.ko /lib/modules/$REL/kernel/drivers/virtio/virtio.ko /lib/modules/$REL/kernel/drivers/virtio/virtio_pci.ko /lib/modules/$REL/kernel/drivers/virtio/virtio_net.ko /lib/modules/$REL/kernel/drivers/virtio/virtio-console.ko" \
	"the modules in load order from modules.dep, the built-in virtio_blk left out"
ok "$(grep -qx "lib/modules/$REL/kernel/drivers/virtio/virtio_pci.ko" <<<"$list"; echo $?)" \
	"with the module files at their paths"
is "$(zcat "$IMG" | (cd "$TMP" && busybox cpio -i --to-stdout etc/guest-command 2>/dev/null))" \
	"$(cat "$TMP/cmd")" "--command FILE is /etc/guest-command"
before=$(stat -c %Y.%i "$IMG")
sleep 1
run_cmd "$GUESTIMG" --kernel "$TMP/vmlinuz" --modules "$MODS" --programs workload --command "$TMP/cmd"
is "$OUT|$(stat -c %Y.%i "$IMG")" "$IMG|$before" "the same inputs: the cached image, not rebuilt"
echo "module virtio_pci v2" >"$MODS/kernel/drivers/virtio/virtio_pci.ko"
run_cmd "$GUESTIMG" --kernel "$TMP/vmlinuz" --modules "$MODS" --programs workload --command "$TMP/cmd" \
	--compress none
like "$RC|$OUT" "^0\|.*\.cpio$" "--compress none: an uncompressed cpio"
ok "$([ "$OUT" != "${IMG%.gz}" ]; echo $?)" "another input (a module changed): another image"

[ "$BOOT" = 1 ] || exit $TAP_FAILED
# The lab: its own kernel is the guest's, its /lib/modules holds the virtio modules.
run_cmd "$GUESTIMG" --kernel "$KERNEL" --programs workload --command "$TMP/cmd"
like "$RC|$OUT" "^0\|$TMP/cache/initrd-" "an image for the lab's kernel, its modules from /lib/modules"
# In the lab a Linux boot hangs now and then, one vCPU too (docs/host-notes.md,
# vm-linux; CI saw it here once, 200 s and no output): a hung boot (124; a good one
# takes about 10 s) is tried again, up to 3 times, each reported.
image=$OUT
for try in 1 2 3; do
	run_vm run --kernel "$KERNEL" --initrd "$image" --mem 256M --timeout 60 --append quiet
	[ "$RC" = 124 ] || break
	diag "boot, try $try: hung ($(grep -o 'vCPU [0-9] was at .*' <<<"$ERR" | tr '\n' ';'))"
done
is "$RC" 3 "booted under lwvmm, the command file's exit status is lwvmm's"
like "$(field workload)|$(field ok)" "^cpu\|1$" "the workload ran in the guest and its result line came out"
like "$OUT" "guest-init: exit status 3 through port 0x501" "/init reported the status through the exit port"
exit $TAP_FAILED
