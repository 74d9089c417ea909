/* SPDX-License-Identifier: BSD-3-Clause */
/* NVSP and RNDIS messages against byte vectors written from the protocol
 * reference (§3.5, §4.3, §4.5, §4.11), and every bad field of the parsers'
 * safety tables refused. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netvsp_priv.h"
#include "test_priv.h"

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__})

static void
test_nvsp_layouts(void)
{
	struct nvsp_init in = {NVSP_INIT, NVSP_V61, NVSP_V61};
	struct nvsp_ndis_config nc = {NVSP_NDIS_CONFIG, 1514, 0, 0xAC};
	struct nvsp_buf rb = {NVSP_RECV_BUF, 0x100, NVSP_RECV_BUF_ID};
	struct nvsp_recv_buf_complete rc = {NVSP_RECV_BUF_COMPLETE, 1, 1, 0, 1806, 9, 1806 * 9};
	struct nvsp_rndis_pkt rp = {NVSP_RNDIS_PKT, 1, NVSP_NO_SECTION, 0};
	struct nvsp_send_buf_complete sc = {NVSP_SEND_BUF_COMPLETE, 1, 6144};
	struct nvsp_init_complete ic = {NVSP_INIT_COMPLETE, NVSP_V61, 34, 1};

	CU_ASSERT_EQUAL(memcmp(&in, BYTES(1, 0, 0, 0, 1, 0, 6, 0, 1, 0, 6, 0), 12), 0);
	CU_ASSERT_EQUAL(sizeof(nc), 20);
	CU_ASSERT_EQUAL(memcmp(&nc, BYTES(0x7d, 0, 0, 0, 0xea, 5, 0, 0, 0, 0, 0, 0, 0xac, 0, 0, 0,
					  0, 0, 0, 0),
			       20),
			0);
	CU_ASSERT_EQUAL(memcmp(&rb, BYTES(0x65, 0, 0, 0, 0, 1, 0, 0, 0xfe, 0xca), 10), 0);
	CU_ASSERT_EQUAL(memcmp(&rc, BYTES(0x66, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x0e, 7,
					  0, 0, 9, 0, 0, 0, 0x7e, 0x3f, 0, 0),
			       28),
			0);
	CU_ASSERT_EQUAL(memcmp(&rp, BYTES(0x6b, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0,
					  0, 0),
			       16),
			0);
	CU_ASSERT_EQUAL(memcmp(&sc, BYTES(0x69, 0, 0, 0, 1, 0, 0, 0, 0, 0x18, 0, 0), 12), 0);
	CU_ASSERT_EQUAL(memcmp(&ic, BYTES(2, 0, 0, 0, 1, 0, 6, 0, 34, 0, 0, 0, 1, 0, 0, 0), 16), 0);
	/* sizes on the wire (ref §3.4) */
	CU_ASSERT_EQUAL(vs_nvsp_wire_len(NVSP_V5, NVSP_RECV_BUF_COMPLETE), 32);
	CU_ASSERT_EQUAL(vs_nvsp_wire_len(NVSP_V61, NVSP_RNDIS_PKT_COMPLETE), 40);
	CU_ASSERT_EQUAL(vs_nvsp_wire_len(NVSP_V5, NVSP_SUBCHANNEL), 40);
}

static void
test_nvsp_check(void)
{
	uint8_t m[40] = {0};
	uint32_t t;

#define TYPE(x) (t = (x), memcpy(m, &t, 4))
	TYPE(NVSP_INIT);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 12, 0), 0);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 11, 0), -EMSGSIZE);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 3, 0), -EMSGSIZE);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 40, NVSP_V61), -EPERM); /* after negotiation */
	TYPE(NVSP_RECV_BUF);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 40, 0), -EPERM); /* before INIT */
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 9, NVSP_V1), -EMSGSIZE);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 10, NVSP_V1), 0);
	TYPE(NVSP_NDIS_CONFIG);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 40, NVSP_V1), -EPERM); /* needs v2 */
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 19, NVSP_V2), -EMSGSIZE);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 20, NVSP_V2), 0);
	TYPE(NVSP_SUBCHANNEL);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 40, NVSP_V4), -EPERM); /* needs v5 */
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 40, NVSP_V5), 0);
	TYPE(NVSP_SWITCH_DATA_PATH);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 40, NVSP_V2), -EPERM);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 8, NVSP_V4), 0);
	TYPE(NVSP_RNDIS_PKT);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 15, NVSP_V61), -EMSGSIZE);
	TYPE(NVSP_REVOKE_RECV_BUF);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 5, NVSP_V61), -EMSGSIZE);
	for (uint32_t bad = 2; bad < 140; bad++) {
		if (bad == 100 || bad == 101 || bad == 103 || bad == 104 || bad == 106 ||
		    bad == 107 || bad == 125 || bad == 129 || bad == 131 || bad == 133)
			continue;
		TYPE(bad);
		CU_ASSERT_EQUAL(vs_nvsp_check(m, 40, NVSP_V61), -ENOENT);
	}
	TYPE(0xffffffff);
	CU_ASSERT_EQUAL(vs_nvsp_check(m, 40, NVSP_V61), -ENOENT);
#undef TYPE
}

static struct vs_oid_state
oid_state(void)
{
	struct vs_oid_state s;

	memset(&s, 0, sizeof(s));
	memcpy(s.mac, BYTES(0x00, 0x15, 0x5d, 1, 2, 3), 6);
	memcpy(s.perm_mac, s.mac, 6);
	s.l3_mtu = 1500;
	s.link_speed = 10000000000ull;
	s.link_up = true;
	return s;
}

static void
test_rndis_control(void)
{
	struct vs_oid_state s = oid_state();
	uint8_t out[4200];
	uint32_t n;
	bool up = false;
	uint8_t init[24] = {2, 0, 0, 0, 24, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0};
	const uint8_t init_cmplt[52] = {2, 0, 0, 0x80, 52, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
					1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
					8, 0, 0, 0, 0xff, 0xff, 0xff, 0xef, 3, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0, 0};
	uint8_t query_mac[28] = {4, 0, 0, 0, 28, 0, 0, 0, 2, 0, 0, 0, 1, 1, 1, 1,
				 0, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0};
	const uint8_t query_mac_cmplt[30] = {4, 0, 0, 0x80, 30, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
					     6, 0, 0, 0, 16, 0, 0, 0, 0x00, 0x15, 0x5d, 1, 2, 3};
	uint8_t set_filter[32] = {5, 0, 0, 0, 32, 0, 0, 0, 3, 0, 0, 0, 0x0e, 1, 1, 0,
				  4, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0x0d, 0, 0, 0};
	const uint8_t set_cmplt[16] = {5, 0, 0, 0x80, 16, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0};
	uint8_t keepalive[12] = {8, 0, 0, 0, 12, 0, 0, 0, 4, 0, 0, 0};
	const uint8_t keepalive_cmplt[16] = {8, 0, 0, 0x80, 16, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0};
	uint8_t reset[12] = {6, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0};
	const uint8_t reset_cmplt[16] = {6, 0, 0, 0x80, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	uint8_t halt[12] = {3, 0, 0, 0, 12, 0, 0, 0, 5, 0, 0, 0};
	const uint8_t indicate[20] = {7, 0, 0, 0, 20, 0, 0, 0, 0x0b, 0, 1, 0x40, 0, 0, 0, 0, 0, 0, 0, 0};

	/* a query before INITIALIZE fails */
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, query_mac, 28, out, sizeof(out), &n), RR_BAD_STATE);
	CU_ASSERT_EQUAL(n, 24);
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, init, 24, out, sizeof(out), &n), RR_OK);
	CU_ASSERT(up);
	CU_ASSERT_EQUAL(n, 52);
	CU_ASSERT_EQUAL(memcmp(out, init_cmplt, 52), 0);
	/* a second INITIALIZE is refused with a failed completion */
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, init, 24, out, sizeof(out), &n), RR_BAD_STATE);
	CU_ASSERT_EQUAL(n, 52);
	CU_ASSERT_EQUAL(memcmp(out + 12, BYTES(0x01, 0, 0, 0xc0), 4), 0);
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, query_mac, 28, out, sizeof(out), &n), RR_OK);
	CU_ASSERT_EQUAL(n, 30);
	CU_ASSERT_EQUAL(memcmp(out, query_mac_cmplt, 30), 0);
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, set_filter, 32, out, sizeof(out), &n), RR_OK);
	CU_ASSERT_EQUAL(n, 16);
	CU_ASSERT_EQUAL(memcmp(out, set_cmplt, 16), 0);
	CU_ASSERT_EQUAL(s.filter, 0x0d);
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, keepalive, 12, out, sizeof(out), &n), RR_OK);
	CU_ASSERT_EQUAL(memcmp(out, keepalive_cmplt, 16), 0);
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, reset, 12, out, sizeof(out), &n), RR_OK);
	CU_ASSERT_EQUAL(memcmp(out, reset_cmplt, 16), 0);
	CU_ASSERT_EQUAL(vs_rndis_indicate(RNDIS_MEDIA_CONNECT, out), 20);
	CU_ASSERT_EQUAL(memcmp(out, indicate, 20), 0);

	/* bad fields (ref §6.3) */
	query_mac[20] = 4; /* info offset < 20 with a buffer */
	query_mac[16] = 4;
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, query_mac, 28, out, sizeof(out), &n), RR_BAD_MSG);
	CU_ASSERT_EQUAL(memcmp(out + 12, BYTES(0x15, 0, 0x01, 0xc0), 4), 0); /* INVALID_DATA */
	query_mac[20] = 20;
	query_mac[16] = 1; /* info beyond the message */
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, query_mac, 28, out, sizeof(out), &n), RR_BAD_MSG);
	query_mac[16] = 0;
	query_mac[4] = 27; /* too short for a QUERY */
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, query_mac, 28, out, sizeof(out), &n), RR_BAD_MSG);
	CU_ASSERT_EQUAL(n, 0);
	query_mac[4] = 29; /* longer than the bytes there */
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, query_mac, 28, out, sizeof(out), &n), RR_BAD_MSG);
	query_mac[4] = 28;
	init[0] = RNDIS_SET_EX;
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, init, 24, out, sizeof(out), &n), RR_BAD_TYPE);
	CU_ASSERT_EQUAL(n, 0);
	init[0] = RNDIS_INDICATE;
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, init, 24, out, sizeof(out), &n), RR_BAD_TYPE);
	init[0] = RNDIS_INIT;
	init[4] = 8;
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, init, 24, out, sizeof(out), &n), RR_BAD_MSG);
	init[4] = 24;
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, halt, 12, out, sizeof(out), &n), RR_OK);
	CU_ASSERT_EQUAL(n, 0); /* HALT has no reply */
	CU_ASSERT(!up);
	init[12] = 2; /* major 2 */
	CU_ASSERT_EQUAL(vs_rndis_control(&s, &up, init, 24, out, sizeof(out), &n), RR_BAD_MSG);
	CU_ASSERT_EQUAL(memcmp(out + 12, BYTES(0x04, 0, 0x01, 0xc0), 4), 0); /* BAD_VERSION */
	CU_ASSERT(!up);
}

static void
test_oids(void)
{
	struct vs_oid_state s = oid_state();
	uint8_t out[4096], in[700];
	uint32_t n, v;
	bool bad;
	struct ndis_obj_hdr h = {NDIS_OBJ_OFFLOAD, 1, 112};

	CU_ASSERT_EQUAL(vs_oid_query(&s, OID_GEN_MAXIMUM_FRAME_SIZE, NULL, 0, out, 4096, &n), 0);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(memcmp(out, BYTES(0xdc, 5, 0, 0), 4), 0);
	CU_ASSERT_EQUAL(vs_oid_query(&s, OID_GEN_LINK_SPEED, NULL, 0, out, 4096, &n), 0);
	CU_ASSERT_EQUAL(memcmp(out, BYTES(0x00, 0xe1, 0xf5, 0x05), 4), 0); /* 10^8 × 100 bit/s */
	CU_ASSERT_EQUAL(vs_oid_query(&s, OID_GEN_MEDIA_CONNECT_STATUS, NULL, 0, out, 4096, &n), 0);
	CU_ASSERT_EQUAL(memcmp(out, BYTES(0, 0, 0, 0), 4), 0);
	CU_ASSERT_EQUAL(vs_oid_query(&s, OID_802_3_MAXIMUM_LIST_SIZE, NULL, 0, out, 4096, &n), 0);
	CU_ASSERT_EQUAL(out[0], VS_MAX_MC);
	CU_ASSERT_EQUAL(vs_oid_query(&s, OID_GEN_RSS_CAPS, NULL, 0, out, 4096, &n), 0);
	CU_ASSERT_EQUAL(n, 18);
	CU_ASSERT_EQUAL(memcmp(out, BYTES(0x88, 2, 18, 0), 4), 0);
	CU_ASSERT_EQUAL(memcmp(out + 16, BYTES(128, 0), 2), 0);
	/* offload capabilities cut to the size the guest's header names */
	CU_ASSERT_EQUAL(vs_oid_query(&s, OID_TCP_OFFLOAD_HW_CAPS, (uint8_t *)&h, 4, out, 4096, &n), 0);
	CU_ASSERT_EQUAL(n, 112);
	h.rev = 2;
	h.size = 144;
	vs_oid_query(&s, OID_TCP_OFFLOAD_HW_CAPS, (uint8_t *)&h, 4, out, 4096, &n);
	CU_ASSERT_EQUAL(n, 144);
	vs_oid_query(&s, OID_TCP_OFFLOAD_HW_CAPS, NULL, 0, out, 4096, &n);
	CU_ASSERT_EQUAL(n, 156);
	CU_ASSERT_EQUAL(memcmp(out, BYTES(0xa7, 3, 156, 0), 4), 0);
	memcpy(&v, out + NDIS_OFFLOAD_IP4_TX_FLAGS, 4);
	CU_ASSERT_EQUAL(v & 0x014, 0x014); /* what Linux needs for TCP4 */
	memcpy(&v, out + NDIS_OFFLOAD_LSO2_IP4_MAX, 4);
	CU_ASSERT_EQUAL(v, 62780);
	CU_ASSERT_EQUAL(vs_oid_query(&s, 0x12345678, NULL, 0, out, 4096, &n), RNDIS_NOT_SUPPORTED);
	CU_ASSERT_EQUAL(n, 0);

	/* sets, and their bad inputs (ref §6.3 per-OID input) */
	memset(in, 0, sizeof(in));
	CU_ASSERT_EQUAL(vs_oid_set(&s, OID_GEN_CURRENT_PACKET_FILTER, in, 3, &bad), RNDIS_INVALID_DATA);
	CU_ASSERT(bad);
	CU_ASSERT_EQUAL(vs_oid_set(&s, OID_802_3_MULTICAST_LIST, in, 7, &bad), RNDIS_INVALID_LENGTH);
	CU_ASSERT_EQUAL(vs_oid_set(&s, OID_802_3_MULTICAST_LIST, in, 33 * 6, &bad),
			RNDIS_INVALID_LENGTH);
	memcpy(in, BYTES(0x01, 0, 0x5e, 0, 0, 1, 0x33, 0x33, 0, 0, 0, 1), 12);
	CU_ASSERT_EQUAL(vs_oid_set(&s, OID_802_3_MULTICAST_LIST, in, 12, &bad), 0);
	CU_ASSERT_EQUAL(s.n_mc, 2);
	memcpy(in, BYTES(0x80, 3, 19, 0), 4);
	CU_ASSERT_EQUAL(vs_oid_set(&s, OID_TCP_OFFLOAD_PARAMETERS, in, 28, &bad), RNDIS_INVALID_DATA);
	memcpy(in, BYTES(0x80, 3, 29, 0), 4); /* size beyond the buffer */
	CU_ASSERT_EQUAL(vs_oid_set(&s, OID_TCP_OFFLOAD_PARAMETERS, in, 28, &bad), RNDIS_INVALID_DATA);
	memcpy(in, BYTES(0x80, 3, 22, 0, 4, 4), 6); /* Linux's size 22 labelled rev 3 */
	CU_ASSERT_EQUAL(vs_oid_set(&s, OID_TCP_OFFLOAD_PARAMETERS, in, 22, &bad), 0);
	CU_ASSERT_EQUAL(s.offload.ip4_csum, 4);
	/* RSS: both guests' 592-byte object, then broken ones */
	memset(in, 0, sizeof(in));
	{
		struct ndis_rss_params p = {{NDIS_OBJ_RSS_PARAMS, 2, 40}, 0, 0, 0x301, 512, 0, 40, 40,
					    0, 552, 0, 0, 0};

		memcpy(in, &p, sizeof(p));
		CU_ASSERT_EQUAL(vs_oid_set(&s, OID_GEN_RSS_PARAMS, in, 592, &bad), 0);
		CU_ASSERT(s.rss_on);
		CU_ASSERT_EQUAL(vs_oid_set(&s, OID_GEN_RSS_PARAMS, in, 591, &bad), RNDIS_INVALID_DATA);
		in[40 + 8] = 1; /* an entry naming channel 1 of 1 */
		CU_ASSERT_EQUAL(vs_oid_set(&s, OID_GEN_RSS_PARAMS, in, 592, &bad), RNDIS_INVALID_DATA);
		in[40 + 8] = 0;
		p.key_size = 41;
		memcpy(in, &p, sizeof(p));
		CU_ASSERT_EQUAL(vs_oid_set(&s, OID_GEN_RSS_PARAMS, in, 592, &bad), RNDIS_INVALID_DATA);
		p.key_size = 40;
		p.table_size = 6;
		memcpy(in, &p, sizeof(p));
		CU_ASSERT_EQUAL(vs_oid_set(&s, OID_GEN_RSS_PARAMS, in, 592, &bad), RNDIS_INVALID_DATA);
		p.flags = NDIS_RSS_FLAG_DISABLE;
		memcpy(in, &p, sizeof(p));
		CU_ASSERT_EQUAL(vs_oid_set(&s, OID_GEN_RSS_PARAMS, in, 40, &bad), 0);
		CU_ASSERT(!s.rss_on);
	}
	/* config parameter: "NetworkAddress" = "02AABBCCDDEE" (UTF-16LE) */
	{
		const char *name = "NetworkAddress", *val = "02AABBCCDDEE";
		struct ndis_config_param p = {20, 28, 2, 48, 24};

		memset(in, 0, sizeof(in));
		memcpy(in, &p, sizeof(p));
		for (int i = 0; i < 14; i++)
			in[20 + 2 * i] = (uint8_t)name[i];
		for (int i = 0; i < 12; i++)
			in[48 + 2 * i] = (uint8_t)val[i];
		CU_ASSERT_EQUAL(vs_oid_set(&s, OID_GEN_RNDIS_CONFIG_PARAMETER, in, 72, &bad), 0);
		CU_ASSERT_EQUAL(memcmp(s.mac, BYTES(2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee), 6), 0);
		CU_ASSERT_EQUAL(vs_oid_set(&s, OID_GEN_RNDIS_CONFIG_PARAMETER, in, 71, &bad),
				RNDIS_INVALID_DATA); /* value beyond the buffer */
		in[48] = 'X';
		CU_ASSERT_EQUAL(vs_oid_set(&s, OID_GEN_RNDIS_CONFIG_PARAMETER, in, 72, &bad),
				RNDIS_INVALID_DATA);
	}
	CU_ASSERT_EQUAL(vs_oid_set(&s, OID_GEN_CURRENT_LOOKAHEAD, in, 4, &bad), RNDIS_NOT_SUPPORTED);
}

/* RNDIS PACKET with an 802.1Q PPI and a checksum PPI, then a 60-byte
 * frame: msg_len 136, data_offset 68, ppi_offset 36, ppi_length 32. */
static uint8_t pkt_vec[136];

static void
build_pkt(void)
{
	static const uint8_t head[76] = {
		1, 0, 0, 0, 136, 0, 0, 0, 68, 0, 0, 0, 60, 0, 0, 0, /* type len doff dlen */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                 /* oob */
		36, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* ppi off, len, vc, rsv */
		16, 0, 0, 0, 6, 0, 0, 0, 12, 0, 0, 0, 0x45, 0x06, 0, 0, /* 802.1Q: pri 5, vid 100 */
		16, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0, 0, 0x05, 0, 0x22, 0, /* v4|tcp, l4 offset 34 */
	};

	memcpy(pkt_vec, head, sizeof(head));
	for (int i = 0; i < 60; i++)
		pkt_vec[76 + i] = (uint8_t)i;
}

static void
test_packet_parse(void)
{
	struct vs_pktinfo pi;
	enum vs_netvsp_counter why;
	uint8_t m[136];
	struct {
		uint32_t off;
		uint32_t val;
		enum vs_netvsp_counter why;
	} bad[] = {
		{12, 0, VS_NETVSP_C_rndis_bad_packet},   /* data_len 0 */
		{12, 61, VS_NETVSP_C_rndis_bad_packet},  /* frame past the message */
		{8, 35, VS_NETVSP_C_rndis_bad_packet},   /* data inside the header */
		{8, 0xfffffff0, VS_NETVSP_C_rndis_bad_packet}, /* 32-bit wrap */
		{20, 4, VS_NETVSP_C_rndis_bad_packet},   /* OOB data */
		{36, 1, VS_NETVSP_C_rndis_bad_packet},   /* vc_handle */
		{28, 35, VS_NETVSP_C_rndis_bad_packet},  /* PPIs inside the header */
		{32, 101, VS_NETVSP_C_rndis_bad_packet}, /* PPIs past the message */
		{44, 0, VS_NETVSP_C_ppi_bad},            /* PPI size 0: would loop */
		{44, 11, VS_NETVSP_C_ppi_bad},           /* PPI size < its header */
		{44, 48, VS_NETVSP_C_ppi_bad},           /* PPI size past the PPI area */
		{52, 17, VS_NETVSP_C_ppi_bad},           /* value offset past the PPI */
		{52, 8, VS_NETVSP_C_ppi_bad},            /* value offset inside its header */
		{52, 13, VS_NETVSP_C_ppi_bad},           /* value shorter than 4 bytes */
	};

	build_pkt();
	CU_ASSERT_EQUAL(vs_rndis_packet_parse(pkt_vec, 136, 136, &pi, &why), 0);
	CU_ASSERT_EQUAL(pi.data_off, 76);
	CU_ASSERT_EQUAL(pi.data_len, 60);
	CU_ASSERT(pi.has_vlan && pi.has_csum && !pi.has_lso);
	CU_ASSERT_EQUAL((pi.vlan >> 4) & 0xfff, 100);
	CU_ASSERT_EQUAL(pi.vlan & 7, 5);
	CU_ASSERT_EQUAL((pi.csum >> 16) & 0x3ff, 34);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(m, pkt_vec, sizeof(m));
		memcpy(m + bad[i].off, &bad[i].val, 4);
		CU_ASSERT_EQUAL(vs_rndis_packet_parse(m, 136, 136, &pi, &why), -EBADMSG);
		CU_ASSERT_EQUAL(why, bad[i].why);
		if (why != bad[i].why)
			printf("\n  bad case %zu (offset %u)\n", i, bad[i].off);
	}
	/* msg_len shorter than the PACKET header */
	CU_ASSERT_EQUAL(vs_rndis_packet_parse(pkt_vec, 43, 43, &pi, &why), -EBADMSG);
	/* PPIs not all in the part copied privately */
	CU_ASSERT_EQUAL(vs_rndis_packet_parse(pkt_vec, 70, 136, &pi, &why), -EBADMSG);
	/* stream walker: msg_len 0 or past the stream */
	{
		uint32_t t, l;

		memcpy(m, pkt_vec, sizeof(m));
		memset(m + 4, 0, 4);
		CU_ASSERT_EQUAL(vs_rndis_msg_hdr(m, 136, &t, &l), -EBADMSG);
		CU_ASSERT_EQUAL(vs_rndis_msg_hdr(pkt_vec, 135, &t, &l), -EBADMSG);
		CU_ASSERT_EQUAL(vs_rndis_msg_hdr(pkt_vec, 7, &t, &l), -EBADMSG);
		CU_ASSERT_EQUAL(vs_rndis_msg_hdr(pkt_vec, 136, &t, &l), 0);
	}
}

int
test_proto_register(void)
{
	CU_pSuite s = CU_add_suite("nvsp and rndis", NULL, NULL);

	return s == NULL || !CU_add_test(s, "NVSP layouts byte for byte", test_nvsp_layouts) ||
	       !CU_add_test(s, "NVSP sizes, types and versions checked", test_nvsp_check) ||
	       !CU_add_test(s, "RNDIS control messages byte for byte", test_rndis_control) ||
	       !CU_add_test(s, "OIDs: reply sizes and set inputs", test_oids) ||
	       !CU_add_test(s, "RNDIS PACKET and PPIs; bad fields", test_packet_parse);
}
