/* SPDX-License-Identifier: BSD-3-Clause */
/* vswitchctl's side of placement and software VMQ: the lines port show
 * adds, the workers table, the rebalance answer.  Missing fields print as
 * "-" (the daemon may be newer or older than the client). */
#include <stdio.h>
#include <string.h>

#include "vswitchctl_priv.h"

static const char *
vs_s(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "-";
}

static double
vs_n(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

void
vs_print_port_vmq(const cJSON *r)
{
	const cJSON *pl = cJSON_GetObjectItemCaseSensitive(r, "placement");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "vmq_status");

	if (pl != NULL) {
		if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(pl, "worker")))
			printf("placement:   queue 0 on worker %.0f (lcore %.0f), by %s, %.0f pps\n",
			       vs_n(pl, "worker"), vs_n(pl, "lcore"), vs_s(pl, "by"), vs_n(pl, "pps"));
		else
			printf("placement:   queue 0 moving between workers\n");
	}
	if (v != NULL) {
		printf("vmq:         %s", vs_s(v, "mode"));
		if (cJSON_HasObjectItem(v, "queue"))
			printf(", queue %.0f, %.0f pps", vs_n(v, "queue"), vs_n(v, "pps"));
		printf("\n  why:       %s\n", vs_s(v, "why"));
	}
}

void
vs_print_workers(const cJSON *r)
{
	const cJSON *w;

	printf("%-7s %-6s %-14s %-10s %-7s %s\n", "WORKER", "LCORE", "PACKETS", "CYC/PKT", "IDLE",
	       "QUEUES");
	cJSON_ArrayForEach(w, r)
	{
		const cJSON *q;
		int first = 1;

		char idle[16];

		snprintf(idle, sizeof(idle), "%.1f%%", 100.0 * vs_n(w, "idle_ratio"));
		printf("%-7.0f %-6.0f %-14.0f %-10.1f %-7s ", vs_n(w, "worker"), vs_n(w, "lcore"),
		       vs_n(w, "packets"), vs_n(w, "cycles_per_packet"), idle);
		cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(w, "queues"))
		{
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(q, "vmq")))
				printf("%s%s:vmq (%.0f)", first ? "" : ", ", vs_s(q, "port"),
				       vs_n(q, "packets"));
			else
				printf("%s%s:%.0f (%.0f)", first ? "" : ", ", vs_s(q, "port"),
				       vs_n(q, "queue"), vs_n(q, "packets"));
			first = 0;
		}
		printf("%s\n", first ? "-" : "");
		if (vs_n(w, "vmq_handoff") || vs_n(w, "vmq_rx") || vs_n(w, "tx_handoff"))
			printf("        handed to other workers' VMQ rings %.0f, taken from its own "
			       "%.0f, to netvsc ports' workers %.0f\n",
			       vs_n(w, "vmq_handoff"), vs_n(w, "vmq_rx"), vs_n(w, "tx_handoff"));
	}
}

void
vs_print_rebalanced(const cJSON *r)
{
	if (cJSON_HasObjectItem(r, "would"))
		printf("would %s\n", vs_s(r, "would"));
	else
		printf("%.0f queue(s) moved\n", vs_n(r, "moved"));
}
