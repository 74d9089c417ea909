/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the report files (report.c, report_json.c, compare.c,
 * plot.c): loading a report from a file, and how runs are named in text.
 */
#ifndef VS_PERF_REPORT_PRIV_H
#define VS_PERF_REPORT_PRIV_H

#include "perf.h"

/* Reads and parses a JSON report; err names the file and what is wrong.
 * r is large (tens of MB): allocate it. */
int vs_perf_report_load(const char *path, struct vs_perf_report *r, char *err,
			size_t errlen);
/* "64B IPv4/UDP, ... | p2p | 1 worker" */
void vs_perf_run_label(const struct vs_perf_run *run, char *out, size_t outlen);
/* The subject of the given name, or NULL. */
const struct vs_perf_subject *vs_perf_run_subject(const struct vs_perf_run *run,
						  const char *name);

#endif
