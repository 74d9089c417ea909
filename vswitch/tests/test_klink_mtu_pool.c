/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tests of the kernel links suite (test_klink.c: its veths, datapath
 * and first tests) that bound configuration by the kernel's interfaces:
 * the host vNIC's MTU by the uplink's, and the MAC pool, which skips the
 * addresses of ports and kernel interfaces.  A file of their own because
 * they exercise the datapath's configuration checks rather than its link
 * events; they run in that suite, after its link tests, on its datapath.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "dp_priv.h"
#include "netlink_priv.h"
#include "test_env.h"

static int
idx(const char *name)
{
	return vs_dp_port_index(vs_test_klink_dp(), name);
}

static uint32_t
kernel_mtu(const char *port)
{
	struct vs_dp *dp = vs_test_klink_dp();
	struct vs_port_link l;

	return vs_dp_port_link(dp, (unsigned int)idx(port), &l) == 0 ? l.mtu : 0;
}

static bool
host_followed_1200(void)
{
	struct vs_dp *dp = vs_test_klink_dp();
	struct vs_port_conf pc;

	vs_dp_port_conf(dp, (unsigned int)idx("km-host"), &pc);
	return kernel_mtu("km-host") == 1200 && pc.mtu == 1200;
}

static bool
uplink_mtu_1500(void)
{
	return kernel_mtu("km-uplink") == 1500;
}

static bool
uplink_mtu_1300(void)
{
	return kernel_mtu("km-uplink") == 1300;
}

#define REFUSED(call, text)                                                                  \
	do {                                                                                 \
		err[0] = '\0';                                                               \
		CU_ASSERT_NOT_EQUAL(call, 0);                                                \
		if (strstr(err, text) == NULL) {                                             \
			fprintf(stderr, "\n  error '%s' lacks '%s'\n", err, text);           \
			CU_FAIL("the refusal does not say it");                              \
		}                                                                            \
	} while (0)

static void
test_host_mtu(void)
{
	struct vs_dp *dp = vs_test_klink_dp();
	struct vs_nl *tnl = vs_test_klink_nl();
	const char *up_a = vs_test_klink_uplink();
	struct vs_switch_conf c;
	struct vs_port_conf pc;
	char err[512], want[256];
	uint64_t self;

	snprintf(want, sizeof(want),
		 "switch km: host.mtu: 9000 is larger than the MTU of the uplink's interface %s "
		 "(1500)",
		 up_a);
	REFUSED(vs_test_klink_add_external("km", 'm', true, 9000, err, sizeof(err)), want);
	CU_ASSERT_EQUAL(vs_dp_switch_index(dp, "km"), -ENOENT);
	CU_ASSERT_EQUAL_FATAL(vs_test_klink_add_external("km", 'm', true, 1400, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(kernel_mtu("km-host"), 1400);
	snprintf(want, sizeof(want),
		 "port km-host: mtu: 1600 is larger than the MTU of switch km's uplink (interface "
		 "%s: 1500)",
		 up_a);
	REFUSED(vs_dp_port_set_mtu(dp, "km-host", 1600, err, sizeof(err)), want);
	REFUSED(vs_dp_port_set_mtu_check(dp, "km-host", 1600, err, sizeof(err)), want);
	REFUSED(vs_dp_port_set_mtu(dp, "km-uplink", 1400, err, sizeof(err)),
		"mtu: only a host vNIC takes it");
	REFUSED(vs_dp_port_set_mtu(dp, "km-host", 20, err, sizeof(err)), "mtu: expected 68 to 9000");
	CU_ASSERT_EQUAL(kernel_mtu("km-host"), 1400);
	CU_ASSERT_EQUAL(vs_dp_port_set_mtu(dp, "km-host", 1500, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(kernel_mtu("km-host"), 1500);

	/* The vNIC goes; the uplink shrinks; the vNIC's saved 1500 no longer
	 * fits, and "keep" is lowered to the uplink's at once. */
	vs_dp_switch_conf(dp, (unsigned int)vs_dp_switch_index(dp, "km"), &c);
	c.allow_management_os = false;
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_set(dp, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_link_set(tnl, up_a, NULL, 1300, -1, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(vs_test_klink_poll_until(uplink_mtu_1300));
	vs_dp_switch_conf(dp, (unsigned int)vs_dp_switch_index(dp, "km"), &c);
	CU_ASSERT_EQUAL(c.host_port.mtu, 1500);
	c.allow_management_os = true;
	snprintf(want, sizeof(want), "host.mtu: 1500 is larger than the MTU of the uplink's interface %s (1300)",
		 up_a);
	REFUSED(vs_dp_switch_set_check(dp, &c, err, sizeof(err)), want);
	REFUSED(vs_dp_switch_set(dp, &c, err, sizeof(err)), want);
	CU_ASSERT_EQUAL(idx("km-host"), -ENOENT);
	c.host_port.mtu = 0;
	self = vs_dp_self_changes(dp);
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_set(dp, &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(kernel_mtu("km-host"), 1300);
	vs_dp_port_conf(dp, (unsigned int)idx("km-host"), &pc);
	CU_ASSERT_EQUAL(pc.mtu, 1300);
	CU_ASSERT(vs_dp_self_changes(dp) > self);

	/* The uplink shrinks again: the vNIC follows, from the notification. */
	self = vs_dp_self_changes(dp);
	CU_ASSERT_EQUAL(vs_nl_link_set(tnl, up_a, NULL, 1200, -1, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(vs_test_klink_poll_until(host_followed_1200));
	CU_ASSERT(vs_dp_self_changes(dp) > self);
	/* ... and stays when the uplink grows back. */
	CU_ASSERT_EQUAL(vs_nl_link_set(tnl, up_a, NULL, 1500, -1, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(vs_test_klink_poll_until(uplink_mtu_1500));
	CU_ASSERT_EQUAL(kernel_mtu("km-host"), 1200);
	CU_ASSERT_EQUAL(vs_dp_switch_del(dp, "km", err, sizeof(err)), 0);
}

static void
mac(uint8_t m[6], uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t e, uint8_t f)
{
	m[0] = a, m[1] = b, m[2] = c, m[3] = d, m[4] = e, m[5] = f;
}

static int
add_vm(const char *sw, const char *name, enum vs_port_kind k, const uint8_t *m, char *err,
       size_t errlen)
{
	struct vs_dp *dp = vs_test_klink_dp();
	struct vs_port_conf pc = {.kind = k};

	snprintf(pc.switch_name, sizeof(pc.switch_name), "%s", sw);
	snprintf(pc.name, sizeof(pc.name), "%s", name);
	if (m != NULL) {
		pc.has_mac = true;
		memcpy(pc.mac, m, 6);
	}
	return vs_dp_port_add(dp, &pc, err, errlen);
}

static bool
mac_is(const char *port, const uint8_t m[6])
{
	struct vs_dp *dp = vs_test_klink_dp();
	struct vs_port_conf pc;

	return vs_dp_port_conf(dp, (unsigned int)idx(port), &pc) == 0 && pc.has_mac &&
	       memcmp(pc.mac, m, 6) == 0;
}

static void
test_mac_pool(void)
{
	struct vs_dp *dp = vs_test_klink_dp();
	struct vs_nl *tnl = vs_test_klink_nl();
	const char *up_a = vs_test_klink_uplink();
	struct vs_switch_conf c;
	struct vs_mac_pool_info in;
	struct vs_port_conf pc;
	uint8_t lo[6], hi[6], m[6], dmin[6], dmax[6];
	char err[512];

	/* Bad ranges name the field. */
	mac(lo, 2, 0, 0, 0, 0, 5);
	mac(hi, 2, 0, 0, 0, 0, 1);
	REFUSED(vs_mac_pool_check(lo, hi, err, sizeof(err)), "max: 02:00:00:00:00:01 is below min");
	mac(lo, 3, 0, 0, 0, 0, 0);
	REFUSED(vs_mac_pool_check(lo, hi, err, sizeof(err)), "min: 03:00:00:00:00:00 is a group address");
	mac(lo, 2, 0, 0, 0, 0, 0);
	mac(hi, 1, 0, 0, 0, 0, 0);
	REFUSED(vs_mac_pool_check(lo, hi, err, sizeof(err)), "max: 01:00:00:00:00:00 is a group address");
	mac(hi, 4, 0, 0, 0, 0, 0);
	REFUSED(vs_mac_pool_check(lo, hi, err, sizeof(err)), "holds group addresses");
	mac(lo, 0, 0, 0, 0, 0, 0);
	mac(hi, 0, 0, 0, 0, 0, 9);
	REFUSED(vs_mac_pool_check(lo, hi, err, sizeof(err)), "min: the zero address");
	/* The default: Hyper-V's prefix, 256 addresses, the one a new
	 * datapath has; a refused set keeps it. */
	vs_mac_pool_default(dmin, dmax);
	CU_ASSERT_TRUE(dmin[0] == 0x00 && dmin[1] == 0x15 && dmin[2] == 0x5d && dmin[5] == 0x00);
	CU_ASSERT_TRUE(memcmp(dmin, dmax, 5) == 0 && dmax[5] == 0xff);
	CU_ASSERT_EQUAL(vs_mac_pool_check(dmin, dmax, err, sizeof(err)), 0);
	REFUSED(vs_dp_mac_pool_set(dp, lo, hi, err, sizeof(err)), "min: ");
	vs_dp_mac_pool_get(dp, &in);
	CU_ASSERT_TRUE(memcmp(in.min, dmin, 6) == 0 && memcmp(in.max, dmax, 6) == 0);
	CU_ASSERT_EQUAL(in.size, 256);

	/* Four addresses, two configured on ring ports: generated MACs skip
	 * them, and the fifth port finds none. */
	mac(lo, 2, 0, 0, 0, 0, 0);
	mac(hi, 2, 0, 0, 0, 0, 3);
	CU_ASSERT_EQUAL_FATAL(vs_dp_mac_pool_set(dp, lo, hi, err, sizeof(err)), 0);
	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "kp");
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(dp, &c, err, sizeof(err)), 0);
	mac(m, 2, 0, 0, 0, 0, 0);
	CU_ASSERT_EQUAL(add_vm("kp", "r0", VS_PORT_RING, m, err, sizeof(err)), 0);
	mac(m, 2, 0, 0, 0, 0, 2);
	CU_ASSERT_EQUAL(add_vm("kp", "r2", VS_PORT_RING, m, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(add_vm("kp", "n1", VS_PORT_NETVSC, NULL, err, sizeof(err)), 0);
	mac(m, 2, 0, 0, 0, 0, 1);
	CU_ASSERT_TRUE(mac_is("n1", m));
	CU_ASSERT_EQUAL_FATAL(add_vm("kp", "n3", VS_PORT_NETVSC, NULL, err, sizeof(err)), 0);
	mac(m, 2, 0, 0, 0, 0, 3);
	CU_ASSERT_TRUE(mac_is("n3", m));
	vs_dp_mac_pool_get(dp, &in);
	CU_ASSERT_EQUAL(in.size, 4);
	CU_ASSERT_EQUAL(in.used, 4);
	memset(&pc, 0, sizeof(pc));
	pc.kind = VS_PORT_NETVSC;
	snprintf(pc.switch_name, sizeof(pc.switch_name), "kp");
	snprintf(pc.name, sizeof(pc.name), "n4");
	REFUSED(vs_dp_port_check(dp, &pc, err, sizeof(err)),
		"port n4: mac: the MAC pool 02:00:00:00:00:00 - 02:00:00:00:00:03 is exhausted");
	REFUSED(vs_dp_port_add(dp, &pc, err, sizeof(err)), "is exhausted (all 4 addresses are in use)");
	CU_ASSERT_EQUAL(idx("n4"), -ENOENT);
	/* A port given its MAC needs nothing from the pool. */
	mac(m, 2, 0, 0, 0, 9, 9);
	CU_ASSERT_EQUAL(add_vm("kp", "n5", VS_PORT_NETVSC, m, err, sizeof(err)), 0);
	/* One freed: the search wraps to it. */
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "n1", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(add_vm("kp", "n4", VS_PORT_NETVSC, NULL, err, sizeof(err)), 0);
	mac(m, 2, 0, 0, 0, 0, 1);
	CU_ASSERT_TRUE(mac_is("n4", m));

	/* A kernel interface's own address is taken too. */
	mac(lo, 2, 0, 0, 0, 1, 0);
	mac(hi, 2, 0, 0, 0, 1, 1);
	CU_ASSERT_EQUAL(vs_dp_mac_pool_set(dp, lo, hi, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_link_set(tnl, up_a, lo, 0, -1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(vs_test_klink_add_external("kx", 'x', false, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(add_vm("kx", "n6", VS_PORT_NETVSC, NULL, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(mac_is("n6", hi));

	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "n6", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_switch_del(dp, "kx", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "n3", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "n4", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "n5", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "r0", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "r2", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_switch_del(dp, "kp", err, sizeof(err)), 0);
}

CU_ErrorCode
vs_test_register_klink_mtu_pool(CU_pSuite s)
{
	if (!CU_add_test(s, "host vNIC MTU bounded by the uplink's", test_host_mtu) ||
	    !CU_add_test(s, "MAC pool", test_mac_pool))
		return CU_get_error();
	return CUE_SUCCESS;
}
