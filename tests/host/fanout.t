#!/usr/bin/env bash
# build/bin/fanout (bench/vmbench/fanout): N copies of a program at once,
# their lines passed on as "iK: ...", one result line taking theirs together
# (scores summed, one checksum, instances, the summed Pss); a failing copy's
# status is fanout's; "@STATS@" becomes PATH.K and PATH.0 ends as PATH;
# copies die with a SIGKILLed fanout; bad usage is 64.
. "$(dirname "$0")/tap.sh"
FANOUT=${FANOUT:-$ROOT/build/bin/fanout}
command -v jq >/dev/null || skip_all "jq is not installed (make deps)"
plan 15

truncate -s 4M "$TMP/img"
run_cmd "$WORKLOAD" dataset --file "$TMP/img" --mib 4 --passes 2 --verify 0
one_sum=$(field checksum)

run_cmd "$FANOUT" 3 "$WORKLOAD" dataset --file "$TMP/img" --mib 4 --passes 2 --verify 0 --hold 1
is "$RC" 0 "three dataset copies: status 0"
is "$(grep -c '^i[0-2]: result workload=dataset ok=1 ' <<<"$OUT")" 3 "each copy's result line, prefixed"
like "$(grep '^result ' <<<"$OUT")" "^result workload=dataset ok=1 " "one result line for all, ok"
is "$(field instances)" 3 "instances=3"
is "$(field checksum)" "$one_sum" "the copies' checksum, a single run's"
ok "$([ "$(field pss_samples)" -gt 0 ] && [ "$(field pss_total_kib)" -gt 0 ]; echo $?)" \
	"the footprint was sampled while all three ran ($(field pss_total_kib) KiB, $(field pss_samples) samples)"
# (compared to 1 part in 10^8: each copy's score is a printed decimal, so the
# sum can differ from fanout's in its last digit)
sum=$(grep '^i[0-2]: result' <<<"$OUT" | tr ' ' '\n' | sed -n 's/^score=//p' | awk '{s += $1} END {printf "%.17g", s}')
ok "$(awk -v a="$(field score)" -v b="$sum" 'BEGIN {d = a - b; if (d < 0) d = -d; exit !(b > 0 && d <= b * 1e-8)}'; echo $?)" \
	"the score is the copies' summed ($(field score) against $sum)"

run_cmd "$FANOUT" 2 sh -c 'exit 3'
is "$RC" 3 "a failing copy's status is fanout's"

run_cmd "$FANOUT" --stats-json "$TMP/st" 2 sh -c 'echo "{\"copy\":\"$0\"}" >"$0"' @STATS@
is "$(jq -r .copy "$TMP/st" 2>/dev/null)" "$TMP/st.0" "@STATS@: copy 0's file ends as PATH"
ok "$([ ! -e "$TMP/st.0" ] && [ ! -e "$TMP/st.1" ]; echo $?)" "... and no PATH.K is left"

# Nothing outlives a SIGKILLed fanout.
"$FANOUT" 2 sh -c 'echo $$; exec sleep 30' >"$TMP/pids" 2>/dev/null &
fan=$!
for _ in $(seq 50); do [ "$(grep -c . "$TMP/pids")" -ge 2 ] && break; sleep 0.1; done
pids=$(sed 's/^i[0-9]*: //' "$TMP/pids" | tr '\n' ' ')
is "$(wc -w <<<"$pids")" 2 "two copies started ($pids)"
kill -KILL "$fan"
wait "$fan" 2>/dev/null
for _ in $(seq 50); do alive=$(for p in $pids; do kill -0 "$p" 2>/dev/null && echo "$p"; done); [ -z "$alive" ] && break; sleep 0.1; done
is "$alive" "" "the copies died with fanout"

run_cmd "$FANOUT" 0 true
is "$RC" 64 "0 copies: 64"
like "$ERR" "^usage: fanout" "... with the usage"
run_cmd "$FANOUT" 2
is "$RC" 64 "no program: 64"
exit $TAP_FAILED
