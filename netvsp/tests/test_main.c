/* SPDX-License-Identifier: BSD-3-Clause */
/* test_netvsp: the VMBus ring, NVSP/RNDIS formats and parsers, and the
 * host channel driven by the guest simulator in-process. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#include "test_priv.h"

struct rte_mempool *test_mp;
char test_dir[256];

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = {argv[0], "-l", "0", "--no-huge", "--no-pci", "--no-shconf", "-m", "256",
		       "--log-level=lib.*:error", "--no-telemetry", "--file-prefix", prefix, NULL};
	unsigned int failed;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "vsnetvsp%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0)
		return 1;
	test_mp = rte_pktmbuf_pool_create("netvsp_test", 8191, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	snprintf(test_dir, sizeof(test_dir), "/tmp/vsnetvsp.XXXXXX");
	if (test_mp == NULL || mkdtemp(test_dir) == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (test_ring_register() || test_proto_register() || test_chan_register())
		return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	rmdir(test_dir);
	rte_mempool_free(test_mp);
	{
		char rundir_eal[256];

		snprintf(rundir_eal, sizeof(rundir_eal), "%s", rte_eal_get_runtime_dir());
		rte_eal_cleanup();
		rmdir(rundir_eal);
	}
	return failed ? 1 : 0;
}
