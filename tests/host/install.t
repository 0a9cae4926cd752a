#!/usr/bin/env bash
# make install PREFIX=DIR: the binaries, suites, reference figures, docs and
# --help texts, and an installed vmbench finds its suites and programs
# outside the source tree.
. "$(dirname "$0")/tap.sh"
[ -x "$ROOT/build/bin/vmbench" ] || skip_all "vmbench is not built (make)"
[ -z "$LWVMM_LAB" ] || skip_all "make install is a build-host test (the lab runs built binaries)"
command -v make >/dev/null && command -v install >/dev/null || skip_all "make or install(1) is missing here"
[ -f "$ROOT/Makefile" ] || skip_all "no source tree here"
plan 6

P=$TMP/prefix
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$ROOT" install PREFIX="$P" >"$TMP/out" 2>&1
is "$?" 0 "make install PREFIX=DIR works"
missing=$(for f in bin/lwvmm bin/vmbench bin/workload bin/ctrun bin/netpeer bin/vmbench-tool bin/fanout \
	share/vmbench/suites/smoke.json share/vmbench/references.json share/doc/vmbench/vmbench.txt \
	share/doc/vmbench/adding-a-workload.md; do [ -e "$P/$f" ] || echo "$f"; done)
is "$missing" "" "binaries, suites, reference figures, docs and --help texts are installed"
cd "$TMP" || exit 1
run_cmd "$P/bin/vmbench" list suites
like "$OUT" "^  smoke " "the installed vmbench finds its suites (in PREFIX/share/vmbench)"
run_cmd "$P/bin/vmbench" run --suite smoke --workloads cpu --envs native --out run
is "$RC" 0 "and runs one with the installed workload binary"
run_cmd "$P/bin/vmbench" report run
is "$RC" 0 "and reports it"
like "$(cat run/report.md)" "\[Disco 1997\] E. Bugnion" "with the installed reference figures"
exit $TAP_FAILED
