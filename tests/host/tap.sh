# A few lines of TAP for the host tests (run by prove). Source it, call
# plan N (or skip_all REASON), then ok/is/like, one per check.
TAP_N=0
TAP_FAILED=0
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LWVMM=${LWVMM:-$ROOT/build/bin/lwvmm}
WORKLOAD=${WORKLOAD:-$ROOT/build/bin/workload}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
diag() { sed 's/^/# /' <<<"$*"; }

ok() { # ok CONDITION-STATUS NAME
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILED=1
	fi
}

is() { # is GOT WANT NAME
	[ "$1" = "$2" ]
	local r=$?
	ok $r "$3"
	[ $r -eq 0 ] || diag "got '$1', want '$2'"
	return $r
}

like() { # like TEXT REGEX NAME
	grep -Eq -- "$2" <<<"$1"
	local r=$?
	ok $r "$3"
	[ $r -eq 0 ] || diag "'$1' does not match /$2/"
	return $r
}

# run_cmd PROGRAM ARGS...: runs it, leaving stdout in $OUT, stderr in $ERR,
# status in $RC.
run_cmd() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

# run_vm ARGS...: run_cmd with lwvmm.
run_vm() { run_cmd "$LWVMM" "$@"; }

# field KEY: a value from the result line in $OUT.
field() {
	grep '^result ' <<<"$OUT" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}

kvm_usable() {
	[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]
}

# Containers (ctrun, baselines/containers/). require_ctrun [vmbench]: sets
# CTRUN (and VMBENCH), or skips the whole test where they are not built, we
# are not root or runc is missing.
require_ctrun() {
	local built=0 what=ctrun
	CTRUN=${CTRUN:-$ROOT/build/bin/ctrun}
	[ -x "$CTRUN" ] || built=1
	if [ "$1" = vmbench ]; then
		VMBENCH=${VMBENCH:-$ROOT/build/bin/vmbench}
		[ -x "$VMBENCH" ] || built=1
		what="ctrun or vmbench"
	fi
	[ $built = 0 ] || skip_all "build/bin/$what is not built (make)"
	[ "$(id -u)" = 0 ] || skip_all "containers need root here"
	command -v runc >/dev/null || skip_all "runc is not installed (make deps)"
}

# run_ct ARGS...: run_cmd with ctrun. Its --stats-json file goes first, so a
# run that fails before writing it cannot leave the last run's to be read.
run_ct() {
	local a prev=
	for a in "$@"; do
		[ "$a" = -- ] && break
		[ "$prev" = --stats-json ] && rm -f -- "$a"
		prev=$a
	done
	run_cmd "$CTRUN" "$@"
}

# leftovers PID: everything named after one ctrun process that still exists;
# "no-pid" without a PID (no stats were written), so the check cannot pass.
leftovers() {
	local p=$1
	[ -n "$p" ] || { echo no-pid; return; }
	{
		runc list -q 2>/dev/null | grep -x "vmb-$p"
		ls /run/netns 2>/dev/null | grep -x "vmb-$p"
		ls /sys/class/net | grep -x "vmbh$p"
		ls -d /sys/fs/cgroup/*/"vmb-$p" /sys/fs/cgroup/"vmb-$p" 2>/dev/null
		ls -d "${TMPDIR:-/tmp}/vmbench-ct-$p" 2>/dev/null
	} | tr '\n' ' '
}

# last_pid: the pid of the ctrun whose --stats-json went to $TMP/s.json.
last_pid() { jq -r .container_id "$TMP/s.json" 2>/dev/null | sed 's/^vmb-//'; }
