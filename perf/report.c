/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Measurements into figures: a sample's rates, a subject's summary over
 * its repetitions, and the text table that ends a vswitch-perf run.
 *
 * Summaries are taken field by field, so the median Mpps and the median
 * latency may come from different repetitions: each is the typical value
 * of its own quantity.  With an even number of repetitions the median is
 * the mean of the two middle values.  Fields that may be unknown are
 * summarized over the repetitions that know them: cycles_per_packet over
 * those where it is not 0, latencies over those where lat.valid.  Drops
 * are the exception: median.drops holds each reason's total over all
 * repetitions (a reason seen in one repetition only must not vanish in a
 * median), min.drops and max.drops each reason's least and greatest count
 * in one repetition (absent from a repetition counts as 0).
 */
#include <stdlib.h>
#include <string.h>

#include "report_priv.h"

void
vs_perf_sample_rates(struct vs_perf_sample *s)
{
	if (s->seconds > 0) {
		s->mpps = (double)s->packets / s->seconds / 1e6;
		s->gbps = (double)s->wire_bits / s->seconds / 1e9;
	} else {
		s->mpps = 0;
		s->gbps = 0;
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Sorts v[0..n) and sets median, min and max; all 0 when n is 0. */
static void
stats_double(double *v, unsigned int n, double *med, double *lo, double *hi)
{
	if (n == 0) {
		*med = *lo = *hi = 0;
		return;
	}
	qsort(v, n, sizeof(v[0]), cmp_double);
	*lo = v[0];
	*hi = v[n - 1];
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
stats_u64(uint64_t *v, unsigned int n, uint64_t *med, uint64_t *lo, uint64_t *hi)
{
	uint64_t a, b;

	if (n == 0) {
		*med = *lo = *hi = 0;
		return;
	}
	qsort(v, n, sizeof(v[0]), cmp_u64);
	*lo = v[0];
	*hi = v[n - 1];
	a = v[(n - 1) / 2];
	b = v[n / 2];
	/* The mean of the middle two without overflowing near 2^64. */
	*med = a / 2 + b / 2 + (a & b & 1u);
}

/* Summary of one double field over the samples that pass keep(). */
#define SUMMARIZE_D(field, keep)                                                   \
	do {                                                                       \
		unsigned int i_, k_ = 0;                                           \
		for (i_ = 0; i_ < subj->n; i_++) {                                 \
			const struct vs_perf_sample *s = &subj->s[i_];             \
			if (keep)                                                  \
				dv[k_++] = s->field;                               \
		}                                                                  \
		stats_double(dv, k_, &out->median.field, &out->min.field,          \
			     &out->max.field);                                     \
	} while (0)

#define SUMMARIZE_U(field, keep)                                                   \
	do {                                                                       \
		unsigned int i_, k_ = 0;                                           \
		for (i_ = 0; i_ < subj->n; i_++) {                                 \
			const struct vs_perf_sample *s = &subj->s[i_];             \
			if (keep)                                                  \
				uv[k_++] = s->field;                               \
		}                                                                  \
		stats_u64(uv, k_, &out->median.field, &out->min.field,             \
			  &out->max.field);                                        \
	} while (0)

static int
drop_find(const struct vs_perf_sample *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->n_drops; i++)
		if (strcmp(s->drops[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void
summarize_drops(const struct vs_perf_subject *subj, struct vs_perf_summary *out)
{
	unsigned int i, j, k;

	/* The union of the reasons, in order of first appearance. */
	for (i = 0; i < subj->n; i++)
		for (j = 0; j < subj->s[i].n_drops; j++) {
			const struct vs_perf_drop *d = &subj->s[i].drops[j];

			if (drop_find(&out->median, d->name) >= 0 ||
			    out->median.n_drops == VS_PERF_DROPS_MAX)
				continue;
			k = out->median.n_drops++;
			out->median.drops[k] = (struct vs_perf_drop){.count = 0};
			memcpy(out->median.drops[k].name, d->name, sizeof(d->name));
		}
	out->min.n_drops = out->max.n_drops = out->median.n_drops;
	for (k = 0; k < out->median.n_drops; k++) {
		uint64_t total = 0, lo = UINT64_MAX, hi = 0;

		for (i = 0; i < subj->n; i++) {
			int at = drop_find(&subj->s[i], out->median.drops[k].name);
			uint64_t c = at < 0 ? 0 : subj->s[i].drops[at].count;

			total += c;
			lo = c < lo ? c : lo;
			hi = c > hi ? c : hi;
		}
		out->median.drops[k].count = total;
		out->min.drops[k] = out->median.drops[k];
		out->min.drops[k].count = lo;
		out->max.drops[k] = out->median.drops[k];
		out->max.drops[k].count = hi;
	}
}

void
vs_perf_summarize(const struct vs_perf_subject *subj, struct vs_perf_summary *out)
{
	double dv[VS_PERF_REPEATS_MAX];
	uint64_t uv[VS_PERF_REPEATS_MAX];
	unsigned int i, w, n_lat = 0;

	memset(out, 0, sizeof(*out));
	SUMMARIZE_D(seconds, true);
	SUMMARIZE_U(packets, true);
	SUMMARIZE_U(offered, true);
	SUMMARIZE_U(wire_bits, true);
	SUMMARIZE_D(mpps, true);
	SUMMARIZE_D(gbps, true);
	SUMMARIZE_D(cycles_per_packet, s->cycles_per_packet > 0);
	SUMMARIZE_U(lat.p50, s->lat.valid);
	SUMMARIZE_U(lat.p99, s->lat.valid);
	SUMMARIZE_U(lat.p999, s->lat.valid);
	SUMMARIZE_U(lat.max, s->lat.valid);
	SUMMARIZE_U(lat.samples, s->lat.valid);
	for (i = 0; i < subj->n && i < VS_PERF_REPEATS_MAX; i++) {
		n_lat += subj->s[i].lat.valid;
		if (subj->s[i].n_workers > out->median.n_workers)
			out->median.n_workers = out->min.n_workers = out->max.n_workers =
				subj->s[i].n_workers;
	}
	for (w = 0; w < out->median.n_workers; w++) {
		SUMMARIZE_U(worker[w].packets, s->n_workers > w);
		SUMMARIZE_D(worker[w].cycles_per_packet,
			    s->n_workers > w && s->worker[w].cycles_per_packet > 0);
	}
	out->median.lat.valid = out->min.lat.valid = out->max.lat.valid = n_lat > 0;
	summarize_drops(subj, out);
}

/* ---- Text ---------------------------------------------------------------- */

void
vs_perf_run_label(const struct vs_perf_run *run, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s | %s | %u worker%s", run->workload.name, run->scenario,
		 run->workers, run->workers == 1 ? "" : "s");
}

const struct vs_perf_subject *
vs_perf_run_subject(const struct vs_perf_run *run, const char *name)
{
	unsigned int i;

	for (i = 0; i < run->n_subjects && i < VS_PERF_SUBJECTS_MAX; i++)
		if (strcmp(run->subj[i].name, name) == 0)
			return &run->subj[i];
	return NULL;
}

/* A latency in the unit that keeps it short: "850ns", "12.34us". */
static const char *
fmt_ns(char *buf, size_t len, bool valid, uint64_t ns)
{
	if (!valid)
		snprintf(buf, len, "-");
	else if (ns < 1000)
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.2fus", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.2fms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", (double)ns / 1e9);
	return buf;
}

static const char *
fmt_num(char *buf, size_t len, bool known, const char *fmt, double v)
{
	if (known)
		snprintf(buf, len, fmt, v);
	else
		snprintf(buf, len, "-");
	return buf;
}

/* The hostile guest of the last repetition: what it did, what the switch
 * counted and whether it cut the port off. */
static void
table_hostile(FILE *f, const struct vs_perf_hostile *h)
{
	unsigned int i;

	fprintf(f, "  %-14s     hostile %s (%s): %llu committed, %llu frames taken, %s%s\n", "",
		h->port, h->misdeed, (unsigned long long)h->committed,
		(unsigned long long)h->received, h->quarantined ? "quarantined: " : "not quarantined",
		h->quarantined ? h->reason : "");
	fprintf(f, "  %-14s     %s VSP counters:", "", h->port);
	for (i = 0; i < h->n_counters; i++)
		fprintf(f, " %s %llu", h->counters[i].name, (unsigned long long)h->counters[i].count);
	fprintf(f, "\n");
}

static void
table_run(FILE *f, const struct vs_perf_run *run, unsigned int idx, unsigned int n_runs)
{
	struct vs_perf_summary sum, base;
	const struct vs_perf_subject *bs = vs_perf_run_subject(run, run->baseline);
	char label[400], mpps[64], b[8][32];
	unsigned int i, k;

	vs_perf_run_label(run, label, sizeof(label));
	fprintf(f, "run %u/%u: %s | %.1f s after %.1f s warm-up | baseline %s\n", idx + 1,
		n_runs, label, run->duration_s, run->warmup_s,
		run->baseline[0] ? run->baseline : "-");
	fprintf(f, "  %-14s %2s  %-24s %7s %8s %9s %9s %9s %9s  %s\n", "subject", "n",
		"Mpps median (min-max)", "Gbit/s", "cyc/pkt", "lat p50", "p99", "p99.9", "max",
		"ratio");
	if (bs != NULL)
		vs_perf_summarize(bs, &base);
	for (i = 0; i < run->n_subjects && i < VS_PERF_SUBJECTS_MAX; i++) {
		const struct vs_perf_subject *s = &run->subj[i];
		const struct vs_perf_latency *l = &sum.median.lat;
		bool have = s->n > 0;

		vs_perf_summarize(s, &sum);
		if (have)
			snprintf(mpps, sizeof(mpps), "%.2f (%.2f-%.2f)", sum.median.mpps,
				 sum.min.mpps, sum.max.mpps);
		else
			snprintf(mpps, sizeof(mpps), "-");
		fprintf(f, "  %-14s %2u  %-24s %7s %8s %9s %9s %9s %9s  %s\n", s->name, s->n,
			mpps,
			fmt_num(b[0], sizeof(b[0]), have && sum.median.wire_bits > 0, "%.2f",
				sum.median.gbps),
			fmt_num(b[1], sizeof(b[1]), sum.median.cycles_per_packet > 0, "%.1f",
				sum.median.cycles_per_packet),
			fmt_ns(b[2], sizeof(b[2]), l->valid, l->p50),
			fmt_ns(b[3], sizeof(b[3]), l->valid, l->p99),
			fmt_ns(b[4], sizeof(b[4]), l->valid, l->p999),
			fmt_ns(b[5], sizeof(b[5]), l->valid, l->max),
			fmt_num(b[6], sizeof(b[6]),
				have && bs != NULL && bs->n > 0 && base.median.mpps > 0, "%.3f",
				bs != NULL && base.median.mpps > 0
					? sum.median.mpps / base.median.mpps
					: 0));
		if (sum.median.n_workers > 1) {
			fprintf(f, "  %-14s     per worker:", "");
			for (k = 0; k < sum.median.n_workers; k++)
				fprintf(f, " w%u %.1f cyc/pkt%s", k,
					sum.median.worker[k].cycles_per_packet,
					k + 1 < sum.median.n_workers ? "," : "\n");
		}
		if (have && s->s[s->n - 1].hostile.valid)
			table_hostile(f, &s->s[s->n - 1].hostile);
		for (k = 0; k < sum.median.n_drops && sum.median.drops[k].count == 0; k++)
			;
		if (k == sum.median.n_drops)
			continue;
		fprintf(f, "  %-14s     drops:", "");
		for (; k < sum.median.n_drops; k++)
			if (sum.median.drops[k].count > 0)
				fprintf(f, " %s %llu", sum.median.drops[k].name,
					(unsigned long long)sum.median.drops[k].count);
		fprintf(f, "%s\n", s->n > 1 ? " (total over the repetitions)" : "");
	}
}

void
vs_perf_report_table(FILE *f, const struct vs_perf_report *r)
{
	unsigned int i;

	fprintf(f, "vswitch-perf %s on %s", r->version[0] ? r->version : "-",
		r->machine[0] ? r->machine : "an unnamed machine");
	if (r->tsc_hz > 0)
		fprintf(f, ", TSC %.3f GHz", (double)r->tsc_hz / 1e9);
	fprintf(f, "\nMpps per subject: median (min-max) over n repetitions; other columns "
		   "medians; ratio = median Mpps / the baseline's\n");
	for (i = 0; i < r->n_runs && i < VS_PERF_RUNS_MAX; i++) {
		fprintf(f, "\n");
		table_run(f, &r->runs[i], i, r->n_runs);
	}
}
