#!/bin/bash
# Transmit offloads end to end, VM to LAN: a "VM" namespace sits behind
# vmnic, a guest that brings a netVSC channel up as Linux's hv_netvsc does
# (LSOv2 and checksum offload negotiated through OID_TCP_OFFLOAD_PARAMETERS)
# and bridges it to a tap whose stack hands it 64 KB TCP superframes and
# frames with their checksums left to the NIC; a "LAN" namespace sits at
# the far end of a veth whose near end is an external switch's uplink
# (net_af_packet, which takes neither checksums nor TSO).  So every
# superframe the VM sends is cut by the switch into MSS-sized segments,
# each checksummed in software, on its way to the LAN.
# iperf3 TCP, VM to LAN and LAN to VM, with vmnic's offloads on (the
# default) and off (--no-offload): the bytes arrive, retransmissions stay
# below 5% of the segments, neither namespace's TCP counts a checksum
# error (nstat TcpInCsumErrors), and with offloads on the switch cut
# superframes (stats show: superframes_sw), with them off none.
# Needs root, iperf3, ethtool and python3 (exit 77 otherwise).
set -u
. "$(dirname "$0")/../../tests/lib/vswitchd.sh"
VSWITCHD=$1 CTL=$2 VMNIC=$3
tag=$$
vm=ov$tag lan=ol$tag up=ou$tag
dir=$(mktemp -d)
log=$dir/vswitchd.log
pid="" nic=""
export NSTAT_HISTORY=$dir/nstat.history
fail() {
	echo "FAIL: $*"
	[ -s "$log" ] && tail -10 "$log" | sed 's/^/  vswitchd: /'
	[ -s "$dir/vmnic.log" ] && sed 's/^/  vmnic: /' "$dir/vmnic.log"
	exit 1
}
skip() { echo "SKIP: $*"; exit 77; }
cleanup() {
	[ -n "$nic" ] && kill "$nic" 2>/dev/null && wait "$nic" 2>/dev/null
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del "$vm" 2>/dev/null
	ip netns del "$lan" 2>/dev/null
	ip link del "$up" 2>/dev/null
	rm -rf "$dir" "/var/run/dpdk/vso$tag"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
command -v iperf3 >/dev/null || skip "iperf3 is not installed"
command -v ethtool >/dev/null || skip "ethtool is not installed"
command -v python3 >/dev/null || skip "python3 is not installed (iperf3's JSON)"

# The LAN: a veth whose near end becomes the uplink.
ip netns add "$lan" || fail "netns $lan"
ip link add "$up" type veth peer name eth0 netns "$lan" || fail "veth"
ip link set "$up" up
ip -n "$lan" link set eth0 up
ip -n "$lan" addr add 10.196.0.100/24 dev eth0
# DPDK 22.11's net_af_packet ignores the kernel's "checksum not ready"
# status (TP_STATUS_CSUMNOTREADY): a veth peer with transmit checksum
# offload (a veth's default) hands the switch TCP segments whose checksum
# was never finished, which it would forward as they are.  The LAN's stack
# computes its own, as a physical NIC's peer's frames arrive finished.
# ("tx off" also turns TSO off: the LAN sends MTU-sized frames.)
ip netns exec "$lan" ethtool -K eth0 tx off >/dev/null 2>&1 || fail "ethtool -K eth0 tx off"

vs_start "vso$tag"
ctl switch add ext --type external --uplink "net_af_packet_o$tag,iface=$up" || fail "switch add"
ctl port add ext vm1 --kind netvsc || fail "port add vm1"
[ -f "$dir/run/chan/vm1" ] || fail "no channel file for vm1"
ctl port show ext-uplink | grep -Eq "^ +active: .*tso" && fail "the af_packet uplink claims TSO: $(ctl port show ext-uplink)"

# The guest up, its tap in the VM namespace; "$@": vmnic's options.
nic_up() {
	"$VMNIC" --chan "$dir/run/chan/vm1" --tap "$vm" "$@" >"$dir/vmnic.log" 2>&1 &
	nic=$!
	for _ in $(seq 1 100); do
		grep -q "^vmnic: up" "$dir/vmnic.log" && break
		sleep 0.1
	done
	grep -q "^vmnic: up .* nvsp 0x60001 " "$dir/vmnic.log" || fail "vmnic did not come up at NVSP 6.1"
	[ -e "/var/run/netns/$vm" ] || ip netns add "$vm"
	ip link set "$vm" netns "$vm" || fail "move the tap into the namespace"
	ip -n "$vm" addr add 10.196.0.1/24 dev "$vm"
	ip -n "$vm" link set "$vm" up
	for _ in $(seq 1 30); do
		ip netns exec "$vm" ping -c 1 -W 1 10.196.0.100 >/dev/null 2>&1 && return 0
	done
	fail "the VM does not reach the LAN ($*)"
}
nic_down() {
	kill "$nic" 2>/dev/null
	wait "$nic" 2>/dev/null
	nic=""
}
superframes() { ctl stats show | sed -n 's/.*superframes_sw \([0-9]*\).*/\1/p'; }

# iperf3 TCP for 3 s between the VM (client) and the LAN (server); $1 a
# name, $2 "" (VM -> LAN) or -R (LAN -> VM).  The sender's bytes arrive,
# its retransmissions stay below 5% of its segments, and neither side
# counted a TCP checksum error.
iperf_check() {
	local srv csum n
	ip netns exec "$lan" iperf3 -s -1 -p 5201 >"$dir/iperf-s.log" 2>&1 &
	srv=$!
	for _ in $(seq 1 50); do
		ip netns exec "$lan" ss -ltn | grep -q ":5201 " && break
		sleep 0.1
	done
	# shellcheck disable=SC2086 # $2 is empty or one option
	ip netns exec "$vm" iperf3 -c 10.196.0.100 -p 5201 -t 3 $2 -J >"$dir/iperf-$1.json" 2>&1 ||
		fail "iperf3 ($1): $(tail -5 "$dir/iperf-$1.json")"
	wait "$srv"
	python3 - "$dir/iperf-$1.json" "$1" <<'PY' || fail "iperf3 ($1) result: $(ctl stats show; ctl port show vm1; ctl port show ext-uplink)"
import json, sys
r = json.load(open(sys.argv[1]))["end"]
got, sent = r["sum_received"]["bytes"], r["sum_sent"]["bytes"]
segs = max(1, sent // 1448)
retr = r["sum_sent"].get("retransmits", 0)
print("  %s: %.1f MB received at %.0f Mbit/s, %d retransmissions of %d segments" %
      (sys.argv[2], got / 1e6, r["sum_received"]["bits_per_second"] / 1e6, retr, segs))
sys.exit(0 if got >= 1e6 and retr * 20 < segs else 1)
PY
	for n in "$vm" "$lan"; do
		csum=$(ip netns exec "$n" nstat -az TcpInCsumErrors | awk '$1 == "TcpInCsumErrors" {print $2}')
		[ "${csum:-0}" -eq 0 ] || fail "iperf3 ($1): namespace $n counted $csum TCP checksum errors"
	done
}

nic_up
grep -q "offload on" "$dir/vmnic.log" || fail "vmnic did not negotiate its offloads: $(cat "$dir/vmnic.log")"
echo "ok - the VM's synthetic NIC is up with checksum and large-send offload; it reaches the LAN"
before=$(superframes)
iperf_check offload-vm-to-lan ""
cut=$(($(superframes) - before))
[ "$cut" -gt 0 ] || fail "offload on: the switch cut no superframe for the uplink: $(ctl stats show)"
iperf_check offload-lan-to-vm -R
echo "ok - iperf3 VM <-> LAN with offloads: $cut superframes cut for the af_packet uplink, no checksum error"
nic_down
nic_up --no-offload
before=$(superframes)
iperf_check no-offload-vm-to-lan ""
iperf_check no-offload-lan-to-vm -R
cut=$(($(superframes) - before))
[ "$cut" -eq 0 ] || fail "offload off: $cut superframes reached the switch"
echo "ok - iperf3 VM <-> LAN without offloads: MTU-sized frames, no checksum error"
