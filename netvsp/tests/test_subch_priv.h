/* SPDX-License-Identifier: BSD-3-Clause */
/* The subchannel tests' flows and their predicted channels (test_subch.c),
 * shared with test_subch_threads.c. */
#ifndef VS_NETVSP_TEST_SUBCH_PRIV_H
#define VS_NETVSP_TEST_SUBCH_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <CUnit/Basic.h>

#include "proto_priv.h"

struct rte_mbuf;

/* Not the guest simulator's default key: the host must use the guest's. */
static const uint8_t KEY[NDIS_RSS_KEY_LEN] = {
	0x2c, 0xc6, 0x81, 0xd1, 0x5b, 0xdb, 0xf4, 0xf7, 0xfc, 0xa2, 0x83, 0x19, 0xdb, 0x1a,
	0x3e, 0x94, 0x6b, 0x9e, 0x38, 0xd9, 0x2c, 0x9c, 0x03, 0xd1, 0xad, 0x99, 0x44, 0xa7,
	0xd9, 0x56, 0x3d, 0x59, 0x06, 0x3c, 0x25, 0xf3, 0xfc, 0x1f, 0xdc, 0x2a,
};

/* A flow: IPv4 or IPv6, TCP or UDP (or none: ARP), addresses from id. */
struct flow {
	bool v6, udp, arp;
	uint8_t id;
	uint16_t sport, dport;
};

#define FLEN 96u
#define NFLOWS 14u

/* A frame of the flow; its last 4 bytes: flow id and sequence number. */
struct rte_mbuf *flow_frame(const struct flow *f, uint16_t seq);
/* What the guest's parameters make of the flow: hash, hash info, queue. */
uint16_t flow_expect(const struct flow *f, const uint32_t *table, uint32_t *hash,
		     uint32_t *info);
int test_subch_threads_register(CU_pSuite s);

#endif
