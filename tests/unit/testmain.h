/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one main() of every module's CUnit binary: EAL without hugepages and
 * with a file prefix of its own (so binaries run in parallel), the module's
 * suites, CUnit's verbose run and summary, and EAL's runtime directory
 * removed afterwards.
 */
#ifndef VS_TESTMAIN_H
#define VS_TESTMAIN_H

#include <CUnit/CUnit.h>

struct vs_test_module {
	const char *name;   /* "test_vlan": messages and the file prefix */
	const char *lcores; /* EAL -l, e.g. "0" or "0-1" (a worker thread) */
	const char *mem_mb; /* EAL -m */
	/* After EAL init: module set-up (pools, folders) and CU_add_suite
	 * calls; CUE_SUCCESS or the error. */
	CU_ErrorCode (*init)(void);
	void (*fini)(void); /* after the run; may be NULL */
};

/* Returns the process's exit status: 0 when every test passed. */
int vs_test_main(const struct vs_test_module *m);

#endif
