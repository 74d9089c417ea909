/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet path, top to bottom.  One received burst of one port goes
 * through every stage in order; each stage fills per-packet arrays of the
 * burst context and never looks back:
 *
 *   1. parse       Ethernet header, length sanity, reserved and illegal
 *                  addresses                         -> drop[] or keys
 *   2. vlan        ingress classification (VLAN-unaware ports: VLAN 1)
 *   3. learn       source (switch, VLAN, MAC) -> ingress port
 *   4. lookup      destination -> one port, or the switch's flood set
 *   5. egress      per destination: into the worker's tx buffers; floods
 *                  share one mbuf by reference count
 *
 * Transmission happens in vs_pipeline_flush, once per worker loop.
 *
 * Drops: every frame not forwarded is counted under exactly one reason on its
 * ingress port (TX_FULL on the egress port) and freed in one bulk call.  No
 * locks, no logs, no allocation here.
 */
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "dp_priv.h"

#define VS_OUT_FLOOD UINT16_MAX

struct vs_burst {
	uint16_t n;
	uint16_t n_learn;
	uint16_t n_lookup;
	uint16_t in_port;
	uint16_t sw;
	uint16_t in_gen;
	uint8_t drop[VS_BURST];     /* VS_DROP_MAX = kept */
	uint16_t vlan[VS_BURST];
	uint16_t out[VS_BURST];     /* port index or VS_OUT_FLOOD */
	uint16_t learn_idx[VS_BURST];
	uint16_t lookup_idx[VS_BURST];
	struct vs_fdb_key src_key[VS_BURST];
	struct vs_fdb_key dst_key[VS_BURST];
	int32_t pos[VS_BURST];
	struct rte_ether_hdr hdr_copy[VS_BURST]; /* for headers split over segments */
};

static inline bool
vs_is_reserved_group(const struct rte_ether_addr *a)
{
	/* IEEE 802.1D-2004 7.12.6: 01-80-C2-00-00-00..0F are never relayed. */
	const uint8_t *b = a->addr_bytes;

	return b[0] == 0x01 && b[1] == 0x80 && b[2] == 0xC2 && b[3] == 0x00 && b[4] == 0x00 &&
	       b[5] <= 0x0F;
}

/* Stage 1.  Decides what is a frame at all; fills the learn and lookup
 * keys of the survivors. */
static inline void
vs_stage_parse_one(struct vs_burst *b, struct rte_mbuf *m, uint16_t i)
{
	const struct rte_ether_hdr *eh;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint16_t type;

	if (len < RTE_ETHER_HDR_LEN) {
		b->drop[i] = VS_DROP_RUNT;
		return;
	}
	eh = rte_pktmbuf_read(m, 0, RTE_ETHER_HDR_LEN, &b->hdr_copy[i]);
	if (eh == NULL) { /* segment lengths disagree with pkt_len */
		b->drop[i] = VS_DROP_BAD_LENGTH;
		return;
	}
	type = rte_be_to_cpu_16(eh->ether_type);
	/* Below 1536 the field is an 802.3 length: it must fit the payload
	 * (padding may follow it); 1501..1535 are neither length nor type. */
	if (type < 0x0600 && (type > RTE_ETHER_MTU || type > len - RTE_ETHER_HDR_LEN)) {
		b->drop[i] = VS_DROP_BAD_LENGTH;
		return;
	}
	if (vs_is_reserved_group(&eh->dst_addr)) {
		b->drop[i] = VS_DROP_RESERVED_GROUP;
		return;
	}
	if (rte_is_multicast_ether_addr(&eh->src_addr)) {
		b->drop[i] = VS_DROP_SRC_MULTICAST;
		return;
	}
	b->drop[i] = VS_DROP_MAX;
	/* Stage 2 lives here until vlan/ classifies: an untagged port is
	 * VLAN-unaware, every frame in VLAN 1 and tags carried as data. */
	b->vlan[i] = VS_VLAN_DEFAULT;
	vs_fdb_key_set(&b->src_key[b->n_learn], b->sw, b->vlan[i], &eh->src_addr);
	b->learn_idx[b->n_learn++] = i;
	if (rte_is_multicast_ether_addr(&eh->dst_addr)) {
		b->out[i] = VS_OUT_FLOOD; /* broadcast and multicast */
	} else {
		vs_fdb_key_set(&b->dst_key[b->n_lookup], b->sw, b->vlan[i], &eh->dst_addr);
		b->lookup_idx[b->n_lookup++] = i;
	}
}

static void
vs_stage_parse(struct vs_burst *b, struct rte_mbuf **pkts)
{
	uint16_t i;

	for (i = 0; i < b->n; i++) {
		if (i + 2 < b->n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 2], void *));
		vs_stage_parse_one(b, pkts[i], i);
	}
}

/* Stage 3. */
static void
vs_stage_learn(struct vs_worker *w, struct vs_burst *b, uint32_t now_s)
{
	struct vs_fdb *fdb = &w->dp->fdb;
	uint16_t j;

	if (b->n_learn == 0)
		return;
	vs_fdb_lookup_burst(fdb, b->src_key, b->n_learn, b->pos);
	for (j = 0; j < b->n_learn; j++) {
		switch (vs_fdb_learn(fdb, &b->src_key[j], b->pos[j], b->in_port, b->in_gen,
				     now_s)) {
		case VS_FDB_REFRESHED:
			break;
		case VS_FDB_LEARNED:
			w->fdb.learned++;
			break;
		case VS_FDB_MOVED:
			w->fdb.moved++;
			break;
		case VS_FDB_FULL:
			w->fdb.overflow++;
			break;
		}
	}
}

/* Stage 4.  An entry is followed only if its port still exists with the
 * same generation, in the same switch, and is up. */
static void
vs_stage_lookup(const struct vs_fdb *fdb, const struct vs_snapshot *snap, struct vs_burst *b)
{
	uint16_t j;

	if (b->n_lookup > 0)
		vs_fdb_lookup_burst(fdb, b->dst_key, b->n_lookup, b->pos);
	for (j = 0; j < b->n_lookup; j++) {
		uint16_t i = b->lookup_idx[j];
		const struct vs_snap_port *sp;
		uint64_t v;
		uint16_t port;

		b->out[i] = VS_OUT_FLOOD;
		if (b->pos[j] < 0)
			continue;
		v = __atomic_load_n(&fdb->values[b->pos[j]], __ATOMIC_ACQUIRE);
		port = vs_fdb_value_port(v);
		sp = &snap->ports[port];
		if (sp->port == NULL || sp->gen != vs_fdb_value_gen(v) || sp->sw != b->sw)
			continue;
		if (port == b->in_port)
			b->drop[i] = VS_DROP_HAIRPIN;
		else if (!sp->up)
			b->drop[i] = VS_DROP_PORT_DOWN;
		else
			b->out[i] = port;
	}
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
	if (tb->n == VS_TXBUF_SIZE) {
		/* The port stays on the dirty list; the flush finds it empty. */
		uint16_t sent = snap->ports[port].port->ops->tx_burst(snap->ports[port].port,
								       (uint16_t)w->idx, tb->pkts,
								       tb->n);
		uint16_t k;

		for (k = 0; k < sent; k++) {
			w->stats[port].tx_packets++;
			w->stats[port].tx_bytes += rte_pktmbuf_pkt_len(tb->pkts[k]);
		}
		for (k = sent; k < tb->n; k++)
			rte_pktmbuf_free(tb->pkts[k]);
		w->stats[port].drops[VS_DROP_TX_FULL] += (uint64_t)(tb->n - sent);
		tb->n = 0;
	}
}

/* Stage 5. */
static void
vs_stage_egress(struct vs_worker *w, const struct vs_snapshot *snap, struct vs_burst *b,
		struct rte_mbuf **pkts)
{
	struct vs_port_stats *in = &w->stats[b->in_port];
	const struct vs_snap_switch *ss = &snap->switches[b->sw];
	struct rte_mbuf *dropped[VS_BURST];
	uint16_t n_dropped = 0, i, k;

	for (i = 0; i < b->n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (b->drop[i] == VS_DROP_MAX && b->out[i] != VS_OUT_FLOOD) {
			in->fwd_unicast++;
			vs_tx_enqueue(w, snap, b->out[i], m);
			continue;
		}
		if (b->drop[i] == VS_DROP_MAX) {
			/* Every port of the switch that is up, but the ingress;
			 * one reference per copy sent. */
			uint16_t n_out = (uint16_t)(ss->n_flood - (snap->ports[b->in_port].up ? 1 : 0));

			if (n_out == 0) {
				b->drop[i] = VS_DROP_NO_EGRESS;
			} else {
				in->fwd_flood++;
				rte_pktmbuf_refcnt_update(m, (int16_t)(n_out - 1)); /* every segment */
				for (k = 0; k < ss->n_flood; k++)
					if (ss->flood[k] != b->in_port)
						vs_tx_enqueue(w, snap, ss->flood[k], m);
				continue;
			}
		}
		in->drops[b->drop[i]]++;
		dropped[n_dropped++] = m;
	}
	if (n_dropped > 0)
		rte_pktmbuf_free_bulk(dropped, n_dropped);
}

void
vs_pipeline_run(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint32_t now_s)
{
	const struct vs_snap_port *sp = &snap->ports[in_port];
	struct vs_port_stats *in = &w->stats[in_port];
	struct vs_burst b;
	uint16_t i;

	for (i = 0; i < n; i++)
		in->rx_bytes += rte_pktmbuf_pkt_len(pkts[i]);
	in->rx_packets += n;
	if (sp->port == NULL || !sp->up) {
		in->drops[VS_DROP_PORT_DOWN] += n;
		rte_pktmbuf_free_bulk(pkts, n);
		return;
	}
	b.n = n;
	b.n_learn = 0;
	b.n_lookup = 0;
	b.in_port = in_port;
	b.sw = sp->sw;
	b.in_gen = sp->gen;

	vs_stage_parse(&b, pkts);
	vs_stage_learn(w, &b, now_s);
	vs_stage_lookup(&w->dp->fdb, snap, &b);
	vs_stage_egress(w, snap, &b, pkts);
}

void
vs_pipeline_flush(struct vs_worker *w, const struct vs_snapshot *snap)
{
	uint16_t d, k;

	for (d = 0; d < w->n_dirty; d++) {
		uint16_t port = w->dirty[d];
		struct vs_txbuf *tb = &w->tx[port];
		struct vs_port *p = snap->ports[port].port;
		uint16_t sent = 0;

		tb->dirty = false;
		if (tb->n == 0)
			continue;
		if (p != NULL)
			sent = p->ops->tx_burst(p, (uint16_t)w->idx, tb->pkts, tb->n);
		for (k = 0; k < sent; k++) {
			w->stats[port].tx_packets++;
			w->stats[port].tx_bytes += rte_pktmbuf_pkt_len(tb->pkts[k]);
		}
		if (sent < tb->n) {
			w->stats[port].drops[VS_DROP_TX_FULL] += (uint64_t)(tb->n - sent);
			rte_pktmbuf_free_bulk(&tb->pkts[sent], tb->n - sent);
		}
		tb->n = 0;
	}
	w->n_dirty = 0;
}
