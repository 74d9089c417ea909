/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vs-golden [--update-golden] [--cases DIR] [case ...]
 *
 * Runs the named cases (default: every case folder under DIR, default
 * "cases") and prints one line per case plus the diffs of failures.
 * Exit status: 0 all passed, 1 some failed, 2 some could not run.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"

static void vs_golden_usage(FILE *f)
{
	fprintf(f, "usage: vs-golden [--update-golden] [--cases DIR] [case ...]\n"
		   "  --update-golden  rewrite each case's expect/*.pcap from the actual output\n"
		   "  --cases DIR      folder holding the case folders (default: cases)\n"
		   "A case is a folder name under DIR or a path to a case folder.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "update-golden", no_argument, NULL, 'u' },
		{ "cases", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vs_golden_opts opts = { .update = false, .report = stdout };
	const char *cases_dir = "cases";
	unsigned int passed = 0, failed = 0, errors = 0;
	char **names = NULL;
	int n, opt, rc;

	while ((opt = getopt_long(argc, argv, "uc:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'u':
			opts.update = true;
			break;
		case 'c':
			cases_dir = optarg;
			break;
		case 'h':
			vs_golden_usage(stdout);
			return 0;
		default:
			vs_golden_usage(stderr);
			return 2;
		}
	}
	rc = vs_golden_eal_init(argv[0]);
	if (rc < 0) {
		fprintf(stderr, "vs-golden: EAL init failed: %s\n", strerror(-rc));
		return 2;
	}
	if (optind < argc) {
		names = &argv[optind];
		n = argc - optind;
	} else {
		n = vs_golden_list_cases(cases_dir, &names);
		if (n < 0) {
			fprintf(stderr, "vs-golden: %s: %s\n", cases_dir, strerror(-n));
			return 2;
		}
	}
	for (int i = 0; i < n; i++) {
		struct vs_golden_result res;
		char dir[4096];

		/* A name with a slash is a path; a bare name lives in DIR. */
		if (strchr(names[i], '/'))
			snprintf(dir, sizeof(dir), "%s", names[i]);
		else
			snprintf(dir, sizeof(dir), "%s/%s", cases_dir, names[i]);
		rc = vs_golden_run_case(dir, &opts, &res);
		if (rc == VS_GOLDEN_PASS) {
			passed++;
			printf("PASS %s (%lu in, %lu out)\n", names[i], res.injected,
			       res.transmitted);
		} else if (rc == VS_GOLDEN_FAIL) {
			failed++;
			printf("FAIL %s: %lu difference(s)\n", names[i], res.mismatches);
		} else {
			errors++;
		}
		fflush(stdout);
	}
	printf("%u passed, %u failed, %u could not run\n", passed, failed, errors);
	if (optind >= argc)
		vs_golden_free_list(names, n);
	vs_golden_eal_cleanup();
	return errors ? 2 : failed ? 1 : 0;
}
