#!/bin/bash
# Switch types end to end, one switch taken through all three live.  Two
# "VM" namespaces sit behind emulated ports adopting their veths' switch
# ends; a "LAN" namespace sits at the far end of a veth whose near end can
# become the switch's uplink (af_packet); the management OS is this
# namespace, reached through the host vNIC vswitch creates and numbers
# through netlink.
#   private:  the VMs reach each other and nothing else;
#   internal: the VMs reach the host vNIC's address; the LAN stays out;
#   external: VMs, host and LAN all reach each other; turning
#             allow_management_os off removes the host's access live, on
#             brings it back; a restart restores it all from the file.
# Needs root.
set -u
. "$(dirname "$0")/../../tests/lib/vswitchd.sh"
VSWITCHD=$1 CTL=$2
tag=$$
sw=t$tag
hif=vs-$sw
hif=${hif:0:15}
dir=$(mktemp -d)
log=$dir/vswitchd.log
pid=""
fail() { echo "FAIL: $*"; [ -s "$log" ] && tail -15 "$log" | sed 's/^/  vswitchd: /'; exit 1; }
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	for n in vm1 vm2 lan; do ip netns del "$n$tag" 2>/dev/null; done
	for n in hv1 hv2 wa; do ip link del "$n$tag" 2>/dev/null; done
	ip link del "$hif" 2>/dev/null
	rm -rf "$dir" "/var/run/dpdk/vst$tag"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || fail "needs root for network namespaces"

net=10.194.0
i=2
for n in vm1 vm2 lan; do
	ip netns add "$n$tag" || fail "netns $n"
	case $n in
	vm1) side=hv1$tag ;;
	vm2) side=hv2$tag ;;
	lan) side=wa$tag ;;
	esac
	ip link add "$side" type veth peer name eth0 netns "$n$tag" || fail "veth $n"
	ip link set "$side" up
	ip -n "$n$tag" link set eth0 up
	ip -n "$n$tag" addr add "$net.$i/24" dev eth0
	i=$((i + 1))
done
# vm1 .2, vm2 .3, lan .4; the host vNIC will be .1
start() {
	vs_start "vst$tag"
}
# reach FROM TO: FROM a namespace (vm1, vm2, lan) or "host", TO the last byte.
reach() {
	if [ "$1" = host ]; then
		ping -c 2 -i 0.2 -W 1 "$net.$2" >/dev/null 2>&1
	else
		ip netns exec "$1$tag" ping -c 2 -i 0.2 -W 1 "$net.$2" >/dev/null 2>&1
	fi
}
flush() {
	for n in vm1 vm2 lan; do ip -n "$n$tag" neigh flush all; done
	ip neigh flush dev "$hif" 2>/dev/null
	true
}

start
# --- private
ctl switch add "$sw" --type private || fail "switch add private"
ctl port add "$sw" vm1 --kind emulated --adopt "hv1$tag" || fail "port add vm1"
ctl port add "$sw" vm2 --kind emulated --adopt "hv2$tag" || fail "port add vm2"
out=$(ctl port add "$sw" nic --kind phy 2>&1) && fail "a phy port on a private switch"
printf '%s' "$out" | grep -q "private switch $sw has no uplink" || fail "phy refusal: $out"
out=$(ctl switch set "$sw" --uplink "net_af_packet_u$tag,iface=wa$tag" 2>&1) && fail "an uplink on a private switch"
printf '%s' "$out" | grep -q "only an external switch has an uplink" || fail "uplink refusal: $out"
reach vm1 3 || fail "private: vm1 -> vm2"
reach vm2 2 || fail "private: vm2 -> vm1"
reach vm1 4 && fail "private: vm1 reached the LAN"
ip link show "$hif" >/dev/null 2>&1 && fail "private: a host vNIC exists"
echo "ok - private: the VMs reach each other and nothing else"

# --- internal
ctl switch set "$sw" --type internal --host-address "$net.1/24" || fail "switch set internal"
ip -br addr show "$hif" | grep -q "$net.1/24" || fail "internal: host vNIC address: $(ip -br addr show "$hif" 2>&1)"
flush
reach vm1 1 || fail "internal: vm1 -> host vNIC"
reach host 3 || fail "internal: host -> vm2"
reach vm1 4 && fail "internal: vm1 reached the LAN"
reach lan 1 && fail "internal: the LAN reached the host vNIC"
ctl switch show "$sw" | grep -q "^host vNIC: *$sw-host (interface $hif)" || fail "switch show: $(ctl switch show "$sw")"
echo "ok - internal: the VMs reach the host vNIC; the LAN stays out"

# --- external, shared with the management OS
ctl switch set "$sw" --type external --uplink "net_af_packet_u$tag,iface=wa$tag" --allow-management-os on ||
	fail "switch set external"
flush
reach vm1 4 || fail "external: vm1 -> LAN"
reach lan 3 || fail "external: LAN -> vm2"
reach lan 1 || fail "external: LAN -> host vNIC"
reach host 4 || fail "external: host -> LAN"
reach vm2 1 || fail "external: vm2 -> host"
echo "ok - external: VMs, host vNIC and the LAN behind the uplink reach each other"
# The uplink's link follows the kernel interface: the cable pulled at the
# far end shows within a second, and comes back likewise.
uplink_is() {
	local want=$1 _
	for _ in $(seq 1 10); do
		ctl port show "$sw-uplink" | grep -Eq "^link: +$want" && return 0
		sleep 0.1
	done
	return 1
}
ip -n "lan$tag" link set eth0 down
uplink_is down || fail "uplink link down not seen within 1 s: $(ctl port show "$sw-uplink" | grep ^link)"
ip -n "lan$tag" link set eth0 up
uplink_is up || fail "uplink link up not seen within 1 s: $(ctl port show "$sw-uplink" | grep ^link)"
reach vm1 4 || fail "external: vm1 -> LAN after the link came back"
echo "ok - the uplink's link state follows the far end within a second"
ctl --dry-run switch set "$sw" --allow-management-os off | grep -q "dry run: would make switch $sw external with uplink" ||
	fail "dry run"
ip link show "$hif" >/dev/null 2>&1 || fail "a dry run removed the host vNIC"
ctl switch set "$sw" --allow-management-os off || fail "allow_management_os off"
ip link show "$hif" >/dev/null 2>&1 && fail "allow_management_os off left $hif"
reach vm1 4 || fail "management OS off: vm1 -> LAN"
reach lan 1 && fail "management OS off: the LAN still reaches .1"
echo "ok - allow_management_os off removes the host's access live"
ctl switch set "$sw" --allow-management-os on || fail "allow_management_os on"
ip -br addr show "$hif" | grep -q "$net.1/24" || fail "host vNIC back without its address"
flush
reach lan 1 || fail "management OS on again: LAN -> host"
echo "ok - allow_management_os on brings the vNIC back with its address"

kill -TERM "$pid"; wait "$pid" || fail "exit status on SIGTERM"
pid=""
ip link show "$hif" >/dev/null 2>&1 && fail "the host vNIC outlived vswitchd"
start
ctl switch list | grep -Eq "^$sw +external +$sw-uplink +$sw-host " || fail "not restored: $(ctl switch list)"
flush
reach vm1 4 || fail "after restart: vm1 -> LAN"
reach vm2 1 || fail "after restart: vm2 -> host"
echo "ok - a restart restores the switch, its uplink and its host vNIC"
