/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The run subcommand's environment: EAL arguments (hugepages when enough
 * are reserved and mounted, else --no-huge) and the machine's description
 * for reports.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

#include "perf_priv.h"

static bool
vs_perf_hugepages(void)
{
	char line[256];
	unsigned long free_pages = 0;
	bool mounted = false;
	FILE *f = fopen("/proc/meminfo", "r");

	if (f != NULL) {
		while (fgets(line, sizeof(line), f))
			sscanf(line, "HugePages_Free: %lu", &free_pages);
		fclose(f);
	}
	f = fopen("/proc/mounts", "r");
	if (f != NULL) {
		while (fgets(line, sizeof(line), f))
			mounted |= strstr(line, " hugetlbfs ") != NULL;
		fclose(f);
	}
	return mounted && free_pages >= 256; /* 512 MB in 2-MB pages */
}

int
vs_perf_eal_init(const char *eal, unsigned int workers, const char *ext_devargs, bool *huge)
{
	char lcores[16], prefix[48], buf[1024], *argv[64], *save = NULL, *tok;
	int argc = 0;

	argv[argc++] = "vswitch-perf";
	*huge = false;
	if (eal != NULL) {
		snprintf(buf, sizeof(buf), "%s", eal);
		for (tok = strtok_r(buf, " ", &save); tok && argc < 63;
		     tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
		*huge = strstr(eal, "--no-huge") == NULL;
	} else {
		snprintf(lcores, sizeof(lcores), "0-%u", workers);
		snprintf(prefix, sizeof(prefix), "--file-prefix=vsperf%d", (int)getpid());
		argv[argc++] = "-l";
		argv[argc++] = lcores;
		argv[argc++] = "--no-pci";
		argv[argc++] = "--log-level=lib.*:warning";
		if (ext_devargs != NULL && strncmp(ext_devargs, "net_", 4) != 0)
			argc--; /* a PCI device: keep the bus */
		if (vs_perf_hugepages()) {
			argv[argc++] = "--in-memory";
			*huge = true;
		} else {
			argv[argc++] = "--no-huge";
			argv[argc++] = "--no-shconf";
			argv[argc++] = "-m";
			argv[argc++] = "2048";
			argv[argc++] = prefix;
		}
	}
	argv[argc] = NULL;
	return rte_eal_init(argc, argv);
}

void
vs_perf_machine(char *out, size_t len, bool huge)
{
	char line[256], model[128] = "unknown CPU";
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f != NULL) {
		while (fgets(line, sizeof(line), f)) {
			char *c = strchr(line, ':');

			if (strncmp(line, "model name", 10) == 0 && c != NULL) {
				snprintf(model, sizeof(model), "%s", c + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		}
		fclose(f);
	}
	snprintf(out, len, "%ld CPUs, %s, %s", sysconf(_SC_NPROCESSORS_ONLN), model,
		 huge ? "hugepages" : "no hugepages (figures about halve)");
}
