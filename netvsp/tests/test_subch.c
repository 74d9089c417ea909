/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multi-queue synthetic NICs: NVSP 133 subchannels and guest RSS.  The
 * guest simulator asks for subchannels, opens them and sets its RSS
 * parameters; the host spreads frames over the channels.  The channel
 * each frame must land on is computed here, independently of the host:
 * rte_softrss (the plain one, with the key as the guest sent it; the host
 * uses rte_softrss_be with a converted key) over the tuple the test built
 * the frame from, then the guest's indirection table.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_thash.h>

#include "guest_priv.h"
#include "netvsp_priv.h"
#include "test_chan_priv.h"
#include "test_priv.h"
#include "test_subch_priv.h"

struct mq {
	struct vs_netvsp *ch;
	struct rte_mbuf *rx[256];
	uint32_t nrx;
};

/* The host's turn: control poll, and every queue's rx burst (which also
 * takes the guest's receive completions on that queue). */
static void
mq_poll(void *arg)
{
	struct mq *h = arg;

	vs_netvsp_ctl_poll(h->ch);
	for (uint16_t q = 0; q < vs_netvsp_max_queues(h->ch); q++) {
		struct rte_mbuf *m[32];
		uint16_t n = vs_netvsp_rx_burst(vs_netvsp_queue(h->ch, q), m, 32, test_mp);

		for (uint16_t i = 0; i < n; i++) {
			if (h->nrx < RTE_DIM(h->rx))
				h->rx[h->nrx++] = m[i];
			else
				rte_pktmbuf_free(m[i]);
		}
	}
}

static int mq_seq;

static struct vs_netvsp_guest *
mq_setup(struct mq *h, uint16_t max_queues, struct vs_netvsp_guest_opts *o)
{
	struct vs_netvsp_params p = {.arena_size = 16u << 20, .max_queues = max_queues};
	struct vs_netvsp_guest *g = NULL;
	char name[32], err[128];

	memcpy(p.mac, GMAC, 6);
	snprintf(name, sizeof(name), "mq%d", mq_seq++);
	h->nrx = 0;
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_create(test_dir, name, &p, &h->ch, err, sizeof(err)), 0);
	o->recv_buf_size = 2u << 20;
	o->idle = mq_poll;
	o->idle_arg = h;
	o->timeout_ms = 3000;
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_open(vs_netvsp_path(h->ch), o, &g), 0);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_bringup(g), 0);
	return g;
}

static void
mq_teardown(struct mq *h, struct vs_netvsp_guest *g)
{
	vs_netvsp_guest_close(g);
	vs_netvsp_ctl_poll(h->ch);
	for (uint32_t i = 0; i < h->nrx; i++)
		rte_pktmbuf_free(h->rx[i]);
	vs_netvsp_destroy(h->ch);
}

/* The frame's last 4 bytes: flow id and sequence number. */
struct rte_mbuf *
flow_frame(const struct flow *f, uint16_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(test_mp);
	uint8_t b[FLEN] = {0};
	uint32_t l3 = 14, l4 = 0;
	char *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memcpy(b, GMAC, 6);
	memcpy(b + 6, OTHER, 6);
	if (f->arp) {
		b[12] = 0x08, b[13] = 0x06;
	} else if (!f->v6) {
		b[12] = 0x08;
		b[l3] = 0x45;
		b[l3 + 8] = 64;
		b[l3 + 9] = f->udp ? 17 : 6;
		b[l3 + 12] = 10, b[l3 + 15] = f->id;          /* 10.0.0.id */
		b[l3 + 16] = 10, b[l3 + 17] = 1, b[l3 + 19] = (uint8_t)(f->id * 7); /* 10.1.0.x */
		l4 = l3 + 20;
	} else {
		b[12] = 0x86, b[13] = 0xdd;
		b[l3] = 0x60;
		b[l3 + 6] = f->udp ? 17 : 6;
		b[l3 + 7] = 64;
		b[l3 + 8] = 0xfd, b[l3 + 23] = f->id;         /* fd00::id */
		b[l3 + 24] = 0xfd, b[l3 + 25] = 1, b[l3 + 39] = (uint8_t)(f->id * 3);
		l4 = l3 + 40;
	}
	if (!f->arp) {
		b[l4] = (uint8_t)(f->sport >> 8), b[l4 + 1] = (uint8_t)f->sport;
		b[l4 + 2] = (uint8_t)(f->dport >> 8), b[l4 + 3] = (uint8_t)f->dport;
	}
	b[FLEN - 4] = f->id;
	b[FLEN - 2] = (uint8_t)(seq >> 8), b[FLEN - 1] = (uint8_t)seq;
	d = rte_pktmbuf_append(m, FLEN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	rte_memcpy(d, b, FLEN);
	return m;
}

/* What the guest's parameters make of the flow: hash, hash info, queue. */
uint16_t
flow_expect(const struct flow *f, const uint32_t *table, uint32_t *hash, uint32_t *info)
{
	union rte_thash_tuple t;
	uint32_t len;

	memset(&t, 0, sizeof(t));
	if (f->arp) {
		*info = 0;
		return 0;
	}
	if (!f->v6) {
		t.v4.src_addr = RTE_IPV4(10, 0, 0, f->id);
		t.v4.dst_addr = RTE_IPV4(10, 1, 0, (uint8_t)(f->id * 7));
		t.v4.sport = f->sport;
		t.v4.dport = f->dport;
		len = RTE_THASH_V4_L4_LEN;
		*info = f->udp ? NDIS_HASH_UDP_IPV4 : NDIS_HASH_TCP_IPV4;
	} else {
		t.v6.src_addr[0] = 0xfd, t.v6.src_addr[15] = f->id;
		t.v6.dst_addr[0] = 0xfd, t.v6.dst_addr[1] = 1, t.v6.dst_addr[15] = (uint8_t)(f->id * 3);
		/* rte_softrss takes each 32-bit word of the address in CPU
		 * order, as rte_thash_load_v6_addrs leaves it. */
		for (int w = 0; w < 8; w++) {
			uint32_t *p = (uint32_t *)(w < 4 ? t.v6.src_addr : t.v6.dst_addr) + w % 4;

			*p = rte_be_to_cpu_32(*p);
		}
		t.v6.sport = f->sport;
		t.v6.dport = f->dport;
		len = RTE_THASH_V6_L4_LEN;
		*info = f->udp ? NDIS_HASH_UDP_IPV6 : NDIS_HASH_TCP_IPV6;
	}
	*info |= NDIS_HASH_FUNC_TOEPLITZ;
	*hash = rte_softrss((uint32_t *)&t, len, KEY);
	return (uint16_t)table[*hash & (NDIS_RSS_TABLE_MAX - 1)];
}

#define PER_FLOW 40u

/* 2 subchannels, RSS on: many frames of several flows, interleaved; each
 * lands on exactly the predicted channel with the predicted hash PPIs,
 * every channel gets some, and each flow arrives in order. */
static void
test_subch_spread(void)
{
	struct vs_netvsp_guest_opts o = {.subchannels = 2, .rss_key = KEY};
	struct mq h;
	struct vs_netvsp_guest *g = mq_setup(&h, 3, &o);
	static struct vs_netvsp_guest_frame fr;
	struct flow fl[NFLOWS];
	uint32_t table[NDIS_RSS_TABLE_MAX], hash[NFLOWS], info[NFLOWS], got = 0, bad = 0;
	uint16_t want[NFLOWS], next[NFLOWS] = {0};
	struct vs_netvsp_guest_stats gs;
	struct vs_netvsp_info in;
	uint32_t per_q[3] = {0};

	vs_netvsp_get_info(h.ch, &in);
	CU_ASSERT_EQUAL(in.queues, 3);
	CU_ASSERT_EQUAL(in.sub_open, 0x6);
	CU_ASSERT(in.rss_on);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL_FATAL(gs.queues, 3);
	/* The bring-up's table, as Linux builds it. */
	for (uint32_t i = 0; i < NDIS_RSS_TABLE_MAX; i++)
		table[i] = i % 3;
	for (uint32_t i = 0; i < NFLOWS; i++) {
		fl[i] = (struct flow){.v6 = i % 3 == 2, .udp = i % 4 == 1, .arp = i == NFLOWS - 1,
				      .id = (uint8_t)(i + 1), .sport = (uint16_t)(40000 + 17 * i),
				      .dport = (uint16_t)(i % 2 ? 53 : 443)};
		want[i] = flow_expect(&fl[i], table, &hash[i], &info[i]);
		per_q[want[i]]++;
	}
	/* The flows were chosen so that each channel has some. */
	CU_ASSERT(per_q[0] > 0 && per_q[1] > 0 && per_q[2] > 0);
	for (uint32_t s = 0; s < PER_FLOW; s++) {
		struct rte_mbuf *m[NFLOWS];

		for (uint32_t i = 0; i < NFLOWS; i++)
			m[i] = flow_frame(&fl[i], (uint16_t)s);
		CU_ASSERT_EQUAL(vs_netvsp_tx_burst(h.ch, m, NFLOWS), NFLOWS);
		rte_pktmbuf_free_bulk(m, NFLOWS);
		for (int r = 0; r < 2; r++) {
			mq_poll(&h);
			vs_netvsp_guest_poll(g);
		}
		while (vs_netvsp_guest_recv(g, &fr) == 0) {
			uint32_t i = fr.data[FLEN - 4] - 1u;
			uint16_t seq = (uint16_t)(fr.data[FLEN - 2] << 8 | fr.data[FLEN - 1]);

			got++;
			if (fr.len != FLEN || i >= NFLOWS) {
				bad++;
				continue;
			}
			CU_ASSERT_EQUAL(fr.queue, want[i]);
			CU_ASSERT_EQUAL(seq, next[i]); /* in order, none lost */
			next[i] = (uint16_t)(seq + 1);
			CU_ASSERT_EQUAL(fr.hash, info[i] != 0);
			if (fr.hash && info[i] != 0) {
				CU_ASSERT_EQUAL(fr.hash_value, hash[i]);
				CU_ASSERT_EQUAL(fr.hash_info, info[i]);
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(got, NFLOWS * PER_FLOW);
	vs_netvsp_guest_stats(g, &gs);
	for (uint16_t q = 0; q < 3; q++)
		CU_ASSERT_EQUAL(gs.rx_frames_q[q], per_q[q] * PER_FLOW);
	CU_ASSERT_EQUAL(gs.protocol_errors, 0);
	/* Each queue delivered its own, from its own run of sections, and
	 * got them back on its own ring. */
	for (uint16_t q = 1; q < 3; q++) {
		struct vs_netvsp *sq = vs_netvsp_queue(h.ch, q);

		CU_ASSERT_EQUAL(vs_netvsp_counter(sq, VS_NETVSP_C_tx_packets), per_q[q] * PER_FLOW);
		CU_ASSERT_EQUAL(vs_netvsp_counter(sq, VS_NETVSP_C_comp_bad), 0);
	}
	CU_ASSERT_EQUAL(vs_netvsp_counter(h.ch, VS_NETVSP_C_tx_packets), NFLOWS * PER_FLOW);
	CU_ASSERT_EQUAL(vs_netvsp_counter(vs_netvsp_queue(h.ch, 0), VS_NETVSP_C_tx_handed),
			(per_q[1] + per_q[2]) * PER_FLOW);
	mq_teardown(&h, g);
}

/* NVSP 133: min(asked, the port's queues - 1), once, before the guest's
 * interface is up; the RSS capabilities offer the port's queues. */
static void
test_subch_bound(void)
{
	static const struct {
		uint16_t max_queues;
		uint32_t ask, got;
	} cases[] = {{3, 7, 2}, {3, 1, 1}, {8, 100, 7}, {1, 4, 0}};

	for (size_t i = 0; i < RTE_DIM(cases); i++) {
		struct vs_netvsp_guest_opts o = {.no_filter = true};
		struct mq h;
		struct vs_netvsp_guest *g = mq_setup(&h, cases[i].max_queues, &o);
		struct ndis_rss_caps c;
		uint32_t n = sizeof(c), st, got = 99;

		CU_ASSERT_EQUAL(vs_netvsp_guest_query(g, OID_GEN_RSS_CAPS, NULL, 0, &c, &n, &st), 0);
		CU_ASSERT_EQUAL(n, sizeof(c));
		CU_ASSERT_EQUAL(c.n_rxq, cases[i].max_queues);
		CU_ASSERT_EQUAL(vs_netvsp_guest_subchannels(g, cases[i].ask, &got), 0);
		CU_ASSERT_EQUAL(got, cases[i].got);
		CU_ASSERT_EQUAL(h.ch->hdr->subchannels, cases[i].max_queues - 1u);
		CU_ASSERT_EQUAL(h.ch->hdr->sub_offered, cases[i].got);
		CU_ASSERT_EQUAL(C(&h, subch_allocated), cases[i].got);
		/* Asked again: refused. */
		CU_ASSERT_EQUAL(vs_netvsp_guest_subchannels(g, 1, &got), -EPROTO);
		CU_ASSERT_EQUAL(C(&h, subch_refused), 1);
		mq_teardown(&h, g);
	}
	{
		/* After the packet filter (the interface is up): refused. */
		struct vs_netvsp_guest_opts o = {0};
		struct mq h;
		struct vs_netvsp_guest *g = mq_setup(&h, 3, &o);
		uint32_t got = 99;

		CU_ASSERT_EQUAL(vs_netvsp_guest_subchannels(g, 2, &got), -EPROTO);
		CU_ASSERT_EQUAL(got, 0);
		CU_ASSERT_EQUAL(C(&h, subch_refused), 1);
		CU_ASSERT_EQUAL(h.ch->hdr->sub_offered, 0);
		mq_teardown(&h, g);
	}
}

/* Malformed RSS parameters: refused with an RNDIS error, counted, and
 * nothing of them taken. */
static void
test_subch_rss_bad(void)
{
	struct vs_netvsp_guest_opts o = {.no_filter = true};
	struct mq h;
	struct vs_netvsp_guest *g = mq_setup(&h, 3, &o);
	uint8_t good[sizeof(struct ndis_rss_params) + 4 * NDIS_RSS_TABLE_MAX + NDIS_RSS_KEY_LEN];
	uint8_t b[sizeof(good)];
	struct ndis_rss_params p = {
		.h = {NDIS_OBJ_RSS_PARAMS, 2, sizeof(p)},
		.hash_info = NDIS_HASH_FUNC_TOEPLITZ | NDIS_HASH_IPV4 | NDIS_HASH_TCP_IPV4,
		.table_size = 4 * NDIS_RSS_TABLE_MAX,
		.table_off = sizeof(p),
		.key_size = NDIS_RSS_KEY_LEN,
		.key_off = sizeof(p) + 4 * NDIS_RSS_TABLE_MAX,
	};
	struct vs_netvsp_info in;
	uint32_t got, st, bad0, n_cases = 0;

	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_subchannels(g, 2, &got), 0);
	CU_ASSERT_EQUAL_FATAL(got, 2);
	memcpy(good, &p, sizeof(p));
	for (uint32_t i = 0; i < NDIS_RSS_TABLE_MAX; i++) {
		uint32_t e = i % 3;

		memcpy(good + sizeof(p) + 4 * i, &e, 4);
	}
	memcpy(good + p.key_off, KEY, NDIS_RSS_KEY_LEN);
	bad0 = (uint32_t)C(&h, oid_bad_input);
	for (int c = 0;; c++) {
		struct ndis_rss_params q = p;
		uint32_t len = sizeof(good), e = 3;

		memcpy(b, good, sizeof(b));
		switch (c) {
		case 0: q.key_size = 39; break;                       /* key not 40 */
		case 1: q.key_off = sizeof(good) - 20; break;         /* key past the end */
		case 2: q.table_off = sizeof(good) - 8; break;        /* table past the end */
		case 3: q.table_size = 12; break;                     /* 3 entries */
		case 4: q.table_size = 4 * 256; break;                /* over 128 */
		case 5: q.table_size = 2; break;                      /* not whole entries */
		case 6: memcpy(b + sizeof(p) + 40, &e, 4); break;     /* queue 3 of 3 */
		case 7: q.hash_info = 2 | NDIS_HASH_IPV4; break;      /* not Toeplitz */
		case 8: q.hash_info = NDIS_HASH_FUNC_TOEPLITZ; break; /* no type */
		case 9: q.hash_info |= 0x10000; break;                /* unknown bits */
		case 10: q.flags = NDIS_RSS_FLAG_KEY_UNCHANGED; break; /* none set yet */
		case 11: q.h.type = NDIS_OBJ_RSS_CAPS; break;
		case 12: len = sizeof(p) - 1; break;                  /* short */
		case 13: q.hash_info = NDIS_HASH_IPV4; break;          /* no function */
		default: goto done;
		}
		memcpy(b, &q, sizeof(q));
		CU_ASSERT_EQUAL(vs_netvsp_guest_set(g, OID_GEN_RSS_PARAMS, b, len, &st), 0);
		if (st != RNDIS_INVALID_DATA)
			printf("\n  case %d: status %#x\n", c, st);
		CU_ASSERT_EQUAL(st, RNDIS_INVALID_DATA);
		n_cases++;
	}
done:
	CU_ASSERT_EQUAL(C(&h, oid_bad_input), bad0 + n_cases);
	vs_netvsp_get_info(h.ch, &in);
	CU_ASSERT(!in.rss_on);
	CU_ASSERT_EQUAL(vs_netvsp_guest_set(g, OID_GEN_RSS_PARAMS, good, sizeof(good), &st), 0);
	CU_ASSERT_EQUAL(st, RNDIS_SUCCESS);
	vs_netvsp_get_info(h.ch, &in);
	CU_ASSERT(in.rss_on);
	/* Hash information 0: hashing off, as NDIS has it. */
	memcpy(b, good, sizeof(b));
	((struct ndis_rss_params *)b)->hash_info = 0;
	CU_ASSERT_EQUAL(vs_netvsp_guest_set(g, OID_GEN_RSS_PARAMS, b, sizeof(b), &st), 0);
	CU_ASSERT_EQUAL(st, RNDIS_SUCCESS);
	vs_netvsp_get_info(h.ch, &in);
	CU_ASSERT(!in.rss_on);
	mq_teardown(&h, g);
}

/* The guest may transmit on any open subchannel; control messages belong
 * on the primary and are refused on a subchannel. */
static void
test_subch_guest_tx(void)
{
	struct vs_netvsp_guest_opts o = {.subchannels = 2, .rss_key = KEY};
	struct mq h;
	struct vs_netvsp_guest *g = mq_setup(&h, 3, &o);
	struct vs_netvsp *q2 = vs_netvsp_queue(h.ch, 2);
	struct nvsp_init init = {NVSP_INIT, NVSP_V61, NVSP_V61};
	uint8_t f[4][128];
	const void *fp[4] = {f[0], f[1], f[2], f[3]};
	uint32_t lens[4] = {128, 128, 128, 128};

	for (int i = 0; i < 4; i++)
		tcp_frame(f[i], 128, OTHER, (uint8_t)i);
	CU_ASSERT_EQUAL(vs_netvsp_guest_set_tx_queue(g, 3), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_set_tx_queue(g, 2), 0);
	CU_ASSERT_EQUAL(vs_netvsp_guest_send(g, fp, lens, NULL, 4, VS_GUEST_TX_SECTION), 0);
	CU_ASSERT_EQUAL(vs_netvsp_guest_send(g, fp, lens, NULL, 1, VS_GUEST_TX_GPA), 0);
	for (int r = 0; r < 4; r++) {
		mq_poll(&h);
		vs_netvsp_guest_poll(g);
	}
	CU_ASSERT_EQUAL(h.nrx, 5);
	CU_ASSERT_EQUAL(vs_netvsp_counter(q2, VS_NETVSP_C_rx_packets), 5);
	CU_ASSERT_EQUAL(vs_netvsp_counter(h.ch, VS_NETVSP_C_rx_packets), 5);
	CU_ASSERT_EQUAL(vs_netvsp_guest_tx_outstanding(g), 0);
	CU_ASSERT(h.nrx > 0 && memcmp(rte_pktmbuf_mtod(h.rx[0], void *), f[0], 128) == 0);
	CU_ASSERT_EQUAL(vs_guest_send_pkt_q(g, 2, VMBUS_PKT_INBAND, 0, 77, NULL, 0, &init,
					    sizeof(init)), 0);
	mq_poll(&h);
	CU_ASSERT_EQUAL(vs_netvsp_counter(q2, VS_NETVSP_C_sub_ctl), 1);
	CU_ASSERT_EQUAL(C(&h, nvsp_ctl), vs_netvsp_counter(vs_netvsp_queue(h.ch, 0),
							   VS_NETVSP_C_nvsp_ctl));
	mq_teardown(&h, g);
}

int
test_subch_register(void)
{
	CU_pSuite s = CU_add_suite("multi-queue: subchannels and RSS", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "2 subchannels: spread by flow hash, in order", test_subch_spread) ||
	    !CU_add_test(s, "subchannel request bounded, once", test_subch_bound) ||
	    !CU_add_test(s, "malformed RSS parameters refused", test_subch_rss_bad) ||
	    !CU_add_test(s, "guest transmit on a subchannel", test_subch_guest_tx) ||
	    test_subch_threads_register(s))
		return CU_get_error();
	return CUE_SUCCESS;
}
