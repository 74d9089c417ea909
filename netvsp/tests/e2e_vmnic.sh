#!/bin/bash
# Synthetic NICs end to end: two "VM" namespaces each sit behind vmnic, a
# guest that brings a netVSC channel up as Linux's hv_netvsc does (NVSP,
# RNDIS) and bridges it to a tap.  Through vswitchd's netvsc ports they
# ping each other and the host's vNIC (the internal switch's host port);
# the ports show their generated Hyper-V MACs as static entries and the
# link as up; in VLAN 10 on both they still talk, and moving one to VLAN
# 20 cuts them apart.  iperf3 TCP between them is correct with the
# guests' offloads on (checksum, large send and RSC: the sender's
# superframes reach the receiver coalesced, never cut) and off (MTU-sized
# frames only).  And through all of it, neither guest commits a protocol
# violation (nothing towards quarantine).  Needs root.
set -u
. "$(dirname "$0")/../../tests/lib/vswitchd.sh"
VSWITCHD=$1 CTL=$2 VMNIC=$3
tag=$$
dir=$(mktemp -d)
log=$dir/vswitchd.log
pid="" nic1="" nic2=""
fail() {
	echo "FAIL: $*"
	[ -s "$log" ] && tail -10 "$log" | sed 's/^/  vswitchd: /'
	for f in "$dir"/vmnic*.log; do [ -s "$f" ] && sed "s|^|  $(basename "$f"): |" "$f"; done
	exit 1
}
cleanup() {
	[ -n "$nic1" ] && kill "$nic1" 2>/dev/null
	[ -n "$nic2" ] && kill "$nic2" 2>/dev/null
	wait $nic1 $nic2 2>/dev/null
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del "nv1$tag" 2>/dev/null
	ip netns del "nv2$tag" 2>/dev/null
	rm -rf "$dir" "/var/run/dpdk/vsn$tag"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || fail "needs root"

vs_start "vsn$tag"
# The internal switch creates the host's vNIC with its address.
ctl switch add lan --type internal --host-ifname "h$tag" --host-address 10.195.0.254/24 || fail "switch add"
ctl port add lan vm1 --kind netvsc || fail "port add vm1"
ctl port add lan vm2 --kind netvsc || fail "port add vm2"
[ -f "$dir/run/chan/vm1" ] || fail "no channel file for vm1"

# Both guests up, their taps in the VM namespaces; $1: vmnic's options.
nics_up() {
	for i in 1 2; do
		"$VMNIC" --chan "$dir/run/chan/vm$i" --tap "nv$i$tag" "$@" >"$dir/vmnic$i.log" 2>&1 &
		eval "nic$i=\$!"
	done
	for i in 1 2; do
		for _ in $(seq 1 100); do
			grep -q "^vmnic: up" "$dir/vmnic$i.log" && break
			sleep 0.1
		done
		grep -q "^vmnic: up .* nvsp 0x60001 " "$dir/vmnic$i.log" || fail "vmnic $i did not come up at NVSP 6.1"
		[ -e "/var/run/netns/nv$i$tag" ] || ip netns add "nv$i$tag"
		ip link set "nv$i$tag" netns "nv$i$tag" || fail "move the tap into the namespace"
		ip -n "nv$i$tag" addr add "10.195.0.$i/24" dev "nv$i$tag"
		ip -n "nv$i$tag" link set "nv$i$tag" up
	done
}
nics_down() {
	kill "$nic1" "$nic2" 2>/dev/null
	wait "$nic1" "$nic2" 2>/dev/null
	nic1="" nic2=""
}
nics_up
echo "ok - two guests brought their synthetic NICs up (NVSP 6.1, RNDIS)"
ip netns exec "nv1$tag" ping -c 3 -i 0.2 -W 2 10.195.0.2 >/dev/null || fail "VM1 -> VM2"
ip netns exec "nv2$tag" ping -c 3 -i 0.2 -W 2 10.195.0.1 >/dev/null || fail "VM2 -> VM1"
ip netns exec "nv1$tag" ping -c 3 -i 0.2 -W 2 10.195.0.254 >/dev/null || fail "VM1 -> host vNIC"
echo "ok - VMs ping each other and the host through netvsc ports"

# Receive checksum verdicts: the host vNIC's port (net_tap) checks the
# checksums of what the host sends.  UDP datagrams from the host to VM1,
# half of them with a wrong UDP checksum: the good ones reach VM1 marked
# validated, the bad ones marked failed and vmnic drops them, so VM1's
# kernel never counts a checksum error.  With the port's rx-csum off the
# switch says nothing and VM1's kernel finds the bad ones itself.
backend() { ctl port show "$1" | sed -n "s/.* $2=\([0-9]*\).*/\1/p"; }
udp_in_errors() { ip netns exec "nv1$tag" nstat -az UdpInCsumErrors | awk '$1 == "UdpInCsumErrors" {print $2}'; }
send_udp() { # good bad: datagrams from the host vNIC to VM1, port 9
	python3 - "h$tag" "$(cat "/sys/class/net/h$tag/address")" "$vm1mac" "$1" "$2" <<'PY'
import socket, struct, sys
ifname, src, dst, good, bad = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
mac = lambda a: bytes(int(x, 16) for x in a.split(":"))
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
sip, dip = socket.inet_aton("10.195.0.254"), socket.inet_aton("10.195.0.1")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
for i in range(good + bad):
    data = b"verdict %d" % i
    udp = struct.pack("!HHHH", 40000, 9, 8 + len(data), 0) + data
    c = csum(sip + dip + struct.pack("!BBH", 0, 17, len(udp)) + udp) or 0xffff
    if i >= good:
        c ^= 0x5a5a
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0, sip, dip)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    s.send(mac(dst) + mac(src) + b"\x08\x00" + ip + udp)
PY
}
vm1mac=$(ip -n "nv1$tag" link show "nv1$tag" | awk '/link\/ether/ {print $2}')
ctl port show lan-host | grep -Eq "^  supported: .*rx-csum" || fail "the host vNIC's port does not check receive checksums: $(ctl port show lan-host)"
f0=$(backend vm1 tx_csum_failed) v0=$(backend vm1 tx_csum_validated) e0=$(udp_in_errors)
send_udp 5 5 || fail "send UDP from the host"
within 5 eval '[ $(($(backend vm1 tx_csum_failed) - f0)) -ge 5 ]'
[ $(($(backend vm1 tx_csum_failed) - f0)) -eq 5 ] || fail "rx-csum on: $(($(backend vm1 tx_csum_failed) - f0)) frames marked failed, 5 sent bad: $(ctl port show vm1)"
[ $(($(backend vm1 tx_csum_validated) - v0)) -ge 5 ] || fail "rx-csum on: good datagrams not marked validated: $(ctl port show vm1)"
[ "$(udp_in_errors)" -eq "${e0:-0}" ] || fail "rx-csum on: VM1's kernel saw a bad checksum (the failed mark was ignored)"
ctl port set lan-host --offload rx-csum=off || fail "rx-csum off on the host vNIC's port"
ctl port show lan-host | grep -Eq "^  active: .*rx-csum" && fail "rx-csum still active: $(ctl port show lan-host)"
f0=$(backend vm1 tx_csum_failed)
send_udp 5 5 || fail "send UDP from the host"
within 5 eval '[ $(($(udp_in_errors) - ${e0:-0})) -ge 5 ]'
[ "$(backend vm1 tx_csum_failed)" -eq "$f0" ] || fail "rx-csum off: frames still marked failed"
[ $(($(udp_in_errors) - ${e0:-0})) -eq 5 ] || fail "rx-csum off: VM1's kernel counted $(($(udp_in_errors) - ${e0:-0})) checksum errors, 5 sent bad"
ctl port set lan-host --offload rx-csum=on || fail "rx-csum back on"
echo "ok - the host vNIC's port checks checksums: bad UDP datagrams reach VM1 marked failed and are dropped; with rx-csum off VM1's kernel finds them"
# A tiny UDP datagram with its checksum left to the NIC (4 bytes, as
# iperf3's UDP handshake): hv_netvsc sends it with a checksum request.
ip netns exec "nv2$tag" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.195.0.2", 9000))
s.settimeout(5)
print(len(s.recv(100)))' >"$dir/udp.out" 2>&1 &
udp=$!
within 5 eval 'ip netns exec "nv2$tag" ss -lun | grep -q ":9000 "' || fail "UDP receiver in VM2"
ip netns exec "nv1$tag" python3 -c '
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"1234", ("10.195.0.2", 9000))'
wait "$udp"
[ "$(cat "$dir/udp.out")" = 4 ] || fail "a 4-byte UDP datagram VM1 -> VM2 did not arrive: $(cat "$dir/udp.out")"
echo "ok - a 4-byte UDP datagram with a checksum request crosses between the VMs"
ctl switch set lan --type private || fail "switch set private with netvsc ports"
ip link show "h$tag" >/dev/null 2>&1 && fail "a private switch kept the host vNIC"
ip netns exec "nv1$tag" ping -c 2 -i 0.2 -W 2 10.195.0.2 >/dev/null || fail "private: VM1 -> VM2"
ip netns exec "nv1$tag" ping -c 2 -i 0.2 -W 1 10.195.0.254 >/dev/null 2>&1 && fail "private: VM1 reached the host"
echo "ok - made private live: the netvsc VMs stay, the host vNIC goes"
mac1=$(ctl --json port show vm1 | sed -n 's/^[[:space:]]*"mac":[[:space:]]*"\(00:15:5D[^"]*\)".*/\1/p' | head -1)
[ -n "$mac1" ] || fail "vm1 has no Hyper-V MAC: $(ctl port show vm1)"
ctl fdb show lan --port vm1 | grep -Eq "$mac1 +vm1 +static" || fail "no static entry for $mac1: $(ctl fdb)"
ctl port show vm1 | grep -Eq "^link: +up" || fail "vm1's link is not up: $(ctl port show vm1)"
echo "ok - generated Hyper-V MACs are static entries; the link is up"

ctl port set vm1 --vlan access 10 || fail "vm1 to VLAN 10"
ctl port set vm2 --vlan access 10 || fail "vm2 to VLAN 10"
ip netns exec "nv1$tag" ping -c 3 -i 0.2 -W 2 10.195.0.2 >/dev/null || fail "VM1 -> VM2 in VLAN 10"
ctl port set vm2 --vlan access 20 || fail "vm2 to VLAN 20"
ip netns exec "nv1$tag" ping -c 2 -i 0.2 -W 1 10.195.0.2 >/dev/null && fail "VLAN 10 reached VLAN 20"
echo "ok - VLANs apply to netvsc ports"

# iperf3 TCP VM1 -> VM2 for 3 s: the bytes arrive, TCP saw no bad
# checksum on either side, retransmissions stay rare.  $cut: the
# superframes the switch cut meanwhile; $coalesced: those it delivered to
# VM2 as RSC frames.
superframes() { ctl stats show | sed -n 's/.*superframes_sw \([0-9]*\).*/\1/p'; }
coalesced_frames() {
	local n
	n=$(ctl port show vm2 | sed -n 's/.* tx_rsc_frames=\([0-9]*\).*/\1/p')
	echo "${n:-0}"
}
iperf_check() {
	local before after srv csum rsc_before
	before=$(superframes)
	rsc_before=$(coalesced_frames)
	ip netns exec "nv2$tag" iperf3 -s -1 -p 5201 >"$dir/iperf-s.log" 2>&1 &
	srv=$!
	for _ in $(seq 1 50); do
		ip netns exec "nv2$tag" ss -ltn | grep -q ":5201 " && break
		sleep 0.1
	done
	ip netns exec "nv1$tag" iperf3 -c 10.195.0.2 -p 5201 -t 3 -J >"$dir/iperf-$1.json" 2>&1 ||
		fail "iperf3 ($1): $(tail -5 "$dir/iperf-$1.json")"
	wait "$srv"
	python3 - "$dir/iperf-$1.json" "$1" <<'PY' || fail "iperf3 ($1) result: $(ctl stats show; ctl port show vm1; ctl port show vm2)"
import json, sys
r = json.load(open(sys.argv[1]))["end"]
got, sent = r["sum_received"]["bytes"], r["sum_sent"]["bytes"]
segs = max(1, sent // 1448)
retr = r["sum_sent"].get("retransmits", 0)
print("  %s: %.1f MB received at %.0f Mbit/s, %d retransmissions" %
      (sys.argv[2], got / 1e6, r["sum_received"]["bits_per_second"] / 1e6, retr))
sys.exit(0 if got >= 1e6 and retr * 20 < segs else 1)
PY
	for i in 1 2; do
		csum=$(ip netns exec "nv$i$tag" nstat -az TcpInCsumErrors | awk '$1 == "TcpInCsumErrors" {print $2}')
		[ "${csum:-0}" -eq 0 ] || fail "iperf3 ($1): VM$i counted $csum TCP checksum errors"
	done
	after=$(superframes)
	cut=$((after - before))
	coalesced=$(($(coalesced_frames) - rsc_before))
}
ctl port set vm2 --vlan access 10 || fail "vm2 back to VLAN 10"
grep -q " rsc on$" "$dir/vmnic2.log" || fail "offload on: VM2's NIC did not enable RSC: $(cat "$dir/vmnic2.log")"
ctl port show vm2 | grep -q "rsc4" || fail "offload on: vm2 does not take superframes: $(ctl port show vm2)"
iperf_check offload
[ "$coalesced" -gt 0 ] || fail "offload on: no superframe reached VM2 coalesced: $(ctl port show vm2)"
echo "ok - iperf3 VM1 -> VM2 with checksum, large-send and RSC offloads: $coalesced superframes delivered coalesced, $cut cut, no checksum error"
nics_down
nics_up --no-offload
iperf_check no-offload
[ "$cut" -eq 0 ] || fail "offload off: $cut superframes reached the switch"
[ "$coalesced" -eq 0 ] || fail "offload off: $coalesced frames delivered coalesced"
echo "ok - iperf3 VM1 -> VM2 without offloads: MTU-sized frames, no checksum error"
# Linux-like guests through bring-ups, teardowns and iperf3: not one
# protocol violation (which would count towards quarantine).
for p in vm1 vm2; do
	! ctl port show "$p" | grep -q "^violations:\|^quarantined:" ||
		fail "$p: a well-behaved guest was counted violations: $(ctl port show "$p")"
done
echo "ok - well-behaved guests: no protocol violation counted, no quarantine"
