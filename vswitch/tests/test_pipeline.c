/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pipeline through real ring ports: forwarding decisions, every drop
 * reason and its counter, flooding by reference, isolation, port lifecycle,
 * trace and port security.  The suite ends with its tests under load, a
 * random workload against a reference switch and live reconfiguration
 * (test_pipeline_load.c), on the datapath this file sets up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "test_env.h"
#include "vswitch.h"

static struct vs_dp *dp;
static uint64_t clock_ns;
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void
vs_test_pipeline_mac(uint8_t out[6], unsigned int n)
{
	memset(out, 0, 6);
	out[0] = 0x02;
	out[4] = (uint8_t)(n >> 8);
	out[5] = (uint8_t)n;
}

struct vs_dp *
vs_test_pipeline_dp(void)
{
	return dp;
}

static int
idx(const char *name)
{
	return vs_dp_port_index(dp, name);
}

/* sw0: a b c d; sw1: x y */
static int
setup(void)
{
	static const char *const sw0[] = {"a", "b", "c", "d"};
	struct vs_dp_conf dc = {.fdb_size = 1024, .fdb_aging_s = 300};
	struct vs_switch_conf sc = {.type = VS_SWITCH_PRIVATE};
	struct vs_port_conf pc = {.kind = VS_PORT_RING, .ring_size = 4096};
	char err[256];
	unsigned int i;

	dp = vs_dp_create(&dc, err, sizeof(err));
	if (dp == NULL)
		return -1;
	clock_ns = 1000000000ull;
	vs_dp_set_clock(dp, vs_test_clock, &clock_ns);
	strcpy(sc.name, "sw0");
	if (vs_dp_switch_add(dp, &sc, err, sizeof(err)) != 0)
		return -1;
	strcpy(sc.name, "sw1");
	if (vs_dp_switch_add(dp, &sc, err, sizeof(err)) != 0)
		return -1;
	for (i = 0; i < 6; i++) {
		strcpy(pc.switch_name, i < 4 ? "sw0" : "sw1");
		strcpy(pc.name, i < 4 ? sw0[i] : (i == 4 ? "x" : "y"));
		if (vs_dp_port_add(dp, &pc, err, sizeof(err)) != 0)
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

struct vs_dp *
vs_test_pipeline_replace(const struct vs_dp_conf *dc, char *err, size_t errlen)
{
	teardown();
	dp = vs_dp_create(dc, err, errlen);
	return dp;
}

unsigned int
vs_test_pipeline_drain(const char *name, struct rte_mbuf **out, unsigned int max)
{
	struct rte_ring *r = vs_dp_port_tx_ring(dp, (unsigned int)idx(name));

	return rte_ring_dequeue_burst(r, (void **)out, max, NULL);
}

static unsigned int
drain_free(const char *name)
{
	struct rte_mbuf *m[512];
	unsigned int n, total = 0;

	while ((n = vs_test_pipeline_drain(name, m, 512)) > 0) {
		rte_pktmbuf_free_bulk(m, n);
		total += n;
	}
	return total;
}

void
vs_test_pipeline_drain_all(void)
{
	static const char *const all[] = {"a", "b", "c", "d", "x", "y"};
	unsigned int i;

	for (i = 0; i < 6; i++)
		drain_free(all[i]);
}

static void
send1(const char *port, const uint8_t dst[6], const uint8_t src[6], uint16_t type,
      uint32_t len)
{
	struct rte_mbuf *m = vs_test_frame(dp, dst, src, type, len, 0x5a);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	vs_dp_process_burst(dp, (uint16_t)idx(port), &m, 1);
}

static struct vs_port_stats
stats(const char *port)
{
	struct vs_port_stats s;

	vs_dp_port_stats(dp, (unsigned int)idx(port), &s);
	return s;
}

static void
test_flood_then_unicast(void)
{
	uint8_t A[6], B[6];
	struct rte_mbuf *m[8], *first;

	vs_test_pipeline_mac(A, 1);
	vs_test_pipeline_mac(B, 2);
	vs_test_pipeline_drain_all();
	send1("a", BCAST, A, 0x0806, 60);
	/* One frame, three ports, one buffer shared by reference. */
	CU_ASSERT_EQUAL_FATAL(vs_test_pipeline_drain("b", m, 8), 1);
	first = m[0];
	CU_ASSERT_EQUAL(rte_mbuf_refcnt_read(first), 3);
	rte_pktmbuf_free(first);
	CU_ASSERT_EQUAL(vs_test_pipeline_drain("c", m, 8), 1);
	CU_ASSERT_PTR_EQUAL(m[0], first);
	rte_pktmbuf_free(m[0]);
	CU_ASSERT_EQUAL(vs_test_pipeline_drain("d", m, 8), 1);
	CU_ASSERT_PTR_EQUAL(m[0], first);
	rte_pktmbuf_free(m[0]);
	CU_ASSERT_EQUAL(drain_free("a"), 0); /* never back out of the ingress */
	CU_ASSERT_EQUAL(drain_free("x") + drain_free("y"), 0);

	send1("b", A, B, 0x0800, 60); /* A is known: only a */
	CU_ASSERT_EQUAL(drain_free("a"), 1);
	CU_ASSERT_EQUAL(drain_free("c") + drain_free("d"), 0);
	send1("a", B, A, 0x0800, 60);
	CU_ASSERT_EQUAL(drain_free("b"), 1);
	CU_ASSERT_EQUAL(drain_free("c") + drain_free("d"), 0);
	CU_ASSERT_EQUAL(stats("a").fwd_flood, 1);
	CU_ASSERT_EQUAL(stats("a").fwd_unicast, 1);
	CU_ASSERT_EQUAL(stats("b").fwd_unicast, 1);
}

static void
test_drop_reasons(void)
{
	static const uint8_t STP[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00};
	static const uint8_t LLDP[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};
	static const uint8_t NOT_RESERVED[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x10};
	uint8_t A[6], C[6], MC[6];
	struct vs_port_stats before = stats("c"), s;
	unsigned int r;
	uint64_t sum = 0;

	vs_test_pipeline_mac(A, 1);
	vs_test_pipeline_mac(C, 3);
	memcpy(MC, C, 6);
	MC[0] |= 1;
	vs_test_pipeline_drain_all();
	send1("c", A, C, 0x0800, 13);          /* runt */
	send1("c", A, C, 0x0800, 0);           /* empty */
	send1("c", A, C, 200, 60);             /* 802.3 length 200 > 46 */
	send1("c", A, C, 1510, 1600);          /* neither length nor type */
	send1("c", A, C, 46, 60);              /* 802.3, fits: forwarded */
	send1("c", STP, C, 38, 60);            /* reserved */
	send1("c", LLDP, C, 0x88cc, 60);       /* reserved */
	send1("c", NOT_RESERVED, C, 0x0800, 60); /* ordinary multicast: flooded */
	send1("c", A, MC, 0x0800, 60);         /* group source */
	send1("c", C, C, 0x0800, 60);          /* to itself: hairpin */
	s = stats("c");
	CU_ASSERT_EQUAL(s.drops[VS_DROP_RUNT] - before.drops[VS_DROP_RUNT], 2);
	CU_ASSERT_EQUAL(s.drops[VS_DROP_BAD_LENGTH] - before.drops[VS_DROP_BAD_LENGTH], 2);
	CU_ASSERT_EQUAL(s.drops[VS_DROP_RESERVED_GROUP] - before.drops[VS_DROP_RESERVED_GROUP], 2);
	CU_ASSERT_EQUAL(s.drops[VS_DROP_SRC_MULTICAST] - before.drops[VS_DROP_SRC_MULTICAST], 1);
	CU_ASSERT_EQUAL(s.drops[VS_DROP_HAIRPIN] - before.drops[VS_DROP_HAIRPIN], 1);
	CU_ASSERT_EQUAL(s.rx_packets - before.rx_packets, 10);
	CU_ASSERT_EQUAL(drain_free("a"), 2); /* the 802.3 frame (A known) + multicast */
	CU_ASSERT_EQUAL(drain_free("b"), 1);
	/* Every received frame is forwarded or dropped for one counted reason. */
	for (r = 0; r < VS_DROP_MAX; r++)
		if (r != VS_DROP_TX_FULL)
			sum += s.drops[r];
	CU_ASSERT_EQUAL(s.rx_packets, s.fwd_unicast + s.fwd_flood + sum);
}

static void
test_switches_isolated(void)
{
	uint8_t A[6], X[6];

	vs_test_pipeline_mac(A, 1);
	vs_test_pipeline_mac(X, 0x77);
	vs_test_pipeline_drain_all();
	/* A is known in sw0 (on a); in sw1 it is unknown and floods only there. */
	send1("x", A, X, 0x0800, 60);
	CU_ASSERT_EQUAL(drain_free("y"), 1);
	CU_ASSERT_EQUAL(drain_free("a") + drain_free("b") + drain_free("c") + drain_free("d"), 0);
	send1("a", BCAST, X, 0x0800, 60); /* the same MAC in sw0 */
	CU_ASSERT_EQUAL(drain_free("x") + drain_free("y"), 0);
	CU_ASSERT_EQUAL(drain_free("b"), 1);
	vs_test_pipeline_drain_all();
}

static void
test_admin_down(void)
{
	char err[256];
	uint8_t D[6];

	vs_test_pipeline_mac(D, 4);
	vs_test_pipeline_drain_all();
	CU_ASSERT_EQUAL(vs_dp_port_set_admin(dp, "d", false, err, sizeof(err)), 0);
	send1("a", BCAST, D, 0x0800, 60);
	CU_ASSERT_EQUAL(drain_free("d"), 0);
	CU_ASSERT_EQUAL(drain_free("b"), 1);
	send1("d", BCAST, D, 0x0800, 60);
	CU_ASSERT_EQUAL(stats("d").drops[VS_DROP_PORT_DOWN], 1);
	CU_ASSERT_EQUAL(vs_dp_port_set_admin(dp, "d", true, err, sizeof(err)), 0);
	vs_test_pipeline_drain_all();
}

static void
test_port_reuse_forgets(void)
{
	struct vs_port_conf pc = {.kind = VS_PORT_RING};
	char err[256];
	uint8_t A[6], Z[6];
	int old;

	vs_test_pipeline_mac(A, 1);
	vs_test_pipeline_mac(Z, 0x99);
	vs_test_pipeline_drain_all();
	send1("c", BCAST, Z, 0x0800, 60); /* Z learned on c */
	vs_test_pipeline_drain_all();
	old = idx("c");
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "c", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "c", err, sizeof(err)), -ENOENT);
	strcpy(pc.name, "c2");
	strcpy(pc.switch_name, "sw0");
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(dp, &pc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(idx("c2"), old); /* same slot, new generation */
	send1("a", Z, A, 0x0800, 60);    /* Z unknown again: flooded */
	CU_ASSERT_EQUAL(drain_free("b"), 1);
	CU_ASSERT_EQUAL(drain_free("c2"), 1);
	CU_ASSERT_EQUAL(stats("c2").rx_packets, 0);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "c2", err, sizeof(err)), 0);
	strcpy(pc.name, "c");
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(dp, &pc, err, sizeof(err)), 0);
	vs_test_pipeline_drain_all();
}

static void
test_config_errors(void)
{
	struct vs_port_conf pc = {.kind = VS_PORT_RING};
	struct vs_switch_conf sc = {.type = VS_SWITCH_PRIVATE};
	char err[256];

	strcpy(pc.name, "a");
	strcpy(pc.switch_name, "sw0");
	CU_ASSERT_EQUAL(vs_dp_port_add(dp, &pc, err, sizeof(err)), -EEXIST);
	strcpy(pc.name, "new");
	strcpy(pc.switch_name, "nope");
	CU_ASSERT_EQUAL(vs_dp_port_add(dp, &pc, err, sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nope"));
	strcpy(pc.switch_name, "sw0");
	pc.kind = VS_PORT_PCAP;
	strcpy(pc.rx_pcap, "/nonexistent/doesnotexist0.pcap");
	CU_ASSERT_NOT_EQUAL(vs_dp_port_add(dp, &pc, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "doesnotexist0"));
	CU_ASSERT_EQUAL(idx("new"), -ENOENT);
	strcpy(sc.name, "bad name");
	CU_ASSERT_EQUAL(vs_dp_switch_add(dp, &sc, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(vs_dp_switch_del(dp, "sw1", err, sizeof(err)), -EBUSY);
}

static void
test_trace_changes_nothing(void)
{
	uint8_t A[6], B[6], buf[64];
	struct vs_fdb_stats f0, f1;
	struct vs_port_stats s0, s1;
	struct vs_trace t;
	char err[128];
	unsigned int k;

	vs_test_pipeline_mac(A, 0x31);
	vs_test_pipeline_mac(B, 0x32);
	vs_test_pipeline_drain_all();
	send1("a", BCAST, A, 0x0800, 60); /* A learned on a */
	vs_test_pipeline_drain_all();
	vs_dp_fdb_stats(dp, &f0);
	s0 = stats("b");
	memset(buf, 0x11, sizeof(buf));
	memcpy(buf, A, 6);
	memcpy(buf + 6, B, 6);
	buf[12] = 0x08, buf[13] = 0x00;
	CU_ASSERT_EQUAL_FATAL(vs_dp_trace(dp, (unsigned int)idx("b"), buf, 60, &t, err, sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(t.drop, VS_DROP_MAX);
	CU_ASSERT(t.classified && t.vlan == 1);
	CU_ASSERT_EQUAL(t.learn, VS_TRACE_LEARN_NEW);
	CU_ASSERT_EQUAL(t.lookup_port, idx("a"));
	CU_ASSERT_EQUAL_FATAL(t.n_egress, 1);
	CU_ASSERT_EQUAL(t.egress[0].port, idx("a"));
	CU_ASSERT(t.egress[0].len == 60 && memcmp(t.egress[0].frame, buf, 60) == 0);
	vs_trace_release(&t);
	/* Nothing learned, counted or sent. */
	vs_dp_fdb_stats(dp, &f1);
	s1 = stats("b");
	CU_ASSERT_EQUAL(f1.entries, f0.entries);
	CU_ASSERT_EQUAL(f1.learned, f0.learned);
	CU_ASSERT_EQUAL(s1.rx_packets, s0.rx_packets);
	CU_ASSERT_EQUAL(drain_free("a") + drain_free("c") + drain_free("d"), 0);
	/* A broadcast shows every copy; a runt shows its reason. */
	memcpy(buf, BCAST, 6);
	CU_ASSERT_EQUAL(vs_dp_trace(dp, (unsigned int)idx("b"), buf, 60, &t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t.n_egress, 3);
	for (k = 0; k < t.n_egress; k++)
		CU_ASSERT_NOT_EQUAL(t.egress[k].port, idx("b"));
	CU_ASSERT_EQUAL(t.lookup_port, VS_TRACE_NOT_LOOKED_UP);
	vs_trace_release(&t);
	CU_ASSERT_EQUAL(vs_dp_trace(dp, (unsigned int)idx("b"), buf, 10, &t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t.drop, VS_DROP_RUNT);
	CU_ASSERT_EQUAL(t.learn, VS_TRACE_LEARN_NONE);
	CU_ASSERT_EQUAL(t.n_egress, 0);
	/* A frame to itself: known, but on the ingress port. */
	s0 = stats("a");
	memcpy(buf, A, 6);
	memcpy(buf + 6, A, 6);
	CU_ASSERT_EQUAL(vs_dp_trace(dp, (unsigned int)idx("a"), buf, 60, &t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t.drop, VS_DROP_HAIRPIN);
	CU_ASSERT_EQUAL(t.learn, VS_TRACE_LEARN_REFRESH);
	CU_ASSERT_EQUAL(t.lookup_port, VS_TRACE_KNOWN_DROPPED);
	CU_ASSERT_EQUAL(vs_dp_trace(dp, 255, buf, 60, &t, err, sizeof(err)), -ENOENT);
	CU_ASSERT_EQUAL(stats("a").rx_packets, s0.rx_packets);
	CU_ASSERT_EQUAL(stats("a").drops[VS_DROP_HAIRPIN], s0.drops[VS_DROP_HAIRPIN]);
}

static void
test_port_security(void)
{
	struct vs_port_conf sec;
	struct vs_port_stats before;
	uint8_t A[6], D[6], X[6], U[6];
	char err[128];

	vs_test_pipeline_mac(A, 0x51);
	vs_test_pipeline_mac(D, 0x54);
	vs_test_pipeline_mac(X, 0x58);
	vs_test_pipeline_mac(U, 0x5f);
	vs_test_pipeline_drain_all();
	vs_dp_fdb_flush(dp, -1);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_conf(dp, (unsigned int)idx("d"), &sec), 0);
	sec.has_mac = true;
	memcpy(sec.mac, D, 6);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_set_security(dp, "d", &sec, err, sizeof(err)), 0);
	/* Another port may not have the same MAC. */
	CU_ASSERT_EQUAL(vs_dp_port_set_security(dp, "c", &sec, err, sizeof(err)), -EEXIST);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "already the MAC of port d"));
	before = stats("d");
	send1("d", BCAST, X, 0x0800, 60); /* not its MAC */
	CU_ASSERT_EQUAL(stats("d").drops[VS_DROP_MAC_SPOOFED] - before.drops[VS_DROP_MAC_SPOOFED], 1);
	CU_ASSERT_EQUAL(drain_free("a"), 0);
	/* Known from the start: the first frame to D is unicast. */
	send1("a", D, A, 0x0800, 60);
	CU_ASSERT_EQUAL(drain_free("d"), 1);
	CU_ASSERT_EQUAL(drain_free("b") + drain_free("c"), 0);
	/* Unknown unicast skips the locked port; broadcast does not. */
	send1("a", U, A, 0x0800, 60);
	CU_ASSERT_EQUAL(drain_free("d"), 0);
	CU_ASSERT_EQUAL(drain_free("b"), 1);
	CU_ASSERT_EQUAL(drain_free("c"), 1);
	send1("a", BCAST, A, 0x0800, 60);
	CU_ASSERT_EQUAL(drain_free("d"), 1);
	vs_test_pipeline_drain_all();
	/* Spoofing allowed: other sources pass and unknown unicast arrives. */
	sec.mac_spoofing = true;
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_set_security(dp, "d", &sec, err, sizeof(err)), 0);
	send1("d", BCAST, X, 0x0800, 60);
	CU_ASSERT_EQUAL(drain_free("a"), 1);
	send1("a", U, A, 0x0800, 60);
	CU_ASSERT_EQUAL(drain_free("d"), 1);
	sec.has_mac = sec.mac_spoofing = false;
	CU_ASSERT_EQUAL(vs_dp_port_set_security(dp, "d", &sec, err, sizeof(err)), 0);
	vs_test_pipeline_drain_all();
}

/* A VM's MAC is its own in every VLAN its trunk carries, not only where its
 * static entry lives. */
static void
test_locked_mac_on_trunk(void)
{
	struct vs_vlan_policy trunk, acc, un;
	struct vs_port_conf sec;
	struct rte_mbuf *m[4];
	uint8_t A[6], D[6];
	char err[128];

	vs_test_pipeline_mac(A, 0x61);
	vs_test_pipeline_mac(D, 0x64);
	vs_test_pipeline_drain_all();
	vs_vlan_policy_trunk(&trunk, "10,20", 0, 0, err, sizeof(err));
	vs_vlan_policy_access(&acc, 20, 0, err, sizeof(err));
	vs_vlan_policy_untagged(&un);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_set_vlan(dp, "d", &trunk, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_set_vlan(dp, "a", &acc, err, sizeof(err)), 0);
	vs_dp_port_conf(dp, (unsigned int)idx("d"), &sec);
	sec.has_mac = true;
	memcpy(sec.mac, D, 6);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_set_security(dp, "d", &sec, err, sizeof(err)), 0);
	send1("a", D, A, 0x0800, 60); /* VLAN 20, no entry for D there */
	CU_ASSERT_EQUAL_FATAL(vs_test_pipeline_drain("d", m, 4), 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m[0]), 64); /* tagged for the trunk */
	rte_pktmbuf_free(m[0]);
	CU_ASSERT_EQUAL(drain_free("b") + drain_free("c"), 0);
	sec.has_mac = false;
	vs_dp_port_set_security(dp, "d", &sec, err, sizeof(err));
	vs_dp_port_set_vlan(dp, "d", &un, err, sizeof(err));
	vs_dp_port_set_vlan(dp, "a", &un, err, sizeof(err));
	vs_test_pipeline_drain_all();
}

CU_ErrorCode
vs_test_register_pipeline(void)
{
	CU_pSuite s = CU_add_suite("pipeline", setup, teardown);

	srand(7);
	if (s == NULL || !CU_add_test(s, "flood by reference, then unicast", test_flood_then_unicast) ||
	    !CU_add_test(s, "every drop reason is counted", test_drop_reasons) ||
	    !CU_add_test(s, "switches are isolated", test_switches_isolated) ||
	    !CU_add_test(s, "admin down port", test_admin_down) ||
	    !CU_add_test(s, "reused port slot forgets old stations", test_port_reuse_forgets) ||
	    !CU_add_test(s, "configuration errors name the field", test_config_errors) ||
	    !CU_add_test(s, "trace shows decisions and changes nothing", test_trace_changes_nothing) ||
	    !CU_add_test(s, "port security: known MAC, spoofing, unknown unicast", test_port_security) ||
	    !CU_add_test(s, "a locked MAC is its port's in every VLAN of its trunk", test_locked_mac_on_trunk))
		return CU_get_error();
	return vs_test_register_pipeline_load(s);
}
