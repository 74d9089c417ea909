/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NLB clusters on the control side: configuration checked against the
 * switches and ports, the cluster table of nlb/ kept, IGMP snooped by the
 * workers applied, and the result published with the next snapshot.
 * Nothing here runs per packet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp_priv.h"

#define VS_NLB_EVENTS 1024u /* snooped IGMP messages waiting for the control thread */

_Static_assert(VS_NLB_MAX_PORTS >= VS_MAX_PORTS, "nlb port sets must hold every port");

int
vs_dp_nlb_init(struct vs_dp *dp, char *err, size_t errlen)
{
	static unsigned int seq;
	char name[RTE_RING_NAMESIZE];

	dp->nlb = vs_nlb_table_create();
	snprintf(name, sizeof(name), "vs_nlb_ev%u", ++seq);
	/* Several workers snoop; only the control thread reads. */
	dp->nlb_events = rte_ring_create_elem(name, sizeof(struct vs_nlb_event), VS_NLB_EVENTS,
					      (int)rte_socket_id(), RING_F_SC_DEQ);
	if (dp->nlb == NULL || dp->nlb_events == NULL) {
		snprintf(err, errlen, "cannot create the NLB cluster table: %s",
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

void
vs_dp_nlb_fini(struct vs_dp *dp)
{
	vs_nlb_table_destroy(dp->nlb);
	rte_ring_free(dp->nlb_events);
	dp->nlb = NULL;
	dp->nlb_events = NULL;
}

static void
ip_str(uint32_t ip, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff,
		 ip & 0xff);
}

/* Resolves a cluster's configuration into the table's terms. */
static int
vs_dp_nlb_resolve(const struct vs_dp *dp, const struct vs_nlb_conf *c,
		  struct vs_nlb_cluster_conf *out, char *err, size_t errlen)
{
	int sw = vs_dp_switch_index(dp, c->switch_name);
	char masked[32];

	memset(out, 0, sizeof(*out));
	snprintf(masked, sizeof(masked), "02-<priority>-%02X-%02X-%02X-%02X", c->ip >> 24,
		 (c->ip >> 16) & 0xff, (c->ip >> 8) & 0xff, c->ip & 0xff);
	if (sw < 0) {
		snprintf(err, errlen, "switch: no switch named '%s'", c->switch_name);
		return -ENOENT;
	}
	if (c->vlan < 1 || c->vlan > VS_VLAN_MAX) {
		snprintf(err, errlen, "vlan: %u is outside 1-%u", c->vlan, VS_VLAN_MAX);
		return -EINVAL;
	}
	if ((unsigned int)c->mode > VS_NLB_IGMP) {
		snprintf(err, errlen, "mode: not unicast, multicast or igmp");
		return -EINVAL;
	}
	if (c->n_members > VS_NLB_MAX_MEMBERS) {
		snprintf(err, errlen, "members: %u, more than NLB's %u hosts", c->n_members,
			 VS_NLB_MAX_MEMBERS);
		return -EINVAL;
	}
	/* No members is allowed here: a cluster whose last member port was
	 * deleted is saved and loaded that way (nlb.add asks for members). */
	out->sw = (uint16_t)sw;
	out->vlan = c->vlan;
	out->ip = c->ip;
	out->mode = c->mode;
	out->local_only = c->local_only;
	for (unsigned int i = 0; i < c->n_members; i++) {
		int p = vs_dp_port_index(dp, c->members[i]);
		const struct vs_port_conf *pc;

		if (p < 0 || dp->ports[p].sw != sw) {
			snprintf(err, errlen, "members[%u]: no port '%s' on switch %s", i,
				 c->members[i], c->switch_name);
			return -ENOENT;
		}
		pc = &dp->ports[p].conf;
		if (vs_dp_port_is_auto(dp, (unsigned int)p)) {
			snprintf(err, errlen,
				 "members[%u]: %s is the switch's %s, not a VM (the uplink gets "
				 "cluster frames unless the cluster is local-only)",
				 i, c->members[i], pc->kind == VS_PORT_HOST ? "host vNIC" : "uplink");
			return -EINVAL;
		}
		if (vs_nlb_portset_has(&out->members, (unsigned int)p)) {
			snprintf(err, errlen, "members[%u]: %s is named twice", i, c->members[i]);
			return -EINVAL;
		}
		if (c->mode == VS_NLB_UNICAST && !pc->mac_spoofing) {
			snprintf(err, errlen,
				 "members[%u]: port %s has MAC spoofing off; NLB unicast members send "
				 "with the cluster's masked source MAC (%s), so turn it on first: "
				 "vswitchctl port set %s --mac-spoofing on",
				 i, c->members[i], masked, c->members[i]);
			return -EBUSY;
		}
		vs_nlb_portset_add(&out->members, (unsigned int)p);
	}
	return 0;
}

static int
vs_dp_nlb_table_error(int rc, const struct vs_nlb_conf *c, char *err, size_t errlen)
{
	char ip[16];

	ip_str(c->ip, ip, sizeof(ip));
	if (rc == -EEXIST)
		snprintf(err, errlen,
			 "ip: switch %s VLAN %u already has cluster %s, or one with the same MAC "
			 "(IGMP clusters whose IPs end in the same two bytes share 01-00-5E-7F-y-z)",
			 c->switch_name, c->vlan, ip);
	else if (rc == -ENOSPC)
		snprintf(err, errlen, "ip: the datapath holds %u clusters already",
			 VS_NLB_MAX_CLUSTERS);
	else
		snprintf(err, errlen, "ip: %s cannot be a cluster address (unicast IPv4 only)", ip);
	return rc;
}

int
vs_dp_nlb_add_check(const struct vs_dp *dp, const struct vs_nlb_conf *c, char *err,
		    size_t errlen)
{
	struct vs_nlb_cluster_conf tc;
	struct vs_nlb_table *t;
	int rc = vs_dp_nlb_resolve(dp, c, &tc, err, errlen);

	if (rc != 0)
		return rc;
	/* The table decides what collides: ask a copy. */
	t = vs_nlb_table_create();
	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++) {
		struct vs_nlb_cluster_conf o;

		if (vs_nlb_table_get(dp->nlb, i, &o, NULL) == 0)
			(void)vs_nlb_table_add(t, &o);
	}
	rc = vs_nlb_table_add(t, &tc);
	vs_nlb_table_destroy(t);
	return rc == 0 ? 0 : vs_dp_nlb_table_error(rc, c, err, errlen);
}

static void
vs_dp_nlb_sum(const struct vs_dp *dp, unsigned int slot, struct vs_worker_nlb_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int w = 0; w < dp->n_workers; w++) {
		out->delivered += __atomic_load_n(&dp->workers[w]->nlb[slot].delivered,
						  __ATOMIC_RELAXED);
		out->heartbeats += __atomic_load_n(&dp->workers[w]->nlb[slot].heartbeats,
						   __ATOMIC_RELAXED);
	}
}

void
vs_dp_nlb_stats_clear(struct vs_dp *dp)
{
	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++)
		vs_dp_nlb_sum(dp, i, &dp->nlb_base[i]);
	memset(dp->nlb_igmp, 0, sizeof(dp->nlb_igmp));
}

int
vs_dp_nlb_add(struct vs_dp *dp, const struct vs_nlb_conf *c, char *err, size_t errlen)
{
	struct vs_nlb_cluster_conf tc;
	int rc = vs_dp_nlb_resolve(dp, c, &tc, err, errlen), slot;

	if (rc != 0)
		return rc;
	rc = vs_nlb_table_add(dp->nlb, &tc);
	if (rc != 0)
		return vs_dp_nlb_table_error(rc, c, err, errlen);
	slot = vs_nlb_table_find(dp->nlb, tc.sw, tc.vlan, tc.ip);
	/* A reused slot's counters start from what its last cluster left. */
	vs_dp_nlb_sum(dp, (unsigned int)slot, &dp->nlb_base[slot]);
	memset(dp->nlb_igmp[slot], 0, sizeof(dp->nlb_igmp[slot]));
	rc = vs_dp_publish(dp);
	if (rc != 0) {
		vs_nlb_table_del(dp->nlb, tc.sw, tc.vlan, tc.ip);
		snprintf(err, errlen, "out of memory publishing the configuration");
	}
	return rc;
}

int
vs_dp_nlb_del(struct vs_dp *dp, const char *switch_name, uint16_t vlan, uint32_t ip, char *err,
	      size_t errlen)
{
	int sw = vs_dp_switch_index(dp, switch_name);
	char ips[16];

	ip_str(ip, ips, sizeof(ips));
	if (sw < 0) {
		snprintf(err, errlen, "switch: no switch named '%s'", switch_name);
		return -ENOENT;
	}
	if (vs_nlb_table_del(dp->nlb, (uint16_t)sw, vlan, ip) != 0) {
		snprintf(err, errlen, "ip: switch %s has no cluster %s in VLAN %u", switch_name, ips,
			 vlan);
		return -ENOENT;
	}
	return vs_dp_publish(dp);
}

void
vs_dp_nlb_walk(const struct vs_dp *dp, vs_nlb_walk_fn fn, void *arg)
{
	struct vs_nlb_info *info = malloc(sizeof(*info));
	unsigned int order[VS_NLB_MAX_CLUSTERS], n = 0;
	struct vs_nlb_cluster_conf cc[VS_NLB_MAX_CLUSTERS];

	if (info == NULL)
		return;
	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++)
		if (vs_nlb_table_get(dp->nlb, i, &cc[i], NULL) == 0)
			order[n++] = i;
	/* By switch, VLAN and IP: a stable order for lists and the saved file. */
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j > 0; j--) {
			const struct vs_nlb_cluster_conf *a = &cc[order[j - 1]], *b = &cc[order[j]];
			unsigned int t;

			if (a->sw < b->sw || (a->sw == b->sw && (a->vlan < b->vlan ||
								 (a->vlan == b->vlan &&
								  a->ip <= b->ip))))
				break;
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (unsigned int k = 0; k < n; k++) {
		unsigned int slot = order[k];
		const struct vs_nlb_cluster_conf *c = &cc[slot];
		struct vs_nlb_portset igmp;
		struct vs_worker_nlb_stats now;

		memset(info, 0, sizeof(*info));
		(void)vs_nlb_table_get(dp->nlb, slot, NULL, &igmp);
		snprintf(info->conf.switch_name, sizeof(info->conf.switch_name), "%s",
			 dp->switches[c->sw].conf.name);
		info->conf.vlan = c->vlan;
		info->conf.ip = c->ip;
		info->conf.mode = c->mode;
		info->conf.local_only = c->local_only;
		vs_nlb_cluster_mac(c->ip, c->mode, info->mac);
		for (unsigned int p = 0; p < VS_MAX_PORTS; p++) {
			bool conf = vs_nlb_portset_has(&c->members, p);
			bool rep = vs_nlb_portset_has(&igmp, p);
			struct vs_nlb_member_info *m;

			if ((!conf && !rep) || !dp->ports[p].in_use)
				continue;
			if (conf && info->conf.n_members < VS_NLB_MAX_MEMBERS)
				snprintf(info->conf.members[info->conf.n_members++], VS_NAME_MAX,
					 "%s", dp->ports[p].conf.name);
			m = &info->member[info->n_members++];
			snprintf(m->name, sizeof(m->name), "%s", dp->ports[p].conf.name);
			m->configured = conf;
			m->igmp = rep;
			m->up = dp->snap->ports[p].up;
		}
		vs_dp_nlb_sum(dp, slot, &now);
		info->delivered = now.delivered - dp->nlb_base[slot].delivered;
		info->heartbeats = now.heartbeats - dp->nlb_base[slot].heartbeats;
		info->igmp_joins = dp->nlb_igmp[slot][0];
		info->igmp_leaves = dp->nlb_igmp[slot][1];
		info->igmp_expired = dp->nlb_igmp[slot][2];
		fn(info, arg);
	}
	free(info);
}

void
vs_dp_nlb_port_gone(struct vs_dp *dp, unsigned int idx)
{
	(void)vs_nlb_table_port_gone(dp->nlb, idx);
}

void
vs_dp_nlb_switch_gone(struct vs_dp *dp, uint16_t sw)
{
	(void)vs_nlb_table_switch_gone(dp->nlb, sw);
}

int
vs_dp_nlb_spoofing_check(const struct vs_dp *dp, unsigned int idx, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++) {
		struct vs_nlb_cluster_conf c;
		char ip[16];

		if (vs_nlb_table_get(dp->nlb, i, &c, NULL) != 0 || c.mode != VS_NLB_UNICAST ||
		    !vs_nlb_portset_has(&c.members, idx))
			continue;
		ip_str(c.ip, ip, sizeof(ip));
		snprintf(err, errlen,
			 "mac_spoofing: port %s is a member of NLB unicast cluster %s (VLAN %u), "
			 "whose members send with a masked source MAC; remove it from the cluster "
			 "first",
			 dp->ports[idx].conf.name, ip, c.vlan);
		return -EBUSY;
	}
	return 0;
}

/* The slot of the IGMP cluster a group belongs to, for the counters. */
static int
igmp_slot_of(const struct vs_dp *dp, uint16_t sw, uint16_t vlan, uint32_t group)
{
	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++) {
		struct vs_nlb_cluster_conf c;

		if (vs_nlb_table_get(dp->nlb, i, &c, NULL) == 0 && c.mode == VS_NLB_IGMP &&
		    c.sw == sw && c.vlan == vlan && vs_nlb_igmp_group(c.ip) == group)
			return (int)i;
	}
	return -1;
}

bool
vs_dp_nlb_tick(struct vs_dp *dp)
{
	struct vs_nlb_event ev[64];
	uint64_t now_ms = vs_dp_now(dp) / 1000000u;
	unsigned int n;
	bool changed = false;

	while ((n = rte_ring_dequeue_burst_elem(dp->nlb_events, ev, sizeof(ev[0]), RTE_DIM(ev),
						NULL)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			const struct vs_nlb_event *e = &ev[i];
			int slot = igmp_slot_of(dp, e->sw, e->vlan, e->group);

			/* A port deleted since the worker saw its report
			 * must not come back as a member. */
			if (e->kind != VS_NLB_EV_QUERY &&
			    (e->port >= VS_MAX_PORTS || !dp->ports[e->port].in_use ||
			     dp->ports[e->port].sw != e->sw))
				continue;
			if (e->kind == VS_NLB_EV_JOIN &&
			    vs_nlb_igmp_join(dp->nlb, e->sw, e->vlan, e->group, e->port, now_ms)) {
				changed = true;
				dp->nlb_igmp[slot][0]++;
			} else if (e->kind == VS_NLB_EV_LEAVE &&
				   vs_nlb_igmp_leave(dp->nlb, e->sw, e->vlan, e->group, e->port)) {
				changed = true;
				dp->nlb_igmp[slot][1]++;
			} else if (e->kind == VS_NLB_EV_QUERY) {
				vs_nlb_igmp_query(dp->nlb, e->sw, e->vlan, e->group, e->max_resp_ms,
						  e->robustness, e->query_interval_s, now_ms);
			}
		}
	}
	if (now_ms - dp->nlb_last_expire_ms >= 100 || now_ms < dp->nlb_last_expire_ms) {
		struct vs_nlb_portset before[VS_NLB_MAX_CLUSTERS];

		dp->nlb_last_expire_ms = now_ms;
		for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++)
			if (vs_nlb_table_get(dp->nlb, i, NULL, &before[i]) != 0)
				memset(&before[i], 0, sizeof(before[i]));
		if (vs_nlb_igmp_expire(dp->nlb, now_ms)) {
			changed = true;
			for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++) {
				struct vs_nlb_portset after;

				if (vs_nlb_table_get(dp->nlb, i, NULL, &after) == 0)
					dp->nlb_igmp[i][2] += vs_nlb_portset_count(&before[i]) -
							      vs_nlb_portset_count(&after);
			}
		}
	}
	if (changed)
		(void)vs_dp_publish(dp);
	return changed;
}
