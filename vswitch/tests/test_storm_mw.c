/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Storm control on a port whose receive queues two workers poll (a
 * net_ring device with two queues, as an RSS uplink): the limit is the
 * port's, not each worker's.  The clock is held in one second, so a
 * broadcast storm of 300 frames on each queue lets exactly the limit
 * through, and the rest is counted storm_control on the port.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "test_env.h"
#include "vswitch.h"

#define LIMIT 100u
#define PER_QUEUE 300u

static void
test_storm_two_workers(void)
{
	static uint64_t clock_ns = 7000000000ull;
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t src[6] = {0x02, 0, 0, 0, 0x5f, 0x01};
	unsigned int l0 = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
	unsigned int l1 = rte_get_next_lcore(l0, 1, 0);
	struct vs_dp_conf dc = {.fdb_size = 1024, .n_workers = 2};
	struct vs_switch_conf sc = {.name = "sm", .type = VS_SWITCH_PRIVATE};
	struct vs_port_conf in = {.name = "in", .switch_name = "sm", .kind = VS_PORT_VDEV,
				  .devargs = "net_ring_stormmw,nodeaction=net_ring_stormmw:0:CREATE",
				  .queues = 2, .pinned = true, .lcore = (uint16_t)l0,
				  .storm = {{LIMIT, 0, 0}}};
	struct vs_port_conf out = {.name = "out", .switch_name = "sm", .kind = VS_PORT_RING,
				   .ring_size = 1024};
	struct vs_port_stats ps;
	struct rte_ring *q[2];
	struct vs_dp *dp;
	unsigned int got = 0, k, spins, w;
	char err[256];

	dp = vs_dp_create(&dc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(dp);
	vs_dp_set_clock(dp, vs_test_clock, &clock_ns);
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(dp, &sc, err, sizeof(err)), 0);
	if (vs_dp_port_add(dp, &in, err, sizeof(err)) != 0)
		fprintf(stderr, "\n  %s\n", err);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_index(dp, "in") >= 0, 1);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(dp, &out, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_set_placement(dp, "in", 1, true, l1, err, sizeof(err)), 0);
	/* Each of the port's queues on its own worker. */
	for (w = 0; w < 2; w++) {
		struct vs_worker_queue wq[16];
		unsigned int n = vs_dp_worker_queues(dp, w, wq, 16), mine = 0;

		for (k = 0; k < n; k++)
			mine += wq[k].port == (uint16_t)vs_dp_port_index(dp, "in");
		CU_ASSERT_EQUAL(mine, 1);
	}
	q[0] = rte_ring_lookup("ETH_RXTX0_net_ring_stormmw");
	q[1] = rte_ring_lookup("ETH_RXTX1_net_ring_stormmw");
	CU_ASSERT_FATAL(q[0] != NULL && q[1] != NULL);
	CU_ASSERT_EQUAL_FATAL(vs_dp_start(dp, err, sizeof(err)), 0);
	for (k = 0; k < PER_QUEUE; k++)
		for (w = 0; w < 2; w++) {
			struct rte_mbuf *m = vs_test_frame(dp, bcast, src, 0x0806, 60, (uint8_t)k);

			CU_ASSERT_PTR_NOT_NULL_FATAL(m);
			while (rte_ring_enqueue(q[w], m) != 0)
				rte_pause();
		}
	/* Until both workers took their queue's frames and every one is
	 * forwarded or dropped. */
	for (spins = 0; spins < 20000; spins++) {
		got += vs_test_drain(dp, "out");
		vs_dp_port_stats(dp, (unsigned int)vs_dp_port_index(dp, "in"), &ps);
		if (ps.rx_packets == 2 * PER_QUEUE && rte_ring_count(q[0]) == 0 &&
		    rte_ring_count(q[1]) == 0 && got + ps.drops[VS_DROP_STORM_CONTROL] == 2 * PER_QUEUE)
			break;
		rte_delay_us_sleep(100);
	}
	vs_dp_stop(dp);
	got += vs_test_drain(dp, "out");
	vs_dp_port_stats(dp, (unsigned int)vs_dp_port_index(dp, "in"), &ps);
	CU_ASSERT_EQUAL(ps.rx_packets, 2 * PER_QUEUE);
	CU_ASSERT_EQUAL(got, LIMIT);
	CU_ASSERT_EQUAL(ps.drops[VS_DROP_STORM_CONTROL], 2 * PER_QUEUE - LIMIT);
	/* Both workers had the storm's frames: the limit was shared. */
	for (w = 0; w < 2; w++) {
		struct vs_port_stats wps;

		vs_dp_worker_port_stats(dp, w, (unsigned int)vs_dp_port_index(dp, "in"), &wps);
		CU_ASSERT_EQUAL(wps.rx_packets, PER_QUEUE);
	}
	vs_dp_destroy(dp);
}

CU_ErrorCode
vs_test_register_storm_mw(void)
{
	CU_pSuite s = CU_add_suite("storm control on two workers", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "a port's limit, its queues on two workers", test_storm_two_workers))
		return CU_get_error();
	return CUE_SUCCESS;
}
