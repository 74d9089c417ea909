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
 *
 * This file reads the channel file, builds the sysfs tree and plays the
 * kernel's channel open; shim_sysfs.c serves the tree, shim_uio.c the
 * descriptors (/dev/uio0 and the heap).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shim_priv.h"

#define DEVS SYS_VMBUS "/devices"
#define NETVSC_CLASS "f8615163-df3e-46c5-913f-f2d2f965ed0e"
#define MONITOR_ID 1u
#define RXBUF_GPADL 0x10001u
#define TXBUF_GPADL 0x10002u

struct shim_state vs_shim;

/* ---- the real functions ---- */

REAL(int, open, const char *, int, ...)
REAL(void *, mmap, void *, size_t, int, int, int, off_t)

__attribute__((noreturn, format(printf, 1, 2))) void
shim_die(const char *fmt, ...)
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

	if (vs_shim.n_files == MAX_FILES)
		shim_die("too many sysfs files");
	f = &vs_shim.files[vs_shim.n_files++];
	snprintf(f->path, sizeof(f->path), "%s/%s", vs_shim.dev, rel);
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

static void
add_dir(const char *path, const char *entry)
{
	struct fake_dir *d = &vs_shim.dirs[vs_shim.n_dirs++];

	snprintf(d->path, sizeof(d->path), "%s", path);
	snprintf(d->entry, sizeof(d->entry), "%s", entry);
}

/* Reads the channel header and builds the sysfs tree.  Inactive (every call
 * passes through) without VS_NETVSC_CHAN. */
void
shim_init(void)
{
	const char *env;
	const uint8_t *u;
	char p[PATH_MAX];
	uint32_t ring;

	if (vs_shim.inited)
		return;
	vs_shim.inited = true;
	env = getenv("VS_NETVSC_CHAN");
	if (env == NULL || env[0] == '\0')
		return;
	resolve_open();
	snprintf(vs_shim.chan, sizeof(vs_shim.chan), "%s", env);
	vs_shim.fd = real_open(vs_shim.chan, O_RDWR | O_CLOEXEC);
	if (vs_shim.fd < 0)
		shim_die("%s: %s", vs_shim.chan, strerror(errno));
	if (pread(vs_shim.fd, &vs_shim.h, sizeof(vs_shim.h), 0) != (ssize_t)sizeof(vs_shim.h) ||
	    memcmp(vs_shim.h.magic, VS_CHAN_MAGIC, 8) != 0 || vs_shim.h.layout != VS_CHAN_LAYOUT)
		shim_die("%s is not a layout-%u channel file", vs_shim.chan, VS_CHAN_LAYOUT);
	if (vs_shim.h.host_state != VS_HOST_OFFERED)
		shim_die("%s: the host does not offer the channel (state %u)", vs_shim.chan,
			 vs_shim.h.host_state);
	ring = vs_shim.h.g2h_ring_size;
	if (ring != vs_shim.h.h2g_ring_size || ring % VS_PAGE != 0 || ring < 2 * VS_PAGE)
		shim_die("%s: rings of %u and %u bytes; the PMD needs two equal rings",
			 vs_shim.chan, ring, vs_shim.h.h2g_ring_size);
	if (vs_shim.h.arena_size < HEAP_OFF + (16u << 20))
		shim_die("%s: arena of %llu bytes; the shim needs %llu", vs_shim.chan,
			 (unsigned long long)vs_shim.h.arena_size,
			 (unsigned long long)(HEAP_OFF + (16u << 20)));
	if (vs_shim.h.subchannels != 0)
		fprintf(stderr, "vs_netvsc_shim: %u subchannels offered; the shim drives the "
				"primary only\n", vs_shim.h.subchannels);
	vs_shim.heap_max = vs_shim.h.arena_size - HEAP_OFF;
	u = vs_shim.h.instance;
	snprintf(vs_shim.guid, sizeof(vs_shim.guid),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
		 u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
		 u[15]);
	snprintf(vs_shim.dev, sizeof(vs_shim.dev), DEVS "/%s", vs_shim.guid);

	add_file("class_id", "{" NETVSC_CLASS "}\n");
	add_file("device_id", "{%s}\n", vs_shim.guid);
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
	add_dir(DEVS, vs_shim.guid);
	snprintf(p, sizeof(p), "%s/uio", vs_shim.dev);
	add_dir(p, "uio0");
	snprintf(p, sizeof(p), "%s/channels", vs_shim.dev);
	add_dir(p, STR(RELID));
	vs_shim.active = true;
}

bool
shim_ours(const char *path)
{
	shim_init();
	return vs_shim.active && path != NULL &&
	       (strncmp(path, SYS_VMBUS, sizeof(SYS_VMBUS) - 1) == 0 ||
		strncmp(path, "/dev/uio", 8) == 0);
}

__attribute__((noreturn)) void
shim_unknown(const char *what, const char *path)
{
	shim_die("%s(%s): a vmbus path the shim does not know", what, path);
}

/* ---- the kernel's part of the channel open ---- */

void
shim_chan_open(void)
{
	struct vs_chan_hdr *h;
	struct vmbus_ring_ctl *g2h, *h2g;
	uint32_t ring = vs_shim.h.g2h_ring_size;

	if (vs_shim.opened)
		return;
	vs_shim.map_len = VS_PAGE + 2ull * ring;
	resolve_mmap();
	vs_shim.map =
		real_mmap(NULL, vs_shim.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, vs_shim.fd, 0);
	if (vs_shim.map == MAP_FAILED)
		shim_die("mmap %s: %s", vs_shim.chan, strerror(errno));
	h = (struct vs_chan_hdr *)vs_shim.map;
	if (__atomic_load_n(&h->guest_state, __ATOMIC_ACQUIRE) != VS_GUEST_CLOSED) {
		/* A guest before us died with the channel open: close it and
		 * give the host's control poll time to see it. */
		__atomic_store_n(&h->guest_state, VS_GUEST_CLOSED, __ATOMIC_RELEASE);
		usleep(300 * 1000);
	}
	g2h = (struct vmbus_ring_ctl *)(vs_shim.map + VS_PAGE);
	h2g = (struct vmbus_ring_ctl *)(vs_shim.map + VS_PAGE + ring);
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
	vs_shim.opened = true;
}

static __attribute__((destructor)) void
chan_close(void)
{
	if (vs_shim.opened)
		__atomic_store_n(&((struct vs_chan_hdr *)vs_shim.map)->guest_state, VS_GUEST_CLOSED,
				 __ATOMIC_RELEASE);
}
