/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The latency histogram's slow half: reset, merge, quantiles and bucket
 * bounds.  The layout is defined by vs_perf_hist_index in perf.h: bucket
 * i < 2^S (S = VS_PERF_HIST_SUB_BITS) holds exactly the value i; above,
 * group g = i >> S (1 .. 64 - S) covers [2^(g+S-1), 2^(g+S)) in 2^S equal
 * slices of width 2^(g-1), slice m = i & (2^S - 1).
 */
#include <math.h>
#include <string.h>

#include "perf.h"

void
vs_perf_hist_reset(struct vs_perf_hist *h)
{
	memset(h, 0, sizeof(*h));
}

void
vs_perf_hist_merge(struct vs_perf_hist *dst, const struct vs_perf_hist *src)
{
	unsigned int i;

	if (src->count == 0)
		return;
	for (i = 0; i < VS_PERF_HIST_BUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	/* min is meaningless in an empty histogram (reset leaves it 0). */
	if (dst->count == 0 || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->sum += src->sum;
}

void
vs_perf_hist_bucket_range(unsigned int i, uint64_t *lo, uint64_t *hi)
{
	unsigned int g = i >> VS_PERF_HIST_SUB_BITS;
	uint64_t m = i & ((1u << VS_PERF_HIST_SUB_BITS) - 1u);

	if (g == 0) {
		*lo = *hi = i;
		return;
	}
	if (i >= VS_PERF_HIST_BUCKETS) { /* no such bucket: an empty range */
		*lo = UINT64_MAX;
		*hi = 0;
		return;
	}
	*lo = ((1ull << VS_PERF_HIST_SUB_BITS) + m) << (g - 1u);
	/* Written as lo + (width - 1): the last bucket ends at 2^64 - 1 and
	 * lo + width would wrap. */
	*hi = *lo + ((1ull << (g - 1u)) - 1u);
}

uint64_t
vs_perf_hist_quantile(const struct vs_perf_hist *h, double q)
{
	uint64_t rank, seen = 0, lo, hi;
	double x;
	unsigned int i;

	if (h->count == 0)
		return 0;
	if (!(q > 0.0))
		return h->min;
	if (q >= 1.0)
		return h->max;
	/* The rank of the sample asked for, 1-based.  q * count is nudged
	 * down by a relative 1e-12 so that 0.999 * 10000, which is
	 * 9990.000000000002 in binary, means sample 9990, not 9991. */
	x = q * (double)h->count;
	x = ceil(x - x * 1e-12);
	rank = x < 1.0 ? 1 : (uint64_t)x;
	if (rank > h->count)
		rank = h->count;
	for (i = 0; i < VS_PERF_HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	if (i == VS_PERF_HIST_BUCKETS) /* buckets and count disagree */
		return h->max;
	vs_perf_hist_bucket_range(i, &lo, &hi);
	return hi > h->max ? h->max : hi;
}
