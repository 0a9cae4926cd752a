#!/usr/bin/env bash
# A short, bounded, reproducible run of every fuzz target (tests/fuzz/targets):
# fixed seed, fixed number of inputs, starting from its seed corpus in
# tests/fuzz/corpus/NAME. New inputs go to a temporary directory, never into
# the repository.
. "$(dirname "$0")/../host/tap.sh"
TARGETS=$ROOT/tests/fuzz/targets
names=$(awk '!/^#/ && NF { print $1 }' "$TARGETS")
[ -x "$ROOT/build/tests/fuzz/fuzz_blk_ring" ] ||
	skip_all "fuzz targets not built (needs clang-14 and libclang-rt-14-dev)"
plan "$(wc -w <<<"$names")"
export TMPDIR=$TMP   # the targets' temporary files go where tap.sh removes them
while read -r name max_len runs; do
	case $name in ''|'#'*) continue ;; esac
	fuzzer=$ROOT/build/tests/fuzz/fuzz_$name
	dict=$ROOT/tests/fuzz/$name.dict
	mkdir -p "$TMP/$name"
	"$fuzzer" -seed=1 -runs="$runs" -max_len="$max_len" -timeout=10 -close_fd_mask=3 \
		$( [ -f "$dict" ] && echo "-dict=$dict" ) -artifact_prefix="$TMP/$name-" \
		"$TMP/$name" "$ROOT/tests/fuzz/corpus/$name" >"$TMP/$name.log" 2>&1
	rc=$?
	ok $rc "fuzz_$name: $runs inputs (seed 1), no crash, leak or hang"
	[ $rc -eq 0 ] || diag "$(grep -v '^#\|^INFO\|^\s*$' "$TMP/$name.log" | tail -n 30)"
done <"$TARGETS"
