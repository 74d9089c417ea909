/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generator, read back with libpcap: frame counts and sizes (IMIX,
 * jumbo, growth to fit the headers), addresses, VLANs and flows, and every
 * header field and checksum checked by a parser and an RFC 1071 sum
 * written here (not DPDK's: DPDK computed them).  Then DPDK's own
 * classifier and the loader's station counts.  The configuration's
 * defaults, description and validation messages: test_gen_conf.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>
#include <pcap/pcap.h>
#include <rte_mbuf.h>
#include <rte_mbuf_ptype.h>
#include <rte_net.h>

#include "perf.h"
#include "test_perf.h"

static const uint16_t IMIX[12] = {64, 594, 64, 64, 594, 64, 1518, 64, 594, 64, 64, 594};

static struct rte_mempool *mp;

/* ---- an independent reader --------------------------------------------- */

static uint64_t
mac48(const uint8_t *m)
{
	return (uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 | (uint64_t)m[2] << 24 |
	       (uint64_t)m[3] << 16 | (uint64_t)m[4] << 8 | m[5];
}

static uint32_t
be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t
be32(const uint8_t *p)
{
	return be16(p) << 16 | be16(p + 2);
}

/* RFC 1071: the 16-bit one's-complement sum, carries folded at the end. */
static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	for (; n > 1; n -= 2, p += 2)
		acc += be16(p);
	if (n)
		acc += (uint32_t)p[0] << 8;
	return acc;
}

static uint16_t
fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* What frame i of conf c must hold on the wire (incl. FCS). */
static uint32_t
want_wire(const struct vs_perf_gen_conf *c, uint32_t i)
{
	uint32_t asked = c->size == VS_PERF_SIZE_IMIX ? IMIX[i % 12] : c->size;
	uint32_t need = 14 + (c->n_vlans ? 4 : 0) + (c->l3 == VS_PERF_L3_IPV6 ? 40 : 20) +
			(c->l4 == VS_PERF_L4_TCP ? 20 : 8) + 4 + 4;

	return asked > need ? asked : need;
}

struct tuple {
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
};

/* Parses frame i; NULL when it holds what conf c says, else what is wrong. */
static const char *
check_frame(const struct vs_perf_gen_conf *c, uint32_t i, const uint8_t *f, uint32_t len,
	    struct tuple *t)
{
	uint32_t l3 = 14, l4, plen, alen, seq_off;
	uint8_t proto = c->l4 == VS_PERF_L4_TCP ? 6 : 17;
	uint32_t acc;

	if (len + 4 != want_wire(c, i))
		return "size";
	if (mac48(f) != mac48(c->dst_mac) + i % c->dst_macs)
		return "destination MAC";
	if (mac48(f + 6) != mac48(c->src_mac) + i % c->src_macs)
		return "source MAC";
	if (c->n_vlans) {
		if (be16(f + 12) != 0x8100 || be16(f + 14) != c->vlans[i % c->n_vlans])
			return "VLAN tag";
		l3 += 4;
	}
	memset(t, 0, sizeof(*t));
	if (c->l3 == VS_PERF_L3_IPV4) {
		if (be16(f + l3 - 2) != 0x0800 || f[l3] != 0x45 || f[l3 + 9] != proto)
			return "IPv4 header";
		if (be16(f + l3 + 2) != len - l3)
			return "IPv4 total length";
		if (fold(sum16(f + l3, 20, 0)) != 0xffff)
			return "IPv4 header checksum";
		l4 = l3 + 20;
		memcpy(t->src, f + l3 + 12, 4);
		memcpy(t->dst, f + l3 + 16, 4);
		alen = 4;
	} else {
		if (be16(f + l3 - 2) != 0x86dd || f[l3] >> 4 != 6 || f[l3 + 6] != proto)
			return "IPv6 header";
		if (be16(f + l3 + 4) != len - l3 - 40)
			return "IPv6 payload length";
		l4 = l3 + 40;
		memcpy(t->src, f + l3 + 8, 16);
		memcpy(t->dst, f + l3 + 24, 16);
		alen = 16;
	}
	plen = len - l4;
	/* Pseudo-header: addresses, protocol, L4 length. */
	acc = sum16(t->src, alen, 0);
	acc = sum16(t->dst, alen, acc) + proto + plen;
	if (fold(sum16(f + l4, plen, acc)) != 0xffff)
		return "L4 checksum";
	t->sport = (uint16_t)be16(f + l4);
	t->dport = (uint16_t)be16(f + l4 + 2);
	if (c->l4 == VS_PERF_L4_UDP) {
		if (be16(f + l4 + 4) != plen || be16(f + l4 + 6) == 0)
			return "UDP length or checksum absent";
		seq_off = l4 + 8;
	} else {
		if (f[l4 + 12] >> 4 != 5 || be32(f + l4 + 4) != i)
			return "TCP header";
		seq_off = l4 + 20;
	}
	if (be32(f + seq_off) != i)
		return "sequence number";
	return NULL;
}

struct readback {
	const struct vs_perf_gen_conf *c;
	uint32_t n, bad;
	const char *first_bad;
	uint32_t first_bad_i;
	struct tuple *tuples; /* optional, n_tuples entries */
	uint32_t n_tuples;
};

static void
readback_one(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct readback *r = (struct readback *)user;
	struct tuple t;
	const char *why = h->caplen != h->len ? "caplen != len"
					      : check_frame(r->c, r->n, bytes, h->caplen, &t);

	if (why != NULL && r->bad++ == 0) {
		r->first_bad = why;
		r->first_bad_i = r->n;
	}
	if (why == NULL && r->n < r->n_tuples)
		r->tuples[r->n] = t;
	r->n++;
}

/* Writes conf c to name and checks every frame; returns the frame count. */
static uint32_t
gen_and_check(const struct vs_perf_gen_conf *c, const char *name, struct tuple *tuples,
	      uint32_t n_tuples)
{
	char path[256], err[256], ebuf[PCAP_ERRBUF_SIZE];
	struct readback r = {.c = c, .tuples = tuples, .n_tuples = n_tuples};
	pcap_t *p;

	vs_perf_test_path(name, path, sizeof(path));
	CU_ASSERT_EQUAL_FATAL(vs_perf_gen_write(c, path, err, sizeof(err)), 0);
	p = pcap_open_offline(path, ebuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(pcap_datalink(p), DLT_EN10MB);
	CU_ASSERT_EQUAL(pcap_loop(p, -1, readback_one, (u_char *)&r), 0);
	pcap_close(p);
	if (r.bad)
		fprintf(stderr, "\n%s: %u bad frames, first %u: %s\n", name, r.bad, r.first_bad_i,
			r.first_bad);
	CU_ASSERT_EQUAL(r.bad, 0);
	return r.n;
}

/* ---- tests ----------------------------------------------------------------- */

/* Every L3/L4/tag combination at the edge sizes and IMIX: headers,
 * lengths, checksums and sequence numbers of every frame. */
static void
test_sizes_and_checksums(void)
{
	static const uint32_t sizes[] = {64, 65, 128, 1518, 9000, 9018, VS_PERF_SIZE_IMIX};
	struct vs_perf_gen_conf c;
	unsigned int l3, l4, tag, s;
	char name[64];

	for (l3 = 0; l3 < 2; l3++)
		for (l4 = 0; l4 < 2; l4++)
			for (tag = 0; tag < 2; tag++)
				for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
					vs_perf_gen_defaults(&c);
					c.l3 = l3 ? VS_PERF_L3_IPV6 : VS_PERF_L3_IPV4;
					c.l4 = l4 ? VS_PERF_L4_TCP : VS_PERF_L4_UDP;
					c.n_vlans = tag;
					c.vlans[0] = 100;
					c.size = sizes[s];
					c.src_macs = 3;
					c.flows = 5;
					c.count = 36;
					snprintf(name, sizeof(name), "sz-%u%u%u-%u.pcap", l3, l4, tag,
						 sizes[s]);
					CU_ASSERT_EQUAL(gen_and_check(&c, name, NULL, 0), 36);
				}
}

static void
test_imix_and_growth(void)
{
	static const struct {
		enum vs_perf_l3 l3;
		enum vs_perf_l4 l4;
		unsigned int tag;
		uint32_t size, wire;
	} grow[] = {
		{VS_PERF_L3_IPV4, VS_PERF_L4_UDP, 0, 64, 64},
		{VS_PERF_L3_IPV4, VS_PERF_L4_TCP, 0, 64, 64},
		{VS_PERF_L3_IPV4, VS_PERF_L4_TCP, 1, 64, 66},
		{VS_PERF_L3_IPV6, VS_PERF_L4_UDP, 0, 64, 70},
		{VS_PERF_L3_IPV6, VS_PERF_L4_TCP, 1, 64, 86},
		{VS_PERF_L3_IPV6, VS_PERF_L4_TCP, 1, 85, 86},
		{VS_PERF_L3_IPV6, VS_PERF_L4_TCP, 1, 87, 87},
	};
	struct vs_perf_workload w;
	struct vs_perf_gen_conf c;
	uint32_t i, counts[3] = {0, 0, 0};
	char path[256], err[256], d[256], want[64];
	unsigned int k;

	vs_perf_gen_defaults(&c);
	c.size = VS_PERF_SIZE_IMIX;
	CU_ASSERT_EQUAL(gen_and_check(&c, "imix.pcap", NULL, 0), 1032);
	vs_perf_test_path("imix.pcap", path, sizeof(path));
	CU_ASSERT_EQUAL_FATAL(vs_perf_workload_load(path, &w, err, sizeof(err)), 0);
	for (i = 0; i < w.n; i++) {
		CU_ASSERT_EQUAL(w.len[i] + 4, IMIX[i % 12]);
		counts[w.len[i] == 60 ? 0 : w.len[i] == 590 ? 1 : 2]++;
	}
	CU_ASSERT(counts[0] == 86 * 7 && counts[1] == 86 * 4 && counts[2] == 86);
	CU_ASSERT_EQUAL(w.max_len, 1514);
	vs_perf_workload_free(&w);

	for (k = 0; k < sizeof(grow) / sizeof(grow[0]); k++) {
		vs_perf_gen_defaults(&c);
		c.l3 = grow[k].l3;
		c.l4 = grow[k].l4;
		c.n_vlans = grow[k].tag;
		c.vlans[0] = 4094;
		c.size = grow[k].size;
		c.count = 3;
		CU_ASSERT_EQUAL(gen_and_check(&c, "grow.pcap", NULL, 0), 3);
		vs_perf_test_path("grow.pcap", path, sizeof(path));
		CU_ASSERT_EQUAL_FATAL(vs_perf_workload_load(path, &w, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(w.len[0] + 4, grow[k].wire);
		vs_perf_workload_free(&w);
		vs_perf_gen_describe(&c, d, sizeof(d));
		if (grow[k].wire == grow[k].size)
			snprintf(want, sizeof(want), "%uB %s", grow[k].wire,
				 c.l3 == VS_PERF_L3_IPV6 ? "IPv6" : "IPv4");
		else
			snprintf(want, sizeof(want), "%uB (grown from %uB) ", grow[k].wire,
				 grow[k].size);
		CU_ASSERT_EQUAL(strncmp(d, want, strlen(want)), 0);
	}
}

/* What DPDK's software classifier makes of the frames. */
static void
test_ptype(void)
{
	struct vs_perf_gen_conf c;
	struct vs_perf_workload w;
	char path[256], err[256];
	unsigned int combo;

	for (combo = 0; combo < 8; combo++) {
		struct rte_net_hdr_lens hl;
		struct rte_mbuf *m;
		uint32_t want, got;

		vs_perf_gen_defaults(&c);
		c.l3 = combo & 1 ? VS_PERF_L3_IPV6 : VS_PERF_L3_IPV4;
		c.l4 = combo & 2 ? VS_PERF_L4_TCP : VS_PERF_L4_UDP;
		c.n_vlans = combo & 4 ? 1 : 0;
		c.vlans[0] = 42;
		c.size = 9018;
		c.count = 1;
		vs_perf_test_path("ptype.pcap", path, sizeof(path));
		CU_ASSERT_EQUAL_FATAL(vs_perf_gen_write(&c, path, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL_FATAL(vs_perf_workload_load(path, &w, err, sizeof(err)), 0);
		m = rte_pktmbuf_alloc(mp);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_PTR_NOT_NULL_FATAL(rte_pktmbuf_append(m, (uint16_t)w.len[0]));
		memcpy(rte_pktmbuf_mtod(m, void *), w.data, w.len[0]);
		got = rte_net_get_ptype(m, &hl, RTE_PTYPE_ALL_MASK);
		want = (combo & 4 ? RTE_PTYPE_L2_ETHER_VLAN : RTE_PTYPE_L2_ETHER) |
		       (combo & 1 ? RTE_PTYPE_L3_IPV6 : RTE_PTYPE_L3_IPV4) |
		       (combo & 2 ? RTE_PTYPE_L4_TCP : RTE_PTYPE_L4_UDP);
		CU_ASSERT_EQUAL(got, want);
		CU_ASSERT_EQUAL(hl.l2_len, combo & 4 ? 18 : 14);
		CU_ASSERT_EQUAL(hl.l3_len, combo & 1 ? 40 : 20);
		CU_ASSERT_EQUAL(hl.l4_len, combo & 2 ? 20 : 8);
		rte_pktmbuf_free(m);
		vs_perf_workload_free(&w);
	}
}

/* 48-bit counting with a carry into the OUI, and the loader's view. */
static void
test_two_macs(void)
{
	static const uint8_t src[6] = {0x02, 0, 0, 0xff, 0xff, 0xff};
	static const uint8_t src1[6] = {0x02, 0, 1, 0, 0, 0};
	struct vs_perf_gen_conf c;
	struct vs_perf_workload w;
	char path[256], err[256];
	uint32_t i;

	vs_perf_gen_defaults(&c);
	memcpy(c.src_mac, src, 6);
	c.src_macs = 2;
	c.dst_mac[2] = 7;
	c.dst_macs = 2;
	CU_ASSERT_EQUAL(gen_and_check(&c, "two.pcap", NULL, 0), 1024);
	vs_perf_test_path("two.pcap", path, sizeof(path));
	CU_ASSERT_EQUAL_FATAL(vs_perf_workload_load(path, &w, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(memcmp(w.data + w.off[1] + 6, src1, 6), 0);
	CU_ASSERT_EQUAL(w.n_srcs, 2);
	CU_ASSERT_EQUAL_FATAL(w.n_dsts, 2);
	CU_ASSERT(memcmp(w.dsts[0].mac, c.dst_mac, 6) == 0 && w.dsts[0].vlan == 0);
	CU_ASSERT(mac48(w.dsts[1].mac) == mac48(c.dst_mac) + 1 && w.dsts[1].vlan == 0);
	/* Frame i at i microseconds. */
	for (i = 0; i < w.n; i++)
		CU_ASSERT_EQUAL(w.ts_ns[i], (uint64_t)i * 1000u);
	CU_ASSERT_EQUAL(w.duration_ns, 1023u * 1000u);
	CU_ASSERT_EQUAL(w.bytes, 1024u * 60u);
	CU_ASSERT_EQUAL(w.truncated, 0);
	CU_ASSERT_EQUAL(vs_perf_workload_wire_bits(&w), 1024ull * (60 + 4 + 20) * 8);
	vs_perf_workload_free(&w);
}

/* 2^20 sources and destinations: written, checked and loaded in seconds. */
static void
test_million_macs(void)
{
	struct vs_perf_gen_conf c;
	struct vs_perf_workload w;
	char path[256], err[256];
	struct timespec t0, t1, t2;
	uint32_t k, bad = 0;

	vs_perf_gen_defaults(&c);
	c.src_macs = c.dst_macs = VS_PERF_MACS_MAX;
	c.dst_mac[0] = 0x06;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL(gen_and_check(&c, "1m.pcap", NULL, 0), VS_PERF_MACS_MAX);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	vs_perf_test_path("1m.pcap", path, sizeof(path));
	CU_ASSERT_EQUAL_FATAL(vs_perf_workload_load(path, &w, err, sizeof(err)), 0);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	CU_ASSERT_EQUAL(w.n, VS_PERF_MACS_MAX);
	CU_ASSERT_EQUAL(w.n_srcs, VS_PERF_MACS_MAX);
	CU_ASSERT_EQUAL_FATAL(w.n_dsts, VS_PERF_MACS_MAX);
	for (k = 0; k < w.n_dsts; k++)
		bad += mac48(w.dsts[k].mac) != mac48(c.dst_mac) + k || w.dsts[k].vlan != 0;
	CU_ASSERT_EQUAL(bad, 0);
	vs_perf_workload_free(&w);
	fprintf(stderr, "\n    2^20 MACs: written and checked in %.2f s, loaded in %.2f s ",
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		(double)(t2.tv_sec - t1.tv_sec) + (double)(t2.tv_nsec - t1.tv_nsec) / 1e9);
}

/* Tags in the order given, and the stations a sink announces per VLAN. */
static void
test_vlans(void)
{
	struct vs_perf_gen_conf c;
	struct vs_perf_workload w;
	char path[256], err[256];
	static const uint16_t order[4] = {20, 10, 11, 12};
	unsigned int k;

	vs_perf_gen_defaults(&c);
	c.n_vlans = 4;
	memcpy(c.vlans, order, sizeof(order));
	c.dst_macs = 2;
	CU_ASSERT_EQUAL(gen_and_check(&c, "vlans.pcap", NULL, 0), 1024);
	vs_perf_test_path("vlans.pcap", path, sizeof(path));
	CU_ASSERT_EQUAL_FATAL(vs_perf_workload_load(path, &w, err, sizeof(err)), 0);
	for (k = 0; k < 8; k++)
		CU_ASSERT_EQUAL(be16(w.data + w.off[k] + 14), order[k % 4]);
	CU_ASSERT_EQUAL(w.n_srcs, 4); /* one source MAC in each VLAN */
	CU_ASSERT_EQUAL_FATAL(w.n_dsts, 4);
	for (k = 0; k < 4; k++) {
		CU_ASSERT_EQUAL(w.dsts[k].vlan, order[k]);
		CU_ASSERT_EQUAL(mac48(w.dsts[k].mac), mac48(c.dst_mac) + k % 2);
	}
	vs_perf_workload_free(&w);
}

static int
tuple_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct tuple));
}

/* 70000 flows: past 2^16 (the address split) and 1024 (the port split). */
static void
test_flows(void)
{
	enum { FLOWS = 70000 };
	struct vs_perf_gen_conf c;
	struct tuple *t = calloc(2 * FLOWS, sizeof(*t));
	unsigned int l3, dup, repeat;
	uint32_t k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	for (l3 = 0; l3 < 2; l3++) {
		vs_perf_gen_defaults(&c);
		c.l3 = l3 ? VS_PERF_L3_IPV6 : VS_PERF_L3_IPV4;
		c.flows = FLOWS;
		c.count = 2 * FLOWS;
		CU_ASSERT_EQUAL(gen_and_check(&c, "flows.pcap", t, 2 * FLOWS), 2 * FLOWS);
		for (k = 0, repeat = 0; k < FLOWS; k++)
			repeat += memcmp(&t[k], &t[k + FLOWS], sizeof(*t)) != 0;
		CU_ASSERT_EQUAL(repeat, 0); /* frame i and i + flows: the same flow */
		qsort(t, FLOWS, sizeof(*t), tuple_cmp);
		for (k = 1, dup = 0; k < FLOWS; k++)
			dup += tuple_cmp(&t[k - 1], &t[k]) == 0;
		CU_ASSERT_EQUAL(dup, 0);
	}
	free(t);
}

static int
gen_suite_init(void)
{
	mp = rte_pktmbuf_pool_create("perf_test", 63, 0, 0,
				     RTE_PKTMBUF_HEADROOM + VS_PERF_SIZE_MAX, SOCKET_ID_ANY);
	return mp == NULL;
}

static int
gen_suite_fini(void)
{
	rte_mempool_free(mp);
	return 0;
}

CU_ErrorCode
vs_perf_test_gen_suites(void)
{
	CU_pSuite s = CU_add_suite("perf gen", gen_suite_init, gen_suite_fini);

	if (s == NULL || vs_perf_test_gen_conf_tests(s) != CUE_SUCCESS ||
	    !CU_add_test(s, "sizes, headers and checksums", test_sizes_and_checksums) ||
	    !CU_add_test(s, "IMIX and growth to fit the headers", test_imix_and_growth) ||
	    !CU_add_test(s, "DPDK classifies the frames", test_ptype) ||
	    !CU_add_test(s, "two MACs, timestamps, wire bits", test_two_macs) ||
	    !CU_add_test(s, "2^20 source and destination MACs", test_million_macs) ||
	    !CU_add_test(s, "VLANs in order, stations per VLAN", test_vlans) ||
	    !CU_add_test(s, "flows distinct and repeating", test_flows))
		return CU_get_error();
	return CUE_SUCCESS;
}
