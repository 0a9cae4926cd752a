#!/usr/bin/env bash
# Several domains (VMs) in one lwvmm: each runs and ends with its own status,
# console lines carry the domain's name, a faulting domain does not stop the
# others, the run's status is the first failing domain's (in domain order),
# bad domain files are refused with 64, and the timeout and SIGINT end every
# domain with nothing left behind.
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
command -v jq >/dev/null || skip_all "jq is not installed (make deps)"
plan 52

# --domains N: N identical domains, each line prefixed with its name.
run_vm run --domains 3 --workload cpu -- --size 64
is "$RC" 0 "--domains 3: status 0"
for d in d0 d1 d2; do
	like "$OUT" "^$d: result workload=cpu ok=1 " "$d's result line carries its name"
done
is "$(grep -c '^result\|^d[0-9]*: result' <<<"$OUT")" 3 "three result lines, no more"

run_vm run --domains 1 --workload cpu -- --size 64
like "$OUT" "^result workload=cpu ok=1 " "--domains 1: no prefix, as without --domains"

# A domain file: different domains; one exits 3, one faults, the others go on.
cat >"$TMP/mixed.json" <<'J'
[ {"name": "ok", "workload": "selftest", "args": ["--mode", "exit", "--status", "0"]},
  {"name": "three", "cpus": 2, "mem": "64M", "workload": "selftest", "args": ["--mode", "exit", "--status", "3"]},
  {"name": "bad", "workload": "selftest", "args": ["--mode", "ud2"]},
  {"name": "after", "workload": "cpu", "args": ["--size", "64"]} ]
J
run_vm run --domain-file "$TMP/mixed.json"
is "$RC" 3 "the run's status is the first failing domain's (three: 3, before bad: 70)"
like "$ERR" "^lwvmm: three: domain failed with status 3" "the failed domain 'three' is named with its status"
like "$ERR" "^lwvmm: bad: domain failed with status 70: guest fault on vCPU 0 at RIP 0x[0-9a-f]+ \\(exit reason SHUTDOWN\\)" \
	"the faulting domain 'bad' is named with its fault"
like "$OUT" "^after: result workload=cpu ok=1 " "a domain after the faulting one ran to its end"
is "$(grep -c 'domain failed' <<<"$ERR")" 2 "one line per failed domain, none for those that succeeded"

# The order rule: the fault first, then a status.
cat >"$TMP/order.json" <<'J'
[ {"name": "bad", "workload": "selftest", "args": ["--mode", "badcall"]},
  {"name": "five", "workload": "selftest", "args": ["--mode", "exit", "--status", "5"]},
  {"name": "six", "workload": "selftest", "args": ["--mode", "exit", "--status", "6"]} ]
J
run_vm run --domain-file "$TMP/order.json"
is "$RC" 70 "the first domain in the file that failed gives the status"
like "$ERR" "five: domain failed with status 5" "domain five exited with its own status"
like "$ERR" "six: domain failed with status 6" "domain six exited with its own status"
like "$ERR" "bad: domain failed with status 70: .*unknown hypercall number 9999" "a bad hypercall ends its domain alone"

# Each domain its own devices: two disks, served at once (rings and trap-and-emulate).
truncate -s 16M "$TMP/a.img" "$TMP/b.img"
cat >"$TMP/disks.json" <<J
[ {"name": "w", "workload": "io", "args": ["--rw", "randwrite", "--mib", "4", "--verify", "1"], "disk": "$TMP/a.img"},
  {"name": "r", "workload": "io", "args": ["--rw", "read", "--mib", "4", "--mode", "mmio"], "disk": "$TMP/b.img,ro"} ]
J
run_vm run --domain-file "$TMP/disks.json"
is "$RC" 0 "two domains with a disk each: status 0"
like "$OUT" "^w: result workload=io ok=1 .*write=1" "domain w wrote its own disk"
like "$OUT" "^r: result workload=io ok=1 .*trap_and_emulate=1" "domain r read its own disk"
run_vm run --domains 2 --disk "$TMP/a.img" --workload io
is "$RC" 64 "--domains 2 with one writable --disk: 64 (both would write it)"
sed 's#b.img,ro#a.img,ro#' "$TMP/disks.json" >"$TMP/same.json"
run_vm run --domain-file "$TMP/same.json"
is "$RC" 64 "a domain file where one domain writes a disk another uses: 64"
like "$ERR" "domains 'w' and 'r' both use disk" "... naming both domains"

# All succeed: 0. Per-domain statistics, with totals.
run_vm run --domains 2 --stats --stats-json "$TMP/s.json" --workload cpu -- --size 64
is "$RC" 0 "two domains with statistics: status 0"
is "$(jq -r '[.domains[].name] | join(",")' "$TMP/s.json")" "d0,d1" "--stats-json: one object per domain, by name"
is "$(jq '.totals.domains' "$TMP/s.json")" 2 "--stats-json: totals"
is "$(jq '[.domains[].exit_status] | add' "$TMP/s.json")" 0 "--stats-json: each domain's status"
is "$(jq '.domains[1].hypercalls.exit' "$TMP/s.json")" 1 "--stats-json: each domain's own hypercalls"
is "$(jq -r '.domains[0].memory.backing' "$TMP/s.json")" memfd "--stats-json: each domain's memory"
like "$ERR" "^domain d1:" "--stats: a section per domain"
like "$ERR" "lwvmm stats: 2 domains, 2 vCPUs, 512 MiB RAM, exit status 0" "--stats: the totals"
like "$ERR" "memory: memfd RAM.*KSM never merges memfd RAM" "--stats: KSM is not silently 0 for memfd RAM"

# Bad domain files: one message naming the domain and key, 64.
bad_file() { # bad_file JSON REGEX NAME
	printf '%s\n' "$1" >"$TMP/bad.json"
	run_vm run --domain-file "$TMP/bad.json"
	is "$RC" 64 "$3: status 64"
	like "$ERR" "$2" "$3: message"
}
bad_file '[{"name": "a", "workload": "cpu", "cpux": 1}]' "domain 'a' \\(#1\\): unknown key \"cpux\"" "an unknown key"
bad_file '[{"name": "a", "workload": "cpu", "mem": "5M"}]' "domain 'a' \\(#1\\): \"mem\" is impossible" "an impossible size"
bad_file '[{"name": "a", "workload": "cpu", "cpus": 65}]' "domain 'a' \\(#1\\): \"cpus\" must be .* 1 to 64" "too many vCPUs"
bad_file '[{"name": "a", "workload": "cpu"}, {"name": "a", "workload": "mem"}]' \
	"domain 'a' \\(#2\\): the name is already domain #1's" "a duplicate name"
bad_file '[]' "the list of domains is empty" "an empty list"
run_vm run --domain-file "$TMP/mixed.json" --cpus 2
is "$RC" 64 "--domain-file with a per-domain option: 64"
run_vm run --domains 2 --numa spread --workload cpu
is "$RC" 64 "--numa with several domains: 64 (not built yet)"

# The filters are per thread kind, in every domain.
LWVMM_SECCOMP_SELFTEST=vcpu run_vm run --domains 2 --workload cpu -- --size 64
is "$RC" 70 "with domains, a vCPU thread's forbidden call still ends lwvmm with 70"
like "$ERR" "seccomp: a vCPU thread made the system call openat" "... and names the thread kind and the call"

# The timeout and SIGINT end every domain.
run_vm run --domains 3 --timeout 0.3 --workload selftest -- --mode hang
is "$RC" 124 "the timeout ends the run (124)"
is "$(grep -c 'domain failed with status 124: timeout' <<<"$ERR")" 3 "... and every domain"
marker="domains-t-$$-$RANDOM"
"$LWVMM" run --domains 4 --workload selftest -- --mode hang --marker "$marker" >/dev/null 2>"$TMP/int" &
pid=$!
# SIGINT once every domain runs: the main thread and four vCPU threads exist
# (a slow host, as the lab's, may take a while to set four domains up).
for i in $(seq 1 300); do
	[ "$(ls /proc/$pid/task 2>/dev/null | wc -l)" -ge 5 ] && break
	sleep 0.1
done
sleep 0.2
kill -INT "$pid"
wait "$pid"
is "$?" 130 "SIGINT ends a run of 4 domains with 130"
is "$(grep -c 'domain failed with status 130: interrupted' "$TMP/int")" 4 "... every domain"
is "$(pgrep -af -- "$marker")" "" "no lwvmm process outlives SIGINT"
"$LWVMM" run --domains 2 --timeout 0.3 --workload selftest -- --mode hang --marker "$marker" >/dev/null 2>&1
is "$(pgrep -af -- "$marker")" "" "nothing outlives the timeout"

# A stdout that takes nothing holds no domain past the timeout.
mkfifo "$TMP/fifo"
exec 3<>"$TMP/fifo"   # a reader that never reads
timeout 2 cat /dev/zero >"$TMP/fifo"
timeout -s KILL 30 "$LWVMM" run --domains 3 --timeout 1 --workload cpu -- --size 64 >"$TMP/fifo" 2>"$TMP/err"
is "$?" 124 "output blocked: --timeout ends the three domains, status 124"
is "$(grep -c 'status 124: timeout after 1 s while the guest.s output waited' "$TMP/err")" 3 "... each named"
exec 3>&-
exit $TAP_FAILED
