/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RNDIS device model: OID queries and sets (ref §4.5–§4.10).
 *
 * Replies have exactly the sizes the guests expect: both Linux and DPDK
 * reject an info buffer longer than they asked for (ref §4.5, §8.2).
 * Set inputs are bounded before use (ref §6.3, per-OID input):
 *   packet filter         len ≥ 4
 *   multicast list        len multiple of 6, ≤ VS_MAX_MC × 6
 *   offload parameters    len ≥ 20, header type 0x80, 20 ≤ size ≤ len,
 *                         RSC fields (size ≥ 24) 0, 1 or 2
 *   RSS parameters        len ≥ 40, header type 0x89; unless disabling
 *                         (flag 0x10, or hash information 0): hash
 *                         function Toeplitz, types ⊆ 0xFF00 and not
 *                         none; key size 40, table bytes a multiple
 *                         of 4, entries a power of two ≤ 128, off + size
 *                         ≤ len for key and table, every entry < the
 *                         queues in use (1 + subchannels allocated); an
 *                         "unchanged" flag keeps a part set before
 *   config parameter      len ≥ 20, name/value off + len ≤ len, lengths
 *                         even and ≤ 510
 */
#include <stddef.h>
#include <string.h>

#include "netvsp_priv.h"

static const uint32_t supported[] = {
	OID_GEN_SUPPORTED_LIST,	      OID_GEN_HARDWARE_STATUS,	     OID_GEN_MEDIA_SUPPORTED,
	OID_GEN_MEDIA_IN_USE,	      OID_GEN_MAXIMUM_LOOKAHEAD,     OID_GEN_MAXIMUM_FRAME_SIZE,
	OID_GEN_LINK_SPEED,	      OID_GEN_TRANSMIT_BUFFER_SPACE, OID_GEN_RECEIVE_BUFFER_SPACE,
	OID_GEN_TRANSMIT_BLOCK_SIZE,  OID_GEN_RECEIVE_BLOCK_SIZE,    OID_GEN_VENDOR_ID,
	OID_GEN_VENDOR_DESCRIPTION,   OID_GEN_CURRENT_PACKET_FILTER, OID_GEN_CURRENT_LOOKAHEAD,
	OID_GEN_DRIVER_VERSION,	      OID_GEN_MAXIMUM_TOTAL_SIZE,    OID_GEN_MAC_OPTIONS,
	OID_GEN_MEDIA_CONNECT_STATUS, OID_GEN_MAXIMUM_SEND_PACKETS,  OID_GEN_VENDOR_DRIVER_VERSION,
	OID_GEN_RSS_CAPS,	      OID_GEN_FRIENDLY_NAME,	     OID_802_3_PERMANENT_ADDRESS,
	OID_802_3_CURRENT_ADDRESS,    OID_802_3_MULTICAST_LIST,	     OID_802_3_MAXIMUM_LIST_SIZE,
	OID_802_3_MAC_OPTIONS,	      OID_OFFLOAD_ENCAPSULATION,     OID_TCP_OFFLOAD_HW_CAPS,
	OID_TCP_OFFLOAD_CURRENT_CONFIG,
};

static void
put32(uint8_t *p, uint32_t off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

/* NDIS_OFFLOAD (ref §4.8), cut to the size the guest's header asked for
 * (112 / 144 / 156 for NDIS 6.0 / 6.1 / 6.30). */
static uint32_t
ndis_offload(const struct vs_oid_state *s, const uint8_t *in, uint32_t inlen, uint8_t *out)
{
	struct ndis_obj_hdr h = {NDIS_OBJ_OFFLOAD, 3, NDIS_OFFLOAD_SIZE};

	if (inlen >= sizeof(h)) {
		struct ndis_obj_hdr g;

		memcpy(&g, in, sizeof(g));
		if (g.type == NDIS_OBJ_OFFLOAD && g.rev == 1 && g.size >= 112)
			h = (struct ndis_obj_hdr){NDIS_OBJ_OFFLOAD, 1, 112};
		else if (g.type == NDIS_OBJ_OFFLOAD && g.rev == 2 && g.size >= 144)
			h = (struct ndis_obj_hdr){NDIS_OBJ_OFFLOAD, 2, 144};
	}
	memset(out, 0, h.size);
	memcpy(out, &h, sizeof(h));
	/* Checksums: IPv4 options|TCP options|TCP|UDP|IP header; IPv6
	 * ext headers|TCP options|TCP|UDP.  What Linux and DPDK look for. */
	put32(out, NDIS_OFFLOAD_IP4_TX_ENCAP, NDIS_ENCAP_8023);
	put32(out, NDIS_OFFLOAD_IP4_TX_FLAGS, 0x155);
	put32(out, NDIS_OFFLOAD_IP4_RX_ENCAP, NDIS_ENCAP_8023);
	put32(out, NDIS_OFFLOAD_IP4_RX_FLAGS, 0x155);
	put32(out, NDIS_OFFLOAD_IP6_TX_ENCAP, NDIS_ENCAP_8023);
	put32(out, NDIS_OFFLOAD_IP6_TX_FLAGS, 0x055);
	put32(out, NDIS_OFFLOAD_IP6_RX_ENCAP, NDIS_ENCAP_8023);
	put32(out, NDIS_OFFLOAD_IP6_RX_FLAGS, 0x055);
	put32(out, NDIS_OFFLOAD_LSO2_IP4_ENCAP, NDIS_ENCAP_8023);
	put32(out, NDIS_OFFLOAD_LSO2_IP4_MAX, NDIS_LSO_MAX);
	put32(out, NDIS_OFFLOAD_LSO2_IP4_MINSEG, 2);
	put32(out, NDIS_OFFLOAD_LSO2_IP6_ENCAP, NDIS_ENCAP_8023);
	put32(out, NDIS_OFFLOAD_LSO2_IP6_MAX, NDIS_LSO_MAX);
	put32(out, NDIS_OFFLOAD_LSO2_IP6_MINSEG, 2);
	put32(out, NDIS_OFFLOAD_LSO2_IP6_FLAGS, 0x5);
	/* RSC where Hyper-V offers it: NVSP 6.1 guests that said they can
	 * reassemble (NDIS config bit 7), in the NDIS 6.30 object that has
	 * the fields.  Linux enables LRO only when both are set. */
	if (s->rsc_cap && h.size >= NDIS_OFFLOAD_SIZE) {
		out[NDIS_OFFLOAD_RSC_IP4] = 1;
		out[NDIS_OFFLOAD_RSC_IP6] = 1;
	}
	return h.size;
}

uint32_t
vs_oid_query(const struct vs_oid_state *s, uint32_t oid, const uint8_t *in, uint32_t inlen,
	     uint8_t *out, uint32_t cap, uint32_t *outlen)
{
	uint32_t v, n = 4;

	*outlen = 0;
	if (cap < 512)
		return RNDIS_BUFFER_TOO_SHORT;
	switch (oid) {
	case OID_GEN_SUPPORTED_LIST:
		memcpy(out, supported, sizeof(supported));
		*outlen = sizeof(supported);
		return RNDIS_SUCCESS;
	case OID_GEN_HARDWARE_STATUS:
	case OID_GEN_MEDIA_SUPPORTED:
	case OID_GEN_MEDIA_IN_USE:
	case OID_802_3_MAC_OPTIONS:
		v = 0;
		break;
	case OID_GEN_MAXIMUM_LOOKAHEAD:
	case OID_GEN_CURRENT_LOOKAHEAD:
	case OID_GEN_MAXIMUM_FRAME_SIZE:
		/* The bound the data path applies; Linux lowers its MTU to it
		 * (ref §4.5). */
		v = vs_frame_max(s->l3_mtu + 14, s->guest_mtu) - 14;
		break;
	case OID_GEN_LINK_SPEED:
		v = (uint32_t)RTE_MIN(s->link_speed / 100, (uint64_t)UINT32_MAX);
		break;
	case OID_GEN_TRANSMIT_BUFFER_SPACE:
	case OID_GEN_RECEIVE_BUFFER_SPACE:
		v = 256 * 1024;
		break;
	case OID_GEN_TRANSMIT_BLOCK_SIZE:
	case OID_GEN_RECEIVE_BLOCK_SIZE:
	case OID_GEN_MAXIMUM_TOTAL_SIZE:
		v = vs_frame_max(s->l3_mtu + 14, s->guest_mtu);
		break;
	case OID_GEN_VENDOR_ID:
		v = 0x155D;
		break;
	case OID_GEN_VENDOR_DESCRIPTION: {
		static const char d[] = "vswitch synthetic NIC";

		memcpy(out, d, sizeof(d));
		*outlen = sizeof(d);
		return RNDIS_SUCCESS;
	}
	case OID_GEN_CURRENT_PACKET_FILTER:
		v = s->filter;
		break;
	case OID_GEN_DRIVER_VERSION:
	case OID_GEN_VENDOR_DRIVER_VERSION:
		v = 0x0100;
		n = 2;
		break;
	case OID_GEN_MAC_OPTIONS:
		v = 0x01 | 0x04 | 0x08 | 0x40 | 0x200; /* 0x200: 802.1Q tagging */
		break;
	case OID_GEN_MEDIA_CONNECT_STATUS:
		v = s->link_up ? 0 : 1;
		break;
	case OID_GEN_MAXIMUM_SEND_PACKETS:
		v = VS_RX_MAX_PKTS;
		break;
	case OID_802_3_MAXIMUM_LIST_SIZE:
		v = VS_MAX_MC;
		break;
	case OID_GEN_RSS_CAPS: {
		/* The port's queues (Linux asks for subchannels only when
		 * there are ≥ 2); 128 table entries keep DPDK happy (ref
		 * §4.9). */
		uint32_t nq = s->max_queues ? s->max_queues : 1;
		struct ndis_rss_caps c = {{NDIS_OBJ_RSS_CAPS, 2, sizeof(c)}, 0x01 | 0x100 | 0x200 | 0x400,
					  nq, nq, NDIS_RSS_TABLE_MAX};

		memcpy(out, &c, sizeof(c));
		*outlen = sizeof(c);
		return RNDIS_SUCCESS;
	}
	case OID_GEN_FRIENDLY_NAME: {
		static const char name[] = "vswitch netvsc";
		uint32_t i;

		for (i = 0; i < sizeof(name); i++) { /* UTF-16LE, NUL included */
			out[2 * i] = (uint8_t)name[i];
			out[2 * i + 1] = 0;
		}
		*outlen = 2 * (uint32_t)sizeof(name);
		return RNDIS_SUCCESS;
	}
	case OID_802_3_PERMANENT_ADDRESS:
	case OID_802_3_CURRENT_ADDRESS:
		memcpy(out, oid == OID_802_3_PERMANENT_ADDRESS ? s->perm_mac : s->mac, 6);
		*outlen = 6;
		return RNDIS_SUCCESS;
	case OID_802_3_MULTICAST_LIST:
		memcpy(out, s->mc, s->n_mc * 6);
		*outlen = s->n_mc * 6;
		return RNDIS_SUCCESS;
	case OID_OFFLOAD_ENCAPSULATION: {
		/* type 0xA8 rev 1 size 28: IPv4 and IPv6 {enabled, 802.3, 14} */
		uint32_t e[7] = {0x001C01A8u, 1, NDIS_ENCAP_8023, 14, 1, NDIS_ENCAP_8023, 14};

		memcpy(out, e, sizeof(e));
		*outlen = sizeof(e);
		return RNDIS_SUCCESS;
	}
	case OID_TCP_OFFLOAD_HW_CAPS:
	case OID_TCP_OFFLOAD_CURRENT_CONFIG:
		*outlen = ndis_offload(s, in, inlen, out);
		return RNDIS_SUCCESS;
	default:
		return RNDIS_NOT_SUPPORTED;
	}
	memcpy(out, &v, n);
	*outlen = n;
	return RNDIS_SUCCESS;
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RNDIS config parameter (ref §4.10).  "NetworkAddress" (12 hex digits,
 * UTF-16LE) changes the MAC, as Linux does it; other names are accepted
 * and ignored (Windows offload knobs). */
static uint32_t
config_param(struct vs_oid_state *s, const uint8_t *in, uint32_t len, bool *bad)
{
	static const char key[] = "NetworkAddress";
	struct ndis_config_param p;
	uint8_t mac[6];

	if (len < sizeof(p))
		goto bad;
	memcpy(&p, in, sizeof(p));
	if ((uint64_t)p.name_off + p.name_len > len || (uint64_t)p.value_off + p.value_len > len ||
	    (p.name_len | p.value_len) & 1 || p.name_len > 510 || p.value_len > 510)
		goto bad;
	if (p.name_len != 2 * (sizeof(key) - 1))
		return RNDIS_SUCCESS;
	for (uint32_t i = 0; i < sizeof(key) - 1; i++)
		if (in[p.name_off + 2 * i] != (uint8_t)key[i] || in[p.name_off + 2 * i + 1] != 0)
			return RNDIS_SUCCESS;
	if (p.type != 2 || p.value_len < 24)
		goto bad;
	for (uint32_t i = 0; i < 12; i++) {
		int h = hexval(in[p.value_off + 2 * i]);

		if (h < 0 || in[p.value_off + 2 * i + 1] != 0)
			goto bad;
		mac[i / 2] = (uint8_t)((i & 1) ? (mac[i / 2] | h) : (h << 4));
	}
	if (mac[0] & 1)
		goto bad; /* a NIC's address is unicast */
	memcpy(s->mac, mac, 6);
	return RNDIS_SUCCESS;
bad:
	*bad = true;
	return RNDIS_INVALID_DATA;
}

static uint32_t
rss_params(struct vs_oid_state *s, const uint8_t *in, uint32_t len, bool *bad)
{
	struct ndis_rss_params p;
	uint32_t nq = s->n_queues ? s->n_queues : 1, n;
	bool keep_hash, keep_tbl, keep_key;

	if (len < sizeof(p))
		goto bad;
	memcpy(&p, in, sizeof(p));
	if (p.h.type != NDIS_OBJ_RSS_PARAMS)
		goto bad;
	/* Disabled by the flag, or by no hash function and no type (NDIS:
	 * hash information 0 turns hashing off). */
	if ((p.flags & NDIS_RSS_FLAG_DISABLE) ||
	    (!(p.flags & NDIS_RSS_FLAG_HASH_UNCHANGED) && p.hash_info == 0)) {
		s->rss_on = false;
		return RNDIS_SUCCESS;
	}
	n = p.table_size / 4u;
	keep_hash = p.flags & NDIS_RSS_FLAG_HASH_UNCHANGED;
	keep_tbl = p.flags & NDIS_RSS_FLAG_TABLE_UNCHANGED;
	keep_key = p.flags & NDIS_RSS_FLAG_KEY_UNCHANGED;

	/* Nothing to keep before a first full set. */
	if ((keep_hash || keep_tbl || keep_key) && s->rss_n == 0)
		goto bad;
	if (!keep_hash && ((p.hash_info & NDIS_HASH_FUNC_MASK) != NDIS_HASH_FUNC_TOEPLITZ ||
			   (p.hash_info & ~(NDIS_HASH_FUNC_MASK | NDIS_HASH_TYPES)) != 0 ||
			   (p.hash_info & NDIS_HASH_TYPES) == 0))
		goto bad;
	if (!keep_key && (p.key_size != NDIS_RSS_KEY_LEN || (uint64_t)p.key_off + p.key_size > len))
		goto bad;
	if (!keep_tbl) {
		if (p.table_size % 4 != 0 || n == 0 || n > NDIS_RSS_TABLE_MAX || (n & (n - 1)) != 0 ||
		    (uint64_t)p.table_off + p.table_size > len)
			goto bad;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t e;

			memcpy(&e, in + p.table_off + 4 * i, 4);
			if (e >= nq)
				goto bad;
		}
	}
	/* Validated whole before anything changes. */
	if (!keep_hash)
		s->rss_hash = p.hash_info;
	if (!keep_key)
		memcpy(s->rss_key, in + p.key_off, NDIS_RSS_KEY_LEN);
	if (!keep_tbl) {
		for (uint32_t i = 0; i < n; i++) {
			uint32_t e;

			memcpy(&e, in + p.table_off + 4 * i, 4);
			s->rss_tbl[i] = (uint8_t)e;
		}
		s->rss_n = n;
	}
	s->rss_on = true;
	return RNDIS_SUCCESS;
bad:
	*bad = true;
	return RNDIS_INVALID_DATA;
}

uint32_t
vs_oid_set(struct vs_oid_state *s, uint32_t oid, const uint8_t *in, uint32_t inlen, bool *bad)
{
	*bad = false;
	switch (oid) {
	case OID_GEN_CURRENT_PACKET_FILTER:
		if (inlen < 4)
			break;
		memcpy(&s->filter, in, 4);
		return RNDIS_SUCCESS;
	case OID_802_3_MULTICAST_LIST:
		if (inlen % 6 != 0 || inlen / 6 > VS_MAX_MC) {
			*bad = true;
			return RNDIS_INVALID_LENGTH;
		}
		memcpy(s->mc, in, inlen);
		s->n_mc = inlen / 6;
		return RNDIS_SUCCESS;
	case OID_TCP_OFFLOAD_PARAMETERS: {
		struct ndis_obj_hdr h;

		if (inlen < 20)
			break;
		memcpy(&h, in, sizeof(h));
		/* Validate by size, not revision: Linux labels size 22 as
		 * revision 3 (ref §4.7). */
		if (h.type != NDIS_OBJ_DEFAULT || h.size < 20 || h.size > inlen)
			break;
		memset(&s->offload, 0, sizeof(s->offload));
		memcpy(&s->offload, in, RTE_MIN((uint32_t)h.size, (uint32_t)sizeof(s->offload)));
		/* RSC (size ≥ 24: revision 3): 0 keeps the setting, 1 off, 2
		 * on; shorter objects keep it too. */
		if (h.size < offsetof(struct ndis_offload_params, rsc_ip6) + 1)
			return RNDIS_SUCCESS;
		if (s->offload.rsc_ip4 > NDIS_RSC_ON || s->offload.rsc_ip6 > NDIS_RSC_ON)
			break;
		if (s->offload.rsc_ip4 != NDIS_RSC_NO_CHANGE)
			s->rsc4_on = s->offload.rsc_ip4 == NDIS_RSC_ON;
		if (s->offload.rsc_ip6 != NDIS_RSC_NO_CHANGE)
			s->rsc6_on = s->offload.rsc_ip6 == NDIS_RSC_ON;
		return RNDIS_SUCCESS;
	}
	case OID_GEN_RSS_PARAMS:
		return rss_params(s, in, inlen, bad);
	case OID_GEN_RNDIS_CONFIG_PARAMETER:
		return config_param(s, in, inlen, bad);
	default:
		return RNDIS_NOT_SUPPORTED;
	}
	*bad = true;
	return RNDIS_INVALID_DATA;
}
