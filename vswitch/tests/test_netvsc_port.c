/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A netvsc port in-process: the guest simulator brings the channel up
 * against the datapath's control poll, then frames cross between the
 * synthetic NIC and a ring port through the real pipeline, both ways.
 * RSC: a TCP superframe from the ring port reaches a guest that enabled
 * RSC whole (one coalesced frame) and one that did not as MSS-sized
 * segments, the port's capabilities following what each guest chose.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "guest.h"
#include "offload.h"
#include "test_frames.h"
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
	char dir[] = "/tmp/vschanXXXXXX", path[64];
	unsigned int channels = 0, i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	ndp = vs_test_vm_ring_dp(&dc, dir, &sc, &vm, &r);
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

#define RSC_MSS 1448u
#define RSC_PAYLOAD 60000u

/* A guest on port name, up. */
static struct vs_netvsp_guest *
rsc_guest(const char *dir, const char *name, bool rsc, uint8_t mac[6])
{
	struct vs_netvsp_guest_opts go = {.recv_buf_size = 4u << 20, .idle = host_poll,
					  .no_rsc = !rsc};
	struct vs_netvsp_guest_stats st;
	struct vs_netvsp_guest *g;
	char path[64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_open(path, &go, &g), 0);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_bringup(g), 0);
	vs_netvsp_guest_stats(g, &st);
	CU_ASSERT_EQUAL(st.rsc, rsc);
	memcpy(mac, st.mac, 6);
	return g;
}

/* A superframe from the ring port r to dst, as a sending guest's LSO
 * arrives; its bytes (lengths its own) in want. */
static void
rsc_inject(const uint8_t dst[6], uint8_t *want, uint32_t *len)
{
	struct tf_spec s = {.proto = TF_TCP, .payload = RSC_PAYLOAD, .tcp_opt_len = 12,
			    .seq = 5000, .ip_id = 1, .seg_size = 2000, .v6_routing_left = -1};
	struct rte_mbuf *m;

	*len = tf_build(&s, want);
	memcpy(want, dst, 6);
	memcpy(want + 6, (const uint8_t[6]){0x02, 0, 0, 0, 0, 0x77}, 6);
	m = tf_mbuf_bytes(vs_dp_mempool(ndp), want, *len, s.seg_size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM | RTE_MBUF_F_TX_IPV4 |
		       RTE_MBUF_F_TX_IP_CKSUM;
	m->tso_segsz = RSC_MSS;
	m->l2_len = 14;
	m->l3_len = 20;
	m->l4_len = 32;
	CU_ASSERT_EQUAL_FATAL(
		rte_ring_enqueue(vs_dp_port_rx_ring(ndp, (unsigned int)vs_dp_port_index(ndp, "r")),
				 m),
		0);
}

/* Frames a guest received within a few hundred polls. */
static uint32_t
rsc_collect(struct vs_netvsp_guest *g, struct vs_netvsp_guest_frame *f, uint8_t **frames,
	    uint32_t *lens, bool *rsc, uint32_t max)
{
	uint32_t n = 0;

	for (int i = 0; i < 300; i++) {
		host_poll(NULL);
		vs_netvsp_guest_poll(g);
		while (n < max && vs_netvsp_guest_recv(g, f) == 0) {
			frames[n] = malloc(f->len);
			memcpy(frames[n], f->data, f->len);
			lens[n] = f->len;
			rsc[n++] = f->rsc;
		}
	}
	return n;
}

static void
test_netvsc_port_rsc(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024};
	struct vs_switch_conf sc = {.name = "s", .type = VS_SWITCH_PRIVATE};
	struct vs_port_conf pc = {.switch_name = "s", .kind = VS_PORT_NETVSC};
	struct vs_port_conf r = {.name = "r", .switch_name = "s", .kind = VS_PORT_RING};
	struct vs_netvsp_guest_frame *f = malloc(sizeof(*f));
	struct vs_netvsp_guest *g1, *g2;
	uint8_t mac1[6], mac2[6], *want = malloc(RSC_PAYLOAD + 512), *frames[64];
	uint32_t len, lens[64], n, sup, act, total = 0;
	bool rsc[64];
	char dir[] = "/tmp/vschanXXXXXX", err[256];
	struct tf_view v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(dc.chan_dir, sizeof(dc.chan_dir), "%s", dir);
	ndp = vs_dp_create(&dc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ndp);
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(ndp, &sc, err, sizeof(err)), 0);
	strcpy(pc.name, "vm1");
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(ndp, &pc, err, sizeof(err)), 0);
	strcpy(pc.name, "vm2");
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(ndp, &pc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(ndp, &r, err, sizeof(err)), 0);
	vs_dp_ctl_poll(ndp, NULL);
	/* Before any guest: no superframes for either port. */
	CU_ASSERT_EQUAL(vs_dp_port_offload_caps(ndp, (unsigned int)vs_dp_port_index(ndp, "vm1"),
						&sup, &act), 0);
	CU_ASSERT_EQUAL(sup & VS_OFFLOAD_RSC_ALL, 0);
	g1 = rsc_guest(dir, "vm1", true, mac1);
	g2 = rsc_guest(dir, "vm2", false, mac2);
	vs_dp_ctl_poll(ndp, NULL);
	CU_ASSERT_EQUAL(vs_dp_port_offload_caps(ndp, (unsigned int)vs_dp_port_index(ndp, "vm1"),
						&sup, &act), 0);
	CU_ASSERT_EQUAL(act & VS_OFFLOAD_RSC_ALL, VS_OFFLOAD_RSC_ALL);
	CU_ASSERT_EQUAL(vs_dp_port_offload_caps(ndp, (unsigned int)vs_dp_port_index(ndp, "vm2"),
						&sup, &act), 0);
	CU_ASSERT_EQUAL(act & VS_OFFLOAD_RSC_ALL, 0);

	/* To the RSC guest: the superframe whole, its lengths its own. */
	rsc_inject(mac1, want, &len);
	n = rsc_collect(g1, f, frames, lens, rsc, 64);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT(rsc[0]);
	CU_ASSERT_EQUAL(lens[0], len);
	tf_view(frames[0], lens[0], &v);
	CU_ASSERT(v.ok && v.ip_csum_ok && v.ip_len == len - 14 && v.payload_len == RSC_PAYLOAD);
	/* The payload as sent; the TCP checksum is the sender's to leave. */
	CU_ASSERT(memcmp(frames[0] + v.payload_off, want + v.payload_off, RSC_PAYLOAD) == 0);
	free(frames[0]);

	/* To the other: MSS-sized segments with their checksums. */
	rsc_inject(mac2, want, &len);
	n = rsc_collect(g2, f, frames, lens, rsc, 64);
	CU_ASSERT_EQUAL(n, (RSC_PAYLOAD + RSC_MSS - 1) / RSC_MSS);
	for (uint32_t i = 0; i < n; i++) {
		CU_ASSERT(!rsc[i] && lens[i] <= 1514);
		tf_view(frames[i], lens[i], &v);
		CU_ASSERT(v.ok && v.ip_csum_ok && v.l4_csum_ok);
		total += v.payload_len;
		free(frames[i]);
	}
	CU_ASSERT_EQUAL(total, RSC_PAYLOAD);

	/* The RSC guest turns it off (ethtool -K lro off): the port's
	 * capability goes, and superframes reach it cut too. */
	CU_ASSERT_EQUAL(vs_netvsp_guest_set_rsc(g1, false), 0);
	vs_dp_ctl_poll(ndp, NULL);
	CU_ASSERT_EQUAL(vs_dp_port_offload_caps(ndp, (unsigned int)vs_dp_port_index(ndp, "vm1"),
						&sup, &act), 0);
	CU_ASSERT_EQUAL(act & VS_OFFLOAD_RSC_ALL, 0);
	rsc_inject(mac1, want, &len);
	n = rsc_collect(g1, f, frames, lens, rsc, 64);
	CU_ASSERT_EQUAL(n, (RSC_PAYLOAD + RSC_MSS - 1) / RSC_MSS);
	for (uint32_t i = 0; i < n; i++)
		free(frames[i]);

	vs_netvsp_guest_close(g1);
	vs_netvsp_guest_close(g2);
	vs_dp_destroy(ndp);
	rmdir(dir);
	free(want);
	free(f);
}

/* A backend counter of port name. */
struct named_counter {
	const char *name;
	uint64_t value;
};

static void
counter_pick(const char *name, uint64_t value, void *arg)
{
	struct named_counter *c = arg;

	if (strcmp(name, c->name) == 0)
		c->value = value;
}

static uint64_t
backend_counter(const char *port, const char *name)
{
	struct named_counter c = {name, UINT64_MAX};

	vs_dp_port_backend_counters(ndp, (unsigned int)vs_dp_port_index(ndp, port), counter_pick,
				    &c);
	return c.value;
}

/* The checksum PPI a TCP frame from the ring port with RX flags arrives
 * with (0: none). */
static uint32_t
rx_csum_through(struct vs_netvsp_guest *g, const uint8_t dst[6], uint64_t rx_flags,
		struct vs_netvsp_guest_frame *f)
{
	struct tf_spec s = {.proto = TF_TCP, .payload = 200, .v6_routing_left = -1};
	uint8_t b[512];
	uint32_t len = tf_build(&s, b);
	struct rte_mbuf *m;

	memcpy(b, dst, 6);
	memcpy(b + 6, (const uint8_t[6]){0x02, 0, 0, 0, 0, 0x77}, 6);
	m = tf_mbuf_bytes(vs_dp_mempool(ndp), b, len, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->ol_flags |= rx_flags;
	CU_ASSERT_EQUAL_FATAL(
		rte_ring_enqueue(vs_dp_port_rx_ring(ndp, (unsigned int)vs_dp_port_index(ndp, "r")),
				 m),
		0);
	for (int i = 0; i < 1000; i++) {
		host_poll(NULL);
		vs_netvsp_guest_poll(g);
		if (vs_netvsp_guest_recv(g, f) == 0)
			return f->csum ? f->csum_info : 0;
	}
	CU_FAIL("frame not delivered");
	return UINT32_MAX;
}

/* What the ingress port's device found of a frame's checksums reaches the
 * guest (validated, or failed so that it drops the frame); with the port's
 * rx-csum off its verdicts are ignored and the guest checks for itself. */
static void
test_netvsc_port_rx_csum(void)
{
	const uint64_t good = RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD,
		       bad = RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_BAD;
	struct vs_dp_conf dc = {.fdb_size = 1024};
	struct vs_switch_conf sc = {.name = "s", .type = VS_SWITCH_PRIVATE};
	struct vs_port_conf pc = {.name = "vm", .switch_name = "s", .kind = VS_PORT_NETVSC};
	struct vs_port_conf r = {.name = "r", .switch_name = "s", .kind = VS_PORT_RING};
	struct vs_offload_settings off = {.rx_csum_off = true};
	struct vs_netvsp_guest_frame *f = malloc(sizeof(*f));
	struct vs_netvsp_guest *g;
	char dir[] = "/tmp/vschanXXXXXX", err[256];
	uint32_t sup, act;
	uint8_t mac[6];

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	ndp = vs_test_vm_ring_dp(&dc, dir, &sc, &pc, &r);
	vs_dp_ctl_poll(ndp, NULL);
	g = rsc_guest(dir, "vm", false, mac);

	CU_ASSERT_EQUAL(rx_csum_through(g, mac, good, f), 0x8 | 0x20); /* TCP ok, IP ok */
	CU_ASSERT_EQUAL(rx_csum_through(g, mac, bad, f), 0x1 | 0x20);  /* TCP failed */
	CU_ASSERT_EQUAL(rx_csum_through(g, mac, 0, f), 0);             /* nothing known */
	CU_ASSERT_EQUAL(backend_counter("vm", "tx_csum_validated"), 1);
	CU_ASSERT_EQUAL(backend_counter("vm", "tx_csum_failed"), 1);

	CU_ASSERT_EQUAL(vs_dp_port_set_offload(ndp, "r", &off, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_offload_caps(ndp, (unsigned int)vs_dp_port_index(ndp, "r"),
						&sup, &act), 0);
	CU_ASSERT(sup & VS_OFFLOAD_RX_CKSUM);
	CU_ASSERT(!(act & VS_OFFLOAD_RX_CKSUM));
	CU_ASSERT_EQUAL(rx_csum_through(g, mac, good, f), 0);
	CU_ASSERT_EQUAL(rx_csum_through(g, mac, bad, f), 0);
	CU_ASSERT_EQUAL(backend_counter("vm", "tx_csum_failed"), 1);

	vs_netvsp_guest_close(g);
	vs_dp_destroy(ndp);
	rmdir(dir);
	free(f);
}

CU_ErrorCode
vs_test_register_netvsc_port(void)
{
	CU_pSuite s = CU_add_suite("netvsc port", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "guest bring-up, frames both ways", test_netvsc_port_frames) ||
	    !CU_add_test(s, "RSC: superframes whole or cut, per guest", test_netvsc_port_rsc) ||
	    !CU_add_test(s, "receive checksum verdicts, rx-csum on and off",
			 test_netvsc_port_rx_csum))
		return CU_get_error();
	return CUE_SUCCESS;
}
