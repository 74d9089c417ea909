/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Live capture of a port to a pcap or pcapng file (contract in vswitch.h).
 *
 * Control half (the datapath half, the callbacks, is capture_dp.c):
 * vs_dp_capture_poll dequeues the copies the callbacks made, applies the
 * limits and writes the records.
 *
 * Ending a capture: stop copying (active = false), remove the callbacks,
 * wait for an RCU grace period on the datapath's qsbr (a worker reports
 * quiescence only between bursts, so afterwards none is inside a callback
 * or about to enqueue), then drain, close the file and free.  DPDK does not
 * free removed callbacks: their memory is ours after the grace period.
 */
#define ALLOW_EXPERIMENTAL_API /* rte_pcapng is experimental in 22.11 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_pcapng.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "capture_priv.h"

/* The ring holds one less than its size; the pool matches it so that a
 * burst finding the ring full has usually found the pool empty first. */
#define VS_CAPTURE_RING 1024u
#define VS_CAPTURE_POOL (VS_CAPTURE_RING - 1)
#define VS_CAPTURE_DRAIN 64u
#define VS_PCAP_FILE_HDR 24u
#define VS_PCAP_REC_HDR 16u

/* Pool and ring names are unique for the life of the process. */
static uint32_t vs_capture_seq;

static uint64_t
vs_capture_tsc_to_ns(const struct vs_capture *cap, uint64_t tsc)
{
	uint64_t d = tsc > cap->start_tsc ? tsc - cap->start_tsc : 0;

	/* Split so that d * 1e9 cannot overflow for long captures. */
	return cap->start_ns + (d / cap->tsc_hz) * 1000000000ull +
	       (d % cap->tsc_hz) * 1000000000ull / cap->tsc_hz;
}

static void
vs_capture_write_error(struct vs_capture *cap, int err)
{
	cap->st.end = VS_CAPTURE_END_WRITE_ERROR;
	cap->st.error = err ? err : EIO;
}

/* Writes one copy, or ends the capture at a limit.  Consumes nothing. */
static void
vs_capture_write(struct vs_capture *cap, struct rte_mbuf *m)
{
	uint64_t rec;

	if (cap->st.format == VS_CAPTURE_PCAPNG) {
		rec = rte_pktmbuf_pkt_len(m); /* the whole block is in the copy */
	} else {
		rec = VS_PCAP_REC_HDR + rte_pktmbuf_pkt_len(m);
	}
	if (cap->st.max_bytes != 0 && cap->st.bytes + rec > cap->st.max_bytes) {
		cap->st.end = VS_CAPTURE_END_SIZE;
		return;
	}
	if (cap->st.format == VS_CAPTURE_PCAPNG) {
		if (rte_pcapng_write_packets(cap->png, &m, 1) < 0) {
			vs_capture_write_error(cap, errno);
			return;
		}
	} else {
		const struct vs_capture_meta *meta = vs_capture_meta(m);
		uint32_t len = rte_pktmbuf_pkt_len(m);
		const void *data = rte_pktmbuf_read(m, 0, len, cap->buf);
		uint64_t ns = vs_capture_tsc_to_ns(cap, meta->tsc);
		struct pcap_pkthdr h;

		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = (time_t)(ns / 1000000000ull);
		h.ts.tv_usec = (suseconds_t)(ns % 1000000000ull); /* nanosecond file */
		h.caplen = len;
		h.len = meta->orig_len;
		pcap_dump((u_char *)cap->dumper, &h, data);
	}
	cap->st.frames++;
	cap->st.bytes += rec;
	if (cap->st.max_frames != 0 && cap->st.frames >= cap->st.max_frames)
		cap->st.end = VS_CAPTURE_END_COUNT;
}

/* Writes what is queued while the capture runs; what is left after it
 * ended is freed unwritten. */
static void
vs_capture_drain(struct vs_capture *cap)
{
	struct rte_mbuf *m[VS_CAPTURE_DRAIN];
	unsigned int n, i;
	bool wrote = false;

	while ((n = rte_ring_dequeue_burst(cap->ring, (void **)m, VS_CAPTURE_DRAIN, NULL)) > 0) {
		for (i = 0; i < n; i++) {
			if (cap->st.end == VS_CAPTURE_END_RUNNING) {
				vs_capture_write(cap, m[i]);
				wrote = true;
			}
		}
		rte_pktmbuf_free_bulk(m, n);
	}
	/* Flushed each poll, so a running capture's file is readable as it
	 * grows (tcpdump -r, or tail -c +1 -f | tcpdump -r -). */
	if (wrote && cap->dumper != NULL && pcap_dump_flush(cap->dumper) != 0 &&
	    cap->st.end == VS_CAPTURE_END_RUNNING)
		vs_capture_write_error(cap, errno);
}

static void
vs_capture_remove_callbacks(struct vs_capture *cap)
{
	struct vs_dp *dp = cap->dp;
	uint16_t eth = cap->port->eth_port;
	bool removed = false;
	unsigned int q;

	__atomic_store_n(&cap->active, false, __ATOMIC_RELAXED);
	if (cap->rx_cb != NULL) {
		(void)rte_eth_remove_rx_callback(eth, 0, cap->rx_cb);
		removed = true;
	}
	for (q = 0; q < VS_MAX_WORKERS; q++)
		if (cap->tx_cb[q] != NULL) {
			(void)rte_eth_remove_tx_callback(eth, (uint16_t)q, cap->tx_cb[q]);
			removed = true;
		}
	if (removed && dp->running)
		rte_rcu_qsbr_synchronize(dp->qsbr, RTE_QSBR_THRID_INVALID);
	rte_free((void *)(uintptr_t)cap->rx_cb);
	cap->rx_cb = NULL;
	for (q = 0; q < VS_MAX_WORKERS; q++) {
		rte_free((void *)(uintptr_t)cap->tx_cb[q]);
		cap->tx_cb[q] = NULL;
	}
}

/* Releases everything but the status.  Safe on a half-built capture. */
static void
vs_capture_release(struct vs_capture *cap)
{
	vs_capture_remove_callbacks(cap);
	if (cap->ring != NULL) {
		vs_capture_drain(cap);
		rte_ring_free(cap->ring);
		cap->ring = NULL;
	}
	rte_mempool_free(cap->mp);
	cap->mp = NULL;
	if (cap->dumper != NULL) {
		if (pcap_dump_flush(cap->dumper) != 0 && cap->st.end == VS_CAPTURE_END_RUNNING)
			vs_capture_write_error(cap, errno);
		pcap_dump_close(cap->dumper); /* closes the file, and so fd */
		cap->dumper = NULL;
		cap->fd = -1;
	}
	if (cap->pcap != NULL) {
		pcap_close(cap->pcap);
		cap->pcap = NULL;
	}
	if (cap->png != NULL) {
		rte_pcapng_close(cap->png); /* closes fd */
		cap->png = NULL;
		cap->fd = -1;
	}
	if (cap->fd >= 0) {
		close(cap->fd);
		cap->fd = -1;
	}
}

/* Ends a running capture: what the datapath copied before the end is
 * still written (within the limits); then `why` unless a limit came first. */
static void
vs_capture_finish(struct vs_capture *cap, enum vs_capture_end why)
{
	vs_capture_remove_callbacks(cap);
	vs_capture_drain(cap);
	if (cap->st.end == VS_CAPTURE_END_RUNNING)
		cap->st.end = why;
	cap->st.dropped = __atomic_load_n(&cap->dropped, __ATOMIC_RELAXED);
	cap->end_tsc = rte_rdtsc();
	vs_capture_release(cap);
}

static void
vs_capture_free(struct vs_capture *cap)
{
	if (cap == NULL)
		return;
	if (cap->st.end == VS_CAPTURE_END_RUNNING)
		vs_capture_finish(cap, VS_CAPTURE_END_STOPPED);
	vs_capture_release(cap);
	free(cap);
}

static int
vs_capture_meta_register(char *err, size_t errlen)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "vs_capture_meta",
		.size = sizeof(struct vs_capture_meta),
		.align = __alignof__(struct vs_capture_meta),
	};

	if (vs_capture_meta_off >= 0)
		return 0;
	vs_capture_meta_off = rte_mbuf_dynfield_register(&desc);
	if (vs_capture_meta_off < 0) {
		snprintf(err, errlen, "capture: cannot register an mbuf field: %s",
			 rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

/* Creates the file and writes its header.  An existing file is refused:
 * the daemon usually runs as root for clients that may not be. */
static int
vs_capture_open_file(struct vs_capture *cap, char *err, size_t errlen)
{
	FILE *f;

	cap->fd = open(cap->st.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0640);
	if (cap->fd < 0) {
		int e = errno;

		snprintf(err, errlen, "file: cannot create '%s': %s", cap->st.path, strerror(e));
		return -e;
	}
	cap->created = true;
	if (cap->st.format == VS_CAPTURE_PCAPNG) {
		off_t off;

		cap->png = rte_pcapng_fdopen(cap->fd, NULL, NULL, "vswitchd", NULL);
		off = lseek(cap->fd, 0, SEEK_CUR);
		if (cap->png == NULL || off < 0) {
			snprintf(err, errlen, "file: cannot write a pcapng header to '%s': %s",
				 cap->st.path, rte_strerror(rte_errno));
			return -EIO;
		}
		cap->st.bytes = (uint64_t)off;
		return 0;
	}
	cap->pcap = pcap_open_dead_with_tstamp_precision(DLT_EN10MB,
							 VS_CAPTURE_SNAPLEN + RTE_VLAN_HLEN,
							 PCAP_TSTAMP_PRECISION_NANO);
	f = cap->pcap ? fdopen(cap->fd, "w") : NULL;
	if (f == NULL) {
		snprintf(err, errlen, "file: cannot open '%s' for writing: %s", cap->st.path,
			 strerror(errno));
		return -EIO;
	}
	cap->dumper = pcap_dump_fopen(cap->pcap, f);
	if (cap->dumper == NULL) {
		snprintf(err, errlen, "file: cannot write a pcap header to '%s': %s", cap->st.path,
			 pcap_geterr(cap->pcap));
		fclose(f);
		cap->fd = -1;
		return -EIO;
	}
	cap->st.bytes = VS_PCAP_FILE_HDR;
	return 0;
}

static int
vs_capture_resources(struct vs_capture *cap, char *err, size_t errlen)
{
	char name[RTE_MEMZONE_NAMESIZE];
	uint32_t seq = __atomic_add_fetch(&vs_capture_seq, 1, __ATOMIC_RELAXED);
	uint32_t room = RTE_MAX(rte_pcapng_mbuf_size(VS_CAPTURE_SNAPLEN),
				(uint32_t)(RTE_PKTMBUF_HEADROOM + VS_CAPTURE_SNAPLEN));

	snprintf(name, sizeof(name), "vs_capp%u", seq);
	/* No per-lcore cache: the copies of a capture are few, and a cache
	 * would hide pool exhaustion behind other lcores' stashes. */
	cap->mp = rte_pktmbuf_pool_create(name, VS_CAPTURE_POOL, 0, 0, (uint16_t)room,
					  (int)rte_socket_id());
	snprintf(name, sizeof(name), "vs_capr%u", seq);
	cap->ring = rte_ring_create(name, VS_CAPTURE_RING, (int)rte_socket_id(), RING_F_SC_DEQ);
	if (cap->mp == NULL || cap->ring == NULL) {
		snprintf(err, errlen, "capture: cannot allocate the copy pool and ring: %s",
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

static int
vs_capture_attach(struct vs_capture *cap, char *err, size_t errlen)
{
	uint16_t eth = cap->port->eth_port;
	unsigned int q;

	__atomic_store_n(&cap->active, true, __ATOMIC_RELEASE);
	if (cap->st.dir & VS_CAPTURE_RX) {
		cap->rx_cb = rte_eth_add_rx_callback(eth, 0, vs_capture_rx_cb, cap);
		if (cap->rx_cb == NULL)
			goto fail;
	}
	if (cap->st.dir & VS_CAPTURE_TX) {
		for (q = 0; q < cap->dp->n_workers; q++) {
			cap->tx_cb[q] = rte_eth_add_tx_callback(eth, (uint16_t)q, vs_capture_tx_cb,
								cap);
			if (cap->tx_cb[q] == NULL)
				goto fail;
		}
	}
	return 0;
fail:
	snprintf(err, errlen, "capture: the device refused a capture callback: %s",
		 rte_strerror(rte_errno));
	return -ENOTSUP;
}

int
vs_dp_capture_start(struct vs_dp *dp, unsigned int idx, const struct vs_capture_conf *c,
		    char *err, size_t errlen)
{
	struct vs_port *p = idx < VS_MAX_PORTS ? &dp->ports[idx] : NULL;
	enum vs_capture_dir dir = c->dir ? c->dir : VS_CAPTURE_BOTH;
	struct vs_capture *cap;
	struct timespec ts;
	int rc;

	if (p == NULL || !p->in_use) {
		snprintf(err, errlen, "port: no port at index %u", idx);
		return -ENOENT;
	}
	if (p->cap != NULL && p->cap->st.end == VS_CAPTURE_END_RUNNING) {
		snprintf(err, errlen, "port: a capture is already running on '%s' (to %s)",
			 p->conf.name, p->cap->st.path);
		return -EBUSY;
	}
	if (c->path == NULL || c->path[0] == '\0' ||
	    strlen(c->path) >= sizeof(cap->st.path)) {
		snprintf(err, errlen, "file: expected a path of 1 to %zu characters",
			 sizeof(cap->st.path) - 1);
		return -EINVAL;
	}
	if (dir & ~VS_CAPTURE_BOTH) {
		snprintf(err, errlen, "dir: expected rx, tx or both");
		return -EINVAL;
	}
	if (c->format != VS_CAPTURE_PCAP && c->format != VS_CAPTURE_PCAPNG) {
		snprintf(err, errlen, "format: expected pcap or pcapng");
		return -EINVAL;
	}
	if ((rc = vs_capture_meta_register(err, errlen)) != 0)
		return rc;
	cap = calloc(1, sizeof(*cap));
	if (cap == NULL) {
		snprintf(err, errlen, "capture: out of memory");
		return -ENOMEM;
	}
	cap->dp = dp;
	cap->port = p;
	cap->fd = -1;
	snprintf(cap->st.port, sizeof(cap->st.port), "%s", p->conf.name);
	snprintf(cap->st.path, sizeof(cap->st.path), "%s", c->path);
	cap->st.dir = dir;
	cap->st.format = c->format;
	cap->st.max_frames = c->max_frames;
	cap->st.max_bytes = c->max_bytes;
	cap->tsc_hz = rte_get_tsc_hz();
	if ((rc = vs_capture_resources(cap, err, errlen)) != 0 ||
	    (rc = vs_capture_open_file(cap, err, errlen)) != 0)
		goto fail;
	if (c->max_bytes != 0 && cap->st.bytes > c->max_bytes) {
		snprintf(err, errlen, "max_bytes: %llu is smaller than the file header (%llu bytes)",
			 (unsigned long long)c->max_bytes, (unsigned long long)cap->st.bytes);
		rc = -EINVAL;
		goto fail;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	cap->start_tsc = rte_rdtsc();
	cap->start_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if ((rc = vs_capture_attach(cap, err, errlen)) != 0)
		goto fail;
	/* A finished capture's status gives way to the new one. */
	vs_capture_free(p->cap);
	p->cap = cap;
	return 0;
fail:
	vs_capture_release(cap);
	if (cap->created) /* a file that never held a capture is not left behind */
		(void)unlink(cap->st.path);
	free(cap);
	return rc;
}

unsigned int
vs_dp_capture_poll(struct vs_dp *dp)
{
	unsigned int i, running = 0;

	for (i = 0; i < VS_MAX_PORTS; i++) {
		struct vs_capture *cap = dp->ports[i].in_use ? dp->ports[i].cap : NULL;

		if (cap == NULL || cap->st.end != VS_CAPTURE_END_RUNNING)
			continue;
		vs_capture_drain(cap);
		if (cap->st.end != VS_CAPTURE_END_RUNNING)
			vs_capture_finish(cap, cap->st.end);
		else
			running++;
	}
	return running;
}

static void
vs_capture_fill(const struct vs_capture *cap, struct vs_capture_status *out)
{
	uint64_t end = cap->st.end == VS_CAPTURE_END_RUNNING ? rte_rdtsc() : cap->end_tsc;

	*out = cap->st;
	out->dropped = __atomic_load_n(&cap->dropped, __ATOMIC_RELAXED);
	out->duration_ms = end > cap->start_tsc ? (end - cap->start_tsc) * 1000 / cap->tsc_hz : 0;
}

int
vs_dp_capture_status(const struct vs_dp *dp, unsigned int idx, struct vs_capture_status *out)
{
	const struct vs_port *p = idx < VS_MAX_PORTS ? &dp->ports[idx] : NULL;

	if (p == NULL || !p->in_use || p->cap == NULL)
		return -ENOENT;
	vs_capture_fill(p->cap, out);
	return 0;
}

int
vs_dp_capture_stop(struct vs_dp *dp, unsigned int idx, struct vs_capture_status *out)
{
	struct vs_port *p = idx < VS_MAX_PORTS ? &dp->ports[idx] : NULL;

	if (p == NULL || !p->in_use || p->cap == NULL)
		return -ENOENT;
	if (p->cap->st.end == VS_CAPTURE_END_RUNNING)
		vs_capture_finish(p->cap, VS_CAPTURE_END_STOPPED);
	if (out != NULL)
		vs_capture_fill(p->cap, out);
	vs_capture_free(p->cap);
	p->cap = NULL;
	return 0;
}

void
vs_capture_port_closing(struct vs_port *p)
{
	if (p->cap == NULL)
		return;
	if (p->cap->st.end == VS_CAPTURE_END_RUNNING)
		vs_capture_finish(p->cap, VS_CAPTURE_END_PORT_DELETED);
	vs_capture_free(p->cap);
	p->cap = NULL;
}

const char *
vs_capture_end_name(enum vs_capture_end e)
{
	static const char *const names[] = {
#define VS_CAPTURE_END_NAME(id, name) [VS_CAPTURE_END_##id] = name,
		VS_CAPTURE_ENDS(VS_CAPTURE_END_NAME)
#undef VS_CAPTURE_END_NAME
	};
	return (unsigned int)e < VS_CAPTURE_END_MAX ? names[e] : "?";
}

const char *
vs_capture_dir_name(enum vs_capture_dir d)
{
	switch (d) {
	case VS_CAPTURE_RX:
		return "rx";
	case VS_CAPTURE_TX:
		return "tx";
	case VS_CAPTURE_BOTH:
		return "both";
	}
	return "?";
}

int
vs_capture_dir_parse(const char *s, enum vs_capture_dir *out)
{
	if (strcmp(s, "rx") == 0)
		*out = VS_CAPTURE_RX;
	else if (strcmp(s, "tx") == 0)
		*out = VS_CAPTURE_TX;
	else if (strcmp(s, "both") == 0)
		*out = VS_CAPTURE_BOTH;
	else
		return -EINVAL;
	return 0;
}

const char *
vs_capture_format_name(enum vs_capture_format f)
{
	return f == VS_CAPTURE_PCAPNG ? "pcapng" : f == VS_CAPTURE_PCAP ? "pcap" : "?";
}

int
vs_capture_format_parse(const char *s, enum vs_capture_format *out)
{
	if (strcmp(s, "pcap") == 0)
		*out = VS_CAPTURE_PCAP;
	else if (strcmp(s, "pcapng") == 0)
		*out = VS_CAPTURE_PCAPNG;
	else
		return -EINVAL;
	return 0;
}
