/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One port object of the configuration document, which is also the params
 * of port.add and, through vs_ctl_parse_auto_port, a switch's "host" and
 * "uplink_port": its fields, its VLAN policy and its security settings.
 * Apart from config.c because these are the checks of a single port,
 * which the RPC methods call on their own; the document's lists and how
 * it is applied stay there.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <rte_ether.h>

#include "ctl_priv.h"

int
vs_ctl_parse_vlan(const cJSON *o, const char *where, struct vs_vlan_policy *out, char *err,
		  size_t errlen)
{
	static const char *const keys[] = {"mode", "vid", "allowed", "native", "pcp", NULL};
	char w[64], mode[16], allowed[1024] = "";
	uint32_t vid = 0, native = 0, pcp = 0;
	enum vs_vlan_mode m;
	int rc;

	snprintf(w, sizeof(w), "%s%svlan", where, *where ? "." : "");
	if ((rc = vs_ctl_check_keys(o, w, keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(o, w, "mode", 1, mode, sizeof(mode), err, errlen)) != 0 ||
	    (rc = vs_ctl_get_u32(o, w, "vid", 1, VS_VLAN_MAX, &vid, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_u32(o, w, "native", 0, VS_VLAN_MAX, &native, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_u32(o, w, "pcp", 0, 7, &pcp, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(o, w, "allowed", 0, allowed, sizeof(allowed), err, errlen)) != 0)
		return rc;
	if (vs_vlan_mode_parse(mode, &m) != 0) {
		snprintf(err, errlen, "%s.mode: '%s' is not access, trunk or untagged", w, mode);
		return -EINVAL;
	}
	switch (m) {
	case VS_VLAN_MODE_UNTAGGED:
		if (vid || native || allowed[0]) {
			snprintf(err, errlen, "%s: an untagged port takes no vid, allowed or native", w);
			return -EINVAL;
		}
		vs_vlan_policy_untagged(out);
		out->default_pcp = (uint8_t)pcp;
		return 0;
	case VS_VLAN_MODE_ACCESS:
		if (vid == 0) {
			snprintf(err, errlen, "%s.vid: required for an access port", w);
			return -EINVAL;
		}
		if (native || allowed[0]) {
			snprintf(err, errlen, "%s: an access port takes no allowed or native (a trunk does)", w);
			return -EINVAL;
		}
		return vs_vlan_policy_access(out, (uint16_t)vid, (uint8_t)pcp, err, errlen);
	case VS_VLAN_MODE_TRUNK:
		if (vid) {
			snprintf(err, errlen, "%s.vid: a trunk takes allowed and native, not vid", w);
			return -EINVAL;
		}
		return vs_vlan_policy_trunk(out, allowed, (uint16_t)native, (uint8_t)pcp, err,
					    errlen);
	}
	return -EINVAL;
}

int
vs_ctl_parse_security(const cJSON *o, const char *where, struct vs_port_conf *c, char *err,
		      size_t errlen)
{
	const cJSON *mac = cJSON_GetObjectItemCaseSensitive(o, "mac");
	struct rte_ether_addr a;
	int rc;

	if (mac != NULL) {
		if (cJSON_IsNull(mac)) {
			c->has_mac = false;
		} else if (!cJSON_IsString(mac) || rte_ether_unformat_addr(mac->valuestring, &a) != 0) {
			snprintf(err, errlen, "%s%smac: expected a MAC address like 02:00:00:00:00:01",
				 where, *where ? "." : "");
			return -EINVAL;
		} else if (a.addr_bytes[0] & 1) {
			snprintf(err, errlen, "%s%smac: %s is a group address", where,
				 *where ? "." : "", mac->valuestring);
			return -EINVAL;
		} else {
			c->has_mac = true;
			memcpy(c->mac, a.addr_bytes, 6);
		}
	}
	if ((rc = vs_ctl_get_bool(o, where, "mac_spoofing", &c->mac_spoofing, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_bool(o, where, "dhcp_guard", &c->dhcp_guard, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_bool(o, where, "router_guard", &c->router_guard, err, errlen)) != 0)
		return rc;
	return 0;
}

/* "queue_lcores": the pins of a netvsc port's queues 1.. (an lcore
 * number, or null for none), as persist.c writes them. */
static int
vs_ctl_parse_queue_lcores(const cJSON *o, const char *where, struct vs_port_conf *c, char *err,
			  size_t errlen)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "queue_lcores"), *e;
	unsigned int q = 1;

	if (a == NULL)
		return 0;
	if (!cJSON_IsArray(a) || c->kind != VS_PORT_NETVSC ||
	    (unsigned int)cJSON_GetArraySize(a) + 1 > (c->queues ? c->queues : 1)) {
		snprintf(err, errlen,
			 "%s%squeue_lcores: expected, for a netvsc port, an array of at most "
			 "queues - 1 lcores (or null)",
			 where, *where ? "." : "");
		return -EINVAL;
	}
	cJSON_ArrayForEach(e, a) {
		if (cJSON_IsNumber(e) && e->valuedouble >= 0 && e->valuedouble < 65536 &&
		    e->valuedouble == (double)(unsigned int)e->valuedouble) {
			c->queue_pinned |= (uint8_t)(1u << q);
			c->queue_lcore[q] = (uint16_t)e->valuedouble;
		} else if (!cJSON_IsNull(e)) {
			snprintf(err, errlen, "%s%squeue_lcores[%u]: expected an lcore number or null",
				 where, *where ? "." : "", q - 1);
			return -EINVAL;
		}
		q++;
	}
	return 0;
}

int
vs_ctl_parse_port(const cJSON *o, const char *where, struct vs_port_conf *c, char *err,
		  size_t errlen)
{
	static const char *const keys[] = {"switch",	   "name",	 "kind",
					   "devargs",	   "ring_size",	 "admin",
					   "vlan",	   "mac",	 "mac_spoofing",
					   "dhcp_guard", "router_guard", "ifname",
					   "owner",	   "group",	 "adopt",
					   "mtu",	   "addresses",	 "rx_pcap",
					   "tx_pcap",	   "loop",	 "offload",
					   "storm_control", "lcore",	 "vmq",	 "queues",
					   "queue_lcores", NULL};
	const cJSON *addrs = cJSON_GetObjectItemCaseSensitive(o, "addresses"), *a;
	unsigned int na = 0;
	const cJSON *vlan = cJSON_GetObjectItemCaseSensitive(o, "vlan");
	char kind[16] = "", admin[16] = "up";
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = vs_ctl_check_keys(o, where, keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(o, where, "switch", 1, c->switch_name, sizeof(c->switch_name),
				 err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(o, where, "name", 1, c->name, sizeof(c->name), err, errlen)) !=
		    0 ||
	    (rc = vs_ctl_get_str(o, where, "kind", 1, kind, sizeof(kind), err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(o, where, "devargs", 0, c->devargs, sizeof(c->devargs), err,
				 errlen)) != 0 ||
	    (rc = vs_ctl_get_u32(o, where, "ring_size", 64, 1u << 20, &c->ring_size, err,
				 errlen)) != 0 ||
	    (rc = vs_ctl_get_str(o, where, "admin", 0, admin, sizeof(admin), err, errlen)) != 0)
		return rc;
	if (vs_port_kind_parse(kind, &c->kind) != 0) {
		snprintf(err, errlen, "%s%skind: unknown kind '%s' (phy, ring, emulated, host, pcap, netvsc, vdev)", where,
			 *where ? "." : "", kind);
		return -EINVAL;
	}
	if (strcmp(admin, "up") != 0 && strcmp(admin, "down") != 0) {
		snprintf(err, errlen, "%s%sadmin: expected 'up' or 'down'", where, *where ? "." : "");
		return -EINVAL;
	}
	c->admin_down = strcmp(admin, "down") == 0;
	if (cJSON_HasObjectItem(o, "lcore")) {
		uint32_t l = 0;

		if ((rc = vs_ctl_get_u32(o, where, "lcore", 0, 65535, &l, err, errlen)) != 0)
			return rc;
		c->pinned = true;
		c->lcore = (uint16_t)l;
	}
	if ((rc = vs_ctl_get_bool(o, where, "vmq", &c->vmq, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_u32(o, where, "queues", 1, 8, &c->queues, err, errlen)) != 0)
		return rc;
	if (c->queues != 0 && c->kind != VS_PORT_NETVSC && c->kind != VS_PORT_PHY &&
	    c->kind != VS_PORT_VDEV) {
		snprintf(err, errlen,
			 "%s%squeues: only a netvsc port (its channels) or a phy or vdev port (its "
			 "receive queues) takes it",
			 where, *where ? "." : "");
		return -EINVAL;
	}
	if ((rc = vs_ctl_parse_queue_lcores(o, where, c, err, errlen)) != 0)
		return rc;
	if ((rc = vs_ctl_parse_security(o, where, c, err, errlen)) != 0 ||
	    (rc = vs_ctl_parse_offload(o, where, &c->offload, err, errlen)) != 0 ||
	    (rc = vs_ctl_parse_storm(o, where, &c->storm, err, errlen)) != 0)
		return rc;
	if ((rc = vs_ctl_get_str(o, where, "ifname", 0, c->ifname, sizeof(c->ifname), err,
				 errlen)) != 0 ||
	    (rc = vs_ctl_get_str(o, where, "owner", 0, c->owner, sizeof(c->owner), err, errlen)) !=
		    0 ||
	    (rc = vs_ctl_get_str(o, where, "group", 0, c->group, sizeof(c->group), err, errlen)) !=
		    0 ||
	    (rc = vs_ctl_get_bool(o, where, "adopt", &c->adopt, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_u32(o, where, "mtu", VS_MTU_MIN, VS_MTU_MAX, &c->mtu, err, errlen)) !=
		    0 ||
	    (rc = vs_ctl_get_str(o, where, "rx_pcap", 0, c->rx_pcap, sizeof(c->rx_pcap), err,
				 errlen)) != 0 ||
	    (rc = vs_ctl_get_str(o, where, "tx_pcap", 0, c->tx_pcap, sizeof(c->tx_pcap), err,
				 errlen)) != 0 ||
	    (rc = vs_ctl_get_bool(o, where, "loop", &c->loop, err, errlen)) != 0)
		return rc;
	if (c->kind == VS_PORT_VDEV && c->devargs[0] == '\0') {
		snprintf(err, errlen, "%s%sdevargs: required for a vdev port (e.g. \"net_null0\")",
			 where, *where ? "." : "");
		return -EINVAL;
	}
	if (c->devargs[0] && c->kind != VS_PORT_VDEV && c->kind != VS_PORT_PHY) {
		snprintf(err, errlen,
			 "%s%sdevargs: only a vdev port takes it (an uplink's are its switch's "
			 "\"uplink\")",
			 where, *where ? "." : "");
		return -EINVAL;
	}
	if (c->kind == VS_PORT_PCAP && c->rx_pcap[0] == '\0') {
		snprintf(err, errlen, "%s%srx_pcap: required for a pcap port (the capture it replays)",
			 where, *where ? "." : "");
		return -EINVAL;
	}
	if (c->kind != VS_PORT_PCAP && (c->rx_pcap[0] || c->tx_pcap[0] || c->loop)) {
		snprintf(err, errlen, "%s%s%s: only a pcap port takes it", where, *where ? "." : "",
			 c->rx_pcap[0] ? "rx_pcap" : c->tx_pcap[0] ? "tx_pcap" : "loop");
		return -EINVAL;
	}

	if (addrs != NULL && !cJSON_IsArray(addrs)) {
		snprintf(err, errlen, "%s%saddresses: expected an array of \"address/prefix\"", where,
			 *where ? "." : "");
		return -EINVAL;
	}
	cJSON_ArrayForEach(a, addrs) {
		if (!cJSON_IsString(a) || strchr(a->valuestring, '/') == NULL ||
		    strlen(a->valuestring) >= sizeof(c->addrs[0]) || na == VS_HOST_ADDRS) {
			snprintf(err, errlen,
				 "%s%saddresses[%u]: expected \"address/prefix\" (at most %d addresses)",
				 where, *where ? "." : "", na, VS_HOST_ADDRS);
			return -EINVAL;
		}
		snprintf(c->addrs[na++], sizeof(c->addrs[0]), "%s", a->valuestring);
	}
	if (c->kind != VS_PORT_HOST && na != 0) {
		snprintf(err, errlen, "%s%saddresses: only a host port takes it", where,
			 *where ? "." : "");
		return -EINVAL;
	}
	/* A netvsc port's MTU is the one offered to the guest (its largest
	 * frame, with the guest's own NDIS-config MTU). */
	if (c->kind != VS_PORT_HOST && c->kind != VS_PORT_NETVSC && c->mtu != 0) {
		snprintf(err, errlen, "%s%smtu: only host and netvsc ports take it", where,
			 *where ? "." : "");
		return -EINVAL;
	}
	if (c->kind != VS_PORT_EMULATED && (c->adopt || c->owner[0] || c->group[0])) {
		snprintf(err, errlen, "%s%s%s: only an emulated port takes it", where,
			 *where ? "." : "", c->adopt ? "adopt" : c->owner[0] ? "owner" : "group");
		return -EINVAL;
	}
	if (c->kind == VS_PORT_EMULATED && !c->adopt && !c->owner[0] && !c->group[0]) {
		snprintf(err, errlen,
			 "%s%sowner: an emulated port's tap needs an owner or a group (else any "
			 "user could attach to it), or adopt an existing interface",
			 where, *where ? "." : "");
		return -EINVAL;
	}
	if (c->ifname[0] && c->kind != VS_PORT_EMULATED && c->kind != VS_PORT_HOST) {
		snprintf(err, errlen, "%s%sifname: only emulated and host ports take it", where,
			 *where ? "." : "");
		return -EINVAL;
	}
	if (vlan != NULL)
		return vs_ctl_parse_vlan(vlan, where, &c->vlan, err, errlen);
	return 0;
}
