/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswitchctl: one command, one JSON-RPC call to vswitchd.
 *
 *   vswitchctl [--socket PATH] [--json] NOUN VERB [ARGS...]
 *
 * Commands are rows of a table: which method they call, which positional
 * arguments and which options become which params.  Human output is aligned
 * tables; --json prints the raw result.  Exit status: 0 success, 1 the
 * daemon refused the request, 2 usage error, 3 daemon unreachable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "vswitchctl_priv.h"

#define VS_DEFAULT_SOCKET "/run/vswitch/vswitchd.sock"

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_UNREACHABLE = 3 };

/* What an option's value becomes.  The table writes false and true for the
 * first two, as when the field was "bool number". */
enum vs_opt_type {
	VS_OPT_STR = false,
	VS_OPT_NUM = true,
	VS_OPT_LIST, /* "a,b,c": an array of strings */
	VS_OPT_FLAG, /* takes no value: the key is true when given */
};

struct vs_opt {
	const char *flag;  /* "--type" */
	const char *key;   /* params key */
	enum vs_opt_type type;
};

#define VS_CMD_OPTS 20 /* flags of the command that takes most */

struct vs_cmd {
	const char *noun, *verb, *method;
	const char *pos[3];        /* required positional params */
	const char *opt_pos;       /* one optional positional param */
	struct vs_opt opts[VS_CMD_OPTS];
	const char *help;
	void (*print)(const cJSON *result);
};

static const struct vs_cmd vs_cmds[] = {
	{"switch", "add", "switch.add", {"name"}, NULL,
	 {{"--type", "type", false},
	  {"--uplink", "uplink", false},
	  {"--allow-management-os", "allow_management_os", false},
	  {"--host-ifname", "host.ifname", false},
	  {"--host-address", "host.address", false},
	  {"--host-mtu", "host.mtu", true}},
	 "switch add NAME [--type external|internal|private] [--uplink DEVARGS] "
	 "[--allow-management-os on|off] [--host-ifname IF] [--host-address ADDR/LEN]... "
	 "[--host-mtu MTU]",
	 NULL},
	{"switch", "set", "switch.set", {"name"}, NULL,
	 {{"--type", "type", false},
	  {"--uplink", "uplink", false},
	  {"--allow-management-os", "allow_management_os", false},
	  {"--host-ifname", "host.ifname", false},
	  {"--host-address", "host.address", false},
	  {"--host-mtu", "host.mtu", true}},
	 "switch set NAME [--type external|internal|private] [--uplink DEVARGS] "
	 "[--allow-management-os on|off] [--host-ifname IF] [--host-address ADDR/LEN]... "
	 "[--host-mtu MTU]",
	 NULL},
	{"switch", "del", "switch.del", {"name"}, NULL, {{0}}, "switch del NAME", NULL},
	{"switch", "list", "switch.list", {0}, NULL, {{0}}, "switch list", vs_print_switches},
	{"switch", "show", "switch.get", {"name"}, NULL, {{0}}, "switch show NAME",
	 vs_print_switch},
	{"port", "add", "port.add", {"switch", "name"}, NULL,
	 {{"--kind", "kind", false},
	  {"--devargs", "devargs", false},
	  {"--ring-size", "ring_size", true},
	  {"--admin", "admin", false},
	  {"--vlan", "vlan", false},
	  {"--native", "vlan.native", true},
	  {"--mac", "mac", false},
	  {"--mac-spoofing", "mac_spoofing", false},
	  {"--ifname", "ifname", false},
	  {"--owner", "owner", false},
	  {"--group", "group", false},
	  {"--adopt", "adopt", false},
	  {"--rx-pcap", "rx_pcap", false},
	  {"--tx-pcap", "tx_pcap", false},
	  {"--loop", "loop", false},
	  {"--mtu", "mtu", true},
	  {"--queues", "queues", true}},
	 "port add SWITCH NAME --kind emulated|netvsc|ring|pcap|vdev [--devargs ARGS] [--ring-size N] "
	 "[--admin up|down] [--vlan access VID | --vlan trunk LIST [--native VID]] [--mac MAC] "
	 "[--mac-spoofing on|off] [--ifname IF] [--owner USER] [--group GROUP] [--adopt IF] "
	 "[--rx-pcap FILE] [--tx-pcap FILE] [--loop on|off] [--mtu N (netvsc)] "
	 "[--queues 1-8 (netvsc: channels; phy, vdev: receive queues)]",
	 NULL},
	{"port", "del", "port.del", {"name"}, NULL, {{0}}, "port del NAME", NULL},
	{"port", "set", "port.set", {"name"}, NULL,
	 {{"--admin", "admin", false},
	  {"--vlan", "vlan", false},
	  {"--native", "vlan.native", true},
	  {"--pcp", "vlan.pcp", true},
	  {"--mac", "mac", false},
	  {"--mac-spoofing", "mac_spoofing", false},
	  {"--dhcp-guard", "dhcp_guard", false},
	  {"--router-guard", "router_guard", false},
	  {"--mtu", "mtu", true},
	  {"--offload", "offload", false},
	  {"--storm-control", "storm_control", false},
	  {"--queue", "queue", true},
	  {"--lcore", "lcore", false},
	  {"--vmq", "vmq", false},
	  {"--quarantine", "quarantine", false}},
	 "port set NAME [--admin up|down] [--vlan access VID | --vlan trunk LIST [--native VID] | "
	 "--vlan untagged] [--pcp 0-7] [--mac MAC] [--mac-spoofing on|off] [--dhcp-guard on|off] "
	 "[--router-guard on|off] [--mtu MTU] [--offload tx-csum=on|off,rx-csum=on|off,tso=on|off] "
	 "[--storm-control broadcast|multicast|unknown-unicast=PPS|off,...] "
	 "[--queue Q --lcore N|auto] [--vmq on|off] [--quarantine on|off (netvsc)]",
	 NULL},
	{"port", "list", "port.list", {0}, "switch", {{0}}, "port list [SWITCH]", vs_print_ports},
	{"port", "show", "port.get", {"name"}, NULL, {{0}}, "port show NAME", vs_print_port},
	{"fdb", "show", "fdb.show", {0}, "switch",
	 {{"--vlan", "vlan", true}, {"--port", "port", false}},
	 "fdb show [SWITCH] [--vlan VID] [--port PORT]", vs_print_fdb},
	{"fdb", "flush", "fdb.flush", {0}, "switch", {{0}}, "fdb flush [SWITCH]",
	 vs_print_flushed},
	{"stats", "show", "stats.get", {0}, "port", {{0}}, "stats show [PORT]", vs_print_stats},
	{"stats", "clear", "stats.clear", {0}, NULL, {{0}}, "stats clear", NULL},
	{"config", "show", "config.get", {0}, NULL, {{0}}, "config show", vs_print_json},
	{"mac-pool", "show", "mac_pool.get", {0}, NULL, {{0}}, "mac-pool show", vs_print_mac_pool},
	{"mac-pool", "set", "mac_pool.set", {"min", "max"}, NULL, {{0}}, "mac-pool set MIN MAX",
	 vs_print_mac_pool},
	{"daemon", "info", "daemon.info", {0}, NULL, {{0}}, "daemon info", vs_print_info},
	{"workers", "show", "workers.list", {0}, NULL, {{0}}, "workers show", vs_print_workers},
	{"workers", "rebalance", "workers.rebalance", {0}, NULL, {{0}}, "workers rebalance",
	 vs_print_rebalanced},
	{"capture", "start", "capture.start", {"port"}, NULL,
	 {{"--file", "file", false},
	  {"--dir", "dir", false},
	  {"--count", "count", true},
	  {"--max-bytes", "max_bytes", true},
	  {"--format", "format", false}},
	 "capture [start] PORT --file FILE [--dir rx|tx|both] [--count N] [--max-bytes B] "
	 "[--format pcap|pcapng]",
	 vs_print_capture},
	{"capture", "stop", "capture.stop", {"port"}, NULL, {{0}}, "capture stop PORT",
	 vs_print_capture},
	{"capture", "list", "capture.list", {0}, NULL, {{0}}, "capture list", vs_print_captures},
	{"nlb", "add", "nlb.add", {"switch"}, NULL,
	 {{"--ip", "ip", false},
	  {"--mode", "mode", false},
	  {"--vlan", "vlan", true},
	  {"--members", "members", VS_OPT_LIST},
	  {"--local-only", "local_only", VS_OPT_FLAG}},
	 "nlb add SWITCH --ip A.B.C.D --mode unicast|multicast|igmp [--vlan VID] "
	 "[--members PORT,...] [--local-only]",
	 vs_print_nlb_added},
	{"nlb", "del", "nlb.del", {"switch"}, NULL,
	 {{"--ip", "ip", false}, {"--vlan", "vlan", true}},
	 "nlb del SWITCH --ip A.B.C.D [--vlan VID]", NULL},
	{"nlb", "list", "nlb.list", {0}, "switch", {{0}}, "nlb list [SWITCH]", vs_print_nlb},
	{"trace", "frame", "trace", {"port"}, NULL,
	 {{"--frame", "frame", false}, {"--pcap", "pcap", false}, {"--index", "index", true}},
	 "trace PORT --frame HEX | --pcap FILE [--index N]", vs_print_trace},
};

#define VS_N_CMDS (sizeof(vs_cmds) / sizeof(vs_cmds[0]))

/* Verbs that may be left out: "vswitchctl stats" is "stats show". */
static const char *
vs_default_verb(const char *noun)
{
	if (strcmp(noun, "stats") == 0 || strcmp(noun, "fdb") == 0 || strcmp(noun, "config") == 0 ||
	    strcmp(noun, "mac-pool") == 0 || strcmp(noun, "workers") == 0)
		return "show";
	if (strcmp(noun, "switch") == 0 || strcmp(noun, "port") == 0 || strcmp(noun, "nlb") == 0)
		return "list";
	if (strcmp(noun, "daemon") == 0)
		return "info";
	if (strcmp(noun, "capture") == 0) /* "capture PORT --file F" */
		return "start";
	if (strcmp(noun, "trace") == 0) /* "trace PORT --frame HEX" */
		return "frame";
	return NULL;
}

static void
vs_usage(FILE *f, const char *noun)
{
	unsigned int i;

	fprintf(f, "usage: vswitchctl [--socket PATH] [--json] [--dry-run] NOUN VERB [ARGS...]\n");
	for (i = 0; i < VS_N_CMDS; i++)
		if (noun == NULL || strcmp(noun, vs_cmds[i].noun) == 0)
			fprintf(f, "  vswitchctl %s\n", vs_cmds[i].help);
	if (noun == NULL)
		fprintf(f, "Exit status: 0 ok, 1 request refused, 2 usage error, 3 vswitchd "
			   "unreachable.\n");
}

/* "--vlan access 10", "--vlan trunk 10,20-30", "--vlan untagged": the mode
 * and its VLANs become the "vlan" object; returns arguments consumed. */
static int
vs_add_vlan(cJSON *params, int argc, char **argv)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(params, "vlan");
	char *end;
	long vid;

	if (v == NULL)
		v = cJSON_AddObjectToObject(params, "vlan");
	if (argc < 1) {
		fprintf(stderr, "vswitchctl: --vlan needs access VID, trunk LIST or untagged\n");
		return -EINVAL;
	}
	cJSON_AddStringToObject(v, "mode", argv[0]);
	if (strcmp(argv[0], "untagged") == 0)
		return 1;
	if (argc < 2) {
		fprintf(stderr, "vswitchctl: --vlan %s needs %s\n", argv[0],
			strcmp(argv[0], "trunk") == 0 ? "a list of VLANs, e.g. 10,20-30" : "a VLAN id");
		return -EINVAL;
	}
	if (strcmp(argv[0], "trunk") == 0) {
		cJSON_AddStringToObject(v, "allowed", argv[1]);
		return 2;
	}
	vid = strtol(argv[1], &end, 10);
	if (*end != '\0' || end == argv[1]) {
		fprintf(stderr, "vswitchctl: --vlan %s: expected a VLAN id, got '%s'\n", argv[0],
			argv[1]);
		return -EINVAL;
	}
	cJSON_AddNumberToObject(v, "vid", (double)vid);
	return 2;
}

static int
vs_add_param(cJSON *params, const char *key, const char *val, bool number, const char *flag)
{
	/* vswitchd creates the file: a relative path means the client's. */
	if (strcmp(key, "file") == 0 && val[0] != '/')
		return vs_add_abs_path(params, key, val);
	if (strncmp(key, "vlan.", 5) == 0 || strncmp(key, "host.", 5) == 0) {
		char obj[8];
		cJSON *v;

		snprintf(obj, sizeof(obj), "%.4s", key);
		v = cJSON_GetObjectItemCaseSensitive(params, obj);
		if (v == NULL)
			v = cJSON_AddObjectToObject(params, obj);
		return vs_add_param(v, key + 5, val, number, flag);
	}
	if (strcmp(key, "address") == 0) { /* repeatable: --host-address A --host-address B */
		cJSON *a = cJSON_GetObjectItemCaseSensitive(params, "addresses");

		if (a == NULL)
			a = cJSON_AddArrayToObject(params, "addresses");
		cJSON_AddItemToArray(a, cJSON_CreateString(val));
		return 0;
	}
	/* vswitchd opens the captures: relative paths mean the client's. */
	if ((strcmp(key, "rx_pcap") == 0 || strcmp(key, "tx_pcap") == 0) && val[0] != '/')
		return vs_add_abs_path(params, key, val);
	if (strcmp(key, "adopt") == 0) { /* --adopt IF: that existing interface */
		cJSON_AddStringToObject(params, "ifname", val);
		cJSON_AddBoolToObject(params, "adopt", true);
		return 0;
	}
	if (strcmp(key, "mac_spoofing") == 0 || strcmp(key, "dhcp_guard") == 0 ||
	    strcmp(key, "router_guard") == 0 || strcmp(key, "allow_management_os") == 0 ||
	    strcmp(key, "loop") == 0 || strcmp(key, "vmq") == 0) {
		bool on = strcmp(val, "on") == 0 || strcmp(val, "true") == 0;

		if (!on && strcmp(val, "off") != 0 && strcmp(val, "false") != 0) {
			fprintf(stderr, "vswitchctl: %s: expected on or off, got '%s'\n", flag, val);
			return -EINVAL;
		}
		cJSON_AddBoolToObject(params, key, on);
		return 0;
	}
	if (number) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(val, &end, 10);
		if (errno != 0 || end == val || *end != '\0') {
			fprintf(stderr, "vswitchctl: %s: expected a number, got '%s'\n", flag, val);
			return -EINVAL;
		}
		cJSON_AddNumberToObject(params, key, (double)v);
	} else {
		cJSON_AddStringToObject(params, key, val);
	}
	return 0;
}

/* Builds the params of cmd from the arguments after NOUN VERB. */
static cJSON *
vs_build_params(const struct vs_cmd *cmd, int argc, char **argv)
{
	cJSON *params = cJSON_CreateObject();
	unsigned int npos = 0, j;
	int i;

	for (i = 0; i < argc; i++) {
		const struct vs_opt *o = NULL;

		if (strncmp(argv[i], "--", 2) == 0) {
			for (j = 0; j < VS_CMD_OPTS && cmd->opts[j].flag; j++)
				if (strcmp(cmd->opts[j].flag, argv[i]) == 0)
					o = &cmd->opts[j];
			if (o == NULL) {
				fprintf(stderr, "vswitchctl: %s %s: unknown option '%s'\n", cmd->noun,
					cmd->verb, argv[i]);
				goto usage;
			}
			if (o->type == VS_OPT_FLAG) {
				cJSON_AddBoolToObject(params, o->key, true);
				continue;
			}
			/* A port's VLAN policy; elsewhere --vlan is one VLAN id. */
			if (strcmp(o->key, "vlan") == 0 && o->type == VS_OPT_STR) {
				int used = vs_add_vlan(params, argc - i - 1, argv + i + 1);

				if (used < 0)
					goto usage;
				i += used;
				continue;
			}
			if (i + 1 == argc) {
				fprintf(stderr, "vswitchctl: %s needs a value\n", argv[i]);
				goto usage;
			}
			if ((o->type == VS_OPT_LIST
				     ? vs_add_name_list(params, o->key, argv[i + 1])
				     : vs_add_param(params, o->key, argv[i + 1], o->type == VS_OPT_NUM,
						    o->flag)) != 0)
				goto usage;
			i++;
			continue;
		}
		if (npos < 3 && cmd->pos[npos] != NULL) {
			cJSON_AddStringToObject(params, cmd->pos[npos++], argv[i]);
		} else if (cmd->opt_pos != NULL && !cJSON_HasObjectItem(params, cmd->opt_pos)) {
			cJSON_AddStringToObject(params, cmd->opt_pos, argv[i]);
		} else {
			fprintf(stderr, "vswitchctl: %s %s: unexpected argument '%s'\n", cmd->noun,
				cmd->verb, argv[i]);
			goto usage;
		}
	}
	if (npos < 3 && cmd->pos[npos] != NULL) {
		fprintf(stderr, "vswitchctl: %s %s: missing %s\n", cmd->noun, cmd->verb,
			cmd->pos[npos]);
		goto usage;
	}
	return params;
usage:
	fprintf(stderr, "usage: vswitchctl %s\n", cmd->help);
	cJSON_Delete(params);
	return NULL;
}

/* Sends one request and reads one response line.  NULL: unreachable. */
static char *
vs_call(const char *sock, const char *method, cJSON *params)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cJSON *req = cJSON_CreateObject();
	char *line, *resp = NULL;
	size_t len = 0, cap = 0;
	int fd;

	cJSON_AddStringToObject(req, "jsonrpc", "2.0");
	cJSON_AddNumberToObject(req, "id", 1);
	cJSON_AddStringToObject(req, "method", method);
	cJSON_AddItemToObject(req, "params", params);
	line = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	if (strlen(sock) >= sizeof(sa.sun_path)) {
		free(line);
		return NULL;
	}
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "vswitchctl: cannot reach vswitchd at %s: %s\n", sock,
			strerror(errno));
		fprintf(stderr, "hint: is vswitchd running? start it with "
				"'vswitchd -- --rundir DIR --config FILE', or pass --socket\n");
		if (fd >= 0)
			close(fd);
		free(line);
		return NULL;
	}
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0 || send(fd, "\n", 1, MSG_NOSIGNAL) < 0)
		goto fail;
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *r = realloc(resp, cap = cap ? cap * 2 : 8192);

			if (r == NULL)
				goto fail;
			resp = r;
		}
		n = recv(fd, resp + len, cap - len - 1, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(resp + len - (size_t)n, '\n', (size_t)n) != NULL)
			break;
	}
	if (resp == NULL || len == 0)
		goto fail;
	resp[len] = '\0';
	close(fd);
	free(line);
	return resp;
fail:
	fprintf(stderr, "vswitchctl: connection to %s lost\n", sock);
	free(resp);
	free(line);
	close(fd);
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *sock = getenv("VSWITCH_SOCKET");
	const char *noun, *verb;
	const struct vs_cmd *cmd = NULL;
	bool json = false, dry_run = false;
	cJSON *params, *resp, *err, *result;
	char *line;
	unsigned int i;
	int a = 1, rc;

	if (sock == NULL)
		sock = VS_DEFAULT_SOCKET;
	while (a < argc && strncmp(argv[a], "--", 2) == 0) {
		if (strcmp(argv[a], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[a], "--dry-run") == 0) {
			dry_run = true;
		} else if (strcmp(argv[a], "--socket") == 0 && a + 1 < argc) {
			sock = argv[++a];
		} else if (strcmp(argv[a], "--help") == 0) {
			vs_usage(stdout, NULL);
			return 0;
		} else {
			fprintf(stderr, "vswitchctl: unknown option '%s'\n", argv[a]);
			vs_usage(stderr, NULL);
			return EXIT_USAGE;
		}
		a++;
	}
	if (a == argc) {
		vs_usage(stderr, NULL);
		return EXIT_USAGE;
	}
	noun = argv[a++];
	if (strcmp(noun, "info") == 0)
		noun = "daemon";
	if (a < argc && strcmp(argv[a], "--help") == 0) {
		vs_usage(stdout, noun);
		return 0;
	}
	verb = a < argc && strncmp(argv[a], "--", 2) != 0 ? argv[a] : NULL;
	for (i = 0; verb != NULL && i < VS_N_CMDS; i++)
		if (strcmp(vs_cmds[i].noun, noun) == 0 &&
		    (strcmp(vs_cmds[i].verb, verb) == 0 ||
		     (strcmp(verb, "get") == 0 && strcmp(vs_cmds[i].verb, "show") == 0)))
			cmd = &vs_cmds[i];
	if (cmd != NULL) {
		a++;
	} else {
		const char *dv = vs_default_verb(noun);

		for (i = 0; dv != NULL && i < VS_N_CMDS; i++)
			if (strcmp(vs_cmds[i].noun, noun) == 0 && strcmp(vs_cmds[i].verb, dv) == 0)
				cmd = &vs_cmds[i];
	}
	if (cmd == NULL) {
		fprintf(stderr, "vswitchctl: unknown command '%s%s%s'\n", noun, verb ? " " : "",
			verb ? verb : "");
		vs_usage(stderr, NULL);
		return EXIT_USAGE;
	}
	if (a < argc && strcmp(argv[a], "--help") == 0) {
		printf("usage: vswitchctl %s\n", cmd->help);
		return 0;
	}
	params = vs_build_params(cmd, argc - a, argv + a);
	if (params == NULL)
		return EXIT_USAGE;
	if (strcmp(cmd->method, "trace") == 0 && vs_trace_frame_from_pcap(params) != 0) {
		cJSON_Delete(params);
		return EXIT_USAGE;
	}
	if (dry_run) /* the daemon refuses it, naming it, where nothing would change */
		cJSON_AddBoolToObject(params, "dry_run", true);
	line = vs_call(sock, cmd->method, params);
	if (line == NULL)
		return EXIT_UNREACHABLE;
	resp = cJSON_Parse(line);
	free(line);
	if (resp == NULL) {
		fprintf(stderr, "vswitchctl: vswitchd sent an unreadable answer\n");
		return EXIT_REFUSED;
	}
	err = cJSON_GetObjectItemCaseSensitive(resp, "error");
	result = cJSON_GetObjectItemCaseSensitive(resp, "result");
	if (err != NULL) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(err, "message");

		fprintf(stderr, "vswitchctl: %s\n", cJSON_IsString(m) ? m->valuestring : "error");
		rc = EXIT_REFUSED;
	} else if (json) {
		char *s = cJSON_Print(result);

		printf("%s\n", s);
		free(s);
		rc = 0;
	} else {
		const cJSON *would = cJSON_GetObjectItemCaseSensitive(result, "would");

		if (cJSON_IsString(would))
			printf("dry run: would %s\n", would->valuestring);
		else if (cmd->print != NULL)
			cmd->print(result);
		rc = 0;
	}
	cJSON_Delete(resp);
	return rc;
}
