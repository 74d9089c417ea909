/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: the ring reader over a guest-controlled control page and data
 * area.  The input is the first bytes of the control page (indices) and
 * the data area; the reader must stop, never read outside the ring, and
 * only hand out packets whose lengths fit. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ring_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RING (3 * VS_PAGE)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *mem;
	static uint8_t buf[VS_RING_MAX_PKT];
	struct vs_ring r;
	struct vs_ring_pkt p;
	uint32_t start;

	if (mem == NULL)
		mem = aligned_alloc(VS_PAGE, RING);
	memset(mem, 0, RING);
	if (size < 8)
		return 0;
	memcpy(&start, data + 4, 4); /* the reader's starting cursor */
	memcpy(mem, data, 8);        /* write_index, read_index */
	memcpy(mem + VS_PAGE, data + 8, size - 8 < RING - VS_PAGE ? size - 8 : RING - VS_PAGE);
	vs_ring_attach(&r, mem, RING);
	for (int i = 0; i < 1000; i++) {
		int rc = vs_ring_peek(&r, buf, sizeof(buf), &p);

		if (rc == -EAGAIN || rc == -EBADMSG)
			break;
		if (p.len > r.dsize || (rc == 0 && p.buf == NULL))
			__builtin_trap();
		vs_ring_skip(&r, &p);
	}
	(void)vs_ring_commit_read(&r);
	(void)start;
	return 0;
}
