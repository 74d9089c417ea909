/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by offload_dp.c (requests, checksums) and offload_seg.c
 * (segmentation, private headers). */
#ifndef VS_OFFLOAD_PRIV_H
#define VS_OFFLOAD_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "offload.h"

/* A frame parsed as it will leave: its headers and what it asks for. */
struct vs_ol_frame {
	uint64_t flags;   /* the frame's ol_flags when it was parsed */
	uint16_t l2, l3, l4;
	uint16_t hdr;     /* l2 + l3 + l4 */
	uint16_t mss;
	uint8_t proto;    /* IPPROTO_TCP, IPPROTO_UDP, or 0 */
	bool v4;          /* else IPv6 */
	bool v6_ext;      /* IPv6 extension headers before L4 */
	bool frag;        /* an IP fragment */
	bool need_ip;     /* IPv4 header checksum wanted */
	bool need_l4;     /* TCP/UDP checksum wanted (never for a fragment) */
	bool seg;         /* TCP segmentation wanted */
};

/*
 * Copies of m's first hdr bytes (which lie in its first segment), each
 * followed by indirect mbufs for at most unit bytes of what comes after,
 * until the frame is used up (one copy when nothing follows).  m is left
 * untouched; every output carries m's metadata.  Returns the number of
 * frames in out, -E2BIG if more than max would be needed, -ENOMEM, or
 * -EINVAL if m's segments hold less than its pkt_len.
 */
int vs_ol_split(struct vs_offload_ctx *c, struct rte_mbuf *m, uint16_t hdr, uint32_t unit,
		struct rte_mbuf **out, uint16_t max);

/*
 * Segments f's superframe m (one reference, consumed on success) into out
 * and fixes every segment's IP and TCP headers; checksums are left to the
 * caller.  Returns the count, or a negative counter index (-1 - counter)
 * when it refuses, m then still the caller's.
 */
int vs_ol_segment(struct vs_offload_ctx *c, const struct vs_ol_frame *f, struct rte_mbuf *m,
		  struct rte_mbuf **out, uint16_t max);

#endif
