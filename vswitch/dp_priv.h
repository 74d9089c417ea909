/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Datapath internals shared by the files of vswitch/: ports, the published
 * snapshot, the per-worker context.
 *
 * Two views of the configuration exist:
 *   - the control view (struct vs_dp: ports[], switches[]), written only by
 *     the control thread;
 *   - the snapshot (struct vs_snapshot), compiled from it, immutable once
 *     published, read by workers without locks.
 */
#ifndef VS_DP_PRIV_H
#define VS_DP_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "fdb_priv.h"
#include "vmq.h"
#include "vswitch.h"

struct rte_rcu_qsbr;
struct vs_nl;
struct vs_nl_link;
struct vs_netvsp;
struct vs_port;

/*
 * The kernel link cache (klink.c): what the kernel last said about the
 * interface behind a port on one (an af_packet uplink's iface, a host
 * vNIC, an emulated port's tap).  Control thread only; workers see it
 * through the snapshot (vs_snap_port.link_down, max_frame).
 */
struct vs_klink {
	bool tracked;  /* the port is on a kernel interface */
	bool known;    /* its state has been read at least once */
	bool gone;     /* the interface was removed */
	bool seen;     /* reported by the current resync */
	char ifname[VS_IFNAME_MAX];
	int ifindex;   /* 0 until known; followed through renames */
	bool up;       /* IFF_UP and operationally up */
	uint32_t mtu;
	uint8_t mac[6];
};

/* One small interface for every port backend. */
struct vs_port_ops {
	enum vs_port_kind kind;
	/* Opens the backend with one receive queue and n_txq transmit
	 * queues (one per worker) and starts it. */
	int (*open)(struct vs_port *p, unsigned int n_txq, struct rte_mempool *mp, char *err,
		    size_t errlen);
	void (*close)(struct vs_port *p);
	uint16_t (*rx_burst)(struct vs_port *p, uint16_t q, struct rte_mbuf **pkts, uint16_t n);
	uint16_t (*tx_burst)(struct vs_port *p, uint16_t q, struct rte_mbuf **pkts, uint16_t n);
};

struct vs_port {
	struct vs_port_conf conf;
	/* Storm control's window per class, shared by the workers polling
	 * the port's queues (dp_storm.c); on a line of its own. */
	uint64_t storm_win[VS_STORM_N] __rte_cache_aligned;
	const struct vs_port_ops *ops;
	uint16_t eth_port;
	bool eth_open;
	uint16_t eth_rxq;            /* receive queues configured on the ethdev */
	bool in_use;
	uint16_t sw;
	uint16_t gen;    /* bumped each time the slot is reused; never 0 */
	uint16_t worker; /* polls this port's receive queue */
	bool hw_vlan_insert, hw_vlan_strip; /* device capabilities in use */
	uint32_t offload_caps; /* VS_OFFLOAD_* the device or kind supports */
	bool eth_offloads;     /* an ethdev with checksum/TSO enabled: tx_prepare */
	struct rte_ring *rx_ring, *tx_ring; /* ring backend */
	char eth_name[64];
	struct vs_capture *cap; /* capture.c; NULL: none */
	bool made_tap;    /* emulated: the tap is ours to delete */
	struct vs_nl *nl; /* kernel-interface ports: the datapath's handle */
	struct vs_klink kl;
	struct vs_netvsp *netvsp; /* netvsc: the channel */
	const char *chan_dir;     /* netvsc: the datapath's channel directory */
	struct rte_mempool *mp;   /* the datapath's receive pool */
	/* Placement and software VMQ (dp_vmq.c).  worker is VS_NO_WORKER
	 * while the port moves between workers. */
	struct rte_ring *vmq_ring;   /* uplink -> this VM's worker */
	bool vmq_active;             /* the uplink hands frames to vmq_ring */
	int vmq_queue;               /* its queue of the uplink's allocator; -1 */
	struct rte_flow *vmq_flow;   /* hardware VMQ: its rule on the uplink */
	uint16_t vmq_hw_uplink, vmq_hw_queue;
	char vmq_hw_why[160];        /* the last attempt's outcome */
	struct rte_ring *tx_handoff; /* netvsc, several workers: any -> worker */
	struct vs_vmq_rate rate, vmq_rate;
	/* quarantine.c (netvsc) */
	struct vs_port_quarantine q;
	uint64_t q_opens;       /* the channel's open count at the last poll */
	uint32_t q_log_s;       /* when violations were last logged */
	bool q_logged;          /* ever */
	uint64_t q_unlogged;    /* violations since */
	char q_last[160];       /* the latest of them */
	/* A multi-queue netvsc port: queue q ≥ 1 (subchannel q) is polled
	 * by qworker[q]; VS_NO_WORKER while it moves. */
	uint16_t n_queues;
	uint16_t qworker[VS_PORT_MAX_QUEUES];
};

struct vs_switch {
	struct vs_switch_conf conf;
	bool in_use;
	uint16_t n_ports;
};

/* What a worker needs of a port, per packet. */
struct vs_snap_port {
	struct vs_port *port; /* NULL: empty slot */
	uint16_t sw;
	uint16_t gen;
	bool up;              /* admin up and, on a kernel interface, link up */
	bool link_down;       /* down because of the kernel link (admin up) */
	uint32_t max_frame;   /* longest untagged frame the interface takes
				 (its MTU + Ethernet header); UINT32_MAX:
				 no known limit */
	bool hw_vlan_insert;  /* the device tags on transmit */
	/* It reads the tag from metadata alone (netvsc: a PPI), so a flood may
	 * hand it a shared clone; an ethdev may write the tag into the frame
	 * itself (af_packet, tap: rte_vlan_insert refuses shared mbufs). */
	bool tag_meta;
	bool tx_prepare;      /* frames with offload requests go through
				 rte_eth_tx_prepare (pseudo-header seeds) */
	uint32_t offload_caps; /* VS_OFFLOAD_* in use: supported and enabled */
	bool rx_csum_forget;  /* the device checks checksums, rx-csum=off: its
				 verdicts are cleared at ingress */
	bool mac_locked;      /* has a MAC and no spoofing: source checked, no unknown unicast */
	bool dhcp_guard, router_guard;
	bool storm;                           /* a storm limit is set */
	uint32_t storm_pps[VS_STORM_N];
	struct rte_ether_addr mac;
	struct vs_vlan_policy vlan;
	uint16_t worker;      /* polls it; VS_NO_WORKER while it moves */
	struct rte_ring *vmq_ring;   /* its VMQ ring (the VM's worker polls it) */
	struct rte_ring *tx_handoff; /* netvsc on several workers: frames from
					the other workers go through it */
};

/* Software VMQ: one VM the uplink's classify step hands frames to. */
struct vs_snap_vmq {
	struct rte_ether_addr mac;
	uint16_t vlan;  /* 0: the MAC in any VLAN (a VLAN-unaware VM) */
	uint16_t port;
};

struct vs_snap_switch {
	uint16_t n_flood;
	uint16_t uplink1;             /* the uplink's index + 1; 0: none */
	uint8_t n_nlb;                /* NLB clusters: 0 spares frames the look */
	bool nlb_igmp;                /* one is in IGMP mode: IGMP is snooped */
	uint16_t flood[VS_MAX_PORTS]; /* ports that are up, in index order */
	uint16_t n_vmq;               /* VMs with software VMQ on */
	struct vs_snap_vmq vmq[VS_VMQ_MAX_QUEUES];
};

/* A queue a worker polls. */
enum { VS_RXQ_PORT, VS_RXQ_VMQ };
struct vs_snap_rxq {
	uint16_t port;
	uint8_t kind; /* VS_RXQ_PORT: the port's queue `queue` (queue 0 with,
			 netvsc, its transmit hand-off ring); VS_RXQ_VMQ:
			 frames of the port's switch's uplink for this VM */
	uint8_t queue;
};

struct vs_snapshot {
	struct vs_snap_port ports[VS_MAX_PORTS];
	struct vs_snap_switch switches[VS_MAX_SWITCHES];
	struct vs_nlb_view nlb;
	uint16_t n_rx[VS_MAX_WORKERS];
	struct vs_snap_rxq rx[VS_MAX_WORKERS][2 * VS_MAX_PORTS + VS_DP_MAX_SUBQUEUES];
};

#define VS_TXBUF_SIZE (2 * VS_BURST)

struct vs_txbuf {
	uint16_t n;
	bool dirty; /* on the worker's dirty list */
	bool prepare; /* holds a frame the device must prepare (offload) */
	struct rte_mbuf *pkts[VS_TXBUF_SIZE];
};

struct vs_worker_fdb_stats {
	uint64_t learned, moved, overflow, static_held;
};

/* Per cluster slot (nlb.h: vs_nlb_entry.id). */
struct vs_worker_nlb_stats {
	uint64_t delivered, heartbeats;
};

/* What a worker snooped, for the control thread (dp_nlb.c). */
enum { VS_NLB_EV_JOIN, VS_NLB_EV_LEAVE, VS_NLB_EV_QUERY };
struct vs_nlb_event {
	uint8_t kind;
	uint8_t robustness;
	uint16_t sw, vlan, port;
	uint32_t group; /* query: 0 = general */
	uint32_t max_resp_ms;
	uint32_t query_interval_s;
};

struct vs_worker {
	struct vs_dp *dp;
	unsigned int idx;
	unsigned int lcore;
	volatile bool stop;
	bool trace; /* a scratch context for vs_dp_trace: learning only looks */
	uint64_t loops, busy_loops, packets;
	uint64_t vmq_handoff, vmq_rx, tx_handoff;
	uint64_t rxq_packets[VS_MAX_PORTS]; /* per polled port queue */
	uint64_t vmq_packets[VS_MAX_PORTS]; /* per VMQ ring (the VM's index) */
	uint64_t cycles, busy_cycles; /* TSC cycles in loops, in loops that received */
	struct vs_worker_fdb_stats fdb;
	struct vs_worker_nlb_stats nlb[VS_NLB_MAX_CLUSTERS];
	uint64_t igmp_snooped, igmp_ignored, igmp_lost; /* parsed; malformed; ring full */
	struct vs_fdb_cache fdb_cache;
	uint16_t n_dirty;
	uint16_t dirty[VS_MAX_PORTS];    /* ports with frames in tx[] */
	struct vs_port_stats stats[VS_MAX_PORTS];
	struct vs_txbuf tx[VS_MAX_PORTS];
	struct vs_offload_ctx offload;   /* its counters: this worker's */
	struct rte_mbuf *ol_out[VS_OFFLOAD_MAX_SEGS]; /* one frame's fix-up */
} __rte_cache_aligned;

#define VS_NO_WORKER UINT16_MAX

struct vs_dp {
	struct vs_dp_conf conf;
	uint64_t vmq_last_tick_ns; /* dp_vmq.c: last load sample */
	struct vs_vmq_queues vmq_queues[VS_MAX_SWITCHES]; /* software VMQ, per switch */
	struct rte_mempool *mp;
	struct rte_mempool *ol_direct, *ol_indirect; /* segments, private headers */
	struct rte_rcu_qsbr *qsbr;
	struct vs_nl *nl; /* opened with the first port on a kernel interface */
	struct vs_fdb fdb;
	struct vs_snapshot *snap; /* published; read with acquire */
	bool running;
	unsigned int n_workers;  /* contexts: max(1, conf.n_workers) */
	struct vs_worker *workers[VS_MAX_WORKERS];
	vs_clock_fn clock;
	void *clock_arg;
	struct vs_port ports[VS_MAX_PORTS];
	struct vs_switch switches[VS_MAX_SWITCHES];
	/* Counter values at the last vs_dp_stats_clear (control thread). */
	struct vs_port_stats port_base[VS_MAX_PORTS];
	struct vs_fdb_stats fdb_base;
	struct vs_offload_stats offload_base;
	struct vs_worker_stats worker_base[VS_MAX_WORKERS];
	/* NLB (dp_nlb.c): the clusters, the workers' snooped IGMP, and each
	 * slot's counters at its cluster's creation. */
	struct vs_nlb_table *nlb;
	struct rte_ring *nlb_events;
	struct vs_worker_nlb_stats nlb_base[VS_NLB_MAX_CLUSTERS];
	uint64_t nlb_igmp[VS_NLB_MAX_CLUSTERS][3]; /* joins, leaves, expired */
	uint64_t nlb_last_expire_ms;
	/* mac_pool.c: the live pool as 48-bit numbers, where the next
	 * search starts. */
	uint64_t mac_min, mac_max, mac_next;
	/* klink.c */
	bool link_resync;      /* the current notifications include a resync */
	uint64_t self_changes; /* vs_dp_self_changes */
	vs_notice_fn notice;
	void *notice_arg;
};

/* port.c */
/* What a port's device or kind can do (port.c for ethdevs and rings,
 * port_netvsc.c for netvsc). */
uint32_t vs_port_netvsc_offload_caps(const struct vs_port *p);
const struct vs_port_ops *vs_port_ops_for(enum vs_port_kind kind);
/* Shared by the ethdev-based backends. */
int vs_port_open_devargs(struct vs_port *p, const char *args, unsigned int n_txq,
			 struct rte_mempool *mp, char *err, size_t errlen);
void vs_port_eth_close(struct vs_port *p);
uint16_t vs_port_eth_rx(struct vs_port *p, uint16_t q, struct rte_mbuf **pkts, uint16_t n);
uint16_t vs_port_eth_tx(struct vs_port *p, uint16_t q, struct rte_mbuf **pkts, uint16_t n);
/* port_kernel.c: ports on kernel interfaces. */
extern const struct vs_port_ops vs_port_emulated_ops;
extern const struct vs_port_ops vs_port_host_ops;
const char *vs_port_ifname(const struct vs_port *p);
/* klink.c: the kernel interface behind a port, or NULL (see struct
 * vs_klink); the iface= of net_af_packet devargs, or NULL. */
const char *vs_port_kernel_ifname(const struct vs_port *p, char *buf, size_t len);
const char *vs_af_packet_iface(const char *devargs, char *buf, size_t len);
/* quarantine.c: the control poll's part (vs_dp_ctl_poll); true if a
 * port's quarantine changed and the snapshot must be published. */
bool vs_dp_quarantine_poll(struct vs_dp *dp);

/* port_netvsc.c */
extern const struct vs_port_ops vs_port_netvsc_ops;
void vs_port_netvsc_link(struct vs_port *p, bool up);
int vs_port_netvsc_ctl_poll(struct vs_port *p);
void vs_port_netvsc_link_state(const struct vs_port *p, struct vs_port_link *out);
void vs_port_netvsc_counters(const struct vs_port *p, vs_counter_fn fn, void *arg);
int vs_port_link(struct vs_port *p, struct vs_nl *nl, struct vs_port_link *out);
/* Turns the device's VLAN stripping on for access/trunk policies. */
void vs_port_apply_vlan(struct vs_port *p);

/* capture.c: ends the port's capture and frees it.  Called by the backends
 * before the device stops, when no worker can be inside the port's bursts
 * any more (the port is unpublished, or the workers are stopped). */
void vs_capture_port_closing(struct vs_port *p);

/* pipeline.c: one received burst of in_port through every stage. */
void vs_pipeline_run(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t in_port,
		     struct rte_mbuf **pkts, uint16_t n, uint32_t now_s);
/* One frame through every stage with a scratch worker (w->trace): learning
 * changes nothing and transmitted frames stay in w's tx buffers. */
void vs_pipeline_trace_one(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t in_port,
			   struct rte_mbuf *m, struct vs_trace *t);
/* Sends every buffered frame; frames the port refuses are freed and counted. */
void vs_pipeline_flush(struct vs_worker *w, const struct vs_snapshot *snap);

/* dp.c: compiles the control view into a new snapshot and publishes it. */
int vs_dp_publish(struct vs_dp *dp);
/* A worker context's offload state on the datapath's pools. */
void vs_dp_worker_offload_init(struct vs_dp *dp, struct vs_worker *w);
/* dp_config.c: ports; dp_switch.c: switches and their types. */
int vs_dp_key_in_switch(const struct vs_fdb_key *k, uint64_t v, void *arg);
int vs_dp_name_check(const char *what, const char *name, char *err, size_t errlen);
/* Every check of port add, for user and auto ports alike. */
int vs_dp_port_check_any(const struct vs_dp *dp, const struct vs_port_conf *c, char *err,
			 size_t errlen);
/* Adds a port; is_auto: a switch's own uplink or host vNIC. */
int vs_dp_port_add_any(struct vs_dp *dp, const struct vs_port_conf *c, bool is_auto, char *err,
		       size_t errlen);
int vs_dp_port_remove(struct vs_dp *dp, int idx, char *err, size_t errlen);
/* fdb walk filter: entries of port [idx, gen] (arg: uint16_t[2]). */
int vs_dp_key_on_port(const struct vs_fdb_key *k, uint64_t v, void *arg);
/* Refuses c's MAC if it is a group address or another port's of switch sw. */
int vs_dp_mac_check(const struct vs_dp *dp, const char *sw, const struct vs_port_conf *c,
		    char *err, size_t errlen);
/* Points the port's configured MAC at it, never to be aged or moved. */
int vs_dp_install_static(struct vs_dp *dp, unsigned int idx, char *err, size_t errlen);
/* The index of a switch's uplink (host false) or host vNIC, or -ENOENT. */
int vs_dp_auto_index(const struct vs_dp *dp, const char *sw, bool host);

/* dp_nlb.c: the datapath's NLB state; a port or switch going away. */
int vs_dp_nlb_init(struct vs_dp *dp, char *err, size_t errlen);
void vs_dp_nlb_fini(struct vs_dp *dp);
void vs_dp_nlb_port_gone(struct vs_dp *dp, unsigned int idx);
void vs_dp_nlb_switch_gone(struct vs_dp *dp, uint16_t sw);
void vs_dp_nlb_stats_clear(struct vs_dp *dp);
/* -EBUSY and why, if turning spoofing off on this port would break a
 * unicast cluster. */
int vs_dp_nlb_spoofing_check(const struct vs_dp *dp, unsigned int idx, char *err, size_t errlen);
/* klink.c: the kernel link cache. */
#define VS_KLINK_UP 1u  /* vs_klink_apply: up changed */
#define VS_KLINK_MTU 2u /* MTU changed */
#define VS_KLINK_MAC 4u /* address changed */
/* Starts following ifname; its state is read with nl (NULL: unknown). */
void vs_klink_open(struct vs_klink *k, struct vs_nl *nl, const char *ifname);
/* One notification for k: the VS_KLINK_* that changed, 0 if none or if
 * it is about another interface. */
unsigned int vs_klink_apply(struct vs_klink *k, const struct vs_nl_link *l);
/* One notification for every port; republishes the snapshot and lowers
 * host vNIC MTUs as needed.  Returns the VS_KLINK_* that changed. */
unsigned int vs_dp_link_event(struct vs_dp *dp, const struct vs_nl_link *l);
/* Drains the notification socket (vs_nl_process); returns notifications
 * handled or a negative errno. */
int vs_dp_link_poll(struct vs_dp *dp);
/* Opens the datapath's netlink handle if it has none. */
int vs_dp_nl(struct vs_dp *dp, char *err, size_t errlen);
void vs_dp_noticef(struct vs_dp *dp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* dp_mtu.c: the uplink's MTU against the host vNIC's. */
/* The kernel MTU of switch c's uplink: from the cache if the uplink
 * exists with c's devargs, else asked of the kernel; -ENOENT when the
 * uplink is not a kernel interface (its MTU is not known). */
int vs_dp_uplink_mtu(const struct vs_dp *dp, const struct vs_switch_conf *c, uint32_t *mtu,
		     char ifname[VS_IFNAME_MAX]);
/* Refuses a host vNIC MTU larger than the uplink's on a switch that shares
 * its uplink (c: the switch as it would be, sw: its index or -1). */
int vs_dp_host_mtu_check(const struct vs_dp *dp, const struct vs_switch_conf *c, int sw,
			 char *err, size_t errlen);
/* Lowers switch sw's host vNIC to its uplink's MTU when it is larger;
 * returns 1 if it did. */
int vs_dp_host_mtu_follow(struct vs_dp *dp, unsigned int sw);

/* mac_pool.c: the next free MAC of the pool, or -ENOSPC with a message. */
int vs_dp_mac_alloc(struct vs_dp *dp, const char *port, uint8_t mac[6], char *err,
		    size_t errlen);
/* The same refusal, taking nothing (checks and dry runs). */
int vs_dp_mac_check_free(const struct vs_dp *dp, const char *port, char *err, size_t errlen);
int vs_dp_mac_pool_init(struct vs_dp *dp, char *err, size_t errlen);

/* nlb_dp.c: stage 2c for one frame of a switch with clusters: the drop
 * reason, or VS_DROP_MAX with *cluster the frame's cluster in snap->nlb
 * + 1 (0: none) and *flags VS_NLB_F_*. */
#define VS_NLB_F_HEARTBEAT 1
#define VS_NLB_F_NO_LEARN 2 /* the source is a cluster MAC: not learned */
uint8_t vs_dp_nlb_classify(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t sw,
			uint16_t vlan, uint16_t in_port, struct rte_mbuf *m, uint8_t *cluster,
			uint8_t *flags);

/* dp_storm.c: before a frame of the ingress port sp is flooded (pipeline
 * stage 6): true if its class had its frames this second, on whichever
 * workers poll the port. */
bool vs_storm_exceeded(const struct vs_snap_port *sp, uint16_t in_gen, uint32_t now_s,
		       bool unicast, const struct rte_mbuf *m);

/* security.c: the drop reason a guard finds in m, or VS_DROP_MAX. */
uint8_t vs_security_guard(const struct rte_mbuf *m, bool dhcp, bool router);

/* vmq_dp.c: the uplink's classify step over a received burst: frames for
 * a VM with software VMQ on another worker go to its ring; returns the
 * frames left in pkts for this worker, in order. */
uint16_t vs_vmq_dp_classify(struct vs_worker *w, const struct vs_snapshot *snap,
			    uint16_t uplink, struct rte_mbuf **pkts, uint16_t n);
/* Frames from a worker's VMQ rings, gathered into one burst of an uplink. */
struct vs_vmq_gather {
	uint16_t n, uplink;
	struct rte_mbuf *pkts[VS_BURST];
};
/* Takes what fits of VM vm's ring into g, running g through the pipeline
 * when full (or when vm is another uplink's); returns frames taken. */
unsigned int vs_vmq_dp_gather(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t vm,
			      struct vs_vmq_gather *g, uint32_t now_s);
void vs_vmq_dp_flush(struct vs_worker *w, const struct vs_snapshot *snap, struct vs_vmq_gather *g,
		     uint32_t now_s);
/* One VM's ring alone (the control thread's drain without workers). */
unsigned int vs_vmq_dp_poll(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t vm,
			    uint32_t now_s);
/* A netvsc port's transmit hand-off ring, sent by its own worker. */
void vs_vmq_dp_tx_drain(struct vs_worker *w, const struct vs_snapshot *snap, uint16_t port);

/* dp_vmq.c: a new port's worker; a port's rings made and freed. */
uint16_t vs_dp_place_new(const struct vs_dp *dp, const struct vs_port_conf *c);
int vs_dp_vmq_port_open(struct vs_dp *dp, unsigned int idx, char *err, size_t errlen);
void vs_dp_vmq_port_close(struct vs_dp *dp, unsigned int idx);
/* dp_vmq_hw.c: hardware VMQ.  on: try the uplink's rte_flow rule (the
 * outcome in vmq_hw_why); off: remove it; uplink_gone: remove the rules
 * on port idx's device, before it closes; uplink_new: its switch's VMs
 * ask the new uplink. */
void vs_dp_vmq_hw_on(struct vs_dp *dp, unsigned int idx);
void vs_dp_vmq_hw_off(struct vs_dp *dp, unsigned int idx);
void vs_dp_vmq_hw_uplink_gone(struct vs_dp *dp, unsigned int uplink);
void vs_dp_vmq_hw_uplink_new(struct vs_dp *dp, unsigned int uplink);
/* Moves queue (≥ 1) of port idx to worker w, polled by no one between:
 * not persisted.  -EINVAL (no such queue), -ENOMEM. */
int vs_dp_queue_move(struct vs_dp *dp, unsigned int idx, unsigned int queue, uint16_t w);
/* Worker contexts' lcores, known from creation (vs_dp_start uses them). */
void vs_dp_assign_lcores(struct vs_dp *dp);

/* worker.c */
int vs_worker_main(void *arg);
/* One pass over the worker's receive queues; returns frames received. */
unsigned int vs_worker_poll(struct vs_worker *w, const struct vs_snapshot *snap, uint32_t now_s);

static inline const struct vs_snapshot *
vs_dp_snapshot(const struct vs_dp *dp)
{
	return __atomic_load_n(&dp->snap, __ATOMIC_ACQUIRE);
}

static inline uint32_t
vs_dp_now_s(const struct vs_dp *dp)
{
	return (uint32_t)(dp->clock(dp->clock_arg) / 1000000000ull);
}

#endif
