/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared set-up of the vswitch unit tests. */
#ifndef VS_TEST_ENV_H
#define VS_TEST_ENV_H

#include <stdint.h>

#include <CUnit/CUnit.h>

struct vs_dp;
struct vs_dp_conf;
struct vs_switch_conf;
struct vs_port_conf;
struct rte_mbuf;

/* A datapath (a MAC table of fdb_size, 300 s aging, the clock *clock_ns)
 * with one private switch sw of ring ports named in names (NULL-ended);
 * NULL with the reason on stderr. */
struct vs_dp *vs_test_ring_switch(const char *sw, const char *const *names, uint32_t fdb_size,
				  uint64_t *clock_ns);
/* A datapath on dc whose netvsc channels go to a new folder made from
 * the template dir ("/tmp/...XXXXXX"), with switch sc and ports vm and r
 * (a netvsc port and a ring port, say); a failure fails the test. */
struct vs_dp *vs_test_vm_ring_dp(struct vs_dp_conf *dc, char *dir, const struct vs_switch_conf *sc,
				 const struct vs_port_conf *vm, const struct vs_port_conf *r);
/* Frees what the switch sent to ring port name; how many (0 when the
 * port does not exist). */
unsigned int vs_test_drain(struct vs_dp *dp, const char *name);
/* Manual clock for vs_dp_set_clock: nanoseconds in *arg. */
uint64_t vs_test_clock(void *arg);
/* A frame of len bytes: dst, src, ethertype, payload bytes = seed. */
struct rte_mbuf *vs_test_frame(struct vs_dp *dp, const uint8_t dst[6], const uint8_t src[6],
			       uint16_t type, uint32_t len, uint8_t seed);

CU_ErrorCode vs_test_register_fdb(void);
CU_ErrorCode vs_test_register_pipeline(void);
CU_ErrorCode vs_test_register_capture(void);
CU_ErrorCode vs_test_register_security(void);
CU_ErrorCode vs_test_register_netvsc_port(void);
CU_ErrorCode vs_test_register_netlink(void);
CU_ErrorCode vs_test_register_types(void);
CU_ErrorCode vs_test_register_klink(void);
CU_ErrorCode vs_test_register_offload(void);
CU_ErrorCode vs_test_register_nlb(void);
CU_ErrorCode vs_test_register_storm(void);
CU_ErrorCode vs_test_register_flood(void);
CU_ErrorCode vs_test_register_hostile(void);
/* test_vswitch_mw_vmq.c: test_vswitch_mw's software VMQ suite. */
CU_ErrorCode vs_test_register_mw_vmq(void);
CU_ErrorCode vs_test_register_storm_mw(void);

#endif
