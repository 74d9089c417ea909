/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the IGMP parser on arbitrary IPv4 packets, and what it
 * finds applied to a cluster table, as a worker and the control thread
 * would.  Oracle: the parser stays inside the bytes given (ASan), its
 * results are in range, and the table never holds a member it was not
 * told about. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nlb.h"

static struct vs_nlb_table *table;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vs_nlb_igmp o;
	struct vs_nlb_cluster_conf c;
	struct vs_nlb_portset im;
	uint8_t *copy;
	unsigned int port;

	if (table == NULL) {
		table = vs_nlb_table_create();
		memset(&c, 0, sizeof(c));
		c.vlan = 1;
		c.mode = VS_NLB_IGMP;
		c.ip = 10u << 24 | 100; /* group 239.255.0.100 */
		if (table == NULL || vs_nlb_table_add(table, &c) != 0)
			abort();
	}
	if (size < 1)
		return 0;
	port = data[0] % 8;
	/* An exact-size heap copy: ASan sees any read past it. */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (vs_nlb_igmp_parse(copy, (uint32_t)(size - 1), &o) == VS_IGMP_OK) {
		if (o.n > VS_NLB_IGMP_MAX_GROUPS || (o.version < 1 || o.version > 3))
			abort();
		if (o.kind == VS_IGMP_QUERY) {
			if (o.max_resp_ms > 31744u * 100u || o.robustness == 0 ||
			    o.robustness > 7 || o.query_interval_s > 31744)
				abort();
			vs_nlb_igmp_query(table, 0, 1, o.group, o.max_resp_ms, o.robustness,
					  o.query_interval_s, 1000);
		}
		for (unsigned int i = 0; i < o.n; i++) {
			if ((o.g[i].group >> 28) != 0xe)
				abort();
			if (o.g[i].join)
				vs_nlb_igmp_join(table, 0, 1, o.g[i].group, port, 0);
			else
				vs_nlb_igmp_leave(table, 0, 1, o.g[i].group, port);
		}
		vs_nlb_igmp_expire(table, 500);
	}
	if (vs_nlb_table_get(table, 0, NULL, &im) != 0)
		abort();
	for (unsigned int p = 8; p < VS_NLB_MAX_PORTS; p++)
		if (vs_nlb_portset_has(&im, p))
			abort();
	free(copy);
	return 0;
}
