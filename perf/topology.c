/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topologies: what vswitch-perf builds around the switch.
 *
 * A topology is a vswitchd configuration document in which some ports
 * are perf ports: a port of kind "replay" (replays the workload) or
 * "sink" (counts; announces the workload's destinations), and an external
 * switch's "uplink" may be "replay" or "sink" too.  Loading rewrites them
 * into vdev ports on net_null devices (vs_perf_port_devargs) and lists
 * them, so that the same document configures the datapath through the
 * control module's own parser.  The built-in scenarios are documents of
 * this form made from the worker count and the workload.
 *
 * A netvsc port may carry "guest": "replay", "sink", "loop:PORT" (a VM
 * whose NIC on this port hands what it receives to its NIC on PORT) or
 * "hostile:MISDEED" (a VM that receives a share of the traffic and commits
 * one of vs_netvsp_guest_misbehave's misdeeds over and over; "none" is
 * the same VM behaving, so that a clean run differs in nothing else): a
 * guest simulator is attached to it while the switch runs (guests.c).
 *
 * For the I/O baseline every replay port is paired with a sink: the k-th
 * replay port with the (k mod sinks)-th sink.  Topologies with guests
 * have no I/O baseline: their ports are not devices.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ctl.h"
#include "guest.h"
#include "run_priv.h"

/* "none" or a misdeed's name (vs_netvsp_guest_misdeed_name). */
static int
vs_perf_misdeed_parse(const char *s, int *out)
{
	int m;

	if (strcmp(s, "none") == 0) {
		*out = VS_PERF_MISDEED_NONE;
		return 0;
	}
	for (m = 0; m < VS_GUEST_N_MISDEEDS; m++) {
		if (strcmp(s, vs_netvsp_guest_misdeed_name(m)) == 0) {
			*out = m;
			return 0;
		}
	}
	return -EINVAL;
}

static int
vs_perf_topo_add(struct vs_perf_topo *t, const char *name, enum vs_perf_role role,
		 const char *devargs, char *err, size_t errlen)
{
	struct vs_perf_topo_port *p;

	if (t->n_ports == VS_PERF_TOPO_PORTS) {
		snprintf(err, errlen, "topology: more than %u perf ports", VS_PERF_TOPO_PORTS);
		return -E2BIG;
	}
	p = &t->ports[t->n_ports];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->role = role;
	if (devargs != NULL)
		snprintf(p->devargs, sizeof(p->devargs), "%s", devargs);
	else if (vs_perf_port_devargs(name, p->devargs, sizeof(p->devargs)) != 0) {
		snprintf(err, errlen, "topology: port name '%s' too long", name);
		return -ENAMETOOLONG;
	}
	t->n_ports++;
	return 0;
}

static int
vs_perf_role_parse(const char *s, enum vs_perf_role *out)
{
	if (strcmp(s, "replay") == 0)
		*out = VS_PERF_REPLAY;
	else if (strcmp(s, "sink") == 0)
		*out = VS_PERF_SINK;
	else if (strcmp(s, "external") == 0)
		*out = VS_PERF_EXTERNAL;
	else
		return -EINVAL;
	return 0;
}

/* The device of a perf port: an external one is the user's (--port). */
static int
vs_perf_topo_add_role(struct vs_perf_topo *t, const char *name, enum vs_perf_role role,
		      const char *where, char *err, size_t errlen)
{
	if (role != VS_PERF_EXTERNAL)
		return vs_perf_topo_add(t, name, role, NULL, err, errlen);
	if (t->ext_devargs[0] == '\0') {
		snprintf(err, errlen, "%s: an external port needs a device (--port DEVARGS)", where);
		return -EINVAL;
	}
	return vs_perf_topo_add(t, name, role, t->ext_devargs, err, errlen);
}

/* A netvsc port's "guest": recorded in t and removed from the document
 * (the datapath's configuration has no such key). */
static int
vs_perf_topo_guest(cJSON *o, unsigned int i, struct vs_perf_topo *t, char *err, size_t errlen)
{
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(o, "guest");
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
	struct vs_perf_topo_guest *tg;

	if (g == NULL)
		return 0;
	if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "netvsc") != 0 ||
	    !cJSON_IsString(name) || !cJSON_IsString(g)) {
		snprintf(err, errlen,
			 "ports[%u].guest: only a named netvsc port takes it (\"replay\", \"sink\", "
			 "\"loop:PORT\" or \"hostile:MISDEED\")",
			 i);
		return -EINVAL;
	}
	if (t->n_guests == VS_PERF_TOPO_GUESTS) {
		snprintf(err, errlen, "ports[%u].guest: more than %u guests", i,
			 VS_PERF_TOPO_GUESTS);
		return -E2BIG;
	}
	tg = &t->guests[t->n_guests];
	memset(tg, 0, sizeof(*tg));
	snprintf(tg->port, sizeof(tg->port), "%s", name->valuestring);
	if (strcmp(g->valuestring, "replay") == 0)
		tg->role = VS_PERF_GUEST_REPLAY;
	else if (strcmp(g->valuestring, "sink") == 0)
		tg->role = VS_PERF_GUEST_SINK;
	else if (strncmp(g->valuestring, "loop:", 5) == 0 && g->valuestring[5] != '\0' &&
		 strlen(g->valuestring + 5) < sizeof(tg->peer)) {
		tg->role = VS_PERF_GUEST_LOOP;
		snprintf(tg->peer, sizeof(tg->peer), "%s", g->valuestring + 5);
	} else if (strncmp(g->valuestring, "hostile:", 8) == 0 &&
		   vs_perf_misdeed_parse(g->valuestring + 8, &tg->misdeed) == 0) {
		tg->role = VS_PERF_GUEST_HOSTILE;
	} else {
		char names[256];
		size_t off = 0;
		int m;

		for (m = 0; m < VS_GUEST_N_MISDEEDS && off < sizeof(names); m++)
			off += (size_t)snprintf(names + off, sizeof(names) - off, ", %s",
						vs_netvsp_guest_misdeed_name(m));
		snprintf(err, errlen,
			 "ports[%u].guest: '%s' is not replay, sink, loop:PORT or hostile:MISDEED "
			 "(none%s)",
			 i, g->valuestring, names);
		return -EINVAL;
	}
	t->n_guests++;
	cJSON_DeleteItemFromObjectCaseSensitive(o, "guest");
	return 0;
}

/* A perf port's receive queues: o's "queues" (1 when absent), written
 * back so that the datapath configures the device with as many. */
static int
vs_perf_topo_queues(cJSON *o, const char *where, struct vs_perf_topo_port *tp, char *err,
		    size_t errlen)
{
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(o, "queues");

	tp->rx_queues = 1;
	if (q != NULL) {
		if (!cJSON_IsNumber(q) || q->valuedouble < 1 || q->valuedouble > VS_PERF_RXQ_MAX ||
		    q->valuedouble != (double)q->valueint) {
			snprintf(err, errlen, "%s.queues: expected 1..%u", where, VS_PERF_RXQ_MAX);
			return -EINVAL;
		}
		tp->rx_queues = (uint16_t)q->valueint;
		return 0;
	}
	cJSON_AddNumberToObject(o, "queues", 1);
	return 0;
}

/* Rewrites the perf ports of doc in place and lists them in t. */
static int
vs_perf_topo_rewrite(cJSON *doc, struct vs_perf_topo *t, char *err, size_t errlen)
{
	const cJSON *sws = cJSON_GetObjectItemCaseSensitive(doc, "switches");
	const cJSON *ports = cJSON_GetObjectItemCaseSensitive(doc, "ports");
	cJSON *o;
	unsigned int i = 0;
	enum vs_perf_role role;
	int rc;

	cJSON_ArrayForEach(o, sws) {
		cJSON *up = cJSON_GetObjectItemCaseSensitive(o, "uplink");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
		char pname[VS_NAME_MAX];

		if (cJSON_IsString(up) && cJSON_IsString(name) &&
		    vs_perf_role_parse(up->valuestring, &role) == 0) {
			char where[48];

			snprintf(where, sizeof(where), "switches[%u].uplink", i);
			vs_switch_uplink_name(name->valuestring, pname);
			if ((rc = vs_perf_topo_add_role(t, pname, role, where, err, errlen)) != 0)
				return rc;
			cJSON_ReplaceItemInObjectCaseSensitive(
				o, "uplink", cJSON_CreateString(t->ports[t->n_ports - 1].devargs));
			if (role != VS_PERF_EXTERNAL) {
				cJSON *upp = cJSON_GetObjectItemCaseSensitive(o, "uplink_port");

				if (upp == NULL)
					upp = cJSON_AddObjectToObject(o, "uplink_port");
				snprintf(where, sizeof(where), "switches[%u].uplink_port", i);
				if (!cJSON_IsObject(upp)) {
					snprintf(err, errlen, "%s: expected an object", where);
					return -EINVAL;
				}
				rc = vs_perf_topo_queues(upp, where, &t->ports[t->n_ports - 1],
							 err, errlen);
				if (rc != 0)
					return rc;
			} else {
				t->ports[t->n_ports - 1].rx_queues = 1;
			}
		}
		i++;
	}
	i = 0;
	cJSON_ArrayForEach(o, ports) {
		const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");

		if ((rc = vs_perf_topo_guest(o, i, t, err, errlen)) != 0)
			return rc;
		if (!cJSON_IsString(kind) || vs_perf_role_parse(kind->valuestring, &role) != 0) {
			i++;
			continue;
		}
		if (!cJSON_IsString(name)) {
			snprintf(err, errlen, "ports[%u].name: required", i);
			return -EINVAL;
		}
		if (cJSON_HasObjectItem(o, "devargs")) {
			snprintf(err, errlen, "ports[%u].devargs: a %s port makes its own device", i,
				 kind->valuestring);
			return -EINVAL;
		}
		char where[48];

		snprintf(where, sizeof(where), "ports[%u].kind", i);
		if ((rc = vs_perf_topo_add_role(t, name->valuestring, role, where, err, errlen)) !=
		    0)
			return rc;
		cJSON_ReplaceItemInObjectCaseSensitive(o, "kind", cJSON_CreateString("vdev"));
		cJSON_AddStringToObject(o, "devargs", t->ports[t->n_ports - 1].devargs);
		if (role == VS_PERF_EXTERNAL) {
			t->ports[t->n_ports - 1].rx_queues = 1;
		} else {
			snprintf(where, sizeof(where), "ports[%u]", i);
			if ((rc = vs_perf_topo_queues(o, where, &t->ports[t->n_ports - 1], err,
						      errlen)) != 0)
				return rc;
		}
		i++;
	}
	return 0;
}

static int
vs_perf_topo_finish(cJSON *doc, struct vs_perf_topo *t, char *err, size_t errlen)
{
	unsigned int i, n_replay = 0, n_sink = 0;
	int rc = vs_perf_topo_rewrite(doc, t, err, errlen);

	if (rc != 0)
		return rc;
	for (i = 0; i < t->n_ports; i++) {
		if (t->ports[i].role == VS_PERF_REPLAY)
			n_replay++;
		else
			n_sink++; /* an external port sinks too */
	}
	for (i = 0; i < t->n_guests; i++) {
		n_replay += t->guests[i].role == VS_PERF_GUEST_REPLAY;
		n_sink += t->guests[i].role == VS_PERF_GUEST_SINK;
	}
	if (n_replay == 0 || n_sink == 0) {
		snprintf(err, errlen,
			 "topology: needs at least one replay and one sink port (has %u and %u)",
			 n_replay, n_sink);
		return -EINVAL;
	}
	for (i = 0; i < t->n_ports; i++) {
		unsigned int k = 0, j;

		if (t->ports[i].role != VS_PERF_REPLAY)
			continue;
		/* The k-th replay port pairs with the (k mod n_sink)-th sink. */
		for (j = 0; j < i; j++)
			k += t->ports[j].role == VS_PERF_REPLAY;
		if (n_sink == 0)
			break;
		k %= n_sink;
		for (j = 0; j < t->n_ports; j++) {
			if (t->ports[j].role != VS_PERF_REPLAY && k-- == 0) {
				t->ports[i].pair = j;
				break;
			}
		}
	}
	t->config = cJSON_PrintUnformatted(doc);
	if (t->config == NULL) {
		snprintf(err, errlen, "topology: out of memory");
		return -ENOMEM;
	}
	return 0;
}

int
vs_perf_topo_parse(const char *json, const char *name, const char *ext_devargs,
		   struct vs_perf_topo *t, char *err, size_t errlen)
{
	cJSON *doc = cJSON_Parse(json);
	int rc;

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->ext_devargs, sizeof(t->ext_devargs), "%s", ext_devargs ? ext_devargs : "");
	if (doc == NULL || !cJSON_IsObject(doc)) {
		snprintf(err, errlen, "topology %s: not a JSON object", name);
		cJSON_Delete(doc);
		return -EINVAL;
	}
	rc = vs_perf_topo_finish(doc, t, err, errlen);
	cJSON_Delete(doc);
	return rc;
}

int
vs_perf_topo_load(const char *path, const char *ext_devargs, struct vs_perf_topo *t, char *err,
		  size_t errlen)
{
	char *text = vs_ctl_read_file(path, err, errlen);
	const char *base = strrchr(path, '/');
	char name[32];
	int rc;

	if (text == NULL)
		return -EIO;
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(base ? base + 1 : path, "."),
		 base ? base + 1 : path);
	rc = vs_perf_topo_parse(text, name, ext_devargs, t, err, errlen);
	free(text);
	return rc;
}

/* VLANs carried by a workload, for the vlan scenario's trunk. */
static void
vs_perf_topo_vlans(const struct vs_perf_workload *w, uint16_t *vids, unsigned int *n,
		   unsigned int max)
{
	uint32_t i;
	unsigned int j;

	*n = 0;
	for (i = 0; i < w->n_dsts; i++) {
		uint16_t v = w->dsts[i].vlan;

		if (v == 0)
			continue;
		for (j = 0; j < *n && vids[j] != v; j++)
			;
		if (j == *n && *n < max)
			vids[(*n)++] = v;
	}
}

int
vs_perf_topo_builtin(const char *scenario, unsigned int workers, const char *ext_devargs,
		     const struct vs_perf_workload *w, struct vs_perf_topo *t, char *err,
		     size_t errlen)
{
	char *doc;
	size_t cap = 16384, off = 0;
	unsigned int k, nv;
	uint16_t vids[16];
	int rc;

#define EMIT(...) (off += (size_t)snprintf(doc + off, off < cap ? cap - off : 0, __VA_ARGS__))
	doc = malloc(cap);
	if (doc == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (strcmp(scenario, "p2p") == 0) {
		/* Port to port: W replay devices in, W sinks out, so that
		 * each worker polls one replay port. */
		EMIT("{\"switches\":[{\"name\":\"perf\",\"type\":\"private\"}],\"ports\":[");
		for (k = 0; k < workers; k++)
			EMIT("{\"switch\":\"perf\",\"name\":\"in%u\",\"kind\":\"replay\"},", k);
		for (k = 0; k < workers; k++)
			EMIT("%s{\"switch\":\"perf\",\"name\":\"out%u\",\"kind\":\"sink\"}",
			     k ? "," : "", k);
		EMIT("]}");
	} else if (strcmp(scenario, "vlan") == 0) {
		/* Tagged frames in on trunks, out untagged on one access
		 * port per VLAN of the workload. */
		vs_perf_topo_vlans(w, vids, &nv, 16);
		if (nv == 0) {
			snprintf(err, errlen,
				 "scenario vlan: the workload has no 802.1Q-tagged destinations "
				 "(gen --vlans)");
			free(doc);
			return -EINVAL;
		}
		EMIT("{\"switches\":[{\"name\":\"perf\",\"type\":\"private\"}],\"ports\":[");
		for (k = 0; k < workers; k++) {
			unsigned int j;

			EMIT("{\"switch\":\"perf\",\"name\":\"trunk%u\",\"kind\":\"replay\","
			     "\"vlan\":{\"mode\":\"trunk\",\"allowed\":\"",
			     k);
			for (j = 0; j < nv; j++)
				EMIT("%s%u", j ? "," : "", vids[j]);
			EMIT("\"}},");
		}
		for (k = 0; k < nv; k++)
			EMIT("%s{\"switch\":\"perf\",\"name\":\"access%u\",\"kind\":\"sink\","
			     "\"vlan\":{\"mode\":\"access\",\"vid\":%u}}",
			     k ? "," : "", vids[k], vids[k]);
		EMIT("]}");
	} else if (strcmp(scenario, "pvp") == 0) {
		/* Physical-VM-physical: a VM with a NIC on each of two
		 * switches forwards between them. */
		EMIT("{\"switches\":[{\"name\":\"perf-a\",\"type\":\"private\"},"
		     "{\"name\":\"perf-b\",\"type\":\"private\"}],\"ports\":["
		     "{\"switch\":\"perf-a\",\"name\":\"in0\",\"kind\":\"replay\"},"
		     "{\"switch\":\"perf-a\",\"name\":\"vm-a\",\"kind\":\"netvsc\","
		     "\"mac_spoofing\":true,\"guest\":\"loop:vm-b\"},"
		     "{\"switch\":\"perf-b\",\"name\":\"vm-b\",\"kind\":\"netvsc\","
		     "\"mac_spoofing\":true},"
		     "{\"switch\":\"perf-b\",\"name\":\"out0\",\"kind\":\"sink\"}]}");
	} else if (strcmp(scenario, "v2v") == 0) {
		/* VM to VM: both ends are guests on netvsc channels. */
		EMIT("{\"switches\":[{\"name\":\"perf\",\"type\":\"private\"}],\"ports\":["
		     "{\"switch\":\"perf\",\"name\":\"vm1\",\"kind\":\"netvsc\","
		     "\"mac_spoofing\":true,\"guest\":\"replay\"},"
		     "{\"switch\":\"perf\",\"name\":\"vm2\",\"kind\":\"netvsc\","
		     "\"mac_spoofing\":true,\"guest\":\"sink\"}]}");
	} else if (strcmp(scenario, "ext") == 0) {
		/* A VM replays; the switch's uplink is a real device. */
		if (ext_devargs == NULL || *ext_devargs == '\0') {
			snprintf(err, errlen, "scenario ext: needs --port DEVARGS");
			free(doc);
			return -EINVAL;
		}
		EMIT("{\"switches\":[{\"name\":\"perf\",\"type\":\"external\",\"uplink\":\"external\"}],"
		     "\"ports\":[");
		for (k = 0; k < workers; k++)
			EMIT("%s{\"switch\":\"perf\",\"name\":\"in%u\",\"kind\":\"replay\"}",
			     k ? "," : "", k);
		EMIT("]}");
	} else {
		snprintf(err, errlen, "scenario: unknown '%s' (p2p, vlan, pvp, v2v, ext)", scenario);
		free(doc);
		return -EINVAL;
	}
#undef EMIT
	if (off >= cap) {
		snprintf(err, errlen, "scenario %s: too many ports", scenario);
		free(doc);
		return -E2BIG;
	}
	rc = vs_perf_topo_parse(doc, scenario, ext_devargs, t, err, errlen);
	free(doc);
	return rc;
}

void
vs_perf_topo_free(struct vs_perf_topo *t)
{
	cJSON_free(t->config);
	t->config = NULL;
}
