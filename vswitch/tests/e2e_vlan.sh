#!/bin/bash
# 802.1Q end to end.  The switch under test is external: its uplink is a
# trunk (af_packet on a veth, the "wire"), and three "VM" namespaces sit
# behind emulated access ports adopting their veths' switch ends: vm1 in
# VLAN 10, vm2 in VLAN 20, and vm3 in VLAN 20 but numbered in VLAN 10's
# subnet.  The far end of the wire is the "physical LAN": this kernel has no
# 802.1Q support (no VLAN sub-interfaces, no VLAN-filtering bridge), so a
# second vswitchd plays the LAN's switch, with access ports to two kernel
# hosts, lan10 and lan20.  It runs in a namespace of its own ("lansw"), as
# af_packet's fanout groups are per namespace and two processes' group ids
# may collide.  The kernel's ping must work within each VLAN and
# never across them, and tcpdump on the wire must see the right tags.
# Needs root.
set -u
VSWITCHD=$1 CTL=$2
tag=$$
dir=$(mktemp -d)
log=$dir/vswitchd.log
pid="" pidlan="" dump=""
fail() { echo "FAIL: $*"; [ -s "$log" ] && tail -15 "$log" | sed 's/^/  vswitchd: /'; exit 1; }
cleanup() {
	[ -n "$dump" ] && kill "$dump" 2>/dev/null
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "$pidlan" ] && kill -TERM "$pidlan" 2>/dev/null && wait "$pidlan" 2>/dev/null
	ip link del "wa$tag" 2>/dev/null
	ip netns del "lansw$tag" 2>/dev/null
	for n in lan10 lan20 vm1 vm2 vm3; do
		ip netns del "$n$tag" 2>/dev/null
		ip link del "h$n$tag" 2>/dev/null
	done
	rm -rf "$dir"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || fail "needs root for network namespaces"

ip netns add "lansw$tag" || fail "netns lansw"
for n in lan10 lan20 vm1 vm2 vm3; do
	ip netns add "$n$tag" || fail "netns $n"
	# Switch-side names stay within 15 characters.
	ip link add "h$n$tag" type veth peer name eth0 netns "$n$tag" || fail "veth $n"
	case $n in lan*) ip link set "h$n$tag" netns "lansw$tag" ;; esac
	ip -n "$n$tag" link set eth0 up
done
for n in vm1 vm2 vm3; do ip link set "h$n$tag" up; done
ip -n "lansw$tag" link set "hlan10$tag" up
ip -n "lansw$tag" link set "hlan20$tag" up
ip link add "wa$tag" type veth peer name "wb$tag" netns "lansw$tag" || fail "wire"
ip link set "wa$tag" up
ip -n "lansw$tag" link set "wb$tag" up
ip -n "lan10$tag" addr add 10.197.10.1/24 dev eth0
ip -n "lan20$tag" addr add 10.197.20.1/24 dev eth0
ip -n "vm1$tag" addr add 10.197.10.2/24 dev eth0
ip -n "vm2$tag" addr add 10.197.20.2/24 dev eth0
ip -n "vm3$tag" addr add 10.197.10.3/24 dev eth0
ip -n "vm3$tag" addr add 10.197.20.3/24 dev eth0

cat >"$dir/vswitch.json" <<JSON
{"datapath":{"workers":1},
 "switches":[{"name":"ext","type":"external","uplink":"net_af_packet_u$tag,iface=wa$tag",
   "uplink_port":{"vlan":{"mode":"trunk","allowed":"10,20"}}}],
 "ports":[
  {"switch":"ext","name":"vm1","kind":"emulated","ifname":"hvm1$tag","adopt":true,
   "vlan":{"mode":"access","vid":10}},
  {"switch":"ext","name":"vm2","kind":"emulated","ifname":"hvm2$tag","adopt":true,
   "vlan":{"mode":"access","vid":20}},
  {"switch":"ext","name":"vm3","kind":"emulated","ifname":"hvm3$tag","adopt":true,
   "vlan":{"mode":"access","vid":20}}]}
JSON
cat >"$dir/lan.json" <<JSON
{"datapath":{"workers":1},
 "switches":[{"name":"lan","type":"external","uplink":"net_af_packet_t$tag,iface=wb$tag",
   "uplink_port":{"vlan":{"mode":"trunk","allowed":"1-4094"}}}],
 "ports":[
  {"switch":"lan","name":"h10","kind":"emulated","ifname":"hlan10$tag","adopt":true,
   "vlan":{"mode":"access","vid":10}},
  {"switch":"lan","name":"h20","kind":"emulated","ifname":"hlan20$tag","adopt":true,
   "vlan":{"mode":"access","vid":20}}]}
JSON
ip netns exec "lansw$tag" "$VSWITCHD" -l 0-1 --no-huge --no-pci --no-shconf -m 256 --file-prefix "vsl$tag" \
	-- --rundir "$dir/lanrun" --config "$dir/lan.json" >"$dir/lan.log" 2>&1 &
pidlan=$!
"$VSWITCHD" -l 0-1 --no-huge --no-pci --no-shconf -m 256 --file-prefix "vsv$tag" \
	-- --rundir "$dir/run" --config "$dir/vswitch.json" >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	"$CTL" --socket "$dir/run/vswitchd.sock" info >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || fail "vswitchd exited early"
	sleep 0.1
done
for _ in $(seq 1 100); do
	"$CTL" --socket "$dir/lanrun/vswitchd.sock" info >/dev/null 2>&1 && break
	kill -0 "$pidlan" 2>/dev/null || fail "the LAN's vswitchd exited early: $(tail -3 "$dir/lan.log")"
	sleep 0.1
done
ctl() { "$CTL" --socket "$dir/run/vswitchd.sock" "$@"; }
pings() { ip netns exec "$1$tag" ping -c "${3:-2}" -i 0.2 -W 1 "$2" >/dev/null 2>&1; }

# The far end of the wire: what the switch under test transmitted arrives
# there (af_packet sends bypass the qdisc, so a capture on its own side
# would miss them).
ip netns exec "lansw$tag" tcpdump -l -e -n -i "wb$tag" >"$dir/lan.txt" 2>"$dir/tcpdump.err" &
dump=$!
for _ in $(seq 1 50); do
	grep -q "listening on" "$dir/tcpdump.err" && break
	sleep 0.1
done
grep -q "listening on" "$dir/tcpdump.err" || fail "tcpdump on the wire did not start: $(cat "$dir/tcpdump.err")"
pings vm1 10.197.10.1 || fail "vm1 (access 10) -> LAN VLAN 10"
pings vm2 10.197.20.1 || fail "vm2 (access 20) -> LAN VLAN 20"
pings vm3 10.197.20.2 || fail "vm3 -> vm2 within VLAN 20"
echo "ok - ping within VLAN 10 and within VLAN 20"
pings vm1 10.197.10.3 && fail "vm1 (VLAN 10) reached vm3 (VLAN 20) in the same subnet"
pings vm3 10.197.10.1 && fail "vm3 (VLAN 20) reached the LAN's VLAN 10 address"
echo "ok - no ping across VLANs"
# tcpdump writes each line as it sees it (-l): wait for the last request.
for _ in $(seq 1 30); do
	grep -q "10.197.20.3 > 10.197.20.2: ICMP echo request\|10.197.20.2 > 10.197.20.1: ICMP echo request" "$dir/lan.txt" &&
		grep -q "10.197.10.2 > 10.197.10.1: ICMP echo request" "$dir/lan.txt" && break
	sleep 0.1
done
kill "$dump"; wait "$dump" 2>/dev/null; dump=""
grep -q "vlan 10, p 0, ethertype IPv4.*10.197.10.2 > 10.197.10.1: ICMP echo request" "$dir/lan.txt" ||
	fail "the wire lacks vm1's echo request tagged 10: $(head -5 "$dir/lan.txt")"
grep -q "vlan 20, p 0, ethertype IPv4.*10.197.20.2 > 10.197.20.1: ICMP echo request" "$dir/lan.txt" ||
	fail "the wire lacks vm2's echo request tagged 20"
grep -q "ethertype IPv4.*10.197.10.3 >" "$dir/lan.txt" && grep "10.197.10.3 >" "$dir/lan.txt" | grep -vq "vlan 20" &&
	fail "vm3's frames left the uplink outside VLAN 20"
grep -E "ethertype (IPv4|ARP)" "$dir/lan.txt" | grep -vq "vlan " &&
	fail "untagged frames on the trunk: $(grep -E 'ethertype (IPv4|ARP)' "$dir/lan.txt" | grep -v 'vlan ' | head -2)"
echo "ok - tcpdump on the wire sees VLAN 10 and 20 tags, nothing untagged"

# A live VLAN change moves a port's traffic.
ctl port set vm3 --vlan access 10 || fail "port set vm3 --vlan access 10"
# The hosts' failed ARP attempts from before the move would only delay the
# first pings: start them clean.
ip -n "vm1$tag" neigh flush all
ip -n "vm3$tag" neigh flush all
pings vm1 10.197.10.3 3 || fail "vm3 moved to VLAN 10 but vm1 cannot reach it"
pings vm3 10.197.10.1 3 || fail "vm3 moved to VLAN 10 but cannot reach the LAN's VLAN 10"
ctl port show vm3 | grep -q "vlan: *access 10" || fail "port show vm3: $(ctl port show vm3)"
grep -q '"vid":[[:space:]]*10' "$dir/vswitch.json" || fail "VLAN change not persisted"
echo "ok - port set --vlan moves a port's traffic live and is persisted"
ctl port set vm3 --vlan access 5000 2>"$dir/err" && fail "VID 5000 accepted"
grep -q "vlan.vid" "$dir/err" || fail "bad VID error does not name the field: $(cat "$dir/err")"
echo "ok - a bad VLAN is refused naming the field"
