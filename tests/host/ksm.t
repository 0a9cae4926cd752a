#!/usr/bin/env bash
# --mem-backing anon: KSM merges two identical domains' guest RAM, the
# monitor's memmap (/proc/self/pagemap) sees the same host frame behind both
# domains' pages, and the statistics say so per domain; memfd RAM is never
# merged and KSM off is said, not shown as 0 merged.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
command -v jq >/dev/null || skip_all "jq is not installed (make deps)"
K=/sys/kernel/mm/ksm
[ -w "$K/run" ] || skip_all "KSM cannot be switched on here ($K/run is not writable: no KSM, or not root)"
plan 14

# KSM's settings are the host's: put them back however the test ends.
saved_run=$(cat "$K/run") saved_scan=$(cat "$K/pages_to_scan") saved_sleep=$(cat "$K/sleep_millisecs")
restore() {
	echo "$saved_scan" >"$K/pages_to_scan"
	echo "$saved_sleep" >"$K/sleep_millisecs"
	echo "$saved_run" >"$K/run"
	rm -rf "$TMP"
}
trap restore EXIT

# KSM off: said so, with the reason.
echo 0 >"$K/run"
run_vm run --domains 2 --mem-backing anon --stats --workload cpu -- --size 64
is "$RC" 0 "two anon domains with KSM off: status 0"
like "$ERR" "anon RAM.*KSM off" "--stats says KSM is off, not 0 merged"

# KSM on, scanning fast; the guests idle (selftest hang) until the timeout
# while it scans. Their identical pages (the image, page tables) merge.
echo 20000 >"$K/pages_to_scan"
echo 10 >"$K/sleep_millisecs"
echo 1 >"$K/run"
merged() { # merged SECONDS: a run of two idle anon domains, its statistics in $TMP/k.json
	run_vm run --domains 2 --mem-backing anon --timeout "$1" --stats-json "$TMP/k.json" \
		--workload selftest -- --mode hang
	[ "$(jq '[.domains[].memory.ksm_merged_pages] | min' "$TMP/k.json" 2>/dev/null)" -gt 0 ] 2>/dev/null
}
# KSM needs two scans to merge a page: give it up to 3 s, then once more 10 s.
merged 3 || merged 10
is "$RC" 124 "the idle domains ran until the timeout"
is "$(jq -r '.domains[0].memory.ksm' "$TMP/k.json")" on "--stats-json: KSM on"
ok "$([ "$(jq '.domains[0].memory.ksm_merged_pages' "$TMP/k.json")" -gt 0 ]; echo $?)" "KSM merged pages of domain d0"
ok "$([ "$(jq '.domains[1].memory.ksm_merged_pages' "$TMP/k.json")" -gt 0 ]; echo $?)" "KSM merged pages of domain d1"
if [ "$(jq -r '.domains[0].memory.memmap.unavailable // empty' "$TMP/k.json")" != "" ]; then
	why=$(jq -r '.domains[0].memory.memmap.unavailable' "$TMP/k.json")
	for i in 1 2 3 4; do
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N # SKIP host frames unavailable: $why"
	done
else
	cross=$(jq '.domains[0].memory.memmap.cross_domain' "$TMP/k.json")
	ok "$([ "$cross" -gt 0 ]; echo $?)" "pagemap: d0's merged pages share host frames with d1's ($cross pages)"
	# Not as many: KSM merges identical pages within a domain too (zero-filled ones, say).
	cross1=$(jq '.domains[1].memory.memmap.cross_domain' "$TMP/k.json")
	ok "$([ "$cross1" -gt 0 ]; echo $?)" "pagemap: d1's merged pages share host frames with d0's ($cross1 pages)"
	ok "$([ "$(jq '.totals.cross_domain_pages' "$TMP/k.json")" -eq $((cross + cross1)) ]; echo $?)" "the totals count both"
	# The memmap names the users of shared frames: d0's and d1's page at one guest address.
	# (Counted over all frames: the examples are only the first few, and a frame KSM gave
	# many pages of one domain, zero-filled ones say, can fill them.)
	same=$(jq '.totals.memmap.same_page_frames' "$TMP/k.json")
	ok "$([ "$same" -gt 0 ]; echo $?)" "memmap: one host frame behind the same guest page of d0 and d1 ($same frames)"
fi

# memfd RAM (the default) is never merged, even with KSM on.
run_vm run --domains 2 --timeout 1 --stats-json "$TMP/m.json" --workload selftest -- --mode hang
is "$RC" 124 "memfd domains: ran until the timeout"
like "$(jq -r '.domains[0].memory.ksm' "$TMP/m.json")" "never merges memfd" "memfd RAM: KSM never merges it, said so"
is "$(jq '.domains[0].memory.memmap.cross_domain // 0' "$TMP/m.json")" 0 "memfd RAM: no frame shared between domains"
run_vm run --mem-backing other --workload cpu
is "$RC" 64 "--mem-backing other: 64"
exit $TAP_FAILED
