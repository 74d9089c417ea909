/* SPDX-License-Identifier: BSD-3-Clause */
/* Every bad field of the safety tables (nvsp.c, rndis.c, rx_dp.c): the
 * guest packet is failed (completion status 2) or the message answered
 * with the failure status, the reason is counted, and the channel carries
 * on — except a corrupt ring, which stops it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_mbuf.h>

#include "guest.h"
#include "netvsp.h"
#include "netvsp_priv.h"
#include "test_priv.h"

static struct vs_netvsp *ch;
static struct vs_netvsp_guest *g;
static struct rte_mbuf *rx[64];
static uint8_t *arena;
static uint64_t arena_size, base;
#define SCRATCH (arena_size - (64u << 10)) /* arena tail, unused by the guest */

static void
poll_host(void *arg)
{
	uint16_t n;

	(void)arg;
	vs_netvsp_ctl_poll(ch);
	n = vs_netvsp_rx_burst(ch, rx, 64, test_mp);
	for (uint16_t i = 0; i < n; i++)
		rte_pktmbuf_free(rx[i]);
}

static void
pump(void)
{
	for (int i = 0; i < 3; i++) {
		poll_host(NULL);
		vs_netvsp_guest_poll(g);
	}
}

static int
open_chan(bool send_buf)
{
	struct vs_netvsp_params p = {.arena_size = 16u << 20};
	struct vs_netvsp_guest_opts o = {.recv_buf_size = 2u << 20, .skip_send_buf = !send_buf,
					 .gpa_base = 0x40000000, .idle = poll_host,
					 .timeout_ms = 1000}; /* a broken channel's close */
	char err[128], name[32];
	static int seq;

	snprintf(name, sizeof(name), "bad%d", seq++);
	if (vs_netvsp_create(test_dir, name, &p, &ch, err, sizeof(err)) != 0 ||
	    vs_netvsp_guest_open(vs_netvsp_path(ch), &o, &g) != 0 || vs_netvsp_guest_bringup(g) != 0)
		return -1;
	arena = vs_netvsp_guest_arena(g, &arena_size, &base);
	return 0;
}

static void
close_chan(void)
{
	vs_netvsp_guest_close(g);
	vs_netvsp_ctl_poll(ch);
	vs_netvsp_destroy(ch);
}

#define CNT_OF(name) vs_netvsp_counter(ch, VS_NETVSP_C_##name)

/* Sends an NVSP message with RC and returns the completion's status word
 * at status_off (0xffffffff: no completion). */
static uint32_t
nvsp_status(const void *msg, uint32_t len, uint32_t status_off)
{
	uint8_t reply[64];
	uint32_t n = sizeof(reply), st = 0xffffffff;

	if (vs_netvsp_guest_nvsp(g, msg, len, true, reply, &n) == 0 && n >= status_off + 4)
		memcpy(&st, reply + status_off, 4);
	return st;
}

static void
test_bad_nvsp(void)
{
	struct nvsp_init init = {NVSP_INIT, NVSP_V61, NVSP_V61};
	struct nvsp_buf rb = {NVSP_RECV_BUF, 0x100, NVSP_RECV_BUF_ID};
	struct nvsp_buf sb = {NVSP_SEND_BUF, 0x777, 0};
	struct nvsp_revoke rv = {NVSP_REVOKE_RECV_BUF, 0xBEEF};
	uint32_t unknown[2] = {109, 0}, sub[3] = {NVSP_SUBCHANNEL, 2, 1};
	uint8_t raw[8] = {101, 0, 0, 0, 0, 1, 0, 0};
	uint8_t reply[64];
	uint32_t n = sizeof(reply);

	CU_ASSERT_EQUAL_FATAL(open_chan(false), 0);
	CU_ASSERT_EQUAL(nvsp_status(unknown, 8, 4), NVSP_STAT_FAILURE);
	CU_ASSERT_EQUAL(CNT_OF(nvsp_unknown), 1);
	CU_ASSERT_EQUAL(nvsp_status(&init, sizeof(init), 12), NVSP_STAT_FAILURE); /* again */
	CU_ASSERT_EQUAL(CNT_OF(nvsp_bad_state), 1);
	CU_ASSERT_EQUAL(nvsp_status(&rb, sizeof(rb), 4), NVSP_STAT_FAILURE); /* duplicate */
	CU_ASSERT_EQUAL(CNT_OF(nvsp_bad_state), 2);
	CU_ASSERT_EQUAL(nvsp_status(sub, 12, 4), NVSP_STAT_FAILURE); /* op 2 */
	/* an 8-byte 101 (the ring carries whole 8-byte units): short */
	CU_ASSERT_EQUAL(vs_netvsp_guest_raw(g, VMBUS_PKT_INBAND, VMBUS_FLAG_RC, 77, NULL, 0, raw, 8), 0);
	pump();
	CU_ASSERT_EQUAL(CNT_OF(nvsp_short), 1);
	/* send buffer: unknown handle, outside the arena, unaligned, too small */
	CU_ASSERT_EQUAL(nvsp_status(&sb, sizeof(sb), 4), NVSP_STAT_FAILURE);
	vs_netvsp_guest_gpadl(g, 0x777, arena_size - 4096, 8192);
	CU_ASSERT_EQUAL(nvsp_status(&sb, sizeof(sb), 4), NVSP_STAT_FAILURE);
	vs_netvsp_guest_gpadl(g, 0x777, UINT64_MAX - 4095, 8192); /* wraps */
	CU_ASSERT_EQUAL(nvsp_status(&sb, sizeof(sb), 4), NVSP_STAT_FAILURE);
	vs_netvsp_guest_gpadl(g, 0x777, SCRATCH + 100, 8192);
	CU_ASSERT_EQUAL(nvsp_status(&sb, sizeof(sb), 4), NVSP_STAT_FAILURE);
	CU_ASSERT_EQUAL(CNT_OF(gpadl_bad), 4);
	vs_netvsp_guest_gpadl(g, 0x777, SCRATCH, 4096);
	CU_ASSERT_EQUAL(nvsp_status(&sb, sizeof(sb), 4), NVSP_STAT_FAILURE);
	CU_ASSERT_EQUAL(CNT_OF(buf_bad), 1);
	vs_netvsp_guest_gpadl(g, 0x777, SCRATCH, 16384);
	CU_ASSERT_EQUAL(nvsp_status(&sb, sizeof(sb), 4), NVSP_STAT_SUCCESS);
	/* revoke naming another id */
	CU_ASSERT_EQUAL(nvsp_status(&rv, sizeof(rv), 4), NVSP_STAT_FAILURE);
	CU_ASSERT_EQUAL(CNT_OF(revoke_bad_id), 1);
	/* no completion unless asked (ref §3.2) */
	CU_ASSERT_EQUAL(vs_netvsp_guest_nvsp(g, unknown, 8, false, reply, &n), 0);
	pump();
	CU_ASSERT_EQUAL(CNT_OF(nvsp_unknown), 2);
	close_chan();
}

/* An RNDIS stream written at SCRATCH, sent GPA-direct in one range. */
static uint32_t
send_gpa_stream(const void *s, uint32_t len, const void *ranges, uint32_t rlen)
{
	struct nvsp_rndis_pkt np = {NVSP_RNDIS_PKT, 0, NVSP_NO_SECTION, 0};
	uint8_t ext[256] = {0}, nv[40] = {0};
	struct vs_netvsp_guest_stats before, after;
	uint32_t one = 1;
	uint64_t pfn = base / 4096 + SCRATCH / 4096;
	struct vmbus_gpa_range r = {len, 0};

	memcpy(arena + SCRATCH, s, len);
	if (ranges == NULL) {
		memcpy(ext + 4, &one, 4);
		memcpy(ext + 8, &r, 8);
		for (uint32_t i = 0; i < (len + 4095) / 4096; i++, pfn++)
			memcpy(ext + 16 + 8 * i, &pfn, 8);
		rlen = 16 + 8 * ((len + 4095) / 4096);
	} else {
		memcpy(ext, ranges, rlen);
	}
	memcpy(nv, &np, sizeof(np));
	vs_netvsp_guest_stats(g, &before);
	CU_ASSERT_EQUAL(vs_netvsp_guest_raw(g, VMBUS_PKT_GPA_DIRECT, VMBUS_FLAG_RC, (1ull << 40) | 0,
					    ext, (rlen + 7) & ~7u, nv, 40), 0);
	pump();
	vs_netvsp_guest_stats(g, &after);
	/* the tid names a free send section in the simulator: it counts
	 * the completion as a send */
	return after.tx_failed > before.tx_failed ? NVSP_STAT_FAILURE
	       : after.tx_completed > before.tx_completed ? NVSP_STAT_SUCCESS : 0;
}

static uint32_t pkt[1024];

static uint32_t
mkpkt(uint32_t frame_len, uint32_t ppi_type, uint32_t ppi_val)
{
	uint32_t np = ppi_type == UINT32_MAX ? 0 : 16, len = 44 + np + frame_len;
	uint8_t *p = (uint8_t *)pkt;

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = RNDIS_PACKET;
	pkt[1] = len;
	pkt[2] = 36 + np;
	pkt[3] = frame_len;
	if (np) {
		pkt[7] = 36;
		pkt[8] = np;
		pkt[11] = 16;
		pkt[12] = ppi_type;
		pkt[13] = 12;
		pkt[14] = ppi_val;
	}
	memset(p + 44 + np, 0, frame_len);
	p[44 + np] = 0x02; /* unicast */
	p[44 + np + 12] = 0x08;
	p[44 + np + 14] = 0x45;
	p[44 + np + 14 + 20 + 12] = 0x50;
	return len;
}

static void
test_bad_rndis(void)
{
	uint32_t len, ranges[8];
	uint64_t pfn;

	CU_ASSERT_EQUAL_FATAL(open_chan(true), 0);
	len = mkpkt(60, UINT32_MAX, 0);
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, NULL, 0), NVSP_STAT_SUCCESS);
	CU_ASSERT_EQUAL(CNT_OF(rx_packets), 1);
	/* GPA ranges: count 0, offset ≥ 4096, pfn outside, pfn below base,
	 * pfns missing */
	memset(ranges, 0, sizeof(ranges));
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, ranges, 24), NVSP_STAT_FAILURE);
	ranges[1] = 1;
	ranges[2] = len;
	ranges[3] = 4096;
	pfn = base / 4096 + SCRATCH / 4096;
	memcpy(&ranges[4], &pfn, 8);
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, ranges, 24), NVSP_STAT_FAILURE);
	ranges[3] = 0;
	pfn = base / 4096 + arena_size / 4096;
	memcpy(&ranges[4], &pfn, 8);
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, ranges, 24), NVSP_STAT_FAILURE);
	pfn = base / 4096 - 1;
	memcpy(&ranges[4], &pfn, 8);
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, ranges, 24), NVSP_STAT_FAILURE);
	ranges[3] = 4000; /* crosses a page: needs 2 pfns, has 1 */
	pfn = base / 4096 + SCRATCH / 4096;
	memcpy(&ranges[4], &pfn, 8);
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, ranges, 24), NVSP_STAT_FAILURE);
	CU_ASSERT_EQUAL(CNT_OF(gpa_bad), 5);
	/* RNDIS: msg_len 0, PPI size 0, frame short/long, LSO/csum/VLAN */
	len = mkpkt(60, UINT32_MAX, 0);
	pkt[1] = 0;
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, NULL, 0), NVSP_STAT_FAILURE);
	len = mkpkt(60, PPI_VLAN, 0);
	pkt[11] = 0;
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, NULL, 0), NVSP_STAT_FAILURE);
	CU_ASSERT_EQUAL(CNT_OF(ppi_bad), 1);
	CU_ASSERT_EQUAL(CNT_OF(rndis_bad_packet), 2);
	len = mkpkt(10, UINT32_MAX, 0);
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, NULL, 0), NVSP_STAT_FAILURE);
	len = mkpkt(1600, UINT32_MAX, 0);
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, NULL, 0), NVSP_STAT_FAILURE);
	CU_ASSERT_EQUAL(CNT_OF(frame_bad_len), 1);
	CU_ASSERT_EQUAL(CNT_OF(rx_over_mtu), 1);
	len = mkpkt(200, PPI_LSO, 0 | (34u << 20) | (1u << 30)); /* MSS 0 */
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, NULL, 0), NVSP_STAT_FAILURE);
	len = mkpkt(200, PPI_LSO, 100 | (190u << 20) | (1u << 30)); /* TCP header past the end */
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, NULL, 0), NVSP_STAT_FAILURE);
	len = mkpkt(200, PPI_LSO, 100 | (20u << 20) | (1u << 30)); /* inside the IP header */
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, NULL, 0), NVSP_STAT_FAILURE);
	/* MSS 1461: 14 + 20 + 20 + 1461 = 1515, a segment longer than the MTU */
	len = mkpkt(200, PPI_LSO, 1461 | (34u << 20) | (1u << 30));
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, NULL, 0), NVSP_STAT_FAILURE);
	CU_ASSERT_EQUAL(CNT_OF(lso_bad), 4);
	len = mkpkt(200, PPI_LSO, 1460 | (34u << 20) | (1u << 30)); /* exactly the MTU */
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, NULL, 0), NVSP_STAT_SUCCESS);
	CU_ASSERT_EQUAL(CNT_OF(lso_bad), 4);
	len = mkpkt(200, PPI_CSUM, PPI_TXCSUM_IPV4 | PPI_TXCSUM_IPV6 | PPI_TXCSUM_TCP);
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, NULL, 0), NVSP_STAT_FAILURE);
	len = mkpkt(200, PPI_CSUM, PPI_TXCSUM_IPV4 | PPI_TXCSUM_TCP | (300u << 16));
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, NULL, 0), NVSP_STAT_FAILURE);
	CU_ASSERT_EQUAL(CNT_OF(csum_bad), 2);
	len = mkpkt(60, PPI_VLAN, 4095u << 4);
	CU_ASSERT_EQUAL(send_gpa_stream(pkt, len, NULL, 0), NVSP_STAT_FAILURE);
	CU_ASSERT_EQUAL(CNT_OF(vlan_bad), 1);
	/* nine packets in one message: over max_packets_per_message */
	{
		static uint8_t s[9 * 104];

		len = mkpkt(60, UINT32_MAX, 0);
		for (int i = 0; i < 9; i++)
			memcpy(s + i * len, pkt, len);
		CU_ASSERT_EQUAL(send_gpa_stream(s, 9 * len, NULL, 0), NVSP_STAT_FAILURE);
	}
	CU_ASSERT_EQUAL(CNT_OF(rx_packets), 2); /* that one, and the MTU-sized LSO */
	close_chan();
}

static void
test_bad_ring(void)
{
	struct nvsp_rndis_pkt np = {NVSP_RNDIS_PKT, 0, 5000, 100};
	struct nvsp_status comp = {NVSP_RNDIS_PKT_COMPLETE, 1};
	uint8_t nv[40] = {0};
	uint32_t *wi;

	CU_ASSERT_EQUAL_FATAL(open_chan(true), 0);
	/* section index past the send buffer; size past a section */
	memcpy(nv, &np, sizeof(np));
	vs_netvsp_guest_raw(g, VMBUS_PKT_INBAND, VMBUS_FLAG_RC, (1ull << 40) | 1, NULL, 0, nv, 40);
	np.section_index = 1;
	np.section_size = 6145;
	memcpy(nv, &np, sizeof(np));
	vs_netvsp_guest_raw(g, VMBUS_PKT_INBAND, VMBUS_FLAG_RC, (1ull << 40) | 2, NULL, 0, nv, 40);
	pump();
	CU_ASSERT_EQUAL(CNT_OF(section_bad), 2);
	/* completions for nothing outstanding, and a duplicate */
	vs_netvsp_guest_raw(g, VMBUS_PKT_COMP, 0, 40000, NULL, 0, &comp, 8);
	vs_netvsp_guest_raw(g, VMBUS_PKT_COMP, 0, 20, NULL, 0, &comp, 8);
	pump();
	CU_ASSERT_EQUAL(CNT_OF(comp_bad), 2);
	/* packet types and flags a guest must not use */
	vs_netvsp_guest_raw(g, VMBUS_PKT_XFER_PAGES, 0, 1, NULL, 0, nv, 40);
	vs_netvsp_guest_raw(g, 0x2, VMBUS_FLAG_RC, 1, NULL, 0, nv, 40);
	vs_netvsp_guest_raw(g, VMBUS_PKT_INBAND, 0x2, 1, NULL, 0, nv, 40);
	pump();
	CU_ASSERT_EQUAL(CNT_OF(ring_bad_type), 3);
	CU_ASSERT_EQUAL(CNT_OF(ring_corrupt), 0);
	CU_ASSERT(vs_netvsp_ctl_poll(ch) >= 0);
	/* a corrupt write index stops the channel */
	wi = (uint32_t *)(ch->map + VS_PAGE);
	*wi += 4;
	pump();
	CU_ASSERT_EQUAL(CNT_OF(ring_corrupt), 1);
	CU_ASSERT_EQUAL(vs_netvsp_ctl_poll(ch), -EPIPE);
	close_chan();
}

int test_bad_register(CU_pSuite s);
int
test_bad_register(CU_pSuite s)
{
	return !CU_add_test(s, "bad NVSP fields", test_bad_nvsp) ||
	       !CU_add_test(s, "bad GPA ranges, RNDIS packets, PPIs", test_bad_rndis) ||
	       !CU_add_test(s, "bad sections, completions, packet types, ring", test_bad_ring);
}
