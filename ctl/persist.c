/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration document of a running datapath, and saving it so that a
 * crash at any instant leaves either the old file or the new one, whole:
 * write a temporary file in the same directory, fsync it, rename it over
 * the old one, fsync the directory (the rename itself must reach the disk).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_ether.h>

#include "ctl_priv.h"

static void vs_ctl_port_settings_json(cJSON *o, const struct vs_port_conf *c, bool host);

cJSON *
vs_ctl_auto_port_json(const struct vs_port_conf *c, bool host)
{
	cJSON *o = cJSON_CreateObject();

	vs_ctl_port_settings_json(o, c, host);
	return o;
}

/* A switch: its type and what the type needs, with the live settings of
 * its auto ports (so that loading it back re-creates them as they are). */
cJSON *
vs_ctl_switch_json(const struct vs_dp *dp, unsigned int idx)
{
	struct vs_switch_conf *c = malloc(sizeof(*c));
	cJSON *o;

	if (c == NULL || vs_dp_switch_conf(dp, idx, c) != 0) {
		free(c);
		return NULL;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", c->name);
	cJSON_AddStringToObject(o, "type", vs_switch_type_name(c->type));
	if (c->type == VS_SWITCH_EXTERNAL) {
		cJSON_AddStringToObject(o, "uplink", c->uplink);
		cJSON_AddBoolToObject(o, "allow_management_os", c->allow_management_os);
		cJSON_AddItemToObject(o, "uplink_port", vs_ctl_auto_port_json(&c->uplink_port, false));
	}
	if (c->type != VS_SWITCH_PRIVATE) {
		char ifn[VS_IFNAME_MAX];

		/* The vNIC's interface name is fixed once chosen. */
		vs_switch_host_ifname(c, ifn);
		snprintf(c->host_port.ifname, sizeof(c->host_port.ifname), "%s", ifn);
		cJSON_AddItemToObject(o, "host", vs_ctl_auto_port_json(&c->host_port, true));
	}
	free(c);
	return o;
}

cJSON *
vs_ctl_vlan_json(const struct vs_vlan_policy *p)
{
	cJSON *o = cJSON_CreateObject();
	char allowed[4096];

	cJSON_AddStringToObject(o, "mode", vs_vlan_mode_name(p->mode));
	if (p->mode == VS_VLAN_MODE_ACCESS)
		cJSON_AddNumberToObject(o, "vid", p->access_vid);
	if (p->mode == VS_VLAN_MODE_TRUNK) {
		vs_vlan_allowed_format(p, allowed, sizeof(allowed));
		cJSON_AddStringToObject(o, "allowed", allowed);
		if (p->native_vid)
			cJSON_AddNumberToObject(o, "native", p->native_vid);
	}
	if (p->default_pcp)
		cJSON_AddNumberToObject(o, "pcp", p->default_pcp);
	return o;
}

cJSON *
vs_ctl_port_json(const struct vs_dp *dp, unsigned int idx)
{
	struct vs_port_conf c;
	cJSON *o;

	if (vs_dp_port_conf(dp, idx, &c) != 0)
		return NULL;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "switch", c.switch_name);
	cJSON_AddStringToObject(o, "name", c.name);
	cJSON_AddStringToObject(o, "kind", vs_port_kind_name(c.kind));
	if (c.devargs[0] != '\0')
		cJSON_AddStringToObject(o, "devargs", c.devargs);
	if (c.ring_size != 0)
		cJSON_AddNumberToObject(o, "ring_size", c.ring_size);
	if (c.rx_pcap[0])
		cJSON_AddStringToObject(o, "rx_pcap", c.rx_pcap);
	if (c.tx_pcap[0])
		cJSON_AddStringToObject(o, "tx_pcap", c.tx_pcap);
	if (c.loop)
		cJSON_AddBoolToObject(o, "loop", true);
	if (c.owner[0])
		cJSON_AddStringToObject(o, "owner", c.owner);
	if (c.group[0])
		cJSON_AddStringToObject(o, "group", c.group);
	if (c.adopt)
		cJSON_AddBoolToObject(o, "adopt", true);
	if (c.kind == VS_PORT_NETVSC && c.mtu)
		cJSON_AddNumberToObject(o, "mtu", c.mtu);
	if (c.kind == VS_PORT_NETVSC && c.queues > 1)
		cJSON_AddNumberToObject(o, "queues", c.queues);
	if (c.kind == VS_PORT_NETVSC && c.queue_pinned) {
		/* Queue 1 first; null: placed by the datapath. */
		cJSON *a = cJSON_AddArrayToObject(o, "queue_lcores");

		for (unsigned int q = 1; q < c.queues; q++)
			cJSON_AddItemToArray(a, c.queue_pinned >> q & 1
							? cJSON_CreateNumber(c.queue_lcore[q])
							: cJSON_CreateNull());
	}
	vs_ctl_port_settings_json(o, &c, c.kind == VS_PORT_HOST || c.kind == VS_PORT_EMULATED);
	return o;
}

/* What port.set and a host vNIC share; with_if: ifname, mtu, addresses. */
static void
vs_ctl_port_settings_json(cJSON *o, const struct vs_port_conf *cp, bool with_if)
{
	struct vs_port_conf c = *cp;

	cJSON_AddStringToObject(o, "admin", c.admin_down ? "down" : "up");
	cJSON_AddItemToObject(o, "vlan", vs_ctl_vlan_json(&c.vlan));
	if (c.has_mac) {
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		{
			struct rte_ether_addr ea_; /* the bytes may sit at any address */

			memcpy(ea_.addr_bytes, c.mac, 6);
			rte_ether_format_addr(mac, sizeof(mac), &ea_);
		}
		cJSON_AddStringToObject(o, "mac", mac);
	}
	if (with_if && c.ifname[0])
		cJSON_AddStringToObject(o, "ifname", c.ifname);
	if (with_if && c.mtu)
		cJSON_AddNumberToObject(o, "mtu", c.mtu);
	if (with_if && c.addrs[0][0]) {
		cJSON *a = cJSON_AddArrayToObject(o, "addresses");
		unsigned int i;

		for (i = 0; i < VS_HOST_ADDRS && c.addrs[i][0]; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(c.addrs[i]));
	}
	cJSON_AddBoolToObject(o, "mac_spoofing", c.mac_spoofing);
	cJSON_AddBoolToObject(o, "dhcp_guard", c.dhcp_guard);
	cJSON_AddBoolToObject(o, "router_guard", c.router_guard);
	cJSON_AddItemToObject(o, "offload", vs_ctl_offload_json(&c.offload));
	if (c.storm.pps[0] || c.storm.pps[1] || c.storm.pps[2])
		cJSON_AddItemToObject(o, "storm_control", vs_ctl_storm_json(&c.storm));
	if (c.pinned)
		cJSON_AddNumberToObject(o, "lcore", c.lcore);
	if (c.vmq)
		cJSON_AddBoolToObject(o, "vmq", true);
	/* A device's receive queues (netvsc ports write their channels). */
	if (c.kind != VS_PORT_NETVSC && c.queues)
		cJSON_AddNumberToObject(o, "queues", c.queues);
}

static void
vs_ctl_nlb_one(const struct vs_nlb_info *i, void *arg)
{
	cJSON_AddItemToArray(arg, vs_ctl_nlb_conf_json(&i->conf));
}

cJSON *
vs_ctl_config_build(const struct vs_dp *dp)
{
	struct vs_dp_conf dc;
	cJSON *doc = cJSON_CreateObject();
	cJSON *d = cJSON_AddObjectToObject(doc, "datapath");
	cJSON *sws = cJSON_AddArrayToObject(doc, "switches");
	cJSON *ports = cJSON_AddArrayToObject(doc, "ports");
	unsigned int i;

	vs_dp_conf_get(dp, &dc);
	cJSON_AddNumberToObject(d, "fdb_size", dc.fdb_size);
	cJSON_AddNumberToObject(d, "fdb_aging_s", dc.fdb_aging_s);
	cJSON_AddNumberToObject(d, "workers", dc.n_workers);
	cJSON_AddNumberToObject(d, "mbufs", dc.n_mbufs);
	/* Written even when it is the default: the default is this host's,
	 * and a VM moved elsewhere keeps its address, not its pool. */
	cJSON_AddItemToObject(d, "mac_pool", vs_ctl_mac_pool_json(dc.mac_min, dc.mac_max));
	for (i = 0; i < VS_MAX_SWITCHES; i++) {
		cJSON *o = vs_ctl_switch_json(dp, i);

		if (o != NULL)
			cJSON_AddItemToArray(sws, o);
	}
	for (i = 0; i < VS_MAX_PORTS; i++) {
		/* Auto ports are part of their switch's object. */
		cJSON *o = vs_dp_port_is_auto(dp, i) ? NULL : vs_ctl_port_json(dp, i);

		if (o != NULL)
			cJSON_AddItemToArray(ports, o);
	}
	/* After the ports: loading replays nlb.add once its members exist.
	 * The walk only reads (its prototype merely lacks the const). */
	vs_dp_nlb_walk(dp, vs_ctl_nlb_one, cJSON_AddArrayToObject(doc, "nlb"));
	return doc;
}

static int
vs_ctl_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
vs_ctl_config_save(const struct vs_dp *dp, const char *path, char *err, size_t errlen)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	cJSON *doc = vs_ctl_config_build(dp);
	char *text = cJSON_Print(doc);
	int fd = -1, dfd = -1, rc;

	cJSON_Delete(doc);
	if (text == NULL) {
		snprintf(err, errlen, "config: out of memory rendering the configuration");
		return -ENOMEM;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp) ||
	    snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir)) {
		free(text);
		snprintf(err, errlen, "config: path too long");
		return -ENAMETOOLONG;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0) {
		rc = -errno;
		goto fail;
	}
	if ((rc = vs_ctl_write_all(fd, text, strlen(text))) != 0 ||
	    (rc = vs_ctl_write_all(fd, "\n", 1)) != 0)
		goto fail;
	if (fsync(fd) != 0) {
		rc = -errno;
		goto fail;
	}
	close(fd);
	fd = -1;
	if (rename(tmp, path) != 0) {
		rc = -errno;
		goto fail;
	}
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) != 0) {
		rc = -errno;
		if (dfd >= 0)
			close(dfd);
		snprintf(err, errlen, "config: %s: cannot sync its directory: %s", path,
			 strerror(-rc));
		free(text);
		return rc;
	}
	close(dfd);
	free(text);
	return 0;
fail:
	snprintf(err, errlen, "config: cannot write %s: %s", path, strerror(-rc));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(text);
	return rc;
}
