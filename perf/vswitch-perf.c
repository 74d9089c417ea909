/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswitch-perf: pcap-replay performance testing of the vswitch datapath.
 *
 *   vswitch-perf gen      write a workload capture
 *   vswitch-perf run      replay workloads through the switch and the I/O
 *                         baseline, report
 *   vswitch-perf compare  two reports, regressions flagged
 *   vswitch-perf plot     reports drawn against frame size or MAC count
 */
#include <stdio.h>
#include <string.h>

#include "perf.h"

static void
vs_perf_usage(FILE *f)
{
	fprintf(f,
		"usage: vswitch-perf COMMAND [OPTIONS]   (vswitch-perf COMMAND --help)\n"
		"  gen      write a workload capture (sizes, IMIX, IPv4/IPv6, UDP/TCP, MACs,\n"
		"           VLANs, flows)\n"
		"  run      replay workloads through the switch and, on the same ports, the\n"
		"           I/O-only baseline; Mpps, Gbit/s, cycles/packet, latency, drops\n"
		"  compare  compare two reports (--json of run) and flag regressions\n"
		"  plot     draw reports' throughput and latency against size or MAC count\n"
		"  version  print the version\n");
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (strcmp(cmd, "gen") == 0)
		return vs_perf_gen_main(argc - 1, argv + 1);
	if (strcmp(cmd, "run") == 0)
		return vs_perf_run_main(argc - 1, argv + 1);
	if (strcmp(cmd, "compare") == 0)
		return vs_perf_compare_main(argc - 1, argv + 1);
	if (strcmp(cmd, "plot") == 0)
		return vs_perf_plot_main(argc - 1, argv + 1);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("vswitch-perf %s\n", VS_VERSION);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		vs_perf_usage(stdout);
		return 0;
	}
	if (*cmd)
		fprintf(stderr, "vswitch-perf: unknown command '%s'\n", cmd);
	vs_perf_usage(stderr);
	return 2;
}
