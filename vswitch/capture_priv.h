/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Live capture internals shared by capture.c (control: start, stop, the
 * file) and capture_dp.c (the ethdev callbacks that run on workers).
 * Contract in vswitch.h; the threading rules are in capture.c.
 */
#ifndef VS_CAPTURE_PRIV_H
#define VS_CAPTURE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <pcap/pcap.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_pcapng.h>

#include "dp_priv.h"

/* pcap records need the time and the original length; pcapng copies carry
 * both inside the block rte_pcapng_copy builds. */
struct vs_capture_meta {
	uint64_t tsc;
	uint32_t orig_len;
};

/* Offset of struct vs_capture_meta in every mbuf (registered once). */
extern int vs_capture_meta_off;

struct vs_capture {
	struct vs_dp *dp;
	struct vs_port *port;
	struct vs_capture_status st; /* control thread only */
	/* Shared with the datapath. */
	bool active;      /* callbacks copy while true */
	uint64_t dropped; /* atomic adds from the callbacks */
	struct rte_ring *ring;
	struct rte_mempool *mp;
	/* Control thread; NULL/-1 once the capture has ended. */
	const struct rte_eth_rxtx_callback *rx_cb;
	const struct rte_eth_rxtx_callback *tx_cb[VS_MAX_WORKERS];
	pcap_t *pcap;
	pcap_dumper_t *dumper;
	rte_pcapng_t *png;
	int fd;
	bool created; /* start may remove the file if it fails */
	uint64_t start_tsc, end_tsc, tsc_hz;
	uint64_t start_ns; /* CLOCK_REALTIME at start_tsc */
	uint8_t buf[VS_CAPTURE_SNAPLEN + RTE_VLAN_HLEN];
};

static inline struct vs_capture_meta *
vs_capture_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, vs_capture_meta_off, struct vs_capture_meta *);
}

/* The ethdev callbacks; arg is the struct vs_capture. */
uint16_t vs_capture_rx_cb(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n,
			  uint16_t max, void *arg);
uint16_t vs_capture_tx_cb(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n,
			  void *arg);

#endif
