/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host → guest: frames copied into receive-buffer sections, each wrapped in
 * an RNDIS PACKET with its per-packet info, several frames announced by one
 * transfer-page packet (ref §2.3, §5.3).  The sections of one indication
 * form a chain whose head id is the transaction id; the guest's completion
 * of that id (seen by rx_dp.c) returns the whole chain.  Sections above
 * VS_CTL_SUBS are cut into one run per queue in use; each queue's worker
 * owns its run alone (netvsp_priv.h).  Spreading a burst over the queues
 * by the guest's RSS parameters is tx_rss.c's.
 *
 * How one frame is written into sections, and a TCP superframe coalesced
 * for a guest that enabled RSC, is tx_write.c's.  What we write to the
 * guest (ref §6.4): only inside sections we own and the guest has
 * completed; ids < num_sub; set id = the registered receive-buffer id;
 * ≤ VS_TX_BATCH frames and ≤ VS_TX_RANGES ranges per indication;
 * well-formed PPIs only (a malformed PPI list hangs Linux, ref §4.11).
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
	uint32_t id, lo, hi, per;

	while (vs_idxq_pop(&ch->ret_tx, &id))
		;
	tx->gen = tx->pub.rxbuf_gen;
	tx->nq = tx->pub.n_queues;
	tx->n_free = 0;
	if (!tx->pub.rxbuf || tx->pub.num_sub <= VS_CTL_SUBS || ch->qid >= tx->nq)
		return;
	per = (tx->pub.num_sub - VS_CTL_SUBS) / tx->nq;
	lo = VS_CTL_SUBS + ch->qid * per;
	hi = ch->qid + 1u == tx->nq ? tx->pub.num_sub : lo + per;
	for (id = hi; id-- > lo;) {
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
		while (id != NO_NEXT && guard++ < VS_TX_RANGES) {
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

/* What becomes of frame m (tx_over_mtu and the like are counted here):
 * 1 one section, 2 an RSC guest's coalesced frame, 0 dropped. */
static int
classify(struct vs_netvsp *ch, const struct rte_mbuf *m, uint32_t max, struct vs_tx_frame *f)
{
	const struct vs_pub *pub = &ch->tx.pub;
	bool over;

	f->len = rte_pktmbuf_pkt_len(m);
	f->seg = (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) != 0;
	if (f->len < RTE_ETHER_HDR_LEN) {
		CNT_INC(ch, tx_bad_len);
		return 0;
	}
	if (f->seg && !vs_tx_seg_parse(m, f)) {
		CNT_INC(ch, tx_rsc_bad);
		return 0;
	}
	over = f->len > max && !(f->len <= max + 4 && tag_in_data(m));
	if (f->seg && over) {
		/* Coalesced: each segment it stands for must fit the MTU. */
		uint32_t tag = f->l2 > RTE_ETHER_HDR_LEN ? 4 : 0;

		if (!(f->v4 ? pub->rsc4 : pub->rsc6)) {
			/* The guest turned RSC off since the switch last saw
			 * its capabilities. */
			CNT_INC(ch, tx_rsc_off);
			return 0;
		}
		if (m->tso_segsz == 0 || f->l2 + f->l3 + f->l4 + m->tso_segsz > max + tag) {
			CNT_INC(ch, tx_over_mtu);
			return 0;
		}
		if (f->len > VS_RSC_FRAME_MAX) {
			CNT_INC(ch, tx_rsc_bad);
			return 0;
		}
		return 2;
	}
	if (over) {
		CNT_INC(ch, tx_over_mtu);
		return 0;
	}
	/* Sections hold a frame of the port's MTU, so a frame within the
	 * guest's fits one. */
	if (f->len + VS_HDR_ROOM > pub->sub_size) {
		CNT_INC(ch, tx_bad_len);
		return 0;
	}
	return 1;
}

/* Gives back the sections of an indication that could not be sent. */
static void
untake(struct vs_netvsp *ch, uint32_t k)
{
	struct vs_tx *tx = &ch->tx;

	for (uint32_t j = k; j-- > 0;) {
		uint32_t id = tx->ranges[j].byte_offset / tx->pub.sub_size;

		__atomic_store_n(&ch->sub_state[id], SUB_FREE, __ATOMIC_RELAXED);
		tx->free[tx->n_free++] = id;
	}
}

/* Frames [from, n) refused, less those a subchannel held from an earlier
 * try, counted then: a frame is counted refused once. */
static inline uint32_t
refused(const struct vs_tx *tx, uint16_t from, uint16_t n)
{
	return n - RTE_MAX(from, RTE_MIN(tx->recount, n));
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
	if (tx->gen != pub->rxbuf_gen || tx->nq != pub->n_queues)
		tx_reinit(ch);
	tx_reclaim(ch);
	while (i < n) {
		uint16_t start = i;
		uint32_t k = 0, frames = 0, bytes = 0, ok = 0, failed = 0;
		bool no_section = false;

		if (!vs_ring_has_room(&ch->out,
				      vs_ring_pkt_bytes(8 + 8 * VS_TX_RANGES, NVSP_MSG_V61))) {
			CNT_ADD(ch, tx_ring_full, refused(tx, i, n));
			return i;
		}
		for (; i < n && frames < VS_TX_BATCH; i++) {
			struct rte_mbuf *m = pkts[i];
			struct vs_tx_frame f;
			int how = classify(ch, m, max, &f), r;
			uint32_t cs;

			if (how == 0)
				continue;
			f.hash = tx->hinfo != NULL && tx->hinfo[i] != 0;
			if (f.hash) {
				f.hash_value = tx->hash[i];
				f.hash_info = tx->hinfo[i];
			}
			if (!filter_pass(pub, m)) {
				CNT_INC(ch, tx_filtered);
				continue;
			}
			cs = vs_tx_csum_info(m);
			r = how == 2 ? vs_tx_write_rsc(ch, m, &f, cs, k)
				     : vs_tx_write_one(ch, m, &f, cs, k);
			if (r == 0)
				continue;
			if (r < 0) {
				/* Sections or ranges short: what is built goes,
				 * this frame waits for the next indication; with
				 * nothing built, the guest holds the sections. */
				no_section = k == 0;
				break;
			}
			k += (uint32_t)r;
			frames++;
			bytes += f.len;
			ok += (cs & (PPI_RXCSUM_TCP_OK | PPI_RXCSUM_UDP_OK)) != 0;
			failed += (cs & PPI_RXCSUM_FAILED) != 0;
		}
		if (k > 0 && indicate(ch, k) != 0) {
			/* Ring full after all (or the guest broke its read index):
			 * give the sections back and refuse the rest. */
			untake(ch, k);
			CNT_ADD(ch, tx_ring_full, refused(tx, start, n));
			return start;
		}
		if (k > 0) {
			CNT_ADD(ch, tx_packets, frames);
			CNT_ADD(ch, tx_bytes, bytes);
			CNT_ADD(ch, tx_csum_validated, ok);
			CNT_ADD(ch, tx_csum_failed, failed);
			CNT_INC(ch, tx_indications);
		}
		if (no_section) {
			/* The guest holds every section: it stopped completing,
			 * or is slow.  Refuse instead of waiting (issue: count
			 * drops, never block). */
			CNT_ADD(ch, tx_no_section, refused(tx, i, n));
			return i;
		}
	}
	return n;
}

uint16_t
vs_tx_queue_burst(struct vs_netvsp *ch, struct rte_mbuf **pkts, uint16_t n, const uint32_t *hash,
		  const uint32_t *hinfo, uint16_t recount)
{
	const struct vs_pub *pub = &ch->tx.pub;
	uint16_t took;

	/* The tx state is the transmitting worker's, token or not. */
	ch->tx.recount = recount;
	vs_pub_refresh(ch->prim, &ch->tx.seq, &ch->tx.pub);
	if (!pub->open || !pub->rxbuf || !pub->rndis_up || !pub->link_up ||
	    !vs_queue_open(ch, pub) || __atomic_load_n(&ch->dead, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&ch->quarantined, __ATOMIC_RELAXED)) {
		CNT_ADD(ch, tx_not_ready, n);
		return n; /* a NIC that is down drops what it is given */
	}
	/* Only the control thread resetting the session, or writing replies
	 * the worker left unsent for a whole poll, holds it meanwhile. */
	if (!vs_token_try(ch)) {
		CNT_ADD(ch, tx_busy, refused(&ch->tx, 0, n));
		return 0;
	}
	/* The control thread's replies go first: one may announce the
	 * state these frames rely on. */
	if (ch->outq_head != __atomic_load_n(&ch->outq_tail, __ATOMIC_ACQUIRE))
		vs_chan_flush_replies(ch);
	ch->tx.hash = hash;
	ch->tx.hinfo = hinfo;
	took = deliver(ch, pkts, n);
	vs_token_put(ch);
	return took;
}

uint16_t
vs_netvsp_tx_burst(struct vs_netvsp *ch, struct rte_mbuf **pkts, uint16_t n)
{
	if (ch->qid == 0) {
		vs_pub_refresh(ch, &ch->tx.seq, &ch->tx.pub);
		if (ch->tx.pub.rss_on)
			return vs_tx_spread(ch, pkts, n);
	}
	return vs_tx_queue_burst(ch, pkts, n, NULL, NULL, 0);
}
