/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vs-casegen's NLB frames: the heartbeat Windows NLB hosts exchange and the
 * IGMP messages whose snooping makes an IGMP-mode cluster's members.
 *
 * Heartbeat (EtherType 0x886F), the layout Wireshark's MS NLB dissector
 * decodes; integers are little-endian, addresses big-endian:
 *    0  signature 0xC0DE01BF (cluster membership heartbeat)
 *    4  version
 *    8  unique host id              host=
 *   12  cluster IP                  cluster=   (what a switch keys on)
 *   16  dedicated IP                the source MAC's address
 *   20  my host id, default host id, convergence state, port rules (16 bits
 *       each), unique host code, packets handled (32 bits: the serial)
 *   36  the port rules, load maps and weights: zero up to the frame's end
 *
 * IGMP (RFC 1112, 2236, 3376): an IPv4 header with the router alert option
 * (RFC 2113), TTL 1, precedence internetwork control and DF, as Linux sends
 * every version; the serial is the IP identification.  The IP destination
 * is the one the RFCs give each message, whatever the frame's MAC: the
 * group for v1/v2 reports and group queries, 224.0.0.2 for a leave,
 * 224.0.0.1 for a general query, 224.0.0.22 for a v3 report.  The messages
 * have their own length; the rest of the frame is Ethernet padding.
 * csum=bad spoils the IGMP checksum (the IP header's stays right), for
 * cases that prove a switch snoops only what a host would accept.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>

#include "casegen_priv.h"

#define VS_GOLDEN_GEN_NLB_ETHERTYPE 0x886F
#define VS_GOLDEN_GEN_NLB_SIGNATURE 0xC0DE01BFu
#define VS_GOLDEN_GEN_NLB_VERSION 0x0204u /* 2.4; receivers do not look at it */
#define VS_GOLDEN_GEN_NLB_HB_LEN 36

#define VS_GOLDEN_GEN_IGMP_IP_LEN 24 /* IPv4 header with router alert */
#define VS_GOLDEN_GEN_ALL_HOSTS 0xE0000001u   /* 224.0.0.1 */
#define VS_GOLDEN_GEN_ALL_ROUTERS 0xE0000002u /* 224.0.0.2 */
#define VS_GOLDEN_GEN_IGMP3_RTRS 0xE0000016u  /* 224.0.0.22 */

static const struct {
	const char *name;
	enum vs_golden_gen_kind kind;
	uint8_t type; /* IGMP message type; 0 for the heartbeat */
} vs_golden_gen_nlb_kinds[] = {
	{ "nlb-heartbeat", VS_GOLDEN_GEN_NLB_HEARTBEAT, 0 },
	{ "igmp1-report", VS_GOLDEN_GEN_IGMP1_REPORT, 0x12 },
	{ "igmp2-report", VS_GOLDEN_GEN_IGMP2_REPORT, 0x16 },
	{ "igmp2-leave", VS_GOLDEN_GEN_IGMP2_LEAVE, 0x17 },
	{ "igmp-query", VS_GOLDEN_GEN_IGMP_QUERY, 0x11 },
	{ "igmp3-query", VS_GOLDEN_GEN_IGMP3_QUERY, 0x11 },
	{ "igmp3-report", VS_GOLDEN_GEN_IGMP3_REPORT, 0x22 },
};

#define VS_GOLDEN_GEN_N_NLB_KINDS \
	(sizeof(vs_golden_gen_nlb_kinds) / sizeof(vs_golden_gen_nlb_kinds[0]))

/* RFC 3376 §4.2.12 record types, by their RFC abbreviations; join and
 * leave are what a host's socket calls send (§5.1). */
static const struct {
	const char *name;
	uint8_t type;
} vs_golden_gen_rec_types[] = {
	{ "is_in", 1 }, { "is_ex", 2 }, { "to_in", 3 }, { "to_ex", 4 },
	{ "allow", 5 }, { "block", 6 }, { "join", 4 },  { "leave", 3 },
};

int vs_golden_gen_nlb_kind_parse(const char *s, enum vs_golden_gen_kind *k)
{
	for (unsigned int i = 0; i < VS_GOLDEN_GEN_N_NLB_KINDS; i++)
		if (strcmp(s, vs_golden_gen_nlb_kinds[i].name) == 0) {
			*k = vs_golden_gen_nlb_kinds[i].kind;
			return 0;
		}
	return -1;
}

bool vs_golden_gen_nlb_kind(enum vs_golden_gen_kind k)
{
	return k >= VS_GOLDEN_GEN_NLB_HEARTBEAT && k <= VS_GOLDEN_GEN_IGMP3_REPORT;
}

static bool vs_golden_gen_is_igmp(enum vs_golden_gen_kind k)
{
	return k >= VS_GOLDEN_GEN_IGMP1_REPORT && k <= VS_GOLDEN_GEN_IGMP3_REPORT;
}

static bool vs_golden_gen_is_query(enum vs_golden_gen_kind k)
{
	return k == VS_GOLDEN_GEN_IGMP_QUERY || k == VS_GOLDEN_GEN_IGMP3_QUERY;
}

static int vs_golden_gen_ipv4_parse(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*out = ntohl(a.s_addr);
	return 0;
}

static int vs_golden_gen_small_uint(const char *s, unsigned long max, int32_t *out)
{
	char *end;
	unsigned long v;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = (int32_t)v;
	return 0;
}

/* rec=TYPE[@GROUP][/NSRC] */
static int vs_golden_gen_parse_rec(const char *s, struct vs_golden_gen_line *l)
{
	struct vs_golden_gen_rec r = { 0 };
	char buf[64], *at, *slash;
	unsigned int i;
	int32_t n;

	if (l->n_rec == VS_GOLDEN_GEN_MAX_REC || snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -EINVAL;
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		/* a record's sources must fit one frame with its siblings */
		if (vs_golden_gen_small_uint(slash + 1, 256, &n) < 0)
			return -EINVAL;
		r.nsrc = (uint16_t)n;
	}
	at = strchr(buf, '@');
	if (at) {
		*at = '\0';
		if (vs_golden_gen_ipv4_parse(at + 1, &r.group) < 0 || r.group == 0)
			return -EINVAL;
	}
	for (i = 0; i < sizeof(vs_golden_gen_rec_types) / sizeof(vs_golden_gen_rec_types[0]); i++)
		if (strcmp(buf, vs_golden_gen_rec_types[i].name) == 0)
			break;
	if (i == sizeof(vs_golden_gen_rec_types) / sizeof(vs_golden_gen_rec_types[0]))
		return -EINVAL;
	r.type = vs_golden_gen_rec_types[i].type;
	l->rec[l->n_rec++] = r;
	return 0;
}

int vs_golden_gen_nlb_option(const char *t, struct vs_golden_gen_line *l)
{
	if (strncmp(t, "cluster=", 8) == 0)
		return vs_golden_gen_ipv4_parse(t + 8, &l->cluster_ip) < 0 || l->cluster_ip == 0
			       ? -EINVAL : 0;
	if (strncmp(t, "group=", 6) == 0)
		return vs_golden_gen_ipv4_parse(t + 6, &l->group) < 0 || l->group == 0 ? -EINVAL
										       : 0;
	if (strncmp(t, "host=", 5) == 0)
		return vs_golden_gen_small_uint(t + 5, 32, &l->host) < 0 || l->host == 0 ? -EINVAL
											  : 0;
	if (strncmp(t, "mrt=", 4) == 0)
		return vs_golden_gen_small_uint(t + 4, 255, &l->mrt);
	if (strncmp(t, "qrv=", 4) == 0)
		return vs_golden_gen_small_uint(t + 4, 7, &l->qrv);
	if (strncmp(t, "qqic=", 5) == 0)
		return vs_golden_gen_small_uint(t + 5, 255, &l->qqic);
	if (strcmp(t, "csum=bad") == 0) {
		l->bad_csum = true;
		return 0;
	}
	if (strncmp(t, "rec=", 4) == 0)
		return vs_golden_gen_parse_rec(t + 4, l);
	return 1;
}

const char *vs_golden_gen_nlb_check(const struct vs_golden_gen_line *l)
{
	bool igmp = vs_golden_gen_is_igmp(l->kind);

	if ((l->cluster_ip || l->host >= 0) && l->kind != VS_GOLDEN_GEN_NLB_HEARTBEAT)
		return "cluster= and host= are for nlb-heartbeat";
	if (l->kind == VS_GOLDEN_GEN_NLB_HEARTBEAT && l->cluster_ip == 0)
		return "nlb-heartbeat needs cluster=, the cluster IP it carries";
	if ((l->group || l->bad_csum) && !igmp)
		return "group= and csum=bad are for IGMP messages";
	if (l->mrt >= 0 && !vs_golden_gen_is_query(l->kind))
		return "mrt= is for igmp-query and igmp3-query";
	if ((l->qrv >= 0 || l->qqic >= 0) && l->kind != VS_GOLDEN_GEN_IGMP3_QUERY)
		return "qrv= and qqic= are for igmp3-query";
	if (l->n_rec && l->kind != VS_GOLDEN_GEN_IGMP3_REPORT)
		return "rec= is for igmp3-report";
	if (igmp && !vs_golden_gen_is_query(l->kind) && l->group == 0) {
		/* A v3 report's records may each name their own group. */
		bool all_named = l->kind == VS_GOLDEN_GEN_IGMP3_REPORT && l->n_rec > 0;

		for (unsigned int i = 0; i < l->n_rec; i++)
			all_named &= l->rec[i].group != 0;
		if (!all_named)
			return "the report needs group= (or rec=TYPE@GROUP)";
	}
	return NULL;
}

/* Bytes of the IGMP message of l. */
static uint32_t vs_golden_gen_igmp_len(const struct vs_golden_gen_line *l)
{
	uint32_t n = 8;

	if (l->kind == VS_GOLDEN_GEN_IGMP3_QUERY)
		return 12;
	if (l->kind != VS_GOLDEN_GEN_IGMP3_REPORT)
		return 8;
	if (l->n_rec == 0)
		return n + 8; /* one CHANGE_TO_EXCLUDE record of group= */
	for (unsigned int i = 0; i < l->n_rec; i++)
		n += 8 + 4u * l->rec[i].nsrc;
	return n;
}

uint32_t vs_golden_gen_nlb_min_payload(const struct vs_golden_gen_line *l)
{
	if (l->kind == VS_GOLDEN_GEN_NLB_HEARTBEAT)
		return VS_GOLDEN_GEN_NLB_HB_LEN;
	return VS_GOLDEN_GEN_IGMP_IP_LEN + vs_golden_gen_igmp_len(l);
}

uint16_t vs_golden_gen_nlb_ethertype(enum vs_golden_gen_kind k)
{
	return k == VS_GOLDEN_GEN_NLB_HEARTBEAT ? VS_GOLDEN_GEN_NLB_ETHERTYPE : 0x0800;
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

static void vs_golden_gen_le16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void vs_golden_gen_le32(uint8_t *p, uint32_t v)
{
	vs_golden_gen_le16(p, v);
	vs_golden_gen_le16(p + 2, v >> 16);
}

/* The address the other templates give a unicast MAC: 10.x.y.z from its
 * last three bytes. */
static uint32_t vs_golden_gen_mac_ipv4(const uint8_t *mac)
{
	return 10u << 24 | (uint32_t)mac[3] << 16 | (uint32_t)mac[4] << 8 | mac[5];
}

static void vs_golden_gen_heartbeat(const struct vs_golden_gen_line *l, uint8_t *p,
				    uint32_t serial)
{
	uint32_t host = l->host > 0 ? (uint32_t)l->host : 1;

	vs_golden_gen_le32(p, VS_GOLDEN_GEN_NLB_SIGNATURE);
	vs_golden_gen_le32(p + 4, VS_GOLDEN_GEN_NLB_VERSION);
	vs_golden_gen_le32(p + 8, host);
	vs_golden_gen_be32(p + 12, l->cluster_ip);
	vs_golden_gen_be32(p + 16, vs_golden_gen_mac_ipv4(l->src));
	vs_golden_gen_le16(p + 20, host); /* my host id */
	vs_golden_gen_le16(p + 22, 1);    /* default host: priority 1 */
	vs_golden_gen_le32(p + 32, serial); /* packets handled */
}

/* The IGMP message of l into m (zero), checksum included; returns the IP
 * destination. */
static uint32_t vs_golden_gen_igmp(const struct vs_golden_gen_line *l, uint8_t *m, uint32_t n)
{
	uint32_t dst = l->group;
	uint16_t c;

	for (unsigned int i = 0; i < VS_GOLDEN_GEN_N_NLB_KINDS; i++)
		if (vs_golden_gen_nlb_kinds[i].kind == l->kind)
			m[0] = vs_golden_gen_nlb_kinds[i].type;
	switch (l->kind) {
	case VS_GOLDEN_GEN_IGMP_QUERY:
	case VS_GOLDEN_GEN_IGMP3_QUERY:
		m[1] = (uint8_t)(l->mrt >= 0 ? l->mrt : 100); /* 10 s */
		vs_golden_gen_be32(m + 4, l->group);
		if (l->group == 0)
			dst = VS_GOLDEN_GEN_ALL_HOSTS;
		if (l->kind == VS_GOLDEN_GEN_IGMP3_QUERY) {
			m[8] = (uint8_t)(l->qrv >= 0 ? l->qrv : 2);
			m[9] = (uint8_t)(l->qqic >= 0 ? l->qqic : 125);
		}
		break;
	case VS_GOLDEN_GEN_IGMP2_LEAVE:
		vs_golden_gen_be32(m + 4, l->group);
		dst = VS_GOLDEN_GEN_ALL_ROUTERS;
		break;
	case VS_GOLDEN_GEN_IGMP3_REPORT: {
		uint8_t *r = m + 8;

		vs_golden_gen_be16(m + 6, l->n_rec ? l->n_rec : 1);
		if (l->n_rec == 0) {
			r[0] = 4; /* CHANGE_TO_EXCLUDE_MODE, no sources: a join */
			vs_golden_gen_be32(r + 4, l->group);
		}
		for (unsigned int i = 0; i < l->n_rec; i++) {
			r[0] = l->rec[i].type;
			vs_golden_gen_be16(r + 2, l->rec[i].nsrc);
			vs_golden_gen_be32(r + 4, l->rec[i].group ? l->rec[i].group : l->group);
			for (unsigned int s = 0; s < l->rec[i].nsrc; s++)
				vs_golden_gen_be32(r + 8 + 4 * s, 10u << 24 | (s + 1));
			r += 8 + 4u * l->rec[i].nsrc;
		}
		dst = VS_GOLDEN_GEN_IGMP3_RTRS;
		break;
	}
	default: /* v1 and v2 reports */
		vs_golden_gen_be32(m + 4, l->group);
		break;
	}
	c = (uint16_t)~rte_raw_cksum(m, n);
	/* 0x0101 apart is never the other zero of ones' complement. */
	if (l->bad_csum)
		c ^= 0x0101;
	memcpy(m + 2, &c, sizeof(c)); /* rte_raw_cksum sums in memory order */
	return dst;
}

static void vs_golden_gen_igmp_ipv4(const struct vs_golden_gen_line *l, uint8_t *p,
				    uint32_t serial)
{
	uint32_t n = vs_golden_gen_igmp_len(l), dst;
	uint16_t frag = 0x4000, c; /* DF */

	if (l->frag == 0)
		frag = 0x2000; /* MF: the first fragment */
	else if (l->frag > 0)
		frag = (uint16_t)(l->frag / 8);
	p[0] = 0x46; /* IPv4, 24-byte header */
	p[1] = 0xc0; /* precedence internetwork control */
	vs_golden_gen_be16(p + 2, VS_GOLDEN_GEN_IGMP_IP_LEN + n);
	vs_golden_gen_be16(p + 4, serial);
	vs_golden_gen_be16(p + 6, frag);
	p[8] = 1; /* TTL: IGMP never leaves the link */
	p[9] = 2; /* IGMP */
	vs_golden_gen_be32(p + 12, vs_golden_gen_mac_ipv4(l->src));
	p[20] = 0x94; /* router alert, RFC 2113: value 0, "examine this" */
	p[21] = 4;
	dst = vs_golden_gen_igmp(l, p + VS_GOLDEN_GEN_IGMP_IP_LEN, n);
	vs_golden_gen_be32(p + 16, dst);
	c = (uint16_t)~rte_raw_cksum(p, VS_GOLDEN_GEN_IGMP_IP_LEN);
	memcpy(p + 10, &c, sizeof(c));
}

void vs_golden_gen_nlb_build(const struct vs_golden_gen_line *l, uint8_t *p, uint32_t pay,
			     uint32_t serial)
{
	(void)pay; /* both have their own length; the rest stays zero */
	if (l->kind == VS_GOLDEN_GEN_NLB_HEARTBEAT)
		vs_golden_gen_heartbeat(l, p, serial);
	else
		vs_golden_gen_igmp_ipv4(l, p, serial);
}
