/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pipeline through real ring ports: forwarding decisions, every drop
 * reason and its counter, flooding by reference, isolation, port lifecycle,
 * a random workload compared frame by frame with a naive reference switch
 * at burst sizes that hit full and partial bursts, and live reconfiguration
 * under a running worker.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "test_env.h"
#include "vswitch.h"

static struct vs_dp *dp;
static uint64_t clock_ns;
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void
mac(uint8_t out[6], unsigned int n)
{
	memset(out, 0, 6);
	out[0] = 0x02;
	out[4] = (uint8_t)(n >> 8);
	out[5] = (uint8_t)n;
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

/* Dequeues everything port `name` transmitted; returns the count. */
static unsigned int
drain(const char *name, struct rte_mbuf **out, unsigned int max)
{
	struct rte_ring *r = vs_dp_port_tx_ring(dp, (unsigned int)idx(name));

	return rte_ring_dequeue_burst(r, (void **)out, max, NULL);
}

static unsigned int
drain_free(const char *name)
{
	struct rte_mbuf *m[512];
	unsigned int n, total = 0;

	while ((n = drain(name, m, 512)) > 0) {
		rte_pktmbuf_free_bulk(m, n);
		total += n;
	}
	return total;
}

static void
drain_all(void)
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

	mac(A, 1);
	mac(B, 2);
	drain_all();
	send1("a", BCAST, A, 0x0806, 60);
	/* One frame, three ports, one buffer shared by reference. */
	CU_ASSERT_EQUAL_FATAL(drain("b", m, 8), 1);
	first = m[0];
	CU_ASSERT_EQUAL(rte_mbuf_refcnt_read(first), 3);
	rte_pktmbuf_free(first);
	CU_ASSERT_EQUAL(drain("c", m, 8), 1);
	CU_ASSERT_PTR_EQUAL(m[0], first);
	rte_pktmbuf_free(m[0]);
	CU_ASSERT_EQUAL(drain("d", m, 8), 1);
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

	mac(A, 1);
	mac(C, 3);
	memcpy(MC, C, 6);
	MC[0] |= 1;
	drain_all();
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

	mac(A, 1);
	mac(X, 0x77);
	drain_all();
	/* A is known in sw0 (on a); in sw1 it is unknown and floods only there. */
	send1("x", A, X, 0x0800, 60);
	CU_ASSERT_EQUAL(drain_free("y"), 1);
	CU_ASSERT_EQUAL(drain_free("a") + drain_free("b") + drain_free("c") + drain_free("d"), 0);
	send1("a", BCAST, X, 0x0800, 60); /* the same MAC in sw0 */
	CU_ASSERT_EQUAL(drain_free("x") + drain_free("y"), 0);
	CU_ASSERT_EQUAL(drain_free("b"), 1);
	drain_all();
}

static void
test_admin_down(void)
{
	char err[256];
	uint8_t D[6];

	mac(D, 4);
	drain_all();
	CU_ASSERT_EQUAL(vs_dp_port_set_admin(dp, "d", false, err, sizeof(err)), 0);
	send1("a", BCAST, D, 0x0800, 60);
	CU_ASSERT_EQUAL(drain_free("d"), 0);
	CU_ASSERT_EQUAL(drain_free("b"), 1);
	send1("d", BCAST, D, 0x0800, 60);
	CU_ASSERT_EQUAL(stats("d").drops[VS_DROP_PORT_DOWN], 1);
	CU_ASSERT_EQUAL(vs_dp_port_set_admin(dp, "d", true, err, sizeof(err)), 0);
	drain_all();
}

static void
test_port_reuse_forgets(void)
{
	struct vs_port_conf pc = {.kind = VS_PORT_RING};
	char err[256];
	uint8_t A[6], Z[6];
	int old;

	mac(A, 1);
	mac(Z, 0x99);
	drain_all();
	send1("c", BCAST, Z, 0x0800, 60); /* Z learned on c */
	drain_all();
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
	drain_all();
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

	mac(A, 0x31);
	mac(B, 0x32);
	drain_all();
	send1("a", BCAST, A, 0x0800, 60); /* A learned on a */
	drain_all();
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

	mac(A, 0x51);
	mac(D, 0x54);
	mac(X, 0x58);
	mac(U, 0x5f);
	drain_all();
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
	drain_all();
	/* Spoofing allowed: other sources pass and unknown unicast arrives. */
	sec.mac_spoofing = true;
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_set_security(dp, "d", &sec, err, sizeof(err)), 0);
	send1("d", BCAST, X, 0x0800, 60);
	CU_ASSERT_EQUAL(drain_free("a"), 1);
	send1("a", U, A, 0x0800, 60);
	CU_ASSERT_EQUAL(drain_free("d"), 1);
	sec.has_mac = sec.mac_spoofing = false;
	CU_ASSERT_EQUAL(vs_dp_port_set_security(dp, "d", &sec, err, sizeof(err)), 0);
	drain_all();
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

	mac(A, 0x61);
	mac(D, 0x64);
	drain_all();
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
	CU_ASSERT_EQUAL_FATAL(drain("d", m, 4), 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m[0]), 64); /* tagged for the trunk */
	rte_pktmbuf_free(m[0]);
	CU_ASSERT_EQUAL(drain_free("b") + drain_free("c"), 0);
	sec.has_mac = false;
	vs_dp_port_set_security(dp, "d", &sec, err, sizeof(err));
	vs_dp_port_set_vlan(dp, "d", &un, err, sizeof(err));
	vs_dp_port_set_vlan(dp, "a", &un, err, sizeof(err));
	drain_all();
}

/* The naive reference switch: a list of (switch, MAC) -> port. */
struct ref {
	int port_of[2][64]; /* switch, host -> port index or -1 */
};

/*
 * Random hosts on the ports of sw0 talk, some broadcast, some move; each
 * round injects a burst of `size` frames into one port's receive ring and
 * polls.  The reference computes each frame's egress set with the same
 * burst semantics (all sources of a 32-frame chunk learned before lookups)
 * and the frames seen on every port must match it exactly and in order.
 */
static void
run_random(unsigned int size, unsigned int rounds)
{
	static const char *const names[] = {"a", "b", "c", "d"};
	static struct rte_mbuf *pkts[512];
	static uint16_t want_seq[4][4096];
	struct ref ref;
	unsigned int want_n[4] = {0}, got_n[4] = {0}, mismatch = 0;
	unsigned int round, i, p, seq = 0;
	int host_port[64];
	uint8_t src[6], dst[6];
	char err[256];

	memset(&ref, 0xff, sizeof(ref));
	vs_dp_fdb_flush(dp, -1);
	drain_all();
	for (i = 0; i < 64; i++)
		host_port[i] = (int)(i % 4);
	for (round = 0; round < rounds; round++) {
		unsigned int in = (unsigned int)rand() % 4, chunk0;
		struct rte_ring *rx = vs_dp_port_rx_ring(dp, (unsigned int)idx(names[in]));
		unsigned int srcs[512], dsts[512];

		if (rand() % 8 == 0) /* a station moves */
			host_port[rand() % 64] = (int)(rand() % 4);
		host_port[in] = (int)in; /* every port keeps at least one host */
		for (i = 0; i < size; i++) {
			unsigned int h;

			do
				h = (unsigned int)rand() % 64;
			while (host_port[h] != (int)in);
			srcs[i] = h;
			dsts[i] = rand() % 6 == 0 ? 64u : (unsigned int)rand() % 64; /* 64: bcast */
			mac(src, h + 1);
			if (dsts[i] == 64)
				memcpy(dst, BCAST, 6);
			else
				mac(dst, dsts[i] + 1);
			pkts[i] = vs_test_frame(dp, dst, src, 0x0800, 60 + (seq % 64), 0);
			CU_ASSERT_PTR_NOT_NULL_FATAL(pkts[i]);
			/* The sequence number rides in the payload. */
			*rte_pktmbuf_mtod_offset(pkts[i], uint16_t *, 20) = (uint16_t)seq;
			srcs[i] |= seq << 8;
			seq++;
		}
		CU_ASSERT_EQUAL_FATAL(rte_ring_enqueue_burst(rx, (void **)pkts, size, NULL), size);
		for (chunk0 = 0; chunk0 < size; chunk0 += VS_BURST) {
			unsigned int end = RTE_MIN(size, chunk0 + VS_BURST);

			for (i = chunk0; i < end; i++)
				ref.port_of[0][srcs[i] & 0xff] = (int)in;
			for (i = chunk0; i < end; i++) {
				int out = dsts[i] == 64 ? -1 : ref.port_of[0][dsts[i]];

				for (p = 0; p < 4; p++) {
					if (p == in || (out >= 0 && (int)p != out))
						continue;
					want_seq[p][want_n[p]++] = (uint16_t)(srcs[i] >> 8);
				}
			}
		}
		while (vs_dp_poll_once(dp) > 0)
			;
		for (p = 0; p < 4; p++) {
			unsigned int n;

			while ((n = drain(names[p], pkts, 512)) > 0) {
				for (i = 0; i < n; i++) {
					uint16_t s = *rte_pktmbuf_mtod_offset(pkts[i], uint16_t *, 20);

					if (got_n[p] >= want_n[p] || want_seq[p][got_n[p]] != s)
						mismatch++;
					got_n[p]++;
				}
				rte_pktmbuf_free_bulk(pkts, n);
			}
		}
		if (want_n[0] > 3500 || want_n[1] > 3500 || want_n[2] > 3500 || want_n[3] > 3500) {
			for (p = 0; p < 4; p++) {
				CU_ASSERT_EQUAL(got_n[p], want_n[p]);
				got_n[p] = want_n[p] = 0;
			}
		}
	}
	for (p = 0; p < 4; p++)
		CU_ASSERT_EQUAL(got_n[p], want_n[p]);
	CU_ASSERT_EQUAL(mismatch, 0);
	(void)err;
}

static void test_random_1(void) { run_random(1, 400); }
static void test_random_3(void) { run_random(3, 200); }
static void test_random_4(void) { run_random(4, 200); }
static void test_random_5(void) { run_random(5, 200); }
static void test_random_32(void) { run_random(32, 60); }
static void test_random_33(void) { run_random(33, 60); }
static void test_random_257(void) { run_random(257, 12); }

struct feeder {
	volatile int stop;
	unsigned int sent; /* written by the feeder only */
};

static void *
feed(void *arg)
{
	struct feeder *f = arg;
	struct rte_ring *rx = vs_dp_port_rx_ring(dp, (unsigned int)idx("x"));
	uint8_t A[6], B[6];

	mac(A, 0x41);
	mac(B, 0x42);
	while (!f->stop) {
		struct rte_mbuf *m = vs_test_frame(dp, (f->sent & 1) ? B : BCAST, A, 0x0800, 64, 1);

		if (m == NULL)
			continue;
		if (rte_ring_enqueue(rx, m) != 0) {
			rte_pktmbuf_free(m);
			continue;
		}
		__atomic_store_n(&f->sent, f->sent + 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* A running worker keeps switching sw1 (x -> y) while the control thread
 * adds and deletes ports of sw0 and flips admin state; nothing is lost. */
static void
test_live_reconfiguration(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024, .n_workers = 1};
	struct vs_switch_conf sc = {.type = VS_SWITCH_PRIVATE};
	struct vs_port_conf pc = {.kind = VS_PORT_RING, .ring_size = 8192};
	struct feeder f = {0};
	struct vs_port_stats sx, sy;
	pthread_t th;
	char err[256];
	unsigned int i, got = 0, r;
	uint64_t drops = 0;

	if (rte_lcore_count() < 2) {
		CU_FAIL("needs two EAL lcores");
		return;
	}
	teardown();
	dp = vs_dp_create(&dc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(dp);
	strcpy(sc.name, "sw1");
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(dp, &sc, err, sizeof(err)), 0);
	strcpy(sc.name, "sw0");
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(dp, &sc, err, sizeof(err)), 0);
	strcpy(pc.switch_name, "sw1");
	strcpy(pc.name, "x");
	if (vs_dp_port_add(dp, &pc, err, sizeof(err)) != 0)
		fprintf(stderr, "%s\n", err);
	strcpy(pc.name, "y");
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(dp, &pc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(vs_dp_start(dp, err, sizeof(err)), 0);
	pthread_create(&th, NULL, feed, &f);
	strcpy(pc.switch_name, "sw0");
	/* Reconfigure at least 200 times and until 50000 frames went through. */
	for (i = 0; i < 200 || (__atomic_load_n(&f.sent, __ATOMIC_RELAXED) < 50000 && i < 1000000);
	     i++) {
		snprintf(pc.name, sizeof(pc.name), "t%u", i % 5);
		if (vs_dp_port_index(dp, pc.name) >= 0)
			CU_ASSERT_EQUAL(vs_dp_port_del(dp, pc.name, err, sizeof(err)), 0)
		else
			CU_ASSERT_EQUAL(vs_dp_port_add(dp, &pc, err, sizeof(err)), 0);
		got += drain_free("y");
	}
	f.stop = 1;
	pthread_join(th, NULL);
	/* Let the worker empty x's receive ring before stopping it. */
	while (rte_ring_count(vs_dp_port_rx_ring(dp, (unsigned int)idx("x"))) > 0)
		got += drain_free("y");
	vs_dp_stop(dp);
	got += drain_free("y");
	vs_dp_port_stats(dp, (unsigned int)idx("x"), &sx);
	vs_dp_port_stats(dp, (unsigned int)idx("y"), &sy);
	for (r = 0; r < VS_DROP_MAX; r++)
		drops += sx.drops[r];
	CU_ASSERT(f.sent > 0);
	CU_ASSERT_EQUAL(sx.rx_packets, f.sent);
	CU_ASSERT_EQUAL(drops, 0);
	CU_ASSERT_EQUAL(sy.tx_packets + sy.drops[VS_DROP_TX_FULL], f.sent);
	CU_ASSERT_EQUAL(got, sy.tx_packets);
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
	    !CU_add_test(s, "a locked MAC is its port's in every VLAN of its trunk", test_locked_mac_on_trunk) ||
	    !CU_add_test(s, "random vs reference, burst 1", test_random_1) ||
	    !CU_add_test(s, "random vs reference, burst 3", test_random_3) ||
	    !CU_add_test(s, "random vs reference, burst 4", test_random_4) ||
	    !CU_add_test(s, "random vs reference, burst 5", test_random_5) ||
	    !CU_add_test(s, "random vs reference, burst 32", test_random_32) ||
	    !CU_add_test(s, "random vs reference, burst 33", test_random_33) ||
	    !CU_add_test(s, "random vs reference, burst 257", test_random_257) ||
	    !CU_add_test(s, "live reconfiguration under a worker", test_live_reconfiguration))
		return CU_get_error();
	return CUE_SUCCESS;
}
