/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The report JSON reader: the schema is at the top of report_json.c.  It
 * takes what the writer writes and what the peers' scripts write, and
 * names the JSON path of a bad field ("runs[0].subjects[1].repeats[2].
 * packets: expected a number").  Derived fields (median, min, max, ratios,
 * mpps, gbps) are ignored and recomputed.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "report_priv.h"

/* ---- Reader -------------------------------------------------------------- */

struct rd {
	char *err;
	size_t errlen;
};

/* Every check below fails with "<path>.<key>: <what was expected>". */
static int
bad(struct rd *c, const char *path, const char *key, const char *what)
{
	if (path[0] == '\0' && key[0] == '\0')
		snprintf(c->err, c->errlen, "%s", what);
	else
		snprintf(c->err, c->errlen, "%s%s%s: %s", path, path[0] && key[0] ? "." : "",
			 key, what);
	return -EINVAL;
}

/* The member, or NULL when absent; an error when required and absent. */
static const cJSON *
member(struct rd *c, const cJSON *o, const char *path, const char *key, bool required,
       int *rc)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL && required)
		*rc = bad(c, path, key, "missing");
	return v;
}

static int
get_double(struct rd *c, const cJSON *o, const char *path, const char *key, bool required,
	   double *out)
{
	int rc = 0;
	const cJSON *v = member(c, o, path, key, required, &rc);

	if (v == NULL)
		return rc;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
		return bad(c, path, key, "expected a number");
	*out = v->valuedouble;
	return 0;
}

static int
get_u64(struct rd *c, const cJSON *o, const char *path, const char *key, bool required,
	uint64_t max, uint64_t *out)
{
	int rc = 0;
	const cJSON *v = member(c, o, path, key, required, &rc);
	double d;

	if (v == NULL)
		return rc;
	if (!cJSON_IsNumber(v))
		return bad(c, path, key, "expected a number");
	d = v->valuedouble;
	/* Above 2^53 a double no longer holds every integer. */
	if (!(d >= 0) || d != floor(d) || d > 9007199254740992.0 || d > (double)max)
		return bad(c, path, key, "expected a non-negative integer in range");
	*out = (uint64_t)d;
	return 0;
}

static int
get_u32(struct rd *c, const cJSON *o, const char *path, const char *key, bool required,
	uint32_t *out)
{
	uint64_t v = *out;
	int rc = get_u64(c, o, path, key, required, UINT32_MAX, &v);

	*out = (uint32_t)v;
	return rc;
}

static int
get_str(struct rd *c, const cJSON *o, const char *path, const char *key, bool required,
	char *dst, size_t dstlen)
{
	int rc = 0;
	const cJSON *v = member(c, o, path, key, required, &rc);
	char what[64];

	if (v == NULL)
		return rc;
	if (!cJSON_IsString(v))
		return bad(c, path, key, "expected a string");
	if (strlen(v->valuestring) >= dstlen) {
		snprintf(what, sizeof(what), "longer than %zu characters", dstlen - 1);
		return bad(c, path, key, what);
	}
	memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
	return 0;
}

/* The array member key of o with at most max elements, or an error. */
static int
get_array(struct rd *c, const cJSON *o, const char *path, const char *key, unsigned int max,
	  const cJSON **out)
{
	int rc = 0;
	const cJSON *v = member(c, o, path, key, true, &rc);
	char what[64];

	if (v == NULL)
		return rc;
	if (!cJSON_IsArray(v))
		return bad(c, path, key, "expected an array");
	if ((unsigned int)cJSON_GetArraySize(v) > max) {
		snprintf(what, sizeof(what), "more than %u elements", max);
		return bad(c, path, key, what);
	}
	*out = v;
	return 0;
}

static int
read_latency(struct rd *c, const cJSON *o, const char *path, struct vs_perf_latency *l)
{
	int rc;

	if (!cJSON_IsObject(o))
		return bad(c, path, "", "expected an object");
	if ((rc = get_u64(c, o, path, "p50", true, UINT64_MAX, &l->p50)) < 0 ||
	    (rc = get_u64(c, o, path, "p99", true, UINT64_MAX, &l->p99)) < 0 ||
	    (rc = get_u64(c, o, path, "p999", true, UINT64_MAX, &l->p999)) < 0 ||
	    (rc = get_u64(c, o, path, "max", true, UINT64_MAX, &l->max)) < 0 ||
	    (rc = get_u64(c, o, path, "samples", false, UINT64_MAX, &l->samples)) < 0)
		return rc;
	l->valid = true;
	return 0;
}

/* "workers": [{"packets": N, "cycles_per_packet": X}, ...] (optional). */
static int
read_workers(struct rd *c, const cJSON *o, const char *path, struct vs_perf_sample *s)
{
	const cJSON *a, *e;
	char sub[352];
	int rc;

	if (!cJSON_HasObjectItem(o, "workers"))
		return 0;
	if ((rc = get_array(c, o, path, "workers", VS_PERF_WORKERS_MAX, &a)) < 0)
		return rc;
	cJSON_ArrayForEach(e, a) {
		struct vs_perf_worker_sample *w = &s->worker[s->n_workers];

		snprintf(sub, sizeof(sub), "%s.workers[%u]", path, s->n_workers);
		if (!cJSON_IsObject(e))
			return bad(c, sub, "", "expected an object");
		if ((rc = get_u64(c, e, sub, "packets", true, UINT64_MAX, &w->packets)) < 0 ||
		    (rc = get_double(c, e, sub, "cycles_per_packet", false,
				     &w->cycles_per_packet)) < 0)
			return rc;
		s->n_workers++;
	}
	return 0;
}

static int
read_drops(struct rd *c, const cJSON *o, const char *path, struct vs_perf_sample *s)
{
	const cJSON *d;
	char what[64];
	int rc;

	if (!cJSON_IsObject(o))
		return bad(c, path, "", "expected an object");
	cJSON_ArrayForEach(d, o) {
		struct vs_perf_drop *dr;

		if (s->n_drops == VS_PERF_DROPS_MAX) {
			snprintf(what, sizeof(what), "more than %u reasons", VS_PERF_DROPS_MAX);
			return bad(c, path, "", what);
		}
		dr = &s->drops[s->n_drops];
		if (strlen(d->string) >= sizeof(dr->name))
			return bad(c, path, d->string, "reason longer than 31 characters");
		rc = get_u64(c, o, path, d->string, true, UINT64_MAX, &dr->count);
		if (rc < 0)
			return rc;
		memcpy(dr->name, d->string, strlen(d->string) + 1);
		s->n_drops++;
	}
	return 0;
}

static int
read_sample(struct rd *c, const cJSON *o, const char *path, struct vs_perf_sample *s)
{
	char sub[320];
	const cJSON *v;
	int rc;

	if (!cJSON_IsObject(o))
		return bad(c, path, "", "expected an object");
	if ((rc = get_double(c, o, path, "seconds", true, &s->seconds)) < 0 ||
	    (rc = get_u64(c, o, path, "packets", true, UINT64_MAX, &s->packets)) < 0 ||
	    (rc = get_u64(c, o, path, "offered", false, UINT64_MAX, &s->offered)) < 0 ||
	    (rc = get_u64(c, o, path, "wire_bits", false, UINT64_MAX, &s->wire_bits)) < 0 ||
	    (rc = get_double(c, o, path, "cycles_per_packet", false,
			     &s->cycles_per_packet)) < 0)
		return rc;
	if (!(s->seconds > 0))
		return bad(c, path, "seconds", "expected a positive number");
	vs_perf_sample_rates(s);
	if ((v = cJSON_GetObjectItemCaseSensitive(o, "latency_ns")) != NULL) {
		snprintf(sub, sizeof(sub), "%s.latency_ns", path);
		if ((rc = read_latency(c, v, sub, &s->lat)) < 0)
			return rc;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(o, "drops")) != NULL) {
		snprintf(sub, sizeof(sub), "%s.drops", path);
		if ((rc = read_drops(c, v, sub, s)) < 0)
			return rc;
	}
	return read_workers(c, o, path, s);
}

static int
read_subject(struct rd *c, const cJSON *o, const char *path, struct vs_perf_subject *s)
{
	const cJSON *reps, *e;
	char sub[288];
	int rc;

	if (!cJSON_IsObject(o))
		return bad(c, path, "", "expected an object");
	if ((rc = get_str(c, o, path, "name", true, s->name, sizeof(s->name))) < 0 ||
	    (rc = get_array(c, o, path, "repeats", VS_PERF_REPEATS_MAX, &reps)) < 0)
		return rc;
	cJSON_ArrayForEach(e, reps) {
		snprintf(sub, sizeof(sub), "%s.repeats[%u]", path, s->n);
		if ((rc = read_sample(c, e, sub, &s->s[s->n])) < 0)
			return rc;
		s->n++;
	}
	return 0;
}

static int
read_workload(struct rd *c, const cJSON *o, const char *path, struct vs_perf_workload_info *w)
{
	const cJSON *size;
	int rc;

	if (o == NULL)
		return bad(c, path, "", "missing");
	if (!cJSON_IsObject(o))
		return bad(c, path, "", "expected an object");
	if ((rc = get_str(c, o, path, "name", true, w->name, sizeof(w->name))) < 0 ||
	    (rc = get_u32(c, o, path, "frames", false, &w->frames)) < 0 ||
	    (rc = get_double(c, o, path, "avg_len", false, &w->avg_len)) < 0 ||
	    (rc = get_u32(c, o, path, "src_macs", false, &w->src_macs)) < 0 ||
	    (rc = get_u32(c, o, path, "dst_macs", false, &w->dst_macs)) < 0 ||
	    (rc = get_u32(c, o, path, "vlans", false, &w->vlans)) < 0 ||
	    (rc = get_u32(c, o, path, "flows", false, &w->flows)) < 0)
		return rc;
	size = cJSON_GetObjectItemCaseSensitive(o, "size");
	if (size == NULL)
		w->size = UINT32_MAX;
	else if (cJSON_IsString(size) && strcmp(size->valuestring, "imix") == 0)
		w->size = VS_PERF_SIZE_IMIX;
	else if (cJSON_IsNumber(size) && size->valuedouble == floor(size->valuedouble) &&
		 size->valuedouble >= VS_PERF_SIZE_MIN && size->valuedouble <= VS_PERF_SIZE_MAX)
		w->size = (uint32_t)size->valuedouble;
	else
		return bad(c, path, "size", "expected \"imix\" or a frame size 64..9018");
	return 0;
}

static int
read_run(struct rd *c, const cJSON *o, const char *path, struct vs_perf_run *run)
{
	const cJSON *subjects, *e;
	char sub[160];
	unsigned int i;
	uint32_t workers = 0;
	int rc;

	if (!cJSON_IsObject(o))
		return bad(c, path, "", "expected an object");
	snprintf(sub, sizeof(sub), "%s.workload", path);
	if ((rc = read_workload(c, cJSON_GetObjectItemCaseSensitive(o, "workload"), sub,
				&run->workload)) < 0 ||
	    (rc = get_str(c, o, path, "scenario", true, run->scenario,
			  sizeof(run->scenario))) < 0 ||
	    (rc = get_u32(c, o, path, "workers", true, &workers)) < 0 ||
	    (rc = get_double(c, o, path, "duration_s", true, &run->duration_s)) < 0 ||
	    (rc = get_double(c, o, path, "warmup_s", false, &run->warmup_s)) < 0)
		return rc;
	run->workers = workers;
	snprintf(run->baseline, sizeof(run->baseline), "io");
	if ((rc = get_str(c, o, path, "baseline", false, run->baseline,
			  sizeof(run->baseline))) < 0 ||
	    (rc = get_array(c, o, path, "subjects", VS_PERF_SUBJECTS_MAX, &subjects)) < 0)
		return rc;
	cJSON_ArrayForEach(e, subjects) {
		char spath[192];

		snprintf(spath, sizeof(spath), "%s.subjects[%u]", path, run->n_subjects);
		if ((rc = read_subject(c, e, spath, &run->subj[run->n_subjects])) < 0)
			return rc;
		/* Ratios and comparisons find subjects by name. */
		for (i = 0; i < run->n_subjects; i++)
			if (strcmp(run->subj[i].name, run->subj[run->n_subjects].name) == 0)
				return bad(c, spath, "name", "the same name as an earlier subject");
		run->n_subjects++;
	}
	return 0;
}

int
vs_perf_report_from_json(const char *text, struct vs_perf_report *r, char *err,
			 size_t errlen)
{
	struct rd c = {.err = err, .errlen = errlen};
	const char *end = NULL, *p;
	const cJSON *runs, *e;
	char tool[32] = "";
	unsigned int line = 1, col = 1;
	cJSON *root;
	int rc;

	memset(r, 0, sizeof(*r));
	root = cJSON_ParseWithOpts(text, &end, true);
	if (root == NULL) {
		/* end is where parsing stopped; NULL only when out of memory. */
		if (end == NULL)
			return bad(&c, "", "", "out of memory");
		for (p = text; p < end; p++, col++)
			if (*p == '\n') {
				line++;
				col = 0;
			}
		snprintf(err, errlen, "not valid JSON at line %u, column %u", line, col);
		return -EINVAL;
	}
	rc = -EINVAL;
	if (!cJSON_IsObject(root))
		bad(&c, "", "(top level)", "expected an object");
	else if (get_str(&c, root, "", "tool", true, tool, sizeof(tool)) == 0 &&
		 strcmp(tool, "vswitch-perf") != 0 && strcmp(tool, "vswitch-perf-peers") != 0)
		bad(&c, "", "tool", "expected \"vswitch-perf\" or \"vswitch-perf-peers\"");
	else if (tool[0] != '\0' &&
		 get_str(&c, root, "", "version", false, r->version, sizeof(r->version)) == 0 &&
		 get_str(&c, root, "", "machine", false, r->machine, sizeof(r->machine)) == 0 &&
		 get_u64(&c, root, "", "tsc_hz", false, UINT64_MAX, &r->tsc_hz) == 0 &&
		 get_array(&c, root, "", "runs", VS_PERF_RUNS_MAX, &runs) == 0) {
		rc = 0;
		cJSON_ArrayForEach(e, runs) {
			char path[32];

			snprintf(path, sizeof(path), "runs[%u]", r->n_runs);
			if ((rc = read_run(&c, e, path, &r->runs[r->n_runs])) < 0)
				break;
			r->n_runs++;
		}
	}
	cJSON_Delete(root);
	return rc;
}

int
vs_perf_report_load(const char *path, struct vs_perf_report *r, char *err, size_t errlen)
{
	char *text = NULL, msg[256];
	size_t len = 0, cap = 0, n;
	FILE *f = fopen(path, "r");
	int rc;

	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	do {
		if (cap - len < 65536) {
			char *t = realloc(text, cap = cap * 2 + 65536);

			if (t == NULL) {
				free(text);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory", path);
				return -ENOMEM;
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (rc < 0) {
		snprintf(err, errlen, "%s: read error", path);
		free(text);
		return rc;
	}
	text[len] = '\0';
	rc = vs_perf_report_from_json(text, r, msg, sizeof(msg));
	free(text);
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", path, msg);
	return rc;
}
