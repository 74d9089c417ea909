/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath on two running workers (its own binary: three EAL lcores
 * on whatever CPUs there are).  The software VMQ suite (VMQ per worker,
 * on/off under traffic, placement) is test_vswitch_mw_vmq.c's, storm
 * control on a port both workers poll test_storm_mw.c's; here:
 *
 *   - a netvsc port on a two-worker datapath, driven by the guest
 *     simulator both ways, its frames from the other worker through the
 *     transmit hand-off;
 *   - a multi-queue netvsc port (3 queues, the guest on 2 subchannels):
 *     the subchannel queues on the other worker, which alone receives
 *     what the guest sends on them, and frames of several flows reach
 *     the guest spread over all three channels, each flow on one, in
 *     order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "guest.h"
#include "test_env.h"
#include "testmain.h"
#include "vswitch.h"

/* netvsc on two workers: the port on worker 1, the ring port on worker 0. */
static struct vs_dp *ndp;

static void
host_poll(void *arg)
{
	(void)arg;
	vs_dp_ctl_poll(ndp, NULL);
}

static void
test_netvsc_two_workers(void)
{
	enum { N = 300 };
	unsigned int l0 = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
	unsigned int l1 = rte_get_next_lcore(l0, 1, 0);
	struct vs_dp_conf dc = {.fdb_size = 1024, .n_workers = 2};
	struct vs_switch_conf sc = {.name = "s", .type = VS_SWITCH_PRIVATE};
	struct vs_port_conf vm = {.name = "vm", .switch_name = "s", .kind = VS_PORT_NETVSC,
				  .pinned = true, .lcore = (uint16_t)l1};
	struct vs_port_conf r = {.name = "r", .switch_name = "s", .kind = VS_PORT_RING,
				 .pinned = true, .lcore = (uint16_t)l0};
	struct vs_netvsp_guest_opts go = {.recv_buf_size = 2u << 20, .idle = host_poll};
	struct vs_netvsp_guest_frame *f = malloc(sizeof(*f));
	struct vs_worker_stats w0a, w0b;
	struct vs_netvsp_guest *g;
	struct vs_port_conf got;
	uint8_t frame[60];
	const void *fp = frame;
	uint32_t len = sizeof(frame);
	char dir[] = "/tmp/vschanXXXXXX", path[64], err[256];
	unsigned int i, to_ring = 0, to_guest = 0, spins;
	int ri;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	/* Refused before: "a netvsc port works with one worker so far". */
	ndp = vs_test_vm_ring_dp(&dc, dir, &sc, &vm, &r);
	ri = vs_dp_port_index(ndp, "r");
	CU_ASSERT_EQUAL_FATAL(vs_dp_start(ndp, err, sizeof(err)), 0);
	vs_dp_port_conf(ndp, (unsigned int)vs_dp_port_index(ndp, "vm"), &got);
	snprintf(path, sizeof(path), "%s/vm", dir);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_open(path, &go, &g), 0);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_bringup(g), 0);

	/* Guest -> ring port (worker 1 receives, sends to the ring itself). */
	memset(frame, 0x33, sizeof(frame));
	memset(frame, 0xff, 6);
	memcpy(frame + 6, got.mac, 6);
	frame[12] = 0x08, frame[13] = 0x06;
	/* Until the port's worker has run its first receive burst after the
	 * guest came up, the control poll reads the guest's ring and drops
	 * its frames (netvsp.h): probe (byte 21 set) until one gets through. */
	frame[21] = 1;
	for (spins = 0; spins < 5000 && to_ring == 0; spins++) {
		struct rte_mbuf *m;

		vs_netvsp_guest_send(g, &fp, &len, NULL, 1, VS_GUEST_TX_SECTION);
		host_poll(NULL);
		vs_netvsp_guest_poll(g);
		rte_delay_us_sleep(200);
		while (rte_ring_dequeue(vs_dp_port_tx_ring(ndp, (unsigned int)ri), (void **)&m) == 0) {
			to_ring = 1;
			rte_pktmbuf_free(m);
		}
	}
	CU_ASSERT_FATAL(to_ring == 1);
	to_ring = 0;
	frame[21] = 0;
	for (i = 0; i < N; i++) {
		frame[20] = (uint8_t)i;
		/* Sections come back with the host's completions. */
		for (spins = 0; spins < 20000 &&
				vs_netvsp_guest_send(g, &fp, &len, NULL, 1, VS_GUEST_TX_SECTION) != 0;
		     spins++) {
			host_poll(NULL);
			vs_netvsp_guest_poll(g);
			rte_delay_us_sleep(20);
		}
		CU_ASSERT_FATAL(spins < 20000);
	}
	for (spins = 0; spins < 20000 && to_ring < N; spins++) {
		struct rte_mbuf *m;

		host_poll(NULL);
		while (rte_ring_dequeue(vs_dp_port_tx_ring(ndp, (unsigned int)ri), (void **)&m) == 0) {
			if (rte_pktmbuf_mtod(m, uint8_t *)[21] == 1) { /* a late probe */
				rte_pktmbuf_free(m);
				continue;
			}
			CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), sizeof(frame));
			CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, uint8_t *)[20], (uint8_t)to_ring);
			to_ring++;
			rte_pktmbuf_free(m);
		}
		rte_delay_us_sleep(50);
	}
	CU_ASSERT_EQUAL(to_ring, N);

	/* Ring port -> guest: worker 0 receives them and hands them to
	 * worker 1, which alone writes the guest's ring. */
	vs_dp_worker_stats(ndp, 0, &w0a);
	for (i = 0; i < N; i++) {
		struct rte_mbuf *m = vs_test_frame(ndp, got.mac,
						   (const uint8_t[6]){0x02, 0, 0, 0, 0, 0x77}, 0x0800,
						   70, (uint8_t)i);

		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		while (rte_ring_enqueue(vs_dp_port_rx_ring(ndp, (unsigned int)ri), m) != 0)
			rte_delay_us_sleep(10);
		if (i % 32 == 31) /* the guest's receive buffer is finite */
			for (spins = 0; spins < 200; spins++) {
				host_poll(NULL);
				vs_netvsp_guest_poll(g);
				while (vs_netvsp_guest_recv(g, f) == 0) {
					CU_ASSERT_EQUAL(f->len, 70);
					CU_ASSERT_EQUAL(f->data[20], (uint8_t)to_guest);
					to_guest++;
				}
				if (to_guest == i + 1)
					break;
				rte_delay_us_sleep(50);
			}
	}
	for (spins = 0; spins < 20000 && to_guest < N; spins++) {
		host_poll(NULL);
		vs_netvsp_guest_poll(g);
		while (vs_netvsp_guest_recv(g, f) == 0) {
			CU_ASSERT_EQUAL(f->data[20], (uint8_t)to_guest);
			to_guest++;
		}
		rte_delay_us_sleep(50);
	}
	CU_ASSERT_EQUAL(to_guest, N);
	vs_dp_worker_stats(ndp, 0, &w0b);
	CU_ASSERT_EQUAL(w0b.tx_handoff - w0a.tx_handoff, N);
	vs_netvsp_guest_close(g);
	vs_dp_destroy(ndp);
	rmdir(dir);
	free(f);
}

static const char *counter_name;
static uint64_t counter_value;

static void
counter_pick(const char *name, uint64_t v, void *arg)
{
	(void)arg;
	if (strcmp(name, counter_name) == 0)
		counter_value = v;
}

static uint64_t
port_counter(struct vs_dp *d, int idx, const char *name)
{
	counter_name = name;
	counter_value = 0;
	vs_dp_port_backend_counters(d, (unsigned int)idx, counter_pick, NULL);
	return counter_value;
}

/* Frames received from queues of port vm, by worker. */
static uint64_t
worker_port_rx(struct vs_dp *d, unsigned int w, int vm, uint16_t queue)
{
	struct vs_worker_queue q[64];
	unsigned int n = vs_dp_worker_queues(d, w, q, 64);
	uint64_t v = 0;

	for (unsigned int i = 0; i < n && i < 64; i++)
		if (q[i].port == vm && q[i].queue == queue && !q[i].vmq)
			v = q[i].packets; /* per port and worker: every queue's */
	return v;
}

static void
test_netvsc_multiqueue(void)
{
	enum { FLOWS = 12, PER = 40 };
	unsigned int l0 = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
	unsigned int l1 = rte_get_next_lcore(l0, 1, 0);
	struct vs_dp_conf dc = {.fdb_size = 1024, .n_workers = 2};
	struct vs_switch_conf sc = {.name = "s", .type = VS_SWITCH_PRIVATE};
	struct vs_port_conf vm = {.name = "vm", .switch_name = "s", .kind = VS_PORT_NETVSC,
				  .pinned = true, .lcore = (uint16_t)l0, .queues = 3};
	struct vs_port_conf r = {.name = "r", .switch_name = "s", .kind = VS_PORT_RING,
				 .pinned = true, .lcore = (uint16_t)l0};
	struct vs_netvsp_guest_opts go = {.recv_buf_size = 2u << 20, .idle = host_poll,
					  .subchannels = 2};
	struct vs_netvsp_guest_frame *f = malloc(sizeof(*f));
	struct vs_netvsp_guest_stats gs;
	struct vs_netvsp_guest *g;
	struct vs_port_conf got;
	uint8_t frame[60];
	const void *fp = frame;
	uint32_t len = sizeof(frame), next[FLOWS] = {0}, chan[FLOWS];
	char dir[] = "/tmp/vschanXXXXXX", path[64], err[256];
	unsigned int i, n = 0, spins, wrong = 0;
	int ri, vi;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	ndp = vs_test_vm_ring_dp(&dc, dir, &sc, &vm, &r);
	ri = vs_dp_port_index(ndp, "r");
	vi = vs_dp_port_index(ndp, "vm");
	/* Queue 0 where pinned, subchannel queue q on the q-th worker after
	 * it; a pin moves queue 2 next to queue 1. */
	CU_ASSERT_EQUAL(vs_dp_port_queue_worker(ndp, (unsigned int)vi, 0), 0);
	CU_ASSERT_EQUAL(vs_dp_port_queue_worker(ndp, (unsigned int)vi, 1), 1);
	CU_ASSERT_EQUAL(vs_dp_port_queue_worker(ndp, (unsigned int)vi, 2), 0);
	CU_ASSERT_EQUAL(vs_dp_port_queue_worker(ndp, (unsigned int)vi, 3), -ENOENT);
	CU_ASSERT_EQUAL(vs_dp_port_set_placement(ndp, "vm", 2, true, l1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_queue_worker(ndp, (unsigned int)vi, 2), 1);
	CU_ASSERT_EQUAL(vs_dp_port_set_placement_check(ndp, "vm", 3, true, l1, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "queue"));
	vs_dp_port_conf(ndp, (unsigned int)vi, &got);
	CU_ASSERT_EQUAL(got.queue_pinned, 1u << 2);
	CU_ASSERT_EQUAL(got.queue_lcore[2], l1);
	/* A pin in the configuration (a restart) places the queue. */
	{
		struct vs_port_conf vm2 = vm;
		int i2;

		snprintf(vm2.name, sizeof(vm2.name), "vm2");
		vm2.queues = 2;
		vm2.queue_pinned = 1u << 1;
		vm2.queue_lcore[1] = (uint16_t)l0;
		CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(ndp, &vm2, err, sizeof(err)), 0);
		i2 = vs_dp_port_index(ndp, "vm2");
		CU_ASSERT_EQUAL(vs_dp_port_queue_worker(ndp, (unsigned int)i2, 1), 0);
		CU_ASSERT_EQUAL(vs_dp_port_del(ndp, "vm2", err, sizeof(err)), 0);
	}
	CU_ASSERT_EQUAL_FATAL(vs_dp_start(ndp, err, sizeof(err)), 0);
	vs_dp_port_conf(ndp, (unsigned int)vi, &got);
	CU_ASSERT_EQUAL(got.queues, 3);
	snprintf(path, sizeof(path), "%s/vm", dir);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_open(path, &go, &g), 0);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_bringup(g), 0);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL_FATAL(gs.queues, 3);

	/* Guest -> switch on subchannels 1 and 2: worker 1 alone receives
	 * them; worker 0 (queue 0) none. */
	memset(frame, 0x33, sizeof(frame));
	memset(frame, 0xff, 6);
	memcpy(frame + 6, got.mac, 6);
	frame[12] = 0x08, frame[13] = 0x06;
	for (i = 0; i < 2 * PER; i++) {
		CU_ASSERT_EQUAL(vs_netvsp_guest_set_tx_queue(g, (uint16_t)(1 + i % 2)), 0);
		for (spins = 0; spins < 20000 &&
				vs_netvsp_guest_send(g, &fp, &len, NULL, 1, VS_GUEST_TX_SECTION) != 0;
		     spins++) {
			host_poll(NULL);
			vs_netvsp_guest_poll(g);
			rte_delay_us_sleep(20);
		}
	}
	for (spins = 0; spins < 20000 && n < 2 * PER; spins++) {
		struct rte_mbuf *m;

		host_poll(NULL);
		vs_netvsp_guest_poll(g);
		while (rte_ring_dequeue(vs_dp_port_tx_ring(ndp, (unsigned int)ri), (void **)&m) == 0) {
			n++;
			rte_pktmbuf_free(m);
		}
		rte_delay_us_sleep(50);
	}
	CU_ASSERT_EQUAL(n, 2 * PER);
	CU_ASSERT_EQUAL(worker_port_rx(ndp, 1, vi, 1), 2 * PER);
	CU_ASSERT_EQUAL(worker_port_rx(ndp, 0, vi, 0), 0);

	/* Ring port -> guest: IPv4/TCP flows, spread by the guest's RSS;
	 * each flow stays on one channel, in order, and every channel gets
	 * some. */
	for (i = 0; i < FLOWS * PER; i++) {
		unsigned int fl = i % FLOWS;
		struct rte_mbuf *m = vs_test_frame(ndp, got.mac,
						   (const uint8_t[6]){0x02, 0, 0, 0, 0, 0x77}, 0x0800,
						   80, 0);
		uint8_t *b;

		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		b = rte_pktmbuf_mtod(m, uint8_t *);
		memset(b + 14, 0, 40);
		b[14] = 0x45, b[16] = 0, b[17] = 66, b[22] = 64, b[23] = 6;
		b[26] = 10, b[29] = (uint8_t)(fl + 1), b[30] = 10, b[31] = 1, b[33] = 9;
		b[34] = 0x9c, b[35] = (uint8_t)(fl * 13), b[36] = 0, b[37] = 80, b[46] = 0x50;
		b[70] = (uint8_t)fl, b[71] = (uint8_t)(i / FLOWS);
		while (rte_ring_enqueue(vs_dp_port_rx_ring(ndp, (unsigned int)ri), m) != 0)
			rte_delay_us_sleep(10);
		if (i % 32 != 31 && i + 1 != FLOWS * PER)
			continue;
		for (spins = 0; spins < 400; spins++) {
			host_poll(NULL);
			vs_netvsp_guest_poll(g);
			while (vs_netvsp_guest_recv(g, f) == 0) {
				unsigned int k = f->data[70];

				if (f->len != 80 || k >= FLOWS || f->data[71] != next[k] ||
				    (next[k] > 0 && chan[k] != f->queue)) {
					wrong++;
					continue;
				}
				chan[k] = f->queue;
				next[k]++;
			}
			vs_netvsp_guest_stats(g, &gs);
			if (gs.rx_frames == i + 1)
				break;
			rte_delay_us_sleep(50);
		}
	}
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(gs.rx_frames, FLOWS * PER);
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT_EQUAL(gs.protocol_errors, 0);
	CU_ASSERT(gs.rx_frames_q[0] > 0 && gs.rx_frames_q[1] > 0 && gs.rx_frames_q[2] > 0);
	/* The subchannels' frames were handed to their worker's bursts. */
	CU_ASSERT_EQUAL(port_counter(ndp, vi, "tx_handed"), gs.rx_frames_q[1] + gs.rx_frames_q[2]);
	CU_ASSERT_EQUAL(port_counter(ndp, vi, "tx_busy"), 0);
	vs_netvsp_guest_close(g);
	vs_dp_destroy(ndp);
	rmdir(dir);
	free(f);
}

static CU_ErrorCode
mw_init(void)
{
	CU_ErrorCode rc = vs_test_register_mw_vmq();
	CU_pSuite n;

	if (rc == CUE_SUCCESS)
		rc = vs_test_register_storm_mw();
	if (rc != CUE_SUCCESS)
		return rc;
	n = CU_add_suite("netvsc on two workers", NULL, NULL);
	if (n == NULL ||
	    !CU_add_test(n, "guest simulator both ways, transmit handed to the port's worker",
			 test_netvsc_two_workers) ||
	    !CU_add_test(n, "multi-queue: subchannel queues on the other worker, RSS spread",
			 test_netvsc_multiqueue))
		return CU_get_error();
	return CUE_SUCCESS;
}

int
main(void)
{
	static const struct vs_test_module m = {
		.name = "test_vswitch_mw", .lcores = "(0-2)@(0-1)", .mem_mb = "1024", .init = mw_init};

	return vs_test_main(&m);
}
