/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports' transmit offloads, control side: what a port's device or kind
 * supports (found when the port opens: port.c, port_netvsc.c) and the
 * settings that narrow it, compiled into the snapshot (dp.c) that the
 * pipeline's offload fix-up reads.
 */
#include <errno.h>
#include <stdio.h>

#include "dp_priv.h"

int
vs_dp_port_set_offload(struct vs_dp *dp, const char *name, const struct vs_offload_settings *o,
		       char *err, size_t errlen)
{
	int idx = vs_dp_port_index(dp, name);
	struct vs_offload_settings old;
	int rc;

	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	old = dp->ports[idx].conf.offload;
	dp->ports[idx].conf.offload = *o;
	/* Frames already fixed up for the old capabilities are correct for
	 * the port either way: a request left to it is one it supports. */
	rc = vs_dp_publish(dp);
	if (rc != 0) {
		dp->ports[idx].conf.offload = old;
		snprintf(err, errlen, "port %s: out of memory publishing the configuration", name);
	}
	return rc;
}

int
vs_dp_port_offload_caps(const struct vs_dp *dp, unsigned int idx, uint32_t *supported,
			uint32_t *active)
{
	const struct vs_port *p;

	if (idx >= VS_MAX_PORTS || !dp->ports[idx].in_use)
		return -ENOENT;
	p = &dp->ports[idx];
	*supported = p->offload_caps;
	*active = vs_offload_caps_effective(p->offload_caps, &p->conf.offload);
	return 0;
}
