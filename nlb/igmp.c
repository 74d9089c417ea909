/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IGMP v1/v2/v3 parsing for snooping (RFC 1112, 2236, 3376), on workers.
 *
 * Guest-controlled fields and their bounds:
 *   IPv4 version/IHL        4 / 5..15, IHL*4 ≤ total length ≤ bytes held
 *   fragment                MF clear and offset 0, else refused
 *   IGMP length             total length - IHL*4 ≥ 8 (v3 query ≥ 12,
 *                           v3 report ≥ 8 + each record's size)
 *   v3 record               8 + 4*sources + 4*aux words, inside the message
 *   checksum                over the whole IGMP message
 */
#include <string.h>

#include <rte_ip.h>

#include "nlb.h"

#define IGMP_QUERY 0x11
#define IGMP_V1_REPORT 0x12
#define IGMP_V2_REPORT 0x16
#define IGMP_V2_LEAVE 0x17
#define IGMP_V3_REPORT 0x22

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RFC 3376 §4.1.1: codes from 128 are a mantissa and an exponent. */
static uint32_t
v3_code(uint8_t c)
{
	if (c < 128)
		return c;
	return (uint32_t)((c & 0x0f) | 0x10) << (((c >> 4) & 0x07) + 3);
}

static bool
is_multicast(uint32_t g)
{
	return (g >> 28) == 0xe;
}

static enum vs_nlb_igmp_error
add_group(struct vs_nlb_igmp *out, uint32_t group, bool join)
{
	if (!is_multicast(group))
		return VS_IGMP_BAD_GROUP;
	if (out->n == VS_NLB_IGMP_MAX_GROUPS) {
		out->truncated++;
		return VS_IGMP_OK;
	}
	out->g[out->n].group = group;
	out->g[out->n++].join = join;
	return VS_IGMP_OK;
}

static enum vs_nlb_igmp_error
v3_report(const uint8_t *m, uint32_t len, struct vs_nlb_igmp *out)
{
	uint32_t nrec = (uint32_t)m[6] << 8 | m[7], at = 8;

	for (uint32_t r = 0; r < nrec; r++) {
		uint8_t type;
		uint32_t nsrc, size, group;
		enum vs_nlb_igmp_error e = VS_IGMP_OK;

		if (len - at < 8)
			return VS_IGMP_SHORT;
		type = m[at];
		nsrc = (uint32_t)m[at + 2] << 8 | m[at + 3];
		size = 8 + 4 * nsrc + 4u * m[at + 1];
		if (len - at < size)
			return VS_IGMP_SHORT;
		group = be32(m + at + 4);
		switch (type) {
		case 2: /* MODE_IS_EXCLUDE */
		case 4: /* CHANGE_TO_EXCLUDE_MODE */
			e = add_group(out, group, true);
			break;
		case 1: /* MODE_IS_INCLUDE */
		case 3: /* CHANGE_TO_INCLUDE_MODE */
			e = add_group(out, group, nsrc > 0);
			break;
		case 5: /* ALLOW_NEW_SOURCES */
			if (nsrc > 0)
				e = add_group(out, group, true);
			break;
		case 6: /* BLOCK_OLD_SOURCES: the rest of the sources stay */
			if (!is_multicast(group))
				e = VS_IGMP_BAD_GROUP;
			break;
		default:
			return VS_IGMP_BAD_TYPE;
		}
		if (e != VS_IGMP_OK)
			return e;
		at += size;
	}
	return VS_IGMP_OK;
}

enum vs_nlb_igmp_error
vs_nlb_igmp_parse(const uint8_t *ip, uint32_t len, struct vs_nlb_igmp *out)
{
	uint32_t ihl, tot, mlen;
	const uint8_t *m;

	memset(out, 0, sizeof(*out));
	if (len < 20 || (ip[0] >> 4) != 4)
		return VS_IGMP_BAD_IP;
	if (ip[9] != IPPROTO_IGMP)
		return VS_IGMP_NOT_IGMP;
	ihl = (ip[0] & 0x0f) * 4u;
	tot = (uint32_t)ip[2] << 8 | ip[3];
	if (ihl < 20 || tot < ihl || tot > len || (((uint32_t)ip[6] << 8 | ip[7]) & 0x3fff) != 0)
		return VS_IGMP_BAD_IP;
	m = ip + ihl;
	mlen = tot - ihl;
	if (mlen < 8)
		return VS_IGMP_SHORT;
	if (rte_raw_cksum(m, mlen) != 0xffff)
		return VS_IGMP_BAD_CSUM;
	out->robustness = 2;
	out->query_interval_s = 125;
	switch (m[0]) {
	case IGMP_QUERY:
		out->kind = VS_IGMP_QUERY;
		out->group = be32(m + 4);
		if (out->group != 0 && !is_multicast(out->group))
			return VS_IGMP_BAD_GROUP;
		if (mlen >= 12) {
			out->version = 3;
			out->max_resp_ms = v3_code(m[1]) * 100u;
			if (m[8] & 0x07)
				out->robustness = m[8] & 0x07;
			if (m[9] != 0)
				out->query_interval_s = v3_code(m[9]);
		} else {
			/* v1 queries carry no time: 10 s (RFC 2236 §4). */
			out->version = m[1] == 0 ? 1 : 2;
			out->max_resp_ms = (m[1] == 0 ? 100u : m[1]) * 100u;
		}
		return VS_IGMP_OK;
	case IGMP_V1_REPORT:
	case IGMP_V2_REPORT:
	case IGMP_V2_LEAVE:
		out->kind = VS_IGMP_REPORT;
		out->version = m[0] == IGMP_V1_REPORT ? 1 : 2;
		return add_group(out, be32(m + 4), m[0] != IGMP_V2_LEAVE);
	case IGMP_V3_REPORT:
		out->kind = VS_IGMP_REPORT;
		out->version = 3;
		return v3_report(m, mlen, out);
	default:
		return VS_IGMP_BAD_TYPE;
	}
}
