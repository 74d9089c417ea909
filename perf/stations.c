/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stations: which perf port or guest announces which of the workload's
 * destinations, so that the switch learns each one once, behind a port
 * that may own it (its VLAN policy), before a window opens.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "run_priv.h"

/* Whether a sink port with this VLAN policy can own the station, and the
 * tag its announcement carries (0: untagged). */
static bool
vs_perf_station_fits(const struct vs_vlan_policy *v, const struct vs_perf_station *st,
		     uint16_t *tag)
{
	*tag = 0;
	switch (v->mode) {
	case VS_VLAN_MODE_UNTAGGED:
		return true; /* one VLAN-unaware domain: tags are payload */
	case VS_VLAN_MODE_ACCESS:
		return st->vlan == v->access_vid;
	case VS_VLAN_MODE_TRUNK:
		if (st->vlan == 0 || st->vlan == v->native_vid)
			return v->native_vid != 0;
		*tag = st->vlan;
		return vs_vlan_allowed(v, st->vlan);
	}
	return false;
}

/* The port behind announcer k (a sink-side perf port or a receiving
 * guest), or NULL if k announces nothing. */
static const char *
vs_perf_announcer_port(const struct vs_perf_topo *t, unsigned int k)
{
	if (k < VS_PERF_TOPO_PORTS)
		return k < t->n_ports && t->ports[k].role != VS_PERF_REPLAY ? t->ports[k].name
									     : NULL;
	k -= VS_PERF_TOPO_PORTS;
	return k < t->n_guests && t->guests[k].role != VS_PERF_GUEST_REPLAY ? t->guests[k].port
									      : NULL;
}

/* Whether announcer k is a hostile guest. */
static bool
vs_perf_announcer_hostile(const struct vs_perf_topo *t, unsigned int k)
{
	return k >= VS_PERF_TOPO_PORTS && k - VS_PERF_TOPO_PORTS < t->n_guests &&
	       t->guests[k - VS_PERF_TOPO_PORTS].role == VS_PERF_GUEST_HOSTILE;
}

/* Deals the workload's destinations, switch by switch, to the announcers
 * there that can own them, in turn, from the datapath's view of each
 * port's VLAN policy: every switch learns every destination once.  A
 * hostile guest takes one destination in VS_PERF_HOSTILE_SHARE and no
 * other: the well-behaved VMs keep the same share whichever misdeed it
 * commits, and it still gets frames it may refuse to complete. */
int
vs_perf_stations_deal(struct vs_perf_bench *b, char *err, size_t errlen)
{
	const struct vs_perf_workload *w = b->w;
	static struct vs_vlan_policy pol[VS_PERF_ANNOUNCERS];
	int sw[VS_PERF_ANNOUNCERS];
	unsigned int k, j, turn, pass;
	uint32_t s;

	for (k = 0; k < VS_PERF_ANNOUNCERS; k++) {
		const char *port = vs_perf_announcer_port(b->t, k);
		struct vs_port_conf pc;
		int idx = port ? vs_dp_port_index(b->dp, port) : -1;

		sw[k] = -1;
		if (idx < 0 || vs_dp_port_conf(b->dp, (unsigned int)idx, &pc) != 0)
			continue;
		pol[k] = pc.vlan;
		sw[k] = vs_dp_switch_index(b->dp, pc.switch_name);
		b->ann[k].st = calloc(w->n_dsts ? w->n_dsts : 1, sizeof(*b->ann[k].st));
		if (b->ann[k].st == NULL) {
			snprintf(err, errlen, "out of memory for %u stations", w->n_dsts);
			return -ENOMEM;
		}
	}
	for (j = 0; j < VS_PERF_ANNOUNCERS; j++) {
		/* Each switch once: at its first announcer. */
		for (k = 0; k < j && (sw[j] < 0 || sw[k] != sw[j]); k++)
			;
		if (sw[j] < 0 || k < j)
			continue;
		turn = j;
		for (s = 0; s < w->n_dsts; s++) {
			bool placed = false;
			bool to_hostile = s % VS_PERF_HOSTILE_SHARE == VS_PERF_HOSTILE_SHARE - 1;

			/* Pass 0: a hostile guest's turn or the others'; 1: the
			 * others (no hostile guest fits); 2: anyone. */
			for (pass = 0; pass < 3 && !placed; pass++) {
				for (k = 0; k < VS_PERF_ANNOUNCERS && !placed; k++) {
					unsigned int a = (turn + k) % VS_PERF_ANNOUNCERS;
					bool h = vs_perf_announcer_hostile(b->t, a);
					uint16_t tag;

					if ((pass == 0 && h != to_hostile) || (pass == 1 && h) ||
					    sw[a] != sw[j] ||
					    !vs_perf_station_fits(&pol[a], &w->dsts[s], &tag))
						continue;
					b->ann[a].st[b->ann[a].n] = w->dsts[s];
					b->ann[a].st[b->ann[a].n++].vlan = tag;
					turn = a + 1;
					placed = true;
				}
			}
			b->unannounced += !placed;
		}
	}
	b->ann_done = true;
	return 0;
}
