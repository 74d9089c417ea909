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
	uint16_t rx_queues; /* its device's receive queues ("queues"; 1 by default) */
};

#define VS_PERF_TOPO_GUESTS 8u

/* A guest simulator behind a netvsc port ("guest" in the topology). */
enum vs_perf_guest_role {
	VS_PERF_GUEST_REPLAY, /* transmits the workload */
	VS_PERF_GUEST_SINK,   /* counts what it receives; announces destinations */
	VS_PERF_GUEST_LOOP,   /* a VM with two NICs: what this one receives leaves by peer */
	VS_PERF_GUEST_HOSTILE, /* a bystander VM: takes one destination in
				  VS_PERF_HOSTILE_SHARE, is not counted, and
				  commits its misdeed over and over */
};

/* The hostile guest's share of the workload's destinations: 1 in this. */
#define VS_PERF_HOSTILE_SHARE 8u
/* hostile: no misdeed, the same VM behaving (the clean reference). */
#define VS_PERF_MISDEED_NONE (-1)

struct vs_perf_topo_guest {
	char port[VS_NAME_MAX];
	enum vs_perf_guest_role role;
	char peer[VS_NAME_MAX]; /* loop: the VM's other NIC */
	int misdeed;            /* hostile: enum vs_netvsp_guest_misdeed, or
				   VS_PERF_MISDEED_NONE */
};

struct vs_perf_topo {
	char name[32];
	char ext_devargs[VS_DEVARGS_MAX];
	char *config;      /* the configuration document, perf ports rewritten */
	unsigned int n_ports;
	struct vs_perf_topo_port ports[VS_PERF_TOPO_PORTS];
	unsigned int n_guests;
	struct vs_perf_topo_guest guests[VS_PERF_TOPO_GUESTS];
};

/* Something that announces stations: a sink-side perf port (index <
 * VS_PERF_TOPO_PORTS) or a receiving guest (VS_PERF_TOPO_PORTS + index). */
#define VS_PERF_ANNOUNCERS (VS_PERF_TOPO_PORTS + VS_PERF_TOPO_GUESTS)

struct vs_perf_announce {
	struct vs_perf_station *st;
	uint32_t n;
};

/* Guest simulators of a vswitch subject, pumped by the main thread. */
struct vs_perf_guests;

struct vs_perf_guest_counters {
	uint64_t sent, received, bytes, unstamped, busy, dropped;
};

int vs_perf_guests_start(struct vs_perf_guests **out, struct vs_dp *dp, const char *chan_dir,
			 const struct vs_perf_topo *t, const struct vs_perf_workload *w,
			 const struct vs_perf_announce *ann, char *err, size_t errlen);
/* One round over every guest: poll, receive, forward, transmit. */
void vs_perf_guests_pump(struct vs_perf_guests *gs);
bool vs_perf_guests_announce_done(const struct vs_perf_guests *gs);
/* Sums (sink side: received, bytes, unstamped; replay side: sent) and
 * adds the sinks' latencies (cycles) into lat. */
void vs_perf_guests_read(const struct vs_perf_guests *gs, struct vs_perf_guest_counters *c,
			 struct vs_perf_hist *lat);
/* The first hostile guest's state and its port's quarantine and VSP
 * counters (control thread); out->valid false when there is none. */
void vs_perf_guests_hostile(const struct vs_perf_guests *gs, struct vs_perf_hostile *out);
void vs_perf_guests_stop(struct vs_perf_guests *gs);

/* The measured bench: one subject at a time on the topology's devices. */
#define VS_PERF_IO_PAIRS (VS_PERF_TOPO_PORTS * VS_PERF_RXQ_MAX)

struct vs_perf_io_worker {
	unsigned int lcore, idx, n;
	/* (replay port, receive queue) pairs it polls, and the sink each
	 * sends to */
	uint16_t in[VS_PERF_IO_PAIRS], inq[VS_PERF_IO_PAIRS], out[VS_PERF_IO_PAIRS];
	uint64_t cycles, packets, tx_full;
	bool stop;
} __rte_cache_aligned;

struct vs_perf_bench {
	const struct vs_perf_run_conf *c;
	const struct vs_perf_workload *w;
	struct vs_perf_topo *t;
	struct vs_perf_announce ann[VS_PERF_ANNOUNCERS];
	bool ann_done;
	uint32_t unannounced;
	char chan_dir[64];
	/* the subject being measured */
	struct vs_dp *dp;
	struct vs_perf_guests *guests;
	struct rte_mempool *io_mp;
	struct vs_perf_io_worker *io;
	unsigned int n_io;
	uint16_t eth[VS_PERF_TOPO_PORTS];
	bool probed[VS_PERF_TOPO_PORTS];
	struct vs_perf_port *pp[VS_PERF_TOPO_PORTS];
};

#define VS_PERF_POOL_DEFAULT 16383u
#define VS_PERF_POOL_CACHE 256u

/* Deals the workload's destinations to the announcers of b's topology
 * (b->ann) from the running datapath's port policies (stations.c). */
int vs_perf_stations_deal(struct vs_perf_bench *b, char *err, size_t errlen);
/* Callbacks on every perf device of the topology (run.c); announce: sinks
 * announce their stations. */
int vs_perf_attach_all(struct vs_perf_bench *b, struct rte_mempool *mp, bool announce, char *err,
		       size_t errlen);
void vs_perf_detach_all(struct vs_perf_bench *b);
/* The io subject (run_io.c). */
int vs_perf_io_start(struct vs_perf_bench *b, char *err, size_t errlen);
void vs_perf_io_stop(struct vs_perf_bench *b);

int vs_perf_topo_parse(const char *json, const char *name, const char *ext_devargs,
		       struct vs_perf_topo *t, char *err, size_t errlen);
int vs_perf_topo_load(const char *path, const char *ext_devargs, struct vs_perf_topo *t,
		      char *err, size_t errlen);
int vs_perf_topo_builtin(const char *scenario, unsigned int workers, const char *ext_devargs,
			 const struct vs_perf_workload *w, struct vs_perf_topo *t, char *err,
			 size_t errlen);
void vs_perf_topo_free(struct vs_perf_topo *t);

#endif
