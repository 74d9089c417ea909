/* SPDX-License-Identifier: BSD-3-Clause */
/* VLAN policy set-up and its text forms (control path). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vlan.h"

void
vs_vlan_policy_untagged(struct vs_vlan_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = VS_VLAN_MODE_UNTAGGED;
}

static int
vs_vlan_check_pcp(uint8_t pcp, char *err, size_t errlen)
{
	if (pcp > 7) {
		snprintf(err, errlen, "vlan.pcp: %u is outside 0-7", pcp);
		return -EINVAL;
	}
	return 0;
}

int
vs_vlan_policy_access(struct vs_vlan_policy *p, uint16_t vid, uint8_t pcp, char *err,
		      size_t errlen)
{
	if (vid < 1 || vid > VS_VLAN_MAX) {
		snprintf(err, errlen, "vlan.vid: %u is outside 1-%d", vid, VS_VLAN_MAX);
		return -EINVAL;
	}
	if (vs_vlan_check_pcp(pcp, err, errlen) != 0)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->mode = VS_VLAN_MODE_ACCESS;
	p->access_vid = vid;
	p->default_pcp = pcp;
	return 0;
}

/* Parses one id of an allowed list; end receives where it stopped. */
static int
vs_vlan_parse_id(const char *s, const char **end, uint16_t *out, char *err, size_t errlen)
{
	char *e;
	long v;

	if (*s < '0' || *s > '9') {
		snprintf(err, errlen, "vlan.allowed: expected a VLAN id at '%.16s'", s);
		return -EINVAL;
	}
	v = strtol(s, &e, 10);
	if (v < 1 || v > VS_VLAN_MAX) {
		snprintf(err, errlen, "vlan.allowed: %ld is outside 1-%d", v, VS_VLAN_MAX);
		return -EINVAL;
	}
	*end = e;
	*out = (uint16_t)v;
	return 0;
}

int
vs_vlan_policy_trunk(struct vs_vlan_policy *p, const char *allowed, uint16_t native,
		     uint8_t pcp, char *err, size_t errlen)
{
	struct vs_vlan_policy t;
	const char *s = allowed;
	uint16_t lo, hi, v;

	memset(&t, 0, sizeof(t));
	t.mode = VS_VLAN_MODE_TRUNK;
	if (native > VS_VLAN_MAX) {
		snprintf(err, errlen, "vlan.native: %u is outside 1-%d (0: none)", native,
			 VS_VLAN_MAX);
		return -EINVAL;
	}
	if (vs_vlan_check_pcp(pcp, err, errlen) != 0)
		return -EINVAL;
	while (*s != '\0') {
		if (vs_vlan_parse_id(s, &s, &lo, err, errlen) != 0)
			return -EINVAL;
		hi = lo;
		if (*s == '-' && vs_vlan_parse_id(s + 1, &s, &hi, err, errlen) != 0)
			return -EINVAL;
		if (hi < lo) {
			snprintf(err, errlen, "vlan.allowed: range %u-%u is backwards", lo, hi);
			return -EINVAL;
		}
		for (v = lo; v <= hi; v++)
			t.allowed[v >> 6] |= 1ull << (v & 63);
		if (*s == ',')
			s++;
		else if (*s != '\0') {
			snprintf(err, errlen, "vlan.allowed: unexpected '%c' in '%s'", *s, allowed);
			return -EINVAL;
		}
	}
	if (native != 0) /* the native VLAN is carried whether listed or not */
		t.allowed[native >> 6] |= 1ull << (native & 63);
	t.native_vid = native;
	t.default_pcp = pcp;
	*p = t;
	return 0;
}

void
vs_vlan_allowed_format(const struct vs_vlan_policy *p, char *out, size_t len)
{
	size_t off = 0;
	unsigned int v = 1;

	if (len == 0)
		return;
	out[0] = '\0';
	while (v <= VS_VLAN_MAX && off < len) {
		unsigned int lo;

		if (!vs_vlan_allowed(p, (uint16_t)v)) {
			v++;
			continue;
		}
		lo = v;
		while (v + 1 <= VS_VLAN_MAX && vs_vlan_allowed(p, (uint16_t)(v + 1)))
			v++;
		if (lo == v)
			off += (size_t)snprintf(out + off, len - off, "%s%u", off ? "," : "", lo);
		else
			off += (size_t)snprintf(out + off, len - off, "%s%u-%u", off ? "," : "", lo,
						v);
		v++;
	}
}

const char *
vs_vlan_mode_name(enum vs_vlan_mode m)
{
	switch (m) {
	case VS_VLAN_MODE_UNTAGGED:
		return "untagged";
	case VS_VLAN_MODE_ACCESS:
		return "access";
	case VS_VLAN_MODE_TRUNK:
		return "trunk";
	}
	return "?";
}

int
vs_vlan_mode_parse(const char *s, enum vs_vlan_mode *out)
{
	if (strcmp(s, "untagged") == 0)
		*out = VS_VLAN_MODE_UNTAGGED;
	else if (strcmp(s, "access") == 0)
		*out = VS_VLAN_MODE_ACCESS;
	else if (strcmp(s, "trunk") == 0)
		*out = VS_VLAN_MODE_TRUNK;
	else
		return -EINVAL;
	return 0;
}
