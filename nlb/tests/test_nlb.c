/* SPDX-License-Identifier: BSD-3-Clause */
/* nlb: cluster MACs, masked sources, the table and its view, IGMP
 * membership timers, and the IGMP parser on crafted and malformed
 * messages (checksums computed here, independently). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "nlb.h"
#include "testmain.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void
test_cluster_mac(void)
{
	static const uint8_t uni[6] = {0x02, 0xbf, 10, 0, 0, 100};
	static const uint8_t mc[6] = {0x03, 0xbf, 10, 0, 0, 100};
	static const uint8_t igmp[6] = {0x01, 0x00, 0x5e, 0x7f, 0, 100};
	static const uint8_t igmp2[6] = {0x01, 0x00, 0x5e, 0x7f, 7, 200};
	uint8_t m[6];

	vs_nlb_cluster_mac(IP(10, 0, 0, 100), VS_NLB_UNICAST, m);
	CU_ASSERT(memcmp(m, uni, 6) == 0);
	vs_nlb_cluster_mac(IP(10, 0, 0, 100), VS_NLB_MULTICAST, m);
	CU_ASSERT(memcmp(m, mc, 6) == 0);
	vs_nlb_cluster_mac(IP(10, 0, 0, 100), VS_NLB_IGMP, m);
	CU_ASSERT(memcmp(m, igmp, 6) == 0);
	vs_nlb_cluster_mac(IP(192, 168, 7, 200), VS_NLB_IGMP, m);
	CU_ASSERT(memcmp(m, igmp2, 6) == 0);
	CU_ASSERT_EQUAL(vs_nlb_igmp_group(IP(192, 168, 7, 200)), IP(239, 255, 7, 200));
	CU_ASSERT(vs_nlb_mac_maybe_cluster(uni) && vs_nlb_mac_maybe_cluster(mc) &&
		  vs_nlb_mac_maybe_cluster(igmp));
	CU_ASSERT(!vs_nlb_mac_maybe_cluster((const uint8_t[6]){0x01, 0x00, 0x5e, 0x00, 0, 1}));
	CU_ASSERT(!vs_nlb_mac_maybe_cluster((const uint8_t[6]){0x02, 0x00, 10, 0, 0, 100}));
	CU_ASSERT(!vs_nlb_mac_maybe_cluster((const uint8_t[6]){0x00, 0x15, 0x5d, 0, 0, 1}));
}

static void
test_masked_source(void)
{
	uint32_t ip = IP(10, 0, 0, 100);

	CU_ASSERT(vs_nlb_src_is_masked(ip, (const uint8_t[6]){0x02, 1, 10, 0, 0, 100}));
	CU_ASSERT(vs_nlb_src_is_masked(ip, (const uint8_t[6]){0x02, 32, 10, 0, 0, 100}));
	CU_ASSERT(!vs_nlb_src_is_masked(ip, (const uint8_t[6]){0x02, 0, 10, 0, 0, 100}));
	CU_ASSERT(!vs_nlb_src_is_masked(ip, (const uint8_t[6]){0x02, 33, 10, 0, 0, 100}));
	CU_ASSERT(!vs_nlb_src_is_masked(ip, (const uint8_t[6]){0x02, 0xbf, 10, 0, 0, 100}));
	CU_ASSERT(!vs_nlb_src_is_masked(ip, (const uint8_t[6]){0x02, 5, 10, 0, 0, 101}));
	CU_ASSERT(!vs_nlb_src_is_masked(ip, (const uint8_t[6]){0x00, 5, 10, 0, 0, 100}));
}

static void
test_mode_names(void)
{
	enum vs_nlb_mode m;

	CU_ASSERT(vs_nlb_mode_parse("unicast", &m) == 0 && m == VS_NLB_UNICAST);
	CU_ASSERT(vs_nlb_mode_parse("MULTICAST", &m) == 0 && m == VS_NLB_MULTICAST);
	CU_ASSERT(vs_nlb_mode_parse("igmp", &m) == 0 && m == VS_NLB_IGMP);
	CU_ASSERT_EQUAL(vs_nlb_mode_parse("broadcast", &m), -EINVAL);
	CU_ASSERT_STRING_EQUAL(vs_nlb_mode_name(VS_NLB_IGMP), "igmp");
}

static struct vs_nlb_cluster_conf
conf(uint16_t sw, uint16_t vlan, uint32_t ip, enum vs_nlb_mode mode)
{
	struct vs_nlb_cluster_conf c;

	memset(&c, 0, sizeof(c));
	c.sw = sw;
	c.vlan = vlan;
	c.ip = ip;
	c.mode = mode;
	return c;
}

static void
test_table(void)
{
	struct vs_nlb_table *t = vs_nlb_table_create();
	struct vs_nlb_cluster_conf c = conf(0, 10, IP(10, 0, 0, 100), VS_NLB_UNICAST), got;
	struct vs_nlb_view *v = calloc(1, sizeof(*v));
	struct vs_nlb_portset ps = {{0}};
	const struct vs_nlb_entry *e;
	int slot;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	vs_nlb_portset_add(&c.members, 3);
	vs_nlb_portset_add(&c.members, 200);
	CU_ASSERT_EQUAL(vs_nlb_table_add(t, &c), 0);
	CU_ASSERT_EQUAL(vs_nlb_table_add(t, &c), -EEXIST);
	/* the same IP in another VLAN or switch is another cluster */
	c.vlan = 20;
	CU_ASSERT_EQUAL(vs_nlb_table_add(t, &c), 0);
	c.vlan = 10;
	c.sw = 1;
	CU_ASSERT_EQUAL(vs_nlb_table_add(t, &c), 0);
	/* IGMP clusters whose IPs end alike share a MAC */
	c = conf(0, 10, IP(10, 1, 0, 7), VS_NLB_IGMP);
	CU_ASSERT_EQUAL(vs_nlb_table_add(t, &c), 0);
	c.ip = IP(10, 2, 0, 7);
	CU_ASSERT_EQUAL(vs_nlb_table_add(t, &c), -EEXIST);
	/* IPs that cannot be a cluster's, and VLANs that cannot be */
	static const uint32_t bad_ip[] = {0, IP(127, 0, 0, 1), IP(224, 0, 0, 5),
					   IP(255, 255, 255, 255), IP(0, 1, 2, 3)};
	for (unsigned int i = 0; i < sizeof(bad_ip) / sizeof(bad_ip[0]); i++) {
		c = conf(0, 10, bad_ip[i], VS_NLB_UNICAST);
		CU_ASSERT_EQUAL(vs_nlb_table_add(t, &c), -EINVAL);
	}
	c = conf(0, 0, IP(10, 0, 0, 1), VS_NLB_UNICAST);
	CU_ASSERT_EQUAL(vs_nlb_table_add(t, &c), -EINVAL);
	c.vlan = 4095;
	CU_ASSERT_EQUAL(vs_nlb_table_add(t, &c), -EINVAL);

	slot = vs_nlb_table_find(t, 0, 10, IP(10, 0, 0, 100));
	CU_ASSERT_FATAL(slot >= 0);
	CU_ASSERT_EQUAL(vs_nlb_table_get(t, (unsigned int)slot, &got, NULL), 0);
	CU_ASSERT(vs_nlb_portset_has(&got.members, 3) && vs_nlb_portset_has(&got.members, 200));
	CU_ASSERT_EQUAL(vs_nlb_portset_count(&got.members), 2);

	vs_nlb_view_build(t, v);
	CU_ASSERT_EQUAL(v->n, 4);
	e = vs_nlb_view_by_mac(v, 0, 10, (const uint8_t[6]){0x02, 0xbf, 10, 0, 0, 100});
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->id, slot);
	CU_ASSERT(vs_nlb_portset_has(&e->members, 200) && !vs_nlb_portset_has(&e->members, 4));
	CU_ASSERT_PTR_EQUAL(vs_nlb_view_by_ip(v, 0, 10, IP(10, 0, 0, 100)), e);
	CU_ASSERT_PTR_NULL(vs_nlb_view_by_mac(v, 0, 30, e->mac)); /* no such VLAN */
	CU_ASSERT_PTR_NULL(vs_nlb_view_by_mac(v, 2, 10, e->mac)); /* no such switch */
	CU_ASSERT_PTR_NULL(vs_nlb_view_by_mac(v, 0, 10, (const uint8_t[6]){0x03, 0xbf, 10, 0, 0,
									       100}));

	/* members replaced, a port removed, a switch removed */
	vs_nlb_portset_add(&ps, 5);
	CU_ASSERT_EQUAL(vs_nlb_table_set_members(t, 0, 10, IP(10, 0, 0, 100), &ps), 0);
	CU_ASSERT_EQUAL(vs_nlb_table_set_members(t, 0, 11, IP(10, 0, 0, 100), &ps), -ENOENT);
	CU_ASSERT(vs_nlb_table_port_gone(t, 5));
	CU_ASSERT(!vs_nlb_table_port_gone(t, 5));
	CU_ASSERT(vs_nlb_table_switch_gone(t, 1));
	vs_nlb_view_build(t, v);
	CU_ASSERT_EQUAL(v->n, 3);
	e = vs_nlb_view_by_ip(v, 0, 10, IP(10, 0, 0, 100));
	CU_ASSERT(e != NULL && vs_nlb_portset_count(&e->members) == 0);
	CU_ASSERT_EQUAL(vs_nlb_table_del(t, 0, 10, IP(10, 0, 0, 100)), 0);
	CU_ASSERT_EQUAL(vs_nlb_table_del(t, 0, 10, IP(10, 0, 0, 100)), -ENOENT);

	/* full */
	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++) {
		c = conf(3, 10, IP(10, 9, 0, 1 + i), VS_NLB_MULTICAST);
		int want = i < VS_NLB_MAX_CLUSTERS - 2 ? 0 : -ENOSPC;

		CU_ASSERT_EQUAL(vs_nlb_table_add(t, &c), want);
	}
	free(v);
	vs_nlb_table_destroy(t);
}

static void
test_igmp_membership(void)
{
	struct vs_nlb_table *t = vs_nlb_table_create();
	struct vs_nlb_cluster_conf c = conf(0, 1, IP(10, 0, 0, 100), VS_NLB_IGMP);
	struct vs_nlb_view *v = calloc(1, sizeof(*v));
	uint32_t g = IP(239, 255, 0, 100);
	const struct vs_nlb_entry *e;
	struct vs_nlb_portset im;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	vs_nlb_portset_add(&c.members, 9); /* configured members stay */
	CU_ASSERT_EQUAL_FATAL(vs_nlb_table_add(t, &c), 0);
	CU_ASSERT(vs_nlb_igmp_join(t, 0, 1, g, 2, 0));
	CU_ASSERT(!vs_nlb_igmp_join(t, 0, 1, g, 2, 0)); /* already */
	CU_ASSERT(vs_nlb_igmp_join(t, 0, 1, g, 4, 1000));
	CU_ASSERT(!vs_nlb_igmp_join(t, 0, 1, IP(239, 255, 0, 101), 5, 0)); /* no cluster */
	CU_ASSERT(!vs_nlb_igmp_join(t, 0, 2, g, 5, 0));                      /* other VLAN */
	vs_nlb_view_build(t, v);
	e = vs_nlb_view_by_ip(v, 0, 1, IP(10, 0, 0, 100));
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT(vs_nlb_portset_has(&e->members, 2) && vs_nlb_portset_has(&e->members, 4) &&
		  vs_nlb_portset_has(&e->members, 9));
	CU_ASSERT_EQUAL(vs_nlb_portset_count(&e->members), 3);

	/* the default membership interval: 260 s */
	CU_ASSERT(!vs_nlb_igmp_expire(t, 259999));
	CU_ASSERT(vs_nlb_igmp_expire(t, 260000)); /* port 2 out, port 4 one second later */
	CU_ASSERT(vs_nlb_table_get(t, (unsigned int)e->id, NULL, &im) == 0);
	CU_ASSERT(!vs_nlb_portset_has(&im, 2) && vs_nlb_portset_has(&im, 4));
	CU_ASSERT(vs_nlb_igmp_expire(t, 261000));

	/* leave: at once */
	CU_ASSERT(vs_nlb_igmp_join(t, 0, 1, g, 2, 300000));
	CU_ASSERT(vs_nlb_igmp_leave(t, 0, 1, g, 2));
	CU_ASSERT(!vs_nlb_igmp_leave(t, 0, 1, g, 2));

	/* a group query gives members robustness × max response to answer */
	CU_ASSERT(vs_nlb_igmp_join(t, 0, 1, g, 2, 400000));
	CU_ASSERT(vs_nlb_igmp_join(t, 0, 1, g, 3, 400000));
	vs_nlb_igmp_query(t, 0, 1, g, 1000, 2, 125, 401000);
	CU_ASSERT(vs_nlb_igmp_join(t, 0, 1, g, 3, 402000) == false); /* 3 answers */
	CU_ASSERT(!vs_nlb_igmp_expire(t, 402999));
	CU_ASSERT(vs_nlb_igmp_expire(t, 403000)); /* 2 did not */
	CU_ASSERT(vs_nlb_table_get(t, (unsigned int)e->id, NULL, &im) == 0);
	CU_ASSERT(!vs_nlb_portset_has(&im, 2) && vs_nlb_portset_has(&im, 3));
	/* the query's timers set the interval: 2 × 125 s + 1 s */
	CU_ASSERT(!vs_nlb_igmp_expire(t, 402000 + 250999));
	CU_ASSERT(vs_nlb_igmp_expire(t, 402000 + 251000));
	/* a query for another group leaves these alone; a general one does not */
	CU_ASSERT(vs_nlb_igmp_join(t, 0, 1, g, 2, 700000));
	vs_nlb_igmp_query(t, 0, 1, IP(239, 1, 1, 1), 1000, 2, 125, 700000);
	CU_ASSERT(!vs_nlb_igmp_expire(t, 703000));
	vs_nlb_igmp_query(t, 0, 1, 0, 1000, 2, 125, 703000);
	CU_ASSERT(vs_nlb_igmp_expire(t, 705000));
	/* a port that goes is out at once */
	CU_ASSERT(vs_nlb_igmp_join(t, 0, 1, g, 7, 800000));
	CU_ASSERT(vs_nlb_table_port_gone(t, 7));
	CU_ASSERT(!vs_nlb_igmp_expire(t, 900000000));
	/* a querier elsewhere (another switch, another VLAN) leaves this
	 * segment's interval alone */
	c = conf(1, 1, IP(10, 0, 0, 100), VS_NLB_IGMP);
	CU_ASSERT_EQUAL_FATAL(vs_nlb_table_add(t, &c), 0);
	vs_nlb_igmp_query(t, 1, 1, 0, 1000, 2, 10, 1000000);
	vs_nlb_igmp_query(t, 0, 2, 0, 1000, 2, 10, 1000000);
	CU_ASSERT(vs_nlb_igmp_join(t, 0, 1, g, 8, 1000000));
	CU_ASSERT(vs_nlb_igmp_join(t, 1, 1, g, 9, 1000000));
	CU_ASSERT(vs_nlb_igmp_expire(t, 1000000 + 21000)); /* sw 1: 2 x 10 s + 1 s */
	CU_ASSERT(vs_nlb_table_get(t, (unsigned int)e->id, NULL, &im) == 0);
	CU_ASSERT(vs_nlb_portset_has(&im, 8));
	CU_ASSERT(!vs_nlb_igmp_expire(t, 1000000 + 250999));
	CU_ASSERT(vs_nlb_igmp_expire(t, 1000000 + 251000)); /* sw 0: its own last query */
	free(v);
	vs_nlb_table_destroy(t);
}

/* ---- IGMP messages, built here ---- */

/* RFC 1071, written independently of DPDK. */
static uint16_t
csum(const uint8_t *p, uint32_t n)
{
	uint32_t s = 0;

	for (uint32_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* IPv4 (with the router-alert option, as hosts send IGMP) + msg. */
static uint32_t
ip_igmp(uint8_t *pkt, const uint8_t *msg, uint32_t mlen)
{
	uint32_t tot = 24 + mlen;
	uint16_t c;

	memset(pkt, 0, 24);
	pkt[0] = 0x46;
	pkt[2] = (uint8_t)(tot >> 8);
	pkt[3] = (uint8_t)tot;
	pkt[8] = 1;
	pkt[9] = 2;
	put32(pkt + 12, IP(10, 0, 0, 7));
	put32(pkt + 16, IP(224, 0, 0, 22));
	pkt[20] = 0x94;
	pkt[21] = 4;
	c = csum(pkt, 24);
	pkt[10] = (uint8_t)(c >> 8);
	pkt[11] = (uint8_t)c;
	memcpy(pkt + 24, msg, mlen);
	pkt[24 + 2] = pkt[24 + 3] = 0;
	c = csum(pkt + 24, mlen);
	pkt[24 + 2] = (uint8_t)(c >> 8);
	pkt[24 + 3] = (uint8_t)c;
	return tot;
}

static uint32_t
simple(uint8_t *pkt, uint8_t type, uint8_t code, uint32_t group)
{
	uint8_t m[8] = {type, code};

	put32(m + 4, group);
	return ip_igmp(pkt, m, 8);
}

static void
test_igmp_v1_v2(void)
{
	uint8_t pkt[256];
	struct vs_nlb_igmp o;
	uint32_t g = IP(239, 255, 0, 100), n;

	n = simple(pkt, 0x12, 0, g);
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_OK);
	CU_ASSERT(o.kind == VS_IGMP_REPORT && o.version == 1 && o.n == 1 && o.g[0].group == g &&
		  o.g[0].join);
	n = simple(pkt, 0x16, 0, g);
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_OK);
	CU_ASSERT(o.version == 2 && o.n == 1 && o.g[0].join);
	n = simple(pkt, 0x17, 0, g);
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_OK);
	CU_ASSERT(o.kind == VS_IGMP_REPORT && o.n == 1 && !o.g[0].join);
	n = simple(pkt, 0x11, 0, 0); /* v1 general query: 10 s */
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_OK);
	CU_ASSERT(o.kind == VS_IGMP_QUERY && o.version == 1 && o.group == 0 &&
		  o.max_resp_ms == 10000 && o.robustness == 2 && o.query_interval_s == 125);
	n = simple(pkt, 0x11, 25, g); /* v2 group query, 2.5 s */
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_OK);
	CU_ASSERT(o.version == 2 && o.group == g && o.max_resp_ms == 2500);

	/* malformed */
	n = simple(pkt, 0x16, 0, g);
	pkt[30] ^= 1; /* the group, checksum now wrong */
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_BAD_CSUM);
	n = simple(pkt, 0x16, 0, IP(10, 0, 0, 1));
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_BAD_GROUP);
	n = simple(pkt, 0x11, 10, IP(10, 0, 0, 1));
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_BAD_GROUP);
	n = simple(pkt, 0x13, 0, g); /* DVMRP: not a host's */
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_BAD_TYPE);
	n = simple(pkt, 0x16, 0, g);
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n - 1, &o), VS_IGMP_BAD_IP); /* cut short */
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, 19, &o), VS_IGMP_BAD_IP);
	pkt[6] = 0x20; /* more fragments */
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_BAD_IP);
	pkt[6] = 0;
	pkt[0] = 0x44; /* IHL 16 bytes */
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_BAD_IP);
	pkt[0] = 0x4f; /* IHL 60 bytes, past the total length */
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_BAD_IP);
	pkt[0] = 0x46;
	pkt[3] = 24 + 4; /* IGMP of 4 bytes */
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_SHORT);
	n = simple(pkt, 0x16, 0, g);
	pkt[9] = 17;
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_NOT_IGMP);
	pkt[0] = 0x60;
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_BAD_IP);
}

static void
test_igmp_v3(void)
{
	uint8_t m[1200], pkt[1300];
	struct vs_nlb_igmp o;
	uint32_t at = 8, n;

	/* query: max resp code 0x8a = (0x1a) << 3 = 208 tenths; QRV 3; QQIC 60 */
	memset(m, 0, sizeof(m));
	m[0] = 0x11;
	m[1] = 0x8a;
	put32(m + 4, IP(239, 255, 0, 100));
	m[8] = 0x03;
	m[9] = 60;
	n = ip_igmp(pkt, m, 12);
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_OK);
	CU_ASSERT(o.kind == VS_IGMP_QUERY && o.version == 3 && o.max_resp_ms == 20800 &&
		  o.robustness == 3 && o.query_interval_s == 60 && o.group == IP(239, 255, 0, 100));
	m[9] = 0x85; /* (0x15) << 3 = 168 s */
	n = ip_igmp(pkt, m, 12);
	CU_ASSERT(vs_nlb_igmp_parse(pkt, n, &o) == VS_IGMP_OK && o.query_interval_s == 168);

	/* report: EXCLUDE{} join, TO_IN{} leave, ALLOW{s} join, BLOCK{s} nothing,
	 * IS_IN{s} join, with an aux word on one record */
	memset(m, 0, sizeof(m));
	m[0] = 0x22;
	m[7] = 5;
	m[at] = 2; /* MODE_IS_EXCLUDE */
	put32(m + at + 4, IP(239, 255, 0, 1));
	at += 8;
	m[at] = 3; /* CHANGE_TO_INCLUDE, no sources */
	m[at + 1] = 1; /* one aux word */
	put32(m + at + 4, IP(239, 255, 0, 2));
	at += 12;
	m[at] = 5; /* ALLOW, one source */
	m[at + 3] = 1;
	put32(m + at + 4, IP(239, 255, 0, 3));
	put32(m + at + 8, IP(10, 0, 0, 9));
	at += 12;
	m[at] = 6; /* BLOCK, one source */
	m[at + 3] = 1;
	put32(m + at + 4, IP(239, 255, 0, 4));
	put32(m + at + 8, IP(10, 0, 0, 9));
	at += 12;
	m[at] = 1; /* MODE_IS_INCLUDE, one source */
	m[at + 3] = 1;
	put32(m + at + 4, IP(239, 255, 0, 5));
	put32(m + at + 8, IP(10, 0, 0, 9));
	at += 12;
	n = ip_igmp(pkt, m, at);
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_OK);
	CU_ASSERT(o.kind == VS_IGMP_REPORT && o.version == 3);
	CU_ASSERT_EQUAL_FATAL(o.n, 4);
	CU_ASSERT(o.g[0].group == IP(239, 255, 0, 1) && o.g[0].join);
	CU_ASSERT(o.g[1].group == IP(239, 255, 0, 2) && !o.g[1].join);
	CU_ASSERT(o.g[2].group == IP(239, 255, 0, 3) && o.g[2].join);
	CU_ASSERT(o.g[3].group == IP(239, 255, 0, 5) && o.g[3].join);

	/* a record count beyond the message, a source count beyond it */
	m[7] = 6;
	n = ip_igmp(pkt, m, at);
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_SHORT);
	m[7] = 1;
	m[8 + 3] = 200;
	n = ip_igmp(pkt, m, at);
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_SHORT);
	m[8 + 3] = 0;
	m[8] = 9; /* unknown record type */
	n = ip_igmp(pkt, m, at);
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_BAD_TYPE);
	m[8] = 2;
	put32(m + 12, IP(10, 0, 0, 1)); /* not a group */
	n = ip_igmp(pkt, m, at);
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_BAD_GROUP);

	/* 40 records: 32 kept, 8 counted */
	memset(m, 0, sizeof(m));
	m[0] = 0x22;
	m[7] = 40;
	for (unsigned int i = 0; i < 40; i++) {
		m[8 + 8 * i] = 4;
		put32(m + 8 + 8 * i + 4, IP(239, 255, 1, i));
	}
	n = ip_igmp(pkt, m, 8 + 8 * 40);
	CU_ASSERT_EQUAL(vs_nlb_igmp_parse(pkt, n, &o), VS_IGMP_OK);
	CU_ASSERT(o.n == VS_NLB_IGMP_MAX_GROUPS && o.truncated == 8);
}

static CU_ErrorCode
nlb_init(void)
{
	CU_pSuite s = CU_add_suite("nlb", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "cluster MAC for every mode", test_cluster_mac) ||
	    !CU_add_test(s, "masked source MACs", test_masked_source) ||
	    !CU_add_test(s, "mode names", test_mode_names) ||
	    !CU_add_test(s, "table: add, refuse, members, view, removal", test_table) ||
	    !CU_add_test(s, "IGMP membership: join, leave, query, expiry", test_igmp_membership) ||
	    !CU_add_test(s, "IGMP v1/v2 parsing and malformed messages", test_igmp_v1_v2) ||
	    !CU_add_test(s, "IGMP v3 queries and reports", test_igmp_v3))
		return CU_get_error();
	return CUE_SUCCESS;
}

int
main(void)
{
	static const struct vs_test_module m = {
		.name = "test_nlb", .lcores = "0", .mem_mb = "64", .init = nlb_init};

	return vs_test_main(&m);
}
