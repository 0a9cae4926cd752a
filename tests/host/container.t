#!/usr/bin/env bash
# ctrun (baselines/containers/): bundle contents and limits, real container
# runs of every native workload with their checks, the network namespace,
# clean-up after success, failure, timeout and SIGINT, and clear messages
# when no OCI runtime or no permission is available.
. "$(dirname "$0")/tap.sh"
require_ctrun
plan 43
export CTRUN_CACHE=$TMP/cache   # a fresh root file system cache for this test

# Bundle: config.json with the limits, a root file system with the programs and their libraries.
run_ct bundle --out "$TMP/b" --cpus 1 --cpuset 0 --mem 300M --pids 64 -- workload cpu --size 32
is "$RC" 0 "ctrun bundle writes a bundle"
cfg=$TMP/b/config.json
is "$(jq -r .linux.resources.cpu.cpus "$cfg")" 0 "config.json: cpuset"
is "$(jq -r .linux.resources.memory.limit "$cfg")" 314572800 "config.json: memory limit"
is "$(jq -r .linux.resources.memory.swap "$cfg")" 314572800 "config.json: memory+swap = limit (no extra swap)"
is "$(jq -r .linux.resources.pids.limit "$cfg")" 64 "config.json: pids limit"
is "$(jq -c .process.args "$cfg")" '["/bin/ctstamp","workload","cpu","--size","32"]' "config.json: the program behind ctstamp"
is "$(jq -r '.process.terminal, .root.readonly' "$cfg" | tr '\n' ' ')" "false true " "config.json: no terminal, read-only root"
rootfs=$(jq -r .root.path "$cfg")
like "$rootfs" "^$TMP/cache/rootfs-[0-9a-f]{16}$" "the root file system lives in the cache"
missing=""
for prog in workload vmbench-tool fio iperf3 stress-ng busybox ctstamp; do
	[ -x "$rootfs/bin/$prog" ] || missing="$missing $prog"
done
is "$missing" "" "the root file system holds every program"
want=$(for p in "$ROOT/build/bin/workload" "$ROOT/build/bin/vmbench-tool" "$(command -v fio)" "$(command -v iperf3)" "$(command -v stress-ng)"; do
	ldd "$p" | awk '/=> \//{print $3} /^[[:space:]]*\/.*ld-linux/{print $1}'; done | sort -u)
got=$(sed -n 's/^library //p' "$rootfs/etc/ctrun-manifest" | sort -u)
is "$got" "$want" "it holds exactly the libraries ldd resolves for them"
missing=""
for l in $want; do [ -f "$rootfs$l" ] || missing="$missing $l"; done
is "$missing" "" "every library is in place"
is "$(find "$rootfs" -name '*.so*' -type f | wc -l)" "$(wc -w <<<"$want")" "and no other library"
before=$(stat -c %Y "$rootfs")
run_ct bundle --out "$TMP/b2" -- true
is "$(jq -r .root.path "$TMP/b2/config.json")" "$rootfs" "a second bundle reuses the cached root file system"
is "$(stat -c %Y "$rootfs")" "$before" "without rebuilding it"
rm -rf "$TMP/b" "$TMP/b2"

# Real runs of every workload that runs natively, with its own check.
run_ct run --cpus 1 --mem 256M --stats-json "$TMP/s.json" -- workload cpu --threads 1 --size 32
is "$RC $(field ok)" "0 1" "cpu runs in a container and passes its check"
is "$(leftovers "$(last_pid)")" "" "nothing is left after the cpu run"
run_ct run --cpus 2 --mem 256M --stats-json "$TMP/s.json" -- workload mem --threads 2 --mib 16 --ntimes 2
is "$RC $(field ok)" "0 1" "mem runs in a container and passes its check"
is "$(leftovers "$(last_pid)")" "" "nothing is left after the mem run"
jq -e '.runtime == "runc" and (.runtime_version | length > 0) and .startup_ms > 0 and .limits.cpus == 2 and .limits.mem_bytes == 268435456 and .rootfs_cached' "$TMP/s.json" >/dev/null
ok $? "--stats-json records runtime, version, startup_ms, limits and the cache hit"

# The limits are really applied inside.
run_ct run --cpus 1 --mem 300M -- sh -c 'nproc; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
is "$(echo $OUT)" "1 314572800" "inside: one CPU and the memory limit"

# Network: a veth pair to the host end, and iperf3 through it.
run_ct run --net --stats-json "$TMP/s.json" -- sh -c 'ip -4 -o addr show eth0; echo peer=$VMBENCH_PEER'
like "$OUT" "inet 10\.231\.[0-9]+\.[0-9]+/30" "--net: eth0 has a /30 of 10.231.0.0/16"
like "$OUT" "peer=10\.231\." "--net: VMBENCH_PEER is the host end"
is "$(leftovers "$(last_pid)")" "" "--net: netns, veth and cgroups are gone afterwards"
run_ct run --cpus 1 --iperf3-server 5399 --stats-json "$TMP/s.json" -- vmbench-tool iperf3 --threads 1 --seconds 1
is "$RC $(field ok)" "0 1" "iperf3 in the container reaches the server on the host end"
is "$(leftovers "$(last_pid)")" "" "nothing is left after the iperf3 run"
pgrep -f 'iperf3 -s -B 10.231' >/dev/null
ok $((!$?)) "the host-side iperf3 server is gone"

"$ROOT/build/bin/vmbench-tool" iperf3 --threads 1 --seconds 1 >/dev/null 2>&1
pgrep -f 'iperf3 -s -B 127.0.0.1' >/dev/null
ok $((!$?)) "natively, vmbench-tool's own iperf3 server is gone afterwards"

# Failure, timeout and SIGINT.
run_ct run --stats-json "$TMP/s.json" -- sh -c 'exit 3'
is "$RC" 3 "the program's exit status passes through"
is "$(leftovers "$(last_pid)")" "" "nothing is left after a failed run"
run_ct run --timeout 1 --stats-json "$TMP/s.json" -- sleep 30
is "$RC" 124 "--timeout kills the container (exit 124)"
is "$(leftovers "$(last_pid)")" "" "nothing is left after a timeout"
"$CTRUN" run --net -- sleep 30 >/dev/null 2>"$TMP/err" &
pid=$!
for _ in $(seq 50); do runc list -q 2>/dev/null | grep -qx "vmb-$pid" && break; sleep 0.1; done
kill -INT $pid
wait $pid
is "$?" 130 "SIGINT ends the run with 130"
is "$(leftovers "$pid")" "" "nothing is left after SIGINT"

# Clear messages.
run_ct run -- sh -c 'exit 0' --bogus
is "$RC" 0 "arguments after the program belong to it"
run_ct run --mem 1 -- true
is "$RC" 64 "a bad --mem is a usage error"
run_ct run --mem 17179869188G -- true
is "$RC" 64 "a --mem that does not fit in 64 bits is a usage error, not a 4 GiB limit"
is "$ERR" "ctrun: --mem '17179869188G' is too large (at most 8589934591G)" "with one message"
online=$(cat /sys/devices/system/cpu/online)
past=$(( ${online##*[-,]} + 1 ))
run_ct run --cpuset "$past-$((past + 2))" -- true
is "$RC" 64 "--cpuset with CPUs the host does not have is a usage error"
is "$ERR" "ctrun: --cpuset $past-$((past + 2)) names CPUs this host does not have online: its CPUs are $online" \
	"with one message naming the CPUs that exist, not the runtime's log"
mkdir -p "$TMP/path" && for t in ldd ip fio iperf3 stress-ng busybox; do ln -sf "$(command -v $t)" "$TMP/path/$t"; done
PATH=$TMP/path "$CTRUN" run -- true >"$TMP/out" 2>"$TMP/err"
RC=$?; ERR=$(cat "$TMP/err")
is "$RC" 69 "no OCI runtime: exit 69"
like "$ERR" "no OCI runtime: runc is not installed" "no OCI runtime: one clear message"
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CTRUN" run -- true >"$TMP/out" 2>"$TMP/err"
	RC=$?; ERR=$(cat "$TMP/err")
	is "$RC" 69 "not root: exit 69"
	like "$ERR" "permission denied: runc needs root" "not root: one clear message"
else
	ok 0 "# SKIP setpriv is missing"
	ok 0 "# SKIP setpriv is missing"
fi
exit $TAP_FAILED
