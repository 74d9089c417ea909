/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The latency histogram: every bucket's bounds against the inline index,
 * quantiles against the exact quantiles of sorted random samples, and the
 * edges (empty, one value, the cap at max, values near 2^64, merge).
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "perf.h"
#include "test_perf.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void
test_hist_buckets(void)
{
	uint64_t lo, hi, prev_hi = 0;
	unsigned int i, bad = 0;

	for (i = 0; i < VS_PERF_HIST_BUCKETS; i++) {
		vs_perf_hist_bucket_range(i, &lo, &hi);
		/* Contiguous, each bound maps back to its bucket. */
		bad += lo > hi || vs_perf_hist_index(lo) != i || vs_perf_hist_index(hi) != i ||
		       (i > 0 && lo != prev_hi + 1) || (i == 0 && lo != 0);
		if (i >= 32)
			/* The promised resolution: width below 1/32 of lo. */
			bad += (hi - lo + 1) * 32 > lo;
		prev_hi = hi;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(prev_hi, UINT64_MAX);
	CU_ASSERT_EQUAL(vs_perf_hist_index(31), 31);
	CU_ASSERT_EQUAL(vs_perf_hist_index(32), 32);
	CU_ASSERT_EQUAL(vs_perf_hist_index(63), 63);
	CU_ASSERT_EQUAL(vs_perf_hist_index(64), 64);
	CU_ASSERT_EQUAL(vs_perf_hist_index(UINT64_MAX), VS_PERF_HIST_BUCKETS - 1);
}

/* Samples spread over 2^0 .. 2^40 so that every resolution is exercised. */
static uint64_t
random_latency(void)
{
	unsigned int e = (unsigned int)(rng() % 41);

	return e == 0 ? rng() % 2 : (1ull << e) | (rng() & ((1ull << e) - 1));
}

static void
test_hist_quantiles(void)
{
	static const unsigned int q_num[] = {1, 100, 500, 900, 990, 999, 1000};
	enum { N = 10007 };
	static uint64_t v[N];
	static struct vs_perf_hist h;
	unsigned int i, k;

	vs_perf_hist_reset(&h);
	for (i = 0; i < N; i++) {
		v[i] = random_latency();
		vs_perf_hist_add(&h, v[i]);
	}
	qsort(v, N, sizeof(v[0]), cmp_u64);
	CU_ASSERT_EQUAL(h.count, N);
	CU_ASSERT_EQUAL(h.min, v[0]);
	CU_ASSERT_EQUAL(h.max, v[N - 1]);
	for (k = 0; k < sizeof(q_num) / sizeof(q_num[0]); k++) {
		/* The exact quantile: sample ceil(q * N), 1-based. */
		uint64_t rank = ((uint64_t)q_num[k] * N + 999) / 1000;
		uint64_t exact = v[rank - 1];
		uint64_t got = vs_perf_hist_quantile(&h, q_num[k] / 1000.0);

		CU_ASSERT(got >= exact);
		CU_ASSERT_EQUAL(vs_perf_hist_index(got), vs_perf_hist_index(exact));
		CU_ASSERT(got - exact <= exact / 32);
	}
	CU_ASSERT_EQUAL(vs_perf_hist_quantile(&h, 1.0), v[N - 1]);
}

static void
test_hist_edges(void)
{
	static struct vs_perf_hist h, a, b, all, empty;
	uint64_t v;
	unsigned int i;

	/* Empty. */
	vs_perf_hist_reset(&h);
	CU_ASSERT_EQUAL(vs_perf_hist_quantile(&h, 0.5), 0);
	CU_ASSERT_EQUAL(vs_perf_hist_quantile(&h, 1.0), 0);
	/* One value: every quantile is that value, not its bucket's bound. */
	vs_perf_hist_add(&h, 1000);
	CU_ASSERT_EQUAL(vs_perf_hist_quantile(&h, 0.01), 1000);
	CU_ASSERT_EQUAL(vs_perf_hist_quantile(&h, 0.5), 1000);
	CU_ASSERT_EQUAL(vs_perf_hist_quantile(&h, 1.0), 1000);
	CU_ASSERT_EQUAL(h.min, 1000);
	/* The top quantile is capped at max, lower ones report the bound. */
	vs_perf_hist_reset(&h);
	for (i = 0; i < 9; i++)
		vs_perf_hist_add(&h, 1000000);
	vs_perf_hist_add(&h, 1000001);
	CU_ASSERT_EQUAL(vs_perf_hist_quantile(&h, 0.99), 1000001);
	CU_ASSERT(vs_perf_hist_quantile(&h, 0.5) >= 1000000);
	CU_ASSERT(vs_perf_hist_quantile(&h, 0.5) <= 1000001);
	/* 0.999 * 10000 must mean sample 9990 even where the product rounds up. */
	vs_perf_hist_reset(&h);
	for (i = 0; i < 10000; i++)
		vs_perf_hist_add(&h, i < 9990 ? 1 : 2);
	CU_ASSERT_EQUAL(vs_perf_hist_quantile(&h, 0.999), 1);
	CU_ASSERT_EQUAL(vs_perf_hist_quantile(&h, 0.9991), 2);
	/* Near 2^64. */
	vs_perf_hist_reset(&h);
	vs_perf_hist_add(&h, UINT64_MAX);
	vs_perf_hist_add(&h, UINT64_MAX - 1);
	vs_perf_hist_add(&h, 1ull << 63);
	CU_ASSERT_EQUAL(h.bucket[VS_PERF_HIST_BUCKETS - 1], 2);
	CU_ASSERT_EQUAL(vs_perf_hist_quantile(&h, 1.0), UINT64_MAX);
	CU_ASSERT_EQUAL(vs_perf_hist_quantile(&h, 0.9), UINT64_MAX);
	v = vs_perf_hist_quantile(&h, 0.3);
	CU_ASSERT(v >= 1ull << 63 && v - (1ull << 63) <= (1ull << 63) / 32);
	/* Merge equals feeding one histogram; merging empty changes nothing. */
	vs_perf_hist_reset(&a);
	vs_perf_hist_reset(&b);
	vs_perf_hist_reset(&all);
	vs_perf_hist_reset(&empty);
	for (i = 0; i < 5000; i++) {
		v = random_latency() + 7;
		vs_perf_hist_add(i % 3 ? &a : &b, v);
		vs_perf_hist_add(&all, v);
	}
	vs_perf_hist_merge(&empty, &a); /* into an empty one: its min is a's */
	CU_ASSERT_EQUAL(memcmp(&empty, &a, sizeof(a)), 0);
	vs_perf_hist_merge(&a, &b);
	CU_ASSERT_EQUAL(memcmp(&a, &all, sizeof(a)), 0);
	vs_perf_hist_reset(&empty);
	vs_perf_hist_merge(&a, &empty);
	CU_ASSERT_EQUAL(memcmp(&a, &all, sizeof(a)), 0);
}

CU_ErrorCode
vs_perf_test_hist_suite(void)
{
	CU_pSuite s = CU_add_suite("perf histogram", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "bucket bounds", test_hist_buckets) ||
	    !CU_add_test(s, "quantiles of random samples", test_hist_quantiles) ||
	    !CU_add_test(s, "empty, one value, max, 2^64, merge", test_hist_edges))
		return CU_get_error();
	return CUE_SUCCESS;
}
