#!/bin/sh
# Installs what building and testing vswitch needs from Debian's packages.
# Idempotent: when everything is present it does not call apt-get at all.
#
#   scripts/install-deps.sh
#
# It includes what perf/peers/peers.sh compares vswitchd against besides
# dpdk-testpmd: Open vSwitch with DPDK (openvswitch-switch-dpdk, which pulls
# openvswitch-switch), exercised by the test suite too.  The peers script
# runs its own private ovsdb-server and ovs-vswitchd; the Debian service is
# left stopped and disabled so that no system-wide ovs-vswitchd runs.
set -eu

PKGS="build-essential cmake pkg-config git
libdpdk-dev dpdk-dev libpcap-dev libnl-3-dev libnl-route-3-dev libcjson-dev libcunit1-dev
iproute2 iputils-ping tcpdump ethtool iperf3 arping python3 procps
qemu-system-x86 busybox-static cpio kmod xz-utils util-linux
groff-base gnuplot-nox
clang libclang-rt-14-dev
openvswitch-switch-dpdk"

for a in "$@"; do
	case $a in
	-h | --help)
		sed -n '5,11p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "install-deps: unknown option '$a' (see --help)" >&2
		exit 2
		;;
	esac
done

# The Debian openvswitch-switch service must not run: the peers measurement
# starts its own daemons on its own cores.  Stops it if the package install
# (or an earlier boot) started it, and disables it where an init system
# manages it.
stop_ovs_service() {
	[ -e /etc/init.d/openvswitch-switch ] || [ -e /lib/systemd/system/openvswitch-switch.service ] ||
		return 0
	if [ -d /run/systemd/system ]; then
		systemctl disable --now openvswitch-switch.service ovs-vswitchd.service \
			ovsdb-server.service >/dev/null 2>&1 || true
	else
		# No systemd running: stop the SysV service if it runs, and disable
		# both (systemctl disable works on the unit files offline).
		if [ -s /var/run/openvswitch/ovs-vswitchd.pid ] || [ -s /var/run/openvswitch/ovsdb-server.pid ]; then
			/etc/init.d/openvswitch-switch stop || true
		fi
		if command -v systemctl >/dev/null 2>&1; then
			systemctl disable openvswitch-switch.service >/dev/null 2>&1 || true
		fi
		if command -v update-rc.d >/dev/null 2>&1; then
			update-rc.d openvswitch-switch disable >/dev/null 2>&1 || true
		fi
	fi
	echo "install-deps: the openvswitch-switch service is stopped and disabled" \
		"(perf/peers/peers.sh runs private daemons)"
}

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	if [ "$(id -u)" -eq 0 ]; then
		stop_ovs_service
	fi
	exit 0
fi

echo "install-deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing </dev/null
stop_ovs_service
