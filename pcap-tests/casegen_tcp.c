/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vs-casegen's TCP frames, the data of large sends and checksum requests,
 * and the checksum code every offload expectation rests on.
 *
 * ipv4-tcp and ipv6-tcp: TCP 40000 > 5201 (sport=, dport= change them)
 * with a 32-byte header as Linux sends it on an established connection
 * (data offset 8: NOP, NOP, timestamps), flags ACK and PSH, sequence
 * number 0x10000000 + serial * 0x10000, window 502; then a pattern that
 * fills the frame.  IPv4 with DF and TTL 64, the serial as identification;
 * IPv6 with hop limit 64.  Valid IPv4 header and TCP checksums.
 *
 * The checksums here are RFC 1071 written out again, on purpose: the
 * switch computes its own with DPDK's rte_ip helpers (offload/), and a
 * golden case whose expectations came from the same code would prove
 * nothing about it.
 */
#include <string.h>

#include "casegen_priv.h"

#define VS_GOLDEN_GEN_TCP_SPORT 40000
#define VS_GOLDEN_GEN_TCP_DPORT 5201 /* iperf3's */
#define VS_GOLDEN_GEN_TCP_HLEN 32    /* 20 + NOP, NOP, timestamps (10) */
#define VS_GOLDEN_GEN_TCP_ACK 0x10
#define VS_GOLDEN_GEN_TCP_PSH 0x08

int vs_golden_gen_tcp_kind_parse(const char *s, enum vs_golden_gen_kind *k)
{
	if (strcmp(s, "ipv4-tcp") == 0)
		*k = VS_GOLDEN_GEN_IPV4_TCP;
	else if (strcmp(s, "ipv6-tcp") == 0)
		*k = VS_GOLDEN_GEN_IPV6_TCP;
	else
		return -1;
	return 0;
}

bool vs_golden_gen_tcp_kind(enum vs_golden_gen_kind k)
{
	return k == VS_GOLDEN_GEN_IPV4_TCP || k == VS_GOLDEN_GEN_IPV6_TCP;
}

uint32_t vs_golden_gen_tcp_min_payload(const struct vs_golden_gen_line *l)
{
	return (l->kind == VS_GOLDEN_GEN_IPV4_TCP ? 20u : 40u) + VS_GOLDEN_GEN_TCP_HLEN;
}

uint16_t vs_golden_gen_sum(const uint8_t *p, uint32_t n, uint32_t sum)
{
	uint64_t s = sum;
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8; /* padded with a zero byte */
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

uint16_t vs_golden_gen_phdr_sum(const uint8_t *ip, bool v6, uint8_t proto, uint32_t l4_len)
{
	uint8_t ph[40];

	/* RFC 793 §3.1 / RFC 8200 §8.1; the order of the words does not
	 * change a one's complement sum, so both are summed as laid out. */
	memset(ph, 0, sizeof(ph));
	if (!v6) {
		memcpy(ph, ip + 12, 8); /* source, destination */
		ph[9] = proto;
		ph[10] = (uint8_t)(l4_len >> 8);
		ph[11] = (uint8_t)l4_len;
		return vs_golden_gen_sum(ph, 12, 0);
	}
	memcpy(ph, ip + 8, 32);
	ph[34] = (uint8_t)(l4_len >> 8);
	ph[35] = (uint8_t)l4_len;
	ph[39] = proto;
	return vs_golden_gen_sum(ph, 40, 0);
}

void vs_golden_gen_fix_cksums(uint8_t *ip, bool v6)
{
	uint32_t hl = v6 ? 40u : (ip[0] & 0xfu) * 4u;
	uint32_t len = v6 ? 40u + (uint32_t)(ip[4] << 8 | ip[5]) : (uint32_t)(ip[2] << 8 | ip[3]);
	uint8_t proto = v6 ? ip[6] : ip[9];
	uint8_t *l4 = ip + hl;
	uint32_t at = proto == 17 ? 6 : 16;
	uint16_t c;

	l4[at] = l4[at + 1] = 0;
	c = (uint16_t)~vs_golden_gen_sum(l4, len - hl,
					 vs_golden_gen_phdr_sum(ip, v6, proto, len - hl));
	if (c == 0 && proto == 17)
		c = 0xffff; /* UDP: 0 means "no checksum" (RFC 768) */
	l4[at] = (uint8_t)(c >> 8);
	l4[at + 1] = (uint8_t)c;
	if (v6)
		return;
	ip[10] = ip[11] = 0;
	c = (uint16_t)~vs_golden_gen_sum(ip, hl, 0);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

static void vs_golden_gen_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void vs_golden_gen_be32(uint8_t *p, uint32_t v)
{
	vs_golden_gen_be16(p, v >> 16);
	vs_golden_gen_be16(p + 2, v);
}

void vs_golden_gen_tcp_build(const struct vs_golden_gen_line *l, uint8_t *p, uint32_t pay,
			     uint32_t serial)
{
	bool v6 = l->kind == VS_GOLDEN_GEN_IPV6_TCP;
	uint32_t hl = v6 ? 40u : 20u;
	uint8_t *t = p + hl;

	if (v6) {
		p[0] = 0x60;
		vs_golden_gen_be16(p + 4, pay - 40);
		p[6] = 6;
		p[7] = 64;
		vs_golden_gen_ipv6_addr(l->src, p + 8);
		vs_golden_gen_ipv6_addr(l->dst, p + 24);
	} else {
		p[0] = 0x45;
		vs_golden_gen_be16(p + 2, pay);
		vs_golden_gen_be16(p + 4, serial);
		p[6] = 0x40; /* DF */
		p[8] = 64;
		p[9] = 6;
		vs_golden_gen_ipv4_addr(l->src, p + 12);
		vs_golden_gen_ipv4_addr(l->dst, p + 16);
	}
	vs_golden_gen_be16(t, l->sport >= 0 ? (uint32_t)l->sport : VS_GOLDEN_GEN_TCP_SPORT);
	vs_golden_gen_be16(t + 2, l->dport >= 0 ? (uint32_t)l->dport : VS_GOLDEN_GEN_TCP_DPORT);
	vs_golden_gen_be32(t + 4, 0x10000000u + serial * 0x10000u);
	vs_golden_gen_be32(t + 8, 1);
	t[12] = (VS_GOLDEN_GEN_TCP_HLEN / 4) << 4;
	t[13] = VS_GOLDEN_GEN_TCP_ACK | VS_GOLDEN_GEN_TCP_PSH;
	vs_golden_gen_be16(t + 14, 502);
	t[20] = 1; /* NOP, NOP, timestamps: value and echo */
	t[21] = 1;
	t[22] = 8;
	t[23] = 10;
	vs_golden_gen_be32(t + 24, 1000000u + serial);
	vs_golden_gen_be32(t + 28, 999000u);
	vs_golden_gen_pattern(t + VS_GOLDEN_GEN_TCP_HLEN, pay - hl - VS_GOLDEN_GEN_TCP_HLEN, serial);
	vs_golden_gen_fix_cksums(p, v6);
}
