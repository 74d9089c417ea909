#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# baseline.sh: the first switch-versus-I/O measurement.
#
# Replays one capture of fixed-size IPv4/UDP frames (A -> B) through two
# DPDK pcap ports, on one forwarding lcore, first with dpdk-testpmd in io
# mode (packets moved between the same ports, no switching), then with
# vswitchd (parse, learn the source, look up the destination, forward), and
# alternates the two --repeats times.  It prints Mpps for each and the ratio
# vswitchd / testpmd.  Run as root from anywhere after building vswitchd and
# vs-gen-pcap; see perf/README.md.
#
# Environment: VSWITCHD, VS_GEN_PCAP, TESTPMD override the programs' paths.
#
#   perf/baseline.sh [--build DIR] [--duration S] [--warmup S] [--repeats N]
#                    [--size BYTES] [--lcores A-B] [--no-huge] [--keep]
#
# Ports (identical for both programs):
#   in   net_pcap,rx_pcap=traffic.pcap,infinite_rx=1
#        the capture is loaded into mbufs once and replayed from memory as
#        fast as the forwarding lcore asks for it
#   out  net_pcap,rx_pcap=learn.pcap
#        receives one frame from B (so the switch learns B on this port and
#        switches A -> B frames as known unicast rather than flooding them);
#        with no tx_pcap/tx_iface the pcap PMD frees and counts what it is
#        given, like net_null
# The rate is the out port's transmitted-packet count between the samples at
# --warmup and --warmup + --duration seconds after forwarding starts, divided
# by the wall-clock time between those two samples.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
DURATION=10
WARMUP=2
REPEATS=3
SIZE=64
LCORES=0-1
NO_HUGE=0
KEEP=0
TESTPMD=${TESTPMD:-dpdk-testpmd}
# Matches vswitchd's default pool, so both programs recycle the same number
# of mbufs (testpmd would otherwise size its pool for real NIC rings).
TP_MBUFS=16384
HUGEPAGES=512

usage() {
	sed -n '16,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}

die() {
	echo "baseline: $*" >&2
	exit 1
}

warn() {
	echo "baseline: warning: $*" >&2
}

posint() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1: expected a positive number, got '$2'"; }

while (($#)); do
	case $1 in
	--build) BUILD=$2; shift 2 ;;
	--duration) posint "$1" "$2"; DURATION=$2; shift 2 ;;
	--warmup) posint "$1" "$2"; WARMUP=$2; shift 2 ;;
	--repeats) posint "$1" "$2"; REPEATS=$2; shift 2 ;;
	--size) posint "$1" "$2"; SIZE=$2; shift 2 ;;
	--lcores) LCORES=$2; shift 2 ;;
	--no-huge) NO_HUGE=1; shift ;;
	--keep) KEEP=1; shift ;;
	-h | --help) usage 0 ;;
	*) echo "baseline: unknown option '$1'" >&2; usage 2 ;;
	esac
done
if ! [[ $LCORES =~ ^([0-9]+)-([0-9]+)$ ]] || ((BASH_REMATCH[2] != BASH_REMATCH[1] + 1)); then
	die "--lcores: expected two consecutive lcores such as 0-1 (main, forwarding)"
fi
MAIN_LCORE=${BASH_REMATCH[1]}

VSWITCHD=${VSWITCHD:-$BUILD/vswitch/vswitchd}
GEN=${VS_GEN_PCAP:-$BUILD/perf/vs-gen-pcap}
for b in "$VSWITCHD" "$GEN"; do
	[[ -x $b ]] || die "$b not found; build first: cmake -S . -B build && cmake --build build -j2 --target vswitchd vs-gen-pcap"
done
command -v "$TESTPMD" >/dev/null || die "$TESTPMD not found (Debian package dpdk)"
for t in taskset stdbuf; do command -v $t >/dev/null || die "$t not found"; done

WORK=$(mktemp -d /tmp/vsperf.XXXXXX)
PIDS=()     # every process this script started and may still have to end
PREFIXES=() # EAL file prefixes to tidy from /var/run/dpdk

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		if alive "$p"; then kill -INT "$p" 2>/dev/null || true; fi
	done
	sleep 0.5
	for p in "${PIDS[@]}"; do
		if alive "$p"; then kill -KILL "$p" 2>/dev/null || true; fi
	done
	for p in "${PREFIXES[@]}"; do
		rm -rf "/var/run/dpdk/$p"
	done
	if ((KEEP)); then
		echo "baseline: logs kept in $WORK" >&2
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
else
	warn "no usable hugepages (need root, or 512 MB of free 2 MB pages and a" \
		"hugetlbfs mount): running with --no-huge; absolute figures can be up to" \
		"half of what hugepages give, compare the ratio only"
	MEM_ARGS=(--no-huge -m 1024)
	MEM_DESC="no hugepages (--no-huge)"
fi

# --- workload --------------------------------------------------------------

MAC_A=02:00:00:00:00:01
MAC_B=02:00:01:00:00:01
"$GEN" -o "$WORK/traffic.pcap" --size "$SIZE" --count 1024 --src-mac $MAC_A --dst-mac $MAC_B
"$GEN" -o "$WORK/learn.pcap" --size "$SIZE" --count 1 --src-mac $MAC_B --dst-mac $MAC_A
# The same net_pcap devices on both sides: testpmd opens them from these
# devargs, vswitchd as two pcap ports (VM stand-ins on a private switch).
IN_DEV="net_pcap0,rx_pcap=$WORK/traffic.pcap,infinite_rx=1"
OUT_DEV="net_pcap1,rx_pcap=$WORK/learn.pcap"

cat >"$WORK/vswitch.json" <<EOF
{
  "datapath": { "workers": 1 },
  "switches": [ { "name": "sw0", "type": "private" } ],
  "ports": [
    { "switch": "sw0", "name": "in0", "kind": "pcap", "rx_pcap": "$WORK/traffic.pcap", "loop": true },
    { "switch": "sw0", "name": "out0", "kind": "pcap", "rx_pcap": "$WORK/learn.pcap" }
  ]
}
EOF

RUN_S=$((WARMUP + DURATION + 3))

# --- running ---------------------------------------------------------------

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

# True while process $1 exists and has not exited (a zombie has exited).
alive() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) && [[ -n $st ]] || return 1
	st=${st##*) }
	[[ ${st%% *} != Z ]]
}

# cpu_snap PID -> "BUSY STEAL TOTAL OURS" jiffies: busy, steal and total time
# of all CPUs since boot, and the CPU time of process PID.
cpu_snap() {
	local st u n sy id io irq sirq steal
	read -r _ u n sy id io irq sirq steal _ </proc/stat
	st=$(cat "/proc/$1/stat" 2>/dev/null) || st=
	st=${st##*) }
	read -r _ _ _ _ _ _ _ _ _ _ _ ut stime _ <<<"$st"
	echo $((u + n + sy + irq + sirq)) "$steal" $((u + n + sy + id + io + irq + sirq + steal)) \
		$((${ut:-0} + ${stime:-0}))
}

# interference SNAP1 SNAP2 -> "OTHER STEAL": percent of one CPU used by other
# processes (busy time not ours) and stolen by the hypervisor meanwhile.
interference() {
	awk -v ncpu="$(nproc)" 'NR == 1 {b = $1; s = $2; t = $3; o = $4}
		NR == 2 {w = ($3 - t) / ncpu; if (w <= 0) w = 1
			 printf "%.0f %.0f\n", (($1 - b) - ($4 - o)) / w * 100, ($2 - s) / w * 100}' \
		<(echo "$1") <(echo "$2")
}

# run NAME LOG CMD...: starts CMD (stdout+stderr time-stamped into LOG),
# lets it run RUN_S seconds, sends it SIGINT unless it has exited by itself,
# and waits for it (SIGKILL after 20 more seconds).
run() {
	local name=$1 log=$2 pid stamper i
	shift 2
	rm -f "$WORK/pid"
	(
		echo "$BASHPID" >"$WORK/pid"
		exec stdbuf -oL -eL "$@" </dev/null
	) 2>&1 | stamp >"$log" &
	stamper=$!
	for ((i = 0; i < 100; i++)); do
		[[ -s $WORK/pid ]] && break
		sleep 0.05
	done
	pid=$(<"$WORK/pid")
	PIDS+=("$pid")
	SNAP1='' SNAP2=''
	for ((i = 0; i < RUN_S * 10; i++)); do
		alive "$pid" || break
		((i == (WARMUP + 1) * 10)) && SNAP1=$(cpu_snap "$pid")
		((i == (WARMUP + DURATION + 1) * 10)) && SNAP2=$(cpu_snap "$pid")
		sleep 0.1
	done
	if [[ -n $SNAP1 && -n $SNAP2 ]]; then
		read -r OTHER STEAL < <(interference "$SNAP1" "$SNAP2")
	else
		OTHER='?' STEAL='?'
	fi
	if alive "$pid"; then kill -INT "$pid" 2>/dev/null || true; fi
	for ((i = 0; i < 200; i++)); do
		alive "$pid" || break
		sleep 0.1
	done
	if alive "$pid"; then
		warn "$name (pid $pid) ignored SIGINT; killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$stamper" || true
}

# Samples "ELAPSED TIME TX_PACKETS" of the out port: ELAPSED is seconds since
# forwarding started (approximately; only used to pick the samples), TIME the
# wall-clock time the sample was printed.
samples_vswitchd() {
	awk '$2 == "---" && $3 ~ /^[0-9]+s$/ {t = $1; e = $3 + 0; next}
	     e != "" && $3 == "out0" {print e, t, $6; e = ""}' "$1"
}

samples_testpmd() {
	# testpmd shows port statistics once when forwarding starts, then
	# every --stats-period as it measures time (which, on a VM whose TSC
	# rate it misjudges, may be every other second).
	awk '$2 == "Port" && $3 == "statistics" {t = $1; if (t0 == "") t0 = t; next}
	     $3 == "NIC" && $4 == "statistics" {port = $7; next}
	     /Forward statistics/ {port = ""; next}
	     $2 == "TX-packets:" && port == "1" {printf "%.3f %s %s\n", t - t0, t, $3; port = ""}' "$1"
}

# rate SAMPLES-FILE -> "MPPS SECONDS": from the first sample at least WARMUP
# seconds in to the later sample closest to DURATION seconds after it.
rate() {
	awk -v w="$WARMUP" -v d="$DURATION" '
	     {e[NR] = $1; t[NR] = $2; n[NR] = $3}
	     END {for (i = 1; i <= NR && e[i] < w - 0.1; i++);
		  if (i > NR) exit 1
		  best = 0
		  for (j = i + 1; j <= NR; j++) {
			  dj = t[j] - t[i] - d; if (dj < 0) dj = -dj
			  if (!best || dj < bd) {best = j; bd = dj}
		  }
		  if (!best || bd > 1.5) exit 1
		  printf "%.3f %.3f\n", (n[best] - n[i]) / (t[best] - t[i]) / 1e6, t[best] - t[i]}' "$1"
}

EAL=(-l "$LCORES" --no-pci "${MEM_ARGS[@]}" --log-level=lib.*:notice)
TP_MPPS=()
VS_MPPS=()
VS_VERSION=

echo "baseline: $SIZE-byte frames (incl. FCS), 1 forwarding lcore, $DURATION s after" \
	"$WARMUP s warm-up, $REPEATS runs each, $MEM_DESC"
NOISY=0
# More than a tenth of a CPU busy elsewhere (beyond this script's own line
# stamping, about 1%) can halve a run on two CPUs.
note_interference() {
	if [[ $OTHER == "?" ]] || ((OTHER > 10 || STEAL > 5)); then
		NOISY=1
	fi
}

check_quiet "before the runs"
for ((r = 1; r <= REPEATS; r++)); do
	p=vsperf-$$-tp$r
	PREFIXES+=("$p")
	log=$WORK/testpmd-$r.log
	run testpmd "$log" "$TESTPMD" "${EAL[@]}" --file-prefix "$p" \
		--vdev "$IN_DEV" --vdev "$OUT_DEV" -- \
		--forward-mode=io --stats-period 1 --total-num-mbufs=$TP_MBUFS
	rm -rf "/var/run/dpdk/$p"
	samples_testpmd "$log" >"$log.samples"
	read -r mpps secs < <(rate "$log.samples") || {
		tail -20 "$log" >&2
		die "testpmd run $r: no rate (see above)"
	}
	TP_MPPS+=("$mpps")
	echo "  run $r  testpmd io   $mpps Mpps over $secs s  (others: ${OTHER}% cpu, steal ${STEAL}%)"
	note_interference "testpmd run $r"

	p=vsperf-$$-vs$r
	PREFIXES+=("$p")
	log=$WORK/vswitchd-$r.log
	run vswitchd "$log" "$VSWITCHD" "${EAL[@]}" --file-prefix "$p" -- \
		--config "$WORK/vswitch.json" --rundir "$WORK/run" --workers 1 \
		--stats-interval 1 --exit-after "$RUN_S"
	rm -rf "/var/run/dpdk/$p"
	samples_vswitchd "$log" >"$log.samples"
	read -r mpps secs < <(rate "$log.samples") || {
		tail -20 "$log" >&2
		die "vswitchd run $r: no rate (see above)"
	}
	VS_MPPS+=("$mpps")
	# The frames must have been switched as known unicast, not flooded or
	# dropped: check the final counters of the ingress port.
	read -r uni flood drops < <(awk '/--- final counters/ {f = 1}
		f && $3 == "in0" {print $8, $9, $10; exit}' "$log")
	[[ -n ${VS_VERSION} ]] || VS_VERSION=$(awk '$2 == "vswitchd" {sub(/:$/, "", $5); print $2, $3, $4, $5; exit}' "$log")
	echo "  run $r  vswitchd     $mpps Mpps over $secs s  (others: ${OTHER}% cpu, steal ${STEAL}%;" \
		"in0: unicast $uni, flooded $flood, drops $drops)"
	note_interference "vswitchd run $r"
	if [[ $drops != - ]] || ((flood > 1000)); then
		warn "vswitchd run $r did not switch the frames as known unicast"
	fi
	check_quiet "after run $r"
done

# --- summary ---------------------------------------------------------------

stats() { # DIGITS values... -> "median min max"
	local d=$1
	shift
	printf '%s\n' "$@" | sort -g | awk -v d="$d" '{v[NR] = $1}
		END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		     f = "%." d "f %." d "f %." d "f\n"; printf f, m, v[1], v[NR]}'
}
read -r tp_med tp_min tp_max < <(stats 2 "${TP_MPPS[@]}")
read -r vs_med vs_min vs_max < <(stats 2 "${VS_MPPS[@]}")
RATIOS=()
for ((r = 0; r < REPEATS; r++)); do
	RATIOS+=("$(awk -v v="${VS_MPPS[r]}" -v t="${TP_MPPS[r]}" 'BEGIN {printf "%.4f", v / t}')")
done
read -r ra_med ra_min ra_max < <(stats 3 "${RATIOS[@]}")

echo
echo "$(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), ${VS_VERSION:-vswitchd}"
printf '%-22s %8s %8s %8s\n' "Mpps" median min max
printf '%-22s %8s %8s %8s\n' "testpmd io" "$tp_med" "$tp_min" "$tp_max"
printf '%-22s %8s %8s %8s\n' "vswitchd (learning)" "$vs_med" "$vs_min" "$vs_max"
printf '%-22s %8s %8s %8s\n' "ratio vswitchd/testpmd" "$ra_med" "$ra_min" "$ra_max"
echo "(ratio: per pair of consecutive runs)"
if ((NOISY)); then
	warn "other processes or the hypervisor took CPU time during some runs (see" \
		"'others' and 'steal' above): those figures are low; rerun on a quiet machine"
fi
