/* SPDX-License-Identifier: BSD-3-Clause */
/* test_netvsp: the VMBus ring, NVSP/RNDIS formats and parsers, and the
 * host channel driven by the guest simulator in-process. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_mbuf.h>

#include "test_priv.h"
#include "testmain.h"

struct rte_mempool *test_mp;
char test_dir[256];

static CU_ErrorCode
vs_test_netvsp_init(void)
{
	test_mp = rte_pktmbuf_pool_create("netvsp_test", 8191, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	snprintf(test_dir, sizeof(test_dir), "/tmp/vsnetvsp.XXXXXX");
	if (test_mp == NULL || mkdtemp(test_dir) == NULL)
		return CUE_NOMEMORY;
	if (test_ring_register() || test_proto_register() || test_chan_register() ||
	    test_mtu_register() || test_signal_register() || test_rsc_register() ||
	    test_hostile_register() ||
	    test_subch_register())
		return CU_get_error();
	return CUE_SUCCESS;
}

static void
vs_test_netvsp_fini(void)
{
	rmdir(test_dir);
	rte_mempool_free(test_mp);
}

int
main(void)
{
	static const struct vs_test_module m = {
		.name = "test_netvsp", .lcores = "0", .mem_mb = "256",
		.init = vs_test_netvsp_init, .fini = vs_test_netvsp_fini,
	};

	return vs_test_main(&m);
}
