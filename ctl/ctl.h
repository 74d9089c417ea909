/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl — the control plane's view of the configuration.
 *
 * The configuration document is the control protocol's schema (the output of
 * config.get), one JSON object:
 *
 *   {
 *     "datapath": { "fdb_size": 262144, "fdb_aging_s": 300, "workers": 1 },
 *     "switches": [ { "name": "sw0", "type": "private" } ],
 *     "ports":    [ { "switch": "sw0", "name": "vm1", "kind": "ring" },
 *                   { "switch": "sw0", "name": "up0", "kind": "phy",
 *                     "devargs": "net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap" } ]
 *   }
 *
 * Each element of "switches" is the params object of switch.add, each
 * element of "ports" the params object of port.add, so a configuration is
 * replayed by issuing those calls in order.  Unknown keys are refused, so a
 * typo never silently becomes a default.
 *
 * Errors name the field at fault ("ports[2].kind: unknown kind 'rnig'").
 * Functions return 0 or a negative errno.
 */
#ifndef VS_CTL_H
#define VS_CTL_H

#include <stddef.h>

#include "vswitch.h"

/* Reads the "datapath" object (absent keys keep what *out holds). */
int vs_ctl_dp_conf_parse(const char *json, struct vs_dp_conf *out, char *err, size_t errlen);
/* Validates the whole document, then adds its switches and ports to dp.
 * Relative paths in devargs are not rewritten: they are the user's. */
int vs_ctl_config_apply(struct vs_dp *dp, const char *json, char *err, size_t errlen);
/* Reads a whole file into a NUL-terminated malloc'd buffer (caller frees). */
char *vs_ctl_read_file(const char *path, char *err, size_t errlen);

#endif
