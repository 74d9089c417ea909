/* SPDX-License-Identifier: BSD-3-Clause */
/* The perf module's CUnit binary: EAL, a temporary directory for the
 * captures the tests write, and every file's suites. */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "test_perf.h"
#include "testmain.h"

static char tmpdir[64];

void
vs_perf_test_path(const char *name, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/%s", tmpdir, name);
}

static CU_ErrorCode
vs_test_perf_init(void)
{
	CU_ErrorCode rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_perf.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("test_perf: mkdtemp");
		return CUE_FOPEN_FAILED;
	}
	if ((rc = vs_perf_test_gen_suites()) != CUE_SUCCESS ||
	    (rc = vs_perf_test_workload_suites()) != CUE_SUCCESS ||
	    (rc = vs_perf_test_workload_rss_suites()) != CUE_SUCCESS ||
	    (rc = vs_perf_test_cmd_gen_suites()) != CUE_SUCCESS ||
	    (rc = vs_perf_test_report_suites()) != CUE_SUCCESS ||
	    (rc = vs_perf_test_topology_suites()) != CUE_SUCCESS)
		return rc;
	return CUE_SUCCESS;
}

static int
vs_test_perf_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
vs_test_perf_fini(void)
{
	nftw(tmpdir, vs_test_perf_rm, 8, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
	/* The loader's station table for a 2^20-MAC workload (2^21 stations)
	 * takes about 80 MB of EAL memory. */
	static const struct vs_test_module m = {
		.name = "test_perf", .lcores = "0", .mem_mb = "256",
		.init = vs_test_perf_init, .fini = vs_test_perf_fini,
	};

	return vs_test_main(&m);
}
