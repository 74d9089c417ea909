/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netvsc ports: a VM's synthetic NIC, the host side of a netVSC channel in
 * shared memory (netvsp/).  The channel file is <chan_dir>/<port>; the
 * guest opens it.  The control thread runs the NVSP/RNDIS control protocol
 * (vs_dp_ctl_poll); the worker that polls the port receives from and
 * delivers to the guest.
 *
 * netvsp's tx_burst copies and never frees; this wrapper frees what it took,
 * so the port behaves like an ethdev to the pipeline.  It has one transmit
 * context, the worker that polls the port: with several workers, frames
 * for the port from the others reach it through the port's hand-off ring
 * (vmq_dp.c, dp_vmq.c), so rx_burst and tx_burst stay on one thread.
 *
 * Multi-queue (conf.queues > 1): receive queue q is the channel's queue q
 * (the primary channel, then NVSP subchannels), each polled by the worker
 * placement gives it.  Transmit still goes to the port's worker, whose
 * tx_burst spreads the frames by the guest's RSS and hands a subchannel's
 * to that queue's next receive burst (netvsp.h "Multi-queue"), so each
 * channel's rings are written by the worker polling it alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "dp_priv.h"
#include "netvsp.h"

static int
vs_port_netvsc_open(struct vs_port *p, unsigned int n_txq, struct rte_mempool *mp, char *err,
		    size_t errlen)
{
	struct vs_netvsp_params np;
	char why[256];
	int rc;

	(void)mp;
	(void)n_txq; /* one transmit context: the port's worker (see the top) */
	if (p->chan_dir == NULL || p->chan_dir[0] == '\0') {
		snprintf(err, errlen, "port %s: no channel directory (vswitchd --rundir)",
			 p->conf.name);
		return -EINVAL;
	}
	memset(&np, 0, sizeof(np));
	memcpy(np.mac, p->conf.mac, 6);
	np.link_down = p->conf.admin_down;
	np.mtu = p->conf.mtu; /* 0: 1500 */
	np.max_queues = (uint16_t)(p->conf.queues ? p->conf.queues : 1);
	rc = vs_netvsp_create(p->chan_dir, p->conf.name, &np, &p->netvsp, why, sizeof(why));
	if (rc != 0) {
		snprintf(err, errlen, "port %s: channel: %s", p->conf.name, why);
		return rc;
	}
	/* A tag the switch adds travels as 802.1Q per-packet info, as a
	 * Hyper-V host hands it to the guest (and the guest's as ours). */
	p->hw_vlan_insert = true;
	p->offload_caps = vs_port_netvsc_offload_caps(p);
	return 0;
}

/*
 * What a guest's synthetic NIC takes from the switch.  Superframes only
 * when the guest enabled RSC for that IP version (NVSP 6.1, NDIS config
 * bit 7, OID_TCP_OFFLOAD_PARAMETERS): the VSP hands it a guest's LSO
 * superframe as one coalesced frame, as Hyper-V does between VMs; to any
 * other guest offload/ cuts it into MSS-sized segments first.  The control
 * thread calls this after each channel poll and republishes the snapshot
 * when the answer changes (vs_dp_ctl_poll); a superframe that reaches a
 * guest which has turned RSC off meanwhile is dropped and counted by the
 * VSP (tx_rsc_off).  Checksums: a guest that enabled receive checksum
 * offload trusts the checksum-validated info the VSP attaches to a frame
 * that asked for a checksum (netvsp/tx_write.c), so such frames could pass
 * unchecksummed, as Hyper-V passes them between VMs; until that is wired
 * in, every checksum a guest receives outside a coalesced frame is
 * computed in software, which is right whatever the guest chose.
 */
uint32_t
vs_port_netvsc_offload_caps(const struct vs_port *p)
{
	struct vs_netvsp_info in;
	uint32_t c = VS_OFFLOAD_VLAN_INSERT;

	if (p->netvsp == NULL)
		return c;
	vs_netvsp_get_info(p->netvsp, &in);
	if (in.rsc_ipv4)
		c |= VS_OFFLOAD_RSC4;
	if (in.rsc_ipv6)
		c |= VS_OFFLOAD_RSC6;
	return c;
}

static void
vs_port_netvsc_close(struct vs_port *p)
{
	if (p->netvsp == NULL)
		return;
	vs_netvsp_rescind(p->netvsp);
	vs_netvsp_destroy(p->netvsp);
	p->netvsp = NULL;
}

static uint16_t
vs_port_netvsc_rx(struct vs_port *p, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	return vs_netvsp_rx_burst(vs_netvsp_queue(p->netvsp, q), pkts, n, p->mp);
}

static uint16_t
vs_port_netvsc_tx(struct vs_port *p, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t took = vs_netvsp_tx_burst(p->netvsp, pkts, n);

	(void)q;
	/* Copied into the guest's receive buffer: ours to free.  The rest
	 * the pipeline frees and counts (tx_full). */
	if (took > 0)
		rte_pktmbuf_free_bulk(pkts, took);
	return took;
}

const struct vs_port_ops vs_port_netvsc_ops = {
	.kind = VS_PORT_NETVSC,
	.open = vs_port_netvsc_open,
	.close = vs_port_netvsc_close,
	.rx_burst = vs_port_netvsc_rx,
	.tx_burst = vs_port_netvsc_tx,
};

void
vs_port_netvsc_link(struct vs_port *p, bool up)
{
	if (p->netvsp != NULL)
		vs_netvsp_set_link(p->netvsp, up);
}

/* Up when the guest has the channel open, RNDIS initialised and the link
 * indicated up: what the guest's driver would call link up. */
void
vs_port_netvsc_link_state(const struct vs_port *p, struct vs_port_link *out)
{
	struct vs_netvsp_info in;

	if (p->netvsp == NULL)
		return;
	vs_netvsp_get_info(p->netvsp, &in);
	out->up = in.open && !in.rescinded && in.rndis_up && in.link_up;
	out->guest = in.open ? "open" : in.lost ? "lost" : "closed";
	out->mtu = in.guest_mtu;
	memcpy(out->mac, in.mac, 6);
	out->speed_mbps = 10000;
}

void
vs_port_netvsc_counters(const struct vs_port *p, vs_counter_fn fn, void *arg)
{
	uint64_t c[VS_NETVSP_N_COUNTERS];
	unsigned int i;

	if (p->netvsp == NULL)
		return;
	vs_netvsp_counters(p->netvsp, c);
	for (i = 0; i < VS_NETVSP_N_COUNTERS; i++)
		if (c[i] != 0)
			fn(vs_netvsp_counter_name((enum vs_netvsp_counter)i), c[i], arg);
}

int
vs_port_netvsc_ctl_poll(struct vs_port *p)
{
	return p->netvsp != NULL ? vs_netvsp_ctl_poll(p->netvsp) : 0;
}
