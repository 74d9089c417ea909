/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The JSON form of a report.  Peers (testpmd, OVS) write the same schema
 * from shell or Python, so it stays plain: objects, arrays, numbers and
 * strings; integers are JSON numbers (exact up to 2^53, far above any
 * count or nanosecond figure a run produces).
 *
 * {
 *   "tool": "vswitch-perf",              required: this, or "vswitch-perf-peers"
 *                                        (perf/peers/peers.sh)
 *   "version": "0.1.0",                  the writer's version
 *   "machine": "2 CPUs, AMD EPYC ...",
 *   "tsc_hz": 2600000000,                0 or absent: unknown
 *   "runs": [{                           at most 64
 *     "workload": {
 *       "name": "64B IPv4/UDP, ...",     required: the capture or its description
 *       "frames": 1024,
 *       "size": 64 | "imix",             on-wire frame size incl. FCS (64..9018);
 *                                        absent for a user's capture
 *       "avg_len": 60.0,                 captured bytes per frame
 *       "src_macs": 1, "dst_macs": 1, "vlans": 0, "flows": 1    0: unknown
 *     },
 *     "scenario": "p2p",                 required
 *     "workers": 1,                      required
 *     "duration_s": 10, "warmup_s": 2,   duration required
 *     "baseline": "io",                  absent: "io"
 *     "subjects": [{                     at most 8
 *       "name": "vswitch",               required, unique in the run
 *       "repeats": [{                    at most 32
 *         "seconds": 10.0,               required, > 0: the measured window
 *         "packets": 176230000,          required: delivered to the sinks
 *         "offered": 176300000,          replayed
 *         "wire_bits": 118426560000,     of the delivered frames, with FCS,
 *                                        preamble and inter-frame gap
 *         "mpps": 17.623, "gbps": 11.84, derived: ignored on reading
 *         "cycles_per_packet": 130.2,    0 or absent: unknown
 *         "workers": [{"packets": N, "cycles_per_packet": X}, ...]
 *                                        optional: each worker's share
 *         "latency_ns": {"p50": 1200, "p99": 5000, "p999": 12000,
 *                        "max": 200000, "samples": 100000},
 *                                        absent: not measured
 *         "drops": {"reason": count, ...}   at most 24 reasons
 *         "hostile": {"port": "vm3", "misdeed": "bad_section",
 *                     "committed": N, "received": N, "quarantined": true,
 *                     "reason": "...", "violations": N,
 *                     "counters": {"section_bad": N, ...}}
 *                                        a hostile guest's deeds and the
 *                                        switch's view of its port at the
 *                                        window's end (counters: its VSP
 *                                        counters that are not zero);
 *                                        written only, ignored on reading
 *       }],
 *       "median": {...a repeat's fields...},   derived: ignored on reading
 *       "min": {"mpps", "gbps"}, "max": {"mpps", "gbps"}   derived
 *     }],
 *     "ratios": {"vswitch/io": 0.298}    derived: ignored on reading
 *   }]
 * }
 *
 * The reader recomputes every derived field (rates from packets,
 * wire_bits and seconds; summaries and ratios when they are printed), so
 * a peer needs to write only the measured ones.  Unknown keys are ignored.
 * Errors name the JSON path of the bad field:
 * "runs[0].subjects[1].repeats[2].packets: expected a number".
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "report_priv.h"

/* ---- Writer -------------------------------------------------------------- */

/* cJSON's Add functions return NULL on allocation failure and accept a
 * NULL parent, so building carries on and the failure is checked once. */
struct wr {
	bool oom;
};

static cJSON *
put_obj(struct wr *w, cJSON *o, const char *k)
{
	cJSON *c = cJSON_AddObjectToObject(o, k);

	w->oom |= c == NULL;
	return c;
}

static void
put_num(struct wr *w, cJSON *o, const char *k, double v)
{
	w->oom |= cJSON_AddNumberToObject(o, k, v) == NULL;
}

static void
put_str(struct wr *w, cJSON *o, const char *k, const char *v)
{
	w->oom |= cJSON_AddStringToObject(o, k, v) == NULL;
}

static void
put_hostile(struct wr *w, cJSON *o, const struct vs_perf_hostile *h)
{
	cJSON *c, *e = put_obj(w, o, "hostile");
	unsigned int i;

	if (e == NULL)
		return;
	put_str(w, e, "port", h->port);
	put_str(w, e, "misdeed", h->misdeed);
	put_num(w, e, "committed", (double)h->committed);
	put_num(w, e, "received", (double)h->received);
	w->oom |= cJSON_AddBoolToObject(e, "quarantined", h->quarantined) == NULL;
	put_str(w, e, "reason", h->reason);
	put_num(w, e, "violations", (double)h->violations);
	c = put_obj(w, e, "counters");
	for (i = 0; c != NULL && i < h->n_counters && i < VS_PERF_HOSTILE_COUNTERS_MAX; i++)
		put_num(w, c, h->counters[i].name, (double)h->counters[i].count);
}

static void
put_sample(struct wr *w, cJSON *o, const struct vs_perf_sample *s)
{
	cJSON *d;
	unsigned int i;

	put_num(w, o, "seconds", s->seconds);
	put_num(w, o, "packets", (double)s->packets);
	put_num(w, o, "offered", (double)s->offered);
	put_num(w, o, "wire_bits", (double)s->wire_bits);
	put_num(w, o, "mpps", s->mpps);
	put_num(w, o, "gbps", s->gbps);
	put_num(w, o, "cycles_per_packet", s->cycles_per_packet);
	if (s->lat.valid) {
		cJSON *l = put_obj(w, o, "latency_ns");

		put_num(w, l, "p50", (double)s->lat.p50);
		put_num(w, l, "p99", (double)s->lat.p99);
		put_num(w, l, "p999", (double)s->lat.p999);
		put_num(w, l, "max", (double)s->lat.max);
		put_num(w, l, "samples", (double)s->lat.samples);
	}
	d = put_obj(w, o, "drops");
	for (i = 0; i < s->n_drops && i < VS_PERF_DROPS_MAX; i++)
		put_num(w, d, s->drops[i].name, (double)s->drops[i].count);
	if (s->n_workers > 0) {
		cJSON *a = cJSON_CreateArray();

		w->oom |= a == NULL || !cJSON_AddItemToObject(o, "workers", a);
		for (i = 0; a != NULL && i < s->n_workers && i < VS_PERF_WORKERS_MAX; i++) {
			cJSON *e = cJSON_CreateObject();

			w->oom |= e == NULL || !cJSON_AddItemToArray(a, e);
			if (e == NULL)
				break;
			put_num(w, e, "packets", (double)s->worker[i].packets);
			put_num(w, e, "cycles_per_packet", s->worker[i].cycles_per_packet);
		}
	}
	if (s->hostile.valid)
		put_hostile(w, o, &s->hostile);
}

static void
put_workload(struct wr *w, cJSON *o, const struct vs_perf_workload_info *wl)
{
	put_str(w, o, "name", wl->name);
	put_num(w, o, "frames", wl->frames);
	if (wl->size == VS_PERF_SIZE_IMIX)
		put_str(w, o, "size", "imix");
	else if (wl->size != UINT32_MAX)
		put_num(w, o, "size", wl->size);
	put_num(w, o, "avg_len", wl->avg_len);
	put_num(w, o, "src_macs", wl->src_macs);
	put_num(w, o, "dst_macs", wl->dst_macs);
	put_num(w, o, "vlans", wl->vlans);
	put_num(w, o, "flows", wl->flows);
}

static void
put_run(struct wr *w, cJSON *o, const struct vs_perf_run *run)
{
	const struct vs_perf_subject *bs = vs_perf_run_subject(run, run->baseline);
	struct vs_perf_summary sum, base;
	cJSON *subjects, *ratios;
	unsigned int i, j;

	put_workload(w, put_obj(w, o, "workload"), &run->workload);
	put_str(w, o, "scenario", run->scenario);
	put_num(w, o, "workers", run->workers);
	put_num(w, o, "duration_s", run->duration_s);
	put_num(w, o, "warmup_s", run->warmup_s);
	put_str(w, o, "baseline", run->baseline);
	subjects = cJSON_AddArrayToObject(o, "subjects");
	w->oom |= subjects == NULL;
	if (bs != NULL)
		vs_perf_summarize(bs, &base);
	ratios = cJSON_CreateObject();
	for (i = 0; i < run->n_subjects && i < VS_PERF_SUBJECTS_MAX; i++) {
		const struct vs_perf_subject *s = &run->subj[i];
		cJSON *so = cJSON_CreateObject(), *reps;
		char key[80];

		w->oom |= so == NULL || !cJSON_AddItemToArray(subjects, so);
		put_str(w, so, "name", s->name);
		reps = cJSON_AddArrayToObject(so, "repeats");
		w->oom |= reps == NULL;
		for (j = 0; j < s->n && j < VS_PERF_REPEATS_MAX; j++) {
			cJSON *ro = cJSON_CreateObject();

			w->oom |= ro == NULL || !cJSON_AddItemToArray(reps, ro);
			put_sample(w, ro, &s->s[j]);
		}
		if (s->n == 0)
			continue;
		vs_perf_summarize(s, &sum);
		put_sample(w, put_obj(w, so, "median"), &sum.median);
		put_num(w, put_obj(w, so, "min"), "mpps", sum.min.mpps);
		put_num(w, cJSON_GetObjectItemCaseSensitive(so, "min"), "gbps", sum.min.gbps);
		put_num(w, put_obj(w, so, "max"), "mpps", sum.max.mpps);
		put_num(w, cJSON_GetObjectItemCaseSensitive(so, "max"), "gbps", sum.max.gbps);
		if (bs == NULL || s == bs || bs->n == 0 || !(base.median.mpps > 0))
			continue;
		snprintf(key, sizeof(key), "%s/%s", s->name, run->baseline);
		put_num(w, ratios, key, sum.median.mpps / base.median.mpps);
	}
	w->oom |= ratios == NULL || !cJSON_AddItemToObject(o, "ratios", ratios);
}

char *
vs_perf_report_to_json(const struct vs_perf_report *r)
{
	struct wr w = {.oom = false};
	cJSON *root = cJSON_CreateObject(), *runs;
	char *text = NULL;
	unsigned int i;

	if (root == NULL)
		return NULL;
	put_str(&w, root, "tool", "vswitch-perf");
	put_str(&w, root, "version", r->version);
	put_str(&w, root, "machine", r->machine);
	put_num(&w, root, "tsc_hz", (double)r->tsc_hz);
	runs = cJSON_AddArrayToObject(root, "runs");
	w.oom |= runs == NULL;
	for (i = 0; i < r->n_runs && i < VS_PERF_RUNS_MAX; i++) {
		cJSON *ro = cJSON_CreateObject();

		w.oom |= ro == NULL || !cJSON_AddItemToArray(runs, ro);
		put_run(&w, ro, &r->runs[i]);
	}
	if (!w.oom)
		text = cJSON_Print(root);
	cJSON_Delete(root);
	return text;
}
