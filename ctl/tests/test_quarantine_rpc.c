/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Quarantine through the control methods, on a real datapath with a
 * simulated guest behind a netvsc port: the guest corrupts its ring and
 * port.get says why the port is quarantined; port.set "quarantine": "off"
 * releases it, "on" quarantines it by request; refusals name the field;
 * nothing of it reaches the configuration file.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <cjson/cJSON.h>

#include "ctl.h"
#include "guest.h"

static struct vs_dp *dp;
static struct vs_ctl *ctl;
static char cfg_path[64], chan_dir[64];

static int
setup(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024};
	struct vs_ctl_conf cc = {.sock_gid = -1, .version = "test"};
	char err[256];
	int fd;

	snprintf(cfg_path, sizeof(cfg_path), "/tmp/vsqrXXXXXX");
	snprintf(chan_dir, sizeof(chan_dir), "/tmp/vsqrchXXXXXX");
	fd = mkstemp(cfg_path);
	if (fd < 0 || mkdtemp(chan_dir) == NULL)
		return -1;
	close(fd);
	cc.config_path = cfg_path;
	snprintf(dc.chan_dir, sizeof(dc.chan_dir), "%s", chan_dir);
	dp = vs_dp_create(&dc, err, sizeof(err));
	if (dp == NULL)
		return -1;
	ctl = vs_ctl_create(dp, &cc, err, sizeof(err));
	return ctl == NULL ? -1 : 0;
}

static int
teardown(void)
{
	vs_ctl_destroy(ctl);
	vs_dp_destroy(dp);
	unlink(cfg_path);
	rmdir(chan_dir);
	return 0;
}

#define RQ(method, params)                                                                   \
	"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" method "\",\"params\":" params "}"

/* The response's result (NULL on error, with its message in msg). */
static cJSON *
call(const char *req, char *msg, size_t len)
{
	char *out = vs_ctl_handle(ctl, req, strlen(req));
	cJSON *r = out ? cJSON_Parse(out) : NULL, *res;
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");

	free(out);
	msg[0] = '\0';
	if (e != NULL)
		snprintf(msg, len, "%s",
			 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "message")));
	res = cJSON_DetachItemFromObject(r, "result");
	cJSON_Delete(r);
	return e != NULL ? (cJSON_Delete(res), NULL) : res;
}

static void
expect_ok(const char *req)
{
	char msg[256];
	cJSON *r = call(req, msg, sizeof(msg));

	if (msg[0] != '\0')
		fprintf(stderr, "\n  %s: %s\n", req, msg);
	CU_ASSERT_STRING_EQUAL(msg, "");
	cJSON_Delete(r);
}

static void
expect_error(const char *req, const char *text)
{
	char msg[256];

	cJSON_Delete(call(req, msg, sizeof(msg)));
	if (strstr(msg, text) == NULL)
		fprintf(stderr, "\n  %s: '%s', want '%s'\n", req, msg, text);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, text));
}

static void
host_poll(void *arg)
{
	(void)arg;
	vs_dp_ctl_poll(dp, NULL);
	vs_dp_poll_once(dp);
}

/* port.get's "quarantined" ("" when absent) and quarantine.times. */
static void
port_q(const char *req, char *reason, size_t len, double *times)
{
	char msg[256];
	cJSON *r = call(req, msg, sizeof(msg));
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(r, "quarantine");

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	snprintf(reason, len, "%s",
		 cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "quarantined"))
			 ? cJSON_GetObjectItemCaseSensitive(r, "quarantined")->valuestring
			 : "");
	*times = q ? cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(q, "times")) : 0;
	cJSON_Delete(r);
}

static void
test_quarantine_methods(void)
{
	struct vs_netvsp_guest_opts go = {.recv_buf_size = 1u << 20, .idle = host_poll};
	struct vs_netvsp_guest *g;
	char path[128], reason[256], err[64];
	double times;
	char *saved;

	expect_ok(RQ("switch.add", "{\"name\":\"qs\",\"type\":\"private\"}"));
	expect_ok(RQ("port.add", "{\"switch\":\"qs\",\"name\":\"vm\",\"kind\":\"netvsc\"}"));
	expect_ok(RQ("port.add", "{\"switch\":\"qs\",\"name\":\"rp\",\"kind\":\"ring\"}"));
	snprintf(path, sizeof(path), "%s/vm", chan_dir);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_open(path, &go, &g), 0);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_bringup(g), 0);
	port_q(RQ("port.get", "{\"name\":\"vm\"}"), reason, sizeof(reason), &times);
	CU_ASSERT_STRING_EQUAL(reason, "");
	CU_ASSERT_EQUAL(times, 0);

	/* The guest corrupts its ring: quarantined, and port.get says why. */
	CU_ASSERT_EQUAL(vs_netvsp_guest_misbehave(g, VS_GUEST_BAD_WRITE_INDEX, 1), 1);
	host_poll(NULL);
	host_poll(NULL);
	port_q(RQ("port.get", "{\"name\":\"vm\"}"), reason, sizeof(reason), &times);
	CU_ASSERT_STRING_EQUAL(reason, "ring write index 262144 past ring size 258048");
	CU_ASSERT_EQUAL(times, 1);

	/* Released on request. */
	expect_ok(RQ("port.set", "{\"name\":\"vm\",\"quarantine\":\"off\"}"));
	port_q(RQ("port.get", "{\"name\":\"vm\"}"), reason, sizeof(reason), &times);
	CU_ASSERT_STRING_EQUAL(reason, "");
	CU_ASSERT_EQUAL(times, 1);
	/* Quarantined on request; a dry run changes nothing. */
	expect_ok(RQ("port.set", "{\"name\":\"vm\",\"quarantine\":\"on\",\"dry_run\":true}"));
	port_q(RQ("port.get", "{\"name\":\"vm\"}"), reason, sizeof(reason), &times);
	CU_ASSERT_STRING_EQUAL(reason, "");
	expect_ok(RQ("port.set", "{\"name\":\"vm\",\"quarantine\":\"on\"}"));
	port_q(RQ("port.get", "{\"name\":\"vm\"}"), reason, sizeof(reason), &times);
	CU_ASSERT_STRING_EQUAL(reason, "by request");
	CU_ASSERT_EQUAL(times, 2);
	/* State, not configuration. */
	saved = vs_ctl_read_file(cfg_path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(saved);
	CU_ASSERT_PTR_NULL(strstr(saved, "quarantin"));
	free(saved);

	expect_error(RQ("port.set", "{\"name\":\"vm\",\"quarantine\":\"maybe\"}"),
		     "quarantine: expected 'on' or 'off', got 'maybe'");
	expect_error(RQ("port.set", "{\"name\":\"vm\",\"quarantine\":true}"), "quarantine");
	expect_error(RQ("port.set", "{\"name\":\"rp\",\"quarantine\":\"on\"}"),
		     "quarantine: port rp is not a netvsc port");

	/* The guest resets its channel: released. */
	vs_netvsp_guest_close(g);
	host_poll(NULL);
	port_q(RQ("port.get", "{\"name\":\"vm\"}"), reason, sizeof(reason), &times);
	CU_ASSERT_STRING_EQUAL(reason, "");
	expect_ok(RQ("port.del", "{\"name\":\"vm\"}"));
	expect_ok(RQ("port.del", "{\"name\":\"rp\"}"));
	expect_ok(RQ("switch.del", "{\"name\":\"qs\"}"));
}

CU_ErrorCode vs_test_register_quarantine_rpc(void);
CU_ErrorCode
vs_test_register_quarantine_rpc(void)
{
	CU_pSuite s = CU_add_suite("quarantine through the methods", setup, teardown);

	if (s == NULL || !CU_add_test(s, "port.get says why, port.set releases",
				      test_quarantine_methods))
		return CU_get_error();
	return CUE_SUCCESS;
}
