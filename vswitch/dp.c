/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath's life: creation, the published snapshot, workers started
 * and stopped, the deterministic entry points of the tests.  Switches and
 * ports are configured in dp_config.c.  Nothing here runs per packet.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "dp_priv.h"
#include "netlink_priv.h"

#define VS_MBUFS_DEFAULT 16383u
#define VS_MBUF_CACHE 256u

static uint64_t
vs_dp_tsc_clock(void *arg)
{
	(void)arg;
	return (uint64_t)((double)rte_get_tsc_cycles() * 1e9 / (double)rte_get_tsc_hz());
}

/* Compiles the control view into a new snapshot and publishes it; the old
 * one is freed once no worker can still be reading it. */
int
vs_dp_publish(struct vs_dp *dp)
{
	struct vs_snapshot *s = rte_zmalloc("vs_snapshot", sizeof(*s), RTE_CACHE_LINE_SIZE);
	struct vs_snapshot *old;
	unsigned int i;

	if (s == NULL)
		return -ENOMEM;
	for (i = 0; i < VS_MAX_PORTS; i++) {
		struct vs_port *p = &dp->ports[i];
		struct vs_snap_switch *ss;

		if (!p->in_use)
			continue;
		s->ports[i].port = p;
		s->ports[i].sw = p->sw;
		s->ports[i].gen = p->gen;
		/* A kernel link known to be down downs the port for the workers;
		 * an unknown one (not read yet) does not. */
		s->ports[i].link_down = !p->conf.admin_down && p->kl.known && !p->kl.up;
		s->ports[i].up = !p->conf.admin_down && !s->ports[i].link_down && !p->q.on;
		s->ports[i].max_frame = p->kl.known && p->kl.mtu != 0
						? p->kl.mtu + RTE_ETHER_HDR_LEN
						: UINT32_MAX;
		s->ports[i].hw_vlan_insert = p->hw_vlan_insert;
		s->ports[i].tag_meta = p->hw_vlan_insert && p->conf.kind == VS_PORT_NETVSC;
		s->ports[i].offload_caps = vs_offload_caps_effective(p->offload_caps, &p->conf.offload);
		s->ports[i].rx_csum_forget = (p->offload_caps & VS_OFFLOAD_RX_CKSUM) &&
					     !(s->ports[i].offload_caps & VS_OFFLOAD_RX_CKSUM);
		s->ports[i].tx_prepare =
			p->eth_offloads &&
			(s->ports[i].offload_caps & (VS_OFFLOAD_CKSUM_ALL | VS_OFFLOAD_TSO_ALL));
		s->ports[i].vlan = p->conf.vlan;
		s->ports[i].mac_locked = p->conf.has_mac && !p->conf.mac_spoofing;
		s->ports[i].dhcp_guard = p->conf.dhcp_guard;
		for (unsigned int c = 0; c < VS_STORM_N; c++) {
			s->ports[i].storm_pps[c] = p->conf.storm.pps[c];
			s->ports[i].storm |= p->conf.storm.pps[c] != 0;
		}
		s->ports[i].router_guard = p->conf.router_guard;
		memcpy(s->ports[i].mac.addr_bytes, p->conf.mac, 6);
		s->ports[i].worker = p->worker;
		s->ports[i].vmq_ring = p->vmq_ring;
		s->ports[i].tx_handoff = p->tx_handoff;
		ss = &s->switches[p->sw];
		if (p->worker != VS_NO_WORKER) {
			struct vs_snap_rxq *q = &s->rx[p->worker][s->n_rx[p->worker]++];

			q->port = (uint16_t)i;
			q->kind = VS_RXQ_PORT;
			q->queue = 0;
			/* A ring that is draining (VMQ going off) is still polled. */
			if (p->vmq_ring != NULL) {
				q = &s->rx[p->worker][s->n_rx[p->worker]++];
				q->port = (uint16_t)i;
				q->kind = VS_RXQ_VMQ;
				q->queue = 0;
			}
		}
		/* Subchannel queues, on their own workers (≤ VS_DP_MAX_SUBQUEUES
		 * in all: dp_vmq.c). */
		for (uint16_t k = 1; k < p->n_queues; k++) {
			uint16_t qw = p->qworker[k];
			struct vs_snap_rxq *q;

			if (qw == VS_NO_WORKER)
				continue;
			q = &s->rx[qw][s->n_rx[qw]++];
			q->port = (uint16_t)i;
			q->kind = VS_RXQ_PORT;
			q->queue = (uint8_t)k;
		}

		if (s->ports[i].up)
			ss->flood[ss->n_flood++] = (uint16_t)i;
		/* A phy port is only ever its switch's uplink. */
		if (p->conf.kind == VS_PORT_PHY)
			ss->uplink1 = (uint16_t)(i + 1);
	}
	/* Software VMQ: the VMs the uplink hands frames to (a switch with no
	 * uplink has nothing to hand over). */
	for (i = 0; i < VS_MAX_PORTS; i++) {
		const struct vs_port *p = &dp->ports[i];
		struct vs_snap_switch *ss = &s->switches[p->sw];
		struct vs_snap_vmq *v;

		if (!p->in_use || !p->vmq_active || p->vmq_ring == NULL || ss->uplink1 == 0 ||
		    ss->n_vmq == VS_VMQ_MAX_QUEUES)
			continue;
		v = &ss->vmq[ss->n_vmq++];
		memcpy(v->mac.addr_bytes, p->conf.mac, 6);
		v->vlan = p->conf.vlan.mode == VS_VLAN_MODE_ACCESS ? p->conf.vlan.access_vid : 0;
		v->port = (uint16_t)i;
	}
	if (dp->nlb != NULL) {
		vs_nlb_view_build(dp->nlb, &s->nlb);
		for (i = 0; i < s->nlb.n; i++) {
			struct vs_snap_switch *ss = &s->switches[s->nlb.e[i].sw];

			ss->n_nlb++;
			ss->nlb_igmp |= s->nlb.e[i].mode == VS_NLB_IGMP;
		}
	}
	old = dp->snap;
	__atomic_store_n(&dp->snap, s, __ATOMIC_RELEASE);
	if (dp->running)
		rte_rcu_qsbr_synchronize(dp->qsbr, RTE_QSBR_THRID_INVALID);
	rte_free(old);
	return 0;
}

struct vs_dp *
vs_dp_create(const struct vs_dp_conf *conf, char *err, size_t errlen)
{
	struct vs_dp *dp;
	char name[RTE_MEMZONE_NAMESIZE];
	size_t sz;
	unsigned int i, n_qsbr;
	static unsigned int seq;

	if (conf->n_workers > VS_MAX_WORKERS) {
		snprintf(err, errlen, "workers: %u is more than the %u supported", conf->n_workers,
			 VS_MAX_WORKERS);
		return NULL;
	}
	dp = rte_zmalloc("vs_dp", sizeof(*dp), RTE_CACHE_LINE_SIZE);
	if (dp == NULL) {
		snprintf(err, errlen, "out of memory for the datapath");
		return NULL;
	}
	seq++;
	dp->conf = *conf;
	if (dp->conf.fdb_size == 0)
		dp->conf.fdb_size = VS_FDB_SIZE_DEFAULT;
	if (dp->conf.fdb_aging_s == 0)
		dp->conf.fdb_aging_s = VS_FDB_AGING_DEFAULT_S;
	if (dp->conf.n_mbufs == 0)
		dp->conf.n_mbufs = VS_MBUFS_DEFAULT;
	dp->n_workers = conf->n_workers ? conf->n_workers : 1;
	dp->clock = vs_dp_tsc_clock;
	if (vs_dp_mac_pool_init(dp, err, errlen) != 0)
		goto fail;

	snprintf(name, sizeof(name), "vs_mbufs%u", seq);
	dp->mp = rte_pktmbuf_pool_create(name, dp->conf.n_mbufs, VS_MBUF_CACHE, 0,
					 RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (dp->mp == NULL) {
		snprintf(err, errlen,
			 "cannot create a pool of %u mbufs (about %u MB): %s; give EAL more memory "
			 "(-m, or hugepages) or lower datapath.mbufs",
			 dp->conf.n_mbufs,
			 (unsigned int)(((uint64_t)dp->conf.n_mbufs *
					 (RTE_MBUF_DEFAULT_BUF_SIZE + sizeof(struct rte_mbuf) + 64)) >>
					20),
			 rte_strerror(rte_errno));
		goto fail;
	}
	/* Segments and private headers: a 64 KB superframe becomes about 45
	 * of each, held until the ports have sent them. */
	snprintf(name, sizeof(name), "vs_oldir%u", seq);
	dp->ol_direct = vs_offload_direct_pool_create(name, RTE_MAX(dp->conf.n_mbufs / 2, 1023u),
						      (int)rte_socket_id());
	snprintf(name, sizeof(name), "vs_olind%u", seq);
	dp->ol_indirect = vs_offload_indirect_pool_create(name, RTE_MAX(dp->conf.n_mbufs, 1023u),
							  (int)rte_socket_id());
	if (dp->ol_direct == NULL || dp->ol_indirect == NULL) {
		snprintf(err, errlen, "cannot create the offload pools (%u mbufs): %s",
			 RTE_MAX(dp->conf.n_mbufs / 2, 1023u) + RTE_MAX(dp->conf.n_mbufs, 1023u),
			 rte_strerror(rte_errno));
		goto fail;
	}
	n_qsbr = dp->n_workers;
	sz = rte_rcu_qsbr_get_memsize(n_qsbr);
	dp->qsbr = rte_zmalloc("vs_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (dp->qsbr == NULL || rte_rcu_qsbr_init(dp->qsbr, n_qsbr) != 0) {
		snprintf(err, errlen, "cannot set up RCU for %u workers", n_qsbr);
		goto fail;
	}
	if (vs_dp_nlb_init(dp, err, errlen) != 0)
		goto fail;
	snprintf(name, sizeof(name), "vs_fdb%u", seq);
	if (vs_fdb_init(&dp->fdb, name, dp->conf.fdb_size, dp->conf.fdb_aging_s, dp->qsbr, err,
			errlen) != 0)
		goto fail;
	for (i = 0; i < dp->n_workers; i++) {
		dp->workers[i] = rte_zmalloc("vs_worker", sizeof(struct vs_worker),
					     RTE_CACHE_LINE_SIZE);
		if (dp->workers[i] == NULL) {
			snprintf(err, errlen, "out of memory for worker %u", i);
			goto fail;
		}
		dp->workers[i]->dp = dp;
		dp->workers[i]->idx = i;
		vs_dp_worker_offload_init(dp, dp->workers[i]);
	}
	vs_dp_assign_lcores(dp);
	if (vs_dp_publish(dp) != 0) {
		snprintf(err, errlen, "out of memory for the configuration snapshot");
		goto fail;
	}
	return dp;
fail:
	vs_dp_destroy(dp);
	return NULL;
}

void
vs_dp_destroy(struct vs_dp *dp)
{
	unsigned int i;

	if (dp == NULL)
		return;
	vs_dp_stop(dp);
	for (i = 0; i < VS_MAX_PORTS; i++) {
		if (dp->ports[i].in_use) {
			vs_dp_vmq_hw_uplink_gone(dp, i);
			dp->ports[i].ops->close(&dp->ports[i]);
			vs_dp_vmq_port_close(dp, i);
			dp->ports[i].in_use = false;
		}
	}
	for (i = 0; i < VS_MAX_WORKERS; i++)
		rte_free(dp->workers[i]);
	vs_fdb_fini(&dp->fdb);
	vs_dp_nlb_fini(dp);
	vs_nl_close(dp->nl);
	rte_free(dp->snap);
	rte_free(dp->qsbr);
	/* After the ports: their rings may still hold segments. */
	rte_mempool_free(dp->ol_direct);
	rte_mempool_free(dp->ol_indirect);
	rte_mempool_free(dp->mp);
	rte_free(dp);
}

void
vs_dp_worker_offload_init(struct vs_dp *dp, struct vs_worker *w)
{
	vs_offload_ctx_init(&w->offload, dp->ol_direct, dp->ol_indirect, dp->mp);
}

void
vs_dp_set_clock(struct vs_dp *dp, vs_clock_fn fn, void *arg)
{
	dp->clock = fn ? fn : vs_dp_tsc_clock;
	dp->clock_arg = fn ? arg : NULL;
}

uint64_t
vs_dp_now(const struct vs_dp *dp)
{
	return dp->clock(dp->clock_arg);
}

unsigned int
vs_dp_port_count(const struct vs_dp *dp)
{
	unsigned int i, n = 0;

	for (i = 0; i < VS_MAX_PORTS; i++)
		n += dp->ports[i].in_use;
	return n;
}

unsigned int
vs_dp_switch_count(const struct vs_dp *dp)
{
	unsigned int i, n = 0;

	for (i = 0; i < VS_MAX_SWITCHES; i++)
		n += dp->switches[i].in_use;
	return n;
}

const char *
vs_dp_port_name(const struct vs_dp *dp, unsigned int idx)
{
	return idx < VS_MAX_PORTS && dp->ports[idx].in_use ? dp->ports[idx].conf.name : NULL;
}

const char *
vs_dp_port_switch(const struct vs_dp *dp, unsigned int idx)
{
	return idx < VS_MAX_PORTS && dp->ports[idx].in_use ? dp->ports[idx].conf.switch_name
							   : NULL;
}

const char *
vs_dp_switch_name(const struct vs_dp *dp, unsigned int idx)
{
	return idx < VS_MAX_SWITCHES && dp->switches[idx].in_use ? dp->switches[idx].conf.name
								 : NULL;
}

struct rte_ring *
vs_dp_port_rx_ring(const struct vs_dp *dp, unsigned int idx)
{
	return idx < VS_MAX_PORTS && dp->ports[idx].in_use ? dp->ports[idx].rx_ring : NULL;
}

struct rte_ring *
vs_dp_port_tx_ring(const struct vs_dp *dp, unsigned int idx)
{
	return idx < VS_MAX_PORTS && dp->ports[idx].in_use ? dp->ports[idx].tx_ring : NULL;
}

struct rte_mempool *
vs_dp_mempool(const struct vs_dp *dp)
{
	return dp->mp;
}

int
vs_dp_start(struct vs_dp *dp, char *err, size_t errlen)
{
	unsigned int lcore, w = 0;
	int rc;

	if (dp->running || dp->conf.n_workers == 0)
		return 0;
	if (rte_lcore_count() < dp->conf.n_workers + 1) {
		snprintf(err, errlen,
			 "workers: %u worker(s) need %u EAL lcores (one for control), have %u; "
			 "pass e.g. -l 0-%u",
			 dp->conf.n_workers, dp->conf.n_workers + 1, rte_lcore_count(),
			 dp->conf.n_workers);
		return -EINVAL;
	}
	dp->running = true;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct vs_worker *wk;

		if (w == dp->conf.n_workers)
			break;
		wk = dp->workers[w++];
		wk->lcore = lcore; /* as vs_dp_assign_lcores said */
		wk->stop = false;
		rte_rcu_qsbr_thread_register(dp->qsbr, wk->idx);
		rc = rte_eal_remote_launch(vs_worker_main, wk, lcore);
		if (rc != 0) {
			snprintf(err, errlen, "workers: cannot launch on lcore %u: %s", lcore,
				 rte_strerror(-rc));
			vs_dp_stop(dp);
			return rc;
		}
	}
	return 0;
}

void
vs_dp_stop(struct vs_dp *dp)
{
	unsigned int w;

	if (!dp->running)
		return;
	for (w = 0; w < dp->conf.n_workers; w++)
		__atomic_store_n(&dp->workers[w]->stop, true, __ATOMIC_RELEASE);
	for (w = 0; w < dp->conf.n_workers; w++) {
		if (dp->workers[w]->lcore != 0)
			rte_eal_wait_lcore(dp->workers[w]->lcore);
		rte_rcu_qsbr_thread_unregister(dp->qsbr, w);
	}
	dp->running = false;
}

unsigned int
vs_dp_poll_once(struct vs_dp *dp)
{
	return vs_worker_poll(dp->workers[0], vs_dp_snapshot(dp), vs_dp_now_s(dp));
}

void
vs_dp_process_burst(struct vs_dp *dp, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n)
{
	const struct vs_snapshot *snap = vs_dp_snapshot(dp);
	uint32_t now_s = vs_dp_now_s(dp);
	uint16_t done = 0, chunk;

	if (in_port >= VS_MAX_PORTS) {
		rte_pktmbuf_free_bulk(pkts, n);
		return;
	}
	/* The pipeline's per-packet arrays hold one burst. */
	while (done < n) {
		chunk = (uint16_t)RTE_MIN(n - done, VS_BURST);
		vs_pipeline_run(dp->workers[0], snap, in_port, pkts + done, chunk, now_s);
		done = (uint16_t)(done + chunk);
	}
	vs_pipeline_flush(dp->workers[0], snap);
}
