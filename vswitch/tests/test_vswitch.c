/* SPDX-License-Identifier: BSD-3-Clause */
/* The vswitch module's CUnit binary: MAC table and pipeline suites. */
#include <stdio.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>

#include "test_env.h"

int
main(int argc, char **argv)
{
	unsigned int failed;

	(void)argc;
	if (vs_test_eal_init(argv[0]) != 0) {
		fprintf(stderr, "test_vswitch: EAL initialisation failed\n");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (vs_test_register_fdb() != CUE_SUCCESS || vs_test_register_pipeline() != CUE_SUCCESS ||
	    vs_test_register_capture() != CUE_SUCCESS || vs_test_register_security() != CUE_SUCCESS ||
	    vs_test_register_netvsc_port() != CUE_SUCCESS ||
	    vs_test_register_netlink() != CUE_SUCCESS || vs_test_register_types() != CUE_SUCCESS) {
		fprintf(stderr, "test_vswitch: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	{
		/* EAL leaves its (empty) runtime directory behind. */
		char rundir_eal[256];

		snprintf(rundir_eal, sizeof(rundir_eal), "%s", rte_eal_get_runtime_dir());
		rte_eal_cleanup();
		rmdir(rundir_eal);
	}
	return failed ? 1 : 0;
}
