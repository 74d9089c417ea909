/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Field-by-field validation of JSON objects.  Every refusal names the field
 * as "<where>.<key>" so the user can find it in a file or a request.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctl_priv.h"

/* Refuses keys not in allowed[] (NULL-terminated). */
int
vs_ctl_check_keys(const cJSON *obj, const char *where, const char *const *allowed, char *err,
		  size_t errlen)
{
	const cJSON *it;

	if (!cJSON_IsObject(obj)) {
		snprintf(err, errlen, "%s: expected an object", where);
		return -EINVAL;
	}
	cJSON_ArrayForEach(it, obj) {
		const char *const *a;

		for (a = allowed; *a != NULL; a++)
			if (strcmp(*a, it->string) == 0)
				break;
		if (*a == NULL) {
			snprintf(err, errlen, "%s%s%s: unknown key", where, *where ? "." : "", it->string);
			return -EINVAL;
		}
	}
	return 0;
}

int
vs_ctl_get_u32(const cJSON *obj, const char *where, const char *key, uint32_t min, uint32_t max,
	       uint32_t *out, char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int64_t)v->valuedouble ||
	    v->valuedouble < min || v->valuedouble > max) {
		snprintf(err, errlen, "%s%s%s: expected an integer from %u to %u", where, *where ? "." : "", key, min,
			 max);
		return -EINVAL;
	}
	*out = (uint32_t)v->valuedouble;
	return 0;
}

/* Copies a required (or optional, with required=0) string into out. */
int
vs_ctl_get_str(const cJSON *obj, const char *where, const char *key, int required, char *out,
	       size_t outlen, char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL) {
		if (!required)
			return 0;
		snprintf(err, errlen, "%s%s%s: required", where, *where ? "." : "", key);
		return -EINVAL;
	}
	if (!cJSON_IsString(v)) {
		snprintf(err, errlen, "%s%s%s: expected a string", where, *where ? "." : "", key);
		return -EINVAL;
	}
	if (strlen(v->valuestring) >= outlen) {
		snprintf(err, errlen, "%s%s%s: longer than %zu characters", where, *where ? "." : "", key, outlen - 1);
		return -EINVAL;
	}
	snprintf(out, outlen, "%s", v->valuestring);
	return 0;
}

int
vs_ctl_get_bool(const cJSON *obj, const char *where, const char *key, bool *out, char *err,
		size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL)
		return 0;
	if (!cJSON_IsBool(v)) {
		snprintf(err, errlen, "%s%s%s: expected true or false", where, *where ? "." : "", key);
		return -EINVAL;
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

int
vs_ctl_parse_offload(const cJSON *o, const char *where, struct vs_offload_settings *s, char *err,
		     size_t errlen)
{
	static const char *const keys[] = {"tx_csum", "rx_csum", "tso", NULL};
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "offload");
	struct vs_offload_settings n = *s;
	bool tx = !n.tx_csum_off, rx = !n.rx_csum_off, tso = !n.tso_off;
	char at[96], why[128];
	int rc;

	if (v == NULL)
		return 0;
	snprintf(at, sizeof(at), "%s%soffload", where, *where ? "." : "");
	if (cJSON_IsString(v)) { /* the command line's "tx-csum=on,tso=off" */
		if (vs_offload_settings_parse(v->valuestring, &n, why, sizeof(why)) != 0) {
			/* why starts with "offload: " */
			snprintf(err, errlen, "%s%s", at, why + strlen("offload"));
			return -EINVAL;
		}
		*s = n;
		return 0;
	}
	if (!cJSON_IsObject(v)) {
		snprintf(err, errlen, "%s: expected an object like {\"tso\": false} or a string "
				      "like \"tx-csum=on,tso=off\"", at);
		return -EINVAL;
	}
	if ((rc = vs_ctl_check_keys(v, at, keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_bool(v, at, "tx_csum", &tx, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_bool(v, at, "rx_csum", &rx, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_bool(v, at, "tso", &tso, err, errlen)) != 0)
		return rc;
	s->tx_csum_off = !tx;
	s->rx_csum_off = !rx;
	s->tso_off = !tso;
	return 0;
}

cJSON *
vs_ctl_offload_json(const struct vs_offload_settings *s)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddBoolToObject(o, "tx_csum", !s->tx_csum_off);
	cJSON_AddBoolToObject(o, "rx_csum", !s->rx_csum_off);
	cJSON_AddBoolToObject(o, "tso", !s->tso_off);
	return o;
}

/* JSON keys of the storm classes (the command line spells them with '-'). */
static const char *const storm_keys[VS_STORM_N + 1] = {"broadcast", "multicast",
							"unknown_unicast", NULL};

int
vs_ctl_parse_storm(const cJSON *o, const char *where, struct vs_storm_control *s, char *err,
		   size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "storm_control");
	struct vs_storm_control n = *s;
	char at[96], why[160];
	int rc;

	if (v == NULL)
		return 0;
	snprintf(at, sizeof(at), "%s%sstorm_control", where, *where ? "." : "");
	if (cJSON_IsString(v)) {
		if (vs_storm_parse(v->valuestring, &n, why, sizeof(why)) != 0) {
			/* why starts with "storm_control" */
			snprintf(err, errlen, "%s%s", at, why + strlen("storm_control"));
			return -EINVAL;
		}
		*s = n;
		return 0;
	}
	if (!cJSON_IsObject(v)) {
		snprintf(err, errlen,
			 "%s: expected an object like {\"broadcast\": 10000} (frames a second, 0: "
			 "no limit) or a string like \"broadcast=10000pps\"",
			 at);
		return -EINVAL;
	}
	if ((rc = vs_ctl_check_keys(v, at, storm_keys, err, errlen)) != 0)
		return rc;
	for (unsigned int c = 0; c < VS_STORM_N; c++)
		if ((rc = vs_ctl_get_u32(v, at, storm_keys[c], 0, 1000000000u, &n.pps[c], err,
					 errlen)) != 0)
			return rc;
	*s = n;
	return 0;
}

cJSON *
vs_ctl_storm_json(const struct vs_storm_control *s)
{
	cJSON *o = cJSON_CreateObject();

	for (unsigned int c = 0; c < VS_STORM_N; c++)
		cJSON_AddNumberToObject(o, storm_keys[c], s->pps[c]);
	return o;
}
