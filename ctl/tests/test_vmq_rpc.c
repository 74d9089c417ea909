/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Placement and software VMQ through the control methods: port.set's
 * lcore pin (refused naming "lcore" for an lcore that runs no worker,
 * "queue" for a queue the port lacks), vmq on and off (refused naming
 * "vmq" for a port without a MAC), both persisted and reported by
 * port.get with the reason; workers.list and workers.rebalance; a
 * multi-queue netvsc port's "queues" (persisted, refused elsewhere and
 * out of range), its queues in workers.list, placed by port.set and the
 * pins persisted ("queue_lcores"); a phy/vdev port's receive queues
 * ("queues"); hardware VMQ tried again when a switch's uplink changes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <cjson/cJSON.h>
#include <rte_lcore.h>

#include "ctl.h"
#include "rpc_harness.h"

static struct vs_dp *dp;
static struct vs_ctl *ctl;
static char cfg_path[64], chan_dir[64];

static int
setup(void)
{
	return rt_env_open_chan(&dp, &ctl, cfg_path, chan_dir, "vq");
}

static int
teardown(void)
{
	rt_env_close_chan(dp, ctl, cfg_path, chan_dir);
	return 0;
}

/* The saved file's port p: its "lcore" (-1: absent) and "vmq". */
static void
saved(const char *port, int *lcore, bool *vmq)
{
	char err[128];
	char *txt = vs_ctl_read_file(cfg_path, err, sizeof(err));
	cJSON *doc = txt ? cJSON_Parse(txt) : NULL, *p;

	*lcore = -1;
	*vmq = false;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(doc, "ports"))
	{
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(p, "name");
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(p, "lcore");

		if (!cJSON_IsString(n) || strcmp(n->valuestring, port) != 0)
			continue;
		if (cJSON_IsNumber(l))
			*lcore = (int)l->valuedouble;
		*vmq = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "vmq"));
	}
	cJSON_Delete(doc);
	free(txt);
}

static void
test_vmq_methods(void)
{
	char req[256];
	int lcore;
	bool vmq;
	cJSON *r;
	const cJSON *v, *w;

	cJSON_Delete(rt_ok(ctl, RQ("switch.add", "{\"name\":\"vq\",\"type\":\"private\"}")));
	cJSON_Delete(
		rt_ok(ctl, RQ("port.add", "{\"switch\":\"vq\",\"name\":\"q1\",\"kind\":\"ring\","
					  "\"mac\":\"02:00:00:00:00:51\"}")));
	cJSON_Delete(rt_ok(
		ctl, RQ("port.add", "{\"switch\":\"vq\",\"name\":\"q2\",\"kind\":\"ring\"}")));

	/* Driven by the caller here: the one worker context is the main lcore's. */
	snprintf(req, sizeof(req), RQ("port.set", "{\"name\":\"q1\",\"queue\":0,\"lcore\":%u}"),
		 rte_get_main_lcore());
	cJSON_Delete(rt_ok(ctl, req));
	saved("q1", &lcore, &vmq);
	CU_ASSERT_EQUAL(lcore, (int)rte_get_main_lcore());
	rt_refused(ctl, RQ("port.set", "{\"name\":\"q1\",\"lcore\":77}"), 0,
		   "lcore: 77 runs no worker");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"q1\",\"queue\":3,\"lcore\":0}"), 0, "queue: ");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"q1\",\"lcore\":\"soon\"}"), 0,
		   "lcore: expected");
	cJSON_Delete(rt_ok(ctl, RQ("port.set", "{\"name\":\"q1\",\"lcore\":\"auto\"}")));
	saved("q1", &lcore, &vmq);
	CU_ASSERT_EQUAL(lcore, -1);

	/* VMQ: on and off, persisted; the reason in port.get. */
	rt_refused(ctl, RQ("port.set", "{\"name\":\"q2\",\"vmq\":true}"), 0,
		   "vmq: port q2 has no MAC");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"q1\",\"vmq\":\"yes\"}"), 0, "vmq: expected");
	cJSON_Delete(rt_ok(ctl, RQ("port.set", "{\"name\":\"q1\",\"vmq\":true}")));
	saved("q1", &lcore, &vmq);
	CU_ASSERT(vmq);
	r = rt_ok(ctl, RQ("port.get", "{\"name\":\"q1\"}"));
	v = cJSON_GetObjectItemCaseSensitive(r, "vmq_status");
	CU_ASSERT_FATAL(cJSON_IsObject(v));
	CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "vmq"))); /* the setting */
	CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "on")));
	/* A private switch has no uplink to steer from. */
	CU_ASSERT(strstr(cJSON_GetObjectItemCaseSensitive(v, "why")->valuestring, "no uplink") !=
		  NULL);
	CU_ASSERT(cJSON_HasObjectItem(r, "placement"));
	cJSON_Delete(r);
	cJSON_Delete(rt_ok(ctl, RQ("port.set", "{\"name\":\"q1\",\"vmq\":false}")));
	saved("q1", &lcore, &vmq);
	CU_ASSERT(!vmq);

	/* Workers: each with its queues; a rebalance answers how many moved. */
	r = rt_ok(ctl, RQ("workers.list", "{}"));
	CU_ASSERT(cJSON_IsArray(r) && cJSON_GetArraySize(r) == 1);
	w = cJSON_GetArrayItem(r, 0);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(w, "queues")), 2);
	CU_ASSERT(cJSON_HasObjectItem(w, "cycles_per_packet") &&
		  cJSON_HasObjectItem(w, "idle_ratio"));
	cJSON_Delete(r);
	r = rt_ok(ctl, RQ("workers.rebalance", "{}"));
	CU_ASSERT(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(r, "moved")));
	cJSON_Delete(r);
	rt_refused(ctl, RQ("workers.rebalance", "{\"now\":true}"), 0, "now: ");

	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"q1\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"q2\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"vq\"}")));
}

/* Bit q set: workers.list shows the port's queue q on some worker. */
static int
listed_queues(const char *port)
{
	cJSON *r = rt_ok(ctl, RQ("workers.list", "{}")), *w, *q;
	int seen = 0;

	cJSON_ArrayForEach(w, r)
		cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(w, "queues"))
			if (strcmp(cJSON_GetObjectItemCaseSensitive(q, "port")->valuestring, port) == 0)
				seen |= 1 << (int)cJSON_GetNumberValue(
						cJSON_GetObjectItemCaseSensitive(q, "queue"));
	cJSON_Delete(r);
	return seen;
}

/* port.get's vmq_status.why of port name, copied to out. */
static void
vmq_why(const char *name, char *out, size_t len)
{
	char req[128];
	cJSON *r;
	const cJSON *why;

	snprintf(req, sizeof(req), RQ("port.get", "{\"name\":\"%s\"}"), name);
	r = rt_ok(ctl, req);
	why = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "vmq_status"),
					       "why");
	snprintf(out, len, "%s", cJSON_IsString(why) ? why->valuestring : "");
	cJSON_Delete(r);
}

/* Hardware VMQ follows the uplink: a VM on a switch without one asks
 * again when the switch gets one (net_null takes no rte_flow rule:
 * refused, in its words); a one-queue uplink cannot steer. */
static void
test_vmq_hw_new_uplink(void)
{
	char why[256];

	cJSON_Delete(rt_ok(ctl, RQ("switch.add", "{\"name\":\"hw\",\"type\":\"private\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("port.add", "{\"switch\":\"hw\",\"name\":\"hv\",\"kind\":\"ring\","
				       "\"mac\":\"02:00:00:00:00:61\",\"vmq\":true}")));
	vmq_why("hv", why, sizeof(why));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "no uplink"));
	cJSON_Delete(rt_ok(ctl, RQ("switch.set", "{\"name\":\"hw\",\"type\":\"external\","
				       "\"uplink\":\"net_null_vmqhw1,no-rx=1\"}")));
	CU_ASSERT_EQUAL(listed_queues("hw-uplink"), 0xff);
	vmq_why("hv", why, sizeof(why));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "the uplink (net_null) refused the rte_flow rule"));
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"hv\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"hw\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("switch.add", "{\"name\":\"hw\",\"type\":\"external\","
				       "\"uplink\":\"net_null_vmqhw2,no-rx=1\","
				       "\"uplink_port\":{\"queues\":1}}")));
	cJSON_Delete(rt_ok(ctl, RQ("port.add", "{\"switch\":\"hw\",\"name\":\"hv\",\"kind\":\"ring\","
				       "\"mac\":\"02:00:00:00:00:61\",\"vmq\":true}")));
	vmq_why("hv", why, sizeof(why));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "has one receive queue"));
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"hv\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"hw\"}")));
}

/* The port's "queues" in the saved configuration, 0 without one. */
static int
saved_queues(const char *port)
{
	char err[128];
	char *txt = vs_ctl_read_file(cfg_path, err, sizeof(err));
	cJSON *doc = txt ? cJSON_Parse(txt) : NULL, *p;
	int queues = -1;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(doc, "ports"))
		if (strcmp(cJSON_GetObjectItemCaseSensitive(p, "name")->valuestring, port) == 0) {
			const cJSON *q = cJSON_GetObjectItemCaseSensitive(p, "queues");

			queues = q == NULL ? 0 : cJSON_IsNumber(q) ? q->valueint : -2;
		}
	cJSON_Delete(doc);
	free(txt);
	return queues;
}

/* A netvsc port with 3 queues: saved, listed per queue, each placeable. */
static void
test_multiqueue_methods(void)
{
	char err[128], req[256];
	char *txt;
	cJSON *r, *doc, *p, *q;
	const cJSON *w;
	int queues = 0, seen = 0;

	cJSON_Delete(rt_ok(ctl, RQ("switch.add", "{\"name\":\"mq\",\"type\":\"private\"}")));
	rt_refused(ctl, RQ("port.add", "{\"switch\":\"mq\",\"name\":\"r\",\"kind\":\"ring\","
				 "\"queues\":2}"), 0,
		"queues: only a netvsc port");
	rt_refused(ctl, RQ("port.add", "{\"switch\":\"mq\",\"name\":\"m\",\"kind\":\"netvsc\","
				 "\"queues\":9}"), 0,
		"queues: ");
	/* A device's receive queues: as asked, listed, persisted; a device
	 * without "queues" polls each it has (up to 8). */
	cJSON_Delete(rt_ok(ctl, RQ("port.add", "{\"switch\":\"mq\",\"name\":\"d2\",\"kind\":\"vdev\","
				       "\"devargs\":\"net_null_vmqrpc2,no-rx=1\",\"queues\":2}")));
	cJSON_Delete(rt_ok(ctl, RQ("port.add", "{\"switch\":\"mq\",\"name\":\"d8\",\"kind\":\"vdev\","
				       "\"devargs\":\"net_null_vmqrpc8,no-rx=1\"}")));
	CU_ASSERT_EQUAL(listed_queues("d2"), 0x3);
	CU_ASSERT_EQUAL(listed_queues("d8"), 0xff);
	CU_ASSERT_EQUAL(saved_queues("d2"), 2);
	CU_ASSERT_EQUAL(saved_queues("d8"), 0);
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"d2\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"d8\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("port.add", "{\"switch\":\"mq\",\"name\":\"m\",\"kind\":\"netvsc\","
				       "\"queues\":3}")));
	txt = vs_ctl_read_file(cfg_path, err, sizeof(err));
	doc = txt ? cJSON_Parse(txt) : NULL;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(doc, "ports"))
		if (strcmp(cJSON_GetObjectItemCaseSensitive(p, "name")->valuestring, "m") == 0)
			queues = (int)cJSON_GetNumberValue(
				cJSON_GetObjectItemCaseSensitive(p, "queues"));
	cJSON_Delete(doc);
	free(txt);
	CU_ASSERT_EQUAL(queues, 3);
	r = rt_ok(ctl, RQ("workers.list", "{}"));
	w = cJSON_GetArrayItem(r, 0);
	cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(w, "queues"))
		if (strcmp(cJSON_GetObjectItemCaseSensitive(q, "port")->valuestring, "m") == 0)
			seen |= 1 << (int)cJSON_GetNumberValue(
					cJSON_GetObjectItemCaseSensitive(q, "queue"));
	CU_ASSERT_EQUAL(seen, 0x7);
	cJSON_Delete(r);
	snprintf(req, sizeof(req), RQ("port.set", "{\"name\":\"m\",\"queue\":2,\"lcore\":%u}"),
		 rte_get_main_lcore());
	cJSON_Delete(rt_ok(ctl, req));
	txt = vs_ctl_read_file(cfg_path, err, sizeof(err));
	doc = txt ? cJSON_Parse(txt) : NULL;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(doc, "ports"))
		if (strcmp(cJSON_GetObjectItemCaseSensitive(p, "name")->valuestring, "m") == 0) {
			const cJSON *l = cJSON_GetObjectItemCaseSensitive(p, "queue_lcores");

			/* Queue 1 unpinned, queue 2 on the main lcore. */
			CU_ASSERT(cJSON_GetArraySize(l) == 2 && cJSON_IsNull(cJSON_GetArrayItem(l, 0)) &&
				  cJSON_GetNumberValue(cJSON_GetArrayItem(l, 1)) ==
					  (double)rte_get_main_lcore());
			seen = -1;
		}
	CU_ASSERT_EQUAL(seen, -1);
	cJSON_Delete(doc);
	free(txt);
	rt_refused(ctl, RQ("port.add", "{\"switch\":\"mq\",\"name\":\"m2\",\"kind\":\"netvsc\","
				 "\"queues\":2,\"queue_lcores\":[1,2]}"), 0,
		"queue_lcores: ");
	rt_refused(ctl, RQ("port.add", "{\"switch\":\"mq\",\"name\":\"m2\",\"kind\":\"netvsc\","
				 "\"queues\":2,\"queue_lcores\":[\"x\"]}"), 0,
		"queue_lcores[0]: ");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"m\",\"queue\":3,\"lcore\":0}"), 0,
		"queue: port m has 3 receive queues (0-2)");
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"m\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"mq\"}")));
}

CU_ErrorCode
vs_test_register_vmq_rpc(void)
{
	CU_pSuite s = CU_add_suite("placement and VMQ through the methods", setup, teardown);

	if (s == NULL || !CU_add_test(s, "pins, VMQ, workers", test_vmq_methods) ||
	    !CU_add_test(s, "multi-queue netvsc: queues saved, listed, placed",
			 test_multiqueue_methods) ||
	    !CU_add_test(s, "hardware VMQ asked again of a new uplink", test_vmq_hw_new_uplink))
		return CU_get_error();
	return CUE_SUCCESS;
}
