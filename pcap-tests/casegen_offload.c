/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vs-casegen: frames a guest sends with transmit offload requests, and
 * what each egress port must get from them.
 *
 * lso=MSS (ipv4-tcp, ipv6-tcp): the guest hands the frame over as an LSOv2
 *   superframe, the way Linux's hv_netvsc does (netvsc_xmit): IPv4 total
 *   length and header checksum 0 (IPv6: payload length 0), the TCP
 *   checksum field holding the pseudo-header sum with a length of 0,
 *   uncomplemented; the LSO per-packet info names the MSS, the TCP
 *   header's offset and the IP version.
 * csum=tcp|udp (ipv4-tcp, ipv6-tcp, ipv4-udp, ipv6-udp; the frame's own
 *   protocol): a checksum request (CHECKSUM_PARTIAL): the L4 checksum
 *   field holds the pseudo-header sum with the L4 length, uncomplemented;
 *   the IPv4 header checksum is right (Linux always computes it, and
 *   hv_netvsc never asks for it); the checksum per-packet info names the
 *   IP version, the protocol and the L4 header's offset.
 * Only a netvsc port's guest sends per-packet info: the runner reads it
 * from in/ppi.json, which this file writes beside in/<port>.pcap.
 *
 * Every output of such a line says how the frame leaves the port:
 *   port:sw  the switch did the work: a superframe leaves as its MSS-sized
 *            segments (headers copied; IPv4 ids counting up from the
 *            superframe's; sequence numbers following the payload; PSH and
 *            FIN only on the last, CWR only on the first; lengths and both
 *            checksums per segment), a checksum request as the frame with
 *            its checksum; no request is left in the mbuf;
 *   port:hw  the port does it (a ring port that can): the frame leaves
 *            whole as the switch holds it: the superframe with the IP length
 *            the host writes back (netvsp/rx_rndis.c), the checksum fields as
 *            the guest left them, which is what DPDK asks of a frame handed
 *            to a device for TSO or checksum offload (the pseudo-header
 *            sum, without the length for TSO; IPv4 header checksum 0 with
 *            RTE_MBUF_F_TX_IP_CKSUM).  Its mbuf metadata goes to
 *            expect/offload.json: flags, l2_len (the tags it leaves with
 *            included), l3_len, l4_len and, for TSO, tso_segsz.
 * Every computed checksum comes from casegen_tcp.c's own RFC 1071 code.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "casegen_priv.h"
#include "golden.h"
#include "golden_priv.h"

#define VS_GOLDEN_GEN_TCP_FIN 0x01
#define VS_GOLDEN_GEN_TCP_PSH 0x08
#define VS_GOLDEN_GEN_TCP_CWR 0x80
/* hv_netvsc's largest superframe: NDIS LSO's 62780 bytes plus 14. */
#define VS_GOLDEN_GEN_LSO_MAX 62794u

int vs_golden_gen_ol_option(const char *t, struct vs_golden_gen_line *l)
{
	char *end;
	unsigned long v;

	if (strncmp(t, "lso=", 4) == 0) {
		v = strtoul(t + 4, &end, 10);
		if (end == t + 4 || *end || v == 0 || v > 9000)
			return -EINVAL;
		l->lso_mss = (uint32_t)v;
		return 0;
	}
	if (strcmp(t, "csum=tcp") == 0 || strcmp(t, "csum=udp") == 0) {
		l->csum_proto = t[5] == 't' ? 6 : 17;
		return 0;
	}
	return 1;
}

static uint32_t vs_golden_gen_ol_l2(const struct vs_golden_gen_line *l)
{
	return 14u + 4u * l->n_tags;
}

static bool vs_golden_gen_ol_v6(const struct vs_golden_gen_line *l)
{
	return l->kind == VS_GOLDEN_GEN_IPV6_TCP || l->kind == VS_GOLDEN_GEN_IPV6_UDP;
}

/* The L4 header's length in l's frames: TCP's 32 (casegen_tcp.c), UDP's 8. */
static uint32_t vs_golden_gen_ol_l4(const struct vs_golden_gen_line *l)
{
	return vs_golden_gen_tcp_kind(l->kind) ? 32u : 8u;
}

const char *vs_golden_gen_ol_check(const struct vs_golden_gen_line *l)
{
	bool tcp = vs_golden_gen_tcp_kind(l->kind);
	bool udp = l->kind == VS_GOLDEN_GEN_IPV4_UDP || l->kind == VS_GOLDEN_GEN_IPV6_UDP;
	uint32_t hdr = vs_golden_gen_ol_l2(l) + (vs_golden_gen_ol_v6(l) ? 40u : 20u) +
		       vs_golden_gen_ol_l4(l);

	if (tcp && (l->n_ext || l->frag >= 0))
		return "ext= and frag= are not for TCP frames";
	if (!l->lso_mss && !l->csum_proto)
		return NULL;
	if (l->lso_mss && l->csum_proto)
		return "lso= implies the checksums: no csum= with it";
	if (l->lso_mss && !tcp)
		return "lso= is for ipv4-tcp and ipv6-tcp";
	if (l->csum_proto && !(tcp && l->csum_proto == 6) && !(udp && l->csum_proto == 17))
		return "csum= names the frame's own protocol (tcp or udp)";
	if (l->n_ext || l->frag >= 0 || l->trunc || l->repeat > 1)
		return "lso= and csum= take no ext=, frag=, trunc= or xN";
	if (l->len <= hdr)
		return "lso= and csum= need a payload";
	if (l->lso_mss && l->len - 4u * l->n_tags > VS_GOLDEN_GEN_LSO_MAX)
		return "an LSO superframe is at most 62794 bytes without its tags (NDIS)";
	return NULL;
}

void vs_golden_gen_ol_guest_form(const struct vs_golden_gen_line *l, const uint8_t *buf,
				 uint8_t *gbuf)
{
	bool v6 = vs_golden_gen_ol_v6(l);
	const uint8_t *bip = buf + vs_golden_gen_ol_l2(l);
	uint8_t *ip = gbuf + vs_golden_gen_ol_l2(l);
	uint32_t hl = v6 ? 40u : 20u;
	uint32_t l4len = v6 ? (uint32_t)(bip[4] << 8 | bip[5]) : (uint32_t)(bip[2] << 8 | bip[3]) - hl;
	uint8_t proto = vs_golden_gen_tcp_kind(l->kind) ? 6 : 17;
	uint8_t *ck = ip + hl + (proto == 6 ? 16 : 6);
	uint16_t seed;

	memcpy(gbuf, buf, l->len);
	if (l->lso_mss) {
		/* The host writes each segment's length: the guest leaves 0. */
		if (v6) {
			ip[4] = ip[5] = 0;
		} else {
			ip[2] = ip[3] = 0;
			ip[10] = ip[11] = 0;
		}
		l4len = 0;
	}
	seed = vs_golden_gen_phdr_sum(ip, v6, proto, l4len);
	ck[0] = (uint8_t)(seed >> 8);
	ck[1] = (uint8_t)seed;
}

cJSON *vs_golden_gen_ol_ppi(const struct vs_golden_gen_line *l, size_t frame)
{
	cJSON *o = cJSON_CreateObject();
	uint32_t off = vs_golden_gen_ol_l2(l) + (vs_golden_gen_ol_v6(l) ? 40u : 20u);

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "frame", (double)frame);
	if (l->lso_mss)
		cJSON_AddNumberToObject(o, "lso_mss", l->lso_mss);
	else
		cJSON_AddStringToObject(o, "csum", l->csum_proto == 6 ? "tcp" : "udp");
	cJSON_AddBoolToObject(o, "ipv6", vs_golden_gen_ol_v6(l));
	cJSON_AddNumberToObject(o, "l4_offset", off);
	return o;
}

/* The metadata a ":hw" output's mbuf must carry, leaving with n_tags tags. */
static cJSON *vs_golden_gen_ol_meta(const struct vs_golden_gen_line *l, unsigned int n_tags,
				    size_t frame)
{
	static const char *const lso4[] = { "TX_IPV4", "TX_IP_CKSUM", "TX_TCP_CKSUM", "TX_TCP_SEG" };
	static const char *const lso6[] = { "TX_IPV6", "TX_TCP_CKSUM", "TX_TCP_SEG" };
	bool v6 = vs_golden_gen_ol_v6(l);
	cJSON *o = cJSON_CreateObject(), *f;

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "frame", (double)frame);
	if (l->lso_mss) {
		f = v6 ? cJSON_CreateStringArray(lso6, 3) : cJSON_CreateStringArray(lso4, 4);
	} else {
		const char *c[2] = { v6 ? "TX_IPV6" : "TX_IPV4",
				     l->csum_proto == 6 ? "TX_TCP_CKSUM" : "TX_UDP_CKSUM" };

		f = cJSON_CreateStringArray(c, 2);
	}
	if (!f) {
		cJSON_Delete(o);
		return NULL;
	}
	cJSON_AddItemToObject(o, "ol_flags", f);
	cJSON_AddNumberToObject(o, "l2_len", 14 + 4 * n_tags);
	cJSON_AddNumberToObject(o, "l3_len", v6 ? 40 : 20);
	cJSON_AddNumberToObject(o, "l4_len", vs_golden_gen_ol_l4(l));
	if (l->lso_mss)
		cJSON_AddNumberToObject(o, "tso_segsz", l->lso_mss);
	return o;
}

/* One frame of l (len bytes, l's own tags) as output o sends it. */
static int vs_golden_gen_ol_emit(const struct vs_golden_gen_line *l,
				 const struct vs_golden_gen_out *o, const uint8_t *f, uint32_t len,
				 uint64_t ts, struct vs_golden_flist *fl, uint8_t *obuf)
{
	if (o->n_tags < 0)
		return vs_golden_flist_add(fl, ts, f, len, len);
	len = vs_golden_gen_retag(l, o, f, len, obuf);
	return vs_golden_flist_add(fl, ts, obuf, len, len);
}

/* The superframe buf cut into MSS-sized segments, each emitted. */
static int vs_golden_gen_ol_segments(const struct vs_golden_gen_line *l,
				     const struct vs_golden_gen_out *o, const uint8_t *buf,
				     uint64_t ts, struct vs_golden_flist *fl, uint8_t *seg,
				     uint8_t *obuf)
{
	bool v6 = vs_golden_gen_ol_v6(l);
	uint32_t l2 = vs_golden_gen_ol_l2(l), l3 = v6 ? 40u : 20u, l4 = vs_golden_gen_ol_l4(l);
	uint32_t hdr = l2 + l3 + l4, data = l->len - hdr, off, n;
	const uint8_t *tcp = buf + l2 + l3;
	uint32_t seq0 = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 |
			tcp[7];
	uint32_t id0 = (uint32_t)(buf[l2 + 4] << 8 | buf[l2 + 5]);
	int rc = 0;

	for (off = 0; off < data && rc == 0; off += n) {
		uint8_t *ip = seg + l2, *t = seg + l2 + l3;
		uint32_t seq = seq0 + off, k = off / l->lso_mss;

		n = data - off < l->lso_mss ? data - off : l->lso_mss;
		memcpy(seg, buf, hdr);
		memcpy(seg + hdr, buf + hdr + off, n);
		if (v6) {
			ip[4] = (uint8_t)((l4 + n) >> 8);
			ip[5] = (uint8_t)(l4 + n);
		} else {
			ip[2] = (uint8_t)((l3 + l4 + n) >> 8);
			ip[3] = (uint8_t)(l3 + l4 + n);
			ip[4] = (uint8_t)((id0 + k) >> 8);
			ip[5] = (uint8_t)(id0 + k);
		}
		t[4] = (uint8_t)(seq >> 24);
		t[5] = (uint8_t)(seq >> 16);
		t[6] = (uint8_t)(seq >> 8);
		t[7] = (uint8_t)seq;
		if (off + n < data)
			t[13] &= (uint8_t)~(VS_GOLDEN_GEN_TCP_PSH | VS_GOLDEN_GEN_TCP_FIN);
		if (off > 0)
			t[13] &= (uint8_t)~VS_GOLDEN_GEN_TCP_CWR;
		vs_golden_gen_fix_cksums(ip, v6);
		rc = vs_golden_gen_ol_emit(l, o, seg, hdr + n, ts, fl, obuf);
	}
	return rc;
}

int vs_golden_gen_ol_out(const struct vs_golden_gen_line *l, const struct vs_golden_gen_out *o,
			 const uint8_t *buf, uint64_t ts, struct vs_golden_flist *fl, cJSON *meta)
{
	uint8_t *f = malloc(VS_GOLDEN_GEN_MAX_LEN), *obuf = malloc(VS_GOLDEN_GEN_MAX_LEN);
	bool v6 = vs_golden_gen_ol_v6(l);
	uint8_t *ip;
	cJSON *m;
	int rc;

	if (!f || !obuf) {
		rc = -ENOMEM;
		goto out;
	}
	ip = f + vs_golden_gen_ol_l2(l);
	if (o->ol == VS_GOLDEN_GEN_OL_HW) {
		/* The guest's frame, and the superframe's IP length put back
		 * by the host; the IPv4 header checksum stays 0. */
		vs_golden_gen_ol_guest_form(l, buf, f);
		memcpy(ip + (v6 ? 4 : 2), buf + (ip - f) + (v6 ? 4 : 2), 2);
		rc = vs_golden_gen_ol_emit(l, o, f, l->len, ts, fl, obuf);
		m = rc == 0 ? vs_golden_gen_ol_meta(l, o->n_tags < 0 ? l->n_tags
								     : (unsigned int)o->n_tags,
						    fl->n)
			    : NULL;
		if (rc == 0 && (!m || !cJSON_AddItemToArray(meta, m)))
			rc = -ENOMEM;
	} else if (l->lso_mss) {
		rc = vs_golden_gen_ol_segments(l, o, buf, ts, fl, f, obuf);
	} else {
		memcpy(f, buf, l->len);
		vs_golden_gen_fix_cksums(ip, v6);
		rc = vs_golden_gen_ol_emit(l, o, f, l->len, ts, fl, obuf);
	}
out:
	free(f);
	free(obuf);
	return rc;
}
