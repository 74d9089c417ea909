#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# hostile.sh: what a hostile guest costs the well-behaved VMs on its switch
# (issue 12): the same workload with a third VM behaving and with it
# committing one misdeed, for each misdeed, in one command.
#
# Every run is vswitch-perf on one topology: a private switch on one
# worker, a well-behaved sender and receiver, and a third VM vm3 on the
# same switch and worker, guest "hostile:MISDEED" (perf/topology.c,
# guests.c): it takes one destination in 8 of the workload, so the switch
# keeps sending it frames, and commits its misdeed over and over.  The
# clean run is the same topology with "hostile:none": vm3 there and
# behaving.  Only the well-behaved receiver's frames count (Mpps); vm3's
# are reported apart.  --source picks the well-behaved pair:
#   guest  VM vm1 to VM vm2, guest simulators on netvsc channels (as
#          --scenario v2v); the guests share one thread with vm3
#   port   ring replay port in0 to VM vm2
#   ring   ring replay port in0 to ring sink port out0: the worker is the
#          only thing vm3 can take from them
#
# Clean and hostile runs are paired and alternate in order (clean first in
# odd rounds, hostile first in even ones); the ratio is taken per pair and
# the table gives medians over --repeats pairs.  It prints, per misdeed:
# clean Mpps | with hostile Mpps | ratio | quarantined | what the switch
# counted (vm3's VSP counters and datapath drops that are not there, or
# not a tenth as large, in the clean runs), and whether the well-behaved
# VM kept 90% of its rate.
#
# Usage: perf/hostile/hostile.sh [options]
#   --misdeeds LIST  (flood,no_rx_completions,bad_section,bad_gpa,bad_rndis_data,desc_too_long)
#                    any of vs_netvsp_guest_misdeed_name's names
#   --source S       guest (VM to VM, default), port (ring port to VM) or
#                    ring (ring port to ring port)
#   --size BYTES     frame size (64)
#   --macs N         destinations of the workload (1000)
#   --duration S     measured seconds per run (3)
#   --warmup S       seconds before each window (1)
#   --repeats N      pairs of runs per misdeed (3)
#   --no-huge        run DPDK without hugepages
#   --build DIR      the build tree (the repository's build/)
#   --out DIR        keep every run's JSON and text, the topologies and
#                    the table (hostile.txt, hostile.json) there
#   -h, --help       this text
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/build source=guest size=64 macs=1000 duration=3 warmup=1 repeats=3 huge=1 out=""
misdeeds=flood,no_rx_completions,bad_section,bad_gpa,bad_rndis_data,desc_too_long

usage() { sed -n '3,42p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
	case $1 in
	--misdeeds) misdeeds=$2; shift ;;
	--source) source=$2; shift ;;
	--size) size=$2; shift ;;
	--macs) macs=$2; shift ;;
	--duration) duration=$2; shift ;;
	--warmup) warmup=$2; shift ;;
	--repeats) repeats=$2; shift ;;
	--no-huge) huge=0 ;;
	--build) build=$2; shift ;;
	--out) out=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "hostile.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
PERF=${VSWITCH_PERF:-$build/perf/vswitch-perf}
[ -x "$PERF" ] || { echo "hostile.sh: $PERF not built (cmake --build build --target vswitch-perf)" >&2; exit 1; }
case $source in guest | port | ring) ;; *) echo "hostile.sh: --source guest, port or ring" >&2; exit 2 ;; esac
[ "$repeats" -ge 1 ] 2>/dev/null || { echo "hostile.sh: --repeats N (>= 1)" >&2; exit 2; }

dir=$(mktemp -d /tmp/vshostile.XXXXXX)
cleanup() {
	if [ -n "$out" ]; then
		mkdir -p "$out" && cp -r "$dir"/. "$out"/
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p "$dir/runs" "$dir/topo"

# topo MISDEED: the topology with vm3 as "hostile:MISDEED".
topo() {
	local src='{"switch":"perf","name":"in0","kind":"replay"}'
	local dst='{"switch":"perf","name":"vm2","kind":"netvsc","mac_spoofing":true,"guest":"sink"}'
	[ "$source" = guest ] &&
		src='{"switch":"perf","name":"vm1","kind":"netvsc","mac_spoofing":true,"guest":"replay"}'
	[ "$source" = ring ] && dst='{"switch":"perf","name":"out0","kind":"sink"}'
	cat >"$dir/topo/$1.json" <<EOF
{"switches":[{"name":"perf","type":"private"}],"ports":[
 $src,
 $dst,
 {"switch":"perf","name":"vm3","kind":"netvsc","mac_spoofing":true,"guest":"hostile:$1"}]}
EOF
}

eal=()
[ "$huge" = 0 ] && eal=(--eal "-l 0-1 --no-huge --no-pci --no-shconf -m 1024 --file-prefix=vshostile$$")

# run NAME MISDEED: one run, its report in runs/NAME.json.
run() {
	if ! "$PERF" run --topology "$dir/topo/$2.json" --sizes "$size" --macs "$macs" \
		--duration "$duration" --warmup "$warmup" --repeats 1 --quiet "${eal[@]}" \
		--json "$dir/runs/$1.json" >"$dir/runs/$1.txt" 2>&1; then
		cat "$dir/runs/$1.txt" >&2
		echo "hostile.sh: FAIL: run $1 (hostile:$2)" >&2
		exit 1
	fi
	python3 - "$dir/runs/$1.json" "$1" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["runs"][0]["subjects"][0]["repeats"][0]
h = s.get("hostile", {})
print("  %-28s %7.3f Mpps  vm3: %s, %d committed, %s" % (sys.argv[2], s["mpps"],
      h.get("misdeed", "?"), h.get("committed", 0),
      "quarantined" if h.get("quarantined") else "not quarantined"), file=sys.stderr)
EOF
}

topo none
IFS=, read -r -a list <<<"$misdeeds"
for m in "${list[@]}"; do topo "$m"; done
echo "hostile.sh: source $source, ${size}-byte frames, $macs MACs, $repeats pairs of ${duration} s runs per misdeed" >&2
for ((r = 1; r <= repeats; r++)); do
	for m in "${list[@]}"; do
		if ((r % 2)); then
			run "clean-$m-$r" none
			run "$m-$r" "$m"
		else
			run "$m-$r" "$m"
			run "clean-$m-$r" none
		fi
	done
done

python3 - "$dir" "$source" "$size" "$repeats" "$misdeeds" <<'EOF' | tee "$dir/hostile.txt"
import json, statistics, sys
d, source, size, repeats, misdeeds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5].split(",")

def rep(name):
    return json.load(open("%s/runs/%s.json" % (d, name)))["runs"][0]["subjects"][0]["repeats"][0]

def counted(s):
    """vm3's VSP counters and the datapath's drops of one run."""
    c = dict(s.get("hostile", {}).get("counters", {}))
    c.update(("drop:" + k, v) for k, v in s.get("drops", {}).items())
    return c

med = statistics.median
rows, out = [], {"source": source, "size": int(size), "repeats": repeats, "misdeeds": []}
for m in misdeeds:
    clean = [rep("clean-%s-%d" % (m, r)) for r in range(1, repeats + 1)]
    bad = [rep("%s-%d" % (m, r)) for r in range(1, repeats + 1)]
    ratios = [b["mpps"] / c["mpps"] if c["mpps"] > 0 else 0 for b, c in zip(bad, clean)]
    cc = [counted(s) for s in clean]
    bc = [counted(s) for s in bad]
    moved = {}
    for k in sorted(set().union(*bc)):
        hv = med([x.get(k, 0) for x in bc])
        cv = med([x.get(k, 0) for x in cc])
        if hv > 0 and hv >= 10 * cv + 1:
            moved[k] = hv
    q = sum(1 for s in bad if s["hostile"]["quarantined"])
    e = {"misdeed": m,
         "clean_mpps": [c["mpps"] for c in clean], "hostile_mpps": [b["mpps"] for b in bad],
         "ratios": ratios, "ratio_median": med(ratios),
         "clean_median": med([c["mpps"] for c in clean]),
         "hostile_median": med([b["mpps"] for b in bad]),
         "committed_median": med([b["hostile"]["committed"] for b in bad]),
         "quarantined_runs": q, "reason": bad[-1]["hostile"]["reason"], "moved": moved,
         "within_10pct": med(ratios) >= 0.90}
    out["misdeeds"].append(e)
json.dump(out, open(d + "/hostile.json", "w"), indent=1)

print("| misdeed | clean Mpps | with hostile Mpps | ratio (min-max) | quarantined | switch counters that moved (median per run) | within 10% |")
print("|---|---:|---:|---:|---|---|---|")
for e in out["misdeeds"]:
    mv = ", ".join("%s %d" % (k, v) for k, v in e["moved"].items()) or "-"
    print("| %s | %.2f | %.2f | %.3f (%.3f-%.3f) | %s | %s | %s |" % (
        e["misdeed"], e["clean_median"], e["hostile_median"], e["ratio_median"],
        min(e["ratios"]), max(e["ratios"]),
        "%s (%d/%d runs)" % ("yes" if e["quarantined_runs"] else "no", e["quarantined_runs"], repeats),
        mv, "met" if e["within_10pct"] else "NOT met"))
for e in out["misdeeds"]:
    if e["reason"]:
        print("%s: port show: quarantined: %s" % (e["misdeed"], e["reason"]))
EOF
