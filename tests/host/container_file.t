#!/usr/bin/env bash
# ctrun --file: the io cells' backing file inside the container, so that fio
# there runs on the very file the VM's disk and native fio use.
. "$(dirname "$0")/tap.sh"
require_ctrun
plan 6

dd if=/dev/zero of="$TMP/disk.img" bs=1M count=8 status=none
# The VM's writes (each 8-byte word its offset, --verify) where the host runs
# VMs; elsewhere the same word at offset 4096 written from here.
if kvm_usable; then
	writer="the VM"
	"$LWVMM" run --disk "$TMP/disk.img" --workload io -- --rw write --bs 1M --qd 2 --mib 8 --verify 1 >/dev/null
else
	writer="the host (no usable /dev/kvm for a VM)"
	perl -e 'open(my $f, "+<", $ARGV[0]) or die; seek($f, 4096, 0); print $f pack("Q<", 4096)' "$TMP/disk.img"
fi
# fio uses O_DIRECT unless told otherwise; tmpfs (the lab's /tmp) has none
direct=1
dd if=/dev/zero of="$TMP/probe" bs=4096 count=1 oflag=direct status=none 2>/dev/null || direct=0
OUT=$("$CTRUN" run --cpus 1 --mem 256M --file "$TMP/disk.img" -- /bin/workload io --file /scratch/file \
	--rw randread --bs 4k --qd 8 --mib 4 --direct $direct 2>"$TMP/err")
is "$?" 0 "fio runs in the container on the bound file"
is "$(field ok)" 1 "and reports its figures"
is "$(field requests)" 1024 "4 MiB in 4 KiB requests"
OUT=$("$CTRUN" run --cpus 1 --mem 64M --file "$TMP/disk.img" -- /bin/busybox od -An -tu8 -j 4096 -N 8 /scratch/file 2>>"$TMP/err")
like "$OUT" '^ *4096$' "the container sees what $writer wrote into the file"
"$CTRUN" run --cpus 1 --file relative.img -- /bin/true >/dev/null 2>"$TMP/err"
is "$?" 64 "a relative --file is a usage error"
like "$(cat "$TMP/err")" "give an absolute path" "saying what to give"
