/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shim's descriptors: /dev/uio0 (open, maps, interrupt mask, reads)
 * and the no-huge heap's memfd, both backed by the channel file.  Apart
 * from shim_sysfs.c because the PMD finds the device there but maps its
 * rings, buffers and heap here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim_priv.h"

REAL(int, open, const char *, int, ...)
REAL(int, open64, const char *, int, ...)
REAL(int, __open_2, const char *, int)
REAL(int, __open64_2, const char *, int)
REAL(int, close, int)
REAL(ssize_t, read, int, void *, size_t)
REAL(ssize_t, write, int, const void *, size_t)
REAL(void *, mmap, void *, size_t, int, int, int, off_t)
REAL(int, memfd_create, const char *, unsigned int)
REAL(int, ftruncate, int, off_t)
REAL(int, fstat, int, struct stat *)
REAL(int, fstat64, int, struct stat64 *)

/* ---- /dev/uio0 ---- */

static int
fake_open(const char *path, int flags)
{
	int fd;

	if (strcmp(path, "/dev/uio0") != 0) {
		if (shim_find_file(path) != NULL)
			shim_die("open(%s): the shim serves sysfs files through fopen only", path);
		if (shim_known_absent(path)) {
			errno = ENOENT;
			return -1;
		}
		shim_unknown("open", path);
	}
	if (!vs_shim.opened)
		shim_die("open(/dev/uio0) before the PMD read the map names");
	/* A real descriptor, so that the number is the caller's until
	 * close; reads, writes and mmaps on it are the shim's. */
	resolve_open();
	fd = real_open("/dev/null", O_RDWR | (flags & O_CLOEXEC));
	if (fd >= MAX_FD)
		shim_die("descriptor %d beyond the shim's table", fd);
	if (fd >= 0)
		vs_shim.kind[fd] = FD_UIO;
	return fd;
}

/* Which of libc's four opens a call came through: the shim answers its
 * own paths whichever it was, and hands the rest to the same one. */
enum open_kind { OPEN, OPEN64, OPEN_2, OPEN64_2 };

static int
open_any(enum open_kind k, const char *path, int flags, mode_t mode)
{
	if (shim_ours(path))
		return fake_open(path, flags);
	switch (k) {
	case OPEN:
		resolve_open();
		return real_open(path, flags, mode);
	case OPEN64:
		resolve_open64();
		return real_open64(path, flags, mode);
	case OPEN_2:
		resolve___open_2();
		return real___open_2(path, flags);
	default:
		resolve___open64_2();
		return real___open64_2(path, flags);
	}
}

/* The mode argument exists only when the flags create a file. */
#define OPEN_MODE(flags, mode)                                                                  \
	do {                                                                                     \
		if ((flags) & (O_CREAT | O_TMPFILE)) {                                           \
			va_list ap;                                                              \
			va_start(ap, flags);                                                     \
			(mode) = va_arg(ap, mode_t);                                             \
			va_end(ap);                                                              \
		}                                                                                \
	} while (0)

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return open_any(OPEN, path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return open_any(OPEN64, path, flags, mode);
}

int
__open_2(const char *path, int flags)
{
	return open_any(OPEN_2, path, flags, 0);
}

int
__open64_2(const char *path, int flags)
{
	return open_any(OPEN64_2, path, flags, 0);
}

static enum fd_kind
kind_of(int fd)
{
	return fd >= 0 && fd < MAX_FD ? (enum fd_kind)vs_shim.kind[fd] : FD_NONE;
}

int
close(int fd)
{
	if (kind_of(fd) != FD_NONE)
		vs_shim.kind[fd] = FD_NONE;
	resolve_close();
	return real_close(fd);
}

ssize_t
read(int fd, void *buf, size_t n)
{
	if (kind_of(fd) == FD_UIO) {
		/* No interrupts: the PMD polls. */
		errno = EAGAIN;
		return -1;
	}
	resolve_read();
	return real_read(fd, buf, n);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	if (kind_of(fd) == FD_UIO) {
		int32_t on;
		struct vmbus_ring_ctl *h2g =
			(struct vmbus_ring_ctl *)(vs_shim.map + VS_PAGE + vs_shim.h.g2h_ring_size);

		if (n != sizeof(on)) {
			errno = EINVAL;
			return -1;
		}
		/* uio irqcontrol: 1 unmasks, 0 masks */
		memcpy(&on, buf, sizeof(on));
		__atomic_store_n(&h2g->interrupt_mask, on ? 0u : 1u, __ATOMIC_RELEASE);
		return (ssize_t)n;
	}
	resolve_write();
	return real_write(fd, buf, n);
}

/* ---- mmap: uio maps and the no-huge heap ---- */

static void *
uio_mmap(void *addr, size_t len, int prot, int flags, off_t off)
{
	uint32_t ring2 = 2 * vs_shim.h.g2h_ring_size;
	int idx = (int)(off / VS_PAGE);
	uint64_t foff;

	if (off % VS_PAGE != 0)
		shim_die("mmap(/dev/uio0) at offset %lld", (long long)off);
	switch (idx) {
	case 0:
		if (len != ring2)
			shim_die("mmap of txrx_rings with %zu bytes (map size %u)", len, ring2);
		return real_mmap(addr, len, prot, flags, vs_shim.fd, VS_PAGE);
	case 1:
	case 2:
		if (len > VS_PAGE)
			shim_die("mmap of map %d with %zu bytes", idx, len);
		return real_mmap(addr, len, prot, MAP_SHARED | MAP_ANONYMOUS | (flags & MAP_FIXED), -1,
				 0);
	case 3:
	case 4:
		foff = vs_shim.h.arena_off + (idx == 3 ? 0 : RXBUF_LEN);
		if (len != (idx == 3 ? RXBUF_LEN : TXBUF_LEN))
			shim_die("mmap of map %d with %zu bytes", idx, len);
		return real_mmap(addr, len, prot, flags, vs_shim.fd, (off_t)foff);
	default:
		shim_die("mmap(/dev/uio0) of map %d", idx);
	}
}

static void *
heap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct vs_chan_hdr *h = (struct vs_chan_hdr *)vs_shim.map;
	uint8_t *p;

	if (off < 0 || (uint64_t)off + len > vs_shim.heap_len || off % VS_PAGE != 0)
		shim_die("mmap of the no-huge heap: %zu bytes at %lld of %llu", len,
			 (long long)off, (unsigned long long)vs_shim.heap_len);
	p = real_mmap(addr, len, prot, flags, fd, (off_t)(vs_shim.h.arena_off + HEAP_OFF + off));
	if (p == MAP_FAILED)
		return p;
	if (((uintptr_t)p - (uintptr_t)off) % VS_PAGE != 0 || (uintptr_t)p < HEAP_OFF + off)
		shim_die("heap mapped at %p", (void *)p);
	/* GPA of the arena's first byte: heap VA (= IOVA) minus its arena
	 * offset.  Set before the PMD can send any address. */
	__atomic_store_n(&h->gpa_base, (uint64_t)(uintptr_t)p - (uint64_t)off - HEAP_OFF,
			 __ATOMIC_RELEASE);
	return p;
}

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	resolve_mmap();
	switch (kind_of(fd)) {
	case FD_UIO:
		return uio_mmap(addr, len, prot, flags, off);
	case FD_HEAP:
		return heap_mmap(addr, len, prot, flags, fd, off);
	default:
		break;
	}
	return real_mmap(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));

int
memfd_create(const char *name, unsigned int flags)
{
	int fd;

	shim_init();
	if (vs_shim.active && strcmp(name, "nohuge") == 0) {
		if (!vs_shim.opened)
			shim_chan_open(); /* the heap's GPA base lives in the header */
		resolve_open();
		fd = real_open(vs_shim.chan, O_RDWR | ((flags & MFD_CLOEXEC) ? O_CLOEXEC : 0));
		if (fd < 0 || fd >= MAX_FD)
			shim_die("heap descriptor for %s: %s", vs_shim.chan, strerror(errno));
		vs_shim.kind[fd] = FD_HEAP;
		return fd;
	}
	resolve_memfd_create();
	return real_memfd_create(name, flags);
}

static int
heap_truncate(off_t len)
{
	if (len < 0 || (uint64_t)len > vs_shim.heap_max) {
		fprintf(stderr,
			"vs_netvsc_shim: a heap of %lld bytes does not fit the arena (%llu left "
			"after the buffers): lower -m\n",
			(long long)len, (unsigned long long)vs_shim.heap_max);
		errno = ENOSPC;
		return -1;
	}
	vs_shim.heap_len = (uint64_t)len;
	return 0;
}

int
ftruncate(int fd, off_t len)
{
	if (kind_of(fd) == FD_HEAP)
		return heap_truncate(len);
	resolve_ftruncate();
	return real_ftruncate(fd, len);
}

int ftruncate64(int fd, off_t len) __attribute__((alias("ftruncate")));

int
fstat(int fd, struct stat *st)
{
	int rc;

	resolve_fstat();
	rc = real_fstat(fd, st);
	if (rc == 0 && kind_of(fd) == FD_HEAP)
		st->st_size = (off_t)vs_shim.heap_len;
	return rc;
}

int
fstat64(int fd, struct stat64 *st)
{
	int rc;

	resolve_fstat64();
	rc = real_fstat64(fd, st);
	if (rc == 0 && kind_of(fd) == FD_HEAP)
		st->st_size = (off64_t)vs_shim.heap_len;
	return rc;
}
