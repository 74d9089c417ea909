/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest simulator: subchannels and RSS, as hv_netvsc's
 * rndis_filter_device_add and netvsc_sc_open do them (ref §3.5 NVSP 133,
 * §4.9, §5.1).  Subchannel i's rings sit in the channel file after the
 * primary pair (ARCHITECTURE §6); opening one is zeroing its ring indices
 * and setting bit i of the header's sub_open word, the stand-in for the
 * VMBus open of a subchannel offer.
 */
#include <errno.h>
#include <string.h>

#include "guest_priv.h"

/* The Toeplitz key Windows and Linux's netvsc use by default. */
static const uint8_t ms_key[NDIS_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

int
vs_netvsp_guest_subchannels(struct vs_netvsp_guest *g, uint32_t n, uint32_t *got)
{
	struct nvsp_subchannel m = {NVSP_SUBCHANNEL, 1, n}, c;
	uint32_t len = sizeof(c), ring = g->hdr->g2h_ring_size, open = 0;
	int rc;

	*got = 0;
	rc = vs_netvsp_guest_nvsp(g, &m, sizeof(m), true, &c, &len);
	if (rc != 0)
		return rc;
	if (len < sizeof(c) || c.type != NVSP_SUBCHANNEL || c.op_or_status != NVSP_STAT_SUCCESS)
		return -EPROTO;
	/* Linux fails a host that allocates more than asked (ref §3.5);
	 * the rings must be in the file and offered. */
	if (c.count > n || c.count >= VS_NETVSP_MAX_QUEUES || c.count > g->hdr->subchannels ||
	    c.count != __atomic_load_n(&g->hdr->sub_offered, __ATOMIC_ACQUIRE))
		return -EPROTO;
	for (uint32_t i = 1; i <= c.count; i++) {
		uint8_t *r = g->map + VS_PAGE + 2ull * ring * i;

		vs_ring_attach(&g->sout[i], r, ring);
		vs_ring_attach(&g->sin[i], r + ring, ring);
		vs_ring_init_ctl(&g->sout[i], VMBUS_FEAT_PENDING_SEND_SZ);
		vs_ring_init_ctl(&g->sin[i], VMBUS_FEAT_PENDING_SEND_SZ);
		vs_ring_set_mask(&g->sin[i], 0);
		open |= 1u << i;
	}
	/* Rings ready before the host may look at them. */
	__atomic_store_n(&g->hdr->sub_open, open, __ATOMIC_RELEASE);
	g->st.queues = (uint16_t)(1 + c.count);
	*got = c.count;
	return 0;
}

int
vs_netvsp_guest_set_rss(struct vs_netvsp_guest *g, const uint8_t *key, const uint32_t *table,
			uint32_t n, uint32_t hash_info, uint32_t *status)
{
	uint8_t buf[sizeof(struct ndis_rss_params) + 4 * NDIS_RSS_TABLE_MAX + NDIS_RSS_KEY_LEN];
	struct ndis_rss_params p = {
		.h = {NDIS_OBJ_RSS_PARAMS, 2, sizeof(p)},
		.hash_info = hash_info,
		.table_size = (uint16_t)(4 * n),
		.table_off = sizeof(p),
		.key_size = NDIS_RSS_KEY_LEN,
		.key_off = (uint32_t)(sizeof(p) + 4 * n),
	};

	if (n > NDIS_RSS_TABLE_MAX)
		return -EINVAL;
	memcpy(buf, &p, sizeof(p));
	memcpy(buf + p.table_off, table, 4 * n);
	memcpy(buf + p.key_off, key != NULL ? key : ms_key, NDIS_RSS_KEY_LEN);
	return vs_netvsp_guest_set(g, OID_GEN_RSS_PARAMS, buf, p.key_off + NDIS_RSS_KEY_LEN, status);
}

int
vs_netvsp_guest_set_tx_queue(struct vs_netvsp_guest *g, uint16_t q)
{
	if (q >= g->st.queues)
		return -EINVAL;
	g->tx_q = q;
	return 0;
}

/* Bring-up: subchannels, then RSS disabled and enabled over all channels,
 * as Linux (ref §5.1). */
int
vs_guest_multiqueue(struct vs_netvsp_guest *g)
{
	struct ndis_rss_params off = {.h = {NDIS_OBJ_RSS_PARAMS, 2, sizeof(off)},
				      .flags = NDIS_RSS_FLAG_DISABLE};
	uint32_t table[NDIS_RSS_TABLE_MAX], got, st;
	int rc;

	if ((rc = vs_netvsp_guest_subchannels(g, g->o.subchannels, &got)) != 0)
		return rc;
	for (uint32_t i = 0; i < NDIS_RSS_TABLE_MAX; i++)
		table[i] = i % (1 + got);
	if ((rc = vs_netvsp_guest_set(g, OID_GEN_RSS_PARAMS, &off, sizeof(off), &st)) != 0)
		return rc;
	if (st != RNDIS_SUCCESS)
		return -EPROTO;
	rc = vs_netvsp_guest_set_rss(g, g->o.rss_key, table, NDIS_RSS_TABLE_MAX,
				     NDIS_HASH_FUNC_TOEPLITZ | NDIS_HASH_IPV4 | NDIS_HASH_TCP_IPV4 |
					     NDIS_HASH_IPV6 | NDIS_HASH_TCP_IPV6 |
					     NDIS_HASH_UDP_IPV4 | NDIS_HASH_UDP_IPV6,
				     &st);
	return rc != 0 ? rc : st == RNDIS_SUCCESS ? 0 : -EPROTO;
}
