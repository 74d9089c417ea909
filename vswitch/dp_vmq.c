/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Placement and software VMQ, the control side (vmq_dp.c has the bursts,
 * vmq/ the allocation and placement arithmetic).
 *
 * What a worker polls is published in the snapshot (dp.c): each port's
 * receive queue on the port's worker, and next to it the port's VMQ ring
 * while it has one.  A port and its ring move together: a VM's frames are
 * handled on one core whichever way they arrive.
 *
 * Moving a port (a pin, a rebalance) is two publications: first no
 * worker polls it (its frames wait in the device queue, the VMQ ring, the
 * netvsc hand-off ring, all of which every worker now fills), then its
 * new worker does.  Each publication waits for a grace period, so no two
 * workers ever poll one queue, and a netvsc port's bursts stay on one
 * thread at every instant.
 *
 * Turning software VMQ off under traffic: the uplink's classify step
 * stops handing frames over (publication 1, after which no worker is in
 * the middle of an enqueue), the VM's worker empties the ring as usual,
 * then the ring leaves the snapshot (publication 2) and is freed.  No
 * frame is lost or seen twice.  Turning it on needs one publication: the
 * ring is polled from the moment frames can reach it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "dp_priv.h"

/* Room for about 70 us of a busy port while its worker is elsewhere (a
 * move) or busy, and no more: 8 VMs' rings hold half the default pool.
 * At 4096 a lagging worker's rings held every mbuf (vmq8 benchmark): the
 * uplink's receive found the pool empty, so every VM lost frames, and the
 * buffers went round cold; a full ring drops only its VM's (vmq_full). */
#define VS_VMQ_RING_SIZE 1024u
/* How long the control thread waits for a worker to empty a ring. */
#define VS_VMQ_DRAIN_US 1000000u

void
vs_dp_assign_lcores(struct vs_dp *dp)
{
	unsigned int lcore, w = 0;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (w == dp->conf.n_workers)
			break;
		dp->workers[w++]->lcore = lcore;
	}
	/* Driven by the caller: worker 0's context runs on the main lcore. */
	if (dp->conf.n_workers == 0)
		dp->workers[0]->lcore = rte_get_main_lcore();
}

int
vs_dp_lcore_worker(const struct vs_dp *dp, unsigned int lcore)
{
	unsigned int w;

	for (w = 0; w < dp->n_workers; w++)
		if (dp->workers[w]->lcore == lcore)
			return (int)w;
	return -ENOENT;
}

static int
vs_dp_pin_worker(const struct vs_dp *dp, const struct vs_port_conf *c)
{
	int w;

	if (!c->pinned)
		return VS_VMQ_UNPINNED;
	w = vs_dp_lcore_worker(dp, c->lcore);
	return w < 0 ? VS_VMQ_UNPINNED : w;
}

static uint64_t
vs_dp_port_load(const struct vs_port *p)
{
	return vs_vmq_rate_pps(&p->rate) + vs_vmq_rate_pps(&p->vmq_rate);
}

uint16_t
vs_dp_place_new(const struct vs_dp *dp, const struct vs_port_conf *c)
{
	struct vs_vmq_item items[VS_MAX_PORTS];
	unsigned int i, n = 0;
	int w;

	for (i = 0; i < VS_MAX_PORTS; i++) {
		const struct vs_port *p = &dp->ports[i];

		if (!p->in_use || p->worker == VS_NO_WORKER)
			continue;
		items[n] = (struct vs_vmq_item){.port = (uint16_t)i, .worker = p->worker,
						.pps = vs_dp_port_load(p),
						.pinned = VS_VMQ_UNPINNED};
		n++;
	}
	w = vs_vmq_place_one(items, n, dp->n_workers, vs_dp_pin_worker(dp, c));
	return w < 0 ? 0 : (uint16_t)w;
}

static struct rte_ring *
vs_dp_ring(const char *what, unsigned int idx, uint16_t gen)
{
	char name[RTE_RING_NAMESIZE];
	static unsigned int seq;

	snprintf(name, sizeof(name), "vs_%s%u_%u_%u", what, idx, gen, ++seq);
	return rte_ring_create(name, VS_VMQ_RING_SIZE, (int)rte_socket_id(), RING_F_SC_DEQ);
}

static void
vs_dp_ring_free(struct rte_ring *r)
{
	void *m;

	if (r == NULL)
		return;
	while (rte_ring_sc_dequeue(r, &m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(r);
}

/* The VMQ ring of port idx, and its queue of the switch's allocator. */
static int
vs_dp_vmq_ring_make(struct vs_dp *dp, unsigned int idx, char *err, size_t errlen)
{
	struct vs_port *p = &dp->ports[idx];
	struct vs_vmq_queues *q = &dp->vmq_queues[p->sw];
	int queue;

	if (q->n == 0)
		vs_vmq_queues_init(q, VS_VMQ_MAX_QUEUES);
	queue = vs_vmq_queue_alloc(q, (uint16_t)idx);
	if (queue < 0) {
		snprintf(err, errlen, "vmq: switch %s has no VMQ queue left (%u VMs have one)",
			 p->conf.switch_name, VS_VMQ_MAX_QUEUES - 1);
		return queue;
	}
	p->vmq_ring = vs_dp_ring("vmq", idx, p->gen);
	if (p->vmq_ring == NULL) {
		vs_vmq_queue_release(q, (uint16_t)queue);
		snprintf(err, errlen, "vmq: cannot create port %s's VMQ ring", p->conf.name);
		return -ENOMEM;
	}
	p->vmq_queue = queue;
	p->vmq_active = true;
	return 0;
}

static void
vs_dp_vmq_ring_gone(struct vs_dp *dp, unsigned int idx)
{
	struct vs_port *p = &dp->ports[idx];

	vs_dp_ring_free(p->vmq_ring);
	p->vmq_ring = NULL;
	p->vmq_active = false;
	if (p->vmq_queue > 0)
		vs_vmq_queue_release(&dp->vmq_queues[p->sw], (uint16_t)p->vmq_queue);
	p->vmq_queue = -1;
}

int
vs_dp_vmq_port_open(struct vs_dp *dp, unsigned int idx, char *err, size_t errlen)
{
	struct vs_port *p = &dp->ports[idx];
	unsigned int w, want;
	int rc;

	p->vmq_queue = -1;
	for (w = 0; w < dp->n_workers; w++) {
		dp->workers[w]->rxq_packets[idx] = 0;
		dp->workers[w]->vmq_packets[idx] = 0;
	}
	/* A multi-queue netvsc port's subchannels, or a multi-queue device's
	 * receive queues beyond the first (RSS, net_af_packet's fanout). */
	want = p->conf.kind == VS_PORT_NETVSC ? p->conf.queues : p->eth_open ? p->eth_rxq : 1;
	p->n_queues = 1;
	if (want > 1) {
		unsigned int used = 0, i, q;

		for (i = 0; i < VS_MAX_PORTS; i++)
			if (dp->ports[i].in_use && i != idx)
				used += dp->ports[i].n_queues - 1u;
		if (used + want - 1 > VS_DP_MAX_SUBQUEUES) {
			snprintf(err, errlen,
				 "queues: port %s would take the datapath over %u extra receive "
				 "queues (%u in use)",
				 p->conf.name, VS_DP_MAX_SUBQUEUES, used);
			return -ENOSPC;
		}
		p->n_queues = (uint16_t)want;
		/* Pinned, else spread from the port's own worker on, round
		 * robin (a pin to an lcore without a worker is kept, unused). */
		for (q = 1; q < p->n_queues; q++) {
			int pw = (p->conf.queue_pinned >> q & 1)
					 ? vs_dp_lcore_worker(dp, p->conf.queue_lcore[q])
					 : -1;

			p->qworker[q] = pw >= 0 ? (uint16_t)pw
						: (uint16_t)((p->worker + q) % dp->n_workers);
		}
	}
	if (p->conf.kind == VS_PORT_NETVSC && dp->n_workers > 1) {
		p->tx_handoff = vs_dp_ring("txh", idx, p->gen);
		if (p->tx_handoff == NULL) {
			snprintf(err, errlen, "port %s: cannot create its transmit hand-off ring",
				 p->conf.name);
			return -ENOMEM;
		}
	}
	if (!p->conf.vmq)
		return 0;
	if (p->conf.kind == VS_PORT_PHY || p->conf.kind == VS_PORT_HOST || !p->conf.has_mac) {
		snprintf(err, errlen, "vmq: port %s %s", p->conf.name,
			 p->conf.has_mac ? "is not a VM's (VMQ steers the uplink's frames to VMs)"
					 : "has no MAC to steer by (give it --mac)");
		return -EINVAL;
	}
	rc = vs_dp_vmq_ring_make(dp, idx, err, errlen);
	if (rc == 0)
		vs_dp_vmq_hw_on(dp, idx);
	return rc;
}

void
vs_dp_vmq_port_close(struct vs_dp *dp, unsigned int idx)
{
	struct vs_port *p = &dp->ports[idx];

	vs_dp_vmq_hw_off(dp, idx);
	vs_dp_vmq_ring_gone(dp, idx);
	vs_dp_ring_free(p->tx_handoff);
	p->tx_handoff = NULL;
}

/* Moves ports[k] to workers[k] (two publications, see the top). */
static int
vs_dp_move(struct vs_dp *dp, const uint16_t *ports, const uint16_t *workers, unsigned int n)
{
	unsigned int k;
	int rc;

	if (n == 0)
		return 0;
	for (k = 0; k < n; k++)
		dp->ports[ports[k]].worker = VS_NO_WORKER;
	rc = vs_dp_publish(dp);
	for (k = 0; k < n; k++)
		dp->ports[ports[k]].worker = workers[k];
	/* Even if the first failed: a port must never stay unpolled. */
	return vs_dp_publish(dp) != 0 ? -ENOMEM : rc;
}

static int
vs_dp_queue_check(const struct vs_dp *dp, const char *name, unsigned int queue, bool pin,
		  unsigned int lcore, char *err, size_t errlen)
{
	int idx = vs_dp_port_index(dp, name);
	char list[96] = "";
	unsigned int w;
	size_t off = 0;

	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	if (queue >= dp->ports[idx].n_queues) {
		if (dp->ports[idx].n_queues <= 1)
			snprintf(err, errlen, "queue: port %s has 1 receive queue (queue 0), not %u",
				 name, queue);
		else
			snprintf(err, errlen, "queue: port %s has %u receive queues (0-%u), not %u",
				 name, dp->ports[idx].n_queues, dp->ports[idx].n_queues - 1u, queue);
		return -EINVAL;
	}
	if (pin && vs_dp_lcore_worker(dp, lcore) < 0) {
		for (w = 0; w < dp->n_workers && off < sizeof(list) - 8; w++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%u", w ? ", " : "",
						dp->workers[w]->lcore);
		snprintf(err, errlen, "lcore: %u runs no worker (workers run on lcore%s %s)", lcore,
			 dp->n_workers > 1 ? "s" : "", list);
		return -EINVAL;
	}
	return idx;
}

int
vs_dp_port_set_placement_check(const struct vs_dp *dp, const char *name, unsigned int queue,
			       bool pin, unsigned int lcore, char *err, size_t errlen)
{
	int rc = vs_dp_queue_check(dp, name, queue, pin, lcore, err, errlen);

	return rc < 0 ? rc : 0;
}

int
vs_dp_port_set_placement(struct vs_dp *dp, const char *name, unsigned int queue, bool pin,
			 unsigned int lcore, char *err, size_t errlen)
{
	int idx = vs_dp_queue_check(dp, name, queue, pin, lcore, err, errlen);
	struct vs_port *p;
	uint16_t port, w;

	if (idx < 0)
		return idx;
	p = &dp->ports[idx];
	if (queue > 0) {
		/* A subchannel queue (vswitch.h, placement). */
		p->conf.queue_pinned = (uint8_t)((p->conf.queue_pinned & ~(1u << queue)) |
						 (pin ? 1u << queue : 0));
		p->conf.queue_lcore[queue] = pin ? (uint16_t)lcore : 0;
		if (!pin)
			return 0;
		w = (uint16_t)vs_dp_lcore_worker(dp, lcore);
		if (vs_dp_queue_move(dp, (unsigned int)idx, queue, w) != 0) {
			snprintf(err, errlen, "port %s: out of memory publishing the configuration",
				 name);
			return -ENOMEM;
		}
		return 0;
	}
	p->conf.pinned = pin;
	p->conf.lcore = pin ? (uint16_t)lcore : 0;
	if (!pin)
		return 0; /* stays where it is until a rebalance */
	w = (uint16_t)vs_dp_lcore_worker(dp, lcore);
	if (p->worker == w)
		return 0;
	port = (uint16_t)idx;
	if (vs_dp_move(dp, &port, &w, 1) != 0) {
		snprintf(err, errlen, "port %s: out of memory publishing the configuration", name);
		return -ENOMEM;
	}
	return 0;
}

int
vs_dp_workers_rebalance(struct vs_dp *dp, char *err, size_t errlen)
{
	struct vs_vmq_item items[VS_MAX_PORTS];
	uint16_t ports[VS_MAX_PORTS], workers[VS_MAX_PORTS];
	unsigned int i, n = 0, n_moved = 0;
	int rc;

	for (i = 0; i < VS_MAX_PORTS; i++) {
		const struct vs_port *p = &dp->ports[i];

		if (!p->in_use)
			continue;
		items[n++] = (struct vs_vmq_item){.port = (uint16_t)i, .worker = p->worker,
						  .pps = vs_dp_port_load(p),
						  .pinned = (int16_t)vs_dp_pin_worker(dp, &p->conf)};
	}
	rc = vs_vmq_rebalance(items, n, dp->n_workers);
	if (rc < 0) {
		snprintf(err, errlen, "workers: cannot rebalance: %s", strerror(-rc));
		return rc;
	}
	for (i = 0; i < n; i++) {
		if (dp->ports[items[i].port].worker == items[i].worker)
			continue;
		ports[n_moved] = items[i].port;
		workers[n_moved++] = items[i].worker;
	}
	if (vs_dp_move(dp, ports, workers, n_moved) != 0) {
		snprintf(err, errlen, "workers: out of memory publishing the configuration");
		return -ENOMEM;
	}
	return (int)n_moved;
}

/* Waits for the VM's worker to empty its ring; without running workers
 * the control thread runs the frames itself, with the worker's context. */
static void
vs_dp_vmq_drain(struct vs_dp *dp, unsigned int idx)
{
	struct vs_port *p = &dp->ports[idx];
	unsigned int waited = 0;

	if (!dp->running) {
		struct vs_worker *w = dp->workers[p->worker == VS_NO_WORKER ? 0 : p->worker];
		const struct vs_snapshot *snap = vs_dp_snapshot(dp);

		while (vs_vmq_dp_poll(w, snap, (uint16_t)idx, vs_dp_now_s(dp)) > 0)
			;
		vs_pipeline_flush(w, snap);
		return;
	}
	while (!rte_ring_empty(p->vmq_ring) && waited < VS_VMQ_DRAIN_US) {
		rte_delay_us_sleep(50);
		waited += 50;
	}
}

int
vs_dp_port_set_vmq(struct vs_dp *dp, const char *name, bool on, char *err, size_t errlen)
{
	int idx = vs_dp_port_index(dp, name);
	struct vs_port *p;
	int rc;

	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	p = &dp->ports[idx];
	if (on && (p->conf.kind == VS_PORT_PHY || p->conf.kind == VS_PORT_HOST)) {
		snprintf(err, errlen, "vmq: port %s is not a VM's (VMQ steers the uplink's frames "
				      "to VMs)", name);
		return -EINVAL;
	}
	if (on && !p->conf.has_mac) {
		snprintf(err, errlen, "vmq: port %s has no MAC to steer by (give it --mac)", name);
		return -EINVAL;
	}
	if (on == p->conf.vmq)
		return 0;
	if (on) {
		rc = vs_dp_vmq_ring_make(dp, (unsigned int)idx, err, errlen);
		if (rc != 0)
			return rc;
		p->conf.vmq = true;
		rc = vs_dp_publish(dp);
		if (rc == 0)
			vs_dp_vmq_hw_on(dp, (unsigned int)idx);
	} else {
		vs_dp_vmq_hw_off(dp, (unsigned int)idx);
		p->conf.vmq = false;
		p->vmq_active = false;
		rc = vs_dp_publish(dp); /* the uplink stops handing over */
		vs_dp_vmq_drain(dp, (unsigned int)idx);
		{
			struct rte_ring *r = p->vmq_ring;

			p->vmq_ring = NULL;
			rc |= vs_dp_publish(dp); /* no worker polls the ring */
			p->vmq_ring = r;
			vs_dp_vmq_ring_gone(dp, (unsigned int)idx);
		}
	}
	if (rc != 0) {
		snprintf(err, errlen, "port %s: out of memory publishing the configuration", name);
		return -ENOMEM;
	}
	return 0;
}

void
vs_dp_vmq_tick(struct vs_dp *dp)
{
	uint64_t now = vs_dp_now(dp);
	unsigned int i, w;

	if (now - dp->vmq_last_tick_ns < 1000000000ull && dp->vmq_last_tick_ns != 0)
		return;
	dp->vmq_last_tick_ns = now;
	for (i = 0; i < VS_MAX_PORTS; i++) {
		struct vs_port *p = &dp->ports[i];
		uint64_t rx = 0, vmq = 0;

		if (!p->in_use)
			continue;
		for (w = 0; w < dp->n_workers; w++) {
			rx += __atomic_load_n(&dp->workers[w]->rxq_packets[i], __ATOMIC_RELAXED);
			vmq += __atomic_load_n(&dp->workers[w]->vmq_packets[i], __ATOMIC_RELAXED);
		}
		vs_vmq_rate_sample(&p->rate, rx, now);
		vs_vmq_rate_sample(&p->vmq_rate, vmq, now);
	}
}

int
vs_dp_port_vmq_info(const struct vs_dp *dp, unsigned int idx, struct vs_port_vmq_info *out)
{
	const struct vs_port *p;
	int up;

	memset(out, 0, sizeof(*out));
	if (idx >= VS_MAX_PORTS || !dp->ports[idx].in_use)
		return -ENOENT;
	p = &dp->ports[idx];
	out->worker = p->worker == VS_NO_WORKER ? -1 : p->worker;
	out->lcore = p->worker == VS_NO_WORKER ? 0 : dp->workers[p->worker]->lcore;
	out->pinned_here = vs_dp_pin_worker(dp, &p->conf) != VS_VMQ_UNPINNED;
	out->pps = vs_vmq_rate_pps(&p->rate);
	out->vmq = p->conf.vmq;
	out->vmq_queue = p->vmq_queue;
	out->vmq_pps = vs_vmq_rate_pps(&p->vmq_rate);
	up = vs_dp_auto_index(dp, p->conf.switch_name, false);
	out->vmq_active = p->vmq_ring != NULL && p->vmq_active && up >= 0;
	out->vmq_hardware = p->vmq_flow != NULL;
	if (!p->conf.vmq) {
		snprintf(out->why, sizeof(out->why), "off");
	} else if (up < 0) {
		snprintf(out->why, sizeof(out->why),
			 "software, idle: switch %s has no uplink to steer from",
			 p->conf.switch_name);
	} else if (p->vmq_flow != NULL) {
		snprintf(out->why, sizeof(out->why), "%s", p->vmq_hw_why);
	} else {
		snprintf(out->why, sizeof(out->why),
			 "software (hardware VMQ: %.120s)",
			 p->vmq_hw_why);
	}
	return 0;
}

unsigned int
vs_dp_worker_queues(const struct vs_dp *dp, unsigned int idx, struct vs_worker_queue *out,
		    unsigned int max)
{
	const struct vs_snapshot *snap = vs_dp_snapshot(dp);
	const struct vs_worker *w;
	unsigned int i, n;

	if (idx >= dp->n_workers)
		return 0;
	w = dp->workers[idx];
	n = snap->n_rx[idx];
	for (i = 0; i < n && i < max; i++) {
		const struct vs_snap_rxq *q = &snap->rx[idx][i];

		out[i].port = q->port;
		out[i].queue = q->queue;
		out[i].vmq = q->kind == VS_RXQ_VMQ;
		out[i].packets = out[i].vmq ? w->vmq_packets[q->port] : w->rxq_packets[q->port];
	}
	return n;
}

int
vs_dp_port_queue_worker(const struct vs_dp *dp, unsigned int idx, unsigned int queue)
{
	const struct vs_port *p;
	uint16_t w;

	if (idx >= VS_MAX_PORTS || !dp->ports[idx].in_use)
		return -ENOENT;
	p = &dp->ports[idx];
	if (queue >= p->n_queues)
		return -ENOENT;
	w = queue == 0 ? p->worker : p->qworker[queue];
	return w == VS_NO_WORKER ? -EAGAIN : (int)w;
}

int
vs_dp_worker_port_stats(const struct vs_dp *dp, unsigned int w, unsigned int idx,
			struct vs_port_stats *out)
{
	if (w >= dp->n_workers || idx >= VS_MAX_PORTS)
		return -ENOENT;
	*out = dp->workers[w]->stats[idx];
	return 0;
}
