#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions below run through check()
# Inside the lab: the kernel, libnuma and hwloc see the nodes and CPUs QEMU
# was given, and memory bound to node 1 lands on node 1.
set -euo pipefail
. "$(dirname "$0")/tap.sh"
nodes=${LAB_NODES:?LAB_NODES is set by the lab}
cpus=${LAB_CPUS:?LAB_CPUS is set by the lab}

kernel_nodes() {
	local seen
	seen=$(find /sys/devices/system/node -maxdepth 1 -name 'node[0-9]*' | wc -l)
	echo "kernel: $seen nodes, $(nproc) cpus"
	[ "$seen" -eq "$nodes" ] && [ "$(nproc)" -eq "$cpus" ]
}

numactl_nodes() {
	local hardware
	hardware=$(numactl --hardware) || return 1
	echo "$hardware"
	local range=0
	[ "$nodes" -eq 1 ] || range="0-$((nodes - 1))"
	grep -qx "available: $nodes nodes ($range)" <<<"$hardware"
}

echo "1..3"
check "the kernel sees $nodes nodes and $cpus cpus" kernel_nodes
check "numactl --hardware lists $nodes nodes" numactl_nodes
bind="; mbind to node 1 lands there"
[ "$nodes" -ge 2 ] || bind=" (one node: no mbind check)"
check "libnuma and hwloc see $nodes nodes and $cpus cpus$bind" numa_probe "$nodes" "$cpus"
done_testing
