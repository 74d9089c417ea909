/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vs-gen-pcap: writes a capture of N identical-size IPv4/UDP frames for
 * replaying through a pcap port.
 *
 *   vs-gen-pcap -o FILE [--size BYTES] [--count N] [--src-mac MAC]
 *               [--src-macs N] [--dst-mac MAC] [--dst-macs N] [--vlan VID]
 *
 * --size is the frame size on the wire including the 4-byte FCS, as frame
 * sizes are usually quoted (64 by default); the capture holds size - 4 bytes
 * per frame, since captures carry no FCS.  Frame i goes from source MAC
 * number (i mod --src-macs) to destination MAC number (i mod --dst-macs),
 * the addresses counted up from --src-mac and --dst-mac.  With --vlan the
 * frames carry an 802.1Q tag of that VLAN (PCP 0), included in --size.  The
 * IPv4 header checksum is correct; the UDP checksum is zero ("none", allowed
 * over IPv4); the payload holds the frame's sequence number.
 *
 * This is a fixed-workload helper, not a traffic generator: one size, no
 * randomness.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#define GEN_FCS_LEN 4u
#define GEN_MIN_SIZE 64u   /* smallest legal frame, with FCS */
#define GEN_MAX_SIZE 9018u /* jumbo, with FCS */
#define GEN_HDRS_LEN \
	(sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr))

struct gen_opts {
	unsigned long size;
	unsigned long count;
	unsigned long src_macs, dst_macs;
	unsigned long vlan; /* 0: untagged */
	struct rte_ether_addr src, dst;
	const char *out;
};

static void
gen_usage(FILE *f)
{
	fprintf(f,
		"usage: vs-gen-pcap -o FILE [--size BYTES] [--count N] [--src-mac MAC]\n"
		"                   [--src-macs N] [--dst-mac MAC] [--dst-macs N] [--vlan VID]\n"
		"  --size      frame size including FCS, %u..%u (default 64)\n"
		"  --count     frames to write (default 1024)\n"
		"  --src-mac   first source MAC (default 02:00:00:00:00:01)\n"
		"  --src-macs  number of consecutive source MACs used in turn (default 1)\n"
		"  --dst-mac   first destination MAC, unicast (default 02:00:01:00:00:01)\n"
		"  --dst-macs  number of consecutive destination MACs used in turn (default 1)\n"
		"  --vlan      802.1Q-tag the frames with this VLAN, 1..4094 (default untagged)\n",
		GEN_MIN_SIZE, GEN_MAX_SIZE);
}

static int
gen_parse_ul(const char *name, const char *s, unsigned long min, unsigned long max,
	     unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "vs-gen-pcap: --%s: expected %lu to %lu, got '%s'\n", name, min,
			max, s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
gen_parse_mac(const char *name, const char *s, struct rte_ether_addr *out)
{
	unsigned int b[RTE_ETHER_ADDR_LEN];
	char tail;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != RTE_ETHER_ADDR_LEN)
		goto bad;
	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++) {
		if (b[i] > 0xff)
			goto bad;
		out->addr_bytes[i] = (uint8_t)b[i];
	}
	return 0;
bad:
	fprintf(stderr, "vs-gen-pcap: --%s: expected a MAC such as 02:00:00:00:00:01, got '%s'\n",
		name, s);
	return -EINVAL;
}

static uint32_t
gen_mac_low(const struct rte_ether_addr *a)
{
	return ((uint32_t)a->addr_bytes[3] << 16) | ((uint32_t)a->addr_bytes[4] << 8) |
	       a->addr_bytes[5];
}

/* base + k, carried across the low three bytes (the OUI is kept). */
static void
gen_mac_add(const struct rte_ether_addr *base, unsigned long k, struct rte_ether_addr *out)
{
	uint32_t low = (gen_mac_low(base) + (uint32_t)k) & 0xffffffu;

	*out = *base;
	out->addr_bytes[3] = (uint8_t)(low >> 16);
	out->addr_bytes[4] = (uint8_t)(low >> 8);
	out->addr_bytes[5] = (uint8_t)low;
}

static int
gen_parse_opts(int argc, char **argv, struct gen_opts *o)
{
	static const struct option longopts[] = {
		{"size", required_argument, NULL, 's'},
		{"count", required_argument, NULL, 'n'},
		{"src-mac", required_argument, NULL, 'S'},
		{"src-macs", required_argument, NULL, 'm'},
		{"dst-mac", required_argument, NULL, 'd'},
		{"dst-macs", required_argument, NULL, 'D'},
		{"vlan", required_argument, NULL, 'v'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	unsigned long i;
	int c;

	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (gen_parse_ul("size", optarg, GEN_MIN_SIZE, GEN_MAX_SIZE, &o->size))
				return -EINVAL;
			break;
		case 'n':
			if (gen_parse_ul("count", optarg, 1, 100000000ul, &o->count))
				return -EINVAL;
			break;
		case 'm':
			if (gen_parse_ul("src-macs", optarg, 1, 1ul << 24, &o->src_macs))
				return -EINVAL;
			break;
		case 'D':
			if (gen_parse_ul("dst-macs", optarg, 1, 1ul << 24, &o->dst_macs))
				return -EINVAL;
			break;
		case 'v':
			if (gen_parse_ul("vlan", optarg, 1, 4094, &o->vlan))
				return -EINVAL;
			break;
		case 'S':
			if (gen_parse_mac("src-mac", optarg, &o->src))
				return -EINVAL;
			break;
		case 'd':
			if (gen_parse_mac("dst-mac", optarg, &o->dst))
				return -EINVAL;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'h':
			gen_usage(stdout);
			exit(0);
		default:
			gen_usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vs-gen-pcap: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (o->out == NULL) {
		fprintf(stderr, "vs-gen-pcap: -o FILE is required\n");
		gen_usage(stderr);
		return -EINVAL;
	}
	if (rte_is_multicast_ether_addr(&o->src)) {
		fprintf(stderr, "vs-gen-pcap: --src-mac must be unicast\n");
		return -EINVAL;
	}
	if (!rte_is_unicast_ether_addr(&o->dst)) {
		fprintf(stderr, "vs-gen-pcap: --dst-mac must be unicast\n");
		return -EINVAL;
	}
	/* No destination may be one of the sources: both are runs of the low
	 * three bytes under a fixed OUI. */
	if (memcmp(o->src.addr_bytes, o->dst.addr_bytes, 3) == 0) {
		uint32_t slow = gen_mac_low(&o->src), dlow = gen_mac_low(&o->dst);

		for (i = 0; i < o->dst_macs; i++) {
			if (((dlow + (uint32_t)i - slow) & 0xffffffu) < o->src_macs) {
				fprintf(stderr, "vs-gen-pcap: a destination MAC is one of the source MACs\n");
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* Builds frame number seq (caplen bytes) into buf. */
static void
gen_frame(const struct gen_opts *o, unsigned long seq, uint8_t *buf, size_t caplen)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	size_t l2_len = sizeof(*eh) + (o->vlan ? sizeof(struct rte_vlan_hdr) : 0);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(buf + l2_len);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint8_t *payload = (uint8_t *)(udp + 1);
	unsigned long mac_idx = seq % o->src_macs, dst_idx = seq % o->dst_macs;
	size_t ip_len = caplen - l2_len;
	uint32_t seq32 = rte_cpu_to_be_32((uint32_t)seq);

	memset(buf, 0, caplen);
	gen_mac_add(&o->src, mac_idx, &eh->src_addr);
	gen_mac_add(&o->dst, dst_idx, &eh->dst_addr);
	if (o->vlan) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eh + 1);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16((uint16_t)o->vlan);
		vh->eth_proto = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	} else {
		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	}

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)ip_len);
	ip->packet_id = rte_cpu_to_be_16((uint16_t)seq);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	/* 198.18.0.0/15 is set aside for benchmarking (RFC 2544). */
	ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(198, 18, 0, 0) + (uint32_t)(mac_idx & 0xffff) + 1);
	ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(198, 19, 0, 0) + (uint32_t)(dst_idx & 0xffff) + 1);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	udp->src_port = rte_cpu_to_be_16(1024);
	udp->dst_port = rte_cpu_to_be_16(1024);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(ip_len - sizeof(*ip)));
	udp->dgram_cksum = 0;

	memcpy(payload, &seq32, sizeof(seq32));
}

int
main(int argc, char **argv)
{
	struct gen_opts o = {
		.size = 64,
		.count = 1024,
		.src_macs = 1,
		.dst_macs = 1,
		.src = {.addr_bytes = {0x02, 0, 0, 0, 0, 0x01}},
		.dst = {.addr_bytes = {0x02, 0, 0x01, 0, 0, 0x01}},
	};
	uint8_t buf[GEN_MAX_SIZE];
	struct pcap_pkthdr ph;
	pcap_dumper_t *d;
	pcap_t *p;
	size_t caplen;
	unsigned long i;
	int rc = 0;

	if (gen_parse_opts(argc, argv, &o) != 0)
		return 2;
	caplen = o.size - GEN_FCS_LEN;
	_Static_assert(GEN_MIN_SIZE - GEN_FCS_LEN >= GEN_HDRS_LEN + sizeof(struct rte_vlan_hdr) + 4,
		       "no room for the sequence");

	p = pcap_open_dead(DLT_EN10MB, (int)(GEN_MAX_SIZE));
	if (p == NULL) {
		fprintf(stderr, "vs-gen-pcap: pcap_open_dead failed\n");
		return 1;
	}
	d = pcap_dump_open(p, o.out);
	if (d == NULL) {
		fprintf(stderr, "vs-gen-pcap: %s: %s\n", o.out, pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	for (i = 0; i < o.count; i++) {
		gen_frame(&o, i, buf, caplen);
		/* One microsecond apart: timestamps only need to increase. */
		ph.ts.tv_sec = (time_t)(i / 1000000ul);
		ph.ts.tv_usec = (suseconds_t)(i % 1000000ul);
		ph.caplen = (bpf_u_int32)caplen;
		ph.len = (bpf_u_int32)caplen;
		pcap_dump((u_char *)d, &ph, buf);
	}
	if (pcap_dump_flush(d) != 0) {
		fprintf(stderr, "vs-gen-pcap: %s: write failed\n", o.out);
		rc = 1;
	}
	pcap_dump_close(d);
	pcap_close(p);
	return rc;
}
