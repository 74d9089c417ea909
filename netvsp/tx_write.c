/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host → guest, one frame into receive sections (tx_dp.c builds the
 * indications around them).
 *
 * A frame is one RNDIS PACKET in one section: header (44 bytes), PPIs
 * (16 bytes each: 802.1Q, checksum, RSS hash value and info), frame;
 * offsets from byte 8 (ref §4.3).
 *
 * A TCP superframe (RTE_MBUF_F_TX_TCP_SEG: a guest's LSO, passed whole by
 * offload/ to a port whose guest enabled RSC) reaches the guest as one
 * coalesced frame, as Hyper-V's RSC over VMBus delivers it: its IPv4 total
 * length or IPv6 payload length and its IPv4 header checksum made right
 * for the whole frame (the sender left them zero, as hv_netvsc does), its
 * TCP checksum not computed but indicated valid in the checksum PPI — the
 * data never left the host.  Larger than one section, it is cut into as
 * many sections as it needs, each an RNDIS PACKET with the "internal
 * packet id" PPI (sub-allocated; first / last fragment; the same id) plus
 * the checksum and 802.1Q PPIs, all announced by one transfer-page packet
 * (Linux drops a coalesced frame whose last range is not its last
 * fragment).  Guest-visible bounds: ≤ VS_TX_RANGES fragments
 * (< NVSP_RSC_MAX), ≤ VS_RSC_FRAME_MAX bytes, each fragment inside its own
 * section.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "netvsp_priv.h"

#define NO_NEXT UINT32_MAX
#define HDR_MAX (RTE_ETHER_HDR_LEN + 4u + 60u + 60u) /* one tag, IPv4 and TCP options */

uint32_t
vs_tx_take(struct vs_netvsp *ch, uint32_t k)
{
	struct vs_tx *tx = &ch->tx;
	uint32_t id;

	if (tx->n_free == 0)
		return UINT32_MAX;
	id = tx->free[--tx->n_free];
	tx->chain[id] = NO_NEXT;
	if (k > 0)
		tx->chain[tx->ranges[k - 1].byte_offset / tx->pub.sub_size] = id;
	/* Visible to rx_dp.c before the guest can complete it. */
	__atomic_store_n(&ch->sub_state[id], k == 0 ? SUB_HEAD : SUB_MEMBER, __ATOMIC_RELEASE);
	return id;
}

/* L4 protocol of an IPv4/IPv6 frame (one 802.1Q tag skipped); 0 if none. */
static uint8_t
l4_proto(const struct rte_mbuf *m, bool *v4)
{
	uint8_t buf[40];
	const uint8_t *p;
	uint32_t off = 12;
	uint16_t et;

	p = rte_pktmbuf_read(m, off, 2, buf);
	if (p == NULL)
		return 0;
	et = (uint16_t)(p[0] << 8 | p[1]);
	if (et == RTE_ETHER_TYPE_VLAN) {
		off += 4;
		if ((p = rte_pktmbuf_read(m, off, 2, buf)) == NULL)
			return 0;
		et = (uint16_t)(p[0] << 8 | p[1]);
	}
	off += 2;
	*v4 = et == RTE_ETHER_TYPE_IPV4;
	if (et == RTE_ETHER_TYPE_IPV4 && (p = rte_pktmbuf_read(m, off + 9, 1, buf)) != NULL)
		return p[0];
	if (et == RTE_ETHER_TYPE_IPV6 && (p = rte_pktmbuf_read(m, off + 6, 1, buf)) != NULL)
		return p[0];
	return 0;
}

/* A checksum the ingress port verified, or one another guest asked us to
 * offload (the frame never left the host, so it cannot have been
 * corrupted on a wire).  A checksum the port found wrong is reported as
 * failed, so that the guest drops the frame instead of checking again. */
uint32_t
vs_tx_csum_info(const struct rte_mbuf *m)
{
	uint64_t f = m->ol_flags, ip = f & RTE_MBUF_F_RX_IP_CKSUM_MASK,
		 l4 = f & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	bool v4 = false, ip_ok, l4_ok, ip_bad = ip == RTE_MBUF_F_RX_IP_CKSUM_BAD,
	     l4_bad = l4 == RTE_MBUF_F_RX_L4_CKSUM_BAD;
	uint8_t proto;
	uint32_t v = 0;

	ip_ok = ip == RTE_MBUF_F_RX_IP_CKSUM_GOOD ||
		(f & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_SEG));
	l4_ok = l4 == RTE_MBUF_F_RX_L4_CKSUM_GOOD ||
		(f & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG));
	if (!ip_ok && !l4_ok && !ip_bad && !l4_bad)
		return 0;
	proto = l4_proto(m, &v4);
	if (v4 && (ip_ok || ip_bad))
		v |= ip_bad ? PPI_RXCSUM_IP_FAILED : PPI_RXCSUM_IP_OK;
	if ((l4_ok || l4_bad) && proto == IPPROTO_TCP)
		v |= l4_bad ? PPI_RXCSUM_TCP_FAILED : PPI_RXCSUM_TCP_OK;
	if ((l4_ok || l4_bad) && proto == IPPROTO_UDP)
		v |= l4_bad ? PPI_RXCSUM_UDP_FAILED : PPI_RXCSUM_UDP_OK;
	/* A bad IP header makes the L4 verdict meaningless. */
	if (v & PPI_RXCSUM_IP_FAILED)
		v &= ~(uint32_t)(PPI_RXCSUM_TCP_OK | PPI_RXCSUM_UDP_OK);
	return v;
}

bool
vs_tx_seg_parse(const struct rte_mbuf *m, struct vs_tx_frame *f)
{
	uint8_t buf[60];
	const uint8_t *p;
	uint16_t et;

	f->l2 = RTE_ETHER_HDR_LEN;
	if ((p = rte_pktmbuf_read(m, 12, 2, buf)) == NULL)
		return false;
	et = (uint16_t)(p[0] << 8 | p[1]);
	if (et == RTE_ETHER_TYPE_VLAN) {
		f->l2 += 4;
		if ((p = rte_pktmbuf_read(m, 16, 2, buf)) == NULL)
			return false;
		et = (uint16_t)(p[0] << 8 | p[1]);
	}
	f->v4 = et == RTE_ETHER_TYPE_IPV4;
	if (f->v4) {
		if ((p = rte_pktmbuf_read(m, f->l2, 20, buf)) == NULL || p[0] >> 4 != 4 ||
		    (p[0] & 0xf) < 5 || p[9] != IPPROTO_TCP)
			return false;
		f->l3 = (p[0] & 0xfu) * 4;
	} else if (et == RTE_ETHER_TYPE_IPV6) {
		/* No extension headers: offload/ segments those in software. */
		if ((p = rte_pktmbuf_read(m, f->l2, 40, buf)) == NULL || p[0] >> 4 != 6 ||
		    p[6] != IPPROTO_TCP)
			return false;
		f->l3 = 40;
	} else {
		return false;
	}
	if ((p = rte_pktmbuf_read(m, f->l2 + f->l3, 20, buf)) == NULL || (p[12] >> 4) < 5)
		return false;
	f->l4 = (p[12] >> 4) * 4u;
	return f->l2 + f->l3 + f->l4 <= f->len && f->l2 + f->l3 + f->l4 <= HDR_MAX;
}

/* The frame's own IP lengths and IPv4 header checksum, in the guest's copy
 * (the mbuf may be shared with other ports). */
static void
fix_ip(uint8_t *l3, const struct vs_tx_frame *f)
{
	uint32_t sum = 0;
	uint16_t w;

	if (!f->v4) {
		w = rte_cpu_to_be_16((uint16_t)(f->len - f->l2 - 40));
		memcpy(l3 + 4, &w, 2);
		return;
	}
	w = rte_cpu_to_be_16((uint16_t)(f->len - f->l2));
	memcpy(l3 + 2, &w, 2);
	memset(l3 + 10, 0, 2);
	for (uint32_t i = 0; i < f->l3; i += 2) {
		memcpy(&w, l3 + i, 2);
		sum += w;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	w = (uint16_t)~sum;
	memcpy(l3 + 10, &w, 2);
}

static uint32_t
put_ppi(uint8_t *p, uint32_t type, const void *value)
{
	struct rndis_ppi e = {16, type, 12};

	memcpy(p, &e, sizeof(e));
	memcpy(p + 12, value, 4);
	return 16;
}

/* RNDIS PACKET header and PPIs for len bytes of frame; returns its size
 * (≤ 44 + 80). rsc: the fragment's PPI, or NULL. */
static uint32_t
packet_header(uint8_t *dst, const struct rte_mbuf *m, const struct vs_tx_frame *f, uint32_t cs,
	      uint32_t len, const struct rndis_pktinfo_id *rsc)
{
	struct rndis_packet h = {.h = {RNDIS_PACKET, 0}};
	uint32_t np = 0;
	uint8_t *ppi = dst + sizeof(h);

	if (rsc != NULL)
		np += put_ppi(ppi + np, PPI_RSC_ID, rsc);
	if (m->ol_flags & RTE_MBUF_F_TX_VLAN) {
		uint16_t t = m->vlan_tci;
		uint32_t v = (uint32_t)(t >> 13) | ((t >> 12) & 1u) << 3 | (uint32_t)(t & 0xfff) << 4;

		np += put_ppi(ppi + np, PPI_VLAN, &v);
	}
	if (cs != 0)
		np += put_ppi(ppi + np, PPI_CSUM, &cs);
	if (f->hash) {
		/* The RSS hash the queue was chosen by (Linux rxhash, DPDK
		 * RSS hash). */
		np += put_ppi(ppi + np, PPI_HASH_VALUE, &f->hash_value);
		np += put_ppi(ppi + np, PPI_HASH_INFO, &f->hash_info);
	}
	h.ppi_off = np ? sizeof(h) - RNDIS_OFF_BASE : 0;
	h.ppi_len = np;
	h.data_off = sizeof(h) - RNDIS_OFF_BASE + np;
	h.data_len = len;
	h.h.len = sizeof(h) + np + len;
	memcpy(dst, &h, sizeof(h));
	return sizeof(h) + np;
}

/* Walks an mbuf chain once while its bytes go out fragment by fragment. */
struct cursor {
	const struct rte_mbuf *s;
	uint32_t off;
};

static void
copy_out(struct cursor *c, uint8_t *dst, uint32_t len)
{
	while (len > 0 && c->s != NULL) {
		uint32_t n = RTE_MIN(len, (uint32_t)c->s->data_len - c->off);

		memcpy(dst, rte_pktmbuf_mtod_offset(c->s, const uint8_t *, c->off), n);
		dst += n;
		len -= n;
		c->off += n;
		if (c->off == c->s->data_len) {
			c->s = c->s->next;
			c->off = 0;
		}
	}
}

int
vs_tx_write_one(struct vs_netvsp *ch, const struct rte_mbuf *m, const struct vs_tx_frame *f,
		uint32_t cs, uint32_t k)
{
	struct vs_tx *tx = &ch->tx;
	struct cursor c = {m, 0};
	uint32_t id, h;
	uint8_t *dst;

	if (k >= VS_TX_RANGES || (id = vs_tx_take(ch, k)) == UINT32_MAX)
		return -ENOBUFS;
	dst = ch->arena + tx->pub.rx_off + (uint64_t)id * tx->pub.sub_size;
	h = packet_header(dst, m, f, cs, f->len, NULL);
	copy_out(&c, dst + h, f->len);
	if (f->seg)
		fix_ip(dst + h + f->l2, f);
	tx->ranges[k].byte_count = h + f->len;
	tx->ranges[k].byte_offset = id * tx->pub.sub_size;
	return 1;
}

int
vs_tx_write_rsc(struct vs_netvsp *ch, const struct rte_mbuf *m, const struct vs_tx_frame *f,
		uint32_t cs, uint32_t k)
{
	struct vs_tx *tx = &ch->tx;
	struct rndis_pktinfo_id id = {PPI_RSC_VERSION, 0, tx->rsc_id};
	struct cursor c = {m, 0};
	uint32_t hdr, chunk, n, off = 0;
	uint8_t probe[128];

	/* Every fragment's header has the same size: RSC, 802.1Q, checksum
	 * PPIs as they apply. */
	hdr = packet_header(probe, m, f, cs, 0, &id);
	chunk = tx->pub.sub_size - hdr;
	n = (f->len + chunk - 1) / chunk;
	if (n > VS_TX_RANGES || chunk < f->l2 + f->l3 + f->l4) {
		CNT_INC(ch, tx_rsc_bad);
		return 0;
	}
	if (k + n > VS_TX_RANGES || tx->n_free < n)
		return -ENOBUFS;
	for (uint32_t j = 0; j < n; j++) {
		uint32_t sec = vs_tx_take(ch, k + j), len = RTE_MIN(chunk, f->len - off), h;
		uint8_t *dst = ch->arena + tx->pub.rx_off + (uint64_t)sec * tx->pub.sub_size;

		id.flags = PPI_RSC_SUBALLOC | (j == 0 ? PPI_RSC_FIRST : 0) |
			   (j + 1 == n ? PPI_RSC_LAST : 0);
		h = packet_header(dst, m, f, cs, len, &id);
		copy_out(&c, dst + h, len);
		if (j == 0)
			fix_ip(dst + h + f->l2, f);
		tx->ranges[k + j].byte_count = h + len;
		tx->ranges[k + j].byte_offset = sec * tx->pub.sub_size;
		off += len;
	}
	tx->rsc_id++;
	CNT_INC(ch, tx_rsc_frames);
	CNT_ADD(ch, tx_rsc_fragments, n);
	return (int)n;
}
