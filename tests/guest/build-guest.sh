#!/bin/sh
# build-guest.sh [CACHE_DIR]
#
# Builds the tiny test guest into CACHE_DIR (default $VS_GUEST_CACHE, else
# build/guest-cache at the top of the checkout):
#   CACHE_DIR/kernel     Debian's linux-image-amd64, as an uncompressed ELF
#                        vmlinux that QEMU boots through its PVH entry
#                        (the bzImage itself if it has no PVH note)
#   CACHE_DIR/initrd.gz  static busybox, the NIC modules and init.sh as /init
#   CACHE_DIR/guest.env  what was built from what (KVER=..., KERNEL_DEB=...)
# The kernel package is fetched with `apt-get download` (running
# `apt-get update` only if that fails) and unpacked with dpkg-deb -x, never
# installed.  Idempotent: the .deb stays in CACHE_DIR/debs and nothing is
# rebuilt while its inputs (kernel package, busybox, init.sh, module list,
# this script) are unchanged, so a warm run takes well under a second and
# needs no network.
#
# Environment: VS_GUEST_KERNEL_DEB=FILE uses that linux-image .deb instead of
# downloading one.  Needs dpkg-deb, apt-get, modinfo (kmod), cpio, gzip, xz,
# busybox-static.  Exit status: 0 built or up to date, 1 error, 77 the kernel
# package could not be fetched (no mirror reachable).
set -eu
LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-${VS_GUEST_CACHE:-$here/../../build/guest-cache}}
mkdir -p "$cache/debs"
cache=$(cd "$cache" && pwd)

# Modules per NIC model, each list in load order of what the model needs;
# dependencies are resolved again below, so the order here is only a hint.
MODULES="e1000 mii 8139cp 8139too virtio_pci virtio_net"

log() { echo "build-guest: $*" >&2; }
die() { log "$*"; exit 1; }

for tool in dpkg-deb modinfo cpio gzip xz; do
	command -v "$tool" >/dev/null 2>&1 || die "missing $tool (scripts/install-deps.sh installs it)"
done
busybox=""
for b in /bin/busybox /usr/bin/busybox; do
	if [ -x "$b" ] && "$b" --list 2>/dev/null | grep -qx insmod && ! ldd "$b" >/dev/null 2>&1; then
		busybox=$b
		break
	fi
done
[ -n "$busybox" ] || die "no static busybox (install busybox-static)"

# One build at a time per cache (two ctest trees may share one).
exec 9>"$cache/.lock"
flock 9

# fetch PACKAGE: downloads PACKAGE's .deb into debs/ and prints its path.
fetch() {
	(cd "$cache/debs" &&
		if [ "$(id -u)" -eq 0 ]; then
			apt-get -q -o APT::Sandbox::User=root download "$1"
		else
			apt-get -q download "$1"
		fi) >&2 || return 1
	ls -t "$cache/debs/$1"_*.deb | head -n1
}

fetch_or_update() {
	fetch "$1" && return 0
	if [ "$(id -u)" -eq 0 ]; then
		log "apt-get download $1 failed; running apt-get update once"
		apt-get -q update >&2 || true
		fetch "$1" && return 0
	fi
	return 1
}

# The kernel: the cached image package if any, else resolve the
# linux-image-amd64 metapackage to the image package it depends on.
deb=${VS_GUEST_KERNEL_DEB:-}
if [ -z "$deb" ]; then
	deb=$(ls -t "$cache/debs"/linux-image-[0-9]*-amd64_*.deb 2>/dev/null | head -n1 || true)
fi
if [ -z "$deb" ]; then
	log "fetching linux-image-amd64"
	meta=$(fetch_or_update linux-image-amd64) || { log "cannot download linux-image-amd64"; exit 77; }
	image=$(dpkg-deb -f "$meta" Depends | tr ',' '\n' | sed -n 's/^ *\(linux-image-[0-9][^ ]*\).*/\1/p' | head -n1)
	[ -n "$image" ] || die "cannot read the image package from $meta"
	deb=$(fetch_or_update "$image") || { log "cannot download $image"; exit 77; }
fi
[ -r "$deb" ] || die "cannot read $deb"

bb_sum=$(sha256sum <"$busybox" | cut -d' ' -f1)
inputs=$(printf '%s\n' "$(basename "$deb")" "$bb_sum" "$MODULES" |
	cat - "$here/init.sh" "$here/extract-vmlinux.sh" "$0" | sha256sum | cut -d' ' -f1)
if [ -s "$cache/kernel" ] && [ -s "$cache/initrd.gz" ] && [ -f "$cache/guest.env" ] &&
	grep -qx "INPUTS=$inputs" "$cache/guest.env"; then
	log "up to date in $cache"
	exit 0
fi

scratch=$(mktemp -d "$cache/scratch.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
log "unpacking $(basename "$deb")"
dpkg-deb -x "$deb" "$scratch/root"
bzimage=$(ls "$scratch/root/boot"/vmlinuz-* | head -n1)
kver=${bzimage##*/vmlinuz-}
moddir=$scratch/root/lib/modules/$kver
[ -d "$moddir" ] || die "no modules for $kver in $deb"

# The kernel, uncompressed for PVH boot when it carries the PVH entry note
# (XEN_ELFNOTE_PHYS32_ENTRY, type 0x12); otherwise QEMU needs the bzImage.
kind=bzImage
if "$here/extract-vmlinux.sh" "$bzimage" "$scratch/vmlinux"; then
	if ! command -v readelf >/dev/null 2>&1 ||
		readelf -n "$scratch/vmlinux" | grep -q 'Xen.*(0x00000012)'; then
		kind=pvh-elf
	fi
fi
if [ "$kind" = pvh-elf ]; then
	mv -f "$scratch/vmlinux" "$scratch/kernel"
else
	log "no PVH ELF kernel in $bzimage: QEMU will boot the bzImage (slower)"
	cp "$bzimage" "$scratch/kernel"
fi

# Modules: every file once, dependencies first (modinfo -F depends works on
# a file, so the guest needs neither depmod nor modprobe).
find "$moddir" -name '*.ko*' >"$scratch/allmods"
modfile() {
	n=$(echo "$1" | tr - _)
	awk -v n="$n" '{ b = $0; sub(/.*\//, "", b); sub(/\.ko(\..*)?$/, "", b); gsub(/-/, "_", b);
		if (b == n) { print; exit } }' "$scratch/allmods"
}
: >"$scratch/order"
add_module() {
	grep -qx "$1" "$scratch/order" && return 0
	f=$(modfile "$1")
	[ -n "$f" ] || die "module $1 not in $kver (the cloud flavour lacks NIC drivers)"
	for dep in $(modinfo -F depends "$f" | tr ',' ' '); do
		add_module "$(echo "$dep" | tr - _)"
	done
	echo "$1" >>"$scratch/order"
}
for m in $MODULES; do
	add_module "$(echo "$m" | tr - _)"
done

# The initramfs tree.
ir=$scratch/initramfs
mkdir -p "$ir/bin" "$ir/dev" "$ir/proc" "$ir/sys" "$ir/tmp" "$ir/run" \
	"$ir/etc/vsguest" "$ir/lib/modules"
ln -s bin "$ir/sbin"
ln -s . "$ir/usr"
cp "$busybox" "$ir/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$ir/bin/$applet"
done
install -m 0755 "$here/init.sh" "$ir/init"
cp "$scratch/order" "$ir/etc/vsguest/modules"
while read -r m; do
	f=$(modfile "$m")
	case $f in
	*.ko) cp "$f" "$ir/lib/modules/$m.ko" ;;
	*.ko.xz) xz -dc "$f" >"$ir/lib/modules/$m.ko" ;;
	*.ko.gz) gzip -dc "$f" >"$ir/lib/modules/$m.ko" ;;
	*.ko.zst) zstd -dcq "$f" >"$ir/lib/modules/$m.ko" ;;
	*) die "unknown module file $f" ;;
	esac
done <"$scratch/order"
# The kernel's built-in initramfs has /dev/console already; add it anyway
# when allowed, for kernels built without one.
mknod -m 600 "$ir/dev/console" c 5 1 2>/dev/null || true
(cd "$ir" && find . | sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9n >"$scratch/initrd.gz"

mv -f "$scratch/kernel" "$cache/kernel"
mv -f "$scratch/initrd.gz" "$cache/initrd.gz"
cat >"$cache/guest.env" <<EOF
KVER=$kver
KERNEL_DEB=$(basename "$deb")
KERNEL_KIND=$kind
MODULES=$(tr '\n' ' ' <"$scratch/order")
INPUTS=$inputs
EOF
log "built $cache/kernel ($kind, $kver) and initrd.gz ($(wc -c <"$cache/initrd.gz") bytes; modules: $(tr '\n' ' ' <"$scratch/order"))"
