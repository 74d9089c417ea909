/* SPDX-License-Identifier: BSD-3-Clause */
/* The perf module's CUnit binary: every suite of perf/tests. */
#include "test_perf.h"
#include "testmain.h"

static CU_ErrorCode
vs_test_perf_init(void)
{
	return vs_perf_test_report_suites();
}

int
main(void)
{
	static const struct vs_test_module m = {
		.name = "test_perf", .lcores = "0", .mem_mb = "64",
		.init = vs_test_perf_init,
	};

	return vs_test_main(&m);
}
