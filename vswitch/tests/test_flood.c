/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A MAC flood through the real pipeline: one port sends a million frames,
 * each from a source MAC never seen before, as fast as the pipeline takes
 * them.  The MAC table stays at its bound (the excess counted as overflow),
 * the buffer pool and the DPDK heap stay flat, and two stations learned
 * before the flood keep talking to each other without their frames ever
 * being flooded to a bystander.  Once the flood's entries age out, the
 * table learns again.
 */
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "test_env.h"
#include "vswitch.h"

#define FLOOD_FRAMES 1000000u
#define FLOOD_TABLE 4096u
#define FLOOD_BURST 32u

static struct vs_dp *dp;
static uint64_t clock_ns;
static const uint8_t A[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t B[6] = {0x02, 0, 0, 0, 0, 0x0b};

static int
setup(void)
{
	static const char *const names[] = {"a", "b", "bystander", "attacker", NULL};

	clock_ns = 5000000000ull;
	dp = vs_test_ring_switch("fl", names, FLOOD_TABLE, &clock_ns);
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

static void
send_one(const char *port, const uint8_t dst[6], const uint8_t src[6])
{
	struct rte_mbuf *m = vs_test_frame(dp, dst, src, 0x0800, 60, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	vs_dp_process_burst(dp, (uint16_t)vs_dp_port_index(dp, port), &m, 1);
}

/* A to B and B to A: each arrives where it should and nowhere else. */
static void
known_stations_talk(unsigned int *misses)
{
	send_one("a", B, A);
	send_one("b", A, B);
	*misses += (drain("a") != 1) + (drain("b") != 1) + drain("bystander") + drain("attacker");
}

/* The i-th flood source: a distinct unicast, locally administered MAC
 * (i times an odd constant is a bijection modulo 2^40). */
static void
flood_mac(uint32_t i, uint8_t mac[6])
{
	uint64_t v = ((uint64_t)i * 0x9E3779B97Full) & 0xffffffffffull;

	mac[0] = 0x02;
	for (int k = 0; k < 5; k++)
		mac[1 + k] = (uint8_t)(v >> (8 * (4 - k)));
}

static size_t
heap_in_use(void)
{
	struct rte_malloc_socket_stats st;

	CU_ASSERT_EQUAL(rte_malloc_get_socket_stats((int)rte_socket_id(), &st), 0);
	return st.heap_allocsz_bytes;
}

static void
test_mac_flood(void)
{
	struct rte_mempool *mp = vs_dp_mempool(dp);
	uint16_t attacker = (uint16_t)vs_dp_port_index(dp, "attacker");
	struct rte_mbuf *m[FLOOD_BURST];
	unsigned int misses = 0, avail, to_a = 0;
	struct vs_fdb_stats fs;
	size_t heap_before, heap_mid = 0;
	uint8_t src[6];
	uint32_t i = 0;

	known_stations_talk(&misses);
	CU_ASSERT_EQUAL_FATAL(misses, 2); /* B was unknown: flooded to the other two */
	misses = 0;
	avail = rte_mempool_avail_count(mp);
	heap_before = heap_in_use();

	while (i < FLOOD_FRAMES) {
		unsigned int n = RTE_MIN(FLOOD_BURST, FLOOD_FRAMES - i);

		for (unsigned int k = 0; k < n; k++, i++) {
			flood_mac(i, src);
			m[k] = vs_test_frame(dp, A, src, 0x0800, 60, 0);
			CU_ASSERT_PTR_NOT_NULL_FATAL(m[k]);
		}
		vs_dp_process_burst(dp, attacker, m, (uint16_t)n);
		to_a += drain("a");
		if (i % (FLOOD_BURST * 1024) == 0)
			known_stations_talk(&misses);
		if (i == FLOOD_FRAMES / 10)
			heap_mid = heap_in_use();
	}
	known_stations_talk(&misses);

	/* Every flood frame went to A alone, its only destination. */
	CU_ASSERT_EQUAL(to_a, FLOOD_FRAMES);
	CU_ASSERT_EQUAL(misses, 0);
	vs_dp_fdb_stats(dp, &fs);
	CU_ASSERT_EQUAL(fs.capacity, FLOOD_TABLE);
	CU_ASSERT_EQUAL(fs.entries, FLOOD_TABLE);
	CU_ASSERT_EQUAL(fs.learned, FLOOD_TABLE);
	CU_ASSERT_EQUAL(fs.overflow, FLOOD_FRAMES - (FLOOD_TABLE - 2));
	/* Nothing held on to: buffers back in the pool, the heap unchanged
	 * from a tenth of the way in to the end. */
	CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), avail);
	CU_ASSERT_EQUAL(heap_in_use(), heap_before);
	CU_ASSERT_EQUAL(heap_mid, heap_before);

	/* The stations keep their entries fresh; the flood's age out. */
	clock_ns += 200ull * 1000000000ull;
	known_stations_talk(&misses);
	clock_ns += 150ull * 1000000000ull;
	CU_ASSERT_EQUAL(vs_dp_fdb_age(dp), FLOOD_TABLE - 2);
	vs_dp_fdb_stats(dp, &fs);
	CU_ASSERT_EQUAL(fs.entries, 2);
	flood_mac(FLOOD_FRAMES, src);
	send_one("attacker", A, src);
	CU_ASSERT_EQUAL(drain("a"), 1);
	vs_dp_fdb_stats(dp, &fs);
	CU_ASSERT_EQUAL(fs.entries, 3); /* learning again */
	known_stations_talk(&misses);
	CU_ASSERT_EQUAL(misses, 0);
}

CU_ErrorCode
vs_test_register_flood(void)
{
	CU_pSuite s = CU_add_suite("MAC flood", setup, teardown);

	if (s == NULL ||
	    !CU_add_test(s, "a million new sources: table at its bound, memory flat, "
			    "known stations forwarded",
			 test_mac_flood))
		return CU_get_error();
	return CUE_SUCCESS;
}
