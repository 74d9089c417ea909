/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host → guest receive-side scaling (ref §4.9, §4.11): which queue
 * (primary channel or subchannel) a frame goes to, and the burst split
 * over the queues.
 *
 * The guest's hash types decide the Toeplitz input, as a NIC does:
 *   IPv4 TCP with TCP_IPV4, IPv4 UDP with UDP_IPV4: addresses and ports;
 *   other IPv4 (fragments included) with IPV4: addresses;
 *   the same for IPv6 with TCP_IPV6, UDP_IPV6, IPV6 (a packet with
 *   extension headers hashes its addresses only);
 *   anything else has no hash and goes to queue 0.
 * hash → entry hash & (entries - 1) of the indirection table → queue.  An
 * entry naming a queue the guest has not opened (yet) falls back to 0.
 * Hashing uses rte_softrss_be over the key converted when it was
 * published, so a frame costs one header read and one hash.
 *
 * The split: queue 0's frames are written at once (the primary's token);
 * a subchannel's go, with a reference each, into its hand-off ring, and
 * its own rx_burst writes them (vs_tx_drain, hashing them again for the
 * PPIs), so no worker ever takes another queue's token.  Per queue the
 * frames keep their order, which keeps every flow's.
 */
#include <string.h>

#include <netinet/in.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_thash.h>

#include "netvsp_priv.h"

#define SPREAD_CHUNK 64u /* frames split per pass */

uint16_t
vs_rss_queue(const struct vs_pub *pub, const struct rte_mbuf *m, uint32_t *hash, uint32_t *info)
{
	union rte_thash_tuple t;
	uint8_t buf[40];
	const uint8_t *p;
	uint32_t off = RTE_ETHER_HDR_LEN, len, type = 0, l4 = 0;
	uint16_t et, q;
	uint8_t proto;

	*info = 0;
	if ((p = rte_pktmbuf_read(m, 12, 2, buf)) == NULL)
		return 0;
	et = (uint16_t)(p[0] << 8 | p[1]);
	if (et == RTE_ETHER_TYPE_VLAN) {
		if ((p = rte_pktmbuf_read(m, 16, 2, buf)) == NULL)
			return 0;
		et = (uint16_t)(p[0] << 8 | p[1]);
		off += 4;
	}
	if (et == RTE_ETHER_TYPE_IPV4) {
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_read(m, off, sizeof(*ip), buf);
		bool frag;

		if (ip == NULL || (ip->version_ihl >> 4) != 4 || (ip->version_ihl & 0xf) < 5)
			return 0;
		t.v4.src_addr = rte_be_to_cpu_32(ip->src_addr);
		t.v4.dst_addr = rte_be_to_cpu_32(ip->dst_addr);
		proto = ip->next_proto_id;
		frag = (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG |
							       RTE_IPV4_HDR_OFFSET_MASK)) != 0;
		off += (ip->version_ihl & 0xfu) * 4;
		if (!frag && proto == IPPROTO_TCP && (pub->rss_types & NDIS_HASH_TCP_IPV4))
			type = NDIS_HASH_TCP_IPV4, l4 = 1;
		else if (!frag && proto == IPPROTO_UDP && (pub->rss_types & NDIS_HASH_UDP_IPV4))
			type = NDIS_HASH_UDP_IPV4, l4 = 1;
		else if (pub->rss_types & NDIS_HASH_IPV4)
			type = NDIS_HASH_IPV4;
		len = l4 ? RTE_THASH_V4_L4_LEN : RTE_THASH_V4_L3_LEN;
	} else if (et == RTE_ETHER_TYPE_IPV6) {
		const struct rte_ipv6_hdr *ip = rte_pktmbuf_read(m, off, sizeof(*ip), buf);

		if (ip == NULL || (rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)
			return 0;
		rte_thash_load_v6_addrs(ip, &t);
		proto = ip->proto;
		off += sizeof(*ip);
		if (proto == IPPROTO_TCP && (pub->rss_types & NDIS_HASH_TCP_IPV6))
			type = NDIS_HASH_TCP_IPV6, l4 = 1;
		else if (proto == IPPROTO_UDP && (pub->rss_types & NDIS_HASH_UDP_IPV6))
			type = NDIS_HASH_UDP_IPV6, l4 = 1;
		else if (pub->rss_types & NDIS_HASH_IPV6)
			type = NDIS_HASH_IPV6;
		len = l4 ? RTE_THASH_V6_L4_LEN : RTE_THASH_V6_L3_LEN;
	} else {
		return 0;
	}
	if (type == 0)
		return 0;
	if (l4) {
		const uint16_t *ports = rte_pktmbuf_read(m, off, 4, buf);

		if (ports == NULL)
			return 0; /* truncated: no hash */
		if (et == RTE_ETHER_TYPE_IPV4) {
			t.v4.sport = rte_be_to_cpu_16(ports[0]);
			t.v4.dport = rte_be_to_cpu_16(ports[1]);
		} else {
			t.v6.sport = rte_be_to_cpu_16(ports[0]);
			t.v6.dport = rte_be_to_cpu_16(ports[1]);
		}
	}
	*hash = rte_softrss_be((uint32_t *)&t, len, (const uint8_t *)pub->rss_key_be);
	*info = type | NDIS_HASH_FUNC_TOEPLITZ;
	q = pub->rss_tbl[*hash & (pub->rss_n - 1)];
	return q < pub->n_queues && (q == 0 || (pub->sub_open >> q & 1)) ? q : 0;
}

/* Moves the frames of pkts[start, start + n) that were taken (took[i])
 * in front of everything refused so far (pkts[w, start)), keeping the
 * order of both. */
static uint16_t
pack(struct rte_mbuf **pkts, uint16_t w, uint16_t start, uint16_t n, const bool *took)
{
	struct rte_mbuf *t[SPREAD_CHUNK], *r[SPREAD_CHUNK];
	uint16_t nt = 0, nr = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (took[i])
			t[nt++] = pkts[start + i];
		else
			r[nr++] = pkts[start + i];
	}
	memmove(pkts + w + nt, pkts + w, (size_t)(start - w) * sizeof(*pkts));
	memcpy(pkts + w, t, nt * sizeof(*pkts));
	memcpy(pkts + start + nt, r, nr * sizeof(*pkts));
	return (uint16_t)(w + nt);
}

uint16_t
vs_tx_spread(struct vs_netvsp *ch, struct rte_mbuf **pkts, uint16_t n)
{
	const struct vs_pub *pub = &ch->tx.pub;
	struct rte_mbuf *qp[VS_NETVSP_MAX_QUEUES][SPREAD_CHUNK];
	uint32_t qh[VS_NETVSP_MAX_QUEUES][SPREAD_CHUNK], qi[VS_NETVSP_MAX_QUEUES][SPREAD_CHUNK];
	uint16_t at[VS_NETVSP_MAX_QUEUES][SPREAD_CHUNK], nq[VS_NETVSP_MAX_QUEUES];
	bool took[SPREAD_CHUNK];
	uint16_t w = 0;

	for (uint16_t start = 0; start < n; start += SPREAD_CHUNK) {
		uint16_t c = (uint16_t)RTE_MIN((uint32_t)SPREAD_CHUNK, (uint32_t)(n - start));

		memset(nq, 0, sizeof(nq));
		for (uint16_t i = 0; i < c; i++) {
			uint32_t h = 0, info;
			uint16_t q = vs_rss_queue(pub, pkts[start + i], &h, &info);

			qp[q][nq[q]] = pkts[start + i];
			qh[q][nq[q]] = h;
			qi[q][nq[q]] = info;
			at[q][nq[q]++] = i;
		}
		/* Per queue the frames keep their order, so a flow does. */
		for (uint16_t q = 0; q < ch->max_q; q++) {
			uint16_t k;

			if (nq[q] == 0)
				continue;
			if (q == 0) {
				k = vs_tx_queue_burst(ch, qp[q], nq[q], qh[q], qi[q], 0);
			} else {
				/* The subchannel's worker writes them; a
				 * reference keeps each alive till then. */
				for (uint16_t j = 0; j < nq[q]; j++)
					rte_mbuf_refcnt_update(qp[q][j], 1);
				k = (uint16_t)rte_ring_enqueue_burst(ch->q[q]->txq, (void **)qp[q],
								     nq[q], NULL);
				for (uint16_t j = k; j < nq[q]; j++)
					rte_mbuf_refcnt_update(qp[q][j], -1);
				CNT_ADD(ch, tx_handed, k);
				CNT_ADD(ch, tx_queue_full, nq[q] - k);
			}
			for (uint16_t j = 0; j < nq[q]; j++)
				took[at[q][j]] = j < k;
		}
		w = pack(pkts, w, start, c, took);
	}
	return w;
}

void
vs_tx_drain(struct vs_netvsp *q)
{
	uint32_t h[VS_TXQ_HELD], info[VS_TXQ_HELD];
	uint16_t n = q->n_held, before = q->n_held, k;

	/* Frames it refused before go first and keep the flows' order: the
	 * primary's worker has taken them, and a guest short of sections
	 * for a moment must not lose them.  While any wait, the hand-off
	 * ring fills and the primary refuses (tx_queue_full) instead. */
	n += (uint16_t)rte_ring_dequeue_burst(q->txq, (void **)q->held + n, VS_TXQ_HELD - n, NULL);
	if (n == 0)
		return;
	vs_pub_refresh(q->prim, &q->tx.seq, &q->tx.pub);
	for (uint16_t i = 0; i < n; i++)
		if (vs_rss_queue(&q->tx.pub, q->held[i], &h[i], &info[i]) != q->qid)
			info[i] = 0; /* the table changed since: no hash claimed */
	k = vs_tx_queue_burst(q, q->held, n, h, info, before);
	rte_pktmbuf_free_bulk(q->held, k);
	memmove(q->held, q->held + k, (size_t)(n - k) * sizeof(q->held[0]));
	q->n_held = (uint16_t)(n - k);
}
