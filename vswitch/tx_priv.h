/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's transmit buffers, shared by the pipeline's egress stage
 * (pipeline.c) and the offload fix-up's grouping (tx.c): a frame enqueued
 * for a port, a buffer sent when full or at the end of the loop.  Inline:
 * every forwarded frame passes here.
 */
#ifndef VS_TX_PRIV_H
#define VS_TX_PRIV_H

#include <rte_ring.h>

#include "dp_priv.h"

/* tx.c: rte_eth_tx_prepare over a buffer holding offload requests; a
 * frame with offload requests to ports[0..n) (see there). */
void vs_txbuf_prepare(struct vs_worker *w, struct vs_port *p, uint16_t port, struct vs_txbuf *tb);
void vs_tx_offload(struct vs_worker *w, const struct vs_snapshot *snap, const uint16_t *ports,
		   uint16_t n, struct rte_mbuf *m);

/* Sends a tx buffer on this worker.  Lengths are read before the burst: a
 * port may free what it took at once (af_packet copies and frees). */
static inline void
vs_txbuf_send_own(struct vs_worker *w, const struct vs_snap_port *sp, uint16_t port,
		  struct vs_txbuf *tb)
{
	struct vs_port *p = sp->port;
	uint32_t len[VS_TXBUF_SIZE];
	uint64_t bytes = 0;
	uint16_t sent = 0, k;

	if (unlikely(tb->prepare)) {
		tb->prepare = false;
		if (p != NULL && sp->tx_prepare)
			vs_txbuf_prepare(w, p, port, tb);
	}
	for (k = 0; k < tb->n; k++)
		len[k] = rte_pktmbuf_pkt_len(tb->pkts[k]);
	if (p != NULL && tb->n > 0)
		sent = p->ops->tx_burst(p, (uint16_t)w->idx, tb->pkts, tb->n);
	for (k = 0; k < sent; k++)
		bytes += len[k];
	w->stats[port].tx_packets += sent;
	w->stats[port].tx_bytes += bytes;
	if (sent < tb->n) {
		w->stats[port].drops[VS_DROP_TX_FULL] += (uint64_t)(tb->n - sent);
		rte_pktmbuf_free_bulk(&tb->pkts[sent], tb->n - sent);
	}
	tb->n = 0;
}

/* Sends a tx buffer: here, or, for a port whose bursts belong to another
 * worker (netvsc), through its hand-off ring (vmq_dp.c). */
static inline void
vs_txbuf_send(struct vs_worker *w, const struct vs_snap_port *sp, uint16_t port,
	      struct vs_txbuf *tb)
{
	unsigned int sent;

	if (likely(sp->tx_handoff == NULL || sp->worker == w->idx)) {
		vs_txbuf_send_own(w, sp, port, tb);
		return;
	}
	tb->prepare = false; /* netvsc ports prepare nothing */
	sent = rte_ring_mp_enqueue_burst(sp->tx_handoff, (void **)tb->pkts, tb->n, NULL);
	w->tx_handoff += sent;
	if (unlikely(sent < tb->n)) {
		w->stats[port].drops[VS_DROP_TX_HANDOFF_FULL] += tb->n - sent;
		rte_pktmbuf_free_bulk(&tb->pkts[sent], tb->n - sent);
	}
	tb->n = 0;
}

static inline void
vs_tx_enqueue(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t port,
	      struct rte_mbuf *m)
{
	struct vs_txbuf *tb = &w->tx[port];

	if (!tb->dirty) {
		tb->dirty = true;
		w->dirty[w->n_dirty++] = port;
	}
	tb->pkts[tb->n++] = m;
	/* Full: send now; the port stays on the dirty list, the flush finds
	 * it empty. */
	if (tb->n == VS_TXBUF_SIZE)
		vs_txbuf_send(w, &snap->ports[port], port, tb);
}

/* The frame is longer than the egress interface takes (only called past
 * max_frame, its MTU plus the Ethernet header).  The kernel allows one
 * 802.1Q tag more: a tag the switch adds (tagging), or one the frame
 * carries as data through a VLAN-unaware port. */
static inline bool
vs_too_big(const struct vs_snap_port *op, const struct rte_mbuf *m, bool tagging)
{
	const struct rte_ether_hdr *eh;
	struct rte_ether_hdr copy;
	uint16_t type;

	/* A superframe leaves as segments its sender sized (offload/). */
	if (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG)
		return false;
	if (tagging || rte_pktmbuf_pkt_len(m) > op->max_frame + RTE_VLAN_HLEN)
		return true;
	eh = rte_pktmbuf_read(m, 0, sizeof(copy), &copy);
	if (eh == NULL)
		return true;
	type = rte_be_to_cpu_16(eh->ether_type);
	return type != RTE_ETHER_TYPE_VLAN && type != RTE_ETHER_TYPE_QINQ;
}

/* Why a port refuses a frame on egress, or VS_DROP_MAX: its kernel link is
 * down, or the frame is longer than its interface's MTU allows. */
static inline uint8_t
vs_egress_refused(const struct vs_snap_port *op, const struct rte_mbuf *m, bool tagging)
{
	if (unlikely(op->link_down))
		return VS_DROP_LINK_DOWN;
	if (unlikely(rte_pktmbuf_pkt_len(m) > op->max_frame) && vs_too_big(op, m, tagging))
		return VS_DROP_MTU_EXCEEDED;
	return VS_DROP_MAX;
}

/* One frame to ports[0..n) in the form it has: shared by reference count,
 * through the offload fix-up if it asks for any. */
static inline void
vs_tx_out(struct vs_worker *w, const struct vs_snapshot *snap, const uint16_t *ports,
	  uint16_t n, struct rte_mbuf *m)
{
	uint16_t k;

	if (unlikely(m->ol_flags & VS_OFFLOAD_TX_REQUESTS)) {
		vs_tx_offload(w, snap, ports, n, m);
		return;
	}
	rte_pktmbuf_refcnt_update(m, (int16_t)(n - 1)); /* every segment */
	for (k = 0; k < n; k++)
		vs_tx_enqueue(w, snap, ports[k], m);
}

#endif
