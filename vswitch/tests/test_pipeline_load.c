/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pipeline suite's tests under load (test_pipeline.c: its datapath and
 * its tests of single frames): a random workload compared frame by frame
 * with a naive reference switch, at burst sizes that hit full and partial
 * bursts, and live reconfiguration under a running worker.  A file of
 * their own because they are about volume and concurrency, not one
 * decision; they run last in that suite, on its datapath.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "test_env.h"
#include "vswitch.h"

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static int
idx(const char *name)
{
	return vs_dp_port_index(vs_test_pipeline_dp(), name);
}

/* The naive reference switch: a list of (switch, MAC) -> port. */
struct ref {
	int port_of[2][64]; /* switch, host -> port index or -1 */
};

/*
 * Random hosts on the ports of sw0 talk, some broadcast, some move; each
 * round injects a burst of `size` frames into one port's receive ring and
 * polls.  The reference computes each frame's egress set with the same
 * burst semantics (all sources of a 32-frame chunk learned before lookups)
 * and the frames seen on every port must match it exactly and in order.
 */
static void
run_random(unsigned int size, unsigned int rounds)
{
	struct vs_dp *dp = vs_test_pipeline_dp();
	static const char *const names[] = {"a", "b", "c", "d"};
	static struct rte_mbuf *pkts[512];
	static uint16_t want_seq[4][4096];
	struct ref ref;
	unsigned int want_n[4] = {0}, got_n[4] = {0}, mismatch = 0;
	unsigned int round, i, p, seq = 0;
	int host_port[64];
	uint8_t src[6], dst[6];
	char err[256];

	memset(&ref, 0xff, sizeof(ref));
	vs_dp_fdb_flush(dp, -1);
	vs_test_pipeline_drain_all();
	for (i = 0; i < 64; i++)
		host_port[i] = (int)(i % 4);
	for (round = 0; round < rounds; round++) {
		unsigned int in = (unsigned int)rand() % 4, chunk0;
		struct rte_ring *rx = vs_dp_port_rx_ring(dp, (unsigned int)idx(names[in]));
		unsigned int srcs[512], dsts[512];

		if (rand() % 8 == 0) /* a station moves */
			host_port[rand() % 64] = (int)(rand() % 4);
		host_port[in] = (int)in; /* every port keeps at least one host */
		for (i = 0; i < size; i++) {
			unsigned int h;

			do
				h = (unsigned int)rand() % 64;
			while (host_port[h] != (int)in);
			srcs[i] = h;
			dsts[i] = rand() % 6 == 0 ? 64u : (unsigned int)rand() % 64; /* 64: bcast */
			vs_test_pipeline_mac(src, h + 1);
			if (dsts[i] == 64)
				memcpy(dst, BCAST, 6);
			else
				vs_test_pipeline_mac(dst, dsts[i] + 1);
			pkts[i] = vs_test_frame(dp, dst, src, 0x0800, 60 + (seq % 64), 0);
			CU_ASSERT_PTR_NOT_NULL_FATAL(pkts[i]);
			/* The sequence number rides in the payload. */
			*rte_pktmbuf_mtod_offset(pkts[i], uint16_t *, 20) = (uint16_t)seq;
			srcs[i] |= seq << 8;
			seq++;
		}
		CU_ASSERT_EQUAL_FATAL(rte_ring_enqueue_burst(rx, (void **)pkts, size, NULL), size);
		for (chunk0 = 0; chunk0 < size; chunk0 += VS_BURST) {
			unsigned int end = RTE_MIN(size, chunk0 + VS_BURST);

			for (i = chunk0; i < end; i++)
				ref.port_of[0][srcs[i] & 0xff] = (int)in;
			for (i = chunk0; i < end; i++) {
				int out = dsts[i] == 64 ? -1 : ref.port_of[0][dsts[i]];

				for (p = 0; p < 4; p++) {
					if (p == in || (out >= 0 && (int)p != out))
						continue;
					want_seq[p][want_n[p]++] = (uint16_t)(srcs[i] >> 8);
				}
			}
		}
		while (vs_dp_poll_once(dp) > 0)
			;
		for (p = 0; p < 4; p++) {
			unsigned int n;

			while ((n = vs_test_pipeline_drain(names[p], pkts, 512)) > 0) {
				for (i = 0; i < n; i++) {
					uint16_t s = *rte_pktmbuf_mtod_offset(pkts[i], uint16_t *, 20);

					if (got_n[p] >= want_n[p] || want_seq[p][got_n[p]] != s)
						mismatch++;
					got_n[p]++;
				}
				rte_pktmbuf_free_bulk(pkts, n);
			}
		}
		if (want_n[0] > 3500 || want_n[1] > 3500 || want_n[2] > 3500 || want_n[3] > 3500) {
			for (p = 0; p < 4; p++) {
				CU_ASSERT_EQUAL(got_n[p], want_n[p]);
				got_n[p] = want_n[p] = 0;
			}
		}
	}
	for (p = 0; p < 4; p++)
		CU_ASSERT_EQUAL(got_n[p], want_n[p]);
	CU_ASSERT_EQUAL(mismatch, 0);
	(void)err;
}

static void test_random_1(void) { run_random(1, 400); }
static void test_random_3(void) { run_random(3, 200); }
static void test_random_4(void) { run_random(4, 200); }
static void test_random_5(void) { run_random(5, 200); }
static void test_random_32(void) { run_random(32, 60); }
static void test_random_33(void) { run_random(33, 60); }
static void test_random_257(void) { run_random(257, 12); }

struct feeder {
	volatile int stop;
	unsigned int sent; /* written by the feeder only */
};

static void *
feed(void *arg)
{
	struct vs_dp *dp = vs_test_pipeline_dp();
	struct feeder *f = arg;
	struct rte_ring *rx = vs_dp_port_rx_ring(dp, (unsigned int)idx("x"));
	uint8_t A[6], B[6];

	vs_test_pipeline_mac(A, 0x41);
	vs_test_pipeline_mac(B, 0x42);
	while (!f->stop) {
		struct rte_mbuf *m = vs_test_frame(dp, (f->sent & 1) ? B : BCAST, A, 0x0800, 64, 1);

		if (m == NULL)
			continue;
		if (rte_ring_enqueue(rx, m) != 0) {
			rte_pktmbuf_free(m);
			continue;
		}
		__atomic_store_n(&f->sent, f->sent + 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* A running worker keeps switching sw1 (x -> y) while the control thread
 * adds and deletes ports of sw0 and flips admin state; nothing is lost. */
static void
test_live_reconfiguration(void)
{
	struct vs_dp *dp;
	struct vs_dp_conf dc = {.fdb_size = 1024, .n_workers = 1};
	struct vs_switch_conf sc = {.type = VS_SWITCH_PRIVATE};
	struct vs_port_conf pc = {.kind = VS_PORT_RING, .ring_size = 8192};
	struct feeder f = {0};
	struct vs_port_stats sx, sy;
	pthread_t th;
	char err[256];
	unsigned int i, got = 0, r;
	uint64_t drops = 0;

	if (rte_lcore_count() < 2) {
		CU_FAIL("needs two EAL lcores");
		return;
	}
	dp = vs_test_pipeline_replace(&dc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(dp);
	strcpy(sc.name, "sw1");
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(dp, &sc, err, sizeof(err)), 0);
	strcpy(sc.name, "sw0");
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(dp, &sc, err, sizeof(err)), 0);
	strcpy(pc.switch_name, "sw1");
	strcpy(pc.name, "x");
	if (vs_dp_port_add(dp, &pc, err, sizeof(err)) != 0)
		fprintf(stderr, "%s\n", err);
	strcpy(pc.name, "y");
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(dp, &pc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(vs_dp_start(dp, err, sizeof(err)), 0);
	pthread_create(&th, NULL, feed, &f);
	strcpy(pc.switch_name, "sw0");
	/* Reconfigure at least 200 times and until 50000 frames went through. */
	for (i = 0; i < 200 || (__atomic_load_n(&f.sent, __ATOMIC_RELAXED) < 50000 && i < 1000000);
	     i++) {
		snprintf(pc.name, sizeof(pc.name), "t%u", i % 5);
		if (vs_dp_port_index(dp, pc.name) >= 0)
			CU_ASSERT_EQUAL(vs_dp_port_del(dp, pc.name, err, sizeof(err)), 0)
		else
			CU_ASSERT_EQUAL(vs_dp_port_add(dp, &pc, err, sizeof(err)), 0);
		got += vs_test_drain(dp, "y");
	}
	f.stop = 1;
	pthread_join(th, NULL);
	/* Let the worker empty x's receive ring before stopping it. */
	while (rte_ring_count(vs_dp_port_rx_ring(dp, (unsigned int)idx("x"))) > 0)
		got += vs_test_drain(dp, "y");
	vs_dp_stop(dp);
	got += vs_test_drain(dp, "y");
	vs_dp_port_stats(dp, (unsigned int)idx("x"), &sx);
	vs_dp_port_stats(dp, (unsigned int)idx("y"), &sy);
	for (r = 0; r < VS_DROP_MAX; r++)
		drops += sx.drops[r];
	CU_ASSERT(f.sent > 0);
	CU_ASSERT_EQUAL(sx.rx_packets, f.sent);
	CU_ASSERT_EQUAL(drops, 0);
	CU_ASSERT_EQUAL(sy.tx_packets + sy.drops[VS_DROP_TX_FULL], f.sent);
	CU_ASSERT_EQUAL(got, sy.tx_packets);
}

CU_ErrorCode
vs_test_register_pipeline_load(CU_pSuite s)
{
	if (!CU_add_test(s, "random vs reference, burst 1", test_random_1) ||
	    !CU_add_test(s, "random vs reference, burst 3", test_random_3) ||
	    !CU_add_test(s, "random vs reference, burst 4", test_random_4) ||
	    !CU_add_test(s, "random vs reference, burst 5", test_random_5) ||
	    !CU_add_test(s, "random vs reference, burst 32", test_random_32) ||
	    !CU_add_test(s, "random vs reference, burst 33", test_random_33) ||
	    !CU_add_test(s, "random vs reference, burst 257", test_random_257) ||
	    !CU_add_test(s, "live reconfiguration under a worker", test_live_reconfiguration))
		return CU_get_error();
	return CUE_SUCCESS;
}
