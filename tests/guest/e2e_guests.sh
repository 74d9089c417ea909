#!/bin/bash
# e2e_guests.sh VSWITCHD VSWITCHCTL [GUEST_CACHE]
#
# Two real QEMU guests on emulated NICs talk through a real vswitchd: guest
# A (e1000, 10.0.0.2) pings guest B (rtl8139, 10.0.0.3) through one private
# switch, each guest behind a persistent tap owned by an unprivileged user
# (QEMU runs as that user), the switch holding the taps' kernel ends with
# net_af_packet.  Asserts A's counted pings all came back and the switch
# learned each guest's MAC on its own port.  Needs root; exits 77 (skip) if
# not root or if the guest kernel cannot be fetched.
#
# Environment: VS_GUEST_USER (default nobody), VS_GUEST_CACHE (wins over
# GUEST_CACHE, so build trees can share one cache).
set -u
VSWITCHD=$1 CTL=$2
here=$(cd "$(dirname "$0")" && pwd)
cache=${VS_GUEST_CACHE:-${3:-$(dirname "$VSWITCHD")/../guest-cache}}
user=${VS_GUEST_USER:-nobody}
tag=$$
prefix=vsg$tag
dir=$(mktemp -d)
log=$dir/vswitchd.log
pid="" guests=""
taps="vga$tag vgb$tag"
mac_a=52:54:00:06:00:02 mac_b=52:54:00:06:00:03
t_start=$SECONDS

fail() {
	echo "FAIL: $*"
	[ -s "$log" ] && tail -n 20 "$log" | sed 's/^/  vswitchd: /'
	for g in a b; do
		[ -s "$dir/guest-$g.log" ] && tail -n 15 "$dir/guest-$g.log" | tr -d '\r' | sed "s/^/  guest $g: /"
	done
	exit 1
}
skip() { echo "SKIP: $*"; exit 77; }

cleanup() {
	local p
	for p in $guests; do kill -TERM "$p" 2>/dev/null; done
	for p in $guests; do
		for _ in $(seq 1 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	fi
	for t in $taps; do ip link del "$t" 2>/dev/null; done
	rm -rf "/var/run/dpdk/$prefix" "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ "$(id -u)" -eq 0 ] || skip "needs root (taps, QEMU as another user)"
command -v qemu-system-x86_64 >/dev/null || fail "no qemu-system-x86_64 (scripts/install-deps.sh)"
id "$user" >/dev/null 2>&1 || fail "no user $user"

t0=$SECONDS
"$here/build-guest.sh" "$cache"
case $? in
0) ;;
77) skip "the guest kernel package could not be fetched" ;;
*) fail "build-guest.sh" ;;
esac
echo "ok - guest ready in $cache ($((SECONDS - t0)) s)"

ctl() { "$CTL" --socket "$dir/run/vswitchd.sock" "$@"; }

"$VSWITCHD" -l 0-1 --no-huge --no-pci --no-shconf -m 256 --file-prefix "$prefix" \
	-- --rundir "$dir/run" --config "$dir/vswitch.json" >>"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	[ -S "$dir/run/vswitchd.sock" ] && ctl info >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || fail "vswitchd exited early"
	sleep 0.1
done
ctl info >/dev/null 2>&1 || fail "vswitchd did not come up"
ctl switch add lan --type private || fail "switch add"

# add_vm_port PORT TAP MAC: a VM port whose emulator attaches to TAP.  vswitchd
# makes the tap (owner $user) and binds it; the test checks that the tap is
# as QEMU needs it: persistent, owned by the VM's user, no address, no IPv6
# (an AF_PACKET socket on it would also see what the host itself sends out
# of it), up.  A private switch takes nothing but VM ports.
add_vm_port() {
	# The VM's MAC is the port's (QEMU gets the same one below): a port with
	# a known MAC holds it as a static entry and lets nothing else out.
	ctl port add lan "$1" --kind emulated --ifname "$2" --owner "$user" --mac "$3" ||
		fail "port add $1 (emulated)"
	[ -e "/sys/class/net/$2" ] || fail "vswitchd made no tap $2"
	[ "$(cat "/sys/class/net/$2/owner")" = "$(id -u "$user")" ] || fail "tap $2 not owned by $user"
	[ "$(cat "/proc/sys/net/ipv6/conf/$2/disable_ipv6")" = 1 ] || fail "tap $2 has IPv6"
	[ -z "$(ip -br addr show dev "$2" | awk '{print $3}')" ] || fail "tap $2 has an address"
}
add_vm_port a "vga$tag" "$mac_a"
add_vm_port b "vgb$tag" "$mac_b"
echo "ok - private switch with two emulated ports on taps owned by $user"

# Both guests boot at once; B answers for up to 240 s, A waits up to 150 s
# for B's first reply, then counts.
t0=$SECONDS
gb=$("$here/run-guest.sh" --background --cache "$cache" --user "$user" --tap "vgb$tag" \
	--model rtl8139 --mac "$mac_b" --log "$dir/guest-b.log" \
	-- vs.ip=10.0.0.3/24 vs.mode=serve vs.wait=240) || fail "start guest B"
guests="$gb"
ga=$("$here/run-guest.sh" --background --cache "$cache" --user "$user" --tap "vga$tag" \
	--model e1000 --mac "$mac_a" --log "$dir/guest-a.log" \
	-- vs.ip=10.0.0.2/24 vs.peer=10.0.0.3 vs.count=5 vs.wait=150) || fail "start guest A"
guests="$gb $ga"
owner=$(ps -o user= -p "$ga" | tr -d ' ')
[ "$owner" = "$user" ] || [ "$(id -u "$user")" = "$owner" ] || fail "QEMU runs as $owner, not $user"

ready_b=$("$here/run-guest.sh" --wait "$dir/guest-b.log" --pid "$gb" --for ready --timeout 120) ||
	fail "guest B not up: $ready_b"
echo "ok - guest B up after $((SECONDS - t0)) s: $ready_b"
res_a=$("$here/run-guest.sh" --wait "$dir/guest-a.log" --pid "$ga" --timeout 200)
rc=$?
[ $rc -eq 0 ] || fail "guest A: ${res_a:-no result line}"
case " $res_a " in
*" nic=e1000 "*" sent=5 received=5 "*) ;;
*) fail "guest A's result: $res_a" ;;
esac
echo "ok - guest A (e1000) pinged guest B (rtl8139) 5/5 after $((SECONDS - t0)) s: $res_a"
grep -q 'nic=8139cp' "$dir/guest-b.log" || fail "guest B's NIC is not the rtl8139 (8139cp)"

fdb=$(ctl fdb show lan) || fail "fdb show"
echo "$fdb" | grep -Eiq "$mac_a +a( |$)" || fail "A's MAC $mac_a not learned on port a: $fdb"
echo "$fdb" | grep -Eiq "$mac_b +b( |$)" || fail "B's MAC $mac_b not learned on port b: $fdb"
echo "ok - the switch learned A's MAC on a and B's on b"

for p in a b; do
	rx=$(ctl --json stats show "$p" | awk -F': *' '/"rx_packets"/ {gsub(/,/, "", $2); print $2; exit}')
	[ "${rx:-0}" -ge 6 ] || fail "port $p received ${rx:-no} packets"
done
echo "ok - both ports counted the guests' frames"
echo "e2e_guests: passed in $((SECONDS - t_start)) s"
