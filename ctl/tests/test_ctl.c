/* SPDX-License-Identifier: BSD-3-Clause */
/* The configuration document: what it accepts, and that each refusal names
 * the field at fault and changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>

#include "ctl.h"
#include "testmain.h"

CU_ErrorCode vs_test_register_rpc(void);
CU_ErrorCode vs_test_register_server(void);
CU_ErrorCode vs_test_register_capture_rpc(void);
CU_ErrorCode vs_test_register_pool_rpc(void);
CU_ErrorCode vs_test_register_offload_rpc(void);
CU_ErrorCode vs_test_register_vmq_rpc(void);
CU_ErrorCode vs_test_register_nlb_rpc(void);
CU_ErrorCode vs_test_register_persist(void);
CU_ErrorCode vs_test_register_quarantine_rpc(void);

static struct vs_dp *dp;

static int
setup(void)
{
	struct vs_dp_conf dc = {.fdb_size = 4096};
	char err[256];

	dp = vs_dp_create(&dc, err, sizeof(err));
	return dp == NULL ? -1 : 0;
}

static int
teardown(void)
{
	vs_dp_destroy(dp);
	return 0;
}

static void
test_dp_conf(void)
{
	struct vs_dp_conf c = {.n_workers = 1};
	char err[256];

	CU_ASSERT_EQUAL(vs_ctl_dp_conf_parse("{\"datapath\":{\"fdb_size\":1000,\"fdb_aging_s\":60,"
					     "\"workers\":2}}",
					     &c, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(c.fdb_size, 1000);
	CU_ASSERT_EQUAL(c.fdb_aging_s, 60);
	CU_ASSERT_EQUAL(c.n_workers, 2);
	CU_ASSERT_EQUAL(vs_ctl_dp_conf_parse("{}", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.fdb_size, 1000); /* absent keys keep their value */
	CU_ASSERT_NOT_EQUAL(vs_ctl_dp_conf_parse("{\"datapath\":{\"fdb_size\":-3}}", &c, err,
						 sizeof(err)),
			    0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "datapath.fdb_size"));
	CU_ASSERT_NOT_EQUAL(vs_ctl_dp_conf_parse("{\"datapath\":{\"workers\":1.5}}", &c, err,
						 sizeof(err)),
			    0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "datapath.workers"));
	CU_ASSERT_NOT_EQUAL(vs_ctl_dp_conf_parse("{\"datapath\":{\"fdb_sise\":5}}", &c, err,
						 sizeof(err)),
			    0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "datapath.fdb_sise: unknown key"));
	CU_ASSERT_NOT_EQUAL(vs_ctl_dp_conf_parse("{\"datapath\":", &c, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not valid JSON"));
}

static void
test_apply(void)
{
	char err[256], doc[1024];

	snprintf(doc, sizeof(doc),
		 "{\"switches\":[{\"name\":\"s1\",\"type\":\"internal\",\"host\":{\"ifname\":"
		 "\"vsc%u\",\"vlan\":{\"mode\":\"access\",\"vid\":3}}},"
		 "{\"name\":\"s2\",\"type\":\"external\",\"uplink\":\"net_null_ctltest\"}],"
		 "\"ports\":[{\"switch\":\"s1\",\"name\":\"p1\",\"kind\":\"ring\"},"
		 "{\"switch\":\"s1\",\"name\":\"p2\",\"kind\":\"ring\",\"admin\":\"down\"}]}",
		 (unsigned int)getpid() % 100000u);
	if (vs_ctl_config_apply(dp, doc, err, sizeof(err)) != 0) {
		fprintf(stderr, "\n  %s\n", err);
		CU_FAIL_FATAL("the document does not apply");
	}
	CU_ASSERT_EQUAL(vs_dp_switch_count(dp), 2);
	CU_ASSERT_EQUAL(vs_dp_port_count(dp), 4);
	CU_ASSERT_STRING_EQUAL(
		vs_dp_port_switch(dp, (unsigned int)vs_dp_port_index(dp, "s2-uplink")), "s2");
	CU_ASSERT(vs_dp_port_index(dp, "s1-host") >= 0);
}

static void
expect_refused(const char *doc, const char *field)
{
	char err[256] = "";
	unsigned int ports = vs_dp_port_count(dp), sws = vs_dp_switch_count(dp);

	CU_ASSERT_NOT_EQUAL(vs_ctl_config_apply(dp, doc, err, sizeof(err)), 0);
	if (strstr(err, field) == NULL) {
		fprintf(stderr, "\n  error '%s' does not name '%s'\n", err, field);
		CU_FAIL("error does not name the field");
	}
	CU_ASSERT_EQUAL(vs_dp_port_count(dp), ports);
	CU_ASSERT_EQUAL(vs_dp_switch_count(dp), sws);
}

static void
test_refusals(void)
{
	expect_refused("[]", "config");
	expect_refused("{\"switchs\":[]}", "config.switchs");
	expect_refused("{\"switches\":{}}", "config.switches");
	expect_refused("{\"switches\":[{\"type\":\"private\"}]}", "switches[0].name");
	expect_refused("{\"switches\":[{\"name\":\"q\",\"type\":\"public\"}]}",
		       "switches[0].type");
	expect_refused("{\"switches\":[{\"name\":\"q\"},{\"name\":\"q\"}]}", "switches[1].name");
	expect_refused("{\"switches\":[{\"name\":\"q\"}],\"ports\":[{\"switch\":\"q\","
		       "\"name\":\"z\",\"kind\":\"rnig\"}]}",
		       "ports[0].kind");
	expect_refused("{\"switches\":[{\"name\":\"q\"}],\"ports\":[{\"switch\":\"w\","
		       "\"name\":\"z\",\"kind\":\"ring\"}]}",
		       "ports[0].switch");
	expect_refused("{\"switches\":[{\"name\":\"q\"}],\"ports\":[{\"switch\":\"q\","
		       "\"name\":\"z\",\"kind\":\"phy\"}]}",
		       "ports[0].kind");
	expect_refused("{\"switches\":[{\"name\":\"q\"}],\"ports\":[{\"switch\":\"q\","
		       "\"name\":\"z\",\"kind\":\"ring\",\"ring_size\":\"big\"}]}",
		       "ports[0].ring_size");
	expect_refused("{\"switches\":[{\"name\":\"q\"}],\"ports\":[{\"switch\":\"q\","
		       "\"name\":\"z\",\"kind\":\"ring\",\"colour\":1}]}",
		       "ports[0].colour");
	expect_refused("{\"switches\":[{\"name\":\"q\"}],\"ports\":[{\"switch\":\"q\","
		       "\"name\":\"z\",\"kind\":\"ring\",\"admin\":\"sideways\"}]}",
		       "ports[0].admin");
	/* Switch types. */
	expect_refused("{\"switches\":[{\"name\":\"q\",\"type\":\"external\"}]}",
		       "switches[0].uplink: required for an external switch");
	expect_refused("{\"switches\":[{\"name\":\"q\",\"uplink\":\"net_null_q\"}]}",
		       "switches[0].uplink: only an external switch");
	expect_refused("{\"switches\":[{\"name\":\"q\",\"type\":\"internal\","
		       "\"host\":{\"mtu\":\"big\"}}]}",
		       "switches[0].host.mtu");
	expect_refused("{\"switches\":[{\"name\":\"q\",\"type\":\"external\","
		       "\"uplink\":\"net_null_q\",\"uplink_port\":{\"mtu\":1500}}]}",
		       "switches[0].uplink_port.mtu: unknown key");
	expect_refused("{\"switches\":[{\"name\":\"q\"}],\"ports\":[{\"switch\":\"q\","
		       "\"name\":\"z\",\"kind\":\"phy\",\"devargs\":\"net_null_z\"}]}",
		       "ports[0].kind: a phy port is created by its switch");
	expect_refused("{\"switches\":[{\"name\":\"q\"}],\"ports\":[{\"switch\":\"q\","
		       "\"name\":\"z\",\"kind\":\"host\"}]}",
		       "ports[0].kind: a host port is created by its switch");
	/* An uplink that does not open leaves no switch behind. */
	expect_refused("{\"switches\":[{\"name\":\"q\",\"type\":\"external\","
		       "\"uplink\":\"net_nothing_q\"}]}",
		       "net_nothing_q");
	/* Valid document, but a switch that already exists. */
	expect_refused("{\"switches\":[{\"name\":\"s1\"}]}", "s1");
}

#define NLB_DOC(nlb)                                                                           \
	(snprintf(doc, sizeof(doc),                                                            \
		  "{\"switches\":[{\"name\":\"dq\"},{\"name\":\"dr\"}],\"ports\":["                  \
		  "{\"switch\":\"dq\",\"name\":\"d1\",\"kind\":\"ring\",\"mac_spoofing\":true},"      \
		  "{\"switch\":\"dq\",\"name\":\"d2\",\"kind\":\"ring\"},"                          \
		  "{\"switch\":\"dr\",\"name\":\"d3\",\"kind\":\"ring\"}],\"nlb\":%s}",             \
		  nlb),                                                                        \
	 doc)
#define MC(ip, members)                                                                        \
	"{\"switch\":\"dq\",\"ip\":\"" ip "\",\"mode\":\"multicast\",\"members\":[" members "]}"

/* The document's "nlb": a refusal names nlb[i] and its field (so the file's
 * line can be shown), and a cluster the datapath refuses undoes the whole
 * document. */
static void
test_nlb_document(void)
{
	static const char *const text = "{\n"
					 "  \"switches\": [ {\"name\": \"dq\"} ],\n"
					 "  \"ports\": [ {\"switch\": \"dq\", \"name\": \"d1\", \"kind\": \"ring\"} ],\n"
					 "  \"nlb\": [\n"
					 "    {\"switch\": \"dq\", \"ip\": \"10.2.0.1\", \"mode\": \"multicast\",\n"
					 "     \"members\": [\"d1\",\n"
					 "                 \"d9\"]}\n"
					 "  ]\n"
					 "}\n";
	char doc[2048], err[256];

	expect_refused(NLB_DOC("{}"), "config.nlb: expected an array");
	expect_refused(NLB_DOC("[{\"switch\":\"dq\",\"ip\":\"1.2.3\",\"mode\":\"igmp\"}]"),
		       "nlb[0].ip: '1.2.3' is not an IPv4 address");
	expect_refused(NLB_DOC("[{\"switch\":\"zz\",\"ip\":\"10.2.0.1\",\"mode\":\"igmp\"}]"),
		       "nlb[0].switch: no switch named 'zz'");
	expect_refused(NLB_DOC("[{\"switch\":\"dq\",\"ip\":\"10.2.0.1\",\"mode\":\"x\"}]"),
		       "nlb[0].mode: 'x' is not unicast, multicast or igmp");
	expect_refused(NLB_DOC("[{\"switch\":\"dq\",\"ip\":\"10.2.0.1\",\"mode\":\"igmp\","
			       "\"colour\":1}]"),
		       "nlb[0].colour: unknown key");
	expect_refused(NLB_DOC("[" MC("10.2.0.1", "\"d1\",\"d9\"") "]"),
		       "nlb[0].members[1]: no port 'd9' on switch dq");
	expect_refused(NLB_DOC("[" MC("10.2.0.1", "\"d3\"") "]"),
		       "nlb[0].members[0]: port 'd3' is on switch dr, not dq");
	expect_refused(NLB_DOC("[" MC("10.2.0.1", "\"d1\"") "," MC("10.2.0.1", "\"d2\"") "]"),
		       "nlb[1].ip: cluster 10.2.0.1 is listed twice for VLAN 1 of switch dq");
	/* d2 has no MAC spoofing: the datapath refuses it as a unicast
	 * member, and the switches and ports already added go again. */
	expect_refused(NLB_DOC("[" MC("10.2.0.1", "\"d1\"") ",{\"switch\":\"dq\",\"ip\":"
			       "\"10.2.0.2\",\"mode\":\"unicast\",\"members\":[\"d1\",\"d2\"]}]"),
		       "nlb[1]: members[1]");
	CU_ASSERT(vs_dp_switch_index(dp, "dq") < 0);
	CU_ASSERT(vs_dp_port_index(dp, "d1") < 0);

	CU_ASSERT_NOT_EQUAL(vs_ctl_config_apply(dp, text, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nlb[0].members[1]: no port 'd9'"));
	CU_ASSERT_EQUAL(vs_ctl_locate_line(text, err), 7);
}

/* Clusters whose member ports were all deleted are saved without members:
 * the document must load them. */
static void
test_nlb_document_memberless(void)
{
	char doc[2048], err[256];

	if (vs_ctl_config_apply(dp, NLB_DOC("[" MC("10.2.0.1", "") ",{\"switch\":\"dq\",\"ip\":"
					    "\"10.2.0.1\",\"mode\":\"unicast\",\"vlan\":5,"
					    "\"members\":[]}]"),
				err, sizeof(err)) != 0) {
		fprintf(stderr, "\n  %s\n", err);
		CU_FAIL("clusters without members do not load");
		return;
	}
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "d1", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "d2", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "d3", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_switch_del(dp, "dq", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_switch_del(dp, "dr", err, sizeof(err)), 0);
}
#undef MC
#undef NLB_DOC

static void
test_locate_line(void)
{
	const char *doc = "{\n"
			  "  \"datapath\": {\"workers\": 1},\n"
			  "  \"switches\": [ {\"name\": \"s\"} ],\n"
			  "  \"ports\": [\n"
			  "    {\"switch\": \"s\", \"name\": \"a\", \"kind\": \"ring\"},\n"
			  "    {\"switch\": \"s\", \"name\": \"b\",\n"
			  "     \"kind\": \"rnig\", \"note\": \"has ] and } and \\\" inside\"},\n"
			  "    {\"switch\": \"s\", \"name\": \"c\", \"kind\": \"ring\",\n"
			  "     \"vlan\": {\"mode\": \"access\",\n"
			  "              \"vid\": 5000}}\n"
			  "  ]\n"
			  "}\n";
	struct vs_dp_conf c = {0};
	char err[256];

	CU_ASSERT_EQUAL(vs_ctl_locate_line(doc, "datapath.workers: x"), 2);
	CU_ASSERT_EQUAL(vs_ctl_locate_line(doc, "switches[0].name: x"), 3);
	CU_ASSERT_EQUAL(vs_ctl_locate_line(doc, "ports[1].kind: unknown"), 7);
	CU_ASSERT_EQUAL(vs_ctl_locate_line(doc, "ports[2].vlan.vid: x"), 10);
	CU_ASSERT_EQUAL(vs_ctl_locate_line(doc, "ports[2].admin: required"), 8); /* absent: its object */
	CU_ASSERT_EQUAL(vs_ctl_locate_line(doc, "ports[9].kind: x"), 4);
	CU_ASSERT_EQUAL(vs_ctl_locate_line(doc, "config.nope: unknown key"), 1);
	/* The refusal the loader gives for this document points at line 7. */
	CU_ASSERT_NOT_EQUAL(vs_ctl_config_apply(dp, doc, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ports[1].note: unknown key"));
	CU_ASSERT_EQUAL(vs_ctl_locate_line(doc, err), 7);
	(void)c;
	{
		/* A switch's host vNIC settings: the nested field's own line. */
		const char *sw = "{\n"
				 "  \"switches\": [ {\"name\": \"i\", \"type\": \"internal\",\n"
				 "                 \"host\": {\"ifname\": \"x\",\n"
				 "                          \"mtu\": 5}} ]\n"
				 "}\n";

		CU_ASSERT_NOT_EQUAL(vs_ctl_config_apply(dp, sw, err, sizeof(err)), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "switches[0].host.mtu"));
		CU_ASSERT_EQUAL(vs_ctl_locate_line(sw, err), 4);
	}
}

static void
test_read_file(void)
{
	char path[] = "/tmp/vsctlXXXXXX", err[256];
	int fd = mkstemp(path);
	char *txt;

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "{\"a\":1}", 7), 7);
	close(fd);
	txt = vs_ctl_read_file(path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(txt);
	CU_ASSERT_STRING_EQUAL(txt, "{\"a\":1}");
	free(txt);
	unlink(path);
	CU_ASSERT_PTR_NULL(vs_ctl_read_file(path, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
}

static CU_ErrorCode
vs_test_ctl_init(void)
{
	CU_pSuite s = CU_add_suite("config", setup, teardown);
	CU_ErrorCode rc;

	if (s == NULL || !CU_add_test(s, "datapath section", test_dp_conf) ||
	    !CU_add_test(s, "apply switches and ports", test_apply) ||
	    !CU_add_test(s, "refusals name the field and change nothing", test_refusals) ||
	    !CU_add_test(s, "read file", test_read_file) ||
	    !CU_add_test(s, "a refused field's line in the file", test_locate_line) ||
	    !CU_add_test(s, "NLB clusters in the document", test_nlb_document) ||
	    !CU_add_test(s, "NLB clusters without members in the document",
			 test_nlb_document_memberless))
		return CU_get_error();
	if ((rc = vs_test_register_rpc()) != CUE_SUCCESS ||
	    (rc = vs_test_register_server()) != CUE_SUCCESS ||
	    (rc = vs_test_register_capture_rpc()) != CUE_SUCCESS ||
	    (rc = vs_test_register_pool_rpc()) != CUE_SUCCESS ||
	    (rc = vs_test_register_offload_rpc()) != CUE_SUCCESS ||
	    (rc = vs_test_register_vmq_rpc()) != CUE_SUCCESS ||
	    (rc = vs_test_register_nlb_rpc()) != CUE_SUCCESS ||
	    (rc = vs_test_register_persist()) != CUE_SUCCESS ||
	    (rc = vs_test_register_quarantine_rpc()) != CUE_SUCCESS)
		return rc;
	return CUE_SUCCESS;
}

int
main(void)
{
	static const struct vs_test_module m = {
		.name = "test_ctl", .lcores = "0", .mem_mb = "256", .init = vs_test_ctl_init,
	};

	return vs_test_main(&m);
}
