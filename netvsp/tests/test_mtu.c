/* SPDX-License-Identifier: BSD-3-Clause */
/* The guest's MTU bounds frames both ways: its NDIS-config MTU, never above
 * the port's, which is also the RNDIS maximum frame size it reads; one
 * 802.1Q tag in the data may come on top; longer frames are counted
 * (rx_over_mtu, tx_over_mtu).  A jumbo guest (MTU 9000) on a jumbo port
 * gets and sends 9000-byte payloads. */
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "guest.h"
#include "netvsp.h"
#include "netvsp_priv.h"
#include "test_priv.h"

static const uint8_t GMAC[6] = {0x00, 0x15, 0x5d, 0x10, 0x20, 0x40};
static const uint8_t PEER[6] = {0x02, 0, 0, 0, 0, 0x98};

struct mtu_host {
	struct vs_netvsp *ch;
	struct rte_mbuf *rx[64];
	uint32_t nrx;
};

static void
mtu_host_poll(void *arg)
{
	struct mtu_host *h = arg;

	vs_netvsp_ctl_poll(h->ch);
	if (h->nrx < 32)
		h->nrx += vs_netvsp_rx_burst(h->ch, h->rx + h->nrx, 32, test_mp);
}

static void
mtu_pump(struct mtu_host *h, struct vs_netvsp_guest *g)
{
	for (int i = 0; i < 4; i++) {
		mtu_host_poll(h);
		vs_netvsp_guest_poll(g);
	}
}

static void
mtu_host_free(struct mtu_host *h)
{
	for (uint32_t i = 0; i < h->nrx; i++)
		rte_pktmbuf_free(h->rx[i]);
	h->nrx = 0;
}

/* A channel whose port offers port_mtu, and a guest asking for guest_mtu
 * (0: the offered one) at NVSP version max_version (0: 6.1). */
static struct vs_netvsp_guest *
mtu_setup(struct mtu_host *h, uint32_t port_mtu, uint32_t guest_mtu, uint32_t max_version)
{
	static int seq;
	struct vs_netvsp_params p = {.arena_size = 32u << 20, .mtu = port_mtu};
	struct vs_netvsp_guest_opts o = {.recv_buf_size = 4u << 20, .mtu = guest_mtu,
					 .max_version = max_version, .idle = mtu_host_poll,
					 .idle_arg = h, .timeout_ms = 3000};
	struct vs_netvsp_guest *g = NULL;
	char name[32], err[128];

	memset(h, 0, sizeof(*h));
	memcpy(p.mac, GMAC, 6);
	snprintf(name, sizeof(name), "mtu%d", seq++);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_create(test_dir, name, &p, &h->ch, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_open(vs_netvsp_path(h->ch), &o, &g), 0);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_bringup(g), 0);
	return g;
}

static void
mtu_teardown(struct mtu_host *h, struct vs_netvsp_guest *g)
{
	vs_netvsp_guest_close(g);
	vs_netvsp_ctl_poll(h->ch);
	mtu_host_free(h);
	vs_netvsp_destroy(h->ch);
}

/* len bytes to dst; with tag, an 802.1Q tag of VLAN 7 in the data. */
static void
mtu_frame(uint8_t *f, uint32_t len, const uint8_t *dst, const uint8_t *src, bool tag)
{
	uint32_t off = 12;

	memset(f, 0, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (tag) {
		f[12] = 0x81, f[14] = 0x00, f[15] = 7;
		off = 16;
	}
	f[off] = 0x88, f[off + 1] = 0xb5;
	for (uint32_t i = off + 2; i < len; i++)
		f[i] = (uint8_t)(i * 7);
}

/* Host → guest: how many of the frames (len, tagged in data) the guest
 * got, each byte for byte. */
static uint32_t
mtu_to_guest(struct mtu_host *h, struct vs_netvsp_guest *g, const uint32_t *len,
	     const bool *tag, uint16_t n)
{
	static uint8_t buf[9100];
	static struct vs_netvsp_guest_frame f;
	struct rte_mbuf *m[8];
	uint32_t got = 0;
	uint16_t i;

	for (i = 0; i < n; i++) {
		uint32_t room;

		m[i] = rte_pktmbuf_alloc(test_mp);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m[i]);
		mtu_frame(buf, len[i], GMAC, PEER, tag[i]);
		/* Jumbo frames span segments, as a PMD hands them over. */
		for (uint32_t off = 0; off < len[i]; off += room) {
			struct rte_mbuf *seg = off == 0 ? m[i] : rte_pktmbuf_alloc(test_mp);

			CU_ASSERT_PTR_NOT_NULL_FATAL(seg);
			room = RTE_MIN((uint32_t)rte_pktmbuf_tailroom(seg), len[i] - off);
			memcpy(rte_pktmbuf_append(seg, (uint16_t)room), buf + off, room);
			if (off != 0)
				CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_chain(m[i], seg), 0);
		}
	}
	CU_ASSERT_EQUAL(vs_netvsp_tx_burst(h->ch, m, n), n); /* taken: delivered or dropped */
	rte_pktmbuf_free_bulk(m, n);
	mtu_pump(h, g);
	while (vs_netvsp_guest_recv(g, &f) == 0) {
		for (i = 0; i < n; i++)
			if (f.len == len[i])
				break;
		CU_ASSERT_FATAL(i < n);
		mtu_frame(buf, len[i], GMAC, PEER, tag[i]);
		CU_ASSERT(memcmp(f.data, buf, f.len) == 0);
		got++;
	}
	return got;
}

/* Guest → host, one frame GPA-direct (jumbo frames do not fit a send
 * section): true if the host took it. */
static bool
mtu_from_guest(struct mtu_host *h, struct vs_netvsp_guest *g, uint32_t len, bool tag)
{
	static uint8_t f[9100], buf[9100];
	const void *fp = f;
	uint32_t before = h->nrx;
	bool ok;

	mtu_frame(f, len, PEER, GMAC, tag);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_send(g, &fp, &len, NULL, 1, VS_GUEST_TX_GPA), 0);
	mtu_pump(h, g);
	ok = h->nrx == before + 1;
	if (ok) {
		const void *d = rte_pktmbuf_read(h->rx[before], 0, len, buf);

		CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(h->rx[before]), len);
		CU_ASSERT(d != NULL && memcmp(d, f, len) == 0);
	}
	mtu_host_free(h);
	return ok;
}

#define MC(h, name) vs_netvsp_counter((h)->ch, VS_NETVSP_C_##name)

static void
test_mtu_jumbo(void)
{
	static const uint32_t len[4] = {9014, 9015, 9018, 9019};
	static const bool tag[4] = {false, false, true, true};
	struct mtu_host h;
	struct vs_netvsp_guest *g = mtu_setup(&h, 9000, 9000, 0);
	struct vs_netvsp_guest_stats gs;
	struct vs_netvsp_info info;

	vs_netvsp_get_info(h.ch, &info);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(info.guest_mtu, 9014);
	CU_ASSERT_EQUAL(info.frame_max, 9014);
	CU_ASSERT_EQUAL(gs.l3_mtu, 9000); /* the maximum frame size it read */
	/* 9000 bytes of payload, untagged and with a tag in the data, pass;
	 * a byte more does not. */
	CU_ASSERT_EQUAL(mtu_to_guest(&h, g, len, tag, 4), 2);
	CU_ASSERT_EQUAL(MC(&h, tx_over_mtu), 2);
	CU_ASSERT_EQUAL(MC(&h, tx_packets), 2);
	CU_ASSERT(mtu_from_guest(&h, g, 9014, false));
	CU_ASSERT(mtu_from_guest(&h, g, 9018, true));
	CU_ASSERT_FALSE(mtu_from_guest(&h, g, 9015, false));
	CU_ASSERT_FALSE(mtu_from_guest(&h, g, 9019, true));
	CU_ASSERT_EQUAL(MC(&h, rx_over_mtu), 2);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(gs.tx_failed, 2); /* completed with the failure status */
	CU_ASSERT_EQUAL(gs.protocol_errors, 0);
	mtu_teardown(&h, g);
}

static void
test_mtu_guest_smaller(void)
{
	static const uint32_t len[3] = {1514, 1515, 1518};
	static const bool tag[3] = {false, false, true};
	struct mtu_host h;
	/* A jumbo port, a guest that keeps 1500. */
	struct vs_netvsp_guest *g = mtu_setup(&h, 9000, 1500, 0);
	struct vs_netvsp_guest_stats gs;
	struct vs_netvsp_info info;
	uint32_t v = 0, n = 4, st;

	vs_netvsp_get_info(h.ch, &info);
	CU_ASSERT_EQUAL(info.frame_max, 1514);
	CU_ASSERT_EQUAL(vs_netvsp_guest_query(g, OID_GEN_MAXIMUM_FRAME_SIZE, NULL, 0, &v, &n, &st),
			0);
	CU_ASSERT_EQUAL(v, 1500);
	CU_ASSERT_EQUAL(mtu_to_guest(&h, g, len, tag, 3), 2);
	CU_ASSERT_EQUAL(MC(&h, tx_over_mtu), 1);
	CU_ASSERT(mtu_from_guest(&h, g, 1514, false));
	CU_ASSERT_FALSE(mtu_from_guest(&h, g, 1515, false));
	CU_ASSERT_FALSE(mtu_from_guest(&h, g, 9014, false));
	CU_ASSERT_EQUAL(MC(&h, rx_over_mtu), 2);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(gs.l3_mtu, 1500);
	mtu_teardown(&h, g);
}

static void
test_mtu_port_smaller(void)
{
	static const uint32_t len[2] = {1514, 1515};
	static const bool tag[2] = {false, false};
	struct mtu_host h;
	/* The guest asks for 9000 on a 1500 port: it is held to 1500 and
	 * lowers its own MTU, as Linux does. */
	struct vs_netvsp_guest *g = mtu_setup(&h, 1500, 9000, 0);
	struct vs_netvsp_guest_stats gs;
	struct vs_netvsp_info info;

	vs_netvsp_get_info(h.ch, &info);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(info.guest_mtu, 9014);
	CU_ASSERT_EQUAL(info.frame_max, 1514);
	CU_ASSERT_EQUAL(gs.l3_mtu, 1500);
	CU_ASSERT_EQUAL(mtu_to_guest(&h, g, len, tag, 2), 1);
	CU_ASSERT_FALSE(mtu_from_guest(&h, g, 1515, false));
	CU_ASSERT_EQUAL(MC(&h, tx_over_mtu), 1);
	CU_ASSERT_EQUAL(MC(&h, rx_over_mtu), 1);
	mtu_teardown(&h, g);
}

static void
test_mtu_no_ndis_config(void)
{
	static const uint32_t len[2] = {9014, 9015};
	static const bool tag[2] = {false, false};
	struct mtu_host h;
	/* NVSP 1 has no NDIS config: the port's MTU is the bound. */
	struct vs_netvsp_guest *g = mtu_setup(&h, 9000, 0, NVSP_V1);
	struct vs_netvsp_info info;

	vs_netvsp_get_info(h.ch, &info);
	CU_ASSERT_EQUAL(info.guest_mtu, 0);
	CU_ASSERT_EQUAL(info.frame_max, 9014);
	CU_ASSERT_EQUAL(mtu_to_guest(&h, g, len, tag, 2), 1);
	CU_ASSERT(mtu_from_guest(&h, g, 9014, false));
	CU_ASSERT_FALSE(mtu_from_guest(&h, g, 9015, false));
	mtu_teardown(&h, g);
}

int
test_mtu_register(void)
{
	CU_pSuite s = CU_add_suite("MTU", NULL, NULL);

	return s == NULL || !CU_add_test(s, "jumbo guest on a jumbo port", test_mtu_jumbo) ||
	       !CU_add_test(s, "guest MTU below the port's", test_mtu_guest_smaller) ||
	       !CU_add_test(s, "port MTU below the guest's", test_mtu_port_smaller) ||
	       !CU_add_test(s, "no NDIS config: the port's", test_mtu_no_ndis_config);
}
