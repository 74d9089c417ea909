/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the request-method suites share: a datapath with one request
 * handler saving to a temporary file, and calls that must succeed or must
 * be refused, reported with the request when they do not.
 */
#ifndef VS_TEST_RPC_HARNESS_H
#define VS_TEST_RPC_HARNESS_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "ctl.h"

/* A request in the protocol's envelope; params a JSON object literal. */
#define RQ(method, params)                                                                   \
	"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" method "\",\"params\":" params "}"

/* A datapath (dc, or a 1024-entry MAC table when NULL) and a handler
 * saving to a new file named in cfg_path (64 bytes, from tag): 0, or -1
 * with the reason on stderr. */
int rt_env_open(struct vs_dp **dp, struct vs_ctl **ctl, char *cfg_path, const char *tag,
		const struct vs_dp_conf *dc);
void rt_env_close(struct vs_dp *dp, struct vs_ctl *ctl, const char *cfg_path);
/* The same with a new folder for netvsc ports' channel files in chan_dir
 * (64 bytes), removed with the datapath. */
int rt_env_open_chan(struct vs_dp **dp, struct vs_ctl **ctl, char *cfg_path, char *chan_dir,
		     const char *tag);
void rt_env_close_chan(struct vs_dp *dp, struct vs_ctl *ctl, const char *cfg_path,
		       const char *chan_dir);

/* A suite's fixture: statics dp, ctl and cfg_path, and the setup and
 * teardown to give CU_add_suite (a MAC table of fdb_entries). */
#define RT_FIXTURE(tag, fdb_entries)                                                          \
	static struct vs_dp *dp;                                                             \
	static struct vs_ctl *ctl;                                                           \
	static char cfg_path[64];                                                            \
	static int setup(void)                                                               \
	{                                                                                    \
		struct vs_dp_conf dc = {.fdb_size = (fdb_entries)};                          \
		return rt_env_open(&dp, &ctl, cfg_path, (tag), &dc);                         \
	}                                                                                    \
	static int teardown(void)                                                            \
	{                                                                                    \
		rt_env_close(dp, ctl, cfg_path);                                             \
		return 0;                                                                    \
	}

/* The whole parsed response; NULL for none (a notification). */
cJSON *rt_call(struct vs_ctl *ctl, const char *req);
/* A response's error code; 0 when it succeeded. */
int rt_code(const cJSON *r);
/* The result, or with *failed the error object (caller deletes). */
cJSON *rt_result(struct vs_ctl *ctl, const char *req, bool *failed);
/* The result of a request that must succeed (caller deletes). */
cJSON *rt_ok(struct vs_ctl *ctl, const char *req);
/* Asserts the request fails with code (0: any) and a message containing
 * text. */
void rt_refused(struct vs_ctl *ctl, const char *req, int code, const char *text);
/* A string member, "" when absent. */
const char *rt_str(const cJSON *o, const char *key);

#endif
