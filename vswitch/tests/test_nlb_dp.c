/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NLB clusters in the datapath, through ring ports of an external switch
 * (its uplink a null device, whose transmit counter shows what reached the
 * LAN): configuration refused where NLB cannot work, delivery to members
 * and never to others in each mode, heartbeats, masked sources, the
 * cluster MAC never learned, members going down or away, and IGMP
 * snooping's joins, leaves and timeouts on an injected clock.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "test_env.h"
#include "vswitch.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static struct vs_dp *dp;
static uint64_t clock_ns;
static char err[512];
static const char *const VMS[] = {"m1", "m2", "m3", "n1", "n2"};
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t N1MAC[6] = {0x00, 0x15, 0x5d, 0x00, 0x00, 0x41};

static int
idx(const char *name)
{
	return vs_dp_port_index(dp, name);
}

/* External switch nx (uplink: a null device); m1..m3 and n2 allow MAC
 * spoofing, n1 has a MAC of its own and does not. */
static int
setup(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024, .fdb_aging_s = 300};
	struct vs_switch_conf sc = {.type = VS_SWITCH_EXTERNAL};
	struct vs_port_conf pc = {.kind = VS_PORT_RING, .ring_size = 1024};

	dp = vs_dp_create(&dc, err, sizeof(err));
	if (dp == NULL)
		return -1;
	clock_ns = 1000000000ull;
	vs_dp_set_clock(dp, vs_test_clock, &clock_ns);
	strcpy(sc.name, "nx");
	strcpy(sc.uplink, "net_null_nlbtest");
	if (vs_dp_switch_add(dp, &sc, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	strcpy(pc.switch_name, "nx");
	for (unsigned int i = 0; i < 5; i++) {
		strcpy(pc.name, VMS[i]);
		pc.mac_spoofing = i != 3;
		pc.has_mac = i == 3;
		memcpy(pc.mac, N1MAC, 6);
		if (vs_dp_port_add(dp, &pc, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
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
drain(const char *name)
{
	return vs_test_drain(dp, name);
}

static void
drain_all(void)
{
	for (unsigned int i = 0; i < 5; i++)
		drain(VMS[i]);
}

static struct vs_port_stats
stats(const char *port)
{
	struct vs_port_stats s;

	vs_dp_port_stats(dp, (unsigned int)idx(port), &s);
	return s;
}

static uint64_t
uplink_tx(void)
{
	return stats("nx-uplink").tx_packets;
}

/* A frame with payload pl (plen bytes), padded to 60. */
static void
send(const char *port, const uint8_t dst[6], const uint8_t src[6], uint16_t type,
     const uint8_t *pl, uint32_t plen)
{
	struct rte_mbuf *m = vs_test_frame(dp, dst, src, type, 60 > 14 + plen ? 60 : 14 + plen, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	if (plen > 0)
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, 14), pl, plen);
	vs_dp_process_burst(dp, (uint16_t)idx(port), &m, 1);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
heartbeat(const char *port, const uint8_t dst[6], const uint8_t src[6], uint32_t cluster_ip)
{
	uint8_t pl[40] = {0xbf, 0x01, 0xde, 0xc0}; /* the membership signature, LE */

	put32(pl + 12, cluster_ip);
	put32(pl + 16, IP4(10, 0, 0, 11));
	send(port, dst, src, 0x886f, pl, sizeof(pl));
}

static struct vs_nlb_conf
cluster(uint32_t ip, enum vs_nlb_mode mode, const char *const *members, unsigned int n)
{
	struct vs_nlb_conf c;

	memset(&c, 0, sizeof(c));
	strcpy(c.switch_name, "nx");
	c.vlan = 1;
	c.ip = ip;
	c.mode = mode;
	for (unsigned int i = 0; i < n; i++)
		snprintf(c.members[c.n_members++], VS_NAME_MAX, "%s", members[i]);
	return c;
}

struct found {
	uint32_t ip;
	bool seen;
	struct vs_nlb_info info;
};

static void
on_cluster(const struct vs_nlb_info *i, void *arg)
{
	struct found *f = arg;

	if (i->conf.ip == f->ip) {
		f->seen = true;
		f->info = *i;
	}
}

static struct found *
find(uint32_t ip)
{
	static struct found f;

	memset(&f, 0, sizeof(f));
	f.ip = ip;
	vs_dp_nlb_walk(dp, on_cluster, &f);
	return &f;
}

static bool
member(const struct found *f, const char *name, bool igmp)
{
	for (unsigned int i = 0; i < f->info.n_members; i++)
		if (strcmp(f->info.member[i].name, name) == 0)
			return igmp ? f->info.member[i].igmp : f->info.member[i].configured;
	return false;
}

static void
test_refused(void)
{
	static const char *const ok[] = {"m1", "m2"};
	static const char *const n1[] = {"m1", "n1"};
	static const char *const nobody[] = {"m9"};
	static const char *const upl[] = {"nx-uplink"};
	static const char *const twice[] = {"m1", "m1"};
	struct vs_nlb_conf c;

	c = cluster(IP4(10, 0, 0, 50), VS_NLB_UNICAST, n1, 2);
	CU_ASSERT_EQUAL(vs_dp_nlb_add(dp, &c, err, sizeof(err)), -EBUSY);
	CU_ASSERT(strstr(err, "members[1]") && strstr(err, "MAC spoofing") &&
		  strstr(err, "02-<priority>-0A-00-00-32"));
	/* multicast members keep their own MACs: n1 is fine there */
	c.mode = VS_NLB_MULTICAST;
	CU_ASSERT_EQUAL(vs_dp_nlb_add_check(dp, &c, err, sizeof(err)), 0);
	c = cluster(IP4(10, 0, 0, 50), VS_NLB_UNICAST, nobody, 1);
	CU_ASSERT_EQUAL(vs_dp_nlb_add(dp, &c, err, sizeof(err)), -ENOENT);
	CU_ASSERT(strstr(err, "members[0]") && strstr(err, "m9"));
	c = cluster(IP4(10, 0, 0, 50), VS_NLB_UNICAST, upl, 1);
	CU_ASSERT_EQUAL(vs_dp_nlb_add(dp, &c, err, sizeof(err)), -EINVAL);
	CU_ASSERT(strstr(err, "uplink") != NULL);
	c = cluster(IP4(10, 0, 0, 50), VS_NLB_UNICAST, twice, 2);
	CU_ASSERT_EQUAL(vs_dp_nlb_add(dp, &c, err, sizeof(err)), -EINVAL);
	c = cluster(IP4(224, 0, 0, 50), VS_NLB_UNICAST, ok, 2);
	CU_ASSERT_EQUAL(vs_dp_nlb_add(dp, &c, err, sizeof(err)), -EINVAL);
	CU_ASSERT(strstr(err, "ip:") != NULL);
	c = cluster(IP4(10, 0, 0, 50), VS_NLB_UNICAST, ok, 2);
	c.vlan = 4095;
	CU_ASSERT_EQUAL(vs_dp_nlb_add(dp, &c, err, sizeof(err)), -EINVAL);
	strcpy(c.switch_name, "nope");
	c.vlan = 1;
	CU_ASSERT_EQUAL(vs_dp_nlb_add(dp, &c, err, sizeof(err)), -ENOENT);
	/* a dry run changes nothing; a real add does, once */
	c = cluster(IP4(10, 0, 0, 50), VS_NLB_UNICAST, ok, 2);
	CU_ASSERT_EQUAL(vs_dp_nlb_add_check(dp, &c, err, sizeof(err)), 0);
	CU_ASSERT(!find(IP4(10, 0, 0, 50))->seen);
	CU_ASSERT_EQUAL(vs_dp_nlb_add(dp, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_nlb_add(dp, &c, err, sizeof(err)), -EEXIST);
	CU_ASSERT_EQUAL(vs_dp_nlb_add_check(dp, &c, err, sizeof(err)), -EEXIST);
	CU_ASSERT_EQUAL(vs_dp_nlb_del(dp, "nx", 1, IP4(10, 0, 0, 50), err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_nlb_del(dp, "nx", 1, IP4(10, 0, 0, 50), err, sizeof(err)), -ENOENT);
}

static void
on_fdb(const struct vs_fdb_entry_info *e, void *arg)
{
	if (e->mac[0] == 0x02 && e->mac[1] == 0xbf)
		*(bool *)arg = true;
}

static void
test_unicast(void)
{
	static const char *const mem[] = {"m1", "m2", "m3"};
	static const uint8_t CMAC[6] = {0x02, 0xbf, 10, 0, 0, 100};
	static const uint8_t MASKED1[6] = {0x02, 1, 10, 0, 0, 100};
	static const uint8_t MASKED7[6] = {0x02, 7, 10, 0, 0, 100};
	static const uint8_t N2MAC[6] = {0x02, 0, 0, 0, 0, 0x42};
	struct vs_nlb_conf c = cluster(IP4(10, 0, 0, 100), VS_NLB_UNICAST, mem, 3);
	struct vs_port_conf pc;
	uint64_t up0, nm0;
	struct found *f;
	bool learned;

	CU_ASSERT_EQUAL_FATAL(vs_dp_nlb_add(dp, &c, err, sizeof(err)), 0);
	drain_all();
	/* from a client: every member, the LAN, nobody else */
	up0 = uplink_tx();
	send("n2", CMAC, N2MAC, 0x0800, NULL, 0);
	CU_ASSERT(drain("m1") == 1 && drain("m2") == 1 && drain("m3") == 1);
	CU_ASSERT(drain("n1") == 0 && drain("n2") == 0);
	CU_ASSERT_EQUAL(uplink_tx(), up0 + 1);
	/* from a member: the others, the LAN */
	send("m1", CMAC, MASKED1, 0x0800, NULL, 0);
	CU_ASSERT(drain("m1") == 0 && drain("m2") == 1 && drain("m3") == 1 && drain("n1") == 0 &&
		  drain("n2") == 0);
	CU_ASSERT_EQUAL(uplink_tx(), up0 + 2);
	/* from the LAN: the members, never back out */
	send("nx-uplink", CMAC, N2MAC, 0x0800, NULL, 0);
	CU_ASSERT(drain("m1") == 1 && drain("m2") == 1 && drain("m3") == 1 && drain("n2") == 0);
	CU_ASSERT_EQUAL(uplink_tx(), up0 + 2);
	/* the cluster MAC as a source is never learned */
	send("m2", BCAST, CMAC, 0x0806, NULL, 0);
	drain_all();
	learned = false;
	vs_dp_fdb_walk(dp, on_fdb, &learned);
	CU_ASSERT(!learned);
	send("n2", CMAC, N2MAC, 0x0800, NULL, 0);
	CU_ASSERT(drain("m1") == 1 && drain("m2") == 1 && drain("m3") == 1);
	/* a masked source: members only (and the LAN, where other hosts are) */
	nm0 = stats("n2").drops[VS_DROP_NLB_NOT_MEMBER];
	send("n2", BCAST, MASKED7, 0x0806, NULL, 0);
	CU_ASSERT_EQUAL(stats("n2").drops[VS_DROP_NLB_NOT_MEMBER], nm0 + 1);
	CU_ASSERT(drain("m1") + drain("m2") + drain("m3") + drain("n1") == 0);
	send("nx-uplink", BCAST, MASKED7, 0x0806, NULL, 0);
	CU_ASSERT(drain("m1") == 1 && drain("n2") == 1);
	drain_all();
	/* heartbeats (broadcast in unicast mode): the other members only */
	up0 = uplink_tx();
	heartbeat("m1", BCAST, MASKED1, c.ip);
	CU_ASSERT(drain("m2") == 1 && drain("m3") == 1 && drain("m1") == 0);
	CU_ASSERT(drain("n1") == 0 && drain("n2") == 0);
	CU_ASSERT_EQUAL(uplink_tx(), up0 + 1);
	heartbeat("n2", BCAST, N2MAC, c.ip);
	CU_ASSERT_EQUAL(stats("n2").drops[VS_DROP_NLB_NOT_MEMBER], nm0 + 2);
	CU_ASSERT(drain("m1") + drain("m2") + drain("m3") == 0);
	/* a heartbeat of a cluster not configured here is ordinary broadcast */
	heartbeat("n2", BCAST, N2MAC, IP4(10, 0, 0, 222));
	CU_ASSERT(drain("m1") == 1 && drain("n1") == 1);
	drain_all();
	f = find(c.ip);
	CU_ASSERT_FATAL(f->seen);
	CU_ASSERT_EQUAL(f->info.delivered, 4);
	CU_ASSERT_EQUAL(f->info.heartbeats, 1);
	CU_ASSERT(f->info.mac[0] == 0x02 && f->info.mac[1] == 0xbf && f->info.mac[5] == 100);
	CU_ASSERT(member(f, "m1", false) && member(f, "m3", false) && !member(f, "n2", false));
	/* a member going down receives nothing at once */
	CU_ASSERT_EQUAL(vs_dp_port_set_admin(dp, "m3", false, err, sizeof(err)), 0);
	send("n2", CMAC, N2MAC, 0x0800, NULL, 0);
	CU_ASSERT(drain("m1") == 1 && drain("m2") == 1 && drain("m3") == 0);
	CU_ASSERT(!find(c.ip)->info.member[2].up);
	CU_ASSERT_EQUAL(vs_dp_port_set_admin(dp, "m3", true, err, sizeof(err)), 0);
	/* members keep MAC spoofing while they are members */
	vs_dp_port_conf(dp, (unsigned int)idx("m1"), &pc);
	pc.mac_spoofing = false;
	CU_ASSERT_EQUAL(vs_dp_port_set_security(dp, "m1", &pc, err, sizeof(err)), -EBUSY);
	CU_ASSERT(strstr(err, "10.0.0.100") != NULL);
	/* a member deleted leaves the cluster */
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "m2", err, sizeof(err)), 0);
	f = find(c.ip);
	CU_ASSERT(f->info.conf.n_members == 2 && !member(f, "m2", false));
	send("n2", CMAC, N2MAC, 0x0800, NULL, 0);
	CU_ASSERT(drain("m1") == 1 && drain("m3") == 1);
	/* local-only: the LAN does not get it */
	CU_ASSERT_EQUAL(vs_dp_nlb_del(dp, "nx", 1, c.ip, err, sizeof(err)), 0);
	c = cluster(IP4(10, 0, 0, 100), VS_NLB_UNICAST, mem, 1);
	c.local_only = true;
	CU_ASSERT_EQUAL(vs_dp_nlb_add(dp, &c, err, sizeof(err)), 0);
	up0 = uplink_tx();
	send("n2", CMAC, N2MAC, 0x0800, NULL, 0);
	CU_ASSERT(drain("m1") == 1 && drain("m3") == 0);
	CU_ASSERT_EQUAL(uplink_tx(), up0);
	CU_ASSERT_EQUAL(find(c.ip)->info.delivered, 1); /* counters start afresh */
	CU_ASSERT_EQUAL(vs_dp_nlb_del(dp, "nx", 1, c.ip, err, sizeof(err)), 0);
	/* without the cluster, the MAC is ordinary unknown unicast again */
	send("n2", CMAC, N2MAC, 0x0800, NULL, 0);
	CU_ASSERT(drain("m1") == 1 && drain("m3") == 1);
	drain_all();
}

static void
test_multicast(void)
{
	static const char *const mem[] = {"m1", "n1"};
	static const uint8_t CMAC[6] = {0x03, 0xbf, 10, 0, 0, 200};
	static const uint8_t OTHER_MC[6] = {0x03, 0xbf, 10, 0, 0, 201};
	static const uint8_t N2MAC[6] = {0x02, 0, 0, 0, 0, 0x42};
	static const uint8_t M1MAC[6] = {0x02, 0, 0, 0, 0, 0x31};
	struct vs_nlb_conf c = cluster(IP4(10, 0, 0, 200), VS_NLB_MULTICAST, mem, 2);
	uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 2};
	uint64_t up0;

	CU_ASSERT_EQUAL_FATAL(vs_dp_nlb_add(dp, &c, err, sizeof(err)), 0);
	drain_all();
	up0 = uplink_tx();
	send("n2", CMAC, N2MAC, 0x0800, NULL, 0);
	CU_ASSERT(drain("m1") == 1 && drain("n1") == 1);
	CU_ASSERT(drain("m3") == 0 && drain("n2") == 0);
	CU_ASSERT_EQUAL(uplink_tx(), up0 + 1);
	/* another multicast group floods as ever */
	send("n2", OTHER_MC, N2MAC, 0x0800, NULL, 0);
	CU_ASSERT(drain("m1") == 1 && drain("n1") == 1 && drain("m3") == 1);
	/* heartbeats to the cluster MAC: the other members */
	heartbeat("n1", CMAC, N1MAC, c.ip);
	CU_ASSERT(drain("m1") == 1 && drain("m3") == 0 && drain("n2") == 0);
	/* a member's ARP reply giving the multicast MAC for the cluster IP */
	memcpy(arp + 8, CMAC, 6);
	put32(arp + 14, c.ip);
	memcpy(arp + 18, N2MAC, 6);
	put32(arp + 24, IP4(10, 0, 0, 42));
	send("m1", BCAST, M1MAC, 0x0806, NULL, 0); /* learn the client's side */
	send("n2", M1MAC, N2MAC, 0x0800, NULL, 0);
	drain_all();
	send("m1", N2MAC, M1MAC, 0x0806, arp, sizeof(arp));
	CU_ASSERT_EQUAL(drain("n2"), 1);
	CU_ASSERT_EQUAL(vs_dp_nlb_del(dp, "nx", 1, c.ip, err, sizeof(err)), 0);
	drain_all();
}

/* IPv4 + IGMP message, checksums computed here. */
static uint32_t
igmp_pkt(uint8_t *p, uint8_t type, uint8_t code, uint32_t group)
{
	uint32_t s = 0;

	memset(p, 0, 28);
	p[0] = 0x45;
	p[3] = 28;
	p[8] = 1;
	p[9] = 2;
	put32(p + 12, IP4(10, 0, 0, 31));
	put32(p + 16, group ? group : IP4(224, 0, 0, 1));
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	p[10] = (uint8_t)(~s >> 8);
	p[11] = (uint8_t)~s;
	p[20] = type;
	p[21] = code;
	put32(p + 24, group);
	s = 0;
	for (int i = 20; i < 28; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	p[22] = (uint8_t)(~s >> 8);
	p[23] = (uint8_t)~s;
	return 28;
}

static void
test_igmp(void)
{
	static const uint8_t CMAC[6] = {0x01, 0x00, 0x5e, 0x7f, 7, 9};
	static const uint8_t GMAC_ALL[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	static const uint8_t N2MAC[6] = {0x02, 0, 0, 0, 0, 0x42};
	static const uint8_t M1MAC[6] = {0x02, 0, 0, 0, 0, 0x31};
	static const uint8_t M3MAC[6] = {0x02, 0, 0, 0, 0, 0x33};
	uint32_t group = IP4(239, 255, 7, 9), n;
	struct vs_nlb_conf c = cluster(IP4(10, 20, 7, 9), VS_NLB_IGMP, NULL, 0);
	uint8_t pkt[28];
	uint64_t up0;
	struct found *f;

	CU_ASSERT_EQUAL_FATAL(vs_dp_nlb_add(dp, &c, err, sizeof(err)), 0);
	drain_all();
	/* nobody reported yet: only the LAN, nothing flooded */
	up0 = uplink_tx();
	send("n2", CMAC, N2MAC, 0x0800, NULL, 0);
	CU_ASSERT(drain("m1") + drain("m3") + drain("n1") == 0);
	CU_ASSERT_EQUAL(uplink_tx(), up0 + 1);
	/* m1 reports (v2, to the group's address); m3 reports another group */
	n = igmp_pkt(pkt, 0x16, 0, group);
	send("m1", CMAC, M1MAC, 0x0800, pkt, n);
	n = igmp_pkt(pkt, 0x16, 0, IP4(239, 1, 2, 3));
	send("m3", BCAST, M3MAC, 0x0800, pkt, n);
	vs_dp_nlb_tick(dp);
	drain_all();
	send("n2", CMAC, N2MAC, 0x0800, NULL, 0);
	CU_ASSERT(drain("m1") == 1 && drain("m3") == 0 && drain("n1") == 0);
	f = find(c.ip);
	CU_ASSERT(member(f, "m1", true) && !member(f, "m3", true));
	CU_ASSERT_EQUAL(f->info.igmp_joins, 1);
	/* a leave: out at once */
	n = igmp_pkt(pkt, 0x17, 0, group);
	send("m1", GMAC_ALL, M1MAC, 0x0800, pkt, n);
	vs_dp_nlb_tick(dp);
	drain_all();
	send("n2", CMAC, N2MAC, 0x0800, NULL, 0);
	CU_ASSERT_EQUAL(drain("m1"), 0);
	CU_ASSERT_EQUAL(find(c.ip)->info.igmp_leaves, 1);
	/* a report that goes unrefreshed: gone after 260 s */
	n = igmp_pkt(pkt, 0x16, 0, group);
	send("m1", CMAC, M1MAC, 0x0800, pkt, n);
	vs_dp_nlb_tick(dp);
	clock_ns += 259ull * 1000000000ull;
	vs_dp_nlb_tick(dp);
	CU_ASSERT(member(find(c.ip), "m1", true));
	clock_ns += 2ull * 1000000000ull;
	vs_dp_nlb_tick(dp);
	CU_ASSERT(!member(find(c.ip), "m1", true));
	CU_ASSERT_EQUAL(find(c.ip)->info.igmp_expired, 1);
	/* a group query (1 s) from the LAN: members that do not answer go */
	n = igmp_pkt(pkt, 0x16, 0, group);
	send("m1", CMAC, M1MAC, 0x0800, pkt, n);
	send("m3", CMAC, M3MAC, 0x0800, pkt, n);
	vs_dp_nlb_tick(dp);
	n = igmp_pkt(pkt, 0x11, 10, group);
	send("nx-uplink", CMAC, N2MAC, 0x0800, pkt, n);
	vs_dp_nlb_tick(dp);
	clock_ns += 1000000000ull;
	n = igmp_pkt(pkt, 0x16, 0, group);
	send("m3", CMAC, M3MAC, 0x0800, pkt, n); /* m3 answers */
	vs_dp_nlb_tick(dp);
	clock_ns += 1500000000ull;
	vs_dp_nlb_tick(dp);
	f = find(c.ip);
	CU_ASSERT(!member(f, "m1", true) && member(f, "m3", true));
	/* malformed IGMP is forwarded, not snooped */
	n = igmp_pkt(pkt, 0x16, 0, group);
	pkt[24] ^= 1;
	send("n2", BCAST, N2MAC, 0x0800, pkt, n);
	vs_dp_nlb_tick(dp);
	CU_ASSERT(!member(find(c.ip), "n2", true));
	CU_ASSERT_EQUAL(drain("n1"), 1);
	CU_ASSERT_EQUAL(vs_dp_nlb_del(dp, "nx", 1, c.ip, err, sizeof(err)), 0);
	drain_all();
}

CU_ErrorCode
vs_test_register_nlb(void)
{
	CU_pSuite s = CU_add_suite("nlb in the datapath", setup, teardown);

	if (s == NULL || !CU_add_test(s, "clusters refused where NLB cannot work", test_refused) ||
	    !CU_add_test(s, "unicast: members, LAN, heartbeats, masked sources", test_unicast) ||
	    !CU_add_test(s, "multicast: members only, ARP with the cluster MAC", test_multicast) ||
	    !CU_add_test(s, "igmp: reports, leaves, timeouts, queries", test_igmp))
		return CU_get_error();
	return CUE_SUCCESS;
}
