/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: arbitrary frames through the real pipeline.
 *
 * The first input byte picks the ingress port (four ports with different
 * VLAN policies and guards: untagged, access 10 with a locked MAC and both
 * guards, trunk 10,20 native 30, trunk 20 with spoofing allowed); the rest
 * is the frame, given to the switch as one mbuf or, above 1000 bytes, as a
 * chain.  After each frame every port is drained and the accounting rule is
 * checked: every received frame was forwarded or dropped for one counted
 * reason.  A violation aborts (a finding), as does any memory error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "vswitch.h"

static struct vs_dp *dp;
static uint64_t now_ns = 1000000000ull;

static uint64_t
clock_fn(void *arg)
{
	(void)arg;
	return now_ns;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char prefix[64];
	char *eal[] = {"fuzz", "-l", "0", "--no-huge", "--no-pci", "--no-shconf", "-m", "512",
		       "--log-level=*:crit", "--no-telemetry", "--file-prefix", prefix, NULL};
	static const char *const names[] = {"u", "a", "t", "s"};
	struct vs_dp_conf dc = {.fdb_size = 64, .fdb_aging_s = 5};
	struct vs_switch_conf sc = {.name = "sw", .type = VS_SWITCH_PRIVATE};
	char err[256];
	unsigned int i;

	(void)argc;
	(void)argv;
	snprintf(prefix, sizeof(prefix), "vsfuzz%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0)
		abort();
	dp = vs_dp_create(&dc, err, sizeof(err));
	if (dp == NULL || vs_dp_switch_add(dp, &sc, err, sizeof(err)) != 0)
		abort();
	vs_dp_set_clock(dp, clock_fn, NULL);
	for (i = 0; i < 4; i++) {
		struct vs_port_conf pc = {.kind = VS_PORT_RING, .ring_size = 4096};

		snprintf(pc.name, sizeof(pc.name), "%s", names[i]);
		snprintf(pc.switch_name, sizeof(pc.switch_name), "sw");
		if (i == 1) {
			vs_vlan_policy_access(&pc.vlan, 10, 3, err, sizeof(err));
			pc.has_mac = true;
			memcpy(pc.mac, (const uint8_t[6]){0x02, 0, 0, 0, 0, 0x0a}, 6);
			pc.dhcp_guard = pc.router_guard = true;
		} else if (i == 2) {
			vs_vlan_policy_trunk(&pc.vlan, "10,20", 30, 0, err, sizeof(err));
		} else if (i == 3) {
			vs_vlan_policy_trunk(&pc.vlan, "20", 0, 5, err, sizeof(err));
			pc.has_mac = true;
			pc.mac_spoofing = true;
			memcpy(pc.mac, (const uint8_t[6]){0x02, 0, 0, 0, 0, 0x0b}, 6);
		}
		if (vs_dp_port_add(dp, &pc, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			abort();
		}
	}
	return 0;
}

/* Builds the frame as a receive path would: chained above 1000 bytes. */
static struct rte_mbuf *
frame_mbuf(const uint8_t *p, size_t len)
{
	struct rte_mempool *mp = vs_dp_mempool(dp);
	struct rte_mbuf *head = NULL, *seg;
	size_t off = 0, n;

	do {
		n = len - off > 1000 ? 1000 : len - off;
		seg = rte_pktmbuf_alloc(mp);
		if (seg == NULL)
			goto fail;
		if (n > 0)
			memcpy(rte_pktmbuf_append(seg, (uint16_t)n), p + off, n);
		if (head == NULL) {
			head = seg;
		} else if (rte_pktmbuf_chain(head, seg) != 0) {
			rte_pktmbuf_free(seg);
			goto fail;
		}
		off += n;
	} while (off < len);
	return head;
fail:
	rte_pktmbuf_free(head);
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vs_port_stats before, after;
	struct rte_mbuf *m, *out[64];
	unsigned int in, i, n, r;
	uint64_t acc;

	if (size < 1 || size > 20000)
		return 0;
	in = data[0] & 3;
	m = frame_mbuf(data + 1, size - 1);
	if (m == NULL)
		return 0;
	now_ns += (uint64_t)(data[0] >> 2) * 1000000000ull; /* sometimes past the aging time */
	vs_dp_fdb_age(dp);
	vs_dp_port_stats(dp, in, &before);
	vs_dp_process_burst(dp, (uint16_t)in, &m, 1);
	vs_dp_port_stats(dp, in, &after);
	acc = (after.fwd_unicast - before.fwd_unicast) + (after.fwd_flood - before.fwd_flood);
	for (r = 0; r < VS_DROP_MAX; r++)
		if (r != VS_DROP_TX_FULL && r != VS_DROP_NO_MBUF)
			acc += after.drops[r] - before.drops[r];
	if (after.rx_packets - before.rx_packets != 1 || acc != 1) {
		fprintf(stderr, "accounting broken: rx %lu, forwarded or dropped %lu\n",
			(unsigned long)(after.rx_packets - before.rx_packets), (unsigned long)acc);
		abort();
	}
	for (i = 0; i < 4; i++)
		while ((n = rte_ring_dequeue_burst(vs_dp_port_tx_ring(dp, i), (void **)out, 64,
						   NULL)) > 0)
			rte_pktmbuf_free_bulk(out, n);
	return 0;
}
