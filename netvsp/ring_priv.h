/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One VMBus ring (ref §1): a 4 KiB control page and a data area, shared with
 * a peer process that is not trusted.  The same code is used from both ends:
 * the host reads the guest→host ring and writes the host→guest ring, the
 * guest simulator does the opposite.
 *
 * Each end keeps its own cursor in private memory (wr for a producer, rd for
 * a consumer) and only publishes it to the control page; it never reloads
 * its own index from shared memory, which the peer could have scribbled on.
 * The peer's index is re-validated on every load (< data size, multiple of 8;
 * ref §6.1).
 *
 * A ring has exactly one producer and one consumer at a time; callers that
 * share an end between threads serialise it themselves (channel.c says how).
 *
 * Memory ordering, producer (ref §1.5):
 *   copy packet → full fence → store write_index (release) → full fence →
 *   load interrupt_mask and read_index; signal iff mask == 0 and the ring
 *   was empty before this write.
 * Consumer (ref §1.6):
 *   load write_index (acquire) → copy the packet out once → ... → store
 *   read_index (release) → full fence → load pending_send_sz, write_index;
 *   signal iff the producer asked (feature bit 0, pending_send_sz ≠ 0) and
 *   this batch moved free space across its threshold.
 */
#ifndef VS_NETVSP_RING_PRIV_H
#define VS_NETVSP_RING_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "proto_priv.h"

struct vs_ring {
	struct vmbus_ring_ctl *ctl;
	uint8_t *data;
	uint32_t dsize; /* data area bytes, multiple of 4096 */
	uint32_t wr;    /* producer: where the next packet goes */
	uint32_t rd;    /* consumer: next unread byte */
	uint32_t rd_pub; /* consumer: last read_index published */
};

/* Why vs_ring_peek found the ring corrupt: what the host logs when it
 * stops the channel (bad_val, bad_lim as noted). */
enum vs_ring_bad {
	VS_RING_BAD_NONE,
	VS_RING_BAD_WIDX_RANGE, /* write index (val) not below the data size (lim) */
	VS_RING_BAD_WIDX_ALIGN, /* write index (val) not a multiple of 8 */
	VS_RING_BAD_SHORT,      /* bytes written (val) fewer than a descriptor + trailer */
	VS_RING_BAD_OFFSET,     /* data offset (val) below 2 or above the length (lim), in 8s */
	VS_RING_BAD_LEN,        /* packet length (val) past the bytes written (lim) */
};

/* A packet read from the ring, copied into the caller's buffer. */
struct vs_ring_pkt {
	struct vmbus_desc d; /* private copy, validated */
	uint32_t len;        /* len8 * 8: descriptor + extension + payload */
	const uint8_t *buf;  /* the whole packet (NULL if it did not fit) */
	uint32_t bad;        /* -EBADMSG only: enum vs_ring_bad */
	uint32_t bad_val, bad_lim;
};

/* Largest packet either end writes or accepts: a transfer-page packet with
 * the 562 ranges Linux can take (ref §2.3) fits, as does a GPA-direct packet
 * of 64 KiB of scattered pages. */
#define VS_RING_MAX_PKT 8192u

/* base: the control page; size: control page + data area.  Takes the
 * cursors from the indices in the control page. */
void vs_ring_attach(struct vs_ring *r, void *base, uint32_t size);
void vs_ring_resync(struct vs_ring *r);
/* Zeroes the indices (the opening end, like Linux's hv_ringbuffer_init). */
void vs_ring_init_ctl(struct vs_ring *r, uint32_t feature_bits);

/* Producer.  Writes one packet: a descriptor built from type/flags/tid, ext
 * (the extension after the descriptor, ext_len a multiple of 8) and the
 * payload, zero padding to 8 and the trailer.  0, -EAGAIN when the ring has
 * no room, -EBADMSG when the peer's read_index is invalid, -EINVAL when the
 * packet is malformed or larger than VS_RING_MAX_PKT.  *signal (may be NULL)
 * says whether the consumer must be signalled. */
int vs_ring_send(struct vs_ring *r, uint16_t type, uint16_t flags, uint64_t tid, const void *ext,
		 uint32_t ext_len, const void *payload, uint32_t plen, bool *signal);
/* Bytes a packet with this extension and payload takes on the ring. */
static inline uint32_t
vs_ring_pkt_bytes(uint32_t ext_len, uint32_t plen)
{
	return ((16 + ext_len + plen + 7) & ~7u) + 8;
}
/* Would a packet of ring bytes `bytes` fit now? */
bool vs_ring_has_room(const struct vs_ring *r, uint32_t bytes);

/* Consumer.  Reads the next packet into buf (buflen ≥ 16).  0 with *p filled;
 * -EAGAIN when empty; -EMSGSIZE when the packet is valid but larger than
 * buflen (p->d and p->len set, p->buf NULL: the caller may skip it);
 * -EBADMSG when the indices or the descriptor are corrupt (the ring is
 * unusable; the caller stops the channel). */
int vs_ring_peek(struct vs_ring *r, void *buf, uint32_t buflen, struct vs_ring_pkt *p);
void vs_ring_skip(struct vs_ring *r, const struct vs_ring_pkt *p);
/* Publishes the read cursor; true if the producer must be signalled. */
bool vs_ring_commit_read(struct vs_ring *r);
/* Consumer side of interrupt masking (ref §1.6): set mask = 1 while polling. */
void vs_ring_set_mask(struct vs_ring *r, uint32_t mask);
/* Producer side of flow control (ref §1.7), for a producer that found no
 * room for a packet of `bytes` ring bytes (vs_ring_pkt_bytes) and wants to
 * sleep: asks to be signalled when it fits (pending_send_sz = bytes + 8,
 * since a packet must leave the ring not full), then re-checks, as the
 * consumer may have freed the room before it saw the request.  True: it
 * fits now, the request is withdrawn; false: sleep until signalled, then
 * withdraw it with bytes = 0 (which returns true). */
bool vs_ring_want_room(struct vs_ring *r, uint32_t bytes);

#endif
