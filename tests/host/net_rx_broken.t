#!/usr/bin/env bash
# A receive producer far ahead of the consumer marks the receive ring broken,
# the one the guest watches (issue 10, defect 7: only the transmit ring was
# marked, and a guest waiting on its receive ring never learnt it; the run
# then ends only by the safety --timeout, status 124).
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
[ -c /dev/net/tun ] || skip_all "/dev/net/tun is missing"
[ "$(id -u)" -eq 0 ] || skip_all "creating a tap device needs root (CAP_NET_ADMIN)"
plan 4

run_vm run --timeout 20 --net tap --workload selftest -- --mode net-rx-overrun
is "$RC" 0 "the guest sees its receive ring marked broken"
like "$OUT" "marked the network device's receive ring broken" "the guest says which ring"
like "$ERR" 'network device lwvmm[0-9]+ marked broken: the receive producer' "the monitor names the receive ring"

run_vm run --timeout 20 --net tap --workload selftest -- --mode net-overrun
is "$RC" 0 "a transmit overrun still marks the transmit ring"
