/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cluster table (control thread) and the view workers read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nlb.h"

/* RFC 3376 §8: robustness 2, query interval 125 s, response 10 s. */
#define GMI_DEFAULT_MS ((2u * 125u + 10u) * 1000u)

struct vs_nlb_slot {
	bool used;
	struct vs_nlb_cluster_conf c;
	uint8_t mac[6];
	struct vs_nlb_portset igmp;           /* ports whose VMs reported */
	uint64_t expiry_ms[VS_NLB_MAX_PORTS]; /* igmp: when each report runs out */
	/* The group membership interval, from the last query seen in this
	 * cluster's switch and VLAN: another segment's querier has no say. */
	uint32_t gmi_ms;
};

struct vs_nlb_table {
	struct vs_nlb_slot s[VS_NLB_MAX_CLUSTERS];
};

void
vs_nlb_cluster_mac(uint32_t ip, enum vs_nlb_mode mode, uint8_t mac[6])
{
	if (mode == VS_NLB_IGMP) {
		mac[0] = 0x01;
		mac[1] = 0x00;
		mac[2] = 0x5e;
		mac[3] = 0x7f;
		mac[4] = (uint8_t)(ip >> 8);
		mac[5] = (uint8_t)ip;
		return;
	}
	mac[0] = mode == VS_NLB_UNICAST ? 0x02 : 0x03;
	mac[1] = 0xbf;
	mac[2] = (uint8_t)(ip >> 24);
	mac[3] = (uint8_t)(ip >> 16);
	mac[4] = (uint8_t)(ip >> 8);
	mac[5] = (uint8_t)ip;
}

uint32_t
vs_nlb_igmp_group(uint32_t ip)
{
	return (239u << 24) | (255u << 16) | (ip & 0xffff);
}

bool
vs_nlb_src_is_masked(uint32_t ip, const uint8_t mac[6])
{
	/* NLB hosts have priorities 1..32 and put theirs in byte 1. */
	return mac[0] == 0x02 && mac[1] >= 1 && mac[1] <= 32 && mac[2] == (uint8_t)(ip >> 24) &&
	       mac[3] == (uint8_t)(ip >> 16) && mac[4] == (uint8_t)(ip >> 8) &&
	       mac[5] == (uint8_t)ip;
}

static const char *const mode_names[] = {
	[VS_NLB_UNICAST] = "unicast",
	[VS_NLB_MULTICAST] = "multicast",
	[VS_NLB_IGMP] = "igmp",
};

const char *
vs_nlb_mode_name(enum vs_nlb_mode mode)
{
	return (unsigned int)mode < 3 ? mode_names[mode] : "?";
}

int
vs_nlb_mode_parse(const char *s, enum vs_nlb_mode *out)
{
	for (unsigned int i = 0; i < 3; i++)
		if (strcasecmp(s, mode_names[i]) == 0) {
			*out = (enum vs_nlb_mode)i;
			return 0;
		}
	return -EINVAL;
}

unsigned int
vs_nlb_portset_count(const struct vs_nlb_portset *s)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < VS_NLB_MAX_PORTS / 64; i++)
		n += (unsigned int)__builtin_popcountll(s->w[i]);
	return n;
}

struct vs_nlb_table *
vs_nlb_table_create(void)
{
	return calloc(1, sizeof(struct vs_nlb_table));
}

void
vs_nlb_table_destroy(struct vs_nlb_table *t)
{
	free(t);
}

int
vs_nlb_table_find(const struct vs_nlb_table *t, uint16_t sw, uint16_t vlan, uint32_t ip)
{
	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++) {
		const struct vs_nlb_slot *s = &t->s[i];

		if (s->used && s->c.sw == sw && s->c.vlan == vlan && s->c.ip == ip)
			return (int)i;
	}
	return -ENOENT;
}

static bool
ip_can_be_cluster(uint32_t ip)
{
	uint8_t a = (uint8_t)(ip >> 24);

	return ip != 0 && ip != UINT32_MAX && a != 0 && a != 127 && a < 224;
}

int
vs_nlb_table_add(struct vs_nlb_table *t, const struct vs_nlb_cluster_conf *c)
{
	uint8_t mac[6];
	int free_slot = -1;

	if (!ip_can_be_cluster(c->ip) || (unsigned int)c->mode > VS_NLB_IGMP || c->vlan == 0 ||
	    c->vlan > 4094)
		return -EINVAL;
	vs_nlb_cluster_mac(c->ip, c->mode, mac);
	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++) {
		const struct vs_nlb_slot *s = &t->s[i];

		if (!s->used) {
			if (free_slot < 0)
				free_slot = (int)i;
			continue;
		}
		/* Two IGMP clusters whose IPs end alike share a MAC: the
		 * switch could not tell their frames apart. */
		if (s->c.sw == c->sw && s->c.vlan == c->vlan &&
		    (s->c.ip == c->ip || memcmp(s->mac, mac, 6) == 0))
			return -EEXIST;
	}
	if (free_slot < 0)
		return -ENOSPC;
	memset(&t->s[free_slot], 0, sizeof(t->s[free_slot]));
	t->s[free_slot].used = true;
	t->s[free_slot].c = *c;
	t->s[free_slot].gmi_ms = GMI_DEFAULT_MS;
	memcpy(t->s[free_slot].mac, mac, 6);
	return 0;
}

int
vs_nlb_table_del(struct vs_nlb_table *t, uint16_t sw, uint16_t vlan, uint32_t ip)
{
	int i = vs_nlb_table_find(t, sw, vlan, ip);

	if (i < 0)
		return i;
	t->s[i].used = false;
	return 0;
}

int
vs_nlb_table_set_members(struct vs_nlb_table *t, uint16_t sw, uint16_t vlan, uint32_t ip,
			 const struct vs_nlb_portset *members)
{
	int i = vs_nlb_table_find(t, sw, vlan, ip);

	if (i < 0)
		return i;
	t->s[i].c.members = *members;
	return 0;
}

int
vs_nlb_table_get(const struct vs_nlb_table *t, unsigned int slot, struct vs_nlb_cluster_conf *conf,
		 struct vs_nlb_portset *igmp_members)
{
	if (slot >= VS_NLB_MAX_CLUSTERS || !t->s[slot].used)
		return -ENOENT;
	if (conf != NULL)
		*conf = t->s[slot].c;
	if (igmp_members != NULL)
		*igmp_members = t->s[slot].igmp;
	return 0;
}

bool
vs_nlb_table_port_gone(struct vs_nlb_table *t, unsigned int port)
{
	bool changed = false;

	if (port >= VS_NLB_MAX_PORTS)
		return false;
	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++) {
		struct vs_nlb_slot *s = &t->s[i];

		if (!s->used)
			continue;
		if (vs_nlb_portset_has(&s->c.members, port) || vs_nlb_portset_has(&s->igmp, port))
			changed = true;
		vs_nlb_portset_del(&s->c.members, port);
		vs_nlb_portset_del(&s->igmp, port);
		s->expiry_ms[port] = 0;
	}
	return changed;
}

bool
vs_nlb_table_switch_gone(struct vs_nlb_table *t, uint16_t sw)
{
	bool changed = false;

	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++)
		if (t->s[i].used && t->s[i].c.sw == sw) {
			t->s[i].used = false;
			changed = true;
		}
	return changed;
}

/* The IGMP-mode cluster of a group, or NULL. */
static struct vs_nlb_slot *
igmp_slot(struct vs_nlb_table *t, uint16_t sw, uint16_t vlan, uint32_t group)
{
	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++) {
		struct vs_nlb_slot *s = &t->s[i];

		if (s->used && s->c.mode == VS_NLB_IGMP && s->c.sw == sw && s->c.vlan == vlan &&
		    vs_nlb_igmp_group(s->c.ip) == group)
			return s;
	}
	return NULL;
}

bool
vs_nlb_igmp_join(struct vs_nlb_table *t, uint16_t sw, uint16_t vlan, uint32_t group,
		 unsigned int port, uint64_t now_ms)
{
	struct vs_nlb_slot *s = igmp_slot(t, sw, vlan, group);
	bool was;

	if (s == NULL || port >= VS_NLB_MAX_PORTS)
		return false;
	was = vs_nlb_portset_has(&s->igmp, port);
	vs_nlb_portset_add(&s->igmp, port);
	s->expiry_ms[port] = now_ms + s->gmi_ms;
	return !was;
}

bool
vs_nlb_igmp_leave(struct vs_nlb_table *t, uint16_t sw, uint16_t vlan, uint32_t group,
		  unsigned int port)
{
	struct vs_nlb_slot *s = igmp_slot(t, sw, vlan, group);

	if (s == NULL || port >= VS_NLB_MAX_PORTS || !vs_nlb_portset_has(&s->igmp, port))
		return false;
	vs_nlb_portset_del(&s->igmp, port);
	s->expiry_ms[port] = 0;
	return true;
}

bool
vs_nlb_igmp_query(struct vs_nlb_table *t, uint16_t sw, uint16_t vlan, uint32_t group,
		  uint32_t max_resp_ms, uint8_t robustness, uint32_t query_interval_s,
		  uint64_t now_ms)
{
	uint64_t deadline;
	uint32_t gmi;

	if (robustness == 0)
		robustness = 2;
	if (query_interval_s == 0)
		query_interval_s = 125;
	/* The querier's own timers (RFC 3376 §8.4) make the interval of its
	 * segment: this switch and VLAN. */
	gmi = robustness * query_interval_s * 1000u + max_resp_ms;
	deadline = now_ms + (uint64_t)robustness * max_resp_ms;
	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++) {
		struct vs_nlb_slot *s = &t->s[i];

		if (!s->used || s->c.mode != VS_NLB_IGMP || s->c.sw != sw || s->c.vlan != vlan)
			continue;
		s->gmi_ms = gmi;
		if (group != 0 && vs_nlb_igmp_group(s->c.ip) != group)
			continue;
		for (unsigned int p = 0; p < VS_NLB_MAX_PORTS; p++)
			if (vs_nlb_portset_has(&s->igmp, p) && s->expiry_ms[p] > deadline)
				s->expiry_ms[p] = deadline;
	}
	return false; /* members go when they fail to answer, in expire */
}

bool
vs_nlb_igmp_expire(struct vs_nlb_table *t, uint64_t now_ms)
{
	bool changed = false;

	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++) {
		struct vs_nlb_slot *s = &t->s[i];

		if (!s->used || s->c.mode != VS_NLB_IGMP)
			continue;
		for (unsigned int p = 0; p < VS_NLB_MAX_PORTS; p++)
			if (vs_nlb_portset_has(&s->igmp, p) && s->expiry_ms[p] <= now_ms) {
				vs_nlb_portset_del(&s->igmp, p);
				s->expiry_ms[p] = 0;
				changed = true;
			}
	}
	return changed;
}

void
vs_nlb_view_build(const struct vs_nlb_table *t, struct vs_nlb_view *v)
{
	v->n = 0;
	for (unsigned int i = 0; i < VS_NLB_MAX_CLUSTERS; i++) {
		const struct vs_nlb_slot *s = &t->s[i];
		struct vs_nlb_entry *e;

		if (!s->used)
			continue;
		e = &v->e[v->n++];
		memset(e, 0, sizeof(*e));
		e->sw = s->c.sw;
		e->vlan = s->c.vlan;
		memcpy(e->mac, s->mac, 6);
		e->mode = (uint8_t)s->c.mode;
		e->local_only = s->c.local_only;
		e->id = (uint16_t)i;
		e->ip = s->c.ip;
		for (unsigned int w = 0; w < VS_NLB_MAX_PORTS / 64; w++)
			e->members.w[w] = s->c.members.w[w] |
					  (s->c.mode == VS_NLB_IGMP ? s->igmp.w[w] : 0);
	}
}

const struct vs_nlb_entry *
vs_nlb_view_by_mac(const struct vs_nlb_view *v, uint16_t sw, uint16_t vlan, const uint8_t mac[6])
{
	for (unsigned int i = 0; i < v->n; i++) {
		const struct vs_nlb_entry *e = &v->e[i];

		if (e->sw == sw && e->vlan == vlan && memcmp(e->mac, mac, 6) == 0)
			return e;
	}
	return NULL;
}

const struct vs_nlb_entry *
vs_nlb_view_by_ip(const struct vs_nlb_view *v, uint16_t sw, uint16_t vlan, uint32_t ip)
{
	for (unsigned int i = 0; i < v->n; i++) {
		const struct vs_nlb_entry *e = &v->e[i];

		if (e->sw == sw && e->vlan == vlan && e->ip == ip)
			return e;
	}
	return NULL;
}
