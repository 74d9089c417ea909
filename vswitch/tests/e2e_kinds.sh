#!/bin/bash
# Ports on kernel interfaces, end to end.  An internal switch: its host port
# is the management OS's vNIC (a tap vswitch holds, configured through
# libnl with MAC, MTU and address), created and removed with the switch's
# type; a "VM" namespace sits behind an emulated port that adopts the
# switch-side end of its veth.  The VM pings the host's address on the
# vNIC; the link and kernel counters show in vswitchctl.  An emulated
# port that creates its tap makes it persistent and owned, and deletes it
# with the port.  Needs root.
set -u
. "$(dirname "$0")/../../tests/lib/vswitchd.sh"
VSWITCHD=$1 CTL=$2
tag=$$
dir=$(mktemp -d)
log=$dir/vswitchd.log
pid=""
fail() { echo "FAIL: $*"; [ -s "$log" ] && tail -15 "$log" | sed 's/^/  vswitchd: /'; exit 1; }
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del "vm$tag" 2>/dev/null
	ip link del "v$tag" 2>/dev/null
	ip link del "h$tag" 2>/dev/null
	ip tuntap del dev "t$tag" mode tap 2>/dev/null
	rm -rf "$dir" "/var/run/dpdk/vsk$tag"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || fail "needs root"

ip netns add "vm$tag" || fail "netns"
ip link add "v$tag" type veth peer name eth0 netns "vm$tag" || fail "veth"
ip -n "vm$tag" addr add 10.196.0.2/24 dev eth0
ip -n "vm$tag" link set eth0 up
vs_start "vsk$tag"
ctl switch add in0 --type internal --host-ifname "h$tag" || fail "switch add"
# The host vNIC: vswitch creates it with the switch, a port like any other.
ip -br addr show "h$tag" >/dev/null 2>&1 || fail "no interface h$tag"
ctl port set in0-host --mac 02:00:00:5e:00:01 --mac-spoofing on >/dev/null || fail "port set in0-host"
out=$(ctl port del in0-host 2>&1) && fail "the host vNIC was deleted as a port"
printf '%s' "$out" | grep -q "change the switch instead" || fail "port del in0-host: $out"
out=$(ctl port add in0 host2 --kind host --ifname "x$tag" 2>&1) && fail "a second host vNIC"
printf '%s' "$out" | grep -q "exactly one host vNIC" || fail "port add host: $out"
ctl switch set in0 --type private || fail "switch set private"
ip link show "h$tag" >/dev/null 2>&1 && fail "a private switch kept h$tag"
ctl switch set in0 --type internal >/dev/null || fail "switch set internal"
ip link show "h$tag" >/dev/null 2>&1 || fail "internal again: no h$tag"
ctl switch del in0 >/dev/null || fail "switch del"
ip link show "h$tag" >/dev/null 2>&1 && fail "deleting the switch left h$tag behind"
echo "ok - the host vNIC comes and goes with the switch's type"
# The same with an MTU and addresses, as a configuration file would carry them.
printf '{"switches":[{"name":"in0","type":"internal","host":{"ifname":"h%s","mac":"02:00:00:5e:00:01","mtu":1400,"addresses":["10.196.0.1/24","fd00:196::1/64"]}}],"ports":[{"switch":"in0","name":"vm","kind":"emulated","ifname":"v%s","adopt":true}]}\n' "$tag" "$tag" >"$dir/vswitch.json"
kill -TERM "$pid"; wait "$pid"; pid=""
vs_start "vsk$tag"
ip -br link show "h$tag" | grep -qi "02:00:00:5e:00:01" || fail "host vNIC MAC: $(ip -br link show "h$tag")"
ip link show "h$tag" | grep -q "mtu 1400" || fail "host vNIC MTU: $(ip link show "h$tag")"
ip -br addr show "h$tag" | grep -q "10.196.0.1/24" || fail "host vNIC address: $(ip -br addr show "h$tag")"
ip -br addr show "h$tag" | grep -q "fd00:196::1/64" || fail "host vNIC IPv6 address"
echo "ok - the host vNIC has the configured MAC, MTU and addresses"
ip netns exec "vm$tag" ping -c 3 -i 0.2 -W 2 10.196.0.1 >/dev/null || fail "VM -> host vNIC"
echo "ok - a VM behind an emulated port reaches the host's vNIC on an internal switch"
out=$(ctl port show in0-host)
printf '%s\n' "$out" | grep -Eq "^link: +up, ([0-9]+ Mbit/s, )?interface h$tag mtu 1400 mac 02:00:00:5E:00:01, kernel rx [1-9]" ||
	fail "port show in0-host: $out"
echo "ok - port show gives the vNIC's link and kernel counters"

# An emulated port that makes its tap: persistent, owned, gone with the port.
ctl port add in0 vm2 --kind emulated --ifname "t$tag" --owner nobody || fail "emulated with a tap"
ip -d link show "t$tag" | grep -q "persist on user nobody" || fail "tap not persistent/owned: $(ip -d link show "t$tag")"
[ "$(cat "/sys/class/net/t$tag/owner")" = "$(id -u nobody)" ] || fail "tap owner"
ctl port del vm2 || fail "port del vm2"
ip link show "t$tag" >/dev/null 2>&1 && fail "the tap outlived its port"
out=$(ctl port add in0 vm3 --kind emulated --ifname "t$tag" 2>&1) && fail "tap without owner or group accepted"
printf '%s' "$out" | grep -q "owner or a group" || fail "unowned tap refusal: $out"
echo "ok - emulated taps: persistent, owned, removed with the port; unowned refused"
ctl port del vm >/dev/null || fail "port del vm"
ip link show "v$tag" >/dev/null 2>&1 || fail "an adopted interface was deleted"
echo "ok - an adopted interface stays when its port goes"
