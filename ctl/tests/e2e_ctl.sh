#!/bin/bash
# vswitchctl drives a real vswitchd: a switch built live from the CLI
# forwards between network namespaces (kernel ping as the peer); a port
# added while traffic flows starts forwarding and costs the other ports
# nothing; admin down stops a port; NLB clusters are added, refused, listed
# and deleted from the CLI; a restart brings back every switch, port and
# cluster from the persisted file.  Needs root.
set -u
. "$(dirname "$0")/../../tests/lib/vswitchd.sh"
VSWITCHD=$1 CTL=$2
tag=$$
dir=$(mktemp -d)
log=$dir/vswitchd.log
pid=""
fail() { echo "FAIL: $*"; [ -s "$log" ] && tail -20 "$log" | sed 's/^/  vswitchd: /'; exit 1; }
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	for n in a b c; do
		ip netns del "vs$n$tag" 2>/dev/null
		ip link del "v$n$tag" 2>/dev/null
	done
	rm -rf "$dir"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || fail "needs root for network namespaces"

i=1
for n in a b c; do
	ip netns add "vs$n$tag" || fail "netns"
	ip link add "v$n$tag" type veth peer name eth0 netns "vs$n$tag" || fail "veth"
	ip link set "v$n$tag" up
	ip -n "vs$n$tag" addr add "10.198.0.$i/24" dev eth0
	ip -n "vs$n$tag" link set eth0 up
	i=$((i + 1))
done

start() {
	vs_start "vsc$tag"
}
pings() { ip netns exec "vs$1$tag" ping -c "${3:-2}" -i 0.2 -W 1 "10.198.0.$2" >/dev/null 2>&1; }

start
ctl switch add lan --type private || fail "switch add"
ctl port add lan a --kind emulated --adopt "va$tag" || fail "port add a"
ctl port add lan b --kind emulated --adopt "vb$tag" || fail "port add b"
out=$(ctl port add lan c --kind phy 2>&1) && fail "a phy port on a private switch"
printf '%s' "$out" | grep -q "only ever an external switch's uplink" || fail "phy refusal: $out"
pings a 2 || fail "a -> b through a switch built from the CLI"
echo "ok - switch built with vswitchctl forwards"

ctl port set b --admin down || fail "admin down"
pings a 2 && fail "b is down but a still reaches it"
ctl port set b --admin up || fail "admin up"
pings a 2 || fail "b back up but unreachable"
echo "ok - admin down stops a port, up restores it"

# Traffic a <-> b keeps flowing, without a loss, while the switch becomes
# external live, with c's veth as its uplink.
ip netns exec "vsa$tag" ping -c 40 -i 0.05 -W 1 10.198.0.2 >"$dir/ping.txt" 2>&1 &
ppid=$!
for _ in $(seq 1 50); do # the change lands while replies are flowing
	grep -q "bytes from" "$dir/ping.txt" && break
	sleep 0.1
done
grep -q "bytes from" "$dir/ping.txt" || fail "a -> b: no reply before the live change: $(cat "$dir/ping.txt")"
ctl switch set lan --type external --uplink "net_af_packet_c$tag,iface=vc$tag" || fail "switch set external"
wait $ppid || fail "a -> b lost frames while the uplink was added: $(tail -2 "$dir/ping.txt")"
grep -q " 0% packet loss" "$dir/ping.txt" || fail "loss during live change: $(tail -2 "$dir/ping.txt")"
pings a 3 || fail "the uplink added live does not forward"
ctl switch list | grep -Eq "^lan +external +lan-uplink +- " || fail "switch list: $(ctl switch list)"
out=$(ctl port del lan-uplink 2>&1) && fail "the uplink was deleted as a port"
printf '%s' "$out" | grep -q "change the switch instead" || fail "port del lan-uplink: $out"
echo "ok - uplink added live by a type change forwards; a <-> b lost nothing meanwhile"

maca=$(ip -n "vsa$tag" -br link show eth0 | awk '{print toupper($3)}')
ctl fdb show lan --port a | grep -q "$maca" || fail "fdb show lacks $maca on a"
rx=$(ctl --json stats show a | awk -F': *' '/"rx_packets"/ {gsub(/,/, "", $2); print $2; exit}')
[ "${rx:-0}" -gt 0 ] || fail "stats show a: rx_packets is ${rx:-missing}"
ctl stats clear || fail "stats clear"
rx=$(ctl --json stats show a | awk -F': *' '/"rx_packets"/ {gsub(/,/, "", $2); print $2; exit}')
[ "${rx:-1}" -eq 0 ] || fail "after stats clear rx_packets is $rx"
echo "ok - fdb show, stats show, stats clear"

# A trace runs a frame through the live pipeline and changes nothing.
macb=$(ip -n "vsb$tag" -br link show eth0 | awk '{print $3}' | tr -d :)
out=$(ctl trace a --frame "$macb 02aa00000077 0800 $(printf '00%.0s' $(seq 1 46))") || fail "trace"
printf '%s\n' "$out" | grep -q "^learn *would be learned" || fail "trace learn: $out"
printf '%s\n' "$out" | grep -q "^lookup *b$" || fail "trace lookup: $out"
printf '%s\n' "$out" | grep -Eq "^egress +b +as is +60 bytes" || fail "trace egress: $out"
[ "$(printf '%s\n' "$out" | grep -c '^egress')" -eq 1 ] || fail "trace: more than one egress: $out"
ctl fdb show lan | grep -qi "02:aa:00:00:00:77" && fail "a trace taught the switch a station"
echo "ok - trace shows the pipeline's decisions and changes nothing"

# NLB clusters: unicast members must allow MAC spoofing (the refusal says
# so); the cluster MAC is shown in NLB's notation; dry runs change nothing.
out=$(ctl nlb add lan --ip 10.198.0.100 --mode unicast --members a,b 2>&1) &&
	fail "unicast members without MAC spoofing accepted"
printf '%s' "$out" | grep -q "members\[0\]: port a has MAC spoofing off" || fail "unicast refusal: $out"
ctl port set a --mac-spoofing on && ctl port set b --mac-spoofing on || fail "mac spoofing on"
out=$(ctl nlb add lan --ip 10.198.0.100 --mode unicast --members a,b --local-only) || fail "nlb add unicast"
printf '%s' "$out" | grep -q "cluster MAC 02-BF-0A-C6-00-64" || fail "nlb add: $out"
ctl nlb add lan --ip 10.198.0.101 --mode igmp --vlan 1 >/dev/null || fail "nlb add igmp"
out=$(ctl nlb add lan --ip 10.198.0.300 --mode igmp 2>&1) && fail "a bad cluster IP accepted"
printf '%s' "$out" | grep -q "ip: '10.198.0.300' is not an IPv4 address" || fail "bad IP: $out"
ctl nlb list lan | grep -Eq "^lan +1 +10\.198\.0\.100 +unicast +02-BF-0A-C6-00-64 +yes +[0-9]+ +[0-9]+ +- +a,b$" ||
	fail "nlb list: $(ctl nlb list lan)"
ctl --json nlb list | grep -q '"nlb_mac":[[:space:]]*"01-00-5E-7F-00-65"' || fail "nlb list --json: $(ctl --json nlb list)"
ctl --dry-run nlb del lan --ip 10.198.0.101 | grep -q "^dry run: would delete NLB cluster 10.198.0.101" ||
	fail "nlb del --dry-run"
ctl nlb del lan --ip 10.198.0.101 || fail "nlb del"
[ "$(ctl nlb list | grep -c '^lan ')" -eq 1 ] || fail "after nlb del: $(ctl nlb list)"
echo "ok - NLB clusters from the CLI: refusals, list, del"

kill -TERM "$pid"; wait "$pid" || fail "exit status on SIGTERM"
pid=""
start
ctl port list | grep -Eq "^lan-uplink +lan +phy +up" || fail "uplink not restored: $(ctl port list)"
ctl switch show lan | grep -q "^uplink: *lan-uplink (net_af_packet_c$tag,iface=vc$tag)" ||
	fail "switch show: $(ctl switch show lan)"
pings a 3 3 || fail "a -> c after restart"
pings b 1 || fail "b -> a after restart"
ctl nlb list lan | grep -Eq "^lan +1 +10\.198\.0\.100 +unicast +02-BF-0A-C6-00-64 +yes .* a,b$" ||
	fail "NLB cluster not restored: $(ctl nlb list)"
echo "ok - restart restores every switch, port and NLB cluster from the file"
