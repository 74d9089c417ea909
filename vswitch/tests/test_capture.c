/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Live capture through real ring ports: frames flow with vs_dp_poll_once
 * while a capture runs, and the file is read back with libpcap and compared
 * byte for byte.  Covers rx, tx and both directions, the frame-count and
 * file-size limits (and the reason the status gives), pcapng, drops when the
 * control side does not drain, a port deleted under a capture, refusals, and
 * start/stop against a running worker (the RCU path).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <pcap/pcap.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "test_env.h"
#include "vswitch.h"

static struct vs_dp *dp;
static char dir[64];
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static int
idx(const char *name)
{
	return vs_dp_port_index(dp, name);
}

static int
add_port(struct vs_dp *d, const char *sw, const char *name)
{
	struct vs_port_conf pc = {.kind = VS_PORT_RING, .ring_size = 4096};
	char err[256];

	snprintf(pc.switch_name, sizeof(pc.switch_name), "%s", sw);
	snprintf(pc.name, sizeof(pc.name), "%s", name);
	return vs_dp_port_add(d, &pc, err, sizeof(err));
}

static struct vs_dp *
make_dp(unsigned int workers)
{
	struct vs_dp_conf dc = {.fdb_size = 1024, .n_workers = workers};
	struct vs_switch_conf sc = {.type = VS_SWITCH_PRIVATE};
	char err[256];
	struct vs_dp *d = vs_dp_create(&dc, err, sizeof(err));

	strcpy(sc.name, "sw");
	if (d == NULL || vs_dp_switch_add(d, &sc, err, sizeof(err)) != 0)
		return NULL;
	return d;
}

/* sw: a b c, driven by the test (no workers). */
static int
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vscapXXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	dp = make_dp(0);
	if (dp == NULL || add_port(dp, "sw", "a") != 0 || add_port(dp, "sw", "b") != 0 ||
	    add_port(dp, "sw", "c") != 0)
		return -1;
	return 0;
}

static int
teardown(void)
{
	char cmd[128];

	vs_dp_destroy(dp);
	dp = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
path_of(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static void
drain_tx(struct vs_dp *d, const char *port)
{
	struct rte_ring *r = vs_dp_port_tx_ring(d, (unsigned int)vs_dp_port_index(d, port));
	struct rte_mbuf *m[256];
	unsigned int n;

	while ((n = rte_ring_dequeue_burst(r, (void **)m, 256, NULL)) > 0)
		rte_pktmbuf_free_bulk(m, n);
}

static void
drain_all(void)
{
	drain_tx(dp, "a");
	drain_tx(dp, "b");
	drain_tx(dp, "c");
}

/* Frame i of a test: broadcast from a per-port MAC, length 60 + 7*i,
 * payload bytes = i. */
static uint32_t
frame_len(unsigned int i)
{
	return 60 + 7 * (i % 200);
}

/* Puts n broadcast frames on port's receive ring (they flood to the other
 * two ports) and runs the pipeline until they are through. */
static void
inject(struct vs_dp *d, const char *port, unsigned int n, unsigned int first)
{
	struct rte_ring *r = vs_dp_port_rx_ring(d, (unsigned int)vs_dp_port_index(d, port));
	uint8_t src[6] = {0x02, 0, 0, 0, 0, (uint8_t)port[0]};
	unsigned int i;

	for (i = first; i < first + n; i++) {
		struct rte_mbuf *m = vs_test_frame(d, BCAST, src, 0x88b5, frame_len(i), (uint8_t)i);

		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_EQUAL_FATAL(rte_ring_enqueue(r, m), 0);
		if (rte_ring_count(r) >= VS_BURST)
			vs_dp_poll_once(d);
	}
	while (vs_dp_poll_once(d) > 0)
		;
}

/* Reads a capture file; checks record k against frame first+k, sent from
 * src_port (0: any port); returns the record count. */
static unsigned int
read_back(const char *path, char src_port, unsigned int first)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned int n = 0;

	if (p == NULL) {
		fprintf(stderr, "\n  %s: %s\n", path, errbuf);
		CU_FAIL("capture file unreadable");
		return 0;
	}
	CU_ASSERT_EQUAL(pcap_datalink(p), DLT_EN10MB);
	while (pcap_next_ex(p, &h, &data) == 1) {
		unsigned int i = first + n, j, bad = 0;

		CU_ASSERT_EQUAL(h->caplen, frame_len(i));
		CU_ASSERT_EQUAL(h->len, frame_len(i));
		if (h->caplen == frame_len(i)) {
			CU_ASSERT(memcmp(data, BCAST, 6) == 0);
			if (src_port != 0)
				CU_ASSERT_EQUAL(data[11], (uint8_t)src_port);
			CU_ASSERT(data[12] == 0x88 && data[13] == 0xb5);
			for (j = 14; j < h->caplen; j++)
				bad += data[j] != (uint8_t)i;
			CU_ASSERT_EQUAL(bad, 0);
		}
		n++;
	}
	pcap_close(p);
	return n;
}

static off_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void
start_ok(const char *port, const char *path, enum vs_capture_dir d, enum vs_capture_format f,
	 uint64_t max_frames, uint64_t max_bytes)
{
	struct vs_capture_conf cc = {.path = path, .dir = d, .format = f,
				     .max_frames = max_frames, .max_bytes = max_bytes};
	char err[256] = "";
	int rc = vs_dp_capture_start(dp, (unsigned int)idx(port), &cc, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "\n  capture start: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

static void
test_rx_bytes(void)
{
	struct vs_capture_status st;
	char path[128];

	drain_all();
	path_of(path, sizeof(path), "rx.pcap");
	start_ok("a", path, VS_CAPTURE_RX, VS_CAPTURE_PCAP, 0, 0);
	CU_ASSERT_EQUAL(vs_dp_capture_status(dp, (unsigned int)idx("a"), &st), 0);
	CU_ASSERT_EQUAL(st.end, VS_CAPTURE_END_RUNNING);
	inject(dp, "a", 37, 0);
	CU_ASSERT_EQUAL(vs_dp_capture_poll(dp), 1);
	/* Readable while running: the writer flushes every poll. */
	CU_ASSERT_EQUAL(read_back(path, 'a', 0), 37);
	inject(dp, "a", 5, 37);
	CU_ASSERT_EQUAL(vs_dp_capture_stop(dp, (unsigned int)idx("a"), &st), 0);
	CU_ASSERT_EQUAL(st.end, VS_CAPTURE_END_STOPPED);
	CU_ASSERT_STRING_EQUAL(vs_capture_end_name(st.end), "stopped");
	CU_ASSERT_EQUAL(st.frames, 42);
	CU_ASSERT_EQUAL(st.dropped, 0);
	CU_ASSERT_EQUAL((off_t)st.bytes, file_size(path));
	CU_ASSERT_EQUAL(read_back(path, 'a', 0), 42);
	/* Stopped means forgotten. */
	CU_ASSERT_EQUAL(vs_dp_capture_status(dp, (unsigned int)idx("a"), &st), -ENOENT);
	CU_ASSERT_EQUAL(vs_dp_capture_stop(dp, (unsigned int)idx("a"), NULL), -ENOENT);
	drain_all();
}

/* A frame received on one port is transmitted on the other two: each
 * direction of each capture sees exactly its share. */
static void
test_direction(void)
{
	char prx[128], ptx[128], pboth[128];
	struct vs_capture_status st;

	drain_all();
	path_of(prx, sizeof(prx), "b-rx.pcap");
	path_of(ptx, sizeof(ptx), "c-tx.pcap");
	path_of(pboth, sizeof(pboth), "a-both.pcap");
	start_ok("b", prx, VS_CAPTURE_RX, VS_CAPTURE_PCAP, 0, 0);
	start_ok("c", ptx, VS_CAPTURE_TX, VS_CAPTURE_PCAP, 0, 0);
	start_ok("a", pboth, VS_CAPTURE_BOTH, VS_CAPTURE_PCAP, 0, 0);
	inject(dp, "a", 10, 0);  /* a rx; b, c tx */
	vs_dp_capture_poll(dp);
	inject(dp, "b", 4, 10);  /* b rx; a, c tx */
	CU_ASSERT_EQUAL(vs_dp_capture_poll(dp), 3);
	CU_ASSERT_EQUAL(vs_dp_capture_stop(dp, (unsigned int)idx("b"), &st), 0);
	CU_ASSERT_EQUAL(st.frames, 4);
	CU_ASSERT_EQUAL(read_back(prx, 'b', 10), 4);
	CU_ASSERT_EQUAL(vs_dp_capture_stop(dp, (unsigned int)idx("c"), &st), 0);
	CU_ASSERT_EQUAL(st.frames, 14);
	CU_ASSERT_EQUAL(vs_dp_capture_stop(dp, (unsigned int)idx("a"), &st), 0);
	CU_ASSERT_EQUAL(st.frames, 14); /* 10 received + 4 transmitted */
	CU_ASSERT_EQUAL(read_back(pboth, 0, 0), 14); /* a's 10, then b's 4, in order */
	drain_all();
}

static void
test_count_limit(void)
{
	struct vs_capture_status st;
	char path[128];

	drain_all();
	path_of(path, sizeof(path), "count.pcap");
	start_ok("b", path, VS_CAPTURE_TX, VS_CAPTURE_PCAP, 3, 0);
	inject(dp, "a", 10, 0);
	CU_ASSERT_EQUAL(vs_dp_capture_poll(dp), 0); /* ended by the limit */
	CU_ASSERT_EQUAL(vs_dp_capture_status(dp, (unsigned int)idx("b"), &st), 0);
	CU_ASSERT_EQUAL(st.end, VS_CAPTURE_END_COUNT);
	CU_ASSERT_STRING_EQUAL(vs_capture_end_name(st.end), "count_limit");
	CU_ASSERT_EQUAL(st.frames, 3);
	CU_ASSERT_EQUAL(read_back(path, 'a', 0), 3);
	/* The callbacks are gone: more traffic changes nothing. */
	inject(dp, "a", 5, 10);
	vs_dp_capture_poll(dp);
	CU_ASSERT_EQUAL(read_back(path, 'a', 0), 3);
	/* A finished capture gives way to a new one on the same port; an
	 * existing file is never overwritten. */
	CU_ASSERT_EQUAL(unlink(path), 0);
	start_ok("b", path, VS_CAPTURE_TX, VS_CAPTURE_PCAP, 1, 0);
	inject(dp, "a", 1, 20);
	vs_dp_capture_poll(dp);
	CU_ASSERT_EQUAL(read_back(path, 'a', 20), 1);
	CU_ASSERT_EQUAL(vs_dp_capture_stop(dp, (unsigned int)idx("b"), &st), 0);
	CU_ASSERT_EQUAL(st.end, VS_CAPTURE_END_COUNT);
	drain_all();
}

static void
test_size_limit(void)
{
	struct vs_capture_status st;
	char path[128];
	/* pcap: 24-byte file header, 16 bytes per record; frames 0 and 1 are
	 * 60 and 67 bytes: room for exactly two, one byte short of three. */
	uint64_t max = 24 + (16 + 60) + (16 + 67) + (16 + 74) - 1;

	drain_all();
	path_of(path, sizeof(path), "size.pcap");
	start_ok("c", path, VS_CAPTURE_TX, VS_CAPTURE_PCAP, 0, max);
	inject(dp, "a", 6, 0);
	CU_ASSERT_EQUAL(vs_dp_capture_poll(dp), 0);
	CU_ASSERT_EQUAL(vs_dp_capture_stop(dp, (unsigned int)idx("c"), &st), 0);
	CU_ASSERT_EQUAL(st.end, VS_CAPTURE_END_SIZE);
	CU_ASSERT_STRING_EQUAL(vs_capture_end_name(st.end), "size_limit");
	CU_ASSERT_EQUAL(st.frames, 2);
	CU_ASSERT_EQUAL(st.bytes, 24 + 76 + 83);
	CU_ASSERT_EQUAL(file_size(path), 24 + 76 + 83);
	CU_ASSERT(file_size(path) <= (off_t)max);
	CU_ASSERT_EQUAL(read_back(path, 'a', 0), 2);
	drain_all();
}

static void
test_pcapng(void)
{
	struct vs_capture_status st;
	char path[128];

	drain_all();
	path_of(path, sizeof(path), "both.pcapng");
	start_ok("a", path, VS_CAPTURE_BOTH, VS_CAPTURE_PCAPNG, 0, 0);
	inject(dp, "a", 33, 0);
	vs_dp_capture_poll(dp);
	CU_ASSERT_EQUAL(vs_dp_capture_stop(dp, (unsigned int)idx("a"), &st), 0);
	CU_ASSERT_EQUAL(st.frames, 33);
	CU_ASSERT_EQUAL((off_t)st.bytes, file_size(path));
	CU_ASSERT_STRING_EQUAL(vs_capture_format_name(st.format), "pcapng");
	CU_ASSERT_EQUAL(read_back(path, 'a', 0), 33);
	drain_all();
}

/* The control side does not drain: the datapath neither waits nor grows,
 * it counts what it could not copy. */
static void
test_drops(void)
{
	struct vs_capture_status st;
	char path[128];

	drain_all();
	path_of(path, sizeof(path), "drops.pcap");
	start_ok("a", path, VS_CAPTURE_RX, VS_CAPTURE_PCAP, 0, 0);
	inject(dp, "a", 1500, 0);
	CU_ASSERT_EQUAL(vs_dp_capture_status(dp, (unsigned int)idx("a"), &st), 0);
	CU_ASSERT_EQUAL(st.dropped, 1500 - 1023);
	vs_dp_capture_poll(dp);
	CU_ASSERT_EQUAL(vs_dp_capture_stop(dp, (unsigned int)idx("a"), &st), 0);
	CU_ASSERT_EQUAL(st.frames, 1023);
	CU_ASSERT_EQUAL(st.dropped, 1500 - 1023);
	CU_ASSERT_EQUAL(read_back(path, 'a', 0), 1023);
	drain_all();
}

static void
test_port_deleted(void)
{
	struct vs_capture_status st;
	char path[128], err[256];

	drain_all();
	CU_ASSERT_EQUAL_FATAL(add_port(dp, "sw", "d"), 0);
	path_of(path, sizeof(path), "gone.pcap");
	start_ok("d", path, VS_CAPTURE_TX, VS_CAPTURE_PCAP, 0, 0);
	inject(dp, "a", 3, 0);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "d", err, sizeof(err)), 0);
	/* The frames copied before the port went are in the closed file. */
	CU_ASSERT_EQUAL(read_back(path, 'a', 0), 3);
	CU_ASSERT_EQUAL(vs_dp_capture_poll(dp), 0);
	/* The slot is reused by a new port: nothing of the old capture. */
	CU_ASSERT_EQUAL_FATAL(add_port(dp, "sw", "e"), 0);
	CU_ASSERT_EQUAL(vs_dp_capture_status(dp, (unsigned int)idx("e"), &st), -ENOENT);
	inject(dp, "a", 3, 0);
	CU_ASSERT_EQUAL(read_back(path, 'a', 0), 3);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "e", err, sizeof(err)), 0);
	drain_all();
}

static void
test_refusals(void)
{
	struct vs_capture_conf cc = {.format = VS_CAPTURE_PCAP};
	char path[128], err[256];

	cc.path = "/nonexistent-dir/x.pcap";
	CU_ASSERT_EQUAL(vs_dp_capture_start(dp, (unsigned int)idx("a"), &cc, err, sizeof(err)),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent-dir/x.pcap"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file or directory"));
	CU_ASSERT_EQUAL(vs_dp_capture_start(dp, VS_MAX_PORTS - 1, &cc, err, sizeof(err)),
			-ENOENT);
	path_of(path, sizeof(path), "refused.pcap");
	cc.path = dir;
	CU_ASSERT_EQUAL(vs_dp_capture_start(dp, (unsigned int)idx("a"), &cc, err, sizeof(err)),
			-EEXIST); /* never truncates what exists */
	cc.path = path;
	cc.max_bytes = 10;
	CU_ASSERT_EQUAL(vs_dp_capture_start(dp, (unsigned int)idx("a"), &cc, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "max_bytes"));
	CU_ASSERT_EQUAL(access(path, F_OK), -1); /* not left behind */
	cc.max_bytes = 0;
	cc.dir = (enum vs_capture_dir)8;
	CU_ASSERT_EQUAL(vs_dp_capture_start(dp, (unsigned int)idx("a"), &cc, err, sizeof(err)),
			-EINVAL);
	cc.dir = VS_CAPTURE_BOTH;
	CU_ASSERT_EQUAL(vs_dp_capture_start(dp, (unsigned int)idx("a"), &cc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_capture_start(dp, (unsigned int)idx("a"), &cc, err, sizeof(err)),
			-EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	CU_ASSERT_EQUAL(vs_dp_capture_stop(dp, (unsigned int)idx("a"), NULL), 0);
}

static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* A worker runs the datapath: callbacks execute on its lcore, and stop
 * must wait for a grace period before freeing them. */
static void
test_running_worker(void)
{
	struct vs_dp *saved = dp, *w = make_dp(1);
	struct vs_capture_status st;
	char path[128], err[256];
	unsigned int round, spins;
	int fds = open_fds();

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL_FATAL(add_port(w, "sw", "a"), 0);
	CU_ASSERT_EQUAL_FATAL(add_port(w, "sw", "b"), 0);
	CU_ASSERT_EQUAL_FATAL(vs_dp_start(w, err, sizeof(err)), 0);
	dp = w;
	for (round = 0; round < 20; round++) {
		struct rte_ring *rx = vs_dp_port_rx_ring(w, (unsigned int)idx("a"));
		uint8_t src[6] = {0x02, 0, 0, 0, 0, 'a'};
		unsigned int i;

		path_of(path, sizeof(path), "worker.pcap");
		unlink(path);
		start_ok("b", path, VS_CAPTURE_TX, round % 2 ? VS_CAPTURE_PCAPNG : VS_CAPTURE_PCAP,
			 50, 0);
		for (i = 0; i < 100; i++) {
			struct rte_mbuf *m = vs_test_frame(w, BCAST, src, 0x88b5, frame_len(i),
							   (uint8_t)i);

			CU_ASSERT_PTR_NOT_NULL_FATAL(m);
			while (rte_ring_enqueue(rx, m) != 0)
				usleep(100);
		}
		for (spins = 0; spins < 5000 && vs_dp_capture_poll(w) > 0; spins++) {
			drain_tx(w, "b");
			usleep(1000);
		}
		CU_ASSERT_EQUAL(vs_dp_capture_status(w, (unsigned int)idx("b"), &st), 0);
		CU_ASSERT_EQUAL(st.end, VS_CAPTURE_END_COUNT);
		CU_ASSERT_EQUAL(st.frames, 50);
		CU_ASSERT_EQUAL(read_back(path, 'a', 0), 50);
		/* Every third round also stops a capture while frames flow. */
		if (round % 3 == 0) {
			unlink(path);
			start_ok("b", path, VS_CAPTURE_BOTH, VS_CAPTURE_PCAP, 0, 0);
			for (i = 0; i < 64; i++) {
				struct rte_mbuf *m = vs_test_frame(w, BCAST, src, 0x88b5, 64, 1);

				if (m != NULL && rte_ring_enqueue(rx, m) != 0)
					rte_pktmbuf_free(m);
			}
		}
		CU_ASSERT_EQUAL(vs_dp_capture_stop(w, (unsigned int)idx("b"), NULL), 0);
		drain_tx(w, "b");
	}
	dp = saved;
	vs_dp_destroy(w);
	CU_ASSERT_EQUAL(open_fds(), fds); /* every capture closed its file */
}

CU_ErrorCode
vs_test_register_capture(void)
{
	CU_pSuite s = CU_add_suite("capture", setup, teardown);

	if (s == NULL || !CU_add_test(s, "rx frames byte for byte, readable live", test_rx_bytes) ||
	    !CU_add_test(s, "rx, tx and both directions", test_direction) ||
	    !CU_add_test(s, "frame-count limit ends the capture", test_count_limit) ||
	    !CU_add_test(s, "file-size limit ends the capture", test_size_limit) ||
	    !CU_add_test(s, "pcapng read back by libpcap", test_pcapng) ||
	    !CU_add_test(s, "full ring: counted, never waited for", test_drops) ||
	    !CU_add_test(s, "port deleted under a capture", test_port_deleted) ||
	    !CU_add_test(s, "refusals", test_refusals) ||
	    !CU_add_test(s, "start/stop under a running worker", test_running_worker))
		return CU_get_error();
	return CUE_SUCCESS;
}
