#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# vmq8.sh: issue 11's scaling benchmark.  One external switch, its uplink a
# replay port receiving 64-byte frames for 8 VMs (sink ports
# 02:00:01:00:00:01-08; 256 source MACs, 256 flows), switched by 1 worker
# and by 2, with and without software VMQ, with the uplink on one receive
# queue and on two (the replay deals the flows over them by RSS hash, as a
# NIC would).  Every configuration runs --repeats times; the rounds
# alternate over the configurations so that drift on a shared machine
# falls on all of them alike.  Each run measures the switch and, on the
# same devices and workers, the I/O baseline (a bare rx/tx loop).
#
# Configurations (topologies in perf/results/vmq8/):
#   w1-off     1 worker, no VMQ                      the 1-worker reference
#   w1-on      1 worker, VMQ (classify inline)       the classify step's cost
#   w2-split   2 workers, VMQ, uplink alone on w0    the hand-off's cost
#   w2-on      2 workers, VMQ, one uplink queue      VMs spread 4 + 4
#   w2-off-q2  2 workers, no VMQ, two uplink queues  RSS: each worker whole
#   w2-on-q2   2 workers, VMQ, two uplink queues     RSS, then VMQ hands
#                                                    over what is the other
#                                                    worker's VM's
# Costs per frame, per round: the classify step is w1-on's cycles less
# w1-off's; the hand-off is w2-split's two workers' cycles less w1-on's.
# At full rate the split overloads worker 1 (it has all 8 VMs): its rings
# stay full, what does not fit is dropped (vmq_full), and w0's cycles are
# per frame received, dropped ones included.  (Paced runs do not help:
# below capacity the workers' bursts are small, and the fixed cost of a
# poll, not the frames, fills the busy cycles.)
#
# Usage: perf/vmq/vmq8.sh [--out DIR] [--repeats N] [--duration S]
#                         [--configs LIST] [--perf PATH]
# Needs hugepages for meaningful figures (see perf/README.md); prints the
# table the README quotes.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PERF=$ROOT/build/perf/vswitch-perf
OUT=$ROOT/perf/results/vmq8
TOPO=$ROOT/perf/results/vmq8
REPEATS=3
DURATION=3
CONFIGS="w1-off w1-on w2-split w2-on w2-off-q2 w2-on-q2"

while [ $# -gt 0 ]; do
	case $1 in
	--out) OUT=$2; shift 2 ;;
	--repeats) REPEATS=$2; shift 2 ;;
	--duration) DURATION=$2; shift 2 ;;
	--configs) CONFIGS=$(echo "$2" | tr , ' '); shift 2 ;;
	--perf) PERF=$2; shift 2 ;;
	*) echo "vmq8.sh: unknown option $1 (see the header)" >&2; exit 2 ;;
	esac
done
mkdir -p "$OUT"
PCAP=$OUT/vmq8.pcap
"$PERF" gen -o "$PCAP" --size 64 --dst-macs 8 --dst-mac 02:00:01:00:00:01 --src-macs 256 \
	--src-mac 02:00:02:00:00:01 --flows 256 --count 8192 >/dev/null

# topology and workers of a configuration
topology() {
	case $1 in
	w1-off) echo off 1 ;;
	w1-on) echo on 1 ;;
	w2-split) echo split 2 ;;
	w2-on) echo on 2 ;;
	w2-off-q2) echo off-q2 2 ;;
	w2-on-q2) echo on-q2 2 ;;
	*) echo "vmq8.sh: unknown configuration $1" >&2; exit 2 ;;
	esac
}

for r in $(seq 1 "$REPEATS"); do
	for c in $CONFIGS; do
		read -r topo w <<<"$(topology "$c")"
		# The main lcore shares CPU 1 with worker 1; worker 0 has CPU 0.
		if [ "$w" = 1 ]; then lc="0@1,1@0"; else lc="0@1,1@0,2@1"; fi
		echo "== round $r: $c"
		"$PERF" run --pcap "$PCAP" --topology "$TOPO/$topo.topology.json" --workers "$w" \
			--duration "$DURATION" --warmup 1 --repeats 1 --quiet \
			--json "$OUT/$c-r$r.json" --eal "--lcores $lc --no-pci --in-memory" >/dev/null
	done
done
rm -f "$PCAP"

python3 - "$OUT" "$REPEATS" $CONFIGS <<'PY'
import json, statistics, sys
out, repeats, configs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
rows = {}
for c in configs:
    runs = []
    for r in range(1, repeats + 1):
        d = json.load(open(f"{out}/{c}-r{r}.json"))
        s = {x["name"]: x["repeats"][0] for x in d["runs"][0]["subjects"]}
        runs.append(s)
    rows[c] = runs
def med(c, subj, key):
    return statistics.median(x[subj][key] for x in rows[c])
def ratio(c):
    """Per round against w1-off of the same round: median (min-max)."""
    if "w1-off" not in rows:
        return "-"
    rs = [x["vswitch"]["mpps"] / y["vswitch"]["mpps"] for x, y in zip(rows[c], rows["w1-off"])]
    return f"{statistics.median(rs):.2f}× ({min(rs):.2f}-{max(rs):.2f})"
def drops(runs):
    names = sorted({k for x in runs for k in x["vswitch"]["drops"]})
    return ", ".join(f"{k} {statistics.median(x['vswitch']['drops'].get(k, 0) for x in runs) / runs[0]['vswitch']['seconds'] / 1e6:.2f}M/s" for k in names) or "none"
print("| configuration | Mpps (runs) | median | vs w1-off, per round | I/O baseline Mpps | vswitch/io | cycles/frame per worker (median run) | drops (median) |")
print("|---|---|---:|---:|---:|---:|---|---|")
for c, runs in rows.items():
    mp = [x["vswitch"]["mpps"] for x in runs]
    m = statistics.median(mp)
    mid = sorted(runs, key=lambda x: x["vswitch"]["mpps"])[len(runs) // 2]
    per = ", ".join(f"w{i} {w['cycles_per_packet']:.0f}" for i, w in enumerate(mid["vswitch"]["workers"]))
    io = med(c, "io", "mpps") if all("io" in x for x in runs) else float("nan")
    print(f"| {c} | {', '.join(f'{v:.2f}' for v in mp)} | {m:.2f} | {ratio(c)} | {io:.2f} | {m / io:.2f} | {per} | {drops(runs)} |")
# Per round: what the classify step and the hand-off add to a frame.
def cyc(c, r, w):
    return rows[c][r]["vswitch"]["workers"][w]["cycles_per_packet"]
if all(k in rows for k in ("w1-off", "w1-on", "w2-split")):
    cl = [cyc("w1-on", r, 0) - cyc("w1-off", r, 0) for r in range(repeats)]
    ho = [cyc("w2-split", r, 0) + cyc("w2-split", r, 1) - cyc("w1-on", r, 0) for r in range(repeats)]
    print("\nPer round, cycles a frame: classify " + ", ".join(f"{x:.0f}" for x in cl) +
          f" (median {statistics.median(cl):.0f}); hand-off " + ", ".join(f"{x:.0f}" for x in ho) +
          f" (median {statistics.median(ho):.0f})")
PY
