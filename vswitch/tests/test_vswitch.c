/* SPDX-License-Identifier: BSD-3-Clause */
/* The vswitch module's CUnit binary.  Two lcores: one suite runs a worker. */
#include "test_env.h"
#include "testmain.h"

static CU_ErrorCode
vs_test_vswitch_init(void)
{
	CU_ErrorCode (*const suites[])(void) = {
		vs_test_register_fdb,	      vs_test_register_pipeline, vs_test_register_capture,
		vs_test_register_security,    vs_test_register_netvsc_port, vs_test_register_netlink,
		vs_test_register_types,	      vs_test_register_klink,
		vs_test_register_offload,     vs_test_register_nlb,
		vs_test_register_storm,       vs_test_register_flood,
		vs_test_register_hostile,
	};
	unsigned int i;
	CU_ErrorCode rc;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if ((rc = suites[i]()) != CUE_SUCCESS)
			return rc;
	return CUE_SUCCESS;
}

int
main(void)
{
	static const struct vs_test_module m = {
		.name = "test_vswitch", .lcores = "0-1", .mem_mb = "1024",
		.init = vs_test_vswitch_init,
	};

	return vs_test_main(&m);
}
