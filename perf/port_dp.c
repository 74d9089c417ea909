/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-burst side of perf ports: the receive callback that makes frames
 * and the transmit callback that counts them.  They run inside
 * rte_eth_rx_burst / rte_eth_tx_burst on the polling thread, so they do
 * what a NIC driver's burst functions do and nothing more: no locks, no
 * logs, counters with one writer.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_memcpy.h>

#include "perf_priv.h"

int vs_perf_ts_off = -1;
uint64_t vs_perf_ts_flag;

static inline uint64_t *
vs_perf_ts(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, vs_perf_ts_off, uint64_t *);
}

/* Copies len bytes into m, chaining segments from mp past the first
 * one's room (jumbo frames).  On failure m is left as one empty segment. */
static int
vs_perf_fill_chain(struct rte_mbuf *m, const uint8_t *src, uint32_t len, struct rte_mempool *mp)
{
	struct rte_mbuf *prev = m, *seg;
	uint32_t done, chunk;

	chunk = rte_pktmbuf_tailroom(m);
	rte_memcpy(rte_pktmbuf_mtod(m, void *), src, chunk);
	m->data_len = (uint16_t)chunk;
	done = chunk;
	while (done < len) {
		seg = rte_pktmbuf_alloc(mp);
		if (seg == NULL) {
			rte_pktmbuf_free(m->next);
			m->next = NULL;
			m->nb_segs = 1;
			m->data_len = 0;
			return -1;
		}
		chunk = RTE_MIN(len - done, (uint32_t)rte_pktmbuf_tailroom(seg));
		rte_memcpy(rte_pktmbuf_mtod(seg, void *), src + done, chunk);
		seg->data_len = (uint16_t)chunk;
		prev->next = seg;
		prev = seg;
		m->nb_segs++;
		done += chunk;
	}
	m->pkt_len = len;
	return 0;
}

/* How many frames the pacing allows now (up to max). */
static inline uint16_t
vs_perf_budget(struct vs_perf_rxq *q, uint16_t max, uint64_t now)
{
	const struct vs_perf_workload *w = q->w;
	uint16_t n = 0;

	if (q->cycles_per_frame == 0 && q->cycles_per_ns == 0)
		return max;
	if (unlikely(q->t0 == 0))
		q->t0 = now;
	if (q->cycles_per_frame != 0) {
		double due = (double)(now - q->t0) / q->cycles_per_frame - (double)q->paced;

		/* More than 10 ms behind (longer than a scheduler tick): the
		 * poller cannot keep up; forget the debt rather than burst
		 * to repay it. */
		if (due > q->max_debt) {
			q->t0 = now;
			q->paced = 0;
			due = max;
		}
		n = due <= 0 ? 0 : due >= max ? max : (uint16_t)due;
		q->paced += n;
		return n;
	}
	/* The capture's own timing: frame i of pass k is due at
	 * (k * period + ts[i]) / speed after the start. */
	while (n < max) {
		uint64_t at = q->pass * q->period_ns + w->ts_ns[(q->next + n) % w->n];

		if ((double)at * q->cycles_per_ns > (double)(now - q->t0))
			break;
		n++;
		if ((q->next + n) % w->n == 0)
			q->pass++;
	}
	return n;
}

static uint16_t
vs_perf_announce(struct vs_perf_rxq *q, struct rte_mbuf **pkts, uint16_t max)
{
	uint16_t n = RTE_MIN(max, (uint16_t)RTE_MIN(q->n_st - q->next_st, 32u)), i;

	if (n == 0 || rte_pktmbuf_alloc_bulk(q->mp, pkts, n) != 0) {
		q->c.no_mbuf += n != 0;
		return 0;
	}
	for (i = 0; i < n; i++) {
		const struct vs_perf_station *st = &q->st[q->next_st++];
		uint8_t *f = rte_pktmbuf_mtod(pkts[i], uint8_t *);
		uint32_t off = 12;

		memset(f, 0xff, 6);
		memcpy(f + 6, st->mac, 6);
		if (q->tagged && st->vlan != 0) {
			f[12] = 0x81;
			f[13] = 0x00;
			f[14] = (uint8_t)(st->vlan >> 8);
			f[15] = (uint8_t)st->vlan;
			off = 16;
		}
		/* IEEE 802 local experimental EtherType: no stack answers it. */
		f[off] = 0x88;
		f[off + 1] = 0xb5;
		memset(f + off + 2, 0, 60 - off - 2);
		pkts[i]->data_len = pkts[i]->pkt_len = 60;
	}
	q->c.announced += n;
	return n;
}

bool
vs_perf_stamp_fits(const uint8_t *f, uint32_t len)
{
	uint32_t off = 12, l4;
	uint16_t type;
	uint8_t proto;

	if (len < 14)
		return false;
	type = (uint16_t)(f[12] << 8 | f[13]);
	while ((type == 0x8100 || type == 0x88a8) && len >= off + 6) {
		off += 4;
		type = (uint16_t)(f[off] << 8 | f[off + 1]);
	}
	off += 2;
	if (type == 0x0800 && len >= off + 20) {
		proto = f[off + 9];
		l4 = off + (uint32_t)(f[off] & 0xf) * 4;
	} else if (type == 0x86dd && len >= off + 40) {
		proto = f[off + 6]; /* no extension headers: their payload is not ours */
		l4 = off + 40;
	} else {
		return false;
	}
	if (proto == 17)
		l4 += 8;
	else if (proto == 6 && len >= l4 + 13)
		l4 += (uint32_t)(f[l4 + 12] >> 4) * 4;
	else
		return false;
	return len >= l4 + VS_PERF_STAMP_LEN;
}

uint16_t
vs_perf_rx_cb(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t nb, uint16_t max,
	      void *arg)
{
	struct vs_perf_rxq *q = arg;
	const struct vs_perf_workload *w = q->w;
	uint64_t now, bytes = 0;
	uint16_t n, i, made = 0;

	(void)port;
	(void)queue;
	if (unlikely(q->next_st < q->n_st))
		return (uint16_t)(nb + vs_perf_announce(q, pkts + nb, (uint16_t)(max - nb)));
	if (w == NULL || nb >= max)
		return nb;
	pkts += nb;
	now = rte_rdtsc();
	n = vs_perf_budget(q, (uint16_t)(max - nb), now);
	if (n == 0)
		return nb;
	if (unlikely(rte_pktmbuf_alloc_bulk(q->mp, pkts, n) != 0)) {
		q->c.no_mbuf++;
		return nb;
	}
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[made];
		uint32_t len = w->len[q->next];
		const uint8_t *src = w->data + w->off[q->next];

		if (++q->next == w->n)
			q->next = 0;
		if (likely(len <= rte_pktmbuf_tailroom(m))) {
			rte_memcpy(rte_pktmbuf_mtod(m, void *), src, len);
			m->data_len = (uint16_t)len;
			m->pkt_len = len;
		} else if (vs_perf_fill_chain(m, src, len, q->mp) != 0) {
			rte_pktmbuf_free(m);
			q->c.no_mbuf++;
			continue;
		}
		*vs_perf_ts(m) = now;
		m->ol_flags |= vs_perf_ts_flag;
		if (q->stamp != NULL && q->stamp[(q->next ? q->next : w->n) - 1] &&
		    m->nb_segs == 1)
			vs_perf_stamp_write(rte_pktmbuf_mtod(m, uint8_t *), len, now);
		bytes += len;
		made++;
	}
	q->c.replayed += made;
	q->c.replayed_bytes += bytes;
	return (uint16_t)(nb + made);
}

uint16_t
vs_perf_tx_cb(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t nb, void *arg)
{
	struct vs_perf_txq *q = arg;
	uint64_t now = rte_rdtsc(), bytes = 0, unstamped = 0;
	uint16_t i;

	(void)port;
	(void)queue;
	for (i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];

		/* A frame on the wire is at least 60 bytes before its FCS. */
		bytes += m->pkt_len < 60 ? 60 : m->pkt_len;
		uint64_t ts;

		if (likely(m->ol_flags & vs_perf_ts_flag))
			vs_perf_hist_add(&q->lat, now - *vs_perf_ts(m));
		else if (m->nb_segs == 1 &&
			 vs_perf_stamp_read(rte_pktmbuf_mtod(m, const uint8_t *), m->pkt_len, &ts))
			vs_perf_hist_add(&q->lat, now - ts);
		else
			unstamped++;
	}
	q->c.sunk += nb;
	q->c.sunk_bytes += bytes;
	q->c.unstamped += unstamped;
	return nb;
}
