/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest simulator, frames: transmit through send-buffer sections or
 * GPA-direct pages (ref §5.2), receive indications and their completions
 * (ref §2.3, §2.4).  What the host sends is checked as hv_netvsc would:
 * set id 0xCAFE, ranges inside the receive buffer, well-formed RNDIS.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "guest_priv.h"

void vs_guest_control_msg(struct vs_netvsp_guest *g, const uint8_t *m, uint32_t len);

static uint32_t
put_ppi(uint8_t *p, uint32_t type, uint32_t v)
{
	struct rndis_ppi e = {16, type, 12};

	memcpy(p, &e, sizeof(e));
	memcpy(p + 12, &v, 4);
	return 16;
}

/* RNDIS PACKET header and PPIs (ref §4.11: ppi_off 36, data right after). */
static uint32_t
packet_header(uint8_t *dst, uint32_t len, const struct vs_netvsp_guest_ppi *pp)
{
	struct rndis_packet h = {.h = {RNDIS_PACKET, 0}};
	uint8_t ppi[64];
	uint32_t np = 0;

	if (pp != NULL && pp->vlan)
		np += put_ppi(ppi + np, PPI_VLAN,
			      (uint32_t)(pp->tci >> 13) | ((pp->tci >> 12) & 1u) << 3 |
				      (uint32_t)(pp->tci & 0xfff) << 4);
	if (pp != NULL && pp->lso)
		np += put_ppi(ppi + np, PPI_LSO, pp->lso_info);
	else if (pp != NULL && pp->csum)
		np += put_ppi(ppi + np, PPI_CSUM, pp->csum_info);
	h.ppi_off = np ? 36 : 0;
	h.ppi_len = np;
	h.data_off = 36 + np;
	h.data_len = len;
	h.h.len = sizeof(h) + np + len;
	memcpy(dst, &h, sizeof(h));
	memcpy(dst + sizeof(h), ppi, np);
	return sizeof(h) + np;
}

static int
send_section(struct vs_netvsp_guest *g, const void *const *frames, const uint32_t *lens,
	     const struct vs_netvsp_guest_ppi *ppis, uint32_t n)
{
	struct nvsp_rndis_pkt np = {NVSP_RNDIS_PKT, 0, 0, 0};
	uint8_t nv[NVSP_MSG_V61] = {0};
	uint32_t sec, off = 0;
	uint8_t *base;
	int rc;

	if (!g->send_ok || n > g->max_pkts)
		return -EINVAL;
	if (g->n_sec_free == 0)
		return -EAGAIN;
	sec = g->sec_free[g->n_sec_free - 1];
	base = g->arena + g->send_off + (uint64_t)sec * g->section_size;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t h, total;

		if (off + 44 + 64 + lens[i] > g->section_size)
			return -EMSGSIZE;
		h = packet_header(base + off, lens[i], ppis ? &ppis[i] : NULL);
		memcpy(base + off + h, frames[i], lens[i]);
		total = h + lens[i];
		/* Pad every packet but the last to the host's alignment, and
		 * say so in its length, as netvsc_copy_to_send_buf does. */
		if (i + 1 < n) {
			uint32_t pad = (total + g->align - 1) / g->align * g->align - total;

			memset(base + off + total, 0, pad);
			total += pad;
			memcpy(base + off + 4, &total, 4);
		}
		off += total;
	}
	np.section_index = sec;
	np.section_size = off;
	memcpy(nv, &np, sizeof(np));
	rc = vs_guest_send_pkt_q(g, g->tx_q, VMBUS_PKT_INBAND, VMBUS_FLAG_RC, G_TID_SECTION | sec,
				 NULL, 0, nv, sizeof(nv));
	if (rc == 0) {
		g->n_sec_free--;
		g->tx_outstanding++;
		g->st.tx_sent += n;
	}
	return rc;
}

/* One frame GPA-direct: range 0 = the RNDIS header page, range 1 = the
 * frame's pages (Linux since the multi-pfn change, ref §1.4). */
static int
send_gpa(struct vs_netvsp_guest *g, const void *frame, uint32_t len,
	 const struct vs_netvsp_guest_ppi *pp)
{
	struct nvsp_rndis_pkt np = {NVSP_RNDIS_PKT, 0, NVSP_NO_SECTION, 0};
	uint8_t nv[NVSP_MSG_V61] = {0}, ext[8 + 16 + 8 + 8 * G_SLOT_PAGES];
	uint32_t slot, h, k, pos, zero = 0, two = 2;
	uint64_t at, pfn;
	struct vmbus_gpa_range r;
	int rc;

	if (len > (G_SLOT_PAGES - 1) * VS_PAGE)
		return -EMSGSIZE;
	if (g->n_slot_free == 0)
		return -EAGAIN;
	slot = g->slot_free[g->n_slot_free - 1];
	at = g->slot_off + (uint64_t)slot * G_SLOT_PAGES * VS_PAGE;
	h = packet_header(g->arena + at, len, pp);
	memcpy(g->arena + at + VS_PAGE, frame, len);
	memcpy(ext, &zero, 4);
	memcpy(ext + 4, &two, 4);
	r = (struct vmbus_gpa_range){h, 0};
	memcpy(ext + 8, &r, 8);
	pfn = vs_guest_pfn(g, at);
	memcpy(ext + 16, &pfn, 8);
	r = (struct vmbus_gpa_range){len, 0};
	memcpy(ext + 24, &r, 8);
	k = (len + VS_PAGE - 1) / VS_PAGE;
	pos = 32;
	for (uint32_t i = 0; i < k; i++, pos += 8) {
		pfn = vs_guest_pfn(g, at + (1 + i) * VS_PAGE);
		memcpy(ext + pos, &pfn, 8);
	}
	memcpy(nv, &np, sizeof(np));
	rc = vs_guest_send_pkt_q(g, g->tx_q, VMBUS_PKT_GPA_DIRECT, VMBUS_FLAG_RC, G_TID_SLOT | slot,
				 ext, pos, nv, sizeof(nv));
	if (rc == 0) {
		g->n_slot_free--;
		g->tx_outstanding++;
		g->st.tx_sent++;
	}
	return rc;
}

int
vs_netvsp_guest_send(struct vs_netvsp_guest *g, const void *const *frames, const uint32_t *lens,
		     const struct vs_netvsp_guest_ppi *ppis, uint32_t n,
		     enum vs_netvsp_guest_path path)
{
	if (n == 0)
		return 0;
	if (path == VS_GUEST_TX_SECTION)
		return send_section(g, frames, lens, ppis, n);
	/* One VMBus packet a frame: the ring may fill part-way, and frames
	 * already sent must not be sent again by a caller that retries. */
	for (uint32_t i = 0; i < n; i++) {
		int rc = send_gpa(g, frames[i], lens[i], ppis ? &ppis[i] : NULL);

		if (rc != 0)
			return i > 0 ? (int)i : rc;
	}
	return 0;
}

uint32_t
vs_netvsp_guest_tx_outstanding(const struct vs_netvsp_guest *g)
{
	return g->tx_outstanding;
}

void
vs_guest_tx_done(struct vs_netvsp_guest *g, uint64_t tid, uint32_t status)
{
	uint64_t idx = tid & ((1ull << 40) - 1);

	if ((tid & ~((1ull << 40) - 1)) == G_TID_SECTION && idx < g->num_sections)
		g->sec_free[g->n_sec_free++] = (uint32_t)idx;
	else if ((tid & ~((1ull << 40) - 1)) == G_TID_SLOT && idx < G_SLOTS)
		g->slot_free[g->n_slot_free++] = (uint32_t)idx;
	else {
		g->st.protocol_errors++; /* "Incorrect transaction id" in Linux */
		return;
	}
	g->tx_outstanding--;
	if (status == NVSP_STAT_SUCCESS)
		g->st.tx_completed++;
	else
		g->st.tx_failed++;
}

static void
complete_rx(struct vs_netvsp_guest *g, uint64_t tid)
{
	/* Linux sends type + status, 8 bytes (ref §2.4). */
	struct nvsp_status c = {NVSP_RNDIS_PKT_COMPLETE, NVSP_STAT_SUCCESS};

	/* On the channel the indication came on (held ones remember it in
	 * the bits above the section id). */
	uint16_t q = (uint16_t)(tid >> 48);

	if (g->hold && g->n_held < g->held_cap) {
		g->held[g->n_held++] = tid;
		g->st.completions_held++;
		return;
	}
	tid &= (1ull << 48) - 1;
	if (vs_guest_send_pkt_q(g, q, VMBUS_PKT_COMP, 0, tid, NULL, 0, &c, sizeof(c)) == 0)
		g->st.completions_sent++;
	else
		g->st.protocol_errors++;
}

void
vs_netvsp_guest_hold_completions(struct vs_netvsp_guest *g, bool hold)
{
	g->hold = hold;
	if (hold)
		return;
	while (g->n_held > 0) {
		complete_rx(g, g->held[0]);
		memmove(g->held, g->held + 1, (g->n_held - 1) * sizeof(*g->held));
		g->n_held--;
	}
}

/* Room for len contiguous bytes at the tail of the byte ring; NULL when
 * the queue is full. */
static uint8_t *
rxq_reserve(struct vs_netvsp_guest *g, uint32_t len, uint64_t *end)
{
	uint32_t pos = (uint32_t)(g->rxd_tail % G_RXD);
	uint32_t skip = pos + len > G_RXD ? G_RXD - pos : 0;

	if (g->rxq_n == G_RXQ || g->rxd_tail - g->rxd_head + skip + len > G_RXD)
		return NULL;
	*end = g->rxd_tail + skip + len;
	return g->rxd + (skip ? 0 : pos);
}

/* Queues a frame described by e with its bytes. */
static void
rxq_push(struct vs_netvsp_guest *g, const struct vs_guest_rxent *e, const uint8_t *data)
{
	struct vs_guest_rxent *q;
	uint64_t end;
	uint8_t *dst = rxq_reserve(g, e->len, &end);

	if (dst == NULL) {
		g->st.rx_dropped++;
		return;
	}
	memcpy(dst, data, e->len);
	q = &g->rxq[(g->rxq_head + g->rxq_n++) % G_RXQ];
	*q = *e;
	q->end = end;
	g->rxd_tail = end;
	g->st.rx_frames++;
	g->st.rx_frames_q[e->queue]++; /* < queues */
}

static void
rsc_abort(struct vs_netvsp_guest *g)
{
	g->rsc_active = false;
	g->st.protocol_errors++;
}

/* One fragment of a coalesced frame, in the order Linux accepts. */
static void
rsc_fragment(struct vs_netvsp_guest *g, const struct vs_pktinfo *pi, const struct vs_guest_rxent *e,
	     const uint8_t *data)
{
	bool first = pi->rsc.flags & PPI_RSC_FIRST, last = pi->rsc.flags & PPI_RSC_LAST;

	if (!g->rsc_ever) {
		/* The host must not coalesce for a guest that did not ask. */
		g->st.protocol_errors++;
		return;
	}
	if (first) {
		if (g->rsc_active)
			rsc_abort(g); /* the previous one never ended */
		g->rsc_active = true;
		g->rsc_id = pi->rsc.id;
		g->rsc_meta = *e;
		g->rsc_meta.len = 0;
		g->rsc_meta.rsc = true;
		g->rsc_meta.rsc_frags = 0;
	} else if (!g->rsc_active || pi->rsc.id != g->rsc_id) {
		if (g->rsc_active)
			g->rsc_active = false;
		g->st.protocol_errors++;
		return;
	}
	if (e->len > VS_NETVSP_GUEST_FRAME_MAX - g->rsc_meta.len ||
	    g->rsc_meta.rsc_frags >= NVSP_RSC_MAX) {
		rsc_abort(g);
		return;
	}
	memcpy(g->rsc_buf + g->rsc_meta.len, data, e->len);
	g->rsc_meta.len += e->len;
	g->rsc_meta.rsc_frags++;
	g->st.rx_rsc_fragments++;
	if (!last)
		return;
	g->rsc_active = false;
	g->st.rx_rsc_frames++;
	rxq_push(g, &g->rsc_meta, g->rsc_buf);
}

static void
rx_frame(struct vs_netvsp_guest *g, const uint8_t *m, uint32_t len)
{
	struct vs_pktinfo pi;
	enum vs_netvsp_counter why;
	struct vs_guest_rxent e = {0};

	if (vs_rndis_packet_parse(m, len, len, &pi, &why) != 0 ||
	    pi.data_len > VS_NETVSP_GUEST_FRAME_MAX) {
		g->st.protocol_errors++;
		return;
	}
	e.len = pi.data_len;
	e.vlan = pi.has_vlan;
	e.tci = (uint16_t)((pi.vlan & 7) << 13 | ((pi.vlan >> 3) & 1) << 12 |
			   ((pi.vlan >> 4) & 0xfff));
	e.csum = pi.has_csum;
	e.csum_info = pi.csum;
	e.rsc_frags = 1;
	e.queue = g->cur_q;
	e.hash = pi.has_hash && pi.has_hash_info;
	e.hash_value = pi.hash;
	e.hash_info = pi.hash_info;
	if (pi.has_rsc && (pi.rsc.flags & PPI_RSC_SUBALLOC)) {
		rsc_fragment(g, &pi, &e, m + pi.data_off);
		return;
	}
	if (g->rsc_active)
		rsc_abort(g); /* a whole frame between two fragments */
	rxq_push(g, &e, m + pi.data_off);
}

void
vs_guest_indication(struct vs_netvsp_guest *g, const struct vs_ring_pkt *p)
{
	struct vmbus_xfer_hdr x;
	uint32_t ext = p->d.offset8 * 8u;

	if (p->len < sizeof(x)) {
		g->st.protocol_errors++;
		return;
	}
	memcpy(&x, p->buf, sizeof(x));
	/* Both guests drop anything but set 0xCAFE, and DPDK any tid ≥ the
	 * number of sections (ref §2.3). */
	if (x.set_id != NVSP_RECV_BUF_ID || !g->recv_ok || x.d.tid >= g->num_sub ||
	    (uint64_t)sizeof(x) + 8ull * x.range_count > ext) {
		g->st.protocol_errors++;
		return;
	}
	g->st.rx_indications++;
	for (uint32_t i = 0; i < x.range_count; i++) {
		struct vmbus_xfer_range r;
		uint32_t type;

		memcpy(&r, p->buf + sizeof(x) + 8 * i, 8);
		if (r.byte_offset > g->recv_size || r.byte_count > g->recv_size - r.byte_offset ||
		    r.byte_count < 8 || r.byte_count > sizeof(g->msg)) {
			g->st.protocol_errors++;
			continue;
		}
		memcpy(g->msg, g->arena + g->recv_off + r.byte_offset, r.byte_count);
		memcpy(&type, g->msg, 4);
		if (type == RNDIS_PACKET)
			rx_frame(g, g->msg, r.byte_count);
		else
			vs_guest_control_msg(g, g->msg, r.byte_count);
	}
	/* Linux drops a coalesced frame whose last fragment is not in the
	 * packet that began it. */
	if (g->rsc_active)
		rsc_abort(g);
	complete_rx(g, p->d.tid | (uint64_t)g->cur_q << 48);
}

int
vs_netvsp_guest_recv(struct vs_netvsp_guest *g, struct vs_netvsp_guest_frame *f)
{
	const struct vs_guest_rxent *q = &g->rxq[g->rxq_head];

	if (g->rxq_n == 0)
		return -EAGAIN;
	/* The frame's bytes only: a whole frame struct is 64 KB, a frame
	 * often 60. */
	f->len = q->len;
	f->vlan = q->vlan;
	f->csum = q->csum;
	f->rsc = q->rsc;
	f->tci = q->tci;
	f->csum_info = q->csum_info;
	f->rsc_frags = q->rsc_frags;
	f->queue = q->queue;
	f->hash = q->hash;
	f->hash_value = q->hash_value;
	f->hash_info = q->hash_info;
	memcpy(f->data, g->rxd + (q->end - q->len) % G_RXD, q->len);
	g->rxd_head = q->end;
	g->rxq_head = (g->rxq_head + 1) % G_RXQ;
	g->rxq_n--;
	return 0;
}
