#!/usr/bin/env bash
# lwvmm run --kernel ... --disk FILE[,ro]: virtio-blk over virtio-pci, served by
# the block back end (pv-drivers/virtio_blk.c). On a PVM host the options are
# taken (only --kernel itself is refused there, 69); in the lab (SVM) a guestimg
# image boots with a disk: a sector written through /dev/vda is in the image
# file afterwards, and the same disk given ,ro refuses the guest's writes while
# its reads still work.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "no usable /dev/kvm"
GUESTIMG=$ROOT/build/bin/guestimg
KERNEL=$ROOT/build/lab/guest-vmlinuz
flavour=$("$LWVMM" info | sed -n 's/^flavour: //p')
export GUESTIMG_CACHE=$TMP/cache
truncate -s 8M "$TMP/disk.img"

if [ "$flavour" != SVM ] && [ "$flavour" != VMX ]; then
	plan 3
	run_vm run --kernel "$LWVMM" --disk "$TMP/disk.img"
	is "$RC" 69 "--kernel with --disk on a $flavour host: the disk is accepted, the host is not (69)"
	run_vm run --kernel "$LWVMM" --net tap
	like "$RC|$ERR" "^64\|.*--net is not built yet for Linux guests" "--net with --kernel: 64, with the reason"
	run_vm run --kernel "$LWVMM" --disk "$TMP/disk.img" --disk "$TMP/disk.img" --disk "$TMP/disk.img" \
		--disk "$TMP/disk.img" --disk "$TMP/disk.img"
	like "$RC|$ERR" "^64\|.*at most 4 --disk" "a fifth --disk: 64"
	exit $TAP_FAILED
fi

[ -r "$KERNEL" ] && [ -x "$GUESTIMG" ] || skip_all "no guest kernel or guestimg (tests/lab/prepare)"
plan 8
# Sector 1 gets the marker (dd through the page cache, then fsync); the status is 3 when done.
cat >"$TMP/write" <<'SH'
echo lwvmm-virtio-blk-marker | dd of=/dev/vda bs=512 seek=1 count=1 conv=sync,fsync || exit 1
grep -q lwvmm-virtio-blk-marker /dev/vda || exit 2
exit 3
SH
cat >"$TMP/ro" <<'SH'
echo "vda-ro=$(cat /sys/block/vda/ro)"
dd if=/dev/vda bs=512 skip=1 count=1 2>/dev/null | grep -q lwvmm-virtio-blk-marker || exit 2
echo overwrite | dd of=/dev/vda bs=512 seek=1 count=1 conv=sync,fsync && exit 1
exit 4
SH
run_cmd "$GUESTIMG" --kernel "$KERNEL" --programs workload --command "$TMP/write"
img_w=$OUT
run_cmd "$GUESTIMG" --kernel "$KERNEL" --programs workload --command "$TMP/ro"
img_ro=$OUT
ok "$([ -r "$img_w" ] && [ -r "$img_ro" ]; echo $?)" "guest images with the virtio modules ($img_w)"

run_vm run --kernel "$KERNEL" --initrd "$img_w" --mem 256M --timeout 200 --disk "$TMP/disk.img" \
	--append quiet --stats-json "$TMP/w.json"
[ "$RC" = 3 ] || diag "$(grep -ai 'pci\|virtio\|vda\|guest-init\|irq\|error' <<<"$OUT" | tail -n 40)"
is "$RC" 3 "the guest wrote a sector to /dev/vda and read it back (status 3; $(tail -n 3 <<<"$ERR" | tr '\n' ' '))"
ok "$(dd if="$TMP/disk.img" bs=512 skip=1 count=1 status=none | grep -q lwvmm-virtio-blk-marker; echo $?)" \
	"the sector is in the image file afterwards"
is "$(jq -r '.devices[0] | [.transport, (.backend.requests > 0), (.backend.bytes >= 512), (.interrupts > 0)] | @text' \
	"$TMP/w.json")" '["virtio-pci",true,true,true]' \
	"--stats-json: the disk's requests went through the one block back end, with interrupts ($(jq -c '.devices[0] | [.backend.requests, .backend.bytes, .interrupts, .backend.kicks]' "$TMP/w.json"): requests, bytes, interrupts, kicks)"

cp "$TMP/disk.img" "$TMP/before.img"
run_vm run --kernel "$KERNEL" --initrd "$img_ro" --mem 256M --timeout 200 --disk "$TMP/disk.img,ro" --append quiet
[ "$RC" = 4 ] || diag "$(tail -n 15 <<<"$OUT")"
is "$RC" 4 "a ,ro disk: the guest reads it and its write fails (status 4)"
like "$OUT" "vda-ro=1" "the guest's kernel sees the disk read-only (VIRTIO_BLK_F_RO)"
ok "$(cmp -s "$TMP/disk.img" "$TMP/before.img"; echo $?)" "the image file is unchanged"

run_vm run --kernel "$KERNEL" --initrd "$img_w" --mem 256M --timeout 60 --disk "$TMP/none.img"
like "$RC|$ERR" "^64\|lwvmm: --disk $TMP/none.img: No such file" "a --disk that does not exist: 64, named"
exit $TAP_FAILED
