#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# peers.sh: vswitchd against its peers on the same ports and workload.
#
# Replays generated captures through two DPDK net_pcap ports on one
# forwarding lcore and measures, in turn, dpdk-testpmd (io and mac
# forwarding: the I/O ceiling), Open vSwitch with DPDK (a netdev bridge with
# the NORMAL action, or with a VLAN trunk and access port) and vswitchd, each
# started in a private run directory and stopped afterwards.  Prints one
# table (median/min/max Mpps per subject and workload, ratios) and, with
# --json, the vswitch-perf report JSON.  Run as root from anywhere after
# building vswitchd and vswitch-perf; see perf/README.md.
#
# Usage: perf/peers/peers.sh [options]
#   --duration S      measured window per run, seconds (10)
#   --warmup S        seconds after forwarding starts before the window (2)
#   --repeats N       runs of each subject per workload, alternating (3)
#   --workloads LIST  comma-separated list of: 1-mac (one station to one, the
#                     former baseline), 1k-macs, 64k-macs, vlan
#                     (default: 1k-macs,64k-macs,vlan)
#   --subjects LIST   comma-separated subset of: vswitchd, ovs-normal,
#                     ovs-vlan, testpmd-io, testpmd-mac (default: all);
#                     ovs-normal runs on the untagged workloads, ovs-vlan on
#                     the vlan workload
#   --size BYTES      frame size on the wire incl. FCS (64)
#   --lcores A-B      main and forwarding lcore, consecutive (0-1)
#   --no-huge         run DPDK without hugepages (figures can halve)
#   --keep            keep the captures, configurations and logs
#   --build DIR       the build tree holding vswitch/vswitchd and
#                     perf/vswitch-perf (repository's build/)
#   --json FILE       also write the report as JSON
#   -h, --help        this text
#
# Environment: VSWITCHD, VSWITCH_PERF, TESTPMD, OVS_VSWITCHD override the
# programs' paths.  Exit status: 0, 1 on an error or when a run's counters
# do not add up (frames lost, flooded instead of switched as unicast).
#
# Ports (identical for every subject):
#   in   net_pcap0,rx_pcap=traffic.pcap,infinite_rx=1
#        the capture is loaded into mbufs once and replayed from memory as
#        fast as the forwarding lcore polls
#   out  net_pcap1,rx_pcap=learn.pcap
#        receives one frame from each destination MAC of the workload once
#        (so that the switches learn them there and switch the traffic as
#        known unicast); with no tx_pcap the PMD frees and counts what it
#        is given
# The rate is the out port's transmitted-packet count between the samples at
# --warmup and --warmup + --duration seconds after forwarding starts, divided
# by the wall-clock time between them.
set -euo pipefail
export LC_ALL=C

PROG=peers
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$ROOT/build
DURATION=10
WARMUP=2
REPEATS=3
SIZE=64
LCORES=0-1
NO_HUGE=0
KEEP=0
JSON=
ALL_WORKLOADS=(1-mac 1k-macs 64k-macs vlan)
ALL_SUBJECTS=(vswitchd ovs-normal ovs-vlan testpmd-io testpmd-mac)
WORKLOADS=(1k-macs 64k-macs vlan)
SUBJECTS=("${ALL_SUBJECTS[@]}")
TESTPMD=${TESTPMD:-dpdk-testpmd}
OVS_VSWITCHD=${OVS_VSWITCHD:-/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk}
OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
HUGEPAGES=512
VLAN_ID=10
MAC_A=02:00:00:00:00:01 # first source (the in port's stations)
MAC_B=02:00:01:00:00:01 # first destination (the out port's stations)

usage() {
	sed -n '/^# Usage:/,/^# *-h, --help/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}

die() {
	echo "$PROG: $*" >&2
	exit 1
}

warn() {
	echo "$PROG: warning: $*" >&2
}

posint() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1: expected a positive number, got '$2'"; }

# in_list WORD LIST...: true if WORD is one of LIST.
in_list() {
	local w=$1 x
	shift
	for x in "$@"; do [[ $x == "$w" ]] && return 0; done
	return 1
}

# split_list OPTION VALUE ALLOWED... -> the comma-separated VALUE, checked.
split_list() {
	local opt=$1 v=$2 x
	shift 2
	local -a out
	IFS=, read -r -a out <<<"$v"
	((${#out[@]})) || die "$opt: empty list"
	for x in "${out[@]}"; do
		in_list "$x" "$@" || die "$opt: unknown '$x' (one of: $*)"
	done
	printf '%s\n' "${out[@]}"
}

parse_args() {
	while (($#)); do
		case $1 in
		--build) (($# >= 2)) || die "$1: missing value"; BUILD=$2; shift 2 ;;
		--duration) posint "$1" "${2-}"; DURATION=$2; shift 2 ;;
		--warmup) posint "$1" "${2-}"; WARMUP=$2; shift 2 ;;
		--repeats) posint "$1" "${2-}"; REPEATS=$2; shift 2 ;;
		--size) posint "$1" "${2-}"; SIZE=$2; shift 2 ;;
		--lcores) (($# >= 2)) || die "$1: missing value"; LCORES=$2; shift 2 ;;
		--workloads)
			(($# >= 2)) || die "$1: missing value"
			mapfile -t WORKLOADS < <(split_list "$1" "$2" "${ALL_WORKLOADS[@]}") || exit 1
			shift 2 ;;
		--subjects)
			(($# >= 2)) || die "$1: missing value"
			mapfile -t SUBJECTS < <(split_list "$1" "$2" "${ALL_SUBJECTS[@]}") || exit 1
			shift 2 ;;
		--no-huge) NO_HUGE=1; shift ;;
		--keep) KEEP=1; shift ;;
		--json) (($# >= 2)) || die "$1: missing value"; JSON=$2; shift 2 ;;
		-h | --help) usage 0 ;;
		*) echo "$PROG: unknown option '$1'" >&2; usage 2 ;;
		esac
	done
	# split_list dies in a subshell: an empty result means it did.
	((${#WORKLOADS[@]})) || exit 1
	((${#SUBJECTS[@]})) || exit 1
	((SIZE >= 64 && SIZE <= 1518)) || die "--size: expected 64 to 1518, got $SIZE"
	if ! [[ $LCORES =~ ^([0-9]+)-([0-9]+)$ ]] || ((BASH_REMATCH[2] != BASH_REMATCH[1] + 1)); then
		die "--lcores: expected two consecutive lcores such as 0-1 (main, forwarding)"
	fi
	MAIN_LCORE=${BASH_REMATCH[1]}
	FWD_LCORE=${BASH_REMATCH[2]}
	if [[ -n $JSON ]]; then
		[[ $JSON == /* ]] || JSON=$PWD/$JSON
	fi
}

parse_args "$@"

VSWITCHD=${VSWITCHD:-$BUILD/vswitch/vswitchd}
GEN=${VSWITCH_PERF:-$BUILD/perf/vswitch-perf}

check_programs() {
	local b t
	for b in "$VSWITCHD" "$GEN"; do
		[[ -x $b ]] || die "$b not found; build first: cmake -S . -B build &&" \
			"cmake --build build -j2 --target vswitchd vswitch-perf"
	done
	command -v "$TESTPMD" >/dev/null || die "$TESTPMD not found (Debian package dpdk)"
	for t in taskset stdbuf python3 awk; do
		command -v $t >/dev/null || die "$t not found"
	done
	HAVE_OVS=1
	for t in ovsdb-tool ovsdb-server ovs-vsctl ovs-appctl ovs-ofctl; do
		command -v $t >/dev/null || HAVE_OVS=0
	done
	[[ -x $OVS_VSWITCHD && -r $OVS_SCHEMA ]] || HAVE_OVS=0
	if ((!HAVE_OVS)); then
		local -a skipped=()
		for t in ovs-normal ovs-vlan; do
			in_list $t "${SUBJECTS[@]}" && skipped+=("$t")
		done
		if ((${#skipped[@]})); then
			warn "Open vSwitch with DPDK is not installed ($OVS_VSWITCHD): skipping" \
				"${skipped[*]}; install it with: scripts/install-deps.sh"
		fi
	fi
	if pgrep -x ovs-vswitchd >/dev/null 2>&1 || pgrep -x ovs-vswitchd-dp >/dev/null 2>&1; then
		warn "an ovs-vswitchd this script did not start is running (the Debian" \
			"service?); it competes for the CPUs: stop it for a clean measurement"
	fi
}

check_programs

WORK=$(mktemp -d /tmp/vspeers.XXXXXX)
PIDS=()     # every process this script started and may still have to end
PREFIXES=() # EAL file prefixes to tidy from /var/run/dpdk
RESULTS=$WORK/results.tsv
: >"$RESULTS"
FAILED=0

# --- processes ---------------------------------------------------------------

# True while process $1 exists and has not exited (a zombie has exited).
alive() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) && [[ -n $st ]] || return 1
	st=${st##*) }
	[[ ${st%% *} != Z ]]
}

# stop_pid PID SIGNAL NAME: sends SIGNAL, waits up to 20 s, then SIGKILL.
stop_pid() {
	local pid=$1 sig=$2 name=$3 i
	alive "$pid" || return 0
	kill "-$sig" "$pid" 2>/dev/null || true
	for ((i = 0; i < 200; i++)); do
		alive "$pid" || return 0
		sleep 0.1
	done
	warn "$name (pid $pid) ignored SIG$sig; killing it"
	kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		if alive "$p"; then kill -TERM "$p" 2>/dev/null || true; fi
	done
	sleep 0.5
	for p in "${PIDS[@]}"; do
		if alive "$p"; then kill -KILL "$p" 2>/dev/null || true; fi
	done
	for p in "${PREFIXES[@]}"; do
		rm -rf "/var/run/dpdk/$p"
	done
	if ((KEEP)); then
		echo "$PROG: captures and logs kept in $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- memory ----------------------------------------------------------------

huge_free_mb() {
	awk '/^HugePages_Free:/ {f = $2} /^Hugepagesize:/ {s = $2} END {print int(f * s / 1024)}' /proc/meminfo
}

setup_hugepages() {
	local total
	((NO_HUGE)) && return 1
	if ((EUID == 0)); then
		total=$(awk '/^HugePages_Total:/ {print $2}' /proc/meminfo)
		if ((total < HUGEPAGES)); then
			echo "$HUGEPAGES" >/proc/sys/vm/nr_hugepages 2>/dev/null || true
		fi
		if ! awk '$3 == "hugetlbfs" {found = 1} END {exit !found}' /proc/mounts; then
			mkdir -p /dev/hugepages
			mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null || true
		fi
	fi
	awk '$3 == "hugetlbfs" {found = 1} END {exit !found}' /proc/mounts || return 1
	(($(huge_free_mb) >= 512)) || return 1
	return 0
}

if setup_hugepages; then
	MEM_ARGS=(--huge-unlink)
	MEM_DESC="hugepages ($(huge_free_mb) MB free)"
	MEM_JSON=hugepages
	NO_HUGE_IN_USE=0
else
	((NO_HUGE)) || warn "no usable hugepages (need root, or 512 MB of free 2 MB pages" \
		"and a hugetlbfs mount): running with --no-huge; absolute figures can be" \
		"up to half of what hugepages give, compare the ratios only"
	MEM_ARGS=(--no-huge -m 1024)
	MEM_DESC="no hugepages (--no-huge)"
	MEM_JSON=no-huge
	NO_HUGE_IN_USE=1
fi
EAL=(-l "$LCORES" --no-pci "${MEM_ARGS[@]}" --log-level=lib.*:notice)

# --- workloads ---------------------------------------------------------------

# The one place that knows the generator: writes capture OUT of COUNT frames
# of SIZE bytes (incl. FCS) from SRC_MACS addresses counted up from SRC_MAC to
# DST_MACS addresses counted up from DST_MAC, frame i from source i mod
# SRC_MACS to destination i mod DST_MACS, 802.1Q-tagged with VLAN (0: not).
#   gen_capture OUT SIZE COUNT SRC_MAC SRC_MACS DST_MAC DST_MACS VLAN
gen_capture() {
	local file=$1 size=$2 count=$3 src=$4 nsrc=$5 dst=$6 ndst=$7 vlan=$8
	local -a tag=()
	((vlan == 0)) || tag=(--vlans "$vlan")
	"$GEN" gen -o "$file" --size "$size" --count "$count" --src-mac "$src" --src-macs "$nsrc" \
		--dst-mac "$dst" --dst-macs "$ndst" "${tag[@]}" >/dev/null ||
		die "generating $file failed"
}

# workload_params NAME: sets W_MACS (distinct sources, and as many
# destinations), W_VLAN (0: untagged), W_FRAMES (frames in the capture).
workload_params() {
	case $1 in
	1-mac) W_MACS=1 W_VLAN=0 ;;
	1k-macs) W_MACS=1000 W_VLAN=0 ;;
	64k-macs) W_MACS=65536 W_VLAN=0 ;;
	vlan) W_MACS=1000 W_VLAN=$VLAN_ID ;;
	*) die "unknown workload '$1'" ;;
	esac
	W_FRAMES=$((W_MACS > 1024 ? W_MACS : 1024))
}

# make_workload NAME: writes $WORK/NAME/traffic.pcap (source i -> destination
# i, tagged for the vlan workload: it enters on the trunk) and learn.pcap (one
# untagged frame from each destination, replayed once on the out port).
make_workload() {
	local d=$WORK/$1
	workload_params "$1"
	mkdir -p "$d"
	gen_capture "$d/traffic.pcap" "$SIZE" "$W_FRAMES" $MAC_A "$W_MACS" $MAC_B "$W_MACS" "$W_VLAN"
	gen_capture "$d/learn.pcap" "$SIZE" "$W_MACS" $MAC_B "$W_MACS" $MAC_A 1 0
	# Both programs' pools hold the replayed capture (the pcap PMD keeps it
	# in mbufs) plus about vswitchd's default pool for the traffic.
	W_MBUFS=$((16384 + W_FRAMES))
	IN_DEV="net_pcap0,rx_pcap=$d/traffic.pcap,infinite_rx=1"
	OUT_DEV="net_pcap1,rx_pcap=$d/learn.pcap"
}

# --- measuring ---------------------------------------------------------------

# Other busy processes steal the forwarding lcore's CPU: name them.
check_quiet() {
	local busy
	busy=$(ps -eo pcpu=,pid=,comm= --sort=-pcpu |
		awk -v me=$$ '$1 >= 20 && $2 != me {printf "%s%s(%s%%)", sep, $3, $1; sep = " "}')
	[[ -z $busy ]] || warn "$1: other busy processes: $busy; figures will be low and noisy"
}

# Prefixes each line with the wall-clock time it arrived, on the main lcore's
# CPU so it never competes with the forwarding lcore.
stamp() {
	# shellcheck disable=SC2016 # expanded by the inner bash, per line
	taskset -c "$MAIN_LCORE" bash -c \
		'while IFS= read -r l; do printf "%s %s\n" "$EPOCHREALTIME" "$l"; done'
}

# cpu_snap PID... -> "BUSY STEAL TOTAL OURS" jiffies: busy, steal and total
# time of all CPUs since boot, and the CPU time of the processes PID...
cpu_snap() {
	local st u n sy id io irq sirq steal ours=0 p ut stime
	read -r _ u n sy id io irq sirq steal _ </proc/stat
	for p in "$@"; do
		st=$(cat "/proc/$p/stat" 2>/dev/null) || st=
		st=${st##*) }
		ut='' stime=''
		read -r _ _ _ _ _ _ _ _ _ _ _ ut stime _ <<<"$st"
		ours=$((ours + ${ut:-0} + ${stime:-0}))
	done
	echo $((u + n + sy + irq + sirq)) "$steal" $((u + n + sy + id + io + irq + sirq + steal)) "$ours"
}

# interference SNAP1 SNAP2 -> "OTHER STEAL": percent of one CPU used by other
# processes (busy time not ours) and stolen by the hypervisor meanwhile.
interference() {
	awk -v ncpu="$(nproc)" 'NR == 1 {b = $1; s = $2; t = $3; o = $4}
		NR == 2 {w = ($3 - t) / ncpu; if (w <= 0) w = 1
			 x = (($1 - b) - ($4 - o)) / w * 100; if (x < 0) x = 0
			 printf "%.0f %.0f\n", x, ($2 - s) / w * 100}' \
		<(echo "$1") <(echo "$2")
}

# start_logged LOG CMD...: starts CMD, its output time-stamped into LOG;
# sets STARTED_PID (the command) and STAMPER (the stamping pipeline).
start_logged() {
	local log=$1 i
	shift
	rm -f "$WORK/pid"
	(
		echo "$BASHPID" >"$WORK/pid"
		exec stdbuf -oL -eL "$@" </dev/null
	) 2>&1 | stamp >"$log" &
	STAMPER=$!
	for ((i = 0; i < 100; i++)); do
		[[ -s $WORK/pid ]] && break
		sleep 0.05
	done
	[[ -s $WORK/pid ]] || die "could not start $1"
	STARTED_PID=$(<"$WORK/pid")
	PIDS+=("$STARTED_PID")
}

RUN_S=$((WARMUP + DURATION + 4))

# watch_run PID...: lets the processes run RUN_S seconds (or until the first
# exits) and takes the CPU snapshots of the window into OTHER and STEAL.
watch_run() {
	local i snap1='' snap2=''
	for ((i = 0; i < RUN_S * 10; i++)); do
		alive "$1" || break
		((i == (WARMUP + 1) * 10)) && snap1=$(cpu_snap "$@")
		((i == (WARMUP + DURATION + 1) * 10)) && snap2=$(cpu_snap "$@")
		sleep 0.1
	done
	if [[ -n $snap1 && -n $snap2 ]]; then
		read -r OTHER STEAL < <(interference "$snap1" "$snap2")
	else
		OTHER='?' STEAL='?'
	fi
}

# rate SAMPLES-FILE -> "SECONDS PACKETS OFFERED": samples are lines
# "ELAPSED TIME OUT_TX IN_RX"; from the first sample at least WARMUP seconds
# in to the later sample closest to DURATION seconds after it.
rate() {
	awk -v w="$WARMUP" -v d="$DURATION" '
	     {e[NR] = $1; t[NR] = $2; n[NR] = $3; r[NR] = $4}
	     END {for (i = 1; i <= NR && e[i] < w - 0.1; i++);
		  if (i > NR) exit 1
		  best = 0
		  for (j = i + 1; j <= NR; j++) {
			  dj = t[j] - t[i] - d; if (dj < 0) dj = -dj
			  if (!best || dj < bd) {best = j; bd = dj}
		  }
		  if (!best || bd > 1.5) exit 1
		  printf "%.3f %d %d\n", t[best] - t[i], n[best] - n[i], r[best] - r[i]}' "$1"
}

# record WORKLOAD SUBJECT REPEAT SECONDS PACKETS OFFERED NOTE: one result line.
record() {
	local mpps
	mpps=$(awk -v p="$5" -v s="$4" 'BEGIN {printf "%.3f", p / s / 1e6}')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$OTHER" "$STEAL" >>"$RESULTS"
	printf '  %-9s run %d  %-12s %7s Mpps over %s s  (others: %s%% cpu, steal %s%%; %s)\n' \
		"$1" "$3" "$2" "$mpps" "$4" "$OTHER" "$STEAL" "$7"
	if [[ $OTHER == "?" ]] || ((OTHER > 10 || STEAL > 5)); then
		NOISY=1
	fi
}

# fail MESSAGE: a run whose counters do not add up; the script exits 1.
fail() {
	echo "$PROG: FAIL: $*" >&2
	FAILED=1
}

# window_check WORKLOAD SUBJECT REPEAT PACKETS OFFERED: the out port must
# have sent about what the in port received in the window.
window_check() {
	if (($4 <= 0)); then
		fail "$1 $2 run $3: no frames reached the out port"
	elif ! awk -v p="$4" -v o="$5" 'BEGIN {exit !(p >= 0.99 * o && p <= 1.01 * o + 64)}'; then
		fail "$1 $2 run $3: out port sent $4 frames, in port received $5 in the window"
	fi
}

# --- testpmd -------------------------------------------------------------------

samples_testpmd() {
	# testpmd shows port statistics once when forwarding starts, then every
	# --stats-period as it measures time (which, on a VM whose TSC rate it
	# misjudges, may be every other second).
	awk '$2 == "Port" && $3 == "statistics" {t = $1; if (t0 == "") t0 = t; next}
	     $3 == "NIC" && $4 == "statistics" {port = $7; next}
	     /Forward statistics/ {port = ""; next}
	     $2 == "RX-packets:" && port == "0" {rx = $3}
	     $2 == "TX-packets:" && port == "1" {printf "%.3f %s %s %s\n", t - t0, t, $3, rx; port = ""}' "$1"
}

run_testpmd() { # WORKLOAD MODE REPEAT
	local wl=$1 mode=$2 r=$3 subj=testpmd-$2 p log secs pk off
	p=vspeers-$$-tp$mode$r
	PREFIXES+=("$p")
	log=$WORK/$wl/$subj-$r.log
	start_logged "$log" "$TESTPMD" "${EAL[@]}" --file-prefix "$p" \
		--vdev "$IN_DEV" --vdev "$OUT_DEV" -- \
		--forward-mode="$mode" --stats-period 1 --total-num-mbufs="$W_MBUFS"
	watch_run "$STARTED_PID"
	stop_pid "$STARTED_PID" INT testpmd
	wait "$STAMPER" || true
	rm -rf "/var/run/dpdk/$p"
	samples_testpmd "$log" >"$log.samples"
	read -r secs pk off < <(rate "$log.samples") || {
		tail -20 "$log" >&2
		fail "$wl $subj run $r: no rate (log above)"
		return 0
	}
	record "$wl" "$subj" "$r" "$secs" "$pk" "$off" "port 0 rx $off in the window"
	window_check "$wl" "$subj" "$r" "$pk" "$off"
}

# --- vswitchd ------------------------------------------------------------------

vswitchd_config() { # WORKLOAD-DIR -> config on stdout
	local in_vlan='' out_vlan=''
	if ((W_VLAN)); then
		in_vlan=", \"vlan\": { \"mode\": \"trunk\", \"allowed\": \"$W_VLAN\" }"
		out_vlan=", \"vlan\": { \"mode\": \"access\", \"vid\": $W_VLAN }"
	fi
	cat <<EOF
{
  "datapath": { "workers": 1, "mbufs": $W_MBUFS },
  "switches": [ { "name": "sw0", "type": "private" } ],
  "ports": [
    { "switch": "sw0", "name": "in0", "kind": "pcap", "rx_pcap": "$1/traffic.pcap", "loop": true$in_vlan },
    { "switch": "sw0", "name": "out0", "kind": "pcap", "rx_pcap": "$1/learn.pcap"$out_vlan }
  ]
}
EOF
}

# Samples "ELAPSED TIME OUT_TX IN_RX" from vswitchd's per-second counters.
samples_vswitchd() {
	awk '$2 == "---" && $3 ~ /^[0-9]+s$/ {t = $1; e = $3 + 0; rx = ""; next}
	     e != "" && $3 == "in0" {rx = $4}
	     e != "" && $3 == "out0" {tx = $6}
	     e != "" && rx != "" && tx != "" {print e, t, tx, rx; e = ""; rx = ""; tx = ""}' "$1"
}

run_vswitchd() { # WORKLOAD REPEAT
	local wl=$1 r=$2 p log secs pk off uni flood drops out_tx entries
	p=vspeers-$$-vs$r
	PREFIXES+=("$p")
	log=$WORK/$wl/vswitchd-$r.log
	vswitchd_config "$WORK/$wl" >"$WORK/$wl/vswitch.json"
	start_logged "$log" "$VSWITCHD" "${EAL[@]}" --file-prefix "$p" -- \
		--config "$WORK/$wl/vswitch.json" --rundir "$WORK/$wl/vsrun-$r" --workers 1 \
		--stats-interval 1 --exit-after "$RUN_S"
	watch_run "$STARTED_PID"
	stop_pid "$STARTED_PID" INT vswitchd
	wait "$STAMPER" || true
	rm -rf "/var/run/dpdk/$p"
	[[ -n $VS_VERSION ]] ||
		VS_VERSION=$(awk '$2 == "vswitchd" && $4 ~ /^\(/ {sub(/:$/, "", $5); print $2, $3, $4, $5; exit}' "$log")
	samples_vswitchd "$log" >"$log.samples"
	read -r secs pk off < <(rate "$log.samples") || {
		tail -20 "$log" >&2
		fail "$wl vswitchd run $r: no rate (log above)"
		return 0
	}
	# The final counters: the in port's frames were switched as known
	# unicast (flooding only until the out port's stations were learned,
	# at most about one pass over the capture), nothing was dropped, and
	# the out port sent every one of them.
	read -r uni flood drops < <(awk '/--- final counters/ {f = 1}
		f && $3 == "in0" {print $8, $9, $10; exit}' "$log")
	out_tx=$(awk '/--- final counters/ {f = 1} f && $3 == "out0" {print $6; exit}' "$log")
	entries=$(awk '/--- final counters/ {f = 1} f && $2 == "fdb:" {split($3, a, "/"); print a[1]; exit}' "$log")
	record "$wl" vswitchd "$r" "$secs" "$pk" "$off" \
		"in0: unicast $uni, flooded $flood, drops $drops; out0 tx $out_tx; fdb $entries"
	window_check "$wl" vswitchd "$r" "$pk" "$off"
	if [[ -z $uni || -z $out_tx ]]; then
		fail "$wl vswitchd run $r: no final counters"
	elif [[ $drops != - ]]; then
		fail "$wl vswitchd run $r: drops at in0: $drops"
	elif ((flood > W_FRAMES + W_MACS + 1024)); then
		fail "$wl vswitchd run $r: $flood frames flooded: not switched as known unicast"
	elif ((out_tx != uni + flood)); then
		fail "$wl vswitchd run $r: out0 sent $out_tx, in0 forwarded $uni + $flood"
	elif ((entries < 2 * W_MACS)); then
		fail "$wl vswitchd run $r: $entries MAC table entries, expected $((2 * W_MACS))"
	fi
}

# --- Open vSwitch ----------------------------------------------------------------

# ovs_start, ovs_stop, ovs_counters, ovs_fdb_count, run_ovs: in ovs.sh, which
# uses this script's globals and helpers.
# shellcheck source=perf/peers/ovs.sh
. "$HERE/ovs.sh"

# --- the runs ------------------------------------------------------------------

# subjects_for WORKLOAD: the requested subjects that apply to it.
subjects_for() {
	local s
	workload_params "$1"
	for s in "${SUBJECTS[@]}"; do
		case $s in
		ovs-normal) ((HAVE_OVS && W_VLAN == 0)) || continue ;;
		ovs-vlan) ((HAVE_OVS && W_VLAN != 0)) || continue ;;
		esac
		echo "$s"
	done
}

NOISY=0
VS_VERSION=
OVS_VERSION=
echo "$PROG: $SIZE-byte frames (incl. FCS), 1 forwarding lcore, $DURATION s after $WARMUP s" \
	"warm-up, $REPEATS runs of each subject, $MEM_DESC"
check_quiet "before the runs"
for wl in "${WORKLOADS[@]}"; do
	make_workload "$wl"
	mapfile -t subjs < <(subjects_for "$wl")
	if ((${#subjs[@]} == 0)); then
		warn "$wl: none of the subjects applies; skipped"
		continue
	fi
	echo "$PROG: workload $wl: $W_FRAMES frames, $W_MACS source and $W_MACS destination MACs" \
		"$( ((W_VLAN)) && echo "in VLAN $W_VLAN (tagged in on the trunk, untagged out on the access port)" || echo "untagged")"
	for ((r = 1; r <= REPEATS; r++)); do
		for s in "${subjs[@]}"; do
			case $s in
			testpmd-io) run_testpmd "$wl" io "$r" ;;
			testpmd-mac) run_testpmd "$wl" mac "$r" ;;
			vswitchd) run_vswitchd "$wl" "$r" ;;
			ovs-normal | ovs-vlan) run_ovs "$wl" "$s" "$r" ;;
			esac
		done
		check_quiet "after $wl run $r"
	done
done

# --- the report ------------------------------------------------------------------

MACHINE="$(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $MEM_JSON"
echo
echo "$MACHINE; ${VS_VERSION:-vswitchd}${OVS_VERSION:+; Open vSwitch $OVS_VERSION}"
# Workload descriptions for the report: name frames size avg_len macs vlans.
WL_INFO=$WORK/workloads.tsv
: >"$WL_INFO"
for wl in "${WORKLOADS[@]}"; do
	workload_params "$wl"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$wl" "$W_FRAMES" "$SIZE" $((SIZE - 4)) "$W_MACS" \
		$((W_VLAN ? 1 : 0)) >>"$WL_INFO"
done
python3 "$HERE/report.py" --results "$RESULTS" --workloads "$WL_INFO" \
	--version "$(awk '{print $2}' <<<"${VS_VERSION:-vswitchd unknown}")" --machine "$MACHINE" \
	--duration "$DURATION" --warmup "$WARMUP" ${JSON:+--json "$JSON"} ||
	die "report failed"
if ((NOISY)); then
	warn "other processes or the hypervisor took CPU time during some runs (see" \
		"'others' and 'steal' above): those figures are low; rerun on a quiet machine"
fi
if ((FAILED)); then
	echo "$PROG: some runs' counters did not add up (FAIL above)" >&2
	exit 1
fi
