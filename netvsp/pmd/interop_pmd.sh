#!/bin/bash
# DPDK's own net_netvsc PMD (22.11, unmodified) as the guest of a vswitchd
# netvsc port.  netvsc_guest runs the PMD under the LD_PRELOAD shim, which
# plays the guest kernel over the port's channel file; the switch's other
# port is the host's vNIC (a host port), where echo_check.py sends frames
# to the guest and reads the echoes.  Checks: bring-up at NVSP 6.1 and
# NDIS 6.30 (the PMD's own log), link up on both sides, and frames echoed
# byte for byte both ways -- up to 512 bytes through send-buffer sections
# (the PMD's tx_copybreak), above it GPA-direct from the guest's mbufs.
# Needs root.  Usage: interop_pmd.sh VSWITCHD VSWITCHCTL NETVSC_GUEST SHIM
set -u
VSWITCHD=$1 CTL=$2 GUEST=$3 SHIM=$4
here=$(cd "$(dirname "$0")" && pwd)
tag=$$
dir=$(mktemp -d)
log=$dir/vswitchd.log glog=""
pid="" gpid=""
fail() {
	echo "FAIL: $*"
	[ -s "$log" ] && tail -10 "$log" | sed 's/^/  vswitchd: /'
	[ -s "$glog" ] && tail -30 "$glog" | sed 's/^/  guest: /'
	exit 1
}
cleanup() {
	[ -n "$gpid" ] && kill "$gpid" 2>/dev/null && wait "$gpid" 2>/dev/null
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir" "/var/run/dpdk/vsi$tag" "/var/run/dpdk/vgi$tag"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || fail "needs root"

"$VSWITCHD" -l 0-1 --no-huge --no-pci --no-shconf -m 256 --file-prefix "vsi$tag" \
	-- --rundir "$dir/run" --config "$dir/vswitch.json" >"$log" 2>&1 &
pid=$!
ctl() { "$CTL" --socket "$dir/run/vswitchd.sock" "$@"; }
for _ in $(seq 1 100); do
	ctl info >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || fail "vswitchd exited early"
	sleep 0.1
done
# An internal switch: its host vNIC (made with the switch) is where the
# frames come from.
ctl switch add lan --type internal --host-ifname "hi$tag" >/dev/null || fail "switch add"
ctl port add lan vm1 --kind netvsc >/dev/null || fail "port add vm1"
sysctl -qw "net.ipv6.conf.hi$tag.disable_ipv6=1" 2>/dev/null
chan=$dir/run/chan/vm1
[ -f "$chan" ] || fail "no channel file for vm1"

# The channel's instance id is the device's GUID on the guest's vmbus.
guid=$(od -An -tx1 -j56 -N16 "$chan" | tr -d ' \n' |
	sed 's/\(.\{8\}\)\(.\{4\}\)\(.\{4\}\)\(.\{4\}\)/\1-\2-\3-\4-/')

# run_guest NAME [DEVARGS]: one guest process, one netvsc port, run to its
# end.  IOVA = VA so that the PMD's guest-physical addresses are the heap's
# addresses (see pmd/shim.c).
run_guest() {
	local name=$1 devargs=${2:-}
	glog=$dir/guest-$name.log
	VS_NETVSC_CHAN=$chan LD_PRELOAD=$SHIM "$GUEST" -l 1 --no-huge -m 40 --no-pci --no-shconf \
		--iova-mode=va --file-prefix "vgi$tag" --log-level=pmd.net.netvsc.init:debug --log-level=pmd.net.netvsc.driver:debug \
		${devargs:+-a "vmbus:$guid,$devargs"} -- --expect 21 --timeout 60 >"$glog" 2>&1 &
	gpid=$!
	for _ in $(seq 1 150); do
		grep -q "^guest: link up" "$glog" && break
		kill -0 "$gpid" 2>/dev/null || fail "$name: the guest exited early"
		sleep 0.1
	done
	grep -q "^guest: link up" "$glog" || fail "$name: the guest's link did not come up"
	grep -q "NVS version 0x60001, NDIS version 6.30" "$glog" ||
		fail "$name: the PMD did not negotiate NVSP 6.1 and NDIS 6.30"
	grep -q "^guest: port 0 driver net_netvsc " "$glog" || fail "$name: port 0 is not net_netvsc"
	case $devargs in
	tx_copybreak=*) grep -q "tx copy break set to ${devargs#*=}\$" "$glog" ||
		fail "$name: the PMD did not take $devargs" ;;
	esac
	mac=$(sed -n 's/^guest: port 0 driver net_netvsc mac \([0-9A-Fa-f:]*\) .*/\1/p' "$glog")
	want=$(ctl port show vm1 | sed -n 's/^mac: *//p')
	[ "${mac^^}" = "${want^^}" ] || fail "$name: the PMD's MAC $mac is not the port's $want"
	ctl port show vm1 | grep -Eq "^link: +up" || fail "$name: vm1's link is not up"
	echo "ok - $name: net_netvsc came up: NVSP 6.1, NDIS 6.30, MAC $mac, link up on both sides"

	python3 "$here/echo_check.py" "hi$tag" "$mac" 60 128 400 512 513 1000 1514 ||
		fail "$name: echo through the PMD"
	wait "$gpid"
	rc=$?
	gpid=""
	[ $rc -eq 0 ] || fail "$name: the guest exited $rc"
	grep -q "^guest: rx 21 tx 21 tx_fail 0 " "$glog" ||
		fail "$name: guest counters: $(grep '^guest: rx' "$glog")"
	grep -Ei "error|failed" "$glog" | grep -v "hn_parse_args\|set to" | grep -q . && fail "$name: the PMD logged an error"
	echo "ok - $name: the guest echoed 21 frames (60-1514 bytes) and closed its port cleanly"
}

# The PMD sends frames up to tx_copybreak bytes (512 by default) through
# send-buffer sections, larger ones GPA-direct from its mbufs.  Each guest
# closes the channel at exit and the next one reopens it.
run_guest default
run_guest all-gpa-direct tx_copybreak=0
run_guest all-send-buffer tx_copybreak=2048
