# Helpers of tests/soak/soak.t: the seeded choices, starting and signalling a
# run, and finding (then removing) what the project's runs left behind.
#
# Every run gets LWVMM_SOAK=$MARK in its environment, which every process it
# forks inherits (lwvmm, ctrun, runc, fio, netpeer, iperf3, workload...), so a
# process of the soak is found by its /proc/PID/environ, never by its name:
# other users of this host may run the same programs at the same time.
# Container processes get the OCI environment instead; they are found by
# their cgroup vmb-PID, PID being the ctrun that made it. Things named after
# a ctrun's pid (container, cgroup, netns, veth, bundle) are the soak's when
# that ctrun is gone (what `ctrun gc` must have swept) or carries the marker.

# --- the seeded PRNG (xorshift32, in bash arithmetic: the same on every bash) ---
# Each iteration's choices depend only on (SOAK_SEED, iteration), so one
# iteration can be replayed alone (SOAK_FIRST=i SOAK_N=i).
RNG=1
rng_init() { # rng_init SEED ITERATION
	RNG=$(( ($1 * 2654435761 + $2 * 40503 + 12345) & 0xffffffff ))
	[ "$RNG" -ne 0 ] || RNG=1
	local k
	for k in 1 2 3 4; do rand 2; done
}
rand() { # rand N: R = a number in [0, N)
	RNG=$(( RNG ^ ((RNG << 13) & 0xffffffff) ))
	RNG=$(( RNG ^ (RNG >> 17) ))
	RNG=$(( RNG ^ ((RNG << 5) & 0xffffffff) ))
	R=$(( RNG % $1 ))
}
pick() { # pick WORD...: P = one of the words
	rand $#
	local a=("$@")
	P=${a[$R]}
}

# --- TAP, with the details of a failure on stderr so that prove shows them ---
TAP_N=0
TAP_FAILED=0
tap_ok() { # tap_ok STATUS NAME
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILED=1
	fi
}
note() { echo "# $*"; }            # progress: shown by prove -v
tell() { echo "soak: $*" >&3; }   # failures and the seed: always shown (fd 3: stderr)

# --- processes ---
# alive PID: the process exists and is not a zombie.
alive() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	[ "${s:0:1}" != Z ]
}

# marked_pids: the processes carrying the soak's marker.
marked_pids() {
	grep -lsFz "LWVMM_SOAK=$MARK" /proc/[0-9]*/environ 2>/dev/null |
		sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p'
}

# marked PID: the process carries the soak's marker.
marked() { grep -qsFz "LWVMM_SOAK=$MARK" "/proc/$1/environ"; }

# mine_or_gone PID: a ctrun pid whose things are the soak's to check.
mine_or_gone() { [ ! -e "/proc/$1" ] || marked "$1"; }

describe_pid() { # "PID comm args"
	local args
	args=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | cut -c1-120)
	echo "pid $1 ($(cat "/proc/$1/comm" 2>/dev/null)) $args"
}

# container_pids: processes in a cgroup vmb-PID of a ctrun that is the soak's or gone.
container_pids() {
	local f owner
	for f in $(grep -lsE ':/vmb-[0-9]+(/|$)' /proc/[0-9]*/cgroup 2>/dev/null); do
		owner=$(grep -oE ':/vmb-[0-9]+' "$f" 2>/dev/null | head -n 1 | sed 's/.*vmb-//')
		[ -n "$owner" ] && mine_or_gone "$owner" || continue
		f=${f#/proc/}
		echo "${f%/cgroup}"
	done
}

# --- what is left: one line "KIND<TAB>WHAT<TAB>HOW TO REMOVE IT" per leftover ---
leftovers() {
	local p f n id holders
	for p in $( { marked_pids; container_pids; } | sort -un); do
		[ "$p" = "$$" ] || ! alive "$p" || printf 'process\t%s\tkill %s\n' "$(describe_pid "$p")" "$p"
	done
	for f in /run/runc/vmb-* /run/crun/vmb-*; do
		[ -e "$f" ] || continue
		id=${f##*/}
		mine_or_gone "${id#vmb-}" && printf 'container\t%s (%s)\trunc-delete %s\n' "$id" "$f" "$id"
	done
	for f in /sys/fs/cgroup/vmb-* /sys/fs/cgroup/*/vmb-*; do
		[ -d "$f" ] || continue
		id=${f##*/}
		mine_or_gone "${id#vmb-}" && printf 'cgroup\t%s\trmdir %s\n' "$f" "$f"
	done
	for f in /run/netns/vmb-*; do
		[ -e "$f" ] || continue
		id=${f##*/}
		mine_or_gone "${id#vmb-}" && printf 'netns\t%s\tnetns-del %s\n' "$id" "$id"
	done
	for f in /sys/class/net/vmbh*; do
		[ -e "$f" ] || continue
		n=${f##*/}
		mine_or_gone "${n#vmbh}" && printf 'link\tveth %s\tlink-del %s\n' "$n" "$n"
	done
	# A tap lives as long as an open /dev/net/tun names it; one nobody
	# holds, or one held by a process of the soak, is left over.
	for f in /sys/class/net/lwvmm*; do
		[ -e "$f" ] || continue
		n=${f##*/}
		holders=$(grep -lsE "^iff:[[:space:]]+$n\$" /proc/[0-9]*/fdinfo/* 2>/dev/null |
			cut -d/ -f3 | sort -u)
		if [ -z "$holders" ]; then # and still there: its holder did not just end
			[ -e "$f" ] && printf 'link\ttap %s held by no process\tlink-del %s\n' "$n" "$n"
			continue
		fi
		for p in $holders; do
			marked "$p" && printf 'link\ttap %s held by %s\tkill %s\n' "$n" "$(describe_pid "$p")" "$p"
		done
	done
	find /proc/[0-9]*/fd -lname '/memfd:lwvmm-*' 2>/dev/null | while read -r f; do
		p=$(cut -d/ -f3 <<<"$f")
		marked "$p" && printf 'memfd\t%s -> %s (%s)\tkill %s\n' "$f" \
			"$(readlink "$f" 2>/dev/null)" "$(cat "/proc/$p/comm" 2>/dev/null)" "$p"
	done
	# Temporary files: everything in the soak's own /tmp (soak.t), but the
	# way to the source tree when it lies under /tmp (SOAK_TMP_KEEP).
	for f in /tmp/* /tmp/.[!.]*; do
		[ -e "$f" ] && [ "$f" != "${SOAK_TMP_KEEP:-}" ] && printf 'tempfile\t%s\trm %s\n' "$f" "$f"
	done
	for f in "$SOAK/results"/*/disk-*.img; do
		[ -e "$f" ] && printf 'disk-image\t%s\trm %s\n' "$f" "$f"
	done
	for f in "$SOAK/cache"/rootfs-*.tmp-*; do
		[ -e "$f" ] && printf 'rootfs-temp\t%s\trm %s\n' "$f" "$f"
	done
	return 0
}

# remove_leftover HOW ARG: undo one leftover, so that the next check sees
# only what later iterations leave.
remove_leftover() {
	case "$1" in
	kill) kill -KILL "$2" 2>/dev/null ;;
	runc-delete) runc delete --force "$2" >/dev/null 2>&1 ;;
	rmdir) rmdir "$2" 2>/dev/null ;;
	netns-del) ip netns del "$2" 2>/dev/null ;;
	link-del) ip link del "$2" 2>/dev/null ;;
	rm) rm -rf -- "$2" ;;
	esac
}

# soak_env PROGRAM ARGS: runs it as the soak runs everything: marked, with
# the soak's own rootfs cache, TMPDIR unset (the soak's own /tmp).
soak_env() { CTRUN_CACHE=$SOAK/cache LWVMM_SOAK=$MARK env -u TMPDIR "$@"; }

# The sweep that the next run does: ctrun's (every run, and `ctrun gc`) and
# vmbench's (a short run beside the soak's run directories).
# vmbench gc, where this vmbench has it, does them all in one command.
next_run_sweep() {
	{
		soak_env "$BIN/ctrun" gc
		soak_env "$BIN/vmbench" run --suite "$SUITE" --workloads cpu --envs native \
			--out "$SOAK/results/sweep"
		soak_env "$BIN/workload" io --file "$DISK" --rw read --bs 4k --qd 1 --mib 1
		if "$BIN/vmbench" --help 2>&1 | grep -q 'vmbench gc'; then
			soak_env "$BIN/vmbench" gc "$SOAK/results"
		fi
	} >>"$SOAK/sweep.log" 2>&1
	rm -rf "$SOAK/results/sweep"
}

# Known leaks (issue 10, defect 6 and 5): SOAK_ALLOW_KNOWN_LEAKS=1 reports
# them without failing, to see whether the rest is clean. Never the default.
is_known_leak() { # is_known_leak KIND WHAT COMMAND
	case "$1" in
	disk-image | rootfs-temp) return 0 ;;
	tempfile) [[ $2 == */lwvmm-fio-* || $2 == */vmbench-tool-* ]] ;;
	slow-exit) [ "$3" = ctrun ] ;;
	*) return 1 ;;
	esac
}
