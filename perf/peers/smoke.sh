#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# smoke.sh BUILD-DIR: a short perf/peers/peers.sh run for the test suite.
#
# testpmd io, Open vSwitch NORMAL and vswitchd on the 1k-MAC workload
# (scripts/install-deps.sh installs Open vSwitch with DPDK), without
# hugepages, 3 s each.  Passes when frames flowed through every subject and
# the counters add up (peers.sh checks them and exits 1 otherwise: vswitchd's
# frames switched as known unicast, the out port's transmissions equal to
# what was forwarded, no drops; OVS's stations learned, nothing flooded).
# Never asserts a speed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${1:?usage: smoke.sh BUILD-DIR}
WORK=$(mktemp -d /tmp/vspeers-smoke.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

subjects=vswitchd,testpmd-io,ovs-normal
if ! [[ -x /usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk ]] || ! command -v ovs-vsctl >/dev/null; then
	echo "smoke: FAIL: Open vSwitch with DPDK is not installed (scripts/install-deps.sh)"
	exit 1
fi

if ! "$HERE/peers.sh" --build "$BUILD" --duration 3 --warmup 1 --repeats 1 --no-huge \
	--workloads 1k-macs --subjects "$subjects" --json "$WORK/report.json" >"$WORK/out" 2>&1; then
	cat "$WORK/out"
	echo "smoke: FAIL: peers.sh failed"
	exit 1
fi
cat "$WORK/out"

# vswitch-perf reads the peers' report (one schema for both tools).
"$BUILD/perf/vswitch-perf" compare "$WORK/report.json" "$WORK/report.json" >"$WORK/compare" ||
	{ cat "$WORK/compare"; echo "smoke: FAIL: vswitch-perf compare cannot read the report"; exit 1; }

# The report names every subject, each with packets in its window.
python3 - "$WORK/report.json" "$subjects" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
want = set(sys.argv[2].split(","))
assert r["tool"] == "vswitch-perf-peers", r["tool"]
assert len(r["runs"]) == 1, "one run expected"
run = r["runs"][0]
assert run["workload"]["name"] == "1k-macs" and run["workload"]["dst_macs"] == 1000
got = {s["name"]: s for s in run["subjects"]}
assert set(got) == want, f"subjects {sorted(got)}, expected {sorted(want)}"
for name, s in got.items():
    (rep,) = s["repeats"]
    assert rep["packets"] > 0 and rep["seconds"] > 0, f"{name}: no packets"
    assert rep["packets"] <= rep["offered"] * 1.01 + 64, f"{name}: more out than in"
    assert rep["wire_bits"] == rep["packets"] * (64 + 20) * 8, f"{name}: wire_bits"
print("smoke: report ok:", ", ".join(f"{n} {s['repeats'][0]['packets']} packets" for n, s in sorted(got.items())))
EOF
echo "smoke: PASS"
