#!/usr/bin/env bash
# The kill soak (issue 10): SOAK_N runs of lwvmm (with and without --disk and
# --net), ctrun, vmbench (tests/soak/suite.json) and the native io workload and
# vmbench-tool, each ended at a random moment by SIGINT, SIGTERM or SIGKILL, to
# the process or to its whole process group as a Ctrl-C does. Every
# SOAK_EVERY iterations, after the sweep the next run would do, nothing of the
# project may be left: process, container, cgroup, network namespace, tap or
# veth, memfd, temporary file, disk image, rootfs cache temporary; a process
# that outlives SIGINT/SIGTERM by SOAK_GRACE seconds is one too (slow-exit).
# Choices come from SOAK_SEED; SOAK_FIRST=i SOAK_N=i replays iteration i.
# See tests/soak/README.md.
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/lib.sh"

SOAK_N=${SOAK_N:-60}
SOAK_SEED=${SOAK_SEED:-2}
SOAK_FIRST=${SOAK_FIRST:-1}
SOAK_EVERY=${SOAK_EVERY:-1}
SOAK_GRACE=${SOAK_GRACE:-10}
SOAK_SETTLE=${SOAK_SETTLE:-5}
BIN=$ROOT/build/bin
SUITE=$HERE/suite.json
KINDS="process slow-exit container cgroup netns link memfd tempfile disk-image rootfs-temp"

exec 3>&2 # tell(): stderr, also where a run's is thrown away

# choose I: sets CMD (the argv), SIG, TO (pid or group), DELAY_MS and COLD
# (empty the rootfs cache first) for iteration I. LIFE is about how long the
# run takes here (ms): the signal comes within it, or a little after (the
# run ends by itself), or in its first 30 ms (start-up).
choose() {
	local i=$1 lw=("$BIN/lwvmm" run --mem 64M --timeout 20) ct=("$BIN/ctrun" run --cpus 1 --mem 64M --timeout 20)
	rng_init "$SOAK_SEED" "$i"
	COLD=
	pick vm vm vm vm-disk vm-disk vm-net vm-net ct ct ct ct vmbench vmbench vmbench vmbench native-io native-io tool
	case $P in
	vm)
		pick 1 2
		local cpus=$P
		pick cpu noise mem hang
		case $P in
		cpu) CMD=("${lw[@]}" --cpus "$cpus" --workload cpu -- --size 2048) LIFE=800 ;;
		noise) CMD=("${lw[@]}" --cpus "$cpus" --workload noise -- --ms 1500) LIFE=1500 ;;
		mem) CMD=("${lw[@]}" --cpus "$cpus" --workload mem -- --mib 16 --ntimes 20) LIFE=800 ;;
		hang) CMD=("$BIN/lwvmm" run --mem 64M --timeout 1 --cpus "$cpus" --workload selftest -- --mode hang)
			LIFE=1000 ;;
		esac ;;
	vm-disk)
		pick randread randwrite read-ro
		LIFE=800
		if [ "$P" = read-ro ]; then
			CMD=("${lw[@]}" --disk "$DISK,ro" --workload io -- --rw randread --bs 4k --qd 4 --mib 64)
		else
			CMD=("${lw[@]}" --disk "$DISK" --workload io -- --rw "$P" --bs 4k --qd 4 --mib 32 --fsync 16)
		fi ;;
	vm-net)
		pick noise arp
		if [ "$P" = noise ]; then
			CMD=("${lw[@]}" --net tap --workload noise -- --ms 1500) LIFE=1500
		else
			CMD=("${lw[@]}" --net tap --workload selftest -- --mode net-arp) LIFE=100
		fi ;;
	ct)
		pick noise cpu-net io iperf3 noise nofile
		case $P in
		noise) CMD=("${ct[@]}" -- workload noise --ms 1500) LIFE=1700 ;;
		cpu-net) CMD=("${ct[@]}" --net -- workload cpu --size 2048) LIFE=1000 ;;
		io) CMD=("${ct[@]}" --file "$DISK" -- workload io --file /scratch/file --rw randread \
			--bs 4k --qd 4 --mib 32) LIFE=900 ;;
		iperf3) rand 10000
			CMD=("${ct[@]}" --iperf3-server $((20000 + R)) -- vmbench-tool iperf3 --threads 1 \
				--seconds 1) LIFE=1300 ;;
		# the open-files limit of issue 10's defect 5, under which runc hangs
		nofile) CMD=(prlimit --nofile=20:20 -- "${ct[@]}" --net -- workload cpu --size 64) LIFE=1000 ;;
		esac
		# half of them with a cold cache: ctrun first builds the root file
		# system, from about 80 ms to 300 ms into the run here
		rand 2
		[ "$R" = 0 ] && COLD=1 LIFE=330 ;;
	vmbench)
		local w e
		pick cpu,noise noise,io io io,cpu io,fio fio iperf3 net,cpu
		w=$P
		pick native container vm native,vm native,container container,vm native,container,vm
		e=$P
		CMD=("$BIN/vmbench" run --suite "$SUITE" --workloads "$w" --envs "$e" --out "$SOAK/results/it-$i")
		LIFE=1200 ;;
	native-io)
		pick 0 1
		CMD=("$BIN/workload" io --file "$DISK" --rw randread --bs 4k --qd 4 --mib 64 --direct "$P")
		LIFE=900 ;;
	tool)
		CMD=("$BIN/vmbench-tool" fio --threads 1 --seconds 1 --size-mib 4) LIFE=1300 ;;
	esac
	pick INT TERM KILL
	SIG=$P
	pick pid group
	TO=$P
	rand 8
	if [ "$R" = 0 ]; then
		rand 30
	else
		rand $((LIFE * 6 / 5))
	fi
	DELAY_MS=$R
}

# What an iteration was, for the report: "COMMAND ARGS, SIGNAL to TO after N ms".
describe() {
	local c="${CMD[*]}"
	c=${c//$BIN\//}
	c=${c//prlimit --nofile=20:20 -- /(ulimit -n 20) }
	c=${c//$SOAK/SOAK}
	c=${c//$HERE\//tests\/soak\/}
	echo "${COLD:+(cold rootfs cache) }$c; SIG$SIG to the $TO after $DELAY_MS ms"
}

# run_one I: start the run, signal it, wait for it and for what it forked.
run_one() {
	local i=$1 t0 waited=0 fired=1
	choose "$i"
	[ -n "$COLD" ] && rm -rf "$SOAK/cache"/rootfs-*
	DESC[$i]=$(describe)
	PROG[$i]=$(basename "$(printf '%s\n' "${CMD[@]}" | grep -m1 "^$BIN/")")
	t0=$(date +%s%N)
	cd "$ROOT" || exit 1
	# A simple command, so that $! is the run itself: setsid makes it the
	# leader of its own group, env gives back the SIGINT and SIGQUIT that bash
	# ignores in what it starts with & (a terminal's Ctrl-C would reach it).
	CTRUN_CACHE=$SOAK/cache LWVMM_SOAK=$MARK \
		setsid env --default-signal -u TMPDIR "${CMD[@]}" >"$SOAK/log/it-$i" 2>&1 </dev/null &
	CUR=$!
	# The delay counts from the program's exec, past setsid and env: a signal
	# before it would find no group yet, or SIGINT still ignored, and be lost.
	local spins=0
	while alive "$CUR" && [ "$spins" -lt 2000 ] &&
		[[ $(head -zn1 "/proc/$CUR/cmdline" 2>/dev/null | tr -d '\0') =~ ^(.*/)?(bash|setsid|env)$|^$ ]]; do
		sleep 0.001
		spins=$((spins + 1))
	done
	sleep "$(printf '%d.%03d' $((DELAY_MS / 1000)) $((DELAY_MS % 1000)))"
	if ! alive "$CUR"; then
		fired=0
	elif [ "$TO" = group ]; then
		kill -"$SIG" -- "-$CUR" 2>/dev/null
	else
		kill -"$SIG" "$CUR" 2>/dev/null
	fi
	while alive "$CUR" && [ "$waited" -lt $((SOAK_GRACE * 20)) ]; do
		sleep 0.05
		waited=$((waited + 1))
	done
	if alive "$CUR"; then
		found "$i" slow-exit "$(describe_pid "$CUR") still ran ${SOAK_GRACE} s after SIG$SIG" &&
			WINDOW_BAD=1
		kill -KILL -- "-$CUR" 2>/dev/null
	fi
	wait "$CUR"
	local rc=$?
	CUR=
	# A SIGKILLed parent cannot stop what it started: let that end by itself.
	waited=0
	while [ -n "$(marked_pids)" ] && [ "$waited" -lt $((SOAK_SETTLE * 10)) ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	note "iteration $i: ${DESC[$i]}: $([ $fired = 1 ] || echo 'ended before the signal, ')exit $rc," \
		"$(( ($(date +%s%N) - t0) / 1000000 )) ms"
	local p
	for p in $(marked_pids); do # the check names them; this says which run left them
		note "iteration $i: still running ${SOAK_SETTLE} s after it ended: $(describe_pid "$p")"
	done
}

# found I KIND WHAT: one leftover of iteration (or window) I.
found() {
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$SOAK/found"
	if [ -n "${SOAK_ALLOW_KNOWN_LEAKS:-}" ] && is_known_leak "$2" "$3" "${PROG[${1##*-}]}"; then
		note "known leak (allowed by SOAK_ALLOW_KNOWN_LEAKS) after iteration $1: $2: $3"
		return 1
	fi
	tell "after iteration $1 ($(window_desc "$1")): $2 left: $3"
	return 0
}
window_desc() { # the commands of window "A-B" or iteration "A"
	local a=${1%-*} b=${1##*-} k out=
	for k in $(seq "$a" "$b"); do out+="${out:+ | }$k: ${DESC[$k]}"; done
	echo "$out"
}

# check FROM TO: after the next run's sweep, nothing may be left.
check() {
	local w=$1 bad=$WINDOW_BAD
	[ "$1" = "$2" ] || w="$1-$2"
	next_run_sweep
	while IFS=$'\t' read -r kind what how; do
		found "$w" "$kind" "$what" && bad=1
		remove_leftover $how
	done < <(leftovers)
	WINDOW_BAD=0
	tap_ok $bad "iterations $w: nothing of the project is left"
}

# Whatever ends the soak (its end, Ctrl-C, a failure), nothing it started
# stays: the current run's group, every marked process, then what they made.
finish() {
	trap - EXIT INT TERM
	[ -n "$CUR" ] && kill -KILL -- "-$CUR" 2>/dev/null
	local p
	for p in $(marked_pids); do kill -KILL "$p" 2>/dev/null; done
	sleep 0.2
	next_run_sweep
	leftovers | while IFS=$'\t' read -r _ _ how; do remove_leftover $how; done
	umount -R -l /tmp
	[ -n "${SOAK_KEEP:-}" ] || rm -rf "$SOAK"
}

if [ -n "${SOAK_DRY:-}" ]; then # only say what each iteration would do, run nothing
	SOAK=$ROOT/build/soak.PID DISK=$ROOT/build/soak.PID/disk.img
	for i in $(seq "$SOAK_FIRST" "$SOAK_N"); do
		choose "$i"
		echo "$i: $(describe)"
	done
	exit 0
fi

skip_all() { echo "1..0 # SKIP $1"; exit 0; }
for b in lwvmm ctrun vmbench vmbench-tool workload netpeer; do
	[ -x "$BIN/$b" ] || skip_all "build/bin/$b is not built (make)"
done
[ "$(id -u)" = 0 ] || skip_all "the soak runs containers, taps and namespaces: it needs root"
[ -c /dev/kvm ] && [ -w /dev/kvm ] || skip_all "/dev/kvm is missing or not usable here"
command -v runc >/dev/null || skip_all "runc is not installed (make deps)"
[ -c /dev/net/tun ] || skip_all "/dev/net/tun is missing"
command -v unshare >/dev/null || skip_all "unshare is missing (util-linux)"

# The soak runs in a mount namespace of its own whose /tmp is a directory of
# its own: whatever is in /tmp there was left by the soak's runs, never by
# another user of the host. All else (/run, /sys, processes) is the host's.
if [ -z "${SOAK_PRIVATE_TMP:-}" ]; then
	SOAK_PRIVATE_TMP=$ROOT/build/soak.$$ exec unshare --mount --propagation private "$BASH" "$0" "$@"
fi
SOAK=$SOAK_PRIVATE_TMP
MARK=soak-$$-$SOAK_SEED
DISK=$SOAK/disk.img
CUR=
WINDOW_BAD=0
declare -a DESC PROG
mkdir -p "$SOAK/tmp" "$SOAK/results" "$SOAK/cache" "$SOAK/log"
# A source tree under /tmp (a CI clone, say) would vanish under the new /tmp:
# it is bound back at its own path there, through a descriptor opened before
# (--no-canonicalize: mount would otherwise resolve the path in the new /tmp).
exec {tree}<"$ROOT"
mount --bind "$SOAK/tmp" /tmp || skip_all "cannot give the soak a /tmp of its own (mount --bind)"
case $ROOT in
/tmp/*)
	SOAK_TMP_KEEP=/tmp/$(cut -d/ -f3 <<<"$ROOT")
	mkdir -p "$ROOT" && mount --no-canonicalize --bind "/proc/self/fd/$tree" "$ROOT" ||
		skip_all "cannot show the source tree $ROOT in the soak's own /tmp"
	;;
esac
exec {tree}<&-
: >"$SOAK/found"
truncate -s 32M "$DISK"

trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

checks=$(( (SOAK_N - SOAK_FIRST + SOAK_EVERY) / SOAK_EVERY ))
echo "1..$((checks + $(wc -w <<<"$KINDS")))"
tell "SOAK_SEED=$SOAK_SEED SOAK_N=$SOAK_N (iterations $SOAK_FIRST-$SOAK_N, a check every $SOAK_EVERY);" \
	"one iteration again: SOAK_SEED=$SOAK_SEED SOAK_FIRST=i SOAK_N=i make soak"
next_run_sweep
started=$(date +%s)
from=$SOAK_FIRST
for i in $(seq "$SOAK_FIRST" "$SOAK_N"); do
	run_one "$i" 2>/dev/null # not bash's "Killed" for each job
	if [ $(( (i - SOAK_FIRST + 1) % SOAK_EVERY )) = 0 ] || [ "$i" = "$SOAK_N" ]; then
		check "$from" "$i"
		from=$((i + 1))
	fi
done

# The summary by kind: how many of each, after which iterations.
for kind in $KINDS; do
	n=0
	its=
	while IFS=$'\t' read -r it k what; do
		[ "$k" = "$kind" ] || continue
		n=$((n + 1))
		its+="${its:+,}$it"
		[ -n "${SOAK_ALLOW_KNOWN_LEAKS:-}" ] && is_known_leak "$k" "$what" "${PROG[${it##*-}]}" &&
			n=$((n - 1))
	done <"$SOAK/found"
	[ -z "$its" ] || tell "$kind: left $(grep -c "	$kind	" "$SOAK/found") times, after iterations $its"
	tap_ok $((n > 0)) "no $kind left in any iteration"
done
tell "$((SOAK_N - SOAK_FIRST + 1)) iterations in $(( $(date +%s) - started )) s"
exit $TAP_FAILED
