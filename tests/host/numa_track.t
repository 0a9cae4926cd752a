#!/usr/bin/env bash
# --numa-policy (lwvmm/numa_run.c, numa_track.c, numa_pt.c; issue 11): the
# per-vCPU access tracker sees exactly the pages each vCPU touched (a guest
# whose vCPU 0 and vCPU 1 each read and write their own range), and the
# migrate policy moves vCPU 1's pages, first placed on node 0, to vCPU 1's
# node 1: on a simulated topology only in the pmap (the report says so),
# and where the host has 2+ NUMA nodes (the lab) for real: move_pages'
# answer puts every migrated page on its new node, and the guest finds every
# page holding what it wrote (data intact). Bad specs: one message.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
CPUS=$(nproc)
[ "$CPUS" -ge 2 ] || skip_all "2 vCPUs on 2 pretend nodes need 2 CPUs, this host gives $CPUS"
NODES=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
REAL=0
[ "$NODES" -ge 2 ] && REAL=1
SIM="--numa vcpus=0@0,1@1 --numa-sim nodes=2"
BAD=(
	"--numa-policy migrate|64|--numa-policy 'migrate' needs --numa"
	"$SIM --numa-policy move|64|'move': expected track, migrate or replicate first"
	"$SIM --numa-policy migrate,period=0|64|period=0: expected milliseconds from 1 to 60000"
	"$SIM --numa-policy migrate,sample=none|64|sample=none: expected a number of pages"
	"$SIM --numa-policy track,dominance=40|64|dominance=40: expected a percentage from 51 to 100"
	"$SIM --numa-policy track,fast=1|64|'fast=1': expected period=MS"
	"$SIM --mem-backing anon --numa-policy track|64|--mem-backing anon: the tracker"
)
plan $((3 * ${#BAD[@]} + 13 + 5))

skip_n() {
	for _ in $(seq "$1"); do
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N # SKIP $2"
	done
}

for case in "${BAD[@]}"; do
	IFS='|' read -r args status want <<<"$case"
	# shellcheck disable=SC2086 # the options are split on purpose
	run_vm run --cpus 2 $args --workload cpu
	is "$RC" "$status" "$args: status $status"
	like "$ERR" "$want" "$args: the message says why"
	is "$(wc -l <<<"$ERR")" 1 "$args: one line"
done

# touch JSON ARGS...: the numa-touch guest under --numa-policy; RANGE0 and
# RANGE1 are the "first count" page ranges vCPU 0 and vCPU 1 touched.
# The policy needs a page sampled in a few periods (hot=2; budget=off: every
# page every period, whatever it costs the guest): where periods take
# long (the lab's TCG: about 170 ms for 25), a run with under 30 is made again,
# 4 times as long.
touch_run() {
	local json=$1 ms=2000
	shift
	run_vm run --cpus 2 --mem 64M "$@" --stats-json "$json" --workload selftest -- --mode numa-touch --ms $ms
	if [ "$(jq '.numa_policy.periods' "$json" 2>/dev/null || echo 0)" -lt 30 ]; then
		ms=8000
		run_vm run --cpus 2 --mem 64M "$@" --stats-json "$json" --workload selftest -- --mode numa-touch --ms $ms
	fi
	local v line
	for v in 0 1; do
		line=$(grep -m1 "^numa-touch: vcpu $v pages 0x[0-9a-f]* [0-9]*$" <<<"$OUT")
		# shellcheck disable=SC2086 # split into words on purpose
		set -- $line
		[ -n "$line" ] && printf -v "RANGE$v" '%d %d' "$(($5))" "$6" || printf -v "RANGE$v" ''
	done
}

# covered JSON JQPATH "FIRST COUNT": how many pages of the range lie in the runs at JQPATH.
covered() {
	jq -r --argjson f "${3% *}" --argjson n "${3#* }" \
		"[$2 | .[] | range(.[0]; .[0] + .[1])] as \$p | [range(\$f; \$f + \$n) | select(. as \$x | \$p | index(\$x))] | length" "$1"
}

touch_run "$TMP/track.json" $SIM --numa-policy track,period=25,sample=all,hot=2,budget=off
is "$RC" 0 "track: the guest runs"
jq -e '.numa_policy | .mode == "track" and .samples > 0 and .migrations == 0 and .window_pages == 15872' \
	"$TMP/track.json" >/dev/null
ok $? "track: samples taken, nothing migrated, all 15872 pages above 2 MiB sampled"

# Policy off (track) against migrate: the share of the samples that were
# local (vCPU and page home on one node) must rise, whatever the timing.
TRACK_SHARE=$(jq .numa_policy.local_share "$TMP/track.json")

touch_run "$TMP/sim.json" $SIM --numa-policy migrate,period=25,sample=all,hot=2,budget=off
is "$RC" 0 "simulated nodes, migrate: the numa-touch guest runs"
[ -n "$RANGE0" ] && [ -n "$RANGE1" ]
ok $? "the guest names the page ranges of vCPU 0 ($RANGE0) and vCPU 1 ($RANGE1)"
is "$(covered "$TMP/sim.json" '.numa_policy.vcpus[0].seen' "$RANGE0")" "${RANGE0#* }" \
	"the tracker saw every page of vCPU 0's range from vCPU 0"
is "$(covered "$TMP/sim.json" '.numa_policy.vcpus[1].seen' "$RANGE1")" "${RANGE1#* }" \
	"the tracker saw every page of vCPU 1's range from vCPU 1"
is "$(covered "$TMP/sim.json" '.numa_policy.vcpus[0].seen' "$RANGE1")/$(covered "$TMP/sim.json" '.numa_policy.vcpus[1].seen' "$RANGE0")" \
	"0/0" "neither vCPU was seen on the other's range"
is "$(covered "$TMP/sim.json" '.numa_policy.migrated[1].pages' "$RANGE1")" "${RANGE1#* }" \
	"the policy migrated every page of vCPU 1's range to node 1"
is "$(covered "$TMP/sim.json" '.numa_policy.migrated[1].pages' "$RANGE0")/$(jq '.numa_policy.migrated_to_node[0]' "$TMP/sim.json")" \
	"0/0" "none of vCPU 0's pages moved, nothing moved to node 0 (all on it already)"
jq -e '.numa_policy | .simulated and .move_calls == 0 and (.note | test("nothing moves")) and
	.migrations >= .migrated_to_node[1] and .migrated_to_node[1] > 0 and .move_failures == 0 and
	.local_share > ($t | tonumber)' --arg t "$TRACK_SHARE" "$TMP/sim.json" >/dev/null
ok $? "simulated: the report says nothing moved, counts the migrations, and more samples were local than with track ($TRACK_SHARE)"

# The sampling budget (2% of a vCPU, about 10 refaults in 25 ms): a guest
# touching 262 pages a sweep is over it at its first harvest, so the window
# shrinks and periods go unsampled.
touch_run "$TMP/budget.json" $SIM --numa-policy track,period=25,sample=all
jq -e '.numa_policy | .budget_pct == 2 and .budget_pages == 10 and .window_min < .window_pages and
	.periods_skipped > 0 and .window_shrinks > 0' "$TMP/budget.json" >/dev/null
ok $? "the default budget shrinks the window and skips periods for a vCPU touching many pages"

run_vm run --cpus 2 --stats-json "$TMP/none.json" --workload cpu -- --size 64
is "$RC/$(jq -c .numa_policy "$TMP/none.json")" '0/{"enabled":false}' "no --numa-policy: \"numa_policy\":{\"enabled\":false}"

# The policy thread runs under its own filter: a KVM_RUN from it ends the run.
LWVMM_SECCOMP_SELFTEST=policy run_vm run --cpus 2 $SIM --numa-policy track,period=10 --workload cpu -- --size 100000
like "$RC: $ERR" "^70: lwvmm: seccomp: the --numa-policy thread made the system call ioctl" \
	"the policy thread's filter forbids what it does not need (KVM_RUN): 70 and the call named"

if [ $REAL = 1 ]; then
	touch_run "$TMP/real.json" --numa vcpus=0@0,1@1 --numa-policy migrate,period=25,sample=all,hot=2,budget=off
	is "$RC" 0 "real nodes, migrate: the numa-touch guest runs, every page holding what it wrote"
	jq -e '.numa_policy | (.simulated | not) and .move_calls > 0 and .migrations > 0' "$TMP/real.json" >/dev/null
	ok $? "real nodes: pages migrated with move_pages"
	is "$(covered "$TMP/real.json" '.numa_policy.migrated[1].pages' "$RANGE1")" "${RANGE1#* }" \
		"real nodes: every page of vCPU 1's range migrated to node 1"
	jq -e '.numa_policy | .migrated_checked > 0 and .migrated_on_home_node == .migrated_checked and
		.migrated_checked == ([.migrated[].pages[][1]] | add)' "$TMP/real.json" >/dev/null
	ok $? "real nodes: move_pages finds every migrated page on its new node"
	jq -e '.numa_policy.local_share > ($t | tonumber)' --arg t "$TRACK_SHARE" "$TMP/real.json" >/dev/null
	ok $? "real nodes: more samples were local than with track on simulated nodes ($TRACK_SHARE)"
	diag "$(jq -c '.numa_policy | del(.vcpus, .migrated)' "$TMP/real.json")"
else
	skip_n 5 "one NUMA node here (the lab has two)"
fi
