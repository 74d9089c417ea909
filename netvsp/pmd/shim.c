/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LD_PRELOAD shim: plays the guest kernel (Linux's vmbus core and
 * uio_hv_generic) for DPDK's unmodified vmbus bus and net_netvsc PMD, over
 * a netVSC channel file (ARCHITECTURE §6) named by VS_NETVSC_CHAN.
 *
 * What the PMD sees, and where it comes from:
 *   /sys/bus/vmbus/devices/<guid>/           one NIC; <guid> is the channel's
 *       class_id, device_id, id, monitor_id    instance id, class = netvsc
 *       uio/uio0/maps/map0..4/{name,size}      txrx_rings, int_page,
 *                                              monitor_page, recv:<gpadl>,
 *                                              send:<gpadl>
 *       channels/<relid>/{subchannel_id,monitor_id}  the primary only; no
 *                                              channels/<relid>/ring, so the
 *                                              PMD runs one queue
 *   /dev/uio0  mmap offset i*4096 = map i:
 *       map 0   the file's two rings (guest→host first), as the kernel's
 *               one ring GPADL split in half
 *       map 1,2 anonymous shared pages: the PMD sets bits there to signal;
 *               our host polls and never looks
 *       map 3,4 receive and send buffers: ranges of the arena, registered
 *               in the header's GPADL table under the handles in the names
 *       write(4 bytes) = interrupt mask of the host→guest ring, as the
 *               kernel driver's irqcontrol
 *   memfd_create("nohuge") + ftruncate + mmap: EAL's --no-huge heap, backed
 *       by the arena after the buffers; the header's GPA base (offset 80) is
 *       set so that the heap's virtual addresses are its guest-physical
 *       addresses, which is what the PMD sends with --iova-mode=va.
 *
 * As the kernel does before the PMD runs, the shim zeroes both ring control
 * pages, sets feature_bits = 1 on both, masks host→guest interrupts, writes
 * the GPADL entries, and opens the channel (guest state 1) when the PMD first
 * reads a map's name.  At exit it closes the channel.
 *
 * Any other path under /sys/bus/vmbus or /dev/uio is a shim bug or a PMD we
 * do not know: the shim says so on stderr and aborts.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proto_priv.h"

#define SYS_VMBUS "/sys/bus/vmbus"
#define DEVS SYS_VMBUS "/devices"
#define NETVSC_CLASS "f8615163-df3e-46c5-913f-f2d2f965ed0e"
#define RELID 14 /* also spelt out in paths: no suffix */
#define STR_(x) #x
#define STR(x) STR_(x)
#define MONITOR_ID 1u
#define RXBUF_GPADL 0x10001u
#define TXBUF_GPADL 0x10002u
#define RXBUF_LEN (8u << 20)
#define TXBUF_LEN (4u << 20)
#define HEAP_OFF ((uint64_t)RXBUF_LEN + TXBUF_LEN)
#define MAX_FD 4096
#define MAX_FILES 32
#define MAX_DIRS 8

enum fd_kind { FD_NONE, FD_UIO, FD_HEAP };

struct fake_file {
	char path[PATH_MAX];
	char text[96];
};

struct fake_dir {
	char path[PATH_MAX];
	char entry[64]; /* one entry each */
};

struct open_dir {
	uint32_t magic;
	int pos;
	const struct fake_dir *d;
	struct dirent ent;
};
#define DIR_MAGIC 0x76736469u

static struct {
	bool inited, active, opened;
	char chan[PATH_MAX];
	int fd;
	struct vs_chan_hdr h; /* host fields, read once */
	uint8_t *map;         /* header page and both rings, shared */
	size_t map_len;
	char guid[40];
	char dev[128];
	struct fake_file files[MAX_FILES];
	int n_files;
	struct fake_dir dirs[MAX_DIRS];
	int n_dirs;
	uint64_t heap_max, heap_len;
	uint8_t kind[MAX_FD];
	struct open_dir *dirs_open[16];
} S;

/* ---- the real functions ---- */

#define REAL(ret, name, ...)                                                                       \
	static ret (*real_##name)(__VA_ARGS__);                                                    \
	static void resolve_##name(void)                                                           \
	{                                                                                          \
		if (real_##name == NULL)                                                           \
			real_##name = dlsym(RTLD_NEXT, #name);                                     \
	}

REAL(int, open, const char *, int, ...)
REAL(int, open64, const char *, int, ...)
REAL(int, __open_2, const char *, int)
REAL(int, __open64_2, const char *, int)
REAL(FILE *, fopen, const char *, const char *)
REAL(FILE *, fopen64, const char *, const char *)
REAL(DIR *, opendir, const char *)
REAL(struct dirent *, readdir, DIR *)
REAL(struct dirent64 *, readdir64, DIR *)
REAL(int, closedir, DIR *)
REAL(int, access, const char *, int)
REAL(int, close, int)
REAL(ssize_t, read, int, void *, size_t)
REAL(ssize_t, write, int, const void *, size_t)
REAL(void *, mmap, void *, size_t, int, int, int, off_t)
REAL(int, memfd_create, const char *, unsigned int)
REAL(int, ftruncate, int, off_t)
REAL(int, fstat, int, struct stat *)
REAL(int, fstat64, int, struct stat64 *)

static __attribute__((noreturn, format(printf, 1, 2))) void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("vs_netvsc_shim: FATAL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void
add_file(const char *rel, const char *fmt, ...)
{
	struct fake_file *f;
	va_list ap;

	if (S.n_files == MAX_FILES)
		die("too many sysfs files");
	f = &S.files[S.n_files++];
	snprintf(f->path, sizeof(f->path), "%s/%s", S.dev, rel);
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

static void
add_dir(const char *path, const char *entry)
{
	struct fake_dir *d = &S.dirs[S.n_dirs++];

	snprintf(d->path, sizeof(d->path), "%s", path);
	snprintf(d->entry, sizeof(d->entry), "%s", entry);
}

/* Reads the channel header and builds the sysfs tree.  Inactive (every call
 * passes through) without VS_NETVSC_CHAN. */
static void
init(void)
{
	const char *env;
	const uint8_t *u;
	char p[PATH_MAX];
	uint32_t ring;

	if (S.inited)
		return;
	S.inited = true;
	env = getenv("VS_NETVSC_CHAN");
	if (env == NULL || env[0] == '\0')
		return;
	resolve_open();
	snprintf(S.chan, sizeof(S.chan), "%s", env);
	S.fd = real_open(S.chan, O_RDWR | O_CLOEXEC);
	if (S.fd < 0)
		die("%s: %s", S.chan, strerror(errno));
	if (pread(S.fd, &S.h, sizeof(S.h), 0) != (ssize_t)sizeof(S.h) ||
	    memcmp(S.h.magic, VS_CHAN_MAGIC, 8) != 0 || S.h.layout != VS_CHAN_LAYOUT)
		die("%s is not a layout-%u channel file", S.chan, VS_CHAN_LAYOUT);
	if (S.h.host_state != VS_HOST_OFFERED)
		die("%s: the host does not offer the channel (state %u)", S.chan, S.h.host_state);
	ring = S.h.g2h_ring_size;
	if (ring != S.h.h2g_ring_size || ring % VS_PAGE != 0 || ring < 2 * VS_PAGE)
		die("%s: rings of %u and %u bytes; the PMD needs two equal rings", S.chan, ring,
		    S.h.h2g_ring_size);
	if (S.h.arena_size < HEAP_OFF + (16u << 20))
		die("%s: arena of %llu bytes; the shim needs %llu", S.chan,
		    (unsigned long long)S.h.arena_size,
		    (unsigned long long)(HEAP_OFF + (16u << 20)));
	if (S.h.subchannels != 0)
		fprintf(stderr, "vs_netvsc_shim: %u subchannels offered; the shim drives the "
				"primary only\n", S.h.subchannels);
	S.heap_max = S.h.arena_size - HEAP_OFF;
	u = S.h.instance;
	snprintf(S.guid, sizeof(S.guid),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
		 u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
		 u[15]);
	snprintf(S.dev, sizeof(S.dev), DEVS "/%s", S.guid);

	add_file("class_id", "{" NETVSC_CLASS "}\n");
	add_file("device_id", "{%s}\n", S.guid);
	add_file("id", "%u\n", RELID);
	add_file("monitor_id", "%u\n", MONITOR_ID);
	add_file("uio/uio0/maps/map0/name", "txrx_rings\n");
	add_file("uio/uio0/maps/map0/size", "0x%x\n", 2 * ring);
	add_file("uio/uio0/maps/map1/name", "int_page\n");
	add_file("uio/uio0/maps/map1/size", "0x%x\n", VS_PAGE);
	add_file("uio/uio0/maps/map2/name", "monitor_page\n");
	add_file("uio/uio0/maps/map2/size", "0x%x\n", VS_PAGE);
	add_file("uio/uio0/maps/map3/name", "recv:%u\n", RXBUF_GPADL);
	add_file("uio/uio0/maps/map3/size", "0x%x\n", RXBUF_LEN);
	add_file("uio/uio0/maps/map4/name", "send:%u\n", TXBUF_GPADL);
	add_file("uio/uio0/maps/map4/size", "0x%x\n", TXBUF_LEN);
	add_file("channels/" STR(RELID) "/subchannel_id", "0\n");
	add_file("channels/" STR(RELID) "/monitor_id", "%u\n", MONITOR_ID);
	add_dir(DEVS, S.guid);
	snprintf(p, sizeof(p), "%s/uio", S.dev);
	add_dir(p, "uio0");
	snprintf(p, sizeof(p), "%s/channels", S.dev);
	add_dir(p, STR(RELID));
	S.active = true;
}

/* Paths that exist on a real guest only in other configurations: absent
 * without a word. */
static bool
known_absent(const char *path)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/numa_node", S.dev);
	if (strcmp(path, p) == 0)
		return true;
	snprintf(p, sizeof(p), "%s/channels/%u/ring", S.dev, RELID);
	return strcmp(path, p) == 0; /* no subchannels: one queue */
}

static bool
ours(const char *path)
{
	init();
	return S.active && path != NULL &&
	       (strncmp(path, SYS_VMBUS, sizeof(SYS_VMBUS) - 1) == 0 ||
		strncmp(path, "/dev/uio", 8) == 0);
}

static __attribute__((noreturn)) void
unknown(const char *what, const char *path)
{
	die("%s(%s): a vmbus path the shim does not know", what, path);
}

/* ---- the kernel's part of the channel open ---- */

static void
chan_open(void)
{
	struct vs_chan_hdr *h;
	struct vmbus_ring_ctl *g2h, *h2g;
	uint32_t ring = S.h.g2h_ring_size;

	if (S.opened)
		return;
	S.map_len = VS_PAGE + 2ull * ring;
	S.map = real_mmap(NULL, S.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, S.fd, 0);
	if (S.map == MAP_FAILED)
		die("mmap %s: %s", S.chan, strerror(errno));
	h = (struct vs_chan_hdr *)S.map;
	if (__atomic_load_n(&h->guest_state, __ATOMIC_ACQUIRE) != VS_GUEST_CLOSED) {
		/* A guest before us died with the channel open: close it and
		 * give the host's control poll time to see it. */
		__atomic_store_n(&h->guest_state, VS_GUEST_CLOSED, __ATOMIC_RELEASE);
		usleep(300 * 1000);
	}
	g2h = (struct vmbus_ring_ctl *)(S.map + VS_PAGE);
	h2g = (struct vmbus_ring_ctl *)(S.map + VS_PAGE + ring);
	/* As hv_ringbuffer_init: zeroed control pages, pending_send_sz
	 * supported on both rings; as uio_hv_generic: host→guest interrupts
	 * masked (the PMD polls). */
	memset(g2h, 0, sizeof(*g2h));
	memset(h2g, 0, sizeof(*h2g));
	g2h->feature_bits = VMBUS_FEAT_PENDING_SEND_SZ;
	h2g->feature_bits = VMBUS_FEAT_PENDING_SEND_SZ;
	h2g->interrupt_mask = 1;
	/* The kernel created the buffers' GPADLs before the PMD reads their
	 * handles from the map names. */
	for (uint32_t i = 0; i < VS_CHAN_GPADLS; i++)
		__atomic_store_n(&h->gpadl[i].flags, 0, __ATOMIC_RELAXED);
	h->gpadl[0] = (struct vs_chan_gpadl){RXBUF_GPADL, 0, 0, RXBUF_LEN, 0};
	h->gpadl[1] = (struct vs_chan_gpadl){TXBUF_GPADL, 0, RXBUF_LEN, TXBUF_LEN, 0};
	__atomic_store_n(&h->gpadl[0].flags, VS_GPADL_VALID, __ATOMIC_RELEASE);
	__atomic_store_n(&h->gpadl[1].flags, VS_GPADL_VALID, __ATOMIC_RELEASE);
	__atomic_store_n(&h->guest_state, VS_GUEST_OPEN, __ATOMIC_RELEASE);
	S.opened = true;
}

static __attribute__((destructor)) void
chan_close(void)
{
	if (S.opened)
		__atomic_store_n(&((struct vs_chan_hdr *)S.map)->guest_state, VS_GUEST_CLOSED,
				 __ATOMIC_RELEASE);
}

/* ---- files ---- */

static const struct fake_file *
find_file(const char *path)
{
	for (int i = 0; i < S.n_files; i++)
		if (strcmp(S.files[i].path, path) == 0)
			return &S.files[i];
	return NULL;
}

static const struct fake_dir *
find_dir(const char *path)
{
	for (int i = 0; i < S.n_dirs; i++)
		if (strcmp(S.dirs[i].path, path) == 0)
			return &S.dirs[i];
	return NULL;
}

static FILE *
fake_fopen(const char *path, const char *mode)
{
	const struct fake_file *f = find_file(path);

	if (f == NULL) {
		if (known_absent(path)) {
			errno = ENOENT;
			return NULL;
		}
		unknown("fopen", path);
	}
	if (mode[0] != 'r')
		die("fopen(%s, %s): sysfs files of the shim are read-only", path, mode);
	if (strstr(path, "/maps/map") != NULL && strstr(path, "/name") != NULL)
		chan_open();
	return fmemopen((void *)f->text, strlen(f->text), "r");
}

FILE *
fopen(const char *path, const char *mode)
{
	if (ours(path))
		return fake_fopen(path, mode);
	resolve_fopen();
	return real_fopen(path, mode);
}

FILE *
fopen64(const char *path, const char *mode)
{
	if (ours(path))
		return fake_fopen(path, mode);
	resolve_fopen64();
	return real_fopen64(path, mode);
}

int
access(const char *path, int mode)
{
	if (ours(path)) {
		if (find_file(path) != NULL || find_dir(path) != NULL)
			return (mode & X_OK) ? (errno = EACCES, -1) : 0;
		if (known_absent(path)) {
			errno = ENOENT;
			return -1;
		}
		unknown("access", path);
	}
	resolve_access();
	return real_access(path, mode);
}

/* ---- directories ---- */

static struct open_dir *
as_fake_dir(DIR *d)
{
	for (unsigned i = 0; i < sizeof(S.dirs_open) / sizeof(S.dirs_open[0]); i++)
		if (S.dirs_open[i] != NULL && (DIR *)S.dirs_open[i] == d)
			return S.dirs_open[i];
	return NULL;
}

DIR *
opendir(const char *path)
{
	if (ours(path)) {
		const struct fake_dir *fd = find_dir(path);
		struct open_dir *o;

		if (fd == NULL) {
			if (strcmp(path, SYS_VMBUS) == 0 || known_absent(path)) {
				errno = ENOENT;
				return NULL;
			}
			unknown("opendir", path);
		}
		o = calloc(1, sizeof(*o));
		if (o == NULL)
			return NULL;
		o->magic = DIR_MAGIC;
		o->d = fd;
		for (unsigned i = 0; i < sizeof(S.dirs_open) / sizeof(S.dirs_open[0]); i++)
			if (S.dirs_open[i] == NULL) {
				S.dirs_open[i] = o;
				return (DIR *)o;
			}
		die("too many open vmbus directories");
	}
	resolve_opendir();
	return real_opendir(path);
}

static struct dirent *
fake_readdir(struct open_dir *o)
{
	static const char *const dots[] = {".", ".."};

	memset(&o->ent, 0, sizeof(o->ent));
	if (o->pos < 2) {
		snprintf(o->ent.d_name, sizeof(o->ent.d_name), "%s", dots[o->pos]);
		o->ent.d_type = DT_DIR;
	} else if (o->pos == 2) {
		snprintf(o->ent.d_name, sizeof(o->ent.d_name), "%s", o->d->entry);
		o->ent.d_type = DT_DIR;
	} else {
		return NULL;
	}
	o->ent.d_ino = (ino_t)(o->pos + 1);
	o->ent.d_reclen = sizeof(o->ent);
	o->pos++;
	return &o->ent;
}

struct dirent *
readdir(DIR *d)
{
	struct open_dir *o = as_fake_dir(d);

	if (o != NULL)
		return fake_readdir(o);
	resolve_readdir();
	return real_readdir(d);
}

struct dirent64 *
readdir64(DIR *d)
{
	struct open_dir *o = as_fake_dir(d);

	_Static_assert(sizeof(struct dirent) == sizeof(struct dirent64), "LP64");
	if (o != NULL)
		return (struct dirent64 *)fake_readdir(o);
	resolve_readdir64();
	return real_readdir64(d);
}

int
closedir(DIR *d)
{
	struct open_dir *o = as_fake_dir(d);

	if (o != NULL) {
		for (unsigned i = 0; i < sizeof(S.dirs_open) / sizeof(S.dirs_open[0]); i++)
			if (S.dirs_open[i] == o)
				S.dirs_open[i] = NULL;
		free(o);
		return 0;
	}
	resolve_closedir();
	return real_closedir(d);
}

/* ---- /dev/uio0 ---- */

static int
fake_open(const char *path, int flags)
{
	int fd;

	if (strcmp(path, "/dev/uio0") != 0) {
		if (find_file(path) != NULL)
			die("open(%s): the shim serves sysfs files through fopen only", path);
		if (known_absent(path)) {
			errno = ENOENT;
			return -1;
		}
		unknown("open", path);
	}
	if (!S.opened)
		die("open(/dev/uio0) before the PMD read the map names");
	/* A real descriptor, so that the number is the caller's until
	 * close; reads, writes and mmaps on it are the shim's. */
	fd = real_open("/dev/null", O_RDWR | (flags & O_CLOEXEC));
	if (fd >= MAX_FD)
		die("descriptor %d beyond the shim's table", fd);
	if (fd >= 0)
		S.kind[fd] = FD_UIO;
	return fd;
}

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (ours(path))
		return fake_open(path, flags);
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	resolve_open();
	return real_open(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (ours(path))
		return fake_open(path, flags);
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	resolve_open64();
	return real_open64(path, flags, mode);
}

int
__open_2(const char *path, int flags)
{
	if (ours(path))
		return fake_open(path, flags);
	resolve___open_2();
	return real___open_2(path, flags);
}

int
__open64_2(const char *path, int flags)
{
	if (ours(path))
		return fake_open(path, flags);
	resolve___open64_2();
	return real___open64_2(path, flags);
}

static enum fd_kind
kind_of(int fd)
{
	return fd >= 0 && fd < MAX_FD ? (enum fd_kind)S.kind[fd] : FD_NONE;
}

int
close(int fd)
{
	if (kind_of(fd) != FD_NONE)
		S.kind[fd] = FD_NONE;
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
			(struct vmbus_ring_ctl *)(S.map + VS_PAGE + S.h.g2h_ring_size);

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
	uint32_t ring2 = 2 * S.h.g2h_ring_size;
	int idx = (int)(off / VS_PAGE);
	uint64_t foff;

	if (off % VS_PAGE != 0)
		die("mmap(/dev/uio0) at offset %lld", (long long)off);
	switch (idx) {
	case 0:
		if (len != ring2)
			die("mmap of txrx_rings with %zu bytes (map size %u)", len, ring2);
		return real_mmap(addr, len, prot, flags, S.fd, VS_PAGE);
	case 1:
	case 2:
		if (len > VS_PAGE)
			die("mmap of map %d with %zu bytes", idx, len);
		return real_mmap(addr, len, prot, MAP_SHARED | MAP_ANONYMOUS | (flags & MAP_FIXED), -1,
				 0);
	case 3:
	case 4:
		foff = S.h.arena_off + (idx == 3 ? 0 : RXBUF_LEN);
		if (len != (idx == 3 ? RXBUF_LEN : TXBUF_LEN))
			die("mmap of map %d with %zu bytes", idx, len);
		return real_mmap(addr, len, prot, flags, S.fd, (off_t)foff);
	default:
		die("mmap(/dev/uio0) of map %d", idx);
	}
}

static void *
heap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct vs_chan_hdr *h = (struct vs_chan_hdr *)S.map;
	uint8_t *p;

	if (off < 0 || (uint64_t)off + len > S.heap_len || off % VS_PAGE != 0)
		die("mmap of the no-huge heap: %zu bytes at %lld of %llu", len, (long long)off,
		    (unsigned long long)S.heap_len);
	p = real_mmap(addr, len, prot, flags, fd, (off_t)(S.h.arena_off + HEAP_OFF + off));
	if (p == MAP_FAILED)
		return p;
	if (((uintptr_t)p - (uintptr_t)off) % VS_PAGE != 0 || (uintptr_t)p < HEAP_OFF + off)
		die("heap mapped at %p", (void *)p);
	/* GPA of the arena's first byte: heap VA (= IOVA) minus its arena
	 * offset.  Set before the PMD can send any address. */
	__atomic_store_n(&h->gpa_base, (uint64_t)(uintptr_t)p - (uint64_t)off - HEAP_OFF,
			 __ATOMIC_RELEASE);
	return p;
}

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	switch (kind_of(fd)) {
	case FD_UIO:
		return uio_mmap(addr, len, prot, flags, off);
	case FD_HEAP:
		return heap_mmap(addr, len, prot, flags, fd, off);
	default:
		break;
	}
	resolve_mmap();
	return real_mmap(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));

int
memfd_create(const char *name, unsigned int flags)
{
	int fd;

	init();
	if (S.active && strcmp(name, "nohuge") == 0) {
		if (!S.opened)
			chan_open(); /* the heap's GPA base lives in the header */
		fd = real_open(S.chan, O_RDWR | ((flags & MFD_CLOEXEC) ? O_CLOEXEC : 0));
		if (fd < 0 || fd >= MAX_FD)
			die("heap descriptor for %s: %s", S.chan, strerror(errno));
		S.kind[fd] = FD_HEAP;
		return fd;
	}
	resolve_memfd_create();
	return real_memfd_create(name, flags);
}

static int
heap_truncate(off_t len)
{
	if (len < 0 || (uint64_t)len > S.heap_max) {
		fprintf(stderr,
			"vs_netvsc_shim: a heap of %lld bytes does not fit the arena (%llu left "
			"after the buffers): lower -m\n",
			(long long)len, (unsigned long long)S.heap_max);
		errno = ENOSPC;
		return -1;
	}
	S.heap_len = (uint64_t)len;
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
		st->st_size = (off_t)S.heap_len;
	return rc;
}

int
fstat64(int fd, struct stat64 *st)
{
	int rc;

	resolve_fstat64();
	rc = real_fstat64(fd, st);
	if (rc == 0 && kind_of(fd) == FD_HEAP)
		st->st_size = (off64_t)S.heap_len;
	return rc;
}
