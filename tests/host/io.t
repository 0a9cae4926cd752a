#!/usr/bin/env bash
# Block I/O through the shared rings and the trap-and-emulate registers:
# data reaches the guest and the host file intact, read-only disks refuse
# writes, and a hostile front end gets errors or a broken device, never a
# crashed or hung monitor.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
plan 34

# A 16 MiB image whose every 512-byte sector starts with its own offset (the
# pattern of --verify), written by the guest itself through the ring.
dd if=/dev/zero of="$TMP/stamped.img" bs=1M count=16 status=none
"$LWVMM" run --disk "$TMP/stamped.img" --workload io -- --rw write --bs 1M --qd 4 --mib 16 --verify 1 >/dev/null

# sector_stamp FILE OFFSET: the first 8 bytes of that sector, as a number.
sector_stamp() { od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '; }

for mode in ring mmio; do
	run_vm run --disk "$TMP/stamped.img" --workload io -- --rw randread --bs 4k --qd 16 --mib 4 --verify 1 --mode "$mode"
	is "$RC" 0 "$mode: random reads exit 0"
	is "$(field ok)" 1 "$mode: every block read back carries its own offset"
	is "$(field requests)" 1024 "$mode: 4 MiB in 4 KiB requests"
done
is "$(field trap_and_emulate)" 1 "mmio mode says so"
is "$(field mmio_exits)" 5120 "trap-and-emulate: five register exits per request"

if dd if="$TMP/stamped.img" iflag=direct of=/dev/null bs=4k count=1 status=none 2>/dev/null; then
	run_vm run --disk "$TMP/stamped.img,direct" --workload io -- --rw read --bs 1M --qd 8 --mib 16 --verify 1
	is "$(field ok)" 1 "O_DIRECT sequential 1 MiB reads verify"
else
	run_vm run --disk "$TMP/stamped.img,direct" --workload io
	is "$RC" 64 "where the file system has no O_DIRECT, --disk ...,direct is refused"
fi

# Writes from the guest land in the host file.
dd if=/dev/zero of="$TMP/blank.img" bs=1M count=8 status=none
run_vm run --disk "$TMP/blank.img" --workload io -- --rw write --bs 64k --qd 4 --mib 8 --verify 1
is "$(field ok)" 1 "sequential writes complete"
bad=0
for off in 0 512 65536 1048576 4194304 8388096; do
	[ "$(sector_stamp "$TMP/blank.img" "$off")" = "$off" ] || bad=1
done
ok $bad "the host file holds what the guest wrote, sector by sector"
for mode in ring mmio; do
	run_vm run --disk "$TMP/blank.img" --workload io -- --rw write --bs 64k --qd 4 --mib 8 --verify 1 --fsync 4 --mode "$mode"
	is "$(field ok)/$(field flushes)" "1/31" "$mode: writes with a flush after every 4 (fio's fsync=4)"
done
# fio (psync) flushes after the first of two writes with fsync=1, not before a write
run_vm run --disk "$TMP/blank.img" --workload io -- --rw write --bs 512k --qd 1 --mib 1 --verify 1 --fsync 1
is "$(field ok)/$(field flushes)" "1/1" "two writes with fsync=1: one flush, after the first write"
cp "$TMP/blank.img" "$TMP/native.img"
OUT=$("$WORKLOAD" io --file "$TMP/native.img" --rw write --bs 64k --qd 1 --mib 8 --direct 0 --fsync 4)
is "$(field ok)/$(field flushes)" "1/31" "natively fio's syncs are counted: the same 31"
run_vm run --disk "$TMP/blank.img,ro" --workload io -- --rw read --bs 64k --qd 4 --mib 8 --verify 1
is "$(field ok)" 1 "a read-only disk reads back the guest's writes"
run_vm run --disk "$TMP/blank.img,ro" --workload io -- --rw write
is "$RC" 2 "a write workload on a read-only disk is refused"
like "$OUT" 'read-only' "and says why"

run_vm run --workload io
is "$RC" 2 "io without --disk exits 2"
like "$OUT" 'no disk 0' "and names the missing disk"

run_vm run --disk "$TMP/none.img" --workload io
is "$RC" 64 "a missing disk file is a usage error"
like "$ERR" 'none.img: No such file or directory' "naming the file"
run_vm run --disk "$TMP/stamped.img,fast" --workload io
is "$RC" 64 "an unknown disk option is a usage error"
like "$ERR" "unknown option 'fast'" "naming the option"

# Hostile front ends.
for m in badbuf overlap lowbuf pastdisk; do
	run_vm run --disk "$TMP/stamped.img" --workload selftest -- --mode "ring-$m"
	is "$RC" 0 "ring-$m: the request is answered with an error (-EINVAL)"
done
run_vm run --disk "$TMP/stamped.img" --workload selftest -- --mode ring-overrun
is "$RC" 0 "a producer far ahead of the consumer: the guest sees the device broken"
like "$ERR" 'marked broken: the request producer ran more than' "the monitor names the violation"
run_vm run --disk "$TMP/stamped.img" --workload selftest -- --mode ring-badattach
is "$RC" 70 "a ring outside guest RAM is a guest fault"
like "$ERR" 'attaching device 2: ring .* outside guest RAM' "naming the ring"
run_vm run --timeout 1 --stats-json "$TMP/flood.json" --disk "$TMP/stamped.img" --workload selftest -- --mode ring-flood
is "$RC" 124 "requests that never stop: the monitor stays in control and the timeout ends the run"
jq -e '.devices[1].requests > 0 and .devices[1].errors == 0' "$TMP/flood.json" >/dev/null
ok $? "the flood was served, without errors, until the end"
