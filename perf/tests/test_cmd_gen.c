/* SPDX-License-Identifier: BSD-3-Clause */
/* "vswitch-perf gen": options reach the generator, and every bad value is
 * refused with exit status 2 and a message naming the option. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "perf.h"
#include "test_perf.h"

static uint32_t
be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

/* Runs "gen" with stdout and stderr in files; returns the exit status and
 * what went to stderr. */
static int
run_gen(char *out, size_t outlen, char *errtext, size_t errlen, char **argv)
{
	char po[256], pe[256];
	int argc = 0, rc, o, e, so, se;
	FILE *f;
	size_t n;

	while (argv[argc] != NULL)
		argc++;
	vs_perf_test_path("gen.stdout", po, sizeof(po));
	vs_perf_test_path("gen.stderr", pe, sizeof(pe));
	fflush(stdout);
	fflush(stderr);
	o = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	e = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	so = dup(1);
	se = dup(2);
	dup2(o, 1);
	dup2(e, 2);
	rc = vs_perf_gen_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(o), close(e), close(so), close(se);
	f = fopen(po, "r");
	n = f ? fread(out, 1, outlen - 1, f) : 0;
	out[n] = '\0';
	if (f)
		fclose(f);
	f = fopen(pe, "r");
	n = f ? fread(errtext, 1, errlen - 1, f) : 0;
	errtext[n] = '\0';
	if (f)
		fclose(f);
	return rc;
}

static void
test_command_line(void)
{
	static const struct {
		const char *opt, *val, *msg;
	} bad[] = {
		{"--size", "63", "--size: 63 is outside 64..9018"},
		{"--size", "big", "--size: 'big' is not a number"},
		{"--src-macs", "2M", "--src-macs: 2M is outside 1..1048576"},
		{"--dst-macs", "0", "--dst-macs: 0 is outside"},
		{"--flows", "1x", "--flows: '1x' is not a number"},
		{"--count", "99999999999", "--count: 99999999999 is outside"},
		{"--vlans", "4095", "--vlans"},
		{"--vlans", "20-10", "--vlans: 20-10 is backwards"},
		{"--vlans", "10,,11", "--vlans: '10,,11' is not a list"},
		{"--vlans", "1-65", "more than 64 VLANs"},
		{"--vlans", "10,10", "--vlans (vlans[1]: 10 is already vlans[0])"},
		{"--src-mac", "02:00:00:00:00", "--src-mac: '02:00:00:00:00' is not a MAC"},
		{"--src-mac", "03:00:00:00:00:00", "--src-mac (src_mac: 03:00:00:00:00:00 is a "},
		{"--dst-mac", "02:00:00:00:00:01", "--dst-mac (dst_mac: 1 addresses from"},
		{"--bogus", NULL, "--bogus: unknown option"},
	};
	struct vs_perf_workload w;
	char path[256], err[256], out[4096], etext[4096];
	char *argv[16];
	unsigned int k;

	vs_perf_test_path("cli.pcap", path, sizeof(path));
	{
		char *a[] = {"gen", "-o", path, "--size", "128", "--ipv6", "--tcp", "--src-macs",
			     "1k", "--dst-macs", "3", "--vlans", "10,20-22", "--flows", "3",
			     "--count", "2k", "--src-mac", "0A-00-00-00-00-00", NULL};

		CU_ASSERT_EQUAL(run_gen(out, sizeof(out), etext, sizeof(etext), a), 0);
	}
	CU_ASSERT_STRING_EQUAL(out, "128B IPv6/TCP 1k src 3 dst MACs, VLANs 10,20-22, 3 flows, "
				    "2000 frames\n");
	CU_ASSERT_EQUAL_FATAL(vs_perf_workload_load(path, &w, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(w.n, 2000);
	CU_ASSERT_EQUAL(w.len[0], 124);
	CU_ASSERT_EQUAL(w.data[6], 0x0a);
	CU_ASSERT_EQUAL(be16(w.data + 12), 0x8100);
	CU_ASSERT_EQUAL(be16(w.data + w.off[1] + 14), 20);
	CU_ASSERT_EQUAL(be16(w.data + 16), 0x86dd);
	CU_ASSERT_EQUAL(w.n_srcs, 1000); /* (i mod 4 VLANs, i mod 1000 MACs): 1000 pairs */
	CU_ASSERT_EQUAL(w.n_dsts, 12);
	vs_perf_workload_free(&w);
	{
		char *a[] = {"gen", "--size", "imix", "--output", path, NULL};

		CU_ASSERT_EQUAL(run_gen(out, sizeof(out), etext, sizeof(etext), a), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "IMIX 64/594/1518B IPv4/UDP"));
	}
	{
		char *a[] = {"gen", "--help", NULL};

		CU_ASSERT_EQUAL(run_gen(out, sizeof(out), etext, sizeof(etext), a), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "--vlans LIST"));
	}
	{
		char *a[] = {"gen", "--size", "64", NULL};

		CU_ASSERT_EQUAL(run_gen(out, sizeof(out), etext, sizeof(etext), a), 2);
		CU_ASSERT_PTR_NOT_NULL(strstr(etext, "--output: required"));
	}
	{
		char *a[] = {"gen", "-o", "/nonexistent/x.pcap", NULL};

		CU_ASSERT_EQUAL(run_gen(out, sizeof(out), etext, sizeof(etext), a), 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(etext, "/nonexistent/x.pcap"));
	}
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		int argc = 0;

		argv[argc++] = "gen";
		argv[argc++] = "-o";
		argv[argc++] = path;
		argv[argc++] = (char *)bad[k].opt;
		if (bad[k].val != NULL)
			argv[argc++] = (char *)bad[k].val;
		argv[argc] = NULL;
		CU_ASSERT_EQUAL(run_gen(out, sizeof(out), etext, sizeof(etext), argv), 2);
		if (strstr(etext, bad[k].msg) == NULL)
			fprintf(stderr, "\n%s %s: got '%s'\n", bad[k].opt,
				bad[k].val ? bad[k].val : "", etext);
		CU_ASSERT_PTR_NOT_NULL(strstr(etext, bad[k].msg));
	}
}

CU_ErrorCode
vs_perf_test_cmd_gen_suites(void)
{
	CU_pSuite s = CU_add_suite("perf gen command", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "options, output and exit status", test_command_line))
		return CU_get_error();
	return CUE_SUCCESS;
}
