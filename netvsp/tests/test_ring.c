/* SPDX-License-Identifier: BSD-3-Clause */
/* The VMBus ring (ref §1): layout, wrap, full/empty, validation, the
 * signalling rules, and a producer and a consumer thread moving millions
 * of packets with no loss or reordering. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ring_priv.h"
#include "test_priv.h"

static uint8_t *
ring_mem(uint32_t size)
{
	uint8_t *m = aligned_alloc(4096, size);

	memset(m, 0, size);
	return m;
}

static void
test_layout(void)
{
	uint8_t *mem = ring_mem(4 * 4096);
	struct vs_ring p, c;
	struct vs_ring_pkt pkt;
	uint8_t buf[256], pl[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	uint64_t trailer;
	bool sig;

	vs_ring_attach(&p, mem, 4 * 4096);
	vs_ring_attach(&c, mem, 4 * 4096);
	CU_ASSERT_EQUAL(p.dsize, 3 * 4096);
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), -EAGAIN);
	CU_ASSERT_EQUAL(vs_ring_send(&p, 0x6, 1, 0x1122334455667788ull, NULL, 0, pl, 12, &sig), 0);
	CU_ASSERT(sig); /* empty → non-empty, mask 0 */
	/* descriptor: type 6, offset8 2, len8 4 (16 + 12 → 32), flags 1, tid */
	{
		const uint8_t want[16] = {6, 0, 2, 0, 4, 0, 1, 0, 0x88, 0x77, 0x66, 0x55,
					  0x44, 0x33, 0x22, 0x11};

		CU_ASSERT_EQUAL(memcmp(mem + 4096, want, 16), 0);
	}
	CU_ASSERT_EQUAL(memcmp(mem + 4096 + 16, pl, 12), 0);
	CU_ASSERT_EQUAL(memcmp(mem + 4096 + 28, "\0\0\0\0", 4), 0); /* padding */
	memcpy(&trailer, mem + 4096 + 32, 8);
	CU_ASSERT_EQUAL(trailer, 0); /* started at index 0: (0 << 32) */
	CU_ASSERT_EQUAL(*(uint32_t *)mem, 40);          /* write_index */
	CU_ASSERT_EQUAL(vs_ring_send(&p, 0x6, 0, 7, NULL, 0, pl, 8, &sig), 0);
	CU_ASSERT(!sig); /* not empty before */
	memcpy(&trailer, mem + 4096 + 40 + 24, 8);
	CU_ASSERT_EQUAL(trailer, 40ull << 32);
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), 0);
	CU_ASSERT_EQUAL(pkt.d.tid, 0x1122334455667788ull);
	CU_ASSERT_EQUAL(pkt.len, 32);
	CU_ASSERT_EQUAL(memcmp(pkt.buf + 16, pl, 12), 0);
	vs_ring_skip(&c, &pkt);
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), 0);
	CU_ASSERT_EQUAL(pkt.d.tid, 7);
	vs_ring_skip(&c, &pkt);
	CU_ASSERT_FALSE(vs_ring_commit_read(&c));
	CU_ASSERT_EQUAL(*(uint32_t *)(mem + 4), 72); /* read_index published */
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), -EAGAIN);
	/* interrupt_mask = 1: no signal */
	vs_ring_set_mask(&c, 1);
	CU_ASSERT_EQUAL(vs_ring_send(&p, 0x6, 0, 8, NULL, 0, pl, 8, &sig), 0);
	CU_ASSERT(!sig);
	free(mem);
}

static void
test_wrap_full(void)
{
	uint8_t *mem = ring_mem(2 * 4096);
	struct vs_ring p, c;
	struct vs_ring_pkt pkt;
	uint8_t buf[512], pl[200];
	uint32_t sent = 0, got = 0, full = 0;

	vs_ring_attach(&p, mem, 2 * 4096);
	vs_ring_attach(&c, mem, 2 * 4096);
	for (int round = 0; round < 2000; round++) {
		uint32_t len = 1 + (uint32_t)(round * 37) % 200;
		int rc;

		memset(pl, (uint8_t)sent, len);
		rc = vs_ring_send(&p, 0x6, 0, sent, NULL, 0, pl, len, NULL);
		if (rc == -EAGAIN) {
			full++;
			/* full: free space never reaches 0 (ref §1.3) */
			CU_ASSERT(*(uint32_t *)mem != *(uint32_t *)(mem + 4) ||
				  p.wr == c.rd);
			while (vs_ring_peek(&c, buf, sizeof(buf), &pkt) == 0) {
				CU_ASSERT_EQUAL(pkt.d.tid, got);
				CU_ASSERT_EQUAL(pkt.buf[16], (uint8_t)got);
				got++;
				vs_ring_skip(&c, &pkt);
			}
			vs_ring_commit_read(&c);
			continue;
		}
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		sent++;
	}
	while (vs_ring_peek(&c, buf, sizeof(buf), &pkt) == 0) {
		CU_ASSERT_EQUAL(pkt.d.tid, got);
		got++;
		vs_ring_skip(&c, &pkt);
	}
	CU_ASSERT_EQUAL(got, sent);
	CU_ASSERT(full > 10); /* the ring filled and wrapped many times */
	free(mem);
}

static void
test_validation(void)
{
	uint8_t *mem = ring_mem(2 * 4096);
	struct vs_ring p, c;
	struct vs_ring_pkt pkt;
	uint8_t buf[64], pl[8] = {0};
	uint32_t *w = (uint32_t *)mem, *r = (uint32_t *)(mem + 4);

	vs_ring_attach(&p, mem, 2 * 4096);
	vs_ring_attach(&c, mem, 2 * 4096);
	*w = 4; /* not 8-aligned */
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), -EBADMSG);
	*w = 4096; /* outside the data area */
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), -EBADMSG);
	*w = 8; /* less than a descriptor + trailer */
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), -EBADMSG);
	*w = 0;
	vs_ring_resync(&p);
	CU_ASSERT_EQUAL(vs_ring_send(&p, 6, 0, 1, NULL, 0, pl, 8, NULL), 0);
	mem[4096 + 2] = 1; /* offset8 < 2 */
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), -EBADMSG);
	mem[4096 + 2] = 2;
	mem[4096 + 4] = 9; /* len8 beyond what was written */
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), -EBADMSG);
	mem[4096 + 4] = 3;
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, 16, &pkt), -EMSGSIZE); /* caller buffer */
	CU_ASSERT_EQUAL(pkt.len, 24);
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), 0);
	/* producer: a peer's read index that is not valid */
	*r = 12;
	CU_ASSERT_EQUAL(vs_ring_send(&p, 6, 0, 1, NULL, 0, pl, 8, NULL), -EBADMSG);
	*r = 0;
	CU_ASSERT_EQUAL(vs_ring_send(&p, 6, 0, 1, NULL, 4, pl, 8, NULL), -EINVAL);
	free(mem);
}

static void
test_pending_send(void)
{
	uint8_t *mem = ring_mem(2 * 4096);
	struct vs_ring p, c;
	struct vs_ring_pkt pkt;
	uint8_t buf[2048], pl[1000] = {0};
	struct vmbus_ring_ctl *ctl = (struct vmbus_ring_ctl *)mem;

	vs_ring_attach(&p, mem, 2 * 4096);
	vs_ring_attach(&c, mem, 2 * 4096);
	vs_ring_init_ctl(&p, VMBUS_FEAT_PENDING_SEND_SZ);
	while (vs_ring_send(&p, 6, 0, 1, NULL, 0, pl, sizeof(pl), NULL) == 0)
		;
	/* blocked producer asks for 3000 bytes (low bits set: masked) */
	ctl->pending_send_sz = 3000 | 7;
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), 0);
	vs_ring_skip(&c, &pkt);
	CU_ASSERT_FALSE(vs_ring_commit_read(&c)); /* 2 KiB free: below */
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), 0);
	vs_ring_skip(&c, &pkt);
	CU_ASSERT_TRUE(vs_ring_commit_read(&c)); /* 3 KiB: crossed 3000 */
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), 0);
	vs_ring_skip(&c, &pkt);
	CU_ASSERT_FALSE(vs_ring_commit_read(&c)); /* already above */
	ctl->feature_bits = 0;
	free(mem);
}

#define N_CONCURRENT 1000000u

struct conc {
	struct vs_ring r;
	uint32_t errors;
};

static void *
producer(void *arg)
{
	struct conc *x = arg;
	uint8_t pl[64];

	for (uint32_t i = 0; i < N_CONCURRENT;) {
		uint32_t len = 8 + (i % 7) * 8;

		memcpy(pl, &i, 4);
		memset(pl + 4, (uint8_t)i, len - 4);
		if (vs_ring_send(&x->r, 6, 0, i, NULL, 0, pl, len, NULL) == 0)
			i++;
	}
	return NULL;
}

static void
test_concurrent(void)
{
	uint8_t *mem = ring_mem(17 * 4096);
	struct conc pr;
	struct vs_ring c;
	struct vs_ring_pkt pkt;
	uint8_t buf[128];
	pthread_t t;
	uint32_t next = 0, errors = 0, corrupt = 0;

	vs_ring_attach(&pr.r, mem, 17 * 4096);
	vs_ring_attach(&c, mem, 17 * 4096);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, producer, &pr), 0);
	while (next < N_CONCURRENT) {
		int n = 0, rc;

		while (n < 32 && (rc = vs_ring_peek(&c, buf, sizeof(buf), &pkt)) == 0) {
			uint32_t seq, len = 8 + (next % 7) * 8;

			memcpy(&seq, pkt.buf + 16, 4);
			if (seq != next || pkt.d.tid != next || pkt.len != 16 + len ||
			    pkt.buf[16 + len - 1] != (uint8_t)next)
				errors++;
			next++;
			n++;
			vs_ring_skip(&c, &pkt);
		}
		if (rc == -EBADMSG && corrupt++ == 0)
			break;
		vs_ring_commit_read(&c);
	}
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(corrupt, 0);
	CU_ASSERT_EQUAL(errors, 0);
	CU_ASSERT_EQUAL(vs_ring_peek(&c, buf, sizeof(buf), &pkt), -EAGAIN);
	free(mem);
}

int
test_ring_register(void)
{
	CU_pSuite s = CU_add_suite("vmbus ring", NULL, NULL);

	return s == NULL || !CU_add_test(s, "layout, trailer and signal rules", test_layout) ||
	       !CU_add_test(s, "wrap, full and empty", test_wrap_full) ||
	       !CU_add_test(s, "indices and descriptors validated", test_validation) ||
	       !CU_add_test(s, "pending_send_sz", test_pending_send) ||
	       !CU_add_test(s, "two threads, 1M packets", test_concurrent);
}
