/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture.start / capture.stop / capture.list through vs_ctl_handle: every
 * field validated on its own with an error naming it, the file refused
 * with its path and errno text, and a capture that runs, is listed with
 * its counters and is stopped with its final status.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <cjson/cJSON.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "ctl.h"

static struct vs_dp *dp;
static struct vs_ctl *ctl;
static char dir[64];

static int
setup(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024};
	struct vs_ctl_conf cc = {.sock_gid = -1, .version = "test"};
	struct vs_switch_conf sc = {.name = "sw"};
	struct vs_port_conf pc = {.switch_name = "sw", .kind = VS_PORT_RING};
	char err[256];

	snprintf(dir, sizeof(dir), "/tmp/vscaprpcXXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	dp = vs_dp_create(&dc, err, sizeof(err));
	if (dp == NULL || vs_dp_switch_add(dp, &sc, err, sizeof(err)) != 0)
		return -1;
	strcpy(pc.name, "p1");
	if (vs_dp_port_add(dp, &pc, err, sizeof(err)) != 0)
		return -1;
	strcpy(pc.name, "p2");
	if (vs_dp_port_add(dp, &pc, err, sizeof(err)) != 0)
		return -1;
	ctl = vs_ctl_create(dp, &cc, err, sizeof(err));
	return ctl == NULL ? -1 : 0;
}

static int
teardown(void)
{
	char cmd[128];

	vs_ctl_destroy(ctl);
	vs_dp_destroy(dp);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Sends a request built from a printf format; returns the parsed response. */
static cJSON *
callf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static cJSON *
callf(const char *fmt, ...)
{
	char req[1024], *out;
	va_list ap;
	cJSON *r;

	va_start(ap, fmt);
	vsnprintf(req, sizeof(req), fmt, ap);
	va_end(ap);
	out = vs_ctl_handle(ctl, req, strlen(req));
	if (out == NULL)
		return NULL;
	r = cJSON_Parse(out);
	free(out);
	return r;
}

#define START(params) "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"capture.start\",\"params\":" params "}"

static void
expect_error(cJSON *r, int code, const char *text)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");
	const cJSON *c = e ? cJSON_GetObjectItemCaseSensitive(e, "code") : NULL;
	const cJSON *m = e ? cJSON_GetObjectItemCaseSensitive(e, "message") : NULL;
	const char *msg = cJSON_IsString(m) ? m->valuestring : "";

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	if (c == NULL || (int)c->valuedouble != code || strstr(msg, text) == NULL) {
		char *s = cJSON_PrintUnformatted(r);

		fprintf(stderr, "\n  got %s\n  want code %d and '%s'\n", s, code, text);
		free(s);
		CU_FAIL("wrong error");
	}
	cJSON_Delete(r);
}

static cJSON *
expect_result(cJSON *r)
{
	cJSON *res = r ? cJSON_DetachItemFromObject(r, "result") : NULL;

	if (res == NULL) {
		char *s = r ? cJSON_PrintUnformatted(r) : NULL;

		fprintf(stderr, "\n  request failed: %s\n", s ? s : "(no answer)");
		free(s);
		CU_FAIL("request failed");
	}
	cJSON_Delete(r);
	return res;
}

static double
num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const char *
str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static void
test_start_validation(void)
{
	expect_error(callf(START("{}")), VS_CTL_E_INVALID_PARAMS, "port: required");
	expect_error(callf(START("{\"port\":7,\"file\":\"/tmp/x\"}")), VS_CTL_E_INVALID_PARAMS,
		     "port: expected a string");
	expect_error(callf(START("{\"port\":\"zz\",\"file\":\"%s/a.pcap\"}"), dir),
		     VS_CTL_E_NOT_FOUND, "port: no port named 'zz'");
	expect_error(callf(START("{\"port\":\"p1\"}")), VS_CTL_E_INVALID_PARAMS, "file: required");
	expect_error(callf(START("{\"port\":\"p1\",\"file\":\"rel.pcap\"}")),
		     VS_CTL_E_INVALID_PARAMS, "file: 'rel.pcap' is not an absolute path");
	expect_error(callf(START("{\"port\":\"p1\",\"file\":\"/nonexistent-dir/a.pcap\"}")),
		     VS_CTL_E_INVALID_PARAMS,
		     "file: cannot create '/nonexistent-dir/a.pcap': No such file or directory");
	expect_error(callf(START("{\"port\":\"p1\",\"file\":\"%s\"}"), dir),
		     VS_CTL_E_INVALID_PARAMS, "File exists");
	expect_error(callf(START("{\"port\":\"p1\",\"file\":\"%s/a.pcap\",\"dir\":\"in\"}"), dir),
		     VS_CTL_E_INVALID_PARAMS, "dir: expected 'rx', 'tx' or 'both', got 'in'");
	expect_error(callf(START("{\"port\":\"p1\",\"file\":\"%s/a.pcap\",\"dir\":1}"), dir),
		     VS_CTL_E_INVALID_PARAMS, "dir: expected a string");
	expect_error(callf(START("{\"port\":\"p1\",\"file\":\"%s/a.pcap\",\"format\":\"erf\"}"),
			   dir),
		     VS_CTL_E_INVALID_PARAMS, "format: expected 'pcap' or 'pcapng', got 'erf'");
	expect_error(callf(START("{\"port\":\"p1\",\"file\":\"%s/a.pcap\",\"count\":0}"), dir),
		     VS_CTL_E_INVALID_PARAMS, "count: expected an integer from 1");
	expect_error(callf(START("{\"port\":\"p1\",\"file\":\"%s/a.pcap\",\"count\":2.5}"), dir),
		     VS_CTL_E_INVALID_PARAMS, "count: expected an integer");
	expect_error(callf(START("{\"port\":\"p1\",\"file\":\"%s/a.pcap\",\"count\":\"9\"}"),
			   dir),
		     VS_CTL_E_INVALID_PARAMS, "count: expected an integer");
	expect_error(callf(START("{\"port\":\"p1\",\"file\":\"%s/a.pcap\",\"max_bytes\":-1}"),
			   dir),
		     VS_CTL_E_INVALID_PARAMS, "max_bytes: expected an integer from 1");
	expect_error(callf(START("{\"port\":\"p1\",\"file\":\"%s/a.pcap\",\"max_bytes\":20}"),
			   dir),
		     VS_CTL_E_INVALID_PARAMS, "max_bytes: 20 is smaller than the file header");
	expect_error(callf(START("{\"port\":\"p1\",\"file\":\"%s/a.pcap\",\"snaplen\":64}"), dir),
		     VS_CTL_E_INVALID_PARAMS, "snaplen: unknown key");
	/* Nothing above left a capture or a file behind. */
	{
		cJSON *l = expect_result(callf(
			"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"capture.list\"}"));

		CU_ASSERT_EQUAL(cJSON_GetArraySize(l), 0);
		cJSON_Delete(l);
	}
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/a.pcap", dir);
		CU_ASSERT_EQUAL(access(path, F_OK), -1);
	}
}

static void
test_stop_validation(void)
{
	expect_error(callf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"capture.stop\"}"),
		     VS_CTL_E_INVALID_PARAMS, "port: required");
	expect_error(callf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"capture.stop\","
			   "\"params\":{\"port\":\"zz\"}}"),
		     VS_CTL_E_NOT_FOUND, "port: no port named 'zz'");
	expect_error(callf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"capture.stop\","
			   "\"params\":{\"port\":\"p1\"}}"),
		     VS_CTL_E_NOT_FOUND, "capture.stop: port: no capture on 'p1'");
	expect_error(callf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"capture.stop\","
			   "\"params\":{\"port\":\"p1\",\"file\":\"x\"}}"),
		     VS_CTL_E_INVALID_PARAMS, "file: unknown key");
	expect_error(callf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"capture.list\","
			   "\"params\":{\"port\":\"p1\"}}"),
		     VS_CTL_E_INVALID_PARAMS, "port: unknown key");
}

/* p1 receives frames (flooded to p2) while captures run on both. */
static void
test_capture_flow(void)
{
	static const uint8_t frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1};
	struct rte_ring *rx = vs_dp_port_rx_ring(dp, (unsigned int)vs_dp_port_index(dp, "p1"));
	struct rte_ring *tx = vs_dp_port_tx_ring(dp, (unsigned int)vs_dp_port_index(dp, "p2"));
	struct rte_mbuf *m;
	cJSON *r, *l;
	unsigned int i;

	r = expect_result(callf(START("{\"port\":\"p1\",\"file\":\"%s/p1.pcapng\",\"dir\":\"rx\","
				      "\"format\":\"pcapng\"}"),
				dir));
	CU_ASSERT_STRING_EQUAL(str(r, "state"), "running");
	CU_ASSERT_STRING_EQUAL(str(r, "dir"), "rx");
	CU_ASSERT_STRING_EQUAL(str(r, "format"), "pcapng");
	CU_ASSERT_EQUAL(num(r, "frames"), 0);
	cJSON_Delete(r);
	expect_error(callf(START("{\"port\":\"p1\",\"file\":\"%s/again.pcap\"}"), dir),
		     VS_CTL_E_CONFLICT, "a capture is already running on 'p1'");
	cJSON_Delete(expect_result(
		callf(START("{\"port\":\"p2\",\"file\":\"%s/p2.pcap\",\"count\":4}"), dir)));
	for (i = 0; i < 10; i++) {
		m = rte_pktmbuf_alloc(vs_dp_mempool(dp));
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		memcpy(rte_pktmbuf_append(m, sizeof(frame)), frame, sizeof(frame));
		CU_ASSERT_EQUAL(rte_ring_enqueue(rx, m), 0);
	}
	vs_dp_poll_once(dp);
	while (rte_ring_dequeue(tx, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	/* list polls first, so the count limit on p2 shows as reached. */
	l = expect_result(callf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"capture.list\"}"));
	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(l), 2);
	r = cJSON_GetArrayItem(l, 0);
	CU_ASSERT_STRING_EQUAL(str(r, "port"), "p1");
	CU_ASSERT_EQUAL(num(r, "frames"), 10);
	CU_ASSERT_STRING_EQUAL(str(r, "end"), "running");
	r = cJSON_GetArrayItem(l, 1);
	CU_ASSERT_STRING_EQUAL(str(r, "port"), "p2");
	CU_ASSERT_STRING_EQUAL(str(r, "state"), "ended");
	CU_ASSERT_STRING_EQUAL(str(r, "end"), "count_limit");
	CU_ASSERT_EQUAL(num(r, "frames"), 4);
	CU_ASSERT_EQUAL(num(r, "bytes"), 24 + 4 * (16 + 60));
	CU_ASSERT_EQUAL(num(r, "count"), 4);
	cJSON_Delete(l);
	r = expect_result(callf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"capture.stop\","
				"\"params\":{\"port\":\"p1\"}}"));
	CU_ASSERT_STRING_EQUAL(str(r, "end"), "stopped");
	CU_ASSERT_EQUAL(num(r, "frames"), 10);
	CU_ASSERT_EQUAL(num(r, "dropped"), 0);
	cJSON_Delete(r);
	r = expect_result(callf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"capture.stop\","
				"\"params\":{\"port\":\"p2\"}}"));
	CU_ASSERT_STRING_EQUAL(str(r, "end"), "count_limit");
	cJSON_Delete(r);
	l = expect_result(callf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"capture.list\"}"));
	CU_ASSERT_EQUAL(cJSON_GetArraySize(l), 0);
	cJSON_Delete(l);
}

CU_ErrorCode
vs_test_register_capture_rpc(void)
{
	CU_pSuite s = CU_add_suite("capture rpc", setup, teardown);

	if (s == NULL || !CU_add_test(s, "capture.start validates every field", test_start_validation) ||
	    !CU_add_test(s, "capture.stop and capture.list validate", test_stop_validation) ||
	    !CU_add_test(s, "start, list with counters, stop", test_capture_flow))
		return CU_get_error();
	return CUE_SUCCESS;
}
