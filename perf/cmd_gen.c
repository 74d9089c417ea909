/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "vswitch-perf gen": the command line of vs_perf_gen_write.  Exit status
 * 0 on success (the workload's one-line description on stdout), 2 for a
 * usage error (including a combination the generator refuses), 1 when
 * the capture could not be written.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perf.h"

#define CMD "vswitch-perf gen"
#define CMD_VLAN_MAX 4094u

enum { OPT_SIZE = 256, OPT_IPV6, OPT_TCP, OPT_SRC_MACS, OPT_DST_MACS, OPT_SRC_MAC, OPT_DST_MAC,
       OPT_VLANS, OPT_FLOWS, OPT_COUNT };

static void
cmd_gen_usage(FILE *f)
{
	fprintf(f,
		"usage: vswitch-perf gen -o FILE [options]\n"
		"Writes a capture of generated Ethernet frames (pcap, microsecond\n"
		"timestamps: frame i at i us) and prints a one-line description.\n"
		"  -o, --output FILE   the capture to write (required)\n"
		"  --size N|imix       frame size on the wire incl. FCS, %u..%u (default %u);\n"
		"                      frames too small for the headers and the 4-byte\n"
		"                      sequence number grow to fit (IPv6/TCP tagged: 86).\n"
		"                      imix: 64, 594 and 1518 bytes 7:4:1 in a 12-frame cycle\n"
		"  --ipv6              IPv6 (2001:2::/48) instead of IPv4 (198.18.0.0/15)\n"
		"  --tcp               TCP instead of UDP\n"
		"  --src-macs N        distinct source MACs, 1..%u (default 1)\n"
		"  --dst-macs N        distinct destination MACs, 1..%u (default 1)\n"
		"  --src-mac MAC       first source MAC (default 02:00:00:00:00:01);\n"
		"                      the others count up from it as 48-bit numbers\n"
		"  --dst-mac MAC       first destination MAC (default 02:00:01:00:00:01);\n"
		"                      the two ranges must not overlap\n"
		"  --vlans LIST        802.1Q tags used in turn, e.g. 10,20-23 (1..4094, at\n"
		"                      most %u; default untagged)\n"
		"  --flows N           distinct IP address/port tuples, 1..%u (default 1)\n"
		"  --count N           frames to write (default: enough for every address,\n"
		"                      VLAN and flow, and at least 1024; IMIX: whole cycles)\n"
		"  -h, --help          this text\n"
		"N takes a suffix k (x1000) or M (x1000000): --src-macs 10k is 10000.\n",
		VS_PERF_SIZE_MIN, VS_PERF_SIZE_MAX, VS_PERF_SIZE_MIN, VS_PERF_MACS_MAX,
		VS_PERF_MACS_MAX, VS_PERF_VLANS_MAX, VS_PERF_FLOWS_MAX);
}

/* Decimal with an optional k or M suffix, within lo..hi. */
static int
cmd_gen_number(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint32_t *out)
{
	uint64_t v = 0, mult = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		goto bad;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			goto range;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p == 'k')
		mult = 1000;
	else if (*p == 'M')
		mult = 1000000;
	if (mult != 1)
		p++;
	if (*p != '\0')
		goto bad;
	if (v > hi / mult)
		goto range;
	v *= mult;
	if (v < lo || v > hi)
		goto range;
	*out = (uint32_t)v;
	return 0;
bad:
	fprintf(stderr, CMD ": --%s: '%s' is not a number (digits, optionally k or M)\n", opt, s);
	return -EINVAL;
range:
	fprintf(stderr, CMD ": --%s: %s is outside %llu..%llu\n", opt, s, (unsigned long long)lo,
		(unsigned long long)hi);
	return -EINVAL;
}

/* Six groups of one or two hex digits separated by ':' or '-'. */
static int
cmd_gen_mac(const char *opt, const char *s, uint8_t mac[6])
{
	const char *p = s;
	unsigned int k;

	for (k = 0; k < 6; k++) {
		unsigned int v = 0, digits = 0;

		while (isxdigit((unsigned char)*p) && digits < 2) {
			v = v * 16 + (unsigned int)(isdigit((unsigned char)*p)
							    ? *p - '0'
							    : tolower((unsigned char)*p) - 'a' + 10);
			p++;
			digits++;
		}
		if (digits == 0 || (k < 5 && *p != ':' && *p != '-') || (k == 5 && *p != '\0'))
			goto bad;
		mac[k] = (uint8_t)v;
		if (k < 5)
			p++;
	}
	return 0;
bad:
	fprintf(stderr, CMD ": --%s: '%s' is not a MAC address such as 02:00:00:00:00:01\n", opt,
		s);
	return -EINVAL;
}

/* "10,20-23": IDs and ranges, in the order they will be used. */
static int
cmd_gen_vlans(const char *s, struct vs_perf_gen_conf *c)
{
	const char *p = s;

	c->n_vlans = 0;
	for (;;) {
		unsigned long a, b;
		char *end;

		if (!isdigit((unsigned char)*p))
			goto bad;
		a = strtoul(p, &end, 10);
		b = a;
		p = end;
		if (*p == '-') {
			if (!isdigit((unsigned char)p[1]))
				goto bad;
			b = strtoul(p + 1, &end, 10);
			p = end;
		}
		if (a < 1 || b > CMD_VLAN_MAX) {
			fprintf(stderr, CMD ": --vlans: %s: IDs are 1..%u\n", s, CMD_VLAN_MAX);
			return -EINVAL;
		}
		if (b < a) {
			fprintf(stderr, CMD ": --vlans: %lu-%lu is backwards\n", a, b);
			return -EINVAL;
		}
		for (; a <= b; a++) {
			if (c->n_vlans == VS_PERF_VLANS_MAX) {
				fprintf(stderr, CMD ": --vlans: %s is more than %u VLANs\n", s,
					VS_PERF_VLANS_MAX);
				return -EINVAL;
			}
			c->vlans[c->n_vlans++] = (uint16_t)a;
		}
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			goto bad;
	}
bad:
	fprintf(stderr, CMD ": --vlans: '%s' is not a list such as 10,20-23\n", s);
	return -EINVAL;
}

/* The generator names conf fields ("src_macs: ..."); say the option. */
static void
cmd_gen_print_refusal(const char *err)
{
	size_t n = strcspn(err, ":[");
	char opt[32];
	size_t k;

	if (n == 0 || n >= sizeof(opt) || err[n] == '\0') {
		fprintf(stderr, CMD ": %s\n", err);
		return;
	}
	memcpy(opt, err, n);
	opt[n] = '\0';
	for (k = 0; k < n; k++)
		if (opt[k] == '_')
			opt[k] = '-';
	if (strcmp(opt, "n-vlans") == 0)
		snprintf(opt, sizeof(opt), "vlans");
	fprintf(stderr, CMD ": --%s (%s)\n", opt, err);
}

int
vs_perf_gen_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"size", required_argument, NULL, OPT_SIZE},
		{"ipv6", no_argument, NULL, OPT_IPV6},
		{"tcp", no_argument, NULL, OPT_TCP},
		{"src-macs", required_argument, NULL, OPT_SRC_MACS},
		{"dst-macs", required_argument, NULL, OPT_DST_MACS},
		{"src-mac", required_argument, NULL, OPT_SRC_MAC},
		{"dst-mac", required_argument, NULL, OPT_DST_MAC},
		{"vlans", required_argument, NULL, OPT_VLANS},
		{"flows", required_argument, NULL, OPT_FLOWS},
		{"count", required_argument, NULL, OPT_COUNT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct vs_perf_gen_conf c;
	const char *out = NULL;
	char err[256], desc[512];
	int opt, rc;

	vs_perf_gen_defaults(&c);
	optind = 0; /* glibc: a full rescan, so the command can run twice */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case OPT_SIZE:
			if (strcmp(optarg, "imix") == 0)
				c.size = VS_PERF_SIZE_IMIX;
			else if (cmd_gen_number("size", optarg, VS_PERF_SIZE_MIN, VS_PERF_SIZE_MAX,
						&c.size))
				return 2;
			break;
		case OPT_IPV6:
			c.l3 = VS_PERF_L3_IPV6;
			break;
		case OPT_TCP:
			c.l4 = VS_PERF_L4_TCP;
			break;
		case OPT_SRC_MACS:
			if (cmd_gen_number("src-macs", optarg, 1, VS_PERF_MACS_MAX, &c.src_macs))
				return 2;
			break;
		case OPT_DST_MACS:
			if (cmd_gen_number("dst-macs", optarg, 1, VS_PERF_MACS_MAX, &c.dst_macs))
				return 2;
			break;
		case OPT_SRC_MAC:
			if (cmd_gen_mac("src-mac", optarg, c.src_mac))
				return 2;
			break;
		case OPT_DST_MAC:
			if (cmd_gen_mac("dst-mac", optarg, c.dst_mac))
				return 2;
			break;
		case OPT_VLANS:
			if (cmd_gen_vlans(optarg, &c))
				return 2;
			break;
		case OPT_FLOWS:
			if (cmd_gen_number("flows", optarg, 1, VS_PERF_FLOWS_MAX, &c.flows))
				return 2;
			break;
		case OPT_COUNT:
			if (cmd_gen_number("count", optarg, 1, UINT32_MAX, &c.count))
				return 2;
			break;
		case 'h':
			cmd_gen_usage(stdout);
			return 0;
		default:
			fprintf(stderr, CMD ": %s: unknown option or missing value\n",
				argv[optind - 1]);
			cmd_gen_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, CMD ": unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (out == NULL) {
		fprintf(stderr, CMD ": --output: required (-o FILE)\n");
		cmd_gen_usage(stderr);
		return 2;
	}
	rc = vs_perf_gen_write(&c, out, err, sizeof(err));
	if (rc == -EINVAL) {
		cmd_gen_print_refusal(err);
		return 2;
	}
	if (rc) {
		fprintf(stderr, CMD ": %s\n", err);
		return 1;
	}
	vs_perf_gen_describe(&c, desc, sizeof(desc));
	printf("%s\n", desc);
	return 0;
}
