/* SPDX-License-Identifier: BSD-3-Clause */
/* Queue allocation, placement and load: see vmq.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmq.h"

int
vs_vmq_queues_init(struct vs_vmq_queues *q, uint16_t n)
{
	if (n == 0 || n > VS_VMQ_MAX_QUEUES)
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	q->n = n;
	q->used = 1; /* the default queue */
	return 0;
}

int
vs_vmq_queue_of(const struct vs_vmq_queues *q, uint16_t owner)
{
	uint16_t i;

	for (i = 1; i < q->n; i++)
		if ((q->used >> i & 1) && q->owner[i] == owner)
			return i;
	return -ENOENT;
}

int
vs_vmq_queue_alloc(struct vs_vmq_queues *q, uint16_t owner)
{
	int have = vs_vmq_queue_of(q, owner);
	uint16_t i;

	if (have >= 0)
		return have;
	for (i = 1; i < q->n; i++) {
		if (!(q->used >> i & 1)) {
			q->used |= 1ull << i;
			q->owner[i] = owner;
			return i;
		}
	}
	return -ENOSPC;
}

int
vs_vmq_queue_release(struct vs_vmq_queues *q, uint16_t queue)
{
	if (queue == 0 || queue >= q->n)
		return -EINVAL;
	if (!(q->used >> queue & 1))
		return -ENOENT;
	q->used &= ~(1ull << queue);
	q->owner[queue] = 0;
	return 0;
}

unsigned int
vs_vmq_queues_free(const struct vs_vmq_queues *q)
{
	return (unsigned int)(q->n - __builtin_popcountll(q->used));
}

/* The least loaded worker: load, then queue count, then index. */
static unsigned int
vs_vmq_least(const uint64_t *load, const unsigned int *count, unsigned int n_workers)
{
	unsigned int w, best = 0;

	for (w = 1; w < n_workers; w++)
		if (load[w] < load[best] || (load[w] == load[best] && count[w] < count[best]))
			best = w;
	return best;
}

int
vs_vmq_place_one(const struct vs_vmq_item *items, unsigned int n_items, unsigned int n_workers,
		 int pinned)
{
	uint64_t load[VS_VMQ_MAX_WORKERS] = {0};
	unsigned int count[VS_VMQ_MAX_WORKERS] = {0};
	unsigned int i;

	if (n_workers == 0 || n_workers > VS_VMQ_MAX_WORKERS)
		return -EINVAL;
	if (pinned >= 0 && (unsigned int)pinned < n_workers)
		return pinned;
	for (i = 0; i < n_items; i++) {
		if (items[i].worker >= n_workers)
			continue;
		load[items[i].worker] += items[i].pps;
		count[items[i].worker]++;
	}
	return (int)vs_vmq_least(load, count, n_workers);
}

/* Heaviest first; equal loads keep the caller's order (port, queue). */
static int
vs_vmq_by_load(const void *a, const void *b)
{
	const struct vs_vmq_item *x = *(const struct vs_vmq_item *const *)a;
	const struct vs_vmq_item *y = *(const struct vs_vmq_item *const *)b;

	if (x->pps != y->pps)
		return x->pps < y->pps ? 1 : -1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->queue < y->queue ? -1 : x->queue > y->queue;
}

int
vs_vmq_rebalance(struct vs_vmq_item *items, unsigned int n_items, unsigned int n_workers)
{
	uint64_t load[VS_VMQ_MAX_WORKERS] = {0};
	unsigned int count[VS_VMQ_MAX_WORKERS] = {0};
	struct vs_vmq_item **order;
	unsigned int i, n = 0;
	int moved = 0;

	if (n_workers == 0 || n_workers > VS_VMQ_MAX_WORKERS)
		return -EINVAL;
	for (i = 0; i < n_items; i++)
		if (items[i].pinned != VS_VMQ_UNPINNED &&
		    (items[i].pinned < 0 || (unsigned int)items[i].pinned >= n_workers))
			return -EINVAL;
	order = calloc(n_items ? n_items : 1, sizeof(*order));
	if (order == NULL)
		return -ENOMEM;
	for (i = 0; i < n_items; i++) {
		if (items[i].pinned != VS_VMQ_UNPINNED) {
			load[items[i].pinned] += items[i].pps;
			count[items[i].pinned]++;
			moved += items[i].worker != (uint16_t)items[i].pinned;
			items[i].worker = (uint16_t)items[i].pinned;
		} else {
			order[n++] = &items[i];
		}
	}
	qsort(order, n, sizeof(*order), vs_vmq_by_load);
	for (i = 0; i < n; i++) {
		unsigned int w = vs_vmq_least(load, count, n_workers);

		load[w] += order[i]->pps;
		count[w]++;
		moved += order[i]->worker != w;
		order[i]->worker = (uint16_t)w;
	}
	free(order);
	return moved;
}

void
vs_vmq_rate_reset(struct vs_vmq_rate *r)
{
	memset(r, 0, sizeof(*r));
}

void
vs_vmq_rate_sample(struct vs_vmq_rate *r, uint64_t count, uint64_t now_ns)
{
	if (r->n > 0) {
		unsigned int last = (r->next + VS_VMQ_RATE_SAMPLES - 1) % VS_VMQ_RATE_SAMPLES;

		if (now_ns <= r->t_ns[last])
			return;
		if (count < r->count[last])
			vs_vmq_rate_reset(r);
	}
	r->count[r->next] = count;
	r->t_ns[r->next] = now_ns;
	r->next = (uint8_t)((r->next + 1) % VS_VMQ_RATE_SAMPLES);
	if (r->n < VS_VMQ_RATE_SAMPLES)
		r->n++;
}

uint64_t
vs_vmq_rate_pps(const struct vs_vmq_rate *r)
{
	unsigned int newest, oldest;
	uint64_t dt;

	if (r->n < 2)
		return 0;
	newest = (r->next + VS_VMQ_RATE_SAMPLES - 1) % VS_VMQ_RATE_SAMPLES;
	oldest = (r->next + VS_VMQ_RATE_SAMPLES - r->n) % VS_VMQ_RATE_SAMPLES;
	dt = r->t_ns[newest] - r->t_ns[oldest];
	/* count * 1e9 overflows past 1.8e10 packets: divide time first. */
	return (uint64_t)((double)(r->count[newest] - r->count[oldest]) * 1e9 / (double)dt);
}
