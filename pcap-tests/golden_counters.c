/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * expect/counters.json: counters a case asserts, so a case that expects
 * "no output" proves the frame was dropped for the stated reason and not
 * for some other one.
 *
 *   { "<port>": { "rx_packets": 3, "fwd_flood": 1, "drops.runt": 1 },
 *     "fdb":    { "learned": 2, "overflow": 1, "mac.02:bf:0a:00:00:64": 0 },
 *     "nlb":    { "10.0.0.200.igmp_expired": 1, "10.0.0.200.members": 0 } }
 *
 * "fdb" "mac.<MAC>" is how many MAC-table entries hold that MAC (any
 * switch, any VLAN) when the case ends: the runner's view of `fdb show`.
 * "nlb" "<cluster IP>.<name>" is a cluster's counter as `nlb list` shows
 * it (delivered, heartbeats, igmp_joins, igmp_leaves, igmp_expired) or
 * its current member count (members), summed over the clusters with that
 * IP; an IP with no cluster is an error.
 *
 * "offload" "<name>" is one of `stats show`'s offload counters (offload.h:
 * csum_sw, segments_sw, superframes_sw, passed_to_port, refused_...),
 * summed over the workers.
 *
 * A netvsc port also has "guest.<name>" (what its guest counted:
 * rx_frames, rx_vlan_ppi, tx_frames, tx_vlan_ppi, tx_failed) and
 * "netvsp.<name>" (the channel's counters, netvsp.h).
 *
 * Only the counters named are checked.  An unknown port or counter name is
 * an error, not a pass: a typo must not turn an assertion into nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctl.h"
#include "golden.h"
#include "golden_priv.h"

static int vs_golden_port_counter(const struct vs_port_stats *st, const char *name,
				  uint64_t *out)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{ "rx_packets", offsetof(struct vs_port_stats, rx_packets) },
		{ "rx_bytes", offsetof(struct vs_port_stats, rx_bytes) },
		{ "tx_packets", offsetof(struct vs_port_stats, tx_packets) },
		{ "tx_bytes", offsetof(struct vs_port_stats, tx_bytes) },
		{ "fwd_unicast", offsetof(struct vs_port_stats, fwd_unicast) },
		{ "fwd_flood", offsetof(struct vs_port_stats, fwd_flood) },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strcmp(name, fields[i].name) == 0) {
			memcpy(out, (const char *)st + fields[i].off, sizeof(*out));
			return 0;
		}
	}
	if (strcmp(name, "drops") == 0) {
		*out = 0;
		for (int r = 0; r < VS_DROP_MAX; r++)
			*out += st->drops[r];
		return 0;
	}
	if (strncmp(name, "drops.", 6) == 0) {
		for (int r = 0; r < VS_DROP_MAX; r++) {
			if (strcmp(name + 6, vs_drop_reason_name((enum vs_drop_reason)r)) == 0) {
				*out = st->drops[r];
				return 0;
			}
		}
	}
	return -ENOENT;
}

struct vs_golden_mac_count {
	uint8_t mac[6];
	uint64_t n;
};

static void vs_golden_mac_count_one(const struct vs_fdb_entry_info *e, void *arg)
{
	struct vs_golden_mac_count *c = arg;

	c->n += memcmp(e->mac, c->mac, 6) == 0;
}

static int vs_golden_fdb_counter(struct vs_dp *dp, const struct vs_fdb_stats *st,
				 const char *name, uint64_t *out)
{
	unsigned int b[6];
	char end;

	/* mac.<MAC>: entries of that MAC, in any switch and VLAN (0 proves
	 * a MAC was never learned, as `fdb show` would list it). */
	if (strncmp(name, "mac.", 4) == 0) {
		struct vs_golden_mac_count c = { .n = 0 };

		if (sscanf(name + 4, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
			   &b[5], &end) != 6)
			return -ENOENT;
		for (int i = 0; i < 6; i++)
			c.mac[i] = (uint8_t)b[i];
		vs_dp_fdb_walk(dp, vs_golden_mac_count_one, &c);
		*out = c.n;
		return 0;
	}
	if (strcmp(name, "learned") == 0)
		*out = st->learned;
	else if (strcmp(name, "moved") == 0)
		*out = st->moved;
	else if (strcmp(name, "overflow") == 0)
		*out = st->overflow;
	else if (strcmp(name, "aged") == 0)
		*out = st->aged;
	else if (strcmp(name, "static_held") == 0)
		*out = st->static_held;
	else if (strcmp(name, "entries") == 0)
		*out = st->entries;
	else if (strcmp(name, "capacity") == 0)
		*out = st->capacity;
	else
		return -ENOENT;
	return 0;
}

struct vs_golden_nlb_count {
	uint32_t ip;
	const char *name;
	unsigned int found;
	uint64_t n;
};

static void vs_golden_nlb_count_one(const struct vs_nlb_info *i, void *arg)
{
	struct vs_golden_nlb_count *c = arg;

	if (i->conf.ip != c->ip)
		return;
	c->found++;
	if (strcmp(c->name, "delivered") == 0)
		c->n += i->delivered;
	else if (strcmp(c->name, "heartbeats") == 0)
		c->n += i->heartbeats;
	else if (strcmp(c->name, "igmp_joins") == 0)
		c->n += i->igmp_joins;
	else if (strcmp(c->name, "igmp_leaves") == 0)
		c->n += i->igmp_leaves;
	else if (strcmp(c->name, "igmp_expired") == 0)
		c->n += i->igmp_expired;
	else if (strcmp(c->name, "members") == 0)
		c->n += i->n_members;
	else
		c->found = 0;
}

/* <cluster IP>.<counter> of the NLB cluster(s) with that IP, summed over
 * switches and VLANs: what `nlb list` shows. */
static int vs_golden_nlb_counter(const struct vs_dp *dp, const char *name, uint64_t *out)
{
	const char *dot = strrchr(name, '.');
	struct vs_golden_nlb_count c = { .name = dot ? dot + 1 : "" };
	unsigned int a, b, x, y;
	char ip[32], end;

	if (!dot || (size_t)(dot - name) >= sizeof(ip))
		return -ENOENT;
	memcpy(ip, name, (size_t)(dot - name));
	ip[dot - name] = '\0';
	if (sscanf(ip, "%u.%u.%u.%u%c", &a, &b, &x, &y, &end) != 4 || a > 255 || b > 255 ||
	    x > 255 || y > 255)
		return -ENOENT;
	c.ip = a << 24 | b << 16 | x << 8 | y;
	vs_dp_nlb_walk(dp, vs_golden_nlb_count_one, &c);
	if (c.found == 0)
		return -ENOENT;
	*out = c.n;
	return 0;
}

/* <name> of `stats show`'s offload counters (offload.h), summed over the
 * workers. */
static int vs_golden_offload_counter(const struct vs_dp *dp, const char *name, uint64_t *out)
{
	struct vs_offload_stats st;

	for (int c = 0; c < VS_OFFLOAD_C_MAX; c++) {
		if (strcmp(name, vs_offload_counter_name((enum vs_offload_counter)c)) == 0) {
			vs_dp_offload_stats(dp, &st);
			*out = st.c[c];
			return 0;
		}
	}
	return -ENOENT;
}

int vs_golden_check_counters(const struct vs_golden_session *s, const char *path,
			     const char *case_name, FILE *rep, struct vs_golden_mismatch *first,
			     bool *first_set, char *err, size_t errlen)
{
	struct vs_fdb_stats fdb;
	const cJSON *obj, *c;
	int diffs = 0, rc = 0;
	cJSON *doc;
	char *text;

	text = vs_ctl_read_file(path, err, errlen);
	if (!text)
		return -ENOENT;
	doc = cJSON_Parse(text);
	free(text);
	if (!cJSON_IsObject(doc)) {
		vs_golden_errf(err, errlen, "%s: not a JSON object", path);
		cJSON_Delete(doc);
		return -EINVAL;
	}
	vs_dp_fdb_stats(s->dp, &fdb);
	cJSON_ArrayForEach(obj, doc) {
		struct vs_port_stats ps = { 0 };
		bool is_fdb = strcmp(obj->string, "fdb") == 0;
		bool is_nlb = strcmp(obj->string, "nlb") == 0;
		bool is_ol = strcmp(obj->string, "offload") == 0;
		int slot = is_fdb || is_nlb || is_ol ? -1 : vs_golden_session_port(s, obj->string);

		if (!cJSON_IsObject(obj) || (!is_fdb && !is_nlb && !is_ol && slot < 0)) {
			vs_golden_errf(err, errlen, "%s: '%s' is neither \"fdb\", \"nlb\", "
				       "\"offload\" nor a port of the topology with an object of "
				       "counters", path, obj->string);
			rc = -EINVAL;
			break;
		}
		if (slot >= 0 && vs_dp_port_stats(s->dp, s->ports[slot].idx, &ps) < 0) {
			vs_golden_errf(err, errlen, "port %s: no counters", obj->string);
			rc = -EIO;
			break;
		}
		cJSON_ArrayForEach(c, obj) {
			uint64_t got;

			if (!cJSON_IsNumber(c) || c->valuedouble < 0) {
				vs_golden_errf(err, errlen, "%s: %s.%s: expected a count", path,
					 obj->string, c->string);
				rc = -EINVAL;
				break;
			}
			if (is_fdb)
				rc = vs_golden_fdb_counter(s->dp, &fdb, c->string, &got);
			else if (is_nlb)
				rc = vs_golden_nlb_counter(s->dp, c->string, &got);
			else if (is_ol)
				rc = vs_golden_offload_counter(s->dp, c->string, &got);
			else if ((rc = vs_golden_port_counter(&ps, c->string, &got)) == -ENOENT)
				rc = vs_golden_guest_counter(s, (unsigned int)slot, c->string, &got);
			if (rc < 0) {
				vs_golden_errf(err, errlen, "%s: %s.%s: %s", path, obj->string,
					       c->string, rc == -EINVAL ? "not a netvsc port"
									: "no such counter");
				rc = -EINVAL;
				break;
			}
			if (got == (uint64_t)c->valuedouble)
				continue;
			diffs++;
			fprintf(rep, "FAIL %s: counter %s.%s: expected %.0f, got %llu\n", case_name,
				obj->string, c->string, c->valuedouble, (unsigned long long)got);
			if (!*first_set && first) {
				*first_set = true;
				memset(first, 0, sizeof(*first));
				first->frame = -1;
				first->byte = -1;
				snprintf(first->counter, sizeof(first->counter), "%s.%s",
					 obj->string, c->string);
			}
		}
		if (rc < 0)
			break;
	}
	cJSON_Delete(doc);
	return rc < 0 ? rc : diffs;
}
