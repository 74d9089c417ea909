/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port offload settings through the control methods: port.add and
 * port.set in both forms (the command line's "tso=off" string and the
 * configuration's object), what port.get reports (settings, supported and
 * active capabilities), persistence, refusals naming the field, dry runs,
 * and the offload counters of stats.get.  Storm control, the other
 * per-port traffic setting, the same way.
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

RT_FIXTURE("ol", 1024)

static bool
flag(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* port.get of o1: its offload object, supported and active. */
static void
expect_port(bool tx, bool rx, bool tso, const char *active)
{
	bool failed;
	cJSON *r = rt_result(ctl, RQ("port.get", "{\"name\":\"o1\"}"), &failed);
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(r, "offload");

	CU_ASSERT_FATAL(!failed);
	CU_ASSERT_EQUAL(flag(o, "tx_csum"), tx);
	CU_ASSERT_EQUAL(flag(o, "rx_csum"), rx);
	CU_ASSERT_EQUAL(flag(o, "tso"), tso);
	CU_ASSERT_STRING_EQUAL(
		str(r, "offload_supported"),
		"ipv4-csum,tcp4-csum,udp4-csum,tcp6-csum,udp6-csum,tso4,tso6,rx-csum");
	CU_ASSERT_STRING_EQUAL(str(r, "offload_active"), active);
	cJSON_Delete(r);
}

/* The saved file's o1 offload object. */
static bool
saved_tso(void)
{
	char err[128];
	char *txt = vs_ctl_read_file(cfg_path, err, sizeof(err));
	cJSON *doc = txt ? cJSON_Parse(txt) : NULL, *p;
	bool tso = true;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(doc, "ports"))
		if (strcmp(str(p, "name"), "o1") == 0)
			tso = flag(cJSON_GetObjectItemCaseSensitive(p, "offload"), "tso");
	cJSON_Delete(doc);
	free(txt);
	return tso;
}

static void
test_offload_methods(void)
{
	static const char *const all =
		"ipv4-csum,tcp4-csum,udp4-csum,tcp6-csum,udp6-csum,tso4,tso6,rx-csum";
	bool failed;
	cJSON *r;

	cJSON_Delete(rt_ok(ctl, RQ("switch.add", "{\"name\":\"ot\",\"type\":\"private\"}")));
	cJSON_Delete(rt_ok(
		ctl, RQ("port.add", "{\"switch\":\"ot\",\"name\":\"o1\",\"kind\":\"ring\"}")));
	expect_port(true, true, true, all);
	CU_ASSERT(saved_tso());

	cJSON_Delete(rt_ok(ctl, RQ("port.set", "{\"name\":\"o1\",\"offload\":\"tso=off\"}")));
	expect_port(true, true, false, "ipv4-csum,tcp4-csum,udp4-csum,tcp6-csum,udp6-csum,rx-csum");
	CU_ASSERT(!saved_tso());
	cJSON_Delete(
		rt_ok(ctl, RQ("port.set", "{\"name\":\"o1\",\"offload\":\"rx-csum=off,tso=on\"}")));
	expect_port(true, false, true,
		    "ipv4-csum,tcp4-csum,udp4-csum,tcp6-csum,udp6-csum,tso4,tso6");
	cJSON_Delete(rt_ok(
		ctl, RQ("port.set",
			"{\"name\":\"o1\",\"offload\":{\"tx_csum\":false,\"rx_csum\":false}}")));
	expect_port(false, false, true, "none"); /* TSO needs the checksums */
	cJSON_Delete(
		rt_ok(ctl, RQ("port.set",
			      "{\"name\":\"o1\",\"offload\":\"tx-csum=on,rx-csum=on,tso=on\"}")));
	expect_port(true, true, true, all);

	rt_refused(ctl, RQ("port.set", "{\"name\":\"o1\",\"offload\":\"tso=maybe\"}"), 0,
		   "offload: tso: expected on or off");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"o1\",\"offload\":\"lro=on\"}"), 0,
		   "offload: unknown key 'lro'");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"o1\",\"offload\":{\"lro\":true}}"), 0,
		   "offload.lro: unknown key");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"o1\",\"offload\":{\"tso\":1}}"), 0,
		   "offload.tso: expected true or false");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"o1\",\"offload\":5}"), 0,
		   "offload: expected an object");
	expect_port(true, true, true, all); /* refusals changed nothing */

	r = rt_result(ctl,
		      RQ("port.set", "{\"name\":\"o1\",\"offload\":\"tso=off\",\"dry_run\":true}"),
		      &failed);
	CU_ASSERT(!failed);
	cJSON_Delete(r);
	expect_port(true, true, true, all);

	/* Set when the port is added, kept through a reload of the file. */
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"o1\"}")));
	cJSON_Delete(
		rt_ok(ctl, RQ("port.add", "{\"switch\":\"ot\",\"name\":\"o1\",\"kind\":\"ring\","
					  "\"offload\":{\"tso\":false}}")));
	expect_port(true, true, false, "ipv4-csum,tcp4-csum,udp4-csum,tcp6-csum,udp6-csum,rx-csum");
	CU_ASSERT(!saved_tso());

	r = rt_result(ctl, RQ("stats.get", "{}"), &failed);
	CU_ASSERT(!failed);
	CU_ASSERT(cJSON_HasObjectItem(cJSON_GetObjectItemCaseSensitive(r, "offload"),
				      "segments_sw"));
	CU_ASSERT(cJSON_HasObjectItem(cJSON_GetObjectItemCaseSensitive(r, "offload"),
				      "refused_malformed"));
	cJSON_Delete(r);
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"o1\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"ot\"}")));
}

/* The saved file's o1 storm_control object, as "B/M/U" (- when absent). */
static void
saved_storm(char *buf, size_t len)
{
	char err[128];
	char *txt = vs_ctl_read_file(cfg_path, err, sizeof(err));
	cJSON *doc = txt ? cJSON_Parse(txt) : NULL, *p;

	snprintf(buf, len, "-");
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(doc, "ports")) {
		const cJSON *sc = cJSON_GetObjectItemCaseSensitive(p, "storm_control");

		if (strcmp(str(p, "name"), "o1") == 0 && sc != NULL)
			snprintf(buf, len, "%.0f/%.0f/%.0f",
				 cJSON_GetObjectItemCaseSensitive(sc, "broadcast")->valuedouble,
				 cJSON_GetObjectItemCaseSensitive(sc, "multicast")->valuedouble,
				 cJSON_GetObjectItemCaseSensitive(sc, "unknown_unicast")
					 ->valuedouble);
	}
	cJSON_Delete(doc);
	free(txt);
}

static void
test_storm_methods(void)
{
	char got[64];
	bool failed;
	cJSON *r;

	cJSON_Delete(rt_ok(ctl, RQ("switch.add", "{\"name\":\"ot\",\"type\":\"private\"}")));
	cJSON_Delete(rt_ok(
		ctl, RQ("port.add", "{\"switch\":\"ot\",\"name\":\"o1\",\"kind\":\"ring\"}")));
	saved_storm(got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "-"); /* no limit: not written */
	cJSON_Delete(rt_ok(
		ctl, RQ("port.set", "{\"name\":\"o1\",\"storm_control\":\"broadcast=10000pps\"}")));
	saved_storm(got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "10000/0/0");
	cJSON_Delete(
		rt_ok(ctl, RQ("port.set",
			      "{\"name\":\"o1\",\"storm_control\":{\"unknown_unicast\":50}}")));
	saved_storm(got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "10000/0/50"); /* broadcast kept */
	r = rt_result(ctl, RQ("port.get", "{\"name\":\"o1\"}"), &failed);
	CU_ASSERT(!failed);
	CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(r, "storm_control"), "broadcast")
				->valuedouble,
			10000);
	cJSON_Delete(r);
	rt_refused(ctl, RQ("port.set", "{\"name\":\"o1\",\"storm_control\":\"broadcast=lots\"}"), 0,
		   "storm_control: broadcast: 'lots' is not a rate");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"o1\",\"storm_control\":{\"anycast\":5}}"), 0,
		   "storm_control.anycast: unknown key");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"o1\",\"storm_control\":{\"multicast\":-5}}"), 0,
		   "storm_control.multicast");
	rt_refused(ctl, RQ("port.set", "{\"name\":\"o1\",\"storm_control\":true}"), 0,
		   "storm_control: expected an object");
	saved_storm(got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "10000/0/50"); /* refusals changed nothing */
	r = rt_result(
		ctl, RQ("port.set", "{\"name\":\"o1\",\"storm_control\":\"off\",\"dry_run\":true}"),
		&failed);
	CU_ASSERT(!failed);
	cJSON_Delete(r);
	saved_storm(got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "10000/0/50");
	cJSON_Delete(rt_ok(ctl, RQ("port.set", "{\"name\":\"o1\",\"storm_control\":\"off\"}")));
	saved_storm(got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "-");
	/* given at port.add */
	cJSON_Delete(
		rt_ok(ctl, RQ("port.add", "{\"switch\":\"ot\",\"name\":\"o2\",\"kind\":\"ring\","
					  "\"storm_control\":{\"multicast\":300}}")));
	r = rt_result(ctl, RQ("port.get", "{\"name\":\"o2\"}"), &failed);
	CU_ASSERT(!failed);
	CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(r, "storm_control"), "multicast")
				->valuedouble,
			300);
	cJSON_Delete(r);
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"o2\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"o1\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"ot\"}")));
}

CU_ErrorCode
vs_test_register_offload_rpc(void)
{
	CU_pSuite s = CU_add_suite("offload settings through the methods", setup, teardown);

	if (s == NULL || !CU_add_test(s, "port offload settings", test_offload_methods) ||
	    !CU_add_test(s, "port storm control", test_storm_methods))
		return CU_get_error();
	return CUE_SUCCESS;
}
