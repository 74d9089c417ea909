#!/bin/bash
# vswitchd end to end: its command line refuses bad input with one line, and
# two network namespaces joined only through vswitchd (emulated ports
# adopting the switch-side ends of veth pairs) reach each other with the kernel's own ping; the learned MAC
# table names both.  Needs root (namespaces).
set -u
VSWITCHD=$1
tag=$$
nsa=vsa$tag nsb=vsb$tag
log=$(mktemp) rundir=$(mktemp -d) cfg=$(mktemp)
pid=""
fail() { echo "FAIL: $*"; [ -s "$log" ] && sed 's/^/  vswitchd: /' "$log"; exit 1; }
cleanup() {
	[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del "$nsa" 2>/dev/null
	ip netns del "$nsb" 2>/dev/null
	ip link del "va$tag" 2>/dev/null
	ip link del "vb$tag" 2>/dev/null
	rm -rf "$log" "$rundir" "$cfg"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || fail "needs root for network namespaces"

eal="-l 0-1 --no-huge --no-pci --no-shconf -m 256 --file-prefix vse$tag"

# --- command line: one-line errors, exit status 1
out=$("$VSWITCHD" $eal -- --workers zero 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | grep -c 'workers')" -eq 1 ] || fail "bad --workers: rc=$rc '$out'"
out=$("$VSWITCHD" $eal -- --frobnicate 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && printf '%s' "$out" | grep -q "frobnicate" || fail "unknown option: rc=$rc '$out'"
echo '{"switches":[{"name":"s","type":"external","uplink":"net_nosuchdev0"}]}' >"$cfg"
out=$("$VSWITCHD" $eal -- --config "$cfg" --rundir "$rundir" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && printf '%s' "$out" | grep -q "port s-uplink: cannot open device 'net_nosuchdev0'" || fail "bad uplink: rc=$rc '$out'"
printf '{"switches":[{"name":"s"}],\n "ports":[\n  {"switch":"s","name":"p","kind":"ring","ring_size":"x"}]}\n' >"$cfg"
out=$("$VSWITCHD" $eal -- --config "$cfg" --rundir "$rundir" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && printf '%s' "$out" | grep -q "$cfg:3: ports\[0\].ring_size" || fail "bad config: rc=$rc '$out'"
printf '{"switches":[{"name":"s"}],\n "ports":[\n  {"switch":"s","name":"p",}]}\n' >"$cfg"
out=$("$VSWITCHD" $eal -- --config "$cfg" --rundir "$rundir" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && printf '%s' "$out" | grep -q "line 3: not valid JSON" || fail "bad JSON: rc=$rc '$out'"
grep -q '"name":"p",}' "$cfg" || fail "a config file that does not load was rewritten"
echo "ok - command line errors"

# --- two namespaces through the switch
ip netns add "$nsa" && ip netns add "$nsb" || fail "netns"
ip link add "va$tag" type veth peer name eth0 netns "$nsa" || fail "veth a"
ip link add "vb$tag" type veth peer name eth0 netns "$nsb" || fail "veth b"
ip link set "va$tag" up && ip link set "vb$tag" up
ip -n "$nsa" addr add 10.199.0.1/24 dev eth0 && ip -n "$nsa" link set eth0 up
ip -n "$nsb" addr add 10.199.0.2/24 dev eth0 && ip -n "$nsb" link set eth0 up
maca=$(ip -n "$nsa" -br link show eth0 | awk '{print toupper($3)}')
macb=$(ip -n "$nsb" -br link show eth0 | awk '{print toupper($3)}')
cat >"$cfg" <<JSON
{"datapath":{"workers":1,"fdb_aging_s":300},
 "switches":[{"name":"lan","type":"private"}],
 "ports":[{"switch":"lan","name":"a","kind":"emulated","ifname":"va$tag","adopt":true},
          {"switch":"lan","name":"b","kind":"emulated","ifname":"vb$tag","adopt":true}]}
JSON
"$VSWITCHD" $eal -- --config "$cfg" --rundir "$rundir" >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	grep -q "^vswitchd .* 2 port(s)" "$log" && break
	kill -0 "$pid" 2>/dev/null || fail "vswitchd exited early"
	sleep 0.1
done
grep -q "^vswitchd .* 2 port(s)" "$log" || fail "vswitchd did not come up"
ip netns exec "$nsa" ping -c 3 -i 0.2 -W 2 10.199.0.2 >/dev/null || fail "ping a -> b through the switch"
ip netns exec "$nsb" ping -c 3 -i 0.2 -W 2 10.199.0.1 >/dev/null || fail "ping b -> a through the switch"
echo "ok - ping both ways through vswitchd"
kill -INT "$pid"
wait "$pid"; rc=$?
pid=""
[ $rc -eq 0 ] || fail "vswitchd exit status $rc on SIGINT"
grep -Eq "^lan +1 +$maca +a " "$log" || fail "MAC table lacks $maca on a"
grep -Eq "^lan +1 +$macb +b " "$log" || fail "MAC table lacks $macb on b"
echo "ok - clean exit on SIGINT, MAC table names both stations"
