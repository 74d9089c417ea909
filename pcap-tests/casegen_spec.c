/* SPDX-License-Identifier: BSD-3-Clause */
/* vs-casegen: reading a case.spec into lines (the syntax is in README.md);
 * casegen.c writes the captures from them. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "casegen_priv.h"
#include "golden.h"
#include "golden_priv.h"

/* Whole file, NUL-terminated; the caller frees. */
char *vs_golden_gen_slurp(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long n;

	if (!f) {
		vs_golden_errf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = '\0';
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	if (!buf)
		vs_golden_errf(err, errlen, "%s: cannot read", path);
	return buf;
}

static int vs_golden_gen_fail(struct vs_golden_gen *g, unsigned int lineno, const char *fmt,
			   const char *arg)
{
	char msg[256];

	/* fmt is one of this file's literals with a single %s. */
	snprintf(msg, sizeof(msg), fmt, arg);
	vs_golden_errf(g->err, sizeof(g->err), "%s/case.spec:%u: %s", g->dir, lineno, msg);
	return -EINVAL;
}

static int vs_golden_gen_parse_mac(struct vs_golden_gen *g, const char *s, uint8_t *mac)
{
	unsigned int b[6];
	char end;

	if (strcmp(s, "bcast") == 0) {
		memset(mac, 0xff, 6);
		return 0;
	}
	for (unsigned int i = 0; i < g->n_macs; i++) {
		if (strcmp(g->macs[i].name, s) == 0) {
			memcpy(mac, g->macs[i].mac, 6);
			return 0;
		}
	}
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* Seconds with up to nine decimals, exactly (no floating point). */
static int vs_golden_gen_parse_time(const char *s, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0, scale = 1000000000ull;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++)
		sec = sec * 10 + (uint64_t)(*p - '0');
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale == 1)
				return -EINVAL;
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		}
	}
	if (*p || sec > 1000000)
		return -EINVAL;
	*ns = (VS_GOLDEN_GEN_EPOCH_S + sec) * 1000000000ull + frac;
	return 0;
}

static int vs_golden_gen_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno || end == s || *end || *out > max || s[0] == '-' ? -EINVAL : 0;
}

static int vs_golden_gen_parse_out_tags(const char *s, struct vs_golden_gen_out *o);

static const cJSON *vs_golden_gen_port_json(const struct vs_golden_gen *g, const char *port)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(g->topology, "ports")) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(p, "name");

		if (cJSON_IsString(n) && strcmp(n->valuestring, port) == 0)
			return p;
	}
	return NULL;
}

static bool vs_golden_gen_port_known(const struct vs_golden_gen *g, const char *port)
{
	return vs_golden_gen_port_json(g, port) != NULL;
}

const char *vs_golden_gen_port_kind(const struct vs_golden_gen *g, const char *port)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(vs_golden_gen_port_json(g, port), "kind");

	return cJSON_IsString(k) ? k->valuestring : "";
}

/* An output "port[:TAGS][:sw|:hw]": the fields after the port name, in
 * any order, at most one of each. */
static int vs_golden_gen_parse_out_fields(char *s, struct vs_golden_gen_out *o)
{
	char *save = NULL, *t;
	bool tags = false;

	for (t = strtok_r(s, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
		if (strcmp(t, "sw") == 0 || strcmp(t, "hw") == 0) {
			if (o->ol != VS_GOLDEN_GEN_OL_NONE)
				return -EINVAL;
			o->ol = t[0] == 's' ? VS_GOLDEN_GEN_OL_SW : VS_GOLDEN_GEN_OL_HW;
		} else if (tags || vs_golden_gen_parse_out_tags(t, o) < 0) {
			return -EINVAL;
		} else {
			tags = true;
		}
	}
	return 0;
}

/* VID[/PCP[/DEI]] of a tag with that TPID, appended to tags[*n]. */
static int vs_golden_gen_parse_tag(const char *v, uint16_t tpid, struct vs_golden_gen_tag *tags,
				   unsigned int *n)
{
	unsigned long vid, pcp = 0, dei = 0;
	char buf[32], *slash, *slash2;

	if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf))
		return -EINVAL;
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		slash2 = strchr(slash + 1, '/');
		if (slash2) {
			*slash2 = '\0';
			if (vs_golden_gen_parse_uint(slash2 + 1, 1, &dei) < 0)
				return -EINVAL;
		}
		if (vs_golden_gen_parse_uint(slash + 1, 7, &pcp) < 0)
			return -EINVAL;
	}
	if (vs_golden_gen_parse_uint(buf, 4095, &vid) < 0 || *n == VS_GOLDEN_GEN_MAX_TAGS)
		return -EINVAL;
	tags[*n].tpid = tpid;
	tags[*n].tci = (uint16_t)(pcp << 13 | dei << 12 | vid);
	(*n)++;
	return 0;
}

/* One tag in the option syntax: vlan=VID[/PCP[/DEI]] or svlan=... */
static int vs_golden_gen_parse_tag_opt(const char *t, struct vs_golden_gen_tag *tags,
				       unsigned int *n)
{
	if (strncmp(t, "vlan=", 5) == 0)
		return vs_golden_gen_parse_tag(t + 5, 0x8100, tags, n);
	if (strncmp(t, "svlan=", 6) == 0)
		return vs_golden_gen_parse_tag(t + 6, 0x88a8, tags, n);
	return -EINVAL;
}

/* The TAGS of an output "port:TAGS": "-" (none) or tags joined by '+',
 * outermost first. */
static int vs_golden_gen_parse_out_tags(const char *s, struct vs_golden_gen_out *o)
{
	char buf[160], *save = NULL, *t;
	unsigned int n = 0;

	o->n_tags = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	if (!s[0] || snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -EINVAL;
	/* strtok_r would skip an empty tag ("a++b", "+a"): refuse those. */
	if (buf[0] == '+' || buf[strlen(buf) - 1] == '+' || strstr(buf, "++"))
		return -EINVAL;
	for (t = strtok_r(buf, "+", &save); t; t = strtok_r(NULL, "+", &save))
		if (vs_golden_gen_parse_tag_opt(t, o->tags, &n) < 0)
			return -EINVAL;
	o->n_tags = (int)n;
	return 0;
}

/* ext=hbh+rt+dst+frag: IPv6 extension headers, in that order after the
 * IPv6 header. */
static int vs_golden_gen_parse_ext(const char *s, struct vs_golden_gen_line *l)
{
	static const struct {
		const char *name;
		uint8_t nh;
	} names[] = { { "hbh", 0 }, { "rt", 43 }, { "dst", 60 }, { "frag", 44 } };
	char buf[64], *save = NULL, *t;

	if (!s[0] || snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf) || l->n_ext ||
	    buf[0] == '+' || buf[strlen(buf) - 1] == '+' || strstr(buf, "++"))
		return -EINVAL;
	for (t = strtok_r(buf, "+", &save); t; t = strtok_r(NULL, "+", &save)) {
		unsigned int i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(t, names[i].name) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]) || l->n_ext == VS_GOLDEN_GEN_MAX_EXT)
			return -EINVAL;
		l->ext[l->n_ext++] = names[i].nh;
	}
	return 0;
}

static int vs_golden_gen_parse_option(const char *t, struct vs_golden_gen_line *l)
{
	unsigned long v;
	int rc = vs_golden_gen_nlb_option(t, l);

	if (rc <= 0 || (rc = vs_golden_gen_ol_option(t, l)) <= 0)
		return rc;

	if (strncmp(t, "vlan=", 5) == 0 || strncmp(t, "svlan=", 6) == 0)
		return vs_golden_gen_parse_tag_opt(t, l->tags, &l->n_tags);
	if (strncmp(t, "trunc=", 6) == 0) {
		if (vs_golden_gen_parse_uint(t + 6, VS_GOLDEN_GEN_MAX_LEN, &v) < 0)
			return -EINVAL;
		l->trunc = (uint32_t)v;
		return 0;
	}
	if (strncmp(t, "frag=", 5) == 0) {
		/* a fragment offset in bytes: a multiple of 8 the field holds */
		if (vs_golden_gen_parse_uint(t + 5, 65528, &v) < 0 || v % 8)
			return -EINVAL;
		l->frag = (int32_t)v;
		return 0;
	}
	if (strncmp(t, "ext=", 4) == 0)
		return vs_golden_gen_parse_ext(t + 4, l);
	if (strncmp(t, "sport=", 6) == 0 || strncmp(t, "dport=", 6) == 0) {
		if (vs_golden_gen_parse_uint(t + 6, 0xffff, &v) < 0)
			return -EINVAL;
		*(t[0] == 's' ? &l->sport : &l->dport) = (int32_t)v;
		return 0;
	}
	if (strncmp(t, "lenfield=", 9) == 0) {
		if (vs_golden_gen_parse_uint(t + 9, 0xffff, &v) < 0)
			return -EINVAL;
		l->lenfield = (int)v;
		return 0;
	}
	if (t[0] == 'x' && vs_golden_gen_parse_uint(t + 1, 100000, &v) == 0 && v > 0) {
		l->repeat = (unsigned int)v;
		return 0;
	}
	return -EINVAL;
}

static int vs_golden_gen_parse_kind(const char *t, struct vs_golden_gen_line *l)
{
	unsigned long v;

	if (strncmp(t, "raw:", 4) == 0 && vs_golden_gen_parse_uint(t + 4, 0xffff, &v) == 0) {
		l->kind = VS_GOLDEN_GEN_RAW;
		l->ethertype = (uint16_t)v;
		return 0;
	}
	return vs_golden_gen_kind_parse(t, &l->kind) < 0 ? -EINVAL : 0;
}

/* time in dst src frame len [options] -> ports|drop */
static int vs_golden_gen_parse_frame(struct vs_golden_gen *g, char **tok, int n,
				     unsigned int lineno)
{
	struct vs_golden_gen_line l = { .lineno = lineno, .lenfield = -1, .repeat = 1, .frag = -1,
					  .sport = -1, .dport = -1, .host = -1, .mrt = -1,
					  .qrv = -1, .qqic = -1 };
	const char *why;
	unsigned long v;
	int i, arrow = -1;

	for (i = 0; i < n; i++)
		if (strcmp(tok[i], "->") == 0)
			arrow = i;
	if (arrow < 6 || arrow == n - 1)
		return vs_golden_gen_fail(g, lineno, "%s", "expected: time in dst src frame len "
				       "[options] -> ports|drop");
	if (vs_golden_gen_parse_time(tok[0], &l.ts_ns) < 0)
		return vs_golden_gen_fail(g, lineno, "bad time '%s'", tok[0]);
	snprintf(l.in, sizeof(l.in), "%s", tok[1]);
	if (!vs_golden_gen_port_known(g, l.in))
		return vs_golden_gen_fail(g, lineno, "no port '%s' in topology.json", tok[1]);
	if (vs_golden_gen_parse_mac(g, tok[2], l.dst) < 0)
		return vs_golden_gen_fail(g, lineno, "bad destination '%s'", tok[2]);
	if (vs_golden_gen_parse_mac(g, tok[3], l.src) < 0)
		return vs_golden_gen_fail(g, lineno, "bad source '%s'", tok[3]);
	if (vs_golden_gen_parse_kind(tok[4], &l) < 0)
		return vs_golden_gen_fail(g, lineno, "unknown frame '%s'", tok[4]);
	if (vs_golden_gen_parse_uint(tok[5], VS_GOLDEN_GEN_MAX_LEN, &v) < 0)
		return vs_golden_gen_fail(g, lineno, "bad length '%s'", tok[5]);
	l.len = (uint32_t)v;
	for (i = 6; i < arrow; i++)
		if (vs_golden_gen_parse_option(tok[i], &l) < 0)
			return vs_golden_gen_fail(g, lineno, "bad option '%s'", tok[i]);
	if ((l.n_ext || l.frag >= 0) && vs_golden_gen_kind_ip(l.kind) == 0)
		return vs_golden_gen_fail(g, lineno, "frame '%s' is not IP: no ext= or frag=",
					  tok[4]);
	if ((l.sport >= 0 || l.dport >= 0) && l.kind != VS_GOLDEN_GEN_IPV4_UDP &&
	    l.kind != VS_GOLDEN_GEN_IPV6_UDP && !vs_golden_gen_tcp_kind(l.kind))
		return vs_golden_gen_fail(g, lineno, "%s", "sport= and dport= are for ipv4-udp, "
					  "ipv6-udp, ipv4-tcp and ipv6-tcp");
	if ((why = vs_golden_gen_nlb_check(&l)) != NULL ||
	    (why = vs_golden_gen_ol_check(&l)) != NULL)
		return vs_golden_gen_fail(g, lineno, "%s", why);
	/* Per-packet info is what a guest sends: only a netvsc port's. */
	if ((l.lso_mss || l.csum_proto) && strcmp(vs_golden_gen_port_kind(g, l.in), "netvsc") != 0)
		return vs_golden_gen_fail(g, lineno, "'%s' is not a netvsc port: only a guest sends "
					  "lso= and csum=", l.in);
	if (l.n_ext && vs_golden_gen_kind_ip(l.kind) == 4)
		return vs_golden_gen_fail(g, lineno, "%s", "ext= is for IPv6 frames");
	if (l.frag >= 0 && vs_golden_gen_kind_ip(l.kind) == 6 &&
	    memchr(l.ext, 44, l.n_ext) == NULL) {
		/* an IPv6 fragment needs a fragment header: the last one */
		if (l.n_ext == VS_GOLDEN_GEN_MAX_EXT)
			return vs_golden_gen_fail(g, lineno, "%s", "too many extension headers");
		l.ext[l.n_ext++] = 44;
	}
	if (l.len < vs_golden_gen_min_len(&l))
		return vs_golden_gen_fail(g, lineno, "length %s is too short for its frame and tags",
				       tok[5]);
	if (l.trunc >= l.len && l.trunc)
		return vs_golden_gen_fail(g, lineno, "%s", "trunc= must be below the length");
	if (n - arrow - 1 == 1 && strcmp(tok[arrow + 1], "drop") == 0)
		l.n_out = 0;
	else {
		for (i = arrow + 1; i < n; i++) {
			struct vs_golden_gen_out *o = &l.out[l.n_out];
			char *colon = strchr(tok[i], ':');

			if (l.n_out == VS_GOLDEN_GEN_MAX_OUT)
				return vs_golden_gen_fail(g, lineno, "%s", "too many ports");
			/* port, or port:TAGS for the tag list it leaves with,
			 * and :sw or :hw for a frame with offload requests */
			o->n_tags = -1;
			o->ol = VS_GOLDEN_GEN_OL_NONE;
			if (colon) {
				*colon = '\0';
				if (vs_golden_gen_parse_out_fields(colon + 1, o) < 0)
					return vs_golden_gen_fail(g, lineno, "bad output fields '%s' "
								  "(TAGS, sw, hw)", colon + 1);
			}
			if (!vs_golden_gen_port_known(g, tok[i]))
				return vs_golden_gen_fail(g, lineno, "no port '%s' in topology.json",
						       tok[i]);
			if ((o->ol != VS_GOLDEN_GEN_OL_NONE) != (l.lso_mss || l.csum_proto))
				return vs_golden_gen_fail(g, lineno, "'%s': a frame with lso= or "
							  "csum= says :sw or :hw for every port, "
							  "another frame for none", tok[i]);
			if (o->ol == VS_GOLDEN_GEN_OL_HW &&
			    strcmp(vs_golden_gen_port_kind(g, tok[i]), "ring") != 0)
				return vs_golden_gen_fail(g, lineno, "'%s': only a ring port shows "
							  "what it was handed (:hw)", tok[i]);
			/* A switch never sends a frame back where it came from;
			 * writing so is a mistake in the spec. */
			if (strcmp(tok[i], l.in) == 0)
				return vs_golden_gen_fail(g, lineno, "'%s' is the ingress port",
						       tok[i]);
			for (unsigned int j = 0; j < l.n_out; j++)
				if (strcmp(l.out[j].port, tok[i]) == 0)
					return vs_golden_gen_fail(g, lineno, "'%s' given twice", tok[i]);
			if (o->n_tags >= 0) {
				/* The tags replaced must lie whole in the frame and in
				 * the captured bytes; the new frame must fit. */
				uint32_t l2 = 12 + 4 * l.n_tags;

				if (l.len < l2 + 2 || (l.trunc && l.trunc < l2))
					return vs_golden_gen_fail(g, lineno, "'%s': the frame is too "
								  "short to replace its tags", tok[i]);
				if (l.len + 4ull * (unsigned int)o->n_tags - 4ull * l.n_tags >
				    VS_GOLDEN_GEN_MAX_LEN)
					return vs_golden_gen_fail(g, lineno, "'%s': the frame grows "
								  "too long", tok[i]);
			}
			snprintf(o->port, sizeof(o->port), "%s", tok[i]);
			l.n_out++;
		}
	}
	if (g->n_lines && l.ts_ns < g->lines[g->n_lines - 1].ts_ns)
		return vs_golden_gen_fail(g, lineno, "%s", "time goes backwards: the spec is a "
				       "timeline");
	if (g->n_lines == g->cap_lines) {
		size_t cap = g->cap_lines ? g->cap_lines * 2 : 64;
		void *nv = realloc(g->lines, cap * sizeof(*g->lines));

		if (!nv)
			return -ENOMEM;
		g->lines = nv;
		g->cap_lines = cap;
	}
	g->lines[g->n_lines++] = l;
	return 0;
}

static int vs_golden_gen_parse_line(struct vs_golden_gen *g, char *s, unsigned int lineno)
{
	char *tok[128], *save = NULL, *t, *hash = strchr(s, '#');
	int n = 0;

	if (hash)
		*hash = '\0';
	for (t = strtok_r(s, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == (int)(sizeof(tok) / sizeof(tok[0])))
			return vs_golden_gen_fail(g, lineno, "%s", "too many fields");
		tok[n++] = t;
	}
	if (n == 0)
		return 0;
	if (strcmp(tok[0], "mac") == 0) {
		if (n != 3 || g->n_macs == VS_GOLDEN_GEN_MAX_MACS ||
		    strlen(tok[1]) >= sizeof(g->macs[0].name) ||
		    vs_golden_gen_parse_mac(g, tok[2], g->macs[g->n_macs].mac) < 0)
			return vs_golden_gen_fail(g, lineno, "%s", "expected: mac NAME xx:xx:xx:xx:xx:xx");
		snprintf(g->macs[g->n_macs].name, sizeof(g->macs[0].name), "%s", tok[1]);
		g->n_macs++;
		return 0;
	}
	if (strcmp(tok[0], "count") == 0) {
		char obj[64], *dot;
		unsigned long v;
		uint8_t mac[6];
		cJSON *o;

		snprintf(obj, sizeof(obj), "%s", n == 3 ? tok[1] : "");
		dot = strchr(obj, '.');
		if (n != 3 || !dot || vs_golden_gen_parse_uint(tok[2], 1ul << 40, &v) < 0)
			return vs_golden_gen_fail(g, lineno, "%s", "expected: count "
						  "PORT|fdb|nlb|offload.COUNTER N");
		*dot = '\0';
		/* fdb.mac.NAME: the counters file spells the address out */
		if (strcmp(obj, "fdb") == 0 && strncmp(dot + 1, "mac.", 4) == 0) {
			if (vs_golden_gen_parse_mac(g, dot + 5, mac) < 0)
				return vs_golden_gen_fail(g, lineno, "bad MAC '%s'", dot + 5);
			snprintf(dot + 5, sizeof(obj) - (size_t)(dot + 5 - obj),
				 "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
				 mac[4], mac[5]);
		}
		if (strcmp(obj, "fdb") != 0 && strcmp(obj, "nlb") != 0 &&
		    strcmp(obj, "offload") != 0 && !vs_golden_gen_port_known(g, obj))
			return vs_golden_gen_fail(g, lineno, "no port '%s' in topology.json", obj);
		o = cJSON_GetObjectItemCaseSensitive(g->counters, obj);
		if (!o)
			o = cJSON_AddObjectToObject(g->counters, obj);
		if (!o || cJSON_GetObjectItemCaseSensitive(o, dot + 1) ||
		    !cJSON_AddNumberToObject(o, dot + 1, (double)v))
			return vs_golden_gen_fail(g, lineno, "counter '%s' given twice", tok[1]);
		return 0;
	}
	return vs_golden_gen_parse_frame(g, tok, n, lineno);
}

int vs_golden_gen_read(struct vs_golden_gen *g)
{
	char path[4200], line[2048], *json;
	unsigned int lineno = 0;
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/topology.json", g->dir);
	json = vs_golden_gen_slurp(path, g->err, sizeof(g->err));
	if (!json)
		return -ENOENT;
	g->topology = cJSON_Parse(json);
	free(json);
	if (!g->topology) {
		vs_golden_errf(g->err, sizeof(g->err), "%s: not valid JSON", path);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s/case.spec", g->dir);
	f = fopen(path, "r");
	if (!f) {
		vs_golden_errf(g->err, sizeof(g->err), "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		lineno++;
		/* STYLE: every case says what it proves, on its first line. */
		if (lineno == 1 && (line[0] != '#' || strlen(line) < 10))
			rc = vs_golden_gen_fail(g, 1, "%s", "the first line must be a '#' comment "
					     "saying what the case proves");
		else
			rc = vs_golden_gen_parse_line(g, line, lineno);
	}
	fclose(f);
	if (rc == 0 && lineno == 0)
		rc = vs_golden_gen_fail(g, 1, "%s", "empty spec");
	return rc;
}

