#!/bin/sh
# extract-vmlinux.sh BZIMAGE OUT
#
# Writes the uncompressed ELF kernel that is packed inside an x86 bzImage,
# so that QEMU can boot it through its PVH entry point (-kernel vmlinux)
# instead of running the real-mode setup code, which costs seconds under TCG.
#
# How: a bzImage is the real-mode setup (setup_sects + 1 sectors of 512
# bytes) followed by the protected-mode part, whose decompressor carries the
# compressed kernel.  The boot protocol (2.08 and later) says where that
# payload is: payload_offset (le32 at 0x248) from the start of the
# protected-mode part, payload_length (le32 at 0x24c) bytes long, the format
# recognisable by its first bytes.  The kernel's build appends the
# uncompressed size as four more bytes, so every decompressor is told to stop
# at the end of its first stream, or its complaint about trailing data is
# ignored; what counts is that the output is an ELF file.  If the header is
# missing or wrong, every place where a known magic appears is tried in turn.
#
# Needs: od, dd/tail/head, and the decompressor of the payload's format
# (xz for Debian's kernels; gzip, bzip2, lzop, lz4 or zstd for others).
# Exit status: 0 written, 1 no ELF kernel found, 2 usage.
set -u
LC_ALL=C
export LC_ALL

[ $# -eq 2 ] || { echo "usage: $0 BZIMAGE OUT" >&2; exit 2; }
in=$1 out=$2
[ -r "$in" ] || { echo "extract-vmlinux: cannot read $in" >&2; exit 2; }

hex() { od -An -v -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'; }
le32() { od -An -v -tu4 --endian=little -j "$2" -N 4 "$1" | tr -d ' \n'; }
u8() { od -An -v -tu1 -j "$2" -N 1 "$1" | tr -d ' \n'; }

is_elf() { [ -s "$1" ] && [ "$(hex "$1" 0 4)" = 7f454c46 ]; }

# decompressor_for HEXPREFIX: the command that decompresses a stream with
# that magic from stdin to stdout, or nothing.
decompressor_for() {
	case $1 in
	fd377a585a00*) echo "xz -dc --single-stream" ;;
	1f8b*) echo "gzip -dc" ;;
	28b52ffd*) echo "zstd -dcq" ;;
	425a68*) echo "bzip2 -dc" ;;
	5d0000*) echo "xz -dc --format=lzma --single-stream" ;;
	894c5a4f*) echo "lzop -dc" ;;
	02214c18*) echo "lz4 -dc" ;;
	esac
}

tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT

# try OFFSET [LENGTH]: decompresses the stream at OFFSET into $tmp; true if
# the result is an ELF file.
try() {
	magic=$(hex "$in" "$1" 8)
	cmd=$(decompressor_for "$magic")
	[ -n "$cmd" ] || return 1
	set -- "$1" "${2:-}" "$cmd"
	if [ -n "$2" ]; then
		tail -c +"$(($1 + 1))" "$in" | head -c "$2" | $3 >"$tmp" 2>/dev/null
	else
		tail -c +"$(($1 + 1))" "$in" | $3 >"$tmp" 2>/dev/null
	fi
	is_elf "$tmp"
}

done_with() {
	mv -f "$tmp" "$out"
	echo "extract-vmlinux: $1" >&2
	exit 0
}

if is_elf "$in"; then
	cp -f "$in" "$tmp" && done_with "$in is already an ELF kernel"
fi

# The boot protocol's header.
if [ "$(hex "$in" $((0x202)) 4)" = 48647253 ]; then # "HdrS"
	version=$(od -An -v -tu2 --endian=little -j $((0x206)) -N 2 "$in" | tr -d ' \n')
	sects=$(u8 "$in" $((0x1f1)))
	[ "$sects" -eq 0 ] && sects=4
	if [ "$version" -ge $((0x208)) ]; then
		off=$(( (sects + 1) * 512 + $(le32 "$in" $((0x248))) ))
		len=$(le32 "$in" $((0x24c)))
		if try "$off" "$len"; then
			done_with "payload at $off ($len bytes, magic $(hex "$in" "$off" 4)) per the boot header"
		fi
	fi
fi

# No usable header: look for every known magic and try each place.
for pattern in '\xfd\x37\x7a\x58\x5a\x00' '\x1f\x8b\x08' '\x28\xb5\x2f\xfd' \
	'\x42\x5a\x68' '\x5d\x00\x00' '\x89\x4c\x5a\x4f' '\x02\x21\x4c\x18'; do
	for off in $(grep -obUaP "$pattern" "$in" 2>/dev/null | cut -d: -f1); do
		if try "$off"; then
			done_with "payload found by scanning at $off"
		fi
	done
done

echo "extract-vmlinux: no compressed ELF kernel found in $in" >&2
exit 1
