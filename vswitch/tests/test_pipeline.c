/* SPDX-License-Identifier: BSD-3-Clause */
#include <CUnit/CUnit.h>
#include "test_env.h"
CU_ErrorCode
vs_test_register_pipeline(void)
{
	return CUE_SUCCESS;
}
