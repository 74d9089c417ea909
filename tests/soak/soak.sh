#!/bin/bash
# Soak: mixed traffic through a real vswitchd for a bounded time while its
# configuration changes every second and ports come and go.  Run on demand
# (not in CI), as root, from a build tree:
#
#   tests/soak/soak.sh [--minutes N | --seconds S] [--build DIR]
#                                           (default 10 minutes, build/)
#
# Topology: an external switch whose uplink (net_af_packet) is a veth to a
# LAN namespace, two namespace VMs behind synthetic NICs (vmnic).  Traffic
# for the whole run: iperf3 TCP VM1 -> LAN, iperf3 UDP VM2 -> VM1 and
# LAN -> VM2, pings and ARP broadcasts from the LAN.  Every second one of:
# a ring port added or removed (up to 8), a ring port's VLAN changed, the
# uplink's storm control set or lifted, VM2's large send toggled, the MAC
# table flushed, a netvsc port without a guest added or removed.
#
# Checks, every 10 s and at the end: vswitchd alive; its memory
# (daemon info: mbufs in use, DPDK heap, RSS) sampled to soak.csv; at the
# end, with the churned ports gone and traffic stopped: the DPDK heap back
# where it was with the same ports, mbufs in use back to the baseline, RSS
# grown by less than 2 MB over the second half of the run (the first half
# touches the pools' and tables' pages for the first time: reported, not
# judged); every port's counters consistent
# (received = forwarded unicast + flooded + dropped at ingress, by reason);
# the VMs still reach the LAN.  Prints the samples and PASS or FAIL.
set -u
. "$(dirname "$0")/../lib/vswitchd.sh"
secs=600
build=build
while [ $# -gt 0 ]; do
	case $1 in
	--minutes) secs=$(($2 * 60)); shift 2 ;;
	--seconds) secs=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) echo "usage: $0 [--minutes N | --seconds S] [--build DIR]"; exit 2 ;;
	esac
done
VSWITCHD=$build/vswitch/vswitchd CTL=$build/ctl/vswitchctl VMNIC=$build/netvsp/vmnic
for b in "$VSWITCHD" "$CTL" "$VMNIC"; do
	[ -x "$b" ] || { echo "no $b: build first (cmake --build $build)"; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "needs root (namespaces)"; exit 2; }
for t in iperf3 ping arping python3; do
	command -v $t >/dev/null || { echo "needs $t"; exit 2; }
done

tag=$$
lan=sl$tag up=su$tag
dir=$(mktemp -d)
log=$dir/vswitchd.log
pid="" nic1="" nic2="" loads=""
fail() {
	echo "FAIL: $*"
	[ -s "$log" ] && tail -20 "$log" | sed 's/^/  vswitchd: /'
	exit 1
}
cleanup() {
	# shellcheck disable=SC2086
	[ -n "$loads" ] && kill $loads 2>/dev/null
	[ -n "$nic1" ] && kill "$nic1" 2>/dev/null
	[ -n "$nic2" ] && kill "$nic2" 2>/dev/null
	# shellcheck disable=SC2086
	wait $loads $nic1 $nic2 2>/dev/null
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	for ns in "$lan" "sv1$tag" "sv2$tag"; do ip netns del "$ns" 2>/dev/null; done
	ip link del "$up" 2>/dev/null
	[ -n "${keep:-}" ] || rm -rf "$dir"
	rm -rf "/var/run/dpdk/vss$tag"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$lan" || fail "netns"
ip link add "$up" type veth peer name eth0 netns "$lan" || fail "veth"
ip link set "$up" up
ip -n "$lan" link set eth0 up
ip -n "$lan" addr add 10.197.0.100/24 dev eth0
# net_af_packet forwards unfinished checksums as they are (see e2e_offload).
ip netns exec "$lan" ethtool -K eth0 tx off >/dev/null 2>&1

vs_mem=512
vs_start "vss$tag"
ctl switch add soak --type external --uplink "net_af_packet_s$tag,iface=$up" >/dev/null || fail "switch add"
for i in 1 2; do
	ctl port add soak "vm$i" --kind netvsc >/dev/null || fail "port add vm$i"
	"$VMNIC" --chan "$dir/run/chan/vm$i" --tap "sv$i$tag" >"$dir/vmnic$i.log" 2>&1 &
	eval "nic$i=\$!"
	for _ in $(seq 1 100); do
		grep -q "^vmnic: up" "$dir/vmnic$i.log" && break
		sleep 0.1
	done
	grep -q "^vmnic: up" "$dir/vmnic$i.log" || fail "vmnic $i did not come up"
	ip netns add "sv$i$tag"
	ip link set "sv$i$tag" netns "sv$i$tag"
	ip -n "sv$i$tag" addr add "10.197.0.$i/24" dev "sv$i$tag"
	ip -n "sv$i$tag" link set "sv$i$tag" up
done
ip netns exec "sv1$tag" ping -c 3 -i 0.2 -W 2 10.197.0.100 >/dev/null || fail "VM1 -> LAN before the soak"
ip netns exec "sv2$tag" ping -c 3 -i 0.2 -W 2 10.197.0.1 >/dev/null || fail "VM2 -> VM1 before the soak"

# Memory as daemon info reports it: "mbufs_in_use heap_bytes rss_bytes".
memory() {
	ctl --json info | python3 -c '
import json, sys
m = json.load(sys.stdin)["memory"]
print(int(m["mbufs_in_use"]), int(m["heap_bytes"]), int(m["rss_bytes"]))'
}
read -r mb0 heap0 rss0 <<<"$(memory)" || fail "daemon info"

# Servers, then clients, all for the whole run.
ip netns exec "$lan" iperf3 -s -p 5301 >/dev/null 2>&1 &
loads="$loads $!"
ip netns exec "sv1$tag" iperf3 -s -p 5302 >/dev/null 2>&1 &
loads="$loads $!"
ip netns exec "sv2$tag" iperf3 -s -p 5303 >/dev/null 2>&1 &
loads="$loads $!"
sleep 1
ip netns exec "sv1$tag" iperf3 -c 10.197.0.100 -p 5301 -t "$secs" >"$dir/tcp.log" 2>&1 &
loads="$loads $!"
ip netns exec "sv2$tag" iperf3 -c 10.197.0.1 -p 5302 -u -b 50M -t "$secs" >"$dir/udp1.log" 2>&1 &
loads="$loads $!"
ip netns exec "$lan" iperf3 -c 10.197.0.2 -p 5303 -u -b 20M -t "$secs" >"$dir/udp2.log" 2>&1 &
loads="$loads $!"
ip netns exec "$lan" ping -q -i 0.01 -w "$secs" 10.197.0.2 >"$dir/ping.log" 2>&1 &
loads="$loads $!"
ip netns exec "$lan" arping -q -I eth0 -i 0.1 -w "$secs" 10.197.0.1 >/dev/null 2>&1 &
loads="$loads $!"

# One configuration change a second, chosen at random.
ring_ports=() netvsc_extra=0 changes=0 refused=0
churn() {
	local r=$((RANDOM % 7)) n
	case $r in
	0 | 1)
		if [ ${#ring_ports[@]} -lt 8 ] && [ $r -eq 0 ]; then
			n=r$RANDOM
			ctl port add soak "$n" --kind ring --vlan access $((RANDOM % 4 + 1)) >/dev/null &&
				ring_ports+=("$n")
		elif [ ${#ring_ports[@]} -gt 0 ]; then
			n=${ring_ports[0]}
			ctl port del "$n" >/dev/null && ring_ports=("${ring_ports[@]:1}")
		fi ;;
	2)
		[ ${#ring_ports[@]} -gt 0 ] &&
			ctl port set "${ring_ports[$((RANDOM % ${#ring_ports[@]}))]}" \
				--vlan trunk "1-$((RANDOM % 100 + 2))" >/dev/null ;;
	3)
		if [ $((RANDOM % 2)) -eq 0 ]; then
			ctl port set soak-uplink --storm-control broadcast=$((RANDOM % 500 + 5))pps >/dev/null
		else
			ctl port set soak-uplink --storm-control off >/dev/null
		fi ;;
	4) ctl port set vm2 --offload "tso=$([ $((RANDOM % 2)) -eq 0 ] && echo on || echo off)" >/dev/null ;;
	5) ctl fdb flush soak >/dev/null ;;
	6)
		if [ $netvsc_extra -eq 0 ]; then
			ctl port add soak vm3 --kind netvsc >/dev/null && netvsc_extra=1
		else
			ctl port del vm3 >/dev/null && netvsc_extra=0
		fi ;;
	esac || refused=$((refused + 1))
	changes=$((changes + 1))
}

echo "t_s,mbufs_in_use,heap_bytes,rss_bytes,ports" >"$dir/soak.csv"
start=$(date +%s)
next_sample=0
while :; do
	now=$(($(date +%s) - start))
	[ "$now" -ge "$secs" ] && break
	kill -0 "$pid" 2>/dev/null || fail "vswitchd died after $now s"
	churn
	if [ "$now" -ge "$next_sample" ]; then
		read -r mb heap rss <<<"$(memory)" || fail "daemon info at $now s"
		echo "$now,$mb,$heap,$rss,$((3 + ${#ring_ports[@]} + netvsc_extra))" >>"$dir/soak.csv"
		next_sample=$((now + 10))
		[ -z "${rss_half:-}" ] && [ "$now" -ge $((secs / 2)) ] && rss_half=$rss
	fi
	sleep 1
done

# Back to the starting configuration, traffic stopped (SIGINT: the
# clients print their summaries).
# shellcheck disable=SC2086
kill -INT $loads 2>/dev/null
wait $loads 2>/dev/null
loads=""
for n in "${ring_ports[@]}"; do ctl port del "$n" >/dev/null; done
[ $netvsc_extra -eq 1 ] && ctl port del vm3 >/dev/null
ctl port set soak-uplink --storm-control off >/dev/null
ctl port set vm2 --offload tso=on >/dev/null
sleep 2
kill -0 "$pid" 2>/dev/null || fail "vswitchd died"
read -r mb1 heap1 rss1 <<<"$(memory)" || fail "daemon info at the end"
echo "end,$mb1,$heap1,$rss1,3" >>"$dir/soak.csv"
cat "$dir/soak.csv"
echo "changes: $changes ($refused refused)"
grep -E "sender" "$dir/tcp.log" | tail -1
grep -E "transmitted" "$dir/ping.log"

rc=0
[ "$heap1" -eq "$heap0" ] || { echo "FAIL: DPDK heap $heap0 -> $heap1 bytes with the same ports"; rc=1; }
[ "$mb1" -le $((mb0 + 64)) ] || { echo "FAIL: mbufs in use $mb0 -> $mb1 with traffic stopped"; rc=1; }
echo "RSS: $rss0 bytes at the start, ${rss_half:-$rss0} half-way, $rss1 at the end"
[ "$rss1" -le $((${rss_half:-$rss0} + 2 * 1024 * 1024)) ] ||
	{ echo "FAIL: RSS grew $(((rss1 - ${rss_half:-$rss0}) / 1024)) KB over the second half"; rc=1; }
ctl --json stats show | python3 -c '
import json, sys
# Reasons counted on the egress port (or on either side): not part of what
# the ingress port accounts for.
egress = {"tx_full", "no_mbuf", "mtu_exceeded", "offload_refused", "tx_handoff_full",
          "link_down", "port_down"}
bad = 0
for p in json.load(sys.stdin)["ports"]:
    d = p["drops"]
    if d.get("link_down", 0) or d.get("port_down", 0):
        print("FAIL: %s: link_down/port_down drops in a run without either" % p["name"]); bad = 1
    ingress = sum(v for k, v in d.items() if k not in egress)
    fwd = p["fwd_unicast"] + p["fwd_flood"]
    ok = p["rx_packets"] == fwd + ingress
    print("%s %s: rx %d = unicast %d + flooded %d + dropped %d" % (
        "ok  " if ok else "FAIL", p["name"], p["rx_packets"], p["fwd_unicast"],
        p["fwd_flood"], ingress))
    bad |= not ok
sys.exit(bad)' || rc=1
ip netns exec "sv1$tag" ping -c 3 -i 0.2 -W 2 10.197.0.100 >/dev/null || { echo "FAIL: VM1 -> LAN after the soak"; rc=1; }
if [ $rc -eq 0 ]; then
	echo "PASS: $secs s, $changes configuration changes, memory flat, counters consistent"
else
	keep=1
	echo "(kept $dir)"
fi
exit $rc
