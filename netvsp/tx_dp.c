/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host → guest: frames copied into receive-buffer sections, each wrapped in
 * an RNDIS PACKET with its per-packet info, several frames announced by one
 * transfer-page packet (ref §2.3, §5.3).  The sections of one indication
 * form a chain whose head id is the transaction id; the guest's completion
 * of that id (seen by rx_dp.c) returns the whole chain.  Sections above
 * VS_CTL_SUBS are this worker's alone; see netvsp_priv.h.
 *
 * The section layout written here: RNDIS PACKET (44 bytes), PPIs (16 bytes
 * each: 802.1Q, checksum), frame; offsets from byte 8 (ref §4.3).  What we
 * write to the guest (ref §6.4): only inside sections we own and the guest
 * has completed; ids < num_sub; set id = the registered receive-buffer id;
 * ≤ VS_TX_BATCH ranges; well-formed PPIs only (a malformed PPI list hangs
 * Linux, ref §4.11).
 */
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "netvsp_priv.h"

#define NO_NEXT UINT32_MAX

static void
tx_reinit(struct vs_netvsp *ch)
{
	struct vs_tx *tx = &ch->tx;
	uint32_t id;

	while (vs_idxq_pop(&ch->ret_tx, &id))
		;
	tx->gen = tx->pub.rxbuf_gen;
	tx->n_free = 0;
	if (!tx->pub.rxbuf)
		return;
	for (id = tx->pub.num_sub; id-- > VS_CTL_SUBS;) {
		__atomic_store_n(&ch->sub_state[id], SUB_FREE, __ATOMIC_RELAXED);
		tx->free[tx->n_free++] = id;
	}
}

/* Takes back the chains the guest completed. */
static void
tx_reclaim(struct vs_netvsp *ch)
{
	struct vs_tx *tx = &ch->tx;
	uint32_t head;

	while (vs_idxq_pop(&ch->ret_tx, &head)) {
		uint32_t id = head, guard = 0;

		if (head < VS_CTL_SUBS || head >= tx->pub.num_sub ||
		    __atomic_load_n(&ch->sub_state[head], __ATOMIC_ACQUIRE) != SUB_DONE)
			continue;
		while (id != NO_NEXT && guard++ < VS_TX_BATCH) {
			uint32_t next = tx->chain[id];

			__atomic_store_n(&ch->sub_state[id], SUB_FREE, __ATOMIC_RELAXED);
			tx->free[tx->n_free++] = id;
			id = next;
		}
	}
}

/* NDIS packet filter and multicast list (ref §4.6). */
static bool
filter_pass(const struct vs_pub *pub, const struct rte_mbuf *m)
{
	uint8_t buf[6];
	const uint8_t *d = rte_pktmbuf_read(m, 0, 6, buf);
	uint32_t f = pub->filter;

	if (f & NDIS_FILTER_PROMISCUOUS)
		return true;
	if (rte_is_broadcast_ether_addr((const struct rte_ether_addr *)d))
		return f & NDIS_FILTER_BROADCAST;
	if (d[0] & 1) {
		if (f & NDIS_FILTER_ALL_MULTICAST)
			return true;
		if (f & NDIS_FILTER_MULTICAST)
			for (uint32_t i = 0; i < pub->n_mc; i++)
				if (memcmp(pub->mc[i], d, 6) == 0)
					return true;
		return false;
	}
	return (f & NDIS_FILTER_DIRECTED) && memcmp(d, pub->mac, 6) == 0;
}

/* An 802.1Q tag in the frame's data may come on top of the MTU. */
static bool
tag_in_data(const struct rte_mbuf *m)
{
	uint16_t buf;
	const uint16_t *et = rte_pktmbuf_read(m, 12, 2, &buf);

	return et != NULL && *et == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
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

/* Checksum-validated info for the guest (ref §4.11, RX bits): a checksum
 * the port verified, or one another guest asked us to offload (the frame
 * never left the host, so it cannot have been corrupted on a wire). */
static uint32_t
csum_info(const struct rte_mbuf *m)
{
	uint64_t f = m->ol_flags;
	bool v4 = false, ip_ok, l4_ok;
	uint8_t proto;
	uint32_t v = 0;

	ip_ok = (f & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD ||
		(f & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_SEG));
	l4_ok = (f & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD ||
		(f & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG));
	if (!ip_ok && !l4_ok)
		return 0;
	proto = l4_proto(m, &v4);
	if (ip_ok && v4)
		v |= PPI_RXCSUM_IP_OK;
	if (l4_ok && proto == IPPROTO_TCP)
		v |= PPI_RXCSUM_TCP_OK;
	if (l4_ok && proto == IPPROTO_UDP)
		v |= PPI_RXCSUM_UDP_OK;
	return v;
}

static uint32_t
put_ppi(uint8_t *p, uint32_t type, uint32_t value)
{
	struct rndis_ppi e = {16, type, 12};

	memcpy(p, &e, sizeof(e));
	memcpy(p + 12, &value, 4);
	return 16;
}

/* Writes frame m as one RNDIS PACKET at dst; returns the message length, 0
 * if it does not fit in cap bytes. */
static uint32_t
write_packet(uint8_t *dst, uint32_t cap, const struct rte_mbuf *m)
{
	struct rndis_packet h = {.h = {RNDIS_PACKET, 0}};
	uint8_t ppi[32];
	uint32_t np = 0, len = rte_pktmbuf_pkt_len(m), cs, off;

	if (m->ol_flags & RTE_MBUF_F_TX_VLAN) {
		uint16_t t = m->vlan_tci;

		np += put_ppi(ppi + np, PPI_VLAN,
			      (uint32_t)(t >> 13) | ((t >> 12) & 1u) << 3 | (uint32_t)(t & 0xfff) << 4);
	}
	cs = csum_info(m);
	if (cs != 0)
		np += put_ppi(ppi + np, PPI_CSUM, cs);
	if (sizeof(h) + np + len > cap)
		return 0;
	h.ppi_off = np ? sizeof(h) - RNDIS_OFF_BASE : 0;
	h.ppi_len = np;
	h.data_off = sizeof(h) - RNDIS_OFF_BASE + np;
	h.data_len = len;
	h.h.len = sizeof(h) + np + len;
	memcpy(dst, &h, sizeof(h));
	memcpy(dst + sizeof(h), ppi, np);
	off = sizeof(h) + np;
	for (const struct rte_mbuf *s = m; s != NULL; s = s->next) {
		memcpy(dst + off, rte_pktmbuf_mtod(s, const uint8_t *), s->data_len);
		off += s->data_len;
	}
	return h.h.len;
}

/* Announces sections ids[0..k) (a chain) in one transfer-page packet. */
static int
indicate(struct vs_netvsp *ch, uint32_t k)
{
	struct vs_tx *tx = &ch->tx;
	struct nvsp_rndis_pkt np = {NVSP_RNDIS_PKT, 0, NVSP_NO_SECTION, 0};
	uint8_t nv[NVSP_MSG_V61] = {0};
	uint16_t set = tx->pub.rxbuf_id;
	uint32_t head = tx->ranges[0].byte_offset / tx->pub.sub_size;
	int rc;

	memcpy(tx->ext, &set, 2);
	memset(tx->ext + 2, 0, 2);
	memcpy(tx->ext + 4, &k, 4);
	memcpy(tx->ext + 8, tx->ranges, 8 * k);
	memcpy(nv, &np, sizeof(np));
	rc = vs_chan_send(ch, VMBUS_PKT_XFER_PAGES, VMBUS_FLAG_RC, head, tx->ext, 8 + 8 * k, nv,
			  vs_nvsp_wire_len(tx->pub.nvsp_version, NVSP_RNDIS_PKT),
			  VS_NETVSP_C_tx_signals);
	return rc;
}

/* Token held. */
static uint16_t
deliver(struct vs_netvsp *ch, struct rte_mbuf **pkts, uint16_t n)
{
	struct vs_tx *tx = &ch->tx;
	const struct vs_pub *pub = &tx->pub;
	uint16_t i = 0;
	uint32_t max;

	max = vs_frame_max(ch->l2_mtu, pub->guest_mtu);
	if (tx->gen != pub->rxbuf_gen)
		tx_reinit(ch);
	tx_reclaim(ch);
	while (i < n) {
		uint16_t start = i;
		uint32_t k = 0, prev = NO_NEXT, delivered_bytes = 0;
		bool no_section = false;

		if (!vs_ring_has_room(&ch->out, vs_ring_pkt_bytes(8 + 8 * VS_TX_BATCH, NVSP_MSG_V61))) {
			CNT_ADD(ch, tx_ring_full, n - i);
			return i;
		}
		for (; i < n && k < VS_TX_BATCH; i++) {
			struct rte_mbuf *m = pkts[i];
			uint32_t len = rte_pktmbuf_pkt_len(m), id, mlen;
			uint64_t at;

			/* Sections hold a frame of the port's MTU, so a frame
			 * within the guest's fits one. */
			if (len > max && !(len <= max + 4 && tag_in_data(m))) {
				CNT_INC(ch, tx_over_mtu);
				continue;
			}
			if (len < RTE_ETHER_HDR_LEN || len + VS_HDR_ROOM > pub->sub_size) {
				CNT_INC(ch, tx_bad_len);
				continue;
			}
			if (!filter_pass(pub, m)) {
				CNT_INC(ch, tx_filtered);
				continue;
			}
			if (tx->n_free == 0) {
				no_section = true;
				break;
			}
			id = tx->free[--tx->n_free];
			at = pub->rx_off + (uint64_t)id * pub->sub_size;
			mlen = write_packet(ch->arena + at, pub->sub_size, m);
			tx->ranges[k].byte_count = mlen;
			tx->ranges[k].byte_offset = id * pub->sub_size;
			tx->chain[id] = NO_NEXT;
			if (prev != NO_NEXT)
				tx->chain[prev] = id;
			/* Visible to rx_dp.c before the guest can complete it. */
			__atomic_store_n(&ch->sub_state[id], k == 0 ? SUB_HEAD : SUB_MEMBER,
					 __ATOMIC_RELEASE);
			prev = id;
			k++;
			delivered_bytes += len;
		}
		if (k > 0 && indicate(ch, k) != 0) {
			/* Ring full after all (or the guest broke its read index):
			 * give the sections back and refuse the rest. */
			for (uint32_t j = k; j-- > 0;) {
				uint32_t id = tx->ranges[j].byte_offset / pub->sub_size;

				__atomic_store_n(&ch->sub_state[id], SUB_FREE, __ATOMIC_RELAXED);
				tx->free[tx->n_free++] = id;
			}
			CNT_ADD(ch, tx_ring_full, n - start);
			return start;
		}
		if (k > 0) {
			CNT_ADD(ch, tx_packets, k);
			CNT_ADD(ch, tx_bytes, delivered_bytes);
			CNT_INC(ch, tx_indications);
		}
		if (no_section) {
			/* The guest holds every section: it stopped completing,
			 * or is slow.  Refuse instead of waiting (issue: count
			 * drops, never block). */
			CNT_ADD(ch, tx_no_section, n - i);
			return i;
		}
	}
	return n;
}

uint16_t
vs_netvsp_tx_burst(struct vs_netvsp *ch, struct rte_mbuf **pkts, uint16_t n)
{
	const struct vs_pub *pub = &ch->tx.pub;
	uint16_t took;

	vs_pub_refresh(ch, &ch->tx.seq, &ch->tx.pub);
	if (!pub->open || !pub->rxbuf || !pub->rndis_up || !pub->link_up ||
	    __atomic_load_n(&ch->dead, __ATOMIC_RELAXED)) {
		CNT_ADD(ch, tx_not_ready, n);
		return n; /* a NIC that is down drops what it is given */
	}
	/* Only the control thread resetting the session, or writing replies
	 * the worker left unsent for a whole poll, holds it meanwhile. */
	if (!vs_token_try(ch)) {
		CNT_ADD(ch, tx_busy, n);
		return 0;
	}
	/* The control thread's replies go first: one may announce the
	 * state these frames rely on. */
	if (ch->outq_head != __atomic_load_n(&ch->outq_tail, __ATOMIC_ACQUIRE))
		vs_chan_flush_replies(ch);
	took = deliver(ch, pkts, n);
	vs_token_put(ch);
	return took;
}
