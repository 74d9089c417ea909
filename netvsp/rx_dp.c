/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest → host: reads the guest→host ring, hands each guest packet's RNDIS
 * stream to rx_rndis.c (which makes the mbufs), completes the guest's
 * packets, takes receive completions and queues control messages for the
 * control thread (ref §5.2).  Runs with the rings' token held: in rx_burst
 * on a worker, or in ctl_poll before the data path ran (mp NULL: frames are
 * completed and dropped).  No allocation besides mbufs, no locks, no logs.
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
 * a corrupt ring stops the channel (ctl_poll returns -EPIPE).  The rows
 * from "107 section index" down are checked in rx_rndis.c.
 */
#include <errno.h>
#include <string.h>

#include <rte_mbuf.h>

#include "netvsp_priv.h"

#define RX_BUDGET 256 /* ring packets per call: bounds the time one guest takes */

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
struct vs_ctl_item *
vs_ctlq_slot(struct vs_netvsp *ch, uint8_t kind, const struct vs_ring_pkt *p)
{
	struct vs_ctl_item *it = &ch->ctlq[ch->ctlq_tail % VS_CTLQ_LEN];

	it->kind = kind;
	it->flags = p->d.flags;
	it->tid = p->d.tid;
	return it;
}

void
vs_ctlq_publish(struct vs_netvsp *ch)
{
	__atomic_store_n(&ch->ctlq_tail, ch->ctlq_tail + 1, __ATOMIC_RELEASE);
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
				struct vs_ctl_item *it = vs_ctlq_slot(ch, ITEM_NVSP, &p);

				it->len = RTE_MIN(plen, VS_CTL_MSG_MAX);
				memcpy(it->buf, pl, it->len);
				vs_ctlq_publish(ch);
				vs_ring_skip(&ch->in, &p);
				continue;
			}
			/* fall through */
		case VMBUS_PKT_GPA_DIRECT:
			if (type == NVSP_RNDIS_PKT)
				status = vs_rx_rndis_stream(ch, &p, pl, plen, pkts, n, &nb, mp);
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
