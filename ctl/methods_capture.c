/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture.start / capture.stop / capture.list: live capture of a port to a
 * pcap or pcapng file (vs_dp_capture_* in vswitch.h does the work; the
 * daemon's control loop writes the file from vs_dp_capture_poll).
 *
 * A capture is not configuration: it is neither persisted nor restored.
 * The file is created by vswitchd, so its path is absolute (the daemon's
 * working directory means nothing to the client) and it must not exist
 * yet: whoever may use the socket must not be able to make the daemon
 * truncate a file it owns.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rpc_priv.h"

/* Integers up to 2^53: what a JSON number carries exactly. */
#define VS_M_U53_MAX 9007199254740991.0

static int
vs_m_get_u53(const cJSON *p, const char *key, uint64_t *out, char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, key);

	if (v == NULL)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int64_t)v->valuedouble ||
	    v->valuedouble < 1 || v->valuedouble > VS_M_U53_MAX) {
		snprintf(err, errlen, "%s: expected an integer from 1 to %.0f", key, VS_M_U53_MAX);
		return -EINVAL;
	}
	*out = (uint64_t)v->valuedouble;
	return 0;
}

/* The "port" of a request: an existing port's index. */
static int
vs_m_capture_port(struct vs_ctl *c, const cJSON *p, char *name, char *err, size_t errlen)
{
	int rc = vs_ctl_get_str(p, "", "port", 1, name, VS_NAME_MAX, err, errlen);
	int idx;

	if (rc != 0)
		return rc;
	idx = vs_dp_port_index(c->dp, name);
	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	return idx;
}

static cJSON *
vs_m_capture_json(const struct vs_capture_status *st)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "port", st->port);
	cJSON_AddStringToObject(o, "file", st->path);
	cJSON_AddStringToObject(o, "dir", vs_capture_dir_name(st->dir));
	cJSON_AddStringToObject(o, "format", vs_capture_format_name(st->format));
	cJSON_AddStringToObject(o, "state",
				st->end == VS_CAPTURE_END_RUNNING ? "running" : "ended");
	cJSON_AddStringToObject(o, "end", vs_capture_end_name(st->end));
	if (st->end == VS_CAPTURE_END_WRITE_ERROR)
		cJSON_AddStringToObject(o, "error", strerror(st->error));
	cJSON_AddNumberToObject(o, "frames", (double)st->frames);
	cJSON_AddNumberToObject(o, "bytes", (double)st->bytes);
	cJSON_AddNumberToObject(o, "dropped", (double)st->dropped);
	if (st->max_frames)
		cJSON_AddNumberToObject(o, "count", (double)st->max_frames);
	else
		cJSON_AddNullToObject(o, "count");
	if (st->max_bytes)
		cJSON_AddNumberToObject(o, "max_bytes", (double)st->max_bytes);
	else
		cJSON_AddNullToObject(o, "max_bytes");
	cJSON_AddNumberToObject(o, "duration_ms", (double)st->duration_ms);
	return o;
}

static int
vs_m_capture_start(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"port", "file", "dir", "format", "count",
					   "max_bytes", NULL};
	struct vs_capture_conf cc = {.dir = VS_CAPTURE_BOTH, .format = VS_CAPTURE_PCAP};
	struct vs_capture_status st;
	char name[VS_NAME_MAX], file[sizeof(st.path)], dir[8] = "both", fmt[8] = "pcap";
	int rc, idx;

	if ((rc = vs_ctl_check_keys(p, "", keys, err, errlen)) != 0 ||
	    (idx = rc = vs_m_capture_port(c, p, name, err, errlen)) < 0 ||
	    (rc = vs_ctl_get_str(p, "", "file", 1, file, sizeof(file), err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "dir", 0, dir, sizeof(dir), err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "format", 0, fmt, sizeof(fmt), err, errlen)) != 0 ||
	    (rc = vs_m_get_u53(p, "count", &cc.max_frames, err, errlen)) != 0 ||
	    (rc = vs_m_get_u53(p, "max_bytes", &cc.max_bytes, err, errlen)) != 0)
		return rc;
	if (file[0] != '/') {
		snprintf(err, errlen, "file: '%s' is not an absolute path", file);
		return -EINVAL;
	}
	if (vs_capture_dir_parse(dir, &cc.dir) != 0) {
		snprintf(err, errlen, "dir: expected 'rx', 'tx' or 'both', got '%s'", dir);
		return -EINVAL;
	}
	if (vs_capture_format_parse(fmt, &cc.format) != 0) {
		snprintf(err, errlen, "format: expected 'pcap' or 'pcapng', got '%s'", fmt);
		return -EINVAL;
	}
	cc.path = file;
	rc = vs_dp_capture_start(c->dp, (unsigned int)idx, &cc, err, errlen);
	if (rc != 0) {
		/* A file that cannot be created is a bad "file" parameter, whatever
		 * errno open() gave (ENOENT would otherwise read as "no such port"). */
		if (strncmp(err, "file:", 5) == 0 || strncmp(err, "max_bytes:", 10) == 0)
			rc = -EINVAL;
		return rc;
	}
	vs_dp_capture_status(c->dp, (unsigned int)idx, &st);
	*res = vs_m_capture_json(&st);
	return 0;
}

static int
vs_m_capture_stop(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"port", NULL};
	struct vs_capture_status st;
	char name[VS_NAME_MAX];
	int rc, idx;

	if ((rc = vs_ctl_check_keys(p, "", keys, err, errlen)) != 0 ||
	    (idx = rc = vs_m_capture_port(c, p, name, err, errlen)) < 0)
		return rc;
	if (vs_dp_capture_stop(c->dp, (unsigned int)idx, &st) != 0) {
		snprintf(err, errlen, "port: no capture on '%s'", name);
		return -ENOENT;
	}
	*res = vs_m_capture_json(&st);
	return 0;
}

static int
vs_m_capture_list(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {NULL};
	struct vs_capture_status st;
	unsigned int i;
	int rc = vs_ctl_check_keys(p, "", keys, err, errlen);

	if (rc != 0)
		return rc;
	/* Limits that were reached since the last poll show as reached. */
	vs_dp_capture_poll(c->dp);
	*res = cJSON_CreateArray();
	for (i = 0; i < VS_MAX_PORTS; i++)
		if (vs_dp_capture_status(c->dp, i, &st) == 0)
			cJSON_AddItemToArray(*res, vs_m_capture_json(&st));
	return 0;
}

int
vs_ctl_register_capture_methods(struct vs_ctl *c)
{
	int rc;

	if ((rc = vs_ctl_method_register(c, "capture.start", vs_m_capture_start)) != 0 ||
	    (rc = vs_ctl_method_register(c, "capture.stop", vs_m_capture_stop)) != 0 ||
	    (rc = vs_ctl_method_register(c, "capture.list", vs_m_capture_list)) != 0)
		return rc;
	return 0;
}
