#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# smoke.sh: a short run of every vswitch-perf scenario, asserting that
# frames flowed and that the counters add up -- never how fast.
#
#   smoke.sh VSWITCH_PERF REALPCAPS_DIR
#
# Runs without hugepages (vswitch-perf falls back to --no-huge when none
# are reserved).  The ext scenario needs root (a veth pair): without it
# the rest runs and the test ends as skipped (77), never as passed.
set -euo pipefail
export LC_ALL=C

PERF=$1
REAL=$2
TMP=$(mktemp -d /tmp/vsperf-smoke.XXXXXX)
VETH=vsps$$
cleanup() {
	ip link del "$VETH"a 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
KEEP_OUT=1

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

SHORT=(--duration 0.5 --warmup 0.2 --repeats 1 --quiet)

# check FILE EXPR...: python assertions over the report (r = runs[0],
# s[name] = that subject's first repetition); each EXPR must hold.
check() {
	local file=$1
	shift
	python3 - "$file" "$@" <<'EOF' || fail "$file: assertion failed"
import json, sys
d = json.load(open(sys.argv[1]))
r = d["runs"][0]
s = {x["name"]: x["repeats"][0] for x in r["subjects"]}
for expr in sys.argv[2:]:
    if not eval(expr):
        print("  not true: %s\n  subjects: %s" % (expr, json.dumps(s)), file=sys.stderr)
        sys.exit(1)
EOF
}

run() {
	local name=$1
	shift
	echo "== $name: vswitch-perf run $*"
	"$PERF" run "$@" --json "$TMP/$name.json" >"$TMP/$name.txt" 2>"$TMP/$name.err" ||
		{ cat "$TMP/$name.err" "$TMP/$name.txt" >&2; fail "$name: vswitch-perf run failed"; }
	cat "$TMP/$name.txt"
}

# Every option documented.
"$PERF" --help >/dev/null
"$PERF" run --help >"$TMP/help.txt"
for opt in --pcap --sizes --macs --scenario --topology --port --workers --duration --warmup \
	--repeats --rate --speed --no-io --json --plot --plot-x --quiet --eal; do
	grep -q -- "$opt" "$TMP/help.txt" || fail "run --help does not document $opt"
done
"$PERF" run --workers 0 >/dev/null 2>"$TMP/bad.err" && fail "--workers 0 accepted"
grep -q -- '--workers' "$TMP/bad.err" || fail "a bad --workers is not named: $(cat "$TMP/bad.err")"

# Port to port: every replayed frame reaches the sink (less what is in
# flight at the window's edges: at most the pool), unicast, stamped.
run p2p --scenario p2p --sizes 64 --macs 1000 "${SHORT[@]}"
check "$TMP/p2p.json" \
	's["io"]["packets"] > 0 and s["vswitch"]["packets"] > 0' \
	'all(abs(x["offered"] - x["packets"]) <= 16384 for x in s.values())' \
	'not s["vswitch"]["drops"] and not s["io"]["drops"]' \
	's["vswitch"]["latency_ns"]["samples"] > 0 and s["vswitch"]["latency_ns"]["p50"] <= s["vswitch"]["latency_ns"]["p99"] <= s["vswitch"]["latency_ns"]["max"]' \
	's["vswitch"]["wire_bits"] == s["vswitch"]["packets"] * 84 * 8' \
	'r["ratios"]["vswitch/io"] > 0' \
	's["vswitch"]["cycles_per_packet"] > 0'

# Two workers, jumbo frames (chained segments), IPv6/TCP.  Two sinks on one
# switch: had the announcements not taught the switch where each
# destination is, every frame would flood to both (and to the other
# replay port), and the sinks would count about twice what was offered.
run mw --workers 2 --sizes 9000 --macs 2 --ipv6 --tcp "${SHORT[@]}" --eal "--lcores=0@0,1@1,2@0 --no-huge --no-pci --no-shconf -m 1024 --file-prefix=vsps$$"
check "$TMP/mw.json" \
	's["vswitch"]["packets"] > 0 and not s["vswitch"]["drops"]' \
	'abs(s["vswitch"]["offered"] - s["vswitch"]["packets"]) <= 16384' \
	'r["workload"]["size"] == 9000 and r["workers"] == 2' \
	'all(len(x["workers"]) == 2 and all(w["packets"] > 0 for w in x["workers"]) for x in s.values())' \
	's["vswitch"]["wire_bits"] == s["vswitch"]["packets"] * (9000 + 20) * 8'

# An uplink with two receive queues on two workers: the replay deals its
# flows over both as RSS would, each worker takes one queue's frames (in
# the I/O baseline too), and a paced rate is the port's, not each queue's
# (each queue at the full rate would offer twice as much).
cat >"$TMP/mq.topology.json" <<'JSON'
{"switches": [{"name": "perf", "type": "external", "uplink": "replay",
               "uplink_port": {"queues": 2}}],
 "ports": [{"switch": "perf", "name": "vm1", "kind": "sink", "mac": "02:00:01:00:00:01"},
           {"switch": "perf", "name": "vm2", "kind": "sink", "mac": "02:00:01:00:00:02"}]}
JSON
"$PERF" gen -o "$TMP/mq.pcap" --size 64 --dst-macs 2 --dst-mac 02:00:01:00:00:01 --src-macs 16 \
	--src-mac 02:00:02:00:00:01 --flows 64 --count 1024 >/dev/null
MQ_EAL=(--eal "--lcores=0@0,1@1,2@0 --no-huge --no-pci --no-shconf -m 1024 --file-prefix=vspq$$")
run mq --pcap "$TMP/mq.pcap" --topology "$TMP/mq.topology.json" --workers 2 "${SHORT[@]}" "${MQ_EAL[@]}"
check "$TMP/mq.json" \
	'all(len(x["workers"]) == 2 and all(w["packets"] > 0 for w in x["workers"]) for x in s.values())' \
	'all(abs(x["offered"] - x["packets"]) <= 16384 for x in s.values())' \
	'not s["vswitch"]["drops"]'
run mqrate --pcap "$TMP/mq.pcap" --topology "$TMP/mq.topology.json" --workers 2 --rate 20k \
	"${SHORT[@]}" "${MQ_EAL[@]}"
check "$TMP/mqrate.json" \
	'all(x["offered"] <= 20000 * x["seconds"] * 1.1 + 64 for x in s.values())'

# Trunk in, access ports out: tags popped, nothing refused.
run vlan --scenario vlan --vlans 10-12 --macs 300 "${SHORT[@]}"
check "$TMP/vlan.json" \
	's["vswitch"]["packets"] > 0' \
	'not any(k.startswith("vlan") for k in s["vswitch"]["drops"])' \
	'abs(s["vswitch"]["offered"] - s["vswitch"]["packets"]) <= 16384'

# Through netvsc guests: the payload stamp carries latency across them.
run pvp --scenario pvp --macs 100 "${SHORT[@]}"
check "$TMP/pvp.json" \
	'list(s) == ["vswitch"] and s["vswitch"]["packets"] > 0' \
	's["vswitch"]["latency_ns"]["samples"] > 0'
run v2v --scenario v2v --macs 100 "${SHORT[@]}"
# (A window may deliver frames offered just before it: in flight, at most
# the guests' queues and the pool.)
check "$TMP/v2v.json" \
	's["vswitch"]["packets"] > 0 and s["vswitch"]["packets"] <= s["vswitch"]["offered"] + 16384' \
	's["vswitch"]["latency_ns"]["samples"] > 0'

# A user's capture (pcapng), paced: never faster than asked.
run pcapng --pcap "$REAL/msnlb2.pcapng" --rate 20k "${SHORT[@]}"
check "$TMP/pcapng.json" \
	's["vswitch"]["offered"] > 0' \
	'all(x["offered"] <= 20000 * x["seconds"] * 1.1 + 64 for x in s.values())'
# The capture's own timing, slowed down: frames are 1 us apart in a
# generated capture, so at 0.001x one frame per millisecond.
"$PERF" gen -o "$TMP/timed.pcap" --count 100 >/dev/null
run speed --pcap "$TMP/timed.pcap" --speed 0.001 "${SHORT[@]}"
check "$TMP/speed.json" \
	'0 < s["vswitch"]["offered"] <= 1000 * s["vswitch"]["seconds"] * 1.1 + 2'

# An external device: the switch's uplink is net_af_packet on a veth
# end; what it sends shows up on the kernel's side of the pair.
if [ "$(id -u)" = 0 ] && ip link add "$VETH"a type veth peer name "$VETH"b 2>/dev/null; then
	ip link set "$VETH"a up
	ip link set "$VETH"b up
	sysctl -qw net.ipv6.conf."$VETH"a.disable_ipv6=1 net.ipv6.conf."$VETH"b.disable_ipv6=1
	before=$(cat /sys/class/net/"$VETH"b/statistics/rx_packets)
	run ext --port "net_af_packet_vsps,iface=${VETH}a" --rate 50k --macs 10 "${SHORT[@]}"
	after=$(cat /sys/class/net/"$VETH"b/statistics/rx_packets)
	check "$TMP/ext.json" 's["vswitch"]["packets"] > 0'
	python3 - "$TMP/ext.json" "$((after - before))" <<'EOF' || fail "ext: the kernel saw fewer frames than the switch sent"
import json, sys
d = json.load(open(sys.argv[1]))
sent = sum(x["repeats"][0]["packets"] for x in d["runs"][0]["subjects"])
sys.exit(0 if int(sys.argv[2]) >= sent else 1)
EOF
else
	SKIPPED="ext scenario (needs root for a veth pair)"
fi

# compare: identical reports show no regression; a halved one does.
"$PERF" compare "$TMP/p2p.json" "$TMP/p2p.json" >"$TMP/cmp.txt" || fail "compare: a report regressed against itself"
python3 - "$TMP/p2p.json" "$TMP/half.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for sj in d["runs"][0]["subjects"]:
    for rep in sj["repeats"]:
        rep["packets"] //= 2
        rep["wire_bits"] //= 2
json.dump(d, open(sys.argv[2], "w"))
EOF
if "$PERF" compare "$TMP/p2p.json" "$TMP/half.json" >"$TMP/cmp2.txt"; then
	fail "compare: a halved report is not a regression"
fi
grep -q REGRESSION "$TMP/cmp2.txt" || fail "compare: no REGRESSION line"

# plot: a PNG from a two-size sweep.
run sweep --sizes 64,1518 --macs 10 "${SHORT[@]}" --no-io --plot "$TMP/sweep.png"
[ "$(head -c 4 "$TMP/sweep.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ] || fail "plot: not a PNG"
if [ -n "${SKIPPED:-}" ]; then
	echo "SKIP: everything else passed; not run: $SKIPPED"
	exit 77
fi
echo "PASS: vswitch-perf smoke (all scenarios)"
