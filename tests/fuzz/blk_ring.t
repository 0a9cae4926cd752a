#!/usr/bin/env bash
# A short, bounded, reproducible fuzzing run of the block back end's request
# parsing (tests/fuzz/fuzz_blk_ring.c): fixed seed and run count.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FUZZER=$ROOT/build/tests/fuzz/fuzz_blk_ring
[ -x "$FUZZER" ] || { echo "1..0 # SKIP fuzz target not built (needs clang-14 and libclang-rt-14-dev)"; exit 0; }
echo "1..1"
dir=$(mktemp -d)
log=$dir/log
trap 'rm -rf "$dir"' EXIT
if "$FUZZER" -seed=1 -runs=200000 -max_len=8200 -artifact_prefix="$dir/" >"$log" 2>&1; then
	echo "ok 1 - 200000 hostile rings, no access outside the ring or guest RAM"
else
	echo "not ok 1 - the fuzzer found a crash"
	tail -n 30 "$log" | sed 's/^/# /'
fi
