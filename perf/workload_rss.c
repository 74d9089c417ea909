/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A workload dealt over a replay port's receive queues as a NIC's RSS
 * deals it: the Toeplitz hash of the IPv4 or IPv6 addresses and TCP/UDP
 * ports (addresses only for other protocols and fragments), an
 * indirection table of 128 entries filled round robin, frames without IP
 * on queue 0.  Every frame of a flow lands on one queue, in the capture's
 * order, so what the switch sees per queue is what a multi-queue NIC would
 * hand it.  The parts share the workload's frame bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_thash.h>

#include "perf.h"

#define RSS_RETA 128u

/* The key of Microsoft's RSS verification suite, which NICs default to. */
static const uint8_t rss_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static uint16_t
be16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

bool
vs_perf_rss_hash(const uint8_t *f, uint32_t len, uint32_t *hash)
{
	union rte_thash_tuple t;
	uint32_t off = 12, l4, words;
	uint16_t type;
	uint8_t proto;
	bool ports;

	if (len < 14)
		return false;
	type = be16_at(f + 12);
	while ((type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ) && len >= off + 6) {
		off += 4;
		type = be16_at(f + off);
	}
	off += 2;
	memset(&t, 0, sizeof(t));
	if (type == RTE_ETHER_TYPE_IPV4 && len >= off + 20) {
		const uint8_t *ip = f + off;

		proto = ip[9];
		l4 = off + (uint32_t)(ip[0] & 0xf) * 4;
		t.v4.src_addr = (uint32_t)ip[12] << 24 | (uint32_t)ip[13] << 16 |
				(uint32_t)ip[14] << 8 | ip[15];
		t.v4.dst_addr = (uint32_t)ip[16] << 24 | (uint32_t)ip[17] << 16 |
				(uint32_t)ip[18] << 8 | ip[19];
		/* A fragment hashes its addresses only. */
		ports = (be16_at(ip + 6) & 0x3fff) == 0;
		words = RTE_THASH_V4_L3_LEN;
	} else if (type == RTE_ETHER_TYPE_IPV6 && len >= off + 40) {
		const uint8_t *ip = f + off;

		proto = ip[6];
		l4 = off + 40;
		for (unsigned int i = 0; i < 4; i++) {
			t.v6.src_addr[i] = (uint32_t)ip[8 + 4 * i] << 24 |
					   (uint32_t)ip[9 + 4 * i] << 16 |
					   (uint32_t)ip[10 + 4 * i] << 8 | ip[11 + 4 * i];
			t.v6.dst_addr[i] = (uint32_t)ip[24 + 4 * i] << 24 |
					   (uint32_t)ip[25 + 4 * i] << 16 |
					   (uint32_t)ip[26 + 4 * i] << 8 | ip[27 + 4 * i];
		}
		ports = true;
		words = RTE_THASH_V6_L3_LEN;
	} else {
		return false;
	}
	if (ports && (proto == IPPROTO_TCP || proto == IPPROTO_UDP) && len >= l4 + 4) {
		uint32_t sd = (uint32_t)be16_at(f + l4) << 16 | be16_at(f + l4 + 2);

		if (type == RTE_ETHER_TYPE_IPV4) {
			t.v4.sport = (uint16_t)(sd >> 16);
			t.v4.dport = (uint16_t)sd;
			words = RTE_THASH_V4_L4_LEN;
		} else {
			t.v6.sport = (uint16_t)(sd >> 16);
			t.v6.dport = (uint16_t)sd;
			words = RTE_THASH_V6_L4_LEN;
		}
	}
	*hash = rte_softrss((uint32_t *)&t, words, rss_key);
	return true;
}

void
vs_perf_workload_parts_free(struct vs_perf_workload *parts, uint16_t n)
{
	for (uint16_t q = 0; q < n; q++) {
		free(parts[q].off);
		free(parts[q].len);
		free(parts[q].ts_ns);
		memset(&parts[q], 0, sizeof(parts[q]));
	}
}

int
vs_perf_workload_split(const struct vs_perf_workload *w, uint16_t n,
		       struct vs_perf_workload *parts, char *err, size_t errlen)
{
	uint32_t count[VS_PERF_RXQ_MAX] = {0};
	uint16_t *queue, q;
	int rc = -ENOMEM;

	if (n == 0 || n > VS_PERF_RXQ_MAX) {
		snprintf(err, errlen, "receive queues: %u (1..%u)", n, VS_PERF_RXQ_MAX);
		return -EINVAL;
	}
	memset(parts, 0, sizeof(*parts) * n);
	queue = malloc(sizeof(*queue) * (w->n ? w->n : 1));
	if (queue == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < w->n; i++) {
		uint32_t h;

		queue[i] = vs_perf_rss_hash(w->data + w->off[i], w->len[i], &h)
				   ? (uint16_t)((h & (RSS_RETA - 1)) % n)
				   : 0;
		count[queue[i]]++;
	}
	for (q = 0; q < n; q++) {
		struct vs_perf_workload *p = &parts[q];

		if (count[q] == 0) {
			snprintf(err, errlen,
				 "workload %s: receive queue %u of %u gets no frame (too few flows "
				 "to spread)",
				 w->name, q, n);
			rc = -EINVAL;
			goto fail;
		}
		snprintf(p->name, sizeof(p->name), "%.240s, queue %u", w->name, q);
		p->data = w->data;
		p->off = malloc(sizeof(*p->off) * count[q]);
		p->len = malloc(sizeof(*p->len) * count[q]);
		p->ts_ns = malloc(sizeof(*p->ts_ns) * count[q]);
		if (p->off == NULL || p->len == NULL || p->ts_ns == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		p->duration_ns = w->duration_ns;
		p->n_srcs = w->n_srcs;
		p->n_dsts = w->n_dsts;
	}
	for (uint32_t i = 0; i < w->n; i++) {
		struct vs_perf_workload *p = &parts[queue[i]];

		p->off[p->n] = w->off[i];
		p->len[p->n] = w->len[i];
		p->ts_ns[p->n] = w->ts_ns[i];
		p->bytes += w->len[i];
		if (w->len[i] > p->max_len)
			p->max_len = w->len[i];
		p->n++;
	}
	free(queue);
	return 0;
fail:
	free(queue);
	vs_perf_workload_parts_free(parts, n);
	return rc;
}
