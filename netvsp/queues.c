/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The queues of a channel: the primary and its subchannel objects (ref
 * §3.5 NVSP 133; netvsp.h "Multi-queue"), their rings in the channel file
 * after the primary pair (ARCHITECTURE §6), each subchannel's hand-off
 * ring from the primary's tx_burst, and the reset of a subchannel when the
 * guest opens it.  Control thread, except vs_netvsp_queue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "netvsp_priv.h"

struct vs_netvsp *
vs_netvsp_queue(struct vs_netvsp *ch, uint16_t q)
{
	return q < ch->prim->max_q ? ch->prim->q[q] : NULL;
}

uint16_t
vs_netvsp_max_queues(const struct vs_netvsp *ch)
{
	return ch->prim->max_q;
}

static struct vs_netvsp *
queue_alloc(void)
{
	struct vs_netvsp *ch =
		aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN(sizeof(*ch), RTE_CACHE_LINE_SIZE));

	if (ch != NULL)
		memset(ch, 0, sizeof(*ch));
	return ch;
}

void
vs_queues_free(struct vs_netvsp *ch)
{
	for (uint16_t q = 1; q < VS_NETVSP_MAX_QUEUES; q++) {
		struct rte_mbuf *m;

		if (ch->q[q] == NULL)
			continue;
		while (ch->q[q]->txq != NULL && rte_ring_dequeue(ch->q[q]->txq, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_pktmbuf_free_bulk(ch->q[q]->held, ch->q[q]->n_held);
		rte_ring_free(ch->q[q]->txq);
		free(ch->q[q]);
	}
	free(ch);
}

static struct rte_ring *
txq_make(void)
{
	static uint32_t seq;
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "vsnv_txq%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	/* One producer and one consumer, but head/tail sync (HTS): its
	 * index moves are C11 atomics, which ThreadSanitizer follows (the
	 * default mode's barriers it cannot see). */
	return rte_ring_create(name, VS_TXQ_LEN, SOCKET_ID_ANY,
			       RING_F_MP_HTS_ENQ | RING_F_MC_HTS_DEQ);
}

struct vs_netvsp *
vs_queues_make(uint16_t nq)
{
	struct vs_netvsp *ch = queue_alloc();

	if (ch == NULL)
		return NULL;
	ch->prim = ch;
	ch->q[0] = ch;
	ch->max_q = nq;
	for (uint16_t q = 1; q < nq; q++) {
		if ((ch->q[q] = queue_alloc()) == NULL || (ch->q[q]->txq = txq_make()) == NULL) {
			vs_queues_free(ch);
			return NULL;
		}
	}
	return ch;
}

void
vs_queues_attach(struct vs_netvsp *ch, uint32_t ring)
{
	for (uint16_t q = 1; q < ch->max_q; q++) {
		struct vs_netvsp *s = ch->q[q];
		uint8_t *r = ch->map + VS_PAGE + 2ull * ring * q;

		s->fd = -1;
		s->signal_fd = -1;
		s->map = ch->map;
		s->hdr = (struct vs_chan_hdr *)ch->map;
		s->arena = ch->arena;
		s->arena_size = ch->arena_size;
		s->l2_mtu = ch->l2_mtu;
		s->prim = ch;
		s->qid = q;
		vs_ring_attach(&s->in, r, ring);
		vs_ring_attach(&s->out, r + ring, ring);
	}
}

/* The guest opened (or reopened) subchannel q: a fresh pair of rings and
 * a fresh share of the receive buffer.  Its token keeps its worker out;
 * the queue is used only once pub.sub_open says so. */
static void
sub_reset(struct vs_netvsp *s)
{
	while (!vs_token_try(s))
		rte_pause();
	vs_ring_resync(&s->in);
	vs_ring_resync(&s->out);
	vs_ring_set_mask(&s->in, 1);
	s->rx.n_pend = 0;
	vs_chan_free_stash(s);
	s->tx.nq = 0; /* rebuild the section allocator */
	__atomic_store_n(&s->dead, 0, __ATOMIC_RELAXED);
	vs_token_put(s);
}

void
vs_sub_poll(struct vs_netvsp *ch)
{
	struct vs_ctl *c = &ch->c;
	uint32_t want = __atomic_load_n(&ch->hdr->sub_open, __ATOMIC_ACQUIRE), up;

	want &= ((1u << (c->n_sub + 1)) - 1) & ~1u;
	if (want == c->sub_open)
		return;
	up = want & ~c->sub_open;
	/* Closed ones first, so no worker uses a queue being reset. */
	c->sub_open &= want;
	vs_chan_publish(ch);
	for (uint16_t q = 1; q < ch->max_q; q++)
		if (up >> q & 1)
			sub_reset(ch->q[q]);
	c->sub_open = want;
	vs_chan_publish(ch);
}
