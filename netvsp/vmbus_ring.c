/* SPDX-License-Identifier: BSD-3-Clause */
/* VMBus ring buffer, both ends (ref §1).  See ring_priv.h for the contract. */
#include <errno.h>
#include <string.h>

#include "ring_priv.h"

#define LOAD_ACQ(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LOAD_RLX(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE_REL(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define FENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)

void
vs_ring_attach(struct vs_ring *r, void *base, uint32_t size)
{
	r->ctl = base;
	r->data = (uint8_t *)base + VS_PAGE;
	r->dsize = size - VS_PAGE;
	vs_ring_resync(r);
}

/* An index from shared memory is usable only if it is inside the data area
 * and 8-aligned (ref §1.3, §6.1). */
static inline bool
idx_ok(const struct vs_ring *r, uint32_t i)
{
	return i < r->dsize && (i & 7) == 0;
}

void
vs_ring_resync(struct vs_ring *r)
{
	uint32_t w = LOAD_ACQ(&r->ctl->write_index), rd = LOAD_ACQ(&r->ctl->read_index);

	r->wr = idx_ok(r, w) ? w : 0;
	r->rd = r->rd_pub = idx_ok(r, rd) ? rd : 0;
}

void
vs_ring_init_ctl(struct vs_ring *r, uint32_t feature_bits)
{
	STORE_REL(&r->ctl->write_index, 0);
	STORE_REL(&r->ctl->read_index, 0);
	STORE_REL(&r->ctl->pending_send_sz, 0);
	STORE_REL(&r->ctl->feature_bits, feature_bits);
	r->wr = r->rd = r->rd_pub = 0;
}

static inline uint32_t
used_bytes(const struct vs_ring *r, uint32_t w, uint32_t rd)
{
	return w >= rd ? w - rd : r->dsize - rd + w;
}

static void
copy_to(struct vs_ring *r, uint32_t off, const void *src, uint32_t len)
{
	uint32_t first = r->dsize - off;

	if (len <= first) {
		memcpy(r->data + off, src, len);
	} else {
		memcpy(r->data + off, src, first);
		memcpy(r->data, (const uint8_t *)src + first, len - first);
	}
}

static void
copy_from(const struct vs_ring *r, uint32_t off, void *dst, uint32_t len)
{
	uint32_t first = r->dsize - off;

	if (len <= first) {
		memcpy(dst, r->data + off, len);
	} else {
		memcpy(dst, r->data + off, first);
		memcpy((uint8_t *)dst + first, r->data, len - first);
	}
}

static inline uint32_t
idx_add(const struct vs_ring *r, uint32_t i, uint32_t n)
{
	i += n;
	return i >= r->dsize ? i - r->dsize : i;
}

bool
vs_ring_has_room(const struct vs_ring *r, uint32_t bytes)
{
	uint32_t rd = LOAD_ACQ(&r->ctl->read_index);

	if (!idx_ok(r, rd))
		return false;
	/* Never fill the ring completely: full would look empty (ref §1.3). */
	return r->dsize - used_bytes(r, r->wr, rd) > bytes;
}

int
vs_ring_send(struct vs_ring *r, uint16_t type, uint16_t flags, uint64_t tid, const void *ext,
	     uint32_t ext_len, const void *payload, uint32_t plen, bool *signal)
{
	static const uint8_t zero[8];
	struct vmbus_desc d;
	uint32_t rd, start = r->wr, len, total, off;
	uint64_t trailer;

	if (signal != NULL)
		*signal = false;
	if ((ext_len & 7) != 0 || ext_len > VS_RING_MAX_PKT || plen > VS_RING_MAX_PKT)
		return -EINVAL;
	total = vs_ring_pkt_bytes(ext_len, plen);
	if (total > VS_RING_MAX_PKT + 8 || total >= r->dsize)
		return -EINVAL;
	rd = LOAD_ACQ(&r->ctl->read_index);
	if (!idx_ok(r, rd))
		return -EBADMSG;
	if (r->dsize - used_bytes(r, start, rd) <= total)
		return -EAGAIN;

	len = total - 8;
	d.type = type;
	d.offset8 = (uint16_t)((16 + ext_len) / 8);
	d.len8 = (uint16_t)(len / 8);
	d.flags = flags;
	d.tid = tid;
	off = start;
	copy_to(r, off, &d, sizeof(d));
	off = idx_add(r, off, sizeof(d));
	if (ext_len > 0) {
		copy_to(r, off, ext, ext_len);
		off = idx_add(r, off, ext_len);
	}
	if (plen > 0) {
		copy_to(r, off, payload, plen);
		off = idx_add(r, off, plen);
	}
	if (len - 16 - ext_len - plen > 0) {
		copy_to(r, off, zero, len - 16 - ext_len - plen);
		off = idx_add(r, off, len - 16 - ext_len - plen);
	}
	/* Trailer: the start index in the high half (ref §1.4). */
	trailer = (uint64_t)start << 32;
	copy_to(r, off, &trailer, 8);
	r->wr = idx_add(r, start, total);

	/* The packet bytes must be visible before the index that covers them,
	 * and the index before we look at the consumer's mask (ref §1.5): a
	 * consumer that clears its mask then re-checks for data must either see
	 * our index or be seen by our mask load. */
	FENCE();
	STORE_REL(&r->ctl->write_index, r->wr);
	FENCE();
	if (signal != NULL && LOAD_RLX(&r->ctl->interrupt_mask) == 0 &&
	    LOAD_RLX(&r->ctl->read_index) == start)
		*signal = true;
	return 0;
}

/* The reader stops the channel on these; the why is kept for its log. */
static int
ring_bad(struct vs_ring_pkt *p, enum vs_ring_bad why, uint32_t val, uint32_t lim)
{
	p->bad = why;
	p->bad_val = val;
	p->bad_lim = lim;
	return -EBADMSG;
}

int
vs_ring_peek(struct vs_ring *r, void *buf, uint32_t buflen, struct vs_ring_pkt *p)
{
	uint32_t w = LOAD_ACQ(&r->ctl->write_index), avail, len;

	if (!idx_ok(r, w))
		return ring_bad(p, w >= r->dsize ? VS_RING_BAD_WIDX_RANGE : VS_RING_BAD_WIDX_ALIGN,
				w, r->dsize);
	if (w == r->rd)
		return -EAGAIN;
	avail = used_bytes(r, w, r->rd);
	if (avail < sizeof(p->d) + 8)
		return ring_bad(p, VS_RING_BAD_SHORT, avail, sizeof(p->d) + 8);
	/* The descriptor is read once into private memory; everything after
	 * is decided on this copy (ref §1.6 step 2). */
	copy_from(r, r->rd, &p->d, sizeof(p->d));
	len = (uint32_t)p->d.len8 * 8;
	if (p->d.offset8 < 2 || p->d.len8 < p->d.offset8)
		return ring_bad(p, VS_RING_BAD_OFFSET, p->d.offset8, p->d.len8);
	if (len + 8 > avail)
		return ring_bad(p, VS_RING_BAD_LEN, len, avail - 8);
	p->len = len;
	p->buf = NULL;
	if (len > buflen)
		return -EMSGSIZE;
	copy_from(r, r->rd, buf, len);
	/* Use the private descriptor, not the second copy in buf. */
	memcpy(buf, &p->d, sizeof(p->d));
	p->buf = buf;
	return 0;
}

void
vs_ring_skip(struct vs_ring *r, const struct vs_ring_pkt *p)
{
	r->rd = idx_add(r, r->rd, p->len + 8);
}

bool
vs_ring_commit_read(struct vs_ring *r)
{
	uint32_t old = r->rd_pub, pend, w, before, after;

	if (old == r->rd)
		return false;
	STORE_REL(&r->ctl->read_index, r->rd);
	r->rd_pub = r->rd;
	FENCE();
	if ((LOAD_RLX(&r->ctl->feature_bits) & VMBUS_FEAT_PENDING_SEND_SZ) == 0)
		return false;
	/* Some peers store ring_size - 1: mask the low bits (ref §1.6). */
	pend = LOAD_RLX(&r->ctl->pending_send_sz) & ~7u;
	w = LOAD_RLX(&r->ctl->write_index);
	if (pend == 0 || pend > r->dsize || !idx_ok(r, w))
		return false;
	before = r->dsize - used_bytes(r, w, old);
	after = r->dsize - used_bytes(r, w, r->rd);
	return before < pend && after >= pend;
}

void
vs_ring_set_mask(struct vs_ring *r, uint32_t mask)
{
	STORE_REL(&r->ctl->interrupt_mask, mask);
	FENCE();
}

bool
vs_ring_want_room(struct vs_ring *r, uint32_t bytes)
{
	if (bytes != 0) {
		/* A multiple of 8, as the consumer masks the low bits (ref
		 * §1.6); stored before the room is looked at again, so that
		 * the consumer either sees the request or we see the room. */
		STORE_REL(&r->ctl->pending_send_sz, ((bytes + 7) & ~7u) + 8);
		FENCE();
		if (!vs_ring_has_room(r, bytes))
			return false;
	}
	STORE_REL(&r->ctl->pending_send_sz, 0);
	return true;
}
