#!/bin/sh
# Installs what building and testing vswitch needs from Debian's packages.
# Idempotent: when everything is present it does not call apt-get at all.
set -eu

PKGS="build-essential cmake pkg-config git
libdpdk-dev dpdk-dev libpcap-dev libnl-3-dev libnl-route-3-dev libcjson-dev libcunit1-dev
iproute2 iputils-ping tcpdump iperf3 arping python3 procps
qemu-system-x86 busybox-static cpio kmod xz-utils util-linux
groff-base gnuplot-nox
clang libclang-rt-14-dev"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
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
