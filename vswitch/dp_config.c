/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuring the datapath's ports: added, checked, changed and removed by
 * the control thread (switches and their types: dp_switch.c).  Each change
 * edits the control view and publishes a new snapshot (dp.c); nothing here
 * runs per packet.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_log.h>

#include "dp_priv.h"
#include "netlink_priv.h"

/* Ring devices are named once per process: names must never repeat while
 * an old device of that name could still be registered. */
static uint32_t vs_ring_seq;

/*
 * DPDK often explains a failure only in its log ("could not set
 * PACKET_FANOUT ... Invalid argument") and returns a bare -1.  While the
 * control thread opens a device, the log also goes to memory, so the reply
 * can carry DPDK's own reason.  Workers never log, so redirecting the
 * process-wide stream for the duration is safe.
 */
struct vs_logcap {
	FILE *old, *mem;
	char *buf;
	size_t len;
};

static void
vs_logcap_begin(struct vs_logcap *lc)
{
	memset(lc, 0, sizeof(*lc));
	lc->old = rte_log_get_stream();
	lc->mem = open_memstream(&lc->buf, &lc->len);
	if (lc->mem != NULL)
		rte_openlog_stream(lc->mem);
}

/* Restores the log, passes on what was captured and, on failure, appends
 * DPDK's last log line to err. */
static void
vs_logcap_end(struct vs_logcap *lc, bool failed, char *err, size_t errlen)
{
	char *last = NULL, *line, *save = NULL;
	size_t off;

	if (lc->mem == NULL)
		return;
	rte_openlog_stream(lc->old);
	fclose(lc->mem);
	if (lc->buf != NULL && lc->len > 0 && lc->old != NULL)
		fputs(lc->buf, lc->old);
	for (line = strtok_r(lc->buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "Failed to attach") == NULL && strstr(line, "cannot attach") == NULL)
			last = line; /* EAL's generic follow-ups say nothing new */
	off = strlen(err);
	if (failed && last != NULL && off + 16 < errlen)
		snprintf(err + off, errlen - off, " (DPDK: %s)", last);
	free(lc->buf);
}

int
vs_dp_name_check(const char *what, const char *name, char *err, size_t errlen)
{
	size_t len = strnlen(name, VS_NAME_MAX);
	size_t i;

	if (len == 0 || len >= VS_NAME_MAX) {
		snprintf(err, errlen, "%s: name must be 1 to %d characters", what, VS_NAME_MAX - 1);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.')) {
			snprintf(err, errlen,
				 "%s: name '%s' may hold only letters, digits, '-', '_' and '.'",
				 what, name);
			return -EINVAL;
		}
	}
	return 0;
}

int
vs_dp_switch_index(const struct vs_dp *dp, const char *name)
{
	unsigned int i;

	for (i = 0; i < VS_MAX_SWITCHES; i++)
		if (dp->switches[i].in_use && strcmp(dp->switches[i].conf.name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int
vs_dp_port_index(const struct vs_dp *dp, const char *name)
{
	unsigned int i;

	for (i = 0; i < VS_MAX_PORTS; i++)
		if (dp->ports[i].in_use && strcmp(dp->ports[i].conf.name, name) == 0)
			return (int)i;
	return -ENOENT;
}

/* The one VLAN in which a port's configured MAC lives, or 0 when the port
 * carries several (a trunk without native VLAN learns instead). */
static uint16_t
vs_dp_static_vlan(const struct vs_vlan_policy *v)
{
	switch (v->mode) {
	case VS_VLAN_MODE_UNTAGGED:
		return VS_VLAN_UNAWARE;
	case VS_VLAN_MODE_ACCESS:
		return v->access_vid;
	case VS_VLAN_MODE_TRUNK:
		return v->native_vid;
	}
	return 0;
}

/* Refuses a MAC another port of the same switch already has configured:
 * the static entry can point to one port only. */
int
vs_dp_mac_check(const struct vs_dp *dp, const char *sw, const struct vs_port_conf *c,
		char *err, size_t errlen)
{
	unsigned int i;

	if (!c->has_mac)
		return 0;
	if (c->mac[0] & 1) {
		snprintf(err, errlen, "port %s: mac: a group address cannot be a port's MAC", c->name);
		return -EINVAL;
	}
	for (i = 0; i < VS_MAX_PORTS; i++) {
		const struct vs_port *o = &dp->ports[i];

		if (o->in_use && o->conf.has_mac && strcmp(o->conf.name, c->name) != 0 &&
		    strcmp(o->conf.switch_name, sw) == 0 && memcmp(o->conf.mac, c->mac, 6) == 0) {
			snprintf(err, errlen, "port %s: mac: already the MAC of port %s", c->name,
				 o->conf.name);
			return -EEXIST;
		}
	}
	return 0;
}

/* Points the port's configured MAC at it, never to be aged or moved. */
int
vs_dp_install_static(struct vs_dp *dp, unsigned int idx, char *err, size_t errlen)
{
	const struct vs_port *p = &dp->ports[idx];
	uint16_t vid = vs_dp_static_vlan(&p->conf.vlan);
	struct rte_ether_addr mac;
	struct vs_fdb_key k;

	if (!p->conf.has_mac || vid == 0)
		return 0;
	memcpy(mac.addr_bytes, p->conf.mac, 6); /* conf.mac has no alignment */
	vs_fdb_key_set(&k, p->sw, vid, &mac);
	if (vs_fdb_add_static(&dp->fdb, &k, (uint16_t)idx, p->gen) != 0) {
		snprintf(err, errlen, "port %s: the MAC table is full: no room for the port's MAC",
			 p->conf.name);
		return -ENOSPC;
	}
	return 0;
}

/* A VM port whose MAC the switch makes up when none is given.  An adopted
 * interface's far end has a MAC of its own, so it gets none unless told. */
static bool
vs_dp_port_gets_mac(const struct vs_port_conf *c)
{
	return !c->has_mac &&
	       (c->kind == VS_PORT_NETVSC || (c->kind == VS_PORT_EMULATED && !c->adopt));
}

/* Why a phy or host port cannot be added by hand to switch sw. */
static int
vs_dp_port_role_check(const struct vs_dp *dp, int sw, const struct vs_port_conf *c, char *err,
		      size_t errlen)
{
	const struct vs_switch_conf *s = &dp->switches[sw].conf;
	const char *t = vs_switch_type_name(s->type);

	if (c->kind == VS_PORT_PHY) {
		if (s->type == VS_SWITCH_EXTERNAL)
			snprintf(err, errlen,
				 "port %s: kind: a phy port is only ever an external switch's uplink, "
				 "and external switch %s has exactly one already (%s" VS_UPLINK_SUFFIX
				 "); to bind another NIC, change the switch's uplink",
				 c->name, s->name, s->name);
		else
			snprintf(err, errlen,
				 "port %s: kind: a phy port is only ever an external switch's uplink; "
				 "%s switch %s has no uplink (make it external with an uplink to "
				 "bind a NIC)",
				 c->name, t, s->name);
		return -EINVAL;
	}
	if (c->kind == VS_PORT_HOST) {
		if (s->type == VS_SWITCH_PRIVATE)
			snprintf(err, errlen,
				 "port %s: kind: private switch %s has no host vNIC (an internal "
				 "switch has one, an external one with allow_management_os)",
				 c->name, s->name);
		else if (s->type == VS_SWITCH_INTERNAL)
			snprintf(err, errlen,
				 "port %s: kind: internal switch %s has exactly one host vNIC, "
				 "created with the switch (%s" VS_HOST_SUFFIX ")",
				 c->name, s->name, s->name);
		else
			snprintf(err, errlen,
				 "port %s: kind: the host vNIC of external switch %s is created and "
				 "removed by its allow_management_os setting",
				 c->name, s->name);
		return -EINVAL;
	}
	return 0;
}

int
vs_dp_port_check(const struct vs_dp *dp, const struct vs_port_conf *c, char *err, size_t errlen)
{
	int sw = vs_dp_switch_index(dp, c->switch_name);
	int rc = sw >= 0 ? vs_dp_port_role_check(dp, sw, c, err, errlen) : 0;

	return rc != 0 ? rc : vs_dp_port_check_any(dp, c, err, errlen);
}

int
vs_dp_port_check_any(const struct vs_dp *dp, const struct vs_port_conf *c, char *err,
		     size_t errlen)
{
	unsigned int i;
	uint16_t id;
	size_t len;
	char dev[64];
	int rc;

	rc = vs_dp_name_check("port", c->name, err, errlen);
	if (rc != 0)
		return rc;
	if (vs_dp_port_index(dp, c->name) >= 0) {
		snprintf(err, errlen, "port: '%s' already exists", c->name);
		return -EEXIST;
	}
	if (vs_dp_switch_index(dp, c->switch_name) < 0) {
		snprintf(err, errlen, "port %s: switch: no switch named '%s'", c->name,
			 c->switch_name);
		return -ENOENT;
	}
	if (vs_port_ops_for(c->kind) == NULL) {
		snprintf(err, errlen, "port %s: kind: unsupported", c->name);
		return -EINVAL;
	}
	rc = vs_dp_mac_check(dp, c->switch_name, c, err, errlen);
	if (rc != 0)
		return rc;
	if (vs_dp_port_gets_mac(c) && (rc = vs_dp_mac_check_free(dp, c->name, err, errlen)) != 0)
		return rc;
	if (c->kind == VS_PORT_PHY) {
		len = strcspn(c->devargs, ",");
		if (c->devargs[0] == '\0' || len >= sizeof(dev)) {
			snprintf(err, errlen, "port %s: devargs: required for a phy port", c->name);
			return -EINVAL;
		}
		memcpy(dev, c->devargs, len);
		dev[len] = '\0';
		if (rte_eth_dev_get_port_by_name(dev, &id) == 0) {
			snprintf(err, errlen, "port %s: devargs: device %s is already in use", c->name,
				 dev);
			return -EEXIST;
		}
	}
	for (i = 0; i < VS_MAX_PORTS; i++)
		if (!dp->ports[i].in_use)
			return 0;
	snprintf(err, errlen, "port %s: all %d ports are in use", c->name, VS_MAX_PORTS);
	return -ENOSPC;
}

int
vs_dp_port_add(struct vs_dp *dp, const struct vs_port_conf *c, char *err, size_t errlen)
{
	return vs_dp_port_add_any(dp, c, false, err, errlen);
}

int
vs_dp_port_add_any(struct vs_dp *dp, const struct vs_port_conf *c, bool is_auto, char *err,
		   size_t errlen)
{
	char kbuf[VS_IFNAME_MAX];
	const char *kif;
	struct vs_logcap lc;
	struct vs_port *p;
	uint16_t gen;
	unsigned int i;
	int sw, rc;

	rc = is_auto ? vs_dp_port_check_any(dp, c, err, errlen) : vs_dp_port_check(dp, c, err, errlen);
	if (rc != 0)
		return rc;
	sw = vs_dp_switch_index(dp, c->switch_name);
	for (i = 0; i < VS_MAX_PORTS; i++)
		if (!dp->ports[i].in_use)
			break;
	p = &dp->ports[i];
	gen = (uint16_t)(p->gen + 1);
	memset(p, 0, sizeof(*p));
	p->gen = gen ? gen : 1;
	p->conf = *c;
	p->ops = vs_port_ops_for(c->kind);
	p->sw = (uint16_t)sw;
	p->worker = vs_dp_place_new(dp, c);
	kif = vs_port_kernel_ifname(p, kbuf, sizeof(kbuf));
	if (kif != NULL && (rc = vs_dp_nl(dp, err, errlen)) != 0 && c->kind != VS_PORT_PHY) {
		p->gen = gen;
		return rc; /* an uplink works without: its link is then not followed */
	}
	p->nl = dp->nl;
	p->mp = dp->mp;
	p->chan_dir = dp->conf.chan_dir;
	if (vs_dp_port_gets_mac(c)) {
		/* A VM's MAC is always known: drawn from the pool once, then
		 * persisted with the port (give it to the VM: QEMU's -device
		 * ...,mac=). */
		rc = vs_dp_mac_alloc(dp, c->name, p->conf.mac, err, errlen);
		if (rc != 0) {
			p->gen = gen;
			return rc;
		}
		p->conf.has_mac = true;
	}
	if (c->kind == VS_PORT_RING)
		snprintf(p->eth_name, sizeof(p->eth_name), "net_vsring%u",
			 __atomic_add_fetch(&vs_ring_seq, 1, __ATOMIC_RELAXED));
	vs_logcap_begin(&lc);
	rc = p->ops->open(p, dp->n_workers, dp->mp, err, errlen);
	vs_logcap_end(&lc, rc != 0, err, errlen);
	if (rc != 0) {
		p->ops->close(p);
		p->gen = gen; /* keep the generation moving even on failure */
		return rc;
	}
	rc = vs_dp_vmq_port_open(dp, i, err, errlen);
	if (rc != 0) {
		vs_dp_vmq_port_close(dp, i);
		p->ops->close(p);
		p->gen = gen;
		return rc;
	}
	/* Followed from now on; the state read here is the snapshot's first. */
	if (kif != NULL && dp->nl != NULL)
		vs_klink_open(&p->kl, dp->nl, kif);
	p->in_use = true;
	dp->switches[sw].n_ports++;
	rc = vs_dp_publish(dp);
	if (rc != 0) {
		snprintf(err, errlen, "port %s: out of memory publishing the configuration",
			 c->name);
		p->in_use = false;
		dp->switches[sw].n_ports--;
		p->ops->close(p);
		vs_dp_vmq_port_close(dp, i);
		return rc;
	}
	rc = vs_dp_install_static(dp, i, err, errlen);
	if (rc != 0) {
		char e2[64];

		vs_dp_port_remove(dp, (int)i, e2, sizeof(e2));
	}
	return rc;
}

int
vs_dp_key_on_port(const struct vs_fdb_key *k, uint64_t v, void *arg)
{
	const uint16_t *pg = arg; /* [port, gen] */

	(void)k;
	return vs_fdb_value_port(v) == pg[0] && vs_fdb_value_gen(v) == pg[1];
}

int
vs_dp_port_del(struct vs_dp *dp, const char *name, char *err, size_t errlen)
{
	int idx = vs_dp_port_index(dp, name);
	const struct vs_port *p;

	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	p = &dp->ports[idx];
	if (vs_dp_port_is_auto(dp, (unsigned int)idx)) {
		bool host = p->conf.kind == VS_PORT_HOST;

		snprintf(err, errlen,
			 "port %s: it is switch %s's %s, which goes with the switch's settings: "
			 "change the switch instead (%s)",
			 name, p->conf.switch_name, host ? "host vNIC" : "uplink",
			 host ? "its type, or allow_management_os" : "its type or uplink");
		return -EBUSY;
	}
	return vs_dp_port_remove(dp, idx, err, errlen);
}

int
vs_dp_port_remove(struct vs_dp *dp, int idx, char *err, size_t errlen)
{
	const char *name = dp->ports[idx].conf.name;
	struct vs_port *p;
	uint16_t pg[2];
	unsigned int w;
	int rc;

	p = &dp->ports[idx];
	p->in_use = false;
	vs_dp_nlb_port_gone(dp, (unsigned int)idx);
	rc = vs_dp_publish(dp);
	if (rc != 0) {
		p->in_use = true;
		snprintf(err, errlen, "port %s: out of memory publishing the configuration", name);
		return rc;
	}
	/* After the grace period no worker holds a frame for this port (tx
	 * buffers are flushed before each quiescent report) nor touches its
	 * counters, so both can go. */
	vs_dp_vmq_hw_uplink_gone(dp, (unsigned int)idx); /* rules go before the device */
	p->ops->close(p);
	vs_dp_vmq_port_close(dp, (unsigned int)idx);
	dp->switches[p->sw].n_ports--;
	for (w = 0; w < dp->n_workers; w++)
		memset(&dp->workers[w]->stats[idx], 0, sizeof(dp->workers[w]->stats[idx]));
	memset(&dp->port_base[idx], 0, sizeof(dp->port_base[idx]));
	pg[0] = (uint16_t)idx;
	pg[1] = p->gen;
	vs_fdb_delete_if(&dp->fdb, vs_dp_key_on_port, pg);
	return 0;
}
