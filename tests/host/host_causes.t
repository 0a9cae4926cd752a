#!/usr/bin/env bash
# When the host runs short (file descriptors, space) or refuses a file, the
# monitor names the cause and exits with the status that fits: 71 for host
# resources, 64 for the user's own mistake (issue 10, defect 7: EMFILE came
# out as "no usable KVM" (69) or a "guest fault" (70), ENOSPC reached only
# the guest as EIO, an unwritable --stats-json exited 0 with an empty file,
# and an immutable disk said "Operation not permitted" and nothing more).
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
plan 19

skip() { # skip N REASON
	for _ in $(seq "$1"); do
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N # SKIP $2"
	done
}

# --- EMFILE: every limit from 3 file descriptors up to one that suffices ---
truncate -s 1M "$TMP/e.img"
bad="" msgs="" reached_ok=0
for n in $(seq 3 40); do
	(exec >/dev/null 2>"$TMP/emfile.err"; ulimit -n "$n"
	 exec "$LWVMM" run --disk "$TMP/e.img" --workload io -- --rw read --bs 4k --qd 1 --mib 1)
	rc=$?
	err=$(cat "$TMP/emfile.err")
	if [ "$rc" = 0 ]; then
		reached_ok=1
		break
	fi
	grep -q 'error while loading shared libraries' <<<"$err" && continue   # ld.so, before lwvmm
	msgs+="$err"$'\n'
	if [ "$rc" != 71 ] || ! grep -q 'EMFILE' <<<"$err"; then
		bad+="ulimit -n $n: status $rc: $err; "
	fi
done
is "$bad" "" "every run short of file descriptors ends with 71 and names EMFILE"
is "$reached_ok" 1 "with enough file descriptors the run succeeds"
like "$msgs" 'KVM_CREATE_VM: Too many open files \(EMFILE' "EMFILE at KVM_CREATE_VM is named (not 'no usable KVM')"
like "$msgs" 'io_uring_queue_init: Too many open files \(EMFILE' "EMFILE at io_uring set-up is named (not a guest fault)"
like "$msgs" 'KVM_IOEVENTFD for port [0-9]+: Too many open files \(EMFILE' "EMFILE at KVM_IOEVENTFD is named (not a guest fault)"

# --- --stats-json that cannot be written: refused before the run ---
run_vm run --stats-json "$TMP/no/such/dir/s.json" --workload cpu -- --size 16
is "$RC" 64 "--stats-json in a missing directory: status 64"
like "$ERR" "--stats-json $TMP/no/such/dir/s.json: No such file or directory" "naming the path and the cause"
is "$OUT" "" "the guest did not run"

if [ "$(id -u)" != 0 ]; then
	skip 11 "needs root (tmpfs mount, chattr)"
	exit 0
fi

# --- a full file system: a 1 MiB tmpfs under a 4 MiB sparse disk ---
mkdir "$TMP/small"
if mount -t tmpfs -o size=1M lwvmm-test "$TMP/small"; then
	trap 'umount "$TMP/small"; rm -rf "$TMP"' EXIT
	truncate -s 4M "$TMP/small/d.img"
	for mode in ring mmio; do
		rm -f "$TMP/small/d.img"
		truncate -s 4M "$TMP/small/d.img"
		run_vm run --stats-json "$TMP/s.json" --disk "$TMP/small/d.img" --workload io -- \
			--rw write --bs 64k --qd 4 --mib 4 --mode "$mode"
		like "$ERR" "disk $TMP/small/d.img: [0-9]+ writes failed with ENOSPC" "$mode: the disk that hit ENOSPC is named"
		jq -e '.devices[1].enospc > 0' "$TMP/s.json" >/dev/null
		ok $? "$mode: --stats-json counts the ENOSPC writes"
		is "$(field ok)" 0 "$mode: the guest got errors"
	done
	# --stats-json on the full file system: it opens, but cannot be written at the end.
	run_vm run --stats-json "$TMP/small/s.json" --workload cpu -- --size 16
	is "$RC" 71 "--stats-json that cannot be written at the end: status 71, not 0"
	like "$ERR" "cannot write --stats-json $TMP/small/s.json: No space left on device" "naming the cause"
else
	skip 8 "cannot mount a tmpfs here"
fi

# --- an immutable disk file ---
truncate -s 1M "$TMP/imm.img"
if chattr +i "$TMP/imm.img" 2>/dev/null; then
	run_vm run --disk "$TMP/imm.img" --workload cpu -- --size 16
	chattr -i "$TMP/imm.img"
	is "$RC" 64 "an immutable disk opened read-write: status 64"
	like "$ERR" "Operation not permitted \(the file is immutable or not writable; ,ro opens it read-only\)" "the message points at ,ro"
	chattr +i "$TMP/imm.img"
	run_vm run --disk "$TMP/imm.img,ro" --workload cpu -- --size 16
	chattr -i "$TMP/imm.img"
	is "$RC" 0 "with ,ro it opens"
else
	skip 3 "chattr +i does not work on $TMP"
fi
