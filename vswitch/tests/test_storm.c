/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Storm control through ring ports on an injected clock: each class held to
 * its rate per second and counted, the classes independent, known unicast
 * and other ports never held back, a new second starting afresh, limits
 * lifted live; and the text form of the settings.
 */
#include <errno.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "test_env.h"
#include "vswitch.h"

static struct vs_dp *dp;
static uint64_t clock_ns;
static char err[256];
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t MCAST[6] = {0x01, 0x00, 0x5e, 0x01, 0x02, 0x03};
static const uint8_t A[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t B[6] = {0x02, 0, 0, 0, 0, 0x0b};
static const uint8_t NOBODY[6] = {0x02, 0, 0, 0, 0, 0x77};

static int
setup(void)
{
	static const char *const names[] = {"a", "b", "c", NULL};

	clock_ns = 5000000000ull;
	dp = vs_test_ring_switch("st", names, 1024, &clock_ns);
	return dp == NULL ? -1 : 0;
}

static int
teardown(void)
{
	vs_dp_destroy(dp);
	return 0;
}

static unsigned int
drain(const char *name)
{
	return vs_test_drain(dp, name);
}

/* n frames from port, in one burst when they fit. */
static void
send(const char *port, const uint8_t dst[6], const uint8_t src[6], unsigned int n)
{
	struct rte_mbuf *m[64];

	CU_ASSERT_FATAL(n <= 64);
	for (unsigned int i = 0; i < n; i++) {
		m[i] = vs_test_frame(dp, dst, src, 0x0800, 60, (uint8_t)i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m[i]);
	}
	vs_dp_process_burst(dp, (uint16_t)vs_dp_port_index(dp, port), m, (uint16_t)n);
}

static uint64_t
storm_drops(const char *port)
{
	struct vs_port_stats s;

	vs_dp_port_stats(dp, (unsigned int)vs_dp_port_index(dp, port), &s);
	return s.drops[VS_DROP_STORM_CONTROL];
}

static void
test_limits(void)
{
	struct vs_storm_control sc = {{10, 5, 3}};

	send("a", BCAST, A, 1); /* learn A and B first */
	send("b", BCAST, B, 1);
	drain("a"), drain("b"), drain("c");
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_set_storm(dp, "a", &sc, err, sizeof(err)), 0);
	/* broadcast: 10 of 25 this second */
	send("a", BCAST, A, 25);
	CU_ASSERT_EQUAL(drain("b"), 10);
	CU_ASSERT_EQUAL(drain("c"), 10);
	CU_ASSERT_EQUAL(storm_drops("a"), 15);
	/* multicast has its own count: 5 of 8 */
	send("a", MCAST, A, 8);
	CU_ASSERT_EQUAL(drain("b"), 5);
	CU_ASSERT_EQUAL(drain("c"), 5);
	CU_ASSERT_EQUAL(storm_drops("a"), 18);
	/* unknown unicast: 3 of 6; known unicast is never held back */
	send("a", NOBODY, A, 6);
	CU_ASSERT_EQUAL(drain("b"), 3);
	CU_ASSERT_EQUAL(drain("c"), 3);
	send("a", B, A, 40);
	CU_ASSERT_EQUAL(drain("b"), 40);
	CU_ASSERT_EQUAL(storm_drops("a"), 21);
	/* another port floods freely */
	send("b", BCAST, B, 30);
	CU_ASSERT_EQUAL(drain("a"), 30);
	CU_ASSERT_EQUAL(drain("c"), 30);
	CU_ASSERT_EQUAL(storm_drops("b"), 0);
	/* a new second: a new allowance */
	clock_ns += 1000000000ull;
	send("a", BCAST, A, 12);
	CU_ASSERT_EQUAL(drain("b"), 10);
	CU_ASSERT_EQUAL(storm_drops("a"), 23);
	drain("c");
	/* lifted live */
	memset(&sc, 0, sizeof(sc));
	CU_ASSERT_EQUAL(vs_dp_port_set_storm(dp, "a", &sc, err, sizeof(err)), 0);
	send("a", BCAST, A, 20);
	CU_ASSERT_EQUAL(drain("b"), 20);
	CU_ASSERT_EQUAL(storm_drops("a"), 23);
	drain("c");
	/* refusals */
	sc.pps[VS_STORM_BROADCAST] = 2000000000u;
	CU_ASSERT_EQUAL(vs_dp_port_set_storm(dp, "a", &sc, err, sizeof(err)), -EINVAL);
	CU_ASSERT(strstr(err, "storm_control.broadcast") != NULL);
	CU_ASSERT_EQUAL(vs_dp_port_set_storm(dp, "zz", &sc, err, sizeof(err)), -ENOENT);
}

static void
test_text(void)
{
	struct vs_storm_control s = {{0}};
	char buf[128];

	CU_ASSERT_EQUAL(vs_storm_parse("broadcast=10000pps", &s, err, sizeof(err)), 0);
	CU_ASSERT(s.pps[0] == 10000 && s.pps[1] == 0 && s.pps[2] == 0);
	CU_ASSERT_EQUAL(vs_storm_parse("multicast=500,unknown-unicast=7pps", &s, err, sizeof(err)),
			0);
	CU_ASSERT(s.pps[0] == 10000 && s.pps[1] == 500 && s.pps[2] == 7); /* broadcast kept */
	vs_storm_format(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "broadcast=10000pps,multicast=500pps,unknown-unicast=7pps");
	CU_ASSERT_EQUAL(vs_storm_parse("multicast=off", &s, err, sizeof(err)), 0);
	vs_storm_format(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "broadcast=10000pps,multicast=off,unknown-unicast=7pps");
	CU_ASSERT_EQUAL(vs_storm_parse("off", &s, err, sizeof(err)), 0);
	vs_storm_format(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "off");
	s.pps[0] = 3;
	CU_ASSERT_EQUAL(vs_storm_parse("anycast=5", &s, err, sizeof(err)), -EINVAL);
	CU_ASSERT(strstr(err, "storm_control: 'anycast=5'") != NULL);
	CU_ASSERT_EQUAL(vs_storm_parse("broadcast=fast", &s, err, sizeof(err)), -EINVAL);
	CU_ASSERT(strstr(err, "broadcast: 'fast'") != NULL);
	CU_ASSERT_EQUAL(vs_storm_parse("broadcast=-1", &s, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(vs_storm_parse("broadcast=99999999999pps", &s, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(vs_storm_parse("broadcast", &s, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(vs_storm_parse("broadcast=", &s, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(s.pps[0], 3); /* a refused text changes nothing */
}

CU_ErrorCode
vs_test_register_storm(void)
{
	CU_pSuite s = CU_add_suite("storm control", setup, teardown);

	if (s == NULL || !CU_add_test(s, "limits per class and second", test_limits) ||
	    !CU_add_test(s, "settings as text", test_text))
		return CU_get_error();
	return CUE_SUCCESS;
}
