#!/usr/bin/env bash
# vmbench end to end: the smoke suite in every environment this host offers,
# run from another directory with a relative --out, then its report.
. "$(dirname "$0")/tap.sh"
VMBENCH=$ROOT/build/bin/vmbench
[ -x "$VMBENCH" ] || skip_all "vmbench is not built"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
plan 11

cd "$TMP" || exit 1
dir=$("$VMBENCH" run --suite smoke --out runs/smoke 2>"$TMP/err")
is "$?" 0 "vmbench run --suite smoke exits 0"
is "$dir" "runs/smoke" "it prints the run directory"
envs=$(jq -r '.envs | to_entries[] | select(.value.available) | .key' runs/smoke/environment.json 2>/dev/null | sort | tr '\n' ' ')
like "$envs" 'native .*vm' "native and vm are available here ($envs)"
# Natively (and in containers) the io workload runs fio: without fio (the lab) those rows fail.
io_envs=$(jq -r '.envs[]' runs/smoke/suite.json | grep -cx -F "$(echo "$envs" | tr ' ' '\n' | grep .)")
skip_fio=cat
if ! command -v fio >/dev/null; then
	skip_fio="grep -v -e ^native.io -e ^container.io"
	io_envs=$(echo "$envs" | tr ' ' '\n' | grep -c -x vm)
fi
failed=$(jq -r 'select(.ok | not) | "\(.env) \(.workload): \(.error // "unavailable")"' runs/smoke/results.jsonl |
	grep -v 'unavailable' | $skip_fio || true)
is "$failed" "" "every run in an available environment passed its check"
is "$(jq -s '[.[] | select(.workload == "io" and .ok)] | length' runs/smoke/results.jsonl)" \
	"$io_envs" "the io cell ran on its backing file in every available environment"
left=$(find runs/smoke -name 'disk-*.img' | wc -l)
is "$left" 0 "the backing file is removed at the end of the run"
report=$("$VMBENCH" report runs/smoke 2>/dev/null)
like "$(cat "$report" 2>/dev/null)" 'Disco' "the report is written and sets the figures beside Disco's"

# --workloads: only those cells, every environment; an unknown name is refused before anything runs
"$VMBENCH" run --suite smoke --workloads cpu,mem --envs native --out runs/subset >/dev/null 2>"$TMP/err"
is "$?" 0 "vmbench run --workloads cpu,mem exits 0"
is "$(jq -r .workload runs/subset/results.jsonl | sort -u | tr '\n' ' ')" "cpu mem " \
	"only the cpu and mem cells ran"
# interleaved runs, the order rotating each round: native vm, then vm native
"$VMBENCH" run --suite smoke --workloads cpu --envs native,vm --reps 2 --out runs/order >/dev/null 2>"$TMP/err"
is "$(jq -r '"\(.env)/\(.rep)"' runs/order/results.jsonl | tr '\n' ' ')" "native/1 vm/1 vm/2 native/2 " \
	"runs interleave across environments and the order rotates each round"
"$VMBENCH" run --suite smoke --workloads cpu,nosuch --out runs/none >/dev/null 2>"$TMP/err"
rc=$?
like "$rc $(cat "$TMP/err")" "^64 .*no cell of workload 'nosuch' \(its workloads: cpu, mem" \
	"an unknown workload: exit 64 and the suite's workloads"
