#!/usr/bin/env bash
# vmbench's exit statuses (bench/vmbench/README.md, "Exit statuses"): 0 every
# measured run passed, 1 some measured runs failed, 69 nothing ran, 64 usage.
# Native runs only, so that it needs neither /dev/kvm nor root.
. "$(dirname "$0")/tap.sh"
VMBENCH=$ROOT/build/bin/vmbench
[ -x "$VMBENCH" ] || skip_all "vmbench is not built"
plan 12

cd "$TMP" || exit 1
# A suite of two native cells, one of whose parameters the workload rejects.
cat >bad.json <<'J'
{ "name": "bad", "reps": 2, "warmup": 0, "timeout_s": 30, "envs": ["native"],
  "cells": [ { "workload": "cpu", "params": ["--size", "64"], "cpus": 1 },
             { "workload": "cpu", "params": ["--size", "-5"], "cpus": 1 } ] }
J
run_cmd "$VMBENCH" run --suite smoke --workloads cpu --envs native --out runs/ok
is "$RC" 0 "every measured run passed: exit 0"
run_cmd "$VMBENCH" run --suite "$TMP/bad.json" --out runs/bad
is "$RC" 1 "some measured runs failed: exit 1"
like "$ERR" "2 measured runs failed" "and it says how many"
is "$OUT" "runs/bad" "it still prints the run directory"

run_cmd "$VMBENCH" run --suite smoke --envs container-cr --out runs/none
is "$RC" 69 "nothing ran (the suite has no container-cr cell): exit 69"
like "$ERR" "suite smoke has no cell in container-cr \(its cells run in: native, vm, container\)" \
	"it names the environment the suite lacks and the ones it has"
ok "$([ ! -e runs/none ]; echo $?)" "and leaves no empty run directory"
run_cmd "$VMBENCH" run --suite smoke --envs native,container-cr --workloads cpu --out runs/some
like "$RC $ERR" "^0 .*suite smoke has no cell in container-cr" \
	"an environment the suite lacks beside one it has: a warning, the others run"

run_cmd "$VMBENCH" run --suite smoke --bogus
is "$RC" 64 "a bad option: exit 64"
run_cmd "$VMBENCH" run --suite nosuch
is "$RC" 64 "an unknown suite: exit 64"
run_cmd "$VMBENCH" run --suite smoke --envs nosuch
is "$RC" 64 "an unknown environment: exit 64"
run_cmd "$VMBENCH" frobnicate
is "$RC" 64 "an unknown command: exit 64"
exit $TAP_FAILED
