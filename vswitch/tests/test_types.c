/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Switch types and port roles: what each type refuses (every refusal names
 * its rule), the auto ports (uplink, host vNIC) created and removed with
 * the switch, live changes of type and allow_management_os, and failures
 * that leave nothing behind.  Uplinks are net_null devices; host vNICs are
 * real taps (root).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "test_env.h"
#include "vswitch.h"

static struct vs_dp *dp;
static char ifn[VS_IFNAME_MAX]; /* host vNICs of this process */

static int
setup(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024};
	char err[256];

	snprintf(ifn, sizeof(ifn), "vst%u", (unsigned int)getpid() % 100000u);
	dp = vs_dp_create(&dc, err, sizeof(err));
	return dp == NULL ? -1 : 0;
}

static int
teardown(void)
{
	vs_dp_destroy(dp);
	dp = NULL;
	return 0;
}

static void
sw_conf(struct vs_switch_conf *c, const char *name, enum vs_switch_type t, const char *uplink,
	bool mgmt)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->type = t;
	snprintf(c->uplink, sizeof(c->uplink), "%s", uplink ? uplink : "");
	c->allow_management_os = mgmt;
	snprintf(c->host_port.ifname, sizeof(c->host_port.ifname), "%s", ifn);
}

static int
add_port(const char *sw, const char *name, enum vs_port_kind k, const char *devargs, char *err,
	 size_t errlen)
{
	struct vs_port_conf pc = {.kind = k};

	snprintf(pc.switch_name, sizeof(pc.switch_name), "%s", sw);
	snprintf(pc.name, sizeof(pc.name), "%s", name);
	snprintf(pc.devargs, sizeof(pc.devargs), "%s", devargs ? devargs : "");
	return vs_dp_port_add(dp, &pc, err, errlen);
}

static bool
has(const char *port)
{
	return vs_dp_port_index(dp, port) >= 0;
}

#define REFUSED(call, rule)                                                                  \
	do {                                                                                 \
		err[0] = '\0';                                                               \
		CU_ASSERT_NOT_EQUAL(call, 0);                                                \
		if (strstr(err, rule) == NULL) {                                             \
			fprintf(stderr, "\n  error '%s' lacks '%s'\n", err, rule);           \
			CU_FAIL("the refusal does not state the rule");                      \
		}                                                                            \
	} while (0)

static void
test_private(void)
{
	struct vs_switch_conf c;
	char err[512];

	sw_conf(&c, "pv", VS_SWITCH_PRIVATE, "net_null_tt0", false);
	REFUSED(vs_dp_switch_add(dp, &c, err, sizeof(err)), "only an external switch has an uplink");
	sw_conf(&c, "pv", VS_SWITCH_PRIVATE, NULL, true);
	REFUSED(vs_dp_switch_add(dp, &c, err, sizeof(err)), "allow_management_os");
	sw_conf(&c, "pv", VS_SWITCH_PRIVATE, NULL, false);
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(dp, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_count(dp), 0);
	CU_ASSERT_EQUAL(add_port("pv", "vm1", VS_PORT_RING, NULL, err, sizeof(err)), 0);
	REFUSED(add_port("pv", "nic", VS_PORT_PHY, "net_null_tt1", err, sizeof(err)),
		"a phy port is only ever an external switch's uplink; private switch pv has no "
		"uplink");
	REFUSED(add_port("pv", "h", VS_PORT_HOST, NULL, err, sizeof(err)),
		"private switch pv has no host vNIC");
	CU_ASSERT(!has("nic") && !has("h"));
	/* A virtual device stands in for a VM; a bus device never does. */
	CU_ASSERT_EQUAL(add_port("pv", "vm2", VS_PORT_VDEV, "net_null_tt5", err, sizeof(err)), 0);
	REFUSED(add_port("pv", "vm3", VS_PORT_VDEV, "0000:00:04.0", err, sizeof(err)),
		"is not a virtual device");
	REFUSED(add_port("pv", "vm3", VS_PORT_VDEV, NULL, err, sizeof(err)),
		"devargs: required for a vdev port");
	CU_ASSERT(has("vm2") && !has("vm3"));
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "vm2", err, sizeof(err)), 0);
	/* Deleting removed the device: its name is free again. */
	CU_ASSERT_EQUAL(add_port("pv", "vm2", VS_PORT_VDEV, "net_null_tt5", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "vm2", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "vm1", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_switch_del(dp, "pv", err, sizeof(err)), 0);
}

static void
test_external(void)
{
	struct vs_switch_conf c, got;
	struct vs_vlan_policy v;
	unsigned int ports = vs_dp_port_count(dp), sws = vs_dp_switch_count(dp);
	char err[512];

	sw_conf(&c, "ex", VS_SWITCH_EXTERNAL, NULL, false);
	REFUSED(vs_dp_switch_add(dp, &c, err, sizeof(err)), "exactly one physical uplink");
	/* A device that does not open: nothing is left behind. */
	sw_conf(&c, "ex", VS_SWITCH_EXTERNAL, "net_doesnotexist_tt", false);
	REFUSED(vs_dp_switch_add(dp, &c, err, sizeof(err)), "net_doesnotexist_tt");
	CU_ASSERT_EQUAL(vs_dp_port_count(dp), ports);
	CU_ASSERT_EQUAL(vs_dp_switch_count(dp), sws);
	sw_conf(&c, "a-switch-name-too-long-xy", VS_SWITCH_EXTERNAL, "net_null_tt2", false);
	REFUSED(vs_dp_switch_add(dp, &c, err, sizeof(err)), "at most 24 characters");

	sw_conf(&c, "ex", VS_SWITCH_EXTERNAL, "net_null_tt2", false);
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(dp, &c, err, sizeof(err)), 0);
	CU_ASSERT(has("ex-uplink") && !has("ex-host"));
	CU_ASSERT(vs_dp_port_is_auto(dp, (unsigned int)vs_dp_port_index(dp, "ex-uplink")));
	CU_ASSERT_EQUAL(add_port("ex", "vm1", VS_PORT_RING, NULL, err, sizeof(err)), 0);
	REFUSED(add_port("ex", "nic2", VS_PORT_PHY, "net_null_tt3", err, sizeof(err)),
		"has exactly one already (ex-uplink)");
	REFUSED(add_port("ex", "h", VS_PORT_HOST, NULL, err, sizeof(err)),
		"created and removed by its allow_management_os");
	REFUSED(vs_dp_port_del(dp, "ex-uplink", err, sizeof(err)), "change the switch instead");
	/* Auto ports are ports: their settings change like any. */
	CU_ASSERT_EQUAL(vs_vlan_policy_trunk(&v, "10,20", 10, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_set_vlan(dp, "ex-uplink", &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_switch_conf(dp, (unsigned int)vs_dp_switch_index(dp, "ex"), &got), 0);
	CU_ASSERT_STRING_EQUAL(got.uplink, "net_null_tt2");
	CU_ASSERT_EQUAL(got.uplink_port.vlan.mode, VS_VLAN_MODE_TRUNK);
	/* Another switch cannot take the same NIC. */
	sw_conf(&c, "ex2", VS_SWITCH_EXTERNAL, "net_null_tt2", false);
	REFUSED(vs_dp_switch_add(dp, &c, err, sizeof(err)), "already in use");
	REFUSED(vs_dp_switch_del(dp, "ex", err, sizeof(err)), "1 VM port(s)");
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "vm1", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_switch_del(dp, "ex", err, sizeof(err)), 0);
	CU_ASSERT(!has("ex-uplink"));
	CU_ASSERT_EQUAL(vs_dp_port_count(dp), ports);
}

static void
test_internal(void)
{
	struct vs_switch_conf c;
	char err[512];

	sw_conf(&c, "in", VS_SWITCH_INTERNAL, NULL, false);
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(dp, &c, err, sizeof(err)), 0);
	CU_ASSERT(has("in-host") && !has("in-uplink"));
	REFUSED(add_port("in", "h2", VS_PORT_HOST, NULL, err, sizeof(err)),
		"internal switch in has exactly one host vNIC");
	REFUSED(add_port("in", "nic", VS_PORT_PHY, "net_null_tt4", err, sizeof(err)),
		"internal switch in has no uplink");
	REFUSED(vs_dp_port_del(dp, "in-host", err, sizeof(err)), "allow_management_os");
	/* A second internal switch cannot reuse the vNIC's interface name. */
	sw_conf(&c, "in2", VS_SWITCH_INTERNAL, NULL, false);
	REFUSED(vs_dp_switch_add(dp, &c, err, sizeof(err)), "exists already");
	CU_ASSERT_EQUAL(vs_dp_switch_index(dp, "in2"), -ENOENT);
	CU_ASSERT_EQUAL(vs_dp_switch_del(dp, "in", err, sizeof(err)), 0);
	CU_ASSERT(!has("in-host"));
}

static void
expect_auto(const char *sw, bool up, bool host)
{
	char n[VS_NAME_MAX];

	vs_switch_uplink_name(sw, n);
	CU_ASSERT_EQUAL(has(n), up);
	vs_switch_host_name(sw, n);
	CU_ASSERT_EQUAL(has(n), host);
}

static void
test_transitions(void)
{
	struct vs_switch_conf c;
	char err[512];

	sw_conf(&c, "tr", VS_SWITCH_PRIVATE, NULL, false);
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(dp, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(add_port("tr", "vm", VS_PORT_RING, NULL, err, sizeof(err)), 0);
	/* private -> external needs an uplink */
	c.type = VS_SWITCH_EXTERNAL;
	REFUSED(vs_dp_switch_set(dp, &c, err, sizeof(err)), "uplink");
	expect_auto("tr", false, false);
	snprintf(c.uplink, sizeof(c.uplink), "net_doesnotexist_tr");
	REFUSED(vs_dp_switch_set(dp, &c, err, sizeof(err)), "net_doesnotexist_tr");
	expect_auto("tr", false, false);
	snprintf(c.uplink, sizeof(c.uplink), "net_null_tr0");
	CU_ASSERT_EQUAL(vs_dp_switch_set(dp, &c, err, sizeof(err)), 0);
	expect_auto("tr", true, false);
	/* allow_management_os on, off, on */
	c.allow_management_os = true;
	CU_ASSERT_EQUAL(vs_dp_switch_set(dp, &c, err, sizeof(err)), 0);
	expect_auto("tr", true, true);
	c.allow_management_os = false;
	CU_ASSERT_EQUAL(vs_dp_switch_set(dp, &c, err, sizeof(err)), 0);
	expect_auto("tr", true, false);
	c.allow_management_os = true;
	CU_ASSERT_EQUAL(vs_dp_switch_set(dp, &c, err, sizeof(err)), 0);
	expect_auto("tr", true, true);
	/* a new uplink replaces the old one */
	snprintf(c.uplink, sizeof(c.uplink), "net_null_tr1");
	CU_ASSERT_EQUAL(vs_dp_switch_set(dp, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_switch_conf(dp, (unsigned int)vs_dp_switch_index(dp, "tr"), &c), 0);
	CU_ASSERT_STRING_EQUAL(c.uplink_port.devargs, "net_null_tr1");
	/* external -> internal: no uplink, the host stays */
	c.type = VS_SWITCH_INTERNAL;
	REFUSED(vs_dp_switch_set(dp, &c, err, sizeof(err)), "only an external switch has an uplink");
	c.uplink[0] = '\0';
	c.allow_management_os = false;
	CU_ASSERT_EQUAL(vs_dp_switch_set(dp, &c, err, sizeof(err)), 0);
	expect_auto("tr", false, true);
	/* internal -> private: nothing */
	c.type = VS_SWITCH_PRIVATE;
	CU_ASSERT_EQUAL(vs_dp_switch_set(dp, &c, err, sizeof(err)), 0);
	expect_auto("tr", false, false);
	/* private -> internal: the host comes back */
	c.type = VS_SWITCH_INTERNAL;
	CU_ASSERT_EQUAL(vs_dp_switch_set(dp, &c, err, sizeof(err)), 0);
	expect_auto("tr", false, true);
	/* internal -> external without management OS: the host goes */
	c.type = VS_SWITCH_EXTERNAL;
	snprintf(c.uplink, sizeof(c.uplink), "net_null_tr2");
	CU_ASSERT_EQUAL(vs_dp_switch_set(dp, &c, err, sizeof(err)), 0);
	expect_auto("tr", true, false);
	CU_ASSERT(has("vm")); /* VM ports stay through every change */
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "vm", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_switch_del(dp, "tr", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_count(dp), 0);
}

static void
test_name_taken(void)
{
	struct vs_switch_conf c;
	char err[512];

	sw_conf(&c, "nt", VS_SWITCH_PRIVATE, NULL, false);
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(dp, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(add_port("nt", "nt-uplink", VS_PORT_RING, NULL, err, sizeof(err)), 0);
	c.type = VS_SWITCH_EXTERNAL;
	snprintf(c.uplink, sizeof(c.uplink), "net_null_nt");
	REFUSED(vs_dp_switch_set(dp, &c, err, sizeof(err)), "is taken by another port");
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "nt-uplink", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_switch_del(dp, "nt", err, sizeof(err)), 0);
}

CU_ErrorCode
vs_test_register_types(void)
{
	CU_pSuite s = CU_add_suite("switch types", setup, teardown);

	if (s == NULL || !CU_add_test(s, "private: VM ports only", test_private) ||
	    !CU_add_test(s, "external: one uplink, created with the switch", test_external) ||
	    !CU_add_test(s, "internal: one host vNIC", test_internal) ||
	    !CU_add_test(s, "live type and management OS changes", test_transitions) ||
	    !CU_add_test(s, "auto port name taken", test_name_taken))
		return CU_get_error();
	return CUE_SUCCESS;
}
