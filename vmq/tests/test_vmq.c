/* SPDX-License-Identifier: BSD-3-Clause */
/* vmq: queue allocation and release, placement of new queues, rebalancing
 * against a brute-force optimum, the packet-rate window, and the hardware
 * VMQ rule. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_byteorder.h>

#include "testmain.h"
#include "vmq.h"

static void
test_queue_alloc(void)
{
	struct vs_vmq_queues q;
	int a, b, c;

	CU_ASSERT_EQUAL(vs_vmq_queues_init(&q, 0), -EINVAL);
	CU_ASSERT_EQUAL(vs_vmq_queues_init(&q, VS_VMQ_MAX_QUEUES + 1), -EINVAL);
	CU_ASSERT_EQUAL(vs_vmq_queues_init(&q, 4), 0);
	CU_ASSERT_EQUAL(vs_vmq_queues_free(&q), 3);
	a = vs_vmq_queue_alloc(&q, 10);
	b = vs_vmq_queue_alloc(&q, 11);
	c = vs_vmq_queue_alloc(&q, 12);
	CU_ASSERT(a == 1 && b == 2 && c == 3); /* never the default queue */
	CU_ASSERT_EQUAL(vs_vmq_queue_alloc(&q, 13), -ENOSPC);
	CU_ASSERT_EQUAL(vs_vmq_queue_alloc(&q, 11), 2); /* an owner keeps its queue */
	CU_ASSERT_EQUAL(vs_vmq_queue_of(&q, 12), 3);
	CU_ASSERT_EQUAL(vs_vmq_queue_of(&q, 13), -ENOENT);
	CU_ASSERT_EQUAL(vs_vmq_queues_free(&q), 0);
	/* Release, then the lowest free queue goes first. */
	CU_ASSERT_EQUAL(vs_vmq_queue_release(&q, 2), 0);
	CU_ASSERT_EQUAL(vs_vmq_queue_release(&q, 2), -ENOENT);
	CU_ASSERT_EQUAL(vs_vmq_queue_release(&q, 0), -EINVAL);
	CU_ASSERT_EQUAL(vs_vmq_queue_release(&q, 4), -EINVAL);
	CU_ASSERT_EQUAL(vs_vmq_queue_of(&q, 11), -ENOENT);
	CU_ASSERT_EQUAL(vs_vmq_queue_alloc(&q, 13), 2);
	CU_ASSERT_EQUAL(vs_vmq_queues_free(&q), 0);
	/* One queue: nothing to hand out. */
	CU_ASSERT_EQUAL(vs_vmq_queues_init(&q, 1), 0);
	CU_ASSERT_EQUAL(vs_vmq_queue_alloc(&q, 1), -ENOSPC);
}

static void
test_queue_alloc_full_range(void)
{
	struct vs_vmq_queues q;
	unsigned int i;

	CU_ASSERT_EQUAL(vs_vmq_queues_init(&q, VS_VMQ_MAX_QUEUES), 0);
	for (i = 1; i < VS_VMQ_MAX_QUEUES; i++)
		CU_ASSERT_EQUAL(vs_vmq_queue_alloc(&q, (uint16_t)(100 + i)), (int)i);
	CU_ASSERT_EQUAL(vs_vmq_queue_alloc(&q, 1), -ENOSPC);
	/* The top queue (bit 63) releases and comes back like any other. */
	CU_ASSERT_EQUAL(vs_vmq_queue_release(&q, VS_VMQ_MAX_QUEUES - 1), 0);
	CU_ASSERT_EQUAL(vs_vmq_queue_alloc(&q, 1), (int)VS_VMQ_MAX_QUEUES - 1);
}

static void
test_place_one(void)
{
	struct vs_vmq_item it[8];
	unsigned int i;

	memset(it, 0, sizeof(it));
	CU_ASSERT_EQUAL(vs_vmq_place_one(it, 0, 0, VS_VMQ_UNPINNED), -EINVAL);
	CU_ASSERT_EQUAL(vs_vmq_place_one(it, 0, VS_VMQ_MAX_WORKERS + 1, VS_VMQ_UNPINNED), -EINVAL);
	/* No load yet: round robin by queue count. */
	for (i = 0; i < 6; i++) {
		int w = vs_vmq_place_one(it, i, 2, VS_VMQ_UNPINNED);

		CU_ASSERT_EQUAL(w, (int)(i % 2));
		it[i].worker = (uint16_t)w;
	}
	/* Load beats count: worker 0 has three idle queues, worker 1 one
	 * busy queue and two idle. */
	it[1].pps = 1000000;
	CU_ASSERT_EQUAL(vs_vmq_place_one(it, 6, 2, VS_VMQ_UNPINNED), 0);
	it[0].pps = 2000000;
	CU_ASSERT_EQUAL(vs_vmq_place_one(it, 6, 2, VS_VMQ_UNPINNED), 1);
	/* A pin wins; one out of range is ignored. */
	CU_ASSERT_EQUAL(vs_vmq_place_one(it, 6, 2, 0), 0);
	CU_ASSERT_EQUAL(vs_vmq_place_one(it, 6, 2, 5), 1);
	/* Items on workers that no longer exist weigh nothing. */
	it[0].worker = 7;
	CU_ASSERT_EQUAL(vs_vmq_place_one(it, 6, 2, VS_VMQ_UNPINNED), 0);
}

/* The best makespan by trying every assignment (small n only). */
static uint64_t
best_makespan(const uint64_t *pps, unsigned int n, unsigned int nw)
{
	unsigned int total = 1, a, i;
	uint64_t best = UINT64_MAX;

	for (i = 0; i < n; i++)
		total *= nw;
	for (a = 0; a < total; a++) {
		uint64_t load[4] = {0}, mx = 0;
		unsigned int x = a;

		for (i = 0; i < n; i++) {
			load[x % nw] += pps[i];
			x /= nw;
		}
		for (i = 0; i < nw; i++)
			mx = load[i] > mx ? load[i] : mx;
		best = mx < best ? mx : best;
	}
	return best;
}

static void
test_rebalance(void)
{
	struct vs_vmq_item it[8];
	uint64_t load[2] = {0, 0};
	unsigned int i;
	int moved;

	/* Eight VMs all on worker 0 (placed before traffic told their load). */
	memset(it, 0, sizeof(it));
	for (i = 0; i < 8; i++) {
		it[i].port = (uint16_t)i;
		it[i].pinned = VS_VMQ_UNPINNED;
		it[i].pps = 100000;
	}
	moved = vs_vmq_rebalance(it, 8, 2);
	CU_ASSERT_EQUAL(moved, 4);
	for (i = 0; i < 8; i++)
		load[it[i].worker] += it[i].pps;
	CU_ASSERT_EQUAL(load[0], 400000);
	CU_ASSERT_EQUAL(load[1], 400000);
	/* Balanced already: nothing moves. */
	CU_ASSERT_EQUAL(vs_vmq_rebalance(it, 8, 2), 0);

	/* A pinned heavy queue keeps its worker; the rest go around it. */
	it[0].pinned = 1;
	it[0].pps = 500000;
	moved = vs_vmq_rebalance(it, 8, 2);
	CU_ASSERT(moved >= 0);
	CU_ASSERT_EQUAL(it[0].worker, 1);
	load[0] = load[1] = 0;
	for (i = 0; i < 8; i++)
		load[it[i].worker] += it[i].pps;
	CU_ASSERT_EQUAL(load[1], 500000 + 100000);
	CU_ASSERT_EQUAL(load[0], 600000);
	/* A pin out of range is refused, nothing written. */
	it[1].pinned = 2;
	CU_ASSERT_EQUAL(vs_vmq_rebalance(it, 8, 2), -EINVAL);
	CU_ASSERT_EQUAL(vs_vmq_rebalance(it, 8, 0), -EINVAL);
}

/* LPT against the optimum on random loads: within Graham's 4/3 bound. */
static void
test_rebalance_bound(void)
{
	unsigned int round;

	srand(11);
	for (round = 0; round < 200; round++) {
		struct vs_vmq_item it[7];
		uint64_t pps[7], load[3] = {0}, mx = 0, opt;
		unsigned int n = 2 + (unsigned int)rand() % 6, nw = 2 + (unsigned int)rand() % 2, i;

		memset(it, 0, sizeof(it));
		for (i = 0; i < n; i++) {
			pps[i] = 1 + (uint64_t)(rand() % 1000) * 1000;
			it[i].pps = pps[i];
			it[i].pinned = VS_VMQ_UNPINNED;
			it[i].worker = (uint16_t)(rand() % nw);
			it[i].port = (uint16_t)i;
		}
		CU_ASSERT(vs_vmq_rebalance(it, n, nw) >= 0);
		for (i = 0; i < n; i++) {
			CU_ASSERT(it[i].worker < nw);
			load[it[i].worker] += it[i].pps;
		}
		for (i = 0; i < nw; i++)
			mx = load[i] > mx ? load[i] : mx;
		opt = best_makespan(pps, n, nw);
		CU_ASSERT(mx * 3 <= opt * 4);
	}
}

static void
test_rate(void)
{
	struct vs_vmq_rate r;
	unsigned int s;

	vs_vmq_rate_reset(&r);
	CU_ASSERT_EQUAL(vs_vmq_rate_pps(&r), 0);
	vs_vmq_rate_sample(&r, 0, 1000000000ull);
	CU_ASSERT_EQUAL(vs_vmq_rate_pps(&r), 0);
	vs_vmq_rate_sample(&r, 500, 2000000000ull);
	CU_ASSERT_EQUAL(vs_vmq_rate_pps(&r), 500);
	/* A sample that does not move time forward is ignored. */
	vs_vmq_rate_sample(&r, 100000, 2000000000ull);
	CU_ASSERT_EQUAL(vs_vmq_rate_pps(&r), 500);
	/* The window slides: after it is full of a new rate, only that is seen. */
	for (s = 3; s < 3 + VS_VMQ_RATE_SAMPLES; s++)
		vs_vmq_rate_sample(&r, 500 + (s - 2) * 2000000ull, s * 1000000000ull);
	CU_ASSERT_EQUAL(vs_vmq_rate_pps(&r), 2000000);
	/* A counter that went back (stats cleared) starts again. */
	vs_vmq_rate_sample(&r, 10, 20000000000ull);
	CU_ASSERT_EQUAL(vs_vmq_rate_pps(&r), 0);
	vs_vmq_rate_sample(&r, 10 + 30000000000ull, 30000000000ull);
	CU_ASSERT_EQUAL(vs_vmq_rate_pps(&r), 3000000000ull); /* no overflow */
}

/* The rule a NIC is given for a VM: every field as rte_flow reads it. */
static void
test_flow_rule(void)
{
	static const uint8_t mac[6] = {0x00, 0x15, 0x5d, 0x01, 0x02, 0x03};
	static const uint8_t group[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	struct vs_vmq_flow_rule *r = malloc(sizeof(*r));
	const struct rte_flow_item_eth *e, *em;
	const struct rte_flow_item_vlan *v, *vm;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* A VLAN-unaware VM: its MAC alone, to its queue. */
	CU_ASSERT_EQUAL_FATAL(vs_vmq_flow_rule(r, mac, 0, 3), 0);
	CU_ASSERT(r->attr.ingress && !r->attr.egress && !r->attr.transfer);
	CU_ASSERT_EQUAL(r->pattern[0].type, RTE_FLOW_ITEM_TYPE_ETH);
	CU_ASSERT_EQUAL(r->pattern[1].type, RTE_FLOW_ITEM_TYPE_END);
	e = r->pattern[0].spec;
	em = r->pattern[0].mask;
	CU_ASSERT(memcmp(e->hdr.dst_addr.addr_bytes, mac, 6) == 0);
	CU_ASSERT(memcmp(em->hdr.dst_addr.addr_bytes, "\xff\xff\xff\xff\xff\xff", 6) == 0);
	CU_ASSERT(rte_is_zero_ether_addr(&em->hdr.src_addr));
	CU_ASSERT_EQUAL(em->hdr.ether_type, 0);
	CU_ASSERT_PTR_NULL(r->pattern[0].last);
	CU_ASSERT_EQUAL(r->actions[0].type, RTE_FLOW_ACTION_TYPE_QUEUE);
	CU_ASSERT_EQUAL(((const struct rte_flow_action_queue *)r->actions[0].conf)->index, 3);
	CU_ASSERT_EQUAL(r->actions[1].type, RTE_FLOW_ACTION_TYPE_END);

	/* A VM in VLAN 100: the VID matched, priority and DEI not. */
	CU_ASSERT_EQUAL_FATAL(vs_vmq_flow_rule(r, mac, 100, 7), 0);
	CU_ASSERT_EQUAL(r->pattern[1].type, RTE_FLOW_ITEM_TYPE_VLAN);
	CU_ASSERT_EQUAL(r->pattern[2].type, RTE_FLOW_ITEM_TYPE_END);
	v = r->pattern[1].spec;
	vm = r->pattern[1].mask;
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(v->hdr.vlan_tci), 100);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(vm->hdr.vlan_tci), 0x0fff);
	CU_ASSERT_EQUAL(vm->hdr.eth_proto, 0);
	CU_ASSERT_EQUAL(((const struct rte_flow_action_queue *)r->actions[0].conf)->index, 7);

	CU_ASSERT_EQUAL(vs_vmq_flow_rule(r, group, 0, 3), -EINVAL);
	CU_ASSERT_EQUAL(vs_vmq_flow_rule(r, mac, 4095, 3), -EINVAL);
	CU_ASSERT_EQUAL(vs_vmq_flow_rule(r, mac, 0, 0), -EINVAL);
	free(r);
}

static CU_ErrorCode
vmq_init(void)
{
	CU_pSuite s = CU_add_suite("vmq", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "queue allocation and release", test_queue_alloc) ||
	    !CU_add_test(s, "queue allocation over the whole range", test_queue_alloc_full_range) ||
	    !CU_add_test(s, "placing a new queue", test_place_one) ||
	    !CU_add_test(s, "rebalancing by load, pins kept", test_rebalance) ||
	    !CU_add_test(s, "rebalancing within 4/3 of the optimum", test_rebalance_bound) ||
	    !CU_add_test(s, "packet rate over the last seconds", test_rate) ||
	    !CU_add_test(s, "hardware VMQ rule", test_flow_rule))
		return CU_get_error();
	return CUE_SUCCESS;
}

int
main(void)
{
	static const struct vs_test_module m = {
		.name = "test_vmq", .lcores = "0", .mem_mb = "64", .init = vmq_init};

	return vs_test_main(&m);
}
