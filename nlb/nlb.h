/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nlb — Windows Network Load Balancing awareness.
 *
 * Several VMs share a cluster IP; each must receive every frame for the
 * cluster and filters in its own driver.  A learning switch gets this wrong:
 * it learns the cluster MAC on one port, or floods it everywhere.  This
 * module keeps the clusters of every switch and VLAN and tells the pipeline
 * which ports a cluster frame goes to.
 *
 * Cluster MAC, from cluster IP w.x.y.z (as NLB derives it):
 *   unicast    02-BF-w-x-y-z       members transmit with the masked source
 *                                  02-<host priority>-w-x-y-z
 *   multicast  03-BF-w-x-y-z
 *   igmp       01-00-5E-7F-y-z     group 239.255.y.z; members are the
 *                                  ports whose VMs report membership
 * Heartbeats: EtherType 0x886F, sent to the broadcast address (unicast
 * mode) or the cluster MAC (multicast modes); the payload starts with a
 * signature, version, host id, then the cluster IP (big-endian, byte 12).
 *
 * Two halves:
 *   the table (control thread): clusters, their configured members, IGMP
 *     membership with its timers; every change makes a new view;
 *   the view (workers, read-only, published with the datapath's snapshot):
 *     for a switch, VLAN and destination MAC or cluster IP, the member set.
 * The IGMP parser runs on workers; what it finds goes to the control thread
 * as events (the pipeline's business), never into the table directly.
 *
 * Ports are indices below VS_NLB_MAX_PORTS; switches are indices too.
 * Functions returning int return 0 or a negative errno.
 */
#ifndef VS_NLB_H
#define VS_NLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VS_NLB_MAX_PORTS 256
#define VS_NLB_MAX_CLUSTERS 64
#define VS_NLB_ETHERTYPE_HEARTBEAT 0x886F
#define VS_NLB_HB_MIN_LEN 20 /* signature … cluster IP … host IP */
#define VS_NLB_HB_CLUSTER_IP_OFF 12

enum vs_nlb_mode { VS_NLB_UNICAST, VS_NLB_MULTICAST, VS_NLB_IGMP };

struct vs_nlb_portset {
	uint64_t w[VS_NLB_MAX_PORTS / 64];
};

struct vs_nlb_cluster_conf {
	uint16_t sw;
	uint16_t vlan;      /* 1..4094; VLAN-unaware ports are VLAN 1 */
	uint32_t ip;        /* cluster IP, host byte order */
	enum vs_nlb_mode mode;
	bool local_only;    /* never to the uplink */
	struct vs_nlb_portset members; /* configured; IGMP mode adds reporters */
};

/* One cluster as workers see it. */
struct vs_nlb_entry {
	uint16_t sw, vlan;
	uint8_t mac[6];
	uint8_t mode;
	bool local_only;
	uint16_t id; /* the cluster's slot: indexes per-cluster counters */
	uint32_t ip;
	struct vs_nlb_portset members; /* configured ∪ current IGMP members */
};

struct vs_nlb_view {
	uint16_t n;
	struct vs_nlb_entry e[VS_NLB_MAX_CLUSTERS];
};

/* The control thread's table. */
struct vs_nlb_table;

/* ---- addresses ---- */

void vs_nlb_cluster_mac(uint32_t ip, enum vs_nlb_mode mode, uint8_t mac[6]);
/* The IGMP group of an IGMP-mode cluster: 239.255.y.z. */
uint32_t vs_nlb_igmp_group(uint32_t ip);
/* True for 02-BF, 03-BF and 01-00-5E-7F prefixes: the only destinations
 * worth a view lookup. */
static inline bool
vs_nlb_mac_maybe_cluster(const uint8_t *mac)
{
	return ((mac[0] == 0x02 || mac[0] == 0x03) && mac[1] == 0xbf) ||
	       (mac[0] == 0x01 && mac[1] == 0x00 && mac[2] == 0x5e && mac[3] == 0x7f);
}
/* A unicast member's masked source: 02-<priority 1..32>-w-x-y-z. */
bool vs_nlb_src_is_masked(uint32_t ip, const uint8_t mac[6]);
const char *vs_nlb_mode_name(enum vs_nlb_mode mode);
int vs_nlb_mode_parse(const char *s, enum vs_nlb_mode *out);

/* ---- port sets ---- */

static inline void
vs_nlb_portset_add(struct vs_nlb_portset *s, unsigned int port)
{
	s->w[port / 64] |= 1ull << (port % 64);
}
static inline void
vs_nlb_portset_del(struct vs_nlb_portset *s, unsigned int port)
{
	s->w[port / 64] &= ~(1ull << (port % 64));
}
static inline bool
vs_nlb_portset_has(const struct vs_nlb_portset *s, unsigned int port)
{
	return (s->w[port / 64] >> (port % 64)) & 1;
}
unsigned int vs_nlb_portset_count(const struct vs_nlb_portset *s);

/* ---- the table (control thread) ---- */

struct vs_nlb_table *vs_nlb_table_create(void);
void vs_nlb_table_destroy(struct vs_nlb_table *t);
/* Adds a cluster; -EEXIST when the switch and VLAN already have one with
 * this IP or this MAC, -ENOSPC when the table is full, -EINVAL for a
 * cluster IP that cannot be one (0, multicast, broadcast, loopback). */
int vs_nlb_table_add(struct vs_nlb_table *t, const struct vs_nlb_cluster_conf *c);
int vs_nlb_table_del(struct vs_nlb_table *t, uint16_t sw, uint16_t vlan, uint32_t ip);
/* Replaces a cluster's configured members. */
int vs_nlb_table_set_members(struct vs_nlb_table *t, uint16_t sw, uint16_t vlan, uint32_t ip,
			     const struct vs_nlb_portset *members);
/* The slot of a cluster, or -ENOENT. */
int vs_nlb_table_find(const struct vs_nlb_table *t, uint16_t sw, uint16_t vlan, uint32_t ip);
/* A cluster's configuration and its current IGMP members, by slot. */
int vs_nlb_table_get(const struct vs_nlb_table *t, unsigned int slot,
		     struct vs_nlb_cluster_conf *conf, struct vs_nlb_portset *igmp_members);
/* A port went away: out of every cluster; a switch went away: its
 * clusters too.  True if anything changed. */
bool vs_nlb_table_port_gone(struct vs_nlb_table *t, unsigned int port);
bool vs_nlb_table_switch_gone(struct vs_nlb_table *t, uint16_t sw);

/* IGMP snooping.  now_ms: the control thread's monotonic clock.  A report
 * keeps a port a member for the group membership interval; a leave
 * removes it at once (a VM port has one host behind it); a query for the
 * group (or a general one) shortens every member's time to the query's
 * maximum response time times the robustness, so silent members go.  Each
 * returns true if a member set changed. */
bool vs_nlb_igmp_join(struct vs_nlb_table *t, uint16_t sw, uint16_t vlan, uint32_t group,
		      unsigned int port, uint64_t now_ms);
bool vs_nlb_igmp_leave(struct vs_nlb_table *t, uint16_t sw, uint16_t vlan, uint32_t group,
		       unsigned int port);
/* group 0: a general query. */
bool vs_nlb_igmp_query(struct vs_nlb_table *t, uint16_t sw, uint16_t vlan, uint32_t group,
		       uint32_t max_resp_ms, uint8_t robustness, uint32_t query_interval_s,
		       uint64_t now_ms);
bool vs_nlb_igmp_expire(struct vs_nlb_table *t, uint64_t now_ms);

/* Builds the workers' view of the table. */
void vs_nlb_view_build(const struct vs_nlb_table *t, struct vs_nlb_view *v);

/* ---- the view (workers) ---- */

const struct vs_nlb_entry *vs_nlb_view_by_mac(const struct vs_nlb_view *v, uint16_t sw,
					       uint16_t vlan, const uint8_t mac[6]);
const struct vs_nlb_entry *vs_nlb_view_by_ip(const struct vs_nlb_view *v, uint16_t sw,
					      uint16_t vlan, uint32_t ip);

/* ---- IGMP parsing (workers) ---- */

#define VS_NLB_IGMP_MAX_GROUPS 32

enum vs_nlb_igmp_kind { VS_IGMP_QUERY, VS_IGMP_REPORT };

struct vs_nlb_igmp {
	enum vs_nlb_igmp_kind kind;
	uint8_t version;            /* 1, 2 or 3 */
	/* query */
	uint32_t group;             /* 0: general query */
	uint32_t max_resp_ms;
	uint8_t robustness;         /* QRV; 2 when absent */
	uint32_t query_interval_s;  /* QQI; 125 when absent */
	/* report: each group joined or left */
	uint16_t n;
	uint16_t truncated;         /* records beyond VS_NLB_IGMP_MAX_GROUPS */
	struct {
		uint32_t group;
		bool join;
	} g[VS_NLB_IGMP_MAX_GROUPS];
};

enum vs_nlb_igmp_error {
	VS_IGMP_OK = 0,
	VS_IGMP_NOT_IGMP,     /* not IPv4 protocol 2 (nothing to snoop) */
	VS_IGMP_BAD_IP,       /* IPv4 header malformed or fragment */
	VS_IGMP_SHORT,        /* message shorter than its type needs */
	VS_IGMP_BAD_CSUM,
	VS_IGMP_BAD_TYPE,     /* type a host must not send, or unknown */
	VS_IGMP_BAD_GROUP,    /* report for a group that is not multicast */
};

/* Parses the IPv4 packet at ip (len bytes available).  Records of a v3
 * report become joins and leaves (EXCLUDE modes and sources allowed:
 * join; INCLUDE with no source: leave; BLOCK: no change). */
enum vs_nlb_igmp_error vs_nlb_igmp_parse(const uint8_t *ip, uint32_t len,
					 struct vs_nlb_igmp *out);

#endif
