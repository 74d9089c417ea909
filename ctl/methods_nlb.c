/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NLB clusters: nlb.add, nlb.del, nlb.list.
 *
 * The cluster object is config_nlb.c's; here its names are checked against
 * the live datapath (the switch, each member a port of that switch), and
 * the datapath has the last word on its own rules (a unicast member must
 * allow MAC spoofing: its reason is passed on as it gives it).  As with
 * every change, what is acknowledged is on disk: a change that cannot be
 * saved is undone.  Deleting a port or a switch changes clusters too; the
 * undo helpers at the end let those methods put them back likewise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>

#include "rpc_priv.h"

struct vs_m_nlb_find {
	const char *sw; /* NULL: any */
	uint16_t vlan;  /* 0: any */
	uint32_t ip;    /* 0: any */
	const char *port; /* non-NULL: only clusters configured with this member */
	void (*fn)(const struct vs_nlb_info *i, void *arg);
	void *arg;
};

static bool
vs_m_nlb_has_member(const struct vs_nlb_conf *c, const char *port)
{
	unsigned int i;

	for (i = 0; i < c->n_members && i < VS_NLB_MAX_MEMBERS; i++)
		if (strcmp(c->members[i], port) == 0)
			return true;
	return false;
}

static void
vs_m_nlb_filter(const struct vs_nlb_info *i, void *arg)
{
	const struct vs_m_nlb_find *f = arg;

	if ((f->sw != NULL && strcmp(f->sw, i->conf.switch_name) != 0) ||
	    (f->vlan != 0 && f->vlan != i->conf.vlan) || (f->ip != 0 && f->ip != i->conf.ip) ||
	    (f->port != NULL && !vs_m_nlb_has_member(&i->conf, f->port)))
		return;
	f->fn(i, f->arg);
}

static void
vs_m_nlb_walk(struct vs_ctl *c, struct vs_m_nlb_find *f)
{
	vs_dp_nlb_walk(c->dp, vs_m_nlb_filter, f);
}

/* A cluster's state for nlb.list: its configuration, both notations of
 * its MAC (NLB's, and the colon form every other method prints), each
 * member with why it is one and whether it receives, and its counters. */
static cJSON *
vs_m_nlb_info_json(const struct vs_nlb_info *i)
{
	cJSON *o = vs_ctl_nlb_conf_json(&i->conf), *m, *st;
	char mac[RTE_ETHER_ADDR_FMT_SIZE], nmac[VS_CTL_MAC_LEN];
	struct rte_ether_addr ea;
	unsigned int k;

	memcpy(ea.addr_bytes, i->mac, 6);
	rte_ether_format_addr(mac, sizeof(mac), &ea);
	vs_ctl_nlb_mac_format(i->mac, nmac);
	cJSON_AddStringToObject(o, "mac", mac);
	cJSON_AddStringToObject(o, "nlb_mac", nmac);
	/* "members" of the configuration becomes the live member set. */
	cJSON_DeleteItemFromObjectCaseSensitive(o, "members");
	m = cJSON_AddArrayToObject(o, "members");
	for (k = 0; k < i->n_members && k < VS_NLB_MAX_PORTS; k++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "name", i->member[k].name);
		cJSON_AddBoolToObject(e, "configured", i->member[k].configured);
		cJSON_AddBoolToObject(e, "igmp", i->member[k].igmp);
		cJSON_AddBoolToObject(e, "up", i->member[k].up);
		cJSON_AddItemToArray(m, e);
	}
	st = cJSON_AddObjectToObject(o, "stats");
	cJSON_AddNumberToObject(st, "delivered", (double)i->delivered);
	cJSON_AddNumberToObject(st, "heartbeats", (double)i->heartbeats);
	cJSON_AddNumberToObject(st, "igmp_joins", (double)i->igmp_joins);
	cJSON_AddNumberToObject(st, "igmp_leaves", (double)i->igmp_leaves);
	cJSON_AddNumberToObject(st, "igmp_expired", (double)i->igmp_expired);
	return o;
}

static void
vs_m_nlb_list_one(const struct vs_nlb_info *i, void *arg)
{
	cJSON_AddItemToArray(arg, vs_m_nlb_info_json(i));
}

struct vs_m_nlb_got {
	bool found;
	struct vs_nlb_conf conf;
};

static void
vs_m_nlb_conf_one(const struct vs_nlb_info *i, void *arg)
{
	struct vs_m_nlb_got *g = arg;

	g->found = true;
	g->conf = i->conf;
}

/* The switch exists and every member is one of its ports. */
static int
vs_m_nlb_names(struct vs_ctl *c, const struct vs_nlb_conf *n, char *err, size_t errlen)
{
	unsigned int i;

	if (vs_dp_switch_index(c->dp, n->switch_name) < 0) {
		snprintf(err, errlen, "switch: no switch named '%s'", n->switch_name);
		return -ENOENT;
	}
	for (i = 0; i < n->n_members; i++) {
		int idx = vs_dp_port_index(c->dp, n->members[i]);
		const char *sw = idx < 0 ? NULL : vs_dp_port_switch(c->dp, (unsigned int)idx);

		if (sw == NULL) {
			snprintf(err, errlen, "members[%u]: no port '%s' on switch %s", i,
				 n->members[i], n->switch_name);
			return -ENOENT;
		}
		if (strcmp(sw, n->switch_name) != 0) {
			snprintf(err, errlen, "members[%u]: port '%s' is on switch %s, not %s", i,
				 n->members[i], sw, n->switch_name);
			return -EINVAL;
		}
	}
	return 0;
}

static void
vs_m_nlb_members_text(const struct vs_nlb_conf *n, char *out, size_t len)
{
	size_t off = 0;
	unsigned int i;

	out[0] = '\0';
	for (i = 0; i < n->n_members && off < len; i++)
		off += (size_t)snprintf(out + off, len - off, "%s%s", i ? "," : " with members ",
					n->members[i]);
}

static int
vs_m_nlb_add(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	struct vs_nlb_conf n;
	char ip[VS_CTL_IPV4_LEN], nmac[VS_CTL_MAC_LEN], members[VS_NLB_MAX_MEMBERS * VS_NAME_MAX];
	uint8_t mac[6];
	int rc;

	if ((rc = vs_ctl_parse_nlb(p, "", false, &n, err, errlen)) != 0 ||
	    (rc = vs_m_nlb_names(c, &n, err, errlen)) != 0)
		return rc;
	if (c->dry_run) {
		if ((rc = vs_dp_nlb_add_check(c->dp, &n, err, errlen)) != 0)
			return rc;
		vs_ctl_ipv4_format(n.ip, ip);
		vs_nlb_cluster_mac(n.ip, n.mode, mac);
		vs_ctl_nlb_mac_format(mac, nmac);
		vs_m_nlb_members_text(&n, members, sizeof(members));
		*res = vs_ctl_would("add %s NLB cluster %s (MAC %s) to VLAN %u of switch %s%s%s",
				    vs_nlb_mode_name(n.mode), ip, nmac, n.vlan, n.switch_name,
				    members, n.local_only ? ", local only" : "");
		return 0;
	}
	if ((rc = vs_dp_nlb_add(c->dp, &n, err, errlen)) != 0)
		return rc;
	if ((rc = vs_ctl_persist(c, err, errlen)) != 0) {
		char e2[64];

		vs_dp_nlb_del(c->dp, n.switch_name, n.vlan, n.ip, e2, sizeof(e2));
		return rc;
	}
	/* The answer is the cluster as nlb.list shows it: its MAC at once. */
	{
		struct vs_m_nlb_find f = {.sw = n.switch_name, .vlan = n.vlan, .ip = n.ip,
					  .fn = vs_m_nlb_list_one, .arg = cJSON_CreateArray()};

		vs_m_nlb_walk(c, &f);
		*res = cJSON_DetachItemFromArray(f.arg, 0);
		cJSON_Delete(f.arg);
	}
	return 0;
}

/* "switch", "ip" and "vlan" (default 1) naming an existing cluster: its
 * configuration. */
static int
vs_m_nlb_key(struct vs_ctl *c, const cJSON *p, struct vs_nlb_conf *n, char *err, size_t errlen)
{
	static const char *const keys[] = {"switch", "ip", "vlan", NULL};
	char sw[VS_NAME_MAX], ip[64];
	struct vs_m_nlb_got g = {.found = false};
	struct vs_m_nlb_find f = {.sw = sw, .fn = vs_m_nlb_conf_one, .arg = &g};
	uint32_t vlan = 1;
	int rc;

	if ((rc = vs_ctl_check_keys(p, "", keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "switch", 1, sw, sizeof(sw), err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "ip", 1, ip, sizeof(ip), err, errlen)) != 0 ||
	    (rc = vs_ctl_parse_cluster_ip(ip, "", &f.ip, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_u32(p, "", "vlan", 1, VS_VLAN_MAX, &vlan, err, errlen)) != 0)
		return rc;
	if (vs_dp_switch_index(c->dp, sw) < 0) {
		snprintf(err, errlen, "switch: no switch named '%s'", sw);
		return -ENOENT;
	}
	f.vlan = (uint16_t)vlan;
	vs_m_nlb_walk(c, &f);
	if (!g.found) {
		snprintf(err, errlen, "ip: switch %s has no NLB cluster %s in VLAN %u", sw, ip,
			 f.vlan);
		return -ENOENT;
	}
	*n = g.conf;
	return 0;
}

static int
vs_m_nlb_del(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	struct vs_nlb_conf n;
	char ip[VS_CTL_IPV4_LEN];
	int rc;

	if ((rc = vs_m_nlb_key(c, p, &n, err, errlen)) != 0)
		return rc;
	if (c->dry_run) {
		vs_ctl_ipv4_format(n.ip, ip);
		*res = vs_ctl_would("delete NLB cluster %s from VLAN %u of switch %s", ip, n.vlan,
				    n.switch_name);
		return 0;
	}
	if ((rc = vs_dp_nlb_del(c->dp, n.switch_name, n.vlan, n.ip, err, errlen)) != 0)
		return rc;
	if ((rc = vs_ctl_persist(c, err, errlen)) != 0) {
		char e2[64];

		vs_dp_nlb_add(c->dp, &n, e2, sizeof(e2));
	}
	return rc;
}

static int
vs_m_nlb_list(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"switch", NULL};
	char sw[VS_NAME_MAX] = "";
	struct vs_m_nlb_find f = {.fn = vs_m_nlb_list_one};
	int rc;

	if ((rc = vs_ctl_check_keys(p, "", keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "switch", 0, sw, sizeof(sw), err, errlen)) != 0)
		return rc;
	if (sw[0] != '\0' && vs_dp_switch_index(c->dp, sw) < 0) {
		snprintf(err, errlen, "switch: no switch named '%s'", sw);
		return -ENOENT;
	}
	/* What the workers snooped since the control loop's last turn, so
	 * the member set shown is the one frames meet now. */
	vs_dp_nlb_tick(c->dp);
	f.sw = sw[0] ? sw : NULL;
	f.arg = *res = cJSON_CreateArray();
	vs_m_nlb_walk(c, &f);
	return 0;
}

int
vs_ctl_register_nlb_methods(struct vs_ctl *c)
{
	static const struct vs_ctl_method m[] = {
		{"nlb.add", vs_m_nlb_add, true},
		{"nlb.del", vs_m_nlb_del, true},
		{"nlb.list", vs_m_nlb_list, false},
	};

	return vs_ctl_register_table(c, m, sizeof(m) / sizeof(m[0]));
}

/* ---- undoing what deleting a port or a switch did to clusters ---- */

struct vs_ctl_nlb_undo {
	unsigned int n;
	struct vs_nlb_conf c[VS_NLB_MAX_CLUSTERS];
};

static void
vs_m_nlb_undo_one(const struct vs_nlb_info *i, void *arg)
{
	struct vs_ctl_nlb_undo *u = arg;

	if (u->n < VS_NLB_MAX_CLUSTERS)
		u->c[u->n++] = i->conf;
}

struct vs_ctl_nlb_undo *
vs_ctl_nlb_undo_take(struct vs_ctl *c, const char *sw, const char *port)
{
	struct vs_ctl_nlb_undo *u = calloc(1, sizeof(*u));
	struct vs_m_nlb_find f = {.sw = sw, .port = port, .fn = vs_m_nlb_undo_one, .arg = u};

	if (u != NULL)
		vs_m_nlb_walk(c, &f);
	return u;
}

void
vs_ctl_nlb_undo_apply(struct vs_ctl *c, struct vs_ctl_nlb_undo *u)
{
	char e2[256];
	unsigned int i;

	for (i = 0; u != NULL && i < u->n; i++) {
		/* A port's cluster is still there, without it; a switch's is not. */
		vs_dp_nlb_del(c->dp, u->c[i].switch_name, u->c[i].vlan, u->c[i].ip, e2, sizeof(e2));
		vs_dp_nlb_add(c->dp, &u->c[i], e2, sizeof(e2));
	}
	free(u);
}
