/* SPDX-License-Identifier: BSD-3-Clause */
/* The request-method suites' fixture and calls (rpc_harness.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "rpc_harness.h"

int
rt_env_open(struct vs_dp **dp, struct vs_ctl **ctl, char *cfg_path, const char *tag,
	    const struct vs_dp_conf *dc)
{
	struct vs_dp_conf def = {.fdb_size = 1024};
	struct vs_ctl_conf cc = {.sock_gid = -1, .version = "test"};
	char err[256];
	int fd;

	snprintf(cfg_path, 64, "/tmp/vs%sXXXXXX", tag);
	fd = mkstemp(cfg_path);
	if (fd < 0) {
		perror("mkstemp");
		return -1;
	}
	close(fd);
	cc.config_path = cfg_path;
	*dp = vs_dp_create(dc != NULL ? dc : &def, err, sizeof(err));
	if (*dp == NULL) {
		fprintf(stderr, "%s suite: %s\n", tag, err);
		return -1;
	}
	*ctl = vs_ctl_create(*dp, &cc, err, sizeof(err));
	if (*ctl == NULL) {
		fprintf(stderr, "%s suite: %s\n", tag, err);
		return -1;
	}
	return 0;
}

void
rt_env_close(struct vs_dp *dp, struct vs_ctl *ctl, const char *cfg_path)
{
	vs_ctl_destroy(ctl);
	vs_dp_destroy(dp);
	unlink(cfg_path);
}

int
rt_env_open_chan(struct vs_dp **dp, struct vs_ctl **ctl, char *cfg_path, char *chan_dir,
		 const char *tag)
{
	struct vs_dp_conf dc = {.fdb_size = 1024};

	snprintf(chan_dir, 64, "/tmp/vs%schXXXXXX", tag);
	if (mkdtemp(chan_dir) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(dc.chan_dir, sizeof(dc.chan_dir), "%s", chan_dir);
	return rt_env_open(dp, ctl, cfg_path, tag, &dc);
}

void
rt_env_close_chan(struct vs_dp *dp, struct vs_ctl *ctl, const char *cfg_path,
		  const char *chan_dir)
{
	rt_env_close(dp, ctl, cfg_path);
	rmdir(chan_dir);
}

cJSON *
rt_call(struct vs_ctl *ctl, const char *req)
{
	char *out = vs_ctl_handle(ctl, req, strlen(req));
	cJSON *r;

	if (out == NULL)
		return NULL;
	r = cJSON_Parse(out);
	free(out);
	return r;
}

int
rt_code(const cJSON *r)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");

	return e ? (int)cJSON_GetObjectItemCaseSensitive(e, "code")->valuedouble : 0;
}

cJSON *
rt_result(struct vs_ctl *ctl, const char *req, bool *failed)
{
	cJSON *r = rt_call(ctl, req), *res;

	*failed = cJSON_HasObjectItem(r, "error");
	res = cJSON_DetachItemFromObject(r, *failed ? "error" : "result");
	cJSON_Delete(r);
	return res;
}

cJSON *
rt_ok(struct vs_ctl *ctl, const char *req)
{
	cJSON *r = rt_call(ctl, req), *res;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	if (rt_code(r) != 0) {
		char *s = cJSON_PrintUnformatted(r);

		fprintf(stderr, "\n  request %s\n  failed: %s\n", req, s);
		free(s);
		CU_FAIL("request failed");
	}
	res = cJSON_DetachItemFromObject(r, "result");
	cJSON_Delete(r);
	return res;
}

void
rt_refused(struct vs_ctl *ctl, const char *req, int code, const char *text)
{
	cJSON *r = rt_call(ctl, req);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");
	const char *msg = e ? rt_str(e, "message") : "";

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	if (e == NULL || (code != 0 && rt_code(r) != code) || strstr(msg, text) == NULL) {
		fprintf(stderr, "\n  request %s\n  got code %d '%s', want %d '%s'\n", req,
			rt_code(r), msg, code, text);
		CU_FAIL("not refused as expected");
	}
	cJSON_Delete(r);
}

const char *
rt_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}
