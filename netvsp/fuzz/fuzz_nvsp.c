/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: the NVSP message checker at every negotiated version, and
 * the RNDIS control handler (which both guests reach through NVSP 107). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netvsp_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t v[] = {0, NVSP_V1, NVSP_V2, NVSP_V4, NVSP_V5, NVSP_V6, NVSP_V61};
	static uint8_t out[VS_CTL_MSG_MAX + 64];
	struct vs_oid_state s;
	uint32_t n;
	bool up;

	if (size > VS_CTL_MSG_MAX)
		return 0;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		(void)vs_nvsp_check(data, (uint32_t)size, v[i]);
	memset(&s, 0, sizeof(s));
	s.l3_mtu = 1500;
	up = size > 0 && (data[0] & 1);
	(void)vs_rndis_control(&s, &up, data, (uint32_t)size, out, sizeof(out), &n);
	if (n > sizeof(out))
		__builtin_trap();
	return 0;
}
