/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host side of a hostile guest (netvsp.h, "Protocol violations and
 * quarantine"): each of the simulator's misdeeds (guest.h) is counted as a
 * violation and described in numbers the guest wrote; frame-level faults
 * and load are not violations; a quarantined channel is not read, refuses
 * frames, and comes back when released or when the guest resets it.
 */
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
static uint64_t rx_frames;

static void
poll_host(void *arg)
{
	struct rte_mbuf *rx[32];
	uint16_t n;

	(void)arg;
	vs_netvsp_ctl_poll(ch);
	n = vs_netvsp_rx_burst(ch, rx, 32, test_mp);
	rx_frames += n;
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

static struct vs_netvsp_guest *
guest_up(void)
{
	/* Short waits: a broken channel's close waits for answers that
	 * never come. */
	struct vs_netvsp_guest_opts o = {.recv_buf_size = 1u << 20, .gpa_base = 0x40000000,
					 .idle = poll_host, .timeout_ms = 1000};
	struct vs_netvsp_guest *gg;

	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_open(vs_netvsp_path(ch), &o, &gg), 0);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_bringup(gg), 0);
	return gg;
}

static void
open_chan(void)
{
	struct vs_netvsp_params p = {.ring_size = 64u << 10, .arena_size = 16u << 20};
	char err[128], name[32];
	static int seq;

	snprintf(name, sizeof(name), "hostile%d", seq++);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_create(test_dir, name, &p, &ch, err, sizeof(err)), 0);
	g = guest_up();
	rx_frames = 0;
}

static void
close_chan(void)
{
	vs_netvsp_guest_close(g);
	vs_netvsp_ctl_poll(ch);
	vs_netvsp_destroy(ch);
}

/* Sends one good frame; true if the host received it. */
static bool
frame_through(void)
{
	uint8_t f[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x88, 0xb5};
	const void *fp = f;
	uint32_t len = sizeof(f);
	uint64_t before = rx_frames;

	if (vs_netvsp_guest_send(g, &fp, &len, NULL, 1, VS_GUEST_TX_SECTION) != 0)
		return false;
	pump();
	return rx_frames == before + 1;
}

static void
expect_violation(enum vs_netvsp_guest_misdeed m, const char *counter, bool fatal,
		 const char *text)
{
	struct vs_netvsp_violations v;
	uint64_t c[VS_NETVSP_N_COUNTERS], before = 0;
	unsigned int i;

	vs_netvsp_counters(ch, c);
	for (i = 0; i < VS_NETVSP_N_COUNTERS; i++)
		if (strcmp(vs_netvsp_counter_name(i), counter) == 0)
			before = c[i];
	vs_netvsp_violation_poll(ch, &v);
	CU_ASSERT_EQUAL(v.fresh, 0);
	CU_ASSERT_EQUAL(vs_netvsp_guest_misbehave(g, m, 1), 1);
	pump();
	vs_netvsp_counters(ch, c);
	for (i = 0; i < VS_NETVSP_N_COUNTERS; i++)
		if (strcmp(vs_netvsp_counter_name(i), counter) == 0)
			CU_ASSERT_EQUAL(c[i], before + 1);
	vs_netvsp_violation_poll(ch, &v);
	CU_ASSERT_EQUAL(v.fresh, 1);
	CU_ASSERT_EQUAL(v.fatal, fatal);
	if (strcmp(v.last, text) != 0) {
		fprintf(stderr, "\n  %s: '%s', want '%s'\n", vs_netvsp_guest_misdeed_name(m), v.last,
			text);
		CU_FAIL("violation description");
	}
}

static void
test_violations_described(void)
{
	char want[160];

	open_chan();
	/* 64 KiB rings: 61440 bytes of data; 16 MiB arena at GPA 0x40000000
	 * (pages 0x40000-0x40fff); 1 MiB send buffer: 170 sections. */
	expect_violation(VS_GUEST_BAD_SECTION, "section_bad", false,
			 "send-buffer section index 177 past the last, 169");
	expect_violation(VS_GUEST_BAD_GPA, "gpa_bad", false,
			 "GPA page 0x41010 outside the arena (pages 0x40000-0x40fff)");
	expect_violation(VS_GUEST_BAD_RNDIS_DATA, "rndis_bad_packet", false,
			 "RNDIS packet of 104 bytes: data at 8+4000 len 60, per-packet info at 8+0 "
			 "len 0");
	expect_violation(VS_GUEST_BAD_RNDIS_PPI, "rndis_bad_packet", false,
			 "RNDIS packet of 104 bytes: data at 8+36 len 60, per-packet info at 8+4000 "
			 "len 16");
	CU_ASSERT(frame_through()); /* each failed one message, no more */
	/* A control message carries no more detail than its counter. */
	{
		uint32_t unknown[10] = {999};
		struct vs_netvsp_violations v;

		CU_ASSERT_EQUAL(vs_netvsp_guest_nvsp(g, unknown, sizeof(unknown), false, NULL, NULL),
				0);
		pump();
		vs_netvsp_violation_poll(ch, &v);
		CU_ASSERT_EQUAL(v.fresh, 1);
		CU_ASSERT_FALSE(v.fatal);
		CU_ASSERT_STRING_EQUAL(v.last, "nvsp_unknown");
	}
	expect_violation(VS_GUEST_DESC_TOO_LONG, "ring_corrupt", true,
			 "ring descriptor length 524280 past the 16 bytes written");
	CU_ASSERT_EQUAL(vs_netvsp_ctl_poll(ch), -EPIPE);
	close_chan();

	open_chan();
	snprintf(want, sizeof(want), "ring write index %u past ring size %u", 61440 + 4096, 61440);
	expect_violation(VS_GUEST_BAD_WRITE_INDEX, "ring_corrupt", true, want);
	close_chan();
	open_chan();
	CU_ASSERT(frame_through());
	/* 4 past where the guest's next packet would go */
	snprintf(want, sizeof(want), "ring write index %u not a multiple of 8",
		 ((const struct vmbus_ring_ctl *)(ch->map + VS_PAGE))->write_index + 4);
	expect_violation(VS_GUEST_UNALIGNED_INDEX, "ring_corrupt", true, want);
	close_chan();
}

/* Load is not a violation, nor is a frame a guest's stack got wrong. */
static void
test_not_violations(void)
{
	struct vs_netvsp_violations v;
	uint8_t f[10] = {0};
	const void *fp = f;
	uint32_t len = sizeof(f);
	uint64_t answered;
	int n;

	/* A ring full of keepalives: the host answers as many as it has
	 * control sections for, then stops reading until the guest takes
	 * them — which it cannot, its own ring being full.  It has wedged
	 * itself, and only itself. */
	open_chan();
	answered = vs_netvsp_counter(ch, VS_NETVSP_C_rndis_ctl); /* the bring-up's */
	n = vs_netvsp_guest_misbehave(g, VS_GUEST_FLOOD, 0);
	CU_ASSERT(n > 100);
	CU_ASSERT_EQUAL(vs_netvsp_guest_misbehave(g, VS_GUEST_FLOOD, 0), 0); /* full */
	for (int i = 0; i < 20; i++)
		pump();
	CU_ASSERT(vs_netvsp_counter(ch, VS_NETVSP_C_ctl_queue_full) > 0);
	CU_ASSERT(vs_netvsp_counter(ch, VS_NETVSP_C_rndis_ctl) > answered);
	CU_ASSERT(vs_netvsp_counter(ch, VS_NETVSP_C_rndis_ctl) <= answered + VS_CTL_SUBS);
	CU_ASSERT(vs_netvsp_ctl_poll(ch) >= 0);
	vs_netvsp_violation_poll(ch, &v);
	CU_ASSERT_EQUAL(v.total, 0);
	close_chan();

	/* Receive indications never completed: the guest's sections run out,
	 * the host refuses frames and counts them. */
	open_chan();
	CU_ASSERT_EQUAL(vs_netvsp_guest_misbehave(g, VS_GUEST_NO_RX_COMPLETIONS, 1), 1);
	for (int i = 0; i < 200 && vs_netvsp_counter(ch, VS_NETVSP_C_tx_no_section) == 0; i++) {
		struct rte_mbuf *m[32];

		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_alloc_bulk(test_mp, m, 32), 0);
		for (int k = 0; k < 32; k++)
			memset(rte_pktmbuf_append(m[k], 60), 0xff, 60);
		vs_netvsp_tx_burst(ch, m, 32);
		rte_pktmbuf_free_bulk(m, 32);
		pump();
	}
	CU_ASSERT(vs_netvsp_counter(ch, VS_NETVSP_C_tx_no_section) > 0);
	/* A 10-byte frame: its stack's fault, not the channel's. */
	CU_ASSERT_EQUAL(vs_netvsp_guest_send(g, &fp, &len, NULL, 1, VS_GUEST_TX_SECTION), 0);
	pump();
	CU_ASSERT_EQUAL(vs_netvsp_counter(ch, VS_NETVSP_C_frame_bad_len), 1);
	vs_netvsp_violation_poll(ch, &v);
	CU_ASSERT_EQUAL(v.total, 0);
	CU_ASSERT_EQUAL(v.fresh, 0);
	CU_ASSERT_STRING_EQUAL(v.last, "");
	close_chan();
}

static void
test_quarantine_channel(void)
{
	struct rte_mbuf *m;
	char reason[64];
	uint64_t answered;
	int handled;

	open_chan();
	answered = vs_netvsp_counter(ch, VS_NETVSP_C_rndis_ctl);
	CU_ASSERT_FALSE(vs_netvsp_quarantined(ch, reason, sizeof(reason)));
	CU_ASSERT_STRING_EQUAL(reason, "");
	vs_netvsp_quarantine(ch, "by request");
	CU_ASSERT(vs_netvsp_quarantined(ch, reason, sizeof(reason)));
	CU_ASSERT_STRING_EQUAL(reason, "by request");
	/* Nothing it sends is read, not even control messages. */
	CU_ASSERT_FALSE(frame_through());
	CU_ASSERT_EQUAL(vs_netvsp_guest_misbehave(g, VS_GUEST_FLOOD, 3), 3);
	handled = vs_netvsp_ctl_poll(ch);
	CU_ASSERT_EQUAL(handled, 0);
	CU_ASSERT_EQUAL(vs_netvsp_counter(ch, VS_NETVSP_C_rndis_ctl), answered);
	m = rte_pktmbuf_alloc(test_mp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memset(rte_pktmbuf_append(m, 60), 0xff, 60);
	CU_ASSERT_EQUAL(vs_netvsp_tx_burst(ch, &m, 1), 1); /* dropped, as by a NIC that is down */
	CU_ASSERT_EQUAL(vs_netvsp_counter(ch, VS_NETVSP_C_tx_not_ready), 1);
	CU_ASSERT_EQUAL(vs_netvsp_counter(ch, VS_NETVSP_C_tx_packets), 0);
	rte_pktmbuf_free(m);
	/* Released: what waited is read. */
	vs_netvsp_release(ch);
	pump();
	CU_ASSERT_EQUAL(rx_frames, 1);
	CU_ASSERT_EQUAL(vs_netvsp_counter(ch, VS_NETVSP_C_rndis_ctl), answered + 3);
	/* The guest resetting its channel lifts a quarantine too. */
	vs_netvsp_quarantine(ch, "by request");
	vs_netvsp_guest_close(g);
	vs_netvsp_ctl_poll(ch);
	CU_ASSERT_FALSE(vs_netvsp_quarantined(ch, NULL, 0));
	g = guest_up();
	CU_ASSERT(frame_through());
	close_chan();
}

int
test_hostile_register(void)
{
	CU_pSuite s = CU_add_suite("hostile guest, host side", NULL, NULL);

	return s == NULL ||
	       !CU_add_test(s, "each misdeed: a violation, described", test_violations_described) ||
	       !CU_add_test(s, "flood, stalls and bad frames are not violations",
			    test_not_violations) ||
	       !CU_add_test(s, "quarantined: not read, frames dropped; released",
			    test_quarantine_channel);
}
