/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hardware VMQ, the control side: when a VM turns VMQ on, the uplink's
 * NIC is asked to put the VM's frames (its MAC, and its access VLAN) in a
 * receive queue of their own, with an rte_flow rule (vmq/flow.c), and that
 * queue is moved to the VM's worker.  The NIC then does the classify step
 * software VMQ does on the uplink's worker.
 *
 * It needs an uplink with more than one receive queue (queue 0 stays the
 * default/RSS queue) and a PMD that validates the rule; otherwise the VM
 * keeps software VMQ and port show says why, in the PMD's own words where
 * it gave some.  The software ring stays in place either way: a frame the
 * NIC steers arrives on the VM's worker, where the classify step hands it
 * to the ring of the same worker; one that RSS put elsewhere still gets
 * there.  The rule goes when VMQ is turned off or the VM port goes, and
 * with the uplink's device (vs_dp_vmq_hw_uplink_gone first destroys it);
 * a switch's new uplink is asked again for its VMs
 * (vs_dp_vmq_hw_uplink_new).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_flow.h>

#include "dp_priv.h"

int
vs_dp_queue_move(struct vs_dp *dp, unsigned int idx, unsigned int queue, uint16_t w)
{
	struct vs_port *p = &dp->ports[idx];

	if (queue == 0 || queue >= p->n_queues)
		return -EINVAL;
	if (p->qworker[queue] == w)
		return 0;
	/* Polled by nobody for a grace period, then by w: never by two. */
	p->qworker[queue] = VS_NO_WORKER;
	if (vs_dp_publish(dp) != 0) {
		p->qworker[queue] = w; /* never left unpolled */
		vs_dp_publish(dp);
		return -ENOMEM;
	}
	p->qworker[queue] = w;
	return vs_dp_publish(dp) != 0 ? -ENOMEM : 0;
}

/* The attempt's outcome into p->vmq_hw_why (through a copy: the
 * arguments may be p's own fields). */
static void __attribute__((format(printf, 2, 3)))
vs_dp_vmq_why(struct vs_port *p, const char *fmt, ...)
{
	char why[sizeof(p->vmq_hw_why)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	memcpy(p->vmq_hw_why, why, sizeof(why));
}

static const char *
vs_dp_driver(const struct vs_port *u)
{
	struct rte_eth_dev_info di;

	memset(&di, 0, sizeof(di));
	if (!u->eth_open || rte_eth_dev_info_get(u->eth_port, &di) != 0 || di.driver_name == NULL)
		return "?";
	return di.driver_name;
}

void
vs_dp_vmq_hw_on(struct vs_dp *dp, unsigned int idx)
{
	struct vs_port *p = &dp->ports[idx];
	struct vs_vmq_flow_rule rule;
	struct rte_flow_error fe;
	struct vs_port *u;
	uint16_t vlan = 0, hq;
	int up, rc;

	if (p->vmq_flow != NULL)
		return;
	up = vs_dp_auto_index(dp, p->conf.switch_name, false);
	if (up < 0) {
		vs_dp_vmq_why(p, "switch %s has no uplink", p->conf.switch_name);
		return;
	}
	u = &dp->ports[up];
	if (!u->eth_open || u->n_queues < 2) {
		vs_dp_vmq_why(p, "the uplink (%s) has one receive queue", vs_dp_driver(u));
		return;
	}
	/* Tagged on the uplink's wire: a VM in an access VLAN the uplink
	 * trunks, not as its native VLAN.  Otherwise the MAC alone. */
	if (p->conf.vlan.mode == VS_VLAN_MODE_ACCESS && u->conf.vlan.mode == VS_VLAN_MODE_TRUNK &&
	    u->conf.vlan.native_vid != p->conf.vlan.access_vid)
		vlan = p->conf.vlan.access_vid;
	/* Queues 1..n-1 go round the VMs in the order the switch's
	 * allocator handed them their software queues. */
	hq = (uint16_t)(1 + (p->vmq_queue > 0 ? p->vmq_queue - 1 : 0) % (u->n_queues - 1));
	if (vs_vmq_flow_rule(&rule, p->conf.mac, vlan, hq) != 0) {
		vs_dp_vmq_why(p, "no rule for this MAC/VLAN");
		return;
	}
	memset(&fe, 0, sizeof(fe));
	rc = rte_flow_validate(u->eth_port, &rule.attr, rule.pattern, rule.actions, &fe);
	if (rc == 0)
		p->vmq_flow =
			rte_flow_create(u->eth_port, &rule.attr, rule.pattern, rule.actions, &fe);
	if (p->vmq_flow == NULL) {
		vs_dp_vmq_why(p, "the uplink (%s) refused the rte_flow rule: %s",
			      vs_dp_driver(u),
			      fe.message != NULL ? fe.message : rte_strerror(rc ? -rc : rte_errno));
		return;
	}
	p->vmq_hw_uplink = (uint16_t)up;
	p->vmq_hw_queue = hq;
	if (p->worker != VS_NO_WORKER)
		(void)vs_dp_queue_move(dp, (unsigned int)up, hq, p->worker);
	vs_dp_vmq_why(p,
		      "hardware: the uplink (%s) steers the VM's frames to its queue %u (rte_flow)",
		      vs_dp_driver(u), hq);
}

void
vs_dp_vmq_hw_off(struct vs_dp *dp, unsigned int idx)
{
	struct vs_port *p = &dp->ports[idx];
	struct rte_flow_error fe;

	if (p->vmq_flow != NULL) {
		(void)rte_flow_destroy(dp->ports[p->vmq_hw_uplink].eth_port, p->vmq_flow, &fe);
		p->vmq_flow = NULL;
	}
	p->vmq_hw_why[0] = '\0';
}

void
vs_dp_vmq_hw_uplink_new(struct vs_dp *dp, unsigned int uplink)
{
	const struct vs_port *u = &dp->ports[uplink];
	unsigned int i;

	/* A new uplink may steer what the last one could not (or there was
	 * none): its switch's VMQ ports ask again. */
	for (i = 0; i < VS_MAX_PORTS; i++) {
		struct vs_port *p = &dp->ports[i];

		if (i != uplink && p->in_use && p->sw == u->sw && p->conf.vmq && p->vmq_flow == NULL)
			vs_dp_vmq_hw_on(dp, i);
	}
}

void
vs_dp_vmq_hw_uplink_gone(struct vs_dp *dp, unsigned int uplink)
{
	unsigned int i;

	for (i = 0; i < VS_MAX_PORTS; i++) {
		struct vs_port *p = &dp->ports[i];

		if (p->in_use && p->vmq_flow != NULL && p->vmq_hw_uplink == uplink) {
			vs_dp_vmq_hw_off(dp, i);
			vs_dp_vmq_why(p, "switch %s's uplink went", p->conf.switch_name);
		}
	}
}
