/* SPDX-License-Identifier: BSD-3-Clause */
/* The perf module's CUnit suites, registered by test_perf.c's main. */
#ifndef VS_PERF_TEST_PERF_H
#define VS_PERF_TEST_PERF_H

#include <CUnit/CUnit.h>

/* Histogram, summaries, table, JSON, compare and plot. */
CU_ErrorCode vs_perf_test_report_suites(void);
/* The histogram's suite (test_hist.c), added by the one above. */
CU_ErrorCode vs_perf_test_hist_suite(void);

#endif
