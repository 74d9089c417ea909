/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "test_env.h"
#include "vswitch.h"

uint64_t
vs_test_clock(void *arg)
{
	return *(const uint64_t *)arg;
}

struct rte_mbuf *
vs_test_frame(struct vs_dp *dp, const uint8_t dst[6], const uint8_t src[6], uint16_t type,
	      uint32_t len, uint8_t seed)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(vs_dp_mempool(dp));
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, seed, len);
	if (len >= 6)
		memcpy(p, dst, 6);
	if (len >= 12)
		memcpy(p + 6, src, 6);
	if (len >= 14) {
		p[12] = (uint8_t)(type >> 8);
		p[13] = (uint8_t)type;
	}
	return m;
}

unsigned int
vs_test_drain(struct vs_dp *dp, const char *name)
{
	int idx = vs_dp_port_index(dp, name);
	struct rte_ring *r = idx < 0 ? NULL : vs_dp_port_tx_ring(dp, (unsigned int)idx);
	struct rte_mbuf *m[64];
	unsigned int n, total = 0;

	if (r == NULL)
		return 0;
	while ((n = rte_ring_dequeue_burst(r, (void **)m, 64, NULL)) > 0) {
		rte_pktmbuf_free_bulk(m, n);
		total += n;
	}
	return total;
}

struct vs_dp *
vs_test_ring_switch(const char *sw, const char *const *names, uint32_t fdb_size,
		    uint64_t *clock_ns)
{
	struct vs_dp_conf dc = {.fdb_size = fdb_size, .fdb_aging_s = 300};
	struct vs_switch_conf sc = {.type = VS_SWITCH_PRIVATE};
	struct vs_port_conf pc = {.kind = VS_PORT_RING, .ring_size = 1024};
	struct vs_dp *dp;
	char err[256];

	dp = vs_dp_create(&dc, err, sizeof(err));
	if (dp == NULL)
		goto fail;
	vs_dp_set_clock(dp, vs_test_clock, clock_ns);
	snprintf(sc.name, sizeof(sc.name), "%s", sw);
	if (vs_dp_switch_add(dp, &sc, err, sizeof(err)) != 0)
		goto fail;
	snprintf(pc.switch_name, sizeof(pc.switch_name), "%s", sw);
	for (; *names != NULL; names++) {
		snprintf(pc.name, sizeof(pc.name), "%s", *names);
		if (vs_dp_port_add(dp, &pc, err, sizeof(err)) != 0)
			goto fail;
	}
	return dp;
fail:
	fprintf(stderr, "test set-up: %s\n", err);
	vs_dp_destroy(dp);
	return NULL;
}

struct vs_dp *
vs_test_vm_ring_dp(struct vs_dp_conf *dc, char *dir, const struct vs_switch_conf *sc,
		   const struct vs_port_conf *vm, const struct vs_port_conf *r)
{
	struct vs_dp *dp;
	char err[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(dc->chan_dir, sizeof(dc->chan_dir), "%s", dir);
	dp = vs_dp_create(dc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(dp);
	CU_ASSERT_EQUAL_FATAL(vs_dp_switch_add(dp, sc, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(dp, vm, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(dp, r, err, sizeof(err)), 0);
	return dp;
}
