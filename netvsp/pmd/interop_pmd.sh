#!/bin/bash
# DPDK's own net_netvsc PMD (22.11, unmodified) as the guest of a vswitchd
# netvsc port.  netvsc_guest runs the PMD under the LD_PRELOAD shim, which
# plays the guest kernel over the port's channel file; the switch's other
# port is the host's vNIC (a host port), where echo_check.py sends frames
# to the guest and reads the echoes.  Checks: bring-up at NVSP 6.1 and
# NDIS 6.30 (the PMD's own log), link up on both sides, and frames echoed
# byte for byte both ways -- up to 512 bytes through send-buffer sections
# (the PMD's tx_copybreak), above it GPA-direct from the guest's mbufs;
# VLAN 10 between an access port and the guest's trunk, the tag as 802.1Q
# per-packet info both ways (or, without the PMD's strip offload, in the
# frame); the port's admin state seen by the PMD as link down and up, both
# by its link query and as link-state-change events.
# Needs root.  Usage: interop_pmd.sh VSWITCHD VSWITCHCTL NETVSC_GUEST SHIM
set -u
. "$(dirname "$0")/../../tests/lib/vswitchd.sh"
VSWITCHD=$1 CTL=$2 GUEST=$3 SHIM=$4
here=$(cd "$(dirname "$0")" && pwd)
tag=$$
dir=$(mktemp -d)
log=$dir/vswitchd.log glog=""
pid="" gpid=""
fail() {
	echo "FAIL: $*"
	# The guest's own counters (SIGINT: it prints them and stops its port).
	[ -n "$gpid" ] && kill -INT "$gpid" 2>/dev/null && wait "$gpid" 2>/dev/null && gpid=""
	{ ctl port show vm1; ctl port show lan-host; ctl fdb show lan; } 2>/dev/null | sed 's/^/  /'
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

vs_start "vsi$tag"
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

# start_guest NAME DEVARGS GUEST-ARGS...: one guest process, one netvsc
# port, up to its link; checks the bring-up.  IOVA = VA so that the PMD's
# guest-physical addresses are the heap's addresses (see pmd/shim.c).
start_guest() {
	local name=$1 devargs=$2
	shift 2
	glog=$dir/guest-$name.log
	VS_NETVSC_CHAN=$chan LD_PRELOAD=$SHIM "$GUEST" -l 1 --no-huge -m 40 --no-pci --no-shconf \
		--iova-mode=va --file-prefix "vgi$tag" --log-level=pmd.net.netvsc.init:debug --log-level=pmd.net.netvsc.driver:debug \
		${devargs:+-a "vmbus:$guid,$devargs"} -- --timeout 60 "$@" >"$glog" 2>&1 &
	gpid=$!
	wait_line "^guest: link up" 15 || fail "$name: the guest's link did not come up"
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
}

# wait_line REGEX SECONDS: waits for the guest to print a line.
wait_line() {
	local i
	for i in $(seq 1 $(($2 * 20))); do
		grep -q "$1" "$glog" && return 0
		kill -0 "$gpid" 2>/dev/null || { grep -q "$1" "$glog"; return; }
		sleep 0.05
	done
	grep -q "$1" "$glog"
}

# finish_guest NAME FRAMES: the guest's own end after FRAMES echoes.
finish_guest() {
	local name=$1 n=$2 rc
	wait "$gpid"
	rc=$?
	gpid=""
	[ $rc -eq 0 ] || fail "$name: the guest exited $rc"
	grep -q "^guest: rx $n tx $n tx_fail 0 " "$glog" ||
		fail "$name: guest counters: $(grep '^guest: rx' "$glog")"
	grep -Ei "error|failed" "$glog" | grep -v "hn_parse_args\|set to" | grep -q . && fail "$name: the PMD logged an error"
	echo "ok - $name: the guest echoed $n frames and closed its port cleanly"
}

echo_check() {
	python3 "$here/echo_check.py" "hi$tag" "$mac" 60 128 400 512 513 1000 1514 ||
		fail "$1: echo through the PMD"
}

# run_guest NAME [DEVARGS]: bring-up, 21 frames echoed, a clean end.
run_guest() {
	start_guest "$1" "${2:-}" --expect 21
	echo_check "$1"
	finish_guest "$1" 21
}

# The PMD sends frames up to tx_copybreak bytes (512 by default) through
# send-buffer sections, larger ones GPA-direct from its mbufs.  Each guest
# closes the channel at exit and the next one reopens it.
run_guest default
run_guest all-gpa-direct tx_copybreak=0
run_guest all-send-buffer tx_copybreak=2048

# VLAN 10 between an access port (the host's vNIC, untagged) and the
# guest's trunk: the switch hands the guest its tag as 802.1Q per-packet
# info (hardware insertion on the netvsc port), the PMD reports it stripped
# (RTE_ETH_RX_OFFLOAD_VLAN_STRIP), and the guest sends it back the same way
# (RTE_MBUF_F_TX_VLAN); the host sees its frames come back untagged, byte
# for byte.  The guest's MAC is locked on its port, so the port gets no
# unknown unicast, and a trunk without a native VLAN has no static entry
# for it, but the switch still delivers frames to the guest's own MAC in
# every VLAN its port carries.  The guest announces itself in VLAN 10
# first (a broadcast in per-packet info, as a gratuitous ARP would be):
# the switch must learn it there.  The host port's default PCP 5 must
# reach the PMD as the per-packet info's priority (TCI 0xa00a).  Then the port's link goes down
# and up under the guest (admin state): the PMD must see both, and frames
# flow again afterwards.
ctl port set vm1 --vlan trunk 10 >/dev/null || fail "vm1 to a trunk of VLAN 10"
ctl port set lan-host --vlan access 10 --pcp 5 >/dev/null || fail "host to VLAN 10, PCP 5"
start_guest vlan "" --vlan-strip --expect-vlan 10 --announce 10 --expect 42 --watch-link 2
for _ in $(seq 1 40); do
	ctl fdb show lan | grep -Eiq "^lan +10 +$mac +vm1 " && break
	sleep 0.05
done
ctl fdb show lan | grep -Eiq "^lan +10 +$mac +vm1 " ||
	fail "vlan: the switch did not learn the guest's announcement in VLAN 10: $(ctl fdb show lan)"
echo_check vlan
grep -q "^guest: first vlan frame: stripped tci 0xa00a$" "$glog" ||
	fail "vlan: the guest did not see VLAN 10, PCP 5 stripped: $(grep '^guest: first vlan' "$glog")"
echo "ok - vlan: 21 frames in VLAN 10 echoed byte for byte ($(sed -n 's/^guest: first vlan frame: //p' "$glog" | head -1) first)"

ctl port set vm1 --admin down >/dev/null || fail "vm1 admin down"
t0=$(date +%s%N)
wait_line "^guest: link change: down" 3 || fail "link: the PMD did not see the link go down within 3 s"
ms=$((($(date +%s%N) - t0) / 1000000))
ctl port show vm1 | grep -Eq "^link: +down" || fail "link: vm1 is not down: $(ctl port show vm1 | grep ^link)"
echo "ok - link: admin down on vm1: the PMD reports link down (within ${ms} ms)"
ctl port set vm1 --admin up >/dev/null || fail "vm1 admin up"
t0=$(date +%s%N)
wait_line "^guest: link change: up" 3 || fail "link: the PMD did not see the link come back within 3 s"
ms=$((($(date +%s%N) - t0) / 1000000))
ctl port show vm1 | grep -Eq "^link: +up" || fail "link: vm1 is not up again"
echo "ok - link: admin up on vm1: the PMD reports link up (within ${ms} ms)"
grep -q "hn_rndis_link_status(): link status 0x4001000c" "$glog" &&
	grep -q "hn_rndis_link_status(): link status 0x4001000b" "$glog" ||
	fail "link: the PMD did not log both media indications (disconnect, connect)"
echo "ok - link: the PMD received RNDIS_STATUS_MEDIA_DISCONNECT and MEDIA_CONNECT indications"
echo_check vlan-after-link
finish_guest vlan 42
vl=$(grep "^guest: vlan " "$glog")
echo "$vl" | grep -q " vlan_bad 0 " || fail "vlan: frames outside VLAN 10: $vl"
echo "$vl" | grep -q " untagged 0 " || fail "vlan: untagged frames reached the trunk: $vl"
stripped=$(echo "$vl" | sed -n 's/.* stripped \([0-9]*\) .*/\1/p')
[ "${stripped:-0}" -eq 42 ] || fail "vlan: not every frame came with its tag as per-packet info: $vl"
echo "ok - vlan: ${vl#guest: }"

# Without the strip offload the PMD puts the tag back into the frame; the
# guest echoes it in the data and the trunk takes it from there.
start_guest vlan-in-data "" --expect-vlan 10 --announce 10 --expect 21
echo_check vlan-in-data
finish_guest vlan-in-data 21
vl=$(grep "^guest: vlan " "$glog")
echo "$vl" | grep -q "^guest: vlan stripped 0 in_data 21 untagged 0 vlan_bad 0 " ||
	fail "vlan-in-data: $vl"
echo "ok - vlan-in-data: ${vl#guest: }"

# The same link changes as the PMD's link-state-change events (LSC): an
# application that sets intr_conf.lsc hears of each media indication.
start_guest lsc "" --lsc --watch-link 2
ctl port set vm1 --admin down >/dev/null || fail "vm1 admin down"
wait_line "^guest: lsc event 1$" 3 || fail "lsc: no link-state-change event within 3 s of admin down"
ctl port set vm1 --admin up >/dev/null || fail "vm1 admin up"
wait_line "^guest: lsc event 2$" 3 || fail "lsc: no link-state-change event within 3 s of admin up"
finish_guest lsc 0
echo "ok - lsc: the PMD raised a link-state-change event for admin down and for admin up"

# Across all these sessions the VSP counted no protocol error: every
# message, buffer, range and per-packet info the real driver sent was valid
# (vswitchctl shows the channel's own counters, non-zero ones only).
errs="nvsp_short nvsp_unknown nvsp_bad_state nvsp_bad_version gpadl_bad buf_bad revoke_bad_id"
errs="$errs rndis_bad_msg rndis_bad_type rndis_bad_state oid_unsupported oid_bad_input"
errs="$errs ring_corrupt ring_bad_type ring_too_big gpa_bad section_bad rndis_bad_packet ppi_bad"
errs="$errs frame_bad_len lso_bad csum_bad vlan_bad comp_bad tx_bad_len"
backend=$(ctl port show vm1 | sed -n 's/^backend: *//p')
[ -n "$backend" ] || fail "port show vm1 has no backend counters"
for e in $errs; do
	case " $backend " in *" $e="*) fail "the VSP counted $e with the real PMD: $backend" ;; esac
done
echo "ok - the VSP counted no protocol error with the real driver ($backend)"
