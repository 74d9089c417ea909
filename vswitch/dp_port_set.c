/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports changed and read live by the control thread: security, VLAN and
 * admin settings, the control-side work of their backends, their link.
 * Each change edits the control view and publishes a new snapshot (dp.c).
 * Adding and removing ports is dp_config.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dp_priv.h"
#include "netlink_priv.h"

int
vs_dp_port_set_security(struct vs_dp *dp, const char *name, const struct vs_port_conf *sec,
			char *err, size_t errlen)
{
	int idx = vs_dp_port_index(dp, name);
	struct vs_port_conf old, want;
	struct vs_port *p;
	uint16_t pg[2];
	int rc;

	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	p = &dp->ports[idx];
	old = want = p->conf;
	want.has_mac = sec->has_mac;
	memcpy(want.mac, sec->mac, 6);
	want.mac_spoofing = sec->mac_spoofing;
	want.dhcp_guard = sec->dhcp_guard;
	want.router_guard = sec->router_guard;
	if (old.mac_spoofing && !want.mac_spoofing &&
	    (rc = vs_dp_nlb_spoofing_check(dp, (unsigned int)idx, err, errlen)) != 0)
		return rc;
	rc = vs_dp_mac_check(dp, p->conf.switch_name, &want, err, errlen);
	if (rc != 0)
		return rc;
	p->conf = want;
	rc = vs_dp_publish(dp);
	if (rc != 0) {
		p->conf = old;
		snprintf(err, errlen, "port %s: out of memory publishing the configuration", name);
		return rc;
	}
	/* The old static entry, and stations learned under the old rules. */
	pg[0] = (uint16_t)idx;
	pg[1] = p->gen;
	vs_fdb_delete_if(&dp->fdb, vs_dp_key_on_port, pg);
	return vs_dp_install_static(dp, (unsigned int)idx, err, errlen);
}

int
vs_dp_ctl_poll(struct vs_dp *dp, unsigned int *channels)
{
	unsigned int i, n = 0;
	uint32_t was[VS_MAX_PORTS];
	bool changed = false;
	int done = 0, rc;

	for (i = 0; i < VS_MAX_PORTS; i++) {
		struct vs_port *p = &dp->ports[i];
		uint32_t caps;

		if (!p->in_use || p->conf.kind != VS_PORT_NETVSC)
			continue;
		n++;
		rc = vs_port_netvsc_ctl_poll(p);
		if (rc > 0)
			done += rc;
		/* What the guest negotiated decides what the workers send it
		 * (superframes whole or cut): a change is published. */
		caps = vs_port_netvsc_offload_caps(p);
		was[i] = p->offload_caps;
		if (caps != p->offload_caps) {
			p->offload_caps = caps;
			changed = true;
		}
	}
	changed |= vs_dp_quarantine_poll(dp);
	if (changed && vs_dp_publish(dp) != 0) {
		/* Out of memory: tried again at the next poll. */
		for (i = 0; i < VS_MAX_PORTS; i++)
			if (dp->ports[i].in_use && dp->ports[i].conf.kind == VS_PORT_NETVSC)
				dp->ports[i].offload_caps = was[i];
	}
	/* The load placement reads, once a second. */
	vs_dp_vmq_tick(dp);
	/* The kernel's link notifications, as they come. */
	rc = vs_dp_link_poll(dp);
	if (rc > 0)
		done += rc;
	if (channels != NULL)
		*channels = n;
	return done;
}

int
vs_dp_port_backend_counters(struct vs_dp *dp, unsigned int idx, vs_counter_fn fn, void *arg)
{
	if (idx >= VS_MAX_PORTS || !dp->ports[idx].in_use)
		return -ENOENT;
	if (dp->ports[idx].conf.kind == VS_PORT_NETVSC)
		vs_port_netvsc_counters(&dp->ports[idx], fn, arg);
	return 0;
}

int
vs_dp_port_link(struct vs_dp *dp, unsigned int idx, struct vs_port_link *out)
{
	if (idx >= VS_MAX_PORTS || !dp->ports[idx].in_use)
		return -ENOENT;
	/* What the workers act on: notifications not read yet first. */
	(void)vs_dp_link_poll(dp);
	return vs_port_link(&dp->ports[idx], dp->nl, out);
}

int
vs_dp_port_set_admin(struct vs_dp *dp, const char *name, bool up, char *err, size_t errlen)
{
	int idx = vs_dp_port_index(dp, name);

	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	dp->ports[idx].conf.admin_down = !up;
	if (dp->ports[idx].conf.kind == VS_PORT_NETVSC)
		vs_port_netvsc_link(&dp->ports[idx], up);
	return vs_dp_publish(dp);
}

int
vs_dp_port_conf(const struct vs_dp *dp, unsigned int idx, struct vs_port_conf *out)
{
	if (idx >= VS_MAX_PORTS || !dp->ports[idx].in_use)
		return -ENOENT;
	*out = dp->ports[idx].conf;
	return 0;
}

int
vs_dp_switch_conf(const struct vs_dp *dp, unsigned int idx, struct vs_switch_conf *out)
{
	int up, host;

	if (idx >= VS_MAX_SWITCHES || !dp->switches[idx].in_use)
		return -ENOENT;
	*out = dp->switches[idx].conf;
	up = vs_dp_auto_index(dp, out->name, false);
	host = vs_dp_auto_index(dp, out->name, true);
	if (up >= 0)
		out->uplink_port = dp->ports[up].conf;
	if (host >= 0)
		out->host_port = dp->ports[host].conf;
	return 0;
}

void
vs_dp_conf_get(const struct vs_dp *dp, struct vs_dp_conf *out)
{
	*out = dp->conf;
}

int
vs_dp_port_set_vlan(struct vs_dp *dp, const char *name, const struct vs_vlan_policy *vlan,
		    char *err, size_t errlen)
{
	int idx = vs_dp_port_index(dp, name);
	struct vs_port *p;
	struct vs_vlan_policy old;
	uint16_t pg[2];
	int rc;

	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	p = &dp->ports[idx];
	old = p->conf.vlan;
	p->conf.vlan = *vlan;
	/* Device stripping and the published policy must never disagree in
	 * the dangerous direction: an untagged port carries tags as data, so
	 * stripping goes off before it becomes untagged, and on only after it
	 * has stopped being untagged (access/trunk accept either form). */
	if (vlan->mode == VS_VLAN_MODE_UNTAGGED)
		vs_port_apply_vlan(p);
	rc = vs_dp_publish(dp);
	if (rc != 0) {
		p->conf.vlan = old;
		vs_port_apply_vlan(p);
		snprintf(err, errlen, "port %s: out of memory publishing the configuration", name);
		return rc;
	}
	if (vlan->mode != VS_VLAN_MODE_UNTAGGED)
		vs_port_apply_vlan(p);
	/* Stations learned in VLANs the port may no longer carry. */
	pg[0] = (uint16_t)idx;
	pg[1] = p->gen;
	vs_fdb_delete_if(&dp->fdb, vs_dp_key_on_port, pg);
	return vs_dp_install_static(dp, (unsigned int)idx, err, errlen);
}

