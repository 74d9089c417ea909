/* SPDX-License-Identifier: BSD-3-Clause */
/* The run engine's internals: topologies and the measured bench. */
#ifndef VS_PERF_RUN_PRIV_H
#define VS_PERF_RUN_PRIV_H

#include "perf_priv.h"
#include "vswitch.h"

#define VS_PERF_TOPO_PORTS 64u

enum vs_perf_role {
	VS_PERF_REPLAY,   /* replays the workload */
	VS_PERF_SINK,     /* counts; announces destinations */
	VS_PERF_EXTERNAL, /* the user's device (--port): counts what it is given */
};

struct vs_perf_topo_port {
	char name[VS_NAME_MAX];
	enum vs_perf_role role;
	char devargs[VS_DEVARGS_MAX];
	unsigned int pair; /* replay: the sink the I/O baseline sends to */
};

struct vs_perf_topo {
	char name[32];
	char ext_devargs[VS_DEVARGS_MAX];
	char *config;      /* the configuration document, perf ports rewritten */
	unsigned int n_ports;
	struct vs_perf_topo_port ports[VS_PERF_TOPO_PORTS];
};

int vs_perf_topo_parse(const char *json, const char *name, const char *ext_devargs,
		       struct vs_perf_topo *t, char *err, size_t errlen);
int vs_perf_topo_load(const char *path, const char *ext_devargs, struct vs_perf_topo *t,
		      char *err, size_t errlen);
int vs_perf_topo_builtin(const char *scenario, unsigned int workers, const char *ext_devargs,
			 const struct vs_perf_workload *w, struct vs_perf_topo *t, char *err,
			 size_t errlen);
void vs_perf_topo_free(struct vs_perf_topo *t);

#endif
