/* SPDX-License-Identifier: BSD-3-Clause */
/* vswitchctl's human output: one printer per kind of result. */
#ifndef VS_VSWITCHCTL_PRIV_H
#define VS_VSWITCHCTL_PRIV_H

#include <stdbool.h>

#include <cjson/cJSON.h>

void vs_print_json(const cJSON *r);
void vs_print_switches(const cJSON *r);
void vs_print_switch(const cJSON *r);
void vs_print_ports(const cJSON *r);
void vs_print_port(const cJSON *r);
void vs_print_fdb(const cJSON *r);
void vs_print_flushed(const cJSON *r);
void vs_print_stats(const cJSON *r);
void vs_print_info(const cJSON *r);
/* vswitchctl_vmq.c: placement and VMQ lines of port show; workers. */
void vs_print_port_vmq(const cJSON *r);
void vs_print_workers(const cJSON *r);
void vs_print_rebalanced(const cJSON *r);
void vs_print_trace(const cJSON *r);
void vs_print_mac_pool(const cJSON *r);
/* trace --pcap FILE [--index N]: replaces them with "frame", the hex of
 * record N (1-based, default 1) read with libpcap.  0 or -1 (message
 * printed). */
int vs_trace_frame_from_pcap(cJSON *params);

/* vswitchctl_capture.c */
void vs_print_capture(const cJSON *r);
void vs_print_captures(const cJSON *r);
/* Adds key = path made absolute against the current directory. */
int vs_add_abs_path(cJSON *params, const char *key, const char *path);

/* vswitchctl_nlb.c */
void vs_print_nlb(const cJSON *r);
void vs_print_nlb_added(const cJSON *r);
/* Adds key = the array of the comma-separated names of list. */
int vs_add_name_list(cJSON *params, const char *key, const char *list);

#endif
