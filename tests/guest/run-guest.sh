#!/bin/bash
# run-guest.sh --tap IFNAME [options] [-- GUEST-PARAMETER...]
# run-guest.sh --wait LOG [--pid PID] [--for result|ready] [--timeout S]
#
# Boots the test guest (build-guest.sh) under QEMU with one emulated NIC on
# the existing tap IFNAME, QEMU running as an unprivileged user that needs
# no privileges to attach: the tap is persistent and owned by that user (or
# its group).  The guest's serial console goes to a log file; its job is
# given as vs.* kernel parameters (see init.sh), e.g.
#   run-guest.sh --tap vm1 --model e1000 -- vs.ip=10.0.0.2/24 vs.peer=10.0.0.3
#
# Options:
#   --tap IFNAME       the tap to attach to (required)
#   --model M          e1000 (default), rtl8139, virtio-net-pci, or any QEMU NIC
#   --mac MAC          the NIC's MAC (default: 52:54:00 plus a hash of IFNAME)
#   --user USER        run QEMU as USER (default: the caller; nobody if root)
#   --log FILE         serial log (default: a new file under /tmp)
#   --timeout S        seconds to wait for the result line (default 90)
#   --cache DIR        where build-guest.sh put the guest (default as there)
#   --mem MB           guest memory (default 256)
#   --vnet-hdr on|off  QEMU's tap vnet_hdr (default: off for virtio, QEMU's
#                      default otherwise)
#   --background       start the guest and print its PID (QEMU's own); wait
#                      for it later with --wait LOG --pid PID
#   --dry-run          print the QEMU command line and exit
# Waiting (--wait LOG): until LOG has the line (--for result, the default, or
# ready), QEMU exits (--pid) or the timeout passes.
#
# Prints the guest's "VSGUEST RESULT ..." line.  Exit status: 0 ok, 1 the
# guest reported fail, 2 usage, 3 no result (timeout, QEMU died; the log's
# tail goes to stderr).
# Environment: VS_GUEST_CACHE, VS_GUEST_ACCEL (kvm|tcg: skip detection),
# QEMU (default qemu-system-x86_64).
set -u
here=$(cd "$(dirname "$0")" && pwd)

usage() { sed -n '2,3p' "$0" | sed 's/^# //' >&2; exit 2; }
die() { echo "run-guest: $*" >&2; exit 2; }

tap="" model=e1000 mac="" user="" log="" timeout=90 mem=256 vnet_hdr=""
cache=${VS_GUEST_CACHE:-$here/../../build/guest-cache}
background=0 dry=0 wait_log="" wait_pid="" wait_for=result
while [ $# -gt 0 ]; do
	case $1 in
	--tap) tap=${2:-}; shift ;;
	--model) model=${2:-}; shift ;;
	--mac) mac=${2:-}; shift ;;
	--user) user=${2:-}; shift ;;
	--log) log=${2:-}; shift ;;
	--timeout) timeout=${2:-}; shift ;;
	--cache) cache=${2:-}; shift ;;
	--mem) mem=${2:-}; shift ;;
	--vnet-hdr) vnet_hdr=${2:-}; shift ;;
	--background) background=1 ;;
	--dry-run) dry=1 ;;
	--wait) wait_log=${2:-}; shift ;;
	--pid) wait_pid=${2:-}; shift ;;
	--for) wait_for=${2:-}; shift ;;
	--) shift; break ;;
	-h | --help) usage ;;
	*) die "unknown option $1" ;;
	esac
	shift || usage
done

# wait_for_line LOG PID TIMEOUT WHAT: prints the line; 0 ok, 1 fail, 3 none.
wait_for_line() {
	local logf=$1 pid=$2 limit=$3 what=$4 pattern line end
	case $what in
	result) pattern='VSGUEST RESULT (ok|fail)' ;;
	ready) pattern='VSGUEST (READY|RESULT fail)' ;;
	*) die "--for result or ready" ;;
	esac
	end=$((SECONDS + limit))
	while :; do
		line=$(grep -aEo "$pattern.*" "$logf" 2>/dev/null | head -n1 | tr -d '\r')
		if [ -n "$line" ]; then
			echo "$line"
			case $line in *" fail"*) return 1 ;; esac
			return 0
		fi
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			# QEMU is gone; the line may have landed just before.
			grep -aqE "$pattern" "$logf" 2>/dev/null && continue
			echo "run-guest: QEMU (pid $pid) exited without a $what line; log $logf:" >&2
			tail -n 15 "$logf" >&2
			return 3
		fi
		if [ "$SECONDS" -ge "$end" ]; then
			echo "run-guest: no $what line after ${limit}s; log $logf:" >&2
			tail -n 15 "$logf" >&2
			return 3
		fi
		sleep 0.2
	done
}

# gone PID: waits up to 10 s for the guest's own power-off to end QEMU.
gone() {
	for _ in $(seq 1 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

if [ -n "$wait_log" ]; then
	wait_for_line "$wait_log" "$wait_pid" "$timeout" "$wait_for"
	rc=$?
	# After a result the tap is free again only once QEMU has exited.
	[ "$wait_for" = result ] && [ -n "$wait_pid" ] && [ $rc -ne 3 ] && gone "$wait_pid"
	exit $rc
fi

[ -n "$tap" ] || usage
[ -e "/sys/class/net/$tap" ] || die "no interface $tap"
qemu=${QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null 2>&1 || die "no $qemu (install qemu-system-x86)"
if [ ! -s "$cache/kernel" ] || [ ! -s "$cache/initrd.gz" ]; then
	die "no guest in $cache: run build-guest.sh first"
fi

if [ -z "$mac" ]; then
	h=$(printf '%s' "$tap" | cksum | cut -d' ' -f1)
	mac=$(printf '52:54:00:%02x:%02x:%02x' $((h >> 16 & 255)) $((h >> 8 & 255)) $((h & 255)))
fi
if [ -z "$log" ]; then
	log=$(mktemp "/tmp/vsguest-$tap.XXXXXX.log")
fi

# Who runs QEMU.  As root, never root unless asked: QEMU must get at the
# switch's tap as the owner the switch gave it.
me=$(id -un)
[ -n "$user" ] || { [ "$(id -u)" -eq 0 ] && user=nobody || user=$me; }
as_user=()
if [ "$user" != "$me" ]; then
	[ "$(id -u)" -eq 0 ] || die "only root can run QEMU as $user"
	id "$user" >/dev/null 2>&1 || die "no user $user"
	as_user=(setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups
		--inh-caps=-all --bounding-set=-all --no-new-privs --)
fi

# TCG unless the CPU can virtualise and the user may open /dev/kvm: without
# vmx/svm a KVM guest hangs even where /dev/kvm exists.
accel=${VS_GUEST_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	if grep -qwE 'vmx|svm' /proc/cpuinfo && [ -e /dev/kvm ] &&
		"${as_user[@]}" test -r /dev/kvm -a -w /dev/kvm 2>/dev/null; then
		accel=kvm
	fi
fi
cpu=()
[ "$accel" = kvm ] && cpu=(-cpu host)

# The NIC: romfile= skips loading iPXE; e1000's autonegotiation=off brings
# the link up at once instead of ~2 s later.  virtio needs vnet_hdr=off:
# with it the tap's kernel end sees GSO frames far above the MTU, which
# net_af_packet cannot take.
case $model in
e1000 | e1000-82544gc | e1000-82545em) dev="$model,autonegotiation=off" ;;
virtio | virtio-net | virtio-net-pci) dev=virtio-net-pci; vnet_hdr=${vnet_hdr:-off} ;;
*) dev=$model ;;
esac
netdev="tap,id=n0,ifname=$tap,script=no,downscript=no"
[ -n "$vnet_hdr" ] && netdev="$netdev,vnet_hdr=$vnet_hdr"

# QEMU as another user reads the kernel and initrd through descriptors this
# shell opened, so the cache's folders need not be open to that user.  The
# serial console is QEMU's stdout, which this shell sends to the log.
kernel=$cache/kernel initrd=$cache/initrd.gz
if [ ${#as_user[@]} -gt 0 ]; then
	kernel=/proc/self/fd/7 initrd=/proc/self/fd/8
fi
append="console=ttyS0 quiet panic=-1 $*"
cmd=("$qemu" -nodefaults -nographic -no-reboot -m "$mem" -accel "$accel" "${cpu[@]}"
	-kernel "$kernel" -initrd "$initrd" -append "$append"
	-serial stdio
	-netdev "$netdev"
	-device "$dev,netdev=n0,mac=$mac,romfile=")

if [ "$dry" -eq 1 ]; then
	printf '%q ' "${as_user[@]}" "${cmd[@]}"
	echo
	exit 0
fi

: >"$log" || die "cannot write $log"
echo "run-guest: $model mac=$mac on $tap as $user, $accel; log $log" >&2
"${as_user[@]}" "${cmd[@]}" 7<"$cache/kernel" 8<"$cache/initrd.gz" </dev/null >>"$log" 2>&1 &
pid=$!

if [ "$background" -eq 1 ]; then
	# QEMU refuses a tap it cannot attach within a few hundred ms.
	sleep 0.5
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "run-guest: QEMU exited at once; log $log:" >&2
		tail -n 5 "$log" >&2
		exit 3
	fi
	echo "$pid"
	exit 0
fi

wait_for_line "$log" "$pid" "$timeout" result
rc=$?
# The guest powers itself off after its result; make sure QEMU is gone.
gone "$pid" || kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
exit "$rc"
