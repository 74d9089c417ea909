#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tcp.sh: TCP throughput through vswitchd with the guests' offloads on and
# off, VM to VM and VM to LAN, on one worker.
#
# Two namespace "VMs" sit behind vmnic (the guest simulator bridged to a
# tap, netvsp/guest/vmnic.c) on two netvsc ports of an external switch
# whose uplink is net_af_packet on a veth; the "LAN" namespace holds the
# veth's other end.  iperf3 runs one TCP stream VM1 -> VM2 and VM1 -> LAN
# for each repetition, alternately with the VMs' offloads on (checksum,
# large send and RSC: superframes from VM1 reach VM2 coalesced and are cut
# for the uplink) and off (vmnic --no-offload: MTU-sized frames, checksums
# in the kernel), restarting the VMs' NICs between the two.  Prints each
# run, then per path the median (min-max) Gbit/s with offloads on and off
# and the ratio of the medians; --json writes the same.  Run as root after
# building vswitchd, vswitchctl and vmnic; see perf/README.md.
#
# Usage: perf/tcp/tcp.sh [options]
#   --duration S   iperf3 seconds per run (10)
#   --repeats N    runs of each path and setting (3)
#   --lcores A-B   vswitchd's control and worker lcores (0-1)
#   --no-huge      run DPDK without hugepages
#   --build DIR    the build tree (the repository's build/)
#   --json FILE    also write the results as JSON
#   --keep         keep the run directory (logs, iperf3 reports)
#   -h, --help     this text
#
# Each run waits for a machine without other tests or benchmarks (ctest,
# test binaries, vswitch-perf, testpmd, OVS, other vswitchd, vmnic or
# iperf3 processes) and is done again, up to 3 times, when one appeared
# while it ran; the table counts only undisturbed runs.  It ends only the
# processes it started, by PID; its namespaces and links carry a per-run
# suffix and go when it exits.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/build duration=10 repeats=3 lcores=0-1 huge=1 json="" keep=0

usage() { sed -n '3,33p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
	case $1 in
	--duration) duration=$2; shift ;;
	--repeats) repeats=$2; shift ;;
	--lcores) lcores=$2; shift ;;
	--no-huge) huge=0 ;;
	--build) build=$2; shift ;;
	--json) json=$2; shift ;;
	--keep) keep=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "tcp.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
VSWITCHD=${VSWITCHD:-$build/vswitch/vswitchd}
CTL=${VSWITCHCTL:-$build/ctl/vswitchctl}
VMNIC=${VMNIC:-$build/netvsp/vmnic}
for p in "$VSWITCHD" "$CTL" "$VMNIC"; do
	[ -x "$p" ] || { echo "tcp.sh: $p not built (cmake --build build --target vswitchd vswitchctl vmnic)" >&2; exit 1; }
done
command -v iperf3 >/dev/null || { echo "tcp.sh: needs iperf3" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "tcp.sh: needs root (namespaces, taps)" >&2; exit 1; }

tag=$$
dir=$(mktemp -d /tmp/vstcp.XXXXXX)
log=$dir/vswitchd.log
pid="" nic1="" nic2=""
fail() {
	echo "tcp.sh: FAIL: $*" >&2
	[ -s "$log" ] && tail -5 "$log" | sed 's/^/  vswitchd: /' >&2
	exit 1
}
nics_down() {
	[ -n "$nic1" ] && kill "$nic1" 2>/dev/null
	[ -n "$nic2" ] && kill "$nic2" 2>/dev/null
	[ -n "$nic1$nic2" ] && wait $nic1 $nic2 2>/dev/null
	nic1="" nic2=""
}
cleanup() {
	nics_down
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	for n in v1 v2 lan; do ip netns del "t$n$tag" 2>/dev/null; done
	ip link del "tu$tag" 2>/dev/null
	rm -rf "/var/run/dpdk/vsb$tag"
	if [ "$keep" -eq 1 ]; then echo "tcp.sh: kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

eal=(-l "$lcores" --no-pci --file-prefix "vsb$tag" -m 512)
if [ "$huge" -eq 1 ] && [ "$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)" -ge 256 ]; then
	mem=hugepages
else
	eal+=(--no-huge --no-shconf)
	mem=no-huge
	[ "$huge" -eq 1 ] && echo "tcp.sh: fewer than 256 free 2-MB hugepages: running --no-huge" >&2
fi

# The LAN: a namespace at the far end of a veth whose near end is the uplink.
ip netns add "tlan$tag" || fail "netns"
ip link add "tu$tag" type veth peer name eth0 netns "tlan$tag" || fail "veth"
ip link set "tu$tag" up
ip -n "tlan$tag" link set eth0 up
ip -n "tlan$tag" link set lo up
ip -n "tlan$tag" addr add 10.196.0.100/24 dev eth0
# The LAN computes its own checksums: net_af_packet reads the veth without
# a virtio-net header, so a frame the LAN's stack left for checksum offload
# would reach the switch with only its pseudo-header sum, as no wire ever
# carries it (a physical NIC computes it).
ip netns exec "tlan$tag" ethtool -K eth0 tx off >/dev/null 2>&1 || fail "ethtool -K eth0 tx off in the LAN"

"$VSWITCHD" "${eal[@]}" -- --rundir "$dir/run" --config "$dir/vswitch.json" --workers 1 \
	>"$log" 2>&1 &
pid=$!
ctl() { "$CTL" --socket "$dir/run/vswitchd.sock" "$@"; }
for _ in $(seq 1 100); do
	ctl info >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || fail "vswitchd exited early"
	sleep 0.1
done
ctl switch add bench --type external --uplink "net_af_packet_t$tag,iface=tu$tag" >/dev/null ||
	fail "switch add"
ctl port add bench vm1 --kind netvsc >/dev/null || fail "port add vm1"
ctl port add bench vm2 --kind netvsc >/dev/null || fail "port add vm2"

# Both VMs' NICs up with vmnic options $@, their taps in the VM namespaces.
nics_up() {
	for i in 1 2; do
		[ -e "/var/run/netns/tv$i$tag" ] || ip netns add "tv$i$tag"
		"$VMNIC" --chan "$dir/run/chan/vm$i" --tap "tv$i$tag" "$@" >"$dir/vmnic$i.log" 2>&1 &
		eval "nic$i=\$!"
	done
	for i in 1 2; do
		for _ in $(seq 1 100); do
			grep -q "^vmnic: up" "$dir/vmnic$i.log" && break
			sleep 0.1
		done
		grep -q "^vmnic: up" "$dir/vmnic$i.log" || fail "vmnic $i: $(cat "$dir/vmnic$i.log")"
		ip link set "tv$i$tag" netns "tv$i$tag" || fail "tap into its namespace"
		ip -n "tv$i$tag" addr add "10.196.0.$i/24" dev "tv$i$tag"
		ip -n "tv$i$tag" link set "tv$i$tag" up
		ip -n "tv$i$tag" link set lo up
	done
	for dst in 10.196.0.2 10.196.0.100; do
		for _ in $(seq 1 20); do
			ip netns exec "tv1$tag" ping -c 1 -W 1 "$dst" >/dev/null 2>&1 && continue 2
		done
		fail "VM1 cannot reach $dst"
	done
}

# Other tests and benchmarks on the machine: their PIDs.
others() {
	local mine p a
	mine=" $$ $pid $nic1 $nic2 $(ip netns pids "tv1$tag" 2>/dev/null) $(ip netns pids "tv2$tag" 2>/dev/null) $(ip netns pids "tlan$tag" 2>/dev/null) "
	mine=$(echo "$mine" | tr '\n' ' ')
	ps -eo pid=,args= | while read -r p a; do
		case "$a" in
		*ctest* | test_* | */test_* | *vswitch-perf* | *dpdk-testpmd* | *ovs-vswitchd* | *.ci/run* | \
			*peers.sh* | *vswitchd* | *vmnic* | *iperf3*) ;;
		*) continue ;;
		esac
		case " $mine " in *" $p "*) continue ;; esac
		echo "$p"
	done
}
# Quiet for 15 s in a row (benchmarks often run in short series).
wait_quiet() {
	local quiet=0
	for _ in $(seq 1 200); do
		if [ -z "$(others)" ]; then
			quiet=$((quiet + 1))
			[ "$quiet" -ge 4 ] && return 0
		else
			quiet=0
		fi
		sleep 5
	done
	fail "the machine stayed busy for 16 minutes: $(others | head -3 | xargs -r ps -o args= -p)"
}

# One iperf3 run from VM1 to namespace $1 at $2; sets gbps and retr, and
# disturbed when another test or benchmark ran meanwhile.
run_one() {
	local ns=$1 addr=$2 name=$3 srv out watch
	out=$dir/iperf-$name.json
	wait_quiet
	rm -f "$dir/disturbed"
	( while :; do [ -n "$(others)" ] && : >"$dir/disturbed"; sleep 1; done ) &
	watch=$!
	ip netns exec "$ns" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	srv=$!
	for _ in $(seq 1 50); do
		ip netns exec "$ns" ss -ltn | grep -q ":5201 " && break
		sleep 0.1
	done
	if ! ip netns exec "tv1$tag" iperf3 -c "$addr" -p 5201 -t "$duration" -J >"$out" 2>&1; then
		kill "$srv" "$watch" 2>/dev/null
		wait "$srv" "$watch" 2>/dev/null
		fail "iperf3 $name: $(grep -m1 '"error"' "$out")"
	fi
	wait "$srv" 2>/dev/null
	kill "$watch" 2>/dev/null
	wait "$watch" 2>/dev/null
	disturbed=0
	[ -e "$dir/disturbed" ] && disturbed=1
	read -r gbps retr < <(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["end"]; print("%.3f %d" % (e["sum_received"]["bits_per_second"]/1e9, e["sum_sent"].get("retransmits",0)))' "$out")
	[ -n "$gbps" ] || fail "iperf3 $name: no result"
}

results=$dir/results.txt
: >"$results"
echo "tcp: vswitchd, 1 worker (lcores $lcores, $mem), iperf3 1 stream x ${duration} s, $repeats runs per path and setting"
for r in $(seq 1 "$repeats"); do
	for setting in on off; do
		nics_down
		if [ "$setting" = on ]; then nics_up; else nics_up --no-offload; fi
		rsc=$(sed -n 's/.* rsc \(on\|off\)$/\1/p' "$dir/vmnic2.log")
		for path in vm-vm vm-lan; do
			for attempt in 1 2 3; do
				if [ "$path" = vm-vm ]; then
					run_one "tv2$tag" 10.196.0.2 "$path-$setting-$r"
				else
					run_one "tlan$tag" 10.196.0.100 "$path-$setting-$r"
				fi
				[ "$disturbed" -eq 0 ] && break
				printf '  run %d  %-6s  offload %-3s  %7.3f Gbit/s  disturbed by another test: again\n' \
					"$r" "$path" "$setting" "$gbps"
			done
			printf '  run %d  %-6s  offload %-3s (rsc %-3s)  %7.3f Gbit/s  %5d retransmissions%s\n' \
				"$r" "$path" "$setting" "$rsc" "$gbps" "$retr" \
				"$([ "$disturbed" -eq 1 ] && echo '  (disturbed, not counted)')"
			[ "$disturbed" -eq 0 ] && echo "$path $setting $gbps $retr" >>"$results"
		done
	done
done
ctl stats show >"$dir/stats.txt" 2>&1
python3 - "$results" "$json" "$duration" "$repeats" "$mem" "$lcores" <<'PY'
import json, statistics, sys, datetime
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
out = {"tool": "perf/tcp/tcp.sh", "date": datetime.date.today().isoformat(),
       "duration_s": int(sys.argv[3]), "repeats": int(sys.argv[4]), "memory": sys.argv[5],
       "lcores": sys.argv[6], "workers": 1, "paths": {}}
print("%-8s %-22s %-22s %s" % ("path", "offload on, Gbit/s", "offload off, Gbit/s", "on/off"))
for path in ("vm-vm", "vm-lan"):
    d = {}
    for s in ("on", "off"):
        v = [float(r[2]) for r in rows if r[0] == path and r[1] == s] or [0.0]
        d[s] = {"runs": v, "median": statistics.median(v), "min": min(v), "max": max(v),
                "retransmits": [int(r[3]) for r in rows if r[0] == path and r[1] == s]}
    d["ratio"] = d["on"]["median"] / d["off"]["median"] if d["off"]["median"] else 0.0
    out["paths"][path] = d
    fmt = lambda x: "%.2f (%.2f-%.2f)" % (x["median"], x["min"], x["max"])
    print("%-8s %-22s %-22s %.2fx" % (path, fmt(d["on"]), fmt(d["off"]), d["ratio"]))
if sys.argv[2]:
    json.dump(out, open(sys.argv[2], "w"), indent=2)
PY
