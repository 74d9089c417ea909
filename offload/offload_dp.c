/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transmit fix-up, per frame of a burst: parse the frame as it will
 * leave (rte_net_get_ptype), check that each request can be honoured
 * correctly, then leave to the port what it can do and do the rest here
 * (offload.h says what and why).
 */
#define ALLOW_EXPERIMENTAL_API /* rte_ipv{4,6}_udptcp_cksum_mbuf: experimental in 22.11 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_net.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "offload_priv.h"

#define VS_IPOPT_EOL 0
#define VS_IPOPT_NOP 1
#define VS_IPOPT_LSRR 0x83
#define VS_IPOPT_SSRR 0x89

uint32_t
vs_offload_relevant(const struct rte_mbuf *m)
{
	uint64_t f = m->ol_flags;
	uint32_t r = 0;

	/* Both IP versions always: the flags name one, the frame decides. */
	if (f & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG))
		r |= VS_OFFLOAD_TSO_ALL | VS_OFFLOAD_RSC_ALL | VS_OFFLOAD_IPV4_CKSUM |
		     VS_OFFLOAD_TCP4_CKSUM | VS_OFFLOAD_TCP6_CKSUM;
	if (f & RTE_MBUF_F_TX_IP_CKSUM)
		r |= VS_OFFLOAD_IPV4_CKSUM;
	if (f & RTE_MBUF_F_TX_L4_MASK)
		r |= VS_OFFLOAD_TCP4_CKSUM | VS_OFFLOAD_TCP6_CKSUM | VS_OFFLOAD_UDP4_CKSUM |
		     VS_OFFLOAD_UDP6_CKSUM;
	return r;
}

/* IPv4 options: a source route makes the L4 pseudo-header's destination
 * the route's last address (RFC 9293 §3.1), which we do not compute. */
static enum vs_offload_counter
vs_ol_check_v4_options(const struct rte_mbuf *m, const struct vs_ol_frame *f)
{
	uint8_t buf[40];
	const uint8_t *o;
	uint32_t len = f->l3 - sizeof(struct rte_ipv4_hdr), i = 0;

	if (len == 0)
		return VS_OFFLOAD_C_MAX;
	o = rte_pktmbuf_read(m, f->l2 + sizeof(struct rte_ipv4_hdr), len, buf);
	if (o == NULL)
		return VS_OFFLOAD_C_REFUSED_MALFORMED;
	while (i < len && o[i] != VS_IPOPT_EOL) {
		if (o[i] == VS_IPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || o[i + 1] < 2 || o[i + 1] > len - i)
			return VS_OFFLOAD_C_REFUSED_MALFORMED;
		if (o[i] == VS_IPOPT_LSRR || o[i] == VS_IPOPT_SSRR)
			return VS_OFFLOAD_C_REFUSED_ROUTED;
		i += o[i + 1];
	}
	return VS_OFFLOAD_C_MAX;
}

/* IPv6: a routing header with segments left makes the pseudo-header's
 * destination the final one (RFC 8200 §8.1).  rte_net walked the chain
 * already; this walk only looks for that header. */
static enum vs_offload_counter
vs_ol_check_v6_ext(const struct rte_mbuf *m, const struct vs_ol_frame *f)
{
	uint32_t off = f->l2 + sizeof(struct rte_ipv6_hdr), end = f->l2 + f->l3;
	uint8_t nh, buf[4];
	const uint8_t *p;

	p = rte_pktmbuf_read(m, f->l2 + 6, 1, buf);
	if (p == NULL)
		return VS_OFFLOAD_C_REFUSED_MALFORMED;
	nh = p[0];
	while (off < end) {
		p = rte_pktmbuf_read(m, off, 4, buf);
		if (p == NULL)
			return VS_OFFLOAD_C_REFUSED_MALFORMED;
		if (nh == IPPROTO_ROUTING && p[3] != 0)
			return VS_OFFLOAD_C_REFUSED_ROUTED;
		off += nh == IPPROTO_AH ? (p[1] + 2u) * 4u : (p[1] + 1u) * 8u;
		nh = p[0];
	}
	return VS_OFFLOAD_C_MAX;
}

/* An L4 checksum asked for where rte_net found no TCP or UDP header:
 * one the IP header announces but the frame cuts short is malformed, any
 * other protocol one we have no checksum for. */
static enum vs_offload_counter
vs_ol_l4_missing(const struct rte_mbuf *m, const struct vs_ol_frame *f)
{
	uint8_t b;
	const uint8_t *p;

	if (f->v6_ext)
		return VS_OFFLOAD_C_REFUSED_PROTO;
	p = rte_pktmbuf_read(m, f->l2 + (f->v4 ? 9 : 6), 1, &b);
	if (p != NULL && (*p == IPPROTO_TCP || *p == IPPROTO_UDP))
		return VS_OFFLOAD_C_REFUSED_MALFORMED;
	return VS_OFFLOAD_C_REFUSED_PROTO;
}

/* Fills f from m; VS_OFFLOAD_C_MAX when every request can be honoured,
 * else the refusal. */
static enum vs_offload_counter
vs_ol_parse(const struct rte_mbuf *m, struct vs_ol_frame *f)
{
	struct rte_net_hdr_lens hl;
	uint32_t pt, l4t, len = rte_pktmbuf_pkt_len(m), iplen;
	uint64_t req = m->ol_flags & VS_OFFLOAD_TX_REQUESTS;
	enum vs_offload_counter rc;

	memset(f, 0, sizeof(*f));
	f->flags = m->ol_flags;
	pt = rte_net_get_ptype(m, &hl, RTE_PTYPE_L2_MASK | RTE_PTYPE_L3_MASK | RTE_PTYPE_L4_MASK);
	if (RTE_ETH_IS_IPV4_HDR(pt))
		f->v4 = true;
	else if (!RTE_ETH_IS_IPV6_HDR(pt))
		return VS_OFFLOAD_C_REFUSED_MALFORMED;
	l4t = pt & RTE_PTYPE_L4_MASK;
	f->l2 = hl.l2_len;
	f->l3 = hl.l3_len;
	f->frag = l4t == RTE_PTYPE_L4_FRAG;
	f->proto = l4t == RTE_PTYPE_L4_TCP ? IPPROTO_TCP : l4t == RTE_PTYPE_L4_UDP ? IPPROTO_UDP : 0;
	f->l4 = f->proto ? hl.l4_len : 0;
	f->hdr = (uint16_t)(f->l2 + f->l3 + f->l4);
	f->v6_ext = !f->v4 && f->l3 > sizeof(struct rte_ipv6_hdr);
	if ((f->v4 && f->l3 < sizeof(struct rte_ipv4_hdr)) ||
	    (f->proto == IPPROTO_TCP && f->l4 < sizeof(struct rte_tcp_hdr)) ||
	    (uint32_t)f->l2 + f->l3 + f->l4 > len)
		return VS_OFFLOAD_C_REFUSED_MALFORMED;

	f->seg = (req & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)) != 0;
	if (f->seg) {
		/* Segmentation implies every checksum of the segments. */
		if ((req & RTE_MBUF_F_TX_UDP_SEG) || f->proto != IPPROTO_TCP || f->frag)
			return VS_OFFLOAD_C_REFUSED_PROTO;
		f->mss = m->tso_segsz;
		if (f->mss == 0)
			return VS_OFFLOAD_C_REFUSED_MSS;
		f->need_ip = f->v4;
		f->need_l4 = true;
	} else {
		f->need_ip = f->v4 && (req & RTE_MBUF_F_TX_IP_CKSUM);
		/* A fragment never gets an L4 checksum: the request is ignored. */
		f->need_l4 = (req & RTE_MBUF_F_TX_L4_MASK) && !f->frag;
		if (f->need_l4 && f->proto == 0)
			return vs_ol_l4_missing(m, f);
	}
	if (f->hdr > VS_OFFLOAD_MAX_HDR && (f->need_l4 || f->need_ip))
		return VS_OFFLOAD_C_REFUSED_PROTO;
	if (!f->need_l4)
		return VS_OFFLOAD_C_MAX;

	/* A superframe's IP length is rewritten per segment; anything else
	 * must say truthfully what the L4 checksum covers. */
	if (!f->seg) {
		uint8_t buf[8];
		const uint8_t *p = rte_pktmbuf_read(m, f->l2 + (f->v4 ? 2 : 4), 2, buf);

		if (p == NULL)
			return VS_OFFLOAD_C_REFUSED_MALFORMED;
		iplen = (uint32_t)(p[0] << 8 | p[1]);
		if (!f->v4)
			iplen += sizeof(struct rte_ipv6_hdr);
		if (iplen < (uint32_t)f->l3 + f->l4 || iplen > len - f->l2 ||
		    (!f->v4 && iplen == sizeof(struct rte_ipv6_hdr)))
			return VS_OFFLOAD_C_REFUSED_MALFORMED;
		if (f->proto == IPPROTO_UDP) {
			p = rte_pktmbuf_read(m, f->l2 + f->l3 + 4, 2, buf);
			if (p == NULL || (uint32_t)(p[0] << 8 | p[1]) != iplen - f->l3)
				return VS_OFFLOAD_C_REFUSED_MALFORMED;
		}
	}
	rc = f->v4 ? vs_ol_check_v4_options(m, f) : vs_ol_check_v6_ext(m, f);
	return rc;
}

/* What the port does itself.  L4 checksums over IPv6 extension headers
 * stay in software: the pseudo-header seed tx_prepare writes for a device
 * (rte_net_intel_cksum_prepare) takes the IPv6 header's next header and
 * payload length, which extension headers make wrong. */
static inline bool
vs_ol_hw_l4(uint32_t caps, const struct vs_ol_frame *f)
{
	uint32_t bit;

	if (f->v6_ext)
		return false;
	if (f->proto == IPPROTO_TCP)
		bit = f->v4 ? VS_OFFLOAD_TCP4_CKSUM : VS_OFFLOAD_TCP6_CKSUM;
	else
		bit = f->v4 ? VS_OFFLOAD_UDP4_CKSUM : VS_OFFLOAD_UDP6_CKSUM;
	return (caps & bit) != 0;
}

/* The port takes the superframe: it segments it, or its receiver takes it
 * coalesced (RSC). */
static inline bool
vs_ol_hw_seg(uint32_t caps, const struct vs_ol_frame *f)
{
	return (caps & (f->v4 ? VS_OFFLOAD_TSO4 | VS_OFFLOAD_RSC4 : VS_OFFLOAD_TSO6 | VS_OFFLOAD_RSC6)) &&
	       !f->v6_ext;
}

static inline void
vs_ol_set_lens(struct rte_mbuf *m, const struct vs_ol_frame *f)
{
	m->l2_len = f->l2;
	m->l3_len = f->l3;
	m->l4_len = f->l4;
}

/* Checksums of one frame whose headers are its own and lie in its first
 * segment: what the port can do is requested from it, the rest written
 * here.  base: the flags the frame arrived with. */
static void
vs_ol_finish(struct vs_offload_ctx *c, uint32_t caps, const struct vs_ol_frame *f,
	     struct rte_mbuf *m, uint64_t base)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint64_t ol = base & ~(VS_OFFLOAD_TX_REQUESTS | RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6);
	bool hw = false;

	if (f->need_l4) {
		uint16_t *ck = (uint16_t *)(p + f->l2 + f->l3 +
					    (f->proto == IPPROTO_TCP
						     ? offsetof(struct rte_tcp_hdr, cksum)
						     : offsetof(struct rte_udp_hdr, dgram_cksum)));

		if (vs_ol_hw_l4(caps, f)) {
			ol |= f->proto == IPPROTO_TCP ? RTE_MBUF_F_TX_TCP_CKSUM
						      : RTE_MBUF_F_TX_UDP_CKSUM;
			hw = true;
		} else if (f->v4) {
			*ck = 0;
			*ck = rte_ipv4_udptcp_cksum_mbuf(
				m, (const struct rte_ipv4_hdr *)(p + f->l2), f->l2 + f->l3);
			c->stats.c[VS_OFFLOAD_C_CSUM_SW]++;
		} else {
			/* DPDK's IPv6 helpers take next header and length from
			 * the IPv6 header; with extension headers the
			 * pseudo-header needs the upper layer's (RFC 8200 §8.1):
			 * a copy of the header says so. */
			struct rte_ipv6_hdr ph = *(const struct rte_ipv6_hdr *)(p + f->l2);

			ph.proto = f->proto;
			ph.payload_len = rte_cpu_to_be_16(
				(uint16_t)(rte_be_to_cpu_16(ph.payload_len) -
					   (f->l3 - sizeof(struct rte_ipv6_hdr))));
			*ck = 0;
			*ck = rte_ipv6_udptcp_cksum_mbuf(m, &ph, f->l2 + f->l3);
			c->stats.c[VS_OFFLOAD_C_CSUM_SW]++;
		}
	}
	if (f->need_ip) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + f->l2);

		if (caps & VS_OFFLOAD_IPV4_CKSUM) {
			ol |= RTE_MBUF_F_TX_IP_CKSUM;
			hw = true;
		} else {
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
			c->stats.c[VS_OFFLOAD_C_CSUM_SW]++;
		}
	}
	if (hw) {
		ol |= f->v4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6;
		vs_ol_set_lens(m, f);
		c->stats.c[VS_OFFLOAD_C_HW]++;
	}
	m->ol_flags = ol;
}

/* m, or a copy of it whose headers lie in its first segment (after a
 * software tag on a frame without headroom, they may not); the original
 * is released when a copy replaces it.  NULL: no buffers, m untouched. */
static struct rte_mbuf *
vs_ol_linear_headers(struct vs_offload_ctx *c, struct rte_mbuf *m, uint16_t hdr)
{
	struct rte_mbuf *cp;

	if (likely(rte_pktmbuf_data_len(m) >= hdr))
		return m;
	cp = rte_pktmbuf_copy(m, c->copy_pool, 0, UINT32_MAX);
	if (cp == NULL || rte_pktmbuf_data_len(cp) < hdr) {
		rte_pktmbuf_free(cp);
		return NULL;
	}
	rte_pktmbuf_free(m);
	return cp;
}

/* The port does it all: only the metadata changes, the same for every
 * port that keeps this frame. */
static void
vs_ol_keep(struct vs_offload_ctx *c, const struct vs_ol_frame *f, struct rte_mbuf *m)
{
	uint64_t ol = m->ol_flags & ~(RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6 |
				      RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_IP_CKSUM);

	if (f->need_l4)
		ol |= f->proto == IPPROTO_TCP ? RTE_MBUF_F_TX_TCP_CKSUM : RTE_MBUF_F_TX_UDP_CKSUM;
	if (f->need_ip)
		ol |= RTE_MBUF_F_TX_IP_CKSUM;
	if (f->need_ip || f->need_l4)
		ol |= f->v4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6;
	m->ol_flags = ol;
	vs_ol_set_lens(m, f);
	if (f->need_ip || f->need_l4)
		c->stats.c[VS_OFFLOAD_C_HW]++;
}

/* One frame, consumed: returns frames written to out, or -1 - counter
 * (the frame then freed). */
static int
vs_ol_one(struct vs_offload_ctx *c, uint32_t caps, struct rte_mbuf *m, struct rte_mbuf **out,
	  uint16_t room)
{
	struct vs_ol_frame f;
	enum vs_offload_counter rc = vs_ol_parse(m, &f);
	struct rte_mbuf *lin;
	bool fix_len = false;
	int n, i;

	if (rc == VS_OFFLOAD_C_MAX && room == 0)
		rc = VS_OFFLOAD_C_REFUSED_MSS;
	if (rc != VS_OFFLOAD_C_MAX)
		goto refuse;
	if (f.seg && rte_pktmbuf_pkt_len(m) - f.hdr <= f.mss && !vs_ol_hw_seg(caps, &f)) {
		/* Nothing to cut: a frame asking for its checksums, whose IP
		 * length may be a superframe's placeholder (NDIS LSO allows
		 * 0): it gets the frame's own. */
		f.seg = false;
		fix_len = true;
	}
	if (f.seg ? vs_ol_hw_seg(caps, &f)
		  : !fix_len && (!f.need_l4 || vs_ol_hw_l4(caps, &f)) &&
			    (!f.need_ip || (caps & VS_OFFLOAD_IPV4_CKSUM))) {
		vs_ol_keep(c, &f, m);
		out[0] = m;
		return 1;
	}
	lin = vs_ol_linear_headers(c, m, f.hdr);
	if (lin == NULL) {
		rc = VS_OFFLOAD_C_REFUSED_NO_MBUF;
		goto refuse;
	}
	m = lin;
	if (f.seg) {
		n = vs_ol_segment(c, &f, m, out, room);
		if (n < 0) {
			rc = (enum vs_offload_counter)(-1 - n);
			goto refuse;
		}
		for (i = 0; i < n; i++)
			vs_ol_finish(c, caps, &f, out[i], f.flags);
		return n;
	}
	if (rte_mbuf_refcnt_read(m) != 1 || !RTE_MBUF_DIRECT(m)) {
		/* Shared: the checksums go into a private copy of the headers. */
		struct rte_mbuf *h;

		if (vs_ol_split(c, m, f.hdr, UINT32_MAX, &h, 1) != 1) {
			rc = VS_OFFLOAD_C_REFUSED_NO_MBUF;
			goto refuse;
		}
		c->stats.c[VS_OFFLOAD_C_HEADER_COPY]++;
		rte_pktmbuf_free(m);
		m = h;
	}
	if (fix_len) {
		uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, f.l2);
		uint32_t l = rte_pktmbuf_pkt_len(m) - f.l2;

		if (f.v4)
			((struct rte_ipv4_hdr *)ip)->total_length = rte_cpu_to_be_16((uint16_t)l);
		else
			((struct rte_ipv6_hdr *)ip)->payload_len =
				rte_cpu_to_be_16((uint16_t)(l - sizeof(struct rte_ipv6_hdr)));
	}
	vs_ol_finish(c, caps, &f, m, f.flags);
	out[0] = m;
	return 1;
refuse:
	rte_pktmbuf_free(m);
	return -1 - (int)rc;
}

uint16_t
vs_offload_tx_burst(struct vs_offload_ctx *c, uint32_t caps, struct rte_mbuf **pkts,
		    uint16_t n, struct rte_mbuf **out, uint16_t max_out, uint16_t *dropped)
{
	uint16_t i, k = 0, d = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		int r;

		if (!(m->ol_flags & VS_OFFLOAD_TX_REQUESTS)) {
			if (k < max_out) {
				out[k++] = m;
				continue;
			}
			rte_pktmbuf_free(m);
			r = -1 - VS_OFFLOAD_C_REFUSED_MSS;
		} else {
			r = vs_ol_one(c, caps, m, out + k,
				      (uint16_t)RTE_MIN((unsigned int)(max_out - k),
							VS_OFFLOAD_MAX_SEGS));
		}
		if (r >= 0) {
			k = (uint16_t)(k + r);
			continue;
		}
		c->stats.c[-1 - r]++;
		d++;
	}
	if (dropped != NULL)
		*dropped = d;
	return k;
}
