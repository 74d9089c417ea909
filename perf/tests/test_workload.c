/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The loader on captures written here: pcapng with nanosecond timestamps
 * (written byte by byte, libpcap cannot), tagged, double-tagged,
 * priority-tagged, group-addressed, runt and truncated frames, timestamps
 * going backwards; refusals of non-Ethernet, empty, missing and non-capture
 * files; the stations a sink announces; wire bits.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <pcap/pcap.h>

#include "perf.h"
#include "test_perf.h"

#define MAC(x) {0x02, 0, 0, 0, 0, x}
static const uint8_t A[6] = MAC(0xa), B[6] = MAC(0xb), C[6] = MAC(0xc), D[6] = MAC(0xd),
		     E[6] = MAC(0xe), F[6] = MAC(0xf), G[6] = MAC(0x10), X[6] = MAC(0x11);
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t MCAST[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

/* An Ethernet frame of len bytes: dst, src, then up to two tags (TPID 0:
 * none), IPv4's EtherType, zeros. */
static void
put_frame(uint8_t *f, size_t len, const uint8_t *dst, const uint8_t *src, uint16_t tpid1,
	  uint16_t tci1, uint16_t tpid2, uint16_t tci2)
{
	size_t off = 12;

	memset(f, 0, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (tpid1) {
		f[off] = (uint8_t)(tpid1 >> 8), f[off + 1] = (uint8_t)tpid1;
		f[off + 2] = (uint8_t)(tci1 >> 8), f[off + 3] = (uint8_t)tci1;
		off += 4;
	}
	if (tpid2) {
		f[off] = (uint8_t)(tpid2 >> 8), f[off + 1] = (uint8_t)tpid2;
		f[off + 2] = (uint8_t)(tci2 >> 8), f[off + 3] = (uint8_t)tci2;
		off += 4;
	}
	f[off] = 0x08;
}

static bool
station_is(const struct vs_perf_station *s, uint16_t vlan, const uint8_t *mac)
{
	return s->vlan == vlan && memcmp(s->mac, mac, 6) == 0;
}

/* The frames of the station test, in a microsecond pcap. */
static void
write_stations(const char *path)
{
	static const struct {
		const uint8_t *dst, *src;
		uint16_t tpid1, tci1, tpid2, tci2;
		uint32_t caplen, len, us;
	} fr[] = {
		{B, A, 0, 0, 0, 0, 42, 42, 0},                 /* short: 60 on the wire */
		{A, C, 0, 0, 0, 0, 60, 60, 10},                /* A is a source */
		{BCAST, D, 0, 0, 0, 0, 60, 60, 20},            /* not a destination */
		{MCAST, E, 0, 0, 0, 0, 60, 1000, 30},          /* truncated */
		{B, A, 0x8100, 10, 0, 0, 64, 64, 40},          /* (10, B) */
		{F, B, 0, 0, 0, 0, 60, 60, 35},                /* back in time; B a source */
		{G, A, 0x88a8, 20, 0x8100, 30, 64, 64, 50},    /* outer VID 20 */
		{NULL, NULL, 0, 0, 0, 0, 10, 10, 60},          /* runt: no station */
		{B, A, 0x8100, 10, 0, 0, 64, 64, 70},          /* repeated */
		{G, X, 0x8100, 0xa000, 0, 0, 64, 64, 80},      /* priority tag: VLAN 0 */
	};
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;
	unsigned int k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	d = pcap_dump_open(p, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	for (k = 0; k < sizeof(fr) / sizeof(fr[0]); k++) {
		struct pcap_pkthdr h = {.caplen = fr[k].caplen, .len = fr[k].len};
		uint8_t f[64];

		h.ts.tv_sec = 1000;
		h.ts.tv_usec = fr[k].us;
		if (fr[k].dst != NULL)
			put_frame(f, fr[k].caplen, fr[k].dst, fr[k].src, fr[k].tpid1, fr[k].tci1,
				  fr[k].tpid2, fr[k].tci2);
		else
			memset(f, 0xee, fr[k].caplen);
		pcap_dump((u_char *)d, &h, f);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

static void
test_stations(void)
{
	static const uint64_t ts_us[10] = {0, 10, 20, 30, 40, 40, 50, 60, 70, 80};
	struct vs_perf_workload w;
	char path[256], err[256];
	unsigned int k;

	vs_perf_test_path("stations.pcap", path, sizeof(path));
	write_stations(path);
	CU_ASSERT_EQUAL_FATAL(vs_perf_workload_load(path, &w, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(w.name, "stations.pcap");
	CU_ASSERT_EQUAL_FATAL(w.n, 10);
	for (k = 0; k < w.n; k++)
		CU_ASSERT_EQUAL(w.ts_ns[k], ts_us[k] * 1000u);
	CU_ASSERT_EQUAL(w.duration_ns, 80000);
	CU_ASSERT_EQUAL(w.len[0], 42);
	CU_ASSERT_EQUAL(w.len[7], 10);
	CU_ASSERT_EQUAL(w.off[1], 42);
	CU_ASSERT_EQUAL(memcmp(w.data + w.off[4], B, 6), 0);
	CU_ASSERT_EQUAL(w.bytes, 548);
	CU_ASSERT_EQUAL(w.max_len, 64);
	CU_ASSERT_EQUAL(w.truncated, 1);
	/* (0,A) (0,C) (0,D) (0,E) (10,A) (0,B) (20,A) (0,X) */
	CU_ASSERT_EQUAL(w.n_srcs, 8);
	/* Not (0,B): a source later; not (0,A); no group addresses. */
	CU_ASSERT_EQUAL_FATAL(w.n_dsts, 4);
	CU_ASSERT(station_is(&w.dsts[0], 10, B));
	CU_ASSERT(station_is(&w.dsts[1], 0, F));
	CU_ASSERT(station_is(&w.dsts[2], 20, G));
	CU_ASSERT(station_is(&w.dsts[3], 0, G));
	/* Frames under 60 bytes count as 60: 616 bytes + 10 x (4 + 20). */
	CU_ASSERT_EQUAL(vs_perf_workload_wire_bits(&w), (616u + 240u) * 8u);
	vs_perf_workload_free(&w);
	CU_ASSERT_PTR_NULL(w.data);
	CU_ASSERT_EQUAL(w.n, 0);
}

/* A frame with nothing captured: replayed as 0 bytes, counted as a
 * minimum frame on the wire, naming no station. */
static void
test_zero_length(void)
{
	struct pcap_pkthdr h = {.caplen = 0, .len = 64};
	struct vs_perf_workload w;
	char path[256], err[256];
	pcap_dumper_t *d;
	uint8_t none = 0;
	pcap_t *p;

	vs_perf_test_path("zero.pcap", path, sizeof(path));
	p = pcap_open_dead(DLT_EN10MB, 65535);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	d = pcap_dump_open(p, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	pcap_dump((u_char *)d, &h, &none);
	pcap_dump_close(d);
	pcap_close(p);
	CU_ASSERT_EQUAL_FATAL(vs_perf_workload_load(path, &w, err, sizeof(err)), 0);
	CU_ASSERT(w.n == 1 && w.len[0] == 0 && w.bytes == 0 && w.truncated == 1);
	CU_ASSERT_PTR_NOT_NULL(w.data);
	CU_ASSERT(w.n_srcs == 0 && w.n_dsts == 0);
	CU_ASSERT_EQUAL(vs_perf_workload_wire_bits(&w), (60u + 24u) * 8u);
	vs_perf_workload_free(&w);
}

/* pcapng blocks, little-endian (pcapng draft, section 4). */
static size_t
ng_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4); /* the byte-order magic says which order */
	return 4;
}

static size_t
ng_block(uint8_t *p, uint32_t type, const uint8_t *body, uint32_t body_len)
{
	uint32_t total = 12 + ((body_len + 3) & ~3u);

	ng_put32(p, type);
	ng_put32(p + 4, total);
	memset(p + 8, 0, total - 12);
	memcpy(p + 8, body, body_len);
	ng_put32(p + total - 4, total);
	return total;
}

static size_t
ng_epb(uint8_t *p, uint64_t ts, const uint8_t *frame, uint32_t caplen, uint32_t len)
{
	uint8_t body[20 + 64];

	ng_put32(body, 0); /* interface 0 */
	ng_put32(body + 4, (uint32_t)(ts >> 32));
	ng_put32(body + 8, (uint32_t)ts);
	ng_put32(body + 12, caplen);
	ng_put32(body + 16, len);
	memcpy(body + 20, frame, caplen);
	return ng_block(p, 6, body, 20 + caplen);
}

static void
test_pcapng(void)
{
	static const uint8_t shb[16] = {0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
					0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	/* Ethernet, snaplen 65535, if_tsresol 9 (nanoseconds), end of options. */
	static const uint8_t idb[20] = {1, 0, 0, 0, 0xff, 0xff, 0, 0, 9, 0,
					1, 0, 9, 0, 0, 0, 0, 0, 0, 0};
	const uint64_t t0 = 1700000000123456789ull;
	struct vs_perf_workload w;
	uint8_t file[512], f[64];
	char path[256], err[256];
	size_t n = 0;
	FILE *fp;

	n += ng_block(file + n, 0x0a0d0d0a, shb, sizeof(shb));
	n += ng_block(file + n, 1, idb, sizeof(idb));
	put_frame(f, 60, B, A, 0, 0, 0, 0);
	n += ng_epb(file + n, t0, f, 60, 60);
	put_frame(f, 64, A, B, 0x88a8, 200, 0, 0);
	n += ng_epb(file + n, t0 + 1500, f, 64, 64);
	put_frame(f, 20, BCAST, C, 0, 0, 0, 0);
	n += ng_epb(file + n, t0 + 2501, f, 20, 1510);
	vs_perf_test_path("x.pcapng", path, sizeof(path));
	fp = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(fwrite(file, 1, n, fp), n);
	fclose(fp);

	CU_ASSERT_EQUAL_FATAL(vs_perf_workload_load(path, &w, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(w.name, "x.pcapng");
	CU_ASSERT_EQUAL_FATAL(w.n, 3);
	CU_ASSERT(w.ts_ns[0] == 0 && w.ts_ns[1] == 1500 && w.ts_ns[2] == 2501);
	CU_ASSERT_EQUAL(w.duration_ns, 2501);
	CU_ASSERT(w.len[0] == 60 && w.len[1] == 64 && w.len[2] == 20);
	CU_ASSERT_EQUAL(w.truncated, 1);
	CU_ASSERT_EQUAL(w.n_srcs, 3); /* (0,A) (200,B) (0,C) */
	/* B is a source, but in VLAN 200: (0,B) stays; so does (200,A). */
	CU_ASSERT_EQUAL_FATAL(w.n_dsts, 2);
	CU_ASSERT(station_is(&w.dsts[0], 0, B));
	CU_ASSERT(station_is(&w.dsts[1], 200, A));
	vs_perf_workload_free(&w);

	/* A pcapng written by another tool, when the repository has it. */
	if (vs_perf_workload_load("../pcap-tests/realpcaps/msnlb2.pcapng", &w, err,
				  sizeof(err)) == 0) {
		CU_ASSERT_EQUAL(w.n, 2);
		CU_ASSERT_EQUAL(w.truncated, 2);
		CU_ASSERT_EQUAL(w.n_srcs, 2);
		CU_ASSERT_EQUAL(w.n_dsts, 0); /* broadcast only */
		vs_perf_workload_free(&w);
	}
}

static void
test_refusals(void)
{
	struct vs_perf_workload w;
	char path[256], err[256];
	uint8_t ip[20] = {0x45};
	pcap_dumper_t *d;
	pcap_t *p;
	FILE *fp;

	/* Raw IP: not Ethernet. */
	vs_perf_test_path("raw.pcap", path, sizeof(path));
	p = pcap_open_dead(DLT_RAW, 65535);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	d = pcap_dump_open(p, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	{
		struct pcap_pkthdr h = {.caplen = sizeof(ip), .len = sizeof(ip)};

		pcap_dump((u_char *)d, &h, ip);
	}
	pcap_dump_close(d);
	pcap_close(p);
	CU_ASSERT_EQUAL(vs_perf_workload_load(path, &w, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is not Ethernet (EN10MB)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "raw.pcap"));
	CU_ASSERT_PTR_NULL(w.data);

	/* Ethernet, no frames. */
	vs_perf_test_path("empty.pcap", path, sizeof(path));
	p = pcap_open_dead(DLT_EN10MB, 65535);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	d = pcap_dump_open(p, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	pcap_dump_close(d);
	pcap_close(p);
	CU_ASSERT_EQUAL(vs_perf_workload_load(path, &w, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty.pcap: the capture holds no frames"));
	CU_ASSERT_PTR_NULL(w.data);
	CU_ASSERT_EQUAL(w.n, 0);

	/* Not a capture at all. */
	vs_perf_test_path("text.pcap", path, sizeof(path));
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs("this is not a capture, but it is long enough to have a header\n", fp);
	fclose(fp);
	CU_ASSERT_EQUAL(vs_perf_workload_load(path, &w, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a pcap or pcapng capture"));

	vs_perf_test_path("missing.pcap", path, sizeof(path));
	CU_ASSERT_EQUAL(vs_perf_workload_load(path, &w, err, sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing.pcap"));
}

CU_ErrorCode
vs_perf_test_workload_suites(void)
{
	CU_pSuite s = CU_add_suite("perf workload", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "stations, timestamps, truncation", test_stations) ||
	    !CU_add_test(s, "a zero-length frame", test_zero_length) ||
	    !CU_add_test(s, "pcapng with nanosecond timestamps", test_pcapng) ||
	    !CU_add_test(s, "non-Ethernet, empty, missing, not a capture", test_refusals))
		return CU_get_error();
	return CUE_SUCCESS;
}
