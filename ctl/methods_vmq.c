/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Placement and software VMQ in the control protocol: port.set's "queue",
 * "lcore" and "vmq" (parsed, checked, applied and undone here for port.set
 * in methods_dp.c), what port.get adds about them ("placement" and
 * "vmq_status"; the settings themselves are "lcore" and "vmq", as port.set
 * takes them), and the methods workers.list and workers.rebalance.
 *
 *   port.set {"name": P, "queue": 0, "lcore": N | "auto"}   pin or unpin
 *   port.set {"name": P, "vmq": true | false}
 *   workers.list -> [{"worker", "lcore", "queues": [{"port", "queue" |
 *                    "vmq": true, "packets"}], "packets", "cycles_per_packet",
 *                    "idle_ratio", "vmq_handoff", "vmq_rx", "tx_handoff"}]
 *   workers.rebalance -> {"moved": N}
 *
 * A pin names an EAL lcore, as a user sees cores; one that runs no worker
 * is refused, naming "lcore" and the lcores that do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc_priv.h"

/* Parses "queue", "lcore" and "vmq" of p (none present: *any false). */
int
vs_ctl_parse_vmq_set(const cJSON *p, struct vs_ctl_vmq_set *s, char *err, size_t errlen)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(p, "lcore");
	int rc;

	memset(s, 0, sizeof(*s));
	if ((rc = vs_ctl_get_u32(p, "", "queue", 0, 65535, &s->queue, err, errlen)) != 0)
		return rc;
	if (cJSON_HasObjectItem(p, "vmq")) {
		s->has_vmq = true;
		if ((rc = vs_ctl_get_bool(p, "", "vmq", &s->vmq, err, errlen)) != 0)
			return rc;
	}
	if (l != NULL) {
		s->has_lcore = true;
		s->pin = true;
		if (cJSON_IsString(l) && strcmp(l->valuestring, "auto") == 0) {
			s->pin = false;
		} else if (cJSON_IsNumber(l) && l->valuedouble >= 0 && l->valuedouble < 65536 &&
			   l->valuedouble == (double)(unsigned int)l->valuedouble) {
			s->lcore = (unsigned int)l->valuedouble;
		} else if (cJSON_IsString(l) && l->valuestring[0] >= '0' && l->valuestring[0] <= '9') {
			char *end;
			unsigned long v = strtoul(l->valuestring, &end, 10);

			if (*end != '\0' || v > 65535) {
				snprintf(err, errlen, "lcore: expected an lcore number or 'auto', got "
						      "'%s'", l->valuestring);
				return -EINVAL;
			}
			s->lcore = (unsigned int)v;
		} else {
			snprintf(err, errlen, "lcore: expected an lcore number or 'auto'");
			return -EINVAL;
		}
	} else if (cJSON_HasObjectItem(p, "queue")) {
		snprintf(err, errlen, "queue: says which queue to place; give lcore too");
		return -EINVAL;
	}
	return 0;
}

int
vs_ctl_vmq_set_check(struct vs_ctl *c, const char *name, const struct vs_ctl_vmq_set *s,
		     char *err, size_t errlen)
{
	if (s->has_lcore)
		return vs_dp_port_set_placement_check(c->dp, name, s->queue, s->pin, s->lcore, err,
						      errlen);
	return 0;
}

int
vs_ctl_vmq_set_apply(struct vs_ctl *c, const char *name, const struct vs_ctl_vmq_set *s,
		     char *err, size_t errlen)
{
	int rc;

	if (s->has_lcore &&
	    (rc = vs_dp_port_set_placement(c->dp, name, s->queue, s->pin, s->lcore, err, errlen)) !=
		    0)
		return rc;
	if (s->has_vmq && (rc = vs_dp_port_set_vmq(c->dp, name, s->vmq, err, errlen)) != 0)
		return rc;
	return 0;
}

/* Puts back what a port had (pc) after a failed port.set. */
void
vs_ctl_vmq_set_undo(struct vs_ctl *c, const char *name, const struct vs_ctl_vmq_set *s,
		    const struct vs_port_conf *pc)
{
	char e2[128];

	if (s->has_lcore && s->queue > 0 && s->queue < VS_PORT_MAX_QUEUES)
		vs_dp_port_set_placement(c->dp, name, s->queue, pc->queue_pinned >> s->queue & 1,
					 pc->queue_lcore[s->queue], e2, sizeof(e2));
	else if (s->has_lcore)
		vs_dp_port_set_placement(c->dp, name, 0, pc->pinned, pc->lcore, e2, sizeof(e2));
	if (s->has_vmq)
		vs_dp_port_set_vmq(c->dp, name, pc->vmq, e2, sizeof(e2));
}

void
vs_ctl_port_vmq_json(const struct vs_dp *dp, unsigned int idx, cJSON *o)
{
	struct vs_port_vmq_info in;
	struct vs_port_conf pc;
	cJSON *pl, *v;

	if (vs_dp_port_vmq_info(dp, idx, &in) != 0 || vs_dp_port_conf(dp, idx, &pc) != 0)
		return;
	pl = cJSON_AddObjectToObject(o, "placement");
	if (in.worker >= 0) {
		cJSON_AddNumberToObject(pl, "worker", in.worker);
		cJSON_AddNumberToObject(pl, "lcore", in.lcore);
	} else {
		cJSON_AddNullToObject(pl, "worker");
	}
	if (pc.pinned)
		cJSON_AddNumberToObject(pl, "pinned_lcore", pc.lcore);
	cJSON_AddStringToObject(pl, "by", !pc.pinned	   ? "load"
					  : in.pinned_here ? "pin"
							   : "load (pinned lcore runs no worker)");
	cJSON_AddNumberToObject(pl, "pps", (double)in.pps);
	v = cJSON_AddObjectToObject(o, "vmq_status");
	cJSON_AddBoolToObject(v, "on", in.vmq);
	cJSON_AddStringToObject(v, "mode",
				!in.vmq		    ? "off"
				: in.vmq_hardware ? "hardware"
				: in.vmq_active   ? "software"
						  : "idle");
	if (in.vmq_queue >= 0)
		cJSON_AddNumberToObject(v, "queue", in.vmq_queue);
	cJSON_AddNumberToObject(v, "pps", (double)in.vmq_pps);
	cJSON_AddStringToObject(v, "why", in.why);
}

static int
vs_m_workers_list(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {NULL};
	unsigned int i, k;
	int rc;

	if ((rc = vs_ctl_check_keys(p, "", keys, err, errlen)) != 0)
		return rc;
	*res = cJSON_CreateArray();
	for (i = 0; i < vs_dp_worker_count(c->dp) || (i == 0 && vs_dp_worker_count(c->dp) == 0);
	     i++) {
		struct vs_worker_queue q[2 * VS_MAX_PORTS + VS_DP_MAX_SUBQUEUES];
		struct vs_worker_stats ws;
		cJSON *o = cJSON_CreateObject(), *qa;
		unsigned int n;

		vs_dp_worker_stats(c->dp, i, &ws);
		n = vs_dp_worker_queues(c->dp, i, q, RTE_DIM(q));
		cJSON_AddNumberToObject(o, "worker", i);
		cJSON_AddNumberToObject(o, "lcore", ws.lcore);
		qa = cJSON_AddArrayToObject(o, "queues");
		for (k = 0; k < n; k++) {
			cJSON *e = cJSON_CreateObject();
			const char *pn = vs_dp_port_name(c->dp, q[k].port);

			cJSON_AddStringToObject(e, "port", pn != NULL ? pn : "?");
			if (q[k].vmq)
				cJSON_AddBoolToObject(e, "vmq", true);
			else
				cJSON_AddNumberToObject(e, "queue", q[k].queue);
			cJSON_AddNumberToObject(e, "packets", (double)q[k].packets);
			cJSON_AddItemToArray(qa, e);
		}
		cJSON_AddNumberToObject(o, "packets", (double)ws.packets);
		cJSON_AddNumberToObject(o, "cycles_per_packet",
					ws.packets ? (double)ws.busy_cycles / (double)ws.packets : 0);
		cJSON_AddNumberToObject(o, "idle_ratio",
					ws.cycles ? 1.0 - (double)ws.busy_cycles / (double)ws.cycles
						  : 1.0);
		cJSON_AddNumberToObject(o, "vmq_handoff", (double)ws.vmq_handoff);
		cJSON_AddNumberToObject(o, "vmq_rx", (double)ws.vmq_rx);
		cJSON_AddNumberToObject(o, "tx_handoff", (double)ws.tx_handoff);
		cJSON_AddItemToArray(*res, o);
	}
	return 0;
}

static int
vs_m_workers_rebalance(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {NULL};
	int rc;

	if ((rc = vs_ctl_check_keys(p, "", keys, err, errlen)) != 0)
		return rc;
	if (c->dry_run) {
		*res = vs_ctl_would("place every unpinned queue again by load");
		return 0;
	}
	rc = vs_dp_workers_rebalance(c->dp, err, errlen);
	if (rc < 0)
		return rc;
	/* Placement by load is not configuration: nothing to persist. */
	*res = cJSON_CreateObject();
	cJSON_AddNumberToObject(*res, "moved", rc);
	return 0;
}

int
vs_ctl_register_vmq_methods(struct vs_ctl *c)
{
	static const struct vs_ctl_method m[] = {
		{"workers.list", vs_m_workers_list, false},
		{"workers.rebalance", vs_m_workers_rebalance, true},
	};

	return vs_ctl_register_table(c, m, sizeof(m) / sizeof(m[0]));
}
