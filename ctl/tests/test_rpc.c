/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC requests through vs_ctl_handle, the code path the socket uses:
 * every method, every bad field, the error codes, and that an accepted
 * change is on disk before its answer (and undone when it cannot be).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <cjson/cJSON.h>

#include "ctl.h"
#include "rpc_harness.h"

cJSON *vs_ctl_config_build(const struct vs_dp *dp); /* ctl_priv.h */

RT_FIXTURE("rpc", 4096)

/* The file on disk, parsed. */
static cJSON *
saved(void)
{
	char err[128];
	char *txt = vs_ctl_read_file(cfg_path, err, sizeof(err));
	cJSON *doc = txt ? cJSON_Parse(txt) : NULL;

	free(txt);
	return doc;
}

static int
saved_has_port(const char *name)
{
	cJSON *doc = saved(), *p;
	int found = 0;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(doc, "ports"))
		found |= strcmp(cJSON_GetObjectItemCaseSensitive(p, "name")->valuestring, name) == 0;
	cJSON_Delete(doc);
	return found;
}

static void
test_protocol_errors(void)
{
	cJSON *r;

	rt_refused(ctl, "not json", VS_CTL_E_PARSE, "parse error");
	rt_refused(ctl, "[1,2]", VS_CTL_E_INVALID_REQUEST, "expected an object");
	rt_refused(ctl, "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"daemon.info\"}",
		   VS_CTL_E_INVALID_REQUEST, "2.0");
	rt_refused(ctl, "{\"jsonrpc\":\"2.0\",\"id\":1}", VS_CTL_E_INVALID_REQUEST, "method");
	rt_refused(ctl, "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"daemon.info\"}",
		   VS_CTL_E_INVALID_REQUEST, "id");
	rt_refused(ctl, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"daemon.info\",\"x\":1}",
		   VS_CTL_E_INVALID_REQUEST, "x: unknown key");
	rt_refused(ctl, RQ("switch.frob", "{}"), VS_CTL_E_NO_METHOD, "switch.frob");
	rt_refused(ctl, RQ("daemon.info", "[]"), VS_CTL_E_INVALID_PARAMS,
		   "params: expected an object");
	/* Deep nesting is refused by the parser, not by the stack. */
	{
		char deep[6000];
		int i;

		for (i = 0; i < 2900; i++)
			deep[i] = '[';
		for (; i < 5800; i++)
			deep[i] = ']';
		deep[i] = '\0';
		rt_refused(ctl, deep, VS_CTL_E_PARSE, "parse error");
	}
	/* A notification (no id) is executed and not answered. */
	CU_ASSERT_PTR_NULL(vs_ctl_handle(ctl, "{\"jsonrpc\":\"2.0\",\"method\":\"daemon.info\"}",
					 40));
	r = rt_ok(ctl, RQ("daemon.info", "{}"));
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(r, "version")->valuestring, "test");
	{
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(r, "memory");
		double n = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(m, "mbufs")),
		       used = cJSON_GetNumberValue(
			       cJSON_GetObjectItemCaseSensitive(m, "mbufs_in_use"));

		CU_ASSERT_EQUAL(n, vs_dp_mempool(dp)->size);
		CU_ASSERT(used >= 0 && used < n);
		CU_ASSERT(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(m, "heap_bytes")) >
			  0);
		CU_ASSERT(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(m, "rss_bytes")) >
			  0);
	}
	cJSON_Delete(r);
}

static void
test_switch_methods(void)
{
	cJSON *r;

	cJSON_Delete(rt_ok(ctl, RQ("switch.add", "{\"name\":\"sw0\",\"type\":\"private\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("switch.add", "{\"name\":\"sw1\"}")));
	rt_refused(ctl, RQ("switch.add", "{\"name\":\"sw0\"}"), VS_CTL_E_EXISTS, "already exists");
	rt_refused(ctl, RQ("switch.add", "{}"), VS_CTL_E_INVALID_PARAMS, "name: required");
	rt_refused(ctl, RQ("switch.add", "{\"name\":5}"), VS_CTL_E_INVALID_PARAMS,
		   "name: expected a string");
	rt_refused(ctl, RQ("switch.add", "{\"name\":\"a b\"}"), VS_CTL_E_INVALID_PARAMS, "name");
	rt_refused(ctl, RQ("switch.add", "{\"name\":\"x\",\"type\":\"public\"}"),
		   VS_CTL_E_INVALID_PARAMS, "type: 'public'");
	rt_refused(ctl, RQ("switch.add", "{\"name\":\"x\",\"colour\":\"red\"}"),
		   VS_CTL_E_INVALID_PARAMS, "colour: unknown key");
	rt_refused(ctl, RQ("switch.add", "{\"name\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}"),
		   VS_CTL_E_INVALID_PARAMS, "name: longer than");
	r = rt_ok(ctl, RQ("switch.list", "{}"));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r), 2);
	cJSON_Delete(r);
	r = rt_ok(ctl, RQ("switch.get", "{\"name\":\"sw0\"}"));
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(r, "type")->valuestring,
			       "private");
	cJSON_Delete(r);
	rt_refused(ctl, RQ("switch.get", "{\"name\":\"nope\"}"), VS_CTL_E_NOT_FOUND, "nope");
	rt_refused(ctl, RQ("switch.del", "{\"name\":\"nope\"}"), VS_CTL_E_NOT_FOUND, "nope");
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"sw1\"}")));
	r = saved();
	CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "switches")), 1);
	cJSON_Delete(r);
}

static void
test_port_methods(void)
{
	cJSON *r;

	cJSON_Delete(rt_ok(
		ctl, RQ("port.add", "{\"switch\":\"sw0\",\"name\":\"p1\",\"kind\":\"ring\"}")));
	CU_ASSERT(saved_has_port("p1")); /* on disk before the answer */
	cJSON_Delete(
		rt_ok(ctl, RQ("port.add", "{\"switch\":\"sw0\",\"name\":\"p2\",\"kind\":\"ring\","
					  "\"ring_size\":256}")));
	rt_refused(ctl, RQ("port.add", "{\"switch\":\"sw0\",\"name\":\"p1\",\"kind\":\"ring\"}"),
		   VS_CTL_E_EXISTS, "already exists");
	rt_refused(ctl, RQ("port.add", "{\"switch\":\"zz\",\"name\":\"p3\",\"kind\":\"ring\"}"),
		   VS_CTL_E_NOT_FOUND, "switch: no switch named 'zz'");
	rt_refused(ctl, RQ("port.add", "{\"switch\":\"sw0\",\"name\":\"p3\"}"),
		   VS_CTL_E_INVALID_PARAMS, "kind: required");
	rt_refused(ctl,
		   RQ("port.add", "{\"switch\":\"sw0\",\"name\":\"p3\",\"kind\":\"ring\","
				  "\"ring_size\":1e12}"),
		   VS_CTL_E_INVALID_PARAMS, "ring_size: expected an integer from 64");
	rt_refused(ctl,
		   RQ("port.add", "{\"switch\":\"sw0\",\"name\":\"p3\",\"kind\":\"phy\","
				  "\"devargs\":\"net_nothing_here0\"}"),
		   VS_CTL_E_INVALID_PARAMS,
		   "a phy port is only ever an external switch's uplink; private switch sw0");
	rt_refused(ctl,
		   RQ("port.add", "{\"switch\":\"sw0\",\"name\":\"p3\",\"kind\":\"pcap\","
				  "\"rx_pcap\":\"/nonexistent/nothing_here0.pcap\"}"),
		   VS_CTL_E_DEVICE, "nothing_here0");
	CU_ASSERT(!saved_has_port("p3"));
	r = rt_ok(ctl, RQ("port.list", "{\"switch\":\"sw0\"}"));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r), 2);
	cJSON_Delete(r);
	rt_refused(ctl, RQ("port.list", "{\"switch\":\"zz\"}"), VS_CTL_E_NOT_FOUND, "zz");
	r = rt_ok(ctl, RQ("port.get", "{\"name\":\"p2\"}"));
	CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(r, "ring_size")->valuedouble, 256);
	CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(r, "stats"), "drops"));
	cJSON_Delete(r);
	cJSON_Delete(rt_ok(ctl, RQ("port.set", "{\"name\":\"p2\",\"admin\":\"down\"}")));
	r = rt_ok(ctl, RQ("port.get", "{\"name\":\"p2\"}"));
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(r, "admin")->valuestring, "down");
	cJSON_Delete(r);
	rt_refused(ctl, RQ("port.set", "{\"name\":\"p2\",\"admin\":\"sideways\"}"),
		   VS_CTL_E_INVALID_PARAMS, "admin: expected 'up' or 'down'");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"p2\",\"vlan\":5}"), VS_CTL_E_INVALID_PARAMS,
		   "vlan: expected an object");
	rt_refused(ctl,
		   RQ("port.set", "{\"name\":\"p2\",\"vlan\":{\"mode\":\"access\",\"vid\":5000}}"),
		   VS_CTL_E_INVALID_PARAMS, "vlan.vid: expected an integer from 1 to 4094");
	rt_refused(ctl,
		   RQ("port.set",
		      "{\"name\":\"p2\",\"vlan\":{\"mode\":\"trunk\",\"allowed\":\"10,5000\"}}"),
		   VS_CTL_E_INVALID_PARAMS, "vlan.allowed: 5000 is outside 1-4094");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"p2\",\"vlan\":{\"mode\":\"access\"}}"),
		   VS_CTL_E_INVALID_PARAMS, "vlan.vid: required");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"p2\",\"vlan\":{\"mode\":\"hybrid\"}}"),
		   VS_CTL_E_INVALID_PARAMS, "vlan.mode: 'hybrid'");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"p2\",\"vlan\":{\"mode\":\"trunk\",\"vid\":3}}"),
		   VS_CTL_E_INVALID_PARAMS, "vlan.vid: a trunk takes");
	cJSON_Delete(
		rt_ok(ctl, RQ("port.set", "{\"name\":\"p2\",\"vlan\":{\"mode\":\"trunk\","
					  "\"allowed\":\"10,20-30\",\"native\":5,\"pcp\":3}}")));
	r = rt_ok(ctl, RQ("port.get", "{\"name\":\"p2\"}"));
	{
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "vlan");

		CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(v, "mode")->valuestring,
				       "trunk");
		CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(v, "allowed")->valuestring,
				       "5,10,20-30");
		CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(v, "native")->valuedouble, 5);
		CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(v, "pcp")->valuedouble, 3);
	}
	cJSON_Delete(r);
	rt_refused(ctl, RQ("port.set", "{\"name\":\"p9\",\"admin\":\"up\"}"), VS_CTL_E_NOT_FOUND,
		   "p9");
	rt_refused(ctl, RQ("switch.del", "{\"name\":\"sw0\"}"), VS_CTL_E_CONFLICT, "port(s)");
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"p2\"}")));
	CU_ASSERT(!saved_has_port("p2"));
	rt_refused(ctl, RQ("port.del", "{\"name\":\"p2\"}"), VS_CTL_E_NOT_FOUND, "p2");
}

static void
test_fdb_stats_config(void)
{
	cJSON *r;

	r = rt_ok(ctl, RQ("fdb.show", "{\"switch\":\"sw0\",\"vlan\":1}"));
	CU_ASSERT(cJSON_IsArray(r));
	cJSON_Delete(r);
	rt_refused(ctl, RQ("fdb.show", "{\"vlan\":5000}"), VS_CTL_E_INVALID_PARAMS,
		   "vlan: expected an integer from 1 to 4094");
	rt_refused(ctl, RQ("fdb.show", "{\"port\":\"zz\"}"), VS_CTL_E_NOT_FOUND, "zz");
	r = rt_ok(ctl, RQ("fdb.flush", "{}"));
	CU_ASSERT(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(r, "flushed")));
	cJSON_Delete(r);
	r = rt_ok(ctl, RQ("stats.get", "{\"port\":\"p1\"}"));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "ports")), 1);
	CU_ASSERT_PTR_NOT_NULL(cJSON_GetObjectItemCaseSensitive(r, "fdb"));
	cJSON_Delete(r);
	cJSON_Delete(rt_ok(ctl, RQ("stats.clear", "{}")));
	rt_refused(ctl, RQ("stats.clear", "{\"port\":1}"), VS_CTL_E_INVALID_PARAMS,
		   "port: unknown");
	r = rt_ok(ctl, RQ("config.get", "{}"));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "ports")), 1);
	{
		/* config.get is exactly what is on disk. */
		cJSON *disk = saved();

		CU_ASSERT(cJSON_Compare(r, disk, 1));
		cJSON_Delete(disk);
	}
	cJSON_Delete(r);
}

static void
test_dry_run(void)
{
	cJSON *r;

	r = rt_ok(ctl, RQ("switch.add", "{\"name\":\"dry\",\"type\":\"external\","
					"\"uplink\":\"net_null_dry\",\"dry_run\":true}"));
	CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "dry_run")));
	CU_ASSERT_STRING_EQUAL(
		cJSON_GetObjectItemCaseSensitive(r, "would")->valuestring,
		"add external switch dry with uplink dry-uplink (device not probed): "
		"net_null_dry");
	cJSON_Delete(r);
	CU_ASSERT_EQUAL(vs_dp_switch_index(dp, "dry"), -ENOENT);
	/* A dry run refuses what the real call would refuse. */
	rt_refused(ctl, RQ("switch.add", "{\"name\":\"sw0\",\"dry_run\":true}"), VS_CTL_E_EXISTS,
		   "already exists");
	rt_refused(ctl, RQ("switch.del", "{\"name\":\"sw0\",\"dry_run\":true}"), VS_CTL_E_CONFLICT,
		   "port(s)");
	rt_refused(ctl,
		   RQ("port.add", "{\"switch\":\"sw0\",\"name\":\"p1\",\"kind\":\"ring\","
				  "\"dry_run\":true}"),
		   VS_CTL_E_EXISTS, "already exists");
	rt_refused(ctl,
		   RQ("port.set", "{\"name\":\"p1\",\"vlan\":{\"mode\":\"access\",\"vid\":0},"
				  "\"dry_run\":true}"),
		   VS_CTL_E_INVALID_PARAMS, "vlan.vid");
	rt_refused(ctl, RQ("switch.add", "{\"name\":\"x\",\"dry_run\":1}"), VS_CTL_E_INVALID_PARAMS,
		   "dry_run: expected true or false");
	rt_refused(ctl, RQ("daemon.info", "{\"dry_run\":true}"), VS_CTL_E_INVALID_PARAMS,
		   "dry_run: unknown key");
	r = rt_ok(ctl, RQ("port.add", "{\"switch\":\"sw0\",\"name\":\"p7\",\"kind\":\"ring\","
				      "\"dry_run\":true}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(cJSON_GetObjectItemCaseSensitive(r, "would")->valuestring,
				      "add ring port p7 to switch sw0"));
	cJSON_Delete(r);
	CU_ASSERT_EQUAL(vs_dp_port_index(dp, "p7"), -ENOENT);
	CU_ASSERT(!saved_has_port("p7"));
	cJSON_Delete(rt_ok(
		ctl, RQ("port.set", "{\"name\":\"p1\",\"admin\":\"down\",\"dry_run\":true}")));
	r = rt_ok(ctl, RQ("port.get", "{\"name\":\"p1\"}"));
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(r, "admin")->valuestring, "up");
	cJSON_Delete(r);
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"p1\",\"dry_run\":true}")));
	CU_ASSERT(vs_dp_port_index(dp, "p1") >= 0);
	/* The flag does not stick to the next request. */
	cJSON_Delete(rt_ok(ctl, RQ("switch.add", "{\"name\":\"real\"}")));
	CU_ASSERT(vs_dp_switch_index(dp, "real") >= 0);
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"real\"}")));
}

static void
test_trace_method(void)
{
	cJSON *r, *eg;

	/* p1 is a ring port of sw0; its only peer was deleted, so a broadcast
	 * has nowhere to go: the trace says so, and learning stays a "would". */
	r = rt_ok(ctl,
		  RQ("trace", "{\"port\":\"p1\",\"frame\":\"ffffffffffff 02:00:00:00:00:41 0806"
			      "000000000000000000000000000000000000000000000000000000000000\"}"));
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(r, "learn")->valuestring,
			       "would be learned");
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(r, "verdict")->valuestring,
			       "no_egress");
	eg = cJSON_GetObjectItemCaseSensitive(r, "egress");
	CU_ASSERT(cJSON_IsArray(eg) && cJSON_GetArraySize(eg) == 0);
	cJSON_Delete(r);
	r = rt_ok(ctl, RQ("fdb.show", "{}"));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(r), 0);
	cJSON_Delete(r);
	rt_refused(ctl, RQ("trace", "{\"port\":\"p1\"}"), VS_CTL_E_INVALID_PARAMS,
		   "frame: required");
	rt_refused(ctl, RQ("trace", "{\"port\":\"p1\",\"frame\":\"0g\"}"), VS_CTL_E_INVALID_PARAMS,
		   "frame: not hex");
	rt_refused(ctl, RQ("trace", "{\"port\":\"p1\",\"frame\":\"012\"}"), VS_CTL_E_INVALID_PARAMS,
		   "frame: not hex");
	rt_refused(ctl, RQ("trace", "{\"port\":\"zz\",\"frame\":\"00\"}"), VS_CTL_E_NOT_FOUND,
		   "zz");
	rt_refused(ctl, RQ("trace", "{\"port\":\"p1\",\"frame\":\"00\",\"dry_run\":true}"),
		   VS_CTL_E_INVALID_PARAMS, "dry_run: unknown key");
}

static void
test_persist_failure_undoes(void)
{
	struct vs_ctl_conf cc = {.sock_gid = -1, .config_path = "/nonexistent-dir/x.json"};
	struct vs_ctl *bad;
	char err[256], *out;
	const char *req = RQ("switch.add", "{\"name\":\"ghost\"}");

	bad = vs_ctl_create(dp, &cc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
	out = vs_ctl_handle(bad, req, strlen(req));
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "-32004"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/nonexistent-dir/x.json"));
	CU_ASSERT_EQUAL(vs_dp_switch_index(dp, "ghost"), -ENOENT);
	free(out);
	vs_ctl_destroy(bad);
}

/* The switch named name in a saved document. */
static cJSON *
saved_switch(cJSON *doc, const char *name)
{
	cJSON *it;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "switches"))
		if (strcmp(cJSON_GetObjectItemCaseSensitive(it, "name")->valuestring, name) == 0)
			return it;
	CU_FAIL_FATAL("switch not saved");
	return NULL;
}

/* switch.add / switch.set / port.add / port.del under the switch types,
 * dry runs, and the saved file. */
static void
test_switch_types(void)
{
	char req[1024], ifn[16];
	cJSON *r, *sw;

	snprintf(ifn, sizeof(ifn), "vsr%u", (unsigned int)getpid() % 100000u);
	rt_refused(ctl, RQ("switch.add", "{\"name\":\"e1\",\"type\":\"external\"}"),
		   VS_CTL_E_INVALID_PARAMS, "uplink: required for an external switch");
	rt_refused(ctl, RQ("switch.add", "{\"name\":\"e1\",\"uplink\":\"net_null_e1\"}"),
		   VS_CTL_E_INVALID_PARAMS, "uplink: only an external switch has an uplink");
	rt_refused(ctl,
		   RQ("switch.add", "{\"name\":\"e1\",\"type\":\"internal\","
				    "\"allow_management_os\":true}"),
		   VS_CTL_E_INVALID_PARAMS, "allow_management_os: only for an external switch");
	rt_refused(ctl, RQ("switch.add", "{\"name\":\"e1\",\"host\":{\"ifname\":\"x\"}}"),
		   VS_CTL_E_INVALID_PARAMS, "host: a private switch has no host vNIC");
	rt_refused(ctl,
		   RQ("switch.add", "{\"name\":\"e1\",\"type\":\"internal\","
				    "\"host\":{\"colour\":1}}"),
		   VS_CTL_E_INVALID_PARAMS, "host.colour: unknown key");
	rt_refused(ctl,
		   RQ("switch.add", "{\"name\":\"e1\",\"type\":\"external\","
				    "\"uplink\":\"net_nothing_e1\"}"),
		   VS_CTL_E_DEVICE, "net_nothing_e1");
	CU_ASSERT_EQUAL(vs_dp_switch_index(dp, "e1"), -ENOENT);
	cJSON_Delete(rt_ok(ctl, RQ("switch.add", "{\"name\":\"e1\",\"type\":\"external\","
						 "\"uplink\":\"net_null_e1\"}")));
	r = rt_ok(ctl, RQ("switch.get", "{\"name\":\"e1\"}"));
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(r, "uplink")->valuestring,
			       "net_null_e1");
	CU_ASSERT_STRING_EQUAL(
		cJSON_GetObjectItemCaseSensitive(r, "uplink_port_name")->valuestring, "e1-uplink");
	CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(r, "host_port_name"));
	cJSON_Delete(r);
	rt_refused(ctl,
		   RQ("port.add", "{\"switch\":\"e1\",\"name\":\"n2\",\"kind\":\"phy\","
				  "\"devargs\":\"net_null_n2\"}"),
		   VS_CTL_E_INVALID_PARAMS, "has exactly one already (e1-uplink)");
	rt_refused(ctl, RQ("port.add", "{\"switch\":\"e1\",\"name\":\"h\",\"kind\":\"host\"}"),
		   VS_CTL_E_INVALID_PARAMS, "allow_management_os");
	rt_refused(ctl, RQ("port.del", "{\"name\":\"e1-uplink\"}"), VS_CTL_E_CONFLICT,
		   "change the switch instead");
	rt_refused(ctl, RQ("port.del", "{\"name\":\"e1-uplink\",\"dry_run\":true}"),
		   VS_CTL_E_CONFLICT, "change the switch instead");
	/* The uplink's VLAN is a port setting, saved inside the switch. */
	cJSON_Delete(rt_ok(ctl, RQ("port.set", "{\"name\":\"e1-uplink\",\"vlan\":{\"mode\":"
					       "\"trunk\",\"allowed\":\"10,20\",\"native\":10}}")));
	cJSON_Delete(rt_ok(ctl, RQ("port.add", "{\"switch\":\"e1\",\"name\":\"e1vm\","
					       "\"kind\":\"ring\"}")));
	r = saved();
	sw = saved_switch(r, "e1");
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(sw, "name")->valuestring, "e1");
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(
				       cJSON_GetObjectItemCaseSensitive(
					       cJSON_GetObjectItemCaseSensitive(sw, "uplink_port"),
					       "vlan"),
				       "allowed")
				       ->valuestring,
			       "10,20");
	cJSON_Delete(r);
	CU_ASSERT(!saved_has_port("e1-uplink"));
	CU_ASSERT(saved_has_port("e1vm"));

	/* Live changes, dry runs first. */
	snprintf(req, sizeof(req), RQ("switch.set", "{\"name\":\"e1\",\"allow_management_os\":true,"
						    "\"host\":{\"ifname\":\"%s\",\"addresses\":"
						    "[\"10.251.0.1/24\"]},\"dry_run\":true}"),
		 ifn);
	r = rt_ok(ctl, req);
	CU_ASSERT_PTR_NOT_NULL(strstr(cJSON_GetObjectItemCaseSensitive(r, "would")->valuestring,
				      "host vNIC e1-host"));
	cJSON_Delete(r);
	CU_ASSERT(vs_dp_port_index(dp, "e1-host") < 0);
	snprintf(req, sizeof(req), RQ("switch.set", "{\"name\":\"e1\",\"allow_management_os\":true,"
						    "\"host\":{\"ifname\":\"%s\",\"addresses\":"
						    "[\"10.251.0.1/24\"]}}"),
		 ifn);
	cJSON_Delete(rt_ok(ctl, req));
	CU_ASSERT(vs_dp_port_index(dp, "e1-host") >= 0);
	rt_refused(ctl, req, VS_CTL_E_INVALID_PARAMS, "change its settings with port.set e1-host");
	cJSON_Delete(rt_ok(ctl, RQ("port.set", "{\"name\":\"e1-host\",\"vlan\":{\"mode\":"
					       "\"access\",\"vid\":10}}")));
	cJSON_Delete(
		rt_ok(ctl, RQ("switch.set", "{\"name\":\"e1\",\"allow_management_os\":false}")));
	CU_ASSERT(vs_dp_port_index(dp, "e1-host") < 0);
	r = saved();
	sw = saved_switch(r, "e1");
	CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(sw, "allow_management_os")));
	cJSON_Delete(r);
	/* On again: the vNIC comes back as it was (VLAN 10, its address). */
	cJSON_Delete(
		rt_ok(ctl, RQ("switch.set", "{\"name\":\"e1\",\"allow_management_os\":true}")));
	r = rt_ok(ctl, RQ("port.get", "{\"name\":\"e1-host\"}"));
	CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(r, "vlan"), "vid")
				->valuedouble,
			10);
	CU_ASSERT_STRING_EQUAL(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "addresses"),
						  0)->valuestring,
			       "10.251.0.1/24");
	cJSON_Delete(r);
	/* external -> internal: the uplink goes, the host stays; -> private */
	rt_refused(ctl,
		   RQ("switch.set", "{\"name\":\"e1\",\"type\":\"internal\",\"uplink\":\"x\"}"),
		   VS_CTL_E_INVALID_PARAMS, "uplink: only an external switch has an uplink");
	r = rt_ok(ctl,
		  RQ("switch.set", "{\"name\":\"e1\",\"type\":\"internal\",\"dry_run\":true}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(cJSON_GetObjectItemCaseSensitive(r, "would")->valuestring,
				      "make switch e1 internal with host vNIC e1-host"));
	cJSON_Delete(r);
	CU_ASSERT(vs_dp_port_index(dp, "e1-uplink") >= 0);
	cJSON_Delete(rt_ok(ctl, RQ("switch.set", "{\"name\":\"e1\",\"type\":\"internal\"}")));
	CU_ASSERT(vs_dp_port_index(dp, "e1-uplink") < 0);
	CU_ASSERT(vs_dp_port_index(dp, "e1-host") >= 0);
	cJSON_Delete(rt_ok(ctl, RQ("switch.set", "{\"name\":\"e1\",\"type\":\"private\"}")));
	CU_ASSERT(vs_dp_port_index(dp, "e1-host") < 0);
	rt_refused(ctl, RQ("switch.set", "{\"name\":\"e1\",\"type\":\"external\"}"),
		   VS_CTL_E_INVALID_PARAMS, "uplink: required");
	rt_refused(ctl, RQ("switch.set", "{\"name\":\"nope\"}"), VS_CTL_E_NOT_FOUND, "nope");
	CU_ASSERT(vs_dp_port_index(dp, "e1vm") >= 0);
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"e1vm\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"e1\"}")));
}

/* config.get of a datapath loaded into a new one gives the same document. */
static void
test_round_trip(void)
{
	char req[1024], ifn[16], err[256];
	struct vs_dp_conf dc = {.fdb_size = 4096};
	struct vs_dp *dp2;
	cJSON *r;
	char *a;

	snprintf(ifn, sizeof(ifn), "vsq%u", (unsigned int)getpid() % 100000u);
	cJSON_Delete(rt_ok(ctl, RQ("switch.add", "{\"name\":\"rx\",\"type\":\"external\","
						 "\"uplink\":\"net_null_rt\"}")));
	snprintf(req, sizeof(req), RQ("switch.add", "{\"name\":\"ri\",\"type\":\"internal\","
						    "\"host\":{\"ifname\":\"%s\",\"mtu\":1400,"
						    "\"mac\":\"02:00:00:00:aa:01\","
						    "\"addresses\":[\"10.252.0.1/24\"]}}"),
		 ifn);
	cJSON_Delete(rt_ok(ctl, req));
	cJSON_Delete(
		rt_ok(ctl, RQ("port.set", "{\"name\":\"rx-uplink\",\"admin\":\"down\","
					  "\"vlan\":{\"mode\":\"trunk\",\"allowed\":\"5-7\"}}")));
	cJSON_Delete(rt_ok(ctl, RQ("port.set", "{\"name\":\"ri-host\",\"vlan\":{\"mode\":"
					       "\"access\",\"vid\":7}}")));
	cJSON_Delete(rt_ok(ctl, RQ("port.add", "{\"switch\":\"ri\",\"name\":\"rv\","
					       "\"kind\":\"ring\"}")));
	r = rt_ok(ctl, RQ("config.get", "{}"));
	a = cJSON_Print(r);
	cJSON_Delete(r);
	/* The devices are the first datapath's: free them before loading. */
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"rv\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"ri\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"rx\"}")));
	r = rt_ok(ctl, RQ("config.get", "{}"));
	dp2 = vs_dp_create(&dc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(dp2);
	{
		/* everything but rx, ri and rv is in the first datapath still */
		cJSON *doc = cJSON_Parse(a);
		cJSON *sws = cJSON_GetObjectItemCaseSensitive(doc, "switches");
		cJSON *ports = cJSON_GetObjectItemCaseSensitive(doc, "ports");
		char *text, *back;
		int i;

		for (i = cJSON_GetArraySize(sws) - 1; i >= 0; i--) {
			const char *n = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(sws, i),
									 "name")->valuestring;

			if (strcmp(n, "rx") != 0 && strcmp(n, "ri") != 0)
				cJSON_DeleteItemFromArray(sws, i);
		}
		for (i = cJSON_GetArraySize(ports) - 1; i >= 0; i--)
			if (strcmp(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(ports, i),
								    "switch")->valuestring,
				   "ri") != 0)
				cJSON_DeleteItemFromArray(ports, i);
		text = cJSON_Print(doc);
		if (vs_ctl_config_apply(dp2, text, err, sizeof(err)) != 0) {
			fprintf(stderr, "\n  apply: %s\n", err);
			CU_FAIL("the saved document does not load");
		}
		cJSON_Delete(doc);
		doc = vs_ctl_config_build(dp2);
		back = cJSON_Print(doc);
		if (strcmp(text, back) != 0) {
			fprintf(stderr, "\n  saved:\n%s\n  reloaded:\n%s\n", text, back);
			CU_FAIL("config.get differs after a reload");
		}
		cJSON_Delete(doc);
		free(text);
		free(back);
	}
	vs_dp_destroy(dp2);
	cJSON_Delete(r);
	free(a);
}

CU_ErrorCode
vs_test_register_rpc(void)
{
	CU_pSuite s = CU_add_suite("rpc", setup, teardown);

	if (s == NULL || !CU_add_test(s, "protocol errors", test_protocol_errors) ||
	    !CU_add_test(s, "switch methods", test_switch_methods) ||
	    !CU_add_test(s, "port methods", test_port_methods) ||
	    !CU_add_test(s, "fdb, stats, config", test_fdb_stats_config) ||
	    !CU_add_test(s, "dry runs validate and change nothing", test_dry_run) ||
	    !CU_add_test(s, "trace", test_trace_method) ||
	    !CU_add_test(s, "switch types through the methods", test_switch_types) ||
	    !CU_add_test(s, "config.get survives a reload", test_round_trip) ||
	    !CU_add_test(s, "a change that cannot be saved is undone", test_persist_failure_undoes))
		return CU_get_error();
	return CUE_SUCCESS;
}
