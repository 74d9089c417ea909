#!/bin/bash
# An uplink with two receive queues, end to end: the uplink is
# net_af_packet with qpairs=2 on a veth whose far end is a LAN namespace;
# the kernel's packet fanout hashes each flow to one of the two sockets,
# as a NIC's RSS hashes it to a queue.  vswitchd runs two workers; the
# uplink's queue 0 is polled by one and queue 1 by the other (workers
# show), and each worker receives frames of the uplink, so both queues
# carry traffic.  A VM stand-in (a second veth, net_af_packet) receives
# every UDP datagram of 16 flows from the LAN, and ping works both ways.
# Hardware VMQ: turning VMQ on for the VM asks the uplink for an rte_flow
# rule steering its MAC to a queue; net_af_packet has no rte_flow, so the
# port reports software VMQ with the driver's refusal, and traffic still
# flows.  Needs root, ethtool and python3 (exit 77 otherwise).
set -u
. "$(dirname "$0")/../../tests/lib/vswitchd.sh"
VSWITCHD=$1 CTL=$2
tag=$$
lan=rl$tag vm=rv$tag up=ru$tag vmv=rw$tag
dir=$(mktemp -d)
log=$dir/vswitchd.log
pid=""
fail() {
	echo "FAIL: $*"
	[ -s "$log" ] && tail -10 "$log" | sed 's/^/  vswitchd: /'
	exit 1
}
skip() { echo "SKIP: $*"; exit 77; }
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del "$lan" 2>/dev/null
	ip netns del "$vm" 2>/dev/null
	ip link del "$up" 2>/dev/null
	ip link del "$vmv" 2>/dev/null
	rm -rf "$dir" "/var/run/dpdk/vsr$tag"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
command -v python3 >/dev/null || skip "python3 is not installed"
command -v ethtool >/dev/null || skip "ethtool is not installed"

ip netns add "$lan" || fail "netns $lan"
ip netns add "$vm" || fail "netns $vm"
ip link add "$up" type veth peer name eth0 netns "$lan" || fail "veth"
ip link add "$vmv" type veth peer name eth0 netns "$vm" || fail "veth"
for l in "$up" "$vmv"; do ip link set "$l" up; done
ip -n "$lan" link set eth0 up
ip -n "$vm" link set eth0 up
ip -n "$lan" addr add 10.199.0.100/24 dev eth0
ip -n "$vm" addr add 10.199.0.1/24 dev eth0
# net_af_packet forwards the kernel's unfinished checksums as they are
# (see offload/tests/e2e_offload.sh): the namespaces finish their own.
for ns in "$lan" "$vm"; do
	ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null 2>&1 || fail "ethtool -K eth0 tx off in $ns"
done
vm_mac=$(ip netns exec "$vm" cat /sys/class/net/eth0/address)

# Two workers on this machine's cores: lcore 0 the control thread, lcores
# 1 and 2 the workers (2 shares a CPU with 0).
vs_eal="--lcores 0@0,1@1,2@0"
vs_start "vsr$tag" --workers 2
ctl info | grep -Eq "^workers: +2" || fail "vswitchd does not run two workers: $(ctl info)"
ctl switch add ext --type external --uplink "net_af_packet_r$tag,iface=$up,qpairs=2" >/dev/null ||
	fail "switch add with a two-queue uplink"
ctl port add ext vm --kind vdev --devargs "net_af_packet_v$tag,iface=$vmv,qpairs=2" --mac "$vm_mac" >/dev/null ||
	fail "port add vm"

# "worker queue" of each of the uplink's queues.
uplink_queues() {
	ctl --json workers show | python3 -c '
import json, sys
for w in json.load(sys.stdin):
    for q in w["queues"]:
        if q["port"] == "ext-uplink" and not q.get("vmq"):
            print(w["worker"], q["queue"], q["packets"])'
}
uplink_queues >"$dir/queues.txt"
w0=$(awk '$2 == 0 {print $1}' "$dir/queues.txt")
w1=$(awk '$2 == 1 {print $1}' "$dir/queues.txt")
[ -n "$w0" ] && [ -n "$w1" ] && [ "$w0" != "$w1" ] ||
	fail "the uplink's two queues are not on two workers: $(ctl workers show)"
echo "ok - the two-queue uplink's queues are polled by workers $w0 and $w1"

ip netns exec "$lan" ping -c 3 -i 0.2 -W 2 10.199.0.1 >/dev/null || fail "LAN -> VM"
ip netns exec "$vm" ping -c 3 -i 0.2 -W 2 10.199.0.100 >/dev/null || fail "VM -> LAN"

# 16 flows (source ports), 50 datagrams each, LAN -> VM.
udp_flows() {
	ip netns exec "$vm" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.199.0.1", 7000))
s.settimeout(3)
n = 0
try:
    while True:
        s.recv(100); n += 1
except socket.timeout:
    pass
print(n)' >"$dir/udp.out" &
	local rx=$!
	within 5 eval 'ip netns exec "$vm" ss -lun | grep -q ":7000 "' || fail "UDP receiver in the VM"
	ip netns exec "$lan" python3 -c '
import socket, time
for flow in range(16):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.199.0.100", 40000 + flow))
    for i in range(50):
        s.sendto(b"flow %d %d" % (flow, i), ("10.199.0.1", 7000))
        time.sleep(0.0005)'
	wait "$rx"
	cat "$dir/udp.out"
}
ctl stats clear >/dev/null
got=$(udp_flows)
[ "${got:-0}" -ge 790 ] || fail "the VM received ${got:-0} of 800 datagrams: $(ctl stats show ext-uplink)"
per_queue=$(uplink_queues)
[ "$(echo "$per_queue" | awk '$3 > 0' | wc -l)" -eq 2 ] ||
	fail "frames arrived on one uplink queue only (worker queue packets: $per_queue)"
echo "ok - 16 UDP flows from the LAN reach the VM ($got of 800), the uplink's frames arrive on both queues ($(echo "$per_queue" | tr '\n' ';'))"

ctl port set vm --vmq on >/dev/null || fail "vmq on"
ctl port show vm | grep -Eq "^  why: .*software.*rte_flow" ||
	fail "vmq on: no report of the software fallback: $(ctl port show vm)"
got=$(udp_flows)
[ "${got:-0}" -ge 790 ] || fail "VMQ on: the VM received ${got:-0} of 800 datagrams"
echo "ok - VMQ on an uplink without rte_flow falls back to software VMQ, reported:$(ctl port show vm | sed -n 's/^  why: */ /p')"
