/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The golden runner: load a case, replay its inputs in timestamp order,
 * compare every port's output with expect/, or rewrite expect/ when asked
 * (--update-golden is the only way the runner changes a case).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "golden.h"
#include "golden_priv.h"

/* Differences reported per port before the rest are only counted. */
#define VS_GOLDEN_MAX_DIFFS 8

struct vs_golden_rec {
	uint64_t ts_ns;
	unsigned int slot;
	size_t seq; /* position in its file: keeps ties in file order */
	const struct vs_golden_frame *f;
};

struct vs_golden_case {
	const char *dir;
	const char *name; /* last path component, for reports */
	FILE *rep;
	struct vs_golden_session s;
	struct vs_golden_flist in[VS_MAX_PORTS]; /* by session slot */
	struct vs_golden_result *res;
	bool first_set;
	char err[512];
};

static int vs_golden_cmp_rec(const void *a, const void *b)
{
	const struct vs_golden_rec *x = a, *y = b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Reads every in/<port>.pcap; a file for a port the topology lacks is an
 * error, since its frames would silently never be injected. */
static int vs_golden_load_inputs(struct vs_golden_case *c)
{
	char dir[4096], path[4200], port[VS_NAME_MAX * 2];
	char **files;
	int n, rc = 0;

	snprintf(dir, sizeof(dir), "%s/in", c->dir);
	n = vs_golden_list_pcaps(dir, &files);
	if (n < 0) {
		vs_golden_errf(c->err, sizeof(c->err), "%s: %s", dir, strerror(-n));
		return n;
	}
	for (int i = 0; i < n && rc == 0; i++) {
		int slot;

		vs_golden_pcap_port(files[i], port, sizeof(port));
		slot = vs_golden_session_port(&c->s, port);
		if (slot < 0) {
			vs_golden_errf(c->err, sizeof(c->err), "in/%s: no port '%s' in topology.json",
				 files[i], port);
			rc = -ENOENT;
			break;
		}
		if (c->in[slot].n) {
			vs_golden_errf(c->err, sizeof(c->err), "in/: two captures for port '%s'", port);
			rc = -EEXIST;
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		rc = vs_golden_pcap_read(path, &c->in[slot], c->err, sizeof(c->err));
	}
	vs_golden_free_list(files, n);
	/* The offload requests netvsc guests send with their frames. */
	snprintf(path, sizeof(path), "%s/ppi.json", dir);
	if (rc == 0 && access(path, F_OK) == 0)
		rc = vs_golden_ppi_load(&c->s, path, c->in, c->err, sizeof(c->err));
	return rc;
}

static int vs_golden_replay(struct vs_golden_case *c)
{
	const struct vs_golden_frame **group = NULL;
	struct vs_golden_rec *recs;
	size_t total = 0, k = 0, i, j;
	int rc = 0;

	for (i = 0; i < c->s.n_ports; i++)
		total += c->in[i].n;
	recs = calloc(total ? total : 1, sizeof(*recs));
	group = calloc(total ? total : 1, sizeof(*group));
	if (!recs || !group) {
		free(recs);
		free(group);
		vs_golden_errf(c->err, sizeof(c->err), "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < c->s.n_ports; i++)
		for (j = 0; j < c->in[i].n; j++)
			recs[k++] = (struct vs_golden_rec){ c->in[i].v[j].ts_ns, (unsigned int)i, j,
							    &c->in[i].v[j] };
	qsort(recs, total, sizeof(*recs), vs_golden_cmp_rec);
	for (i = 0; i < total && rc == 0; i = j) {
		unsigned int n = 0;

		for (j = i; j < total && recs[j].slot == recs[i].slot &&
			    recs[j].ts_ns == recs[i].ts_ns; j++)
			group[n++] = recs[j].f;
		rc = vs_golden_inject(&c->s, recs[i].slot, recs[i].ts_ns, group, n, c->err,
				      sizeof(c->err));
	}
	if (c->res)
		c->res->injected = total;
	free(recs);
	free(group);
	return rc;
}

static void vs_golden_note(struct vs_golden_case *c, const char *port, long frame, long byte)
{
	if (c->res)
		c->res->mismatches++;
	if (c->first_set || !c->res)
		return;
	c->first_set = true;
	snprintf(c->res->first.port, sizeof(c->res->first.port), "%s", port);
	c->res->first.frame = frame;
	c->res->first.byte = byte;
}

static void vs_golden_show_frame(FILE *rep, const char *what, const struct vs_golden_frame *f)
{
	char line[512];

	vs_golden_decode(f->data, f->len, line, sizeof(line));
	fprintf(rep, "    %-8s t=%llu.%06llu  %s\n", what,
		(unsigned long long)(f->ts_ns / 1000000000ull),
		(unsigned long long)(f->ts_ns % 1000000000ull / 1000ull), line);
}

/* Sixteen bytes of both frames from the row holding the first difference. */
static void vs_golden_show_bytes(FILE *rep, const struct vs_golden_frame *e,
				 const struct vs_golden_frame *a, uint32_t at)
{
	const struct vs_golden_frame *fr[2] = { e, a };
	uint32_t row = at & ~15u;

	for (int k = 0; k < 2; k++) {
		fprintf(rep, "    %-8s @%04x:", k ? "actual" : "expected", row);
		for (uint32_t b = row; b < row + 16 && b < fr[k]->len; b++)
			fprintf(rep, b == at ? " [%02x]" : " %02x", fr[k]->data[b]);
		fprintf(rep, "\n");
	}
}

static void vs_golden_compare_port(struct vs_golden_case *c, const char *port,
				   const struct vs_golden_flist *exp,
				   const struct vs_golden_flist *act)
{
	size_t n = exp->n > act->n ? exp->n : act->n;
	unsigned int shown = 0, hidden = 0;

	for (size_t i = 0; i < n; i++) {
		const struct vs_golden_frame *e = i < exp->n ? &exp->v[i] : NULL;
		const struct vs_golden_frame *a = i < act->n ? &act->v[i] : NULL;
		uint32_t at = 0, min = 0;
		long byte = -1;

		if (e && a) {
			min = e->len < a->len ? e->len : a->len;
			while (at < min && e->data[at] == a->data[at])
				at++;
			if (at == min && e->len == a->len)
				continue;
			if (at < min)
				byte = (long)at;
		}
		vs_golden_note(c, port, (long)i + 1, byte);
		if (shown++ >= VS_GOLDEN_MAX_DIFFS) {
			hidden++;
			continue;
		}
		if (!a) {
			fprintf(c->rep, "FAIL %s: port %s frame %zu: missing (expected %zu frames, "
				"got %zu)\n", c->name, port, i + 1, exp->n, act->n);
			vs_golden_show_frame(c->rep, "expected", e);
		} else if (!e) {
			fprintf(c->rep, "FAIL %s: port %s frame %zu: extra (expected %zu frames, "
				"got %zu)\n", c->name, port, i + 1, exp->n, act->n);
			vs_golden_show_frame(c->rep, "actual", a);
		} else {
			fprintf(c->rep, "FAIL %s: port %s frame %zu: expected %u bytes, got %u; ",
				c->name, port, i + 1, e->len, a->len);
			if (byte >= 0)
				fprintf(c->rep, "first differing byte at offset %u (0x%04x): "
					"expected 0x%02x, got 0x%02x\n", at, at, e->data[at],
					a->data[at]);
			else
				fprintf(c->rep, "identical over the first %u bytes\n", min);
			vs_golden_show_frame(c->rep, "expected", e);
			vs_golden_show_frame(c->rep, "actual", a);
			if (byte >= 0)
				vs_golden_show_bytes(c->rep, e, a, at);
		}
	}
	if (hidden)
		fprintf(c->rep, "FAIL %s: port %s: %u more differing frames not shown\n", c->name,
			port, hidden);
}

/* A capture in expect/ for a port the topology lacks would never be
 * compared; refuse it like an unknown input. */
static int vs_golden_check_expect_dir(struct vs_golden_case *c, const char *dir)
{
	char port[VS_NAME_MAX * 2];
	char **files;
	int n = vs_golden_list_pcaps(dir, &files), rc = 0;

	if (n == -ENOENT)
		return 0;
	if (n < 0) {
		vs_golden_errf(c->err, sizeof(c->err), "%s: %s", dir, strerror(-n));
		return n;
	}
	for (int i = 0; i < n; i++) {
		vs_golden_pcap_port(files[i], port, sizeof(port));
		if (vs_golden_session_port(&c->s, port) < 0) {
			vs_golden_errf(c->err, sizeof(c->err), "expect/%s: no port '%s' in "
				 "topology.json", files[i], port);
			rc = -ENOENT;
			break;
		}
	}
	vs_golden_free_list(files, n);
	return rc;
}

static int vs_golden_compare(struct vs_golden_case *c, bool update)
{
	char dir[4096], path[4200];
	int rc;

	snprintf(dir, sizeof(dir), "%s/expect", c->dir);
	rc = vs_golden_check_expect_dir(c, dir);
	if (rc < 0)
		return rc;
	for (unsigned int i = 0; i < c->s.n_ports; i++) {
		const struct vs_golden_port *p = &c->s.ports[i];
		struct vs_golden_flist exp = { 0 };

		snprintf(path, sizeof(path), "%s/%s.pcap", dir, p->name);
		if (access(path, F_OK) == 0) {
			rc = vs_golden_pcap_read(path, &exp, c->err, sizeof(c->err));
			if (rc < 0)
				return rc;
		}
		vs_golden_compare_port(c, p->name, &exp, &p->out);
		vs_golden_flist_free(&exp);
		if (!update)
			continue;
		/* An empty output is stated by the absence of the capture. */
		if (p->out.n == 0) {
			if (unlink(path) != 0 && errno != ENOENT) {
				vs_golden_errf(c->err, sizeof(c->err), "%s: %s", path, strerror(errno));
				return -errno;
			}
			continue;
		}
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			vs_golden_errf(c->err, sizeof(c->err), "%s: %s", dir, strerror(errno));
			return -errno;
		}
		rc = vs_golden_pcap_write(path, &p->out, c->err, sizeof(c->err));
		if (rc < 0)
			return rc;
	}
	return 0;
}

static const char *vs_golden_basename(const char *dir)
{
	size_t n = strlen(dir);
	const char *s;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (s = dir + n; s > dir && s[-1] != '/'; s--)
		;
	return s;
}

int vs_golden_run_case(const char *dir, const struct vs_golden_opts *opts,
		       struct vs_golden_result *res)
{
	struct vs_golden_result local;
	struct vs_golden_case *c;
	char path[4200], name[256];
	unsigned long frame_diffs;
	char *json;
	int rc;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->dir = dir;
	snprintf(name, sizeof(name), "%s", vs_golden_basename(dir));
	if (strchr(name, '/'))
		*strchr(name, '/') = '\0';
	c->name = name;
	c->rep = opts && opts->report ? opts->report : stderr;
	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	c->res = res;
	c->s.keep_output = true;
	snprintf(path, sizeof(path), "%s/topology.json", dir);
	json = vs_ctl_read_file(path, c->err, sizeof(c->err));
	if (!json) {
		rc = -ENOENT;
		goto out;
	}
	rc = vs_golden_session_open(&c->s, json, c->err, sizeof(c->err));
	free(json);
	if (rc < 0)
		goto out;
	rc = vs_golden_load_inputs(c);
	if (rc == 0)
		rc = vs_golden_replay(c);
	if (rc == 0)
		rc = vs_golden_compare(c, opts && opts->update);
	frame_diffs = res->mismatches;
	/* The metadata ring ports were handed; like counters, never
	 * rewritten by --update-golden. */
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/expect/offload.json", dir);
		rc = vs_golden_check_offload(&c->s, access(path, F_OK) == 0 ? path : NULL, c->name,
					     c->rep, &res->first, &c->first_set, c->err,
					     sizeof(c->err));
		if (rc > 0)
			res->mismatches += (unsigned long)rc;
		rc = rc > 0 ? 0 : rc;
	}
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/expect/counters.json", dir);
		if (access(path, F_OK) == 0) {
			rc = vs_golden_check_counters(&c->s, path, c->name, c->rep, &res->first,
						      &c->first_set, c->err, sizeof(c->err));
			if (rc > 0)
				res->mismatches += (unsigned long)rc;
			rc = rc > 0 ? 0 : rc;
		}
	}
	res->transmitted = c->s.transmitted;
	/* Under --update-golden frame differences are the update itself;
	 * counters are never rewritten, so their differences still fail. */
	if (rc == 0 && opts && opts->update && frame_diffs)
		fprintf(c->rep, "UPDATED %s: expect/ rewritten from the actual output\n", c->name);
	if (rc == 0 && res->mismatches > (opts && opts->update ? frame_diffs : 0))
		rc = VS_GOLDEN_FAIL;
out:
	if (rc < 0)
		fprintf(c->rep, "ERROR %s: %s\n", c->name, c->err[0] ? c->err : strerror(-rc));
	vs_golden_session_close(&c->s);
	for (unsigned int i = 0; i < VS_MAX_PORTS; i++)
		vs_golden_flist_free(&c->in[i]);
	free(c);
	return rc;
}
