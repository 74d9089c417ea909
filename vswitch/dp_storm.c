/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Storm control's settings: the per-class limits of a port, set live, and
 * their text form for the command line and messages, and the check the
 * pipeline makes before it floods a frame of a port with a limit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp_priv.h"

static const char *const storm_names[VS_STORM_N] = {
	[VS_STORM_BROADCAST] = "broadcast",
	[VS_STORM_MULTICAST] = "multicast",
	[VS_STORM_UNKNOWN_UNICAST] = "unknown-unicast",
};

/* A limit above any port's line rate is a typo, not a limit. */
#define VS_STORM_PPS_MAX 1000000000u

const char *
vs_storm_class_name(enum vs_storm_class c)
{
	return (unsigned int)c < VS_STORM_N ? storm_names[c] : "?";
}

int
vs_dp_port_set_storm(struct vs_dp *dp, const char *name, const struct vs_storm_control *s,
		     char *err, size_t errlen)
{
	int idx = vs_dp_port_index(dp, name);
	struct vs_storm_control old;
	int rc;

	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	for (unsigned int c = 0; c < VS_STORM_N; c++)
		if (s->pps[c] > VS_STORM_PPS_MAX) {
			snprintf(err, errlen, "storm_control.%s: %u frames a second is above %u",
				 storm_names[c], s->pps[c], VS_STORM_PPS_MAX);
			return -EINVAL;
		}
	old = dp->ports[idx].conf.storm;
	dp->ports[idx].conf.storm = *s;
	rc = vs_dp_publish(dp);
	if (rc != 0) {
		dp->ports[idx].conf.storm = old;
		snprintf(err, errlen, "port %s: out of memory publishing the configuration", name);
	}
	return rc;
}

/* "10000pps", "10000" or "off" → frames a second (0: no limit). */
static int
storm_value(const char *v, size_t len, uint32_t *out)
{
	char buf[24], *end;
	unsigned long long n;

	if (len == 3 && strncmp(v, "off", 3) == 0) {
		*out = 0;
		return 0;
	}
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, v, len);
	buf[len] = '\0';
	if (len > 3 && strcmp(buf + len - 3, "pps") == 0)
		buf[len - 3] = '\0';
	if (buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	n = strtoull(buf, &end, 10);
	if (*end != '\0' || n > VS_STORM_PPS_MAX)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

int
vs_storm_parse(const char *text, struct vs_storm_control *s, char *err, size_t errlen)
{
	struct vs_storm_control n = *s;
	const char *p = text;

	if (strcmp(text, "off") == 0) {
		memset(s, 0, sizeof(*s));
		return 0;
	}
	while (*p != '\0') {
		size_t len = strcspn(p, ","), k = strcspn(p, "=");
		unsigned int c;

		for (c = 0; c < VS_STORM_N; c++)
			if (k < len && k == strlen(storm_names[c]) && strncmp(p, storm_names[c], k) == 0)
				break;
		if (c == VS_STORM_N) {
			snprintf(err, errlen,
				 "storm_control: '%.*s' is not CLASS=RATE with CLASS broadcast, "
				 "multicast or unknown-unicast",
				 (int)len, p);
			return -EINVAL;
		}
		if (storm_value(p + k + 1, len - k - 1, &n.pps[c]) != 0) {
			snprintf(err, errlen,
				 "storm_control: %s: '%.*s' is not a rate (frames a second, e.g. "
				 "10000pps, at most %u) or off",
				 storm_names[c], (int)(len - k - 1), p + k + 1, VS_STORM_PPS_MAX);
			return -EINVAL;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	*s = n;
	return 0;
}

void
vs_storm_format(const struct vs_storm_control *s, char *buf, size_t len)
{
	size_t at = 0;

	if (s->pps[0] == 0 && s->pps[1] == 0 && s->pps[2] == 0) {
		snprintf(buf, len, "off");
		return;
	}
	buf[0] = '\0';
	for (unsigned int c = 0; c < VS_STORM_N && at < len; c++) {
		int w = s->pps[c] ? snprintf(buf + at, len - at, "%s%s=%upps", c ? "," : "",
					     storm_names[c], s->pps[c])
				  : snprintf(buf + at, len - at, "%s%s=off", c ? "," : "",
					     storm_names[c]);

		if (w < 0)
			break;
		at += (size_t)w;
	}
}

/*
 * Storm control, before a frame of the ingress port is flooded: true if
 * its class already had its frames this second.  A port's queues may be
 * polled by several workers (RSS), so the count is the port's, one word
 * per class: the window's key (the second and the port slot's generation,
 * so that a new port starts afresh) over the count.  Below the limit a
 * compare-and-swap counts the frame; at the limit the frame is refused on
 * a load alone, so a storm costs the workers no writes to share.
 */
#define STORM_COUNT_BITS 34 /* limits are at most 10^9 < 2^30 */
#define STORM_COUNT_MASK ((1ull << STORM_COUNT_BITS) - 1)

bool
vs_storm_exceeded(const struct vs_snap_port *sp, uint16_t in_gen, uint32_t now_s, bool unicast,
		  const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh;
	struct rte_ether_hdr copy;
	uint64_t *win, key, v;
	unsigned int c;

	if (!unicast) {
		eh = rte_pktmbuf_read(m, 0, sizeof(copy), &copy);
		c = eh != NULL && rte_is_broadcast_ether_addr(&eh->dst_addr) ? VS_STORM_BROADCAST
									   : VS_STORM_MULTICAST;
	} else {
		c = VS_STORM_UNKNOWN_UNICAST;
	}
	if (sp->storm_pps[c] == 0)
		return false;
	win = &sp->port->storm_win[c];
	/* 30 bits of key: the second's low 22 (48 days) and the generation's low 8. */
	key = ((uint64_t)(now_s & 0x3fffffu) << 8 | (in_gen & 0xffu)) << STORM_COUNT_BITS;
	v = __atomic_load_n(win, __ATOMIC_RELAXED);
	for (;;) {
		uint64_t n = (v & ~STORM_COUNT_MASK) == key ? v & STORM_COUNT_MASK : 0;

		if (n >= sp->storm_pps[c])
			return true;
		if (__atomic_compare_exchange_n(win, &v, key | (n + 1), true, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return false;
	}
}
