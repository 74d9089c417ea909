/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MAC pool (contract in vswitch.h): addresses are 48-bit numbers, the
 * first octet most significant, so a range is [min, max] and "next" is +1.
 *
 * A search starts where the last one ended and wraps once around the
 * range.  At most VS_MAX_PORTS addresses can be taken, so it looks at no
 * more than VS_MAX_PORTS + 1 candidates: a pool that large always has a
 * free one among them, a smaller one is exhausted when all of its
 * addresses are taken.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dp_priv.h"

static uint64_t
vs_mac_u64(const uint8_t m[6])
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < 6; i++)
		v = v << 8 | m[i];
	return v;
}

static void
vs_mac_of(uint64_t v, uint8_t m[6])
{
	int i;

	for (i = 5; i >= 0; i--, v >>= 8)
		m[i] = (uint8_t)v;
}

static void
vs_mac_fmt(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

int
vs_mac_pool_check(const uint8_t min[6], const uint8_t max[6], char *err, size_t errlen)
{
	char a[18], b[18];

	vs_mac_fmt(min, a);
	vs_mac_fmt(max, b);
	if (min[0] & 1) {
		snprintf(err, errlen, "min: %s is a group address", a);
		return -EINVAL;
	}
	if (max[0] & 1) {
		snprintf(err, errlen, "max: %s is a group address", b);
		return -EINVAL;
	}
	if (vs_mac_u64(min) > vs_mac_u64(max)) {
		snprintf(err, errlen, "max: %s is below min %s", b, a);
		return -EINVAL;
	}
	/* Between two first octets lies an odd one: group addresses. */
	if (min[0] != max[0]) {
		snprintf(err, errlen,
			 "max: %s - %s holds group addresses (first octets %02x to %02x): keep "
			 "min and max within one first octet",
			 a, b, min[0], max[0]);
		return -EINVAL;
	}
	if (vs_mac_u64(min) == 0) {
		snprintf(err, errlen, "min: the zero address cannot be a port's");
		return -EINVAL;
	}
	return 0;
}

void
vs_mac_pool_default(uint8_t min[6], uint8_t max[6])
{
	/* FNV-1a of the machine id (of the host name without one). */
	uint32_t h = 2166136261u;
	char id[128] = "";
	FILE *f = fopen("/etc/machine-id", "r");
	size_t i;

	if (f == NULL || fgets(id, sizeof(id), f) == NULL || id[0] == '\0' || id[0] == '\n') {
		FILE *hn = fopen("/proc/sys/kernel/hostname", "r");

		id[0] = '\0';
		if (hn != NULL) {
			if (fgets(id, sizeof(id), hn) == NULL)
				id[0] = '\0';
			fclose(hn);
		}
	}
	if (f != NULL)
		fclose(f);
	for (i = 0; id[i] != '\0' && id[i] != '\n'; i++)
		h = (h ^ (uint8_t)id[i]) * 16777619u;
	min[0] = max[0] = 0x00;
	min[1] = max[1] = 0x15;
	min[2] = max[2] = 0x5d;
	min[3] = max[3] = (uint8_t)(h >> 8);
	min[4] = max[4] = (uint8_t)h;
	min[5] = 0x00;
	max[5] = 0xff;
}

int
vs_dp_mac_pool_set(struct vs_dp *dp, const uint8_t min[6], const uint8_t max[6], char *err,
		   size_t errlen)
{
	int rc = vs_mac_pool_check(min, max, err, errlen);

	if (rc != 0)
		return rc;
	memcpy(dp->conf.mac_min, min, 6);
	memcpy(dp->conf.mac_max, max, 6);
	dp->mac_min = vs_mac_u64(min);
	dp->mac_max = vs_mac_u64(max);
	dp->mac_next = dp->mac_min;
	return 0;
}

int
vs_dp_mac_pool_init(struct vs_dp *dp, char *err, size_t errlen)
{
	static const uint8_t zero[6];
	uint8_t min[6], max[6];
	char why[160];
	int rc;

	memcpy(min, dp->conf.mac_min, 6);
	memcpy(max, dp->conf.mac_max, 6);
	if (memcmp(min, zero, 6) == 0 && memcmp(max, zero, 6) == 0)
		vs_mac_pool_default(min, max);
	rc = vs_dp_mac_pool_set(dp, min, max, why, sizeof(why));
	if (rc != 0)
		snprintf(err, errlen, "mac_pool.%s", why);
	return rc;
}

/* Taken by a port: configured on it, or its kernel interface's. */
static bool
vs_dp_mac_used(const struct vs_dp *dp, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < VS_MAX_PORTS; i++) {
		const struct vs_port *p = &dp->ports[i];

		if (!p->in_use)
			continue;
		if (p->conf.has_mac && vs_mac_u64(p->conf.mac) == v)
			return true;
		if (p->kl.known && !p->kl.gone && vs_mac_u64(p->kl.mac) == v)
			return true;
	}
	return false;
}

/* The next free address from the cursor on, or -ENOSPC. */
static int
vs_dp_mac_find(const struct vs_dp *dp, uint64_t *out)
{
	uint64_t size = dp->mac_max - dp->mac_min + 1, start, i;

	start = dp->mac_next >= dp->mac_min && dp->mac_next <= dp->mac_max
			? dp->mac_next - dp->mac_min
			: 0;
	for (i = 0; i < size && i <= VS_MAX_PORTS; i++) {
		uint64_t v = dp->mac_min + (start + i) % size;

		if (!vs_dp_mac_used(dp, v)) {
			*out = v;
			return 0;
		}
	}
	return -ENOSPC;
}

static int
vs_dp_mac_exhausted(const struct vs_dp *dp, const char *port, char *err, size_t errlen)
{
	char a[18], b[18];

	vs_mac_fmt(dp->conf.mac_min, a);
	vs_mac_fmt(dp->conf.mac_max, b);
	snprintf(err, errlen,
		 "port %s: mac: the MAC pool %s - %s is exhausted (all %llu addresses are in "
		 "use): widen it (mac_pool.set) or give the port a mac",
		 port, a, b, (unsigned long long)(dp->mac_max - dp->mac_min + 1));
	return -ENOSPC;
}

int
vs_dp_mac_check_free(const struct vs_dp *dp, const char *port, char *err, size_t errlen)
{
	uint64_t v;

	return vs_dp_mac_find(dp, &v) == 0 ? 0 : vs_dp_mac_exhausted(dp, port, err, errlen);
}

int
vs_dp_mac_alloc(struct vs_dp *dp, const char *port, uint8_t mac[6], char *err, size_t errlen)
{
	uint64_t v;

	if (vs_dp_mac_find(dp, &v) != 0)
		return vs_dp_mac_exhausted(dp, port, err, errlen);
	vs_mac_of(v, mac);
	dp->mac_next = v == dp->mac_max ? dp->mac_min : v + 1;
	return 0;
}

void
vs_dp_mac_pool_get(const struct vs_dp *dp, struct vs_mac_pool_info *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	memcpy(out->min, dp->conf.mac_min, 6);
	memcpy(out->max, dp->conf.mac_max, 6);
	out->size = dp->mac_max - dp->mac_min + 1;
	for (i = 0; i < VS_MAX_PORTS; i++) {
		const struct vs_port *p = &dp->ports[i];
		uint64_t v;

		if (!p->in_use || !p->conf.has_mac)
			continue;
		v = vs_mac_u64(p->conf.mac);
		out->used += v >= dp->mac_min && v <= dp->mac_max;
	}
	vs_mac_of(dp->mac_next, out->next);
}
