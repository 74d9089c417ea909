#!/bin/sh
# /init of the test guest (busybox ash, PID 1).  build-guest.sh puts it in
# the initramfs next to a static busybox and the NIC modules.
#
# Reads its job from the kernel command line (see README.md):
#   vs.ip=ADDR/PREFIX  static address on eth0 (none: no address)
#   vs.mode=MODE       ping | arping | udhcpc | udhcpd | serve | run
#                      (default: ping with vs.peer, run with vs.run, else serve)
#   vs.peer=IP         whom ping and arping talk to
#   vs.count=N         ping: echo requests counted (3); udhcpd: leases to hand out (1)
#   vs.interval=S      ping: seconds between counted requests (0.5)
#   vs.wait=N          seconds: ping/arping/udhcpc give up on a first answer
#                      after N (30); serve/udhcpd stay up N (60)
#   vs.range=A-B       udhcpd: the pool (default .100-.199 of vs.ip's /24)
#   vs.run="CMD"       run: a shell command; ok when it exits 0
#   vs.ipv6=1          keep IPv6 (off by default: no RS/MLD noise)
# and prints, on the serial console:
#   VSGUEST READY nic=DRIVER mac=MAC ip=ADDR t=SECONDS   once eth0 is usable
#   VSGUEST RESULT ok|fail mode=MODE key=value... t=SECONDS
# then powers off.  t= is the guest's uptime.
PATH=/bin
export PATH
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /tmp /run
exec </dev/console >/dev/console 2>&1

now() { read -r up _ </proc/uptime; echo "${up%.*}"; }
stamp() { read -r up _ </proc/uptime; echo "$up"; }

finished=""
result() {
	finished=1
	echo "VSGUEST RESULT $* t=$(stamp)"
	# Let the UART drain before the machine goes away.
	sleep 0.2
	poweroff -f
	sleep 5
}
trap '[ -n "$finished" ] || result fail mode=${VS_mode:-?} reason=init-exited' EXIT

# vs.key=value parameters; xargs undoes the kernel command line's quoting.
xargs -n1 </proc/cmdline >/tmp/cmdline 2>/dev/null
while IFS= read -r arg; do
	case $arg in
	vs.*=*)
		key=${arg%%=*}
		key=${key#vs.}
		case $key in
		*[!a-z0-9_]* | "") continue ;;
		esac
		eval "VS_$key=\${arg#*=}"
		;;
	esac
done </tmp/cmdline

if [ -z "${VS_mode:-}" ]; then
	if [ -n "${VS_peer:-}" ]; then VS_mode=ping
	elif [ -n "${VS_run:-}" ]; then VS_mode=run
	else VS_mode=serve
	fi
fi
count=${VS_count:-}
case $VS_mode in
serve | udhcpd) wait_s=${VS_wait:-60} ;;
*) wait_s=${VS_wait:-30} ;;
esac

if [ "${VS_ipv6:-0}" != 1 ] && [ -d /proc/sys/net/ipv6 ]; then
	echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
	echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6
fi

# Modules in dependency order, resolved when the initramfs was built.
while read -r mod; do
	insmod "/lib/modules/$mod.ko" || echo "vsguest: insmod $mod failed"
done </etc/vsguest/modules

i=0
while [ ! -e /sys/class/net/eth0 ]; do
	i=$((i + 1))
	[ $i -gt 50 ] && result fail mode="$VS_mode" reason=no-eth0
	sleep 0.1
done
nic=$(basename "$(readlink /sys/class/net/eth0/device/driver)" 2>/dev/null)
mac=$(cat /sys/class/net/eth0/address)
ip link set lo up
ip link set eth0 up
[ -n "${VS_ip:-}" ] && ip addr add "$VS_ip" dev eth0

# Carrier: e1000 reports link about 2 s after enabling unless QEMU has
# autonegotiation=off; rtl8139 and virtio at once.
t_up=$(now)
until [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ]; do
	[ $(($(now) - t_up)) -ge 15 ] && result fail mode="$VS_mode" nic="$nic" reason=no-carrier
	sleep 0.1
done
echo "VSGUEST READY nic=$nic mac=$mac ip=${VS_ip:-none} t=$(stamp)"
info="mode=$VS_mode nic=$nic mac=$mac"

need_peer() { [ -n "${VS_peer:-}" ] || result fail "$info" reason=no-vs.peer; }

case $VS_mode in
ping)
	need_peer
	count=${count:-3}
	# Never count the first packets: QEMU's e1000 ignores received frames
	# for about a second after every receive-control write, and the peer
	# may still be booting.  Wait for one reply, then count.
	t0=$(now)
	until ping -c 1 -W 1 -q "$VS_peer" >/dev/null 2>&1; do
		[ $(($(now) - t0)) -ge "$wait_s" ] && result fail "$info" peer="$VS_peer" reason=no-first-reply
		sleep 0.2
	done
	first=$(($(now) - t0))
	ping -c "$count" -i "${VS_interval:-0.5}" -W 2 -q "$VS_peer" >/tmp/ping 2>&1
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' /tmp/ping)
	recv=$(sed -n 's/.* \([0-9]*\) packets received.*/\1/p' /tmp/ping)
	rtt=$(sed -n 's|^round-trip min/avg/max = [^/]*/\([^/]*\)/.*|\1|p' /tmp/ping)
	set -- "$info" peer="$VS_peer" sent="${sent:-0}" received="${recv:-0}" rtt_avg_ms="${rtt:-none}" first_reply_s="$first"
	if [ "${sent:-0}" = "$count" ] && [ "${recv:-0}" = "$count" ]; then
		result ok "$@"
	fi
	result fail "$@" reason=loss
	;;
arping)
	need_peer
	t0=$(now)
	until arping -f -c 1 -w 1 -I eth0 "$VS_peer" >/tmp/arping 2>&1; do
		[ $(($(now) - t0)) -ge "$wait_s" ] && result fail "$info" peer="$VS_peer" reason=no-arp-reply
		sleep 0.2
	done
	pmac=$(sed -n 's/.*reply from [^ ]* \[\([^]]*\)\].*/\1/p' /tmp/arping | head -n1)
	result ok "$info" peer="$VS_peer" peer_mac="${pmac:-?}"
	;;
udhcpc)
	cat >/tmp/udhcpc.sh <<-'EOF'
	#!/bin/sh
	[ "$1" = bound ] || [ "$1" = renew ] || exit 0
	ip addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	echo "$ip $serverid" >/tmp/lease
	EOF
	chmod +x /tmp/udhcpc.sh
	tries=$((wait_s / 3))
	[ "$tries" -ge 1 ] || tries=1
	if udhcpc -i eth0 -f -q -n -t "$tries" -T 3 -s /tmp/udhcpc.sh >/tmp/udhcpc.log 2>&1 &&
		read -r lip lsrv </tmp/lease; then
		result ok "$info" ip="$lip" server="$lsrv"
	fi
	result fail "$info" reason=no-lease
	;;
udhcpd)
	[ -n "${VS_ip:-}" ] || result fail "$info" reason=udhcpd-needs-vs.ip
	base=${VS_ip%/*}
	base=${base%.*}
	range=${VS_range:-$base.100-$base.199}
	want=${count:-1}
	cat >/tmp/udhcpd.conf <<-EOF
	start ${range%-*}
	end ${range#*-}
	interface eth0
	lease_file /tmp/udhcpd.leases
	auto_time 1
	option subnet 255.255.255.0
	option lease 600
	EOF
	touch /tmp/udhcpd.leases
	udhcpd -f /tmp/udhcpd.conf >/tmp/udhcpd.log 2>&1 &
	t0=$(now)
	while [ $(($(now) - t0)) -lt "$wait_s" ]; do
		sleep 1
		n=$(dumpleases -f /tmp/udhcpd.leases 2>/dev/null | grep -c '^[0-9a-fA-F][0-9a-fA-F]:')
		[ "$n" -ge "$want" ] && result ok "$info" leases="$n"
	done
	result fail "$info" leases="${n:-0}" reason=too-few-leases
	;;
serve)
	# Answer (the kernel does) for vs.wait seconds, then report counters.
	sleep "$wait_s"
	st=/sys/class/net/eth0/statistics
	result ok "$info" rx_packets="$(cat $st/rx_packets)" tx_packets="$(cat $st/tx_packets)"
	;;
run)
	[ -n "${VS_run:-}" ] || result fail "$info" reason=no-vs.run
	sh -c "$VS_run"
	rc=$?
	[ $rc -eq 0 ] && result ok "$info" rc=0
	result fail "$info" rc=$rc
	;;
*)
	result fail "$info" reason=unknown-mode
	;;
esac
