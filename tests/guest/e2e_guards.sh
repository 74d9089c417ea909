#!/bin/bash
# e2e_guards.sh VSWITCHD VSWITCHCTL [GUEST_CACHE]
#
# Port security against real QEMU guests: two guests on emulated ports of
# one private switch, one boot each, the settings flipped live with
# vswitchctl while guest A runs its steps:
#   guest B (rtl8139, 10.0.0.3) serves DHCP with busybox udhcpd, and its
#     port b has the DHCP guard on;
#   guest A (e1000, 10.0.0.2) has its QEMU MAC as port a's MAC, spoofing
#     off, and runs a script (vs.mode=run) that prints a machine-readable
#     "VSGUEST STEP NAME key=value... t=S" line per step:
#     ping-own      pings B from its own MAC: received=3
#     dhcp-guarded  udhcpc with B's guard on: lease=none (B's port counts
#                   drops.dhcp_guard); the test then turns the guard off
#     dhcp-open     udhcpc again, retrying: lease=ADDR server=10.0.0.3
#     mac-changed   ip link set eth0 address 52:54:00:06:00:99
#     spoof-blocked after 3 failed pings (drops.mac_spoofed grows); the
#                   test then turns --mac-spoofing on for port a
#     spoof-allowed pings (one a second) come back: failed=N
#     ping-spoofed  pings B from the new MAC: received=3
# Needs root; exits 77 (skip) if not root or if the guest kernel cannot be
# fetched.  Environment: VS_GUEST_USER (default nobody), VS_GUEST_CACHE
# (wins over GUEST_CACHE, so build trees can share one cache).
set -u
VSWITCHD=$1 CTL=$2
here=$(cd "$(dirname "$0")" && pwd)
cache=${VS_GUEST_CACHE:-${3:-$(dirname "$VSWITCHD")/../guest-cache}}
user=${VS_GUEST_USER:-nobody}
tag=$$
prefix=vsgg$tag
dir=$(mktemp -d "${TMPDIR:-/tmp}/e2e_guards.XXXXXX")
log=$dir/vswitchd.log
pid="" guests=""
taps="vha$tag vhb$tag"
mac_a=52:54:00:07:00:02 mac_b=52:54:00:07:00:03 mac_new=52:54:00:07:00:99
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
	# port del takes the taps vswitchd made; ip link del catches the rest.
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		for p in a b; do ctl port del "$p" >/dev/null 2>&1; done
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

# drops PORT REASON: one drop counter of a port, from the "drops:" line of
# port show (REASON=N for each counter that is not 0).
drops() {
	ctl port show "$1" | awk -v k="$2" '
		/^drops:/ { for (i = 2; i <= NF; i++) if (index($i, k "=") == 1) n = substr($i, length(k) + 2) }
		END { print n + 0 }'
}

"$VSWITCHD" -l 0-1 --no-huge --no-pci --no-shconf -m 256 --file-prefix "$prefix" \
	-- --rundir "$dir/run" --config "$dir/vswitch.json" >>"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	[ -S "$dir/run/vswitchd.sock" ] && ctl info >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || fail "vswitchd exited early"
	sleep 0.1
done
ctl info >/dev/null 2>&1 || fail "vswitchd did not come up"
ctl switch add lan --type private >/dev/null || fail "switch add"
# Each port has its VM's MAC (the one QEMU gives the NIC): B's never
# changes; A's is what A will leave behind.
ctl port add lan a --kind emulated --ifname "vha$tag" --owner "$user" --mac "$mac_a" >/dev/null ||
	fail "port add a"
ctl port add lan b --kind emulated --ifname "vhb$tag" --owner "$user" --mac "$mac_b" >/dev/null ||
	fail "port add b"
ctl port set a --mac-spoofing off >/dev/null || fail "port set a --mac-spoofing off"
ctl port set b --dhcp-guard on >/dev/null || fail "port set b --dhcp-guard on"
ctl port show a | grep -Eiq "^mac: +$mac_a$" || fail "port a's MAC: $(ctl port show a)"
ctl port show b | grep -q "dhcp on" || fail "port b's guard: $(ctl port show b)"
echo "ok - private switch; port a has A's MAC $mac_a (no spoofing), port b the DHCP guard"

# Guest A's steps, one shell line for vs.run: no double quotes, no
# backslashes, no newlines (the kernel command line and init.sh's xargs
# take it apart).  S prints a step; P is one ping with a 1 s timeout; C
# counts 3 pings; D runs udhcpc with $1 tries 2 s apart, recording the lease.
peer=10.0.0.3
script="S(){ read u x </proc/uptime;echo VSGUEST STEP \$* t=\$u;};"
script+="P(){ ping -c 1 -W 1 -q $peer >/dev/null 2>&1;};"
script+="C(){ ping -c 3 -i 0.5 -W 2 -q $peer|awk '/received/{print \$4}';};"
script+="n=0;until P;do n=\$((n+1));[ \$n -ge 150 ]&&{ S ping-own received=0 reason=no-first-reply;exit 1;};done;"
script+="r=\$(C);S ping-own received=\$r;"
script+="echo '#!/bin/sh' >/tmp/d;"
script+="echo '[ \$1 = bound ]&&ip addr add \$ip/24 dev eth0&&echo lease=\$ip server=\$serverid >/tmp/l;:' >>/tmp/d;chmod +x /tmp/d;"
script+="D(){ rm -f /tmp/l;udhcpc -i eth0 -f -q -n -t \$1 -T 2 -s /tmp/d >/dev/null 2>&1;S \$2 \$(cat /tmp/l 2>/dev/null||echo lease=none);};"
script+="D 3 dhcp-guarded;D 20 dhcp-open;"
script+="ip link set eth0 address $mac_new||{ ip link set eth0 down;ip link set eth0 address $mac_new;ip link set eth0 up;};"
script+="S mac-changed mac=\$(cat /sys/class/net/eth0/address);"
script+="n=0;until ip neigh flush dev eth0 >/dev/null 2>&1;P;do n=\$((n+1));[ \$n = 3 ]&&S spoof-blocked failed=\$n;[ \$n -ge 90 ]&&{ S spoof-allowed failed=\$n reason=no-reply;exit 1;};done;"
script+="S spoof-allowed failed=\$n;r=\$(C);S ping-spoofed received=\$r;[ \$r = 3 ]"
[ ${#script} -lt 1700 ] || fail "guest A's script is ${#script} bytes, too long for the kernel command line"

# Both guests boot at once; B serves DHCP for up to 240 s (vs.count: more
# leases than it will ever hand out, so it stays up), A waits up to 150 s
# for B's first reply.
t0=$SECONDS
gb=$("$here/run-guest.sh" --background --cache "$cache" --user "$user" --tap "vhb$tag" \
	--model rtl8139 --mac "$mac_b" --log "$dir/guest-b.log" \
	-- vs.ip=10.0.0.3/24 vs.mode=udhcpd vs.count=99 vs.wait=240) || fail "start guest B"
guests="$gb"
ga=$("$here/run-guest.sh" --background --cache "$cache" --user "$user" --tap "vha$tag" \
	--model e1000 --mac "$mac_a" --log "$dir/guest-a.log" \
	-- vs.ip=10.0.0.2/24 vs.mode=run "vs.run=\"$script\"") || fail "start guest A"
guests="$gb $ga"

# step NAME TIMEOUT: waits for guest A's STEP line NAME and puts it in $line.
step() {
	local end=$((SECONDS + $2)) res
	while :; do
		line=$(grep -aEo "VSGUEST STEP $1 .*" "$dir/guest-a.log" 2>/dev/null | head -n1 | tr -d '\r')
		[ -n "$line" ] && return 0
		res=$(grep -aEo "VSGUEST RESULT .*" "$dir/guest-a.log" 2>/dev/null | head -n1 | tr -d '\r')
		[ -n "$res" ] && fail "guest A finished before step $1: $res"
		kill -0 "$ga" 2>/dev/null || fail "guest A's QEMU exited before step $1"
		[ "$SECONDS" -lt "$end" ] || fail "no step $1 from guest A after $2 s"
		sleep 0.2
	done
}
# field LINE KEY: the value of KEY=value in a STEP line.
field() { echo " $1 " | sed -n "s/.* $2=\([^ ]*\) .*/\1/p"; }

step ping-own 200
[ "$(field "$line" received)" = 3 ] || fail "A's pings from its own MAC: $line"
echo "ok - A pinged B from its own MAC 3/3 ($((SECONDS - t0)) s after boot): $line"

step dhcp-guarded 60
[ "$(field "$line" lease)" = none ] || fail "A got a lease past B's DHCP guard: $line"
guarded=$(drops b dhcp_guard)
[ "$guarded" -gt 0 ] || fail "port b counted no dhcp_guard drops ($(ctl port show b))"
spoofed=$(drops a mac_spoofed)
[ "$spoofed" -eq 0 ] || fail "port a dropped $spoofed frames as spoofed while A used its own MAC"
echo "ok - DHCP guard on: A got no lease, port b dropped $guarded DHCP server messages: $line"
ctl port set b --dhcp-guard off >/dev/null || fail "port set b --dhcp-guard off"

step dhcp-open 60
lease=$(field "$line" lease)
case $lease in
10.0.0.1[0-9][0-9]) ;;
*) fail "A got no lease with the guard off: $line" ;;
esac
[ "$(field "$line" server)" = 10.0.0.3 ] || fail "A's lease is not from B: $line"
echo "ok - DHCP guard off (live): A leased $lease from B: $line"

step mac-changed 30
[ "$(field "$line" mac)" = "$mac_new" ] || fail "A could not change its MAC: $line"
echo "ok - A changed its MAC: $line"
step spoof-blocked 60
spoofed=$(drops a mac_spoofed)
[ "$spoofed" -gt 0 ] || fail "A lost B but port a counted no mac_spoofed drops ($(ctl port show a))"
echo "ok - A as $mac_new: pings fail, port a dropped $spoofed frames as spoofed: $line"
ctl port set a --mac-spoofing on >/dev/null || fail "port set a --mac-spoofing on"
ctl port show a | grep -q 'spoofing allowed' || fail "port a: $(ctl port show a)"
spoofed=$(drops a mac_spoofed)

step spoof-allowed 60
[ -z "$(field "$line" reason)" ] || fail "A's pings did not come back with spoofing allowed: $line"
echo "ok - --mac-spoofing on (live): A's pings come back after $(field "$line" failed) failed: $line"
step ping-spoofed 30
[ "$(field "$line" received)" = 3 ] || fail "A's pings from $mac_new: $line"
res_a=$("$here/run-guest.sh" --wait "$dir/guest-a.log" --pid "$ga" --timeout 30) ||
	fail "guest A: ${res_a:-no result line}"
now=$(drops a mac_spoofed)
[ "$now" -eq "$spoofed" ] || fail "port a still drops as spoofed ($spoofed, then $now) with spoofing allowed"
echo "ok - A pinged B 3/3 from $mac_new, port a dropped nothing more: $line"
echo "ok - guest A: $res_a"
echo "e2e_guards: passed in $((SECONDS - t_start)) s"
