/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VLAN burst functions: ingress classification and the tag operations.
 * Fast path: no locks, no logs; the only allocation is push's fallback when
 * a frame has no headroom left.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "vlan.h"

#define VS_VLAN_VID_MASK 0x0fff
#define VS_VLAN_MACS_LEN (2 * RTE_ETHER_ADDR_LEN)

/* The 12 address bytes moved by 4, overlapping: loaded whole into
 * registers first, so fixed-size moves replace a call to memmove. */
static inline void
vs_vlan_move_macs(uint8_t *dst, const uint8_t *src)
{
	uint64_t a;
	uint32_t b;

	memcpy(&a, src, sizeof(a));
	memcpy(&b, src + sizeof(a), sizeof(b));
	memcpy(dst, &a, sizeof(a));
	memcpy(dst + sizeof(a), &b, sizeof(b));
}

/* Inlined into the ingress loop: a call per tagged frame costs more than
 * the pop. */
static inline int
vs_vlan_pop_one(struct rte_mbuf *m, uint16_t *tci)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_vlan_hdr *vh;

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + sizeof(struct rte_vlan_hdr) ||
	    rte_be_to_cpu_16(((struct rte_ether_hdr *)p)->ether_type) != VS_VLAN_TPID)
		return -EINVAL;
	vh = (struct rte_vlan_hdr *)(p + RTE_ETHER_HDR_LEN);
	*tci = rte_be_to_cpu_16(vh->vlan_tci);
	/* Slide the addresses over the tag, then drop the 4 bytes in front. */
	vs_vlan_move_macs(p + sizeof(struct rte_vlan_hdr), p);
	rte_pktmbuf_adj(m, sizeof(struct rte_vlan_hdr));
	return 0;
}

int
vs_vlan_pop(struct rte_mbuf *m, uint16_t *tci)
{
	return vs_vlan_pop_one(m, tci);
}

int
vs_vlan_push(struct rte_mbuf **mp_, uint16_t tci, struct rte_mempool *mp)
{
	struct rte_mbuf *m = *mp_, *h;
	uint8_t *p;

	if (rte_pktmbuf_headroom(m) >= sizeof(struct rte_vlan_hdr) &&
	    rte_pktmbuf_data_len(m) >= VS_VLAN_MACS_LEN && RTE_MBUF_DIRECT(m) &&
	    rte_mbuf_refcnt_read(m) == 1) {
		p = (uint8_t *)rte_pktmbuf_prepend(m, sizeof(struct rte_vlan_hdr));
		if (p == NULL)
			return -ENOMEM;
		vs_vlan_move_macs(p, p + sizeof(struct rte_vlan_hdr));
		*(rte_be16_t *)(p + VS_VLAN_MACS_LEN) = rte_cpu_to_be_16(VS_VLAN_TPID);
		*(rte_be16_t *)(p + VS_VLAN_MACS_LEN + 2) = rte_cpu_to_be_16(tci);
		return 0;
	}
	/* No room (or not ours to write): a new first segment carries the
	 * addresses and the tag; the old data follows without its addresses. */
	if (mp == NULL || rte_pktmbuf_data_len(m) < VS_VLAN_MACS_LEN)
		return -ENOMEM;
	h = rte_pktmbuf_alloc(mp);
	if (h == NULL)
		return -ENOMEM;
	p = (uint8_t *)rte_pktmbuf_append(h, VS_VLAN_MACS_LEN + sizeof(struct rte_vlan_hdr));
	memcpy(p, rte_pktmbuf_mtod(m, uint8_t *), VS_VLAN_MACS_LEN);
	*(rte_be16_t *)(p + VS_VLAN_MACS_LEN) = rte_cpu_to_be_16(VS_VLAN_TPID);
	*(rte_be16_t *)(p + VS_VLAN_MACS_LEN + 2) = rte_cpu_to_be_16(tci);
	rte_pktmbuf_adj(m, VS_VLAN_MACS_LEN);
	if (rte_pktmbuf_chain(h, m) != 0) {
		rte_pktmbuf_prepend(m, VS_VLAN_MACS_LEN);
		rte_pktmbuf_free(h);
		return -ENOMEM;
	}
	/* Metadata lives in the first segment: the frame's offload requests
	 * and their header lengths move to the new one. */
	h->port = m->port;
	h->ol_flags = m->ol_flags & ~(RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL);
	h->tx_offload = m->tx_offload;
	h->vlan_tci = m->vlan_tci;
	h->packet_type = m->packet_type;
	h->hash = m->hash;
	*mp_ = h;
	return 0;
}

int
vs_vlan_rewrite(struct rte_mbuf *m, uint16_t vid)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eh + 1);
	uint16_t tci;

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + sizeof(*vh) ||
	    rte_be_to_cpu_16(eh->ether_type) != VS_VLAN_TPID || vid > VS_VLAN_MAX)
		return -EINVAL;
	tci = rte_be_to_cpu_16(vh->vlan_tci);
	vh->vlan_tci = rte_cpu_to_be_16((uint16_t)((tci & ~VS_VLAN_VID_MASK) | vid));
	return 0;
}

/* One frame of an access or trunk port. */
static inline enum vs_vlan_verdict
vs_vlan_classify(const struct vs_vlan_policy *p, struct rte_mbuf *m, uint16_t *vlan,
		 uint16_t *tci)
{
	const uint16_t pcp_only = (uint16_t)(p->default_pcp << 13);
	uint16_t tag, vid, type;

	if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) {
		/* The NIC removed the tag already. */
		tag = m->vlan_tci;
		m->ol_flags &= ~(RTE_MBUF_F_RX_VLAN_STRIPPED | RTE_MBUF_F_RX_VLAN);
	} else {
		if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN)
			return VS_VLAN_BAD_TAG; /* header split over segments */
		type = rte_be_to_cpu_16(rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type);
		if (type != VS_VLAN_TPID) {
			if (p->mode == VS_VLAN_MODE_ACCESS) {
				*vlan = p->access_vid;
				*tci = (uint16_t)(pcp_only | p->access_vid);
				return VS_VLAN_OK;
			}
			if (p->native_vid == 0)
				return VS_VLAN_UNTAGGED;
			*vlan = p->native_vid;
			*tci = (uint16_t)(pcp_only | p->native_vid);
			return VS_VLAN_OK;
		}
		if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + sizeof(struct rte_vlan_hdr))
			return VS_VLAN_BAD_TAG;
		tag = rte_be_to_cpu_16(rte_pktmbuf_mtod_offset(m, struct rte_vlan_hdr *,
							       RTE_ETHER_HDR_LEN)->vlan_tci);
		if ((tag & VS_VLAN_VID_MASK) == VS_VLAN_VID_MASK)
			return VS_VLAN_BAD_TAG;
		vid = tag & VS_VLAN_VID_MASK;
		if (p->mode == VS_VLAN_MODE_ACCESS ? vid != 0
						   : (vid != 0 && !vs_vlan_allowed(p, vid)))
			return VS_VLAN_NOT_ALLOWED;
		if (vid == 0 && p->mode == VS_VLAN_MODE_TRUNK && p->native_vid == 0)
			return VS_VLAN_UNTAGGED;
		vs_vlan_pop_one(m, &tag);
	}
	vid = tag & VS_VLAN_VID_MASK;
	if (vid == VS_VLAN_VID_MASK)
		return VS_VLAN_BAD_TAG;
	if (vid == 0) /* priority tag: the port's VLAN, the sender's PCP */
		vid = p->mode == VS_VLAN_MODE_ACCESS ? p->access_vid : p->native_vid;
	else if (p->mode == VS_VLAN_MODE_ACCESS || !vs_vlan_allowed(p, vid))
		return VS_VLAN_NOT_ALLOWED; /* only reachable for hardware-stripped tags */
	if (vid == 0)
		return VS_VLAN_UNTAGGED;
	*vlan = vid;
	*tci = (uint16_t)((tag & ~VS_VLAN_VID_MASK) | vid);
	return VS_VLAN_OK;
}

void
vs_vlan_ingress(const struct vs_vlan_policy *p, struct rte_mbuf **pkts, uint16_t n,
		uint16_t *vlan, uint16_t *tci, uint8_t *verdict)
{
	uint16_t i;

	if (p->mode == VS_VLAN_MODE_UNTAGGED) {
		/* Tags are data here; the frame is never touched, except that a
		 * tag a device stripped (while the port was being reconfigured)
		 * is put back where it was. */
		for (i = 0; i < n; i++) {
			if (unlikely(pkts[i]->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)) {
				pkts[i]->ol_flags &= ~(RTE_MBUF_F_RX_VLAN_STRIPPED | RTE_MBUF_F_RX_VLAN);
				if (vs_vlan_push(&pkts[i], pkts[i]->vlan_tci, pkts[i]->pool) != 0) {
					verdict[i] = VS_VLAN_BAD_TAG;
					continue;
				}
			}
			vlan[i] = VS_VLAN_UNAWARE;
			tci[i] = (uint16_t)((p->default_pcp << 13) | VS_VLAN_UNAWARE);
			verdict[i] = VS_VLAN_OK;
		}
		return;
	}
	for (i = 0; i < n; i++)
		verdict[i] = (uint8_t)vs_vlan_classify(p, pkts[i], &vlan[i], &tci[i]);
}
