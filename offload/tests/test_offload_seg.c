/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Segmentation: 64 KB TCP superframes (IPv4 through rte_gso, IPv6 through
 * the module's own splitter; tagged and not; IPv4 options, IPv6 extension
 * headers; superframes in chained mbufs whose boundaries fall anywhere),
 * each segment checked by the independent parser and checksum of
 * test_frames.c; a capable port keeping the superframe; a checksum-capable
 * port getting segments with checksum requests; a shared superframe left
 * intact; headers split over segments; mixed bursts.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_mbuf.h>

#include "test_frames.h"
#include "test_offload.h"

#define SUPER 64000u /* TCP payload of a "64 KB" superframe */

static struct rte_mbuf *outs[VS_OFFLOAD_MAX_SEGS];

static uint64_t
tso_flags(bool v6)
{
	return RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM |
	       (v6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
}

static void
segment_case(struct tf_spec s, uint16_t mss)
{
	uint8_t *want = malloc(s.payload + 512);
	struct rte_mbuf *m;
	uint16_t n, dropped = 9;

	s.tcp_flags = TF_FIN | TF_PSH | TF_ACK | TF_CWR;
	s.seq = 0xffff0000; /* wraps inside the superframe */
	s.ip_id = 0xfff0;   /* so do the ids */
	tf_build(&s, want);
	m = tf_mbuf(t_mp, &s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->ol_flags |= tso_flags(s.v6);
	m->tso_segsz = mss;
	m->l2_len = 14; /* stale on purpose: the module reads the frame */
	t_reset();
	n = t_run(0, m, outs, VS_OFFLOAD_MAX_SEGS, &dropped);
	CU_ASSERT_EQUAL(dropped, 0);
	tf_check_segments(&s, want, outs, n, mss, true);
	CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_SEG_SW], n);
	CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_TSO_SW], 1);
	CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_CSUM_SW], (uint64_t)n * (s.v6 ? 1 : 2));
	for (uint16_t i = 0; i < n; i++)
		CU_ASSERT_EQUAL(outs[i]->ol_flags & VS_OFFLOAD_TX_REQUESTS, 0);
	rte_pktmbuf_free_bulk(outs, n);
	free(want);
}

static void
test_segment_64k(void)
{
	unsigned int v6, tag;

	for (v6 = 0; v6 < 2; v6++)
		for (tag = 0; tag < 2; tag++) {
			struct tf_spec s = {.v6 = v6, .proto = TF_TCP, .payload = SUPER,
					    .vlan = tag ? 0xa00a : 0, .v6_routing_left = -1};

			segment_case(s, 1448); /* input segments of 2 KB */
			s.seg_size = 1000;     /* boundaries inside every segment */
			segment_case(s, 1460);
		}
}

static void
test_segment_headers(void)
{
	struct tf_spec s = {.proto = TF_TCP, .payload = 30000, .vlan = 0x0064,
			    .v4_opt_len = 12, .tcp_opt_len = 12, .v6_routing_left = -1};

	segment_case(s, 1000); /* IPv4 options and TCP options */
	s = (struct tf_spec){.v6 = true, .proto = TF_TCP, .payload = 30000, .v6_ext = 2,
			     .v6_routing_left = 0, .tcp_opt_len = 12};
	segment_case(s, 1200); /* IPv6 extension headers */
	/* A last segment of one byte; an MSS larger than a buffer. */
	s = (struct tf_spec){.proto = TF_TCP, .payload = 4001, .v6_routing_left = -1};
	segment_case(s, 1000);
	s.v6 = true;
	segment_case(s, 4000);
}

/* A TSO-capable port keeps the superframe whole, with its metadata. */
static void
test_segment_kept(void)
{
	unsigned int v6;

	for (v6 = 0; v6 < 2; v6++) {
		struct tf_spec s = {.v6 = v6, .proto = TF_TCP, .payload = SUPER, .vlan = 0x000a,
				    .v6_routing_left = -1};
		struct rte_mbuf *m = tf_mbuf(t_mp, &s);
		uint8_t *before, *after;
		uint32_t len = tf_flatten(m, &before);

		m->ol_flags |= tso_flags(v6);
		m->tso_segsz = 1448;
		m->l2_len = 14;
		t_reset();
		CU_ASSERT_EQUAL_FATAL(t_run(VS_OFFLOAD_ALL, m, outs, VS_OFFLOAD_MAX_SEGS, NULL), 1);
		CU_ASSERT_PTR_EQUAL(outs[0], m);
		CU_ASSERT_EQUAL(m->l2_len, 18);
		CU_ASSERT_EQUAL(m->l3_len, v6 ? 40 : 20);
		CU_ASSERT_EQUAL(m->l4_len, 20);
		CU_ASSERT_EQUAL(m->tso_segsz, 1448);
		CU_ASSERT_EQUAL(m->ol_flags & (VS_OFFLOAD_TX_REQUESTS | RTE_MBUF_F_TX_IPV4 |
					       RTE_MBUF_F_TX_IPV6),
				tso_flags(v6));
		CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_SEG_SW], 0);
		tf_flatten(m, &after);
		CU_ASSERT_EQUAL(memcmp(before, after, len), 0);
		free(before);
		free(after);
		rte_pktmbuf_free(m);
	}
}

/* A port with checksums but no TSO: segments in software, each asking
 * the port for its checksums. */
static void
test_segment_hw_csum(void)
{
	unsigned int v6;

	for (v6 = 0; v6 < 2; v6++) {
		struct tf_spec s = {.v6 = v6, .proto = TF_TCP, .payload = SUPER, .vlan = 0x000a,
				    .v6_routing_left = -1, .tcp_flags = TF_ACK | TF_PSH,
				    .seq = 7};
		uint8_t *want = malloc(SUPER + 512);
		struct rte_mbuf *m = tf_mbuf(t_mp, &s);
		uint16_t n, i;

		tf_build(&s, want);
		m->ol_flags |= tso_flags(v6);
		m->tso_segsz = 1448;
		t_reset();
		n = t_run(VS_OFFLOAD_CKSUM_ALL, m, outs, VS_OFFLOAD_MAX_SEGS, NULL);
		tf_check_segments(&s, want, outs, n, 1448, false);
		for (i = 0; i < n; i++) {
			CU_ASSERT_EQUAL(outs[i]->ol_flags & (VS_OFFLOAD_TX_REQUESTS |
							     RTE_MBUF_F_TX_IPV4 |
							     RTE_MBUF_F_TX_IPV6),
					tso_flags(v6) & ~RTE_MBUF_F_TX_TCP_SEG);
			CU_ASSERT_EQUAL(outs[i]->l2_len, 18);
			CU_ASSERT_EQUAL(outs[i]->l3_len, v6 ? 40 : 20);
			CU_ASSERT_EQUAL(outs[i]->l4_len, 20);
		}
		CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_CSUM_SW], 0);
		rte_pktmbuf_free_bulk(outs, n);
		free(want);
	}
}

/* The superframe is shared with a port that keeps it: segmenting it for
 * another leaves its bytes and flags alone. */
static void
test_segment_shared(void)
{
	struct tf_spec s = {.proto = TF_TCP, .payload = SUPER, .v6_routing_left = -1};
	struct rte_mbuf *m = tf_mbuf(t_mp, &s);
	uint8_t *before, *after;
	uint32_t len = tf_flatten(m, &before);
	uint16_t n;

	m->ol_flags |= tso_flags(false);
	m->tso_segsz = 1448;
	rte_pktmbuf_refcnt_update(m, 1);
	t_reset();
	n = t_run(0, m, outs, VS_OFFLOAD_MAX_SEGS, NULL);
	CU_ASSERT_EQUAL(n, (SUPER + 1447) / 1448);
	CU_ASSERT((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) != 0);
	tf_flatten(m, &after);
	CU_ASSERT_EQUAL(memcmp(before, after, len), 0);
	rte_pktmbuf_free_bulk(outs, n);
	CU_ASSERT_EQUAL(rte_mbuf_refcnt_read(m), 1);
	rte_pktmbuf_free(m);
	free(before);
	free(after);
}

/* Headers split over segments (a tag pushed into a new first segment):
 * the frame is copied so that they lie in one, then segmented. */
static void
test_segment_split_headers(void)
{
	struct tf_spec s = {.proto = TF_TCP, .payload = 20000, .vlan = 0x0fff & 77,
			    .v6_routing_left = -1, .tcp_flags = TF_ACK};
	uint8_t *want = malloc(s.payload + 512);
	uint32_t len = tf_build(&s, want);
	struct rte_mbuf *head = tf_mbuf_bytes(t_mp, want, 16, 0);
	struct rte_mbuf *rest = tf_mbuf_bytes(t_mp, want + 16, len - 16, 0);
	uint16_t n;

	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_chain(head, rest), 0);
	head->ol_flags |= tso_flags(false);
	head->tso_segsz = 1448;
	t_reset();
	n = t_run(0, head, outs, VS_OFFLOAD_MAX_SEGS, NULL);
	tf_check_segments(&s, want, outs, n, 1448, true);
	rte_pktmbuf_free_bulk(outs, n);
	free(want);
}

/* A superframe that fits one segment: its placeholder IP length becomes
 * the frame's own, its checksums are computed. */
static void
test_segment_small(void)
{
	unsigned int v6;

	for (v6 = 0; v6 < 2; v6++) {
		struct tf_spec s = {.v6 = v6, .proto = TF_TCP, .payload = 500,
				    .v6_routing_left = -1, .zero_iplen = true};
		struct rte_mbuf *m = tf_mbuf(t_mp, &s);
		struct tf_view v;
		uint8_t *got;
		uint32_t len;

		m->ol_flags |= tso_flags(v6);
		m->tso_segsz = 1448;
		t_reset();
		CU_ASSERT_EQUAL_FATAL(t_run(0, m, outs, VS_OFFLOAD_MAX_SEGS, NULL), 1);
		len = tf_flatten(outs[0], &got);
		tf_view(got, len, &v);
		CU_ASSERT(v.ok && v.ip_csum_ok && v.l4_csum_ok);
		CU_ASSERT_EQUAL(v.payload_len, 500);
		CU_ASSERT_EQUAL(outs[0]->ol_flags & VS_OFFLOAD_TX_REQUESTS, 0);
		free(got);
		rte_pktmbuf_free(outs[0]);
	}
}

/* Bursts mixing frames without requests, checksum requests, superframes
 * and refusals: outputs in input order, refusals counted, the rest
 * untouched. */
static void
test_burst_mixed(void)
{
	static const uint16_t sizes[] = {1, 3, 4, 5, 32, 33};
	unsigned int z;

	for (z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		struct rte_mbuf *in[33], **out = malloc(sizeof(*out) * 33 * 8);
		uint16_t n = sizes[z], i, k, dropped, expect = 0, drops = 0, j = 0;

		for (i = 0; i < n; i++) {
			struct tf_spec s = {.proto = i % 2 ? TF_UDP : TF_TCP,
					    .payload = i % 4 == 2 ? 5000 : 100 + i,
					    .seq = i, .v6 = i % 3 == 1, .v6_routing_left = -1};

			in[i] = tf_mbuf(t_mp, &s);
			switch (i % 4) {
			case 0: /* nothing asked */
				expect++;
				break;
			case 1: /* checksums */
				in[i]->ol_flags |= t_l4_flag(s.proto);
				expect++;
				break;
			case 2: /* TSO of a TCP superframe, 5000 / 1000 = 5 */
				in[i]->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM;
				in[i]->tso_segsz = 1000;
				expect += 5;
				break;
			case 3: /* UDP asking for TSO: refused */
				in[i]->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
				in[i]->tso_segsz = 1000;
				drops++;
				break;
			}
		}
		t_reset();
		k = vs_offload_tx_burst(&t_ctx, 0, in, n, out, 33 * 8, &dropped);
		CU_ASSERT_EQUAL(k, expect);
		CU_ASSERT_EQUAL(dropped, drops);
		CU_ASSERT_EQUAL(t_ctx.stats.c[VS_OFFLOAD_C_REFUSED_PROTO], drops);
		/* Order: each input's outputs follow the previous input's; those
		 * of a request carry correct checksums. */
		for (i = 0; i < n && j < k; i++) {
			uint16_t cnt = i % 4 == 2 ? 5 : i % 4 == 3 ? 0 : 1, c;

			if (i % 4 == 0)
				CU_ASSERT_PTR_EQUAL(out[j], in[i]);
			for (c = 0; c < cnt && i % 4 != 0; c++) {
				uint8_t *got;
				uint32_t len = tf_flatten(out[j + c], &got);
				struct tf_view v;

				tf_view(got, len, &v);
				CU_ASSERT(v.ok && v.l4_csum_ok);
				free(got);
			}
			j = (uint16_t)(j + cnt);
		}
		CU_ASSERT_EQUAL(j, k);
		rte_pktmbuf_free_bulk(out, k);
		free(out);
	}
}

CU_ErrorCode
t_register_seg(void)
{
	CU_pSuite s = CU_add_suite("offload segmentation", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "64 KB superframes", test_segment_64k) ||
	    !CU_add_test(s, "options and extension headers", test_segment_headers) ||
	    !CU_add_test(s, "kept by a TSO port", test_segment_kept) ||
	    !CU_add_test(s, "segments for a checksum port", test_segment_hw_csum) ||
	    !CU_add_test(s, "shared superframe", test_segment_shared) ||
	    !CU_add_test(s, "headers split over segments", test_segment_split_headers) ||
	    !CU_add_test(s, "superframe of one segment", test_segment_small) ||
	    !CU_add_test(s, "mixed bursts", test_burst_mixed))
		return CU_get_error();
	return CUE_SUCCESS;
}
