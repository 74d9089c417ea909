/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guests behind netvsc ports for the scenarios that go through a VM's
 * synthetic NIC (pvp, v2v).  Each is netvsp's guest simulator (the Linux
 * hv_netvsc driver's side of the protocol) on the port's channel file,
 * driven by vswitch-perf's main thread while the datapath's workers run:
 *
 *   replay  transmits the workload through send-buffer sections, in
 *           batches, each frame's payload stamped with the TSC;
 *   sink    receives, counts, reads the payload stamp into a histogram;
 *   loop    a VM with two NICs: what its first NIC receives it transmits
 *           unchanged on the second (a bump in the wire, the "V" of PVP);
 *   hostile a bystander VM, not counted, that receives its share and
 *           commits one misdeed (guest.h) over and over on its own
 *           channel, on the same switch and worker as the others: a ring
 *           corruption or held completions once (they last), a keepalive
 *           flood whenever its ring has room, the other protocol
 *           violations at VS_PERF_HOSTILE_PER_S.  "none" is the same VM
 *           behaving: the clean run to compare with.
 *
 * Sinks and loops first announce their stations (a broadcast from each)
 * so that the switch learns them behind the guest's port; the ports need
 * MAC spoofing allowed, since the stations are not the NIC's own MAC.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "guest.h"
#include "run_priv.h"

#define VS_PERF_GUEST_BATCH 32u
/* A hostile guest's protocol violations: a bounded rate, so that what it
 * costs the guests' thread (the well-behaved VMs' CPU as well) stays small
 * and the same before and after the switch stops reading it. */
#define VS_PERF_HOSTILE_PER_S 100000u
#define VS_PERF_HOSTILE_BURST 16u
/* RNDIS (NDIS) OID_GEN_CURRENT_PACKET_FILTER and its promiscuous bit. */
#define VS_PERF_OID_PACKET_FILTER 0x0001010Eu
#define VS_PERF_FILTER_PROMISCUOUS 0x20u

struct vs_perf_guest {
	const struct vs_perf_topo_guest *tg;
	struct vs_netvsp_guest *g, *out; /* out: the NIC it transmits on */
	/* replay */
	uint32_t next;
	uint8_t *stamp;
	/* loop: frames received and not yet sent, from pend[head] */
	struct vs_netvsp_guest_frame *pend;
	uint32_t head, n_pend;
	/* announcements */
	const struct vs_perf_station *st;
	uint32_t n_st, next_st;
	struct vs_perf_guest_counters c;
	struct vs_perf_hist *lat;
	/* hostile: the next burst of misdeeds (TSC); once-only ones done;
	 * silent: its ring is broken, it writes nothing more */
	uint64_t next_misdeed;
	bool committed, silent;
};

struct vs_perf_guests {
	struct vs_dp *dp;
	const struct vs_perf_workload *w;
	unsigned int n;
	struct vs_perf_guest g[VS_PERF_TOPO_GUESTS];
	/* the second NICs of loop guests */
	unsigned int n_peers;
	struct vs_netvsp_guest *peers[VS_PERF_TOPO_GUESTS];
	struct vs_netvsp_guest_frame rx; /* scratch for sinks */
};

static void
vs_perf_guest_idle(void *arg)
{
	/* While a guest waits for an answer, the host's control side must
	 * run: it runs on this thread. */
	(void)vs_dp_ctl_poll(arg, NULL);
}

static int
vs_perf_guest_open(struct vs_perf_guests *gs, const char *chan_dir, const char *port,
		   struct vs_netvsp_guest **out, char *err, size_t errlen)
{
	struct vs_netvsp_guest_opts go = {.idle = vs_perf_guest_idle, .idle_arg = gs->dp};
	uint32_t filter = VS_PERF_FILTER_PROMISCUOUS, status = 0;
	char path[512];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", chan_dir, port);
	(void)vs_dp_ctl_poll(gs->dp, NULL); /* the channel is offered on the first poll */
	if ((rc = vs_netvsp_guest_open(path, &go, out)) != 0) {
		snprintf(err, errlen, "guest %s: cannot open %s: %s", port, path, strerror(-rc));
		return rc;
	}
	if ((rc = vs_netvsp_guest_bringup(*out)) != 0) {
		snprintf(err, errlen, "guest %s: bring-up failed: %s", port, strerror(-rc));
		return rc;
	}
	/* The stations it receives for are not its NIC's MAC: like a
	 * bridge in a VM, it listens promiscuously. */
	rc = vs_netvsp_guest_set(*out, VS_PERF_OID_PACKET_FILTER, &filter, sizeof(filter), &status);
	if (rc != 0 || status != 0) {
		snprintf(err, errlen, "guest %s: promiscuous packet filter refused: %s, status %#x",
			 port, strerror(-rc), status);
		return rc ? rc : -EPROTO;
	}
	return 0;
}

int
vs_perf_guests_start(struct vs_perf_guests **out, struct vs_dp *dp, const char *chan_dir,
		     const struct vs_perf_topo *t, const struct vs_perf_workload *w,
		     const struct vs_perf_announce *ann, char *err, size_t errlen)
{
	struct vs_perf_guests *gs = calloc(1, sizeof(*gs));
	unsigned int i;
	int rc = 0;

	*out = NULL;
	if (gs == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	gs->dp = dp;
	gs->w = w;
	for (i = 0; i < t->n_guests && rc == 0; i++) {
		struct vs_perf_guest *g = &gs->g[gs->n++];
		uint32_t f;

		g->tg = &t->guests[i];
		g->st = ann[VS_PERF_TOPO_PORTS + i].st;
		g->n_st = ann[VS_PERF_TOPO_PORTS + i].n;
		if ((rc = vs_perf_guest_open(gs, chan_dir, g->tg->port, &g->g, err, errlen)) != 0)
			break;
		g->out = g->g;
		switch (g->tg->role) {
		case VS_PERF_GUEST_REPLAY:
			g->stamp = calloc(w->n, 1);
			if (g->stamp == NULL)
				goto nomem;
			for (f = 0; f < w->n; f++)
				g->stamp[f] = w->len[f] <= VS_NETVSP_GUEST_FRAME_MAX &&
					      vs_perf_stamp_fits(w->data + w->off[f], w->len[f]);
			break;
		case VS_PERF_GUEST_SINK:
			g->lat = calloc(1, sizeof(*g->lat));
			if (g->lat == NULL)
				goto nomem;
			break;
		case VS_PERF_GUEST_LOOP:
			g->pend = malloc(VS_PERF_GUEST_BATCH * sizeof(*g->pend));
			if (g->pend == NULL)
				goto nomem;
			rc = vs_perf_guest_open(gs, chan_dir, g->tg->peer,
						&gs->peers[gs->n_peers], err, errlen);
			if (rc == 0)
				g->out = gs->peers[gs->n_peers++];
			break;
		case VS_PERF_GUEST_HOSTILE:
			break; /* it counts what it takes; nothing to set up */
		}
	}
	if (rc != 0) {
		vs_perf_guests_stop(gs);
		return rc;
	}
	*out = gs;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	vs_perf_guests_stop(gs);
	return -ENOMEM;
}

/* How many of the frames one send-buffer section takes: the host's
 * packets-per-message limit, and the section's size with each packet's
 * RNDIS header, PPIs and alignment (as the simulator lays them out). */
static uint32_t
vs_perf_guest_fit(struct vs_netvsp_guest *g, const uint32_t *lens, uint32_t n)
{
	struct vs_netvsp_guest_stats st;
	uint32_t i, used = 0;

	vs_netvsp_guest_stats(g, &st);
	if (st.max_pkts != 0 && n > st.max_pkts)
		n = st.max_pkts;
	for (i = 0; i < n; i++) {
		uint32_t need = (44 + 64 + lens[i] + 63) & ~63u;

		if (used + need > st.section_size)
			break;
		used += need;
	}
	return i ? i : 1;
}

static void
vs_perf_guest_announce(struct vs_perf_guest *g)
{
	uint8_t frames[VS_PERF_GUEST_BATCH][64];
	const void *fp[VS_PERF_GUEST_BATCH];
	uint32_t lens[VS_PERF_GUEST_BATCH], n = 0;

	while (n < VS_PERF_GUEST_BATCH && g->next_st + n < g->n_st) {
		const struct vs_perf_station *st = &g->st[g->next_st + n];
		uint8_t *f = frames[n];
		uint32_t off = 12;

		memset(f, 0, 60);
		memset(f, 0xff, 6);
		memcpy(f + 6, st->mac, 6);
		if (st->vlan != 0) {
			f[12] = 0x81;
			f[14] = (uint8_t)(st->vlan >> 8);
			f[15] = (uint8_t)st->vlan;
			off = 16;
		}
		f[off] = 0x88; /* local experimental EtherType */
		f[off + 1] = 0xb5;
		fp[n] = f;
		lens[n++] = 60;
	}
	n = vs_perf_guest_fit(g->g, lens, n);
	if (vs_netvsp_guest_send(g->g, fp, lens, NULL, n, VS_GUEST_TX_SECTION) == 0)
		g->next_st += n;
}

static void
vs_perf_guest_replay(struct vs_perf_guests *gs, struct vs_perf_guest *g)
{
	const struct vs_perf_workload *w = gs->w;
	uint32_t idx[VS_PERF_GUEST_BATCH];
	const void *fp[VS_PERF_GUEST_BATCH];
	uint32_t lens[VS_PERF_GUEST_BATCH], n = 0, i = g->next;
	uint64_t now = rte_rdtsc();
	int rc;

	/* The workload's frames are written in place: the stamp is the only
	 * change and the next pass overwrites it. */
	while (n < VS_PERF_GUEST_BATCH) {
		if (w->len[i] <= VS_NETVSP_GUEST_FRAME_MAX) {
			uint8_t *f = w->data + w->off[i];

			if (g->stamp[i])
				vs_perf_stamp_write(f, w->len[i], now);
			fp[n] = f;
			idx[n] = i;
			lens[n++] = w->len[i];
		}
		if (++i == w->n)
			i = 0;
		if (i == g->next)
			break; /* a workload smaller than a batch */
	}
	n = vs_perf_guest_fit(g->g, lens, n);
	rc = vs_netvsp_guest_send(g->g, fp, lens, NULL, n, VS_GUEST_TX_SECTION);
	if (rc == 0) {
		g->c.sent += n;
		g->next = idx[n - 1] + 1 == w->n ? 0 : idx[n - 1] + 1;
	} else {
		g->c.busy++;
	}
}

static void
vs_perf_guest_sink(struct vs_perf_guests *gs, struct vs_perf_guest *g)
{
	struct vs_netvsp_guest_frame *f = &gs->rx;
	uint64_t now = rte_rdtsc(), ts;

	while (vs_netvsp_guest_recv(g->g, f) == 0) {
		g->c.received++;
		g->c.bytes += f->len < 60 ? 60 : f->len;
		if (vs_perf_stamp_read(f->data, f->len, &ts) && ts <= now)
			vs_perf_hist_add(g->lat, now - ts);
		else
			g->c.unstamped++;
	}
}

static void
vs_perf_guest_hostile(struct vs_perf_guests *gs, struct vs_perf_guest *g)
{
	int m = g->tg->misdeed;
	uint64_t now;

	/* Whatever it does, it takes what it is sent: a held completion
	 * keeps the receive section, not the frame. */
	while (vs_netvsp_guest_recv(g->g, &gs->rx) == 0)
		g->c.received++;
	switch (m) {
	case VS_PERF_MISDEED_NONE:
		return;
	case VS_GUEST_BAD_WRITE_INDEX:
	case VS_GUEST_UNALIGNED_INDEX:
	case VS_GUEST_DESC_TOO_LONG:
		/* Broken until the channel is reset; and from now on it
		 * writes nothing: its next completion would go where its
		 * simulator thinks the ring ends, over the bad descriptor,
		 * before the host had read it. */
		if (!g->committed)
			g->committed = g->silent = vs_netvsp_guest_misbehave(g->g, m, 1) > 0;
		return;
	case VS_GUEST_NO_RX_COMPLETIONS:
		/* Held until told otherwise: once is for good. */
		if (!g->committed)
			g->committed = vs_netvsp_guest_misbehave(g->g, m, 1) > 0;
		return;
	case VS_GUEST_FLOOD:
		/* As fast as the ring takes them: the host's control queue
		 * is what bounds it. */
		(void)vs_netvsp_guest_misbehave(g->g, m, 0);
		return;
	default:
		now = rte_rdtsc();
		if (now < g->next_misdeed)
			return;
		(void)vs_netvsp_guest_misbehave(g->g, m, VS_PERF_HOSTILE_BURST);
		g->next_misdeed = now + rte_get_tsc_hz() * VS_PERF_HOSTILE_BURST /
						VS_PERF_HOSTILE_PER_S;
		return;
	}
}

static void
vs_perf_guest_loop(struct vs_perf_guest *g)
{
	const void *fp[VS_PERF_GUEST_BATCH];
	uint32_t lens[VS_PERF_GUEST_BATCH], i;
	int rc;

	if (g->n_pend == 0)
		g->head = 0;
	while (g->head + g->n_pend < VS_PERF_GUEST_BATCH &&
	       vs_netvsp_guest_recv(g->g, &g->pend[g->head + g->n_pend]) == 0)
		g->n_pend++;
	if (g->n_pend == 0)
		return;
	for (i = 0; i < g->n_pend; i++) {
		fp[i] = g->pend[g->head + i].data;
		lens[i] = g->pend[g->head + i].len;
	}
	i = vs_perf_guest_fit(g->out, lens, g->n_pend);
	rc = vs_netvsp_guest_send(g->out, fp, lens, NULL, i, VS_GUEST_TX_SECTION);
	if (rc == 0) {
		g->c.received += i;
		g->c.sent += i;
		g->n_pend -= i;
		g->head += i;
	} else {
		g->c.busy++; /* kept: retried on the next round */
	}
}

void
vs_perf_guests_pump(struct vs_perf_guests *gs)
{
	unsigned int i;

	for (i = 0; i < gs->n; i++) {
		struct vs_perf_guest *g = &gs->g[i];

		if (g->silent)
			continue;
		(void)vs_netvsp_guest_poll(g->g);
		if (g->out != g->g)
			(void)vs_netvsp_guest_poll(g->out);
		if (g->next_st < g->n_st) {
			vs_perf_guest_announce(g);
			continue;
		}
		switch (g->tg->role) {
		case VS_PERF_GUEST_REPLAY:
			vs_perf_guest_replay(gs, g);
			break;
		case VS_PERF_GUEST_SINK:
			vs_perf_guest_sink(gs, g);
			break;
		case VS_PERF_GUEST_LOOP:
			vs_perf_guest_loop(g);
			break;
		case VS_PERF_GUEST_HOSTILE:
			vs_perf_guest_hostile(gs, g);
			break;
		}
	}
}

bool
vs_perf_guests_announce_done(const struct vs_perf_guests *gs)
{
	unsigned int i;

	for (i = 0; gs != NULL && i < gs->n; i++)
		if (gs->g[i].next_st < gs->g[i].n_st)
			return false;
	return true;
}

void
vs_perf_guests_read(const struct vs_perf_guests *gs, struct vs_perf_guest_counters *c,
		    struct vs_perf_hist *lat)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; gs != NULL && i < gs->n; i++) {
		const struct vs_perf_guest *g = &gs->g[i];
		struct vs_netvsp_guest_stats st;

		vs_netvsp_guest_stats(g->g, &st);
		c->dropped += st.rx_dropped;
		c->busy += g->c.busy;
		if (g->tg->role == VS_PERF_GUEST_REPLAY) {
			c->sent += g->c.sent;
		} else if (g->tg->role == VS_PERF_GUEST_SINK) {
			c->received += g->c.received;
			c->bytes += g->c.bytes;
			c->unstamped += g->c.unstamped;
			if (lat != NULL)
				vs_perf_hist_merge(lat, g->lat);
		}
	}
}

static void
vs_perf_hostile_counter(const char *name, uint64_t value, void *arg)
{
	struct vs_perf_hostile *h = arg;
	struct vs_perf_drop *d;

	if (h->n_counters == VS_PERF_HOSTILE_COUNTERS_MAX)
		return;
	d = &h->counters[h->n_counters++];
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->count = value;
}

void
vs_perf_guests_hostile(const struct vs_perf_guests *gs, struct vs_perf_hostile *out)
{
	const struct vs_perf_guest *g = NULL;
	struct vs_netvsp_guest_stats st;
	struct vs_port_quarantine q;
	unsigned int i;
	int idx;

	memset(out, 0, sizeof(*out));
	for (i = 0; gs != NULL && i < gs->n && g == NULL; i++)
		if (gs->g[i].tg->role == VS_PERF_GUEST_HOSTILE)
			g = &gs->g[i];
	if (g == NULL)
		return;
	out->valid = true;
	snprintf(out->port, sizeof(out->port), "%s", g->tg->port);
	snprintf(out->misdeed, sizeof(out->misdeed), "%s",
		 g->tg->misdeed == VS_PERF_MISDEED_NONE ? "none"
							 : vs_netvsp_guest_misdeed_name(g->tg->misdeed));
	vs_netvsp_guest_stats(g->g, &st);
	out->committed = st.misdeeds;
	out->received = g->c.received;
	/* The switch decides on its control thread: let it catch up with
	 * what the worker counted before asking. */
	(void)vs_dp_ctl_poll(gs->dp, NULL);
	idx = vs_dp_port_index(gs->dp, g->tg->port);
	if (idx < 0)
		return;
	if (vs_dp_port_quarantine(gs->dp, (unsigned int)idx, &q) == 0) {
		out->quarantined = q.on;
		out->violations = q.total;
		snprintf(out->reason, sizeof(out->reason), "%s", q.reason);
	}
	(void)vs_dp_port_backend_counters(gs->dp, (unsigned int)idx, vs_perf_hostile_counter, out);
}

void
vs_perf_guests_stop(struct vs_perf_guests *gs)
{
	unsigned int i;

	if (gs == NULL)
		return;
	for (i = 0; i < gs->n; i++) {
		if (gs->g[i].g != NULL)
			vs_netvsp_guest_close(gs->g[i].g);
		free(gs->g[i].stamp);
		free(gs->g[i].pend);
		free(gs->g[i].lat);
	}
	for (i = 0; i < gs->n_peers; i++)
		vs_netvsp_guest_close(gs->peers[i]);
	free(gs);
}
