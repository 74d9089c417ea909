/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Perf ports: set-up and tear-down of the callbacks of port_dp.c, and the
 * counter snapshots the measurement loop reads.
 *
 * Why callbacks on net_null rather than a driver of our own: DPDK's
 * driver interface is not part of the installed development files, and a
 * receive callback that fills the burst is exactly the work a driver's
 * receive function does, done on the same thread at the same point.
 * net_null in no-rx mode costs one call per empty poll, like an idle NIC.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>

#include "perf_priv.h"

struct vs_perf_port {
	uint16_t eth_port, n_rxq, n_txq;
	const struct rte_eth_rxtx_callback *rx_cb[VS_PERF_RXQ_MAX];
	const struct rte_eth_rxtx_callback *tx_cb[VS_PERF_TXQ_MAX];
	struct vs_perf_rxq *rxq[VS_PERF_RXQ_MAX];
	struct vs_perf_txq *txq[VS_PERF_TXQ_MAX];
	/* Several receive queues: the workload dealt over them (as RSS). */
	struct vs_perf_workload parts[VS_PERF_RXQ_MAX];
};

int
vs_perf_port_devargs(const char *name, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "net_null_vsp_%s,no-rx=1", name);

	return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
}

/* Receive queue q of n replays w, its share of c->replay (all of it when
 * n is 1); only queue 0 announces. */
static int
vs_perf_rxq_init(struct vs_perf_rxq *q, const struct vs_perf_port_conf *c,
		 const struct vs_perf_workload *w, bool first, char *err, size_t errlen)
{
	double hz = (double)rte_get_tsc_hz();

	q->w = w;
	q->mp = c->mp;
	if (first) {
		q->st = c->announce;
		q->n_st = c->n_announce;
	}
	q->tagged = c->announce_tagged;
	if (w == NULL)
		return 0;
	if (w->n == 0) {
		snprintf(err, errlen, "workload %s: no frames", w->name);
		return -EINVAL;
	}
	if (c->stamp_payload) {
		uint32_t i;

		q->stamp = rte_zmalloc("vs_perf_stamp", w->n, 0);
		if (q->stamp == NULL) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		for (i = 0; i < w->n; i++)
			q->stamp[i] = vs_perf_stamp_fits(w->data + w->off[i], w->len[i]);
	}
	if (c->speed > 0) {
		q->cycles_per_ns = hz / 1e9 / c->speed;
		/* One pass lasts the capture plus one mean gap, so that
		 * the loop does not burst at the seam. */
		q->period_ns = w->n > 1 ? w->duration_ns + w->duration_ns / (w->n - 1) : 1000;
		if (q->period_ns == 0)
			q->period_ns = (uint64_t)w->n * 1000; /* all stamped alike: 1 µs apart */
	} else if (c->rate_pps > 0) {
		/* The rate is the port's: each queue its share of the frames. */
		double pps = (double)c->rate_pps * w->n / c->replay->n;

		q->cycles_per_frame = hz / pps;
		q->max_debt = pps / 100.0 + 32.0;
	}
	return 0;
}

struct vs_perf_port *
vs_perf_port_attach(uint16_t eth_port, uint16_t n_rxq, uint16_t n_txq,
		    const struct vs_perf_port_conf *c, char *err, size_t errlen)
{
	struct vs_perf_port *p;
	uint16_t q;
	int rc;

	if (n_rxq == 0 || n_rxq > VS_PERF_RXQ_MAX) {
		snprintf(err, errlen, "perf port %u: %u receive queues (1..%u)", eth_port, n_rxq,
			 VS_PERF_RXQ_MAX);
		return NULL;
	}
	if (n_txq == 0 || n_txq > VS_PERF_TXQ_MAX) {
		snprintf(err, errlen, "perf port %u: %u transmit queues (1..%u)", eth_port, n_txq,
			 VS_PERF_TXQ_MAX);
		return NULL;
	}
	if (c->mp == NULL) {
		snprintf(err, errlen, "perf port %u: no mbuf pool", eth_port);
		return NULL;
	}
	if (vs_perf_ts_off < 0 &&
	    rte_mbuf_dyn_rx_timestamp_register(&vs_perf_ts_off, &vs_perf_ts_flag) != 0) {
		snprintf(err, errlen, "cannot register the mbuf timestamp field: %s",
			 rte_strerror(rte_errno));
		return NULL;
	}
	p = rte_zmalloc("vs_perf_port", sizeof(*p), 0);
	if (p == NULL)
		goto nomem;
	p->eth_port = eth_port;
	p->n_txq = n_txq;
	p->n_rxq = n_rxq;
	if (c->replay != NULL && n_rxq > 1 &&
	    vs_perf_workload_split(c->replay, n_rxq, p->parts, err, errlen) != 0)
		goto fail;
	for (q = 0; q < n_rxq; q++) {
		const struct vs_perf_workload *w =
			c->replay == NULL ? NULL : n_rxq > 1 ? &p->parts[q] : c->replay;

		p->rxq[q] = rte_zmalloc("vs_perf_rxq", sizeof(*p->rxq[q]), RTE_CACHE_LINE_SIZE);
		if (p->rxq[q] == NULL)
			goto nomem;
		if ((rc = vs_perf_rxq_init(p->rxq[q], c, w, q == 0, err, errlen)) != 0)
			goto fail;
	}
	for (q = 0; q < n_txq; q++) {
		p->txq[q] = rte_zmalloc("vs_perf_txq", sizeof(*p->txq[q]), RTE_CACHE_LINE_SIZE);
		if (p->txq[q] == NULL)
			goto nomem;
	}
	for (q = 0; q < n_rxq; q++) {
		p->rx_cb[q] = rte_eth_add_rx_callback(eth_port, q, vs_perf_rx_cb, p->rxq[q]);
		if (p->rx_cb[q] == NULL) {
			snprintf(err, errlen,
				 "perf port %u: cannot add the receive callback of queue %u: %s",
				 eth_port, q, rte_strerror(rte_errno));
			goto fail;
		}
	}
	for (q = 0; q < n_txq; q++) {
		p->tx_cb[q] = rte_eth_add_tx_callback(eth_port, q, vs_perf_tx_cb, p->txq[q]);
		if (p->tx_cb[q] == NULL) {
			snprintf(err, errlen,
				 "perf port %u: cannot add the transmit callback of queue %u: %s",
				 eth_port, q, rte_strerror(rte_errno));
			goto fail;
		}
	}
	return p;
nomem:
	snprintf(err, errlen, "perf port %u: out of memory", eth_port);
fail:
	vs_perf_port_detach(p);
	return NULL;
}

void
vs_perf_port_detach(struct vs_perf_port *p)
{
	uint16_t q;

	if (p == NULL)
		return;
	/* Nothing polls the device any more (the caller's promise): the
	 * callbacks can be freed as soon as they are unlinked. */
	for (q = 0; q < VS_PERF_RXQ_MAX; q++) {
		if (p->rx_cb[q] != NULL &&
		    rte_eth_remove_rx_callback(p->eth_port, q, p->rx_cb[q]) == 0)
			rte_free((void *)(uintptr_t)p->rx_cb[q]);
		if (p->rxq[q] != NULL)
			rte_free(p->rxq[q]->stamp);
		rte_free(p->rxq[q]);
	}
	vs_perf_workload_parts_free(p->parts, VS_PERF_RXQ_MAX);
	for (q = 0; q < VS_PERF_TXQ_MAX; q++) {
		if (p->tx_cb[q] != NULL &&
		    rte_eth_remove_tx_callback(p->eth_port, q, p->tx_cb[q]) == 0)
			rte_free((void *)(uintptr_t)p->tx_cb[q]);
		rte_free(p->txq[q]);
	}
	rte_free(p);
}

static void
vs_perf_counters_add(struct vs_perf_port_counters *to, const struct vs_perf_port_counters *c)
{
	to->replayed += __atomic_load_n(&c->replayed, __ATOMIC_RELAXED);
	to->replayed_bytes += __atomic_load_n(&c->replayed_bytes, __ATOMIC_RELAXED);
	to->announced += __atomic_load_n(&c->announced, __ATOMIC_RELAXED);
	to->no_mbuf += __atomic_load_n(&c->no_mbuf, __ATOMIC_RELAXED);
	to->sunk += __atomic_load_n(&c->sunk, __ATOMIC_RELAXED);
	to->sunk_bytes += __atomic_load_n(&c->sunk_bytes, __ATOMIC_RELAXED);
	to->unstamped += __atomic_load_n(&c->unstamped, __ATOMIC_RELAXED);
}

void
vs_perf_port_read(const struct vs_perf_port *p, struct vs_perf_port_counters *c,
		  struct vs_perf_hist *lat)
{
	uint16_t q;

	memset(c, 0, sizeof(*c));
	for (q = 0; q < p->n_rxq; q++)
		vs_perf_counters_add(c, &p->rxq[q]->c);
	for (q = 0; q < p->n_txq; q++) {
		vs_perf_counters_add(c, &p->txq[q]->c);
		/* Buckets are whole words: a concurrent increment is seen
		 * or not, never torn; the window's edges blur by a burst. */
		if (lat != NULL)
			vs_perf_hist_merge(lat, &p->txq[q]->lat);
	}
}

bool
vs_perf_port_announce_done(const struct vs_perf_port *p)
{
	return __atomic_load_n(&p->rxq[0]->next_st, __ATOMIC_RELAXED) >= p->rxq[0]->n_st;
}
