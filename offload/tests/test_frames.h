/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test frames for the offload tests: a builder of IPv4/IPv6 TCP/UDP frames
 * (802.1Q tags, IPv4 options, IPv6 extension headers, chained mbufs), and
 * an independent checker — its own parser and an RFC 1071 one's-complement
 * sum over a pseudo-header it builds itself, sharing no code with DPDK's
 * checksum helpers or the module under test.
 */
#ifndef VS_TEST_FRAMES_H
#define VS_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rte_mbuf;
struct rte_mempool;

#define TF_TCP 6
#define TF_UDP 17
#define TF_ICMP 1
#define TF_FIN 0x01
#define TF_PSH 0x08
#define TF_ACK 0x10
#define TF_CWR 0x80

struct tf_spec {
	bool v6;
	uint8_t proto;        /* TF_TCP, TF_UDP or anything else (no L4 header) */
	uint16_t vlan;        /* 802.1Q TCI; 0: untagged */
	uint8_t v4_opt_len;   /* IPv4 options, a multiple of 4 (NOPs, then a
				 timestamp option when >= 8) */
	bool v4_lsrr;         /* IPv4: a loose source route option instead */
	uint8_t v6_ext;       /* IPv6: hop-by-hop and destination options headers */
	int v6_routing_left;  /* IPv6: a routing header with this many segments
				 left; < 0: none */
	bool frag;            /* an IP fragment (first, more to follow) */
	uint32_t payload;     /* L4 payload bytes (a pattern) */
	uint8_t tcp_flags;    /* TCP: default ACK */
	uint8_t tcp_opt_len;  /* TCP options (NOPs), a multiple of 4 */
	uint32_t seq;
	uint16_t ip_id;
	uint16_t seg_size;    /* bytes per mbuf segment; 0: one segment if it fits */
	bool zero_iplen;      /* IP length field 0 (an LSO placeholder) */
};

/* The frame's bytes into buf (at least 14+4+60+40+64+payload); checksum
 * fields hold garbage, as a guest asking for offload leaves them.
 * Returns its length. */
uint32_t tf_build(const struct tf_spec *s, uint8_t *buf);
/* The same bytes in an mbuf chain from mp. */
struct rte_mbuf *tf_mbuf(struct rte_mempool *mp, const struct tf_spec *s);
struct rte_mbuf *tf_mbuf_bytes(struct rte_mempool *mp, const uint8_t *b, uint32_t len,
			       uint16_t seg_size);
/* m's bytes into buf (malloc'd, freed by the caller); its length. */
uint32_t tf_flatten(const struct rte_mbuf *m, uint8_t **buf);

/* What the independent parser found in a frame. */
struct tf_view {
	bool ok;           /* parsed as IPv4/IPv6 with a TCP or UDP header */
	bool v6;
	uint16_t l2, l3, l4;
	uint8_t proto;
	uint32_t ip_len;   /* IPv4 total length; IPv6 payload length */
	uint16_t ip_id;
	uint32_t seq;
	uint8_t tcp_flags;
	uint32_t payload_off, payload_len; /* L4 payload in the frame */
	bool ip_csum_ok;   /* IPv4 header sums to 0xffff; always for IPv6 */
	bool l4_csum_ok;   /* pseudo-header + L4 sums to 0xffff (UDP: and not 0) */
	uint16_t vlan;     /* outer 802.1Q TCI, 0 if none */
};

void tf_view(const uint8_t *f, uint32_t len, struct tf_view *v);
/* RFC 1071 over a buffer, added to acc (not folded). */
uint32_t tf_sum(const uint8_t *p, size_t n, uint32_t acc);
uint16_t tf_fold(uint32_t acc);

/* CUnit assertions on segments outs[0..n) of superframe want (built from
 * s, cut at mss): count, lengths, sequence numbers, IPv4 ids, FIN/PSH only
 * on the last and CWR only on the first, the tag, the headers, both
 * checksums (when sw_csum) and the payload, byte for byte. */
void tf_check_segments(const struct tf_spec *s, const uint8_t *want, struct rte_mbuf *const *outs,
		       uint16_t n, uint16_t mss, bool sw_csum);

#endif
