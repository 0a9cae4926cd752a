#!/usr/bin/env bash
# One convention for every binary (README.md, "Command-line conventions"):
# --help prints usage on stdout and exits 0, also after a subcommand;
# --version prints the git revision it was built from (as `lwvmm info`);
# a usage error says why on stderr and exits 64 (EX_USAGE).
. "$(dirname "$0")/tap.sh"
B=$ROOT/build/bin
for b in lwvmm ctrun ctstamp vmbench workload netpeer vmbench-tool guestimg; do
	[ -x "$B/$b" ] || skip_all "build/bin/$b is not built (make)"
done
plan 53

rev=$("$B/lwvmm" info 2>/dev/null | sed -n 's/^version: //p')
[ -n "$rev" ] || rev=$(git -C "$ROOT" describe --always --dirty 2>/dev/null)

help_ok() { # help_ok BINARY ARGS...: --help on stdout, exit 0, nothing on stderr
	run_cmd "$B/$1" "${@:2}"
	like "$RC|$ERR|$OUT" "^0\|\|usage: " "$* prints usage on stdout and exits 0"
}
for b in lwvmm ctrun ctstamp vmbench workload netpeer vmbench-tool guestimg; do
	help_ok "$b" --help
	help_ok "$b" -h
	run_cmd "$B/$b" --version
	is "$RC $OUT" "0 $b $rev" "$b --version prints the revision it was built from"
	run_cmd "$B/$b" --no-such-option
	like "$RC|$OUT|$ERR" "^64\|\|$b: .*--no-such-option" "$b: a bad option is a usage error (64) named on stderr"
done
for sub in run info; do help_ok lwvmm "$sub" --help; done
for sub in run bundle checkpoint gc info; do help_ok ctrun "$sub" --help; done
for sub in run report gc list; do help_ok vmbench "$sub" --help; done
help_ok workload cpu --help
help_ok vmbench-tool fio --help
# usage errors of subcommands and of the workloads themselves
run_cmd "$B/vmbench" report
is "$RC" 64 "vmbench report without DIR: 64"
run_cmd "$B/ctrun" run --bogus -- true
is "$RC" 64 "ctrun run --bogus: 64"
run_cmd "$B/workload" cpu --size -5
like "$RC|$ERR" "^64\|cpu: .*-5" "workload cpu --size -5: 64, naming the value on stderr"
run_cmd "$B/workload" cpu --size 0
is "$ERR" "cpu: --size must be 1..16384, not 0" "a bad --size: one range, its own, and the value"
run_cmd "$B/workload" nosuch
like "$RC|$ERR" "^64\|workload: unknown workload 'nosuch'" "an unknown workload: 64"
run_cmd "$B/netpeer" --port 70000
is "$RC" 64 "netpeer --port 70000: 64"
run_cmd "$B/vmbench-tool" nosuch
is "$RC" 64 "vmbench-tool nosuch: 64"
run_cmd "$B/ctstamp"
is "$RC" 64 "ctstamp without a program: 64"
exit $TAP_FAILED
