#!/usr/bin/env bash
# A short, bounded, reproducible fuzzing run of the block back end's request
# parsing (tests/fuzz/fuzz_blk_ring.c): fixed seed and run count.
. "$(dirname "$0")/../host/tap.sh"
FUZZER=$ROOT/build/tests/fuzz/fuzz_blk_ring
[ -x "$FUZZER" ] || skip_all "fuzz target not built (needs clang-14 and libclang-rt-14-dev)"
plan 1
if "$FUZZER" -seed=1 -runs=200000 -max_len=8200 -artifact_prefix="$TMP/" >"$TMP/log" 2>&1; then
	ok 0 "200000 hostile rings, no access outside the ring or guest RAM"
else
	ok 1 "the fuzzer found a crash"
	diag "$(tail -n 30 "$TMP/log")"
fi
