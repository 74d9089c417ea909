/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The I/O baseline subject: the topology's perf devices probed here, and a
 * bare receive/transmit loop per worker lcore from each replay port to its
 * paired sink.  Same pool size, queues and callbacks as the switch gets,
 * so that the ratio between the two isolates the switch.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "run_priv.h"

#define VS_PERF_DESC 1024u

static int
vs_perf_io_open(struct vs_perf_bench *b, unsigned int i, char *err, size_t errlen)
{
	const struct vs_perf_topo_port *tp = &b->t->ports[i];
	struct rte_eth_conf conf;
	char name[VS_DEVARGS_MAX];
	uint16_t id, q;
	int rc;

	memset(&conf, 0, sizeof(conf));
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(tp->devargs, ","), tp->devargs);
	rc = rte_dev_probe(tp->devargs);
	if (rc != 0 || rte_eth_dev_get_port_by_name(name, &id) != 0) {
		snprintf(err, errlen, "port %s: cannot open %s: %s", tp->name, tp->devargs,
			 rte_strerror(rc ? -rc : ENODEV));
		return rc ? rc : -ENODEV;
	}
	b->probed[i] = true;
	b->eth[i] = id;
	if ((rc = rte_eth_dev_configure(id, tp->rx_queues, (uint16_t)b->c->workers, &conf)) != 0)
		goto fail;
	for (q = 0; q < tp->rx_queues; q++)
		if ((rc = rte_eth_rx_queue_setup(id, q, VS_PERF_DESC, (unsigned int)rte_socket_id(),
						 NULL, b->io_mp)) != 0)
			goto fail;
	for (q = 0; q < b->c->workers; q++)
		if ((rc = rte_eth_tx_queue_setup(id, q, VS_PERF_DESC,
						 (unsigned int)rte_socket_id(), NULL)) != 0)
			goto fail;
	if ((rc = rte_eth_dev_start(id)) != 0)
		goto fail;
	(void)rte_eth_promiscuous_enable(id);
	return 0;
fail:
	snprintf(err, errlen, "port %s: cannot set up %s: %s", tp->name, name, rte_strerror(-rc));
	return rc;
}

static void
vs_perf_io_close(struct vs_perf_bench *b)
{
	unsigned int i;

	for (i = 0; i < b->t->n_ports; i++) {
		struct rte_eth_dev_info info;
		struct rte_device *dev = NULL;

		if (!b->probed[i])
			continue;
		(void)rte_eth_dev_stop(b->eth[i]);
		if (rte_eth_dev_info_get(b->eth[i], &info) == 0)
			dev = info.device;
		(void)rte_eth_dev_close(b->eth[i]);
		if (dev != NULL)
			(void)rte_dev_remove(dev);
		b->probed[i] = false;
	}
}

static int
vs_perf_io_main(void *arg)
{
	struct vs_perf_io_worker *wk = arg;
	struct rte_mbuf *pkts[VS_BURST];
	uint64_t t0 = rte_rdtsc(), t1;
	unsigned int i;

	while (!__atomic_load_n(&wk->stop, __ATOMIC_ACQUIRE)) {
		uint64_t got = 0;

		for (i = 0; i < wk->n; i++) {
			uint16_t n = rte_eth_rx_burst(wk->in[i], wk->inq[i], pkts, VS_BURST), sent;

			if (n == 0)
				continue;
			sent = rte_eth_tx_burst(wk->out[i], (uint16_t)wk->idx, pkts, n);
			if (sent < n) {
				rte_pktmbuf_free_bulk(pkts + sent, n - sent);
				wk->tx_full += n - sent;
			}
			got += n;
		}
		t1 = rte_rdtsc();
		/* Single writer; the reader sees whole words.  Only loops that
		 * moved frames count, as the datapath's busy cycles: a paced
		 * run's idle polling is not a cost of its frames. */
		if (got > 0) {
			wk->cycles += t1 - t0;
			wk->packets += got;
		}
		t0 = t1;
	}
	return 0;
}

int
vs_perf_io_start(struct vs_perf_bench *b, char *err, size_t errlen)
{
	uint32_t n_mbufs = b->c->n_mbufs ? b->c->n_mbufs : VS_PERF_POOL_DEFAULT;
	unsigned int i, lcore, k = 0;
	int rc;

	b->io_mp = rte_pktmbuf_pool_create("vs_perf_io", n_mbufs, VS_PERF_POOL_CACHE, 0,
					   RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	b->io = rte_zmalloc("vs_perf_io", sizeof(*b->io) * b->c->workers, RTE_CACHE_LINE_SIZE);
	if (b->io_mp == NULL || b->io == NULL) {
		snprintf(err, errlen, "io: cannot allocate %u mbufs: %s", n_mbufs,
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (i = 0; i < b->t->n_ports; i++)
		if ((rc = vs_perf_io_open(b, i, err, errlen)) != 0)
			return rc;
	if ((rc = vs_perf_attach_all(b, b->io_mp, false, err, errlen)) != 0)
		return rc;
	/* Each (replay port, queue) on one worker, round robin, as the
	 * datapath spreads a device's queues. */
	for (i = 0; i < b->t->n_ports; i++) {
		if (b->t->ports[i].role != VS_PERF_REPLAY)
			continue;
		for (uint16_t q = 0; q < b->t->ports[i].rx_queues; q++) {
			struct vs_perf_io_worker *wk = &b->io[k++ % b->c->workers];

			wk->in[wk->n] = b->eth[i];
			wk->inq[wk->n] = q;
			wk->out[wk->n++] = b->eth[b->t->ports[i].pair];
		}
	}
	k = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (k == b->c->workers)
			break;
		b->io[k].lcore = lcore;
		b->io[k].idx = k;
		if ((rc = rte_eal_remote_launch(vs_perf_io_main, &b->io[k], lcore)) != 0) {
			snprintf(err, errlen, "io: cannot launch on lcore %u: %s", lcore,
				 rte_strerror(-rc));
			return rc;
		}
		b->n_io = ++k;
	}
	if (k < b->c->workers) {
		snprintf(err, errlen, "workers: %u asked, %u worker lcores available",
			 b->c->workers, k);
		return -EINVAL;
	}
	return 0;
}

void
vs_perf_io_stop(struct vs_perf_bench *b)
{
	unsigned int k;

	for (k = 0; k < b->n_io; k++) {
		__atomic_store_n(&b->io[k].stop, true, __ATOMIC_RELEASE);
		rte_eal_wait_lcore(b->io[k].lcore);
	}
	b->n_io = 0;
	vs_perf_detach_all(b);
	vs_perf_io_close(b);
	rte_free(b->io);
	b->io = NULL;
	rte_mempool_free(b->io_mp);
	b->io_mp = NULL;
}
