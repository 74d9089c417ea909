/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The perf module's CUnit binary: each test file registers its suites
 * through one vs_perf_test_X_suites() called from test_perf.c's init.
 */
#ifndef VS_TEST_PERF_H
#define VS_TEST_PERF_H

#include <stddef.h>

#include <CUnit/CUnit.h>

/* Each returns CUE_SUCCESS or the CUnit error. */
CU_ErrorCode vs_perf_test_gen_suites(void);
/* The gen suite's configuration tests (test_gen_conf.c), added first by the
 * one above. */
CU_ErrorCode vs_perf_test_gen_conf_tests(CU_pSuite s);
CU_ErrorCode vs_perf_test_workload_suites(void);
CU_ErrorCode vs_perf_test_workload_rss_suites(void);
CU_ErrorCode vs_perf_test_cmd_gen_suites(void);
/* Histogram, summaries, table, JSON, compare and plot. */
CU_ErrorCode vs_perf_test_report_suites(void);
/* Topologies with hostile guests (test_topology.c). */
CU_ErrorCode vs_perf_test_topology_suites(void);
/* The histogram's suite (test_hist.c), added by the one above. */
CU_ErrorCode vs_perf_test_hist_suite(void);

/* name inside the binary's temporary directory (removed after the run). */
void vs_perf_test_path(const char *name, char *out, size_t outlen);

#endif
