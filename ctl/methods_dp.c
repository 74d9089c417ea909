/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Methods on switches and ports (the MAC table, counters, configuration
 * and the daemon are in methods_info.c).
 * Mutating methods change the datapath, then persist; if persisting fails
 * the change is undone, so what is acknowledged is always on disk.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_version.h>

#include "rpc_priv.h"

/* "with uplink X (device not probed) and host vNIC Y" for dry runs. */
static void
vs_m_switch_parts(const struct vs_switch_conf *sc, char *out, size_t len)
{
	char ifn[VS_IFNAME_MAX];
	size_t off = 0;

	out[0] = '\0';
	if (sc->type == VS_SWITCH_EXTERNAL)
		off += (size_t)snprintf(out, len, " with uplink %s" VS_UPLINK_SUFFIX
					" (device not probed): %s",
					sc->name, sc->uplink);
	if (off < len && (sc->type == VS_SWITCH_INTERNAL ||
			  (sc->type == VS_SWITCH_EXTERNAL && sc->allow_management_os))) {
		vs_switch_host_ifname(sc, ifn);
		snprintf(out + off, len - off, "%s host vNIC %s" VS_HOST_SUFFIX " (interface %s)",
			 off ? " and" : " with", sc->name, ifn);
	}
}

static int
vs_m_switch_add(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	struct vs_switch_conf sc;
	char parts[VS_DEVARGS_MAX + 128];
	int rc;

	if ((rc = vs_ctl_parse_switch(p, "", &sc, err, errlen)) != 0)
		return rc;
	if (c->dry_run) {
		if ((rc = vs_dp_switch_check(c->dp, &sc, err, errlen)) == 0) {
			vs_m_switch_parts(&sc, parts, sizeof(parts));
			*res = vs_ctl_would("add %s switch %s%s", vs_switch_type_name(sc.type),
					    sc.name, parts);
		}
		return rc;
	}
	if ((rc = vs_dp_switch_add(c->dp, &sc, err, errlen)) != 0)
		return rc;
	if ((rc = vs_ctl_persist(c, err, errlen)) != 0) {
		char e2[64];

		vs_dp_switch_del(c->dp, sc.name, e2, sizeof(e2));
	}
	return rc;
}

/*
 * switch.set: the switch as it is, with what the params change.  Leaving
 * the external type drops the uplink and allow_management_os unless given;
 * "host" gives the settings of a host vNIC still to be created.
 */
static int
vs_m_switch_set(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"name", "type", "uplink", "allow_management_os",
					   "host", NULL};
	struct vs_switch_conf old, sc;
	char name[VS_NAME_MAX], type[16] = "", hn[VS_NAME_MAX], parts[VS_DEVARGS_MAX + 128];
	bool had_host;
	int rc, idx;

	(void)res;
	if ((rc = vs_ctl_check_keys(p, "", keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "name", 1, name, sizeof(name), err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "type", 0, type, sizeof(type), err, errlen)) != 0)
		return rc;
	idx = vs_dp_switch_index(c->dp, name);
	if (idx < 0) {
		snprintf(err, errlen, "name: no switch named '%s'", name);
		return -ENOENT;
	}
	vs_dp_switch_conf(c->dp, (unsigned int)idx, &old);
	sc = old;
	if (type[0] && vs_switch_type_parse(type, &sc.type) != 0) {
		snprintf(err, errlen, "type: '%s' is not external, internal or private", type);
		return -EINVAL;
	}
	if (sc.type != VS_SWITCH_EXTERNAL) {
		sc.uplink[0] = '\0';
		sc.allow_management_os = false;
	}
	if ((rc = vs_ctl_get_str(p, "", "uplink", 0, sc.uplink, sizeof(sc.uplink), err,
				 errlen)) != 0 ||
	    (rc = vs_ctl_get_bool(p, "", "allow_management_os", &sc.allow_management_os, err,
				  errlen)) != 0 ||
	    (rc = vs_ctl_parse_switch_extras(p, "", &sc, err, errlen)) != 0)
		return rc;
	vs_switch_host_name(name, hn);
	had_host = hn[0] && vs_dp_port_index(c->dp, hn) >= 0;
	if (cJSON_HasObjectItem(p, "host") && had_host &&
	    (sc.type == VS_SWITCH_INTERNAL || sc.allow_management_os)) {
		snprintf(err, errlen,
			 "host: the host vNIC %s exists: change its settings with port.set %s", hn,
			 hn);
		return -EINVAL;
	}
	if (c->dry_run) {
		if ((rc = vs_dp_switch_set_check(c->dp, &sc, err, errlen)) == 0) {
			vs_m_switch_parts(&sc, parts, sizeof(parts));
			*res = vs_ctl_would("make switch %s %s%s", name,
					    vs_switch_type_name(sc.type), parts);
		}
		return rc;
	}
	if ((rc = vs_dp_switch_set(c->dp, &sc, err, errlen)) != 0)
		return rc;
	if ((rc = vs_ctl_persist(c, err, errlen)) != 0) {
		char e2[64];

		vs_dp_switch_set(c->dp, &old, e2, sizeof(e2));
	}
	return rc;
}

/* The "name" of an existing switch or port. */
static int
vs_m_name(const cJSON *p, const char *const *keys, char *name, char *err, size_t errlen)
{
	int rc = vs_ctl_check_keys(p, "", keys, err, errlen);

	if (rc == 0)
		rc = vs_ctl_get_str(p, "", "name", 1, name, VS_NAME_MAX, err, errlen);
	return rc;
}

static int
vs_m_switch_del(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"name", NULL};
	struct vs_ctl_nlb_undo *nlb;
	struct vs_switch_conf sc;
	char name[VS_NAME_MAX];
	int rc, idx;

	if ((rc = vs_m_name(p, keys, name, err, errlen)) != 0)
		return rc;
	if (c->dry_run) {
		if ((rc = vs_dp_switch_del_check(c->dp, name, err, errlen)) == 0)
			*res = vs_ctl_would("delete switch %s", name);
		return rc;
	}
	idx = vs_dp_switch_index(c->dp, name);
	if (idx >= 0)
		vs_dp_switch_conf(c->dp, (unsigned int)idx, &sc);
	nlb = vs_ctl_nlb_undo_take(c, name, NULL); /* its clusters go with it */
	if ((rc = vs_dp_switch_del(c->dp, name, err, errlen)) != 0) {
		free(nlb);
		return rc;
	}
	if ((rc = vs_ctl_persist(c, err, errlen)) != 0) {
		char e2[64];

		vs_dp_switch_add(c->dp, &sc, e2, sizeof(e2));
		vs_ctl_nlb_undo_apply(c, nlb);
	} else {
		free(nlb);
	}
	return rc;
}

static cJSON *
vs_m_switch_summary(const struct vs_dp *dp, unsigned int sw)
{
	cJSON *o = vs_ctl_switch_json(dp, sw);
	cJSON *ports = cJSON_AddArrayToObject(o, "ports");
	const char *name = vs_dp_switch_name(dp, sw);
	struct vs_port_conf pc;
	unsigned int i;

	for (i = 0; i < VS_MAX_PORTS; i++) {
		const char *ps = vs_dp_port_switch(dp, i);

		if (ps == NULL || strcmp(ps, name) != 0)
			continue;
		cJSON_AddItemToArray(ports, cJSON_CreateString(vs_dp_port_name(dp, i)));
		if (vs_dp_port_is_auto(dp, i) && vs_dp_port_conf(dp, i, &pc) == 0)
			cJSON_AddStringToObject(o, pc.kind == VS_PORT_PHY ? "uplink_port_name"
									  : "host_port_name",
						pc.name);
	}
	return o;
}

static int
vs_m_switch_list(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {NULL};
	unsigned int i;
	int rc = vs_ctl_check_keys(p, "", keys, err, errlen);

	if (rc != 0)
		return rc;
	*res = cJSON_CreateArray();
	for (i = 0; i < VS_MAX_SWITCHES; i++)
		if (vs_dp_switch_name(c->dp, i) != NULL)
			cJSON_AddItemToArray(*res, vs_m_switch_summary(c->dp, i));
	return 0;
}

static int
vs_m_switch_get(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"name", NULL};
	char name[VS_NAME_MAX];
	int rc, idx;

	if ((rc = vs_m_name(p, keys, name, err, errlen)) != 0)
		return rc;
	idx = vs_dp_switch_index(c->dp, name);
	if (idx < 0) {
		snprintf(err, errlen, "name: no switch named '%s'", name);
		return -ENOENT;
	}
	*res = vs_m_switch_summary(c->dp, (unsigned int)idx);
	return 0;
}

static int
vs_m_port_add(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	struct vs_port_conf pc;
	int rc;

	(void)res;
	if ((rc = vs_ctl_parse_port(p, "", &pc, err, errlen)) != 0)
		return rc;
	if (vs_dp_switch_index(c->dp, pc.switch_name) < 0) {
		snprintf(err, errlen, "switch: no switch named '%s'", pc.switch_name);
		return -ENOENT;
	}
	if (c->dry_run) {
		if ((rc = vs_dp_port_check(c->dp, &pc, err, errlen)) == 0)
			*res = vs_ctl_would("add %s port %s to switch %s%s%s", vs_port_kind_name(pc.kind),
					    pc.name, pc.switch_name,
					    pc.kind == VS_PORT_VDEV ? " (device not probed): " : "",
					    pc.kind == VS_PORT_VDEV ? pc.devargs : "");
		return rc;
	}
	if ((rc = vs_dp_port_add(c->dp, &pc, err, errlen)) != 0)
		return rc;
	if ((rc = vs_ctl_persist(c, err, errlen)) != 0) {
		char e2[64];

		vs_dp_port_del(c->dp, pc.name, e2, sizeof(e2));
	}
	return rc;
}

static int
vs_m_port_del(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"name", NULL};
	struct vs_ctl_nlb_undo *nlb;
	struct vs_port_conf pc;
	char name[VS_NAME_MAX];
	int rc, idx;

	(void)res;
	if ((rc = vs_m_name(p, keys, name, err, errlen)) != 0)
		return rc;
	idx = vs_dp_port_index(c->dp, name);
	if (idx < 0) {
		snprintf(err, errlen, "name: no port named '%s'", name);
		return -ENOENT;
	}
	if (vs_dp_port_is_auto(c->dp, (unsigned int)idx))
		return vs_dp_port_del(c->dp, name, err, errlen); /* refused, naming the rule */
	if (c->dry_run) {
		*res = vs_ctl_would("delete port %s", name);
		return 0;
	}
	vs_dp_port_conf(c->dp, (unsigned int)idx, &pc);
	nlb = vs_ctl_nlb_undo_take(c, NULL, name); /* it leaves these clusters */
	if ((rc = vs_dp_port_del(c->dp, name, err, errlen)) != 0) {
		free(nlb);
		return rc;
	}
	if ((rc = vs_ctl_persist(c, err, errlen)) != 0) {
		char e2[64];

		vs_dp_port_add(c->dp, &pc, e2, sizeof(e2));
		vs_ctl_nlb_undo_apply(c, nlb);
	} else {
		free(nlb);
	}
	return rc;
}

static int
vs_m_port_set(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"name",	   "admin",	 "vlan",	 "mac",
					   "mac_spoofing", "dhcp_guard", "router_guard", "mtu",
					   "offload",	   "storm_control", "queue", "lcore",
					   "vmq",	   "quarantine", NULL};
	const cJSON *vlan = cJSON_GetObjectItemCaseSensitive(p, "vlan");
	bool has_mtu = cJSON_HasObjectItem(p, "mtu");
	bool offload = cJSON_HasObjectItem(p, "offload");
	bool storm = cJSON_HasObjectItem(p, "storm_control");
	struct vs_offload_settings ol;
	struct vs_storm_control sc;
	struct vs_port_link link;
	uint32_t mtu = 0;
	bool security = cJSON_HasObjectItem(p, "mac") || cJSON_HasObjectItem(p, "mac_spoofing") ||
			cJSON_HasObjectItem(p, "dhcp_guard") ||
			cJSON_HasObjectItem(p, "router_guard");
	struct vs_port_conf sec;
	struct vs_vlan_policy policy;
	struct vs_port_conf pc;
	struct vs_ctl_vmq_set vq;
	bool placing;
	int quarantine;
	char name[VS_NAME_MAX], admin[16] = "";
	int rc, idx;

	(void)res;
	if ((rc = vs_m_name(p, keys, name, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "admin", 0, admin, sizeof(admin), err, errlen)) != 0 ||
	    (rc = vs_ctl_get_u32(p, "", "mtu", 0, UINT32_MAX, &mtu, err, errlen)) != 0 ||
	    (rc = vs_ctl_parse_quarantine(p, &quarantine, err, errlen)) != 0)
		return rc;
	idx = vs_dp_port_index(c->dp, name);
	if (idx < 0) {
		snprintf(err, errlen, "name: no port named '%s'", name);
		return -ENOENT;
	}
	if (admin[0] != '\0' && strcmp(admin, "up") != 0 && strcmp(admin, "down") != 0) {
		snprintf(err, errlen, "admin: expected 'up' or 'down', got '%s'", admin);
		return -EINVAL;
	}
	/* Everything is validated before anything changes. */
	if (vlan != NULL && (rc = vs_ctl_parse_vlan(vlan, "", &policy, err, errlen)) != 0)
		return rc;
	vs_dp_port_conf(c->dp, (unsigned int)idx, &sec);
	if (security && (rc = vs_ctl_parse_security(p, "", &sec, err, errlen)) != 0)
		return rc;
	if (has_mtu && (rc = vs_dp_port_set_mtu_check(c->dp, name, mtu, err, errlen)) != 0)
		return rc;
	ol = sec.offload;
	if (offload && (rc = vs_ctl_parse_offload(p, "", &ol, err, errlen)) != 0)
		return rc;
	sc = sec.storm;
	if (storm && (rc = vs_ctl_parse_storm(p, "", &sc, err, errlen)) != 0)
		return rc;
	if ((rc = vs_ctl_parse_vmq_set(p, &vq, err, errlen)) != 0 ||
	    (rc = vs_ctl_vmq_set_check(c, name, &vq, err, errlen)) != 0)
		return rc;
	placing = vq.has_lcore || vq.has_vmq;
	if (c->dry_run) {
		char ols[64] = "";

		if (offload)
			vs_offload_settings_format(&ol, ols, sizeof(ols));
		char allowed[256] = "";

		if (vlan != NULL && policy.mode == VS_VLAN_MODE_TRUNK)
			vs_vlan_allowed_format(&policy, allowed, sizeof(allowed));
		char mtus[24] = "";

		if (has_mtu)
			snprintf(mtus, sizeof(mtus), " mtu %u", mtu);
		char storms[96] = "";

		if (storm)
			vs_storm_format(&sc, storms, sizeof(storms));
		*res = vs_ctl_would("set port %s%s%s%s%s%s%s%s%s%s%s%s%s%s", name,
				    placing ? " placement" : "", vq.has_vmq ? (vq.vmq ? " vmq on" : " vmq off") : "",
				    security ? " security" : "",
				    admin[0] ? " admin " : "", admin,
				    vlan ? " vlan " : "",
				    vlan ? (policy.mode == VS_VLAN_MODE_TRUNK ? allowed
							  : vs_vlan_mode_name(policy.mode))
					 : "",
				    mtus, offload ? " offload " : "", ols,
				    storm ? " storm_control " : "", storms,
				    quarantine < 0 ? "" : quarantine ? " quarantine on" : " quarantine off");
		return 0;
	}
	vs_dp_port_conf(c->dp, (unsigned int)idx, &pc);
	/* An MTU of 0 ("keep") is undone to what the interface had. */
	if (vs_dp_port_link(c->dp, (unsigned int)idx, &link) != 0)
		link.mtu = 0;
	if (vlan != NULL && (rc = vs_dp_port_set_vlan(c->dp, name, &policy, err, errlen)) != 0)
		return rc;
	if (security && (rc = vs_dp_port_set_security(c->dp, name, &sec, err, errlen)) != 0)
		goto undo;
	if (admin[0] != '\0' &&
	    (rc = vs_dp_port_set_admin(c->dp, name, strcmp(admin, "up") == 0, err, errlen)) != 0)
		goto undo;
	if (has_mtu && (rc = vs_dp_port_set_mtu(c->dp, name, mtu, err, errlen)) != 0)
		goto undo;
	if (offload && (rc = vs_dp_port_set_offload(c->dp, name, &ol, err, errlen)) != 0)
		goto undo;
	if (storm && (rc = vs_dp_port_set_storm(c->dp, name, &sc, err, errlen)) != 0)
		goto undo;
	if (placing && (rc = vs_ctl_vmq_set_apply(c, name, &vq, err, errlen)) != 0)
		goto undo;
	/* Last: state, not configuration, so nothing to undo after it. */
	if (quarantine >= 0 &&
	    (rc = vs_dp_port_set_quarantine(c->dp, name, quarantine == 1, err, errlen)) != 0)
		goto undo;
	if (vlan == NULL && admin[0] == '\0' && !security && !has_mtu && !offload && !storm &&
	    !placing)
		return 0;
	if ((rc = vs_ctl_persist(c, err, errlen)) == 0)
		return 0;
undo: {
	char e2[64];

	vs_dp_port_set_admin(c->dp, name, !pc.admin_down, e2, sizeof(e2));
	if (vlan != NULL)
		vs_dp_port_set_vlan(c->dp, name, &pc.vlan, e2, sizeof(e2));
	if (security)
		vs_dp_port_set_security(c->dp, name, &pc, e2, sizeof(e2));
	if (has_mtu && (pc.mtu ? pc.mtu : link.mtu) != 0) {
		vs_dp_port_set_mtu(c->dp, name, pc.mtu ? pc.mtu : link.mtu, e2, sizeof(e2));
		if (pc.mtu == 0) /* back to "keep" */
			vs_dp_port_set_mtu(c->dp, name, 0, e2, sizeof(e2));
	}
	if (offload)
		vs_dp_port_set_offload(c->dp, name, &pc.offload, e2, sizeof(e2));
	if (storm)
		vs_dp_port_set_storm(c->dp, name, &pc.storm, e2, sizeof(e2));
	if (placing)
		vs_ctl_vmq_set_undo(c, name, &vq, &pc);
}
	return rc;
}

cJSON *
vs_ctl_port_stats_json(const struct vs_dp *dp, unsigned int idx)
{
	struct vs_port_stats s;
	cJSON *o = cJSON_CreateObject(), *d;
	unsigned int r;

	vs_dp_port_stats(dp, idx, &s);
	cJSON_AddNumberToObject(o, "rx_packets", (double)s.rx_packets);
	cJSON_AddNumberToObject(o, "rx_bytes", (double)s.rx_bytes);
	cJSON_AddNumberToObject(o, "tx_packets", (double)s.tx_packets);
	cJSON_AddNumberToObject(o, "tx_bytes", (double)s.tx_bytes);
	cJSON_AddNumberToObject(o, "fwd_unicast", (double)s.fwd_unicast);
	cJSON_AddNumberToObject(o, "fwd_flood", (double)s.fwd_flood);
	d = cJSON_AddObjectToObject(o, "drops");
	for (r = 0; r < VS_DROP_MAX; r++)
		cJSON_AddNumberToObject(d, vs_drop_reason_name(r), (double)s.drops[r]);
	return o;
}

static int
vs_m_port_list(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"switch", NULL};
	char sw[VS_NAME_MAX] = "";
	unsigned int i;
	int rc;

	if ((rc = vs_ctl_check_keys(p, "", keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "switch", 0, sw, sizeof(sw), err, errlen)) != 0)
		return rc;
	if (sw[0] != '\0' && vs_dp_switch_index(c->dp, sw) < 0) {
		snprintf(err, errlen, "switch: no switch named '%s'", sw);
		return -ENOENT;
	}
	*res = cJSON_CreateArray();
	for (i = 0; i < VS_MAX_PORTS; i++) {
		const char *ps = vs_dp_port_switch(c->dp, i);
		cJSON *o;

		if (ps == NULL || (sw[0] != '\0' && strcmp(ps, sw) != 0))
			continue;
		o = vs_ctl_port_json(c->dp, i);
		cJSON_AddItemToObject(o, "stats", vs_ctl_port_stats_json(c->dp, i));
		cJSON_AddItemToArray(*res, o);
	}
	return 0;
}

static void
vs_m_counter_add(const char *name, uint64_t value, void *arg)
{
	cJSON_AddNumberToObject(arg, name, (double)value);
}

static int
vs_m_port_get(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"name", NULL};
	char name[VS_NAME_MAX];
	int rc, idx;

	if ((rc = vs_m_name(p, keys, name, err, errlen)) != 0)
		return rc;
	idx = vs_dp_port_index(c->dp, name);
	if (idx < 0) {
		snprintf(err, errlen, "name: no port named '%s'", name);
		return -ENOENT;
	}
	*res = vs_ctl_port_json(c->dp, (unsigned int)idx);
	{
		/* What the port's device (or kind) can do, and what it does
		 * under its settings. */
		uint32_t sup, act;
		char txt[256];

		vs_dp_port_offload_caps(c->dp, (unsigned int)idx, &sup, &act);
		vs_offload_caps_format(sup, txt, sizeof(txt));
		cJSON_AddStringToObject(*res, "offload_supported", txt);
		vs_offload_caps_format(act, txt, sizeof(txt));
		cJSON_AddStringToObject(*res, "offload_active", txt);
	}
	vs_ctl_port_vmq_json(c->dp, (unsigned int)idx, *res);
	vs_ctl_port_quarantine_json(c->dp, (unsigned int)idx, *res);
	cJSON_AddItemToObject(*res, "stats", vs_ctl_port_stats_json(c->dp, (unsigned int)idx));
	{
		struct vs_port_link l;
		cJSON *o;

		cJSON *bc = cJSON_CreateObject();

		/* The backend's own counters (a netvsc channel's protocol). */
		vs_dp_port_backend_counters(c->dp, (unsigned int)idx, vs_m_counter_add, bc);
		if (cJSON_GetArraySize(bc) > 0)
			cJSON_AddItemToObject(*res, "backend", bc);
		else
			cJSON_Delete(bc);
		if (vs_dp_port_link(c->dp, (unsigned int)idx, &l) == 0) {
			o = cJSON_AddObjectToObject(*res, "link");
			cJSON_AddBoolToObject(o, "up", l.up);
			if (l.speed_mbps)
				cJSON_AddNumberToObject(o, "speed_mbps", l.speed_mbps);
			if (l.guest != NULL)
				cJSON_AddStringToObject(o, "guest", l.guest);
			if (l.kernel) {
				char mac[RTE_ETHER_ADDR_FMT_SIZE];

				if (l.gone)
					cJSON_AddBoolToObject(o, "gone", true);

				{
					struct rte_ether_addr ea_; /* the bytes may sit at any address */

					memcpy(ea_.addr_bytes, l.mac, 6);
					rte_ether_format_addr(mac, sizeof(mac), &ea_);
				}
				cJSON_AddStringToObject(o, "ifname", l.ifname);
				cJSON_AddNumberToObject(o, "mtu", l.mtu);
				cJSON_AddStringToObject(o, "mac", mac);
				cJSON_AddNumberToObject(o, "rx_packets", (double)l.rx_packets);
				cJSON_AddNumberToObject(o, "tx_packets", (double)l.tx_packets);
				cJSON_AddNumberToObject(o, "rx_bytes", (double)l.rx_bytes);
				cJSON_AddNumberToObject(o, "tx_bytes", (double)l.tx_bytes);
				cJSON_AddNumberToObject(o, "rx_dropped", (double)l.rx_dropped);
				cJSON_AddNumberToObject(o, "tx_dropped", (double)l.tx_dropped);
			}
		}
	}
	return 0;
}

int
vs_ctl_register_dp_methods(struct vs_ctl *c)
{
	static const struct vs_ctl_method m[] = {
		{"switch.add", vs_m_switch_add, true},    {"switch.del", vs_m_switch_del, true},
		{"switch.list", vs_m_switch_list, false}, {"switch.get", vs_m_switch_get, false},
		{"switch.set", vs_m_switch_set, true},
		{"port.add", vs_m_port_add, true},        {"port.del", vs_m_port_del, true},
		{"port.set", vs_m_port_set, true},        {"port.list", vs_m_port_list, false},
		{"port.get", vs_m_port_get, false},
	};

	return vs_ctl_register_table(c, m, sizeof(m) / sizeof(m[0]));
}
