/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration document (see ctl.h): validated whole before anything is
 * applied, and what the datapath still refuses while it is applied (a device
 * that does not open, an NLB cluster's rules) undoes what was added, so a
 * bad document changes nothing.  One port object's own checks are in
 * config_port.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctl_priv.h"

static int
vs_ctl_parse_datapath(const cJSON *d, struct vs_dp_conf *out, char *err, size_t errlen)
{
	static const char *const keys[] = {"fdb_size", "fdb_aging_s", "workers", "mbufs",
					   "mac_pool", NULL};
	const cJSON *pool = cJSON_GetObjectItemCaseSensitive(d, "mac_pool");
	uint32_t workers = out->n_workers;
	int rc;

	if ((rc = vs_ctl_check_keys(d, "datapath", keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_u32(d, "datapath", "fdb_size", 1, 64u << 20, &out->fdb_size, err,
				 errlen)) != 0 ||
	    (rc = vs_ctl_get_u32(d, "datapath", "fdb_aging_s", 1, 1000000, &out->fdb_aging_s,
				 err, errlen)) != 0 ||
	    (rc = vs_ctl_get_u32(d, "datapath", "workers", 0, VS_MAX_WORKERS, &workers, err,
				 errlen)) != 0 ||
	    (rc = vs_ctl_get_u32(d, "datapath", "mbufs", 1023, 1u << 24, &out->n_mbufs, err,
				 errlen)) != 0)
		return rc;
	if (pool != NULL && (rc = vs_ctl_parse_mac_pool(pool, "datapath.mac_pool", out->mac_min,
							 out->mac_max, err, errlen)) != 0)
		return rc;
	out->n_workers = workers;
	return 0;
}

static cJSON *
vs_ctl_parse_doc(const char *json, char *err, size_t errlen)
{
	static const char *const keys[] = {"datapath", "switches", "ports", "nlb", NULL};
	cJSON *doc = cJSON_Parse(json);

	if (doc == NULL) {
		const char *at = cJSON_GetErrorPtr(), *p;
		unsigned int line = 1;

		for (p = json; at != NULL && p < at && *p; p++)
			line += *p == '\n';
		snprintf(err, errlen, "config: line %u: not valid JSON near '%.20s'", line,
			 at ? at : "");
		return NULL;
	}
	if (vs_ctl_check_keys(doc, "config", keys, err, errlen) != 0) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

int
vs_ctl_dp_conf_parse(const char *json, struct vs_dp_conf *out, char *err, size_t errlen)
{
	cJSON *doc = vs_ctl_parse_doc(json, err, errlen);
	const cJSON *d;
	int rc = 0;

	if (doc == NULL)
		return -EINVAL;
	d = cJSON_GetObjectItemCaseSensitive(doc, "datapath");
	if (d != NULL)
		rc = vs_ctl_parse_datapath(d, out, err, errlen);
	cJSON_Delete(doc);
	return rc;
}

/*
 * The settings of a switch's auto port: "host" (the management OS's vNIC)
 * or "uplink_port".  They are a port's settings without switch, name and
 * kind (the switch gives those); an uplink takes no ifname, mtu or
 * addresses (its devargs are the switch's "uplink").
 */
int
vs_ctl_parse_auto_port(const cJSON *o, const char *where, bool host, struct vs_port_conf *c,
		       char *err, size_t errlen)
{
	static const char *const hkeys[] = {"ifname",	    "mac",	  "mtu",
					    "addresses",    "vlan",	  "admin",
					    "mac_spoofing", "dhcp_guard", "router_guard",
					    "offload",	    "storm_control", "lcore", NULL};
	static const char *const ukeys[] = {"vlan",	    "admin",	  "mac",
					    "mac_spoofing", "dhcp_guard", "router_guard",
					    "offload",	    "storm_control", "lcore", "queues", NULL};
	cJSON *dup;
	int rc;

	if (!cJSON_IsObject(o)) {
		snprintf(err, errlen, "%s: expected an object", where);
		return -EINVAL;
	}
	if ((rc = vs_ctl_check_keys(o, where, host ? hkeys : ukeys, err, errlen)) != 0)
		return rc;
	/* The same validation as a port of that kind. */
	dup = cJSON_Duplicate(o, 1);
	if (dup == NULL) {
		snprintf(err, errlen, "%s: out of memory", where);
		return -ENOMEM;
	}
	cJSON_AddStringToObject(dup, "switch", "-");
	cJSON_AddStringToObject(dup, "name", "-");
	cJSON_AddStringToObject(dup, "kind", host ? "host" : "phy");
	if (!host)
		cJSON_AddStringToObject(dup, "devargs", "-");
	rc = vs_ctl_parse_port(dup, where, c, err, errlen);
	cJSON_Delete(dup);
	if (rc != 0)
		return rc;
	c->name[0] = c->switch_name[0] = c->devargs[0] = '\0';
	return 0;
}

int
vs_ctl_parse_switch(const cJSON *o, const char *where, struct vs_switch_conf *c, char *err,
		    size_t errlen)
{
	static const char *const keys[] = {"name", "type", "uplink", "allow_management_os",
					   "host", "uplink_port", NULL};
	char type[16] = "private";
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = vs_ctl_check_keys(o, where, keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(o, where, "name", 1, c->name, sizeof(c->name), err, errlen)) !=
		    0 ||
	    (rc = vs_ctl_get_str(o, where, "type", 0, type, sizeof(type), err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(o, where, "uplink", 0, c->uplink, sizeof(c->uplink), err,
				 errlen)) != 0 ||
	    (rc = vs_ctl_get_bool(o, where, "allow_management_os", &c->allow_management_os, err,
				  errlen)) != 0)
		return rc;
	if (vs_switch_type_parse(type, &c->type) != 0) {
		snprintf(err, errlen, "%s%stype: '%s' is not external, internal or private", where, *where ? "." : "",
			 type);
		return -EINVAL;
	}
	return vs_ctl_parse_switch_extras(o, where, c, err, errlen);
}

/* "uplink", "allow_management_os" against the type, and the auto ports'
 * settings; shared by switch.add, switch.set and the config file. */
int
vs_ctl_parse_switch_extras(const cJSON *o, const char *where, struct vs_switch_conf *c,
			   char *err, size_t errlen)
{
	const cJSON *host = cJSON_GetObjectItemCaseSensitive(o, "host");
	const cJSON *upp = cJSON_GetObjectItemCaseSensitive(o, "uplink_port");
	const char *dot = *where ? "." : "";
	char w[64];
	int rc;

	if (c->type == VS_SWITCH_EXTERNAL && c->uplink[0] == '\0') {
		snprintf(err, errlen,
			 "%s%suplink: required for an external switch (the devargs of its "
			 "physical NIC, e.g. net_af_packet0,iface=eth1)",
			 where, dot);
		return -EINVAL;
	}
	if (c->type != VS_SWITCH_EXTERNAL && c->uplink[0] != '\0') {
		snprintf(err, errlen, "%s%suplink: only an external switch has an uplink (a %s "
				      "switch has none)",
			 where, dot, vs_switch_type_name(c->type));
		return -EINVAL;
	}
	if (c->type != VS_SWITCH_EXTERNAL && c->allow_management_os) {
		snprintf(err, errlen,
			 "%s%sallow_management_os: only for an external switch (an internal "
			 "switch always has a host vNIC, a private one never)",
			 where, dot);
		return -EINVAL;
	}
	if (host != NULL) {
		if (c->type == VS_SWITCH_PRIVATE) {
			snprintf(err, errlen, "%s%shost: a private switch has no host vNIC", where,
				 dot);
			return -EINVAL;
		}
		snprintf(w, sizeof(w), "%s%shost", where, dot);
		if ((rc = vs_ctl_parse_auto_port(host, w, true, &c->host_port, err, errlen)) != 0)
			return rc;
	}
	if (upp != NULL) {
		if (c->type != VS_SWITCH_EXTERNAL) {
			snprintf(err, errlen, "%s%suplink_port: only an external switch has an uplink",
				 where, dot);
			return -EINVAL;
		}
		snprintf(w, sizeof(w), "%s%suplink_port", where, dot);
		if ((rc = vs_ctl_parse_auto_port(upp, w, false, &c->uplink_port, err, errlen)) !=
		    0)
			return rc;
	}
	return 0;
}

struct vs_ctl_parsed {
	unsigned int n_sw, n_port, n_nlb;
	struct vs_switch_conf sw[VS_MAX_SWITCHES];
	struct vs_port_conf port[VS_MAX_PORTS];
	struct vs_nlb_conf nlb[VS_NLB_MAX_CLUSTERS];
};

/* "nlb": clusters whose switch and member ports the document holds. */
static int
vs_ctl_parse_nlb_list(const cJSON *doc, struct vs_ctl_parsed *p, char *err, size_t errlen)
{
	const cJSON *nlb = cJSON_GetObjectItemCaseSensitive(doc, "nlb");
	const cJSON *it;
	char where[24];
	int rc;

	if (nlb != NULL && !cJSON_IsArray(nlb)) {
		snprintf(err, errlen, "config.nlb: expected an array");
		return -EINVAL;
	}
	cJSON_ArrayForEach(it, nlb) {
		if (p->n_nlb == VS_NLB_MAX_CLUSTERS) {
			snprintf(err, errlen, "nlb: more than %d clusters", VS_NLB_MAX_CLUSTERS);
			return -ENOSPC;
		}
		snprintf(where, sizeof(where), "nlb[%u]", p->n_nlb);
		if ((rc = vs_ctl_parse_nlb(it, where, true, &p->nlb[p->n_nlb], err, errlen)) != 0 ||
		    (rc = vs_ctl_check_nlb_doc(p->nlb, p->n_nlb, p->sw, p->n_sw, p->port, p->n_port,
					       err, errlen)) != 0)
			return rc;
		p->n_nlb++;
	}
	return 0;
}

static int
vs_ctl_parse_lists(const cJSON *doc, struct vs_ctl_parsed *p, char *err, size_t errlen)
{
	const cJSON *sws = cJSON_GetObjectItemCaseSensitive(doc, "switches");
	const cJSON *ports = cJSON_GetObjectItemCaseSensitive(doc, "ports");
	const cJSON *it;
	char where[48];
	unsigned int i, j;
	int rc;

	if ((sws != NULL && !cJSON_IsArray(sws)) || (ports != NULL && !cJSON_IsArray(ports))) {
		snprintf(err, errlen, "config.%s: expected an array",
			 sws != NULL && !cJSON_IsArray(sws) ? "switches" : "ports");
		return -EINVAL;
	}
	cJSON_ArrayForEach(it, sws) {
		if (p->n_sw == VS_MAX_SWITCHES) {
			snprintf(err, errlen, "switches: more than %d", VS_MAX_SWITCHES);
			return -ENOSPC;
		}
		snprintf(where, sizeof(where), "switches[%u]", p->n_sw);
		if ((rc = vs_ctl_parse_switch(it, where, &p->sw[p->n_sw], err, errlen)) != 0)
			return rc;
		for (j = 0; j < p->n_sw; j++)
			if (strcmp(p->sw[j].name, p->sw[p->n_sw].name) == 0) {
				snprintf(err, errlen, "%s%sname: '%s' is used twice", where, *where ? "." : "",
					 p->sw[j].name);
				return -EEXIST;
			}
		p->n_sw++;
	}
	cJSON_ArrayForEach(it, ports) {
		struct vs_port_conf *c = &p->port[p->n_port];

		if (p->n_port == VS_MAX_PORTS) {
			snprintf(err, errlen, "ports: more than %d", VS_MAX_PORTS);
			return -ENOSPC;
		}
		snprintf(where, sizeof(where), "ports[%u]", p->n_port);
		if ((rc = vs_ctl_parse_port(it, where, c, err, errlen)) != 0)
			return rc;
		if (c->kind == VS_PORT_PHY || c->kind == VS_PORT_HOST) {
			snprintf(err, errlen,
				 "%s.kind: a %s port is created by its switch, not listed in ports "
				 "(%s)",
				 where, vs_port_kind_name(c->kind),
				 c->kind == VS_PORT_PHY
					 ? "an external switch's \"uplink\"; its settings go in the "
					   "switch's \"uplink_port\""
					 : "an internal switch, or an external one with "
					   "\"allow_management_os\"; its settings go in the switch's "
					   "\"host\"");
			return -EINVAL;
		}
		for (j = 0; j < p->n_port; j++)
			if (strcmp(p->port[j].name, c->name) == 0) {
				snprintf(err, errlen, "%s%sname: '%s' is used twice", where, *where ? "." : "",
					 c->name);
				return -EEXIST;
			}
		for (i = 0; i < p->n_sw; i++)
			if (strcmp(p->sw[i].name, c->switch_name) == 0)
				break;
		if (i == p->n_sw) {
			snprintf(err, errlen, "%s%sswitch: no switch named '%s'", where, *where ? "." : "",
				 c->switch_name);
			return -ENOENT;
		}
		p->n_port++;
	}
	return vs_ctl_parse_nlb_list(doc, p, err, errlen);
}

/* A refusal half-way leaves nothing of the document behind: its ports
 * (their clusters go with them) and then its switches. */
static void
vs_ctl_unapply(struct vs_dp *dp, const struct vs_ctl_parsed *p, unsigned int n_sw,
	       unsigned int n_port)
{
	char e2[256];

	while (n_port > 0)
		vs_dp_port_del(dp, p->port[--n_port].name, e2, sizeof(e2));
	while (n_sw > 0)
		vs_dp_switch_del(dp, p->sw[--n_sw].name, e2, sizeof(e2));
}

int
vs_ctl_config_apply(struct vs_dp *dp, const char *json, char *err, size_t errlen)
{
	struct vs_ctl_parsed *p;
	unsigned int i, n_sw = 0, n_port = 0;
	cJSON *doc;
	int rc;

	doc = vs_ctl_parse_doc(json, err, errlen);
	if (doc == NULL)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		cJSON_Delete(doc);
		snprintf(err, errlen, "config: out of memory");
		return -ENOMEM;
	}
	rc = vs_ctl_parse_lists(doc, p, err, errlen);
	cJSON_Delete(doc);
	while (rc == 0 && n_sw < p->n_sw)
		if ((rc = vs_dp_switch_add(dp, &p->sw[n_sw], err, errlen)) == 0)
			n_sw++;
	while (rc == 0 && n_port < p->n_port)
		if ((rc = vs_dp_port_add(dp, &p->port[n_port], err, errlen)) == 0)
			n_port++;
	for (i = 0; rc == 0 && i < p->n_nlb; i++) {
		char e2[256];

		/* The datapath's own rules (a unicast member without MAC
		 * spoofing, ...): its reason, at the element's line. */
		if ((rc = vs_dp_nlb_add(dp, &p->nlb[i], e2, sizeof(e2))) != 0)
			snprintf(err, errlen, "nlb[%u]: %s", i, e2);
	}
	if (rc != 0)
		vs_ctl_unapply(dp, p, n_sw, n_port);
	free(p);
	return rc;
}

char *
vs_ctl_read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    len > (16l << 20)) {
		snprintf(err, errlen, "%s: cannot size the file (or larger than 16 MiB)", path);
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)len + 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		snprintf(err, errlen, "%s: cannot read", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}
