/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the offload test files. */
#ifndef VS_TEST_OFFLOAD_H
#define VS_TEST_OFFLOAD_H

#include <stdint.h>

#include <CUnit/CUnit.h>

#include "offload.h"

extern struct rte_mempool *t_mp, *t_direct, *t_indirect;
extern struct vs_offload_ctx t_ctx;

/* A fresh context (zero counters) on the test pools. */
void t_reset(void);
uint64_t t_l4_flag(uint8_t proto);
uint16_t t_run(uint32_t caps, struct rte_mbuf *m, struct rte_mbuf **out, uint16_t max,
	       uint16_t *dropped);
CU_ErrorCode t_register_seg(void);

#endif
