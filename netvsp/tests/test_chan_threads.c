/* SPDX-License-Identifier: BSD-3-Clause */
/* The host→guest ring's one writer (control replies written by the worker,
 * or by the control thread when the worker left them unsent, and a burst
 * refused while the control thread holds the rings), and a run with the
 * guest, the control thread and the worker each on its own thread. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_mbuf.h>

#include "netvsp_priv.h"
#include "test_chan_priv.h"
#include "test_priv.h"

/* One writer on the host→guest ring: the control thread's replies go out
 * with the worker's next burst, or through the control thread itself once
 * they sat a whole poll; a burst meeting the token taken is refused. */
static void
test_one_writer(void)
{
	struct vs_netvsp_guest_opts o = {0};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, true);
	struct vs_netvsp_guest_stats gs;
	struct rte_mbuf *m[1], *rx[4];

	vs_netvsp_set_link(h.ch, false);
	vs_netvsp_ctl_poll(h.ch); /* queued, not written: the data path runs */
	vs_netvsp_guest_poll(g);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(gs.link_events, 0);
	CU_ASSERT_EQUAL(vs_netvsp_rx_burst(h.ch, rx, 4, test_mp), 0);
	vs_netvsp_guest_poll(g);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(gs.link_events, 1);
	vs_netvsp_set_link(h.ch, true);
	vs_netvsp_ctl_poll(h.ch);
	vs_netvsp_guest_poll(g);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(gs.link_events, 1);
	vs_netvsp_ctl_poll(h.ch); /* the worker stopped: written by C */
	vs_netvsp_guest_poll(g);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(gs.link_events, 2);
	CU_ASSERT(gs.link_up);
	CU_ASSERT_FATAL(vs_token_try(h.ch));
	m[0] = mk_mbuf(GMAC, 60, 0);
	CU_ASSERT_EQUAL(vs_netvsp_tx_burst(h.ch, m, 1), 0);
	CU_ASSERT_EQUAL(C(&h, tx_busy), 1);
	vs_token_put(h.ch);
	CU_ASSERT_EQUAL(deliver(&h, g, m, 1), 1);
	CU_ASSERT_EQUAL(drain(g, NULL), 1);
	CU_ASSERT(C(&h, ctl_signals) + C(&h, rx_signals) + C(&h, tx_signals) > 0);
	teardown(&h, g);
}

static void *
host_thread(void *arg)
{
	struct host *h = arg;
	struct rte_mbuf *pend[64];
	uint16_t np = 0;

	while (!__atomic_load_n(&h->ctl_only, __ATOMIC_ACQUIRE)) {
		uint16_t n, took;

		n = vs_netvsp_rx_burst(h->ch, pend + np, (uint16_t)(64 - np), test_mp);
		for (uint16_t i = np; i < np + n; i++) /* echo back to the guest */
			memcpy(rte_pktmbuf_mtod(pend[i], uint8_t *), GMAC, 6);
		np += n;
		if (n == 0 && np == 0)
			sched_yield(); /* the test machine may have fewer cores than threads */
		took = vs_netvsp_tx_burst(h->ch, pend, np);
		for (uint16_t i = 0; i < took; i++)
			rte_pktmbuf_free(pend[i]);
		memmove(pend, pend + took, (np - took) * sizeof(pend[0]));
		np -= took;
	}
	for (uint16_t i = 0; i < np; i++)
		rte_pktmbuf_free(pend[i]);
	return NULL;
}

/* The control thread of vswitchd, beside the worker. */
static void *
ctl_thread(void *arg)
{
	struct host *h = arg;

	while (!__atomic_load_n(&h->ctl_only, __ATOMIC_ACQUIRE)) {
		vs_netvsp_ctl_poll(h->ch);
		sched_yield();
	}
	return NULL;
}

static void
test_threads(void)
{
	struct vs_netvsp_guest_opts o = {0};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, false);
	pthread_t t, tc;
	uint32_t sent = 0, got = 0, want = 20000, queries = 0;
	static uint8_t f[8][200];
	const void *fr[8];
	uint32_t len[8];
	struct vs_netvsp_guest_stats gs;

	vs_netvsp_guest_set_idle(g, NULL, NULL); /* the host runs in its own thread */
	CU_ASSERT_EQUAL_FATAL(pthread_create(&tc, NULL, ctl_thread, &h), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, host_thread, &h), 0);
	CU_ASSERT_EQUAL(vs_netvsp_guest_bringup(g), 0);
	for (int i = 0; i < 8; i++) {
		fr[i] = f[i];
		len[i] = tcp_frame(f[i], 60 + 16 * i, OTHER, (uint8_t)i);
	}
	for (time_t end = time(NULL) + 20; (sent < want || got < sent) && time(NULL) < end;) {
		static struct vs_netvsp_guest_frame rf;

		enum vs_netvsp_guest_path path = (sent / 8) % 4 ? VS_GUEST_TX_SECTION
							       : VS_GUEST_TX_GPA;

		if (sent < want) {
			int rc = vs_netvsp_guest_send(g, fr, len, NULL, 8, path);

			/* A part-way GPA send counts what went; the next round
			 * starts a new batch of 8 (the frames are alike). */
			if (rc == 0)
				sent += 8;
			else if (rc > 0)
				sent += (uint32_t)rc;
		}
		vs_netvsp_guest_poll(g);
		while (vs_netvsp_guest_recv(g, &rf) == 0)
			got++;
		if (sent / 1000 > queries) {
			/* A control exchange under traffic: its reply shares
			 * the ring with the worker's indications. */
			uint32_t st = 1, val = 1, vlen = sizeof(val);

			queries++;
			CU_ASSERT_EQUAL(vs_netvsp_guest_query(g, OID_GEN_MEDIA_CONNECT_STATUS,
							      NULL, 0, &val, &vlen, &st), 0);
			CU_ASSERT_EQUAL(st, 0);
			CU_ASSERT_EQUAL(val, 0); /* connected */
		}
	}
	__atomic_store_n(&h.ctl_only, true, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	pthread_join(tc, NULL);
	vs_netvsp_guest_stats(g, &gs);
	if (got != sent)
		printf("\n  sent %u got %u completed %lu failed %lu dropped %lu perr %lu rxp %lu txp %lu nosec %lu ring %lu\n",
		       sent, got, gs.tx_completed, gs.tx_failed, gs.rx_dropped, gs.protocol_errors,
		       C(&h, rx_packets), C(&h, tx_packets), C(&h, tx_no_section), C(&h, tx_ring_full));
	if (got != sent) {
		uint64_t c[VS_NETVSP_N_COUNTERS];

		vs_netvsp_counters(h.ch, c);
		for (int i = 0; i < VS_NETVSP_N_COUNTERS; i++)
			if (c[i])
				printf("  %s=%lu", vs_netvsp_counter_name(i), (unsigned long)c[i]);
		printf("\n outstanding %u\n", vs_netvsp_guest_tx_outstanding(g));
	}
	CU_ASSERT(sent >= want);
	CU_ASSERT_EQUAL(got, sent); /* every frame sent came back, once */
	CU_ASSERT_EQUAL(gs.protocol_errors, 0);
	CU_ASSERT_EQUAL(gs.tx_failed, 0);
	vs_netvsp_guest_set_idle(g, host_poll, &h);
	h.ctl_only = false;
	teardown(&h, g);
}

int
test_chan_threads_register(CU_pSuite s)
{
	return !CU_add_test(s, "one writer on the host to guest ring", test_one_writer) ||
	       !CU_add_test(s, "guest, control and worker threads: 20000 frames echoed",
			    test_threads);
}
