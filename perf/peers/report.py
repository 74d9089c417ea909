#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The table and the JSON report of perf/peers/peers.sh.

Reads the runs (one line per subject and repetition:
workload, subject, repeat, seconds, packets, offered, others%, steal%) and
the workloads (name, frames, size, avg_len, macs, vlans), tab-separated,
prints the table (median/min/max Mpps per subject and workload, ratios of
vswitchd to the peers, per repetition, and where the issue's targets stand),
and with --json writes the vswitch-perf report JSON.
"""
import argparse
import json
import statistics
import sys

WIRE_OVERHEAD = 20  # preamble + SFD (8) and inter-frame gap (12)
ORDER = ["testpmd-io", "testpmd-mac", "ovs-normal", "ovs-vlan", "vswitchd"]


def load(path, cols):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                rows.append(dict(zip(cols, line.split("\t"))))
    return rows


def med_min_max(v):
    return statistics.median(v), min(v), max(v)


def ratios(runs, wl, a, b):
    """vswitchd-like subject a over b, per repetition both have."""
    ra = {r: x["mpps"] for (w, s, r), x in runs.items() if w == wl and s == a}
    rb = {r: x["mpps"] for (w, s, r), x in runs.items() if w == wl and s == b}
    return [ra[r] / rb[r] for r in sorted(ra) if r in rb and rb[r] > 0]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--results", required=True)
    ap.add_argument("--workloads", required=True)
    ap.add_argument("--version", default="unknown")
    ap.add_argument("--machine", default="")
    ap.add_argument("--duration", type=float, required=True)
    ap.add_argument("--warmup", type=float, required=True)
    ap.add_argument("--json")
    a = ap.parse_args()

    wls = load(a.workloads, ["name", "frames", "size", "avg_len", "macs", "vlans"])
    res = load(a.results, ["workload", "subject", "repeat", "seconds", "packets",
                           "offered", "others", "steal"])
    size = {w["name"]: int(w["size"]) for w in wls}
    runs = {}
    for x in res:
        secs = float(x["seconds"])
        pk = int(x["packets"])
        wire = pk * (size[x["workload"]] + WIRE_OVERHEAD) * 8
        runs[(x["workload"], x["subject"], int(x["repeat"]))] = {
            "seconds": secs, "packets": pk, "offered": int(x["offered"]),
            "wire_bits": wire, "mpps": pk / secs / 1e6 if secs > 0 else 0.0,
            "gbps": wire / secs / 1e9 if secs > 0 else 0.0,
        }

    def subject_mpps(wl, s):
        return [v["mpps"] for (w, ss, _), v in sorted(runs.items()) if w == wl and ss == s]

    out = sys.stdout
    fmt = "{:<34} {:>8} {:>8} {:>8}"
    print(fmt.format("Mpps", "median", "min", "max"), file=out)
    medians = {}
    for w in wls:
        wl = w["name"]
        subjects = [s for s in ORDER if subject_mpps(wl, s)]
        if not subjects:
            continue
        vl = " VLAN access<-trunk" if int(w["vlans"]) else ""
        print(f"{wl}: {w['size']}-byte frames, {w['macs']} src/dst MACs{vl}", file=out)
        for s in subjects:
            m = med_min_max(subject_mpps(wl, s))
            medians[(wl, s)] = m[0]
            print(fmt.format("  " + s, *(f"{v:.2f}" for v in m)), file=out)
        for peer in ["testpmd-io", "testpmd-mac", "ovs-normal", "ovs-vlan"]:
            rv = ratios(runs, wl, "vswitchd", peer)
            if rv:
                print(fmt.format(f"  ratio vswitchd/{peer}",
                                 *(f"{v:.3f}" for v in med_min_max(rv))), file=out)
    print("(ratios: per repetition, each subject measured in turn within it)", file=out)

    # Where the targets stand (medians).
    lines = []

    def target(text, value, ok):
        lines.append(f"  {text:<52} {value:>8}  {'met' if ok else 'NOT met'}")

    def med_ratio(wl, a_, b_):
        rv = ratios(runs, wl, a_, b_)
        return statistics.median(rv) if rv else None

    r = med_ratio("1k-macs", "vswitchd", "ovs-normal")
    if r is not None:
        target("1k MACs: vswitchd >= 1.5x OVS NORMAL", f"{r:.2f}x", r >= 1.5)
    r = med_ratio("1k-macs", "vswitchd", "testpmd-io")
    if r is not None:
        target("1k MACs: vswitchd >= 0.5x testpmd io", f"{r:.2f}x", r >= 0.5)
    v1, v64 = medians.get(("1k-macs", "vswitchd")), medians.get(("64k-macs", "vswitchd"))
    if v1 and v64:
        c = v1 / v64
        target("64k MACs: vswitchd cost/frame <= 2x its 1k cost", f"{c:.2f}x", c <= 2)
    r = med_ratio("64k-macs", "vswitchd", "ovs-normal")
    if r is not None:
        target("64k MACs: vswitchd >= 3x OVS NORMAL", f"{r:.2f}x", r >= 3)
    vv = medians.get(("vlan", "vswitchd"))
    if v1 and vv:
        loss = 1 - vv / v1
        target("VLAN access<-trunk: vswitchd loss < 10% vs 1k MACs", f"{loss * 100:.1f}%",
               loss < 0.10)
    if lines:
        print("targets (medians):", file=out)
        print("\n".join(lines), file=out)

    if a.json:
        report = {"tool": "vswitch-perf-peers", "version": a.version, "machine": a.machine,
                  "tsc_hz": 0, "runs": []}
        for w in wls:
            wl = w["name"]
            subjects = []
            for s in ORDER:
                reps = [v for (ww, ss, _), v in sorted(runs.items()) if ww == wl and ss == s]
                if reps:
                    subjects.append({"name": s, "repeats": [
                        {k: (round(v[k], 6) if isinstance(v[k], float) else v[k])
                         for k in ("seconds", "packets", "offered", "wire_bits", "mpps", "gbps")}
                        for v in reps]})
            if not subjects:
                continue
            macs = int(w["macs"])
            report["runs"].append({
                "workload": {"name": wl, "frames": int(w["frames"]), "size": int(w["size"]),
                             "avg_len": int(w["avg_len"]), "src_macs": macs, "dst_macs": macs,
                             "vlans": int(w["vlans"]), "flows": 1},
                "scenario": "peers", "workers": 1, "duration_s": a.duration,
                "warmup_s": a.warmup, "baseline": "testpmd-io", "subjects": subjects})
        with open(a.json, "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
