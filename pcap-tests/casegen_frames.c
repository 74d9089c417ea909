/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame templates for vs-casegen.  The frames are valid where the
 * template says so (IPv4 header checksum, UDP checksums over IPv4 and
 * IPv6, 802.3 length field) because a switch may one day look past L2 and
 * a golden case must not fail for a malformed input nobody meant to write.
 *
 * Addresses derive from the MACs so decoded diffs are readable:
 *   unicast 02:00:00:00:00:0a  -> 10.0.0.10, fd00::200:0:a
 *   01:00:5e:xx:yy:zz           -> 239.xx.yy.zz
 *   33:33:aa:bb:cc:dd           -> ff02::aabb:ccdd
 *   broadcast / other multicast -> 255.255.255.255, ff02::1
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "casegen_priv.h"

#define VS_GOLDEN_GEN_UDP_SPORT 40000
#define VS_GOLDEN_GEN_UDP_DPORT 9 /* discard */

static uint32_t vs_golden_gen_l2_len(unsigned int n_tags)
{
	return 14u + 4u * n_tags;
}

uint32_t vs_golden_gen_min_len(enum vs_golden_gen_kind k, unsigned int n_tags)
{
	switch (k) {
	case VS_GOLDEN_GEN_ARP:
		return vs_golden_gen_l2_len(n_tags) + 28;
	case VS_GOLDEN_GEN_IPV4_UDP:
		return vs_golden_gen_l2_len(n_tags) + 20 + 8;
	case VS_GOLDEN_GEN_IPV6_UDP:
		return vs_golden_gen_l2_len(n_tags) + 40 + 8;
	case VS_GOLDEN_GEN_LLC:
		return vs_golden_gen_l2_len(n_tags) + 3;
	case VS_GOLDEN_GEN_RAW:
	default:
		return 0;
	}
}

static void vs_golden_gen_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Bytes that differ between frames (serial) and along the frame (i). */
static void vs_golden_gen_pattern(uint8_t *p, uint32_t n, uint32_t serial)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = i < 4 ? (uint8_t)(serial >> (24 - 8 * i)) : (uint8_t)(serial + i);
}

static void vs_golden_gen_ipv4_addr(const uint8_t *mac, uint8_t *a)
{
	if (mac[0] == 0x01 && mac[1] == 0x00 && mac[2] == 0x5e) {
		a[0] = 239;
		a[1] = mac[3] & 0x7f;
		a[2] = mac[4];
		a[3] = mac[5];
	} else if (mac[0] & 1) {
		memset(a, 255, 4);
	} else {
		a[0] = 10;
		a[1] = mac[3];
		a[2] = mac[4];
		a[3] = mac[5];
	}
}

static void vs_golden_gen_ipv6_addr(const uint8_t *mac, uint8_t *a)
{
	memset(a, 0, 16);
	if (mac[0] & 1) {
		a[0] = 0xff;
		a[1] = 0x02;
		if (mac[0] == 0x33 && mac[1] == 0x33)
			memcpy(a + 12, mac + 2, 4);
		else
			a[15] = 1;
	} else {
		a[0] = 0xfd;
		memcpy(a + 10, mac, 6);
	}
}

static void vs_golden_gen_arp(const struct vs_golden_gen_line *l, uint8_t *p)
{
	bool request = (l->dst[0] & 1) != 0;

	vs_golden_gen_put16(p, 1);      /* Ethernet */
	vs_golden_gen_put16(p + 2, 0x0800);
	p[4] = 6;
	p[5] = 4;
	vs_golden_gen_put16(p + 6, request ? 1 : 2);
	memcpy(p + 8, l->src, 6);
	vs_golden_gen_ipv4_addr(l->src, p + 14);
	if (request)
		memset(p + 18, 0, 6);
	else
		memcpy(p + 18, l->dst, 6);
	vs_golden_gen_ipv4_addr(l->dst, p + 24);
	if (request) {
		/* who-has the next address up: a plausible target */
		p[24] = 10;
		p[27] = (uint8_t)(p[17] + 1);
	}
}

static void vs_golden_gen_ipv4_udp(const struct vs_golden_gen_line *l, uint8_t *p, uint32_t n,
				uint32_t serial)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(p + 20);

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)n);
	ip->packet_id = rte_cpu_to_be_16((uint16_t)serial);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	vs_golden_gen_ipv4_addr(l->src, (uint8_t *)&ip->src_addr);
	vs_golden_gen_ipv4_addr(l->dst, (uint8_t *)&ip->dst_addr);
	udp->src_port = rte_cpu_to_be_16(VS_GOLDEN_GEN_UDP_SPORT);
	udp->dst_port = rte_cpu_to_be_16(VS_GOLDEN_GEN_UDP_DPORT);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(n - 20));
	udp->dgram_cksum = 0;
	vs_golden_gen_pattern(p + 28, n - 28, serial);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
}

static void vs_golden_gen_ipv6_udp(const struct vs_golden_gen_line *l, uint8_t *p, uint32_t n,
				uint32_t serial)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)p;
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(p + 40);

	memset(ip, 0, sizeof(*ip));
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)(n - 40));
	ip->proto = IPPROTO_UDP;
	ip->hop_limits = 64;
	vs_golden_gen_ipv6_addr(l->src, ip->src_addr);
	vs_golden_gen_ipv6_addr(l->dst, ip->dst_addr);
	udp->src_port = rte_cpu_to_be_16(VS_GOLDEN_GEN_UDP_SPORT);
	udp->dst_port = rte_cpu_to_be_16(VS_GOLDEN_GEN_UDP_DPORT);
	udp->dgram_len = ip->payload_len;
	udp->dgram_cksum = 0;
	vs_golden_gen_pattern(p + 48, n - 48, serial);
	udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip, udp);
}

void vs_golden_gen_build(const struct vs_golden_gen_line *l, uint32_t serial, uint8_t *buf)
{
	uint8_t hdr[14 + 4 * VS_GOLDEN_GEN_MAX_TAGS];
	uint32_t l2 = vs_golden_gen_l2_len(l->n_tags), pay;
	uint16_t type;
	uint8_t *p;

	switch (l->kind) {
	case VS_GOLDEN_GEN_ARP:
		type = RTE_ETHER_TYPE_ARP;
		break;
	case VS_GOLDEN_GEN_IPV4_UDP:
		type = RTE_ETHER_TYPE_IPV4;
		break;
	case VS_GOLDEN_GEN_IPV6_UDP:
		type = RTE_ETHER_TYPE_IPV6;
		break;
	case VS_GOLDEN_GEN_LLC:
		/* The 802.3 length counts the LLC PDU; bytes after it are pad. */
		type = (uint16_t)(l->lenfield >= 0 ? l->lenfield : (int)(l->len - l2));
		break;
	case VS_GOLDEN_GEN_RAW:
	default:
		type = l->ethertype;
		break;
	}
	memcpy(hdr, l->dst, 6);
	memcpy(hdr + 6, l->src, 6);
	for (unsigned int i = 0; i < l->n_tags; i++) {
		vs_golden_gen_put16(hdr + 12 + 4 * i, l->tags[i].tpid);
		vs_golden_gen_put16(hdr + 14 + 4 * i, l->tags[i].tci);
	}
	vs_golden_gen_put16(hdr + l2 - 2, type);
	/* A raw frame may stop inside its own header (runts). */
	memcpy(buf, hdr, l->len < l2 ? l->len : l2);
	if (l->len <= l2)
		return;
	p = buf + l2;
	pay = l->len - l2;
	memset(p, 0, pay);
	switch (l->kind) {
	case VS_GOLDEN_GEN_ARP:
		vs_golden_gen_arp(l, p); /* the rest is zero padding */
		break;
	case VS_GOLDEN_GEN_IPV4_UDP:
		vs_golden_gen_ipv4_udp(l, p, pay, serial);
		break;
	case VS_GOLDEN_GEN_IPV6_UDP:
		vs_golden_gen_ipv6_udp(l, p, pay, serial);
		break;
	case VS_GOLDEN_GEN_LLC:
		p[0] = 0x42; /* DSAP/SSAP of spanning tree: a real LLC user */
		p[1] = 0x42;
		p[2] = 0x03; /* UI */
		vs_golden_gen_pattern(p + 3, pay - 3, serial);
		break;
	case VS_GOLDEN_GEN_RAW:
	default:
		vs_golden_gen_pattern(p, pay, serial);
		break;
	}
}

uint32_t vs_golden_gen_retag(const struct vs_golden_gen_line *l, const struct vs_golden_gen_out *o,
			     const uint8_t *buf, uint32_t len, uint8_t *obuf)
{
	uint32_t old_l2 = vs_golden_gen_l2_len(l->n_tags) - 2; /* addresses and tags */
	uint32_t new_l2 = vs_golden_gen_l2_len((unsigned int)o->n_tags) - 2;

	memcpy(obuf, buf, 12);
	for (int i = 0; i < o->n_tags; i++) {
		vs_golden_gen_put16(obuf + 12 + 4 * i, o->tags[i].tpid);
		vs_golden_gen_put16(obuf + 14 + 4 * i, o->tags[i].tci);
	}
	/* From the EtherType (or 802.3 length) on, the bytes are the same. */
	memcpy(obuf + new_l2, buf + old_l2, len - old_l2);
	return len - old_l2 + new_l2;
}
