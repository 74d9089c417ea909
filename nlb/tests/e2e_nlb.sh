#!/bin/bash
# NLB clusters end to end, in all three modes, against one vswitchd with a
# private switch.  Five "VM" namespaces sit behind emulated ports adopting
# their veths' switch ends: m1, m2 and m3 are the cluster's hosts, n1 a VM
# that is not a member (same VLAN), c the client.  For each mode the
# members' interfaces are set up as NLB sets them up, the client is given
# the cluster MAC for the cluster IP (what NLB's ARP replies would tell it),
# pings the cluster IP and opens a TCP connection to it; tcpdump in every
# member and in the non-member shows that
#   - every member's interface received the client's echo requests and its
#     SYN, addressed to the cluster MAC;
#   - the non-member received none of them, nor any frame to the cluster
#     MAC: the switch never floods cluster frames;
# and the client got the members' echo replies.  In unicast mode the
# members' TCP answers the SYN too (Linux's TCP ignores segments that came
# in a multicast frame, so in the multicast modes only the SYN's arrival is
# checked), the cluster MAC never shows in the MAC table although the
# members send from it, and the masked sources are learned on their ports;
# in every mode the cluster's delivered counter moves.  IGMP mode's members are the ports whose VMs
# joined the cluster's group with a real socket (the kernel's own IGMP
# reports, snooped by the switch).
# Needs root, tcpdump, ethtool and python3 (exit 77 otherwise).
set -u
. "$(dirname "$0")/../../tests/lib/vswitchd.sh"
VSWITCHD=$1 CTL=$2
tag=$$
sw=nlb$tag
dir=$(mktemp -d)
log=$dir/vswitchd.log
pid=""
dumps=() listeners=()
nodes="m1 m2 m3 n1 c"
fail() {
	echo "FAIL: $*"
	[ -s "$log" ] && tail -15 "$log" | sed 's/^/  vswitchd: /'
	exit 1
}
stop_dumps() {
	local p
	for p in "${dumps[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${dumps[@]}"; do wait "$p" 2>/dev/null; done
	dumps=()
}
cleanup() {
	local p n
	stop_dumps
	for p in "${listeners[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${listeners[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	for n in $nodes; do
		ip netns del "nlb$n$tag" 2>/dev/null
		ip link del "h$n$tag" 2>/dev/null
	done
	rm -rf "$dir" "/var/run/dpdk/vsnlb$tag" 2>/dev/null
}
trap cleanup EXIT
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
command -v tcpdump >/dev/null || skip "tcpdump is not installed"
command -v ethtool >/dev/null || skip "ethtool is not installed"
py=$(command -v python3) || skip "python3 is not installed (IGMP mode's listeners)"

net=10.192.0
cip_unicast=$net.100 cip_multicast=$net.101 cip_igmp=$net.102
# The cluster MAC of each cluster IP, as the switch derives it (and as tcpdump
# prints it); the unicast cluster's masked sources are 02-<priority>-...
mac_unicast=02:bf:0a:c0:00:64 mac_multicast=03:bf:0a:c0:00:65 mac_igmp=01:00:5e:7f:00:66
group_igmp=239.255.0.102
masked() { printf '02:%02x:0a:c0:00:64' "$1"; }
port=8080
ns() { echo "nlb$1$tag"; }
declare -A addr=([m1]=11 [m2]=12 [m3]=13 [n1]=20 [c]=9)
declare -A own_mac
for n in $nodes; do
	ip netns add "$(ns $n)" || fail "netns $n"
	# Switch-side names stay within 15 characters.
	ip link add "h$n$tag" type veth peer name eth0 netns "$(ns $n)" || fail "veth $n"
	ip link set "h$n$tag" up
	ip -n "$(ns $n)" link set lo up
	ip -n "$(ns $n)" link set eth0 up
	ip -n "$(ns $n)" addr add "$net.${addr[$n]}/24" dev eth0
	# An emulated port reads its interface through af_packet, which hands
	# over a frame whose checksum the sender left to "hardware" (a veth's
	# default) unfinished: the namespaces compute their own, as an emulated
	# NIC's guest does.
	ip netns exec "$(ns $n)" ethtool -K eth0 tx off >/dev/null 2>&1 || fail "ethtool -K eth0 tx off in $n"
	own_mac[$n]=$(ip netns exec "$(ns $n)" cat /sys/class/net/eth0/address)
done

vs_start "vsnlb$tag"
ctl info >/dev/null 2>&1 || fail "vswitchd did not come up"
ctl switch add "$sw" --type private >/dev/null || fail "switch add"
for n in $nodes; do
	ctl port add "$sw" "$n" --kind emulated --adopt "h$n$tag" >/dev/null || fail "port add $n"
done

delivered() {
	ctl --json nlb list "$sw" | tr -d '[:space:]' | grep -o '"delivered":[0-9]*' | head -1 | cut -d: -f2
}
# The switch's view, for a failure's message.
state() {
	echo "--- nlb list"
	ctl nlb list "$sw"
	echo "--- fdb show"
	ctl fdb show "$sw"
	echo "--- stats show"
	ctl stats show
}

# traffic MODE: the client's pings and TCP connection to the mode's cluster
# IP, seen by tcpdump in each member and in the non-member.
traffic() {
	local mode=$1 n f before after ok
	local cip cmac
	eval "cip=\$cip_$mode cmac=\$mac_$mode"
	before=$(delivered)
	for n in m1 m2 m3 n1; do
		ip netns exec "$(ns $n)" tcpdump -e -n -l -i eth0 >"$dir/$mode-$n.txt" 2>"$dir/$mode-$n.err" &
		dumps+=($!)
	done
	for n in m1 m2 m3 n1; do
		for _ in $(seq 1 50); do
			grep -q "listening on" "$dir/$mode-$n.err" && break
			sleep 0.1
		done
		grep -q "listening on" "$dir/$mode-$n.err" ||
			fail "$mode: tcpdump in $n did not start: $(cat "$dir/$mode-$n.err")"
	done
	# What NLB's ARP reply for the cluster IP would have told the client.
	ip -n "$(ns c)" neigh replace "$cip" lladdr "$cmac" dev eth0 nud permanent ||
		fail "$mode: the client's neighbour entry"
	ip netns exec "$(ns c)" ping -c 3 -i 0.2 -W 1 "$cip" >"$dir/$mode-ping.txt" 2>&1
	ok=$?
	# Connection refused (no listener: the members answer with a reset) or
	# timed out (members whose TCP ignores it): either way the SYN went.
	ip netns exec "$(ns c)" timeout 2 bash -c "exec 3<>/dev/tcp/$cip/$port" 2>"$dir/$mode-tcp.txt"
	# tcpdump writes each line as it sees it (-l): wait for the SYN in each.
	for n in m1 m2 m3; do
		for _ in $(seq 1 30); do
			grep -Eq "> $cmac, .* $net\.9\.[0-9]+ > $cip\.$port: Flags \[S\]" "$dir/$mode-$n.txt" && break
			sleep 0.1
		done
	done
	stop_dumps
	for n in m1 m2 m3; do
		f=$dir/$mode-$n.txt
		[ "$(grep -Ec "> $cmac, .* $net\.9 > $cip: ICMP echo request" "$f")" -eq 3 ] ||
			fail "$mode: member $n did not see the client's 3 echo requests to $cmac:
$(head -20 "$f")
$(state)"
		grep -Eq "> $cmac, .* $net\.9\.[0-9]+ > $cip\.$port: Flags \[S\]" "$f" ||
			fail "$mode: member $n did not see the client's SYN to $cmac:
$(head -20 "$f")
$(state)"
	done
	echo "ok - $mode: every member's interface saw the client's pings and SYN to the cluster MAC $cmac"
	if [ "$mode" = unicast ]; then
		# The frames reached the members' TCP too: nothing listens, each resets.
		for n in m1 m2 m3; do
			grep -Eq "$cip\.$port > $net\.9\.[0-9]+: Flags \[R\.\]" "$dir/$mode-$n.txt" ||
				fail "$mode: member $n did not answer the SYN with a reset:
$(grep -F "$cip" "$dir/$mode-$n.txt" | head -20)"
		done
		grep -q "refused" "$dir/$mode-tcp.txt" ||
			fail "$mode: the client's connection was not refused: $(cat "$dir/$mode-tcp.txt")"
		echo "ok - $mode: every member's TCP answered the SYN (connection refused)"
	fi
	f=$dir/$mode-n1.txt
	grep -Eq "> $cmac, |> $cip[.:]" "$f" &&
		fail "$mode: the non-member saw frames for the cluster:
$(grep -E "> $cmac, |> $cip[.:]" "$f" | head -5)"
	echo "ok - $mode: the non-member saw no frame to the cluster MAC or IP"
	[ $ok -eq 0 ] || fail "$mode: the client got no echo reply from the cluster: $(cat "$dir/$mode-ping.txt")"
	echo "ok - $mode: the members answered the client's pings"
	after=$(delivered)
	[ -n "$before" ] && [ -n "$after" ] && [ "$after" -ge $((before + 4)) ] ||
		fail "$mode: delivered went from '$before' to '$after', expected 4 frames more:
$(state)"
	echo "ok - $mode: nlb list counts the frames delivered ($before -> $after)"
}

# ---- unicast: every member carries the cluster MAC, sends from its masked MAC
# Real NLB gives every host's adapter the cluster MAC 02-BF-w-x-y-z and
# rewrites the source of what it sends to 02-<priority>-w-x-y-z.  Linux has
# no such rewrite here (no tc pedit or skbedit in this kernel), so each
# member's eth0 takes its masked MAC (everything it sends leaves from it),
# and a macvlan "nlb0" on eth0 carrying the cluster MAC accepts the frames
# to the cluster MAC: eth0 alone would only see them as other hosts' frames
# (promiscuous at best), and the IP stack drops those.  The cluster IP sits
# on nlb0 as a /32; answers leave through eth0's route with the masked
# source MAC and the cluster IP as source address, as NLB's do.  nlb0's own
# IPv6 chatter (DAD, MLD) comes from the cluster MAC: the switch must not
# learn it.
for i in 1 2 3; do
	ctl port set "m$i" --mac-spoofing on >/dev/null || fail "unicast: port set m$i --mac-spoofing on"
done
out=$(ctl nlb add "$sw" --ip "$cip_unicast" --mode unicast --members m1,m2,m3) ||
	fail "unicast: nlb add"
printf '%s' "$out" | grep -q "cluster MAC 02-BF-0A-C0-00-64" || fail "unicast: nlb add said: $out"
for i in 1 2 3; do
	n=m$i
	ip netns exec "$(ns $n)" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0
	ip -n "$(ns $n)" link set eth0 address "$(masked $i)" || fail "unicast: $n's masked MAC"
	ip -n "$(ns $n)" link add link eth0 name nlb0 address "$mac_unicast" type macvlan mode private ||
		fail "unicast: $n's macvlan with the cluster MAC"
	ip -n "$(ns $n)" addr add "$cip_unicast/32" dev nlb0 || fail "unicast: $n's cluster IP"
	ip -n "$(ns $n)" link set nlb0 up
done
traffic unicast
# A member speaking from the cluster MAC itself (through nlb0: its ARP
# request, its echo request, the client's answers back to the cluster MAC)
# still teaches the switch nothing.
ip netns exec "$(ns m1)" ping -c 1 -W 2 -I nlb0 "$net.9" >"$dir/unicast-from-cluster.txt" 2>&1 ||
	fail "unicast: m1 could not ping the client from the cluster MAC: $(cat "$dir/unicast-from-cluster.txt")"
fdb=$(ctl fdb show "$sw")
printf '%s' "$fdb" | grep -qi "$mac_unicast" && fail "unicast: the cluster MAC is in the MAC table:
$fdb"
for i in 1 2 3; do
	printf '%s\n' "$fdb" | grep -i "$(masked $i)" | grep -qw "m$i" ||
		fail "unicast: m$i's masked MAC $(masked $i) not learned on m$i:
$fdb"
done
echo "ok - unicast: fdb show never lists the cluster MAC, even after a member sent from it; the masked sources are learned on their members"
ctl nlb del "$sw" --ip "$cip_unicast" >/dev/null || fail "unicast: nlb del"
for n in m1 m2 m3; do
	ip -n "$(ns $n)" link del nlb0
	ip -n "$(ns $n)" link set eth0 address "${own_mac[$n]}"
done
for n in $nodes; do ip -n "$(ns $n)" neigh flush all; done

# ---- multicast: the members keep their MACs and accept 03-BF-w-x-y-z
# (Linux's TCP ignores frames not sent to the host's own MAC, so the
# members do not answer the SYN; what matters here is that it reached
# them.  ICMP answers.)
ctl nlb add "$sw" --ip "$cip_multicast" --mode multicast --members m1,m2,m3 >/dev/null ||
	fail "multicast: nlb add"
for n in m1 m2 m3; do
	ip -n "$(ns $n)" addr add "$cip_multicast/24" dev eth0 || fail "multicast: $n's cluster IP"
	ip -n "$(ns $n)" maddr add "$mac_multicast" dev eth0 || fail "multicast: $n's cluster MAC"
done
traffic multicast
ctl nlb del "$sw" --ip "$cip_multicast" >/dev/null || fail "multicast: nlb del"
for n in m1 m2 m3; do
	ip -n "$(ns $n)" maddr del "$mac_multicast" dev eth0
	ip -n "$(ns $n)" addr del "$cip_multicast/24" dev eth0
done
for n in $nodes; do ip -n "$(ns $n)" neigh flush all; done

# ---- igmp: the members join 239.255.y.z, and the switch learns them from
# the kernel's IGMP reports
ctl nlb add "$sw" --ip "$cip_igmp" --mode igmp >/dev/null || fail "igmp: nlb add"
for n in m1 m2 m3; do
	ip -n "$(ns $n)" addr add "$cip_igmp/24" dev eth0 || fail "igmp: $n's cluster IP"
	# Joined while the socket lives: the kernel reports the membership at
	# once (and again), and accepts the group's MAC 01-00-5E-7F-y-z.
	ip netns exec "$(ns $n)" "$py" -c '
import signal, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             socket.inet_aton(sys.argv[1]) + socket.inet_aton(sys.argv[2]))
print("joined", flush=True)
signal.pause()
' "$group_igmp" "$net.${addr[$n]}" >"$dir/igmp-$n.listener" 2>&1 &
	listeners+=($!)
done
for _ in $(seq 1 50); do
	out=$(ctl nlb list "$sw")
	printf '%s' "$out" | grep -q "m1(igmp)" && printf '%s' "$out" | grep -q "m2(igmp)" &&
		printf '%s' "$out" | grep -q "m3(igmp)" && break
	sleep 0.1
done
printf '%s' "$out" | grep -q "m1(igmp),m2(igmp),m3(igmp)$" ||
	fail "igmp: the members' reports did not make them members:
$out
$(for n in m1 m2 m3; do echo "$n: $(cat "$dir/igmp-$n.listener")"; done)"
echo "ok - igmp: the members' IGMP reports made m1, m2 and m3 members, n1 stays out"
traffic igmp
