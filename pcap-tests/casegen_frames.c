/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame templates for vs-casegen.  The frames are valid where the
 * template says so (IPv4 header checksum, UDP, ICMP and ICMPv6 checksums,
 * 802.3 length field) because a switch may one day look past L2 and a
 * golden case must not fail for a malformed input nobody meant to write.
 *
 * Addresses derive from the MACs so decoded diffs are readable:
 *   unicast 02:00:00:00:00:0a  -> 10.0.0.10, fd00::200:0:a
 *   01:00:5e:xx:yy:zz           -> 239.xx.yy.zz
 *   33:33:aa:bb:cc:dd           -> ff02::aabb:ccdd
 *   broadcast / other multicast -> 255.255.255.255, ff02::1
 *
 * Every frame carries the serial number it was given somewhere a
 * reordering shows: the payload pattern, the IPv4 identification, a DHCP
 * transaction ID, an ICMP sequence number or, in neighbor discovery
 * messages, an experimental option (type 253, RFC 4727) that receivers
 * ignore.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "casegen_priv.h"

#define VS_GOLDEN_GEN_UDP_SPORT 40000
#define VS_GOLDEN_GEN_UDP_DPORT 9 /* discard */

#define VS_GOLDEN_GEN_PROTO_ICMP 1
#define VS_GOLDEN_GEN_PROTO_UDP 17
#define VS_GOLDEN_GEN_PROTO_ICMPV6 58

#define VS_GOLDEN_GEN_BOOTP_LEN 244 /* fixed part, magic cookie, option 53, end */
#define VS_GOLDEN_GEN_DHCP6_LEN 18  /* type, transaction ID, one DUID-LL option */
#define VS_GOLDEN_GEN_ND_OPTS 16    /* link-layer address and serial options */

/* The IP kinds: the L4 protocol, the smallest L4 message (header
 * included) and whether the datagram fills the frame (its data is free
 * form) or has its own length, the rest of the frame being Ethernet
 * padding (zeros). */
static const struct {
	const char *name;
	enum vs_golden_gen_kind kind;
	uint8_t ip;     /* 4 or 6 */
	uint8_t proto;
	uint16_t l4_min;
	bool fills;
} vs_golden_gen_kinds[] = {
	{ "ipv4-udp", VS_GOLDEN_GEN_IPV4_UDP, 4, VS_GOLDEN_GEN_PROTO_UDP, 8, true },
	{ "ipv6-udp", VS_GOLDEN_GEN_IPV6_UDP, 6, VS_GOLDEN_GEN_PROTO_UDP, 8, true },
	{ "dhcp4-server", VS_GOLDEN_GEN_DHCP4_SERVER, 4, VS_GOLDEN_GEN_PROTO_UDP,
	  8 + VS_GOLDEN_GEN_BOOTP_LEN, true },
	{ "dhcp4-client", VS_GOLDEN_GEN_DHCP4_CLIENT, 4, VS_GOLDEN_GEN_PROTO_UDP,
	  8 + VS_GOLDEN_GEN_BOOTP_LEN, true },
	{ "dhcp6-server", VS_GOLDEN_GEN_DHCP6_SERVER, 6, VS_GOLDEN_GEN_PROTO_UDP,
	  8 + VS_GOLDEN_GEN_DHCP6_LEN, false },
	{ "dhcp6-client", VS_GOLDEN_GEN_DHCP6_CLIENT, 6, VS_GOLDEN_GEN_PROTO_UDP,
	  8 + VS_GOLDEN_GEN_DHCP6_LEN, false },
	{ "icmp4-echo", VS_GOLDEN_GEN_ICMP4_ECHO, 4, VS_GOLDEN_GEN_PROTO_ICMP, 8, true },
	/* 8 bytes, then the original datagram's IPv4 and UDP headers */
	{ "icmp4-redirect", VS_GOLDEN_GEN_ICMP4_REDIRECT, 4, VS_GOLDEN_GEN_PROTO_ICMP, 36, true },
	{ "icmp6-echo", VS_GOLDEN_GEN_ICMP6_ECHO, 6, VS_GOLDEN_GEN_PROTO_ICMPV6, 8, true },
	{ "icmp6-rs", VS_GOLDEN_GEN_ICMP6_RS, 6, VS_GOLDEN_GEN_PROTO_ICMPV6,
	  8 + VS_GOLDEN_GEN_ND_OPTS, false },
	{ "icmp6-ra", VS_GOLDEN_GEN_ICMP6_RA, 6, VS_GOLDEN_GEN_PROTO_ICMPV6,
	  16 + VS_GOLDEN_GEN_ND_OPTS, false },
	{ "icmp6-ns", VS_GOLDEN_GEN_ICMP6_NS, 6, VS_GOLDEN_GEN_PROTO_ICMPV6,
	  24 + VS_GOLDEN_GEN_ND_OPTS, false },
	{ "icmp6-na", VS_GOLDEN_GEN_ICMP6_NA, 6, VS_GOLDEN_GEN_PROTO_ICMPV6,
	  24 + VS_GOLDEN_GEN_ND_OPTS, false },
	{ "icmp6-redirect", VS_GOLDEN_GEN_ICMP6_REDIRECT, 6, VS_GOLDEN_GEN_PROTO_ICMPV6,
	  40 + VS_GOLDEN_GEN_ND_OPTS, false },
};

#define VS_GOLDEN_GEN_N_KINDS (sizeof(vs_golden_gen_kinds) / sizeof(vs_golden_gen_kinds[0]))

static int vs_golden_gen_kind_idx(enum vs_golden_gen_kind k)
{
	for (unsigned int i = 0; i < VS_GOLDEN_GEN_N_KINDS; i++)
		if (vs_golden_gen_kinds[i].kind == k)
			return (int)i;
	return -1;
}

int vs_golden_gen_kind_parse(const char *s, enum vs_golden_gen_kind *k)
{
	if (strcmp(s, "arp") == 0) {
		*k = VS_GOLDEN_GEN_ARP;
		return 0;
	}
	if (strcmp(s, "llc") == 0) {
		*k = VS_GOLDEN_GEN_LLC;
		return 0;
	}
	for (unsigned int i = 0; i < VS_GOLDEN_GEN_N_KINDS; i++) {
		if (strcmp(s, vs_golden_gen_kinds[i].name) == 0) {
			*k = vs_golden_gen_kinds[i].kind;
			return 0;
		}
	}
	if (vs_golden_gen_tcp_kind_parse(s, k) == 0)
		return 0;
	return vs_golden_gen_nlb_kind_parse(s, k);
}

int vs_golden_gen_kind_ip(enum vs_golden_gen_kind k)
{
	int i = vs_golden_gen_kind_idx(k);

	if (vs_golden_gen_nlb_kind(k))
		return k == VS_GOLDEN_GEN_NLB_HEARTBEAT ? 0 : 4;
	if (vs_golden_gen_tcp_kind(k))
		return k == VS_GOLDEN_GEN_IPV4_TCP ? 4 : 6;
	return i < 0 ? 0 : vs_golden_gen_kinds[i].ip;
}

static uint32_t vs_golden_gen_l2_len(unsigned int n_tags)
{
	return 14u + 4u * n_tags;
}

uint32_t vs_golden_gen_min_len(const struct vs_golden_gen_line *l)
{
	int i = vs_golden_gen_kind_idx(l->kind);

	if (vs_golden_gen_nlb_kind(l->kind))
		return vs_golden_gen_l2_len(l->n_tags) + vs_golden_gen_nlb_min_payload(l);
	if (vs_golden_gen_tcp_kind(l->kind))
		return vs_golden_gen_l2_len(l->n_tags) + vs_golden_gen_tcp_min_payload(l);
	if (i >= 0)
		return vs_golden_gen_l2_len(l->n_tags) + (vs_golden_gen_kinds[i].ip == 4 ? 20 : 40) +
		       8u * l->n_ext + vs_golden_gen_kinds[i].l4_min;
	switch (l->kind) {
	case VS_GOLDEN_GEN_ARP:
		return vs_golden_gen_l2_len(l->n_tags) + 28;
	case VS_GOLDEN_GEN_LLC:
		return vs_golden_gen_l2_len(l->n_tags) + 3;
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
void vs_golden_gen_pattern(uint8_t *p, uint32_t n, uint32_t serial)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = i < 4 ? (uint8_t)(serial >> (24 - 8 * i)) : (uint8_t)(serial + i);
}

void vs_golden_gen_ipv4_addr(const uint8_t *mac, uint8_t *a)
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

void vs_golden_gen_ipv6_addr(const uint8_t *mac, uint8_t *a)
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

static void vs_golden_gen_put32(uint8_t *p, uint32_t v)
{
	vs_golden_gen_put16(p, (uint16_t)(v >> 16));
	vs_golden_gen_put16(p + 2, (uint16_t)v);
}

/* The Internet checksum of n bytes, stored at p + at (which is zero). */
static void vs_golden_gen_icmp_cksum(uint8_t *p, uint32_t n, uint32_t at)
{
	uint16_t c = (uint16_t)~rte_raw_cksum(p, n);

	memcpy(p + at, &c, sizeof(c)); /* rte_raw_cksum sums in memory order */
}

static uint16_t vs_golden_gen_sport(const struct vs_golden_gen_line *l)
{
	return l->sport >= 0 ? (uint16_t)l->sport : VS_GOLDEN_GEN_UDP_SPORT;
}

static uint16_t vs_golden_gen_dport(const struct vs_golden_gen_line *l)
{
	return l->dport >= 0 ? (uint16_t)l->dport : VS_GOLDEN_GEN_UDP_DPORT;
}

static void vs_golden_gen_udp_hdr(uint8_t *u, uint16_t sport, uint16_t dport, uint32_t n)
{
	vs_golden_gen_put16(u, sport);
	vs_golden_gen_put16(u + 2, dport);
	vs_golden_gen_put16(u + 4, (uint16_t)n);
	vs_golden_gen_put16(u + 6, 0);
}

/* A minimal BOOTP message of DHCP (RFC 2131): a server's DHCPOFFER or a
 * client's DHCPDISCOVER, the transaction ID the serial.  b is the UDP
 * payload, zero and at least VS_GOLDEN_GEN_BOOTP_LEN bytes; the bytes
 * after the end option are padding. */
static void vs_golden_gen_bootp(const struct vs_golden_gen_line *l, uint8_t *b, uint32_t serial)
{
	bool server = l->kind == VS_GOLDEN_GEN_DHCP4_SERVER;
	bool to_one = (l->dst[0] & 1) == 0;

	b[0] = server ? 2 : 1; /* BOOTREPLY / BOOTREQUEST */
	b[1] = 1;              /* Ethernet */
	b[2] = 6;
	vs_golden_gen_put32(b + 4, serial);
	if (server) {
		if (to_one)
			vs_golden_gen_ipv4_addr(l->dst, b + 16); /* yiaddr */
		vs_golden_gen_ipv4_addr(l->src, b + 20);         /* siaddr */
		if (to_one)
			memcpy(b + 28, l->dst, 6); /* chaddr: the client */
	} else {
		memcpy(b + 28, l->src, 6);
	}
	b[236] = 99; /* magic cookie */
	b[237] = 130;
	b[238] = 83;
	b[239] = 99;
	b[240] = 53; /* DHCP message type */
	b[241] = 1;
	b[242] = server ? 2 : 1; /* DHCPOFFER / DHCPDISCOVER */
	b[243] = 255;            /* end */
}

/* The original datagram an ICMP redirect quotes: an IPv4 header and a
 * UDP header from the host redirected (the frame's destination) to
 * 192.0.2.1, then as much of its data as the frame holds. */
static void vs_golden_gen_quoted_ipv4(const struct vs_golden_gen_line *l, uint8_t *q, uint32_t n,
				      uint32_t serial)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)q;

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)n);
	ip->packet_id = rte_cpu_to_be_16((uint16_t)serial);
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = VS_GOLDEN_GEN_PROTO_UDP;
	vs_golden_gen_ipv4_addr(l->dst, (uint8_t *)&ip->src_addr);
	q[16] = 192;
	q[17] = 0;
	q[18] = 2;
	q[19] = 1;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	/* checksum 0: none, the datagram is quoted only in part */
	vs_golden_gen_udp_hdr(q + 20, VS_GOLDEN_GEN_UDP_SPORT, VS_GOLDEN_GEN_UDP_DPORT, n - 20);
	vs_golden_gen_pattern(q + 28, n - 28, serial);
}

/* An IPv4 datagram of n bytes filling p (zero): header, then the L4
 * message of l's kind.  A fragment (frag=) keeps the bytes of the whole
 * datagram after its header: a non-first fragment's data then starts with
 * what would be read as the L4 header by a switch ignoring the offset. */
static void vs_golden_gen_ipv4(const struct vs_golden_gen_line *l, uint8_t *p, uint32_t n,
			       uint32_t serial)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	uint8_t *l4 = p + 20;
	uint32_t l4n = n - 20;
	uint16_t frag = RTE_IPV4_HDR_DF_FLAG;

	if (l->frag == 0)
		frag = RTE_IPV4_HDR_MF_FLAG; /* the first fragment */
	else if (l->frag > 0)
		frag = (uint16_t)(l->frag / 8); /* the last one */
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)n);
	ip->packet_id = rte_cpu_to_be_16((uint16_t)serial);
	ip->fragment_offset = rte_cpu_to_be_16(frag);
	ip->time_to_live = 64;
	vs_golden_gen_ipv4_addr(l->src, (uint8_t *)&ip->src_addr);
	vs_golden_gen_ipv4_addr(l->dst, (uint8_t *)&ip->dst_addr);
	switch (l->kind) {
	case VS_GOLDEN_GEN_ICMP4_ECHO:
		ip->next_proto_id = VS_GOLDEN_GEN_PROTO_ICMP;
		l4[0] = 8;
		vs_golden_gen_put16(l4 + 4, 0x7673);
		vs_golden_gen_put16(l4 + 6, (uint16_t)serial);
		vs_golden_gen_pattern(l4 + 8, l4n - 8, serial);
		vs_golden_gen_icmp_cksum(l4, l4n, 2);
		break;
	case VS_GOLDEN_GEN_ICMP4_REDIRECT:
		ip->next_proto_id = VS_GOLDEN_GEN_PROTO_ICMP;
		l4[0] = 5;
		l4[1] = 1; /* for the host */
		l4[4] = 10; /* the better gateway: 10.0.0.1 */
		l4[7] = 1;
		vs_golden_gen_quoted_ipv4(l, l4 + 8, l4n - 8, serial);
		vs_golden_gen_icmp_cksum(l4, l4n, 2);
		break;
	case VS_GOLDEN_GEN_DHCP4_SERVER:
	case VS_GOLDEN_GEN_DHCP4_CLIENT: {
		bool server = l->kind == VS_GOLDEN_GEN_DHCP4_SERVER;

		ip->next_proto_id = VS_GOLDEN_GEN_PROTO_UDP;
		vs_golden_gen_udp_hdr(l4, server ? 67 : 68, server ? 68 : 67, l4n);
		vs_golden_gen_bootp(l, l4 + 8, serial);
		break;
	}
	case VS_GOLDEN_GEN_IPV4_UDP:
	default:
		ip->next_proto_id = VS_GOLDEN_GEN_PROTO_UDP;
		vs_golden_gen_udp_hdr(l4, vs_golden_gen_sport(l), vs_golden_gen_dport(l), l4n);
		vs_golden_gen_pattern(l4 + 8, l4n - 8, serial);
		break;
	}
	if (ip->next_proto_id == VS_GOLDEN_GEN_PROTO_UDP) {
		uint16_t c = rte_ipv4_udptcp_cksum(ip, l4);

		memcpy(l4 + 6, &c, sizeof(c));
	}
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* The options that end a neighbor discovery message: a link-layer address
 * (type 1 source, 2 target) and the serial in an experimental option. */
static void vs_golden_gen_nd_opts(uint8_t *o, uint8_t type, const uint8_t *mac, uint32_t serial)
{
	o[0] = type;
	o[1] = 1;
	memcpy(o + 2, mac, 6);
	o[8] = 253;
	o[9] = 1;
	vs_golden_gen_put32(o + 12, serial);
}

/* The L4 message of an IPv6 kind, n bytes at m (zero), checksum left 0. */
static void vs_golden_gen_ipv6_l4(const struct vs_golden_gen_line *l, uint8_t *m, uint32_t n,
				  uint32_t serial)
{
	static const uint8_t router_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	bool to_one = (l->dst[0] & 1) == 0;
	uint8_t target_mac[6];

	switch (l->kind) {
	case VS_GOLDEN_GEN_DHCP6_SERVER:
	case VS_GOLDEN_GEN_DHCP6_CLIENT: {
		bool server = l->kind == VS_GOLDEN_GEN_DHCP6_SERVER;

		vs_golden_gen_udp_hdr(m, server ? 547 : 546, server ? 546 : 547, n);
		m[8] = server ? 2 : 1; /* ADVERTISE / SOLICIT */
		m[9] = (uint8_t)(serial >> 16);
		m[10] = (uint8_t)(serial >> 8);
		m[11] = (uint8_t)serial;
		/* OPTION_SERVERID / OPTION_CLIENTID: a DUID-LL of the sender */
		vs_golden_gen_put16(m + 12, server ? 2 : 1);
		vs_golden_gen_put16(m + 14, 10);
		vs_golden_gen_put16(m + 16, 3);
		vs_golden_gen_put16(m + 18, 1);
		memcpy(m + 20, l->src, 6);
		break;
	}
	case VS_GOLDEN_GEN_ICMP6_ECHO:
		m[0] = 128;
		vs_golden_gen_put16(m + 4, 0x7673);
		vs_golden_gen_put16(m + 6, (uint16_t)serial);
		vs_golden_gen_pattern(m + 8, n - 8, serial);
		break;
	case VS_GOLDEN_GEN_ICMP6_RS:
		m[0] = 133;
		vs_golden_gen_nd_opts(m + 8, 1, l->src, serial);
		break;
	case VS_GOLDEN_GEN_ICMP6_RA:
		m[0] = 134;
		m[4] = 64;                        /* current hop limit */
		vs_golden_gen_put16(m + 6, 1800); /* router lifetime */
		vs_golden_gen_nd_opts(m + 16, 1, l->src, serial);
		break;
	case VS_GOLDEN_GEN_ICMP6_NS:
		m[0] = 135;
		/* Who has the destination, or for a solicited-node group
		 * 33:33:ff:xx:yy:zz the station 02:00:00:xx:yy:zz, or else
		 * the next address up (as arp). */
		memcpy(target_mac, to_one ? l->dst : l->src, 6);
		if (!to_one && l->dst[0] == 0x33 && l->dst[1] == 0x33 && l->dst[2] == 0xff) {
			memset(target_mac, 0, 3);
			target_mac[0] = 0x02;
			memcpy(target_mac + 3, l->dst + 3, 3);
		} else if (!to_one) {
			target_mac[5]++;
		}
		vs_golden_gen_ipv6_addr(target_mac, m + 8);
		vs_golden_gen_nd_opts(m + 24, 1, l->src, serial);
		break;
	case VS_GOLDEN_GEN_ICMP6_NA:
		m[0] = 136;
		m[4] = to_one ? 0x60 : 0x20; /* solicited (if unicast), override */
		vs_golden_gen_ipv6_addr(l->src, m + 8);
		vs_golden_gen_nd_opts(m + 24, 2, l->src, serial);
		break;
	case VS_GOLDEN_GEN_ICMP6_REDIRECT:
		m[0] = 137;
		/* target: the better first hop fd00::200:0:1; destination
		 * 2001:db8::1 */
		vs_golden_gen_ipv6_addr(router_mac, m + 8);
		vs_golden_gen_put16(m + 24, 0x2001);
		vs_golden_gen_put16(m + 26, 0x0db8);
		m[39] = 1;
		vs_golden_gen_nd_opts(m + 40, 2, router_mac, serial);
		break;
	case VS_GOLDEN_GEN_IPV6_UDP:
	default:
		vs_golden_gen_udp_hdr(m, vs_golden_gen_sport(l), vs_golden_gen_dport(l), n);
		vs_golden_gen_pattern(m + 8, n - 8, serial);
		break;
	}
}

/* An IPv6 packet in the n bytes of p (zero): header, extension headers,
 * L4 message.  A kind that does not fill the frame leaves the rest as
 * Ethernet padding. */
static void vs_golden_gen_ipv6(const struct vs_golden_gen_line *l, uint8_t *p, uint32_t n,
			       uint32_t serial)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)p, ph;
	int k = vs_golden_gen_kind_idx(l->kind);
	uint8_t proto = vs_golden_gen_kinds[k].proto;
	uint32_t ext_len = 8u * l->n_ext;
	uint32_t plen = vs_golden_gen_kinds[k].fills ? n - 40 : ext_len + vs_golden_gen_kinds[k].l4_min;
	uint32_t l4n = plen - ext_len;
	uint8_t *e = p + 40, *l4 = p + 40 + ext_len;
	uint16_t c;

	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)plen);
	ip->proto = l->n_ext ? l->ext[0] : proto;
	/* neighbor discovery messages must come with 255 (RFC 4861) */
	ip->hop_limits = proto == VS_GOLDEN_GEN_PROTO_ICMPV6 && l->kind != VS_GOLDEN_GEN_ICMP6_ECHO
				 ? 255 : 64;
	vs_golden_gen_ipv6_addr(l->src, ip->src_addr);
	vs_golden_gen_ipv6_addr(l->dst, ip->dst_addr);
	for (unsigned int i = 0; i < l->n_ext; i++, e += 8) {
		e[0] = i + 1 < l->n_ext ? l->ext[i + 1] : proto;
		switch (l->ext[i]) {
		case 44: /* fragment: frag= offset, else an atomic fragment */
			if (l->frag > 0)
				vs_golden_gen_put16(e + 2, (uint16_t)l->frag);
			else if (l->frag == 0)
				e[3] = 1; /* more fragments */
			vs_golden_gen_put32(e + 4, serial);
			break;
		case 43: /* routing type 253 (experimental), no segments left */
			e[2] = 253;
			break;
		default: /* hop-by-hop or destination options: PadN */
			e[2] = 1;
			e[3] = 4;
			break;
		}
	}
	vs_golden_gen_ipv6_l4(l, l4, l4n, serial);
	/* The pseudo-header holds the upper-layer length and protocol, not
	 * the IPv6 header's when there are extension headers. */
	ph = *ip;
	ph.proto = proto;
	ph.payload_len = rte_cpu_to_be_16((uint16_t)l4n);
	c = rte_ipv6_udptcp_cksum(&ph, l4);
	memcpy(l4 + (proto == VS_GOLDEN_GEN_PROTO_UDP ? 6 : 2), &c, sizeof(c));
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
	case VS_GOLDEN_GEN_LLC:
		/* The 802.3 length counts the LLC PDU; bytes after it are pad. */
		type = (uint16_t)(l->lenfield >= 0 ? l->lenfield : (int)(l->len - l2));
		break;
	case VS_GOLDEN_GEN_RAW:
		type = l->ethertype;
		break;
	default:
		if (vs_golden_gen_nlb_kind(l->kind))
			type = vs_golden_gen_nlb_ethertype(l->kind);
		else
			type = vs_golden_gen_kind_ip(l->kind) == 4 ? RTE_ETHER_TYPE_IPV4
								    : RTE_ETHER_TYPE_IPV6;
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
	case VS_GOLDEN_GEN_LLC:
		p[0] = 0x42; /* DSAP/SSAP of spanning tree: a real LLC user */
		p[1] = 0x42;
		p[2] = 0x03; /* UI */
		vs_golden_gen_pattern(p + 3, pay - 3, serial);
		break;
	case VS_GOLDEN_GEN_RAW:
		vs_golden_gen_pattern(p, pay, serial);
		break;
	default:
		if (vs_golden_gen_nlb_kind(l->kind))
			vs_golden_gen_nlb_build(l, p, pay, serial);
		else if (vs_golden_gen_tcp_kind(l->kind))
			vs_golden_gen_tcp_build(l, p, pay, serial);
		else if (vs_golden_gen_kind_ip(l->kind) == 4)
			vs_golden_gen_ipv4(l, p, pay, serial);
		else
			vs_golden_gen_ipv6(l, p, pay, serial);
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
