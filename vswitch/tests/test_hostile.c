/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A hostile guest and a well-behaved one on the same switch (vswitch.h,
 * "Quarantine"; netvsp/guest/guest.h, vs_netvsp_guest_misbehave).  For each
 * misdeed: the switch carries on, the VSP counts it, a protocol violation
 * quarantines the hostile port with a reason that names it (at once for a
 * corrupt ring, at the threshold otherwise) while load does not, and every
 * frame between the good guest and a ring port arrives, both ways.  Then
 * the quarantine is lifted — on request, or by the guest resetting its
 * channel — and the hostile port forwards again.
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

#define EXCHANGE 256u /* frames each way between the good guest and the ring port */

static struct vs_dp *hdp;
static struct vs_netvsp_guest *good, *bad;
static struct vs_netvsp_guest_frame *frame;
static char hdir[32];
static const uint8_t ring_mac[6] = {0x02, 0, 0, 0, 0, 0x77};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static uint8_t good_mac[6], bad_mac[6];
static unsigned int r_idx, bad_idx;
static uint64_t now_ns = 1000000000000ull; /* the datapath's clock */
static char notices[8][256];
static unsigned int n_notices;

static void
notice(const char *msg, void *arg)
{
	(void)arg;
	if (n_notices < 8)
		snprintf(notices[n_notices], sizeof(notices[0]), "%s", msg);
	n_notices++;
}

/* The notices whose text holds s. */
static unsigned int
notices_with(const char *s)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < n_notices && i < 8; i++)
		n += strstr(notices[i], s) != NULL;
	return n;
}

static void
host_poll(void *arg)
{
	(void)arg;
	vs_dp_ctl_poll(hdp, NULL);
	vs_dp_poll_once(hdp);
}

static struct vs_netvsp_guest *
guest_up(const char *name, uint32_t recv_buf, uint8_t mac[6])
{
	/* Short waits: a quarantined channel's close waits for answers that
	 * never come. */
	struct vs_netvsp_guest_opts go = {.recv_buf_size = recv_buf, .idle = host_poll,
					  .timeout_ms = 1000};
	struct vs_netvsp_guest_stats st;
	struct vs_netvsp_guest *g;
	char path[64];

	snprintf(path, sizeof(path), "%s/%s", hdir, name);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_open(path, &go, &g), 0);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_bringup(g), 0);
	vs_netvsp_guest_stats(g, &st);
	memcpy(mac, st.mac, 6);
	return g;
}

/* Switch s: netvsc ports good and bad (a small receive buffer, so that one
 * that stops completing runs out soon), ring port r. */
static void
setup(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024};
	struct vs_switch_conf sc = {.name = "s", .type = VS_SWITCH_PRIVATE};
	struct vs_port_conf pc = {.switch_name = "s", .kind = VS_PORT_NETVSC};
	struct vs_port_conf r = {.name = "r", .switch_name = "s", .kind = VS_PORT_RING};
	char err[256];

	snprintf(hdir, sizeof(hdir), "/tmp/vshostXXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(hdir));
	snprintf(dc.chan_dir, sizeof(dc.chan_dir), "%s", hdir);
	hdp = vs_dp_create(&dc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(hdp);
	vs_dp_set_clock(hdp, vs_test_clock, &now_ns);
	n_notices = 0;
	vs_dp_set_notice(hdp, notice, NULL);
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(hdp, &sc, err, sizeof(err)), 0);
	strcpy(pc.name, "good");
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(hdp, &pc, err, sizeof(err)), 0);
	strcpy(pc.name, "bad");
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(hdp, &pc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(hdp, &r, err, sizeof(err)), 0);
	r_idx = (unsigned int)vs_dp_port_index(hdp, "r");
	bad_idx = (unsigned int)vs_dp_port_index(hdp, "bad");
	vs_dp_ctl_poll(hdp, NULL);
	good = guest_up("good", 2u << 20, good_mac);
	bad = guest_up("bad", 512u << 10, bad_mac);
	frame = malloc(sizeof(*frame));
	CU_ASSERT_PTR_NOT_NULL_FATAL(frame);
}

static void
teardown(void)
{
	char cmd[64];

	vs_netvsp_guest_close(good);
	if (bad != NULL)
		vs_netvsp_guest_close(bad);
	vs_dp_destroy(hdp);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", hdir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	free(frame);
}

struct counter_want {
	const char *name;
	uint64_t value;
};

static void
counter_find(const char *name, uint64_t value, void *arg)
{
	struct counter_want *w = arg;

	if (strcmp(name, w->name) == 0)
		w->value = value;
}

static uint64_t
bad_counter(const char *name)
{
	struct counter_want w = {name, 0};

	vs_dp_port_backend_counters(hdp, bad_idx, counter_find, &w);
	return w.value;
}

static struct vs_port_quarantine
bad_q(void)
{
	struct vs_port_quarantine q;

	CU_ASSERT_EQUAL(vs_dp_port_quarantine(hdp, bad_idx, &q), 0);
	return q;
}

/* Frames on the ring port's transmit side from src; the rest freed. */
static unsigned int
drain_ring(const uint8_t src[6])
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while (rte_ring_dequeue(vs_dp_port_tx_ring(hdp, r_idx), (void **)&m) == 0) {
		n += memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, 6), src, 6) == 0;
		rte_pktmbuf_free(m);
	}
	return n;
}

/* EXCHANGE frames each way between the good guest and the ring port (the
 * ring port's are broadcasts, which reach the hostile guest too while it is
 * not quarantined), with again() run between batches to keep misbehaving.
 * Asserts that all of them arrive. */
static void
exchange(void (*again)(void))
{
	uint8_t f[60];
	const void *fp[8];
	uint32_t lens[8];
	unsigned int sent = 0, injected = 0, at_ring = 0, at_good = 0;
	struct vs_netvsp_guest_stats st;

	memcpy(f, ring_mac, 6);
	memcpy(f + 6, good_mac, 6);
	f[12] = 0x88, f[13] = 0xb5;
	memset(f + 14, 0x5a, sizeof(f) - 14);
	for (int i = 0; i < 8; i++)
		fp[i] = f, lens[i] = sizeof(f);
	/* The ring port's MAC is learned first. */
	{
		struct rte_mbuf *m = vs_test_frame(hdp, bcast, ring_mac, 0x88b5, 60, 1);

		CU_ASSERT_EQUAL_FATAL(rte_ring_enqueue(vs_dp_port_rx_ring(hdp, r_idx), m), 0);
		host_poll(NULL);
		drain_ring(ring_mac);
		while (vs_netvsp_guest_poll(good) > 0 || vs_netvsp_guest_recv(good, frame) == 0)
			;
	}
	for (int loops = 0; loops < 20000 && (at_ring < EXCHANGE || at_good < EXCHANGE); loops++) {
		if (again != NULL)
			again();
		if (sent < EXCHANGE &&
		    vs_netvsp_guest_send(good, fp, lens, NULL, 8, VS_GUEST_TX_SECTION) == 0)
			sent += 8;
		for (int i = 0; i < 8 && injected < EXCHANGE; i++) {
			struct rte_mbuf *m = vs_test_frame(hdp, bcast, ring_mac, 0x88b5, 60, 2);

			if (m == NULL || rte_ring_enqueue(vs_dp_port_rx_ring(hdp, r_idx), m) != 0) {
				rte_pktmbuf_free(m);
				break;
			}
			injected++;
		}
		host_poll(NULL);
		at_ring += drain_ring(good_mac);
		vs_netvsp_guest_poll(good);
		while (vs_netvsp_guest_recv(good, frame) == 0)
			at_good += memcmp(frame->data + 6, ring_mac, 6) == 0;
	}
	CU_ASSERT_EQUAL(sent, EXCHANGE);
	CU_ASSERT_EQUAL(at_ring, EXCHANGE);
	CU_ASSERT_EQUAL(at_good, EXCHANGE);
	vs_netvsp_guest_stats(good, &st);
	CU_ASSERT_EQUAL(st.tx_failed, 0);
}

/* Whether a frame the hostile guest sends now reaches the ring port. */
static bool
bad_forwards(void)
{
	uint8_t f[60];
	const void *fp = f;
	uint32_t len = sizeof(f);
	unsigned int n = 0;

	memcpy(f, ring_mac, 6);
	memcpy(f + 6, bad_mac, 6);
	f[12] = 0x88, f[13] = 0xb5;
	memset(f + 14, 0xa5, sizeof(f) - 14);
	drain_ring(bad_mac);
	if (vs_netvsp_guest_send(bad, &fp, &len, NULL, 1, VS_GUEST_TX_SECTION) != 0)
		return false;
	for (int i = 0; i < 50; i++) {
		host_poll(NULL);
		vs_netvsp_guest_poll(bad);
		n += drain_ring(bad_mac);
	}
	return n == 1;
}

/* The hostile guest resets its channel and comes back well-behaved. */
static void
reattach(void)
{
	vs_netvsp_guest_close(bad);
	host_poll(NULL);
	bad = guest_up("bad", 512u << 10, bad_mac);
}

/* One misdeed that breaks the ring: quarantined at the first, reason
 * naming it; the good guest unaffected; a reset brings the port back. */
static void
ring_case(enum vs_netvsp_guest_misdeed m, const char *reason)
{
	struct vs_port_quarantine q;
	uint64_t offered;

	setup();
	CU_ASSERT(bad_forwards());
	CU_ASSERT_FALSE(bad_q().on);
	CU_ASSERT_EQUAL(vs_netvsp_guest_misbehave(bad, m, 1), 1);
	host_poll(NULL);
	host_poll(NULL);
	CU_ASSERT_EQUAL(bad_counter("ring_corrupt"), 1);
	q = bad_q();
	CU_ASSERT(q.on);
	CU_ASSERT_EQUAL(q.times, 1);
	if (strstr(q.reason, reason) == NULL) {
		fprintf(stderr, "\n  reason '%s', want '%s'\n", q.reason, reason);
		CU_FAIL("quarantine reason");
	}
	/* Out of its switch's flood set: not even offered the broadcasts. */
	offered = bad_counter("tx_not_ready");
	exchange(NULL);
	CU_ASSERT_EQUAL(bad_counter("tx_not_ready"), offered);
	reattach();
	host_poll(NULL);
	CU_ASSERT_FALSE(bad_q().on);
	CU_ASSERT(bad_forwards());
	exchange(NULL);
	teardown();
}

static void
test_hostile_write_index(void)
{
	/* 256 KiB rings: a 258048-byte data area; the index is 4096 past it. */
	ring_case(VS_GUEST_BAD_WRITE_INDEX, "ring write index 262144 past ring size 258048");
}

static void
test_hostile_unaligned_index(void)
{
	ring_case(VS_GUEST_UNALIGNED_INDEX, "not a multiple of 8");
}

static void
test_hostile_desc_too_long(void)
{
	ring_case(VS_GUEST_DESC_TOO_LONG, "ring descriptor length 524280 past the 16 bytes written");
}

/* A misdeed that fails one message: counted, tolerated below the
 * threshold, quarantined at it; the good guest's traffic meanwhile all
 * gets through; released on request, the port forwards again. */
static void
message_case(enum vs_netvsp_guest_misdeed m, const char *counter, const char *reason)
{
	uint32_t below = VS_QUARANTINE_AFTER_DEFAULT - 1;
	struct vs_port_quarantine q;
	uint64_t offered;
	char err[128];

	setup();
	CU_ASSERT_EQUAL(vs_netvsp_guest_misbehave(bad, m, below - 5), (int)below - 5);
	for (int i = 0; i < 4; i++)
		host_poll(NULL);
	CU_ASSERT_EQUAL(vs_netvsp_guest_misbehave(bad, m, 5), 5);
	for (int i = 0; i < 4; i++)
		host_poll(NULL);
	CU_ASSERT_EQUAL(bad_counter(counter), below);
	/* Logged once in this second of the clock; the rest waits. */
	CU_ASSERT_EQUAL(n_notices, 1);
	CU_ASSERT_EQUAL(notices_with("port bad: 10 protocol violations (last: "), 1);
	CU_ASSERT_FALSE(bad_q().on);
	CU_ASSERT_EQUAL(bad_q().violations, below);
	CU_ASSERT(bad_forwards()); /* the channel carried on */
	CU_ASSERT_EQUAL(vs_netvsp_guest_misbehave(bad, m, 1), 1);
	host_poll(NULL);
	host_poll(NULL);
	CU_ASSERT_EQUAL(bad_counter(counter), below + 1);
	q = bad_q();
	CU_ASSERT(q.on);
	if (strstr(q.reason, reason) == NULL) {
		fprintf(stderr, "\n  reason '%s', want '%s'\n", q.reason, reason);
		CU_FAIL("quarantine reason");
	}
	CU_ASSERT_EQUAL(n_notices, 2);
	CU_ASSERT_EQUAL(notices_with("port bad: quarantined: 16 protocol violations"), 1);
	/* A second later, the six held back. */
	now_ns += 1000000000ull;
	host_poll(NULL);
	CU_ASSERT_EQUAL(n_notices, 3);
	CU_ASSERT_EQUAL(notices_with("port bad: 6 protocol violations (last: "), 1);
	/* Quarantined: what it sends is not even read. */
	CU_ASSERT_EQUAL(vs_netvsp_guest_misbehave(bad, m, 5), 5);
	offered = bad_counter("tx_not_ready") + bad_counter("tx_packets");
	exchange(NULL);
	CU_ASSERT_EQUAL(bad_counter("tx_not_ready") + bad_counter("tx_packets"), offered);
	CU_ASSERT_EQUAL(bad_counter(counter), below + 1);
	CU_ASSERT_FALSE(bad_forwards());
	CU_ASSERT_EQUAL(vs_dp_port_set_quarantine(hdp, "bad", false, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(bad_q().on);
	/* The five it wrote meanwhile are read now: counted, below the
	 * threshold again. */
	for (int i = 0; i < 4; i++)
		host_poll(NULL);
	CU_ASSERT_EQUAL(bad_counter(counter), below + 6);
	CU_ASSERT_FALSE(bad_q().on);
	CU_ASSERT(bad_forwards());
	teardown();
}

static void
test_hostile_section(void)
{
	message_case(VS_GUEST_BAD_SECTION, "section_bad",
		     "16 protocol violations, the last: send-buffer section index");
}

static void
test_hostile_gpa(void)
{
	message_case(VS_GUEST_BAD_GPA, "gpa_bad", "outside the arena");
}

static void
test_hostile_rndis_data(void)
{
	message_case(VS_GUEST_BAD_RNDIS_DATA, "rndis_bad_packet",
		     "RNDIS packet of 104 bytes: data at 8+4000 len 60");
}

static void
test_hostile_rndis_ppi(void)
{
	message_case(VS_GUEST_BAD_RNDIS_PPI, "rndis_bad_packet", "per-packet info at 8+4000 len 16");
}

/* Load, not violations: never quarantined. */
static void
test_hostile_no_completions(void)
{
	setup();
	CU_ASSERT_EQUAL(vs_netvsp_guest_misbehave(bad, VS_GUEST_NO_RX_COMPLETIONS, 1), 1);
	/* The good guest and the ring port exchange while every broadcast
	 * goes to the stalled guest too: it fills and stays full. */
	exchange(NULL);
	exchange(NULL);
	CU_ASSERT(bad_counter("tx_no_section") > 0);
	CU_ASSERT_FALSE(bad_q().on);
	CU_ASSERT_EQUAL(bad_q().total, 0);
	teardown();
}

static void
flood_again(void)
{
	vs_netvsp_guest_misbehave(bad, VS_GUEST_FLOOD, 0);
}

static void
test_hostile_flood(void)
{
	uint64_t answered;

	setup();
	answered = bad_counter("rndis_ctl"); /* the bring-up's */
	CU_ASSERT(vs_netvsp_guest_misbehave(bad, VS_GUEST_FLOOD, 0) > 1000);
	exchange(flood_again);
	CU_ASSERT(bad_counter("ctl_queue_full") > 0);
	CU_ASSERT(bad_counter("rndis_ctl") > answered);
	CU_ASSERT_FALSE(bad_q().on);
	CU_ASSERT_EQUAL(bad_q().total, 0);
	teardown();
}

CU_ErrorCode
vs_test_register_hostile(void)
{
	CU_pSuite s = CU_add_suite("hostile guest", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "write index past the ring: quarantined at once",
			 test_hostile_write_index) ||
	    !CU_add_test(s, "unaligned write index: quarantined at once",
			 test_hostile_unaligned_index) ||
	    !CU_add_test(s, "descriptor longer than the ring: quarantined at once",
			 test_hostile_desc_too_long) ||
	    !CU_add_test(s, "section past the end: quarantined at the threshold",
			 test_hostile_section) ||
	    !CU_add_test(s, "GPA page outside the arena: quarantined at the threshold",
			 test_hostile_gpa) ||
	    !CU_add_test(s, "RNDIS data offset outside: quarantined at the threshold",
			 test_hostile_rndis_data) ||
	    !CU_add_test(s, "RNDIS PPI offset outside: quarantined at the threshold",
			 test_hostile_rndis_ppi) ||
	    !CU_add_test(s, "receive indications never completed: throttled, not quarantined",
			 test_hostile_no_completions) ||
	    !CU_add_test(s, "ring flooded with keepalives: throttled, not quarantined",
			 test_hostile_flood))
		return CU_get_error();
	return CUE_SUCCESS;
}
