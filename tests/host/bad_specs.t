#!/usr/bin/env bash
# A bad --disk or --net spec, however long, gives one clear message and
# status 64, before any VM exists (issue 10, defect 2: a long --disk option
# string overran a 64-byte copy and lwvmm died of SIGSEGV).
. "$(dirname "$0")/tap.sh"
[ -x "$LWVMM" ] || skip_all "lwvmm is not built ($LWVMM)"
plan 16

bad() { # bad REGEX ARGS...
	local re=$1
	shift
	run_vm run "$@" --workload cpu
	is "$RC" 64 "lwvmm run $*: status 64"
	like "$ERR" "$re" "lwvmm run $*: message"
}
truncate -s 1M "$TMP/x.img"
bad "unknown option 'roo'" --disk "$TMP/x.img,$(printf 'ro,%.0s' $(seq 20))roo"
bad "unknown option 'directx'" --disk "$TMP/x.img,$(printf 'direct,%.0s' $(seq 40))directx"
bad "empty option" --disk "$TMP/x.img,"
bad "empty option" --disk "$TMP/x.img,ro,,direct"
bad "FILE of 1 to 255 bytes" --disk "$TMP/$(printf 'a%.0s' $(seq 300))"
bad "bad option 'prefix=24x'" --net "tap,prefix=24x"
bad "bad option 'prefix=9999" --net "tap,prefix=99999999999999999999"
bad "at most 127 characters" --net "tap,$(printf 'host=10.201.0.1,%.0s' $(seq 12))"
