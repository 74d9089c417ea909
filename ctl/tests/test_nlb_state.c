/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NLB request suite, continued (test_nlb_rpc.h): a deleted port leaving
 * its clusters and a deleted switch taking its own, live and on disk; the
 * saved clusters loaded into another datapath; delivered and IGMP counters
 * from frames run through the pipeline; a change that cannot be saved
 * undone, clusters included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "test_nlb_rpc.h"

void
nt_test_port_del_leaves(void)
{
	cJSON_Delete(nt_ok("port.add", "{'switch':'nl','name':'n5','kind':'ring','mac_spoofing':true}"));
	cJSON_Delete(nt_ok("port.add", "{'switch':'nl','name':'n6','kind':'ring','mac_spoofing':true}"));
	cJSON_Delete(nt_ok("nlb.add", "{'switch':'nl','ip':'10.0.0.60','mode':'unicast',"
				   "'members':['n5','n6']}"));
	cJSON_Delete(nt_ok("nlb.add", "{'switch':'nl','ip':'10.0.0.61','mode':'igmp','vlan':7,"
				   "'members':['n6']}"));
	nt_expect_members("nl", 1, "10.0.0.60", "n5,n6");
	cJSON_Delete(nt_ok("port.del", "{'name':'n5'}"));
	nt_expect_members("nl", 1, "10.0.0.60", "n6");
	/* The last member gone, the cluster stays, saved without members. */
	cJSON_Delete(nt_ok("port.del", "{'name':'n6'}"));
	nt_expect_members("nl", 1, "10.0.0.60", "");
	nt_expect_members("nl", 7, "10.0.0.61", "");
	cJSON_Delete(nt_ok("nlb.del", "{'switch':'nl','ip':'10.0.0.60'}"));
	cJSON_Delete(nt_ok("nlb.del", "{'switch':'nl','ip':'10.0.0.61','vlan':7}"));
}

void
nt_test_switch_del_takes_clusters(void)
{
	cJSON *l, *doc, *c;

	cJSON_Delete(nt_ok("switch.add", "{'name':'nx'}"));
	cJSON_Delete(nt_ok("port.add", "{'switch':'nx','name':'x1','kind':'ring'}"));
	cJSON_Delete(nt_ok("nlb.add", "{'switch':'nx','ip':'10.0.1.1','mode':'igmp'}"));
	cJSON_Delete(nt_ok("nlb.add", "{'switch':'nx','ip':'10.0.1.2','mode':'multicast',"
				   "'members':['x1']}"));
	cJSON_Delete(nt_ok("port.del", "{'name':'x1'}"));
	cJSON_Delete(nt_ok("switch.del", "{'name':'nx'}"));
	nt_refused(VS_CTL_E_NOT_FOUND, "switch: no switch named 'nx'", "nlb.list", "{'switch':'nx'}");
	l = nt_ok("nlb.list", "{}");
	doc = nt_saved();
	cJSON_ArrayForEach(c, l)
		CU_ASSERT_STRING_NOT_EQUAL(nt_str(c, "switch"), "nx");
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "nlb"))
		CU_ASSERT_STRING_NOT_EQUAL(nt_str(c, "switch"), "nx");
	cJSON_Delete(l);
	cJSON_Delete(doc);
	/* A new switch of that name starts without them. */
	cJSON_Delete(nt_ok("switch.add", "{'name':'nx'}"));
	l = nt_ok("nlb.list", "{'switch':'nx'}");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(l), 0);
	cJSON_Delete(l);
	cJSON_Delete(nt_ok("switch.del", "{'name':'nx'}"));
}

/* Keeps the elements of the document's array key whose key field is sw. */
static void
keep_switch(cJSON *doc, const char *key, const char *field, const char *sw)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, key);
	int i;

	for (i = cJSON_GetArraySize(a) - 1; i >= 0; i--)
		if (strcmp(nt_str(cJSON_GetArrayItem(a, i), field), sw) != 0)
			cJSON_DeleteItemFromArray(a, i);
}

/*
 * Switch sw as saved, with its ports and clusters, deleted from this
 * datapath (whose ring devices these are) and loaded into another: the
 * document it saves is the same, and so are the clusters nlb.list shows.
 */
static void
reload_switch(const char *sw, const char *const *ports, unsigned int n_ports)
{
	struct vs_dp_conf dc = {.fdb_size = 4096};
	struct vs_ctl_conf cc = {.sock_gid = -1};
	char err[256], *text, *back;
	cJSON *before, *after, *doc;
	struct vs_dp *dp2;
	struct vs_ctl *ctl2;
	unsigned int i;

	before = nt_ok("nlb.list", "{'switch':'%s'}", sw);
	doc = nt_saved();
	keep_switch(doc, "switches", "name", sw);
	keep_switch(doc, "ports", "switch", sw);
	keep_switch(doc, "nlb", "switch", sw);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "nlb")),
			cJSON_GetArraySize(before));
	text = cJSON_Print(doc);
	cJSON_Delete(doc);
	for (i = 0; i < n_ports; i++)
		cJSON_Delete(nt_ok("port.del", "{'name':'%s'}", ports[i]));
	cJSON_Delete(nt_ok("switch.del", "{'name':'%s'}", sw));

	dp2 = vs_dp_create(&dc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(dp2);
	if (vs_ctl_config_apply(dp2, text, err, sizeof(err)) != 0) {
		fprintf(stderr, "\n  apply: %s\n", err);
		CU_FAIL("the saved document does not load");
		vs_dp_destroy(dp2);
		cJSON_Delete(before);
		free(text);
		return;
	}
	doc = vs_ctl_config_build(dp2);
	back = cJSON_Print(doc);
	cJSON_Delete(doc);
	if (strcmp(text, back) != 0) {
		fprintf(stderr, "\n  saved:\n%s\n  reloaded:\n%s\n", text, back);
		CU_FAIL("config.get differs after a reload");
	}
	ctl2 = vs_ctl_create(dp2, &cc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctl2);
	after = nt_rpc(ctl2, "nlb.list", "{}");
	if (!cJSON_Compare(before, cJSON_GetObjectItemCaseSensitive(after, "result"), 1)) {
		char *a = cJSON_Print(before), *b = cJSON_Print(after);

		fprintf(stderr, "\n  before:\n%s\n  after loading:\n%s\n", a, b);
		free(a);
		free(b);
		CU_FAIL("the clusters differ after a reload");
	}
	cJSON_Delete(after);
	cJSON_Delete(before);
	vs_ctl_destroy(ctl2);
	vs_dp_destroy(dp2);
	free(text);
	free(back);
}

/* The saved clusters, loaded into another datapath, are the same: one of
 * each mode, VLANs, local_only. */
void
nt_test_saved_and_loaded(void)
{
	static const char *const ports[] = {"r1", "r2", "r3"};
	cJSON *l;

	cJSON_Delete(nt_ok("switch.add", "{'name':'rl'}"));
	cJSON_Delete(nt_ok("port.add", "{'switch':'rl','name':'r1','kind':'ring','mac_spoofing':true}"));
	cJSON_Delete(nt_ok("port.add", "{'switch':'rl','name':'r2','kind':'ring','mac_spoofing':true}"));
	cJSON_Delete(nt_ok("port.add", "{'switch':'rl','name':'r3','kind':'ring'}"));
	cJSON_Delete(nt_ok("nlb.add", "{'switch':'rl','ip':'10.1.0.10','mode':'unicast',"
				   "'members':['r1','r2'],'local_only':true}"));
	cJSON_Delete(nt_ok("nlb.add", "{'switch':'rl','ip':'10.1.0.11','mode':'multicast','vlan':20,"
				   "'members':['r3','r1']}"));
	cJSON_Delete(nt_ok("nlb.add", "{'switch':'rl','ip':'10.1.0.12','mode':'igmp','vlan':20}"));
	l = nt_ok("nlb.list", "{'switch':'rl'}");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(l), 3);
	cJSON_Delete(l);
	reload_switch("rl", ports, 3);
}

/* A unicast or multicast cluster whose member ports were all deleted is
 * saved without members, and must load back so (a restart would fail
 * otherwise). */
void
nt_test_memberless_loaded(void)
{
	static const char *const ports[] = {"e2"};

	cJSON_Delete(nt_ok("switch.add", "{'name':'re'}"));
	cJSON_Delete(nt_ok("port.add", "{'switch':'re','name':'e1','kind':'ring','mac_spoofing':true}"));
	cJSON_Delete(nt_ok("port.add", "{'switch':'re','name':'e2','kind':'ring'}"));
	cJSON_Delete(nt_ok("nlb.add", "{'switch':'re','ip':'10.1.1.1','mode':'multicast',"
				   "'members':['e1']}"));
	cJSON_Delete(nt_ok("nlb.add", "{'switch':'re','ip':'10.1.1.2','mode':'unicast',"
				   "'members':['e1']}"));
	cJSON_Delete(nt_ok("port.del", "{'name':'e1'}"));
	reload_switch("re", ports, 1);
}

/* ---- frames through the pipeline, counted in nlb.list ---- */

static uint16_t
csum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Sends frame from port and runs the pipeline; returns a bitmap of the
 * ports n1..n4 (bit k for n<k+1>) that received a copy. */
static unsigned int
send_from(const char *port, const uint8_t *frame, size_t len)
{
	struct rte_ring *rx = vs_dp_port_rx_ring(nt_dp, (unsigned int)vs_dp_port_index(nt_dp, port));
	struct rte_mbuf *m = rte_pktmbuf_alloc(vs_dp_mempool(nt_dp));
	unsigned int got = 0, k;
	char name[8];

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), frame, len);
	CU_ASSERT_EQUAL(rte_ring_enqueue(rx, m), 0);
	vs_dp_poll_once(nt_dp);
	for (k = 0; k < 4; k++) {
		struct rte_ring *tx;

		snprintf(name, sizeof(name), "n%u", k + 1);
		tx = vs_dp_port_tx_ring(nt_dp, (unsigned int)vs_dp_port_index(nt_dp, name));
		while (rte_ring_dequeue(tx, (void **)&m) == 0) {
			got |= 1u << k;
			rte_pktmbuf_free(m);
		}
	}
	return got;
}

/* An IGMPv2 report (type 0x16) or leave (0x17) for 239.255.0.200 from
 * 10.0.0.3, with the router alert option. */
static size_t
igmp_frame(uint8_t type, uint8_t *f)
{
	static const uint8_t grp[4] = {239, 255, 0, 200};
	uint8_t *ip = f + 14, *igmp = ip + 24;
	uint16_t c;

	memset(f, 0, 60);
	memcpy(f, type == 0x16 ? (const uint8_t[]){1, 0, 0x5e, 0x7f, 0, 200}
			       : (const uint8_t[]){1, 0, 0x5e, 0, 0, 2},
	       6);
	memcpy(f + 6, (const uint8_t[]){2, 0, 0, 0, 0, 3}, 6);
	f[12] = 0x08;
	ip[0] = 0x46;
	ip[3] = 32; /* total length */
	ip[8] = 1;  /* TTL */
	ip[9] = 2;  /* IGMP */
	memcpy(ip + 12, (const uint8_t[]){10, 0, 0, 3}, 4);
	memcpy(ip + 16, type == 0x16 ? grp : (const uint8_t[]){224, 0, 0, 2}, 4);
	memcpy(ip + 20, (const uint8_t[]){0x94, 4, 0, 0}, 4);
	c = csum(ip, 24);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	igmp[0] = type;
	memcpy(igmp + 4, grp, 4);
	c = csum(igmp, 8);
	igmp[2] = (uint8_t)(c >> 8);
	igmp[3] = (uint8_t)c;
	return 60;
}

void
nt_test_counters(void)
{
	/* To multicast cluster 10.0.0.100 (members n1, n4) from n2. */
	static const uint8_t to_cluster[60] = {0x03, 0xbf, 10, 0, 0, 100, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
	uint8_t f[60];
	cJSON *l, *c, *m;

	CU_ASSERT_EQUAL(send_from("n2", to_cluster, sizeof(to_cluster)), 1u << 0 | 1u << 3);
	CU_ASSERT_EQUAL(send_from("n2", to_cluster, sizeof(to_cluster)), 1u << 0 | 1u << 3);
	l = nt_ok("nlb.list", "{'switch':'nl'}");
	c = nt_cluster(l, "nl", 1, "10.0.0.100");
	CU_ASSERT_EQUAL(nt_num(cJSON_GetObjectItemCaseSensitive(c, "stats"), "delivered"), 2);
	cJSON_Delete(l);
	cJSON_Delete(nt_ok("stats.clear", "{}"));
	l = nt_ok("nlb.list", "{'switch':'nl'}");
	c = nt_cluster(l, "nl", 1, "10.0.0.100");
	CU_ASSERT_EQUAL(nt_num(cJSON_GetObjectItemCaseSensitive(c, "stats"), "delivered"), 0);
	cJSON_Delete(l);

	/* An IGMP cluster: n3's VM joins its group, then leaves it. */
	cJSON_Delete(nt_ok("nlb.add", "{'switch':'nl','ip':'10.0.0.200','mode':'igmp'}"));
	send_from("n3", f, igmp_frame(0x16, f));
	l = nt_ok("nlb.list", "{'switch':'nl'}");
	c = nt_cluster(l, "nl", 1, "10.0.0.200");
	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "members")), 1);
	m = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "members"), 0);
	CU_ASSERT_STRING_EQUAL(nt_str(m, "name"), "n3");
	CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(m, "configured")));
	CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "igmp")));
	CU_ASSERT_EQUAL(nt_num(cJSON_GetObjectItemCaseSensitive(c, "stats"), "igmp_joins"), 1);
	cJSON_Delete(l);
	{
		/* Soft state: the saved cluster has no members. */
		cJSON *doc = nt_saved();

		c = nt_cluster(cJSON_GetObjectItemCaseSensitive(doc, "nlb"), "nl", 1, "10.0.0.200");
		CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "members")), 0);
		cJSON_Delete(doc);
	}
	send_from("n3", f, igmp_frame(0x17, f));
	l = nt_ok("nlb.list", "{'switch':'nl'}");
	c = nt_cluster(l, "nl", 1, "10.0.0.200");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "members")), 0);
	CU_ASSERT_EQUAL(nt_num(cJSON_GetObjectItemCaseSensitive(c, "stats"), "igmp_leaves"), 1);
	cJSON_Delete(l);
	cJSON_Delete(nt_ok("nlb.del", "{'switch':'nl','ip':'10.0.0.200'}"));
}

/* A change that cannot be saved is undone, clusters included. */
void
nt_test_save_failure_undoes(void)
{
	struct vs_ctl_conf cc = {.sock_gid = -1, .config_path = "/nonexistent-dir/x.json"};
	struct vs_ctl *bad;
	char err[256];
	cJSON *r, *l;
	int code;

	bad = vs_ctl_create(nt_dp, &cc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
	r = nt_rpc(bad, "nlb.add", "{'switch':'nl','ip':'10.0.0.70','mode':'multicast',"
				   "'members':['n3']}");
	nt_message(r, &code);
	CU_ASSERT_EQUAL(code, VS_CTL_E_PERSIST);
	cJSON_Delete(r);
	r = nt_rpc(bad, "nlb.del", "{'switch':'nl','ip':'10.0.0.100'}");
	nt_message(r, &code);
	CU_ASSERT_EQUAL(code, VS_CTL_E_PERSIST);
	cJSON_Delete(r);
	r = nt_rpc(bad, "port.del", "{'name':'n4'}");
	nt_message(r, &code);
	CU_ASSERT_EQUAL(code, VS_CTL_E_PERSIST);
	cJSON_Delete(r);
	CU_ASSERT(vs_dp_port_index(nt_dp, "n4") >= 0);
	cJSON_Delete(nt_ok("switch.add", "{'name':'ny'}"));
	cJSON_Delete(nt_ok("nlb.add", "{'switch':'ny','ip':'10.0.2.1','mode':'igmp'}"));
	r = nt_rpc(bad, "switch.del", "{'name':'ny'}");
	nt_message(r, &code);
	CU_ASSERT_EQUAL(code, VS_CTL_E_PERSIST);
	cJSON_Delete(r);
	vs_ctl_destroy(bad);

	l = nt_ok("nlb.list", "{}");
	CU_ASSERT_PTR_NULL(nt_cluster(l, "nl", 1, "10.0.0.70"));
	CU_ASSERT_PTR_NOT_NULL(nt_cluster(l, "ny", 1, "10.0.2.1"));
	cJSON_Delete(l);
	nt_expect_members("nl", 1, "10.0.0.100", "n1,n4");
	cJSON_Delete(nt_ok("switch.del", "{'name':'ny'}"));
}
