/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The run engine: builds each subject on the topology's perf ports,
 * waits out announcements and warm-up, and measures one window.
 *
 *   io       the same devices, probed here, and a bare loop per worker:
 *            rte_eth_rx_burst from each replay port, rte_eth_tx_burst to
 *            its paired sink.  What the devices cost with no switch.
 *   vswitch  a datapath (vs_dp) configured from the topology document,
 *            its workers polling the same devices.
 *
 * Both subjects take the same mbuf pool size, the same workers and the
 * same callbacks, so the ratio isolates the switch.  A window is two
 * snapshots of monotonic counters; nothing is reset while a writer runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "ctl.h"
#include "run_priv.h"

#define VS_PERF_ANNOUNCE_TIMEOUT_S 10.0

struct vs_perf_snap {
	uint64_t tsc, offered, delivered, bytes, unstamped, no_mbuf, tx_full, guest_dropped;
	uint64_t cycles, packets;
	unsigned int n_workers;
	uint64_t w_cycles[VS_PERF_WORKERS_MAX], w_packets[VS_PERF_WORKERS_MAX];
	uint64_t drops[VS_DROP_MAX];
	struct vs_perf_hist lat;
};

static double
vs_perf_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- devices ----------------------------------------------------------- */

int
vs_perf_attach_all(struct vs_perf_bench *b, struct rte_mempool *mp, bool announce, char *err,
		   size_t errlen)
{
	unsigned int i;

	for (i = 0; i < b->t->n_ports; i++) {
		const struct vs_perf_topo_port *tp = &b->t->ports[i];
		struct vs_perf_port_conf pc = {.mp = mp, .announce_tagged = true};
		char name[VS_DEVARGS_MAX];

		snprintf(name, sizeof(name), "%.*s", (int)strcspn(tp->devargs, ","), tp->devargs);
		if (rte_eth_dev_get_port_by_name(name, &b->eth[i]) != 0) {
			snprintf(err, errlen, "port %s: device %s not found", tp->name, name);
			return -ENODEV;
		}
		if (tp->role == VS_PERF_REPLAY) {
			pc.replay = b->w;
			pc.rate_pps = b->c->rate_pps;
			pc.speed = b->c->speed;
			/* Through a guest the mbuf does not travel. */
			pc.stamp_payload = b->t->n_guests > 0;
		} else if (announce) {
			pc.announce = b->ann[i].st;
			pc.n_announce = b->ann[i].n;
		}
		b->pp[i] = vs_perf_port_attach(b->eth[i], tp->rx_queues, (uint16_t)b->c->workers,
					       &pc, err, errlen);
		if (b->pp[i] == NULL)
			return -EINVAL;
	}
	return 0;
}

void
vs_perf_detach_all(struct vs_perf_bench *b)
{
	unsigned int i;

	for (i = 0; i < b->t->n_ports; i++) {
		vs_perf_port_detach(b->pp[i]);
		b->pp[i] = NULL;
	}
}

/* ---- subjects ---------------------------------------------------------- */

static int
vs_perf_switch_start(struct vs_perf_bench *b, char *err, size_t errlen)
{
	struct vs_dp_conf dc;
	uint64_t stations = (uint64_t)b->w->n_srcs + b->w->n_dsts;
	int rc;

	memset(&dc, 0, sizeof(dc));
	if ((rc = vs_ctl_dp_conf_parse(b->t->config, &dc, err, errlen)) != 0)
		return rc;
	dc.n_workers = b->c->workers;
	dc.n_mbufs = b->c->n_mbufs;
	if (b->c->fdb_size)
		dc.fdb_size = b->c->fdb_size;
	else if (dc.fdb_size == 0 && stations * 2 > VS_FDB_SIZE_DEFAULT)
		/* Room for every station with the table's load factor in mind. */
		dc.fdb_size = (uint32_t)RTE_MIN(stations * 2, (uint64_t)UINT32_MAX);
	/* Destinations are announced once: they must not age out mid-run. */
	dc.fdb_aging_s = 86400;
	snprintf(dc.chan_dir, sizeof(dc.chan_dir), "%s", b->chan_dir);
	b->dp = vs_dp_create(&dc, err, errlen);
	if (b->dp == NULL)
		return -EINVAL;
	if ((rc = vs_ctl_config_apply(b->dp, b->t->config, err, errlen)) != 0)
		return rc;
	if (!b->ann_done && (rc = vs_perf_stations_deal(b, err, errlen)) != 0)
		return rc;
	if ((rc = vs_perf_attach_all(b, vs_dp_mempool(b->dp), true, err, errlen)) != 0)
		return rc;
	if ((rc = vs_dp_start(b->dp, err, errlen)) != 0)
		return rc;
	if (b->t->n_guests > 0)
		rc = vs_perf_guests_start(&b->guests, b->dp, b->chan_dir, b->t, b->w, b->ann, err,
					  errlen);
	return rc;
}

static void
vs_perf_switch_stop(struct vs_perf_bench *b)
{
	if (b->dp == NULL)
		return;
	/* Guests leave first: their teardown talks to the host. */
	vs_perf_guests_stop(b->guests);
	b->guests = NULL;
	vs_dp_stop(b->dp);
	vs_perf_detach_all(b);
	vs_dp_destroy(b->dp);
	b->dp = NULL;
}

/* ---- windows ----------------------------------------------------------- */

static void
vs_perf_snapshot(const struct vs_perf_bench *b, struct vs_perf_snap *s)
{
	struct vs_perf_port_counters pc;
	unsigned int i, r;

	memset(s, 0, offsetof(struct vs_perf_snap, lat));
	vs_perf_hist_reset(&s->lat);
	for (i = 0; i < b->t->n_ports; i++) {
		const struct vs_perf_topo_port *tp = &b->t->ports[i];

		if (b->pp[i] == NULL)
			continue;
		vs_perf_port_read(b->pp[i], &pc, tp->role == VS_PERF_REPLAY ? NULL : &s->lat);
		s->offered += pc.replayed;
		s->no_mbuf += pc.no_mbuf;
		if (tp->role == VS_PERF_REPLAY)
			continue;
		s->delivered += pc.sunk;
		s->bytes += pc.sunk_bytes;
		s->unstamped += pc.unstamped;
		if (tp->role == VS_PERF_EXTERNAL) {
			/* The device may refuse what the callback saw: count
			 * what it took. */
			struct rte_eth_stats st;

			if (rte_eth_stats_get(b->eth[i], &st) == 0) {
				s->delivered -= pc.sunk;
				s->bytes -= pc.sunk_bytes;
				s->delivered += st.opackets;
				s->bytes += st.obytes;
			}
		}
	}
	if (b->guests != NULL) {
		struct vs_perf_guest_counters gc;

		vs_perf_guests_read(b->guests, &gc, &s->lat);
		s->offered += gc.sent;
		s->delivered += gc.received;
		s->bytes += gc.bytes;
		s->unstamped += gc.unstamped;
		s->guest_dropped += gc.dropped;
	}
	for (i = 0; i < b->n_io && i < VS_PERF_WORKERS_MAX; i++) {
		s->w_cycles[i] = __atomic_load_n(&b->io[i].cycles, __ATOMIC_RELAXED);
		s->w_packets[i] = __atomic_load_n(&b->io[i].packets, __ATOMIC_RELAXED);
		s->cycles += s->w_cycles[i];
		s->packets += s->w_packets[i];
		s->tx_full += __atomic_load_n(&b->io[i].tx_full, __ATOMIC_RELAXED);
		s->n_workers = i + 1;
	}
	if (b->dp != NULL) {
		for (i = 0; i < vs_dp_worker_count(b->dp); i++) {
			struct vs_worker_stats ws;

			if (i < VS_PERF_WORKERS_MAX && vs_dp_worker_stats(b->dp, i, &ws) == 0) {
				s->w_cycles[i] = ws.busy_cycles;
				s->w_packets[i] = ws.packets;
				s->cycles += ws.busy_cycles;
				s->packets += ws.packets;
				s->n_workers = i + 1;
			}
		}
		for (i = 0; i < VS_MAX_PORTS; i++) {
			struct vs_port_stats ps;

			if (vs_dp_port_name(b->dp, i) == NULL ||
			    vs_dp_port_stats(b->dp, i, &ps) != 0)
				continue;
			for (r = 0; r < VS_DROP_MAX; r++)
				s->drops[r] += ps.drops[r];
		}
	}
	s->tsc = rte_rdtsc();
}

static void
vs_perf_drop_add(struct vs_perf_sample *out, const char *name, uint64_t n)
{
	if (n == 0 || out->n_drops == VS_PERF_DROPS_MAX)
		return;
	snprintf(out->drops[out->n_drops].name, sizeof(out->drops[0].name), "%s", name);
	out->drops[out->n_drops++].count = n;
}

/* The window's latencies: the buckets' differences, in nanoseconds. */
static void
vs_perf_latency(const struct vs_perf_hist *a, const struct vs_perf_hist *b,
		struct vs_perf_latency *out, struct vs_perf_hist *scratch)
{
	double ns = 1e9 / (double)rte_get_tsc_hz();
	unsigned int i;
	uint64_t lo, hi;

	memset(out, 0, sizeof(*out));
	vs_perf_hist_reset(scratch);
	for (i = 0; i < VS_PERF_HIST_BUCKETS; i++) {
		uint64_t d = b->bucket[i] - a->bucket[i];

		if (d == 0)
			continue;
		vs_perf_hist_bucket_range(i, &lo, &hi);
		if (scratch->count == 0)
			scratch->min = lo;
		scratch->bucket[i] = d;
		scratch->count += d;
		scratch->max = hi < b->max ? hi : b->max;
	}
	if (scratch->count == 0)
		return;
	out->valid = true;
	out->samples = scratch->count;
	out->p50 = (uint64_t)((double)vs_perf_hist_quantile(scratch, 0.50) * ns);
	out->p99 = (uint64_t)((double)vs_perf_hist_quantile(scratch, 0.99) * ns);
	out->p999 = (uint64_t)((double)vs_perf_hist_quantile(scratch, 0.999) * ns);
	out->max = (uint64_t)((double)scratch->max * ns);
}

static void
vs_perf_sample_from(const struct vs_perf_snap *a, const struct vs_perf_snap *b,
		    struct vs_perf_sample *out, struct vs_perf_hist *scratch)
{
	unsigned int r;

	memset(out, 0, sizeof(*out));
	out->seconds = (double)(b->tsc - a->tsc) / (double)rte_get_tsc_hz();
	out->packets = b->delivered - a->delivered;
	out->offered = b->offered - a->offered;
	out->wire_bits = (b->bytes - a->bytes + out->packets * (VS_PERF_FCS_LEN +
								 VS_PERF_WIRE_OVERHEAD)) * 8;
	if (b->packets > a->packets)
		out->cycles_per_packet =
			(double)(b->cycles - a->cycles) / (double)(b->packets - a->packets);
	out->n_workers = b->n_workers;
	for (r = 0; r < b->n_workers; r++) {
		struct vs_perf_worker_sample *ws = &out->worker[r];

		ws->packets = b->w_packets[r] - a->w_packets[r];
		if (ws->packets > 0)
			ws->cycles_per_packet =
				(double)(b->w_cycles[r] - a->w_cycles[r]) / (double)ws->packets;
	}
	vs_perf_sample_rates(out);
	vs_perf_latency(&a->lat, &b->lat, &out->lat, scratch);
	for (r = 0; r < VS_DROP_MAX; r++)
		vs_perf_drop_add(out, vs_drop_reason_name(r), b->drops[r] - a->drops[r]);
	vs_perf_drop_add(out, "tx_full", b->tx_full - a->tx_full);
	vs_perf_drop_add(out, "replay_no_mbuf", b->no_mbuf - a->no_mbuf);
	vs_perf_drop_add(out, "sink_unstamped", b->unstamped - a->unstamped);
	vs_perf_drop_add(out, "guest_rx_queue_full", b->guest_dropped - a->guest_dropped);
}

/* Sleeps until the monotonic time `until`, keeping the datapath's control
 * work going and drawing the progress line. */
static void
vs_perf_wait(struct vs_perf_bench *b, double until, const char *what, struct vs_perf_snap *tmp)
{
	double last_t = vs_perf_now_s(), now;
	uint64_t last_n = 0, iter = 0;
	bool first = true;

	while ((now = vs_perf_now_s()) < until) {
		if (b->guests != NULL) {
			/* This thread is the guests' CPU: no sleeping.  The
			 * datapath's control polling touches the channels the
			 * worker is writing; every 64 rounds it halved the
			 * netvsc rate in some runs, every 4096 it does not. */
			vs_perf_guests_pump(b->guests);
			if (++iter % 4096 != 0)
				continue;
		}
		if (b->dp != NULL)
			(void)vs_dp_ctl_poll(b->dp, NULL);
		if (b->c->progress && (first || now - last_t >= 0.5)) {
			vs_perf_snapshot(b, tmp);
			if (!first)
				fprintf(stderr, "\r  %-28s %8.3f Mpps  %5.1f s left ", what,
					(double)(tmp->delivered - last_n) / (now - last_t) / 1e6,
					until - now);
			last_n = tmp->delivered;
			last_t = now;
			first = false;
		}
		if (b->guests == NULL)
			usleep(b->dp != NULL ? 1000 : 20000);
	}
}

static int
vs_perf_measure(struct vs_perf_bench *b, bool io, unsigned int rep, struct vs_perf_sample *out,
		char *err, size_t errlen)
{
	struct vs_perf_snap *s = rte_zmalloc("vs_perf_snap", 3 * sizeof(*s), 0);
	struct vs_perf_hist *scratch = rte_zmalloc("vs_perf_hist", sizeof(*scratch), 0);
	const char *subj = io ? "io" : "vswitch";
	char what[64];
	double t;
	unsigned int i;
	int rc;

	if (s == NULL || scratch == NULL) {
		rte_free(s);
		rte_free(scratch);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = io ? vs_perf_io_start(b, err, errlen) : vs_perf_switch_start(b, err, errlen);
	if (rc != 0)
		goto out;
	/* Announcements first: a window must not see a station unlearned. */
	t = vs_perf_now_s() + VS_PERF_ANNOUNCE_TIMEOUT_S;
	for (i = 0; i < b->t->n_ports; i++) {
		while (b->pp[i] != NULL && !vs_perf_port_announce_done(b->pp[i])) {
			if (vs_perf_now_s() > t) {
				snprintf(err, errlen,
					 "port %s: announcements not taken within %.0f s (is "
					 "the port polled?)",
					 b->t->ports[i].name, VS_PERF_ANNOUNCE_TIMEOUT_S);
				rc = -ETIMEDOUT;
				goto out;
			}
			usleep(1000);
		}
	}
	while (!vs_perf_guests_announce_done(b->guests)) {
		if (vs_perf_now_s() > t) {
			snprintf(err, errlen, "guests: announcements not taken within %.0f s",
				 VS_PERF_ANNOUNCE_TIMEOUT_S);
			rc = -ETIMEDOUT;
			goto out;
		}
		vs_perf_guests_pump(b->guests);
		(void)vs_dp_ctl_poll(b->dp, NULL);
	}
	snprintf(what, sizeof(what), "%s %u/%u warm-up", subj, rep + 1, b->c->repeats);
	vs_perf_wait(b, vs_perf_now_s() + b->c->warmup_s, what, &s[2]);
	vs_perf_snapshot(b, &s[0]);
	snprintf(what, sizeof(what), "%s %u/%u", subj, rep + 1, b->c->repeats);
	vs_perf_wait(b, vs_perf_now_s() + b->c->duration_s, what, &s[2]);
	vs_perf_snapshot(b, &s[1]);
	vs_perf_sample_from(&s[0], &s[1], out, scratch);
	vs_perf_guests_hostile(b->guests, &out->hostile);
	if (b->c->progress)
		fprintf(stderr, "\r  %-28s %8.3f Mpps  %8.3f Gbit/s %14s\n", what, out->mpps,
			out->gbps, "");
out:
	if (io)
		vs_perf_io_stop(b);
	else
		vs_perf_switch_stop(b);
	rte_free(s);
	rte_free(scratch);
	return rc;
}

static void
vs_perf_run_describe(const struct vs_perf_run_conf *c, const struct vs_perf_workload *w,
		     const struct vs_perf_topo *t, struct vs_perf_run *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->workload.name, sizeof(out->workload.name), "%s", w->name);
	out->workload.frames = w->n;
	out->workload.size = UINT32_MAX;
	out->workload.avg_len = w->n ? (double)w->bytes / w->n : 0;
	out->workload.dst_macs = w->n_dsts;
	out->workload.src_macs = w->n_srcs;
	snprintf(out->scenario, sizeof(out->scenario), "%s", t->name);
	out->workers = c->workers;
	out->duration_s = c->duration_s;
	out->warmup_s = c->warmup_s;
	snprintf(out->baseline, sizeof(out->baseline), "%s",
		 c->no_io || t->n_guests > 0 ? "" : "io");
}

int
vs_perf_run(const struct vs_perf_run_conf *c, const struct vs_perf_workload *w,
	    struct vs_perf_run *out, char *err, size_t errlen)
{
	struct vs_perf_topo *t = calloc(1, sizeof(*t));
	struct vs_perf_bench b;
	unsigned int rep, i;
	int rc;

	memset(&b, 0, sizeof(b));
	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (c->repeats == 0 || c->repeats > VS_PERF_REPEATS_MAX || c->workers == 0 ||
	    c->workers > VS_PERF_TXQ_MAX || !(c->duration_s > 0) || c->warmup_s < 0) {
		snprintf(err, errlen, "%s",
			 c->workers == 0 || c->workers > VS_PERF_TXQ_MAX
				 ? "workers: expected 1..16"
				 : c->repeats == 0 || c->repeats > VS_PERF_REPEATS_MAX
					   ? "repeats: expected 1..32"
					   : "duration/warmup: expected positive seconds");
		free(t);
		return -EINVAL;
	}
	rc = c->topology ? vs_perf_topo_load(c->topology, c->ext_devargs, t, err, errlen)
			 : vs_perf_topo_builtin(c->scenario ? c->scenario : "p2p", c->workers,
						c->ext_devargs, w, t, err, errlen);
	if (rc != 0) {
		free(t);
		return rc;
	}
	b.c = c;
	b.w = w;
	b.t = t;
	snprintf(b.chan_dir, sizeof(b.chan_dir), "/tmp/vswitch-perf-chan.XXXXXX");
	if (mkdtemp(b.chan_dir) == NULL) {
		snprintf(err, errlen, "cannot make a channel directory: %s", strerror(errno));
		vs_perf_topo_free(t);
		free(t);
		return -errno;
	}
	vs_perf_run_describe(c, w, t, out);
	/* A guest's port is no device: there is nothing for a bare loop. */
	if (!c->no_io && t->n_guests == 0) {
		snprintf(out->subj[out->n_subjects++].name, sizeof(out->subj[0].name), "io");
	}
	snprintf(out->subj[out->n_subjects++].name, sizeof(out->subj[0].name), "vswitch");
	for (rep = 0; rep < c->repeats && rc == 0; rep++) {
		for (i = 0; i < out->n_subjects && rc == 0; i++) {
			struct vs_perf_subject *sj = &out->subj[i];
			bool io = strcmp(sj->name, "io") == 0;

			rc = vs_perf_measure(&b, io, rep, &sj->s[sj->n], err, errlen);
			if (rc == 0)
				sj->n++;
		}
	}
	if (rc == 0 && b.unannounced > 0 && c->progress)
		fprintf(stderr,
			"  note: %u destinations fit no sink port's VLANs: their frames flood\n",
			b.unannounced);
	for (i = 0; i < VS_PERF_ANNOUNCERS; i++)
		free(b.ann[i].st);
	rmdir(b.chan_dir);
	vs_perf_topo_free(t);
	free(t);
	return rc;
}
