#!/usr/bin/env bash
# The built-in guest runs every workload, with its own correctness check,
# on 1 and 2 vCPUs, and computes what the native build computes.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
plan 29

for cpus in 1 2; do
	run_vm run --cpus "$cpus" --workload cpu -- --size 256 --threads "$cpus"
	is "$RC" 0 "cpu on $cpus vCPU(s) exits 0"
	is "$(field ok)" 1 "cpu on $cpus vCPU(s) passes its check"
	is "$(field verified)" 1 "cpu checksum was compared with the known answer"
	vm_sum=$(field checksum)
	OUT=$("$WORKLOAD" cpu --size 256 --threads 1)
	is "$vm_sum" "$(field checksum)" "cpu on $cpus vCPU(s) computes the native image"
done

run_vm run --cpus 2 --mem 128M --workload mem -- --mib 24 --ntimes 2 --threads 2
is "$RC" 0 "mem exits 0"
is "$(field ok)" 1 "mem passes STREAM's check"
like "$(field triad_mbs)" '^[0-9]+' "mem reports triad bandwidth"
run_vm run --mem 64M --workload memlat -- --mib 8 --rounds 2
is "$RC" 0 "memlat exits 0"
is "$(field ok)" 1 "memlat's chase is one whole cycle through the buffer"
like "$(field ns_per_load)" '^[0-9]+(\.[0-9]+)?$' "memlat reports ns per load"
OUT=$("$WORKLOAD" memlat --mib 8 --rounds 2)
is "$(field ok)" 1 "natively too"
run_vm run --mem 64M --workload memlat -- --threads 2
is "$RC" 64 "memlat refuses more than one thread (exit 64, usage)"
"$WORKLOAD" memlat --mib 0 >/dev/null 2>&1
is "$?" 64 "and a bad size"

# noise: a share of time that ran, and interruptions that add up to the rest
run_vm run --mem 64M --workload noise -- --ms 200
is "$RC" 0 "noise exits 0"
is "$(field ok)" 1 "noise's clock never went backwards and was read often enough"
awk -v s="$(field score)" 'BEGIN { exit !(s > 0 && s <= 100) }'
ok $? \
	"noise's score is a share of time (0 < $(field score) <= 100)"
like "$OUT" 'interrupts_per_s=[0-9.]+ lost_us_per_s=[0-9.]+ mean_gap_us=[0-9.]+ max_gap_us=[0-9.]+' \
	"noise reports the interruptions and the time they took"
awk -v t="$(field threshold_ns)" -v r="$(field ns_per_read)" 'BEGIN { exit !(t >= 1000 && t >= 5 * r) }'
ok $? "noise's default threshold ($(field threshold_ns) ns) is 1 us or more, well above a clock read ($(field ns_per_read) ns)"
OUT=$("$WORKLOAD" noise --ms 200)
is "$(field ok)" 1 "natively too"
"$WORKLOAD" noise --threshold-ns 10 >/dev/null 2>&1
is "$?" 64 "noise refuses a threshold under 100 ns (exit 64)"

run_vm run --workload hypercall -- --iters 200
is "$RC" 0 "hypercall exits 0"
like "$OUT" 'null_ns=[0-9.]+ batch_ns=[0-9.]+ doorbell_ns=[0-9.]+' "hypercall reports its three costs"

run_vm run --cpus 2 --workload selftest -- --mode threads
is "$(field ok)" 1 "a thread ran on every vCPU"

"$WORKLOAD" hypercall >/dev/null 2>&1
is "$?" 64 "hypercall refuses to run natively"

run_vm run --workload cpu -- --size 7 --bogus 1
is "$RC" 64 "a workload's usage error comes back as its status"
