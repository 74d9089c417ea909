/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NLB request tests' harness, shared by test_nlb_rpc.c (fields, add,
 * list, del) and test_nlb_state.c (what deleting ports and switches,
 * reloading, traffic and failed saves do to clusters): one datapath with
 * switches nl (ring ports n1-n3 with MAC spoofing, n4 with a MAC and
 * without) and nl2 (o1), one request handler saving to nt_cfg_path.
 * Params are written with ' for " (no value in these tests needs a quote).
 */
#ifndef VS_TEST_NLB_RPC_H
#define VS_TEST_NLB_RPC_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "ctl.h"

cJSON *vs_ctl_config_build(const struct vs_dp *dp); /* ctl_priv.h */

extern struct vs_dp *nt_dp;
extern struct vs_ctl *nt_ctl;
extern char nt_cfg_path[64];

/* The whole response of method on c. */
cJSON *nt_rpc(struct vs_ctl *c, const char *method, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The error message of a response and its code (0: none). */
const char *nt_message(const cJSON *r, int *code);
/* The result of a call on nt_ctl that must succeed (caller deletes). */
cJSON *nt_ok(const char *method, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Asserts the call on nt_ctl fails with code and a message containing text. */
void nt_refused(int code, const char *text, const char *method, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
const char *nt_str(const cJSON *o, const char *k); /* "" when absent */
double nt_num(const cJSON *o, const char *k);      /* -1 when absent */
/* The saved document, parsed (caller deletes). */
cJSON *nt_saved(void);
/* The cluster (sw, vlan, ip) of an nlb.list answer or a document's "nlb". */
cJSON *nt_cluster(cJSON *list, const char *sw, int vlan, const char *ip);
/* "n1,n2": the names of a cluster's members, in order. */
void nt_members(const cJSON *c, char *out, size_t len);
/* Asserts the members of the live cluster and of the saved one. */
void nt_expect_members(const char *sw, int vlan, const char *ip, const char *want);

/* test_nlb_state.c */
void nt_test_port_del_leaves(void);
void nt_test_switch_del_takes_clusters(void);
void nt_test_saved_and_loaded(void);
void nt_test_memberless_loaded(void);
void nt_test_counters(void);
void nt_test_save_failure_undoes(void);

#endif
