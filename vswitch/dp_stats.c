/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading the datapath: names, counters, the MAC table as the control plane
 * sees it.  Counters are per worker with a single writer each; readers sum
 * them, and "clear" keeps a baseline instead of writing worker memory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dp_priv.h"

const char *
vs_drop_reason_name(enum vs_drop_reason r)
{
	static const char *const names[] = {
#define VS_DROP_NAME(id, name) [VS_DROP_##id] = name,
		VS_DROP_REASONS(VS_DROP_NAME)
#undef VS_DROP_NAME
	};
	return (unsigned int)r < VS_DROP_MAX ? names[r] : "?";
}

const char *
vs_switch_type_name(enum vs_switch_type t)
{
	switch (t) {
	case VS_SWITCH_PRIVATE:
		return "private";
	case VS_SWITCH_INTERNAL:
		return "internal";
	case VS_SWITCH_EXTERNAL:
		return "external";
	}
	return "?";
}

int
vs_switch_type_parse(const char *s, enum vs_switch_type *out)
{
	if (strcmp(s, "private") == 0)
		*out = VS_SWITCH_PRIVATE;
	else if (strcmp(s, "internal") == 0)
		*out = VS_SWITCH_INTERNAL;
	else if (strcmp(s, "external") == 0)
		*out = VS_SWITCH_EXTERNAL;
	else
		return -EINVAL;
	return 0;
}

static void
vs_port_stats_sum(const struct vs_dp *dp, unsigned int idx, struct vs_port_stats *out)
{
	unsigned int w, r;

	memset(out, 0, sizeof(*out));
	for (w = 0; w < dp->n_workers; w++) {
		const struct vs_port_stats *s = &dp->workers[w]->stats[idx];

		out->rx_packets += s->rx_packets;
		out->rx_bytes += s->rx_bytes;
		out->tx_packets += s->tx_packets;
		out->tx_bytes += s->tx_bytes;
		out->fwd_unicast += s->fwd_unicast;
		out->fwd_flood += s->fwd_flood;
		for (r = 0; r < VS_DROP_MAX; r++)
			out->drops[r] += s->drops[r];
	}
}

int
vs_dp_port_stats(const struct vs_dp *dp, unsigned int idx, struct vs_port_stats *out)
{
	const struct vs_port_stats *b;
	unsigned int r;

	memset(out, 0, sizeof(*out));
	if (idx >= VS_MAX_PORTS || !dp->ports[idx].in_use)
		return -ENOENT;
	vs_port_stats_sum(dp, idx, out);
	b = &dp->port_base[idx];
	out->rx_packets -= b->rx_packets;
	out->rx_bytes -= b->rx_bytes;
	out->tx_packets -= b->tx_packets;
	out->tx_bytes -= b->tx_bytes;
	out->fwd_unicast -= b->fwd_unicast;
	out->fwd_flood -= b->fwd_flood;
	for (r = 0; r < VS_DROP_MAX; r++)
		out->drops[r] -= b->drops[r];
	return 0;
}

static void
vs_offload_stats_sum(const struct vs_dp *dp, struct vs_offload_stats *out)
{
	unsigned int w, c;

	memset(out, 0, sizeof(*out));
	for (w = 0; w < dp->n_workers; w++)
		for (c = 0; c < VS_OFFLOAD_C_MAX; c++)
			out->c[c] += dp->workers[w]->offload.stats.c[c];
}

void
vs_dp_offload_stats(const struct vs_dp *dp, struct vs_offload_stats *out)
{
	unsigned int c;

	vs_offload_stats_sum(dp, out);
	for (c = 0; c < VS_OFFLOAD_C_MAX; c++)
		out->c[c] -= dp->offload_base.c[c];
}

void
vs_dp_stats_clear(struct vs_dp *dp)
{
	struct vs_fdb_stats f;
	unsigned int i;

	vs_offload_stats_sum(dp, &dp->offload_base);
	for (i = 0; i < VS_MAX_PORTS; i++)
		if (dp->ports[i].in_use)
			vs_port_stats_sum(dp, i, &dp->port_base[i]);
	memset(&dp->fdb_base, 0, sizeof(dp->fdb_base));
	vs_dp_fdb_stats(dp, &f);
	dp->fdb_base = f;
	for (i = 0; i < dp->n_workers; i++) {
		const struct vs_worker *w = dp->workers[i];

		dp->worker_base[i] = (struct vs_worker_stats){
			.loops = w->loops,
			.busy_loops = w->busy_loops,
			.packets = w->packets,
			.cycles = w->cycles,
			.busy_cycles = w->busy_cycles,
			.vmq_handoff = w->vmq_handoff,
			.vmq_rx = w->vmq_rx,
			.tx_handoff = w->tx_handoff,
		};
	}
	vs_dp_nlb_stats_clear(dp);
}

unsigned int
vs_dp_worker_count(const struct vs_dp *dp)
{
	return dp->conf.n_workers;
}

int
vs_dp_worker_stats(const struct vs_dp *dp, unsigned int idx, struct vs_worker_stats *out)
{
	const struct vs_snapshot *snap = vs_dp_snapshot(dp);
	const struct vs_worker *w;
	const struct vs_worker_stats *b;

	memset(out, 0, sizeof(*out));
	if (idx >= dp->n_workers)
		return -ENOENT;
	w = dp->workers[idx];
	b = &dp->worker_base[idx];
	out->lcore = w->lcore;
	out->n_rxq = snap->n_rx[idx];
	out->loops = w->loops - b->loops;
	out->busy_loops = w->busy_loops - b->busy_loops;
	out->packets = w->packets - b->packets;
	out->cycles = w->cycles - b->cycles;
	out->busy_cycles = w->busy_cycles - b->busy_cycles;
	out->vmq_handoff = w->vmq_handoff - b->vmq_handoff;
	out->vmq_rx = w->vmq_rx - b->vmq_rx;
	out->tx_handoff = w->tx_handoff - b->tx_handoff;
	return 0;
}

void
vs_dp_fdb_stats(const struct vs_dp *dp, struct vs_fdb_stats *out)
{
	unsigned int w;

	memset(out, 0, sizeof(*out));
	for (w = 0; w < dp->n_workers; w++) {
		out->learned += dp->workers[w]->fdb.learned;
		out->moved += dp->workers[w]->fdb.moved;
		out->overflow += dp->workers[w]->fdb.overflow;
		out->static_held += dp->workers[w]->fdb.static_held;
	}
	out->aged = dp->fdb.aged;
	out->learned -= dp->fdb_base.learned;
	out->moved -= dp->fdb_base.moved;
	out->overflow -= dp->fdb_base.overflow;
	out->static_held -= dp->fdb_base.static_held;
	out->aged -= dp->fdb_base.aged;
	out->entries = vs_fdb_count(&dp->fdb);
	out->capacity = dp->fdb.capacity;
}

unsigned int
vs_dp_fdb_age(struct vs_dp *dp)
{
	return vs_fdb_age(&dp->fdb, vs_dp_now_s(dp));
}

static int
vs_dp_key_any(const struct vs_fdb_key *k, uint64_t v, void *arg)
{
	(void)k;
	(void)v;
	(void)arg;
	return 1;
}

unsigned int
vs_dp_fdb_flush(struct vs_dp *dp, int sw)
{
	uint16_t id = (uint16_t)sw;

	if (sw < 0)
		return vs_fdb_delete_if(&dp->fdb, vs_dp_key_any, NULL);
	return vs_fdb_delete_if(&dp->fdb, vs_dp_key_in_switch, &id);
}

struct vs_dp_walk_ctx {
	struct vs_dp *dp;
	vs_fdb_walk_fn fn;
	void *arg;
	uint32_t now_s;
};

static void
vs_dp_walk_one(const struct vs_fdb_key *k, uint64_t v, void *arg)
{
	struct vs_dp_walk_ctx *c = arg;
	const struct vs_port *p = &c->dp->ports[vs_fdb_value_port(v)];
	struct vs_fdb_entry_info e;

	/* Entries left by a deleted port are invisible: they are never
	 * followed and go at the next aging pass. */
	if (!p->in_use || p->gen != vs_fdb_value_gen(v) || k->sw >= VS_MAX_SWITCHES ||
	    !c->dp->switches[k->sw].in_use)
		return;
	memset(&e, 0, sizeof(e));
	snprintf(e.switch_name, sizeof(e.switch_name), "%s", c->dp->switches[k->sw].conf.name);
	snprintf(e.port_name, sizeof(e.port_name), "%s", p->conf.name);
	e.vlan = k->vlan;
	memcpy(e.mac, k->mac.addr_bytes, 6);
	e.is_static = vs_fdb_value_seen(v) == VS_FDB_STATIC;
	e.age_s = !e.is_static && c->now_s > vs_fdb_value_seen(v) ? c->now_s - vs_fdb_value_seen(v)
								  : 0;
	c->fn(&e, c->arg);
}

void
vs_dp_fdb_walk(struct vs_dp *dp, vs_fdb_walk_fn fn, void *arg)
{
	struct vs_dp_walk_ctx c = {dp, fn, arg, vs_dp_now_s(dp)};

	vs_fdb_walk(&dp->fdb, vs_dp_walk_one, &c);
}

