/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vs-casegen [--cases DIR | case-dir ...]
 *
 * Writes a golden case's in/ and expect/ captures and expect/counters.json
 * from its case.spec: the expected output is what a person wrote down
 * frame by frame, never what the switch did.  The format is described in
 * README.md; in short:
 *
 *   # first line: what the case proves
 *   mac A 02:00:00:00:00:0a           name an address
 *   count p1.drops.runt 1             a counter expect/counters.json asserts
 *   # time  in  dst    src  frame     len  [options]   -> ports | drop
 *   1.0     p1  bcast  A    arp       60               -> p2 p3
 *
 * Frames: arp, ipv4-udp, ipv6-udp, ipv4-tcp, ipv6-tcp, llc, raw:0xTTTT, dhcp4-server,
 * dhcp4-client, dhcp6-server, dhcp6-client, icmp4-echo, icmp4-redirect,
 * icmp6-echo, icmp6-rs, icmp6-ra, icmp6-ns, icmp6-na, icmp6-redirect,
 * nlb-heartbeat, igmp1-report, igmp2-report, igmp2-leave, igmp-query,
 * igmp3-query, igmp3-report.
 * Options: vlan=VID[/PCP[/DEI]] and svlan=VID[/PCP[/DEI]] (tags,
 * outermost first), trunc=N (captured bytes), lenfield=N (llc),
 * ext=hbh+rt+dst+frag (IPv6 extension headers), frag=OFF (an IP fragment
 * at that byte offset), sport=N and dport=N (ipv4-udp and ipv6-udp),
 * cluster=IP and host=N (nlb-heartbeat), group=IP, rec=TYPE[@GROUP][/N],
 * mrt=N, qrv=N, qqic=N and csum=bad (IGMP), lso=MSS and csum=tcp|udp
 * (a netvsc guest's offload requests; each output then says :sw or :hw,
 * casegen_offload.c), xN
 * (the same line N times, one injection).  An output port may name the tag list the frame leaves
 * it with, replacing the frame's own: p3:vlan=10/5+svlan=300, or p4:- for
 * none; everything after the tags is the same bytes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "casegen_priv.h"
#include "golden.h"
#include "golden_priv.h"



struct vs_golden_gen_port {
	char name[32];
	struct vs_golden_flist in, out;
};

static struct vs_golden_gen_port *vs_golden_gen_port_of(struct vs_golden_gen_port *ports, size_t n,
						  const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ports[i].name, name) == 0)
			return &ports[i];
	return NULL;
}

struct vs_golden_gen_order {
	const struct vs_golden_gen_line *l;
	uint32_t serial; /* of the line's first frame, in spec order */
};

/* The runner injects by (time, port name, file order); the expected output
 * of each port must list frames in that same order. */
static int vs_golden_gen_cmp_order(const void *a, const void *b)
{
	const struct vs_golden_gen_line *x = ((const struct vs_golden_gen_order *)a)->l;
	const struct vs_golden_gen_line *y = ((const struct vs_golden_gen_order *)b)->l;
	int c;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	c = strcmp(x->in, y->in);
	if (c)
		return c;
	return x->lineno < y->lineno ? -1 : x->lineno > y->lineno;
}

static int vs_golden_gen_write_dir(struct vs_golden_gen *g, const char *sub,
				struct vs_golden_gen_port *ports, size_t n, bool out)
{
	char dir[4200], path[4300];
	int rc;

	snprintf(dir, sizeof(dir), "%s/%s", g->dir, sub);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		vs_golden_errf(g->err, sizeof(g->err), "%s: %s", dir, strerror(errno));
		return -errno;
	}
	/* Stale captures of ports that no longer send or receive would
	 * otherwise survive a regeneration. */
	rc = vs_golden_remove_pcaps(dir);
	if (rc < 0) {
		vs_golden_errf(g->err, sizeof(g->err), "%s: %s", dir, strerror(-rc));
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		const struct vs_golden_flist *l = out ? &ports[i].out : &ports[i].in;

		if (l->n == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s.pcap", dir, ports[i].name);
		rc = vs_golden_pcap_write(path, l, g->err, sizeof(g->err));
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int vs_golden_gen_write_counters(struct vs_golden_gen *g)
{
	char path[4200];
	char *text;
	FILE *f;

	snprintf(path, sizeof(path), "%s/expect/counters.json", g->dir);
	if (!g->counters->child) {
		if (remove(path) != 0 && errno != ENOENT)
			return -errno;
		return 0;
	}
	text = cJSON_Print(g->counters);
	f = text ? fopen(path, "w") : NULL;
	if (!f || fprintf(f, "%s\n", text) < 0 || fclose(f) != 0) {
		vs_golden_errf(g->err, sizeof(g->err), "%s: cannot write", path);
		free(text);
		return -EIO;
	}
	free(text);
	return 0;
}

/* The array of port in a by-port document (created empty). */
static cJSON *vs_golden_gen_port_array(cJSON *doc, const char *port)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, port);

	return a ? a : cJSON_AddArrayToObject(doc, port);
}

/* A line with offload requests (casegen_offload.c): the guest's form of
 * the frame and its per-packet info in, what each port gets out. */
static int vs_golden_gen_ol_line(struct vs_golden_gen *g, const struct vs_golden_gen_line *l,
				 uint32_t serial, struct vs_golden_gen_port *ports, size_t n,
				 uint8_t *buf, uint8_t *gbuf)
{
	struct vs_golden_flist *in = &vs_golden_gen_port_of(ports, n, l->in)->in;
	cJSON *a = vs_golden_gen_port_array(g->ppi, l->in), *e;
	int rc;

	vs_golden_gen_build(l, serial, buf);
	vs_golden_gen_ol_guest_form(l, buf, gbuf);
	rc = vs_golden_flist_add(in, l->ts_ns, gbuf, l->len, l->len);
	e = rc == 0 && a ? vs_golden_gen_ol_ppi(l, in->n) : NULL;
	if (!e || !cJSON_AddItemToArray(a, e))
		return -ENOMEM;
	for (unsigned int o = 0; o < l->n_out && rc == 0; o++) {
		const struct vs_golden_gen_out *op = &l->out[o];
		/* Only what a port is handed with its requests has metadata. */
		cJSON *meta = op->ol == VS_GOLDEN_GEN_OL_HW
				      ? vs_golden_gen_port_array(g->offload, op->port)
				      : NULL;

		rc = meta || op->ol != VS_GOLDEN_GEN_OL_HW
			     ? vs_golden_gen_ol_out(l, op, buf, l->ts_ns,
						    &vs_golden_gen_port_of(ports, n, op->port)->out,
						    meta)
			     : -ENOMEM;
	}
	return rc;
}

/* A by-port document written to sub (relative to the case), or removed
 * when no port has an entry. */
static int vs_golden_gen_write_json(struct vs_golden_gen *g, const char *sub, cJSON *doc)
{
	char path[4200], *text;
	bool any = false;
	const cJSON *a;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", g->dir, sub);
	cJSON_ArrayForEach(a, doc)
		any |= cJSON_GetArraySize(a) > 0;
	if (!any) {
		if (remove(path) != 0 && errno != ENOENT)
			return -errno;
		return 0;
	}
	text = cJSON_Print(doc);
	f = text ? fopen(path, "w") : NULL;
	if (!f || fprintf(f, "%s\n", text) < 0 || fclose(f) != 0) {
		vs_golden_errf(g->err, sizeof(g->err), "%s: cannot write", path);
		free(text);
		return -EIO;
	}
	free(text);
	return 0;
}

static int vs_golden_gen_generate(struct vs_golden_gen *g)
{
	const cJSON *tp, *ports_json = cJSON_GetObjectItemCaseSensitive(g->topology, "ports");
	struct vs_golden_gen_order *order;
	struct vs_golden_gen_port *ports;
	size_t n_ports = (size_t)cJSON_GetArraySize(ports_json), k = 0;
	uint8_t *buf = malloc(VS_GOLDEN_GEN_MAX_LEN);
	uint8_t *obuf = malloc(VS_GOLDEN_GEN_MAX_LEN);
	uint32_t serial = 1;
	int rc = 0;

	ports = calloc(n_ports ? n_ports : 1, sizeof(*ports));
	order = calloc(g->n_lines ? g->n_lines : 1, sizeof(*order));
	if (!buf || !obuf || !ports || !order) {
		rc = -ENOMEM;
		goto out;
	}
	cJSON_ArrayForEach(tp, ports_json) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(tp, "name");

		if (cJSON_IsString(name))
			snprintf(ports[k++].name, sizeof(ports[0].name), "%s", name->valuestring);
	}
	for (size_t i = 0; i < g->n_lines; i++) {
		order[i].l = &g->lines[i];
		order[i].serial = serial;
		serial += g->lines[i].repeat;
	}
	qsort(order, g->n_lines, sizeof(*order), vs_golden_gen_cmp_order);
	for (size_t i = 0; i < g->n_lines && rc == 0; i++) {
		const struct vs_golden_gen_line *l = order[i].l;
		uint32_t cap = l->trunc ? l->trunc : l->len;

		if (l->lso_mss || l->csum_proto) {
			rc = vs_golden_gen_ol_line(g, l, order[i].serial, ports, k, buf, obuf);
			continue;
		}
		for (unsigned int r = 0; r < l->repeat && rc == 0; r++) {
			vs_golden_gen_build(l, order[i].serial + r, buf);
			rc = vs_golden_flist_add(&vs_golden_gen_port_of(ports, k, l->in)->in, l->ts_ns,
						 buf, cap, l->len);
			/* What leaves the switch is what it was given: the
			 * captured bytes, stamped with the injection time. */
			for (unsigned int o = 0; o < l->n_out && rc == 0; o++) {
				const struct vs_golden_gen_out *op = &l->out[o];
				struct vs_golden_flist *fl =
					&vs_golden_gen_port_of(ports, k, op->port)->out;
				uint32_t ocap;

				if (op->n_tags < 0) {
					rc = vs_golden_flist_add(fl, l->ts_ns, buf, cap, cap);
					continue;
				}
				/* Its own tag list: 4 bytes more or fewer per tag,
				 * of the captured bytes too. */
				vs_golden_gen_retag(l, op, buf, l->len, obuf);
				ocap = cap + 4u * (uint32_t)op->n_tags - 4u * l->n_tags;
				rc = vs_golden_flist_add(fl, l->ts_ns, obuf, ocap, ocap);
			}
		}
	}
	if (rc == 0)
		rc = vs_golden_gen_write_dir(g, "in", ports, k, false);
	if (rc == 0)
		rc = vs_golden_gen_write_dir(g, "expect", ports, k, true);
	if (rc == 0)
		rc = vs_golden_gen_write_counters(g);
	if (rc == 0)
		rc = vs_golden_gen_write_json(g, "in/ppi.json", g->ppi);
	if (rc == 0)
		rc = vs_golden_gen_write_json(g, "expect/offload.json", g->offload);
out:
	if (rc == -ENOMEM)
		vs_golden_errf(g->err, sizeof(g->err), "%s: out of memory", g->dir);
	for (size_t i = 0; ports && i < k; i++) {
		vs_golden_flist_free(&ports[i].in);
		vs_golden_flist_free(&ports[i].out);
	}
	free(ports);
	free(order);
	free(buf);
	free(obuf);
	return rc;
}

static int vs_golden_gen_case(const char *dir)
{
	struct vs_golden_gen *g = calloc(1, sizeof(*g));
	int rc;

	if (!g)
		return -ENOMEM;
	g->dir = dir;
	g->counters = cJSON_CreateObject();
	g->ppi = cJSON_CreateObject();
	g->offload = cJSON_CreateObject();
	rc = g->counters && g->ppi && g->offload ? vs_golden_gen_read(g) : -ENOMEM;
	if (rc == 0)
		rc = vs_golden_gen_generate(g);
	if (rc < 0)
		fprintf(stderr, "vs-casegen: %s\n", g->err[0] ? g->err : strerror(-rc));
	else
		printf("generated %s (%zu spec lines)\n", dir, g->n_lines);
	cJSON_Delete(g->counters);
	cJSON_Delete(g->ppi);
	cJSON_Delete(g->offload);
	cJSON_Delete(g->topology);
	free(g->lines);
	free(g);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cases", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cases_dir = NULL;
	char path[4200];
	int opt, failed = 0;

	while ((opt = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			cases_dir = optarg;
			break;
		case 'h':
			printf("usage: vs-casegen [--cases DIR] [case-dir ...]\n"
			       "Regenerates in/ and expect/ of each case from its case.spec;\n"
			       "--cases DIR does every case folder under DIR.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (cases_dir) {
		char **names;
		int n = vs_golden_list_cases(cases_dir, &names);

		if (n < 0) {
			fprintf(stderr, "vs-casegen: %s: %s\n", cases_dir, strerror(-n));
			return 2;
		}
		for (int i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/%s", cases_dir, names[i]);
			failed |= vs_golden_gen_case(path) < 0;
		}
		vs_golden_free_list(names, n);
	}
	for (int i = optind; i < argc; i++)
		failed |= vs_golden_gen_case(argv[i]) < 0;
	if (!cases_dir && optind == argc) {
		fprintf(stderr, "usage: vs-casegen [--cases DIR] [case-dir ...]\n");
		return 2;
	}
	return failed ? 1 : 0;
}
