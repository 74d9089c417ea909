/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MAC pool VM ports draw their addresses from (vswitch.h): its object
 * in the configuration document, "datapath": { "mac_pool": { "min": MAC,
 * "max": MAC } }, and the methods mac_pool.get and mac_pool.set.  A new
 * range applies to ports added from then on; ports keep their MACs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>

#include "rpc_priv.h"

static void
vs_mp_fmt(const uint8_t m[6], char out[RTE_ETHER_ADDR_FMT_SIZE])
{
	struct rte_ether_addr a;

	memcpy(a.addr_bytes, m, 6);
	rte_ether_format_addr(out, RTE_ETHER_ADDR_FMT_SIZE, &a);
}

/* "min" or "max" of o, required, into m; errors name "<where>.<key>". */
static int
vs_mp_addr(const cJSON *o, const char *where, const char *key, uint8_t m[6], char *err,
	   size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	struct rte_ether_addr a;

	if (v == NULL) {
		snprintf(err, errlen, "%s%s%s: required", where, *where ? "." : "", key);
		return -EINVAL;
	}
	if (!cJSON_IsString(v) || rte_ether_unformat_addr(v->valuestring, &a) != 0) {
		snprintf(err, errlen, "%s%s%s: expected a MAC address like 00:15:5d:00:00:00",
			 where, *where ? "." : "", key);
		return -EINVAL;
	}
	memcpy(m, a.addr_bytes, 6);
	return 0;
}

int
vs_ctl_parse_mac_pool(const cJSON *o, const char *where, uint8_t min[6], uint8_t max[6],
		      char *err, size_t errlen)
{
	static const char *const keys[] = {"min", "max", NULL};
	char why[256];
	int rc;

	if (!cJSON_IsObject(o)) {
		snprintf(err, errlen, "%s: expected an object {\"min\": MAC, \"max\": MAC}", where);
		return -EINVAL;
	}
	if ((rc = vs_ctl_check_keys(o, where, keys, err, errlen)) != 0 ||
	    (rc = vs_mp_addr(o, where, "min", min, err, errlen)) != 0 ||
	    (rc = vs_mp_addr(o, where, "max", max, err, errlen)) != 0)
		return rc;
	if ((rc = vs_mac_pool_check(min, max, why, sizeof(why))) != 0)
		snprintf(err, errlen, "%s%s%s", where, *where ? "." : "", why);
	return rc;
}

cJSON *
vs_ctl_mac_pool_json(const uint8_t min[6], const uint8_t max[6])
{
	char a[RTE_ETHER_ADDR_FMT_SIZE], b[RTE_ETHER_ADDR_FMT_SIZE];
	cJSON *o = cJSON_CreateObject();

	vs_mp_fmt(min, a);
	vs_mp_fmt(max, b);
	cJSON_AddStringToObject(o, "min", a);
	cJSON_AddStringToObject(o, "max", b);
	return o;
}

static cJSON *
vs_mp_info(const struct vs_dp *dp)
{
	struct vs_mac_pool_info in;
	char next[RTE_ETHER_ADDR_FMT_SIZE];
	cJSON *o;

	vs_dp_mac_pool_get(dp, &in);
	o = vs_ctl_mac_pool_json(in.min, in.max);
	cJSON_AddNumberToObject(o, "size", (double)in.size);
	cJSON_AddNumberToObject(o, "used", (double)in.used);
	vs_mp_fmt(in.next, next);
	cJSON_AddStringToObject(o, "next", next);
	return o;
}

static int
vs_m_mac_pool_get(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {NULL};
	int rc = vs_ctl_check_keys(p, "", keys, err, errlen);

	if (rc == 0)
		*res = vs_mp_info(c->dp);
	return rc;
}

static int
vs_m_mac_pool_set(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	struct vs_mac_pool_info old;
	uint8_t min[6], max[6];
	char a[RTE_ETHER_ADDR_FMT_SIZE], b[RTE_ETHER_ADDR_FMT_SIZE];
	int rc;

	if ((rc = vs_ctl_parse_mac_pool(p, "", min, max, err, errlen)) != 0)
		return rc;
	if (c->dry_run) {
		vs_mp_fmt(min, a);
		vs_mp_fmt(max, b);
		*res = vs_ctl_would("draw new VM MACs from %s - %s", a, b);
		return 0;
	}
	vs_dp_mac_pool_get(c->dp, &old);
	if ((rc = vs_dp_mac_pool_set(c->dp, min, max, err, errlen)) != 0)
		return rc;
	if ((rc = vs_ctl_persist(c, err, errlen)) != 0) {
		char e2[64];

		vs_dp_mac_pool_set(c->dp, old.min, old.max, e2, sizeof(e2));
		return rc;
	}
	*res = vs_mp_info(c->dp);
	return 0;
}

int
vs_ctl_register_mac_pool_methods(struct vs_ctl *c)
{
	static const struct vs_ctl_method m[] = {
		{"mac_pool.get", vs_m_mac_pool_get, false},
		{"mac_pool.set", vs_m_mac_pool_set, true},
	};

	return vs_ctl_register_table(c, m, sizeof(m) / sizeof(m[0]));
}
