/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NLB clusters in the control protocol: one object is both the params of
 * nlb.add and an element of the configuration document's "nlb" array,
 *
 *   { "switch": "sw0", "ip": "10.0.0.100", "mode": "unicast", "vlan": 10,
 *     "local_only": false, "members": [ "vm1", "vm2" ] }
 *
 * "vlan" defaults to 1 (where VLAN-unaware ports are), "local_only" to
 * false, "members" are port names of the switch (the configured members;
 * in IGMP mode the ports that join by IGMP are soft state and never saved).
 * This file checks the fields; whether the names exist is the caller's
 * question, asked of a live datapath (methods_nlb.c) or of the rest of a
 * document (config.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_priv.h"

void
vs_ctl_ipv4_format(uint32_t ip, char out[VS_CTL_IPV4_LEN])
{
	snprintf(out, VS_CTL_IPV4_LEN, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff);
}

void
vs_ctl_nlb_mac_format(const uint8_t mac[6], char out[VS_CTL_MAC_LEN])
{
	snprintf(out, VS_CTL_MAC_LEN, "%02X-%02X-%02X-%02X-%02X-%02X", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
}

/*
 * A cluster IP is a unicast address the cluster's hosts answer on: the
 * cluster MAC is derived from it, and the IGMP group from its last two
 * bytes.  inet_pton takes only four decimal parts, so "10.1" or "0x0a.0.0.1"
 * (which inet_aton would accept) are refused as a user would expect.
 */
int
vs_ctl_parse_cluster_ip(const char *s, const char *where, uint32_t *out, char *err,
			size_t errlen)
{
	const char *w = *where ? "." : "";
	struct in_addr a;
	uint32_t ip;

	if (inet_pton(AF_INET, s, &a) != 1) {
		snprintf(err, errlen, "%s%sip: '%s' is not an IPv4 address", where, w, s);
		return -EINVAL;
	}
	ip = ntohl(a.s_addr);
	if ((ip >> 24) == 0 || (ip >> 24) == 127 || ip >= 0xe0000000u) {
		snprintf(err, errlen, "%s%sip: %s is %s, not a cluster IP (a unicast address)", where, w, s,
			 (ip >> 24) == 0	   ? "in 0.0.0.0/8"
			 : (ip >> 24) == 127	   ? "a loopback address"
			 : ip == 0xffffffffu	   ? "the broadcast address"
			 : ip < 0xf0000000u	   ? "a multicast address"
						   : "in the reserved 240.0.0.0/4");
		return -EINVAL;
	}
	*out = ip;
	return 0;
}

static int
vs_ctl_parse_members(const cJSON *m, const char *w, struct vs_nlb_conf *c, char *err,
		     size_t errlen)
{
	const cJSON *it;
	unsigned int i;

	if (!cJSON_IsArray(m)) {
		snprintf(err, errlen, "%smembers: expected an array of port names", w);
		return -EINVAL;
	}
	cJSON_ArrayForEach(it, m) {
		unsigned int n = c->n_members;

		if (n == VS_NLB_MAX_MEMBERS) {
			snprintf(err, errlen, "%smembers: more than %d (NLB's limit of hosts in a cluster)",
				 w, VS_NLB_MAX_MEMBERS);
			return -EINVAL;
		}
		if (!cJSON_IsString(it) || it->valuestring[0] == '\0' ||
		    strlen(it->valuestring) >= VS_NAME_MAX) {
			snprintf(err, errlen, "%smembers[%u]: expected a port name (a string of 1 to %d characters)",
				 w, n, VS_NAME_MAX - 1);
			return -EINVAL;
		}
		for (i = 0; i < n; i++)
			if (strcmp(c->members[i], it->valuestring) == 0) {
				snprintf(err, errlen, "%smembers[%u]: '%s' is listed twice", w, n,
					 it->valuestring);
				return -EINVAL;
			}
		snprintf(c->members[n], VS_NAME_MAX, "%s", it->valuestring);
		c->n_members++;
	}
	return 0;
}

int
vs_ctl_parse_nlb(const cJSON *o, const char *where, bool allow_no_members, struct vs_nlb_conf *c,
		 char *err, size_t errlen)
{
	static const char *const keys[] = {"switch", "ip", "mode", "vlan", "local_only", "members",
					   NULL};
	const cJSON *members = cJSON_GetObjectItemCaseSensitive(o, "members");
	char ip[64], mode[16], w[48];
	uint32_t vlan = 1;
	int rc;

	memset(c, 0, sizeof(*c));
	snprintf(w, sizeof(w), "%s%s", where, *where ? "." : "");
	if ((rc = vs_ctl_check_keys(o, where, keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(o, where, "switch", 1, c->switch_name, sizeof(c->switch_name),
				 err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(o, where, "ip", 1, ip, sizeof(ip), err, errlen)) != 0 ||
	    (rc = vs_ctl_parse_cluster_ip(ip, where, &c->ip, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(o, where, "mode", 1, mode, sizeof(mode), err, errlen)) != 0)
		return rc;
	if (vs_nlb_mode_parse(mode, &c->mode) != 0) {
		snprintf(err, errlen, "%smode: '%s' is not unicast, multicast or igmp", w, mode);
		return -EINVAL;
	}
	if ((rc = vs_ctl_get_u32(o, where, "vlan", 1, VS_VLAN_MAX, &vlan, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_bool(o, where, "local_only", &c->local_only, err, errlen)) != 0)
		return rc;
	c->vlan = (uint16_t)vlan;
	if (members != NULL && (rc = vs_ctl_parse_members(members, w, c, err, errlen)) != 0)
		return rc;
	/* Only IGMP mode finds members by itself; a unicast or multicast
	 * cluster without any would deliver its frames nowhere.  A saved
	 * document may still hold one whose member ports were all deleted. */
	if (c->n_members == 0 && c->mode != VS_NLB_IGMP && !allow_no_members) {
		snprintf(err, errlen,
			 "%smembers: required in %s mode (the ports of the cluster's hosts); only "
			 "igmp mode finds its members by itself, from their IGMP reports",
			 w, vs_nlb_mode_name(c->mode));
		return -EINVAL;
	}
	return 0;
}

cJSON *
vs_ctl_nlb_conf_json(const struct vs_nlb_conf *c)
{
	cJSON *o = cJSON_CreateObject(), *m;
	char ip[VS_CTL_IPV4_LEN];
	unsigned int i;

	vs_ctl_ipv4_format(c->ip, ip);
	cJSON_AddStringToObject(o, "switch", c->switch_name);
	cJSON_AddStringToObject(o, "ip", ip);
	cJSON_AddStringToObject(o, "mode", vs_nlb_mode_name(c->mode));
	cJSON_AddNumberToObject(o, "vlan", c->vlan);
	cJSON_AddBoolToObject(o, "local_only", c->local_only);
	m = cJSON_AddArrayToObject(o, "members");
	for (i = 0; i < c->n_members && i < VS_NLB_MAX_MEMBERS; i++)
		cJSON_AddItemToArray(m, cJSON_CreateString(c->members[i]));
	return o;
}

/* The switch (its index) a port of a document is on: the port is one of
 * its "ports", or an auto port a switch's type gives it; or -ENOENT. */
static int
vs_ctl_doc_port_switch(const char *port, const struct vs_switch_conf *sws, unsigned int n_sw,
		       const struct vs_port_conf *ports, unsigned int n_port)
{
	char auto_name[VS_NAME_MAX];
	unsigned int i;

	for (i = 0; i < n_port; i++)
		if (strcmp(ports[i].name, port) == 0) {
			unsigned int j;

			for (j = 0; j < n_sw; j++)
				if (strcmp(sws[j].name, ports[i].switch_name) == 0)
					return (int)j;
			return -ENOENT;
		}
	for (i = 0; i < n_sw; i++) {
		const struct vs_switch_conf *s = &sws[i];

		vs_switch_uplink_name(s->name, auto_name);
		if (s->type == VS_SWITCH_EXTERNAL && strcmp(auto_name, port) == 0)
			return (int)i;
		vs_switch_host_name(s->name, auto_name);
		if ((s->type == VS_SWITCH_INTERNAL ||
		     (s->type == VS_SWITCH_EXTERNAL && s->allow_management_os)) &&
		    strcmp(auto_name, port) == 0)
			return (int)i;
	}
	return -ENOENT;
}

int
vs_ctl_check_nlb_doc(const struct vs_nlb_conf *nlb, unsigned int idx,
		     const struct vs_switch_conf *sws, unsigned int n_sw,
		     const struct vs_port_conf *ports, unsigned int n_port, char *err,
		     size_t errlen)
{
	const struct vs_nlb_conf *c = &nlb[idx];
	char ip[VS_CTL_IPV4_LEN];
	unsigned int i, sw;
	int at;

	for (sw = 0; sw < n_sw; sw++)
		if (strcmp(sws[sw].name, c->switch_name) == 0)
			break;
	if (sw == n_sw) {
		snprintf(err, errlen, "nlb[%u].switch: no switch named '%s'", idx, c->switch_name);
		return -ENOENT;
	}
	for (i = 0; i < c->n_members; i++) {
		at = vs_ctl_doc_port_switch(c->members[i], sws, n_sw, ports, n_port);
		if (at < 0) {
			snprintf(err, errlen, "nlb[%u].members[%u]: no port '%s' on switch %s", idx, i,
				 c->members[i], c->switch_name);
			return -ENOENT;
		}
		if ((unsigned int)at != sw) {
			snprintf(err, errlen, "nlb[%u].members[%u]: port '%s' is on switch %s, not %s",
				 idx, i, c->members[i], sws[at].name, c->switch_name);
			return -EINVAL;
		}
	}
	for (i = 0; i < idx; i++)
		if (nlb[i].ip == c->ip && nlb[i].vlan == c->vlan &&
		    strcmp(nlb[i].switch_name, c->switch_name) == 0) {
			vs_ctl_ipv4_format(c->ip, ip);
			snprintf(err, errlen, "nlb[%u].ip: cluster %s is listed twice for VLAN %u of switch %s (nlb[%u])",
				 idx, ip, c->vlan, c->switch_name, i);
			return -EEXIST;
		}
	return 0;
}
