/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the control protocol's request handler.  Each input is
 * one request line handed to vs_ctl_handle, the code the socket runs, on a
 * datapath with a switch and two ring ports (no configuration file, so
 * nothing is written).  Whatever the input, the answer must be one JSON
 * object (or nothing, for a notification) and the switch must survive.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <rte_eal.h>

#include "ctl.h"

static struct vs_dp *dp;
static struct vs_ctl *ctl;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char prefix[64];
	char *eal[] = {"fuzz", "-l", "0", "--no-huge", "--no-pci", "--no-shconf", "-m", "512",
		       "--log-level=*:crit", "--no-telemetry", "--file-prefix", prefix, NULL};
	struct vs_dp_conf dc = {.fdb_size = 64};
	struct vs_ctl_conf cc = {.sock_gid = -1, .version = "fuzz"};
	char err[256];
	const char *doc = "{\"switches\":[{\"name\":\"sw\"}],\"ports\":["
			  "{\"switch\":\"sw\",\"name\":\"a\",\"kind\":\"ring\"},"
			  "{\"switch\":\"sw\",\"name\":\"b\",\"kind\":\"ring\"}]}";

	(void)argc;
	(void)argv;
	snprintf(prefix, sizeof(prefix), "vsfuzzctl%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0)
		abort();
	dp = vs_dp_create(&dc, err, sizeof(err));
	if (dp == NULL || vs_ctl_config_apply(dp, doc, err, sizeof(err)) != 0)
		abort();
	ctl = vs_ctl_create(dp, &cc, err, sizeof(err));
	if (ctl == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out;
	cJSON *r;

	if (size > 65536)
		return 0;
	out = vs_ctl_handle(ctl, (const char *)data, size);
	if (out == NULL)
		return 0;
	r = cJSON_Parse(out);
	if (r == NULL || !cJSON_IsObject(r)) {
		fprintf(stderr, "answer is not a JSON object: %s\n", out);
		abort();
	}
	cJSON_Delete(r);
	free(out);
	return 0;
}
