/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NLB clusters through vs_ctl_handle, the code path the socket uses, on a
 * real datapath with ring ports (the harness of test_nlb_rpc.h): every
 * field of nlb.add, nlb.del and nlb.list refused with its name; the
 * datapath's own refusal of a unicast member without MAC spoofing; add,
 * list and del with the cluster MAC in both notations, dry runs, and the
 * clusters on disk before the answer.  test_nlb_state.c has the rest of
 * the suite.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "test_nlb_rpc.h"

struct vs_dp *nt_dp;
struct vs_ctl *nt_ctl;
char nt_cfg_path[64];

static cJSON *
nt_vrpc(struct vs_ctl *c, const char *method, const char *fmt, va_list ap)
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

cJSON *
nt_rpc(struct vs_ctl *c, const char *method, const char *fmt, ...)
{
	va_list ap;
	cJSON *r;

	va_start(ap, fmt);
	r = nt_vrpc(c, method, fmt, ap);
	va_end(ap);
	return r;
}

const char *
nt_message(const cJSON *r, int *code)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");

	*code = e ? (int)cJSON_GetObjectItemCaseSensitive(e, "code")->valuedouble : 0;
	return e ? cJSON_GetObjectItemCaseSensitive(e, "message")->valuestring : "";
}

/* The result of a call that must succeed (caller deletes). */
cJSON *
nt_ok(const char *method, const char *fmt, ...)
{
	va_list ap;
	cJSON *r, *res;
	int code;

	va_start(ap, fmt);
	r = nt_vrpc(nt_ctl, method, fmt, ap);
	va_end(ap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	if (cJSON_HasObjectItem(r, "error")) {
		fprintf(stderr, "\n  %s %s failed: %s\n", method, fmt, nt_message(r, &code));
		CU_FAIL("request failed");
	}
	res = cJSON_DetachItemFromObject(r, "result");
	cJSON_Delete(r);
	return res;
}

/* Asserts the call fails with code and a message containing text. */
void
nt_refused(int code, const char *text, const char *method, const char *fmt, ...)
{
	va_list ap;
	const char *msg;
	cJSON *r;
	int got;

	va_start(ap, fmt);
	r = nt_vrpc(nt_ctl, method, fmt, ap);
	va_end(ap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	msg = nt_message(r, &got);
	if (got != code || strstr(msg, text) == NULL) {
		fprintf(stderr, "\n  %s %s\n  got code %d '%s', want %d '%s'\n", method, fmt, got, msg,
			code, text);
		CU_FAIL("wrong error");
	}
	cJSON_Delete(r);
}

const char *
nt_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

double
nt_num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

cJSON *
nt_saved(void)
{
	char err[128];
	char *txt = vs_ctl_read_file(nt_cfg_path, err, sizeof(err));
	cJSON *doc = txt ? cJSON_Parse(txt) : NULL;

	free(txt);
	return doc;
}

/* The cluster (sw, vlan, ip) of an nlb.list answer or of a document's
 * "nlb", or NULL. */
cJSON *
nt_cluster(cJSON *list, const char *sw, int vlan, const char *ip)
{
	cJSON *c;

	cJSON_ArrayForEach(c, list)
		if (strcmp(nt_str(c, "switch"), sw) == 0 && nt_num(c, "vlan") == vlan &&
		    strcmp(nt_str(c, "ip"), ip) == 0)
			return c;
	return NULL;
}

/* "n1,n2": the names of a cluster's members, in order. */
void
nt_members(const cJSON *c, char *out, size_t len)
{
	const cJSON *m;
	size_t off = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(c, "members"))
		if (off < len)
			off += (size_t)snprintf(out + off, len - off, "%s%s", off ? "," : "",
						cJSON_IsString(m) ? m->valuestring : nt_str(m, "name"));
}

/* Members of the live cluster and of the saved one, as "n1,n2". */
void
nt_expect_members(const char *sw, int vlan, const char *ip, const char *want)
{
	cJSON *l = nt_ok("nlb.list", "{}"), *doc = nt_saved();
	cJSON *live = nt_cluster(l, sw, vlan, ip);
	cJSON *disk = nt_cluster(cJSON_GetObjectItemCaseSensitive(doc, "nlb"), sw, vlan, ip);
	char a[512], b[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(live);
	CU_ASSERT_PTR_NOT_NULL_FATAL(disk);
	nt_members(live, a, sizeof(a));
	nt_members(disk, b, sizeof(b));
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

	snprintf(nt_cfg_path, sizeof(nt_cfg_path), "/tmp/vsnlbXXXXXX");
	fd = mkstemp(nt_cfg_path);
	if (fd < 0)
		return -1;
	close(fd);
	cc.config_path = nt_cfg_path;
	nt_dp = vs_dp_create(&dc, err, sizeof(err));
	if (nt_dp == NULL || (nt_ctl = vs_ctl_create(nt_dp, &cc, err, sizeof(err))) == NULL)
		return -1;
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		cJSON *r = nt_rpc(nt_ctl, reqs[i][0], "%s", reqs[i][1]);
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
	vs_ctl_destroy(nt_ctl);
	vs_dp_destroy(nt_dp);
	unlink(nt_cfg_path);
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

	nt_refused(VS_CTL_E_INVALID_PARAMS, "switch: required", "nlb.add",
		"{'ip':'10.0.0.100','mode':'unicast','members':['n1']}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "switch: expected a string", "nlb.add",
		"{'switch':1,'ip':'10.0.0.100','mode':'igmp'}");
	nt_refused(VS_CTL_E_NOT_FOUND, "nlb.add: switch: no switch named 'zz'", "nlb.add",
		"{'switch':'zz','ip':'10.0.0.100','mode':'igmp'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "ip: required", "nlb.add", "{" UC "}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "ip: '10.0.0.300' is not an IPv4 address", "nlb.add",
		"{" UC ",'ip':'10.0.0.300'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "ip: '10.0.1' is not an IPv4 address", "nlb.add",
		"{" UC ",'ip':'10.0.1'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "ip: ' 10.0.0.1' is not an IPv4 address", "nlb.add",
		"{" UC ",'ip':' 10.0.0.1'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "ip: expected a string", "nlb.add", "{" UC ",'ip':167772260}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "ip: 224.0.0.5 is a multicast address", "nlb.add",
		"{" UC ",'ip':'224.0.0.5'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "ip: 127.0.0.1 is a loopback address", "nlb.add",
		"{" UC ",'ip':'127.0.0.1'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "ip: 255.255.255.255 is the broadcast address", "nlb.add",
		"{" UC ",'ip':'255.255.255.255'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "ip: 0.0.0.0 is in 0.0.0.0/8", "nlb.add",
		"{" UC ",'ip':'0.0.0.0'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "mode: required", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "mode: 'anycast' is not unicast, multicast or igmp",
		"nlb.add", "{'switch':'nl','ip':'10.0.0.100','mode':'anycast'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "vlan: expected an integer from 1 to 4094", "nlb.add", AT,
		",'vlan':0");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "vlan: expected an integer from 1 to 4094", "nlb.add", AT,
		",'vlan':4095");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "vlan: expected an integer from 1 to 4094", "nlb.add", AT,
		",'vlan':'10'");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "vlan: expected an integer from 1 to 4094", "nlb.add", AT,
		",'vlan':1.5");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "local_only: expected true or false", "nlb.add", AT,
		",'local_only':'yes'");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "colour: unknown key", "nlb.add", AT, ",'colour':'red'");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "nlb.add: dry_run: expected true or false", "nlb.add", AT,
		",'dry_run':1");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "members: expected an array of port names", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':'n1,n2'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "members[1]: expected a port name", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':['n1',7]}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "members[0]: expected a port name", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':['']}");
	nt_refused(VS_CTL_E_NOT_FOUND, "members[1]: no port 'vm9' on switch nl", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':['n1','vm9']}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "members[0]: port 'o1' is on switch nl2, not nl",
		"nlb.add", "{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':['o1']}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "members[2]: 'n1' is listed twice", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':['n1','n2','n1']}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "members: required in multicast mode", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "members: required in unicast mode", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'unicast','members':[]}");
	for (i = 0; i <= 32; i++)
		off += (size_t)snprintf(many + off, sizeof(many) - off, "%s'x%u'", i ? "," : "", i);
	nt_refused(VS_CTL_E_INVALID_PARAMS, "members: more than 32", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'igmp','members':[%s]}", many);
	/* None of it changed anything. */
	r = nt_ok("nlb.list", "{}");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r), 0);
	cJSON_Delete(r);
}

static void
test_del_list_fields(void)
{
	nt_refused(VS_CTL_E_INVALID_PARAMS, "switch: required", "nlb.del", "{'ip':'10.0.0.100'}");
	nt_refused(VS_CTL_E_NOT_FOUND, "switch: no switch named 'zz'", "nlb.del",
		"{'switch':'zz','ip':'10.0.0.100'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "ip: required", "nlb.del", "{'switch':'nl'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "ip: 'ten' is not an IPv4 address", "nlb.del",
		"{'switch':'nl','ip':'ten'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "vlan: expected an integer from 1 to 4094", "nlb.del",
		"{'switch':'nl','ip':'10.0.0.100','vlan':5000}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "mode: unknown key", "nlb.del",
		"{'switch':'nl','ip':'10.0.0.100','mode':'unicast'}");
	nt_refused(VS_CTL_E_NOT_FOUND, "ip: switch nl has no NLB cluster 10.0.0.100 in VLAN 1",
		"nlb.del", "{'switch':'nl','ip':'10.0.0.100'}");
	nt_refused(VS_CTL_E_NOT_FOUND, "switch: no switch named 'zz'", "nlb.list", "{'switch':'zz'}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "vlan: unknown key", "nlb.list", "{'vlan':1}");
	nt_refused(VS_CTL_E_INVALID_PARAMS, "dry_run: unknown key", "nlb.list", "{'dry_run':true}");
}

static void
expect_cluster(cJSON *c, const char *mode, const char *nlb_mac, const char *mac, bool local,
	       const char *members)
{
	char names[256];
	const cJSON *m, *st = cJSON_GetObjectItemCaseSensitive(c, "stats");

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(nt_str(c, "mode"), mode);
	CU_ASSERT_STRING_EQUAL(nt_str(c, "nlb_mac"), nlb_mac);
	CU_ASSERT_STRING_EQUAL(nt_str(c, "mac"), mac);
	CU_ASSERT_EQUAL(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "local_only")), local);
	nt_members(c, names, sizeof(names));
	CU_ASSERT_STRING_EQUAL(names, members);
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(c, "members")) {
		CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "configured")));
		CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(m, "igmp")));
		CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "up")));
	}
	CU_ASSERT_EQUAL(nt_num(st, "delivered"), 0);
	CU_ASSERT_EQUAL(nt_num(st, "heartbeats"), 0);
	CU_ASSERT_EQUAL(nt_num(st, "igmp_joins"), 0);
	CU_ASSERT_EQUAL(nt_num(st, "igmp_leaves"), 0);
	CU_ASSERT_EQUAL(nt_num(st, "igmp_expired"), 0);
}

static void
test_add_list_del(void)
{
	cJSON *r, *l, *doc, *want;

	r = nt_ok("nlb.add", "{'switch':'nl','ip':'10.0.0.100','mode':'multicast','vlan':1,"
			  "'members':['n1','n4']}");
	CU_ASSERT_STRING_EQUAL(nt_str(r, "switch"), "nl");
	CU_ASSERT_STRING_EQUAL(nt_str(r, "ip"), "10.0.0.100");
	expect_cluster(r, "multicast", "03-BF-0A-00-00-64", "03:BF:0A:00:00:64", false, "n1,n4");
	cJSON_Delete(r);
	r = nt_ok("nlb.add", "{'switch':'nl','ip':'10.0.0.200','mode':'igmp'}");
	expect_cluster(r, "igmp", "01-00-5E-7F-00-C8", "01:00:5E:7F:00:C8", false, "");
	cJSON_Delete(r);
	r = nt_ok("nlb.add", "{'switch':'nl','ip':'10.0.0.100','mode':'unicast','vlan':10,"
			  "'members':['n1','n2','n3'],'local_only':true}");
	expect_cluster(r, "unicast", "02-BF-0A-00-00-64", "02:BF:0A:00:00:64", true, "n1,n2,n3");
	cJSON_Delete(r);
	nt_refused(VS_CTL_E_EXISTS, "10.0.0.100", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.100','mode':'multicast','members':['n2']}");

	/* By switch, VLAN and IP. */
	l = nt_ok("nlb.list", "{'switch':'nl'}");
	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(l), 3);
	CU_ASSERT_EQUAL(nt_num(cJSON_GetArrayItem(l, 0), "vlan"), 1);
	CU_ASSERT_STRING_EQUAL(nt_str(cJSON_GetArrayItem(l, 0), "ip"), "10.0.0.100");
	CU_ASSERT_STRING_EQUAL(nt_str(cJSON_GetArrayItem(l, 1), "ip"), "10.0.0.200");
	CU_ASSERT_EQUAL(nt_num(cJSON_GetArrayItem(l, 2), "vlan"), 10);
	expect_cluster(cJSON_GetArrayItem(l, 2), "unicast", "02-BF-0A-00-00-64",
		       "02:BF:0A:00:00:64", true, "n1,n2,n3");
	cJSON_Delete(l);
	l = nt_ok("nlb.list", "{'switch':'nl2'}");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(l), 0);
	cJSON_Delete(l);

	/* Dry runs say what would happen and change nothing. */
	r = nt_ok("nlb.add", "{'switch':'nl','ip':'10.0.0.150','mode':'unicast','members':['n1','n2'],"
			  "'local_only':true,'dry_run':true}");
	CU_ASSERT_STRING_EQUAL(nt_str(r, "would"),
			       "add unicast NLB cluster 10.0.0.150 (MAC 02-BF-0A-00-00-96) to VLAN 1 "
			       "of switch nl with members n1,n2, local only");
	cJSON_Delete(r);
	nt_refused(VS_CTL_E_EXISTS, "10.0.0.200", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.200','mode':'igmp','dry_run':true}");
	r = nt_ok("nlb.del", "{'switch':'nl','ip':'10.0.0.200','dry_run':true}");
	CU_ASSERT_STRING_EQUAL(nt_str(r, "would"), "delete NLB cluster 10.0.0.200 from VLAN 1 of switch nl");
	cJSON_Delete(r);
	l = nt_ok("nlb.list", "{}");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(l), 3);
	cJSON_Delete(l);

	/* On disk before the answer, as nlb.add's params; config.get is the file. */
	doc = nt_saved();
	want = cJSON_Parse("{\"switch\":\"nl\",\"ip\":\"10.0.0.100\",\"mode\":\"unicast\","
			   "\"vlan\":10,\"local_only\":true,\"members\":[\"n1\",\"n2\",\"n3\"]}");
	CU_ASSERT(cJSON_Compare(nt_cluster(cJSON_GetObjectItemCaseSensitive(doc, "nlb"), "nl", 10,
					   "10.0.0.100"),
				want, 1));
	cJSON_Delete(want);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "nlb")), 3);
	r = nt_ok("config.get", "{}");
	CU_ASSERT(cJSON_Compare(r, doc, 1));
	cJSON_Delete(r);
	cJSON_Delete(doc);

	cJSON_Delete(nt_ok("nlb.del", "{'switch':'nl','ip':'10.0.0.200'}"));
	nt_refused(VS_CTL_E_NOT_FOUND, "no NLB cluster 10.0.0.200 in VLAN 1", "nlb.del",
		"{'switch':'nl','ip':'10.0.0.200'}");
	nt_refused(VS_CTL_E_NOT_FOUND, "no NLB cluster 10.0.0.100 in VLAN 5", "nlb.del",
		"{'switch':'nl','ip':'10.0.0.100','vlan':5}");
	doc = nt_saved();
	CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "nlb")), 2);
	CU_ASSERT_PTR_NULL(nt_cluster(cJSON_GetObjectItemCaseSensitive(doc, "nlb"), "nl", 1,
				      "10.0.0.200"));
	cJSON_Delete(doc);
}

/* Unicast members send with the masked source MAC: without MAC spoofing
 * the datapath refuses them, and says why. */
static void
test_unicast_needs_spoofing(void)
{
	cJSON *l;

	nt_refused(VS_CTL_E_CONFLICT, "n4", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.50','mode':'unicast','members':['n1','n4']}");
	nt_refused(VS_CTL_E_CONFLICT, "spoofing", "nlb.add",
		"{'switch':'nl','ip':'10.0.0.50','mode':'unicast','members':['n1','n4'],"
		"'dry_run':true}");
	l = nt_ok("nlb.list", "{}");
	CU_ASSERT_PTR_NULL(nt_cluster(l, "nl", 1, "10.0.0.50"));
	cJSON_Delete(l);
	/* With MAC spoofing on n4 may be a unicast member, and while it is
	 * one it may not turn spoofing off. */
	cJSON_Delete(nt_ok("port.set", "{'name':'n4','mac_spoofing':true}"));
	cJSON_Delete(nt_ok("nlb.add", "{'switch':'nl','ip':'10.0.0.50','mode':'unicast',"
				   "'members':['n1','n4']}"));
	nt_refused(VS_CTL_E_CONFLICT, "mac_spoofing", "port.set",
		"{'name':'n4','mac_spoofing':false}");
	cJSON_Delete(nt_ok("nlb.del", "{'switch':'nl','ip':'10.0.0.50'}"));
	cJSON_Delete(nt_ok("port.set", "{'name':'n4','mac_spoofing':false}"));
}

CU_ErrorCode
vs_test_register_nlb_rpc(void)
{
	CU_pSuite s = CU_add_suite("nlb rpc", setup, teardown);

	if (s == NULL || !CU_add_test(s, "nlb.add names every bad field", test_add_fields) ||
	    !CU_add_test(s, "nlb.del and nlb.list name every bad field", test_del_list_fields) ||
	    !CU_add_test(s, "add, list, dry runs, del, on disk", test_add_list_del) ||
	    !CU_add_test(s, "unicast members need MAC spoofing", test_unicast_needs_spoofing) ||
	    !CU_add_test(s, "a deleted port leaves its clusters", nt_test_port_del_leaves) ||
	    !CU_add_test(s, "a deleted switch takes its clusters", nt_test_switch_del_takes_clusters) ||
	    !CU_add_test(s, "saved clusters load back the same", nt_test_saved_and_loaded) ||
	    !CU_add_test(s, "clusters whose ports were deleted load back", nt_test_memberless_loaded) ||
	    !CU_add_test(s, "delivered and IGMP counters", nt_test_counters) ||
	    !CU_add_test(s, "a change that cannot be saved is undone", nt_test_save_failure_undoes))
		return CU_get_error();
	return CUE_SUCCESS;
}
