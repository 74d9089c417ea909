/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Accounting replay: any capture, no expected output, one rule — every
 * frame a port receives is forwarded (unicast or flood) or dropped under a
 * named reason.  Third-party captures (runts, truncated records, QinQ,
 * reserved addresses, 80 KB frames) are what find the frames a pipeline
 * forgets to count.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "golden_priv.h"

/* A station must enter on one port for the whole capture, or every frame
 * would be a MAC move.  Stations take the ports in turn, in order of first
 * appearance, so the two ends of a conversation sit on different ports and
 * the capture is switched rather than hairpinned.  Frames too short to
 * hold a source go in on the first port. */
struct vs_golden_stations {
	uint8_t (*mac)[6];
	size_t n, cap;
};

static int vs_golden_ingress(struct vs_golden_stations *st, const struct vs_golden_frame *f,
			     unsigned int n_ports)
{
	size_t i;

	if (f->len < 12)
		return 0;
	for (i = 0; i < st->n; i++)
		if (memcmp(st->mac[i], f->data + 6, 6) == 0)
			return (int)(i % n_ports);
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 64;
		void *v = realloc(st->mac, cap * sizeof(*st->mac));

		if (!v)
			return -ENOMEM;
		st->mac = v;
		st->cap = cap;
	}
	memcpy(st->mac[st->n], f->data + 6, 6);
	return (int)(st->n++ % n_ports);
}

static int vs_golden_acct_topology(unsigned int n_ports, char *buf, size_t size)
{
	size_t used;
	int n;

	n = snprintf(buf, size, "{\"datapath\": {\"workers\": 0}, \"switches\": [{\"name\": "
		     "\"sw0\", \"type\": \"private\"}], \"ports\": [");
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	used = (size_t)n;
	for (unsigned int i = 0; i < n_ports; i++) {
		n = snprintf(buf + used, size - used, "%s{\"switch\": \"sw0\", \"name\": \"p%u\", "
			     "\"kind\": \"ring\"}", i ? ", " : "", i + 1);
		if (n < 0 || (size_t)n >= size - used)
			return -ENOSPC;
		used += (size_t)n;
	}
	n = snprintf(buf + used, size - used, "]}");
	return n < 0 || (size_t)n >= size - used ? -ENOSPC : 0;
}

int vs_golden_replay_accounting(const char *pcap_path, unsigned int n_ports, FILE *report,
				struct vs_golden_acct *acct)
{
	struct vs_golden_session *s;
	struct vs_golden_flist in = { 0 };
	struct vs_golden_stations stations = { 0 };
	int *port_of = NULL;
	const struct vs_golden_frame **group = NULL;
	struct vs_golden_acct local;
	char json[8192], err[512] = "";
	unsigned int slot_of_port[VS_MAX_PORTS];
	int rc, failed = 0;
	size_t i, j;

	if (!report)
		report = stderr;
	if (!acct)
		acct = &local;
	memset(acct, 0, sizeof(*acct));
	if (n_ports == 0 || n_ports > 64)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	rc = vs_golden_acct_topology(n_ports, json, sizeof(json));
	if (rc == 0)
		rc = vs_golden_session_open(s, json, err, sizeof(err));
	if (rc < 0)
		goto out;
	/* Slots are name-sorted ("p10" < "p2"); map port number to slot. */
	for (unsigned int p = 0; p < n_ports; p++) {
		char name[16];

		snprintf(name, sizeof(name), "p%u", p + 1);
		slot_of_port[p] = (unsigned int)vs_golden_session_port(s, name);
	}
	rc = vs_golden_pcap_read(pcap_path, &in, err, sizeof(err));
	if (rc < 0)
		goto out;
	group = calloc(in.n ? in.n : 1, sizeof(*group));
	port_of = calloc(in.n ? in.n : 1, sizeof(*port_of));
	if (!group || !port_of) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < in.n; i++) {
		port_of[i] = vs_golden_ingress(&stations, &in.v[i], n_ports);
		if (port_of[i] < 0) {
			rc = -ENOMEM;
			goto out;
		}
	}
	/* Records stay in file order (captures are not always sorted by
	 * time); consecutive records of one port and time go in together. */
	for (i = 0; i < in.n && rc == 0; i = j) {
		unsigned int n = 0;

		for (j = i; j < in.n && in.v[j].ts_ns == in.v[i].ts_ns &&
			    port_of[j] == port_of[i] && n < 512; j++)
			group[n++] = &in.v[j];
		rc = vs_golden_inject(s, slot_of_port[port_of[i]], in.v[i].ts_ns, group, n, err,
				      sizeof(err));
	}
	if (rc < 0)
		goto out;
	acct->frames = in.n;
	for (unsigned int p = 0; p < n_ports; p++) {
		const struct vs_golden_port *gp = &s->ports[slot_of_port[p]];
		struct vs_port_stats st;
		uint64_t drops = 0;

		if (vs_dp_port_stats(s->dp, gp->idx, &st) < 0) {
			vs_golden_errf(err, sizeof(err), "port %s: no counters", gp->name);
			rc = -EIO;
			goto out;
		}
		for (int r = 0; r < VS_DROP_MAX; r++) {
			drops += st.drops[r];
			acct->drops[r] += st.drops[r];
		}
		acct->rx += st.rx_packets;
		acct->fwd_unicast += st.fwd_unicast;
		acct->fwd_flood += st.fwd_flood;
		acct->dropped += drops;
		if (st.rx_packets != st.fwd_unicast + st.fwd_flood + drops) {
			failed = 1;
			fprintf(report, "FAIL %s (%u ports): port %s received %llu frames but "
				"forwarded %llu unicast + %llu flooded and dropped %llu\n",
				pcap_path, n_ports, gp->name, (unsigned long long)st.rx_packets,
				(unsigned long long)st.fwd_unicast,
				(unsigned long long)st.fwd_flood, (unsigned long long)drops);
		}
	}
	if (acct->rx != acct->frames) {
		failed = 1;
		fprintf(report, "FAIL %s (%u ports): %lu frames injected, ports counted %lu "
			"received\n", pcap_path, n_ports, acct->frames, acct->rx);
	}
	/* One switch: a flooded frame leaves on every port but its own. */
	if (s->transmitted != acct->fwd_unicast + acct->fwd_flood * (n_ports - 1)) {
		failed = 1;
		fprintf(report, "FAIL %s (%u ports): %lu unicast + %lu flooded should transmit "
			"%lu frames, the ports transmitted %lu\n", pcap_path, n_ports,
			acct->fwd_unicast, acct->fwd_flood,
			acct->fwd_unicast + acct->fwd_flood * (n_ports - 1), s->transmitted);
	}
	if (acct->drops[VS_DROP_TX_FULL]) {
		/* The runner drains after every injection, so a full transmit
		 * ring means frames were lost, not merely delayed. */
		failed = 1;
		fprintf(report, "FAIL %s (%u ports): %llu frames dropped as tx_full\n", pcap_path,
			n_ports, (unsigned long long)acct->drops[VS_DROP_TX_FULL]);
	}
out:
	if (rc < 0)
		fprintf(report, "ERROR %s (%u ports): %s\n", pcap_path, n_ports,
			err[0] ? err : strerror(-rc));
	free(group);
	free(port_of);
	free(stations.mac);
	vs_golden_flist_free(&in);
	vs_golden_session_close(s);
	free(s);
	return rc < 0 ? rc : failed ? VS_GOLDEN_FAIL : 0;
}
