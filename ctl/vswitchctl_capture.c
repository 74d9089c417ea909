/* SPDX-License-Identifier: BSD-3-Clause */
/* vswitchctl's side of live capture: the file path as the daemon needs it,
 * and the status lines. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vswitchctl_priv.h"

int
vs_add_abs_path(cJSON *params, const char *key, const char *path)
{
	char cwd[PATH_MAX], *abs = NULL;
	int rc;

	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		fprintf(stderr, "vswitchctl: cannot read the current directory: %s\n",
			strerror(errno));
		return -errno;
	}
	rc = asprintf(&abs, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path);
	if (rc < 0)
		return -ENOMEM;
	cJSON_AddStringToObject(params, key, abs);
	free(abs);
	return 0;
}

static const char *
vs_cap_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "-";
}

static double
vs_cap_num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* "running" or the reason it ended ("count_limit", "write_error: ..."). */
static void
vs_cap_state(const cJSON *o, char *out, size_t len)
{
	const char *end = vs_cap_str(o, "end");

	if (strcmp(end, "write_error") == 0)
		snprintf(out, len, "%s: %s", end, vs_cap_str(o, "error"));
	else
		snprintf(out, len, "%s", end);
}

void
vs_print_capture(const cJSON *r)
{
	char state[160];

	vs_cap_state(r, state, sizeof(state));
	printf("capture on %s (%s, %s) to %s: %s, %.0f frame(s), %.0f bytes, %.0f dropped\n",
	       vs_cap_str(r, "port"), vs_cap_str(r, "dir"), vs_cap_str(r, "format"),
	       vs_cap_str(r, "file"), state, vs_cap_num(r, "frames"), vs_cap_num(r, "bytes"),
	       vs_cap_num(r, "dropped"));
}

void
vs_print_captures(const cJSON *r)
{
	const cJSON *c;

	printf("%-16s %-4s %-6s %-12s %10s %12s %9s  %s\n", "PORT", "DIR", "FORMAT", "STATE",
	       "FRAMES", "BYTES", "DROPPED", "FILE");
	cJSON_ArrayForEach(c, r) {
		char state[160];

		vs_cap_state(c, state, sizeof(state));
		printf("%-16s %-4s %-6s %-12s %10.0f %12.0f %9.0f  %s\n", vs_cap_str(c, "port"),
		       vs_cap_str(c, "dir"), vs_cap_str(c, "format"), state,
		       vs_cap_num(c, "frames"), vs_cap_num(c, "bytes"), vs_cap_num(c, "dropped"),
		       vs_cap_str(c, "file"));
	}
}
