/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pipeline's NLB stage (2c) for one frame of a switch with clusters:
 * frames to a cluster's MAC and its heartbeats marked for the members,
 * masked sources of non-members refused, a cluster MAC as source kept out
 * of learning, and IGMP messages about IGMP-mode clusters handed to the
 * control thread through a ring.  Runs on workers: no locks, no logs.
 */
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp_priv.h"

static inline uint32_t
vs_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Hands what an IGMP message says about the switch's IGMP clusters to the
 * control thread; the frame itself goes on like any other. */
static void
vs_dp_nlb_snoop(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t sw, uint16_t vlan,
	     uint16_t in_port, const struct rte_mbuf *m)
{
	uint8_t buf[RTE_ETHER_MTU], proto_copy;
	uint32_t len = RTE_MIN(rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN, (uint32_t)sizeof(buf));
	const uint8_t *proto = rte_pktmbuf_read(m, RTE_ETHER_HDR_LEN + 9, 1, &proto_copy);
	struct vs_nlb_event ev[VS_NLB_IGMP_MAX_GROUPS];
	struct vs_nlb_igmp g;
	const uint8_t *ip;
	unsigned int n = 0, k;

	if (proto == NULL || *proto != IPPROTO_IGMP)
		return;
	ip = rte_pktmbuf_read(m, RTE_ETHER_HDR_LEN, len, buf);
	if (ip == NULL || vs_nlb_igmp_parse(ip, len, &g) != VS_IGMP_OK) {
		w->igmp_ignored++;
		return;
	}
	w->igmp_snooped++;
	if (g.kind == VS_IGMP_QUERY) {
		ev[n++] = (struct vs_nlb_event){VS_NLB_EV_QUERY, g.robustness, sw, vlan,
						in_port, g.group, g.max_resp_ms,
						g.query_interval_s};
	} else {
		for (k = 0; k < g.n; k++)
			for (unsigned int c = 0; c < snap->nlb.n; c++) {
				const struct vs_nlb_entry *e = &snap->nlb.e[c];

				if (e->mode != VS_NLB_IGMP || e->sw != sw ||
				    e->vlan != vlan || vs_nlb_igmp_group(e->ip) != g.g[k].group)
					continue;
				ev[n++] = (struct vs_nlb_event){
					g.g[k].join ? VS_NLB_EV_JOIN : VS_NLB_EV_LEAVE, 0, sw,
					vlan, in_port, g.g[k].group, 0, 0};
				break;
			}
	}
	if (n > 0) {
		k = rte_ring_enqueue_burst_elem(w->dp->nlb_events, ev, sizeof(ev[0]), n, NULL);
		w->igmp_lost += n - k;
	}
}

uint8_t
vs_dp_nlb_classify(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t sw, uint16_t vlan,
		uint16_t in_port, struct rte_mbuf *m, uint8_t *cluster, uint8_t *flags)
{
	const struct vs_snap_switch *ss = &snap->switches[sw];
	struct rte_ether_hdr copy;
	const struct rte_ether_hdr *eh = rte_pktmbuf_read(m, 0, RTE_ETHER_HDR_LEN, &copy);
	const uint8_t *src = eh->src_addr.addr_bytes, *dst = eh->dst_addr.addr_bytes;
	uint16_t type = rte_be_to_cpu_16(eh->ether_type);
	bool from_uplink = in_port + 1u == ss->uplink1;
	const struct vs_nlb_entry *e;

	if (src[0] == 0x02) {
		/* 02-BF-w-x-y-z is the cluster's own MAC: never learned; 02-<1..32>-
		 * w-x-y-z a member's masked source: members only. */
		uint32_t ip = vs_be32(src + 2);

		e = vs_nlb_view_by_ip(&snap->nlb, sw, vlan, ip);
		if (e != NULL && e->mode == VS_NLB_UNICAST) {
			if (src[1] == 0xbf)
				*flags |= VS_NLB_F_NO_LEARN;
			else if (vs_nlb_src_is_masked(ip, src) && !from_uplink &&
				 !vs_nlb_portset_has(&e->members, in_port))
				return VS_DROP_NLB_NOT_MEMBER;
		}
	}
	if (type == VS_NLB_ETHERTYPE_HEARTBEAT) {
		uint8_t copy[4];
		const uint8_t *ip = rte_pktmbuf_read(
			m, RTE_ETHER_HDR_LEN + VS_NLB_HB_CLUSTER_IP_OFF, 4, copy);

		e = ip == NULL ? NULL : vs_nlb_view_by_ip(&snap->nlb, sw, vlan, vs_be32(ip));
		if (e != NULL) {
			if (!from_uplink && !vs_nlb_portset_has(&e->members, in_port))
				return VS_DROP_NLB_NOT_MEMBER;
			*cluster = (uint8_t)(e - snap->nlb.e + 1);
			*flags |= VS_NLB_F_HEARTBEAT;
			return VS_DROP_MAX;
		}
	}
	if (vs_nlb_mac_maybe_cluster(dst) &&
	    (e = vs_nlb_view_by_mac(&snap->nlb, sw, vlan, dst)) != NULL)
		*cluster = (uint8_t)(e - snap->nlb.e + 1);
	if (ss->nlb_igmp && type == RTE_ETHER_TYPE_IPV4)
		vs_dp_nlb_snoop(w, snap, sw, vlan, in_port, m);
	return VS_DROP_MAX;
}

