#!/usr/bin/env bash
# The numa suite (issue 11): numa-eng and numa-ray pass their checks natively
# and in the VM and refuse bad arguments (64); bench/suites/numa.json parses
# (its VM variants named in the plan), a bad lwvmm_args is refused, and a tiny
# run of the same cells gives the report its NUMA section.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
[ "$(nproc)" -ge 2 ] || skip_all "2 vCPUs on 2 nodes need 2 CPUs"
VMBENCH=$ROOT/build/bin/vmbench
plan 14

OUT=$("$WORKLOAD" numa-eng --mib 1 --passes 3 --threads 2)
is "$(field ok)" 1 "numa-eng passes its check natively"
OUT=$("$WORKLOAD" numa-ray --scene-mib 1 --rays 256 --steps 8 --threads 2)
is "$(field ok)" 1 "numa-ray passes its check natively"
"$WORKLOAD" numa-eng --mib 0 >/dev/null 2>&1
is "$?" 64 "numa-eng --mib 0: usage (64)"
"$WORKLOAD" numa-ray --rays 1 >/dev/null 2>&1
is "$?" 64 "numa-ray --rays 1: usage (64)"
run_vm run --cpus 2 --mem 64M --workload numa-eng -- --mib 1 --passes 3 --threads 2
is "$RC/$(field ok)" 0/1 "numa-eng passes its check in the VM"
run_vm run --cpus 2 --mem 64M --workload numa-ray -- --scene-mib 1 --rays 256 --steps 8 --threads 2
is "$RC/$(field ok)" 0/1 "numa-ray passes its check in the VM"

cd "$TMP" || exit 1
PLAN=$("$VMBENCH" run --suite numa --dry-run 2>&1)
is "$?" 0 "the numa suite parses"
like "$PLAN" 'numa-eng .*\[lwvmm --numa spread,mem=first-touch --numa-policy migrate' "its plan names the VM variants"

jq '.cells[0].lwvmm_args = ["--cpus", "4"] | .cells[0].envs = ["vm"]' "$ROOT/bench/suites/numa.json" >bad.json
ERR=$("$VMBENCH" run --suite "$TMP/bad.json" --dry-run 2>&1)
is "$?" 64 "lwvmm_args holding an option vmbench sets: 64"
like "$ERR" "lwvmm_args may not hold '--cpus'" "the message says why"

# the suite's cells with tiny sizes and policy periods, one repetition
jq '.reps = 1 | .warmup = 0 | .timeout_s = 60 |
	.cells |= map(.params = (if .workload == "numa-eng" then ["--mib", "1", "--passes", "100"]
		else ["--scene-mib", "1", "--rays", "1024", "--steps", "64"] end) |
		(if has("lwvmm_args") then .lwvmm_args |= map(sub("period=100"; "period=20")) else . end)) |
	.cells |= map(select(.workload == "numa-eng" or (.lwvmm_args // [] | length) == 0))' \
	"$ROOT/bench/suites/numa.json" >tiny.json
DIR=$("$VMBENCH" run --suite "$TMP/tiny.json" --out "$TMP/run" 2>"$TMP/err")
is "$?" 0 "a tiny run of the numa cells passes"
"$VMBENCH" report "$TMP/run" >/dev/null 2>&1
REPORT=$(cat "$TMP/run/report.md" 2>/dev/null)
like "$REPORT" '## NUMA: Disco' "the report has a NUMA section"
like "$REPORT" '\| vm \([^)]*\) \| migrate \| 1 \| [0-9.]+ s \| [0-9.]+%' "it gives migrate's run time and local share"
like "$REPORT" 'Disco \(Engineering\): local share of cache misses 16% -> 78%' "beside Disco's figures"
