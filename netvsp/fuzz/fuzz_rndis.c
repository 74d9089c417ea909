/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: an RNDIS stream as the host walks it — message headers,
 * RNDIS_PACKET, and the PPI list — with the same private-copy limits the
 * receive path uses. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netvsp_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t off = 0, count = 0;

	if (size > VS_MAX_STREAM)
		return 0;
	while (off < size && count++ < VS_RX_MAX_PKTS) {
		uint32_t type, mlen, have = (uint32_t)size - off;
		struct vs_pktinfo pi;
		enum vs_netvsp_counter why;

		if (have > VS_HDR_ROOM + 512)
			have = VS_HDR_ROOM + 512;
		if (vs_rndis_msg_hdr(data + off, (uint32_t)size - off, &type, &mlen) != 0)
			break;
		if (type == RNDIS_PACKET &&
		    vs_rndis_packet_parse(data + off, have < mlen ? have : mlen, mlen, &pi, &why) == 0) {
			if ((uint64_t)pi.data_off + pi.data_len > mlen)
				__builtin_trap();
		}
		off += mlen;
	}
	{
		struct vs_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		(void)vs_rndis_ppi_walk(data, (uint32_t)size, &pi);
	}
	return 0;
}
