/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Software VMQ and the netvsc transmit hand-off: the burst functions.
 *
 * Classify (on the worker that polls the uplink's receive queue): each
 * frame's destination MAC, and its 802.1Q VID when it carries one, is
 * matched against the VMs of the switch with software VMQ on (at most
 * VS_VMQ_MAX_QUEUES, scanned in order: a few compares for the handful of
 * VMs a host runs).  A frame for a VM polled by another worker goes to
 * that VM's ring, in one enqueue per VM per burst; the rest (broadcast,
 * unknown, the host's, VMs on this worker) stay and run through the
 * pipeline here.  The VM's worker takes its ring like any queue and runs
 * the frames through the pipeline as the uplink's — the frames of all its
 * rings of one switch gathered into full bursts, so that a VM's few frames
 * per poll do not each pay a whole burst's fixed cost, while every ring
 * is still read once per poll (no VM starves another) — so learning, VLANs and
 * counters are what they would have been; only the core differs.  That is
 * also why the match may be loose (an untagged frame matches a VM of any
 * VLAN, the uplink's policy decides its VLAN later): a frame on the wrong
 * core is forwarded all the same.
 *
 * The netvsc hand-off: a netvsc port's rx and tx bursts must run on one
 * thread (netvsp.h).  With several workers, a frame for a netvsc port from
 * any worker but the port's own goes to the port's hand-off ring; the
 * port's worker sends it with its own.
 *
 * Rings are multi-producer (the producer may change with placement, for a
 * grace period two may be active) and single-consumer (a queue has one
 * worker).  A full ring drops and counts: vmq_full on the uplink,
 * tx_handoff_full on the netvsc port.  No locks, no logs.
 */
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "tx_priv.h"

/* The VM a frame is for, or -1. */
static inline int
vs_vmq_match(const struct vs_snap_switch *ss, const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh;
	uint16_t vid = 0, k;

	if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + 4))
		return -1;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (rte_is_multicast_ether_addr(&eh->dst_addr))
		return -1;
	if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)
		vid = m->vlan_tci & 0xfff;
	else if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN))
		vid = rte_be_to_cpu_16(((const struct rte_vlan_hdr *)(eh + 1))->vlan_tci) & 0xfff;
	for (k = 0; k < ss->n_vmq; k++) {
		const struct vs_snap_vmq *v = &ss->vmq[k];

		if (rte_is_same_ether_addr(&eh->dst_addr, &v->mac) && (v->vlan == 0 || vid == 0 || v->vlan == vid))
			return v->port;
	}
	return -1;
}

uint16_t
vs_vmq_dp_classify(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t uplink,
		   struct rte_mbuf **pkts, uint16_t n)
{
	const struct vs_snap_switch *ss = &snap->switches[snap->ports[uplink].sw];
	struct rte_mbuf *out[VS_BURST][VS_BURST];
	uint16_t n_out[VS_BURST], to[VS_BURST], n_to = 0, kept = 0, i, t;

	for (i = 0; i < n; i++) {
		int vm = vs_vmq_match(ss, pkts[i]);
		const struct vs_snap_port *vp;

		if (vm < 0 || (vp = &snap->ports[vm])->worker == w->idx || vp->vmq_ring == NULL) {
			pkts[kept++] = pkts[i];
			continue;
		}
		for (t = 0; t < n_to && to[t] != vm; t++)
			;
		if (t == n_to) {
			to[n_to++] = (uint16_t)vm;
			n_out[t] = 0;
		}
		out[t][n_out[t]++] = pkts[i];
	}
	for (t = 0; t < n_to; t++) {
		unsigned int sent = rte_ring_mp_enqueue_burst(snap->ports[to[t]].vmq_ring,
							      (void **)out[t], n_out[t], NULL);

		w->vmq_handoff += sent;
		if (unlikely(sent < n_out[t])) {
			struct vs_port_stats *in = &w->stats[uplink];

			for (i = (uint16_t)sent; i < n_out[t]; i++) {
				in->rx_packets++;
				in->rx_bytes += rte_pktmbuf_pkt_len(out[t][i]);
			}
			in->drops[VS_DROP_VMQ_FULL] += n_out[t] - sent;
			rte_pktmbuf_free_bulk(&out[t][sent], n_out[t] - sent);
		}
	}
	return kept;
}

/* Frames that waited for the uplink that went: lost, counted on the VM. */
static void
vs_vmq_dp_orphans(struct vs_worker *w, uint16_t vm, struct rte_mbuf **pkts, unsigned int n)
{
	w->stats[vm].drops[VS_DROP_VMQ_FULL] += n;
	rte_pktmbuf_free_bulk(pkts, n);
}

void
vs_vmq_dp_flush(struct vs_worker *w, const struct vs_snapshot *snap, struct vs_vmq_gather *g,
		uint32_t now_s)
{
	if (g->n == 0)
		return;
	vs_pipeline_run(w, snap, g->uplink, g->pkts, g->n, now_s);
	g->n = 0;
}

unsigned int
vs_vmq_dp_gather(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t vm,
		 struct vs_vmq_gather *g, uint32_t now_s)
{
	const struct vs_snap_port *vp = &snap->ports[vm];
	uint16_t uplink1 = snap->switches[vp->sw].uplink1;
	unsigned int n;

	if (vp->vmq_ring == NULL)
		return 0;
	/* Another switch's uplink: its burst goes through the pipeline first. */
	if (g->n > 0 && g->uplink + 1u != uplink1)
		vs_vmq_dp_flush(w, snap, g, now_s);
	n = rte_ring_sc_dequeue_burst(vp->vmq_ring, (void **)g->pkts + g->n, VS_BURST - g->n,
				      NULL);
	if (n == 0)
		return 0;
	w->vmq_rx += n;
	w->vmq_packets[vm] += n;
	if (unlikely(uplink1 == 0)) {
		vs_vmq_dp_orphans(w, vm, g->pkts + g->n, n);
		return n;
	}
	g->uplink = (uint16_t)(uplink1 - 1);
	g->n = (uint16_t)(g->n + n);
	if (g->n == VS_BURST)
		vs_vmq_dp_flush(w, snap, g, now_s);
	return n;
}

unsigned int
vs_vmq_dp_poll(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t vm, uint32_t now_s)
{
	struct vs_vmq_gather g = {.n = 0};
	unsigned int n = vs_vmq_dp_gather(w, snap, vm, &g, now_s);

	vs_vmq_dp_flush(w, snap, &g, now_s);
	return n;
}

void
vs_vmq_dp_tx_drain(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t port)
{
	const struct vs_snap_port *sp = &snap->ports[port];
	struct vs_txbuf tb;
	unsigned int n;

	tb.prepare = false;
	tb.dirty = false;
	n = rte_ring_sc_dequeue_burst(sp->tx_handoff, (void **)tb.pkts, VS_TXBUF_SIZE, NULL);
	if (n == 0)
		return;
	tb.n = (uint16_t)n;
	vs_txbuf_send_own(w, sp, port, &tb);
}
