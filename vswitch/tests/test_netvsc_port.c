/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A netvsc port in-process: the guest simulator brings the channel up
 * against the datapath's control poll, then frames cross between the
 * synthetic NIC and a ring port through the real pipeline, both ways.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "guest.h"
#include "test_env.h"
#include "vswitch.h"

static struct vs_dp *ndp;

static void
host_poll(void *arg)
{
	(void)arg;
	vs_dp_ctl_poll(ndp, NULL);
	vs_dp_poll_once(ndp);
}

static void
test_netvsc_port_frames(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024};
	struct vs_switch_conf sc = {.name = "s", .type = VS_SWITCH_PRIVATE};
	struct vs_port_conf vm = {.name = "vm", .switch_name = "s", .kind = VS_PORT_NETVSC};
	struct vs_port_conf r = {.name = "r", .switch_name = "s", .kind = VS_PORT_RING};
	struct vs_netvsp_guest_opts go = {.recv_buf_size = 2u << 20, .idle = host_poll};
	struct vs_netvsp_guest_stats st;
	struct vs_netvsp_guest_frame *f = malloc(sizeof(*f));
	struct vs_netvsp_guest *g;
	struct vs_port_conf got;
	struct rte_mbuf *m;
	uint8_t frame[60];
	const void *fp = frame;
	uint32_t len = sizeof(frame);
	char dir[] = "/tmp/vschanXXXXXX", path[64], err[256];
	unsigned int channels = 0, i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(dc.chan_dir, sizeof(dc.chan_dir), "%s", dir);
	ndp = vs_dp_create(&dc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ndp);
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(ndp, &sc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(ndp, &vm, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(ndp, &r, err, sizeof(err)), 0);
	vs_dp_ctl_poll(ndp, &channels);
	CU_ASSERT_EQUAL(channels, 1);
	/* The VM's MAC is made up in Hyper-V's range and kept. */
	CU_ASSERT_EQUAL(vs_dp_port_conf(ndp, (unsigned int)vs_dp_port_index(ndp, "vm"), &got), 0);
	CU_ASSERT(got.has_mac && got.mac[0] == 0x00 && got.mac[1] == 0x15 && got.mac[2] == 0x5d);

	snprintf(path, sizeof(path), "%s/vm", dir);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_open(path, &go, &g), 0);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_bringup(g), 0);
	vs_netvsp_guest_stats(g, &st);
	CU_ASSERT(memcmp(st.mac, got.mac, 6) == 0);

	/* Guest -> ring port: a broadcast from the VM's own MAC. */
	memset(frame, 0x33, sizeof(frame));
	memset(frame, 0xff, 6);
	memcpy(frame + 6, got.mac, 6);
	frame[12] = 0x08, frame[13] = 0x06;
	CU_ASSERT_EQUAL(vs_netvsp_guest_send(g, &fp, &len, NULL, 1, VS_GUEST_TX_SECTION), 0);
	for (i = 0; i < 1000 && rte_ring_count(vs_dp_port_tx_ring(ndp, 1)) == 0; i++)
		host_poll(NULL);
	CU_ASSERT_EQUAL_FATAL(rte_ring_dequeue(vs_dp_port_tx_ring(ndp, 1), (void **)&m), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), sizeof(frame));
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(m, void *), frame, sizeof(frame)) == 0);
	rte_pktmbuf_free(m);

	/* Ring port -> guest: unicast to the VM's MAC, known from the start. */
	m = vs_test_frame(ndp, got.mac, (const uint8_t[6]){0x02, 0, 0, 0, 0, 0x77}, 0x0800, 70, 9);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL_FATAL(rte_ring_enqueue(vs_dp_port_rx_ring(ndp, 1), m), 0);
	for (i = 0; i < 1000; i++) {
		host_poll(NULL);
		vs_netvsp_guest_poll(g);
		if (vs_netvsp_guest_recv(g, f) == 0)
			break;
	}
	CU_ASSERT_EQUAL(f->len, 70);
	CU_ASSERT(memcmp(f->data, got.mac, 6) == 0);
	vs_netvsp_guest_close(g);
	vs_dp_destroy(ndp);
	snprintf(path, sizeof(path), "%s/vm", dir);
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0); /* the channel file went with the port */
	rmdir(dir);
	free(f);
}

CU_ErrorCode
vs_test_register_netvsc_port(void)
{
	CU_pSuite s = CU_add_suite("netvsc port", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "guest bring-up, frames both ways", test_netvsc_port_frames))
		return CU_get_error();
	return CUE_SUCCESS;
}
