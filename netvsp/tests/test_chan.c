/* SPDX-License-Identifier: BSD-3-Clause */
/* The host channel driven by the guest simulator in-process: bring-up at
 * every NVSP version and with optional steps skipped, frames both ways with
 * VLAN/checksum/LSO info, packet filter, a guest that stops completing,
 * link indications, each bad field refused and counted
 * (test_chan_threads.c: the ring's writers, and threads; test_lost.c: a
 * guest killed with the channel open). */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "guest.h"
#include "netvsp.h"
#include "netvsp_priv.h"
#include "test_chan_priv.h"
#include "test_priv.h"


void
host_poll(void *arg)
{
	struct host *h = arg;

	vs_netvsp_ctl_poll(h->ch);
	if (!h->ctl_only && h->nrx < 480)
		h->nrx += vs_netvsp_rx_burst(h->ch, h->rx + h->nrx, 32, test_mp);
}

static void
host_free_rx(struct host *h)
{
	for (uint32_t i = 0; i < h->nrx; i++)
		rte_pktmbuf_free(h->rx[i]);
	h->nrx = 0;
}

static int chan_seq;

struct vs_netvsp_guest *
setup(struct host *h, struct vs_netvsp_guest_opts *o, bool bringup)
{
	struct vs_netvsp_params p = {.arena_size = 16u << 20};
	struct vs_netvsp_guest *g = NULL;
	char name[32], err[128];

	memcpy(p.mac, GMAC, 6);
	snprintf(name, sizeof(name), "port%d", chan_seq++);
	memset(h->rx, 0, sizeof(h->rx));
	h->nrx = 0;
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_create(test_dir, name, &p, &h->ch, err, sizeof(err)), 0);
	if (o->recv_buf_size == 0)
		o->recv_buf_size = 2u << 20;
	o->idle = host_poll;
	o->idle_arg = h;
	o->timeout_ms = 3000;
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_open(vs_netvsp_path(h->ch), o, &g), 0);
	if (bringup) {
		int rc = vs_netvsp_guest_bringup(g);

		if (rc != 0)
			printf("\n  bring-up: %d\n", rc);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
	}
	return g;
}

void
teardown(struct host *h, struct vs_netvsp_guest *g)
{
	vs_netvsp_guest_close(g);
	vs_netvsp_ctl_poll(h->ch);
	host_free_rx(h);
	vs_netvsp_destroy(h->ch);
}

void
pump(struct host *h, struct vs_netvsp_guest *g, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		host_poll(h);
		vs_netvsp_guest_poll(g);
	}
}


/* An Ethernet + IPv4 + TCP frame of len bytes. */
uint32_t
tcp_frame(uint8_t *f, uint32_t len, const uint8_t *dst, uint8_t seed)
{
	memset(f, 0, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, OTHER, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[23] = 6;     /* TCP */
	f[14 + 20 + 12] = 0x50; /* data offset 5 */
	for (uint32_t i = 54; i < len; i++)
		f[i] = (uint8_t)(seed + i);
	return len;
}

static void
test_bringup_versions(void)
{
	static const uint32_t v[] = {NVSP_V61, NVSP_V6, NVSP_V5, NVSP_V4, NVSP_V2, NVSP_V1};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct vs_netvsp_guest_opts o = {.max_version = v[i]};
		struct host h;
		struct vs_netvsp_guest *g = setup(&h, &o, true);
		struct vs_netvsp_info info;
		struct vs_netvsp_guest_stats gs;

		vs_netvsp_get_info(h.ch, &info);
		vs_netvsp_guest_stats(g, &gs);
		CU_ASSERT(info.open);
		CU_ASSERT_EQUAL(info.nvsp_version, v[i]);
		CU_ASSERT_EQUAL(gs.nvsp_version, v[i]);
		CU_ASSERT_EQUAL(info.ndis_minor, v[i] <= NVSP_V4 ? 1u : 30u);
		CU_ASSERT_EQUAL(info.guest_mtu, v[i] >= NVSP_V2 ? 1514u : 0u);
		CU_ASSERT(info.rndis_up);
		CU_ASSERT_EQUAL(info.packet_filter, 0x0d);
		CU_ASSERT_EQUAL(info.sub_size, 1806);
		CU_ASSERT_EQUAL(gs.num_sub, (2u << 20) / 1806);
		CU_ASSERT_EQUAL(gs.section_size, 6144);
		CU_ASSERT_EQUAL(gs.l3_mtu, 1500);
		CU_ASSERT_EQUAL(memcmp(gs.mac, GMAC, 6), 0);
		CU_ASSERT(gs.link_up);
		CU_ASSERT_EQUAL(gs.protocol_errors, 0);
		CU_ASSERT_EQUAL(C(&h, nvsp_bad_version), 0);
		CU_ASSERT_EQUAL(C(&h, oid_unsupported), 0);
		teardown(&h, g);
	}
}

static void
test_bringup_minimal(void)
{
	struct vs_netvsp_guest_opts o = {.skip_ndis_config = true, .skip_ndis_version = true,
					 .skip_send_buf = true, .skip_optional_oids = true};
	struct host h = {.ctl_only = true}; /* no data path: C reads the ring */
	struct vs_netvsp_guest *g = setup(&h, &o, true);
	struct vs_netvsp_info info;
	struct vs_netvsp_guest_stats gs;
	uint8_t f[100];
	const void *fr[1] = {f};
	uint32_t len[1] = {tcp_frame(f, 100, OTHER, 1)};

	vs_netvsp_get_info(h.ch, &info);
	CU_ASSERT(info.rndis_up);
	CU_ASSERT_EQUAL(info.send_sections, 0);
	CU_ASSERT_EQUAL(info.guest_mtu, 0);
	CU_ASSERT_EQUAL(vs_netvsp_guest_send(g, fr, len, NULL, 1, VS_GUEST_TX_GPA), 0);
	pump(&h, g, 4);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(gs.tx_completed, 1);
	CU_ASSERT_EQUAL(C(&h, rx_no_datapath), 1);
	CU_ASSERT_EQUAL(h.nrx, 0);
	teardown(&h, g);
}

static void
test_guest_to_host(void)
{
	struct vs_netvsp_guest_opts o = {.gpa_base = 0x100000000ull};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, true);
	static uint8_t f[5][9000];
	const void *fr[3] = {f[0], f[1], f[2]};
	uint32_t len[5] = {60, 1514, 70, 1514, 9000};
	struct vs_netvsp_guest_ppi pp[3] = {
		{.vlan = true, .tci = (5 << 13) | 100},
		{.csum = true, .csum_info = PPI_TXCSUM_IPV4 | PPI_TXCSUM_TCP | PPI_TXCSUM_IP |
					    (34u << 16)},
		{0},
	};
	struct vs_netvsp_guest_ppi lso = {.lso = true,
					  .lso_info = 1448 | (34u << 20) | (1u << 30)};
	struct vs_netvsp_guest_ppi udp6 = {.csum = true,
					   .csum_info = PPI_TXCSUM_IPV6 | PPI_TXCSUM_UDP | (54u << 16)};
	struct vs_netvsp_guest_stats gs;
	uint8_t buf[9000];

	for (int i = 0; i < 5; i++)
		tcp_frame(f[i], len[i], OTHER, (uint8_t)(i * 40));
	/* The superframe's IPv4 total length was 0, as Linux sends it: the
	 * host writes the frame's own back (8986 = 9000 - 14). */
	CU_ASSERT(f[4][16] == 0 && f[4][17] == 0);
	CU_ASSERT_EQUAL(vs_netvsp_guest_send(g, fr, len, pp, 3, VS_GUEST_TX_SECTION), 0);
	fr[0] = f[3];
	CU_ASSERT_EQUAL(vs_netvsp_guest_send(g, fr, &len[3], &udp6, 1, VS_GUEST_TX_GPA), 0);
	fr[0] = f[4];
	CU_ASSERT_EQUAL(vs_netvsp_guest_send(g, fr, &len[4], &lso, 1, VS_GUEST_TX_GPA), 0);
	f[4][16] = 8986 >> 8;
	f[4][17] = 8986 & 0xff;
	pump(&h, g, 4);
	CU_ASSERT_EQUAL_FATAL(h.nrx, 5);
	/* The LSO superframe's zeroed IPv4 total length is written back. */
	f[4][16] = (uint8_t)((len[4] - 14) >> 8);
	f[4][17] = (uint8_t)(len[4] - 14);
	for (int i = 0; i < 5; i++) {
		const void *d;

		CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(h.rx[i]), len[i]);
		d = rte_pktmbuf_read(h.rx[i], 0, len[i], buf);
		CU_ASSERT(d != NULL && memcmp(d, f[i], len[i]) == 0);
	}
	CU_ASSERT((h.rx[0]->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) != 0);
	CU_ASSERT((h.rx[0]->ol_flags & RTE_MBUF_F_RX_VLAN) != 0);
	CU_ASSERT_EQUAL(h.rx[0]->vlan_tci, (5 << 13) | 100);
	CU_ASSERT_EQUAL(h.rx[1]->ol_flags & (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM |
					     RTE_MBUF_F_TX_IP_CKSUM),
			RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM | RTE_MBUF_F_TX_IP_CKSUM);
	CU_ASSERT_EQUAL(h.rx[1]->l2_len, 14);
	CU_ASSERT_EQUAL(h.rx[1]->l3_len, 20);
	CU_ASSERT_EQUAL(h.rx[2]->ol_flags, 0);
	CU_ASSERT(h.rx[3]->ol_flags & RTE_MBUF_F_TX_IPV6 && h.rx[3]->ol_flags & RTE_MBUF_F_TX_UDP_CKSUM);
	CU_ASSERT_EQUAL(h.rx[3]->l3_len, 40);
	CU_ASSERT((h.rx[4]->ol_flags & RTE_MBUF_F_TX_TCP_SEG) != 0);
	CU_ASSERT_EQUAL(h.rx[4]->tso_segsz, 1448);
	CU_ASSERT_EQUAL(h.rx[4]->l3_len, 20);
	CU_ASSERT_EQUAL(h.rx[4]->l4_len, 20);
	CU_ASSERT(h.rx[4]->nb_segs > 1);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(gs.tx_completed, 3);
	CU_ASSERT_EQUAL(gs.tx_failed, 0);
	CU_ASSERT_EQUAL(vs_netvsp_guest_tx_outstanding(g), 0);
	CU_ASSERT_EQUAL(C(&h, rx_packets), 5);
	teardown(&h, g);
}

struct rte_mbuf *
mk_mbuf(const uint8_t *dst, uint32_t len, uint8_t seed)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_mp);
	uint8_t *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
	tcp_frame(p, len, dst, seed);
	return m;
}

uint32_t
deliver(struct host *h, struct vs_netvsp_guest *g, struct rte_mbuf **m, uint16_t n)
{
	uint16_t took = vs_netvsp_tx_burst(h->ch, m, n);

	for (uint16_t i = 0; i < n; i++)
		rte_pktmbuf_free(m[i]);
	pump(h, g, 2);
	return took;
}

uint32_t
drain(struct vs_netvsp_guest *g, struct vs_netvsp_guest_frame *last)
{
	static struct vs_netvsp_guest_frame f;
	uint32_t n = 0;

	while (vs_netvsp_guest_recv(g, &f) == 0) {
		if (last != NULL)
			*last = f;
		n++;
	}
	return n;
}

static void
test_host_to_guest(void)
{
	struct vs_netvsp_guest_opts o = {0};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, true);
	static struct vs_netvsp_guest_frame f;
	struct rte_mbuf *m[100];
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	m[0] = mk_mbuf(GMAC, 100, 1);
	m[0]->ol_flags |= RTE_MBUF_F_TX_VLAN | RTE_MBUF_F_RX_L4_CKSUM_GOOD | RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	m[0]->vlan_tci = (3 << 13) | (1 << 12) | 42;
	CU_ASSERT_EQUAL(deliver(&h, g, m, 1), 1);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_recv(g, &f), 0);
	CU_ASSERT_EQUAL(f.len, 100);
	CU_ASSERT(f.vlan && f.tci == ((3 << 13) | (1 << 12) | 42));
	CU_ASSERT(f.csum && f.csum_info == (PPI_RXCSUM_TCP_OK | PPI_RXCSUM_IP_OK));
	m[0] = mk_mbuf(bcast, 60, 2);
	m[1] = mk_mbuf(OTHER, 60, 3); /* another host's unicast: filtered */
	m[2] = mk_mbuf(GMAC, 1514, 4);
	CU_ASSERT_EQUAL(deliver(&h, g, m, 3), 3);
	CU_ASSERT_EQUAL(drain(g, &f), 2);
	CU_ASSERT_EQUAL(f.len, 1514);
	CU_ASSERT(!f.vlan && !f.csum);
	CU_ASSERT_EQUAL(C(&h, tx_filtered), 1);
	CU_ASSERT_EQUAL(C(&h, tx_indications), 2);
	/* frames are batched: 100 frames in 4 indications of ≤ 32 */
	for (int i = 0; i < 100; i++)
		m[i] = mk_mbuf(GMAC, 64 + i, (uint8_t)i);
	CU_ASSERT_EQUAL(deliver(&h, g, m, 100), 100);
	CU_ASSERT_EQUAL(drain(g, NULL), 100);
	CU_ASSERT_EQUAL(C(&h, tx_indications), 6);
	CU_ASSERT_EQUAL(C(&h, tx_packets), 103);
	/* over the MTU (and too big for a section), too short for Ethernet */
	m[0] = mk_mbuf(GMAC, 1800, 0);
	m[1] = rte_pktmbuf_alloc(test_mp);
	rte_pktmbuf_append(m[1], 10);
	CU_ASSERT_EQUAL(deliver(&h, g, m, 2), 2);
	CU_ASSERT_EQUAL(C(&h, tx_over_mtu), 1);
	CU_ASSERT_EQUAL(C(&h, tx_bad_len), 1);
	teardown(&h, g);
}

/* The ingress port's checksum verdicts become the checksum PPI's RX bits:
 * a failed one tells the guest to drop the frame, none leaves it to check. */
static void
test_rx_checksum_verdicts(void)
{
	static const struct {
		uint64_t flags;
		bool udp;
		uint32_t want; /* 0: no checksum PPI at all */
	} c[] = {
		{RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_BAD, false,
		 PPI_RXCSUM_IP_OK | PPI_RXCSUM_TCP_FAILED},
		{RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_BAD, true,
		 PPI_RXCSUM_IP_OK | PPI_RXCSUM_UDP_FAILED},
		{RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD, true,
		 PPI_RXCSUM_IP_OK | PPI_RXCSUM_UDP_OK},
		/* a bad header: the L4 verdict means nothing */
		{RTE_MBUF_F_RX_IP_CKSUM_BAD | RTE_MBUF_F_RX_L4_CKSUM_GOOD, false,
		 PPI_RXCSUM_IP_FAILED},
		{RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN, false,
		 PPI_RXCSUM_IP_OK},
		{RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN | RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN, false, 0},
		{RTE_MBUF_F_RX_IP_CKSUM_NONE | RTE_MBUF_F_RX_L4_CKSUM_NONE, false, 0},
	};
	struct vs_netvsp_guest_opts o = {0};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, true);
	static struct vs_netvsp_guest_frame f;
	struct rte_mbuf *m;
	uint64_t ok = 0, failed = 0;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		m = mk_mbuf(GMAC, 100, (uint8_t)i);
		if (c[i].udp)
			rte_pktmbuf_mtod(m, uint8_t *)[23] = 17;
		m->ol_flags |= c[i].flags;
		CU_ASSERT_EQUAL(deliver(&h, g, &m, 1), 1);
		CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_recv(g, &f), 0);
		CU_ASSERT_EQUAL(f.csum, c[i].want != 0);
		CU_ASSERT_EQUAL(f.csum ? f.csum_info : 0, c[i].want);
		ok += (c[i].want & (PPI_RXCSUM_TCP_OK | PPI_RXCSUM_UDP_OK)) != 0;
		failed += (c[i].want & PPI_RXCSUM_FAILED) != 0;
	}
	CU_ASSERT_EQUAL(C(&h, tx_csum_validated), ok);
	CU_ASSERT_EQUAL(C(&h, tx_csum_failed), failed);
	CU_ASSERT_EQUAL(failed, 3);
	teardown(&h, g);
}

static uint32_t
set_filter(struct vs_netvsp_guest *g, uint32_t f)
{
	uint32_t st = 1;

	CU_ASSERT_EQUAL(vs_netvsp_guest_set(g, OID_GEN_CURRENT_PACKET_FILTER, &f, 4, &st), 0);
	return st;
}

static void
test_filter(void)
{
	struct vs_netvsp_guest_opts o = {0};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, true);
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t mc1[6] = {0x01, 0, 0x5e, 0, 0, 1}, mc2[6] = {0x01, 0, 0x5e, 0, 0, 2};
	struct rte_mbuf *m[4];
	uint32_t st;
	struct {
		uint32_t filter;
		uint32_t want; /* bits: 0 own unicast, 1 broadcast, 2 listed mc, 3 other unicast */
	} cases[] = {
		{0, 0},
		{NDIS_FILTER_DIRECTED, 0x1},
		{NDIS_FILTER_DIRECTED | NDIS_FILTER_BROADCAST, 0x3},
		{NDIS_FILTER_MULTICAST, 0x4},
		{NDIS_FILTER_ALL_MULTICAST, 0x4},
		{NDIS_FILTER_PROMISCUOUS, 0xf},
	};

	CU_ASSERT_EQUAL(vs_netvsp_guest_set(g, OID_802_3_MULTICAST_LIST, mc1, 6, &st), 0);
	CU_ASSERT_EQUAL(st, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct vs_netvsp_guest_frame f;
		uint32_t got = 0;

		CU_ASSERT_EQUAL(set_filter(g, cases[i].filter), 0);
		pump(&h, g, 1);
		m[0] = mk_mbuf(GMAC, 60, 0);
		m[1] = mk_mbuf(bcast, 61, 0);
		m[2] = mk_mbuf(mc1, 62, 0);
		m[3] = mk_mbuf(OTHER, 63, 0);
		CU_ASSERT_EQUAL(deliver(&h, g, m, 4), 4);
		while (vs_netvsp_guest_recv(g, &f) == 0)
			got |= 1u << (f.len - 60);
		CU_ASSERT_EQUAL(got, cases[i].want);
		/* an unlisted multicast only with all-multicast or promiscuous */
		m[0] = mk_mbuf(mc2, 60, 0);
		deliver(&h, g, m, 1);
		CU_ASSERT_EQUAL(drain(g, NULL), (cases[i].filter & (NDIS_FILTER_ALL_MULTICAST |
								  NDIS_FILTER_PROMISCUOUS)) ? 1u : 0u);
	}
	teardown(&h, g);
}

static void
test_stop_completing(void)
{
	struct vs_netvsp_guest_opts o = {0};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, true);
	struct vs_netvsp_guest_stats gs;
	struct rte_mbuf *m[32];
	uint32_t data_sections, delivered = 0, refused = 0, received = 0;

	vs_netvsp_guest_stats(g, &gs);
	data_sections = gs.num_sub - VS_CTL_SUBS;
	vs_netvsp_guest_hold_completions(g, true);
	for (int round = 0; round < 60; round++) {
		uint16_t took;

		for (int i = 0; i < 32; i++)
			m[i] = mk_mbuf(GMAC, 60, 0);
		took = (uint16_t)deliver(&h, g, m, 32);
		received += drain(g, NULL);
		delivered += took;
		refused += 32 - took;
	}
	/* every section held: the rest refused and counted, nothing blocked */
	CU_ASSERT_EQUAL(delivered, data_sections);
	CU_ASSERT_EQUAL(refused, 60 * 32 - data_sections);
	CU_ASSERT_EQUAL(C(&h, tx_no_section), refused);
	CU_ASSERT_EQUAL(received, data_sections);
	/* completing again frees them */
	vs_netvsp_guest_hold_completions(g, false);
	pump(&h, g, 2);
	for (int i = 0; i < 32; i++)
		m[i] = mk_mbuf(GMAC, 60, 0);
	CU_ASSERT_EQUAL(deliver(&h, g, m, 32), 32);
	CU_ASSERT_EQUAL(drain(g, NULL), 32);
	CU_ASSERT_EQUAL(C(&h, comp_bad), 0);
	teardown(&h, g);
}

static void
test_link(void)
{
	struct vs_netvsp_guest_opts o = {0};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, true);
	struct vs_netvsp_guest_stats gs;
	struct rte_mbuf *m[1];

	vs_netvsp_set_link(h.ch, false);
	pump(&h, g, 2);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT(!gs.link_up);
	CU_ASSERT_EQUAL(gs.link_events, 1);
	m[0] = mk_mbuf(GMAC, 60, 0);
	CU_ASSERT_EQUAL(deliver(&h, g, m, 1), 1);
	CU_ASSERT_EQUAL(C(&h, tx_not_ready), 1);
	CU_ASSERT_EQUAL(drain(g, NULL), 0);
	vs_netvsp_set_link(h.ch, true);
	vs_netvsp_set_link(h.ch, true); /* no change: no second indication */
	pump(&h, g, 2);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT(gs.link_up);
	CU_ASSERT_EQUAL(gs.link_events, 2);
	CU_ASSERT_EQUAL(C(&h, status_indications), 2);
	vs_netvsp_rescind(h.ch);
	CU_ASSERT_EQUAL(((struct vs_chan_hdr *)h.ch->map)->host_state, VS_HOST_RESCINDED);
	teardown(&h, g);
}

int test_bad_register(CU_pSuite s);

int
test_chan_register(void)
{
	CU_pSuite s = CU_add_suite("channel with the guest simulator", NULL, NULL);

	return s == NULL || !CU_add_test(s, "bring-up: NVSP 6.1, 6, 5, 4, 2, 1", test_bringup_versions) ||
	       !CU_add_test(s, "bring-up without optional steps, no data path", test_bringup_minimal) ||
	       !CU_add_test(s, "guest to host: sections, GPA, PPIs → mbuf", test_guest_to_host) ||
	       !CU_add_test(s, "host to guest: PPIs, batching, lengths", test_host_to_guest) ||
	       !CU_add_test(s, "receive checksum verdicts → PPI", test_rx_checksum_verdicts) ||
	       !CU_add_test(s, "packet filter and multicast list", test_filter) ||
	       !CU_add_test(s, "guest stops completing: counted drops", test_stop_completing) ||
	       !CU_add_test(s, "link indications and rescind", test_link) ||
	       test_chan_threads_register(s) || test_lost_register(s) ||
	       test_bad_register(s);
}
