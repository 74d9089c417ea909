/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared set-up of the vswitch unit tests. */
#ifndef VS_TEST_ENV_H
#define VS_TEST_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

struct vs_dp;
struct vs_dp_conf;
struct vs_switch_conf;
struct vs_port_conf;
struct rte_mbuf;
struct vs_nl;

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
/* test_pipeline.c: the pipeline suite's datapath (switch sw0: ring ports
 * a b c d; sw1: x y), for the tests test_pipeline_load.c adds to that
 * suite.  _replace destroys it and makes the suite's datapath one of dc
 * instead (NULL: none, the reason in err). */
struct vs_dp *vs_test_pipeline_dp(void);
struct vs_dp *vs_test_pipeline_replace(const struct vs_dp_conf *dc, char *err, size_t errlen);
/* Station n's MAC (02:00:00:00:hi:lo); up to max frames port name sent
 * (returns how many); every port's frames freed. */
void vs_test_pipeline_mac(uint8_t out[6], unsigned int n);
unsigned int vs_test_pipeline_drain(const char *name, struct rte_mbuf **out, unsigned int max);
void vs_test_pipeline_drain_all(void);
/* test_pipeline_load.c: its tests, added last to the pipeline suite s. */
CU_ErrorCode vs_test_register_pipeline_load(CU_pSuite s);
CU_ErrorCode vs_test_register_capture(void);
CU_ErrorCode vs_test_register_security(void);
CU_ErrorCode vs_test_register_netvsc_port(void);
CU_ErrorCode vs_test_register_netlink(void);
CU_ErrorCode vs_test_register_types(void);
CU_ErrorCode vs_test_register_klink(void);
/* test_klink.c: the kernel links suite's fixture, for the tests
 * test_klink_mtu_pool.c adds to that suite: its datapath, the test's own
 * netlink handle (which changes links), and the veth end that the uplinks
 * of its external switches open. */
struct vs_dp *vs_test_klink_dp(void);
struct vs_nl *vs_test_klink_nl(void);
const char *vs_test_klink_uplink(void);
/* An external switch on that veth (dev tells its devargs apart), with a
 * host vNIC of MTU host_mtu (0: the uplink's) when mgmt. */
int vs_test_klink_add_external(const char *name, const char dev, bool mgmt, uint32_t host_mtu,
			       char *err, size_t errlen);
/* Runs the control poll until cond() holds, for at most a second. */
bool vs_test_klink_poll_until(bool (*cond)(void));
/* test_klink_mtu_pool.c: its tests, added last to the kernel links suite s. */
CU_ErrorCode vs_test_register_klink_mtu_pool(CU_pSuite s);
CU_ErrorCode vs_test_register_offload(void);
CU_ErrorCode vs_test_register_nlb(void);
CU_ErrorCode vs_test_register_storm(void);
CU_ErrorCode vs_test_register_flood(void);
CU_ErrorCode vs_test_register_hostile(void);
/* test_vswitch_mw_vmq.c: test_vswitch_mw's software VMQ suite. */
CU_ErrorCode vs_test_register_mw_vmq(void);
CU_ErrorCode vs_test_register_storm_mw(void);

#endif
