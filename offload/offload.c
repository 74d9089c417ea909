/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Offload control side: settings, capabilities and their names, pools and
 * contexts.  Nothing here runs per packet.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "offload.h"

static const char *const cap_names[] = {
#define VS_OFFLOAD_CAP_NAME(id, name) [VS_OFFLOAD_BIT_##id] = name,
	VS_OFFLOAD_CAPS(VS_OFFLOAD_CAP_NAME)
#undef VS_OFFLOAD_CAP_NAME
};

static const char *const counter_names[] = {
#define VS_OFFLOAD_COUNTER_NAME(id, name) [VS_OFFLOAD_C_##id] = name,
	VS_OFFLOAD_COUNTERS(VS_OFFLOAD_COUNTER_NAME)
#undef VS_OFFLOAD_COUNTER_NAME
};

const char *
vs_offload_cap_name(enum vs_offload_cap_bit b)
{
	return (unsigned int)b < VS_OFFLOAD_BIT_MAX ? cap_names[b] : "?";
}

const char *
vs_offload_counter_name(enum vs_offload_counter c)
{
	return (unsigned int)c < VS_OFFLOAD_C_MAX ? counter_names[c] : "?";
}

bool
vs_offload_counter_is_refusal(enum vs_offload_counter c)
{
	return c >= VS_OFFLOAD_C_REFUSED_MALFORMED && c < VS_OFFLOAD_C_MAX;
}

int
vs_offload_settings_parse(const char *str, struct vs_offload_settings *s, char *err,
			  size_t errlen)
{
	struct vs_offload_settings n = *s;
	const char *p = str;

	if (*p == '\0') {
		snprintf(err, errlen, "offload: expected KEY=on|off[,...], got nothing");
		return -EINVAL;
	}
	while (*p != '\0') {
		size_t klen = strcspn(p, "=,"), vlen;
		const char *v;
		bool on, *field;

		if (p[klen] != '=') {
			snprintf(err, errlen, "offload: expected KEY=on|off at '%.32s'", p);
			return -EINVAL;
		}
		v = p + klen + 1;
		vlen = strcspn(v, ",");
		if (vlen == 2 && strncmp(v, "on", 2) == 0)
			on = true;
		else if (vlen == 3 && strncmp(v, "off", 3) == 0)
			on = false;
		else {
			snprintf(err, errlen, "offload: %.*s: expected on or off, got '%.*s'",
				 (int)klen, p, (int)(vlen > 32 ? 32 : vlen), v);
			return -EINVAL;
		}
		if (klen == 7 && strncmp(p, "tx-csum", 7) == 0)
			field = &n.tx_csum_off;
		else if (klen == 7 && strncmp(p, "rx-csum", 7) == 0)
			field = &n.rx_csum_off;
		else if (klen == 3 && strncmp(p, "tso", 3) == 0)
			field = &n.tso_off;
		else {
			snprintf(err, errlen,
				 "offload: unknown key '%.*s' (expected tx-csum, rx-csum or tso)",
				 (int)(klen > 32 ? 32 : klen), p);
			return -EINVAL;
		}
		*field = !on;
		p = v + vlen;
		if (*p == ',')
			p++;
	}
	*s = n;
	return 0;
}

void
vs_offload_settings_format(const struct vs_offload_settings *s, char *out, size_t len)
{
	snprintf(out, len, "tx-csum=%s,rx-csum=%s,tso=%s", s->tx_csum_off ? "off" : "on",
		 s->rx_csum_off ? "off" : "on", s->tso_off ? "off" : "on");
}

uint32_t
vs_offload_caps_from_ethdev(uint64_t capa)
{
	uint32_t c = 0;

	/* DPDK's TCP/UDP checksum and TSO flags cover both IP versions. */
	if (capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)
		c |= VS_OFFLOAD_IPV4_CKSUM;
	if (capa & RTE_ETH_TX_OFFLOAD_TCP_CKSUM)
		c |= VS_OFFLOAD_TCP4_CKSUM | VS_OFFLOAD_TCP6_CKSUM;
	if (capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM)
		c |= VS_OFFLOAD_UDP4_CKSUM | VS_OFFLOAD_UDP6_CKSUM;
	if (capa & RTE_ETH_TX_OFFLOAD_TCP_TSO)
		c |= VS_OFFLOAD_TSO4 | VS_OFFLOAD_TSO6;
	if (capa & RTE_ETH_TX_OFFLOAD_VLAN_INSERT)
		c |= VS_OFFLOAD_VLAN_INSERT;
	return c;
}

uint32_t
vs_offload_rx_caps_from_ethdev(uint64_t capa)
{
	const uint64_t all = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
			     RTE_ETH_RX_OFFLOAD_UDP_CKSUM;

	/* A partial checker would leave receivers guessing which verdicts
	 * exist; "unknown" is what they get from the other devices. */
	return (capa & all) == all ? VS_OFFLOAD_RX_CKSUM : 0;
}

uint64_t
vs_offload_rx_caps_to_ethdev(uint32_t caps)
{
	return caps & VS_OFFLOAD_RX_CKSUM ? RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
						    RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
						    RTE_ETH_RX_OFFLOAD_UDP_CKSUM
					  : 0;
}

uint64_t
vs_offload_caps_to_ethdev(uint32_t caps)
{
	uint64_t o = 0;

	if (caps & VS_OFFLOAD_IPV4_CKSUM)
		o |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	if (caps & (VS_OFFLOAD_TCP4_CKSUM | VS_OFFLOAD_TCP6_CKSUM))
		o |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	if (caps & (VS_OFFLOAD_UDP4_CKSUM | VS_OFFLOAD_UDP6_CKSUM))
		o |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	if (caps & VS_OFFLOAD_TSO_ALL)
		o |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	if (caps & VS_OFFLOAD_VLAN_INSERT)
		o |= RTE_ETH_TX_OFFLOAD_VLAN_INSERT;
	return o;
}

uint32_t
vs_offload_caps_effective(uint32_t dev, const struct vs_offload_settings *s)
{
	uint32_t c = dev;

	if (s->tx_csum_off)
		c &= ~(VS_OFFLOAD_CKSUM_ALL | VS_OFFLOAD_TSO_ALL | VS_OFFLOAD_RSC_ALL);
	if (s->tso_off)
		c &= ~(VS_OFFLOAD_TSO_ALL | VS_OFFLOAD_RSC_ALL);
	if (s->rx_csum_off)
		c &= ~VS_OFFLOAD_RX_CKSUM;
	/* A device that segments computes the segments' checksums; one that
	 * claims TSO without them is not trusted with it. */
	if ((c & (VS_OFFLOAD_IPV4_CKSUM | VS_OFFLOAD_TCP4_CKSUM)) !=
	    (VS_OFFLOAD_IPV4_CKSUM | VS_OFFLOAD_TCP4_CKSUM))
		c &= ~VS_OFFLOAD_TSO4;
	if (!(c & VS_OFFLOAD_TCP6_CKSUM))
		c &= ~VS_OFFLOAD_TSO6;
	return c;
}

void
vs_offload_caps_format(uint32_t caps, char *out, size_t len)
{
	size_t off = 0;
	unsigned int b;

	if (len == 0)
		return;
	out[0] = '\0';
	for (b = 0; b < VS_OFFLOAD_BIT_MAX; b++) {
		if (!(caps & (1u << b)))
			continue;
		off += (size_t)snprintf(out + off, off < len ? len - off : 0, "%s%s",
					off ? "," : "", cap_names[b]);
		if (off >= len)
			return;
	}
	if (off == 0)
		snprintf(out, len, "none");
}

struct rte_mempool *
vs_offload_direct_pool_create(const char *name, unsigned int n, int socket)
{
	return rte_pktmbuf_pool_create(name, n, 64, 0, RTE_PKTMBUF_HEADROOM + VS_OFFLOAD_MAX_HDR,
				       socket);
}

struct rte_mempool *
vs_offload_indirect_pool_create(const char *name, unsigned int n, int socket)
{
	/* Indirect mbufs point into other buffers: no data room of their own. */
	return rte_pktmbuf_pool_create(name, n, 64, 0, 0, socket);
}

void
vs_offload_ctx_init(struct vs_offload_ctx *c, struct rte_mempool *direct,
		    struct rte_mempool *indirect, struct rte_mempool *copy_pool)
{
	memset(c, 0, sizeof(*c));
	c->gso.direct_pool = direct;
	c->gso.indirect_pool = indirect;
	c->gso.gso_types = RTE_ETH_TX_OFFLOAD_TCP_TSO;
	c->gso.flag = 0; /* incrementing IPv4 ids */
	c->gso.gso_size = RTE_ETHER_MTU; /* set per frame */
	c->copy_pool = copy_pool;
}
