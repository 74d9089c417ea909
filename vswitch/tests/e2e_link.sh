#!/bin/bash
# Kernel links followed through netlink notifications, end to end.  An
# external switch's uplink is the near end of a veth (net_af_packet) whose
# far end sits in a "LAN" namespace; a "VM" namespace sits behind an
# emulated port adopting its veth's switch end; the management OS shares
# the uplink through a host vNIC.
#   - the far end set down: the uplink shows down within a second and the
#     VM's frames to the LAN are counted as link_down on it, not sent; up
#     again, they flow;
#   - the uplink interface's MTU lowered: shown within a second, the host
#     vNIC follows it (and the file keeps it), frames longer than it are
#     counted as mtu_exceeded; a larger vNIC MTU is refused naming both;
#   - the MAC pool: generated MACs skip used ones, exhaustion and bad
#     ranges are refused, and pool and MACs survive a restart.
# Needs root (exit 77 otherwise).
set -u
. "$(dirname "$0")/../../tests/lib/vswitchd.sh"
VSWITCHD=$1 CTL=$2
tag=$$
sw=l$tag
dir=$(mktemp -d)
log=$dir/vswitchd.log
pid=""
up=vsnlw$tag vm=vsnlv$tag hif=vsnlh$tag
fail() { echo "FAIL: $*"; [ -s "$log" ] && tail -15 "$log" | sed 's/^/  vswitchd: /'; exit 1; }
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	for n in vsnll vsnlm; do ip netns del "$n$tag" 2>/dev/null; done
	for n in "$up" "$vm" "$hif"; do ip link del "$n" 2>/dev/null; done
	rm -rf "$dir" "/var/run/dpdk/vsnl$tag"
}
trap cleanup EXIT
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root for network namespaces"
	exit 77
fi

net=10.197.0
ip netns add "vsnll$tag" || fail "netns lan"
ip netns add "vsnlm$tag" || fail "netns vm"
ip link add "$up" type veth peer name eth0 netns "vsnll$tag" || fail "veth lan"
ip link add "$vm" type veth peer name eth0 netns "vsnlm$tag" || fail "veth vm"
ip link set "$up" up
ip link set "$vm" up
ip -n "vsnll$tag" link set eth0 up
ip -n "vsnlm$tag" link set eth0 up
ip -n "vsnll$tag" addr add "$net.4/24" dev eth0
ip -n "vsnlm$tag" addr add "$net.2/24" dev eth0

start() {
	vs_start "vsnl$tag"
}
# A counter of the uplink: drops.NAME or NAME.
counter() {
	ctl --json port show "$sw-uplink" |
		python3 -c 'import json,sys; r=json.load(sys.stdin); k=sys.argv[1]
print(int(r["stats"]["drops"][k[6:]] if k.startswith("drops.") else r["stats"][k]))' "$1"
}
# within CMD...: true once CMD succeeds, polled for one second.
within() {
	local _
	for _ in $(seq 1 10); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
uplink_link() { ctl port show "$sw-uplink" | grep -Eq "^link: +$1"; }
vm_ping() { ip netns exec "vsnlm$tag" ping -c "$1" -i 0.2 -W 1 "${@:2}" "$net.4" >/dev/null 2>&1; }

start
ctl switch add "$sw" --type external --uplink "net_af_packet_u$tag,iface=$up" \
	--allow-management-os on --host-ifname "$hif" || fail "switch add"
ctl port add "$sw" vm --kind emulated --adopt "$vm" || fail "port add vm"
vm_ping 2 || fail "vm -> LAN"
# The VM keeps sending to the LAN's MAC, learned on the uplink, without ARP.
lanmac=$(ip -n "vsnll$tag" -br link show eth0 | awk '{print $3}')
ip -n "vsnlm$tag" neigh replace "$net.4" lladdr "$lanmac" dev eth0 nud permanent
uplink_link up || fail "uplink not up: $(ctl port show "$sw-uplink" | grep ^link)"
echo "ok - external switch on a veth uplink: the VM reaches the LAN"

# --- link down and up
ip -n "vsnll$tag" link set eth0 down
within uplink_link down || fail "link down not seen within 1 s: $(ctl port show "$sw-uplink" | grep ^link)"
grep -q "port $sw-uplink: link down (interface $up)" "$log" || fail "no notice of the link going down"
ld0=$(counter drops.link_down) tx0=$(counter tx_packets)
vm_ping 3 && fail "the VM reached the LAN through a link that is down"
ld1=$(counter drops.link_down) tx1=$(counter tx_packets)
[ $((ld1 - ld0)) -ge 3 ] || fail "link_down counted $((ld1 - ld0)) frames, want >= 3"
[ "$tx1" -eq "$tx0" ] || fail "the uplink transmitted $((tx1 - tx0)) frames while down"
echo "ok - far end down: seen within 1 s, frames to the uplink counted as link_down ($((ld1 - ld0))), none sent"
ip -n "vsnll$tag" link set eth0 up
within uplink_link up || fail "link up not seen within 1 s: $(ctl port show "$sw-uplink" | grep ^link)"
within vm_ping 1 || fail "vm -> LAN after the link came back"
echo "ok - far end up again: seen within 1 s, forwarding restored"

# --- MTU
ip link set "$up" mtu 1400
ip -n "vsnll$tag" link set eth0 mtu 1400
within eval 'ctl port show "$sw-uplink" | grep -Eq "^link: .*interface $up mtu 1400 "' ||
	fail "uplink MTU not seen within 1 s: $(ctl port show "$sw-uplink" | grep ^link)"
within eval 'ip link show "$hif" | grep -q "mtu 1400 "' ||
	fail "the host vNIC did not follow the uplink's MTU: $(ip link show "$hif")"
within eval 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d[\"switches\"][0][\"host\"].get(\"mtu\") != 1400)" "$dir/vswitch.json"' ||
	fail "the lowered vNIC MTU was not saved: $(grep -n mtu "$dir/vswitch.json")"
grep -q "MTU lowered from 1500 to 1400" "$log" || fail "no notice of the vNIC's MTU lowered"
echo "ok - uplink MTU 1400: shown within 1 s, the host vNIC follows, saved"
out=$(ctl port set "$sw-host" --mtu 1500 2>&1) && fail "a vNIC MTU above the uplink's was accepted"
printf '%s' "$out" | grep -q "mtu: 1500 is larger than the MTU of switch $sw's uplink (interface $up: 1400)" ||
	fail "refusal: $out"
ctl port set "$sw-host" --mtu 1300 || fail "a vNIC MTU below the uplink's was refused"
ip link show "$hif" | grep -q "mtu 1300 " || fail "port set --mtu: $(ip link show "$hif")"
echo "ok - a host vNIC MTU larger than the uplink's is refused naming both; a smaller one applies"
me0=$(counter drops.mtu_exceeded) tx0=$(counter tx_packets)
# 1450 bytes of ICMP: 1478 of IP, more than the uplink's 1400.
vm_ping 2 -s 1450 -M do && fail "a frame above the uplink's MTU got through"
me1=$(counter drops.mtu_exceeded)
[ $((me1 - me0)) -ge 2 ] || fail "mtu_exceeded counted $((me1 - me0)), want >= 2"
vm_ping 2 -s 1300 -M do || fail "a frame within the uplink's MTU did not get through"
echo "ok - frames above the uplink's MTU counted as mtu_exceeded ($((me1 - me0))), smaller ones pass"

# --- MAC pool
out=$(ctl mac-pool set 02:00:5e:10:00:05 02:00:5e:10:00:01 2>&1) && fail "a range with max < min"
printf '%s' "$out" | grep -q "max: " || fail "bad range refusal: $out"
out=$(ctl mac-pool set 01:00:5e:10:00:00 01:00:5e:10:00:01 2>&1) && fail "a group range"
printf '%s' "$out" | grep -q "min: 01:00:5e:10:00:00 is a group address" || fail "group refusal: $out"
ctl mac-pool set 02:00:5e:10:00:00 02:00:5e:10:00:01 || fail "mac-pool set"
ctl port add "$sw" n1 --kind netvsc --mac 02:00:5e:10:00:00 || fail "netvsc n1"
ctl port add "$sw" n2 --kind netvsc || fail "netvsc n2"
ctl --json port show n2 | grep -q '"mac":.*"02:00:5E:10:00:01"' || fail "n2 did not get the free one: $(ctl --json port show n2 | grep mac)"
out=$(ctl port add "$sw" n3 --kind netvsc 2>&1) && fail "a port from an exhausted pool"
printf '%s' "$out" | grep -q "the MAC pool 02:00:5e:10:00:00 - 02:00:5e:10:00:01 is exhausted" || fail "exhaustion: $out"
echo "ok - MAC pool: the next free address, used ones skipped, exhaustion and bad ranges refused"

kill -TERM "$pid"; wait "$pid" || fail "exit status on SIGTERM"
pid=""
start
ctl --json port show n2 | grep -q '"mac":.*"02:00:5E:10:00:01"' || fail "n2's MAC after a restart"
ctl mac-pool show | grep -q "02:00:5E:10:00:00 - 02:00:5E:10:00:01" || fail "pool after a restart: $(ctl mac-pool show)"
ip link show "$hif" | grep -q "mtu 1300 " || fail "vNIC MTU after a restart: $(ip link show "$hif")"
within uplink_link up || fail "uplink after a restart: $(ctl port show "$sw-uplink" | grep ^link)"
echo "ok - a restart keeps the pool, the generated MAC and the vNIC's MTU"
