/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Subchannels under real threads: the host's control thread and two
 * workers each on its own thread, the guest on the test's.  Apart from
 * test_subch.c (whose suite it ends) because the threads and the state
 * they share are this test's alone.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_mbuf.h>

#include "netvsp_priv.h"
#include "test_chan_priv.h"
#include "test_priv.h"
#include "test_subch_priv.h"

/* Threads: the control thread, worker A (the primary: tx_burst of every
 * frame for the guest, rx_burst of queue 0), worker B (rx_burst of the two
 * subchannels, which writes what A handed them), and the guest. */
struct mq_threads {
	struct vs_netvsp *ch;
	struct flow fl[NFLOWS];
	uint32_t per_flow;
	int go, stop;
};

static void *
mq_ctl(void *arg)
{
	struct mq_threads *t = arg;

	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		vs_netvsp_ctl_poll(t->ch);
		sched_yield();
	}
	return NULL;
}

static void
rx_free(struct vs_netvsp *q)
{
	struct rte_mbuf *m[32];
	uint16_t n = vs_netvsp_rx_burst(q, m, 32, test_mp);

	rte_pktmbuf_free_bulk(m, n);
}

static void *
mq_worker_a(void *arg)
{
	struct mq_threads *t = arg;
	struct rte_mbuf *pend[NFLOWS];
	uint16_t np = 0;
	uint32_t s = 0;

	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		uint16_t took;

		rx_free(t->ch);
		if (!__atomic_load_n(&t->go, __ATOMIC_ACQUIRE) || (np == 0 && s == t->per_flow)) {
			sched_yield();
			continue;
		}
		/* Refused frames go again first: a flow keeps its order. */
		if (np == 0) {
			for (uint32_t i = 0; i < NFLOWS; i++)
				pend[np++] = flow_frame(&t->fl[i], (uint16_t)s);
			s++;
		}
		took = vs_netvsp_tx_burst(t->ch, pend, np);
		rte_pktmbuf_free_bulk(pend, took);
		memmove(pend, pend + took, (np - took) * sizeof(pend[0]));
		np -= took;
		if (took == 0)
			sched_yield();
	}
	rte_pktmbuf_free_bulk(pend, np);
	return NULL;
}

static void *
mq_worker_b(void *arg)
{
	struct mq_threads *t = arg;

	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		rx_free(vs_netvsp_queue(t->ch, 1));
		rx_free(vs_netvsp_queue(t->ch, 2));
		sched_yield();
	}
	return NULL;
}

static void
test_subch_threads(void)
{
	struct vs_netvsp_params p = {.arena_size = 16u << 20, .max_queues = 3};
	struct vs_netvsp_guest_opts o = {.subchannels = 2, .rss_key = KEY,
					 .recv_buf_size = 2u << 20, .timeout_ms = 5000};
	static struct mq_threads t;
	static struct vs_netvsp_guest_frame fr;
	struct vs_netvsp_guest *g = NULL;
	struct vs_netvsp_guest_stats gs;
	uint32_t table[NDIS_RSS_TABLE_MAX], hash, info, got = 0, wrong = 0, per_q[3] = {0};
	uint16_t want[NFLOWS], next[NFLOWS] = {0};
	pthread_t tc, ta, tb;
	char err[128];

	memset(&t, 0, sizeof(t));
	t.per_flow = 150;
	memcpy(p.mac, GMAC, 6);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_create(test_dir, "mq_threads", &p, &t.ch, err,
					       sizeof(err)), 0);
	for (uint32_t i = 0; i < NDIS_RSS_TABLE_MAX; i++)
		table[i] = i % 3;
	for (uint32_t i = 0; i < NFLOWS; i++) {
		t.fl[i] = (struct flow){.v6 = i % 2 == 1, .udp = i % 5 == 3, .id = (uint8_t)(i + 1),
					.sport = (uint16_t)(1024 + 331 * i), .dport = 80};
		want[i] = flow_expect(&t.fl[i], table, &hash, &info);
		per_q[want[i]]++;
	}
	CU_ASSERT_FATAL(per_q[1] > 0 && per_q[2] > 0);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_open(vs_netvsp_path(t.ch), &o, &g), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&tc, NULL, mq_ctl, &t), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&ta, NULL, mq_worker_a, &t), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&tb, NULL, mq_worker_b, &t), 0);
	CU_ASSERT_EQUAL(vs_netvsp_guest_bringup(g), 0);
	__atomic_store_n(&t.go, 1, __ATOMIC_RELEASE);
	for (time_t end = time(NULL) + 20; got < NFLOWS * t.per_flow && time(NULL) < end;) {
		vs_netvsp_guest_poll(g);
		while (vs_netvsp_guest_recv(g, &fr) == 0) {
			uint32_t i = fr.data[FLEN - 4] - 1u;
			uint16_t seq = (uint16_t)(fr.data[FLEN - 2] << 8 | fr.data[FLEN - 1]);

			got++;
			if (i >= NFLOWS || fr.queue != want[i] || seq != next[i])
				wrong++;
			else
				next[i]++;
		}
	}
	/* The guest leaves while the host's threads still answer it. */
	vs_netvsp_guest_stats(g, &gs);
	vs_netvsp_guest_close(g);
	__atomic_store_n(&t.stop, 1, __ATOMIC_RELEASE);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_join(tc, NULL);
	if (got != NFLOWS * t.per_flow || wrong != 0)
		for (uint16_t q = 0; q < 3; q++) {
			struct vs_netvsp *c = vs_netvsp_queue(t.ch, q);

			printf("\n  queue %u: tx %" PRIu64 " handed %" PRIu64 " not_ready %" PRIu64
			       " no_section %" PRIu64 " ring_full %" PRIu64 " busy %" PRIu64
			       " queue_full %" PRIu64 "; guest got %u of %u", q,
			       vs_netvsp_counter(c, VS_NETVSP_C_tx_packets),
			       vs_netvsp_counter(c, VS_NETVSP_C_tx_handed),
			       vs_netvsp_counter(c, VS_NETVSP_C_tx_not_ready),
			       vs_netvsp_counter(c, VS_NETVSP_C_tx_no_section),
			       vs_netvsp_counter(c, VS_NETVSP_C_tx_ring_full),
			       vs_netvsp_counter(c, VS_NETVSP_C_tx_busy),
			       vs_netvsp_counter(c, VS_NETVSP_C_tx_queue_full),
			       (unsigned int)gs.rx_frames_q[q], per_q[q] * t.per_flow);
			if (q == 2)
				printf(" (guest dropped %" PRIu64 ")", gs.rx_dropped);
		}
	CU_ASSERT_EQUAL(got, NFLOWS * t.per_flow);
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT_EQUAL(gs.protocol_errors, 0);
	CU_ASSERT_EQUAL(gs.rx_dropped, 0);
	for (uint16_t q = 0; q < 3; q++)
		CU_ASSERT_EQUAL(gs.rx_frames_q[q], per_q[q] * t.per_flow);
	/* Worker B alone polled the subchannels: their frames were written
	 * by it, on their own rings. */
	for (uint16_t q = 1; q < 3; q++)
		CU_ASSERT_EQUAL(vs_netvsp_counter(vs_netvsp_queue(t.ch, q), VS_NETVSP_C_tx_packets),
				per_q[q] * t.per_flow);
	vs_netvsp_ctl_poll(t.ch);
	vs_netvsp_destroy(t.ch);
}
int
test_subch_threads_register(CU_pSuite s)
{
	return !CU_add_test(s, "subchannels on their own worker thread", test_subch_threads);
}
