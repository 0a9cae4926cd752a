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

# run_vm ARGS...: runs lwvmm, leaving stdout in $OUT, stderr in $ERR, status in $RC.
run_vm() {
	"$LWVMM" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

# field KEY: a value from the result line in $OUT.
field() {
	grep '^result ' <<<"$OUT" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}

kvm_usable() {
	[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]
}
