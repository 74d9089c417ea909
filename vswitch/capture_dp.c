/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Live capture, datapath half: ethdev rx/tx callbacks, run by a worker
 * inside rte_eth_rx_burst / rte_eth_tx_burst.  Each copies the burst's
 * frames into the capture's own pool and enqueues the copies on its
 * multi-producer ring (every worker owns a tx queue of the port, so several
 * may run at once).  No waiting, no logging, no allocation but the copies:
 * a copy that finds the pool or the ring full is counted in `dropped`.
 */
#define ALLOW_EXPERIMENTAL_API /* rte_pcapng is experimental in 22.11 */
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_pcapng.h>
#include <rte_ring.h>

#include "capture_priv.h"

int vs_capture_meta_off = -1;

/* A pcap copy shows the frame as on the wire: a VLAN tag the device
 * stripped (rx) or is asked to insert (tx) goes back into the data. */
static struct rte_mbuf *
vs_capture_copy_pcap(struct vs_capture *cap, const struct rte_mbuf *m, uint64_t tsc,
		     bool rx)
{
	uint64_t vlan_flag = rx ? RTE_MBUF_F_RX_VLAN_STRIPPED : RTE_MBUF_F_TX_VLAN;
	struct rte_mbuf *c = rte_pktmbuf_copy(m, cap->mp, 0, VS_CAPTURE_SNAPLEN);
	struct vs_capture_meta *meta;

	if (c == NULL)
		return NULL;
	meta = vs_capture_meta(c);
	meta->tsc = tsc;
	meta->orig_len = rte_pktmbuf_pkt_len(m);
	if ((m->ol_flags & vlan_flag) && rte_vlan_insert(&c) == 0)
		meta->orig_len += RTE_VLAN_HLEN;
	return c;
}

static void
vs_capture_burst(struct vs_capture *cap, uint16_t queue, struct rte_mbuf **pkts, uint16_t n,
		 bool rx)
{
	struct rte_mbuf *copies[VS_BURST];
	uint64_t tsc, dropped = 0;
	uint16_t done = 0, i, k;
	unsigned int enq;

	if (!__atomic_load_n(&cap->active, __ATOMIC_RELAXED) || n == 0)
		return;
	tsc = rte_rdtsc();
	/* tx bursts may be longer than one rx burst (tx buffers hold two). */
	while (done < n) {
		uint16_t chunk = (uint16_t)RTE_MIN(n - done, VS_BURST);

		for (i = 0, k = 0; i < chunk; i++) {
			const struct rte_mbuf *m = pkts[done + i];
			struct rte_mbuf *c;

			if (cap->st.format == VS_CAPTURE_PCAPNG)
				c = rte_pcapng_copy(cap->port->eth_port, queue, m, cap->mp,
						    VS_CAPTURE_SNAPLEN, tsc,
						    rx ? RTE_PCAPNG_DIRECTION_IN
						       : RTE_PCAPNG_DIRECTION_OUT);
			else
				c = vs_capture_copy_pcap(cap, m, tsc, rx);
			if (c == NULL)
				dropped++;
			else
				copies[k++] = c;
		}
		enq = rte_ring_enqueue_burst(cap->ring, (void **)copies, k, NULL);
		if (enq < k) {
			rte_pktmbuf_free_bulk(copies + enq, k - enq);
			dropped += k - enq;
		}
		done = (uint16_t)(done + chunk);
	}
	if (dropped != 0)
		__atomic_fetch_add(&cap->dropped, dropped, __ATOMIC_RELAXED);
}

uint16_t
vs_capture_rx_cb(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n,
		 uint16_t max, void *arg)
{
	(void)port;
	(void)max;
	vs_capture_burst(arg, queue, pkts, n, true);
	return n;
}

uint16_t
vs_capture_tx_cb(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n, void *arg)
{
	(void)port;
	vs_capture_burst(arg, queue, pkts, n, false);
	return n;
}
