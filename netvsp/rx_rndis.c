/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest → host, one guest packet (NVSP 107): gathers its RNDIS stream from
 * the send-buffer section and the GPA ranges, checks every message before
 * any is delivered, and turns each RNDIS PACKET into an mbuf with its
 * offload and VLAN metadata.  Apart from rx_dp.c, which reads the ring,
 * because this is where the guest's stream contents are judged; the
 * bounds it enforces are in rx_dp.c's table.  R (or C), token held.
 */
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "netvsp_priv.h"

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
uint32_t
vs_rx_rndis_stream(struct vs_netvsp *ch, const struct vs_ring_pkt *p, const uint8_t *pl,
		   uint32_t plen, struct rte_mbuf **pkts, uint16_t n, uint16_t *nb,
		   struct rte_mempool *mp)
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
			it = vs_ctlq_slot(ch, ITEM_RNDIS, p);
			vs_sg_copy(ch, sg, off, mlen, it->buf);
			it->len = mlen;
			vs_ctlq_publish(ch);
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
