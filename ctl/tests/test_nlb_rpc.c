/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NLB clusters through vs_ctl_handle, the code path the socket uses, on a
 * real datapath with ring ports: every field of nlb.add, nlb.del and
 * nlb.list refused with its name; the datapath's own refusal of a unicast
 * member without MAC spoofing; add, list and del with the cluster MAC in
 * both notations, member states and counters (frames and IGMP reports run
 * through the pipeline); the clusters in the saved document and the same
 * clusters after loading it into another datapath; a deleted port leaving
 * its clusters and a deleted switch taking its own, live and on disk; and
 * a change that cannot be saved undone, clusters included.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <cjson/cJSON.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "ctl.h"

cJSON *vs_ctl_config_build(const struct vs_dp *dp); /* ctl_priv.h */

static struct vs_dp *dp;
static struct vs_ctl *ctl;
static char cfg_path[64];

/* Sends method with params written with ' for " (no value here needs a
 * quote); returns the whole response. */
static cJSON *
vrpc(struct vs_ctl *c, const char *method, const char *fmt, va_list ap)
{
	char params[4096], req[4400], *out, *q;
	cJSON *r;

	vsnprintf(params, sizeof(params), fmt, ap);
	for (q = params; *q; q++)
		if (*q == '\'')
			*q = '"';
	snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}",
		 method, params);
	out = vs_ctl_handle(c, req, strlen(req));
	if (out == NULL)
		return NULL;
	r = cJSON_Parse(out);
	free(out);
	return r;
}

static cJSON *
rpc_on(struct vs_ctl *c, const char *method, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static cJSON *
rpc_on(struct vs_ctl *c, const char *method, const char *fmt, ...)
{
	va_list ap;
	cJSON *r;

	va_start(ap, fmt);
	r = vrpc(c, method, fmt, ap);
	va_end(ap);
	return r;
}

static const char *
message_of(const cJSON *r, int *code)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");

	*code = e ? (int)cJSON_GetObjectItemCaseSensitive(e, "code")->valuedouble : 0;
	return e ? cJSON_GetObjectItemCaseSensitive(e, "message")->valuestring : "";
}

/* The result of a call that must succeed (caller deletes). */
static cJSON *
ok(const char *method, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static cJSON *
ok(const char *method, const char *fmt, ...)
{
	va_list ap;
	cJSON *r, *res;
	int code;

	va_start(ap, fmt);
	r = vrpc(ctl, method, fmt, ap);
	va_end(ap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	if (cJSON_HasObjectItem(r, "error")) {
		fprintf(stderr, "\n  %s %s failed: %s\n", method, fmt, message_of(r, &code));
		CU_FAIL("request failed");
	}
	res = cJSON_DetachItemFromObject(r, "result");
	cJSON_Delete(r);
	return res;
}

/* Asserts the call fails with code and a message containing text. */
static void
refused(int code, const char *text, const char *method, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void
refused(int code, const char *text, const char *method, const char *fmt, ...)
{
	va_list ap;
	const char *msg;
	cJSON *r;
	int got;

	va_start(ap, fmt);
	r = vrpc(ctl, method, fmt, ap);
	va_end(ap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	msg = message_of(r, &got);
	if (got != code || strstr(msg, text) == NULL) {
		fprintf(stderr, "\n  %s %s\n  got code %d '%s', want %d '%s'\n", method, fmt, got, msg,
			code, text);
		CU_FAIL("wrong error");
	}
	cJSON_Delete(r);
}

static const char *
str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static double
num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static cJSON *
saved(void)
{
	char err[128];
	char *txt = vs_ctl_read_file(cfg_path, err, sizeof(err));
	cJSON *doc = txt ? cJSON_Parse(txt) : NULL;

	free(txt);
	return doc;
}

/* The cluster (sw, vlan, ip) of an nlb.list answer or of a document's
 * "nlb", or NULL. */
static cJSON *
cluster_in(cJSON *list, const char *sw, int vlan, const char *ip)
{
	cJSON *c;

	cJSON_ArrayForEach(c, list)
		if (strcmp(str(c, "switch"), sw) == 0 && num(c, "vlan") == vlan &&
		    strcmp(str(c, "ip"), ip) == 0)
			return c;
	return NULL;
}

/* "n1,n2": the names of a cluster's members, in order. */
static void
member_names(const cJSON *c, char *out, size_t len)
{
	const cJSON *m;
	size_t off = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(c, "members"))
		if (off < len)
			off += (size_t)snprintf(out + off, len - off, "%s%s", off ? "," : "",
						cJSON_IsString(m) ? m->valuestring : str(m, "name"));
}

/* Members of the live cluster and of the saved one, as "n1,n2". */
static void
expect_members(const char *sw, int vlan, const char *ip, const char *want)
{
	cJSON *l = ok("nlb.list", "{}"), *doc = saved();
	cJSON *live = cluster_in(l, sw, vlan, ip);
	cJSON *disk = cluster_in(cJSON_GetObjectItemCaseSensitive(doc, "nlb"), sw, vlan, ip);
	char a[512], b[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(live);
	CU_ASSERT_PTR_NOT_NULL_FATAL(disk);
	member_names(live, a, sizeof(a));
	member_names(disk, b, sizeof(b));
	if (strcmp(a, want) != 0 || strcmp(b, want) != 0) {
		fprintf(stderr, "\n  cluster %s/%d/%s: members '%s' live, '%s' saved, want '%s'\n",
			sw, vlan, ip, a, b, want);
		CU_FAIL("wrong members");
	}
	cJSON_Delete(l);
	cJSON_Delete(doc);
}

static int
setup(void)
{
	struct vs_dp_conf dc = {.fdb_size = 4096};
	struct vs_ctl_conf cc = {.sock_gid = -1, .version = "test"};
	static const char *const reqs[][2] = {
		{"switch.add", "{'name':'nl'}"},
		{"switch.add", "{'name':'nl2'}"},
		{"port.add", "{'switch':'nl','name':'n1','kind':'ring','mac_spoofing':true}"},
		{"port.add", "{'switch':'nl','name':'n2','kind':'ring','mac_spoofing':true}"},
		{"port.add", "{'switch':'nl','name':'n3','kind':'ring','mac_spoofing':true}"},
		{"port.add", "{'switch':'nl','name':'n4','kind':'ring','mac':'02:00:00:00:00:04'}"},
		{"port.add", "{'switch':'nl2','name':'o1','kind':'ring'}"},
	};
	char err[256];
	unsigned int i;
	int fd;

	snprintf(cfg_path, sizeof(cfg_path), "/tmp/vsnlbXXXXXX");
	fd = mkstemp(cfg_path);
	if (fd < 0)
		return -1;
	close(fd);
	cc.config_path = cfg_path;
	dp = vs_dp_create(&dc, err, sizeof(err));
	if (dp == NULL || (ctl = vs_ctl_create(dp, &cc, err, sizeof(err))) == NULL)
		return -1;
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		cJSON *r = rpc_on(ctl, reqs[i][0], "%s", reqs[i][1]);
		bool failed = r == NULL || cJSON_HasObjectItem(r, "error");

		cJSON_Delete(r);
		if (failed)
			return -1;
	}
	return 0;
}

static int
teardown(void)
{
	vs_ctl_destroy(ctl);
	vs_dp_destroy(dp);
	unlink(cfg_path);
	return 0;
}

#define UC "'switch':'nl','mode':'unicast','members':['n1']"
#define AT "{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':['n1']%s}"

static void
test_add_fields(void)
{
	char many[2048];
	size_t off = 0;
	unsigned int i;
	cJSON *r;

	refused(VS_CTL_E_INVALID_PARAMS, "switch: required", "nlb.add",
		"{'ip':'10.0.0.100','mode':'unicast','members':['n1']}");
	refused(VS_CTL_E_INVALID_PARAMS, "switch: expected a string", "nlb.add",
		"{'switch':1,'ip':'10.0.0.100','mode':'igmp'}");
	refused(VS_CTL_E_NOT_FOUND, "nlb.add: switch: no switch named 'zz'", "nlb.add",
		"{'switch':'zz','ip':'10.0.0.100','mode':'igmp'}");
	refused(VS_CTL_E_INVALID_PARAMS, "ip: required", "nlb.add", "{" UC "}");
	refused(VS_CTL_E_INVALID_PARAMS, "ip: '10.0.0.300' is not an IPv4 address", "nlb.add",
		"{" UC ",'ip':'10.0.0.300'}");
	refused(VS_CTL_E_INVALID_PARAMS, "ip: '10.0.1' is not an IPv4 address", "nlb.add",
		"{" UC ",'ip':'10.0.1'}");
	refused(VS_CTL_E_INVALID_PARAMS, "ip: ' 10.0.0.1' is not an IPv4 address", "nlb.add",
		"{" UC ",'ip':' 10.0.0.1'}");
	refused(VS_CTL_E_INVALID_PARAMS, "ip: expected a string", "nlb.add", "{" UC ",'ip':167772260}");
	refused(VS_CTL_E_INVALID_PARAMS, "ip: 224.0.0.5 is a multicast address", "nlb.add",
		"{" UC ",'ip':'224.0.0.5'}");
	refused(VS_CTL_E_INVALID_PARAMS, "ip: 127.0.0.1 is a loopback address", "nlb.add",
		"{" UC ",'ip':'127.0.0.1'}");
	refused(VS_CTL_E_INVALID_PARAMS, "ip: 255.255.255.255 is the broadcast address", "nlb.add",
		"{" UC ",'ip':'255.255.255.255'}");
	refused(VS_CTL_E_INVALID_PARAMS, "ip: 0.0.0.0 is in 0.0.0.0/8", "nlb.add",
		"{" UC ",'ip':'0.0.0.0'}");
	refused(VS_CTL_E_INVALID_PARAMS, "mode: required", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100'}");
	refused(VS_CTL_E_INVALID_PARAMS, "mode: 'anycast' is not unicast, multicast or igmp",
		"nlb.add", "{'switch':'nl','ip':'10.0.0.100','mode':'anycast'}");
	refused(VS_CTL_E_INVALID_PARAMS, "vlan: expected an integer from 1 to 4094", "nlb.add", AT,
		",'vlan':0");
	refused(VS_CTL_E_INVALID_PARAMS, "vlan: expected an integer from 1 to 4094", "nlb.add", AT,
		",'vlan':4095");
	refused(VS_CTL_E_INVALID_PARAMS, "vlan: expected an integer from 1 to 4094", "nlb.add", AT,
		",'vlan':'10'");
	refused(VS_CTL_E_INVALID_PARAMS, "vlan: expected an integer from 1 to 4094", "nlb.add", AT,
		",'vlan':1.5");
	refused(VS_CTL_E_INVALID_PARAMS, "local_only: expected true or false", "nlb.add", AT,
		",'local_only':'yes'");
	refused(VS_CTL_E_INVALID_PARAMS, "colour: unknown key", "nlb.add", AT, ",'colour':'red'");
	refused(VS_CTL_E_INVALID_PARAMS, "nlb.add: dry_run: expected true or false", "nlb.add", AT,
		",'dry_run':1");
	refused(VS_CTL_E_INVALID_PARAMS, "members: expected an array of port names", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':'n1,n2'}");
	refused(VS_CTL_E_INVALID_PARAMS, "members[1]: expected a port name", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':['n1',7]}");
	refused(VS_CTL_E_INVALID_PARAMS, "members[0]: expected a port name", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':['']}");
	refused(VS_CTL_E_NOT_FOUND, "members[1]: no port 'vm9' on switch nl", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':['n1','vm9']}");
	refused(VS_CTL_E_INVALID_PARAMS, "members[0]: port 'o1' is on switch nl2, not nl",
		"nlb.add", "{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':['o1']}");
	refused(VS_CTL_E_INVALID_PARAMS, "members[2]: 'n1' is listed twice", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':['n1','n2','n1']}");
	refused(VS_CTL_E_INVALID_PARAMS, "members: required in multicast mode", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast'}");
	refused(VS_CTL_E_INVALID_PARAMS, "members: required in unicast mode", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'unicast','members':[]}");
	for (i = 0; i <= 32; i++)
		off += (size_t)snprintf(many + off, sizeof(many) - off, "%s'x%u'", i ? "," : "", i);
	refused(VS_CTL_E_INVALID_PARAMS, "members: more than 32", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'igmp','members':[%s]}", many);
	/* None of it changed anything. */
	r = ok("nlb.list", "{}");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r), 0);
	cJSON_Delete(r);
}

static void
test_del_list_fields(void)
{
	refused(VS_CTL_E_INVALID_PARAMS, "switch: required", "nlb.del", "{'ip':'10.0.0.100'}");
	refused(VS_CTL_E_NOT_FOUND, "switch: no switch named 'zz'", "nlb.del",
		"{'switch':'zz','ip':'10.0.0.100'}");
	refused(VS_CTL_E_INVALID_PARAMS, "ip: required", "nlb.del", "{'switch':'nl'}");
	refused(VS_CTL_E_INVALID_PARAMS, "ip: 'ten' is not an IPv4 address", "nlb.del",
		"{'switch':'nl','ip':'ten'}");
	refused(VS_CTL_E_INVALID_PARAMS, "vlan: expected an integer from 1 to 4094", "nlb.del",
		"{'switch':'nl','ip':'10.0.0.100','vlan':5000}");
	refused(VS_CTL_E_INVALID_PARAMS, "mode: unknown key", "nlb.del",
		"{'switch':'nl','ip':'10.0.0.100','mode':'unicast'}");
	refused(VS_CTL_E_NOT_FOUND, "ip: switch nl has no NLB cluster 10.0.0.100 in VLAN 1",
		"nlb.del", "{'switch':'nl','ip':'10.0.0.100'}");
	refused(VS_CTL_E_NOT_FOUND, "switch: no switch named 'zz'", "nlb.list", "{'switch':'zz'}");
	refused(VS_CTL_E_INVALID_PARAMS, "vlan: unknown key", "nlb.list", "{'vlan':1}");
	refused(VS_CTL_E_INVALID_PARAMS, "dry_run: unknown key", "nlb.list", "{'dry_run':true}");
}

static void
expect_cluster(cJSON *c, const char *mode, const char *nlb_mac, const char *mac, bool local,
	       const char *members)
{
	char names[256];
	const cJSON *m, *st = cJSON_GetObjectItemCaseSensitive(c, "stats");

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(str(c, "mode"), mode);
	CU_ASSERT_STRING_EQUAL(str(c, "nlb_mac"), nlb_mac);
	CU_ASSERT_STRING_EQUAL(str(c, "mac"), mac);
	CU_ASSERT_EQUAL(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "local_only")), local);
	member_names(c, names, sizeof(names));
	CU_ASSERT_STRING_EQUAL(names, members);
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(c, "members")) {
		CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "configured")));
		CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(m, "igmp")));
		CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "up")));
	}
	CU_ASSERT_EQUAL(num(st, "delivered"), 0);
	CU_ASSERT_EQUAL(num(st, "heartbeats"), 0);
	CU_ASSERT_EQUAL(num(st, "igmp_joins"), 0);
	CU_ASSERT_EQUAL(num(st, "igmp_leaves"), 0);
	CU_ASSERT_EQUAL(num(st, "igmp_expired"), 0);
}

static void
test_add_list_del(void)
{
	cJSON *r, *l, *doc, *want;

	r = ok("nlb.add", "{'switch':'nl','ip':'10.0.0.100','mode':'multicast','vlan':1,"
			  "'members':['n1','n4']}");
	CU_ASSERT_STRING_EQUAL(str(r, "switch"), "nl");
	CU_ASSERT_STRING_EQUAL(str(r, "ip"), "10.0.0.100");
	expect_cluster(r, "multicast", "03-BF-0A-00-00-64", "03:BF:0A:00:00:64", false, "n1,n4");
	cJSON_Delete(r);
	r = ok("nlb.add", "{'switch':'nl','ip':'10.0.0.200','mode':'igmp'}");
	expect_cluster(r, "igmp", "01-00-5E-7F-00-C8", "01:00:5E:7F:00:C8", false, "");
	cJSON_Delete(r);
	r = ok("nlb.add", "{'switch':'nl','ip':'10.0.0.100','mode':'unicast','vlan':10,"
			  "'members':['n1','n2','n3'],'local_only':true}");
	expect_cluster(r, "unicast", "02-BF-0A-00-00-64", "02:BF:0A:00:00:64", true, "n1,n2,n3");
	cJSON_Delete(r);
	refused(VS_CTL_E_EXISTS, "10.0.0.100", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':['n2']}");

	/* By switch, VLAN and IP. */
	l = ok("nlb.list", "{'switch':'nl'}");
	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(l), 3);
	CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(l, 0), "vlan"), 1);
	CU_ASSERT_STRING_EQUAL(str(cJSON_GetArrayItem(l, 0), "ip"), "10.0.0.100");
	CU_ASSERT_STRING_EQUAL(str(cJSON_GetArrayItem(l, 1), "ip"), "10.0.0.200");
	CU_ASSERT_EQUAL(num(cJSON_GetArrayItem(l, 2), "vlan"), 10);
	expect_cluster(cJSON_GetArrayItem(l, 2), "unicast", "02-BF-0A-00-00-64",
		       "02:BF:0A:00:00:64", true, "n1,n2,n3");
	cJSON_Delete(l);
	l = ok("nlb.list", "{'switch':'nl2'}");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(l), 0);
	cJSON_Delete(l);

	/* Dry runs say what would happen and change nothing. */
	r = ok("nlb.add", "{'switch':'nl','ip':'10.0.0.150','mode':'unicast','members':['n1','n2'],"
			  "'local_only':true,'dry_run':true}");
	CU_ASSERT_STRING_EQUAL(str(r, "would"),
			       "add unicast NLB cluster 10.0.0.150 (MAC 02-BF-0A-00-00-96) to VLAN 1 "
			       "of switch nl with members n1,n2, local only");
	cJSON_Delete(r);
	refused(VS_CTL_E_EXISTS, "10.0.0.200", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.200','mode':'igmp','dry_run':true}");
	r = ok("nlb.del", "{'switch':'nl','ip':'10.0.0.200','dry_run':true}");
	CU_ASSERT_STRING_EQUAL(str(r, "would"), "delete NLB cluster 10.0.0.200 from VLAN 1 of switch nl");
	cJSON_Delete(r);
	l = ok("nlb.list", "{}");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(l), 3);
	cJSON_Delete(l);

	/* On disk before the answer, as nlb.add's params; config.get is the file. */
	doc = saved();
	want = cJSON_Parse("{\"switch\":\"nl\",\"ip\":\"10.0.0.100\",\"mode\":\"unicast\","
			   "\"vlan\":10,\"local_only\":true,\"members\":[\"n1\",\"n2\",\"n3\"]}");
	CU_ASSERT(cJSON_Compare(cluster_in(cJSON_GetObjectItemCaseSensitive(doc, "nlb"), "nl", 10,
					   "10.0.0.100"),
				want, 1));
	cJSON_Delete(want);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "nlb")), 3);
	r = ok("config.get", "{}");
	CU_ASSERT(cJSON_Compare(r, doc, 1));
	cJSON_Delete(r);
	cJSON_Delete(doc);

	cJSON_Delete(ok("nlb.del", "{'switch':'nl','ip':'10.0.0.200'}"));
	refused(VS_CTL_E_NOT_FOUND, "no NLB cluster 10.0.0.200 in VLAN 1", "nlb.del",
		"{'switch':'nl','ip':'10.0.0.200'}");
	refused(VS_CTL_E_NOT_FOUND, "no NLB cluster 10.0.0.100 in VLAN 5", "nlb.del",
		"{'switch':'nl','ip':'10.0.0.100','vlan':5}");
	doc = saved();
	CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "nlb")), 2);
	CU_ASSERT_PTR_NULL(cluster_in(cJSON_GetObjectItemCaseSensitive(doc, "nlb"), "nl", 1,
				      "10.0.0.200"));
	cJSON_Delete(doc);
}

/* Unicast members send with the masked source MAC: without MAC spoofing
 * the datapath refuses them, and says why. */
static void
test_unicast_needs_spoofing(void)
{
	cJSON *l;

	refused(VS_CTL_E_CONFLICT, "n4", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.50','mode':'unicast','members':['n1','n4']}");
	refused(VS_CTL_E_CONFLICT, "spoofing", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.50','mode':'unicast','members':['n1','n4'],"
		"'dry_run':true}");
	l = ok("nlb.list", "{}");
	CU_ASSERT_PTR_NULL(cluster_in(l, "nl", 1, "10.0.0.50"));
	cJSON_Delete(l);
	/* With MAC spoofing on n4 may be a unicast member, and while it is
	 * one it may not turn spoofing off. */
	cJSON_Delete(ok("port.set", "{'name':'n4','mac_spoofing':true}"));
	cJSON_Delete(ok("nlb.add", "{'switch':'nl','ip':'10.0.0.50','mode':'unicast',"
				   "'members':['n1','n4']}"));
	refused(VS_CTL_E_CONFLICT, "mac_spoofing", "port.set",
		"{'name':'n4','mac_spoofing':false}");
	cJSON_Delete(ok("nlb.del", "{'switch':'nl','ip':'10.0.0.50'}"));
	cJSON_Delete(ok("port.set", "{'name':'n4','mac_spoofing':false}"));
}

static void
test_port_del_leaves(void)
{
	cJSON_Delete(ok("port.add", "{'switch':'nl','name':'n5','kind':'ring','mac_spoofing':true}"));
	cJSON_Delete(ok("port.add", "{'switch':'nl','name':'n6','kind':'ring','mac_spoofing':true}"));
	cJSON_Delete(ok("nlb.add", "{'switch':'nl','ip':'10.0.0.60','mode':'unicast',"
				   "'members':['n5','n6']}"));
	cJSON_Delete(ok("nlb.add", "{'switch':'nl','ip':'10.0.0.61','mode':'igmp','vlan':7,"
				   "'members':['n6']}"));
	expect_members("nl", 1, "10.0.0.60", "n5,n6");
	cJSON_Delete(ok("port.del", "{'name':'n5'}"));
	expect_members("nl", 1, "10.0.0.60", "n6");
	/* The last member gone, the cluster stays, saved without members. */
	cJSON_Delete(ok("port.del", "{'name':'n6'}"));
	expect_members("nl", 1, "10.0.0.60", "");
	expect_members("nl", 7, "10.0.0.61", "");
	cJSON_Delete(ok("nlb.del", "{'switch':'nl','ip':'10.0.0.60'}"));
	cJSON_Delete(ok("nlb.del", "{'switch':'nl','ip':'10.0.0.61','vlan':7}"));
}

static void
test_switch_del_takes_clusters(void)
{
	cJSON *l, *doc, *c;

	cJSON_Delete(ok("switch.add", "{'name':'nx'}"));
	cJSON_Delete(ok("port.add", "{'switch':'nx','name':'x1','kind':'ring'}"));
	cJSON_Delete(ok("nlb.add", "{'switch':'nx','ip':'10.0.1.1','mode':'igmp'}"));
	cJSON_Delete(ok("nlb.add", "{'switch':'nx','ip':'10.0.1.2','mode':'multicast',"
				   "'members':['x1']}"));
	cJSON_Delete(ok("port.del", "{'name':'x1'}"));
	cJSON_Delete(ok("switch.del", "{'name':'nx'}"));
	refused(VS_CTL_E_NOT_FOUND, "switch: no switch named 'nx'", "nlb.list", "{'switch':'nx'}");
	l = ok("nlb.list", "{}");
	doc = saved();
	cJSON_ArrayForEach(c, l)
		CU_ASSERT_STRING_NOT_EQUAL(str(c, "switch"), "nx");
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "nlb"))
		CU_ASSERT_STRING_NOT_EQUAL(str(c, "switch"), "nx");
	cJSON_Delete(l);
	cJSON_Delete(doc);
	/* A new switch of that name starts without them. */
	cJSON_Delete(ok("switch.add", "{'name':'nx'}"));
	l = ok("nlb.list", "{'switch':'nx'}");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(l), 0);
	cJSON_Delete(l);
	cJSON_Delete(ok("switch.del", "{'name':'nx'}"));
}

/* Keeps the elements of the document's array key whose key field is sw. */
static void
keep_switch(cJSON *doc, const char *key, const char *field, const char *sw)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, key);
	int i;

	for (i = cJSON_GetArraySize(a) - 1; i >= 0; i--)
		if (strcmp(str(cJSON_GetArrayItem(a, i), field), sw) != 0)
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

	before = ok("nlb.list", "{'switch':'%s'}", sw);
	doc = saved();
	keep_switch(doc, "switches", "name", sw);
	keep_switch(doc, "ports", "switch", sw);
	keep_switch(doc, "nlb", "switch", sw);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "nlb")),
			cJSON_GetArraySize(before));
	text = cJSON_Print(doc);
	cJSON_Delete(doc);
	for (i = 0; i < n_ports; i++)
		cJSON_Delete(ok("port.del", "{'name':'%s'}", ports[i]));
	cJSON_Delete(ok("switch.del", "{'name':'%s'}", sw));

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
	after = rpc_on(ctl2, "nlb.list", "{}");
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
static void
test_saved_and_loaded(void)
{
	static const char *const ports[] = {"r1", "r2", "r3"};
	cJSON *l;

	cJSON_Delete(ok("switch.add", "{'name':'rl'}"));
	cJSON_Delete(ok("port.add", "{'switch':'rl','name':'r1','kind':'ring','mac_spoofing':true}"));
	cJSON_Delete(ok("port.add", "{'switch':'rl','name':'r2','kind':'ring','mac_spoofing':true}"));
	cJSON_Delete(ok("port.add", "{'switch':'rl','name':'r3','kind':'ring'}"));
	cJSON_Delete(ok("nlb.add", "{'switch':'rl','ip':'10.1.0.10','mode':'unicast',"
				   "'members':['r1','r2'],'local_only':true}"));
	cJSON_Delete(ok("nlb.add", "{'switch':'rl','ip':'10.1.0.11','mode':'multicast','vlan':20,"
				   "'members':['r3','r1']}"));
	cJSON_Delete(ok("nlb.add", "{'switch':'rl','ip':'10.1.0.12','mode':'igmp','vlan':20}"));
	l = ok("nlb.list", "{'switch':'rl'}");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(l), 3);
	cJSON_Delete(l);
	reload_switch("rl", ports, 3);
}

/* A unicast or multicast cluster whose member ports were all deleted is
 * saved without members, and must load back so (a restart would fail
 * otherwise). */
static void
test_memberless_loaded(void)
{
	static const char *const ports[] = {"e2"};

	cJSON_Delete(ok("switch.add", "{'name':'re'}"));
	cJSON_Delete(ok("port.add", "{'switch':'re','name':'e1','kind':'ring','mac_spoofing':true}"));
	cJSON_Delete(ok("port.add", "{'switch':'re','name':'e2','kind':'ring'}"));
	cJSON_Delete(ok("nlb.add", "{'switch':'re','ip':'10.1.1.1','mode':'multicast',"
				   "'members':['e1']}"));
	cJSON_Delete(ok("nlb.add", "{'switch':'re','ip':'10.1.1.2','mode':'unicast',"
				   "'members':['e1']}"));
	cJSON_Delete(ok("port.del", "{'name':'e1'}"));
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
	struct rte_ring *rx = vs_dp_port_rx_ring(dp, (unsigned int)vs_dp_port_index(dp, port));
	struct rte_mbuf *m = rte_pktmbuf_alloc(vs_dp_mempool(dp));
	unsigned int got = 0, k;
	char name[8];

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), frame, len);
	CU_ASSERT_EQUAL(rte_ring_enqueue(rx, m), 0);
	vs_dp_poll_once(dp);
	for (k = 0; k < 4; k++) {
		struct rte_ring *tx;

		snprintf(name, sizeof(name), "n%u", k + 1);
		tx = vs_dp_port_tx_ring(dp, (unsigned int)vs_dp_port_index(dp, name));
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

static void
test_counters(void)
{
	/* To multicast cluster 10.0.0.100 (members n1, n4) from n2. */
	static const uint8_t to_cluster[60] = {0x03, 0xbf, 10, 0, 0, 100, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
	uint8_t f[60];
	cJSON *l, *c, *m;

	CU_ASSERT_EQUAL(send_from("n2", to_cluster, sizeof(to_cluster)), 1u << 0 | 1u << 3);
	CU_ASSERT_EQUAL(send_from("n2", to_cluster, sizeof(to_cluster)), 1u << 0 | 1u << 3);
	l = ok("nlb.list", "{'switch':'nl'}");
	c = cluster_in(l, "nl", 1, "10.0.0.100");
	CU_ASSERT_EQUAL(num(cJSON_GetObjectItemCaseSensitive(c, "stats"), "delivered"), 2);
	cJSON_Delete(l);
	cJSON_Delete(ok("stats.clear", "{}"));
	l = ok("nlb.list", "{'switch':'nl'}");
	c = cluster_in(l, "nl", 1, "10.0.0.100");
	CU_ASSERT_EQUAL(num(cJSON_GetObjectItemCaseSensitive(c, "stats"), "delivered"), 0);
	cJSON_Delete(l);

	/* An IGMP cluster: n3's VM joins its group, then leaves it. */
	cJSON_Delete(ok("nlb.add", "{'switch':'nl','ip':'10.0.0.200','mode':'igmp'}"));
	send_from("n3", f, igmp_frame(0x16, f));
	l = ok("nlb.list", "{'switch':'nl'}");
	c = cluster_in(l, "nl", 1, "10.0.0.200");
	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "members")), 1);
	m = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "members"), 0);
	CU_ASSERT_STRING_EQUAL(str(m, "name"), "n3");
	CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(m, "configured")));
	CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "igmp")));
	CU_ASSERT_EQUAL(num(cJSON_GetObjectItemCaseSensitive(c, "stats"), "igmp_joins"), 1);
	cJSON_Delete(l);
	{
		/* Soft state: the saved cluster has no members. */
		cJSON *doc = saved();

		c = cluster_in(cJSON_GetObjectItemCaseSensitive(doc, "nlb"), "nl", 1, "10.0.0.200");
		CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "members")), 0);
		cJSON_Delete(doc);
	}
	send_from("n3", f, igmp_frame(0x17, f));
	l = ok("nlb.list", "{'switch':'nl'}");
	c = cluster_in(l, "nl", 1, "10.0.0.200");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "members")), 0);
	CU_ASSERT_EQUAL(num(cJSON_GetObjectItemCaseSensitive(c, "stats"), "igmp_leaves"), 1);
	cJSON_Delete(l);
	cJSON_Delete(ok("nlb.del", "{'switch':'nl','ip':'10.0.0.200'}"));
}

/* A change that cannot be saved is undone, clusters included. */
static void
test_save_failure_undoes(void)
{
	struct vs_ctl_conf cc = {.sock_gid = -1, .config_path = "/nonexistent-dir/x.json"};
	struct vs_ctl *bad;
	char err[256];
	cJSON *r, *l;
	int code;

	bad = vs_ctl_create(dp, &cc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
	r = rpc_on(bad, "nlb.add", "{'switch':'nl','ip':'10.0.0.70','mode':'multicast',"
				   "'members':['n3']}");
	message_of(r, &code);
	CU_ASSERT_EQUAL(code, VS_CTL_E_PERSIST);
	cJSON_Delete(r);
	r = rpc_on(bad, "nlb.del", "{'switch':'nl','ip':'10.0.0.100'}");
	message_of(r, &code);
	CU_ASSERT_EQUAL(code, VS_CTL_E_PERSIST);
	cJSON_Delete(r);
	r = rpc_on(bad, "port.del", "{'name':'n4'}");
	message_of(r, &code);
	CU_ASSERT_EQUAL(code, VS_CTL_E_PERSIST);
	cJSON_Delete(r);
	CU_ASSERT(vs_dp_port_index(dp, "n4") >= 0);
	cJSON_Delete(ok("switch.add", "{'name':'ny'}"));
	cJSON_Delete(ok("nlb.add", "{'switch':'ny','ip':'10.0.2.1','mode':'igmp'}"));
	r = rpc_on(bad, "switch.del", "{'name':'ny'}");
	message_of(r, &code);
	CU_ASSERT_EQUAL(code, VS_CTL_E_PERSIST);
	cJSON_Delete(r);
	vs_ctl_destroy(bad);

	l = ok("nlb.list", "{}");
	CU_ASSERT_PTR_NULL(cluster_in(l, "nl", 1, "10.0.0.70"));
	CU_ASSERT_PTR_NOT_NULL(cluster_in(l, "ny", 1, "10.0.2.1"));
	cJSON_Delete(l);
	expect_members("nl", 1, "10.0.0.100", "n1,n4");
	cJSON_Delete(ok("switch.del", "{'name':'ny'}"));
}

CU_ErrorCode
vs_test_register_nlb_rpc(void)
{
	CU_pSuite s = CU_add_suite("nlb rpc", setup, teardown);

	if (s == NULL || !CU_add_test(s, "nlb.add names every bad field", test_add_fields) ||
	    !CU_add_test(s, "nlb.del and nlb.list name every bad field", test_del_list_fields) ||
	    !CU_add_test(s, "add, list, dry runs, del, on disk", test_add_list_del) ||
	    !CU_add_test(s, "unicast members need MAC spoofing", test_unicast_needs_spoofing) ||
	    !CU_add_test(s, "a deleted port leaves its clusters", test_port_del_leaves) ||
	    !CU_add_test(s, "a deleted switch takes its clusters", test_switch_del_takes_clusters) ||
	    !CU_add_test(s, "saved clusters load back the same", test_saved_and_loaded) ||
	    !CU_add_test(s, "clusters whose ports were deleted load back", test_memberless_loaded) ||
	    !CU_add_test(s, "delivered and IGMP counters", test_counters) ||
	    !CU_add_test(s, "a change that cannot be saved is undone", test_save_failure_undoes))
		return CU_get_error();
	return CUE_SUCCESS;
}
