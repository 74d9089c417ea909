/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl — the control plane's view of the configuration.
 *
 * The configuration document is the control protocol's schema (the output of
 * config.get), one JSON object:
 *
 *   {
 *     "datapath": { "fdb_size": 262144, "fdb_aging_s": 300, "workers": 1,
 *                   "mac_pool": { "min": "00:15:5d:2a:07:00", "max": "00:15:5d:2a:07:ff" } },
 *     "switches": [ { "name": "sw0", "type": "external",
 *                     "uplink": "net_af_packet0,iface=eth1",
 *                     "uplink_port": { "vlan": { "mode": "trunk", "allowed": "10,20" } },
 *                     "allow_management_os": true,
 *                     "host": { "ifname": "vs-sw0", "addresses": [ "10.0.0.1/24" ] } } ],
 *     "ports":    [ { "switch": "sw0", "name": "vm1", "kind": "ring" },
 *                   { "switch": "sw0", "name": "vm2", "kind": "pcap",
 *                     "rx_pcap": "in.pcap", "tx_pcap": "out.pcap" } ],
 *     "nlb":      [ { "switch": "sw0", "ip": "10.0.0.100", "mode": "multicast",
 *                     "vlan": 1, "local_only": false, "members": [ "vm1", "vm2" ] } ]
 *   }
 *
 * Each element of "switches" is the params object of switch.add, each
 * element of "ports" the params object of port.add, each element of "nlb"
 * (an NLB cluster: its configured member ports, never the ones that joined
 * by IGMP) the params object of nlb.add, so a configuration is replayed by
 * issuing those calls in order.  A switch's auto ports (its
 * uplink "<switch>-uplink" and host vNIC "<switch>-host", see vswitch.h)
 * are not in "ports": switch.add creates them, with the settings of
 * "uplink_port" and "host" (port settings: admin, vlan, mac, guards; the
 * host's also ifname, mtu, addresses), and config.get writes their live
 * settings back there.  A phy or host port in "ports" is refused.
 * Unknown keys are refused, so a typo never silently becomes a default.
 *
 * Errors name the field at fault ("ports[2].kind: unknown kind 'rnig'").
 * Functions return 0 or a negative errno.
 */
#ifndef VS_CTL_H
#define VS_CTL_H

#include <stddef.h>

#include "vswitch.h"

/* Writes the configuration document of dp to path atomically (temporary
 * file, fsync, rename, fsync of the directory). */
int vs_ctl_config_save(const struct vs_dp *dp, const char *path, char *err, size_t errlen);

/*
 * The control server: JSON-RPC 2.0, one object per line, on a Unix socket.
 * Runs in the thread that owns dp's configuration (vswitchd's control
 * thread): vs_ctl_poll serves every client that is ready and returns.
 *
 * Error codes are stable:
 */
#define VS_CTL_E_PARSE -32700          /* not JSON */
#define VS_CTL_E_INVALID_REQUEST -32600 /* not a JSON-RPC 2.0 request */
#define VS_CTL_E_NO_METHOD -32601
#define VS_CTL_E_INVALID_PARAMS -32602  /* a field is missing, mistyped, out of range */
#define VS_CTL_E_INTERNAL -32603
#define VS_CTL_E_NOT_FOUND -32000       /* a named switch/port does not exist */
#define VS_CTL_E_EXISTS -32001          /* the name is taken */
#define VS_CTL_E_CONFLICT -32002        /* refused by the current state */
#define VS_CTL_E_DEVICE -32003          /* DPDK refused (reason in the message) */
#define VS_CTL_E_PERSIST -32004         /* could not save; the change was undone */

/* Requests longer than this are refused and the connection closed. */
#define VS_CTL_MAX_REQUEST (1u << 20)

struct vs_ctl_conf {
	const char *rundir;      /* socket at <rundir>/vswitchd.sock */
	const char *config_path; /* NULL: changes are not persisted */
	int sock_gid;            /* -1: keep the process's group */
	const char *version;
};

struct vs_ctl;

struct vs_ctl *vs_ctl_create(struct vs_dp *dp, const struct vs_ctl_conf *conf, char *err,
			     size_t errlen);
void vs_ctl_destroy(struct vs_ctl *c);
/* Waits up to timeout_ms for socket activity and serves it. */
void vs_ctl_poll(struct vs_ctl *c, int timeout_ms);
/* One request line in, the response line out (malloc'd, no newline), or
 * NULL for a notification.  What the socket does, without the socket. */
char *vs_ctl_handle(struct vs_ctl *c, const char *line, size_t len);

/* Reads the "datapath" object (absent keys keep what *out holds). */
int vs_ctl_dp_conf_parse(const char *json, struct vs_dp_conf *out, char *err, size_t errlen);
/* Validates the whole document, then adds its switches, ports and NLB
 * clusters to dp; on a refusal nothing of it is left in dp.
 * Relative paths in devargs are not rewritten: they are the user's. */
int vs_ctl_config_apply(struct vs_dp *dp, const char *json, char *err, size_t errlen);
/* The line of text on which the field a refusal names ("ports[2].kind: ...",
 * "datapath.workers: ...") sits, or of its nearest enclosing element. */
unsigned int vs_ctl_locate_line(const char *text, const char *path);
/* Reads a whole file into a NUL-terminated malloc'd buffer (caller frees). */
char *vs_ctl_read_file(const char *path, char *err, size_t errlen);

#endif
