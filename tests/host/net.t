#!/usr/bin/env bash
# The net workload end to end: lwIP in the built-in guest talks TCP through
# the network rings and a tap device to a real host-side peer (netpeer), in a
# network namespace made for the test: stream with an exact byte count from
# the peer, request/response with every echo checked, the error paths, bad
# --net input, and that no tap device, peer or namespace outlives a run,
# also under vmbench and when vmbench is interrupted.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
[ -c /dev/net/tun ] || skip_all "/dev/net/tun is missing"
[ "$(id -u)" -eq 0 ] || skip_all "a tap device and a network namespace need root"
command -v unshare >/dev/null && command -v nsenter >/dev/null ||
	skip_all "unshare and nsenter (util-linux) are needed"
unshare --net true 2>/dev/null || skip_all "cannot create a network namespace here"
NETPEER=$ROOT/build/bin/netpeer
VMBENCH=$ROOT/build/bin/vmbench
plan 44

netns_users() { # how many processes are in network namespace $1 (an ns:[inode] link)
	local n=0 p
	for p in /proc/[0-9]*/ns/net; do
		[ "$(readlink "$p" 2>/dev/null)" = "$1" ] && n=$((n + 1))
	done
	echo "$n"
}
host_taps() { ip -o link show 2>/dev/null | grep -c 'lwvmm[0-9]'; }
peers() { # netpeer processes (no pgrep in the lab's busybox image)
	local n=0 c
	for c in /proc/[0-9]*/comm; do [ "$(cat "$c" 2>/dev/null)" = netpeer ] && n=$((n + 1)); done
	echo "$n"
}
# wait_log REGEX: the peer logs a connection when it closes, which may come
# a moment after the workload has finished (slowly, under the lab's TCG).
wait_log() {
	for _ in $(seq 100); do grep -Eq -- "$1" "$TMP/peer.log" 2>/dev/null && break; sleep 0.1; done
	cat "$TMP/peer.log"
}

taps_before=$(host_taps)
peers_before=$(peers)

# The peer in a namespace of its own; lwvmm joins it (nsenter), creates its tap there.
unshare --net "$NETPEER" --port 0 --idle-timeout 300 >"$TMP/peer.out" 2>"$TMP/peer.log" &
PEER=$!
for _ in $(seq 50); do grep -q listening "$TMP/peer.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$TMP/peer.out")
NS=$(readlink /proc/$PEER/ns/net)
like "$PORT" '^[0-9]+$' "netpeer listens on a free port in its namespace"

run_ns() { # run_ns LWVMM-ARGS...: lwvmm inside the peer's namespace
	nsenter --net=/proc/$PEER/ns/net "$ROOT/build/bin/lwvmm" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

run_ns run --net tap --stats-json "$TMP/s.json" --workload net -- --mode stream --mib 32 --port "$PORT"
is "$RC" 0 "stream: exits 0"
is "$(field ok)" 1 "stream: ok"
is "$(field bytes)" 33554432 "stream: 32 MiB sent"
is "$(field peer_bytes)" 33554432 "stream: the peer counted exactly what was sent"
like "$(wait_log 'sink from 10\.201\.0\.2:[0-9]+: 33554432 bytes')" 'sink from 10\.201\.0\.2:[0-9]+: 33554432 bytes' "the peer saw the guest's address and the bytes"
awk -v f="$(field tx_frames)" -v k="$(field kicks)" 'BEGIN { exit !(k > 0 && f / k > 1) }'
ok $? "stream: more than one transmit frame per kick ($(field tx_frames_per_kick))"
jq -e '.devices[] | select(.type == "net") | .mtu == 65521 and .offload and .errors == 0 and .tx_bytes > 1514 * .tx_frames' "$TMP/s.json" >/dev/null
ok $? "stream: frames larger than 1514 bytes on the MTU 65521 link, without errors"
jq -e '.devices[] | select(.type == "net") | .tx_csum_blank > 0 and .rx_csum_blank > 0' "$TMP/s.json" >/dev/null
ok $? "stream: the host's TCP took the guest's segments with checksums left blank, and the guest its ACKs"
awk -v z="$(field tx_in_place)" -v f="$(field tx_frames)" 'BEGIN { exit !(z > 0 && z <= f) }'
ok $? "stream: frames went out from lwIP's own segments, no copy ($(field tx_in_place) of $(field tx_frames)), and the peer's byte count matched"

# The old link: MTU 1500, every checksum computed, no virtio-net header.
run_ns run --net tap,mtu=1500,offload=off --stats-json "$TMP/s.json" --workload net -- --mode stream --mib 32 --port "$PORT"
is "$(field peer_bytes)" 33554432 "mtu=1500,offload=off: the peer counted exactly what was sent"
jq -e '.devices[] | select(.type == "net") | .mtu == 1500 and (.offload | not) and .tx_frames > 23000 and .tx_bytes <= 1514 * .tx_frames and .tx_csum_blank == 0 and .rx_csum_blank == 0 and .errors == 0' "$TMP/s.json" >/dev/null
ok $? "mtu=1500,offload=off: 32 MiB in over 23,000 frames of at most 1514 bytes, no checksum left blank"

run_ns run --net tap --stats-json "$TMP/s.json" --workload net -- --mode rr --count 500 --size 100 --peer 10.201.0.1 --port "$PORT"
jq -e '.devices[] | select(.type == "net") | (.poll_hits | type) == "number" and .poll_hits + .poll_misses <= .tx_frames and .wakeups > 0' "$TMP/s.json" >/dev/null
ok $? "rr: the back end polls only after passes that sent frames (hits + misses <= frames out), and counts its wake-ups"
is "$RC" 0 "rr: exits 0"
is "$(field ok)" 1 "rr: every echo matched"
is "$(field count)" 500 "rr: 500 round trips"
like "$(field rtt_p99_us)" '^[0-9.]+$' "rr: reports round-trip percentiles"
like "$(wait_log 'echo from 10\.201\.0\.2:[0-9]+: 50000 bytes')" 'echo from 10\.201\.0\.2:[0-9]+: 50000 bytes' "the peer echoed 500 x 100 bytes"

run_ns run --net tap --stats-json "$TMP/s.json" --workload net -- --mode rr --count 50 --size 200000 --port "$PORT"
is "$(field ok)" 1 "rr with 200 KB messages (many segments, full windows both ways): every echo intact"
jq -e '.devices[] | select(.type == "net") | .rx_bytes > 1514 * .rx_frames and .rx_csum_blank > 0 and .errors == 0' "$TMP/s.json" >/dev/null
ok $? "rr 200 KB: the host's large segments with blank checksums arrived intact"
run_ns run --net tap,offload=off --workload net -- --mode rr --count 20 --size 200000 --port "$PORT"
is "$(field ok)" 1 "rr 200 KB with offload off (large frames, checksums computed and checked both ways)"

run_ns run --net tap,host=10.202.7.1,guest=10.202.7.9,prefix=28 --workload net -- --mode stream --mib 1 --port "$PORT"
is "$(field ok)" 1 "addresses from --net: the default peer is the host end"
like "$(wait_log 'from 10\.202\.7\.9:')" 'from 10\.202\.7\.9:' "the guest used the address it was given"

# Errors a user can cause.
run_ns run --net tap --workload net -- --mode stream --mib 1 --port 9
is "$RC" 3 "nothing listens on the port: exit 3"
like "$OUT" 'cannot connect to 10\.201\.0\.1:9: connection reset' "naming the peer and the cause"
run_vm run --workload net -- --mode rr
is "$RC" 3 "no --net: exit 3"
like "$OUT" 'no network device \(give lwvmm --net tap\)' "saying what to give"
run_vm run --workload net -- --peer 10.1.2 --port 1
is "$RC" 64 "a malformed --peer is a usage error"
like "$OUT" "bad argument '--peer'" "naming the argument"
run_vm run --workload net -- --mode both
is "$RC" 64 "an unknown --mode is a usage error"

# Bad --net input (lwvmm's option parsing).
for bad in "tap,guest=300.1.1.1" "tap,prefix=33" "tap,host=10.201.0.1,guest=10.201.0.1" "tap,host=10.0.0.1" "tap,host=1.2.3.4,guest=1.2.3.5,host=1.2.3.6,x"; do
	run_vm run --net "$bad" --workload net
	is "$RC" 64 "--net '$bad' is refused (exit 64)"
done
run_vm run --net "tap,host=10.201.0.1,guest=10.201.0.255" --workload cpu
is "$RC" 64 "a broadcast guest address is refused"

# Nothing outlives: taps vanish with lwvmm, the namespace with the peer.
is "$(nsenter --net=/proc/$PEER/ns/net ip -o link show | grep -vc ': lo:')" 0 "no tap device is left in the namespace after the runs"
kill "$PEER"
wait "$PEER" 2>/dev/null
is "$(netns_users "$NS")" 0 "the namespace has no process left once the peer ended (it is gone)"

# vmbench: net cells natively and in the VM, then Ctrl-C in the middle of a VM series.
cat >"$TMP/suite.json" <<'JSON'
{ "name": "net-test", "reps": 1, "warmup": 0, "timeout_s": 60, "envs": ["native", "vm"],
  "cells": [ { "workload": "net", "params": ["--mode", "stream", "--mib", "16"], "net": true },
             { "workload": "net", "params": ["--mode", "rr", "--count", "200"], "net": true } ] }
JSON
"$VMBENCH" run --suite "$TMP/suite.json" --out "$TMP/run" >/dev/null 2>"$TMP/vmbench.err"
is "$?" 0 "vmbench runs the net cells"
is "$(jq -s '[.[] | select(.ok)] | length' "$TMP/run/results.jsonl")" 4 "all four runs (native, vm x stream, rr) are ok" ||
	diag "$(jq -r 'select(.ok | not) | "\(.env) \(.params | join(" ")): \(.error)"' "$TMP/run/results.jsonl")"
is "$(jq -s '[.[] | select(.env == "vm" and .metrics.tx_frames_per_kick > 0)] | length' "$TMP/run/results.jsonl")" 2 "VM rows carry ring statistics"

sed 's/"--mib", "16"/"--mib", "100000"/; s/"native", "vm"/"vm"/' "$TMP/suite.json" >"$TMP/long.json"
"$VMBENCH" run --suite "$TMP/long.json" --out "$TMP/run2" >/dev/null 2>"$TMP/vmbench2.err" &
VB=$!
for _ in $(seq 100); do grep -qs lwvmm /proc/[0-9]*/comm && break; sleep 0.1; done
sleep 1
kill -INT $VB
wait $VB
ok $([ $? -ne 0 ] && echo 0 || echo 1) "Ctrl-C stops vmbench in the middle of a VM net run"
is "$(peers)" "$peers_before" "no netpeer outlives vmbench"
is "$(host_taps)" "$taps_before" "no tap device appeared in the host's namespace"
exit $TAP_FAILED
