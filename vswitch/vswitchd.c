/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswitchd: EAL arguments before "--", its own after.
 *
 *   vswitchd [EAL args] -- [--config FILE] [--rundir DIR] [--workers N]
 *                          [--group NAME] [--stats-interval S] [--exit-after S]
 *
 * Without EAL arguments it runs hugepage-free on lcores 0-1.  With --config
 * the file is loaded at start (an absent file means an empty switch) and
 * rewritten atomically after every accepted change made through the control
 * socket <rundir>/vswitchd.sock.  Without --config it runs the embedded
 * demonstration: one external switch whose uplink and three VM ports replay
 * bundled captures (pcap ports), printing per-port counters and the learned
 * MAC table; its changes are not persisted.
 *
 * DPDK's own tools work on a vswitchd that was started for them: DPDK
 * telemetry (/vswitch/... commands, dpdk-telemetry.py) always, and
 * dpdk-dumpcap / dpdk-pdump, which attach as secondary processes, only when
 * the EAL arguments keep the multi-process shared configuration: a
 * --file-prefix NAME (the tools take the same) and no --no-shconf.  The
 * default EAL arguments use --no-shconf, so there vswitchctl capture is
 * the way to capture.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_pdump.h>
#include <rte_version.h>

#include "ctl.h"
#include "vswitch.h"

#ifndef VS_VERSION
#define VS_VERSION "0.0.0"
#endif
#ifndef VS_DEMO_DIR
#define VS_DEMO_DIR "vswitch/demo"
#endif

static volatile sig_atomic_t vs_quit;
static char vs_eal_rundir[256];

/* EAL leaves its runtime directory behind; it is empty once telemetry has
 * removed its socket, which it does in an exit handler registered during
 * EAL init.  Registered before that, this one runs after it. */
static void
vs_remove_eal_rundir(void)
{
	if (vs_eal_rundir[0] != '\0')
		rmdir(vs_eal_rundir);
}

static void
vs_on_signal(int sig)
{
	(void)sig;
	vs_quit = 1;
}

struct vs_opts {
	const char *config;
	const char *rundir;
	int workers;           /* -1: from the config, else 1 */
	unsigned int stats_interval;
	unsigned int exit_after;
	int gid;               /* --group: the socket's group; -1: ours */
	uint32_t quarantine_after; /* 0: the datapath's default */
};

/* "FILE:LINE: message" when the message names a field of the file. */
static void
vs_config_error(const char *file, const char *text, const char *err)
{
	if (file != NULL && (strncmp(err, "switches[", 9) == 0 || strncmp(err, "ports[", 6) == 0 ||
			     strncmp(err, "datapath", 8) == 0 || strncmp(err, "config.", 7) == 0))
		fprintf(stderr, "vswitchd: %s:%u: %s\n", file, vs_ctl_locate_line(text, err), err);
	else
		fprintf(stderr, "vswitchd: %s: %s\n", file ? file : "demo", err);
}

/* What the datapath did by itself or saw change (kernel links, MTUs). */
static void
vs_notice(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "vswitchd: %s\n", msg);
}

static void
vs_usage(FILE *f)
{
	fprintf(f, "usage: vswitchd [EAL options] -- [--config FILE] [--rundir DIR] "
		   "[--workers N] [--group NAME] [--stats-interval S] [--exit-after S] "
		   "[--quarantine-after N|never]\n");
}

/* Parses a whole decimal number in [min, max]. */
static int
vs_parse_uint(const char *s, unsigned int min, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min || v > max)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

/* A group name, or a numeric gid, for the control socket (mode 0660):
 * its members may configure the switch without being root. */
static int
vs_parse_group(const char *s, int *gid)
{
	const struct group *g = getgrnam(s);
	unsigned int v;

	if (g != NULL) {
		*gid = (int)g->gr_gid;
		return 0;
	}
	if (vs_parse_uint(s, 0, INT_MAX, &v) == 0) {
		*gid = (int)v;
		return 0;
	}
	fprintf(stderr, "vswitchd: --group: no group named '%s'\n", s);
	return -ENOENT;
}

/* DPDK's tools: dpdk-dumpcap/dpdk-pdump (secondary processes) and
 * telemetry.  Neither is needed to switch frames: failures are reported
 * and the daemon goes on. */
static void
vs_dpdk_hooks(void)
{
	int rc;

	if (rte_pdump_init() != 0)
		fprintf(stderr,
			"vswitchd: note: dpdk-dumpcap cannot attach (%s); it needs EAL options "
			"with --file-prefix NAME and without --no-shconf. vswitchctl capture "
			"works regardless.\n",
			rte_strerror(rte_errno));
	rc = vs_telemetry_init();
	if (rc != 0)
		fprintf(stderr, "vswitchd: note: telemetry commands not registered: %s\n",
			strerror(-rc));
}

static int
vs_parse_opts(int argc, char **argv, struct vs_opts *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"rundir", required_argument, NULL, 'r'},
		{"workers", required_argument, NULL, 'w'},
		{"stats-interval", required_argument, NULL, 's'},
		{"exit-after", required_argument, NULL, 'x'},
		{"group", required_argument, NULL, 'g'},
		{"quarantine-after", required_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	unsigned int v;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'r':
			o->rundir = optarg;
			break;
		case 'w':
			if (vs_parse_uint(optarg, 1, VS_MAX_WORKERS, &v) != 0) {
				fprintf(stderr, "vswitchd: --workers: expected 1 to %d, got '%s'\n",
					VS_MAX_WORKERS, optarg);
				return -EINVAL;
			}
			o->workers = (int)v;
			break;
		case 's':
		case 'x':
			if (vs_parse_uint(optarg, 1, 1000000, &v) != 0) {
				fprintf(stderr, "vswitchd: --%s: expected a number of seconds, got '%s'\n",
					c == 's' ? "stats-interval" : "exit-after", optarg);
				return -EINVAL;
			}
			if (c == 's')
				o->stats_interval = v;
			else
				o->exit_after = v;
			break;
		case 'g':
			if (vs_parse_group(optarg, &o->gid) != 0)
				return -EINVAL;
			break;
		case 'q':
			/* Protocol violations before a netvsc port is quarantined. */
			if (strcmp(optarg, "never") == 0) {
				o->quarantine_after = UINT32_MAX;
			} else if (vs_parse_uint(optarg, 1, 1000000, &v) == 0) {
				o->quarantine_after = v;
			} else {
				fprintf(stderr,
					"vswitchd: --quarantine-after: expected 1 to 1000000 or "
					"'never', got '%s'\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'h':
			vs_usage(stdout);
			exit(0);
		default:
			fprintf(stderr, "vswitchd: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			vs_usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vswitchd: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* The embedded demonstration: an external switch whose uplink and three VMs
 * (pcap ports, the VM stand-ins) replay captures, plus an isolated private
 * switch of two ring ports. */
static char *
vs_demo_config(const char *rundir)
{
	static const char fmt[] =
		"{\"datapath\":{\"workers\":1},"
		"\"switches\":[{\"name\":\"ext0\",\"type\":\"external\","
		"\"uplink\":\"net_pcap_uplink,rx_pcap=%1$s/uplink.pcap,tx_pcap=%2$s/uplink-out.pcap\"},"
		"{\"name\":\"lab\",\"type\":\"private\"}],"
		"\"ports\":["
		"{\"switch\":\"ext0\",\"name\":\"vm1\",\"kind\":\"pcap\","
		"\"rx_pcap\":\"%1$s/vm1.pcap\",\"tx_pcap\":\"%2$s/vm1-out.pcap\"},"
		"{\"switch\":\"ext0\",\"name\":\"vm2\",\"kind\":\"pcap\","
		"\"rx_pcap\":\"%1$s/vm2.pcap\",\"tx_pcap\":\"%2$s/vm2-out.pcap\"},"
		"{\"switch\":\"ext0\",\"name\":\"vm3\",\"kind\":\"pcap\","
		"\"rx_pcap\":\"%1$s/vm3.pcap\",\"tx_pcap\":\"%2$s/vm3-out.pcap\"},"
		"{\"switch\":\"lab\",\"name\":\"lab1\",\"kind\":\"ring\"},"
		"{\"switch\":\"lab\",\"name\":\"lab2\",\"kind\":\"ring\"}]}";
	char *out = NULL;

	if (asprintf(&out, fmt, VS_DEMO_DIR, rundir) < 0)
		return NULL;
	return out;
}

static void
vs_print_stats(const struct vs_dp *dp)
{
	struct vs_fdb_stats fs;
	unsigned int i, r;

	printf("%-8s %-12s %10s %12s %10s %12s %9s %9s  %s\n", "switch", "port", "rx_pkts",
	       "rx_bytes", "tx_pkts", "tx_bytes", "unicast", "flooded", "drops");
	for (i = 0; i < VS_MAX_PORTS; i++) {
		struct vs_port_stats s;
		char drops[256] = "";
		size_t off = 0;

		if (vs_dp_port_stats(dp, i, &s) != 0)
			continue;
		for (r = 0; r < VS_DROP_MAX && off < sizeof(drops); r++)
			if (s.drops[r] != 0)
				off += (size_t)snprintf(drops + off, sizeof(drops) - off, "%s%s=%llu",
							off ? " " : "", vs_drop_reason_name(r),
							(unsigned long long)s.drops[r]);
		printf("%-8s %-12s %10llu %12llu %10llu %12llu %9llu %9llu  %s\n",
		       vs_dp_port_switch(dp, i), vs_dp_port_name(dp, i),
		       (unsigned long long)s.rx_packets, (unsigned long long)s.rx_bytes,
		       (unsigned long long)s.tx_packets, (unsigned long long)s.tx_bytes,
		       (unsigned long long)s.fwd_unicast, (unsigned long long)s.fwd_flood,
		       drops[0] ? drops : "-");
	}
	vs_dp_fdb_stats(dp, &fs);
	printf("fdb: %u/%u entries, learned %llu, moved %llu, aged %llu, overflow %llu\n",
	       fs.entries, fs.capacity, (unsigned long long)fs.learned,
	       (unsigned long long)fs.moved, (unsigned long long)fs.aged,
	       (unsigned long long)fs.overflow);
}

static void
vs_print_fdb_entry(const struct vs_fdb_entry_info *e, void *arg)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	(void)arg;
	{
		struct rte_ether_addr ea_; /* the bytes may sit at any address */

		memcpy(ea_.addr_bytes, e->mac, 6);
		rte_ether_format_addr(mac, sizeof(mac), &ea_);
	}
	printf("%-8s %4u  %s  %-12s %5u\n", e->switch_name, e->vlan, mac, e->port_name, e->age_s);
}

static void
vs_print_fdb(struct vs_dp *dp)
{
	printf("%-8s %4s  %-17s  %-12s %5s\n", "switch", "vlan", "mac", "port", "age");
	vs_dp_fdb_walk(dp, vs_print_fdb_entry, NULL);
}

static int
vs_mkdir_p(const char *dir)
{
	char tmp[PATH_MAX];
	char *p;

	if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int
main(int argc, char **argv)
{
	static char *default_eal[] = {"vswitchd", "-l", "0-1", "--no-huge", "--no-pci",
				      "--no-shconf", "-m", "512", "--log-level=lib.*:warning",
				      NULL};
	struct vs_opts o = {.rundir = "/run/vswitch", .workers = -1, .gid = -1};
	struct vs_dp_conf dc = {.n_workers = 1};
	struct vs_dp *dp = NULL;
	char err[512], *cfg = NULL;
	int i, sep = -1, rc = 1, eal_argc;
	unsigned int elapsed = 0, captures = 0;
	struct timespec t_last;
	unsigned int channels = 0;
	struct vs_ctl *ctl = NULL;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			sep = i;
			break;
		}
	if (sep < 0 && argc > 1 && strncmp(argv[1], "--", 2) == 0 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "--config") == 0)) {
		fprintf(stderr, "vswitchd: put '--' between EAL options and vswitchd's own\n");
		vs_usage(stderr);
		return 1;
	}
	if (vs_parse_opts(sep < 0 ? 1 : argc - sep, sep < 0 ? argv : argv + sep, &o) != 0)
		return 1;
	atexit(vs_remove_eal_rundir);
	if (sep == 1 || argc == 1) {
		eal_argc = (int)(sizeof(default_eal) / sizeof(default_eal[0])) - 1;
		rc = rte_eal_init(eal_argc, default_eal);
	} else {
		eal_argc = sep < 0 ? argc : sep;
		rc = rte_eal_init(eal_argc, argv);
	}
	if (rc < 0) {
		fprintf(stderr, "vswitchd: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	vs_dpdk_hooks();
	snprintf(vs_eal_rundir, sizeof(vs_eal_rundir), "%s", rte_eal_get_runtime_dir());
	rc = 1;
	if (vs_mkdir_p(o.rundir) != 0) {
		fprintf(stderr, "vswitchd: --rundir %s: %s\n", o.rundir, strerror(errno));
		goto out;
	}
	if (o.config != NULL && access(o.config, F_OK) != 0 && errno == ENOENT)
		cfg = strdup("{}"); /* first start: the file is written on the first change */
	else
		cfg = o.config ? vs_ctl_read_file(o.config, err, sizeof(err))
			       : vs_demo_config(o.rundir);
	if (cfg == NULL) {
		fprintf(stderr, "vswitchd: --config %s\n", err);
		goto out;
	}
	if (!o.config && o.stats_interval == 0)
		o.stats_interval = 1;
	/* netvsc ports' channel files live under the rundir. */
	snprintf(dc.chan_dir, sizeof(dc.chan_dir), "%s/chan", o.rundir);
	if (vs_mkdir_p(dc.chan_dir) != 0) {
		fprintf(stderr, "vswitchd: %s: %s\n", dc.chan_dir, strerror(errno));
		goto out;
	}
	if (vs_ctl_dp_conf_parse(cfg, &dc, err, sizeof(err)) != 0) {
		vs_config_error(o.config, cfg, err);
		goto out;
	}
	if (o.workers > 0)
		dc.n_workers = (unsigned int)o.workers;
	dc.quarantine_after = o.quarantine_after;
	if (dc.n_workers == 0)
		dc.n_workers = 1;
	dp = vs_dp_create(&dc, err, sizeof(err));
	if (dp == NULL) {
		fprintf(stderr, "vswitchd: %s\n", err);
		goto out;
	}
	vs_dp_set_notice(dp, vs_notice, NULL);
	if (vs_ctl_config_apply(dp, cfg, err, sizeof(err)) != 0) {
		vs_config_error(o.config, cfg, err);
		goto out;
	}
	if (vs_dp_start(dp, err, sizeof(err)) != 0) {
		fprintf(stderr, "vswitchd: %s\n", err);
		goto out;
	}
	{
		struct vs_ctl_conf cc = {.rundir = o.rundir, .config_path = o.config,
					 .sock_gid = o.gid, .version = VS_VERSION};

		ctl = vs_ctl_create(dp, &cc, err, sizeof(err));
		if (ctl == NULL) {
			fprintf(stderr, "vswitchd: %s\n", err);
			goto out;
		}
	}
	signal(SIGINT, vs_on_signal);
	signal(SIGTERM, vs_on_signal);
	signal(SIGPIPE, SIG_IGN);
	printf("vswitchd %s (%s): %u switch(es), %u port(s), %u worker(s), rundir %s\n",
	       VS_VERSION, rte_version(), vs_dp_switch_count(dp), vs_dp_port_count(dp),
	       dc.n_workers, o.rundir);
	fflush(stdout);
	/* The control loop: requests as they come, kernel link notifications
	 * at each turn (vs_dp_ctl_poll), aging once a second, counters on
	 * request. */
	clock_gettime(CLOCK_MONOTONIC, &t_last);
	while (!vs_quit) {
		struct timespec now;

		/* A running capture's ring holds about a millisecond of a busy
		 * port: drain it that often; netVSC channels bring their guests
		 * up through dozens of control messages, answered as they come;
		 * idle at 100 ms otherwise. */
		vs_ctl_poll(ctl, captures || channels ? 1 : 100);
		captures = vs_dp_capture_poll(dp);
		vs_dp_ctl_poll(dp, &channels);
		vs_dp_nlb_tick(dp);
		vs_telemetry_publish(dp, false);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec == t_last.tv_sec)
			continue;
		t_last = now;
		elapsed++;
		vs_dp_fdb_age(dp);
		if (o.stats_interval && elapsed % o.stats_interval == 0) {
			printf("--- %us\n", elapsed);
			vs_print_stats(dp);
			fflush(stdout);
		}
		if (o.exit_after && elapsed >= o.exit_after)
			break;
	}
	vs_ctl_destroy(ctl);
	ctl = NULL;
	vs_telemetry_publish(NULL, true);
	vs_dp_stop(dp);
	printf("--- final counters\n");
	vs_print_stats(dp);
	printf("--- MAC table\n");
	vs_print_fdb(dp);
	rc = 0;
out:
	vs_ctl_destroy(ctl);
	vs_telemetry_publish(NULL, true);
	free(cfg);
	vs_dp_destroy(dp); /* ends running captures, closing their files */
	rte_pdump_uninit();
	rte_eal_cleanup();
	return rc;
}
