/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_pcap_tests [--cases DIR] [--realpcaps DIR]
 *
 * Suite "golden": one test per case folder, named after it, asserting the
 * runner's verdict (the diff is printed when it fails).
 * Suite "realpcaps": every third-party capture through a 2-port and a
 * 3-port switch; every frame must be forwarded or dropped with a reason.
 * Suite "runner": the runner itself fails for the right reason — a flipped
 * expected byte, an extra frame and a wrong counter are each reported at
 * the right place, and --update-golden reproduces a passing case exactly;
 * the fdb.mac and nlb counters see the MAC table and the clusters.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "golden.h"

static const char *cases_dir = "cases";
static const char *realpcaps_dir = "realpcaps";
/* The case the runner tests mutate; it must unicast at least two frames. */
static const char *probe_case = "learning";

static void test_golden_case(void)
{
	const char *name = CU_get_current_test()->pName;
	struct vs_golden_opts opts = { .update = false, .report = stdout };
	struct vs_golden_result res;
	char dir[4096];
	int rc;

	snprintf(dir, sizeof(dir), "%s/%s", cases_dir, name);
	rc = vs_golden_run_case(dir, &opts, &res);
	CU_ASSERT_EQUAL(rc, VS_GOLDEN_PASS);
	CU_ASSERT(res.injected > 0);
}

static void vs_test_realpcaps(unsigned int n_ports)
{
	unsigned long frames = 0, files_failed = 0, unicast = 0, flood = 0;
	uint64_t drops[VS_DROP_MAX] = { 0 };
	char **files, path[4096];
	int n = vs_golden_list_pcaps(realpcaps_dir, &files);

	CU_ASSERT_FATAL(n > 0);
	for (int i = 0; i < n; i++) {
		struct vs_golden_acct acct;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", realpcaps_dir, files[i]);
		rc = vs_golden_replay_accounting(path, n_ports, stdout, &acct);
		if (rc != 0)
			files_failed++;
		frames += acct.frames;
		unicast += acct.fwd_unicast;
		flood += acct.fwd_flood;
		for (int r = 0; r < VS_DROP_MAX; r++)
			drops[r] += acct.drops[r];
	}
	printf("\n    %d captures, %lu frames through %u ports, %lu failed; unicast %lu, "
	       "flooded %lu, dropped:", n, frames, n_ports, files_failed, unicast, flood);
	for (int r = 0; r < VS_DROP_MAX; r++)
		if (drops[r])
			printf(" %s %llu", vs_drop_reason_name((enum vs_drop_reason)r),
			       (unsigned long long)drops[r]);
	printf(" ");
	CU_ASSERT_EQUAL(files_failed, 0);
	vs_golden_free_list(files, n);
}

static void test_realpcaps_2ports(void)
{
	vs_test_realpcaps(2);
}

static void test_realpcaps_3ports(void)
{
	vs_test_realpcaps(3);
}

static int vs_test_copy_file(const char *from, const char *to)
{
	char buf[65536];
	size_t n;
	FILE *in = fopen(from, "rb"), *out;
	int rc = 0;

	if (!in)
		return -errno;
	out = fopen(to, "wb");
	if (!out) {
		fclose(in);
		return -errno;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -EIO;
	fclose(in);
	if (fclose(out) != 0)
		rc = -EIO;
	return rc;
}

/* Copies a case's topology, in/ and expect/ into a fresh temporary folder. */
static int vs_test_copy_case(const char *name, char *tmp, size_t size)
{
	static const char *const subs[] = { "in", "expect" };
	char from[8400], to[8400];
	int rc;

	snprintf(tmp, size, "/tmp/vs-golden-XXXXXX");
	if (!mkdtemp(tmp))
		return -errno;
	snprintf(from, sizeof(from), "%s/%s/topology.json", cases_dir, name);
	snprintf(to, sizeof(to), "%s/topology.json", tmp);
	rc = vs_test_copy_file(from, to);
	for (int s = 0; s < 2 && rc == 0; s++) {
		char **files, dir[4096];
		int n;

		snprintf(dir, sizeof(dir), "%s/%s", tmp, subs[s]);
		if (mkdir(dir, 0755) != 0)
			return -errno;
		snprintf(dir, sizeof(dir), "%s/%s/%s", cases_dir, name, subs[s]);
		n = vs_golden_list_pcaps(dir, &files);
		for (int i = 0; i < n && rc == 0; i++) {
			snprintf(from, sizeof(from), "%s/%s", dir, files[i]);
			snprintf(to, sizeof(to), "%s/%s/%s", tmp, subs[s], files[i]);
			rc = vs_test_copy_file(from, to);
		}
		if (n > 0)
			vs_golden_free_list(files, n);
	}
	return rc;
}

static void vs_test_remove_case(const char *tmp)
{
	char cmd[4200];

	/* A fixed mkdtemp name under /tmp: safe to hand to rm. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
}

/*
 * Edits record `frame` (1-based) of a classic little/big-endian pcap in
 * place: flips byte `at`, or with at < 0 cuts the file before the record.
 * Returns the record's captured length, or a negative errno.
 */
static long vs_test_edit_pcap(const char *path, long frame, long at)
{
	unsigned char hdr[16];
	long off = 24, caplen = -1;
	FILE *f = fopen(path, "r+b");

	if (!f)
		return -errno;
	for (long i = 1; i <= frame; i++) {
		if (fseek(f, off, SEEK_SET) != 0 || fread(hdr, 1, 16, f) != 16) {
			caplen = -ENOENT;
			break;
		}
		/* The runner writes host-order (little-endian here) pcaps. */
		caplen = (long)(hdr[8] | hdr[9] << 8 | hdr[10] << 16 | (unsigned long)hdr[11] << 24);
		if (i < frame) {
			off += 16 + caplen;
			continue;
		}
		if (at >= 0 && at < caplen) {
			unsigned char b;

			if (fseek(f, off + 16 + at, SEEK_SET) != 0 || fread(&b, 1, 1, f) != 1 ||
			    fseek(f, off + 16 + at, SEEK_SET) != 0)
				caplen = -EIO;
			b ^= 0x01;
			if (caplen >= 0 && fwrite(&b, 1, 1, f) != 1)
				caplen = -EIO;
		} else if (at < 0 && ftruncate(fileno(f), off) != 0) {
			caplen = -errno;
		}
	}
	fclose(f);
	return caplen;
}

/* Runs a (mutated) copy with the report captured, echoing it. */
static int vs_test_run_copy(const char *tmp, struct vs_golden_result *res, char *report,
			    size_t size)
{
	struct vs_golden_opts opts = { .update = false };
	FILE *f = fmemopen(report, size, "w");
	int rc;

	memset(report, 0, size);
	opts.report = f;
	rc = vs_golden_run_case(tmp, &opts, res);
	fclose(f);
	report[size - 1] = '\0';
	printf("\n--- runner report (this test provokes it) ---\n%s---\n", report);
	return rc;
}

static void test_runner_flipped_byte(void)
{
	struct vs_golden_result res;
	char tmp[256], path[512], report[8192];
	long caplen;

	CU_ASSERT_FATAL(vs_test_copy_case(probe_case, tmp, sizeof(tmp)) == 0);
	snprintf(path, sizeof(path), "%s/expect/p1.pcap", tmp);
	/* Byte 37 of frame 2: inside the IPv4 header of a ≥ 60-byte frame. */
	caplen = vs_test_edit_pcap(path, 2, 37);
	CU_ASSERT_FATAL(caplen > 37);
	CU_ASSERT_EQUAL(vs_test_run_copy(tmp, &res, report, sizeof(report)), VS_GOLDEN_FAIL);
	CU_ASSERT_EQUAL(res.mismatches, 1);
	CU_ASSERT_STRING_EQUAL(res.first.port, "p1");
	CU_ASSERT_EQUAL(res.first.frame, 2);
	CU_ASSERT_EQUAL(res.first.byte, 37);
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "port p1 frame 2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "first differing byte at offset 37"));
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "expected"));
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "IPv4"));
	vs_test_remove_case(tmp);
}

static void test_runner_extra_frame(void)
{
	struct vs_golden_result res;
	char tmp[256], path[512], report[8192];

	CU_ASSERT_FATAL(vs_test_copy_case(probe_case, tmp, sizeof(tmp)) == 0);
	snprintf(path, sizeof(path), "%s/expect/p1.pcap", tmp);
	/* Cut expect/p1.pcap before its second frame: the switch now sends
	 * frames the expectation does not have. */
	CU_ASSERT_FATAL(vs_test_edit_pcap(path, 2, -1) > 0);
	CU_ASSERT_EQUAL(vs_test_run_copy(tmp, &res, report, sizeof(report)), VS_GOLDEN_FAIL);
	CU_ASSERT_STRING_EQUAL(res.first.port, "p1");
	CU_ASSERT_EQUAL(res.first.frame, 2);
	CU_ASSERT_EQUAL(res.first.byte, -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "port p1 frame 2: extra"));
	vs_test_remove_case(tmp);
}

/* A guest's output is compared like a ring port's; a netvsc port without
 * its MAC, or a guest on a ring port, is refused. */
static void test_runner_netvsc(void)
{
	static const char *const bad[][2] = {
		{ "\"mac\": \"00:15:5d:00:00:01\"", "needs its \"mac\"" },
		{ "\"name\": \"p1\", \"kind\": \"ring\"",
		  "only a netvsc port has a guest" },
	};
	static const char *const repl[] = {
		"\"mac_spoofing\": false",
		"\"name\": \"p1\", \"kind\": \"ring\", \"guest\": {}",
	};
	struct vs_golden_result res;
	char tmp[256], path[512], report[8192], text[4096];

	CU_ASSERT_FATAL(vs_test_copy_case("netvsc-unicast-flood", tmp, sizeof(tmp)) == 0);
	snprintf(path, sizeof(path), "%s/expect/vm1.pcap", tmp);
	CU_ASSERT_FATAL(vs_test_edit_pcap(path, 1, 20) > 20);
	CU_ASSERT_EQUAL(vs_test_run_copy(tmp, &res, report, sizeof(report)), VS_GOLDEN_FAIL);
	CU_ASSERT_STRING_EQUAL(res.first.port, "vm1");
	CU_ASSERT_EQUAL(res.first.frame, 1);
	CU_ASSERT_EQUAL(res.first.byte, 20);
	snprintf(path, sizeof(path), "%s/topology.json", tmp);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
		char *at, out[4200];

		if (f)
			fclose(f);
		text[n] = '\0';
		at = strstr(text, bad[i][0]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(at);
		snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - text), text, repl[i],
			 at + strlen(bad[i][0]));
		f = fopen(path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(out, f);
		fclose(f);
		CU_ASSERT(vs_test_run_copy(tmp, &res, report, sizeof(report)) < 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(report, bad[i][1]));
		/* Back as it was for the next mutation. */
		f = fopen(path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(text, f);
		fclose(f);
	}
	vs_test_remove_case(tmp);
}

static void test_runner_wrong_counter(void)
{
	struct vs_golden_result res;
	char tmp[256], path[512], report[8192];
	FILE *f;

	CU_ASSERT_FATAL(vs_test_copy_case(probe_case, tmp, sizeof(tmp)) == 0);
	snprintf(path, sizeof(path), "%s/expect/counters.json", tmp);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fprintf(f, "{\"p1\": {\"drops.runt\": 7}}\n");
	fclose(f);
	CU_ASSERT_EQUAL(vs_test_run_copy(tmp, &res, report, sizeof(report)), VS_GOLDEN_FAIL);
	CU_ASSERT_STRING_EQUAL(res.first.counter, "p1.drops.runt");
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "counter p1.drops.runt: expected 7, got 0"));
	/* A misspelt counter is an error, never a silent pass. */
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fprintf(f, "{\"p1\": {\"drops.rnut\": 0}}\n");
	fclose(f);
	CU_ASSERT(vs_test_run_copy(tmp, &res, report, sizeof(report)) < 0);
	vs_test_remove_case(tmp);
}

/* Writes counters.json of the copy in tmp. */
static void vs_test_write_counters(const char *tmp, const char *json)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/expect/counters.json", tmp);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fprintf(f, "%s\n", json);
	fclose(f);
}

/* fdb.mac.<MAC> sees the MAC table as it is (a learned masked source is
 * there, the cluster MAC is not), and nlb.<IP>.<counter> a cluster's
 * counters; a malformed MAC, an IP without a cluster or an unknown
 * counter is an error. */
static void test_runner_nlb_counters(void)
{
	static const char *const errors[] = {
		"{\"fdb\": {\"mac.02:bf:0a:00:00\": 0}}",
		"{\"nlb\": {\"10.0.0.99.delivered\": 0}}",
		"{\"nlb\": {\"10.0.0.100.delivred\": 0}}",
		"{\"nlb\": {\"delivered\": 0}}",
	};
	struct vs_golden_result res;
	char tmp[256], report[8192];

	CU_ASSERT_FATAL(vs_test_copy_case("nlb-unicast", tmp, sizeof(tmp)) == 0);
	vs_test_write_counters(tmp, "{\"fdb\": {\"mac.02:bf:0a:00:00:64\": 1}}");
	CU_ASSERT_EQUAL(vs_test_run_copy(tmp, &res, report, sizeof(report)), VS_GOLDEN_FAIL);
	CU_ASSERT_STRING_EQUAL(res.first.counter, "fdb.mac.02:bf:0a:00:00:64");
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "expected 1, got 0"));
	vs_test_write_counters(tmp, "{\"fdb\": {\"mac.02:01:0a:00:00:64\": 0}}");
	CU_ASSERT_EQUAL(vs_test_run_copy(tmp, &res, report, sizeof(report)), VS_GOLDEN_FAIL);
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "expected 0, got 1"));
	vs_test_write_counters(tmp, "{\"nlb\": {\"10.0.0.100.delivered\": 5}}");
	CU_ASSERT_EQUAL(vs_test_run_copy(tmp, &res, report, sizeof(report)), VS_GOLDEN_FAIL);
	CU_ASSERT_STRING_EQUAL(res.first.counter, "nlb.10.0.0.100.delivered");
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		vs_test_write_counters(tmp, errors[i]);
		CU_ASSERT(vs_test_run_copy(tmp, &res, report, sizeof(report)) < 0);
	}
	vs_test_remove_case(tmp);
}

/* Writes a file of the copy in tmp. */
static void vs_test_write_file(const char *tmp, const char *sub, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, sub);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fprintf(f, "%s\n", text);
	fclose(f);
}

/* Offload requests: without in/ppi.json the guest asks for nothing and
 * the checksum seeds leave as they are (the outputs differ); the metadata
 * a ring port was handed is checked against expect/offload.json, and a
 * request nobody expected is a failure too; a malformed file or one that
 * names a port of the wrong kind is an error. */
static void test_runner_offload(void)
{
	static const char *const errors[] = {
		"{\"vm1\": [{\"frame\": 1, \"ol_flags\": [], \"l2_len\": 14, \"l3_len\": 20, "
		"\"l4_len\": 32}]}",
		"{\"p2\": [{\"frame\": 1, \"ol_flags\": [\"TX_TCP_CHECKSUM\"], \"l2_len\": 14, "
		"\"l3_len\": 20, \"l4_len\": 32}]}",
		"{\"p2\": [{\"frame\": 1, \"ol_flags\": [\"TX_TCP_CKSUM\", \"TX_UDP_CKSUM\"], "
		"\"l2_len\": 14, \"l3_len\": 20, \"l4_len\": 32}]}",
		"{\"p2\": [{\"frame\": 1, \"l2_len\": 14, \"l3_len\": 20, \"l4_len\": 32}]}",
	};
	struct vs_golden_result res;
	char tmp[256], from[4200], to[512], report[8192];

	CU_ASSERT_FATAL(vs_test_copy_case("offload-csum", tmp, sizeof(tmp)) == 0);
	CU_ASSERT_EQUAL(vs_test_run_copy(tmp, &res, report, sizeof(report)), VS_GOLDEN_FAIL);
	CU_ASSERT_STRING_EQUAL(res.first.port, "p1");
	CU_ASSERT_EQUAL(res.first.frame, 1);
	snprintf(from, sizeof(from), "%s/offload-csum/in/ppi.json", cases_dir);
	snprintf(to, sizeof(to), "%s/in/ppi.json", tmp);
	CU_ASSERT_FATAL(vs_test_copy_file(from, to) == 0);
	/* The bytes are right now; the metadata p2 and t2 got was expected
	 * by nobody. */
	CU_ASSERT_EQUAL(vs_test_run_copy(tmp, &res, report, sizeof(report)), VS_GOLDEN_FAIL);
	CU_ASSERT_STRING_EQUAL(res.first.counter, "p2.metadata");
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "port p2 frame 1: mbuf metadata: expected no "
					      "offload request; got ol_flags TX_IPV4|TX_TCP_CKSUM, "
					      "l2_len 14, l3_len 20, l4_len 32"));
	snprintf(from, sizeof(from), "%s/offload-csum/expect/offload.json", cases_dir);
	snprintf(to, sizeof(to), "%s/expect/offload.json", tmp);
	CU_ASSERT_FATAL(vs_test_copy_file(from, to) == 0);
	CU_ASSERT_EQUAL(vs_test_run_copy(tmp, &res, report, sizeof(report)), VS_GOLDEN_PASS);
	vs_test_write_file(tmp, "expect/offload.json",
			   "{\"p2\": [{\"frame\": 1, \"ol_flags\": [\"TX_IPV4\", \"TX_TCP_CKSUM\"], "
			   "\"l2_len\": 14, \"l3_len\": 20, \"l4_len\": 20}]}");
	CU_ASSERT_EQUAL(vs_test_run_copy(tmp, &res, report, sizeof(report)), VS_GOLDEN_FAIL);
	CU_ASSERT_STRING_EQUAL(res.first.counter, "p2.metadata");
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "l4_len 20; got"));
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		vs_test_write_file(tmp, "expect/offload.json", errors[i]);
		CU_ASSERT(vs_test_run_copy(tmp, &res, report, sizeof(report)) < 0);
	}
	vs_test_write_file(tmp, "in/ppi.json", "{\"p1\": [{\"frame\": 1, \"csum\": \"tcp\", "
			   "\"ipv6\": false, \"l4_offset\": 34}]}");
	CU_ASSERT(vs_test_run_copy(tmp, &res, report, sizeof(report)) < 0);
	vs_test_remove_case(tmp);
}

static void test_runner_update_golden(void)
{
	struct vs_golden_opts opts = { .update = true };
	struct vs_golden_result res;
	char tmp[256], path[512], orig[4200], report[8192];
	long caplen;
	FILE *f;

	CU_ASSERT_FATAL(vs_test_copy_case(probe_case, tmp, sizeof(tmp)) == 0);
	snprintf(path, sizeof(path), "%s/expect/p1.pcap", tmp);
	caplen = vs_test_edit_pcap(path, 1, 20);
	CU_ASSERT_FATAL(caplen > 20);
	memset(report, 0, sizeof(report));
	f = fmemopen(report, sizeof(report), "w");
	CU_ASSERT_FATAL(f != NULL);
	opts.report = f;
	CU_ASSERT_EQUAL(vs_golden_run_case(tmp, &opts, &res), VS_GOLDEN_PASS);
	fclose(f);
	report[sizeof(report) - 1] = '\0';
	/* The update shows what it changes before it writes. */
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "port p1 frame 1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(report, "UPDATED"));
	/* After the update the copy passes, and since the real case passes,
	 * the rewritten capture equals the committed one byte for byte. */
	CU_ASSERT_EQUAL(vs_test_run_copy(tmp, &res, report, sizeof(report)), VS_GOLDEN_PASS);
	snprintf(orig, sizeof(orig), "%s/%s/expect/p1.pcap", cases_dir, probe_case);
	{
		char cmd[9000];

		snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", orig, path);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
	vs_test_remove_case(tmp);
}

/* The decoder that makes diffs readable must name every layer it sees and
 * never read past the captured bytes. */
static void test_decoder(void)
{
	static const uint8_t qinq[] = {
		0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0c,
		0x88, 0xa8, 0x21, 0x2c,                 /* S-tag pcp 1 dei 0 vid 300 */
		0x81, 0x00, 0xb0, 0x0a,                 /* C-tag pcp 5 dei 1 vid 10 */
		0x08, 0x00,
		0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 12, 10, 0, 0, 11,
		0x9c, 0x40, 0x00, 0x09, 0, 8, 0, 0,
	};
	static const uint8_t llc[] = {
		0x01, 0x80, 0xc2, 0, 0, 0, 0x02, 0, 0, 0, 0, 0x0a, 0x00, 0x26, 0x42, 0x42, 0x03,
	};
	/* IPv6, a hop-by-hop header (PadN), then an ICMPv6 router
	 * advertisement (only its first bytes) */
	static const uint8_t ra[] = {
		0x33, 0x33, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x0a, 0x86, 0xdd,
		0x60, 0, 0, 0, 0, 12, 0, 255,
		0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0x0a,
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
		58, 0, 1, 4, 0, 0, 0, 0,
		134, 0, 0, 0,
	};
	/* An IGMPv2 report (IPv4 with router alert) and an NLB heartbeat's
	 * first bytes */
	static const uint8_t igmp[] = {
		0x01, 0x00, 0x5e, 0x7f, 0x00, 0xc8, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x00,
		0x46, 0xc0, 0, 32, 0, 1, 0x40, 0, 1, 2, 0, 0, 10, 0, 0, 10, 239, 255, 0, 200,
		0x94, 4, 0, 0,
		0x16, 0, 0, 0, 239, 255, 0, 200,
	};
	static const uint8_t hb[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x0a, 0, 0, 0x64, 0x88, 0x6f,
		0xbf, 0x01, 0xde, 0xc0, 0x04, 0x02, 0, 0, 1, 0, 0, 0, 10, 0, 0, 100,
	};
	char line[512];

	vs_golden_decode(igmp, sizeof(igmp), line, sizeof(line));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "IPv4 10.0.0.10 > 239.255.0.200 len 32 ttl 1 IGMP "
					    "type 0x16"));
	vs_golden_decode(hb, sizeof(hb), line, sizeof(line));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "type 0x886f NLB heartbeat cluster 10.0.0.100"));
	vs_golden_decode(hb, 29, line, sizeof(line));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "NLB heartbeat [truncated]"));
	vs_golden_decode(ra, sizeof(ra), line, sizeof(line));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "hlim 255 hbh ICMPv6 type 134"));
	/* Cut inside the extension header: said so. */
	vs_golden_decode(ra, 60, line, sizeof(line));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "[extension header truncated]"));
	vs_golden_decode(qinq, sizeof(qinq), line, sizeof(line));
	printf("\n    %s\n", line);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "02:00:00:00:00:0c > 02:00:00:00:00:0b"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "802.1ad pcp 1 dei 0 vid 300"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "802.1Q pcp 5 dei 1 vid 10"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "IPv4 10.0.0.12 > 10.0.0.11"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "UDP 40000 > 9"));
	/* Cut inside the IP header: said so, nothing invented. */
	vs_golden_decode(qinq, 30, line, sizeof(line));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "IPv4 [header truncated]"));
	vs_golden_decode(llc, sizeof(llc), line, sizeof(line));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "802.3 length 38 (payload 3)"));
	vs_golden_decode(llc, 5, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "runt, 5 bytes: 01 80 c2 00 00");
	vs_golden_decode(llc, 0, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "runt, 0 bytes:");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cases", required_argument, NULL, 'c' },
		{ "realpcaps", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	CU_pSuite golden, real, runner;
	unsigned int failures;
	char **names;
	int n, opt, rc;

	while ((opt = getopt_long(argc, argv, "c:r:", longopts, NULL)) != -1) {
		if (opt == 'c')
			cases_dir = optarg;
		else if (opt == 'r')
			realpcaps_dir = optarg;
		else
			return 2;
	}
	rc = vs_golden_eal_init(argv[0]);
	if (rc < 0) {
		fprintf(stderr, "EAL init failed: %s\n", strerror(-rc));
		return 2;
	}
	n = vs_golden_list_cases(cases_dir, &names);
	if (n <= 0) {
		fprintf(stderr, "%s: no cases (%s)\n", cases_dir, n < 0 ? strerror(-n) : "empty");
		return 2;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	golden = CU_add_suite("golden", NULL, NULL);
	real = CU_add_suite("realpcaps", NULL, NULL);
	runner = CU_add_suite("runner", NULL, NULL);
	/* The test function finds its case by the test's own name. */
	for (int i = 0; i < n; i++)
		CU_add_test(golden, names[i], test_golden_case);
	CU_add_test(real, "realpcaps_2ports", test_realpcaps_2ports);
	CU_add_test(real, "realpcaps_3ports", test_realpcaps_3ports);
	CU_add_test(runner, "decoder", test_decoder);
	CU_add_test(runner, "flipped_byte_is_reported", test_runner_flipped_byte);
	CU_add_test(runner, "extra_frame_is_reported", test_runner_extra_frame);
	CU_add_test(runner, "wrong_counter_is_reported", test_runner_wrong_counter);
	CU_add_test(runner, "netvsc_ports", test_runner_netvsc);
	CU_add_test(runner, "update_golden_round_trip", test_runner_update_golden);
	CU_add_test(runner, "nlb_and_fdb_mac_counters", test_runner_nlb_counters);
	CU_add_test(runner, "offload_ppi_and_metadata", test_runner_offload);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	vs_golden_free_list(names, n);
	vs_golden_eal_cleanup();
	return failures ? 1 : 0;
}
