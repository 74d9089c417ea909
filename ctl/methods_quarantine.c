/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Quarantine in the control protocol (vswitch.h, "Quarantine"): port.set's
 * "quarantine" (parsed here, applied by port.set in methods_dp.c) and what
 * port.get adds about it.
 *
 *   port.set {"name": P, "quarantine": "on" | "off"}
 *   port.get -> "quarantined": "<reason>"           while quarantined
 *               "quarantine": {"violations", "total", "times"}
 *                                                   once the guest broke
 *                                                   the protocol
 *
 * Quarantine is state, not configuration: it is never persisted, and a
 * restarted vswitchd starts every port out of it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_priv.h"
#include "rpc_priv.h"

int
vs_ctl_parse_quarantine(const cJSON *p, int *want, char *err, size_t errlen)
{
	char s[8] = "";
	int rc;

	*want = -1;
	if ((rc = vs_ctl_get_str(p, "", "quarantine", 0, s, sizeof(s), err, errlen)) != 0)
		return rc;
	if (!cJSON_HasObjectItem(p, "quarantine"))
		return 0;
	if (strcmp(s, "on") != 0 && strcmp(s, "off") != 0) {
		snprintf(err, errlen, "quarantine: expected 'on' or 'off', got '%s'", s);
		return -EINVAL;
	}
	*want = strcmp(s, "on") == 0;
	return 0;
}

void
vs_ctl_port_quarantine_json(const struct vs_dp *dp, unsigned int idx, cJSON *o)
{
	struct vs_port_quarantine q;
	cJSON *j;

	if (vs_dp_port_quarantine(dp, idx, &q) != 0)
		return;
	if (q.on)
		cJSON_AddStringToObject(o, "quarantined", q.reason);
	if (q.total == 0 && q.times == 0)
		return;
	j = cJSON_AddObjectToObject(o, "quarantine");
	cJSON_AddNumberToObject(j, "violations", (double)q.violations);
	cJSON_AddNumberToObject(j, "total", (double)q.total);
	cJSON_AddNumberToObject(j, "times", q.times);
}
