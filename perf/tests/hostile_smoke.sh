#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# hostile_smoke.sh: a short perf/hostile/hostile.sh, asserting that the
# table has its shape, that every misdeed was committed, and that the
# switch counted each one where it should (the counter moved, the port was
# quarantined or, for load, was not) -- never how fast.
#
#   hostile_smoke.sh VSWITCH_PERF
#
# Runs without hugepages.
set -euo pipefail
export LC_ALL=C

PERF=$1
here=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d /tmp/vsperf-hostile.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# A misdeed the guest simulator does not know is refused, naming the choices.
cat >"$TMP/bad.json" <<'EOF'
{"switches":[{"name":"perf","type":"private"}],"ports":[
 {"switch":"perf","name":"vm1","kind":"netvsc","guest":"replay"},
 {"switch":"perf","name":"vm2","kind":"netvsc","guest":"hostile:shouting"}]}
EOF
"$PERF" run --topology "$TMP/bad.json" --duration 0.1 --repeats 1 --quiet \
	--eal "--no-huge --no-pci --no-shconf -m 512 --file-prefix=vsph$$" >"$TMP/bad.err" 2>&1 &&
	fail "hostile:shouting accepted"
grep -q "hostile:MISDEED (none, bad_write_index" "$TMP/bad.err" ||
	fail "the refusal does not list the misdeeds: $(cat "$TMP/bad.err")"

VSWITCH_PERF=$PERF "$here/../hostile/hostile.sh" --no-huge --duration 0.3 --warmup 0.2 \
	--repeats 1 --macs 100 --misdeeds bad_section,bad_rndis_data,desc_too_long,flood,no_rx_completions \
	--out "$TMP/out" >"$TMP/table.txt" 2>"$TMP/log.txt" ||
	{ cat "$TMP/log.txt" "$TMP/table.txt" >&2; fail "hostile.sh failed"; }
cat "$TMP/table.txt"
grep -q '^| misdeed | clean Mpps | with hostile Mpps | ratio' "$TMP/table.txt" || fail "no table header"
[ "$(grep -c '^| [a-z_]* | [0-9.]* | [0-9.]* | [0-9.]* (' "$TMP/table.txt")" = 5 ] ||
	fail "the table has not one row per misdeed"

python3 - "$TMP/out" <<'EOF' || fail "assertion failed"
import json, sys
d = sys.argv[1]
t = {e["misdeed"]: e for e in json.load(open(d + "/hostile.json"))["misdeeds"]}

def run(name):
    return json.load(open("%s/runs/%s.json" % (d, name)))["runs"][0]["subjects"][0]["repeats"][0]

checks = [
    # every row measured something on both sides
    'all(e["clean_median"] > 0 and e["hostile_median"] > 0 and len(e["ratios"]) == 1 for e in t.values())',
    # the clean VM is there and behaves; each hostile one did its deed
    'run("clean-flood-1")["hostile"]["misdeed"] == "none" and run("clean-flood-1")["hostile"]["committed"] == 0',
    'not run("clean-flood-1")["hostile"]["quarantined"] and run("clean-flood-1")["hostile"]["received"] > 0',
    'all(run(m + "-1")["hostile"]["committed"] > 0 and run(m + "-1")["hostile"]["port"] == "vm3" for m in t)',
    # protocol violations: counted and quarantined, port show says why
    't["bad_section"]["quarantined_runs"] == 1 and t["bad_section"]["moved"].get("section_bad", 0) > 0',
    '"section" in t["bad_section"]["reason"]',
    # a corrupt ring: at once
    't["desc_too_long"]["quarantined_runs"] == 1 and t["desc_too_long"]["moved"].get("ring_corrupt", 0) > 0',
    '"descriptor length" in t["desc_too_long"]["reason"]',
    't["bad_rndis_data"]["quarantined_runs"] == 1 and t["bad_rndis_data"]["moved"].get("rndis_bad_packet", 0) > 0',
    # load: counted where the VSP throttles it, never quarantined
    't["flood"]["quarantined_runs"] == 0 and t["flood"]["moved"].get("ctl_queue_full", 0) > 0',
    't["no_rx_completions"]["quarantined_runs"] == 0 and t["no_rx_completions"]["moved"].get("tx_no_section", 0) > 0',
]
for c in checks:
    if not eval(c):
        print("  not true: %s\n  table: %s" % (c, json.dumps(t, indent=1)), file=sys.stderr)
        sys.exit(1)
EOF
# Ring ports beside the hostile VM: the same checks hold there.
VSWITCH_PERF=$PERF "$here/../hostile/hostile.sh" --no-huge --source ring --duration 0.3 \
	--warmup 0.2 --repeats 1 --macs 100 --misdeeds bad_gpa --out "$TMP/ring" \
	>"$TMP/ring.txt" 2>"$TMP/ring.log" ||
	{ cat "$TMP/ring.log" "$TMP/ring.txt" >&2; fail "hostile.sh --source ring failed"; }
python3 - "$TMP/ring" <<'EOF' || fail "ring: assertion failed"
import json, sys
d = sys.argv[1]
e = json.load(open(d + "/hostile.json"))["misdeeds"][0]
topo = json.load(open(d + "/topo/bad_gpa.json"))
kinds = sorted(p["kind"] for p in topo["ports"])
ok = (kinds == ["netvsc", "replay", "sink"] and e["clean_median"] > 0 and e["hostile_median"] > 0
      and e["quarantined_runs"] == 1 and e["moved"].get("gpa_bad", 0) > 0)
if not ok:
    print("  ring: %s\n  ports: %s" % (json.dumps(e), kinds), file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
echo "PASS: hostile guests (structure and counters)"
