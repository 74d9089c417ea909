/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port security guards, as the Hyper-V switch has them: a VM is not a DHCP
 * server and not a router unless its port says so.
 *
 *   DHCP guard    drops DHCPv4 server messages (UDP from port 67) and
 *                 DHCPv6 server messages (UDP from port 547).
 *   router guard  drops ICMPv6 router advertisements (134) and redirects
 *                 (137), and ICMPv4 redirects (5).
 *
 * Frames are read with rte_pktmbuf_read into small buffers, so a header
 * split over segments or cut short is handled and never read past its end.
 * Up to two 802.1Q/802.1ad tags carried as data and eight IPv6 extension
 * headers are looked through (a chain longer than that is not something a
 * VM sends for an honest reason: it is dropped when a guard is on); a
 * non-first fragment carries no L4 header.
 */
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_priv.h"

#define VS_IPPROTO_ICMP 1
#define VS_IPPROTO_UDP 17
#define VS_IPPROTO_ICMPV6 58

/* v6: the L4 header follows IPv6 (DHCPv6 servers send from 547), else IPv4
 * (DHCPv4 servers send from 67). */
static uint8_t
vs_guard_l4(const struct rte_mbuf *m, uint32_t off, uint8_t proto, bool v6, bool dhcp,
	    bool router)
{
	uint8_t buf[4];
	const uint8_t *l4 = rte_pktmbuf_read(m, off, sizeof(buf), buf);

	if (l4 == NULL)
		return VS_DROP_MAX;
	if (proto == VS_IPPROTO_UDP && dhcp) {
		uint16_t sport = (uint16_t)(l4[0] << 8 | l4[1]);

		if (sport == (v6 ? 547 : 67))
			return VS_DROP_DHCP_GUARD;
	}
	if (router && ((proto == VS_IPPROTO_ICMP && l4[0] == 5) ||
		       (proto == VS_IPPROTO_ICMPV6 && (l4[0] == 134 || l4[0] == 137))))
		return VS_DROP_ROUTER_GUARD;
	return VS_DROP_MAX;
}

uint8_t
vs_security_guard(const struct rte_mbuf *m, bool dhcp, bool router)
{
	uint8_t buf[40];
	const uint8_t *p;
	uint32_t off = 12;
	uint16_t type;
	int tags = 0;

	for (;;) {
		p = rte_pktmbuf_read(m, off, 2, buf);
		if (p == NULL)
			return VS_DROP_MAX;
		type = (uint16_t)(p[0] << 8 | p[1]);
		if ((type != RTE_ETHER_TYPE_VLAN && type != RTE_ETHER_TYPE_QINQ) || tags == 2)
			break;
		off += 4;
		tags++;
	}
	off += 2;
	if (type == RTE_ETHER_TYPE_IPV4) {
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_read(m, off, sizeof(*ip), buf);
		uint32_t ihl;

		if (ip == NULL)
			return VS_DROP_MAX;
		ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;
		if (ihl < sizeof(*ip) ||
		    (rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) != 0)
			return VS_DROP_MAX;
		return vs_guard_l4(m, off + ihl, ip->next_proto_id, false, dhcp, router);
	}
	if (type == RTE_ETHER_TYPE_IPV6) {
		const struct rte_ipv6_hdr *ip6 = rte_pktmbuf_read(m, off, sizeof(*ip6), buf);
		uint8_t nh;
		int ext;

		if (ip6 == NULL)
			return VS_DROP_MAX;
		nh = ip6->proto;
		off += sizeof(*ip6);
		for (ext = 0;; ext++) {
			const uint8_t *e;

			if (nh != 0 && nh != 43 && nh != 60 && nh != 44)
				break;
			if (ext == 8)
				return dhcp ? VS_DROP_DHCP_GUARD : VS_DROP_ROUTER_GUARD;
			e = rte_pktmbuf_read(m, off, 8, buf);
			if (e == NULL)
				return VS_DROP_MAX;
			if (nh == 44) { /* fragment: only the first holds the L4 header */
				if ((rte_be_to_cpu_16(*(const rte_be16_t *)(e + 2)) & 0xfff8) != 0)
					return VS_DROP_MAX;
				off += 8;
			} else {
				off += ((uint32_t)e[1] + 1) * 8;
			}
			nh = e[0];
		}
		return vs_guard_l4(m, off, nh, true, dhcp, router);
	}
	return VS_DROP_MAX;
}
