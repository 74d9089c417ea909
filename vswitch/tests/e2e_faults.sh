#!/bin/bash
# Faults, end to end, each with real parts.  An external switch: its
# uplink is a veth (net_af_packet) to a "LAN" namespace; two "VM"
# namespaces sit behind netvsc ports through vmnic (the guest simulator);
# an emulated port's persistent tap has its fd end held by a stand-in for
# QEMU (tap_holder.py).  The configuration file is on a small tmpfs.
#   1. the uplink flaps under traffic: the switch survives, shows each
#      down and up, counts the frames it could not send, forwards again;
#   2. a netvsc guest is killed (SIGKILL) mid-transfer: the switch goes on,
#      the port shows the guest lost, a new guest attaches to the port;
#   3. the tap's peer is killed: the port shows its link down, the switch
#      goes on, a new holder attaches and its frames reach the LAN;
#   4. the disk is full when a change is saved: the change is refused
#      naming the cause, the file is untouched, the running state does not
#      have it; with space again the same change is saved;
#   5. vswitchd is killed (SIGKILL) under traffic and restarted on the same
#      file: the same configuration, the old guests see their channel
#      rescinded, new ones attach and traffic flows; the emulated VM kept
#      its tap through the crash and is forwarded again.
# Needs root, ip, ping, iperf3, ethtool, python3 (exit 77 otherwise).
set -u
. "$(dirname "$0")/../../tests/lib/vswitchd.sh"
VSWITCHD=$1 CTL=$2 VMNIC=$3
HOLDER=$(dirname "$0")/tap_holder.py
tag=$$
dir=$(mktemp -d)
mnt=$dir/cfg
log=$dir/vswitchd.log
cfg=$mnt/vswitch.json
pid="" nic1="" nic2="" hold="" bg="" srv=""
up=vfu$tag em=vfe$tag
net=10.194.0
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (namespaces, tmpfs, taps)"
	rmdir "$dir"
	exit 77
fi
for t in ip ping iperf3 python3 mount ethtool; do
	command -v "$t" >/dev/null || { echo "SKIP: no $t"; rmdir "$dir"; exit 77; }
done
fail() {
	echo "FAIL: $*"
	[ -s "$log" ] && tail -15 "$log" | sed 's/^/  vswitchd: /'
	for f in "$dir"/vmnic*.log "$dir"/holder*.log "$dir"/iperf*.log; do
		[ -s "$f" ] && tail -5 "$f" | sed "s|^|  $(basename "$f"): |"
	done
	exit 1
}
cleanup() {
	local p
	for p in $bg $srv $hold $nic1 $nic2; do kill -KILL "$p" 2>/dev/null; done
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	wait $bg $srv $hold $nic1 $nic2 $pid 2>/dev/null
	for n in vfl vf1 vf2; do ip netns del "$n$tag" 2>/dev/null; done
	ip link del "$up" 2>/dev/null
	ip tuntap del dev "$em" mode tap 2>/dev/null
	umount "$mnt" 2>/dev/null
	rm -rf "$dir" "/var/run/dpdk/vsf$tag"
}
trap cleanup EXIT
trap 'exit 1' TERM INT HUP

start() {
	vs_config="$cfg"
	vs_start "vsf$tag"
}
alive() { kill -0 "$pid" 2>/dev/null && ctl info >/dev/null 2>&1; }
link_is() { ctl port show "$1" | grep -Eq "^link: +$2"; }
# A counter of a port: drops.NAME or NAME.
counter() {
	ctl --json port show "$1" |
		python3 -c 'import json,sys; r=json.load(sys.stdin); k=sys.argv[1]
print(int(r["stats"]["drops"][k[6:]] if k.startswith("drops.") else r["stats"][k]))' "$2"
}
# ping from VM $1 (1, 2, or l for the LAN) to $net.$2, count $3.
vping() { ip netns exec "vf$1$tag" ping -c "${3:-1}" -i 0.2 -W 1 "$net.$2" >/dev/null 2>&1; }
# Guest $1's NIC up on port vm$1, its tap in namespace vf$1 at $net.$1.
nic_up() {
	local i=$1 p
	"$VMNIC" --chan "$dir/run/chan/vm$i" --tap "vft$i$tag" >"$dir/vmnic$i.log" 2>&1 &
	p=$!
	eval "nic$i=$p"
	for _ in $(seq 1 100); do
		grep -q "^vmnic: up" "$dir/vmnic$i.log" && break
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	grep -q "^vmnic: up" "$dir/vmnic$i.log" || fail "vmnic $i did not come up"
	# The tap of a guest that just exited may still hold the name there.
	within 3 eval 'ip link set "vft$i$tag" netns "vf$i$tag" 2>"$dir/move.err"' ||
		fail "tap of vmnic $i into its namespace: $(cat "$dir/move.err")"
	ip -n "vf$i$tag" addr add "$net.$i/24" dev "vft$i$tag"
	ip -n "vf$i$tag" link set "vft$i$tag" up
}
# The stand-in emulator on the tap, with the port's MAC (as QEMU is given
# it: the port's MAC-spoofing guard drops others); waits for its first
# ARP exchange.
holder_up() {
	local mac
	mac=$(ctl --json port show em | python3 -c 'import json,sys; print(json.load(sys.stdin)["mac"])')
	"$HOLDER" "$em" "$mac" "$net.50" "$net.100" >"$dir/holder$1.log" 2>&1 &
	hold=$!
	within 10 grep -q "^arp-" "$dir/holder$1.log" || fail "tap holder $1: no answer"
}
config_json() { ctl --json config show | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True, indent=1))'; }

# --- the network
mkdir -p "$mnt"
mount -t tmpfs -o size=256k,mode=0700 "vsfaults$tag" "$mnt" || fail "mount a tmpfs"
for n in vfl vf1 vf2; do ip netns add "$n$tag" || fail "netns $n"; done
ip link add "$up" type veth peer name eth0 netns "vfl$tag" || fail "veth"
ip link set "$up" up
ip -n "vfl$tag" addr add "$net.100/24" dev eth0
ip -n "vfl$tag" link set eth0 up
# A wire carries whole checksums: net_af_packet cannot tell a veth's
# checksum-partial frame from a bad one (README, "Offloads").
ip netns exec "vfl$tag" ethtool -K eth0 tx off >/dev/null 2>&1 || fail "ethtool -K eth0 tx off"
start
ctl switch add sw --type external --uplink "net_af_packet_u$tag,iface=$up" >/dev/null || fail "switch add"
ctl port add sw vm1 --kind netvsc >/dev/null || fail "port add vm1"
ctl port add sw vm2 --kind netvsc >/dev/null || fail "port add vm2"
ctl port add sw em --kind emulated --ifname "$em" --owner nobody >/dev/null || fail "port add em"
# Settings the restart must keep.
ctl port set vm2 --mac-spoofing on --storm-control broadcast=5000 >/dev/null || fail "port set vm2"
ctl switch add priv --type private >/dev/null || fail "switch add priv"
ctl port add priv r1 --kind ring >/dev/null || fail "port add r1"
ctl port set r1 --vlan trunk 10,20-30 --native 10 >/dev/null || fail "port set r1"
nic_up 1
nic_up 2
vping 1 100 2 || fail "VM1 -> LAN"
vping 2 100 2 || fail "VM2 -> LAN"
vping 1 2 2 || fail "VM1 -> VM2"
holder_up 1
grep -q "^arp-reply" "$dir/holder1.log" || fail "the tap holder's ARP got no answer"
echo "ok - external switch: two netvsc VMs and a tap-held emulated VM reach the LAN"

# --- 1. the uplink flaps under traffic
ld0=$(counter sw-uplink drops.link_down)
ip netns exec "vf2$tag" ping -f -w 6 "$net.100" >/dev/null 2>&1 &
bg=$!
for i in 1 2 3 4; do
	ip -n "vfl$tag" link set eth0 down
	within 5 link_is sw-uplink down || fail "flap $i: down not shown: $(ctl port show sw-uplink | grep ^link)"
	sleep 0.2
	ip -n "vfl$tag" link set eth0 up
	within 5 link_is sw-uplink up || fail "flap $i: up not shown: $(ctl port show sw-uplink | grep ^link)"
	sleep 0.2
done
alive || fail "vswitchd died while the uplink flapped"
ld1=$(counter sw-uplink drops.link_down)
[ $((ld1 - ld0)) -gt 0 ] || fail "no frame counted as link_down while the uplink was down"
within 5 vping 1 100 || fail "no traffic to the LAN after the last flap"
vping 2 100 || fail "VM2 -> LAN after the flaps"
kill "$bg" 2>/dev/null
wait "$bg" 2>/dev/null
bg=""
echo "ok - uplink flapped 4 times under a ping flood: each down/up shown, $((ld1 - ld0)) frames counted link_down, forwarding back after the last up"

# --- 2. a netvsc guest killed mid-transfer
ip netns exec "vfl$tag" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
srv=$!
within 5 eval 'ip netns exec "vfl$tag" ss -ltn | grep -q ":5201 "' || fail "iperf3 server"
ip netns exec "vf1$tag" iperf3 -c "$net.100" -p 5201 -t 20 >"$dir/iperf1.log" 2>&1 &
bg=$!
rx0=$(counter vm1 rx_packets)
within 5 eval '[ $(($(counter vm1 rx_packets) - rx0)) -gt 1000 ]' || fail "no transfer from VM1"
kill -KILL "$nic1"
wait "$nic1" 2>/dev/null
nic1=""
alive || fail "vswitchd died with the guest"
within 5 eval 'ctl port show vm1 | grep -Eq "^link: +down, .*guest lost"' ||
	fail "vm1 does not show its guest lost: $(ctl port show vm1 | grep -E '^(link|backend)')"
ctl port show vm1 | grep -q " guest_lost=1 " || fail "guest_lost not counted: $(ctl port show vm1 | grep ^backend)"
vping 2 100 3 || fail "VM2 -> LAN after VM1's guest died"
kill "$bg" "$srv" 2>/dev/null
wait "$bg" "$srv" 2>/dev/null
bg="" srv=""
nic_up 1
within 5 vping 1 100 || fail "the new guest on vm1 does not reach the LAN"
vping 1 2 || fail "the new guest on vm1 does not reach VM2"
ctl port show vm1 | grep -Eq "^link: +up, .*guest open" || fail "vm1 after reattach: $(ctl port show vm1 | grep ^link)"
echo "ok - guest on vm1 killed mid-iperf3: the port shows 'guest lost', VM2 keeps the LAN, a new guest attaches and passes traffic"

# --- 3. the tap's peer vanishes
link_is em up || fail "em with its holder: $(ctl port show em | grep ^link)"
kill -KILL "$hold"
wait "$hold" 2>/dev/null
hold=""
within 5 link_is em down || fail "em does not show its link down: $(ctl port show em | grep ^link)"
ip link show "$em" | grep -q "NO-CARRIER" || fail "the tap kept its carrier"
alive || fail "vswitchd died with the tap's peer"
vping 2 100 2 || fail "VM2 -> LAN after the tap's peer died"
holder_up 2
grep -q "^arp-reply" "$dir/holder2.log" ||
	fail "the new tap holder's ARP got no answer: $(ctl port show em | grep -E '^(rx|tx|drops|link)')"
within 5 link_is em up || fail "em with a new holder: $(ctl port show em | grep ^link)"
echo "ok - tap holder killed: em shows link down, the switch goes on; a new holder attaches, its ARP reaches the LAN and is answered"

# --- 4. disk full when the configuration is saved
cp "$cfg" "$dir/saved.json"
config_json >"$dir/running.json"
dd if=/dev/zero of="$mnt/fill" bs=4k 2>/dev/null
out=$(ctl switch add full 2>&1) && fail "a change was acknowledged with the disk full"
printf '%s' "$out" | grep -q "cannot write $cfg: No space left on device" || fail "refusal: $out"
out=$(ctl port set vm2 --vlan access 20 2>&1) && fail "a port change was acknowledged with the disk full"
printf '%s' "$out" | grep -q "No space left on device" || fail "port set refusal: $out"
cmp -s "$cfg" "$dir/saved.json" || fail "the file changed although the change was refused"
config_json | cmp -s - "$dir/running.json" || fail "the refused changes are in the running state: $(config_json | diff "$dir/running.json" -)"
vping 2 100 2 || fail "VM2 lost the LAN: the refused VLAN change was applied"
[ "$(ls "$mnt")" = "$(printf 'fill\nvswitch.json')" ] || fail "left behind on the full disk: $(ls "$mnt")"
rm "$mnt/fill"
ctl switch add full >/dev/null || fail "the same change with space again"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not any(s["name"] == "full" for s in d["switches"]))' "$cfg" ||
	fail "the change was not saved"
echo "ok - disk full: changes refused with 'No space left on device', the file byte-identical, the running state without them; with space the change is saved"

# --- 5. vswitchd killed under traffic, restarted on the same file
config_json >"$dir/before.json"
ip netns exec "vf1$tag" ping -f -w 3 "$net.100" >/dev/null 2>&1 &
bg=$!
ip netns exec "vf2$tag" ping -f -w 3 "$net.1" >/dev/null 2>&1 &
bg="$bg $!"
tx0=$(counter vm1 tx_packets)
within 5 eval '[ "$(counter vm1 tx_packets)" -gt "$tx0" ]' || fail "no traffic before the kill"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
pid=""
kill $bg 2>/dev/null
wait $bg 2>/dev/null
bg=""
start
config_json >"$dir/after.json"
cmp -s "$dir/before.json" "$dir/after.json" || fail "configuration after the restart: $(diff "$dir/before.json" "$dir/after.json")"
echo "ok - vswitchd killed under two ping floods, restarted: the same configuration (switches, ports, VLAN trunk, storm control, MAC spoofing)"
for i in 1 2; do
	eval "p=\$nic$i"
	within 5 eval '! kill -0 "$p" 2>/dev/null' || fail "old vmnic $i is still running"
	wait "$p" 2>/dev/null
	grep -q "channel rescinded" "$dir/vmnic$i.log" || fail "old vmnic $i did not see its channel rescinded"
	nic_up "$i"
done
within 5 vping 1 100 || fail "VM1 -> LAN after the restart"
vping 2 100 || fail "VM2 -> LAN after the restart"
vping 1 2 || fail "VM1 -> VM2 after the restart"
for i in 1 2; do
	ctl port show "vm$i" | grep -Eq "^link: +up, .*guest open" || fail "vm$i: $(ctl port show "vm$i" | grep ^link)"
done
echo "ok - the old guests saw their channels rescinded; new ones attach and reach the LAN and each other"
probes=$(grep -c "^arp-" "$dir/holder2.log")
kill -USR1 "$hold"
within 10 eval '[ $(grep -c "^arp-" "$dir/holder2.log") -gt $probes ]' || fail "the tap holder did not probe"
[ "$(tail -1 "$dir/holder2.log" | cut -d" " -f1)" = arp-reply ] || fail "the emulated VM is not forwarded after the restart"
echo "ok - the emulated VM held its tap through the crash: its tap is taken back and its ARP answered again"
