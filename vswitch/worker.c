/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker poll loops.  One loop iteration: take the current snapshot, receive
 * one burst from each of my ports and run it through the pipeline, flush my
 * tx buffers, report a quiescent state.  Flushing before reporting is what
 * lets the control thread close a port after one grace period: no worker can
 * hold a frame for it past that point.
 */
#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include "dp_priv.h"

/* Clock reads are amortised: the fdb works in seconds. */
#define VS_CLOCK_EVERY 1024u

unsigned int
vs_worker_poll(struct vs_worker *w, const struct vs_snapshot *snap, uint32_t now_s)
{
	struct rte_mbuf *pkts[VS_BURST];
	struct vs_vmq_gather g;
	unsigned int total = 0;
	uint16_t i, n;

	g.n = 0;
	for (i = 0; i < snap->n_rx[w->idx]; i++) {
		const struct vs_snap_rxq *q = &snap->rx[w->idx][i];
		uint16_t port = q->port;
		const struct vs_snap_port *sp = &snap->ports[port];
		struct vs_port *p = sp->port;

		if (q->kind == VS_RXQ_VMQ) {
			total += vs_vmq_dp_gather(w, snap, port, &g, now_s);
			continue;
		}
		if (unlikely(sp->tx_handoff != NULL) && q->queue == 0)
			vs_vmq_dp_tx_drain(w, snap, port);
		n = p->ops->rx_burst(p, q->queue, pkts, VS_BURST);
		if (n == 0)
			continue;
		w->rxq_packets[port] += n;
		total += n;
		/* The uplink's classify step: frames for VMs on other workers
		 * leave for their rings. */
		if (snap->switches[sp->sw].n_vmq > 0 && snap->switches[sp->sw].uplink1 == port + 1u) {
			n = vs_vmq_dp_classify(w, snap, port, pkts, n);
			if (n == 0)
				continue;
		}
		vs_pipeline_run(w, snap, port, pkts, n, now_s);
	}
	vs_vmq_dp_flush(w, snap, &g, now_s);
	vs_pipeline_flush(w, snap);
	return total;
}

int
vs_worker_main(void *arg)
{
	struct vs_worker *w = arg;
	struct vs_dp *dp = w->dp;
	uint32_t now_s = vs_dp_now_s(dp);
	uint64_t iter = 0;

	uint64_t t0 = rte_rdtsc(), t1;
	unsigned int n;

	rte_rcu_qsbr_thread_online(dp->qsbr, w->idx);
	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		const struct vs_snapshot *snap = vs_dp_snapshot(dp);

		if ((++iter % VS_CLOCK_EVERY) == 0)
			now_s = vs_dp_now_s(dp);
		n = vs_worker_poll(w, snap, now_s);
		rte_rcu_qsbr_quiescent(dp->qsbr, w->idx);
		t1 = rte_rdtsc();
		/* Single writer; readers on other threads see whole words. */
		w->cycles += t1 - t0;
		if (n > 0) {
			w->busy_loops++;
			w->packets += n;
			w->busy_cycles += t1 - t0;
		}
		w->loops++;
		t0 = t1;
	}
	rte_rcu_qsbr_thread_offline(dp->qsbr, w->idx);
	return 0;
}
