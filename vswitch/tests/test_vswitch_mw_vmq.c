/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vswitch_mw's software VMQ suite (main and the netvsc suite:
 * test_vswitch_mw.c); a file of its own because its datapath, an
 * external switch on a ring uplink with four VMs, is set up once for the
 * suite and shared by nothing else.
 *
 *   - software VMQ: an external switch whose uplink is a ring device the
 *     test feeds; four VMs, two on each worker, the uplink on worker 0.
 *     Frames for each VM are transmitted by that VM's worker, proved by
 *     the per-worker counters, and the hand-off counters add up;
 *   - a VMQ on/off toggle under traffic: every frame arrives exactly once
 *     (sequence numbers), nothing counted as dropped;
 *   - placement: a pin moves a port, a pin to an lcore without a worker is
 *     refused naming "lcore", a rebalance spreads by load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "test_env.h"
#include "vswitch.h"

#define N_VM 4
#define UPLINK_RING "net_ring_vmqt" /* the device: it attaches to our rings */

static struct vs_dp *dp;
static struct rte_ring *up_rx; /* the uplink device's ring (rx and tx) */
static const uint8_t peer[6] = {0x02, 0, 0, 0, 0x09, 0x01};
static int vm_idx[N_VM], up_idx;

static void
vm_mac(unsigned int k, uint8_t m[6])
{
	static const uint8_t base[6] = {0x02, 0, 0, 0, 0x01, 0};

	memcpy(m, base, 6);
	m[5] = (uint8_t)k;
}

static int
setup_vmq(void)
{
	struct vs_dp_conf dc = {.fdb_size = 4096, .n_workers = 2, .n_mbufs = 32767};
	struct vs_switch_conf sc = {.name = "ex", .type = VS_SWITCH_EXTERNAL};
	char err[256], name[RTE_RING_NAMESIZE];
	unsigned int k;

	/* net_ring's ATTACH takes every queue's ring by name; queue 0 is
	 * the one in use. */
	for (k = 0; k < 16; k++) {
		struct rte_ring *r;

		snprintf(name, sizeof(name), "ETH_RXTX%u_%s", k, UPLINK_RING);
		r = rte_ring_create(name, 8192, 0, 0);
		if (r == NULL)
			return -1;
		if (k == 0)
			up_rx = r;
	}
	dp = vs_dp_create(&dc, err, sizeof(err));
	if (dp == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	snprintf(sc.uplink, sizeof(sc.uplink), "%s", UPLINK_RING);
	sc.uplink_port.pinned = true;
	sc.uplink_port.lcore = (uint16_t)rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
	if (vs_dp_switch_add(dp, &sc, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	up_idx = vs_dp_port_index(dp, "ex-uplink");
	for (k = 0; k < N_VM; k++) {
		struct vs_port_conf c = {.switch_name = "ex", .kind = VS_PORT_RING,
					 .ring_size = 65536, .has_mac = true, .vmq = true,
					 .pinned = true};

		snprintf(c.name, sizeof(c.name), "vm%u", k);
		vm_mac(k, c.mac);
		/* VMs 0 and 2 on worker 0 (with the uplink), 1 and 3 on worker 1. */
		c.lcore = (uint16_t)(k % 2 ? rte_get_next_lcore(sc.uplink_port.lcore, 1, 0)
					   : sc.uplink_port.lcore);
		if (vs_dp_port_add(dp, &c, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
		vm_idx[k] = vs_dp_port_index(dp, c.name);
	}
	if (vs_dp_start(dp, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown_vmq(void)
{
	vs_dp_destroy(dp);
	dp = NULL;
	return 0;
}

static struct rte_mbuf *
frame_to(unsigned int vm, uint32_t seq)
{
	uint8_t dst[6];
	struct rte_mbuf *m;

	vm_mac(vm, dst);
	m = vs_test_frame(dp, dst, peer, 0x0800, 64, 0x5a);
	if (m != NULL)
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, 14), &seq, sizeof(seq));
	return m;
}

static uint32_t
seq_of(struct rte_mbuf *m)
{
	uint32_t s;

	memcpy(&s, rte_pktmbuf_mtod_offset(m, uint8_t *, 14), sizeof(s));
	return s;
}

/* Takes what the switch sent to VM vm; counts sequence numbers in seen[]
 * (may be NULL). */
static unsigned int
drain_vm(unsigned int vm, uint8_t *seen, uint32_t n_seen, unsigned int *dup)
{
	struct rte_mbuf *m[64];
	unsigned int n, i, total = 0;

	while ((n = rte_ring_dequeue_burst(vs_dp_port_tx_ring(dp, (unsigned int)vm_idx[vm]),
					   (void **)m, 64, NULL)) > 0) {
		for (i = 0; i < n; i++) {
			uint32_t s = seq_of(m[i]);

			if (seen != NULL && s < n_seen) {
				if (seen[s]++ && dup != NULL)
					(*dup)++;
			}
			rte_pktmbuf_free(m[i]);
		}
		total += n;
	}
	return total;
}

/* Sends per_vm frames to every VM through the uplink and checks that
 * each VM got them all, every one transmitted by the VM's own worker. */
static void
send_and_check(unsigned int per_vm)
{
	struct vs_port_stats before[2][N_VM], after;
	unsigned int k, i, w, got[N_VM] = {0}, spins;

	for (w = 0; w < 2; w++)
		for (k = 0; k < N_VM; k++)
			vs_dp_worker_port_stats(dp, w, (unsigned int)vm_idx[k], &before[w][k]);
	for (i = 0; i < per_vm; i++)
		for (k = 0; k < N_VM; k++) {
			struct rte_mbuf *m = frame_to(k, i);

			CU_ASSERT_PTR_NOT_NULL_FATAL(m);
			while (rte_ring_enqueue(up_rx, m) != 0)
				rte_pause();
		}
	for (spins = 0; spins < 20000; spins++) {
		unsigned int done = 0;

		for (k = 0; k < N_VM; k++) {
			got[k] += drain_vm(k, NULL, 0, NULL);
			done += got[k] == per_vm;
		}
		if (done == N_VM)
			break;
		rte_delay_us_sleep(100);
	}
	for (k = 0; k < N_VM; k++) {
		struct vs_port_vmq_info in;

		CU_ASSERT_EQUAL(got[k], per_vm);
		CU_ASSERT_EQUAL(vs_dp_port_vmq_info(dp, (unsigned int)vm_idx[k], &in), 0);
		CU_ASSERT(in.vmq_active);
		CU_ASSERT_FATAL(in.worker == 0 || in.worker == 1);
		/* The VM's own worker sent every frame it got; the other none. */
		for (w = 0; w < 2; w++) {
			vs_dp_worker_port_stats(dp, w, (unsigned int)vm_idx[k], &after);
			CU_ASSERT_EQUAL(after.tx_packets - before[w][k].tx_packets,
					(int)w == in.worker ? per_vm : 0);
		}
	}
}

static void
test_vmq_per_worker(void)
{
	struct vs_worker_stats ws0a, ws1a, ws0b, ws1b;
	unsigned int per_vm = 1000, k;

	for (k = 0; k < N_VM; k++) {
		struct vs_port_vmq_info in;

		vs_dp_port_vmq_info(dp, (unsigned int)vm_idx[k], &in);
		CU_ASSERT_EQUAL(in.worker, (int)(k % 2)); /* as pinned */
		CU_ASSERT(in.pinned_here);
	}
	vs_dp_worker_stats(dp, 0, &ws0a);
	vs_dp_worker_stats(dp, 1, &ws1a);
	send_and_check(per_vm);
	vs_dp_worker_stats(dp, 0, &ws0b);
	vs_dp_worker_stats(dp, 1, &ws1b);
	/* Worker 0 polls the uplink and handed VMs 1 and 3's frames over;
	 * worker 1 took them from its rings. */
	CU_ASSERT_EQUAL(ws0b.vmq_handoff - ws0a.vmq_handoff, 2 * per_vm);
	CU_ASSERT_EQUAL(ws1b.vmq_rx - ws1a.vmq_rx, 2 * per_vm);
	CU_ASSERT_EQUAL(ws1b.vmq_handoff - ws1a.vmq_handoff, 0);
}

/* Frames keep flowing to VMs 1 and 3 (worker 1) while VM 1's VMQ goes
 * off and on again, many times: each arrives exactly once.  Each toggle
 * comes right after a burst of BURST frames is put on the uplink, so that
 * VM 1's ring holds frames when it goes off (half of them each: what a
 * VM's ring holds, less a margin, as a NIC's ring bounds a burst). */
static void
test_vmq_toggle_under_traffic(void)
{
	enum { TOGGLES = 48, BURST = 1536, N = TOGGLES * BURST };
	uint8_t *seen = calloc(N, 1);
	unsigned int dup = 0, missing = 0, toggles, k, spins;
	uint32_t next = 0, got = 0;
	struct vs_port_stats ps;
	char err[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
	for (toggles = 0; toggles < TOGGLES; toggles++) {
		struct rte_mbuf *m[BURST];
		unsigned int n, sent = 0;

		for (n = 0; n < BURST; n++) {
			/* Sequence numbers are global; odd ones to VM 3. */
			m[n] = frame_to((next + n) % 2 ? 3 : 1, next + n);
			CU_ASSERT_PTR_NOT_NULL_FATAL(m[n]);
		}
		while (sent < BURST)
			sent += rte_ring_enqueue_burst(up_rx, (void **)m + sent, BURST - sent, NULL);
		next += BURST;
		/* Off: the uplink stops handing over, worker 1 empties the
		 * ring, then it goes; on: a new ring. */
		CU_ASSERT_EQUAL(vs_dp_port_set_vmq(dp, "vm1", toggles % 2 != 0, err, sizeof(err)), 0);
		/* The burst through before the next: the rings never hold
		 * more than one (a loaded machine must not overflow them). */
		for (spins = 0; got < next && spins < 20000; spins++) {
			got += drain_vm(1, seen, N, &dup);
			got += drain_vm(3, seen, N, &dup);
			if (got < next)
				rte_delay_us_sleep(100);
		}
	}
	for (spins = 0; spins < 20000; spins++) {
		unsigned int have = 0;

		drain_vm(1, seen, N, &dup);
		drain_vm(3, seen, N, &dup);
		for (k = 0; k < N; k++)
			have += seen[k] != 0;
		if (have == N)
			break;
		rte_delay_us_sleep(200);
	}
	for (k = 0; k < N; k++)
		missing += seen[k] == 0;
	CU_ASSERT_EQUAL(missing, 0);
	CU_ASSERT_EQUAL(dup, 0);
	vs_dp_port_stats(dp, (unsigned int)up_idx, &ps);
	CU_ASSERT_EQUAL(ps.drops[VS_DROP_VMQ_FULL], 0);
	for (k = 0; k < N_VM; k++) {
		vs_dp_port_stats(dp, (unsigned int)vm_idx[k], &ps);
		CU_ASSERT_EQUAL(ps.drops[VS_DROP_TX_FULL], 0);
	}
	{
		struct vs_port_vmq_info in;

		vs_dp_port_vmq_info(dp, (unsigned int)vm_idx[1], &in);
		CU_ASSERT_EQUAL(in.vmq, TOGGLES % 2 == 0); /* what was asked last */
	}
	vs_dp_port_set_vmq(dp, "vm1", true, err, sizeof(err));
	free(seen);
}

static void
test_placement(void)
{
	unsigned int l0 = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
	unsigned int l1 = rte_get_next_lcore(l0, 1, 0);
	struct vs_port_vmq_info in;
	char err[256];
	int moved;

	/* A pin moves VM 0 (and its VMQ ring) to worker 1; frames follow. */
	CU_ASSERT_EQUAL(vs_dp_port_set_placement(dp, "vm0", 0, true, l1, err, sizeof(err)), 0);
	vs_dp_port_vmq_info(dp, (unsigned int)vm_idx[0], &in);
	CU_ASSERT_EQUAL(in.worker, 1);
	CU_ASSERT(in.pinned_here);
	/* Refusals name their field. */
	CU_ASSERT_NOT_EQUAL(vs_dp_port_set_placement(dp, "vm0", 0, true, rte_get_main_lcore(), err,
						     sizeof(err)),
			    0);
	CU_ASSERT(strncmp(err, "lcore: ", 7) == 0);
	CU_ASSERT_NOT_EQUAL(vs_dp_port_set_placement(dp, "vm0", 1, true, l0, err, sizeof(err)), 0);
	CU_ASSERT(strncmp(err, "queue: ", 7) == 0);
	/* Unpinned, a rebalance spreads the five queues 3/2 or 2/3 (no load
	 * yet: by count); pins count where they are. */
	CU_ASSERT_EQUAL(vs_dp_port_set_placement(dp, "vm0", 0, false, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_set_placement(dp, "vm1", 0, false, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_set_placement(dp, "vm2", 0, false, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_set_placement(dp, "vm3", 0, false, 0, err, sizeof(err)), 0);
	moved = vs_dp_workers_rebalance(dp, err, sizeof(err));
	CU_ASSERT(moved >= 0);
	{
		struct vs_worker_stats a, b;
		unsigned int up_q = 0;

		vs_dp_worker_stats(dp, 0, &a);
		vs_dp_worker_stats(dp, 1, &b);
		/* Queues: the uplink's (net_ring's 16 in ATTACH mode, at most
		 * 8 polled), four ports and their four VMQ rings. */
		while (vs_dp_port_queue_worker(dp, (unsigned int)up_idx, up_q) >= 0)
			up_q++;
		CU_ASSERT_EQUAL(up_q, 8);
		CU_ASSERT(a.n_rxq > 0 && b.n_rxq > 0);
		CU_ASSERT_EQUAL(a.n_rxq + b.n_rxq, up_q + 2 * N_VM);
	}
	/* Frames still reach every VM, on its worker, after the moves. */
	send_and_check(500);
}

CU_ErrorCode
vs_test_register_mw_vmq(void)
{
	CU_pSuite s = CU_add_suite("software VMQ on two workers", setup_vmq, teardown_vmq);

	if (s == NULL ||
	    !CU_add_test(s, "frames for each VM handled on the VM's worker", test_vmq_per_worker) ||
	    !CU_add_test(s, "VMQ off and on under traffic: nothing lost or doubled",
			 test_vmq_toggle_under_traffic) ||
	    !CU_add_test(s, "pins, refusals, rebalance", test_placement))
		return CU_get_error();
	return CUE_SUCCESS;
}
