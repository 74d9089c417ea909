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

static struct vs_dp *dp;
static struct vs_ctl *ctl;
static char cfg_path[64];

static int
setup(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024};
	struct vs_ctl_conf cc = {.sock_gid = -1, .version = "test"};
	char err[256];
	int fd;

	snprintf(cfg_path, sizeof(cfg_path), "/tmp/vsolXXXXXX");
	fd = mkstemp(cfg_path);
	if (fd < 0)
		return -1;
	close(fd);
	cc.config_path = cfg_path;
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
	return 0;
}

#define RQ(method, params)                                                                   \
	"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" method "\",\"params\":" params "}"

/* The result of a request that must succeed, or its error message (with
 * *failed set). */
static cJSON *
call(const char *req, bool *failed)
{
	char *out = vs_ctl_handle(ctl, req, strlen(req));
	cJSON *r = out ? cJSON_Parse(out) : NULL, *res;

	free(out);
	*failed = cJSON_HasObjectItem(r, "error");
	res = cJSON_DetachItemFromObject(r, *failed ? "error" : "result");
	cJSON_Delete(r);
	return res;
}

static void
ok(const char *req)
{
	bool failed;
	cJSON *r = call(req, &failed);

	if (failed) {
		char *s = cJSON_PrintUnformatted(r);

		fprintf(stderr, "\n  %s failed: %s\n", req, s);
		free(s);
	}
	CU_ASSERT(!failed);
	cJSON_Delete(r);
}

static void
refused(const char *req, const char *text)
{
	bool failed;
	cJSON *r = call(req, &failed);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(r, "message");

	CU_ASSERT(failed);
	CU_ASSERT(m != NULL && strstr(m->valuestring, text) != NULL);
	if (m != NULL && strstr(m->valuestring, text) == NULL)
		fprintf(stderr, "\n  %s: got '%s', want '%s'\n", req, m->valuestring, text);
	cJSON_Delete(r);
}

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
	cJSON *r = call(RQ("port.get", "{\"name\":\"o1\"}"), &failed);
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(r, "offload");

	CU_ASSERT_FATAL(!failed);
	CU_ASSERT_EQUAL(flag(o, "tx_csum"), tx);
	CU_ASSERT_EQUAL(flag(o, "rx_csum"), rx);
	CU_ASSERT_EQUAL(flag(o, "tso"), tso);
	CU_ASSERT_STRING_EQUAL(str(r, "offload_supported"),
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

	ok(RQ("switch.add", "{\"name\":\"ot\",\"type\":\"private\"}"));
	ok(RQ("port.add", "{\"switch\":\"ot\",\"name\":\"o1\",\"kind\":\"ring\"}"));
	expect_port(true, true, true, all);
	CU_ASSERT(saved_tso());

	ok(RQ("port.set", "{\"name\":\"o1\",\"offload\":\"tso=off\"}"));
	expect_port(true, true, false, "ipv4-csum,tcp4-csum,udp4-csum,tcp6-csum,udp6-csum,rx-csum");
	CU_ASSERT(!saved_tso());
	ok(RQ("port.set", "{\"name\":\"o1\",\"offload\":\"rx-csum=off,tso=on\"}"));
	expect_port(true, false, true, "ipv4-csum,tcp4-csum,udp4-csum,tcp6-csum,udp6-csum,tso4,tso6");
	ok(RQ("port.set", "{\"name\":\"o1\",\"offload\":{\"tx_csum\":false,\"rx_csum\":false}}"));
	expect_port(false, false, true, "none"); /* TSO needs the checksums */
	ok(RQ("port.set", "{\"name\":\"o1\",\"offload\":\"tx-csum=on,rx-csum=on,tso=on\"}"));
	expect_port(true, true, true, all);

	refused(RQ("port.set", "{\"name\":\"o1\",\"offload\":\"tso=maybe\"}"),
		"offload: tso: expected on or off");
	refused(RQ("port.set", "{\"name\":\"o1\",\"offload\":\"lro=on\"}"),
		"offload: unknown key 'lro'");
	refused(RQ("port.set", "{\"name\":\"o1\",\"offload\":{\"lro\":true}}"),
		"offload.lro: unknown key");
	refused(RQ("port.set", "{\"name\":\"o1\",\"offload\":{\"tso\":1}}"),
		"offload.tso: expected true or false");
	refused(RQ("port.set", "{\"name\":\"o1\",\"offload\":5}"), "offload: expected an object");
	expect_port(true, true, true, all); /* refusals changed nothing */

	r = call(RQ("port.set", "{\"name\":\"o1\",\"offload\":\"tso=off\",\"dry_run\":true}"),
		 &failed);
	CU_ASSERT(!failed);
	cJSON_Delete(r);
	expect_port(true, true, true, all);

	/* Set when the port is added, kept through a reload of the file. */
	ok(RQ("port.del", "{\"name\":\"o1\"}"));
	ok(RQ("port.add", "{\"switch\":\"ot\",\"name\":\"o1\",\"kind\":\"ring\","
			  "\"offload\":{\"tso\":false}}"));
	expect_port(true, true, false, "ipv4-csum,tcp4-csum,udp4-csum,tcp6-csum,udp6-csum,rx-csum");
	CU_ASSERT(!saved_tso());

	r = call(RQ("stats.get", "{}"), &failed);
	CU_ASSERT(!failed);
	CU_ASSERT(cJSON_HasObjectItem(cJSON_GetObjectItemCaseSensitive(r, "offload"),
				      "segments_sw"));
	CU_ASSERT(cJSON_HasObjectItem(cJSON_GetObjectItemCaseSensitive(r, "offload"),
				      "refused_malformed"));
	cJSON_Delete(r);
	ok(RQ("port.del", "{\"name\":\"o1\"}"));
	ok(RQ("switch.del", "{\"name\":\"ot\"}"));
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
				 cJSON_GetObjectItemCaseSensitive(sc, "unknown_unicast")->valuedouble);
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

	ok(RQ("switch.add", "{\"name\":\"ot\",\"type\":\"private\"}"));
	ok(RQ("port.add", "{\"switch\":\"ot\",\"name\":\"o1\",\"kind\":\"ring\"}"));
	saved_storm(got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "-"); /* no limit: not written */
	ok(RQ("port.set", "{\"name\":\"o1\",\"storm_control\":\"broadcast=10000pps\"}"));
	saved_storm(got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "10000/0/0");
	ok(RQ("port.set", "{\"name\":\"o1\",\"storm_control\":{\"unknown_unicast\":50}}"));
	saved_storm(got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "10000/0/50"); /* broadcast kept */
	r = call(RQ("port.get", "{\"name\":\"o1\"}"), &failed);
	CU_ASSERT(!failed);
	CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(r, "storm_control"), "broadcast")
				->valuedouble,
			10000);
	cJSON_Delete(r);
	refused(RQ("port.set", "{\"name\":\"o1\",\"storm_control\":\"broadcast=lots\"}"),
		"storm_control: broadcast: 'lots' is not a rate");
	refused(RQ("port.set", "{\"name\":\"o1\",\"storm_control\":{\"anycast\":5}}"),
		"storm_control.anycast: unknown key");
	refused(RQ("port.set", "{\"name\":\"o1\",\"storm_control\":{\"multicast\":-5}}"),
		"storm_control.multicast");
	refused(RQ("port.set", "{\"name\":\"o1\",\"storm_control\":true}"),
		"storm_control: expected an object");
	saved_storm(got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "10000/0/50"); /* refusals changed nothing */
	r = call(RQ("port.set", "{\"name\":\"o1\",\"storm_control\":\"off\",\"dry_run\":true}"),
		 &failed);
	CU_ASSERT(!failed);
	cJSON_Delete(r);
	saved_storm(got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "10000/0/50");
	ok(RQ("port.set", "{\"name\":\"o1\",\"storm_control\":\"off\"}"));
	saved_storm(got, sizeof(got));
	CU_ASSERT_STRING_EQUAL(got, "-");
	/* given at port.add */
	ok(RQ("port.add", "{\"switch\":\"ot\",\"name\":\"o2\",\"kind\":\"ring\","
			  "\"storm_control\":{\"multicast\":300}}"));
	r = call(RQ("port.get", "{\"name\":\"o2\"}"), &failed);
	CU_ASSERT(!failed);
	CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(r, "storm_control"), "multicast")
				->valuedouble,
			300);
	cJSON_Delete(r);
	ok(RQ("port.del", "{\"name\":\"o2\"}"));
	ok(RQ("port.del", "{\"name\":\"o1\"}"));
	ok(RQ("switch.del", "{\"name\":\"ot\"}"));
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
