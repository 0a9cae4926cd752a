#!/usr/bin/env bash
# The dataset workload and the built-in guest's buffer cache
# (lwvmm/guest/bcache.h): natively and in the VM the same checksum over the
# same image; the cache reads each block once and then hits; a cache smaller
# than the data set evicts and still gives the right answer; on a
# --disk F,ro,share disk the cached blocks are the image's page-cache pages,
# shared by two domains (the same host frames, from the memmap), and a
# domain writing into its cached pages gets private copies (copy-on-write,
# counted from the pagemap) that change neither the other domain's pages
# nor the image; bad arguments are 64.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
command -v jq >/dev/null || skip_all "jq is not installed (make deps)"
plan 28

# A 16 MiB image whose every sector starts with its own offset.
truncate -s 16M "$TMP/img"
"$LWVMM" run --disk "$TMP/img" --workload io -- --rw write --bs 1M --qd 4 --mib 16 --verify 1 >/dev/null
sum_before=$(cksum <"$TMP/img")

run_cmd "$WORKLOAD" dataset --file "$TMP/img" --mib 16 --passes 3
is "$RC" 0 "natively: status 0"
like "$OUT" "^result workload=dataset ok=1 .*bad_sectors=0" "natively: every pass agrees, every sector verified"
native_sum=$(field checksum)

run_vm run --disk "$TMP/img,ro" --mem 128M --workload dataset -- --mib 16 --passes 3
is "$RC" 0 "in the VM: status 0"
is "$(field checksum)" "$native_sum" "in the VM: the native checksum"
is "$(field cache_reads)" 256 "the cache read each of the 256 blocks of 64 KiB once"
is "$(field cache_hits)" 768 "then 3 passes x 256 lookups hit"
is "$(field cache_misses)" 0 "no misses"
is "$(field cache_blocks)" 256 "256 blocks held at the end"

run_vm run --disk "$TMP/img,ro" --mem 128M --workload dataset -- --mib 16 --passes 3 --cache-mib 4 --block 16384
is "$RC" 0 "a 4 MiB cache for a 16 MiB data set: status 0"
is "$(field checksum)" "$native_sum" "... the same checksum"
is "$(field cache_blocks)" 256 "... 256 blocks of 16 KiB held (the limit)"
ok "$([ "$(field cache_evictions)" -gt 0 ]; echo $?)" "... blocks were evicted ($(field cache_evictions))"

# Two domains caching the same data set from one ro,share image: the same host frames.
run_vm run --domains 2 --mem 128M --disk "$TMP/img,ro,share" --stats-json "$TMP/s.json" \
	--workload dataset -- --mib 16 --passes 3
is "$RC" 0 "--domains 2 on one ro,share disk: status 0"
is "$(grep -c "result workload=dataset ok=1 " <<<"$OUT")" 2 "both domains' data verified"
is "$(jq '[.domains[].devices[] | select(.type == "block") | .share.reads_mapped] | add' "$TMP/s.json")" 512 \
	"every cache read of both domains was served by mapping the image (2 x 256)"
is "$(jq '[.domains[].devices[] | select(.type == "block") | .share.now.shared] | add' "$TMP/s.json")" 8192 \
	"all 2 x 4096 cached pages are on the image's page-cache pages"
if [ "$(jq -r '.domains[0].memory.memmap.unavailable // empty' "$TMP/s.json")" != "" ]; then
	why=$(jq -r '.domains[0].memory.memmap.unavailable' "$TMP/s.json")
	TAP_N=$((TAP_N + 1)); echo "ok $TAP_N # SKIP host frames unavailable: $why"
else
	cross=$(jq '.domains[0].memory.memmap.cross_domain' "$TMP/s.json")
	ok "$([ "$cross" -ge 4096 ]; echo $?)" "pagemap: d0's 4096 cached pages are on frames d1 uses too ($cross)"
fi

# One domain writes into every page its cache holds: private copies.
cat >"$TMP/two.json" <<J
[ {"name": "reader", "workload": "dataset", "disk": "$TMP/img,ro,share", "mem": "128M",
   "args": ["--mib", "16", "--passes", "5"]},
  {"name": "writer", "workload": "dataset", "disk": "$TMP/img,ro,share", "mem": "128M",
   "args": ["--mib", "16", "--passes", "1", "--scribble", "1"]} ]
J
run_vm run --domain-file "$TMP/two.json" --stats-json "$TMP/s.json"
share() { # share DOMAIN KEY
	jq -r --arg d "$1" ".domains[] | select(.name == \$d) | .devices[] | select(.type == \"block\") | .share.$2" "$TMP/s.json"
}
is "$RC" 0 "a reader and a writer of one ro,share disk: status 0"
like "$OUT" "^reader: result workload=dataset ok=1 " "the reader's data verified on every pass"
like "$OUT" "^writer: result workload=dataset ok=1 " "the writer sees its own writes in its cache"
is "$(share writer now.cow)" 4096 "writer: each page it wrote is a private copy (copy-on-write)"
is "$(share reader now.shared)" 4096 "reader: all its pages still on the image's page cache"
is "$(share reader now.cow)" 0 "reader: nothing copied"
is "$(cksum <"$TMP/img")" "$sum_before" "the image is unchanged"

# Bad arguments: one message, 64; no disk: 2.
run_cmd "$WORKLOAD" dataset --mib 16
is "$RC" 64 "natively without --file: 64"
run_vm run --disk "$TMP/img,ro" --workload dataset -- --block 3000
is "$RC" 64 "--block not a power of two: 64"
run_vm run --workload dataset -- --mib 1
is "$RC" 2 "a VM without a disk: cannot run (2)"
like "$OUT$ERR" "no disk 0" "... and says so"
exit $TAP_FAILED
