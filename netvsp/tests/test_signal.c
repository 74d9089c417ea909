/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ring's signalling rules with real sleeps: a writer thread and a
 * reader thread that block on eventfds instead of polling.
 *
 *   reader  drains the ring with interrupt_mask = 1; before sleeping it
 *           publishes its read index, clears the mask (full barrier) and
 *           looks again; it sleeps on data_fd only if the ring is still
 *           empty.  When its reads free the space the writer asked for
 *           (pending_send_sz crossed), it writes space_fd.
 *   writer  writes data_fd only when vs_ring_send says so (mask clear and
 *           the ring was empty before the packet); on a full ring it asks
 *           for a quarter of the ring (vs_ring_want_room) and sleeps on
 *           space_fd unless the room appeared meanwhile.
 *
 * Every sleep is bounded (SIGNAL_WAIT_MS): a wait that times out is a lost
 * wakeup, counted and asserted zero.  Sequence numbers and payloads check
 * loss and order.  Two runs: a busy reader (per-packet work, the writer
 * keeps the ring full) where signals must be far fewer than packets, and a
 * writer that pauses so that the reader sleeps thousands of times.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "ring_priv.h"
#include "test_priv.h"

#define SIGNAL_WAIT_MS 5000
#define SIGNAL_RING (65 * 4096) /* the channel's default ring: 256 KiB of data */

struct sig_run {
	uint32_t packets;
	uint32_t reader_work; /* busy loop iterations per packet */
	uint32_t writer_pause_every; /* 0: never; else sleep 100 µs every N */
	uint8_t *mem;
	int data_fd, space_fd;
	/* writer */
	struct vs_ring w;
	uint64_t data_signals, writer_requests, writer_sleeps, writer_timeouts;
	/* reader */
	uint64_t space_signals, reader_unmasks, reader_sleeps, reader_timeouts;
	uint64_t errors, received;
};

/* Waits for an eventfd; false if the wait timed out (a lost wakeup). */
static bool
sig_wait(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	uint64_t v;
	int rc;

	do
		rc = poll(&p, 1, SIGNAL_WAIT_MS);
	while (rc < 0 && errno == EINTR);
	if (rc <= 0)
		return false;
	return read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v);
}

static void
sig_post(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		abort(); /* an eventfd write only fails at 2^64 - 1 */
}

static void *
sig_writer(void *arg)
{
	struct sig_run *x = arg;
	uint8_t pl[64];

	for (uint32_t i = 0; i < x->packets; i++) {
		uint32_t len = 8 + (i % 7) * 8;
		bool sig;

		memcpy(pl, &i, 4);
		memset(pl + 4, (uint8_t)i, len - 4);
		while (vs_ring_send(&x->w, 6, 0, i, NULL, 0, pl, len, &sig) != 0) {
			/* A quarter of the ring, not one packet: woken, the
			 * writer has room for a batch. */
			x->writer_requests++;
			if (vs_ring_want_room(&x->w, x->w.dsize / 4))
				continue;
			x->writer_sleeps++;
			if (!sig_wait(x->space_fd))
				x->writer_timeouts++;
			vs_ring_want_room(&x->w, 0);
		}
		if (sig) {
			x->data_signals++;
			sig_post(x->data_fd);
		}
		if (x->writer_pause_every != 0 && i % x->writer_pause_every == 0)
			nanosleep(&(struct timespec){0, 100000}, NULL);
	}
	return NULL;
}

static void
sig_reader(struct sig_run *x)
{
	struct vs_ring r;
	struct vs_ring_pkt pkt;
	uint8_t buf[128];
	uint32_t next = 0;
	volatile uint32_t sink = 0;

	vs_ring_attach(&r, x->mem, SIGNAL_RING);
	vs_ring_set_mask(&r, 1);
	while (next < x->packets) {
		int rc, n = 0;

		while ((rc = vs_ring_peek(&r, buf, sizeof(buf), &pkt)) == 0) {
			uint32_t seq, len = 8 + (next % 7) * 8;

			memcpy(&seq, pkt.buf + 16, 4);
			if (seq != next || pkt.d.tid != next || pkt.len != 16 + len ||
			    pkt.buf[16 + len - 1] != (uint8_t)next)
				x->errors++;
			for (uint32_t k = 0; k < x->reader_work; k++)
				sink += k * seq;
			next++;
			vs_ring_skip(&r, &pkt);
			/* Publish in batches, as a NAPI poll would. */
			if (++n % 32 == 0 && vs_ring_commit_read(&r)) {
				x->space_signals++;
				sig_post(x->space_fd);
			}
		}
		if (rc != -EAGAIN) {
			x->errors++;
			break;
		}
		if (vs_ring_commit_read(&r)) {
			x->space_signals++;
			sig_post(x->space_fd);
		}
		if (next == x->packets)
			break;
		/* Ask for a signal, then look once more: a packet written
		 * before the writer could see the mask clear is found here. */
		vs_ring_set_mask(&r, 0);
		x->reader_unmasks++;
		if (vs_ring_peek(&r, buf, sizeof(buf), &pkt) != -EAGAIN) {
			vs_ring_set_mask(&r, 1);
			continue;
		}
		x->reader_sleeps++;
		if (!sig_wait(x->data_fd))
			x->reader_timeouts++;
		vs_ring_set_mask(&r, 1);
	}
	x->received = next;
}

static void
sig_run(struct sig_run *x)
{
	pthread_t t;

	x->mem = aligned_alloc(4096, SIGNAL_RING);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x->mem);
	memset(x->mem, 0, SIGNAL_RING);
	x->data_fd = eventfd(0, EFD_CLOEXEC);
	x->space_fd = eventfd(0, EFD_CLOEXEC);
	CU_ASSERT_FATAL(x->data_fd >= 0 && x->space_fd >= 0);
	vs_ring_attach(&x->w, x->mem, SIGNAL_RING);
	/* The opening end: pending_send_sz supported, as Linux sets it. */
	vs_ring_init_ctl(&x->w, VMBUS_FEAT_PENDING_SEND_SZ);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, sig_writer, x), 0);
	sig_reader(x);
	pthread_join(t, NULL);
	close(x->data_fd);
	close(x->space_fd);
	free(x->mem);
	CU_ASSERT_EQUAL(x->errors, 0);
	CU_ASSERT_EQUAL(x->received, x->packets);
	CU_ASSERT_EQUAL(x->reader_timeouts, 0);
	CU_ASSERT_EQUAL(x->writer_timeouts, 0);
	/* Every sleep ended with a signal, and no end signalled the other
	 * unless it asked: the reader by clearing its mask, the writer by
	 * setting pending_send_sz. */
	CU_ASSERT(x->writer_sleeps <= x->space_signals);
	CU_ASSERT(x->reader_sleeps <= x->data_signals);
	CU_ASSERT(x->data_signals <= x->reader_unmasks);
	CU_ASSERT(x->space_signals <= x->writer_requests);
}

static void
test_signal_busy_reader(void)
{
	struct sig_run x = {.packets = 4000000, .reader_work = 60};

	sig_run(&x);
	/* The writer keeps the ring full: it sleeps on space now and then,
	 * and the reader, never idle, is almost never signalled.  That needs
	 * the reader to be the slower thread, which ThreadSanitizer's
	 * instrumentation (heavier on the writer's ring code than on the
	 * reader's work loop) can reverse; that pass looks for races, and the
	 * other passes check the ratio. */
	CU_ASSERT(x.writer_sleeps > 0);
#ifndef __SANITIZE_THREAD__
	CU_ASSERT(x.data_signals + x.space_signals < x.packets / 100);
#endif
}

static void
test_signal_sleepy_reader(void)
{
	struct sig_run x = {.packets = 1000000, .writer_pause_every = 1000};

	sig_run(&x);
	/* The reader empties the ring during every pause and sleeps; each
	 * wake-up was a signal (checked in sig_run), none was lost. */
	CU_ASSERT(x.reader_sleeps >= 1000);
}

int
test_signal_register(void)
{
	CU_pSuite s = CU_add_suite("ring signalling over eventfds", NULL, NULL);

	return s == NULL ||
	       !CU_add_test(s, "busy reader: 4M packets, few signals", test_signal_busy_reader) ||
	       !CU_add_test(s, "pausing writer: 1M packets, the reader sleeps and wakes",
			    test_signal_sleepy_reader);
}
