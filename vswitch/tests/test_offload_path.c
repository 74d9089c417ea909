/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Offload requests through the real pipeline and ring ports.  A VM port
 * on access VLAN 10 sends 64 KB TCP superframes (the metadata a netvsc
 * guest's LSO info becomes) and checksum-request frames; four trunk ports
 * carry VLAN 10 with different offload settings:
 *   tso     everything (a ring's default): keeps the superframe whole
 *   plain   tx-csum=off: software segments and checksums
 *   plain2  tx-csum=off too: gets the very same segments as plain
 *   csum    tso=off: software segments asking the port for checksums
 * Every segment is checked by the independent parser and RFC 1071
 * checksum of offload/tests/test_frames.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "test_env.h"
#include "test_frames.h"
#include "vswitch.h"

#define MSS 1448
#define SUPER 64000u

static struct vs_dp *dp;
static uint64_t clock_ns = 1000000000ull;
static struct rte_mbuf *got[4][VS_OFFLOAD_MAX_SEGS];
static const char *const trunks[] = {"tso", "plain", "plain2", "csum"};

static int
idx(const char *name)
{
	return vs_dp_port_index(dp, name);
}

static int
setup(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024, .fdb_aging_s = 300};
	struct vs_switch_conf sc = {.name = "ol", .type = VS_SWITCH_PRIVATE};
	struct vs_port_conf pc = {.kind = VS_PORT_RING, .ring_size = 4096};
	char err[256];
	unsigned int i;

	dp = vs_dp_create(&dc, err, sizeof(err));
	if (dp == NULL)
		return -1;
	vs_dp_set_clock(dp, vs_test_clock, &clock_ns);
	if (vs_dp_switch_add(dp, &sc, err, sizeof(err)) != 0)
		return -1;
	strcpy(pc.switch_name, "ol");
	strcpy(pc.name, "vm");
	if (vs_vlan_policy_access(&pc.vlan, 10, 0, err, sizeof(err)) != 0 ||
	    vs_dp_port_add(dp, &pc, err, sizeof(err)) != 0)
		return -1;
	for (i = 0; i < 4; i++) {
		strcpy(pc.name, trunks[i]);
		memset(&pc.offload, 0, sizeof(pc.offload));
		pc.offload.tx_csum_off = i == 1 || i == 2;
		pc.offload.tso_off = i == 3;
		if (vs_vlan_policy_trunk(&pc.vlan, "10", 0, 0, err, sizeof(err)) != 0 ||
		    vs_dp_port_add(dp, &pc, err, sizeof(err)) != 0)
			return -1;
	}
	return 0;
}

static int
teardown(void)
{
	vs_dp_destroy(dp);
	dp = NULL;
	return 0;
}

static unsigned int
drain(const char *port, struct rte_mbuf **out)
{
	return rte_ring_dequeue_burst(vs_dp_port_tx_ring(dp, (unsigned int)idx(port)),
				      (void **)out, VS_OFFLOAD_MAX_SEGS, NULL);
}

static void
drain_free(void)
{
	unsigned int i, n;

	for (i = 0; i < 4; i++)
		while ((n = drain(trunks[i], got[i])) > 0)
			rte_pktmbuf_free_bulk(got[i], n);
	while ((n = drain("vm", got[0])) > 0)
		rte_pktmbuf_free_bulk(got[0], n);
}

static uint64_t
tso_flags(bool v6)
{
	return RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM |
	       (v6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
}

/* Injects a superframe of spec s (untagged, on vm); want gets its bytes
 * as a trunk sends them, tagged with VLAN 10. */
static void
inject_super(struct tf_spec *s, uint8_t *want, bool broadcast)
{
	struct tf_spec tagged = *s;
	uint8_t *b = malloc(s->payload + 512);
	uint32_t len = tf_build(s, b);
	struct rte_mbuf *m;

	if (broadcast)
		memset(b, 0xff, 6);
	m = tf_mbuf_bytes(vs_dp_mempool(dp), b, len, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->ol_flags |= tso_flags(s->v6);
	m->tso_segsz = MSS;
	m->l2_len = 14;
	tagged.vlan = 10;
	tf_build(&tagged, want);
	if (broadcast)
		memset(want, 0xff, 6);
	vs_dp_process_burst(dp, (uint16_t)idx("vm"), &m, 1);
	free(b);
}

/* A flooded superframe: kept whole by the TSO port, cut once for the two
 * ports that cannot do anything (the same segments reach both), once more
 * for the port that does checksums only. */
static void
test_flood_superframe(void)
{
	struct tf_spec s = {.proto = TF_TCP, .payload = SUPER, .v6_routing_left = -1,
			    .tcp_flags = TF_ACK | TF_PSH | TF_FIN, .seq = 1000, .ip_id = 7};
	uint8_t *want = malloc(SUPER + 512), *bytes;
	struct vs_offload_stats os;
	struct vs_port_stats ps;
	unsigned int n[4], i, nseg = (SUPER + MSS - 1) / MSS;
	uint32_t len;

	vs_dp_stats_clear(dp);
	inject_super(&s, want, true);
	for (i = 0; i < 4; i++)
		n[i] = drain(trunks[i], got[i]);
	CU_ASSERT_EQUAL_FATAL(n[0], 1);
	CU_ASSERT_EQUAL(got[0][0]->l2_len, 18);
	CU_ASSERT_EQUAL(got[0][0]->l3_len, 20);
	CU_ASSERT_EQUAL(got[0][0]->l4_len, 20);
	CU_ASSERT_EQUAL(got[0][0]->tso_segsz, MSS);
	CU_ASSERT_EQUAL(got[0][0]->ol_flags & (VS_OFFLOAD_TX_REQUESTS | RTE_MBUF_F_TX_IPV4),
			tso_flags(false));
	len = tf_flatten(got[0][0], &bytes);
	CU_ASSERT_EQUAL(len, 18 + 40 + SUPER);
	CU_ASSERT_EQUAL(memcmp(bytes, want, len), 0); /* tagged, otherwise as sent */
	free(bytes);

	CU_ASSERT_EQUAL_FATAL(n[1], nseg);
	tf_check_segments(&(struct tf_spec){.proto = TF_TCP, .payload = SUPER, .vlan = 10,
					    .v6_routing_left = -1,
					    .tcp_flags = TF_ACK | TF_PSH | TF_FIN, .seq = 1000,
					    .ip_id = 7},
			  want, got[1], (uint16_t)n[1], MSS, true);
	CU_ASSERT_EQUAL_FATAL(n[2], nseg);
	for (i = 0; i < nseg; i++)
		CU_ASSERT_PTR_EQUAL(got[1][i], got[2][i]); /* cut once for both */
	CU_ASSERT_EQUAL_FATAL(n[3], nseg);
	for (i = 0; i < nseg; i++) {
		CU_ASSERT_PTR_NOT_EQUAL(got[3][i], got[1][i]);
		CU_ASSERT_EQUAL(got[3][i]->ol_flags & VS_OFFLOAD_TX_REQUESTS,
				RTE_MBUF_F_TX_TCP_CKSUM | RTE_MBUF_F_TX_IP_CKSUM);
		CU_ASSERT_EQUAL(got[3][i]->l2_len, 18);
	}
	tf_check_segments(&(struct tf_spec){.proto = TF_TCP, .payload = SUPER, .vlan = 10,
					    .v6_routing_left = -1,
					    .tcp_flags = TF_ACK | TF_PSH | TF_FIN, .seq = 1000,
					    .ip_id = 7},
			  want, got[3], (uint16_t)n[3], MSS, false);
	vs_dp_offload_stats(dp, &os);
	CU_ASSERT_EQUAL(os.c[VS_OFFLOAD_C_TSO_SW], 2);
	CU_ASSERT_EQUAL(os.c[VS_OFFLOAD_C_SEG_SW], 2 * nseg);
	CU_ASSERT_EQUAL(os.c[VS_OFFLOAD_C_CSUM_SW], 2 * nseg);
	vs_dp_port_stats(dp, (unsigned int)idx("plain"), &ps);
	CU_ASSERT_EQUAL(ps.tx_packets, nseg);
	CU_ASSERT_EQUAL(ps.tx_bytes, (uint64_t)nseg * 58 + SUPER);
	vs_dp_port_stats(dp, (unsigned int)idx("vm"), &ps);
	CU_ASSERT_EQUAL(ps.fwd_flood, 1);
	for (i = 0; i < 4; i++)
		rte_pktmbuf_free_bulk(got[i], n[i]);
	free(want);
}

/* An IPv6 superframe to a learned station behind the port that cannot
 * segment: MSS-sized tagged segments there, nothing elsewhere. */
static void
test_unicast_superframe_v6(void)
{
	struct tf_spec s = {.v6 = true, .proto = TF_TCP, .payload = SUPER,
			    .v6_routing_left = -1, .tcp_flags = TF_ACK | TF_PSH, .seq = 5};
	struct tf_spec learn = {.proto = TF_UDP, .payload = 20, .vlan = 10};
	uint8_t *want = malloc(SUPER + 512), b[128], mac[6];
	struct rte_mbuf *m;
	uint32_t len;
	unsigned int n, i;

	/* The superframe's destination (02:..:02) speaks first, from plain. */
	len = tf_build(&learn, b);
	memcpy(mac, b, 6);
	memcpy(b, b + 6, 6);
	memcpy(b + 6, mac, 6);
	m = tf_mbuf_bytes(vs_dp_mempool(dp), b, len, 0);
	vs_dp_process_burst(dp, (uint16_t)idx("plain"), &m, 1);
	drain_free();
	inject_super(&s, want, false);
	n = drain("plain", got[1]);
	s.vlan = 10;
	tf_check_segments(&s, want, got[1], (uint16_t)n, MSS, true);
	rte_pktmbuf_free_bulk(got[1], n);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(drain(trunks[i], got[i]), 0);
	free(want);
}

/* Checksum requests: a port that computes them gets the frame as it was
 * with its request and header lengths, the others one with correct
 * checksums (a private header shared by both). */
static void
test_checksum_requests(void)
{
	struct tf_spec s = {.proto = TF_UDP, .payload = 300, .v4_opt_len = 8};
	uint8_t b[512], *bytes;
	struct rte_mbuf *m;
	struct tf_view v;
	unsigned int n[4], i;
	uint32_t len = tf_build(&s, b);

	memset(b, 0xff, 6);
	m = tf_mbuf_bytes(vs_dp_mempool(dp), b, len, 0);
	m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_UDP_CKSUM;
	vs_dp_process_burst(dp, (uint16_t)idx("vm"), &m, 1);
	for (i = 0; i < 4; i++) {
		n[i] = drain(trunks[i], got[i]);
		CU_ASSERT_EQUAL_FATAL(n[i], 1);
	}
	CU_ASSERT_PTR_EQUAL(got[0][0], got[3][0]); /* both capable: the frame itself */
	CU_ASSERT_PTR_EQUAL(got[1][0], got[2][0]); /* both not: one private header */
	CU_ASSERT_PTR_NOT_EQUAL(got[0][0], got[1][0]);
	CU_ASSERT_EQUAL(got[0][0]->l2_len, 18);
	CU_ASSERT_EQUAL(got[0][0]->l3_len, 28);
	CU_ASSERT_EQUAL(got[0][0]->ol_flags & VS_OFFLOAD_TX_REQUESTS,
			RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_UDP_CKSUM);
	len = tf_flatten(got[0][0], &bytes);
	tf_view(bytes, len, &v);
	CU_ASSERT(v.ok && v.vlan == 10 && !v.l4_csum_ok); /* left to the port */
	free(bytes);
	len = tf_flatten(got[1][0], &bytes);
	tf_view(bytes, len, &v);
	CU_ASSERT(v.ok && v.vlan == 10 && v.ip_csum_ok && v.l4_csum_ok);
	CU_ASSERT_EQUAL(got[1][0]->ol_flags & VS_OFFLOAD_TX_REQUESTS, 0);
	free(bytes);
	for (i = 0; i < 4; i++)
		rte_pktmbuf_free(got[i][0]);
}

/* Settings change live; a request nothing can honour is dropped on every
 * egress port under offload_refused. */
static void
test_settings_and_refusal(void)
{
	struct vs_offload_settings o = {.tso_off = true};
	struct tf_spec s = {.proto = TF_TCP, .payload = 10000, .v6_routing_left = -1};
	struct tf_spec u = {.proto = TF_UDP, .payload = 3000};
	uint8_t *want = malloc(10512), b[4096];
	struct vs_port_stats ps;
	uint32_t sup, act, len;
	struct rte_mbuf *m;
	char err[128];
	unsigned int n, i;

	CU_ASSERT_EQUAL(vs_dp_port_offload_caps(dp, (unsigned int)idx("tso"), &sup, &act), 0);
	CU_ASSERT_EQUAL(sup, VS_OFFLOAD_CKSUM_ALL | VS_OFFLOAD_TSO_ALL | VS_OFFLOAD_RX_CKSUM);
	CU_ASSERT_EQUAL(act, sup);
	CU_ASSERT_EQUAL(vs_dp_port_set_offload(dp, "tso", &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_offload_caps(dp, (unsigned int)idx("tso"), &sup, &act), 0);
	CU_ASSERT_EQUAL(act, VS_OFFLOAD_CKSUM_ALL | VS_OFFLOAD_RX_CKSUM);
	CU_ASSERT_EQUAL(vs_dp_port_set_offload(dp, "nope", &o, err, sizeof(err)), -ENOENT);
	inject_super(&s, want, true);
	n = drain("tso", got[0]);
	CU_ASSERT_EQUAL(n, (10000 + MSS - 1) / MSS);
	rte_pktmbuf_free_bulk(got[0], n);
	drain_free();
	memset(&o, 0, sizeof(o));
	CU_ASSERT_EQUAL(vs_dp_port_set_offload(dp, "tso", &o, err, sizeof(err)), 0);

	vs_dp_stats_clear(dp);
	len = tf_build(&u, b);
	memset(b, 0xff, 6);
	m = tf_mbuf_bytes(vs_dp_mempool(dp), b, len, 0);
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_IPV4; /* TSO of UDP */
	m->tso_segsz = MSS;
	vs_dp_process_burst(dp, (uint16_t)idx("vm"), &m, 1);
	for (i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(drain(trunks[i], got[i]), 0);
		vs_dp_port_stats(dp, (unsigned int)idx(trunks[i]), &ps);
		CU_ASSERT_EQUAL(ps.drops[VS_DROP_OFFLOAD_REFUSED], 1);
	}
	CU_ASSERT_STRING_EQUAL(vs_drop_reason_name(VS_DROP_OFFLOAD_REFUSED), "offload_refused");
	free(want);
}

CU_ErrorCode
vs_test_register_offload(void)
{
	CU_pSuite s = CU_add_suite("offload through the pipeline", setup, teardown);

	if (s == NULL || !CU_add_test(s, "flooded superframe", test_flood_superframe) ||
	    !CU_add_test(s, "unicast IPv6 superframe", test_unicast_superframe_v6) ||
	    !CU_add_test(s, "checksum requests", test_checksum_requests) ||
	    !CU_add_test(s, "settings and refusals", test_settings_and_refusal))
		return CU_get_error();
	return CUE_SUCCESS;
}
