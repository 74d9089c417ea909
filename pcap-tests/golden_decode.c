/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One-line frame decoder for the runner's diffs.  It exists so a failing
 * case reads like "tag vid 100, IPv4 10.0.0.1 > 10.0.0.2 UDP 1024 > 9"
 * instead of a hex dump; it trusts nothing in the frame and stops, saying
 * so, where the captured bytes end.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "golden.h"

struct out {
	char *buf;
	size_t size, used;
};

static void __attribute__((format(printf, 2, 3))) vs_golden_put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->used >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->size - o->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n < o->size - o->used ? (size_t)n : o->size - o->used - 1;
}

static uint16_t vs_golden_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void vs_golden_put_mac(struct out *o, const uint8_t *m)
{
	vs_golden_put(o, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static const char *vs_golden_proto_name(uint8_t p)
{
	switch (p) {
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 58: return "ICMPv6";
	default: return NULL;
	}
}

/* L4 ports for TCP and UDP; off is where the L4 header starts. */
static void vs_golden_put_l4(struct out *o, const uint8_t *f, uint32_t len, uint32_t off,
			     uint8_t proto, bool first_fragment)
{
	const char *name = vs_golden_proto_name(proto);

	if (name)
		vs_golden_put(o, " %s", name);
	else
		vs_golden_put(o, " proto %u", proto);
	if (!first_fragment)
		return;
	if (proto == 1 || proto == 2 || proto == 58) {
		/* IGMP types read as the RFCs write them: 0x16 is a v2 report */
		if (off < len)
			vs_golden_put(o, proto == 2 ? " type 0x%02x" : " type %u", f[off]);
		else
			vs_golden_put(o, " [type truncated]");
		return;
	}
	if (proto != 6 && proto != 17)
		return;
	if (off > len || len - off < 4) {
		vs_golden_put(o, " [ports truncated]");
		return;
	}
	vs_golden_put(o, " %u > %u", vs_golden_be16(f + off), vs_golden_be16(f + off + 2));
}

static void vs_golden_put_ipv4(struct out *o, const uint8_t *f, uint32_t len, uint32_t off)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	uint32_t ihl;
	uint16_t frag;

	if (off > len || len - off < 20) {
		vs_golden_put(o, " IPv4 [header truncated]");
		return;
	}
	inet_ntop(AF_INET, f + off + 12, s, sizeof(s));
	inet_ntop(AF_INET, f + off + 16, d, sizeof(d));
	ihl = (uint32_t)(f[off] & 0x0f) * 4;
	frag = vs_golden_be16(f + off + 6);
	vs_golden_put(o, " IPv4 %s > %s len %u ttl %u", s, d, vs_golden_be16(f + off + 2),
		      f[off + 8]);
	if (frag & 0x3fff)
		vs_golden_put(o, " frag off %u%s", (frag & 0x1fff) * 8u, frag & 0x2000 ? " MF" : "");
	if (ihl < 20) {
		vs_golden_put(o, " [bad ihl %u]", ihl);
		return;
	}
	vs_golden_put_l4(o, f, len, off + ihl, f[off + 9], (frag & 0x1fff) == 0);
}

static void vs_golden_put_ipv6(struct out *o, const uint8_t *f, uint32_t len, uint32_t off)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	uint32_t ext_len;
	uint16_t frag;
	bool first = true;
	uint8_t nh;
	int n;

	if (off > len || len - off < 40) {
		vs_golden_put(o, " IPv6 [header truncated]");
		return;
	}
	inet_ntop(AF_INET6, f + off + 8, s, sizeof(s));
	inet_ntop(AF_INET6, f + off + 24, d, sizeof(d));
	vs_golden_put(o, " IPv6 %s > %s plen %u hlim %u", s, d, vs_golden_be16(f + off + 4),
		      f[off + 7]);
	/* Hop-by-hop, routing, fragment and destination options headers are
	 * named and walked (a few, as far as the bytes go); others end the
	 * walk and show as the protocol they are. */
	nh = f[off + 6];
	off += 40;
	for (n = 0; n < 8 && (nh == 0 || nh == 43 || nh == 44 || nh == 60); n++) {
		if (len - off < 8) {
			vs_golden_put(o, " [extension header truncated]");
			return;
		}
		if (nh == 44) {
			frag = vs_golden_be16(f + off + 2);
			vs_golden_put(o, " frag off %u%s", frag & 0xfff8u, frag & 1 ? " MF" : "");
			first = (frag & 0xfff8) == 0;
			nh = f[off];
			off += 8;
			continue;
		}
		vs_golden_put(o, " %s", nh == 0 ? "hbh" : nh == 43 ? "rt" : "dst");
		ext_len = ((uint32_t)f[off + 1] + 1) * 8;
		nh = f[off];
		if (len - off < ext_len) {
			vs_golden_put(o, " [extension header truncated]");
			return;
		}
		off += ext_len;
	}
	vs_golden_put_l4(o, f, len, off, nh, first);
}

void vs_golden_decode(const uint8_t *f, uint32_t len, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	uint32_t off = 12;
	uint16_t type;
	unsigned int tags = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (len < 14) {
		vs_golden_put(&o, "runt, %u bytes:", len);
		for (uint32_t i = 0; i < len; i++)
			vs_golden_put(&o, " %02x", f[i]);
		return;
	}
	vs_golden_put_mac(&o, f + 6);
	vs_golden_put(&o, " > ");
	vs_golden_put_mac(&o, f);
	type = vs_golden_be16(f + off);
	/* 802.1ad S-tags (0x88a8), 802.1Q C-tags (0x8100) and the old
	 * pre-standard QinQ TPID 0x9100, stacked in any order. */
	while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) && tags < 8) {
		uint16_t tci;

		if (len - off < 6) {
			vs_golden_put(&o, ", tag 0x%04x [truncated]", type);
			return;
		}
		tci = vs_golden_be16(f + off + 2);
		vs_golden_put(&o, ", %s pcp %u dei %u vid %u",
			      type == 0x8100 ? "802.1Q" : type == 0x88a8 ? "802.1ad" : "tag 0x9100",
			      tci >> 13, (tci >> 12) & 1u, tci & 0x0fffu);
		off += 4;
		type = vs_golden_be16(f + off);
		tags++;
	}
	off += 2;
	if (type <= 1500) {
		vs_golden_put(&o, ", 802.3 length %u (payload %u)", type, len - off);
		if (len - off >= 3)
			vs_golden_put(&o, " llc %02x>%02x ctl %02x", f[off + 1], f[off], f[off + 2]);
		return;
	}
	vs_golden_put(&o, ", type 0x%04x", type);
	switch (type) {
	case 0x0800:
		vs_golden_put_ipv4(&o, f, len, off);
		break;
	case 0x86dd:
		vs_golden_put_ipv6(&o, f, len, off);
		break;
	case 0x0806:
		if (len - off >= 8)
			vs_golden_put(&o, " ARP op %u", vs_golden_be16(f + off + 6));
		else
			vs_golden_put(&o, " ARP [truncated]");
		break;
	case 0x886f: /* NLB heartbeat: the cluster IP is what a switch keys on */
		if (len - off >= 16)
			vs_golden_put(&o, " NLB heartbeat cluster %u.%u.%u.%u", f[off + 12],
				      f[off + 13], f[off + 14], f[off + 15]);
		else
			vs_golden_put(&o, " NLB heartbeat [truncated]");
		break;
	default:
		break;
	}
	vs_golden_put(&o, ", %u bytes", len);
}
