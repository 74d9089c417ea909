/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Switches and their types (as in Hyper-V): the rules of each type, the
 * ports a switch makes and removes itself (its uplink, its host vNIC), and
 * the switch calls.  Ports in general are configured in dp_config.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "dp_priv.h"

void
vs_switch_uplink_name(const char *sw, char out[VS_NAME_MAX])
{
	if (snprintf(out, VS_NAME_MAX, "%s" VS_UPLINK_SUFFIX, sw) >= VS_NAME_MAX)
		out[0] = '\0';
}

void
vs_switch_host_name(const char *sw, char out[VS_NAME_MAX])
{
	if (snprintf(out, VS_NAME_MAX, "%s" VS_HOST_SUFFIX, sw) >= VS_NAME_MAX)
		out[0] = '\0';
}

void
vs_switch_host_ifname(const struct vs_switch_conf *c, char out[VS_IFNAME_MAX])
{
	if (c->host_port.ifname[0])
		snprintf(out, VS_IFNAME_MAX, "%s", c->host_port.ifname);
	else
		snprintf(out, VS_IFNAME_MAX, "vs-%.12s", c->name);
}

static bool
vs_switch_needs_uplink(const struct vs_switch_conf *c)
{
	return c->type == VS_SWITCH_EXTERNAL;
}

static bool
vs_switch_needs_host(const struct vs_switch_conf *c)
{
	return c->type == VS_SWITCH_INTERNAL ||
	       (c->type == VS_SWITCH_EXTERNAL && c->allow_management_os);
}

bool
vs_dp_port_is_auto(const struct vs_dp *dp, unsigned int idx)
{
	return idx < VS_MAX_PORTS && dp->ports[idx].in_use &&
	       (dp->ports[idx].conf.kind == VS_PORT_PHY || dp->ports[idx].conf.kind == VS_PORT_HOST);
}

/* The conf of a switch's uplink (host false) or host port (host true). */
static void
vs_dp_auto_conf(const struct vs_switch_conf *c, bool host, struct vs_port_conf *o)
{
	*o = host ? c->host_port : c->uplink_port;
	if (host)
		vs_switch_host_name(c->name, o->name);
	else
		vs_switch_uplink_name(c->name, o->name);
	snprintf(o->switch_name, sizeof(o->switch_name), "%s", c->name);
	o->kind = host ? VS_PORT_HOST : VS_PORT_PHY;
	o->devargs[0] = '\0';
	o->ring_size = 0;
	o->rx_pcap[0] = o->tx_pcap[0] = '\0';
	o->loop = false;
	o->adopt = false;
	o->owner[0] = o->group[0] = '\0';
	if (host) {
		vs_switch_host_ifname(c, o->ifname);
	} else {
		snprintf(o->devargs, sizeof(o->devargs), "%s", c->uplink);
		o->ifname[0] = '\0';
		o->mtu = 0;
		memset(o->addrs, 0, sizeof(o->addrs));
	}
}

/* Index of a switch's uplink / host port, or -1. */
int
vs_dp_auto_index(const struct vs_dp *dp, const char *sw, bool host)
{
	char n[VS_NAME_MAX];
	int i;

	if (host)
		vs_switch_host_name(sw, n);
	else
		vs_switch_uplink_name(sw, n);
	if (n[0] == '\0' || (i = vs_dp_port_index(dp, n)) < 0)
		return -1;
	return dp->ports[i].conf.kind == (host ? VS_PORT_HOST : VS_PORT_PHY) &&
			       strcmp(dp->ports[i].conf.switch_name, sw) == 0
		       ? i
		       : -1;
}

/* The device name of phy devargs ("net_pcap0" of "net_pcap0,rx_pcap=..."). */
static int
vs_dp_devname(const char *devargs, char *dev, size_t len)
{
	size_t n = strcspn(devargs, ",");

	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(dev, devargs, n);
	dev[n] = '\0';
	return 0;
}

/*
 * The rules of a switch's type, for a new switch (sw < 0) or a change of
 * switch sw: what the type requires and refuses, and room for its auto
 * ports.  Messages name the field and the rule.
 */
static int
vs_dp_switch_rules(const struct vs_dp *dp, const struct vs_switch_conf *c, int sw, char *err,
		   size_t errlen)
{
	const char *t = vs_switch_type_name(c->type);
	char up[VS_NAME_MAX], host[VS_NAME_MAX], ifn[VS_IFNAME_MAX], dev[64];
	bool need_up = vs_switch_needs_uplink(c), need_host = vs_switch_needs_host(c);
	uint16_t id;
	int i;

	if (c->type != VS_SWITCH_PRIVATE && c->type != VS_SWITCH_INTERNAL &&
	    c->type != VS_SWITCH_EXTERNAL) {
		snprintf(err, errlen, "switch %s: type: not external, internal or private", c->name);
		return -EINVAL;
	}
	if (need_up && c->uplink[0] == '\0') {
		snprintf(err, errlen,
			 "switch %s: uplink: an external switch is bound to exactly one physical "
			 "uplink: give its devargs",
			 c->name);
		return -EINVAL;
	}
	if (!need_up && c->uplink[0] != '\0') {
		snprintf(err, errlen,
			 "switch %s: uplink: only an external switch has an uplink (a %s switch has "
			 "none)",
			 c->name, t);
		return -EINVAL;
	}
	if (c->type != VS_SWITCH_EXTERNAL && c->allow_management_os) {
		snprintf(err, errlen,
			 "switch %s: allow_management_os: only an external switch shares its uplink "
			 "with the management OS (an internal switch always has a host vNIC, a "
			 "private one never)",
			 c->name);
		return -EINVAL;
	}
	if (!need_up && !need_host)
		return 0;
	vs_switch_uplink_name(c->name, up);
	vs_switch_host_name(c->name, host);
	if (up[0] == '\0' || (int)strlen(c->name) > VS_AUTO_SWITCH_NAME_MAX) {
		snprintf(err, errlen,
			 "switch %s: name: at most %d characters for an %s switch (its ports are "
			 "named <switch>" VS_UPLINK_SUFFIX " and <switch>" VS_HOST_SUFFIX ")",
			 c->name, VS_AUTO_SWITCH_NAME_MAX, t);
		return -EINVAL;
	}
	for (i = 0; i < 2; i++) {
		const char *n = i == 0 ? up : host;
		int p = vs_dp_port_index(dp, n);

		if ((i == 0 ? need_up : need_host) && p >= 0 &&
		    (sw < 0 || p != vs_dp_auto_index(dp, c->name, i == 1))) {
			snprintf(err, errlen,
				 "switch %s: port name '%s' (the switch's %s) is taken by another port",
				 c->name, n, i == 0 ? "uplink" : "host vNIC");
			return -EEXIST;
		}
	}
	if (need_host) {
		vs_switch_host_ifname(c, ifn);
		if (strlen(c->host_port.ifname) >= VS_IFNAME_MAX) {
			snprintf(err, errlen, "switch %s: host.ifname: at most %d characters", c->name,
				 VS_IFNAME_MAX - 1);
			return -EINVAL;
		}
	}
	if (need_up) {
		int cur = sw >= 0 ? vs_dp_auto_index(dp, c->name, false) : -1;

		if (vs_dp_devname(c->uplink, dev, sizeof(dev)) != 0) {
			snprintf(err, errlen, "switch %s: uplink: expected devargs starting with a "
					      "device name, got '%s'", c->name, c->uplink);
			return -EINVAL;
		}
		if (rte_eth_dev_get_port_by_name(dev, &id) == 0 &&
		    (cur < 0 || strcmp(dp->ports[cur].eth_name, dev) != 0)) {
			snprintf(err, errlen, "switch %s: uplink: device %s is already in use",
				 c->name, dev);
			return -EEXIST;
		}
	}
	return vs_dp_host_mtu_check(dp, c, sw, err, errlen);
}

/* Free port slots. */
static unsigned int
vs_dp_free_ports(const struct vs_dp *dp)
{
	unsigned int i, n = 0;

	for (i = 0; i < VS_MAX_PORTS; i++)
		n += !dp->ports[i].in_use;
	return n;
}

int
vs_dp_switch_check(const struct vs_dp *dp, const struct vs_switch_conf *c, char *err,
		   size_t errlen)
{
	unsigned int i;
	int rc = vs_dp_name_check("switch", c->name, err, errlen);

	if (rc != 0)
		return rc;
	if (vs_dp_switch_index(dp, c->name) >= 0) {
		snprintf(err, errlen, "switch: '%s' already exists", c->name);
		return -EEXIST;
	}
	if ((rc = vs_dp_switch_rules(dp, c, -1, err, errlen)) != 0)
		return rc;
	if (vs_dp_free_ports(dp) <
	    (unsigned int)vs_switch_needs_uplink(c) + (unsigned int)vs_switch_needs_host(c)) {
		snprintf(err, errlen, "switch %s: all %d ports are in use: no room for its uplink "
				      "or host vNIC", c->name, VS_MAX_PORTS);
		return -ENOSPC;
	}
	for (i = 0; i < VS_MAX_SWITCHES; i++)
		if (!dp->switches[i].in_use)
			return 0;
	snprintf(err, errlen, "switch: all %d switches are in use", VS_MAX_SWITCHES);
	return -ENOSPC;
}

int vs_dp_port_check_any(const struct vs_dp *dp, const struct vs_port_conf *c, char *err,
				size_t errlen);
int vs_dp_port_add_any(struct vs_dp *dp, const struct vs_port_conf *c, bool is_auto,
			      char *err, size_t errlen);
int vs_dp_port_remove(struct vs_dp *dp, int idx, char *err, size_t errlen);

/* Creates a switch's missing uplink (host false) or host port. */
static int
vs_dp_auto_add(struct vs_dp *dp, const struct vs_switch_conf *c, bool host, char *err,
	       size_t errlen)
{
	struct vs_port_conf pc;
	int rc;

	vs_dp_auto_conf(c, host, &pc);
	rc = vs_dp_port_add_any(dp, &pc, true, err, errlen);
	if (rc == 0 && !host)
		vs_dp_vmq_hw_uplink_new(dp, (unsigned int)vs_dp_auto_index(dp, c->name, false));
	/* A vNIC on the tap's default MTU may be larger than the uplink. */
	if (rc == 0 && vs_dp_host_mtu_follow(dp, (unsigned int)vs_dp_switch_index(dp, c->name)))
		rc = vs_dp_publish(dp);
	return rc;
}

/* Removes a switch's auto port, keeping its settings in the switch's conf
 * for the next time it is created. */
static void
vs_dp_auto_del(struct vs_dp *dp, int sw, bool host)
{
	int idx = vs_dp_auto_index(dp, dp->switches[sw].conf.name, host);
	char e[128];

	if (idx < 0)
		return;
	if (host)
		dp->switches[sw].conf.host_port = dp->ports[idx].conf;
	else
		dp->switches[sw].conf.uplink_port = dp->ports[idx].conf;
	(void)vs_dp_port_remove(dp, idx, e, sizeof(e));
}

int
vs_dp_switch_add(struct vs_dp *dp, const struct vs_switch_conf *c, char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	(void)vs_dp_link_poll(dp); /* the rules read the link cache: bring it up to date */
	rc = vs_dp_switch_check(dp, c, err, errlen);

	if (rc != 0)
		return rc;
	for (i = 0; i < VS_MAX_SWITCHES; i++)
		if (!dp->switches[i].in_use)
			break;
	memset(&dp->switches[i], 0, sizeof(dp->switches[i]));
	dp->switches[i].conf = *c;
	dp->switches[i].in_use = true;
	if (vs_switch_needs_uplink(c) && (rc = vs_dp_auto_add(dp, c, false, err, errlen)) != 0)
		goto undo;
	if (vs_switch_needs_host(c) && (rc = vs_dp_auto_add(dp, c, true, err, errlen)) != 0)
		goto undo;
	return 0;
undo:
	vs_dp_auto_del(dp, (int)i, false);
	vs_dp_auto_del(dp, (int)i, true);
	dp->switches[i].in_use = false;
	return rc;
}

int
vs_dp_key_in_switch(const struct vs_fdb_key *k, uint64_t v, void *arg)
{
	(void)v;
	return k->sw == *(const uint16_t *)arg;
}

int
vs_dp_switch_del_check(const struct vs_dp *dp, const char *name, char *err, size_t errlen)
{
	int sw = vs_dp_switch_index(dp, name);
	unsigned int n;

	if (sw < 0) {
		snprintf(err, errlen, "switch: no switch named '%s'", name);
		return -ENOENT;
	}
	n = dp->switches[sw].n_ports - (unsigned int)(vs_dp_auto_index(dp, name, false) >= 0) -
	    (unsigned int)(vs_dp_auto_index(dp, name, true) >= 0);
	if (n > 0) {
		snprintf(err, errlen, "switch: '%s' still has %u VM port(s); delete them first",
			 name, n);
		return -EBUSY;
	}
	return 0;
}

int
vs_dp_switch_del(struct vs_dp *dp, const char *name, char *err, size_t errlen)
{
	int sw = vs_dp_switch_index(dp, name);
	int rc = vs_dp_switch_del_check(dp, name, err, errlen);
	uint16_t id;

	if (rc != 0)
		return rc;
	vs_dp_auto_del(dp, sw, true);
	vs_dp_auto_del(dp, sw, false);
	dp->switches[sw].in_use = false;
	/* Its clusters go with it: a switch made later in the same slot
	 * starts without them. */
	vs_dp_nlb_switch_gone(dp, (uint16_t)sw);
	(void)vs_dp_publish(dp);
	id = (uint16_t)sw;
	vs_fdb_delete_if(&dp->fdb, vs_dp_key_in_switch, &id);
	return 0;
}

/* VM ports of a switch against a (new) type: every VM kind (netvsc,
 * emulated, and the stand-ins ring and pcap) is allowed on every type. */
static int
vs_dp_switch_vm_ports_check(const struct vs_dp *dp, int sw, const struct vs_switch_conf *c,
			    char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < VS_MAX_PORTS; i++) {
		const struct vs_port *p = &dp->ports[i];

		if (!p->in_use || p->sw != sw || vs_dp_port_is_auto(dp, i))
			continue;
		if (p->conf.kind != VS_PORT_RING && p->conf.kind != VS_PORT_EMULATED &&
		    p->conf.kind != VS_PORT_PCAP && p->conf.kind != VS_PORT_NETVSC &&
		    p->conf.kind != VS_PORT_VDEV) {
			snprintf(err, errlen, "switch %s: port %s: a %s port cannot be on a %s switch",
				 c->name, p->conf.name, vs_port_kind_name(p->conf.kind),
				 vs_switch_type_name(c->type));
			return -EINVAL;
		}
	}
	return 0;
}

int
vs_dp_switch_set_check(const struct vs_dp *dp, const struct vs_switch_conf *c, char *err,
		       size_t errlen)
{
	int sw = vs_dp_switch_index(dp, c->name);
	unsigned int need = 0;
	int rc;

	if (sw < 0) {
		snprintf(err, errlen, "switch: no switch named '%s'", c->name);
		return -ENOENT;
	}
	if ((rc = vs_dp_switch_rules(dp, c, sw, err, errlen)) != 0 ||
	    (rc = vs_dp_switch_vm_ports_check(dp, sw, c, err, errlen)) != 0)
		return rc;
	need += vs_switch_needs_uplink(c) && vs_dp_auto_index(dp, c->name, false) < 0;
	need += vs_switch_needs_host(c) && vs_dp_auto_index(dp, c->name, true) < 0;
	if (vs_dp_free_ports(dp) < need) {
		snprintf(err, errlen, "switch %s: all %d ports are in use: no room for its uplink "
				      "or host vNIC", c->name, VS_MAX_PORTS);
		return -ENOSPC;
	}
	return 0;
}

int
vs_dp_switch_set(struct vs_dp *dp, const struct vs_switch_conf *c, char *err, size_t errlen)
{
	struct vs_switch_conf old;
	bool have_up, have_host, drop_up, drop_host, add_up, add_host;
	int sw, rc;

	(void)vs_dp_link_poll(dp); /* the rules read the link cache: bring it up to date */
	if ((rc = vs_dp_switch_set_check(dp, c, err, errlen)) != 0)
		return rc;
	sw = vs_dp_switch_index(dp, c->name);
	vs_dp_switch_conf(dp, (unsigned int)sw, &old);
	have_up = vs_dp_auto_index(dp, c->name, false) >= 0;
	have_host = vs_dp_auto_index(dp, c->name, true) >= 0;
	drop_up = have_up && (!vs_switch_needs_uplink(c) || strcmp(old.uplink, c->uplink) != 0);
	drop_host = have_host && !vs_switch_needs_host(c);
	add_up = vs_switch_needs_uplink(c) && (!have_up || drop_up);
	add_host = vs_switch_needs_host(c) && !have_host;
	if (drop_host)
		vs_dp_auto_del(dp, sw, true);
	if (drop_up)
		vs_dp_auto_del(dp, sw, false);
	dp->switches[sw].conf = *c;
	if (add_up && (rc = vs_dp_auto_add(dp, c, false, err, errlen)) != 0)
		goto undo;
	if (add_host && (rc = vs_dp_auto_add(dp, c, true, err, errlen)) != 0)
		goto undo;
	return 0;
undo: {
	char e2[256];

	if (add_up)
		vs_dp_auto_del(dp, sw, false);
	dp->switches[sw].conf = old;
	if (drop_up)
		(void)vs_dp_auto_add(dp, &old, false, e2, sizeof(e2));
	if (drop_host)
		(void)vs_dp_auto_add(dp, &old, true, e2, sizeof(e2));
}
	return rc;
}

