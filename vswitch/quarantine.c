/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port quarantine: the policy over netvsp's violation counting (netvsp.h,
 * "Protocol violations"; vswitch.h, "Quarantine").
 *
 * Each control poll reads every netvsc channel's fresh violations.  A port
 * is quarantined when its violations since the last release reach the
 * threshold, or at once when one stopped the channel (a corrupt ring:
 * nothing it sends can be read any more).  Quarantined, netvsp stops
 * reading the guest's rings (the worker's rx_burst is one load) and the
 * snapshot marks the port down, so frames to it are dropped (port_down)
 * and it leaves its switch's flood set.  Only violations count, never load:
 * a guest that floods or stops completing receive indications is throttled
 * by the VSP, which drops and counts (ctl_queue_full, tx_no_section), and a
 * well-behaved guest moves none of the counters summed here.
 *
 * The guest resetting its channel (closing it; netvsp then lifts its side)
 * or a request releases the port, and its count starts again.
 *
 * Logging goes through the datapath's notice function, from the control
 * thread: a line for each quarantine and release, and for violations at
 * most one line a second per port, which sums what came in between.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dp_priv.h"
#include "netvsp.h"

static void
q_enter(struct vs_dp *dp, struct vs_port *p, const char *reason)
{
	p->q.on = true;
	p->q.times++;
	snprintf(p->q.reason, sizeof(p->q.reason), "%s", reason);
	vs_netvsp_quarantine(p->netvsp, reason);
	vs_dp_noticef(dp, "port %s: quarantined: %s", p->conf.name, reason);
}

static void
q_leave(struct vs_dp *dp, struct vs_port *p, const char *why)
{
	p->q.on = false;
	p->q.reason[0] = '\0';
	p->q.violations = 0;
	vs_netvsp_release(p->netvsp);
	vs_dp_noticef(dp, "port %s: quarantine lifted: %s", p->conf.name, why);
}

/* The violations not logged yet, if a second has passed since the last
 * line. */
static void
q_log(struct vs_dp *dp, struct vs_port *p, uint32_t now_s)
{
	if (p->q_unlogged == 0 || (p->q_logged && now_s == p->q_log_s))
		return;
	vs_dp_noticef(dp, "port %s: %" PRIu64 " protocol violation%s (last: %s)", p->conf.name,
		      p->q_unlogged, p->q_unlogged == 1 ? "" : "s", p->q_last);
	p->q_unlogged = 0;
	p->q_log_s = now_s;
	p->q_logged = true;
}

/* One channel; true if the port's quarantine changed. */
static bool
q_poll_port(struct vs_dp *dp, struct vs_port *p, uint32_t after, uint32_t now_s)
{
	uint64_t opens = vs_netvsp_counter(p->netvsp, VS_NETVSP_C_open);
	struct vs_netvsp_violations v;
	bool changed = false;
	char reason[VS_QUARANTINE_REASON_MAX];

	vs_netvsp_violation_poll(p->netvsp, &v);
	/* A new session owes nothing for the old one; netvsp has already
	 * lifted its side when the guest closed the channel. */
	if (opens != p->q_opens) {
		p->q_opens = opens;
		p->q.violations = 0;
	}
	if (p->q.on && !vs_netvsp_quarantined(p->netvsp, NULL, 0)) {
		q_leave(dp, p, "the guest reset its channel");
		changed = true;
	}
	p->q.total = v.total;
	if (v.fresh > 0) {
		p->q.violations += v.fresh;
		p->q_unlogged += v.fresh;
		snprintf(p->q_last, sizeof(p->q_last), "%s", v.last);
		if (!p->q.on && (v.fatal || (after != UINT32_MAX && p->q.violations >= after))) {
			if (v.fatal)
				snprintf(reason, sizeof(reason), "%s", v.last);
			else
				snprintf(reason, sizeof(reason),
					 "%" PRIu64 " protocol violations, the last: %.120s",
					 p->q.violations, v.last);
			q_enter(dp, p, reason);
			changed = true;
		}
	}
	q_log(dp, p, now_s);
	return changed;
}

bool
vs_dp_quarantine_poll(struct vs_dp *dp)
{
	uint32_t after = dp->conf.quarantine_after ? dp->conf.quarantine_after
						   : VS_QUARANTINE_AFTER_DEFAULT;
	uint32_t now_s = vs_dp_now_s(dp);
	bool changed = false;

	for (unsigned int i = 0; i < VS_MAX_PORTS; i++) {
		struct vs_port *p = &dp->ports[i];

		if (p->in_use && p->conf.kind == VS_PORT_NETVSC && p->netvsp != NULL)
			changed |= q_poll_port(dp, p, after, now_s);
	}
	return changed;
}

int
vs_dp_port_set_quarantine(struct vs_dp *dp, const char *name, bool on, char *err,
			  size_t errlen)
{
	int idx = vs_dp_port_index(dp, name);
	struct vs_port *p;
	int rc;

	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	p = &dp->ports[idx];
	if (p->conf.kind != VS_PORT_NETVSC || p->netvsp == NULL) {
		snprintf(err, errlen, "quarantine: port %s is not a netvsc port", name);
		return -EINVAL;
	}
	if (on == p->q.on)
		return 0;
	if (on)
		q_enter(dp, p, "by request");
	else
		q_leave(dp, p, "by request");
	rc = vs_dp_publish(dp);
	if (rc != 0)
		snprintf(err, errlen, "port %s: out of memory publishing the configuration", name);
	return rc;
}

int
vs_dp_port_quarantine(const struct vs_dp *dp, unsigned int idx, struct vs_port_quarantine *out)
{
	if (idx >= VS_MAX_PORTS || !dp->ports[idx].in_use)
		return -ENOENT;
	*out = dp->ports[idx].q;
	return 0;
}
