/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet trace: the real pipeline, run on a scratch worker context against
 * the published snapshot.  The scratch worker's counters are thrown away,
 * learning only looks (w->trace), and what egress would transmit is taken
 * from the scratch tx buffers instead of being flushed: nothing a trace
 * does reaches the MAC table, the counters or a port.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dp_priv.h"

void
vs_trace_release(struct vs_trace *t)
{
	unsigned int i;

	for (i = 0; i < t->n_egress; i++)
		free(t->egress[i].frame);
	t->n_egress = 0;
}

/* Moves what the scratch worker would have sent into t, port by port. */
static void
vs_trace_collect(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t in_port,
		 uint16_t vlan, struct vs_trace *t)
{
	uint16_t d, k;

	for (d = 0; d < w->n_dirty; d++) {
		uint16_t port = w->dirty[d];
		struct vs_txbuf *tb = &w->tx[port];

		for (k = 0; k < tb->n; k++) {
			struct rte_mbuf *m = tb->pkts[k];
			struct vs_trace_egress *e = &t->egress[t->n_egress];
			uint32_t len = rte_pktmbuf_pkt_len(m);
			const void *p;

			e->frame = malloc(len ? len : 1);
			if (e->frame != NULL) {
				p = rte_pktmbuf_read(m, 0, len, e->frame);
				if (p != NULL && p != e->frame)
					memcpy(e->frame, p, len);
				e->port = port;
				e->len = len;
				e->tagged = vs_vlan_egress_encap(&snap->ports[port].vlan, vlan) ==
					    VS_VLAN_TAG;
				if (t->n_egress < VS_MAX_PORTS - 1)
					t->n_egress++;
				else
					free(e->frame);
			}
			rte_pktmbuf_free(m);
		}
		tb->n = 0;
		tb->dirty = false;
	}
	w->n_dirty = 0;
	(void)in_port;
}

int
vs_dp_trace(struct vs_dp *dp, unsigned int in_port, const uint8_t *frame, uint32_t len,
	    struct vs_trace *t, char *err, size_t errlen)
{
	const struct vs_snapshot *snap = vs_dp_snapshot(dp);
	struct vs_worker *w;
	struct rte_mbuf *m, *seg;
	uint32_t off = 0;

	memset(t, 0, sizeof(*t));
	if (in_port >= VS_MAX_PORTS || snap->ports[in_port].port == NULL) {
		snprintf(err, errlen, "port: no such port");
		return -ENOENT;
	}
	w = rte_zmalloc("vs_trace_worker", sizeof(*w), RTE_CACHE_LINE_SIZE);
	m = rte_pktmbuf_alloc(dp->mp);
	if (w == NULL || m == NULL) {
		rte_free(w);
		rte_pktmbuf_free(m);
		snprintf(err, errlen, "trace: out of memory");
		return -ENOMEM;
	}
	w->dp = dp;
	w->trace = true;
	vs_dp_worker_offload_init(dp, w);
	/* The frame as a receive path would hand it over: chained when it
	 * does not fit one buffer. */
	for (seg = m; off < len;) {
		uint16_t room = rte_pktmbuf_tailroom(seg);
		uint32_t n = len - off < room ? len - off : room;
		struct rte_mbuf *next;

		memcpy(rte_pktmbuf_append(seg, (uint16_t)n), frame + off, n);
		if (seg != m) {
			m->pkt_len += n;
		}
		off += n;
		if (off == len)
			break;
		next = rte_pktmbuf_alloc(dp->mp);
		if (next == NULL || rte_pktmbuf_chain(m, next) != 0) {
			rte_pktmbuf_free(next);
			rte_pktmbuf_free(m);
			rte_free(w);
			snprintf(err, errlen, "trace: out of buffers for a %u-byte frame", len);
			return -ENOMEM;
		}
		seg = next;
	}
	vs_pipeline_trace_one(w, snap, (uint16_t)in_port, m, t);
	vs_trace_collect(w, snap, (uint16_t)in_port, t->vlan, t);
	rte_free(w);
	return 0;
}
