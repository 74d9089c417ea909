/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest → host: reads the guest→host ring, turns the guest's RNDIS packets
 * into mbufs, completes the guest's packets, takes receive completions and
 * queues control messages for the control thread (ref §5.2).  Runs with
 * the rings' token held: in rx_burst on a worker, or in ctl_poll before the data path
 * ran (mp NULL: frames are completed and dropped).  No allocation besides
 * mbufs, no locks, no logs.
 *
 * Guest-controlled fields and their bounds (ref §6.1, §6.2, §6.3):
 *   field                       bound
 *   ring indices, descriptor    vmbus_ring.c (vs_ring_peek)
 *   packet type                 0x6, 0x9 or 0xb; flags only bit 0
 *   packet length               ≤ VS_RING_MAX_PKT, else skipped and failed
 *   completion payload          ≥ 8 bytes, type 108
 *   completion transaction id   < num_sub and naming the head section of
 *                               a packet in flight (CAS HEAD→DONE, so a
 *                               duplicate is refused)
 *   107 section index           0xFFFFFFFF, or < sections with a send buffer
 *   107 section size            8 ≤ size ≤ 6144 with a valid index
 *   GPA range count             ≥ 1, ranges inside the packet's extension
 *   GPA range                   byte_count > 0, byte_offset < 4096, its
 *                               ceil((off+count)/4096) pfns present, each
 *                               pfn − base/4096 < arena pages
 *   stream                      ≤ VS_MAX_STREAM bytes in ≤ VS_MAX_SEGS pieces
 *   RNDIS messages per packet   ≤ VS_RX_MAX_PKTS, each ≥ 8 bytes (rndis.c)
 *   control message             first and only message, ≤ VS_CTL_MSG_MAX
 *   frame                       14 ≤ len ≤ the guest's L2 MTU, + 4 with an
 *                               802.1Q tag in the data (LSO: ≤ 62780 + 14)
 *   checksum PPI                not IPv4 and IPv6, not TCP and UDP; L4
 *                               offset 0 (minimal headers) or ≥ 14+20/40
 *                               and < len
 *   LSO PPI                     1 ≤ MSS, headers + MSS ≤ the frame bound; TCP offset as above and
 *                               offset + 13 < len; TCP header inside frame
 *   VLAN PPI                    VLAN id ≠ 4095
 * A bad field fails the guest packet (completion status 2) and is counted;
 * a corrupt ring stops the channel (ctl_poll returns -EPIPE).
 */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "netvsp_priv.h"

#define RX_BUDGET 256 /* ring packets per call: bounds the time one guest takes */

bool
vs_sg_copy(const struct vs_netvsp *ch, const struct vs_sg *sg, uint32_t off, uint32_t len,
	   void *dst)
{
	uint8_t *d = dst;
	uint32_t i = 0;

	if (off > sg->total || len > sg->total - off)
		return false;
	while (len > 0) {
		uint32_t n;

		while (off >= sg->len[i]) {
			off -= sg->len[i];
			i++;
		}
		n = RTE_MIN(len, sg->len[i] - off);
		memcpy(d, ch->arena + sg->off[i] + off, n);
		d += n;
		len -= n;
		off = 0;
		i++;
	}
	return true;
}

static bool
sg_add(struct vs_netvsp *ch, struct vs_sg *sg, uint64_t off, uint32_t len)
{
	if (off > ch->arena_size || len > ch->arena_size - off ||
	    len > VS_MAX_STREAM - sg->total)
		return false;
	if (sg->n > 0 && sg->off[sg->n - 1] + sg->len[sg->n - 1] == off) {
		sg->len[sg->n - 1] += len;
	} else {
		if (sg->n == VS_MAX_SEGS)
			return false;
		sg->off[sg->n] = off;
		sg->len[sg->n++] = len;
	}
	sg->total += len;
	return true;
}

/* GPA-direct ranges (ref §1.4): {byte_count, byte_offset, pfn[k]}... */
static bool
sg_add_gpa(struct vs_netvsp *ch, struct vs_sg *sg, const uint8_t *ext, uint32_t ext_len)
{
	uint64_t base = __atomic_load_n(&ch->hdr->gpa_base, __ATOMIC_RELAXED);
	uint64_t pages = ch->arena_size / VS_PAGE, base_pfn = base / VS_PAGE;
	uint32_t count, pos = 8;

	if (ext_len < 8 || base % VS_PAGE != 0)
		return false;
	memcpy(&count, ext + 4, 4);
	if (count == 0)
		return false;
	for (uint32_t r = 0; r < count; r++) {
		struct vmbus_gpa_range g;
		uint32_t k, off;

		if (pos > ext_len || ext_len - pos < sizeof(g))
			return false;
		memcpy(&g, ext + pos, sizeof(g));
		pos += sizeof(g);
		k = (g.byte_offset + g.byte_count + VS_PAGE - 1) / VS_PAGE;
		if (g.byte_count == 0 || g.byte_offset >= VS_PAGE || g.byte_count > VS_MAX_STREAM ||
		    (ext_len - pos) / 8 < k) {
			vs_viol_note(ch, VIOL_GPA_RANGE, g.byte_count, g.byte_offset, count);
			return false;
		}
		off = g.byte_offset;
		for (uint32_t i = 0; i < k; i++) {
			uint64_t pfn, page;
			uint32_t n = RTE_MIN(VS_PAGE - off, g.byte_count);

			memcpy(&pfn, ext + pos + 8 * i, 8);
			page = pfn - base_pfn; /* below base wraps and is refused */
			if (pfn < base_pfn || page >= pages) {
				vs_viol_note(ch, VIOL_GPA_PAGE, pfn, base_pfn, pages);
				return false;
			}
			if (!sg_add(ch, sg, page * VS_PAGE + off, n))
				return false;
			g.byte_count -= n;
			off = 0;
		}
		pos += 8 * k;
	}
	return true;
}

static void
complete(struct vs_netvsp *ch, uint64_t tid, uint32_t status)
{
	struct vs_rx *rx = &ch->rx;
	uint8_t msg[NVSP_MSG_V61] = {0};
	struct nvsp_status st = {NVSP_RNDIS_PKT_COMPLETE, status};

	if (rx->n_pend == 0) {
		memcpy(msg, &st, sizeof(st));
		if (vs_chan_send(ch, VMBUS_PKT_COMP, 0, tid, NULL, 0, msg,
				 vs_nvsp_wire_len(rx->pub.nvsp_version, st.type),
				 VS_NETVSP_C_rx_signals) == 0)
			return;
		CNT_INC(ch, comp_deferred);
	}
	/* The ring is full: keep it, and read no more until it is out. */
	rx->pend[rx->n_pend].tid = tid;
	rx->pend[rx->n_pend].status = status;
	rx->pend[rx->n_pend++].type = st.type;
}

static void
flush_pending(struct vs_netvsp *ch)
{
	struct vs_rx *rx = &ch->rx;
	uint32_t i;

	for (i = 0; i < rx->n_pend; i++) {
		uint8_t msg[NVSP_MSG_V61] = {0};
		struct nvsp_status st = {rx->pend[i].type, rx->pend[i].status};

		memcpy(msg, &st, sizeof(st));
		if (vs_chan_send(ch, VMBUS_PKT_COMP, 0, rx->pend[i].tid, NULL, 0, msg,
				 vs_nvsp_wire_len(rx->pub.nvsp_version, st.type),
				 VS_NETVSP_C_rx_signals) != 0)
			break;
	}
	memmove(rx->pend, rx->pend + i, (rx->n_pend - i) * sizeof(rx->pend[0]));
	rx->n_pend -= i;
}

/* The guest completed a receive indication (ref §2.4): return its sections
 * to their owner. */
static void
receive_completion(struct vs_netvsp *ch, const uint8_t *pl, uint32_t plen, uint64_t tid)
{
	uint32_t type;
	uint8_t head = SUB_HEAD;

	if (plen < 8 || (memcpy(&type, pl, 4), type) != NVSP_RNDIS_PKT_COMPLETE ||
	    !ch->rx.pub.rxbuf || tid >= ch->rx.pub.num_sub ||
	    !__atomic_compare_exchange_n(&ch->sub_state[tid], &head, SUB_DONE, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		CNT_INC(ch, comp_bad);
		vs_viol_note(ch, VIOL_COMP, tid, ch->rx.pub.rxbuf ? ch->rx.pub.num_sub : 0, 0);
		return;
	}
	if (!vs_idxq_push(tid < VS_CTL_SUBS ? &ch->ret_ctl : &ch->ret_tx, (uint32_t)tid))
		CNT_INC(ch, comp_bad);
}

static inline bool
ctlq_full(const struct vs_netvsp *ch)
{
	return ch->ctlq_tail - __atomic_load_n(&ch->ctlq_head, __ATOMIC_ACQUIRE) >= VS_CTLQ_LEN;
}

/* The next free control-queue slot; filled, then published. */
static struct vs_ctl_item *
ctlq_slot(struct vs_netvsp *ch, uint8_t kind, const struct vs_ring_pkt *p)
{
	struct vs_ctl_item *it = &ch->ctlq[ch->ctlq_tail % VS_CTLQ_LEN];

	it->kind = kind;
	it->flags = p->d.flags;
	it->tid = p->d.tid;
	return it;
}

static void
ctlq_publish(struct vs_netvsp *ch)
{
	__atomic_store_n(&ch->ctlq_tail, ch->ctlq_tail + 1, __ATOMIC_RELEASE);
}

/* Linux zeroes a superframe's IPv4 total length (IPv6 payload length) and
 * leaves the host to write each segment's (ref §4.11): the superframe's
 * own is written back first, so that whoever segments it (offload/, or a
 * NIC) sees headers that agree with the frame.  A length the guest did
 * fill in is left as it is; an IPv6 superframe with extension headers
 * keeps what it has. */
static void
lso_lengths(struct rte_mbuf *m, uint32_t l2, uint32_t len, bool v6)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, l2);
	uint32_t n = len - l2 - (v6 ? 40u : 0u);

	if (m->data_len < l2 + (v6 ? 40u : 20u) || n > UINT16_MAX)
		return;
	if (v6 && ip[4] == 0 && ip[5] == 0) {
		ip[4] = (uint8_t)(n >> 8);
		ip[5] = (uint8_t)n;
	} else if (!v6 && ip[2] == 0 && ip[3] == 0) {
		ip[2] = (uint8_t)(n >> 8);
		ip[3] = (uint8_t)n;
	}
}

/* Offload and VLAN info → mbuf metadata (ref §4.11). */
static enum vs_netvsp_counter
apply_info(struct vs_netvsp *ch, struct rte_mbuf *m, const struct vs_pktinfo *pi)
{
	uint32_t len = rte_pktmbuf_pkt_len(m), l2 = RTE_ETHER_HDR_LEN, off;
	uint16_t et;
	const uint16_t *etp = rte_pktmbuf_read(m, 12, 2, &et);

	if (etp != NULL && *etp == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN))
		l2 += 4;
	if (pi->has_vlan) {
		uint32_t v = pi->vlan, vid = (v >> 4) & 0xfff;

		if (vid == 4095)
			return VS_NETVSP_C_vlan_bad;
		m->vlan_tci = (uint16_t)((v & 7) << 13 | ((v >> 3) & 1) << 12 | vid);
		m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	}
	if (pi->has_hash) {
		m->hash.rss = pi->hash;
		m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	}
	if (pi->has_lso) {
		uint32_t v = pi->lso, mss = v & 0xfffff;
		bool v2 = v & (1u << 30), v6 = v2 && (v & (1u << 31));
		uint8_t b, *bp;

		off = (v >> 20) & 0x3ff;
		if (off == 0)
			off = l2 + (v6 ? 40 : 20);
		if (mss == 0 || mss > ch->l2_mtu || off < l2 + (v6 ? 40 : 20) || off + 13 >= len)
			return VS_NETVSP_C_lso_bad;
		bp = (uint8_t *)rte_pktmbuf_read(m, off + 12, 1, &b);
		if (bp == NULL || (*bp >> 4) < 5 || off + (*bp >> 4) * 4u > len)
			return VS_NETVSP_C_lso_bad;
		/* The MSS is TCP payload: a segment with its headers must be a
		 * frame the guest could have sent (one tag in the data aside). */
		if (off + (*bp >> 4) * 4u + mss >
		    vs_frame_max(ch->l2_mtu, ch->rx.pub.guest_mtu) + (l2 - RTE_ETHER_HDR_LEN))
			return VS_NETVSP_C_lso_bad;
		lso_lengths(m, l2, len, v6);
		m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM |
			       (v6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
		m->l2_len = l2;
		m->l3_len = off - l2;
		m->l4_len = (*bp >> 4) * 4u;
		m->tso_segsz = (uint16_t)mss;
		return VS_NETVSP_N_COUNTERS; /* LSO implies the checksums (ref §4.11) */
	}
	if (pi->has_csum && (pi->csum & 0x1f) != 0) {
		uint32_t v = pi->csum;
		bool v4 = v & PPI_TXCSUM_IPV4, v6 = v & PPI_TXCSUM_IPV6;
		bool tcp = v & PPI_TXCSUM_TCP, udp = v & PPI_TXCSUM_UDP;

		off = (v >> 16) & 0x3ff;
		if (off == 0)
			off = l2 + (v6 ? 40 : 20);
		if (v4 == v6 || (tcp && udp) || off < l2 + (v6 ? 40 : 20) || off >= len ||
		    ((v & PPI_TXCSUM_IP) && !v4))
			return VS_NETVSP_C_csum_bad;
		m->ol_flags |= v4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6;
		if (v & PPI_TXCSUM_IP)
			m->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM;
		if (tcp)
			m->ol_flags |= RTE_MBUF_F_TX_TCP_CKSUM;
		if (udp)
			m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM;
		m->l2_len = l2;
		m->l3_len = off - l2;
	}
	return VS_NETVSP_N_COUNTERS;
}

static struct rte_mbuf *
to_mbuf(struct vs_netvsp *ch, const struct vs_sg *sg, uint32_t off, uint32_t len,
	struct rte_mempool *mp)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp), *cur = m;

	while (cur != NULL && len > 0) {
		uint32_t n = RTE_MIN((uint32_t)rte_pktmbuf_tailroom(cur), len);

		if (n == 0) {
			struct rte_mbuf *s = rte_pktmbuf_alloc(mp);

			if (s == NULL)
				break;
			cur->next = s;
			m->nb_segs++;
			cur = s;
			continue;
		}
		vs_sg_copy(ch, sg, off, n, rte_pktmbuf_mtod_offset(cur, uint8_t *, cur->data_len));
		cur->data_len += n;
		m->pkt_len += n;
		off += n;
		len -= n;
	}
	if (m != NULL && len > 0) {
		rte_pktmbuf_free(m);
		m = NULL;
	}
	return m;
}

/* What made an RNDIS stream unacceptable, for the violation record: the
 * header of the message at fault (have bytes of it in h, h 8-aligned in
 * private memory). */
static void
note_rndis_hdr(struct vs_netvsp *ch, const uint8_t *h, uint32_t left)
{
	uint32_t w[2] = {0, 0};

	memcpy(w, h, RTE_MIN(left, 8u));
	vs_viol_note(ch, VIOL_RNDIS_HDR, w[0], w[1], left);
}

static void
note_rndis_pkt(struct vs_netvsp *ch, const uint8_t *h, uint32_t have)
{
	struct rndis_packet p;

	memset(&p, 0, sizeof(p));
	memcpy(&p, h, RTE_MIN(have, (uint32_t)sizeof(p)));
	vs_viol_note(ch, VIOL_RNDIS_PKT, p.h.len, p.data_off | (uint64_t)p.data_len << 32,
		     p.ppi_off | (uint64_t)p.ppi_len << 32);
}

/* One NVSP 107 from the guest: its RNDIS stream is the send-buffer section
 * (if any) followed by the GPA ranges (ref §5.2 c).  Returns the completion
 * status. */
static uint32_t
rndis_stream(struct vs_netvsp *ch, const struct vs_ring_pkt *p, const uint8_t *pl, uint32_t plen,
	     struct rte_mbuf **pkts, uint16_t n, uint16_t *nb, struct rte_mempool *mp)
{
	struct vs_rx *rx = &ch->rx;
	struct vs_sg *sg = &rx->sg;
	struct nvsp_rndis_pkt np;
	uint32_t off = 0, count = 0;

	if (vs_nvsp_check(pl, plen, rx->pub.nvsp_version) != 0) {
		CNT_INC(ch, rx_no_datapath);
		return NVSP_STAT_FAILURE;
	}
	memcpy(&np, pl, sizeof(np));
	sg->n = sg->total = 0;
	if (np.section_index != NVSP_NO_SECTION) {
		if (!rx->pub.txbuf || np.section_index >= rx->pub.num_sec ||
		    np.section_size < 8 || np.section_size > VS_SEND_SECTION ||
		    !sg_add(ch, sg, rx->pub.tx_off + (uint64_t)np.section_index * VS_SEND_SECTION,
			    np.section_size)) {
			CNT_INC(ch, section_bad);
			vs_viol_note(ch, VIOL_SECTION, np.section_index, np.section_size,
				     rx->pub.txbuf ? rx->pub.num_sec : 0);
			return NVSP_STAT_FAILURE;
		}
	}
	if (p->d.type == VMBUS_PKT_GPA_DIRECT &&
	    !sg_add_gpa(ch, sg, p->buf + 16, p->d.offset8 * 8u - 16)) {
		CNT_INC(ch, gpa_bad);
		return NVSP_STAT_FAILURE;
	}
	if (sg->total == 0) {
		CNT_INC(ch, section_bad);
		vs_viol_note(ch, VIOL_SECTION, np.section_index, 0,
			     rx->pub.txbuf ? rx->pub.num_sec : 0);
		return NVSP_STAT_FAILURE;
	}
	/* Walk the message headers first, so that a stream with too many or
	 * mis-sized messages delivers nothing. */
	for (off = 0; off < sg->total; count++) {
		uint32_t type, mlen;
		uint8_t h[8];

		vs_sg_copy(ch, sg, off, RTE_MIN(sg->total - off, 8u), h);
		if (vs_rndis_msg_hdr(h, sg->total - off, &type, &mlen) != 0 ||
		    (count > 0 && type != RNDIS_PACKET) || count >= VS_RX_MAX_PKTS) {
			CNT_INC(ch, rndis_bad_packet);
			note_rndis_hdr(ch, h, sg->total - off);
			return NVSP_STAT_FAILURE;
		}
		off += mlen;
	}
	off = count = 0;
	while (off < sg->total) {
		uint32_t have = RTE_MIN(sg->total - off, (uint32_t)sizeof(rx->hdr)), type, mlen;
		struct vs_pktinfo pi;
		enum vs_netvsp_counter why;
		struct vs_ctl_item *it;
		struct rte_mbuf *m;

		vs_sg_copy(ch, sg, off, have, rx->hdr);
		if (vs_rndis_msg_hdr(rx->hdr, sg->total - off, &type, &mlen) != 0) {
			CNT_INC(ch, rndis_bad_packet);
			return NVSP_STAT_FAILURE;
		}
		if (type != RNDIS_PACKET) {
			/* A control message travels alone (ref §4.1), on the
			 * primary channel. */
			if (ch->qid != 0) {
				CNT_INC(ch, sub_ctl);
				return NVSP_STAT_FAILURE;
			}
			if (count > 0 || mlen > VS_CTL_MSG_MAX) {
				CNT_INC(ch, rndis_bad_packet);
				return NVSP_STAT_FAILURE;
			}
			it = ctlq_slot(ch, ITEM_RNDIS, p);
			vs_sg_copy(ch, sg, off, mlen, it->buf);
			it->len = mlen;
			ctlq_publish(ch);
			return NVSP_STAT_SUCCESS;
		}
		if (++count > VS_RX_MAX_PKTS ||
		    vs_rndis_packet_parse(rx->hdr, RTE_MIN(have, mlen), mlen, &pi, &why) != 0) {
			CNT_INC(ch, rndis_bad_packet);
			note_rndis_pkt(ch, rx->hdr, RTE_MIN(have, mlen));
			if (count <= VS_RX_MAX_PKTS && why == VS_NETVSP_C_ppi_bad)
				CNT_INC(ch, ppi_bad);
			return NVSP_STAT_FAILURE;
		}
		if (pi.data_len < RTE_ETHER_HDR_LEN ||
		    (pi.has_lso && pi.data_len > NDIS_LSO_MAX + 14u)) {
			CNT_INC(ch, frame_bad_len);
			return NVSP_STAT_FAILURE;
		}
		if (!pi.has_lso && pi.data_len > vs_frame_max(ch->l2_mtu, rx->pub.guest_mtu)) {
			uint16_t et = 0;

			/* One 802.1Q tag in the data may come on top. */
			vs_sg_copy(ch, sg, off + pi.data_off + 12, 2, &et);
			if (et != rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN) ||
			    pi.data_len > vs_frame_max(ch->l2_mtu, rx->pub.guest_mtu) + 4) {
				CNT_INC(ch, rx_over_mtu);
				return NVSP_STAT_FAILURE;
			}
		}
		if (mp == NULL || !rx->pub.rndis_up) {
			CNT_INC(ch, rx_no_datapath);
		} else if ((m = to_mbuf(ch, sg, off + pi.data_off, pi.data_len, mp)) == NULL) {
			CNT_INC(ch, rx_nombuf);
		} else if ((why = apply_info(ch, m, &pi)) != VS_NETVSP_N_COUNTERS) {
			__atomic_store_n(&ch->cnt[why], ch->cnt[why] + 1, __ATOMIC_RELAXED);
			rte_pktmbuf_free(m);
			return NVSP_STAT_FAILURE;
		} else {
			CNT_INC(ch, rx_packets);
			CNT_ADD(ch, rx_bytes, pi.data_len);
			if (*nb < n)
				pkts[(*nb)++] = m;
			else
				rx->stash[rx->n_stash++] = m;
		}
		off += mlen;
	}
	return NVSP_STAT_SUCCESS;
}

uint16_t
vs_netvsp_consume(struct vs_netvsp *ch, struct rte_mbuf **pkts, uint16_t n,
		  struct rte_mempool *mp)
{
	struct vs_rx *rx = &ch->rx;
	uint16_t nb = 0;
	int budget = RX_BUDGET;

	vs_pub_refresh(ch->prim, &rx->seq, &rx->pub);
	if (!rx->pub.open || !vs_queue_open(ch, &rx->pub) ||
	    __atomic_load_n(&ch->dead, __ATOMIC_RELAXED))
		return 0;
	while (rx->n_stash > 0 && nb < n) {
		pkts[nb++] = rx->stash[rx->stash_head++];
		rx->n_stash--;
	}
	if (rx->n_stash == 0)
		rx->stash_head = 0;
	/* The control thread's replies first (netvsp_priv.h: outq). */
	if (ch->outq_head != __atomic_load_n(&ch->outq_tail, __ATOMIC_ACQUIRE))
		vs_chan_flush_replies(ch);
	flush_pending(ch);
	while (budget-- > 0 && rx->n_stash == 0 && (mp == NULL || nb < n) &&
	       rx->n_pend < VS_PEND_MAX) {
		struct vs_ring_pkt p;
		int rc = vs_ring_peek(&ch->in, rx->pkt, sizeof(rx->pkt), &p);
		const uint8_t *pl;
		uint32_t plen, type = 0, status = NVSP_STAT_SUCCESS;
		bool rc_req;

		if (rc == -EAGAIN)
			break;
		if (rc == -EBADMSG) {
			CNT_INC(ch, ring_corrupt);
			vs_viol_note(ch, VIOL_RING, p.bad, p.bad_val, p.bad_lim);
			__atomic_store_n(&ch->dead, 1, __ATOMIC_RELEASE);
			break;
		}
		rc_req = p.d.flags & VMBUS_FLAG_RC;
		if (rc == -EMSGSIZE || (p.d.flags & ~VMBUS_FLAG_RC) != 0) {
			if (rc == -EMSGSIZE) {
				CNT_INC(ch, ring_too_big);
				vs_viol_note(ch, VIOL_PKT_SIZE, p.len, 0, 0);
			} else {
				CNT_INC(ch, ring_bad_type);
				vs_viol_note(ch, VIOL_PKT_TYPE, p.d.type, p.d.flags, 0);
			}
			if (rc_req && p.d.type != VMBUS_PKT_COMP)
				complete(ch, p.d.tid, NVSP_STAT_FAILURE);
			vs_ring_skip(&ch->in, &p);
			continue;
		}
		pl = p.buf + p.d.offset8 * 8u;
		plen = p.len - p.d.offset8 * 8u;
		if (plen >= 4)
			memcpy(&type, pl, 4);
		if (p.d.type != VMBUS_PKT_COMP && ctlq_full(ch)) {
			CNT_INC(ch, ctl_queue_full);
			break; /* C drains it; the packet stays on the ring */
		}
		switch (p.d.type) {
		case VMBUS_PKT_COMP:
			receive_completion(ch, pl, plen, p.d.tid);
			vs_ring_skip(&ch->in, &p);
			continue;
		case VMBUS_PKT_INBAND:
			if (type != NVSP_RNDIS_PKT && ch->qid != 0) {
				/* Subchannels carry data only. */
				CNT_INC(ch, sub_ctl);
				status = NVSP_STAT_FAILURE;
				break;
			}
			if (type != NVSP_RNDIS_PKT) {
				/* NVSP control: C completes it if asked. */
				struct vs_ctl_item *it = ctlq_slot(ch, ITEM_NVSP, &p);

				it->len = RTE_MIN(plen, VS_CTL_MSG_MAX);
				memcpy(it->buf, pl, it->len);
				ctlq_publish(ch);
				vs_ring_skip(&ch->in, &p);
				continue;
			}
			/* fall through */
		case VMBUS_PKT_GPA_DIRECT:
			if (type == NVSP_RNDIS_PKT)
				status = rndis_stream(ch, &p, pl, plen, pkts, n, &nb, mp);
			else
				status = NVSP_STAT_FAILURE, CNT_INC(ch, ring_bad_type);
			if (type != NVSP_RNDIS_PKT)
				vs_viol_note(ch, VIOL_PKT_TYPE, p.d.type, p.d.flags, 0);
			break;
		default:
			CNT_INC(ch, ring_bad_type);
			vs_viol_note(ch, VIOL_PKT_TYPE, p.d.type, p.d.flags, 0);
			status = NVSP_STAT_FAILURE;
		}
		/* Complete if and only if the guest asked (ref §3.2). */
		if (rc_req)
			complete(ch, p.d.tid, status);
		vs_ring_skip(&ch->in, &p);
	}
	if (vs_ring_commit_read(&ch->in))
		vs_chan_signal(ch, VS_NETVSP_C_rx_signals);
	return nb;
}

uint16_t
vs_netvsp_rx_burst(struct vs_netvsp *ch, struct rte_mbuf **pkts, uint16_t n,
		   struct rte_mempool *mp)
{
	uint16_t nb;

	/* A quarantined guest's ring is not read (quarantine.c). */
	if (unlikely(__atomic_load_n(&ch->quarantined, __ATOMIC_RELAXED)))
		return 0;
	if (!__atomic_load_n(&ch->rx_active, __ATOMIC_RELAXED))
		__atomic_store_n(&ch->rx_active, 1, __ATOMIC_RELEASE);
	/* A subchannel writes the frames the primary's tx_burst handed it. */
	if (ch->txq != NULL)
		vs_tx_drain(ch);
	if (n == 0 || mp == NULL || !vs_token_try(ch))
		return 0;
	nb = vs_netvsp_consume(ch, pkts, n, mp);
	vs_token_put(ch);
	return nb;
}
