/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswitch — the datapath: switches, ports, the burst pipeline, the MAC
 * table (fdb) and the worker loops.
 *
 * Model
 *   One datapath (struct vs_dp) holds up to VS_MAX_SWITCHES switches and
 *   VS_MAX_PORTS ports.  Every port belongs to exactly one switch; switches
 *   share nothing but the process: a frame never leaves the switch of the
 *   port it arrived on, and the MAC table is keyed by (switch, VLAN, MAC) so
 *   two switches may learn the same address independently.
 *
 *   Ports sit behind one small interface (struct vs_port_ops in
 *   port_priv.h).  Backends: "phy" (any DPDK ethdev named by devargs),
 *   "ring" (rte_eth_from_rings), "pcap" (capture files through net_pcap), "vdev" (any DPDK virtual
 *   device from devargs: net_null, net_ring, vswitch-perf's replay device),
 *   "emulated" (a VM's tap or an adopted interface) and "host" (the
 *   management OS's vNIC).
 *
 * Switch types and port roles (as in Hyper-V)
 *   Every port has a role given by its kind:
 *     uplink   kind phy: the physical NIC of an external switch;
 *     host     kind host: the management OS's vNIC;
 *     VM       kinds emulated and netvsc, and the stand-ins ring, pcap
 *              and vdev (tests, demos, benchmarks).
 *   A switch's type decides which roles it has:
 *     private   VM ports only: no uplink, no host vNIC;
 *     internal  VM ports and exactly one host vNIC; no uplink;
 *     external  exactly one uplink, VM ports, and a host vNIC sharing the
 *               uplink iff allow_management_os.
 *   Uplink and host ports are "auto ports": the switch creates and removes
 *   them itself (vs_dp_switch_add, vs_dp_switch_set, vs_dp_switch_del),
 *   named "<switch>-uplink" and "<switch>-host", from the switch's
 *   configuration (uplink devargs, host settings).  vs_dp_port_add refuses
 *   phy and host ports and vs_dp_port_del refuses auto ports, each with a
 *   message stating the rule; the settings of an auto port (VLAN, admin
 *   state, security) change like any port's.  VM ports are allowed on
 *   every type.
 *
 * Configuration and threads
 *   The control thread (whoever calls vs_dp_switch_add, vs_dp_port_add, ...)
 *   compiles the configuration into an immutable snapshot and publishes it
 *   with one pointer store; workers read it without locks and report
 *   quiescence once per loop (rte_rcu_qsbr); the old snapshot is freed after
 *   the grace period.  All vs_dp_* configuration calls must come from one
 *   thread at a time.
 *
 *   Workers (vs_dp_start) run on EAL worker lcores.  Each polls the list of
 *   queues the snapshot gives it — ports' queue 0 and VMs' software VMQ
 *   rings, each queue on exactly one worker (placement: vs_dp_port_set_
 *   placement, vs_dp_workers_rebalance) — owns tx queue <worker index> on
 *   every port (a netvsc port's frames from other workers go through its
 *   hand-off ring to its own worker), and keeps its own counters (single
 *   writer; summed by vs_dp_port_stats).
 *
 * Determinism
 *   With no workers started, a caller may drive the pipeline itself with
 *   vs_dp_poll_once() or vs_dp_process_burst() and an injected clock
 *   (vs_dp_set_clock): this is what the golden pcap tests do.
 *
 * Errors
 *   Functions returning int return 0 or a negative errno; those taking
 *   (err, errlen) also write a one-line human message naming what is wrong.
 */
#ifndef VS_VSWITCH_H
#define VS_VSWITCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nlb.h"
#include "offload.h"
#include "vlan.h"

struct rte_mbuf;
struct rte_ring;
struct rte_mempool;

#define VS_MAX_SWITCHES 64
#define VS_MAX_PORTS 256
#define VS_MAX_WORKERS 16
/* Queues of a multi-queue netvsc port (netvsp's VS_NETVSP_MAX_QUEUES), and
 * the subchannel queues (queue ≥ 1) all ports may have together. */
#define VS_PORT_MAX_QUEUES 8
#define VS_DP_MAX_SUBQUEUES 64
#define VS_BURST 32
#define VS_NAME_MAX 32
#define VS_DEVARGS_MAX 512

/* VLAN every frame of a VLAN-unaware ("untagged") port belongs to. */
#define VS_VLAN_DEFAULT VS_VLAN_UNAWARE

#define VS_FDB_SIZE_DEFAULT (256u * 1024u)
#define VS_FDB_AGING_DEFAULT_S 300u

enum vs_switch_type {
	VS_SWITCH_PRIVATE,
	VS_SWITCH_INTERNAL,
	VS_SWITCH_EXTERNAL,
};

enum vs_port_kind {
	VS_PORT_PHY,      /* a NIC (the uplink): any DPDK ethdev from devargs */
	VS_PORT_RING,     /* two rte_rings: tests and benchmarks */
	VS_PORT_EMULATED, /* a VM's emulated NIC: the kernel end of its tap */
	VS_PORT_HOST,     /* the management OS's vNIC: a tap whose fd end vswitch holds */
	VS_PORT_PCAP,     /* a VM stand-in replaying/recording capture files (net_pcap) */
	VS_PORT_NETVSC,   /* a VM's synthetic NIC: a netVSC channel in shared memory */
	VS_PORT_VDEV,     /* a VM stand-in on any DPDK virtual device (devargs) */
};

/* Names of a switch's auto ports: "<switch>" plus these. */
#define VS_UPLINK_SUFFIX "-uplink"
#define VS_HOST_SUFFIX "-host"
/* Longest name of a switch that has auto ports (its port names must fit). */
#define VS_AUTO_SWITCH_NAME_MAX (VS_NAME_MAX - 1 - (int)sizeof(VS_UPLINK_SUFFIX) + 1)

#define VS_IFNAME_MAX 16
#define VS_HOST_ADDRS 4
/* A host vNIC's MTU: from the kernel's Ethernet minimum to jumbo frames. */
#define VS_MTU_MIN 68u
#define VS_MTU_MAX 9000u

/*
 * Drop reasons, written once: each yields an enum value and the name shown
 * in counters.  A frame that is not forwarded is counted under exactly one.
 */
#define VS_DROP_REASONS(X)                                                   \
	X(RUNT, "runt")                     /* shorter than an Ethernet header */ \
	X(BAD_LENGTH, "bad_length")         /* 802.3 length field lies */        \
	X(RESERVED_GROUP, "reserved_group") /* 01-80-C2-00-00-0x (802.1D) */     \
	X(SRC_MULTICAST, "src_multicast")   /* group bit set in source MAC */    \
	X(HAIRPIN, "hairpin")               /* destination is the ingress port */ \
	X(NO_EGRESS, "no_egress")           /* flood set holds only the ingress */ \
	X(PORT_DOWN, "port_down")           /* ingress or destination port admin down */ \
	X(VLAN_NOT_ALLOWED, "vlan_not_allowed") /* tagged with a VID the port refuses */ \
	X(VLAN_UNTAGGED, "vlan_untagged")   /* untagged on a trunk without native */ \
	X(VLAN_BAD_TAG, "vlan_bad_tag")     /* truncated tag or VID 4095 */          \
	X(MAC_SPOOFED, "mac_spoofed")       /* source is not the port's MAC */       \
	X(DHCP_GUARD, "dhcp_guard")         /* DHCP server message from a VM */      \
	X(ROUTER_GUARD, "router_guard")     /* RA / redirect from a VM */            \
	X(NLB_NOT_MEMBER, "nlb_not_member") /* NLB heartbeat or masked source from a non-member */ \
	X(STORM_CONTROL, "storm_control")   /* above the port's broadcast/multicast/unknown-unicast rate */ \
	X(TX_FULL, "tx_full")               /* egress queue refused the frame */    \
	X(NO_MBUF, "no_mbuf")               /* no buffer to tag a copy (egress) */    \
	X(LINK_DOWN, "link_down")           /* the port's kernel link is down (either way) */ \
	X(MTU_EXCEEDED, "mtu_exceeded")     /* longer than the egress interface's MTU */ \
	X(OFFLOAD_REFUSED, "offload_refused") /* checksum/TSO request that cannot be
						 honoured correctly (egress) */ \
	X(VMQ_FULL, "vmq_full")             /* a VM's software VMQ ring was full (on the uplink) */ \
	X(TX_HANDOFF_FULL, "tx_handoff_full") /* the ring to the port's own worker was full (egress) */

enum vs_drop_reason {
#define VS_DROP_ENUM(id, name) VS_DROP_##id,
	VS_DROP_REASONS(VS_DROP_ENUM)
#undef VS_DROP_ENUM
	VS_DROP_MAX
};

const char *vs_drop_reason_name(enum vs_drop_reason r);

/* Datapath-wide settings, fixed at creation. */
struct vs_dp_conf {
	uint32_t fdb_size;      /* MAC table entries; 0 = VS_FDB_SIZE_DEFAULT */
	uint32_t fdb_aging_s;   /* 0 = VS_FDB_AGING_DEFAULT_S */
	unsigned int n_workers; /* 0 = driven by the caller (tests) */
	uint32_t n_mbufs;       /* receive pool size; 0 = 16383 */
	char chan_dir[256];     /* where netvsc ports' channel files go */
	/* The MAC pool VM ports without a configured MAC draw from, first to
	 * last address inclusive; both zero = vs_mac_pool_default.  Changed
	 * live with vs_dp_mac_pool_set (vs_dp_conf_get reports the live one). */
	uint8_t mac_min[6], mac_max[6];
	/* Protocol violations after which a netvsc port is quarantined
	 * (quarantine.c); 0 = VS_QUARANTINE_AFTER_DEFAULT, UINT32_MAX = never
	 * by itself (a corrupt ring still is). */
	uint32_t quarantine_after;
};

/* Storm control classes: what a port's VMs flood. */
enum vs_storm_class {
	VS_STORM_BROADCAST,
	VS_STORM_MULTICAST,       /* group addresses but broadcast */
	VS_STORM_UNKNOWN_UNICAST, /* unicast to a MAC the table does not know */
	VS_STORM_N
};

struct vs_storm_control {
	uint32_t pps[VS_STORM_N]; /* frames a second; 0: no limit */
};

struct vs_port_conf {
	char name[VS_NAME_MAX];
	char switch_name[VS_NAME_MAX];
	enum vs_port_kind kind;
	char devargs[VS_DEVARGS_MAX]; /* vdev (and an uplink): DPDK devargs, e.g. "net_null0" */
	uint32_t ring_size;           /* ring: entries per ring; 0 = 1024 */
	/* emulated and host: the kernel interface.  An emulated port creates a
	 * persistent tap that only owner (user) and/or group (group) may attach
	 * to, unless adopt: then the interface exists already (a tap, or a
	 * veth's end) and is left in place on delete. */
	char ifname[VS_IFNAME_MAX];
	char owner[VS_NAME_MAX], group[VS_NAME_MAX];
	bool adopt;
	uint32_t mtu; /* host: 0 = keep; netvsc: the L3 MTU offered to the guest, 0 = 1500 */
	char addrs[VS_HOST_ADDRS][48];             /* host: "10.0.0.1/24", "fd00::1/64" */
	bool admin_down;
	struct vs_vlan_policy vlan;   /* zeroed = untagged (VLAN-unaware) */
	/* Port security.  A port with a known MAC (has_mac) gets a static MAC
	 * table entry; unless mac_spoofing, frames from any other source are
	 * dropped and unknown unicast is not sent to it (it cannot own an
	 * unknown MAC).  A port without one learns like a physical port. */
	bool has_mac;
	uint8_t mac[6];
	bool mac_spoofing;
	bool dhcp_guard;   /* drop DHCP server messages (UDP from port 67/547) */
	bool router_guard; /* drop ICMPv6 RA and redirects, ICMPv4 redirects */
	/* Transmit offloads (offload/offload.h): zeroed, everything the
	 * port's device (or kind) supports is used. */
	struct vs_offload_settings offload;
	/* Storm control: at most this many frames a second of each class
	 * received on the port are flooded; the rest are dropped
	 * (storm_control).  0: no limit. */
	struct vs_storm_control storm;
	/* pcap: frames received from rx_pcap (replayed forever if loop), frames
	 * transmitted written to tx_pcap (optional). */
	char rx_pcap[256], tx_pcap[256];
	bool loop;
	/* Placement (vmq/): pinned, the EAL lcore whose worker polls the
	 * port's receive queue; else the least loaded worker at port add
	 * (and at vs_dp_workers_rebalance).  A pin to an lcore that is no
	 * longer a worker is kept but placed by load (vs_dp_port_vmq_info). */
	bool pinned;
	uint16_t lcore;
	/* Software VMQ: frames from the uplink for this VM (its MAC, and its
	 * access VLAN when it has one) are handed to the VM's worker. */
	bool vmq;
	/* netvsc: channels (queues) the guest may use, the primary included
	 * (NVSP subchannels, netvsp.h "Multi-queue"); 0 = 1, at most 8.
	 * Bit q of queue_pinned: queue q (≥ 1) is pinned to queue_lcore[q]
	 * (as pinned and lcore are for queue 0). */
	uint32_t queues;
	uint8_t queue_pinned;
	uint16_t queue_lcore[VS_PORT_MAX_QUEUES];
};

/*
 * A switch.  uplink_port and host_port hold the settings of its auto ports
 * (name, switch and kind are filled in by the datapath; the uplink's
 * devargs come from uplink).  host_port.ifname empty: "vs-<switch>" cut to
 * 15 characters.  vs_dp_switch_conf reports the live settings of the auto
 * ports that exist, and the last known ones of those that do not (so that
 * turning the host vNIC off and on again keeps its addresses and VLAN).
 */
struct vs_switch_conf {
	char name[VS_NAME_MAX];
	enum vs_switch_type type;
	char uplink[VS_DEVARGS_MAX]; /* external: devargs of the uplink; else empty */
	bool allow_management_os;    /* external: the host shares the uplink */
	struct vs_port_conf uplink_port, host_port;
};

struct vs_port_stats {
	uint64_t rx_packets, rx_bytes;
	uint64_t tx_packets, tx_bytes;
	uint64_t fwd_unicast;  /* received frames sent to one learned port */
	uint64_t fwd_flood;    /* received frames sent to the flood set */
	uint64_t drops[VS_DROP_MAX]; /* rx-side reasons on the ingress port;
					TX_FULL, NO_MBUF, MTU_EXCEEDED and
					OFFLOAD_REFUSED on the egress port;
					LINK_DOWN on the port whose link is
					down */
};

struct vs_fdb_stats {
	uint64_t learned;  /* new (switch, VLAN, MAC) entries */
	uint64_t moved;    /* station moves: an entry changed port */
	uint64_t overflow; /* learn attempts refused: table full */
	uint64_t static_held; /* a port's configured MAC seen elsewhere: not moved */
	uint64_t aged;     /* entries removed by aging */
	uint32_t entries;  /* current */
	uint32_t capacity;
};

struct vs_fdb_entry_info {
	char switch_name[VS_NAME_MAX];
	uint16_t vlan;
	uint8_t mac[6];
	char port_name[VS_NAME_MAX];
	uint32_t age_s;
	bool is_static; /* a port's configured MAC: never aged or moved */
};

struct vs_worker_stats {
	unsigned int lcore;
	uint16_t n_rxq;      /* receive queues polled (VMQ rings included) */
	uint64_t loops;      /* poll loop iterations */
	uint64_t busy_loops; /* iterations that received at least one frame */
	uint64_t packets;    /* frames received */
	uint64_t cycles;     /* TSC cycles spent in the loop */
	uint64_t busy_cycles;/* of which in iterations that received */
	uint64_t vmq_handoff;/* frames this worker handed to another's VMQ ring */
	uint64_t vmq_rx;     /* frames it took from its VMQ rings */
	uint64_t tx_handoff; /* frames it handed to a netvsc port's worker */
};

/*
 * A port's link as the device or the kernel sees it.  For a port on a
 * kernel interface (an af_packet uplink, a host vNIC, an emulated port)
 * up, mtu and mac come from the datapath's cache of the kernel's link
 * notifications (what the workers act on); the counters are read when
 * asked.
 */
struct vs_port_link {
	bool up;
	bool kernel;           /* on a kernel interface: the fields below are its */
	bool gone;             /* kernel: the interface was removed */
	const char *guest;     /* netvsc: "open", "closed", or "lost" (it vanished
				* with the channel open); NULL otherwise */
	char ifname[VS_IFNAME_MAX];
	uint32_t speed_mbps;   /* 0: unknown */
	uint32_t mtu;
	uint8_t mac[6];
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes, rx_dropped, tx_dropped;
};

struct vs_dp;

/* Clock in nanoseconds; the default reads the TSC. */
typedef uint64_t (*vs_clock_fn)(void *arg);

/* EAL must be initialised.  Returns NULL and fills err on failure. */
struct vs_dp *vs_dp_create(const struct vs_dp_conf *conf, char *err, size_t errlen);
/* Stops workers, closes every port, frees everything. */
void vs_dp_destroy(struct vs_dp *dp);
void vs_dp_set_clock(struct vs_dp *dp, vs_clock_fn fn, void *arg);
uint64_t vs_dp_now(const struct vs_dp *dp);

int vs_dp_switch_add(struct vs_dp *dp, const struct vs_switch_conf *c, char *err, size_t errlen);
/* The checks vs_dp_switch_add / _del / vs_dp_port_add make, changing
 * nothing (dry runs).  A phy device is not probed: only its name is. */
int vs_dp_switch_check(const struct vs_dp *dp, const struct vs_switch_conf *c, char *err,
		       size_t errlen);
int vs_dp_switch_del_check(const struct vs_dp *dp, const char *name, char *err, size_t errlen);
int vs_dp_port_check(const struct vs_dp *dp, const struct vs_port_conf *c, char *err,
		     size_t errlen);
/* Refused while the switch still has VM ports; its auto ports go with it. */
int vs_dp_switch_del(struct vs_dp *dp, const char *name, char *err, size_t errlen);
/*
 * Changes a switch live: type, uplink, allow_management_os and the host
 * vNIC's settings (host_port: used when the host port is created; an
 * existing host port keeps its own, change those with port.set).  VM ports
 * are re-validated against the new type, then the uplink and host ports
 * are removed or created as the new type requires (an uplink whose devargs
 * change is re-created).  On failure nothing has changed.  The _check
 * variant validates only (devices are not probed).
 */
int vs_dp_switch_set(struct vs_dp *dp, const struct vs_switch_conf *c, char *err, size_t errlen);
int vs_dp_switch_set_check(const struct vs_dp *dp, const struct vs_switch_conf *c, char *err,
			   size_t errlen);
/* The auto port names of a switch; "" when the name does not fit. */
void vs_switch_uplink_name(const char *sw, char out[VS_NAME_MAX]);
void vs_switch_host_name(const char *sw, char out[VS_NAME_MAX]);
/* The host vNIC's interface name for a switch: conf's, or "vs-<switch>". */
void vs_switch_host_ifname(const struct vs_switch_conf *c, char out[VS_IFNAME_MAX]);
/* True for a switch's auto port (uplink or host vNIC). */
bool vs_dp_port_is_auto(const struct vs_dp *dp, unsigned int idx);
/* Opens the port's backend, starts it and publishes it to the workers. */
int vs_dp_port_add(struct vs_dp *dp, const struct vs_port_conf *c, char *err, size_t errlen);
int vs_dp_port_del(struct vs_dp *dp, const char *name, char *err, size_t errlen);
int vs_dp_port_set_admin(struct vs_dp *dp, const char *name, bool up, char *err, size_t errlen);
/* Replaces a port's security settings (has_mac, mac, mac_spoofing, guards)
 * live, re-installing its static MAC entry. */
int vs_dp_port_set_security(struct vs_dp *dp, const char *name, const struct vs_port_conf *sec,
			    char *err, size_t errlen);
/* Replaces a port's storm control live. */
int vs_dp_port_set_storm(struct vs_dp *dp, const char *name, const struct vs_storm_control *s,
			 char *err, size_t errlen);
/* "broadcast=10000pps,multicast=0,unknown-unicast=500pps", "off" (every
 * class unlimited) or "broadcast=off"; classes not named keep their value
 * in *s.  On error: -EINVAL, and err says what, starting "storm_control: ". */
int vs_storm_parse(const char *text, struct vs_storm_control *s, char *err, size_t errlen);
/* "broadcast=10000pps,multicast=off,unknown-unicast=off", or "off". */
void vs_storm_format(const struct vs_storm_control *s, char *buf, size_t len);
const char *vs_storm_class_name(enum vs_storm_class c);

/* Replaces a port's offload settings live. */
int vs_dp_port_set_offload(struct vs_dp *dp, const char *name, const struct vs_offload_settings *o,
			   char *err, size_t errlen);
/* What the port's device (or kind) can do, and what it does once its
 * settings apply: VS_OFFLOAD_* bits. */
int vs_dp_port_offload_caps(const struct vs_dp *dp, unsigned int idx, uint32_t *supported,
			    uint32_t *active);
/* Replaces a port's VLAN policy live; its learned stations are forgotten. */
int vs_dp_port_set_vlan(struct vs_dp *dp, const char *name, const struct vs_vlan_policy *vlan,
			char *err, size_t errlen);

/* Current settings of a port / switch / the datapath. */
int vs_dp_port_conf(const struct vs_dp *dp, unsigned int idx, struct vs_port_conf *out);
int vs_dp_switch_conf(const struct vs_dp *dp, unsigned int idx, struct vs_switch_conf *out);
void vs_dp_conf_get(const struct vs_dp *dp, struct vs_dp_conf *out);

/* Lookups for the control plane and tests: index or -ENOENT. */
int vs_dp_port_index(const struct vs_dp *dp, const char *name);
int vs_dp_switch_index(const struct vs_dp *dp, const char *name);
unsigned int vs_dp_port_count(const struct vs_dp *dp);
unsigned int vs_dp_switch_count(const struct vs_dp *dp);
/* Name of the port at an index, NULL if the slot is empty. */
const char *vs_dp_port_name(const struct vs_dp *dp, unsigned int idx);
const char *vs_dp_port_switch(const struct vs_dp *dp, unsigned int idx);
const char *vs_dp_switch_name(const struct vs_dp *dp, unsigned int idx);
/* ring ports only: the ring the port receives from / transmits into. */
struct rte_ring *vs_dp_port_rx_ring(const struct vs_dp *dp, unsigned int idx);
struct rte_ring *vs_dp_port_tx_ring(const struct vs_dp *dp, unsigned int idx);
/* The pool the datapath receives into (tests build their frames from it). */
struct rte_mempool *vs_dp_mempool(const struct vs_dp *dp);

/* Control-thread work of ports that have some (netvsc: the NVSP/RNDIS
 * control protocol) and the kernel's link notifications (never blocks:
 * a kernel port's link and MTU reach the workers from here).  Returns
 * messages handled; *channels (may be NULL) receives how many channels
 * exist, so the caller can poll them often. */
int vs_dp_ctl_poll(struct vs_dp *dp, unsigned int *channels);

/*
 * Changes the datapath makes to its own configuration, following the
 * kernel (a host vNIC's MTU lowered to its uplink's): a count that moves
 * with each, so that the owner of the configuration file saves it again.
 */
uint64_t vs_dp_self_changes(const struct vs_dp *dp);
/* Where the datapath reports what it did by itself or saw change (links
 * going up or down, MTUs followed), one line each without a newline;
 * control thread only, never from workers.  NULL: silent (the default). */
typedef void (*vs_notice_fn)(const char *msg, void *arg);
void vs_dp_set_notice(struct vs_dp *dp, vs_notice_fn fn, void *arg);

/*
 * A host vNIC's MTU, live (host ports only; VS_MTU_MIN to VS_MTU_MAX).  On an
 * external switch that shares its uplink with the management OS, an MTU
 * larger than the uplink interface's (when the uplink is a kernel
 * interface) is refused, naming both.  The _check variant changes nothing.
 * vs_dp_port_set_mtu with mtu 0 forgets the configured MTU and leaves the
 * interface as it is (what an undo needs); _check refuses 0.
 */
int vs_dp_port_set_mtu(struct vs_dp *dp, const char *name, uint32_t mtu, char *err,
		       size_t errlen);
int vs_dp_port_set_mtu_check(const struct vs_dp *dp, const char *name, uint32_t mtu, char *err,
			     size_t errlen);

/*
 * The MAC pool (mac_pool.c), as Hyper-V's MacAddressMinimum/Maximum: a VM
 * port (netvsc, emulated with a tap of its own) added without a MAC gets
 * the next address of the pool that no port uses (configured on any
 * switch, or the current address of a port's kernel interface), and keeps
 * it in its configuration.  A range must not hold a group address nor the
 * zero address: min and max share their first octet, which has its group
 * bit clear.  Errors name "min" or "max".
 */
struct vs_mac_pool_info {
	uint8_t min[6], max[6];
	uint64_t size;  /* addresses in the range */
	uint64_t used;  /* of them taken by a port */
	uint8_t next[6]; /* where the next search starts */
};
int vs_mac_pool_check(const uint8_t min[6], const uint8_t max[6], char *err, size_t errlen);
/* The default pool: 00-15-5D-xx-yy-00 to 00-15-5D-xx-yy-FF, where xx-yy
 * differ between hosts (taken from the machine id, as Hyper-V takes them
 * from the host's address) so two hosts on one LAN rarely share a pool. */
void vs_mac_pool_default(uint8_t min[6], uint8_t max[6]);
int vs_dp_mac_pool_set(struct vs_dp *dp, const uint8_t min[6], const uint8_t max[6], char *err,
		       size_t errlen);
void vs_dp_mac_pool_get(const struct vs_dp *dp, struct vs_mac_pool_info *out);

/* Launches conf.n_workers poll loops on EAL worker lcores. */
int vs_dp_start(struct vs_dp *dp, char *err, size_t errlen);
/* Asks workers to stop and waits for them. */
void vs_dp_stop(struct vs_dp *dp);

/*
 * Placement and software VMQ (dp_vmq.c, vmq/).  Every polled queue — a
 * port's receive queue (queue 0), a VM's software VMQ ring, a multi-queue
 * netvsc port's subchannel queue (1 .. queues - 1) — belongs to exactly
 * one worker.  Moving one (a pin, a rebalance) takes two publications:
 * first it is polled by nobody (frames wait in the device queue or the
 * ring), then by its new worker, so two workers never poll it at once.
 * Subchannel queue q starts on its pinned worker (queue_pinned), else on
 * the q-th worker after the port's own; `port set --queue Q --lcore N`
 * pins and moves it (kept in the configuration, as queue 0's pin); a
 * rebalance leaves subchannel queues where they are.
 */
/* The worker index of an EAL lcore, or -ENOENT if no worker runs there. */
int vs_dp_lcore_worker(const struct vs_dp *dp, unsigned int lcore);
/* Pins queue of port name to lcore (pin false: placed by load from now
 * on, where it is).  Errors name "queue" or "lcore". */
int vs_dp_port_set_placement(struct vs_dp *dp, const char *name, unsigned int queue, bool pin,
			     unsigned int lcore, char *err, size_t errlen);
int vs_dp_port_set_placement_check(const struct vs_dp *dp, const char *name, unsigned int queue,
				   bool pin, unsigned int lcore, char *err, size_t errlen);
/* Software VMQ on or off, live.  Turning it off under traffic loses and
 * duplicates nothing: the uplink stops handing frames over, the VM's
 * worker empties the ring, then the ring goes. */
int vs_dp_port_set_vmq(struct vs_dp *dp, const char *name, bool on, char *err, size_t errlen);
/* The worker polling queue of port idx; -ENOENT (no such port or queue),
 * -EAGAIN while it moves. */
int vs_dp_port_queue_worker(const struct vs_dp *dp, unsigned int idx, unsigned int queue);
/* Places every unpinned queue again by load; returns queues moved. */
int vs_dp_workers_rebalance(struct vs_dp *dp, char *err, size_t errlen);
/* Samples every queue's packet counter (the load placement uses); the
 * control thread calls it about once a second (vs_dp_ctl_poll does). */
void vs_dp_vmq_tick(struct vs_dp *dp);

struct vs_port_vmq_info {
	int worker;          /* polls the receive queue; -1 while moving */
	unsigned int lcore;
	bool pinned_here;    /* pinned, and the pin is a worker */
	uint64_t pps;        /* receive queue's load */
	bool vmq;            /* configured */
	bool vmq_active;     /* a ring exists and the uplink hands to it */
	bool vmq_hardware;   /* the uplink's NIC steers its frames (rte_flow) */
	int vmq_queue;       /* the uplink queue (software ring) it holds, or -1 */
	uint64_t vmq_pps;
	char why[160];       /* software VMQ (or none), and why */
};
int vs_dp_port_vmq_info(const struct vs_dp *dp, unsigned int idx, struct vs_port_vmq_info *out);

/* A worker's queues: port indices, and whether each is a VMQ ring. */
struct vs_worker_queue {
	uint16_t port;
	uint16_t queue; /* the port's queue (netvsc subchannels: ≥ 1) */
	bool vmq;
	uint64_t packets;
};
/* Fills up to max queues of worker idx; returns how many it has. */
unsigned int vs_dp_worker_queues(const struct vs_dp *dp, unsigned int idx,
				 struct vs_worker_queue *out, unsigned int max);
/* One worker's own counters for port idx (tests: where frames went). */
int vs_dp_worker_port_stats(const struct vs_dp *dp, unsigned int w, unsigned int idx,
			    struct vs_port_stats *out);

/*
 * Deterministic driving (no workers running): vs_dp_poll_once receives one
 * burst from every port with worker 0's context, runs it through the
 * pipeline and flushes every tx buffer; returns the frames received.
 */
unsigned int vs_dp_poll_once(struct vs_dp *dp);
/* Runs frames of port in_port through the pipeline (worker 0), VS_BURST at
 * a time, and flushes.  Consumes the mbufs.
 *
 * Within one burst every source is learned before any destination is looked
 * up (as in a hardware pipeline): a frame may be forwarded to a station that
 * a later frame of the same burst announced. */
void vs_dp_process_burst(struct vs_dp *dp, uint16_t in_port, struct rte_mbuf **pkts,
			 uint16_t n);

/*
 * Packet trace: one frame through the real pipeline as if it arrived on
 * port in_port, with the current configuration, changing nothing — no
 * learning, no counters, nothing transmitted.  Control thread only.
 */
enum vs_trace_learn {
	VS_TRACE_LEARN_NONE,    /* dropped before learning */
	VS_TRACE_LEARN_REFRESH, /* known here already */
	VS_TRACE_LEARN_NEW,     /* would be learned */
	VS_TRACE_LEARN_MOVE,    /* known on another port: would move */
	VS_TRACE_LEARN_FULL,    /* table full: would not be learned */
	VS_TRACE_LEARN_STATIC,  /* another port's configured MAC: not moved */
};
#define VS_TRACE_NOT_LOOKED_UP (-1) /* dropped before, or a group address */
#define VS_TRACE_UNKNOWN (-2)       /* not in the table: flooded */
#define VS_TRACE_KNOWN_DROPPED (-3) /* known, but on the ingress port or a down port */

struct vs_trace_egress {
	uint16_t port;
	bool tagged;    /* leaves with an 802.1Q tag the switch added */
	uint32_t len;
	uint8_t *frame; /* the bytes that would be sent (malloc'd) */
};

struct vs_trace {
	enum vs_drop_reason drop; /* VS_DROP_MAX: forwarded */
	bool classified;          /* reached the VLAN stage's end */
	uint16_t vlan, tci;
	enum vs_trace_learn learn;
	int lookup_port;          /* port index, or VS_TRACE_* */
	unsigned int n_egress;
	struct vs_trace_egress egress[VS_MAX_PORTS];
};

int vs_dp_trace(struct vs_dp *dp, unsigned int in_port, const uint8_t *frame, uint32_t len,
		struct vs_trace *t, char *err, size_t errlen);
void vs_trace_release(struct vs_trace *t);

/*
 * NLB clusters (nlb/), per switch and VLAN.  Frames to a cluster's MAC go to
 * its member ports but the ingress, and to the switch's uplink when they
 * did not come from it, unless local_only; the cluster MAC is never learned.
 * Heartbeats (EtherType 0x886F) go only to the other members; from a port
 * that is neither a member nor the uplink they are dropped
 * (nlb_not_member), as are frames with a unicast cluster's masked source
 * MAC.  Unicast mode needs MAC spoofing on every member (they send with
 * the masked source): vs_dp_nlb_add refuses members without it, and
 * vs_dp_port_set_security refuses turning it off on one.  In IGMP mode the
 * members are the configured ones plus the ports whose VMs reported
 * membership of the cluster's group (snooped by the workers, applied by
 * vs_dp_nlb_tick).  A member that is down receives nothing.  A port that
 * is deleted leaves every cluster; a switch that is deleted takes its
 * clusters with it.
 */
#define VS_NLB_MAX_MEMBERS 32 /* configured members: NLB's own limit */

struct vs_nlb_conf {
	char switch_name[VS_NAME_MAX];
	uint16_t vlan; /* 1..4094; ports that are VLAN-unaware are in VLAN 1 */
	uint32_t ip;   /* cluster IP, host byte order */
	enum vs_nlb_mode mode;
	bool local_only;
	uint16_t n_members;
	char members[VS_NLB_MAX_MEMBERS][VS_NAME_MAX];
};

struct vs_nlb_member_info {
	char name[VS_NAME_MAX];
	bool configured; /* named in the configuration */
	bool igmp;       /* reported membership (IGMP mode) */
	bool up;         /* receiving: the port is up */
};

struct vs_nlb_info {
	struct vs_nlb_conf conf;
	uint8_t mac[6];
	uint16_t n_members;
	struct vs_nlb_member_info member[VS_NLB_MAX_PORTS];
	uint64_t delivered;   /* frames to the cluster MAC, once per frame */
	uint64_t heartbeats;  /* heartbeats delivered to the other members */
	uint64_t igmp_joins, igmp_leaves, igmp_expired;
};

int vs_dp_nlb_add(struct vs_dp *dp, const struct vs_nlb_conf *c, char *err, size_t errlen);
int vs_dp_nlb_add_check(const struct vs_dp *dp, const struct vs_nlb_conf *c, char *err,
			size_t errlen);
int vs_dp_nlb_del(struct vs_dp *dp, const char *switch_name, uint16_t vlan, uint32_t ip,
		  char *err, size_t errlen);
typedef void (*vs_nlb_walk_fn)(const struct vs_nlb_info *i, void *arg);
/* Calls fn for every cluster, by switch, VLAN and IP. */
void vs_dp_nlb_walk(const struct vs_dp *dp, vs_nlb_walk_fn fn, void *arg);
/* Applies what the workers snooped (IGMP reports, leaves, queries) and
 * expires silent members on the datapath's clock; the control loop calls
 * it on every turn.  Returns true if a member set changed. */
bool vs_dp_nlb_tick(struct vs_dp *dp);

/* Removes entries idle longer than the aging time; returns how many. */
unsigned int vs_dp_fdb_age(struct vs_dp *dp);
/* Removes every entry (of one switch if sw >= 0); returns how many. */
unsigned int vs_dp_fdb_flush(struct vs_dp *dp, int sw);
typedef void (*vs_fdb_walk_fn)(const struct vs_fdb_entry_info *e, void *arg);
/* Calls fn for every live entry, in no particular order. */
void vs_dp_fdb_walk(struct vs_dp *dp, vs_fdb_walk_fn fn, void *arg);
void vs_dp_fdb_stats(const struct vs_dp *dp, struct vs_fdb_stats *out);

/* Counters of the port's backend (a netvsc channel's protocol counters),
 * name and value, for each one that is not zero.  Control thread. */
typedef void (*vs_counter_fn)(const char *name, uint64_t value, void *arg);
int vs_dp_port_backend_counters(struct vs_dp *dp, unsigned int idx, vs_counter_fn fn, void *arg);

/*
 * Quarantine (quarantine.c): a netvsc port whose guest breaks the channel
 * protocol is cut off — its rings are no longer read, nothing is forwarded
 * to or from it — once its violations since the last release reach
 * conf.quarantine_after, at once when it corrupts its ring, or on request.
 * Load never quarantines: a guest that floods its ring or never completes
 * its receive indications is throttled by the VSP (ctl_queue_full,
 * tx_no_section) and costs other ports nothing.  Released on request or
 * when the guest resets its channel (closes and reopens it).  Violations
 * are logged through the notice function, one line a second per port at
 * most.  Control thread.
 */
#define VS_QUARANTINE_AFTER_DEFAULT 16u
#define VS_QUARANTINE_REASON_MAX 192u
struct vs_port_quarantine {
	bool on;
	char reason[VS_QUARANTINE_REASON_MAX]; /* "" when not quarantined */
	uint64_t violations; /* since the last release or channel reset */
	uint64_t total;      /* since the channel was created */
	uint32_t times;      /* how often it was quarantined */
};
/* -EINVAL (err says why) for a port that is not netvsc. */
int vs_dp_port_set_quarantine(struct vs_dp *dp, const char *name, bool on, char *err,
			      size_t errlen);
int vs_dp_port_quarantine(const struct vs_dp *dp, unsigned int idx,
			  struct vs_port_quarantine *out);

/* The port's link state (control thread). */
int vs_dp_port_link(struct vs_dp *dp, unsigned int idx, struct vs_port_link *out);

/* Sum of the workers' counters for one port since the last clear. */
int vs_dp_port_stats(const struct vs_dp *dp, unsigned int idx, struct vs_port_stats *out);
/* Sum of the workers' offload counters since the last clear (software
 * checksums and segments, refusals by reason). */
void vs_dp_offload_stats(const struct vs_dp *dp, struct vs_offload_stats *out);
/* Workers: conf.n_workers of them (0 when the caller drives the pipeline). */
unsigned int vs_dp_worker_count(const struct vs_dp *dp);
int vs_dp_worker_stats(const struct vs_dp *dp, unsigned int idx, struct vs_worker_stats *out);
/* Zeroes what the stats readers report (ports, fdb, workers). */
void vs_dp_stats_clear(struct vs_dp *dp);

const char *vs_switch_type_name(enum vs_switch_type t);
int vs_switch_type_parse(const char *s, enum vs_switch_type *out);
const char *vs_port_kind_name(enum vs_port_kind k);
int vs_port_kind_parse(const char *s, enum vs_port_kind *out);

/*
 * Live capture (capture.c): a port's received and/or transmitted frames
 * written to a pcap or pcapng file while the datapath runs.
 *
 *   The port's ethdev gets rx/tx callbacks that copy each frame into a small
 *   pool owned by the capture and enqueue the copy on a ring; the thread
 *   that owns the configuration drains the ring and writes the file from
 *   vs_dp_capture_poll.  The datapath never waits: when the pool or the ring
 *   is full the frame is not captured and "dropped" counts it.
 *   rx frames are seen as the device delivers them, tx frames as they are
 *   offered to the device (a frame the device then refuses, counted as
 *   tx_full, is still in the file).  Frames longer than VS_CAPTURE_SNAPLEN
 *   are truncated to it (the record keeps the original length).
 *
 *   A capture ends by itself when it has written max_frames frames or when
 *   the next frame would make the file larger than max_bytes; the status
 *   says why.  A finished capture's status stays readable until the next
 *   vs_dp_capture_start on the port, vs_dp_capture_stop or the port's
 *   deletion (which ends a running capture and closes its file).
 *
 *   All vs_dp_capture_* calls come from the configuration thread.
 */
#define VS_CAPTURE_SNAPLEN 9216u

enum vs_capture_dir {
	VS_CAPTURE_RX = 1,
	VS_CAPTURE_TX = 2,
	VS_CAPTURE_BOTH = 3,
};

enum vs_capture_format {
	VS_CAPTURE_PCAP,   /* libpcap, nanosecond timestamps */
	VS_CAPTURE_PCAPNG, /* DPDK's rte_pcapng: direction and queue per frame */
};

#define VS_CAPTURE_ENDS(X)                                                   \
	X(RUNNING, "running")         /* not ended */                        \
	X(COUNT, "count_limit")       /* max_frames written */               \
	X(SIZE, "size_limit")         /* the next frame would pass max_bytes */ \
	X(STOPPED, "stopped")         /* vs_dp_capture_stop */               \
	X(PORT_DELETED, "port_deleted") /* the port went away */             \
	X(WRITE_ERROR, "write_error") /* the file could not be written */

enum vs_capture_end {
#define VS_CAPTURE_END_ENUM(id, name) VS_CAPTURE_END_##id,
	VS_CAPTURE_ENDS(VS_CAPTURE_END_ENUM)
#undef VS_CAPTURE_END_ENUM
	VS_CAPTURE_END_MAX
};

struct vs_capture_conf {
	const char *path;          /* created, mode 0640; must not exist */
	enum vs_capture_dir dir;   /* 0 = VS_CAPTURE_BOTH */
	enum vs_capture_format format;
	uint64_t max_frames;       /* 0: no limit */
	uint64_t max_bytes;        /* file size; 0: no limit */
};

struct vs_capture_status {
	char port[VS_NAME_MAX];
	char path[4096];
	enum vs_capture_dir dir;
	enum vs_capture_format format;
	enum vs_capture_end end;
	uint64_t max_frames, max_bytes;
	uint64_t frames;   /* written to the file */
	uint64_t bytes;    /* size of the file */
	uint64_t dropped;  /* frames not captured: copy pool or ring full */
	uint64_t duration_ms;
	int error;         /* WRITE_ERROR: the errno */
};

/* Starts capturing on port idx.  -ENOENT no such port, -EBUSY a capture is
 * running there, -EINVAL bad conf, or the negative errno of creating the
 * file (err names the path and the reason). */
int vs_dp_capture_start(struct vs_dp *dp, unsigned int idx, const struct vs_capture_conf *c,
			char *err, size_t errlen);
/* Writes what the datapath captured and ends captures that reached a
 * limit.  Returns how many captures are still running (the caller may poll
 * more often while there are any). */
unsigned int vs_dp_capture_poll(struct vs_dp *dp);
/* Ends the port's capture (if running) and forgets it; *out (may be NULL)
 * gets its final status.  -ENOENT: no capture on that port. */
int vs_dp_capture_stop(struct vs_dp *dp, unsigned int idx, struct vs_capture_status *out);
/* Status of the port's capture, running or finished; -ENOENT: none. */
int vs_dp_capture_status(const struct vs_dp *dp, unsigned int idx, struct vs_capture_status *out);
const char *vs_capture_end_name(enum vs_capture_end e);
const char *vs_capture_dir_name(enum vs_capture_dir d);
int vs_capture_dir_parse(const char *s, enum vs_capture_dir *out);
const char *vs_capture_format_name(enum vs_capture_format f);
int vs_capture_format_parse(const char *s, enum vs_capture_format *out);

/*
 * DPDK telemetry (telemetry.c): commands /vswitch/info, /vswitch/ports,
 * /vswitch/port_stats,<port> and /vswitch/fdb_stats, answered on DPDK's
 * telemetry thread (dpdk-telemetry.py, or the socket
 * <runtime dir>/dpdk_telemetry.v2).  That thread never reads the datapath:
 * the configuration thread publishes a copy of names and counters with
 * vs_telemetry_publish, at most every 50 ms unless force is set.
 */
int vs_telemetry_init(void);
/* dp NULL: withdraw (the commands then report no ports). */
void vs_telemetry_publish(const struct vs_dp *dp, bool force);

#endif
