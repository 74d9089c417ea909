/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest simulator: channel open, GPADLs, the poll loop over the host→guest
 * ring and the control requests (NVSP messages, RNDIS query/set) that the
 * bring-up in guest_bringup.c is made of.
 */
#define _GNU_SOURCE /* F_OFD_SETLK, F_OFD_GETLK */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "guest_priv.h"

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
vs_guest_pfn(const struct vs_netvsp_guest *g, uint64_t arena_off)
{
	return g->o.gpa_base / VS_PAGE + arena_off / VS_PAGE;
}

int
vs_guest_send_pkt_q(struct vs_netvsp_guest *g, uint16_t q, uint16_t type, uint16_t flags,
		    uint64_t tid, const void *ext, uint32_t ext_len, const void *payload, uint32_t plen)
{
	bool sig;

	/* Our host polls with interrupt_mask = 1; sig is only ever true for
	 * an interrupt-driven host, and the transport has no doorbell. */
	return vs_ring_send(q == 0 ? &g->out : &g->sout[q], type, flags, tid, ext, ext_len, payload,
			    plen, &sig);
}

int
vs_guest_send_pkt(struct vs_netvsp_guest *g, uint16_t type, uint16_t flags, uint64_t tid,
		  const void *ext, uint32_t ext_len, const void *payload, uint32_t plen)
{
	return vs_guest_send_pkt_q(g, 0, type, flags, tid, ext, ext_len, payload, plen);
}

int
vs_netvsp_guest_raw(struct vs_netvsp_guest *g, uint16_t type, uint16_t flags, uint64_t tid,
		    const void *ext, uint32_t ext_len, const void *payload, uint32_t plen)
{
	return vs_guest_send_pkt(g, type, flags, tid, ext, ext_len, payload, plen);
}

int
vs_netvsp_guest_gpadl(struct vs_netvsp_guest *g, uint32_t handle, uint64_t off, uint64_t len)
{
	for (uint32_t i = 0; i < VS_CHAN_GPADLS; i++) {
		struct vs_chan_gpadl *e = &g->hdr->gpadl[i];

		if ((e->flags & VS_GPADL_VALID) && e->handle != handle)
			continue;
		e->handle = handle;
		e->offset = off;
		e->length = len;
		e->reserved = 0;
		/* The entry is complete before the NVSP message naming it. */
		__atomic_store_n(&e->flags, VS_GPADL_VALID, __ATOMIC_RELEASE);
		return 0;
	}
	return -ENOSPC;
}

int
vs_netvsp_guest_open(const char *path, const struct vs_netvsp_guest_opts *opts,
		     struct vs_netvsp_guest **out)
{
	struct vs_netvsp_guest *g = calloc(1, sizeof(*g));
	struct vs_chan_hdr h;
	int rc;

	*out = NULL;
	if (g == NULL)
		return -ENOMEM;
	if (opts != NULL)
		g->o = *opts;
	if (g->o.max_version == 0)
		g->o.max_version = NVSP_V61;
	if (g->o.timeout_ms == 0)
		g->o.timeout_ms = 5000;
	g->fd = open(path, O_RDWR | O_CLOEXEC);
	if (g->fd < 0) {
		rc = -errno;
		free(g);
		return rc;
	}
	if (pread(g->fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h.magic, VS_CHAN_MAGIC, 8) != 0 || h.layout != VS_CHAN_LAYOUT ||
	    h.host_state != VS_HOST_OFFERED || h.g2h_ring_size != h.h2g_ring_size) {
		close(g->fd);
		free(g);
		return -EPROTO;
	}
	/* One guest per channel, and the host sees this one go if it dies. */
	if (fcntl(g->fd, F_OFD_SETLK,
		  &(struct flock){.l_type = F_WRLCK, .l_whence = SEEK_SET,
				  .l_start = VS_CHAN_LOCK_OFF, .l_len = VS_CHAN_LOCK_LEN}) != 0) {
		rc = errno == EAGAIN || errno == EACCES ? -EBUSY : -errno;
		close(g->fd);
		free(g);
		return rc;
	}
	g->map_len = h.arena_off + h.arena_size;
	g->map = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, g->fd, 0);
	g->rxq = calloc(G_RXQ, sizeof(*g->rxq));
	g->rxd = malloc(G_RXD);
	if (g->map == MAP_FAILED || g->rxq == NULL || g->rxd == NULL) {
		if (g->map != MAP_FAILED)
			munmap(g->map, g->map_len);
		close(g->fd);
		free(g->rxq);
		free(g->rxd);
		free(g);
		return -ENOMEM;
	}
	g->hdr = (struct vs_chan_hdr *)g->map;
	g->arena = g->map + h.arena_off;
	g->arena_size = h.arena_size;
	/* The netdev's MTU: chosen (ip link set mtu), else what is offered. */
	g->st.l3_mtu = g->o.mtu ? g->o.mtu : h.mtu;
	memcpy(g->st.mac, h.mac, 6);
	vs_ring_attach(&g->out, g->map + VS_PAGE, h.g2h_ring_size);
	vs_ring_attach(&g->in, g->map + VS_PAGE + h.g2h_ring_size, h.h2g_ring_size);
	/* As hv_ringbuffer_init: indices 0, pending_send_sz supported. */
	vs_ring_init_ctl(&g->out, VMBUS_FEAT_PENDING_SEND_SZ);
	vs_ring_init_ctl(&g->in, VMBUS_FEAT_PENDING_SEND_SZ);
	vs_ring_set_mask(&g->in, 0);
	g->hdr->gpa_base = g->o.gpa_base;
	for (uint32_t i = 0; i < VS_CHAN_GPADLS; i++)
		g->hdr->gpadl[i].flags = 0;
	g->next_tid = 1;
	g->next_rid = 1;
	/* A new session, even over a predecessor's OPEN that the host has
	 * not yet seen go. */
	h.guest_session = g->hdr->guest_session + 1;
	__atomic_store_n(&g->hdr->guest_session, h.guest_session ? h.guest_session : 1,
			 __ATOMIC_RELEASE);
	g->st.queues = 1;
	__atomic_store_n(&g->hdr->sub_open, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&g->hdr->guest_state, VS_GUEST_OPEN, __ATOMIC_RELEASE);
	*out = g;
	return 0;
}

bool
vs_netvsp_guest_rescinded(const struct vs_netvsp_guest *g)
{
	return __atomic_load_n(&g->hdr->host_state, __ATOMIC_ACQUIRE) == VS_HOST_RESCINDED;
}

void
vs_netvsp_guest_set_idle(struct vs_netvsp_guest *g, void (*idle)(void *), void *arg)
{
	g->o.idle = idle;
	g->o.idle_arg = arg;
}

void
vs_netvsp_guest_stats(const struct vs_netvsp_guest *g, struct vs_netvsp_guest_stats *s)
{
	*s = g->st;
}

uint8_t *
vs_netvsp_guest_arena(struct vs_netvsp_guest *g, uint64_t *size, uint64_t *gpa_base)
{
	if (size != NULL)
		*size = g->arena_size;
	if (gpa_base != NULL)
		*gpa_base = g->o.gpa_base;
	return g->arena;
}

/* ---- the host→guest ring ---- */

static void
control_reply(struct vs_netvsp_guest *g, const uint8_t *m, uint32_t len)
{
	uint32_t type, rid;

	memcpy(&type, m, 4);
	if (type == RNDIS_INDICATE) {
		struct rndis_indicate ind;

		if (len < sizeof(ind)) {
			g->st.protocol_errors++;
			return;
		}
		memcpy(&ind, m, sizeof(ind));
		if (ind.status == RNDIS_MEDIA_CONNECT || ind.status == RNDIS_MEDIA_DISCONNECT) {
			g->st.link_up = ind.status == RNDIS_MEDIA_CONNECT;
			g->st.link_events++;
		}
		return;
	}
	if (!(type & RNDIS_CMPLT) || len < 12 || len > sizeof(g->reply)) {
		g->st.protocol_errors++;
		return;
	}
	memcpy(&rid, m + 8, 4);
	if (type == (RNDIS_RESET | RNDIS_CMPLT))
		rid = 0; /* RESET_CMPLT carries no request id (ref §4.3) */
	memcpy(g->reply, m, len);
	g->reply_len = len;
	g->reply_rid = rid;
	g->reply_valid = true;
}

/* Called by guest_dp.c for channel-type-1 messages too. */
void vs_guest_control_msg(struct vs_netvsp_guest *g, const uint8_t *m, uint32_t len);
void
vs_guest_control_msg(struct vs_netvsp_guest *g, const uint8_t *m, uint32_t len)
{
	control_reply(g, m, len);
}

static int
poll_channel(struct vs_netvsp_guest *g, uint16_t q)
{
	struct vs_ring *in = q == 0 ? &g->in : &g->sin[q];
	int n = 0;

	g->cur_q = q;
	for (;;) {
		struct vs_ring_pkt p;
		int rc = vs_ring_peek(in, g->pkt, sizeof(g->pkt), &p);
		const uint8_t *pl;
		uint32_t plen;

		if (rc == -EAGAIN)
			break;
		if (rc != 0) {
			g->st.protocol_errors++;
			if (rc != -EMSGSIZE)
				break;
			vs_ring_skip(in, &p);
			continue;
		}
		pl = p.buf + p.d.offset8 * 8u;
		plen = p.len - p.d.offset8 * 8u;
		if (p.d.type == VMBUS_PKT_COMP) {
			if (p.d.tid >= G_TID_SECTION) {
				uint32_t st = 0;

				if (plen >= 8)
					memcpy(&st, pl + 4, 4);
				vs_guest_tx_done(g, p.d.tid, st);
			} else if (plen <= sizeof(g->comp)) {
				memcpy(g->comp, pl, plen);
				g->comp_len = plen;
				g->comp_tid = p.d.tid;
				g->comp_valid = true;
			} else {
				g->st.protocol_errors++;
			}
		} else if (p.d.type == VMBUS_PKT_XFER_PAGES) {
			vs_guest_indication(g, &p);
		} else if (p.d.type != VMBUS_PKT_INBAND) {
			g->st.protocol_errors++;
		}
		vs_ring_skip(in, &p);
		n++;
	}
	vs_ring_commit_read(in);
	return n;
}

int
vs_netvsp_guest_poll(struct vs_netvsp_guest *g)
{
	int n = 0;

	for (uint16_t q = 0; q < g->st.queues; q++)
		n += poll_channel(g, q);
	g->cur_q = 0;
	return n;
}

int
vs_guest_wait(struct vs_netvsp_guest *g, bool (*done)(struct vs_netvsp_guest *, void *), void *arg)
{
	uint64_t end = now_ms() + g->o.timeout_ms;

	for (;;) {
		if (vs_netvsp_guest_poll(g) == 0) {
			if (done(g, arg))
				return 0;
			if (now_ms() > end)
				return -ETIMEDOUT;
			if (g->o.idle != NULL)
				g->o.idle(g->o.idle_arg);
			else
				sched_yield();
		} else if (done(g, arg)) {
			return 0;
		}
	}
}

/* ---- NVSP requests ---- */

static bool
comp_arrived(struct vs_netvsp_guest *g, void *arg)
{
	return g->comp_valid && g->comp_tid == *(uint64_t *)arg;
}

int
vs_netvsp_guest_nvsp(struct vs_netvsp_guest *g, const void *msg, uint32_t len, bool rc, void *reply,
		     uint32_t *rlen)
{
	uint8_t buf[64] = {0};
	uint64_t tid = g->next_tid++;
	int r;

	if (len > sizeof(buf))
		return -EINVAL;
	memcpy(buf, msg, len);
	g->comp_valid = false;
	/* Linux and DPDK always send the 40-byte nvsp_message (ref §3.4). */
	r = vs_guest_send_pkt(g, VMBUS_PKT_INBAND, rc ? VMBUS_FLAG_RC : 0, tid, NULL, 0, buf,
			      len < NVSP_MSG_V61 ? NVSP_MSG_V61 : len);
	if (r != 0 || !rc)
		return r;
	r = vs_guest_wait(g, comp_arrived, &tid);
	if (r == 0 && reply != NULL) {
		uint32_t n = g->comp_len < *rlen ? g->comp_len : *rlen;

		memcpy(reply, g->comp, n);
		*rlen = g->comp_len;
	}
	return r;
}

/* ---- RNDIS requests: GPA-direct, channel type 1 (ref §5.1) ---- */

static bool
reply_arrived(struct vs_netvsp_guest *g, void *arg)
{
	const uint64_t *w = arg; /* {tid, rid} */

	return g->reply_valid && g->reply_rid == (uint32_t)w[1] && g->comp_valid &&
	       g->comp_tid == w[0];
}

static bool
comp_only(struct vs_netvsp_guest *g, void *arg)
{
	return g->comp_valid && g->comp_tid == ((uint64_t *)arg)[0];
}

int
vs_netvsp_guest_rndis(struct vs_netvsp_guest *g, void *msg, uint32_t len, bool expect_reply,
		      void *reply, uint32_t *rlen)
{
	struct nvsp_rndis_pkt np = {NVSP_RNDIS_PKT, 1, NVSP_NO_SECTION, 0};
	uint8_t nv[NVSP_MSG_V61] = {0}, ext[8 + 8 + 8 * 2];
	uint32_t type, rid = g->next_rid++, k, zero = 0, one = 1;
	uint64_t w[2], pfn;
	struct vmbus_gpa_range r = {len, 0};
	int rc;

	if (len < 12 || len > 2 * VS_PAGE)
		return -EINVAL;
	memcpy(&type, msg, 4);
	if (type == RNDIS_RESET)
		rid = 0;
	else
		memcpy((uint8_t *)msg + 8, &rid, 4);
	memcpy(g->arena + g->ctl_off, msg, len);
	k = (len + VS_PAGE - 1) / VS_PAGE;
	memcpy(ext, &zero, 4);
	memcpy(ext + 4, &one, 4);
	memcpy(ext + 8, &r, 8);
	for (uint32_t i = 0; i < k; i++) {
		pfn = vs_guest_pfn(g, g->ctl_off + i * VS_PAGE);
		memcpy(ext + 16 + 8 * i, &pfn, 8);
	}
	memcpy(nv, &np, sizeof(np));
	w[0] = g->next_tid++;
	w[1] = rid;
	g->comp_valid = g->reply_valid = false;
	rc = vs_guest_send_pkt(g, VMBUS_PKT_GPA_DIRECT, VMBUS_FLAG_RC, w[0], ext, 16 + 8 * k, nv,
			       sizeof(nv));
	if (rc != 0)
		return rc;
	rc = vs_guest_wait(g, expect_reply ? reply_arrived : comp_only, w);
	if (rc == 0 && expect_reply && reply != NULL) {
		uint32_t n = g->reply_len < *rlen ? g->reply_len : *rlen;

		memcpy(reply, g->reply, n);
		*rlen = g->reply_len;
	}
	return rc;
}

static int
query_set(struct vs_netvsp_guest *g, uint32_t type, uint32_t oid, const void *in, uint32_t inlen,
	  void *out, uint32_t *outlen, uint32_t *status)
{
	uint8_t m[sizeof(struct rndis_query) + 1024];
	struct rndis_query q = {{type, (uint32_t)sizeof(q) + inlen}, 0, oid, inlen, 20, 0};
	struct rndis_query_cmplt c;
	uint32_t rlen = sizeof(g->reply);
	int rc;

	if (inlen > 1024)
		return -EINVAL;
	memcpy(m, &q, sizeof(q));
	if (inlen > 0)
		memcpy(m + sizeof(q), in, inlen);
	rc = vs_netvsp_guest_rndis(g, m, sizeof(q) + inlen, true, NULL, &rlen);
	if (rc != 0)
		return rc;
	if (type == RNDIS_SET) {
		if (g->reply_len < 16)
			return -EPROTO;
		memcpy(status, g->reply + 12, 4);
		return 0;
	}
	if (g->reply_len < sizeof(c))
		return -EPROTO;
	memcpy(&c, g->reply, sizeof(c));
	*status = c.status;
	/* As Linux's rndis_filter_query_device: the info must lie inside the
	 * reply and not be longer than asked for (ref §4.5). */
	if (c.info_len > 0 && (c.info_off < 16 || (uint64_t)8 + c.info_off + c.info_len > g->reply_len ||
			       c.info_len > *outlen))
		return -EPROTO;
	memcpy(out, g->reply + 8 + c.info_off, c.info_len);
	*outlen = c.info_len;
	return 0;
}

int
vs_netvsp_guest_query(struct vs_netvsp_guest *g, uint32_t oid, const void *in, uint32_t inlen,
		      void *out, uint32_t *outlen, uint32_t *status)
{
	return query_set(g, RNDIS_QUERY, oid, in, inlen, out, outlen, status);
}

int
vs_netvsp_guest_set(struct vs_netvsp_guest *g, uint32_t oid, const void *in, uint32_t inlen,
		    uint32_t *status)
{
	return query_set(g, RNDIS_SET, oid, in, inlen, NULL, NULL, status);
}
