/* SPDX-License-Identifier: BSD-3-Clause */
/* perf module internals shared between its files. */
#ifndef VS_PERF_PRIV_H
#define VS_PERF_PRIV_H

#include <rte_common.h>

#include "perf.h"

struct rte_mbuf;

/* Transmit queues a perf port counts on: one per worker. */
#define VS_PERF_TXQ_MAX 16u

/* The receive side of a perf port (queue 0); written only by its poller. */
struct vs_perf_rxq {
	const struct vs_perf_workload *w;
	struct rte_mempool *mp;
	uint32_t next;                 /* next frame of w */
	/* pacing: rate (cycles_per_frame) or capture timing (cycles_per_ns) */
	double cycles_per_frame, cycles_per_ns, max_debt;
	uint64_t t0, paced, pass, period_ns;
	const struct vs_perf_station *st;
	uint32_t n_st, next_st;
	bool tagged;
	struct vs_perf_port_counters c;
} __rte_cache_aligned;

struct vs_perf_txq {
	struct vs_perf_port_counters c;
	struct vs_perf_hist lat;
} __rte_cache_aligned;

/* The receive-timestamp mbuf field and flag (registered on first attach). */
extern int vs_perf_ts_off;
extern uint64_t vs_perf_ts_flag;

uint16_t vs_perf_rx_cb(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t nb,
		       uint16_t max, void *arg);
uint16_t vs_perf_tx_cb(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t nb,
		       void *arg);

#endif
