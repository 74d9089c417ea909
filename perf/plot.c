/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Curves over several runs, drawn by gnuplot: throughput (Mpps on the
 * left axis, Gbit/s on the right) and latency (p50, p99) against frame
 * size or destination MAC count, one line per subject.  The script and
 * its data go to a temporary directory that is removed afterwards; only
 * the PNG stays.  gnuplot is an external program (Debian's gnuplot-nox)
 * rather than a library so that nothing else in vswitch depends on it.
 *
 * A point is a run's median.  When the runs span several scenarios or
 * worker counts, each (subject, scenario, workers) is a line of its own:
 * joining points measured in different set-ups would draw a curve that
 * was never measured.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report_priv.h"

extern char **environ;

struct point {
	double x, mpps, gbps, p50_us, p99_us;
	bool have_gbps, have_lat;
};

struct line {
	char title[128];
	unsigned int n;
	bool any_gbps, any_lat;
	struct point p[VS_PERF_RUNS_MAX];
};

struct plot {
	unsigned int n_lines;
	struct line lines[VS_PERF_RUNS_MAX * VS_PERF_SUBJECTS_MAX];
	double imix_x; /* 0: no IMIX run */
};

/* gnuplot's single-quoted strings have no escapes but '' for a quote;
 * control characters would end the command, so they become '?'. */
static void
gp_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("''", f);
		else
			fputc((unsigned char)*s < 0x20 ? '?' : *s, f);
	}
	fputc('\'', f);
}

/* A plot element's title: the line's, with what it shows appended. */
static void
gp_title(FILE *f, const char *line, const char *what)
{
	char t[160];

	snprintf(t, sizeof(t), "%s%s", line, what);
	fputs(" title ", f);
	gp_quote(f, t);
}

static int
cmp_point(const void *a, const void *b)
{
	double x = ((const struct point *)a)->x, y = ((const struct point *)b)->x;

	return (x > y) - (x < y);
}

static int
run_x(const struct vs_perf_run *run, unsigned int i, bool macs, double *x, char *err,
      size_t errlen)
{
	const struct vs_perf_workload_info *w = &run->workload;

	if (macs) {
		if (w->dst_macs == 0) {
			snprintf(err, errlen, "runs[%u].workload.dst_macs: unknown (0), cannot "
					      "plot against MACs", i);
			return -EINVAL;
		}
		*x = w->dst_macs;
	} else if (w->size != VS_PERF_SIZE_IMIX && w->size != UINT32_MAX) {
		*x = w->size;
	} else if (w->avg_len > 0) {
		/* IMIX and captures sit at their average size on the wire. */
		*x = w->avg_len + VS_PERF_FCS_LEN;
	} else {
		snprintf(err, errlen, "runs[%u].workload: no size and no avg_len to plot at", i);
		return -EINVAL;
	}
	return 0;
}

static int
collect(const struct vs_perf_report *r, bool macs, struct plot *pl, char *err, size_t errlen)
{
	bool by_setup = false;
	unsigned int i, j, k;
	int rc;

	for (i = 1; i < r->n_runs; i++)
		by_setup |= strcmp(r->runs[i].scenario, r->runs[0].scenario) != 0 ||
			    r->runs[i].workers != r->runs[0].workers;
	for (i = 0; i < r->n_runs && i < VS_PERF_RUNS_MAX; i++) {
		const struct vs_perf_run *run = &r->runs[i];
		double x;

		if ((rc = run_x(run, i, macs, &x, err, errlen)) < 0)
			return rc;
		if (!macs && run->workload.size == VS_PERF_SIZE_IMIX)
			pl->imix_x = x;
		for (j = 0; j < run->n_subjects && j < VS_PERF_SUBJECTS_MAX; j++) {
			const struct vs_perf_subject *s = &run->subj[j];
			struct vs_perf_summary sum;
			char title[128];
			struct line *l = NULL;
			struct point *p;

			if (s->n == 0)
				continue;
			if (by_setup)
				snprintf(title, sizeof(title), "%s (%s, %u w)", s->name,
					 run->scenario, run->workers);
			else
				snprintf(title, sizeof(title), "%s", s->name);
			for (k = 0; k < pl->n_lines && l == NULL; k++)
				if (strcmp(pl->lines[k].title, title) == 0)
					l = &pl->lines[k];
			if (l == NULL) {
				l = &pl->lines[pl->n_lines++];
				memcpy(l->title, title, sizeof(title));
			}
			vs_perf_summarize(s, &sum);
			p = &l->p[l->n++];
			*p = (struct point){
				.x = x,
				.mpps = sum.median.mpps,
				.gbps = sum.median.gbps,
				.have_gbps = sum.median.wire_bits > 0,
				.have_lat = sum.median.lat.valid,
				.p50_us = (double)sum.median.lat.p50 / 1e3,
				.p99_us = (double)sum.median.lat.p99 / 1e3,
			};
			l->any_gbps |= p->have_gbps;
			l->any_lat |= p->have_lat;
		}
	}
	for (k = 0; k < pl->n_lines; k++)
		qsort(pl->lines[k].p, pl->lines[k].n, sizeof(struct point), cmp_point);
	return 0;
}

/* One data block per line ("index k" in gnuplot), missing values "-". */
static void
write_data(FILE *f, const struct plot *pl)
{
	unsigned int i, k;

	for (k = 0; k < pl->n_lines; k++) {
		const struct line *l = &pl->lines[k];

		fprintf(f, "# %s: x mpps gbps p50_us p99_us\n", l->title);
		for (i = 0; i < l->n; i++) {
			const struct point *p = &l->p[i];

			fprintf(f, "%.6g %.6f ", p->x, p->mpps);
			if (p->have_gbps)
				fprintf(f, "%.6f ", p->gbps);
			else
				fprintf(f, "- ");
			if (p->have_lat)
				fprintf(f, "%.3f %.3f\n", p->p50_us, p->p99_us);
			else
				fprintf(f, "- -\n");
		}
		fprintf(f, "\n\n");
	}
}

static void
write_script(FILE *f, const struct vs_perf_report *r, const struct plot *pl, bool macs,
	     const char *data, const char *png)
{
	bool any_lat = false, any_gbps = false, first;
	unsigned int k;

	for (k = 0; k < pl->n_lines; k++) {
		any_lat |= pl->lines[k].any_lat;
		any_gbps |= pl->lines[k].any_gbps;
	}
	fprintf(f, "set terminal pngcairo size 1100,1000 noenhanced\nset output ");
	gp_quote(f, png);
	fprintf(f, "\nset datafile missing '-'\nset grid\nset key outside right top\n"
		   "set multiplot layout 2,1 title ");
	gp_quote(f, r->machine[0] ? r->machine : "vswitch-perf");
	fprintf(f, "\nset xlabel '%s'\n",
		macs ? "destination MACs" : "frame size (bytes on the wire, incl. FCS)");
	if (macs)
		fprintf(f, "set logscale x 10\n");
	/* The same plot area in both panels, so that x positions line up
	 * although only the upper one has a right axis. */
	fprintf(f, "set lmargin at screen 0.08\nset rmargin at screen 0.74\n");
	if (pl->imix_x > 0)
		/* A marked line rather than a tick: "IMIX" would sit on a number. */
		fprintf(f, "set arrow from %.6g, graph 0 to %.6g, graph 1 nohead dt 3 lc 'gray40'\n"
			   "set label 'IMIX' at %.6g, graph 0.95 left offset 0.5, 0\n",
			pl->imix_x, pl->imix_x, pl->imix_x);
	fprintf(f, "set title 'Throughput (median)'\nset ylabel 'Mpps'\nset yrange [0:*]\n");
	if (any_gbps)
		fprintf(f, "set ytics nomirror\nset y2tics\nset y2label 'Gbit/s'\n"
			   "set y2range [0:*]\n");
	fprintf(f, "plot ");
	for (k = 0, first = true; k < pl->n_lines; k++, first = false) {
		fprintf(f, "%s", first ? "" : ", \\\n     ");
		gp_quote(f, data);
		fprintf(f, " index %u using 1:2 with linespoints lc %u", k, k + 1);
		gp_title(f, pl->lines[k].title, " Mpps");
		if (!pl->lines[k].any_gbps)
			continue;
		fprintf(f, ", \\\n     '' index %u using 1:3 axes x1y2 with lines dt 2 lc %u", k,
			k + 1);
		gp_title(f, pl->lines[k].title, " Gbit/s");
	}
	fprintf(f, "\nset xrange [GPVAL_X_MIN:GPVAL_X_MAX]\n"
		   "unset y2tics\nunset y2label\nset ytics mirror\n"
		   "set title 'Latency (median of each run)'\nset ylabel 'microseconds'\n");
	if (!any_lat) {
		/* An empty panel that says so rather than a missing one.  gnuplot
		 * refuses a plot without a defined point: one below the range. */
		fprintf(f, "set label 'no latency measured' at graph 0.5, 0.5 center\n"
			   "set yrange [0:1]\nplot ");
		gp_quote(f, data);
		fprintf(f, " index 0 using 1:(-1) with points notitle\n");
	} else {
		fprintf(f, "plot ");
		for (k = 0, first = true; k < pl->n_lines; k++) {
			if (!pl->lines[k].any_lat)
				continue;
			fprintf(f, "%s", first ? "" : ", \\\n     ");
			gp_quote(f, data);
			fprintf(f, " index %u using 1:4 with linespoints lc %u", k, k + 1);
			gp_title(f, pl->lines[k].title, " p50");
			fprintf(f, ", \\\n     '' index %u using 1:5 with linespoints dt 2 lc %u", k,
				k + 1);
			gp_title(f, pl->lines[k].title, " p99");
			first = false;
		}
		fprintf(f, "\n");
	}
	fprintf(f, "unset multiplot\n");
}

/* Runs gnuplot on script, its output into log; 0 or an error in err. */
static int
run_gnuplot(const char *script, const char *log, char *err, size_t errlen)
{
	char *argv[] = {"gnuplot", (char *)script, NULL}, line[200] = "";
	posix_spawn_file_actions_t fa;
	int rc, status;
	pid_t pid;
	FILE *f;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == ENOENT) {
		snprintf(err, errlen, "gnuplot not found: install it (Debian: gnuplot-nox)");
		return -ENOENT;
	}
	if (rc != 0) {
		snprintf(err, errlen, "cannot run gnuplot: %s", strerror(rc));
		return -rc;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "waiting for gnuplot: %s", strerror(errno));
			return -errno;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if ((f = fopen(log, "r")) != NULL) {
		/* gnuplot's own message is what tells the user what went wrong. */
		while (fgets(line, sizeof(line), f) != NULL && strstr(line, "line ") == NULL)
			;
		fclose(f);
		line[strcspn(line, "\n")] = '\0';
	}
	snprintf(err, errlen, "gnuplot failed (%s %d)%s%s",
		 WIFEXITED(status) ? "exit status" : "signal",
		 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), line[0] ? ": " : "",
		 line);
	return -EIO;
}

int
vs_perf_plot(const struct vs_perf_report *r, const char *x_axis, const char *png, char *err,
	     size_t errlen)
{
	char dir[256], script[300], data[300], log[300];
	const char *tmp = getenv("TMPDIR");
	bool macs;
	struct plot *pl;
	struct stat st;
	FILE *f;
	int rc;

	if (strcmp(x_axis, "size") != 0 && strcmp(x_axis, "macs") != 0) {
		snprintf(err, errlen, "x axis: '%s' is neither size nor macs", x_axis);
		return -EINVAL;
	}
	macs = strcmp(x_axis, "macs") == 0;
	if (r->n_runs < 2) {
		snprintf(err, errlen, "%u run%s; a curve needs at least 2", r->n_runs,
			 r->n_runs == 1 ? "" : "s");
		return -EINVAL;
	}
	pl = calloc(1, sizeof(*pl));
	if (pl == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if ((rc = collect(r, macs, pl, err, errlen)) < 0)
		goto out;
	snprintf(dir, sizeof(dir), "%s/vsperf-plot.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		rc = -errno;
		snprintf(err, errlen, "temporary directory in %s: %s",
			 tmp && tmp[0] ? tmp : "/tmp", strerror(errno));
		goto out;
	}
	snprintf(script, sizeof(script), "%s/plot.gp", dir);
	snprintf(data, sizeof(data), "%s/plot.dat", dir);
	snprintf(log, sizeof(log), "%s/gnuplot.log", dir);
	rc = -EIO;
	if ((f = fopen(data, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", data, strerror(errno));
		goto clean;
	}
	write_data(f, pl);
	if (fclose(f) != 0 || (f = fopen(script, "w")) == NULL) {
		snprintf(err, errlen, "writing %s: %s", dir, strerror(errno));
		goto clean;
	}
	write_script(f, r, pl, macs, data, png);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", script, strerror(errno));
		goto clean;
	}
	if ((rc = run_gnuplot(script, log, err, errlen)) < 0)
		goto clean;
	if (stat(png, &st) != 0 || st.st_size == 0) {
		snprintf(err, errlen, "gnuplot wrote no image to %s", png);
		rc = -EIO;
	}
clean:
	unlink(script);
	unlink(data);
	unlink(log);
	rmdir(dir);
out:
	free(pl);
	return rc;
}

static void
plot_usage(FILE *f)
{
	fprintf(f, "usage: vswitch-perf plot --x size|macs -o FILE.png REPORT.json...\n"
		   "  Draws median throughput (Mpps, Gbit/s) and latency (p50, p99) against\n"
		   "  frame size or destination MAC count, one line per subject, over the\n"
		   "  runs of all the reports given (at least 2 runs, at most %u).\n"
		   "  Needs gnuplot (Debian: gnuplot-nox).\n",
		VS_PERF_RUNS_MAX);
}

int
vs_perf_plot_main(int argc, char **argv)
{
	const char *x = NULL, *png = NULL, **files;
	struct vs_perf_report *all = NULL, *one = NULL;
	char err[512];
	int i, n_files = 0, status = 2;
	unsigned int j;

	files = calloc((size_t)argc, sizeof(*files));
	if (files == NULL) {
		fprintf(stderr, "plot: out of memory\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			plot_usage(stdout);
			status = 0;
			goto out;
		} else if (strcmp(argv[i], "--x") == 0 && i + 1 < argc) {
			x = argv[++i];
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			png = argv[++i];
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "plot: unknown option or missing value: %s\n", argv[i]);
			plot_usage(stderr);
			goto out;
		} else {
			files[n_files++] = argv[i];
		}
	}
	if (x == NULL || png == NULL || n_files == 0) {
		fprintf(stderr, "plot: %s\n", x == NULL ? "--x is required"
					      : png == NULL ? "-o is required"
							    : "no report given");
		plot_usage(stderr);
		goto out;
	}
	all = calloc(1, sizeof(*all));
	one = calloc(1, sizeof(*one));
	if (all == NULL || one == NULL) {
		fprintf(stderr, "plot: out of memory\n");
		goto out;
	}
	for (i = 0; i < n_files; i++) {
		if (vs_perf_report_load(files[i], one, err, sizeof(err)) < 0) {
			fprintf(stderr, "plot: %s\n", err);
			goto out;
		}
		if (i == 0)
			memcpy(all->machine, one->machine, sizeof(all->machine));
		if (all->n_runs + one->n_runs > VS_PERF_RUNS_MAX) {
			fprintf(stderr, "plot: more than %u runs in all\n", VS_PERF_RUNS_MAX);
			goto out;
		}
		for (j = 0; j < one->n_runs; j++)
			all->runs[all->n_runs++] = one->runs[j];
	}
	if (vs_perf_plot(all, x, png, err, sizeof(err)) < 0) {
		fprintf(stderr, "plot: %s\n", err);
		goto out;
	}
	printf("plot: %s (%u runs)\n", png, all->n_runs);
	status = 0;
out:
	free(files);
	free(all);
	free(one);
	return status;
}
