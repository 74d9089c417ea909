/* SPDX-License-Identifier: BSD-3-Clause */
/* perf module internals shared between its files. */
#ifndef VS_PERF_PRIV_H
#define VS_PERF_PRIV_H

#include <string.h>

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
	uint8_t *stamp;                /* per frame of w: payload stamp fits (NULL: none) */
	struct vs_perf_port_counters c;
} __rte_cache_aligned;

struct vs_perf_txq {
	struct vs_perf_port_counters c;
	struct vs_perf_hist lat;
} __rte_cache_aligned;

/*
 * A timestamp in the frame itself, for paths on which the mbuf does not
 * travel (through a guest): the last VS_PERF_STAMP_LEN bytes of the L4
 * payload hold the TSC (8 bytes, little-endian) and VS_PERF_STAMP_MAGIC.
 * Only frames with that much payload are stamped; the L4 checksum is left
 * as it was (neither the switch nor netvsc verifies it).
 */
#define VS_PERF_STAMP_LEN 12u
#define VS_PERF_STAMP_MAGIC 0x66707376u /* "vspf" */

/* Whether the frame has room for a payload stamp. */
bool vs_perf_stamp_fits(const uint8_t *frame, uint32_t len);
static inline void
vs_perf_stamp_write(uint8_t *frame, uint32_t len, uint64_t tsc)
{
	uint32_t magic = VS_PERF_STAMP_MAGIC;

	memcpy(frame + len - VS_PERF_STAMP_LEN, &tsc, 8);
	memcpy(frame + len - 4, &magic, 4);
}
static inline bool
vs_perf_stamp_read(const uint8_t *frame, uint32_t len, uint64_t *tsc)
{
	uint32_t magic;

	if (len < 60)
		return false;
	memcpy(&magic, frame + len - 4, 4);
	if (magic != VS_PERF_STAMP_MAGIC)
		return false;
	memcpy(tsc, frame + len - VS_PERF_STAMP_LEN, 8);
	return true;
}

/* The receive-timestamp mbuf field and flag (registered on first attach). */
extern int vs_perf_ts_off;
extern uint64_t vs_perf_ts_flag;

/* run_env.c: EAL from the user's arguments, or -l 0-workers, no PCI unless
 * ext_devargs names a bus device, hugepages when reserved; *huge says which.
 * Returns rte_eal_init's result. */
int vs_perf_eal_init(const char *eal, unsigned int workers, const char *ext_devargs, bool *huge);
void vs_perf_machine(char *out, size_t len, bool huge);

uint16_t vs_perf_rx_cb(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t nb,
		       uint16_t max, void *arg);
uint16_t vs_perf_tx_cb(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t nb,
		       void *arg);

#endif
