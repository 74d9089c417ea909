/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * offload — what a frame asks for against what an egress port can do.
 *
 * A frame inside the switch may carry transmit offload requests in its mbuf
 * metadata (a guest's checksum or large-send per-packet info becomes them,
 * netvsp/rx_rndis.c): RTE_MBUF_F_TX_IP_CKSUM, RTE_MBUF_F_TX_TCP_CKSUM /
 * _UDP_CKSUM, RTE_MBUF_F_TX_TCP_SEG with tso_segsz.  Before such a frame
 * leaves a port, vs_offload_tx_burst makes it right for that port:
 *
 *   - what the port can do is left to it: the request stays and l2_len,
 *     l3_len, l4_len are set from the frame as it is now (802.1Q tags,
 *     IPv4 options and IPv6 extension headers included; a tag the device
 *     inserts is not in l2_len), whatever they said on arrival;
 *   - what it cannot do is done here: IPv4 header and TCP/UDP checksums
 *     with rte_ip's helpers, TCP segmentation with rte_gso (TCP/IPv4) or
 *     with this module's own splitter (TCP/IPv6: DPDK 22.11's rte_gso has
 *     none), each segment checksummed, then the request is cleared.
 *
 * Never a wrong checksum: a request the frame cannot honour correctly —
 * headers that do not parse or whose lengths lie, an L4 request on a
 * protocol without a checksum field we know, an IPv4 source route or IPv6
 * routing header with segments left (the pseudo-header would need the final
 * destination), an MSS so small the frame would become too many segments —
 * drops the frame, counted by reason.  IP fragments never get an L4
 * checksum: the request is ignored and the fragment sent as it is (its IPv4
 * header checksum still computed if asked).
 *
 * Segments: IPv4 ids increment from the superframe's, sequence numbers
 * follow the payload, FIN and PSH only on the last segment, CWR only on the
 * first (as Linux's GSO does), IPv4 total length / IPv6 payload length per
 * segment.  A segment is a direct mbuf holding a copy of the headers,
 * chained to indirect mbufs that point into the superframe's buffers: the
 * superframe's data is never written, so one superframe may be segmented
 * for some ports and passed whole to others.  A checksum written in
 * software into a frame that is shared (reference count above one, or
 * indirect) goes into a private copy of its headers made the same way.
 *
 * Threads: a context (struct vs_offload_ctx) belongs to one thread; its
 * counters have that single writer.  Pools are shared (rte_mempool).
 * Nothing here locks or logs; the only allocations are mbufs.
 */
#ifndef VS_OFFLOAD_H
#define VS_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_gso.h>

struct rte_mbuf;
struct rte_mempool;

/*
 * Transmit capabilities of a port, one bit each: what the port does itself
 * with a frame's request.  TSO4/TSO6 imply the checksums of the segments.
 * RSC4/RSC6: the port takes a TCP superframe whole, never segmented, and
 * its receiver trusts the checksums the sender left undone — a synthetic
 * NIC whose guest enabled receive segment coalescing (netvsp), to which
 * Hyper-V hands a sending VM's large send as one coalesced frame.  Unlike
 * TSO they say nothing of checksum requests on other frames.
 */
#define VS_OFFLOAD_CAPS(X)                                                      \
	X(IPV4_CKSUM, "ipv4-csum")   /* IPv4 header checksum */                  \
	X(TCP4_CKSUM, "tcp4-csum")   /* TCP checksum over IPv4 */                \
	X(UDP4_CKSUM, "udp4-csum")                                               \
	X(TCP6_CKSUM, "tcp6-csum")   /* TCP checksum over IPv6 */                \
	X(UDP6_CKSUM, "udp6-csum")                                               \
	X(TSO4, "tso4")              /* TCP segmentation, IPv4 */                \
	X(TSO6, "tso6")              /* TCP segmentation, IPv6 */                \
	X(VLAN_INSERT, "vlan-insert") /* 802.1Q tag inserted by the device */ \
	X(RSC4, "rsc4")              /* TCP/IPv4 superframes taken whole */     \
	X(RSC6, "rsc6")              /* TCP/IPv6 superframes taken whole */     \
	X(RX_CKSUM, "rx-csum")       /* receive: IPv4/TCP/UDP checksums checked, \
					each verdict in the mbuf's RX flags */

enum vs_offload_cap_bit {
#define VS_OFFLOAD_CAP_BIT(id, name) VS_OFFLOAD_BIT_##id,
	VS_OFFLOAD_CAPS(VS_OFFLOAD_CAP_BIT)
#undef VS_OFFLOAD_CAP_BIT
	VS_OFFLOAD_BIT_MAX
};

#define VS_OFFLOAD_IPV4_CKSUM (1u << VS_OFFLOAD_BIT_IPV4_CKSUM)
#define VS_OFFLOAD_TCP4_CKSUM (1u << VS_OFFLOAD_BIT_TCP4_CKSUM)
#define VS_OFFLOAD_UDP4_CKSUM (1u << VS_OFFLOAD_BIT_UDP4_CKSUM)
#define VS_OFFLOAD_TCP6_CKSUM (1u << VS_OFFLOAD_BIT_TCP6_CKSUM)
#define VS_OFFLOAD_UDP6_CKSUM (1u << VS_OFFLOAD_BIT_UDP6_CKSUM)
#define VS_OFFLOAD_TSO4 (1u << VS_OFFLOAD_BIT_TSO4)
#define VS_OFFLOAD_TSO6 (1u << VS_OFFLOAD_BIT_TSO6)
#define VS_OFFLOAD_VLAN_INSERT (1u << VS_OFFLOAD_BIT_VLAN_INSERT)
#define VS_OFFLOAD_RSC4 (1u << VS_OFFLOAD_BIT_RSC4)
#define VS_OFFLOAD_RSC6 (1u << VS_OFFLOAD_BIT_RSC6)
#define VS_OFFLOAD_RX_CKSUM (1u << VS_OFFLOAD_BIT_RX_CKSUM)

#define VS_OFFLOAD_CKSUM_ALL                                                    \
	(VS_OFFLOAD_IPV4_CKSUM | VS_OFFLOAD_TCP4_CKSUM | VS_OFFLOAD_UDP4_CKSUM |  \
	 VS_OFFLOAD_TCP6_CKSUM | VS_OFFLOAD_UDP6_CKSUM)
#define VS_OFFLOAD_TSO_ALL (VS_OFFLOAD_TSO4 | VS_OFFLOAD_TSO6)
#define VS_OFFLOAD_RSC_ALL (VS_OFFLOAD_RSC4 | VS_OFFLOAD_RSC6)
#define VS_OFFLOAD_ALL ((1u << VS_OFFLOAD_BIT_MAX) - 1)

/* The mbuf flags that ask for work; a frame without any needs nothing. */
#define VS_OFFLOAD_TX_REQUESTS                                                  \
	(RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG |  \
	 RTE_MBUF_F_TX_UDP_SEG)

/*
 * A port's offload settings, as the user gives them ("tx-csum=on,...").
 * Zeroed is the default: everything the port supports is used.
 */
struct vs_offload_settings {
	bool tx_csum_off; /* the port computes no checksum of frames it sends */
	bool rx_csum_off; /* the port's receive checksum validation is not used */
	bool tso_off;     /* the port segments nothing (TSO also needs tx-csum) */
};

/* "tx-csum=on,rx-csum=off,tso=on": keys given change *s, others stay.
 * -EINVAL with err naming the bad key or value. */
int vs_offload_settings_parse(const char *str, struct vs_offload_settings *s, char *err,
			      size_t errlen);
/* "tx-csum=on,rx-csum=on,tso=on" (always terminated). */
void vs_offload_settings_format(const struct vs_offload_settings *s, char *out, size_t len);

/* Capabilities of an ethdev from rte_eth_dev_info.tx_offload_capa, and
 * back: the tx offloads to enable on the device for caps. */
uint32_t vs_offload_caps_from_ethdev(uint64_t tx_offload_capa);
/* VS_OFFLOAD_RX_CKSUM when rx_offload_capa checks IPv4, TCP and UDP
 * checksums; the rx offloads to enable on the device for caps. */
uint32_t vs_offload_rx_caps_from_ethdev(uint64_t rx_offload_capa);
uint64_t vs_offload_rx_caps_to_ethdev(uint32_t caps);
uint64_t vs_offload_caps_to_ethdev(uint32_t caps);
/* What the port does once settings are applied: tx_csum off removes the
 * checksums, TSO and RSC (as ethtool does), tso off removes TSO and RSC,
 * rx_csum off removes RX_CKSUM (the verdicts are then ignored);
 * a TSO bit without the checksums it implies is dropped. */
uint32_t vs_offload_caps_effective(uint32_t dev_caps, const struct vs_offload_settings *s);
/* "ipv4-csum,tcp4-csum,..." or "none" (always terminated). */
void vs_offload_caps_format(uint32_t caps, char *out, size_t len);
const char *vs_offload_cap_name(enum vs_offload_cap_bit b);

/*
 * Counters of a context, written once: each yields an index and a name.
 * Refusals drop the frame; each is counted under one reason.
 */
#define VS_OFFLOAD_COUNTERS(X)                                                  \
	X(CSUM_SW, "csum_sw")               /* checksums computed in software  */ \
	X(SEG_SW, "segments_sw")            /* segments made in software */       \
	X(TSO_SW, "superframes_sw")         /* superframes segmented in software */ \
	X(HW, "passed_to_port")             /* requests left to the port */       \
	X(HEADER_COPY, "header_copies")     /* private headers for a shared frame */ \
	X(REFUSED_MALFORMED, "refused_malformed")     /* headers or lengths lie */ \
	X(REFUSED_PROTO, "refused_proto")   /* L4 request on no TCP/UDP header */ \
	X(REFUSED_ROUTED, "refused_routed") /* source route / routing header */   \
	X(REFUSED_MSS, "refused_mss")       /* MSS 0, or too many segments */     \
	X(REFUSED_NO_MBUF, "refused_no_mbuf") /* out of buffers */

enum vs_offload_counter {
#define VS_OFFLOAD_COUNTER_ENUM(id, name) VS_OFFLOAD_C_##id,
	VS_OFFLOAD_COUNTERS(VS_OFFLOAD_COUNTER_ENUM)
#undef VS_OFFLOAD_COUNTER_ENUM
	VS_OFFLOAD_C_MAX
};

const char *vs_offload_counter_name(enum vs_offload_counter c);
/* True for the counters that are refusals (dropped frames). */
bool vs_offload_counter_is_refusal(enum vs_offload_counter c);

struct vs_offload_stats {
	uint64_t c[VS_OFFLOAD_C_MAX];
};

/* Most segments one frame may become (bounds the work per frame). */
#define VS_OFFLOAD_MAX_SEGS 512u
/* Longest header (L2 + L3 + L4) segmentation copies into each segment. */
#define VS_OFFLOAD_MAX_HDR 256u

/* Per-thread state: rte_gso's context and a private copy pool. */
struct vs_offload_ctx {
	struct rte_gso_ctx gso;
	struct rte_mempool *copy_pool; /* whole-frame copies (headers split) */
	struct vs_offload_stats stats;
};

/*
 * Pools for segments and private headers, created once (at datapath
 * start): direct mbufs large enough for VS_OFFLOAD_MAX_HDR, and indirect
 * ones.  n: mbufs in each.  NULL and rte_errno on failure.
 */
struct rte_mempool *vs_offload_direct_pool_create(const char *name, unsigned int n,
						  int socket);
struct rte_mempool *vs_offload_indirect_pool_create(const char *name, unsigned int n,
						    int socket);
/* copy_pool: where a frame whose headers are split over segments is
 * copied to (the datapath's receive pool). */
void vs_offload_ctx_init(struct vs_offload_ctx *c, struct rte_mempool *direct,
			 struct rte_mempool *indirect, struct rte_mempool *copy_pool);

/*
 * The capabilities that can change what happens to m, from its requests:
 * ports whose caps agree on these bits get the same result, so a flooded
 * frame is worked on once per distinct (caps & vs_offload_relevant(m)).
 */
uint32_t vs_offload_relevant(const struct rte_mbuf *m);

/*
 * Fixes up pkts[0..n) for a port with capabilities caps.  Every input is
 * consumed (one reference): passed on (unchanged, or with its metadata
 * set), replaced by its segments or a private copy, or dropped and counted.
 * The frames to send go to out, in order; returns how many.  out must have
 * room for n * VS_OFFLOAD_MAX_SEGS frames unless the caller knows better:
 * a frame whose result would not fit is dropped (refused_mss).
 * *dropped (may be NULL) gets the number of inputs dropped.
 */
uint16_t vs_offload_tx_burst(struct vs_offload_ctx *c, uint32_t caps, struct rte_mbuf **pkts,
			     uint16_t n, struct rte_mbuf **out, uint16_t max_out,
			     uint16_t *dropped);

#endif
