/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>

#include "testmain.h"

/* VS_TEST_SUITE (and VS_TEST) run one suite (one test of it): a
 * failure seen once in CI can be run alone, many times. */
static int
run_selected(void)
{
	const char *suite_name = getenv("VS_TEST_SUITE"), *test_name = getenv("VS_TEST");
	CU_pSuite suite;
	CU_pTest test;

	if (suite_name == NULL || *suite_name == '\0') {
		CU_basic_run_tests();
		return 0;
	}
	suite = CU_get_suite(suite_name);
	if (suite == NULL) {
		fprintf(stderr, "VS_TEST_SUITE: no suite named \"%s\"\n", suite_name);
		return 1;
	}
	if (test_name == NULL || *test_name == '\0') {
		CU_basic_run_suite(suite);
		return 0;
	}
	test = CU_get_test(suite, test_name);
	if (test == NULL) {
		fprintf(stderr, "VS_TEST: no test named \"%s\" in \"%s\"\n", test_name, suite_name);
		return 1;
	}
	CU_basic_run_test(suite, test);
	return 0;
}

int
vs_test_main(const struct vs_test_module *m)
{
	char prefix[64], rundir[256];
	/* "0-1" is a list of CPUs; "(0-2)@(0-1)" maps more lcores than CPUs. */
	char *eal[] = {(char *)m->name, strchr(m->lcores, '@') ? "--lcores" : "-l",
		       (char *)m->lcores, "--no-huge", "--no-pci", "--no-shconf", "-m", (char *)m->mem_mb, "--log-level=lib.*:error",
		       "--no-telemetry", "--file-prefix", prefix, NULL};
	unsigned int failed;
	CU_ErrorCode rc;

	snprintf(prefix, sizeof(prefix), "%s%d", m->name, (int)getpid());
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0) {
		fprintf(stderr, "%s: EAL initialisation failed\n", m->name);
		return 1;
	}
	snprintf(rundir, sizeof(rundir), "%s", rte_eal_get_runtime_dir());
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	rc = m->init();
	if (rc != CUE_SUCCESS) {
		fprintf(stderr, "%s: set-up failed: %s\n", m->name, CU_get_error_msg());
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	failed = (unsigned int)run_selected();
	failed += CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	if (m->fini != NULL)
		m->fini();
	rte_eal_cleanup();
	rmdir(rundir); /* EAL leaves it behind, empty */
	return failed ? 1 : 0;
}
