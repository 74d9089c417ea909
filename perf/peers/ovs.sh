# SPDX-License-Identifier: BSD-3-Clause
#
# ovs.sh: the Open vSwitch subjects of peers.sh, sourced by it (not run on
# its own): a private ovsdb-server and ovs-vswitchd with DPDK per run, the
# NORMAL bridge or its VLAN variant on the workload's pcap ports, the rate
# from the port counters once a second, the learned stations checked.
# Uses peers.sh's globals (WORK, BUILD, DURATION, WARMUP, MEM_ARGS, ...) and
# helpers (die, fail, record, alive, cpu_snap, ...).

# ovs_start DIR PREFIX: a private ovsdb-server and ovs-vswitchd (DPDK) with
# their database, sockets, pidfiles and logs in DIR; non-PMD threads on the
# main lcore, one PMD thread on the forwarding lcore.
ovs_start() {
	local d=$1 prefix=$2 i extra
	mkdir -p "$d"
	ovsdb-tool create "$d/conf.db" "$OVS_SCHEMA" || die "ovsdb-tool create failed"
	taskset -c "$MAIN_LCORE" ovsdb-server "$d/conf.db" --remote="punix:$d/db.sock" \
		--pidfile="$d/ovsdb-server.pid" --unixctl="$d/ovsdb-server.ctl" \
		--log-file="$d/ovsdb-server.log" -vconsole:off </dev/null >>"$d/ovsdb-server.out" 2>&1 &
	OVSDB_PID=$!
	PIDS+=("$OVSDB_PID")
	for ((i = 0; i < 100; i++)); do
		[[ -S $d/db.sock ]] && break
		alive "$OVSDB_PID" || break
		sleep 0.05
	done
	[[ -S $d/db.sock ]] || die "ovsdb-server did not start (see $d/ovsdb-server.log)"
	VSCTL=(ovs-vsctl --db="unix:$d/db.sock" --timeout=120)
	APPCTL=(ovs-appctl -t "$d/ovs-vswitchd.ctl")
	extra="--no-pci --file-prefix $prefix ${MEM_ARGS[*]}"
	# OVS adds --in-memory unless told --legacy-mem, which --no-huge implies
	# and which --in-memory refuses.
	((NO_HUGE_IN_USE)) && extra+=" --legacy-mem"
	"${VSCTL[@]}" --no-wait init
	"${VSCTL[@]}" --no-wait set Open_vSwitch . \
		other_config:dpdk-init=true \
		other_config:dpdk-lcore-mask="$(printf '0x%x' $((1 << MAIN_LCORE)))" \
		other_config:pmd-cpu-mask="$(printf '0x%x' $((1 << FWD_LCORE)))" \
		other_config:dpdk-extra="\"$extra\""
	# The PMD thread sets its own affinity to the forwarding lcore; every
	# other thread inherits the main lcore's.
	OVS_RUNDIR=$d OVS_LOGDIR=$d OVS_DBDIR=$d taskset -c "$MAIN_LCORE" "$OVS_VSWITCHD" \
		"unix:$d/db.sock" --pidfile="$d/ovs-vswitchd.pid" --unixctl="$d/ovs-vswitchd.ctl" \
		--log-file="$d/ovs-vswitchd.log" -vconsole:off </dev/null >>"$d/ovs-vswitchd.out" 2>&1 &
	OVS_PID=$!
	PIDS+=("$OVS_PID")
	# DPDK initialises before the control socket appears.
	for ((i = 0; i < 600; i++)); do
		[[ -S $d/ovs-vswitchd.ctl ]] && break
		alive "$OVS_PID" || break
		sleep 0.1
	done
	if ! [[ -S $d/ovs-vswitchd.ctl ]] || ! alive "$OVS_PID"; then
		tail -20 "$d/ovs-vswitchd.log" >&2
		die "ovs-vswitchd did not start (log above)"
	fi
}

ovs_stop() {
	stop_pid "$OVS_PID" TERM ovs-vswitchd
	stop_pid "$OVSDB_PID" TERM ovsdb-server
	wait "$OVS_PID" 2>/dev/null || true
	wait "$OVSDB_PID" 2>/dev/null || true
}

# ovs_counters DIR -> "IN_RX OUT_TX LOCAL_TX_DROPPED" from the bridge's
# OpenFlow port statistics (read from the datapath, not the database's
# 5-second copy).
ovs_counters() {
	taskset -c "$MAIN_LCORE" ovs-ofctl dump-ports "unix:$1/br0.mgmt" 2>/dev/null | awk -v i="$OVS_IN_OFPORT" -v o="$OVS_OUT_OFPORT" '
		$1 == "port" {p = $2; sub(/:$/, "", p); side = "rx"}
		{for (k = 1; k <= NF; k++) {
			if ($k == "rx") side = "rx"; else if ($k == "tx") side = "tx"
			if ($k ~ /^pkts=/) {v = $k; sub(/^pkts=/, "", v); sub(/,$/, "", v); c[p, side] = v}
			if ($k ~ /^drop=/ && side == "tx") {v = $k; sub(/^drop=/, "", v); sub(/,$/, "", v); d[p] = v}
		}}
		END {if (c[i, "rx"] == "" || c[o, "tx"] == "") exit 1
		     print c[i, "rx"], c[o, "tx"], d["LOCAL"] + 0}'
}

# ovs_fdb_count VLAN: learned entries on the out port in VLAN.
ovs_fdb_count() {
	"${APPCTL[@]}" fdb/show br0 2>/dev/null |
		awk -v p="$OVS_OUT_OFPORT" -v v="$1" '$1 == p && $2 == v {n++} END {print n + 0}'
}

run_ovs() { # WORKLOAD SUBJECT REPEAT
	local wl=$1 subj=$2 r=$3 d p i t0 now c secs pk off learned drop1 drop2 samples
	local -a in_opts=() out_opts=()
	d=$WORK/$wl/ovs-$r
	p=vspeers-$$-ovs$r
	PREFIXES+=("$p")
	ovs_start "$d" "$p"
	if [[ $subj == ovs-vlan ]]; then
		in_opts=(-- set Port in0 trunks="$W_VLAN")
		out_opts=(-- set Port out0 tag="$W_VLAN")
	fi
	# A MAC table as large as vswitchd's default (the OVS default, 8192,
	# would not hold the 64k workload's stations).
	"${VSCTL[@]}" add-br br0 -- set bridge br0 datapath_type=netdev \
		other_config:mac-table-size=262144 >>"$d/vsctl.log" 2>&1 ||
		{ tail -20 "$d/ovs-vswitchd.log" >&2; die "ovs: add-br failed (log above)"; }
	"${VSCTL[@]}" add-port br0 out0 -- set Interface out0 type=dpdk \
		"options:dpdk-devargs=\"$OUT_DEV\"" "${out_opts[@]}" >>"$d/vsctl.log" 2>&1 ||
		{ tail -20 "$d/ovs-vswitchd.log" >&2; die "ovs: adding out0 failed (log above)"; }
	OVS_OUT_OFPORT=$("${VSCTL[@]}" get Interface out0 ofport)
	# The PMD polls a port as soon as it starts, a moment before the
	# bridge knows the port: the first learn frames are dropped then.
	# Restarting the device (a changed ring size) replays learn.pcap into
	# the known port.
	"${VSCTL[@]}" set Interface out0 options:n_rxq_desc=1024 >>"$d/vsctl.log" 2>&1
	for ((i = 0; i < 300; i++)); do
		learned=$(ovs_fdb_count "$W_VLAN")
		((learned >= W_MACS)) && break
		sleep 0.1
	done
	((learned >= W_MACS)) ||
		fail "$wl $subj run $r: OVS learned $learned of the $W_MACS stations on out0"
	"${VSCTL[@]}" add-port br0 in0 -- set Interface in0 type=dpdk \
		"options:dpdk-devargs=\"$IN_DEV\"" "${in_opts[@]}" >>"$d/vsctl.log" 2>&1 ||
		{ tail -20 "$d/ovs-vswitchd.log" >&2; die "ovs: adding in0 failed (log above)"; }
	OVS_IN_OFPORT=$("${VSCTL[@]}" get Interface in0 ofport)
	t0=$EPOCHREALTIME
	samples=$d/samples
	: >"$samples"
	: >"$d/local-drops"
	# Samples once a second (taken on the main lcore), like the others
	# print theirs; CPU snapshots of the window as for the others.
	local snap1='' snap2=''
	for ((i = 1; i <= WARMUP + DURATION + 1; i++)); do
		now=$(awk -v t0="$t0" -v i="$i" 'BEGIN {printf "%.3f", t0 + i}')
		sleep "$(awk -v n="$now" -v e="$EPOCHREALTIME" 'BEGIN {s = n - e; if (s < 0) s = 0; printf "%.3f", s}')"
		alive "$OVS_PID" || { tail -20 "$d/ovs-vswitchd.log" >&2; die "ovs-vswitchd exited (log above)"; }
		((i == WARMUP + 1)) && snap1=$(cpu_snap "$OVS_PID" "$OVSDB_PID")
		((i == WARMUP + DURATION)) && snap2=$(cpu_snap "$OVS_PID" "$OVSDB_PID")
		c=$(ovs_counters "$d") || continue
		read -r in_rx out_tx local_drop <<<"$c"
		awk -v t0="$t0" -v t="$EPOCHREALTIME" -v tx="$out_tx" -v rx="$in_rx" \
			'BEGIN {printf "%.3f %s %s %s\n", t - t0, t, tx, rx}' >>"$samples"
		echo "$local_drop" >>"$d/local-drops"
	done
	if [[ -n $snap1 && -n $snap2 ]]; then
		read -r OTHER STEAL < <(interference "$snap1" "$snap2")
	else
		OTHER='?' STEAL='?'
	fi
	learned=$(ovs_fdb_count "$W_VLAN")
	"${APPCTL[@]}" dpctl/dump-flows >"$d/dp-flows.txt" 2>&1 || true
	"${APPCTL[@]}" fdb/stats-show br0 >"$d/fdb-stats.txt" 2>&1 || true
	ovs_stop
	rm -rf "/var/run/dpdk/$p"
	read -r secs pk off < <(rate "$samples") || {
		tail -20 "$d/ovs-vswitchd.log" >&2
		fail "$wl $subj run $r: no rate (log above)"
		return 0
	}
	# Flooded frames would also go to the bridge's internal port (LOCAL),
	# which is down and drops them: its tx drops must not grow in the window.
	drop1=$(sed -n "$((WARMUP))p" "$d/local-drops")
	drop2=$(tail -1 "$d/local-drops")
	[[ -n ${OVS_VERSION:-} ]] || OVS_VERSION=$("$OVS_VSWITCHD" --version 2>/dev/null | awk 'NR == 1 {print $NF}')
	record "$wl" "$subj" "$r" "$secs" "$pk" "$off" \
		"in0 rx $off in the window; out0 stations learned $learned; LOCAL tx drops +$((drop2 - drop1))"
	window_check "$wl" "$subj" "$r" "$pk" "$off"
	((learned >= W_MACS)) || fail "$wl $subj run $r: only $learned stations learned on out0"
	if ((drop2 - drop1 > pk / 100)); then
		fail "$wl $subj run $r: $((drop2 - drop1)) frames flooded in the window, not switched as unicast"
	fi
}

