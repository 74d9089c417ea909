/* SPDX-License-Identifier: BSD-3-Clause */
/* Hardware VMQ rules (contract in vmq.h). */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>

#include "vmq.h"

int
vs_vmq_flow_rule(struct vs_vmq_flow_rule *r, const uint8_t mac[6], uint16_t vlan, uint16_t queue)
{
	unsigned int n = 0;

	if ((mac[0] & 1) != 0 || vlan > 4094 || queue == 0)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->attr.ingress = 1;
	memcpy(r->eth.hdr.dst_addr.addr_bytes, mac, 6);
	memset(r->eth_mask.hdr.dst_addr.addr_bytes, 0xff, 6);
	r->pattern[n++] = (struct rte_flow_item){
		.type = RTE_FLOW_ITEM_TYPE_ETH, .spec = &r->eth, .mask = &r->eth_mask};
	if (vlan != 0) {
		/* A VM in a VLAN: its frames carry the tag on the wire. */
		r->vlan.hdr.vlan_tci = rte_cpu_to_be_16(vlan);
		r->vlan_mask.hdr.vlan_tci = rte_cpu_to_be_16(0x0fff);
		r->pattern[n++] = (struct rte_flow_item){
			.type = RTE_FLOW_ITEM_TYPE_VLAN, .spec = &r->vlan, .mask = &r->vlan_mask};
	}
	r->pattern[n].type = RTE_FLOW_ITEM_TYPE_END;
	r->queue.index = queue;
	r->actions[0] = (struct rte_flow_action){.type = RTE_FLOW_ACTION_TYPE_QUEUE,
						 .conf = &r->queue};
	r->actions[1].type = RTE_FLOW_ACTION_TYPE_END;
	return 0;
}
