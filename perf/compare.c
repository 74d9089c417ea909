/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two reports side by side: did B get slower than A?  Runs are matched by
 * workload name, scenario and worker count (the same workload with more
 * workers is a different measurement), subjects by name; the figure
 * compared is the median Mpps, the one a single noisy repetition cannot
 * move.  What only one report has is listed, never silently skipped, so a
 * renamed workload does not pass for "no regression".
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_priv.h"

static bool
same_run(const struct vs_perf_run *x, const struct vs_perf_run *y)
{
	return strcmp(x->workload.name, y->workload.name) == 0 &&
	       strcmp(x->scenario, y->scenario) == 0 && x->workers == y->workers;
}

/* The first run of r matching run and not yet taken; marks it taken. */
static const struct vs_perf_run *
match_run(const struct vs_perf_report *r, const struct vs_perf_run *run, bool *taken)
{
	unsigned int i;

	for (i = 0; i < r->n_runs && i < VS_PERF_RUNS_MAX; i++)
		if (!taken[i] && same_run(&r->runs[i], run)) {
			taken[i] = true;
			return &r->runs[i];
		}
	return NULL;
}

static double
median_mpps(const struct vs_perf_subject *s)
{
	struct vs_perf_summary sum;

	vs_perf_summarize(s, &sum);
	return sum.median.mpps;
}

static int
compare_run(FILE *f, const struct vs_perf_run *ra, const struct vs_perf_run *rb,
	    double threshold)
{
	unsigned int i;
	int regressions = 0;

	for (i = 0; i < ra->n_subjects && i < VS_PERF_SUBJECTS_MAX; i++) {
		const struct vs_perf_subject *sa = &ra->subj[i];
		const struct vs_perf_subject *sb = vs_perf_run_subject(rb, sa->name);
		double a, b, change;

		if (sa->n == 0 || sb == NULL || sb->n == 0) {
			fprintf(f, "  %-16s %10s %10s   %s\n", sa->name, "-", "-",
				sa->n > 0	       ? "only in A"
				: sb != NULL && sb->n > 0 ? "only in B"
							  : "no repetitions");
			continue;
		}
		a = median_mpps(sa);
		b = median_mpps(sb);
		if (!(a > 0)) {
			fprintf(f, "  %-16s %10.3f %10.3f   %8s\n", sa->name, a, b, "-");
			continue;
		}
		change = (b - a) / a;
		fprintf(f, "  %-16s %10.3f %10.3f   %+7.1f%%%s\n", sa->name, a, b, change * 100,
			change < -threshold ? "  REGRESSION" : "");
		regressions += change < -threshold;
	}
	for (i = 0; i < rb->n_subjects && i < VS_PERF_SUBJECTS_MAX; i++)
		if (vs_perf_run_subject(ra, rb->subj[i].name) == NULL)
			fprintf(f, "  %-16s %10s %10s   only in B\n", rb->subj[i].name, "-", "-");
	return regressions;
}

int
vs_perf_compare(FILE *f, const struct vs_perf_report *a, const struct vs_perf_report *b,
		double threshold)
{
	bool taken[VS_PERF_RUNS_MAX] = {false};
	char label[400];
	unsigned int i;
	int regressions = 0;

	fprintf(f, "A: vswitch-perf %s on %s\nB: vswitch-perf %s on %s\n",
		a->version[0] ? a->version : "-", a->machine[0] ? a->machine : "-",
		b->version[0] ? b->version : "-", b->machine[0] ? b->machine : "-");
	for (i = 0; i < a->n_runs && i < VS_PERF_RUNS_MAX; i++) {
		const struct vs_perf_run *ra = &a->runs[i];
		const struct vs_perf_run *rb = match_run(b, ra, taken);

		vs_perf_run_label(ra, label, sizeof(label));
		if (rb == NULL) {
			fprintf(f, "\nrun only in A: %s\n", label);
			continue;
		}
		fprintf(f, "\nrun: %s\n  %-16s %10s %10s   %8s\n", label, "subject", "A Mpps",
			"B Mpps", "change");
		regressions += compare_run(f, ra, rb, threshold);
	}
	for (i = 0; i < b->n_runs && i < VS_PERF_RUNS_MAX; i++)
		if (!taken[i]) {
			vs_perf_run_label(&b->runs[i], label, sizeof(label));
			fprintf(f, "\nrun only in B: %s\n", label);
		}
	fprintf(f, "\n%d regression%s (median Mpps down by more than %.1f%%)\n", regressions,
		regressions == 1 ? "" : "s", threshold * 100);
	return regressions;
}

static void
compare_usage(FILE *f)
{
	fprintf(f, "usage: vswitch-perf compare [--threshold PCT] A.json B.json\n"
		   "  Compares report B against report A run by run (workload, scenario,\n"
		   "  workers) and subject by subject on the median Mpps.\n"
		   "  --threshold PCT  a fall of more than PCT percent is a regression (5)\n"
		   "Exit status: 0 no regression, 1 regressions, 2 usage or report errors.\n");
}

int
vs_perf_compare_main(int argc, char **argv)
{
	const char *files[2];
	struct vs_perf_report *r[2] = {NULL, NULL};
	double pct = 5;
	char err[512], *end;
	int i, n = 0, status = 2;

	for (i = 1; i < argc; i++) {
		const char *val = NULL;

		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			compare_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--threshold") == 0) {
			if (++i == argc) {
				fprintf(stderr, "compare: --threshold needs a value\n");
				return 2;
			}
			val = argv[i];
		} else if (strncmp(argv[i], "--threshold=", 12) == 0) {
			val = argv[i] + 12;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "compare: unknown option %s\n", argv[i]);
			compare_usage(stderr);
			return 2;
		} else if (n == 2) {
			fprintf(stderr, "compare: more than two reports\n");
			compare_usage(stderr);
			return 2;
		} else {
			files[n++] = argv[i];
		}
		if (val != NULL) {
			errno = 0;
			pct = strtod(val, &end);
			if (errno != 0 || end == val || *end != '\0' || !isfinite(pct) || pct < 0 ||
			    pct >= 100) {
				fprintf(stderr, "compare: --threshold: '%s' is not a percentage "
						"0 .. 100\n",
					val);
				return 2;
			}
		}
	}
	if (n != 2) {
		compare_usage(stderr);
		return 2;
	}
	for (i = 0; i < 2; i++) {
		r[i] = calloc(1, sizeof(*r[i]));
		if (r[i] == NULL) {
			fprintf(stderr, "compare: out of memory\n");
			goto out;
		}
		if (vs_perf_report_load(files[i], r[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "compare: %s\n", err);
			goto out;
		}
	}
	fprintf(stdout, "A = %s, B = %s\n", files[0], files[1]);
	status = vs_perf_compare(stdout, r[0], r[1], pct / 100) > 0 ? 1 : 0;
out:
	free(r[0]);
	free(r[1]);
	return status;
}
