/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP segmentation in software.  TCP/IPv4 goes to rte_gso; DPDK 22.11's
 * rte_gso has no TCP/IPv6 (only IPv4 TCP, UDP and tunnels), so IPv6 is
 * split here the way rte_gso splits IPv4 — a copy of the headers, then
 * indirect mbufs pointing into the superframe — and its headers fixed as
 * RFC 8200 and RFC 9293 require.  The same splitter makes private header
 * copies for checksums written into shared frames.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "offload_priv.h"

#define VS_TCP_FIN 0x01
#define VS_TCP_PSH 0x08
#define VS_TCP_CWR 0x80

static void
vs_ol_free_all(struct rte_mbuf **out, uint16_t n)
{
	if (n > 0)
		rte_pktmbuf_free_bulk(out, n);
}

/* A new frame holding a copy of m's headers and m's metadata. */
static struct rte_mbuf *
vs_ol_head(struct vs_offload_ctx *c, const struct rte_mbuf *m, uint16_t hdr)
{
	struct rte_mbuf *h = rte_pktmbuf_alloc(c->gso.direct_pool);

	if (h == NULL)
		return NULL;
	memcpy(rte_pktmbuf_mtod(h, void *), rte_pktmbuf_mtod(m, const void *), hdr);
	h->data_len = hdr;
	h->pkt_len = hdr;
	h->port = m->port;
	h->ol_flags = m->ol_flags & ~(RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL);
	h->tx_offload = m->tx_offload;
	h->vlan_tci = m->vlan_tci;
	h->vlan_tci_outer = m->vlan_tci_outer;
	h->packet_type = m->packet_type;
	h->hash = m->hash;
	return h;
}

int
vs_ol_split(struct vs_offload_ctx *c, struct rte_mbuf *m, uint16_t hdr, uint32_t unit,
	    struct rte_mbuf **out, uint16_t max)
{
	struct rte_mbuf *in = m;
	uint32_t pos = hdr, left = rte_pktmbuf_pkt_len(m) - hdr;
	uint16_t n = 0;
	int rc = -ENOMEM;

	do {
		struct rte_mbuf *h, *prev;
		uint32_t take = RTE_MIN(unit, left);

		if (n == max) {
			rc = -E2BIG;
			goto fail;
		}
		h = vs_ol_head(c, m, hdr);
		if (h == NULL)
			goto fail;
		out[n++] = h;
		prev = h;
		left -= take;
		while (take > 0) {
			struct rte_mbuf *ind;
			uint32_t k;

			while (in != NULL && pos == in->data_len) {
				in = in->next;
				pos = 0;
			}
			if (in == NULL) {
				rc = -EINVAL;
				goto fail;
			}
			ind = rte_pktmbuf_alloc(c->gso.indirect_pool);
			if (ind == NULL)
				goto fail;
			k = RTE_MIN(take, (uint32_t)in->data_len - pos);
			rte_pktmbuf_attach(ind, in);
			ind->data_off = (uint16_t)(in->data_off + pos);
			ind->data_len = (uint16_t)k;
			ind->pkt_len = k;
			prev->next = ind;
			prev = ind;
			h->nb_segs++;
			h->pkt_len += k;
			pos += k;
			take -= k;
		}
	} while (left > 0);
	return n;
fail:
	vs_ol_free_all(out, n);
	return rc;
}

/* TCP/IPv6: the splitter, then each segment's payload length, sequence
 * number and flags. */
static int
vs_ol_segment6(struct vs_offload_ctx *c, const struct vs_ol_frame *f, struct rte_mbuf *m,
	       struct rte_mbuf **out, uint16_t max)
{
	const struct rte_tcp_hdr *th0 =
		rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, f->l2 + f->l3);
	uint32_t seq = rte_be_to_cpu_32(th0->sent_seq);
	uint8_t flags = th0->tcp_flags;
	int n, i;

	n = vs_ol_split(c, m, f->hdr, f->mss, out, max);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *s = out[i];
		struct rte_ipv6_hdr *ip =
			rte_pktmbuf_mtod_offset(s, struct rte_ipv6_hdr *, f->l2);
		struct rte_tcp_hdr *th =
			rte_pktmbuf_mtod_offset(s, struct rte_tcp_hdr *, f->l2 + f->l3);
		uint8_t fl = flags;

		ip->payload_len = rte_cpu_to_be_16(
			(uint16_t)(rte_pktmbuf_pkt_len(s) - f->l2 - sizeof(struct rte_ipv6_hdr)));
		th->sent_seq = rte_cpu_to_be_32(seq);
		if (i < n - 1)
			fl &= (uint8_t)~(VS_TCP_FIN | VS_TCP_PSH);
		if (i > 0)
			fl &= (uint8_t)~VS_TCP_CWR;
		th->tcp_flags = fl;
		seq += rte_pktmbuf_pkt_len(s) - f->hdr;
	}
	return n;
}

/* TCP/IPv4 through rte_gso.  It wants l2/l3/l4_len and the TSO flags on
 * the superframe and clears TCP_SEG there; the superframe may be shared
 * with a port that keeps it whole, so its flags are put back at once.
 * rte_gso fixes lengths, ids, sequence numbers, FIN and PSH; CWR stays on
 * the first segment only, as RFC 3168 §6.1.2 expects of a segmenter. */
static int
vs_ol_segment4(struct vs_offload_ctx *c, const struct vs_ol_frame *f, struct rte_mbuf *m,
	       struct rte_mbuf **out, uint16_t max)
{
	uint64_t saved = m->ol_flags;
	struct rte_gso_ctx g = c->gso;
	int n, i;

	m->l2_len = f->l2;
	m->l3_len = f->l3;
	m->l4_len = f->l4;
	m->ol_flags = RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_IPV4 | (saved & RTE_MBUF_F_TX_VLAN);
	g.gso_size = (uint16_t)(f->hdr + f->mss);
	n = rte_gso_segment(m, &g, out, max);
	m->ol_flags = saved;
	if (n == -EINVAL)
		return -E2BIG;
	if (n <= 0) /* 0: rte_gso found nothing to do, which the caller ruled out */
		return n < 0 ? n : -EINVAL;
	for (i = 0; i < n; i++) {
		struct rte_tcp_hdr *th =
			rte_pktmbuf_mtod_offset(out[i], struct rte_tcp_hdr *, f->l2 + f->l3);

		if (i > 0)
			th->tcp_flags &= (uint8_t)~VS_TCP_CWR;
		/* rte_gso copies neither the tag a device inserts nor all flags. */
		out[i]->vlan_tci = m->vlan_tci;
		out[i]->ol_flags = saved;
	}
	return n;
}

int
vs_ol_segment(struct vs_offload_ctx *c, const struct vs_ol_frame *f, struct rte_mbuf *m,
	      struct rte_mbuf **out, uint16_t max)
{
	uint32_t payload = rte_pktmbuf_pkt_len(m) - f->hdr;
	int n;

	if (f->mss == 0 || (payload + f->mss - 1) / f->mss > max ||
	    (uint32_t)f->hdr + f->mss > UINT16_MAX)
		return -1 - VS_OFFLOAD_C_REFUSED_MSS;
	n = f->v4 ? vs_ol_segment4(c, f, m, out, max) : vs_ol_segment6(c, f, m, out, max);
	if (n == -ENOMEM)
		return -1 - VS_OFFLOAD_C_REFUSED_NO_MBUF;
	if (n == -E2BIG)
		return -1 - VS_OFFLOAD_C_REFUSED_MSS;
	if (n < 0)
		return -1 - VS_OFFLOAD_C_REFUSED_MALFORMED;
	c->stats.c[VS_OFFLOAD_C_TSO_SW]++;
	c->stats.c[VS_OFFLOAD_C_SEG_SW] += (uint64_t)n;
	rte_pktmbuf_free(m); /* the segments hold its buffers */
	return n;
}
