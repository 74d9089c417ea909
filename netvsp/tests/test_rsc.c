/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSC over VMBus: what the guest negotiates, a TCP superframe reaching an
 * RSC guest as one coalesced frame cut over receive sections (and a guest
 * without RSC never getting one), and the guest simulator refusing
 * fragment sequences Linux would drop.  Frames are built and checked with
 * offload/tests/test_frames.c, an independent parser and RFC 1071 sum.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "guest_priv.h"
#include "netvsp_priv.h"
#include "test_chan_priv.h"
#include "test_frames.h"
#include "test_priv.h"

/* Segment payloads at MTU 1500 with 12 bytes of TCP options. */
#define MSS 1448u
#define MSS6 1428u

static const uint8_t SRC[6] = {0x02, 0, 0, 0, 0, 0x42};

/* A superframe to the guest's MAC as a guest's LSO leaves it (IP length
 * zero, checksums to be done); *want: the frame the guest must see, the
 * lengths and IPv4 header checksum its own, everything else the same. */
static struct rte_mbuf *
superframe(bool v6, uint32_t payload, uint16_t mss, uint8_t **want, uint32_t *len)
{
	struct tf_spec s = {.v6 = v6, .proto = TF_TCP, .payload = payload, .tcp_opt_len = 12,
			    .tcp_flags = TF_ACK | TF_PSH, .seq = 1000, .ip_id = 7,
			    .seg_size = 2000, .zero_iplen = true, .v6_routing_left = -1};
	uint8_t *b = malloc(payload + 512);
	struct rte_mbuf *m;
	struct tf_view v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	*len = tf_build(&s, b);
	memcpy(b, GMAC, 6);
	memcpy(b + 6, SRC, 6);
	m = tf_mbuf_bytes(test_mp, b, *len, s.seg_size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM |
		       (v6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
	m->tso_segsz = v6 && mss == MSS ? MSS6 : mss;
	m->l2_len = 14;
	m->l3_len = v6 ? 40 : 20;
	m->l4_len = 32;
	if (v6) {
		b[14 + 4] = (uint8_t)((*len - 54) >> 8);
		b[14 + 5] = (uint8_t)(*len - 54);
	} else {
		uint16_t ck;

		b[14 + 2] = (uint8_t)((*len - 14) >> 8);
		b[14 + 3] = (uint8_t)(*len - 14);
		b[14 + 10] = b[14 + 11] = 0;
		ck = tf_fold(tf_sum(b + 14, 20, 0));
		b[14 + 10] = (uint8_t)(ck >> 8);
		b[14 + 11] = (uint8_t)ck;
	}
	tf_view(b, *len, &v);
	CU_ASSERT(v.ok && v.ip_csum_ok);
	*want = b;
	return m;
}

static void
test_rsc_negotiation(void)
{
	static const struct {
		struct vs_netvsp_guest_opts o;
		bool offered, on;
	} cases[] = {
		{{0}, true, true},                                 /* Linux at 6.1 */
		{{.no_rsc = true}, true, false},                   /* ethtool -K lro off */
		{{.max_version = NVSP_V6}, false, false},          /* before 6.1 */
		{{.skip_ndis_config = true}, false, false},        /* never said it can */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vs_netvsp_guest_opts o = cases[i].o;
		struct host h = {0};
		struct vs_netvsp_guest *g = setup(&h, &o, true);
		struct ndis_obj_hdr q = {NDIS_OBJ_OFFLOAD, 3, NDIS_OFFLOAD_SIZE};
		struct vs_netvsp_guest_stats gs;
		struct vs_netvsp_info info;
		uint8_t buf[512];
		uint32_t n = sizeof(buf), st;

		CU_ASSERT_EQUAL(vs_netvsp_guest_query(g, OID_TCP_OFFLOAD_HW_CAPS, &q, sizeof(q), buf,
						      &n, &st), 0);
		CU_ASSERT_EQUAL_FATAL(n, NDIS_OFFLOAD_SIZE);
		CU_ASSERT_EQUAL(buf[NDIS_OFFLOAD_RSC_IP4], cases[i].offered);
		CU_ASSERT_EQUAL(buf[NDIS_OFFLOAD_RSC_IP6], cases[i].offered);
		vs_netvsp_guest_stats(g, &gs);
		vs_netvsp_get_info(h.ch, &info);
		CU_ASSERT_EQUAL(gs.rsc, cases[i].on);
		CU_ASSERT_EQUAL(info.rsc_ipv4, cases[i].on);
		CU_ASSERT_EQUAL(info.rsc_ipv6, cases[i].on);
		teardown(&h, g);
	}
}

/* Offload parameters: 0 keeps RSC as it is, 1 turns it off, 2 on, per IP
 * version; anything else is refused; a rev 2 object (22 bytes) keeps it. */
static void
test_rsc_offload_params(void)
{
	struct vs_netvsp_guest_opts o = {0};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, true);
	struct ndis_offload_params p = {.h = {NDIS_OBJ_DEFAULT, 3, 28}};
	struct vs_netvsp_info info;
	uint32_t st;

	p.rsc_ip4 = NDIS_RSC_OFF;
	CU_ASSERT_EQUAL(vs_netvsp_guest_set(g, OID_TCP_OFFLOAD_PARAMETERS, &p, 28, &st), 0);
	CU_ASSERT_EQUAL(st, RNDIS_SUCCESS);
	vs_netvsp_get_info(h.ch, &info);
	CU_ASSERT(!info.rsc_ipv4 && info.rsc_ipv6);
	p.rsc_ip4 = NDIS_RSC_NO_CHANGE;
	p.rsc_ip6 = NDIS_RSC_OFF;
	CU_ASSERT_EQUAL(vs_netvsp_guest_set(g, OID_TCP_OFFLOAD_PARAMETERS, &p, 28, &st), 0);
	vs_netvsp_get_info(h.ch, &info);
	CU_ASSERT(!info.rsc_ipv4 && !info.rsc_ipv6);
	p.rsc_ip4 = p.rsc_ip6 = NDIS_RSC_ON;
	p.h.size = 22;
	CU_ASSERT_EQUAL(vs_netvsp_guest_set(g, OID_TCP_OFFLOAD_PARAMETERS, &p, 22, &st), 0);
	vs_netvsp_get_info(h.ch, &info);
	CU_ASSERT(!info.rsc_ipv4 && !info.rsc_ipv6);
	p.h.size = 28;
	CU_ASSERT_EQUAL(vs_netvsp_guest_set(g, OID_TCP_OFFLOAD_PARAMETERS, &p, 28, &st), 0);
	vs_netvsp_get_info(h.ch, &info);
	CU_ASSERT(info.rsc_ipv4 && info.rsc_ipv6);
	p.rsc_ip6 = 3;
	CU_ASSERT_EQUAL(vs_netvsp_guest_set(g, OID_TCP_OFFLOAD_PARAMETERS, &p, 28, &st), 0);
	CU_ASSERT_EQUAL(st, RNDIS_INVALID_DATA);
	CU_ASSERT_EQUAL(C(&h, oid_bad_input), 1);
	vs_netvsp_get_info(h.ch, &info);
	CU_ASSERT(info.rsc_ipv4 && info.rsc_ipv6);
	teardown(&h, g);
}

/* One superframe to an RSC guest: one indication, one reassembled frame,
 * byte for byte the original with its own lengths, checksums valid. */
static void
check_one(bool v6, bool vlan)
{
	struct vs_netvsp_guest_opts o = {0};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, true);
	static struct vs_netvsp_guest_frame f;
	struct vs_netvsp_guest_stats gs, before;
	struct vs_netvsp_info info;
	uint8_t *want;
	uint32_t len, chunk;
	struct rte_mbuf *m = superframe(v6, 62000, MSS, &want, &len);
	struct tf_view v;

	if (vlan) {
		m->ol_flags |= RTE_MBUF_F_TX_VLAN;
		m->vlan_tci = (5 << 13) | 300;
	}
	vs_netvsp_get_info(h.ch, &info);
	vs_netvsp_guest_stats(g, &before);
	CU_ASSERT_EQUAL(deliver(&h, g, &m, 1), 1);
	CU_ASSERT_EQUAL_FATAL(drain(g, &f), 1);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(gs.protocol_errors, 0);
	CU_ASSERT_EQUAL(gs.rx_indications - before.rx_indications, 1);
	CU_ASSERT_EQUAL(gs.rx_rsc_frames, 1);
	CU_ASSERT(f.rsc);
	/* 44-byte header, RSC, checksum (and 802.1Q) PPIs in each section. */
	chunk = info.sub_size - 44 - 16 * (vlan ? 3 : 2);
	CU_ASSERT_EQUAL(f.rsc_frags, (len + chunk - 1) / chunk);
	CU_ASSERT_EQUAL_FATAL(f.len, len);
	CU_ASSERT(memcmp(f.data, want, len) == 0);
	CU_ASSERT(f.csum);
	CU_ASSERT_EQUAL(f.csum_info, PPI_RXCSUM_TCP_OK | (v6 ? 0 : PPI_RXCSUM_IP_OK));
	CU_ASSERT_EQUAL(f.vlan, vlan);
	if (vlan)
		CU_ASSERT_EQUAL(f.tci, (5 << 13) | 300);
	tf_view(f.data, f.len, &v);
	CU_ASSERT(v.ok && v.ip_csum_ok);
	CU_ASSERT_EQUAL(v.ip_len, v6 ? len - 54 : len - 14);
	CU_ASSERT_EQUAL(v.payload_len, 62000);
	CU_ASSERT_EQUAL(C(&h, tx_rsc_frames), 1);
	CU_ASSERT_EQUAL(C(&h, tx_rsc_fragments), f.rsc_frags);
	CU_ASSERT_EQUAL(C(&h, tx_indications), 1);
	CU_ASSERT_EQUAL(C(&h, tx_packets), 1);
	CU_ASSERT_EQUAL(C(&h, tx_bytes), len);
	free(want);
	teardown(&h, g);
}

static void
test_rsc_superframe(void)
{
	check_one(false, false);
	check_one(true, true);
}

/* Bursts: superframes among plain frames keep their order; an indication
 * never splits a coalesced frame (ranges run out: the next one takes it);
 * sections come back with the completions. */
static void
test_rsc_bursts(void)
{
	struct vs_netvsp_guest_opts o = {0};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, true);
	static struct vs_netvsp_guest_frame f;
	struct vs_netvsp_guest_stats gs;
	struct rte_mbuf *m[12];
	uint8_t *want[12];
	uint32_t len[12], n = 0;

	for (int i = 0; i < 5; i++) {
		if (i % 2 == 0) {
			m[i] = mk_mbuf(GMAC, 100 + i, (uint8_t)i);
			len[i] = 100 + i;
			want[i] = NULL;
		} else {
			m[i] = superframe(i == 3, 30000 + 1000 * i, MSS, &want[i], &len[i]);
		}
	}
	CU_ASSERT_EQUAL(deliver(&h, g, m, 5), 5);
	for (int i = 0; i < 5 && vs_netvsp_guest_recv(g, &f) == 0; i++, n++) {
		CU_ASSERT_EQUAL(f.len, len[i]);
		CU_ASSERT_EQUAL(f.rsc, i % 2 == 1);
		if (want[i] != NULL)
			CU_ASSERT(memcmp(f.data, want[i], len[i]) == 0);
		free(want[i]);
	}
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(C(&h, tx_indications), 1);
	/* 12 superframes of ~38 sections each: more than the 375 ranges of
	 * one indication. */
	for (int i = 0; i < 12; i++)
		m[i] = superframe(false, 62000, MSS, &want[i], &len[i]);
	CU_ASSERT_EQUAL(deliver(&h, g, m, 12), 12);
	for (n = 0; vs_netvsp_guest_recv(g, &f) == 0; n++) {
		CU_ASSERT(f.rsc && f.len == len[n] && memcmp(f.data, want[n], len[n]) == 0);
		free(want[n]);
	}
	CU_ASSERT_EQUAL(n, 12);
	CU_ASSERT(C(&h, tx_indications) >= 3);
	/* Many more than the receive buffer holds at once: the guest's
	 * completions return every section. */
	for (int r = 0; r < 100; r++) {
		m[0] = superframe(r % 2, 60000, MSS, &want[0], &len[0]);
		CU_ASSERT_EQUAL(deliver(&h, g, m, 1), 1);
		CU_ASSERT_EQUAL(drain(g, &f), 1);
		CU_ASSERT(f.len == len[0] && memcmp(f.data, want[0], len[0]) == 0);
		free(want[0]);
	}
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(gs.protocol_errors, 0);
	CU_ASSERT_EQUAL(gs.rx_rsc_frames, 114);
	CU_ASSERT_EQUAL(C(&h, tx_no_section), 0);
	CU_ASSERT_EQUAL(C(&h, comp_bad), 0);
	teardown(&h, g);
}

/* A guest that holds its sections: superframes that no longer fit are
 * refused whole and counted, never delivered in part. */
static void
test_rsc_no_section(void)
{
	struct vs_netvsp_guest_opts o = {0};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, true);
	static struct vs_netvsp_guest_frame f;
	struct vs_netvsp_guest_stats gs;
	struct rte_mbuf *m[8];
	uint8_t *want;
	uint32_t len, took = 0, got;

	vs_netvsp_guest_hold_completions(g, true);
	for (int r = 0; r < 8; r++) {
		for (int i = 0; i < 8; i++) {
			m[i] = superframe(false, 60000, MSS, &want, &len);
			free(want);
		}
		took += deliver(&h, g, m, 8);
	}
	CU_ASSERT(took > 0 && took < 64);
	CU_ASSERT_EQUAL(C(&h, tx_no_section), 64 - took);
	vs_netvsp_guest_hold_completions(g, false);
	got = drain(g, &f);
	CU_ASSERT_EQUAL(got, took);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(gs.protocol_errors, 0);
	teardown(&h, g);
}

/* Without RSC: a superframe never reaches the guest coalesced (offload/
 * cuts it first; one that slips through is dropped and counted); a frame
 * that asked for segmentation but fits the MTU is delivered with its own
 * lengths; an MSS beyond the guest's MTU is refused. */
static void
test_rsc_off(void)
{
	struct vs_netvsp_guest_opts o = {.no_rsc = true};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, true);
	static struct vs_netvsp_guest_frame f;
	struct vs_netvsp_guest_stats gs;
	struct rte_mbuf *m;
	uint8_t *want;
	uint32_t len;

	m = superframe(false, 62000, MSS, &want, &len);
	CU_ASSERT_EQUAL(deliver(&h, g, &m, 1), 1);
	free(want);
	CU_ASSERT_EQUAL(drain(g, NULL), 0);
	CU_ASSERT_EQUAL(C(&h, tx_rsc_off), 1);
	CU_ASSERT_EQUAL(C(&h, tx_rsc_frames), 0);
	m = superframe(true, 1000, MSS, &want, &len);
	CU_ASSERT_EQUAL(deliver(&h, g, &m, 1), 1);
	CU_ASSERT_EQUAL_FATAL(drain(g, &f), 1);
	CU_ASSERT(!f.rsc && f.len == len && memcmp(f.data, want, len) == 0);
	free(want);
	vs_netvsp_guest_stats(g, &gs);
	CU_ASSERT_EQUAL(gs.protocol_errors, 0);
	CU_ASSERT_EQUAL(gs.rx_rsc_frames, 0);
	teardown(&h, g);

	o = (struct vs_netvsp_guest_opts){0};
	g = setup(&h, &o, true);
	m = superframe(false, 62000, 9000, &want, &len);
	CU_ASSERT_EQUAL(deliver(&h, g, &m, 1), 1);
	free(want);
	CU_ASSERT_EQUAL(drain(g, NULL), 0);
	CU_ASSERT_EQUAL(C(&h, tx_over_mtu), 1);
	teardown(&h, g);
}

/* ---- fragment sequences the host must not send, injected ---- */

struct frag {
	bool rsc;
	uint8_t flags;
	uint16_t id;
	uint32_t len;
};

/* The fragments as one transfer-page packet in sections from the top of
 * the receive buffer, handed to the guest's receive path. */
static void
inject(struct vs_netvsp_guest *g, const struct frag *fr, uint32_t n)
{
	static uint8_t pkt[24 + 8 * 64 + 40];
	struct vmbus_xfer_hdr x = {.d = {VMBUS_PKT_XFER_PAGES, 0, 0, VMBUS_FLAG_RC, 0},
				   .set_id = NVSP_RECV_BUF_ID, .range_count = n};
	uint32_t base = g->num_sub - n - 1, ext = 24 + 8 * n;
	struct vs_ring_pkt p;

	CU_ASSERT_FATAL(n <= 64);
	x.d.tid = base;
	x.d.offset8 = (uint16_t)(ext / 8);
	x.d.len8 = (uint16_t)((ext + 40) / 8);
	memcpy(pkt, &x, sizeof(x));
	for (uint32_t i = 0; i < n; i++) {
		uint8_t *s = g->arena + g->recv_off + (uint64_t)(base + i) * g->sub_size;
		struct rndis_packet h = {.h = {RNDIS_PACKET, 0}};
		struct vmbus_xfer_range r;
		uint32_t np = 0;

		if (fr[i].rsc) {
			struct rndis_ppi e = {16, PPI_RSC_ID, 12};
			struct rndis_pktinfo_id id = {1, fr[i].flags, fr[i].id};

			memcpy(s + 44, &e, 12);
			memcpy(s + 44 + 12, &id, 4);
			np = 16;
		}
		h.ppi_off = np ? 36 : 0;
		h.ppi_len = np;
		h.data_off = 36 + np;
		h.data_len = fr[i].len;
		h.h.len = 44 + np + fr[i].len;
		memcpy(s, &h, 44);
		memset(s + 44 + np, (int)i, fr[i].len);
		r.byte_count = h.h.len;
		r.byte_offset = (base + i) * g->sub_size;
		memcpy(pkt + 24 + 8 * i, &r, 8);
	}
	p.d = x.d;
	p.len = x.d.len8 * 8u;
	p.buf = pkt;
	vs_guest_indication(g, &p);
}

static void
expect(struct vs_netvsp_guest *g, const struct frag *fr, uint32_t n, uint64_t errors,
       uint32_t frames, uint32_t rsc_frames)
{
	static struct vs_netvsp_guest_frame f;
	struct vs_netvsp_guest_stats a, b;
	uint32_t got = 0, got_rsc = 0;

	vs_netvsp_guest_stats(g, &a);
	inject(g, fr, n);
	vs_netvsp_guest_stats(g, &b);
	while (vs_netvsp_guest_recv(g, &f) == 0) {
		got++;
		got_rsc += f.rsc;
	}
	CU_ASSERT_EQUAL(b.protocol_errors - a.protocol_errors, errors);
	CU_ASSERT_EQUAL(got, frames);
	CU_ASSERT_EQUAL(got_rsc, rsc_frames);
}

#define F(flags, id, len) {true, PPI_RSC_SUBALLOC | (flags), id, len}
#define FIRST PPI_RSC_FIRST
#define LAST PPI_RSC_LAST

static void
test_rsc_guest_sequences(void)
{
	static const struct frag good[] = {F(FIRST, 1, 1500), F(0, 1, 1500), F(LAST, 1, 300)};
	static const struct frag no_first[] = {F(0, 2, 1500), F(LAST, 2, 300)};
	static const struct frag other_id[] = {F(FIRST, 3, 1500), F(0, 4, 1500), F(LAST, 3, 3)};
	static const struct frag cut_short[] = {F(FIRST, 5, 1500), F(0, 5, 1500)};
	static const struct frag between[] = {F(FIRST, 6, 1500), {false, 0, 0, 60}, F(LAST, 6, 9)};
	static const struct frag restart[] = {F(FIRST, 7, 1500), F(FIRST, 8, 1500), F(LAST, 8, 9)};
	static struct frag big[41];
	struct vs_netvsp_guest_opts o = {0};
	struct host h = {0};
	struct vs_netvsp_guest *g = setup(&h, &o, true);

	expect(g, good, 3, 0, 1, 1);
	expect(g, no_first, 2, 2, 0, 0);
	expect(g, other_id, 3, 2, 0, 0);
	expect(g, cut_short, 2, 1, 0, 0);
	expect(g, between, 3, 2, 1, 0);
	expect(g, restart, 3, 1, 1, 1);
	/* 41 × 1700 bytes is more than a 64 KB frame: the 39th fragment
	 * overflows it, the two after it belong to nothing. */
	for (int i = 0; i < 41; i++)
		big[i] = (struct frag)F(i == 0 ? FIRST : i == 40 ? LAST : 0, 9, 1700);
	expect(g, big, 41, 3, 0, 0);
	expect(g, good, 3, 0, 1, 1); /* and the next one is fine */
	teardown(&h, g);

	/* A guest that did not enable RSC gets none. */
	o = (struct vs_netvsp_guest_opts){.no_rsc = true};
	g = setup(&h, &o, true);
	expect(g, good, 3, 3, 0, 0);
	teardown(&h, g);
}

int
test_rsc_register(void)
{
	CU_pSuite s = CU_add_suite("RSC over VMBus", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "negotiation", test_rsc_negotiation) ||
	    !CU_add_test(s, "offload parameters", test_rsc_offload_params) ||
	    !CU_add_test(s, "a 64 KB superframe, IPv4 and IPv6 with a tag", test_rsc_superframe) ||
	    !CU_add_test(s, "bursts, ranges, sections reclaimed", test_rsc_bursts) ||
	    !CU_add_test(s, "sections held: refused whole", test_rsc_no_section) ||
	    !CU_add_test(s, "guest without RSC, MSS over the MTU", test_rsc_off) ||
	    !CU_add_test(s, "guest: malformed fragment sequences", test_rsc_guest_sequences))
		return CU_get_error();
	return CUE_SUCCESS;
}
