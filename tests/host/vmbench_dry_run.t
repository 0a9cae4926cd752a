#!/usr/bin/env bash
# vmbench run --dry-run: the cells and runs a run would do and how long it
# may take, with nothing run and nothing written; and vmbench list.
. "$(dirname "$0")/tap.sh"
VMBENCH=$ROOT/build/bin/vmbench
[ -x "$VMBENCH" ] || skip_all "vmbench is not built"
plan 14

cd "$TMP" || exit 1
run_cmd "$VMBENCH" run --suite smoke --workloads cpu,mem --envs native --reps 3 --dry-run
is "$RC" 0 "--dry-run exits 0"
like "$OUT" "native +cpu --size 64 \(cpus 1\): 3 runs" "it lists each cell and environment with its runs"
like "$OUT" "6 runs in 2 cell/environment pairs; at most 6:00 \(every run up to its timeout of 60 s\)" \
	"and the total, with the longest it may take"
ok "$([ ! -e results ]; echo $?)" "nothing is written"
"$VMBENCH" run --suite smoke --workloads cpu --envs native >/dev/null 2>&1
run_cmd "$VMBENCH" run --suite smoke --workloads cpu,mem --envs native --dry-run
like "$OUT" "about [0-9]+:[0-9]{2} of runs, from the last run of suite smoke \(results/" \
	"with an earlier run of the suite, an estimate from its run times"
run_cmd "$VMBENCH" run --suite smoke --envs container-cr --dry-run
is "$RC" 69 "nothing would run: 69"

# vmbench compare: the same cells across run directories
"$VMBENCH" run --suite smoke --workloads cpu --envs native --reps 3 --out runs/x >/dev/null 2>&1
"$VMBENCH" run --suite smoke --workloads cpu --envs native --reps 3 --out runs/y >/dev/null 2>&1
run_cmd "$VMBENCH" compare --html c.html runs/x runs/y
like "$RC|$OUT" "^0\|# vmbench compare" "vmbench compare exits 0 with a Markdown table"
like "$OUT" "^\| cpu --size 64 \| 1 \| native \| [0-9.]+ \(3\) \| [0-9.]+ \(3\) \| [0-9.]+ \| [0-9.]+ – [0-9.]+ \|" \
	"each directory's median, the ratio and its interval"
like "$(cat c.html 2>/dev/null)" "<table>" "and the same as HTML with --html"

run_cmd "$VMBENCH" list
is "$RC" 0 "vmbench list exits 0"
like "$OUT" "  smoke +9 cells, 21 runs, about [0-9:]+ \(its last run\), at most 21:00: Tiny sizes" \
	"it lists the suites with their cells, runs and durations"
like "$OUT" "inside lwvmm only: hypercall selftest" "the workloads, and those that run only in the VM"
like "$OUT" "^  native +available: " "the environments, available here"
like "$OUT" "^  vm-linux +(available: an unmodified Linux kernel|unavailable here: .)" \
	"vm-linux: available, or why not"
exit $TAP_FAILED
