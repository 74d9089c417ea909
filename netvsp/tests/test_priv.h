/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the test_netvsp sources. */
#ifndef VS_NETVSP_TEST_PRIV_H
#define VS_NETVSP_TEST_PRIV_H

#include <CUnit/Basic.h>

struct rte_mempool;
extern struct rte_mempool *test_mp;
extern char test_dir[];

int test_ring_register(void);
int test_proto_register(void);
int test_chan_register(void);
int test_mtu_register(void);
int test_signal_register(void);
int test_rsc_register(void);
int test_hostile_register(void);
int test_subch_register(void);

#endif
