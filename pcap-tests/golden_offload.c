/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit offloads in golden cases: the requests a netvsc guest sends
 * with its frames, and the metadata a ring port is handed with its own.
 *
 * in/ppi.json: per netvsc port, the frames (1-based, in/<port>.pcap's
 * order) its guest sends with LSO or checksum per-packet info:
 *
 *   { "vm1": [ { "frame": 1, "lso_mss": 1448, "ipv6": false, "l4_offset": 34 },
 *              { "frame": 2, "csum": "udp", "ipv6": true, "l4_offset": 54 } ] }
 *
 * l4_offset is the TCP/UDP header's offset in the captured frame; a tag
 * the guest sends as 802.1Q per-packet info leaves the data, and the
 * offset with it (golden_netvsc.c).  The frame's bytes are already as
 * hv_netvsc hands them over (vs-casegen writes them so).
 *
 * expect/offload.json: per ring port, the frames (1-based, in the port's
 * output) handed over with requests the port is to carry out, and the
 * metadata each must have:
 *
 *   { "t2": [ { "frame": 1, "ol_flags": ["TX_IPV4", "TX_IP_CKSUM",
 *               "TX_TCP_CKSUM", "TX_TCP_SEG"], "l2_len": 18, "l3_len": 20,
 *               "l4_len": 32, "tso_segsz": 1448 } ] }
 *
 * ol_flags are the request bits (RTE_MBUF_F_ names without the prefix:
 * TX_IPV4, TX_IPV6, TX_IP_CKSUM, TX_TCP_CKSUM, TX_UDP_CKSUM,
 * TX_SCTP_CKSUM, TX_TCP_SEG, TX_UDP_SEG), compared exactly; tso_segsz only
 * when given.  Every other frame a ring port transmits must carry none of
 * those bits, in every case: what the capture shows is then exactly what
 * the wire would carry.  This is the runner's hook into the metadata: a
 * ring port's transmit ring holds the very mbufs the datapath sent, and
 * the runner notes their metadata as it drains them (golden_session.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <rte_mbuf.h>

#include "ctl.h"
#include "golden.h"
#include "golden_priv.h"

#define VS_GOLDEN_TX_META_MASK                                                                  \
	(RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_IP_CKSUM |                     \
	 RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)

static const struct {
	const char *name;
	uint64_t mask, value;
} vs_golden_tx_flags[] = {
	{ "TX_IPV4", RTE_MBUF_F_TX_IPV4, RTE_MBUF_F_TX_IPV4 },
	{ "TX_IPV6", RTE_MBUF_F_TX_IPV6, RTE_MBUF_F_TX_IPV6 },
	{ "TX_IP_CKSUM", RTE_MBUF_F_TX_IP_CKSUM, RTE_MBUF_F_TX_IP_CKSUM },
	{ "TX_TCP_CKSUM", RTE_MBUF_F_TX_L4_MASK, RTE_MBUF_F_TX_TCP_CKSUM },
	{ "TX_UDP_CKSUM", RTE_MBUF_F_TX_L4_MASK, RTE_MBUF_F_TX_UDP_CKSUM },
	{ "TX_SCTP_CKSUM", RTE_MBUF_F_TX_L4_MASK, RTE_MBUF_F_TX_SCTP_CKSUM },
	{ "TX_TCP_SEG", RTE_MBUF_F_TX_TCP_SEG, RTE_MBUF_F_TX_TCP_SEG },
	{ "TX_UDP_SEG", RTE_MBUF_F_TX_UDP_SEG, RTE_MBUF_F_TX_UDP_SEG },
};

#define VS_GOLDEN_N_TX_FLAGS (sizeof(vs_golden_tx_flags) / sizeof(vs_golden_tx_flags[0]))

static void vs_golden_flags_format(uint64_t f, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < VS_GOLDEN_N_TX_FLAGS; i++)
		if ((f & vs_golden_tx_flags[i].mask) == vs_golden_tx_flags[i].value && n < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "|" : "",
					      vs_golden_tx_flags[i].name);
	if (n == 0)
		snprintf(buf, size, "none");
}

static int vs_golden_flags_parse(const cJSON *a, uint64_t *f)
{
	const cJSON *e;

	*f = 0;
	if (!cJSON_IsArray(a))
		return -EINVAL;
	cJSON_ArrayForEach(e, a) {
		size_t i;

		for (i = 0; i < VS_GOLDEN_N_TX_FLAGS; i++)
			if (cJSON_IsString(e) && strcmp(e->valuestring, vs_golden_tx_flags[i].name) == 0)
				break;
		if (i == VS_GOLDEN_N_TX_FLAGS || (*f & vs_golden_tx_flags[i].mask) != 0)
			return -EINVAL;
		*f |= vs_golden_tx_flags[i].value;
	}
	return 0;
}

/* A non-negative integer member below max, or -1 if absent or not one. */
static long vs_golden_json_uint(const cJSON *o, const char *key, long max)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > (double)max ||
	    v->valuedouble != (double)(long)v->valuedouble)
		return -1;
	return (long)v->valuedouble;
}

static cJSON *vs_golden_json_doc(const char *path, char *err, size_t errlen)
{
	char *text = vs_ctl_read_file(path, err, errlen);
	cJSON *doc;

	if (!text)
		return NULL;
	doc = cJSON_Parse(text);
	free(text);
	if (!cJSON_IsObject(doc)) {
		vs_golden_errf(err, errlen, "%s: not a JSON object", path);
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

int vs_golden_ppi_load(const struct vs_golden_session *s, const char *path,
		       struct vs_golden_flist *in, char *err, size_t errlen)
{
	cJSON *doc = vs_golden_json_doc(path, err, errlen);
	const cJSON *port, *e;
	int rc = 0;

	if (!doc)
		return -EINVAL;
	cJSON_ArrayForEach(port, doc) {
		int slot = vs_golden_session_port(s, port->string);

		if (slot < 0 || !s->ports[slot].guest || !cJSON_IsArray(port)) {
			vs_golden_errf(err, errlen, "%s: '%s' is not a netvsc port of the topology "
				       "with a list of frames", path, port->string);
			rc = -EINVAL;
			break;
		}
		cJSON_ArrayForEach(e, port) {
			long frame = vs_golden_json_uint(e, "frame", (long)in[slot].n);
			long mss = vs_golden_json_uint(e, "lso_mss", 0xfffff);
			long off = vs_golden_json_uint(e, "l4_offset", 0x3ff);
			const cJSON *csum = cJSON_GetObjectItemCaseSensitive(e, "csum");
			const cJSON *v6 = cJSON_GetObjectItemCaseSensitive(e, "ipv6");
			struct vs_golden_ppi *p;
			bool tcp = cJSON_IsString(csum) && strcmp(csum->valuestring, "tcp") == 0;
			bool udp = cJSON_IsString(csum) && strcmp(csum->valuestring, "udp") == 0;

			if (frame < 1 || off < 0 || !cJSON_IsBool(v6) ||
			    (mss > 0) == (tcp || udp) || (csum && !tcp && !udp)) {
				vs_golden_errf(err, errlen, "%s: %s: each entry needs a \"frame\" of "
					       "its capture, \"ipv6\", \"l4_offset\" and one of "
					       "\"lso_mss\" or \"csum\" (tcp, udp)", path,
					       port->string);
				rc = -EINVAL;
				break;
			}
			p = &in[slot].v[frame - 1].ppi;
			p->lso_mss = mss > 0 ? (uint32_t)mss : 0;
			p->csum = tcp ? 6 : udp ? 17 : 0;
			p->ipv6 = cJSON_IsTrue(v6);
			p->l4_off = (uint16_t)off;
		}
		if (rc < 0)
			break;
	}
	cJSON_Delete(doc);
	return rc;
}

int vs_golden_meta_add(struct vs_golden_port *p, const struct rte_mbuf *m)
{
	struct vs_golden_txmeta *t;

	if (p->n_meta == p->cap_meta) {
		size_t cap = p->cap_meta ? p->cap_meta * 2 : 64;
		void *v = realloc(p->meta, cap * sizeof(*p->meta));

		if (!v)
			return -ENOMEM;
		p->meta = v;
		p->cap_meta = cap;
	}
	t = &p->meta[p->n_meta++];
	t->ol_flags = m->ol_flags & VS_GOLDEN_TX_META_MASK;
	t->tso_segsz = m->tso_segsz;
	t->l2_len = m->l2_len;
	t->l3_len = m->l3_len;
	t->l4_len = m->l4_len;
	return 0;
}

struct vs_golden_meta_report {
	const char *case_name;
	FILE *rep;
	struct vs_golden_mismatch *first;
	bool *first_set;
	int diffs;
};

static void vs_golden_meta_fail(struct vs_golden_meta_report *r, const char *port, size_t frame,
				const char *what, const struct vs_golden_txmeta *got)
{
	char f[160];

	r->diffs++;
	if (got)
		vs_golden_flags_format(got->ol_flags, f, sizeof(f));
	if (!got)
		fprintf(r->rep, "FAIL %s: port %s frame %zu: mbuf metadata: expected %s, but the "
			"port sent no such frame\n", r->case_name, port, frame, what);
	else
		fprintf(r->rep, "FAIL %s: port %s frame %zu: mbuf metadata: expected %s; got "
			"ol_flags %s, l2_len %u, l3_len %u, l4_len %u, tso_segsz %u\n",
			r->case_name, port, frame, what, f, got->l2_len, got->l3_len, got->l4_len,
			got->tso_segsz);
	if (*r->first_set || !r->first)
		return;
	*r->first_set = true;
	memset(r->first, 0, sizeof(*r->first));
	snprintf(r->first->port, sizeof(r->first->port), "%s", port);
	r->first->frame = (long)frame;
	r->first->byte = -1;
	snprintf(r->first->counter, sizeof(r->first->counter), "%s.metadata", port);
}

/* One expected entry against what frame n (1-based) had. */
static int vs_golden_meta_entry(struct vs_golden_meta_report *r, const char *path,
				const char *port, const cJSON *e, const struct vs_golden_port *p,
				char *err, size_t errlen)
{
	long frame = vs_golden_json_uint(e, "frame", 1l << 30);
	long l2 = vs_golden_json_uint(e, "l2_len", 127), l3 = vs_golden_json_uint(e, "l3_len", 511);
	long l4 = vs_golden_json_uint(e, "l4_len", 255);
	long mss = cJSON_HasObjectItem(e, "tso_segsz") ? vs_golden_json_uint(e, "tso_segsz", 0xffff)
						       : -2;
	const struct vs_golden_txmeta *got;
	uint64_t flags;
	char want[320], f[160];

	if (frame < 1 || l2 < 0 || l3 < 0 || l4 < 0 || mss == -1 ||
	    vs_golden_flags_parse(cJSON_GetObjectItemCaseSensitive(e, "ol_flags"), &flags) < 0) {
		vs_golden_errf(err, errlen, "%s: %s: each entry needs \"frame\", \"ol_flags\" (a list "
			       "of TX_... names), \"l2_len\", \"l3_len\", \"l4_len\" and may have "
			       "\"tso_segsz\"", path, port);
		return -EINVAL;
	}
	vs_golden_flags_format(flags, f, sizeof(f));
	snprintf(want, sizeof(want), "ol_flags %s, l2_len %ld, l3_len %ld, l4_len %ld", f, l2, l3,
		 l4);
	if (mss >= 0)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), ", tso_segsz %ld", mss);
	got = (size_t)frame <= p->n_meta ? &p->meta[frame - 1] : NULL;
	if (!got || got->ol_flags != flags || got->l2_len != l2 || got->l3_len != l3 ||
	    got->l4_len != l4 || (mss >= 0 && got->tso_segsz != mss))
		vs_golden_meta_fail(r, port, (size_t)frame, want, got);
	return 0;
}

int vs_golden_check_offload(const struct vs_golden_session *s, const char *path,
			    const char *case_name, FILE *rep, struct vs_golden_mismatch *first,
			    bool *first_set, char *err, size_t errlen)
{
	struct vs_golden_meta_report r = { case_name, rep, first, first_set, 0 };
	cJSON *doc = NULL;
	const cJSON *port, *e;
	int rc = 0;

	if (path) {
		doc = vs_golden_json_doc(path, err, errlen);
		if (!doc)
			return -EINVAL;
	}
	cJSON_ArrayForEach(port, doc) {
		int slot = vs_golden_session_port(s, port->string);

		if (slot < 0 || s->ports[slot].guest || !cJSON_IsArray(port)) {
			vs_golden_errf(err, errlen, "%s: '%s' is not a ring port of the topology with "
				       "a list of frames", path, port->string);
			rc = -EINVAL;
			break;
		}
		cJSON_ArrayForEach(e, port)
			if ((rc = vs_golden_meta_entry(&r, path, port->string, e, &s->ports[slot],
						       err, errlen)) < 0)
				break;
		if (rc < 0)
			break;
	}
	/* Every frame not listed: no request at all. */
	for (unsigned int i = 0; rc == 0 && i < s->n_ports; i++) {
		const struct vs_golden_port *p = &s->ports[i];
		const cJSON *list = doc ? cJSON_GetObjectItemCaseSensitive(doc, p->name) : NULL;

		for (size_t k = 0; k < p->n_meta; k++) {
			bool listed = false;

			cJSON_ArrayForEach(e, list)
				listed |= vs_golden_json_uint(e, "frame", 1l << 30) == (long)k + 1;
			if (!listed && p->meta[k].ol_flags != 0)
				vs_golden_meta_fail(&r, p->name, k + 1, "no offload request",
						    &p->meta[k]);
		}
	}
	cJSON_Delete(doc);
	return rc < 0 ? rc : r.diffs;
}
