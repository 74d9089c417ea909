/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet path, top to bottom.  One received burst of one port goes
 * through every stage in order; each stage fills per-packet arrays of the
 * burst context and never looks back:
 *
 *   1. parse       length sanity, reserved and illegal addresses -> drop[]
 *   2. vlan        ingress classification by the port's policy (vlan/):
 *                  VLAN and TCI of each frame, its 802.1Q tag removed
 *   2b. security   a port with a known MAC sends only from it; DHCP and
 *                  router guards
 *   2c. nlb        in switches with NLB clusters: frames to a cluster MAC
 *                  and heartbeats marked for the cluster's members, masked
 *                  sources of non-members refused, IGMP snooped (nlb/)
 *   3. keys        (switch, VLAN, MAC) keys of source and destination
 *   4. learn       source -> ingress port        (one bulk hash lookup
 *   5. lookup      destination -> one port, or    serves stages 4 and 5)
 *                  the VLAN's flood domain
 *   6. egress      per destination port (or every port of the flood domain,
 *                  or a cluster's members): the VLAN's encapsulation (tag or
 *                  not), the offload fix-up (offload/: checksums and TCP
 *                  segmentation a frame asks for and the port cannot do),
 *                  then the worker's tx buffer; floods share one mbuf by
 *                  reference count, one copy more when some ports want the
 *                  frame tagged and others not, and one fix-up per distinct
 *                  set of port capabilities (tx.c)
 *
 * Transmission happens in vs_pipeline_flush, once per worker loop.
 *
 * Drops: every frame not forwarded is counted under exactly one reason on its
 * ingress port (TX_FULL, NO_MBUF, MTU_EXCEEDED and OFFLOAD_REFUSED on the
 * egress port, LINK_DOWN on the port whose kernel link is down, either way)
 * and freed in one bulk call.  A port whose link is down is not in the
 * flood sets (dp.c), so only frames sent to it alone count there.  No
 * locks, no logs; the only allocations are the tagged copy of a mixed
 * flood, a tag's new segment when a frame has no headroom, and what an
 * offload fix-up makes (segments, private headers).  A frame without
 * offload requests costs one test of its ol_flags.
 */
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "tx_priv.h"

#define VS_OUT_FLOOD UINT16_MAX
#define VS_OUT_NLB (UINT16_MAX - 1) /* the members of cluster snap->nlb.e[nlb[i] - 1] */


struct vs_burst {
	uint32_t now_s;
	uint16_t n;
	uint16_t n_learn;
	uint16_t n_lookup;
	uint16_t in_port;
	uint16_t sw;
	uint16_t in_gen;
	bool has_nlb;               /* the switch has clusters: nlb[] is valid */
	uint8_t drop[VS_BURST];     /* VS_DROP_MAX = kept */
	uint8_t nlb[VS_BURST];      /* the cluster's place in snap->nlb + 1; 0: none */
	uint8_t nlb_flags[VS_BURST];
	uint16_t vlan[VS_BURST];
	uint16_t tci[VS_BURST];     /* PCP | DEI | VID, for tagging on egress */
	uint16_t out[VS_BURST];     /* port index or VS_OUT_FLOOD */
	uint16_t learn_idx[VS_BURST];
	uint8_t learn_res[VS_BURST]; /* enum vs_fdb_learn_result, per frame */
	bool unicast[VS_BURST];       /* destination is an individual address */
	uint16_t lookup_idx[VS_BURST];
	struct vs_fdb_key src_key[VS_BURST];
	struct vs_fdb_key dst_key[VS_BURST];
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

/* Stage 1.  Decides what is a frame at all. */
static inline uint8_t
vs_stage_parse_one(struct vs_burst *b, struct rte_mbuf *m, uint16_t i)
{
	const struct rte_ether_hdr *eh;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint16_t type;

	if (len < RTE_ETHER_HDR_LEN)
		return VS_DROP_RUNT;
	eh = rte_pktmbuf_read(m, 0, RTE_ETHER_HDR_LEN, &b->hdr_copy[i]);
	if (eh == NULL) /* segment lengths disagree with pkt_len */
		return VS_DROP_BAD_LENGTH;
	type = rte_be_to_cpu_16(eh->ether_type);
	/* Below 1536 the field is an 802.3 length: it must fit the payload
	 * (padding may follow it); 1501..1535 are neither length nor type. */
	if (type < 0x0600 && (type > RTE_ETHER_MTU || type > len - RTE_ETHER_HDR_LEN))
		return VS_DROP_BAD_LENGTH;
	if (vs_is_reserved_group(&eh->dst_addr))
		return VS_DROP_RESERVED_GROUP;
	if (rte_is_multicast_ether_addr(&eh->src_addr))
		return VS_DROP_SRC_MULTICAST;
	return VS_DROP_MAX;
}

static void
vs_stage_parse(struct vs_burst *b, const struct vs_snap_port *in, struct rte_mbuf **pkts)
{
	uint16_t i;

	/* rx-csum=off: receivers must not trust the device's verdicts. */
	for (i = 0; in->rx_csum_forget && i < b->n; i++)
		pkts[i]->ol_flags &= ~(RTE_MBUF_F_RX_IP_CKSUM_MASK | RTE_MBUF_F_RX_L4_CKSUM_MASK);
	for (i = 0; i < b->n; i++) {
		if (i + 2 < b->n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 2], void *));
		b->drop[i] = vs_stage_parse_one(b, pkts[i], i);
	}
}

/* Stage 2.  vlan/ classifies the survivors in one call. */
static void
vs_stage_vlan(struct vs_burst *b, const struct vs_snap_port *in, struct rte_mbuf **pkts)
{
	static const uint8_t verdict_drop[] = {
		[VS_VLAN_OK] = VS_DROP_MAX,
		[VS_VLAN_NOT_ALLOWED] = VS_DROP_VLAN_NOT_ALLOWED,
		[VS_VLAN_UNTAGGED] = VS_DROP_VLAN_UNTAGGED,
		[VS_VLAN_BAD_TAG] = VS_DROP_VLAN_BAD_TAG,
	};
	struct rte_mbuf *kept[VS_BURST];
	uint16_t idx[VS_BURST], vlan[VS_BURST], tci[VS_BURST];
	uint8_t verdict[VS_BURST];
	uint16_t i, k = 0;

	for (i = 0; i < b->n; i++)
		if (b->drop[i] == VS_DROP_MAX) {
			idx[k] = i;
			kept[k++] = pkts[i];
		}
	vs_vlan_ingress(&in->vlan, kept, k, vlan, tci, verdict);
	for (i = 0; i < k; i++) {
		pkts[idx[i]] = kept[i]; /* a restored tag may bring a new first segment */
		b->drop[idx[i]] = verdict_drop[verdict[i]];
		b->vlan[idx[i]] = vlan[i];
		b->tci[idx[i]] = tci[i];
	}
}

/* Stage 2b.  Only ports with something to enforce pay for it. */
static void
vs_stage_security(struct vs_burst *b, const struct vs_snap_port *in, struct rte_mbuf **pkts)
{
	uint16_t i;

	if (likely(!in->mac_locked && !in->dhcp_guard && !in->router_guard))
		return;
	for (i = 0; i < b->n; i++) {
		const struct rte_ether_hdr *eh;

		if (b->drop[i] != VS_DROP_MAX)
			continue;
		eh = rte_pktmbuf_read(pkts[i], 0, RTE_ETHER_HDR_LEN, &b->hdr_copy[i]);
		if (in->mac_locked && !rte_is_same_ether_addr(&eh->src_addr, &in->mac))
			b->drop[i] = VS_DROP_MAC_SPOOFED;
		else if (in->dhcp_guard || in->router_guard)
			b->drop[i] = vs_security_guard(pkts[i], in->dhcp_guard, in->router_guard);
	}
}

/* Stage 2c.  Only switches with clusters pay for it. */
static void
vs_stage_nlb(struct vs_worker *w, const struct vs_snapshot *snap, struct vs_burst *b,
	     struct rte_mbuf **pkts)
{
	const struct vs_snap_switch *ss = &snap->switches[b->sw];
	uint16_t i;

	b->has_nlb = ss->n_nlb > 0;
	if (likely(!b->has_nlb))
		return;
	for (i = 0; i < b->n; i++) {
		b->nlb[i] = 0;
		b->nlb_flags[i] = 0;
		if (b->drop[i] == VS_DROP_MAX)
			b->drop[i] = vs_dp_nlb_classify(w, snap, b->sw, b->vlan[i], b->in_port, pkts[i],
						     &b->nlb[i], &b->nlb_flags[i]);
	}
}

/* Stage 3.  After stage 2 the addresses are at the frame's start again. */
static void
vs_stage_keys(struct vs_burst *b, struct rte_mbuf **pkts)
{
	uint16_t i;

	for (i = 0; i < b->n; i++) {
		const struct rte_ether_hdr *eh;

		if (b->drop[i] != VS_DROP_MAX)
			continue;
		eh = rte_pktmbuf_read(pkts[i], 0, RTE_ETHER_HDR_LEN, &b->hdr_copy[i]);
		b->out[i] = VS_OUT_FLOOD;
		b->unicast[i] = !rte_is_multicast_ether_addr(&eh->dst_addr);
		if (unlikely(b->has_nlb) && (b->nlb[i] || b->nlb_flags[i])) {
			/* A cluster's MAC is never learned; its frames are not
			 * looked up: the cluster says where they go. */
			if (!(b->nlb_flags[i] & VS_NLB_F_NO_LEARN)) {
				vs_fdb_key_set(&b->src_key[b->n_learn], b->sw, b->vlan[i],
					       &eh->src_addr);
				b->learn_idx[b->n_learn++] = i;
			}
			if (b->nlb[i]) {
				b->out[i] = VS_OUT_NLB;
				continue;
			}
		} else {
			vs_fdb_key_set(&b->src_key[b->n_learn], b->sw, b->vlan[i], &eh->src_addr);
			b->learn_idx[b->n_learn++] = i;
		}
		if (b->unicast[i]) {
			vs_fdb_key_set(&b->dst_key[b->n_lookup], b->sw, b->vlan[i], &eh->dst_addr);
			b->lookup_idx[b->n_lookup++] = i;
		}
	}
}

/* Stages 4 and 5 share one bulk lookup of the burst's sources and
 * destinations.  Learning runs first: a destination that missed is looked
 * up again if this burst learned anything, so a station announced by an
 * earlier (or later) frame of the burst is found; a station that moved is
 * seen at its new port because values are read after learning.
 *
 * An entry is followed only if its port still exists with the same
 * generation, in the same switch, carries the VLAN and is up; otherwise
 * the frame floods as if the destination were unknown. */
static void
vs_stage_learn_lookup(struct vs_worker *w, const struct vs_snapshot *snap, struct vs_burst *b,
		      uint32_t now_s)
{
	const struct vs_fdb *fdb = &w->dp->fdb;
	int32_t pos[2 * VS_BURST];
	bool learned = false;
	uint16_t j;

	vs_fdb_lookup_cached(fdb, &w->fdb_cache, b->src_key, b->n_learn, b->dst_key, b->n_lookup,
			     pos);
	/* Values sit one per cache line at scattered positions: start every
	 * load now, before the loops below wait on them one by one. */
	for (j = 0; j < b->n_learn + b->n_lookup; j++)
		if (pos[j] >= 0)
			rte_prefetch0(&fdb->values[pos[j]]);
	for (j = 0; j < b->n_learn; j++) {
		enum vs_fdb_learn_result r;

		/* A trace asks what learning would do and changes nothing. */
		r = unlikely(w->trace)
			    ? vs_fdb_learn_dry(&w->dp->fdb, &b->src_key[j], pos[j], b->in_port,
					       b->in_gen)
			    : vs_fdb_learn(&w->dp->fdb, &b->src_key[j], pos[j], b->in_port,
					   b->in_gen, now_s);
		b->learn_res[b->learn_idx[j]] = (uint8_t)r;
		switch (r) {
		case VS_FDB_REFRESHED:
			break;
		case VS_FDB_LEARNED:
			w->fdb.learned++;
			learned = true;
			break;
		case VS_FDB_MOVED:
			w->fdb.moved++;
			break;
		case VS_FDB_FULL:
			w->fdb.overflow++;
			break;
		case VS_FDB_STATIC_HELD:
			w->fdb.static_held++;
			break;
		}
	}
	for (j = 0; j < b->n_lookup; j++) {
		uint16_t i = b->lookup_idx[j];
		const struct vs_snap_port *sp;
		int32_t p = pos[b->n_learn + j];
		uint64_t v;
		uint16_t port;

		if (p < 0 && learned)
			p = vs_fdb_lookup_one(fdb, &b->dst_key[j]);
		if (p < 0)
			continue;
		v = __atomic_load_n(&fdb->values[p], __ATOMIC_ACQUIRE);
		port = vs_fdb_value_port(v);
		sp = &snap->ports[port];
		if (sp->port == NULL || sp->gen != vs_fdb_value_gen(v) || sp->sw != b->sw ||
		    vs_vlan_egress_encap(&sp->vlan, b->vlan[i]) == VS_VLAN_NOT_MEMBER)
			continue;
		if (port == b->in_port)
			b->drop[i] = VS_DROP_HAIRPIN;
		else if (!sp->up && !sp->link_down)
			b->drop[i] = VS_DROP_PORT_DOWN;
		else
			b->out[i] = port; /* a link down is the egress port's count */
	}
}

/* One frame to one port that wants it tagged: the port's hardware inserts
 * the tag when it can, software does otherwise. */
static inline void
vs_tx_tagged(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t port,
	     struct rte_mbuf *m, uint16_t tci)
{
	if (snap->ports[port].hw_vlan_insert) {
		m->vlan_tci = tci;
		m->ol_flags |= RTE_MBUF_F_TX_VLAN;
	} else if (vs_vlan_push(&m, tci, w->dp->mp) != 0) {
		w->stats[port].drops[VS_DROP_NO_MBUF]++;
		rte_pktmbuf_free(m);
		return;
	}
	vs_tx_out(w, snap, &port, 1, m);
}

/* Sends one frame of VLAN vlan to every port of its flood domain but the
 * ingress; with a cluster, only to its members that are up, and to the
 * uplink unless the frame came from it or the cluster is local-only.
 * Returns how many ports it went to; *refused counts the ports that would
 * have taken it but for their MTU (counted there). */
static uint16_t
vs_flood(struct vs_worker *w, const struct vs_snapshot *snap, const struct vs_burst *b,
	 uint16_t i, struct rte_mbuf *m, const struct vs_nlb_entry *nlb, uint16_t *refused)
{
	const struct vs_snap_switch *ss = &snap->switches[b->sw];
	uint16_t as_is[VS_MAX_PORTS], tagged[VS_MAX_PORTS], hw[VS_MAX_PORTS];
	uint16_t n_as_is = 0, n_tagged = 0, n_hw = 0, k;
	enum vs_vlan_encap e;
	struct rte_mbuf *t;

	if (b->unicast[i] && nlb == NULL) {
		/* A VM's MAC is its own in every VLAN its port carries, though the
		 * static entry lives in one: the owner, if any, gets the frame. */
		struct rte_ether_hdr copy;
		const struct rte_ether_hdr *eh = rte_pktmbuf_read(m, 0, sizeof(copy), &copy);

		for (k = 0; eh != NULL && k < ss->n_flood; k++) {
			uint16_t p = ss->flood[k];

			if (p == b->in_port || !snap->ports[p].mac_locked ||
			    !rte_is_same_ether_addr(&eh->dst_addr, &snap->ports[p].mac))
				continue;
			e = vs_vlan_egress_encap(&snap->ports[p].vlan, b->vlan[i]);
			if (e == VS_VLAN_NOT_MEMBER)
				continue;
			if (unlikely(rte_pktmbuf_pkt_len(m) > snap->ports[p].max_frame) &&
			    vs_too_big(&snap->ports[p], m, e == VS_VLAN_TAG)) {
				w->stats[p].drops[VS_DROP_MTU_EXCEEDED]++;
				(*refused)++;
				return 0;
			}
			if (e == VS_VLAN_TAG)
				vs_tx_tagged(w, snap, p, m, b->tci[i]);
			else
				vs_tx_out(w, snap, &p, 1, m);
			return 1;
		}
	}
	for (k = 0; k < ss->n_flood; k++) {
		uint16_t p = ss->flood[k];

		if (p == b->in_port)
			continue;
		if (nlb != NULL) {
			if (!vs_nlb_portset_has(&nlb->members, p) &&
			    (p + 1u != ss->uplink1 || nlb->local_only))
				continue;
		} else if (b->unicast[i] && snap->ports[p].mac_locked) {
			/* Unknown unicast, as the Hyper-V switch sends it: not to a
			 * port whose MAC is known and locked; it cannot own an
			 * unknown MAC. */
			continue;
		}
		e = vs_vlan_egress_encap(&snap->ports[p].vlan, b->vlan[i]);
		if (e == VS_VLAN_NOT_MEMBER)
			continue;
		if (unlikely(rte_pktmbuf_pkt_len(m) > snap->ports[p].max_frame) &&
		    vs_too_big(&snap->ports[p], m, e == VS_VLAN_TAG)) {
			w->stats[p].drops[VS_DROP_MTU_EXCEEDED]++;
			(*refused)++;
			continue;
		}
		if (e == VS_VLAN_AS_IS)
			as_is[n_as_is++] = p;
		else if (snap->ports[p].tag_meta)
			hw[n_hw++] = p;
		else
			tagged[n_tagged++] = p;
	}
	if (n_as_is + n_tagged + n_hw == 0)
		return 0;
	if (n_hw > 0) {
		/* Ports that tag by themselves (a netvsc port: 802.1Q
		 * per-packet info) share a clone: the tag is its metadata, the
		 * untagged data stays shared with the ports that take it as is. */
		struct rte_mbuf *h = n_as_is + n_tagged > 0 ? rte_pktmbuf_clone(m, w->dp->mp) : m;

		if (h == NULL) {
			for (k = 0; k < n_hw; k++)
				w->stats[hw[k]].drops[VS_DROP_NO_MBUF]++;
		} else {
			h->vlan_tci = b->tci[i];
			h->ol_flags |= RTE_MBUF_F_TX_VLAN;
			vs_tx_out(w, snap, hw, n_hw, h);
		}
		if (h == m)
			return n_hw;
	}
	t = m;
	if (n_tagged > 0) {
		/* The untagged form stays shared; the tagged form is one more
		 * frame, shared in turn by every port that tags.  A clone
		 * shares the data too, so it is never tagged in place. */
		if (n_as_is > 0 || n_hw > 0)
			t = rte_pktmbuf_copy(m, w->dp->mp, 0, UINT32_MAX);
		if (t == NULL || vs_vlan_push(&t, b->tci[i], w->dp->mp) != 0) {
			for (k = 0; k < n_tagged; k++)
				w->stats[tagged[k]].drops[VS_DROP_NO_MBUF]++;
			if (t != m)
				rte_pktmbuf_free(t);
			if (n_as_is == 0) {
				rte_pktmbuf_free(m);
				return (uint16_t)(n_tagged + n_hw);
			}
			n_tagged = 0;
		} else {
			vs_tx_out(w, snap, tagged, n_tagged, t);
			if (n_as_is == 0 && t != m)
				rte_pktmbuf_free(m); /* the clone keeps what it needs */
		}
	}
	if (n_as_is > 0)
		vs_tx_out(w, snap, as_is, n_as_is, m);
	return (uint16_t)(n_as_is + n_tagged + n_hw);
}

/* Stage 6. */
static void
vs_stage_egress(struct vs_worker *w, const struct vs_snapshot *snap, struct vs_burst *b,
		struct rte_mbuf **pkts)
{
	struct vs_port_stats *in = &w->stats[b->in_port];
	struct rte_mbuf *dropped[VS_BURST];
	uint16_t n_dropped = 0, i;

	for (i = 0; i < b->n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint16_t refused = 0;

		if (b->drop[i] == VS_DROP_MAX && b->out[i] == VS_OUT_NLB) {
			const struct vs_nlb_entry *e = &snap->nlb.e[b->nlb[i] - 1];
			struct vs_worker_nlb_stats *c = &w->nlb[e->id];

			if (vs_flood(w, snap, b, i, m, e, &refused) > 0) {
				in->fwd_flood++;
				if (b->nlb_flags[i] & VS_NLB_F_HEARTBEAT)
					c->heartbeats++;
				else
					c->delivered++;
				continue;
			}
			if (refused > 0) { /* counted on the ports that refused it */
				b->drop[i] = VS_DROP_MTU_EXCEEDED;
				dropped[n_dropped++] = m;
				continue;
			}
			b->drop[i] = VS_DROP_NO_EGRESS;
		} else if (b->drop[i] == VS_DROP_MAX && b->out[i] != VS_OUT_FLOOD) {
			uint16_t o = b->out[i];
			bool tag = vs_vlan_egress_encap(&snap->ports[o].vlan, b->vlan[i]) ==
				   VS_VLAN_TAG;
			uint8_t why = vs_egress_refused(&snap->ports[o], m, tag);

			if (unlikely(why != VS_DROP_MAX)) {
				w->stats[o].drops[why]++;
				b->drop[i] = why; /* for a trace; counted on the egress port */
				dropped[n_dropped++] = m;
				continue;
			}
			in->fwd_unicast++;
			if (tag)
				vs_tx_tagged(w, snap, o, m, b->tci[i]);
			else
				vs_tx_out(w, snap, &o, 1, m);
			continue;
		}
		if (b->drop[i] == VS_DROP_MAX && unlikely(snap->ports[b->in_port].storm) &&
		    vs_storm_exceeded(&snap->ports[b->in_port], b->in_gen, b->now_s, b->unicast[i],
				      m))
			b->drop[i] = VS_DROP_STORM_CONTROL;
		if (b->drop[i] == VS_DROP_MAX) {
			if (vs_flood(w, snap, b, i, m, NULL, &refused) > 0) {
				in->fwd_flood++;
				continue;
			}
			if (refused > 0) { /* counted on the ports that refused it */
				b->drop[i] = VS_DROP_MTU_EXCEEDED;
				dropped[n_dropped++] = m;
				continue;
			}
			b->drop[i] = VS_DROP_NO_EGRESS;
		}
		in->drops[b->drop[i]]++;
		dropped[n_dropped++] = m;
	}
	if (n_dropped > 0)
		rte_pktmbuf_free_bulk(dropped, n_dropped);
}

/* Every stage, in order, over one burst; b is the caller's so a trace can
 * read the decisions.  Returns false if the port took nothing. */
static bool
vs_pipeline_stages(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t in_port,
		   struct rte_mbuf **pkts, uint16_t n, uint32_t now_s, struct vs_burst *b)
{
	const struct vs_snap_port *sp = &snap->ports[in_port];
	struct vs_port_stats *in = &w->stats[in_port];
	uint16_t i;

	for (i = 0; i < n; i++)
		in->rx_bytes += rte_pktmbuf_pkt_len(pkts[i]);
	in->rx_packets += n;
	if (sp->port == NULL || !sp->up) {
		in->drops[sp->link_down ? VS_DROP_LINK_DOWN : VS_DROP_PORT_DOWN] += n;
		rte_pktmbuf_free_bulk(pkts, n);
		return false;
	}
	b->now_s = now_s;
	b->n = n;
	b->n_learn = 0;
	b->n_lookup = 0;
	b->in_port = in_port;
	b->sw = sp->sw;
	b->in_gen = sp->gen;

	vs_stage_parse(b, sp, pkts);
	vs_stage_vlan(b, sp, pkts);
	vs_stage_security(b, sp, pkts);
	vs_stage_nlb(w, snap, b, pkts);
	vs_stage_keys(b, pkts);
	vs_stage_learn_lookup(w, snap, b, now_s);
	vs_stage_egress(w, snap, b, pkts);
	return true;
}

void
vs_pipeline_run(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t in_port,
		struct rte_mbuf **pkts, uint16_t n, uint32_t now_s)
{
	struct vs_burst b;

	vs_pipeline_stages(w, snap, in_port, pkts, n, now_s, &b);
}

void
vs_pipeline_trace_one(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t in_port,
		      struct rte_mbuf *m, struct vs_trace *t)
{
	struct vs_burst b;

	b.learn_res[0] = VS_FDB_REFRESHED;
	t->learn = VS_TRACE_LEARN_NONE;
	t->lookup_port = VS_TRACE_NOT_LOOKED_UP;
	if (!vs_pipeline_stages(w, snap, in_port, &m, 1, 0, &b)) {
		t->drop = snap->ports[in_port].link_down ? VS_DROP_LINK_DOWN : VS_DROP_PORT_DOWN;
		return;
	}
	/* Egress turns flood failures into drops; its verdict is final. */
	t->drop = b.drop[0];
	t->classified = b.n_learn > 0;
	t->vlan = b.vlan[0];
	t->tci = b.tci[0];
	if (b.n_learn > 0) {
		static const int learn_map[] = {
			[VS_FDB_REFRESHED] = VS_TRACE_LEARN_REFRESH,
			[VS_FDB_LEARNED] = VS_TRACE_LEARN_NEW,
			[VS_FDB_MOVED] = VS_TRACE_LEARN_MOVE,
			[VS_FDB_FULL] = VS_TRACE_LEARN_FULL,
			[VS_FDB_STATIC_HELD] = VS_TRACE_LEARN_STATIC,
		};

		t->learn = learn_map[b.learn_res[0]];
		if (b.n_lookup > 0)
			t->lookup_port = b.out[0] == VS_OUT_FLOOD ? VS_TRACE_UNKNOWN : b.out[0];
		if (b.drop[0] == VS_DROP_HAIRPIN || b.drop[0] == VS_DROP_PORT_DOWN ||
		    ((b.drop[0] == VS_DROP_LINK_DOWN || b.drop[0] == VS_DROP_MTU_EXCEEDED) &&
		     b.out[0] != VS_OUT_FLOOD))
			t->lookup_port = VS_TRACE_KNOWN_DROPPED;
	}
}

void
vs_pipeline_flush(struct vs_worker *w, const struct vs_snapshot *snap)
{
	uint16_t d;

	for (d = 0; d < w->n_dirty; d++) {
		uint16_t port = w->dirty[d];
		struct vs_txbuf *tb = &w->tx[port];

		tb->dirty = false;
		if (tb->n > 0)
			vs_txbuf_send(w, &snap->ports[port], port, tb);
	}
	w->n_dirty = 0;
}
