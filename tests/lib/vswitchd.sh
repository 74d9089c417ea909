# shellcheck shell=bash
# Sourced by the end-to-end scripts: one vswitchd with its own run folder,
# and vswitchctl on its socket.  The script sets VSWITCHD, CTL, dir (its
# temporary folder) and log, and defines fail; before vs_start it may set
# vs_config (default $dir/vswitch.json), vs_eal (EAL cores, default
# "-l 0-1") and vs_mem (MB, default 256).

# ctl ARGS...: vswitchctl on this vswitchd's socket.
ctl() { "$CTL" --socket "$dir/run/vswitchd.sock" "$@"; }

# vs_start PREFIX [vswitchd option...]: starts vswitchd without hugepages
# (EAL file prefix PREFIX, output appended to $log, its pid in $pid) and
# returns once it answers; fails if it exits or stays silent for 20 s.
vs_start() {
	local prefix=$1
	shift
	# shellcheck disable=SC2086
	"$VSWITCHD" ${vs_eal:--l 0-1} --no-huge --no-pci --no-shconf -m "${vs_mem:-256}" \
		--file-prefix "$prefix" -- --rundir "$dir/run" \
		--config "${vs_config:-$dir/vswitch.json}" "$@" >>"$log" 2>&1 &
	pid=$!
	for _ in $(seq 1 200); do
		ctl info >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || fail "vswitchd exited early"
		sleep 0.1
	done
	fail "vswitchd did not come up"
}

# within SECONDS CMD...: true as soon as CMD succeeds, polled every 0.1 s
# for SECONDS; false if it never does.
within() {
	local n=$(($1 * 10)) _
	shift
	for _ in $(seq 1 "$n"); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
