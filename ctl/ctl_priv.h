/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl internals: field validation helpers, the method registry, the server
 * state. */
#ifndef VS_CTL_PRIV_H
#define VS_CTL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "ctl.h"

/* params.c: each returns 0, or -EINVAL with "<where>.<key>: ..." in err.
 * An absent key leaves *out untouched (required strings excepted). */
int vs_ctl_check_keys(const cJSON *obj, const char *where, const char *const *allowed, char *err,
		      size_t errlen);
int vs_ctl_get_u32(const cJSON *obj, const char *where, const char *key, uint32_t min,
		   uint32_t max, uint32_t *out, char *err, size_t errlen);
int vs_ctl_get_str(const cJSON *obj, const char *where, const char *key, int required, char *out,
		   size_t outlen, char *err, size_t errlen);
int vs_ctl_get_bool(const cJSON *obj, const char *where, const char *key, bool *out, char *err,
		    size_t errlen);

/* "offload" of a port object: {"tx_csum": true, "rx_csum": true, "tso":
 * false} or the command line's "tx-csum=on,tso=off"; keys absent keep
 * *s.  Errors name "<where>.offload...". */
int vs_ctl_parse_offload(const cJSON *o, const char *where, struct vs_offload_settings *s,
			 char *err, size_t errlen);
cJSON *vs_ctl_offload_json(const struct vs_offload_settings *s);
/* "storm_control" of a port object: {"broadcast": 10000, "multicast": 0,
 * "unknown_unicast": 500} (frames a second, 0: no limit) or the command
 * line's "broadcast=10000pps,unknown-unicast=off"; classes absent keep *s.
 * Errors name "<where>.storm_control...". */
int vs_ctl_parse_storm(const cJSON *o, const char *where, struct vs_storm_control *s, char *err,
		       size_t errlen);
cJSON *vs_ctl_storm_json(const struct vs_storm_control *s);

/* config.c, config_port.c: one element of "switches" / "ports" (the
 * params of switch.add / port.add), validated on its own. */
int vs_ctl_parse_switch(const cJSON *o, const char *where, struct vs_switch_conf *c, char *err,
			size_t errlen);
int vs_ctl_parse_port(const cJSON *o, const char *where, struct vs_port_conf *c, char *err,
		      size_t errlen);
/* A switch's "host" (host true) or "uplink_port" settings. */
int vs_ctl_parse_auto_port(const cJSON *o, const char *where, bool host, struct vs_port_conf *c,
			   char *err, size_t errlen);
/* Checks uplink / allow_management_os against c->type and parses "host"
 * and "uplink_port" of o into c. */
int vs_ctl_parse_switch_extras(const cJSON *o, const char *where, struct vs_switch_conf *c,
			       char *err, size_t errlen);
/* The "host" / "uplink_port" object of an auto port's settings. */
cJSON *vs_ctl_auto_port_json(const struct vs_port_conf *c, bool host);
/* A "vlan" object ({"mode":"access","vid":10,...}); errors name
 * "<where>.vlan.<key>". */
int vs_ctl_parse_vlan(const cJSON *o, const char *where, struct vs_vlan_policy *out, char *err,
		      size_t errlen);
cJSON *vs_ctl_vlan_json(const struct vs_vlan_policy *p);
/* "mac" (a string, or null to forget it), "mac_spoofing", "dhcp_guard",
 * "router_guard" of a port object; absent keys leave c as it is. */
int vs_ctl_parse_security(const cJSON *o, const char *where, struct vs_port_conf *c, char *err,
			  size_t errlen);
/* methods_macpool.c: a "mac_pool" object ({"min": MAC, "max": MAC}), the
 * range checked; errors name "<where>.min" / "<where>.max". */
int vs_ctl_parse_mac_pool(const cJSON *o, const char *where, uint8_t min[6], uint8_t max[6],
			  char *err, size_t errlen);
cJSON *vs_ctl_mac_pool_json(const uint8_t min[6], const uint8_t max[6]);
/* config_nlb.c: an NLB cluster, the params of nlb.add and an element of
 * the document's "nlb" (its fields only: the caller checks that the switch
 * and the member ports exist).  allow_no_members: a saved document may hold
 * a unicast or multicast cluster whose member ports were all deleted. */
int vs_ctl_parse_nlb(const cJSON *o, const char *where, bool allow_no_members,
		     struct vs_nlb_conf *c, char *err, size_t errlen);
/* The names of nlb[idx] of a document against the document's switches and
 * ports (auto ports included), and that no earlier element is the same
 * cluster; errors name "nlb[idx].<field>". */
int vs_ctl_check_nlb_doc(const struct vs_nlb_conf *nlb, unsigned int idx,
			 const struct vs_switch_conf *sws, unsigned int n_sw,
			 const struct vs_port_conf *ports, unsigned int n_port, char *err,
			 size_t errlen);
/* A cluster IP: dotted IPv4, a unicast address (host byte order). */
int vs_ctl_parse_cluster_ip(const char *s, const char *where, uint32_t *out, char *err,
			    size_t errlen);
/* The cluster as the document saves it (the params of nlb.add). */
cJSON *vs_ctl_nlb_conf_json(const struct vs_nlb_conf *c);
#define VS_CTL_IPV4_LEN 16 /* "255.255.255.255" */
#define VS_CTL_MAC_LEN 18  /* "02-BF-0A-00-00-64" */
void vs_ctl_ipv4_format(uint32_t ip, char out[VS_CTL_IPV4_LEN]);
/* NLB's notation of a MAC address: "02-BF-0A-00-00-64". */
void vs_ctl_nlb_mac_format(const uint8_t mac[6], char out[VS_CTL_MAC_LEN]);
/* The configuration document of a running datapath (config.get). */
cJSON *vs_ctl_config_build(const struct vs_dp *dp);
cJSON *vs_ctl_switch_json(const struct vs_dp *dp, unsigned int idx);
cJSON *vs_ctl_port_json(const struct vs_dp *dp, unsigned int idx);

#endif
