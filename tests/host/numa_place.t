#!/usr/bin/env bash
# --numa placement (lwvmm/numa_place.c, issue 11): a bad --numa or --numa-sim
# is one message and status 64 before any KVM object exists; each vCPU thread
# runs on its node's CPUs (the kernel's Cpus_allowed_list of the very thread
# --stats-json names), on a simulated topology and, where the host has 2+
# NUMA nodes (the lab), on real ones; there, the guest's touched pages lie on
# the node their range was bound to (move_pages' answer in --stats-json).
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
CPUS=$(nproc)
[ "$CPUS" -ge 2 ] || skip_all "2 vCPUs on 2 pretend nodes need 2 CPUs, this host gives $CPUS"
NODES=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
[ "$NODES" -ge 1 ] || NODES=1
REAL=0
[ "$NODES" -ge 2 ] && REAL=1
BAD=(
	"--numa vcpus=0@0,1@$NODES|node $NODES, but the host has nodes 0-$((NODES - 1))"
	"--numa vcpus=0@0,1@2 --numa-sim nodes=2|node 2, but the simulated topology has nodes 0-1"
	"--numa vcpus=0@0:1000,1@1 --numa-sim nodes=2|the simulated topology has no CPU 1000"
	"--numa vcpus=0-1@0,1@1 --numa-sim nodes=2|vCPU 1 is already on node 0"
	"--numa vcpus=0@0 --numa-sim nodes=2|vCPU 1 has no node"
	"--numa vcpus=0@,1@1 --numa-sim nodes=2|expected VCPUS@NODE"
	"--numa spread,mem=everywhere --numa-sim nodes=2|mem=everywhere: expected share, interleave or first-touch"
	"--numa spread,vcpus=0-1@0 --numa-sim nodes=2|spread and vcpus= together"
	"--numa spread --numa-sim nodes=0|--numa-sim 'nodes=0': nodes=0: expected 1 to"
	"--numa spread --numa-sim nodes=2,remote=0.5|remote=0.5: expected a distance"
	"--numa spread --numa-sim nodes=2,cpus=0@0,0@1|CPU 0 is already on node 0"
	"--numa spread --numa-sim nodes=$((CPUS + 1))|needs at least $((CPUS + 1)) host CPUs"
	"--numa-sim nodes=2|--numa-sim 'nodes=2' needs --numa"
)
plan $((3 * ${#BAD[@]} + 11 + 10))

# skip_n N REASON: N checks that cannot run here, skipped with the reason.
skip_n() {
	for _ in $(seq "$1"); do
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N # SKIP $2"
	done
}

for case in "${BAD[@]}"; do
	args=${case%%|*} want=${case#*|}
	# shellcheck disable=SC2086 # the options are split on purpose
	run_vm run --cpus 2 $args --workload cpu
	is "$RC" 64 "$args: status 64"
	like "$ERR" "$want" "$args: the message says why"
	is "$(wc -l <<<"$ERR")" 1 "$args: one line"
done

# Refused before /dev/kvm is even opened.
if command -v strace >/dev/null; then
	strace -f -e trace=openat -o "$TMP/strace" "$LWVMM" run --cpus 2 --numa vcpus=0@0 --numa-sim nodes=2 \
		--workload cpu 2>/dev/null
	grep -q '/dev/kvm' "$TMP/strace"
	ok $((! $?)) "a bad --numa is refused before /dev/kvm is opened"
else
	skip_n 1 "no strace here"
fi

# pinned ARGS...: runs a hanging 2-vCPU guest with ARGS and --stats-json
# $TMP/pin.json, records "tid cpus" of each of its threads but the main one
# in $TMP/threads once both are pinned (narrower than the main thread's
# CPUs), then ends it with SIGTERM; RC is its status (130).
pinned() {
	local pid t main list n tries=0
	"$LWVMM" run --cpus 2 --timeout 120 "$@" --stats-json "$TMP/pin.json" \
		--workload selftest -- --mode hang >/dev/null 2>"$TMP/pin.err" &
	pid=$!
	# Waits for the threads' first steps (bounded: 600 x 0.05 s).
	while [ $tries -lt 600 ] && kill -0 "$pid" 2>/dev/null; do
		main=$(awk '/^Cpus_allowed_list:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
		: >"$TMP/threads"
		n=0
		for t in /proc/"$pid"/task/*; do
			[ "${t##*/}" = "$pid" ] && continue
			[ "$(cat "$t/comm" 2>/dev/null)" = lwvmm ] || continue
			list=$(awk '/^Cpus_allowed_list:/ { print $2 }' "$t/status" 2>/dev/null)
			[ -n "$list" ] && [ "$list" != "$main" ] && n=$((n + 1))
			echo "${t##*/} $list" >>"$TMP/threads"
		done
		[ $n -ge 2 ] && break
		tries=$((tries + 1))
		sleep 0.05
	done
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	RC=$?
}

# The vCPU named in --stats-json runs on exactly the CPUs it says, and
# vCPUs 0 and 1 on their nodes' CPUs, which are not the same.
check_pinning() { # check_pinning WHAT
	local v tid cpus got bad="" want0 want1
	for v in 0 1; do
		tid=$(jq -r ".numa.vcpus[$v].tid" "$TMP/pin.json")
		cpus=$(jq -r ".numa.vcpus[$v].cpus" "$TMP/pin.json")
		got=$(awk -v t="$tid" '$1 == t { print $2 }' "$TMP/threads")
		[ "$got" = "$cpus" ] || bad+="vCPU $v (thread $tid) runs on '$got', stats say '$cpus'; "
	done
	is "$bad" "" "$1: each vCPU thread's Cpus_allowed_list is its node's CPUs"
	want0=$(jq -r '.numa.nodes[0].cpus' "$TMP/pin.json")
	want1=$(jq -r '.numa.nodes[1].cpus' "$TMP/pin.json")
	is "$(jq -r '[.numa.vcpus[] | "\(.node):\(.cpus)"] | join(" ")' "$TMP/pin.json")" "0:$want0 1:$want1" \
		"$1: vCPU 0 on node 0's CPUs ($want0), vCPU 1 on node 1's ($want1)"
}

pinned --numa vcpus=0@0,1@1 --numa-sim nodes=2,remote=3.5
is "$RC" 130 "simulated nodes: the hanging guest ends with SIGTERM (130)"
check_pinning "simulated nodes"
jq -e '.numa | .enabled and .simulated and (.memory_bound | not) and (.nodes | length) == 2 and
	.nodes[0].distances == [1, 3.5] and .nodes[1].distances == [3.5, 1] and
	(.ranges | length) == 2 and .ranges[0].node == 0 and .ranges[1].node == 1 and
	.ranges[0].start == 0 and .ranges[1].start == .ranges[0].len and
	.ranges[0].sampled_pages == null' "$TMP/pin.json" >/dev/null
ok $? "simulated: --stats-json has the topology, distances, vCPUs and unbound ranges"

run_vm run --cpus 2 --stats --numa spread,mem=interleave --numa-sim nodes=2 --workload cpu -- --size 64
is "$RC" 0 "simulated, spread and mem=interleave: the guest runs"
like "$ERR" 'numa: 2 nodes, simulated topology: vCPUs pinned .*memory not bound to real nodes; mem=interleave' \
	"--stats says the topology is simulated and memory is not bound"
like "$ERR" 'vCPU 1: node 1, CPUs ' "--stats names each vCPU's node and CPUs"

# Without --numa the report says so and nothing is pinned.
run_vm run --stats-json "$TMP/none.json" --workload cpu -- --size 64
is "$RC/$(jq -c .numa "$TMP/none.json")" '0/{"enabled":false}' "no --numa: \"numa\":{\"enabled\":false}"

# Real nodes: the host's own RAM placement.
run_vm run --cpus 2 --mem 32M --numa spread --stats-json "$TMP/real1.json" --workload mem -- --mib 24 --ntimes 1
is "$RC" 0 "host topology, spread: the mem workload runs with its RAM bound"
jq -e '.numa | (.simulated | not) and .memory_bound and
	all(.ranges[]; .sampled_pages > 0 and .on_its_node == .touched_pages) and
	([.ranges[].touched_pages] | add) > 0' "$TMP/real1.json" >/dev/null
ok $? "host topology: every sampled touched page lies on its range's node"

if [ $REAL = 1 ]; then
	pinned --numa vcpus=0@0,1@1
	is "$RC" 130 "real nodes: the hanging guest ends with SIGTERM (130)"
	check_pinning "real nodes"
	run_vm run --cpus 2 --mem 32M --numa vcpus=0@0,1@1,mem=share --stats-json "$TMP/share.json" \
		--workload mem -- --mib 24 --ntimes 1
	is "$RC" 0 "real nodes, mem=share: the mem workload runs over both ranges"
	jq -e '.numa | .memory_bound and (.ranges | length) == 2 and .ranges[1].node == 1' \
		"$TMP/share.json" >/dev/null
	ok $? "real nodes, mem=share: the lower half on node 0, the upper on node 1"
	r=$(jq -r '[.numa.ranges[] | "\(.touched_pages)/\(.on_its_node)"] | join(" ")' "$TMP/share.json")
	like "$r" '^[1-9][0-9]*/[1-9][0-9]* [1-9][0-9]*/[1-9][0-9]*$' "real nodes: both ranges have touched pages ($r)"
	jq -e 'all(.numa.ranges[]; .on_its_node == .touched_pages)' "$TMP/share.json" >/dev/null
	ok $? "real nodes: every sampled touched page lies on its range's node ($r)"
	run_vm run --cpus 2 --mem 32M --numa vcpus=0@0,1@1,mem=interleave --stats-json "$TMP/il.json" \
		--workload mem -- --mib 24 --ntimes 1
	jq -e '.numa.ranges[0].pages_on_node | .[0] > 0 and .[1] > 0' "$TMP/il.json" >/dev/null
	ok $? "real nodes, mem=interleave: pages on both nodes ($(jq -c .numa.ranges[0].pages_on_node "$TMP/il.json"))"
	# More RAM on a node than it has: refused (MPOL_BIND would OOM-kill the guest later).
	node0_kib=$(awk '/MemTotal/ { print $4 }' /sys/devices/system/node/node0/meminfo)
	avail_kib=$(awk '/^MemAvailable/ { print $2 }' /proc/meminfo)
	big=$(((node0_kib / 2048 + 2) * 2))   # MiB, a multiple of 2M beyond node 0's size
	if [ $((big * 1024)) -lt "$avail_kib" ]; then
		run_vm run --cpus 2 --mem "${big}M" --numa vcpus=0-1@0 --workload cpu
		is "$RC" 71 "--mem ${big}M all on node 0 ($((node0_kib / 1024)) MiB): status 71"
		like "$ERR" "would be bound to node 0, which has [0-9]+ MiB in all" "and the message says why"
	else
		skip_n 2 "node 0's ${node0_kib} kB is not below MemAvailable ${avail_kib} kB"
	fi
else
	skip_n 10 "the host has $NODES NUMA node(s): the real-node checks need 2 (they run in the lab: make test-lab)"
fi
