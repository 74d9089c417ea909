/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generator's configuration alone: defaults, the one-line description
 * and the validation messages.  No frame is read back here, so these tests
 * need none of test_gen.c's reader; they run first in its "perf gen" suite.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "perf.h"
#include "test_perf.h"

static void
test_defaults_and_describe(void)
{
	struct vs_perf_gen_conf c;
	char d[256];

	vs_perf_gen_defaults(&c);
	CU_ASSERT_EQUAL(c.size, 64);
	CU_ASSERT(c.l3 == VS_PERF_L3_IPV4 && c.l4 == VS_PERF_L4_UDP);
	CU_ASSERT(c.src_macs == 1 && c.dst_macs == 1 && c.flows == 1 && c.n_vlans == 0);
	vs_perf_gen_describe(&c, d, sizeof(d));
	CU_ASSERT_STRING_EQUAL(d, "64B IPv4/UDP 1 src 1 dst MACs, untagged, 1 flow, 1024 frames");
	c.src_macs = c.dst_macs = 1000;
	c.n_vlans = 4;
	c.vlans[0] = 10, c.vlans[1] = 11, c.vlans[2] = 12, c.vlans[3] = 13;
	vs_perf_gen_describe(&c, d, sizeof(d));
	CU_ASSERT_STRING_EQUAL(d, "64B IPv4/UDP 1k src 1k dst MACs, VLANs 10-13, 1 flow, 1024 frames");
	c.vlans[0] = 20, c.vlans[1] = 10, c.vlans[2] = 11, c.vlans[3] = 30;
	c.l3 = VS_PERF_L3_IPV6;
	c.l4 = VS_PERF_L4_TCP;
	c.flows = 2000000;
	c.src_macs = VS_PERF_MACS_MAX;
	vs_perf_gen_describe(&c, d, sizeof(d));
	CU_ASSERT_STRING_EQUAL(d, "86B (grown from 64B) IPv6/TCP 1048576 src 1k dst MACs, "
				  "VLANs 20,10-11,30, 2M flows, 2000000 frames");
	vs_perf_gen_defaults(&c);
	c.size = VS_PERF_SIZE_IMIX;
	c.n_vlans = 1;
	c.vlans[0] = 7;
	c.count = 5;
	vs_perf_gen_describe(&c, d, sizeof(d));
	CU_ASSERT_STRING_EQUAL(d, "IMIX 64/594/1518B IPv4/UDP 1 src 1 dst MACs, VLAN 7, 1 flow, "
				  "5 frames");
	c.l3 = VS_PERF_L3_IPV6;
	c.count = 0; /* whole IMIX cycles: 1024 -> 1032 */
	vs_perf_gen_describe(&c, d, sizeof(d));
	CU_ASSERT_STRING_EQUAL(d, "IMIX 74/594/1518B (grown from 64B) IPv6/UDP 1 src 1 dst MACs, "
				  "VLAN 7, 1 flow, 1032 frames");
}

/* Validation case k applied to a default conf; its message, NULL past
 * the last case. */
static const char *
refused_conf(unsigned int k, struct vs_perf_gen_conf *c)
{
	vs_perf_gen_defaults(c);
	switch (k) {
	case 0:
		c->src_macs = 0;
		return "src_macs: 0 is outside 1..1048576";
	case 1:
		c->dst_macs = VS_PERF_MACS_MAX + 1;
		return "dst_macs: 1048577 is outside 1..1048576";
	case 2:
		c->flows = 0;
		return "flows: 0 is outside 1..1048576";
	case 3:
		c->size = 63;
		return "size: 63 is outside 64..9018";
	case 4:
		c->size = 9019;
		return "size: 9019 is outside 64..9018";
	case 5:
		c->n_vlans = 2, c->vlans[0] = 5, c->vlans[1] = 4095;
		return "vlans[1]: 4095 is outside 1..4094";
	case 6:
		c->n_vlans = 1, c->vlans[0] = 0;
		return "vlans[0]: 0 is outside 1..4094";
	case 7:
		c->n_vlans = 3, c->vlans[0] = 5, c->vlans[1] = 6, c->vlans[2] = 5;
		return "vlans[2]: 5 is already vlans[0]";
	case 8:
		c->n_vlans = VS_PERF_VLANS_MAX + 1;
		return "n_vlans: 65 is outside 0..64";
	case 9:
		c->l3 = (enum vs_perf_l3)7;
		return "l3: 7";
	case 10:
		c->l4 = (enum vs_perf_l4)7;
		return "l4: 7";
	case 11:
		c->src_mac[0] = 0x01;
		return "src_mac: 01:00:00:00:00:01 is a multicast address";
	case 12:
		c->dst_mac[0] = 0xff;
		return "dst_mac: ff:00:01:00:00:01 is a multicast address";
	case 13:
		memset(c->src_mac + 1, 0xff, 5);
		c->src_macs = 2;
		return "src_mac: 2 addresses from 02:ff:ff:ff:ff:ff run into multicast addresses";
	case 14: /* sources ..:01-..:0a, the destination inside */
		c->src_macs = 10;
		c->dst_mac[2] = 0, c->dst_mac[5] = 10;
		return "dst_mac: 1 addresses from 02:00:00:00:00:0a overlap the source addresses";
	case 15: /* destinations ..:00-..:02 around the source ..:01 */
		c->dst_macs = 3;
		c->dst_mac[2] = 0, c->dst_mac[5] = 0;
		return "overlap the source addresses";
	default:
		return NULL;
	}
}

static void
test_validation(void)
{
	struct vs_perf_gen_conf c;
	char path[256], err[256];
	const char *msg;
	unsigned int k;

	vs_perf_test_path("refused.pcap", path, sizeof(path));
	for (k = 0; (msg = refused_conf(k, &c)) != NULL; k++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(vs_perf_gen_write(&c, path, err, sizeof(err)), -EINVAL);
		if (strstr(err, msg) == NULL)
			fprintf(stderr, "\ncase %u: got '%s', want '%s'\n", k, err, msg);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, msg));
		CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0); /* nothing written */
	}
	CU_ASSERT_EQUAL(k, 16);
	/* Adjacent ranges are fine: sources ..:01-..:0a, destinations from ..:0b. */
	vs_perf_gen_defaults(&c);
	c.src_macs = 10;
	c.dst_mac[2] = 0, c.dst_mac[5] = 11;
	CU_ASSERT_EQUAL(vs_perf_gen_write(&c, path, err, sizeof(err)), 0);
	/* A directory that does not exist: a failure, not a refusal. */
	CU_ASSERT_EQUAL(vs_perf_gen_write(&c, "/nonexistent/x.pcap", err, sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/x.pcap"));
}

CU_ErrorCode
vs_perf_test_gen_conf_tests(CU_pSuite s)
{
	if (!CU_add_test(s, "defaults and describe", test_defaults_and_describe) ||
	    !CU_add_test(s, "validation names the field", test_validation))
		return CU_get_error();
	return CUE_SUCCESS;
}
