/* SPDX-License-Identifier: BSD-3-Clause */
/* The control server's state and its method registry. */
#ifndef VS_RPC_PRIV_H
#define VS_RPC_PRIV_H

#include <limits.h>
#include <stdint.h>

#include "ctl_priv.h"

#define VS_CTL_MAX_METHODS 64
#define VS_CTL_MAX_CLIENTS 64

/* Returns 0 with *result set (NULL: an empty object), or a negative errno
 * with a message in err naming the field ("vlan: 5000 is outside 1-4094");
 * the dispatcher prefixes the method name. */
typedef int (*vs_ctl_method_fn)(struct vs_ctl *c, const cJSON *params, cJSON **result,
				char *err, size_t errlen);

struct vs_ctl_method {
	const char *name;
	vs_ctl_method_fn fn;
	bool change; /* changes configuration: persisted, accepts dry_run */
};

struct vs_ctl_client {
	int fd;          /* -1: free slot */
	char *in;        /* bytes received, not yet a whole line */
	size_t in_len, in_cap;
	char *out;       /* bytes to send */
	size_t out_len, out_off;
	bool closing;    /* close once out is sent */
};

struct vs_ctl {
	struct vs_dp *dp;
	struct vs_ctl_conf conf;
	char config_path[PATH_MAX]; /* "" : changes are not persisted */
	char sock_path[PATH_MAX];
	int listen_fd;
	bool bound; /* sock_path is ours to remove */
	uint64_t started_s;
	bool dry_run; /* the request being served only asks what would happen */
	uint64_t self_saved; /* vs_dp_self_changes when last saved */
	unsigned int n_methods;
	struct vs_ctl_method methods[VS_CTL_MAX_METHODS];
	struct vs_ctl_client clients[VS_CTL_MAX_CLIENTS];
};

int vs_ctl_method_register(struct vs_ctl *c, const char *name, vs_ctl_method_fn fn);
/* A method that changes configuration: it may be asked with "dry_run": true,
 * and then validates everything and answers {"dry_run": true, "would": ...}
 * (vs_ctl_would) without changing anything. */
int vs_ctl_method_register_change(struct vs_ctl *c, const char *name, vs_ctl_method_fn fn);
/* Registers a table of methods (each change or not as it says). */
int vs_ctl_register_table(struct vs_ctl *c, const struct vs_ctl_method *m, unsigned int n);
cJSON *vs_ctl_would(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vs_ctl_errno_to_code(int rc);
/* Saves the configuration if the daemon has a file; -EIO on failure. */
int vs_ctl_persist(struct vs_ctl *c, char *err, size_t errlen);
uint64_t vs_ctl_uptime_s(const struct vs_ctl *c);

/* methods_*.c */
int vs_ctl_register_dp_methods(struct vs_ctl *c);
int vs_ctl_register_trace_methods(struct vs_ctl *c);
int vs_ctl_register_info_methods(struct vs_ctl *c);
/* A port's counters as JSON (methods_dp.c; stats.get uses it too). */
cJSON *vs_ctl_port_stats_json(const struct vs_dp *dp, unsigned int idx);
int vs_ctl_register_capture_methods(struct vs_ctl *c);
int vs_ctl_register_mac_pool_methods(struct vs_ctl *c);
int vs_ctl_register_nlb_methods(struct vs_ctl *c);
/* methods_vmq.c: placement and software VMQ (port.set's queue, lcore and
 * vmq; port.get's placement and vmq_status; workers.*). */
int vs_ctl_register_vmq_methods(struct vs_ctl *c);
struct vs_ctl_vmq_set {
	bool has_lcore, pin, has_vmq, vmq;
	uint32_t queue;
	unsigned int lcore;
};
int vs_ctl_parse_vmq_set(const cJSON *p, struct vs_ctl_vmq_set *s, char *err, size_t errlen);
int vs_ctl_vmq_set_check(struct vs_ctl *c, const char *name, const struct vs_ctl_vmq_set *s,
			 char *err, size_t errlen);
int vs_ctl_vmq_set_apply(struct vs_ctl *c, const char *name, const struct vs_ctl_vmq_set *s,
			 char *err, size_t errlen);
void vs_ctl_vmq_set_undo(struct vs_ctl *c, const char *name, const struct vs_ctl_vmq_set *s,
			 const struct vs_port_conf *pc);
void vs_ctl_port_vmq_json(const struct vs_dp *dp, unsigned int idx, cJSON *o);
/* methods_quarantine.c: port.set's "quarantine" (*want -1 when absent, else
 * 0 off, 1 on) and port.get's account of it. */
int vs_ctl_parse_quarantine(const cJSON *p, int *want, char *err, size_t errlen);
void vs_ctl_port_quarantine_json(const struct vs_dp *dp, unsigned int idx, cJSON *o);
/* methods_nlb.c: the clusters that deleting a switch (port NULL) or a port
 * is about to change, as they are (malloc'd: free() it if not applied);
 * _apply puts them back once the deletion is undone, and frees. */
struct vs_ctl_nlb_undo;
struct vs_ctl_nlb_undo *vs_ctl_nlb_undo_take(struct vs_ctl *c, const char *sw,
					     const char *port);
void vs_ctl_nlb_undo_apply(struct vs_ctl *c, struct vs_ctl_nlb_undo *u);

#endif
