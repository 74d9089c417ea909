/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topologies with a hostile guest: the "hostile:MISDEED" role is parsed
 * into the misdeed guest.h knows (or refused naming the choices), leaves
 * the datapath's document, is no sink; and its observation reaches the
 * JSON report and the table.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <cjson/cJSON.h>

#include "guest.h"
#include "run_priv.h"
#include "test_perf.h"

#define V2V_WITH(guest3)                                                                         \
	"{\"switches\":[{\"name\":\"perf\",\"type\":\"private\"}],\"ports\":["                      \
	"{\"switch\":\"perf\",\"name\":\"vm1\",\"kind\":\"netvsc\",\"guest\":\"replay\"},"          \
	"{\"switch\":\"perf\",\"name\":\"vm2\",\"kind\":\"netvsc\",\"guest\":\"sink\"},"            \
	"{\"switch\":\"perf\",\"name\":\"vm3\",\"kind\":\"netvsc\",\"guest\":\"" guest3 "\"}]}"

static void
test_topo_hostile_roles(void)
{
	static struct vs_perf_topo t;
	char err[512] = "";
	int m;

	CU_ASSERT_EQUAL_FATAL(vs_perf_topo_parse(V2V_WITH("hostile:bad_gpa"), "h", NULL, &t, err,
						 sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(t.n_guests, 3);
	CU_ASSERT_EQUAL(t.guests[2].role, VS_PERF_GUEST_HOSTILE);
	CU_ASSERT_EQUAL(t.guests[2].misdeed, VS_GUEST_BAD_GPA);
	CU_ASSERT_STRING_EQUAL(t.guests[2].port, "vm3");
	/* The datapath's configuration has no such key. */
	CU_ASSERT_PTR_NULL(strstr(t.config, "hostile"));
	CU_ASSERT_PTR_NULL(strstr(t.config, "\"guest\""));
	vs_perf_topo_free(&t);

	CU_ASSERT_EQUAL_FATAL(vs_perf_topo_parse(V2V_WITH("hostile:none"), "h", NULL, &t, err,
						 sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(t.guests[2].misdeed, VS_PERF_MISDEED_NONE);
	vs_perf_topo_free(&t);

	/* Every misdeed by its name. */
	for (m = 0; m < VS_GUEST_N_MISDEEDS; m++) {
		char doc[1024], role[64];

		snprintf(role, sizeof(role), "hostile:%s", vs_netvsp_guest_misdeed_name(m));
		snprintf(doc, sizeof(doc),
			 "{\"switches\":[{\"name\":\"p\",\"type\":\"private\"}],\"ports\":["
			 "{\"switch\":\"p\",\"name\":\"a\",\"kind\":\"netvsc\",\"guest\":\"replay\"},"
			 "{\"switch\":\"p\",\"name\":\"b\",\"kind\":\"sink\"},"
			 "{\"switch\":\"p\",\"name\":\"c\",\"kind\":\"netvsc\",\"guest\":\"%s\"}]}",
			 role);
		CU_ASSERT_EQUAL_FATAL(vs_perf_topo_parse(doc, "h", NULL, &t, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(t.guests[1].misdeed, m);
		vs_perf_topo_free(&t);
	}
}

static void
test_topo_hostile_refused(void)
{
	static struct vs_perf_topo t;
	char err[512] = "";

	CU_ASSERT_EQUAL(vs_perf_topo_parse(V2V_WITH("hostile:shouting"), "h", NULL, &t, err,
					   sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ports[2].guest"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "hostile:MISDEED (none, bad_write_index"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "flood"));
	vs_perf_topo_free(&t);
	CU_ASSERT_EQUAL(vs_perf_topo_parse(V2V_WITH("hostile:"), "h", NULL, &t, err, sizeof(err)),
			-EINVAL);
	vs_perf_topo_free(&t);

	/* A hostile guest is no sink: replay + hostile alone is refused. */
	CU_ASSERT_EQUAL(
		vs_perf_topo_parse("{\"switches\":[{\"name\":\"p\",\"type\":\"private\"}],\"ports\":["
				   "{\"switch\":\"p\",\"name\":\"a\",\"kind\":\"replay\"},"
				   "{\"switch\":\"p\",\"name\":\"c\",\"kind\":\"netvsc\","
				   "\"guest\":\"hostile:flood\"}]}",
				   "h", NULL, &t, err, sizeof(err)),
		-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "one replay and one sink"));
	vs_perf_topo_free(&t);
}

/* A one-run report whose single repetition saw a quarantined guest. */
static struct vs_perf_report *
report_with_hostile(void)
{
	struct vs_perf_report *r = calloc(1, sizeof(*r));
	struct vs_perf_run *run;
	struct vs_perf_sample *s;

	if (r == NULL)
		return NULL;
	r->n_runs = 1;
	run = &r->runs[0];
	snprintf(run->workload.name, sizeof(run->workload.name), "64B");
	run->workload.size = 64;
	snprintf(run->scenario, sizeof(run->scenario), "hostile-bad_section");
	run->workers = 1;
	run->duration_s = 1;
	run->n_subjects = 1;
	snprintf(run->subj[0].name, sizeof(run->subj[0].name), "vswitch");
	run->subj[0].n = 1;
	s = &run->subj[0].s[0];
	s->seconds = 1;
	s->packets = 1000000;
	s->wire_bits = s->packets * 84 * 8;
	vs_perf_sample_rates(s);
	s->hostile.valid = true;
	snprintf(s->hostile.port, sizeof(s->hostile.port), "vm3");
	snprintf(s->hostile.misdeed, sizeof(s->hostile.misdeed), "bad_section");
	s->hostile.committed = 4096;
	s->hostile.received = 125;
	s->hostile.quarantined = true;
	s->hostile.violations = 17;
	snprintf(s->hostile.reason, sizeof(s->hostile.reason), "17 protocol violations");
	s->hostile.n_counters = 2;
	snprintf(s->hostile.counters[0].name, sizeof(s->hostile.counters[0].name), "section_bad");
	s->hostile.counters[0].count = 17;
	snprintf(s->hostile.counters[1].name, sizeof(s->hostile.counters[1].name), "rx_packets");
	s->hostile.counters[1].count = 125;
	return r;
}

/* A perf port's receive queues: its "queues" (the uplink's in
 * uplink_port), 1 when absent, written into the datapath's document so
 * that the device gets as many. */
static void
test_topo_queues(void)
{
	static struct vs_perf_topo t;
	char err[512] = "";
	cJSON *doc, *p;

	CU_ASSERT_EQUAL_FATAL(
		vs_perf_topo_parse("{\"switches\":[{\"name\":\"x\",\"type\":\"external\","
				   "\"uplink\":\"replay\",\"uplink_port\":{\"queues\":2}}],"
				   "\"ports\":[{\"switch\":\"x\",\"name\":\"s\",\"kind\":\"sink\"}]}",
				   "q", NULL, &t, err, sizeof(err)),
		0);
	CU_ASSERT_EQUAL(t.n_ports, 2);
	CU_ASSERT(t.ports[0].role == VS_PERF_REPLAY && t.ports[0].rx_queues == 2);
	CU_ASSERT(t.ports[1].role == VS_PERF_SINK && t.ports[1].rx_queues == 1);
	doc = cJSON_Parse(t.config);
	p = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "ports"), 0);
	CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(p, "queues")->valueint, 1);
	p = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "switches"), 0);
	CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(p, "uplink_port"), "queues")
				->valueint,
			2);
	cJSON_Delete(doc);
	vs_perf_topo_free(&t);

	CU_ASSERT_EQUAL(vs_perf_topo_parse("{\"switches\":[{\"name\":\"p\",\"type\":\"private\"}],"
					   "\"ports\":[{\"switch\":\"p\",\"name\":\"r\",\"kind\":"
					   "\"replay\",\"queues\":9},{\"switch\":\"p\",\"name\":"
					   "\"s\",\"kind\":\"sink\"}]}",
					   "q", NULL, &t, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ports[0].queues: expected 1..8"));
	vs_perf_topo_free(&t);
}

static void
test_report_hostile(void)
{
	struct vs_perf_report *r = report_with_hostile(), *back = calloc(1, sizeof(*back));
	const cJSON *h, *c;
	cJSON *doc;
	char *text, *buf = NULL, err[256];
	size_t len = 0;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	text = vs_perf_report_to_json(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	doc = cJSON_Parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	h = cJSON_GetObjectItem(
		cJSON_GetArrayItem(
			cJSON_GetObjectItem(
				cJSON_GetArrayItem(
					cJSON_GetObjectItem(
						cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "runs"), 0),
						"subjects"),
					0),
				"repeats"),
			0),
		"hostile");
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(h, "port")->valuestring, "vm3");
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(h, "misdeed")->valuestring, "bad_section");
	CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(h, "quarantined")));
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(h, "committed")->valuedouble, 4096);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(h, "violations")->valuedouble, 17);
	c = cJSON_GetObjectItem(h, "counters");
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(c, "section_bad")->valuedouble, 17);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(c, "rx_packets")->valuedouble, 125);
	/* Written only: a reader (compare) takes the report regardless. */
	CU_ASSERT_EQUAL(vs_perf_report_from_json(text, back, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(back->runs[0].subj[0].s[0].packets, 1000000);
	cJSON_Delete(doc);
	free(text);

	f = open_memstream(&buf, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	vs_perf_report_table(f, r);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "hostile vm3 (bad_section): 4096 committed, 125 frames "
					   "taken, quarantined: 17 protocol violations"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "vm3 VSP counters: section_bad 17 rx_packets 125"));
	free(buf);

	/* Without a hostile guest, no trace of one. */
	r->runs[0].subj[0].s[0].hostile.valid = false;
	text = vs_perf_report_to_json(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NULL(strstr(text, "hostile\""));
	free(text);
	free(back);
	free(r);
}

CU_ErrorCode
vs_perf_test_topology_suites(void)
{
	CU_pSuite s = CU_add_suite("perf topology: hostile guests", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "hostile:MISDEED roles", test_topo_hostile_roles) ||
	    !CU_add_test(s, "unknown misdeeds, no sink", test_topo_hostile_refused) ||
	    !CU_add_test(s, "receive queues of perf ports", test_topo_queues) ||
	    !CU_add_test(s, "the guest's deeds in JSON and the table", test_report_hostile))
		return CU_get_error();
	return CUE_SUCCESS;
}
