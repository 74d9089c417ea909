/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "run" subcommand: options, EAL, workloads (captures or a generated
 * sweep), one vs_perf_run per workload, then the table, JSON and plot.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "perf_priv.h"

#define VS_PERF_MAX_PCAPS 16u
#define VS_PERF_MAX_SWEEP 16u

struct vs_perf_run_opts {
	struct vs_perf_run_conf rc;
	const char *pcaps[VS_PERF_MAX_PCAPS];
	unsigned int n_pcaps;
	uint32_t sizes[VS_PERF_MAX_SWEEP], macs[VS_PERF_MAX_SWEEP];
	unsigned int n_sizes, n_macs;
	struct vs_perf_gen_conf gen;
	double rate_gbps;
	const char *json, *plot, *plot_x, *eal;
};

static void
vs_perf_run_usage(FILE *f)
{
	fprintf(f,
		"usage: vswitch-perf run [--pcap FILE]... [--sizes LIST] [--macs LIST]\n"
		"         [--scenario p2p|vlan|ext | --topology FILE.json] [--port DEVARGS]\n"
		"         [--workers N] [--duration S] [--warmup S] [--repeats N]\n"
		"         [--rate PPS|NGbps] [--speed X] [--no-io] [--json FILE] [--plot FILE.png]\n"
		"         [--plot-x size|macs] [--vlans LIST] [--ipv6] [--tcp] [--flows N]\n"
		"         [--mbufs N] [--fdb-size N] [--quiet] [--eal 'EAL ARGS']\n"
		"\n"
		"Replays each workload through the real datapath and, on the same ports,\n"
		"through a bare receive/transmit loop (the I/O baseline), and prints Mpps,\n"
		"Gbit/s on the wire, cycles per packet, latency percentiles, drops and the\n"
		"ratio vswitch/io.\n"
		"\n"
		"Workloads (one run each; default: --sizes 64 --macs 1000):\n"
		"  --pcap FILE        a capture (pcap or pcapng); repeat for several\n"
		"  --sizes LIST       generate one workload per frame size: 64,128,...,9000,imix\n"
		"  --macs LIST        ... and per MAC count (sources = destinations): 2,1k,64k,1M\n"
		"  --vlans LIST       generated frames carry these 802.1Q tags in turn (10,20-23)\n"
		"  --ipv6, --tcp      generated frames are IPv6 / TCP (default IPv4/UDP)\n"
		"  --flows N          distinct IP/port tuples in generated frames (default 1)\n"
		"Topology:\n"
		"  --scenario NAME    p2p (default): W replay ports -> private switch -> W sinks;\n"
		"                     vlan: trunk replay ports -> one access sink per VLAN;\n"
		"                     ext: replay ports -> external switch -> --port device\n"
		"  --topology FILE    a vswitchd configuration whose ports of kind \"replay\"\n"
		"                     and \"sink\" (or an uplink \"replay\"/\"sink\"/\"external\")\n"
		"                     are vswitch-perf's devices\n"
		"  --port DEVARGS     the external device (implies --scenario ext), e.g.\n"
		"                     net_af_packet0,iface=veth0 or a PCI address\n"
		"Measurement:\n"
		"  --workers N        datapath workers = I/O baseline lcores (default 1)\n"
		"  --duration S       measured seconds per repetition (default 10)\n"
		"  --warmup S         seconds before each window (default 2)\n"
		"  --repeats N        repetitions per subject, alternating (default 3)\n"
		"  --rate R           offered load per replay port: packets/s (1.5M) or\n"
		"                     Gbit/s on the wire (10Gbps); default: as fast as polled\n"
		"  --speed X          the capture's own timing, X times faster (like tcpreplay)\n"
		"  --no-io            skip the I/O baseline\n"
		"  --mbufs N          mbuf pool of each subject (default 16383)\n"
		"  --fdb-size N       MAC table entries (default: fits the workload)\n"
		"Output:\n"
		"  --json FILE        the report as JSON (for vswitch-perf compare)\n"
		"  --plot FILE.png    throughput and latency against --plot-x (size or macs;\n"
		"                     default: whichever the sweep varies), via gnuplot\n"
		"  --quiet            no live progress line\n"
		"  --eal 'ARGS'       EAL arguments instead of the defaults (-l 0-W, no PCI,\n"
		"                     hugepages when reserved, else --no-huge)\n");
}

/* "1000", "1k", "64k", "1M" (decimal multipliers). */
static int
vs_perf_parse_count(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s)
		return -EINVAL;
	if (*end == 'k' || *end == 'K')
		v *= 1e3, end++;
	else if (*end == 'M')
		v *= 1e6, end++;
	else if (*end == 'G')
		v *= 1e9, end++;
	if (*end != '\0' || v < 1 || v > (double)max)
		return -EINVAL;
	*out = (uint64_t)v;
	return 0;
}

static int
vs_perf_parse_list(const char *opt, const char *s, bool sizes, uint32_t *out, unsigned int *n)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (*n == VS_PERF_MAX_SWEEP) {
			fprintf(stderr, "vswitch-perf run: %s: at most %u values\n", opt,
				VS_PERF_MAX_SWEEP);
			return -E2BIG;
		}
		if (sizes && strcmp(tok, "imix") == 0)
			v = VS_PERF_SIZE_IMIX;
		else if (vs_perf_parse_count(tok, sizes ? VS_PERF_SIZE_MAX : VS_PERF_MACS_MAX,
					     &v) != 0 ||
			 (sizes && v < VS_PERF_SIZE_MIN)) {
			fprintf(stderr, "vswitch-perf run: %s: '%s' is not %s\n", opt, tok,
				sizes ? "a frame size 64..9018 or imix" : "a count 1..1048576");
			return -EINVAL;
		}
		out[(*n)++] = (uint32_t)v;
	}
	return 0;
}

static int
vs_perf_parse_vlans(const char *s, struct vs_perf_gen_conf *g)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	g->n_vlans = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		unsigned int a, b;
		int k = 0;

		if (sscanf(tok, "%u-%u%n", &a, &b, &k) == 2 && tok[k] == '\0')
			;
		else if (sscanf(tok, "%u%n", &a, &k) == 1 && tok[k] == '\0')
			b = a;
		else
			return -EINVAL;
		if (a < 1 || b > 4094 || a > b)
			return -EINVAL;
		for (; a <= b; a++) {
			if (g->n_vlans == VS_PERF_VLANS_MAX)
				return -E2BIG;
			g->vlans[g->n_vlans++] = (uint16_t)a;
		}
	}
	return g->n_vlans ? 0 : -EINVAL;
}

static int
vs_perf_parse_rate(const char *s, struct vs_perf_run_opts *o)
{
	size_t len = strlen(s);
	uint64_t v;

	if (len > 4 && strcasecmp(s + len - 4, "gbps") == 0) {
		char *end;

		o->rate_gbps = strtod(s, &end);
		return end == s + len - 4 && o->rate_gbps > 0 ? 0 : -EINVAL;
	}
	if (vs_perf_parse_count(s, 1000000000000ull, &v) != 0)
		return -EINVAL;
	o->rc.rate_pps = v;
	return 0;
}

enum {
	OPT_PCAP = 256, OPT_SIZES, OPT_MACS, OPT_VLANS, OPT_IPV6, OPT_TCP, OPT_FLOWS,
	OPT_SCENARIO, OPT_TOPOLOGY, OPT_PORT, OPT_WORKERS, OPT_DURATION, OPT_WARMUP,
	OPT_REPEATS, OPT_RATE, OPT_SPEED, OPT_NO_IO, OPT_JSON, OPT_PLOT, OPT_PLOT_X,
	OPT_QUIET, OPT_EAL, OPT_MBUFS, OPT_FDB, OPT_HELP,
};

static const struct option vs_perf_run_longopts[] = {
	{"pcap", required_argument, NULL, OPT_PCAP},
	{"sizes", required_argument, NULL, OPT_SIZES},
	{"macs", required_argument, NULL, OPT_MACS},
	{"vlans", required_argument, NULL, OPT_VLANS},
	{"ipv6", no_argument, NULL, OPT_IPV6},
	{"tcp", no_argument, NULL, OPT_TCP},
	{"flows", required_argument, NULL, OPT_FLOWS},
	{"scenario", required_argument, NULL, OPT_SCENARIO},
	{"topology", required_argument, NULL, OPT_TOPOLOGY},
	{"port", required_argument, NULL, OPT_PORT},
	{"workers", required_argument, NULL, OPT_WORKERS},
	{"duration", required_argument, NULL, OPT_DURATION},
	{"warmup", required_argument, NULL, OPT_WARMUP},
	{"repeats", required_argument, NULL, OPT_REPEATS},
	{"rate", required_argument, NULL, OPT_RATE},
	{"speed", required_argument, NULL, OPT_SPEED},
	{"no-io", no_argument, NULL, OPT_NO_IO},
	{"json", required_argument, NULL, OPT_JSON},
	{"plot", required_argument, NULL, OPT_PLOT},
	{"plot-x", required_argument, NULL, OPT_PLOT_X},
	{"quiet", no_argument, NULL, OPT_QUIET},
	{"eal", required_argument, NULL, OPT_EAL},
	{"mbufs", required_argument, NULL, OPT_MBUFS},
	{"fdb-size", required_argument, NULL, OPT_FDB},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static int
vs_perf_bad(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, "vswitch-perf run: --%s: '%s' is not %s\n", opt, val, want);
	return 2;
}

static int
vs_perf_seconds(const char *s, double min, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return end != s && *end == '\0' && *out >= min && *out <= 86400 ? 0 : -EINVAL;
}

/* Returns -1 to go on, else the exit status. */
static int
vs_perf_run_parse(int argc, char **argv, struct vs_perf_run_opts *o)
{
	int c;
	uint64_t v;

	memset(o, 0, sizeof(*o));
	o->rc.scenario = "p2p";
	o->rc.workers = 1;
	o->rc.duration_s = 10;
	o->rc.warmup_s = 2;
	o->rc.repeats = 3;
	o->rc.progress = isatty(STDERR_FILENO);
	vs_perf_gen_defaults(&o->gen);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", vs_perf_run_longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PCAP:
			if (o->n_pcaps == VS_PERF_MAX_PCAPS)
				return vs_perf_bad("pcap", optarg, "allowed: too many captures");
			o->pcaps[o->n_pcaps++] = optarg;
			break;
		case OPT_SIZES:
			if (vs_perf_parse_list("--sizes", optarg, true, o->sizes, &o->n_sizes))
				return 2;
			break;
		case OPT_MACS:
			if (vs_perf_parse_list("--macs", optarg, false, o->macs, &o->n_macs))
				return 2;
			break;
		case OPT_VLANS:
			if (vs_perf_parse_vlans(optarg, &o->gen) != 0)
				return vs_perf_bad("vlans", optarg, "a list of VIDs 1-4094 (10,20-23)");
			break;
		case OPT_IPV6:
			o->gen.l3 = VS_PERF_L3_IPV6;
			break;
		case OPT_TCP:
			o->gen.l4 = VS_PERF_L4_TCP;
			break;
		case OPT_FLOWS:
			if (vs_perf_parse_count(optarg, VS_PERF_FLOWS_MAX, &v) != 0)
				return vs_perf_bad("flows", optarg, "a count 1..1048576");
			o->gen.flows = (uint32_t)v;
			break;
		case OPT_SCENARIO:
			o->rc.scenario = optarg;
			break;
		case OPT_TOPOLOGY:
			o->rc.topology = optarg;
			break;
		case OPT_PORT:
			o->rc.ext_devargs = optarg;
			o->rc.scenario = "ext";
			break;
		case OPT_WORKERS:
			if (vs_perf_parse_count(optarg, 16, &v) != 0)
				return vs_perf_bad("workers", optarg, "a count 1..16");
			o->rc.workers = (unsigned int)v;
			break;
		case OPT_DURATION:
			if (vs_perf_seconds(optarg, 0.1, &o->rc.duration_s) != 0)
				return vs_perf_bad("duration", optarg, "seconds (0.1 or more)");
			break;
		case OPT_WARMUP:
			if (vs_perf_seconds(optarg, 0, &o->rc.warmup_s) != 0)
				return vs_perf_bad("warmup", optarg, "seconds");
			break;
		case OPT_REPEATS:
			if (vs_perf_parse_count(optarg, VS_PERF_REPEATS_MAX, &v) != 0)
				return vs_perf_bad("repeats", optarg, "a count 1..32");
			o->rc.repeats = (unsigned int)v;
			break;
		case OPT_RATE:
			if (vs_perf_parse_rate(optarg, o) != 0)
				return vs_perf_bad("rate", optarg, "packets/s (2M) or Gbit/s (10Gbps)");
			break;
		case OPT_SPEED:
			if (vs_perf_seconds(optarg, 1e-6, &o->rc.speed) != 0)
				return vs_perf_bad("speed", optarg, "a positive factor");
			break;
		case OPT_NO_IO:
			o->rc.no_io = true;
			break;
		case OPT_JSON:
			o->json = optarg;
			break;
		case OPT_PLOT:
			o->plot = optarg;
			break;
		case OPT_PLOT_X:
			if (strcmp(optarg, "size") != 0 && strcmp(optarg, "macs") != 0)
				return vs_perf_bad("plot-x", optarg, "size or macs");
			o->plot_x = optarg;
			break;
		case OPT_QUIET:
			o->rc.progress = false;
			break;
		case OPT_EAL:
			o->eal = optarg;
			break;
		case OPT_MBUFS:
			if (vs_perf_parse_count(optarg, 1u << 24, &v) != 0 || v < 1024)
				return vs_perf_bad("mbufs", optarg, "a count 1024..16M");
			o->rc.n_mbufs = (uint32_t)v;
			break;
		case OPT_FDB:
			if (vs_perf_parse_count(optarg, 1u << 26, &v) != 0 || v < 1024)
				return vs_perf_bad("fdb-size", optarg, "a count 1024..64M");
			o->rc.fdb_size = (uint32_t)v;
			break;
		case OPT_HELP:
		case 'h':
			vs_perf_run_usage(stdout);
			return 0;
		default:
			vs_perf_run_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vswitch-perf run: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (o->n_pcaps && (o->n_sizes || o->n_macs)) {
		fprintf(stderr, "vswitch-perf run: --pcap and --sizes/--macs exclude each other\n");
		return 2;
	}
	if (o->rc.speed > 0 && (o->rc.rate_pps || o->rate_gbps > 0)) {
		fprintf(stderr, "vswitch-perf run: --speed and --rate exclude each other\n");
		return 2;
	}
	if (o->rc.topology && strcmp(o->rc.scenario, "ext") == 0 && !o->rc.ext_devargs) {
		fprintf(stderr, "vswitch-perf run: --scenario ext needs --port DEVARGS\n");
		return 2;
	}
	if (!o->n_pcaps && !o->n_sizes)
		o->sizes[o->n_sizes++] = 64;
	if (!o->n_pcaps && !o->n_macs)
		o->macs[o->n_macs++] = 1000;
	return -1;
}

/* One run: load (or generate) its workload and measure it. */
static int
vs_perf_run_one(struct vs_perf_run_opts *o, const char *pcap, const struct vs_perf_gen_conf *g,
		const char *tmpdir, struct vs_perf_run *out)
{
	struct vs_perf_workload w;
	char path[512], err[512], desc[256];
	int rc;

	if (pcap == NULL) {
		snprintf(path, sizeof(path), "%s/workload.pcap", tmpdir);
		if ((rc = vs_perf_gen_write(g, path, err, sizeof(err))) != 0) {
			fprintf(stderr, "vswitch-perf run: %s\n", err);
			return rc;
		}
		pcap = path;
	}
	if ((rc = vs_perf_workload_load(pcap, &w, err, sizeof(err))) != 0) {
		fprintf(stderr, "vswitch-perf run: %s\n", err);
		return rc;
	}
	if (g != NULL) {
		vs_perf_gen_describe(g, desc, sizeof(desc));
		snprintf(w.name, sizeof(w.name), "%s", desc);
	}
	o->rc.rate_pps = o->rate_gbps > 0 ? (uint64_t)(o->rate_gbps * 1e9 * w.n /
						      (double)vs_perf_workload_wire_bits(&w))
					  : o->rc.rate_pps;
	if (o->rc.progress)
		fprintf(stderr, "%s (%u frames), %s, %u worker%s\n", w.name, w.n,
			o->rc.topology ? o->rc.topology : o->rc.scenario, o->rc.workers,
			o->rc.workers > 1 ? "s" : "");
	rc = vs_perf_run(&o->rc, &w, out, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "vswitch-perf run: %s\n", err);
	else if (g != NULL) {
		out->workload.size = g->size;
		out->workload.src_macs = g->src_macs;
		out->workload.dst_macs = g->dst_macs;
		out->workload.vlans = g->n_vlans;
		out->workload.flows = g->flows;
	}
	vs_perf_workload_free(&w);
	return rc;
}

static int
vs_perf_run_all(struct vs_perf_run_opts *o, struct vs_perf_report *r)
{
	char tmpdir[] = "/tmp/vswitch-perf.XXXXXX", path[600];
	unsigned int i, j;
	int rc = 0;

	if (mkdtemp(tmpdir) == NULL) {
		perror("vswitch-perf run: mkdtemp");
		return -errno;
	}
	for (i = 0; i < o->n_pcaps && rc == 0 && r->n_runs < VS_PERF_RUNS_MAX; i++)
		rc = vs_perf_run_one(o, o->pcaps[i], NULL, tmpdir, &r->runs[r->n_runs++]);
	for (i = 0; i < o->n_sizes && !o->n_pcaps && rc == 0; i++) {
		for (j = 0; j < o->n_macs && rc == 0 && r->n_runs < VS_PERF_RUNS_MAX; j++) {
			struct vs_perf_gen_conf g = o->gen;

			g.size = o->sizes[i];
			g.src_macs = g.dst_macs = o->macs[j];
			g.count = 0;
			rc = vs_perf_run_one(o, NULL, &g, tmpdir, &r->runs[r->n_runs++]);
		}
	}
	if (rc != 0)
		r->n_runs--;
	snprintf(path, sizeof(path), "%s/workload.pcap", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	return rc;
}

static int
vs_perf_write_json(const struct vs_perf_report *r, const char *path)
{
	char *text = vs_perf_report_to_json(r);
	FILE *f;
	int ok;

	if (text == NULL) {
		fprintf(stderr, "vswitch-perf run: out of memory writing JSON\n");
		return -ENOMEM;
	}
	f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "vswitch-perf run: --json %s: %s\n", path, strerror(errno));
		free(text);
		return -errno;
	}
	ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
	if (f != stdout)
		ok &= fclose(f) == 0;
	free(text);
	if (!ok) {
		fprintf(stderr, "vswitch-perf run: --json %s: write failed\n", path);
		return -EIO;
	}
	return 0;
}

int
vs_perf_run_main(int argc, char **argv)
{
	struct vs_perf_run_opts o;
	struct vs_perf_report *r;
	char err[512];
	bool huge;
	int rc = vs_perf_run_parse(argc, argv, &o);

	if (rc >= 0)
		return rc;
	if (vs_perf_eal_init(o.eal, o.rc.workers, o.rc.ext_devargs, &huge) < 0) {
		fprintf(stderr, "vswitch-perf run: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	if (rte_lcore_count() < o.rc.workers + 1) {
		fprintf(stderr, "vswitch-perf run: --workers %u needs %u lcores, EAL has %u\n",
			o.rc.workers, o.rc.workers + 1, rte_lcore_count());
		rte_eal_cleanup();
		return 2;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		rte_eal_cleanup();
		return 1;
	}
	snprintf(r->version, sizeof(r->version), "%s", VS_VERSION);
	vs_perf_machine(r->machine, sizeof(r->machine), huge);
	r->tsc_hz = rte_get_tsc_hz();
	rc = vs_perf_run_all(&o, r);
	if (r->n_runs > 0) {
		vs_perf_report_table(stdout, r);
		if (o.json != NULL && vs_perf_write_json(r, o.json) != 0)
			rc = rc ? rc : -EIO;
		if (o.plot != NULL) {
			const char *x = o.plot_x ? o.plot_x : o.n_macs > 1 ? "macs" : "size";

			if (vs_perf_plot(r, x, o.plot, err, sizeof(err)) != 0) {
				fprintf(stderr, "vswitch-perf run: --plot: %s\n", err);
				rc = rc ? rc : -EIO;
			}
		}
	}
	free(r);
	rte_eal_cleanup();
	return rc == 0 ? 0 : 1;
}
