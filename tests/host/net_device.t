#!/usr/bin/env bash
# The network device: raw Ethernet frames between the guest and a tap device
# that lives exactly as long as lwvmm (the TCP workload's tests are net.t).
. "$(dirname "$0")/tap.sh"
kvm_usable || skip_all "/dev/kvm is missing or not usable here"
[ -c /dev/net/tun ] || skip_all "/dev/net/tun is missing"
[ "$(id -u)" -eq 0 ] || skip_all "creating a tap device needs root (CAP_NET_ADMIN)"
plan 22

taps() { ip -o link show 2>/dev/null | grep -c 'lwvmm[0-9]' ; }
before=$(taps)

run_vm run --net tap --stats-json "$TMP/s.json" --workload selftest -- --mode net-arp
is "$RC" 0 "the host kernel answers the guest's ARP request through the tap"
like "$OUT" 'answered ARP' "the guest saw the reply"
jq -e '.devices[1].type == "net" and .devices[1].tx_frames >= 1 and .devices[1].rx_frames >= 1' "$TMP/s.json" >/dev/null
ok $? "the monitor counted frames both ways"
is "$(taps)" "$before" "no tap device outlives the run"

run_vm run --net tap,host=10.202.7.1,guest=10.202.7.9,prefix=28 --workload selftest -- --mode net-arp
is "$RC" 0 "addresses given on the command line work"

run_vm run --workload selftest -- --mode net-arp
is "$RC" 2 "without --net the guest has no network device"

run_vm run --net tap --workload selftest -- --mode net-badbuf
is "$RC" 0 "a frame outside guest RAM is answered with -EINVAL"
run_vm run --net tap --workload selftest -- --mode net-overrun
is "$RC" 0 "a transmit producer far ahead of the consumer: the guest sees the device broken"
like "$ERR" 'network device lwvmm[0-9]+ marked broken' "the monitor names the violation"

run_vm run --net tap --workload selftest -- --mode net-badflags
is "$RC" 0 "a blank checksum claimed for a frame that has none, or unknown flags: -EINVAL, the device goes on"
run_vm run --net tap,offload=off --workload selftest -- --mode net-badflags
is "$RC" 0 "the same with offload off (no virtio-net header on the tap)"

run_vm run --net tup --workload cpu
is "$RC" 64 "an unknown --net kind is a usage error"
like "$ERR" "give tap" "naming what to give"
run_vm run --net tap,host=10.0.0.1,guest=10.9.0.2 --workload cpu
is "$RC" 64 "addresses in different subnets are refused"
like "$ERR" 'one subnet' "saying why"
run_vm run --net tap,speed=9000 --workload cpu
is "$RC" 64 "an unknown --net option is refused"
like "$ERR" "bad option 'speed=9000'" "naming the option"
for bad in mtu=575 mtu=65522 mtu=9k offload=yes; do
	run_vm run --net "tap,$bad" --workload cpu
	is "$RC" 64 "--net tap,$bad is refused (exit 64)"
done
run_vm run --net tap,mtu=576 --stats-json "$TMP/s.json" --workload selftest -- --mode net-arp
jq -e '.devices[1].mtu == 576 and .devices[1].offload' "$TMP/s.json" >/dev/null
ok $? "mtu=576, the IPv4 minimum, is taken, and offload is on by default"
