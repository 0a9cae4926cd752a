#!/usr/bin/env bash
# vmbench run's progress lines (bench/vmbench/progress.h): aligned columns,
# scores with four significant digits, the elapsed time stamped when a run
# ends with an estimate of what is left, and a tick during a long run.
# Native and container runs only (a container that cannot run prints a
# "not run" line in the same columns).
. "$(dirname "$0")/tap.sh"
VMBENCH=$ROOT/build/bin/vmbench
[ -x "$VMBENCH" ] || skip_all "vmbench is not built"
plan 5

cd "$TMP" || exit 1
"$VMBENCH" run --suite smoke --workloads cpu,memlat --envs native,container --reps 2 --out runs/a \
	>/dev/null 2>err
lines=$(grep -E '^\[(..|...)/[0-9]+\] ' err)
diag "$lines"
cols=$(awk '{ print index($0, " cpu --size") + index($0, " memlat --mib") }' <<<"$lines" | sort -u | wc -l)
is "$cols" 1 "the cell column starts at the same place on every line, whatever the environment"
ran=$(grep -v 'not run' <<<"$lines")
bad=$(grep -Ev '\[[0-9]+:[0-9]{2}(, about [0-9]+:[0-9]{2} left)?\]$' <<<"$ran")
is "$bad" "" "every run's line ends with the elapsed time and, but for the last, what is left"
scores=$(sed -n 's/.* rep [0-9]*\/[0-9]*  *\([0-9.]*\) .*/\1/p' <<<"$ran" |
	awk '{ d = $0; gsub(/\./, "", d); sub(/^0+/, "", d); if ($0 < 1000 && length(d) != 4) print }')
is "$scores" "" "scores under 1000 have four significant digits"

cat >long.json <<'J'
{ "name": "long", "reps": 1, "warmup": 0, "timeout_s": 30, "envs": ["native"],
  "cells": [ { "workload": "noise", "params": ["--ms", "2500"], "cpus": 1 } ] }
J
VMBENCH_PROGRESS_S=1 "$VMBENCH" run --suite "$TMP/long.json" --out runs/b >/dev/null 2>err
line=$(grep '^\[ 1/1\]' err)
like "$line" ' \.\.0:01 ' "a run longer than the tick shows its running time while it runs"
like "$line" '\[0:0[2-9]\]$' "the elapsed time is stamped when the run ends, not when it starts"
exit $TAP_FAILED
