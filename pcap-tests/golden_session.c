/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The runner's side of the datapath: EAL set-up, creating a datapath from
 * a configuration document (netvsc ports get their guests, golden_netvsc.c),
 * and one injection (clock, age, enqueue on a ring port or send as a guest,
 * poll the control side, the pipeline and the guests until idle, drain).
 * Everything here runs on the calling thread with no workers, which is what
 * makes a replay exact.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <cjson/cJSON.h>

#include "ctl.h"
#include "golden.h"
#include "golden_priv.h"

/* A pipeline that keeps reporting received frames after its rings are
 * empty is broken; stop rather than spin forever. */
#define VS_GOLDEN_MAX_POLLS 1000000u

int vs_golden_eal_init(const char *prog)
{
	static bool done;
	static char prefix[64];
	static char arg0[256];
	/* rte_eal_init may reorder argv, so it gets storage that outlives it. */
	static char *argv[16];
	int argc = 0, rc;

	if (done)
		return 0;
	snprintf(arg0, sizeof(arg0), "%s", prog ? prog : "vs-golden");
	snprintf(prefix, sizeof(prefix), "--file-prefix=vsgold%ld", (long)getpid());
	argv[argc++] = arg0;
	argv[argc++] = (char *)"-l";
	argv[argc++] = (char *)"0";
	argv[argc++] = (char *)"--no-huge";
	argv[argc++] = (char *)"--no-pci";
	argv[argc++] = (char *)"--no-shconf";
	argv[argc++] = (char *)"-m";
	argv[argc++] = (char *)"512";
	argv[argc++] = (char *)"--log-level=lib.*:error";
	argv[argc++] = (char *)"--no-telemetry";
	argv[argc++] = prefix;
	argv[argc] = NULL;
	rc = rte_eal_init(argc, argv);
	if (rc < 0)
		return rte_errno ? -rte_errno : -EINVAL;
	done = true;
	return 0;
}

void vs_golden_eal_cleanup(void)
{
	{
		/* EAL leaves its (empty) runtime directory behind. */
		char rundir_eal[256];

		snprintf(rundir_eal, sizeof(rundir_eal), "%s", rte_eal_get_runtime_dir());
		rte_eal_cleanup();
		rmdir(rundir_eal);
	}
}

static uint64_t vs_golden_clock(void *arg)
{
	return *(const uint64_t *)arg;
}

static int vs_golden_cmp_port(const void *a, const void *b)
{
	return strcmp(((const struct vs_golden_port *)a)->name,
		      ((const struct vs_golden_port *)b)->name);
}

/* The topology without the runner's own keys (the guests of netvsc
 * ports), which the control protocol would refuse; NULL on error. */
static char *vs_golden_strip_topology(struct vs_golden_session *s, const char *json,
				      int *n_netvsc, char *err, size_t errlen)
{
	cJSON *doc = cJSON_Parse(json);
	char *out = NULL;

	if (!cJSON_IsObject(doc)) {
		vs_golden_errf(err, errlen, "topology: not a JSON object");
		*n_netvsc = -EINVAL;
	} else if ((*n_netvsc = vs_golden_guest_confs(s, doc, err, errlen)) >= 0) {
		out = cJSON_PrintUnformatted(doc);
		if (!out) {
			vs_golden_errf(err, errlen, "out of memory");
			*n_netvsc = -ENOMEM;
		}
	}
	cJSON_Delete(doc);
	return out;
}

int vs_golden_session_open(struct vs_golden_session *s, const char *json_in, char *err,
			   size_t errlen)
{
	struct vs_dp_conf conf;
	int rc, n_netvsc;
	char *json;

	json = vs_golden_strip_topology(s, json_in, &n_netvsc, err, errlen);
	if (!json) {
		rc = n_netvsc;
		goto fail;
	}
	memset(&conf, 0, sizeof(conf));
	rc = vs_ctl_dp_conf_parse(json, &conf, err, errlen);
	if (rc < 0)
		goto fail;
	/* The runner drives the pipeline itself; workers would race it. */
	conf.n_workers = 0;
	if (n_netvsc > 0) {
		const char *tmp = getenv("TMPDIR");

		snprintf(s->chan_dir, sizeof(s->chan_dir), "%s/vsgold-chan.XXXXXX",
			 tmp && tmp[0] && strlen(tmp) < 40 ? tmp : "/tmp");
		if (!mkdtemp(s->chan_dir)) {
			rc = -errno;
			vs_golden_errf(err, errlen, "%s: %s", s->chan_dir, strerror(errno));
			s->chan_dir[0] = '\0';
			goto fail;
		}
		snprintf(conf.chan_dir, sizeof(conf.chan_dir), "%s", s->chan_dir);
	}
	s->dp = vs_dp_create(&conf, err, errlen);
	if (!s->dp) {
		rc = -EINVAL;
		goto fail;
	}
	vs_dp_set_clock(s->dp, vs_golden_clock, &s->now_ns);
	rc = vs_ctl_config_apply(s->dp, json, err, errlen);
	if (rc < 0)
		goto fail;
	for (unsigned int idx = 0; idx < VS_MAX_PORTS; idx++) {
		const char *name = vs_dp_port_name(s->dp, idx);
		struct vs_port_conf pc;
		struct vs_golden_port *p;

		if (!name)
			continue;
		if ((!vs_dp_port_rx_ring(s->dp, idx) || !vs_dp_port_tx_ring(s->dp, idx)) &&
		    (vs_dp_port_conf(s->dp, idx, &pc) != 0 || pc.kind != VS_PORT_NETVSC)) {
			vs_golden_errf(err, errlen, "port %s: the runner drives \"kind\": \"ring\" "
				       "and \"netvsc\" ports only", name);
			rc = -EINVAL;
			goto fail;
		}
		p = &s->ports[s->n_ports++];
		p->idx = idx;
		snprintf(p->name, sizeof(p->name), "%s", name);
	}
	if (s->n_ports == 0) {
		vs_golden_errf(err, errlen, "the topology has no ports");
		rc = -EINVAL;
		goto fail;
	}
	/* Slot order is name order: ties between ports at one timestamp are
	 * broken by it, the same way vs-casegen orders its expectations. */
	qsort(s->ports, s->n_ports, sizeof(s->ports[0]), vs_golden_cmp_port);
	/* Guests come up in name order too, so that every run is the same. */
	for (unsigned int i = 0; i < s->n_ports; i++) {
		if (vs_dp_port_rx_ring(s->dp, s->ports[i].idx))
			continue;
		rc = vs_golden_guest_open(s, i, err, errlen);
		if (rc < 0)
			goto fail;
	}
	free(json);
	return 0;
fail:
	free(json);
	vs_golden_session_close(s);
	return rc;
}

void vs_golden_session_close(struct vs_golden_session *s)
{
	/* Guests close first: their teardown still talks to the host. */
	for (unsigned int i = 0; i < s->n_ports; i++)
		vs_golden_guest_close(&s->ports[i]);
	if (s->dp)
		vs_dp_destroy(s->dp);
	for (unsigned int i = 0; i < s->n_ports; i++) {
		vs_golden_flist_free(&s->ports[i].out);
		free(s->ports[i].meta);
		s->ports[i].meta = NULL;
		s->ports[i].n_meta = s->ports[i].cap_meta = 0;
	}
	if (s->chan_dir[0])
		rmdir(s->chan_dir);
	free(s->guest_confs);
	s->guest_confs = NULL;
	s->n_guest_confs = 0;
	s->chan_dir[0] = '\0';
	s->dp = NULL;
	s->n_ports = 0;
}

int vs_golden_session_port(const struct vs_golden_session *s, const char *name)
{
	for (unsigned int i = 0; i < s->n_ports; i++)
		if (strcmp(s->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Frames larger than one mbuf become a chain; the datapath must cope with
 * segmented frames, so the runner builds them the way a PMD would. */
static struct rte_mbuf *vs_golden_build_mbuf(struct rte_mempool *mp, const uint8_t *data,
					     uint32_t len)
{
	struct rte_mbuf *head = NULL, *seg;
	uint32_t off = 0;

	do {
		uint32_t n;
		char *dst;

		seg = rte_pktmbuf_alloc(mp);
		if (!seg)
			goto fail;
		n = RTE_MIN((uint32_t)rte_pktmbuf_tailroom(seg), len - off);
		dst = rte_pktmbuf_append(seg, (uint16_t)n);
		if (!dst) {
			rte_pktmbuf_free(seg);
			goto fail;
		}
		memcpy(dst, data + off, n);
		off += n;
		if (!head) {
			head = seg;
		} else if (rte_pktmbuf_chain(head, seg) != 0) {
			rte_pktmbuf_free(seg);
			goto fail;
		}
	} while (off < len);
	return head;
fail:
	rte_pktmbuf_free(head);
	return NULL;
}

/* A transmitted chain whose segments do not add up to pkt_len (a segment
 * freed under another copy, a lost next pointer) would make
 * rte_pktmbuf_read walk off the chain; say so instead of crashing. */
static bool vs_golden_chain_ok(const struct rte_mbuf *m)
{
	const struct rte_mbuf *seg = m;
	uint32_t sum = 0;
	uint16_t n = 0;

	for (; seg != NULL && n < m->nb_segs; seg = seg->next, n++)
		sum += seg->data_len;
	return seg == NULL && n == m->nb_segs && sum == m->pkt_len;
}

/* Takes one transmitted frame: checks it, copies it out, frees it. */
static int vs_golden_take(struct vs_golden_session *s, struct vs_golden_port *p,
			  struct rte_mbuf *m, uint8_t **buf, uint32_t *buf_size, char *err,
			  size_t errlen)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	const void *d;
	int rc = 0;

	s->transmitted++;
	if (!vs_golden_chain_ok(m)) {
		vs_golden_errf(err, errlen, "port %s: transmitted a broken mbuf chain (pkt_len "
			       "%u, nb_segs %u, segments do not add up)", p->name, len,
			       m->nb_segs);
		/* Freeing it could free memory twice; leak it. */
		return -EPROTO;
	}
	if (!s->keep_output)
		goto out;
	if (len > *buf_size) {
		uint8_t *nb = realloc(*buf, len);

		if (!nb) {
			vs_golden_errf(err, errlen, "out of memory collecting output");
			rc = -ENOMEM;
			goto out;
		}
		*buf = nb;
		*buf_size = len;
	}
	d = len ? rte_pktmbuf_read(m, 0, len, *buf) : *buf;
	if (!d) {
		vs_golden_errf(err, errlen, "port %s: transmitted mbuf shorter than its "
			       "pkt_len %u", p->name, len);
		rc = -EPROTO;
	} else if (vs_golden_flist_add(&p->out, s->now_ns, d, len, len) < 0 ||
		   vs_golden_meta_add(p, m) < 0) {
		vs_golden_errf(err, errlen, "out of memory collecting output");
		rc = -ENOMEM;
	}
out:
	rte_pktmbuf_free(m);
	return rc;
}

static int vs_golden_drain(struct vs_golden_session *s, char *err, size_t errlen)
{
	struct rte_mbuf *pkts[64];
	uint8_t *buf = NULL;
	uint32_t buf_size = 0;
	int rc = 0;

	for (unsigned int i = 0; i < s->n_ports; i++) {
		struct vs_golden_port *p = &s->ports[i];
		struct rte_ring *tx = vs_dp_port_tx_ring(s->dp, p->idx);
		unsigned int n;

		if (!tx)
			continue; /* a guest: its frames were taken as it received them */
		/* Every ring is emptied even after an error, so the next case
		 * does not inherit frames. */
		while ((n = rte_ring_dequeue_burst(tx, (void **)pkts, RTE_DIM(pkts), NULL)) > 0) {
			for (unsigned int k = 0; k < n; k++) {
				int r = vs_golden_take(s, p, pkts[k], &buf, &buf_size,
						       rc < 0 ? NULL : err, rc < 0 ? 0 : errlen);

				if (rc == 0)
					rc = r;
			}
		}
	}
	free(buf);
	return rc;
}

/* Polls the control side, the pipeline and every guest until none has
 * anything left to do and every guest transmission was completed. */
static int vs_golden_settle(struct vs_golden_session *s, char *err, size_t errlen)
{
	unsigned int polls = 0;

	for (;;) {
		int work = vs_dp_ctl_poll(s->dp, NULL);
		int g = vs_golden_guests_poll(s, err, errlen);

		if (g < 0)
			return g;
		work += (int)vs_dp_poll_once(s->dp) + g;
		/* What IGMP snooping saw holds for the frames that follow. */
		work += vs_dp_nlb_tick(s->dp) ? 1 : 0;
		if (work == 0 && vs_golden_guests_outstanding(s) == 0)
			return 0;
		if (++polls >= VS_GOLDEN_MAX_POLLS) {
			vs_golden_errf(err, errlen, "the pipeline did not go idle after %u polls",
				       polls);
			return -ELOOP;
		}
	}
}

/* Injection into a ring port: the frames are put on its receive ring. */
static int vs_golden_enqueue(struct vs_golden_session *s, struct vs_golden_port *p,
			     const struct vs_golden_frame *const *frames, unsigned int n,
			     char *err, size_t errlen)
{
	struct rte_ring *rx = vs_dp_port_rx_ring(s->dp, p->idx);
	struct rte_mempool *mp = vs_dp_mempool(s->dp);
	struct rte_mbuf **pkts;

	if (n > rte_ring_free_count(rx)) {
		vs_golden_errf(err, errlen, "port %s: %u frames at one timestamp do not fit its "
			 "receive ring (%u free)", p->name, n, rte_ring_free_count(rx));
		return -ENOSPC;
	}
	pkts = calloc(n, sizeof(*pkts));
	if (!pkts) {
		vs_golden_errf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < n; i++) {
		pkts[i] = vs_golden_build_mbuf(mp, frames[i]->data, frames[i]->len);
		if (!pkts[i]) {
			vs_golden_errf(err, errlen, "port %s: no mbufs for a %u-byte frame (pool "
				 "exhausted or frame too large)", p->name, frames[i]->len);
			rte_pktmbuf_free_bulk(pkts, i);
			free(pkts);
			return -ENOMEM;
		}
	}
	if (rte_ring_enqueue_bulk(rx, (void **)pkts, n, NULL) != n) {
		vs_golden_errf(err, errlen, "port %s: receive ring refused %u frames", p->name, n);
		rte_pktmbuf_free_bulk(pkts, n);
		free(pkts);
		return -ENOSPC;
	}
	free(pkts);
	return 0;
}

int vs_golden_inject(struct vs_golden_session *s, unsigned int slot, uint64_t ts_ns,
		     const struct vs_golden_frame *const *frames, unsigned int n, char *err,
		     size_t errlen)
{
	struct vs_golden_port *p = &s->ports[slot];
	struct rte_ring *rx = vs_dp_port_rx_ring(s->dp, p->idx);
	int rc;

	/* Aging runs with the clock at the injection time, before the frames:
	 * an entry idle past the aging time is gone when they arrive. */
	s->now_ns = ts_ns;
	vs_dp_fdb_age(s->dp);
	vs_dp_nlb_tick(s->dp); /* IGMP membership timers, on the same clock */
	rc = p->guest ? vs_golden_guest_send(s, slot, frames, n, err, errlen)
		      : vs_golden_enqueue(s, p, frames, n, err, errlen);
	if (rc == 0)
		rc = vs_golden_settle(s, err, errlen);
	if (rc < 0)
		return rc;
	if (rx && rte_ring_count(rx) != 0) {
		vs_golden_errf(err, errlen, "port %s: %u frames left on its receive ring after the "
			 "pipeline went idle", p->name, rte_ring_count(rx));
		return -EPROTO;
	}
	return vs_golden_drain(s, err, errlen);
}
