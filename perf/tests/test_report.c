/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The report side of perf: summaries over odd and even repetition counts,
 * rates, the table, the JSON round trip and the reader's errors, compare's
 * verdicts on crafted reports, and plot's PNG (gnuplot is a declared
 * dependency: a machine without it fails here rather than skipping).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "perf.h"
#include "test_perf.h"

/* ---- Summaries and rates -------------------------------------------------- */

static void
rep(struct vs_perf_subject *s, double mpps, uint64_t lat_p50)
{
	struct vs_perf_sample *x = &s->s[s->n++];

	memset(x, 0, sizeof(*x));
	x->seconds = 10;
	x->packets = (uint64_t)(mpps * 1e7 + 0.5);
	x->offered = x->packets + 100;
	x->wire_bits = x->packets * (60 + 24) * 8;
	x->cycles_per_packet = 130;
	vs_perf_sample_rates(x);
	if (lat_p50 > 0)
		x->lat = (struct vs_perf_latency){.valid = true, .p50 = lat_p50,
						  .p99 = lat_p50 * 4, .p999 = lat_p50 * 8,
						  .max = lat_p50 * 100, .samples = 1000};
}

static void
drop(struct vs_perf_sample *s, const char *name, uint64_t count)
{
	snprintf(s->drops[s->n_drops].name, sizeof(s->drops[0].name), "%s", name);
	s->drops[s->n_drops++].count = count;
}

static void
test_rates(void)
{
	struct vs_perf_sample s = {.seconds = 2, .packets = 20000000, .wire_bits = 16000000000};

	vs_perf_sample_rates(&s);
	CU_ASSERT_DOUBLE_EQUAL(s.mpps, 10.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.gbps, 8.0, 1e-12);
	s.seconds = 0;
	vs_perf_sample_rates(&s);
	CU_ASSERT_EQUAL(s.mpps, 0);
	CU_ASSERT_EQUAL(s.gbps, 0);
}

static void
test_summarize(void)
{
	static struct vs_perf_subject s;
	struct vs_perf_summary sum;

	memset(&s, 0, sizeof(s));
	rep(&s, 3, 0);
	rep(&s, 1, 100);
	rep(&s, 2, 300);
	s.s[0].cycles_per_packet = 0; /* unknown: left out */
	s.s[2].cycles_per_packet = 150;
	drop(&s.s[0], "no_dst", 5);
	drop(&s.s[1], "unstamped", 3);
	drop(&s.s[2], "no_dst", 1);
	vs_perf_summarize(&s, &sum);
	CU_ASSERT_DOUBLE_EQUAL(sum.median.mpps, 2, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(sum.min.mpps, 1, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(sum.max.mpps, 3, 1e-9);
	CU_ASSERT_EQUAL(sum.median.packets, 20000000);
	CU_ASSERT_DOUBLE_EQUAL(sum.median.cycles_per_packet, 140, 1e-9);
	/* Latency over the two repetitions that measured it: even count. */
	CU_ASSERT(sum.median.lat.valid);
	CU_ASSERT_EQUAL(sum.median.lat.p50, 200);
	CU_ASSERT_EQUAL(sum.min.lat.p99, 400);
	CU_ASSERT_EQUAL(sum.max.lat.max, 30000);
	/* Drops: totals in median, per-repetition extremes in min and max. */
	CU_ASSERT_EQUAL(sum.median.n_drops, 2);
	CU_ASSERT_STRING_EQUAL(sum.median.drops[0].name, "no_dst");
	CU_ASSERT_EQUAL(sum.median.drops[0].count, 6);
	CU_ASSERT_EQUAL(sum.median.drops[1].count, 3);
	CU_ASSERT_EQUAL(sum.min.drops[0].count, 0);
	CU_ASSERT_EQUAL(sum.max.drops[0].count, 5);
	/* Even count: the mean of the middle two, also near 2^64. */
	rep(&s, 4, 0);
	s.s[0].packets = UINT64_MAX;
	s.s[1].packets = UINT64_MAX - 2;
	s.s[2].packets = 1;
	s.s[3].packets = UINT64_MAX;
	vs_perf_summarize(&s, &sum);
	CU_ASSERT_DOUBLE_EQUAL(sum.median.mpps, 2.5, 1e-9);
	CU_ASSERT_EQUAL(sum.median.packets, UINT64_MAX - 1);
	CU_ASSERT_EQUAL(sum.min.packets, 1);
	/* None with latency, none at all. */
	memset(&s, 0, sizeof(s));
	rep(&s, 1, 0);
	vs_perf_summarize(&s, &sum);
	CU_ASSERT(!sum.median.lat.valid);
	s.n = 0;
	vs_perf_summarize(&s, &sum);
	CU_ASSERT_EQUAL(sum.median.mpps, 0);
	CU_ASSERT_EQUAL(sum.median.n_drops, 0);
}

/* ---- Reports ------------------------------------------------------------- */

static struct vs_perf_run *
add_run(struct vs_perf_report *r, const char *name, uint32_t size, uint32_t dst_macs)
{
	struct vs_perf_run *run = &r->runs[r->n_runs++];

	snprintf(run->workload.name, sizeof(run->workload.name), "%s", name);
	run->workload.frames = 1024;
	run->workload.size = size;
	run->workload.avg_len = size == VS_PERF_SIZE_IMIX ? 349.5
				: size == UINT32_MAX ? 123.25
						     : size - 4.0;
	run->workload.src_macs = 1;
	run->workload.dst_macs = dst_macs;
	run->workload.flows = 1;
	snprintf(run->scenario, sizeof(run->scenario), "p2p");
	run->workers = 1;
	run->duration_s = 10;
	run->warmup_s = 2;
	snprintf(run->baseline, sizeof(run->baseline), "io");
	return run;
}

static struct vs_perf_subject *
add_subject(struct vs_perf_run *run, const char *name)
{
	struct vs_perf_subject *s = &run->subj[run->n_subjects++];

	snprintf(s->name, sizeof(s->name), "%s", name);
	return s;
}

/* Two subjects, io at io_mpps and vswitch at vs_mpps, 3 repetitions each. */
static struct vs_perf_run *
add_pair(struct vs_perf_report *r, const char *name, uint32_t size, uint32_t dst_macs,
	 double io_mpps, double vs_mpps)
{
	struct vs_perf_run *run = add_run(r, name, size, dst_macs);
	struct vs_perf_subject *io = add_subject(run, "io"), *vs = add_subject(run, "vswitch");
	int i;

	for (i = -1; i <= 1; i++) {
		rep(io, io_mpps + i * 0.25, 0);
		rep(vs, vs_mpps + i * 0.125, 1500 + (uint64_t)(i + 1) * 100);
	}
	return run;
}

static struct vs_perf_report *
new_report(void)
{
	struct vs_perf_report *r = calloc(1, sizeof(*r));

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	snprintf(r->version, sizeof(r->version), "0.1.0");
	snprintf(r->machine, sizeof(r->machine), "2 CPUs, test");
	r->tsc_hz = 2600000000ull;
	return r;
}

static char *
table_text(const struct vs_perf_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	vs_perf_report_table(f, r);
	fclose(f);
	return buf;
}

static void
test_table(void)
{
	struct vs_perf_report *r = new_report();
	struct vs_perf_run *run = add_pair(r, "64B IPv4/UDP", 64, 1, 60, 18);
	struct vs_perf_subject *t = add_subject(run, "testpmd-io");
	char *text;

	drop(&run->subj[1].s[0], "no_dst", 7);
	drop(&run->subj[0].s[1], "zero", 0);
	rep(t, 59, 0);
	t->s[0].wire_bits = 0;
	t->s[0].cycles_per_packet = 0;
	text = table_text(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "run 1/1: 64B IPv4/UDP | p2p | 1 worker | 10.0 s"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "60.00 (59.75-60.25)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "18.00 (17.88-18.12)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "0.300")); /* vswitch / io */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "1.60us"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "drops: no_dst 7 (total"));
	CU_ASSERT_PTR_NULL(strstr(text, "zero")); /* zero counts are not shown */
	/* testpmd-io: no Gbit/s, cycles or latency: dashes. */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "testpmd-io      1  59.00 (59.00-59.00)            -        -         -"));
	free(text);
	free(r);
}

static void
check_same(const struct vs_perf_report *a, const struct vs_perf_report *b)
{
	unsigned int i, j, k, d, bad = 0;

	CU_ASSERT_STRING_EQUAL(a->version, b->version);
	CU_ASSERT_STRING_EQUAL(a->machine, b->machine);
	CU_ASSERT_EQUAL(a->tsc_hz, b->tsc_hz);
	CU_ASSERT_EQUAL_FATAL(a->n_runs, b->n_runs);
	for (i = 0; i < a->n_runs; i++) {
		const struct vs_perf_run *x = &a->runs[i], *y = &b->runs[i];

		bad += strcmp(x->workload.name, y->workload.name) != 0 ||
		       x->workload.frames != y->workload.frames ||
		       x->workload.size != y->workload.size ||
		       x->workload.avg_len != y->workload.avg_len ||
		       x->workload.src_macs != y->workload.src_macs ||
		       x->workload.dst_macs != y->workload.dst_macs ||
		       x->workload.vlans != y->workload.vlans ||
		       x->workload.flows != y->workload.flows ||
		       strcmp(x->scenario, y->scenario) != 0 || x->workers != y->workers ||
		       x->duration_s != y->duration_s || x->warmup_s != y->warmup_s ||
		       strcmp(x->baseline, y->baseline) != 0 || x->n_subjects != y->n_subjects;
		for (j = 0; j < x->n_subjects && j < y->n_subjects; j++) {
			bad += strcmp(x->subj[j].name, y->subj[j].name) != 0 ||
			       x->subj[j].n != y->subj[j].n;
			for (k = 0; k < x->subj[j].n && k < y->subj[j].n; k++) {
				const struct vs_perf_sample *s = &x->subj[j].s[k];
				const struct vs_perf_sample *t = &y->subj[j].s[k];

				bad += s->seconds != t->seconds || s->packets != t->packets ||
				       s->offered != t->offered || s->wire_bits != t->wire_bits ||
				       s->mpps != t->mpps || s->gbps != t->gbps ||
				       s->cycles_per_packet != t->cycles_per_packet ||
				       memcmp(&s->lat, &t->lat, sizeof(s->lat)) != 0 ||
				       s->n_drops != t->n_drops;
				for (d = 0; d < s->n_drops && d < t->n_drops; d++)
					bad += strcmp(s->drops[d].name, t->drops[d].name) != 0 ||
					       s->drops[d].count != t->drops[d].count;
				bad += s->n_workers != t->n_workers;
				for (d = 0; d < s->n_workers && d < t->n_workers; d++)
					bad += s->worker[d].packets != t->worker[d].packets ||
					       s->worker[d].cycles_per_packet !=
						       t->worker[d].cycles_per_packet;
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_json_round_trip(void)
{
	struct vs_perf_report *r = new_report(), *back = calloc(1, sizeof(*back));
	struct vs_perf_run *run;
	char err[256] = "", *text, *again;

	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	run = add_pair(r, "64B IPv4/UDP, 1->1 MACs", 64, 1, 60, 18);
	drop(&run->subj[1].s[2], "no_dst", 12);
	drop(&run->subj[1].s[2], "sink_unstamped", 3);
	run->subj[1].s[1].seconds = 10.0 / 3; /* needs all 17 digits */
	vs_perf_sample_rates(&run->subj[1].s[1]);
	add_pair(r, "IMIX", VS_PERF_SIZE_IMIX, 1000, 40, 12);
	run = add_pair(r, "my capture", UINT32_MAX, 0, 30, 10);
	run->workers = 2;
	run->workload.vlans = 3;
	snprintf(run->scenario, sizeof(run->scenario), "pvp");
	run->subj[1].s[0].n_workers = 2;
	run->subj[1].s[0].worker[0] = (struct vs_perf_worker_sample){7000000, 121.5};
	run->subj[1].s[0].worker[1] = (struct vs_perf_worker_sample){3000000, 0};
	text = vs_perf_report_to_json(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"tool\":\t\"vswitch-perf\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"size\":\t\"imix\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"vswitch/io\":\t0.3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"sink_unstamped\":\t3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"median\":"));
	CU_ASSERT_EQUAL(vs_perf_report_from_json(text, back, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	check_same(r, back);
	CU_ASSERT_EQUAL(back->runs[2].workload.size, UINT32_MAX); /* no "size" key */
	CU_ASSERT(!back->runs[0].subj[0].s[0].lat.valid);         /* no "latency_ns" */
	CU_ASSERT_EQUAL(back->runs[2].subj[1].s[0].n_workers, 2);
	CU_ASSERT_EQUAL(back->runs[0].subj[1].s[0].n_workers, 0); /* no "workers" */
	/* Writing what was read gives the same text. */
	again = vs_perf_report_to_json(back);
	CU_ASSERT_PTR_NOT_NULL_FATAL(again);
	CU_ASSERT_STRING_EQUAL(text, again);
	free(again);
	free(text);
	free(back);
	free(r);
}

/* A report with one run whose workload and subjects are given. */
static void
doc(char *out, size_t len, const char *workload, const char *subjects)
{
	snprintf(out, len,
		 "{\"tool\": \"vswitch-perf\", \"runs\": [{\"workload\": %s, \"scenario\": "
		 "\"p2p\", \"workers\": 1, \"duration_s\": 10, \"subjects\": [%s]}]}",
		 workload, subjects);
}

#define W "{\"name\": \"w\", \"size\": 64}"
#define S1 "{\"name\": \"io\", \"repeats\": [{\"seconds\": 1, \"packets\": 1}]}"
#define SUBJ(n, r) "{\"name\": \"" n "\", \"repeats\": [" r "]}"
#define REP(extra) "{\"seconds\": 1, \"packets\": 5" extra "}"

static void
test_json_errors(void)
{
	static const struct {
		const char *workload, *subjects, *expect;
	} cases[] = {
		{W, S1 ", " SUBJ("vswitch", REP("") ", " REP("") ", {\"seconds\": 1, \"packets\": \"x\"}"),
		 "runs[0].subjects[1].repeats[2].packets: expected a number"},
		{W, SUBJ("io", "{\"seconds\": 1}"), "runs[0].subjects[0].repeats[0].packets: missing"},
		{W, SUBJ("io", REP(", \"offered\": -1")),
		 "runs[0].subjects[0].repeats[0].offered: expected a non-negative integer"},
		{W, SUBJ("io", "{\"seconds\": 0, \"packets\": 1}"),
		 "runs[0].subjects[0].repeats[0].seconds: expected a positive number"},
		{W, SUBJ("io", REP(", \"latency_ns\": {\"p50\": 1, \"p999\": 3, \"max\": 4}")),
		 "runs[0].subjects[0].repeats[0].latency_ns.p99: missing"},
		{W, SUBJ("io", REP(", \"drops\": {\"no_dst\": \"many\"}")),
		 "runs[0].subjects[0].repeats[0].drops.no_dst: expected a number"},
		{W, SUBJ("io", REP(", \"workers\": [{\"packets\": 1}, {\"cycles_per_packet\": 2}]")),
		 "runs[0].subjects[0].repeats[0].workers[1].packets: missing"},
		{W, S1 ", " S1, "runs[0].subjects[1].name: the same name as an earlier subject"},
		{W, "{\"repeats\": []}", "runs[0].subjects[0].name: missing"},
		{W, SUBJ("io", "1"), "runs[0].subjects[0].repeats[0]: expected an object"},
		{"{\"name\": \"w\", \"size\": 63}", S1,
		 "runs[0].workload.size: expected \"imix\" or a frame size 64..9018"},
		{"{\"size\": 64}", S1, "runs[0].workload.name: missing"},
		{"[]", S1, "runs[0].workload: expected an object"},
		{W, S1 "," S1 "," S1 "," S1 "," S1 "," S1 "," S1 "," S1 "," S1,
		 "runs[0].subjects: more than 8 elements"},
	};
	struct vs_perf_report *r = calloc(1, sizeof(*r));
	char text[2048], err[256];
	unsigned int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		doc(text, sizeof(text), cases[i].workload, cases[i].subjects);
		err[0] = '\0';
		CU_ASSERT_EQUAL(vs_perf_report_from_json(text, r, err, sizeof(err)), -EINVAL);
		if (strstr(err, cases[i].expect) == NULL)
			fprintf(stderr, "\ncase %u: got '%s', expected '%s'\n", i, err,
				cases[i].expect);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].expect));
	}
	CU_ASSERT_EQUAL(vs_perf_report_from_json("{\"runs\": []}", r, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "tool: missing");
	CU_ASSERT_EQUAL(vs_perf_report_from_json("{\"tool\": \"x\", \"runs\": []}", r, err,
						 sizeof(err)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "tool: expected \"vswitch-perf\" or \"vswitch-perf-peers\"");
	/* What perf/peers/peers.sh writes is read as well. */
	CU_ASSERT_EQUAL(vs_perf_report_from_json("{\"tool\": \"vswitch-perf-peers\", \"runs\": []}",
						 r, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(vs_perf_report_from_json("{\"tool\": \"vswitch-perf\",\n  \"runs\": [,]}",
						 r, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not valid JSON at line 2"));
	/* What a peer's script writes: measured fields only. */
	doc(text, sizeof(text), "{\"name\": \"capture.pcap\"}",
	    SUBJ("testpmd-io", "{\"seconds\": 2, \"packets\": 100000000, \"wire_bits\": 16e9}"));
	CU_ASSERT_EQUAL(vs_perf_report_from_json(text, r, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(r->runs[0].workload.size, UINT32_MAX);
	CU_ASSERT_STRING_EQUAL(r->runs[0].baseline, "io");
	CU_ASSERT_DOUBLE_EQUAL(r->runs[0].subj[0].s[0].mpps, 50, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r->runs[0].subj[0].s[0].gbps, 8, 1e-9);
	free(r);
}

/* ---- Compare and plot ----------------------------------------------------- */

static int
compare_quiet(const struct vs_perf_report *a, const struct vs_perf_report *b, double t,
	      char **out)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);
	int n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	n = vs_perf_compare(f, a, b, t);
	fclose(f);
	return n;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void
write_report(const char *path, const struct vs_perf_report *r)
{
	char *text = vs_perf_report_to_json(r);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	write_file(path, text);
	free(text);
}

static void
test_compare(void)
{
	struct vs_perf_report *a = new_report(), *b = new_report();
	char dir[] = "/tmp/test_perf.XXXXXX", pa[64], pb[64], pbad[64], *out;
	char *argv[6];

	add_pair(a, "w1", 64, 1, 10, 3);
	add_pair(a, "w2", 64, 1, 10, 3);
	add_pair(b, "w1", 64, 1, 9.6, 2.7); /* io -4%, vswitch -10% */
	add_subject(&b->runs[0], "testpmd-io");
	rep(&b->runs[0].subj[2], 8, 0);
	add_pair(b, "w3", 64, 1, 10, 3);
	CU_ASSERT_EQUAL(compare_quiet(a, b, 0.05, &out), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "-10.0%  REGRESSION"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "-4.0%\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "testpmd-io                -          -   only in B"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "run only in A: w2 | p2p | 1 worker"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "run only in B: w3 | p2p | 1 worker"));
	free(out);
	CU_ASSERT_EQUAL(compare_quiet(a, b, 0.03, &out), 2);
	free(out);
	CU_ASSERT_EQUAL(compare_quiet(b, a, 0.05, &out), 0); /* faster is not a regression */
	free(out);
	b->runs[0].workers = 2; /* another set-up: nothing to compare */
	CU_ASSERT_EQUAL(compare_quiet(a, b, 0.05, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "run only in A: w1"));
	free(out);
	b->runs[0].workers = 1;

	/* The subcommand: exit status 1, 0, 2. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(pa, sizeof(pa), "%s/a.json", dir);
	snprintf(pb, sizeof(pb), "%s/b.json", dir);
	snprintf(pbad, sizeof(pbad), "%s/bad.json", dir);
	write_report(pa, a);
	write_report(pb, b);
	write_file(pbad, "{\"tool\": \"vswitch-perf\", \"runs\": [{}]}");
	argv[0] = "compare";
	argv[1] = pa;
	argv[2] = pb;
	CU_ASSERT_EQUAL(vs_perf_compare_main(3, argv), 1);
	argv[1] = "--threshold";
	argv[2] = "20";
	argv[3] = pa;
	argv[4] = pb;
	CU_ASSERT_EQUAL(vs_perf_compare_main(5, argv), 0);
	argv[2] = "x";
	CU_ASSERT_EQUAL(vs_perf_compare_main(5, argv), 2);
	argv[1] = pa;
	argv[2] = pbad;
	CU_ASSERT_EQUAL(vs_perf_compare_main(3, argv), 2);
	CU_ASSERT_EQUAL(vs_perf_compare_main(2, argv), 2);
	unlink(pa);
	unlink(pb);
	unlink(pbad);
	rmdir(dir);
	free(a);
	free(b);
}

/* A PNG of some substance: the signature and more than a blank canvas. */
static void
check_png(const char *path)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	unsigned char head[8] = {0};
	FILE *f = fopen(path, "rb");
	long size;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fread(head, 1, sizeof(head), f), sizeof(head));
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	CU_ASSERT_EQUAL(memcmp(head, sig, sizeof(sig)), 0);
	CU_ASSERT(size > 10000);
}

static void
test_plot(void)
{
	struct vs_perf_report *r = new_report();
	char dir[] = "/tmp/test_perf.XXXXXX", png[64], pa[64], pb[64], err[512] = "";
	char *argv[8], saved[4096];
	const char *path;
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(png, sizeof(png), "%s/out.png", dir);
	add_pair(r, "64B", 64, 1, 60, 18);
	CU_ASSERT_EQUAL(vs_perf_plot(r, "size", png, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at least 2"));
	add_pair(r, "IMIX", VS_PERF_SIZE_IMIX, 1000, 40, 12);
	add_pair(r, "1518B", 1518, 100000, 8, 5);
	CU_ASSERT_EQUAL(vs_perf_plot(r, "frames", png, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "neither size nor macs"));
	rc = vs_perf_plot(r, "size", png, err, sizeof(err));
	if (rc == -ENOENT)
		CU_FAIL_FATAL("gnuplot is not installed: scripts/install-deps.sh installs "
			      "gnuplot-nox");
	if (rc != 0)
		fprintf(stderr, "\nplot: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	check_png(png);
	unlink(png);
	CU_ASSERT_EQUAL(vs_perf_plot(r, "macs", png, err, sizeof(err)), 0);
	check_png(png);
	unlink(png);
	/* No latency anywhere, no Gbit/s: both panels still drawn. */
	r->runs[0].subj[1].n = r->runs[1].subj[1].n = r->runs[2].subj[1].n = 0;
	r->runs[0].subj[0].s[0].wire_bits = 0;
	rc = vs_perf_plot(r, "size", png, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "\nplot: %s\n", err);
	CU_ASSERT_EQUAL(rc, 0);
	check_png(png);
	unlink(png);
	/* Without gnuplot on the PATH: a message saying what to install. */
	path = getenv("PATH");
	snprintf(saved, sizeof(saved), "%s", path ? path : "/usr/bin:/bin");
	setenv("PATH", dir, 1);
	CU_ASSERT_EQUAL(vs_perf_plot(r, "size", png, err, sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "gnuplot not found: install it (Debian: gnuplot-nox)"));
	setenv("PATH", saved, 1);
	r->runs[1].workload.dst_macs = 0;
	CU_ASSERT_EQUAL(vs_perf_plot(r, "macs", png, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "runs[1].workload.dst_macs"));

	/* The subcommand merges the runs of several reports. */
	r->n_runs = 1;
	snprintf(pa, sizeof(pa), "%s/a.json", dir);
	write_report(pa, r);
	r->runs[0] = r->runs[2];
	snprintf(pb, sizeof(pb), "%s/b.json", dir);
	write_report(pb, r);
	argv[0] = "plot";
	argv[1] = "--x";
	argv[2] = "size";
	argv[3] = "-o";
	argv[4] = png;
	argv[5] = pa;
	CU_ASSERT_EQUAL(vs_perf_plot_main(6, argv), 2); /* one run */
	argv[6] = pb;
	CU_ASSERT_EQUAL(vs_perf_plot_main(7, argv), 0);
	check_png(png);
	CU_ASSERT_EQUAL(vs_perf_plot_main(5, argv), 2); /* no report */
	unlink(png);
	unlink(pa);
	unlink(pb);
	rmdir(dir);
	free(r);
}

CU_ErrorCode
vs_perf_test_report_suites(void)
{
	CU_pSuite s;

	if (vs_perf_test_hist_suite() != CUE_SUCCESS)
		return CU_get_error();
	s = CU_add_suite("perf report", NULL, NULL);
	if (s == NULL || !CU_add_test(s, "rates", test_rates) ||
	    !CU_add_test(s, "summaries: odd and even counts, drops", test_summarize) ||
	    !CU_add_test(s, "table", test_table) ||
	    !CU_add_test(s, "JSON round trip", test_json_round_trip) ||
	    !CU_add_test(s, "JSON reader errors name the path", test_json_errors) ||
	    !CU_add_test(s, "compare: regressions, one-sided runs", test_compare) ||
	    !CU_add_test(s, "plot: PNG against size and MACs", test_plot))
		return CU_get_error();
	return CUE_SUCCESS;
}
