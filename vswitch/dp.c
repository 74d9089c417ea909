/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath's control side: switches and ports, compiling and publishing
 * the snapshot, starting and stopping workers.  Nothing here runs per packet.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "dp_priv.h"

#define VS_MBUFS_DEFAULT 16383u
#define VS_MBUF_CACHE 256u

/* Ring devices are named once per process: names must never repeat while
 * an old device of that name could still be registered. */
static uint32_t vs_ring_seq;

static uint64_t
vs_dp_tsc_clock(void *arg)
{
	(void)arg;
	return (uint64_t)((double)rte_get_tsc_cycles() * 1e9 / (double)rte_get_tsc_hz());
}

/*
 * DPDK often explains a failure only in its log ("could not set
 * PACKET_FANOUT ... Invalid argument") and returns a bare -1.  While the
 * control thread opens a device, the log also goes to memory, so the reply
 * can carry DPDK's own reason.  Workers never log, so redirecting the
 * process-wide stream for the duration is safe.
 */
struct vs_logcap {
	FILE *old, *mem;
	char *buf;
	size_t len;
};

static void
vs_logcap_begin(struct vs_logcap *lc)
{
	memset(lc, 0, sizeof(*lc));
	lc->old = rte_log_get_stream();
	lc->mem = open_memstream(&lc->buf, &lc->len);
	if (lc->mem != NULL)
		rte_openlog_stream(lc->mem);
}

/* Restores the log, passes on what was captured and, on failure, appends
 * DPDK's last log line to err. */
static void
vs_logcap_end(struct vs_logcap *lc, bool failed, char *err, size_t errlen)
{
	char *last = NULL, *line, *save = NULL;
	size_t off;

	if (lc->mem == NULL)
		return;
	rte_openlog_stream(lc->old);
	fclose(lc->mem);
	if (lc->buf != NULL && lc->len > 0 && lc->old != NULL)
		fputs(lc->buf, lc->old);
	for (line = strtok_r(lc->buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "Failed to attach") == NULL && strstr(line, "cannot attach") == NULL)
			last = line; /* EAL's generic follow-ups say nothing new */
	off = strlen(err);
	if (failed && last != NULL && off + 16 < errlen)
		snprintf(err + off, errlen - off, " (DPDK: %s)", last);
	free(lc->buf);
}

/* Compiles the control view into a new snapshot and publishes it; the old
 * one is freed once no worker can still be reading it. */
static int
vs_dp_publish(struct vs_dp *dp)
{
	struct vs_snapshot *s = rte_zmalloc("vs_snapshot", sizeof(*s), RTE_CACHE_LINE_SIZE);
	struct vs_snapshot *old;
	unsigned int i;

	if (s == NULL)
		return -ENOMEM;
	for (i = 0; i < VS_MAX_PORTS; i++) {
		struct vs_port *p = &dp->ports[i];
		struct vs_snap_switch *ss;

		if (!p->in_use)
			continue;
		s->ports[i].port = p;
		s->ports[i].sw = p->sw;
		s->ports[i].gen = p->gen;
		s->ports[i].up = !p->conf.admin_down;
		s->ports[i].hw_vlan_insert = p->hw_vlan_insert;
		s->ports[i].vlan = p->conf.vlan;
		s->rx[p->worker][s->n_rx[p->worker]++] = (uint16_t)i;
		if (s->ports[i].up) {
			ss = &s->switches[p->sw];
			ss->flood[ss->n_flood++] = (uint16_t)i;
		}
	}
	old = dp->snap;
	__atomic_store_n(&dp->snap, s, __ATOMIC_RELEASE);
	if (dp->running)
		rte_rcu_qsbr_synchronize(dp->qsbr, RTE_QSBR_THRID_INVALID);
	rte_free(old);
	return 0;
}

struct vs_dp *
vs_dp_create(const struct vs_dp_conf *conf, char *err, size_t errlen)
{
	struct vs_dp *dp;
	char name[RTE_MEMZONE_NAMESIZE];
	size_t sz;
	unsigned int i, n_qsbr;
	static unsigned int seq;

	if (conf->n_workers > VS_MAX_WORKERS) {
		snprintf(err, errlen, "workers: %u is more than the %u supported", conf->n_workers,
			 VS_MAX_WORKERS);
		return NULL;
	}
	dp = rte_zmalloc("vs_dp", sizeof(*dp), RTE_CACHE_LINE_SIZE);
	if (dp == NULL) {
		snprintf(err, errlen, "out of memory for the datapath");
		return NULL;
	}
	seq++;
	dp->conf = *conf;
	if (dp->conf.fdb_size == 0)
		dp->conf.fdb_size = VS_FDB_SIZE_DEFAULT;
	if (dp->conf.fdb_aging_s == 0)
		dp->conf.fdb_aging_s = VS_FDB_AGING_DEFAULT_S;
	if (dp->conf.n_mbufs == 0)
		dp->conf.n_mbufs = VS_MBUFS_DEFAULT;
	dp->n_workers = conf->n_workers ? conf->n_workers : 1;
	dp->clock = vs_dp_tsc_clock;

	snprintf(name, sizeof(name), "vs_mbufs%u", seq);
	dp->mp = rte_pktmbuf_pool_create(name, dp->conf.n_mbufs, VS_MBUF_CACHE, 0,
					 RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (dp->mp == NULL) {
		snprintf(err, errlen,
			 "cannot create a pool of %u mbufs (about %u MB): %s; give EAL more memory "
			 "(-m, or hugepages) or lower datapath.mbufs",
			 dp->conf.n_mbufs,
			 (unsigned int)(((uint64_t)dp->conf.n_mbufs *
					 (RTE_MBUF_DEFAULT_BUF_SIZE + sizeof(struct rte_mbuf) + 64)) >>
					20),
			 rte_strerror(rte_errno));
		goto fail;
	}
	n_qsbr = dp->n_workers;
	sz = rte_rcu_qsbr_get_memsize(n_qsbr);
	dp->qsbr = rte_zmalloc("vs_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (dp->qsbr == NULL || rte_rcu_qsbr_init(dp->qsbr, n_qsbr) != 0) {
		snprintf(err, errlen, "cannot set up RCU for %u workers", n_qsbr);
		goto fail;
	}
	snprintf(name, sizeof(name), "vs_fdb%u", seq);
	if (vs_fdb_init(&dp->fdb, name, dp->conf.fdb_size, dp->conf.fdb_aging_s, dp->qsbr, err,
			errlen) != 0)
		goto fail;
	for (i = 0; i < dp->n_workers; i++) {
		dp->workers[i] = rte_zmalloc("vs_worker", sizeof(struct vs_worker),
					     RTE_CACHE_LINE_SIZE);
		if (dp->workers[i] == NULL) {
			snprintf(err, errlen, "out of memory for worker %u", i);
			goto fail;
		}
		dp->workers[i]->dp = dp;
		dp->workers[i]->idx = i;
	}
	if (vs_dp_publish(dp) != 0) {
		snprintf(err, errlen, "out of memory for the configuration snapshot");
		goto fail;
	}
	return dp;
fail:
	vs_dp_destroy(dp);
	return NULL;
}

void
vs_dp_destroy(struct vs_dp *dp)
{
	unsigned int i;

	if (dp == NULL)
		return;
	vs_dp_stop(dp);
	for (i = 0; i < VS_MAX_PORTS; i++) {
		if (dp->ports[i].in_use) {
			dp->ports[i].ops->close(&dp->ports[i]);
			dp->ports[i].in_use = false;
		}
	}
	for (i = 0; i < VS_MAX_WORKERS; i++)
		rte_free(dp->workers[i]);
	vs_fdb_fini(&dp->fdb);
	rte_free(dp->snap);
	rte_free(dp->qsbr);
	rte_mempool_free(dp->mp);
	rte_free(dp);
}

void
vs_dp_set_clock(struct vs_dp *dp, vs_clock_fn fn, void *arg)
{
	dp->clock = fn ? fn : vs_dp_tsc_clock;
	dp->clock_arg = fn ? arg : NULL;
}

uint64_t
vs_dp_now(const struct vs_dp *dp)
{
	return dp->clock(dp->clock_arg);
}

static int
vs_dp_name_check(const char *what, const char *name, char *err, size_t errlen)
{
	size_t len = strnlen(name, VS_NAME_MAX);
	size_t i;

	if (len == 0 || len >= VS_NAME_MAX) {
		snprintf(err, errlen, "%s: name must be 1 to %d characters", what, VS_NAME_MAX - 1);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.')) {
			snprintf(err, errlen,
				 "%s: name '%s' may hold only letters, digits, '-', '_' and '.'",
				 what, name);
			return -EINVAL;
		}
	}
	return 0;
}

int
vs_dp_switch_index(const struct vs_dp *dp, const char *name)
{
	unsigned int i;

	for (i = 0; i < VS_MAX_SWITCHES; i++)
		if (dp->switches[i].in_use && strcmp(dp->switches[i].conf.name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int
vs_dp_port_index(const struct vs_dp *dp, const char *name)
{
	unsigned int i;

	for (i = 0; i < VS_MAX_PORTS; i++)
		if (dp->ports[i].in_use && strcmp(dp->ports[i].conf.name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int
vs_dp_switch_check(const struct vs_dp *dp, const struct vs_switch_conf *c, char *err,
		   size_t errlen)
{
	unsigned int i;
	int rc = vs_dp_name_check("switch", c->name, err, errlen);

	if (rc != 0)
		return rc;
	if (vs_dp_switch_index(dp, c->name) >= 0) {
		snprintf(err, errlen, "switch: '%s' already exists", c->name);
		return -EEXIST;
	}
	for (i = 0; i < VS_MAX_SWITCHES; i++)
		if (!dp->switches[i].in_use)
			return 0;
	snprintf(err, errlen, "switch: all %d switches are in use", VS_MAX_SWITCHES);
	return -ENOSPC;
}

int
vs_dp_switch_add(struct vs_dp *dp, const struct vs_switch_conf *c, char *err, size_t errlen)
{
	unsigned int i;
	int rc = vs_dp_switch_check(dp, c, err, errlen);

	if (rc != 0)
		return rc;
	for (i = 0; i < VS_MAX_SWITCHES; i++)
		if (!dp->switches[i].in_use)
			break;
	memset(&dp->switches[i], 0, sizeof(dp->switches[i]));
	dp->switches[i].conf = *c;
	dp->switches[i].in_use = true;
	return 0;
}

int
vs_dp_key_in_switch(const struct vs_fdb_key *k, uint64_t v, void *arg)
{
	(void)v;
	return k->sw == *(const uint16_t *)arg;
}

int
vs_dp_switch_del_check(const struct vs_dp *dp, const char *name, char *err, size_t errlen)
{
	int sw = vs_dp_switch_index(dp, name);

	if (sw < 0) {
		snprintf(err, errlen, "switch: no switch named '%s'", name);
		return -ENOENT;
	}
	if (dp->switches[sw].n_ports > 0) {
		snprintf(err, errlen, "switch: '%s' still has %u port(s); delete them first", name,
			 dp->switches[sw].n_ports);
		return -EBUSY;
	}
	return 0;
}

int
vs_dp_switch_del(struct vs_dp *dp, const char *name, char *err, size_t errlen)
{
	int sw = vs_dp_switch_index(dp, name);
	int rc = vs_dp_switch_del_check(dp, name, err, errlen);
	uint16_t id;

	if (rc != 0)
		return rc;
	dp->switches[sw].in_use = false;
	id = (uint16_t)sw;
	vs_fdb_delete_if(&dp->fdb, vs_dp_key_in_switch, &id);
	return 0;
}

/* Places a new port's receive queue on the worker polling the fewest. */
static uint16_t
vs_dp_pick_worker(const struct vs_dp *dp)
{
	unsigned int load[VS_MAX_WORKERS] = {0};
	unsigned int i, best = 0;

	for (i = 0; i < VS_MAX_PORTS; i++)
		if (dp->ports[i].in_use)
			load[dp->ports[i].worker]++;
	for (i = 1; i < dp->n_workers; i++)
		if (load[i] < load[best])
			best = i;
	return (uint16_t)best;
}

int
vs_dp_port_check(const struct vs_dp *dp, const struct vs_port_conf *c, char *err, size_t errlen)
{
	unsigned int i;
	uint16_t id;
	size_t len;
	char dev[64];
	int rc;

	rc = vs_dp_name_check("port", c->name, err, errlen);
	if (rc != 0)
		return rc;
	if (vs_dp_port_index(dp, c->name) >= 0) {
		snprintf(err, errlen, "port: '%s' already exists", c->name);
		return -EEXIST;
	}
	if (vs_dp_switch_index(dp, c->switch_name) < 0) {
		snprintf(err, errlen, "port %s: switch: no switch named '%s'", c->name,
			 c->switch_name);
		return -ENOENT;
	}
	if (vs_port_ops_for(c->kind) == NULL) {
		snprintf(err, errlen, "port %s: kind: unsupported", c->name);
		return -EINVAL;
	}
	if (c->kind == VS_PORT_PHY) {
		len = strcspn(c->devargs, ",");
		if (c->devargs[0] == '\0' || len >= sizeof(dev)) {
			snprintf(err, errlen, "port %s: devargs: required for a phy port", c->name);
			return -EINVAL;
		}
		memcpy(dev, c->devargs, len);
		dev[len] = '\0';
		if (rte_eth_dev_get_port_by_name(dev, &id) == 0) {
			snprintf(err, errlen, "port %s: devargs: device %s is already in use", c->name,
				 dev);
			return -EEXIST;
		}
	}
	for (i = 0; i < VS_MAX_PORTS; i++)
		if (!dp->ports[i].in_use)
			return 0;
	snprintf(err, errlen, "port %s: all %d ports are in use", c->name, VS_MAX_PORTS);
	return -ENOSPC;
}

int
vs_dp_port_add(struct vs_dp *dp, const struct vs_port_conf *c, char *err, size_t errlen)
{
	struct vs_logcap lc;
	struct vs_port *p;
	uint16_t gen;
	unsigned int i;
	int sw, rc;

	rc = vs_dp_port_check(dp, c, err, errlen);
	if (rc != 0)
		return rc;
	sw = vs_dp_switch_index(dp, c->switch_name);
	for (i = 0; i < VS_MAX_PORTS; i++)
		if (!dp->ports[i].in_use)
			break;
	p = &dp->ports[i];
	gen = (uint16_t)(p->gen + 1);
	memset(p, 0, sizeof(*p));
	p->gen = gen ? gen : 1;
	p->conf = *c;
	p->ops = vs_port_ops_for(c->kind);
	p->sw = (uint16_t)sw;
	p->worker = vs_dp_pick_worker(dp);
	if (c->kind == VS_PORT_RING)
		snprintf(p->eth_name, sizeof(p->eth_name), "net_vsring%u",
			 __atomic_add_fetch(&vs_ring_seq, 1, __ATOMIC_RELAXED));
	vs_logcap_begin(&lc);
	rc = p->ops->open(p, dp->n_workers, dp->mp, err, errlen);
	vs_logcap_end(&lc, rc != 0, err, errlen);
	if (rc != 0) {
		p->ops->close(p);
		p->gen = gen; /* keep the generation moving even on failure */
		return rc;
	}
	p->in_use = true;
	dp->switches[sw].n_ports++;
	rc = vs_dp_publish(dp);
	if (rc != 0) {
		snprintf(err, errlen, "port %s: out of memory publishing the configuration",
			 c->name);
		p->in_use = false;
		dp->switches[sw].n_ports--;
		p->ops->close(p);
	}
	return rc;
}

static int
vs_dp_key_on_port(const struct vs_fdb_key *k, uint64_t v, void *arg)
{
	const uint16_t *pg = arg; /* [port, gen] */

	(void)k;
	return vs_fdb_value_port(v) == pg[0] && vs_fdb_value_gen(v) == pg[1];
}

int
vs_dp_port_del(struct vs_dp *dp, const char *name, char *err, size_t errlen)
{
	int idx = vs_dp_port_index(dp, name);
	struct vs_port *p;
	uint16_t pg[2];
	unsigned int w;
	int rc;

	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	p = &dp->ports[idx];
	p->in_use = false;
	rc = vs_dp_publish(dp);
	if (rc != 0) {
		p->in_use = true;
		snprintf(err, errlen, "port %s: out of memory publishing the configuration", name);
		return rc;
	}
	/* After the grace period no worker holds a frame for this port (tx
	 * buffers are flushed before each quiescent report) nor touches its
	 * counters, so both can go. */
	p->ops->close(p);
	dp->switches[p->sw].n_ports--;
	for (w = 0; w < dp->n_workers; w++)
		memset(&dp->workers[w]->stats[idx], 0, sizeof(dp->workers[w]->stats[idx]));
	memset(&dp->port_base[idx], 0, sizeof(dp->port_base[idx]));
	pg[0] = (uint16_t)idx;
	pg[1] = p->gen;
	vs_fdb_delete_if(&dp->fdb, vs_dp_key_on_port, pg);
	return 0;
}

int
vs_dp_port_set_admin(struct vs_dp *dp, const char *name, bool up, char *err, size_t errlen)
{
	int idx = vs_dp_port_index(dp, name);

	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	dp->ports[idx].conf.admin_down = !up;
	return vs_dp_publish(dp);
}

int
vs_dp_port_conf(const struct vs_dp *dp, unsigned int idx, struct vs_port_conf *out)
{
	if (idx >= VS_MAX_PORTS || !dp->ports[idx].in_use)
		return -ENOENT;
	*out = dp->ports[idx].conf;
	return 0;
}

int
vs_dp_switch_conf(const struct vs_dp *dp, unsigned int idx, struct vs_switch_conf *out)
{
	if (idx >= VS_MAX_SWITCHES || !dp->switches[idx].in_use)
		return -ENOENT;
	*out = dp->switches[idx].conf;
	return 0;
}

void
vs_dp_conf_get(const struct vs_dp *dp, struct vs_dp_conf *out)
{
	*out = dp->conf;
}

int
vs_dp_port_set_vlan(struct vs_dp *dp, const char *name, const struct vs_vlan_policy *vlan,
		    char *err, size_t errlen)
{
	int idx = vs_dp_port_index(dp, name);
	struct vs_port *p;
	struct vs_vlan_policy old;
	uint16_t pg[2];
	int rc;

	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	p = &dp->ports[idx];
	old = p->conf.vlan;
	p->conf.vlan = *vlan;
	/* Device stripping and the published policy must never disagree in
	 * the dangerous direction: an untagged port carries tags as data, so
	 * stripping goes off before it becomes untagged, and on only after it
	 * has stopped being untagged (access/trunk accept either form). */
	if (vlan->mode == VS_VLAN_MODE_UNTAGGED)
		vs_port_apply_vlan(p);
	rc = vs_dp_publish(dp);
	if (rc != 0) {
		p->conf.vlan = old;
		vs_port_apply_vlan(p);
		snprintf(err, errlen, "port %s: out of memory publishing the configuration", name);
		return rc;
	}
	if (vlan->mode != VS_VLAN_MODE_UNTAGGED)
		vs_port_apply_vlan(p);
	/* Stations learned in VLANs the port may no longer carry. */
	pg[0] = (uint16_t)idx;
	pg[1] = p->gen;
	vs_fdb_delete_if(&dp->fdb, vs_dp_key_on_port, pg);
	return 0;
}

unsigned int
vs_dp_port_count(const struct vs_dp *dp)
{
	unsigned int i, n = 0;

	for (i = 0; i < VS_MAX_PORTS; i++)
		n += dp->ports[i].in_use;
	return n;
}

unsigned int
vs_dp_switch_count(const struct vs_dp *dp)
{
	unsigned int i, n = 0;

	for (i = 0; i < VS_MAX_SWITCHES; i++)
		n += dp->switches[i].in_use;
	return n;
}

const char *
vs_dp_port_name(const struct vs_dp *dp, unsigned int idx)
{
	return idx < VS_MAX_PORTS && dp->ports[idx].in_use ? dp->ports[idx].conf.name : NULL;
}

const char *
vs_dp_port_switch(const struct vs_dp *dp, unsigned int idx)
{
	return idx < VS_MAX_PORTS && dp->ports[idx].in_use ? dp->ports[idx].conf.switch_name
							   : NULL;
}

const char *
vs_dp_switch_name(const struct vs_dp *dp, unsigned int idx)
{
	return idx < VS_MAX_SWITCHES && dp->switches[idx].in_use ? dp->switches[idx].conf.name
								 : NULL;
}

struct rte_ring *
vs_dp_port_rx_ring(const struct vs_dp *dp, unsigned int idx)
{
	return idx < VS_MAX_PORTS && dp->ports[idx].in_use ? dp->ports[idx].rx_ring : NULL;
}

struct rte_ring *
vs_dp_port_tx_ring(const struct vs_dp *dp, unsigned int idx)
{
	return idx < VS_MAX_PORTS && dp->ports[idx].in_use ? dp->ports[idx].tx_ring : NULL;
}

struct rte_mempool *
vs_dp_mempool(const struct vs_dp *dp)
{
	return dp->mp;
}

int
vs_dp_start(struct vs_dp *dp, char *err, size_t errlen)
{
	unsigned int lcore, w = 0;
	int rc;

	if (dp->running || dp->conf.n_workers == 0)
		return 0;
	if (rte_lcore_count() < dp->conf.n_workers + 1) {
		snprintf(err, errlen,
			 "workers: %u worker(s) need %u EAL lcores (one for control), have %u; "
			 "pass e.g. -l 0-%u",
			 dp->conf.n_workers, dp->conf.n_workers + 1, rte_lcore_count(),
			 dp->conf.n_workers);
		return -EINVAL;
	}
	dp->running = true;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct vs_worker *wk;

		if (w == dp->conf.n_workers)
			break;
		wk = dp->workers[w++];
		wk->lcore = lcore;
		wk->stop = false;
		rte_rcu_qsbr_thread_register(dp->qsbr, wk->idx);
		rc = rte_eal_remote_launch(vs_worker_main, wk, lcore);
		if (rc != 0) {
			snprintf(err, errlen, "workers: cannot launch on lcore %u: %s", lcore,
				 rte_strerror(-rc));
			vs_dp_stop(dp);
			return rc;
		}
	}
	return 0;
}

void
vs_dp_stop(struct vs_dp *dp)
{
	unsigned int w;

	if (!dp->running)
		return;
	for (w = 0; w < dp->conf.n_workers; w++)
		__atomic_store_n(&dp->workers[w]->stop, true, __ATOMIC_RELEASE);
	for (w = 0; w < dp->conf.n_workers; w++) {
		if (dp->workers[w]->lcore != 0)
			rte_eal_wait_lcore(dp->workers[w]->lcore);
		rte_rcu_qsbr_thread_unregister(dp->qsbr, w);
	}
	dp->running = false;
}

unsigned int
vs_dp_poll_once(struct vs_dp *dp)
{
	return vs_worker_poll(dp->workers[0], vs_dp_snapshot(dp), vs_dp_now_s(dp));
}

void
vs_dp_process_burst(struct vs_dp *dp, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n)
{
	const struct vs_snapshot *snap = vs_dp_snapshot(dp);
	uint32_t now_s = vs_dp_now_s(dp);
	uint16_t done = 0, chunk;

	if (in_port >= VS_MAX_PORTS) {
		rte_pktmbuf_free_bulk(pkts, n);
		return;
	}
	/* The pipeline's per-packet arrays hold one burst. */
	while (done < n) {
		chunk = (uint16_t)RTE_MIN(n - done, VS_BURST);
		vs_pipeline_run(dp->workers[0], snap, in_port, pkts + done, chunk, now_s);
		done = (uint16_t)(done + chunk);
	}
	vs_pipeline_flush(dp->workers[0], snap);
}
