#!/usr/bin/env bash
# The alloc workload and HC_MEM_RELEASE: regions of pages mapped, touched and
# given back, natively (mmap/munmap) and in the built-in guest (its free list
# and the hypercall). Pages given back read as zero when handed out again (the
# workload checks every page), on memfd and anonymous RAM; where a ,share
# disk maps files over guest RAM the monitor keeps the pages (LW_EBUSY) and
# the guest zeroes them itself. Bad arguments are 64.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
command -v jq >/dev/null || skip_all "jq is not installed (make deps)"
plan 13

run_cmd "$WORKLOAD" alloc --kib 256 --regions 200 --threads 2
is "$RC" 0 "native alloc: status 0"
is "$(field ok)" 1 "native alloc: every page zero when handed out"

# 200 regions of 64 pages on each of 2 vCPUs: 400 releases, 25,600 pages.
for backing in memfd anon; do
	run_vm run --cpus 2 --mem-backing "$backing" --stats-json "$TMP/s.json" --workload alloc -- \
		--kib 256 --regions 200 --threads 2
	is "$RC" 0 "vm alloc on $backing RAM: status 0"
	is "$(field ok)" 1 "vm alloc on $backing RAM: released pages read as zero"
	is "$(jq -r .hypercalls.mem_release "$TMP/s.json")" 400 "$backing: one HC_MEM_RELEASE per region"
	is "$(jq -r .pages_released "$TMP/s.json")" 25600 "$backing: every page given back to the host"
done

truncate -s 1M "$TMP/img"
run_vm run --cpus 1 --disk "$TMP/img,ro,share" --stats-json "$TMP/s.json" --workload alloc -- \
	--kib 256 --regions 50
is "$(field ok)" 1 "with a ,share disk: pages still zero (the guest zeroed them)"
is "$(jq -r .pages_released "$TMP/s.json")" 0 "with a ,share disk: the monitor kept the pages"

run_vm run --workload alloc -- --kib 0
is "$RC" 64 "alloc --kib 0: usage error"
