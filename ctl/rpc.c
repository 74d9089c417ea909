/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC 2.0 dispatch: one request object in, one response object out.
 * Methods live in a registry; each module registers its own.  Error codes
 * are stable (ctl.h); messages name the method and the field at fault.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_priv.h"
#include "rpc_priv.h"

int
vs_ctl_method_register(struct vs_ctl *c, const char *name, vs_ctl_method_fn fn)
{
	if (c->n_methods == VS_CTL_MAX_METHODS)
		return -ENOSPC;
	c->methods[c->n_methods].name = name;
	c->methods[c->n_methods].fn = fn;
	c->methods[c->n_methods].change = false;
	c->n_methods++;
	return 0;
}

int
vs_ctl_method_register_change(struct vs_ctl *c, const char *name, vs_ctl_method_fn fn)
{
	int rc = vs_ctl_method_register(c, name, fn);

	if (rc == 0)
		c->methods[c->n_methods - 1].change = true;
	return rc;
}

int
vs_ctl_register_table(struct vs_ctl *c, const struct vs_ctl_method *m, unsigned int n)
{
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = m[i].change ? vs_ctl_method_register_change(c, m[i].name, m[i].fn)
				 : vs_ctl_method_register(c, m[i].name, m[i].fn);
		if (rc != 0)
			return rc;
	}
	return 0;
}

cJSON *
vs_ctl_would(const char *fmt, ...)
{
	cJSON *r = cJSON_CreateObject();
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cJSON_AddBoolToObject(r, "dry_run", true);
	cJSON_AddStringToObject(r, "would", buf);
	return r;
}

int
vs_ctl_errno_to_code(int rc)
{
	switch (rc) {
	case -EINVAL:
	case -ERANGE:
	case -ENAMETOOLONG:
		return VS_CTL_E_INVALID_PARAMS;
	case -ENOENT:
		return VS_CTL_E_NOT_FOUND;
	case -EEXIST:
		return VS_CTL_E_EXISTS;
	case -EBUSY:
	case -ENOSPC:
		return VS_CTL_E_CONFLICT;
	case -EIO:
		return VS_CTL_E_PERSIST;
	default:
		return VS_CTL_E_DEVICE;
	}
}

static cJSON *
vs_ctl_error(cJSON *id, int code, const char *msg)
{
	cJSON *r = cJSON_CreateObject();
	cJSON *e;

	cJSON_AddStringToObject(r, "jsonrpc", "2.0");
	cJSON_AddItemToObject(r, "id", id ? id : cJSON_CreateNull());
	e = cJSON_AddObjectToObject(r, "error");
	cJSON_AddNumberToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", msg);
	return r;
}

static char *
vs_ctl_render(cJSON *r)
{
	char *s = cJSON_PrintUnformatted(r);

	cJSON_Delete(r);
	return s;
}

char *
vs_ctl_handle(struct vs_ctl *c, const char *line, size_t len)
{
	static const char *const keys[] = {"jsonrpc", "id", "method", "params", NULL};
	cJSON *req, *id = NULL, *result = NULL;
	const cJSON *m, *params, *ver, *rid;
	char err[512], msg[600];
	unsigned int i;
	int rc;

	req = cJSON_ParseWithLength(line, len);
	if (req == NULL)
		return vs_ctl_render(vs_ctl_error(NULL, VS_CTL_E_PARSE, "parse error: not valid JSON"));
	rid = cJSON_GetObjectItemCaseSensitive(req, "id");
	if (rid != NULL && ((cJSON_IsNumber(rid) && isfinite(rid->valuedouble)) ||
			    cJSON_IsString(rid) || cJSON_IsNull(rid)))
		id = cJSON_Duplicate(rid, 0);
	if (vs_ctl_check_keys(req, "request", keys, err, sizeof(err)) != 0) {
		cJSON_Delete(req);
		return vs_ctl_render(vs_ctl_error(id, VS_CTL_E_INVALID_REQUEST, err));
	}
	ver = cJSON_GetObjectItemCaseSensitive(req, "jsonrpc");
	m = cJSON_GetObjectItemCaseSensitive(req, "method");
	params = cJSON_GetObjectItemCaseSensitive(req, "params");
	if (!cJSON_IsString(ver) || strcmp(ver->valuestring, "2.0") != 0 || !cJSON_IsString(m) ||
	    (rid != NULL && id == NULL)) {
		cJSON_Delete(req);
		return vs_ctl_render(vs_ctl_error(
			id, VS_CTL_E_INVALID_REQUEST,
			"invalid request: needs \"jsonrpc\":\"2.0\", a string \"method\" and a "
			"number or string \"id\""));
	}
	if (params != NULL && !cJSON_IsObject(params)) {
		snprintf(msg, sizeof(msg), "%.64s: params: expected an object", m->valuestring);
		cJSON_Delete(req);
		return vs_ctl_render(vs_ctl_error(id, VS_CTL_E_INVALID_PARAMS, msg));
	}
	for (i = 0; i < c->n_methods; i++)
		if (strcmp(c->methods[i].name, m->valuestring) == 0)
			break;
	if (i == c->n_methods) {
		snprintf(msg, sizeof(msg), "method not found: '%.64s'", m->valuestring);
		cJSON_Delete(req);
		return vs_ctl_render(vs_ctl_error(id, VS_CTL_E_NO_METHOD, msg));
	}
	err[0] = '\0';
	c->dry_run = false;
	if (params != NULL && c->methods[i].change &&
	    cJSON_HasObjectItem(params, "dry_run")) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(params, "dry_run");

		if (!cJSON_IsBool(d)) {
			snprintf(msg, sizeof(msg), "%s: dry_run: expected true or false",
				 c->methods[i].name);
			cJSON_Delete(req);
			return vs_ctl_render(vs_ctl_error(id, VS_CTL_E_INVALID_PARAMS, msg));
		}
		c->dry_run = cJSON_IsTrue(d);
		cJSON_DeleteItemFromObjectCaseSensitive((cJSON *)params, "dry_run");
	}
	if (params == NULL) {
		cJSON *empty = cJSON_CreateObject();

		rc = c->methods[i].fn(c, empty, &result, err, sizeof(err));
		cJSON_Delete(empty);
	} else {
		rc = c->methods[i].fn(c, params, &result, err, sizeof(err));
	}
	c->dry_run = false;
	if (rc != 0) {
		snprintf(msg, sizeof(msg), "%s: %s", c->methods[i].name,
			 err[0] ? err : strerror(-rc));
		cJSON_Delete(req);
		cJSON_Delete(result);
		return vs_ctl_render(vs_ctl_error(id, vs_ctl_errno_to_code(rc), msg));
	}
	cJSON_Delete(req);
	if (id == NULL) { /* a notification: no answer */
		cJSON_Delete(result);
		return NULL;
	}
	{
		cJSON *r = cJSON_CreateObject();

		cJSON_AddStringToObject(r, "jsonrpc", "2.0");
		cJSON_AddItemToObject(r, "id", id);
		cJSON_AddItemToObject(r, "result", result ? result : cJSON_CreateObject());
		return vs_ctl_render(r);
	}
}

int
vs_ctl_persist(struct vs_ctl *c, char *err, size_t errlen)
{
	int rc;

	if (c->config_path[0] == '\0')
		return 0;
	rc = vs_ctl_config_save(c->dp, c->config_path, err, errlen);
	return rc == 0 ? 0 : -EIO;
}

uint64_t
vs_ctl_uptime_s(const struct vs_ctl *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec - c->started_s;
}
