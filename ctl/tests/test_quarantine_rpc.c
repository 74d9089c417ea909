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
#include "rpc_harness.h"
#include "guest.h"

static struct vs_dp *dp;
static struct vs_ctl *ctl;
static char cfg_path[64], chan_dir[64];

static int
setup(void)
{
	return rt_env_open_chan(&dp, &ctl, cfg_path, chan_dir, "qr");
}

static int
teardown(void)
{
	rt_env_close_chan(dp, ctl, cfg_path, chan_dir);
	return 0;
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
	cJSON *r = rt_ok(ctl, req);
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

	cJSON_Delete(rt_ok(ctl, RQ("switch.add", "{\"name\":\"qs\",\"type\":\"private\"}")));
	cJSON_Delete(rt_ok(
		ctl, RQ("port.add", "{\"switch\":\"qs\",\"name\":\"vm\",\"kind\":\"netvsc\"}")));
	cJSON_Delete(rt_ok(
		ctl, RQ("port.add", "{\"switch\":\"qs\",\"name\":\"rp\",\"kind\":\"ring\"}")));
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
	cJSON_Delete(rt_ok(ctl, RQ("port.set", "{\"name\":\"vm\",\"quarantine\":\"off\"}")));
	port_q(RQ("port.get", "{\"name\":\"vm\"}"), reason, sizeof(reason), &times);
	CU_ASSERT_STRING_EQUAL(reason, "");
	CU_ASSERT_EQUAL(times, 1);
	/* Quarantined on request; a dry run changes nothing. */
	cJSON_Delete(rt_ok(
		ctl, RQ("port.set", "{\"name\":\"vm\",\"quarantine\":\"on\",\"dry_run\":true}")));
	port_q(RQ("port.get", "{\"name\":\"vm\"}"), reason, sizeof(reason), &times);
	CU_ASSERT_STRING_EQUAL(reason, "");
	cJSON_Delete(rt_ok(ctl, RQ("port.set", "{\"name\":\"vm\",\"quarantine\":\"on\"}")));
	port_q(RQ("port.get", "{\"name\":\"vm\"}"), reason, sizeof(reason), &times);
	CU_ASSERT_STRING_EQUAL(reason, "by request");
	CU_ASSERT_EQUAL(times, 2);
	/* State, not configuration. */
	saved = vs_ctl_read_file(cfg_path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(saved);
	CU_ASSERT_PTR_NULL(strstr(saved, "quarantin"));
	free(saved);

	rt_refused(ctl, RQ("port.set", "{\"name\":\"vm\",\"quarantine\":\"maybe\"}"), 0,
		   "quarantine: expected 'on' or 'off', got 'maybe'");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"vm\",\"quarantine\":true}"), 0, "quarantine");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"rp\",\"quarantine\":\"on\"}"), 0,
		   "quarantine: port rp is not a netvsc port");

	/* The guest resets its channel: released. */
	vs_netvsp_guest_close(g);
	host_poll(NULL);
	port_q(RQ("port.get", "{\"name\":\"vm\"}"), reason, sizeof(reason), &times);
	CU_ASSERT_STRING_EQUAL(reason, "");
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"vm\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"rp\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"qs\"}")));
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
