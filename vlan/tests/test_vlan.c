/* SPDX-License-Identifier: BSD-3-Clause */
/* VLAN policy parsing, ingress classification for every mode, egress
 * decisions, and the tag operations on edge-sized frames, frames without
 * headroom and double-tagged frames. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "testmain.h"
#include "vlan.h"

static struct rte_mempool *mp;

static const uint8_t MACS[12] = {0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa};

/* A frame: MACS, then the given bytes from offset 12, padded to len. */
static struct rte_mbuf *
frame(const uint8_t *after_macs, size_t n, uint16_t len, uint16_t headroom)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->data_off = headroom;
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memset(p, 0xee, len);
	memcpy(p, MACS, len < 12 ? len : 12);
	if (len > 12)
		memcpy(p + 12, after_macs, n < (size_t)(len - 12) ? n : (size_t)(len - 12));
	return m;
}

/* Flattens m into buf; returns its length. */
static uint32_t
bytes(const struct rte_mbuf *m, uint8_t *buf)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	const void *p = rte_pktmbuf_read(m, 0, len, buf);

	if (p != buf)
		memcpy(buf, p, len);
	return len;
}

static void
test_policy_parse(void)
{
	struct vs_vlan_policy p;
	char err[128], out[256];

	CU_ASSERT_EQUAL(vs_vlan_policy_trunk(&p, "10,20-30,4094", 0, 0, err, sizeof(err)), 0);
	CU_ASSERT(vs_vlan_allowed(&p, 10) && vs_vlan_allowed(&p, 20) && vs_vlan_allowed(&p, 25) &&
		  vs_vlan_allowed(&p, 30) && vs_vlan_allowed(&p, 4094));
	CU_ASSERT(!vs_vlan_allowed(&p, 11) && !vs_vlan_allowed(&p, 31) && !vs_vlan_allowed(&p, 0) &&
		  !vs_vlan_allowed(&p, 4095));
	vs_vlan_allowed_format(&p, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "10,20-30,4094");
	CU_ASSERT_EQUAL(vs_vlan_policy_trunk(&p, "5", 7, 0, err, sizeof(err)), 0);
	vs_vlan_allowed_format(&p, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "5,7"); /* native is carried */
	CU_ASSERT_EQUAL(vs_vlan_policy_trunk(&p, "", 0, 0, err, sizeof(err)), 0);
	vs_vlan_allowed_format(&p, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_NOT_EQUAL(vs_vlan_policy_trunk(&p, "10,5000", 0, 0, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "vlan.allowed: 5000 is outside 1-4094"));
	CU_ASSERT_NOT_EQUAL(vs_vlan_policy_trunk(&p, "30-20", 0, 0, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "backwards"));
	CU_ASSERT_NOT_EQUAL(vs_vlan_policy_trunk(&p, "10;20", 0, 0, err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(vs_vlan_policy_trunk(&p, "0", 0, 0, err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(vs_vlan_policy_trunk(&p, "10", 4095, 0, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "vlan.native"));
	CU_ASSERT_NOT_EQUAL(vs_vlan_policy_access(&p, 0, 0, err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(vs_vlan_policy_access(&p, 4095, 0, err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(vs_vlan_policy_access(&p, 10, 8, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "vlan.pcp"));
	CU_ASSERT_EQUAL(vs_vlan_policy_access(&p, 10, 5, err, sizeof(err)), 0);
}

static void
test_push_pop_edges(void)
{
	static const uint8_t ipv4[2] = {0x08, 0x00};
	uint8_t buf[2048];
	struct rte_mbuf *m;
	uint16_t tci;

	/* 14 bytes: header only. */
	m = frame(ipv4, 2, 14, RTE_PKTMBUF_HEADROOM);
	CU_ASSERT_EQUAL(vs_vlan_push(&m, 0xa00a, mp), 0);
	CU_ASSERT_EQUAL(bytes(m, buf), 18);
	CU_ASSERT(memcmp(buf, MACS, 12) == 0);
	CU_ASSERT(buf[12] == 0x81 && buf[13] == 0x00 && buf[14] == 0xa0 && buf[15] == 0x0a);
	CU_ASSERT(buf[16] == 0x08 && buf[17] == 0x00);
	/* 18 bytes: tag only, popped back to 14. */
	CU_ASSERT_EQUAL(vs_vlan_pop(m, &tci), 0);
	CU_ASSERT_EQUAL(tci, 0xa00a);
	CU_ASSERT_EQUAL(bytes(m, buf), 14);
	CU_ASSERT(memcmp(buf, MACS, 12) == 0 && buf[12] == 0x08 && buf[13] == 0x00);
	CU_ASSERT_EQUAL(vs_vlan_pop(m, &tci), -EINVAL); /* no tag left */
	rte_pktmbuf_free(m);
	/* 17 bytes claiming a tag: too short to hold one. */
	{
		static const uint8_t t[3] = {0x81, 0x00, 0x00};

		m = frame(t, 3, 17, RTE_PKTMBUF_HEADROOM);
		CU_ASSERT_EQUAL(vs_vlan_pop(m, &tci), -EINVAL);
		rte_pktmbuf_free(m);
	}
}

static void
test_push_without_headroom(void)
{
	static const uint8_t ipv4[2] = {0x08, 0x00};
	uint8_t buf[2048], want[64];
	struct rte_mbuf *m = frame(ipv4, 2, 60, 0), *orig = m;

	CU_ASSERT_EQUAL(rte_pktmbuf_headroom(m), 0);
	CU_ASSERT_EQUAL(vs_vlan_push(&m, 0x0005, NULL), -ENOMEM); /* no pool, no room */
	CU_ASSERT_PTR_EQUAL(m, orig);
	CU_ASSERT_EQUAL(vs_vlan_push(&m, 0x0005, mp), 0);
	CU_ASSERT_PTR_NOT_EQUAL(m, orig); /* a new first segment */
	CU_ASSERT_EQUAL(m->nb_segs, 2);
	CU_ASSERT_EQUAL(bytes(m, buf), 64);
	memcpy(want, MACS, 12);
	want[12] = 0x81, want[13] = 0x00, want[14] = 0x00, want[15] = 0x05;
	want[16] = 0x08, want[17] = 0x00;
	memset(want + 18, 0xee, 46);
	CU_ASSERT(memcmp(buf, want, 64) == 0);
	rte_pktmbuf_free(m);
}

static void
test_double_tagged(void)
{
	/* C-tag 100 outside, C-tag 200 inside: pop takes the outer only. */
	static const uint8_t qq[8] = {0x81, 0x00, 0x00, 100, 0x81, 0x00, 0x00, 200};
	/* 802.1ad S-tag: not a port tag. */
	static const uint8_t ad[6] = {0x88, 0xa8, 0x00, 0x07, 0x08, 0x00};
	uint8_t buf[256];
	struct rte_mbuf *m = frame(qq, 8, 64, RTE_PKTMBUF_HEADROOM);
	uint16_t tci;

	CU_ASSERT_EQUAL(vs_vlan_pop(m, &tci), 0);
	CU_ASSERT_EQUAL(tci, 100);
	bytes(m, buf);
	CU_ASSERT(buf[12] == 0x81 && buf[15] == 200);
	CU_ASSERT_EQUAL(vs_vlan_rewrite(m, 300), 0);
	bytes(m, buf);
	CU_ASSERT(buf[14] == 0x01 && buf[15] == 0x2c);
	rte_pktmbuf_free(m);
	m = frame(ad, 6, 64, RTE_PKTMBUF_HEADROOM);
	CU_ASSERT_EQUAL(vs_vlan_pop(m, &tci), -EINVAL);
	CU_ASSERT_EQUAL(vs_vlan_rewrite(m, 5), -EINVAL);
	CU_ASSERT_EQUAL(vs_vlan_push(&m, 10, mp), 0); /* the S-tag stays as data */
	bytes(m, buf);
	CU_ASSERT(buf[12] == 0x81 && buf[15] == 10 && buf[16] == 0x88 && buf[17] == 0xa8);
	rte_pktmbuf_free(m);
}

static void
test_rewrite_keeps_pcp_dei(void)
{
	static const uint8_t t[4] = {0x81, 0x00, 0xb0, 0x0a}; /* PCP 5, DEI 1, VID 10 */
	uint8_t buf[128];
	struct rte_mbuf *m = frame(t, 4, 64, RTE_PKTMBUF_HEADROOM);

	CU_ASSERT_EQUAL(vs_vlan_rewrite(m, 4094), 0);
	bytes(m, buf);
	CU_ASSERT(buf[14] == 0xbf && buf[15] == 0xfe);
	CU_ASSERT_EQUAL(vs_vlan_rewrite(m, 4095), -EINVAL);
	rte_pktmbuf_free(m);
}

/* Classifies one frame; returns the verdict, fills vlan/tci/len. */
static int
classify(const struct vs_vlan_policy *p, const uint8_t *after_macs, size_t n, uint16_t *vlan,
	 uint16_t *tci, uint32_t *len_after)
{
	struct rte_mbuf *m = frame(after_macs, n, 64, RTE_PKTMBUF_HEADROOM);
	uint8_t verdict;

	*vlan = *tci = 0;
	vs_vlan_ingress(p, &m, 1, vlan, tci, &verdict);
	*len_after = rte_pktmbuf_pkt_len(m);
	rte_pktmbuf_free(m);
	return verdict;
}

static void
test_ingress_matrix(void)
{
	static const uint8_t untagged[2] = {0x08, 0x00};
	static const uint8_t prio5[6] = {0x81, 0x00, 0xa0, 0x00, 0x08, 0x00}; /* PCP 5, VID 0 */
	static const uint8_t vid10[6] = {0x81, 0x00, 0x60, 0x0a, 0x08, 0x00}; /* PCP 3 */
	static const uint8_t vid20[6] = {0x81, 0x00, 0x00, 0x14, 0x08, 0x00};
	static const uint8_t vid4095[6] = {0x81, 0x00, 0x0f, 0xff, 0x08, 0x00};
	static const uint8_t stag[6] = {0x88, 0xa8, 0x00, 0x0a, 0x08, 0x00};
	struct vs_vlan_policy un, acc, tr, trn;
	char err[64];
	uint16_t vlan, tci;
	uint32_t len;

	vs_vlan_policy_untagged(&un);
	vs_vlan_policy_access(&acc, 10, 2, err, sizeof(err));
	vs_vlan_policy_trunk(&tr, "10,30", 0, 0, err, sizeof(err));
	vs_vlan_policy_trunk(&trn, "10", 20, 0, err, sizeof(err));

	/* untagged: everything in VLAN 1, never touched */
	CU_ASSERT_EQUAL(classify(&un, vid10, 6, &vlan, &tci, &len), VS_VLAN_OK);
	CU_ASSERT(vlan == 1 && len == 64);
	/* access 10 */
	CU_ASSERT_EQUAL(classify(&acc, untagged, 2, &vlan, &tci, &len), VS_VLAN_OK);
	CU_ASSERT(vlan == 10 && tci == ((2 << 13) | 10) && len == 64);
	CU_ASSERT_EQUAL(classify(&acc, prio5, 6, &vlan, &tci, &len), VS_VLAN_OK);
	CU_ASSERT(vlan == 10 && tci == ((5 << 13) | 10) && len == 60); /* sender's PCP kept */
	CU_ASSERT_EQUAL(classify(&acc, vid10, 6, &vlan, &tci, &len), VS_VLAN_NOT_ALLOWED);
	CU_ASSERT_EQUAL(len, 64);
	CU_ASSERT_EQUAL(classify(&acc, stag, 6, &vlan, &tci, &len), VS_VLAN_OK); /* S-tag: data */
	CU_ASSERT(vlan == 10 && len == 64);
	/* trunk 10,30 without native */
	CU_ASSERT_EQUAL(classify(&tr, vid10, 6, &vlan, &tci, &len), VS_VLAN_OK);
	CU_ASSERT(vlan == 10 && tci == ((3 << 13) | 10) && len == 60);
	CU_ASSERT_EQUAL(classify(&tr, vid20, 6, &vlan, &tci, &len), VS_VLAN_NOT_ALLOWED);
	CU_ASSERT_EQUAL(classify(&tr, untagged, 2, &vlan, &tci, &len), VS_VLAN_UNTAGGED);
	CU_ASSERT_EQUAL(classify(&tr, prio5, 6, &vlan, &tci, &len), VS_VLAN_UNTAGGED);
	CU_ASSERT_EQUAL(classify(&tr, vid4095, 6, &vlan, &tci, &len), VS_VLAN_BAD_TAG);
	/* trunk 10 with native 20 */
	CU_ASSERT_EQUAL(classify(&trn, untagged, 2, &vlan, &tci, &len), VS_VLAN_OK);
	CU_ASSERT(vlan == 20 && len == 64);
	CU_ASSERT_EQUAL(classify(&trn, prio5, 6, &vlan, &tci, &len), VS_VLAN_OK);
	CU_ASSERT(vlan == 20 && tci == ((5 << 13) | 20) && len == 60);
	CU_ASSERT_EQUAL(classify(&trn, vid20, 6, &vlan, &tci, &len), VS_VLAN_OK); /* native tagged */
	CU_ASSERT(vlan == 20);
}

static void
test_ingress_hw_stripped(void)
{
	static const uint8_t untagged[2] = {0x08, 0x00};
	struct vs_vlan_policy tr;
	struct rte_mbuf *m;
	char err[64];
	uint16_t vlan, tci;
	uint8_t verdict;

	vs_vlan_policy_trunk(&tr, "10", 0, 0, err, sizeof(err));
	m = frame(untagged, 2, 60, RTE_PKTMBUF_HEADROOM);
	m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	m->vlan_tci = (7 << 13) | 10;
	vs_vlan_ingress(&tr, &m, 1, &vlan, &tci, &verdict);
	CU_ASSERT(verdict == VS_VLAN_OK && vlan == 10 && tci == ((7 << 13) | 10));
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 60);
	CU_ASSERT_EQUAL(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED, 0);
	m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	m->vlan_tci = 11;
	vs_vlan_ingress(&tr, &m, 1, &vlan, &tci, &verdict);
	CU_ASSERT_EQUAL(verdict, VS_VLAN_NOT_ALLOWED);
	rte_pktmbuf_free(m);
	/* An untagged port carries tags as data: a stripped one goes back. */
	{
		struct vs_vlan_policy un;
		uint8_t buf[128];

		vs_vlan_policy_untagged(&un);
		m = frame(untagged, 2, 60, RTE_PKTMBUF_HEADROOM);
		m->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
		m->vlan_tci = (3 << 13) | 77;
		vs_vlan_ingress(&un, &m, 1, &vlan, &tci, &verdict);
		CU_ASSERT(verdict == VS_VLAN_OK && vlan == VS_VLAN_UNAWARE);
		CU_ASSERT_EQUAL(bytes(m, buf), 64);
		CU_ASSERT(buf[12] == 0x81 && buf[13] == 0x00 && buf[14] == 0x60 && buf[15] == 77);
		CU_ASSERT_EQUAL(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED, 0);
		rte_pktmbuf_free(m);
	}
}

static void
test_egress_encap(void)
{
	struct vs_vlan_policy un, acc, tr;
	char err[64];

	vs_vlan_policy_untagged(&un);
	vs_vlan_policy_access(&acc, 10, 0, err, sizeof(err));
	vs_vlan_policy_trunk(&tr, "10-12", 11, 0, err, sizeof(err));
	CU_ASSERT_EQUAL(vs_vlan_egress_encap(&un, 1), VS_VLAN_AS_IS);
	CU_ASSERT_EQUAL(vs_vlan_egress_encap(&un, 10), VS_VLAN_NOT_MEMBER);
	CU_ASSERT_EQUAL(vs_vlan_egress_encap(&acc, 10), VS_VLAN_AS_IS);
	CU_ASSERT_EQUAL(vs_vlan_egress_encap(&acc, 1), VS_VLAN_NOT_MEMBER);
	CU_ASSERT_EQUAL(vs_vlan_egress_encap(&tr, 10), VS_VLAN_TAG);
	CU_ASSERT_EQUAL(vs_vlan_egress_encap(&tr, 11), VS_VLAN_AS_IS);
	CU_ASSERT_EQUAL(vs_vlan_egress_encap(&tr, 13), VS_VLAN_NOT_MEMBER);
}

static CU_ErrorCode
vs_test_vlan_init(void)
{
	CU_pSuite s;

	mp = rte_pktmbuf_pool_create("vlan_test", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL)
		return CUE_NOMEMORY;
	s = CU_add_suite("vlan", NULL, NULL);
	if (s == NULL || !CU_add_test(s, "policy parse and format", test_policy_parse) ||
	    !CU_add_test(s, "push/pop on 14- and 18-byte frames", test_push_pop_edges) ||
	    !CU_add_test(s, "push without headroom", test_push_without_headroom) ||
	    !CU_add_test(s, "double-tagged and 802.1ad frames", test_double_tagged) ||
	    !CU_add_test(s, "rewrite keeps PCP and DEI", test_rewrite_keeps_pcp_dei) ||
	    !CU_add_test(s, "ingress: every mode", test_ingress_matrix) ||
	    !CU_add_test(s, "ingress: hardware-stripped tags", test_ingress_hw_stripped) ||
	    !CU_add_test(s, "egress encapsulation", test_egress_encap))
		return CU_get_error();
	return CUE_SUCCESS;
}

static void
vs_test_vlan_fini(void)
{
	rte_mempool_free(mp);
}

int
main(void)
{
	static const struct vs_test_module m = {
		.name = "test_vlan", .lcores = "0", .mem_mb = "128",
		.init = vs_test_vlan_init, .fini = vs_test_vlan_fini,
	};

	return vs_test_main(&m);
}
