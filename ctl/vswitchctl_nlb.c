/* SPDX-License-Identifier: BSD-3-Clause */
/* vswitchctl's side of NLB clusters: the member list as the daemon wants
 * it, and the clusters as a table.  Missing fields print as "-" (the daemon
 * may be newer or older than the client). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vswitchctl_priv.h"

int
vs_add_name_list(cJSON *params, const char *key, const char *list)
{
	cJSON *a = cJSON_AddArrayToObject(params, key);
	const char *p = list;

	if (a == NULL)
		return -ENOMEM;
	/* Empty names are kept: the daemon refuses them by position. */
	for (;;) {
		size_t n = strcspn(p, ",");
		char *name = strndup(p, n);

		if (name == NULL)
			return -ENOMEM;
		cJSON_AddItemToArray(a, cJSON_CreateString(name));
		free(name);
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

static const char *
vs_nlb_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "-";
}

static double
vs_nlb_num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static bool
vs_nlb_true(const cJSON *o, const char *k)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* "vm1,vm2(down),vm3(igmp)": a member joined by IGMP says so, one that
 * does not receive (its port is down) too. */
static void
vs_nlb_members_text(const cJSON *members, char *out, size_t len)
{
	const cJSON *m;
	size_t off = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(m, members) {
		bool igmp = vs_nlb_true(m, "igmp"), down = !vs_nlb_true(m, "up");
		const char *state = igmp && down ? "(igmp,down)"
				    : igmp	 ? "(igmp)"
				    : down	 ? "(down)"
						 : "";

		if (off >= len)
			break;
		off += (size_t)snprintf(out + off, len - off, "%s%s%s", off ? "," : "",
					vs_nlb_str(m, "name"), state);
	}
	if (off == 0)
		snprintf(out, len, "-");
}

void
vs_print_nlb(const cJSON *r)
{
	const cJSON *c;
	char members[2048], igmp[48];

	printf("%-16s %4s  %-15s  %-9s  %-17s  %-5s %10s %10s  %-11s  %s\n", "SWITCH", "VLAN",
	       "CLUSTER_IP", "MODE", "CLUSTER_MAC", "LOCAL", "DELIVERED", "HEARTBEATS",
	       "IGMP_J/L/E", "MEMBERS");
	cJSON_ArrayForEach(c, r) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(c, "stats");

		vs_nlb_members_text(cJSON_GetObjectItemCaseSensitive(c, "members"), members,
				    sizeof(members));
		if (strcmp(vs_nlb_str(c, "mode"), "igmp") == 0)
			snprintf(igmp, sizeof(igmp), "%.0f/%.0f/%.0f", vs_nlb_num(st, "igmp_joins"),
				 vs_nlb_num(st, "igmp_leaves"), vs_nlb_num(st, "igmp_expired"));
		else
			snprintf(igmp, sizeof(igmp), "-");
		printf("%-16s %4.0f  %-15s  %-9s  %-17s  %-5s %10.0f %10.0f  %-11s  %s\n",
		       vs_nlb_str(c, "switch"), vs_nlb_num(c, "vlan"), vs_nlb_str(c, "ip"),
		       vs_nlb_str(c, "mode"), vs_nlb_str(c, "nlb_mac"),
		       vs_nlb_true(c, "local_only") ? "yes" : "no", vs_nlb_num(st, "delivered"),
		       vs_nlb_num(st, "heartbeats"), igmp, members);
	}
}

void
vs_print_nlb_added(const cJSON *r)
{
	printf("NLB cluster %s in VLAN %.0f of switch %s: %s mode, cluster MAC %s\n",
	       vs_nlb_str(r, "ip"), vs_nlb_num(r, "vlan"), vs_nlb_str(r, "switch"),
	       vs_nlb_str(r, "mode"), vs_nlb_str(r, "nlb_mac"));
}
