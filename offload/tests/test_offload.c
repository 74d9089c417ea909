/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The offload module's CUnit binary.  This file: settings and
 * capabilities, checksums in software (IPv4/IPv6, TCP/UDP, tagged or not,
 * IPv4 options, IPv6 extension headers, chained frames, shared frames)
 * checked by the independent implementation of test_frames.c, requests
 * left to a capable port, and every refusal.  test_offload_seg.c:
 * segmentation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "offload.h"
#include "test_frames.h"
#include "test_offload.h"
#include "testmain.h"

struct rte_mempool *t_mp, *t_direct, *t_indirect;
struct vs_offload_ctx t_ctx;

#define CSUM_REQ4 (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM)

void
t_reset(void)
{
	vs_offload_ctx_init(&t_ctx, t_direct, t_indirect, t_mp);
}

uint64_t
t_l4_flag(uint8_t proto)
{
	return proto == TF_TCP ? RTE_MBUF_F_TX_TCP_CKSUM : RTE_MBUF_F_TX_UDP_CKSUM;
}

/* Runs one frame through vs_offload_tx_burst; returns the output count. */
uint16_t
t_run(uint32_t caps, struct rte_mbuf *m, struct rte_mbuf **out, uint16_t max, uint16_t *dropped)
{
	return vs_offload_tx_burst(&t_ctx, caps, &m, 1, out, max, dropped);
}

static void
test_settings(void)
{
	struct vs_offload_settings s = {0};
	char err[128], out[128];

	vs_offload_settings_format(&s, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "tx-csum=on,rx-csum=on,tso=on"); /* zeroed: all on */
	CU_ASSERT_EQUAL(vs_offload_settings_parse("tso=off", &s, err, sizeof(err)), 0);
	CU_ASSERT(!s.tx_csum_off && !s.rx_csum_off && s.tso_off);
	CU_ASSERT_EQUAL(vs_offload_settings_parse("tx-csum=off,rx-csum=off,tso=on", &s, err,
						  sizeof(err)),
			0);
	vs_offload_settings_format(&s, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "tx-csum=off,rx-csum=off,tso=on");
	CU_ASSERT_EQUAL(vs_offload_settings_parse("tso=maybe", &s, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "tso: expected on or off"));
	CU_ASSERT_EQUAL(vs_offload_settings_parse("lro=on", &s, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown key 'lro'"));
	CU_ASSERT_EQUAL(vs_offload_settings_parse("tso", &s, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(vs_offload_settings_parse("", &s, err, sizeof(err)), -EINVAL);
	/* A refused string changes nothing. */
	vs_offload_settings_format(&s, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "tx-csum=off,rx-csum=off,tso=on");
}

static void
test_caps(void)
{
	struct vs_offload_settings s = {0};
	uint32_t dev;
	char out[256];

	dev = vs_offload_caps_from_ethdev(RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
					  RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
					  RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
	CU_ASSERT_EQUAL(dev, VS_OFFLOAD_IPV4_CKSUM | VS_OFFLOAD_TCP4_CKSUM |
				     VS_OFFLOAD_TCP6_CKSUM | VS_OFFLOAD_TSO_ALL);
	CU_ASSERT_EQUAL(vs_offload_caps_to_ethdev(dev),
			RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
				RTE_ETH_TX_OFFLOAD_TCP_TSO);
	vs_offload_caps_format(dev, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "ipv4-csum,tcp4-csum,tcp6-csum,tso4,tso6");
	vs_offload_caps_format(0, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "none");

	CU_ASSERT_EQUAL(vs_offload_caps_effective(VS_OFFLOAD_ALL, &s), VS_OFFLOAD_ALL);
	s.tso_off = true;
	CU_ASSERT_EQUAL(vs_offload_caps_effective(VS_OFFLOAD_ALL, &s),
			VS_OFFLOAD_ALL & ~(VS_OFFLOAD_TSO_ALL | VS_OFFLOAD_RSC_ALL));
	/* RSC needs no checksum capability: it is the receiver's trust. */
	s.tso_off = false;
	CU_ASSERT_EQUAL(vs_offload_caps_effective(VS_OFFLOAD_RSC_ALL | VS_OFFLOAD_VLAN_INSERT, &s),
			VS_OFFLOAD_RSC_ALL | VS_OFFLOAD_VLAN_INSERT);
	vs_offload_caps_format(VS_OFFLOAD_RSC_ALL | VS_OFFLOAD_VLAN_INSERT, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "vlan-insert,rsc4,rsc6");
	/* tx-csum off takes TSO and RSC with it, as ethtool does. */
	s.tso_off = false;
	s.tx_csum_off = true;
	CU_ASSERT_EQUAL(vs_offload_caps_effective(VS_OFFLOAD_ALL, &s),
			VS_OFFLOAD_VLAN_INSERT | VS_OFFLOAD_RX_CKSUM);
	/* rx-csum is the receive side alone. */
	s.tx_csum_off = false;
	s.rx_csum_off = true;
	CU_ASSERT_EQUAL(vs_offload_caps_effective(VS_OFFLOAD_ALL, &s),
			VS_OFFLOAD_ALL & ~VS_OFFLOAD_RX_CKSUM);
	s.rx_csum_off = false;
	/* A receive checker counts only when it checks all three. */
	CU_ASSERT_EQUAL(vs_offload_rx_caps_from_ethdev(RTE_ETH_RX_OFFLOAD_CHECKSUM |
						       RTE_ETH_RX_OFFLOAD_SCATTER),
			VS_OFFLOAD_RX_CKSUM);
	CU_ASSERT_EQUAL(vs_offload_rx_caps_from_ethdev(RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
						       RTE_ETH_RX_OFFLOAD_IPV4_CKSUM),
			0);
	CU_ASSERT_EQUAL(vs_offload_rx_caps_to_ethdev(VS_OFFLOAD_RX_CKSUM),
			RTE_ETH_RX_OFFLOAD_CHECKSUM);
	CU_ASSERT_EQUAL(vs_offload_rx_caps_to_ethdev(VS_OFFLOAD_CKSUM_ALL), 0);
	vs_offload_caps_format(VS_OFFLOAD_RX_CKSUM | VS_OFFLOAD_TSO4, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "tso4,rx-csum");
	/* TSO claimed without the checksums it implies is not used. */
	s.tx_csum_off = false;
	CU_ASSERT_EQUAL(vs_offload_caps_effective(VS_OFFLOAD_TSO_ALL | VS_OFFLOAD_TCP6_CKSUM, &s),
			VS_OFFLOAD_TSO6 | VS_OFFLOAD_TCP6_CKSUM);
	CU_ASSERT_STRING_EQUAL(vs_offload_counter_name(VS_OFFLOAD_C_REFUSED_ROUTED),
			       "refused_routed");
	CU_ASSERT(vs_offload_counter_is_refusal(VS_OFFLOAD_C_REFUSED_MSS));
	CU_ASSERT(!vs_offload_counter_is_refusal(VS_OFFLOAD_C_CSUM_SW));
}

/* One crafted frame with checksum requests through a port that can do
 * nothing: one frame out, both checksums right, every other byte as it
 * was. */
static void
check_sw_csum(const struct tf_spec *s)
{
	uint8_t *want = malloc(s->payload + 512), *got;
	uint32_t len = tf_build(s, want), glen, i, diff = 0;
	struct rte_mbuf *m = tf_mbuf(t_mp, s), *out[4];
	struct tf_view v;
	uint16_t n, dropped;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->ol_flags |= t_l4_flag(s->proto) | (s->v6 ? RTE_MBUF_F_TX_IPV6 : CSUM_REQ4);
	t_reset();
	n = t_run(0, m, out, 4, &dropped);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(dropped, 0);
	CU_ASSERT_EQUAL(out[0]->ol_flags & (VS_OFFLOAD_TX_REQUESTS | RTE_MBUF_F_TX_IPV4 |
					    RTE_MBUF_F_TX_IPV6),
			0);
	glen = tf_flatten(out[0], &got);
	CU_ASSERT_EQUAL_FATAL(glen, len);
	tf_view(got, glen, &v);
	CU_ASSERT(v.ok);
	CU_ASSERT(v.ip_csum_ok);
	CU_ASSERT(v.l4_csum_ok);
	tf_view(want, len, &v); /* the checker does see the garbage */
	CU_ASSERT(!v.l4_csum_ok && (s->v6 || !v.ip_csum_ok));
	for (i = 0; i < len; i++)
		if (got[i] != want[i])
			diff++;
	/* Only the checksum fields changed (a field may keep a byte). */
	CU_ASSERT(diff >= 1 && diff <= 4);
	CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_CSUM_SW], s->v6 ? 1u : 2u);
	free(got);
	free(want);
	rte_pktmbuf_free(out[0]);
}

static void
test_csum_matrix(void)
{
	static const uint8_t opts[] = {0, 4, 12, 40};
	unsigned int v6, proto, tag, o, seg;

	for (v6 = 0; v6 < 2; v6++)
		for (proto = 0; proto < 2; proto++)
			for (tag = 0; tag < 2; tag++)
				for (o = 0; o < 4; o++)
					for (seg = 0; seg < 2; seg++) {
						struct tf_spec s = {
							.v6 = v6,
							.proto = proto ? TF_UDP : TF_TCP,
							.vlan = tag ? 0x200a : 0,
							.v4_opt_len = v6 ? 0 : opts[o],
							.v6_ext = v6 ? (uint8_t)(o % 3) : 0,
							.v6_routing_left = v6 && o == 3 ? 0 : -1,
							.payload = seg ? 3001 : 1 + o * 333,
							.tcp_opt_len = (uint8_t)(o * 4),
							.seq = 0xfffffff0,
							.seg_size = seg ? 700 : 0,
						};

						check_sw_csum(&s);
					}
}

/* UDP whose checksum comes out 0 is sent as 0xffff (RFC 768): the two
 * payload bytes that make it so are found by trying them all. */
static void
test_udp_zero(void)
{
	struct tf_spec s = {.proto = TF_UDP, .payload = 2};
	uint8_t b[128];
	uint32_t len = tf_build(&s, b), tries;
	bool seen = false;

	for (tries = 0; tries < 65536 && !seen; tries++) {
		struct rte_mbuf *m, *out[1];
		uint8_t *got;
		struct tf_view v;

		b[len - 2] = (uint8_t)(tries >> 8);
		b[len - 1] = (uint8_t)tries;
		m = tf_mbuf_bytes(t_mp, b, len, 0);
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM;
		t_reset();
		CU_ASSERT_EQUAL_FATAL(t_run(0, m, out, 1, NULL), 1);
		tf_flatten(out[0], &got);
		tf_view(got, len, &v);
		CU_ASSERT_FATAL(v.l4_csum_ok);
		seen = got[v.l2 + v.l3 + 6] == 0xff && got[v.l2 + v.l3 + 7] == 0xff;
		free(got);
		rte_pktmbuf_free(out[0]);
	}
	CU_ASSERT(seen);
}

/* A frame shared with another holder gets a private copy of its headers:
 * the shared bytes stay as they were. */
static void
test_csum_shared(void)
{
	struct tf_spec s = {.proto = TF_TCP, .vlan = 0x0005, .payload = 1400, .seg_size = 600};
	struct rte_mbuf *m = tf_mbuf(t_mp, &s), *out[1];
	uint8_t *before, *after, *got;
	uint32_t len;
	struct tf_view v;

	len = tf_flatten(m, &before);
	m->ol_flags |= CSUM_REQ4 | RTE_MBUF_F_TX_TCP_CKSUM;
	rte_pktmbuf_refcnt_update(m, 1); /* another port's reference */
	t_reset();
	CU_ASSERT_EQUAL_FATAL(t_run(0, m, out, 1, NULL), 1);
	CU_ASSERT_PTR_NOT_EQUAL(out[0], m);
	CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_HEADER_COPY], 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(out[0]), len);
	tf_flatten(out[0], &got);
	tf_view(got, len, &v);
	CU_ASSERT(v.ok && v.ip_csum_ok && v.l4_csum_ok);
	tf_flatten(m, &after);
	CU_ASSERT_EQUAL(memcmp(before, after, len), 0);
	CU_ASSERT((m->ol_flags & RTE_MBUF_F_TX_TCP_CKSUM) != 0); /* the other holder's view */
	rte_pktmbuf_free(out[0]); /* the private header goes, the payload stays */
	CU_ASSERT_EQUAL(rte_mbuf_refcnt_read(m), 1);
	rte_pktmbuf_free(m);
	free(before);
	free(after);
	free(got);
}

/* A capable port keeps the frame and gets its header lengths. */
static void
test_csum_hw(void)
{
	struct tf_spec s = {.proto = TF_UDP, .vlan = 0x300b, .v4_opt_len = 8, .payload = 100};
	struct rte_mbuf *m = tf_mbuf(t_mp, &s), *out[1];
	uint8_t *before, *after;
	uint32_t len;

	len = tf_flatten(m, &before);
	m->ol_flags |= CSUM_REQ4 | RTE_MBUF_F_TX_UDP_CKSUM;
	m->l2_len = 14; /* stale: the tag was pushed since */
	t_reset();
	CU_ASSERT_EQUAL_FATAL(t_run(VS_OFFLOAD_ALL, m, out, 1, NULL), 1);
	CU_ASSERT_PTR_EQUAL(out[0], m);
	CU_ASSERT_EQUAL(m->l2_len, 18);
	CU_ASSERT_EQUAL(m->l3_len, 28);
	CU_ASSERT_EQUAL(m->l4_len, 8);
	CU_ASSERT_EQUAL(m->ol_flags & (VS_OFFLOAD_TX_REQUESTS | RTE_MBUF_F_TX_IPV4),
			CSUM_REQ4 | RTE_MBUF_F_TX_UDP_CKSUM);
	CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_HW], 1);
	CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_CSUM_SW], 0);
	tf_flatten(m, &after);
	CU_ASSERT_EQUAL(memcmp(before, after, len), 0);
	free(before);
	free(after);

	/* Half capable: the IPv4 header in software, UDP left to the port. */
	m->ol_flags |= CSUM_REQ4 | RTE_MBUF_F_TX_UDP_CKSUM;
	t_reset();
	CU_ASSERT_EQUAL_FATAL(t_run(VS_OFFLOAD_UDP4_CKSUM, m, out, 1, NULL), 1);
	CU_ASSERT_EQUAL(out[0]->ol_flags & (VS_OFFLOAD_TX_REQUESTS | RTE_MBUF_F_TX_IPV4),
			RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM);
	CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_CSUM_SW], 1);
	CU_ASSERT_EQUAL(out[0]->l3_len, 28);
	tf_flatten(out[0], &after);
	{
		struct tf_view v;

		tf_view(after, len, &v);
		CU_ASSERT(v.ip_csum_ok);
	}
	free(after);
	rte_pktmbuf_free(out[0]);

	/* IPv6 with extension headers: the device's pseudo-header seed would
	 * be wrong, so software does L4 even for a capable port. */
	{
		struct tf_spec s6 = {.v6 = true, .proto = TF_TCP, .v6_ext = 2, .payload = 50};
		struct tf_view v;

		m = tf_mbuf(t_mp, &s6);
		m->ol_flags |= RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
		t_reset();
		CU_ASSERT_EQUAL_FATAL(t_run(VS_OFFLOAD_ALL, m, out, 1, NULL), 1);
		CU_ASSERT_EQUAL(out[0]->ol_flags & VS_OFFLOAD_TX_REQUESTS, 0);
		len = tf_flatten(out[0], &after);
		tf_view(after, len, &v);
		CU_ASSERT(v.ok && v.l4_csum_ok);
		free(after);
		rte_pktmbuf_free(out[0]);
	}
}

/* A frame with no request is passed on untouched. */
static void
test_no_request(void)
{
	struct tf_spec s = {.proto = TF_TCP, .payload = 10};
	struct rte_mbuf *pk[3], *out[3];
	unsigned int i;

	for (i = 0; i < 3; i++)
		pk[i] = tf_mbuf(t_mp, &s);
	pk[1]->ol_flags |= RTE_MBUF_F_TX_IPV4; /* not a request */
	t_reset();
	CU_ASSERT_EQUAL(vs_offload_tx_burst(&t_ctx, 0, pk, 3, out, 3, NULL), 3);
	for (i = 0; i < 3; i++)
		CU_ASSERT_PTR_EQUAL(out[i], pk[i]);
	CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_CSUM_SW], 0);
	rte_pktmbuf_free_bulk(out, 3);
}

/* Refused or ignored requests: each refusal counted under its reason, the
 * frame dropped; a fragment keeps its L4 bytes. */
static void
refuse(const struct tf_spec *s, uint64_t flags, uint16_t mss, enum vs_offload_counter why)
{
	struct rte_mbuf *m = tf_mbuf(t_mp, s), *out[4];
	uint16_t dropped = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->ol_flags |= flags;
	m->tso_segsz = mss;
	t_reset();
	CU_ASSERT_EQUAL(t_run(0, m, out, 4, &dropped), 0);
	CU_ASSERT_EQUAL(dropped, 1);
	CU_ASSERT_EQUAL(t_ctx.stats.c[why], 1);
}

static void
test_refusals(void)
{
	uint64_t tcp4 = CSUM_REQ4 | RTE_MBUF_F_TX_TCP_CKSUM;
	uint64_t tcp6 = RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
	struct tf_spec s = {.proto = TF_TCP, .payload = 100, .v4_opt_len = 12, .v4_lsrr = true};

	refuse(&s, tcp4, 0, VS_OFFLOAD_C_REFUSED_ROUTED);
	s = (struct tf_spec){.v6 = true, .proto = TF_TCP, .payload = 100, .v6_routing_left = 2};
	refuse(&s, tcp6, 0, VS_OFFLOAD_C_REFUSED_ROUTED);
	s = (struct tf_spec){.proto = TF_ICMP, .payload = 100};
	refuse(&s, tcp4, 0, VS_OFFLOAD_C_REFUSED_PROTO);
	s = (struct tf_spec){.proto = TF_UDP, .payload = 100};
	refuse(&s, CSUM_REQ4 | RTE_MBUF_F_TX_UDP_SEG, 0, VS_OFFLOAD_C_REFUSED_PROTO);
	s = (struct tf_spec){.proto = TF_TCP, .payload = 1000};
	refuse(&s, tcp4 | RTE_MBUF_F_TX_TCP_SEG, 0, VS_OFFLOAD_C_REFUSED_MSS);
	/* 20000 bytes at 8 per segment: far more segments than allowed. */
	s.payload = 20000;
	refuse(&s, tcp4 | RTE_MBUF_F_TX_TCP_SEG, 8, VS_OFFLOAD_C_REFUSED_MSS);
	/* Lying lengths. */
	{
		uint8_t b[600];
		uint32_t len;
		struct rte_mbuf *m, *out[1];
		uint16_t d;

		s = (struct tf_spec){.proto = TF_UDP, .payload = 100};
		len = tf_build(&s, b);
		b[14 + 20 + 5] ^= 1; /* UDP length */
		m = tf_mbuf_bytes(t_mp, b, len, 0);
		m->ol_flags |= CSUM_REQ4 | RTE_MBUF_F_TX_UDP_CKSUM;
		t_reset();
		CU_ASSERT_EQUAL(t_run(0, m, out, 1, &d), 0);
		CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_REFUSED_MALFORMED], 1);

		len = tf_build(&s, b);
		b[14 + 3] += 40; /* IPv4 total length beyond the frame */
		m = tf_mbuf_bytes(t_mp, b, len, 0);
		m->ol_flags |= CSUM_REQ4 | RTE_MBUF_F_TX_UDP_CKSUM;
		t_reset();
		CU_ASSERT_EQUAL(t_run(0, m, out, 1, &d), 0);
		CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_REFUSED_MALFORMED], 1);

		s = (struct tf_spec){.proto = TF_TCP, .payload = 0};
		len = tf_build(&s, b);
		m = tf_mbuf_bytes(t_mp, b, len - 4, 0); /* TCP header cut short */
		m->ol_flags |= CSUM_REQ4 | RTE_MBUF_F_TX_TCP_CKSUM;
		t_reset();
		CU_ASSERT_EQUAL(t_run(0, m, out, 1, &d), 0);
		CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_REFUSED_MALFORMED], 1);

		/* Not IP at all. */
		memset(b + 12, 0x88, 2);
		m = tf_mbuf_bytes(t_mp, b, 60, 0);
		m->ol_flags |= RTE_MBUF_F_TX_TCP_CKSUM;
		t_reset();
		CU_ASSERT_EQUAL(t_run(0, m, out, 1, &d), 0);
		CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_REFUSED_MALFORMED], 1);
	}
}

/* Fragments never get an L4 checksum, IPv4 or IPv6; an IPv4 fragment's
 * header checksum is still computed when asked for. */
static void
test_fragments(void)
{
	unsigned int v6;

	for (v6 = 0; v6 < 2; v6++) {
		struct tf_spec s = {.v6 = v6, .proto = TF_UDP, .frag = true, .payload = 200};
		uint8_t want[600], *got;
		uint32_t len = tf_build(&s, want), i, diff = 0;
		struct rte_mbuf *m = tf_mbuf(t_mp, &s), *out[1];

		m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM | (v6 ? RTE_MBUF_F_TX_IPV6 : CSUM_REQ4);
		t_reset();
		CU_ASSERT_EQUAL_FATAL(t_run(0, m, out, 1, NULL), 1);
		tf_flatten(out[0], &got);
		for (i = 0; i < len; i++)
			diff += got[i] != want[i];
		if (v6) {
			CU_ASSERT_EQUAL(diff, 0);
		} else {
			struct tf_view v;

			/* Only the IPv4 header checksum changed. */
			CU_ASSERT(diff >= 1 && diff <= 2);
			CU_ASSERT_EQUAL(tf_fold(tf_sum(got + 14, 20, 0)), 0);
			tf_view(got, len, &v);
			CU_ASSERT(!v.l4_csum_ok);
		}
		CU_ASSERT_EQUAL(out[0]->ol_flags & VS_OFFLOAD_TX_REQUESTS, 0);
		free(got);
		rte_pktmbuf_free(out[0]);
	}
}

/* Runs last: every mbuf a test took went back (no leak, and a double
 * free would have shown as a count below zero or a crash). */
static void
test_pools_back(void)
{
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(t_mp), 0);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(t_direct), 0);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(t_indirect), 0);
}

static CU_ErrorCode
init(void)
{
	CU_pSuite s;

	t_mp = rte_pktmbuf_pool_create("t_mbufs", 8191, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	t_direct = vs_offload_direct_pool_create("t_direct", 4095, 0);
	t_indirect = vs_offload_indirect_pool_create("t_indirect", 8191, 0);
	if (t_mp == NULL || t_direct == NULL || t_indirect == NULL)
		return CUE_NOMEMORY;
	s = CU_add_suite("offload", NULL, NULL);
	if (s == NULL || !CU_add_test(s, "settings", test_settings) ||
	    !CU_add_test(s, "capabilities", test_caps) ||
	    !CU_add_test(s, "checksums in software", test_csum_matrix) ||
	    !CU_add_test(s, "UDP checksum 0 sent as 0xffff", test_udp_zero) ||
	    !CU_add_test(s, "checksums into a shared frame", test_csum_shared) ||
	    !CU_add_test(s, "checksums left to the port", test_csum_hw) ||
	    !CU_add_test(s, "no request", test_no_request) ||
	    !CU_add_test(s, "refusals", test_refusals) ||
	    !CU_add_test(s, "fragments", test_fragments))
		return CU_get_error();
	if (t_register_seg() != CUE_SUCCESS)
		return CU_get_error();
	s = CU_add_suite("offload pools", NULL, NULL);
	if (s == NULL || !CU_add_test(s, "every mbuf returned", test_pools_back))
		return CU_get_error();
	return CUE_SUCCESS;
}

int
main(void)
{
	static const struct vs_test_module mod = {
		.name = "test_offload", .lcores = "0", .mem_mb = "256", .init = init,
	};

	return vs_test_main(&mod);
}
