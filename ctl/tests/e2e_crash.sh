#!/bin/bash
# Crash safety: configuration changes are issued while vswitchd is killed
# with SIGKILL at random moments and restarted.  After every restart the
# file must load, and every change acknowledged before the kill must be in
# it (an unacknowledged one may or may not be).
set -u
VSWITCHD=$1 CTL=$2
ROUNDS=${3:-25}
tag=$$
dir=$(mktemp -d)
pid=""
fail() { echo "FAIL: $*"; tail -5 "$dir/vswitchd.log" 2>/dev/null | sed 's/^/  vswitchd: /'; exit 1; }
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir" "/var/run/dpdk/vsk$tag"; }
trap cleanup EXIT
sock=$dir/run/vswitchd.sock

start() {
	"$VSWITCHD" -l 0-1 --no-huge --no-pci --no-shconf -m 256 --file-prefix "vsk$tag" \
		-- --rundir "$dir/run" --config "$dir/vswitch.json" >"$dir/vswitchd.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do
		"$CTL" --socket "$sock" info >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || fail "vswitchd did not restart (file unreadable?)"
		sleep 0.05
	done
	fail "vswitchd did not come up"
}

: >"$dir/acked"
start
n=0
for round in $(seq 1 "$ROUNDS"); do
	# A writer issuing changes as fast as it can; it records each acknowledged one.
	(
		while :; do
			n=$((n + 1))
			"$CTL" --socket "$sock" switch add "s$round-$n" >/dev/null 2>&1 || exit 0
			echo "switch s$round-$n" >>"$dir/acked"
			"$CTL" --socket "$sock" port add "s$round-$n" "p$round-$n" --kind ring >/dev/null 2>&1 || exit 0
			echo "port p$round-$n" >>"$dir/acked"
			if [ $((n % 3)) -eq 0 ]; then
				# A delete cut short by the kill may or may not have been
				# saved: from here on the port's presence is not asserted.
				echo "trydel p$round-$n" >>"$dir/acked"
				"$CTL" --socket "$sock" port del "p$round-$n" >/dev/null 2>&1 || exit 0
				echo "noport p$round-$n" >>"$dir/acked"
			fi
		done
	) &
	writer=$!
	sleep "0.$((RANDOM % 4))$((RANDOM % 10))"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	pid=""
	wait "$writer" 2>/dev/null
	start
	"$CTL" --socket "$sock" --json config show >"$dir/now.json" || fail "config show"
	while read -r what name; do
		case $what in
		switch) grep -q "\"name\":[[:space:]]*\"$name\"" "$dir/now.json" || fail "round $round: acknowledged switch $name lost" ;;
		port)
			grep -q "^trydel $name\$" "$dir/acked" && continue
			grep -q "\"name\":[[:space:]]*\"$name\"" "$dir/now.json" || fail "round $round: acknowledged port $name lost" ;;
		noport) grep -q "\"name\":[[:space:]]*\"$name\"" "$dir/now.json" && fail "round $round: port $name deleted (acknowledged) is back" ;;
		esac
	done <"$dir/acked"
done
echo "ok - $ROUNDS SIGKILLs, $(grep -vc "^trydel" "$dir/acked") acknowledged changes, none lost"
